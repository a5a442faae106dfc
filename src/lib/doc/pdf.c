/*
 * pdf.c - MuPDF text extraction (doc_extract): every page's text lines with their boxes, font size and weight.
 * MuPDF errors are caught here and turned into one-line reasons; nothing above this file sees fz_try.
 * Scanned pages go to OCR (ocr.c); images (PNG, JPEG, TIFF) open as one-page documents and are OCRed too.
 */
#include "doc.h"
#include "graphics.h"
#include "ocr.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <mupdf/fitz.h>
#include <mupdf/pdf.h>

/* Each extraction has its own context, so threads never share MuPDF state. The store is capped so that one
 * worker's resource cache stays small whatever the document. */
#define DOC_STORE_LIMIT (32u << 20)

static void put_utf8(strbuf *b, int c)
{
    char tmp[8];
    int n = fz_runetochar(tmp, c);
    sb_addn(b, tmp, (size_t)n);
}

bool doc_font_is_bold(fz_context *ctx, fz_font *font)
{
    if (!font)
        return false;
    if (fz_font_is_bold(ctx, font))
        return true;
    const char *name = fz_font_name(ctx, font);
    return name && (strstr(name, "Bold") || strstr(name, "bold") || strstr(name, "Black") || strstr(name, "Heavy"));
}

/* Private-use and symbol-font glyphs (Wingdings bullets) become a bullet; other controls are dropped. */
int doc_stext_rune(fz_context *ctx, fz_stext_char *ch)
{
    int c = ch->c;
    const char *name = ch->font ? fz_font_name(ctx, ch->font) : "";
    if ((c >= 0xE000 && c <= 0xF8FF) || (name && (strstr(name, "Wingdings") || strstr(name, "Symbol")) && c > 0x7f))
        return 0x2022;
    if (c == 0xA0 || c == '\t')
        return ' ';
    if (c < 0x20 || c == 0x7f || c == 0xFFFD || (c >= 0x80 && c < 0xA0))
        return -1;
    if (c == 0xFB01) return -2; /* fi */
    if (c == 0xFB02) return -3; /* fl */
    return c;
}

/* Share of the page covered by images: a scan is one image over the whole page. */
static float image_share(fz_stext_page *st, fz_rect r)
{
    double area = 0, page = (double)(r.x1 - r.x0) * (r.y1 - r.y0);
    for (fz_stext_block *b = st->first_block; b; b = b->next)
        if (b->type == FZ_STEXT_BLOCK_IMAGE) {
            fz_rect c = fz_intersect_rect(b->bbox, r);
            if (!fz_is_empty_rect(c))
                area += (double)(c.x1 - c.x0) * (c.y1 - c.y0);
        }
    return page > 0 ? (float)(area / page) : 0;
}

static bool ocr_wanted(const doc_extract_opts *opts)
{
    return !(opts && opts->no_ocr);
}

