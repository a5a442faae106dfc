/* test_store_search.c - the SQLite store and search on a real file: one document in, found by id, name and
 * publication id, searched with and without acronym expansion, restricted to allowed documents, replaced,
 * removed; query validation. */
#include "check.h"
#include "search/search.h"
#include "store/store.h"

#include <stdlib.h>
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

int main(void)
{
    const char *shared = getenv("FAGPT_SHARED");
    char pdf[1024], db[] = "/tmp/fagpt-test-XXXXXX";
    snprintf(pdf, sizeof pdf, "%s/corpus/pdf/ADP_3-19_Fires_2019-07.pdf", shared ? shared : "../shared");
    CHECK(mkdtemp(db) != NULL);
    char *path = xasprintf("%s/library.db", db);
    fa_err e;
    store *s = store_open(path, &e);
    CHECK(s != NULL);
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

    doc_chunks_free(&ch);
    doc_free(d);
    store_close(s);
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
