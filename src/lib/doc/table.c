/*
 * table.c - tables from ruling lines (doc_find_tables, see graphics.h).
 *
 * The rules a page draws (graphics.c) are merged, grouped into connected frames, and each frame becomes a grid:
 * its distinct vertical rules are the column edges and its horizontal rules the row edges. Two neighbouring grid
 * cells with no rule between them are one cell, which gives spanning cells; every character of the page falls
 * into the cell under its centre, so a cell's wrapped lines stay together (multi-line cells). Leading rows in
 * bold head the columns; the caption ("Table 2-1. ...") is the line just above the frame (or below it).
 * Pages without a ruled table fall back to the alignment of their words (table_align.c).
 *
 * Work is bounded: pages over GFX_MAX_PATHS paths are not examined, frames over TABLE_MAX_COLS columns or
 * TABLE_MAX_ROWS rows are skipped, each with the reason in the page's warning.
 */
#include "table_int.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SNAP 2.5f      /* rules this close (points) are one edge */
#define TOUCH 1.5f     /* a horizontal and a vertical rule this close touch (a frame 1.7 points off does not) */

bool doc_table_caption(const char *s, char num[24])
{
    /* The introduction's table of new and modified terms: "Introductory table." or "Introductory Table-1." */
    if (strncasecmp(s, "Introductory table", 18) == 0) {
        const char *p = s + 18;
        if ((*p == '-' || *p == ' ') && isdigit((unsigned char)p[1]))
            snprintf(num, 24, "Intro-%d", atoi(p + 1));
        else if (*p == '.' || *p == ' ')
            snprintf(num, 24, "Intro");
        else
            return false;
        return true;
    }
    if (strncmp(s, "Table ", 6) != 0)
        return false;
    const char *p = s + 6;
    size_t n = 0;
    while (p[n] && (isalnum((unsigned char)p[n]) || p[n] == '-' || p[n] == '.') && n < 20)
        n++;
    while (n && p[n - 1] == '.')
        n--;
    /* "2-1", "A-3", "B-12": a chapter or appendix, a dash, a number. */
    const char *dash = memchr(p, '-', n);
    if (!dash || dash == p || (size_t)(dash - p) > 2 || !isdigit((unsigned char)dash[1]))
        return false;
    memcpy(num, p, n);
    num[n] = 0;
    return true;
}

static bool figure_caption(const char *s)
{
    return strncmp(s, "Figure ", 7) == 0 && (isdigit((unsigned char)s[7]) || isupper((unsigned char)s[7])) &&
           strchr(s + 7, '-') != NULL;
}

static int cmp_hseg(const void *a, const void *b)
{
    const fz_rect *x = a, *y = b;
    if (x->y0 != y->y0)
        return x->y0 < y->y0 ? -1 : 1;
    return x->x0 < y->x0 ? -1 : x->x0 > y->x0;
}

static int cmp_vseg(const void *a, const void *b)
{
    const fz_rect *x = a, *y = b;
    if (x->x0 != y->x0)
        return x->x0 < y->x0 ? -1 : 1;
    return x->y0 < y->y0 ? -1 : x->y0 > y->y0;
}

/* Joins rules on one line that overlap or nearly meet (a rule drawn cell by cell is one rule). */
static size_t merge_rules(fz_rect *v, size_t n, bool horizontal)
{
    if (n)
        qsort(v, n, sizeof *v, horizontal ? cmp_hseg : cmp_vseg);
    size_t out = 0;
    for (size_t i = 0; i < n; i++) {
        if (out) {
            fz_rect *l = &v[out - 1];
            bool same_line = horizontal ? fabsf(v[i].y0 - l->y0) < 1.0f : fabsf(v[i].x0 - l->x0) < 1.0f;
            bool meets = horizontal ? v[i].x0 <= l->x1 + 1.5f : v[i].y0 <= l->y1 + 1.5f;
            if (same_line && meets) {
                if (horizontal)
                    l->x1 = fmaxf(l->x1, v[i].x1);
                else
                    l->y1 = fmaxf(l->y1, v[i].y1);
                continue;
            }
        }
        v[out++] = v[i];
    }
    return out;
}

static int uf_find(int *parent, int i)
{
    while (parent[i] != i) {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    return i;
}

static void uf_union(int *parent, int a, int b)
{
    a = uf_find(parent, a);
    b = uf_find(parent, b);
    if (a != b)
        parent[a > b ? a : b] = a < b ? a : b;
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return x < y ? -1 : x > y;
}

/* Sorted positions with those closer than SNAP merged into their mean. */
static int cluster(float *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_float);
    int out = 0;
    float sum = 0;
    int cnt = 0;
    for (int i = 0; i < n; i++) {
        if (cnt && v[i] - sum / cnt > SNAP) {
            v[out++] = sum / cnt;
            sum = 0;
            cnt = 0;
        }
        sum += v[i];
        cnt++;
    }
    if (cnt)
        v[out++] = sum / cnt;
    return out;
}

