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
    "usage: fagpt fire trajectory --mv M/S --qe MILS [projectile] [--model full|flat|vacuum|mpm] [--target-alt M]\n"
    "                  [--gun-alt M] [--lat DEG] [--az MILS] [--met FILE] [--points [--point-dt S | --point-dx M]]\n"
    "                  [--json]\n"
    "       fagpt fire solve --gun POS [--gun-alt M] --target POS [--target-alt M]\n"
    "                  (--weapon W --projectile P [--charge C] | projectile and --mv M/S)\n"
    "                  [--angle low|high] [--met FILE] [--aof MILS] [--lat DEG] [--model full|flat|mpm] [--json]\n"
    "       fagpt fire table --weapon W --projectile P --charge C [--from M] [--to M] [--step M]\n"
    "                  [--lat DEG --az MILS] [--csv | --json]\n"
    "       fagpt fire fit (--weapon W --projectile P --charge C | projectile and --mv) --obs QE:RANGE[,QE:RANGE...]\n"
    "                  [--model full|flat] [--met FILE] [--gun-alt M] [--target-alt M] [--lat DEG --az MILS] [--json]\n"
    "       fagpt fire list [--json]\n"
    "       fagpt fire mcdrag --diameter M --length CAL --nose CAL [--rt-r X] [--boattail CAL] [--base CAL]\n"
    "                  [--meplat CAL] [--band CAL] [--boundary-layer LL|LT|TT] [--json]\n"
    "       fagpt fire atmos [--alt M] [--temp C --pressure HPA [--humidity PCT]] [--json]\n"
    "\n"
    "Projectile: --projectile NAME from the catalogue, or --mass KG --diameter M --drag-table FILE|NAME\n"
    "            (G1, G7, ... from FAGPT_DRAG_PATH; shipped: kd_155mm_M101, cal50_M33) with --form-factor F, or --bc\n"
    "            LB/IN2 against a G table; --bc BC@V,BC@V,... gives BCs by velocity band (m/s), linear between.\n"
    "Models: full (default: round earth, gravity by height, Coriolis, ICAO or --met atmosphere and wind);\n"
    "        flat (reference for cross-checks: flat earth, g = 9.80665, ICAO, no wind, no Coriolis); vacuum;\n"
    "        mpm: full plus the lift on the yaw of repose, the spin drift (modified point mass, Lieske and Reiter,\n"
    "        BRL R-1314; McCoy ch. 9). It needs --aero FILE|NAME (mach,cl_alpha,cm_alpha), --ix KG_M2 and --twist\n"
    "        M/TURN (< 0 left hand), or a catalogue projectile that has them. It covers the drift and the small\n"
    "        lift on range; spin constant at its muzzle value, no Magnus force, no yaw drag, linear coefficients.\n"
    "Drift in full and flat is the point-mass lateral deviation only (wind, Coriolis), no spin drift.\n"
    "solve: without --charge, the lowest charge (by muzzle velocity) whose maximum range exceeds the target range\n"
    "by 5 %; deflection (with --aof) = 3200 + AOF - azimuth to fire; site = QE less the QE to the gun's altitude.\n"
    "Data: --data DIR (or FAGPT_DATA) holds fires/catalog.json and fires/drag/; $FAGPT_HOME/fires/drag and the\n"
    "folders in FAGPT_DRAG_PATH (colon-separated) are searched for drag tables too; add your own there (CSV with a\n"
    "'mach,cd' or 'mach,kd' header). Output is " FIRES_LABEL ".\n"
    "mcdrag: a Mach-Cd table estimated from the shape (McCoy, MC DRAG, BRL ARBRL-TR-02293, 1981), lengths in\n"
    "calibres (base, meplat and band diameters too; defaults: no boattail, base 1, meplat 0, band 1, rt-r 1 (a\n"
    "tangent ogive; 0 is a cone), boundary layer LT); prints the table as a drag file to save in a drag folder and name with --drag-table.\n"
    "atmos: the ICAO standard atmosphere at --alt (to 80 km), and with --temp/--pressure/--humidity the density of\n"
    "that air by CIPM-2007 and its ratio to 1.225 kg/m^3 (the small-arms density ratio).\n";

