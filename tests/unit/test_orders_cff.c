/* test_orders_cff.c - reading a call for fire and corrections as observers send them (orders/cff.c), and the
 * parsed call rendering back to the same three transmissions. */
#include "check.h"
#include "orders/orders.h"

#include <stdlib.h>

static json_value *cff(const char *text) { fa_err e; return orders_cff_parse(text, &e); }

static const char *err(const char *text)
{
    static fa_err e;
    json_value *v = orders_cff_parse(text, &e);
    if (v) {
        json_free(v);
        return "(parsed)";
    }
    return e.msg;
}

static const char *back(const char *text)
{
    static strbuf out;
    static fa_err e;
    sb_free(&out);
    json_value *v = orders_cff_parse(text, &e);
    if (!v)
        return e.msg;
    int rc = orders_render("cff", v, ORDERS_TXT, NULL, &out, &e);
    json_free(v);
    return rc ? e.msg : out.s;
}

static const char *cerr(const char *text)
{
    static fa_err e;
    orders_correction c;
    return orders_correction_parse(text, &c, &e) == 0 ? "(parsed)" : e.msg;
}

int main(void)
{
    /* The example of issue 6, with "/" between transmissions. */
    json_value *v = cff("H24 THIS IS H66 ADJUST FIRE OVER / GRID 18SUJ 2339 0739 OVER / INFANTRY PLATOON IN THE OPEN OVER");
    CHECK(v != NULL);
    CHECK_STR(json_get_str(v, "fdc", NULL), "H24");
    CHECK_STR(json_get_str(v, "observer", NULL), "H66");
    CHECK_STR(json_get_str(v, "mission_type", NULL), "adjust fire");
    CHECK_STR(json_get_str(json_get(v, "location"), "method", NULL), "grid");
    CHECK_STR(json_get_str(json_get(v, "location"), "grid", NULL), "18SUJ 2339 0739");
    CHECK_STR(json_get_str(v, "target_description", NULL), "INFANTRY PLATOON IN THE OPEN");
    CHECK(json_get(v, "method_of_engagement") == NULL && json_get(v, "method_of_control") == NULL);
    orders_issues is = {0};
    CHECK(orders_validate("cff", v, &is) == 0);
    orders_issues_free(&is);
    json_free(v);

    /* Polar, lower case, newlines, elements found without commas. */
    v = cff("h24 this is h66 fire for effect polar over\ndirection 0450 distance 2300 down 20 over\n"
            "two bmp in the open icm in effect when ready over");
    CHECK(v != NULL);
    json_value *loc = json_get(v, "location");
    CHECK(json_get_num(loc, "direction", -1) == 450 && json_get_num(loc, "distance", -1) == 2300);
    CHECK(json_get_num(loc, "vertical", 0) == -20);
    CHECK_STR(json_get_str(v, "target_description", NULL), "TWO BMP IN THE OPEN");
    CHECK_STR(json_get_str(v, "method_of_engagement", NULL), "ICM IN EFFECT");
    CHECK_STR(json_get_str(v, "method_of_control", NULL), "WHEN READY");
    json_free(v);

    /* Shift from a known point, commas, danger close; read back exactly as sent. */
    const char *shift = "H24 THIS IS H66, ADJUST FIRE, SHIFT AB1001, OVER\n"
                        "DIRECTION 5210, LEFT 380, ADD 400, DOWN 35, OVER\n"
                        "INFANTRY PLATOON DUG IN, DANGER CLOSE, ICM IN EFFECT, AT MY COMMAND, OVER\n";
    v = cff(shift);
    loc = json_get(v, "location");
    CHECK(v && json_get_num(loc, "lateral", 0) == -380 && json_get_num(loc, "range", 0) == 400);
    CHECK_STR(json_get_str(loc, "known_point", NULL), "AB1001");
    CHECK(json_get_bool(v, "danger_close", false));
    json_free(v);
    CHECK_STR(back(shift), shift);
    CHECK_STR(back("H24 THIS IS H66 ADJUST FIRE OVER GRID 18SUJ23390739 OVER TANK, TIME ON TARGET 0930 OVER"),
              "H24 THIS IS H66, ADJUST FIRE, OVER\nGRID 18SUJ 2339 0739, OVER\nTANK, TIME ON TARGET 0930, OVER\n");
    CHECK_STR(back("H24 THIS IS H66 IMMEDIATE SUPPRESSION OVER GRID 2339 0739 OVER ATGM TEAM OVER"),
              "H24 THIS IS H66, IMMEDIATE SUPPRESSION, OVER\nGRID 2339 0739, OVER\nATGM TEAM, OVER\n");

    /* Errors quote what could not be read and say what was expected. */
    CHECK(strstr(err("H24 THIS IS H66 ADJUST FIRES OVER GRID 18SUJ 2339 0739 OVER X OVER"),
                 "transmission 1: could not read 'ADJUST FIRES': expected a mission type") != NULL);
    CHECK(strstr(err("H24 THAT IS H66 ADJUST FIRE OVER GRID 18SUJ 2339 0739 OVER X OVER"),
                 "could not read 'THAT IS': expected 'THIS IS'") != NULL);
    CHECK(strstr(err("H24 THIS IS H66 ADJUST FIRE OVER GRID 18SUJ 233 0739 OVER X OVER"),
                 "transmission 2: could not read 'GRID 18SUJ 233 0739': expected an MGRS grid") != NULL);
    CHECK(strstr(err("H24 THIS IS H66 ADJUST FIRE OVER GRIDD 18SUJ 2339 0739 OVER X OVER"),
                 "could not read 'GRIDD 18SUJ 2339 0739': expected GRID") != NULL);
    CHECK(strstr(err("H24 THIS IS H66 ADJUST FIRE POLAR OVER DIRECTION 7000 DISTANCE 100 OVER X OVER"),
                 "could not read 'DIRECTION 7000'") != NULL);
    CHECK(strstr(err("H24 THIS IS H66 ADJUST FIRE POLAR OVER DIRECTION 4000 OVER X OVER"),
                 "expected DISTANCE") != NULL);
    CHECK(strstr(err("H24 THIS IS H66 ADJUST FIRE POLAR OVER DIRECTION 4000 DISTANCE 900 LEFT 20 OVER X OVER"),
                 "could not read 'LEFT 20': expected DISTANCE n, UP n or DOWN n") != NULL);
    CHECK(strstr(err("H24 THIS IS H66 ADJUST FIRE SHIFT AB1001 OVER DIRECTION 4000 OVER X OVER"),
                 "expected a shift") != NULL);
    CHECK(strstr(err("H24 THIS IS H66 ADJUST FIRE SHIFT AB1001 OVER DIRECTION 4000 LEFT 20 RIGHT 30 OVER X OVER"),
                 "only one RIGHT or LEFT") != NULL);
    CHECK(strstr(err("H24 THIS IS H66 ADJUST FIRE SHIFT AB1001 OVER DIRECTION 4000 ADD FIFTY OVER X OVER"),
                 "could not read 'ADD FIFTY': expected meters") != NULL);
    CHECK(strstr(err("H24 THIS IS H66 ADJUST FIRE OVER GRID 18SUJ 2339 0739 OVER"),
                 "got 2 (missing: target description)") != NULL);
    CHECK(strstr(err("H24 THIS IS H66 ADJUST FIRE OVER GRID 18SUJ 2339 0739 OVER TANK"),
                 "transmission 3 ('TANK') does not end with OVER") != NULL);
    CHECK(strstr(err("H24 THIS IS H66 ADJUST FIRE OVER GRID 18SUJ 2339 0739 OVER TANK OVER OUT"),
                 "could not read 'OUT' after the third transmission") != NULL);
    CHECK(strstr(err("H24 THIS IS H66 ADJUST FIRE OVER GRID 18SUJ 2339 0739 OVER OVER"),
                 "expected a target description") != NULL);
    CHECK(strstr(err("H24 THIS IS H66 ADJUST FIRE OVER GRID 18SUJ 2339 0739 OVER TANK, AT MY COMMAND, WHEN READY OVER"),
                 "expected one method of fire and control") != NULL);
    CHECK(strstr(err(""), "got 0") != NULL);
    CHECK(strstr(err("OVER OVER OVER"), "transmission 1") != NULL);

    /* Corrections. */
    orders_correction c;
    fa_err e;
    CHECK(orders_correction_parse("RIGHT 50 ADD 200", &c, &e) == 0 && c.lateral_m == 50 && c.range_m == 200);
    CHECK(orders_correction_parse("left 30, drop 100, up 5, over", &c, &e) == 0 && c.lateral_m == -30 &&
          c.range_m == -100 && c.vertical_m == 5);
    CHECK(orders_correction_parse("DROP 50 FIRE FOR EFFECT OVER", &c, &e) == 0 && c.range_m == -50 && c.fire_for_effect);
    CHECK(orders_correction_parse("REPEAT", &c, &e) == 0 && c.repeat && !c.range_m);
    CHECK(orders_correction_parse("END OF MISSION, 2 BMP DESTROYED, OVER", &c, &e) == 0 && c.end_of_mission);
    CHECK(strstr(cerr("LEFT 5O"), "could not read 'LEFT 5O': expected meters") != NULL);
    CHECK(strstr(cerr("SIDEWAYS 40"), "could not read 'SIDEWAYS 40': expected a correction") != NULL);
    CHECK(strstr(cerr("ADD 50 DROP 20"), "ADD or DROP given twice") != NULL);
    CHECK(strstr(cerr("ADD"), "expected meters") != NULL);
    CHECK(strstr(cerr("RIGHT 20000"), "1 to 10000") != NULL);
    CHECK(strstr(cerr(" , OVER"), "empty correction") != NULL);
    return check_done();
}
