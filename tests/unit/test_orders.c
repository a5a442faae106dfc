/* test_orders.c - the orders module: template renderer, validation of every required field of every product,
 * type and range errors, cross-field checks, Markdown blocks, and rendering refusing invalid input. */
#include "check.h"
#include "orders/orders_int.h"

#include <stdlib.h>

static json_value *parse(const char *s)
{
    fa_err e;
    json_value *v = json_parse(s, strlen(s), &e);
    if (!v)
        printf("# parse error: %s\n", e.msg);
    return v;
}

static char *partial(void *ud, const char *name, fa_err *e)
{
    (void)ud;
    if (!strcmp(name, "p"))
        return xstrdup("[{{x}}]");
    if (!strcmp(name, "loop"))
        return xstrdup("{{> loop}}");
    fa_fail(e, "no partial %s", name);
    return NULL;
}

static const char *render(const char *tmpl, const char *json)
{
    static strbuf out;
    static fa_err e;
    sb_free(&out);
    json_value *v = parse(json);
    int rc = orders_template_render(tmpl, v, orders_md_escape, partial, NULL, &out, &e);
    json_free(v);
    if (rc != 0)
        return e.msg;
    return out.s ? out.s : "";
}

static bool has_issue(const orders_issues *is, const char *path, const char *msg)
{
    for (size_t i = 0; i < is->n; i++)
        if (!strcmp(is->v[i].path, path) && strstr(is->v[i].msg, msg))
            return true;
    return false;
}

/* For every required field of the schema present in the example, replaces it with null and with nothing, and
 * expects "PATH: required"; recurses into objects and the first element of lists. */
static void each_required(const char *type, const ofield *fields, const char *path, json_value *root,
                          json_value *obj)
{
    for (const ofield *f = fields; f->name; f++) {
        char p[512];
        snprintf(p, sizeof p, "%s%s%s", path, *path ? "." : "", f->name);
        size_t k = 0;
        while (k < obj->n && strcmp(obj->keys[k], f->name))
            k++;
        json_value *v = k < obj->n ? obj->items[k] : NULL;
        if (f->required) {
            bool found = false;
            if (v) {
                json_value null = {0};
                null.type = JSON_NULL;
                obj->items[k] = &null;
                orders_issues is = {0};
                orders_validate(type, root, &is);
                found = has_issue(&is, p, "required");
                orders_issues_free(&is);
                /* and with the key removed altogether */
                char *key = obj->keys[k];
                obj->keys[k] = (char *)"x-removed";
                orders_validate(type, root, &is);
                found = found && has_issue(&is, p, "required");
                orders_issues_free(&is);
                obj->keys[k] = key;
                obj->items[k] = v;
            }
            check_report(found, __FILE__, __LINE__, p);
            if (!found)
                printf("  %s %s: no 'required' issue (or the example lacks it)\n", type, p);
        }
        if (v && f->type == F_OBJ && v->type == JSON_OBJECT)
            each_required(type, f->sub, p, root, v);
        if (v && f->type == F_LIST && v->type == JSON_ARRAY && v->n) {
            char pe[520];
            snprintf(pe, sizeof pe, "%s[0]", p);
            each_required(type, f->sub, pe, root, v->items[0]);
        }
    }
}

static int issues_for(const char *type, const char *json, const char *path, const char *msg)
{
    json_value *v = parse(json);
    orders_issues is = {0};
    orders_validate(type, v, &is);
    bool ok = has_issue(&is, path, msg);
    if (!ok)
        for (size_t i = 0; i < is.n; i++)
            printf("  # got %s: %s\n", is.v[i].path, is.v[i].msg);
    orders_issues_free(&is);
    json_free(v);
    return ok;
}

