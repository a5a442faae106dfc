/*
 * table_cells.c - the text of a table's cells (doc_table_fill, see table_int.h): every character of the page
 * whose centre lies in the grid goes to the cell under it; the pieces of a cell are read line by line, wrapped
 * lines joined by a space (a word hyphenated at the end of a line stays whole), bullet items on lines of their
 * own. Grid rows and columns that no character falls in (double rules, padding) are dropped.
 */
#include "table_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    float y, x, x1, size;
    const fz_stext_line *line;
    strbuf text;
} frag;

typedef struct {
    VEC(frag) frags;
    int chars, bold;
} cell_acc;

static int slot(const float *edges, int n, float v)
{
    int lo = 0, hi = n - 1; /* edges[lo] <= v < edges[hi] */
    while (hi - lo > 1) {
        int mid = (lo + hi) / 2;
        if (edges[mid] <= v)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

static void put_rune(strbuf *b, int c)
{
    if (c == -2) {
        sb_add(b, "fi");
    } else if (c == -3) {
        sb_add(b, "fl");
    } else {
        char tmp[8];
        int n = fz_runetochar(tmp, c);
        sb_addn(b, tmp, (size_t)n);
    }
}

static int cmp_frag_y(const void *a, const void *b)
{
    const frag *x = a, *y = b;
    return x->y < y->y ? -1 : x->y > y->y;
}

static int cmp_frag_x(const void *a, const void *b)
{
    const frag *x = a, *y = b;
    return x->x < y->x ? -1 : x->x > y->x;
}

static bool ends_with(const strbuf *b, char c)
{
    return b->len && b->s[b->len - 1] == c;
}

/* The pieces of one cell as its text. */
static char *cell_text(cell_acc *a)
{
    frag *f = a->frags.v;
    size_t n = a->frags.n;
    if (n)
        qsort(f, n, sizeof *f, cmp_frag_y);
    strbuf out = {0};
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && f[j].y - f[i].y < 0.5f * f[i].size)
            j++;
        qsort(f + i, j - i, sizeof *f, cmp_frag_x);
        strbuf line = {0};
        for (size_t k = i; k < j; k++) {
            char *t = fa_trim(f[k].text.s ? f[k].text.s : (char *)"");
            if (!*t)
                continue;
            if (line.len)
                sb_addc(&line, ' ');
            sb_add(&line, t);
        }
        if (line.len) {
            bool bullet = strncmp(line.s, "\xe2\x80\xa2", 3) == 0;
            if (out.len) {
                if (bullet)
                    sb_addc(&out, '\n');
                else if (!(ends_with(&out, '-') && out.len >= 2 && out.s[out.len - 2] != ' '))
                    sb_addc(&out, ' ');
            }
            sb_add(&out, line.s);
        }
        sb_free(&line);
        i = j;
    }
    /* One space between words. */
    char *s = sb_take(&out);
    size_t w = 0;
    for (size_t r = 0; s[r]; r++)
        if (!(s[r] == ' ' && (w == 0 || s[w - 1] == ' ' || s[w - 1] == '\n')))
            s[w++] = s[r];
    while (w && s[w - 1] == ' ')
        w--;
    s[w] = 0;
    return s;
}

