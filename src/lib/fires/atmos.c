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
