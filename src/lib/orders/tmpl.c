/*
 * tmpl.c - the template renderer: a Mustache-style language over a JSON tree (syntax in docs/orders.md).
 *
 *   {{name}} {{a.b}} {{.}}   value, escaped for the output format       {{{name}}}  value, not escaped
 *   {{name|upper}}           value in upper case                         {{! note }} comment
 *   {{#name}}..{{/name}}     section: skipped when missing, false, null, "" or []; repeated for each element of
 *                            an array (element pushed as context); otherwise entered once with the value pushed
 *   {{^name}}..{{/name}}     inverted section: only when the section would be skipped
 *   {{> name}}               partial: another template inserted here
 *   {{@index}} {{@letter}}   in an array section: 1-based position, and a, b, c.. (FM 5-0 subparagraph letters);
 *   {{#@first}} {{#@last}}   true on the first / last element          {{list.0}}  an element by position
 * A tag alone on its line (sections, comments, partials) takes its line with it, so templates stay readable.
 */
#include "orders.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef enum { T_TEXT, T_VAR, T_RAW, T_OPEN, T_INVERT, T_CLOSE, T_PARTIAL, T_COMMENT } tok_kind;

typedef struct {
    tok_kind kind;
    const char *s; /* text, or the tag name */
    size_t n;
    size_t match;  /* T_OPEN/T_INVERT: index of the matching T_CLOSE */
} tok;

typedef VEC(tok) toks;

typedef struct {
    const json_value *v;
    bool iter;        /* an element of an array section */
    size_t index, count;
    json_value num, first, last, letter;
    char letter_buf[8];
} frame;

/* Fixed, so pointers into a frame (@index...) stay valid while deeper sections push. */
enum { MAX_DEPTH = 96 };

typedef struct {
    frame stack[MAX_DEPTH];
    size_t depth;
    orders_escape_fn escape;
    orders_partial_fn partial;
    void *ud;
    strbuf *out;
    fa_err *e;
    int nesting;
} render;

static size_t line_of(const char *start, const char *p)
{
    size_t line = 1;
    for (const char *q = start; q < p; q++)
        line += *q == '\n';
    return line;
}

/* Trims white space around a tag's name. */
static void trim_name(const char **s, size_t *n)
{
    while (*n && isspace((unsigned char)**s)) (*s)++, (*n)--;
    while (*n && isspace((unsigned char)(*s)[*n - 1])) (*n)--;
}

static int tokenize(const char *t, toks *out, fa_err *e)
{
    const char *p = t;
    size_t stack[64], depth = 0;
    while (*p) {
        const char *open = strstr(p, "{{");
        if (!open) {
            VEC_PUSH(*out, ((tok){T_TEXT, p, strlen(p), 0}));
            break;
        }
        bool triple = open[2] == '{';
        const char *body = open + (triple ? 3 : 2);
        const char *close = strstr(body, triple ? "}}}" : "}}");
        if (!close)
            return fa_fail(e, "template line %zu: '{{' without a closing '}}'", line_of(t, open));
        const char *after = close + (triple ? 3 : 2);
        tok_kind k = T_VAR;
        const char *name = body;
        size_t nn = (size_t)(close - body);
        if (triple) {
            k = T_RAW;
        } else if (nn) {
            switch (*body) {
            case '#': k = T_OPEN; break;
            case '^': k = T_INVERT; break;
            case '/': k = T_CLOSE; break;
            case '>': k = T_PARTIAL; break;
            case '&': k = T_RAW; break;
            case '!': k = T_COMMENT; break;
            }
            if (k != T_VAR)
                name++, nn--;
        }
        trim_name(&name, &nn);
        /* A standalone tag (not a value) removes its whole line: leading blanks and the newline. */
        const char *text_end = open, *next = after;
        if (k != T_VAR && k != T_RAW) {
            const char *ls = open;
            while (ls > t && (ls[-1] == ' ' || ls[-1] == '\t'))
                ls--;
            const char *le = after;
            while (*le == ' ' || *le == '\t')
                le++;
            if ((ls == t || ls[-1] == '\n') && (*le == '\n' || *le == 0 || (le[0] == '\r' && le[1] == '\n'))) {
                text_end = ls;
                next = *le == 0 ? le : le + (*le == '\r' ? 2 : 1);
            }
        }
        if (text_end > p)
            VEC_PUSH(*out, ((tok){T_TEXT, p, (size_t)(text_end - p), 0}));
        p = next;
        if (k == T_COMMENT)
            continue;
        if (!nn && k != T_VAR)
            return fa_fail(e, "template line %zu: tag without a name", line_of(t, open));
        if (!nn)
            return fa_fail(e, "template line %zu: empty tag '{{}}'", line_of(t, open));
        VEC_PUSH(*out, ((tok){k, name, nn, 0}));
        if (k == T_OPEN || k == T_INVERT) {
            if (depth == sizeof stack / sizeof stack[0])
                return fa_fail(e, "template line %zu: sections nested too deep", line_of(t, open));
            stack[depth++] = out->n - 1;
        } else if (k == T_CLOSE) {
            if (!depth)
                return fa_fail(e, "template line %zu: {{/%.*s}} closes no section", line_of(t, open), (int)nn, name);
            tok *o = &out->v[stack[--depth]];
            if (o->n != nn || memcmp(o->s, name, nn))
                return fa_fail(e, "template line %zu: {{/%.*s}} closes {{#%.*s}}", line_of(t, open), (int)nn, name,
                               (int)o->n, o->s);
            o->match = out->n - 1;
        }
    }
    if (depth) {
        tok *o = &out->v[stack[depth - 1]];
        return fa_fail(e, "template: section {{#%.*s}} is never closed", (int)o->n, o->s);
    }
    return 0;
}

