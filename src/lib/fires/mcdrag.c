/* mcdrag.c - zero-yaw drag coefficient from the shape of a projectile, by R. L. McCoy's semi-empirical method:
 * "MC DRAG - a computer program for estimating the drag coefficients of projectiles", BRL Technical Report
 * ARBRL-TR-02293 (1981; US Government, public). CD0 is the sum of five parts, each an empirical fit of the
 * report's section II: head (nose wave and meplat) drag, skin friction, rotating-band drag, boattail drag and
 * base drag. The result is a Mach-Cd table on the report's Mach grid (0.5 .. 5) for the trajectory model.
 * Lengths are in calibres of the reference diameter; the diameter itself (mm) only sets the Reynolds number,
 * which the report takes at sea-level standard conditions (Re per calibre and Mach = 23296.3 x diameter in mm). */
#include "fires/fires.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The report's Mach numbers (its Fig. 26 output). */
static const double grid[] = {0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.925, 0.95, 0.975, 1.0, 1.1, 1.2, 1.3,
                              1.4, 1.5, 1.6, 1.7, 1.8, 2.0,  2.2, 2.5, 3.0, 3.5, 4.0, 4.5, 5.0};
#define NGRID (sizeof grid / sizeof *grid)

int fires_mcdrag_check(const fires_mcdrag_shape *s, fa_err *e)
{
    if (!isfinite(s->diameter_mm) || s->diameter_mm < 1 || s->diameter_mm > 1000)
        return fa_fail(e, "--diameter: %g mm must be in 1 .. 1000 mm", s->diameter_mm);
    if (!isfinite(s->length_cal) || s->length_cal <= 0 || s->length_cal > 15)
        return fa_fail(e, "--length: %g calibres must be in (0, 15]", s->length_cal);
    if (!isfinite(s->nose_cal) || s->nose_cal <= 0 || s->nose_cal > s->length_cal)
        return fa_fail(e, "--nose: %g calibres must be positive and not longer than the projectile (%g)",
                       s->nose_cal, s->length_cal);
    if (!isfinite(s->boattail_cal) || s->boattail_cal < 0 || s->nose_cal + s->boattail_cal > s->length_cal)
        return fa_fail(e, "--boattail: %g calibres must be >= 0 and fit behind the nose (nose + boattail <= length)",
                       s->boattail_cal);
    if (!isfinite(s->rt_r) || s->rt_r < 0 || s->rt_r > 1)
        return fa_fail(e, "--rt-r: %g must be in 0 .. 1 (1 a tangent ogive, 0 a cone)", s->rt_r);
    if (!isfinite(s->base_cal) || s->base_cal <= 0 || s->base_cal > 1)
        return fa_fail(e, "--base: %g calibres must be in (0, 1]", s->base_cal);
    if (!isfinite(s->meplat_cal) || s->meplat_cal < 0 || s->meplat_cal >= 1)
        return fa_fail(e, "--meplat: %g calibres must be in [0, 1)", s->meplat_cal);
    if (!isfinite(s->band_cal) || s->band_cal < 1 || s->band_cal > 1.1)
        return fa_fail(e, "--band: %g calibres must be in 1 .. 1.1 (1 for no band)", s->band_cal);
    if (s->bl != FIRES_BL_LL && s->bl != FIRES_BL_LT && s->bl != FIRES_BL_TT)
        return fa_fail(e, "--boundary-layer: must be LL, LT or TT");
    return 0;
}

/* Guards the fits against a 0/0 at a branch edge: such a part is taken as no drag, as the report's program does. */
static double part(double v)
{
    return isfinite(v) ? v : 0.0;
}

/* Boattail factor shared by the transonic fits: the report's expansion over a conical boattail of slope tb. */
static double boattail_transonic(double tb, double lbt)
{
    double shape = 2 * tb * tb + tb * tb * tb, e1 = exp(-2 * lbt);
    return 2 * shape * (1 - e1 + 2 * tb * (e1 * (lbt + 0.5) - 0.5));
}

