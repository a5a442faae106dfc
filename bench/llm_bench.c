/*
 * llm_bench.c - the time our side adds to a model answer: llm_answer (retrieval, prompt, request, stream
 * parsing, citation filter) against a model server that answers at once (bench/llm.sh starts the stand-in),
 * for every question of the given JSONL files, several rounds; prints p50/p95/max in milliseconds. The figure
 * includes the stand-in's own time and the loopback, so it bounds our overhead from above. Then retrieval alone
 * (search_prepare and search_run, or search_hybrid with the question's vector fetched beforehand), which has no
 * server in it.
 * Usage: llm_bench LIBRARY.db ROUNDS FILE.jsonl...   (FAGPT_LLM_URL, FAGPT_CHAT_MODEL from the environment)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "llm/llm.h"
#include "search/search.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int sink(const char *text, size_t n, void *arg)
{
    *(size_t *)arg += n;
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fputs("usage: llm_bench LIBRARY.db ROUNDS FILE.jsonl...\n", stderr);
        return 1;
    }
    fa_err e;
    store *s = store_open(argv[1], &e);
    llm_config cfg;
    if (!s || llm_config_load(&cfg, NULL, &e) != 0 || cfg.api == LLM_NONE) {
        fprintf(stderr, "%s\n", cfg.why_none ? cfg.why_none : e.msg);
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
    size_t n = questions.n * (size_t)rounds, k = 0, streamed = 0;
    double *ms = xcalloc(n ? n : 1, sizeof *ms);
    for (int r = 0; r < rounds; r++)
        for (size_t i = 0; i < questions.n; i++) {
            answer a;
            double t0 = fa_now();
            if (llm_answer(&cfg, s, questions.v[i], 5, sink, &streamed, &a, &e) != 0) {
                fprintf(stderr, "%s\n", e.msg);
                return 1;
            }
            ms[k++] = (fa_now() - t0) * 1000;
            answer_free(&a);
        }
    qsort(ms, k, sizeof *ms, cmp_double);
    printf("%zu answers (streamed), p50 %.1f ms, p95 %.1f ms, max %.1f ms", k, k ? ms[k / 2] : 0,
           k ? ms[(size_t)(k * 0.95)] : 0, k ? ms[k - 1] : 0);
    /* Our side alone: the question checked and expanded, and retrieval (BM25, or hybrid with the question's
     * vector asked for beforehand, outside the timing), with no server in the measured time. */
    float **qv = xcalloc(questions.n ? questions.n : 1, sizeof *qv);
    int dim = 0;
    for (size_t i = 0; cfg.embed_model && i < questions.n; i++) {
        const char *t = questions.v[i];
        if (llm_embed(&cfg, &t, 1, 0, &qv[i], &dim, &e) != 0) {
            fprintf(stderr, "%s\n", e.msg);
            return 1;
        }
        search_normalize(qv[i], dim);
    }
    k = 0;
    for (int r = 0; r < rounds; r++)
        for (size_t i = 0; i < questions.n; i++) {
            search_query q;
            store_hits hits = {0};
            double t0 = fa_now();
            int rc = search_prepare(s, questions.v[i], &q, &e);
            if (rc == 0)
                rc = qv[i] ? search_hybrid(s, &q, cfg.embed_model, qv[i], dim, 5, &hits, &e)
                           : search_run(s, &q, 5, &hits, &e);
            ms[k++] = (fa_now() - t0) * 1000;
            if (rc == 0)
                search_query_free(&q);
            store_hits_free(&hits);
        }
    qsort(ms, k, sizeof *ms, cmp_double);
    printf("; retrieval alone (no server): p50 %.1f ms, p95 %.1f ms\n", k ? ms[k / 2] : 0,
           k ? ms[(size_t)(k * 0.95)] : 0);
    for (size_t i = 0; i < questions.n; i++)
        free(qv[i]);
    free(qv);
    free(ms);
    str_vec_free(&questions);
    llm_config_free(&cfg);
    store_close(s);
    return 0;
}