static void test_templates(void)
{
    CHECK_STR(render("Hi {{name}}!", "{\"name\": \"a*b\"}"), "Hi a\\*b!");
    CHECK_STR(render("{{{name}}} {{& name}}", "{\"name\": \"a*b\"}"), "a*b a*b");
    CHECK_STR(render("{{a.b.c}} {{n}} {{f}} {{t}}", "{\"a\": {\"b\": {\"c\": \"deep\"}}, \"n\": 3, \"f\": 2.5, \"t\": true}"),
              "deep 3 2.5 true");
    CHECK_STR(render("{{missing}}|{{a.missing}}", "{\"a\": {}}"), "|");
    CHECK_STR(render("{{x|upper}}", "{\"x\": \"dtg\"}"), "DTG");
    CHECK_STR(render("{{n|rounds}}", "{\"n\": 1}"), "1 ROUND");
    CHECK_STR(render("{{n|rounds}}", "{\"n\": 3}"), "3 ROUNDS");
    CHECK_STR(render("{{#l}}{{@index}}{{@letter}}={{.}}{{^@last}},{{/@last}}{{/l}}", "{\"l\": [\"x\", \"y\", \"z\"]}"),
              "1a=x,2b=y,3c=z");
    CHECK_STR(render("{{#l}}{{#@first}}>{{/@first}}{{v}}{{/l}}", "{\"l\": [{\"v\": 1}, {\"v\": 2}]}"), ">12");
    CHECK_STR(render("{{#o}}{{k}} {{top}}{{/o}}", "{\"o\": {\"k\": \"in\"}, \"top\": \"up\"}"), "in up");
    CHECK_STR(render("{{#e}}yes{{/e}}{{^e}}no{{/e}}", "{\"e\": []}"), "no");
    CHECK_STR(render("{{#e}}yes{{/e}}{{^e}}no{{/e}}", "{\"e\": \"\"}"), "no");
    CHECK_STR(render("{{#e}}yes{{/e}}{{^e}}no{{/e}}", "{\"e\": false}"), "no");
    CHECK_STR(render("{{#e}}yes{{/e}}{{^e}}no{{/e}}", "{\"e\": 0}"), "yes");
    CHECK_STR(render("{{#l.1}}{{.}}{{/l.1}}", "{\"l\": [\"a\", \"b\"]}"), "b");
    CHECK_STR(render("{{! gone }}a{{> p}}b", "{\"x\": 7}"), "a[7]b");
    /* Standalone tags take their line with them; value tags do not. */
    CHECK_STR(render("a\n  {{#l}}\n- {{.}}\n  {{/l}}\nb\n", "{\"l\": [1, 2]}"), "a\n- 1\n- 2\nb\n");
    CHECK_STR(render("x {{#t}}\ny{{/t}} z\n", "{\"t\": true}"), "x \ny z\n");
    /* 26 and more items continue aa, bb... */
    strbuf many = {0};
    sb_add(&many, "{\"l\": [");
    for (int i = 0; i < 28; i++)
        sb_addf(&many, "%s%d", i ? "," : "", i);
    sb_add(&many, "]}");
    CHECK_STR(render("{{#l}}{{@letter}} {{/l}}", many.s),
              "a b c d e f g h i j k l m n o p q r s t u v w x y z aa bb ");
    sb_free(&many);
    /* Template errors say where. */
    CHECK(strstr(render("{{#a}}x", "{}"), "never closed") != NULL);
    CHECK(strstr(render("x\n{{/a}}", "{}"), "line 2") != NULL);
    CHECK(strstr(render("{{#a}}{{/b}}", "{}"), "closes {{#a}}") != NULL);
    CHECK(strstr(render("{{a", "{}"), "without a closing") != NULL);
    CHECK(strstr(render("{{a|lower}}", "{\"a\": \"x\"}"), "unknown filter") != NULL);
    CHECK(strstr(render("{{> nope}}", "{}"), "no partial nope") != NULL);
    CHECK(strstr(render("{{> loop}}", "{}"), "nested too deep") != NULL);
    CHECK(strstr(render("{{}}", "{}"), "empty tag") != NULL);
}

static void test_required(void)
{
    for (const char *const *t = orders_types(); *t; t++) {
        const oproduct *p = orders_product(*t);
        json_value *ex = parse(orders_example(*t));
        CHECK(ex != NULL);
        orders_issues is = {0};
        CHECK(orders_validate(*t, ex, &is) == 0);
        for (size_t i = 0; i < is.n; i++)
            printf("  # %s example: %s: %s\n", *t, is.v[i].path, is.v[i].msg);
        orders_issues_free(&is);
        each_required(*t, p->fields, "", ex, ex);
        json_free(ex);
    }
}

