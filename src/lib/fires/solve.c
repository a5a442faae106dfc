/* solve.c - firing data from the trajectory model: maximum range, the quadrant elevation that reaches a range
 * (low and high angle), rows of a tabular firing table with correction factors by finite differences (in the
 * spirit of TC 3-09.81 and the Table F columns of the tabular firing tables), and the form factor fitted to
 * observed ranges, as ranges are matched to firing. */
#include "fires/fires.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Range at a QE: 0 when the round never comes back to the target altitude. */
static int range_at(const fires_shot *tmpl, double qe, double *range, fires_traj *keep, fa_err *e)
{
    fires_shot s = *tmpl;
    s.qe_rad = qe;
    s.point_dt = 0;
    fires_traj r;
    if (fires_trajectory(&s, &r, e) != 0)
        return -1;
    *range = r.impact ? r.range_m : 0;
    if (keep)
        *keep = r;
    else
        fires_traj_free(&r);
    return 0;
}

int fires_max_range(const fires_shot *tmpl, double min_qe, double max_qe, double *range, double *qe, fa_err *e)
{
    if (!(min_qe < max_qe))
        return fa_fail(e, "elevation limits: minimum %.1f mils is not below maximum %.1f mils",
                       fires_rad_to_mils(min_qe), fires_rad_to_mils(max_qe));
    /* coarse scan (the range curve can be flat at both ends when the target is above the gun), then golden
     * section around the best sample */
    enum { N = 24 };
    double best = -1, best_qe = min_qe, step = (max_qe - min_qe) / N;
    for (int i = 0; i <= N; i++) {
        double q = min_qe + i * step, r;
        if (range_at(tmpl, q, &r, NULL, e) != 0)
            return -1;
        if (r > best) {
            best = r;
            best_qe = q;
        }
    }
    double a = fmax(min_qe, best_qe - step), b = fmin(max_qe, best_qe + step);
    const double gr = 0.6180339887498949;
    double x1 = b - gr * (b - a), x2 = a + gr * (b - a), f1, f2;
    if (range_at(tmpl, x1, &f1, NULL, e) || range_at(tmpl, x2, &f2, NULL, e))
        return -1;
    while (b - a > 1e-7) {
        if (f1 > f2) {
            b = x2;
            x2 = x1;
            f2 = f1;
            x1 = b - gr * (b - a);
            if (range_at(tmpl, x1, &f1, NULL, e))
                return -1;
        } else {
            a = x1;
            x1 = x2;
            f1 = f2;
            x2 = a + gr * (b - a);
            if (range_at(tmpl, x2, &f2, NULL, e))
                return -1;
        }
    }
    double q = (a + b) / 2, r;
    if (range_at(tmpl, q, &r, NULL, e))
        return -1;
    if (best > r) {
        r = best;
        q = best_qe;
    }
    if (r <= 0)
        return fa_fail(e, "the round never reaches the target altitude within the elevation limits");
    *range = r;
    *qe = q;
    return 0;
}

/* Root of range(qe) = want on [a, b] where the range is monotone; Illinois method. */
static int bracket_solve(const fires_shot *tmpl, double want, double a, double fa, double b, double fb, double *qe,
                         fires_traj *r, fa_err *e)
{
    fa -= want;
    fb -= want;
    int side = 0;
    for (int it = 0; it < 200; it++) {
        double q = (a * fb - b * fa) / (fb - fa);
        if (!(q > fmin(a, b) && q < fmax(a, b)))
            q = (a + b) / 2;
        double rq;
        fires_traj t;
        if (range_at(tmpl, q, &rq, &t, e) != 0)
            return -1;
        double fq = rq - want;
        if (fabs(fq) < 1e-3 || fabs(b - a) < 1e-13) {
            *qe = q;
            *r = t;
            return 0;
        }
        fires_traj_free(&t);
        if ((fq > 0) == (fb > 0)) {
            b = q;
            fb = fq;
            if (side == -1)
                fa /= 2;
            side = -1;
        } else {
            a = q;
            fa = fq;
            if (side == 1)
                fb /= 2;
            side = 1;
        }
    }
    return fa_fail(e, "QE search did not converge for %.0f m", want);
}

