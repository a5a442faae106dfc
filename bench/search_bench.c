/*
 * search_bench.c - search latency over an existing library: runs every question of the given JSONL files
 * through search_prepare + search_run (k = 10) several times and prints p50/p95/max in milliseconds, of wall time
 * and of the process's CPU time (all its threads; steadier than wall time on a machine that other jobs load).
 * Usage: search_bench LIBRARY.db ROUNDS FILE.jsonl...   (SEARCH_BENCH_EACH=1: each query's times on stderr too)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/json.h"
#include "search/search.h"

static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fputs("usage: search_bench LIBRARY.db ROUNDS FILE.jsonl...\n", stderr);
        return 1;
    }
    fa_err e;
    store *s = store_open(argv[1], &e);
    if (!s) {
        fprintf(stderr, "%s\n", e.msg);
        return 1;
    }
    int rounds = atoi(argv[2]);
    str_vec questions = {0};
    for (int f = 3; f < argc; f++) {
        char *text = fa_read_file(argv[f], NULL, &e);
        if (!text) {
            fprintf(stderr, "%s\n", e.msg);
            return 1;
        }
        for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
            json_value *v = json_parse(line, strlen(line), &e);
            const char *q = json_get_str(v, "question", NULL);
            if (q)
                VEC_PUSH(questions, xstrdup(q));
            json_free(v);
        }
        free(text);
    }
    size_t n = questions.n * (size_t)rounds;
    double *ms = xcalloc(n ? n : 1, sizeof *ms), *cpu = xcalloc(n ? n : 1, sizeof *cpu);
    size_t k = 0;
    bool each = getenv("SEARCH_BENCH_EACH") != NULL;
    for (int r = 0; r < rounds; r++)
        for (size_t i = 0; i < questions.n; i++) {
            double t0 = fa_now(), c0 = cpu_now();
            search_query q;
            store_hits h = {0};
            if (search_prepare(s, questions.v[i], &q, &e) == 0) {
                search_run(s, &q, 10, &h, &e);
                search_query_free(&q);
            }
            store_hits_free(&h);
            cpu[k] = (cpu_now() - c0) * 1000;
            ms[k] = (fa_now() - t0) * 1000;
            if (each)
                fprintf(stderr, "%8.2f ms %8.2f ms CPU  %s\n", ms[k], cpu[k], questions.v[i]);
            k++;
        }
    qsort(ms, k, sizeof *ms, cmp_double);
    qsort(cpu, k, sizeof *cpu, cmp_double);
    printf("queries %zu  p50 %.2f ms  p95 %.2f ms  max %.2f ms  (CPU p50 %.2f ms  p95 %.2f ms)\n", k, ms[k / 2],
           ms[(k * 95) / 100], ms[k - 1], cpu[k / 2], cpu[(k * 95) / 100]);
    free(ms);
    free(cpu);
    str_vec_free(&questions);
    store_close(s);
    return 0;
}
