/* test_orders_mission.c - a fire mission in the library (orders/mission.c): the call for fire located, firing data
 * from fires_firing_data, corrections moving the adjusting point across and along the OT line (measured with
 * fires_between), REPEAT, FIRE FOR EFFECT, END OF MISSION, the record saved and loaded, and bad input. */
#include "check.h"
#include "fires/fires.h"
#include "orders/orders.h"

#include <stdlib.h>
#include <unistd.h>

static const json_value *last_round(const json_value *m)
{
    const json_value *rs = json_get(m, "rounds");
    return json_at(rs, rs->n - 1);
}

static fires_pos target_of(const json_value *r)
{
    const json_value *t = json_get(r, "target");
    fires_pos p;
    fa_err e;
    fires_pos_from_latlon(json_get_num(t, "lat", 0), json_get_num(t, "lon", 0), &p, &e);
    return p;
}

/* The move from round a to round b, along and across the OT direction ot (mils). */
static void moved(const json_value *a, const json_value *b, double ot, double *along, double *across)
{
    fires_pos p = target_of(a), q = target_of(b);
    fires_geom g;
    fa_err e;
    fires_between(&p, 0, &q, 0, &g, &e);
    double ang = fires_mils_to_rad(g.grid_az_mils - ot);
    *along = g.grid_dist_m * cos(ang);
    *across = g.grid_dist_m * sin(ang);
}

int main(void)
{
    fa_err e;
    orders_mission_in in = {.id = "AB1001", .battery = "18SUJ2338308450", .battery_alt = 100, .weapon = "M777A2",
                            .projectile = "M107", .aof = 1600, .observer = "18SUJ2900009000", .observer_alt = 150,
                            .target_alt = NAN, .known_point_alt = NAN, .ot = NAN, .data = "data"};
    json_value *m = orders_mission_start(
        &in, "H24 THIS IS H66 ADJUST FIRE OVER / GRID 18SUJ 2839 0739 OVER / INFANTRY PLATOON IN THE OPEN OVER", &e);
    CHECK(m != NULL);
    if (!m) {
        printf("# %s\n", e.msg);
        return check_done();
    }
    CHECK_STR(json_get_str(m, "status", ""), "adjust");
    CHECK_STR(json_get_str(m, "label", ""), FIRES_LABEL);
    const json_value *r1 = json_at(json_get(m, "rounds"), 0), *fd = json_get(r1, "firing_data");
    CHECK_STR(json_get_str(json_get(r1, "target"), "mgrs", ""), "18SUJ2839507395");
    CHECK(json_get(r1, "message_to_observer") != NULL);
    CHECK_STR(json_get_str(json_get(r1, "fire_order"), "target_number", ""), "AB1001");

    /* the same data straight from the ballistic computer */
    fires_data d;
    CHECK(fires_data_open("data", NULL, &d, &e) == 0);
    fires_projectile proj = {0};
    CHECK(fires_catalog_projectile(&d.cat, "M107", d.dirs, &proj, &e) == 0);
    fires_pos gun, tgt = target_of(r1);
    fires_pos_parse("18SUJ2338308450", &gun, &e);
    fires_fd_in fin = {.proj = &proj, .weapon = fires_catalog_weapon(&d.cat, "M777A2"), .mv = NAN, .gun = &gun,
                       .target = &tgt, .gun_alt_m = 100, .target_alt_m = 100, .model = FIRES_MODEL_FULL,
                       .lat_deg = NAN, .aof_mils = 1600};
    fires_fd want;
    CHECK(fires_firing_data(&fin, &want, &e) == 0);
    CHECK_NEAR(json_get_num(fd, "qe_mils", 0), want.qe_mils, 0.051);
    CHECK_NEAR(json_get_num(fd, "deflection_mils", 0), want.defl_mils, 0.051);
    CHECK_STR(json_get_str(fd, "charge", ""), want.charge);
    fires_projectile_free(&proj);
    fires_data_close(&d);

    double ot = json_get_num(m, "ot_mils", NAN), along, across;
    CHECK(!isnan(ot));
    CHECK(orders_mission_correct(m, "RIGHT 50 ADD 200", NAN, &e) == 0);
    moved(r1, last_round(m), ot, &along, &across);
    CHECK_NEAR(along, 200, 0.05);
    CHECK_NEAR(across, 50, 0.05);
    CHECK(json_get_num(json_get(last_round(m), "firing_data"), "qe_mils", 0) != json_get_num(fd, "qe_mils", 0));

    CHECK(orders_mission_correct(m, "LEFT 100 DROP 50 DOWN 10", 4800, &e) == 0);
    const json_value *rs = json_get(m, "rounds");
    moved(json_at(rs, 1), last_round(m), 4800, &along, &across);
    CHECK_NEAR(along, -50, 0.05);
    CHECK_NEAR(across, -100, 0.05);
    CHECK_NEAR(json_get_num(json_get(last_round(m), "target"), "altitude_m", 0), 90, 1e-9);
    CHECK(json_get(last_round(m), "message_to_observer") == NULL);

    CHECK(orders_mission_correct(m, "FIRE FOR EFFECT", NAN, &e) == 0);
    CHECK_STR(json_get_str(m, "status", ""), "fire for effect");
    CHECK_NEAR(json_get_num(json_get(last_round(m), "fire_order"), "rounds", 0), 3, 0);

    CHECK(orders_mission_correct(m, "RIGHT FIFTY", NAN, &e) != 0);
    CHECK(strstr(e.msg, "could not read 'RIGHT FIFTY'") != NULL);
    CHECK(orders_mission_correct(m, "END OF MISSION", NAN, &e) == 0);
    CHECK_STR(json_get_str(m, "status", ""), "end of mission");
    CHECK(orders_mission_correct(m, "REPEAT", NAN, &e) != 0);
    CHECK(strstr(e.msg, "has ended") != NULL);

    char dir[] = "/tmp/fagpt-mission-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    CHECK(orders_mission_save(dir, m, &e) == 0);
    json_value *back = orders_mission_load(dir, "AB1001", &e);
    CHECK(back && json_get(back, "rounds")->n == 5);
    CHECK(orders_mission_load(dir, "AB1002", &e) == NULL && strstr(e.msg, "no mission AB1002"));
    CHECK(orders_mission_load(dir, "nope", &e) == NULL && strstr(e.msg, "target number"));
    char *path = xasprintf("%s/AB1001.json", dir);
    unlink(path);
    free(path);
    rmdir(dir);
    json_free(back);
    json_free(m);

    in.id = "AB1003";
    CHECK(orders_mission_start(&in, "H24 THIS IS H66 ADJUST FIRE SHIFT KP7 OVER / DIRECTION 100 ADD 100 OVER / "
                                    "TANK OVER", &e) == NULL);
    CHECK(strstr(e.msg, "--known-point POS") != NULL);
    in.id = "A1";
    CHECK(orders_mission_start(&in, "x", &e) == NULL && strstr(e.msg, "two letters and four digits"));
    return check_done();
}
