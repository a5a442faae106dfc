/* test_fires_geo.c - positions and grid geometry: the MGRS/UTM/UPS vectors of ../shared/corpus/geo read in place
 * (GeographicLib, NGA mgrs-java, proj4js, hobu mgrs, GEOTRANS 3.9), closed-form grid geometry, and bad grids. */
#include "check.h"
#include "fires/fires.h"
#include "fires/geo_shim.h"

#include <ctype.h>
#include <stdlib.h>

static const char *shared(void)
{
    const char *s = getenv("FAGPT_SHARED");
    return s && *s ? s : "../shared";
}

/* Splits one CSV line (double-quoted fields, "" escapes) into at most max fields; returns the count. */
static int csv_split(char *line, char **f, int max)
{
    int n = 0;
    char *w = line, *r = line;
    while (n < max) {
        f[n++] = w;
        bool q = false;
        for (;; r++) {
            if (*r == '"') {
                if (q && r[1] == '"') {
                    *w++ = '"';
                    r++;
                } else {
                    q = !q;
                }
            } else if ((*r == ',' && !q) || *r == 0 || *r == '\n' || *r == '\r') {
                break;
            } else {
                *w++ = *r;
            }
        }
        char end = *r;
        *w++ = 0;
        if (end != ',')
            break;
        r++;
    }
    return n;
}

/* Digits per axis of an MGRS string. */
static int mgrs_digits(const char *m)
{
    size_t d = 0, len = strlen(m);
    while (d < len && isdigit((unsigned char)m[len - 1 - d]))
        d++;
    return (int)(d / 2);
}

static int geo_to_mgrs_ok(double lat, double lon, const char *want, const char *alt)
{
    fires_pos p;
    fa_err e;
    char got[64];
    if (fires_pos_from_latlon(lat, lon, &p, &e) != 0 || fires_pos_mgrs(&p, mgrs_digits(want), false, got, sizeof got, &e))
        return 0;
    /* GEOTRANS pads zones 1-9 to two digits ("01NBA..."); FA-GPT writes them as NGA and doctrine do ("1NBA...") */
    if (want[0] == '0')
        want++;
    if (alt && alt[0] == '0')
        alt++;
    return !strcmp(got, want) || (alt && *alt && !strcmp(got, alt));
}

/* A point that lies within 0.06 m of a 1 m line (half the 1e-6 deg print precision of the GEOTRANS inputs):
 * GEOTRANS rounds to the metre there, GeographicLib truncates as MGRS requires, so the last digit may differ. */
static int on_metre_edge(double lat, double lon)
{
    fires_pos p;
    fa_err e;
    if (fires_pos_from_latlon(lat, lon, &p, &e) != 0)
        return 0;
    double fx = p.easting - floor(p.easting), fy = p.northing - floor(p.northing);
    return fx < 0.06 || fx > 0.94 || fy < 0.06 || fy > 0.94;
}

static int mgrs_to_geo_ok(const char *mgrs, bool centre, double lat, double lon, double tol)
{
    int zone, prec;
    bool northp;
    double x, y;
    char err[256];
    fires_pos p;
    fa_err e;
    if (centre) {
        if (fires_pos_parse(mgrs, &p, &e) != 0)
            return 0;
    } else if (fgeo_mgrs_reverse(mgrs, false, &zone, &northp, &x, &y, &prec, err, sizeof err) != 0 ||
               fires_pos_from_utm(zone, northp, x, y, &p, &e) != 0) {
        return 0;
    }
    return fabs(p.lat - lat) <= tol && fabs(p.lon - lon) <= tol;
}

/* GEOTRANS "lat lon" as it computed them (SW corner), 1e-6 deg print precision. */
static int geotrans_rev_ok(const char *mgrs, const char *other)
{
    double lat, lon;
    return sscanf(other, "%lf %lf", &lat, &lon) == 2 && mgrs_to_geo_ok(mgrs, false, lat, lon, 1.0001e-6);
}

