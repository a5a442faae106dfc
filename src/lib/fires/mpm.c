/* mpm.c - what the modified point-mass model adds to the point mass: the aerodynamic coefficients it needs (lift
 * force and overturning moment slopes by Mach, from a data file), the gyroscopic stability factor, and the yaw
 * of repose with the lift it produces, which is the spin drift.
 *
 * The model is the modified point mass of R. F. Lieske and M. L. Reiter, "Equations of motion for a modified
 * point mass trajectory", BRL Report 1314 (1966), as McCoy, "Modern Exterior Ballistics" (1999), ch. 9 presents
 * it: the projectile flies at its yaw of repose
 *     alpha_e = -8 I_x p (v x dv/dt) / (pi rho d^3 C_Malpha v^4)
 * (v the velocity relative to the air, p the axial spin, dv/dt the acceleration), and the lift on that yaw,
 *     a_L = (rho S C_Lalpha / 2m) v^2 alpha_e,
 * is added to drag, gravity and Coriolis. The sign makes a right-hand spin (p > 0) yaw the nose to the right
 * of a trajectory that gravity is bending down, so the drift is to the right.
 * What it does not cover (stated in --help): the spin is taken constant at its muzzle value 2 pi V0 / twist
 * (no spin damping coefficient in the data), no Magnus force, no yaw drag, linear coefficients (no cubic terms),
 * and the acceleration in the yaw of repose is the point-mass one (drag, gravity, Coriolis) of the same instant.
 * Gyroscopic stability: S_g = 2 I_x^2 p^2 / (pi rho I_y d^3 v^2 C_Malpha) (McCoy ch. 10). */
#include "fires/fires.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void fires_aero_free(fires_aero *a)
{
    free(a->mach);
    free(a->cla);
    free(a->cma);
    memset(a, 0, sizeof *a);
}

int fires_aero_parse(const char *text, const char *label, fires_aero *a, fa_err *e)
{
    memset(a, 0, sizeof *a);
    snprintf(a->name, sizeof a->name, "%s", label);
    VEC(double) m = {0}, l = {0}, c = {0};
    bool header = false;
    int lineno = 0;
    const char *p = text;
    const char *why = NULL;
    char line[512];
    while (*p && !why) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line ? len : sizeof line - 1), p);
        p += len + (nl ? 1 : 0);
        lineno++;
        char *s = fa_trim(line);
        if (!*s || *s == '#')
            continue;
        if (!header) {
            header = true;
            char *q = s;
            while (*q) {
                if (isspace((unsigned char)*q))
                    memmove(q, q + 1, strlen(q));
                else
                    q++;
            }
            if (strcasecmp(s, "mach,cl_alpha,cm_alpha")) {
                why = "header must be 'mach,cl_alpha,cm_alpha'";
                break;
            }
            continue;
        }
        char *end;
        double v[3];
        int k = 0;
        const char *q = s;
        for (; k < 3; k++) {
            v[k] = strtod(q, &end);
            if (end == q)
                break;
            while (isspace((unsigned char)*end))
                end++;
            if (k < 2 && *end != ',')
                break;
            q = end + (k < 2);
        }
        if (k < 3 || *end)
            why = "expected three numbers: Mach, C_Lalpha, C_Malpha";
        else if (!isfinite(v[0]) || v[0] < 0 || v[0] > 50)
            why = "Mach must be a finite number in 0..50";
        else if (!isfinite(v[1]) || v[1] <= 0 || v[1] > 50)
            why = "C_Lalpha must be a finite number in (0, 50]";
        else if (!isfinite(v[2]) || v[2] == 0 || fabs(v[2]) > 50)
            why = "C_Malpha must be a finite non-zero number in -50..50";
        else if (m.n && v[0] <= m.v[m.n - 1])
            why = v[0] == m.v[m.n - 1] ? "duplicate Mach value (each Mach once, ascending)"
                                       : "Mach values out of order (they must ascend)";
        if (why)
            break;
        VEC_PUSH(m, v[0]);
        VEC_PUSH(l, v[1]);
        VEC_PUSH(c, v[2]);
    }
    if (!why && m.n < 1)
        why = "no rows";
    if (why) {
        free(m.v);
        free(l.v);
        free(c.v);
        return fa_fail(e, "aerodynamic table %s, line %d: %s", label, lineno, why);
    }
    a->n = m.n;
    a->mach = m.v;
    a->cla = l.v;
    a->cma = c.v;
    return 0;
}

