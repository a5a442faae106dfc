/* test_store_search.c - the store and search on a real file: one document in, found by id, name and
 * publication id, searched with and without acronym expansion, replaced, removed; query validation; the job
 * queue. On SQLite by default; on PostgreSQL when FAGPT_TEST_DB is a postgres:// URL of an empty database
 * (tests/integration/pg.sh runs it so). */
#include "check.h"
#include "search/search.h"
#include "store/store.h"

#include <stdlib.h>
#include <unistd.h>

static int top_page(store *s, const char *text)
{
    search_query q;
    fa_err e;
    if (search_prepare(s, text, &q, &e) != 0)
        return -1;
    store_hits h = {0};
    int page = search_run(s, &q, 3, &h, &e) == 0 && h.n ? h.v[0].page : 0;
    store_hits_free(&h);
    search_query_free(&q);
    return page;
}

static void count_vector(long long id, const float *v, void *arg)
{
    (*(long long *)arg)++;
}

/* The vectors of (m, 4) that a handle sees, once it sees `want` of them: a PostgreSQL server hears of another
 * server's change by notification, which arrives a moment after the commit (up to 10 s allowed here). */
static long long vectors_seen(store *s, long long want)
{
    long long count = -1;
    fa_err e;
    for (int i = 0; i < 200 && count != want; i++) {
        if (i)
            usleep(50000);
        count = 0;
        if (store_scan_vectors(s, "m", 4, count_vector, &count, &e) != 0)
            return -1;
    }
    return count;
}

