/*
 * json.c - firing data as JSON and CSV: the objects `fagpt fire solve|table|list --json` print and the web
 * API returns (POST /api/fires/solve, /api/fires/table, GET /api/fires/catalog), built in one place.
 */
#include "fires.h"

#include <math.h>
#include <stdio.h>

#include "core/json.h"

const char *fires_model_name(fires_model m)
{
    return m == FIRES_MODEL_FULL ? "full" : m == FIRES_MODEL_FLAT ? "flat" : m == FIRES_MODEL_MPM ? "mpm" : "vacuum";
}

void fires_projectile_json(strbuf *b, const fires_projectile *p)
{
    sb_add(b, "{\"name\": ");
    json_str(b, p->name);
    sb_addf(b, ", \"mass_kg\": %g, \"diameter_m\": %g, \"form_factor\": %.6f, \"drag_table\": ", p->mass_kg,
            p->diameter_m, p->form_factor);
    json_str(b, p->drag.name);
    sb_add(b, "}");
}

void fires_catalog_json(strbuf *b, const fires_catalog *cat)
{
    sb_add(b, "{\"label\": ");
    json_str(b, FIRES_LABEL);
    sb_add(b, ", \"weapons\": [");
    for (size_t i = 0; i < cat->weapons.n; i++) {
        const fires_weapon *w = &cat->weapons.v[i];
        sb_add(b, i ? ", {\"name\": " : "{\"name\": ");
        json_str(b, w->name);
        sb_add(b, ", \"caliber\": ");
        json_str(b, w->caliber);
        sb_addf(b, ", \"min_elev_mils\": %g, \"max_elev_mils\": %g, \"charges\": [", w->min_elev_mils, w->max_elev_mils);
        for (int k = 0; k < w->ncharges; k++) {
            sb_add(b, k ? ", {\"name\": " : "{\"name\": ");
            json_str(b, w->charge[k].name);
            sb_addf(b, ", \"mv_mps\": %g}", w->charge[k].mv);
        }
        sb_add(b, "], \"source\": ");
        json_str(b, w->source);
        sb_add(b, "}");
    }
    sb_add(b, "], \"projectiles\": [");
    for (size_t i = 0; i < cat->nprojs; i++) {
        const struct fires_cat_proj *p = &cat->projs[i];
        sb_add(b, i ? ", {\"name\": " : "{\"name\": ");
        json_str(b, p->name);
        sb_add(b, ", \"caliber\": ");
        json_str(b, p->caliber);
        sb_addf(b, ", \"mass_kg\": %g, \"diameter_m\": %g, \"form_factor\": %g, \"drag_table\": ", p->mass_kg,
                p->diameter_m, p->form_factor);
        json_str(b, p->drag);
        if (p->aero[0]) { /* what the modified point mass needs */
            sb_add(b, ", \"aero\": ");
            json_str(b, p->aero);
            sb_addf(b, ", \"ix_kg_m2\": %g, \"iy_kg_m2\": %g, \"twist_m\": %g", p->ix_kg_m2, p->iy_kg_m2, p->twist_m);
        }
        sb_add(b, ", \"source\": ");
        json_str(b, p->source);
        sb_add(b, "}");
    }
    sb_add(b, "]}");
}

void fires_fd_json(strbuf *b, const fires_fd_in *in, const fires_fd *fd)
{
    const fires_geom *g = &fd->geom;
    sb_add(b, "{\"label\": ");
    json_str(b, FIRES_LABEL);
    sb_addf(b, ", \"model\": \"%s\", \"angle\": \"%s\", \"weapon\": ",
            fires_model_name(fd->model),
            in->angle == FIRES_LOW_ANGLE ? "low" : "high");
    if (in->weapon)
        json_str(b, in->weapon->name);
    else
        sb_add(b, "null");
    sb_add(b, ", \"projectile\": ");
    fires_projectile_json(b, in->proj);
    char gm[64], tm[64];
    if (fires_pos_mgrs(in->gun, 5, false, gm, sizeof gm, NULL) != 0)
        gm[0] = 0;
    if (fires_pos_mgrs(in->target, 5, false, tm, sizeof tm, NULL) != 0)
        tm[0] = 0;
    sb_add(b, ", \"gun_mgrs\": ");
    json_str(b, gm);
    sb_add(b, ", \"target_mgrs\": ");
    json_str(b, tm);
    sb_add(b, ", \"charge\": ");
    json_str(b, fd->charge[0] ? fd->charge : "given MV");
    sb_addf(b, ", \"mv_mps\": %g, \"range_m\": %.1f, \"geodesic_range_m\": %.1f, \"azimuth_mils\": %.1f, "
               "\"azimuth_to_fire_mils\": %.1f",
            fd->mv, g->grid_dist_m, fd->range_m, g->grid_az_mils, fd->az_fire_mils);
    if (!isnan(fd->defl_mils))
        sb_addf(b, ", \"deflection_mils\": %.1f, \"aof_mils\": %.1f", fd->defl_mils, in->aof_mils);
    sb_addf(b, ", \"qe_mils\": %.1f, \"site_mils\": ", fd->qe_mils);
    if (isnan(fd->site_mils))
        sb_add(b, "null");
    else
        sb_addf(b, "%.1f", fd->site_mils);
    sb_addf(b,
            ", \"angle_of_site_mils\": %.1f, \"vertical_interval_m\": %.1f, \"tof_s\": %.1f, \"fuze_time_s\": %.1f, "
            "\"max_ordinate_m\": %.0f, \"angle_of_fall_mils\": %.0f, \"impact_velocity_mps\": %.0f, "
            "\"drift_mils\": %.1f, \"max_range_m\": %.0f, \"met\": %s, \"lat_deg\": %.4f, \"miss_m\": %.3f}",
            g->site_mils, g->vi_m, fd->tof_s, fd->fuze_s, fd->max_ord_m, fd->aof_fall_mils, fd->impact_v,
            fd->drift_mils, fd->max_range_m, in->met ? "true" : "false", fd->lat_deg, fd->miss_m);
}

