/* test_vindex.c - the dense index: HNSW recall@10 against exact search on random and clustered vectors, int8
 * quantisation against float32, the graph's save/load round trip and its refusal of damaged blobs, node
 * removal; then over a real library file: the index persisted with the store and reloaded, brought up to date
 * when a document goes (its vectors never come back), and restricted queries (allowed_docs) honoured. */
#include "check.h"
#include "search/search.h"
#include "store/store.h"

#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#define DIM 48
#define K 10

static uint64_t rng = 88172645463325252ULL;
static double unif(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return ((double)(rng >> 11) + 0.5) / 9007199254740992.0;
}
static double gauss(void)
{
    return sqrt(-2 * log(unif())) * cos(6.283185307179586 * unif());
}

/* n unit vectors: uniform on the sphere, or around ncl centres (spread sd). */
static float *vectors(size_t n, int ncl, double sd)
{
    float *c = xmalloc((size_t)(ncl ? ncl : 1) * DIM * sizeof *c), *v = xmalloc(n * DIM * sizeof *v);
    for (int i = 0; i < ncl * DIM; i++)
        c[i] = (float)gauss();
    for (size_t i = 0; i < n; i++) {
        const float *cc = ncl ? c + (size_t)(unif() * ncl) % (size_t)ncl * DIM : NULL;
        for (int j = 0; j < DIM; j++)
            v[i * DIM + j] = (float)((cc ? cc[j] : 0) + (cc ? sd : 1) * gauss());
        search_normalize(v + i * DIM, DIM);
    }
    free(c);
    return v;
}

static void exact_top(const float *v, size_t n, const float *q, const unsigned char *skip, long long *out)
{
    float best[K];
    for (int i = 0; i < K; i++)
        best[i] = -INFINITY, out[i] = -1;
    for (size_t i = 0; i < n; i++) {
        if (skip && skip[i])
            continue;
        float d = search_dot(q, v + i * DIM, DIM);
        if (d <= best[K - 1])
            continue;
        int j = K - 1;
        while (j > 0 && best[j - 1] < d) {
            best[j] = best[j - 1], out[j] = out[j - 1];
            j--;
        }
        best[j] = d, out[j] = (long long)i;
    }
}

static int overlap(const long long *want, const search_scored *got, size_t ngot)
{
    int hit = 0;
    for (int i = 0; i < K; i++)
        for (size_t j = 0; j < ngot; j++)
            hit += want[i] >= 0 && got[j].id == want[i];
    return hit;
}

/* recall@10 of h over nq queries drawn like the data */
static double recall(search_hnsw *h, const float *v, size_t n, const float *qs, int nq, int ef,
                     const unsigned char *skip)
{
    int hit = 0, total = 0;
    for (int i = 0; i < nq; i++) {
        long long want[K];
        exact_top(v, n, qs + (size_t)i * DIM, skip, want);
        search_scored got[K];
        size_t ng = search_hnsw_search(h, qs + (size_t)i * DIM, K, ef, NULL, NULL, got);
        hit += overlap(want, got, ng);
        total += K;
    }
    return (double)hit / total;
}

