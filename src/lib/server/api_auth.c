/*
 * api_auth.c - who is asking: sessions (cookie fagpt_session, HttpOnly, SameSite=Strict) with a CSRF token,
 * API tokens (Authorization: Bearer), --no-auth; and the account routes: /api/setup (first admin, loopback
 * only), /api/login, /api/logout, /api/me, /api/users, /api/tokens, /api/audit. Failed sign-ins are audited.
 */
#include "server_int.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int role_of(const char *role)
{
    return !role ? ROLE_NONE : !strcmp(role, "admin") ? ROLE_ADMIN : !strcmp(role, "operator") ? ROLE_OPERATOR
                             : !strcmp(role, "viewer") ? ROLE_VIEWER : ROLE_NONE;
}

static const char *role_name(int role)
{
    return role == ROLE_ADMIN ? "admin" : role == ROLE_OPERATOR ? "operator" : "viewer";
}

static bool load_user(req *r, const char *username)
{
    store_user u;
    if (store_user_get(r->sv->st, username, &u, NULL) != 1)
        return false;
    r->who.authed = true;
    snprintf(r->who.user, sizeof r->who.user, "%s", u.username);
    r->who.role = role_of(u.role);
    r->who.labels = u.labels;
    u.labels = NULL;
    r->who.all_labels = r->who.role == ROLE_ADMIN;
    store_user_free(&u);
    return r->who.role != ROLE_NONE;
}

void auth_resolve(req *r)
{
    if (r->sv->no_auth) {
        r->who.authed = r->who.no_auth = r->who.all_labels = true;
        r->who.role = ROLE_ADMIN;
        snprintf(r->who.user, sizeof r->who.user, "local");
        return;
    }
    const char *authz = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization");
    if (authz && !strncasecmp(authz, "Bearer ", 7)) {
        char h[65];
        server_hash_secret(authz + 7, h);
        store_token t;
        if (store_token_find(r->sv->st, h, &t, NULL) == 1) {
            if (load_user(r, t.username))
                r->who.via_token = true;
            store_token_free(&t);
        }
        return; /* a bad token is not a session: 401 */
    }
    const char *cookie = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "fagpt_session");
    if (cookie && strlen(cookie) == 64) {
        char h[65];
        server_hash_secret(cookie, h);
        store_session s;
        if (store_session_get(r->sv->st, h, (long long)time(NULL), &s, NULL) == 1) {
            if (load_user(r, s.username))
                snprintf(r->who.csrf, sizeof r->who.csrf, "%s", s.csrf);
            store_session_free(&s);
        }
    }
}

bool csrf_ok(req *r)
{
    if (r->who.via_token || r->who.no_auth)
        return true;
    const char *h = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-CSRF-Token");
    return h && *r->who.csrf && server_secret_equal(h, r->who.csrf);
}

static bool peer_is_loopback(req *r)
{
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr)
        return false;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24) == 127;
    return false;
}

static void labels_json(strbuf *b, const char *labels)
{
    sb_addc(b, '[');
    int n = 0;
    for (const char *p = labels ? labels : ""; *p;) {
        while (*p == ',' || *p == ' ')
            p++;
        if (!*p)
            break;
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        while (len && p[len - 1] == ' ')
            len--;
        if (n++)
            sb_add(b, ", ");
        json_strn(b, p, len);
        p = end ? end + 1 : p + strlen(p);
    }
    sb_addc(b, ']');
}

/* labels from JSON: an array of strings or a comma-separated string; NULL (after replying 400) when bad. */
static char *labels_from(req *r, const json_value *v)
{
    strbuf b = {0};
    if (v->type == JSON_STRING) {
        sb_add(&b, v->str);
    } else if (v->type == JSON_ARRAY) {
        for (size_t i = 0; i < v->n; i++) {
            if (v->items[i]->type != JSON_STRING || strchr(v->items[i]->str, ',')) {
                sb_free(&b);
                reply_error(r, 400, "bad_input", "labels: give an array of strings without commas");
                return NULL;
            }
            sb_addf(&b, "%s%s", i ? "," : "", v->items[i]->str);
        }
    } else {
        reply_error(r, 400, "bad_input", "labels: give an array of strings");
        return NULL;
    }
    char *s = sb_take(&b);
    fa_err e;
    if (server_labels_ok(s, &e) != 0) {
        free(s);
        reply_error(r, 400, "bad_input", "%s", e.msg);
        return NULL;
    }
    return s;
}

