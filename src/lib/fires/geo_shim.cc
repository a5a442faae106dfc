// geo_shim.cc - the only C++ in fires/: thin wrappers over GeographicLib (MGRS, UTMUPS, DMS, Geodesic) that turn
// its exceptions into error strings for the C callers declared in geo_shim.h.
#include "fires/geo_shim.h"

#include <GeographicLib/DMS.hpp>
#include <GeographicLib/Geodesic.hpp>
#include <GeographicLib/MGRS.hpp>
#include <GeographicLib/UTMUPS.hpp>

#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

using namespace GeographicLib;

static int fail(const std::exception &ex, char *err, size_t errlen)
{
    if (err && errlen) {
        std::snprintf(err, errlen, "%s", ex.what());
    }
    return -1;
}

extern "C" int fgeo_mgrs_reverse(const char *mgrs, bool centre, int *zone, bool *northp, double *x, double *y,
                                 int *prec, char *err, size_t errlen)
{
    try {
        MGRS::Reverse(mgrs, *zone, *northp, *x, *y, *prec, centre);
        return 0;
    } catch (const std::exception &ex) {
        return fail(ex, err, errlen);
    }
}

extern "C" int fgeo_mgrs_forward(int zone, bool northp, double x, double y, int prec, char *out, size_t outlen,
                                 char *err, size_t errlen)
{
    try {
        std::string s;
        MGRS::Forward(zone, northp, x, y, prec, s);
        std::snprintf(out, outlen, "%s", s.c_str());
        return 0;
    } catch (const std::exception &ex) {
        return fail(ex, err, errlen);
    }
}

extern "C" int fgeo_utmups_forward(double lat, double lon, int setzone, int *zone, bool *northp, double *x,
                                   double *y, double *gamma, double *k, char *err, size_t errlen)
{
    try {
        UTMUPS::Forward(lat, lon, *zone, *northp, *x, *y, *gamma, *k,
                        setzone < 0 ? int(UTMUPS::STANDARD) : setzone);
        return 0;
    } catch (const std::exception &ex) {
        return fail(ex, err, errlen);
    }
}

extern "C" int fgeo_utmups_reverse(int zone, bool northp, double x, double y, double *lat, double *lon,
                                   double *gamma, double *k, char *err, size_t errlen)
{
    try {
        UTMUPS::Reverse(zone, northp, x, y, *lat, *lon, *gamma, *k);
        return 0;
    } catch (const std::exception &ex) {
        return fail(ex, err, errlen);
    }
}

extern "C" int fgeo_decode_latlon(const char *a, const char *b, double *lat, double *lon, char *err,
                                  size_t errlen)
{
    try {
        DMS::DecodeLatLon(a, b, *lat, *lon);
        return 0;
    } catch (const std::exception &ex) {
        return fail(ex, err, errlen);
    }
}

extern "C" int fgeo_encode_dms(double deg, bool is_lat, char *out, size_t outlen)
{
    try {
        std::string s = DMS::Encode(deg, DMS::SECOND, 2, is_lat ? DMS::LATITUDE : DMS::LONGITUDE);
        std::snprintf(out, outlen, "%s", s.c_str());
        return 0;
    } catch (const std::exception &) {
        if (outlen)
            out[0] = 0;
        return -1;
    }
}

extern "C" int fgeo_inverse(double lat1, double lon1, double lat2, double lon2, double *s12, double *azi1,
                            double *azi2)
{
    try {
        Geodesic::WGS84().Inverse(lat1, lon1, lat2, lon2, *s12, *azi1, *azi2);
        return 0;
    } catch (const std::exception &) {
        return -1;
    }
}