const char fires_table_csv_header[] = "range_m,qe_mils,fuze_s,tof_s,drift_mils,max_ord_m,aof_mils,impact_v_mps,"
                                      "dr_mv_1mps,dr_density_1pct,dr_temp_1pct,dr_head_1kn,dr_tail_1kn,"
                                      "dd_cross_1kn_mils,dr_square\n";

void fires_table_row_json(strbuf *b, const fires_table_row *row)
{
    sb_addf(b,
            "{\"range_m\": %.0f, \"qe_mils\": %.1f, \"fuze_s\": %.1f, \"tof_s\": %.1f, \"drift_mils\": %.2f, "
            "\"max_ordinate_m\": %.0f, \"angle_of_fall_mils\": %.0f, \"impact_velocity_mps\": %.0f, "
            "\"dr_mv_1mps\": %.1f, \"dr_density_1pct\": %.1f, \"dr_temp_1pct\": %.1f, \"dr_head_wind_1kn\": "
            "%.1f, \"dr_tail_wind_1kn\": %.1f, \"dd_cross_wind_1kn_mils\": %.2f, \"dr_square\": ",
            row->range_m, row->qe_mils, row->fuze_s, row->tof_s, row->drift_mils, row->max_ord_m, row->aof_mils,
            row->impact_v, row->dr_mv, row->dr_rho, row->dr_temp, row->dr_head, row->dr_tail, row->dd_cross);
    if (isnan(row->dr_square))
        sb_add(b, "null}");
    else
        sb_addf(b, "%.1f}", row->dr_square);
}

void fires_table_row_csv(strbuf *b, const fires_table_row *row)
{
    sb_addf(b, "%.0f,%.1f,%.1f,%.1f,%.2f,%.0f,%.0f,%.0f,%.1f,%.1f,%.1f,%.1f,%.1f,%.2f,", row->range_m, row->qe_mils,
            row->fuze_s, row->tof_s, row->drift_mils, row->max_ord_m, row->aof_mils, row->impact_v, row->dr_mv,
            row->dr_rho, row->dr_temp, row->dr_head, row->dr_tail, row->dd_cross);
    if (!isnan(row->dr_square))
        sb_addf(b, "%.1f", row->dr_square);
    sb_addc(b, '\n');
}