static void extract_page(fz_context *ctx, fz_document *doc, int index, doc_page *out, const doc_extract_opts *xo,
                         doc_ocr **ocr)
{
    fz_page *page = NULL;
    fz_stext_page *st = NULL;
    VEC(doc_line) lines = {0};
    fz_var(page);
    fz_var(st);
    fz_try(ctx) {
        page = fz_load_page(ctx, doc, index);
        fz_rect r = fz_bound_page(ctx, page);
        pdf_page *pp = pdf_page_from_fz_page(ctx, page);
        for (pdf_annot *w = pp ? pdf_first_widget(ctx, pp) : NULL; w; w = pdf_next_widget(ctx, w))
            out->form_fields++;
        out->width = r.x1 - r.x0;
        out->height = r.y1 - r.y0;
        fz_stext_options opts = {.flags = FZ_STEXT_MEDIABOX_CLIP | FZ_STEXT_PRESERVE_IMAGES};
        st = fz_new_stext_page_from_page(ctx, page, &opts);
        int block_no = 0;
        for (fz_stext_block *b = st->first_block; b; b = b->next, block_no++) {
            if (b->type != FZ_STEXT_BLOCK_TEXT)
                continue;
            for (fz_stext_line *l = b->u.t.first_line; l; l = l->next) {
                if (l->wmode != 0 || l->dir.x < 0.9f) {
                    out->sideways++;
                    continue; /* vertical or rotated text: margin stamps, not body */
                }
                strbuf t = {0};
                double size_sum = 0, bold_chars = 0, nchars = 0;
                for (fz_stext_char *ch = l->first_char; ch; ch = ch->next) {
                    int c = doc_stext_rune(ctx, ch);
                    if (c == -1)
                        continue;
                    if (c == -2) sb_add(&t, "fi");
                    else if (c == -3) sb_add(&t, "fl");
                    else if (c == ' ' && (t.len == 0 || t.s[t.len - 1] == ' ')) continue;
                    else put_utf8(&t, c);
                    if (c != ' ') {
                        size_sum += ch->size;
                        nchars++;
                        if (doc_font_is_bold(ctx, ch->font))
                            bold_chars++;
                    }
                }
                while (t.len && t.s[t.len - 1] == ' ')
                    t.s[--t.len] = 0;
                if (nchars == 0) {
                    sb_free(&t);
                    continue;
                }
                doc_line dl = {0};
                dl.text = sb_take(&t);
                dl.box = (doc_box){index, l->bbox.x0 - r.x0, l->bbox.y0 - r.y0, l->bbox.x1 - r.x0, l->bbox.y1 - r.y0};
                dl.size = (float)(size_sum / nchars);
                dl.bold = bold_chars >= 0.6 * nchars;
                dl.block = block_no;
                VEC_PUSH(lines, dl);
            }
        }
        if (ocr_wanted(xo) && image_share(st, r) >= 0.5f && doc_ocr_needed(ocr, lines.v, lines.n, NULL)) {
            doc_line *ol;
            size_t on;
            if (doc_ocr_page(ctx, page, r, index, ocr, &ol, &on) == 0) {
                for (size_t k = 0; k < lines.n; k++)
                    free(lines.v[k].text);
                free(lines.v);
                lines.v = ol;
                lines.n = lines.cap = on;
                out->ocr = true;
            }
        }
        out->lines = lines.v;
        out->nlines = lines.n;
        bool tables = !(xo && xo->no_tables), figures = !(xo && xo->no_figures);
        if (out->width < 1 || out->height < 1) {
            out->warning = xasprintf("page %d: its media box is empty (%.0f x %.0f points); nothing on it was "
                                     "read", index + 1, out->width, out->height);
        } else if (!out->ocr && (tables || figures)) {
            doc_gfx g = {0};
            doc_gfx_collect(ctx, page, r, &g);
            if (tables)
                doc_find_tables(ctx, st, r, index, &g, out);
            if (figures)
                doc_find_figures(ctx, page, r, index, &g, out, ocr, ocr_wanted(xo), xo && xo->figure_png);
            doc_gfx_free(&g);
        }
        if (!out->warning && out->nlines == 0 && out->sideways > 0)
            out->warning = xasprintf("page %d: all its text runs sideways (a page turned by /Rotate, or vertical "
                                     "text), which is not read yet", index + 1);
    }
    fz_always(ctx) {
        fz_drop_stext_page(ctx, st);
        fz_drop_page(ctx, page);
    }
    fz_catch(ctx) {
        /* A broken page keeps what it had; the rest of the document goes on. */
    }
    out->lines = lines.v;
    out->nlines = lines.n;
}

