/* traj.c - the point-mass (3-DOF) trajectory: McCoy, Modern Exterior Ballistics (1999), ch. 5 "The point-mass
 * trajectory": drag acceleration -(rho S Cd / 2m) |v - w| (v - w), gravity, and the Coriolis acceleration
 * -2 Omega x v with Omega = omega (cos L cos AZ, sin L, -cos L sin AZ) in the (downrange, up, right) frame of fire.
 * The round earth enters as gravity toward the earth's centre falling off as (R/r)^2 and as impact on the sphere
 * (height and range measured on it), which gives the curvature and gravity-direction corrections of firing data.
 * FIRES_MODEL_MPM adds the lift on the yaw of repose (mpm.c), the modified point mass's spin drift.
 *
 * Integration is Dormand-Prince 5(4) (Dormand and Prince, J. Comp. Appl. Math. 6, 1980; Hairer, Norsett, Wanner,
 * Solving ODEs I, II.5) with local error control; events (apex, impact, recorded points) are located by taking a
 * single Dormand-Prince step of the length that puts the event on the step's end, so they carry the method's
 * fifth-order accuracy. With drag off the solution is a polynomial of degree two in time and the method is exact. */
#include "fires/fires.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void fires_shot_init(fires_shot *s, const fires_projectile *p, double mv, double qe_rad)
{
    memset(s, 0, sizeof *s);
    s->proj = p;
    s->mv = mv;
    s->qe_rad = qe_rad;
    s->model = FIRES_MODEL_FULL;
    s->lat_deg = 0;
    s->az_deg = 0;
    s->rho_factor = 1;
    s->temp_factor = 1;
    s->tol = 1e-9;
    s->max_time = 600;
}

void fires_traj_free(fires_traj *r)
{
    free(r->points.v);
    memset(&r->points, 0, sizeof r->points);
}

int fires_projectile_check(const fires_projectile *p, fa_err *e)
{
    if (!isfinite(p->mass_kg) || p->mass_kg <= 0)
        return fa_fail(e, "--mass: %g kg must be a positive finite number", p->mass_kg);
    if (p->mass_kg > 2000)
        return fa_fail(e, "--mass: %g kg is not a gun projectile (0 .. 2000 kg)", p->mass_kg);
    if (!isfinite(p->diameter_m) || p->diameter_m <= 0 || p->diameter_m > 1.0)
        return fa_fail(e, "--diameter: %g m must be in (0, 1] m (metres, not millimetres)", p->diameter_m);
    if (!isfinite(p->form_factor) || p->form_factor <= 0.05 || p->form_factor > 20)
        return fa_fail(e, "--form-factor: %g must be in (0.05, 20]", p->form_factor);
    double sd = p->mass_kg / (p->diameter_m * p->diameter_m);
    if (sd < 50 || sd > 1e5)
        return fa_fail(e, "--mass/--diameter: sectional density %.0f kg/m^2 is not physical for a projectile "
                          "(check units: kg and m)", sd);
    if (p->drag.n < 2)
        return fa_fail(e, "--drag-table: no drag table loaded");
    return 0;
}

int fires_shot_check(const fires_shot *s, fa_err *e)
{
    if (!isfinite(s->mv) || s->mv <= 0)
        return fa_fail(e, "--mv: %g m/s must be a positive finite number", s->mv);
    if (s->mv > 3000)
        return fa_fail(e, "--mv: %g m/s is beyond any gun (0 .. 3000 m/s)", s->mv);
    if (!isfinite(s->qe_rad) || s->qe_rad <= -FIRES_PI / 2 || s->qe_rad >= FIRES_PI / 2)
        return fa_fail(e, "--qe: %g mils must be between -1600 and 1600", fires_rad_to_mils(s->qe_rad));
    if (!isfinite(s->gun_alt_m) || s->gun_alt_m < -500 || s->gun_alt_m > 9000)
        return fa_fail(e, "--gun-alt: %g m must be in -500 .. 9000", s->gun_alt_m);
    if (!isfinite(s->target_alt_m) || s->target_alt_m < -500 || s->target_alt_m > 9000)
        return fa_fail(e, "--target-alt: %g m must be in -500 .. 9000", s->target_alt_m);
    if (!isfinite(s->lat_deg) || fabs(s->lat_deg) > 90)
        return fa_fail(e, "--lat: %g must be in -90 .. 90 degrees", s->lat_deg);
    if (!isfinite(s->az_deg))
        return fa_fail(e, "azimuth of fire: not a finite number");
    if (!isfinite(s->wind_e) || !isfinite(s->wind_n))
        return fa_fail(e, "wind: not a finite number");
    for (size_t i = 0; i < s->n_at_range; i++)
        if (!isfinite(s->at_range[i]) || s->at_range[i] < 0 || (i && s->at_range[i] <= s->at_range[i - 1]))
            return fa_fail(e, "ranges for points: must be finite, non-negative and ascending");
    if (s->point_dt > 0 && s->n_at_range)
        return fa_fail(e, "points: give a time spacing or ranges, not both");
    if (!(s->tol > 0 && s->tol < 1e-2))
        return fa_fail(e, "tolerance: %g must be in (0, 0.01)", s->tol);
    if (s->model != FIRES_MODEL_VACUUM) {
        if (!s->proj)
            return fa_fail(e, "projectile: none given (--projectile, or --mass --diameter --drag-table)");
        if (fires_projectile_check(s->proj, e) != 0)
            return -1;
    }
    return 0;
}

