/*
 * dtg.c - date-time groups: DDHHMMZMONYY (e.g. 011430RDEC26) in the time zone an order declares.
 *
 * FM 6-0 (Commander and Staff Organization and Operations) and FM 5-0 give the DTG as day, hour,
 * minute, time zone letter, month, year. The zone letters are the military time zones: A-I are UTC+1..+9,
 * K-M UTC+10..+12, N-Y UTC-1..-12, Z is UTC. J (local time) has no fixed offset, so an order cannot declare it.
 */
#include "orders.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const zone_names[26] = {
    "ALFA (UTC+1)",     "BRAVO (UTC+2)",    "CHARLIE (UTC+3)", "DELTA (UTC+4)",   "ECHO (UTC+5)",
    "FOXTROT (UTC+6)",  "GOLF (UTC+7)",     "HOTEL (UTC+8)",   "INDIA (UTC+9)",   NULL,
    "KILO (UTC+10)",    "LIMA (UTC+11)",    "MIKE (UTC+12)",   "NOVEMBER (UTC-1)", "OSCAR (UTC-2)",
    "PAPA (UTC-3)",     "QUEBEC (UTC-4)",   "ROMEO (UTC-5)",   "SIERRA (UTC-6)",  "TANGO (UTC-7)",
    "UNIFORM (UTC-8)",  "VICTOR (UTC-9)",   "WHISKEY (UTC-10)", "XRAY (UTC-11)",  "YANKEE (UTC-12)",
    "ZULU (UTC)"};

static const char *const months[12] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                       "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};

int orders_zone_offset(char letter, int *minutes)
{
    char c = (char)toupper((unsigned char)letter);
    int h;
    if (c >= 'A' && c <= 'I') h = c - 'A' + 1;
    else if (c >= 'K' && c <= 'M') h = c - 'K' + 10;
    else if (c >= 'N' && c <= 'Y') h = -(c - 'N' + 1);
    else if (c == 'Z') h = 0;
    else return -1;
    *minutes = h * 60;
    return 0;
}

const char *orders_zone_name(char letter)
{
    int m;
    if (orders_zone_offset(letter, &m) != 0)
        return NULL;
    return zone_names[toupper((unsigned char)letter) - 'A'];
}

int orders_zone_parse(const char *s, char *letter, fa_err *e)
{
    if (!s || !*s)
        return fa_fail(e, "empty time zone (expected a military zone letter such as Z or R)");
    int m;
    if (!strcasecmp(s, "UTC") || !strcasecmp(s, "GMT")) {
        *letter = 'Z';
        return 0;
    }
    if (!strcasecmp(s, "J") || !strcasecmp(s, "JULIETT") || !strcasecmp(s, "JULIET"))
        return fa_fail(e, "J (local time) has no fixed offset; declare the zone letter of the local time (e.g. R)");
    if (s[1] == 0 && orders_zone_offset(s[0], &m) == 0) {
        *letter = (char)toupper((unsigned char)s[0]);
        return 0;
    }
    for (int i = 0; i < 26; i++) {
        if (!zone_names[i])
            continue;
        size_t n = strcspn(zone_names[i], " ");
        if (strlen(s) == n && !strncasecmp(s, zone_names[i], n)) {
            *letter = (char)('A' + i);
            return 0;
        }
    }
    if (!strcasecmp(s, "X-RAY")) {
        *letter = 'X';
        return 0;
    }
    return fa_fail(e, "'%s' is not a military time zone (expected a letter A-I, K-Z, a zone name like ROMEO, or UTC)", s);
}

static bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

static int month_days(int y, int m)
{
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : d[m - 1];
}

/* Years accepted in a DTG: wide enough for any plan or archive, narrow enough to catch typos like 20026. */
enum { YEAR_MIN = 1970, YEAR_MAX = 2999 };

static int64_t days_since_epoch(int y, int m, int d)
{
    int64_t days = 0;
    for (int yy = YEAR_MIN; yy < y; yy++)
        days += is_leap(yy) ? 366 : 365;
    for (int mm = 1; mm < m; mm++)
        days += month_days(y, mm);
    return days + d - 1;
}

static int check_civil(int y, int mo, int d, int h, int mi, int s, fa_err *e)
{
    if (y < YEAR_MIN || y > YEAR_MAX)
        return fa_fail(e, "year %d is out of range (%d-%d)", y, YEAR_MIN, YEAR_MAX);
    if (mo < 1 || mo > 12)
        return fa_fail(e, "month %d does not exist", mo);
    if (d < 1 || d > month_days(y, mo))
        return fa_fail(e, "%s %d has no day %d", months[mo - 1], y, d);
    if (h < 0 || h > 23)
        return fa_fail(e, "hour %d is out of range (00-23)", h);
    if (mi < 0 || mi > 59)
        return fa_fail(e, "minute %d is out of range (00-59)", mi);
    if (s < 0 || s > 59)
        return fa_fail(e, "second %d is out of range (00-59)", s);
    return 0;
}

