/*
 * meta.c - publication id, title, date, distribution statement and supersedes line from a manual's cover and
 * title pages (the first four pages), with the PDF's own Title and the file name as fall-backs.
 */
#include "doc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void doc_extract_meta(doc_document *d);

static const char *months[] = {"january", "february", "march", "april", "may", "june", "july",
                               "august", "september", "october", "november", "december"};

/* Publication series, longest first so "ADRP" is tried before "ADP". */
static const char *series[] = {"DA PAM", "ADRP", "ATTP", "FMI", "ADP", "ATP", "GTA", "FM", "TC", "TM", "JP",
                               "AR", "ST"};

/* Parses a publication number like 3-19, 1-0.1, 3-09.30, 1 at s; returns its length (0 if none). */
static size_t pub_number(const char *s)
{
    size_t i = 0;
    if (!isdigit((unsigned char)s[0]))
        return 0;
    while (isdigit((unsigned char)s[i]) || ((s[i] == '-' || s[i] == '.') && isdigit((unsigned char)s[i + 1])))
        i++;
    if (isalpha((unsigned char)s[i]) && !isspace((unsigned char)s[i]))
        return 0;
    return i;
}

bool doc_find_publication(const char *s, char out[64])
{
    for (const char *p = s; *p; p++) {
        if (p != s && isalnum((unsigned char)p[-1]))
            continue;
        for (size_t k = 0; k < sizeof series / sizeof series[0]; k++) {
            size_t n = strlen(series[k]);
            if (strncmp(p, series[k], n) != 0)
                continue;
            const char *q = p + n;
            while (*q == ' ' || *q == '\t')
                q++;
            size_t m = pub_number(q);
            if (m && m < 40) {
                snprintf(out, 64, "%s %.*s", series[k], (int)m, q);
                return true;
            }
        }
        /* Reports: BRL-MR-3810, BRL-TR-2345 */
        if (isupper((unsigned char)p[0])) {
            const char *q = p;
            int dashes = 0;
            while (isupper((unsigned char)*q) || (*q == '-' && dashes < 3 && ++dashes))
                q++;
            size_t m = pub_number(q);
            if (dashes >= 2 && q[-1] == '-' && m && q - p >= 5 && q - p < 20) {
                snprintf(out, 64, "%.*s%.*s", (int)(q - p), p, (int)m, q);
                return true;
            }
        }
    }
    /* "Field Manual No. 3-55" on title pages. */
    const char *fm = strstr(s, "Field Manual");
    if (fm) {
        const char *q = fm + 12;
        while (*q && !isdigit((unsigned char)*q) && q - fm < 24)
            q++;
        size_t m = pub_number(q);
        if (m) {
            snprintf(out, 64, "FM %.*s", (int)m, q);
            return true;
        }
    }
    return false;
}

/* Finds "[D ]Month YYYY" in s; writes it normalised ("31 July 2019") and returns whether a day was present. */
static int find_date(const char *s, char out[40])
{
    for (const char *p = s; *p; p++) {
        if (p != s && isalpha((unsigned char)p[-1]))
            continue;
        for (int m = 0; m < 12; m++) {
            size_t n = strlen(months[m]);
            if (strncasecmp(p, months[m], n) != 0 || isalpha((unsigned char)p[n]))
                continue;
            const char *q = p + n;
            while (*q == ' ' || *q == ',')
                q++;
            if (!(isdigit((unsigned char)q[0]) && isdigit((unsigned char)q[1]) && isdigit((unsigned char)q[2]) &&
                  isdigit((unsigned char)q[3])) || isdigit((unsigned char)q[4]))
                continue;
            int day = 0;
            const char *b = p;
            while (b > s && b[-1] == ' ')
                b--;
            if (b > s && isdigit((unsigned char)b[-1])) {
                const char *c = b - 1;
                while (c > s && isdigit((unsigned char)c[-1]))
                    c--;
                day = atoi(c);
                if (day < 1 || day > 31 || (c > s && isalnum((unsigned char)c[-1])))
                    day = 0;
            }
            char month[16];
            snprintf(month, sizeof month, "%s", months[m]);
            month[0] = (char)toupper((unsigned char)month[0]);
            if (day)
                snprintf(out, 40, "%d %s %.4s", day, month, q);
            else
                snprintf(out, 40, "%s %.4s", month, q);
            return day ? 2 : 1;
        }
    }
    return 0;
}

