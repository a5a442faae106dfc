/*
 * doc.h - from a PDF file to structured, citable chunks.
 *
 * The pipeline, each stage testable alone:
 *
 *   doc_extract()   MuPDF text extraction: pages of lines with boxes, font size and weight (pdf.c)
 *   doc_analyze()   running headers/footers removed, printed page labels, reading order, headings and the
 *                   section path, Army paragraph numbers, cover metadata, glossary acronyms and terms with
 *                   their definitions, cross-references (layout.c, meta.c, terms.c, glossary.c, xref.c)
 *   doc_make_chunks() structure-aware chunks: never across a chapter, bounded size, with section, paragraph,
 *                   page span, printed labels and the text boxes on the page (chunk.c)
 *
 * Usage:
 *     doc_document *d;
 *     if (doc_extract(path, NULL, &d, &err) != 0) -> err.msg says what is wrong with the file and what to do
 *     doc_analyze(d);
 *     doc_chunks ch = {0}; doc_make_chunks(d, &ch);
 *     ... store them ...
 *     doc_chunks_free(&ch); doc_free(d);
 *
 * Each call is independent of every other: threads may extract different files at the same time.
 * Pages are 0-based inside this module; the store and the JSON contract use 1-based page numbers.
 */
#ifndef FAGPT_DOC_H
#define FAGPT_DOC_H

#include "core/core.h"

typedef struct doc_box {
    int page;
    float x0, y0, x1, y1;
} doc_box;

typedef struct doc_line {
    char *text;
    doc_box box;
    float size;       /* dominant font size (points) */
    bool bold;
    int block;        /* MuPDF block index on the page */
    bool dropped;     /* running header/footer, page label, margin line number, contents leader */
    float ocr_conf;   /* OCR lines: mean confidence of the line's words (0-100); 0 for the PDF's own text */
    bool in_table;    /* inside a detected table: its text goes to the table's chunks, not the paragraphs */
    bool in_figure;   /* inside a captioned figure: its text goes to the figure's chunk */
} doc_line;

/* A table cell: the grid position of its top-left corner, its span, and its text (wrapped lines joined by a
 * space, bullet items on lines of their own). */
typedef struct doc_cell {
    int row, col, rowspan, colspan;
    char *text;
} doc_cell;

/* A table found on a page (table.c from ruling lines, table_align.c from text alignment); a table continued on
 * the next pages is merged into the first one by doc_analyze (page_end then says where it ends). */
typedef struct doc_table {
    int page, page_end;   /* 0-based */
    doc_box box;          /* on the first page */
    char *caption;        /* "Table 5-3. Infantry brigade combat team information collection assets", or NULL */
    char *number;         /* "5-3", or NULL */
    int nrows, ncols;
    int header_rows;      /* leading rows that head the columns (bold text) */
    bool ruled;           /* from ruling lines; else from the alignment of the words */
    VEC(doc_cell) cells;  /* ordered by row, then column */
} doc_table;

/* A captioned figure (figure.c): its box, caption, the text inside it (its own text lines, or OCR of its
 * images) and a PNG of it. description is filled by the caller (a vision model) before doc_make_chunks. */
typedef struct doc_figure {
    int page;             /* 0-based */
    doc_box box;
    char *caption;        /* "Figure 2-1. Army design methodology" */
    char *number;         /* "2-1" */
    const char *kind;     /* "raster" (images), "vector" (drawn paths) or "mixed" */
    char *text;           /* the words inside the figure, or NULL */
    bool ocr;             /* text came from OCR of the figure's pixels */
    char *description;    /* from a vision model, or NULL */
    unsigned char *png;   /* the figure drawn at up to 150 dpi when doc_extract_opts.figure_png asked, else NULL */
    size_t png_len;
    int png_w, png_h;     /* the size of its PNG; 0 when it cannot be drawn (an image over the size limit) */
} doc_figure;

typedef struct doc_page {
    float width, height;
    char *label;      /* printed page label ("2-5", "iv", "Glossary-2", "21"), NULL when none was found */
    doc_line *lines;
    size_t nlines;
    bool ocr;         /* lines read by OCR (a scanned page, an image, or a page whose text layer was garbage) */
    doc_table *tables;
    size_t ntables;
    doc_figure *figures;
    size_t nfigures;
    char *warning;    /* what the page's table or figure detection left out and why, or NULL */
    size_t sideways;  /* text lines skipped because they run sideways (vertical, or a page turned by /Rotate) */
    int form_fields;  /* fillable form fields (AcroForm widgets) on the page */
    char *hard;       /* why the heuristics find this page hard (doc_page_hard), set by the caller; or NULL */
    char *convert_model; /* the document model the page was sent to, or NULL */
    bool converted;   /* its reading replaced the heuristic one (doc_page_apply_conversion) */
    char *convert_error; /* why the model's reading was not used (the heuristic one stayed), or NULL */
} doc_page;

