/*
 * ocr.c - scanned pages and images: judging a text layer (doc_text_is_poor), rendering a page at 300 dpi with
 * MuPDF and reading it with the Tesseract C API, in memory. Words keep their boxes and confidence and are
 * grouped into doc_line entries in PDF points, exactly like born-digital lines, so layout and chunking run
 * unchanged on them.
 */
#include "ocr.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <leptonica/allheaders.h>
#include <tesseract/capi.h>

#define OCR_DPI 300.0f
/* A rendering never exceeds this many pixels on a side (a 20000 pt page is read at a lower resolution). */
#define OCR_MAX_SIDE 7000
/* Words Tesseract is less sure of than this are specks, rules and picture texture, not text. */
#define OCR_MIN_CONF 30.0f
/* A text layer on a scanned page is kept when at least this share of its words are in the dictionary (born-digital
 * pages of the corpus score 0.93 to 1.00; the BRL scan's old OCR layer 0.40 to 0.95). */
#define OCR_MIN_DICTIONARY 0.92

typedef VEC(doc_line) line_vec;

static void quiet_leptonica(void)
{
    setMsgSeverity(L_SEVERITY_NONE); /* its warnings about odd boxes would go to stderr */
}

struct doc_ocr {
    TessBaseAPI *api;
    bool failed;
};

void doc_ocr_prepare(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, quiet_leptonica);
}

/* A token reads as a word when, stripped of surrounding punctuation, it is a number, or letters (with inner
 * hyphens, apostrophes or periods) that contain a vowel unless short or all capitals (acronyms), and that do
 * not switch from lower to upper case more than once ("McCoy" yes, "AerodyLive" no, "Ra-ige" no). */
static bool token_is_wordlike(const char *s, size_t n)
{
    while (n && ispunct((unsigned char)*s) && *s != '-')
        s++, n--;
    while (n && ispunct((unsigned char)s[n - 1]))
        n--;
    if (n == 0)
        return false;
    size_t digits = 0, letters = 0, upper = 0, vowels = 0, switches = 0, inner = 0, other = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isdigit(c))
            digits++;
        else if (isalpha(c)) {
            letters++;
            if (isupper(c)) {
                upper++;
                if (i > 0 && islower((unsigned char)s[i - 1]))
                    switches++;
            }
            if (strchr("aeiouyAEIOUY", c))
                vowels++;
        } else if (c == '-' || c == '\'' || c == '.' || c == '/' || c == ',')
            inner++;
        else if (c >= 0x80)
            letters++; /* UTF-8 letters of other scripts: not judged */
        else
            other++;
    }
    if (other)
        return false;
    if (letters == 0)
        return digits > 0;
    if (digits)
        return letters <= 3 && digits >= 1; /* "12.7mm", "2-14a", "M33" */
    if (inner && (s[0] == '-' || s[n - 1] == '-'))
        return false;
    if (switches > 1 || (switches == 1 && upper != letters && !(isupper((unsigned char)s[0]) && upper == 2)))
        return false;
    if (letters >= 4 && vowels == 0 && upper != letters)
        return false;
    return true;
}

bool doc_text_is_poor(const doc_line *lines, size_t nlines, doc_text_quality *q)
{
    doc_text_quality z = {0};
    for (size_t i = 0; i < nlines; i++) {
        const char *t = lines[i].text;
        while (*t) {
            while (*t == ' ')
                t++;
            const char *w = t;
            while (*t && *t != ' ')
                t++;
            if (t > w) {
                z.tokens++;
                if (token_is_wordlike(w, (size_t)(t - w)))
                    z.wordlike++;
            }
        }
    }
    z.lines = (int)nlines;
    if (q)
        *q = z;
    if (z.tokens == 0)
        return true;
    double share = (double)z.wordlike / z.tokens, per_line = (double)z.tokens / z.lines;
    /* A scan's hidden OCR layer shows as broken words, or as words scattered one or two to a line. Short
     * pages (a cover, a figure) are judged on words alone. */
    if (z.tokens < 20)
        return share < 0.5;
    return share < 0.85 || per_line < 2.5;
}

static int ocr_start(doc_ocr *o);

/* The share of a text layer's words (two letters or more, stripped of punctuation) that Tesseract's English
 * dictionary knows; -1 when no engine is available or the layer has no such words. */
