/*
 * validate.c - checks an input document against a product schema (orders_int.h) and builds its normalised copy:
 * every missing, mistyped, out-of-range or unknown field is reported with its path ("execution.tasks[2].unit"),
 * DTGs come out as DDHHMMZMONYY in the declared zone, grids and target numbers in one spelling.
 */
#include "orders_int.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void orders_issue_add(orders_issues *is, const char *path, const char *fmt, ...)
{
    strbuf b = {0};
    va_list ap;
    va_start(ap, fmt);
    sb_vaddf(&b, fmt, ap);
    va_end(ap);
    orders_issue it = {xstrdup(path), sb_take(&b)};
    VEC_PUSH(*is, it);
}

void orders_issues_free(orders_issues *is)
{
    for (size_t i = 0; i < is->n; i++) {
        free(is->v[i].path);
        free(is->v[i].msg);
    }
    free(is->v);
    memset(is, 0, sizeof *is);
}

json_value *jv_str(const char *s)
{
    json_value *v = xcalloc(1, sizeof *v);
    v->type = JSON_STRING;
    v->str = xstrdup(s);
    return v;
}

json_value *jv_num(double d)
{
    json_value *v = xcalloc(1, sizeof *v);
    v->type = JSON_NUMBER;
    v->num = d;
    return v;
}

json_value *jv_bool(bool b)
{
    json_value *v = xcalloc(1, sizeof *v);
    v->type = JSON_BOOL;
    v->b = b;
    return v;
}

json_value *jv_obj(void)
{
    json_value *v = xcalloc(1, sizeof *v);
    v->type = JSON_OBJECT;
    return v;
}

json_value *jv_arr(void)
{
    json_value *v = xcalloc(1, sizeof *v);
    v->type = JSON_ARRAY;
    return v;
}

json_value *jv_copy(const json_value *v)
{
    json_value *c = xcalloc(1, sizeof *c);
    c->type = v->type;
    c->b = v->b;
    c->num = v->num;
    if (v->str)
        c->str = xstrdup(v->str);
    c->n = v->n;
    if (v->n) {
        c->items = xmalloc(v->n * sizeof *c->items);
        if (v->keys)
            c->keys = xmalloc(v->n * sizeof *c->keys);
        for (size_t i = 0; i < v->n; i++) {
            c->items[i] = jv_copy(v->items[i]);
            if (v->keys)
                c->keys[i] = xstrdup(v->keys[i]);
        }
    }
    return c;
}

static void append(json_value *c, char *key, json_value *val)
{
    c->items = xrealloc(c->items, (c->n + 1) * sizeof *c->items);
    if (key)
        c->keys = xrealloc(c->keys, (c->n + 1) * sizeof *c->keys);
    c->items[c->n] = val;
    if (key)
        c->keys[c->n] = key;
    c->n++;
}

void jv_set(json_value *obj, const char *key, json_value *val)
{
    for (size_t i = 0; i < obj->n; i++)
        if (!strcmp(obj->keys[i], key)) {
            json_free(obj->items[i]);
            obj->items[i] = val;
            return;
        }
    append(obj, xstrdup(key), val);
}

void jv_push(json_value *arr, json_value *val) { append(arr, NULL, val); }

static const char *type_name(const json_value *v)
{
    static const char *const names[] = {"null", "a boolean", "a number", "a string", "an array", "an object"};
    return names[v->type];
}

/* Normalises an MGRS grid: optional zone (1-2 digits and a latitude band), optional 100 km square, then an
 * even number (4-10) of digits, contiguous or as easting and northing. */
