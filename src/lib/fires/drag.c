/* drag.c - drag tables: Mach number against the zero-yaw drag coefficient Cd (or Kd = pi/8 Cd, the BRL form used
 * by McCoy, Modern Exterior Ballistics, ch. 2), read from CSV files, checked, and interpolated with monotone
 * piecewise-cubic Hermite polynomials (Fritsch and Carlson, SIAM J. Numer. Anal. 17, 1980) so that the drag is
 * smooth for the adaptive integrator and never overshoots the tabulated points. */
#include "fires/fires.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void fires_drag_free(fires_drag *d)
{
    free(d->mach);
    free(d->cd);
    free(d->slope);
    memset(d, 0, sizeof *d);
}

/* Fritsch-Carlson slopes: harmonic mean of neighbouring secants, zero at extrema (replacing any earlier ones). */
static void pchip_slopes(fires_drag *d)
{
    size_t n = d->n;
    free(d->slope);
    d->slope = xcalloc(n, sizeof *d->slope);
    if (n < 3) {
        double s = (d->cd[1] - d->cd[0]) / (d->mach[1] - d->mach[0]);
        d->slope[0] = d->slope[1] = s;
        return;
    }
    for (size_t i = 1; i + 1 < n; i++) {
        double h0 = d->mach[i] - d->mach[i - 1], h1 = d->mach[i + 1] - d->mach[i];
        double s0 = (d->cd[i] - d->cd[i - 1]) / h0, s1 = (d->cd[i + 1] - d->cd[i]) / h1;
        if (s0 * s1 <= 0) {
            d->slope[i] = 0;
        } else {
            double w1 = 2 * h1 + h0, w2 = h1 + 2 * h0;
            d->slope[i] = (w1 + w2) / (w1 / s0 + w2 / s1);
        }
    }
    /* one-sided three-point ends, limited to keep the shape */
    for (int end = 0; end < 2; end++) {
        size_t i0 = end ? n - 1 : 0, i1 = end ? n - 2 : 1, i2 = end ? n - 3 : 2;
        double h0 = fabs(d->mach[i1] - d->mach[i0]), h1 = fabs(d->mach[i2] - d->mach[i1]);
        double s0 = (d->cd[i1] - d->cd[i0]) / (d->mach[i1] - d->mach[i0]);
        double s1 = (d->cd[i2] - d->cd[i1]) / (d->mach[i2] - d->mach[i1]);
        double m = ((2 * h0 + h1) * s0 - h0 * s1) / (h0 + h1);
        if (m * s0 <= 0)
            m = 0;
        else if (s0 * s1 <= 0 && fabs(m) > fabs(3 * s0))
            m = 3 * s0;
        d->slope[i0] = m;
    }
}

double fires_drag_cd(const fires_drag *d, double mach)
{
    if (mach <= d->mach[0])
        return d->cd[0];
    if (mach >= d->mach[d->n - 1])
        return d->cd[d->n - 1];
    size_t lo = 0, hi = d->n - 1;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (d->mach[mid] <= mach)
            lo = mid;
        else
            hi = mid;
    }
    double h = d->mach[hi] - d->mach[lo], t = (mach - d->mach[lo]) / h;
    double t2 = t * t, t3 = t2 * t;
    return (2 * t3 - 3 * t2 + 1) * d->cd[lo] + (t3 - 2 * t2 + t) * h * d->slope[lo] + (-2 * t3 + 3 * t2) * d->cd[hi] +
           (t3 - t2) * h * d->slope[hi];
}

int fires_drag_parse(const char *text, const char *label, fires_drag *d, fa_err *e)
{
    memset(d, 0, sizeof *d);
    snprintf(d->name, sizeof d->name, "%s", label);
    VEC(double) m = {0}, c = {0};
    bool header = false, kd = false;
    int lineno = 0;
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char line[512];
        snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line ? len : sizeof line - 1), p);
        p += len + (nl ? 1 : 0);
        lineno++;
        char *s = fa_trim(line);
        if (!*s || *s == '#')
            continue;
        if (!header) {
            header = true;
            if (!strncasecmp(s, "mach,", 5)) {
                char *col = fa_trim(s + 5);
                char *comma = strchr(col, ',');
                if (comma)
                    *comma = 0;
                fa_trim(col);
                if (!strcasecmp(col, "kd")) {
                    kd = true;
                } else if (strcasecmp(col, "cd")) {
                    free(m.v);
                    free(c.v);
                    return fa_fail(e, "drag table %s, line %d: second column is '%s'; expected cd or kd", label,
                                   lineno, col);
                }
                continue;
            }
            if (isalpha((unsigned char)*s)) {
                free(m.v);
                free(c.v);
                return fa_fail(e, "drag table %s, line %d: header must be 'mach,cd' or 'mach,kd'", label, lineno);
            }
        }
        char *end;
        double mach = strtod(s, &end);
        const char *why = NULL;
        double cd = NAN;
        if (end == s || *end != ',') {
            why = "Mach is not a number followed by a comma";
        } else {
            char *s2 = end + 1, *end2;
            cd = strtod(s2, &end2);
            while (isspace((unsigned char)*end2))
                end2++;
            if (end2 == s2 || (*end2 && *end2 != ','))
                why = kd ? "Kd is not a number" : "Cd is not a number";
        }
        if (!why && (!isfinite(mach) || mach < 0 || mach > 50))
            why = "Mach must be a finite number in 0..50";
        if (!why && (!isfinite(cd) || cd <= 0 || cd > 10))
            why = kd ? "Kd must be a finite number in (0, 10]" : "Cd must be a finite number in (0, 10]";
        if (!why && m.n && mach <= m.v[m.n - 1])
            why = mach == m.v[m.n - 1] ? "duplicate Mach value (each Mach once, ascending)"
                                       : "Mach values out of order (they must ascend)";
        if (why) {
            free(m.v);
            free(c.v);
            return fa_fail(e, "drag table %s, line %d: %s: '%s'", label, lineno, why, s);
        }
        VEC_PUSH(m, mach);
        VEC_PUSH(c, kd ? cd * 8.0 / FIRES_PI : cd);
    }
    if (m.n < 2) {
        free(m.v);
        free(c.v);
        return fa_fail(e, "drag table %s: needs at least two Mach,Cd rows, found %zu", label, m.n);
    }
    d->n = m.n;
    d->mach = m.v;
    d->cd = c.v;
    pchip_slopes(d);
    return 0;
}

