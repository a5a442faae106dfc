/*
 * layout.c - doc_analyze: turns extracted lines into the structure a soldier cites.
 *
 *  1. Margins: lines in the top and bottom bands that repeat across pages (running headers and footers), the
 *     printed page label ("2-5", "iv", "Glossary-2", "21"), margin line numbers and contents leaders are dropped
 *     from the text; the label is kept per page, and gaps in a run of labels are filled.
 *  2. Reading order: two-column stretches of a page are read column by column.
 *  3. Units: headings (from the document's own font statistics: larger than body text, or bold and short),
 *     paragraphs split at Army paragraph numbers ("2-14."), first-line indents, vertical gaps and bullets.
 *  4. Chapters ("Chapter 2", "Appendix A", "Glossary", ...) delimit chunks; headings give the section path.
 */
#include "doc.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void doc_extract_meta(doc_document *d);
void doc_extract_terms(doc_document *d);
void doc_extract_definitions(doc_document *d);
void doc_extract_refs(doc_document *d);

#define TOP_BAND DOC_TOP_BAND
#define BOTTOM_BAND DOC_BOTTOM_BAND

static bool all_digits(const char *s, size_t n)
{
    if (!n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return true;
}

bool doc_is_page_label(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 24)
        return false;
    if (all_digits(s, n))
        return n <= 4;
    bool roman = n <= 7;
    for (size_t i = 0; i < n && roman; i++)
        roman = strchr("ivxlcdm", s[i]) != NULL;
    if (roman)
        return true;
    const char *dash = strrchr(s, '-');
    if (!dash || !all_digits(dash + 1, strlen(dash + 1)) || strlen(dash + 1) > 4)
        return false;
    size_t pre = (size_t)(dash - s);
    if (all_digits(s, pre) && pre <= 2)
        return true;                                /* 2-5 */
    if (pre == 1 && isupper((unsigned char)s[0]))
        return true;                                /* */
    static const char *words[] = {"Glossary", "References", "Index", "Source Notes", "Bibliography", "Notes"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strlen(words[i]) == pre && strncasecmp(s, words[i], pre) == 0)
            return true;
    return false;
}

size_t doc_paragraph_number(const char *s, char out[16])
{
    const char *p = s;
    if (isupper((unsigned char)p[0]) && p[1] == '-') {
        p += 2;                                     /* appendix paragraphs: A-3. */
    } else {
        int k = 0;
        while (isdigit((unsigned char)*p) && k < 3) { p++; k++; }
        if (k == 0 || *p != '-')
            return 0;
        p++;
    }
    int k = 0;
    while (isdigit((unsigned char)*p) && k < 4) { p++; k++; }
    if (k == 0 || *p != '.' || (p[1] != ' ' && p[1] != 0))
        return 0;
    size_t n = (size_t)(p - s);
    if (n >= 16)
        return 0;
    memcpy(out, s, n);
    out[n] = 0;
    p++;
    while (*p == ' ')
        p++;
    return (size_t)(p - s);
}

/* The text with digits folded, so "2-5 ADP 3-19" and "2-6 ADP 3-19" compare equal. */
static void margin_key(const char *s, char *out, size_t cap)
{
    size_t k = 0;
    for (; *s && k + 1 < cap; s++) {
        unsigned char c = (unsigned char)*s;
        if (isdigit(c)) {
            if (k == 0 || out[k - 1] != '#')
                out[k++] = '#';
        } else if (!isspace(c)) {
            out[k++] = (char)tolower(c);
        }
    }
    out[k] = 0;
}

/* Fraction of the page height where the footer band starts: the default, or higher when the document's page
 * labels sit above it (FM 1 prints its folios at 89 % of the height). */
static float footer_band(const doc_document *d)
{
    int hist[20] = {0}, total = 0;
    for (int pi = 0; pi < d->npages; pi++) {
        const doc_page *p = &d->pages[pi];
        for (size_t i = 0; i < p->nlines; i++) {
            float y = p->lines[i].box.y0 / p->height;
            if (y > 0.8f && y <= BOTTOM_BAND && doc_is_page_label(p->lines[i].text)) {
                int bin = (int)((y - 0.8f) * 200);
                hist[bin < 19 ? bin : 19]++; /* y at BOTTOM_BAND itself falls in the last bin */
                total++;
            }
        }
    }
    int best = 0;
    for (int i = 1; i < 20; i++)
        if (hist[i] > hist[best])
            best = i;
    if (total < 3 || hist[best] * 5 < d->npages)
        return BOTTOM_BAND;
    return 0.8f + best / 200.0f - 0.003f;
}