static void test_validation(void)
{
    CHECK(issues_for("opord", "[]", "", "must be a JSON object"));
    CHECK(issues_for("opord", "{\"classification\": 5}", "classification", "expected a string, got a number"));
    CHECK(issues_for("opord", "{\"classification\": \"  \"}", "classification", "required (it is empty)"));
    CHECK(issues_for("opord", "{\"references\": \"FM 5-0\"}", "references", "expected an array"));
    CHECK(issues_for("opord", "{\"references\": []}", "references", "at least one entry"));
    CHECK(issues_for("opord", "{\"references\": [\"a\", 3]}", "references[1]", "expected a string"));
    CHECK(issues_for("opord", "{\"execution\": {\"tasks\": [{\"unit\": \"A\", \"tasks\": [\"x\"]}, {}, {\"tasks\": [\"y\"]}]}}",
                     "execution.tasks[2].unit", "required"));
    CHECK(issues_for("opord", "{\"execution\": {\"tasks\": [{\"unit\": \"A\", \"tasks\": [\"x\"]}, {}, {\"tasks\": [\"y\"]}]}}",
                     "execution.tasks[1].tasks", "required"));
    CHECK(issues_for("opord", "{\"situaton\": {}}", "situaton", "unknown field"));
    CHECK(issues_for("opord", "{\"situation\": {\"enemy\": \"x\", \"frendly\": \"y\"}}", "situation.frendly", "unknown field"));
    CHECK(issues_for("opord", "{\"acknowledge\": \"yes\"}", "acknowledge", "expected true or false"));
    CHECK(issues_for("opord", "{\"time_zone\": \"J\"}", "time_zone", "local time"));
    CHECK(issues_for("opord", "{\"time_zone\": \"Q\", \"dtg\": \"2026-02-30T10:00\"}", "dtg", "no day 30"));
    CHECK(issues_for("opord", "{\"time_zone\": \"Q\", \"dtg\": 20261201}", "dtg", "expected a string"));
    CHECK(issues_for("opord", "{\"execution\": []}", "execution", "expected an object, got an array"));
    CHECK(issues_for("cff", "{\"mission_type\": \"fire at will\"}", "mission_type", "not one of"));
    CHECK(issues_for("cff", "{\"location\": {\"method\": \"grid\"}}", "location.grid", "required when location.method is grid"));
    CHECK(issues_for("cff", "{\"location\": {\"method\": \"grid\", \"grid\": \"18SUJ 233 0739\"}}", "location.grid", "not an MGRS grid"));
    CHECK(issues_for("cff", "{\"location\": {\"method\": \"grid\", \"grid\": \"99SUJ 2339 0739\"}}", "location.grid", "not an MGRS grid"));
    CHECK(issues_for("cff", "{\"location\": {\"method\": \"polar\", \"distance\": 2000}}", "location.direction", "required when location.method is polar"));
    CHECK(issues_for("cff", "{\"location\": {\"method\": \"polar\", \"direction\": 6400, \"distance\": 2000}}", "location.direction", "out of range"));
    CHECK(issues_for("cff", "{\"location\": {\"method\": \"polar\", \"direction\": 12.5, \"distance\": 2000}}", "location.direction", "whole number"));
    CHECK(issues_for("cff", "{\"location\": {\"method\": \"shift\", \"direction\": 100}}", "location.known_point", "required when"));
    CHECK(issues_for("cff", "{\"location\": {\"method\": \"shift\", \"direction\": 100, \"known_point\": \"KP1\"}}", "location.lateral", "at least one of"));
    CHECK(issues_for("mto", "{\"target_number\": \"A1001\"}", "target_number", "not a target number"));
    CHECK(issues_for("mto", "{\"rounds\": 0}", "rounds", "out of range"));
    CHECK(issues_for("frago", "{\"base_order\": \"OPORD 1\"}", "situation", "must change at least one paragraph"));
    CHECK(issues_for("target-list", "{\"targets\": [{\"number\": \"AB1001\"}, {\"number\": \"ab1001\"}]}", "targets[1].number", "repeats targets[0]"));
    CHECK(issues_for("fsplan", "{\"targets\": [{\"number\": \"AB1001\"}], \"schedule_of_fires\": [{\"target\": \"AB1009\"}]}",
                     "schedule_of_fires[0].target", "AB1009 is not in targets"));
    CHECK(orders_validate("nope", NULL, NULL) == -1);

    /* Extension fields pass; normalisation: grid spacing, target number case, enum spelling, zone letter. */
    json_value *v = parse("{\"fdc\": \"H24\", \"observer\": \"H66\", \"mission_type\": \"ADJUST FIRE\", \"x-note\": 1,"
                          "\"location\": {\"method\": \"Grid\", \"grid\": \"18suj23390739\"}, \"target_description\": \"t\"}");
    orders_issues is = {0};
    json_value *n = orders_check_doc(orders_product("cff"), v, &is);
    CHECK(is.n == 0);
    CHECK_STR(json_get_str(n, "mission_type", NULL), "adjust fire");
    CHECK_STR(json_get_str(json_get(n, "location"), "grid", NULL), "18SUJ 2339 0739");
    CHECK_STR(json_get_str(json_get(n, "location"), "method", NULL), "grid");
    json_free(n);
    json_free(v);
    orders_issues_free(&is);
}

