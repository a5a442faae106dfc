/* cmd_models.c - `fagpt models`: the model server in use, the models it offers and those loaded now (Ollama's
 * /api/ps), the config file read, and whether the configured models are among those offered. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/config.h"
#include "core/json.h"
#include "doc/doc.h"
#include "llm/llm.h"

static const char usage[] =
    "usage: fagpt models [--check] [--json] [--url URL] [--api API] [--model NAME] [--embed-model NAME]\n"
    "  Lists the models the model server offers, those loaded now (Ollama), and the models configured\n"
    "  (FAGPT_CHAT_MODEL, FAGPT_EMBED_MODEL, FAGPT_VISION_MODEL, FAGPT_DOC_MODEL, FAGPT_RERANK_MODEL) with\n"
    "  whether the server has them.\n"
    "  --check   also try them: a chat answer whole and streamed, an embedding, a reranking, an image described\n"
    "            by the vision model and a page image converted by the document model, with their times\n"
    "            (scripts/check-llm URL runs this against a server of yours)\n" CLI_LLM_USAGE;

typedef struct check_result {
    const char *name;
    bool ok, skipped;
    double ms;
    char *detail;
} check_result;

typedef struct stream_count {
    int pieces;
    double t0, first_ms;
} stream_count;

static int count_piece(const char *text, size_t n, void *arg)
{
    stream_count *sc = arg;
    if (!sc->pieces++)
        sc->first_ms = (fa_now() - sc->t0) * 1000;
    return 0;
}

#define NCHECKS 6
#define SAMPLE_TEXT "FIRE FOR EFFECT"

/* The vision model and the document model, each given an image of SAMPLE_TEXT (doc_sample_png): r[0] whether
 * the vision model answers (and whether it read the words), r[1] whether the document model's reading parses as
 * DocTags or Markdown (and holds the words). */
static void check_image_models(const llm_config *cfg, check_result r[2])
{
    r[0] = (check_result){.name = "vision"};
    r[1] = (check_result){.name = "doc_model"};
    if (!cfg->vision_model) {
        r[0].skipped = true;
        r[0].detail = xstrdup("no vision model set (FAGPT_VISION_MODEL)");
    }
    if (!cfg->doc_model) {
        r[1].skipped = true;
        r[1].detail = xstrdup("no document model set (FAGPT_DOC_MODEL)");
    }
    if (r[0].skipped && r[1].skipped)
        return;
    unsigned char *png = NULL;
    size_t len = 0;
    fa_err e;
    if (doc_sample_png(SAMPLE_TEXT, &png, &len, &e) != 0) {
        for (int i = 0; i < 2; i++)
            if (!r[i].skipped)
                r[i].detail = xstrdup(e.msg);
        return;
    }
    char *out = NULL;
    if (!r[0].skipped) {
        double t = fa_now();
        r[0].ok = llm_describe_image(cfg, png, len, "What words are written in this image? Answer with the words.",
                                     NULL, NULL, &out, &e) == 0 && out && *fa_trim(out);
        r[0].ms = (fa_now() - t) * 1000;
        r[0].detail = r[0].ok ? xasprintf("answered \"%.60s\" for a %zu-byte PNG of \"" SAMPLE_TEXT "\"%s", out, len,
                                          strcasestr(out, SAMPLE_TEXT) ? " (read it)" : "")
                      : out ? xstrdup("answered nothing") : xstrdup(e.msg);
        free(out);
        out = NULL;
    }
    if (!r[1].skipped) {
        double t = fa_now();
        doc_conversion conv = {0};
        int rc = llm_convert_page(cfg, png, len, &out, &e);
        r[1].ms = (fa_now() - t) * 1000;
        if (rc == 0)
            rc = doc_parse_conversion(out, 0, DOC_SAMPLE_WIDTH, DOC_SAMPLE_HEIGHT, &conv, &e);
        r[1].ok = rc == 0;
        bool read = false;
        for (size_t i = 0; r[1].ok && i < conv.blocks.n; i++)
            read = read || (conv.blocks.v[i].text && strcasestr(conv.blocks.v[i].text, SAMPLE_TEXT));
        r[1].detail = rc == 0 ? xasprintf("%s, %zu block%s%s", conv.format, conv.blocks.n,
                                          conv.blocks.n == 1 ? "" : "s", read ? ", \"" SAMPLE_TEXT "\" read" : "")
                      : xstrdup(e.msg);
        doc_conversion_free(&conv);
        free(out);
    }
    free(png);
}

