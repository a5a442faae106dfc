/*
 * server.c - the HTTP side of the server: libmicrohttpd with a thread pool, request bodies with a size limit,
 * replies with security headers, the route table's top level, the embedded UI, /healthz, /metrics and
 * /api/openapi.json. Handlers live in api_auth.c, api_library.c and api_tools.c.
 */
#include "server_int.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assets.h"

static const double bucket_le[METRIC_BUCKETS] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5};

static void add_headers(struct MHD_Response *resp, const char *type)
{
    MHD_add_response_header(resp, "Content-Type", type);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
                            "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
}

enum MHD_Result reply(req *r, int status, const char *type, const void *data, size_t len, bool copy,
                      const char *disposition)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        len, (void *)data, copy ? MHD_RESPMEM_MUST_COPY : MHD_RESPMEM_PERSISTENT);
    if (!resp)
        return MHD_NO;
    add_headers(resp, type);
    if (!strncmp(r->url, "/api/", 5))
        MHD_add_response_header(resp, "Cache-Control", "no-store");
    else
        MHD_add_response_header(resp, "Cache-Control", "no-cache");
    if (disposition)
        MHD_add_response_header(resp, "Content-Disposition", disposition);
    if (status == 401)
        MHD_add_response_header(resp, "WWW-Authenticate", "Bearer realm=\"fagpt\"");
    enum MHD_Result rc = MHD_queue_response(r->conn, (unsigned)status, resp);
    MHD_destroy_response(resp);
    r->status = status;
    r->responded = true;
    return rc;
}

enum MHD_Result reply_json(req *r, int status, strbuf *b)
{
    if (!b->s)
        sb_add(b, "{}");
    sb_addc(b, '\n');
    struct MHD_Response *resp = MHD_create_response_from_buffer(b->len, b->s, MHD_RESPMEM_MUST_FREE);
    b->s = NULL;
    b->len = b->cap = 0;
    if (!resp)
        return MHD_NO;
    add_headers(resp, "application/json; charset=utf-8");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    enum MHD_Result rc = MHD_queue_response(r->conn, (unsigned)status, resp);
    MHD_destroy_response(resp);
    r->status = status;
    r->responded = true;
    return rc;
}

enum MHD_Result reply_error(req *r, int status, const char *code, const char *fmt, ...)
{
    strbuf msg = {0}, b = {0};
    va_list ap;
    va_start(ap, fmt);
    sb_vaddf(&msg, fmt, ap);
    va_end(ap);
    sb_add(&b, "{\"error\": ");
    json_str(&b, msg.s);
    sb_add(&b, ", \"code\": ");
    json_str(&b, code);
    sb_addc(&b, '}');
    sb_free(&msg);
    return reply_json(r, status, &b);
}

const char *query_arg(req *r, const char *key)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
}

json_value *body_json(req *r)
{
    if (!r->body.len) {
        reply_error(r, 400, "bad_json", "the request needs a JSON object body (Content-Type: application/json)");
        return NULL;
    }
    if (!fa_is_valid_utf8(r->body.s, r->body.len)) {
        reply_error(r, 400, "bad_json", "the body is not valid UTF-8; send JSON text in UTF-8");
        return NULL;
    }
    fa_err e;
    json_value *v = json_parse(r->body.s, r->body.len, &e);
    if (!v) {
        reply_error(r, 400, "bad_json", "the body is not valid JSON: %s", e.msg);
        return NULL;
    }
    if (v->type != JSON_OBJECT) {
        json_free(v);
        reply_error(r, 400, "bad_json", "the body must be a JSON object ({...})");
        return NULL;
    }
    return v;
}

bool need_role(req *r, int role)
{
    if (!r->who.authed) {
        reply_error(r, 401, "unauthenticated", "sign in first (POST /api/login) or send an API token "
                                               "(Authorization: Bearer TOKEN)");
        return false;
    }
    if (r->who.role < role) {
        reply_error(r, 403, "forbidden", "this needs the %s role; you are %s",
                    role == ROLE_ADMIN ? "admin" : role == ROLE_OPERATOR ? "operator" : "viewer",
                    r->who.role == ROLE_ADMIN ? "admin" : r->who.role == ROLE_OPERATOR ? "operator" : "viewer");
        return false;
    }
    return true;
}

