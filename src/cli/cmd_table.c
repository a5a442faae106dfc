/* cmd_table.c - `fagpt table DOC N`: one table of a document as Markdown, CSV or JSON cells. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/json.h"
#include "store/store.h"

static const char table_usage[] =
    "usage: fagpt table [--md|--csv|--json] DOC N\n"
    "  Exports table N of DOC (N as `fagpt tables DOC` numbers them, or the table's own number: \"5-3\").\n"
    "  --md    Markdown: the caption, one header line, a line per row (the default)\n"
    "  --csv   CSV (RFC 4180): every row of the grid, a spanning cell's text at its top-left position\n"
    "  --json  the caption, page and the cells with their row, column, row span and column span\n";

/* N as the list's number, else as the caption's number ("5-3", "A-1"). */
static int find_seq(store *s, long long doc_id, const char *n, fa_err *e)
{
    char *end;
    long v = strtol(n, &end, 10);
    if (*n && !*end && v > 0)
        return (int)v;
    store_tables list = {0};
    if (store_tables_list(s, doc_id, &list, e) != 0)
        return -1;
    int seq = 0;
    for (size_t i = 0; i < list.n && !seq; i++)
        if (list.v[i].number && !strcasecmp(list.v[i].number, n))
            seq = list.v[i].seq;
    store_tables_free(&list);
    return seq;
}

int cmd_table(cli_ctx *c, int argc, char **argv)
{
    enum { MD = 1000, CSV };
    static const struct option opts[] = {{"md", no_argument, 0, MD}, {"csv", no_argument, 0, CSV},
                                         CLI_COMMON_LONGOPTS, {0, 0, 0, 0}};
    int opt, format = MD;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (opt == MD || opt == CSV) {
            format = opt;
            continue;
        }
        int handled = cli_common_opt(c, opt, optarg, table_usage);
        if (handled < 0)
            return EXIT_OK;
        if (!handled)
            return cli_usage_error(table_usage, "unknown option");
    }
    if (optind + 2 != argc)
        return cli_usage_error(table_usage, "name a document and a table number (`fagpt tables DOC` lists them)");
    store *s = cli_store(c);
    if (!s)
        return EXIT_USER;
    store_doc d;
    fa_err e;
    if (cli_find_doc(c, s, argv[optind], &d) != 0) {
        store_close(s);
        return EXIT_USER;
    }
    store_table t = {0};
    int seq = find_seq(s, d.id, argv[optind + 1], &e);
    int rc = seq > 0 ? store_table_get(s, d.id, seq, &t, &e) : seq;
    store_close(s);
    if (rc != 1) {
        const char *name = d.publication ? d.publication : d.file_name;
        rc = rc < 0 ? cli_error(c, "%s", e.msg)
                    : cli_error(c, "%s has no table %s; `fagpt tables %s` lists them", name, argv[optind + 1],
                                argv[optind]);
        store_doc_free(&d);
        return rc;
    }
    doc_table dt;
    if (doc_table_from_json(t.cells, &dt, &e) != 0) {
        store_table_free(&t);
        store_doc_free(&d);
        return cli_error(c, "%s", e.msg);
    }
    dt.caption = t.caption ? xstrdup(t.caption) : NULL;
    strbuf b = {0};
    if (c->json) {
        store_table_json(&b, &d, &t);
        sb_addc(&b, '\n');
    } else {
        char *out = format == CSV ? doc_table_csv(&dt) : doc_table_markdown(&dt);
        sb_add(&b, out);
        free(out);
    }
    fputs(b.s, stdout);
    sb_free(&b);
    doc_table_free(&dt);
    store_table_free(&t);
    store_doc_free(&d);
    return EXIT_OK;
}
