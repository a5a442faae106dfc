/*
 * pageconv.c - which pages a document model should read (doc_page_hard), and a model's reading put in place of
 * the heuristic one (doc_page_apply_conversion); see doc.h.
 */
#include "doc.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/*
 * The pages the heuristics find hard, in the order the reasons are tested (the first that holds is recorded):
 *   1. a scanned firing table: an OCRed page whose text names a range column, an elevation (or quadrant
 *      elevation) column and one of fuze setting, time of flight or drift - the headings tft.c reads a TFT by;
 *      table detection does not run on OCRed pages, so without a model its columns are lost;
 *   2. a scanned table: an OCRed page of at least SCAN_TABLE_LINES lines of which SCAN_TABLE_SHARE or more are
 *      mostly numbers (the tables of a scanned report; not found by the heuristics on OCRed pages either);
 *   3. a form: fillable fields (AcroForm widgets), or at least FORM_BLANKS lines with blanks to fill in (runs
 *      of underscores, empty check boxes), whose label-and-box layout the line reader breaks apart;
 *   4. a table without rules: a table found from the alignment of its words alone (table_align.c), whose
 *      column edges are guesses;
 *   5. low OCR confidence: an OCRed page of at least 3 lines whose words' mean Tesseract confidence is under
 *      LOW_OCR_CONF (of 100).
 */
#define SCAN_TABLE_LINES 8
#define SCAN_TABLE_SHARE 0.4
#define FORM_BLANKS 4
#define LOW_OCR_CONF 70.0

static bool has_word(const char *text, const char *w)
{
    return strcasestr(text, w) != NULL;
}

/* A line of at least two tokens, half of them or more numbers ("1.25", "-0.031", "4,100", "12%"). */
static bool mostly_numbers(const char *t)
{
    int tokens = 0, numbers = 0;
    while (*t) {
        while (*t == ' ')
            t++;
        if (!*t)
            break;
        bool digit = false, other = false;
        for (; *t && *t != ' '; t++) {
            if (isdigit((unsigned char)*t))
                digit = true;
            else if (!strchr(".,-+%", *t))
                other = true;
        }
        tokens++;
        numbers += digit && !other;
    }
    return tokens >= 2 && numbers * 2 >= tokens;
}

static bool fill_in_blank(const char *t)
{
    return strstr(t, "_____") || strstr(t, "\xe2\x98\x90") /* U+2610 ballot box */ ||
           strstr(t, "\xe2\x96\xa1") /* U+25A1 white square */;
}

char *doc_page_hard(const doc_page *p)
{
    if (p->ocr && p->nlines) {
        strbuf all = {0};
        for (size_t i = 0; i < p->nlines; i++)
            sb_addf(&all, "%s\n", p->lines[i].text);
        bool tft = has_word(all.s, "range") && (has_word(all.s, "elev") || has_word(all.s, "quadrant")) &&
                   (has_word(all.s, "fuze") || has_word(all.s, "time of flight") || has_word(all.s, "drift"));
        sb_free(&all);
        if (tft)
            return xstrdup("a scanned firing table (range, elevation and fuze, time of flight or drift columns)");
    }
    if (p->ocr && p->nlines >= SCAN_TABLE_LINES) {
        size_t numeric = 0;
        for (size_t i = 0; i < p->nlines; i++)
            numeric += mostly_numbers(p->lines[i].text);
        if (numeric >= SCAN_TABLE_SHARE * (double)p->nlines)
            return xasprintf("a scanned table (%zu of %zu lines mostly numbers)", numeric, p->nlines);
    }
    if (p->form_fields > 0)
        return xasprintf("a form (%d fillable field%s)", p->form_fields, p->form_fields == 1 ? "" : "s");
    int blanks = 0;
    for (size_t i = 0; i < p->nlines; i++)
        blanks += fill_in_blank(p->lines[i].text);
    if (blanks >= FORM_BLANKS)
        return xasprintf("a form (%d lines with blanks to fill in)", blanks);
    for (size_t k = 0; k < p->ntables; k++)
        if (!p->tables[k].ruled)
            return xasprintf("a table without rules (%d x %d, found from the alignment of its words)",
                             p->tables[k].nrows, p->tables[k].ncols);
    if (p->ocr && p->nlines >= 3) {
        double sum = 0, words = 0;
        for (size_t i = 0; i < p->nlines; i++) {
            double n = 1;
            for (const char *s = p->lines[i].text; *s; s++)
                n += *s == ' ';
            sum += p->lines[i].ocr_conf * n;
            words += n;
        }
        if (sum / words < LOW_OCR_CONF)
            return xasprintf("low OCR confidence (mean %.0f of 100 over %zu lines)", sum / words, p->nlines);
    }
    return NULL;
}