int orders_grid_norm(const char *s, strbuf *out)
{
    char c[64];
    size_t n = 0;
    for (const char *p = s; *p; p++) {
        if (*p == ' ' || *p == '\t')
            continue;
        if (n + 1 >= sizeof c)
            return -1;
        c[n++] = (char)toupper((unsigned char)*p);
    }
    c[n] = 0;
    size_t i = 0, zone_len = 0, sq = 0;
    while (i < n && isdigit((unsigned char)c[i]) && i < 2)
        i++;
    /* digits followed by a letter are a grid zone designator */
    if (i > 0 && i < n && isalpha((unsigned char)c[i])) {
        int z = atoi(c);
        char band = c[i];
        if (z < 1 || z > 60 || band < 'C' || band > 'X' || band == 'I' || band == 'O')
            return -1;
        zone_len = i + 1;
        i++;
    } else {
        i = 0;
    }
    if (i + 1 < n && isalpha((unsigned char)c[i]) && isalpha((unsigned char)c[i + 1])) {
        for (int k = 0; k < 2; k++)
            if (c[i + k] == 'I' || c[i + k] == 'O')
                return -1;
        sq = 2;
        i += 2;
    }
    size_t nd = n - i;
    for (size_t k = i; k < n; k++)
        if (!isdigit((unsigned char)c[k]))
            return -1;
    if (nd < 4 || nd > 10 || nd % 2)
        return -1;
    if (zone_len + sq) {
        sb_addn(out, c, zone_len + sq);
        sb_addc(out, ' ');
    }
    sb_addn(out, c + i, nd / 2);
    sb_addc(out, ' ');
    sb_addn(out, c + i + nd / 2, nd / 2);
    return 0;
}

static json_value *check_obj(vctx *x, const ofield *fields, const json_value *in, const char *path);

static void child_path(char *buf, size_t n, const char *path, const char *key)
{
    snprintf(buf, n, "%s%s%s", path, *path ? "." : "", key);
}

json_value *orders_check_value(vctx *x, const ofield *f, const json_value *v, const char *path)
{
    orders_issues *is = x->is;
    fa_err e;
    switch (f->type) {
    case F_STR: case F_DTG: case F_ZONE: case F_ENUM: case F_GRID: case F_TGTNUM:
        if (v->type != JSON_STRING) {
            orders_issue_add(is, path, "expected a string, got %s", type_name(v));
            return NULL;
        }
        {
            char *t = xstrdup(v->str);
            fa_trim(t);
            bool empty = !*t;
            json_value *r = NULL;
            if (empty) {
                orders_issue_add(is, path, f->required ? "required (it is empty)" : "empty (leave it out instead)");
            } else if (f->type == F_STR) {
                r = jv_str(t);
            } else if (f->type == F_ZONE) {
                char letter;
                if (orders_zone_parse(t, &letter, &e) != 0) {
                    orders_issue_add(is, path, "%s", e.msg);
                } else {
                    char l[2] = {letter, 0};
                    r = jv_str(l);
                }
            } else if (f->type == F_DTG) {
                int64_t utc;
                char dtg[14];
                if (orders_dtg_parse(t, x->zone, &utc, &e) != 0 || orders_dtg_format(utc, x->zone ? x->zone : 'Z',
                                                                                     dtg, &e) != 0)
                    orders_issue_add(is, path, "%s", e.msg);
                else
                    r = jv_str(dtg);
            } else if (f->type == F_ENUM) {
                for (size_t k = 0; f->choices[k] && !r; k++)
                    if (!strcasecmp(t, f->choices[k]))
                        r = jv_str(f->choices[k]);
                if (!r) {
                    strbuf b = {0};
                    for (size_t k = 0; f->choices[k]; k++)
                        sb_addf(&b, "%s\"%s\"", k ? ", " : "", f->choices[k]);
                    orders_issue_add(is, path, "'%s' is not one of %s", t, b.s);
                    sb_free(&b);
                }
            } else if (f->type == F_GRID) {
                strbuf g = {0};
                if (orders_grid_norm(t, &g) != 0)
                    orders_issue_add(is, path, "'%s' is not an MGRS grid (expected e.g. 18SUJ 2339 0739: "
                                     "zone, 100 km square, 4 to 10 digits)", t);
                else
                    r = jv_str(g.s);
                sb_free(&g);
            } else {
                bool ok = strlen(t) == 6;
                for (int k = 0; ok && k < 6; k++)
                    ok = k < 2 ? isalpha((unsigned char)t[k]) : isdigit((unsigned char)t[k]);
                if (!ok) {
                    orders_issue_add(is, path, "'%s' is not a target number (two letters and four digits, e.g. "
                                     "AB1001)", t);
                } else {
                    for (int k = 0; k < 2; k++)
                        t[k] = (char)toupper((unsigned char)t[k]);
                    r = jv_str(t);
                }
            }
            free(t);
            return r;
        }
    case F_INT: case F_NUM:
        if (v->type != JSON_NUMBER) {
            orders_issue_add(is, path, "expected a number, got %s", type_name(v));
            return NULL;
        }
        if (f->type == F_INT && v->num != floor(v->num)) {
            orders_issue_add(is, path, "expected a whole number, got %g", v->num);
            return NULL;
        }
        if (f->min < f->max && (v->num < f->min || v->num > f->max)) {
            orders_issue_add(is, path, "%g is out of range (%g to %g)", v->num, f->min, f->max);
            return NULL;
        }
        return jv_num(v->num);
    case F_BOOL:
        if (v->type != JSON_BOOL) {
            orders_issue_add(is, path, "expected true or false, got %s", type_name(v));
            return NULL;
        }
        return jv_bool(v->b);
    case F_OBJ:
        if (v->type != JSON_OBJECT) {
            orders_issue_add(is, path, "expected an object, got %s", type_name(v));
            return NULL;
        }
        return check_obj(x, f->sub, v, path);
    case F_LIST: case F_STRLIST: {
        if (v->type != JSON_ARRAY) {
            orders_issue_add(is, path, "expected an array, got %s", type_name(v));
            return NULL;
        }
        if (f->required && v->n == 0)
            orders_issue_add(is, path, "required: give at least one entry");
        json_value *arr = jv_arr();
        ofield elem = {f->name, f->type == F_LIST ? F_OBJ : F_STR, true, f->sub, NULL, 0, 0};
        for (size_t i = 0; i < v->n; i++) {
            char p[512];
            snprintf(p, sizeof p, "%s[%zu]", path, i);
            json_value *c = orders_check_value(x, &elem, v->items[i], p);
            if (c)
                jv_push(arr, c);
        }
        return arr;
    }
    }
    return NULL;
}

