/*
 * cff.c - reads a call for fire as an observer sends it, and the observer's corrections (ATP 3-09.30).
 *
 * A call for fire is three transmissions, each ended by OVER (newlines and "/" between them are optional):
 *   1  observer identification and warning order: "H24 THIS IS H66 ADJUST FIRE [POLAR | SHIFT AB1001] OVER"
 *   2  target location: "GRID 18SUJ 2339 0739 OVER", "DIRECTION 4520 DISTANCE 2300 [UP|DOWN n] OVER", or after
 *      SHIFT "DIRECTION 5210 [LEFT|RIGHT n] [ADD|DROP n] [UP|DOWN n] OVER"
 *   3  target description, then method of engagement and method of fire and control, comma separated or
 *      recognised by their words: "INFANTRY PLATOON IN THE OPEN, ICM IN EFFECT, AT MY COMMAND OVER"
 * The result is a cff document (products.c schema). Every error quotes the words that could not be read.
 */
#include "orders_int.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef VEC(char *) words;

static void words_free(words *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->v[i]);
    free(w->v);
    memset(w, 0, sizeof *w);
}

/* Upper-cases and splits on blanks, keeping commas as their own words; "/" counts as a blank. */
static void split_words(const char *s, words *out)
{
    strbuf cur = {0};
    for (const char *p = s;; p++) {
        char c = *p;
        if (!c || isspace((unsigned char)c) || c == '/' || c == ',' || c == '.') {
            if (cur.len)
                VEC_PUSH(*out, sb_take(&cur));
            if (c == ',')
                VEC_PUSH(*out, xstrdup(","));
            if (!c)
                break;
            continue;
        }
        sb_addc(&cur, (char)toupper((unsigned char)c));
    }
    sb_free(&cur);
}

/* Words i..j-1 joined by blanks (commas attached), for messages and free text. */
static char *join(const words *w, size_t i, size_t j)
{
    strbuf b = {0};
    for (size_t k = i; k < j && k < w->n; k++) {
        if (b.len && strcmp(w->v[k], ","))
            sb_addc(&b, ' ');
        sb_add(&b, w->v[k]);
    }
    return sb_take(&b);
}

static bool is_word(const words *w, size_t i, const char *s) { return i < w->n && !strcmp(w->v[i], s); }

/* True when the words from i spell phrase ("AT MY COMMAND"); *n gets its length in words. */
static bool phrase(const words *w, size_t i, const char *ph, size_t *n)
{
    words p = {0};
    split_words(ph, &p);
    bool ok = true;
    for (size_t k = 0; k < p.n && ok; k++)
        ok = is_word(w, i + k, p.v[k]);
    *n = p.n;
    words_free(&p);
    return ok;
}

static int fail_at(fa_err *e, int tx, const words *w, size_t i, size_t j, const char *expected)
{
    char *got = j > i ? join(w, i, j) : xstrdup("");
    int rc = fa_fail(e, "transmission %d: could not read '%s': expected %s", tx, *got ? got : "(nothing)", expected);
    free(got);
    return rc;
}

static int number(const char *s, int lo, int hi, int *out)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!*s || *end || !isdigit((unsigned char)*s) || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

static const char *const mission_phrases[][2] = {
    {"ADJUST FIRE", "adjust fire"}, {"FIRE FOR EFFECT", "fire for effect"},
    {"IMMEDIATE SUPPRESSION", "immediate suppression"}, {"IMMEDIATE SMOKE", "immediate smoke"},
    {"SUPPRESS", "suppress"}};

