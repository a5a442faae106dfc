/*
 * vec_bench.c - the dense index at library sizes beyond the corpus: for N clustered unit vectors of DIM
 * dimensions (embedding-like: 256 centres, spread 0.6), the query latency of exact float32, exact int8 and HNSW
 * (M 16, efConstruction 100, ef 160, as search/vindex.c uses them), each one's recall@10 against exact float32,
 * memory, and the HNSW build time (one thread per core, at most 16, as vindex.c builds). Queries run on one
 * thread, as a question does.
 * Usage: vec_bench DIM QUERIES HNSW_MAX N...   (HNSW is skipped for N above HNSW_MAX)
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "search/search.h"

#define K 10

static unsigned long long rng = 0x2545F4914F6CDD1DULL;
static double unif(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return ((double)(rng >> 11) + 0.5) / 9007199254740992.0;
}
static float gauss(void)
{
    return (float)(sqrt(-2 * log(unif())) * cos(6.283185307179586 * unif()));
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void top_add(search_scored *t, size_t *n, long long id, float sc)
{
    if (*n == K && sc <= t[K - 1].score)
        return;
    size_t i = *n < K ? (*n)++ : K - 1;
    while (i > 0 && t[i - 1].score < sc) {
        t[i] = t[i - 1];
        i--;
    }
    t[i] = (search_scored){id, sc};
}

static int overlap(const search_scored *a, const search_scored *b, size_t nb)
{
    int hit = 0;
    for (int i = 0; i < K; i++)
        for (size_t j = 0; j < nb; j++)
            hit += a[i].id == b[j].id;
    return hit;
}

static void pct(double *ms, int n, double *p50, double *p95)
{
    qsort(ms, (size_t)n, sizeof *ms, cmp_double);
    *p50 = ms[n / 2];
    *p95 = ms[(int)(0.95 * (n - 1))];
}

int main(int argc, char **argv)
{
    if (argc < 5) {
        fputs("usage: vec_bench DIM QUERIES HNSW_MAX N...\n", stderr);
        return 1;
    }
    int dim = atoi(argv[1]), nq = atoi(argv[2]);
    long hnsw_max = atol(argv[3]);
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    int threads = ncpu < 1 ? 1 : ncpu > 16 ? 16 : (int)ncpu; /* as search/vindex.c builds */
    const int ncl = 256;
    float *cent = malloc((size_t)ncl * dim * sizeof *cent);
    for (long i = 0; i < (long)ncl * dim; i++)
        cent[i] = gauss();
    printf("| vectors | index | build s | memory MiB | query p50 ms | query p95 ms | recall@10 |\n");
    printf("|---|---|---|---|---|---|---|\n");
    for (int a = 4; a < argc; a++) {
        size_t n = (size_t)atol(argv[a]);
        float *v = malloc(n * (size_t)dim * sizeof *v), *q = malloc((size_t)nq * dim * sizeof *q);
        if (!v || !q) {
            fprintf(stderr, "vec_bench: no memory for %zu vectors\n", n);
            return 1;
        }
        for (size_t i = 0; i < n + (size_t)nq; i++) {
            float *x = i < n ? v + i * (size_t)dim : q + (i - n) * (size_t)dim;
            const float *c = cent + (size_t)(unif() * ncl) % ncl * (size_t)dim;
            for (int j = 0; j < dim; j++)
                x[j] = c[j] + 0.6f * gauss();
            search_normalize(x, dim);
        }
        search_scored (*truth)[K] = malloc((size_t)nq * sizeof *truth);
        double *ms = malloc((size_t)nq * sizeof *ms), p50, p95;
        for (int i = 0; i < nq; i++) {
            double t0 = fa_now();
            size_t nt = 0;
            for (size_t j = 0; j < n; j++)
                top_add(truth[i], &nt, (long long)j, search_dot(q + (size_t)i * dim, v + j * (size_t)dim, dim));
            ms[i] = (fa_now() - t0) * 1e3;
        }
        pct(ms, nq, &p50, &p95);
        printf("| %zu | exact float32 | - | %.0f | %.2f | %.2f | 1 |\n", n, n * (double)dim * 4 / 1048576, p50, p95);
        fflush(stdout);

        double t0 = fa_now();
        int8_t *v8 = malloc(n * (size_t)dim), *q8 = malloc((size_t)dim);
        float *sc = malloc(n * sizeof *sc);
        for (size_t j = 0; j < n; j++)
            sc[j] = search_quantize_i8(v + j * (size_t)dim, dim, v8 + j * (size_t)dim);
        double build = fa_now() - t0;
        int hit = 0;
        for (int i = 0; i < nq; i++) {
            search_scored got[K];
            size_t ng = 0;
            t0 = fa_now();
            float qs = search_quantize_i8(q + (size_t)i * dim, dim, q8);
            for (size_t j = 0; j < n; j++)
                top_add(got, &ng, (long long)j, qs * sc[j] * (float)search_dot_i8(q8, v8 + j * (size_t)dim, dim));
            ms[i] = (fa_now() - t0) * 1e3;
            hit += overlap(truth[i], got, ng);
        }
        pct(ms, nq, &p50, &p95);
        printf("| %zu | exact int8 | %.2f | %.0f | %.2f | %.2f | %.3f |\n", n, build,
               n * ((double)dim + 4) / 1048576, p50, p95, hit / (double)(nq * K));
        fflush(stdout);
        free(v8);
        free(q8);
        free(sc);

        if ((long)n <= hnsw_max) {
            t0 = fa_now();
            search_hnsw *h = search_hnsw_new(dim, 16, 100, 7);
            long long *ids = malloc(n * sizeof *ids);
            for (size_t j = 0; j < n; j++)
                ids[j] = (long long)j;
            search_hnsw_add_many(h, n, ids, NULL, v, threads);
            free(ids);
            build = fa_now() - t0;
            hit = 0;
            for (int i = 0; i < nq; i++) {
                search_scored got[K];
                t0 = fa_now();
                size_t ng = search_hnsw_search(h, q + (size_t)i * dim, K, 160, NULL, NULL, got);
                ms[i] = (fa_now() - t0) * 1e3;
                hit += overlap(truth[i], got, ng);
            }
            pct(ms, nq, &p50, &p95);
            strbuf b = {0};
            search_hnsw_save(h, &b);
            printf("| %zu | HNSW ef 160 | %.1f (%d threads) | %.0f (graph %.0f) | %.3f | %.3f | %.3f |\n", n, build, threads,
                   search_hnsw_memory(h) / 1048576.0, b.len / 1048576.0, p50, p95, hit / (double)(nq * K));
            fflush(stdout);
            sb_free(&b);
            search_hnsw_free(h);
        }
        free(truth);
        free(ms);
        free(v);
        free(q);
    }
    free(cent);
    return 0;
}
