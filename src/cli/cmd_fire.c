/* cmd_fire.c - `fagpt fire`: trajectories, firing solutions (QE, charge, fuze time, deflection), tabular firing
 * tables with correction factors, and form-factor fits, over the fires/ library. Every output that carries
 * firing data carries FIRES_LABEL. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "core/json.h"
#include "fires/fires.h"

static const char usage[] =
    "usage: fagpt fire trajectory --mv M/S --qe MILS [projectile] [--model full|flat|vacuum] [--target-alt M]\n"
    "                  [--gun-alt M] [--lat DEG] [--az MILS] [--met FILE] [--points [--point-dt S | --point-dx M]]\n"
    "                  [--json]\n"
    "       fagpt fire solve --gun POS [--gun-alt M] --target POS [--target-alt M]\n"
    "                  (--weapon W --projectile P [--charge C] | projectile and --mv M/S)\n"
    "                  [--angle low|high] [--met FILE] [--aof MILS] [--lat DEG] [--model full|flat] [--json]\n"
    "       fagpt fire table --weapon W --projectile P --charge C [--from M] [--to M] [--step M]\n"
    "                  [--lat DEG --az MILS] [--csv | --json]\n"
    "       fagpt fire fit (--weapon W --projectile P --charge C | projectile and --mv) --obs QE:RANGE[,QE:RANGE...]\n"
    "                  [--model full|flat] [--met FILE] [--gun-alt M] [--target-alt M] [--lat DEG --az MILS] [--json]\n"
    "       fagpt fire list [--json]\n"
    "\n"
    "Projectile: --projectile NAME from the catalogue, or --mass KG --diameter M --drag-table FILE|NAME\n"
    "            (G1, G7, kd_155mm_M101, ...) with --form-factor F or --bc LB/IN2 (against a G table).\n"
    "Models: full (default: round earth, gravity by height, Coriolis, ICAO or --met atmosphere and wind);\n"
    "        flat (reference for cross-checks: flat earth, g = 9.80665, ICAO, no wind, no Coriolis); vacuum.\n"
    "Drift is the point-mass lateral deviation (wind, Coriolis); spin drift (yaw of repose) is not modelled.\n"
    "solve: without --charge, the lowest charge (by muzzle velocity) whose maximum range exceeds the target range\n"
    "by 5 %; deflection (with --aof) = 3200 + AOF - azimuth to fire; site = QE less the QE to the gun's altitude.\n"
    "Data: --data DIR (or FAGPT_DATA) holds fires/catalog.json and fires/drag/; $FAGPT_HOME/fires/drag and the\n"
    "folders in FAGPT_DRAG_PATH (colon-separated) are searched for drag tables too; add your own there (CSV with a\n"
    "'mach,cd' or 'mach,kd' header). Output is " FIRES_LABEL ".\n";

enum {
    O_MV = 1000, O_QE, O_MASS, O_DIA, O_DRAG, O_FF, O_BC, O_MODEL, O_TALT, O_GALT, O_LAT, O_AZ, O_MET, O_POINTS,
    O_PDT, O_GUN, O_TARGET, O_WEAPON, O_PROJ, O_CHARGE, O_ANGLE, O_AOF, O_FROM, O_TO, O_STEP, O_CSV, O_OBS, O_DATA,
    O_TOL, O_CATALOG, O_PDX
};

typedef struct opts {
    double mv, qe, mass, dia, ff, bc, talt, galt, lat, az, aof, from, to, step, pdt, pdx, tol;
    bool have_talt, have_lat, have_aof, points, csv;
    const char *drag, *model, *met, *gun, *target, *weapon, *proj, *charge, *angle, *obs, *data, *catalog;
} opts;

typedef struct setup {
    fires_data data;            /* the data folder, its catalogue and the drag folders */
    fires_projectile proj;
    const fires_weapon *weapon;
    const struct fires_cat_proj *cproj;
    fires_met met;
    bool have_met;
} setup;

static void setup_free(setup *s)
{
    fires_projectile_free(&s->proj);
    fires_data_close(&s->data);
}

static int load_catalog(cli_ctx *c, const opts *o, setup *s)
{
    fa_err e;
    if (fires_data_open(o->data, o->catalog, &s->data, &e) != 0)
        return cli_error(c, "catalogue: %s (set --data DIR or FAGPT_DATA to the folder holding fires/)", e.msg), -1;
    return 0;
}

