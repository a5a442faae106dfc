/* test_ocr.c - scanned pages: judging a text layer, and OCR word accuracy on image-only copies of a born-digital
 * corpus page (rendered at 300 dpi, then wrapped as a PDF with MuPDF, and saved as a PNG), measured against
 * the page's own text; the OCR lines must land where the born-digital lines are, in PDF points. */
#include "check.h"
#include "doc/doc.h"

#include <ctype.h>
#include <stdlib.h>
#include <unistd.h>

#include <mupdf/fitz.h>
#include <mupdf/pdf.h>

#define PAGE 11 /* ADP 3-19, PDF page 12: a page of body text under a chapter heading */

static char *corpus(const char *name)
{
    const char *shared = getenv("FAGPT_SHARED");
    return xasprintf("%s/corpus/pdf/%s", shared ? shared : "../shared", name);
}

/* Renders one page at 300 dpi and writes it as an image-only PDF (the page's size kept) and as a PNG. */
static int make_scans(const char *src, int index, const char *pdf_out, const char *png_out)
{
    fz_context *ctx = fz_new_context(NULL, NULL, FZ_STORE_DEFAULT);
    fz_document *doc = NULL;
    fz_page *page = NULL;
    fz_pixmap *pix = NULL;
    fz_image *img = NULL;
    pdf_document *out = NULL;
    pdf_obj *res = NULL, *xobj = NULL, *ref = NULL, *pg = NULL;
    fz_buffer *contents = NULL;
    int rc = 0;
    fz_var(doc); fz_var(page); fz_var(pix); fz_var(img); fz_var(out); fz_var(res); fz_var(xobj); fz_var(ref);
    fz_var(pg); fz_var(contents); fz_var(rc);
    fz_try(ctx) {
        fz_register_document_handlers(ctx);
        doc = fz_open_document(ctx, src);
        page = fz_load_page(ctx, doc, index);
        fz_rect r = fz_bound_page(ctx, page);
        pix = fz_new_pixmap_from_page(ctx, page, fz_scale(300.0f / 72, 300.0f / 72), fz_device_gray(ctx), 0);
        fz_set_pixmap_resolution(ctx, pix, 300, 300);
        fz_save_pixmap_as_png(ctx, pix, png_out);
        img = fz_new_image_from_pixmap(ctx, pix, NULL);
        out = pdf_create_document(ctx);
        ref = pdf_add_image(ctx, out, img);
        res = pdf_new_dict(ctx, out, 1);
        xobj = pdf_dict_put_dict(ctx, res, PDF_NAME(XObject), 1);
        pdf_dict_puts(ctx, xobj, "Im0", ref);
        float w = r.x1 - r.x0, h = r.y1 - r.y0;
        contents = fz_new_buffer(ctx, 64);
        fz_append_printf(ctx, contents, "q %g 0 0 %g 0 0 cm /Im0 Do Q", w, h);
        pg = pdf_add_page(ctx, out, fz_make_rect(0, 0, w, h), 0, res, contents);
        pdf_insert_page(ctx, out, -1, pg);
        pdf_save_document(ctx, out, pdf_out, NULL);
    }
    fz_always(ctx) {
        pdf_drop_obj(ctx, pg);
        fz_drop_buffer(ctx, contents);
        pdf_drop_obj(ctx, res);
        pdf_drop_obj(ctx, ref);
        pdf_drop_document(ctx, out);
        fz_drop_image(ctx, img);
        fz_drop_pixmap(ctx, pix);
        fz_drop_page(ctx, page);
        fz_drop_document(ctx, doc);
    }
    fz_catch(ctx) rc = -1;
    fz_drop_context(ctx);
    return rc;
}

