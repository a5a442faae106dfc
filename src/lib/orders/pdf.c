/*
 * pdf.c - an HTML page to a PDF with MuPDF's story API (fz_story: HTML and CSS laid out into page rectangles),
 * US Letter (portrait, or landscape for wide tables) with one-inch margins, the classification banner at the top and bottom of every page. MuPDF
 * exceptions are caught here and become an fa_err; MuPDF's own warnings are silenced (the library never prints).
 */
#include "orders_int.h"

#include <mupdf/fitz.h>
#include <string.h>

static void quiet(void *user, const char *message) { (void)user; (void)message; }

static void draw_banner(fz_context *ctx, fz_device *dev, const char *banner, fz_rect where)
{
    strbuf h = {0};
    sb_add(&h, "<p style=\"text-align:center;font-weight:bold;font-family:sans-serif;margin:0\">");
    for (const char *s = banner; *s; s++) {
        if (*s == '&') sb_add(&h, "&amp;");
        else if (*s == '<') sb_add(&h, "&lt;");
        else sb_addc(&h, *s);
    }
    sb_add(&h, "</p>");
    fz_buffer *buf = NULL;
    fz_story *story = NULL;
    fz_var(buf);
    fz_var(story);
    fz_try(ctx) {
        buf = fz_new_buffer_from_copied_data(ctx, (const unsigned char *)h.s, h.len);
        story = fz_new_story(ctx, buf, "", 10, NULL);
        fz_rect filled;
        fz_place_story(ctx, story, where, &filled);
        fz_draw_story(ctx, story, dev, fz_identity);
    }
    fz_always(ctx) {
        fz_drop_story(ctx, story);
        fz_drop_buffer(ctx, buf);
        sb_free(&h);
    }
    fz_catch(ctx) {
        fz_rethrow(ctx);
    }
}

int orders_html_to_pdf(const char *html, const char *banner, bool landscape, strbuf *out, fa_err *e)
{
    fz_context *ctx = fz_new_context(NULL, NULL, FZ_STORE_DEFAULT);
    if (!ctx)
        return fa_fail(e, "PDF: cannot start MuPDF");
    fz_set_warning_callback(ctx, quiet, NULL);
    fz_set_error_callback(ctx, quiet, NULL);
    fz_buffer *res = NULL, *buf = NULL;
    fz_output *o = NULL;
    fz_document_writer *w = NULL;
    fz_story *story = NULL;
    int rc = 0;
    fz_var(res);
    fz_var(buf);
    fz_var(o);
    fz_var(w);
    fz_var(story);
    fz_try(ctx) {
        /* US Letter in points, one-inch margins, banners in the top and bottom margins. */
        float pw = landscape ? 792 : 612, ph = landscape ? 612 : 792;
        const fz_rect page = {0, 0, pw, ph}, body = {72, 72, pw - 72, ph - 72};
        const fz_rect top = {72, 30, pw - 72, 60}, bottom = {72, ph - 52, pw - 72, ph - 22};
        res = fz_new_buffer(ctx, 16384);
        o = fz_new_output_with_buffer(ctx, res);
        w = fz_new_pdf_writer_with_output(ctx, o, "compress,compress-fonts,garbage");
        o = NULL; /* the writer owns it now */
        buf = fz_new_buffer_from_copied_data(ctx, (const unsigned char *)html, strlen(html));
        /* MuPDF 1.21 sizes each table cell to its own content, so cell borders would not line up: tables are
         * ruled above and below instead. */
        strbuf css = {0};
        sb_add(&css, "th, td { border: 0; background-color: transparent } "
                     "table { border-top: 1px solid black; border-bottom: 1px solid black } ");
        if (banner)
            sb_add(&css, "p.banner { display: none }");
        story = fz_new_story(ctx, buf, css.s, 11, NULL);
        sb_free(&css);
        int more = 1;
        for (int n = 0; more; n++) {
            if (n == 1000)
                fz_throw(ctx, FZ_ERROR_GENERIC, "the document does not fit in 1000 pages");
            fz_device *dev = fz_begin_page(ctx, w, page);
            fz_rect filled;
            more = fz_place_story(ctx, story, body, &filled);
            fz_draw_story(ctx, story, dev, fz_identity);
            if (banner) {
                draw_banner(ctx, dev, banner, top);
                draw_banner(ctx, dev, banner, bottom);
            }
            fz_end_page(ctx, w);
        }
        fz_close_document_writer(ctx, w);
    }
    fz_always(ctx) {
        fz_drop_story(ctx, story);
        fz_drop_buffer(ctx, buf);
        fz_drop_document_writer(ctx, w);
        fz_drop_output(ctx, o);
    }
    fz_catch(ctx) {
        rc = fa_fail(e, "PDF: %s", fz_caught_message(ctx));
    }
    if (rc == 0) {
        unsigned char *data;
        size_t n = fz_buffer_storage(ctx, res, &data);
        sb_addn(out, (const char *)data, n);
    }
    fz_drop_buffer(ctx, res);
    fz_drop_context(ctx);
    return rc;
}