static void me_json(strbuf *b, const principal *p)
{
    sb_add(b, "{\"user\": ");
    json_str(b, p->user);
    sb_addf(b, ", \"role\": \"%s\", \"labels\": ", role_name(p->role));
    labels_json(b, p->labels);
    sb_addf(b, ", \"all_labels\": %s, \"csrf\": ", p->all_labels ? "true" : "false");
    json_str(b, p->csrf);
    sb_addf(b, ", \"no_auth\": %s}", p->no_auth ? "true" : "false");
}

/* Starts a session for username: the cookie and the login reply. */
static enum MHD_Result start_session(req *r, const char *username)
{
    char id[65], h[65], csrf[65];
    server_random_hex(id, 32);
    server_random_hex(csrf, 32);
    server_hash_secret(id, h);
    fa_err e;
    if (store_session_add(r->sv->st, h, username, csrf, (long long)time(NULL) + SESSION_TTL, &e) != 0)
        return reply_error(r, 500, "internal", "%s", e.msg);
    free(r->who.labels);
    memset(&r->who, 0, sizeof r->who);
    load_user(r, username);
    snprintf(r->who.csrf, sizeof r->who.csrf, "%s", csrf);
    strbuf b = {0};
    me_json(&b, &r->who);
    sb_addc(&b, '\n');
    struct MHD_Response *resp = MHD_create_response_from_buffer(b.len, b.s, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        sb_free(&b);
        return MHD_NO;
    }
    char *cookie = xasprintf("fagpt_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d", id, SESSION_TTL);
    MHD_add_response_header(resp, "Set-Cookie", cookie);
    MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
    MHD_add_response_header(resp, "Cache-Control", "no-store");
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    free(cookie);
    enum MHD_Result rc = MHD_queue_response(r->conn, 200, resp);
    MHD_destroy_response(resp);
    r->status = 200;
    r->responded = true;
    return rc;
}

static enum MHD_Result do_setup(req *r)
{
    r->route = "/api/setup";
    long long n = 0;
    fa_err e;
    if (store_user_count(r->sv->st, &n, &e) != 0)
        return reply_error(r, 500, "internal", "%s", e.msg);
    bool needed = n == 0 && !r->sv->no_auth;
    if (!strcmp(r->method, "GET")) {
        strbuf b = {0};
        sb_addf(&b, "{\"needed\": %s, \"loopback_only\": true}", needed ? "true" : "false");
        return reply_json(r, 200, &b);
    }
    if (strcmp(r->method, "POST"))
        return reply_error(r, 405, "method", "use GET or POST for /api/setup");
    if (!needed)
        return reply_error(r, 403, "forbidden", "setup is done: an account exists already; sign in instead");
    if (!peer_is_loopback(r))
        return reply_error(r, 403, "forbidden", "the first admin can be created only from this machine "
                                                "(http://127.0.0.1), or with `fagpt user add NAME --role admin`");
    json_value *v = body_json(r);
    if (!v)
        return MHD_YES;
    const char *user = json_get_str(v, "username", NULL), *pass = json_get_str(v, "password", NULL);
    char hash[256];
    enum MHD_Result rc;
    if (server_username_ok(user, &e) != 0 || server_password_ok(pass, &e) != 0) {
        rc = reply_error(r, 400, "bad_input", "%s", e.msg);
    } else if (server_hash_password(pass, hash, sizeof hash, &e) != 0) {
        rc = reply_error(r, 500, "internal", "%s", e.msg);
    } else {
        store_user u = {.username = (char *)user, .hash = hash, .role = "admin", .labels = ""};
        if (store_user_add(r->sv->st, &u, &e) != 0) {
            rc = reply_error(r, 409, "exists", "%s", e.msg);
        } else {
            store_audit_add(r->sv->st, user, "setup", user, "first admin created from the setup page", NULL);
            rc = start_session(r, user);
        }
    }
    json_free(v);
    return rc;
}

static char dummy_hash[256];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static void make_dummy(void)
{
    server_hash_password("fagpt: no such user", dummy_hash, sizeof dummy_hash, NULL);
}