static int transmission1(const words *w, size_t from, size_t to, json_value *doc, json_value *loc, char *method,
                         fa_err *e)
{
    size_t i = from, n;
    if (to - from < 4)
        return fail_at(e, 1, w, from, to, "'FDC THIS IS OBSERVER MISSION-TYPE', e.g. 'H24 THIS IS H66 ADJUST FIRE'");
    jv_set(doc, "fdc", jv_str(w->v[i++]));
    if (!phrase(w, i, "THIS IS", &n))
        return fail_at(e, 1, w, i, i + 2, "'THIS IS' after the FDC's call sign");
    i += n;
    if (i >= to || is_word(w, i, ","))
        return fail_at(e, 1, w, i, to, "the observer's call sign after 'THIS IS'");
    jv_set(doc, "observer", jv_str(w->v[i++]));
    if (is_word(w, i, ","))
        i++;
    size_t k = 0;
    while (k < sizeof mission_phrases / sizeof mission_phrases[0] && !phrase(w, i, mission_phrases[k][0], &n))
        k++;
    if (k == sizeof mission_phrases / sizeof mission_phrases[0])
        return fail_at(e, 1, w, i, to, "a mission type (ADJUST FIRE, FIRE FOR EFFECT, SUPPRESS, IMMEDIATE "
                       "SUPPRESSION, IMMEDIATE SMOKE)");
    jv_set(doc, "mission_type", jv_str(mission_phrases[k][1]));
    i += n;
    if (is_word(w, i, ","))
        i++;
    strcpy(method, "grid");
    if (is_word(w, i, "POLAR")) {
        strcpy(method, "polar");
        i++;
    } else if (is_word(w, i, "SHIFT")) {
        strcpy(method, "shift");
        i++;
        if (i >= to)
            return fail_at(e, 1, w, i - 1, to, "the known point or target after SHIFT (e.g. SHIFT AB1001)");
        size_t end = i;
        while (end < to && !is_word(w, end, ","))
            end++;
        char *kp = join(w, i, end);
        jv_set(loc, "known_point", jv_str(kp));
        free(kp);
        i = end;
    }
    if (i < to)
        return fail_at(e, 1, w, i, to, "OVER after the warning order (or POLAR, or SHIFT and a known point)");
    return 0;
}

/* "LEFT 380" and the like: sets key to +n or -n. */
static int signed_pair(const words *w, size_t *i, size_t to, const char *pos, const char *neg, int max,
                       json_value *loc, const char *key, bool *seen, fa_err *e)
{
    bool p = is_word(w, *i, pos), q = is_word(w, *i, neg);
    if (!p && !q)
        return 1;
    char exp[96];
    snprintf(exp, sizeof exp, "meters after %s (1 to %d)", w->v[*i], max);
    int v;
    if (*i + 1 >= to || number(w->v[*i + 1], 1, max, &v) != 0)
        return fail_at(e, 2, w, *i, *i + 2, exp);
    if (*seen) {
        snprintf(exp, sizeof exp, "only one %s or %s", pos, neg);
        return fail_at(e, 2, w, *i, *i + 2, exp);
    }
    *seen = true;
    jv_set(loc, key, jv_num(p ? v : -v));
    *i += 2;
    return 0;
}

static int transmission2(const words *w, size_t from, size_t to, const char *method, json_value *loc, fa_err *e)
{
    size_t i = from;
    jv_set(loc, "method", jv_str(method));
    if (!strcmp(method, "grid")) {
        if (!is_word(w, i, "GRID"))
            return fail_at(e, 2, w, i, to, "GRID and the target's grid (e.g. GRID 18SUJ 2339 0739)");
        char *g = join(w, i + 1, to);
        strbuf norm = {0};
        int rc = 0;
        if (orders_grid_norm(g, &norm) != 0)
            rc = fail_at(e, 2, w, i, to, "an MGRS grid of 4 to 10 digits after GRID (e.g. GRID 18SUJ 2339 0739)");
        else
            jv_set(loc, "grid", jv_str(norm.s));
        sb_free(&norm);
        free(g);
        return rc;
    }
    int v;
    if (!is_word(w, i, "DIRECTION") || i + 1 >= to || number(w->v[i + 1], 0, 6399, &v) != 0)
        return fail_at(e, 2, w, i, i + 2, "DIRECTION and the observer-target direction in mils (0000 to 6399)");
    jv_set(loc, "direction", jv_num(v));
    i += 2;
    bool lat = false, rng = false, vert = false;
    while (i < to) {
        if (is_word(w, i, ",")) {
            i++;
            continue;
        }
        int r;
        if (!strcmp(method, "polar") && is_word(w, i, "DISTANCE")) {
            if (i + 1 >= to || number(w->v[i + 1], 1, 50000, &v) != 0)
                return fail_at(e, 2, w, i, i + 2, "the observer-target distance in meters after DISTANCE");
            jv_set(loc, "distance", jv_num(v));
            i += 2;
            continue;
        }
        if (!strcmp(method, "shift")) {
            if ((r = signed_pair(w, &i, to, "RIGHT", "LEFT", 10000, loc, "lateral", &lat, e)) <= 0) {
                if (r < 0) return -1;
                continue;
            }
            if ((r = signed_pair(w, &i, to, "ADD", "DROP", 20000, loc, "range", &rng, e)) <= 0) {
                if (r < 0) return -1;
                continue;
            }
        }
        if ((r = signed_pair(w, &i, to, "UP", "DOWN", 3000, loc, "vertical", &vert, e)) <= 0) {
            if (r < 0) return -1;
            continue;
        }
        return fail_at(e, 2, w, i, to, !strcmp(method, "polar") ? "DISTANCE n, UP n or DOWN n"
                                                                 : "LEFT/RIGHT n, ADD/DROP n, UP/DOWN n");
    }
    if (!strcmp(method, "polar") && !json_get(loc, "distance"))
        return fail_at(e, 2, w, from, to, "DISTANCE and meters after the direction of a polar mission");
    if (!strcmp(method, "shift") && !lat && !rng && !vert)
        return fail_at(e, 2, w, from, to, "a shift (LEFT/RIGHT, ADD/DROP or UP/DOWN) after the direction");
    return 0;
}