void principal_filter(const principal *p, search_filter *f)
{
    memset(f, 0, sizeof *f);
    f->restrict_labels = !p->all_labels;
    f->labels = p->labels ? p->labels : "";
}

bool may_read(const principal *p, const store_doc *d)
{
    return p->all_labels || search_label_held(p->labels, d->label);
}

int find_readable(req *r, const char *id, store_doc *d)
{
    char *end;
    long long n = strtoll(id, &end, 10);
    if (!*id || *end || n <= 0)
        return reply_error(r, 404, "not_found", "no document %s (see GET /api/documents)", id), 0;
    char num[32];
    snprintf(num, sizeof num, "%lld", n);
    fa_err e;
    int got = store_find_doc(r->sv->st, num, d, &e);
    if (got < 0)
        return reply_error(r, 500, "internal", "%s", e.msg), -1;
    if (got == 0 || d->id != n || !may_read(&r->who, d)) {
        if (got)
            store_doc_free(d);
        return reply_error(r, 404, "not_found", "no document %s (see GET /api/documents)", id), 0;
    }
    return 1;
}

void audit(req *r, const char *action, const char *target, const char *detail)
{
    store_audit_add(r->sv->st, r->who.authed ? r->who.user : NULL, action, target, detail, NULL);
}

/* ---- metrics ---- */

static void metrics_record(server *sv, const char *route, int status, double seconds)
{
    pthread_mutex_lock(&sv->m_lock);
    size_t i = 0;
    while (i < sv->m_rows.n && (sv->m_rows.v[i].status != status || strcmp(sv->m_rows.v[i].route, route)))
        i++;
    if (i == sv->m_rows.n) {
        metric_row m = {.status = status};
        snprintf(m.route, sizeof m.route, "%s", route);
        VEC_PUSH(sv->m_rows, m);
    }
    sv->m_rows.v[i].count++;
    int b = 0;
    while (b < METRIC_BUCKETS && seconds > bucket_le[b])
        b++;
    sv->m_bucket[b]++;
    sv->m_sum += seconds;
    sv->m_count++;
    pthread_mutex_unlock(&sv->m_lock);
}

void metrics_text(server *sv, strbuf *b)
{
    sb_add(b, "# HELP fagpt_http_requests_total HTTP requests by route and status.\n"
              "# TYPE fagpt_http_requests_total counter\n");
    pthread_mutex_lock(&sv->m_lock);
    for (size_t i = 0; i < sv->m_rows.n; i++)
        sb_addf(b, "fagpt_http_requests_total{route=\"%s\",status=\"%d\"} %lld\n", sv->m_rows.v[i].route,
                sv->m_rows.v[i].status, sv->m_rows.v[i].count);
    sb_add(b, "# HELP fagpt_http_request_duration_seconds Time to answer a request.\n"
              "# TYPE fagpt_http_request_duration_seconds histogram\n");
    long long cum = 0;
    for (int i = 0; i < METRIC_BUCKETS; i++) {
        cum += sv->m_bucket[i];
        sb_addf(b, "fagpt_http_request_duration_seconds_bucket{le=\"%g\"} %lld\n", bucket_le[i], cum);
    }
    cum += sv->m_bucket[METRIC_BUCKETS];
    sb_addf(b, "fagpt_http_request_duration_seconds_bucket{le=\"+Inf\"} %lld\n", cum);
    sb_addf(b, "fagpt_http_request_duration_seconds_sum %.6f\nfagpt_http_request_duration_seconds_count %lld\n",
            sv->m_sum, sv->m_count);
    pthread_mutex_unlock(&sv->m_lock);
    store_docs docs = {0};
    long long chunks = 0;
    if (store_list_documents(sv->st, &docs, NULL) == 0)
        for (size_t i = 0; i < docs.n; i++)
            chunks += docs.v[i].chunks;
    sb_addf(b, "# HELP fagpt_documents Documents in the library.\n# TYPE fagpt_documents gauge\nfagpt_documents %zu\n"
               "# HELP fagpt_chunks Passages in the library.\n# TYPE fagpt_chunks gauge\nfagpt_chunks %lld\n",
            docs.n, chunks);
    store_docs_free(&docs);
    pthread_mutex_lock(&sv->cache_lock);
    sb_addf(b, "# HELP fagpt_search_cache_total Search replies served from the cache (hit) or computed (miss).\n"
               "# TYPE fagpt_search_cache_total counter\nfagpt_search_cache_total{result=\"hit\"} %lld\n"
               "fagpt_search_cache_total{result=\"miss\"} %lld\n", sv->cache_hits, sv->cache_misses);
    pthread_mutex_unlock(&sv->cache_lock);
    int counts[4];
    jobs_counts(sv, counts);
    static const char *states[] = {"queued", "running", "done", "failed"};
    sb_add(b, "# HELP fagpt_ingest_jobs Upload ingest jobs by state.\n# TYPE fagpt_ingest_jobs gauge\n");
    for (int i = 0; i < 4; i++)
        sb_addf(b, "fagpt_ingest_jobs{state=\"%s\"} %d\n", states[i], counts[i]);
}