typedef struct doc_meta {
    char *publication;   /* "ADP 3-19" */
    char *title;         /* "Fires" */
    char *date;          /* "31 July 2019" or "July 2019" */
    char *distribution;  /* the distribution restriction statement */
    char *supersedes;    /* "This publication supersedes ..." */
} doc_meta;

/* A unit of text after analysis: a heading, a paragraph or a list item. */
typedef enum { UNIT_HEADING, UNIT_TEXT } doc_unit_kind;

typedef struct doc_unit {
    doc_unit_kind kind;
    int level;           /* headings: 1 = chapter-level, larger = deeper */
    char *text;
    char *paragraph;     /* Army paragraph number that starts here ("2-14"), or NULL */
    int chapter;         /* index of the chapter (or front matter, appendix, glossary) it belongs to */
    VEC(doc_box) boxes;
} doc_unit;

typedef struct doc_term {
    char *term;          /* "FSCM" */
    char *expansion;     /* "fire support coordination measure" */
    int page;            /* 0-based page where it was found */
    bool glossary;       /* from a glossary section (else a first-use definition in the text) */
} doc_term;

typedef struct doc_definition {
    char *term;          /* "fire support" */
    char *definition;    /* "Fires that directly support land, ... (JP 3-09)" */
    int page;            /* 0-based page where the entry starts */
} doc_definition;

/* A cross-reference in the text (xref.c). */
typedef enum { REF_PUBLICATION, REF_PARAGRAPH, REF_FIGURE, REF_TABLE } doc_ref_kind;

typedef struct doc_ref {
    doc_ref_kind kind;
    char *target;        /* "ATP 3-09.30" (normalised as doc_find_publication writes it), "4-66", "2-3" */
    int page;            /* 0-based page where it occurs */
    char *paragraph;     /* Army paragraph it occurs in, or NULL */
} doc_ref;

/* A tabular firing table read from TFT pages (tft.c): the columns as printed and as known keys, and its rows
 * ascending by range. */
typedef struct doc_firing_table {
    char *weapon, *projectile, *charge; /* "M777A2", "M107", "4G" from the page's title; NULL when not printed */
    int page, page_end;  /* 0-based */
    int ncols, nrows;
    char **headings;     /* "TIME OF FLIGHT", "ELEV MILS" */
    char **keys;         /* "range_m", "elevation_mils", "fuze_setting", "tof_s", "drift_mils", "max_ord_m", else
                          * the heading in lower case with spaces as '_' */
    int range_col;
    double *values;      /* nrows * ncols, NAN where a cell is blank or not a number */
} doc_firing_table;

typedef struct doc_document {
    char *path;
    int npages;
    doc_page *pages;
    doc_meta meta;
    char *pdf_title;     /* the PDF's own Title metadata, when set */
    VEC(doc_unit) units;
    VEC(char *) chapters; /* chapter titles by index */
    VEC(doc_term) terms;
    VEC(doc_definition) definitions; /* glossary Section II (glossary.c) */
    VEC(doc_ref) refs;   /* cross-references and cited publications (xref.c) */
    VEC(doc_table) tables; /* every table, continued parts joined (doc_analyze moves them here from the pages) */
    VEC(doc_figure) figures; /* every captioned figure (moved here from the pages by doc_analyze) */
    VEC(doc_firing_table) firing_tables; /* TFT pages, consecutive pages of one charge joined (tft.c) */
    float body_size;
} doc_document;

typedef struct doc_chunk {
    char *text;
    char *section;       /* "Chapter 2 Fires in Multi-Domain Operations > Space Operations" */
    char *paragraph;     /* first paragraph number in the chunk, or the one it continues; NULL if none */
    int page_start, page_end;   /* 0-based */
    VEC(doc_box) boxes;
    const char *kind;    /* "table" or "figure" for their chunks; NULL for text */
} doc_chunk;

typedef VEC(doc_chunk) doc_chunks;

typedef struct doc_extract_opts {
    int page_threads;            /* threads reading pages of this one document (<= 1: the calling thread alone) */
    void (*on_page)(void *arg);  /* called after each page, from any of those threads */
    void *arg;
    bool no_ocr;                 /* keep scanned pages as their text layer (or empty) instead of OCRing them */
    bool no_tables;              /* skip table detection */
    bool no_figures;             /* skip figures */
    bool figure_png;             /* draw each figure's PNG now (for a vision model); else only its size is
                                  * recorded, and doc_render_figure_png draws it when it is wanted */
} doc_extract_opts;