/* proj4js mgrs.toPoint: the middle, in latitude and longitude, of the square's SW and NE corners. */
static int bbox_centre_ok(const char *mgrs, double lat, double lon, double tol)
{
    int zone, prec;
    bool northp;
    double x, y;
    char err[256];
    fires_pos sw, ne;
    fa_err e;
    if (fgeo_mgrs_reverse(mgrs, false, &zone, &northp, &x, &y, &prec, err, sizeof err) != 0)
        return 0;
    double side = pow(10.0, 5 - prec);
    if (fires_pos_from_utm(zone, northp, x, y, &sw, &e) || fires_pos_from_utm(zone, northp, x + side, y + side, &ne, &e))
        return 0;
    return fabs((sw.lat + ne.lat) / 2 - lat) <= tol && fabs((sw.lon + ne.lon) / 2 - lon) <= tol;
}

static double tol_of(const char *t, double def)
{
    const char *s = strstr(t, "1e-");
    return s ? atof(s) : def;
}

/* The hand-written vectors and the GEOTRANS subset of mgrs_vectors.csv, one check each. */
/* MGRS of a point in a given zone (-1 the standard one, 0 UPS) at prec digits per axis, as GeoConvert -z does. */
static int mgrs_in_zone(double lat, double lon, int setzone, int prec, char *out, size_t n)
{
    int zone;
    bool np;
    double x, y, g, k;
    char err[256];
    return fgeo_utmups_forward(lat, lon, setzone, &zone, &np, &x, &y, &g, &k, err, sizeof err) ||
           fgeo_mgrs_forward(zone, np, x, y, prec, out, n, err, sizeof err);
}

/* South-west corner of a grid zone designation: latitude bands of 8 degrees from 80S (X is 72-84N), zones of
 * 6 degrees, with the Norway (32V from 3E) and Svalbard (31X, 33X, 35X, 37X) exceptions. */
static void gzd_sw(int zone, char band, double *lat, double *lon)
{
    static const char bands[] = "CDEFGHJKLMNPQRSTUVWX";
    *lat = -80.0 + 8.0 * (double)(strchr(bands, band) - bands);
    *lon = -180.0 + 6.0 * (zone - 1);
    if (band == 'V' && zone == 32)
        *lon = 3;
    if (band == 'X' && zone >= 33 && zone <= 37 && zone % 2)
        *lon = (zone == 33) ? 9 : (zone == 35) ? 21 : 33;
}

/* SW corner of an MGRS 100 km square that straddles its grid zone, as NGA's library reports it: where the
 * square's south edge (constant northing) meets the zone's west meridian, or its west edge (constant easting)
 * meets the band's south parallel, or the zone's own corner when both are outside. */
static int clamped_sw_ok(const char *mgrs, double lat, double lon)
{
    int zone, prec;
    bool np;
    double x, y, la, lo, g, k;
    char err[256];
    if (fgeo_mgrs_reverse(mgrs, false, &zone, &np, &x, &y, &prec, err, sizeof err) ||
        fgeo_utmups_reverse(zone, np, x, y, &la, &lo, &g, &k, err, sizeof err))
        return 0;
    double s0, w0;
    gzd_sw(atoi(mgrs), mgrs[strspn(mgrs, "0123456789")], &s0, &w0);
    bool west = lo < w0, south = la < s0;
    if (west && south)
        return fabs(s0 - lat) < 1e-4 && fabs(w0 - lon) < 1e-4;
    double a = 0, b = 100000; /* bisection along the edge that crosses the zone's boundary */
    for (int i = 0; i < 60; i++) {
        double m = (a + b) / 2;
        if (fgeo_utmups_reverse(zone, np, x + (west ? m : 0), y + (south ? m : 0), &la, &lo, &g, &k, err,
                                sizeof err))
            return 0;
        if (west ? lo < w0 : south ? la < s0 : false)
            a = m;
        else
            b = m;
    }
    return fabs(la - lat) < 1e-4 && fabs(lo - lon) < 1e-4;
}

