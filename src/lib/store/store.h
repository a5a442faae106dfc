/*
 * store.h - the library's persistent state: documents, pages, chunks, terms, the quarantine, the full-text
 * index, embedding vectors and the ingest job queue. Two back ends behind one interface (store.c dispatches,
 * store_ops.h lists the functions): SQLite (store_sqlite.c, the embedded default: WAL mode, versioned migrations
 * in PRAGMA user_version, FTS5 with porter stemming and the section path weighted above body text) and
 * PostgreSQL (store_pg.c, libpq: migrations under an advisory lock, tsvector columns with GIN indexes built from
 * the same porter tokens, pgvector when installed). store_open("postgres://..." or "postgresql://...") opens
 * PostgreSQL; anything else is an SQLite file.
 *
 * One document is written in one transaction (store_put_document), so an interrupted ingest never leaves half
 * a document visible; a changed file replaces its old version inside that same transaction.
 *
 * A store handle may be used from several threads: calls are serialised inside.
 *
 *     store *s = store_open("/path/library.db", &err);
 *     store_put_document(s, &rec, chunks, &err);
 *     store_rank_chunks(s, &query, 10, &hits, &err);
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
    char *label;           /* access label: set by an admin, else store_default_label(distribution) */
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

/* Opens (creating and migrating) a library: a postgres:// or postgresql:// URL (libpq's PGHOST, PGUSER...
 * fill what it leaves out), else the path of an SQLite file. */
store *store_open(const char *path_or_url, fa_err *e);
void store_close(store *s);
/* Whether a library name is a PostgreSQL URL. */
bool store_is_url(const char *path_or_url);

/* Which back end and vector index a store uses, for `fagpt doctor`. */
typedef struct store_info {
    const char *backend;      /* "sqlite" | "postgres" */
    const char *vector_mode;  /* "in-process exact", "pgvector hnsw", "in-process exact, LISTEN/NOTIFY" */
    char detail[256];         /* server version, database, why pgvector is not used... */
} store_info;
int store_info_get(store *s, store_info *out, fa_err *e);

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

/*
 * Ranked retrieval for search.c's top-k loop (MaxScore, see search.c). A query is a list of terms - a word or a
 * phrase as typed, tokenised by the store like the index - each with its weight (idf, chosen by the caller), and
 * a required prefix: only rows holding at least one of terms[0..nrequired) are candidates, while every term
 * counts in their score. The score is BM25 (Robertson and Zaragoza, "The Probabilistic Relevance Framework",
 * 2009, eq. 3.15; k1 = 1.2, b = 0.75, term frequencies summed over the fields, the heading's occurrences
 * weighing 1.5 and the body's 1), so that a term's share of any row's score is below
 * STORE_BM25_BOUND * its weight: the bound the caller's early termination relies on.
 * When restricted, rows of documents outside allowed (ids, ascending) are never candidates.
 */
#define STORE_BM25_BOUND 2.2 /* k1 + 1 */
/* A weight this small (FTS5's least idf, of a word in over half the rows) counts for nothing in a score: such a
 * term, when not required, is left out of the scoring. */
#define STORE_WEIGHT_FLOOR 1e-6
typedef struct store_rank_query {
    const char *const *terms;
    const double *weights;
    size_t nterms, nrequired;
    const long long *allowed;
    size_t nallowed;
    bool restricted;
} store_rank_query;
/* The best limit chunks for the query, best first (score: BM25 as above). */
int store_rank_chunks(store *s, const store_rank_query *q, int limit, store_hits *out, fa_err *e);
/* The BM25 over whole pages (one field), every term weighing, of the given pages (their doc_id and page; n of
 * them), or with pages NULL of every page holding one of the required terms (for a small library): appended to
 * out in any order, pages holding none of the terms left out (q's restriction is not used). */
typedef struct store_page_score {
    long long doc_id;
    int page;       /* 1-based */
    double score;
} store_page_score;
typedef VEC(store_page_score) store_page_scores;
int store_score_pages(store *s, const store_rank_query *q, const store_page_score *pages, size_t n,
                      store_page_scores *out, fa_err *e);
/* Number of chunks holding the phrase (its words adjacent, tokenised like the index), counted up to limit. */
int store_phrase_df(store *s, const char *phrase, long long limit, long long *df, fa_err *e);
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
/* The k nearest vectors of (model, dim) to q by inner product, when the back end has its own vector index
 * (pgvector): returns 1 and fills out, best first. Returns 0 when it has none (the caller scans with
 * store_scan_vectors), -1 on error. */
typedef struct store_vector_hit {
    long long id;
    float score;
} store_vector_hit;
typedef VEC(store_vector_hit) store_vector_hits;
int store_vector_knn(store *s, const char *model, int dim, const float *q, int k, store_vector_hits *out, fa_err *e);
/* One chunk as a search hit (score 0). 1 found, 0 not, -1 error. */
int store_hit_by_chunk(store *s, long long chunk_id, store_hit *out, fa_err *e);
void store_chunk_texts_free(store_chunk_texts *v);
void store_vector_set_list_free(store_vector_set_list *v);
/*
 * The vector index's persistence (search/vindex.c). A vector set's generation grows with every insert or delete
 * of its vectors (0: none ever); the index is stored with the generation it reflects, per (model, dim, kind).
 * store_serial is unique among the handles this process opened (a cache key that a reused address cannot fool).
 */