static const char *const control_phrases[] = {"AT MY COMMAND", "WHEN READY", "CANNOT OBSERVE", "TIME ON TARGET",
                                              "CONTINUOUS ILLUMINATION", "COORDINATED ILLUMINATION",
                                              "CONTINUOUS FIRE", NULL};

/* Where a method-of-engagement or method-of-control element starts at word i: its kind and length. */
static int element_at(const words *w, size_t i, size_t to, size_t *len)
{
    size_t n;
    if (phrase(w, i, "DANGER CLOSE", &n)) {
        *len = n;
        return 'D';
    }
    for (size_t k = 0; control_phrases[k]; k++)
        if (phrase(w, i, control_phrases[k], &n)) {
            /* TIME ON TARGET takes the time that follows */
            *len = n + (!strcmp(control_phrases[k], "TIME ON TARGET") && i + n < to && !is_word(w, i + n, ","));
            return 'C';
        }
    /* "ICM IN EFFECT": the word before IN EFFECT names the ammunition (longer phrases need commas) */
    if (!is_word(w, i, ",") && phrase(w, i + 1, "IN EFFECT", &n)) {
        *len = 1 + n;
        return 'E';
    }
    return 0;
}

static int transmission3(const words *w, size_t from, size_t to, json_value *doc, fa_err *e)
{
    size_t i = from, len;
    while (i < to && !is_word(w, i, ",") && !element_at(w, i, to, &len))
        i++;
    if (i == from)
        return fail_at(e, 3, w, from, to, "a target description (e.g. INFANTRY PLATOON IN THE OPEN)");
    char *desc = join(w, from, i);
    jv_set(doc, "target_description", jv_str(desc));
    free(desc);
    strbuf eng = {0}, ctl = {0};
    int rc = 0;
    while (i < to && rc == 0) {
        if (is_word(w, i, ",")) {
            i++;
            continue;
        }
        int kind = element_at(w, i, to, &len);
        if (!kind) {
            /* a comma-separated element not recognised is a method of engagement in the observer's words */
            len = 0;
            while (i + len < to && !is_word(w, i + len, ",") && !element_at(w, i + len, to, &(size_t){0}))
                len++;
            kind = 'E';
        }
        char *el = join(w, i, i + len);
        if (kind == 'D')
            jv_set(doc, "danger_close", jv_bool(true));
        else if (kind == 'C' && ctl.len)
            rc = fail_at(e, 3, w, i, i + len, "one method of fire and control");
        else
            sb_addf(kind == 'C' ? &ctl : &eng, "%s%s", kind == 'E' && eng.len ? ", " : "", el);
        free(el);
        i += len;
    }
    if (rc == 0 && eng.len)
        jv_set(doc, "method_of_engagement", jv_str(eng.s));
    if (rc == 0 && ctl.len)
        jv_set(doc, "method_of_control", jv_str(ctl.s));
    sb_free(&eng);
    sb_free(&ctl);
    return rc;
}