static void corpus_small(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/corpus/geo/mgrs_vectors.csv", shared());
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f)
        return;
    char line[1024], *fl[12], what[256];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || !strncmp(line, "src,", 4))
            continue;
        if (csv_split(line, fl, 12) < 10)
            continue;
        const char *src = fl[0], *id = fl[1], *dir = fl[2], *mgrs = fl[5], *other = fl[6], *tol = fl[7];
        double lat = atof(fl[3]), lon = atof(fl[4]);
        int ok = -1;
        if (!strcmp(dir, "geo_to_mgrs")) {
            if (!strcmp(src, "NGA") && lat >= 84.0) { /* NGA's library has no UPS and keeps 84N in UTM; GeographicLib
                                                        * puts 84N in UPS, so compare in the UTM zone the vector names */
                char got[64];
                ok = mgrs_in_zone(lat, lon, atoi(mgrs), mgrs_digits(mgrs), got, sizeof got) == 0 && !strcmp(got, mgrs);
            } else {
                ok = geo_to_mgrs_ok(lat, lon, mgrs, !strcmp(src, "GT") ? other : NULL);
            }
        } else if (!strcmp(dir, "geo_to_mgrs_forced_zone31") || !strcmp(dir, "geo_to_mgrs_forced_ups")) {
            char got[64];
            ok = mgrs_in_zone(lat, lon, strstr(dir, "ups") ? 0 : 31, mgrs_digits(mgrs), got, sizeof got) == 0 &&
                 !strcmp(got, mgrs);
        } else if (!strcmp(dir, "mgrs_to_mgrs_standard_zone") || !strcmp(dir, "mgrs_to_mgrs_forced_ups")) {
            fires_pos p; /* GeoConvert -p -3 (two digits a side) in the standard zone or in UPS */
            fa_err e;
            char got[64];
            ok = fires_pos_parse(mgrs, &p, &e) == 0 &&
                 mgrs_in_zone(p.lat, p.lon, strstr(dir, "ups") ? 0 : -1, 2, got, sizeof got) == 0 &&
                 !strcmp(got, other + 10);
        } else if (!strcmp(dir, "mgrs_to_geo_swcorner_clamped")) {
            ok = clamped_sw_ok(mgrs, lat, lon);
        } else if (!strcmp(dir, "mgrs_to_geo")) {
            bool sw = !strcmp(src, "HB") || !strcmp(src, "GT"); /* hobu mgrs and GEOTRANS give the SW corner */
            ok = mgrs_to_geo_ok(mgrs, !sw, lat, lon, tol_of(tol, 1e-9));
            if (!strcmp(src, "GT")) /* 'other' is what GEOTRANS computed, printed to 1e-6 deg */
                ok = geotrans_rev_ok(mgrs, other);
            if (!strcmp(src, "GL")) { /* "expected: 33.33424 44.40363" */
                double a, b;
                ok = sscanf(other, "expected: %lf %lf", &a, &b) == 2 && mgrs_to_geo_ok(mgrs, true, a, b, 5e-6);
            }
        } else if (!strcmp(dir, "mgrs_to_geo_centre")) {
            if (mgrs_digits(mgrs) == 0) { /* proj4js clips a 100 km square to its grid zone before taking the middle;
                                            * the vector's own check is that its centre is in that square */
                char got[64];
                ok = mgrs_in_zone(lat, lon, -1, 0, got, sizeof got) == 0 && !strcmp(got, mgrs);
            } else {
                ok = bbox_centre_ok(mgrs, lat, lon, tol_of(tol, 1e-6));
            }
        } else if (!strcmp(dir, "mgrs_to_geo_swcorner")) {
            if (mgrs_digits(mgrs) == 0 && strlen(mgrs) <= 3) { /* a bare grid zone: its corner from the zone rules */
                double la, lo;
                gzd_sw(atoi(mgrs), mgrs[strspn(mgrs, "0123456789")], &la, &lo);
                ok = fabs(la - lat) < 1e-4 && fabs(lo - lon) < 1e-4;
            } else {
                ok = mgrs_to_geo_ok(mgrs, false, lat, lon, 1e-4);
            }
        } else if (!strcmp(dir, "mgrs_to_geo_dms")) {
            char a[64], b[64];
            double la, lo;
            char err[256];
            ok = sscanf(other, "expected: %63s %63s", a, b) == 2 &&
                 fgeo_decode_latlon(a, b, &la, &lo, err, sizeof err) == 0 &&
                 mgrs_to_geo_ok(mgrs, true, la, lo, 0.05 / 3600.0);
        } else if (!strcmp(dir, "mgrs_validity")) {
            fires_pos p;
            fa_err e;
            ok = (fires_pos_parse(mgrs, &p, &e) == 0) == !strcmp(other, "valid");
        } else if (!strcmp(dir, "mgrs_to_utm")) {
            fires_pos p;
            fa_err e;
            char hemi;
            int zone;
            double x, y;
            bool centre = !strcmp(src, "GL");
            const char *exp = strncmp(other, "expected: ", 10) ? other : other + 10;
            if (sscanf(exp, "%d %c %lf %lf", &zone, &hemi, &x, &y) != 4 &&
                sscanf(exp, "%d%c %lf %lf", &zone, &hemi, &x, &y) != 4) {
                ok = 0;
            } else if (centre) {
                ok = fires_pos_parse(mgrs, &p, &e) == 0 && p.zone == zone && fabs(p.easting - x) < 1e-6 &&
                     fabs(p.northing - y) < 1e-6;
            } else {
                int z, prec;
                bool np;
                double ex, ny;
                char err[256];
                ok = fgeo_mgrs_reverse(mgrs, false, &z, &np, &ex, &ny, &prec, err, sizeof err) == 0 && z == zone &&
                     fabs(ex - x) < 1e-6 && fabs(ny - y) < 1e-6;
            }
        } else if (!strcmp(dir, "utm_to_mgrs") || !strcmp(dir, "ups_to_mgrs")) {
            /* "input: 38n 444140.6 3684706.3"; the precision follows from the expected string */
            fires_pos p;
            fa_err e;
            char got[64], err[256];
            const char *gc = strstr(fl[10], "-p ");
            int prec = gc ? atoi(gc + 3) + 5 : mgrs_digits(mgrs);
            ok = fires_pos_parse(other + 7, &p, &e) == 0 &&
                 fgeo_mgrs_forward(p.zone, p.northp, p.easting, p.northing, prec, got, sizeof got, err,
                                   sizeof err) == 0 &&
                 !strcmp(got, mgrs);
        } else if (!strcmp(dir, "mgrs_to_mgrs")) {
            fires_pos p;
            fa_err e;
            char got[64];
            ok = fires_pos_parse(mgrs, &p, &e) == 0 && fires_pos_mgrs(&p, 2, false, got, sizeof got, &e) == 0 &&
                 !strcmp(got, other + 10);
        } else if (!strcmp(dir, "geo_to_utm") || !strcmp(dir, "geo_to_utmups")) {
            fires_pos p;
            fa_err e;
            char z[8];
            double x, y;
            double t = strchr(other, '.') ? 1e-6 : 0.5; /* printed to whole metres or to 1e-6 m */
            ok = sscanf(other, "expected: %7s %lf %lf", z, &x, &y) == 3 && fires_pos_from_latlon(lat, lon, &p, &e) == 0 &&
                 fabs(p.easting - x) < t && fabs(p.northing - y) < t &&
                 p.northp == (tolower((unsigned char)z[strlen(z) - 1]) == 'n') && p.zone == atoi(z);
        }
        if (ok < 0)
            continue;
        snprintf(what, sizeof what, "%s %s %s %s", src, id, dir, mgrs);
        check_report(ok, __FILE__, __LINE__, what);
        n++;
    }
    fclose(f);
    CHECK(n > 1300);
}