/* Opens and extracts a PDF, or a PNG, JPEG or TIFF image as a one-page document (opts may be NULL). Pages that
 * are mostly an image and have no text layer, or a garbage one (doc_text_is_poor), are rendered at 300 dpi and
 * OCRed with Tesseract (ocr.c), each page thread with an engine of its own. Fails (with a one-line reason a user
 * understands) for files that are missing, empty, not PDFs, corrupt, encrypted with a password, XFA-only forms,
 * or without any text. */
int doc_extract(const char *path, const doc_extract_opts *opts, doc_document **out, fa_err *e);
/* The number of pages of a PDF (1 for a page image), without reading them; -1 when MuPDF cannot open it. */
int doc_count_pages(const char *path);
void doc_analyze(doc_document *d);
void doc_make_chunks(const doc_document *d, doc_chunks *out);
void doc_chunks_free(doc_chunks *c);
void doc_free(doc_document *d);
void doc_table_free(doc_table *t);

/* Tables out (table_out.c): JSON cells ({"nrows","ncols","header_rows","ruled","cells":[{"row","col","rowspan",
 * "colspan","text"}]}), Markdown (caption, one header line, a row per line), CSV (RFC 4180; a spanning cell's text
 * at its top-left position). Each returns a string the caller frees. */
char *doc_table_json(const doc_table *t);
int doc_table_from_json(const char *json, doc_table *t, fa_err *e);
char *doc_table_markdown(const doc_table *t);
char *doc_table_csv(const doc_table *t);
/* Moves the pages' tables into d->tables, joining a table continued over pages into its first part. */
void doc_join_tables(doc_document *d);
/* A table's search chunks: its rows in groups of about 1500 characters, each under the header line, the
 * section "CHAPTER > CAPTION" (chapter may be NULL). Spanning cells are repeated in every row they span. */
void doc_table_chunks(const doc_table *t, const char *chapter, doc_chunks *out);
void doc_figure_free(doc_figure *f);
/* Tabular firing tables (tft.c): pages whose table heads columns such as range, elevation, fuze setting, time of
 * flight, drift become firing tables (doc_analyze calls it before tables are joined). */
void doc_find_firing_tables(doc_document *d);
void doc_firing_table_free(doc_firing_table *t);
/* The row values at range_m, interpolated linearly between the two rows that bracket it, as FDC personnel read
 * a TFT (TC 3-09.81, Field Artillery Manual Cannon Gunnery); out gets ncols values, *lo and *hi the bracketing
 * rows (equal for a listed range). Fails, saying the table's span, for a range outside it. */
int doc_tft_lookup(const doc_firing_table *t, double range_m, double *out, int *lo, int *hi, fa_err *e);
/* A figure's search chunk: caption, the text inside it and its description, under "CHAPTER > CAPTION". */
void doc_figure_chunk(const doc_figure *f, const char *chapter, doc_chunks *out);

/* Current and superseded editions (supersede.c). For editions ed[0..n-1], by[i] is the index of the edition
 * that supersedes ed[i] (-1: none in the list) and why[i] the rule, in words (static text): a newer edition of
 * the same number, a cover's "This publication supersedes ..." line, or the 2019 reform (ADRP N into ADP N). */
typedef struct doc_edition {
    const char *publication, *date, *supersedes;
} doc_edition;
void doc_supersession(const doc_edition *ed, size_t n, int *by, const char **why);
/* A date as YYYYMMDD ("31 July 2019" -> 20190731, "July 2019" -> 20190700), 0 when none is found. */
long doc_date_value(const char *date);

/* Helpers shared by the stages and tested alone. */
bool doc_is_page_label(const char *s);
/* "2-14. Text" -> writes "2-14" into out and returns the length of the prefix to skip, else 0. */
size_t doc_paragraph_number(const char *s, char out[16]);
/* Publication id found in s ("ADP 3-19", "FM 3-55", "ATP 1-0.1"), written normalised into out; false if none. */
bool doc_find_publication(const char *s, char out[64]);
/* Pairs "long form (ABBR)" in a text when the initials agree; calls fn for each. */
/* What doc_text_is_poor measured on a page's text layer. */
typedef struct doc_text_quality {
    int tokens, wordlike, lines;
} doc_text_quality;
/* A page's text is poor (an OCR layer not worth keeping) when under 85% of its tokens read as words (numbers,
 * letters with vowels or all capitals, at most one case switch: "AerodyLive", "Ra-ige" and "SCODY(" do not) or
 * when it has under 2.5 tokens a line (words scattered one or two to a line); fewer than 20 tokens: under 50%
 * word-like. q (may be NULL) receives the counts. */