/* XFA forms carry their content in XML that only Adobe renders; the page shows a "Please wait" notice. */
static bool is_xfa_only(fz_context *ctx, fz_document *doc, const doc_page *p0)
{
    pdf_document *pdf = pdf_specifics(ctx, doc);
    if (!pdf)
        return false;
    bool has_xfa = false;
    fz_try(ctx) {
        pdf_obj *xfa = pdf_dict_getp(ctx, pdf_trailer(ctx, pdf), "Root/AcroForm/XFA");
        has_xfa = xfa != NULL;
    }
    fz_catch(ctx) has_xfa = false;
    if (!has_xfa)
        return false;
    for (size_t i = 0; i < p0->nlines; i++)
        if (strstr(p0->lines[i].text, "Please wait") || strstr(p0->lines[i].text, "PDF viewer may not be able"))
            return true;
    return p0->nlines == 0;
}

static char *pdf_info(fz_context *ctx, fz_document *doc, const char *key)
{
    char buf[512];
    int n = fz_lookup_metadata(ctx, doc, key, buf, sizeof buf);
    if (n <= 0 || !buf[0])
        return NULL;
    char *s = fa_trim(xstrdup(buf));
    if (!*s || !fa_is_valid_utf8(s, strlen(s))) {
        free(s);
        return NULL;
    }
    return s;
}

/* Page-parallel extraction: each helper thread opens the document in a context of its own and takes every
 * n-th page; a page a helper could not read is left for the calling thread. */
typedef struct {
    const char *path;
    doc_document *d;
    const doc_extract_opts *opts;
    int first, step;
    bool *done;
} page_job;

static void page_done(const doc_extract_opts *opts)
{
    if (opts && opts->on_page)
        opts->on_page(opts->arg);
}

static void *page_worker(void *arg)
{
    page_job *j = arg;
    fz_context *ctx = fz_new_context(NULL, NULL, DOC_STORE_LIMIT);
    if (!ctx)
        return NULL;
    fz_set_warning_callback(ctx, NULL, NULL);
    fz_set_error_callback(ctx, NULL, NULL);
    fz_document *doc = NULL;
    doc_ocr *ocr = NULL;
    fz_var(doc);
    fz_try(ctx) {
        fz_register_document_handlers(ctx);
        doc = fz_open_document(ctx, j->path);
        if (fz_needs_password(ctx, doc))
            fz_authenticate_password(ctx, doc, "");
        for (int i = j->first; i < j->d->npages; i += j->step) {
            extract_page(ctx, doc, i, &j->d->pages[i], j->opts, &ocr);
            j->done[i] = true;
            page_done(j->opts);
        }
    }
    fz_catch(ctx) {
        /* The pages not done fall back to the calling thread. */
    }
    doc_ocr_free(ocr);
    fz_drop_document(ctx, doc);
    fz_drop_context(ctx);
    return NULL;
}

static void extract_pages(fz_context *ctx, fz_document *doc, const char *path, doc_document *d,
                          const doc_extract_opts *opts)
{
    int threads = opts && opts->page_threads > 1 ? opts->page_threads : 1;
    if (threads > 16)
        threads = 16;
    if (d->npages < 8 * threads)
        threads = d->npages / 8 > 1 ? d->npages / 8 : 1;
    bool *done = xcalloc((size_t)d->npages, sizeof *done);
    doc_ocr *ocr = NULL;
    if (ocr_wanted(opts))
        doc_ocr_prepare();
    pthread_t th[16];
    page_job jobs[16];
    int started = 0;
    for (int t = 1; t < threads; t++) {
        jobs[t] = (page_job){path, d, opts, t, threads, done};
        if (pthread_create(&th[started + 1], NULL, page_worker, &jobs[t]) == 0)
            started++;
        else
            break;
    }
    int step = started + 1;
    for (int i = 0; i < d->npages; i += step) {
        extract_page(ctx, doc, i, &d->pages[i], opts, &ocr);
        done[i] = true;
        page_done(opts);
    }
    for (int t = 1; t <= started; t++)
        pthread_join(th[t], NULL);
    for (int i = 0; i < d->npages; i++)
        if (!done[i]) {
            extract_page(ctx, doc, i, &d->pages[i], opts, &ocr);
            page_done(opts);
        }
    doc_ocr_free(ocr);
    free(done);
}

