/*
 * api_tools.c - the tools that do not touch documents, over HTTP: grid conversion and geometry, the ballistic
 * computer (catalogue, firing solutions with the trajectory for the plot, trajectories, firing tables as JSON or
 * CSV), fire missions (call for fire, corrections, the log; stored in $FAGPT_HOME/missions as the CLI does), and
 * orders (products, validation, rendering to Markdown, text, HTML, PDF, DOCX). The JSON shapes are the library's
 * (fires_*_json, orders_*), the same as the CLI's --json.
 */
#include "server_int.h"

#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fires/fires.h"
#include "orders/orders.h"

/* A number field: def when absent; false after replying 400 when it is not a finite number. */
static bool num_field(req *r, const json_value *v, const char *key, double def, double *out)
{
    const json_value *x = json_get(v, key);
    *out = def;
    if (!x || x->type == JSON_NULL)
        return true;
    if (x->type == JSON_NUMBER && isfinite(x->num)) {
        *out = x->num;
        return true;
    }
    if (x->type == JSON_STRING) {
        fa_err e;
        if (fires_parse_num(x->str, key, out, &e) == 0)
            return true;
    }
    reply_error(r, 400, "bad_input", "%s: give a number", key);
    return false;
}

static bool pos_field(req *r, const json_value *v, const char *key, fires_pos *p)
{
    const char *text = json_get_str(v, key, NULL);
    fa_err e;
    if (!text)
        return reply_error(r, 400, "bad_input", "give \"%s\" (an MGRS grid, UTM or lat/lon)", key), false;
    if (fires_pos_parse(text, p, &e) != 0)
        return reply_error(r, 400, "bad_input", "%s: %s", key, e.msg), false;
    return true;
}

static enum MHD_Result grid(req *r, const char *what)
{
    r->route = "/api/grid";
    if (!need_role(r, ROLE_VIEWER))
        return MHD_YES;
    json_value *v = body_json(r);
    if (!v)
        return MHD_YES;
    strbuf b = {0};
    enum MHD_Result rc = MHD_YES;
    fires_pos a, p2;
    double alt_a, alt_b;
    fa_err e;
    if (!strcmp(what, "convert")) {
        if (pos_field(r, v, "pos", &a)) {
            fires_pos_json(&b, &a, 0, false);
            rc = reply_json(r, 200, &b);
        }
    } else if (!strcmp(what, "between")) {
        if (pos_field(r, v, "a", &a) && pos_field(r, v, "b", &p2) && num_field(r, v, "alt_a", 0, &alt_a) &&
            num_field(r, v, "alt_b", 0, &alt_b)) {
            fires_geom g;
            if (fires_between(&a, alt_a, &p2, alt_b, &g, &e) != 0)
                rc = reply_error(r, 400, "bad_input", "%s", e.msg);
            else {
                fires_between_json(&b, &a, alt_a, &p2, alt_b, &g);
                rc = reply_json(r, 200, &b);
            }
        }
    } else {
        rc = reply_error(r, 404, "not_found", "no grid operation '%s' (convert, between)", what);
    }
    sb_free(&b);
    json_free(v);
    return rc;
}

/* The catalogue, a weapon, a projectile and a charge from the request; false after replying. */
typedef struct fire_setup {
    fires_data data;
    const fires_weapon *weapon;
    const struct fires_cat_proj *cproj;
    fires_projectile proj;
    double mv;
    const char *charge;
    fires_met met;
    bool have_met;
} fire_setup;

