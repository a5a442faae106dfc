/* test_json.c - the JSON parser and string escaping in core/json.h. */
#include "check.h"
#include "core/json.h"

#include <stdlib.h>

int main(void)
{
    fa_err e;
    const char *t = "{\"a\": [1, 2.5, -3e2], \"s\": \"x\\u00e9\\n\\ud83d\\ude00\", \"b\": true, \"n\": null}";
    json_value *v = json_parse(t, strlen(t), &e);
    CHECK(v && v->type == JSON_OBJECT && v->n == 4);
    CHECK(json_at(json_get(v, "a"), 2)->num == -300);
    CHECK_STR(json_get_str(v, "s", NULL), "x\xc3\xa9\n\xf0\x9f\x98\x80");
    CHECK(json_get_bool(v, "b", false));
    CHECK(json_get(v, "n")->type == JSON_NULL);
    json_free(v);

    const char *bad[] = {"", "{", "[1,]", "{\"a\" 1}", "\"abc", "tru", "01x", "[1] 2", "\"\\x\"", "{\"a\":\"\x01\"}"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        e.msg[0] = 0;
        json_value *b = json_parse(bad[i], strlen(bad[i]), &e);
        CHECK(b == NULL && strstr(e.msg, "invalid JSON at byte") != NULL);
    }
    /* Deep nesting is refused, not a stack overflow. */
    char deep[2001];
    memset(deep, '[', 2000);
    deep[2000] = 0;
    CHECK(json_parse(deep, 2000, &e) == NULL);

    strbuf b = {0};
    json_str(&b, "q\"\\\t\x01");
    CHECK_STR(b.s, "\"q\\\"\\\\\\t\\u0001\"");
    sb_free(&b);
    return check_done();
}
