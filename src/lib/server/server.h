/*
 * server.h - FA-GPT's web server: the JSON API under /api/, the embedded UI, /healthz and /metrics, on
 * libmicrohttpd with a thread pool. `fagpt serve` is a thin front end over server_start/server_stop.
 *
 *     server_opts o = {.listen = "127.0.0.1:8080", .home = "/home/me/.local/share/fagpt"};
 *     server *sv;
 *     if (server_start(&o, &sv, &err) != 0) ... err.msg says what is wrong (address in use, --no-auth off loopback)
 *     printf("serving %s\n", server_url(sv));
 *     ... wait for a signal ...
 *     server_stop(sv);
 *
 * Accounts: sessions in an HttpOnly SameSite=Strict cookie with a CSRF token for every state-changing request,
 * or API tokens (Authorization: Bearer). Roles viewer < operator < admin. Documents carry access labels; a user
 * sees only documents whose label they hold (an admin sees every document), and a hidden document answers 404
 * exactly like a missing one. The contract is /work/WEB-API.md and the served /api/openapi.json.
 *
 * The pure pieces (names, sniffing, hashing) are public for the unit tests.
 */
#ifndef FAGPT_SERVER_H
#define FAGPT_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/core.h"

typedef struct server_opts {
    const char *listen;      /* "HOST:PORT" (IPv4 or "localhost"); port 0 picks a free one. Default 127.0.0.1:8080 */
    const char *home;        /* the data folder (library.db, library/uploads/) */
    const char *db;          /* the library: an SQLite path or a postgres:// URL; NULL: home/library.db */
    bool no_auth;            /* every request acts as admin; refused unless the address is loopback */
    int threads;             /* worker threads; <= 0: 4 per core, at least 4 */
    long long upload_max;    /* bytes per uploaded file; <= 0: FAGPT_UPLOAD_MAX or 200 MB */
} server_opts;

typedef struct server server;

int server_start(const server_opts *o, server **out, fa_err *e);
/* "http://127.0.0.1:8080/" */
const char *server_url(const server *sv);
/* Whether the server has no users yet (the first-run setup page is open to loopback clients). */
bool server_setup_needed(server *sv);
void server_stop(server *sv);

/* Parses "HOST:PORT" into an IPv4 address (network order) and port; *loopback when it is 127.0.0.0/8. */
int server_parse_listen(const char *text, unsigned *addr, int *port, bool *loopback, fa_err *e);
/* A client-supplied file name made safe to save: the last path component, only letters, digits, '.', '-',
 * '_' (others become '_'), no leading dot, at most 100 bytes; "upload" when nothing is left. Returns out. */
char *server_sanitize_name(const char *name, char *out, size_t cap);
/* The file type from its first bytes: "pdf", "png", "jpeg", "tiff", or NULL. */
const char *server_sniff_type(const void *data, size_t n);
/* SHA-256 hex of a secret (session ids and API tokens are stored this way). */
void server_hash_secret(const char *secret, char out[65]);
/* Compares two strings in time independent of where they differ. */
bool server_secret_equal(const char *a, const char *b);
/* n random bytes as 2n hex characters into out (libsodium's randombytes). */
void server_random_hex(char *out, size_t nbytes);
/* Argon2id password hashing (libsodium crypto_pwhash_str, interactive limits); verify returns true on a match. */
int server_hash_password(const char *password, char *out, size_t cap, fa_err *e);
bool server_check_password(const char *hash, const char *password);
/* A password good enough to set: 8 to 1024 bytes. Fills e with what to do otherwise. */
int server_password_ok(const char *password, fa_err *e);
/* A username: 1 to 64 of letters, digits, '.', '-', '_'. A role: "admin", "operator" or "viewer". Labels: a
 * comma-separated list of 1-64 byte labels of letters, digits, spaces and -_.: */
int server_username_ok(const char *name, fa_err *e);
int server_role_ok(const char *role, fa_err *e);
int server_labels_ok(const char *labels, fa_err *e);

#endif