/* The full GEOTRANS 3.9 sets: one check per direction, counting mismatches. */
static void corpus_geotrans_full(void)
{
    char path[512];
    snprintf(path, sizeof path, "%s/corpus/geo/mgrs_vectors_geotrans_full.csv", shared());
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f)
        return;
    char line[1024], *fl[12];
    int fwd = 0, fwd_bad = 0, fwd_edge = 0, rev = 0, rev_bad = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || !strncmp(line, "src,", 4) || csv_split(line, fl, 12) < 10)
            continue;
        double lat = atof(fl[3]), lon = atof(fl[4]);
        if (!strcmp(fl[2], "geo_to_mgrs")) {
            fwd++;
            if (!geo_to_mgrs_ok(lat, lon, fl[5], fl[6])) {
                if (on_metre_edge(lat, lon))
                    fwd_edge++;
                else if (fwd_bad++ < 5)
                    printf("# geo_to_mgrs %s: %f %f want %s\n", fl[1], lat, lon, fl[5]);
            }
        } else if (!strcmp(fl[2], "mgrs_to_geo")) {
            rev++;
            if (!geotrans_rev_ok(fl[5], fl[6])) {
                if (rev_bad++ < 5)
                    printf("# mgrs_to_geo %s: %s want %f %f\n", fl[1], fl[5], lat, lon);
            }
        }
    }
    fclose(f);
    printf("# figure GEOTRANS full: geo->MGRS %d/%d match (%d more differ in the last digit on a metre line), "
           "MGRS->geo %d/%d match\n", fwd - fwd_bad - fwd_edge, fwd, fwd_edge, rev - rev_bad, rev);
    CHECK(fwd == 16620 && fwd_bad == 0);
    CHECK(rev == 16620 && rev_bad == 0);
}