int fires_aero_find(const char *name, const char *const *dirs, fires_aero *a, fa_err *e)
{
    memset(a, 0, sizeof *a);
    char path[1024];
    path[0] = 0;
    if (strchr(name, '/') || strstr(name, ".csv")) {
        snprintf(path, sizeof path, "%s", name);
    } else {
        for (size_t i = 0; dirs && dirs[i] && !path[0]; i++) {
            snprintf(path, sizeof path, "%s/aero_%s.csv", dirs[i], name);
            FILE *fp = fopen(path, "r");
            if (fp)
                fclose(fp);
            else
                path[0] = 0;
        }
        if (!path[0])
            return fa_fail(e, "aerodynamic table '%s' not found (looked for aero_%s.csv in the drag folders); give a "
                              "file path with --aero", name, name);
    }
    char *text = fa_read_file(path, NULL, e);
    if (!text)
        return -1;
    int rc = fires_aero_parse(text, name, a, e);
    free(text);
    return rc;
}

/* Linear in Mach, constant outside the table. */
static double lin(const double *x, const double *y, size_t n, double m)
{
    if (m <= x[0])
        return y[0];
    if (m >= x[n - 1])
        return y[n - 1];
    size_t i = 1;
    while (x[i] < m)
        i++;
    double f = (m - x[i - 1]) / (x[i] - x[i - 1]);
    return y[i - 1] + f * (y[i] - y[i - 1]);
}

void fires_aero_at(const fires_aero *a, double mach, double *cla, double *cma)
{
    *cla = lin(a->mach, a->cla, a->n, mach);
    *cma = lin(a->mach, a->cma, a->n, mach);
}

int fires_mpm_check(const fires_projectile *p, double twist_m, fa_err *e)
{
    if (!p->aero.n)
        return fa_fail(e, "--model mpm: the projectile has no lift and overturning-moment table (--aero FILE|NAME, or "
                          "a catalogue projectile with \"aero\")");
    if (!isfinite(p->ix_kg_m2) || p->ix_kg_m2 <= 0 || p->ix_kg_m2 > 0.5 * p->mass_kg * p->diameter_m * p->diameter_m)
        return fa_fail(e, "--ix: axial moment of inertia %g kg m^2 must be positive and below m d^2 / 2 (a solid "
                          "cylinder)", p->ix_kg_m2);
    if (!isfinite(twist_m) || fabs(twist_m) < 5 * p->diameter_m || fabs(twist_m) > 200 * p->diameter_m)
        return fa_fail(e, "--twist: %g m per turn must be 5 .. 200 calibres (negative for a left-hand twist)", twist_m);
    return 0;
}

double fires_gyro_stability(const fires_projectile *p, double twist_m, double v, double rho, double sound)
{
    double cla, cma, d = p->diameter_m, spin = 2 * FIRES_PI * v / twist_m;
    fires_aero_at(&p->aero, v / sound, &cla, &cma);
    return 2 * p->ix_kg_m2 * p->ix_kg_m2 * spin * spin / (FIRES_PI * rho * p->iy_kg_m2 * d * d * d * v * v * cma);
}

void fires_mpm_lift(const fires_projectile *p, double spin, double rho, double mach, const double *v,
                    const double *acc, double *lift, double *yaw)
{
    double cla, cma;
    fires_aero_at(&p->aero, mach, &cla, &cma);
    double d = p->diameter_m, vv = v[0] * v[0] + v[1] * v[1] + v[2] * v[2];
    double cr[3] = {v[1] * acc[2] - v[2] * acc[1], v[2] * acc[0] - v[0] * acc[2], v[0] * acc[1] - v[1] * acc[0]};
    double k = -8 * p->ix_kg_m2 * spin / (FIRES_PI * rho * d * d * d * cma * vv * vv);
    double al[3] = {k * cr[0], k * cr[1], k * cr[2]};
    double mag = sqrt(al[0] * al[0] + al[1] * al[1] + al[2] * al[2]);
    /* near the summit of a high-angle trajectory the yaw of repose grows as 1/v^3 and the linear model no
     * longer holds; it is limited to 0.2 rad (about 11 degrees) there */
    if (mag > 0.2)
        for (int i = 0; i < 3; i++)
            al[i] *= 0.2 / mag;
    double f = rho * FIRES_PI * d * d / 4 * cla / (2 * p->mass_kg) * vv;
    for (int i = 0; i < 3; i++)
        lift[i] = f * al[i];
    if (yaw)
        *yaw = fmin(mag, 0.2);
}