static bool fire_build(req *r, const json_value *v, fire_setup *s, bool need_charge)
{
    fa_err e;
    memset(s, 0, sizeof *s);
    s->mv = NAN;
    if (fires_data_open(NULL, NULL, &s->data, &e) != 0)
        return reply_error(r, 500, "internal", "the ballistic catalogue: %s (set FAGPT_DATA)", e.msg), false;
    const char *w = json_get_str(v, "weapon", NULL), *p = json_get_str(v, "projectile", NULL);
    const char *ch = json_get_str(v, "charge", NULL), *met = json_get_str(v, "met", NULL);
    if (!w || !(s->weapon = fires_catalog_weapon(&s->data.cat, w)))
        return reply_error(r, 400, "bad_input", "weapon: '%s' is not in the catalogue (GET /api/fires/catalog)",
                           w ? w : ""), false;
    if (!p || fires_catalog_projectile(&s->data.cat, p, s->data.dirs, &s->proj, &e) != 0)
        return reply_error(r, 400, "bad_input", "projectile: %s", p ? e.msg : "give a projectile from the catalogue"),
               false;
    s->cproj = fires_catalog_proj(&s->data.cat, p);
    if (ch && *ch) {
        const fires_charge *c = fires_weapon_charge(s->weapon, ch);
        if (!c)
            return reply_error(r, 400, "bad_input", "charge: '%s' is not a charge of %s", ch, s->weapon->name), false;
        s->mv = c->mv;
        s->charge = c->name;
    } else if (need_charge) {
        return reply_error(r, 400, "bad_input", "give the \"charge\" (GET /api/fires/catalog lists them)"), false;
    }
    if (met && *met) {
        if (fires_met_parse(met, &s->met, &e) != 0)
            return reply_error(r, 400, "bad_input", "met: %s", e.msg), false;
        s->have_met = true;
    }
    return true;
}

static void fire_free(fire_setup *s)
{
    fires_projectile_free(&s->proj);
    fires_data_close(&s->data);
}

/* [[x, y], ...]: downrange and height (m) every so often along a trajectory, for the plot. */
static void trajectory_points(strbuf *b, const fires_projectile *p, double mv, double qe_mils, double gun_alt,
                              double target_alt, double tof, const fires_met *met)
{
    fires_shot sh;
    fires_shot_init(&sh, p, mv, fires_mils_to_rad(qe_mils));
    sh.gun_alt_m = gun_alt;
    sh.target_alt_m = target_alt;
    sh.met = met;
    sh.no_coriolis = true;
    sh.point_dt = tof > 0 ? tof / 120 : 0.5;
    fires_traj t;
    sb_add(b, "[");
    if (fires_trajectory(&sh, &t, NULL) == 0) {
        for (size_t i = 0; i < t.points.n; i++)
            sb_addf(b, "%s[%.1f, %.1f]", i ? ", " : "", t.points.v[i].x, t.points.v[i].y);
        fires_traj_free(&t);
    }
    sb_add(b, "]");
}

static enum MHD_Result fire_solve(req *r)
{
    r->route = "/api/fires/solve";
    json_value *v = body_json(r);
    if (!v)
        return MHD_YES;
    fire_setup s = {0};
    fires_pos gun, tgt;
    double galt, talt, aof, lat;
    enum MHD_Result rc = MHD_YES;
    const char *angle = json_get_str(v, "angle", "low");
    if (fire_build(r, v, &s, false) && pos_field(r, v, "gun", &gun) && pos_field(r, v, "target", &tgt) &&
        num_field(r, v, "gun_alt", 0, &galt) && num_field(r, v, "target_alt", galt, &talt) &&
        num_field(r, v, "aof", NAN, &aof) && num_field(r, v, "lat", NAN, &lat)) {
        if (strcmp(angle, "low") && strcmp(angle, "high")) {
            rc = reply_error(r, 400, "bad_input", "angle: '%s' is not low or high", angle);
        } else {
            fires_fd_in in = {.proj = &s.proj, .weapon = s.weapon, .mv = s.mv, .charge_name = s.charge, .gun = &gun,
                              .target = &tgt, .gun_alt_m = galt, .target_alt_m = talt,
                              .angle = !strcmp(angle, "high") ? FIRES_HIGH_ANGLE : FIRES_LOW_ANGLE,
                              .model = FIRES_MODEL_FULL, .met = s.have_met ? &s.met : NULL, .lat_deg = lat,
                              .aof_mils = isnan(aof) ? NAN : fires_mils_wrap(aof)};
            fires_fd fd;
            fa_err e;
            if (fires_firing_data(&in, &fd, &e) != 0) {
                rc = reply_error(r, 400, "bad_input", "%s", e.msg);
            } else {
                strbuf b = {0};
                fires_fd_json(&b, &in, &fd);
                b.s[--b.len] = 0;
                sb_add(&b, ", \"trajectory\": ");
                trajectory_points(&b, &s.proj, fd.mv, fd.qe_mils, galt, talt, fd.tof_s, in.met);
                sb_addc(&b, '}');
                rc = reply_json(r, 200, &b);
            }
        }
    }
    fire_free(&s);
    json_free(v);
    return rc;
}

