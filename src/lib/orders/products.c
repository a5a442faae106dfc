/*
 * products.c - the products FA-GPT writes: each one's schema, its checks across fields and the values its
 * templates derive. The paragraph structure follows the doctrine named in each product's `doctrine` string;
 * docs/orders.md documents every field.
 */
#include "orders_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REQ(n, t) {n, t, true, NULL, NULL, 0, 0}
#define OPT(n, t) {n, t, false, NULL, NULL, 0, 0}
#define OBJ(n, req, sub) {n, F_OBJ, req, sub, NULL, 0, 0}
#define LIST(n, req, sub) {n, F_LIST, req, sub, NULL, 0, 0}
#define ENUM(n, req, ch) {n, F_ENUM, req, NULL, ch, 0, 0}
#define RANGE(n, t, req, lo, hi) {n, t, req, NULL, NULL, lo, hi}
#define END {NULL, F_STR, false, NULL, NULL, 0, 0}

/* Heading of a staff order (FM 5-0: copy, issuing headquarters, place of issue, DTG of signature,
 * message reference number, references, time zone used throughout the order). */
#define HEADING(copy_req, refs_req) \
    REQ("classification", F_STR), {"copy", F_STR, copy_req, NULL, NULL, 0, 0}, REQ("issuing_hq", F_STR), \
    REQ("place", F_STR), REQ("time_zone", F_ZONE), REQ("dtg", F_DTG), REQ("number", F_STR), \
    OPT("operation_name", F_STR), {"references", F_STRLIST, refs_req, NULL, NULL, 0, 0}

static const ofield task_org[] = {REQ("unit", F_STR), OPT("relationship", F_STR), OPT("elements", F_STRLIST), END};
static const ofield unit_tasks[] = {REQ("unit", F_STR), REQ("tasks", F_STRLIST), END};
static const ofield signature[] = {REQ("name", F_STR), REQ("rank", F_STR), REQ("position", F_STR), END};
static const ofield official[] = {REQ("name", F_STR), REQ("position", F_STR), END};
static const ofield terrain_weather[] = {OPT("terrain", F_STR), OPT("weather", F_STR), END};

/* ---- OPORD (FM 5-0, operation order format; FM 6-0) ---- */
static const ofield opord_situation[] = {
    OPT("area_of_interest", F_STR), OBJ("area_of_operations", false, terrain_weather), REQ("enemy", F_STR),
    REQ("friendly", F_STR), OPT("interagency", F_STR), OPT("civil_considerations", F_STR),
    OPT("attachments_detachments", F_STR), OPT("assumptions", F_STR), END};
static const ofield opord_execution[] = {
    REQ("commanders_intent", F_STR), REQ("concept_of_operations", F_STR), REQ("scheme_of_fires", F_STR),
    LIST("tasks", true, unit_tasks), {"coordinating_instructions", F_STRLIST, true, NULL, NULL, 0, 0}, END};
static const ofield opord_sustainment[] = {REQ("logistics", F_STR), REQ("personnel", F_STR),
                                           REQ("health_system_support", F_STR), END};
static const ofield opord_command[] = {REQ("commander_location", F_STR), OPT("succession_of_command", F_STRLIST),
                                       OPT("command_posts", F_STR), OPT("reports", F_STR), REQ("signal", F_STR), END};
static const ofield opord_fields[] = {
    HEADING(true, true), LIST("task_organization", true, task_org), OBJ("situation", true, opord_situation),
    REQ("mission", F_STR), OBJ("execution", true, opord_execution), OBJ("sustainment", true, opord_sustainment),
    OBJ("command_signal", true, opord_command), OPT("acknowledge", F_BOOL), OBJ("commander", true, signature),
    OBJ("official", false, official), OPT("annexes", F_STRLIST), OPT("distribution", F_STR), END};

/* ---- WARNO (FM 5-0, warning order format) ---- */
static const ofield warno_situation[] = {OPT("area_of_interest", F_STR), OPT("area_of_operations", F_STR),
                                         REQ("enemy", F_STR), REQ("friendly", F_STR),
                                         OPT("attachments_detachments", F_STR), END};
static const ofield timeline[] = {REQ("dtg", F_DTG), REQ("event", F_STR), END};
static const ofield warno_execution[] = {
    OPT("commanders_intent", F_STR), OPT("concept_of_operations", F_STR), LIST("tasks", false, unit_tasks),
    {"coordinating_instructions", F_STRLIST, true, NULL, NULL, 0, 0}, LIST("timeline", false, timeline), END};