/* The usual case without the maximum-range search: walk from the vacuum elevation (low angle) or from the
 * weapon's maximum elevation (high angle) toward the solution until the range brackets it, then solve in the
 * bracket. Returns 1 when the walk cannot bracket (out of range, or near the maximum): the caller then takes the
 * full path, which also explains failures. */
static int walk_solve(const fires_shot *tmpl, double range_m, fires_angle angle, double min_qe, double max_qe,
                      double *qe, fires_traj *r, fa_err *e)
{
    const double step = fires_mils_to_rad(100);
    double q, f;
    if (angle == FIRES_LOW_ANGLE) {
        double s2 = FIRES_G0 * range_m / (tmpl->mv * tmpl->mv); /* vacuum: sin 2q = g R / v^2 */
        if (s2 >= 1)
            return 1;
        q = fmax(min_qe, 0.5 * asin(s2));
        if (range_at(tmpl, q, &f, NULL, e) != 0)
            return -1;
        if (f >= range_m) { /* already past it (target below the gun): bracket from the minimum elevation */
            double f0;
            if (q == min_qe || range_at(tmpl, min_qe, &f0, NULL, e) != 0 || f0 >= range_m)
                return 1;
            return bracket_solve(tmpl, range_m, min_qe, f0, q, f, qe, r, e) == 0 ? 0 : 1;
        }
    } else {
        q = max_qe;
        if (range_at(tmpl, q, &f, NULL, e) != 0)
            return -1;
        if (f >= range_m)
            return 1;
    }
    for (int i = 0; i < 40; i++) {
        double qn = angle == FIRES_LOW_ANGLE ? fmin(q + step, max_qe) : fmax(q - step, min_qe), fn;
        if (qn == q || range_at(tmpl, qn, &fn, NULL, e) != 0)
            return 1;
        if (fn >= range_m)
            return bracket_solve(tmpl, range_m, q, f, qn, fn, qe, r, e) == 0 ? 0 : 1;
        if (fn <= f)
            return 1; /* walked over the maximum without reaching the range */
        q = qn;
        f = fn;
    }
    return 1;
}

int fires_solve_qe(const fires_shot *tmpl, double range_m, fires_angle angle, double min_qe, double max_qe,
                   double *qe, fires_traj *r, fa_err *e)
{
    if (!isfinite(range_m) || range_m <= 0)
        return fa_fail(e, "range: %g m must be a positive number", range_m);
    if (!(min_qe < max_qe))
        return fa_fail(e, "elevation limits: minimum %.1f mils is not below maximum %.1f mils",
                       fires_rad_to_mils(min_qe), fires_rad_to_mils(max_qe));
    int w = walk_solve(tmpl, range_m, angle, min_qe, max_qe, qe, r, e);
    if (w < 0)
        return -1;
    if (w == 0) {
        if (fabs(r->range_m - range_m) <= 1.0)
            return 0;
        fires_traj_free(r);
    }
    double rmax, qmax;
    if (fires_max_range(tmpl, min_qe, max_qe, &rmax, &qmax, e) != 0)
        return -1;
    return fires_solve_qe_known(tmpl, range_m, angle, min_qe, max_qe, rmax, qmax, qe, r, e);
}