/* Projectile, weapon and muzzle velocity from the options. */
static int build(cli_ctx *c, const opts *o, setup *s, double *mv, const char **charge_name, bool need_mv)
{
    fa_err e;
    if (load_catalog(c, o, s) != 0)
        return -1;
    if (o->weapon) {
        s->weapon = fires_catalog_weapon(&s->data.cat, o->weapon);
        if (!s->weapon) {
            strbuf b = {0};
            for (size_t i = 0; i < s->data.cat.weapons.n; i++)
                sb_addf(&b, "%s%s", i ? ", " : "", s->data.cat.weapons.v[i].name);
            cli_error(c, "--weapon: '%s' is not in the catalogue (known: %s)", o->weapon, b.s ? b.s : "none");
            sb_free(&b);
            return -1;
        }
    }
    if (o->proj) {
        if (fires_catalog_projectile(&s->data.cat, o->proj, s->data.dirs, &s->proj, &e) != 0)
            return cli_error(c, "%s", e.msg), -1;
        s->cproj = fires_catalog_proj(&s->data.cat, o->proj);
        if (!isnan(o->ff))
            s->proj.form_factor = o->ff;
    } else if (o->drag || !isnan(o->mass) || !isnan(o->dia)) {
        if (isnan(o->mass) || isnan(o->dia) || !o->drag)
            return cli_error(c, "a projectile by hand needs --mass KG, --diameter M and --drag-table FILE|NAME"), -1;
        if (fires_drag_find(o->drag, s->data.dirs, &s->proj.drag, &e) != 0)
            return cli_error(c, "%s", e.msg), -1;
        snprintf(s->proj.name, sizeof s->proj.name, "custom");
        s->proj.mass_kg = o->mass;
        s->proj.diameter_m = o->dia;
        s->proj.form_factor = isnan(o->ff) ? 1.0 : o->ff;
        if (!isnan(o->bc)) {
            if (!isnan(o->ff))
                return cli_error(c, "give --form-factor or --bc, not both"), -1;
            if (!(o->bc > 0))
                return cli_error(c, "--bc: %g must be a positive ballistic coefficient (lb/in^2)", o->bc), -1;
            s->proj.form_factor = fires_form_factor_from_bc(o->bc, o->mass, o->dia);
        }
    }
    if (s->proj.drag.n && fires_projectile_check(&s->proj, &e) != 0)
        return cli_error(c, "%s", e.msg), -1;
    *charge_name = NULL;
    if (!isnan(o->mv)) {
        *mv = o->mv;
    } else if (s->weapon && o->charge) {
        const fires_charge *ch = fires_weapon_charge(s->weapon, o->charge);
        if (!ch) {
            strbuf b = {0};
            for (int i = 0; i < s->weapon->ncharges; i++)
                sb_addf(&b, "%s%s", i ? ", " : "", s->weapon->charge[i].name);
            cli_error(c, "--charge: '%s' is not a charge of %s (charges: %s)", o->charge, s->weapon->name, b.s);
            sb_free(&b);
            return -1;
        }
        *mv = ch->mv;
        *charge_name = ch->name;
    } else if (need_mv) {
        return cli_error(c, "give --mv M/S, or --weapon W with --charge C"), -1;
    } else {
        *mv = NAN;
    }
    if (o->met) {
        char *text = fa_read_file(o->met, NULL, &e);
        if (!text)
            return cli_error(c, "--met: %s", e.msg), -1;
        int rc = fires_met_parse(text, &s->met, &e);
        free(text);
        if (rc != 0)
            return cli_error(c, "--met %s: %s", o->met, e.msg), -1;
        s->have_met = true;
    }
    return 0;
}

static int model_of(cli_ctx *c, const char *m, fires_model *out)
{
    if (!m || !strcmp(m, "full"))
        *out = FIRES_MODEL_FULL;
    else if (!strcmp(m, "flat"))
        *out = FIRES_MODEL_FLAT;
    else if (!strcmp(m, "vacuum"))
        *out = FIRES_MODEL_VACUUM;
    else
        return cli_error(c, "--model: '%s' is not full, flat or vacuum", m), -1;
    return 0;
}

static const char *model_name(fires_model m)
{
    return m == FIRES_MODEL_FULL ? "full" : m == FIRES_MODEL_FLAT ? "flat" : "vacuum";
}

static void proj_json(strbuf *b, const fires_projectile *p)
{
    sb_add(b, "{\"name\": ");
    json_str(b, p->name);
    sb_addf(b, ", \"mass_kg\": %g, \"diameter_m\": %g, \"form_factor\": %.6f, \"drag_table\": ", p->mass_kg,
            p->diameter_m, p->form_factor);
    json_str(b, p->drag.name);
    sb_add(b, "}");
}