/* ---- routing ---- */

static int split_path(char *path, char **seg, int max)
{
    int n = 0;
    for (char *p = strtok(path, "/"); p && n < max; p = strtok(NULL, "/"))
        seg[n++] = p;
    return n;
}

static enum MHD_Result serve_asset(req *r, const char *name)
{
    size_t len;
    const char *data = server_asset_find(name, &len);
    if (!data)
        return reply_error(r, 404, "not_found", "no such file: /assets/%s", name);
    return reply(r, 200, server_mime_type(name), data, len, false, NULL);
}

static enum MHD_Result dispatch(req *r)
{
    const char *m = r->method;
    if (!strcmp(r->url, "/healthz")) {
        r->route = "/healthz";
        static const char ok[] = "{\"status\": \"ok\"}\n";
        return reply(r, 200, "application/json; charset=utf-8", ok, sizeof ok - 1, false, NULL);
    }
    if (!strcmp(r->url, "/metrics")) {
        r->route = "/metrics";
        strbuf b = {0};
        metrics_text(r->sv, &b);
        enum MHD_Result rc = reply(r, 200, "text/plain; version=0.0.4; charset=utf-8", b.s, b.len, true, NULL);
        sb_free(&b);
        return rc;
    }
    /* The UI is one page; /setup is its first-run view. */
    if (!strcmp(r->url, "/") || !strcmp(r->url, "/index.html") || !strcmp(r->url, "/setup")) {
        r->route = "/";
        if (strcmp(m, "GET") && strcmp(m, "HEAD"))
            return reply_error(r, 405, "method", "use GET for /");
        return serve_asset(r, "index.html");
    }
    if (!strncmp(r->url, "/assets/", 8)) {
        r->route = "/assets";
        if (strstr(r->url, ".."))
            return reply_error(r, 404, "not_found", "no such file");
        return serve_asset(r, r->url + 8);
    }
    if (strncmp(r->url, "/api/", 5) && strcmp(r->url, "/api")) {
        r->route = "other";
        return reply_error(r, 404, "not_found", "no such page: %s (the UI is at /, the API under /api/)", r->url);
    }
    if (!strcmp(r->url, "/api/openapi.json")) {
        r->route = "/api/openapi.json";
        size_t len;
        const char *spec = server_openapi(&len);
        return reply(r, 200, "application/json; charset=utf-8", spec, len, false, NULL);
    }
    char *path = xstrdup(r->url + 4);
    char *seg[12];
    int nseg = split_path(path, seg, 12);
    enum MHD_Result rc = MHD_NO;
    bool state_changing = strcmp(m, "GET") && strcmp(m, "HEAD");
    r->route = "/api/other";
    if (state_changing && r->who.authed && !csrf_ok(r))
        rc = reply_error(r, 403, "csrf", "this request needs the X-CSRF-Token header (from POST /api/login or "
                                         "GET /api/me)");
    else if ((rc = route_auth(r, seg, nseg)) == MHD_YES || r->responded)
        ;
    else if ((rc = route_library(r, seg, nseg)) == MHD_YES || r->responded)
        ;
    else if ((rc = route_tools(r, seg, nseg)) == MHD_YES || r->responded)
        ;
    else
        rc = reply_error(r, 404, "not_found", "no API endpoint %s %s (see /api/openapi.json)", m, r->url);
    free(path);
    return rc;
}