static const ofield warno_fields[] = {
    HEADING(false, false), LIST("task_organization", false, task_org), OBJ("situation", true, warno_situation),
    REQ("mission", F_STR), OBJ("execution", true, warno_execution), OPT("sustainment", F_STR),
    OPT("command_signal", F_STR), OPT("acknowledge", F_BOOL), OBJ("commander", true, signature),
    OBJ("official", false, official), END};

/* ---- FRAGO (FM 5-0: the paragraphs of the base order, only what changes) ---- */
static const ofield frago_execution[] = {
    OPT("commanders_intent", F_STR), OPT("concept_of_operations", F_STR), OPT("scheme_of_fires", F_STR),
    LIST("tasks", false, unit_tasks), OPT("coordinating_instructions", F_STRLIST), END};
static const ofield frago_fields[] = {
    HEADING(false, false), REQ("base_order", F_STR), OPT("situation", F_STR), OPT("mission", F_STR),
    OBJ("execution", false, frago_execution), OPT("sustainment", F_STR), OPT("command_signal", F_STR),
    OPT("acknowledge", F_BOOL), OBJ("commander", true, signature), OBJ("official", false, official), END};

/* ---- Call for fire (ATP 3-09.30, call for fire: three transmissions, six elements) ---- */
static const char *const mission_types[] = {"adjust fire", "fire for effect", "suppress", "immediate suppression",
                                            "immediate smoke", NULL};
static const char *const location_methods[] = {"grid", "polar", "shift", NULL};
static const ofield cff_location[] = {
    ENUM("method", true, location_methods), OPT("grid", F_GRID), OPT("known_point", F_STR),
    RANGE("direction", F_INT, false, 0, 6399), RANGE("distance", F_INT, false, 1, 50000),
    RANGE("lateral", F_INT, false, -10000, 10000), RANGE("range", F_INT, false, -20000, 20000),
    RANGE("vertical", F_INT, false, -3000, 3000), END};
static const ofield cff_fields[] = {
    REQ("fdc", F_STR), REQ("observer", F_STR), ENUM("mission_type", true, mission_types),
    OBJ("location", true, cff_location), REQ("target_description", F_STR), OPT("danger_close", F_BOOL),
    OPT("method_of_engagement", F_STR), OPT("method_of_control", F_STR), END};

/* ---- Fire order (TC 3-09.81, fire order elements announced by the FDO) ---- */
static const ofield fire_order_fields[] = {
    REQ("target_number", F_TGTNUM), REQ("firing_unit", F_STR), OPT("adjusting_element", F_STR),
    OPT("method_of_fire", F_STR), OPT("basis_for_corrections", F_STR), OPT("distribution", F_STR),
    REQ("projectile", F_STR), OPT("ammunition_lot", F_STR), OPT("charge", F_STR), REQ("fuze", F_STR),
    RANGE("rounds", F_INT, true, 1, 99), OPT("range_spread", F_STR), REQ("time_of_opening_fire", F_STR),
    OPT("special_instructions", F_STR), END};

/* ---- Message to observer (ATP 3-09.30: units to fire, changes, rounds, target number; angle T, time of flight
 * and probable error in range when they matter) ---- */
static const ofield mto_fields[] = {
    REQ("observer", F_STR), REQ("fdc", F_STR), REQ("units_to_fire", F_STR), OPT("changes", F_STR),
    RANGE("rounds", F_INT, true, 1, 99), REQ("target_number", F_TGTNUM), RANGE("angle_t", F_INT, false, 0, 3200),
    RANGE("time_of_flight", F_NUM, false, 0, 300), RANGE("probable_error_range", F_INT, false, 0, 2000), END};

/* ---- Target list worksheet (ATP 3-09.30; the columns of DA Form 4655) ---- */
static const ofield target[] = {
    REQ("number", F_TGTNUM), REQ("description", F_STR), REQ("grid", F_GRID),
    RANGE("altitude", F_INT, false, -500, 9000), RANGE("attitude", F_INT, false, 0, 3199),
    RANGE("length", F_INT, false, 1, 10000), RANGE("width", F_INT, false, 1, 10000),
    RANGE("radius", F_INT, false, 1, 10000), OPT("source", F_STR), OPT("remarks", F_STR), END};
static const ofield target_list_fields[] = {
    REQ("classification", F_STR), REQ("originator", F_STR), REQ("time_zone", F_ZONE), REQ("dtg", F_DTG),
    OPT("sheet", F_STR), OPT("operation", F_STR), LIST("targets", true, target), END};