static void test_markdown(void)
{
    md_blocks b = {0};
    md_parse("-> SECRET <-\n\n# Title\n\npara one\nline two\\\nthree\n\n- a\n  - b\n- c\n\n| h1 | h\\|2 |\n|---|---|\n| x | y |\n| z |\n\n---\n", &b);
    CHECK(b.n == 8);
    CHECK(b.n > 0 && b.v[0].kind == MD_CENTER && !strcmp(b.v[0].text, "SECRET"));
    CHECK(b.n > 1 && b.v[1].kind == MD_HEADING && b.v[1].level == 1);
    CHECK(b.n > 2 && b.v[2].kind == MD_PARA);
    CHECK(b.n > 4 && b.v[3].kind == MD_ITEM && b.v[4].kind == MD_ITEM && b.v[4].level == 1);
    CHECK(b.n > 6 && b.v[6].kind == MD_TABLE && b.v[6].rows == 3 && b.v[6].cols == 2);
    CHECK(b.n > 6 && !strcmp(b.v[6].cells[1], "h\\|2") && !strcmp(b.v[6].cells[5], ""));
    CHECK(b.n > 7 && b.v[7].kind == MD_RULE);
    md_blocks_free(&b);

    strbuf h = {0};
    orders_md_to_html("**b** *i* a\\*b <x> & c\\\nd\n\n- one\n  - two\n", &h);
    CHECK_STR(h.s, "<p><strong>b</strong> <em>i</em> a*b &lt;x&gt; &amp; c<br/>\nd</p>\n<ul>\n<li>one</li>\n<ul>\n"
                   "<li>two</li>\n</ul>\n</ul>\n");
    sb_free(&h);
}

static void test_render_refuses(void)
{
    json_value *v = parse("{\"fdc\": \"H24\"}");
    strbuf out = {0};
    fa_err e;
    CHECK(orders_render("cff", v, ORDERS_MD, NULL, &out, &e) != 0);
    CHECK(strstr(e.msg, "nothing written") && strstr(e.msg, "observer: required"));
    CHECK(out.len == 0);
    CHECK(orders_render("bogus", v, ORDERS_MD, NULL, &out, &e) != 0 && strstr(e.msg, "unknown product"));
    json_free(v);
    sb_free(&out);

    orders_format f;
    CHECK(orders_format_parse("PDF", &f) == 0 && f == ORDERS_PDF);
    CHECK(orders_format_parse("text", &f) == 0 && f == ORDERS_TXT);
    CHECK(orders_format_parse("rtf", &f) != 0);
    CHECK(orders_parse_input("", 0, &e) == NULL && strstr(e.msg, "empty"));
    json_value *y = orders_parse_input("a: b\n", 5, &e);
    CHECK(y && !strcmp(json_get_str(y, "a", ""), "b"));
    json_free(y);
    CHECK(orders_parse_input("{\n\"a\": }", 8, &e) == NULL && strstr(e.msg, "line 2, column 6"));
}

int main(void)
{
    test_templates();
    test_required();
    test_validation();
    test_markdown();
    test_render_refuses();
    return check_done();
}
