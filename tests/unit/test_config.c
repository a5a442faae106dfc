/* test_config.c - settings precedence (flag, then environment, then config file, then default) through
 * llm_config_load, the config file's search order, and malformed files refused naming the file and line. */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "core/config.h"
#include "llm/llm.h"

static char dir[] = "/tmp/fagpt-config-XXXXXX";

static void write_config(const char *name, const char *text)
{
    char *p = xasprintf("%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    fputs(text, f);
    fclose(f);
    free(p);
}

/* Loads the config from DIR/config afresh; returns llm_config_load's status. */
static int load(llm_config *cfg, const llm_flags *fl, fa_err *e)
{
    fa_settings_reset();
    fa_settings_home(dir);
    return llm_config_load(cfg, fl, e);
}

int main(void)
{
    CHECK(mkdtemp(dir) != NULL);
    const char *vars[] = {"FAGPT_CONFIG", "FAGPT_HOME", "FAGPT_LLM_URL", "FAGPT_LLM_API", "FAGPT_CHAT_MODEL",
                          "FAGPT_EMBED_MODEL", "FAGPT_VISION_MODEL", "FAGPT_RERANK_MODEL", "OLLAMA_HOST",
                          "OPENAI_BASE_URL", "OPENAI_API_KEY", "FAGPT_LLM", "XDG_CONFIG_HOME"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        unsetenv(vars[i]);
    char *xdg = xasprintf("%s/xdg", dir);
    setenv("XDG_CONFIG_HOME", xdg, 1); /* never the user's own file */
    write_config("config", "# FA-GPT settings\n"
                           "llm_url = http://10.1.2.3:8080/v1\n"
                           "llm_api = openai\n"
                           "chat_model = \"qwen2.5:14b\"\n"
                           "  embed_model=nomic-embed-text   \n"
                           "vision_model = llava:7b\n"
                           "rerank_model = bge-reranker\n"
                           "openai_api_key = sk-from-file\n"
                           "FAGPT_LLM_TIMEOUT = 7\n"
                           "\n");
    llm_config cfg;
    fa_err e;
    /* the file alone */
    CHECK(load(&cfg, NULL, &e) == 0);
    CHECK(cfg.api == LLM_OPENAI);
    CHECK_STR(cfg.url, "http://10.1.2.3:8080/v1");
    CHECK_STR(cfg.source, "llm_url in the config file");
    CHECK_STR(cfg.chat_model, "qwen2.5:14b");
    CHECK_STR(cfg.embed_model, "nomic-embed-text");
    CHECK_STR(cfg.vision_model, "llava:7b");
    CHECK_STR(cfg.rerank_model, "bge-reranker");
    CHECK_STR(cfg.api_key, "sk-from-file");
    CHECK(cfg.timeout_ms == 7000);
    char *want = xasprintf("%s/config", dir);
    CHECK_STR(fa_settings_path(), want);
    free(want);
    llm_config_free(&cfg);

    /* the environment over the file, a flag over both */
    setenv("FAGPT_CHAT_MODEL", "llama3:8b", 1);
    setenv("FAGPT_LLM_URL", "http://127.0.0.1:9999/v1", 1);
    CHECK(load(&cfg, NULL, &e) == 0);
    CHECK_STR(cfg.chat_model, "llama3:8b");
    CHECK_STR(cfg.url, "http://127.0.0.1:9999/v1");
    CHECK_STR(cfg.source, "FAGPT_LLM_URL");
    CHECK_STR(cfg.embed_model, "nomic-embed-text"); /* not in the environment: still the file's */
    llm_config_free(&cfg);
    llm_flags fl = {.chat_model = "mistral", .rerank_model = "jina-reranker"};
    CHECK(load(&cfg, &fl, &e) == 0);
    CHECK_STR(cfg.chat_model, "mistral");
    CHECK_STR(cfg.rerank_model, "jina-reranker");
    llm_config_free(&cfg);
    /* an empty environment variable counts as unset */
    setenv("FAGPT_CHAT_MODEL", "", 1);
    CHECK(load(&cfg, NULL, &e) == 0);
    CHECK_STR(cfg.chat_model, "qwen2.5:14b");
    llm_config_free(&cfg);
    unsetenv("FAGPT_CHAT_MODEL");
    unsetenv("FAGPT_LLM_URL");

    /* FAGPT_LLM=off in the file */
    write_config("config", "llm = off\nchat_model = qwen2.5:7b\n");
    CHECK(load(&cfg, NULL, &e) == 0 && cfg.off && cfg.api == LLM_NONE);
    CHECK_STR(cfg.chat_model, "qwen2.5:7b");
    llm_config_free(&cfg);

    /* defaults: no file anywhere */
    char *cp = xasprintf("%s/config", dir);
    unlink(cp);
    setenv("FAGPT_LLM", "off", 1);
    CHECK(load(&cfg, NULL, &e) == 0 && cfg.chat_model == NULL && cfg.timeout_ms == 120000);
    CHECK(fa_settings_path() == NULL);
    llm_config_free(&cfg);
    unsetenv("FAGPT_LLM");

    /* FAGPT_CONFIG names the file, and must exist */
    write_config("other.conf", "chat_model = phi3\nllm = off\n");
    char *other = xasprintf("%s/other.conf", dir);
    setenv("FAGPT_CONFIG", other, 1);
    CHECK(load(&cfg, NULL, &e) == 0);
    CHECK_STR(cfg.chat_model, "phi3");
    llm_config_free(&cfg);
    setenv("FAGPT_CONFIG", "/nonexistent/fagpt.conf", 1);
    CHECK(load(&cfg, NULL, &e) == -1 && strstr(e.msg, "/nonexistent/fagpt.conf") && strstr(e.msg, "does not exist"));
    unsetenv("FAGPT_CONFIG");
    free(other);

    /* malformed lines: the file and line named */
    struct {
        const char *text, *want;
    } bad[] = {
        {"chat_model = a\nthis line has no equals\n", "config:2: no '=' in this line"},
        {"# c\n\n = value\n", "config:3: no key before '='"},
        {"chat_modle = qwen\n", "config:1: unknown key 'chat_modle' (known: llm_url, llm_api, chat_model"},
        {"chat_model = a\nchat_model = b\n", "config:2: a key given twice: chat_model"},
        {"chat_model = \"unclosed\n", "config:1: a quoted value without its closing quote"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        write_config("config", bad[i].text);
        int rc = load(&cfg, NULL, &e);
        CHECK(rc == -1 && strstr(e.msg, bad[i].want) && strstr(e.msg, dir));
        if (rc != -1 || !strstr(e.msg, bad[i].want))
            printf("  # got: %s\n", e.msg);
        if (rc == 0)
            llm_config_free(&cfg);
    }
    /* the environment still answers when the file is malformed; the load keeps failing the same way */
    setenv("FAGPT_CHAT_MODEL", "env-model", 1);
    CHECK_STR(fa_setting("FAGPT_CHAT_MODEL"), "env-model");
    CHECK(fa_settings_load(&e) == -1 && strstr(e.msg, "closing quote"));
    unsetenv("FAGPT_CHAT_MODEL");

    /* ~/.config/fagpt/config (XDG_CONFIG_HOME) when the data folder has none */
    unlink(cp);
    char *xd = xasprintf("%s/fagpt", xdg);
    CHECK(fa_mkdirs(xd, &e) == 0);
    write_config("xdg/fagpt/config", "vision_model = moondream\nllm = off\n");
    CHECK(load(&cfg, NULL, &e) == 0);
    CHECK_STR(cfg.vision_model, "moondream");
    llm_config_free(&cfg);
    char *xf = xasprintf("%s/config", xd);
    unlink(xf);
    rmdir(xd);
    rmdir(xdg);
    unlink(cp);
    rmdir(dir);
    free(xf);
    free(xd);
    free(xdg);
    free(cp);
    fa_settings_reset();
    return check_done();
}