static bool in_band(const doc_page *p, const doc_line *l, float bottom)
{
    return l->box.y1 < p->height * TOP_BAND || l->box.y0 > p->height * bottom;
}

static void find_margins(doc_document *d)
{
    float bottom = footer_band(d);
    typedef struct { char key[96]; int pages, last_page; } rep;
    VEC(rep) reps = {0};
    for (int pi = 0; pi < d->npages; pi++) {
        doc_page *p = &d->pages[pi];
        for (size_t i = 0; i < p->nlines; i++) {
            if (!in_band(p, &p->lines[i], bottom))
                continue;
            char key[96];
            margin_key(p->lines[i].text, key, sizeof key);
            size_t k = 0;
            while (k < reps.n && strcmp(reps.v[k].key, key) != 0)
                k++;
            if (k == reps.n) {
                rep r = {.pages = 0, .last_page = -1};
                memcpy(r.key, key, sizeof key);
                VEC_PUSH(reps, r);
            }
            if (reps.v[k].last_page != pi) {
                reps.v[k].pages++;
                reps.v[k].last_page = pi;
            }
        }
    }
    /* Three pages with the same band text make it furniture: chapter running heads repeat only on the
     * chapter's own pages, so a share of the whole document would miss them. */
    int need = d->npages < 6 ? 2 : 3;
    for (int pi = 0; pi < d->npages; pi++) {
        doc_page *p = &d->pages[pi];
        const doc_line *best = NULL;
        bool best_bottom = false;
        float best_off = -1;
        for (size_t i = 0; i < p->nlines; i++) {
            doc_line *l = &p->lines[i];
            float cx = (l->box.x0 + l->box.x1) / 2;
            if (all_digits(l->text, strlen(l->text)) && l->box.x1 < p->width * 0.12f)
                l->dropped = true;  /* line numbers in the left margin of draft-style pages */
            if (strstr(l->text, ".....") || strstr(l->text, ". . . . ."))
                l->dropped = true;  /* contents and index leaders */
            if (!in_band(p, l, bottom))
                continue;
            char key[96];
            margin_key(l->text, key, sizeof key);
            for (size_t k = 0; k < reps.n; k++)
                if (!strcmp(reps.v[k].key, key) && reps.v[k].pages >= need)
                    l->dropped = true;
            if (!doc_is_page_label(l->text))
                continue;
            l->dropped = true;
            bool is_bottom = l->box.y0 > p->height * bottom;
            float off = fabsf(cx - p->width / 2);
            /* Prefer the footer, then the label furthest into a corner (outside edge of the page). */
            if (!best || (is_bottom && !best_bottom) || (is_bottom == best_bottom && off > best_off)) {
                best = l;
                best_bottom = is_bottom;
                best_off = off;
            }
        }
        if (best)
            p->label = xstrdup(best->text);
    }
    free(reps.v);
}

/* Splits "Glossary-12" into a prefix and number; the number is -1 when the label does not end in one. */
static long label_number(const char *label, char *prefix, size_t cap)
{
    const char *dash = strrchr(label, '-');
    const char *num = dash ? dash + 1 : label;
    if (!all_digits(num, strlen(num))) {
        snprintf(prefix, cap, "%s", label);
        return -1;
    }
    snprintf(prefix, cap, "%.*s", (int)(num - label), label);
    return strtol(num, NULL, 10);
}

static void fill_label_gaps(doc_document *d)
{
    for (int i = 0; i < d->npages; i++) {
        if (d->pages[i].label)
            continue;
        int a = i - 1, b = i + 1;
        while (b < d->npages && !d->pages[b].label && b - i < 3)
            b++;
        if (a < 0 || !d->pages[a].label || b >= d->npages || !d->pages[b].label)
            continue;
        char pa[32], pb[32];
        long na = label_number(d->pages[a].label, pa, sizeof pa);
        long nb = label_number(d->pages[b].label, pb, sizeof pb);
        if (na < 0 || nb < 0 || strcmp(pa, pb) != 0 || nb - na != b - a)
            continue;
        for (int k = a + 1; k < b; k++)
            d->pages[k].label = xasprintf("%s%ld", pa, na + (k - a));
    }
}