static void geometry(void)
{
    fires_pos a, b, t;
    fa_err e;
    CHECK(fires_pos_parse("18S UJ 23383 08450", &a, &e) == 0);
    CHECK(a.mgrs_digits == 5);
    CHECK(fires_pos_from_utm(a.zone, a.northp, a.easting + 3000, a.northing + 4000, &b, &e) == 0);
    fires_geom g;
    CHECK(fires_between(&a, 100, &b, 200, &g, &e) == 0);
    CHECK_NEAR(g.grid_dist_m, 5000, 1e-6);
    CHECK_NEAR(g.grid_az_deg, fires_rad_to_deg(atan2(3, 4)), 1e-9);
    CHECK_NEAR(g.grid_az_mils, fires_rad_to_mils(atan2(3, 4)), 1e-9);
    CHECK_NEAR(g.vi_m, 100, 1e-9);
    CHECK_NEAR(g.site_mils, fires_rad_to_mils(atan(100.0 / 5000.0)), 1e-9);
    /* true azimuth = grid azimuth + convergence at the origin, to the curvature of the line (< 1 mil at 5 km) */
    CHECK_NEAR(fires_mils_wrap(g.true_az_mils - g.grid_az_mils - g.convergence_mils + 3200) - 3200, 0, 0.5);
    CHECK_NEAR(g.geodesic_m, g.grid_dist_m / a.scale, 1.0);

    /* Polar plot 1600 mils (east) 1000 m; shift right 100, add 200 along direction 0 (north). */
    CHECK(fires_polar(&a, 1600, 1000, &t, &e) == 0);
    CHECK_NEAR(t.easting - a.easting, 1000, 1e-6);
    CHECK_NEAR(t.northing - a.northing, 0, 1e-6);
    CHECK(fires_shift(&a, 0, 100, 200, &t, &e) == 0);
    CHECK_NEAR(t.easting - a.easting, 100, 1e-6);
    CHECK_NEAR(t.northing - a.northing, 200, 1e-6);
    CHECK(fires_shift(&a, 1600, -50, 300, &t, &e) == 0); /* looking east: left is north */
    CHECK_NEAR(t.easting - a.easting, 300, 1e-6);
    CHECK_NEAR(t.northing - a.northing, 50, 1e-6);

    char s[64];
    CHECK(fires_pos_mgrs(&a, 5, true, s, sizeof s, &e) == 0);
    CHECK_STR(s, "18S UJ 23383 08450");
    CHECK(fires_pos_mgrs(&a, 1, false, s, sizeof s, &e) == 0);
    CHECK_STR(s, "18SUJ20");
    CHECK(fires_pos_parse("38.9072, -77.0369", &b, &e) == 0);
    CHECK(fires_pos_mgrs(&b, 5, false, s, sizeof s, &e) == 0);
    CHECK_STR(s, "18SUJ2338308450");
    CHECK(fires_pos_parse("38d54'25.92\"N 77d02'12.84\"W", &b, &e) == 0);
    CHECK_NEAR(b.lat, 38.9072, 1e-6);
    CHECK_NEAR(b.lon, -77.0369, 1e-6);
    CHECK(fires_pos_parse("18N 323383 4308450", &b, &e) == 0);
    CHECK(b.zone == 18 && b.northp);
    CHECK(fires_pos_parse("18suj2308", &b, &e) == 0 && b.mgrs_digits == 2);

    /* Across a zone boundary the second point is carried into the first point's zone. */
    CHECK(fires_pos_parse("31U FT 99000 50000", &a, &e) == 0);
    CHECK(fires_pos_parse("32U KA 05000 50000", &b, &e) == 0 || fires_pos_from_latlon(a.lat, a.lon + 0.2, &b, &e) == 0);
    CHECK(fires_between(&a, 0, &b, 0, &g, &e) == 0);
    CHECK(fabs(g.grid_dist_m - g.geodesic_m) / g.geodesic_m < 5e-4);
    /* across the equator the northing is carried on in the first point's hemisphere */
    CHECK(fires_pos_from_latlon(0.05, 33.0, &a, &e) == 0 && fires_pos_from_latlon(-0.05, 33.0, &b, &e) == 0);
    CHECK(a.northp && !b.northp);
    CHECK(fires_between(&a, 0, &b, 0, &g, &e) == 0);
    CHECK(fabs(g.grid_dist_m - g.geodesic_m) / g.geodesic_m < 5e-4);
    CHECK_NEAR(g.grid_az_mils, 3200, 1);
}

