/*
 * terms.c - acronyms and their expansions, for query expansion and `define`:
 *   - glossary sections titled "Acronyms and Abbreviations": the term in the left column, the expansion on the
 *     same row to its right (paired by baseline, since PDF producers split the two columns into separate blocks);
 *   - first-use definitions in running text, "fire support coordination measure (FSCM)", accepted only when the
 *     initials of the words before the parenthesis spell the acronym.
 */
#include "doc.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void doc_extract_terms(doc_document *d);

static bool acronym_like(const char *s, size_t n)
{
    if (n < 2 || n > 12)
        return false;
    int upper = 0, letters = 0, digits = 0;
    if (n == 7 && !strncmp(s, "SECTION", 7))
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (isupper(c)) upper++;
        if (isalpha(c)) letters++;
        if (isdigit(c)) digits++;
        if (!isalnum(c) && c != '-' && c != '/' && c != '&' && c != '.')
            return false;
    }
    return (upper >= 2 || (upper == 1 && digits)) && upper * 2 >= letters && isupper((unsigned char)s[0]);
}

static void add_term(doc_document *d, const char *term, size_t tn, const char *exp, int page, bool glossary)
{
    char *e = fa_trim(xstrdup(exp));
    size_t n = strlen(e);
    while (n && (e[n - 1] == '.' || e[n - 1] == ','))
        e[--n] = 0;
    if (n < 3 || n > 160 || !isalpha((unsigned char)e[0])) {
        free(e);
        return;
    }
    for (size_t i = 0; i < d->terms.n; i++)
        if (strlen(d->terms.v[i].term) == tn && !strncmp(d->terms.v[i].term, term, tn) &&
            !strcasecmp(d->terms.v[i].expansion, e)) {
            free(e);
            return;
        }
    doc_term t = {xstrndup(term, tn), e, page, glossary};
    VEC_PUSH(d->terms, t);
}

static bool is_small_word(const char *w, size_t n)
{
    static const char *small[] = {"of", "and", "the", "for", "to", "in", "on", "a", "an", "or", "with", "by", "at"};
    for (size_t i = 0; i < sizeof small / sizeof small[0]; i++)
        if (strlen(small[i]) == n && !strncasecmp(w, small[i], n))
            return true;
    return false;
}

void doc_find_first_use(const char *text, void (*fn)(const char *, const char *, void *), void *arg)
{
    for (const char *open = strchr(text, '('); open; open = strchr(open + 1, '(')) {
        const char *close = strchr(open, ')');
        if (!close)
            return;
        size_t an = (size_t)(close - open - 1);
        const char *abbr = open + 1;
        if (!acronym_like(abbr, an))
            continue;
        /* Letters of the acronym to match, in order. */
        char letters[16];
        size_t nl = 0;
        for (size_t i = 0; i < an && nl < sizeof letters - 1; i++)
            if (isupper((unsigned char)abbr[i]))
                letters[nl++] = (char)tolower((unsigned char)abbr[i]);
        letters[nl] = 0;
        /* Walk back over words, matching initials from the last letter. */
        const char *p = open;
        while (p > text && p[-1] == ' ')
            p--;
        const char *start = NULL;
        size_t want = nl;
        int words = 0;
        while (want > 0 && p > text && words < 12) {
            const char *we = p;
            const char *ws = p;
            while (ws > text && (isalpha((unsigned char)ws[-1]) || ws[-1] == '-' || ws[-1] == '\''))
                ws--;
            if (ws == we)
                break;
            size_t wn = (size_t)(we - ws);
            words++;
            char first = (char)tolower((unsigned char)ws[0]);
            /* A hyphenated word may supply two letters ("air-to-surface" -> AS). */
            const char *h = memchr(ws, '-', wn);
            if (first == letters[want - 1] && h && want >= 2 && tolower((unsigned char)h[1]) == letters[want - 1] &&
                tolower((unsigned char)ws[0]) == letters[want - 2]) {
                want -= 2;
                start = ws;
            } else if (first == letters[want - 1]) {
                want--;
                start = ws;
            } else if (!is_small_word(ws, wn)) {
                break;
            }
            p = ws;
            while (p > text && p[-1] == ' ')
                p--;
        }
        if (want == 0 && start) {
            char *exp = xstrndup(start, (size_t)(open - start));
            char *ab = xstrndup(abbr, an);
            fn(ab, fa_trim(exp), arg);
            free(exp);
            free(ab);
        }
    }
}

typedef struct { doc_document *d; int page; } first_use_ctx;

static void on_first_use(const char *abbr, const char *exp, void *arg)
{
    first_use_ctx *c = arg;
    add_term(c->d, abbr, strlen(abbr), exp, c->page, false);
}

static bool is_acronym_heading(const char *t)
{
    return strcasestr(t, "acronyms") != NULL || strcasestr(t, "abbreviations") != NULL;
}

/* Glossary acronym section: from its heading to the "terms" section heading (Section II) or 30 pages on. */
static void parse_glossary(doc_document *d)
{
    for (int pi = 0; pi < d->npages; pi++) {
        doc_page *p = &d->pages[pi];
        bool in_section = false;
        for (size_t i = 0; i < p->nlines; i++)
            if (is_acronym_heading(p->lines[i].text) && p->lines[i].bold && strlen(p->lines[i].text) < 60)
                in_section = true;
        if (!in_section)
            continue;
        /* This page and the following ones until a "terms" section heading. */
        for (int pj = pi; pj < d->npages; pj++) {
            doc_page *q = &d->pages[pj];
            bool started = pj > pi, stop = false;
            for (size_t i = 0; i < q->nlines && !stop; i++) {
                doc_line *l = &q->lines[i];
                if (l->dropped)
                    continue;
                if (!started) {
                    if (is_acronym_heading(l->text))
                        started = true;
                    continue;
                }
                if (l->bold && (strcasestr(l->text, "terms") || strcasestr(l->text, "section ii")) &&
                    strlen(l->text) < 40) {
                    stop = true;
                    break;
                }
                const char *t = l->text;
                size_t tn = strcspn(t, " ");
                /* Terms may be left- or right-aligned in their column; what marks one is an acronym-shaped
                 * first word in the left half of the page. */
                if (!acronym_like(t, tn) || l->box.x0 > q->width / 2)
                    continue;
                if (t[tn] == ' ' && strlen(t + tn) > 3) {
                    add_term(d, t, tn, t + tn + 1, pj, true);
                    continue;
                }
                /* The expansion is a separate line on the same baseline, to the right. */
                for (size_t k = 0; k < q->nlines; k++) {
                    doc_line *m = &q->lines[k];
                    if (m == l || m->box.x0 <= l->box.x1 || fabsf(m->box.y1 - l->box.y1) > 2.5f)
                        continue;
                    add_term(d, t, tn, m->text, pj, true);
                    break;
                }
            }
            if (stop)
                return;
            if (pj > pi + 30)
                return;
        }
        return;
    }
}

void doc_extract_terms(doc_document *d)
{
    parse_glossary(d);
    for (size_t i = 0; i < d->units.n; i++) {
        const doc_unit *u = &d->units.v[i];
        if (u->kind != UNIT_TEXT || !strchr(u->text, '('))
            continue;
        first_use_ctx c = {d, u->boxes.n ? u->boxes.v[0].page : 0};
        doc_find_first_use(u->text, on_first_use, &c);
    }
}