/* "FIRES" -> "Fires"; mixed-case titles are kept as printed. */
static char *title_case(const char *s)
{
    bool any_lower = false;
    for (const char *p = s; *p; p++)
        if (islower((unsigned char)*p))
            any_lower = true;
    char *t = xstrdup(s);
    if (any_lower)
        return t;
    static const char *small[] = {"and", "of", "the", "for", "in", "on", "to", "a", "an", "or", "with"};
    bool start = true;
    for (char *p = t; *p; p++) {
        if (isalpha((unsigned char)*p) && start) {
            size_t n = 0;
            while (isalpha((unsigned char)p[n]))
                n++;
            bool is_small = false;
            /* Small words stay lower case, except first in the title or after a colon ("The Army: A Primer"). */
            bool after_colon = p - t >= 2 && p[-1] == ' ' && p[-2] == ':';
            for (size_t k = 0; k < sizeof small / sizeof small[0] && p != t && !after_colon; k++)
                if (strlen(small[k]) == n && strncasecmp(p, small[k], n) == 0)
                    is_small = true;
            for (size_t i = 1; i < n; i++)
                p[i] = (char)tolower((unsigned char)p[i]);
            if (is_small)
                p[0] = (char)tolower((unsigned char)p[0]);
            p += n - 1;
            start = false;
        } else {
            start = !isalnum((unsigned char)*p) && *p != '\'';
        }
    }
    return t;
}

static bool ends_with_period(const char *s)
{
    size_t n = strlen(s);
    return n && s[n - 1] == '.';
}

static bool is_meta_line(const char *t)
{
    char tmp[64], date[40];
    return doc_find_publication(t, tmp) || find_date(t, date) || fa_strcasecmp_prefix(t, "distribution") == 0 ||
           strstr(t, "supersedes") || strcasestr(t, "department of the army") || strcasestr(t, "headquarters") ||
           strcasestr(t, "approved for public release");
}

static bool boilerplate(const char *t)
{
    return strstr(t, "http") || strstr(t, "www.") || strcasestr(t, "available") || strcasestr(t, "publication") ||
           strcasestr(t, "subscribe");
}

static bool title_candidate(const char *t)
{
    size_t n = strlen(t);
    return n > 2 && n < 100 && !is_meta_line(t) && !boilerplate(t) && strcasecmp(t, "foreword") != 0 &&
           strcasecmp(t, "contents") != 0 && strcasecmp(t, "preface") != 0;
}

/* A line is a title candidate when it and every line of its block are: the "This publication is available at
 * ..." notice of inside covers is large type too. */
static bool title_line(const doc_page *p, size_t i)
{
    if (!title_candidate(p->lines[i].text))
        return false;
    for (size_t k = 0; k < p->nlines; k++)
        if (p->lines[k].block == p->lines[i].block && boilerplate(p->lines[k].text))
            return false;
    return true;
}

/* The largest type on the cover pages; failing that, the line after "Washington, DC, <date>" on the title page,
 * where Army publications print the title under the number, headquarters, place and date. */
