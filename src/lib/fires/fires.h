/*
 * fires.h - the ballistic computer: positions and grids, standard atmosphere and met, drag tables, a point-mass
 * trajectory integrator, and firing solutions (quadrant elevation, charge, fuze time) and firing tables.
 *
 * Everything here is public physics: WGS84 geodesy through GeographicLib, the ICAO standard atmosphere (ICAO
 * Doc 7488), point-mass (3-DOF) exterior ballistics as in R. L. McCoy, "Modern Exterior Ballistics" (1999),
 * and the computer met message of STANAG 4082 / TC 3-09.81. Every number it produces is for training and
 * planning and is to be checked against the authoritative fire-control system and the official tabular firing
 * tables (FIRES_LABEL says so; every front end prints it with firing data).
 *
 * Use:
 *   fires_pos g, t;                          positions: MGRS, UTM/UPS, lat/lon (decimal or DMS)
 *   fires_pos_parse("18SUJ2338308450", &g, &e);
 *   fires_geom gm; fires_between(&g, 100, &t, 250, &gm, &e);   grid distance, azimuth, VI, angle of site
 *
 *   fires_projectile p; fires_catalog cat;   a projectile from the catalogue (data/fires/catalog.json) or by hand
 *   fires_shot s; fires_shot_init(&s, &p, 684.0, fires_mils_to_rad(800));
 *   fires_traj r; fires_trajectory(&s, &r, &e);                range, time of flight, apex, angle of fall ...
 *
 *   fires_data d; fires_data_open(NULL, NULL, &d, &e);           the data folder, catalogue and drag folders
 *   fires_fd_in in = {...}; fires_fd fd; fires_firing_data(&in, &fd, &e);   charge, QE, deflection for a target
 *
 * Conventions: SI units inside (m, s, kg, K, Pa); angles in radians inside, mils (6400 to the circle) and
 * degrees at the edges; azimuths clockwise from north. All functions return 0, or -1 after filling fa_err with
 * a message that names the offending field. Nothing here prints or exits.
 */
#ifndef FAGPT_FIRES_H
#define FAGPT_FIRES_H

#include <stdbool.h>
#include <stddef.h>

#include "core/core.h"

#define FIRES_LABEL \
    "computed by FA-GPT for training and planning; check against the authoritative fire-control system and the " \
    "official tabular firing tables"

#define FIRES_PI 3.14159265358979323846
#define FIRES_G0 9.80665            /* standard gravity, m/s^2 (ICAO Doc 7488) */
#define FIRES_EARTH_R 6371008.8     /* mean earth radius (IUGG), m, for the round-earth model */
#define FIRES_OMEGA 7.292115e-5     /* earth rotation rate, rad/s (WGS84) */
#define FIRES_KNOT 0.514444444444   /* m/s */

static inline double fires_mils_to_rad(double m) { return m * FIRES_PI / 3200.0; }
static inline double fires_rad_to_mils(double r) { return r * 3200.0 / FIRES_PI; }
static inline double fires_deg_to_rad(double d) { return d * FIRES_PI / 180.0; }
static inline double fires_rad_to_deg(double r) { return r * 180.0 / FIRES_PI; }
/* Wraps mils into [0, 6400). */
double fires_mils_wrap(double m);
/* A finite number parsed from the whole of text (no trailing junk, no NaN/inf); names the field on error. */
int fires_parse_num(const char *text, const char *field, double *out, fa_err *e);

/* ---------------------------------------------------------------------------------------------------------
 * Geometry (geo.c over GeographicLib): a position knows its geographic and its UTM/UPS form.
 */
typedef struct fires_pos {
    double lat, lon;            /* WGS84 degrees */
    int zone;                   /* UTM zone 1..60, 0 for UPS */
    bool northp;                /* hemisphere */
    double easting, northing;   /* m in that zone */
    double convergence_deg;     /* grid convergence: grid north measured clockwise from true north */
    double scale;               /* point scale factor of the projection */
    int mgrs_digits;            /* digits per axis of an MGRS input (0..5, -1 for a bare grid zone), else -2 */
} fires_pos;