static void test_recall(const char *what, int ncl, double sd)
{
    size_t n = 4000;
    int nq = 100;
    float *v = vectors(n, ncl, sd), *qs = vectors((size_t)nq, ncl, sd);
    search_hnsw *h = search_hnsw_new(DIM, 16, 100, 42);
    for (size_t i = 0; i < n; i++)
        search_hnsw_add(h, (long long)i, 0, v + i * DIM);
    CHECK(search_hnsw_size(h) == n);
    CHECK(search_hnsw_add(h, 5, 0, v) == -1); /* an id is unique */
    double r = recall(h, v, n, qs, nq, 160, NULL);
    printf("# %s: HNSW recall@10 %.3f at ef 160\n", what, r);
    CHECK(r >= 0.95);

    /* int8 exact against float32 exact */
    int8_t *q8 = xmalloc(n * DIM), qq[DIM];
    float *sc = xmalloc(n * sizeof *sc);
    for (size_t i = 0; i < n; i++)
        sc[i] = search_quantize_i8(v + i * DIM, DIM, q8 + i * DIM);
    int hit = 0;
    double maxerr = 0;
    for (int i = 0; i < nq; i++) {
        const float *q = qs + (size_t)i * DIM;
        float qsc = search_quantize_i8(q, DIM, qq);
        long long want[K];
        exact_top(v, n, q, NULL, want);
        search_scored got[K];
        size_t ng = 0;
        for (size_t j = 0; j < n; j++) {
            float d = qsc * sc[j] * (float)search_dot_i8(qq, q8 + j * DIM, DIM);
            maxerr = fmax(maxerr, fabs(d - search_dot(q, v + j * DIM, DIM)));
            if (ng == K && d <= got[K - 1].score)
                continue;
            size_t p = ng < K ? ng++ : K - 1;
            while (p > 0 && got[p - 1].score < d) {
                got[p] = got[p - 1];
                p--;
            }
            got[p] = (search_scored){(long long)j, d};
        }
        hit += overlap(want, got, ng);
    }
    printf("# %s: int8 recall@10 %.3f against float32, largest dot error %.4f\n", what, hit / (double)(nq * K),
           maxerr);
    CHECK(hit >= nq * K * 9 / 10);
    CHECK(maxerr < 0.03);
    free(q8);
    free(sc);

    /* save and load: the same answers; damaged blobs are refused */
    strbuf b = {0};
    search_hnsw_save(h, &b);
    fa_err e;
    search_hnsw *g = search_hnsw_load(b.s, b.len, DIM, &e);
    CHECK(g && search_hnsw_size(g) == n);
    for (size_t i = 0; g && i < n; i++)
        search_hnsw_set(g, (size_t)search_hnsw_find(g, (long long)i), 0, v + i * DIM);
    bool same = g != NULL;
    for (int i = 0; g && i < 20 && same; i++) {
        search_scored x[K], y[K];
        size_t nx = search_hnsw_search(h, qs + (size_t)i * DIM, K, 160, NULL, NULL, x);
        size_t ny = search_hnsw_search(g, qs + (size_t)i * DIM, K, 160, NULL, NULL, y);
        same = nx == ny;
        for (size_t j = 0; j < nx && same; j++)
            same = x[j].id == y[j].id && x[j].score == y[j].score;
    }
    CHECK(same);
    search_hnsw_free(g);
    CHECK(search_hnsw_load(b.s, b.len - 3, DIM, &e) == NULL && strstr(e.msg, "damaged"));
    CHECK(search_hnsw_load(b.s, b.len, DIM + 1, &e) == NULL && strstr(e.msg, "dimension"));
    CHECK(search_hnsw_load("nonsense", 8, DIM, &e) == NULL && strstr(e.msg, "not an FA-GPT HNSW"));
    b.s[40] ^= 0x7f; /* inside the first node's links */
    g = search_hnsw_load(b.s, b.len, DIM, &e);
    CHECK(g == NULL || search_hnsw_size(g) == n); /* either refused or still well formed */
    search_hnsw_free(g);
    sb_free(&b);

    /* removing a fifth of the nodes: they never come back, recall over the rest holds */
    unsigned char *dead = xcalloc(n, 1);
    for (size_t i = 0; i < n; i++)
        dead[i] = i % 5 == 0;
    unsigned char *dead_by_node = xcalloc(n, 1);
    for (size_t i = 0; i < n; i++)
        dead_by_node[search_hnsw_find(h, (long long)i)] = dead[i];
    search_hnsw_remove(h, dead_by_node);
    CHECK(search_hnsw_size(h) == n - n / 5);
    CHECK(search_hnsw_find(h, 0) < 0 && search_hnsw_find(h, 1) >= 0);
    bool gone = true;
    for (int i = 0; i < nq; i++) {
        search_scored got[K];
        size_t ng = search_hnsw_search(h, qs + (size_t)i * DIM, K, 160, NULL, NULL, got);
        for (size_t j = 0; j < ng; j++)
            gone = gone && got[j].id % 5 != 0;
    }
    CHECK(gone);
    r = recall(h, v, n, qs, nq, 160, dead);
    printf("# %s: HNSW recall@10 %.3f after removing a fifth\n", what, r);
    CHECK(r >= 0.95);
    free(dead);
    free(dead_by_node);
    search_hnsw_free(h);

    /* built by four threads at once: every vector in, the same recall */
    long long *ids = xmalloc(n * sizeof *ids);
    for (size_t i = 0; i < n; i++)
        ids[i] = (long long)i;
    h = search_hnsw_new(DIM, 16, 100, 43);
    CHECK(search_hnsw_add_many(h, n, ids, NULL, v, 4) == n && search_hnsw_size(h) == n);
    CHECK(search_hnsw_add_many(h, 10, ids, NULL, v, 4) == 0); /* ids already there are skipped */
    r = recall(h, v, n, qs, nq, 160, NULL);
    printf("# %s: HNSW built by 4 threads: recall@10 %.3f\n", what, r);
    CHECK(r >= 0.95);
    free(ids);
    search_hnsw_free(h);
    free(v);
    free(qs);
}