static enum MHD_Result fire_trajectory(req *r)
{
    r->route = "/api/fires/trajectory";
    json_value *v = body_json(r);
    if (!v)
        return MHD_YES;
    fire_setup s = {0};
    double qe, galt, talt;
    enum MHD_Result rc = MHD_YES;
    if (fire_build(r, v, &s, true) && num_field(r, v, "qe", NAN, &qe) && num_field(r, v, "gun_alt", 0, &galt) &&
        num_field(r, v, "target_alt", galt, &talt)) {
        fires_shot sh;
        fires_shot_init(&sh, &s.proj, s.mv, fires_mils_to_rad(qe));
        sh.gun_alt_m = galt;
        sh.target_alt_m = talt;
        sh.met = s.have_met ? &s.met : NULL;
        sh.no_coriolis = true;
        sh.point_dt = 0.5;
        fires_traj t;
        fa_err e;
        if (isnan(qe) || qe <= 0 || qe >= 1600) {
            rc = reply_error(r, 400, "bad_input", "qe: give the quadrant elevation in mils (0 to 1600)");
        } else if (fires_trajectory(&sh, &t, &e) != 0) {
            rc = reply_error(r, 400, "bad_input", "%s", e.msg);
        } else if (!t.impact) {
            rc = reply_error(r, 400, "bad_input", "the round does not come back down to %.0f m; lower target_alt",
                             talt);
            fires_traj_free(&t);
        } else {
            strbuf b = {0};
            fires_traj_json(&b, FIRES_MODEL_FULL, s.mv, qe, &s.proj, &t, false, true, 0);
            fires_traj_free(&t);
            rc = reply_json(r, 200, &b);
        }
    }
    fire_free(&s);
    json_free(v);
    return rc;
}

static enum MHD_Result fire_table(req *r)
{
    r->route = "/api/fires/table";
    json_value *v = body_json(r);
    if (!v)
        return MHD_YES;
    const char *fmt = query_arg(r, "format");
    bool csv = fmt && !strcmp(fmt, "csv");
    fire_setup s = {0};
    double from, to, step;
    enum MHD_Result rc = MHD_YES;
    if (fmt && !csv && strcmp(fmt, "json")) {
        rc = reply_error(r, 400, "bad_input", "format: json or csv");
    } else if (fire_build(r, v, &s, true) && num_field(r, v, "step", 100, &step) && num_field(r, v, "from", NAN, &from) &&
               num_field(r, v, "to", NAN, &to)) {
        fires_shot sh;
        fires_shot_init(&sh, &s.proj, s.mv, 0);
        sh.no_coriolis = true;
        double min_qe = fires_mils_to_rad(s.weapon->min_elev_mils), max_qe = fires_mils_to_rad(s.weapon->max_elev_mils);
        double rmax, qmax;
        fa_err e;
        if (fires_max_range(&sh, min_qe, max_qe, &rmax, &qmax, &e) != 0) {
            rc = reply_error(r, 400, "bad_input", "%s", e.msg);
        } else {
            if (isnan(from))
                from = step;
            if (isnan(to))
                to = floor(rmax / step) * step;
            if (!(step >= 1 && step <= 10000) || !(from > 0) || !(to >= from) || to > rmax || (to - from) / step > 2000) {
                rc = reply_error(r, 400, "bad_input", "from/to/step: need 0 < from <= to <= %.0f m (the charge's "
                                                      "maximum range), step 1 to 10000 m, at most 2000 rows", rmax);
            } else {
                strbuf b = {0};
                const char *cond = "ICAO standard atmosphere, no wind, round earth, no earth rotation";
                if (csv) {
                    sb_addf(&b, "# %s\n# %s %s charge %s, MV %g m/s; %s\n", FIRES_LABEL, s.weapon->name, s.proj.name,
                            s.charge, s.mv, cond);
                    sb_add(&b, fires_table_csv_header);
                } else {
                    sb_add(&b, "{\"label\": ");
                    json_str(&b, FIRES_LABEL);
                    sb_add(&b, ", \"weapon\": ");
                    json_str(&b, s.weapon->name);
                    sb_add(&b, ", \"projectile\": ");
                    fires_projectile_json(&b, &s.proj);
                    sb_add(&b, ", \"charge\": ");
                    json_str(&b, s.charge);
                    sb_addf(&b, ", \"mv_mps\": %g, \"max_range_m\": %.0f, \"max_range_qe_mils\": %.1f, \"conditions\": ",
                            s.mv, rmax, fires_rad_to_mils(qmax));
                    json_str(&b, cond);
                    sb_add(&b, ", \"rows\": [");
                }
                double square = s.cproj ? s.cproj->square_kg : 0;
                int n = 0;
                bool bad = false;
                for (double R = from; R <= to + 1e-9 && !bad; R += step) {
                    fires_table_row row;
                    if (fires_table_row_at(&sh, R, min_qe, max_qe, rmax, qmax, square, &row, &e) != 0) {
                        bad = true;
                        break;
                    }
                    if (csv) {
                        fires_table_row_csv(&b, &row);
                    } else {
                        if (n)
                            sb_add(&b, ", ");
                        fires_table_row_json(&b, &row);
                    }
                    n++;
                }
                if (bad) {
                    rc = reply_error(r, 400, "bad_input", "%s", e.msg);
                } else if (csv) {
                    char *disp = xasprintf("attachment; filename=\"firing-table-%s-%s-%s.csv\"", s.weapon->name,
                                           s.proj.name, s.charge);
                    for (char *p = disp + 30; *p; p++)
                        if (*p == ' ' || *p == '/')
                            *p = '_';
                    rc = reply(r, 200, "text/csv; charset=utf-8", b.s, b.len, true, disp);
                    free(disp);
                } else {
                    sb_add(&b, "]}");
                    rc = reply_json(r, 200, &b);
                }
                sb_free(&b);
            }
        }
    }
    fire_free(&s);
    json_free(v);
    return rc;
}

