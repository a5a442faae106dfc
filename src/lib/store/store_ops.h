/*
 * store_ops.h - the store's dispatch table, internal to src/lib/store. Every back end-specific function of
 * store.h is one line of STORE_OPS: X(name, (parameters), (arguments)); every such function returns int.
 *
 * From this one list, store.c generates the public store_NAME functions (each calls s's back end), and each back
 * end fills its table with STORE_OPS_TABLE(prefix), which names prefix_NAME for every entry (a missing
 * function is a compile error, so no back end can lag behind). To add a store function:
 *   1. declare store_NAME in store.h as usual;
 *   2. add X(NAME, (store *s, ...), (s, ...)) here;
 *   3. write static int sqlite_NAME(store *s, ...) in store_sqlite.c and static int pg_NAME(store *s, ...) in
 *      store_pg.c.
 *
 * How a store handle finds its table: each back end defines its own `struct store` whose first member is
 * `const store_ops *ops`; store.c never completes the struct and reads only that first member (C17 6.7.2.1p15:
 * a pointer to a structure points to its initial member).
 */
#ifndef FAGPT_STORE_OPS_H
#define FAGPT_STORE_OPS_H

#include "store.h"

#define STORE_OPS(X) \
    X(find_by_sha, (store *s, const char *sha256, store_doc *out, fa_err *e), (s, sha256, out, e)) \
    X(find_doc, (store *s, const char *ref, store_doc *out, fa_err *e), (s, ref, out, e)) \
    X(put_document, (store *s, store_doc *rec, const doc_document *d, const doc_chunks *chunks, fa_err *e), \
      (s, rec, d, chunks, e)) \
    X(delete_document, (store *s, long long id, fa_err *e), (s, id, e)) \
    X(list_documents, (store *s, store_docs *out, fa_err *e), (s, out, e)) \
    X(quarantine_add, (store *s, const char *path, const char *reason, fa_err *e), (s, path, reason, e)) \
    X(quarantine_remove, (store *s, const char *path, fa_err *e), (s, path, e)) \
    X(quarantine_list_all, (store *s, store_quarantine_list *out, fa_err *e), (s, out, e)) \
    X(rank_chunks, (store *s, const store_rank_query *q, int limit, store_hits *out, fa_err *e), \
      (s, q, limit, out, e)) \
    X(score_pages, (store *s, const store_rank_query *q, const store_page_score *pages, size_t n, \
                    store_page_scores *out, fa_err *e), (s, q, pages, n, out, e)) \
    X(phrase_df, (store *s, const char *phrase, long long limit, long long *df, fa_err *e), (s, phrase, limit, df, e)) \
    X(term_expansions, (store *s, const char *term, str_vec *out, fa_err *e), (s, term, out, e)) \
    X(terms_for_phrase, (store *s, const char *phrase, str_vec *out, fa_err *e), (s, phrase, out, e)) \
    X(token_df, (store *s, const char *token, long long *df, long long *total, fa_err *e), \
      (s, token, df, total, e)) \
    X(tokenize, (store *s, const char *text, void (*fn)(const char *tok, int len, void *arg), void *arg, \
                 fa_err *e), (s, text, fn, arg, e)) \
    X(define, (store *s, const char *term, store_define_rows *expansions, store_define_rows *definitions, \
               fa_err *e), (s, term, expansions, definitions, e)) \
    X(refs, (store *s, long long doc_id, store_ref_rows *cites, store_ref_rows *cited_by, \
             store_ref_rows *internal, fa_err *e), (s, doc_id, cites, cited_by, internal, e)) \
    X(chunks_to_embed, (store *s, const char *model, int limit, store_chunk_texts *out, fa_err *e), \
      (s, model, limit, out, e)) \
    X(put_vectors, (store *s, const char *model, int dim, const long long *ids, const float *vecs, size_t n, \
                    fa_err *e), (s, model, dim, ids, vecs, n, e)) \
    X(clear_vectors, (store *s, fa_err *e), (s, e)) \
    X(vector_sets, (store *s, store_vector_set_list *out, fa_err *e), (s, out, e)) \
    X(scan_vectors, (store *s, const char *model, int dim, void (*fn)(long long id, const float *v, void *arg), \
                     void *arg, fa_err *e), (s, model, dim, fn, arg, e)) \
    X(vector_knn, (store *s, const char *model, int dim, const float *q, int k, store_vector_hits *out, \
                   fa_err *e), (s, model, dim, q, k, out, e)) \
    X(hit_by_chunk, (store *s, long long chunk_id, store_hit *out, fa_err *e), (s, chunk_id, out, e)) \
    X(info_get, (store *s, store_info *out, fa_err *e), (s, out, e)) \
    X(job_add, (store *s, const char *path, long long *id, fa_err *e), (s, path, id, e)) \
    X(job_take, (store *s, const char *worker, int lease_s, store_job *out, fa_err *e), \
      (s, worker, lease_s, out, e)) \
    X(job_progress, (store *s, long long id, const char *worker, int lease_s, int pages_done, int pages_total, \
                     fa_err *e), (s, id, worker, lease_s, pages_done, pages_total, e)) \
    X(job_finish, (store *s, long long id, const char *worker, bool ok, long long doc_id, const char *message, \
                   fa_err *e), (s, id, worker, ok, doc_id, message, e)) \
    X(put_document_job, (store *s, store_doc *rec, const doc_document *d, const doc_chunks *chunks, \
                         long long job_id, const char *worker, fa_err *e), \
      (s, rec, d, chunks, job_id, worker, e)) \
    X(jobs_list, (store *s, store_jobs *out, fa_err *e), (s, out, e)) \
    X(vector_gen, (store *s, const char *model, int dim, long long *gen, fa_err *e), (s, model, dim, gen, e)) \
    X(scan_vectors_docs, (store *s, const char *model, int dim, \
                          void (*fn)(long long id, long long doc_id, const float *v, void *arg), void *arg, fa_err *e), \
      (s, model, dim, fn, arg, e)) \
    X(get_vector_index, (store *s, const char *model, int dim, const char *kind, long long *gen, void **data, \
                         size_t *len, fa_err *e), (s, model, dim, kind, gen, data, len, e)) \
    X(put_vector_index, (store *s, const char *model, int dim, const char *kind, long long gen, long long count, \
                         const void *data, size_t len, fa_err *e), (s, model, dim, kind, gen, count, data, len, e)) \
    X(set_label, (store *s, long long doc_id, const char *label, fa_err *e), (s, doc_id, label, e)) \
    X(doc_outline, (store *s, long long doc_id, store_outline *out, fa_err *e), (s, doc_id, out, e)) \
    X(user_add, (store *s, const store_user *u, fa_err *e), (s, u, e)) \
    X(user_get, (store *s, const char *username, store_user *out, fa_err *e), (s, username, out, e)) \
    X(user_list, (store *s, store_users *out, fa_err *e), (s, out, e)) \
    X(user_count, (store *s, long long *n, fa_err *e), (s, n, e)) \
    X(user_update, (store *s, const char *username, const char *hash, const char *role, const char *labels, \
                    fa_err *e), (s, username, hash, role, labels, e)) \
    X(user_delete, (store *s, const char *username, fa_err *e), (s, username, e)) \
    X(session_add, (store *s, const char *id_hash, const char *username, const char *csrf, long long expires, \
                    fa_err *e), (s, id_hash, username, csrf, expires, e)) \
    X(session_get, (store *s, const char *id_hash, long long now, store_session *out, fa_err *e), \
      (s, id_hash, now, out, e)) \
    X(session_delete, (store *s, const char *id_hash, fa_err *e), (s, id_hash, e)) \
    X(token_add, (store *s, const char *hash, const char *username, const char *name, long long *id, fa_err *e), \
      (s, hash, username, name, id, e)) \
    X(token_find, (store *s, const char *hash, store_token *out, fa_err *e), (s, hash, out, e)) \
    X(token_list, (store *s, const char *username, store_tokens *out, fa_err *e), (s, username, out, e)) \
    X(token_delete, (store *s, long long id, const char *username, fa_err *e), (s, id, username, e)) \
    X(audit_add, (store *s, const char *username, const char *action, const char *target, const char *detail, \
                  fa_err *e), (s, username, action, target, detail, e)) \
    X(audit_list, (store *s, int limit, store_audit_events *out, fa_err *e), (s, limit, out, e)) \
    X(superseded_ids, (store *s, store_ids *out, fa_err *e), (s, out, e)) \
    X(tables_list, (store *s, long long doc_id, store_tables *out, fa_err *e), (s, doc_id, out, e)) \
    X(table_get, (store *s, long long doc_id, int seq, store_table *out, fa_err *e), (s, doc_id, seq, out, e)) \
    X(figures_list, (store *s, long long doc_id, store_figures *out, fa_err *e), (s, doc_id, out, e)) \
    X(firing_tables, (store *s, long long doc_id, store_firing_table_list *out, fa_err *e), (s, doc_id, out, e)) \
    X(firing_table_get, (store *s, long long doc_id, int seq, doc_firing_table *out, fa_err *e), \
      (s, doc_id, seq, out, e)) \
    X(page_conversions_list, (store *s, long long doc_id, store_page_conversions *out, fa_err *e), \
      (s, doc_id, out, e))

#define STORE_OP_FIELD(name, params, args) int (*name) params;
typedef struct store_ops {
    const char *backend;     /* "sqlite" | "postgres" */
    void (*close)(store *s);
    unsigned long long (*serial)(const store *s);  /* the two functions of store.h that do not return int */
    long long (*library_version)(store *s);
    STORE_OPS(STORE_OP_FIELD)
} store_ops;
#undef STORE_OP_FIELD

/* In a back end: `const store_ops store_sqlite_ops = {"sqlite", sqlite_close, sqlite_serial,
 *     sqlite_library_version, STORE_OPS_TABLE(sqlite)};` */
#define STORE_OP_ENTRY_sqlite(name, params, args) .name = sqlite_##name,
#define STORE_OP_ENTRY_pg(name, params, args) .name = pg_##name,
#define STORE_OPS_TABLE(prefix) STORE_OPS(STORE_OP_ENTRY_##prefix)

extern const store_ops store_sqlite_ops;
extern const store_ops store_pg_ops;

/* A new handle's serial (store_serial), unique in this process. */
unsigned long long store_next_serial(void);

/* The back ends' constructors (store_open picks one). */
store *store_sqlite_open(const char *path, fa_err *e);
store *store_pg_open(const char *url, fa_err *e);

#endif