int fires_drag_load(const char *path, fires_drag *d, fa_err *e)
{
    char *text = fa_read_file(path, NULL, e);
    if (!text)
        return -1;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char label[64];
    snprintf(label, sizeof label, "%.*s", (int)strcspn(base, "."), base);
    int rc = fires_drag_parse(text, label, d, e);
    free(text);
    return rc;
}

int fires_drag_find(const char *name, const char *const *dirs, fires_drag *d, fa_err *e)
{
    if (!name || !*name)
        return fa_fail(e, "--drag-table: missing name or file");
    if (strchr(name, '/') || strstr(name, ".csv"))
        return fires_drag_load(name, d, e);
    static const char *const forms[] = {"%s/%s.csv", "%s/drag_%s.csv", "%s/kd_%s.csv", "%s/cd_%s.csv"};
    strbuf tried = {0};
    for (size_t i = 0; dirs && dirs[i]; i++)
        for (size_t f = 0; f < sizeof forms / sizeof *forms; f++) {
            char path[1024];
            snprintf(path, sizeof path, forms[f], dirs[i], name);
            FILE *fp = fopen(path, "r");
            if (fp) {
                fclose(fp);
                sb_free(&tried);
                int rc = fires_drag_load(path, d, e);
                if (rc == 0)
                    snprintf(d->name, sizeof d->name, "%s", name);
                return rc;
            }
        }
    for (size_t i = 0; dirs && dirs[i]; i++)
        sb_addf(&tried, "%s%s", i ? ", " : "", dirs[i]);
    fa_fail(e, "drag table '%s' not found (looked for %s.csv, drag_%s.csv, kd_%s.csv in %s); give a file path or "
               "add the table to one of those folders", name, name, name, name, tried.s ? tried.s : "no folders");
    sb_free(&tried);
    return -1;
}

int fires_drag_multi_bc(fires_drag *d, const double *bc, const double *mach, size_t n, double sd_lb_in2, fa_err *e)
{
    /* Sierra-style ballistic coefficients by velocity band: the form factor i(M) = SD / BC(M), BC linear in Mach
     * between the given points and constant beyond them, is folded into the table (Cd = i(M) Cd_G(M)); the
     * projectile's own form factor is then 1. As McCoy ch. 2 defines BC = m / (i d^2) at each Mach. */
    if (!n)
        return fa_fail(e, "--bc: no ballistic coefficients");
    if (!(sd_lb_in2 > 0) || !isfinite(sd_lb_in2))
        return fa_fail(e, "--bc: the sectional density must be positive (give --mass and --diameter)");
    for (size_t k = 0; k < n; k++) {
        if (!isfinite(bc[k]) || bc[k] <= 0 || bc[k] > 10)
            return fa_fail(e, "--bc: point %zu: ballistic coefficient %g must be in (0, 10] lb/in^2", k + 1, bc[k]);
        if (!isfinite(mach[k]) || mach[k] <= 0 || mach[k] > 20)
            return fa_fail(e, "--bc: point %zu: the velocity must give a Mach number in (0, 20]", k + 1);
        if (k && mach[k] <= mach[k - 1])
            return fa_fail(e, "--bc: points must be given in ascending velocity, each velocity once (point %zu)", k + 1);
    }
    for (size_t i = 0; i < d->n; i++) {
        double m = d->mach[i], b;
        if (m <= mach[0]) {
            b = bc[0];
        } else if (m >= mach[n - 1]) {
            b = bc[n - 1];
        } else {
            size_t k = 1;
            while (mach[k] < m)
                k++;
            b = bc[k - 1] + (bc[k] - bc[k - 1]) * (m - mach[k - 1]) / (mach[k] - mach[k - 1]);
        }
        d->cd[i] *= sd_lb_in2 / b;
    }
    pchip_slopes(d);
    return 0;
}
