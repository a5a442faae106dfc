/* cmd_user.c - `fagpt user add|list|rm|passwd`: the web server's local accounts (Argon2id hashes in the
 * library database). Passwords come from stdin (one line) or, on a terminal, a prompt that does not echo. */
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "core/json.h"
#include "server/server.h"
#include "store/store.h"

static const char usage[] =
    "usage: fagpt user add NAME [--role admin|operator|viewer] [--labels A,B] [--admin]\n"
    "       fagpt user list [--json]\n"
    "       fagpt user rm NAME\n"
    "       fagpt user passwd NAME\n"
    "  Accounts of the web server (`fagpt serve`). The password is read from stdin (one line), or asked for\n"
    "  on a terminal. --admin is --role admin. --labels: the access labels the user may read (default\n"
    "  \"DISTRIBUTION A,UNLABELLED\"); admins read every document whatever their labels. Roles: viewer (read,\n"
    "  ask, compute), operator (also upload, delete, retry), admin (also users and labels).\n";

static char *read_password(const char *prompt)
{
    bool tty = isatty(0);
    struct termios old, quiet;
    if (tty) {
        fputs(prompt, stderr);
        tcgetattr(0, &old);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(0, TCSANOW, &quiet);
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, stdin);
    if (tty) {
        tcsetattr(0, TCSANOW, &old);
        fputs("\n", stderr);
    }
    if (n < 0) {
        free(line);
        return NULL;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = 0;
    return line;
}

static int set_password(cli_ctx *c, char hash[256])
{
    char *pw = read_password("Password: ");
    fa_err e;
    if (!pw)
        return cli_error(c, "no password given: type it at the prompt or pipe it on stdin");
    int rc = server_password_ok(pw, &e) != 0 || server_hash_password(pw, hash, 256, &e) != 0;
    free(pw);
    return rc ? cli_error(c, "%s", e.msg) : 0;
}

int cmd_user(cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {{"role", required_argument, 0, 'r'}, {"labels", required_argument, 0, 'l'},
                                         {"admin", no_argument, 0, 'a'}, CLI_COMMON_LONGOPTS, {0, 0, 0, 0}};
    const char *role = NULL, *labels = NULL;
    int opt;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int handled = cli_common_opt(c, opt, optarg, usage);
        if (handled < 0)
            return EXIT_OK;
        if (handled)
            continue;
        if (opt == 'r')
            role = optarg;
        else if (opt == 'l')
            labels = optarg;
        else if (opt == 'a')
            role = "admin";
        else
            return cli_usage_error(usage, "unknown option");
    }
    if (optind >= argc)
        return cli_usage_error(usage, "give an action: add, list, rm or passwd");
    const char *action = argv[optind];
    const char *name = optind + 1 < argc ? argv[optind + 1] : NULL;
    bool list = !strcmp(action, "list");
    if (!list && strcmp(action, "add") && strcmp(action, "rm") && strcmp(action, "passwd"))
        return cli_usage_error(usage, "unknown action '%s' (add, list, rm, passwd)", action);
    if (!list && (!name || optind + 2 < argc))
        return cli_usage_error(usage, "%s needs one user name", action);
    fa_err e;
    if (name && server_username_ok(name, &e) != 0)
        return cli_usage_error(usage, "%s", e.msg);
    if (role && server_role_ok(role, &e) != 0)
        return cli_usage_error(usage, "--role: %s", e.msg);
    if (labels && server_labels_ok(labels, &e) != 0)
        return cli_usage_error(usage, "--labels: %s", e.msg);
    store *s = cli_store(c);
    if (!s)
        return EXIT_USER;
    int rc = EXIT_OK;
    char hash[256];
    if (list) {
        store_users us = {0};
        if (store_user_list(s, &us, &e) != 0) {
            rc = cli_error(c, "%s", e.msg);
        } else if (c->json) {
            strbuf b = {0};
            sb_addc(&b, '[');
            for (size_t i = 0; i < us.n; i++) {
                sb_add(&b, i ? ", {\"username\": " : "{\"username\": ");
                json_str(&b, us.v[i].username);
                sb_add(&b, ", \"role\": ");
                json_str(&b, us.v[i].role);
                sb_add(&b, ", \"labels\": ");
                json_str(&b, us.v[i].labels);
                sb_add(&b, ", \"created_at\": ");
                json_str(&b, us.v[i].created_at);
                sb_addc(&b, '}');
            }
            sb_add(&b, "]\n");
            fputs(b.s, stdout);
            sb_free(&b);
        } else if (us.n == 0) {
            puts("No accounts yet. Add the first admin with `fagpt user add NAME --admin`.");
        } else {
            for (size_t i = 0; i < us.n; i++)
                printf("%-20s %-9s %s\n", us.v[i].username, us.v[i].role, us.v[i].labels);
        }
        store_users_free(&us);
    } else if (!strcmp(action, "add")) {
        if ((rc = set_password(c, hash)) == 0) {
            store_user u = {.username = (char *)name, .hash = hash, .role = (char *)(role ? role : "viewer"),
                            .labels = (char *)(labels ? labels : "DISTRIBUTION A,UNLABELLED")};
            if (store_user_add(s, &u, &e) != 0) {
                rc = cli_error(c, "%s", e.msg);
            } else {
                store_audit_add(s, NULL, "user_add", name, u.role, NULL);
                if (c->json)
                    printf("{\"added\": \"%s\", \"role\": \"%s\"}\n", name, u.role);
                else
                    printf("added %s (%s; labels %s)\n", name, u.role, u.labels);
            }
        }
    } else if (!strcmp(action, "rm")) {
        int got = store_user_delete(s, name, &e);
        if (got < 0)
            rc = cli_error(c, "%s", e.msg);
        else if (!got)
            rc = cli_error(c, "no user '%s' (see `fagpt user list`)", name);
        else {
            store_audit_add(s, NULL, "user_remove", name, NULL, NULL);
            if (c->json)
                printf("{\"removed\": \"%s\"}\n", name);
            else
                printf("removed %s\n", name);
        }
    } else { /* passwd, and --role/--labels changes with it */
        store_user u;
        int got = store_user_get(s, name, &u, &e);
        if (got <= 0) {
            rc = got < 0 ? cli_error(c, "%s", e.msg) : cli_error(c, "no user '%s' (see `fagpt user list`)", name);
        } else {
            store_user_free(&u);
            if ((rc = set_password(c, hash)) == 0) {
                if (store_user_update(s, name, hash, role, labels, &e) < 0)
                    rc = cli_error(c, "%s", e.msg);
                else {
                    store_audit_add(s, NULL, "user_change", name, "password", NULL);
                    if (c->json)
                        printf("{\"changed\": \"%s\"}\n", name);
                    else
                        printf("changed the password of %s (signed out everywhere)\n", name);
                }
            }
        }
    }
    store_close(s);
    return rc;
}
