/* cmd_page.c - `fagpt page DOC P [--highlight CHUNK] [--dpi N] -o out.png`: a page image, the cited passage
 * highlighted (doc_render_page_png, as the web server's page images). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "doc/doc.h"
#include "store/store.h"

static const char usage[] =
    "usage: fagpt page DOC PAGE [--highlight CHUNK] [--dpi N] -o FILE.png\n"
    "  Renders page PAGE (1-based PDF page) of a library document (id, file name or publication id) to PNG.\n"
    "  --highlight CHUNK  mark the passage with this chunk id (chunk_id in `fagpt search --json`)\n"
    "  --dpi N            resolution, 24 to 600 (default 110)\n"
    "  -o FILE            the PNG to write (\"-\": stdout)\n";

int cmd_page(cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {{"highlight", required_argument, 0, 'g'}, {"dpi", required_argument, 0, 'd'},
                                         {"output", required_argument, 0, 'o'}, CLI_COMMON_LONGOPTS, {0, 0, 0, 0}};
    const char *out = NULL, *hl = NULL;
    long dpi = 110;
    int opt;
    while ((opt = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        int handled = cli_common_opt(c, opt, optarg, usage);
        if (handled < 0)
            return EXIT_OK;
        if (handled)
            continue;
        char *end;
        if (opt == 'o') {
            out = optarg;
        } else if (opt == 'g') {
            hl = optarg;
        } else if (opt == 'd') {
            dpi = strtol(optarg, &end, 10);
            if (*end || dpi < 24 || dpi > 600)
                return cli_usage_error(usage, "--dpi wants 24 to 600, not '%s'", optarg);
        } else {
            return cli_usage_error(usage, "unknown option");
        }
    }
    if (argc - optind != 2)
        return cli_usage_error(usage, "give the document and the page number");
    if (!out)
        return cli_usage_error(usage, "give the PNG file to write with -o FILE.png");
    char *end;
    long page = strtol(argv[optind + 1], &end, 10);
    if (*end || page < 1)
        return cli_usage_error(usage, "page '%s' is not a page number (1, 2, ...)", argv[optind + 1]);
    store *s = cli_store(c);
    if (!s)
        return EXIT_USER;
    fa_err e;
    store_doc d;
    int rc = EXIT_OK;
    int got = store_find_doc(s, argv[optind], &d, &e);
    if (got <= 0) {
        rc = got < 0 ? cli_error(c, "%s", e.msg)
                     : cli_error(c, "no document '%s' in the library (see `fagpt docs`)", argv[optind]);
        store_close(s);
        return rc;
    }
    doc_box *boxes = NULL;
    size_t nboxes = 0;
    if (hl) {
        store_hit h;
        long long id = strtoll(hl, &end, 10);
        got = *end || id <= 0 ? 0 : store_hit_by_chunk(s, id, &h, &e);
        if (got <= 0 || h.doc_id != d.id) {
            if (got > 0)
                store_hit_free(&h);
            rc = got < 0 ? cli_error(c, "%s", e.msg)
                         : cli_error(c, "--highlight: no passage %s in %s (chunk ids: `fagpt search --json`)", hl,
                                     d.file_name);
        } else {
            doc_parse_boxes(h.boxes, &boxes, &nboxes);
            store_hit_free(&h);
        }
    }
    unsigned char *png = NULL;
    size_t len = 0;
    if (rc == EXIT_OK && doc_render_page_png(d.path, (int)page, (int)dpi, boxes, nboxes, &png, &len, &e) != 0)
        rc = cli_error(c, "%s", e.msg);
    if (rc == EXIT_OK) {
        FILE *f = strcmp(out, "-") ? fopen(out, "wb") : stdout;
        if (!f || fwrite(png, 1, len, f) != len || (f != stdout && fclose(f) != 0))
            rc = cli_error(c, "cannot write %s", out);
        else if (c->json)
            printf("{\"file\": \"%s\", \"page\": %ld, \"bytes\": %zu, \"highlighted\": %zu}\n", out, page, len, nboxes);
        else if (f != stdout)
            fprintf(stderr, "wrote %s (page %ld of %s, %zu bytes)\n", out, page, d.file_name, len);
    }
    free(png);
    free(boxes);
    store_doc_free(&d);
    store_close(s);
    return rc;
}
