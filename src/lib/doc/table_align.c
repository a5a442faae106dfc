/*
 * table_align.c - tables without rules, from the alignment of their words (doc_align_tables, table_int.h).
 *
 * Words on one baseline make a row; words closer than a font size make one segment of it. A table is looked
 * for in two places: below a "Table N-N." caption that no ruled table took (rows down to the first blank line),
 * and in runs of at least four rows that are mostly numbers in three or more segments (a tabular firing table,
 * a data table), with the rows of words just above such a run as its column headings. The columns are the gaps
 * that no segment of the rows crosses; a row whose first column is empty continues the row above (a cell
 * wrapped over several lines). The grid then goes to doc_table_fill as a ruled one does.
 */
#include "table_int.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ALIGN_MAX_WORDS 20000
#define ALIGN_MAX_ROWS 400

typedef struct {
    float x0, x1, y0, y1, base, size;
    bool numeric;
} word;

typedef struct {
    float y0, y1, size;
    size_t first, n;         /* its words: words[first .. first+n-1], by x */
    int segments, numeric;   /* segments, and those that are numbers */
} row;

typedef VEC(word) word_vec;
typedef VEC(row) row_vec;

static bool in_boxes(const doc_table_vec *found, float x, float y)
{
    for (size_t k = 0; k < found->n; k++) {
        const doc_box *b = &found->v[k].box;
        if (x >= b->x0 && x <= b->x1 && y >= b->y0 && y <= b->y1)
            return true;
    }
    return false;
}

static bool is_number(const char *s, size_t n)
{
    size_t i = 0, digits = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        i++;
    for (; i < n; i++) {
        if (isdigit((unsigned char)s[i]))
            digits++;
        else if (s[i] != '.' && s[i] != ',')
            return false;
    }
    return digits > 0;
}

static void end_word(word_vec *ws, word *w, strbuf *t)
{
    if (t->len) {
        w->numeric = is_number(t->s, t->len);
        VEC_PUSH(*ws, *w);
    }
    sb_clear(t);
}

static int cmp_word_base(const void *a, const void *b)
{
    const word *x = a, *y = b;
    return x->base < y->base ? -1 : x->base > y->base;
}

static int cmp_word_x(const void *a, const void *b)
{
    const word *x = a, *y = b;
    return x->x0 < y->x0 ? -1 : x->x0 > y->x0;
}

/* The words of the page outside the tables found already, and its rows. Returns false when over the caps. */
static bool page_rows(fz_context *ctx, fz_stext_page *st, fz_rect r, const doc_table_vec *found, word_vec *ws,
                      row_vec *rows)
{
    strbuf t = {0};
    for (fz_stext_block *b = st->first_block; b; b = b->next) {
        if (b->type != FZ_STEXT_BLOCK_TEXT)
            continue;
        for (fz_stext_line *l = b->u.t.first_line; l; l = l->next) {
            if (l->wmode != 0 || l->dir.x < 0.9f)
                continue;
            word w = {0};
            sb_clear(&t);
            for (fz_stext_char *ch = l->first_char; ch; ch = ch->next) {
                int c = doc_stext_rune(ctx, ch);
                fz_rect cb = fz_rect_from_quad(ch->quad);
                cb.x0 -= r.x0;
                cb.x1 -= r.x0;
                cb.y0 -= r.y0;
                cb.y1 -= r.y0;
                if (c == -1 || c == ' ' || in_boxes(found, (cb.x0 + cb.x1) / 2, (cb.y0 + cb.y1) / 2)) {
                    end_word(ws, &w, &t);
                    continue;
                }
                if (t.len && cb.x0 > w.x1 + 0.25f * ch->size)
                    end_word(ws, &w, &t);
                if (!t.len)
                    w = (word){cb.x0, cb.x1, cb.y0, cb.y1, ch->origin.y - r.y0, ch->size, false};
                char tmp[8];
                int n = c < 0 ? 0 : fz_runetochar(tmp, c);
                sb_addn(&t, c < 0 ? "f" : tmp, c < 0 ? 1 : (size_t)n);
                w.x1 = cb.x1;
                w.y0 = fminf(w.y0, cb.y0);
                w.y1 = fmaxf(w.y1, cb.y1);
                if (ws->n > ALIGN_MAX_WORDS) {
                    sb_free(&t);
                    return false;
                }
            }
            end_word(ws, &w, &t);
        }
    }
    sb_free(&t);
    if (ws->n)
        qsort(ws->v, ws->n, sizeof *ws->v, cmp_word_base);
    for (size_t i = 0; i < ws->n;) {
        size_t j = i + 1;
        while (j < ws->n && ws->v[j].base - ws->v[i].base < 0.4f * ws->v[i].size)
            j++;
        qsort(ws->v + i, j - i, sizeof *ws->v, cmp_word_x);
        row rw = {ws->v[i].y0, ws->v[i].y1, ws->v[i].size, i, j - i, 0, 0};
        for (size_t k = i; k < j; k++) {
            const word *w = &ws->v[k];
            rw.y0 = fminf(rw.y0, w->y0);
            rw.y1 = fmaxf(rw.y1, w->y1);
            bool starts = k == i || w->x0 - ws->v[k - 1].x1 > w->size;
            if (starts)
                rw.segments++;
            if (starts && w->numeric)
                rw.numeric++;
        }
        VEC_PUSH(*rows, rw);
        i = j;
    }
    return true;
}

