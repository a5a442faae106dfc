/*
 * api_library.c - the library over HTTP: documents (list, detail with outline, delete, label), page images
 * with highlighted passages, chunks, search, ask (JSON or Server-Sent Events), uploads (multipart, sniffed,
 * sanitised, size-limited) ingested by a background job thread with per-page progress, the quarantine and
 * retry, the tables and figures of a document, and the system status. Every document route checks the access
 * label first: a hidden document is a 404 exactly like a missing one.
 */
#include "server_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "answer/answer.h"
#include "doc/doc.h"
#include "ingest/ingest.h"
#include "sys/sys.h"

/* ---- documents ---- */

/* The principal's label filter plus the optional pub/type/since/until query arguments; -1 after a 400. */
static int request_filter(req *r, search_filter *f)
{
    principal_filter(&r->who, f);
    f->publication = query_arg(r, "pub");
    f->type = query_arg(r, "type");
    f->since = query_arg(r, "since");
    f->until = query_arg(r, "until");
    fa_err e;
    if (search_filter_check(f, &e) != 0)
        return reply_error(r, 400, "bad_input", "%s", e.msg), -1;
    return 0;
}

/* A document's superseding edition is named only to a reader who may read that edition too. */
static void hide_unreadable_successor(req *r, store_doc *d)
{
    if (!d->superseded_by)
        return;
    char num[32];
    snprintf(num, sizeof num, "%lld", d->current_id ? d->current_id : d->superseded_by);
    store_doc cur;
    bool readable = store_find_doc(r->sv->st, num, &cur, NULL) == 1 && may_read(&r->who, &cur);
    if (readable && d->current_id && d->current_id != d->superseded_by) {
        store_doc_free(&cur);
        snprintf(num, sizeof num, "%lld", d->superseded_by);
        readable = store_find_doc(r->sv->st, num, &cur, NULL) == 1 && may_read(&r->who, &cur);
    }
    if (readable)
        store_doc_free(&cur);
    else {
        d->superseded_by = d->current_id = 0;
        free(d->superseded_by_pub);
        free(d->superseded_by_date);
        free(d->superseded_reason);
        d->superseded_by_pub = d->superseded_by_date = d->superseded_reason = NULL;
    }
}

static enum MHD_Result list_documents(req *r)
{
    search_filter f;
    if (request_filter(r, &f) != 0)
        return MHD_YES;
    store_docs docs = {0};
    fa_err e;
    if (store_list_documents(r->sv->st, &docs, &e) != 0)
        return reply_error(r, 500, "internal", "%s", e.msg);
    strbuf b = {0};
    sb_add(&b, "{\"documents\": [");
    int n = 0;
    for (size_t i = 0; i < docs.n; i++)
        if (search_doc_allowed(&docs.v[i], &f)) {
            hide_unreadable_successor(r, &docs.v[i]);
            sb_add(&b, n++ ? ",\n " : "\n ");
            store_doc_json(&b, &docs.v[i], false);
        }
    sb_add(&b, "]}");
    store_docs_free(&docs);
    return reply_json(r, 200, &b);
}

static enum MHD_Result document_detail(req *r, const char *id)
{
    store_doc d;
    if (find_readable(r, id, &d) != 1)
        return MHD_YES;
    store_outline o = {0};
    store_page_conversions pc = {0};
    fa_err e;
    if (store_doc_outline(r->sv->st, d.id, &o, &e) != 0 || store_page_conversions_list(r->sv->st, d.id, &pc, &e) != 0) {
        store_outline_free(&o);
        store_doc_free(&d);
        return reply_error(r, 500, "internal", "%s", e.msg);
    }
    strbuf b = {0};
    hide_unreadable_successor(r, &d);
    store_doc_json(&b, &d, false);
    b.s[--b.len] = 0; /* reopen the object */
    sb_add(&b, ", \"outline\": [");
    for (size_t i = 0; i < o.n; i++) {
        sb_add(&b, i ? ", {\"section\": " : "{\"section\": ");
        json_str(&b, o.v[i].section);
        sb_addf(&b, ", \"page\": %d, \"page_label\": ", o.v[i].page);
        json_str(&b, o.v[i].page_label);
        sb_addc(&b, '}');
    }
    sb_add(&b, "], \"page_conversions\": ");
    store_page_conversions_json(&b, &pc);
    sb_addc(&b, '}');
    store_page_conversions_free(&pc);
    store_outline_free(&o);
    store_doc_free(&d);
    return reply_json(r, 200, &b);
}

static enum MHD_Result delete_document(req *r, const char *id)
{
    if (!need_role(r, ROLE_OPERATOR))
        return MHD_YES;
    store_doc d;
    if (find_readable(r, id, &d) != 1)
        return MHD_YES;
    fa_err e;
    enum MHD_Result rc;
    if (store_delete_document(r->sv->st, d.id, &e) != 0) {
        rc = reply_error(r, 500, "internal", "%s", e.msg);
    } else {
        /* An uploaded file goes with its document (else the next scan of the library folder adds it again). */
        size_t n = strlen(r->sv->uploads);
        if (d.path && !strncmp(d.path, r->sv->uploads, n) && d.path[n] == '/')
            unlink(d.path);
        char *figures_dir = xasprintf("%s/figures", r->sv->home);
        ingest_remove_figures(figures_dir, d.file_name);
        free(figures_dir);
        audit(r, "delete", d.file_name, d.publication);
        strbuf b = {0};
        sb_addf(&b, "{\"removed\": %lld, \"doc\": ", d.id);
        json_str(&b, d.file_name);
        sb_addc(&b, '}');
        rc = reply_json(r, 200, &b);
    }
    store_doc_free(&d);
    return rc;
}

static enum MHD_Result set_label(req *r, const char *id)
{
    if (!need_role(r, ROLE_ADMIN))
        return MHD_YES;
    store_doc d;
    if (find_readable(r, id, &d) != 1)
        return MHD_YES;
    json_value *v = body_json(r);
    if (!v) {
        store_doc_free(&d);
        return MHD_YES;
    }
    const char *label = json_get_str(v, "label", NULL);
    fa_err e;
    enum MHD_Result rc;
    if (!label || !*label || strchr(label, ',') || server_labels_ok(label, &e) != 0) {
        rc = reply_error(r, 400, "bad_input", "give one \"label\" (letters, digits, spaces, - _ . :), e.g. \"CUI\"");
    } else if (store_set_label(r->sv->st, d.id, label, &e) < 0) {
        rc = reply_error(r, 500, "internal", "%s", e.msg);
    } else {
        char *detail = xasprintf("%s -> %s", d.label, label);
        audit(r, "label", d.file_name, detail);
        free(detail);
        strbuf b = {0};
        sb_addf(&b, "{\"id\": %lld, \"label\": ", d.id);
        json_str(&b, label);
        sb_addc(&b, '}');
        rc = reply_json(r, 200, &b);
    }
    json_free(v);
    store_doc_free(&d);
    return rc;
}