/* Parses MGRS (1 m .. 100 km, spaces allowed: "18S UJ 23383 08450"), UTM ("18N 323383 4308450", N/S is the
 * hemisphere), UPS ("N 2000000 1555731", "S ..."), or latitude/longitude ("38.9072 -77.0369", "38.9072,-77.0369",
 * "38d54'26\"N 77d02'13\"W"). An MGRS square is taken at its centre. */
int fires_pos_parse(const char *text, fires_pos *p, fa_err *e);
int fires_pos_from_latlon(double lat, double lon, fires_pos *p, fa_err *e);
int fires_pos_from_utm(int zone, bool northp, double easting, double northing, fires_pos *p, fa_err *e);
/* MGRS with digits per axis (1..5), optionally grouped with spaces ("18S UJ 23383 08450"). */
int fires_pos_mgrs(const fires_pos *p, int digits, bool spaces, char *out, size_t n, fa_err *e);
/* "18N 323383.0 4308450.0" or "N 2000000.0 1555731.6" for UPS. */
void fires_pos_utm_str(const fires_pos *p, char *out, size_t n);
/* "38d54'25.92\"N 077d02'12.84\"W". */
void fires_pos_dms_str(const fires_pos *p, char *out, size_t n);
/* Easting/northing of p in another UTM zone (the gun's zone, so both ends share one grid). */
int fires_pos_in_zone(const fires_pos *p, int zone, bool northp, double *easting, double *northing, fa_err *e);

typedef struct fires_geom {
    double grid_dist_m;         /* on the grid of a's zone */
    double grid_az_mils, grid_az_deg;
    double true_az_deg, true_az_mils;   /* geodesic azimuth at a */
    double geodesic_m;          /* WGS84 ellipsoid distance */
    double convergence_mils;    /* at a */
    double vi_m;                /* vertical interval, alt_b - alt_a */
    double site_mils;           /* angle of site, atan(VI / grid distance) */
} fires_geom;

int fires_between(const fires_pos *a, double alt_a, const fires_pos *b, double alt_b, fires_geom *g, fa_err *e);
/* Polar plot: the target from an observer, a grid direction (mils), a distance (m) and up/down (m). */
int fires_polar(const fires_pos *obs, double dir_mils, double dist_m, fires_pos *tgt, fa_err *e);
/* Shift from a known point along the observer-target direction (mils): right (+) / left (-), add (+) / drop (-). */
int fires_shift(const fires_pos *kp, double ot_dir_mils, double right_m, double add_m, fires_pos *tgt, fa_err *e);

/* ---------------------------------------------------------------------------------------------------------
 * Atmosphere (atmos.c): the ICAO standard atmosphere, geometric altitude -5 km .. 80 km.
 */
typedef struct fires_air {
    double t_k, p_pa, rho, sound;   /* temperature, pressure, density (kg/m^3), speed of sound (m/s) */
} fires_air;

int fires_icao(double alt_m, fires_air *out, fa_err *e);
/* Speed of sound in dry air at a temperature (K), sqrt(gamma R T) with the Doc 7488 constants. */
double fires_sound_speed(double t_k);
/* Density (kg/m^3) of moist air at a temperature (K), pressure (Pa) and relative humidity (0..1), CIPM-2007. */
int fires_air_density_cipm(double t_k, double p_pa, double rh, double *rho, fa_err *e);

