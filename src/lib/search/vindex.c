/*
 * vindex.c - the dense side of retrieval: the library's vectors of one (model, dim) held in memory as an exact
 * float32 table, an int8-quantised table, or an HNSW graph persisted in the store, chosen and kept up to date
 * here; restricted queries skip the documents they may not see before the top k (see search_dense in search.h).
 */
#include "search.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HNSW_M 16
#define HNSW_EFC 100
#define HNSW_EF 160             /* the query's candidate list: recall@10 >= 0.95 in tests/unit/test_vindex.c */
#define HNSW_REBUILD_SHARE 0.25 /* more changed than this share of the graph: build it again */
#define HNSW_EXACT_SHARE 0.10   /* a restriction to fewer vectors than this share: scan them exactly */

int search_vec_kind_parse(const char *name, search_vec_kind *out)
{
    static const char *names[] = {"auto", "exact", "int8", "hnsw"};
    if (!name || !*name) {
        *out = SEARCH_VEC_AUTO;
        return 0;
    }
    for (int i = 0; i < 4; i++)
        if (!strcasecmp(name, names[i])) {
            *out = (search_vec_kind)i;
            return 0;
        }
    return -1;
}

const char *search_vec_kind_name(search_vec_kind k)
{
    return k == SEARCH_VEC_EXACT ? "exact" : k == SEARCH_VEC_INT8 ? "int8" : k == SEARCH_VEC_HNSW ? "hnsw" : "auto";
}

typedef struct vindex {
    unsigned long long serial;
    char *model;
    int dim;
    long long gen;
    search_vec_kind kind;
    size_t n, cap;
    long long *ids, *docs;
    float *f32;          /* exact */
    int8_t *i8;          /* int8 */
    float *scale;
    search_hnsw *hnsw;
} vindex;

static void vindex_free(vindex *v)
{
    if (!v)
        return;
    free(v->model);
    free(v->ids);
    free(v->docs);
    free(v->f32);
    free(v->i8);
    free(v->scale);
    search_hnsw_free(v->hnsw);
    free(v);
}

/* One cached index: the last (store, model, dim) asked for. Searches hold the lock (the index may be swapped). */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static vindex *cache;

static void collect(long long id, long long doc, const float *vec, void *arg)
{
    vindex *v = arg;
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 1024;
        v->ids = xrealloc(v->ids, v->cap * sizeof *v->ids);
        v->docs = xrealloc(v->docs, v->cap * sizeof *v->docs);
        if (v->kind == SEARCH_VEC_INT8) {
            v->i8 = xrealloc(v->i8, v->cap * (size_t)v->dim);
            v->scale = xrealloc(v->scale, v->cap * sizeof *v->scale);
        } else {
            v->f32 = xrealloc(v->f32, v->cap * (size_t)v->dim * sizeof *v->f32);
        }
    }
    v->ids[v->n] = id;
    v->docs[v->n] = doc;
    if (v->kind == SEARCH_VEC_INT8)
        v->scale[v->n] = search_quantize_i8(vec, v->dim, v->i8 + v->n * (size_t)v->dim);
    else
        memcpy(v->f32 + v->n * (size_t)v->dim, vec, (size_t)v->dim * sizeof(float));
    v->n++;
}

/* Threads to build a graph with: one per online CPU, at most 16. */
static int build_threads(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 16 ? 16 : (int)n;
}

/* The HNSW graph for the vectors just scanned into v->f32: the stored one when it is current, else the stored
 * one brought up to date, else a new one; stored again when it changed. The table is then freed. */
