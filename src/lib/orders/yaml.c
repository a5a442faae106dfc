/*
 * yaml.c - the subset of YAML 1.2 that order inputs need, read into the same JSON tree as JSON input:
 * block mappings and sequences by indentation (spaces only), "- key: value" items, plain, 'single' and
 * "double" quoted scalars, "|" and ">" block scalars (with "-" to strip the final newline), empty "[]" and "{}",
 * flow sequences of scalars "[a, b]", and "#" comments. Plain scalars true/false, null/~ and numbers become those
 * types (quote "07" to keep it a string). Anchors, tags, multiple documents and flow mappings are refused with
 * the line they are on.
 */
#include "orders_int.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *text; /* the line, without its newline */
    size_t len;       /* without a trailing comment */
    size_t raw;       /* the whole line (block scalars keep their "#") */
    int indent;       /* leading spaces; -1 for a blank or comment-only line */
    int no;           /* 1-based line number */
} yline;

typedef struct {
    yline *lines;
    size_t n, i;
    fa_err *e;
    bool failed;
} yparser;

static json_value *yfail(yparser *y, int line, const char *fmt, const char *what)
{
    if (!y->failed)
        fa_fail(y->e, "YAML line %d: %s%s", line, fmt, what ? what : "");
    y->failed = true;
    return NULL;
}

/* Length of s[0..n) once a "#" comment (outside quotes, after a blank or at the start) is cut. */
static size_t strip_comment(const char *s, size_t n)
{
    char q = 0;
    for (size_t i = 0; i < n; i++) {
        if (q) {
            if (s[i] == q && !(q == '"' && i > 0 && s[i - 1] == '\\'))
                q = 0;
        } else if (s[i] == '"' || s[i] == '\'') {
            if (i == 0 || s[i - 1] == ' ' || s[i - 1] == '[' || s[i - 1] == ',' || s[i - 1] == ':' || s[i - 1] == '-')
                q = s[i];
        } else if (s[i] == '#' && (i == 0 || s[i - 1] == ' ')) {
            n = i;
            break;
        }
    }
    while (n && s[n - 1] == ' ')
        n--;
    return n;
}

static json_value *plain_scalar(const char *s, size_t n)
{
    char *t = xstrndup(s, n);
    json_value *v;
    char *end;
    double d = strtod(t, &end);
    if (!strcmp(t, "true") || !strcmp(t, "false")) {
        v = jv_bool(t[0] == 't');
    } else if (!strcmp(t, "null") || !strcmp(t, "~")) {
        v = xcalloc(1, sizeof *v);
        v->type = JSON_NULL;
    } else if (n && !*end && isfinite(d) && (isdigit((unsigned char)t[0]) || t[0] == '-' || t[0] == '+' || t[0] == '.')) {
        v = jv_num(d);
    } else {
        v = jv_str(t);
    }
    free(t);
    return v;
}

/* A quoted scalar starting at s[0]; *used gets its length with the quotes. */
static json_value *quoted(yparser *y, int line, const char *s, size_t n, size_t *used)
{
    char q = s[0];
    strbuf b = {0};
    size_t i = 1;
    for (; i < n; i++) {
        if (q == '\'' && s[i] == '\'') {
            if (i + 1 < n && s[i + 1] == '\'') {
                sb_addc(&b, '\'');
                i++;
                continue;
            }
            break;
        }
        if (q == '"' && s[i] == '"')
            break;
        if (q == '"' && s[i] == '\\' && i + 1 < n) {
            char c = s[++i];
            sb_addc(&b, c == 'n' ? '\n' : c == 't' ? '\t' : c);
            continue;
        }
        sb_addc(&b, s[i]);
    }
    if (i >= n) {
        sb_free(&b);
        return yfail(y, line, "unterminated quoted string", NULL);
    }
    *used = i + 1;
    json_value *v = jv_str(b.s ? b.s : "");
    sb_free(&b);
    return v;
}

