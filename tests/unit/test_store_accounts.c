/* test_store_accounts.c - the store's accounts group on a real SQLite file (users, sessions with expiry, API
 * tokens by owner, the audit log, labels and the library version), and access labels applied before the
 * candidate limit: two copies of ADP 3-19, one labelled CUI, and a reader without CUI still gets k results. */
#include "check.h"
#include "search/search.h"
#include "store/store.h"

#include <stdlib.h>
#include <unistd.h>

static size_t search_docs(store *s, const char *text, const search_filter *f, int k, long long *only_doc)
{
    search_query q;
    fa_err e;
    if (search_prepare(s, text, &q, &e) != 0 || search_restrict(s, &q, f, &e) != 0)
        return 0;
    store_hits h = {0};
    size_t n = 0;
    *only_doc = -1;
    if (search_run(s, &q, k, &h, &e) == 0) {
        n = h.n;
        for (size_t i = 0; i < h.n; i++)
            *only_doc = (*only_doc == -1 || *only_doc == h.v[i].doc_id) ? h.v[i].doc_id : 0;
    }
    store_hits_free(&h);
    search_query_free(&q);
    return n;
}

int main(void)
{
    const char *shared = getenv("FAGPT_SHARED");
    char pdf[1024], dir[] = "/tmp/fagpt-test-XXXXXX";
    snprintf(pdf, sizeof pdf, "%s/corpus/pdf/ADP_3-19_Fires_2019-07.pdf", shared ? shared : "../shared");
    CHECK(mkdtemp(dir) != NULL);
    char *path = xasprintf("%s/library.db", dir);
    fa_err e;
    store *s = store_open(path, &e);
    CHECK(s != NULL);

    /* Users. */
    store_user u = {.username = "alice", .hash = "$argon2id$x", .role = "admin", .labels = "CUI"};
    CHECK(store_user_add(s, &u, &e) == 0);
    CHECK(store_user_add(s, &u, &e) != 0 && strstr(e.msg, "exists already"));
    store_user v = {.username = "vic", .hash = "$argon2id$y", .role = "viewer", .labels = "DISTRIBUTION A"};
    CHECK(store_user_add(s, &v, &e) == 0);
    long long n = 0;
    CHECK(store_user_count(s, &n, &e) == 0 && n == 2);
    store_user got;
    CHECK(store_user_get(s, "vic", &got, &e) == 1 && !strcmp(got.role, "viewer") && got.created_at);
    store_user_free(&got);
    CHECK(store_user_get(s, "nobody", &got, &e) == 0);
    CHECK(store_user_update(s, "vic", NULL, "operator", NULL, &e) == 1);
    CHECK(store_user_get(s, "vic", &got, &e) == 1 && !strcmp(got.role, "operator") &&
          !strcmp(got.labels, "DISTRIBUTION A") && !strcmp(got.hash, "$argon2id$y"));
    store_user_free(&got);
    CHECK(store_user_update(s, "nobody", NULL, "viewer", NULL, &e) == 0);
    store_users all = {0};
    CHECK(store_user_list(s, &all, &e) == 0 && all.n == 2 && !strcmp(all.v[0].username, "alice"));
    store_users_free(&all);

    /* Sessions: found while not expired; a new password ends them. */
    CHECK(store_session_add(s, "h1", "vic", "csrf1", 2000000000LL, &e) == 0);
    CHECK(store_session_add(s, "h0", "vic", "csrf0", 1000LL, &e) == 0);
    store_session ss;
    CHECK(store_session_get(s, "h1", 1900000000LL, &ss, &e) == 1 && !strcmp(ss.username, "vic") &&
          !strcmp(ss.csrf, "csrf1"));
    store_session_free(&ss);
    CHECK(store_session_get(s, "h1", 2100000000LL, &ss, &e) == 0);
    CHECK(store_session_get(s, "h0", 1900000000LL, &ss, &e) == 0);
    CHECK(store_user_update(s, "vic", "$argon2id$z", NULL, NULL, &e) == 1);
    CHECK(store_session_get(s, "h1", 1900000000LL, &ss, &e) == 0);
    CHECK(store_session_add(s, "h2", "vic", "csrf2", 2000000000LL, &e) == 0);
    CHECK(store_session_delete(s, "h2", &e) == 0 && store_session_get(s, "h2", 1900000000LL, &ss, &e) == 0);

    /* Tokens: by hash; listed and removed per owner. */
    long long t1, t2;
    CHECK(store_token_add(s, "th1", "vic", "script", &t1, &e) == 0 && t1 > 0);
    CHECK(store_token_add(s, "th2", "alice", "cron", &t2, &e) == 0 && t2 > t1);
    store_token tk;
    CHECK(store_token_find(s, "th1", &tk, &e) == 1 && tk.id == t1 && !strcmp(tk.username, "vic"));
    store_token_free(&tk);
    CHECK(store_token_find(s, "nope", &tk, &e) == 0);
    store_tokens ts = {0};
    CHECK(store_token_list(s, "vic", &ts, &e) == 0 && ts.n == 1);
    store_tokens_free(&ts);
    CHECK(store_token_list(s, NULL, &ts, &e) == 0 && ts.n == 2);
    store_tokens_free(&ts);
    CHECK(store_token_delete(s, t2, "vic", &e) == 0);
    CHECK(store_token_delete(s, t2, NULL, &e) == 1);

    /* Removing a user removes their sessions and tokens. */
    CHECK(store_session_add(s, "h3", "vic", "c", 2000000000LL, &e) == 0);
    CHECK(store_user_delete(s, "vic", &e) == 1);
    CHECK(store_token_find(s, "th1", &tk, &e) == 0);
    CHECK(store_session_get(s, "h3", 1900000000LL, &ss, &e) == 0);
    CHECK(store_user_delete(s, "vic", &e) == 0);

    /* Audit, newest first. */
    CHECK(store_audit_add(s, "alice", "login", "alice", NULL, &e) == 0);
    CHECK(store_audit_add(s, NULL, "login_failed", "mallory", "wrong username or password", &e) == 0);
    store_audit_events ev = {0};
    CHECK(store_audit_list(s, 10, &ev, &e) == 0 && ev.n == 2 && !strcmp(ev.v[0].action, "login_failed") &&
          ev.v[0].username == NULL && ev.v[0].at);
    store_audit_events_free(&ev);

    /* Two copies of ADP 3-19; the second labelled CUI. */
    doc_document *d;
    CHECK(doc_extract(pdf, NULL, &d, &e) == 0);
    doc_analyze(d);
    doc_chunks ch = {0};
    doc_make_chunks(d, &ch);
    store_doc a = {.path = "/copies/a.pdf", .file_name = "a.pdf", .sha256 = "a", .size_bytes = 1};
    store_doc b = {.path = "/copies/b.pdf", .file_name = "b.pdf", .sha256 = "b", .size_bytes = 1};
    long long v0 = store_library_version(s);
    CHECK(store_put_document(s, &a, d, &ch, &e) == 0 && store_put_document(s, &b, d, &ch, &e) == 0);
    long long v1 = store_library_version(s);
    CHECK(v1 != v0);
    CHECK(store_set_label(s, b.id, "CUI", &e) == 1);
    CHECK(store_library_version(s) != v1);
    CHECK(store_set_label(s, 999999, "CUI", &e) == 0);
    store_doc gd;
    CHECK(store_find_doc(s, "a.pdf", &gd, &e) == 1 && !strcmp(gd.label, "DISTRIBUTION A"));
    store_doc_free(&gd);
    CHECK(store_find_doc(s, "b.pdf", &gd, &e) == 1 && !strcmp(gd.label, "CUI"));
    store_doc_free(&gd);

    long long only;
    search_filter all_docs = {0};
    CHECK(search_docs(s, "clearance of fires", &all_docs, 10, &only) == 10 && only == 0); /* both copies */
    search_filter public_only = {.restrict_labels = true, .labels = "DISTRIBUTION A"};
    CHECK(search_docs(s, "clearance of fires", &public_only, 10, &only) == 10 && only == a.id);
    search_filter cui_only = {.restrict_labels = true, .labels = "CUI"};
    CHECK(search_docs(s, "clearance of fires", &cui_only, 10, &only) == 10 && only == b.id);
    search_filter none = {.restrict_labels = true, .labels = ""};
    CHECK(search_docs(s, "clearance of fires", &none, 10, &only) == 0);

    /* A relabelled file keeps its label when it is replaced (same path, new content). */
    CHECK(store_put_document(s, &b, d, &ch, &e) == 0);
    CHECK(store_find_doc(s, "b.pdf", &gd, &e) == 1 && !strcmp(gd.label, "CUI"));
    store_doc_free(&gd);

    doc_chunks_free(&ch);
    doc_free(d);
    store_close(s);
    unlink(path);
    char *wal = xasprintf("%s-wal", path), *shm = xasprintf("%s-shm", path);
    unlink(wal);
    unlink(shm);
    rmdir(dir);
    free(wal);
    free(shm);
    free(path);
    return check_done();
}