int doc_table_fill(fz_context *ctx, fz_stext_page *st, fz_rect r, int index, const float *xs, int nx,
                   const float *ys, int ny, const int *owner, doc_table *t)
{
    int ncols = nx - 1, nrows = ny - 1;
    if (ncols < 1 || nrows < 1)
        return -1;
    size_t ncells = (size_t)nrows * (size_t)ncols;
    cell_acc *acc = xcalloc(ncells, sizeof *acc);
    int *row_chars = xcalloc((size_t)nrows, sizeof *row_chars), *col_chars = xcalloc((size_t)ncols, sizeof *col_chars);
    long total = 0;
    for (fz_stext_block *b = st->first_block; b; b = b->next) {
        if (b->type != FZ_STEXT_BLOCK_TEXT)
            continue;
        for (fz_stext_line *l = b->u.t.first_line; l; l = l->next) {
            if (l->wmode != 0 || l->dir.x < 0.9f)
                continue;
            for (fz_stext_char *ch = l->first_char; ch; ch = ch->next) {
                int c = doc_stext_rune(ctx, ch);
                if (c == -1)
                    continue;
                fz_rect cb = fz_rect_from_quad(ch->quad);
                float cx = (cb.x0 + cb.x1) / 2 - r.x0, cy = (cb.y0 + cb.y1) / 2 - r.y0;
                if (cx < xs[0] || cx > xs[nx - 1] || cy < ys[0] || cy > ys[ny - 1])
                    continue;
                int col = slot(xs, nx, cx), row = slot(ys, ny, cy);
                size_t id = owner ? (size_t)owner[row * ncols + col] : (size_t)(row * ncols + col);
                cell_acc *a = &acc[id];
                frag *f = a->frags.n ? &a->frags.v[a->frags.n - 1] : NULL;
                float x0 = cb.x0 - r.x0;
                if (!(f && f->line == l && x0 <= f->x1 + 2 * ch->size)) {
                    if (c == ' ')
                        continue;
                    frag nf = {ch->origin.y - r.y0, x0, x0, ch->size, l, {0}};
                    VEC_PUSH(a->frags, nf);
                    f = &a->frags.v[a->frags.n - 1];
                }
                put_rune(&f->text, c);
                f->x1 = cb.x1 - r.x0;
                if (c != ' ') {
                    a->chars++;
                    if (doc_font_is_bold(ctx, ch->font))
                        a->bold++;
                    row_chars[row]++;
                    col_chars[col]++;
                    total++;
                }
            }
        }
    }
    int rc = -1;
    if (total > 0) {
        /* Rows and columns with text keep their place; the others go. */
        int *new_row = xmalloc((size_t)nrows * sizeof *new_row), *new_col = xmalloc((size_t)ncols * sizeof *new_col);
        int kr = 0, kc = 0;
        for (int i = 0; i < nrows; i++)
            new_row[i] = row_chars[i] ? kr++ : -1;
        for (int j = 0; j < ncols; j++)
            new_col[j] = col_chars[j] ? kc++ : -1;
        /* Each merged cell's extent, in one pass over the grid. */
        int *ext = xmalloc(ncells * 4 * sizeof *ext);
        for (size_t id = 0; id < ncells; id++) {
            ext[4 * id] = nrows;
            ext[4 * id + 1] = -1;
            ext[4 * id + 2] = ncols;
            ext[4 * id + 3] = -1;
        }
        for (size_t g = 0; g < ncells; g++) {
            size_t id = owner ? (size_t)owner[g] : g;
            int gr = new_row[g / (size_t)ncols], gc = new_col[g % (size_t)ncols];
            if (gr < 0 || gc < 0)
                continue;
            int *x = &ext[4 * id];
            if (gr < x[0]) x[0] = gr;
            if (gr > x[1]) x[1] = gr;
            if (gc < x[2]) x[2] = gc;
            if (gc > x[3]) x[3] = gc;
        }
        for (size_t id = 0; id < ncells; id++) {
            const int *x = &ext[4 * id];
            if ((owner && (size_t)owner[id] != id) || x[1] < 0)
                continue;
            doc_cell cell = {x[0], x[2], x[1] - x[0] + 1, x[3] - x[2] + 1, cell_text(&acc[id])};
            VEC_PUSH(t->cells, cell);
        }
        free(ext);
        /* Header rows: leading rows whose cells with text are in bold. */
        t->nrows = kr;
        t->ncols = kc;
        int header = 0;
        for (int row = 0; row < kr && header < 3; row++) {
            bool any = false, all_bold = true;
            for (size_t id = 0; id < ncells && all_bold; id++) {
                if (owner && (size_t)owner[id] != id)
                    continue;
                int gr = (int)(id / (size_t)ncols);
                if (new_row[gr] != row || !acc[id].chars)
                    continue;
                any = true;
                if (acc[id].bold < 0.6 * acc[id].chars)
                    all_bold = false;
            }
            if (!any || !all_bold)
                break;
            header++;
        }
        t->header_rows = header >= kr ? (kr > 1 ? 1 : 0) : header;
        t->page = t->page_end = index;
        t->box = (doc_box){index, xs[0], ys[0], xs[nx - 1], ys[ny - 1]};
        free(new_row);
        free(new_col);
        rc = 0;
    }
    for (size_t id = 0; id < ncells; id++) {
        for (size_t k = 0; k < acc[id].frags.n; k++)
            sb_free(&acc[id].frags.v[k].text);
        free(acc[id].frags.v);
    }
    free(acc);
    free(row_chars);
    free(col_chars);
    return rc;
}

void doc_table_free(doc_table *t)
{
    for (size_t i = 0; i < t->cells.n; i++)
        free(t->cells.v[i].text);
    free(t->cells.v);
    free(t->caption);
    free(t->number);
    memset(t, 0, sizeof *t);
}
