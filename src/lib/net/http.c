/* http.c - the blocking HTTP/1.1 client of http.h: connect with a deadline, send, read, de-chunk. */
#include "http.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

int http_parse_url(const char *url, http_url *u, fa_err *e)
{
    memset(u, 0, sizeof *u);
    if (!url || !*url)
        return fa_fail(e, "empty URL");
    if (!strncasecmp(url, "https://", 8))
        return fa_fail(e, "%s: https is not supported by the built-in client; use http:// on a local address", url);
    if (strncasecmp(url, "http://", 7))
        return fa_fail(e, "%s: not an http:// URL", url);
    const char *p = url + 7, *hend, *rest;
    if (*p == '[') {
        hend = strchr(p, ']');
        if (!hend)
            return fa_fail(e, "%s: unterminated IPv6 address", url);
        if ((size_t)(hend - p - 1) >= sizeof u->host || hend == p + 1)
            return fa_fail(e, "%s: bad host", url);
        memcpy(u->host, p + 1, (size_t)(hend - p - 1));
        rest = hend + 1;
    } else {
        hend = p + strcspn(p, ":/?#");
        if (hend == p || (size_t)(hend - p) >= sizeof u->host)
            return fa_fail(e, "%s: bad host", url);
        memcpy(u->host, p, (size_t)(hend - p));
        rest = hend;
    }
    if (u->host[strspn(u->host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:%")])
        return fa_fail(e, "%s: bad character in the host", url);
    strcpy(u->port, "80");
    if (*rest == ':') {
        rest++;
        size_t n = strspn(rest, "0123456789");
        long port = n && n < 6 ? strtol(rest, NULL, 10) : 0;
        if (port < 1 || port > 65535)
            return fa_fail(e, "%s: bad port", url);
        snprintf(u->port, sizeof u->port, "%ld", port);
        rest += n;
    }
    if (*rest && *rest != '/' && *rest != '?')
        return fa_fail(e, "%s: unexpected '%c' after the host", url, *rest);
    u->path = *rest == '/' ? xstrdup(rest) : xasprintf("/%s", rest);
    char *hash = strchr(u->path, '#');
    if (hash)
        *hash = 0;
    return 0;
}

void http_url_free(http_url *u)
{
    free(u->path);
    u->path = NULL;
}

void http_response_free(http_response *r)
{
    free(r->body);
    free(r->content_type);
    memset(r, 0, sizeof *r);
}

static int ms_left(double deadline)
{
    double left = (deadline - fa_now()) * 1000.0;
    return left <= 0 ? 0 : (int)left + 1;
}

/* Waits for events on fd until the deadline; 1 ready, 0 timed out, -1 error. */
static int wait_fd(int fd, short events, double deadline)
{
    for (;;) {
        int left = ms_left(deadline);
        if (left == 0)
            return 0;
        struct pollfd p = {.fd = fd, .events = events};
        int rc = poll(&p, 1, left);
        if (rc < 0 && errno == EINTR)
            continue;
        return rc < 0 ? -1 : rc > 0;
    }
}

static int connect_deadline(const http_url *u, double deadline, fa_err *e)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM}, *res = NULL;
    int rc = getaddrinfo(u->host, u->port, &hints, &res);
    if (rc != 0)
        return fa_fail(e, "cannot resolve %s: %s", u->host, gai_strerror(rc));
    int fd = -1, err = 0;
    bool timed_out = false;
    for (struct addrinfo *a = res; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            err = errno;
            continue;
        }
        if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
            break;
        if (errno == EINPROGRESS) {
            int w = wait_fd(fd, POLLOUT, deadline);
            socklen_t len = sizeof err;
            if (w == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0)
                break;
            if (w == 0)
                timed_out = true;
        } else {
            err = errno;
        }
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        if (timed_out)
            return fa_fail(e, "connecting to %s port %s timed out", u->host, u->port);
        return fa_fail(e, "cannot connect to %s port %s: %s", u->host, u->port, strerror(err ? err : ECONNREFUSED));
    }
    return fd;
}

