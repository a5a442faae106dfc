/* test_orders_yaml.c - the YAML subset of orders/yaml.c: every example written as YAML reads back as the same
 * tree as its JSON, the constructs order inputs use, and errors that name the line. */
#include "check.h"
#include "orders/orders_int.h"

#include <stdlib.h>

/* Writes v as block YAML, strings double-quoted (so nothing is reinterpreted). */
static void emit(strbuf *b, const json_value *v, int indent, bool inline_first)
{
    switch (v->type) {
    case JSON_OBJECT:
        if (!v->n) {
            sb_add(b, " {}\n");
            break;
        }
        if (!inline_first)
            sb_add(b, "\n");
        for (size_t i = 0; i < v->n; i++) {
            if (i || !inline_first)
                sb_addf(b, "%*s", indent, "");
            sb_addf(b, "%s:", v->keys[i]);
            const json_value *c = v->items[i];
            if (c->type == JSON_OBJECT || c->type == JSON_ARRAY) {
                emit(b, c, indent + 2, false);
            } else {
                sb_addc(b, ' ');
                emit(b, c, indent + 2, true);
            }
        }
        break;
    case JSON_ARRAY:
        if (!v->n) {
            sb_add(b, " []\n");
            break;
        }
        sb_add(b, "\n");
        for (size_t i = 0; i < v->n; i++) {
            sb_addf(b, "%*s- ", indent, "");
            const json_value *c = v->items[i];
            if (c->type == JSON_OBJECT && c->n)
                emit(b, c, indent + 2, true);
            else
                emit(b, c, indent + 2, true);
        }
        break;
    case JSON_STRING:
        json_str(b, v->str);
        sb_add(b, "\n");
        break;
    case JSON_NUMBER:
        sb_addf(b, "%.17g\n", v->num);
        break;
    case JSON_BOOL:
        sb_add(b, v->b ? "true\n" : "false\n");
        break;
    case JSON_NULL:
        sb_add(b, "null\n");
        break;
    }
}

static char *as_json(const json_value *v)
{
    strbuf b = {0};
    orders_json_write(&b, v);
    return sb_take(&b);
}

static const char *yerr(const char *y)
{
    static fa_err e;
    json_value *v = orders_parse_input(y, strlen(y), &e);
    if (v) {
        json_free(v);
        return "(parsed)";
    }
    return e.msg;
}

