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

/* Checks the question (empty, too long, control characters, invalid UTF-8) and builds the query. */
int search_prepare(store *s, const char *text, search_query *q, fa_err *e);
int search_run(store *s, const search_query *q, int k, store_hits *out, fa_err *e);
/* Share (0..1) of the query's weight present in text, as used for ranking; when words is not NULL, also the
 * share of the question's words alone (no bigram or definition bonus), which decides whether a passage answers. */
double search_coverage(store *s, const search_query *q, const char *text, double *words);
void search_query_free(search_query *q);

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
