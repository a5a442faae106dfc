/* embed.c - the library's embedding vectors: every passage embedded in batches with the embedding model
 * (resumable: only passages without a vector from that model are sent), and the question's retrieval, hybrid
 * when the library holds vectors from the configured model, reranked when a rerank model is set (see llm.h). */
#include "llm.h"

#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "search/search.h"

/* The dimension of the library's vectors from model, 0 when it has none; *other gets the largest set of
 * another model when there is one (caller frees). */
static int library_dim(store *s, const char *model, char **other, int *other_dim, fa_err *e)
{
    store_vector_set_list sets = {0};
    if (store_vector_sets(s, &sets, e) != 0)
        return -1;
    int dim = 0;
    *other = NULL;
    for (size_t i = 0; i < sets.n; i++) {
        if (!strcmp(sets.v[i].model, model) && !dim)
            dim = sets.v[i].dim;
        else if (strcmp(sets.v[i].model, model) && !*other) {
            *other = xstrdup(sets.v[i].model);
            *other_dim = sets.v[i].dim;
        }
    }
    store_vector_set_list_free(&sets);
    return dim;
}

int llm_embed_library(const llm_config *cfg, store *s, int batch, bool again, llm_embed_progress_fn fn, void *arg,
                      llm_embed_stats *st, fa_err *e)
{
    memset(st, 0, sizeof *st);
    if (!cfg->embed_model)
        return fa_fail(e, "no embedding model is chosen: set FAGPT_EMBED_MODEL to one of the models `fagpt models` "
                       "lists");
    if (again && store_clear_vectors(s, e) != 0)
        return -1;
    char *other = NULL;
    int other_dim = 0;
    int dim = library_dim(s, cfg->embed_model, &other, &other_dim, e);
    free(other);
    if (dim < 0)
        return -1;
    if (batch < 1)
        batch = 32;
    double t0 = fa_now();
    for (;;) {
        store_chunk_texts todo = {0};
        if (store_chunks_to_embed(s, cfg->embed_model, batch, &todo, e) != 0)
            return -1;
        if (!todo.n) {
            store_chunk_texts_free(&todo);
            break;
        }
        const char **texts = xmalloc(todo.n * sizeof *texts);
        long long *ids = xmalloc(todo.n * sizeof *ids);
        for (size_t i = 0; i < todo.n; i++) {
            texts[i] = todo.v[i].text;
            ids[i] = todo.v[i].id;
        }
        float *vecs = NULL;
        int got_dim = 0;
        int rc = llm_embed(cfg, texts, todo.n, dim, &vecs, &got_dim, e);
        if (rc == 0) {
            for (size_t i = 0; i < todo.n; i++)
                search_normalize(vecs + i * (size_t)got_dim, got_dim);
            rc = store_put_vectors(s, cfg->embed_model, got_dim, ids, vecs, todo.n, e);
        }
        if (rc == 0) {
            dim = got_dim;
            st->embedded += (long long)todo.n;
            st->requests++;
        }
        free(vecs);
        free(ids);
        free(texts);
        store_chunk_texts_free(&todo);
        if (rc != 0) {
            st->dim = dim;
            st->seconds = fa_now() - t0;
            return -1;
        }
        if (fn)
            fn(st->embedded, arg);
    }
    st->dim = dim;
    st->seconds = fa_now() - t0;
    /* a large library's HNSW graph is brought up to date now, not at the first question */
    search_vec_kind kind;
    if (st->embedded && dim > 0 && search_vec_kind_parse(fa_setting("FAGPT_VECTOR_INDEX"), &kind) == 0 &&
        search_dense_prepare(s, cfg->embed_model, dim, kind, NULL, e) != 0)
        return -1;
    return 0;
}

typedef struct ranked {
    float score;
    size_t i;
} ranked;

static int by_rank(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    return x->score < y->score ? 1 : x->score > y->score ? -1 : (x->i > y->i) - (x->i < y->i);
}

/* Reorders hits by the reranker's scores (ties keep the retrieval order) and keeps the best k. */
static int rerank(const llm_config *cfg, const search_query *q, int k, store_hits *hits, fa_err *e)
{
    size_t n = hits->n;
    if (!n)
        return 0;
    const char **docs = xmalloc(n * sizeof *docs);
    for (size_t i = 0; i < n; i++)
        docs[i] = hits->v[i].text ? hits->v[i].text : "";
    float *sc = xmalloc(n * sizeof *sc);
    int rc = llm_rerank(cfg, q->text, docs, n, sc, e);
    free(docs);
    if (rc != 0) {
        free(sc);
        return -1;
    }
    ranked *r = xmalloc(n * sizeof *r);
    for (size_t i = 0; i < n; i++)
        r[i] = (ranked){sc[i], i};
    free(sc);
    qsort(r, n, sizeof *r, by_rank);
    store_hit *v = xmalloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++) {
        v[i] = hits->v[r[i].i];
        v[i].score = r[i].score;
    }
    for (size_t i = (size_t)k; i < n; i++)
        store_hit_free(&v[i]);
    free(r);
    free(hits->v);
    hits->v = v;
    hits->n = n < (size_t)k ? n : (size_t)k;
    hits->cap = n;
    return 0;
}

static int retrieve(const llm_config *cfg, store *s, const search_query *q, int k, store_hits *out, fa_err *e);

int llm_retrieve(const llm_config *cfg, store *s, const search_query *q, int k, store_hits *out, fa_err *e)
{
    if (!cfg->rerank_model || cfg->api == LLM_NONE)
        return retrieve(cfg, s, q, k, out, e);
    if (retrieve(cfg, s, q, LLM_RERANK_POOL(k), out, e) != 0)
        return -1;
    return rerank(cfg, q, k, out, e);
}

static int retrieve(const llm_config *cfg, store *s, const search_query *q, int k, store_hits *out, fa_err *e)
{
    if (!cfg->embed_model || cfg->api == LLM_NONE)
        return search_run(s, q, k, out, e);
    char *other = NULL;
    int other_dim = 0;
    int dim = library_dim(s, cfg->embed_model, &other, &other_dim, e);
    if (dim < 0)
        return -1;
    if (dim == 0) {
        int rc = other ? fa_fail(e, "the library's vectors were made with %s (%d dimensions), not %s: set "
                                    "FAGPT_EMBED_MODEL=%s, or run `fagpt reembed` to embed the library with %s",
                                 other, other_dim, cfg->embed_model, other, cfg->embed_model)
                       : search_run(s, q, k, out, e); /* nothing embedded yet: lexical retrieval alone */
        free(other);
        return rc;
    }
    free(other);
    float *qv = NULL;
    int got = 0;
    const char *text = q->text;
    if (llm_embed(cfg, &text, 1, dim, &qv, &got, e) != 0)
        return -1;
    search_normalize(qv, got);
    int rc = search_hybrid(s, q, cfg->embed_model, qv, got, k, out, e);
    free(qv);
    return rc;
}