typedef struct {
    float a, b;
} span;

static int cmp_span(const void *x, const void *y)
{
    const span *p = x, *q = y;
    return p->a < q->a ? -1 : p->a > q->a;
}

/* Column edges of rows[r0..r1): the region's sides and the middle of every gap of at least min_gap points that
 * no segment of those rows crosses. Returns the number of edges written to xs (cap max). */
static int column_edges(const word *ws, const row *rows, size_t r0, size_t r1, float min_gap, float *xs, int max)
{
    VEC(span) sp = {0};
    for (size_t i = r0; i < r1; i++) {
        const row *rw = &rows[i];
        for (size_t k = rw->first; k < rw->first + rw->n; k++) {
            const word *w = &ws[k];
            if (k > rw->first && w->x0 - ws[k - 1].x1 <= w->size)
                sp.v[sp.n - 1].b = w->x1;
            else
                VEC_PUSH(sp, ((span){w->x0, w->x1}));
        }
    }
    int n = 0;
    if (sp.n) {
        qsort(sp.v, sp.n, sizeof *sp.v, cmp_span);
        float lo = sp.v[0].a, hi = sp.v[0].b;
        xs[n++] = lo - 1;
        for (size_t i = 1; i < sp.n && n < max - 1; i++) {
            if (sp.v[i].a - hi >= min_gap)
                xs[n++] = (hi + sp.v[i].a) / 2;
            if (sp.v[i].b > hi)
                hi = sp.v[i].b;
        }
        xs[n++] = hi + 1;
    }
    free(sp.v);
    return n;
}

static bool first_column_empty(const word *ws, const row *rw, float edge)
{
    return ws[rw->first].x0 > edge;
}

/* Builds the table of rows[r0..r1) (header rows: the first `header` of them, merged into one) and adds it. */
static void add_aligned(fz_context *ctx, fz_stext_page *st, fz_rect r, int index, doc_page *p, const word *ws,
                        const row *rows, size_t r0, size_t r1, size_t header, bool join_wrapped, const doc_line *cap,
                        doc_table_vec *found)
{
    float xs[TABLE_MAX_COLS + 2], with_head[TABLE_MAX_COLS + 2];
    /* Columns from the body rows; the headings' words too when they leave the same number of columns (a heading
     * wider than its column then stays whole), else the body's alone (a heading spanning columns). */
    float gap = rows[r0 + header].size * 1.0f;
    int nx = column_edges(ws, rows, r0 + header, r1, gap, xs, TABLE_MAX_COLS + 1);
    if (nx < 3)
        return;
    if (header && column_edges(ws, rows, r0, r1, gap, with_head, TABLE_MAX_COLS + 1) == nx)
        memcpy(xs, with_head, (size_t)nx * sizeof *xs);
    if (header)
        xs[0] = fminf(xs[0], ws[rows[r0].first].x0 - 1);
    float *ys = xmalloc((r1 - r0 + 2) * sizeof *ys);
    int ny = 0;
    ys[ny++] = rows[r0].y0 - 1;
    for (size_t i = r0 + 1; i < r1; i++) {
        if (i < r0 + header)
            continue; /* heading lines make one header row */
        if (i > r0 + header && join_wrapped && first_column_empty(ws, &rows[i], xs[1]))
            continue; /* a wrapped cell goes on */
        ys[ny++] = (rows[i - 1].y1 + rows[i].y0) / 2;
    }
    ys[ny++] = rows[r1 - 1].y1 + 1;
    for (size_t i = r0; i < r1; i++)
        for (size_t k = rows[i].first; k < rows[i].first + rows[i].n; k++)
            xs[nx - 1] = fmaxf(xs[nx - 1], ws[k].x1 + 1);
    doc_table t = {0};
    if (doc_table_fill(ctx, st, r, index, xs, nx, ys, ny, NULL, &t) == 0 && t.ncols >= 2 && t.nrows >= 2) {
        if (header)
            t.header_rows = 1;
        if (cap) {
            char num[24];
            t.caption = xstrdup(cap->text);
            if (doc_table_caption(cap->text, num))
                t.number = xstrdup(num);
        }
        VEC_PUSH(*found, t);
    } else {
        doc_table_free(&t);
    }
    free(ys);
}