static double dictionary_share(doc_ocr *o, const doc_line *lines, size_t nlines)
{
    if (ocr_start(o) != 0)
        return -1;
    int words = 0, known = 0;
    char w[64];
    for (size_t i = 0; i < nlines; i++) {
        const char *t = lines[i].text;
        while (*t) {
            size_t n = 0;
            while (*t && !isalpha((unsigned char)*t))
                t++;
            while (isalpha((unsigned char)*t) || *t == '\'' || *t == '-') {
                if (n < sizeof w - 1)
                    w[n++] = *t;
                t++;
            }
            while (n && !isalpha((unsigned char)w[n - 1]))
                n--;
            w[n] = 0;
            if (n < 2)
                continue;
            words++;
            if (TessBaseAPIIsValidWord(o->api, w)) {
                known++;
                continue;
            }
            for (size_t k = 0; k < n; k++)
                w[k] = (char)tolower((unsigned char)w[k]);
            known += TessBaseAPIIsValidWord(o->api, w) != 0;
        }
    }
    return words ? (double)known / words : -1;
}

bool doc_ocr_needed(doc_ocr **ocr, const doc_line *lines, size_t nlines, double *dict_share)
{
    if (dict_share)
        *dict_share = -1;
    if (nlines == 0 || doc_text_is_poor(lines, nlines, NULL))
        return true;
    if (!*ocr)
        *ocr = xcalloc(1, sizeof **ocr);
    double share = dictionary_share(*ocr, lines, nlines);
    if (dict_share)
        *dict_share = share;
    return share >= 0 && share < OCR_MIN_DICTIONARY;
}

static int ocr_start(doc_ocr *o)
{
    if (o->api)
        return 0;
    if (o->failed)
        return -1;
    doc_ocr_prepare();
    o->api = TessBaseAPICreate();
    if (!o->api || TessBaseAPIInit3(o->api, NULL, "eng") != 0) {
        if (o->api)
            TessBaseAPIDelete(o->api);
        o->api = NULL;
        o->failed = true;
        return -1;
    }
    TessBaseAPISetPageSegMode(o->api, PSM_AUTO);
    TessBaseAPISetVariable(o->api, "debug_file", "/dev/null");
    return 0;
}

/* Reads the words of the recognised page into lines, joining a text line's words with spaces. */
static void collect(TessBaseAPI *api, int index, float scale, line_vec *out)
{
    TessResultIterator *it = TessBaseAPIGetIterator(api);
    if (!it)
        return;
    TessPageIterator *pi = TessResultIteratorGetPageIterator(it);
    strbuf t = {0};
    doc_line cur = {0};
    double conf_sum = 0;
    int nwords = 0, block = -1;
    bool have = false;
    do {
        if (TessPageIteratorIsAtBeginningOf(pi, RIL_BLOCK))
            block++;
        bool new_line = TessPageIteratorIsAtBeginningOf(pi, RIL_TEXTLINE);
        if (new_line && have) {
            cur.text = sb_take(&t);
            cur.ocr_conf = (float)(conf_sum / nwords);
            cur.size = 0.8f * (cur.box.y1 - cur.box.y0);
            VEC_PUSH(*out, cur);
            have = false;
        }
        char *w = TessResultIteratorGetUTF8Text(it, RIL_WORD);
        float conf = TessResultIteratorConfidence(it, RIL_WORD);
        int x0, y0, x1, y1;
        if (w && *w && conf >= OCR_MIN_CONF && TessPageIteratorBoundingBox(pi, RIL_WORD, &x0, &y0, &x1, &y1)) {
            doc_box b = {index, x0 / scale, y0 / scale, x1 / scale, y1 / scale};
            if (!have) {
                cur = (doc_line){.box = b, .block = block};
                conf_sum = 0;
                nwords = 0;
                have = true;
            } else {
                sb_addc(&t, ' ');
                if (b.x0 < cur.box.x0) cur.box.x0 = b.x0;
                if (b.y0 < cur.box.y0) cur.box.y0 = b.y0;
                if (b.x1 > cur.box.x1) cur.box.x1 = b.x1;
                if (b.y1 > cur.box.y1) cur.box.y1 = b.y1;
            }
            sb_add(&t, w);
            conf_sum += conf;
            nwords++;
        }
        TessDeleteText(w);
    } while (TessResultIteratorNext(it, RIL_WORD));
    if (have) {
        cur.text = sb_take(&t);
        cur.ocr_conf = (float)(conf_sum / nwords);
        cur.size = 0.8f * (cur.box.y1 - cur.box.y0);
        VEC_PUSH(*out, cur);
    }
    sb_free(&t);
    TessResultIteratorDelete(it);
}

/* Starts the OCR engine when needed and gives the scale (pixels per point) at which to render area: OCR_DPI,
 * less when its longer side would pass OCR_MAX_SIDE pixels; 0 when the engine cannot start or area is empty. */