/* A chunk of a readable document; 1, or 0 after replying. */
static int find_chunk(req *r, const store_doc *d, const char *chunk, store_hit *h)
{
    char *end;
    long long id = strtoll(chunk, &end, 10);
    fa_err e;
    int got = *chunk && !*end && id > 0 ? store_hit_by_chunk(r->sv->st, id, h, &e) : 0;
    if (got < 0)
        return reply_error(r, 500, "internal", "%s", e.msg), 0;
    if (got == 0 || h->doc_id != d->id) {
        if (got)
            store_hit_free(h);
        return reply_error(r, 404, "not_found", "no passage %s in document %lld", chunk, d->id), 0;
    }
    return 1;
}

static enum MHD_Result page_image(req *r, const char *id, const char *page)
{
    store_doc d;
    if (find_readable(r, id, &d) != 1)
        return MHD_YES;
    char *end;
    long p = strtol(page, &end, 10);
    enum MHD_Result rc = MHD_YES;
    const char *hl = query_arg(r, "highlight"), *dpi_s = query_arg(r, "dpi");
    long dpi = dpi_s ? strtol(dpi_s, NULL, 10) : 110;
    store_hit h = {0};
    bool have_hit = false;
    if (strcmp(end, ".png") || p < 1 || p > d.pages) {
        rc = reply_error(r, 404, "not_found", "no page %s in document %lld (pages 1 to %d, as N.png)", page, d.id,
                         d.pages);
    } else if (dpi < 24 || dpi > 300) {
        rc = reply_error(r, 400, "bad_input", "dpi: give 24 to 300");
    } else if (hl && !(have_hit = find_chunk(r, &d, hl, &h))) {
        ;
    } else {
        doc_box *boxes = NULL;
        size_t nboxes = 0;
        if (have_hit)
            doc_parse_boxes(h.boxes, &boxes, &nboxes);
        unsigned char *png;
        size_t len;
        fa_err e;
        if (doc_render_page_png(d.path, (int)p, (int)dpi, boxes, nboxes, &png, &len, &e) != 0) {
            rc = reply_error(r, 500, "render", "%s", e.msg);
        } else {
            struct MHD_Response *resp = MHD_create_response_from_buffer(len, png, MHD_RESPMEM_MUST_FREE);
            MHD_add_response_header(resp, "Content-Type", "image/png");
            MHD_add_response_header(resp, "Cache-Control", "private, max-age=300");
            MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
            rc = MHD_queue_response(r->conn, 200, resp);
            MHD_destroy_response(resp);
            r->status = 200;
            r->responded = true;
        }
        free(boxes);
    }
    if (have_hit)
        store_hit_free(&h);
    store_doc_free(&d);
    return rc;
}

static enum MHD_Result chunk_detail(req *r, const char *id, const char *chunk)
{
    store_doc d;
    if (find_readable(r, id, &d) != 1)
        return MHD_YES;
    store_hit h;
    enum MHD_Result rc = MHD_YES;
    if (find_chunk(r, &d, chunk, &h)) {
        strbuf b = {0};
        sb_addf(&b, "{\"chunk\": %lld, \"doc_id\": %lld, \"page\": %d, \"page_end\": %d, \"page_label\": ", h.chunk_id,
                h.doc_id, h.page, h.page_end);
        json_str(&b, h.page_label);
        sb_add(&b, ", \"section\": ");
        json_str(&b, h.section);
        sb_add(&b, ", \"paragraph\": ");
        json_str(&b, h.paragraph);
        sb_add(&b, ", \"text\": ");
        json_str(&b, h.text);
        sb_addf(&b, ", \"boxes\": %s}", h.boxes ? h.boxes : "[]");
        rc = reply_json(r, 200, &b);
        store_hit_free(&h);
    }
    store_doc_free(&d);
    return rc;
}

/* ---- search and ask ---- */

/* The search cache: a key hash (FNV-1a) picks a set of SEARCH_CACHE_WAYS slots, so a few keys of the same hash
 * do not evict each other on every request; an entry is good while the library version it was computed at is
 * current. The key holds everything the reply depends on, the reader's labels included. Call with cache_lock. */
static struct cached_search *cache_set(server *sv, const char *key)
{
    unsigned h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 16777619u;
    return &sv->cache[h % (SEARCH_CACHE / SEARCH_CACHE_WAYS) * SEARCH_CACHE_WAYS];
}

static bool cache_get(server *sv, const char *key, long long version, strbuf *out)
{
    if (sv->cache_off)
        return false;
    pthread_mutex_lock(&sv->cache_lock);
    struct cached_search *set = cache_set(sv, key), *c = NULL;
    for (int i = 0; i < SEARCH_CACHE_WAYS && !c; i++)
        if (set[i].key && set[i].version == version && !strcmp(set[i].key, key))
            c = &set[i];
    if (c) {
        sb_addn(out, c->body, c->len);
        c->used = ++sv->cache_clock;
    }
    c ? sv->cache_hits++ : sv->cache_misses++;
    pthread_mutex_unlock(&sv->cache_lock);
    return c != NULL;
}

static void cache_put(server *sv, const char *key, long long version, const strbuf *body)
{
    if (sv->cache_off)
        return;
    char *k = xstrdup(key), *b = xstrndup(body->s, body->len);
    pthread_mutex_lock(&sv->cache_lock);
    struct cached_search *set = cache_set(sv, key), *c = &set[0];
    for (int i = 0; i < SEARCH_CACHE_WAYS; i++) {
        if (set[i].key && !strcmp(set[i].key, key)) { /* the same key at an older version */
            c = &set[i];
            break;
        }
        if (set[i].used < c->used)
            c = &set[i];
    }
    free(c->key);
    free(c->body);
    c->key = k;
    c->body = b;
    c->len = body->len;
    c->version = version;
    c->used = ++sv->cache_clock;
    pthread_mutex_unlock(&sv->cache_lock);
}

