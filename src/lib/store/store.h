/*
 * store.h - the library's persistent state: documents, pages, chunks, terms, the quarantine, and the full-text
 * index. This implementation is SQLite (store_sqlite.c): WAL mode, versioned migrations (PRAGMA user_version),
 * FTS5 with porter stemming and the section path weighted above body text.
 *
 * One document is written in one transaction (store_put_document), so an interrupted ingest never leaves half
 * a document visible; a changed file replaces its old version inside that same transaction.
 *
 * A store handle may be used from several threads: calls are serialised inside.
 *
 *     store *s = store_open("/path/library.db", &err);
 *     store_put_document(s, &rec, chunks, &err);
 *     store_search(s, &query, &hits, &err);
 *     store_close(s);
 */
#ifndef FAGPT_STORE_H
#define FAGPT_STORE_H

#include "core/core.h"
#include "doc/doc.h"

typedef struct store store;

typedef struct store_doc {
    long long id;
    char *path, *file_name, *sha256;
    char *publication, *title, *date, *distribution, *supersedes;
    int pages, chunks;
    char *status;          /* "ready" */
    char *ingested_at;     /* ISO 8601 UTC */
    long long size_bytes;
    /* Superseded: the edition that supersedes it (0: current), its publication and date, why, and the current
     * edition at the end of the chain (the same as superseded_by unless that one is superseded too). */
    long long superseded_by, current_id;
    char *superseded_by_pub, *superseded_by_date, *superseded_reason;
    /* Writing only: the PNG file of each of the document's figures (in order), or NULL. */
    char **figure_paths;
    size_t nfigure_paths;
} store_doc;

typedef struct store_hit {
    long long chunk_id, doc_id;
    char *doc, *publication, *title;  /* file name, publication id, title */
    int page, page_end;               /* 1-based */
    char *page_label, *page_label_end;
    char *section, *paragraph, *text, *boxes; /* boxes: JSON [[page,x0,y0,x1,y1],...], pages 1-based */
    double score;                     /* higher is better */
} store_hit;

typedef VEC(store_hit) store_hits;
typedef VEC(store_doc) store_docs;

typedef struct store_quarantined {
    char *path, *reason, *at;
} store_quarantined;
typedef VEC(store_quarantined) store_quarantine_list;

store *store_open(const char *db_path, fa_err *e);
void store_close(store *s);

/* Looks a file up by content hash. Returns 1 and fills *out when found, 0 when not, -1 on error. */
int store_find_by_sha(store *s, const char *sha256, store_doc *out, fa_err *e);
/* Looks a document up by id, file name or publication id ("ADP 3-19", case and spacing ignored). 1/0/-1. */
int store_find_doc(store *s, const char *ref, store_doc *out, fa_err *e);

/* Writes a parsed document and its chunks and terms in one transaction, replacing any document with the same
 * path (that is a changed file). Fills rec->id. */
int store_put_document(store *s, store_doc *rec, const doc_document *d, const doc_chunks *chunks, fa_err *e);
int store_delete_document(store *s, long long id, fa_err *e);
int store_list_documents(store *s, store_docs *out, fa_err *e);

int store_quarantine_add(store *s, const char *path, const char *reason, fa_err *e);
int store_quarantine_remove(store *s, const char *path, fa_err *e);
int store_quarantine_list_all(store *s, store_quarantine_list *out, fa_err *e);

/* Runs an FTS5 MATCH expression and returns up to limit hits, best first (score = -bm25). */
int store_fts(store *s, const char *match, int limit, store_hits *out, fa_err *e);
/* The same over whole pages: the best pages for a MATCH expression, with their BM25 (higher is better). */
typedef struct store_page_score {
    long long doc_id;
    int page;       /* 1-based */
    double score;
} store_page_score;
typedef VEC(store_page_score) store_page_scores;
int store_fts_pages(store *s, const char *match, int limit, store_page_scores *out, fa_err *e);
/* Expansions recorded for a term (acronym), appended to out; and the terms whose expansion equals a phrase. */
int store_term_expansions(store *s, const char *term, str_vec *out, fa_err *e);
int store_terms_for_phrase(store *s, const char *phrase, str_vec *out, fa_err *e);
/* Number of chunks whose index holds the (already stemmed) token, and the total number of chunks. */
int store_token_df(store *s, const char *token, long long *df, long long *total, fa_err *e);
/* Tokenises text with the index's own tokenizer (porter unicode61): calls fn for each token. */
int store_tokenize(store *s, const char *text, void (*fn)(const char *tok, int len, void *arg), void *arg, fa_err *e);

/* A term looked up for `fagpt define`: an acronym's expansion or a glossary definition, with its citation. */
typedef struct store_define_row {
    char *term;            /* as the document spells it ("FSCM", "fire support") */
    char *text;            /* the expansion, or the definition */
    char *doc, *publication, *page_label;
    int page;              /* 1-based */
    bool glossary;         /* from a glossary (else an acronym's first use in the text) */
} store_define_row;
typedef VEC(store_define_row) store_define_rows;
/* Expansions of TERM as an acronym, and glossary definitions of TERM or of its expansions, appended to the two
 * lists (glossary entries first). */
