/* test_store_search.c - the store and search on a real file: one document in, found by id, name and
 * publication id, searched with and without acronym expansion, restricted to allowed documents, replaced,
 * removed; query validation; the job queue. On SQLite by default; on PostgreSQL when FAGPT_TEST_DB is a
 * postgres:// URL of an empty database (tests/integration/pg.sh runs it so). */
#include "check.h"
#include "search/search.h"
#include "store/store.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Searches with the allowed documents given (n < 0: unrestricted); fills hits. */
static int search_allowed(store *s, const char *text, const long long *ids, int n, store_hits *h)
{
    search_query q;
    fa_err e;
    if (search_prepare(s, text, &q, &e) != 0)
        return -1;
    q.restricted = n >= 0;
    for (int i = 0; i < n; i++)
        VEC_PUSH(q.allowed_docs, ids[i]);
    int rc = search_run(s, &q, 10, h, &e);
    search_query_free(&q);
    return rc;
}

static bool all_from(const store_hits *h, long long doc)
{
    for (size_t i = 0; i < h->n; i++)
        if (h->v[i].doc_id != doc)
            return false;
    return true;
}

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

static void count_vector_doc(long long id, long long doc_id, const float *v, void *arg)
{
    long long *n = arg;
    n[0]++;
    n[1] += doc_id;
}

/* The reference: the same document in an SQLite store of its own, ranked the same way. */
static store *reference_store(const char *pdf, doc_document *d, const doc_chunks *ch, char *dir)
{
    fa_err e;
    char *path = xasprintf("%s/reference.db", dir);
    store *r = store_open(path, &e);
    free(path);
    store_doc rec = {.path = (char *)pdf, .file_name = "ADP_3-19_Fires_2019-07.pdf", .sha256 = "abc", .size_bytes = 1};
    if (r && store_put_document(r, &rec, d, ch, &e) != 0) {
        store_close(r);
        return NULL;
    }
    return r;
}

static int cmp_page_score(const void *a, const void *b)
{
    const store_page_score *x = a, *y = b;
    if (x->doc_id != y->doc_id)
        return x->doc_id < y->doc_id ? -1 : 1;
    return (x->page > y->page) - (x->page < y->page);
}

/* The same pages with the same scores, in any order (and any document id: a, b come from two libraries). */
static bool same_pages(store_page_scores *a, store_page_scores *b)
{
    if (a->n != b->n)
        return false;
    qsort(a->v, a->n, sizeof *a->v, cmp_page_score);
    qsort(b->v, b->n, sizeof *b->v, cmp_page_score);
    for (size_t i = 0; i < a->n; i++)
        if (a->v[i].page != b->v[i].page || fabs(a->v[i].score - b->v[i].score) > 1e-6 * (1 + fabs(a->v[i].score)))
            return false;
    return true;
}

static bool same_hits(const store_hits *a, const store_hits *b)
{
    if (a->n != b->n)
        return false;
    for (size_t i = 0; i < a->n; i++)
        if (a->v[i].page != b->v[i].page || fabs(a->v[i].score - b->v[i].score) > 1e-6 * (1 + fabs(a->v[i].score)))
            return false;
    return true;
}

/* store_rank_chunks, store_score_pages and store_phrase_df: the required prefix selects, every term scores, the
 * allowed list restricts; on PostgreSQL the scores equal SQLite's for the same document. */
