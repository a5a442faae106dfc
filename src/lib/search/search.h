/*
 * search.h - lexical retrieval over the store: the question is checked, tokenised with the index's own
 * stemmer, stop words dropped, acronyms expanded both ways from the terms table ("FSCM" <-> "fire support
 * coordination measure"), then BM25 (FTS5) candidates are re-ranked by how much of the question's weight
 * (inverse document frequency) each chunk covers, so a passage that answers every part of the question beats
 * one that repeats a single word.
 *
 *     search_query q;
 *     if (search_prepare(st, "what is an FSCM", &q, &err) != 0) ... err.msg is for the user
 *     store_hits hits = {0};
 *     search_run(st, &q, 5, &hits, &err);
 *     search_query_free(&q);
 */
#ifndef FAGPT_SEARCH_H
#define FAGPT_SEARCH_H

#include "store/store.h"

#define SEARCH_MAX_QUERY 4000

typedef struct search_concept {
    char *word;            /* as typed, or the acronym/expansion it was expanded from */
    str_vec stems;         /* one stem for a word; several for an expansion phrase (all must be present) */
    VEC(int) ids;          /* the stems' indexes in the query's vocabulary */
    double idf;
    double df_ratio;       /* share of chunks holding it (the rarest of a phrase's words) */
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
    char *match;           /* the FTS5 MATCH expression */
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
 * Hybrid retrieval (hybrid.c): the BM25 results of search_run and an exact dense search over the library's
 * vectors of (model, dim) - a float32 dot product over normalised vectors - fused by reciprocal rank
 * (1 / (60 + rank) summed over both lists). qvec is the question's embedding, normalised (search_normalize).
 * Hits' scores are the fused scores.
 */
int search_hybrid(store *s, const search_query *q, const char *model, const float *qvec, int dim, int k,
                  store_hits *out, fa_err *e);
/* Scales v to unit length (a zero vector stays zero). */
void search_normalize(float *v, int dim);
/* The dot product of two float32 vectors (SIMD through GCC's vector extensions). */
float search_dot(const float *a, const float *b, int dim);

#endif
