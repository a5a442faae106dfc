/*
 * orders.h - doctrinal orders and fire-support products: schemas, validation, date-time groups, templates and
 * exporters (Markdown, plain text, HTML, PDF, DOCX), the call-for-fire text parser, and fire missions walked from
 * the call for fire to end of mission with firing data from the ballistic computer (orders_mission_*).
 *
 * Products (type names as the CLI spells them) and the doctrine each follows:
 *   opord        operation order, five-paragraph format (FM 5-0; FM 6-0)
 *   warno        warning order (FM 5-0)
 *   frago        fragmentary order: changes only, referring to the base order (FM 5-0)
 *   cff          call for fire in three transmissions (ATP 3-09.30)
 *   fire-order   FDC fire order (TC 3-09.81)
 *   mto          message to observer (ATP 3-09.30)
 *   target-list  target list worksheet (ATP 3-09.30; DA Form 4655 layout)
 *   fsplan       fire support plan / Annex D (Fires) (FM 3-09; FM 5-0)
 *
 * Use:
 *   json_value *doc = orders_parse_input(text, len, &e);          JSON or YAML text of the product's schema
 *   orders_issues is = {0};
 *   if (orders_validate("opord", doc, &is) > 0) { print is.v[i].path, is.v[i].msg; }
 *   strbuf out = {0};
 *   orders_render("opord", doc, ORDERS_PDF, &opts, &out, &e);     out.s/out.len hold the bytes
 *
 * orders_render validates first and refuses to produce anything when a field is wrong, so no half order comes out.
 * Templates are Mustache-style text files (syntax in docs/orders.md), embedded in the binary from data/templates/
 * at build time; opts.template_dir, when set, names a folder whose files of the same name replace the embedded ones.
 * Nothing here prints or exits.
 */
#ifndef FAGPT_ORDERS_H
#define FAGPT_ORDERS_H

#include "core/core.h"
#include "core/json.h"

typedef enum { ORDERS_MD, ORDERS_TXT, ORDERS_HTML, ORDERS_PDF, ORDERS_DOCX } orders_format;

/* The product type names, NULL-terminated, and a one-line description of one. */
const char *const *orders_types(void);
const char *orders_type_summary(const char *type);
/* 0 and *f set when s names a format ("md", "markdown", "txt", "text", "html", "pdf", "docx"). */
int orders_format_parse(const char *s, orders_format *f);
const char *orders_format_name(orders_format f);

/* One problem found by validation: path like "execution.tasks[2].unit", message like "required". */
typedef struct orders_issue {
    char *path;
    char *msg;
} orders_issue;
typedef struct orders_issues {
    orders_issue *v;
    size_t n, cap;
} orders_issues;
void orders_issues_free(orders_issues *is);

/* Parses an input document: JSON when it starts with '{', else the YAML subset of docs/orders.md; errors name
 * the line (and column for JSON). */
json_value *orders_parse_input(const char *text, size_t len, fa_err *e);

/* Validates doc as product type; appends every problem found to is and returns their count (-1: unknown type). */
int orders_validate(const char *type, const json_value *doc, orders_issues *is);

/* The schema of a product as a Markdown table (field path, type, required, notes), as docs/orders.md shows it;
 * -1 for an unknown type. */
int orders_schema_markdown(const char *type, strbuf *out);
/* The same as JSON: {"type", "doctrine", "fields": [{"path", "type", "required", "choices"?, "min"?, "max"?}]}. */
int orders_schema_json(const char *type, strbuf *out);

/* Interactive input: asks for every field of TYPE in schema order through ask (prompt in, one line of answer
 * out without its newline; return -1 when there are no more answers), checking each answer as it comes and
 * asking again with the reason when it is wrong. Cross-field rules are left to orders_validate afterwards.
 * NULL with e filled when the answers ran out. */
typedef int (*orders_ask_fn)(void *ud, const char *prompt, strbuf *answer);
json_value *orders_interview(const char *type, orders_ask_fn ask, void *ud, fa_err *e);
/* Writes v as indented JSON, keys in their order, and a newline. */
void orders_json_write(strbuf *out, const json_value *v);

/* The filled-in example of a product (JSON text, embedded from data/examples/), or NULL for an unknown type. */
const char *orders_example(const char *type);

typedef struct orders_opts {
    const char *template_dir; /* folder whose templates replace the embedded ones; NULL: embedded only */
} orders_opts;

/* Validates and renders doc into out (binary for PDF and DOCX: use out->len). On validation failure the message
 * lists the first problems and the function returns -1. */
int orders_render(const char *type, const json_value *doc, orders_format f, const orders_opts *opts, strbuf *out,
                  fa_err *e);

/* ---- pieces exposed for tests and for other front ends ---- */

/* Date-time groups. A military time zone letter (A-I, K-Z; J, local time, has no fixed offset and is refused)
 * and its offset from UTC in minutes. */
int orders_zone_offset(char letter, int *minutes);
/* Parses "2026-12-01T14:30Z", "2026-12-01T09:30:00-05:00", "2026-12-01 14:30" (local to zone) or a DTG
 * "011430ZDEC26" into UTC seconds since the epoch; fills e with what is wrong (bad month, day 31 in a 30-day
 * month...) on failure. zone is the letter a time without offset is read in. */
int orders_dtg_parse(const char *s, char zone, int64_t *utc, fa_err *e);
/* Reads a zone as a letter ("R"), its name ("ROMEO") or "UTC"; *letter gets the upper-case letter. */
int orders_zone_parse(const char *s, char *letter, fa_err *e);
/* "ROMEO (UTC-5)" for 'R'. */
const char *orders_zone_name(char letter);
/* Formats a UTC instant as DDHHMMZMONYY in the zone named by letter, into out[14]. */
int orders_dtg_format(int64_t utc, char letter, char out[14], fa_err *e);

