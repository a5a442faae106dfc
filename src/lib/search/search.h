/*
 * search.h - lexical retrieval over the store: the question is checked, tokenised with the index's own
 * stemmer, stop words dropped, acronyms expanded both ways from the terms table ("FSCM" <-> "fire support
 * coordination measure"), then the best BM25 candidates (found with MaxScore early termination, so that a
 * common word's long posting list is never walked) are re-ranked by their page's BM25 and by how much of the
 * question's weight (inverse document frequency) each chunk covers, so a passage that answers every part of the
 * question beats one that repeats a single word.
 *
 *     search_query q;
 *     if (search_prepare(st, "what is an FSCM", &q, &err) != 0) ... err.msg is for the user
 *     store_hits hits = {0};
 *     search_run(st, &q, 5, &hits, &err);
 *     search_query_free(&q);
 */
#ifndef FAGPT_SEARCH_H
#define FAGPT_SEARCH_H

#include <stdint.h>

#include "store/store.h"

#define SEARCH_MAX_QUERY 4000

typedef struct search_concept {
    char *word;            /* as typed, or the acronym/expansion it was expanded from */
    str_vec stems;         /* one stem for a word; several for an expansion phrase (all must be present) */
    VEC(int) ids;          /* the stems' indexes in the query's vocabulary */
    double idf;
    double df_ratio;       /* share of chunks holding it (the rarest of a phrase's words) */
    long long df;          /* chunks holding it (the rarest of a phrase's words) */
    bool expansion;        /* added by acronym expansion, not typed */
    bool bigram;           /* two adjacent typed words, a ranking bonus only */
    int group;             /* concepts of one group (a word and its expansions) are satisfied by any member */
} search_concept;

typedef struct search_query {
    char *text;
    VEC(search_concept) concepts;
    int ngroups;
    long long library_chunks; /* chunks in the library when the query was prepared */
    int unknown_names;     /* typed names (with digits or capitals: "M119A3", "HIMARS") found nowhere in the library */
    double total_weight;   /* sum over groups of the group's idf */
    /* The ranked terms (typed words and expansions, see build_terms in search.c), rarest first, with their
     * BM25 idf and the number of chunks holding each. */
    str_vec terms;
    VEC(double) term_idf;
    VEC(long long) term_df;
    str_vec subject;       /* "what is X": the stems of X, else empty */
    str_vec copulas;       /* stems of "is", "are", "means"...: what follows X in its definition */
    str_vec vocab;         /* every distinct stem above; a passage is matched against these alone */
    VEC(int) subject_ids, copula_ids;
    /* When restricted, the only documents the search may return (ids, ascending): those whose access label the
     * user holds and that pass the publication, type and date filters. Applied before ranking and the top k, so
     * a hidden document changes no count, score or rank a user sees. Not restricted: every document. */
    VEC(long long) allowed_docs;
    bool restricted;
} search_query;

/* JSON (json.c): one hit, and the `fagpt search --json` object {"query", "results": [...]} (no newline). */
void search_hit_json(strbuf *b, const store_hit *h);
void search_results_json(strbuf *b, const char *query, const store_hits *hits);

/* Checks the question (empty, too long, control characters, invalid UTF-8) and builds the query. */
int search_prepare(store *s, const char *text, search_query *q, fa_err *e);
int search_run(store *s, const search_query *q, int k, store_hits *out, fa_err *e);
/* Share (0..1) of the query's weight present in text, as used for ranking; when words is not NULL, also the
 * share of the question's words alone (no bigram or definition bonus), which decides whether a passage answers. */
double search_coverage(store *s, const search_query *q, const char *text, double *words);
void search_query_free(search_query *q);

/*
 * Restriction (restrict.c): the documents a user may see and the filters they chose. labels: the access labels
 * the user holds (comma-separated); restrict_labels false means every label (an admin, --no-auth, the CLI).
 * publication ("ADP 3-19", spacing and case ignored), type (the series: "ADP", "FM", "ATP"), since/until
 * (YYYY-MM-DD, inclusive; an undated document matches no range). NULL fields do not filter.
 */
typedef struct search_filter {
    const char *labels;
    bool restrict_labels;
    const char *publication, *type, *since, *until;
} search_filter;
/* Fills q->allowed_docs (and sets q->restricted) when f filters anything; checks the dates (-1 with e). */
int search_restrict(store *s, search_query *q, const search_filter *f, fa_err *e);
/* Whether one document passes f; whether f filters anything; whether a label is in a comma-separated list. */
bool search_doc_allowed(const store_doc *d, const search_filter *f);
bool search_filter_active(const search_filter *f);
bool search_label_held(const char *labels, const char *label);
/* Checks f's dates (a clear error naming the bad one). */
int search_filter_check(const search_filter *f, fa_err *e);
/* "2019-07-31", "31 July 2019" or "July 2019" (day 1) as YYYY-MM-DD into out; -1 when it is none of these. */
int search_parse_date(const char *text, char out[11]);

/*
 * Hybrid retrieval (hybrid.c): the BM25 results of search_run and a dense search over the library's vectors of
 * (model, dim) (search_dense, with the index FAGPT_VECTOR_INDEX names, default auto), fused by reciprocal rank
 * (1 / (60 + rank) summed over both lists). qvec is the question's embedding, normalised (search_normalize).
 * Both lists honour q->allowed_docs. Hits' scores are the fused scores.
 */
int search_hybrid(store *s, const search_query *q, const char *model, const float *qvec, int dim, int k,
                  store_hits *out, fa_err *e);