static int cmd_trajectory(cli_ctx *c, const opts *o)
{
    setup s = {0};
    double mv;
    const char *cname;
    fires_model model;
    int rc = EXIT_USER;
    if (model_of(c, o->model, &model) || build(c, o, &s, &mv, &cname, true))
        goto out;
    if (isnan(o->qe)) {
        cli_error(c, "--qe MILS is required");
        goto out;
    }
    if (model != FIRES_MODEL_VACUUM && !s.proj.drag.n) {
        cli_error(c, "a projectile is required: --projectile NAME, or --mass --diameter --drag-table");
        goto out;
    }
    fires_shot sh;
    fires_shot_init(&sh, s.proj.drag.n ? &s.proj : NULL, mv, fires_mils_to_rad(o->qe));
    sh.model = model;
    sh.gun_alt_m = o->galt;
    sh.target_alt_m = o->have_talt ? o->talt : o->galt;
    sh.lat_deg = o->lat;
    sh.az_deg = o->az * 360.0 / 6400.0;
    sh.met = s.have_met ? &s.met : NULL;
    sh.no_coriolis = model == FIRES_MODEL_FULL && !o->have_lat;
    if (!isnan(o->tol))
        sh.tol = o->tol;
    if (o->points && isnan(o->pdx))
        sh.point_dt = isnan(o->pdt) ? 1.0 : o->pdt;
    if (o->points && isnan(o->pdx) && !(sh.point_dt > 0 && sh.point_dt <= 100)) {
        cli_error(c, "--point-dt: %g s must be in (0, 100]", sh.point_dt);
        goto out;
    }
    if (!isnan(o->pdx) && !isnan(o->pdt)) {
        cli_error(c, "give --point-dt or --point-dx, not both");
        goto out;
    }
    fires_traj r;
    fa_err e;
    if (fires_trajectory(&sh, &r, &e) != 0) {
        cli_error(c, "%s", e.msg);
        goto out;
    }
    if (!isnan(o->pdx) && r.impact) { /* points every pdx metres downrange, and at impact: a second pass */
        if (!(o->pdx >= 1) || r.range_m / o->pdx > 10000) {
            fires_traj_free(&r);
            cli_error(c, "--point-dx: %g m must be at least 1 m and give at most 10000 points", o->pdx);
            goto out;
        }
        VEC(double) xs = {0};
        for (double x = 0; x < r.range_m - 1e-6; x += o->pdx)
            VEC_PUSH(xs, x);
        VEC_PUSH(xs, r.range_m);
        fires_traj_free(&r);
        sh.at_range = xs.v;
        sh.n_at_range = xs.n;
        int rr = fires_trajectory(&sh, &r, &e);
        free(xs.v);
        if (rr != 0) {
            cli_error(c, "%s", e.msg);
            goto out;
        }
    }
    if (!r.impact) {
        cli_error(c, "the round does not come back down to %.0f m (apex %.0f m above the gun at %.0f m); lower "
                     "--target-alt or raise --qe", sh.target_alt_m, r.max_ord_m, o->galt);
        fires_traj_free(&r);
        goto out;
    }
    double aof = fires_rad_to_mils(r.angle_of_fall_rad);
    if (c->json) {
        strbuf b = {0};
        sb_add(&b, "{\"label\": ");
        json_str(&b, FIRES_LABEL);
        sb_addf(&b, ", \"model\": \"%s\", \"mv_mps\": %g, \"qe_mils\": %g, \"projectile\": ", model_name(model), mv,
                o->qe);
        if (sh.proj)
            proj_json(&b, &s.proj);
        else
            sb_add(&b, "null");
        sb_addf(&b,
                ", \"range_m\": %.2f, \"tof_s\": %.3f, \"max_ordinate_m\": %.2f, \"angle_of_fall_mils\": %.2f, "
                "\"impact_velocity_mps\": %.2f, \"drift_mils\": %.3f, \"drift_m\": %.3f, \"coriolis\": %s, "
                "\"drift_model\": \"point mass: wind and Coriolis only, no spin drift\", \"apex_range_m\": %.1f, "
                "\"steps\": %d, \"rejected_steps\": %d",
                r.range_m, r.tof_s, r.max_ord_m, aof, r.impact_v, r.drift_mils, r.drift_m,
                model == FIRES_MODEL_FULL && o->have_lat ? "true" : "false", r.apex_range_m, r.steps, r.rejected);
        if (o->points) {
            sb_add(&b, ", \"points\": [");
            for (size_t i = 0; i < r.points.n; i++) {
                const fires_point *p = &r.points.v[i];
                sb_addf(&b, "%s{\"t\": %.3f, \"x\": %.2f, \"y\": %.2f, \"z\": %.3f, \"v\": %.2f}", i ? ", " : "", p->t,
                        p->x, p->y, p->z, p->v);
            }
            sb_add(&b, "]");
        }
        sb_add(&b, "}\n");
        fputs(b.s, stdout);
        sb_free(&b);
    } else {
        printf("Trajectory (%s model), MV %g m/s, QE %g mils%s\n", model_name(model), mv, o->qe,
               model == FIRES_MODEL_FULL && !o->have_lat ? " (no Coriolis: give --lat and --az)" : "");
        printf("  range              %.1f m\n  time of flight     %.2f s\n  maximum ordinate   %.1f m\n", r.range_m,
               r.tof_s, r.max_ord_m);
        printf("  angle of fall      %.1f mils\n  impact velocity    %.1f m/s\n  drift              %.2f mils "
               "(%.1f m; wind and Coriolis only)\n", aof, r.impact_v, r.drift_mils, r.drift_m);
        if (o->points) {
            printf("  %8s %10s %9s %8s %8s\n", "t s", "x m", "y m", "z m", "v m/s");
            for (size_t i = 0; i < r.points.n; i++) {
                const fires_point *p = &r.points.v[i];
                printf("  %8.2f %10.1f %9.1f %8.2f %8.1f\n", p->t, p->x, p->y, p->z, p->v);
            }
        }
        printf("%s.\n", FIRES_LABEL);
    }
    fires_traj_free(&r);
    rc = EXIT_OK;
out:
    setup_free(&s);
    return rc;
}