/* What the right-hand side needs, computed once per trajectory. */
typedef struct ctx {
    const fires_shot *s;
    bool drag, round, coriolis, full, mpm;
    double spin, twist;         /* mpm: axial spin (rad/s, constant) and the twist it comes from */
    double max_yaw;
    double k;                   /* S / (2 m) * form factor */
    double rg;                  /* radius of the gun from the earth's centre (round earth) */
    double om[3];               /* earth rotation in the frame of fire */
    double saz, caz;
    double want_range;          /* for ev_range */
} ctx;

static double height_msl(const ctx *c, const double *y)
{
    if (!c->round)
        return c->s->gun_alt_m + y[1];
    double yy = y[1] + c->rg;
    return sqrt(y[0] * y[0] + yy * yy + y[2] * y[2]) - FIRES_EARTH_R;
}

/* Vertical speed: along the local radius on the round earth. */
static double vertical_speed(const ctx *c, const double *y)
{
    if (!c->round)
        return y[4];
    double yy = y[1] + c->rg, r = sqrt(y[0] * y[0] + yy * yy + y[2] * y[2]);
    return (y[0] * y[3] + yy * y[4] + y[2] * y[5]) / r;
}

static void rhs(ctx *c, const double *y, double *dy)
{
    const fires_shot *s = c->s;
    dy[0] = y[3];
    dy[1] = y[4];
    dy[2] = y[5];
    double ax = 0, ay = -FIRES_G0, az = 0;
    if (c->round) {
        double yy = y[1] + c->rg, r2 = y[0] * y[0] + yy * yy + y[2] * y[2], r = sqrt(r2);
        double g = FIRES_G0 * FIRES_EARTH_R * FIRES_EARTH_R / r2;
        ax = -g * y[0] / r;
        ay = -g * yy / r;
        az = -g * y[2] / r;
    }
    if (c->drag) {
        double h = height_msl(c, y);
        fires_air air;
        double we = 0, wn = 0;
        if (s->met && c->full) {
            fires_met_at(s->met, h, &air, &we, &wn);
        } else {
            fa_err e;
            if (h > 80000)
                h = 80000;
            if (h < -5000)
                h = -5000;
            fires_icao(h, &air, &e);
        }
        if (c->full) {
            we += s->wind_e;
            wn += s->wind_n;
        } else {
            we = wn = 0;
        }
        double wx = we * c->saz + wn * c->caz, wz = we * c->caz - wn * c->saz;
        double vx = y[3] - wx, vy = y[4], vz = y[5] - wz;
        double v = sqrt(vx * vx + vy * vy + vz * vz);
        double sound = air.sound * sqrt(s->temp_factor);
        double cd = fires_drag_cd(&s->proj->drag, v / sound);
        double f = c->k * air.rho * s->rho_factor * cd * v;
        ax -= f * vx;
        ay -= f * vy;
        az -= f * vz;
        if (c->mpm) { /* lift on the yaw of repose, from the point-mass acceleration of this instant */
            double acc[3] = {ax, ay, az}, vr[3] = {vx, vy, vz}, lift[3], yaw;
            if (c->coriolis) {
                const double *o = c->om;
                acc[0] -= 2 * (o[1] * y[5] - o[2] * y[4]);
                acc[1] -= 2 * (o[2] * y[3] - o[0] * y[5]);
                acc[2] -= 2 * (o[0] * y[4] - o[1] * y[3]);
            }
            fires_mpm_lift(s->proj, c->spin, air.rho * s->rho_factor, v / sound, vr, acc, lift, &yaw);
            ax += lift[0];
            ay += lift[1];
            az += lift[2];
            if (yaw > c->max_yaw)
                c->max_yaw = yaw;
        }
    }
    if (c->coriolis) { /* -2 Omega x v */
        const double *o = c->om;
        ax -= 2 * (o[1] * y[5] - o[2] * y[4]);
        ay -= 2 * (o[2] * y[3] - o[0] * y[5]);
        az -= 2 * (o[0] * y[4] - o[1] * y[3]);
    }
    dy[3] = ax;
    dy[4] = ay;
    dy[5] = az;
}