static json_value *check_obj(vctx *x, const ofield *fields, const json_value *in, const char *path)
{
    json_value *out = jv_obj();
    char p[512];
    for (const ofield *f = fields; f->name; f++) {
        child_path(p, sizeof p, path, f->name);
        json_value *v = json_get(in, f->name);
        if (!v || v->type == JSON_NULL) {
            if (f->required)
                orders_issue_add(x->is, p, "required");
            continue;
        }
        json_value *c = orders_check_value(x, f, v, p);
        if (c)
            jv_set(out, f->name, c);
    }
    for (size_t i = 0; i < in->n; i++) {
        const char *k = in->keys[i];
        if (!strncmp(k, "x-", 2) || !strncmp(k, "x_", 2)) {
            jv_set(out, k, jv_copy(in->items[i]));
            continue;
        }
        const ofield *f = fields;
        while (f->name && strcmp(f->name, k))
            f++;
        if (f->name)
            continue;
        strbuf known = {0};
        for (f = fields; f->name; f++)
            sb_addf(&known, "%s%s", f == fields ? "" : ", ", f->name);
        child_path(p, sizeof p, path, k);
        orders_issue_add(x->is, p, "unknown field (known here: %s; extension fields start with x-)", known.s);
        sb_free(&known);
    }
    return out;
}

json_value *orders_check_doc(const oproduct *p, const json_value *doc, orders_issues *is)
{
    if (!doc || doc->type != JSON_OBJECT) {
        orders_issue_add(is, "", "the document must be a JSON object, got %s", doc ? type_name(doc) : "nothing");
        return NULL;
    }
    vctx x = {is, 0};
    /* The declared zone is read first: every DTG of the document is written in it. */
    for (const ofield *f = p->fields; f->name; f++) {
        const json_value *z = json_get(doc, f->name);
        if (f->type == F_ZONE && z && z->type == JSON_STRING) {
            char *t = xstrdup(z->str);
            if (orders_zone_parse(fa_trim(t), &x.zone, NULL) != 0)
                x.zone = 0;
            free(t);
        }
    }
    json_value *out = check_obj(&x, p->fields, doc, "");
    if (p->check)
        p->check(out, is);
    return out;
}

int orders_validate(const char *type, const json_value *doc, orders_issues *is)
{
    const oproduct *p = orders_product(type);
    if (!p)
        return -1;
    size_t before = is->n;
    json_free(orders_check_doc(p, doc, is));
    return (int)(is->n - before);
}