static int cmd_solve(cli_ctx *c, const opts *o)
{
    setup s = {0};
    double mv;
    const char *cname;
    fires_model model;
    int rc = EXIT_USER;
    fa_err e;
    if (model_of(c, o->model, &model) || build(c, o, &s, &mv, &cname, false))
        goto out;
    if (!o->gun || !o->target) {
        cli_error(c, "--gun POS and --target POS are required");
        goto out;
    }
    if (!s.proj.drag.n) {
        cli_error(c, "a projectile is required: --projectile NAME, or --mass --diameter --drag-table");
        goto out;
    }
    if (isnan(mv) && !s.weapon) {
        cli_error(c, "give --mv M/S, or --weapon W (with or without --charge)");
        goto out;
    }
    fires_angle angle = FIRES_LOW_ANGLE;
    if (o->angle && !strcmp(o->angle, "high"))
        angle = FIRES_HIGH_ANGLE;
    else if (o->angle && strcmp(o->angle, "low")) {
        cli_error(c, "--angle: '%s' is not low or high", o->angle);
        goto out;
    }
    fires_pos gun, tgt;
    if (fires_pos_parse(o->gun, &gun, &e) != 0) {
        cli_error(c, "--gun: %s", e.msg);
        goto out;
    }
    if (fires_pos_parse(o->target, &tgt, &e) != 0) {
        cli_error(c, "--target: %s", e.msg);
        goto out;
    }
    fires_fd_in in = {.proj = &s.proj, .weapon = s.weapon, .mv = mv, .charge_name = cname, .gun = &gun,
                      .target = &tgt, .gun_alt_m = o->galt, .target_alt_m = o->have_talt ? o->talt : o->galt,
                      .angle = angle, .model = model, .met = s.have_met ? &s.met : NULL,
                      .lat_deg = o->have_lat ? o->lat : NAN, .aof_mils = o->have_aof ? o->aof : NAN};
    fires_fd fd;
    if (fires_firing_data(&in, &fd, &e) != 0) {
        cli_error(c, "%s", e.msg);
        goto out;
    }
    const fires_geom *g = &fd.geom;
    const char *chname = fd.charge[0] ? fd.charge : "given MV";
    if (c->json) {
        strbuf b = {0};
        sb_add(&b, "{\"label\": ");
        json_str(&b, FIRES_LABEL);
        sb_addf(&b, ", \"model\": \"%s\", \"angle\": \"%s\", \"weapon\": ", model_name(fd.model),
                angle == FIRES_LOW_ANGLE ? "low" : "high");
        if (s.weapon)
            json_str(&b, s.weapon->name);
        else
            sb_add(&b, "null");
        sb_add(&b, ", \"projectile\": ");
        proj_json(&b, &s.proj);
        char gm[64], tm[64];
        if (fires_pos_mgrs(&gun, 5, false, gm, sizeof gm, &e) != 0)
            gm[0] = 0;
        if (fires_pos_mgrs(&tgt, 5, false, tm, sizeof tm, &e) != 0)
            tm[0] = 0;
        sb_add(&b, ", \"gun_mgrs\": ");
        json_str(&b, gm);
        sb_add(&b, ", \"target_mgrs\": ");
        json_str(&b, tm);
        sb_add(&b, ", \"charge\": ");
        json_str(&b, chname);
        sb_addf(&b, ", \"mv_mps\": %g, \"range_m\": %.1f, \"geodesic_range_m\": %.1f, \"azimuth_mils\": %.1f, "
                    "\"azimuth_to_fire_mils\": %.1f",
                fd.mv, g->grid_dist_m, fd.range_m, g->grid_az_mils, fd.az_fire_mils);
        if (!isnan(fd.defl_mils))
            sb_addf(&b, ", \"deflection_mils\": %.1f, \"aof_mils\": %.1f", fd.defl_mils, o->aof);
        sb_addf(&b, ", \"qe_mils\": %.1f, \"site_mils\": ", fd.qe_mils);
        if (isnan(fd.site_mils))
            sb_add(&b, "null");
        else
            sb_addf(&b, "%.1f", fd.site_mils);
        sb_addf(&b,
                ", \"angle_of_site_mils\": %.1f, \"vertical_interval_m\": %.1f, \"tof_s\": %.1f, \"fuze_time_s\": %.1f, "
                "\"max_ordinate_m\": %.0f, \"angle_of_fall_mils\": %.0f, \"impact_velocity_mps\": %.0f, "
                "\"drift_mils\": %.1f, \"max_range_m\": %.0f, \"met\": %s, \"lat_deg\": %.4f, \"miss_m\": %.3f}\n",
                g->site_mils, g->vi_m, fd.tof_s, fd.fuze_s, fd.max_ord_m, fd.aof_fall_mils, fd.impact_v, fd.drift_mils,
                fd.max_range_m, s.have_met ? "true" : "false", fd.lat_deg, fd.miss_m);
        fputs(b.s, stdout);
        sb_free(&b);
    } else {
        printf("Firing data (%s angle, %s model%s)\n", angle == FIRES_LOW_ANGLE ? "low" : "high", model_name(fd.model),
               s.have_met ? ", METCM" : ", ICAO standard atmosphere, no wind");
        printf("  weapon / projectile  %s / %s, charge %s (%.0f m/s), max range %.0f m\n",
               s.weapon ? s.weapon->name : "-", s.proj.name, chname, fd.mv, fd.max_range_m);
        printf("  range                %.0f m (grid), %.0f m (ground)\n", g->grid_dist_m, fd.range_m);
        printf("  azimuth              %.1f mils (grid), %.1f to fire with drift\n", g->grid_az_mils, fd.az_fire_mils);
        if (!isnan(fd.defl_mils))
            printf("  deflection           %.1f mils (AOF %.1f)\n", fd.defl_mils, o->aof);
        printf("  QE                   %.1f mils\n", fd.qe_mils);
        if (isnan(fd.site_mils))
            printf("  site                 (not found)\n");
        else
            printf("  site                 %+.1f mils (angle of site %+.1f, VI %+.0f m)\n", fd.site_mils, g->site_mils, g->vi_m);
        printf("  time of flight       %.1f s, fuze time %.1f\n", fd.tof_s, fd.fuze_s);
        printf("  max ordinate         %.0f m\n  angle of fall        %.0f mils\n  impact velocity      %.0f m/s\n",
               fd.max_ord_m, fd.aof_fall_mils, fd.impact_v);
        printf("  drift                %.1f mils (wind and Coriolis)\n", fd.drift_mils);
        printf("%s.\n", FIRES_LABEL);
    }
    rc = EXIT_OK;
out:
    setup_free(&s);
    return rc;
}

