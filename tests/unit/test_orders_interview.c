/* test_orders_interview.c - interactive input (orders/interview.c): scripted answers, wrong answers asked again
 * with the reason, answers running out; and the JSON writer, which must round-trip every example. */
#include "check.h"
#include "orders/orders.h"

#include <stdlib.h>

typedef struct {
    const char *const *answers;
    size_t next;
    strbuf prompts;
} script;

static int answer(void *ud, const char *prompt, strbuf *out)
{
    script *s = ud;
    sb_add(&s->prompts, prompt);
    sb_addc(&s->prompts, '\n');
    if (!s->answers[s->next])
        return -1;
    sb_add(out, s->answers[s->next++]);
    return 0;
}

int main(void)
{
    static const char *const cff[] = {
        "H24", "H66", "adjust fires", "ADJUST FIRE", "polar", "", "", "7000", "4520", "abc", "2300", "", "",
        "-20", "  tank in the open  ", "maybe", "y", "", "at my command", NULL};
    script s = {cff, 0, {0}};
    fa_err e;
    json_value *doc = orders_interview("cff", answer, &s, &e);
    CHECK(doc != NULL);
    CHECK(s.answers[s.next] == NULL);
    CHECK(strstr(s.prompts.s, "! mission_type: 'adjust fires' is not one of") != NULL);
    CHECK(strstr(s.prompts.s, "! location.direction: 7000 is out of range (0 to 6399)") != NULL);
    CHECK(strstr(s.prompts.s, "! location.distance: 'abc' is not a number") != NULL);
    CHECK(strstr(s.prompts.s, "! danger_close: answer y or n") != NULL);
    CHECK(strstr(s.prompts.s, "location.method (text, required; one of: grid | polar | shift): ") != NULL);
    json_value *loc = json_get(doc, "location");
    CHECK_STR(json_get_str(doc, "mission_type", NULL), "ADJUST FIRE");
    CHECK(json_get_num(loc, "direction", 0) == 4520 && json_get_num(loc, "distance", 0) == 2300);
    CHECK(json_get_num(loc, "vertical", 0) == -20 && json_get(loc, "grid") == NULL);
    CHECK_STR(json_get_str(doc, "target_description", NULL), "tank in the open");
    CHECK(json_get_bool(doc, "danger_close", false));
    orders_issues is = {0};
    CHECK(orders_validate("cff", doc, &is) == 0);
    orders_issues_free(&is);
    json_free(doc);
    sb_free(&s.prompts);

    /* Required fields are asked again; lists ask for another entry; the zone declared first reads DTGs. */
    static const char *const tl[] = {
        "", "SECRET", "FSE", "R", "2026-12-01 09:30", "", "", "AB1001", "bunker", "18SUJ 2339 0739",
        "", "", "", "", "", "", "", "y", "AB1002", "trench", "18SUJ 2400 0800", "", "", "", "", "", "", "", "n", NULL};
    script t = {tl, 0, {0}};
    doc = orders_interview("target-list", answer, &t, &e);
    CHECK(doc != NULL && t.answers[t.next] == NULL);
    CHECK(strstr(t.prompts.s, "! classification: required") != NULL);
    CHECK(json_get(doc, "targets") && json_get(doc, "targets")->n == 2);
    CHECK(orders_validate("target-list", doc, &is) == 0);
    orders_issues_free(&is);
    strbuf md = {0};
    CHECK(orders_render("target-list", doc, ORDERS_TXT, NULL, &md, &e) == 0 && strstr(md.s, "DTG: 010930RDEC26"));
    sb_free(&md);
    json_free(doc);
    sb_free(&t.prompts);

    /* Answers that run out say where. */
    static const char *const few[] = {"H24", "H66", NULL};
    script f = {few, 0, {0}};
    CHECK(orders_interview("cff", answer, &f, &e) == NULL && strstr(e.msg, "the answers ended at mission_type"));
    sb_free(&f.prompts);
    CHECK(orders_interview("nope", answer, &f, &e) == NULL && strstr(e.msg, "unknown product"));

    /* The writer round-trips every example: parse, write, parse, write gives the same text. */
    for (const char *const *ty = orders_types(); *ty; ty++) {
        const char *ex = orders_example(*ty);
        json_value *a = json_parse(ex, strlen(ex), &e);
        strbuf w1 = {0}, w2 = {0};
        orders_json_write(&w1, a);
        json_value *b = json_parse(w1.s, w1.len, &e);
        orders_json_write(&w2, b);
        CHECK(b && !strcmp(w1.s, w2.s) && orders_validate(*ty, b, &is) == 0);
        orders_issues_free(&is);
        json_free(a);
        json_free(b);
        sb_free(&w1);
        sb_free(&w2);
    }
    strbuf w = {0};
    const char *small = "{\"a\": [], \"b\": {}, \"c\": [1.5, -2, true, null, \"q\\\"\"]}";
    json_value *n = json_parse(small, strlen(small), &e);
    CHECK(n != NULL);
    orders_json_write(&w, n);
    CHECK_STR(w.s, "{\n  \"a\": [],\n  \"b\": {},\n  \"c\": [\n    1.5,\n    -2,\n    true,\n    null,\n    \"q\\\"\"\n  ]\n}\n");
    json_free(n);
    sb_free(&w);
    return check_done();
}
