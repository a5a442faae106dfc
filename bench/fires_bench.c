/* fires_bench.c - speed of the ballistic computer (issue 5 targets: one 155 mm class trajectory at 30 km under
 * 100 us, one firing solution under 1 ms, one firing table with correction factors under 1 s), and the
 * Dormand-Prince integrator against GSL's rk8pd integrating the same flat-model equations to the same accuracy.
 * Built and run by bench/run.sh; prints one result line per measurement. GSL is a benchmark-only oracle. */
#include <gsl/gsl_errno.h>
#include <gsl/gsl_odeiv2.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fires/fires.h"

static fires_projectile proj;

/* Best per-call wall time (s) over rounds rounds of reps calls: the least disturbed by other load. */
static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef void (*bench_fn)(void *);
static double best_time(bench_fn fn, void *arg, int reps, int rounds)
{
    double t[32];
    for (int r = 0; r < rounds; r++) {
        double t0 = fa_now();
        for (int i = 0; i < reps; i++)
            fn(arg);
        t[r] = (fa_now() - t0) / reps;
    }
    qsort(t, (size_t)rounds, sizeof *t, cmp_d);
    return t[0];
}

static fires_shot shot30(fires_model model, double tol)
{
    fires_shot s;
    fires_shot_init(&s, &proj, 827, fires_mils_to_rad(800));
    s.model = model;
    s.lat_deg = 35;
    s.az_deg = 60;
    s.tol = tol;
    return s;
}

static double sink;
static void run_traj(void *arg)
{
    fires_traj r;
    fa_err e;
    fires_trajectory(arg, &r, &e);
    sink += r.range_m;
}

static void run_solve(void *arg)
{
    double qe;
    fires_traj r;
    fa_err e;
    if (fires_solve_qe(arg, 14000, FIRES_LOW_ANGLE, fires_mils_to_rad(-53), fires_mils_to_rad(1275), &qe, &r, &e) == 0)
        sink += qe;
}

static void run_table(void *arg)
{
    const fires_shot *s = arg;
    double minq = fires_mils_to_rad(-53), maxq = fires_mils_to_rad(1275), rmax, qmax;
    fa_err e;
    if (fires_max_range(s, minq, maxq, &rmax, &qmax, &e) != 0)
        return;
    for (double R = 100; R <= rmax; R += 100) {
        fires_table_row row;
        if (fires_table_row_at(s, R, minq, maxq, rmax, qmax, 0, &row, &e) == 0)
            sink += row.qe_mils;
    }
}

/* The flat model (FIRES_MODEL_FLAT) written out for GSL: flat earth, g = 9.80665, ICAO air, table drag. */
static int gsl_rhs(double t, const double y[], double f[], void *params)
{
    (void)t;
    (void)params;
    fires_air air;
    fa_err e;
    double h = y[1];
    fires_icao(h < -5000 ? -5000 : h > 80000 ? 80000 : h, &air, &e);
    double v = sqrt(y[3] * y[3] + y[4] * y[4] + y[5] * y[5]);
    double k = FIRES_PI * proj.diameter_m * proj.diameter_m / 4.0 / (2.0 * proj.mass_kg) * proj.form_factor;
    double fd = k * air.rho * fires_drag_cd(&proj.drag, v / air.sound) * v;
    f[0] = y[3];
    f[1] = y[4];
    f[2] = y[5];
    f[3] = -fd * y[3];
    f[4] = -fd * y[4] - FIRES_G0;
    f[5] = -fd * y[5];
    return GSL_SUCCESS;
}

typedef struct gsl_case { double eps, range; } gsl_case;

/* Range by rk8pd with error control eps (relative and absolute), impact located by secant on single steps. */
static double gsl_range(double eps)
{
    gsl_odeiv2_system sys = {gsl_rhs, NULL, 6, NULL};
    gsl_odeiv2_step *st = gsl_odeiv2_step_alloc(gsl_odeiv2_step_rk8pd, 6);
    gsl_odeiv2_control *ct = gsl_odeiv2_control_y_new(eps, eps);
    gsl_odeiv2_evolve *ev = gsl_odeiv2_evolve_alloc(6);
    double q = fires_mils_to_rad(800), y[6] = {0, 0, 0, 827 * cos(q), 827 * sin(q), 0}, t = 0, h = 0.01, range = NAN;
    for (int n = 0; n < 100000; n++) {
        double y0[6], t0 = t;
        memcpy(y0, y, sizeof y);
        if (gsl_odeiv2_evolve_apply(ev, ct, st, &sys, &t, 600, &h, y) != GSL_SUCCESS)
            break;
        if (y0[4] < 0 && y[1] < 0) { /* crossed the launch height descending: secant on the step length */
            double a = 0, b = t - t0, ga = y0[1], gb = y[1], yt[6], err[6];
            for (int it = 0; it < 50 && fabs(b - a) > 1e-12; it++) {
                double c = b - gb * (b - a) / (gb - ga);
                memcpy(yt, y0, sizeof yt);
                gsl_odeiv2_step_reset(st);
                gsl_odeiv2_step_apply(st, t0, c, yt, err, NULL, NULL, &sys);
                a = b;
                ga = gb;
                b = c;
                gb = yt[1];
            }
            range = yt[0];
            break;
        }
    }
    gsl_odeiv2_evolve_free(ev);
    gsl_odeiv2_control_free(ct);
    gsl_odeiv2_step_free(st);
    return range;
}