static void cover_title(doc_document *d)
{
    for (int pi = 0; pi < d->npages && pi < 3 && !d->meta.title; pi++) {
        const doc_page *p = &d->pages[pi];
        float best = 0;
        for (size_t i = 0; i < p->nlines; i++)
            if (p->lines[i].size > best && title_line(p, i))
                best = p->lines[i].size;
        if (best < d->body_size * 1.3f && best < 14)
            continue;
        strbuf b = {0};
        for (size_t i = 0; i < p->nlines; i++) {
            const doc_line *l = &p->lines[i];
            if (l->size < best - 0.5f || !title_line(p, i))
                continue;
            if (b.len)
                sb_addc(&b, ' ');
            sb_add(&b, l->text);
            if (b.len > 160)
                break;
        }
        if (b.len)
            d->meta.title = title_case(b.s);
        sb_free(&b);
    }
    for (int pi = 0; pi < d->npages && pi < 4 && !d->meta.title; pi++) {
        const doc_page *p = &d->pages[pi];
        for (size_t i = 0; i + 1 < p->nlines; i++)
            if (strstr(p->lines[i].text, "Washington, DC") && title_candidate(p->lines[i + 1].text)) {
                d->meta.title = title_case(p->lines[i + 1].text);
                break;
            }
    }
}

void doc_extract_meta(doc_document *d)
{
    int date_quality = 0;
    char pub[64];
    /* The cover, the title page and the front matter up to the title page's "Washington, DC, <date>" line,
     * which some manuals (FM 1) print on their fifth page. */
    for (int pi = 0; pi < d->npages && pi < 6; pi++) {
        const doc_page *p = &d->pages[pi];
        for (size_t i = 0; i < p->nlines; i++) {
            const char *t = p->lines[i].text;
            if (!d->meta.publication && pi < 4 && doc_find_publication(t, pub) && strlen(t) < 60)
                d->meta.publication = xstrdup(pub);
            char date[40];
            int q = find_date(t, date);
            bool superseded_date = strstr(t, "supersedes") || strstr(t, "dated") ||
                                   (i > 0 && strstr(p->lines[i - 1].text, "supersedes"));
            if (q > date_quality && !superseded_date) {
                free(d->meta.date);
                d->meta.date = xstrdup(date);
                date_quality = q;
            }
            if (!d->meta.distribution && fa_strcasecmp_prefix(t, "distribution") == 0 && !strstr(t, "....")) {
                strbuf b = {0};
                sb_add(&b, t);
                if (i + 1 < p->nlines && strlen(t) < 40)
                    sb_addf(&b, " %s", p->lines[i + 1].text);
                d->meta.distribution = sb_take(&b);
            }
            const char *sup = strstr(t, "supersedes");
            if (!d->meta.supersedes && sup) {
                strbuf b = {0};
                const char *start = strcasestr(t, "this publication");
                sb_add(&b, start ? start : t);
                for (size_t k = i + 1; k < p->nlines && !ends_with_period(b.s) && k < i + 3; k++)
                    sb_addf(&b, " %s", p->lines[k].text);
                d->meta.supersedes = sb_take(&b);
            }
        }
    }
    cover_title(d);
    /* Word and other producers fill Title with the source file name or the first heading; skip those. */
    if (!d->meta.title && d->pdf_title && fa_strcasecmp_prefix(d->pdf_title, "microsoft") != 0 &&
        fa_strcasecmp_prefix(d->pdf_title, "chapter") != 0 && !strchr(d->pdf_title, '\\') && !strstr(d->pdf_title, ".doc"))
        d->meta.title = title_case(d->pdf_title);
    if (!d->meta.publication && d->pdf_title && doc_find_publication(d->pdf_title, pub))
        d->meta.publication = xstrdup(pub);
    if (!d->meta.publication) {
        /* File names such as ADP_3-19_Fires.pdf */
        const char *base = strrchr(d->path, '/');
        char *name = xstrdup(base ? base + 1 : d->path);
        for (char *c = name; *c; c++)
            if (*c == '_')
                *c = ' ';
        if (doc_find_publication(name, pub))
            d->meta.publication = xstrdup(pub);
        free(name);
    }
    if (d->meta.title && d->meta.publication) {
        /* A cover that prints the number inside the title ("ADP 3-19 Fires") keeps just the title. */
        size_t n = strlen(d->meta.publication);
        if (strncasecmp(d->meta.title, d->meta.publication, n) == 0 && d->meta.title[n] == ' ')
            memmove(d->meta.title, d->meta.title + n + 1, strlen(d->meta.title + n + 1) + 1);
    }
}