/* ---------------------------------------------------------------------------------------------------------
 * Met (met.c): the computer met message, METCM (STANAG 4082; TC 3-09.81 met chapter). Accepted layout:
 *
 *   METCMQ LaLaLaLoLoLo YYGoGoG hhhPdPdPd           header: octant, lat/lon (0.1 deg), day, time (0.1 h),
 *   ZZdddFFFTTTTPPPP  (one line per zone, 00..26)     validity (h), MDP altitude (10 m), MDP pressure (mb, 1000s
 *                                                     dropped); zone, wind direction (10 mils), speed (knots),
 *                                                     virtual temperature (0.1 K), pressure (mb)
 *
 * Written in those groups, each group must have its length (an error names the field); written without spaces,
 * the digit count is checked. Zone heights above the MDP follow STANAG 4082 (00 surface, 01 0-200 m, 02 200-500 m,
 * then 500 m steps to 5 km, then 1 km steps to 20 km: lines 00 .. 26).
 */
#define FIRES_MET_ZONES 27
typedef struct fires_met_line {
    int zone;
    double dir_mils;            /* direction the wind blows FROM, grid mils */
    double speed_kn;
    double tv_k;                /* virtual temperature */
    double p_mb;
} fires_met_line;

typedef struct fires_met {
    int octant;
    double lat_deg, lon_deg;    /* as sent, tenths of degrees (the octant gives hemisphere and the hundreds) */
    int day;
    double hour_utc;
    int valid_h;
    double mdp_alt_m, mdp_p_mb;
    int nlines;                 /* lines 00 .. nlines-1, consecutive */
    fires_met_line line[FIRES_MET_ZONES];
} fires_met;

int fires_met_parse(const char *text, fires_met *m, fa_err *e);
/* Bottom and top (m above the MDP) of a zone line. */
void fires_met_zone_bounds(int zone, double *bottom, double *top);
/* The air and the wind (m/s toward east and north) at an altitude above mean sea level. */
void fires_met_at(const fires_met *m, double alt_msl, fires_air *air, double *wind_e, double *wind_n);

/* ---------------------------------------------------------------------------------------------------------
 * Drag (drag.c): Mach vs Cd tables, monotone cubic (Fritsch-Carlson) interpolation, constant outside the table.
 * Files are CSV with a header "mach,cd" or "mach,kd" (Kd = pi/8 Cd, McCoy ch. 2), '#' comment lines.
 */
typedef struct fires_drag {
    char name[64];
    size_t n;
    double *mach, *cd, *slope;
} fires_drag;

int fires_drag_parse(const char *text, const char *label, fires_drag *d, fa_err *e);
int fires_drag_load(const char *path, fires_drag *d, fa_err *e);
/* name is a file path, or a table name ("G7", "kd_155mm_M101") looked up as NAME.csv, drag_NAME.csv or
 * kd_NAME.csv in each folder of dirs (NULL-terminated). */
int fires_drag_find(const char *name, const char *const *dirs, fires_drag *d, fa_err *e);
double fires_drag_cd(const fires_drag *d, double mach);
void fires_drag_free(fires_drag *d);
/* Folds ballistic coefficients (lb/in^2) given at Mach numbers (ascending) into a G table for a projectile of
 * sectional density sd (lb/in^2): Cd(M) = Cd_G(M) sd / BC(M), BC linear between the points, constant outside. */
int fires_drag_multi_bc(fires_drag *d, const double *bc, const double *mach, size_t n, double sd_lb_in2, fa_err *e);

/* MC DRAG (mcdrag.c): zero-yaw Cd from the projectile's shape, McCoy, BRL ARBRL-TR-02293 (1981). Lengths and
 * diameters in calibres except the reference diameter (mm). Boundary layer: laminar or turbulent on the nose and
 * on the afterbody. */
typedef enum { FIRES_BL_LL, FIRES_BL_LT, FIRES_BL_TT } fires_bl;
typedef struct fires_mcdrag_shape {
    double diameter_mm;         /* reference diameter */
    double length_cal, nose_cal, boattail_cal;
    double rt_r;                /* head shape: R_T/R, tangent-ogive radius over the actual ogive radius (1 tangent, 0 cone) */
    double base_cal, meplat_cal, band_cal;
    fires_bl bl;
} fires_mcdrag_shape;
typedef struct fires_mcdrag_parts {
    double head, skin, band, boattail, base, total;
} fires_mcdrag_parts;