/* ---- Fire support plan / Annex D (Fires) (FM 3-09, fire support planning; FM 5-0) ---- */
static const char *const measure_types[] = {"FSCL", "CFL", "BCL", "RFL", "NFA", "RFA", "FFA", "ACA", "ZOF",
                                            "boundary", "phase line", NULL};
static const ofield fs_task[] = {REQ("task", F_STR), REQ("purpose", F_STR), REQ("method", F_STR),
                                 REQ("effect", F_STR), END};
static const ofield schedule[] = {REQ("time", F_STR), REQ("target", F_TGTNUM), REQ("unit", F_STR),
                                  RANGE("rounds", F_INT, false, 1, 999), OPT("remarks", F_STR), END};
static const ofield measure[] = {ENUM("type", true, measure_types), REQ("name", F_STR), REQ("location", F_STR),
                                 OPT("effective", F_DTG), OPT("remarks", F_STR), END};
static const ofield fsplan_fields[] = {
    REQ("classification", F_STR), OPT("copy", F_STR), REQ("issuing_hq", F_STR), REQ("place", F_STR),
    REQ("time_zone", F_ZONE), REQ("dtg", F_DTG), REQ("base_order", F_STR), OPT("references", F_STRLIST),
    OPT("situation", F_STR), REQ("mission", F_STR), REQ("concept_of_fires", F_STR),
    LIST("fire_support_tasks", true, fs_task), LIST("targets", true, target), LIST("schedule_of_fires", false, schedule),
    LIST("coordination_measures", false, measure), OPT("acknowledge", F_BOOL), OBJ("commander", true, signature),
    OBJ("official", false, official), END};

/* ---- checks across fields ---- */

static void check_frago(const json_value *d, orders_issues *is)
{
    static const char *const paras[] = {"situation", "mission", "execution", "sustainment", "command_signal"};
    for (size_t i = 0; i < 5; i++) {
        const json_value *v = json_get(d, paras[i]);
        if (v && (v->type != JSON_OBJECT || v->n))
            return;
    }
    orders_issue_add(is, "situation", "a FRAGO must change at least one paragraph (situation, mission, execution, "
                     "sustainment or command_signal)");
}

static void check_cff(const json_value *d, orders_issues *is)
{
    const json_value *loc = json_get(d, "location");
    const char *m = json_get_str(loc, "method", NULL);
    if (!m)
        return;
    if (!strcmp(m, "grid") && !json_get(loc, "grid"))
        orders_issue_add(is, "location.grid", "required when location.method is grid");
    if (!strcmp(m, "polar")) {
        if (!json_get(loc, "direction"))
            orders_issue_add(is, "location.direction", "required when location.method is polar (mils)");
        if (!json_get(loc, "distance"))
            orders_issue_add(is, "location.distance", "required when location.method is polar (meters)");
    }
    if (!strcmp(m, "shift")) {
        if (!json_get(loc, "known_point"))
            orders_issue_add(is, "location.known_point", "required when location.method is shift");
        if (!json_get(loc, "direction"))
            orders_issue_add(is, "location.direction", "required when location.method is shift (mils)");
        if (!json_get(loc, "lateral") && !json_get(loc, "range") && !json_get(loc, "vertical"))
            orders_issue_add(is, "location.lateral", "a shift needs at least one of lateral, range, vertical");
    }
}

static void check_targets(const json_value *targets, const char *path, orders_issues *is)
{
    for (size_t i = 0; targets && i < targets->n; i++)
        for (size_t k = 0; k < i; k++) {
            const char *a = json_get_str(targets->items[i], "number", NULL);
            const char *b = json_get_str(targets->items[k], "number", NULL);
            if (a && b && !strcmp(a, b)) {
                char p[128];
                snprintf(p, sizeof p, "%s[%zu].number", path, i);
                orders_issue_add(is, p, "%s repeats %s[%zu]", a, path, k);
                break;
            }
        }
}

static void check_target_list(const json_value *d, orders_issues *is)
{
    check_targets(json_get(d, "targets"), "targets", is);
}

static void check_fsplan(const json_value *d, orders_issues *is)
{
    const json_value *targets = json_get(d, "targets"), *sched = json_get(d, "schedule_of_fires");
    check_targets(targets, "targets", is);
    for (size_t i = 0; sched && i < sched->n; i++) {
        const char *t = json_get_str(sched->items[i], "target", NULL);
        bool found = false;
        for (size_t k = 0; t && targets && k < targets->n && !found; k++)
            found = !strcmp(t, json_get_str(targets->items[k], "number", ""));
        if (t && !found) {
            char p[128];
            snprintf(p, sizeof p, "schedule_of_fires[%zu].target", i);
            orders_issue_add(is, p, "%s is not in targets", t);
        }
    }
}