static float body_font_size(const doc_document *d)
{
    /* Character-weighted histogram of sizes in half points. */
    double hist[200] = {0};
    for (int pi = 0; pi < d->npages; pi++)
        for (size_t i = 0; i < d->pages[pi].nlines; i++) {
            const doc_line *l = &d->pages[pi].lines[i];
            int b = (int)lroundf(l->size * 2);
            if (!l->dropped && b > 0 && b < 200)
                hist[b] += (double)strlen(l->text);
        }
    int best = 20;
    for (int b = 1; b < 200; b++)
        if (hist[b] > hist[best])
            best = b;
    return best / 2.0f;
}

/* Column of each line: 0 full width, 1 left, 2 right, decided per block. */
static void order_page(doc_page *p)
{
    if (p->nlines < 2)
        return;
    float mid = p->width / 2;
    int nleft = 0, nright = 0;
    int *col = xcalloc(p->nlines, sizeof *col);
    /* Block extents. */
    for (size_t i = 0; i < p->nlines;) {
        size_t j = i;
        float x0 = p->lines[i].box.x0, x1 = p->lines[i].box.x1;
        while (j < p->nlines && p->lines[j].block == p->lines[i].block) {
            x0 = fminf(x0, p->lines[j].box.x0);
            x1 = fmaxf(x1, p->lines[j].box.x1);
            j++;
        }
        int c = 0;
        if (x1 < mid + p->width * 0.03f && x1 - x0 < p->width * 0.47f && x0 > p->width * 0.12f) c = 1;
        else if (x0 > mid - p->width * 0.03f) c = 2;
        if (c == 1) nleft++;
        if (c == 2) nright++;
        for (size_t k = i; k < j; k++)
            col[k] = c;
        i = j;
    }
    if (nleft < 2 || nright < 2) {
        free(col);
        return;
    }
    /* Bands are separated by full-width blocks; within a band, the left column is read before the right. */
    typedef struct { doc_line line; int band, col; float y; size_t order; } item;
    item *it = xcalloc(p->nlines, sizeof *it);
    int band = 0;
    for (size_t i = 0; i < p->nlines; i++) {
        if (col[i] == 0 && (i == 0 || col[i - 1] != 0))
            band++;
        it[i] = (item){p->lines[i], band, col[i], p->lines[i].box.y0, i};
        if (col[i] == 0 && i + 1 < p->nlines && col[i + 1] != 0)
            band++;
    }
    /* Stable insertion sort by (band, column); the original order is kept inside a column. */
    for (size_t i = 1; i < p->nlines; i++) {
        item x = it[i];
        size_t j = i;
        while (j > 0 && (it[j - 1].band > x.band || (it[j - 1].band == x.band && it[j - 1].col > x.col))) {
            it[j] = it[j - 1];
            j--;
        }
        it[j] = x;
    }
    for (size_t i = 0; i < p->nlines; i++)
        p->lines[i] = it[i].line;
    free(it);
    free(col);
}

static bool is_chapter_heading(const char *t)
{
    static const char *starts[] = {"chapter ", "appendix ", "annex "};
    for (size_t i = 0; i < 3; i++)
        if (fa_strcasecmp_prefix(t, starts[i]) == 0 && isalnum((unsigned char)t[strlen(starts[i])]))
            return true;
    static const char *whole[] = {"glossary", "references", "index", "preface", "introduction", "foreword",
                                  "contents", "source notes", "summary of changes"};
    for (size_t i = 0; i < sizeof whole / sizeof whole[0]; i++)
        if (strcasecmp(t, whole[i]) == 0)
            return true;
    return false;
}

static bool ends_sentence(const char *s)
{
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '"' || s[n - 1] == ')'))
        n--;
    return n && (s[n - 1] == '.' || s[n - 1] == ':' || s[n - 1] == '?' || s[n - 1] == '!' || s[n - 1] == ';');
}

/* Appends a line's text to a unit, joining words hyphenated across the line break. */
static void join_line(strbuf *b, const char *t)
{
    if (b->len) {
        unsigned char prev = (unsigned char)(b->len > 1 ? b->s[b->len - 2] : 0);
        if (b->s[b->len - 1] == '-' && isalpha(prev) && islower((unsigned char)t[0]))
            b->s[--b->len] = 0;          /* "informa-" + "tion" */
        else if (b->s[b->len - 1] == '-' && (isdigit(prev) || isupper(prev)) && isalnum((unsigned char)t[0]))
            ;                            /* "JP 3-" + "0", "ADP 3-" + "19": a number broken at its dash */
        else
            sb_addc(b, ' ');
    }
    sb_add(b, t);
}