bool doc_text_is_poor(const doc_line *lines, size_t nlines, doc_text_quality *q);
void doc_find_first_use(const char *text, void (*fn)(const char *abbr, const char *expansion, void *arg), void *arg);

/*
 * Pages read by a document model (doctags.c, pageconv.c). The caller picks the pages the heuristics find hard
 * (doc_page_hard), renders each to an image, has a model convert it (IBM's granite-docling writes DocTags, a
 * general vision model Markdown), parses the answer (doc_parse_conversion) and puts the blocks in place of the
 * page's lines and tables (doc_page_apply_conversion), all between doc_extract and doc_analyze, so that the
 * model's page goes through the same analysis, tables and chunks as every other page.
 */
typedef enum {
    DOC_BLOCK_TEXT, DOC_BLOCK_HEADING, DOC_BLOCK_LIST_ITEM, DOC_BLOCK_CAPTION, DOC_BLOCK_PAGE_HEADER,
    DOC_BLOCK_PAGE_FOOTER, DOC_BLOCK_TABLE
} doc_block_kind;

typedef struct doc_block {
    doc_block_kind kind;
    int level;            /* headings: 1 (title, level-1 section) to 6 */
    char *text;           /* NULL for a table */
    bool has_box;         /* box is the model's (DocTags location tokens), in page points */
    doc_box box;
    doc_table table;      /* DOC_BLOCK_TABLE: not ruled, caption and number from a "Table N-N." next to it */
} doc_block;

typedef struct doc_conversion {
    const char *format;   /* "doctags" or "markdown" */
    VEC(doc_block) blocks;
} doc_conversion;

#define DOC_CONVERSION_MAX (4 << 20)  /* bytes of model output read at most */

/* Parses a model's reading of page (0-based) of width x height points: DocTags when the text has their tags,
 * else Markdown. Fails, saying why, on output that is empty, not UTF-8, too long or has no text or table. */
int doc_parse_conversion(const char *text, int page, float width, float height, doc_conversion *out, fa_err *e);
void doc_conversion_free(doc_conversion *c);
/* Why the heuristics find page p hard, in words (a table found without rules, a form, a scanned firing table,
 * low OCR confidence), or NULL; the criteria are in pageconv.c. Caller frees. */
char *doc_page_hard(const doc_page *p);
/* Fails, saying why, when c cannot be the reading of page p: under a third of the words of the page's own text
 * (a refusal, a summary, output cut off early). */
int doc_conversion_fits(const doc_page *p, const doc_conversion *c, fa_err *e);
/* Replaces page pi's lines and tables with c's blocks (taken from c, which is left empty) and sets its
 * convert_model to model and converted. The page's running header and footer lines are kept (they carry its printed label);
 * blocks without a box get the box of the page's text. */
void doc_page_apply_conversion(doc_document *d, int pi, doc_conversion *c, const char *model);
/* The bands of a page (fractions of its height) above and below which lines are running headers, footers and
 * page labels (layout.c). */
#define DOC_TOP_BAND 0.085f
#define DOC_BOTTOM_BAND 0.905f

/* Page images (render.c). Renders page (1-based) of the file at dpi (24..600) to PNG in memory (*png, caller
 * frees), the boxes on that page highlighted (boxes of other pages are ignored). */
int doc_render_page_png(const char *path, int page, int dpi, const doc_box *boxes, size_t nboxes,
                        unsigned char **png, size_t *len, fa_err *e);
/* A figure drawn as ingest recorded it (box: its 1-based page and region) to PNG in memory (*png, caller frees),
 * the same pixels and size as doc_extract_opts.figure_png gives. */
int doc_render_figure_png(const char *path, const doc_box *box, unsigned char **png, size_t *len, fa_err *e);
/* A line of text drawn at 144 dpi on a page of DOC_SAMPLE_WIDTH x DOC_SAMPLE_HEIGHT points, as PNG in memory
 * (*png, caller frees): an image whose words are known, for checking a vision or document model (`fagpt models
 * --check`). */
#define DOC_SAMPLE_WIDTH 432
#define DOC_SAMPLE_HEIGHT 240
int doc_sample_png(const char *text, unsigned char **png, size_t *len, fa_err *e);
/* The number of pages of a file MuPDF can open (PDF, PNG, JPEG, TIFF). */
int doc_page_count(const char *path, int *pages, fa_err *e);
/* Reads a chunk's boxes JSON ([[page,x0,y0,x1,y1],...], pages 1-based) into *out (caller frees). */
int doc_parse_boxes(const char *json, doc_box **out, size_t *n);

#endif