int doc_extract(const char *path, const doc_extract_opts *opts, doc_document **out, fa_err *e)
{
    *out = NULL;
    struct stat st;
    if (stat(path, &st) != 0)
        return fa_fail(e, "file not found (%s); it may have been moved or deleted during ingest", strerror(errno));
    if (!S_ISREG(st.st_mode))
        return fa_fail(e, "not a regular file");
    if (st.st_size == 0)
        return fa_fail(e, "empty file (0 bytes); copy the PDF again from its source");
    FILE *f = fopen(path, "rb");
    if (!f)
        return fa_fail(e, "cannot read the file: %s", strerror(errno));
    char head[1024] = {0};
    size_t got = fread(head, 1, sizeof head - 1, f);
    fclose(f);
    bool image = (got >= 8 && memcmp(head, "\x89PNG\r\n\x1a\n", 8) == 0) ||
                 (got >= 3 && memcmp(head, "\xff\xd8\xff", 3) == 0) ||
                 (got >= 4 && (memcmp(head, "II*\0", 4) == 0 || memcmp(head, "MM\0*", 4) == 0));
    if (!image && !memmem(head, got, "%PDF-", 5))
        return fa_fail(e, "not a PDF (no %%PDF- header) nor a PNG, JPEG or TIFF image; convert it to PDF or check "
                          "that it is the right file");

    fz_context *ctx = fz_new_context(NULL, NULL, DOC_STORE_LIMIT);
    if (!ctx)
        return fa_fail(e, "out of memory opening the PDF");
    fz_set_warning_callback(ctx, NULL, NULL);
    fz_set_error_callback(ctx, NULL, NULL);
    fz_document *doc = NULL;
    doc_document *d = xcalloc(1, sizeof *d);
    d->path = xstrdup(path);
    int rc = 0;
    fz_var(doc);
    fz_var(rc);
    fz_try(ctx) {
        fz_register_document_handlers(ctx);
        doc = fz_open_document(ctx, path);
        if (fz_needs_password(ctx, doc) && !fz_authenticate_password(ctx, doc, "")) {
            rc = fa_fail(e, "encrypted PDF that needs a password; remove the password (for example "
                            "`qpdf --decrypt --password=PW in.pdf out.pdf`) and ingest the copy");
        } else {
            d->npages = fz_count_pages(ctx, doc);
            if (d->npages <= 0)
                rc = fa_fail(e, "the PDF has no pages; the file is damaged or truncated");
        }
    }
    fz_catch(ctx) {
        rc = fa_fail(e, "damaged or truncated PDF (%s); download or copy it again", fz_caught_message(ctx));
    }
    if (rc == 0) {
        d->pages = xcalloc((size_t)d->npages, sizeof *d->pages);
        extract_pages(ctx, doc, path, d, opts);
        size_t total = 0, sideways = 0;
        for (int i = 0; i < d->npages; i++) {
            total += d->pages[i].nlines;
            sideways += d->pages[i].sideways;
        }
        if (is_xfa_only(ctx, doc, &d->pages[0]))
            rc = fa_fail(e, "XFA form with no PDF content (only a \"Please wait\" notice); open it in Adobe "
                            "Reader and print it to a PDF, then ingest that");
        else if (total == 0 && image && d->pages[0].width <= 0)
            rc = fa_fail(e, "damaged or truncated image; copy it again from its source");
        else if (total == 0 && image)
            rc = fa_fail(e, "OCR found no text in the image; check that it shows a page of text, upright, at "
                            "150 dpi or more");
        else if (total == 0 && sideways > 0 && !d->pages[0].ocr)
            rc = fa_fail(e, "all its text runs sideways (pages turned by /Rotate, or vertical text), which FA-GPT "
                            "does not read yet; rotate the pages upright (for example `qpdf --rotate=-90 IN.pdf OUT.pdf`) and ingest that");
        else if (total == 0 && ocr_wanted(opts))
            rc = fa_fail(e, "no text on any of its %d pages, even by OCR (blank, drawings only, or the OCR "
                            "language data is missing: install tesseract-ocr-eng)", d->npages);
        else if (total == 0)
            rc = fa_fail(e, "no text layer on any of its %d pages (a scan, read with OCR off)", d->npages);
        else
            d->pdf_title = pdf_info(ctx, doc, FZ_META_INFO_TITLE);
    }
    fz_drop_document(ctx, doc);
    fz_drop_context(ctx);
    if (rc != 0) {
        doc_free(d);
        return rc;
    }
    *out = d;
    return 0;
}