/* Whether a rule at position pos (x for vertical rules) covers most of [a, b] along the other axis. */
static bool has_rule(const fz_rect *v, const int *ids, int nids, bool vertical, float pos, float a, float b)
{
    float slack = 0.2f * (b - a);
    for (int k = 0; k < nids; k++) {
        const fz_rect *s = &v[ids[k]];
        if (vertical ? fabsf(s->x0 - pos) <= SNAP && s->y0 <= a + slack && s->y1 >= b - slack
                     : fabsf(s->y0 - pos) <= SNAP && s->x0 <= a + slack && s->x1 >= b - slack)
            return true;
    }
    return false;
}

static void set_warning(doc_page *p, const char *msg)
{
    if (!p->warning)
        p->warning = xstrdup(msg);
}

/* The caption line of a table box: the nearest "Table N-N." line within 36 points above it (or below it). */
const doc_line *doc_table_caption_line(const doc_page *p, fz_rect box, bool *figure)
{
    const doc_line *best = NULL;
    float best_d = 37;
    *figure = false;
    for (size_t i = 0; i < p->nlines; i++) {
        const doc_line *l = &p->lines[i];
        char num[24];
        bool tab = doc_table_caption(l->text, num), fig = !tab && figure_caption(l->text);
        if (!tab && !fig)
            continue;
        if (l->box.x1 < box.x0 || l->box.x0 > box.x1)
            continue;
        float d = l->box.y1 <= box.y0 + 3 ? box.y0 - l->box.y1 : l->box.y0 >= box.y1 - 3 ? l->box.y0 - box.y1 : 99;
        if (d < 0)
            d = 0;
        if (l->box.y1 <= box.y0 + 3 && tab)
            d -= 10; /* a table's caption is above it: prefer that one */
        if (d < best_d) {
            best_d = d;
            best = l;
        }
    }
    if (best && figure_caption(best->text)) {
        *figure = true;
        return NULL;
    }
    return best;
}

static void add_ruled(fz_context *ctx, fz_stext_page *st, fz_rect r, int index, const doc_gfx *g, fz_rect *hs,
                      fz_rect *vs, const int *hid, int nh, const int *vid, int nv, doc_page *p, doc_table_vec *out)
{
    fz_rect box = fz_empty_rect;
    float *xs = xmalloc((size_t)(nv + 2) * sizeof *xs), *ys = xmalloc((size_t)(nh + 2) * sizeof *ys);
    for (int k = 0; k < nh; k++)
        box = fz_union_rect(box, hs[hid[k]]);
    for (int k = 0; k < nv; k++)
        box = fz_union_rect(box, vs[vid[k]]);
    int nx = 0, ny = 0;
    for (int k = 0; k < nv; k++)
        xs[nx++] = vs[vid[k]].x0;
    xs[nx++] = box.x0;
    xs[nx++] = box.x1;
    for (int k = 0; k < nh; k++)
        ys[ny++] = hs[hid[k]].y0;
    ys[ny++] = box.y0;
    ys[ny++] = box.y1;
    nx = cluster(xs, nx);
    ny = cluster(ys, ny);
    int ncols = nx - 1, nrows = ny - 1;
    if (box.x1 - box.x0 < 30 || box.y1 - box.y0 < 10 || ncols < 1 || nrows < 1)
        goto done;
    if (ncols > TABLE_MAX_COLS || nrows > TABLE_MAX_ROWS) {
        char msg[160];
        snprintf(msg, sizeof msg, "page %d: a ruled table of %d rows and %d columns is over the limit (%d x %d); "
                 "it was not read as a table", index + 1, nrows, ncols, TABLE_MAX_ROWS, TABLE_MAX_COLS);
        set_warning(p, msg);
        goto done;
    }
    bool is_figure;
    const doc_line *cap = doc_table_caption_line(p, box, &is_figure);
    if (is_figure)
        goto done; /* a boxed diagram */
    if (!cap && (ncols < 2 || nrows < 2))
        goto done; /* a boxed note or a panel */
    int *owner = xmalloc((size_t)nrows * (size_t)ncols * sizeof *owner);
    for (int i = 0; i < nrows * ncols; i++)
        owner[i] = i;
    for (int i = 0; i < nrows; i++)
        for (int j = 0; j + 1 < ncols; j++)
            if (!has_rule(vs, vid, nv, true, xs[j + 1], ys[i], ys[i + 1]))
                uf_union(owner, i * ncols + j, i * ncols + j + 1);
    for (int i = 0; i + 1 < nrows; i++)
        for (int j = 0; j < ncols; j++)
            if (!has_rule(hs, hid, nh, false, ys[i + 1], xs[j], xs[j + 1]))
                uf_union(owner, i * ncols + j, (i + 1) * ncols + j);
    for (int i = 0; i < nrows * ncols; i++)
        owner[i] = uf_find(owner, i);
    doc_table t = {0};
    t.ruled = true;
    if (doc_table_fill(ctx, st, r, index, xs, nx, ys, ny, owner, &t) == 0 && (cap || t.cells.n >= 2)) {
        if (cap) {
            char num[24];
            t.caption = xstrdup(cap->text);
            if (doc_table_caption(cap->text, num))
                t.number = xstrdup(num);
        }
        VEC_PUSH(*out, t);
    } else {
        doc_table_free(&t);
    }
    free(owner);
done:
    free(xs);
    free(ys);
    (void)g;
}