static enum MHD_Result do_search(req *r)
{
    r->route = "/api/search";
    if (!need_role(r, ROLE_VIEWER))
        return MHD_YES;
    const char *q = query_arg(r, "q"), *ks = query_arg(r, "k");
    long k = 10;
    if (ks) {
        char *end;
        k = strtol(ks, &end, 10);
        if (*end || k < 1 || k > 100)
            return reply_error(r, 400, "bad_input", "k: give a number of results from 1 to 100");
    }
    if (!q || !*q)
        return reply_error(r, 400, "bad_input", "give the query as ?q=..., e.g. /api/search?q=clearance+of+fires");
    search_filter f;
    if (request_filter(r, &f) != 0)
        return MHD_YES;
    long long version = store_library_version(r->sv->st);
    char *key = xasprintf("%ld\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s\x1f%s", k, q, f.publication ? f.publication : "",
                          f.type ? f.type : "", f.since ? f.since : "", f.until ? f.until : "",
                          f.restrict_labels ? f.labels : "\x1e");
    strbuf b = {0};
    if (cache_get(r->sv, key, version, &b)) {
        free(key);
        return reply_json(r, 200, &b);
    }
    search_query sq;
    fa_err e;
    if (search_prepare(r->sv->st, q, &sq, &e) != 0) {
        free(key);
        return reply_error(r, 400, "bad_input", "%s", e.msg);
    }
    enum MHD_Result rc;
    store_hits hits = {0};
    if (search_restrict(r->sv->st, &sq, &f, &e) != 0 || search_run(r->sv->st, &sq, (int)k, &hits, &e) != 0) {
        rc = reply_error(r, 500, "internal", "%s", e.msg);
    } else {
        search_results_json(&b, sq.text, &hits);
        cache_put(r->sv, key, version, &b);
        rc = reply_json(r, 200, &b);
    }
    free(key);
    store_hits_free(&hits);
    search_query_free(&sq);
    return rc;
}

typedef struct ask_job {
    server *sv;
    principal who;                 /* labels owned */
    char *question, *conversation;
    search_filter filter;
    llm_config cfg;                /* the server's, with this request's cancel flag */
    volatile sig_atomic_t cancel;
    /* streaming */
    bool stream;
    pthread_mutex_t lock;
    strbuf out;
    size_t sent;
    bool done;
    pthread_t th;
    bool started;
    int status;
    /* The connection is suspended while no text is waiting (so its pool thread serves others) and resumed
     * by the answer thread when some arrives. */
    struct MHD_Connection *conn;
    bool suspended;
} ask_job;

/* Called with j->lock held after new output or the end. */
static void wake(ask_job *j)
{
    if (j->suspended) {
        j->suspended = false;
        MHD_resume_connection(j->conn);
    }
}

static void sse_push(ask_job *j, const char *event, const char *data, size_t n)
{
    pthread_mutex_lock(&j->lock);
    sb_addf(&j->out, "event: %s\ndata: ", event);
    sb_addn(&j->out, data, n);
    sb_add(&j->out, "\n\n");
    wake(j);
    pthread_mutex_unlock(&j->lock);
}

static int on_token(const char *text, size_t n, void *arg)
{
    ask_job *j = arg;
    strbuf b = {0};
    sb_add(&b, "{\"text\": ");
    json_strn(&b, text, n);
    sb_addc(&b, '}');
    sse_push(j, "token", b.s, b.len);
    sb_free(&b);
    return j->cancel;
}

static void conv_get(server *sv, const char *id, char **q, char **a)
{
    *q = *a = NULL;
    pthread_mutex_lock(&sv->conv_lock);
    for (int i = 0; i < 64 && id; i++)
        if (!strcmp(sv->conv[i].id, id) && sv->conv[i].q) {
            *q = xstrdup(sv->conv[i].q);
            *a = xstrdup(sv->conv[i].a);
        }
    pthread_mutex_unlock(&sv->conv_lock);
}

static void conv_put(server *sv, const char *id, const char *q, const char *a)
{
    pthread_mutex_lock(&sv->conv_lock);
    int slot = 0;
    for (int i = 0; i < 64; i++) {
        if (!strcmp(sv->conv[i].id, id)) {
            slot = i;
            break;
        }
        if (sv->conv[i].at < sv->conv[slot].at)
            slot = i;
    }
    free(sv->conv[slot].q);
    free(sv->conv[slot].a);
    snprintf(sv->conv[slot].id, sizeof sv->conv[slot].id, "%s", id);
    sv->conv[slot].q = xstrdup(q);
    sv->conv[slot].a = xstrdup(a);
    sv->conv[slot].at = fa_now();
    pthread_mutex_unlock(&sv->conv_lock);
}

/* The answer object of POST /api/ask into out; returns the HTTP status (400 for a bad question). */
static int ask_answer(ask_job *j, strbuf *out)
{
    server *sv = j->sv;
    char conv[33];
    if (j->conversation && strlen(j->conversation) == 32)
        snprintf(conv, sizeof conv, "%s", j->conversation);
    else
        server_random_hex(conv, 16);
    char *prev_q, *prev_a, *standalone = NULL, *note = NULL;
    conv_get(sv, conv, &prev_q, &prev_a);
    fa_err e;
    if (prev_q && j->cfg.api != LLM_NONE &&
        llm_rewrite_question(&j->cfg, prev_q, prev_a, j->question, &standalone, &e) == 0 &&
        !strcmp(standalone, j->question)) {
        free(standalone);
        standalone = NULL;
    }
    free(prev_q);
    free(prev_a);
    const char *query = standalone ? standalone : j->question;
    answer a;
    int got = -1;
    if (j->cfg.api != LLM_NONE) {
        got = llm_answer_for(&j->cfg, sv->st, query, &j->filter, 5, j->stream ? on_token : NULL, j, &a, &e);
        if (got != 0)
            note = xasprintf("the model server failed (%s); this answer is extractive (quoted from the library)",
                             e.msg);
    } else if (!j->cfg.off) {
        note = xasprintf("no model server: %s; answers are extractive (quoted from the library)",
                         j->cfg.why_none ? j->cfg.why_none : "none configured");
    }
    int status = 200;
    if (got != 0 && answer_extractive_for(sv->st, query, &j->filter, &a, &e) != 0) {
        strbuf b = {0};
        sb_add(&b, "{\"error\": ");
        json_str(&b, e.msg);
        sb_add(&b, ", \"code\": \"bad_input\"}");
        sb_add(out, b.s);
        sb_free(&b);
        status = 400;
    } else {
        if (standalone) {
            free(a.question);
            a.question = xstrdup(j->question);
        }
        answer_json(out, &a, standalone, note);
        out->s[--out->len] = 0; /* reopen the object */
        sb_add(out, ", \"conversation\": ");
        json_str(out, conv);
        sb_add(out, ", \"notice\": ");
        json_str(out, note);
        sb_addc(out, '}');
        conv_put(sv, conv, query, a.text);
        answer_free(&a);
    }
    free(standalone);
    free(note);
    return status;
}

static void ask_job_free(ask_job *j)
{
    free(j->who.labels);
    free(j->question);
    free(j->conversation);
    sb_free(&j->out);
    pthread_mutex_destroy(&j->lock);
    free(j);
}