/* Dormand-Prince 5(4) tableau. */
static const double A21 = 1.0 / 5, A31 = 3.0 / 40, A32 = 9.0 / 40, A41 = 44.0 / 45, A42 = -56.0 / 15,
                    A43 = 32.0 / 9, A51 = 19372.0 / 6561, A52 = -25360.0 / 2187, A53 = 64448.0 / 6561,
                    A54 = -212.0 / 729, A61 = 9017.0 / 3168, A62 = -355.0 / 33, A63 = 46732.0 / 5247,
                    A64 = 49.0 / 176, A65 = -5103.0 / 18656, B1 = 35.0 / 384, B3 = 500.0 / 1113, B4 = 125.0 / 192,
                    B5 = -2187.0 / 6784, B6 = 11.0 / 84, E1 = 71.0 / 57600, E3 = -71.0 / 16695, E4 = 71.0 / 1920,
                    E5 = -17253.0 / 339200, E6 = 22.0 / 525, E7 = -1.0 / 40;

/* One step of size h from y (k1 = f(y) given); writes y1 and the error estimate err (per component). */
static void dp_step(ctx *c, const double *y, const double *k1, double h, double *y1, double *err, double *k7)
{
    double k2[6], k3[6], k4[6], k5[6], k6[6], t[6];
    for (int i = 0; i < 6; i++)
        t[i] = y[i] + h * A21 * k1[i];
    rhs(c, t, k2);
    for (int i = 0; i < 6; i++)
        t[i] = y[i] + h * (A31 * k1[i] + A32 * k2[i]);
    rhs(c, t, k3);
    for (int i = 0; i < 6; i++)
        t[i] = y[i] + h * (A41 * k1[i] + A42 * k2[i] + A43 * k3[i]);
    rhs(c, t, k4);
    for (int i = 0; i < 6; i++)
        t[i] = y[i] + h * (A51 * k1[i] + A52 * k2[i] + A53 * k3[i] + A54 * k4[i]);
    rhs(c, t, k5);
    for (int i = 0; i < 6; i++)
        t[i] = y[i] + h * (A61 * k1[i] + A62 * k2[i] + A63 * k3[i] + A64 * k4[i] + A65 * k5[i]);
    rhs(c, t, k6);
    for (int i = 0; i < 6; i++)
        y1[i] = y[i] + h * (B1 * k1[i] + B3 * k3[i] + B4 * k4[i] + B5 * k5[i] + B6 * k6[i]);
    rhs(c, y1, k7);
    for (int i = 0; i < 6; i++)
        err[i] = h * (E1 * k1[i] + E3 * k3[i] + E4 * k4[i] + E5 * k5[i] + E6 * k6[i] + E7 * k7[i]);
}

/* The time tau in (0, h] where g(state(tau)) = 0, g changing sign over the step; Illinois regula falsi on
 * single steps of length tau. Returns tau and the state there in ye. */
typedef double (*event_fn)(const ctx *c, const double *y);

