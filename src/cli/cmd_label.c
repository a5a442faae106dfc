/* cmd_label.c - `fagpt label DOC LABEL`: a document's access label (who may read it through the web server). */
#include <string.h>

#include "cli.h"
#include "core/json.h"
#include "server/server.h"
#include "store/store.h"

static const char usage[] =
    "usage: fagpt label [--json] DOC [LABEL]\n"
    "  Shows or sets the access label of a document (id, file name or publication id). A web user reads only\n"
    "  documents whose label they hold (`fagpt user add --labels`); admins read all. The default label is the\n"
    "  document's distribution statement (\"DISTRIBUTION A\"), or UNLABELLED when it has none.\n";

int cmd_label(cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {CLI_COMMON_LONGOPTS, {0, 0, 0, 0}};
    int opt;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int handled = cli_common_opt(c, opt, optarg, usage);
        if (handled < 0)
            return EXIT_OK;
        if (!handled)
            return cli_usage_error(usage, "unknown option");
    }
    if (optind >= argc || argc - optind > 2)
        return cli_usage_error(usage, "give a document, and the label to set");
    const char *label = argc - optind == 2 ? argv[optind + 1] : NULL;
    fa_err e;
    if (label && (!*label || strchr(label, ',') || server_labels_ok(label, &e) != 0))
        return cli_usage_error(usage, "label '%s': one label of letters, digits, spaces and - _ . :", label);
    store *s = cli_store(c);
    if (!s)
        return EXIT_USER;
    store_doc d;
    int got = store_find_doc(s, argv[optind], &d, &e);
    int rc = EXIT_OK;
    if (got <= 0) {
        rc = got < 0 ? cli_error(c, "%s", e.msg)
                     : cli_error(c, "no document '%s' in the library (see `fagpt docs`)", argv[optind]);
    } else {
        if (label && store_set_label(s, d.id, label, &e) < 0) {
            rc = cli_error(c, "%s", e.msg);
        } else {
            if (label)
                store_audit_add(s, NULL, "label", d.file_name, label, NULL);
            if (c->json) {
                strbuf b = {0};
                sb_addf(&b, "{\"id\": %lld, \"doc\": ", d.id);
                json_str(&b, d.file_name);
                sb_add(&b, ", \"label\": ");
                json_str(&b, label ? label : d.label);
                sb_add(&b, "}\n");
                fputs(b.s, stdout);
                sb_free(&b);
            } else {
                printf("%lld %s: %s\n", d.id, d.file_name, label ? label : d.label);
            }
        }
        store_doc_free(&d);
    }
    store_close(s);
    return rc;
}