int fires_mcdrag_check(const fires_mcdrag_shape *s, fa_err *e);
/* CD0 at a Mach number (the report's fits hold for 0.5 .. 5); the parts when out is not NULL. */
double fires_mcdrag_cd0(const fires_mcdrag_shape *s, double mach, fires_mcdrag_parts *out);
/* A drag table on the report's Mach grid (0.5 .. 5, constant outside). */
int fires_mcdrag_table(const fires_mcdrag_shape *s, fires_drag *d, fa_err *e);

/* ---------------------------------------------------------------------------------------------------------
 * Projectiles and weapons (catalog.c): data/fires/catalog.json, public nominal values with their source.
 */
/* Lift-force and overturning-moment slopes by Mach for the modified point mass (mpm.c): CSV with the header
 * "mach,cl_alpha,cm_alpha", linear between rows, constant outside. */
typedef struct fires_aero {
    char name[64];
    size_t n;
    double *mach, *cla, *cma;
} fires_aero;

typedef struct fires_projectile {
    char name[64];
    double mass_kg, diameter_m;
    double form_factor;         /* i: Cd = i * Cd_table(M) */
    fires_drag drag;            /* owned */
    double ix_kg_m2, iy_kg_m2;  /* axial and transverse moments of inertia (modified point mass; 0 when unknown) */
    fires_aero aero;            /* owned; n = 0 when unknown */
    double twist_m;             /* rifling twist it is fired with, m per turn, < 0 left hand; 0 when unknown */
} fires_projectile;

int fires_aero_parse(const char *text, const char *label, fires_aero *a, fa_err *e);
/* name is a file path, or a name looked up as aero_NAME.csv in each folder of dirs. */
int fires_aero_find(const char *name, const char *const *dirs, fires_aero *a, fa_err *e);
void fires_aero_at(const fires_aero *a, double mach, double *cla, double *cma);
void fires_aero_free(fires_aero *a);
/* What --model mpm needs of a projectile: the aerodynamic table, I_x and a twist; names the missing field. */
int fires_mpm_check(const fires_projectile *p, double twist_m, fa_err *e);
/* Gyroscopic stability factor S_g at a speed in air of a density and a speed of sound (needs iy_kg_m2). */
double fires_gyro_stability(const fires_projectile *p, double twist_m, double v, double rho, double sound);
/* The lift acceleration (m/s^2, frame of the velocity vectors) on the yaw of repose for a spin (rad/s), air
 * density, Mach number, air-relative velocity v and point-mass acceleration acc; yaw (rad) when not NULL. */
void fires_mpm_lift(const fires_projectile *p, double spin, double rho, double mach, const double *v,
                    const double *acc, double *lift, double *yaw);

/* Checks mass, diameter and form factor for NaN and physical range; names the field. */
int fires_projectile_check(const fires_projectile *p, fa_err *e);
/* Form factor from a ballistic coefficient in lb/in^2 against a G table: i = (m/d^2) / BC (McCoy ch. 2). */
double fires_form_factor_from_bc(double bc_lb_in2, double mass_kg, double diameter_m);
void fires_projectile_free(fires_projectile *p);

#define FIRES_MAX_CHARGES 16
typedef struct fires_charge {
    char name[16];
    double mv;                  /* m/s */
} fires_charge;

typedef struct fires_weapon {
    char name[32], caliber[16];
    double min_elev_mils, max_elev_mils;
    int ncharges;
    fires_charge charge[FIRES_MAX_CHARGES];
    char source[256];
} fires_weapon;

