/*
 * store.c - the store's front: store_open picks the back end by name (a postgres:// URL or an SQLite path), the
 * public functions of store.h call the handle's back end through its table (store_ops.h), and the functions
 * that only free memory are shared by both back ends.
 */
#include "store_ops.h"

#include <stdlib.h>
#include <string.h>

bool store_is_url(const char *name)
{
    return name && (!strncmp(name, "postgres://", 11) || !strncmp(name, "postgresql://", 13));
}

store *store_open(const char *name, fa_err *e)
{
    if (!name || !*name) {
        fa_fail(e, "no library database named; give a file path or a postgres:// URL");
        return NULL;
    }
    return store_is_url(name) ? store_pg_open(name, e) : store_sqlite_open(name, e);
}

/* A back end's struct store starts with its table; this struct stays incomplete here (see store_ops.h). */
static const store_ops *ops_of(store *s)
{
    return *(const store_ops *const *)(void *)s;
}

void store_close(store *s)
{
    if (s)
        ops_of(s)->close(s);
}

#define STORE_OP_WRAPPER(name, params, args) \
    int store_##name params { return ops_of(s)->name args; }
STORE_OPS(STORE_OP_WRAPPER)
#undef STORE_OP_WRAPPER

void store_doc_free(store_doc *d)
{
    free(d->path);
    free(d->file_name);
    free(d->sha256);
    free(d->publication);
    free(d->title);
    free(d->date);
    free(d->distribution);
    free(d->supersedes);
    free(d->status);
    free(d->ingested_at);
    memset(d, 0, sizeof *d);
}

void store_docs_free(store_docs *v)
{
    for (size_t i = 0; i < v->n; i++)
        store_doc_free(&v->v[i]);
    free(v->v);
    memset(v, 0, sizeof *v);
}

void store_hit_free(store_hit *h)
{
    free(h->doc);
    free(h->publication);
    free(h->title);
    free(h->page_label);
    free(h->page_label_end);
    free(h->section);
    free(h->paragraph);
    free(h->text);
    free(h->boxes);
}

void store_hits_free(store_hits *v)
{
    for (size_t i = 0; i < v->n; i++)
        store_hit_free(&v->v[i]);
    free(v->v);
    memset(v, 0, sizeof *v);
}

void store_quarantine_list_free(store_quarantine_list *v)
{
    for (size_t i = 0; i < v->n; i++) {
        free(v->v[i].path);
        free(v->v[i].reason);
        free(v->v[i].at);
    }
    free(v->v);
    memset(v, 0, sizeof *v);
}

void store_vector_set_list_free(store_vector_set_list *v)
{
    for (size_t i = 0; i < v->n; i++)
        free(v->v[i].model);
    free(v->v);
    memset(v, 0, sizeof *v);
}

void store_chunk_texts_free(store_chunk_texts *v)
{
    for (size_t i = 0; i < v->n; i++)
        free(v->v[i].text);
    free(v->v);
    memset(v, 0, sizeof *v);
}

void store_define_rows_free(store_define_rows *v)
{
    for (size_t i = 0; i < v->n; i++) {
        free(v->v[i].term);
        free(v->v[i].text);
        free(v->v[i].doc);
        free(v->v[i].publication);
        free(v->v[i].page_label);
    }
    free(v->v);
    memset(v, 0, sizeof *v);
}

void store_ref_rows_free(store_ref_rows *v)
{
    for (size_t i = 0; i < v->n; i++) {
        free(v->v[i].target);
        free(v->v[i].doc);
        free(v->v[i].kind);
        free(v->v[i].page_label);
    }
    free(v->v);
    memset(v, 0, sizeof *v);
}

void store_job_free(store_job *j)
{
    free(j->path);
    free(j->state);
    free(j->worker);
    free(j->message);
    free(j->created_at);
    free(j->lease_until);
    free(j->finished_at);
    memset(j, 0, sizeof *j);
}

void store_jobs_free(store_jobs *v)
{
    for (size_t i = 0; i < v->n; i++)
        store_job_free(&v->v[i]);
    free(v->v);
    memset(v, 0, sizeof *v);
}

void store_table_counts_free(store_table_counts *v)
{
    for (size_t i = 0; i < v->n; i++)
        free(v->v[i].table);
    free(v->v);
    memset(v, 0, sizeof *v);
}
