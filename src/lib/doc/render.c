/*
 * render.c - one page of a document (PDF, or a page image MuPDF opens) drawn to PNG in memory, with boxes
 * highlighted: the page images behind citations (`fagpt page`, GET /api/documents/{id}/pages/{p}.png).
 * Boxes are in the page's own coordinates (points, origin top left), as the chunker records them.
 * MuPDF errors are caught here and turned into one-line reasons.
 */
#include <mupdf/fitz.h>
#include <string.h>

#include "graphics.h"

#define RENDER_STORE_LIMIT (32u << 20)

/* Blends a translucent yellow over the pixels of one box (RGB pixmap, no alpha), with a darker outline. */
static void highlight(fz_pixmap *pix, const doc_box *b, float scale)
{
    int w = fz_pixmap_width(NULL, pix), h = fz_pixmap_height(NULL, pix), n = fz_pixmap_components(NULL, pix);
    int stride = (int)fz_pixmap_stride(NULL, pix);
    unsigned char *px = fz_pixmap_samples(NULL, pix);
    int x0 = (int)(b->x0 * scale) - 2, y0 = (int)(b->y0 * scale) - 2;
    int x1 = (int)(b->x1 * scale) + 2, y1 = (int)(b->y1 * scale) + 2;
    if (x0 < 0) x0 = 0;
    if (y0 < 0) y0 = 0;
    if (x1 > w) x1 = w;
    if (y1 > h) y1 = h;
    /* A highlighter: the page multiplied by yellow inside (text stays dark), an orange outline. */
    static const unsigned char yellow[3] = {255, 230, 80}, edge[3] = {230, 120, 0};
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++) {
            unsigned char *p = px + (size_t)y * stride + (size_t)x * n;
            bool on_edge = y < y0 + 2 || y >= y1 - 2 || x < x0 + 2 || x >= x1 - 2;
            for (int c = 0; c < 3 && c < n; c++)
                p[c] = on_edge ? edge[c] : (unsigned char)(p[c] * yellow[c] / 255);
        }
}

int doc_render_page_png(const char *path, int page, int dpi, const doc_box *boxes, size_t nboxes,
                        unsigned char **png, size_t *len, fa_err *e)
{
    *png = NULL;
    *len = 0;
    if (dpi < 24 || dpi > 600)
        return fa_fail(e, "dpi %d is out of range: give 24 to 600 (96 is a screen, 150 a sharp one)", dpi);
    fz_context *ctx = fz_new_context(NULL, NULL, RENDER_STORE_LIMIT);
    if (!ctx)
        return fa_fail(e, "out of memory starting the PDF renderer");
    fz_set_warning_callback(ctx, NULL, NULL);
    fz_set_error_callback(ctx, NULL, NULL);
    fz_document *doc = NULL;
    fz_pixmap *pix = NULL;
    int rc = 0, npages = 0;
    fz_var(doc);
    fz_var(pix);
    fz_var(rc);
    fz_try(ctx) {
        fz_register_document_handlers(ctx);
        doc = fz_open_document(ctx, path);
        if (fz_needs_password(ctx, doc))
            fz_authenticate_password(ctx, doc, "");
        npages = fz_count_pages(ctx, doc);
        if (page < 1 || page > npages) {
            rc = fa_fail(e, "page %d does not exist: %s has %d page%s", page, path, npages, npages == 1 ? "" : "s");
        } else {
            float scale = (float)dpi / 72.0f;
            pix = fz_new_pixmap_from_page_number(ctx, doc, page - 1, fz_scale(scale, scale), fz_device_rgb(ctx), 0);
            for (size_t i = 0; i < nboxes; i++)
                if (boxes[i].page == page)
                    highlight(pix, &boxes[i], scale);
            *png = doc_png_encode(ctx, pix, len);
            if (!*png)
                rc = fa_fail(e, "cannot encode page %d of %s as PNG (out of memory?)", page, path);
        }
    }
    fz_catch(ctx) {
        rc = fa_fail(e, "cannot render page %d of %s: %s", page, path, fz_caught_message(ctx));
    }
    fz_drop_pixmap(ctx, pix);
    fz_drop_document(ctx, doc);
    fz_drop_context(ctx);
    return rc;
}

int doc_page_count(const char *path, int *pages, fa_err *e)
{
    *pages = 0;
    fz_context *ctx = fz_new_context(NULL, NULL, RENDER_STORE_LIMIT);
    if (!ctx)
        return fa_fail(e, "out of memory starting the PDF reader");
    fz_set_warning_callback(ctx, NULL, NULL);
    fz_set_error_callback(ctx, NULL, NULL);
    fz_document *doc = NULL;
    int rc = 0;
    fz_var(doc);
    fz_var(rc);
    fz_try(ctx) {
        fz_register_document_handlers(ctx);
        doc = fz_open_document(ctx, path);
        *pages = fz_count_pages(ctx, doc);
    }
    fz_catch(ctx) {
        rc = fa_fail(e, "cannot open %s: %s", path, fz_caught_message(ctx));
    }
    fz_drop_document(ctx, doc);
    fz_drop_context(ctx);
    return rc;
}

int doc_parse_boxes(const char *json, doc_box **out, size_t *n)
{
    /* [[page,x0,y0,x1,y1],...] as the chunker writes it; anything else yields no boxes. */
    *out = NULL;
    *n = 0;
    if (!json)
        return 0;
    VEC(doc_box) v = {0};
    const char *p = json;
    while ((p = strchr(p, '[')) != NULL) {
        doc_box b;
        int used = 0;
        if (sscanf(p, "[%d,%f,%f,%f,%f]%n", &b.page, &b.x0, &b.y0, &b.x1, &b.y1, &used) == 5 && used > 0) {
            VEC_PUSH(v, b);
            p += used;
        } else {
            p++;
        }
    }
    *out = v.v;
    *n = v.n;
    return 0;
}