static void *ask_thread(void *arg)
{
    ask_job *j = arg;
    strbuf b = {0};
    int status = ask_answer(j, &b);
    sse_push(j, status == 200 ? "done" : "error", b.s ? b.s : "{}", b.len);
    sb_free(&b);
    pthread_mutex_lock(&j->lock);
    j->done = true;
    wake(j);
    pthread_mutex_unlock(&j->lock);
    return NULL;
}

static ssize_t sse_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    ask_job *j = cls;
    pthread_mutex_lock(&j->lock);
    if (j->sent == j->out.len && !j->done) {
        /* Nothing yet: park the connection until the answer thread has more (0 = call again when resumed). */
        j->suspended = true;
        MHD_suspend_connection(j->conn);
        pthread_mutex_unlock(&j->lock);
        return 0;
    }
    size_t n = j->out.len - j->sent;
    if (n > max)
        n = max;
    ssize_t rc;
    if (n == 0 && j->done) {
        rc = MHD_CONTENT_READER_END_OF_STREAM;
    } else {
        memcpy(buf, j->out.s + j->sent, n);
        j->sent += n;
        rc = (ssize_t)n;
    }
    pthread_mutex_unlock(&j->lock);
    return rc;
}

static void sse_free(void *cls)
{
    ask_job *j = cls;
    j->cancel = 1; /* the client went away: stop the model */
    if (j->started)
        pthread_join(j->th, NULL);
    ask_job_free(j);
}

static enum MHD_Result do_ask(req *r)
{
    r->route = "/api/ask";
    if (!need_role(r, ROLE_VIEWER))
        return MHD_YES;
    if (strcmp(r->method, "POST"))
        return reply_error(r, 405, "method", "use POST for /api/ask with {\"question\": \"...\"}");
    json_value *v = body_json(r);
    if (!v)
        return MHD_YES;
    const char *q = json_get_str(v, "question", NULL), *conv = json_get_str(v, "conversation", NULL);
    if (!q || !*q) {
        json_free(v);
        return reply_error(r, 400, "bad_input", "give the \"question\"");
    }
    ask_job *j = xcalloc(1, sizeof *j);
    j->sv = r->sv;
    j->who = r->who;
    j->who.labels = r->who.labels ? xstrdup(r->who.labels) : NULL;
    principal_filter(&j->who, &j->filter);
    j->question = xstrdup(q);
    j->conversation = conv ? xstrdup(conv) : NULL;
    json_free(v);
    j->cfg = r->sv->llm;
    j->cfg.cancel = &j->cancel;
    pthread_mutex_init(&j->lock, NULL);
    const char *accept = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Accept");
    if (!accept || !strstr(accept, "text/event-stream")) {
        strbuf b = {0};
        int status = ask_answer(j, &b);
        ask_job_free(j);
        return reply_json(r, status, &b);
    }
    j->stream = true;
    j->conn = r->conn;
    if (pthread_create(&j->th, NULL, ask_thread, j) != 0) {
        ask_job_free(j);
        return reply_error(r, 503, "busy", "cannot start the answer now; try again");
    }
    j->started = true;
    struct MHD_Response *resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, sse_read, j, sse_free);
    MHD_add_response_header(resp, "Content-Type", "text/event-stream; charset=utf-8");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    enum MHD_Result rc = MHD_queue_response(r->conn, 200, resp);
    MHD_destroy_response(resp);
    r->status = 200;
    r->responded = true;
    return rc;
}

/* ---- jobs ---- */

static job *job_by_id(server *sv, long long id)
{
    for (size_t i = 0; i < sv->jobs.n; i++)
        if (sv->jobs.v[i].id == id)
            return &sv->jobs.v[i];
    return NULL;
}

static long long job_add(server *sv, const char *file_name, const char *path, const char *user)
{
    int pages = 0;
    doc_page_count(path, &pages, NULL);
    pthread_mutex_lock(&sv->jobs_lock);
    job j = {.id = sv->next_job++, .file_name = xstrdup(file_name), .path = xstrdup(path), .state = "queued",
             .pages_total = pages, .user = user ? xstrdup(user) : NULL};
    VEC_PUSH(sv->jobs, j);
    pthread_cond_broadcast(&sv->jobs_cond);
    pthread_mutex_unlock(&sv->jobs_lock);
    return j.id;
}

typedef struct progress_arg {
    server *sv;
    long long id;
} progress_arg;

static void on_progress(const ingest_progress *p, void *arg)
{
    progress_arg *pa = arg;
    pthread_mutex_lock(&pa->sv->jobs_lock);
    job *j = job_by_id(pa->sv, pa->id);
    if (j)
        j->pages_done = (int)p->pages_done;
    pthread_mutex_unlock(&pa->sv->jobs_lock);
}

void *jobs_worker(void *arg)
{
    server *sv = arg;
    pthread_mutex_lock(&sv->jobs_lock);
    for (;;) {
        job *j = NULL;
        for (size_t i = 0; i < sv->jobs.n && !j; i++)
            if (!strcmp(sv->jobs.v[i].state, "queued"))
                j = &sv->jobs.v[i];
        if (sv->stopping)
            break;
        if (!j) {
            pthread_cond_wait(&sv->jobs_cond, &sv->jobs_lock);
            continue;
        }
        j->state = "running";
        long long id = j->id;
        str_vec files = {0};
        VEC_PUSH(files, xstrdup(j->path));
        pthread_mutex_unlock(&sv->jobs_lock);
        ingest_results res = {0};
        progress_arg pa = {sv, id};
        /* As `fagpt ingest`: figures saved under DATA/figures, described when a vision model is configured. */
        char *figures_dir = xasprintf("%s/figures", sv->home);
        ingest_options io = {.figures_dir = figures_dir,
                             .vision = sv->llm.api != LLM_NONE && sv->llm.vision_model ? &sv->llm : NULL,
                             .docmodel = sv->llm.api != LLM_NONE && sv->llm.doc_model ? &sv->llm : NULL};
        ingest_run_opts(sv->st, &files, &io, on_progress, &pa, &res);
        free(figures_dir);
        str_vec_free(&files);
        pthread_mutex_lock(&sv->jobs_lock);
        j = job_by_id(sv, id); /* the vector may have moved */
        if (j && res.n) {
            const ingest_result *x = &res.v[0];
            j->status = xstrdup(x->status);
            j->doc_id = x->doc_id;
            j->doc = x->doc ? xstrdup(x->doc) : NULL;
            j->reason = x->reason ? xstrdup(x->reason) : NULL;
            j->state = strcmp(x->status, "quarantined") ? "done" : "failed";
            if (x->pages)
                j->pages_done = j->pages_total = x->pages;
        } else if (j) {
            j->state = "failed";
            j->reason = xstrdup("the ingest gave no result");
        }
        ingest_results_free(&res);
    }
    pthread_mutex_unlock(&sv->jobs_lock);
    return NULL;
}

