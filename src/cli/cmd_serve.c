/* cmd_serve.c - `fagpt serve`: the web UI and JSON API (src/lib/server) until SIGINT or SIGTERM. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "server/server.h"

static const char usage[] =
    "usage: fagpt serve [--listen ADDR:PORT] [--no-auth] [--threads N]\n"
    "  Serves the web UI at / and the JSON API under /api/ (contract: /api/openapi.json), /healthz and\n"
    "  /metrics. Listens on 127.0.0.1:8080 unless --listen or FAGPT_LISTEN says otherwise (port 0: a free one).\n"
    "  Accounts: create the first admin with `fagpt user add NAME --role admin`, or open the setup page the\n"
    "  server prints (answered only to this machine). --no-auth: every request acts as admin, allowed only on\n"
    "  a loopback address; the UI shows a banner. Uploads are limited to FAGPT_UPLOAD_MAX bytes (200 MB).\n"
    "  Prints \"FA-GPT serving URL\" once listening; Ctrl-C stops.\n";

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
    stop = 1;
}

int cmd_serve(cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {{"listen", required_argument, 0, 'l'}, {"no-auth", no_argument, 0, 'n'},
                                         {"threads", required_argument, 0, 't'}, CLI_COMMON_LONGOPTS, {0, 0, 0, 0}};
    server_opts o = {.listen = getenv("FAGPT_LISTEN")};
    int opt;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int handled = cli_common_opt(c, opt, optarg, usage);
        if (handled < 0)
            return EXIT_OK;
        if (handled)
            continue;
        if (opt == 'l') {
            o.listen = optarg;
        } else if (opt == 'n') {
            o.no_auth = true;
        } else if (opt == 't') {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || n < 1 || n > 256)
                return cli_usage_error(usage, "--threads wants a number from 1 to 256, not '%s'", optarg);
            o.threads = (int)n;
        } else {
            return cli_usage_error(usage, "unknown option");
        }
    }
    if (optind < argc)
        return cli_usage_error(usage, "serve takes no arguments");
    if (!o.listen || !*o.listen)
        o.listen = "127.0.0.1:8080";
    if (!(o.home = cli_home(c)))
        return EXIT_USER;
    char *db = cli_db_name(c); /* --db, FAGPT_DB or DATABASE_URL: PostgreSQL too */
    o.db = db;
    server *sv;
    fa_err e;
    int started = server_start(&o, &sv, &e);
    free(db);
    if (started != 0)
        return cli_error(c, "%s", e.msg);
    struct sigaction sa = {.sa_handler = on_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (c->json) {
        printf("{\"url\": \"%s\", \"no_auth\": %s, \"setup_needed\": %s}\n", server_url(sv), o.no_auth ? "true" : "false",
               server_setup_needed(sv) ? "true" : "false");
    } else {
        printf("FA-GPT serving %s\n", server_url(sv));
        if (o.no_auth)
            printf("  --no-auth: every request acts as admin (this machine only)\n");
        else if (server_setup_needed(sv))
            printf("  No accounts yet: open %ssetup on this machine to create the admin, or run\n"
                   "  `fagpt user add NAME --role admin`.\n", server_url(sv));
    }
    fflush(stdout);
    while (!stop)
        pause();
    server_stop(sv);
    return EXIT_OK;
}