static bool in_band(const doc_page *p, const doc_line *l)
{
    return l->box.y1 < p->height * DOC_TOP_BAND || l->box.y0 > p->height * DOC_BOTTOM_BAND;
}

static size_t words_in(const char *s)
{
    size_t n = 0;
    for (const char *p = s; p && *p; p++)
        n += isalnum((unsigned char)*p) && (p == s || !isalnum((unsigned char)p[-1]));
    return n;
}

/* A reading with under a third of the words the page's own lines have (a table's included), when they have
 * FIT_MIN_WORDS or more, is not the page: a refusal, a one-line summary, or output cut off early. A third leaves
 * room for a text layer or OCR that reads junk as extra words. */
#define FIT_MIN_WORDS 30

int doc_conversion_fits(const doc_page *p, const doc_conversion *c, fa_err *e)
{
    size_t page_words = 0, model_words = 0;
    for (size_t i = 0; i < p->nlines; i++)
        if (!in_band(p, &p->lines[i]))
            page_words += words_in(p->lines[i].text);
    for (size_t i = 0; i < c->blocks.n; i++) {
        const doc_block *b = &c->blocks.v[i];
        if (b->kind == DOC_BLOCK_TABLE)
            for (size_t k = 0; k < b->table.cells.n; k++)
                model_words += words_in(b->table.cells.v[k].text);
        else if (b->kind != DOC_BLOCK_PAGE_HEADER && b->kind != DOC_BLOCK_PAGE_FOOTER)
            model_words += words_in(b->text);
    }
    if (page_words >= FIT_MIN_WORDS && model_words * 3 < page_words)
        return fa_fail(e, "the model's reading has %zu words where the page's text has %zu; it is not the whole page",
                       model_words, page_words);
    return 0;
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

static bool inside_figure(const doc_page *p, const doc_box *b)
{
    float cx = (b->x0 + b->x1) / 2, cy = (b->y0 + b->y1) / 2;
    for (size_t k = 0; k < p->nfigures; k++) {
        const doc_box *f = &p->figures[k].box;
        if (cx >= f->x0 && cx <= f->x1 && cy >= f->y0 && cy <= f->y1)
            return true;
    }
    return false;
}

void doc_page_apply_conversion(doc_document *d, int pi, doc_conversion *c, const char *model)
{
    doc_page *p = &d->pages[pi];
    /* The page's own measures: the body text's size, its heading sizes (largest first), the box of its text. */
    float *sizes = xcalloc(p->nlines + 1, sizeof *sizes);
    size_t nsizes = 0;
    doc_box body = {pi, p->width, p->height, 0, 0};
    for (size_t i = 0; i < p->nlines; i++) {
        const doc_line *l = &p->lines[i];
        if (in_band(p, l) || l->in_figure)
            continue;
        if (l->size > 0)
            sizes[nsizes++] = l->size;
        body.x0 = fminf(body.x0, l->box.x0);
        body.y0 = fminf(body.y0, l->box.y0);
        body.x1 = fmaxf(body.x1, l->box.x1);
        body.y1 = fmaxf(body.y1, l->box.y1);
    }
    if (body.x1 <= body.x0 || body.y1 <= body.y0)
        body = (doc_box){pi, p->width * 0.08f, p->height * DOC_TOP_BAND, p->width * 0.92f,
                         p->height * DOC_BOTTOM_BAND};
    qsort(sizes, nsizes, sizeof *sizes, cmp_float);
    float body_size = nsizes ? sizes[nsizes / 2] : 10.0f;
    float heads[4];
    int nheads = 0;
    for (size_t i = nsizes; i-- > 0 && nheads < 4;)
        if (sizes[i] >= body_size * 1.15f && (!nheads || heads[nheads - 1] - sizes[i] >= 0.6f))
            heads[nheads++] = sizes[i];
    free(sizes);

    /* Running header and footer lines stay; the rest goes. */
    VEC(doc_line) head = {0}, foot = {0}, lines = {0};
    int block = 0;
    for (size_t i = 0; i < p->nlines; i++) {
        doc_line *l = &p->lines[i];
        if (in_band(p, l)) {
            if (l->box.y1 < p->height * DOC_TOP_BAND)
                VEC_PUSH(head, *l);
            else
                VEC_PUSH(foot, *l);
            block = l->block + 1 > block ? l->block + 1 : block;
        } else {
            free(l->text);
        }
    }
    free(p->lines);
    bool have_bands = head.n || foot.n;
    for (size_t i = 0; i < head.n; i++)
        VEC_PUSH(lines, head.v[i]);
    VEC(doc_table) tables = {0};
    for (size_t i = 0; i < c->blocks.n; i++) {
        doc_block *b = &c->blocks.v[i];
        if (b->kind == DOC_BLOCK_TABLE) {
            b->table.page = b->table.page_end = pi;
            b->table.box = b->has_box ? b->box : body;
            b->table.ruled = false;
            VEC_PUSH(tables, b->table);
            memset(&b->table, 0, sizeof b->table);
            continue;
        }
        bool band = b->kind == DOC_BLOCK_PAGE_HEADER || b->kind == DOC_BLOCK_PAGE_FOOTER;
        if ((band && have_bands) || (b->has_box && !band && inside_figure(p, &b->box))) {
            continue;  /* the page's own header and footer lines are kept; a figure's text is the figure's */
        }
        doc_line l = {.size = body_size, .block = block++};
        l.box = b->has_box ? b->box : body;
        l.box.page = pi;
        if (band && !b->has_box)  /* a header or footer of a page that had none: in its band */
            l.box = b->kind == DOC_BLOCK_PAGE_HEADER
                        ? (doc_box){pi, body.x0, p->height * 0.02f, body.x1, p->height * 0.06f}
                        : (doc_box){pi, body.x0, p->height * 0.93f, body.x1, p->height * 0.97f};
        if (b->kind == DOC_BLOCK_HEADING) {
            /* The page's own heading sizes by level; without them bold body text, the deepest level, so that a
             * model's "level 1" never opens a chapter the document's own headings do not. */
            l.size = b->level >= 1 && b->level <= nheads ? heads[b->level - 1] : body_size;
            l.bold = true;
        }
        if (b->kind == DOC_BLOCK_LIST_ITEM && strncmp(b->text, "\xe2\x80\xa2", 3) &&
            !isdigit((unsigned char)b->text[0]) && !(isalpha((unsigned char)b->text[0]) && b->text[1] == '.')) {
            l.text = xasprintf("\xe2\x80\xa2 %s", b->text);
            free(b->text);
        } else {
            l.text = b->text;
        }
        b->text = NULL;
        VEC_PUSH(lines, l);
    }
    for (size_t i = 0; i < foot.n; i++)
        VEC_PUSH(lines, foot.v[i]);
    free(head.v);
    free(foot.v);
    p->lines = lines.v;
    p->nlines = lines.n;
    for (size_t k = 0; k < p->ntables; k++)
        doc_table_free(&p->tables[k]);
    free(p->tables);
    p->tables = tables.v;
    p->ntables = tables.n;
    free(p->convert_model);
    p->convert_model = xstrdup(model ? model : "a document model");
    p->converted = true;
    doc_conversion_free(c);
}