static enum MHD_Result do_login(req *r)
{
    r->route = "/api/login";
    if (strcmp(r->method, "POST"))
        return reply_error(r, 405, "method", "use POST for /api/login");
    json_value *v = body_json(r);
    if (!v)
        return MHD_YES;
    const char *user = json_get_str(v, "username", NULL), *pass = json_get_str(v, "password", NULL);
    enum MHD_Result rc;
    if (!user || !pass) {
        rc = reply_error(r, 400, "bad_input", "give \"username\" and \"password\"");
    } else {
        store_user u;
        int got = store_user_get(r->sv->st, user, &u, NULL);
        /* A missing user costs a hash check too, so timing does not tell which names exist. */
        pthread_once(&dummy_once, make_dummy);
        bool ok = server_check_password(got == 1 ? u.hash : dummy_hash, pass) && got == 1;
        if (ok) {
            store_audit_add(r->sv->st, user, "login", user, NULL, NULL);
            rc = start_session(r, user);
        } else {
            store_audit_add(r->sv->st, NULL, "login_failed", user, "wrong username or password", NULL);
            rc = reply_error(r, 401, "unauthenticated", "wrong username or password");
        }
        if (got == 1)
            store_user_free(&u);
    }
    json_free(v);
    return rc;
}

static enum MHD_Result do_logout(req *r)
{
    r->route = "/api/logout";
    if (strcmp(r->method, "POST"))
        return reply_error(r, 405, "method", "use POST for /api/logout");
    const char *cookie = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, "fagpt_session");
    if (cookie) {
        char h[65];
        server_hash_secret(cookie, h);
        store_session_delete(r->sv->st, h, NULL);
    }
    static const char body[] = "{\"ok\": true}\n";
    struct MHD_Response *resp = MHD_create_response_from_buffer(sizeof body - 1, (void *)body, MHD_RESPMEM_PERSISTENT);
    MHD_add_response_header(resp, "Set-Cookie", "fagpt_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
    enum MHD_Result rc = MHD_queue_response(r->conn, 200, resp);
    MHD_destroy_response(resp);
    r->status = 200;
    r->responded = true;
    return rc;
}

static void user_json(strbuf *b, const store_user *u)
{
    sb_add(b, "{\"username\": ");
    json_str(b, u->username);
    sb_add(b, ", \"role\": ");
    json_str(b, u->role);
    sb_add(b, ", \"labels\": ");
    labels_json(b, u->labels);
    sb_add(b, ", \"created_at\": ");
    json_str(b, u->created_at);
    sb_addc(b, '}');
}