static int hnsw_ready(store *s, vindex *v, search_dense_info *info, fa_err *e)
{
    void *blob = NULL;
    size_t len = 0;
    long long stored_gen = 0;
    int got = store_get_vector_index(s, v->model, v->dim, "hnsw", &stored_gen, &blob, &len, e);
    if (got < 0)
        return -1;
    search_hnsw *h = NULL;
    if (got == 1) {
        fa_err le;
        h = search_hnsw_load(blob, len, v->dim, &le); /* a damaged blob is rebuilt, not trusted */
    }
    free(blob);
    bool changed = false;
    if (h) {
        size_t n = search_hnsw_size(h), fresh = 0;
        unsigned char *seen = xcalloc(n ? n : 1, 1);
        long *where = xmalloc((v->n ? v->n : 1) * sizeof *where);
        for (size_t i = 0; i < v->n; i++) {
            where[i] = search_hnsw_find(h, v->ids[i]);
            if (where[i] >= 0) {
                seen[where[i]] = 1;
                search_hnsw_set(h, (size_t)where[i], v->docs[i], v->f32 + i * (size_t)v->dim);
            } else {
                fresh++;
            }
        }
        size_t dead = 0;
        for (size_t i = 0; i < n; i++)
            dead += !seen[i];
        if ((double)(dead + fresh) > HNSW_REBUILD_SHARE * (double)(n > v->n ? n : v->n)) {
            search_hnsw_free(h);
            h = NULL;
        } else if (dead || fresh) {
            for (size_t i = 0; i < n; i++)
                seen[i] = !seen[i];
            search_hnsw_remove(h, seen);
            search_hnsw_add_many(h, v->n, v->ids, v->docs, v->f32, build_threads());
            changed = true;
            if (info)
                info->updated = true;
        } else if (stored_gen != v->gen) {
            changed = true; /* the same vectors under a newer generation: record it */
        }
        free(seen);
        free(where);
    }
    if (!h) {
        h = search_hnsw_new(v->dim, HNSW_M, HNSW_EFC, 0x9e3779b97f4a7c15ULL ^ (uint64_t)v->n);
        search_hnsw_add_many(h, v->n, v->ids, v->docs, v->f32, build_threads());
        changed = true;
        if (info)
            info->built = true;
    }
    free(v->f32);
    v->f32 = NULL;
    v->hnsw = h;
    if (changed) {
        strbuf b = {0};
        search_hnsw_save(h, &b);
        int rc = store_put_vector_index(s, v->model, v->dim, "hnsw", v->gen, (long long)search_hnsw_size(h), b.s,
                                        b.len, e);
        sb_free(&b);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* auto: exact below SEARCH_HNSW_MIN vectors of (model, dim), hnsw from there. -1 on a store error. */
static int resolve_kind(store *s, const char *model, int dim, search_vec_kind *kind, fa_err *e)
{
    if (*kind != SEARCH_VEC_AUTO)
        return 0;
    store_vector_set_list sets = {0};
    if (store_vector_sets(s, &sets, e) != 0)
        return -1;
    long long count = 0;
    for (size_t i = 0; i < sets.n; i++)
        if (!strcmp(sets.v[i].model, model) && sets.v[i].dim == dim)
            count = sets.v[i].count;
    store_vector_set_list_free(&sets);
    *kind = count >= SEARCH_HNSW_MIN ? SEARCH_VEC_HNSW : SEARCH_VEC_EXACT;
    return 0;
}

/* The index for (s, model, dim, kind) in the cache, loaded or built when missing or stale. Under cache_lock. */
static vindex *vindex_get(store *s, const char *model, int dim, search_vec_kind kind, search_dense_info *info,
                          fa_err *e)
{
    long long gen;
    if (store_vector_gen(s, model, dim, &gen, e) != 0 || resolve_kind(s, model, dim, &kind, e) != 0)
        return NULL;
    if (cache && cache->serial == store_serial(s) && cache->dim == dim && cache->gen == gen && cache->kind == kind &&
        !strcmp(cache->model, model)) {
        if (info)
            info->cached = true;
        return cache;
    }
    vindex_free(cache);
    cache = NULL;
    vindex *v = xcalloc(1, sizeof *v);
    v->serial = store_serial(s);
    v->model = xstrdup(model);
    v->dim = dim;
    v->gen = gen;
    v->kind = kind;
    if (store_scan_vectors_docs(s, model, dim, collect, v, e) != 0 ||
        (kind == SEARCH_VEC_HNSW && hnsw_ready(s, v, info, e) != 0)) {
        vindex_free(v);
        return NULL;
    }
    cache = v;
    return v;
}

typedef struct top {
    search_scored *v;
    size_t n, cap;
} top;

static inline void top_add(top *t, long long id, float sc)
{
    if (t->n == t->cap && sc <= t->v[t->n - 1].score)
        return;
    size_t i = t->n < t->cap ? t->n++ : t->n - 1;
    while (i > 0 && t->v[i - 1].score < sc) {
        t->v[i] = t->v[i - 1];
        i--;
    }
    t->v[i] = (search_scored){id, sc};
}

static bool allowed(long long doc, void *arg)
{
    const search_query *q = arg;
    size_t lo = 0, hi = q->allowed_docs.n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (q->allowed_docs.v[mid] < doc)
            lo = mid + 1;
        else if (q->allowed_docs.v[mid] > doc)
            hi = mid;
        else
            return true;
    }
    return false;
}

int search_dense(store *s, const search_query *q, const char *model, const float *qvec, int dim, int k,
                 search_vec_kind kind, search_scored *out, size_t *nout, search_dense_info *info, fa_err *e)
{
    *nout = 0;
    if (info)
        memset(info, 0, sizeof *info);
    if (k <= 0 || dim <= 0)
        return 0;
    const search_query *rq = q && q->restricted ? q : NULL;
    if (kind == SEARCH_VEC_AUTO && !rq) {
        /* The store's own index when it has one (PostgreSQL with pgvector: HNSW in the server); 0 elsewhere. */
        store_vector_hits knn = {0};
        int got = store_vector_knn(s, model, dim, qvec, k, &knn, e);
        for (size_t i = 0; got == 1 && i < knn.n && i < (size_t)k; i++)
            out[(*nout)++] = (search_scored){knn.v[i].id, knn.v[i].score};
        free(knn.v);
        if (got != 0) {
            if (info && got == 1) {
                info->kind = SEARCH_VEC_HNSW;
                info->vectors = knn.n;
            }
            return got < 0 ? -1 : 0;
        }
    }
    pthread_mutex_lock(&cache_lock);
    vindex *v = vindex_get(s, model, dim, kind, info, e);
    if (!v) {
        pthread_mutex_unlock(&cache_lock);
        return -1;
    }
    if (info) {
        info->kind = v->kind;
        info->vectors = v->hnsw ? search_hnsw_size(v->hnsw) : v->n;
    }
    top t = {out, 0, (size_t)k};
    if (v->kind == SEARCH_VEC_EXACT) {
        for (size_t i = 0; i < v->n; i++)
            if (!rq || allowed(v->docs[i], (void *)rq))
                top_add(&t, v->ids[i], search_dot(qvec, v->f32 + i * (size_t)dim, dim));
    } else if (v->kind == SEARCH_VEC_INT8) {
        int8_t *qq = xmalloc((size_t)dim);
        float qs = search_quantize_i8(qvec, dim, qq);
        for (size_t i = 0; i < v->n; i++)
            if (!rq || allowed(v->docs[i], (void *)rq))
                top_add(&t, v->ids[i], qs * v->scale[i] * (float)search_dot_i8(qq, v->i8 + i * (size_t)dim, dim));
        free(qq);
    } else {
        search_hnsw *h = v->hnsw;
        size_t n = search_hnsw_size(h), ok = n;
        if (rq) {
            ok = 0;
            for (size_t i = 0; i < n; i++)
                ok += allowed(search_hnsw_tag(h, i), (void *)rq);
        }
        if (rq && (double)ok < HNSW_EXACT_SHARE * (double)n) {
            for (size_t i = 0; i < n; i++)
                if (allowed(search_hnsw_tag(h, i), (void *)rq))
                    top_add(&t, search_hnsw_id(h, i), search_dot(qvec, search_hnsw_vector(h, i), dim));
        } else {
            int ef = HNSW_EF > k ? HNSW_EF : k;
            if (rq && ok)
                ef = (int)fmin(4.0 * ef, ef * (double)n / (double)ok); /* fewer allowed: a longer list */
            t.n = search_hnsw_search(h, qvec, k, ef, rq ? allowed : NULL, (void *)rq, out);
        }
    }
    pthread_mutex_unlock(&cache_lock);
    *nout = t.n;
    return 0;
}

int search_dense_prepare(store *s, const char *model, int dim, search_vec_kind kind, search_dense_info *info,
                         fa_err *e)
{
    if (info)
        memset(info, 0, sizeof *info);
    if (resolve_kind(s, model, dim, &kind, e) != 0)
        return -1;
    if (info)
        info->kind = kind;
    if (kind != SEARCH_VEC_HNSW)
        return 0; /* the exact tables are read when a question comes; nothing is stored for them */
    pthread_mutex_lock(&cache_lock);
    vindex *v = vindex_get(s, model, dim, kind, info, e);
    if (v && info)
        info->vectors = search_hnsw_size(v->hnsw);
    pthread_mutex_unlock(&cache_lock);
    return v ? 0 : -1;
}