typedef struct {
    doc_document *d;
    strbuf text;
    doc_unit cur;
    bool open;
    int chapter;
    bool chapter_title_pending; /* "Chapter 2" seen; the next heading is its title */
} unit_builder;

static void flush_unit(unit_builder *ub)
{
    if (!ub->open)
        return;
    ub->open = false;
    char *t = fa_trim(sb_take(&ub->text));
    if (!*t) {
        free(t);
        free(ub->cur.boxes.v);
        free(ub->cur.paragraph);
        return;
    }
    ub->cur.text = t;
    ub->cur.chapter = ub->chapter;
    if (ub->cur.kind == UNIT_HEADING) {
        if (is_chapter_heading(t) || ub->cur.level == 1) {
            if (!ub->chapter_title_pending || is_chapter_heading(t)) {
                ub->chapter = (int)ub->d->chapters.n;
                VEC_PUSH(ub->d->chapters, xstrdup(t));
                ub->cur.chapter = ub->chapter;
                ub->chapter_title_pending = fa_strcasecmp_prefix(t, "chapter ") == 0 ||
                                            fa_strcasecmp_prefix(t, "appendix ") == 0;
                VEC_PUSH(ub->d->units, ub->cur);
                return;
            }
        }
        if (ub->chapter_title_pending && ub->d->chapters.n) {
            /* "Chapter 2" + "Fires in Multi-Domain Operations" name the chapter together. */
            char **name = &ub->d->chapters.v[ub->d->chapters.n - 1];
            char *joined = xasprintf("%s %s", *name, t);
            free(*name);
            *name = joined;
            ub->cur.level = 1;
        }
    }
    ub->chapter_title_pending = false;
    VEC_PUSH(ub->d->units, ub->cur);
}

static void open_unit(unit_builder *ub, doc_unit_kind kind, int level)
{
    flush_unit(ub);
    memset(&ub->cur, 0, sizeof ub->cur);
    ub->cur.kind = kind;
    ub->cur.level = level;
    ub->open = true;
}

static void add_box(doc_unit *u, doc_box b)
{
    if (u->boxes.n) {
        doc_box *last = &u->boxes.v[u->boxes.n - 1];
        /* Merge lines of one paragraph on one page into one rectangle per column stretch. */
        if (last->page == b.page && b.y0 - last->y1 < 6 && b.x0 < last->x1 && b.x1 > last->x0) {
            last->x0 = fminf(last->x0, b.x0);
            last->x1 = fmaxf(last->x1, b.x1);
            last->y1 = fmaxf(last->y1, b.y1);
            last->y0 = fminf(last->y0, b.y0);
            return;
        }
    }
    VEC_PUSH(u->boxes, b);
}

/* Heading levels: distinct heading sizes, largest first; bold text at body size is the deepest level. */
static int heading_level(const float *sizes, int nsizes, float size)
{
    for (int i = 0; i < nsizes; i++)
        if (fabsf(sizes[i] - size) < 0.6f)
            return i + 1 > 4 ? 4 : i + 1;
    return 4;
}

static bool looks_like_heading(const doc_document *d, const doc_page *p, size_t i)
{
    const doc_line *l = &p->lines[i];
    size_t n = strlen(l->text);
    if (n > 160 || n < 2)
        return false;
    if (!isalnum((unsigned char)l->text[0]) && l->text[0] != '(')
        return false;
    char pn[16];
    if (doc_paragraph_number(l->text, pn))
        return false;
    if (l->size >= d->body_size * 1.15f)
        return n <= 120 || l->size >= d->body_size * 1.4f;
    if (!l->bold || n > 90 || ends_sentence(l->text) || l->text[n - 1] == ',')
        return false;
    /* Bold at body size: a heading only when its whole block is bold (not a bold run-in sentence). */
    for (size_t k = 0; k < p->nlines; k++)
        if (p->lines[k].block == l->block && !p->lines[k].dropped && !p->lines[k].bold)
            return false;
    return true;
}

