/* cli.c - shared helpers of the subcommands (see cli.h). */
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/json.h"
#include "llm/llm.h"
#include "store/store.h"

int cli_common_opt(cli_ctx *c, int opt, const char *arg, const char *usage)
{
    switch (opt) {
    case 'J': c->json = true; return 1;
    case 'H': c->home = arg; fa_settings_home(arg); return 1;
    case 'D': c->db = arg; return 1;
    case 'h': fputs(usage, stdout); return -1;
    default: return 0;
    }
}

int cli_llm_opt(struct llm_flags *f, int opt, const char *arg)
{
    switch (opt) {
    case 'U': f->url = arg; return 1;
    case 'A': f->api = arg; return 1;
    case 'M': f->chat_model = arg; return 1;
    case 'E': f->embed_model = arg; return 1;
    case 'V': f->vision_model = arg; return 1;
    case 'R': f->rerank_model = arg; return 1;
    default: return 0;
    }
}

const char *cli_home(cli_ctx *c)
{
    static char *resolved;
    if (!c->home || !*c->home) {
        const char *env = getenv("FAGPT_HOME");
        if (env && *env) {
            c->home = env;
        } else {
            const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
            free(resolved);
            if (xdg && *xdg)
                resolved = xasprintf("%s/fagpt", xdg);
            else
                resolved = xasprintf("%s/.local/share/fagpt", home && *home ? home : ".");
            c->home = resolved;
        }
    }
    fa_err e;
    if (fa_mkdirs(c->home, &e) != 0) {
        cli_error(c, "%s (choose another data folder with --home DIR or FAGPT_HOME)", e.msg);
        return NULL;
    }
    return c->home;
}

int cli_error(cli_ctx *c, const char *fmt, ...)
{
    strbuf b = {0};
    va_list ap;
    va_start(ap, fmt);
    sb_vaddf(&b, fmt, ap);
    va_end(ap);
    if (c && c->json) {
        strbuf j = {0};
        sb_add(&j, "{\"error\": ");
        json_str(&j, b.s);
        sb_add(&j, "}\n");
        fputs(j.s, stdout);
        sb_free(&j);
    }
    fprintf(stderr, "fagpt: %s\n", b.s);
    sb_free(&b);
    return EXIT_USER;
}

int cli_usage_error(const char *usage, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("fagpt: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    fputs(usage, stderr);
    return EXIT_USER;
}

char *cli_db_name(cli_ctx *c)
{
    const char *env = getenv("FAGPT_DB"), *url = getenv("DATABASE_URL");
    if (c->db && *c->db)
        return xstrdup(c->db);
    if (env && *env)
        return xstrdup(env);
    if (store_is_url(url))
        return xstrdup(url);
    const char *home = cli_home(c);
    return home ? xasprintf("%s/library.db", home) : NULL;
}

int cli_find_doc(cli_ctx *c, store *s, const char *ref, store_doc *d)
{
    fa_err e;
    int found = store_find_doc(s, ref, d, &e);
    if (found == 1)
        return 0;
    if (found < 0)
        cli_error(c, "%s", e.msg);
    else
        cli_error(c, "no document \"%s\" in the library; `fagpt docs` lists them", ref);
    return -1;
}

struct store *cli_store(cli_ctx *c)
{
    char *path = cli_db_name(c);
    if (!path)
        return NULL;
    fa_err e;
    store *s = store_open(path, &e);
    free(path);
    if (!s)
        cli_error(c, "%s", e.msg);
    return s;
}