static int fire_cmd_table(cli_ctx *c, const opts *o)
{
    setup s = {0};
    double mv;
    const char *cname;
    int rc = EXIT_USER;
    fa_err e;
    if (o->met || (o->model && strcmp(o->model, "full"))) {
        cli_error(c, "fire table is computed for standard conditions with the full model; --met and --model apply "
                     "to trajectory, solve and fit");
        return EXIT_USER;
    }
    if (build(c, o, &s, &mv, &cname, true))
        goto out;
    if (!s.weapon || !s.proj.drag.n) {
        cli_error(c, "fire table needs --weapon W --projectile P --charge C");
        goto out;
    }
    fires_shot sh;
    fires_shot_init(&sh, &s.proj, mv, 0);
    sh.lat_deg = o->lat;
    sh.az_deg = o->az * 360.0 / 6400.0;
    sh.no_coriolis = !o->have_lat;
    double min_qe = fires_mils_to_rad(s.weapon->min_elev_mils), max_qe = fires_mils_to_rad(s.weapon->max_elev_mils);
    double rmax, qmax;
    if (fires_max_range(&sh, min_qe, max_qe, &rmax, &qmax, &e) != 0) {
        cli_error(c, "%s", e.msg);
        goto out;
    }
    double step = isnan(o->step) ? 100 : o->step;
    if (!(step >= 1 && step <= 10000)) {
        cli_error(c, "--step: %g m must be in 1 .. 10000", step);
        goto out;
    }
    double from = isnan(o->from) ? step : o->from, to = isnan(o->to) ? floor(rmax / step) * step : o->to;
    if (!(from > 0) || !(to >= from)) {
        cli_error(c, "--from/--to: need 0 < from <= to (got %g .. %g)", from, to);
        goto out;
    }
    if (to > rmax) {
        cli_error(c, "--to: %.0f m is beyond the maximum range %.0f m of charge %s", to, rmax, cname);
        goto out;
    }
    if ((to - from) / step > 5000) {
        cli_error(c, "--step: more than 5000 rows; use a larger step");
        goto out;
    }
    strbuf b = {0};
    double square = s.cproj ? s.cproj->square_kg : 0;
    const char *cond = o->have_lat ? "ICAO standard atmosphere, no wind, round earth, Coriolis at the given latitude "
                                     "and azimuth"
                                   : "ICAO standard atmosphere, no wind, round earth, no earth rotation";
    if (c->json) {
        sb_add(&b, "{\"label\": ");
        json_str(&b, FIRES_LABEL);
        sb_add(&b, ", \"weapon\": ");
        json_str(&b, s.weapon->name);
        sb_add(&b, ", \"projectile\": ");
        proj_json(&b, &s.proj);
        sb_add(&b, ", \"charge\": ");
        json_str(&b, cname);
        sb_addf(&b, ", \"mv_mps\": %g, \"max_range_m\": %.0f, \"max_range_qe_mils\": %.1f, \"conditions\": ", mv, rmax,
                fires_rad_to_mils(qmax));
        json_str(&b, cond);
        sb_add(&b, ", \"rows\": [");
    } else if (o->csv) {
        sb_addf(&b, "# %s\n# %s %s charge %s, MV %g m/s; %s\n", FIRES_LABEL, s.weapon->name, s.proj.name, cname, mv, cond);
        sb_add(&b, "range_m,qe_mils,fuze_s,tof_s,drift_mils,max_ord_m,aof_mils,impact_v_mps,dr_mv_1mps,"
                   "dr_density_1pct,dr_temp_1pct,dr_head_1kn,dr_tail_1kn,dd_cross_1kn_mils,dr_square\n");
    } else {
        sb_addf(&b, "Firing table: %s %s charge %s, MV %g m/s; %s\nMaximum range %.0f m at QE %.0f mils\n",
                s.weapon->name, s.proj.name, cname, mv, cond, rmax, fires_rad_to_mils(qmax));
        sb_addf(&b, "%8s %7s %6s %6s %6s %6s %6s %6s %7s %7s %7s %6s %6s %6s\n", "range", "QE", "fuze", "tof", "drift",
                "maxord", "aof", "v", "dR/MV", "dR/rho", "dR/T", "head", "tail", "xwind");
    }
    int nrows = 0;
    for (double R = from; R <= to + 1e-9; R += step) {
        fires_table_row row;
        if (fires_table_row_at(&sh, R, min_qe, max_qe, rmax, qmax, square, &row, &e) != 0) {
            sb_free(&b);
            cli_error(c, "range %.0f m: %s", R, e.msg);
            goto out;
        }
        if (c->json) {
            sb_addf(&b,
                    "%s{\"range_m\": %.0f, \"qe_mils\": %.1f, \"fuze_s\": %.1f, \"tof_s\": %.1f, \"drift_mils\": %.2f, "
                    "\"max_ordinate_m\": %.0f, \"angle_of_fall_mils\": %.0f, \"impact_velocity_mps\": %.0f, "
                    "\"dr_mv_1mps\": %.1f, \"dr_density_1pct\": %.1f, \"dr_temp_1pct\": %.1f, \"dr_head_wind_1kn\": "
                    "%.1f, \"dr_tail_wind_1kn\": %.1f, \"dd_cross_wind_1kn_mils\": %.2f, \"dr_square\": ",
                    nrows ? ", " : "", row.range_m, row.qe_mils, row.fuze_s, row.tof_s, row.drift_mils, row.max_ord_m,
                    row.aof_mils, row.impact_v, row.dr_mv, row.dr_rho, row.dr_temp, row.dr_head, row.dr_tail,
                    row.dd_cross);
            if (isnan(row.dr_square))
                sb_add(&b, "null}");
            else
                sb_addf(&b, "%.1f}", row.dr_square);
        } else if (o->csv) {
            sb_addf(&b, "%.0f,%.1f,%.1f,%.1f,%.2f,%.0f,%.0f,%.0f,%.1f,%.1f,%.1f,%.1f,%.1f,%.2f,", row.range_m,
                    row.qe_mils, row.fuze_s, row.tof_s, row.drift_mils, row.max_ord_m, row.aof_mils, row.impact_v,
                    row.dr_mv, row.dr_rho, row.dr_temp, row.dr_head, row.dr_tail, row.dd_cross);
            if (!isnan(row.dr_square))
                sb_addf(&b, "%.1f", row.dr_square);
            sb_addc(&b, '\n');
        } else {
            sb_addf(&b, "%8.0f %7.1f %6.1f %6.1f %6.2f %6.0f %6.0f %6.0f %7.1f %7.1f %7.1f %6.1f %6.1f %6.2f\n",
                    row.range_m, row.qe_mils, row.fuze_s, row.tof_s, row.drift_mils, row.max_ord_m, row.aof_mils,
                    row.impact_v, row.dr_mv, row.dr_rho, row.dr_temp, row.dr_head, row.dr_tail, row.dd_cross);
        }
        nrows++;
    }
    if (c->json)
        sb_add(&b, "]}\n");
    else if (!o->csv)
        sb_addf(&b, "%s.\n", FIRES_LABEL);
    fputs(b.s, stdout);
    sb_free(&b);
    rc = EXIT_OK;
out:
    setup_free(&s);
    return rc;
}