static void run_gsl(void *arg)
{
    gsl_case *c = arg;
    c->range = gsl_range(c->eps);
    sink += c->range;
}

int main(int argc, char **argv)
{
    const char *drag = argc > 1 ? argv[1] : "data/fires/drag/kd_155mm_M101.csv";
    fa_err e;
    if (fires_drag_load(drag, &proj.drag, &e) != 0) {
        fprintf(stderr, "fires_bench: %s\n", e.msg);
        return 1;
    }
    snprintf(proj.name, sizeof proj.name, "M107-class, form factor 0.58 (30 km)");
    proj.mass_kg = 43.2;
    proj.diameter_m = 0.1547;
    proj.form_factor = 0.58;

    fires_shot full = shot30(FIRES_MODEL_FULL, 1e-9);
    fires_traj r;
    fires_trajectory(&full, &r, &e);
    double t_traj = best_time(run_traj, &full, 200, 9);
    printf("trajectory  155 mm class, %.0f m, full model, tol 1e-9: %.1f us (%d steps; target < 100 us)\n", r.range_m,
           t_traj * 1e6, r.steps);

    fires_projectile m107 = proj;
    m107.form_factor = 1.0;
    fires_shot sol;
    fires_shot_init(&sol, &m107, 684, 0);
    sol.lat_deg = 35;
    sol.az_deg = 60;
    double t_solve = best_time(run_solve, &sol, 20, 9);
    printf("solution    QE search for 14 km, low angle from scratch, M107 684 m/s: %.3f ms (target < 1 ms)\n",
           t_solve * 1e3);

    fires_shot tab = sol;
    tab.no_coriolis = true;
    double t_table = best_time(run_table, &tab, 1, 5);
    printf("table       M107 684 m/s, 100 m steps to maximum range, 7 correction factors a row: %.3f s (target < 1 s)\n",
           t_table);

    /* GSL rk8pd on the same flat-model equations: reference range from a very tight run of each integrator,
     * then the loosest GSL tolerance that is at least as accurate as ours at the default 1e-9. */
    fires_shot flat = shot30(FIRES_MODEL_FLAT, 1e-13);
    fires_trajectory(&flat, &r, &e);
    double ref = r.range_m, ref_gsl = gsl_range(1e-13);
    flat.tol = 1e-9;
    fires_trajectory(&flat, &r, &e);
    double err_ours = fabs(r.range_m - ref);
    double t_ours = best_time(run_traj, &flat, 200, 9);
    gsl_case gc = {0, 0};
    const double eps[] = {1e-4, 3e-5, 1e-5, 3e-6, 1e-6, 3e-7, 1e-7, 3e-8, 1e-8, 3e-9, 1e-9, 1e-10, 1e-11};
    for (size_t i = 0; i < sizeof eps / sizeof *eps; i++) {
        gc.eps = eps[i];
        if (fabs(gsl_range(eps[i]) - ref) <= fmax(err_ours, 1e-6))
            break;
    }
    double t_gsl = best_time(run_gsl, &gc, 100, 9);
    printf("integrator  flat model %.0f m: FA-GPT DP5(4) tol 1e-9 %.1f us (error %.2g m) vs GSL rk8pd eps %g %.1f us "
           "(error %.2g m); ratio GSL/FA-GPT %.2f (references agree to %.2g m)\n",
           ref, t_ours * 1e6, err_ours, gc.eps, t_gsl * 1e6, fabs(gc.range - ref), t_gsl / t_ours, fabs(ref - ref_gsl));
    fires_drag_free(&proj.drag);
    return sink == 12345.678 ? 2 : 0;
}