int main(void)
{
    const char *shared = getenv("FAGPT_SHARED");
    char pdf[1024], db[] = "/tmp/fagpt-test-XXXXXX";
    snprintf(pdf, sizeof pdf, "%s/corpus/pdf/ADP_3-19_Fires_2019-07.pdf", shared ? shared : "../shared");
    CHECK(mkdtemp(db) != NULL);
    const char *url = getenv("FAGPT_TEST_DB");
    char *path = url && *url ? xstrdup(url) : xasprintf("%s/library.db", db);
    fa_err e;
    store *s = store_open(path, &e);
    CHECK(s != NULL);
    if (!s) {
        printf("# %s\n", e.msg);
        return check_done();
    }
    doc_document *d;
    CHECK(doc_extract(pdf, NULL, &d, &e) == 0);
    doc_analyze(d);
    doc_chunks ch = {0};
    doc_make_chunks(d, &ch);
    store_doc rec = {.path = pdf, .file_name = "ADP_3-19_Fires_2019-07.pdf", .sha256 = "abc", .size_bytes = 1};
    CHECK(store_put_document(s, &rec, d, &ch, &e) == 0);
    CHECK(rec.id > 0);

    store_doc got;
    CHECK(store_find_doc(s, "adp 3-19", &got, &e) == 1 && got.id == rec.id && got.chunks == (int)ch.n);
    store_doc_free(&got);
    CHECK(store_find_doc(s, "ADP_3-19_Fires_2019-07.pdf", &got, &e) == 1);
    store_doc_free(&got);
    char id[32];
    snprintf(id, sizeof id, "%lld", rec.id);
    CHECK(store_find_doc(s, id, &got, &e) == 1);
    store_doc_free(&got);
    CHECK(store_find_doc(s, "FM 9-99", &got, &e) == 0);

    /* The acronym and its expansion reach the same passage. */
    int a = top_page(s, "what is an FSCM?"), b = top_page(s, "fire support coordination measure");
    CHECK(a > 0 && a == b);
    str_vec exp = {0};
    CHECK(store_term_expansions(s, "FSCM", &exp, &e) == 0 && exp.n >= 1);
    CHECK(exp.n && !strcmp(exp.v[0], "fire support coordination measure"));
    str_vec_free(&exp);

    search_query q;
    CHECK(search_prepare(s, "", &q, &e) != 0 && strstr(e.msg, "empty"));
    CHECK(search_prepare(s, "   \t ", &q, &e) != 0 && strstr(e.msg, "empty"));
    CHECK(search_prepare(s, "fires\x01", &q, &e) != 0 && strstr(e.msg, "control"));
    CHECK(search_prepare(s, "bad \xff utf8", &q, &e) != 0 && strstr(e.msg, "UTF-8"));
    CHECK(search_prepare(s, "what is the", &q, &e) != 0 && strstr(e.msg, "no searchable words"));
    char *big = xcalloc(1, SEARCH_MAX_QUERY + 2);
    memset(big, 'a', SEARCH_MAX_QUERY + 1);
    CHECK(search_prepare(s, big, &q, &e) != 0 && strstr(e.msg, "too long"));
    free(big);
    CHECK(search_prepare(s, "\"unbalanced quote AND (", &q, &e) == 0);
    store_hits h = {0};
    CHECK(search_run(s, &q, 5, &h, &e) == 0);
    store_hits_free(&h);
    search_query_free(&q);

    /* Replacing by path keeps one copy; removing leaves nothing searchable. */
    CHECK(store_put_document(s, &rec, d, &ch, &e) == 0);
    store_docs all = {0};
    CHECK(store_list_documents(s, &all, &e) == 0 && all.n == 1);
    store_docs_free(&all);
    CHECK(store_delete_document(s, rec.id, &e) == 0);
    CHECK(top_page(s, "fire support coordination measure") == 0);
    long long df = -1, total = -1;
    CHECK(store_token_df(s, "fire", &df, &total, &e) == 0 && df == 0 && total == 0);

    /* The job queue: one open job per path; a job is committed once, and not by a worker that lost it. */
    long long job = 0, again = 0;
    CHECK(store_job_add(s, pdf, &job, &e) == 1 && job > 0);
    CHECK(store_job_add(s, pdf, &again, &e) == 0 && again == job);
    store_job j = {0};
    CHECK(store_job_take(s, "w1", 60, &j, &e) == 1 && j.id == job && !strcmp(j.state, "running") && j.attempts == 1);
    store_job_free(&j);
    CHECK(store_job_take(s, "w2", 60, &j, &e) == 0);
    CHECK(store_job_progress(s, job, "w1", 60, 3, d->npages, &e) == 1);
    CHECK(store_job_progress(s, job, "w2", 60, 3, d->npages, &e) == 0);
    CHECK(store_put_document_job(s, &rec, d, &ch, job, "w2", &e) == 1);
    CHECK(store_list_documents(s, &all, &e) == 0 && all.n == 0);
    store_docs_free(&all);
    CHECK(store_put_document_job(s, &rec, d, &ch, job, "w1", &e) == 0 && rec.id > 0);
    CHECK(store_put_document_job(s, &rec, d, &ch, job, "w1", &e) == 1);
    store_jobs jobs = {0};
    CHECK(store_jobs_list(s, &jobs, &e) == 0 && jobs.n == 1 && !strcmp(jobs.v[0].state, "done") &&
          jobs.v[0].doc_id == rec.id && jobs.v[0].pages_done == d->npages);
    store_jobs_free(&jobs);
    CHECK(store_job_add(s, pdf, &again, &e) == 1 && again != job);
    CHECK(store_job_take(s, "w1", 60, &j, &e) == 1 && j.id == again);
    store_job_free(&j);
    long long first = rec.id;
    CHECK(store_put_document_job(s, &rec, d, &ch, again, "w1", &e) == 0 && rec.id == first);
    CHECK(store_list_documents(s, &all, &e) == 0 && all.n == 1);
    store_docs_free(&all);
    CHECK(store_token_df(s, "fire", &df, &total, &e) == 0 && df > 0 && total == (long long)ch.n);
    CHECK(top_page(s, "fire support coordination measure") == a);

    /* Vectors written through one handle are seen by another (PostgreSQL: its in-process index hears of them
     * through LISTEN/NOTIFY), and so is their removal. */
    store *s2 = store_open(path, &e);
    CHECK(s2 != NULL);
    CHECK(s2 && vectors_seen(s2, 0) == 0);
    store_hits hs = {0};
    CHECK(store_fts(s, "\"fires\"", 3, &hs, &e) == 0 && hs.n == 3);
    long long ids[3];
    float vecs[12] = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0};
    for (size_t i = 0; i < 3 && i < hs.n; i++)
        ids[i] = hs.v[i].chunk_id;
    CHECK(hs.n == 3 && store_put_vectors(s, "m", 4, ids, vecs, 3, &e) == 0);
    CHECK(s2 && vectors_seen(s2, 3) == 3);
    store_vector_set_list sets = {0};
    CHECK(store_vector_sets(s, &sets, &e) == 0 && sets.n == 1 && sets.v[0].dim == 4 && sets.v[0].count == 3);
    store_vector_set_list_free(&sets);
    CHECK(store_clear_vectors(s, &e) == 0);
    CHECK(s2 && vectors_seen(s2, 0) == 0);
    store_hits_free(&hs);
    store_close(s2);
    CHECK(store_fts(s, "\"unbalanced", 3, &hs, &e) != 0);
    CHECK(store_fts(s, "fire* AND (support OR coordination) NOT zzzq", 3, &hs, &e) == 0 && hs.n == 3);
    store_hits_free(&hs);

    CHECK(store_job_add(s, "/nonexistent.pdf", &job, &e) == 1);
    CHECK(store_job_take(s, "w1", 60, &j, &e) == 1);
    store_job_free(&j);
    CHECK(store_job_finish(s, job, "w1", false, 0, "file not found", &e) == 1);
    CHECK(store_job_take(s, "w1", 60, &j, &e) == 0);
    CHECK(store_delete_document(s, rec.id, &e) == 0);
    store_info info;
    CHECK(store_info_get(s, &info, &e) == 0 && !strcmp(info.backend, store_is_url(path) ? "postgres" : "sqlite"));

    doc_chunks_free(&ch);
    doc_free(d);
    store_close(s);
    if (store_is_url(path)) {
        rmdir(db);
        free(path);
        return check_done();
    }
    char *wal = xasprintf("%s-wal", path), *shm = xasprintf("%s-shm", path);
    unlink(path);
    unlink(wal);
    unlink(shm);
    rmdir(db);
    free(wal);
    free(shm);
    free(path);
    return check_done();
}