/* An inline value after "key:" or "- ": scalar, quoted, [] / {} / [a, b]. */
static json_value *inline_value(yparser *y, int line, const char *s, size_t n)
{
    if (n && (s[0] == '&' || s[0] == '*' || s[0] == '!'))
        return yfail(y, line, "anchors, aliases and tags are not read: ", s);
    if (n && (s[0] == '"' || s[0] == '\'')) {
        size_t used;
        json_value *v = quoted(y, line, s, n, &used);
        if (v && used != n) {
            json_free(v);
            return yfail(y, line, "unexpected text after a quoted string", NULL);
        }
        return v;
    }
    if (n && s[0] == '{') {
        if (n == 2 && s[1] == '}')
            return jv_obj();
        return yfail(y, line, "flow mappings ({a: b}) are not read; write the mapping as indented lines", NULL);
    }
    if (n && s[0] == '[') {
        if (s[n - 1] != ']')
            return yfail(y, line, "a flow sequence must close on its line with ']'", NULL);
        json_value *arr = jv_arr();
        size_t i = 1, end = n - 1;
        while (i < end) {
            while (i < end && s[i] == ' ')
                i++;
            if (i >= end)
                break;
            json_value *item;
            size_t used = 0;
            if (s[i] == '"' || s[i] == '\'') {
                item = quoted(y, line, s + i, end - i, &used);
            } else {
                while (i + used < end && s[i + used] != ',')
                    used++;
                size_t k = used;
                while (k && s[i + k - 1] == ' ')
                    k--;
                item = (s[i] == '[' || s[i] == '{') ? yfail(y, line, "nested flow collections are not read", NULL)
                                                     : plain_scalar(s + i, k);
            }
            if (!item) {
                json_free(arr);
                return NULL;
            }
            jv_push(arr, item);
            i += used;
            while (i < end && s[i] == ' ')
                i++;
            if (i < end && s[i] != ',') {
                json_free(arr);
                return yfail(y, line, "expected ',' between the items of a flow sequence", NULL);
            }
            i++;
        }
        return arr;
    }
    return plain_scalar(s, n);
}

static json_value *block(yparser *y, int indent);

/* A "|" or ">" block scalar: the more-indented lines that follow. */
static json_value *block_scalar(yparser *y, const char *head, size_t hn, int parent_indent)
{
    bool fold = head[0] == '>', strip = hn > 1 && head[1] == '-';
    strbuf b = {0};
    int ind = -1;
    size_t blanks = 0;
    while (y->i < y->n) {
        yline *l = &y->lines[y->i];
        bool blank = strspn(l->text, " ") >= l->raw;
        if (!blank && (int)strspn(l->text, " ") <= parent_indent)
            break;
        y->i++;
        if (blank) {
            blanks++;
            continue;
        }
        if (ind < 0)
            ind = (int)strspn(l->text, " ");
        /* folded: lines join with a space, each blank line is one newline; literal: newlines kept */
        if (b.len && !fold)
            sb_addc(&b, '\n');
        else if (b.len && !blanks)
            sb_addc(&b, ' ');
        for (size_t k = 0; k < blanks; k++)
            sb_addc(&b, '\n');
        blanks = 0;
        int cut = (int)strspn(l->text, " ");
        if (cut > ind)
            cut = ind;
        sb_addn(&b, l->text + cut, l->raw - (size_t)cut);
    }
    if (!strip)
        sb_addc(&b, '\n');
    json_value *v = jv_str(b.s ? b.s : "");
    sb_free(&b);
    return v;
}

/* The value of "key:" or "- " given on the line (s, n) or, when empty, by the lines indented below. */
static json_value *value_of(yparser *y, int line, const char *s, size_t n, int indent)
{
    if (n && (s[0] == '|' || s[0] == '>') && (n == 1 || (n == 2 && s[1] == '-')))
        return block_scalar(y, s, n, indent);
    if (n)
        return inline_value(y, line, s, n);
    /* the next content line decides: deeper is the value; a sequence may sit at the key's own indent */
    size_t k = y->i;
    while (k < y->n && y->lines[k].indent < 0)
        k++;
    if (k < y->n && (y->lines[k].indent > indent ||
                     (y->lines[k].indent == indent && y->lines[k].len > (size_t)indent + 1 &&
                      y->lines[k].text[indent] == '-' && y->lines[k].text[indent + 1] == ' ')))
        return block(y, y->lines[k].indent);
    json_value *v = xcalloc(1, sizeof *v);
    v->type = JSON_NULL;
    return v;
}

/* "key: rest" at s: *key gets the key, *rest the value text; 0 when the line is not a mapping entry. */
static int split_key(yparser *y, int line, const char *s, size_t n, char **key, const char **rest, size_t *rn)
{
    size_t i = 0, used = 0;
    if (n && (s[0] == '"' || s[0] == '\'')) {
        json_value *k = quoted(y, line, s, n, &used);
        if (!k)
            return -1;
        i = used;
        if (i >= n || s[i] != ':') {
            json_free(k);
            return 0;
        }
        *key = xstrdup(k->str);
        json_free(k);
    } else {
        while (i < n && !(s[i] == ':' && (i + 1 == n || s[i + 1] == ' ')))
            i++;
        if (i >= n)
            return 0;
        *key = xstrndup(s, i);
        fa_trim(*key);
    }
    i++;
    while (i < n && s[i] == ' ')
        i++;
    *rest = s + i;
    *rn = n - i;
    return 1;
}

