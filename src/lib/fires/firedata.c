/*
 * firedata.c - firing data for one gun and one target, the computation behind `fagpt fire solve` and
 * `fagpt mission`: the data folder and its catalogue, the choice of charge, QE, site, azimuth and deflection,
 * time of flight and fuze time (TC 3-09.81 terms). Every number is FIRES_LABEL's: for training and planning.
 */
#include "fires.h"

#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The data folder: given, FAGPT_DATA, else ../data next to the binary, else ./data. */
static void data_dir(const char *given, char *out, size_t n)
{
    const char *env = getenv("FAGPT_DATA");
    if (given) {
        snprintf(out, n, "%s", given);
        return;
    }
    if (env && *env) {
        snprintf(out, n, "%s", env);
        return;
    }
    char exe[4096];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len > 0) {
        exe[len] = 0;
        snprintf(out, n, "%s/../data", dirname(exe));
        char probe[4200];
        snprintf(probe, sizeof probe, "%s/fires/catalog.json", out);
        if (access(probe, R_OK) == 0)
            return;
    }
    snprintf(out, n, "data");
}

int fires_data_open(const char *given, const char *catalog_path, fires_data *d, fa_err *e)
{
    memset(d, 0, sizeof *d);
    data_dir(given, d->dir, sizeof d->dir);
    snprintf(d->drag1, sizeof d->drag1, "%s/fires/drag", d->dir);
    const char *home = getenv("FAGPT_HOME");
    int nd = 0;
    d->dirs[nd++] = d->drag1;
    if (home && *home) {
        snprintf(d->drag2, sizeof d->drag2, "%s/fires/drag", home);
        d->dirs[nd++] = d->drag2;
    }
    const char *dp = getenv("FAGPT_DRAG_PATH");
    if (dp && *dp) {
        d->dragpath = xstrdup(dp);
        char *save = NULL;
        for (char *t = strtok_r(d->dragpath, ":", &save); t && nd < FIRES_MAX_DRAG_DIRS;
             t = strtok_r(NULL, ":", &save))
            d->dirs[nd++] = t;
    }
    d->dirs[nd] = NULL;
    char path[4200];
    snprintf(path, sizeof path, "%s/fires/catalog.json", d->dir);
    if (fires_catalog_load(catalog_path ? catalog_path : path, &d->cat, e) != 0) {
        free(d->dragpath);
        d->dragpath = NULL;
        return -1;
    }
    d->loaded = true;
    return 0;
}

void fires_data_close(fires_data *d)
{
    free(d->dragpath);
    if (d->loaded)
        fires_catalog_free(&d->cat);
    memset(d, 0, sizeof *d);
}

static int cmp_charge(const void *a, const void *b)
{
    const fires_charge *x = a, *y = b;
    return (x->mv > y->mv) - (x->mv < y->mv);
}

int fires_firing_data(const fires_fd_in *in, fires_fd *out, fa_err *e)
{
    memset(out, 0, sizeof *out);
    if (isnan(in->mv) && !in->weapon)
        return fa_fail(e, "give a muzzle velocity, or a weapon whose charges to choose from");
    fires_geom *g = &out->geom;
    if (fires_between(in->gun, in->gun_alt_m, in->target, in->target_alt_m, g, e) != 0)
        return -1;
    fires_shot sh;
    fires_shot_init(&sh, in->proj, 0, 0);
    sh.model = in->model == FIRES_MODEL_VACUUM ? FIRES_MODEL_FLAT : in->model;
    sh.gun_alt_m = in->gun_alt_m;
    sh.target_alt_m = in->target_alt_m;
    sh.lat_deg = isnan(in->lat_deg) ? in->gun->lat : in->lat_deg;
    sh.az_deg = g->true_az_deg;
    sh.met = in->met;
    double min_qe = fires_mils_to_rad(in->weapon ? in->weapon->min_elev_mils : -100);
    double max_qe = fires_mils_to_rad(in->weapon ? in->weapon->max_elev_mils : 1500);
    double range = g->geodesic_m; /* the ground distance the round must cover */

    /* charges to try: the one given, or all in order of muzzle velocity */
    fires_charge list[FIRES_MAX_CHARGES];
    int nlist;
    if (!isnan(in->mv)) {
        list[0].mv = in->mv;
        snprintf(list[0].name, sizeof list[0].name, "%s", in->charge_name ? in->charge_name : "");
        nlist = 1;
    } else {
        nlist = in->weapon->ncharges;
        memcpy(list, in->weapon->charge, sizeof(fires_charge) * (size_t)nlist);
        qsort(list, (size_t)nlist, sizeof *list, cmp_charge);
    }
    double qe = 0, hi_all = 0;
    fires_traj r;
    int chosen = -1;
    strbuf why = {0};
    for (int i = 0; i < nlist && chosen < 0; i++) {
        sh.mv = list[i].mv;
        double rmax, qmax;
        if (fires_max_range(&sh, min_qe, max_qe, &rmax, &qmax, e) != 0) {
            sb_addf(&why, "%s%s: %s", why.len ? "; " : "", list[i].name, e->msg);
            continue;
        }
        if (rmax > hi_all)
            hi_all = rmax;
        /* with margin: within 95 % of the charge's maximum range unless this is the only charge allowed */
        if (nlist > 1 && range > 0.95 * rmax)
            continue;
        if (fires_solve_qe(&sh, range, in->angle, min_qe, max_qe, &qe, &r, e) != 0) {
            if (nlist == 1) {
                sb_free(&why);
                return -1;
            }
            sb_addf(&why, "%s%s: %s", why.len ? "; " : "", list[i].name, e->msg);
            continue;
        }
        chosen = i;
        out->max_range_m = rmax;
    }
    if (chosen < 0) {
        fa_fail(e, "target out of range: %.0f m; the longest charge reaches %.0f m (%s angle, %s)%s%s", range, hi_all,
                in->angle == FIRES_LOW_ANGLE ? "low" : "high", in->weapon ? in->weapon->name : "given MV",
                why.len ? "; " : "", why.len ? why.s : "");
        sb_free(&why);
        return -1;
    }
    sb_free(&why);
    /* site: this QE less the QE for the same range with the target at the gun's altitude */
    out->site_mils = NAN;
    fires_shot lvl = sh;
    lvl.target_alt_m = sh.gun_alt_m;
    double ql;
    fires_traj rl;
    if (fires_solve_qe(&lvl, range, in->angle, min_qe, max_qe, &ql, &rl, e) == 0) {
        out->site_mils = fires_rad_to_mils(qe - ql);
        fires_traj_free(&rl);
    }
    snprintf(out->charge, sizeof out->charge, "%s", list[chosen].name);
    out->model = sh.model;
    out->mv = list[chosen].mv;
    out->lat_deg = sh.lat_deg;
    out->range_m = range;
    out->az_fire_mils = fires_mils_wrap(g->grid_az_mils - r.drift_mils); /* aim off the drift */
    out->defl_mils = isnan(in->aof_mils) ? NAN : fires_mils_wrap(3200.0 + in->aof_mils - out->az_fire_mils);
    out->qe_mils = fires_rad_to_mils(qe);
    out->tof_s = r.tof_s;
    out->fuze_s = r.tof_s;
    out->max_ord_m = r.max_ord_m;
    out->aof_fall_mils = fires_rad_to_mils(r.angle_of_fall_rad);
    out->impact_v = r.impact_v;
    out->drift_mils = r.drift_mils;
    out->miss_m = r.range_m - range;
    fires_traj_free(&r);
    return 0;
}
