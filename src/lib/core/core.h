/*
 * core.h - the small toolbox every libfagpt module uses.
 *
 *   fa_err   an error with a human message; library functions return 0 on success and -1 after filling one.
 *   strbuf   a growable NUL-terminated byte string (sb_add, sb_addf, sb_free).
 *   vec      a growable array of fixed-size elements (VEC_PUSH).
 *   helpers  reading whole files, hashing (SHA-256 hex), trimming, case-insensitive compares, UTF-8 checks.
 *
 * Nothing here prints or exits; allocation failure aborts (there is no sane recovery in a CLI or server worker).
 */
#ifndef FAGPT_CORE_H
#define FAGPT_CORE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define FA_ERRMSG 512
typedef struct fa_err {
    char msg[FA_ERRMSG];
} fa_err;

/* Fills e (when not NULL) with a printf-style message and returns -1, so callers can `return fa_fail(e, ...)`. */
int fa_fail(fa_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

typedef struct strbuf {
    char *s;
    size_t len, cap;
} strbuf;

void sb_grow(strbuf *b, size_t extra);
void sb_add(strbuf *b, const char *s);
void sb_addn(strbuf *b, const char *s, size_t n);
void sb_addc(strbuf *b, char c);
void sb_addf(strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vaddf(strbuf *b, const char *fmt, va_list ap);
void sb_clear(strbuf *b);
/* Hands the string to the caller (never NULL) and resets the buffer. */
char *sb_take(strbuf *b);
void sb_free(strbuf *b);

/* A typed growable array: `struct { T *v; size_t n, cap; }`. */
#define VEC(T) struct { T *v; size_t n, cap; }
#define VEC_PUSH(vec, item) do { \
        if ((vec).n == (vec).cap) { \
            (vec).cap = (vec).cap ? (vec).cap * 2 : 8; \
            (vec).v = xrealloc((vec).v, (vec).cap * sizeof *(vec).v); \
        } \
        (vec).v[(vec).n++] = (item); \
    } while (0)

typedef VEC(char *) str_vec;
void str_vec_free(str_vec *v);

/* Reads a whole file; returns NULL and fills e on failure. *len may be NULL. */
char *fa_read_file(const char *path, size_t *len, fa_err *e);
/* SHA-256 of a file as 64 hex characters into out[65]. */
int fa_sha256_file(const char *path, char out[65], fa_err *e);
void fa_sha256_hex(const void *data, size_t len, char out[65]);

bool fa_is_valid_utf8(const char *s, size_t n);
/* Trims ASCII white space in place and returns s. */
char *fa_trim(char *s);
int fa_strcasecmp_prefix(const char *s, const char *prefix);
/* Creates a folder and its parents (mode 0755); 0 when it exists already. */
int fa_mkdirs(const char *path, fa_err *e);
double fa_now(void);

#endif
