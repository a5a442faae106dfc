/*
 * http.h - a tiny blocking HTTP/1.1 client over plain TCP sockets, for talking to local model servers
 * (Ollama, OpenAI-compatible servers) and probing them from the doctor.
 *
 *   http_response r;
 *   fa_err e;
 *   if (http_get("http://127.0.0.1:11434/api/version", NULL, 2000, &r, &e) == 0) {
 *       ... r.status, r.body (NUL-terminated), r.body_len ...
 *       http_response_free(&r);
 *   }
 *
 * One request per connection ("Connection: close"). The whole exchange (name lookup excepted, which is
 * numeric-first and local for the servers we talk to) runs under one deadline: a server that accepts and then
 * never answers costs timeout_ms, never a hang. Bodies are read by Content-Length, chunked transfer coding, or
 * until the server closes; they are capped at HTTP_MAX_BODY bytes. Only http:// URLs; https:// is refused with
 * a message (use a local TLS-terminating proxy or plain HTTP on localhost).
 */
#ifndef FAGPT_HTTP_H
#define FAGPT_HTTP_H

#include <signal.h>

#include "core/core.h"

#define HTTP_MAX_BODY (64u << 20)

typedef struct http_url {
    char host[256]; /* without brackets for IPv6 literals */
    char port[8];
    char *path;     /* starts with '/', includes any query; owned */
} http_url;

typedef struct http_response {
    int status;          /* e.g. 200 */
    char *body;          /* NUL-terminated, decoded from chunked coding when needed */
    size_t body_len;
    char *content_type;  /* NULL when absent */
    int retry_after_s;   /* Retry-After (RFC 9110 10.2.3: delay-seconds or an HTTP-date), in seconds; -1 absent */
} http_response;

/* Parses "http://host[:port][/path]" (default port 80, path "/"). 0 on success; free with http_url_free. */
int http_parse_url(const char *url, http_url *u, fa_err *e);
void http_url_free(http_url *u);

/*
 * Sends one request and reads the whole response. headers: extra header lines, each ending in "\r\n", or NULL.
 * body may be NULL for no body. Returns 0 when a complete response arrived (any status), -1 with e filled on
 * connection failure, timeout, or a malformed response.
 */
int http_request(const char *method, const char *url, const char *headers, const char *body, size_t body_len,
                 int timeout_ms, http_response *r, fa_err *e);
int http_get(const char *url, const char *headers, int timeout_ms, http_response *r, fa_err *e);
void http_response_free(http_response *r);

/*
 * Decodes a chunked body from raw bytes. Returns 1 when the terminating chunk was seen (out holds the body),
 * 0 when more bytes are needed, -1 when malformed. Exposed for tests.
 */
int http_dechunk(const char *raw, size_t n, strbuf *out);

/*
 * Streaming: sends one request and hands the decoded body of a 2xx answer to fn piece by piece as it arrives
 * (chunked coding removed), for NDJSON and server-sent-event streams. fn returns nonzero to stop reading (the
 * connection is closed; that is not an error). timeout_ms bounds connecting, sending and the wait for the
 * headers, and then each wait for more body bytes (an idle limit, so a long answer that keeps coming is never
 * cut off). For any other status the body is collected into r->body instead (fn is not called), so the caller
 * can read the server's error message. Returns 0 when the answer ended (or fn stopped it), -1 with e filled.
 * cancel (may be NULL) is checked at least every 100 ms while waiting for the server, and when it becomes
 * nonzero (a signal handler sets it on Ctrl-C) the request is abandoned: -1 with "stopped".
 */
typedef int (*http_body_fn)(const char *data, size_t n, void *arg);
int http_stream(const char *method, const char *url, const char *headers, const char *body, size_t body_len,
                int timeout_ms, const volatile sig_atomic_t *cancel, http_body_fn fn, void *arg, http_response *r,
                fa_err *e);

/* The incremental chunked decoder http_stream uses; exposed for tests. Feed bytes as they come: decoded data
 * is passed to fn. Returns 1 after the terminating chunk and trailers, 0 when more bytes are needed, -1 when
 * malformed, 2 when fn asked to stop. */
typedef struct http_dechunker {
    int state;      /* 0 size line, 1 data, 2 CRLF after data, 3 trailers, 4 done */
    size_t left;    /* data bytes left in the current chunk */
    strbuf line;    /* the line being read in states 0, 2, 3 */
} http_dechunker;
int http_dechunk_feed(http_dechunker *d, const char *p, size_t n, http_body_fn fn, void *arg);
void http_dechunker_free(http_dechunker *d);

#endif