static void bad_input(void)
{
    fires_pos p;
    fa_err e;
    /* each kind of bad position, and the words of the error that name what is wrong */
    struct { const char *pos, *want; } bad[] = {
        {"18SUJ233830845", "same number"},             /* odd digit count */
        {"18SUJ233830845012", "finer than 1 m"},       /* too many digits */
        {"18SUI2338308450", "letter I"},               /* bad letters */
        {"18SOJ2338308450", "letter O"},
        {"18SUW2338308450", "Row letter W"},
        {"18SUJ23383O8450", "even number of digits"},
        {"61SUJ2338308450", "Zone 61"},                /* no such zone */
        {"38ZMB4488", "Band letter Z"},                /* no such band in UTM */
        {"18AUJ2338308450", "Band letter A"},
        {"18TUJ2338308450", "not in zone/band 18T"},   /* a real square, but in the wrong band for it */
        {"18RUJ2338308450", "not in zone/band 18R"},
        {"32XMH11", "32X does not exist"},             /* Svalbard exception */
        {"", "position"},
        {"nan nan", "not a finite number"},
        {"inf 0", "not a finite number"},
        {"91 0", "Latitude 91"},
        {"hello", "hello"},
        {"18N abc 4308450", "UTM easting"},
        {"38.9 -77.0 12", "38.9 -77.0 12"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int rc = fires_pos_parse(bad[i].pos, &p, &e);
        char what[160];
        snprintf(what, sizeof what, "rejects position '%s' saying '%s'", bad[i].pos, bad[i].want);
        check_report(rc != 0 && strstr(e.msg, bad[i].want), __FILE__, __LINE__, what);
        if (rc)
            printf("#   %s\n", e.msg);
    }
    CHECK(fires_pos_parse("18SUJ233830845", &p, &e) != 0 && strstr(e.msg, "digits"));
    CHECK(fires_pos_parse("18SUI2338308450", &p, &e) != 0 && strstr(e.msg, "letter I"));
    double v;
    CHECK(fires_parse_num("nan", "--alt-a", &v, &e) != 0 && strstr(e.msg, "--alt-a"));
    CHECK(fires_parse_num("12x", "--mv", &v, &e) != 0 && strstr(e.msg, "--mv"));
    CHECK(fires_parse_num("1e400", "--mass", &v, &e) != 0);
    CHECK(fires_parse_num(" 12.5", "--mv", &v, &e) == 0 && v == 12.5);
    CHECK(fires_pos_parse("18S UJ 23383 08450", &p, &e) == 0);
    fires_geom g;
    CHECK(fires_between(&p, NAN, &p, 0, &g, &e) != 0);
    char s[64];
    CHECK(fires_pos_mgrs(&p, 6, false, s, sizeof s, &e) != 0);
}

int main(void)
{
    corpus_small();
    corpus_geotrans_full();
    geometry();
    bad_input();
    return check_done();
}