void jobs_counts(server *sv, int counts[4])
{
    memset(counts, 0, 4 * sizeof *counts);
    pthread_mutex_lock(&sv->jobs_lock);
    for (size_t i = 0; i < sv->jobs.n; i++) {
        const char *s = sv->jobs.v[i].state;
        counts[!strcmp(s, "queued") ? 0 : !strcmp(s, "running") ? 1 : !strcmp(s, "done") ? 2 : 3]++;
    }
    pthread_mutex_unlock(&sv->jobs_lock);
}

static int doc_by_id(const void *key, const void *elem)
{
    long long k = *(const long long *)key, id = ((const store_doc *)elem)->id;
    return k < id ? -1 : k > id;
}

static int doc_order(const void *a, const void *b)
{
    long long x = ((const store_doc *)a)->id, y = ((const store_doc *)b)->id;
    return x < y ? -1 : x > y;
}

/* The store's work queue (`fagpt ingest --queue`, run by `fagpt worker` on any machine): every server of a
 * library shows the same jobs. A job's label is known only once its document is in the library, so: a job that
 * ended in a document is shown to whoever may read that document; a job without one (queued, running, failed,
 * or its document since deleted) only to operators and admins, who run the queue. Appends the JSON objects to b;
 * 0, or -1 after replying 500. */
static int queue_jobs(req *r, strbuf *b)
{
    store_jobs jobs = {0};
    store_docs docs = {0};
    fa_err e;
    if (store_jobs_list(r->sv->st, &jobs, &e) != 0 || store_list_documents(r->sv->st, &docs, &e) != 0) {
        store_jobs_free(&jobs);
        store_docs_free(&docs);
        reply_error(r, 500, "internal", "%s", e.msg);
        return -1;
    }
    if (docs.n) /* an empty library has no array (qsort and bsearch want one) */
        qsort(docs.v, docs.n, sizeof *docs.v, doc_order);
    int n = 0;
    for (size_t i = 0; i < jobs.n; i++) {
        const store_job *j = &jobs.v[i];
        const store_doc *d =
            j->doc_id > 0 && docs.n ? bsearch(&j->doc_id, docs.v, docs.n, sizeof *docs.v, doc_by_id) : NULL;
        if (d ? !may_read(&r->who, d) : r->who.role < ROLE_OPERATOR)
            continue;
        const char *slash = strrchr(j->path, '/');
        sb_addf(b, "%s{\"id\": %lld, \"file_name\": ", n++ ? ", " : "", j->id);
        json_str(b, slash ? slash + 1 : j->path);
        sb_add(b, ", \"path\": ");
        json_str(b, r->who.role >= ROLE_OPERATOR ? j->path : NULL);
        sb_addf(b, ", \"state\": \"%s\", \"pages_done\": %d, \"pages_total\": %d, \"attempts\": %d, \"worker\": ",
                j->state, j->pages_done, j->pages_total, j->attempts);
        json_str(b, j->worker);
        sb_add(b, ", \"lease_until\": ");
        json_str(b, j->lease_until);
        sb_add(b, ", \"created_at\": ");
        json_str(b, j->created_at);
        sb_add(b, ", \"finished_at\": ");
        json_str(b, j->finished_at);
        sb_addf(b, ", \"doc_id\": %lld, \"doc\": ", d ? d->id : 0);
        json_str(b, d ? d->file_name : NULL);
        sb_add(b, ", \"publication\": ");
        json_str(b, d ? d->publication : NULL);
        sb_add(b, ", \"error\": ");
        json_str(b, !strcmp(j->state, "failed") ? j->message : NULL);
        sb_addc(b, '}');
    }
    store_jobs_free(&jobs);
    store_docs_free(&docs);
    return 0;
}

static enum MHD_Result list_jobs(req *r)
{
    r->route = "/api/jobs";
    if (!need_role(r, ROLE_VIEWER))
        return MHD_YES;
    strbuf b = {0};
    sb_add(&b, "{\"jobs\": [");
    pthread_mutex_lock(&r->sv->jobs_lock);
    int n = 0;
    for (size_t i = 0; i < r->sv->jobs.n; i++) {
        const job *j = &r->sv->jobs.v[i];
        /* Others' uploads are visible to operators and admins (the ingest queue); a viewer sees none. */
        if (r->who.role < ROLE_OPERATOR && (!j->user || strcmp(j->user, r->who.user)))
            continue;
        sb_addf(&b, "%s{\"id\": %lld, \"file_name\": ", n++ ? ", " : "", j->id);
        json_str(&b, j->file_name);
        sb_addf(&b, ", \"state\": \"%s\", \"pages_done\": %d, \"pages_total\": %d, \"doc_id\": %lld, \"doc\": ", j->state,
                j->pages_done, j->pages_total, j->doc_id);
        json_str(&b, j->doc);
        sb_add(&b, ", \"status\": ");
        json_str(&b, j->status);
        sb_add(&b, ", \"reason\": ");
        json_str(&b, j->reason);
        sb_add(&b, ", \"user\": ");
        json_str(&b, j->user);
        sb_addc(&b, '}');
    }
    pthread_mutex_unlock(&r->sv->jobs_lock);
    sb_add(&b, "], \"queue\": [");
    if (queue_jobs(r, &b) != 0) {
        sb_free(&b);
        return MHD_YES;
    }
    sb_add(&b, "]}");
    return reply_json(r, 200, &b);
}

/* ---- uploads ---- */

static void upload_fail(req *r, int status, const char *fmt, const char *arg)
{
    if (r->upload_bad)
        return;
    r->upload_bad = true;
    r->upload_status = status;
    snprintf(r->upload_msg, sizeof r->upload_msg, fmt, arg);
}

