/* test_http.c - net/http.h against a real local TCP server thread: lengths, chunked bodies, closes, hangs. */
#include "check.h"
#include "net/http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static int listener;
static int port;

/* Answers each connection according to the request path; "/hang" reads the request and never answers. */
static void *serve(void *arg)
{
    for (;;) {
        int c = accept(listener, NULL, NULL);
        if (c < 0)
            return NULL;
        char req[4096];
        size_t have = 0;
        for (;;) { /* the headers, then as much body as Content-Length says */
            ssize_t n = recv(c, req + have, sizeof req - 1 - have, 0);
            if (n <= 0)
                break;
            have += (size_t)n;
            req[have] = 0;
            char *end = strstr(req, "\r\n\r\n"), *cl = strstr(req, "Content-Length: ");
            if (end && (!cl || strlen(end + 4) >= strtoul(cl + 16, NULL, 10)))
                break;
        }
        req[have] = 0;
        const char *out = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
        if (strstr(req, "GET /len "))
            out = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{\"version\":\"1\"}";
        else if (strstr(req, "GET /chunked "))
            out = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n6;ext=1\r\npedia \r\n"
                  "E\r\nin \r\n\r\nchunks.\r\n0\r\nX-Trailer: y\r\n\r\n";
        else if (strstr(req, "GET /close "))
            out = "HTTP/1.1 200 OK\r\n\r\nuntil close";
        else if (strstr(req, "GET /short "))
            out = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this";
        else if (strstr(req, "GET /garbage "))
            out = "SSH-2.0-OpenSSH_9.2\r\n\r\n";
        else if (strstr(req, "GET /badchunk "))
            out = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n";
        else if (strstr(req, "POST /echo "))
            out = strstr(req, "\r\n\r\nping") ? "HTTP/1.1 201 Created\r\nContent-Length: 4\r\n\r\npong"
                                              : "HTTP/1.1 400 Bad\r\nContent-Length: 0\r\n\r\n";
        if (strstr(req, "GET /hang ")) {
            sleep(2);
        } else if (strstr(req, "GET /slow ")) {
            /* Headers first, body in two parts with a pause: the reader must keep reading. */
            const char *h = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello";
            send(c, h, strlen(h), MSG_NOSIGNAL);
            usleep(100000);
            send(c, "world", 5, MSG_NOSIGNAL);
        } else {
            send(c, out, strlen(out), MSG_NOSIGNAL);
        }
        close(c);
    }
}

static int dechunk(const char *s, strbuf *out)
{
    return http_dechunk(s, strlen(s), out);
}

static char *url(const char *path)
{
    static char buf[128];
    snprintf(buf, sizeof buf, "http://127.0.0.1:%d%s", port, path);
    return buf;
}

int main(void)
{
    http_url u;
    fa_err e;
    CHECK(http_parse_url("http://localhost:11434/api/tags?x=1#frag", &u, &e) == 0);
    CHECK_STR(u.host, "localhost");
    CHECK_STR(u.port, "11434");
    CHECK_STR(u.path, "/api/tags?x=1");
    http_url_free(&u);
    CHECK(http_parse_url("http://[::1]/", &u, &e) == 0 && !strcmp(u.host, "::1") && !strcmp(u.port, "80"));
    http_url_free(&u);
    CHECK(http_parse_url("HTTP://h", &u, &e) == 0 && !strcmp(u.path, "/"));
    http_url_free(&u);
    const char *bad[] = {"", "ftp://x", "http://", "http://h:0/", "http://h:99999", "http://h:12ab", "http://[::1",
                         "http://h x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(http_parse_url(bad[i], &u, &e) == -1);
    CHECK(http_parse_url("https://api.example", &u, &e) == -1 && strstr(e.msg, "https"));

    strbuf out = {0};
    CHECK(dechunk("3\r\nabc\r\n0\r\n\r\n", &out) == 1 && !strcmp(out.s, "abc"));
    CHECK(dechunk("3\r\nab", &out) == 0);
    CHECK(dechunk("3\r\nabcXY0\r\n\r\n", &out) == -1);
    CHECK(dechunk("fffffffffffffffff\r\n", &out) == -1);
    CHECK(dechunk("\r\n", &out) == -1);
    sb_free(&out);

    listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    CHECK(bind(listener, (struct sockaddr *)&a, sizeof a) == 0 && listen(listener, 8) == 0);
    getsockname(listener, (struct sockaddr *)&a, &len);
    port = ntohs(a.sin_port);
    pthread_t th;
    pthread_create(&th, NULL, serve, NULL);
    pthread_detach(th);

    http_response r;
    CHECK(http_get(url("/len"), NULL, 2000, &r, &e) == 0 && r.status == 200 && r.body_len == 15);
    CHECK_STR(r.body, "{\"version\":\"1\"}");
    CHECK_STR(r.content_type, "application/json");
    http_response_free(&r);
    CHECK(http_get(url("/chunked"), NULL, 2000, &r, &e) == 0);
    CHECK_STR(r.body, "Wikipedia in \r\n\r\nchunks.");
    http_response_free(&r);
    CHECK(http_get(url("/close"), NULL, 2000, &r, &e) == 0);
    CHECK_STR(r.body, "until close");
    http_response_free(&r);
    CHECK(http_get(url("/slow"), NULL, 2000, &r, &e) == 0);
    CHECK_STR(r.body, "helloworld");
    http_response_free(&r);
    CHECK(http_get(url("/nothing"), NULL, 2000, &r, &e) == 0 && r.status == 404 && r.body_len == 0);
    http_response_free(&r);
    CHECK(http_request("POST", url("/echo"), "Content-Type: text/plain\r\n", "ping", 4, 2000, &r, &e) == 0 &&
          r.status == 201);
    CHECK_STR(r.body, "pong");
    http_response_free(&r);

    CHECK(http_get(url("/short"), NULL, 2000, &r, &e) == -1 && strstr(e.msg, "closed the connection"));
    CHECK(http_get(url("/garbage"), NULL, 2000, &r, &e) == -1 && strstr(e.msg, "not an HTTP response"));
    CHECK(http_get(url("/badchunk"), NULL, 2000, &r, &e) == -1 && strstr(e.msg, "chunked"));
    double t0 = fa_now();
    CHECK(http_get(url("/hang"), NULL, 200, &r, &e) == -1 && strstr(e.msg, "within 200 ms"));
    CHECK(fa_now() - t0 < 1.5);

    /* A port nobody listens on: refused at once. */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in b = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    len = sizeof b;
    bind(s, (struct sockaddr *)&b, sizeof b);
    getsockname(s, (struct sockaddr *)&b, &len);
    char refused[64];
    snprintf(refused, sizeof refused, "http://127.0.0.1:%d/", ntohs(b.sin_port));
    close(s);
    CHECK(http_get(refused, NULL, 1000, &r, &e) == -1 && strstr(e.msg, "refused"));
    return check_done();
}
