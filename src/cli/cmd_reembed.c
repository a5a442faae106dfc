/* cmd_reembed.c - `fagpt reembed`: embed the library's passages with the configured embedding model (all of
 * them, after the model changed, or only those missing); also what `fagpt ingest` runs when
 * FAGPT_EMBED_MODEL is set. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/json.h"
#include "llm/llm.h"
#include "store/store.h"

static const char usage[] =
    "usage: fagpt reembed [--missing] [--batch N] [--json] [--url URL] [--api API] [--embed-model NAME]\n"
    "  Embeds every passage of the library again with the embedding model (FAGPT_EMBED_MODEL), after the\n"
    "  model changed; the model name and dimension are recorded with the vectors. Answers then use hybrid\n"
    "  retrieval (BM25 and vectors, fused by reciprocal rank).\n"
    "  --missing   embed only the passages without a vector from this model (resumes an interrupted run)\n"
    "  --batch N   passages per request (default 32)\n" CLI_LLM_USAGE;

static void show_progress(long long n, void *arg)
{
    fprintf(stderr, "\rembedded %lld passages   ", n);
}

int cli_embed_library(cli_ctx *c, store *s, const llm_config *cfg, int batch, bool again, bool quiet_json)
{
    llm_embed_stats st;
    fa_err e;
    int rc = llm_embed_library(cfg, s, batch, again, c->tty && !c->json ? show_progress : NULL, NULL, &st, &e);
    if (c->tty && !c->json && st.embedded)
        fputc('\n', stderr);
    if (rc != 0) {
        if (quiet_json)
            fprintf(stderr, "fagpt: note: passages not embedded (%lld done): %s; `fagpt reembed --missing` resumes\n",
                    st.embedded, e.msg);
        else
            cli_error(c, "%s (%lld passages embedded before that; `fagpt reembed --missing` resumes)", e.msg,
                      st.embedded);
        return EXIT_USER;
    }
    double rate = st.seconds > 0 ? (double)st.embedded / st.seconds : 0;
    if (c->json && !quiet_json) {
        strbuf b = {0};
        sb_add(&b, "{\"model\": ");
        json_str(&b, cfg->embed_model);
        sb_addf(&b, ", \"dim\": %d, \"embedded\": %lld, \"requests\": %d, \"seconds\": %.3f, \"texts_per_s\": %.1f}\n",
                st.dim, st.embedded, st.requests, st.seconds, rate);
        fputs(b.s, stdout);
        sb_free(&b);
    } else {
        fprintf(c->json ? stderr : stdout,
                "embedded %lld passages with %s (%d dimensions, %d requests, %.0f texts/s)\n", st.embedded, cfg->embed_model, st.dim, st.requests, rate);
    }
    return EXIT_OK;
}

int cmd_reembed(cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {{"missing", no_argument, 0, 'm'}, {"batch", required_argument, 0, 'b'},
                                         CLI_LLM_LONGOPTS, CLI_COMMON_LONGOPTS, {0, 0, 0, 0}};
    llm_flags flags = {0};
    bool missing = false;
    int batch = 32, opt;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int handled = cli_common_opt(c, opt, optarg, usage);
        if (handled < 0)
            return EXIT_OK;
        if (handled || cli_llm_opt(&flags, opt, optarg))
            continue;
        if (opt == 'm') {
            missing = true;
        } else if (opt == 'b') {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || n < 1 || n > 1024)
                return cli_usage_error(usage, "--batch wants a number from 1 to 1024, not '%s'", optarg);
            batch = (int)n;
        } else {
            return cli_usage_error(usage, "unknown option");
        }
    }
    if (optind < argc)
        return cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
    llm_config cfg;
    fa_err e;
    if (llm_config_load(&cfg, &flags, &e) != 0)
        return cli_error(c, "%s", e.msg);
    if (cfg.api == LLM_NONE) {
        int rc = cli_error(c, "%s", cfg.why_none);
        llm_config_free(&cfg);
        return rc;
    }
    store *s = cli_store(c);
    int rc = EXIT_USER;
    if (s) {
        rc = cli_embed_library(c, s, &cfg, batch, !missing, false);
        store_close(s);
    }
    llm_config_free(&cfg);
    return rc;
}
