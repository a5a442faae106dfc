/*
 * interview.c - builds an input document by asking for each field of a product in schema order, through a
 * callback that does the asking (the CLI prompts on the terminal; tests feed answers). Every answer is checked
 * as it is given, against the same rules as validation, and asked again with the reason when it is wrong. Also
 * the JSON writer that saves such documents.
 */
#include "orders_int.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    orders_ask_fn ask;
    void *ud;
    fa_err *e;
    char zone;
} interview;

static const char *kind_name(const ofield *f)
{
    switch (f->type) {
    case F_INT: return "whole number";
    case F_NUM: return "number";
    case F_BOOL: return "y/n";
    case F_DTG: return "date-time, e.g. 2026-12-01T14:30 or 011430ZDEC26";
    case F_ZONE: return "military time zone letter, e.g. Z or R";
    case F_GRID: return "MGRS grid, e.g. 18SUJ 2339 0739";
    case F_TGTNUM: return "target number, e.g. AB1001";
    default: return "text";
    }
}

/* Asks once; -1 (with e filled) when the answers ran out. */
static int ask(interview *iv, const char *path, const char *note, const char *question, strbuf *answer)
{
    strbuf p = {0};
    if (note)
        sb_addf(&p, "  ! %s: %s\n", path, note);
    sb_add(&p, question);
    sb_clear(answer);
    int rc = iv->ask(iv->ud, p.s, answer);
    sb_free(&p);
    if (rc != 0)
        return fa_fail(iv->e, "the answers ended at %s", path);
    if (answer->s)
        fa_trim(answer->s);
    answer->len = answer->s ? strlen(answer->s) : 0;
    return 0;
}

static int yes_no(const char *s)
{
    if (!strcasecmp(s, "y") || !strcasecmp(s, "yes") || !strcasecmp(s, "true"))
        return 1;
    if (!strcasecmp(s, "n") || !strcasecmp(s, "no") || !strcasecmp(s, "false"))
        return 0;
    return -1;
}

/* A yes/no question; *yes gets the answer. */
static int ask_yes_no(interview *iv, const char *path, const char *question, bool *yes)
{
    strbuf a = {0};
    const char *note = NULL;
    for (;;) {
        if (ask(iv, path, note, question, &a) != 0) {
            sb_free(&a);
            return -1;
        }
        int v = yes_no(a.len ? a.s : "");
        if (v >= 0) {
            *yes = v;
            sb_free(&a);
            return 0;
        }
        note = "answer y or n";
    }
}

/* One value; *out is NULL when an optional field was left empty. */
static int ask_scalar(interview *iv, const ofield *f, const char *path, json_value **out)
{
    strbuf q = {0}, a = {0};
    sb_addf(&q, "%s (%s%s", path, kind_name(f), f->required ? ", required" : ", Enter to leave out");
    if (f->type == F_ENUM)
        for (size_t k = 0; f->choices[k]; k++)
            sb_addf(&q, "%s%s", k ? " | " : "; one of: ", f->choices[k]);
    if (f->min < f->max)
        sb_addf(&q, "; %g to %g", f->min, f->max);
    sb_add(&q, "): ");
    char note[FA_ERRMSG] = "";
    int rc = 0;
    *out = NULL;
    for (;;) {
        if ((rc = ask(iv, path, *note ? note : NULL, q.s, &a)) != 0)
            break;
        if (!a.len) {
            if (!f->required)
                break;
            snprintf(note, sizeof note, "required");
            continue;
        }
        json_value *v = NULL;
        if (f->type == F_INT || f->type == F_NUM) {
            char *end;
            double d = strtod(a.s, &end);
            if (*end || !isfinite(d)) {
                snprintf(note, sizeof note, "'%s' is not a number", a.s);
                continue;
            }
            v = jv_num(d);
        } else if (f->type == F_BOOL) {
            int b = yes_no(a.s);
            if (b < 0) {
                snprintf(note, sizeof note, "answer y or n");
                continue;
            }
            v = jv_bool(b);
        } else {
            v = jv_str(a.s);
        }
        orders_issues is = {0};
        vctx x = {&is, iv->zone};
        json_value *norm = orders_check_value(&x, f, v, path);
        if (is.n) {
            snprintf(note, sizeof note, "%s", is.v[0].msg);
            orders_issues_free(&is);
            json_free(v);
            continue;
        }
        if (f->type == F_ZONE)
            iv->zone = norm->str[0];
        json_free(norm);
        *out = v;
        break;
    }
    sb_free(&q);
    sb_free(&a);
    return rc;
}

