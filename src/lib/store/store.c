/*
 * store.c - the store's front: store_open picks the back end by name (a postgres:// URL or an SQLite path), the
 * public functions of store.h call the handle's back end through its table (store_ops.h), and the functions
 * that only free memory (and the pure store_default_label) are shared by both back ends.
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

unsigned long long store_next_serial(void)
{
    static _Atomic unsigned long long serials;
    return ++serials;
}

unsigned long long store_serial(const store *s)
{
    return (*(const store_ops *const *)(const void *)s)->serial(s);
}

long long store_library_version(store *s)
{
    return ops_of(s)->library_version(s);
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
    free(d->label);
    free(d->superseded_by_pub);
    free(d->superseded_by_date);
    free(d->superseded_reason);
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

void store_user_free(store_user *u)
{
    free(u->username);
    free(u->hash);
    free(u->role);
    free(u->labels);
    free(u->created_at);
    memset(u, 0, sizeof *u);
}

void store_users_free(store_users *v)
{
    for (size_t i = 0; i < v->n; i++)
        store_user_free(&v->v[i]);
    free(v->v);
    memset(v, 0, sizeof *v);
}

void store_session_free(store_session *x)
{
    free(x->username);
    free(x->csrf);
    memset(x, 0, sizeof *x);
}

void store_token_free(store_token *t)
{
    free(t->username);
    free(t->name);
    free(t->created_at);
    memset(t, 0, sizeof *t);
}

void store_tokens_free(store_tokens *v)
{
    for (size_t i = 0; i < v->n; i++)
        store_token_free(&v->v[i]);
    free(v->v);
    memset(v, 0, sizeof *v);
}

void store_audit_events_free(store_audit_events *v)
{
    for (size_t i = 0; i < v->n; i++) {
        free(v->v[i].at);
        free(v->v[i].username);
        free(v->v[i].action);
        free(v->v[i].target);
        free(v->v[i].detail);
    }
    free(v->v);
    memset(v, 0, sizeof *v);
}

void store_outline_free(store_outline *v)
{
    for (size_t i = 0; i < v->n; i++) {
        free(v->v[i].section);
        free(v->v[i].page_label);
    }
    free(v->v);
    memset(v, 0, sizeof *v);
}

void store_table_free(store_table *t)
{
    free(t->number);
    free(t->caption);
    free(t->page_label);
    free(t->cells);
    free(t->markdown);
    memset(t, 0, sizeof *t);
}

void store_tables_free(store_tables *v)
{
    for (size_t i = 0; i < v->n; i++)
        store_table_free(&v->v[i]);
    free(v->v);
    memset(v, 0, sizeof *v);
}

void store_page_conversions_free(store_page_conversions *v)
{
    for (size_t i = 0; i < v->n; i++) {
        free(v->v[i].page_label);
        free(v->v[i].reason);
        free(v->v[i].model);
        free(v->v[i].detail);
    }
    free(v->v);
    memset(v, 0, sizeof *v);
}

void store_figures_free(store_figures *v)
{
    for (size_t i = 0; i < v->n; i++) {
        store_figure *f = &v->v[i];
        free(f->number);
        free(f->caption);
        free(f->page_label);
        free(f->kind);
        free(f->text);
        free(f->description);
        free(f->png_path);
    }
    free(v->v);
    memset(v, 0, sizeof *v);
}

void store_firing_table_list_free(store_firing_table_list *v)
{
    for (size_t i = 0; i < v->n; i++) {
        free(v->v[i].weapon);
        free(v->v[i].projectile);
        free(v->v[i].charge);
        free(v->v[i].page_label);
    }
    free(v->v);
    memset(v, 0, sizeof *v);
}

char *store_default_label(const char *distribution)
{
    /* DoDI 5230.24 distribution statements A-F ("DISTRIBUTION STATEMENT A: Approved for public release"); Army
     * publications print "DISTRIBUTION RESTRICTION: Approved for public release; distribution is unlimited",
     * which is statement A. Anything else unrecognised is left for an admin to label. */
    if (!distribution || !*distribution)
        return xstrdup("UNLABELLED");
    char *up = xstrdup(distribution);
    for (char *p = up; *p; p++)
        if (*p >= 'a' && *p <= 'z')
            *p = (char)(*p - 'a' + 'A');
    char letter = 0;
    const char *p = strstr(up, "STATEMENT ");
    if (p && p[10] >= 'A' && p[10] <= 'F' && (p[11] == 0 || p[11] == ':' || p[11] == '.' || p[11] == ' ' ||
                                             p[11] == ','))
        letter = p[10];
    else if (strstr(up, "APPROVED FOR PUBLIC RELEASE"))
        letter = 'A';
    free(up);
    return letter ? xasprintf("DISTRIBUTION %c", letter) : xstrdup("UNLABELLED");
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
