/*
 * geo_shim.h - the C face of the small C++ shim over GeographicLib (geo_shim.cc). Internal to fires/: geo.c
 * builds the public fires_pos API on these calls. Every function returns 0, or -1 with GeographicLib's message
 * copied into err (errlen bytes, always NUL-terminated); C++ exceptions never cross this boundary.
 */
#ifndef FAGPT_FIRES_GEO_SHIM_H
#define FAGPT_FIRES_GEO_SHIM_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* MGRS text (no spaces) to UTM/UPS; zone 0 is UPS. prec is digits per axis (-1 for a grid zone designation). */
int fgeo_mgrs_reverse(const char *mgrs, bool centre, int *zone, bool *northp, double *x, double *y, int *prec,
                      char *err, size_t errlen);
/* UTM/UPS to MGRS with prec digits per axis (0..11; -1 gives the grid zone designation). */
int fgeo_mgrs_forward(int zone, bool northp, double x, double y, int prec, char *out, size_t outlen, char *err,
                      size_t errlen);
/* Geographic to UTM/UPS; setzone -1 picks the standard zone (with the Norway/Svalbard exceptions), 0 forces UPS. */
int fgeo_utmups_forward(double lat, double lon, int setzone, int *zone, bool *northp, double *x, double *y,
                        double *gamma, double *k, char *err, size_t errlen);
int fgeo_utmups_reverse(int zone, bool northp, double x, double y, double *lat, double *lon, double *gamma,
                        double *k, char *err, size_t errlen);
/* Two latitude/longitude fields (decimal, DMS with d ' " or : separators, hemisphere letters) to degrees. */
int fgeo_decode_latlon(const char *a, const char *b, double *lat, double *lon, char *err, size_t errlen);
/* Degrees to DMS text, hemisphere letter trailing (latitude when is_lat); seconds to 2 decimals. */
int fgeo_encode_dms(double deg, bool is_lat, char *out, size_t outlen);
/* Geodesic inverse on WGS84: distance (m) and forward azimuths (degrees clockwise from true north) at 1 and 2. */
int fgeo_inverse(double lat1, double lon1, double lat2, double lon2, double *s12, double *azi1, double *azi2);

#ifdef __cplusplus
}
#endif

#endif