static const json_value *lookup(render *r, const char *name, size_t n)
{
    if (n == 1 && name[0] == '.')
        return r->depth ? r->stack[r->depth - 1].v : NULL;
    if (name[0] == '@') {
        for (size_t i = r->depth; i-- > 0;) {
            frame *f = &r->stack[i];
            if (!f->iter)
                continue;
            if (n == 6 && !memcmp(name, "@index", 6)) return &f->num;
            if (n == 6 && !memcmp(name, "@first", 6)) return &f->first;
            if (n == 5 && !memcmp(name, "@last", 5)) return &f->last;
            if (n == 7 && !memcmp(name, "@letter", 7)) return &f->letter;
            return NULL;
        }
        return NULL;
    }
    char part[128];
    const char *p = name, *end = name + n;
    const json_value *v = NULL;
    bool first = true;
    while (p < end) {
        const char *dot = memchr(p, '.', (size_t)(end - p));
        size_t len = (size_t)((dot ? dot : end) - p);
        if (len >= sizeof part)
            return NULL;
        memcpy(part, p, len);
        part[len] = 0;
        if (first) {
            for (size_t i = r->depth; i-- > 0 && !v;)
                v = json_get(r->stack[i].v, part);
            first = false;
        } else if (v->type == JSON_ARRAY && isdigit((unsigned char)part[0])) {
            v = json_at(v, (size_t)strtoul(part, NULL, 10));
        } else {
            v = json_get(v, part);
        }
        if (!v)
            return NULL;
        p = dot ? dot + 1 : end;
    }
    return v;
}

static bool truthy(const json_value *v)
{
    if (!v) return false;
    switch (v->type) {
    case JSON_NULL: return false;
    case JSON_BOOL: return v->b;
    case JSON_STRING: return v->str[0] != 0;
    case JSON_ARRAY: return v->n > 0;
    default: return true;
    }
}

static void scalar_text(strbuf *b, const json_value *v)
{
    if (!v) return;
    switch (v->type) {
    case JSON_STRING: sb_add(b, v->str); break;
    case JSON_BOOL: sb_add(b, v->b ? "true" : "false"); break;
    case JSON_NUMBER:
        if (v->num == (double)(long long)v->num && v->num > -1e15 && v->num < 1e15)
            sb_addf(b, "%lld", (long long)v->num);
        else
            sb_addf(b, "%g", v->num);
        break;
    default: break;
    }
}

static int push(render *r, const json_value *v, bool iter, size_t index, size_t count)
{
    if (r->depth == MAX_DEPTH)
        return fa_fail(r->e, "template: sections nested deeper than %d", MAX_DEPTH);
    frame *f = &r->stack[r->depth++];
    memset(f, 0, sizeof *f);
    f->v = v;
    f->iter = iter;
    f->index = index;
    f->count = count;
    f->num.type = JSON_NUMBER;
    f->num.num = (double)(index + 1);
    f->first.type = f->last.type = JSON_BOOL;
    f->first.b = index == 0;
    f->last.b = index + 1 == count;
    /* a..z, then aa..zz as FM 5-0 continues subparagraph letters */
    size_t reps = index / 26 + 1;
    if (reps > sizeof f->letter_buf - 1)
        reps = sizeof f->letter_buf - 1;
    memset(f->letter_buf, 'a' + (int)(index % 26), reps);
    f->letter.type = JSON_STRING;
    f->letter.str = f->letter_buf;
    return 0;
}

