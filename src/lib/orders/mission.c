/*
 * mission.c - a fire mission walked by the FDC: the call for fire read (cff.c), the target located (grid, polar
 * from the observer, or shift from a known point: fires_polar / fires_shift), firing data computed by the
 * ballistic computer (fires_firing_data), the fire order and the message to observer rendered by this module's
 * products, then the observer's corrections applied and the data recomputed until END OF MISSION.
 *
 * Corrections follow ATP 3-09.30 (Observed Fires, adjustment of fire): the observer sends deviation corrections
 * (LEFT/RIGHT) perpendicular to the observer-target line and range corrections (ADD/DROP) along it, in meters,
 * and height corrections (UP/DOWN) in meters; the FDC moves the adjusting point by them on the OT line and
 * computes new data. The mission is a JSON document (one file per mission, written whole and renamed into
 * place) that holds the setup, the call for fire and every round with its target and firing data.
 */
#include "orders_int.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fires/fires.h"

bool orders_target_number_ok(const char *s)
{
    if (!s || strlen(s) != 6)
        return false;
    for (int i = 0; i < 6; i++)
        if (i < 2 ? !isupper((unsigned char)s[i]) : !isdigit((unsigned char)s[i]))
            return false;
    return true;
}

static const char *str_or(const json_value *o, const char *k, const char *def) { return json_get_str(o, k, def); }

static double num_or_nan(const json_value *o, const char *k)
{
    const json_value *v = json_get(o, k);
    return v && v->type == JSON_NUMBER ? v->num : NAN;
}

/* Puts what in front of e's message ("observer: ..."). */
static int prefix(fa_err *e, const char *what)
{
    char msg[sizeof e->msg];
    snprintf(msg, sizeof msg, "%s", e->msg);
    return fa_fail(e, "%s: %s", what, msg);
}

static double round1(double x) { return round(x * 10.0) / 10.0; }

/* Firing data for the mission's battery at tgt/talt, as a "firing_data" object; NULL with e filled. */
static json_value *compute(const json_value *setup, const fires_pos *tgt, double talt, double ot, fires_fd *fd,
                           fa_err *e)
{
    fires_data d;
    if (fires_data_open(str_or(setup, "data", NULL), NULL, &d, e) != 0)
        return NULL;
    json_value *out = NULL;
    fires_projectile proj = {0};
    const char *wname = str_or(setup, "weapon", ""), *pname = str_or(setup, "projectile", "");
    const char *cname = str_or(setup, "charge", NULL);
    const fires_weapon *w = fires_catalog_weapon(&d.cat, wname);
    fires_pos gun;
    if (!w) {
        fa_fail(e, "weapon '%s' is not in the catalogue (fagpt fire list shows those known)", wname);
        goto done;
    }
    if (fires_catalog_projectile(&d.cat, pname, d.dirs, &proj, e) != 0)
        goto done;
    const fires_charge *ch = NULL;
    if (cname && !(ch = fires_weapon_charge(w, cname))) {
        fa_fail(e, "charge '%s' is not a charge of %s (fagpt fire list shows its charges)", cname, w->name);
        goto done;
    }
    if (fires_pos_parse(str_or(setup, "battery", ""), &gun, e) != 0)
        goto done;
    fires_fd_in in = {.proj = &proj, .weapon = w, .mv = ch ? ch->mv : NAN, .charge_name = ch ? ch->name : NULL,
                      .gun = &gun, .target = tgt, .gun_alt_m = json_get_num(setup, "battery_alt", 0),
                      .target_alt_m = talt, .angle = strcmp(str_or(setup, "angle", "low"), "high") ? FIRES_LOW_ANGLE
                                                                                                  : FIRES_HIGH_ANGLE,
                      .model = FIRES_MODEL_FULL, .lat_deg = NAN, .aof_mils = num_or_nan(setup, "aof_mils")};
    if (fires_firing_data(&in, fd, e) != 0)
        goto done;
    out = jv_obj();
    jv_set(out, "label", jv_str(FIRES_LABEL));
    jv_set(out, "charge", jv_str(fd->charge));
    jv_set(out, "mv_mps", jv_num(fd->mv));
    jv_set(out, "range_m", jv_num(round1(fd->geom.grid_dist_m)));
    jv_set(out, "azimuth_mils", jv_num(round1(fd->geom.grid_az_mils)));
    jv_set(out, "azimuth_to_fire_mils", jv_num(round1(fd->az_fire_mils)));
    if (!isnan(fd->defl_mils))
        jv_set(out, "deflection_mils", jv_num(round1(fd->defl_mils)));
    jv_set(out, "qe_mils", jv_num(round1(fd->qe_mils)));
    if (!isnan(fd->site_mils))
        jv_set(out, "site_mils", jv_num(round1(fd->site_mils)));
    jv_set(out, "vertical_interval_m", jv_num(round1(fd->geom.vi_m)));
    jv_set(out, "tof_s", jv_num(round1(fd->tof_s)));
    jv_set(out, "fuze_time_s", jv_num(round1(fd->fuze_s)));
    jv_set(out, "angle_of_fall_mils", jv_num(round(fd->aof_fall_mils)));
    jv_set(out, "max_ordinate_m", jv_num(round(fd->max_ord_m)));
    jv_set(out, "max_range_m", jv_num(round(fd->max_range_m)));
    if (!isnan(ot)) {
        /* angle T: between the gun-target and the observer-target lines (ATP 3-09.30) */
        double t = fabs(fires_mils_wrap(fd->geom.grid_az_mils - ot));
        jv_set(out, "angle_t_mils", jv_num(round(t > 3200 ? 6400 - t : t)));
    }
done:
    fires_projectile_free(&proj);
    fires_data_close(&d);
    return out;
}