static void rank_checks(store *s, const char *path, const char *pdf, doc_document *d, const doc_chunks *ch)
{
    fa_err e;
    const char *terms[] = {"coordination measure", "fires", "support"};
    double w[] = {3.0, 1.0, 0.5};
    store_rank_query rq = {.terms = terms, .weights = w, .nterms = 3, .nrequired = 1};
    store_hits req = {0}, any = {0}, none = {0};
    CHECK(store_rank_chunks(s, &rq, 10, &req, &e) == 0 && req.n > 0);
    bool holds = true, sorted = true;
    for (size_t i = 0; i < req.n; i++) {
        holds = holds && (strcasestr(req.v[i].text, "coordinat") ||
                          (req.v[i].section && strcasestr(req.v[i].section, "coordinat")));
        sorted = sorted && (i == 0 || req.v[i - 1].score >= req.v[i].score);
    }
    CHECK(holds && sorted);
    rq.nrequired = 0;
    CHECK(store_rank_chunks(s, &rq, 10, &any, &e) == 0 && any.n == 10 && any.v[0].score >= req.v[0].score);
    long long other = req.n ? req.v[0].doc_id + 1000 : 0;
    rq.restricted = true;
    rq.allowed = &other;
    rq.nallowed = 1;
    CHECK(store_rank_chunks(s, &rq, 10, &none, &e) == 0 && none.n == 0);
    rq.restricted = false;
    /* Pages: every page holding a required term (none required: any term), then a few of them by name, with one
     * that holds none of the terms (not returned) and one that does not exist. */
    store_page_scores all = {0}, pages = {0};
    CHECK(store_score_pages(s, &rq, NULL, 0, &all, &e) == 0 && all.n > 5);
    store_page_score want[7];
    size_t nwant = 0;
    for (size_t i = 0; i < all.n && nwant < 5; i += all.n / 5)
        want[nwant++] = all.v[i];
    for (int pg = 1; pg <= d->npages && nwant == 5; pg++) {
        bool held = false;
        for (size_t i = 0; i < all.n; i++)
            held = held || all.v[i].page == pg;
        if (!held)
            want[nwant++] = (store_page_score){all.v[0].doc_id, pg, 0};
    }
    want[nwant++] = (store_page_score){all.v[0].doc_id, d->npages + 7, 0};
    qsort(want, nwant, sizeof *want, cmp_page_score);
    CHECK(nwant == 7 && store_score_pages(s, &rq, want, nwant, &pages, &e) == 0 && pages.n == 5);
    bool same = true;
    for (size_t i = 0; i < pages.n; i++)
        for (size_t k = 0; k < all.n; k++)
            if (all.v[k].page == pages.v[i].page)
                same = same && fabs(all.v[k].score - pages.v[i].score) < 1e-9 * (1 + all.v[k].score);
    CHECK(same);
    store_rank_query rare = rq;
    rare.nrequired = 1;
    store_page_scores held = {0};
    CHECK(store_score_pages(s, &rare, NULL, 0, &held, &e) == 0 && held.n > 0 && held.n < all.n);
    const char *nothing[] = {"zzqqxj"};
    store_rank_query nq = {.terms = nothing, .weights = w, .nterms = 1};
    store_hits empty = {0};
    CHECK(store_rank_chunks(s, &nq, 10, &empty, &e) == 0 && empty.n == 0);
    long long df = -1, df2 = -1;
    CHECK(store_phrase_df(s, "fire support coordination measure", 1000, &df, &e) == 0 && df > 0);
    CHECK(store_phrase_df(s, "measure coordination support fire", 1000, &df2, &e) == 0 && df2 < df);
    CHECK(store_phrase_df(s, "fires", 2, &df, &e) == 0 && df == 2);
    if (store_is_url(path)) {
        char dir[] = "/tmp/fagpt-ref-XXXXXX";
        store *ref = mkdtemp(dir) ? reference_store(pdf, d, ch, dir) : NULL;
        CHECK(ref != NULL);
        store_hits rh = {0};
        store_page_scores rp = {0};
        long long rdf = -1;
        CHECK(ref && store_rank_chunks(ref, &rq, 10, &rh, &e) == 0 && same_hits(&any, &rh));
        for (size_t i = 0; i < nwant && rh.n; i++)
            want[i].doc_id = rh.v[0].doc_id;
        CHECK(ref && store_score_pages(ref, &rq, want, nwant, &rp, &e) == 0 && same_pages(&rp, &pages));
        CHECK(ref && store_phrase_df(ref, "fire support coordination measure", 1000, &rdf, &e) == 0 &&
              store_phrase_df(s, "fire support coordination measure", 1000, &df, &e) == 0 && rdf == df);
        store_hits_free(&rh);
        free(rp.v);
        store_close(ref);
        char *f = xasprintf("%s/reference.db", dir), *wal = xasprintf("%s-wal", f), *shm = xasprintf("%s-shm", f);
        unlink(f);
        unlink(wal);
        unlink(shm);
        rmdir(dir);
        free(f);
        free(wal);
        free(shm);
    }
    /* A handle told to rank each half of the index in a thread of its own (from 10 chunks, for the test; a real
     * library from 100,000) gives the same hits, score for score. */
    if (!store_is_url(path)) {
        setenv("FAGPT_RANK_SPLIT_ROWS", "10", 1);
        store *halves = store_open(path, &e);
        unsetenv("FAGPT_RANK_SPLIT_ROWS");
        store_hits split = {0}, split_req = {0};
        rq.nrequired = 0;
        CHECK(halves && store_rank_chunks(halves, &rq, 10, &split, &e) == 0 && same_hits(&any, &split));
        rq.nrequired = 1;
        CHECK(halves && store_rank_chunks(halves, &rq, 10, &split_req, &e) == 0 && same_hits(&req, &split_req));
        store_hits_free(&split);
        store_hits_free(&split_req);
        store_close(halves);
    }
    store_hits_free(&req);
    store_hits_free(&any);
    free(all.v);
    free(pages.v);
    free(held.v);
}

