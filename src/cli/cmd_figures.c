/* cmd_figures.c - `fagpt figures DOC`: the captioned figures of a document, with their printed page, kind, PNG
 * file (drawn here when it was not yet), and whether OCR or the vision model read them. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/json.h"
#include "ingest/ingest.h"
#include "store/store.h"

static const char figures_usage[] =
    "usage: fagpt figures [--json] DOC\n"
    "  Lists the captioned figures of DOC (\"Figure 2-1. ...\"): number in the list, printed page, kind (raster:\n"
    "  images; vector: drawn; mixed), its PNG under the data folder (drawn now when it was not yet), and whether\n"
    "  the text inside was read by OCR and the figure described by the vision model. --json adds that text and\n"
    "  the description. DOC is a document id, a file name or a publication id (\"ADRP 3-0\").\n";

int cmd_figures(cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {CLI_COMMON_LONGOPTS, {0, 0, 0, 0}};
    int opt;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int handled = cli_common_opt(c, opt, optarg, figures_usage);
        if (handled < 0)
            return EXIT_OK;
        if (!handled)
            return cli_usage_error(figures_usage, "unknown option");
    }
    if (optind + 1 != argc)
        return cli_usage_error(figures_usage, "name one document (id, file name or publication id)");
    store *s = cli_store(c);
    if (!s)
        return EXIT_USER;
    store_doc d;
    fa_err e;
    if (cli_find_doc(c, s, argv[optind], &d) != 0) {
        store_close(s);
        return EXIT_USER;
    }
    store_figures v = {0};
    int rc = store_figures_list(s, d.id, &v, &e);
    store_close(s);
    if (rc != 0) {
        store_doc_free(&d);
        return cli_error(c, "%s", e.msg);
    }
    /* The PNGs are drawn when first wanted: the ones listed are there when this command ends. */
    for (size_t i = 0; i < v.n; i++)
        if (v.v[i].png_path && ingest_figure_png(d.path, &v.v[i], NULL, NULL, &e) != 0) {
            fprintf(stderr, "fagpt: warning: %s\n", e.msg);
            free(v.v[i].png_path);
            v.v[i].png_path = NULL;
        }
    strbuf b = {0};
    if (c->json) {
        store_figures_json(&b, &d, &v, true);
        sb_addc(&b, '\n');
    } else {
        const char *name = d.publication ? d.publication : d.file_name;
        sb_addf(&b, "%s: %zu figure%s\n", name, v.n, v.n == 1 ? "" : "s");
        for (size_t i = 0; i < v.n; i++) {
            const store_figure *f = &v.v[i];
            char page[48];
            if (f->page_label)
                snprintf(page, sizeof page, "p. %s", f->page_label);
            else
                snprintf(page, sizeof page, "PDF p. %d", f->page);
            sb_addf(&b, "%3d  %-12s %-7s %s%s%s\n", f->seq, page, f->kind, f->caption, f->ocr ? "  [OCR]" : "",
                    f->description ? "  [described]" : "");
            if (f->png_path)
                sb_addf(&b, "     %s (%dx%d)\n", f->png_path, f->width, f->height);
        }
    }
    fputs(b.s, stdout);
    sb_free(&b);
    store_figures_free(&v);
    store_doc_free(&d);
    return EXIT_OK;
}
