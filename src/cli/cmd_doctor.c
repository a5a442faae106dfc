/* cmd_doctor.c - `fagpt doctor [--json] [--fix] [--timeout MS]`: the machine check of sys/sys.h, printed. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "store/store.h"
#include "sys/sys.h"

static const char usage[] =
    "usage: fagpt doctor [--fix] [--timeout MS] [--json] [--home DIR]\n\n"
    "Checks what FA-GPT and its model server need: CPU, memory, the data folder, GPUs and drivers (NVIDIA through\n"
    "libcuda/NVML, AMD through KFD and ROCm), HSA_OVERRIDE_GFX_VERSION, MIOpen's user database and kernel cache\n"
    "(the \"attempt to write a readonly database\" failure), and the model servers (OLLAMA_HOST, OPENAI_BASE_URL,\n"
    "FAGPT_CHAT_MODEL, FAGPT_EMBED_MODEL), and the library database (SQLite or PostgreSQL, and which vector index:\n"
    "in-process, in-process kept current by LISTEN/NOTIFY, or pgvector). Each problem comes with why it matters\n"
    "and the exact fix.\n\n"
    "  --fix          apply the safe fixes (create folders, make your own files writable, move MIOpen to a fresh\n"
    "                 per-user folder) and write DATA/model-server.env for the model server's service;\n"
    "                 run it as the user the model server runs as\n"
    "  --timeout MS   per request to a model server (default 1500)\n"
    "  --json         the report as JSON\n\n"
    "Exit status: 0 when everything FA-GPT needs works, 1 when something it needs is broken.\n";

static void add_finding(sys_report *r, sys_severity sev, const char *code, char *what, char *why, char *fix)
{
    sys_finding f = {sev, xstrdup("store"), xstrdup(code), what, why, fix};
    VEC_PUSH(r->findings, f);
}

/* The library database: which back end, and which vector index serves dense retrieval. */
static int check_store(cli_ctx *c, sys_report *r)
{
    char *name = cli_db_name(c);
    if (!name)
        return 1;
    fa_err e;
    store *s = store_open(name, &e);
    if (!s) {
        add_finding(r, SYS_ERROR, "store.open", xasprintf("the library database cannot be opened: %s", e.msg),
                    xstrdup("nothing can be ingested or searched"),
                    xstrdup(store_is_url(name) ? "check the URL, that the PostgreSQL server runs and that the user "
                                                 "may connect (psql URL)"
                                               : "check the data folder's permissions and free space"));
        free(name);
        return 1;
    }
    store_info info;
    if (store_info_get(s, &info, &e) == 0) {
        add_finding(r, SYS_OK, "store.backend", xasprintf("library database: %s (%s)", info.backend, info.detail),
                    NULL, NULL);
        add_finding(r, SYS_OK, "store.vectors", xasprintf("vector index: %s", info.vector_mode), NULL, NULL);
    }
    store_close(s);
    free(name);
    return 0;
}

static void print_report(const cli_ctx *c, const sys_report *r)
{
    static const char *labels[] = {"ok  ", "info", "warn", "FAIL"};
    static const char *colours[] = {"\033[32m", "\033[36m", "\033[33m", "\033[31;1m"};
    const char *areas[] = {"host", "gpu", "miopen", "server", "store"};
    int count[4] = {0};
    printf("FA-GPT doctor\n");
    for (size_t a = 0; a < sizeof areas / sizeof areas[0]; a++) {
        printf("\n%s\n", areas[a]);
        for (size_t i = 0; i < r->findings.n; i++) {
            const sys_finding *f = &r->findings.v[i];
            if (strcmp(f->area, areas[a]))
                continue;
            count[f->severity]++;
            printf("  %s%s%s  %s\n", c->tty ? colours[f->severity] : "", labels[f->severity], c->tty ? "\033[0m" : "",
                   f->what);
            if (f->why)
                printf("        why: %s\n", f->why);
            if (f->fix && f->severity != SYS_OK)
                printf("        fix: %s\n", f->fix);
        }
    }
    if (r->miopen_dirs.n) {
        printf("\nMIOpen folders\n");
        for (size_t i = 0; i < r->miopen_dirs.n; i++)
            printf("  %-13s %s  (%s)\n", r->miopen_dirs.v[i].role, r->miopen_dirs.v[i].path,
                   r->miopen_dirs.v[i].source);
    }
    if (r->fixes.n) {
        printf("\nfixes applied\n");
        for (size_t i = 0; i < r->fixes.n; i++)
            printf("  - %s\n", r->fixes.v[i]);
    }
    if (r->env.n || r->env_file) {
        printf("\nenvironment for the model server%s%s\n", r->env_file ? ": " : " (fagpt doctor --fix writes it)",
               r->env_file ? r->env_file : "");
        for (size_t i = 0; i < r->env.n; i++)
            printf("  %s\n", r->env.v[i]);
        if (r->env_file)
            printf("  use it: sudo systemctl edit ollama  ->  [Service] EnvironmentFile=%s\n"
                   "         then sudo systemctl restart ollama\n", r->env_file);
    }
    printf("\n%d error(s), %d warning(s): %s\n", count[SYS_ERROR], count[SYS_WARN],
           count[SYS_ERROR] ? "something FA-GPT needs is broken" : "everything FA-GPT needs works");
}

int cmd_doctor(cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {{"fix", no_argument, 0, 'f'}, {"timeout", required_argument, 0, 't'},
                                         CLI_COMMON_LONGOPTS, {0, 0, 0, 0}};
    sys_options o = {.timeout_ms = 1500};
    int opt;
    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        int h = cli_common_opt(c, opt, optarg, usage);
        if (h < 0)
            return EXIT_OK;
        if (h > 0)
            continue;
        if (opt == 'f') {
            o.fix = true;
        } else if (opt == 't') {
            char *end;
            long ms = strtol(optarg, &end, 10);
            if (*end || ms < 1 || ms > 600000)
                return cli_usage_error(usage, "--timeout wants milliseconds between 1 and 600000, not '%s'", optarg);
            o.timeout_ms = (int)ms;
        } else {
            return cli_usage_error(usage, "unknown option");
        }
    }
    if (optind < argc)
        return cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
    o.home = cli_home(c);
    if (!o.home)
        return EXIT_USER;
    sys_report r;
    int rc = sys_doctor(&o, &r);
    if (check_store(c, &r) != 0)
        rc = EXIT_USER;
    if (c->json) {
        strbuf b = {0};
        sys_report_json(&r, &b);
        fputs(b.s, stdout);
        sb_free(&b);
    } else {
        print_report(c, &r);
    }
    sys_report_free(&r);
    return rc;
}