/* ---- libmicrohttpd callbacks ---- */

static bool is_upload(const char *method, const char *url)
{
    return !strcmp(method, "POST") && !strcmp(url, "/api/documents");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
    server *sv = cls;
    req *r = *con_cls;
    if (!r) {
        r = xcalloc(1, sizeof *r);
        r->sv = sv;
        r->conn = conn;
        r->method = method;
        r->url = url;
        r->t0 = fa_now();
        r->route = "other";
        *con_cls = r;
        auth_resolve(r);
        if (is_upload(method, url)) {
            r->upload = true;
            r->route = "/api/documents";
            return upload_begin(r);
        }
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoll(cl, NULL, 10) > BODY_MAX)
            return reply_error(r, 413, "too_big", "the request body is over %d bytes", BODY_MAX);
        return MHD_YES;
    }
    if (r->responded) { /* answered early (401, 413...): drop the rest of the body */
        *upload_size = 0;
        return MHD_YES;
    }
    if (*upload_size) {
        if (r->upload) {
            enum MHD_Result rc = upload_chunk(r, upload_data, *upload_size);
            *upload_size = 0;
            return rc;
        }
        if (r->body.len + *upload_size > BODY_MAX)
            r->too_big = true;
        else
            sb_addn(&r->body, upload_data, *upload_size);
        *upload_size = 0;
        return MHD_YES;
    }
    if (r->upload)
        return upload_finish(r);
    if (r->too_big)
        return reply_error(r, 413, "too_big", "the request body is over %d bytes", BODY_MAX);
    return dispatch(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    server *sv = cls;
    req *r = *con_cls;
    if (!r)
        return;
    metrics_record(sv, r->route, r->status ? r->status : 499, fa_now() - r->t0);
    upload_cleanup(r);
    sb_free(&r->body);
    free(r->who.labels);
    free(r);
    *con_cls = NULL;
}

