/*
 * restrict.c - which documents a search may return: those whose access label the user holds, narrowed by the
 * optional publication, document type and date filters (search_filter). search_restrict fills the query's
 * allowed_docs, which search_run and search_hybrid apply inside the store's queries, before any candidate
 * limit, so a hidden document changes no count, score or rank.
 */
#include "search.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool search_label_held(const char *labels, const char *label)
{
    if (!labels || !label)
        return false;
    size_t n = strlen(label);
    for (const char *p = labels; *p;) {
        while (*p == ',' || *p == ' ')
            p++;
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len && p[len - 1] == ' ')
            len--;
        if (len == n && len && !strncasecmp(p, label, n))
            return true;
        if (!end)
            break;
        p = end + 1;
    }
    return false;
}

/* "ADP 3-19" = "adp_3-19" = "ADP3-19", as store_find_doc compares publication ids. */
static void pub_key(const char *in, char *out, size_t cap)
{
    size_t n = 0;
    for (; in && *in && n + 1 < cap; in++)
        if (*in != ' ' && *in != '_')
            out[n++] = (char)tolower((unsigned char)*in);
    out[n] = 0;
}

int search_parse_date(const char *text, char out[11])
{
    static const char *months[] = {"january", "february", "march", "april", "may", "june", "july", "august",
                                   "september", "october", "november", "december"};
    out[0] = 0;
    if (!text)
        return -1;
    int y, m, d;
    char tail;
    if (sscanf(text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) == 3 && y >= 1900 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 &&
        d <= 31) {
        snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
        return 0;
    }
    /* Publication dates as printed: "31 July 2019", "July 2019". */
    char word[16];
    d = 1;
    if (sscanf(text, "%d %15s %d", &d, word, &y) != 3 && (d = 1, sscanf(text, "%15s %d", word, &y) != 2))
        return -1;
    for (m = 0; m < 12; m++)
        if (!strcasecmp(word, months[m]))
            break;
    if (m == 12 || y < 1900 || y > 2999 || d < 1 || d > 31)
        return -1;
    snprintf(out, 11, "%04d-%02d-%02d", y, m + 1, d);
    return 0;
}

int search_filter_check(const search_filter *f, fa_err *e)
{
    char tmp[11];
    if (f->since && search_parse_date(f->since, tmp) != 0)
        return fa_fail(e, "since: '%s' is not a date; give YYYY-MM-DD", f->since);
    if (f->until && search_parse_date(f->until, tmp) != 0)
        return fa_fail(e, "until: '%s' is not a date; give YYYY-MM-DD", f->until);
    return 0;
}

bool search_filter_active(const search_filter *f)
{
    return f && (f->restrict_labels || f->publication || f->type || f->since || f->until);
}

bool search_doc_allowed(const store_doc *d, const search_filter *f)
{
    if (!f)
        return true;
    if (f->restrict_labels && !search_label_held(f->labels, d->label))
        return false;
    if (f->publication) {
        char a[128], b[128];
        pub_key(f->publication, a, sizeof a);
        pub_key(d->publication, b, sizeof b);
        if (strcmp(a, b))
            return false;
    }
    if (f->type) { /* the publication's series: "ADP", "FM", "ATP", "TC", "TM" */
        size_t n = strlen(f->type);
        if (!d->publication || strncasecmp(d->publication, f->type, n) ||
            isalpha((unsigned char)d->publication[n]))
            return false;
    }
    if (f->since || f->until) {
        char date[11], since[11] = "", until[11] = "";
        if (search_parse_date(d->date, date) != 0)
            return false; /* an undated document matches no date range */
        if (f->since)
            search_parse_date(f->since, since);
        if (f->until)
            search_parse_date(f->until, until);
        if ((*since && strcmp(date, since) < 0) || (*until && strcmp(date, until) > 0))
            return false;
    }
    return true;
}

int search_restrict(store *s, search_query *q, const search_filter *f, fa_err *e)
{
    if (!search_filter_active(f))
        return 0;
    if (search_filter_check(f, e) != 0)
        return -1;
    store_docs docs = {0};
    if (store_list_documents(s, &docs, e) != 0)
        return -1;
    q->allowed_docs.n = 0;
    for (size_t i = 0; i < docs.n; i++) /* listed by id: the set is ascending */
        if (search_doc_allowed(&docs.v[i], f))
            VEC_PUSH(q->allowed_docs, docs.v[i].id);
    q->restricted = true;
    store_docs_free(&docs);
    return 0;
}