/* Scales v to unit length (a zero vector stays zero). */
void search_normalize(float *v, int dim);
/* The dot product of two float32 vectors (SIMD through GCC's vector extensions). */
float search_dot(const float *a, const float *b, int dim);

/* int8 quantisation (vindex.c): out[i] = round(v[i] / scale) with the vector's own scale max|v| / 127, which is
 * returned; a dot product is then scale_a * scale_b * search_dot_i8(a, b) (int32 accumulation, SIMD). */
float search_quantize_i8(const float *v, int dim, int8_t *out);
int32_t search_dot_i8(const int8_t *a, const int8_t *b, int dim);

typedef struct search_scored {
    long long id;          /* chunk id */
    float score;           /* dot product with the query (cosine: the vectors are normalised) */
} search_scored;

/*
 * HNSW (hnsw.c): an approximate nearest-neighbour graph (Malkov & Yashunin) over normalised float32 vectors,
 * M links per node (2 M at layer 0), efConstruction candidates while building. Each node has the caller's id
 * (unique) and a tag (the chunk's document, for filters). Searches may run from several threads; building
 * (add, add_many, remove) excludes searches.
 */
typedef struct search_hnsw search_hnsw;
search_hnsw *search_hnsw_new(int dim, int M, int ef_construction, uint64_t seed);
void search_hnsw_free(search_hnsw *h);
/* Inserts a vector (copied); -1 when the id is already there. */
int search_hnsw_add(search_hnsw *h, long long id, long long tag, const float *v);
/* Inserts n vectors (ids not already there; tags may be NULL), with up to threads threads (more than one only
 * for 1,000 vectors or more; the graph is then not the same from run to run). Returns how many were added. */
size_t search_hnsw_add_many(search_hnsw *h, size_t n, const long long *ids, const long long *tags, const float *vecs,
                            int threads);
/* The k nearest (at most) with a candidate list of ef (>= k), best first; with ok, only nodes whose tag it
 * accepts are returned (the graph is still walked through the others). Returns how many were written. */
size_t search_hnsw_search(search_hnsw *h, const float *q, int k, int ef, bool (*ok)(long long tag, void *arg),
                          void *arg, search_scored *out);
/* Removes the nodes with dead[i] set (search_hnsw_size(h) flags), reconnecting their neighbours. */
void search_hnsw_remove(search_hnsw *h, const unsigned char *dead);
size_t search_hnsw_size(const search_hnsw *h);
int search_hnsw_dim(const search_hnsw *h);
long search_hnsw_find(const search_hnsw *h, long long id);   /* node index, -1 when absent */
long long search_hnsw_id(const search_hnsw *h, size_t i);
long long search_hnsw_tag(const search_hnsw *h, size_t i);
const float *search_hnsw_vector(const search_hnsw *h, size_t i);
void search_hnsw_set(search_hnsw *h, size_t i, long long tag, const float *v);
size_t search_hnsw_memory(const search_hnsw *h);           /* bytes held, vectors included */
/* The graph without vectors, and back (vectors zero: fill them with search_hnsw_set). A damaged or foreign
 * blob is an error, never a crash. */
void search_hnsw_save(const search_hnsw *h, strbuf *out);
search_hnsw *search_hnsw_load(const void *data, size_t len, int dim, fa_err *e);

/*
 * The dense index (vindex.c), chosen by FAGPT_VECTOR_INDEX (or the config file's vector_index):
 *   exact  every vector, float32 dot products (SIMD): exact, 4 bytes a dimension;
 *   int8   every vector quantised to int8 with its own scale: a quarter of the memory, recall@10 about 0.97-0.99
 *          of float32's on 768-dimensional embeddings (bench/RESULTS.md);
 *   hnsw   the HNSW graph, persisted in the store (vector_index table) with the vector set's generation and
 *          brought up to date incrementally (new vectors inserted, deleted ones removed; rebuilt when more than
 *          a quarter changed);
 *   auto   (default) exact below SEARCH_HNSW_MIN vectors, hnsw from there: below it an exact scan costs a few
 *          milliseconds, less than the graph's upkeep, and is never wrong.
 * The index stays in memory for the process (one (store, model, dim) at a time) until the vectors change.
 * A restricted query (q->allowed_docs) skips other documents' vectors before the top k is taken; with HNSW a
 * restriction to under a tenth of the vectors is searched exactly.
 */
#define SEARCH_HNSW_MIN 20000
typedef enum { SEARCH_VEC_AUTO, SEARCH_VEC_EXACT, SEARCH_VEC_INT8, SEARCH_VEC_HNSW } search_vec_kind;
/* NULL or "" -> auto; -1 on an unknown name. */
int search_vec_kind_parse(const char *name, search_vec_kind *out);
const char *search_vec_kind_name(search_vec_kind k);
typedef struct search_dense_info {
    search_vec_kind kind;  /* the index used (never auto) */
    size_t vectors;
    bool built, updated, cached; /* hnsw: built now, or brought up to date; any: reused from memory */
} search_dense_info;
/* The best k vectors of (model, dim) for qvec into out (room for k); *nout gets how many. q may be NULL (no
 * restriction). info may be NULL. */
int search_dense(store *s, const search_query *q, const char *model, const float *qvec, int dim, int k,
                 search_vec_kind kind, search_scored *out, size_t *nout, search_dense_info *info, fa_err *e);
/* Brings the stored HNSW graph of (model, dim) up to date now (built, or updated and stored again), when kind is
 * or resolves to hnsw, so that the first question after embedding does not wait for it; else does nothing. */
int search_dense_prepare(store *s, const char *model, int dim, search_vec_kind kind, search_dense_info *info,
                         fa_err *e);

#endif
