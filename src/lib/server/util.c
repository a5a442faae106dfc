/* util.c - the server's pure helpers: listen addresses, safe file names, type sniffing, secrets and password
 * hashing (libsodium), and the checks on usernames, roles and labels (see server.h). */
#include "server.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int server_parse_listen(const char *text, unsigned *addr, int *port, bool *loopback, fa_err *e)
{
    const char *colon = text ? strrchr(text, ':') : NULL;
    if (!colon || colon == text)
        return fa_fail(e, "listen address '%s' is not HOST:PORT; give e.g. 127.0.0.1:8080", text ? text : "");
    char host[64];
    size_t hn = (size_t)(colon - text);
    if (hn >= sizeof host)
        return fa_fail(e, "listen address '%s': the host is too long", text);
    memcpy(host, text, hn);
    host[hn] = 0;
    char *end;
    long p = strtol(colon + 1, &end, 10);
    if (!colon[1] || *end || p < 0 || p > 65535)
        return fa_fail(e, "listen address '%s': the port must be a number from 0 to 65535", text);
    struct in_addr in;
    if (!strcmp(host, "localhost"))
        strcpy(host, "127.0.0.1");
    if (inet_pton(AF_INET, host, &in) != 1)
        return fa_fail(e, "listen address '%s': '%s' is not an IPv4 address (use 127.0.0.1 for this machine only, "
                          "0.0.0.0 for every interface)", text, host);
    *addr = in.s_addr;
    *port = (int)p;
    *loopback = (ntohl(in.s_addr) >> 24) == 127;
    return 0;
}

char *server_sanitize_name(const char *name, char *out, size_t cap)
{
    const char *base = name ? name : "";
    for (const char *p = base; *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    size_t n = 0;
    for (const char *p = base; *p && n + 1 < cap && n < 100; p++) {
        unsigned char c = (unsigned char)*p;
        char o = isalnum(c) || c == '.' || c == '-' || c == '_' ? (char)c : '_';
        if (n == 0 && (o == '.' || o == '_' || o == '-'))
            continue; /* no hidden files, no option-like names */
        if (o == '.' && n && out[n - 1] == '.')
            continue; /* no ".." anywhere */
        out[n++] = o;
    }
    out[n] = 0;
    if (n == 0 && cap > 6)
        strcpy(out, "upload");
    return out;
}

const char *server_sniff_type(const void *data, size_t n)
{
    const unsigned char *b = data;
    if (n >= 5 && !memcmp(b, "%PDF-", 5))
        return "pdf";
    if (n >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8))
        return "png";
    if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF)
        return "jpeg";
    if (n >= 4 && (!memcmp(b, "II*\0", 4) || !memcmp(b, "MM\0*", 4)))
        return "tiff";
    return NULL;
}

void server_hash_secret(const char *secret, char out[65])
{
    fa_sha256_hex(secret, strlen(secret), out);
}

bool server_secret_equal(const char *a, const char *b)
{
    size_t n = strlen(a);
    if (n != strlen(b))
        return false;
    return sodium_memcmp(a, b, n) == 0;
}

void server_random_hex(char *out, size_t nbytes)
{
    unsigned char buf[64];
    if (nbytes > sizeof buf)
        nbytes = sizeof buf;
    randombytes_buf(buf, nbytes);
    sodium_bin2hex(out, nbytes * 2 + 1, buf, nbytes);
}

int server_hash_password(const char *password, char *out, size_t cap, fa_err *e)
{
    if (cap < crypto_pwhash_STRBYTES)
        return fa_fail(e, "internal: password hash buffer too small");
    if (sodium_init() < 0)
        return fa_fail(e, "libsodium could not start");
    if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return fa_fail(e, "out of memory hashing the password");
    return 0;
}

bool server_check_password(const char *hash, const char *password)
{
    return hash && password && crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

int server_password_ok(const char *password, fa_err *e)
{
    size_t n = password ? strlen(password) : 0;
    if (n < 8)
        return fa_fail(e, "the password is too short: use at least 8 characters");
    if (n > 1024)
        return fa_fail(e, "the password is too long: use at most 1024 characters");
    return 0;
}

int server_username_ok(const char *name, fa_err *e)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > 64)
        return fa_fail(e, "a username has 1 to 64 characters");
    for (const char *p = name; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-' && *p != '_')
            return fa_fail(e, "username '%s': use letters, digits, '.', '-' and '_' only", name);
    return 0;
}

int server_role_ok(const char *role, fa_err *e)
{
    if (role && (!strcmp(role, "admin") || !strcmp(role, "operator") || !strcmp(role, "viewer")))
        return 0;
    return fa_fail(e, "role '%s' is not admin, operator or viewer", role ? role : "");
}

int server_labels_ok(const char *labels, fa_err *e)
{
    if (!labels)
        return fa_fail(e, "labels are missing");
    if (strlen(labels) > 2000)
        return fa_fail(e, "too many labels (2000 bytes at most)");
    size_t run = 0;
    for (const char *p = labels;; p++) {
        if (*p == ',' || !*p) {
            if (run > 64)
                return fa_fail(e, "a label has at most 64 characters");
            run = 0;
            if (!*p)
                break;
            continue;
        }
        unsigned char c = (unsigned char)*p;
        if (!isalnum(c) && c != ' ' && c != '-' && c != '_' && c != '.' && c != ':')
            return fa_fail(e, "labels '%s': use letters, digits, spaces and - _ . : (comma between labels)", labels);
        run++;
    }
    return 0;
}