static json_value *target_json(const fires_pos *p, double alt)
{
    json_value *t = jv_obj();
    char mgrs[48];
    fa_err e;
    if (fires_pos_mgrs(p, 5, false, mgrs, sizeof mgrs, &e) == 0)
        jv_set(t, "mgrs", jv_str(mgrs));
    jv_set(t, "lat", jv_num(round(p->lat * 1e8) / 1e8));
    jv_set(t, "lon", jv_num(round(p->lon * 1e8) / 1e8));
    jv_set(t, "altitude_m", jv_num(round1(alt)));
    return t;
}

/* The fire order (TC 3-09.81) and, for the first round, the message to observer (ATP 3-09.30) of a round. */
static void products(const json_value *m, json_value *round, const json_value *fdj, int rounds, bool first)
{
    const json_value *cff = json_get(m, "cff"), *setup = json_get(m, "setup");
    const char *phase = str_or(round, "phase", "adjust");
    bool ffe = !strcmp(phase, "fire for effect");
    json_value *fo = jv_obj();
    jv_set(fo, "target_number", jv_str(str_or(m, "id", "")));
    jv_set(fo, "firing_unit", jv_str("Battery"));
    if (!ffe)
        jv_set(fo, "adjusting_element", jv_str("Battery, one gun adjusting"));
    jv_set(fo, "method_of_fire", jv_str(ffe ? "Fire for effect" : "1 round in adjustment"));
    jv_set(fo, "projectile", jv_str(str_or(setup, "projectile", "")));
    jv_set(fo, "charge", jv_str(str_or(fdj, "charge", "")));
    jv_set(fo, "fuze", jv_str(str_or(setup, "fuze", "Quick")));
    jv_set(fo, "rounds", jv_num(rounds));
    jv_set(fo, "time_of_opening_fire", jv_str(str_or(cff, "method_of_control", "When ready")));
    jv_set(round, "fire_order", fo);
    if (!first)
        return;
    json_value *mto = jv_obj();
    jv_set(mto, "observer", jv_str(str_or(cff, "observer", "")));
    jv_set(mto, "fdc", jv_str(str_or(cff, "fdc", "")));
    jv_set(mto, "units_to_fire", jv_str(ffe ? "Battery" : "Battery, one gun adjusting"));
    jv_set(mto, "rounds", jv_num(rounds));
    jv_set(mto, "target_number", jv_str(str_or(m, "id", "")));
    const json_value *t = json_get(fdj, "angle_t_mils");
    if (t)
        jv_set(mto, "angle_t", jv_num(t->num));
    jv_set(mto, "time_of_flight", jv_num(json_get_num(fdj, "tof_s", 0)));
    jv_set(round, "message_to_observer", mto);
}

