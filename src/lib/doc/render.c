/*
 * render.c - one page of a document (PDF, or a page image MuPDF opens) drawn to PNG in memory, with boxes
 * highlighted: the page images behind citations (`fagpt page`, GET /api/documents/{id}/pages/{p}.png); and a
 * figure's region drawn to PNG (the figures' images, drawn when first wanted). Boxes are in the page's own
 * coordinates (points, origin top left), as the chunker records them. And a sample image of a line of text, for
 * checking a vision or document model. MuPDF errors are caught here and turned into one-line reasons.
 */
#include <math.h>
#include <mupdf/fitz.h>
#include <stdlib.h>
#include <string.h>

#include "graphics.h"

#define RENDER_STORE_LIMIT (32u << 20)
#define FIG_DPI 150.0f
#define FIG_MAX_SIDE 2000.0f

/* Pixels per point for a figure region: FIG_DPI, less when the longer side would pass FIG_MAX_SIDE. */
static float figure_scale(fz_rect region)
{
    float longest = fmaxf(region.x1 - region.x0, region.y1 - region.y0);
    return longest * (FIG_DPI / 72.0f) > FIG_MAX_SIDE ? FIG_MAX_SIDE / longest : FIG_DPI / 72.0f;
}

static fz_irect figure_pixel_box(fz_rect region)
{
    float scale = figure_scale(region);
    return (fz_irect){(int)floorf(region.x0 * scale), (int)floorf(region.y0 * scale), (int)ceilf(region.x1 * scale),
                      (int)ceilf(region.y1 * scale)};
}

void doc_figure_pixels(fz_rect region, int *width, int *height)
{
    fz_irect ib = figure_pixel_box(region);
    *width = ib.x1 - ib.x0;
    *height = ib.y1 - ib.y0;
}

unsigned char *doc_draw_region_png(fz_context *ctx, fz_page *page, fz_rect r, fz_rect region, size_t *len)
{
    float scale = figure_scale(region);
    fz_pixmap *pix = NULL;
    fz_device *dev = NULL;
    unsigned char *png = NULL;
    fz_var(pix);
    fz_var(dev);
    fz_var(png);
    fz_try(ctx) {
        pix = fz_new_pixmap_with_bbox(ctx, fz_device_rgb(ctx), figure_pixel_box(region), NULL, 0);
        fz_clear_pixmap_with_value(ctx, pix, 255);
        dev = fz_new_draw_device(ctx, fz_identity, pix);
        fz_run_page_contents(ctx, page, dev, fz_concat(fz_translate(-r.x0, -r.y0), fz_scale(scale, scale)), NULL);
        fz_close_device(ctx, dev);
        png = doc_png_encode(ctx, pix, len);
    }
    fz_always(ctx) {
        fz_drop_device(ctx, dev);
        fz_drop_pixmap(ctx, pix);
    }
    fz_catch(ctx) {
        png = NULL; /* set only by the last call, which does not throw */
    }
    return png;
}

/* A MuPDF context for one rendering, quiet (errors come back as exceptions), or NULL when memory runs out. */
static fz_context *render_context(void)
{
    fz_context *ctx = fz_new_context(NULL, NULL, RENDER_STORE_LIMIT);
    if (ctx) {
        fz_set_warning_callback(ctx, NULL, NULL);
        fz_set_error_callback(ctx, NULL, NULL);
    }
    return ctx;
}