static enum MHD_Result fire_catalog(req *r)
{
    r->route = "/api/fires/catalog";
    fires_data d;
    fa_err e;
    if (fires_data_open(NULL, NULL, &d, &e) != 0)
        return reply_error(r, 500, "internal", "the ballistic catalogue: %s (set FAGPT_DATA)", e.msg);
    strbuf b = {0};
    fires_catalog_json(&b, &d.cat);
    fires_data_close(&d);
    return reply_json(r, 200, &b);
}

/* ---- missions ---- */

static char *missions_dir(server *sv)
{
    return xasprintf("%s/missions", sv->home);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void mission_ids(const char *dir, str_vec *ids)
{
    DIR *d = opendir(dir);
    for (struct dirent *de; d && (de = readdir(d));) {
        char id[8];
        if (strlen(de->d_name) == 11 && !strcmp(de->d_name + 6, ".json")) {
            snprintf(id, sizeof id, "%.6s", de->d_name);
            if (orders_target_number_ok(id))
                VEC_PUSH(*ids, xstrdup(id));
        }
    }
    if (d)
        closedir(d);
    if (ids->n)
        qsort(ids->v, ids->n, sizeof *ids->v, cmp_str);
}

static enum MHD_Result mission_round_reply(req *r, const json_value *m, int status)
{
    strbuf b = {0};
    orders_mission_round_json(&b, m, true);
    return reply_json(r, status, &b);
}

static enum MHD_Result missions(req *r, char **seg, int nseg)
{
    r->route = nseg == 1 ? "/api/missions" : nseg == 2 ? "/api/missions/{id}" : "/api/missions/{id}/corrections";
    bool write = strcmp(r->method, "GET") != 0;
    if (!need_role(r, write ? ROLE_OPERATOR : ROLE_VIEWER))
        return MHD_YES;
    char *dir = missions_dir(r->sv);
    fa_err e;
    enum MHD_Result rc = MHD_YES;
    if (nseg == 1 && !write) {
        str_vec ids = {0};
        mission_ids(dir, &ids);
        strbuf b = {0};
        sb_add(&b, "{\"missions\": [");
        int k = 0;
        for (size_t i = 0; i < ids.n; i++) {
            json_value *m = orders_mission_load(dir, ids.v[i], &e);
            if (!m)
                continue;
            if (k++)
                sb_add(&b, ", ");
            orders_mission_summary_json(&b, ids.v[i], m);
            json_free(m);
        }
        sb_add(&b, "]}");
        str_vec_free(&ids);
        rc = reply_json(r, 200, &b);
    } else if (nseg == 1 && !strcmp(r->method, "POST")) {
        json_value *v = body_json(r);
        if (v) {
            orders_mission_in in = {.aof = NAN, .target_alt = NAN, .known_point_alt = NAN, .ot = NAN};
            in.battery = json_get_str(v, "battery", NULL);
            in.weapon = json_get_str(v, "weapon", NULL);
            in.projectile = json_get_str(v, "projectile", NULL);
            in.charge = json_get_str(v, "charge", NULL);
            in.angle = json_get_str(v, "angle", NULL);
            in.fuze = json_get_str(v, "fuze", NULL);
            in.observer = json_get_str(v, "observer", NULL);
            in.known_point = json_get_str(v, "known_point", NULL);
            const char *cff = json_get_str(v, "call_for_fire", NULL), *id = json_get_str(v, "id", NULL);
            double ffe;
            if (num_field(r, v, "battery_alt", 0, &in.battery_alt) && num_field(r, v, "aof", NAN, &in.aof) &&
                num_field(r, v, "observer_alt", 0, &in.observer_alt) &&
                num_field(r, v, "target_alt", NAN, &in.target_alt) &&
                num_field(r, v, "known_point_alt", NAN, &in.known_point_alt) && num_field(r, v, "ot", NAN, &in.ot) &&
                num_field(r, v, "ffe_rounds", 0, &ffe)) {
                in.ffe_rounds = (int)ffe;
                if (!isnan(in.aof))
                    in.aof = fires_mils_wrap(in.aof);
                if (!isnan(in.ot))
                    in.ot = fires_mils_wrap(in.ot);
                char next[8];
                str_vec ids = {0};
                mission_ids(dir, &ids);
                int max = 0;
                for (size_t i = 0; i < ids.n; i++)
                    if (!strncmp(ids.v[i], "AA", 2) && atoi(ids.v[i] + 2) > max)
                        max = atoi(ids.v[i] + 2);
                bool taken = false;
                for (size_t i = 0; id && i < ids.n; i++)
                    taken |= !strcmp(ids.v[i], id);
                str_vec_free(&ids);
                snprintf(next, sizeof next, "AA%04d", (max + 1) % 10000);
                in.id = id ? id : next;
                if (!in.battery || !in.weapon || !in.projectile || !cff)
                    rc = reply_error(r, 400, "bad_input", "give \"battery\", \"weapon\", \"projectile\" and "
                                                          "\"call_for_fire\" (the observer's text)");
                else if (!orders_target_number_ok(in.id))
                    rc = reply_error(r, 400, "bad_input", "id: '%s' is not a target number (e.g. AB1001)", in.id);
                else if (taken)
                    rc = reply_error(r, 409, "exists", "mission %s exists; choose another target number", in.id);
                else if (fa_mkdirs(dir, &e) != 0)
                    rc = reply_error(r, 500, "internal", "%s", e.msg);
                else {
                    json_value *parsed = orders_cff_parse(cff, NULL), *known = NULL;
                    const char *kp = json_get_str(json_get(parsed, "location"), "known_point", NULL);
                    if (kp && orders_target_number_ok(kp))
                        known = orders_mission_load(dir, kp, NULL);
                    in.known = known;
                    json_value *m = orders_mission_start(&in, cff, &e);
                    if (!m)
                        rc = reply_error(r, 400, "bad_input", "%s", e.msg);
                    else if (orders_mission_save(dir, m, &e) != 0)
                        rc = reply_error(r, 500, "internal", "%s", e.msg);
                    else
                        rc = mission_round_reply(r, m, 201);
                    json_free(m);
                    json_free(known);
                    json_free(parsed);
                }
            }
            json_free(v);
        }
    } else if (nseg >= 2 && !orders_target_number_ok(seg[1])) {
        rc = reply_error(r, 404, "not_found", "no mission %s (GET /api/missions)", seg[1]);
    } else if (nseg == 2 && !write) {
        json_value *m = orders_mission_load(dir, seg[1], &e);
        if (!m) {
            rc = reply_error(r, 404, "not_found", "no mission %s (GET /api/missions)", seg[1]);
        } else {
            strbuf b = {0}, log = {0};
            orders_json_write(&b, m);
            while (b.len && (b.s[b.len - 1] == '\n' || b.s[b.len - 1] == '}'))
                b.s[--b.len] = 0;
            orders_mission_log_text(m, &log);
            sb_add(&b, ", \"log\": ");
            json_str(&b, log.s ? log.s : "");
            sb_addc(&b, '}');
            sb_free(&log);
            json_free(m);
            rc = reply_json(r, 200, &b);
        }
    } else if (nseg == 3 && !strcmp(seg[2], "corrections") && !strcmp(r->method, "POST")) {
        json_value *v = body_json(r);
        if (v) {
            const char *text = json_get_str(v, "correction", NULL);
            double ot;
            json_value *m = NULL;
            if (!num_field(r, v, "ot", NAN, &ot))
                ;
            else if (!text || !*text)
                rc = reply_error(r, 400, "bad_input", "give the observer's \"correction\" (e.g. \"RIGHT 50 ADD 100\")");
            else if (!(m = orders_mission_load(dir, seg[1], &e)))
                rc = reply_error(r, 404, "not_found", "no mission %s (GET /api/missions)", seg[1]);
            else if (orders_mission_correct(m, text, isnan(ot) ? NAN : fires_mils_wrap(ot), &e) != 0)
                rc = reply_error(r, 400, "bad_input", "%s", e.msg);
            else if (orders_mission_save(dir, m, &e) != 0)
                rc = reply_error(r, 500, "internal", "%s", e.msg);
            else
                rc = mission_round_reply(r, m, 200);
            json_free(m);
            json_free(v);
        }
    } else {
        rc = reply_error(r, 405, "method", "%s is not allowed on %s", r->method, r->url);
    }
    free(dir);
    return rc;
}

/* ---- orders ---- */

static enum MHD_Result order_products(req *r)
{
    r->route = "/api/orders/products";
    strbuf b = {0};
    sb_add(&b, "{\"products\": [");
    const char *const *t = orders_types();
    for (int i = 0; t[i]; i++) {
        strbuf schema = {0};
        orders_schema_json(t[i], &schema);
        sb_add(&b, i ? ", {\"type\": " : "{\"type\": ");
        json_str(&b, t[i]);
        sb_add(&b, ", \"summary\": ");
        json_str(&b, orders_type_summary(t[i]));
        sb_add(&b, ", \"schema\": ");
        sb_add(&b, schema.s ? schema.s : "null");
        while (b.len && b.s[b.len - 1] == '\n')
            b.s[--b.len] = 0;
        const char *ex = orders_example(t[i]);
        sb_add(&b, ", \"example\": ");
        sb_add(&b, ex ? ex : "null");
        while (b.len && (b.s[b.len - 1] == '\n' || b.s[b.len - 1] == ' '))
            b.s[--b.len] = 0;
        sb_addc(&b, '}');
        sb_free(&schema);
    }
    sb_add(&b, "]}");
    return reply_json(r, 200, &b);
}

static bool product_ok(req *r, const char *type)
{
    if (type && orders_type_summary(type))
        return true;
    reply_error(r, 400, "bad_input", "product: '%s' is not a product (GET /api/orders/products)", type ? type : "");
    return false;
}

static enum MHD_Result order_validate(req *r)
{
    r->route = "/api/orders/validate";
    json_value *v = body_json(r);
    if (!v)
        return MHD_YES;
    const char *type = json_get_str(v, "product", NULL);
    const json_value *data = json_get(v, "data");
    enum MHD_Result rc = MHD_YES;
    if (product_ok(r, type)) {
        if (!data || data->type != JSON_OBJECT) {
            rc = reply_error(r, 400, "bad_input", "give the order's fields as \"data\": {...}");
        } else {
            orders_issues is = {0};
            orders_validate(type, data, &is);
            strbuf b = {0};
            sb_addf(&b, "{\"ok\": %s, \"problems\": [", is.n ? "false" : "true");
            for (size_t i = 0; i < is.n; i++) {
                sb_add(&b, i ? ", {\"field\": " : "{\"field\": ");
                json_str(&b, is.v[i].path);
                sb_add(&b, ", \"message\": ");
                json_str(&b, is.v[i].msg);
                sb_addc(&b, '}');
            }
            sb_add(&b, "]}");
            orders_issues_free(&is);
            rc = reply_json(r, 200, &b);
        }
    }
    json_free(v);
    return rc;
}

static enum MHD_Result order_render(req *r)
{
    r->route = "/api/orders/render";
    json_value *v = body_json(r);
    if (!v)
        return MHD_YES;
    const char *type = json_get_str(v, "product", NULL), *fmt = json_get_str(v, "format", "md");
    const json_value *data = json_get(v, "data");
    orders_format f;
    enum MHD_Result rc = MHD_YES;
    if (!product_ok(r, type)) {
        ;
    } else if (orders_format_parse(fmt, &f) != 0) {
        rc = reply_error(r, 400, "bad_input", "format: '%s' is not md, txt, html, pdf or docx", fmt);
    } else if (!data || data->type != JSON_OBJECT) {
        rc = reply_error(r, 400, "bad_input", "give the order's fields as \"data\": {...}");
    } else {
        strbuf out = {0};
        fa_err e;
        orders_opts o = {0};
        if (orders_render(type, data, f, &o, &out, &e) != 0) {
            rc = reply_error(r, 422, "invalid_order", "%s", e.msg);
        } else {
            static const char *types[] = {"text/markdown; charset=utf-8", "text/plain; charset=utf-8",
                                          "text/html; charset=utf-8", "application/pdf",
                                          "application/vnd.openxmlformats-officedocument.wordprocessingml.document"};
            static const char *ext[] = {"md", "txt", "html", "pdf", "docx"};
            char *disp = xasprintf("%s; filename=\"%s.%s\"", f == ORDERS_PDF || f == ORDERS_DOCX ? "attachment" : "inline",
                                   type, ext[f]);
            rc = reply(r, 200, types[f], out.s ? out.s : "", out.len, true, disp);
            free(disp);
        }
        sb_free(&out);
    }
    json_free(v);
    return rc;
}

enum MHD_Result route_tools(req *r, char **seg, int nseg)
{
    if (nseg < 1)
        return MHD_NO;
    const char *m = r->method;
    if (!strcmp(seg[0], "grid") && nseg == 2) {
        if (strcmp(m, "POST"))
            return reply_error(r, 405, "method", "use POST for /api/grid/%s", seg[1]);
        return grid(r, seg[1]);
    }
    if (!strcmp(seg[0], "fires") && nseg == 2) {
        r->route = "/api/fires";
        if (!need_role(r, ROLE_VIEWER))
            return MHD_YES;
        if (!strcmp(seg[1], "catalog") && !strcmp(m, "GET"))
            return fire_catalog(r);
        if (strcmp(m, "POST"))
            return reply_error(r, 405, "method", "use POST for /api/fires/%s", seg[1]);
        if (!strcmp(seg[1], "solve"))
            return fire_solve(r);
        if (!strcmp(seg[1], "trajectory"))
            return fire_trajectory(r);
        if (!strcmp(seg[1], "table"))
            return fire_table(r);
        return MHD_NO;
    }
    if (!strcmp(seg[0], "missions") && nseg <= 3)
        return missions(r, seg, nseg);
    if (!strcmp(seg[0], "orders") && nseg == 2) {
        r->route = "/api/orders";
        if (!need_role(r, ROLE_VIEWER))
            return MHD_YES;
        if (!strcmp(seg[1], "products") && !strcmp(m, "GET"))
            return order_products(r);
        if (strcmp(m, "POST"))
            return reply_error(r, 405, "method", "use POST for /api/orders/%s", seg[1]);
        if (!strcmp(seg[1], "validate"))
            return order_validate(r);
        if (!strcmp(seg[1], "render"))
            return order_render(r);
        return MHD_NO;
    }
    return MHD_NO;
}