/* Fires a round at tgt: appends it to m's rounds with its firing data and products. */
static int add_round(json_value *m, const char *call, const char *phase, const orders_correction *k,
                     const fires_pos *tgt, double talt, fa_err *e)
{
    json_value *rounds = json_get(m, "rounds");
    fires_fd fd;
    json_value *fdj = compute(json_get(m, "setup"), tgt, talt, num_or_nan(m, "ot_mils"), &fd, e);
    if (!fdj)
        return -1;
    json_value *r = jv_obj();
    jv_set(r, "n", jv_num((double)rounds->n + 1));
    jv_set(r, "call", jv_str(call));
    jv_set(r, "phase", jv_str(phase));
    if (k) {
        json_value *s = jv_obj();
        jv_set(s, "lateral_m", jv_num(k->lateral_m));
        jv_set(s, "range_m", jv_num(k->range_m));
        jv_set(s, "vertical_m", jv_num(k->vertical_m));
        jv_set(r, "correction", s);
    }
    jv_set(r, "target", target_json(tgt, talt));
    int n = !strcmp(phase, "fire for effect") ? (int)json_get_num(json_get(m, "setup"), "ffe_rounds", 3) : 1;
    products(m, r, fdj, n, rounds->n == 0);
    jv_set(r, "firing_data", fdj);
    jv_push(rounds, r);
    jv_set(m, "status", jv_str(phase));
    return 0;
}

/* The target of the call for fire: grid, polar from the observer, or shift from a known point. */
static int locate(const orders_mission_in *in, const json_value *loc, fires_pos *tgt, double *talt, double *ot,
                  fa_err *e)
{
    const char *method = str_or(loc, "method", "grid");
    double dir = json_get_num(loc, "direction", NAN), up = json_get_num(loc, "vertical", 0);
    fires_pos obs;
    bool have_obs = in->observer != NULL;
    if (have_obs && fires_pos_parse(in->observer, &obs, e) != 0)
        return prefix(e, "observer");
    *ot = in->ot;
    if (!strcmp(method, "grid")) {
        if (fires_pos_parse(str_or(loc, "grid", ""), tgt, e) != 0)
            return prefix(e, "target grid");
        *talt = isnan(in->target_alt) ? in->battery_alt : in->target_alt;
        if (isnan(*ot) && have_obs) {
            fires_geom g;
            if (fires_between(&obs, in->observer_alt, tgt, *talt, &g, e) != 0)
                return -1;
            *ot = g.grid_az_mils;
        }
        return 0;
    }
    if (isnan(*ot))
        *ot = dir;
    if (!strcmp(method, "polar")) {
        if (!have_obs)
            return fa_fail(e, "a polar mission is plotted from the observer: give the observer's location "
                           "(--observer POS [--observer-alt M])");
        if (fires_polar(&obs, dir, json_get_num(loc, "distance", 0), tgt, e) != 0)
            return -1;
        *talt = in->observer_alt + up;
        return 0;
    }
    /* shift from a known point: a stored mission of that number, or the position given */
    fires_pos kp;
    double kalt;
    const char *name = str_or(loc, "known_point", "");
    if (in->known_point) {
        if (fires_pos_parse(in->known_point, &kp, e) != 0)
            return prefix(e, "known point");
        kalt = isnan(in->known_point_alt) ? in->battery_alt : in->known_point_alt;
    } else if (in->known) {
        const json_value *rs = json_get(in->known, "rounds");
        const json_value *last = rs && rs->n ? json_at(rs, rs->n - 1) : NULL, *t = json_get(last, "target");
        if (!t || fires_pos_from_latlon(json_get_num(t, "lat", 0), json_get_num(t, "lon", 0), &kp, e) != 0)
            return fa_fail(e, "known point %s: the stored mission has no target", name);
        kalt = json_get_num(t, "altitude_m", 0);
    } else {
        return fa_fail(e, "SHIFT %s: the known point is not a stored mission; give its location with "
                       "--known-point POS [--known-point-alt M]", name);
    }
    if (fires_shift(&kp, dir, json_get_num(loc, "lateral", 0), json_get_num(loc, "range", 0), tgt, e) != 0)
        return -1;
    *talt = kalt + up;
    return 0;
}