static enum MHD_Result do_users(req *r, char **seg, int nseg)
{
    r->route = nseg > 1 ? "/api/users/{name}" : "/api/users";
    if (!need_role(r, ROLE_ADMIN))
        return MHD_YES;
    fa_err e;
    if (nseg == 1 && !strcmp(r->method, "GET")) {
        store_users us = {0};
        if (store_user_list(r->sv->st, &us, &e) != 0)
            return reply_error(r, 500, "internal", "%s", e.msg);
        strbuf b = {0};
        sb_add(&b, "{\"users\": [");
        for (size_t i = 0; i < us.n; i++) {
            if (i)
                sb_add(&b, ", ");
            user_json(&b, &us.v[i]);
        }
        sb_add(&b, "]}");
        store_users_free(&us);
        return reply_json(r, 200, &b);
    }
    if (nseg == 1 && !strcmp(r->method, "POST")) {
        json_value *v = body_json(r);
        if (!v)
            return MHD_YES;
        const char *user = json_get_str(v, "username", NULL), *pass = json_get_str(v, "password", NULL);
        const char *role = json_get_str(v, "role", "viewer");
        json_value *lv = json_get(v, "labels");
        char *labels = lv ? labels_from(r, lv) : xstrdup("DISTRIBUTION A,UNLABELLED");
        char hash[256];
        enum MHD_Result rc = MHD_YES;
        if (!labels)
            ;
        else if (server_username_ok(user, &e) != 0 || server_password_ok(pass, &e) != 0 ||
                 server_role_ok(role, &e) != 0)
            rc = reply_error(r, 400, "bad_input", "%s", e.msg);
        else if (server_hash_password(pass, hash, sizeof hash, &e) != 0)
            rc = reply_error(r, 500, "internal", "%s", e.msg);
        else {
            store_user u = {.username = (char *)user, .hash = hash, .role = (char *)role, .labels = labels};
            if (store_user_add(r->sv->st, &u, &e) != 0) {
                rc = reply_error(r, 409, "exists", "%s", e.msg);
            } else {
                audit(r, "user_add", user, role);
                store_user got;
                strbuf b = {0};
                if (store_user_get(r->sv->st, user, &got, NULL) == 1) {
                    user_json(&b, &got);
                    store_user_free(&got);
                }
                rc = reply_json(r, 201, &b);
            }
        }
        free(labels);
        json_free(v);
        return rc;
    }
    if (nseg == 2 && !strcmp(r->method, "DELETE")) {
        if (!strcmp(seg[1], r->who.user))
            return reply_error(r, 400, "bad_input", "you cannot remove your own account while signed in with it");
        int got = store_user_delete(r->sv->st, seg[1], &e);
        if (got < 0)
            return reply_error(r, 500, "internal", "%s", e.msg);
        if (!got)
            return reply_error(r, 404, "not_found", "no user '%s'", seg[1]);
        audit(r, "user_remove", seg[1], NULL);
        strbuf b = {0};
        sb_add(&b, "{\"removed\": ");
        json_str(&b, seg[1]);
        sb_addc(&b, '}');
        return reply_json(r, 200, &b);
    }
    if (nseg == 2 && (!strcmp(r->method, "PATCH") || !strcmp(r->method, "PUT"))) {
        json_value *v = body_json(r);
        if (!v)
            return MHD_YES;
        const char *role = json_get_str(v, "role", NULL), *pass = json_get_str(v, "password", NULL);
        json_value *lv = json_get(v, "labels");
        char *labels = NULL;
        char hash[256];
        enum MHD_Result rc = MHD_YES;
        bool bad = false;
        if (lv && !(labels = labels_from(r, lv)))
            bad = true;
        else if ((role && server_role_ok(role, &e) != 0) || (pass && server_password_ok(pass, &e) != 0))
            bad = true, rc = reply_error(r, 400, "bad_input", "%s", e.msg);
        else if (pass && server_hash_password(pass, hash, sizeof hash, &e) != 0)
            bad = true, rc = reply_error(r, 500, "internal", "%s", e.msg);
        if (!bad) {
            int got = store_user_update(r->sv->st, seg[1], pass ? hash : NULL, role, labels, &e);
            if (got < 0)
                rc = reply_error(r, 500, "internal", "%s", e.msg);
            else if (!got)
                rc = reply_error(r, 404, "not_found", "no user '%s'", seg[1]);
            else {
                char *detail = xasprintf("%s%s%s%s%s", role ? "role " : "", role ? role : "",
                                         labels ? " labels " : "", labels ? labels : "", pass ? " password" : "");
                audit(r, "user_change", seg[1], detail);
                free(detail);
                store_user u;
                strbuf b = {0};
                if (store_user_get(r->sv->st, seg[1], &u, NULL) == 1) {
                    user_json(&b, &u);
                    store_user_free(&u);
                }
                rc = reply_json(r, 200, &b);
            }
        }
        free(labels);
        json_free(v);
        return rc;
    }
    return reply_error(r, 405, "method", "%s is not allowed on %s", r->method, r->url);
}