/* A document's access label, its outline, and the library's version moving with each change. */
static void label_checks(store *s, const store_doc *rec)
{
    fa_err e;
    store_doc got;
    CHECK(store_find_doc(s, "adp 3-19", &got, &e) == 1 && got.label && *got.label);
    store_doc_free(&got);
    long long v0 = store_library_version(s);
    CHECK(store_set_label(s, rec->id, "SECRET-ISH", &e) == 1);
    CHECK(store_library_version(s) != v0);
    CHECK(store_find_doc(s, "adp 3-19", &got, &e) == 1 && !strcmp(got.label, "SECRET-ISH"));
    store_doc_free(&got);
    CHECK(store_set_label(s, rec->id + 1000, "X", &e) == 0);
    store_outline o = {0};
    CHECK(store_doc_outline(s, rec->id, &o, &e) == 0 && o.n > 3 && o.v[0].page >= 1 && o.v[0].section);
    bool ordered = true;
    for (size_t i = 1; i < o.n; i++)
        ordered = ordered && o.v[i].page >= o.v[0].page;
    CHECK(ordered);
    store_outline_free(&o);
}

/* A document's tables, figures and firing tables, read back as they were written; the superseded list. */
static void docs3_checks(store *s, const store_doc *rec, const doc_document *d)
{
    fa_err e;
    store_tables tl = {0};
    CHECK(store_tables_list(s, rec->id, &tl, &e) == 0 && tl.n == d->tables.n);
    store_table t = {0};
    int got = store_table_get(s, rec->id, 1, &t, &e);
    CHECK(d->tables.n ? got == 1 && t.cells && t.markdown && tl.n && t.nrows == tl.v[0].nrows : got == 0);
    if (got == 1)
        store_table_free(&t);
    CHECK(store_table_get(s, rec->id, (int)d->tables.n + 1, &t, &e) == 0);
    store_tables_free(&tl);
    store_figures fl = {0};
    CHECK(store_figures_list(s, rec->id, &fl, &e) == 0 && fl.n == d->figures.n);
    bool caps = true;
    for (size_t i = 0; i < fl.n; i++)
        caps = caps && fl.v[i].seq == (int)i + 1 && fl.v[i].caption && fl.v[i].page >= 1;
    CHECK(caps);
    store_figures_free(&fl);
    store_firing_table_list ft = {0};
    CHECK(store_firing_tables(s, rec->id, &ft, &e) == 0 && ft.n == d->firing_tables.n);
    store_firing_table_list_free(&ft);
    doc_firing_table one;
    CHECK(store_firing_table_get(s, rec->id, 1, &one, &e) == (d->firing_tables.n ? 1 : 0));
    if (d->firing_tables.n)
        doc_firing_table_free(&one);
    store_ids old = {0};
    CHECK(store_superseded_ids(s, &old, &e) == 0 && old.n == 0);
    free(old.v);
}

