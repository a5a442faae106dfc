/*
 * tft.c - tabular firing tables: pages whose tables are a TFT (doc_find_firing_tables) and the interpolation an
 * FDC performs on them (doc_tft_lookup).
 *
 * A table is a TFT when its headings name a range column, an elevation (or quadrant elevation) column and at
 * least one of fuze setting, time of flight or drift, the columns of TFT Table F (FT 155-AM-2 and the like).
 * The weapon, projectile and charge come from the page's title lines ("CANNON, 155MM HOWITZER, M777A2",
 * "PROJ, HE, M107", "CHARGE 4G"). A firing table continued on the next pages (the same weapon, projectile,
 * charge and columns) is one table.
 */
#include "doc.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static bool has(const char *h, const char *word)
{
    return strcasestr(h, word) != NULL;
}

/* The key of a column from its heading. */
static char *column_key(const char *h)
{
    if (has(h, "range"))
        return xstrdup("range_m");
    if (has(h, "elev") || has(h, "quadrant") || !strncasecmp(h, "QE", 2))
        return xstrdup("elevation_mils");
    if (has(h, "fuze") || !strncasecmp(h, "FS", 2))
        return xstrdup("fuze_setting");
    if (has(h, "time of flight") || has(h, "time of") || !strncasecmp(h, "TOF", 3))
        return xstrdup("tof_s");
    if (has(h, "drift"))
        return xstrdup("drift_mils");
    if (has(h, "max ord"))
        return xstrdup("max_ord_m");
    char *k = xstrdup(h);
    for (char *p = k; *p; p++)
        *p = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '_';
    return k;
}

/* A number filling the whole cell ("-0.0", "4.7", "1,234"), else NAN. */
static double cell_number(const char *s)
{
    char buf[64];
    size_t n = 0;
    for (; *s && n < sizeof buf - 1; s++)
        if (*s != ',' && *s != ' ')
            buf[n++] = *s;
    buf[n] = 0;
    if (!n)
        return NAN;
    char *end;
    double v = strtod(buf, &end);
    return *end ? NAN : v;
}

/* The word after `word` in the page's lines outside tables ("CHARGE 4G" -> "4G"). */
static char *word_after(const doc_page *p, const char *const *words, size_t nwords)
{
    for (size_t i = 0; i < p->nlines; i++) {
        if (p->lines[i].in_table)
            continue;
        for (size_t w = 0; w < nwords; w++) {
            const char *t = p->lines[i].text, *at;
            while ((at = strcasestr(t, words[w]))) {
                bool starts = at == p->lines[i].text || !isalnum((unsigned char)at[-1]);
                const char *q = at + strlen(words[w]);
                t = q;
                if (!starts || isalnum((unsigned char)*q))
                    continue;
                while (*q == ' ' || *q == ':' || *q == ',')
                    q++;
                size_t n = 0;
                while (q[n] && !isspace((unsigned char)q[n]) && q[n] != ',')
                    n++;
                if (n)
                    return xstrndup(q, n);
            }
        }
    }
    return NULL;
}

/* A model designation ("M777A2", "M107") in a page line that holds one of the words. */
static char *model_in(const doc_page *p, const char *const *words, size_t nwords)
{
    for (size_t i = 0; i < p->nlines; i++) {
        const char *t = p->lines[i].text;
        bool hit = false;
        for (size_t w = 0; w < nwords && !hit; w++)
            hit = has(t, words[w]);
        if (!hit || p->lines[i].in_table)
            continue;
        /* The designation nearest after the word. */
        const char *from = NULL;
        for (size_t w = 0; w < nwords && !from; w++)
            from = strcasestr(t, words[w]);
        for (const char *q = from; *q; q++)
            if (*q == 'M' && isdigit((unsigned char)q[1]) && (q == t || !isalnum((unsigned char)q[-1]))) {
                size_t n = 1;
                while (isalnum((unsigned char)q[n]))
                    n++;
                return xstrndup(q, n);
            }
    }
    return NULL;
}