static void build_units(doc_document *d)
{
    /* Distinct heading sizes above body size. */
    float sizes[16];
    int nsizes = 0;
    for (int pi = 0; pi < d->npages; pi++)
        for (size_t i = 0; i < d->pages[pi].nlines; i++) {
            const doc_line *l = &d->pages[pi].lines[i];
            if (l->dropped || l->size < d->body_size * 1.15f || !looks_like_heading(d, &d->pages[pi], i))
                continue;
            int k = 0;
            while (k < nsizes && fabsf(sizes[k] - l->size) >= 0.6f)
                k++;
            if (k == nsizes && nsizes < 16)
                sizes[nsizes++] = l->size;
        }
    for (int a = 0; a < nsizes; a++)
        for (int b = a + 1; b < nsizes; b++)
            if (sizes[b] > sizes[a]) {
                float t = sizes[a];
                sizes[a] = sizes[b];
                sizes[b] = t;
            }

    unit_builder ub = {.d = d};
    VEC_PUSH(d->chapters, xstrdup("Front matter"));
    for (int pi = 0; pi < d->npages; pi++) {
        doc_page *p = &d->pages[pi];
        const doc_line *prev = NULL;
        float block_left = 0;
        bool pending_bullet = false;
        for (size_t i = 0; i < p->nlines; i++) {
            doc_line *l = &p->lines[i];
            if (l->dropped || l->in_table || l->in_figure)
                continue;
            bool new_block = !prev || prev->block != l->block;
            if (new_block) {
                block_left = l->box.x0;
                for (size_t k = i; k < p->nlines && p->lines[k].block == l->block; k++)
                    if (!p->lines[k].dropped)
                        block_left = fminf(block_left, p->lines[k].box.x0);
            }
            const char *t = l->text;
            if (!strcmp(t, "\xe2\x80\xa2")) {          /* a bullet glyph on a line of its own */
                pending_bullet = true;
                prev = l;
                continue;
            }
            if (looks_like_heading(d, p, i)) {
                int level = l->size >= d->body_size * 1.15f ? heading_level(sizes, nsizes, l->size) : 4;
                bool continues = ub.open && ub.cur.kind == UNIT_HEADING && prev && !new_block &&
                                 fabsf(prev->size - l->size) < 0.3f;
                if (!continues)
                    open_unit(&ub, UNIT_HEADING, level);
                join_line(&ub.text, t);
                add_box(&ub.cur, l->box);
                prev = l;
                pending_bullet = false;
                continue;
            }
            char pn[16];
            size_t skip = doc_paragraph_number(t, pn);
            bool bullet = pending_bullet || strncmp(t, "\xe2\x80\xa2", 3) == 0;
            float gap = prev ? l->box.y0 - prev->box.y1 : 0;
            bool indented = !new_block && l->box.x0 > block_left + 8 && prev && ends_sentence(prev->text);
            bool starts_new;
            if (!ub.open || ub.cur.kind == UNIT_HEADING || skip || bullet)
                starts_new = true;
            else if (!prev) /* first line of a page: a sentence cut by the page break goes on */
                starts_new = ub.text.len && ends_sentence(ub.text.s);
            else
                starts_new = new_block || indented || gap > 0.7f * l->size;
            if (starts_new) {
                open_unit(&ub, UNIT_TEXT, 0);
                if (skip)
                    ub.cur.paragraph = xstrdup(pn);
                if (pending_bullet)
                    sb_add(&ub.text, "\xe2\x80\xa2 ");
            }
            join_line(&ub.text, t);
            add_box(&ub.cur, l->box);
            prev = l;
            pending_bullet = false;
        }
    }
    flush_unit(&ub);
    sb_free(&ub.text);
}

void doc_analyze(doc_document *d)
{
    find_margins(d);
    fill_label_gaps(d);
    for (int pi = 0; pi < d->npages; pi++)
        order_page(&d->pages[pi]);
    d->body_size = body_font_size(d);
    doc_extract_meta(d);
    build_units(d);
    doc_extract_terms(d);
    doc_extract_definitions(d);
    doc_extract_refs(d);
    doc_find_firing_tables(d);
    doc_join_tables(d);
    for (int pi = 0; pi < d->npages; pi++) {
        doc_page *p = &d->pages[pi];
        for (size_t k = 0; k < p->nfigures; k++)
            VEC_PUSH(d->figures, p->figures[k]);
        free(p->figures);
        p->figures = NULL;
        p->nfigures = 0;
    }
}