static int send_all(int fd, const char *p, size_t n, double deadline, fa_err *e)
{
    while (n) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w > 0) {
            p += w;
            n -= (size_t)w;
            continue;
        }
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            int rc = wait_fd(fd, POLLOUT, deadline);
            if (rc == 0)
                return fa_fail(e, "sending the request timed out");
            if (rc < 0)
                return fa_fail(e, "sending the request: %s", strerror(errno));
            continue;
        }
        return fa_fail(e, "sending the request: %s", strerror(errno));
    }
    return 0;
}

int http_dechunk(const char *raw, size_t n, strbuf *out)
{
    size_t i = 0;
    sb_clear(out);
    for (;;) {
        const char *eol = memmem(raw + i, n - i, "\r\n", 2);
        if (!eol)
            return n - i > 64 ? -1 : 0;
        size_t digits = 0, size = 0;
        for (const char *p = raw + i; p < eol && *p != ';'; p++, digits++) {
            int lc = *p | 32;
            int v = *p >= '0' && *p <= '9' ? *p - '0' : lc >= 'a' && lc <= 'f' ? lc - 'a' + 10 : -1;
            if (v < 0 || size > (HTTP_MAX_BODY >> 4))
                return -1;
            size = size * 16 + (size_t)v;
        }
        if (!digits)
            return -1;
        i = (size_t)(eol - raw) + 2;
        if (size == 0) {
            /* Trailer fields, then an empty line. */
            for (;;) {
                const char *t = memmem(raw + i, n - i, "\r\n", 2);
                if (!t)
                    return 0;
                if (t == raw + i)
                    return 1;
                i = (size_t)(t - raw) + 2;
            }
        }
        if (out->len + size > HTTP_MAX_BODY)
            return -1;
        if (n - i < size + 2)
            return 0;
        if (raw[i + size] != '\r' || raw[i + size + 1] != '\n')
            return -1;
        sb_addn(out, raw + i, size);
        i += size + 2;
    }
}

/* Finds a header's value in the header block (between the status line and the blank line); NULL if absent. */
static char *header_value(const char *head, size_t head_len, const char *name)
{
    size_t nl = strlen(name);
    const char *p = memmem(head, head_len, "\r\n", 2), *end = head + head_len;
    while (p && p + 2 < end) {
        p += 2;
        const char *eol = memmem(p, (size_t)(end - p), "\r\n", 2);
        if (!eol)
            eol = end;
        if ((size_t)(eol - p) > nl && p[nl] == ':' && !strncasecmp(p, name, nl)) {
            char *v = xstrndup(p + nl + 1, (size_t)(eol - p - nl - 1));
            char *t = fa_trim(v);
            memmove(v, t, strlen(t) + 1);
            return v;
        }
        p = eol;
    }
    return NULL;
}

/* Retry-After's delay in seconds (RFC 9110 section 10.2.3): delay-seconds, or an IMF-fixdate from which the
 * delay is counted from now; -1 when absent or unreadable. */
static int retry_after(const char *head, size_t head_len)
{
    char *v = header_value(head, head_len, "Retry-After");
    if (!v)
        return -1;
    int out = -1;
    char *end;
    long n = strtol(v, &end, 10);
    if (end != v && !*end && n >= 0) {
        out = n > 86400 ? 86400 : (int)n;
    } else {
        struct tm tm = {0};
        const char *rest = strptime(v, "%a, %d %b %Y %H:%M:%S GMT", &tm);
        if (rest && !*rest) {
            double d = difftime(timegm(&tm), time(NULL));
            out = d < 0 ? 0 : d > 86400 ? 86400 : (int)d;
        }
    }
    free(v);
    return out;
}

