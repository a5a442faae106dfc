/*
 * json.h - JSON in and out.
 *
 * Writing: json_str() appends a quoted, escaped string to a strbuf; the JSON shapes themselves are written with
 * sb_addf by the caller, which keeps each output format readable where it is produced.
 *
 * Reading: json_parse() builds a small tree (json_value) from text, rejecting invalid JSON with the byte offset.
 * Objects keep their keys in order. json_get() looks up a key; json_at() an array element. Free with json_free().
 */
#ifndef FAGPT_JSON_H
#define FAGPT_JSON_H

#include "core.h"

typedef enum { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } json_type;

typedef struct json_value json_value;
struct json_value {
    json_type type;
    bool b;
    double num;
    char *str;          /* JSON_STRING, UTF-8 */
    size_t n;           /* array or object length */
    json_value **items; /* array elements or object values */
    char **keys;        /* object keys */
};

void json_str(strbuf *b, const char *s);
void json_strn(strbuf *b, const char *s, size_t n);

json_value *json_parse(const char *text, size_t len, fa_err *e);
void json_free(json_value *v);
json_value *json_get(const json_value *obj, const char *key);
json_value *json_at(const json_value *arr, size_t i);
/* Conveniences that return def when the key is missing or of another type. */
const char *json_get_str(const json_value *obj, const char *key, const char *def);
double json_get_num(const json_value *obj, const char *key, double def);
bool json_get_bool(const json_value *obj, const char *key, bool def);

#endif