unsigned long long store_serial(const store *s);
int store_vector_gen(store *s, const char *model, int dim, long long *gen, fa_err *e);
/* Calls fn for every vector of (model, dim) with its chunk's document. */
int store_scan_vectors_docs(store *s, const char *model, int dim,
                            void (*fn)(long long id, long long doc_id, const float *v, void *arg), void *arg,
                            fa_err *e);
/* 1 and *data (caller frees) when an index of that kind is stored, 0 when none, -1 on error. */
int store_get_vector_index(store *s, const char *model, int dim, const char *kind, long long *gen, void **data,
                           size_t *len, fa_err *e);
int store_put_vector_index(store *s, const char *model, int dim, const char *kind, long long gen, long long count,
                           const void *data, size_t len, fa_err *e);

/*
 * The ingest job queue: files to ingest, taken by workers (`fagpt worker`) on any machine that reaches the
 * database and the file's path. A worker takes a job with a lease (PostgreSQL: FOR UPDATE SKIP LOCKED), renews
 * it while it works (store_job_progress, which also records pages done), and commits the document and the job's
 * completion in one transaction (store_put_document_job). A job whose lease expired (its worker died) is taken
 * again; after STORE_JOB_MAX_ATTEMPTS takings it fails. States: "queued", "running", "done", "failed".
 */
#define STORE_JOB_MAX_ATTEMPTS 3
typedef struct store_job {
    long long id, doc_id;
    char *path, *state, *worker, *message;
    char *created_at, *lease_until, *finished_at;  /* ISO 8601 UTC, or NULL */
    int attempts, pages_done, pages_total;
} store_job;
typedef VEC(store_job) store_jobs;
/* Queues a file (an absolute path). Returns 1 when queued, 0 when an open job already holds the path (*id is
 * that job), -1 on error. */
int store_job_add(store *s, const char *path, long long *id, fa_err *e);
/* Takes the oldest queued job, or one whose lease expired, for lease_s seconds. 1 taken, 0 none, -1 error. */
int store_job_take(store *s, const char *worker, int lease_s, store_job *out, fa_err *e);
/* Renews the lease and records progress. 1 while the job is still this worker's, 0 when it lost it, -1 error. */
int store_job_progress(store *s, long long id, const char *worker, int lease_s, int pages_done, int pages_total,
                       fa_err *e);
/* Ends a job without a new document: done (the file was already in the library as doc_id) or failed with a
 * message. 1 ended, 0 when it was no longer this worker's, -1 error. */
int store_job_finish(store *s, long long id, const char *worker, bool ok, long long doc_id, const char *message,
                     fa_err *e);
/* store_put_document and the job's completion in one transaction, so a document is committed exactly once:
 * 0 committed (or already present with the same path and content: nothing written twice), 1 when the job is no
 * longer this worker's (nothing written), -1 on error. */
int store_put_document_job(store *s, store_doc *rec, const doc_document *d, const doc_chunks *chunks,
                           long long job_id, const char *worker, fa_err *e);
/* Every job, oldest first. */
int store_jobs_list(store *s, store_jobs *out, fa_err *e);
void store_job_free(store_job *j);
void store_jobs_free(store_jobs *v);

/* `fagpt migrate`: copies every table of an SQLite library that the PostgreSQL library also has (documents,
 * pages, chunks, terms, vectors, quarantine, jobs, and whatever later migrations add), ids kept, then counts
 * the rows on both sides. The target must hold no documents. One row per table in out. */
typedef struct store_table_count {
    char *table;
    long long source, target;
} store_table_count;
typedef VEC(store_table_count) store_table_counts;
int store_migrate_to_pg(const char *sqlite_path, const char *url, store_table_counts *out, fa_err *e);
void store_table_counts_free(store_table_counts *v);

/* The document as JSON (store_json.c), as `fagpt docs --json` and the web API give it; with_path adds the
 * file's path on this machine (the CLI; the web API leaves it out). */
void store_doc_json(strbuf *b, const store_doc *d, bool with_path);
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
    char *description, *png_path; /* png_path: where its PNG is kept, drawn when first wanted (ingest_figure_png) */
    int width, height;
    doc_box box;                  /* its region: 1-based page, points from the page's top left */
} store_figure;
typedef VEC(store_figure) store_figures;
int store_figures_list(store *s, long long doc_id, store_figures *out, fa_err *e);
void store_figures_free(store_figures *v);
/* As JSON (store_json.c), the objects of `fagpt tables --json`, `fagpt table --json` (the cells as
 * doc_table_json) and `fagpt figures --json` (with_path: each PNG's path on this machine; the web API leaves it
 * out and serves the image itself). */