int fires_solve_qe_known(const fires_shot *tmpl, double range_m, fires_angle angle, double min_qe, double max_qe,
                         double rmax, double qmax, double *qe, fires_traj *r, fa_err *e)
{
    if (!isfinite(range_m) || range_m <= 0)
        return fa_fail(e, "range: %g m must be a positive number", range_m);
    if (range_m > rmax)
        return fa_fail(e, "target out of range: %.0f m is beyond the maximum range %.0f m (QE %.0f mils) for "
                          "this charge and projectile", range_m, rmax, fires_rad_to_mils(qmax));
    double a, fa_, b, fb;
    if (angle == FIRES_LOW_ANGLE) {
        a = min_qe;
        b = qmax;
    } else {
        a = max_qe;
        b = qmax;
    }
    if (range_at(tmpl, a, &fa_, NULL, e) != 0)
        return -1;
    fb = rmax;
    bool limit = true; /* the shortest range is at the weapon's elevation limit */
    if (fa_ <= 0) {
        /* a target above the gun: near the limit the round never comes back down to its height, and the range
         * jumps from none to the range at the elevation whose summit just reaches it. That elevation, found by
         * bisection, is the end of the bracket and its range the shortest reachable on this side. */
        double lo = a, hi = b;
        for (int it = 0; it < 60 && fabs(hi - lo) > 1e-10; it++) {
            double mid = (lo + hi) / 2, rm;
            if (range_at(tmpl, mid, &rm, NULL, e) != 0)
                return -1;
            if (rm > 0)
                hi = mid;
            else
                lo = mid;
        }
        a = hi;
        if (range_at(tmpl, a, &fa_, NULL, e) != 0)
            return -1;
        limit = false;
    }
    if (range_m < fa_) {
        if (limit)
            return fa_fail(e, "target out of range: %.0f m is below the minimum %s-angle range %.0f m (QE %.0f mils, "
                              "the weapon's %s elevation)", range_m, angle == FIRES_LOW_ANGLE ? "low" : "high", fa_,
                           fires_rad_to_mils(a), angle == FIRES_LOW_ANGLE ? "minimum" : "maximum");
        return fa_fail(e, "target out of range: %.0f m is below the minimum %s-angle range %.0f m at the target's "
                          "height (QE %.0f mils; at lower elevations the round does not come back down to it)",
                       range_m, angle == FIRES_LOW_ANGLE ? "low" : "high", fa_, fires_rad_to_mils(a));
    }
    if (angle == FIRES_HIGH_ANGLE && qmax >= max_qe)
        return fa_fail(e, "no high-angle solution: the maximum range is at the weapon's maximum elevation");
    if (bracket_solve(tmpl, range_m, a, fa_, b, fb, qe, r, e) != 0)
        return -1;
    if (fabs(r->range_m - range_m) > 1.0) { /* never hand back a solution that misses in the model */
        double miss = r->range_m - range_m;
        fires_traj_free(r);
        return fa_fail(e, "QE search missed the target by %.1f m; no solution returned", miss);
    }
    return 0;
}

static int perturbed(const fires_shot *s, double *range, double *drift_mils, fa_err *e)
{
    fires_traj r;
    if (fires_trajectory(s, &r, e) != 0)
        return -1;
    if (!r.impact)
        return fa_fail(e, "correction factor: the perturbed round did not come down to the target altitude");
    *range = r.range_m;
    *drift_mils = r.drift_mils;
    fires_traj_free(&r);
    return 0;
}

int fires_table_row_at(const fires_shot *tmpl, double range_m, double min_qe, double max_qe, double rmax,
                       double qmax, double square_kg, fires_table_row *row, fa_err *e)
{
    memset(row, 0, sizeof *row);
    double qe;
    fires_traj r;
    if (fires_solve_qe_known(tmpl, range_m, FIRES_LOW_ANGLE, min_qe, max_qe, rmax, qmax, &qe, &r, e) != 0)
        return -1;
    row->range_m = range_m;
    row->qe_mils = fires_rad_to_mils(qe);
    row->tof_s = r.tof_s;
    row->fuze_s = r.tof_s;
    row->drift_mils = r.drift_mils;
    row->max_ord_m = r.max_ord_m;
    row->aof_mils = fires_rad_to_mils(r.angle_of_fall_rad);
    row->impact_v = r.impact_v;
    double base = r.range_m, base_drift = r.drift_mils;
    fires_traj_free(&r);

    fires_shot s = *tmpl;
    s.qe_rad = qe;
    s.point_dt = 0;
    double rr = 0, dd = 0, az = fires_deg_to_rad(tmpl->az_deg);
    fires_shot p = s;
    p.mv += 1.0;
    if (perturbed(&p, &rr, &dd, e))
        return -1;
    row->dr_mv = rr - base;
    p = s;
    p.rho_factor *= 1.01;
    if (perturbed(&p, &rr, &dd, e))
        return -1;
    row->dr_rho = rr - base;
    p = s;
    p.temp_factor *= 1.01;
    if (perturbed(&p, &rr, &dd, e))
        return -1;
    row->dr_temp = rr - base;
    /* winds of 1 knot (FIRES_MODEL_FULL carries wind): head blows toward the gun, cross from the left */
    p = s;
    p.wind_e -= FIRES_KNOT * sin(az);
    p.wind_n -= FIRES_KNOT * cos(az);
    if (perturbed(&p, &rr, &dd, e))
        return -1;
    row->dr_head = rr - base;
    p = s;
    p.wind_e += FIRES_KNOT * sin(az);
    p.wind_n += FIRES_KNOT * cos(az);
    if (perturbed(&p, &rr, &dd, e))
        return -1;
    row->dr_tail = rr - base;
    p = s;
    p.wind_e += FIRES_KNOT * cos(az);
    p.wind_n -= FIRES_KNOT * sin(az);
    if (perturbed(&p, &rr, &dd, e))
        return -1;
    row->dd_cross = dd - base_drift;
    row->dr_square = NAN;
    if (square_kg > 0 && s.proj) {
        fires_projectile heavy = *s.proj;
        heavy.mass_kg += square_kg;
        p = s;
        p.proj = &heavy;
        if (perturbed(&p, &rr, &dd, e))
            return -1;
        row->dr_square = rr - base;
    }
    return 0;
}