/* Mapping entries starting at the key in (s, n) on the current line, continuing at the same indent. */
static json_value *mapping(yparser *y, int indent, const char *s, size_t n, int line)
{
    json_value *obj = jv_obj();
    for (;;) {
        char *key;
        const char *rest;
        size_t rn;
        int r = split_key(y, line, s, n, &key, &rest, &rn);
        if (r <= 0) {
            json_free(obj);
            if (r == 0) {
                char *t = xstrndup(s, n);
                yfail(y, line, "expected 'key: value', got: ", t);
                free(t);
            }
            return NULL;
        }
        if (json_get(obj, key)) {
            json_free(obj);
            yfail(y, line, "key repeated: ", key);
            free(key);
            return NULL;
        }
        json_value *v = value_of(y, line, rest, rn, indent);
        if (!v) {
            free(key);
            json_free(obj);
            return NULL;
        }
        jv_set(obj, key, v);
        free(key);
        while (y->i < y->n && y->lines[y->i].indent < 0)
            y->i++;
        if (y->i >= y->n || y->lines[y->i].indent != indent)
            return obj;
        yline *l = &y->lines[y->i];
        if (l->text[indent] == '-' && (l->len == (size_t)indent + 1 || l->text[indent + 1] == ' '))
            return obj; /* a sequence at this indent belongs to the enclosing item */
        y->i++;
        s = l->text + indent;
        n = l->len - (size_t)indent;
        line = l->no;
    }
}

/* The block (mapping or sequence) whose lines start at indent. */
static json_value *block(yparser *y, int indent)
{
    while (y->i < y->n && y->lines[y->i].indent < 0)
        y->i++;
    if (y->i >= y->n)
        return NULL;
    yline *l = &y->lines[y->i];
    const char *s = l->text + indent;
    size_t n = l->len - (size_t)indent;
    if (!(s[0] == '-' && (n == 1 || s[1] == ' '))) {
        y->i++;
        return mapping(y, indent, s, n, l->no);
    }
    json_value *arr = jv_arr();
    while (y->i < y->n) {
        l = &y->lines[y->i];
        if (l->indent < 0) {
            y->i++;
            continue;
        }
        if (l->indent != indent || !(l->text[indent] == '-' && (l->len == (size_t)indent + 1 || l->text[indent + 1] == ' ')))
            break;
        y->i++;
        size_t k = (size_t)indent + 1;
        while (k < l->len && l->text[k] == ' ')
            k++;
        const char *rest = l->text + k;
        size_t rn = l->len - k;
        json_value *item;
        char *key;
        const char *kr;
        size_t kn;
        int r = rn && rest[0] != '[' && rest[0] != '{' ? split_key(y, l->no, rest, rn, &key, &kr, &kn) : 0;
        if (r < 0) {
            json_free(arr);
            return NULL;
        }
        if (r == 1) {
            free(key);
            item = mapping(y, (int)k, rest, rn, l->no); /* "- key: value" and the keys below it */
        } else {
            item = value_of(y, l->no, rest, rn, indent);
        }
        if (!item) {
            json_free(arr);
            return NULL;
        }
        jv_push(arr, item);
    }
    return arr;
}

json_value *orders_yaml_parse(const char *text, size_t len, fa_err *e)
{
    VEC(yline) lines = {0};
    const char *p = text, *end = text + len;
    int no = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p);
        no++;
        if (n && p[n - 1] == '\r')
            n--;
        size_t ind = 0;
        while (ind < n && p[ind] == ' ')
            ind++;
        if (ind < n && p[ind] == '\t') {
            free(lines.v);
            fa_fail(e, "YAML line %d: a tab in the indentation (indent with spaces)", no);
            return NULL;
        }
        size_t keep = strip_comment(p, n);
        bool content = keep > ind;
        if (content && ind == 0 && keep >= 3 && (!strncmp(p, "---", 3) || !strncmp(p, "...", 3)) &&
            (keep == 3 || p[3] == ' ')) {
            if (no > 1 || !strncmp(p, "...", 3)) {
                free(lines.v);
                fa_fail(e, "YAML line %d: one document per file", no);
                return NULL;
            }
            content = false;
        }
        yline l = {p, content ? keep : n, n, content ? (int)ind : -1, no};
        VEC_PUSH(lines, l);
        p = nl ? nl + 1 : end;
    }
    yparser y = {lines.v, lines.n, 0, e, false};
    size_t first = 0;
    while (first < lines.n && lines.v[first].indent < 0)
        first++;
    json_value *v = NULL;
    if (first == lines.n) {
        fa_fail(e, "the input is empty (start from `fagpt order new TYPE`)");
    } else if (lines.v[first].indent != 0) {
        yfail(&y, lines.v[first].no, "the document must start at the left margin", NULL);
    } else {
        v = block(&y, 0);
        while (v && y.i < y.n && y.lines[y.i].indent < 0)
            y.i++;
        if (v && y.i < y.n) {
            char *t = xstrndup(y.lines[y.i].text, y.lines[y.i].len);
            json_free(v);
            v = yfail(&y, y.lines[y.i].no, "indentation does not match any level above: ", fa_trim(t));
            free(t);
        }
    }
    free(lines.v);
    return v;
}