void fires_pos_json(strbuf *b, const fires_pos *p, double alt, bool with_alt)
{
    char mg[64], mgs[64], utm[96], dms[128];
    fa_err e;
    if (fires_pos_mgrs(p, 5, false, mg, sizeof mg, &e) != 0)
        snprintf(mg, sizeof mg, "%s", "");
    if (fires_pos_mgrs(p, 5, true, mgs, sizeof mgs, &e) != 0)
        snprintf(mgs, sizeof mgs, "%s", "");
    fires_pos_utm_str(p, utm, sizeof utm);
    fires_pos_dms_str(p, dms, sizeof dms);
    sb_add(b, "{\"mgrs\": ");
    json_str(b, mg);
    sb_add(b, ", \"mgrs_spaced\": ");
    json_str(b, mgs);
    static const char *const prec_name[] = {"10km", "1km", "100m", "10m", "1m"};
    sb_add(b, ", \"mgrs_by_precision\": {");
    for (int d = 1; d <= 5; d++) {
        char m[64];
        if (fires_pos_mgrs(p, d, false, m, sizeof m, &e) != 0)
            m[0] = 0;
        sb_addf(b, "%s\"%s\": ", d > 1 ? ", " : "", prec_name[d - 1]);
        json_str(b, m);
    }
    sb_add(b, "}");
    sb_addf(b, ", \"utm\": {\"zone\": %d, \"hemisphere\": \"%c\", \"easting\": %.3f, \"northing\": %.3f, \"text\": ",
            p->zone, p->northp ? 'N' : 'S', p->easting, p->northing);
    json_str(b, utm);
    sb_addf(b, "}, \"lat\": %.8f, \"lon\": %.8f, \"dms\": ", p->lat, p->lon);
    json_str(b, dms);
    sb_addf(b, ", \"convergence_deg\": %.6f, \"convergence_mils\": %.3f, \"scale\": %.8f", p->convergence_deg,
            p->convergence_deg * 6400.0 / 360.0, p->scale);
    if (p->mgrs_digits >= 0)
        sb_addf(b, ", \"input_precision_m\": %g", pow(10.0, 5 - p->mgrs_digits));
    if (with_alt)
        sb_addf(b, ", \"alt_m\": %.2f", alt);
    sb_add(b, "}");
}

void fires_between_json(strbuf *b, const fires_pos *a, double alt_a, const fires_pos *p2, double alt_b,
                        const fires_geom *g)
{
    sb_add(b, "{\"a\": ");
    fires_pos_json(b, a, alt_a, true);
    sb_add(b, ", \"b\": ");
    fires_pos_json(b, p2, alt_b, true);
    sb_addf(b,
            ", \"distance_m\": %.2f, \"azimuth_mils\": %.2f, \"azimuth_deg\": %.4f, \"true_azimuth_mils\": %.2f, "
            "\"true_azimuth_deg\": %.4f, \"geodesic_distance_m\": %.2f, \"convergence_mils\": %.2f, "
            "\"vertical_interval_m\": %.2f, \"angle_of_site_mils\": %.2f}",
            g->grid_dist_m, g->grid_az_mils, g->grid_az_deg, g->true_az_mils, g->true_az_deg, g->geodesic_m,
            g->convergence_mils, g->vi_m, g->site_mils);
}

void fires_traj_json(strbuf *b, fires_model model, double mv, double qe_mils, const fires_projectile *proj,
                     const fires_traj *r, bool coriolis, bool points, double twist_m)
{
    sb_add(b, "{\"label\": ");
    json_str(b, FIRES_LABEL);
    sb_addf(b, ", \"model\": \"%s\", \"mv_mps\": %g, \"qe_mils\": %g, \"projectile\": ",
            fires_model_name(model), mv, qe_mils);
    if (proj)
        fires_projectile_json(b, proj);
    else
        sb_add(b, "null");
    sb_addf(b,
            ", \"range_m\": %.2f, \"tof_s\": %.3f, \"max_ordinate_m\": %.2f, \"angle_of_fall_mils\": %.2f, "
            "\"impact_velocity_mps\": %.2f, \"drift_mils\": %.3f, \"drift_m\": %.3f, \"coriolis\": %s, "
            "\"drift_model\": \"%s\", \"apex_range_m\": %.1f, \"steps\": %d, \"rejected_steps\": %d",
            r->range_m, r->tof_s, r->max_ord_m, fires_rad_to_mils(r->angle_of_fall_rad), r->impact_v, r->drift_mils,
            r->drift_m, coriolis ? "true" : "false",
            model == FIRES_MODEL_MPM ? "modified point mass: wind, Coriolis and spin drift (lift on the yaw of repose)"
                                     : "point mass: wind and Coriolis only, no spin drift",
            r->apex_range_m, r->steps, r->rejected);
    if (model == FIRES_MODEL_MPM) {
        sb_addf(b, ", \"twist_m\": %g, \"max_yaw_of_repose_mils\": %.3f, \"sg_muzzle\": ", twist_m,
                fires_rad_to_mils(r->max_yaw_rad));
        if (r->sg_muzzle > 0)
            sb_addf(b, "%.3f", r->sg_muzzle);
        else
            sb_add(b, "null");
    }
    if (points) {
        sb_add(b, ", \"points\": [");
        for (size_t i = 0; i < r->points.n; i++) {
            const fires_point *p = &r->points.v[i];
            sb_addf(b, "%s{\"t\": %.3f, \"x\": %.2f, \"y\": %.2f, \"z\": %.3f, \"v\": %.2f}", i ? ", " : "", p->t,
                    p->x, p->y, p->z, p->v);
        }
        sb_add(b, "]");
    }
    sb_add(b, "}");
}