static int render_range(render *r, const toks *ts, size_t from, size_t to);

static int render_partial(render *r, const tok *t)
{
    char name[128];
    if (t->n >= sizeof name)
        return fa_fail(r->e, "partial name too long");
    memcpy(name, t->s, t->n);
    name[t->n] = 0;
    if (!r->partial)
        return fa_fail(r->e, "template uses partial '%s' but none can be loaded", name);
    if (++r->nesting > 16)
        return fa_fail(r->e, "partial '%s': partials nested too deep (a partial includes itself?)", name);
    char *text = r->partial(r->ud, name, r->e);
    if (!text)
        return -1;
    toks sub = {0};
    int rc = tokenize(text, &sub, r->e);
    if (rc == 0)
        rc = render_range(r, &sub, 0, sub.n);
    free(sub.v);
    free(text);
    r->nesting--;
    return rc;
}

static int render_range(render *r, const toks *ts, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++) {
        const tok *t = &ts->v[i];
        switch (t->kind) {
        case T_TEXT:
            sb_addn(r->out, t->s, t->n);
            break;
        case T_VAR:
        case T_RAW: {
            const char *bar = memchr(t->s, '|', t->n);
            size_t nn = bar ? (size_t)(bar - t->s) : t->n;
            bool upper = false, rounds = false;
            if (bar) {
                const char *f = bar + 1;
                size_t fn = t->n - nn - 1;
                trim_name(&f, &fn);
                upper = fn == 5 && !memcmp(f, "upper", 5);
                rounds = fn == 6 && !memcmp(f, "rounds", 6);
                if (!upper && !rounds)
                    return fa_fail(r->e, "template: unknown filter '%.*s' (known: upper, rounds)", (int)fn, f);
                while (nn && t->s[nn - 1] == ' ')
                    nn--;
            }
            strbuf v = {0};
            scalar_text(&v, lookup(r, t->s, nn));
            if (rounds && v.len) /* the number of rounds as sent on the net: "1 ROUND", "3 ROUNDS" */
                sb_add(&v, strcmp(v.s, "1") == 0 ? " ROUND" : " ROUNDS");
            if (upper)
                for (size_t k = 0; k < v.len; k++)
                    v.s[k] = (char)toupper((unsigned char)v.s[k]);
            if (v.len) {
                if (t->kind == T_VAR && r->escape)
                    r->escape(r->out, v.s);
                else
                    sb_add(r->out, v.s);
            }
            sb_free(&v);
            break;
        }
        case T_OPEN:
        case T_INVERT: {
            const json_value *v = lookup(r, t->s, t->n);
            bool on = truthy(v);
            if (t->kind == T_INVERT) {
                if (!on && render_range(r, ts, i + 1, t->match) != 0)
                    return -1;
            } else if (on && v->type == JSON_ARRAY) {
                for (size_t k = 0; k < v->n; k++) {
                    if (push(r, v->items[k], true, k, v->n) != 0)
                        return -1;
                    int rc = render_range(r, ts, i + 1, t->match);
                    r->depth--;
                    if (rc != 0)
                        return -1;
                }
            } else if (on) {
                if (push(r, v, false, 0, 1) != 0)
                    return -1;
                int rc = render_range(r, ts, i + 1, t->match);
                r->depth--;
                if (rc != 0)
                    return -1;
            }
            i = t->match;
            break;
        }
        case T_CLOSE:
        case T_COMMENT:
            break;
        case T_PARTIAL:
            if (render_partial(r, t) != 0)
                return -1;
            break;
        }
    }
    return 0;
}

int orders_template_render(const char *tmpl, const json_value *ctx, orders_escape_fn escape, orders_partial_fn partial,
                           void *ud, strbuf *out, fa_err *e)
{
    toks ts = {0};
    render *r = xcalloc(1, sizeof *r);
    *r = (render){.escape = escape, .partial = partial, .ud = ud, .out = out, .e = e};
    int rc = tokenize(tmpl, &ts, e);
    if (rc == 0)
        rc = push(r, ctx, false, 0, 1);
    if (rc == 0)
        rc = render_range(r, &ts, 0, ts.n);
    free(ts.v);
    free(r);
    return rc;
}

void orders_md_escape(strbuf *out, const char *s)
{
    for (; *s; s++) {
        if (strchr("\\*_|`[]<>", *s))
            sb_addc(out, '\\');
        sb_addc(out, *s);
    }
}