typedef struct fires_catalog {
    VEC(fires_weapon) weapons;
    struct fires_cat_proj {
        char name[64], caliber[16], drag[64], aero[64], source[512];
        double mass_kg, diameter_m, form_factor, square_kg;
        double ix_kg_m2, iy_kg_m2, twist_m;     /* 0 when not given (modified point mass data) */
    } *projs;
    size_t nprojs;
} fires_catalog;

int fires_catalog_load(const char *path, fires_catalog *c, fa_err *e);
const fires_weapon *fires_catalog_weapon(const fires_catalog *c, const char *name);
const struct fires_cat_proj *fires_catalog_proj(const fires_catalog *c, const char *name);
const fires_charge *fires_weapon_charge(const fires_weapon *w, const char *name);
/* A projectile from the catalogue, its drag table found in dirs. */
int fires_catalog_projectile(const fires_catalog *c, const char *name, const char *const *dirs,
                             fires_projectile *p, fa_err *e);
void fires_catalog_free(fires_catalog *c);

/* ---------------------------------------------------------------------------------------------------------
 * Trajectory (traj.c): point-mass 3-DOF, McCoy ch. 5, integrated by Dormand-Prince 5(4) with error control.
 */
typedef enum {
    FIRES_MODEL_FULL,   /* round earth, gravity by height, Coriolis, met or ICAO atmosphere, wind by zone */
    FIRES_MODEL_FLAT,   /* reference: flat earth, g = 9.80665, ICAO atmosphere, no wind, no Coriolis */
    FIRES_MODEL_VACUUM, /* no drag, flat earth, constant g: the closed forms */
    FIRES_MODEL_MPM     /* FIRES_MODEL_FULL plus the lift on the yaw of repose (spin drift), mpm.c */
} fires_model;

typedef struct fires_point {
    double t, x, y, z, v;       /* time, downrange, height above launch, right of the line of fire, speed */
} fires_point;

typedef struct fires_shot {
    const fires_projectile *proj;   /* may be NULL only for FIRES_MODEL_VACUUM */
    double mv;                  /* muzzle velocity, m/s */
    double qe_rad;              /* quadrant elevation */
    fires_model model;
    double gun_alt_m;           /* above MSL */
    double target_alt_m;        /* impact when the descending round comes back to this altitude (MSL) */
    double az_deg;              /* true azimuth of fire (Coriolis, wind) */
    double lat_deg;             /* latitude of the gun (Coriolis) */
    const fires_met *met;       /* NULL: ICAO standard atmosphere, no wind */
    double wind_e, wind_n;      /* an extra constant wind (m/s, toward), FIRES_MODEL_FULL only */
    bool no_coriolis;           /* FIRES_MODEL_FULL without earth rotation (standard firing-table conditions) */
    bool flat_earth;            /* FIRES_MODEL_FULL on a flat earth with constant g (small-arms cross-checks) */
    double twist_m;             /* FIRES_MODEL_MPM: rifling twist, m per turn (< 0 left hand); 0: the projectile's */
    const double *at_range;     /* ascending downranges (m): record a point as the round passes each one, and keep */
    size_t n_at_range;          /* integrating past impact until the last is passed (or the round falls 2 km) */
    double rho_factor;          /* multiplies air density (1 = as is; correction factors) */
    double temp_factor;         /* multiplies temperature for the speed of sound (1 = as is) */
    double tol;                 /* integrator relative tolerance (default 1e-9) */
    double point_dt;            /* > 0: record a point at this spacing in time into fires_traj.points */
    double max_time;            /* safety stop, s (default 600) */
} fires_shot;