void store_tables_json(strbuf *b, const store_doc *d, const store_tables *v);
void store_table_json(strbuf *b, const store_doc *d, const store_table *t);
void store_figures_json(strbuf *b, const store_doc *d, const store_figures *v, bool with_path);

/* The pages a document model was asked to convert at ingest (FAGPT_DOC_MODEL, doc_page_hard): why each was
 * chosen, the model, and whether its reading replaced the heuristic one (else detail says why not). */
typedef struct store_page_conversion {
    int page;             /* 1-based */
    char *page_label, *reason, *model;
    bool converted;
    char *detail;
} store_page_conversion;
typedef VEC(store_page_conversion) store_page_conversions;
int store_page_conversions_list(store *s, long long doc_id, store_page_conversions *out, fa_err *e);
void store_page_conversions_free(store_page_conversions *v);
/* As the JSON array of `fagpt docs DOC --json` and the web API's document view: [{"page", "page_label",
 * "reason", "model", "converted", "detail"}]. */
void store_page_conversions_json(strbuf *b, const store_page_conversions *v);

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

/*
 * Accounts group: users, sessions, API tokens, the audit log and document access labels (the web server's
 * state). Secrets never reach the store: passwords arrive as Argon2id hash strings, session ids and tokens as
 * SHA-256 hex of the secret. Functions returning 1/0/-1: found or changed / not found / error.
 */
typedef struct store_user {
    char *username, *hash, *role;  /* role: "admin", "operator", "viewer" */
    char *labels;                  /* the access labels the user may read, comma-separated */
    char *created_at;
} store_user;
typedef VEC(store_user) store_users;
typedef struct store_session {
    char *username, *csrf;
    long long expires;             /* Unix seconds */
} store_session;
typedef struct store_token {
    long long id;
    char *username, *name, *created_at;
} store_token;
typedef VEC(store_token) store_tokens;
typedef struct store_audit_event {
    char *at, *username, *action, *target, *detail;
} store_audit_event;
typedef VEC(store_audit_event) store_audit_events;

/* Adds a user; an existing name is an error saying so. */
int store_user_add(store *s, const store_user *u, fa_err *e);
int store_user_get(store *s, const char *username, store_user *out, fa_err *e);
int store_user_list(store *s, store_users *out, fa_err *e);
int store_user_count(store *s, long long *n, fa_err *e);
/* Changes the fields that are not NULL; a new hash ends the user's sessions. 1/0/-1. */
int store_user_update(store *s, const char *username, const char *hash, const char *role, const char *labels,
                      fa_err *e);
/* Removes a user with their sessions and tokens. 1/0/-1. */
int store_user_delete(store *s, const char *username, fa_err *e);
/* Sessions by the hash of their id; expired ones are never returned (and are dropped when a session starts). */
int store_session_add(store *s, const char *id_hash, const char *username, const char *csrf, long long expires,
                      fa_err *e);
int store_session_get(store *s, const char *id_hash, long long now, store_session *out, fa_err *e);
int store_session_delete(store *s, const char *id_hash, fa_err *e);
/* API tokens by the hash of the token; list and delete are limited to one user unless username is NULL. */
int store_token_add(store *s, const char *hash, const char *username, const char *name, long long *id, fa_err *e);
int store_token_find(store *s, const char *hash, store_token *out, fa_err *e);
int store_token_list(store *s, const char *username, store_tokens *out, fa_err *e);
int store_token_delete(store *s, long long id, const char *username, fa_err *e);
/* The audit log: sign-ins (and failed ones), uploads, deletions, label and user changes; newest first. */
int store_audit_add(store *s, const char *username, const char *action, const char *target, const char *detail,
                    fa_err *e);
int store_audit_list(store *s, int limit, store_audit_events *out, fa_err *e);
/* The outline of a document: each section path in reading order with its first page (1-based) and label. */
typedef struct store_outline_row {
    char *section, *page_label;
    int page;
} store_outline_row;
typedef VEC(store_outline_row) store_outline;
int store_doc_outline(store *s, long long doc_id, store_outline *out, fa_err *e);
void store_outline_free(store_outline *v);
/* A number that changes whenever the library's documents may have changed: written, removed or relabelled
 * through this handle, or anything committed by another connection (another process's ingest). Caches of
 * results (the web server's search cache) compare it. */
long long store_library_version(store *s);
/* Sets a document's access label. 1/0/-1. */
int store_set_label(store *s, long long doc_id, const char *label, fa_err *e);
/* The default label for a distribution statement: "DISTRIBUTION A".."DISTRIBUTION F", else "UNLABELLED".
 * Caller frees. Pure: shared by every store implementation. */
char *store_default_label(const char *distribution);
void store_user_free(store_user *u);
void store_users_free(store_users *v);
void store_session_free(store_session *x);
void store_token_free(store_token *t);
void store_tokens_free(store_tokens *v);
void store_audit_events_free(store_audit_events *v);

#endif
