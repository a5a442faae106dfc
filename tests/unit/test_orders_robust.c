/* test_orders_robust.c - bad input never crashes the orders module: every field of every example replaced by a
 * value of each JSON type, and every prefix of every example, go through validation and rendering; each either
 * renders or is refused with an error naming the field. Meant to run under ASan/UBSan (build/asan/tests). */
#include "check.h"
#include "orders/orders_int.h"

#include <stdlib.h>

static const char *const replacements[] = {"null", "true", "-7", "1e300", "\"\"", "\"x\"", "[]", "[1, {}]", "{}",
                                           "{\"a\": [null]}", "\"2026-02-30T10:00Z\"", "\"99ZZZ 1\""};

typedef struct {
    const char *type;
    json_value *root;
    int total, handled;
} run;

/* Validates and renders root; "handled" when it renders, or is refused with a message and a path. */
static void attempt(run *r, const char *path)
{
    orders_issues is = {0};
    int n = orders_validate(r->type, r->root, &is);
    strbuf out = {0};
    fa_err e = {{0}};
    int rc = orders_render(r->type, r->root, ORDERS_MD, NULL, &out, &e);
    bool named = false;
    for (size_t i = 0; i < is.n; i++)
        named = named || !strncmp(is.v[i].path, path, strlen(path));
    bool ok = (n == 0 && rc == 0 && out.len > 0) || (n > 0 && rc != 0 && named && strstr(e.msg, "nothing written"));
    r->total++;
    r->handled += ok;
    if (!ok)
        printf("# %s %s: %d issues, render %d: %s\n", r->type, path, n, rc, e.msg);
    orders_issues_free(&is);
    sb_free(&out);
}

static void walk(run *r, json_value *v, const char *path)
{
    for (size_t i = 0; i < v->n; i++) {
        char p[512];
        if (v->type == JSON_OBJECT)
            snprintf(p, sizeof p, "%s%s%s", path, *path ? "." : "", v->keys[i]);
        else
            snprintf(p, sizeof p, "%s[%zu]", path, i);
        json_value *keep = v->items[i];
        for (size_t k = 0; k < sizeof replacements / sizeof replacements[0]; k++) {
            fa_err e;
            json_value *rep = json_parse(replacements[k], strlen(replacements[k]), &e);
            v->items[i] = rep;
            attempt(r, p);
            json_free(rep);
        }
        v->items[i] = keep;
        if (keep->type == JSON_OBJECT || keep->type == JSON_ARRAY)
            walk(r, keep, p);
    }
}

int main(void)
{
    for (const char *const *t = orders_types(); *t; t++) {
        const char *ex = orders_example(*t);
        fa_err e;
        run r = {*t, json_parse(ex, strlen(ex), &e), 0, 0};
        walk(&r, r.root, "");
        char what[128];
        snprintf(what, sizeof what, "%s: %d field replacements rendered or refused by path", *t, r.total);
        check_report(r.total > 0 && r.handled == r.total, __FILE__, __LINE__, what);
        json_free(r.root);

        /* Every prefix of the example text cut before its closing brace is refused, never a crash. */
        size_t len = (size_t)(strrchr(ex, '}') - ex), refused = 0;
        for (size_t n = 0; n < len; n++) {
            json_value *v = orders_parse_input(ex, n, &e);
            if (!v) {
                refused += strstr(e.msg, "line") != NULL || strstr(e.msg, "empty") != NULL;
                continue;
            }
            json_free(v);
        }
        snprintf(what, sizeof what, "%s: all %zu truncations refused with a line number", *t, len);
        check_report(refused == len, __FILE__, __LINE__, what);
    }
    return check_done();
}
