/* hybrid.c - dense retrieval over the library's embedding vectors (exact: a dot product with every vector) and
 * its reciprocal-rank fusion with BM25 (see search_hybrid in search.h). */
#include "search.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define RRF_K 60.0
#define MIN_CANDIDATES 20

typedef float v8f __attribute__((vector_size(32)));

float search_dot(const float *a, const float *b, int dim)
{
    v8f acc = {0};
    int i = 0;
    for (; i + 8 <= dim; i += 8) {
        v8f x, y;
        memcpy(&x, a + i, sizeof x);
        memcpy(&y, b + i, sizeof y);
        acc += x * y;
    }
    float sum = 0;
    for (int j = 0; j < 8; j++)
        sum += acc[j];
    for (; i < dim; i++)
        sum += a[i] * b[i];
    return sum;
}

void search_normalize(float *v, int dim)
{
    double n = 0;
    for (int i = 0; i < dim; i++)
        n += (double)v[i] * v[i];
    if (n <= 0)
        return;
    float inv = (float)(1.0 / sqrt(n));
    for (int i = 0; i < dim; i++)
        v[i] *= inv;
}

typedef struct scored {
    long long id;
    float score;
} scored;

/* The best n vectors by dot product with the query, kept sorted (n is small: an insertion is cheap). */
typedef struct dense_top {
    const float *q;
    int dim;
    size_t n, cap;
    scored *v;
} dense_top;

static void consider(long long id, const float *vec, void *arg)
{
    dense_top *t = arg;
    float sc = search_dot(t->q, vec, t->dim);
    if (t->n == t->cap && sc <= t->v[t->n - 1].score)
        return;
    size_t i = t->n < t->cap ? t->n++ : t->n - 1;
    while (i > 0 && t->v[i - 1].score < sc) {
        t->v[i] = t->v[i - 1];
        i--;
    }
    t->v[i] = (scored){id, sc};
}

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
    dense_top top = {.q = qvec, .dim = dim, .cap = cand, .v = xcalloc(cand, sizeof(scored))};
    /* The store's own vector index when it has one (pgvector), else the exact scan. */
    store_vector_hits knn = {0};
    int indexed = store_vector_knn(s, model, dim, qvec, (int)cand, &knn, e);
    if (indexed == 1)
        for (size_t i = 0; i < knn.n && top.n < top.cap; i++)
            top.v[top.n++] = (scored){knn.v[i].id, knn.v[i].score};
    free(knn.v);
    if (indexed < 0 || (indexed == 0 && store_scan_vectors(s, model, dim, consider, &top, e) != 0)) {
        free(top.v);
        store_hits_free(&bm);
        return -1;
    }
    VEC(fused) f = {0};
    for (size_t i = 0; i < bm.n; i++)
        VEC_PUSH(f, ((fused){bm.v[i].chunk_id, 1.0 / (RRF_K + (double)i + 1), (long)i}));
    for (size_t i = 0; i < top.n; i++) {
        size_t j = 0;
        while (j < f.n && f.v[j].id != top.v[i].id)
            j++;
        if (j == f.n)
            VEC_PUSH(f, ((fused){top.v[i].id, 0, -1}));
        f.v[j].score += 1.0 / (RRF_K + (double)i + 1);
    }
    free(top.v);
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