static enum MHD_Result on_post_field(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
                                     const char *content_type, const char *transfer_encoding, const char *data,
                                     uint64_t off, size_t size)
{
    req *r = cls;
    if (r->upload_bad)
        return MHD_YES;
    if (!key || strcmp(key, "file") || !filename)
        return MHD_YES; /* other fields are ignored */
    upload_file *f = r->files.n ? &r->files.v[r->files.n - 1] : NULL;
    if (off == 0 && (!f || f->f == NULL || f->size > 0 || f->nhead > 0)) {
        if (r->files.n >= 32) {
            upload_fail(r, 400, "%s", "at most 32 files per upload");
            return MHD_YES;
        }
        char safe[128];
        server_sanitize_name(filename, safe, sizeof safe);
        upload_file nf = {.name = xstrdup(safe)};
        nf.tmp = xasprintf("%s/.upload-XXXXXX", r->sv->uploads);
        int fd = mkstemp(nf.tmp);
        nf.f = fd >= 0 ? fdopen(fd, "wb") : NULL;
        VEC_PUSH(r->files, nf);
        f = &r->files.v[r->files.n - 1];
        if (!f->f) {
            upload_fail(r, 500, "cannot write to the uploads folder: %s", strerror(errno));
            return MHD_YES;
        }
    }
    if (!f || !f->f)
        return MHD_YES;
    if (f->size + (long long)size > r->sv->upload_max) {
        char lim[32];
        snprintf(lim, sizeof lim, "%lld", r->sv->upload_max);
        upload_fail(r, 413, "a file is over the upload limit of %s bytes (FAGPT_UPLOAD_MAX)", lim);
        return MHD_YES;
    }
    for (size_t i = 0; i < size && f->nhead < sizeof f->head; i++)
        f->head[f->nhead++] = (unsigned char)data[i];
    if (size && fwrite(data, 1, size, f->f) != size) {
        upload_fail(r, 500, "cannot write the upload: %s", strerror(errno));
        return MHD_YES;
    }
    f->size += (long long)size;
    return MHD_YES;
}

enum MHD_Result upload_begin(req *r)
{
    if (!need_role(r, ROLE_OPERATOR))
        return MHD_YES;
    if (!csrf_ok(r))
        return reply_error(r, 403, "csrf", "this request needs the X-CSRF-Token header (from POST /api/login or "
                                           "GET /api/me)");
    const char *cl = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Length");
    if (cl && strtoll(cl, NULL, 10) > r->sv->upload_max * 4 + (1 << 20))
        return reply_error(r, 413, "too_big", "the upload is over the limit of %lld bytes per file (FAGPT_UPLOAD_MAX)",
                           r->sv->upload_max);
    const char *ct = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Content-Type");
    if (!ct || strncasecmp(ct, "multipart/form-data", 19) || !strstr(ct, "boundary="))
        return reply_error(r, 400, "bad_multipart", "upload files as multipart/form-data with one or more \"file\" "
                                                    "fields (curl -F file=@doc.pdf)");
    r->pp = MHD_create_post_processor(r->conn, 64 * 1024, on_post_field, r);
    if (!r->pp)
        return reply_error(r, 400, "bad_multipart", "the multipart body cannot be read (Content-Type: %s)", ct);
    return MHD_YES;
}

enum MHD_Result upload_chunk(req *r, const char *data, size_t size)
{
    if (r->upload_bad)
        return MHD_YES;
    if (MHD_post_process(r->pp, data, size) != MHD_YES)
        upload_fail(r, 400, "%s", "the multipart body is malformed");
    return MHD_YES;
}

/* The final name in uploads/: the sanitised name with the sniffed type's extension; a different file of the
 * same name gets -2, -3... */
static char *final_path(server *sv, const char *name, const char *type, const char *tmp)
{
    const char *ext = !strcmp(type, "jpeg") ? "jpg" : type;
    char base[128];
    snprintf(base, sizeof base, "%s", name);
    char *dot = strrchr(base, '.');
    if (dot && dot != base)
        *dot = 0;
    char tmp_sha[65];
    fa_sha256_file(tmp, tmp_sha, NULL);
    for (int i = 1; i < 1000; i++) {
        char *p = i == 1 ? xasprintf("%s/%s.%s", sv->uploads, base, ext)
                         : xasprintf("%s/%s-%d.%s", sv->uploads, base, i, ext);
        struct stat st;
        if (stat(p, &st) != 0)
            return p;
        char sha[65];
        if (fa_sha256_file(p, sha, NULL) == 0 && !strcmp(sha, tmp_sha))
            return p; /* the same file again: ingest will say "unchanged" */
        free(p);
    }
    return NULL;
}

enum MHD_Result upload_finish(req *r)
{
    if (r->responded)
        return MHD_YES;
    if (r->pp && !r->upload_bad && MHD_destroy_post_processor(r->pp) != MHD_YES)
        upload_fail(r, 400, "%s", "the multipart body is malformed (cut short?)");
    else if (r->pp && r->upload_bad)
        MHD_destroy_post_processor(r->pp);
    r->pp = NULL;
    for (size_t i = 0; i < r->files.n; i++)
        if (r->files.v[i].f) {
            fclose(r->files.v[i].f);
            r->files.v[i].f = NULL;
        }
    if (!r->upload_bad && r->files.n == 0)
        upload_fail(r, 400, "%s", "no \"file\" field with a file name in the upload (curl -F file=@doc.pdf)");
    for (size_t i = 0; i < r->files.n && !r->upload_bad; i++) {
        upload_file *f = &r->files.v[i];
        if (!server_sniff_type(f->head, f->nhead))
            upload_fail(r, 415, "%s is not a PDF, PNG, JPEG or TIFF file (its first bytes say otherwise); upload "
                                "the publication's PDF or a scanned page image", f->name);
    }
    if (r->upload_bad)
        return reply_error(r, r->upload_status, r->upload_status == 413 ? "too_big" : r->upload_status == 415
                                                                                          ? "unsupported_type"
                                                                                          : "bad_multipart",
                           "%s", r->upload_msg);
    strbuf b = {0};
    sb_add(&b, "{\"jobs\": [");
    for (size_t i = 0; i < r->files.n; i++) {
        upload_file *f = &r->files.v[i];
        char *path = final_path(r->sv, f->name, server_sniff_type(f->head, f->nhead), f->tmp);
        if (!path || rename(f->tmp, path) != 0) {
            free(path);
            sb_free(&b);
            return reply_error(r, 500, "internal", "cannot store the upload %s in %s", f->name, r->sv->uploads);
        }
        free(f->tmp);
        f->tmp = NULL;
        const char *fname = strrchr(path, '/') + 1;
        long long id = job_add(r->sv, fname, path, r->who.user);
        char detail[64];
        snprintf(detail, sizeof detail, "%lld bytes, job %lld", f->size, id);
        audit(r, "upload", fname, detail);
        sb_addf(&b, "%s{\"id\": %lld, \"file_name\": ", i ? ", " : "", id);
        json_str(&b, fname);
        sb_addf(&b, ", \"size_bytes\": %lld}", f->size);
        free(path);
    }
    sb_add(&b, "]}");
    return reply_json(r, 202, &b);
}

void upload_cleanup(req *r)
{
    if (r->pp)
        MHD_destroy_post_processor(r->pp);
    r->pp = NULL;
    for (size_t i = 0; i < r->files.n; i++) {
        upload_file *f = &r->files.v[i];
        if (f->f)
            fclose(f->f);
        if (f->tmp)
            unlink(f->tmp);
        free(f->tmp);
        free(f->name);
    }
    free(r->files.v);
    r->files.v = NULL;
    r->files.n = 0;
}

/* ---- quarantine, system ---- */