/* Words of a page, lower case, letters and digits only. */
static void page_words(const doc_page *p, str_vec *out)
{
    for (size_t i = 0; i < p->nlines; i++) {
        const char *t = p->lines[i].text;
        while (*t) {
            strbuf w = {0};
            while (*t && *t != ' ') {
                if (isalnum((unsigned char)*t))
                    sb_addc(&w, (char)tolower((unsigned char)*t));
                t++;
            }
            while (*t == ' ')
                t++;
            if (w.len)
                VEC_PUSH(*out, sb_take(&w));
            else
                sb_free(&w);
        }
    }
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Share of the reference words that the OCR text has (as a multiset). */
static double word_accuracy(const doc_page *ref, const doc_page *ocr)
{
    str_vec a = {0}, b = {0};
    page_words(ref, &a);
    page_words(ocr, &b);
    qsort(a.v, a.n, sizeof *a.v, cmp_str);
    qsort(b.v, b.n, sizeof *b.v, cmp_str);
    size_t i = 0, j = 0, hit = 0;
    while (i < a.n && j < b.n) {
        int c = strcmp(a.v[i], b.v[j]);
        if (c == 0) hit++, i++, j++;
        else if (c < 0) i++;
        else j++;
    }
    double acc = a.n ? (double)hit / a.n : 0;
    for (size_t k = 0; k < a.n; k++) free(a.v[k]);
    for (size_t k = 0; k < b.n; k++) free(b.v[k]);
    free(a.v);
    free(b.v);
    return acc;
}

/* Share of OCR lines whose box overlaps a born-digital line's box on the same page. */
static double boxes_agree(const doc_page *ref, const doc_page *ocr)
{
    size_t hit = 0;
    for (size_t i = 0; i < ocr->nlines; i++) {
        doc_box o = ocr->lines[i].box;
        for (size_t k = 0; k < ref->nlines; k++) {
            doc_box r = ref->lines[k].box;
            if (o.x0 < r.x1 && r.x0 < o.x1 && o.y0 < r.y1 && r.y0 < o.y1) {
                hit++;
                break;
            }
        }
    }
    return ocr->nlines ? (double)hit / ocr->nlines : 0;
}

static void check_scan(const char *what, const char *path, const doc_page *ref)
{
    doc_document *d = NULL;
    fa_err e = {0};
    int rc = doc_extract(path, NULL, &d, &e);
    CHECK(rc == 0);
    if (rc != 0) {
        printf("# %s: %s\n", what, e.msg);
        return;
    }
    CHECK(d->npages == 1 && d->pages[0].ocr);
    double acc = word_accuracy(ref, &d->pages[0]);
    printf("# figure OCR word accuracy, %s of ADP 3-19 PDF p. %d at 300 dpi: %.1f%% of the born-digital words\n",
           what, PAGE + 1, 100 * acc);
    CHECK(acc >= 0.90);
    double agree = boxes_agree(ref, &d->pages[0]);
    printf("# %s: %.0f%% of %zu OCR lines overlap a born-digital line's box\n", what, 100 * agree,
           d->pages[0].nlines);
    CHECK(agree >= 0.85);
    double conf = 0;
    for (size_t i = 0; i < d->pages[0].nlines; i++)
        conf += d->pages[0].lines[i].ocr_conf;
    CHECK(d->pages[0].nlines && conf / d->pages[0].nlines > 50);
    doc_analyze(d);
    doc_chunks ch = {0};
    doc_make_chunks(d, &ch);
    CHECK(ch.n >= 1);
    doc_chunks_free(&ch);
    doc_free(d);
}

int main(int argc, char **argv)
{
    if (!getenv("OMP_THREAD_LIMIT") && setenv("OMP_THREAD_LIMIT", "1", 1) == 0)
        execv("/proc/self/exe", argv);

    /* Judging a text layer without an engine. */
    doc_line good[] = {{.text = "All test rounds were fired from a 114.3 cm (45 inch) caliber .50 Mann barrel,"},
                       {.text = "with a uniform rifling twist rate of one turn in 38.1 cm (15 inches). Suitable"},
                       {.text = "propellants and charges were selected to achieve test velocities varying from"}};
    CHECK(!doc_text_is_poor(good, 3, NULL));
    doc_line bad[] = {{.text = "SCODY( )- 'BRL N O M - .DTS BUTION UNt' \\tI ER AMROVW RMIASF;"},
                      {.text = "OF-rTieS PAGE- I M No. 074-01e Ra-ige, AerodyLive ,,; 3 :: -I"},
                      {.text = "~~ tI( fl' rn..."}};
    doc_text_quality q;
    CHECK(doc_text_is_poor(bad, 3, &q));
    CHECK(q.tokens > 20 && q.wordlike < q.tokens);
    doc_line scattered[30];
    for (int i = 0; i < 30; i++)
        scattered[i] = (doc_line){.text = i % 2 ? "tracer" : "to down"};
    CHECK(doc_text_is_poor(scattered, 30, NULL));
    CHECK(doc_text_is_poor(NULL, 0, NULL));

    /* The BRL report's old OCR layer: its report documentation page (PDF p. 4) is judged poor; a born-digital
     * body page is not. */
    char *brl = corpus("BRL-MR-3810_McCoy_1990_Aero_50cal_M33_M8_M20_scanned.pdf");
    char *adp = corpus("ADP_3-19_Fires_2019-07.pdf");
    doc_extract_opts no_ocr = {.no_ocr = true};
    doc_document *b = NULL, *a = NULL;
    fa_err e = {0};
    CHECK(doc_extract(brl, &no_ocr, &b, &e) == 0);
    CHECK(b && doc_text_is_poor(b->pages[3].lines, b->pages[3].nlines, NULL));
    CHECK(b && !b->pages[3].ocr);
    CHECK(doc_extract(adp, &no_ocr, &a, &e) == 0);
    CHECK(a && !doc_text_is_poor(a->pages[PAGE].lines, a->pages[PAGE].nlines, NULL));

    /* Image-only copies of the ADP page, OCRed, against its born-digital text. */
    char pdf[] = "/tmp/fagpt-ocr-XXXXXX";
    int fd = mkstemp(pdf);
    CHECK(fd >= 0);
    close(fd);
    char *png = xasprintf("%s.png", pdf);
    CHECK(make_scans(adp, PAGE, pdf, png) == 0);
    if (a) {
        check_scan("image-only PDF", pdf, &a->pages[PAGE]);
        check_scan("PNG", png, &a->pages[PAGE]);
    }
    unlink(pdf);
    unlink(png);
    free(png);

    /* A blank page image: OCR finds nothing, and the reason says so. */
    char *blank = xasprintf("%s-blank.png", pdf);
    fz_context *ctx = fz_new_context(NULL, NULL, FZ_STORE_DEFAULT);
    fz_pixmap *white = fz_new_pixmap(ctx, fz_device_gray(ctx), 850, 1100, NULL, 0);
    fz_clear_pixmap_with_value(ctx, white, 255);
    fz_save_pixmap_as_png(ctx, white, blank);
    fz_drop_pixmap(ctx, white);
    fz_drop_context(ctx);
    doc_document *none = NULL;
    CHECK(doc_extract(blank, NULL, &none, &e) != 0 && strstr(e.msg, "OCR found no text"));
    unlink(blank);
    free(blank);

    doc_free(a);
    doc_free(b);
    free(brl);
    free(adp);
    return check_done();
}
