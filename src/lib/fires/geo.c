/* geo.c - positions (MGRS, UTM/UPS, latitude/longitude) and the geometry of fire: grid distance and azimuth,
 * convergence, vertical interval, angle of site, polar plot and shift. GeographicLib does the geodesy through
 * geo_shim.cc; this file parses and validates user text and works on the UTM grid as FDC charts do. */
#include "fires/fires.h"
#include "fires/geo_shim.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

double fires_mils_wrap(double m)
{
    m = fmod(m, 6400.0);
    if (m < 0)
        m += 6400.0;
    if (m >= 6400.0)
        m = 0;
    return m;
}

int fires_parse_num(const char *text, const char *field, double *out, fa_err *e)
{
    if (!text || !*text)
        return fa_fail(e, "%s: missing value", field);
    char *end;
    double v = strtod(text, &end);
    while (*end && isspace((unsigned char)*end))
        end++;
    if (end == text || *end)
        return fa_fail(e, "%s: '%s' is not a number", field, text);
    if (!isfinite(v))
        return fa_fail(e, "%s: '%s' is not a finite number", field, text);
    *out = v;
    return 0;
}

static int fill_from_utm(fires_pos *p, int zone, bool northp, double x, double y, fa_err *e)
{
    char err[256];
    double lat, lon, gamma, k;
    if (fgeo_utmups_reverse(zone, northp, x, y, &lat, &lon, &gamma, &k, err, sizeof err) != 0)
        return fa_fail(e, "position: %s", err);
    p->lat = lat;
    p->lon = lon;
    p->zone = zone;
    p->northp = northp;
    p->easting = x;
    p->northing = y;
    p->convergence_deg = gamma;
    p->scale = k;
    return 0;
}

int fires_pos_from_utm(int zone, bool northp, double easting, double northing, fires_pos *p, fa_err *e)
{
    if (!isfinite(easting) || !isfinite(northing))
        return fa_fail(e, "position: easting and northing must be finite numbers");
    if (zone < 0 || zone > 60)
        return fa_fail(e, "position: UTM zone %d is not in 1..60 (0 is UPS)", zone);
    memset(p, 0, sizeof *p);
    p->mgrs_digits = -2;
    return fill_from_utm(p, zone, northp, easting, northing, e);
}

int fires_pos_from_latlon(double lat, double lon, fires_pos *p, fa_err *e)
{
    if (!isfinite(lat) || !isfinite(lon))
        return fa_fail(e, "position: latitude and longitude must be finite numbers");
    if (lat < -90 || lat > 90)
        return fa_fail(e, "position: latitude %g is outside -90..90", lat);
    if (lon < -540 || lon > 540)
        return fa_fail(e, "position: longitude %g is outside -180..180", lon);
    char err[256];
    int zone;
    bool northp;
    double x, y, gamma, k;
    if (fgeo_utmups_forward(lat, lon, -1, &zone, &northp, &x, &y, &gamma, &k, err, sizeof err) != 0)
        return fa_fail(e, "position: %s", err);
    memset(p, 0, sizeof *p);
    p->lat = lat;
    p->lon = lon;
    p->zone = zone;
    p->northp = northp;
    p->easting = x;
    p->northing = y;
    p->convergence_deg = gamma;
    p->scale = k;
    p->mgrs_digits = -2;
    return 0;
}

/* Svalbard: zones 32X, 34X and 36X do not exist (MGRS, NGA.STND.0037); GeographicLib accepts their squares
 * as overlaps, a user typing one has made a mistake. */
static int check_gzd(const char *s, fa_err *e)
{
    int zone = 0, i = 0;
    while (isdigit((unsigned char)s[i]) && i < 2)
        zone = zone * 10 + (s[i++] - '0');
    if (i == 0)
        return 0;
    char band = (char)toupper((unsigned char)s[i]);
    if (band == 'X' && (zone == 32 || zone == 34 || zone == 36))
        return fa_fail(e, "MGRS grid zone %dX does not exist (Svalbard exception: zones 31X, 33X, 35X, 37X)",
                       zone);
    return 0;
}

static bool looks_mgrs(const char *s)
{
    size_t i = 0;
    while (isdigit((unsigned char)s[i]))
        i++;
    if (i > 2 || !isalpha((unsigned char)s[i]))
        return false;
    size_t letters = 0;
    while (isalpha((unsigned char)s[i])) {
        i++;
        letters++;
    }
    if (letters != 1 && letters != 3)
        return false;
    while (isdigit((unsigned char)s[i]))
        i++;
    return s[i] == 0;
}