/* Reads exactly n digits. */
static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)(*p)[i]))
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return 0;
}

static int parse_iso(const char *s, char zone, int64_t *utc, fa_err *e)
{
    const char *p = s;
    int y, mo, d, h, mi, sec = 0, off;
    if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' || digits(&p, 2, &d) ||
        (*p != 'T' && *p != 't' && *p != ' ') || (p++, digits(&p, 2, &h)) || *p++ != ':' || digits(&p, 2, &mi))
        return fa_fail(e, "'%s' is not a date-time (expected YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM] or DDHHMMZMONYY)", s);
    if (*p == ':') {
        p++;
        if (digits(&p, 2, &sec))
            return fa_fail(e, "'%s': bad seconds", s);
    }
    if (*p == 'Z' || *p == 'z') {
        off = 0;
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
        if (digits(&p, 2, &oh))
            return fa_fail(e, "'%s': bad UTC offset", s);
        if (*p == ':')
            p++;
        if (*p && digits(&p, 2, &om))
            return fa_fail(e, "'%s': bad UTC offset", s);
        if (oh > 14 || om > 59)
            return fa_fail(e, "'%s': UTC offset out of range", s);
        off = sign * (oh * 60 + om);
    } else if (orders_zone_offset(zone, &off) != 0) {
        return fa_fail(e, "'%s' has no time zone and the order declares none", s);
    }
    if (*p)
        return fa_fail(e, "'%s': unexpected '%s' at the end", s, p);
    if (check_civil(y, mo, d, h, mi, sec, e) != 0) {
        char why[FA_ERRMSG];
        snprintf(why, sizeof why, "%s", e ? e->msg : "");
        return fa_fail(e, "'%s': %s", s, why);
    }
    *utc = (days_since_epoch(y, mo, d) * 24 + h) * 3600 + mi * 60 + sec - (int64_t)off * 60;
    return 0;
}

static int parse_dtg(const char *s, int64_t *utc, fa_err *e)
{
    const char *p = s;
    int d, h, mi, yy, off;
    if (digits(&p, 2, &d) || digits(&p, 2, &h) || digits(&p, 2, &mi))
        return fa_fail(e, "'%s' is not a DTG (expected DDHHMMZMONYY, e.g. 011430ZDEC26)", s);
    while (*p == ' ')
        p++;
    char zone = *p;
    if (!zone || orders_zone_offset(zone, &off) != 0)
        return fa_fail(e, "'%s': '%c' is not a military time zone letter (A-I, K-Z)", s, zone ? zone : '?');
    p++;
    while (*p == ' ')
        p++;
    int mo = 0;
    for (int i = 0; i < 12; i++)
        if (!strncasecmp(p, months[i], 3))
            mo = i + 1;
    if (!mo)
        return fa_fail(e, "'%s': expected a month (JAN..DEC) after the zone letter", s);
    p += 3;
    while (*p == ' ')
        p++;
    if (digits(&p, 2, &yy) || *p)
        return fa_fail(e, "'%s': expected a two-digit year at the end", s);
    int y = 2000 + yy;
    if (check_civil(y, mo, d, h, mi, 0, e) != 0) {
        char why[FA_ERRMSG];
        snprintf(why, sizeof why, "%s", e ? e->msg : "");
        return fa_fail(e, "'%s': %s", s, why);
    }
    *utc = (days_since_epoch(y, mo, d) * 24 + h) * 3600 + mi * 60 - (int64_t)off * 60;
    return 0;
}

int orders_dtg_parse(const char *s, char zone, int64_t *utc, fa_err *e)
{
    if (!s || !*s)
        return fa_fail(e, "empty date-time");
    size_t n = strlen(s);
    if (n >= 10 && s[4] == '-')
        return parse_iso(s, zone, utc, e);
    return parse_dtg(s, utc, e);
}

int orders_dtg_format(int64_t utc, char letter, char out[14], fa_err *e)
{
    int off;
    if (orders_zone_offset(letter, &off) != 0)
        return fa_fail(e, "'%c' is not a military time zone letter", letter);
    int64_t t = utc + (int64_t)off * 60;
    if (t < 0)
        return fa_fail(e, "date-time before %d", YEAR_MIN);
    int64_t days = t / 86400, rem = t % 86400;
    int y = YEAR_MIN;
    while (days >= (is_leap(y) ? 366 : 365)) {
        days -= is_leap(y) ? 366 : 365;
        if (++y > YEAR_MAX)
            return fa_fail(e, "date-time after %d", YEAR_MAX);
    }
    int m = 1;
    while (days >= month_days(y, m))
        days -= month_days(y, m++);
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%02d%02d%02d%c%s%02d", (int)days + 1, (int)(rem / 3600), (int)(rem % 3600 / 60),
             toupper((unsigned char)letter), months[m - 1], y % 100);
    memcpy(out, tmp, 14);
    out[13] = 0;
    return 0;
}
