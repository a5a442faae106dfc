/* met.c - the computer met message (METCM, STANAG 4082; TC 3-09.81, meteorology chapter): parsing with the line
 * and field of every error, and the air and wind it gives at a height for the trajectory integrator. Wind is
 * constant within a zone, as the message reports zone means; virtual temperature is interpolated linearly and
 * pressure log-linearly between zone mid-heights; above the last reported zone the ICAO profile continues from it.
 * The integrator projects the wind on the true azimuth of fire; the message's grid reference differs from true by
 * the grid convergence (a few degrees at most), which is neglected for wind. */
#include "fires/fires.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#define R_AIR 287.05287

/* Zone tops in m above the MDP for lines 01..26 (line 00 is the surface). */
static const double zone_top[FIRES_MET_ZONES] = {0,     200,   500,   1000,  1500,  2000,  2500,  3000,  3500,
                                                 4000,  4500,  5000,  6000,  7000,  8000,  9000,  10000, 11000,
                                                 12000, 13000, 14000, 15000, 16000, 17000, 18000, 19000, 20000};

void fires_met_zone_bounds(int zone, double *bottom, double *top)
{
    if (zone <= 0) {
        *bottom = *top = 0;
        return;
    }
    if (zone >= FIRES_MET_ZONES)
        zone = FIRES_MET_ZONES - 1;
    *bottom = zone_top[zone - 1];
    *top = zone_top[zone];
}

/* Copies the digits of a line (spaces and tabs dropped) into out; -1 on any other character. */
static int digits_of(const char *s, size_t len, char *out, size_t cap, size_t *n)
{
    *n = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')
            continue;
        if (!isdigit((unsigned char)s[i]))
            return -1;
        if (*n + 1 < cap)
            out[*n] = s[i];
        (*n)++;
    }
    out[*n < cap ? *n : cap - 1] = 0;
    return 0;
}

/* When a line is written in its usual number of groups, the first group whose length is wrong:
 * its index, else -1. Lets an error name the field rather than only the digit count. */
static int bad_group(const char *s, size_t len, const int *want, int ngroups, int *got)
{
    int lens[16], n = 0, cur = 0;
    for (size_t i = 0; i <= len; i++) {
        bool sep = i == len || s[i] == ' ' || s[i] == '\t';
        if (!sep) {
            cur++;
        } else if (cur) {
            if (n == 16)
                return -1;
            lens[n++] = cur;
            cur = 0;
        }
    }
    if (n != ngroups)
        return -1;
    for (int i = 0; i < n; i++)
        if (lens[i] != want[i]) {
            *got = lens[i];
            return i;
        }
    return -1;
}

static int field(const char *d, int off, int len)
{
    int v = 0;
    for (int i = 0; i < len; i++)
        v = v * 10 + (d[off + i] - '0');
    return v;
}