static int ranges_for(const fires_shot *tmpl, double ff, const double *qe, size_t n, double *out, fa_err *e)
{
    fires_projectile p = *tmpl->proj;
    p.form_factor = ff;
    fires_shot s = *tmpl;
    s.proj = &p;
    for (size_t i = 0; i < n; i++) {
        double r;
        if (range_at(&s, qe[i], &r, NULL, e) != 0)
            return -1;
        if (r <= 0)
            return fa_fail(e, "fit: observation %zu (QE %.1f mils) never comes down to the target altitude", i + 1,
                           fires_rad_to_mils(qe[i]));
        out[i] = r;
    }
    return 0;
}

int fires_fit_form_factor(const fires_shot *tmpl, const double *qe_rad, const double *range_m, size_t n,
                          double *form_factor, double *rms_m, fa_err *e)
{
    if (!n)
        return fa_fail(e, "fit: no observations");
    if (!tmpl->proj)
        return fa_fail(e, "fit: no projectile");
    for (size_t i = 0; i < n; i++)
        if (!isfinite(qe_rad[i]) || !isfinite(range_m[i]) || range_m[i] <= 0)
            return fa_fail(e, "fit: observation %zu is not a finite QE and a positive range", i + 1);
    double *r0 = xcalloc(n, sizeof *r0), *r1 = xcalloc(n, sizeof *r1);
    double ff = tmpl->proj->form_factor;
    int rc = -1;
    /* Gauss-Newton on one parameter: range residuals against d(range)/d(form factor) by finite difference */
    for (int it = 0; it < 50; it++) {
        double h = 1e-5 * ff;
        if (ranges_for(tmpl, ff, qe_rad, n, r0, e) || ranges_for(tmpl, ff + h, qe_rad, n, r1, e))
            goto out;
        double num = 0, den = 0;
        for (size_t i = 0; i < n; i++) {
            double jac = (r1[i] - r0[i]) / h;
            num += jac * (r0[i] - range_m[i]);
            den += jac * jac;
        }
        if (den <= 0) {
            fa_fail(e, "fit: range does not depend on the form factor here");
            goto out;
        }
        double step = num / den, nff = ff - step;
        if (nff < 0.5 * ff)
            nff = 0.5 * ff;
        if (nff > 2 * ff)
            nff = 2 * ff;
        if (nff < 0.05 || nff > 20) {
            fa_fail(e, "fit: the form factor runs out of the physical range (0.05 .. 20); check the observations");
            goto out;
        }
        ff = nff;
        if (fabs(step) < 1e-9 * ff)
            break;
    }
    if (ranges_for(tmpl, ff, qe_rad, n, r0, e))
        goto out;
    double ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += (r0[i] - range_m[i]) * (r0[i] - range_m[i]);
    *form_factor = ff;
    *rms_m = sqrt(ss / (double)n);
    rc = 0;
out:
    free(r0);
    free(r1);
    return rc;
}