void doc_free(doc_document *d)
{
    if (!d)
        return;
    for (int i = 0; i < d->npages; i++) {
        for (size_t k = 0; k < d->pages[i].nlines; k++)
            free(d->pages[i].lines[k].text);
        free(d->pages[i].lines);
        free(d->pages[i].label);
        for (size_t k = 0; k < d->pages[i].ntables; k++)
            doc_table_free(&d->pages[i].tables[k]);
        free(d->pages[i].tables);
        for (size_t k = 0; k < d->pages[i].nfigures; k++)
            doc_figure_free(&d->pages[i].figures[k]);
        free(d->pages[i].figures);
        free(d->pages[i].warning);
        free(d->pages[i].hard);
        free(d->pages[i].convert_model);
        free(d->pages[i].convert_error);
    }
    free(d->pages);
    for (size_t i = 0; i < d->units.n; i++) {
        free(d->units.v[i].text);
        free(d->units.v[i].paragraph);
        free(d->units.v[i].boxes.v);
    }
    free(d->units.v);
    for (size_t i = 0; i < d->chapters.n; i++)
        free(d->chapters.v[i]);
    free(d->chapters.v);
    for (size_t i = 0; i < d->terms.n; i++) {
        free(d->terms.v[i].term);
        free(d->terms.v[i].expansion);
    }
    free(d->terms.v);
    for (size_t i = 0; i < d->definitions.n; i++) {
        free(d->definitions.v[i].term);
        free(d->definitions.v[i].definition);
    }
    free(d->definitions.v);
    for (size_t i = 0; i < d->refs.n; i++) {
        free(d->refs.v[i].target);
        free(d->refs.v[i].paragraph);
    }
    free(d->refs.v);
    for (size_t i = 0; i < d->tables.n; i++)
        doc_table_free(&d->tables.v[i]);
    free(d->tables.v);
    for (size_t i = 0; i < d->figures.n; i++)
        doc_figure_free(&d->figures.v[i]);
    free(d->figures.v);
    for (size_t i = 0; i < d->firing_tables.n; i++)
        doc_firing_table_free(&d->firing_tables.v[i]);
    free(d->firing_tables.v);
    free(d->meta.publication);
    free(d->meta.title);
    free(d->meta.date);
    free(d->meta.distribution);
    free(d->meta.supersedes);
    free(d->pdf_title);
    free(d->path);
    free(d);
}

int doc_count_pages(const char *path)
{
    fz_context *ctx = fz_new_context(NULL, NULL, DOC_STORE_LIMIT);
    if (!ctx)
        return -1;
    fz_set_warning_callback(ctx, NULL, NULL);
    fz_set_error_callback(ctx, NULL, NULL);
    fz_document *doc = NULL;
    int n = -1;
    fz_var(doc);
    fz_try(ctx) {
        fz_register_document_handlers(ctx);
        doc = fz_open_document(ctx, path);
        n = fz_count_pages(ctx, doc);
    }
    fz_always(ctx) {
        fz_drop_document(ctx, doc);
    }
    fz_catch(ctx) {
        n = -1;
    }
    fz_drop_context(ctx);
    return n;
}