static int parse_mgrs(const char *compact, fires_pos *p, fa_err *e)
{
    size_t i = 0, len = strlen(compact);
    while (isdigit((unsigned char)compact[i]))
        i++;
    size_t letters = 0;
    while (isalpha((unsigned char)compact[i + letters]))
        letters++;
    size_t digits = len - i - letters;
    if (digits % 2)
        return fa_fail(e, "MGRS '%s': %zu digits after the letters; easting and northing need the same number "
                          "(2, 4, 6, 8 or 10)", compact, digits);
    if (digits > 10)
        return fa_fail(e, "MGRS '%s': %zu digits is finer than 1 m; give at most 10", compact, digits);
    for (size_t k = i; k < i + letters; k++) {
        char c = (char)toupper((unsigned char)compact[k]);
        if (c == 'I' || c == 'O')
            return fa_fail(e, "MGRS '%s': letter %c is never used in MGRS", compact, c);
    }
    if (check_gzd(compact, e) != 0)
        return -1;
    char err[256];
    int zone, prec;
    bool northp;
    double x, y;
    if (fgeo_mgrs_reverse(compact, true, &zone, &northp, &x, &y, &prec, err, sizeof err) != 0)
        return fa_fail(e, "MGRS '%s': %s", compact, err);
    memset(p, 0, sizeof *p);
    if (fill_from_utm(p, zone, northp, x, y, e) != 0)
        return -1;
    p->mgrs_digits = prec;
    return 0;
}

int fires_pos_parse(const char *text, fires_pos *p, fa_err *e)
{
    if (!text)
        return fa_fail(e, "position: missing");
    char compact[128];
    size_t n = 0;
    for (const char *s = text; *s; s++)
        if (!isspace((unsigned char)*s)) {
            if (n + 1 >= sizeof compact)
                return fa_fail(e, "position: '%.40s...' is too long", text);
            compact[n++] = *s;
        }
    compact[n] = 0;
    if (!n)
        return fa_fail(e, "position: empty");

    /* Split into at most three tokens on white space or commas. */
    char buf[256], *tok[4];
    int ntok = 0;
    snprintf(buf, sizeof buf, "%s", text);
    for (char *t = strtok(buf, " \t,;"); t && ntok < 4; t = strtok(NULL, " \t,;"))
        tok[ntok++] = t;

    for (int i = 0; i < ntok; i++)
        if (!strcasecmp(tok[i], "nan") || !strncasecmp(tok[i], "inf", 3) || !strncasecmp(tok[i], "-inf", 4))
            return fa_fail(e, "position '%s': '%s' is not a finite number", text, tok[i]);

    /* UTM "18N 323383 4308450" or UPS "N 2000000 1555731". */
    if (ntok == 3) {
        size_t l = strlen(tok[0]);
        char h = (char)toupper((unsigned char)tok[0][l - 1]);
        bool zone_ok = (h == 'N' || h == 'S') && l <= 3;
        for (size_t k = 0; zone_ok && k + 1 < l; k++)
            zone_ok = isdigit((unsigned char)tok[0][k]);
        if (zone_ok) {
            int zone = l > 1 ? atoi(tok[0]) : 0;
            if (l > 1 && (zone < 1 || zone > 60))
                return fa_fail(e, "UTM zone %d is not in 1..60", zone);
            double x, y;
            if (fires_parse_num(tok[1], "UTM easting", &x, e) || fires_parse_num(tok[2], "UTM northing", &y, e))
                return -1;
            memset(p, 0, sizeof *p);
            p->mgrs_digits = -2;
            if (fill_from_utm(p, zone, h == 'N', x, y, e) != 0)
                return -1;
            return 0;
        }
    }
    if (looks_mgrs(compact))
        return parse_mgrs(compact, p, e);
    if (ntok == 2) {
        char err[256];
        double lat, lon;
        if (fgeo_decode_latlon(tok[0], tok[1], &lat, &lon, err, sizeof err) != 0)
            return fa_fail(e, "latitude/longitude '%s': %s", text, err);
        return fires_pos_from_latlon(lat, lon, p, e);
    }
    size_t lead_digits = strspn(compact, "0123456789");
    if (lead_digits <= 2 && isalpha((unsigned char)compact[lead_digits]))
        return fa_fail(e, "MGRS '%s': expected zone (1-60), band letter, two square letters and an even number "
                          "of digits, e.g. 18SUJ2338308450", compact);
    return fa_fail(e, "position '%s': not MGRS (18SUJ2338308450), UTM (18N 323383 4308450) or latitude/"
                      "longitude (38.9072 -77.0369)", text);
}