/* Tries the configured models: a whole chat answer, a streamed one, an embedding, a reranking, an image
 * described and a page converted. Fills r[NCHECKS]. */
static void run_checks(const llm_config *cfg, check_result r[NCHECKS])
{
    static const llm_message msgs[] = {
        {.role = "system", .content = "You are a connectivity check. Reply with one short word."},
        {.role = "user", .content = "Say ready."}};
    fa_err e;
    char *text = NULL;
    r[0] = (check_result){.name = "chat"};
    r[1] = (check_result){.name = "chat_stream"};
    r[2] = (check_result){.name = "embed"};
    r[3] = (check_result){.name = "rerank"};
    check_image_models(cfg, r + 4);
    if (!cfg->rerank_model) {
        r[3].skipped = true;
        r[3].detail = xstrdup("no rerank model set (FAGPT_RERANK_MODEL)");
    } else {
        const char *docs[] = {"The moon orbits the earth.",
                              "Clearance of fires is the process of approving fires within an area."};
        float sc[2];
        double t0 = fa_now();
        int rc = llm_rerank(cfg, "what is clearance of fires", docs, 2, sc, &e);
        r[3].ms = (fa_now() - t0) * 1000;
        r[3].ok = rc == 0 && sc[1] > sc[0];
        r[3].detail = rc != 0 ? xstrdup(e.msg)
                      : xasprintf("2 passages, %s (%.3g vs %.3g)",
                                  r[3].ok ? "the relevant one first" : "the irrelevant one scored as high", sc[1],
                                  sc[0]);
    }
    double t = fa_now();
    r[0].ok = llm_chat(cfg, msgs, 2, NULL, NULL, &text, &e) == 0;
    r[0].ms = (fa_now() - t) * 1000;
    r[0].detail = r[0].ok ? xasprintf("answered \"%.60s\"", fa_trim(text)) : xstrdup(e.msg);
    free(text);
    stream_count sc = {.t0 = fa_now()};
    r[1].ok = llm_chat(cfg, msgs, 2, count_piece, &sc, &text, &e) == 0;
    r[1].ms = (fa_now() - sc.t0) * 1000;
    r[1].detail = r[1].ok ? xasprintf("%d pieces, the first after %.0f ms", sc.pieces, sc.first_ms) : xstrdup(e.msg);
    free(text);
    if (!cfg->embed_model) {
        r[2].skipped = true;
        r[2].detail = xstrdup("no embedding model set (FAGPT_EMBED_MODEL)");
        return;
    }
    const char *texts[] = {"clearance of fires", "fire support coordination measure"};
    float *v = NULL;
    int dim = 0;
    t = fa_now();
    r[2].ok = llm_embed(cfg, texts, 2, 0, &v, &dim, &e) == 0;
    r[2].ms = (fa_now() - t) * 1000;
    r[2].detail = r[2].ok ? xasprintf("2 texts, %d dimensions", dim) : xstrdup(e.msg);
    free(v);
}

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
    static const struct option opts[] = {{"check", no_argument, 0, 'c'}, CLI_LLM_LONGOPTS, CLI_COMMON_LONGOPTS,
                                         {0, 0, 0, 0}};
    llm_flags flags = {0};
    bool check = false;
    int opt;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int handled = cli_common_opt(c, opt, optarg, usage);
        if (handled < 0)
            return EXIT_OK;
        if (handled || cli_llm_opt(&flags, opt, optarg))
            continue;
        if (opt != 'c')
            return cli_usage_error(usage, "unknown option");
        check = true;
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
    llm_loaded_list loaded = {0};
    fa_err le;
    int have_loaded = got == 0 ? llm_loaded_models(&cfg, &loaded, &le) : 1; /* 0: listed, 1: not told, -1 */
    check_result checks[NCHECKS] = {{0}};
    bool checked = check && !problem, failed = false;
    if (checked) {
        run_checks(&cfg, checks);
        for (int i = 0; i < NCHECKS; i++)
            failed |= !checks[i].ok && !checks[i].skipped;
    }
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
        sb_add(&b, ", \"loaded\": ");
        if (have_loaded != 0) {
            sb_add(&b, "null");
        } else {
            sb_add(&b, "[");
            for (size_t i = 0; i < loaded.n; i++) {
                sb_add(&b, i ? ", {\"name\": " : "{\"name\": ");
                json_str(&b, loaded.v[i].name);
                sb_addf(&b, ", \"size\": %.0f, \"size_vram\": %.0f, \"expires_at\": ", loaded.v[i].size,
                        loaded.v[i].size_vram);
                if (loaded.v[i].expires_at)
                    json_str(&b, loaded.v[i].expires_at);
                else
                    sb_add(&b, "null");
                sb_add(&b, "}");
            }
            sb_add(&b, "]");
        }
        sb_add(&b, ", \"config_file\": ");
        if (fa_settings_path())
            json_str(&b, fa_settings_path());
        else
            sb_add(&b, "null");
        model_json(&b, "chat_model", cfg.chat_model, &models, got == 0);
        model_json(&b, "embed_model", cfg.embed_model, &models, got == 0);
        model_json(&b, "vision_model", cfg.vision_model, &models, got == 0);
        model_json(&b, "doc_model", cfg.doc_model, &models, got == 0);
        model_json(&b, "rerank_model", cfg.rerank_model, &models, got == 0);
        if (problem) {
            sb_add(&b, ", \"error\": ");
            json_str(&b, problem);
        }
        if (checked) {
            sb_add(&b, ", \"checks\": [");
            for (int i = 0; i < NCHECKS; i++) {
                sb_addf(&b, "%s{\"name\": \"%s\", \"ok\": %s, \"skipped\": %s, \"ms\": %.1f, \"detail\": ",
                        i ? ", " : "", checks[i].name, checks[i].ok ? "true" : "false",
                        checks[i].skipped ? "true" : "false", checks[i].ms);
                json_str(&b, checks[i].detail);
                sb_add(&b, "}");
            }
            sb_add(&b, "]");
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
        if (have_loaded == 0) {
            printf("Loaded now       %s\n", loaded.n ? "" : "none (Ollama loads a model on its first request)");
            for (size_t i = 0; i < loaded.n; i++) {
                const llm_loaded *l = &loaded.v[i];
                int gpu = l->size > 0 ? (int)(100 * l->size_vram / l->size + 0.5) : 0;
                printf("  %s  %.1f GB, %d%% in GPU memory%s%s\n", l->name, l->size / 1e9, gpu,
                       l->expires_at ? ", until " : "", l->expires_at ? l->expires_at : "");
            }
        } else if (have_loaded < 0) {
            printf("Loaded now       unknown (%s)\n", le.msg);
        }
        model_line("Chat model", cfg.chat_model, "FAGPT_CHAT_MODEL", &models, got == 0);
        model_line("Embedding model", cfg.embed_model, "FAGPT_EMBED_MODEL", &models, got == 0);
        if (cfg.vision_model)
            model_line("Vision model", cfg.vision_model, "FAGPT_VISION_MODEL", &models, got == 0);
        if (cfg.doc_model)
            model_line("Document model", cfg.doc_model, "FAGPT_DOC_MODEL", &models, got == 0);
        if (cfg.rerank_model)
            model_line("Rerank model", cfg.rerank_model, "FAGPT_RERANK_MODEL", &models, got == 0);
        if (fa_settings_path())
            printf("Config file      %s\n", fa_settings_path());
        for (int i = 0; checked && i < NCHECKS; i++)
            printf("check %-12s %s  %s (%.0f ms)\n", checks[i].name,
                   checks[i].skipped ? "skip" : checks[i].ok ? "ok  " : "FAIL", checks[i].detail, checks[i].ms);
        if (problem)
            fprintf(stderr, "fagpt: %s\n", problem);
    }
    for (int i = 0; i < NCHECKS; i++)
        free(checks[i].detail);
    int rc = problem || failed ? EXIT_USER : EXIT_OK;
    free(version);
    llm_loaded_list_free(&loaded);
    str_vec_free(&models);
    llm_config_free(&cfg);
    return rc;
}
