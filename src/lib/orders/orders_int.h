/*
 * orders_int.h - what the files of the orders module share and nothing outside it uses: the schema tables,
 * the product table, building JSON trees, the embedded data files, and the Markdown block model.
 */
#ifndef FAGPT_ORDERS_INT_H
#define FAGPT_ORDERS_INT_H

#include "orders.h"

/* ---- schemas ---- */
typedef enum {
    F_STR,     /* a non-empty string */
    F_INT,     /* an integral number, optionally within [min, max] */
    F_NUM,     /* a number, optionally within [min, max] */
    F_BOOL,
    F_DTG,     /* a date-time (see orders_dtg_parse); normalised to DDHHMMZMONYY in the document's time_zone */
    F_ZONE,    /* a military time zone; normalised to its letter */
    F_ENUM,    /* one of choices (case-insensitive); normalised to the spelling in choices */
    F_GRID,    /* an MGRS grid, 4 to 10 digits; normalised to "18SUJ 2339 0739" */
    F_TGTNUM,  /* a target number: two letters and four digits (AB1001) */
    F_OBJ,     /* an object with fields sub */
    F_LIST,    /* an array of objects with fields sub */
    F_STRLIST, /* an array of non-empty strings */
} ftype;

typedef struct ofield ofield;
struct ofield {
    const char *name;
    ftype type;
    bool required;
    const ofield *sub;
    const char *const *choices;
    double min, max; /* checked when min < max */
};

/* One product: its schema, extra checks across fields, the derived values its templates use, its doctrine. */
typedef struct oproduct {
    const char *type, *title, *summary, *doctrine;
    const ofield *fields;
    void (*check)(const json_value *doc, orders_issues *is);
    void (*derive)(json_value *view);
} oproduct;

const oproduct *orders_product(const char *type);
void orders_issue_add(orders_issues *is, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Appends the normalised spelling of an MGRS grid ("18SUJ 2339 0739"); -1 when s is not one. */
int orders_grid_norm(const char *s, strbuf *out);
/* Checks one value against field f (its zone: the document's time_zone letter, 0 if none); returns the normalised
 * copy, or NULL after appending the problem at path. */
typedef struct {
    orders_issues *is;
    char zone;
} vctx;
json_value *orders_check_value(vctx *x, const ofield *f, const json_value *v, const char *path);
/* Validates doc against p's schema; returns the normalised copy (free with json_free) and appends problems. */
json_value *orders_check_doc(const oproduct *p, const json_value *doc, orders_issues *is);

/* The YAML subset of yaml.c, read into a JSON tree; NULL with the line in e. */
json_value *orders_yaml_parse(const char *text, size_t len, fa_err *e);

/* ---- JSON trees ---- */
json_value *jv_str(const char *s);
json_value *jv_num(double d);
json_value *jv_bool(bool b);
json_value *jv_obj(void);
json_value *jv_arr(void);
json_value *jv_copy(const json_value *v);
/* Sets key in obj, replacing (and freeing) an old value; takes ownership of val. */
void jv_set(json_value *obj, const char *key, json_value *val);
void jv_push(json_value *arr, json_value *val);

/* ---- embedded files (data/templates, data/examples) ---- */
/* The embedded file "templates/opord.md" etc., or NULL. */
const char *orders_embedded(const char *name);

/* ---- Markdown blocks (the subset of docs/orders.md) ---- */
typedef enum { MD_HEADING, MD_PARA, MD_CENTER, MD_ITEM, MD_TABLE, MD_RULE } md_kind;
typedef struct md_block {
    md_kind kind;
    int level;        /* heading 1-6; list item depth 0.. */
    char *text;       /* inline Markdown of headings, paragraphs, centered lines and items */
    size_t rows, cols;
    char **cells;     /* MD_TABLE: rows * cols inline texts; row 0 is the header */
} md_block;
typedef VEC(md_block) md_blocks;
void md_parse(const char *md, md_blocks *out);
void md_blocks_free(md_blocks *b);

/* Inline Markdown as runs of plain text with bold/italic, and line breaks. */
typedef struct md_run {
    char *text;       /* NULL: a line break */
    bool bold, italic;
} md_run;
typedef VEC(md_run) md_runs;
void md_inline(const char *s, md_runs *out);
void md_runs_free(md_runs *r);

#endif