json_value *orders_cff_parse(const char *text, fa_err *e)
{
    words w = {0};
    split_words(text ? text : "", &w);
    size_t ends[3], over[3], nt = 0, start = 0;
    for (size_t i = 0; i < w.n; i++)
        if (is_word(&w, i, "OVER")) {
            if (nt == 3) {
                char *rest = join(&w, start, w.n);
                fa_fail(e, "could not read '%s' after the third transmission: a call for fire has three", rest);
                free(rest);
                words_free(&w);
                return NULL;
            }
            over[nt] = i;
            ends[nt++] = i;
            start = i + 1;
            /* a comma before OVER ("..., OVER") separates nothing */
            while (ends[nt - 1] > 0 && is_word(&w, ends[nt - 1] - 1, ","))
                ends[nt - 1]--;
        }
    if (nt < 3 || start < w.n) {
        static const char *const what[] = {"observer identification and warning order", "target location",
                                           "target description"};
        char *rest = join(&w, start, w.n);
        if (start < w.n && nt < 3)
            fa_fail(e, "transmission %zu ('%s') does not end with OVER", nt + 1, rest);
        else if (start < w.n)
            fa_fail(e, "could not read '%s' after the third transmission: a call for fire has three", rest);
        else
            fa_fail(e, "expected three transmissions each ending with OVER, got %zu (missing: %s)", nt, what[nt]);
        free(rest);
        words_free(&w);
        return NULL;
    }
    json_value *doc = jv_obj(), *loc = jv_obj();
    char method[8];
    int rc = transmission1(&w, 0, ends[0], doc, loc, method, e);
    if (rc == 0)
        rc = transmission2(&w, over[0] + 1, ends[1], method, loc, e);
    jv_set(doc, "location", loc);
    if (rc == 0)
        rc = transmission3(&w, over[1] + 1, ends[2], doc, e);
    words_free(&w);
    if (rc != 0) {
        json_free(doc);
        return NULL;
    }
    return doc;
}

int orders_correction_parse(const char *text, orders_correction *c, fa_err *e)
{
    memset(c, 0, sizeof *c);
    words w = {0};
    split_words(text ? text : "", &w);
    int rc = 0;
    bool any = false, lat = false, rng = false, vert = false;
    for (size_t i = 0; i < w.n && rc == 0;) {
        size_t n;
        if (is_word(&w, i, ",") || is_word(&w, i, "OVER")) {
            i++;
            continue;
        }
        if (phrase(&w, i, "END OF MISSION", &n)) {
            c->end_of_mission = 1;
            any = true;
            /* the observer's surveillance follows in free words: nothing more to read */
            break;
        }
        if (phrase(&w, i, "FIRE FOR EFFECT", &n) || phrase(&w, i, "REPEAT", &n)) {
            if (is_word(&w, i, "REPEAT"))
                c->repeat = 1;
            else
                c->fire_for_effect = 1;
            any = true;
            i += n;
            continue;
        }
        static const struct { const char *pos, *neg; int max; } pairs[] = {
            {"RIGHT", "LEFT", 10000}, {"ADD", "DROP", 20000}, {"UP", "DOWN", 3000}};
        int k = 0;
        while (k < 3 && !is_word(&w, i, pairs[k].pos) && !is_word(&w, i, pairs[k].neg))
            k++;
        if (k == 3) {
            char *got = join(&w, i, w.n);
            rc = fa_fail(e, "could not read '%s': expected a correction (LEFT/RIGHT n, ADD/DROP n, UP/DOWN n, "
                         "REPEAT, FIRE FOR EFFECT, END OF MISSION)", got);
            free(got);
            break;
        }
        int v;
        bool *seen = k == 0 ? &lat : k == 1 ? &rng : &vert;
        if (i + 1 >= w.n || number(w.v[i + 1], 1, pairs[k].max, &v) != 0 || *seen) {
            char *got = join(&w, i, i + 2);
            if (*seen)
                rc = fa_fail(e, "could not read '%s': %s or %s given twice", got, pairs[k].pos, pairs[k].neg);
            else
                rc = fa_fail(e, "could not read '%s': expected meters (1 to %d) after %s", got, pairs[k].max, w.v[i]);
            free(got);
            break;
        }
        *seen = true;
        int s = is_word(&w, i, pairs[k].pos) ? v : -v;
        if (k == 0) c->lateral_m = s;
        else if (k == 1) c->range_m = s;
        else c->vertical_m = s;
        any = true;
        i += 2;
    }
    if (rc == 0 && !any)
        rc = fa_fail(e, "empty correction (expected e.g. RIGHT 50 ADD 200, REPEAT or END OF MISSION)");
    words_free(&w);
    return rc;
}
