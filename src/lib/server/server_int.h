/*
 * server_int.h - what the server's files share: the server, one request, the signed-in principal, replies,
 * the job queue and the handlers of each group of routes (api_auth.c, api_library.c, api_tools.c).
 */
#ifndef FAGPT_SERVER_INT_H
#define FAGPT_SERVER_INT_H

#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>

#include "core/json.h"
#include "llm/llm.h"
#include "search/search.h"
#include "server.h"
#include "store/store.h"

enum { ROLE_NONE = 0, ROLE_VIEWER = 1, ROLE_OPERATOR = 2, ROLE_ADMIN = 3 };

#define BODY_MAX (1 << 20)   /* JSON request bodies */
#define SESSION_TTL (12 * 3600)
#define SEARCH_CACHE 512     /* cached search replies */
#define SEARCH_CACHE_WAYS 8  /* a key may sit in any slot of its set of 8; the least recently used one goes */

typedef struct job {
    long long id;
    char *file_name, *path, *reason, *doc, *status, *user;
    const char *state;       /* "queued", "running", "done", "failed" */
    int pages_done, pages_total;
    long long doc_id;
} job;

typedef struct metric_row {
    char route[48];
    int status;
    long long count;
} metric_row;

#define METRIC_BUCKETS 10

struct server {
    struct MHD_Daemon *d;
    store *st;
    char *home, *db_path, *uploads;
    char url[96];
    bool no_auth, loopback;
    long long upload_max;
    llm_config llm;
    /* jobs: one background thread ingests them in order */
    pthread_mutex_t jobs_lock;
    pthread_cond_t jobs_cond;
    VEC(job) jobs;
    long long next_job;
    pthread_t worker;
    bool worker_started, stopping;
    /* metrics */
    pthread_mutex_t m_lock;
    VEC(metric_row) m_rows;
    long long m_bucket[METRIC_BUCKETS + 1];
    double m_sum;
    long long m_count;
    /* search results by (query, k, filters, labels), valid while store_library_version is unchanged */
    pthread_mutex_t cache_lock;
    struct cached_search {
        char *key;
        long long version;
        char *body;
        size_t len;
        unsigned long long used; /* cache_clock at its last use */
    } cache[SEARCH_CACHE];
    long long cache_hits, cache_misses;
    unsigned long long cache_clock; /* counts the cache's uses */
    bool cache_off;          /* FAGPT_SEARCH_CACHE=0 */
    /* conversations of /api/ask: the last question and answer, for rewriting a follow-up */
    pthread_mutex_t conv_lock;
    struct conv { char id[33]; char *q, *a; double at; } conv[64];
};

typedef struct principal {
    bool authed;
    char user[72];
    int role;
    char *labels;            /* held labels, comma-separated (heap) */
    bool all_labels;         /* admin or --no-auth: every document */
    bool via_token, no_auth;
    char csrf[72];
} principal;

typedef struct upload_file {
    char *name;              /* sanitised */
    char *tmp;               /* temp path while receiving */
    FILE *f;
    long long size;
    unsigned char head[8];
    size_t nhead;
} upload_file;

typedef struct req {
    server *sv;
    struct MHD_Connection *conn;
    const char *method, *url;
    strbuf body;
    bool too_big, responded, upload;
    struct MHD_PostProcessor *pp;
    VEC(upload_file) files;
    bool upload_bad;         /* a file over the limit or a malformed body */
    int upload_status;
    char upload_msg[256];
    principal who;
    int status;
    const char *route;       /* the route pattern, for metrics */
    double t0;
} req;

/* Replies (server.c). Each returns the MHD result of queueing it. */
enum MHD_Result reply(req *r, int status, const char *type, const void *data, size_t len, bool copy,
                      const char *disposition);
enum MHD_Result reply_json(req *r, int status, strbuf *b);       /* takes b's string */
enum MHD_Result reply_error(req *r, int status, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
const char *query_arg(req *r, const char *key);
/* The request body as a JSON object; NULL after replying 400. */
json_value *body_json(req *r);
/* Requires a signed-in principal of at least role; false after replying 401/403. */
bool need_role(req *r, int role);
/* The search filter of the principal (labels) plus optional query filters. */
void principal_filter(const principal *p, search_filter *f);
/* Whether the principal may read the document. */
bool may_read(const principal *p, const store_doc *d);
/* Looks a document up by id and checks that the principal may read it: 1 found and readable; 0 after
 * replying 404 (missing or hidden, the same reply); -1 after replying 500. */
int find_readable(req *r, const char *id, store_doc *d);
void audit(req *r, const char *action, const char *target, const char *detail);

/* Authentication (api_auth.c). */
void auth_resolve(req *r);
bool csrf_ok(req *r);
enum MHD_Result route_auth(req *r, char **seg, int nseg);

/* Library (api_library.c): documents, pages, chunks, search, ask, jobs, quarantine, uploads, system. */
enum MHD_Result route_library(req *r, char **seg, int nseg);
enum MHD_Result upload_begin(req *r);
enum MHD_Result upload_chunk(req *r, const char *data, size_t size);
enum MHD_Result upload_finish(req *r);
void upload_cleanup(req *r);
void *jobs_worker(void *arg);
void jobs_counts(server *sv, int counts[4]);

/* Grid, fires, orders (api_tools.c). */
enum MHD_Result route_tools(req *r, char **seg, int nseg);

/* Metrics (server.c). */
void metrics_text(server *sv, strbuf *b);

#endif