/* Returns 1 when raw holds a complete response (filling r), 0 when more is needed, -1 when malformed. */
static int parse_response(const char *raw, size_t n, bool eof, http_response *r, fa_err *e)
{
    const char *hend = memmem(raw, n, "\r\n\r\n", 4);
    if (!hend) {
        if (n > 65536)
            return fa_fail(e, "response headers longer than 64 KiB");
        if (eof)
            return fa_fail(e, n ? "the server closed the connection in the middle of the headers"
                                : "the server closed the connection without answering");
        return 0;
    }
    size_t head_len = (size_t)(hend - raw) + 2;
    int status = 0;
    if (n < 12 || strncmp(raw, "HTTP/1.", 7) || sscanf(raw + 9, "%3d", &status) != 1 || status < 100)
        return fa_fail(e, "not an HTTP response");
    const char *body = hend + 4;
    size_t avail = n - (size_t)(body - raw);
    if (status / 100 == 1) /* an interim answer (100 Continue): the real one follows */
        return parse_response(body, avail, eof, r, e);
    char *te = header_value(raw, head_len, "Transfer-Encoding");
    char *cl = header_value(raw, head_len, "Content-Length");
    int done = 0;
    strbuf out = {0};
    if (te && strcasestr(te, "chunked")) {
        done = http_dechunk(body, avail, &out);
        if (done < 0)
            fa_fail(e, "malformed chunked body");
        else if (!done && eof)
            done = fa_fail(e, "the server closed the connection in the middle of a chunked body");
    } else if (cl) {
        char *endp;
        unsigned long long len = strtoull(cl, &endp, 10);
        if (*endp || endp == cl || len > HTTP_MAX_BODY) {
            done = fa_fail(e, "bad Content-Length \"%s\"", cl);
        } else if (avail >= len) {
            sb_addn(&out, body, (size_t)len);
            done = 1;
        } else if (eof) {
            done = fa_fail(e, "the server closed the connection after %zu of %llu body bytes", avail, len);
        }
    } else if (status == 204 || status == 304) {
        done = 1;
    } else if (eof) {
        sb_addn(&out, body, avail);
        done = 1;
    }
    if (done == 1) {
        r->status = status;
        r->body_len = out.len;
        r->body = sb_take(&out);
        r->content_type = header_value(raw, head_len, "Content-Type");
        r->retry_after_s = retry_after(raw, head_len);
    }
    sb_free(&out);
    free(te);
    free(cl);
    return done;
}

/* Sends the request line, the headers (ours, then the caller's "Name: value\r\n" lines) and the body. */
static int send_request(int fd, const http_url *u, const char *method, const char *headers, const char *body,
                        size_t body_len, double deadline, fa_err *e)
{
    strbuf req = {0};
    bool v6 = strchr(u->host, ':') != NULL;
    sb_addf(&req, "%s %s HTTP/1.1\r\nHost: %s%s%s%s%s\r\nUser-Agent: fagpt/" FAGPT_VERSION "\r\n"
                  "Accept: */*\r\nConnection: close\r\n",
            method, u->path, v6 ? "[" : "", u->host, v6 ? "]" : "", strcmp(u->port, "80") ? ":" : "",
            strcmp(u->port, "80") ? u->port : "");
    if (body)
        sb_addf(&req, "Content-Length: %zu\r\n", body_len);
    if (headers)
        sb_add(&req, headers);
    sb_add(&req, "\r\n");
    int rc = send_all(fd, req.s, req.len, deadline, e);
    if (rc == 0 && body)
        rc = send_all(fd, body, body_len, deadline, e);
    sb_free(&req);
    return rc;
}