void doc_find_tables(fz_context *ctx, fz_stext_page *st, fz_rect r, int index, const doc_gfx *g, doc_page *p)
{
    doc_table_vec found = {0};
    if (g->capped) {
        char msg[200];
        snprintf(msg, sizeof msg, "page %d: over %d vector paths or %d rules; tables and figures on it were not "
                 "looked for", index + 1, GFX_MAX_PATHS, GFX_MAX_SEGMENTS);
        set_warning(p, msg);
        return;
    }
    size_t nh = g->hseg.n, nv = g->vseg.n;
    fz_rect *hs = xmalloc((nh + 1) * sizeof *hs), *vs = xmalloc((nv + 1) * sizeof *vs);
    if (nh)
        memcpy(hs, g->hseg.v, nh * sizeof *hs);
    if (nv)
        memcpy(vs, g->vseg.v, nv * sizeof *vs);
    nh = merge_rules(hs, nh, true);
    nv = merge_rules(vs, nv, false);
    if (nh >= 2 && nv >= 2 && (double)nh * (double)nv > 4e6) {
        char msg[160];
        snprintf(msg, sizeof msg, "page %d: %zu horizontal and %zu vertical rules are too many to read as tables",
                 index + 1, nh, nv);
        set_warning(p, msg);
    } else if (nh >= 2 && nv >= 2) {
        /* Frames: rules that touch, joined. Horizontal rules are 0..nh-1, vertical ones nh.. */
        int n = (int)(nh + nv);
        int *parent = xmalloc((size_t)n * sizeof *parent);
        for (int i = 0; i < n; i++)
            parent[i] = i;
        for (size_t a = 0; a < nh; a++)
            for (size_t b = 0; b < nv; b++)
                if (vs[b].x0 >= hs[a].x0 - TOUCH && vs[b].x0 <= hs[a].x1 + TOUCH && hs[a].y0 >= vs[b].y0 - TOUCH &&
                    hs[a].y0 <= vs[b].y1 + TOUCH)
                    uf_union(parent, (int)a, (int)(nh + b));
        int *hid = xmalloc(nh * sizeof *hid), *vid = xmalloc(nv * sizeof *vid);
        for (int root = 0; root < n; root++) {
            if (uf_find(parent, root) != root)
                continue;
            int ch = 0, cv = 0;
            for (size_t a = 0; a < nh; a++)
                if (uf_find(parent, (int)a) == root)
                    hid[ch++] = (int)a;
            for (size_t b = 0; b < nv; b++)
                if (uf_find(parent, (int)(nh + b)) == root)
                    vid[cv++] = (int)b;
            if (ch >= 2 && cv >= 2)
                add_ruled(ctx, st, r, index, g, hs, vs, hid, ch, vid, cv, p, &found);
        }
        free(hid);
        free(vid);
        free(parent);
    }
    free(hs);
    free(vs);
    doc_align_tables(ctx, st, r, index, p, &found);
    /* Lines inside a table are read through it. */
    for (size_t k = 0; k < found.n; k++) {
        const doc_box *b = &found.v[k].box;
        for (size_t i = 0; i < p->nlines; i++) {
            doc_line *l = &p->lines[i];
            float cx = (l->box.x0 + l->box.x1) / 2, cy = (l->box.y0 + l->box.y1) / 2;
            if (cx >= b->x0 && cx <= b->x1 && cy >= b->y0 && cy <= b->y1)
                l->in_table = true;
        }
    }
    p->tables = found.v;
    p->ntables = found.n;
}