static int cmd_fit(cli_ctx *c, const opts *o)
{
    setup s = {0};
    double mv;
    const char *cname;
    int rc = EXIT_USER;
    fa_err e;
    VEC(double) qe = {0}, rg = {0};
    fires_model model;
    if (model_of(c, o->model, &model) || build(c, o, &s, &mv, &cname, true))
        goto out;
    if (model == FIRES_MODEL_VACUUM) {
        cli_error(c, "fire fit: the vacuum model has no form factor to fit");
        goto out;
    }
    if (!s.proj.drag.n) {
        cli_error(c, "a projectile is required: --projectile NAME, or --mass --diameter --drag-table");
        goto out;
    }
    if (!o->obs) {
        cli_error(c, "--obs QE:RANGE[,QE:RANGE...] is required (QE in mils, range in m)");
        goto out;
    }
    char *list = xstrdup(o->obs), *save = NULL;
    int k = 0;
    for (char *t = strtok_r(list, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
        k++;
        char *colon = strchr(t, ':');
        double q, r;
        char f1[48], f2[48];
        snprintf(f1, sizeof f1, "--obs %d QE", k);
        snprintf(f2, sizeof f2, "--obs %d range", k);
        if (!colon) {
            free(list);
            cli_error(c, "--obs %d: '%s' is not QE:RANGE", k, t);
            goto out;
        }
        *colon = 0;
        if (fires_parse_num(t, f1, &q, &e) || fires_parse_num(colon + 1, f2, &r, &e)) {
            free(list);
            cli_error(c, "%s", e.msg);
            goto out;
        }
        VEC_PUSH(qe, fires_mils_to_rad(q));
        VEC_PUSH(rg, r);
    }
    free(list);
    fires_shot sh;
    fires_shot_init(&sh, &s.proj, mv, 0);
    sh.model = model;
    sh.gun_alt_m = o->galt;
    sh.target_alt_m = o->have_talt ? o->talt : o->galt;
    sh.lat_deg = o->lat;
    sh.az_deg = o->az * 360.0 / 6400.0;
    sh.no_coriolis = !o->have_lat;
    sh.met = s.have_met ? &s.met : NULL;
    double ff, rms;
    if (fires_fit_form_factor(&sh, qe.v, rg.v, qe.n, &ff, &rms, &e) != 0) {
        cli_error(c, "%s", e.msg);
        goto out;
    }
    fires_projectile fitted = s.proj;
    fitted.form_factor = ff;
    sh.proj = &fitted;
    strbuf b = {0};
    if (c->json) {
        sb_add(&b, "{\"label\": ");
        json_str(&b, FIRES_LABEL);
        sb_addf(&b, ", \"form_factor\": %.6f, \"previous_form_factor\": %.6f, \"rms_m\": %.2f, \"n\": %zu, "
                    "\"mv_mps\": %g, \"residuals\": [", ff, s.proj.form_factor, rms, qe.n, mv);
    } else {
        sb_addf(&b, "Form factor %.5f (was %.5f) from %zu observation(s), rms residual %.1f m\n", ff, s.proj.form_factor,
                qe.n, rms);
    }
    for (size_t i = 0; i < qe.n; i++) {
        sh.qe_rad = qe.v[i];
        fires_traj r;
        if (fires_trajectory(&sh, &r, &e) != 0) {
            sb_free(&b);
            cli_error(c, "%s", e.msg);
            goto out;
        }
        if (c->json)
            sb_addf(&b, "%s{\"qe_mils\": %.1f, \"observed_m\": %.1f, \"model_m\": %.1f}", i ? ", " : "",
                    fires_rad_to_mils(qe.v[i]), rg.v[i], r.range_m);
        else
            sb_addf(&b, "  QE %7.1f mils  observed %8.1f m  model %8.1f m  residual %+6.1f m\n",
                    fires_rad_to_mils(qe.v[i]), rg.v[i], r.range_m, r.range_m - rg.v[i]);
        fires_traj_free(&r);
    }
    if (c->json)
        sb_add(&b, "]}\n");
    else
        sb_addf(&b, "%s.\n", FIRES_LABEL);
    fputs(b.s, stdout);
    sb_free(&b);
    rc = EXIT_OK;
out:
    free(qe.v);
    free(rg.v);
    setup_free(&s);
    return rc;
}

static int cmd_list(cli_ctx *c, const opts *o)
{
    setup s = {0};
    if (load_catalog(c, o, &s) != 0)
        return EXIT_USER;
    strbuf b = {0};
    if (c->json)
        sb_add(&b, "{\"weapons\": [");
    else
        sb_add(&b, "Weapons (public nominal values):\n");
    for (size_t i = 0; i < s.data.cat.weapons.n; i++) {
        const fires_weapon *w = &s.data.cat.weapons.v[i];
        if (c->json) {
            sb_add(&b, i ? ", {\"name\": " : "{\"name\": ");
            json_str(&b, w->name);
            sb_addf(&b, ", \"min_elev_mils\": %g, \"max_elev_mils\": %g, \"charges\": [", w->min_elev_mils,
                    w->max_elev_mils);
            for (int k = 0; k < w->ncharges; k++) {
                sb_add(&b, k ? ", {\"name\": " : "{\"name\": ");
                json_str(&b, w->charge[k].name);
                sb_addf(&b, ", \"mv_mps\": %g}", w->charge[k].mv);
            }
            sb_add(&b, "], \"source\": ");
            json_str(&b, w->source);
            sb_add(&b, "}");
        } else {
            sb_addf(&b, "  %-10s %s mm, elevation %g .. %g mils, charges:", w->name, w->caliber, w->min_elev_mils,
                    w->max_elev_mils);
            for (int k = 0; k < w->ncharges; k++)
                sb_addf(&b, " %s (%g m/s)", w->charge[k].name, w->charge[k].mv);
            sb_addf(&b, "\n             source: %s\n", w->source);
        }
    }
    sb_add(&b, c->json ? "], \"projectiles\": [" : "Projectiles:\n");
    for (size_t i = 0; i < s.data.cat.nprojs; i++) {
        const struct fires_cat_proj *p = &s.data.cat.projs[i];
        if (c->json) {
            sb_add(&b, i ? ", {\"name\": " : "{\"name\": ");
            json_str(&b, p->name);
            sb_addf(&b, ", \"mass_kg\": %g, \"diameter_m\": %g, \"form_factor\": %g, \"drag_table\": ", p->mass_kg,
                    p->diameter_m, p->form_factor);
            json_str(&b, p->drag);
            sb_add(&b, ", \"source\": ");
            json_str(&b, p->source);
            sb_add(&b, "}");
        } else {
            sb_addf(&b, "  %-10s %s mm, %g kg, d %g m, drag %s, form factor %g\n             source: %s\n", p->name,
                    p->caliber, p->mass_kg, p->diameter_m, p->drag, p->form_factor, p->source);
        }
    }
    sb_add(&b, c->json ? "]}\n" : "");
    fputs(b.s, stdout);
    sb_free(&b);
    setup_free(&s);
    return EXIT_OK;
}

int cmd_fire(cli_ctx *c, int argc, char **argv)
{
    static const struct option lo[] = {
        {"mv", required_argument, 0, O_MV},           {"qe", required_argument, 0, O_QE},
        {"mass", required_argument, 0, O_MASS},       {"diameter", required_argument, 0, O_DIA},
        {"drag-table", required_argument, 0, O_DRAG}, {"form-factor", required_argument, 0, O_FF},
        {"bc", required_argument, 0, O_BC},           {"model", required_argument, 0, O_MODEL},
        {"target-alt", required_argument, 0, O_TALT}, {"gun-alt", required_argument, 0, O_GALT},
        {"lat", required_argument, 0, O_LAT},         {"az", required_argument, 0, O_AZ},
        {"met", required_argument, 0, O_MET},         {"points", no_argument, 0, O_POINTS},
        {"point-dt", required_argument, 0, O_PDT},    {"point-dx", required_argument, 0, O_PDX},    {"gun", required_argument, 0, O_GUN},
        {"target", required_argument, 0, O_TARGET},   {"weapon", required_argument, 0, O_WEAPON},
        {"projectile", required_argument, 0, O_PROJ}, {"charge", required_argument, 0, O_CHARGE},
        {"angle", required_argument, 0, O_ANGLE},     {"aof", required_argument, 0, O_AOF},
        {"from", required_argument, 0, O_FROM},       {"to", required_argument, 0, O_TO},
        {"step", required_argument, 0, O_STEP},       {"csv", no_argument, 0, O_CSV},
        {"obs", required_argument, 0, O_OBS},         {"data", required_argument, 0, O_DATA},
        {"tol", required_argument, 0, O_TOL},         {"catalog", required_argument, 0, O_CATALOG},
        CLI_COMMON_LONGOPTS,                          {0, 0, 0, 0}};
    opts o = {.mv = NAN, .qe = NAN, .mass = NAN, .dia = NAN, .ff = NAN, .bc = NAN, .from = NAN, .to = NAN,
              .step = NAN, .pdt = NAN, .pdx = NAN, .tol = NAN};
    int opt;
    while ((opt = getopt_long(argc, argv, "hJH:", lo, NULL)) != -1) {
        int r = cli_common_opt(c, opt, optarg, usage);
        if (r < 0)
            return EXIT_OK;
        if (r > 0)
            continue;
        if (opt == '?')
            return cli_usage_error(usage, "unknown option or missing value");
        const char *name = "";
        for (const struct option *x = lo; x->name; x++)
            if (x->val == opt)
                name = x->name;
        char field[32];
        snprintf(field, sizeof field, "--%s", name);
        double v = 0;
        fa_err e;
        bool numeric = opt == O_MV || opt == O_QE || opt == O_MASS || opt == O_DIA || opt == O_FF || opt == O_BC ||
                       opt == O_TALT || opt == O_GALT || opt == O_LAT || opt == O_AZ || opt == O_PDT || opt == O_PDX ||
                       opt == O_AOF || opt == O_FROM || opt == O_TO || opt == O_STEP || opt == O_TOL;
        if (numeric && fires_parse_num(optarg, field, &v, &e) != 0)
            return cli_error(c, "%s", e.msg);
        switch (opt) {
        case O_MV: o.mv = v; break;
        case O_QE: o.qe = v; break;
        case O_MASS: o.mass = v; break;
        case O_DIA: o.dia = v; break;
        case O_FF: o.ff = v; break;
        case O_BC: o.bc = v; break;
        case O_TALT: o.talt = v; o.have_talt = true; break;
        case O_GALT: o.galt = v; break;
        case O_LAT: o.lat = v; o.have_lat = true; break;
        case O_AZ: o.az = v; break;
        case O_PDT: o.pdt = v; break;
        case O_PDX: o.pdx = v; o.points = true; break;
        case O_AOF: o.aof = v; o.have_aof = true; break;
        case O_FROM: o.from = v; break;
        case O_TO: o.to = v; break;
        case O_STEP: o.step = v; break;
        case O_TOL: o.tol = v; break;
        case O_DRAG: o.drag = optarg; break;
        case O_MODEL: o.model = optarg; break;
        case O_MET: o.met = optarg; break;
        case O_POINTS: o.points = true; break;
        case O_GUN: o.gun = optarg; break;
        case O_TARGET: o.target = optarg; break;
        case O_WEAPON: o.weapon = optarg; break;
        case O_PROJ: o.proj = optarg; break;
        case O_CHARGE: o.charge = optarg; break;
        case O_ANGLE: o.angle = optarg; break;
        case O_CSV: o.csv = true; break;
        case O_OBS: o.obs = optarg; break;
        case O_DATA: o.data = optarg; break;
        case O_CATALOG: o.catalog = optarg; break;
        }
    }
    if (optind >= argc)
        return cli_usage_error(usage, "fire: say trajectory, solve, table, fit or list");
    const char *sub = argv[optind];
    if (optind + 1 < argc)
        return cli_usage_error(usage, "fire %s: unexpected argument '%s'", sub, argv[optind + 1]);
    if (o.have_lat && fabs(o.lat) > 90)
        return cli_error(c, "--lat: %g must be in -90 .. 90 degrees", o.lat);
    if (!strcmp(sub, "trajectory"))
        return cmd_trajectory(c, &o);
    if (!strcmp(sub, "solve"))
        return cmd_solve(c, &o);
    if (!strcmp(sub, "table"))
        return fire_cmd_table(c, &o);
    if (!strcmp(sub, "fit"))
        return cmd_fit(c, &o);
    if (!strcmp(sub, "list"))
        return cmd_list(c, &o);
    return cli_usage_error(usage, "fire: unknown subcommand '%s'", sub);
}
