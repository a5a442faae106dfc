/* atmos.c - the ICAO standard atmosphere (ICAO Doc 7488/3, 1993; identical to the US Standard Atmosphere 1976
 * below 86 km): temperature, pressure, density and speed of sound by geometric altitude. */
#include "fires/fires.h"

#include <math.h>

#define R_AIR 287.05287     /* specific gas constant of dry air, J/(kg K), Doc 7488 */
#define GAMMA_AIR 1.4       /* ratio of specific heats */
#define R_EARTH_GP 6356766.0 /* radius used for geopotential altitude, m, Doc 7488 */

/* Layers by geopotential altitude: base (m), base temperature (K), lapse rate (K/m). Doc 7488 Table A. */
static const struct { double h, t, lapse; } layers[] = {
    {0, 288.15, -0.0065},     {11000, 216.65, 0.0},     {20000, 216.65, 0.001},   {32000, 228.65, 0.0028},
    {47000, 270.65, 0.0},     {51000, 270.65, -0.0028}, {71000, 214.65, -0.002},
};
#define NLAYERS (sizeof layers / sizeof *layers)

static double layer_pressure(size_t i, double pb, double dh)
{
    double t = layers[i].t + layers[i].lapse * dh;
    if (layers[i].lapse == 0.0)
        return pb * exp(-FIRES_G0 * dh / (R_AIR * layers[i].t));
    return pb * pow(layers[i].t / t, FIRES_G0 / (R_AIR * layers[i].lapse));
}

int fires_icao(double alt_m, fires_air *out, fa_err *e)
{
    if (!isfinite(alt_m))
        return fa_fail(e, "altitude: not a finite number");
    if (alt_m < -5000.0 || alt_m > 80000.0)
        return fa_fail(e, "altitude: %.0f m is outside the ICAO standard atmosphere (-5000 .. 80000 m)", alt_m);
    double h = R_EARTH_GP * alt_m / (R_EARTH_GP + alt_m); /* geopotential altitude */
    double p = 101325.0;
    size_t i = 0;
    while (i + 1 < NLAYERS && h >= layers[i + 1].h) {
        p = layer_pressure(i, p, layers[i + 1].h - layers[i].h);
        i++;
    }
    double dh = h - layers[i].h;
    double t = layers[i].t + layers[i].lapse * dh;
    out->t_k = t;
    out->p_pa = layer_pressure(i, p, dh);
    out->rho = out->p_pa / (R_AIR * t);
    out->sound = fires_sound_speed(t);
    return 0;
}

double fires_sound_speed(double t_k)
{
    return sqrt(GAMMA_AIR * R_AIR * t_k);
}

/* Density of moist air by the CIPM-2007 equation: A. Picard, R. S. Davis, M. Glaeser, K. Fujii, "Revised formula
 * for the density of moist air (CIPM-2007)", Metrologia 45 (2008) 149-155, eqs. (1) and A1.1-A1.4 with their
 * constants, at the reference CO2 mole fraction 0.0004 (M_a = 28.96546 g/mol). Valid 600 .. 1100 hPa, 15 .. 27 C
 * by the paper's own statement; used here for small-arms style surface conditions, where the dry-air ideal-gas
 * density of fires_icao differs by the compressibility (about 0.04 %) and by the water vapour. */
int fires_air_density_cipm(double t_k, double p_pa, double rh, double *rho, fa_err *e)
{
    if (!isfinite(t_k) || t_k < 173.15 || t_k > 373.15)
        return fa_fail(e, "--temp: %g K must be a finite temperature in -100 .. 100 C", t_k);
    if (!isfinite(p_pa) || p_pa < 1000 || p_pa > 120000)
        return fa_fail(e, "--pressure: %g hPa must be in 10 .. 1200 hPa", p_pa / 100);
    if (!isfinite(rh) || rh < 0 || rh > 1)
        return fa_fail(e, "--humidity: %g %% must be in 0 .. 100 %%", rh * 100);
    const double R = 8.314472, Ma = 28.96546e-3, Mv = 18.01528e-3;
    double t = t_k - 273.15;
    double psv = exp(1.2378847e-5 * t_k * t_k - 1.9121316e-2 * t_k + 33.93711047 - 6.3431645e3 / t_k); /* A1.1 */
    double f = 1.00062 + 3.14e-8 * p_pa + 5.6e-7 * t * t;                                              /* A1.2 */
    double xv = rh * f * psv / p_pa;                                                                   /* A1.3 */
    double pt = p_pa / t_k;
    double z = 1 - pt * (1.58123e-6 - 2.9331e-8 * t + 1.1043e-10 * t * t + (5.707e-6 - 2.051e-8 * t) * xv +
                         (1.9898e-4 - 2.376e-6 * t) * xv * xv) +
               pt * pt * (1.83e-11 - 0.765e-8 * xv * xv); /* A1.4 */
    *rho = p_pa * Ma / (z * R * t_k) * (1 - xv * (1 - Mv / Ma)); /* eq. (1) */
    return 0;
}