/* Users, sessions, API tokens and the audit log (the web server's state). */
static void account_checks(store *s)
{
    fa_err e;
    long long n = -1;
    CHECK(store_user_count(s, &n, &e) == 0 && n == 0);
    store_user u = {.username = "ann", .hash = "$argon2id$h1", .role = "admin", .labels = "DISTRIBUTION A"};
    CHECK(store_user_add(s, &u, &e) == 0);
    CHECK(store_user_add(s, &u, &e) != 0 && strstr(e.msg, "exists already"));
    store_user got;
    CHECK(store_user_get(s, "ann", &got, &e) == 1 && !strcmp(got.role, "admin") && got.created_at);
    store_user_free(&got);
    CHECK(store_user_get(s, "bob", &got, &e) == 0);
    CHECK(store_session_add(s, "sid1", "ann", "csrf1", 4000000000LL, &e) == 0);
    CHECK(store_session_add(s, "sid0", "ann", "csrf0", 1000, &e) == 0);
    store_session ses;
    CHECK(store_session_get(s, "sid1", 1700000000LL, &ses, &e) == 1 && !strcmp(ses.csrf, "csrf1"));
    store_session_free(&ses);
    CHECK(store_session_get(s, "sid0", 1700000000LL, &ses, &e) == 0);
    CHECK(store_user_update(s, "ann", NULL, "operator", NULL, &e) == 1);
    CHECK(store_session_get(s, "sid1", 1700000000LL, &ses, &e) == 1);
    store_session_free(&ses);
    CHECK(store_user_update(s, "ann", "$argon2id$h2", NULL, NULL, &e) == 1);
    CHECK(store_session_get(s, "sid1", 1700000000LL, &ses, &e) == 0);
    CHECK(store_user_update(s, "nobody", NULL, "viewer", NULL, &e) == 0);
    long long tid = 0;
    CHECK(store_token_add(s, "th1", "ann", "ci", &tid, &e) == 0 && tid > 0);
    store_token t;
    CHECK(store_token_find(s, "th1", &t, &e) == 1 && t.id == tid && !strcmp(t.username, "ann"));
    store_token_free(&t);
    store_tokens ts = {0};
    CHECK(store_token_list(s, NULL, &ts, &e) == 0 && ts.n == 1);
    store_tokens_free(&ts);
    CHECK(store_token_delete(s, tid, "bob", &e) == 0);
    CHECK(store_token_delete(s, tid, "ann", &e) == 1);
    CHECK(store_audit_add(s, "ann", "signin", NULL, NULL, &e) == 0 && store_audit_add(s, "ann", "label", "1", "X", &e) == 0);
    store_audit_events ev = {0};
    CHECK(store_audit_list(s, 10, &ev, &e) == 0 && ev.n == 2 && !strcmp(ev.v[0].action, "label"));
    store_audit_events_free(&ev);
    store_users us = {0};
    CHECK(store_user_list(s, &us, &e) == 0 && us.n == 1 && !strcmp(us.v[0].role, "operator"));
    store_users_free(&us);
    CHECK(store_session_add(s, "sid2", "ann", "c", 4000000000LL, &e) == 0 && store_token_add(s, "th2", "ann", "x", &tid, &e) == 0);
    CHECK(store_user_delete(s, "ann", &e) == 1 && store_user_delete(s, "ann", &e) == 0);
    CHECK(store_session_get(s, "sid2", 1700000000LL, &ses, &e) == 0 && store_token_find(s, "th2", &t, &e) == 0);
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

    /* Access labels and filters: a restricted search never returns, nor ranks, documents outside allowed_docs. */
    char pdf2[1024];
    snprintf(pdf2, sizeof pdf2, "%s/corpus/pdf/ADP_4-0_Sustainment_2019-07.pdf", shared ? shared : "../shared");
    doc_document *d2;
    CHECK(doc_extract(pdf2, NULL, &d2, &e) == 0);
    doc_analyze(d2);
    doc_chunks ch2 = {0};
    doc_make_chunks(d2, &ch2);
    store_doc rec2 = {.path = pdf2, .file_name = "ADP_4-0_Sustainment_2019-07.pdf", .sha256 = "def", .size_bytes = 1};
    CHECK(store_put_document(s, &rec2, d2, &ch2, &e) == 0);
    const char *both = "fires and sustainment of the force";
    store_hits open = {0}, mine = {0}, theirs = {0}, none = {0}, each = {0};
    long long ids[2] = {rec.id < rec2.id ? rec.id : rec2.id, rec.id < rec2.id ? rec2.id : rec.id};
    CHECK(search_allowed(s, both, NULL, -1, &open) == 0 && open.n == 10);
    CHECK(search_allowed(s, both, &rec.id, 1, &mine) == 0 && mine.n > 0 && all_from(&mine, rec.id));
    CHECK(search_allowed(s, both, &rec2.id, 1, &theirs) == 0 && theirs.n > 0 && all_from(&theirs, rec2.id));
    CHECK(search_allowed(s, both, ids, 0, &none) == 0 && none.n == 0);
    CHECK(search_allowed(s, both, ids, 2, &each) == 0 && each.n == open.n);
    bool same = each.n == open.n;
    for (size_t i = 0; same && i < open.n; i++)
        same = each.v[i].chunk_id == open.v[i].chunk_id;
    CHECK(same);
    store_hits_free(&open);
    store_hits_free(&mine);
    store_hits_free(&theirs);
    store_hits_free(&none);
    store_hits_free(&each);
    CHECK(store_delete_document(s, rec2.id, &e) == 0);
    doc_chunks_free(&ch2);
    doc_free(d2);

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
    const char *fires_term[] = {"fires"};
    double one[] = {1.0};
    store_rank_query fq = {.terms = fires_term, .weights = one, .nterms = 1};
    CHECK(store_rank_chunks(s, &fq, 3, &hs, &e) == 0 && hs.n == 3);
    long long vids[3];
    float vecs[12] = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0};
    for (size_t i = 0; i < 3 && i < hs.n; i++)
        vids[i] = hs.v[i].chunk_id;
    long long gen0 = -1, gen1 = -1;
    CHECK(store_vector_gen(s, "m", 4, &gen0, &e) == 0);
    CHECK(hs.n == 3 && store_put_vectors(s, "m", 4, vids, vecs, 3, &e) == 0);
    CHECK(s2 && vectors_seen(s2, 3) == 3);
    CHECK(store_vector_gen(s, "m", 4, &gen1, &e) == 0 && gen1 > gen0);
    long long docs_seen[2] = {0, 0};
    CHECK(store_scan_vectors_docs(s, "m", 4, count_vector_doc, docs_seen, &e) == 0 && docs_seen[0] == 3 &&
          docs_seen[1] == 3 * rec.id);
    /* The persisted vector index: none, then the blob written, replaced, read back with its generation. */
    void *blob = NULL;
    size_t blen = 0;
    long long bgen = -1;
    CHECK(store_get_vector_index(s, "m", 4, "hnsw", &bgen, &blob, &blen, &e) == 0 && !blob);
    unsigned char bytes[5] = {0, 1, 2, 0xff, 0};
    CHECK(store_put_vector_index(s, "m", 4, "hnsw", 1, 3, bytes, 3, &e) == 0);
    CHECK(store_put_vector_index(s, "m", 4, "hnsw", gen1, 3, bytes, 5, &e) == 0);
    CHECK(store_get_vector_index(s, "m", 4, "hnsw", &bgen, &blob, &blen, &e) == 1 && bgen == gen1 && blen == 5 &&
          !memcmp(blob, bytes, 5));
    free(blob);
    CHECK(store_serial(s) != store_serial(s2));
    store_vector_set_list sets = {0};
    CHECK(store_vector_sets(s, &sets, &e) == 0 && sets.n == 1 && sets.v[0].dim == 4 && sets.v[0].count == 3);
    store_vector_set_list_free(&sets);
    CHECK(store_clear_vectors(s, &e) == 0);
    CHECK(s2 && vectors_seen(s2, 0) == 0);
    store_hits_free(&hs);
    store_close(s2);
    rank_checks(s, path, pdf, d, &ch);
    label_checks(s, &rec);
    docs3_checks(s, &rec, d);
    account_checks(s);

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