int fires_pos_mgrs(const fires_pos *p, int digits, bool spaces, char *out, size_t n, fa_err *e)
{
    if (digits < 1 || digits > 5)
        return fa_fail(e, "MGRS precision: %d digits per axis is not in 1..5 (10 km .. 1 m)", digits);
    char err[256], s[64];
    if (fgeo_mgrs_forward(p->zone, p->northp, p->easting, p->northing, digits, s, sizeof s, err, sizeof err) != 0)
        return fa_fail(e, "MGRS: %s", err);
    if (s[0] == '0') /* GeographicLib pads zones 1-9 to two digits; doctrine and NGA write 4QFJ... */
        memmove(s, s + 1, strlen(s));
    if (!spaces) {
        snprintf(out, n, "%s", s);
        return 0;
    }
    size_t len = strlen(s), d = 2 * (size_t)digits, lead = len - d; /* GZD + square letters */
    snprintf(out, n, "%.*s %.*s %.*s %.*s", (int)(lead - 2), s, 2, s + lead - 2, digits, s + lead, digits,
             s + lead + digits);
    return 0;
}

void fires_pos_utm_str(const fires_pos *p, char *out, size_t n)
{
    if (p->zone == 0)
        snprintf(out, n, "%c %.1f %.1f", p->northp ? 'N' : 'S', p->easting, p->northing);
    else
        snprintf(out, n, "%d%c %.1f %.1f", p->zone, p->northp ? 'N' : 'S', p->easting, p->northing);
}

void fires_pos_dms_str(const fires_pos *p, char *out, size_t n)
{
    char a[64], b[64];
    fgeo_encode_dms(p->lat, true, a, sizeof a);
    fgeo_encode_dms(p->lon, false, b, sizeof b);
    snprintf(out, n, "%s %s", a, b);
}

int fires_pos_in_zone(const fires_pos *p, int zone, bool northp, double *easting, double *northing, fa_err *e)
{
    if (p->zone == zone && p->northp == northp) {
        *easting = p->easting;
        *northing = p->northing;
        return 0;
    }
    char err[256];
    int z;
    bool np;
    double gamma, k;
    if (fgeo_utmups_forward(p->lat, p->lon, zone, &z, &np, easting, northing, &gamma, &k, err, sizeof err) != 0)
        return fa_fail(e, "position cannot be carried into zone %d: %s", zone, err);
    if (np != northp) /* continue the northing across the equator in the first point's hemisphere */
        *northing += northp ? -10000000.0 : 10000000.0;
    return 0;
}

int fires_between(const fires_pos *a, double alt_a, const fires_pos *b, double alt_b, fires_geom *g, fa_err *e)
{
    if (!isfinite(alt_a) || !isfinite(alt_b))
        return fa_fail(e, "altitude: must be a finite number");
    double eb, nb;
    if (fires_pos_in_zone(b, a->zone, a->northp, &eb, &nb, e) != 0)
        return -1;
    double de = eb - a->easting, dn = nb - a->northing;
    memset(g, 0, sizeof *g);
    g->grid_dist_m = hypot(de, dn);
    double az = atan2(de, dn);
    g->grid_az_mils = fires_mils_wrap(fires_rad_to_mils(az));
    g->grid_az_deg = fmod(fires_rad_to_deg(az) + 360.0, 360.0);
    double s12, azi1, azi2;
    fgeo_inverse(a->lat, a->lon, b->lat, b->lon, &s12, &azi1, &azi2);
    g->geodesic_m = s12;
    g->true_az_deg = fmod(azi1 + 360.0, 360.0);
    g->true_az_mils = fires_mils_wrap(g->true_az_deg * 6400.0 / 360.0);
    g->convergence_mils = a->convergence_deg * 6400.0 / 360.0;
    g->vi_m = alt_b - alt_a;
    g->site_mils = g->grid_dist_m > 0 ? fires_rad_to_mils(atan2(g->vi_m, g->grid_dist_m)) : 0.0;
    return 0;
}

int fires_polar(const fires_pos *obs, double dir_mils, double dist_m, fires_pos *tgt, fa_err *e)
{
    if (!isfinite(dir_mils) || !isfinite(dist_m))
        return fa_fail(e, "polar: direction and distance must be finite numbers");
    if (dist_m < 0)
        return fa_fail(e, "polar: distance %g m is negative", dist_m);
    double a = fires_mils_to_rad(dir_mils);
    return fires_pos_from_utm(obs->zone, obs->northp, obs->easting + dist_m * sin(a), obs->northing + dist_m * cos(a),
                              tgt, e);
}

int fires_shift(const fires_pos *kp, double ot_dir_mils, double right_m, double add_m, fires_pos *tgt, fa_err *e)
{
    if (!isfinite(ot_dir_mils) || !isfinite(right_m) || !isfinite(add_m))
        return fa_fail(e, "shift: direction and corrections must be finite numbers");
    double a = fires_mils_to_rad(ot_dir_mils);
    double de = add_m * sin(a) + right_m * cos(a), dn = add_m * cos(a) - right_m * sin(a);
    return fires_pos_from_utm(kp->zone, kp->northp, kp->easting + de, kp->northing + dn, tgt, e);
}