double fires_mcdrag_cd0(const fires_mcdrag_shape *s, double mach, fires_mcdrag_parts *out)
{
    const double L = s->length_cal, ln = s->nose_cal, lbt = s->boattail_cal, R = s->rt_r, db = s->base_cal,
                 dm = s->meplat_cal;
    const double m2 = mach * mach;
    const double tn = (1 - dm) / ln;                  /* nose slope parameter */
    const double c15 = (m2 - 1) / (2.4 * m2);         /* transonic similarity term */

    /* skin friction: laminar (Blasius) and turbulent (Schlichting-Prandtl) flat-plate coefficients with
     * compressibility factors, over the nose and the afterbody wetted areas (in calibres^2) */
    double re = 23296.3 * mach * L * s->diameter_mm;
    double cf_lam = 1.328 / sqrt(re) * pow(1 + 0.12 * m2, -0.12);
    double cf_turb = 0.455 / pow(log10(re), 2.58) * pow(1 + 0.21 * m2, -0.32);
    double dshape = 1 + (0.333 + 0.02 / (ln * ln)) * R;
    double s_nose = FIRES_PI / 2 * ln * dshape * (1 + 1 / (8 * ln * ln)), s_body = FIRES_PI * (L - ln);
    double cf_nose = s->bl == FIRES_BL_TT ? cf_turb : cf_lam, cf_body = s->bl == FIRES_BL_LL ? cf_lam : cf_turb;
    double skin = 4 / FIRES_PI * (cf_nose * s_nose + cf_body * s_body);

    /* meplat: stagnation pressure over the flat nose area (proportional to the meplat area, dm^2), faded in
     * through the transonic range */
    double p0 = mach > 1 ? pow(1.2 * m2, 3.5) * pow(6 / (7 * m2 - 1), 2.5) : pow(1 + 0.2 * m2, 3.5);
    double cd_meplat = 1.122 * (p0 - 1) * dm * dm / m2;
    double meplat = mach <= 0.91 ? 0 : mach >= 1.41 ? 0.85 * cd_meplat : (0.254 + 2.88 * c15) * cd_meplat;

    /* base: base pressure ratio fit, raised by a long afterbody and a small base */
    double pb = mach < 1 ? 1 / (1 + 0.1875 * m2 + 0.0531 * m2 * m2) : 1 / (1 + 0.2477 * m2 + 0.0345 * m2 * m2);
    pb *= (1 + 0.09 * m2 * (1 - exp(ln - L))) * (1 + 0.25 * m2 * (1 - db));
    double base = pb >= 0 ? 1.4286 * (1 - pb) * db * db / m2 : 0;

    /* rotating band */
    double band = mach < 0.95 ? pow(mach, 12.5) * (s->band_cal - 1) : (0.21 + 0.28 / m2) * (s->band_cal - 1);

    double head, tail = 0;
    double tb = lbt > 0 ? (1 - db) / (2 * lbt) : 0; /* boattail slope */
    if (mach > 1) {
        /* supersonic nose wave drag; below the shock-attachment Mach number the fit is frozen there */
        double b2 = m2 - 1, b = sqrt(b2), z = b, m_att = 1 + 0.368 * pow(tn, 1.85);
        if (mach < m_att)
            z = sqrt(m_att * m_att - 1);
        double k1 = 0.7156 - 0.5313 * R + 0.595 * R * R, k2 = 0.0796 + 0.0779 * R, k3 = 1.587 + 0.049 * R,
               k4 = 0.1122 + 0.1658 * R;
        head = (k1 - k2 * tn * tn) / (z * z) * pow(tn * z, k3 + k4 * tn) + meplat;
        if (lbt > 0) {
            if (mach <= 1.1) {
                tail = boattail_transonic(tb, lbt) * (1.774 - 9.3 * c15);
            } else { /* supersonic boattail: expansion with the decay of the nose's pressure field */
                double bb = 0.85 / b;
                double a12 = 5 * tn / (6 * b) + (0.5 * tn) * (0.5 * tn) - 0.7435 / m2 * pow(tn * mach, 1.6);
                double a11 = (1 - 0.6 * R / mach) * a12;
                double decay = exp(-1.1952 / mach * (L - ln - lbt));
                double x3 = (2.4 * m2 * m2 - 4 * b2) * tb * tb / (2 * b2 * b2);
                double a1 = a11 * decay - x3 + 2 * tb / b;
                double r5 = 1 / bb, e3 = exp(-bb * lbt);
                double a2 = 1 - e3 + 2 * tb * (e3 * (lbt + r5) - r5);
                tail = 4 * a1 * tb * a2 * r5;
            }
        }
    } else {
        if (lbt > 0 && mach > 0.85)
            tail = boattail_transonic(tb, lbt) / (0.564 + 1250 * c15 * c15);
        double m_crit = pow(1 + 0.552 * pow(tn, 0.8), -0.5); /* critical Mach number of the nose */
        head = mach <= m_crit ? meplat : 0.368 * pow(tn, 1.8) + 1.6 * tn * c15 + meplat;
    }
    fires_mcdrag_parts p = {.head = part(head), .skin = part(skin), .band = part(band), .boattail = part(tail),
                            .base = part(base)};
    p.total = p.head + p.skin + p.band + p.boattail + p.base;
    if (out)
        *out = p;
    return p.total;
}

int fires_mcdrag_table(const fires_mcdrag_shape *s, fires_drag *d, fa_err *e)
{
    memset(d, 0, sizeof *d);
    if (fires_mcdrag_check(s, e) != 0)
        return -1;
    strbuf csv = {0};
    sb_add(&csv, "mach,cd\n");
    for (size_t i = 0; i < NGRID; i++) {
        double cd = fires_mcdrag_cd0(s, grid[i], NULL);
        if (!(cd > 0 && cd <= 10)) {
            sb_free(&csv);
            return fa_fail(e, "MC DRAG: Cd %g at Mach %g is outside (0, 10]; check the shape", cd, grid[i]);
        }
        sb_addf(&csv, "%.17g,%.17g\n", grid[i], cd);
    }
    int rc = fires_drag_parse(csv.s, "mcdrag", d, e);
    sb_free(&csv);
    return rc;
}
