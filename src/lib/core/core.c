/* core.c - errors, allocation, strings and file helpers declared in core.h. */
#include "core.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* SHA-256 comes from MuPDF (FIPS 180-4), which every FA-GPT binary links anyway. */
#include <mupdf/fitz/crypt.h>

int fa_fail(fa_err *e, const char *fmt, ...)
{
    if (e) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->msg, sizeof e->msg, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static void *check(void *p)
{
    if (!p) {
        fputs("fagpt: out of memory\n", stderr);
        abort();
    }
    return p;
}

void *xmalloc(size_t n) { return check(malloc(n ? n : 1)); }
void *xcalloc(size_t n, size_t size) { return check(calloc(n ? n : 1, size ? size : 1)); }
void *xrealloc(void *p, size_t n) { return check(realloc(p, n ? n : 1)); }
char *xstrdup(const char *s) { return check(strdup(s ? s : "")); }
char *xstrndup(const char *s, size_t n) { return check(strndup(s, n)); }

char *xasprintf(const char *fmt, ...)
{
    strbuf b = {0};
    va_list ap;
    va_start(ap, fmt);
    sb_vaddf(&b, fmt, ap);
    va_end(ap);
    return sb_take(&b);
}

void sb_grow(strbuf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap)
        return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + extra + 1)
        cap *= 2;
    b->s = xrealloc(b->s, cap);
    b->cap = cap;
}

void sb_addn(strbuf *b, const char *s, size_t n)
{
    sb_grow(b, n);
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}

void sb_add(strbuf *b, const char *s) { sb_addn(b, s, strlen(s)); }
void sb_addc(strbuf *b, char c) { sb_addn(b, &c, 1); }

void sb_vaddf(strbuf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return;
    sb_grow(b, (size_t)n);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void sb_addf(strbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    sb_vaddf(b, fmt, ap);
    va_end(ap);
}

void sb_clear(strbuf *b)
{
    b->len = 0;
    if (b->s)
        b->s[0] = 0;
}

char *sb_take(strbuf *b)
{
    char *s = b->s ? b->s : xstrdup("");
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}

void sb_free(strbuf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
}

char *fa_read_file(const char *path, size_t *len, fa_err *e)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fa_fail(e, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    strbuf b = {0};
    char tmp[65536];
    size_t n;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        sb_addn(&b, tmp, n);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        sb_free(&b);
        fa_fail(e, "%s: read error", path);
        return NULL;
    }
    if (len)
        *len = b.len;
    return sb_take(&b);
}

void fa_sha256_hex(const void *data, size_t len, char out[65])
{
    fz_sha256 c;
    unsigned char d[32];
    fz_sha256_init(&c);
    fz_sha256_update(&c, data, len);
    fz_sha256_final(&c, d);
    for (int i = 0; i < 32; i++)
        sprintf(out + 2 * i, "%02x", d[i]);
}

int fa_sha256_file(const char *path, char out[65], fa_err *e)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return fa_fail(e, "%s: cannot open: %s", path, strerror(errno));
    fz_sha256 c;
    unsigned char d[32], tmp[65536];
    size_t n;
    fz_sha256_init(&c);
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
        fz_sha256_update(&c, tmp, n);
    int bad = ferror(f);
    fclose(f);
    if (bad)
        return fa_fail(e, "%s: read error", path);
    fz_sha256_final(&c, d);
    for (int i = 0; i < 32; i++)
        sprintf(out + 2 * i, "%02x", d[i]);
    return 0;
}

bool fa_is_valid_utf8(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t k = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : 9;
        if (k == 9 || i + k >= n + (k ? 0 : 1))
            return false;
        for (size_t j = 1; j <= k; j++)
            if ((s[i + j] & 0xC0) != 0x80)
                return false;
        i += k + 1;
    }
    return true;
}

char *fa_trim(char *s)
{
    char *p = s;
    while (*p && isspace((unsigned char)*p))
        p++;
    size_t n = strlen(p);
    while (n && isspace((unsigned char)p[n - 1]))
        n--;
    memmove(s, p, n);
    s[n] = 0;
    return s;
}

int fa_strcasecmp_prefix(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix));
}

int fa_mkdirs(const char *path, fa_err *e)
{
    char *p = xstrdup(path);
    for (char *q = p + 1; *q; q++) {
        if (*q != '/')
            continue;
        *q = 0;
        if (mkdir(p, 0755) != 0 && errno != EEXIST) {
            fa_fail(e, "cannot create folder %s: %s", p, strerror(errno));
            free(p);
            return -1;
        }
        *q = '/';
    }
    int rc = 0;
    if (mkdir(p, 0755) != 0 && errno != EEXIST)
        rc = fa_fail(e, "cannot create folder %s: %s", p, strerror(errno));
    free(p);
    return rc;
}

double fa_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void str_vec_free(str_vec *v)
{
    for (size_t i = 0; i < v->n; i++)
        free(v->v[i]);
    free(v->v);
    v->v = NULL;
    v->n = v->cap = 0;
}