/* Opens path (throws as MuPDF does); a PDF with an owner password only opens with the empty user password. */
static fz_document *open_document(fz_context *ctx, const char *path)
{
    fz_register_document_handlers(ctx);
    fz_document *doc = fz_open_document(ctx, path);
    if (fz_needs_password(ctx, doc))
        fz_authenticate_password(ctx, doc, "");
    return doc;
}

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
    fz_context *ctx = render_context();
    if (!ctx)
        return fa_fail(e, "out of memory starting the PDF renderer");
    fz_document *doc = NULL;
    fz_pixmap *pix = NULL;
    int rc = 0, npages = 0;
    fz_var(doc);
    fz_var(pix);
    fz_var(rc);
    fz_try(ctx) {
        doc = open_document(ctx, path);
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

int doc_render_figure_png(const char *path, const doc_box *box, unsigned char **png, size_t *len, fa_err *e)
{
    *png = NULL;
    *len = 0;
    fz_context *ctx = render_context();
    if (!ctx)
        return fa_fail(e, "out of memory starting the PDF renderer");
    fz_document *doc = NULL;
    fz_page *page = NULL;
    int rc = 0;
    fz_var(doc);
    fz_var(page);
    fz_var(rc);
    fz_try(ctx) {
        doc = open_document(ctx, path);
        int npages = fz_count_pages(ctx, doc);
        if (box->page < 1 || box->page > npages) {
            rc = fa_fail(e, "the figure's page %d is not in %s (%d pages): the file changed since it was ingested; "
                         "ingest it again", box->page, path, npages);
        } else {
            page = fz_load_page(ctx, doc, box->page - 1);
            fz_rect region = {box->x0, box->y0, box->x1, box->y1};
            *png = doc_draw_region_png(ctx, page, fz_bound_page(ctx, page), region, len);
            if (!*png)
                rc = fa_fail(e, "cannot draw the figure on page %d of %s", box->page, path);
        }
    }
    fz_catch(ctx) {
        rc = fa_fail(e, "cannot draw a figure of %s: %s", path, fz_caught_message(ctx));
    }
    fz_drop_page(ctx, page);
    fz_drop_document(ctx, doc);
    fz_drop_context(ctx);
    return rc;
}

int doc_sample_png(const char *text, unsigned char **png, size_t *len, fa_err *e)
{
    *png = NULL;
    *len = 0;
    /* The text as one XHTML paragraph, laid out by MuPDF's HTML reader on the sample page, 28 points an em. */
    strbuf html = {0};
    sb_add(&html, "<p>");
    for (const char *p = text; *p; p++)
        if (*p == '<' || *p == '>' || *p == '&')
            sb_add(&html, *p == '<' ? "&lt;" : *p == '>' ? "&gt;" : "&amp;");
        else
            sb_addc(&html, *p);
    sb_add(&html, "</p>");
    fz_context *ctx = render_context();
    if (!ctx) {
        sb_free(&html);
        return fa_fail(e, "out of memory starting the PDF renderer");
    }
    fz_stream *stm = NULL;
    fz_document *doc = NULL;
    fz_pixmap *pix = NULL;
    int rc = 0;
    fz_var(stm);
    fz_var(doc);
    fz_var(pix);
    fz_var(rc);
    fz_try(ctx) {
        fz_register_document_handlers(ctx);
        stm = fz_open_memory(ctx, (const unsigned char *)html.s, html.len);
        doc = fz_open_document_with_stream(ctx, "xhtml", stm);
        fz_layout_document(ctx, doc, DOC_SAMPLE_WIDTH, DOC_SAMPLE_HEIGHT, 28);
        pix = fz_new_pixmap_from_page_number(ctx, doc, 0, fz_scale(2, 2), fz_device_rgb(ctx), 0);
        *png = doc_png_encode(ctx, pix, len);
        if (!*png)
            rc = fa_fail(e, "cannot encode the sample image as PNG (out of memory?)");
    }
    fz_catch(ctx) {
        rc = fa_fail(e, "cannot draw the sample image: %s", fz_caught_message(ctx));
    }
    fz_drop_pixmap(ctx, pix);
    fz_drop_document(ctx, doc);
    fz_drop_stream(ctx, stm);
    fz_drop_context(ctx);
    sb_free(&html);
    return rc;
}

int doc_page_count(const char *path, int *pages, fa_err *e)
{
    *pages = 0;
    fz_context *ctx = render_context();
    if (!ctx)
        return fa_fail(e, "out of memory starting the PDF reader");
    fz_document *doc = NULL;
    int rc = 0;
    fz_var(doc);
    fz_var(rc);
    fz_try(ctx) {
        doc = open_document(ctx, path);
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
