/* cmd_tables.c - `fagpt tables DOC`: the tables found in a document, with their number, caption, printed page
 * and size; `fagpt table DOC N` exports one of them. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/json.h"
#include "store/store.h"

static const char tables_usage[] =
    "usage: fagpt tables [--json] DOC\n"
    "  Lists the tables found in DOC: their number in the list (for `fagpt table DOC N`), the caption\n"
    "  (\"Table 5-3. ...\"), the printed page and the size in rows x columns. DOC is a document id, a file name or\n"
    "  a publication id (\"FM 3-55\").\n";

int cmd_tables(cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {CLI_COMMON_LONGOPTS, {0, 0, 0, 0}};
    int opt;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int handled = cli_common_opt(c, opt, optarg, tables_usage);
        if (handled < 0)
            return EXIT_OK;
        if (!handled)
            return cli_usage_error(tables_usage, "unknown option");
    }
    if (optind + 1 != argc)
        return cli_usage_error(tables_usage, "name one document (id, file name or publication id)");
    store *s = cli_store(c);
    if (!s)
        return EXIT_USER;
    store_doc d;
    fa_err e;
    if (cli_find_doc(c, s, argv[optind], &d) != 0) {
        store_close(s);
        return EXIT_USER;
    }
    store_tables v = {0};
    int rc = store_tables_list(s, d.id, &v, &e);
    store_close(s);
    if (rc != 0) {
        store_doc_free(&d);
        return cli_error(c, "%s", e.msg);
    }
    strbuf b = {0};
    if (c->json) {
        store_tables_json(&b, &d, &v);
        sb_addc(&b, '\n');
    } else {
        const char *name = d.publication ? d.publication : d.file_name;
        sb_addf(&b, "%s: %zu table%s\n", name, v.n, v.n == 1 ? "" : "s");
        for (size_t i = 0; i < v.n; i++) {
            const store_table *t = &v.v[i];
            char page[48];
            if (t->page_label)
                snprintf(page, sizeof page, "p. %s", t->page_label);
            else
                snprintf(page, sizeof page, "PDF p. %d", t->page);
            char size[32];
            snprintf(size, sizeof size, "%dx%d", t->nrows, t->ncols);
            sb_addf(&b, "%3d  %-12s %-7s %s%s\n", t->seq, page, size,
                    t->caption ? t->caption : "(no caption)", t->page_end > t->page ? " (continued over pages)" : "");
        }
    }
    fputs(b.s, stdout);
    sb_free(&b);
    store_tables_free(&v);
    store_doc_free(&d);
    return EXIT_OK;
}