int http_request(const char *method, const char *url, const char *headers, const char *body, size_t body_len,
                 int timeout_ms, http_response *r, fa_err *e)
{
    memset(r, 0, sizeof *r);
    http_url u;
    if (http_parse_url(url, &u, e) != 0)
        return -1;
    double deadline = fa_now() + (timeout_ms > 0 ? timeout_ms : 1) / 1000.0;
    int fd = connect_deadline(&u, deadline, e);
    if (fd < 0) {
        http_url_free(&u);
        return -1;
    }
    int rc = send_request(fd, &u, method, headers, body, body_len, deadline, e);
    strbuf in = {0};
    while (rc == 0) {
        int w = wait_fd(fd, POLLIN, deadline);
        if (w == 0) {
            rc = fa_fail(e, "no complete answer from %s port %s within %d ms", u.host, u.port, timeout_ms);
            break;
        }
        if (w < 0) {
            rc = fa_fail(e, "waiting for the answer: %s", strerror(errno));
            break;
        }
        sb_grow(&in, 16384);
        ssize_t got = recv(fd, in.s + in.len, 16384, 0);
        if (got < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
            continue;
        if (got < 0) {
            rc = fa_fail(e, "reading the answer: %s", strerror(errno));
            break;
        }
        in.len += (size_t)got;
        in.s[in.len] = 0;
        if (in.len > HTTP_MAX_BODY + 65536) {
            rc = fa_fail(e, "response larger than %u bytes", HTTP_MAX_BODY);
            break;
        }
        int p = parse_response(in.s, in.len, got == 0, r, e);
        if (p == 1)
            break;
        if (p < 0)
            rc = -1;
    }
    sb_free(&in);
    close(fd);
    http_url_free(&u);
    return rc;
}

int http_get(const char *url, const char *headers, int timeout_ms, http_response *r, fa_err *e)
{
    return http_request("GET", url, headers, NULL, 0, timeout_ms, r, e);
}

void http_dechunker_free(http_dechunker *d)
{
    sb_free(&d->line);
    memset(d, 0, sizeof *d);
}

/* Parses a chunk-size line ("1a3;ext=1"); -1 when it is not one. */
static long long chunk_size(const char *s)
{
    long long size = 0;
    size_t digits = 0;
    for (; *s && *s != ';' && *s != ' ' && *s != '\t'; s++, digits++) {
        int lc = *s | 32;
        int v = *s >= '0' && *s <= '9' ? *s - '0' : lc >= 'a' && lc <= 'f' ? lc - 'a' + 10 : -1;
        if (v < 0 || size > (long long)(HTTP_MAX_BODY >> 4))
            return -1;
        size = size * 16 + v;
    }
    return digits ? size : -1;
}

int http_dechunk_feed(http_dechunker *d, const char *p, size_t n, http_body_fn fn, void *arg)
{
    size_t i = 0;
    while (i < n && d->state != 4) {
        if (d->state == 1) {
            size_t take = n - i < d->left ? n - i : d->left;
            if (fn(p + i, take, arg))
                return 2;
            i += take;
            d->left -= take;
            if (d->left == 0)
                d->state = 2;
            continue;
        }
        const char *nl = memchr(p + i, '\n', n - i);
        size_t upto = nl ? (size_t)(nl - p) : n;
        sb_addn(&d->line, p + i, upto - i);
        if (d->line.len > 4096)
            return -1;
        i = nl ? upto + 1 : n;
        if (!nl)
            break;
        if (d->line.len && d->line.s[d->line.len - 1] == '\r')
            d->line.s[--d->line.len] = 0;
        if (d->state == 0) {
            long long size = chunk_size(d->line.s ? d->line.s : "");
            if (size < 0)
                return -1;
            d->left = (size_t)size;
            d->state = size ? 1 : 3;
        } else if (d->state == 2) {
            if (d->line.len)
                return -1;
            d->state = 0;
        } else if (d->line.len == 0) {
            d->state = 4;
        }
        sb_clear(&d->line);
    }
    return d->state == 4;
}

/* Collects an error body into a strbuf (capped at 64 KiB: an error message, not a payload). */
static int collect(const char *data, size_t n, void *arg)
{
    strbuf *b = arg;
    if (b->len + n <= 65536)
        sb_addn(b, data, n);
    return 0;
}

/* wait_fd in slices of at most 100 ms, watching *cancel; -2 when it was set. */
static int wait_cancellable(int fd, double deadline, const volatile sig_atomic_t *cancel)
{
    for (;;) {
        if (cancel && *cancel)
            return -2;
        double slice = fa_now() + 0.1;
        int w = wait_fd(fd, POLLIN, !cancel || deadline < slice ? deadline : slice);
        if (w != 0 || !cancel || fa_now() >= deadline)
            return w;
    }
}

int http_stream(const char *method, const char *url, const char *headers, const char *body, size_t body_len,
                int timeout_ms, const volatile sig_atomic_t *cancel, http_body_fn fn, void *arg, http_response *r,
                fa_err *e)
{
    memset(r, 0, sizeof *r);
    http_url u;
    if (http_parse_url(url, &u, e) != 0)
        return -1;
    int tmo = timeout_ms > 0 ? timeout_ms : 1;
    double deadline = fa_now() + tmo / 1000.0;
    int fd = connect_deadline(&u, deadline, e);
    if (fd < 0) {
        http_url_free(&u);
        return -1;
    }
    int rc = send_request(fd, &u, method, headers, body, body_len, deadline, e);

    strbuf in = {0}, errbody = {0};
    http_dechunker dc = {0};
    enum { HEAD, CHUNKED, LENGTH, UNTIL_CLOSE, DONE } mode = HEAD;
    unsigned long long left = 0;
    http_body_fn sink = fn;
    void *sink_arg = arg;
    char buf[16384];
    while (rc == 0 && mode != DONE) {
        int w = wait_cancellable(fd, deadline, cancel);
        if (w == -2) {
            rc = fa_fail(e, "stopped");
            break;
        }
        if (w == 0) {
            rc = fa_fail(e, mode == HEAD ? "no answer from %s port %s within %d ms"
                                         : "%s port %s stopped sending for %d ms",
                         u.host, u.port, tmo);
            break;
        }
        if (w < 0) {
            rc = fa_fail(e, "waiting for the answer: %s", strerror(errno));
            break;
        }
        ssize_t got = recv(fd, buf, sizeof buf, 0);
        if (got < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK))
            continue;
        if (got < 0) {
            rc = fa_fail(e, "reading the answer: %s", strerror(errno));
            break;
        }
        if (mode != HEAD)
            deadline = fa_now() + tmo / 1000.0;
        const char *data = buf;
        size_t n = (size_t)got;
        if (mode == HEAD) {
            sb_addn(&in, buf, n);
            const char *hend = in.s ? memmem(in.s, in.len, "\r\n\r\n", 4) : NULL;
            int status = 0;
            if (hend && (in.len < 12 || strncmp(in.s, "HTTP/1.", 7) || sscanf(in.s + 9, "%3d", &status) != 1 ||
                         status < 100)) {
                rc = fa_fail(e, "not an HTTP response");
                break;
            }
            if (hend && status / 100 == 1) { /* an interim answer: drop it, the real one follows */
                size_t skip = (size_t)(hend - in.s) + 4;
                memmove(in.s, in.s + skip, in.len - skip + 1);
                in.len -= skip;
                continue;
            }
            if (!hend) {
                if (in.len > 65536)
                    rc = fa_fail(e, "response headers longer than 64 KiB");
                else if (got == 0)
                    rc = fa_fail(e, in.len ? "the server closed the connection in the middle of the headers"
                                           : "the server closed the connection without answering");
                continue;
            }
            size_t head_len = (size_t)(hend - in.s) + 2;
            r->status = status;
            r->content_type = header_value(in.s, head_len, "Content-Type");
            r->retry_after_s = retry_after(in.s, head_len);
            char *te = header_value(in.s, head_len, "Transfer-Encoding");
            char *cl = header_value(in.s, head_len, "Content-Length");
            if (status / 100 != 2) {
                sink = collect;
                sink_arg = &errbody;
            }
            if (te && strcasestr(te, "chunked")) {
                mode = CHUNKED;
            } else if (cl) {
                char *endp;
                left = strtoull(cl, &endp, 10);
                if (*endp || endp == cl)
                    rc = fa_fail(e, "bad Content-Length \"%s\"", cl);
                mode = left ? LENGTH : DONE;
            } else {
                mode = status == 204 || status == 304 ? DONE : UNTIL_CLOSE;
            }
            free(te);
            free(cl);
            data = hend + 4;
            n = in.len - head_len - 2;
            deadline = fa_now() + tmo / 1000.0;
            if (rc != 0 || mode == DONE)
                break;
        }
        if (mode == CHUNKED) {
            int d = n ? http_dechunk_feed(&dc, data, n, sink, sink_arg) : 0;
            if (d < 0)
                rc = fa_fail(e, "malformed chunked body");
            else if (d > 0)
                mode = DONE;
            else if (got == 0)
                rc = fa_fail(e, "the server closed the connection in the middle of a chunked body");
        } else if (mode == LENGTH) {
            size_t take = n < left ? n : (size_t)left;
            if (take && sink(data, take, sink_arg))
                mode = DONE;
            left -= take;
            if (left == 0)
                mode = DONE;
            else if (got == 0)
                rc = fa_fail(e, "the server closed the connection %llu body bytes short", left);
        } else if (mode == UNTIL_CLOSE) {
            if (got == 0 || (n && sink(data, n, sink_arg)))
                mode = DONE;
        }
    }
    if (r->status && sink == collect) {
        r->body_len = errbody.len;
        r->body = sb_take(&errbody);
    }
    sb_free(&errbody);
    sb_free(&in);
    http_dechunker_free(&dc);
    close(fd);
    http_url_free(&u);
    return rc;
}
