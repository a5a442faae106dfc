/* json.c - JSON string escaping and a recursive-descent parser (RFC 8259). */
#include "json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void json_strn(strbuf *b, const char *s, size_t n)
{
    sb_grow(b, n + 2);
    sb_addc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '"': sb_add(b, "\\\""); break;
        case '\\': sb_add(b, "\\\\"); break;
        case '\n': sb_add(b, "\\n"); break;
        case '\r': sb_add(b, "\\r"); break;
        case '\t': sb_add(b, "\\t"); break;
        default:
            if (c < 0x20 || c == 0x7f)
                sb_addf(b, "\\u%04x", c);
            else
                sb_addc(b, (char)c);
        }
    }
    sb_addc(b, '"');
}

void json_str(strbuf *b, const char *s)
{
    if (!s) {
        sb_add(b, "null");
        return;
    }
    json_strn(b, s, strlen(s));
}

typedef struct {
    const char *p, *end, *start;
    fa_err *e;
    int depth;
    bool failed;
} parser;

static json_value *fail(parser *ps, const char *what)
{
    if (!ps->failed)
        fa_fail(ps->e, "invalid JSON at byte %zu: %s", (size_t)(ps->p - ps->start), what);
    ps->failed = true;
    return NULL;
}

static void skip_ws(parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static json_value *new_value(json_type t)
{
    json_value *v = xcalloc(1, sizeof *v);
    v->type = t;
    return v;
}

static void put_utf8(strbuf *b, unsigned cp)
{
    if (cp < 0x80) {
        sb_addc(b, (char)cp);
    } else if (cp < 0x800) {
        sb_addc(b, (char)(0xC0 | (cp >> 6)));
        sb_addc(b, (char)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        sb_addc(b, (char)(0xE0 | (cp >> 12)));
        sb_addc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
        sb_addc(b, (char)(0x80 | (cp & 0x3F)));
    } else {
        sb_addc(b, (char)(0xF0 | (cp >> 18)));
        sb_addc(b, (char)(0x80 | ((cp >> 12) & 0x3F)));
        sb_addc(b, (char)(0x80 | ((cp >> 6) & 0x3F)));
        sb_addc(b, (char)(0x80 | (cp & 0x3F)));
    }
}

static int hex4(parser *ps, unsigned *out)
{
    if (ps->end - ps->p < 4)
        return -1;
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = ps->p[i];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return -1;
    }
    ps->p += 4;
    *out = v;
    return 0;
}

static char *parse_string_raw(parser *ps)
{
    ps->p++; /* opening quote */
    strbuf b = {0};
    while (ps->p < ps->end && *ps->p != '"') {
        unsigned char c = (unsigned char)*ps->p;
        if (c < 0x20) {
            sb_free(&b);
            fail(ps, "control character in string");
            return NULL;
        }
        if (c != '\\') {
            sb_addc(&b, (char)c);
            ps->p++;
            continue;
        }
        ps->p++;
        if (ps->p >= ps->end)
            break;
        char esc = *ps->p++;
        switch (esc) {
        case '"': sb_addc(&b, '"'); break;
        case '\\': sb_addc(&b, '\\'); break;
        case '/': sb_addc(&b, '/'); break;
        case 'b': sb_addc(&b, '\b'); break;
        case 'f': sb_addc(&b, '\f'); break;
        case 'n': sb_addc(&b, '\n'); break;
        case 'r': sb_addc(&b, '\r'); break;
        case 't': sb_addc(&b, '\t'); break;
        case 'u': {
            unsigned cp;
            if (hex4(ps, &cp) != 0)
                goto bad;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned lo;
                if (ps->end - ps->p < 6 || ps->p[0] != '\\' || ps->p[1] != 'u')
                    goto bad;
                ps->p += 2;
                if (hex4(ps, &lo) != 0 || lo < 0xDC00 || lo > 0xDFFF)
                    goto bad;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            }
            put_utf8(&b, cp);
            break;
        }
        default:
            goto bad;
        }
    }
    if (ps->p >= ps->end) {
        sb_free(&b);
        fail(ps, "unterminated string");
        return NULL;
    }
    ps->p++;
    return sb_take(&b);
bad:
    sb_free(&b);
    fail(ps, "bad escape in string");
    return NULL;
}

static json_value *parse_value(parser *ps);