static bool same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcasecmp(a, b));
}

/* The firing table of one page's table, or false when it is not a TFT. */
static bool read_tft(const doc_page *p, int index, const doc_table *t, doc_firing_table *out)
{
    if (t->header_rows < 1 || t->ncols < 3)
        return false;
    char **head = xcalloc((size_t)t->ncols, sizeof *head);
    for (int k = 0; k < t->ncols; k++) {
        strbuf b = {0};
        for (size_t i = 0; i < t->cells.n; i++) {
            const doc_cell *c = &t->cells.v[i];
            if (c->row < t->header_rows && c->col <= k && c->col + c->colspan > k && c->text[0]) {
                if (b.len)
                    sb_addc(&b, ' ');
                sb_add(&b, c->text);
            }
        }
        head[k] = sb_take(&b);
        for (char *q = head[k]; *q; q++)
            if (*q == '\n')
                *q = ' ';
    }
    int range = -1, elev = -1, other = 0;
    for (int k = 0; k < t->ncols; k++) {
        if (range < 0 && has(head[k], "range"))
            range = k;
        else if (elev < 0 && (has(head[k], "elev") || has(head[k], "quadrant") || !strncasecmp(head[k], "QE", 2)))
            elev = k;
        else if (has(head[k], "fuze") || !strncasecmp(head[k], "FS", 2) || has(head[k], "time of") ||
                 !strncasecmp(head[k], "TOF", 3) || has(head[k], "drift"))
            other++;
    }
    if (range < 0 || elev < 0 || !other) {
        for (int k = 0; k < t->ncols; k++)
            free(head[k]);
        free(head);
        return false;
    }
    memset(out, 0, sizeof *out);
    out->page = out->page_end = index;
    out->ncols = t->ncols;
    out->headings = head;
    out->keys = xcalloc((size_t)t->ncols, sizeof *out->keys);
    for (int k = 0; k < t->ncols; k++)
        out->keys[k] = column_key(head[k]);
    out->range_col = range;
    int body = t->nrows - t->header_rows;
    out->values = xmalloc((size_t)(body > 0 ? body : 1) * (size_t)t->ncols * sizeof *out->values);
    for (int i = 0; i < body * t->ncols; i++)
        out->values[i] = NAN;
    for (size_t i = 0; i < t->cells.n; i++) {
        const doc_cell *c = &t->cells.v[i];
        if (c->row >= t->header_rows)
            out->values[(size_t)(c->row - t->header_rows) * (size_t)t->ncols + (size_t)c->col] = cell_number(c->text);
    }
    /* Rows without a range are notes, not data. */
    int kept = 0;
    for (int r = 0; r < body; r++)
        if (!isnan(out->values[(size_t)r * (size_t)t->ncols + (size_t)range])) {
            memmove(out->values + (size_t)kept * (size_t)t->ncols, out->values + (size_t)r * (size_t)t->ncols,
                    (size_t)t->ncols * sizeof *out->values);
            kept++;
        }
    out->nrows = kept;
    static const char *const charge_words[] = {"CHARGE", "CHG"};
    static const char *const proj_words[] = {"PROJ"};
    static const char *const weapon_words[] = {"HOWITZER", "CANNON", "WEAPON", "MORTAR"};
    out->charge = word_after(p, charge_words, 2);
    out->projectile = model_in(p, proj_words, 1);
    out->weapon = model_in(p, weapon_words, 4);
    return kept > 0;
}

static int cmp_rows(const void *a, const void *b, void *col)
{
    int c = *(const int *)col;
    double x = ((const double *)a)[c], y = ((const double *)b)[c];
    return x < y ? -1 : x > y;
}