static enum MHD_Result do_tokens(req *r, char **seg, int nseg)
{
    r->route = nseg > 1 ? "/api/tokens/{id}" : "/api/tokens";
    if (!need_role(r, ROLE_VIEWER))
        return MHD_YES;
    if (r->who.no_auth)
        return reply_error(r, 400, "no_auth", "the server runs with --no-auth: there are no accounts to make tokens for");
    fa_err e;
    /* An admin sees and removes every token; others their own. */
    const char *owner = r->who.role == ROLE_ADMIN ? NULL : r->who.user;
    if (nseg == 1 && !strcmp(r->method, "GET")) {
        store_tokens ts = {0};
        if (store_token_list(r->sv->st, owner, &ts, &e) != 0)
            return reply_error(r, 500, "internal", "%s", e.msg);
        strbuf b = {0};
        sb_add(&b, "{\"tokens\": [");
        for (size_t i = 0; i < ts.n; i++) {
            sb_addf(&b, "%s{\"id\": %lld, \"name\": ", i ? ", " : "", ts.v[i].id);
            json_str(&b, ts.v[i].name);
            sb_add(&b, ", \"user\": ");
            json_str(&b, ts.v[i].username);
            sb_add(&b, ", \"created_at\": ");
            json_str(&b, ts.v[i].created_at);
            sb_addc(&b, '}');
        }
        sb_add(&b, "]}");
        store_tokens_free(&ts);
        return reply_json(r, 200, &b);
    }
    if (nseg == 1 && !strcmp(r->method, "POST")) {
        json_value *v = body_json(r);
        if (!v)
            return MHD_YES;
        const char *name = json_get_str(v, "name", NULL);
        enum MHD_Result rc;
        if (!name || !*name || strlen(name) > 100) {
            rc = reply_error(r, 400, "bad_input", "give the token a \"name\" (1 to 100 characters) saying what uses it");
        } else {
            char tok[80], h[65];
            memcpy(tok, "fagpt_", 6);
            server_random_hex(tok + 6, 32);
            server_hash_secret(tok, h);
            long long id;
            if (store_token_add(r->sv->st, h, r->who.user, name, &id, &e) != 0) {
                rc = reply_error(r, 500, "internal", "%s", e.msg);
            } else {
                audit(r, "token_add", name, NULL);
                strbuf b = {0};
                sb_addf(&b, "{\"id\": %lld, \"name\": ", id);
                json_str(&b, name);
                sb_add(&b, ", \"token\": ");
                json_str(&b, tok);
                sb_addc(&b, '}');
                rc = reply_json(r, 201, &b);
            }
        }
        json_free(v);
        return rc;
    }
    if (nseg == 2 && !strcmp(r->method, "DELETE")) {
        char *end;
        long long id = strtoll(seg[1], &end, 10);
        int got = *end || id <= 0 ? 0 : store_token_delete(r->sv->st, id, owner, &e);
        if (got < 0)
            return reply_error(r, 500, "internal", "%s", e.msg);
        if (!got)
            return reply_error(r, 404, "not_found", "no token %s of yours", seg[1]);
        audit(r, "token_remove", seg[1], NULL);
        strbuf b = {0};
        sb_addf(&b, "{\"removed\": %lld}", id);
        return reply_json(r, 200, &b);
    }
    return reply_error(r, 405, "method", "%s is not allowed on %s", r->method, r->url);
}

static enum MHD_Result do_audit(req *r)
{
    r->route = "/api/audit";
    if (!need_role(r, ROLE_ADMIN))
        return MHD_YES;
    const char *lim = query_arg(r, "limit");
    int limit = lim ? atoi(lim) : 200;
    if (limit < 1 || limit > 10000)
        return reply_error(r, 400, "bad_input", "limit: give 1 to 10000");
    store_audit_events ev = {0};
    fa_err e;
    if (store_audit_list(r->sv->st, limit, &ev, &e) != 0)
        return reply_error(r, 500, "internal", "%s", e.msg);
    strbuf b = {0};
    sb_add(&b, "{\"events\": [");
    for (size_t i = 0; i < ev.n; i++) {
        sb_add(&b, i ? ", {\"at\": " : "{\"at\": ");
        json_str(&b, ev.v[i].at);
        sb_add(&b, ", \"user\": ");
        json_str(&b, ev.v[i].username);
        sb_add(&b, ", \"action\": ");
        json_str(&b, ev.v[i].action);
        sb_add(&b, ", \"target\": ");
        json_str(&b, ev.v[i].target);
        sb_add(&b, ", \"detail\": ");
        json_str(&b, ev.v[i].detail);
        sb_addc(&b, '}');
    }
    sb_add(&b, "]}");
    store_audit_events_free(&ev);
    return reply_json(r, 200, &b);
}

enum MHD_Result route_auth(req *r, char **seg, int nseg)
{
    if (nseg < 1)
        return MHD_NO;
    if (nseg == 1 && !strcmp(seg[0], "setup"))
        return do_setup(r);
    if (nseg == 1 && !strcmp(seg[0], "login"))
        return do_login(r);
    if (nseg == 1 && !strcmp(seg[0], "logout"))
        return do_logout(r);
    if (nseg == 1 && !strcmp(seg[0], "me")) {
        r->route = "/api/me";
        if (!need_role(r, ROLE_VIEWER))
            return MHD_YES;
        strbuf b = {0};
        me_json(&b, &r->who);
        return reply_json(r, 200, &b);
    }
    if (!strcmp(seg[0], "users") && nseg <= 2)
        return do_users(r, seg, nseg);
    if (!strcmp(seg[0], "tokens") && nseg <= 2)
        return do_tokens(r, seg, nseg);
    if (nseg == 1 && !strcmp(seg[0], "audit"))
        return do_audit(r);
    return MHD_NO;
}
