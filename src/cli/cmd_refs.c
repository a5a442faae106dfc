/* cmd_refs.c - `fagpt refs DOC`: the publications a document cites (and whether the library holds them), the
 * documents in the library that cite it, and its references to its own paragraphs, figures and tables. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/json.h"
#include "store/store.h"

static const char refs_usage[] =
    "usage: fagpt refs [--json] DOC\n"
    "  Lists the publications DOC cites, with the number of mentions, the first page and the library's copy when\n"
    "  it holds one; the documents in the library that cite DOC; and DOC's references to its own paragraphs,\n"
    "  figures and tables (\"see paragraph 4-66\", \"(see figure 2-3)\"). DOC is a document id, a file name or a\n"
    "  publication id (\"ADP 3-19\").\n";

static void page_of(strbuf *b, const store_ref_row *r)
{
    if (r->page_label)
        sb_addf(b, "p. %s", r->page_label);
    else
        sb_addf(b, "PDF p. %d", r->page);
}

static void rows_json(strbuf *b, const char *key, const store_ref_rows *v, bool with_kind)
{
    sb_addf(b, ", \"%s\": [", key);
    for (size_t i = 0; i < v->n; i++) {
        const store_ref_row *r = &v->v[i];
        sb_add(b, i ? ", {" : "{");
        if (with_kind) {
            sb_add(b, "\"kind\": ");
            json_str(b, r->kind);
            sb_add(b, ", ");
        }
        sb_add(b, with_kind ? "\"target\": " : "\"publication\": ");
        json_str(b, r->target);
        if (!with_kind) {
            sb_add(b, ", \"doc\": ");
            json_str(b, r->doc);
        }
        sb_addf(b, ", \"mentions\": %d, \"first_page\": %d, \"first_page_label\": ", r->count, r->page);
        json_str(b, r->page_label);
        sb_addc(b, '}');
    }
    sb_addc(b, ']');
}

int cmd_refs(cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {CLI_COMMON_LONGOPTS, {0, 0, 0, 0}};
    int opt;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int handled = cli_common_opt(c, opt, optarg, refs_usage);
        if (handled < 0)
            return EXIT_OK;
        if (!handled)
            return cli_usage_error(refs_usage, "unknown option");
    }
    if (optind + 1 != argc)
        return cli_usage_error(refs_usage, "name one document (id, file name or publication id)");
    store *s = cli_store(c);
    if (!s)
        return EXIT_USER;
    store_doc d;
    fa_err e;
    if (cli_find_doc(c, s, argv[optind], &d) != 0) {
        store_close(s);
        return EXIT_USER;
    }
    store_ref_rows cites = {0}, cited_by = {0}, internal = {0};
    int rc = store_refs(s, d.id, &cites, &cited_by, &internal, &e);
    store_close(s);
    if (rc != 0) {
        store_doc_free(&d);
        return cli_error(c, "%s", e.msg);
    }
    strbuf b = {0};
    if (c->json) {
        sb_addf(&b, "{\"id\": %lld, \"doc\": ", d.id);
        json_str(&b, d.file_name);
        sb_add(&b, ", \"publication\": ");
        json_str(&b, d.publication);
        rows_json(&b, "cites", &cites, false);
        rows_json(&b, "cited_by", &cited_by, false);
        rows_json(&b, "internal", &internal, true);
        sb_add(&b, "}\n");
    } else {
        const char *name = d.publication ? d.publication : d.file_name;
        sb_addf(&b, "%s cites %zu publication%s:\n", name, cites.n, cites.n == 1 ? "" : "s");
        for (size_t i = 0; i < cites.n; i++) {
            sb_addf(&b, "  %-14s %3d× from ", cites.v[i].target, cites.v[i].count);
            page_of(&b, &cites.v[i]);
            if (cites.v[i].doc)
                sb_addf(&b, "  [in the library: %s]", cites.v[i].doc);
            sb_addc(&b, '\n');
        }
        if (cited_by.n == 0)
            sb_addf(&b, "No document in the library cites %s.\n", name);
        else
            sb_addf(&b, "Cited by %zu document%s in the library:\n", cited_by.n, cited_by.n == 1 ? "" : "s");
        for (size_t i = 0; i < cited_by.n; i++) {
            sb_addf(&b, "  %-14s %3d× from ", cited_by.v[i].target ? cited_by.v[i].target : "-", cited_by.v[i].count);
            page_of(&b, &cited_by.v[i]);
            sb_addf(&b, "  (%s)\n", cited_by.v[i].doc);
        }
        if (internal.n)
            sb_addf(&b, "References to its own paragraphs, figures and tables: %zu\n", internal.n);
        for (size_t i = 0; i < internal.n; i++) {
            sb_addf(&b, "  %-9s %-6s from ", internal.v[i].kind, internal.v[i].target);
            page_of(&b, &internal.v[i]);
            sb_addc(&b, '\n');
        }
    }
    fputs(b.s, stdout);
    sb_free(&b);
    store_ref_rows_free(&cites);
    store_ref_rows_free(&cited_by);
    store_ref_rows_free(&internal);
    store_doc_free(&d);
    return EXIT_OK;
}