static int ask_fields(interview *iv, const ofield *fields, const char *path, json_value *obj);

static int ask_field(interview *iv, const ofield *f, const char *p, json_value *obj)
{
    char q[700], pe[560];
    if (f->type == F_OBJ) {
        bool yes = true;
        snprintf(q, sizeof q, "%s: fill it in? (y/n): ", p);
        if (!f->required && ask_yes_no(iv, p, q, &yes) != 0)
            return -1;
        if (!yes)
            return 0;
        json_value *sub = jv_obj();
        jv_set(obj, f->name, sub);
        return ask_fields(iv, f->sub, p, sub);
    }
    if (f->type == F_LIST) {
        json_value *arr = jv_arr();
        jv_set(obj, f->name, arr);
        for (size_t k = 0;; k++) {
            bool yes = true;
            snprintf(pe, sizeof pe, "%s[%zu]", p, k);
            snprintf(q, sizeof q, "%s: add %s entry? (y/n): ", p, k ? "another" : "an");
            if ((k > 0 || !f->required) && ask_yes_no(iv, pe, q, &yes) != 0)
                return -1;
            if (!yes)
                break;
            json_value *sub = jv_obj();
            jv_push(arr, sub);
            if (ask_fields(iv, f->sub, pe, sub) != 0)
                return -1;
        }
        return 0;
    }
    if (f->type == F_STRLIST) {
        json_value *arr = jv_arr();
        jv_set(obj, f->name, arr);
        strbuf a = {0};
        const char *note = NULL;
        for (size_t k = 0;;) {
            snprintf(pe, sizeof pe, "%s[%zu]", p, k);
            snprintf(q, sizeof q, "%s (text; an empty line ends the list%s): ", pe,
                     f->required && !k ? ", at least one" : "");
            if (ask(iv, pe, note, q, &a) != 0) {
                sb_free(&a);
                return -1;
            }
            note = NULL;
            if (!a.len && f->required && !k) {
                note = "required: give at least one entry";
                continue;
            }
            if (!a.len)
                break;
            jv_push(arr, jv_str(a.s));
            k++;
        }
        sb_free(&a);
        return 0;
    }
    json_value *v;
    if (ask_scalar(iv, f, p, &v) != 0)
        return -1;
    if (v)
        jv_set(obj, f->name, v);
    return 0;
}

static int ask_fields(interview *iv, const ofield *fields, const char *path, json_value *obj)
{
    for (const ofield *f = fields; f->name; f++) {
        char p[512];
        snprintf(p, sizeof p, "%s%s%s", path, *path ? "." : "", f->name);
        if (ask_field(iv, f, p, obj) != 0)
            return -1;
    }
    return 0;
}

json_value *orders_interview(const char *type, orders_ask_fn askfn, void *ud, fa_err *e)
{
    const oproduct *p = orders_product(type);
    if (!p) {
        fa_fail(e, "unknown product type '%s'", type ? type : "");
        return NULL;
    }
    interview iv = {askfn, ud, e, 0};
    json_value *doc = jv_obj();
    if (ask_fields(&iv, p->fields, "", doc) != 0) {
        json_free(doc);
        return NULL;
    }
    return doc;
}

static void write_value(strbuf *b, const json_value *v, int depth)
{
    switch (v->type) {
    case JSON_NULL: sb_add(b, "null"); break;
    case JSON_BOOL: sb_add(b, v->b ? "true" : "false"); break;
    case JSON_NUMBER:
        if (v->num == floor(v->num) && fabs(v->num) < 1e15)
            sb_addf(b, "%lld", (long long)v->num);
        else
            sb_addf(b, "%.17g", v->num);
        break;
    case JSON_STRING: json_str(b, v->str); break;
    case JSON_ARRAY:
    case JSON_OBJECT: {
        bool obj = v->type == JSON_OBJECT;
        if (!v->n) {
            sb_add(b, obj ? "{}" : "[]");
            break;
        }
        sb_add(b, obj ? "{\n" : "[\n");
        for (size_t i = 0; i < v->n; i++) {
            sb_addf(b, "%*s", 2 * (depth + 1), "");
            if (obj) {
                json_str(b, v->keys[i]);
                sb_add(b, ": ");
            }
            write_value(b, v->items[i], depth + 1);
            sb_add(b, i + 1 < v->n ? ",\n" : "\n");
        }
        sb_addf(b, "%*s%s", 2 * depth, "", obj ? "}" : "]");
        break;
    }
    }
}

void orders_json_write(strbuf *out, const json_value *v)
{
    write_value(out, v, 0);
    sb_add(out, "\n");
}