static json_value *parse_container(parser *ps, bool is_object)
{
    if (++ps->depth > 200)
        return fail(ps, "nesting too deep");
    json_value *v = new_value(is_object ? JSON_OBJECT : JSON_ARRAY);
    size_t cap = 0;
    ps->p++;
    skip_ws(ps);
    char close = is_object ? '}' : ']';
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        ps->depth--;
        return v;
    }
    for (;;) {
        char *key = NULL;
        skip_ws(ps);
        if (is_object) {
            if (ps->p >= ps->end || *ps->p != '"') {
                fail(ps, "expected a key string");
                goto err;
            }
            key = parse_string_raw(ps);
            if (!key)
                goto err;
            skip_ws(ps);
            if (ps->p >= ps->end || *ps->p != ':') {
                free(key);
                fail(ps, "expected ':'");
                goto err;
            }
            ps->p++;
        }
        json_value *item = parse_value(ps);
        if (!item) {
            free(key);
            goto err;
        }
        if (v->n == cap) {
            cap = cap ? cap * 2 : 4;
            v->items = xrealloc(v->items, cap * sizeof *v->items);
            if (is_object)
                v->keys = xrealloc(v->keys, cap * sizeof *v->keys);
        }
        if (is_object)
            v->keys[v->n] = key;
        v->items[v->n++] = item;
        skip_ws(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            ps->depth--;
            return v;
        }
        fail(ps, is_object ? "expected ',' or '}'" : "expected ',' or ']'");
        goto err;
    }
err:
    json_free(v);
    return NULL;
}

static json_value *parse_value(parser *ps)
{
    skip_ws(ps);
    if (ps->p >= ps->end)
        return fail(ps, "unexpected end of input");
    char c = *ps->p;
    if (c == '{' || c == '[')
        return parse_container(ps, c == '{');
    if (c == '"') {
        char *s = parse_string_raw(ps);
        if (!s)
            return NULL;
        json_value *v = new_value(JSON_STRING);
        v->str = s;
        return v;
    }
    static const struct { const char *word; json_type t; bool b; } words[] = {
        {"true", JSON_BOOL, true}, {"false", JSON_BOOL, false}, {"null", JSON_NULL, false}};
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(words[i].word);
        if ((size_t)(ps->end - ps->p) >= n && memcmp(ps->p, words[i].word, n) == 0) {
            ps->p += n;
            json_value *v = new_value(words[i].t);
            v->b = words[i].b;
            return v;
        }
    }
    if (c == '-' || (c >= '0' && c <= '9')) {
        const char *q = ps->p;
        if (*q == '-') q++;
        if (q >= ps->end || !(*q >= '0' && *q <= '9'))
            return fail(ps, "bad number");
        while (q < ps->end && ((*q >= '0' && *q <= '9') || *q == '.' || *q == 'e' || *q == 'E' || *q == '+' || *q == '-'))
            q++;
        char tmp[64];
        size_t n = (size_t)(q - ps->p);
        if (n >= sizeof tmp)
            return fail(ps, "number too long");
        memcpy(tmp, ps->p, n);
        tmp[n] = 0;
        char *endp;
        double d = strtod(tmp, &endp);
        if (*endp || !isfinite(d))
            return fail(ps, "bad number");
        ps->p = q;
        json_value *v = new_value(JSON_NUMBER);
        v->num = d;
        return v;
    }
    return fail(ps, "unexpected character");
}

json_value *json_parse(const char *text, size_t len, fa_err *e)
{
    parser ps = {text, text + len, text, e, 0, false};
    json_value *v = parse_value(&ps);
    if (!v)
        return NULL;
    skip_ws(&ps);
    if (ps.p != ps.end) {
        json_free(v);
        fail(&ps, "trailing characters after the value");
        return NULL;
    }
    return v;
}

void json_free(json_value *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n; i++) {
        json_free(v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->str);
    free(v);
}

json_value *json_get(const json_value *obj, const char *key)
{
    if (!obj || obj->type != JSON_OBJECT)
        return NULL;
    for (size_t i = 0; i < obj->n; i++)
        if (strcmp(obj->keys[i], key) == 0)
            return obj->items[i];
    return NULL;
}

json_value *json_at(const json_value *arr, size_t i)
{
    if (!arr || arr->type != JSON_ARRAY || i >= arr->n)
        return NULL;
    return arr->items[i];
}

const char *json_get_str(const json_value *obj, const char *key, const char *def)
{
    json_value *v = json_get(obj, key);
    return v && v->type == JSON_STRING ? v->str : def;
}

double json_get_num(const json_value *obj, const char *key, double def)
{
    json_value *v = json_get(obj, key);
    return v && v->type == JSON_NUMBER ? v->num : def;
}

bool json_get_bool(const json_value *obj, const char *key, bool def)
{
    json_value *v = json_get(obj, key);
    return v && v->type == JSON_BOOL ? v->b : def;
}