static float ocr_prepare(doc_ocr **ocr, fz_rect area)
{
    if (!*ocr)
        *ocr = xcalloc(1, sizeof **ocr);
    if (ocr_start(*ocr) != 0)
        return 0;
    float w = area.x1 - area.x0, h = area.y1 - area.y0;
    if (w < 1 || h < 1)
        return 0;
    float scale = OCR_DPI / 72.0f;
    float side = (w > h ? w : h) * scale;
    if (side > OCR_MAX_SIDE)
        scale *= OCR_MAX_SIDE / side;
    return scale;
}

int doc_ocr_page(fz_context *ctx, fz_page *page, fz_rect r, int index, doc_ocr **ocr, doc_line **lines,
                 size_t *nlines)
{
    *lines = NULL;
    *nlines = 0;
    float scale = ocr_prepare(ocr, r);
    if (scale <= 0)
        return -1;
    fz_pixmap *pix = NULL;
    fz_var(pix);
    fz_try(ctx) {
        fz_matrix m = fz_concat(fz_translate(-r.x0, -r.y0), fz_scale(scale, scale));
        pix = fz_new_pixmap_from_page(ctx, page, m, fz_device_gray(ctx), 0);
    }
    fz_catch(ctx) {
        return -1;
    }
    TessBaseAPI *api = (*ocr)->api;
    int pw = fz_pixmap_width(ctx, pix), ph = fz_pixmap_height(ctx, pix);
    TessBaseAPISetImage(api, fz_pixmap_samples(ctx, pix), pw, ph, 1, (int)fz_pixmap_stride(ctx, pix));
    TessBaseAPISetSourceResolution(api, (int)(scale * 72.0f + 0.5f));
    line_vec out = {0};
    if (TessBaseAPIRecognize(api, NULL) == 0)
        collect(api, index, scale, &out);
    TessBaseAPIClear(api);
    fz_drop_pixmap(ctx, pix);
    *lines = out.v;
    *nlines = out.n;
    return 0;
}

int doc_ocr_region(fz_context *ctx, fz_page *page, fz_rect r, fz_rect region, doc_ocr **ocr, char **text)
{
    *text = NULL;
    float scale = ocr_prepare(ocr, region);
    if (scale <= 0)
        return -1;
    fz_pixmap *pix = NULL;
    fz_device *dev = NULL;
    fz_var(pix);
    fz_var(dev);
    fz_try(ctx) {
        fz_irect ib = {(int)floorf(region.x0 * scale), (int)floorf(region.y0 * scale), (int)ceilf(region.x1 * scale),
                       (int)ceilf(region.y1 * scale)};
        pix = fz_new_pixmap_with_bbox(ctx, fz_device_gray(ctx), ib, NULL, 0);
        fz_clear_pixmap_with_value(ctx, pix, 255);
        fz_matrix m = fz_concat(fz_translate(-r.x0, -r.y0), fz_scale(scale, scale));
        dev = fz_new_draw_device(ctx, fz_identity, pix);
        fz_run_page_contents(ctx, page, dev, m, NULL);
        fz_close_device(ctx, dev);
    }
    fz_always(ctx) {
        fz_drop_device(ctx, dev);
    }
    fz_catch(ctx) {
        fz_drop_pixmap(ctx, pix);
        return -1;
    }
    TessBaseAPI *api = (*ocr)->api;
    TessBaseAPISetImage(api, fz_pixmap_samples(ctx, pix), fz_pixmap_width(ctx, pix), fz_pixmap_height(ctx, pix), 1,
                        (int)fz_pixmap_stride(ctx, pix));
    TessBaseAPISetSourceResolution(api, (int)(scale * 72.0f + 0.5f));
    line_vec out = {0};
    if (TessBaseAPIRecognize(api, NULL) == 0)
        collect(api, 0, scale, &out);
    TessBaseAPIClear(api);
    fz_drop_pixmap(ctx, pix);
    strbuf b = {0};
    for (size_t i = 0; i < out.n; i++) {
        char *t = fa_trim(out.v[i].text);
        if (*t) {
            if (b.len)
                sb_addc(&b, '\n');
            sb_add(&b, t);
        }
        free(out.v[i].text);
    }
    free(out.v);
    *text = b.len ? sb_take(&b) : NULL;
    sb_free(&b);
    return 0;
}

void doc_ocr_free(doc_ocr *ocr)
{
    if (!ocr)
        return;
    if (ocr->api) {
        TessBaseAPIEnd(ocr->api);
        TessBaseAPIDelete(ocr->api);
    }
    free(ocr);
}