json_value *orders_parse_input(const char *text, size_t len, fa_err *e)
{
    size_t i = 0;
    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
        i++;
    if (i == len) {
        fa_fail(e, "the input is empty (start from `fagpt order new TYPE`)");
        return NULL;
    }
    if (text[i] == '[') {
        fa_fail(e, "the input is not a JSON object (it should start with '{')");
        return NULL;
    }
    if (text[i] != '{')
        return orders_yaml_parse(text, len, e);
    fa_err pe;
    json_value *v = json_parse(text, len, &pe);
    if (v)
        return v;
    /* Turn json_parse's byte offset into a line and column people can find. */
    size_t off;
    const char *at = strstr(pe.msg, "at byte ");
    if (at && sscanf(at, "at byte %zu", &off) == 1 && off <= len) {
        size_t line = 1, col = 1;
        for (size_t k = 0; k < off; k++) {
            if (text[k] == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        const char *what = strchr(at, ':');
        fa_fail(e, "invalid JSON at line %zu, column %zu%s", line, col, what ? what : "");
    } else {
        fa_fail(e, "%s", pe.msg);
    }
    return NULL;
}

static const char *const kind_names[] = {"string", "integer", "number", "boolean", "date-time (DTG)",
                                         "time zone", "one of", "MGRS grid", "target number", "object",
                                         "list of objects", "list of strings"};

static void describe_json(const ofield *fields, const char *path, strbuf *out)
{
    for (const ofield *f = fields; f->name; f++) {
        char p[256];
        snprintf(p, sizeof p, "%s%s%s", path, *path ? "." : "", f->name);
        if (out->s && out->len && out->s[out->len - 1] != '[')
            sb_add(out, ", ");
        sb_add(out, "{\"path\": ");
        json_str(out, p);
        sb_add(out, ", \"type\": ");
        json_str(out, kind_names[f->type]);
        sb_addf(out, ", \"required\": %s", f->required ? "true" : "false");
        if (f->type == F_ENUM) {
            sb_add(out, ", \"choices\": [");
            for (size_t k = 0; f->choices[k]; k++) {
                sb_add(out, k ? ", " : "");
                json_str(out, f->choices[k]);
            }
            sb_add(out, "]");
        }
        if (f->min < f->max)
            sb_addf(out, ", \"min\": %g, \"max\": %g", f->min, f->max);
        sb_add(out, "}");
        if (f->type == F_OBJ)
            describe_json(f->sub, p, out);
        if (f->type == F_LIST) {
            char pl[260];
            snprintf(pl, sizeof pl, "%s[]", p);
            describe_json(f->sub, pl, out);
        }
    }
}

int orders_schema_json(const char *type, strbuf *out)
{
    const oproduct *p = orders_product(type);
    if (!p)
        return -1;
    sb_add(out, "{\"type\": ");
    json_str(out, type);
    sb_add(out, ", \"doctrine\": ");
    json_str(out, p->doctrine);
    sb_add(out, ", \"fields\": [");
    describe_json(p->fields, "", out);
    sb_add(out, "]}\n");
    return 0;
}

static void describe(const ofield *fields, const char *path, strbuf *out)
{
    for (const ofield *f = fields; f->name; f++) {
        char p[256];
        snprintf(p, sizeof p, "%s%s%s", path, *path ? "." : "", f->name);
        sb_addf(out, "| `%s` | %s | %s | ", p, kind_names[f->type], f->required ? "yes" : "no");
        if (f->type == F_ENUM)
            for (size_t k = 0; f->choices[k]; k++)
                sb_addf(out, "%s`%s`", k ? ", " : "", f->choices[k]);
        else if (f->min < f->max)
            sb_addf(out, "%g to %g", f->min, f->max);
        else if (f->required && (f->type == F_LIST || f->type == F_STRLIST))
            sb_add(out, "at least one");
        sb_add(out, " |\n");
        if (f->type == F_OBJ)
            describe(f->sub, p, out);
        if (f->type == F_LIST) {
            char pl[260];
            snprintf(pl, sizeof pl, "%s[]", p);
            describe(f->sub, pl, out);
        }
    }
}

int orders_schema_markdown(const char *type, strbuf *out)
{
    const oproduct *p = orders_product(type);
    if (!p)
        return -1;
    sb_add(out, "| Field | Type | Required | Values |\n|---|---|---|---|\n");
    describe(p->fields, "", out);
    return 0;
}