int fires_met_parse(const char *text, fires_met *m, fa_err *e)
{
    memset(m, 0, sizeof *m);
    if (!text)
        return fa_fail(e, "METCM: empty message");
    int lineno = 0;
    bool have_header = false;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        const char *s = p;
        p += len + (nl ? 1 : 0);
        lineno++;
        while (len && isspace((unsigned char)*s)) {
            s++;
            len--;
        }
        while (len && isspace((unsigned char)s[len - 1]))
            len--;
        if (!len || *s == '#')
            continue;
        char d[64];
        size_t n;
        if (!have_header) {
            if (len < 5 || strncmp(s, "METCM", 5))
                return fa_fail(e, "METCM line %d: message must begin with METCM, found '%.*s'", lineno,
                               (int)(len > 20 ? 20 : len), s);
            if (digits_of(s + 5, len - 5, d, sizeof d, &n) != 0)
                return fa_fail(e, "METCM line %d: header groups must be digits", lineno);
            static const int hw[] = {1, 6, 6, 6};
            static const char *const hn[] = {"Q (octant)", "LaLaLaLoLoLo (latitude and longitude)",
                                             "YYGoGoGoG (day, time and validity)",
                                             "hhhPdPdPd (MDP altitude and pressure)"};
            int got = 0, g = bad_group(s + 5, len - 5, hw, 4, &got); /* written in groups: each must fit */
            if (g >= 0)
                return fa_fail(e, "METCM line %d: header field %s has %d digit(s); expected %d", lineno, hn[g], got,
                               hw[g]);
            if (n != 19)
                return fa_fail(e, "METCM line %d: header has %zu digits after METCM; expected 19 "
                                  "(Q LaLaLaLoLoLo YYGoGoGoG hhhPdPdPd)", lineno, n);
            m->octant = field(d, 0, 1);
            if (m->octant == 4 || m->octant == 9)
                return fa_fail(e, "METCM line %d: octant Q=%d is not used (0-3 north, 5-8 south)", lineno, m->octant);
            m->lat_deg = field(d, 1, 3) / 10.0;
            m->lon_deg = field(d, 4, 3) / 10.0;
            if (m->lat_deg > 90)
                return fa_fail(e, "METCM line %d: latitude LaLaLa %03d is above 900 (tenths of degrees)", lineno,
                               field(d, 1, 3));
            m->day = field(d, 7, 2);
            if (m->day < 1 || m->day > 31)
                return fa_fail(e, "METCM line %d: day YY %02d is not 01..31", lineno, m->day);
            m->hour_utc = field(d, 9, 3) / 10.0;
            if (m->hour_utc >= 24)
                return fa_fail(e, "METCM line %d: time GoGoGo %03d is not below 240 (tenths of hours)", lineno,
                               field(d, 9, 3));
            m->valid_h = field(d, 12, 1);
            m->mdp_alt_m = field(d, 13, 3) * 10.0;
            int pd = field(d, 16, 3);
            m->mdp_p_mb = pd < 500 ? 1000 + pd : pd; /* the thousands digit is dropped at and above 1000 mb */
            have_header = true;
            continue;
        }
        if (digits_of(s, len, d, sizeof d, &n) != 0)
            return fa_fail(e, "METCM line %d: only digits allowed in a zone line, found '%.*s'", lineno, (int)len, s);
        static const int zw[] = {2, 3, 3, 4, 4};
        static const char *const zn[] = {"ZZ (zone)", "ddd (wind direction, tens of mils)", "FFF (wind speed, knots)",
                                         "TTTT (virtual temperature, 0.1 K)", "PPPP (pressure, mb)"};
        int got = 0, g = bad_group(s, len, zw, 5, &got); /* written in five groups: each must fit */
        if (g >= 0)
            return fa_fail(e, "METCM line %d: %zu digits; field %s has %d digit(s), expected %d", lineno, n, zn[g],
                           got, zw[g]);
        if (n != 16)
            return fa_fail(e, "METCM line %d: %zu digits; a zone line has 16 (ZZ ddd FFF TTTT PPPP)", lineno, n);
        int zone = field(d, 0, 2), dir = field(d, 2, 3), spd = field(d, 5, 3), tv = field(d, 8, 4),
            pr = field(d, 12, 4);
        if (zone != m->nlines)
            return fa_fail(e, "METCM line %d: zone ZZ=%02d out of sequence; expected %02d", lineno, zone, m->nlines);
        if (zone >= FIRES_MET_ZONES)
            return fa_fail(e, "METCM line %d: zone ZZ=%02d is above the last zone 26", lineno, zone);
        if (dir > 640)
            return fa_fail(e, "METCM line %d (zone %02d): wind direction ddd=%03d is above 640 (tens of mils)",
                           lineno, zone, dir);
        if (spd > 300)
            return fa_fail(e, "METCM line %d (zone %02d): wind speed FFF=%03d knots is not plausible", lineno, zone,
                           spd);
        if (tv < 1500 || tv > 3500)
            return fa_fail(e, "METCM line %d (zone %02d): virtual temperature TTTT=%04d is outside 1500..3500 "
                              "(tenths of kelvin)", lineno, zone, tv);
        if (pr < 10 || pr > 1100)
            return fa_fail(e, "METCM line %d (zone %02d): pressure PPPP=%04d is outside 0010..1100 mb", lineno, zone,
                           pr);
        if (zone > 0 && pr >= m->line[zone - 1].p_mb)
            return fa_fail(e, "METCM line %d (zone %02d): pressure PPPP=%04d mb does not fall below zone %02d's %.0f",
                           lineno, zone, pr, zone - 1, m->line[zone - 1].p_mb);
        fires_met_line *l = &m->line[zone];
        l->zone = zone;
        l->dir_mils = dir * 10.0;
        l->speed_kn = spd;
        l->tv_k = tv / 10.0;
        l->p_mb = pr;
        m->nlines++;
    }
    if (!have_header)
        return fa_fail(e, "METCM: no header line (METCMQ LaLaLaLoLoLo YYGoGoGoG hhhPdPdPd)");
    if (m->nlines < 2)
        return fa_fail(e, "METCM: needs the surface line 00 and at least line 01, found %d line(s)", m->nlines);
    return 0;
}

static double zone_mid(int z)
{
    double b, t;
    fires_met_zone_bounds(z, &b, &t);
    return (b + t) / 2;
}

void fires_met_at(const fires_met *m, double alt_msl, fires_air *air, double *wind_e, double *wind_n)
{
    double h = alt_msl - m->mdp_alt_m;
    int last = m->nlines - 1;
    /* wind: the zone the height lies in */
    int wz = 1;
    while (wz < last && h >= zone_top[wz])
        wz++;
    const fires_met_line *w = &m->line[wz];
    double a = fires_mils_to_rad(w->dir_mils), s = w->speed_kn * FIRES_KNOT;
    *wind_e = -s * sin(a); /* the wind blows from dir_mils */
    *wind_n = -s * cos(a);
    /* temperature and pressure between zone mid-heights (line 00 sits at the MDP) */
    double tv, lp;
    double top_mid = zone_mid(last);
    if (h >= top_mid) {
        fires_air i0, i1;
        fa_err e;
        double a0 = m->mdp_alt_m + top_mid, a1 = alt_msl;
        if (a1 > 80000)
            a1 = 80000;
        if (fires_icao(a0, &i0, &e) != 0 || fires_icao(a1, &i1, &e) != 0) {
            i0.t_k = i1.t_k = 1;
            i0.p_pa = i1.p_pa = 1;
        }
        tv = m->line[last].tv_k * i1.t_k / i0.t_k;
        lp = log(m->line[last].p_mb * 100.0 * i1.p_pa / i0.p_pa);
    } else {
        int k = 1;
        while (k < last && zone_mid(k) <= h)
            k++;
        double h0 = zone_mid(k - 1), h1 = zone_mid(k), f = (h - h0) / (h1 - h0);
        tv = m->line[k - 1].tv_k + f * (m->line[k].tv_k - m->line[k - 1].tv_k);
        lp = log(m->line[k - 1].p_mb * 100.0) + f * (log(m->line[k].p_mb * 100.0) - log(m->line[k - 1].p_mb * 100.0));
    }
    air->t_k = tv;
    air->p_pa = exp(lp);
    air->rho = air->p_pa / (R_AIR * tv);
    air->sound = fires_sound_speed(tv);
}
