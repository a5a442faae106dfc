/* hybrid.c - the float32 dot product, and the reciprocal-rank fusion of BM25 with dense retrieval (vindex.c)
 * (see search_hybrid in search.h). */
#include "search.h"

#include "core/config.h"

#include <stdlib.h>
#include <string.h>

#define RRF_K 60.0
#define MIN_CANDIDATES 20

typedef struct fused {
    long long id;
    double score;
    long bm25;      /* index in the BM25 hits, or -1 */
} fused;

static int by_score(const void *a, const void *b)
{
    const fused *x = a, *y = b;
    return x->score < y->score ? 1 : x->score > y->score ? -1 : (x->id > y->id) - (x->id < y->id);
}

int search_hybrid(store *s, const search_query *q, const char *model, const float *qvec, int dim, int k,
                  store_hits *out, fa_err *e)
{
    size_t cand = (size_t)(k * 4 > MIN_CANDIDATES ? k * 4 : MIN_CANDIDATES);
    store_hits bm = {0};
    if (search_run(s, q, (int)cand, &bm, e) != 0)
        return -1;
    search_vec_kind kind;
    const char *want = fa_setting("FAGPT_VECTOR_INDEX");
    if (search_vec_kind_parse(want, &kind) != 0) {
        store_hits_free(&bm);
        return fa_fail(e, "FAGPT_VECTOR_INDEX is '%s'; use auto, exact, int8 or hnsw", want);
    }
    search_scored *dense = xcalloc(cand, sizeof *dense);
    size_t ndense = 0;
    if (search_dense(s, q, model, qvec, dim, (int)cand, kind, dense, &ndense, NULL, e) != 0) {
        free(dense);
        store_hits_free(&bm);
        return -1;
    }
    VEC(fused) f = {0};
    for (size_t i = 0; i < bm.n; i++)
        VEC_PUSH(f, ((fused){bm.v[i].chunk_id, 1.0 / (RRF_K + (double)i + 1), (long)i}));
    for (size_t i = 0; i < ndense; i++) {
        size_t j = 0;
        while (j < f.n && f.v[j].id != dense[i].id)
            j++;
        if (j == f.n)
            VEC_PUSH(f, ((fused){dense[i].id, 0, -1}));
        f.v[j].score += 1.0 / (RRF_K + (double)i + 1);
    }
    free(dense);
    if (f.n)
        qsort(f.v, f.n, sizeof *f.v, by_score);
    int rc = 0;
    for (size_t i = 0; i < f.n && out->n < (size_t)k && rc == 0; i++) {
        store_hit h;
        if (f.v[i].bm25 >= 0) {
            h = bm.v[f.v[i].bm25];
            memset(&bm.v[f.v[i].bm25], 0, sizeof h); /* moved out */
        } else {
            int got = store_hit_by_chunk(s, f.v[i].id, &h, e);
            if (got < 0)
                rc = -1;
            if (got <= 0)
                continue;
        }
        h.score = f.v[i].score;
        VEC_PUSH(*out, h);
    }
    free(f.v);
    store_hits_free(&bm);
    return rc;
}