/* Over a real library: two copies of ADP 3-19 (two documents), a random vector per chunk. */
static void test_store(void)
{
    const char *shared = getenv("FAGPT_SHARED");
    char pdf[1024], dir[] = "/tmp/fagpt-vindex-XXXXXX";
    snprintf(pdf, sizeof pdf, "%s/corpus/pdf/ADP_3-19_Fires_2019-07.pdf", shared ? shared : "../shared");
    CHECK(mkdtemp(dir) != NULL);
    char *path = xasprintf("%s/library.db", dir);
    fa_err e;
    store *s = store_open(path, &e);
    doc_document *d;
    CHECK(s && doc_extract(pdf, NULL, &d, &e) == 0);
    doc_analyze(d);
    doc_chunks ch = {0};
    doc_make_chunks(d, &ch);
    store_doc a = {.path = "/lib/a.pdf", .file_name = "a.pdf", .sha256 = "a", .size_bytes = 1};
    store_doc b = {.path = "/lib/b.pdf", .file_name = "b.pdf", .sha256 = "b", .size_bytes = 1};
    CHECK(store_put_document(s, &a, d, &ch, &e) == 0 && store_put_document(s, &b, d, &ch, &e) == 0);
    store_chunk_texts todo = {0};
    CHECK(store_chunks_to_embed(s, "m", 100000, &todo, &e) == 0 && todo.n == 2 * ch.n);
    size_t n = todo.n;
    long long *ids = xmalloc(n * sizeof *ids);
    for (size_t i = 0; i < n; i++)
        ids[i] = todo.v[i].id;
    store_chunk_texts_free(&todo);
    float *v = vectors(n, 0, 0);
    CHECK(store_put_vectors(s, "m", DIM, ids, v, n, &e) == 0);

    search_scored got[K], want[K];
    size_t ng, nw;
    search_dense_info info;
    const float *q = v + 7 * DIM; /* chunk 7's own vector: it must come first */
    CHECK(search_dense(s, NULL, "m", q, DIM, K, SEARCH_VEC_HNSW, got, &ng, &info, &e) == 0);
    CHECK(info.kind == SEARCH_VEC_HNSW && info.built && !info.cached && info.vectors == n);
    CHECK(ng == K && got[0].id == ids[7]);
    CHECK(search_dense(s, NULL, "m", q, DIM, K, SEARCH_VEC_HNSW, got, &ng, &info, &e) == 0 && info.cached);
    CHECK(search_dense(s, NULL, "m", q, DIM, K, SEARCH_VEC_EXACT, want, &nw, &info, &e) == 0);
    CHECK(info.kind == SEARCH_VEC_EXACT && nw == K && want[0].id == ids[7]);
    CHECK(overlap((long long[]){want[0].id, want[1].id, want[2].id, want[3].id, want[4].id, want[5].id,
                                want[6].id, want[7].id, want[8].id, want[9].id}, got, ng) >= 9);
    CHECK(search_dense(s, NULL, "m", q, DIM, K, SEARCH_VEC_INT8, got, &ng, &info, &e) == 0);
    CHECK(info.kind == SEARCH_VEC_INT8 && ng == K && got[0].id == ids[7]);
    CHECK(search_dense(s, NULL, "m", q, DIM, K, SEARCH_VEC_AUTO, got, &ng, &info, &e) == 0);
    CHECK(info.kind == SEARCH_VEC_EXACT); /* a small library is searched exactly */

    /* prepare: nothing for an exact index, the graph brought up to date for hnsw (here: already current) */
    CHECK(search_dense_prepare(s, "m", DIM, SEARCH_VEC_AUTO, &info, &e) == 0 && info.kind == SEARCH_VEC_EXACT &&
          info.vectors == 0);
    CHECK(search_dense_prepare(s, "m", DIM, SEARCH_VEC_HNSW, &info, &e) == 0 && info.kind == SEARCH_VEC_HNSW &&
          info.vectors == n && !info.built);

    /* persisted: a new handle loads the graph rather than building it */
    store_close(s);
    s = store_open(path, &e);
    CHECK(search_dense(s, NULL, "m", q, DIM, K, SEARCH_VEC_HNSW, got, &ng, &info, &e) == 0);
    CHECK(!info.built && !info.updated && !info.cached && ng == K && got[0].id == ids[7]);

    /* restricted to document b: only b's chunks, and b's copy of chunk 7 first */
    search_query rq = {.restricted = true};
    VEC_PUSH(rq.allowed_docs, b.id);
    long long b7 = ids[ch.n + 7];
    for (int kind = SEARCH_VEC_EXACT; kind <= SEARCH_VEC_HNSW; kind++) {
        const float *qb = v + (ch.n + 7) * DIM;
        CHECK(search_dense(s, &rq, "m", qb, DIM, K, (search_vec_kind)kind, got, &ng, &info, &e) == 0);
        bool only_b = ng == K && got[0].id == b7;
        for (size_t i = 0; i < ng; i++)
            only_b = only_b && got[i].id >= ids[ch.n];
        CHECK(only_b);
    }
    rq.allowed_docs.n = 0; /* restricted to nothing: nothing */
    CHECK(search_dense(s, &rq, "m", q, DIM, K, SEARCH_VEC_HNSW, got, &ng, &info, &e) == 0 && ng == 0);
    free(rq.allowed_docs.v);

    /* deleting document a: the graph is brought up to date (a's vectors removed), never returns them */
    CHECK(store_delete_document(s, a.id, &e) == 0);
    CHECK(search_dense(s, NULL, "m", q, DIM, K, SEARCH_VEC_HNSW, got, &ng, &info, &e) == 0);
    CHECK(info.built && info.vectors == ch.n); /* half of it went: built again */
    bool none_of_a = ng == K;
    for (size_t i = 0; i < ng; i++)
        none_of_a = none_of_a && got[i].id >= ids[ch.n];
    CHECK(none_of_a);
    /* a few new vectors: inserted into the stored graph, not a rebuild */
    store_doc c = {.path = "/lib/c.pdf", .file_name = "c.pdf", .sha256 = "c", .size_bytes = 1};
    doc_chunks few = {.v = ch.v, .n = 5};
    CHECK(store_put_document(s, &c, d, &few, &e) == 0);
    CHECK(store_chunks_to_embed(s, "m", 100, &todo, &e) == 0 && todo.n == 5);
    long long cids[5];
    for (size_t i = 0; i < 5; i++)
        cids[i] = todo.v[i].id;
    store_chunk_texts_free(&todo);
    CHECK(store_put_vectors(s, "m", DIM, cids, v, 5, &e) == 0);
    CHECK(search_dense(s, NULL, "m", v + 2 * DIM, DIM, K, SEARCH_VEC_HNSW, got, &ng, &info, &e) == 0);
    CHECK(info.updated && !info.built && info.vectors == ch.n + 5 && got[0].id == cids[2]);

    free(ids);
    free(v);
    doc_chunks_free(&ch);
    doc_free(d);
    store_close(s);
    unlink(path);
    char *wal = xasprintf("%s-wal", path), *shm = xasprintf("%s-shm", path);
    unlink(wal);
    unlink(shm);
    rmdir(dir);
    free(wal);
    free(shm);
    free(path);
}

int main(void)
{
    test_recall("random", 0, 0);
    test_recall("clustered", 40, 0.25);
    test_store();
    return check_done();
}