json_value *orders_mission_start(const orders_mission_in *in, const char *cff_text, fa_err *e)
{
    if (!orders_target_number_ok(in->id))
        return fa_fail(e, "mission id '%s': expected a target number, two letters and four digits (AB1001)",
                       in->id ? in->id : ""), NULL;
    json_value *cff = orders_cff_parse(cff_text, e);
    if (!cff)
        return prefix(e, "call for fire"), NULL;
    fires_pos tgt;
    double talt = 0, ot = NAN;
    if (locate(in, json_get(cff, "location"), &tgt, &talt, &ot, e) != 0) {
        json_free(cff);
        return NULL;
    }
    json_value *m = jv_obj(), *setup = jv_obj();
    jv_set(m, "id", jv_str(in->id));
    jv_set(m, "label", jv_str(FIRES_LABEL));
    jv_set(m, "status", jv_str("adjust"));
    jv_set(m, "call_for_fire", jv_str(cff_text));
    jv_set(setup, "battery", jv_str(in->battery));
    jv_set(setup, "battery_alt", jv_num(in->battery_alt));
    jv_set(setup, "weapon", jv_str(in->weapon));
    jv_set(setup, "projectile", jv_str(in->projectile));
    if (in->charge)
        jv_set(setup, "charge", jv_str(in->charge));
    jv_set(setup, "angle", jv_str(in->angle ? in->angle : "low"));
    jv_set(setup, "fuze", jv_str(in->fuze ? in->fuze : "Quick"));
    if (!isnan(in->aof))
        jv_set(setup, "aof_mils", jv_num(in->aof));
    jv_set(setup, "ffe_rounds", jv_num(in->ffe_rounds > 0 ? in->ffe_rounds : 3));
    if (in->data)
        jv_set(setup, "data", jv_str(in->data));
    if (in->observer) {
        jv_set(setup, "observer", jv_str(in->observer));
        jv_set(setup, "observer_alt", jv_num(in->observer_alt));
    }
    jv_set(m, "setup", setup);
    if (!isnan(ot))
        jv_set(m, "ot_mils", jv_num(ot));
    /* only ADJUST FIRE adjusts; fire for effect, suppression and immediate missions are fired in effect */
    bool ffe = strcmp(str_or(cff, "mission_type", ""), "adjust fire") != 0;
    jv_set(m, "cff", cff);
    jv_set(m, "rounds", jv_arr());
    if (add_round(m, "CALL FOR FIRE", ffe ? "fire for effect" : "adjust", NULL, &tgt, talt, e) != 0) {
        json_free(m);
        return NULL;
    }
    return m;
}