static bool caption_taken(const doc_table_vec *found, const doc_line *l)
{
    for (size_t k = 0; k < found->n; k++)
        if (found->v[k].caption && !strcmp(found->v[k].caption, l->text))
            return true;
    return false;
}

void doc_align_tables(fz_context *ctx, fz_stext_page *st, fz_rect r, int index, doc_page *p, doc_table_vec *found)
{
    word_vec ws = {0};
    row_vec rows = {0};
    if (!page_rows(ctx, st, r, found, &ws, &rows)) {
        if (!p->warning)
            p->warning = xasprintf("page %d: over %d words; tables without rules on it were not looked for",
                                   index + 1, ALIGN_MAX_WORDS);
        goto done;
    }
    /* Below captions that no ruled table took. */
    for (size_t i = 0; i < p->nlines; i++) {
        const doc_line *l = &p->lines[i];
        char num[24];
        if (!doc_table_caption(l->text, num) || caption_taken(found, l))
            continue;
        size_t r0 = 0;
        while (r0 < rows.n && rows.v[r0].y0 < l->box.y1 - 1)
            r0++;
        if (r0 < rows.n && rows.v[r0].y1 <= l->box.y1 + 1)
            r0++; /* the caption's own row */
        size_t r1 = r0;
        while (r1 < rows.n && r1 - r0 < ALIGN_MAX_ROWS &&
               (r1 == r0 || rows.v[r1].y0 - rows.v[r1 - 1].y1 < 0.9f * rows.v[r1].size))
            r1++;
        if (r1 - r0 >= 2)
            add_aligned(ctx, st, r, index, p, ws.v, rows.v, r0, r1, 0, true, l, found);
    }
    /* Runs of numeric rows, with the heading lines just above them. */
    for (size_t i = 0; i < rows.n;) {
        const row *rw = &rows.v[i];
        bool num = rw->segments >= 3 && rw->numeric * 10 >= rw->segments * 6 &&
                   !in_boxes(found, ws.v[rw->first].x0, (rw->y0 + rw->y1) / 2);
        if (!num) {
            i++;
            continue;
        }
        size_t j = i + 1;
        while (j < rows.n && j - i < ALIGN_MAX_ROWS && rows.v[j].segments >= 3 &&
               rows.v[j].numeric * 10 >= rows.v[j].segments * 6 && rows.v[j].y0 - rows.v[j - 1].y1 < 3 * rows.v[j].size)
            j++;
        if (j - i >= 4) {
            size_t h = i;
            while (h > 0 && i - h < 4 && rows.v[h - 1].segments >= 2 &&
                   rows.v[h - 1].numeric * 10 < rows.v[h - 1].segments * 6 &&
                   rows.v[h].y0 - rows.v[h - 1].y1 < 1.5f * rows.v[h].size)
                h--;
            /* A caption line among the headings is the caption, not a heading. */
            const doc_line *cap = NULL;
            for (size_t k = 0; k < p->nlines; k++) {
                char n2[24];
                const doc_line *l = &p->lines[k];
                if (doc_table_caption(l->text, n2) && l->box.y1 <= rows.v[i].y0 + 1 &&
                    rows.v[i].y0 - l->box.y1 < 80 && !caption_taken(found, l)) {
                    cap = l;
                    while (h < i && rows.v[h].y1 <= l->box.y1 + 1)
                        h++;
                }
            }
            add_aligned(ctx, st, r, index, p, ws.v, rows.v, h, j, i - h, false, cap, found);
        }
        i = j;
    }
done:
    free(ws.v);
    free(rows.v);
}