typedef struct fires_traj {
    double range_m;             /* along the earth's surface for the round-earth model */
    double tof_s, max_ord_m;    /* maximum ordinate above the gun */
    double angle_of_fall_rad, impact_v;
    double drift_m, drift_mils; /* right of the line of fire (wind, Coriolis; spin drift with FIRES_MODEL_MPM) */
    double max_yaw_rad;         /* FIRES_MODEL_MPM: largest yaw of repose on the way */
    double sg_muzzle;           /* FIRES_MODEL_MPM with iy_kg_m2: gyroscopic stability at the muzzle, else 0 */
    double apex_range_m;
    bool impact;                /* false when the round never came back down to the target altitude */
    size_t n_at_range;          /* how many of shot.at_range were reached; their points lead fires_traj.points */
    int steps, rejected;
    VEC(fires_point) points;
} fires_traj;

void fires_shot_init(fires_shot *s, const fires_projectile *p, double mv, double qe_rad);
int fires_shot_check(const fires_shot *s, fa_err *e);
int fires_trajectory(const fires_shot *s, fires_traj *r, fa_err *e);
void fires_traj_free(fires_traj *r);

/* ---------------------------------------------------------------------------------------------------------
 * Firing data (solve.c): QE search, charge choice, maximum range, firing tables, form-factor fit.
 */
typedef enum { FIRES_LOW_ANGLE, FIRES_HIGH_ANGLE } fires_angle;

/* Maximum range for a shot template (its QE is ignored) within [min_qe, max_qe]; the QE that gives it. */
int fires_max_range(const fires_shot *tmpl, double min_qe, double max_qe, double *range, double *qe, fa_err *e);
/* The QE (radians) that puts the round at range_m, low or high angle; fills r with that trajectory.
 * Fails, with the attainable limits in the message, when the range cannot be reached within [min_qe, max_qe]. */
int fires_solve_qe(const fires_shot *tmpl, double range_m, fires_angle angle, double min_qe, double max_qe,
                   double *qe, fires_traj *r, fa_err *e);

typedef struct fires_table_row {
    double range_m, qe_mils, fuze_s, tof_s, drift_mils, max_ord_m, aof_mils, impact_v;
    double dr_mv;               /* range change (m) for +1 m/s muzzle velocity */
    double dr_rho;              /* range change for +1 % air density */
    double dr_temp;             /* range change for +1 % air temperature (speed of sound) */
    double dr_head, dr_tail;    /* range change for 1 knot head wind / tail wind */
    double dd_cross;            /* deflection change (mils) for 1 knot cross wind from the left */
    double dr_square;           /* range change for +1 square of projectile weight (NAN when unknown) */
} fires_table_row;

/* fires_solve_qe with the maximum range and its QE already known (from fires_max_range), for many ranges. */
int fires_solve_qe_known(const fires_shot *tmpl, double range_m, fires_angle angle, double min_qe, double max_qe,
                         double rmax, double qmax, double *qe, fires_traj *r, fa_err *e);

/* One row (low angle), given the charge's maximum range and its QE from fires_max_range; square_kg <= 0 when the
 * projectile has no weight-square data. */
int fires_table_row_at(const fires_shot *tmpl, double range_m, double min_qe, double max_qe, double rmax,
                       double qmax, double square_kg, fires_table_row *row, fa_err *e);

/* Fits the form factor so the model's ranges match observed (QE, range) pairs; rms residual in m. */
int fires_fit_form_factor(const fires_shot *tmpl, const double *qe_rad, const double *range_m, size_t n,
                          double *form_factor, double *rms_m, fa_err *e);

/* ---------------------------------------------------------------------------------------------------------
 * Data folder and firing data for a gun and a target (firedata.c), as `fagpt fire solve` and `fagpt mission`
 * compute it.
 */
#define FIRES_MAX_DRAG_DIRS 10
typedef struct fires_data {
    char dir[4096];             /* the data folder */
    char drag1[4112], drag2[4112];
    char *dragpath;             /* copy of FAGPT_DRAG_PATH, cut at the colons */
    const char *dirs[FIRES_MAX_DRAG_DIRS + 1];  /* drag folders, NULL-terminated, for fires_catalog_projectile */
    fires_catalog cat;
    bool loaded;
} fires_data;