void doc_find_firing_tables(doc_document *d)
{
    for (int pi = 0; pi < d->npages; pi++) {
        const doc_page *p = &d->pages[pi];
        for (size_t k = 0; k < p->ntables; k++) {
            doc_firing_table ft;
            if (!read_tft(p, pi, &p->tables[k], &ft))
                continue;
            doc_firing_table *prev = d->firing_tables.n ? &d->firing_tables.v[d->firing_tables.n - 1] : NULL;
            bool continues = prev && prev->page_end + 1 >= pi && prev->ncols == ft.ncols && same(prev->charge, ft.charge) &&
                             same(prev->weapon, ft.weapon) && same(prev->projectile, ft.projectile);
            for (int c = 0; continues && c < ft.ncols; c++)
                continues = !strcmp(prev->keys[c], ft.keys[c]);
            if (continues) {
                size_t n = (size_t)ft.ncols;
                prev->values = xrealloc(prev->values, (size_t)(prev->nrows + ft.nrows) * n * sizeof *prev->values);
                memcpy(prev->values + (size_t)prev->nrows * n, ft.values, (size_t)ft.nrows * n * sizeof *ft.values);
                prev->nrows += ft.nrows;
                prev->page_end = pi;
                doc_firing_table_free(&ft);
            } else {
                VEC_PUSH(d->firing_tables, ft);
            }
        }
    }
    /* Rows ascending by range, for the lookup. */
    for (size_t i = 0; i < d->firing_tables.n; i++) {
        doc_firing_table *t = &d->firing_tables.v[i];
        bool sorted = true;
        for (int r = 1; r < t->nrows && sorted; r++)
            sorted = t->values[(size_t)r * (size_t)t->ncols + (size_t)t->range_col] >=
                     t->values[(size_t)(r - 1) * (size_t)t->ncols + (size_t)t->range_col];
        if (!sorted)
            qsort_r(t->values, (size_t)t->nrows, (size_t)t->ncols * sizeof *t->values, cmp_rows, &t->range_col);
    }
}

int doc_tft_lookup(const doc_firing_table *t, double range_m, double *out, int *lo, int *hi, fa_err *e)
{
    size_t n = (size_t)t->ncols;
    if (t->nrows < 1)
        return fa_fail(e, "the firing table has no rows");
    double first = t->values[t->range_col], last = t->values[(size_t)(t->nrows - 1) * n + (size_t)t->range_col];
    if (!(range_m >= first && range_m <= last))
        return fa_fail(e, "range %.0f m is outside the firing table (%.0f to %.0f m); use another charge", range_m,
                       first, last);
    int a = 0;
    while (a + 1 < t->nrows && t->values[(size_t)(a + 1) * n + (size_t)t->range_col] <= range_m)
        a++;
    int b = t->values[(size_t)a * n + (size_t)t->range_col] == range_m || a + 1 >= t->nrows ? a : a + 1;
    *lo = a;
    *hi = b;
    double ra = t->values[(size_t)a * n + (size_t)t->range_col], rb = t->values[(size_t)b * n + (size_t)t->range_col];
    double f = b == a || rb == ra ? 0 : (range_m - ra) / (rb - ra);
    /* Linear interpolation between the bracketing rows, column by column (TC 3-09.81: interpolate firing data
     * for the chart range between the two listed ranges that bracket it). */
    for (size_t k = 0; k < n; k++) {
        double va = t->values[(size_t)a * n + k], vb = t->values[(size_t)b * n + k];
        out[k] = (int)k == t->range_col ? range_m : f == 0 ? va : va + f * (vb - va);
    }
    return 0;
}

void doc_firing_table_free(doc_firing_table *t)
{
    for (int k = 0; k < t->ncols; k++) {
        free(t->headings ? t->headings[k] : NULL);
        free(t->keys ? t->keys[k] : NULL);
    }
    free(t->headings);
    free(t->keys);
    free(t->values);
    free(t->weapon);
    free(t->projectile);
    free(t->charge);
    memset(t, 0, sizeof *t);
}