int orders_mission_correct(json_value *m, const char *text, double ot, fa_err *e)
{
    const char *status = str_or(m, "status", "");
    if (!strcmp(status, "end of mission"))
        return fa_fail(e, "the mission has ended (END OF MISSION); start a new one with fagpt mission start");
    orders_correction k;
    if (orders_correction_parse(text, &k, e) != 0)
        return prefix(e, "correction");
    if (!isnan(ot))
        jv_set(m, "ot_mils", jv_num(fires_mils_wrap(ot)));
    const json_value *rs = json_get(m, "rounds");
    const json_value *last = json_at(rs, rs->n - 1), *t = json_get(last, "target");
    char call[256];
    snprintf(call, sizeof call, "%s", text);
    fa_trim(call);
    for (char *p = call; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    if (k.end_of_mission && !k.lateral_m && !k.range_m && !k.vertical_m) {
        json_value *r = jv_obj();
        jv_set(r, "n", jv_num((double)rs->n + 1));
        jv_set(r, "call", jv_str(call));
        jv_set(r, "phase", jv_str("end of mission"));
        jv_push(json_get(m, "rounds"), r);
        jv_set(m, "status", jv_str("end of mission"));
        return 0;
    }
    if (k.end_of_mission)
        return fa_fail(e, "correction '%s': END OF MISSION ends the mission; send it without a shift", call);
    fires_pos tgt, cur;
    if (fires_pos_from_latlon(json_get_num(t, "lat", 0), json_get_num(t, "lon", 0), &cur, e) != 0)
        return -1;
    double alt = json_get_num(t, "altitude_m", 0) + k.vertical_m;
    if (k.lateral_m || k.range_m) {
        double dir = num_or_nan(m, "ot_mils");
        if (isnan(dir))
            return fa_fail(e, "correction '%s': the observer-target direction is not known; send it with --ot MILS "
                           "(or start the mission with --observer POS)", call);
        /* ATP 3-09.30: deviation perpendicular to the OT line, range along it */
        if (fires_shift(&cur, dir, k.lateral_m, k.range_m, &tgt, e) != 0)
            return -1;
    } else {
        tgt = cur;
    }
    const char *phase = k.fire_for_effect || !strcmp(status, "fire for effect") ? "fire for effect" : "adjust";
    return add_round(m, call, phase, &k, &tgt, alt, e);
}

static char *mission_path(const char *dir, const char *id) { return xasprintf("%s/%s.json", dir, id); }

int orders_mission_save(const char *dir, const json_value *m, fa_err *e)
{
    if (fa_mkdirs(dir, e) != 0)
        return -1;
    strbuf b = {0};
    orders_json_write(&b, m);
    char *path = mission_path(dir, str_or(m, "id", "")), *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    int rc = 0;
    if (!f || fwrite(b.s, 1, b.len, f) != b.len || fclose(f) != 0) {
        rc = fa_fail(e, "cannot write %s", tmp);
        if (f)
            fclose(f);
        unlink(tmp);
    } else if (rename(tmp, path) != 0) {
        rc = fa_fail(e, "cannot rename %s to %s", tmp, path);
        unlink(tmp);
    }
    sb_free(&b);
    free(tmp);
    free(path);
    return rc;
}

json_value *orders_mission_load(const char *dir, const char *id, fa_err *e)
{
    if (!orders_target_number_ok(id))
        return fa_fail(e, "mission id '%s': expected a target number, two letters and four digits (AB1001)",
                       id ? id : ""), NULL;
    char *path = mission_path(dir, id);
    if (access(path, F_OK) != 0) {
        fa_fail(e, "no mission %s in %s (fagpt mission list shows the stored missions; fagpt mission start begins "
                "one)", id, dir);
        free(path);
        return NULL;
    }
    size_t len;
    char *text = fa_read_file(path, &len, e);
    json_value *m = text ? json_parse(text, len, e) : NULL;
    free(text);
    if (m && !(json_get(m, "rounds") && json_get(m, "rounds")->type == JSON_ARRAY && json_get(m, "rounds")->n &&
               json_get(m, "setup"))) {
        json_free(m);
        m = NULL;
        fa_fail(e, "%s is not a mission record", path);
    } else if (!m) {
        prefix(e, path);
    }
    free(path);
    return m;
}

/* The fire commands to the guns (TC 3-09.81: shell, charge, fuze, fuze time, deflection, quadrant). */
static void fire_commands(const json_value *m, const json_value *r, strbuf *out)
{
    const json_value *fd = json_get(r, "firing_data"), *fo = json_get(r, "fire_order");
    const json_value *setup = json_get(m, "setup"), *defl = json_get(fd, "deflection_mils");
    const char *fuze = str_or(setup, "fuze", "Quick");
    size_t from = out->len;
    sb_add(out, "FIRE COMMANDS\n");
    sb_addf(out, "%s\n", json_get_str(fo, "adjusting_element", "BATTERY"));
    sb_addf(out, "SHELL %s\nCHARGE %s\nFUZE %s\n", str_or(setup, "projectile", ""), str_or(fd, "charge", ""), fuze);
    for (size_t i = from; i < out->len; i++) /* announced in capitals, as the fire order */
        out->s[i] = (char)toupper((unsigned char)out->s[i]);
    if (!strcasecmp(fuze, "time") || !strcasecmp(fuze, "mti") || !strcasecmp(fuze, "vt"))
        sb_addf(out, "TIME %.1f\n", json_get_num(fd, "fuze_time_s", 0));
    if (defl)
        sb_addf(out, "DEFLECTION %04.0f\n", defl->num);
    else
        sb_addf(out, "AZIMUTH %04.0f (no deflection without an azimuth of fire, --aof)\n",
                json_get_num(fd, "azimuth_to_fire_mils", 0));
    sb_addf(out, "QUADRANT %.0f\n", json_get_num(fd, "qe_mils", 0));
}

void orders_mission_round_text(const json_value *m, const json_value *r, strbuf *out)
{
    const char *id = str_or(m, "id", "");
    const json_value *t = json_get(r, "target"), *fd = json_get(r, "firing_data");
    sb_addf(out, "MISSION %s, round %d: %s (%s)\n", id, (int)json_get_num(r, "n", 0), str_or(r, "call", ""),
            str_or(r, "phase", ""));
    if (!fd) {
        sb_addf(out, "END OF MISSION; %d round(s) fired\n", (int)json_get(m, "rounds")->n - 1);
        return;
    }
    sb_addf(out, "Target %s, altitude %.0f m\n\n", str_or(t, "mgrs", ""), json_get_num(t, "altitude_m", 0));
    fa_err e;
    const char *types[] = {"fire-order", "mto"}, *keys[] = {"fire_order", "message_to_observer"};
    for (int i = 0; i < 2; i++) {
        const json_value *doc = json_get(r, keys[i]);
        if (!doc)
            continue;
        if (i == 1)
            sb_add(out, "\nMESSAGE TO OBSERVER\n");
        strbuf txt = {0};
        if (orders_render(types[i], doc, ORDERS_TXT, NULL, &txt, &e) == 0)
            sb_add(out, txt.s);
        else
            sb_addf(out, "(%s: %s)\n", types[i], e.msg);
        sb_free(&txt);
        if (i == 0) {
            sb_addc(out, '\n');
            fire_commands(m, r, out);
        }
    }
    const json_value *site = json_get(fd, "site_mils"), *at = json_get(fd, "angle_t_mils");
    sb_addf(out, "\nFiring data: charge %s, range %.0f m, azimuth %.1f mils (%.1f to fire)", str_or(fd, "charge", ""),
            json_get_num(fd, "range_m", 0), json_get_num(fd, "azimuth_mils", 0),
            json_get_num(fd, "azimuth_to_fire_mils", 0));
    if (json_get(fd, "deflection_mils"))
        sb_addf(out, ", deflection %.1f", json_get_num(fd, "deflection_mils", 0));
    sb_addf(out, ", QE %.1f mils", json_get_num(fd, "qe_mils", 0));
    if (site)
        sb_addf(out, ", site %+.1f", site->num);
    sb_addf(out, ",\n  time of flight %.1f s, fuze time %.1f s, angle of fall %.0f mils, max ordinate %.0f m",
            json_get_num(fd, "tof_s", 0), json_get_num(fd, "fuze_time_s", 0), json_get_num(fd, "angle_of_fall_mils", 0),
            json_get_num(fd, "max_ordinate_m", 0));
    if (at)
        sb_addf(out, ", angle T %.0f", at->num);
    sb_addf(out, "\n%s.\n", FIRES_LABEL);
}

void orders_mission_log_text(const json_value *m, strbuf *out)
{
    const json_value *rs = json_get(m, "rounds"), *cff = json_get(m, "cff"), *setup = json_get(m, "setup");
    sb_addf(out, "MISSION %s (%s): %s, %s %s from %s\n", str_or(m, "id", ""), str_or(m, "status", ""),
            str_or(cff, "target_description", ""), str_or(setup, "weapon", ""), str_or(setup, "projectile", ""),
            str_or(setup, "battery", ""));
    sb_addf(out, "Call for fire: %s\n", str_or(m, "call_for_fire", ""));
    sb_addf(out, "%3s  %-24s %-16s %-16s %6s %7s %6s %6s %5s\n", "#", "call", "phase", "target", "alt", "charge", "DF",
            "QE", "TOF");
    for (size_t i = 0; i < rs->n; i++) {
        const json_value *r = json_at(rs, i), *t = json_get(r, "target"), *fd = json_get(r, "firing_data");
        sb_addf(out, "%3d  %-24.24s %-16s", (int)json_get_num(r, "n", 0), str_or(r, "call", ""),
                str_or(r, "phase", ""));
        if (fd) {
            const json_value *d = json_get(fd, "deflection_mils");
            sb_addf(out, " %-16s %6.0f %7s ", str_or(t, "mgrs", ""), json_get_num(t, "altitude_m", 0),
                    str_or(fd, "charge", ""));
            if (d)
                sb_addf(out, "%6.0f", d->num);
            else
                sb_addf(out, "%6s", "-");
            sb_addf(out, " %6.1f %5.1f", json_get_num(fd, "qe_mils", 0), json_get_num(fd, "tof_s", 0));
        }
        sb_addc(out, '\n');
    }
    sb_addf(out, "%s.\n", FIRES_LABEL);
}