static enum MHD_Result quarantine(req *r, bool retry)
{
    r->route = retry ? "/api/quarantine/retry" : "/api/quarantine";
    if (!need_role(r, retry ? ROLE_OPERATOR : ROLE_VIEWER))
        return MHD_YES;
    store_quarantine_list q = {0};
    fa_err e;
    if (store_quarantine_list_all(r->sv->st, &q, &e) != 0)
        return reply_error(r, 500, "internal", "%s", e.msg);
    strbuf b = {0};
    sb_add(&b, retry ? "{\"jobs\": [" : "{\"files\": [");
    for (size_t i = 0; i < q.n; i++) {
        const char *name = strrchr(q.v[i].path, '/') ? strrchr(q.v[i].path, '/') + 1 : q.v[i].path;
        if (retry) {
            long long id = job_add(r->sv, name, q.v[i].path, r->who.user);
            sb_addf(&b, "%s{\"id\": %lld, \"file_name\": ", i ? ", " : "", id);
            json_str(&b, name);
            sb_addc(&b, '}');
            continue;
        }
        sb_add(&b, i ? ", {\"path\": " : "{\"path\": ");
        json_str(&b, q.v[i].path);
        sb_add(&b, ", \"file_name\": ");
        json_str(&b, name);
        sb_add(&b, ", \"reason\": ");
        json_str(&b, q.v[i].reason);
        sb_add(&b, ", \"at\": ");
        json_str(&b, q.v[i].at);
        sb_addc(&b, '}');
    }
    sb_add(&b, "]}");
    if (retry)
        audit(r, "retry", NULL, NULL);
    store_quarantine_list_free(&q);
    return reply_json(r, retry ? 202 : 200, &b);
}

/* The database as the System page names it: to an admin its path, or its URL with any password masked, both
 * the user-info one and libpq's password= query parameter ("postgres://fagpt:***@db/fagpt?password=***"); to
 * others only which kind it is. As libpq reads a URL, the user information ends at the first '@' and a
 * parameter at the next '&'. */
static char *shown_database(const char *db, bool admin)
{
    bool pg = !strncmp(db, "postgres://", 11) || !strncmp(db, "postgresql://", 13);
    if (!admin)
        return xstrdup(pg ? "PostgreSQL" : "SQLite");
    if (!pg)
        return xstrdup(db);
    strbuf b = {0};
    const char *auth = strstr(db, "://") + 3, *end = auth + strcspn(auth, "/?");
    const char *at = memchr(auth, '@', (size_t)(end - auth));
    const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
    const char *p = db;
    if (colon) {
        sb_addn(&b, db, (size_t)(colon - db));
        sb_add(&b, ":***");
        p = at;
    }
    const char *qs = strchr(p, '?');
    if (!qs) {
        sb_add(&b, p);
        return b.s;
    }
    sb_addn(&b, p, (size_t)(qs - p));
    for (const char *kv = qs; *kv;) {
        size_t n = 1 + strcspn(kv + 1, "&"); /* the separator ('?' or '&') and key=value */
        if (!strncmp(kv + 1, "password=", 9))
            sb_add(&b, kv == qs ? "?password=***" : "&password=***");
        else
            sb_addn(&b, kv, n);
        kv += n;
    }
    return b.s;
}

static enum MHD_Result system_status(req *r)
{
    r->route = "/api/system";
    if (!need_role(r, ROLE_VIEWER))
        return MHD_YES;
    server *sv = r->sv;
    search_filter f;
    principal_filter(&r->who, &f);
    store_docs docs = {0};
    store_list_documents(sv->st, &docs, NULL);
    long long ndocs = 0, nchunks = 0;
    for (size_t i = 0; i < docs.n; i++)
        if (search_doc_allowed(&docs.v[i], &f)) {
            ndocs++;
            nchunks += docs.v[i].chunks;
        }
    store_docs_free(&docs);
    strbuf b = {0};
    sb_add(&b, "{\"version\": \"" FAGPT_VERSION "\", \"database\": ");
    char *db = shown_database(sv->db_path, r->who.role == ROLE_ADMIN);
    json_str(&b, db);
    free(db);
    sb_addf(&b, ", \"documents\": %lld, \"chunks\": %lld, \"no_auth\": %s, \"model_server\": {\"url\": ", ndocs,
            nchunks, sv->no_auth ? "true" : "false");
    const llm_config *c = &sv->llm;
    json_str(&b, c->url);
    sb_addf(&b, ", \"api\": \"%s\", \"up\": ", llm_api_name(c->api));
    str_vec models = {0};
    char *version = NULL;
    bool up = c->api != LLM_NONE && llm_list_models(c, &models, &version, NULL) == 0;
    sb_add(&b, up ? "true" : "false");
    sb_add(&b, ", \"chat_model\": ");
    json_str(&b, c->chat_model);
    sb_add(&b, ", \"embed_model\": ");
    json_str(&b, c->embed_model);
    sb_add(&b, ", \"vision_model\": ");
    json_str(&b, c->vision_model);
    sb_add(&b, ", \"why_none\": ");
    json_str(&b, c->api == LLM_NONE ? c->why_none : NULL);
    sb_add(&b, ", \"models\": [");
    for (size_t i = 0; i < models.n; i++) {
        if (i)
            sb_add(&b, ", ");
        json_str(&b, models.v[i]);
    }
    sb_add(&b, "]}");
    str_vec_free(&models);
    free(version);
    if (r->who.role >= ROLE_OPERATOR) { /* the doctor names paths and hardware: not for viewers */
        sys_options o = {.home = sv->home, .timeout_ms = 800};
        sys_report rep;
        memset(&rep, 0, sizeof rep);
        sys_doctor(&o, &rep);
        sb_add(&b, ", \"doctor\": ");
        sys_report_json(&rep, &b);
        while (b.len && (b.s[b.len - 1] == '\n' || b.s[b.len - 1] == ' '))
            b.s[--b.len] = 0;
        sys_report_free(&rep);
    }
    int counts[4];
    jobs_counts(sv, counts);
    sb_addf(&b, ", \"jobs\": {\"queued\": %d, \"running\": %d, \"done\": %d, \"failed\": %d}}", counts[0], counts[1],
            counts[2], counts[3]);
    return reply_json(r, 200, &b);
}

/* ---- tables and figures of a document (as `fagpt tables/table/figures --json`) ---- */

/* N of /tables/N or /figures/N(.png): a positive number with the suffix given, else 0. */
static int seq_arg(const char *text, const char *suffix)
{
    char *end;
    long n = strtol(text, &end, 10);
    return end != text && !strcmp(end, suffix) && n > 0 && n < 1000000 ? (int)n : 0;
}