int main(void)
{
    fa_err e;
    for (const char *const *t = orders_types(); *t; t++) {
        const char *ex = orders_example(*t);
        json_value *j = json_parse(ex, strlen(ex), &e);
        strbuf y = {0};
        sb_addf(&y, "# %s example as YAML\n", *t);
        emit(&y, j, 0, false);
        json_value *back = orders_parse_input(y.s, y.len, &e);
        char *a = as_json(j), *b = back ? as_json(back) : xstrdup(e.msg);
        char what[64];
        snprintf(what, sizeof what, "%s example reads the same from YAML", *t);
        check_report(!strcmp(a, b), __FILE__, __LINE__, what);
        if (strcmp(a, b))
            printf("# %s\n", b);
        /* every prefix, and every line cut to its first half, is read or refused: never a crash */
        int handled = 0, total = 0;
        for (size_t n = 0; n <= y.len; n += 7) {
            json_value *p = orders_parse_input(y.s, n, &e);
            handled += p != NULL || strstr(e.msg, "line") || strstr(e.msg, "empty");
            total++;
            json_free(p);
        }
        strbuf cut = {0};
        for (const char *l = y.s; *l;) {
            size_t ln = strcspn(l, "\n");
            sb_addn(&cut, l, ln / 2 + (ln % 3 == 0 ? ln / 2 : 0));
            sb_addc(&cut, '\n');
            l += ln + (l[ln] == '\n');
        }
        json_value *p = orders_parse_input(cut.s, cut.len, &e);
        handled += p != NULL || strstr(e.msg, "line");
        total++;
        json_free(p);
        sb_free(&cut);
        snprintf(what, sizeof what, "%s YAML damaged %d ways: read or refused by line", *t, total);
        check_report(handled == total, __FILE__, __LINE__, what);
        free(a);
        free(b);
        json_free(j);
        json_free(back);
        sb_free(&y);
    }

    const char *y =
        "---\n"
        "# comment\n"
        "a: plain text, with: colon  # trailing comment\n"
        "b: 'it''s'\n"
        "c: \"say \\\"hi\\\"\\n\"\n"
        "n: 42\n"
        "f: -1.5\n"
        "s: \"07\"\n"
        "z: 07x\n"
        "t: true\n"
        "nul: ~\n"
        "empty_list: []\n"
        "empty_obj: {}\n"
        "flow: [one, \"two, three\", 4]\n"
        "fold: >\n"
        "  one\n"
        "  two\n"
        "\n"
        "  three # kept\n"
        "lit: |-\n"
        "  x\n"
        "    y\n"
        "list:\n"
        "- k: 1\n"
        "  m:\n"
        "    - p\n"
        "    - q\n"
        "-   k: 2\n"
        "- scalar\n"
        "nested:\n"
        "  deeper:\n"
        "    deepest: yes\n"
        "last:\n";
    json_value *v = orders_parse_input(y, strlen(y), &e);
    CHECK(v != NULL);
    if (!v)
        printf("# %s\n", e.msg);
    CHECK_STR(json_get_str(v, "a", NULL), "plain text, with: colon");
    CHECK_STR(json_get_str(v, "b", NULL), "it's");
    CHECK_STR(json_get_str(v, "c", NULL), "say \"hi\"\n");
    CHECK(json_get_num(v, "n", 0) == 42 && json_get_num(v, "f", 0) == -1.5);
    CHECK_STR(json_get_str(v, "s", NULL), "07");
    CHECK_STR(json_get_str(v, "z", NULL), "07x");
    CHECK(json_get_bool(v, "t", false) && json_get(v, "nul")->type == JSON_NULL);
    CHECK(json_get(v, "empty_list")->type == JSON_ARRAY && json_get(v, "empty_list")->n == 0);
    CHECK(json_get(v, "empty_obj")->type == JSON_OBJECT && json_get(v, "empty_obj")->n == 0);
    json_value *flow = json_get(v, "flow");
    CHECK(flow && flow->n == 3 && !strcmp(flow->items[1]->str, "two, three") && flow->items[2]->num == 4);
    CHECK_STR(json_get_str(v, "fold", NULL), "one two\nthree # kept\n");
    CHECK_STR(json_get_str(v, "lit", NULL), "x\n  y");
    json_value *list = json_get(v, "list");
    CHECK(list && list->n == 3);
    CHECK(list && json_get_num(list->items[0], "k", 0) == 1 && json_get(list->items[0], "m")->n == 2);
    CHECK(list && json_get_num(list->items[1], "k", 0) == 2);
    CHECK(list && list->items[2]->type == JSON_STRING);
    CHECK_STR(json_get_str(json_get(json_get(v, "nested"), "deeper"), "deepest", NULL), "yes");
    CHECK(json_get(v, "last") && json_get(v, "last")->type == JSON_NULL);
    json_free(v);

    CHECK(strstr(yerr("a: 1\n\tb: 2\n"), "line 2: a tab") != NULL);
    CHECK(strstr(yerr("a: &x 1\n"), "line 1: anchors") != NULL);
    CHECK(strstr(yerr("a: 1\na: 2\n"), "line 2: key repeated: a") != NULL);
    CHECK(strstr(yerr("a: \"open\n"), "line 1: unterminated") != NULL);
    CHECK(strstr(yerr("a:\n  b: 1\n c: 2\n"), "line 3: indentation does not match") != NULL);
    CHECK(strstr(yerr("a: 1\n---\nb: 2\n"), "line 2: one document per file") != NULL);
    CHECK(strstr(yerr("just words\n"), "line 1: expected 'key: value'") != NULL);
    CHECK(strstr(yerr("a: {b: 1}\n"), "flow mappings") != NULL);
    CHECK(strstr(yerr("a: [1, [2]]\n"), "nested flow") != NULL);
    CHECK(strstr(yerr("a: [1, 2\n"), "must close") != NULL);
    CHECK(strstr(yerr("  a: 1\n"), "left margin") != NULL);
    CHECK(strstr(yerr("# only a comment\n"), "empty") != NULL);
    CHECK(strstr(yerr("[1, 2]"), "not a JSON object") != NULL);
    return check_done();
}