enum {
    O_MV = 1000, O_QE, O_MASS, O_DIA, O_DRAG, O_FF, O_BC, O_MODEL, O_TALT, O_GALT, O_LAT, O_AZ, O_MET, O_POINTS,
    O_PDT, O_GUN, O_TARGET, O_WEAPON, O_PROJ, O_CHARGE, O_ANGLE, O_AOF, O_FROM, O_TO, O_STEP, O_CSV, O_OBS, O_DATA,
    O_TOL, O_CATALOG, O_PDX, O_AERO, O_IX, O_IY, O_TWIST, O_ALT, O_TEMP, O_PRES, O_HUM, O_LEN, O_NOSE, O_RTR, O_BT, O_BASE, O_MEPLAT, O_BAND, O_BL
};

typedef struct opts {
    double mv, qe, mass, dia, ff, talt, galt, lat, az, aof, from, to, step, pdt, pdx, tol;
    double len, nose, rtr, bt, base, meplat, band;  /* fire mcdrag: the shape, calibres */
    const char *bl, *bc_text;  /* --bc: one BC, or BC@V,BC@V,... by velocity band */
    double alt, temp_c, pres_hpa, hum;  /* fire atmos */
    double ix, iy, twist;               /* --model mpm */
    const char *aero;
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

/* --bc: one ballistic coefficient (lb/in^2) against the G table, giving the form factor, or several by velocity
 * band, "0.417@745,0.409@662" (m/s), folded into the table. */
static int bc_option(cli_ctx *c, const opts *o, setup *s)
{
    fa_err e;
    if (!strchr(o->bc_text, '@')) {
        double bc;
        if (fires_parse_num(o->bc_text, "--bc", &bc, &e) != 0)
            return cli_error(c, "%s", e.msg), -1;
        if (!(bc > 0))
            return cli_error(c, "--bc: %g must be a positive ballistic coefficient (lb/in^2)", bc), -1;
        s->proj.form_factor = fires_form_factor_from_bc(bc, o->mass, o->dia);
        return 0;
    }
    double bc[16], v[16];
    size_t n = 0;
    char *list = xstrdup(o->bc_text), *save = NULL;
    int rc = 0;
    for (char *t = strtok_r(list, ",", &save); t && rc == 0; t = strtok_r(NULL, ",", &save)) {
        char *at = strchr(t, '@'), f1[48], f2[48];
        if (n == 16) {
            rc = cli_error(c, "--bc: at most 16 BC@velocity points");
            break;
        }
        snprintf(f1, sizeof f1, "--bc point %zu BC", n + 1);
        snprintf(f2, sizeof f2, "--bc point %zu velocity", n + 1);
        if (!at) {
            rc = cli_error(c, "--bc point %zu: '%s' is not BC@VELOCITY (lb/in^2 @ m/s)", n + 1, t);
            break;
        }
        *at = 0;
        if (fires_parse_num(t, f1, &bc[n], &e) || fires_parse_num(at + 1, f2, &v[n], &e)) {
            rc = cli_error(c, "%s", e.msg);
            break;
        }
        n++;
    }
    free(list);
    if (rc)
        return -1;
    /* ascending velocity, each BC's Mach at the ICAO sea-level speed of sound (as the BCs are published) */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && v[j] < v[j - 1]; j--) {
            double t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
            t = bc[j];
            bc[j] = bc[j - 1];
            bc[j - 1] = t;
        }
    double mach[16], sd = o->mass / 0.45359237 / ((o->dia / 0.0254) * (o->dia / 0.0254));
    for (size_t i = 0; i < n; i++)
        mach[i] = v[i] / fires_sound_speed(288.15);
    if (fires_drag_multi_bc(&s->proj.drag, bc, mach, n, sd, &e) != 0)
        return cli_error(c, "%s", e.msg), -1;
    s->proj.form_factor = 1.0;
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
        if (o->bc_text) {
            if (!isnan(o->ff))
                return cli_error(c, "give --form-factor or --bc, not both"), -1;
            if (bc_option(c, o, s) != 0)
                return -1;
        }
    }
    if (s->proj.drag.n && fires_projectile_check(&s->proj, &e) != 0)
        return cli_error(c, "%s", e.msg), -1;
    if (o->aero) {
        fires_aero_free(&s->proj.aero);
        if (fires_aero_find(o->aero, s->data.dirs, &s->proj.aero, &e) != 0)
            return cli_error(c, "--aero: %s", e.msg), -1;
    }
    if (!isnan(o->ix))
        s->proj.ix_kg_m2 = o->ix;
    if (!isnan(o->iy)) {
        if (!(o->iy > 0))
            return cli_error(c, "--iy: %g kg m^2 must be a positive moment of inertia", o->iy), -1;
        s->proj.iy_kg_m2 = o->iy;
    }
    if (!isnan(o->twist))
        s->proj.twist_m = o->twist;
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
    else if (!strcmp(m, "mpm"))
        *out = FIRES_MODEL_MPM;
    else
        return cli_error(c, "--model: '%s' is not full, flat, vacuum or mpm", m), -1;
    return 0;
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
    bool full = model == FIRES_MODEL_FULL || model == FIRES_MODEL_MPM;
    sh.no_coriolis = full && !o->have_lat;
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
        fires_traj_json(&b, model, mv, o->qe, sh.proj ? &s.proj : NULL, &r, full && o->have_lat, o->points,
                        sh.twist_m != 0 ? sh.twist_m : s.proj.twist_m);
        sb_addc(&b, '\n');
        fputs(b.s, stdout);
        sb_free(&b);
    } else {
        printf("Trajectory (%s model), MV %g m/s, QE %g mils%s\n", fires_model_name(model), mv, o->qe,
               full && !o->have_lat ? " (no Coriolis: give --lat and --az)" : "");
        printf("  range              %.1f m\n  time of flight     %.2f s\n  maximum ordinate   %.1f m\n", r.range_m,
               r.tof_s, r.max_ord_m);
        printf("  angle of fall      %.1f mils\n  impact velocity    %.1f m/s\n  drift              %.2f mils "
               "(%.1f m; %s)\n", aof, r.impact_v, r.drift_mils, r.drift_m,
               model == FIRES_MODEL_MPM ? "wind, Coriolis and spin drift" : "wind and Coriolis only");
        if (model == FIRES_MODEL_MPM && r.sg_muzzle > 0)
            printf("  gyroscopic stability at the muzzle %.2f, largest yaw of repose %.2f mils\n", r.sg_muzzle,
                   fires_rad_to_mils(r.max_yaw_rad));
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
        fires_fd_json(&b, &in, &fd);
        sb_addc(&b, '\n');
        fputs(b.s, stdout);
        sb_free(&b);
    } else {
        printf("Firing data (%s angle, %s model%s)\n", angle == FIRES_LOW_ANGLE ? "low" : "high", fires_model_name(fd.model),
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
        fires_projectile_json(&b, &s.proj);
        sb_add(&b, ", \"charge\": ");
        json_str(&b, cname);
        sb_addf(&b, ", \"mv_mps\": %g, \"max_range_m\": %.0f, \"max_range_qe_mils\": %.1f, \"conditions\": ", mv, rmax,
                fires_rad_to_mils(qmax));
        json_str(&b, cond);
        sb_add(&b, ", \"rows\": [");
    } else if (o->csv) {
        sb_addf(&b, "# %s\n# %s %s charge %s, MV %g m/s; %s\n", FIRES_LABEL, s.weapon->name, s.proj.name, cname, mv, cond);
        sb_add(&b, fires_table_csv_header);
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
            if (nrows)
                sb_add(&b, ", ");
            fires_table_row_json(&b, &row);
        } else if (o->csv) {
            fires_table_row_csv(&b, &row);
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
    if (c->json) {
        fires_catalog_json(&b, &s.data.cat);
        sb_addc(&b, '\n');
        fputs(b.s, stdout);
        sb_free(&b);
        setup_free(&s);
        return EXIT_OK;
    }
    sb_add(&b, "Weapons (public nominal values):\n");
    for (size_t i = 0; i < s.data.cat.weapons.n; i++) {
        const fires_weapon *w = &s.data.cat.weapons.v[i];
        sb_addf(&b, "  %-10s %s mm, elevation %g .. %g mils, charges:", w->name, w->caliber, w->min_elev_mils,
                w->max_elev_mils);
        for (int k = 0; k < w->ncharges; k++)
            sb_addf(&b, " %s (%g m/s)", w->charge[k].name, w->charge[k].mv);
        sb_addf(&b, "\n             source: %s\n", w->source);
    }
    sb_add(&b, "Projectiles:\n");
    for (size_t i = 0; i < s.data.cat.nprojs; i++) {
        const struct fires_cat_proj *p = &s.data.cat.projs[i];
        sb_addf(&b, "  %-10s %s mm, %g kg, d %g m, drag %s, form factor %g", p->name, p->caliber, p->mass_kg,
                p->diameter_m, p->drag, p->form_factor);
        if (p->aero[0])
            sb_addf(&b, ", mpm data %s (I_x %g kg m^2, twist %g m)", p->aero, p->ix_kg_m2, p->twist_m);
        sb_addf(&b, "\n             source: %s\n", p->source);
    }
    fputs(b.s, stdout);
    sb_free(&b);
    setup_free(&s);
    return EXIT_OK;
}

/* fire mcdrag: the drag table of a shape, as a drag file (CSV) or JSON with the parts of CD0 at each Mach. */
static int cmd_mcdrag(cli_ctx *c, const opts *o)
{
    if (isnan(o->dia) || isnan(o->len) || isnan(o->nose))
        return cli_error(c, "fire mcdrag: --diameter M, --length CAL and --nose CAL are required");
    fires_mcdrag_shape s = {.diameter_mm = o->dia * 1000, .length_cal = o->len, .nose_cal = o->nose,
                            .boattail_cal = o->bt, .rt_r = o->rtr, .base_cal = o->base, .meplat_cal = o->meplat,
                            .band_cal = o->band, .bl = FIRES_BL_LT};
    if (o->bl) {
        if (!strcasecmp(o->bl, "LL"))
            s.bl = FIRES_BL_LL;
        else if (!strcasecmp(o->bl, "TT"))
            s.bl = FIRES_BL_TT;
        else if (strcasecmp(o->bl, "LT"))
            return cli_error(c, "--boundary-layer: '%s' is not LL, LT or TT (nose and afterbody laminar or "
                                "turbulent)", o->bl);
    }
    fires_drag d;
    fa_err e;
    if (fires_mcdrag_table(&s, &d, &e) != 0)
        return cli_error(c, "%s", e.msg);
    static const char *const bls[] = {"LL", "LT", "TT"};
    strbuf b = {0};
    if (c->json) {
        sb_addf(&b, "{\"method\": \"MC DRAG (McCoy, BRL ARBRL-TR-02293, 1981)\", \"shape\": {\"diameter_m\": %g, "
                    "\"length_cal\": %g, \"nose_cal\": %g, \"rt_r\": %g, \"boattail_cal\": %g, \"base_cal\": %g, "
                    "\"meplat_cal\": %g, \"band_cal\": %g, \"boundary_layer\": \"%s\"}, \"rows\": [",
                o->dia, s.length_cal, s.nose_cal, s.rt_r, s.boattail_cal, s.base_cal, s.meplat_cal, s.band_cal,
                bls[s.bl]);
        for (size_t i = 0; i < d.n; i++) {
            fires_mcdrag_parts p;
            fires_mcdrag_cd0(&s, d.mach[i], &p);
            sb_addf(&b, "%s{\"mach\": %g, \"cd0\": %.5f, \"head\": %.5f, \"skin_friction\": %.5f, \"band\": %.5f, "
                        "\"boattail\": %.5f, \"base\": %.5f}", i ? ", " : "", d.mach[i], p.total, p.head, p.skin,
                    p.band, p.boattail, p.base);
        }
        sb_add(&b, "]}\n");
    } else {
        sb_addf(&b, "# Zero-yaw Cd estimated by MC DRAG (McCoy, BRL ARBRL-TR-02293, 1981) for: diameter %g m, length "
                    "%g cal, nose %g cal, RT/R %g, boattail %g cal, base %g cal, meplat %g cal, band %g cal, boundary "
                    "layer %s. An estimate from the report's empirical fits; fit the form "
                    "factor to firing (fagpt fire fit).\nmach,cd\n",
                o->dia, s.length_cal, s.nose_cal, s.rt_r, s.boattail_cal, s.base_cal, s.meplat_cal, s.band_cal,
                bls[s.bl]);
        for (size_t i = 0; i < d.n; i++)
            sb_addf(&b, "%g,%.5f\n", d.mach[i], d.cd[i]);
    }
    fputs(b.s, stdout);
    sb_free(&b);
    fires_drag_free(&d);
    return EXIT_OK;
}

/* fire atmos: the ICAO standard atmosphere at an altitude, and the density of given surface air (CIPM-2007). */
static int cmd_atmos(cli_ctx *c, const opts *o)
{
    fires_air a;
    fa_err e;
    if (fires_icao(o->alt, &a, &e) != 0)
        return cli_error(c, "--alt: %s", e.msg);
    bool air = !isnan(o->temp_c) || !isnan(o->pres_hpa);
    double rho = NAN;
    if (air) {
        if (isnan(o->temp_c) || isnan(o->pres_hpa))
            return cli_error(c, "give both --temp C and --pressure HPA (station pressure) for the density of that air");
        if (fires_air_density_cipm(o->temp_c + 273.15, o->pres_hpa * 100, o->hum / 100, &rho, &e) != 0)
            return cli_error(c, "%s", e.msg);
    }
    if (c->json) {
        printf("{\"alt_m\": %g, \"icao\": {\"temperature_k\": %.3f, \"pressure_hpa\": %.3f, \"density_kg_m3\": %.5f, "
               "\"density_ratio\": %.6f, \"speed_of_sound_mps\": %.3f}", o->alt, a.t_k, a.p_pa / 100, a.rho,
               a.rho / 1.225, a.sound);
        if (air)
            printf(", \"air\": {\"temperature_c\": %g, \"pressure_hpa\": %g, \"humidity_pct\": %g, \"density_kg_m3\": "
                   "%.5f, \"density_ratio\": %.6f, \"speed_of_sound_mps\": %.3f, \"method\": \"CIPM-2007\"}",
                   o->temp_c, o->pres_hpa, o->hum, rho, rho / 1.225, fires_sound_speed(o->temp_c + 273.15));
        printf("}\n");
    } else {
        printf("ICAO standard atmosphere at %g m: %.2f K (%.2f C), %.2f hPa, %.4f kg/m^3 (ratio %.5f), sound %.2f m/s\n",
               o->alt, a.t_k, a.t_k - 273.15, a.p_pa / 100, a.rho, a.rho / 1.225, a.sound);
        if (air)
            printf("Air at %g C, %g hPa, %g %% humidity (CIPM-2007): %.5f kg/m^3 (ratio %.5f), sound %.2f m/s (dry)\n",
                   o->temp_c, o->pres_hpa, o->hum, rho, rho / 1.225, fires_sound_speed(o->temp_c + 273.15));
    }
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
        {"length", required_argument, 0, O_LEN},      {"nose", required_argument, 0, O_NOSE},
        {"rt-r", required_argument, 0, O_RTR},        {"boattail", required_argument, 0, O_BT},
        {"base", required_argument, 0, O_BASE},       {"meplat", required_argument, 0, O_MEPLAT},
        {"band", required_argument, 0, O_BAND},       {"boundary-layer", required_argument, 0, O_BL},
        {"aero", required_argument, 0, O_AERO},       {"ix", required_argument, 0, O_IX},
        {"iy", required_argument, 0, O_IY},           {"twist", required_argument, 0, O_TWIST},
        {"alt", required_argument, 0, O_ALT},         {"temp", required_argument, 0, O_TEMP},
        {"pressure", required_argument, 0, O_PRES},   {"humidity", required_argument, 0, O_HUM},
        CLI_COMMON_LONGOPTS,                          {0, 0, 0, 0}};
    opts o = {.mv = NAN, .qe = NAN, .mass = NAN, .dia = NAN, .ff = NAN, .from = NAN, .to = NAN,
              .step = NAN, .pdt = NAN, .pdx = NAN, .tol = NAN, .len = NAN, .nose = NAN, .rtr = 1, .bt = 0,
              .base = 1, .meplat = 0, .band = 1, .temp_c = NAN, .pres_hpa = NAN, .hum = 0,
              .ix = NAN, .iy = NAN, .twist = NAN};
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
        bool numeric = opt == O_MV || opt == O_QE || opt == O_MASS || opt == O_DIA || opt == O_FF ||
                       opt == O_TALT || opt == O_GALT || opt == O_LAT || opt == O_AZ || opt == O_PDT || opt == O_PDX ||
                       opt == O_AOF || opt == O_FROM || opt == O_TO || opt == O_STEP || opt == O_TOL ||
                       opt == O_LEN || opt == O_NOSE || opt == O_RTR || opt == O_BT || opt == O_BASE ||
                       opt == O_MEPLAT || opt == O_BAND || opt == O_ALT || opt == O_TEMP || opt == O_PRES ||
                       opt == O_HUM || opt == O_IX || opt == O_IY || opt == O_TWIST;
        if (numeric && fires_parse_num(optarg, field, &v, &e) != 0)
            return cli_error(c, "%s", e.msg);
        switch (opt) {
        case O_MV: o.mv = v; break;
        case O_QE: o.qe = v; break;
        case O_MASS: o.mass = v; break;
        case O_DIA: o.dia = v; break;
        case O_FF: o.ff = v; break;
        case O_BC: o.bc_text = optarg; break;
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
        case O_LEN: o.len = v; break;
        case O_NOSE: o.nose = v; break;
        case O_RTR: o.rtr = v; break;
        case O_BT: o.bt = v; break;
        case O_BASE: o.base = v; break;
        case O_MEPLAT: o.meplat = v; break;
        case O_BAND: o.band = v; break;
        case O_BL: o.bl = optarg; break;
        case O_ALT: o.alt = v; break;
        case O_IX: o.ix = v; break;
        case O_IY: o.iy = v; break;
        case O_TWIST: o.twist = v; break;
        case O_AERO: o.aero = optarg; break;
        case O_TEMP: o.temp_c = v; break;
        case O_PRES: o.pres_hpa = v; break;
        case O_HUM: o.hum = v; break;
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
        return cli_usage_error(usage, "fire: say trajectory, solve, table, fit, list, mcdrag or atmos");
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
    if (!strcmp(sub, "mcdrag"))
        return cmd_mcdrag(c, &o);
    if (!strcmp(sub, "atmos"))
        return cmd_atmos(c, &o);
    return cli_usage_error(usage, "fire: unknown subcommand '%s'", sub);
}
