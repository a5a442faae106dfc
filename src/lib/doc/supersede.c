/*
 * supersede.c - which editions in a library are superseded, and by what (doc_supersession, see doc.h).
 *
 * Three rules, each naming the edition that supersedes:
 *  1. A newer edition of the same publication number ("FM 3-55" of 2013 over "FM 3-55" of 2012).
 *  2. A cover that says so: "This publication supersedes ADP 3-09, dated 31 August 2012 and ADRP 3-09, dated 31
 *     August 2012." Each publication named, with the date that follows it (a date after a list covers the list),
 *     supersedes the library's editions of that number no newer than the date (older than the declaring edition
 *     when no date is given).
 *  3. The 2019 doctrine reform: ADP 1-01, Doctrine Primer (31 July 2019), chapter 1 (the hierarchy of Army
 *     doctrine publications), ended the ADRP series: every ADRP was rescinded and its content consolidated into
 *     the ADP of the same number, as the 2019 covers say ("This publication supersedes ADP 4-0 and ADRP 4-0",
 *     ADP 4-0, 31 July 2019). So an ADRP is superseded by the library's ADP of the same number dated 2019 or
 *     later.
 * Where several editions supersede one, the newest names it.
 */
#include "doc.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const month_names[] = {"january", "february", "march", "april", "may", "june", "july",
                                          "august", "september", "october", "november", "december"};

/* "31 July 2019", "July 2019", "2019" at s: YYYYMMDD (day 0 or month 0 when not given), or 0; *len gets the
 * length read. */
static long parse_date(const char *s, size_t *len)
{
    const char *p = s;
    int day = 0, month = 0, year = 0;
    if (isdigit((unsigned char)*p) && !isdigit((unsigned char)p[2]) && !isdigit((unsigned char)p[3])) {
        day = atoi(p);
        while (isdigit((unsigned char)*p))
            p++;
        while (*p == ' ')
            p++;
    }
    for (int m = 0; m < 12; m++) {
        size_t n = strlen(month_names[m]);
        if (strncasecmp(p, month_names[m], n) == 0 && !isalpha((unsigned char)p[n])) {
            month = m + 1;
            p += n;
            break;
        }
    }
    if (month && *p == ',')
        p++;
    while (*p == ' ')
        p++;
    if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) && isdigit((unsigned char)p[2]) &&
        isdigit((unsigned char)p[3]) && !isdigit((unsigned char)p[4]))
        year = atoi(p);
    if (!year || year < 1900 || year > 2200 || (day && !month) || day > 31)
        return 0;
    *len = (size_t)(p + 4 - s);
    return (long)year * 10000 + month * 100 + day;
}

long doc_date_value(const char *date)
{
    if (!date)
        return 0;
    for (const char *p = date; *p; p++) {
        size_t n;
        long v = parse_date(p, &n);
        if (v)
            return v;
    }
    return 0;
}

/* The key two publication ids compare by: "ADP 3-19" = "adp3-19" = "ADP_3-19". */
static void pub_key(const char *pub, char out[64])
{
    size_t n = 0;
    for (const char *p = pub ? pub : ""; *p && n < 63; p++)
        if (*p != ' ' && *p != '_')
            out[n++] = (char)tolower((unsigned char)*p);
    out[n] = 0;
}

typedef struct {
    char key[64];
    long date;    /* 0: none given */
} named_pub;

/* The publications a supersedes line names, each with the date after it (a date closing a list covers it). */
static size_t named_publications(const char *line, named_pub *out, size_t cap)
{
    size_t n = 0, undated_from = 0;
    const char *p = line;
    while (*p && n < cap) {
        char pub[64];
        size_t dlen;
        long date = parse_date(p, &dlen);
        if (date && (p == line || !isalnum((unsigned char)p[-1]))) {
            for (size_t k = undated_from; k < n; k++)
                out[k].date = date;
            undated_from = n;
            p += dlen;
            continue;
        }
        if ((p == line || !isalnum((unsigned char)p[-1])) && doc_find_publication(p, pub) &&
            strncasecmp(p, pub, 2) == 0) {
            char key[64];
            pub_key(pub, key);
            memcpy(out[n].key, key, sizeof key);
            out[n].date = 0;
            n++;
            p += strlen(pub) > 0 ? strlen(pub) : 1;
            continue;
        }
        p++;
    }
    return n;
}

static void consider(int *by, const char **why, long *by_date, size_t i, int who, long who_date, const char *reason)
{
    if (by[i] < 0 || who_date > by_date[i]) {
        by[i] = who;
        by_date[i] = who_date;
        why[i] = reason;
    }
}

void doc_supersession(const doc_edition *ed, size_t n, int *by, const char **why)
{
    long *dates = xcalloc(n ? n : 1, sizeof *dates), *by_date = xcalloc(n ? n : 1, sizeof *by_date);
    char (*keys)[64] = xcalloc(n ? n : 1, sizeof *keys);
    for (size_t i = 0; i < n; i++) {
        by[i] = -1;
        why[i] = NULL;
        dates[i] = doc_date_value(ed[i].date);
        pub_key(ed[i].publication, keys[i]);
    }
    for (size_t i = 0; i < n; i++) {
        if (!keys[i][0])
            continue;
        for (size_t j = 0; j < n; j++) {
            if (i == j || !keys[j][0])
                continue;
            /* 1: a newer edition of the same number. */
            if (!strcmp(keys[i], keys[j]) && dates[j] > dates[i] && dates[i])
                consider(by, why, by_date, i, (int)j, dates[j], "a newer edition of the same publication");
            /* 3: the 2019 reform, ADRP N into ADP N. */
            if (!strncmp(keys[i], "adrp", 4) && !strncmp(keys[j], "adp", 3) && !strcmp(keys[i] + 4, keys[j] + 3) &&
                dates[j] >= 20190000)
                consider(by, why, by_date, i, (int)j, dates[j],
                         "the 2019 doctrine reform rescinded every ADRP into the ADP of the same number");
        }
    }
    /* 2: editions that declare what they supersede. */
    for (size_t j = 0; j < n; j++) {
        if (!ed[j].supersedes)
            continue;
        named_pub names[32];
        size_t k = named_publications(ed[j].supersedes, names, 32);
        for (size_t m = 0; m < k; m++)
            for (size_t i = 0; i < n; i++) {
                if (i == j || strcmp(keys[i], names[m].key) != 0)
                    continue;
                bool older = names[m].date ? (dates[i] == 0 || dates[i] <= names[m].date)
                                           : (dates[i] == 0 || dates[j] == 0 || dates[i] < dates[j]);
                if (older && !(dates[j] && dates[i] > dates[j]))
                    consider(by, why, by_date, i, (int)j, dates[j], "its successor's cover says it supersedes it");
            }
    }
    free(dates);
    free(by_date);
    free(keys);
}