int server_start(const server_opts *o, server **out, fa_err *e)
{
    *out = NULL;
    if (sodium_init() < 0)
        return fa_fail(e, "libsodium could not start (no random source?)");
    unsigned addr;
    int port;
    bool loopback;
    if (server_parse_listen(o->listen ? o->listen : "127.0.0.1:8080", &addr, &port, &loopback, e) != 0)
        return -1;
    if (o->no_auth && !loopback)
        return fa_fail(e, "--no-auth is allowed only on a loopback address (127.0.0.1); anyone who can reach %s "
                          "would act as admin. Create an admin with `fagpt user add NAME --role admin` instead",
                       o->listen);
    server *sv = xcalloc(1, sizeof *sv);
    sv->home = xstrdup(o->home);
    sv->db_path = o->db && *o->db ? xstrdup(o->db) : xasprintf("%s/library.db", o->home);
    sv->uploads = xasprintf("%s/library/uploads", o->home);
    sv->no_auth = o->no_auth;
    sv->loopback = loopback;
    sv->upload_max = o->upload_max > 0 ? o->upload_max : 0;
    if (!sv->upload_max) {
        const char *env = getenv("FAGPT_UPLOAD_MAX");
        sv->upload_max = env && atoll(env) > 0 ? atoll(env) : 200LL << 20;
    }
    pthread_mutex_init(&sv->jobs_lock, NULL);
    pthread_cond_init(&sv->jobs_cond, NULL);
    pthread_mutex_init(&sv->m_lock, NULL);
    pthread_mutex_init(&sv->conv_lock, NULL);
    pthread_mutex_init(&sv->cache_lock, NULL);
    const char *cache = getenv("FAGPT_SEARCH_CACHE");
    sv->cache_off = cache && !strcmp(cache, "0");
    sv->next_job = 1;
    if (fa_mkdirs(sv->uploads, e) != 0 || !(sv->st = store_open(sv->db_path, e))) {
        server_stop(sv);
        return -1;
    }
    if (llm_config_load(&sv->llm, NULL, e) != 0) {
        server_stop(sv);
        return -1;
    }
    if (pthread_create(&sv->worker, NULL, jobs_worker, sv) != 0) {
        server_stop(sv);
        return fa_fail(e, "cannot start the ingest thread");
    }
    sv->worker_started = true;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr.s_addr = addr};
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int threads = o->threads > 0 ? o->threads : (int)(cores > 0 ? cores * 4 : 4);
    if (threads < 4)
        threads = 4;
    sv->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME, 0, NULL, NULL, on_request, sv,
                             MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE,
                             (unsigned)threads, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
                             MHD_OPTION_CONNECTION_LIMIT, (unsigned)1000, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
                             (size_t)(64 * 1024), MHD_OPTION_NOTIFY_COMPLETED, on_completed, sv,
                             MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1, MHD_OPTION_END);
    if (!sv->d) {
        server_stop(sv);
        return fa_fail(e, "cannot listen on %s: the port is in use or not allowed (try another with --listen "
                          "127.0.0.1:PORT)", o->listen ? o->listen : "127.0.0.1:8080");
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(sv->d, MHD_DAEMON_INFO_BIND_PORT);
    int bound = info ? info->port : port;
    char host[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &sa.sin_addr, host, sizeof host);
    snprintf(sv->url, sizeof sv->url, "http://%s:%d/", host, bound);
    *out = sv;
    return 0;
}

const char *server_url(const server *sv)
{
    return sv->url;
}

bool server_setup_needed(server *sv)
{
    long long n = 1;
    store_user_count(sv->st, &n, NULL);
    return n == 0 && !sv->no_auth;
}

void server_stop(server *sv)
{
    if (!sv)
        return;
    if (sv->d)
        MHD_stop_daemon(sv->d);
    if (sv->worker_started) {
        pthread_mutex_lock(&sv->jobs_lock);
        sv->stopping = true;
        pthread_cond_broadcast(&sv->jobs_cond);
        pthread_mutex_unlock(&sv->jobs_lock);
        pthread_join(sv->worker, NULL);
    }
    for (size_t i = 0; i < sv->jobs.n; i++) {
        job *j = &sv->jobs.v[i];
        free(j->file_name);
        free(j->path);
        free(j->reason);
        free(j->doc);
        free(j->status);
        free(j->user);
    }
    free(sv->jobs.v);
    free(sv->m_rows.v);
    for (int i = 0; i < 64; i++) {
        free(sv->conv[i].q);
        free(sv->conv[i].a);
    }
    for (int i = 0; i < SEARCH_CACHE; i++) {
        free(sv->cache[i].key);
        free(sv->cache[i].body);
    }
    pthread_mutex_destroy(&sv->cache_lock);
    llm_config_free(&sv->llm);
    store_close(sv->st);
    pthread_mutex_destroy(&sv->jobs_lock);
    pthread_cond_destroy(&sv->jobs_cond);
    pthread_mutex_destroy(&sv->m_lock);
    pthread_mutex_destroy(&sv->conv_lock);
    free(sv->home);
    free(sv->db_path);
    free(sv->uploads);
    free(sv);
}