/* ---- derived values ---- */

static void derive_ack(json_value *v)
{
    if (!json_get(v, "acknowledge"))
        jv_set(v, "acknowledge", jv_bool(true));
}

static void signed_text(json_value *obj, const char *key, const char *out, const char *pos, const char *neg)
{
    const json_value *n = json_get(obj, key);
    if (!n || n->type != JSON_NUMBER || n->num == 0)
        return;
    char b[64];
    snprintf(b, sizeof b, "%s %lld", n->num > 0 ? pos : neg, (long long)(n->num > 0 ? n->num : -n->num));
    jv_set(obj, out, jv_str(b));
}

static void derive_cff(json_value *v)
{
    json_value *loc = json_get(v, "location");
    const char *m = json_get_str(loc, "method", "");
    if (loc) {
        jv_set(loc, "is_grid", jv_bool(!strcmp(m, "grid")));
        jv_set(loc, "is_polar", jv_bool(!strcmp(m, "polar")));
        jv_set(loc, "is_shift", jv_bool(!strcmp(m, "shift")));
        signed_text(loc, "lateral", "lateral_text", "RIGHT", "LEFT");
        signed_text(loc, "range", "range_text", "ADD", "DROP");
        signed_text(loc, "vertical", "vertical_text", "UP", "DOWN");
        const json_value *d = json_get(loc, "direction");
        if (d && d->type == JSON_NUMBER) {
            char b[8];
            snprintf(b, sizeof b, "%04d", (int)d->num);
            jv_set(loc, "direction_text", jv_str(b));
        }
    }
}

static void derive_mto(json_value *v)
{
    /* ATP 3-09.30: angle T is sent when it is 500 mils or more; probable error in range when 38 m or more. */
    const json_value *t = json_get(v, "angle_t"), *per = json_get(v, "probable_error_range");
    jv_set(v, "send_angle_t", jv_bool(t && t->num >= 500));
    jv_set(v, "send_per", jv_bool(per && per->num >= 38));
}

static const oproduct products[] = {
    {"opord", "OPERATION ORDER", "operation order, five paragraphs (FM 5-0, FM 6-0)",
     "FM 5-0, Planning and Orders Production (appendix on the Army operation order format); FM 6-0, "
     "Commander and Staff Organization and Operations",
     opord_fields, NULL, derive_ack},
    {"warno", "WARNING ORDER", "warning order (FM 5-0)",
     "FM 5-0, Planning and Orders Production (warning order format)", warno_fields, NULL, derive_ack},
    {"frago", "FRAGMENTARY ORDER", "fragmentary order, changes to a base order (FM 5-0)",
     "FM 5-0, Planning and Orders Production (fragmentary order format)", frago_fields, check_frago,
     derive_ack},
    {"cff", "CALL FOR FIRE", "call for fire in three transmissions (ATP 3-09.30)",
     "ATP 3-09.30, Observed Fires (call for fire)", cff_fields, check_cff, derive_cff},
    {"fire-order", "FIRE ORDER", "FDC fire order (TC 3-09.81)",
     "TC 3-09.81, Field Artillery Manual Cannon Gunnery (fire order)", fire_order_fields, NULL, NULL},
    {"mto", "MESSAGE TO OBSERVER", "message to observer (ATP 3-09.30)",
     "ATP 3-09.30, Observed Fires (message to observer)", mto_fields, NULL, derive_mto},
    {"target-list", "TARGET LIST WORKSHEET", "target list worksheet (ATP 3-09.30, DA Form 4655 columns)",
     "ATP 3-09.30, Observed Fires (target list); DA Form 4655, Target List Worksheet", target_list_fields,
     check_target_list, NULL},
    {"fsplan", "FIRE SUPPORT PLAN", "fire support plan / Annex D (Fires) (FM 3-09, FM 5-0)",
     "FM 3-09, Fire Support and Field Artillery Operations (fire support planning); FM 5-0 (annex format)",
     fsplan_fields, check_fsplan, derive_ack},
};

const oproduct *orders_product(const char *type)
{
    for (size_t i = 0; i < sizeof products / sizeof products[0]; i++)
        if (type && !strcmp(type, products[i].type))
            return &products[i];
    return NULL;
}

const char *const *orders_types(void)
{
    static const char *names[sizeof products / sizeof products[0] + 1];
    for (size_t i = 0; i < sizeof products / sizeof products[0]; i++)
        names[i] = products[i].type;
    return names;
}

const char *orders_type_summary(const char *type)
{
    const oproduct *p = orders_product(type);
    return p ? p->summary : NULL;
}