static double locate(ctx *c, const double *y0, const double *k1, double h, double g0, double g1, event_fn g,
                     double *ye)
{
    double a = 0, b = h, ga = g0, gb = g1, err[6], k7[6];
    int side = 0;
    double tau = h;
    for (int it = 0; it < 60; it++) {
        tau = (a * gb - b * ga) / (gb - ga);
        if (!(tau > a && tau < b))
            tau = (a + b) / 2;
        dp_step(c, y0, k1, tau, ye, err, k7);
        double gt = g(c, ye);
        if (gt == 0 || fabs(b - a) < 1e-12 * h)
            break;
        if ((gt > 0) == (gb > 0)) {
            b = tau;
            gb = gt;
            if (side == -1)
                ga /= 2;
            side = -1;
        } else {
            a = tau;
            ga = gt;
            if (side == 1)
                gb /= 2;
            side = 1;
        }
        if (fabs(gt) < 1e-10)
            break;
    }
    return tau;
}

static double ev_vertical(const ctx *c, const double *y) { return vertical_speed(c, y); }
static double ev_target(const ctx *c, const double *y) { return height_msl(c, y) - c->s->target_alt_m; }


static void downrange(const ctx *c, const double *y, double *range, double *cross, double *height_above_gun)
{
    if (!c->round) {
        *range = y[0];
        *cross = y[2];
        *height_above_gun = y[1];
        return;
    }
    double yy = y[1] + c->rg;
    *range = FIRES_EARTH_R * atan2(y[0], yy);
    *cross = FIRES_EARTH_R * atan2(y[2], hypot(y[0], yy));
    *height_above_gun = sqrt(y[0] * y[0] + yy * yy + y[2] * y[2]) - c->rg;
}

/* Downrange distance minus the next wanted one (the wanted value travels in the context). */
static double ev_range(const ctx *c, const double *y)
{
    double range, cross, h;
    downrange(c, y, &range, &cross, &h);
    return range - c->want_range;
}

static void push_point(fires_traj *r, const ctx *c, double t, const double *y)
{
    fires_point p;
    double h;
    downrange(c, y, &p.x, &p.z, &h);
    p.t = t;
    p.y = h;
    p.v = sqrt(y[3] * y[3] + y[4] * y[4] + y[5] * y[5]);
    VEC_PUSH(r->points, p);
}

