/* mission_json.c - fire missions as the JSON `fagpt mission ... --json` prints and the web API returns: the
 * latest round of a mission, and a mission's one-line summary for lists. */
#include "orders.h"

#include "fires/fires.h"

void orders_mission_round_json(strbuf *b, const json_value *m, bool with_text)
{
    const json_value *rs = json_get(m, "rounds"), *r = rs && rs->n ? json_at(rs, rs->n - 1) : NULL;
    sb_add(b, "{\"id\": ");
    json_str(b, json_get_str(m, "id", ""));
    sb_add(b, ", \"status\": ");
    json_str(b, json_get_str(m, "status", ""));
    sb_add(b, ", \"label\": ");
    json_str(b, FIRES_LABEL);
    sb_add(b, ", \"round\": ");
    if (r)
        orders_json_write(b, r);
    else
        sb_add(b, "null");
    while (b->len && b->s[b->len - 1] == '\n')
        b->s[--b->len] = 0;
    if (with_text) {
        strbuf t = {0};
        if (r)
            orders_mission_round_text(m, r, &t);
        sb_add(b, ", \"text\": ");
        json_str(b, t.s ? t.s : "");
        sb_free(&t);
    }
    sb_addc(b, '}');
}

void orders_mission_summary_json(strbuf *b, const char *id, const json_value *m)
{
    const json_value *rs = json_get(m, "rounds"), *r0 = json_at(rs, 0);
    sb_add(b, "{\"id\": ");
    json_str(b, id);
    sb_add(b, ", \"status\": ");
    json_str(b, json_get_str(m, "status", ""));
    sb_addf(b, ", \"rounds\": %zu, \"target\": ", rs ? rs->n : 0);
    json_str(b, json_get_str(json_get(r0, "target"), "mgrs", ""));
    sb_add(b, ", \"description\": ");
    json_str(b, json_get_str(json_get(m, "cff"), "target_description", ""));
    sb_addc(b, '}');
}