static enum MHD_Result document_tables(req *r, const char *id, const char *n)
{
    store_doc d;
    if (find_readable(r, id, &d) != 1)
        return MHD_YES;
    fa_err e;
    strbuf b = {0};
    enum MHD_Result rc;
    if (!n) {
        store_tables v = {0};
        if (store_tables_list(r->sv->st, d.id, &v, &e) != 0) {
            rc = reply_error(r, 500, "internal", "%s", e.msg);
        } else {
            store_tables_json(&b, &d, &v);
            rc = reply_json(r, 200, &b);
        }
        store_tables_free(&v);
    } else {
        int seq = seq_arg(n, "");
        const char *format = query_arg(r, "format");
        store_table t = {0};
        int found = seq ? store_table_get(r->sv->st, d.id, seq, &t, &e) : 0;
        doc_table dt;
        if (found < 0) {
            rc = reply_error(r, 500, "internal", "%s", e.msg);
        } else if (!found) {
            rc = reply_error(r, 404, "not_found", "no table %s in document %lld; GET /api/documents/%lld/tables lists them",
                             n, d.id, d.id);
        } else if (format && strcmp(format, "csv") && strcmp(format, "md") && strcmp(format, "json")) {
            rc = reply_error(r, 400, "bad_input", "format: give csv, md or json");
        } else if (!format || !strcmp(format, "json")) {
            store_table_json(&b, &d, &t);
            rc = reply_json(r, 200, &b);
        } else if (doc_table_from_json(t.cells, &dt, &e) != 0) {
            rc = reply_error(r, 500, "internal", "%s", e.msg);
        } else {
            bool csv = !strcmp(format, "csv");
            char *out = csv ? doc_table_csv(&dt) : doc_table_markdown(&dt);
            char disposition[96];
            snprintf(disposition, sizeof disposition, "attachment; filename=\"table-%lld-%d.%s\"", d.id, seq,
                     csv ? "csv" : "md");
            rc = reply(r, 200, csv ? "text/csv; charset=utf-8" : "text/markdown; charset=utf-8", out, strlen(out),
                       true, disposition);
            free(out);
            doc_table_free(&dt);
        }
        store_table_free(&t);
    }
    store_doc_free(&d);
    return rc;
}

static enum MHD_Result document_figures(req *r, const char *id, const char *n)
{
    store_doc d;
    if (find_readable(r, id, &d) != 1)
        return MHD_YES;
    fa_err e;
    store_figures v = {0};
    enum MHD_Result rc;
    if (store_figures_list(r->sv->st, d.id, &v, &e) != 0) {
        rc = reply_error(r, 500, "internal", "%s", e.msg);
    } else if (!n) {
        strbuf b = {0};
        store_figures_json(&b, &d, &v, false);
        rc = reply_json(r, 200, &b);
    } else {
        int seq = seq_arg(n, ".png");
        const store_figure *f = NULL;
        for (size_t i = 0; i < v.n && !f; i++)
            if (v.v[i].seq == seq)
                f = &v.v[i];
        size_t len = 0;
        unsigned char *png = NULL;
        if (!f) {
            rc = reply_error(r, 404, "not_found", "no figure image %s in document %lld; GET /api/documents/%lld/figures "
                             "lists them", n, d.id, d.id);
        } else if (ingest_figure_png(d.path, f, &png, &len, &e) != 0) {
            rc = reply_error(r, 404, "not_found", "figure %d of document %lld has no image: %s", f->seq, d.id, e.msg);
        } else {
            rc = reply(r, 200, "image/png", png, len, true, NULL);
            free(png);
        }
    }
    store_figures_free(&v);
    store_doc_free(&d);
    return rc;
}

enum MHD_Result route_library(req *r, char **seg, int nseg)
{
    const char *m = r->method;
    if (nseg < 1)
        return MHD_NO;
    if (!strcmp(seg[0], "documents")) {
        if (nseg == 1 && !strcmp(m, "GET")) {
            r->route = "/api/documents";
            return need_role(r, ROLE_VIEWER) ? list_documents(r) : MHD_YES;
        }
        if (nseg == 1)
            return reply_error(r, 405, "method", "use GET or POST (multipart upload) for /api/documents");
        if (!need_role(r, ROLE_VIEWER))
            return MHD_YES;
        if (nseg == 2) {
            r->route = "/api/documents/{id}";
            if (!strcmp(m, "GET"))
                return document_detail(r, seg[1]);
            if (!strcmp(m, "DELETE"))
                return delete_document(r, seg[1]);
            return reply_error(r, 405, "method", "use GET or DELETE for /api/documents/{id}");
        }
        if (nseg == 3 && !strcmp(seg[2], "label")) {
            r->route = "/api/documents/{id}/label";
            if (strcmp(m, "PUT") && strcmp(m, "POST"))
                return reply_error(r, 405, "method", "use PUT for /api/documents/{id}/label");
            return set_label(r, seg[1]);
        }
        if (nseg == 4 && !strcmp(seg[2], "pages") && !strcmp(m, "GET")) {
            r->route = "/api/documents/{id}/pages/{page}.png";
            return page_image(r, seg[1], seg[3]);
        }
        if ((nseg == 3 || nseg == 4) && !strcmp(seg[2], "tables") && !strcmp(m, "GET")) {
            r->route = nseg == 3 ? "/api/documents/{id}/tables" : "/api/documents/{id}/tables/{n}";
            return document_tables(r, seg[1], nseg == 4 ? seg[3] : NULL);
        }
        if ((nseg == 3 || nseg == 4) && !strcmp(seg[2], "figures") && !strcmp(m, "GET")) {
            r->route = nseg == 3 ? "/api/documents/{id}/figures" : "/api/documents/{id}/figures/{n}.png";
            return document_figures(r, seg[1], nseg == 4 ? seg[3] : NULL);
        }
        if (nseg == 4 && !strcmp(seg[2], "chunks") && !strcmp(m, "GET")) {
            r->route = "/api/documents/{id}/chunks/{chunk}";
            return chunk_detail(r, seg[1], seg[3]);
        }
        return MHD_NO;
    }
    if (nseg == 1 && !strcmp(seg[0], "search"))
        return do_search(r);
    if (nseg == 1 && !strcmp(seg[0], "ask"))
        return do_ask(r);
    if (nseg == 1 && !strcmp(seg[0], "jobs"))
        return list_jobs(r);
    if (nseg == 1 && !strcmp(seg[0], "quarantine") && !strcmp(m, "GET"))
        return quarantine(r, false);
    if (nseg == 2 && !strcmp(seg[0], "quarantine") && !strcmp(seg[1], "retry") && !strcmp(m, "POST"))
        return quarantine(r, true);
    if (nseg == 1 && !strcmp(seg[0], "system"))
        return system_status(r);
    return MHD_NO;
}