int fires_trajectory(const fires_shot *s, fires_traj *r, fa_err *e)
{
    memset(r, 0, sizeof *r);
    if (fires_shot_check(s, e) != 0)
        return -1;
    ctx c = {.s = s};
    c.drag = s->model != FIRES_MODEL_VACUUM;
    c.full = s->model == FIRES_MODEL_FULL || s->model == FIRES_MODEL_MPM;
    c.mpm = s->model == FIRES_MODEL_MPM;
    c.round = c.full && !s->flat_earth;
    c.coriolis = c.full && !s->no_coriolis;
    if (c.mpm) {
        c.twist = s->twist_m != 0 ? s->twist_m : s->proj->twist_m;
        if (fires_mpm_check(s->proj, c.twist, e) != 0)
            return -1;
        c.spin = 2 * FIRES_PI * s->mv / c.twist;
    }
    c.rg = FIRES_EARTH_R + s->gun_alt_m;
    double az = fires_deg_to_rad(s->az_deg), lat = fires_deg_to_rad(s->lat_deg);
    c.saz = sin(az);
    c.caz = cos(az);
    c.om[0] = FIRES_OMEGA * cos(lat) * c.caz;
    c.om[1] = FIRES_OMEGA * sin(lat);
    c.om[2] = -FIRES_OMEGA * cos(lat) * c.saz;
    if (c.drag) {
        const fires_projectile *p = s->proj;
        c.k = FIRES_PI * p->diameter_m * p->diameter_m / 4.0 / (2.0 * p->mass_kg) * p->form_factor;
    }
    double y[6] = {0, 0, 0, s->mv * cos(s->qe_rad), s->mv * sin(s->qe_rad), 0}, k1[6], y1[6], k7[6], err[6];
    rhs(&c, y, k1);
    double t = 0, h = 0.01, rtol = s->tol, atol = s->tol;
    double next_pt = s->point_dt > 0 ? 0 : INFINITY;
    bool apex_done = vertical_speed(&c, y) <= 0;
    double floor_alt = fmin(s->gun_alt_m, s->target_alt_m) - 2000.0;
    if (next_pt == 0) {
        push_point(r, &c, 0, y);
        next_pt = s->point_dt;
    }
    size_t next_x = 0;
    while (next_x < s->n_at_range && s->at_range[next_x] <= 0) {
        push_point(r, &c, 0, y);
        next_x++;
    }
    double dummy;
    downrange(&c, y, &dummy, &dummy, &r->max_ord_m);
    for (;;) {
        if (t > s->max_time)
            break;
        dp_step(&c, y, k1, h, y1, err, k7);
        double en = 0;
        for (int i = 0; i < 6; i++) {
            double sc = atol + rtol * fmax(fabs(y[i]), fabs(y1[i]));
            en += (err[i] / sc) * (err[i] / sc);
        }
        en = sqrt(en / 6);
        if (!isfinite(en))
            return fa_fail(e, "trajectory: the integration diverged (check projectile and muzzle velocity)");
        if (en > 1.0) {
            r->rejected++;
            h *= fmax(0.2, 0.9 * pow(en, -0.2));
            if (h < 1e-9)
                return fa_fail(e, "trajectory: step size underflow at t = %.3f s", t);
            continue;
        }
        r->steps++;
        /* events inside the accepted step: impact first (time points stop there), then the recorded points,
         * the apex, and the impact itself */
        bool apex_here = !apex_done && vertical_speed(&c, y1) <= 0;
        double g0 = ev_target(&c, y), g1 = ev_target(&c, y1), yi[6], tau_i = h;
        bool impact_here = (apex_done || apex_here) && !r->impact && g0 >= 0 && g1 < 0;
        if (impact_here)
            tau_i = locate(&c, y, k1, h, g0, g1, ev_target, yi);
        while (next_pt <= t + tau_i) {
            double yp[6], ep[6], kp[6];
            dp_step(&c, y, k1, next_pt - t, yp, ep, kp);
            push_point(r, &c, next_pt, yp);
            next_pt += s->point_dt;
        }
        while (next_x < s->n_at_range) {
            double ra, rb, cr, hh;
            downrange(&c, y, &ra, &cr, &hh);
            downrange(&c, y1, &rb, &cr, &hh);
            if (rb < s->at_range[next_x])
                break;
            double yp[6];
            c.want_range = s->at_range[next_x];
            double tau = locate(&c, y, k1, h, ra - c.want_range, rb - c.want_range, ev_range, yp);
            push_point(r, &c, t + tau, yp);
            next_x++;
        }
        r->n_at_range = next_x;
        if (apex_here) {
            double ya[6], ra, za, ha;
            locate(&c, y, k1, h, vertical_speed(&c, y), vertical_speed(&c, y1), ev_vertical, ya);
            downrange(&c, ya, &ra, &za, &ha);
            r->max_ord_m = ha;
            r->apex_range_m = ra;
            apex_done = true;
        }
        if (impact_here) {
            double cross, hh;
            r->tof_s = t + tau_i;
            downrange(&c, yi, &r->range_m, &cross, &hh);
            r->drift_m = cross;
            r->drift_mils = fires_rad_to_mils(atan2(cross, r->range_m));
            double vv = vertical_speed(&c, yi);
            double sp = sqrt(yi[3] * yi[3] + yi[4] * yi[4] + yi[5] * yi[5]);
            r->impact_v = sp;
            r->angle_of_fall_rad = atan2(-vv, sqrt(fmax(sp * sp - vv * vv, 0)));
            r->impact = true;
            if (s->point_dt > 0 && r->points.n && r->points.v[r->points.n - 1].t < r->tof_s)
                push_point(r, &c, r->tof_s, yi);
            if (next_x >= s->n_at_range)
                break;
        }
        memcpy(y, y1, sizeof y);
        memcpy(k1, k7, sizeof k1);
        t += h;
        if (apex_done && height_msl(&c, y) < floor_alt)
            break;
        h *= fmin(5.0, fmax(0.2, 0.9 * pow(fmax(en, 1e-10), -0.2)));
    }
    /* ended at impact, or without one (or past it, collecting ranges): the apex tells the caller why */
    if (c.mpm) {
        r->max_yaw_rad = c.max_yaw;
        fires_air air;
        double we, wn;
        if (s->met)
            fires_met_at(s->met, s->gun_alt_m, &air, &we, &wn);
        else if (fires_icao(s->gun_alt_m, &air, e) != 0)
            return -1;
        if (s->proj->iy_kg_m2 > 0)
            r->sg_muzzle = fires_gyro_stability(s->proj, c.twist, s->mv, air.rho * s->rho_factor,
                                                air.sound * sqrt(s->temp_factor));
    }
    return 0;
}