/* The template renderer. Values are looked up in ctx (dotted names, the section stack); escape, when not NULL,
 * is applied to every {{name}} (not {{{name}}}); partial(name) supplies {{> name}} text (NULL: unknown). */
typedef void (*orders_escape_fn)(strbuf *out, const char *s);
typedef char *(*orders_partial_fn)(void *ud, const char *name, fa_err *e);
int orders_template_render(const char *tmpl, const json_value *ctx, orders_escape_fn escape, orders_partial_fn partial,
                           void *ud, strbuf *out, fa_err *e);
/* Backslash-escapes the characters Markdown would read as markup. */
void orders_md_escape(strbuf *out, const char *s);

/* Markdown (the subset in docs/orders.md) to an HTML fragment, an HTML page to a PDF, Markdown to a DOCX file,
 * all in memory. Pages are US Letter, turned to landscape when landscape is set (orders_md_wide() says when a
 * table needs it). banner, when not NULL, is the classification repeated at the top and bottom of every page;
 * the banner lines of the body are then left out. */
void orders_md_to_html(const char *md, strbuf *out);
bool orders_md_wide(const char *md);
int orders_html_to_pdf(const char *html, const char *banner, bool landscape, strbuf *out, fa_err *e);
int orders_md_to_docx(const char *md, const char *banner, bool landscape, strbuf *out, fa_err *e);

/* Call-for-fire text ("H24 THIS IS H66 ADJUST FIRE OVER / GRID 18SUJ 2339 0739 OVER / ...") to a cff document
 * (the same schema orders_render("cff") takes). On failure e quotes the element that could not be read. */
json_value *orders_cff_parse(const char *text, fa_err *e);

/* An observer's correction ("RIGHT 50 ADD 200", "DROP 100", "UP 20", "REPEAT", "END OF MISSION"). Deviation and
 * range are along the observer-target line in meters (+ right/add/up). */
typedef struct orders_correction {
    int lateral_m, range_m, vertical_m;
    int repeat, end_of_mission, fire_for_effect;
} orders_correction;
int orders_correction_parse(const char *text, orders_correction *c, fa_err *e);

/* Fire missions (mission.c): the call for fire read, the target located (grid; polar from the observer; shift
 * from a known point along the OT direction), firing data from the ballistic computer (fires_firing_data), the
 * fire order and the message to observer, then the observer's corrections applied along the observer-target line
 * (ATP 3-09.30) and the data recomputed. A mission is a JSON document: {"id", "label", "status" ("adjust", "fire
 * for effect", "end of mission"), "call_for_fire", "setup", "ot_mils"?, "cff", "rounds": [{"n", "call", "phase",
 * "correction"?, "target", "fire_order", "message_to_observer"?, "firing_data"}]}. */
typedef struct orders_mission_in {
    const char *id;                 /* target number, AB1001 */
    const char *battery;            /* the battery's position (fires_pos_parse) and altitude (m) */
    double battery_alt;
    const char *weapon, *projectile;    /* catalogue names */
    const char *charge;             /* NULL: chosen by range */
    const char *angle;              /* "low" (NULL) or "high" */
    const char *fuze;               /* NULL: Quick; Time, VT and MTI get a fuze time */
    double aof;                     /* azimuth of fire (mils) for deflection; NAN: none */
    const char *observer;           /* NULL: unknown (polar missions need it) */
    double observer_alt;
    double target_alt;              /* grid missions; NAN: the battery's altitude */
    const char *known_point;        /* shift: the known point's position, else the stored mission known */
    double known_point_alt;         /* NAN: the battery's altitude */
    const json_value *known;        /* the stored mission named by SHIFT, or NULL */
    double ot;                      /* observer-target direction (mils); NAN: from the call or the observer */
    int ffe_rounds;                 /* rounds in effect (0: 3) */
    const char *data;               /* the data folder (NULL: fires_data_open's default) */
} orders_mission_in;

/* True for a target number: two capital letters and four digits. */
bool orders_target_number_ok(const char *s);
/* A new mission with its first round; NULL with e filled (the call for fire's element quoted). */
json_value *orders_mission_start(const orders_mission_in *in, const char *cff_text, fa_err *e);
/* Applies a correction (ot: a new OT direction, or NAN) and appends the round it fires; END OF MISSION closes it. */
int orders_mission_correct(json_value *m, const char *text, double ot, fa_err *e);
/* DIR/ID.json, written to a temporary file and renamed into place; and read back. */
int orders_mission_save(const char *dir, const json_value *m, fa_err *e);
json_value *orders_mission_load(const char *dir, const char *id, fa_err *e);
/* A round as the FDC reads it (fire order, fire commands, message to observer, firing data), and the log. */
void orders_mission_round_text(const json_value *m, const json_value *round, strbuf *out);
void orders_mission_log_text(const json_value *m, strbuf *out);
/* JSON (mission_json.c): the latest round {"id", "status", "label", "round", "text" (the FDC's readout, when
 * with_text)}, as `fagpt mission start|correct --json` and the web API give it; and a mission's summary
 * {"id", "status", "rounds", "target", "description"} for lists. */
void orders_mission_round_json(strbuf *b, const json_value *m, bool with_text);
void orders_mission_summary_json(strbuf *b, const char *id, const json_value *m);

#endif