int store_define(store *s, const char *term, store_define_rows *expansions, store_define_rows *definitions, fa_err *e);
void store_define_rows_free(store_define_rows *v);

/* Cross-references of one document for `fagpt refs`. cites: publications it cites (target; doc: the library's
 * copy, or NULL); cited_by: documents citing it (target: their publication id; doc: their file); internal:
 * paragraphs, figures and tables it refers to (kind "paragraph", "figure", "table"). Each with the number of
 * mentions and the first page (1-based) and its printed label. */
typedef struct store_ref_row {
    char *target, *doc, *kind;
    int count, page;
    char *page_label;
} store_ref_row;
typedef VEC(store_ref_row) store_ref_rows;
int store_refs(store *s, long long doc_id, store_ref_rows *cites, store_ref_rows *cited_by, store_ref_rows *internal,
               fa_err *e);
void store_ref_rows_free(store_ref_rows *v);
/*
 * Embedding vectors, one per chunk, float32 and normalised, each row recording the model and dimension that
 * made it. Chunks to embed are those without a vector from this model (so an interrupted run resumes).
 */
typedef struct store_chunk_text {
    long long id;
    char *text;          /* heading and text, as embedded */
} store_chunk_text;
typedef VEC(store_chunk_text) store_chunk_texts;
typedef struct store_vector_set {
    char *model;
    int dim;
    long long count;
} store_vector_set;
typedef VEC(store_vector_set) store_vector_set_list;
int store_chunks_to_embed(store *s, const char *model, int limit, store_chunk_texts *out, fa_err *e);
/* Stores n vectors (n * dim floats) in one transaction, replacing any older vector of those chunks. */
int store_put_vectors(store *s, const char *model, int dim, const long long *ids, const float *vecs, size_t n,
                      fa_err *e);
int store_clear_vectors(store *s, fa_err *e);
/* The library's vector sets (model, dimension, count), the largest first. */
int store_vector_sets(store *s, store_vector_set_list *out, fa_err *e);
/* Calls fn for every vector of (model, dim). */
int store_scan_vectors(store *s, const char *model, int dim, void (*fn)(long long id, const float *v, void *arg),
                       void *arg, fa_err *e);
/* One chunk as a search hit (score 0). 1 found, 0 not, -1 error. */
int store_hit_by_chunk(store *s, long long chunk_id, store_hit *out, fa_err *e);
void store_chunk_texts_free(store_chunk_texts *v);
void store_vector_set_list_free(store_vector_set_list *v);

/* Tables of a document (`fagpt tables`, `fagpt table`): seq numbers them 1.. in reading order; cells is the JSON
 * of doc_table_json, markdown its rendering (both NULL in lists). Pages are 1-based. */
typedef struct store_table {
    int seq;
    char *number, *caption;
    int page, page_end;
    char *page_label;
    int nrows, ncols, header_rows;
    bool ruled;
    char *cells, *markdown;
} store_table;
typedef VEC(store_table) store_tables;
int store_tables_list(store *s, long long doc_id, store_tables *out, fa_err *e);
/* Table seq of a document: 1 found, 0 not, -1 error. */
int store_table_get(store *s, long long doc_id, int seq, store_table *out, fa_err *e);
void store_table_free(store_table *t);
void store_tables_free(store_tables *v);

/* Figures of a document (`fagpt figures`): caption, printed page, kind ("raster", "vector", "mixed"), the text
 * inside (ocr: read by OCR), a vision model's description and the PNG file with its size in pixels. */
typedef struct store_figure {
    int seq;
    char *number, *caption;
    int page;
    char *page_label, *kind, *text;
    bool ocr;
    char *description, *png_path;
    int width, height;
} store_figure;
typedef VEC(store_figure) store_figures;
int store_figures_list(store *s, long long doc_id, store_figures *out, fa_err *e);
void store_figures_free(store_figures *v);

/* The ids of the superseded documents, ascending (search demotes them). */
typedef VEC(long long) store_ids;
int store_superseded_ids(store *s, store_ids *out, fa_err *e);

/* Tabular firing tables of a document (`fagpt tft`): the list (rows and range span each), and one table
 * with its rows ascending by range (1 found, 0 not, -1 error; free with doc_firing_table_free). */
typedef struct store_firing_table {
    int seq;
    char *weapon, *projectile, *charge;
    int page, page_end;    /* 1-based */
    char *page_label;
    int rows;
    double range_min, range_max;
} store_firing_table;
typedef VEC(store_firing_table) store_firing_table_list;
int store_firing_tables(store *s, long long doc_id, store_firing_table_list *out, fa_err *e);
void store_firing_table_list_free(store_firing_table_list *v);
int store_firing_table_get(store *s, long long doc_id, int seq, doc_firing_table *out, fa_err *e);

void store_doc_free(store_doc *d);
void store_docs_free(store_docs *v);
void store_hits_free(store_hits *v);
void store_hit_free(store_hit *h);
void store_quarantine_list_free(store_quarantine_list *v);

#endif
