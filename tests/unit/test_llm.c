/* test_llm.c - the pieces of the LLM path that need no server: the citation filter, the incremental chunked
 * decoder the streams ride on, and configuration from the environment. The wire protocols are tested against
 * the stand-in server in tests/integration/llm.sh. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "llm/llm.h"
#include "net/http.h"

static void filter(const char *in, int nsrc, const char *want, uint64_t want_bits)
{
    uint64_t bits = 0;
    char *got = llm_filter_citations(in, nsrc, &bits);
    CHECK_STR(got, want);
    CHECK(bits == want_bits);
    free(got);
}

static int collect(const char *d, size_t n, void *arg)
{
    sb_addn(arg, d, n);
    return 0;
}

static void test_filter(void)
{
    filter("Fires are cleared by the commander [1].", 3, "Fires are cleared by the commander [1].", 1);
    filter("A claim [9].", 3, "A claim.", 0);
    filter("Both [1, 3] and [2][7].", 3, "Both [1, 3] and [2].", 7);
    filter("Mixed [3, 12].", 3, "Mixed [3].", 4);
    filter("Not a citation [see above] or [a1] stays.", 3, "Not a citation [see above] or [a1] stays.", 0);
    filter("Zero [0] is no source.", 3, "Zero is no source.", 0);
    filter("An open bracket at the end [2", 3, "An open bracket at the end [2", 0);
    filter("Huge [99999999999999999999] dropped.", 3, "Huge dropped.", 0);
    filter("No sources [1].", 0, "No sources.", 0);
    filter("Spaces   kept.", 1, "Spaces   kept.", 0);
}

static void test_dechunk(void)
{
    const char *raw = "4\r\nWiki\r\n5;ext=1\r\npedia\r\nE\r\n in\r\n\r\nchunks.\r\n0\r\nX-Trailer: 1\r\n\r\n";
    /* Fed one byte at a time, as the slowest network would deliver it. */
    http_dechunker d = {0};
    strbuf out = {0};
    int rc = 0;
    for (size_t i = 0; raw[i] && rc == 0; i++)
        rc = http_dechunk_feed(&d, raw + i, 1, collect, &out);
    CHECK(rc == 1);
    CHECK_STR(out.s, "Wikipedia in\r\n\r\nchunks.");
    http_dechunker_free(&d);
    sb_free(&out);

    http_dechunker bad = {0};
    strbuf o2 = {0};
    CHECK(http_dechunk_feed(&bad, "zz\r\n", 4, collect, &o2) == -1);
    http_dechunker_free(&bad);
    http_dechunker d2 = {0};
    CHECK(http_dechunk_feed(&d2, "3\r\nabcX\r\n", 9, collect, &o2) == -1); /* data not followed by CRLF */
    http_dechunker_free(&d2);
    sb_free(&o2);
}

static void test_config(void)
{
    llm_config c;
    fa_err e;
    setenv("FAGPT_LLM", "off", 1);
    CHECK(llm_config_load(&c, NULL, &e) == 0 && c.api == LLM_NONE && c.off && !strcmp(c.why_none, "FAGPT_LLM=off"));
    llm_config_free(&c);
    unsetenv("FAGPT_LLM");

    setenv("FAGPT_LLM_API", "bogus", 1);
    CHECK(llm_config_load(&c, NULL, &e) == -1 && strstr(e.msg, "use ollama or openai"));
    unsetenv("FAGPT_LLM_API");

    /* An explicit API is not detected: no request goes out, and an OpenAI base gains its /v1. */
    llm_flags f = {.url = "http://10.0.0.5:8080/", .api = "openai", .chat_model = "m"};
    setenv("OPENAI_API_KEY", "sk-test", 1);
    CHECK(llm_config_load(&c, &f, &e) == 0);
    CHECK(c.api == LLM_OPENAI);
    CHECK_STR(c.url, "http://10.0.0.5:8080/v1");
    CHECK_STR(c.api_key, "sk-test");
    CHECK_STR(c.chat_model, "m");
    CHECK_STR(c.source, "--url");
    llm_config_free(&c);
    unsetenv("OPENAI_API_KEY");

    /* OLLAMA_HOST as Ollama reads it: a bare host gets the default port, 0.0.0.0 means this machine. */
    setenv("OLLAMA_HOST", "0.0.0.0", 1);
    setenv("FAGPT_LLM_API", "ollama", 1);
    CHECK(llm_config_load(&c, NULL, &e) == 0);
    CHECK_STR(c.url, "http://127.0.0.1:11434");
    CHECK_STR(c.source, "OLLAMA_HOST");
    llm_config_free(&c);
    setenv("OLLAMA_HOST", "gpubox:9999", 1);
    CHECK(llm_config_load(&c, NULL, &e) == 0);
    CHECK_STR(c.url, "http://gpubox:9999");
    llm_config_free(&c);
    unsetenv("OLLAMA_HOST");

    setenv("FAGPT_LLM_URL", "http://127.0.0.1:99999", 1);
    CHECK(llm_config_load(&c, NULL, &e) == -1 && strstr(e.msg, "FAGPT_LLM_URL") && strstr(e.msg, "bad port"));
    unsetenv("FAGPT_LLM_URL");
    unsetenv("FAGPT_LLM_API");

    /* Without a chosen model the chat says which variable to set, before any request. */
    f = (llm_flags){.url = "http://127.0.0.1:9", .api = "ollama"};
    CHECK(llm_config_load(&c, &f, &e) == 0);
    llm_message m = {.role = "user", .content = "hi"};
    char *out;
    CHECK(llm_chat(&c, &m, 1, NULL, NULL, &out, &e) == -1 && strstr(e.msg, "FAGPT_CHAT_MODEL") && !out);
    llm_config_free(&c);
}

static void test_vectors(void)
{
    float a[19], b[19];
    double want = 0;
    for (int i = 0; i < 19; i++) {
        a[i] = (float)(i + 1) * 0.5f;
        b[i] = (float)(19 - i) * 0.25f;
        want += (double)a[i] * b[i];
    }
    CHECK_NEAR(search_dot(a, b, 19), want, 1e-3); /* 16 by SIMD lanes, 3 by the tail */
    search_normalize(a, 19);
    CHECK_NEAR(search_dot(a, a, 19), 1.0, 1e-6);
    float z[3] = {0, 0, 0};
    search_normalize(z, 3);
    CHECK(z[0] == 0 && z[1] == 0 && z[2] == 0);
}

int main(void)
{
    unsetenv("FAGPT_LLM_URL");
    unsetenv("OPENAI_BASE_URL");
    unsetenv("FAGPT_CHAT_MODEL");
    test_filter();
    test_dechunk();
    test_config();
    test_vectors();
    /* A GPU failure reported by the model server comes with the doctor's diagnosis. */
    CHECK(llm_gpu_hint("miopenStatusInternalError: attempt to write a readonly database") &&
          strstr(llm_gpu_hint("miopenStatusInternalError: attempt to write a readonly database"), "doctor --fix"));
    CHECK(llm_gpu_hint("CUDA error: out of memory") != NULL);
    CHECK(llm_gpu_hint("hipErrorNoBinaryForGpu: Unable to find code object") != NULL);
    CHECK(llm_gpu_hint("model 'qwen2.5' not found") == NULL);
    return check_done();
}