/* The data folder is given (--data), else FAGPT_DATA, else ../data next to the binary, else ./data; loads its
 * fires/catalog.json (or catalog_path) and lists the drag folders: DATA/fires/drag, $FAGPT_HOME/fires/drag and
 * those of FAGPT_DRAG_PATH (colon-separated). */
int fires_data_open(const char *given, const char *catalog_path, fires_data *d, fa_err *e);
void fires_data_close(fires_data *d);

typedef struct fires_fd_in {
    const fires_projectile *proj;
    const fires_weapon *weapon;     /* elevation limits and the charges to choose from; may be NULL with mv */
    double mv;                      /* a muzzle velocity (m/s), named charge_name; NAN: choose a charge of weapon */
    const char *charge_name;
    const fires_pos *gun, *target;
    double gun_alt_m, target_alt_m;
    fires_angle angle;
    fires_model model;              /* full or flat (vacuum is solved as flat) */
    const fires_met *met;           /* NULL: ICAO standard atmosphere, no wind */
    double lat_deg;                 /* Coriolis latitude; NAN: the gun's */
    double aof_mils;                /* azimuth of fire for the deflection; NAN: no deflection */
} fires_fd_in;

typedef struct fires_fd {
    char charge[16];                /* "" when a muzzle velocity was given without a name */
    fires_model model;
    double mv, max_range_m, lat_deg;
    fires_geom geom;                /* gun to target */
    double range_m;                 /* ground (geodesic) range the round covers */
    double az_fire_mils;            /* grid azimuth less the drift */
    double defl_mils;               /* 3200 + AOF - azimuth to fire; NAN without an AOF */
    double qe_mils, site_mils;      /* site: QE less the QE to the gun's altitude; NAN when not found */
    double tof_s, fuze_s, max_ord_m, aof_fall_mils, impact_v, drift_mils, miss_m;
} fires_fd;

/* Without a muzzle velocity, the lowest charge (by muzzle velocity) whose maximum range exceeds the target range
 * by 5 %; then the QE, site, deflection and times. Out of range: the message gives the longest charge's reach. */
int fires_firing_data(const fires_fd_in *in, fires_fd *out, fa_err *e);

/* ---------------------------------------------------------------------------------------------------------
 * JSON and CSV (json.c): the shapes `fagpt fire ... --json` prints and the web API returns. Appends to b.
 */
struct strbuf;
void fires_projectile_json(struct strbuf *b, const fires_projectile *p);
/* {"label", "weapons": [{name, caliber, min/max_elev_mils, charges: [{name, mv_mps}], source}], "projectiles"} */
void fires_catalog_json(struct strbuf *b, const fires_catalog *cat);
/* The firing-data object of `fagpt fire solve --json`. */
void fires_fd_json(struct strbuf *b, const fires_fd_in *in, const fires_fd *fd);
void fires_table_row_json(struct strbuf *b, const fires_table_row *row);
void fires_table_row_csv(struct strbuf *b, const fires_table_row *row);
extern const char fires_table_csv_header[];
/* "full", "flat", "mpm" or "vacuum", as --model spells it. */
const char *fires_model_name(fires_model m);
/* The trajectory object of `fagpt fire trajectory --json` (proj NULL in vacuum), with its points when asked;
 * twist_m is reported for the modified point mass. */
void fires_traj_json(struct strbuf *b, fires_model model, double mv, double qe_mils, const fires_projectile *proj,
                     const fires_traj *r, bool coriolis, bool points, double twist_m);
/* A position in every form (`fagpt grid convert --json`), with alt_m when with_alt; and two positions with the
 * geometry between them (`fagpt grid between --json`). */
void fires_pos_json(struct strbuf *b, const fires_pos *p, double alt, bool with_alt);
void fires_between_json(struct strbuf *b, const fires_pos *a, double alt_a, const fires_pos *p2, double alt_b,
                        const fires_geom *g);

#endif
