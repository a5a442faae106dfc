/* cmd_models.c - `fagpt models`: the model server in use, the models it offers, and whether the configured
 * chat and embedding models are among them. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/json.h"
#include "llm/llm.h"

static const char usage[] =
    "usage: fagpt models [--json] [--url URL] [--api API] [--model NAME] [--embed-model NAME]\n"
    "  Lists the models the model server offers, and the chat and embedding models configured\n"
    "  (FAGPT_CHAT_MODEL, FAGPT_EMBED_MODEL) with whether the server has them.\n" CLI_LLM_USAGE;

/* Ollama names a model "name:tag" and takes a bare name as "name:latest". */
static bool offered(const str_vec *models, const char *name)
{
    for (size_t i = 0; name && i < models->n; i++) {
        const char *m = models->v[i];
        size_t n = strlen(name);
        if (!strcmp(m, name) || (!strncmp(m, name, n) && !strcmp(m + n, ":latest")))
            return true;
    }
    return false;
}

static void model_json(strbuf *b, const char *key, const char *name, const str_vec *models, bool listed)
{
    sb_addf(b, ", \"%s\": ", key);
    if (name)
        json_str(b, name);
    else
        sb_add(b, "null");
    sb_addf(b, ", \"%s_offered\": %s", key, !name || !listed ? "null" : offered(models, name) ? "true" : "false");
}

static void model_line(const char *what, const char *name, const char *var, const str_vec *models, bool listed)
{
    if (!name)
        printf("%-16s not set (set %s)\n", what, var);
    else
        printf("%-16s %s%s\n", what, name,
               !listed ? "" : offered(models, name) ? "  (offered)" : "  (NOT offered by the server)");
}

int cmd_models(cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {CLI_LLM_LONGOPTS, CLI_COMMON_LONGOPTS, {0, 0, 0, 0}};
    llm_flags flags = {0};
    int opt;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int handled = cli_common_opt(c, opt, optarg, usage);
        if (handled < 0)
            return EXIT_OK;
        if (!handled && !cli_llm_opt(&flags, opt, optarg))
            return cli_usage_error(usage, "unknown option");
    }
    if (optind < argc)
        return cli_usage_error(usage, "unexpected argument '%s'", argv[optind]);
    llm_config cfg;
    fa_err e;
    if (llm_config_load(&cfg, &flags, &e) != 0)
        return cli_error(c, "%s", e.msg);
    str_vec models = {0};
    char *version = NULL;
    int got = cfg.api == LLM_NONE ? -1 : llm_list_models(&cfg, &models, &version, &e);
    const char *problem = cfg.api == LLM_NONE ? cfg.why_none : got != 0 ? e.msg : NULL;
    if (c->json) {
        strbuf b = {0};
        sb_add(&b, "{\"url\": ");
        if (cfg.url)
            json_str(&b, cfg.url);
        else
            sb_add(&b, "null");
        sb_add(&b, ", \"api\": ");
        json_str(&b, llm_api_name(cfg.api));
        sb_add(&b, ", \"source\": ");
        if (cfg.source)
            json_str(&b, cfg.source);
        else
            sb_add(&b, "null");
        sb_add(&b, ", \"version\": ");
        if (version)
            json_str(&b, version);
        else
            sb_add(&b, "null");
        sb_add(&b, ", \"models\": [");
        for (size_t i = 0; i < models.n; i++) {
            sb_add(&b, i ? ", " : "");
            json_str(&b, models.v[i]);
        }
        sb_add(&b, "]");
        model_json(&b, "chat_model", cfg.chat_model, &models, got == 0);
        model_json(&b, "embed_model", cfg.embed_model, &models, got == 0);
        if (problem) {
            sb_add(&b, ", \"error\": ");
            json_str(&b, problem);
        }
        sb_add(&b, "}\n");
        fputs(b.s, stdout);
        sb_free(&b);
    } else {
        if (cfg.api != LLM_NONE)
            printf("Server           %s (%s%s%s, from %s)\n", cfg.url, llm_api_name(cfg.api), version ? " " : "",
                   version ? version : "", cfg.source);
        if (got == 0) {
            printf("Models offered   %s\n", models.n ? "" : "none (ollama pull NAME adds one)");
            for (size_t i = 0; i < models.n; i++)
                printf("  %s\n", models.v[i]);
        }
        model_line("Chat model", cfg.chat_model, "FAGPT_CHAT_MODEL", &models, got == 0);
        model_line("Embedding model", cfg.embed_model, "FAGPT_EMBED_MODEL", &models, got == 0);
        if (problem)
            fprintf(stderr, "fagpt: %s\n", problem);
    }
    int rc = problem ? EXIT_USER : EXIT_OK;
    free(version);
    str_vec_free(&models);
    llm_config_free(&cfg);
    return rc;
}
