/*
 * servers.c - the model servers: Ollama (/api/version, /api/tags, /api/ps) and an OpenAI-compatible server
 * (/v1/models). Reachable, version, configured models present, and how much of each loaded model is in VRAM.
 */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/json.h"
#include "net/http.h"

/* OLLAMA_HOST as Ollama reads it: [scheme://]host[:port][/path], default http://127.0.0.1:11434. */
static char *ollama_url(bool *configured)
{
    const char *env = getenv("OLLAMA_HOST");
    *configured = env && *env;
    if (!*configured)
        return xstrdup("http://127.0.0.1:11434");
    char *v = xstrdup(env), *t = fa_trim(v);
    const char *scheme = "http";
    char *rest = t, *sep = strstr(t, "://");
    if (sep) {
        *sep = 0;
        scheme = t;
        rest = sep + 3;
    }
    char *path = strchr(rest, '/');
    char *p = path ? xstrdup(path) : xstrdup("");
    if (path)
        *path = 0;
    const char *host = rest, *port = !strcasecmp(scheme, "https") ? "443" : sep ? "80" : "11434";
    char *colon = strrchr(rest, ':');
    if (colon && !strchr(colon, ']')) {
        *colon = 0;
        port = colon + 1;
    }
    if (!*host || !strcmp(host, "0.0.0.0"))
        host = "127.0.0.1";
    else if (!strcmp(host, "[::]"))
        host = "[::1]";
    char *url = xasprintf("%s://%s:%s%s", scheme, host, port, p);
    size_t n = strlen(url);
    while (n && url[n - 1] == '/')
        url[--n] = 0;
    free(p);
    free(v);
    return url;
}

/* GET base+path and parse the JSON body; NULL with *err set (heap) on any failure. */
static json_value *get_json(const char *base, const char *path, const char *headers, int timeout, int *status,
                            char **err)
{
    char *url = xasprintf("%s%s", base, path);
    http_response resp;
    fa_err e;
    json_value *v = NULL;
    *status = 0;
    if (http_get(url, headers, timeout, &resp, &e) != 0) {
        *err = xstrdup(e.msg);
    } else {
        *status = resp.status;
        if (resp.status != 200)
            *err = xasprintf("%s answered HTTP %d", url, resp.status);
        else if (!(v = json_parse(resp.body, resp.body_len, &e)))
            *err = xasprintf("%s did not answer JSON: %s", url, e.msg);
        http_response_free(&resp);
    }
    free(url);
    return v;
}

/* A JSON number as a byte count: negative, NaN or absurd values do not wrap around. */
static uint64_t to_u64(double v)
{
    return v > 0 && v < 1.8e19 ? (uint64_t)v : 0;
}

static void add_models(sys_model_list *list, const json_value *arr, const char *key, bool vram)
{
    for (size_t i = 0; arr && arr->type == JSON_ARRAY && i < arr->n; i++) {
        const json_value *m = json_at(arr, i);
        const char *name = json_get_str(m, key, NULL);
        if (!name)
            continue;
        double size = json_get_num(m, "size", 0), sv = vram ? json_get_num(m, "size_vram", 0) : 0;
        sys_model x = {xstrdup(name), to_u64(size), to_u64(sv)};
        VEC_PUSH(*list, x);
    }
}

static bool has_model(const sys_server *s, const char *want)
{
    size_t wl = strlen(want);
    for (size_t i = 0; i < s->models.n; i++) {
        const char *n = s->models.v[i].name;
        if (!strcmp(n, want) || (!strncmp(n, want, wl) && !strcmp(n + wl, ":latest")))
            return true;
    }
    return false;
}

static void probe_ollama(const sys_options *o, sys_report *r, sys_server *s)
{
    int status;
    char *err = NULL;
    json_value *v = get_json(s->url, "/api/version", NULL, o->timeout_ms, &status, &err);
    if (!v) {
        s->reachable = status != 0; /* it answered HTTP, just not as Ollama */
        s->error = err;
        return;
    }
    s->reachable = true;
    const char *ver = json_get_str(v, "version", NULL);
    s->version = ver ? xstrdup(ver) : NULL;
    json_free(v);
    if ((v = get_json(s->url, "/api/tags", NULL, o->timeout_ms, &status, &err))) {
        add_models(&s->models, json_get(v, "models"), "name", false);
        json_free(v);
    } else {
        s->error = err;
        return;
    }
    if ((v = get_json(s->url, "/api/ps", NULL, o->timeout_ms, &status, &err))) {
        add_models(&s->loaded, json_get(v, "models"), "name", true);
        json_free(v);
    } else {
        /* Older Ollama has no /api/ps: what is loaded (and whether on the GPU) is then unknown. */
        sys_add(r, SYS_INFO, "server", "server.no_ps",
                xasprintf("cannot tell which models are loaded or whether they use the GPU: %s", err),
                NULL, xstrdup("upgrade Ollama (0.1.38 or later answers /api/ps)"));
        free(err);
    }
}

static void probe_openai(const sys_options *o, sys_server *s)
{
    const char *key = getenv("OPENAI_API_KEY");
    char *headers = key && *key ? xasprintf("Authorization: Bearer %s\r\n", key) : NULL;
    int status;
    char *err = NULL;
    json_value *v = get_json(s->url, "/models", headers, o->timeout_ms, &status, &err);
    free(headers);
    if (status)
        s->reachable = true;
    if (!v) {
        s->error = err;
        return;
    }
    add_models(&s->models, json_get(v, "data"), "id", false);
    json_free(v);
}

/* FAGPT_CHAT_MODEL and FAGPT_EMBED_MODEL must each be on some reachable server. */
static void check_configured_models(sys_report *r)
{
    const char *vars[] = {"FAGPT_CHAT_MODEL", "FAGPT_EMBED_MODEL"};
    const sys_server *first = NULL;
    for (size_t k = 0; k < r->servers.n && !first; k++)
        if (r->servers.v[k].reachable && !r->servers.v[k].error)
            first = &r->servers.v[k];
    for (int i = 0; i < 2 && first; i++) {
        const char *want = getenv(vars[i]);
        bool found = !want || !*want;
        for (size_t k = 0; k < r->servers.n && !found; k++)
            found = r->servers.v[k].reachable && !r->servers.v[k].error && has_model(&r->servers.v[k], want);
        if (found)
            continue;
        sys_add(r, SYS_ERROR, "server", "server.model_missing",
                xasprintf("%s=%s is not on any reachable model server (asked %s)", vars[i], want, first->url),
                xstrdup(i ? "documents cannot be embedded for vector search" : "answers cannot be generated"),
                !strcmp(first->kind, "ollama") ? xasprintf("ollama pull %s", want)
                                               : xasprintf("load %s in the server, or set %s to one of the "
                                                           "models it lists", want, vars[i]));
    }
}

static void report_models(sys_report *r, const sys_server *s, const char *label, bool gpu)
{
    if (!s->models.n)
        sys_add(r, SYS_WARN, "server", "server.no_models", xasprintf("%s at %s has no models", label, s->url),
                xstrdup("there is nothing to answer with"),
                !strcmp(s->kind, "ollama") ? xstrdup("ollama pull <model> (e.g. ollama pull llama3.1:8b)")
                                           : xstrdup("load a model in the server"));
    char a[32], b[32];
    for (size_t i = 0; i < s->loaded.n; i++) {
        const sys_model *m = &s->loaded.v[i];
        int pct = m->size ? (int)(100.0 * (double)m->size_vram / (double)m->size + 0.5) : 0;
        if (m->size_vram == 0)
            sys_add(r, gpu ? SYS_WARN : SYS_INFO, "server", "server.model_on_cpu",
                    xasprintf("%s is loaded entirely on the CPU (%s in memory, none in VRAM)", m->name,
                              sys_human_size(m->size, a)),
                    gpu ? xstrdup("the GPU is not being used: answers are many times slower") : NULL,
                    gpu ? xstrdup("see the gpu findings above; then `journalctl -u ollama | grep -i -e gpu -e "
                                  "rocm -e cuda` shows why Ollama skipped the GPU")
                        : NULL);
        else if (pct < 100)
            sys_add(r, SYS_WARN, "server", "server.model_partial_gpu",
                    xasprintf("%s is %d%% in VRAM (%s of %s); the rest runs on the CPU", m->name, pct,
                              sys_human_size(m->size_vram, a), sys_human_size(m->size, b)),
                    xstrdup("layers on the CPU slow every answer down"),
                    xstrdup("use a smaller or more quantized model, or a shorter context (num_ctx)"));
        else
            sys_add(r, SYS_OK, "server", "server.model_on_gpu",
                    xasprintf("%s is loaded 100%% in VRAM (%s)", m->name, sys_human_size(m->size_vram, a)), NULL,
                    NULL);
    }
}

void sys_check_servers(const sys_options *o, sys_report *r)
{
    sys_options oo = *o;
    if (oo.timeout_ms <= 0)
        oo.timeout_ms = 1500;
    bool gpu = false;
    for (size_t i = 0; i < r->gpus.n; i++)
        gpu |= strcmp(r->gpus.v[i].source, "pci") != 0;

    sys_server ol = {.kind = "ollama"};
    ol.url = ollama_url(&ol.configured);
    probe_ollama(&oo, r, &ol);
    VEC_PUSH(r->servers, ol);

    const char *base = getenv("OPENAI_BASE_URL");
    if (base && *base) {
        sys_server oa = {.kind = "openai", .configured = true};
        oa.url = xstrdup(base);
        size_t n = strlen(oa.url);
        while (n && oa.url[n - 1] == '/')
            oa.url[--n] = 0;
        probe_openai(&oo, &oa);
        VEC_PUSH(r->servers, oa);
    }
    bool any_up = false;
    for (size_t i = 0; i < r->servers.n; i++)
        any_up |= r->servers.v[i].reachable && !r->servers.v[i].error;
    for (size_t i = 0; i < r->servers.n; i++) {
        sys_server *s = &r->servers.v[i];
        const char *label = !strcmp(s->kind, "ollama") ? "Ollama" : "the OpenAI-compatible server";
        if (s->reachable && !s->error) {
            sys_add(r, SYS_OK, "server", "server.up",
                    xasprintf("%s%s%s at %s: %zu model(s)%s", label, s->version ? " " : "",
                              s->version ? s->version : "", s->url, s->models.n,
                              strcmp(s->kind, "ollama") ? "" : s->loaded.n ? ", some loaded" : ", none loaded now"),
                    NULL, NULL);
            report_models(r, s, label, gpu);
        } else if (s->reachable) {
            sys_add(r, s->configured ? SYS_ERROR : SYS_WARN, "server", "server.bad_answer",
                    xasprintf("%s at %s answers, but not as expected: %s", label, s->url, s->error),
                    xstrdup("FA-GPT cannot use a server that does not speak its protocol"),
                    strstr(s->error, "HTTP 401") || strstr(s->error, "HTTP 403")
                        ? xstrdup("set OPENAI_API_KEY to a key the server accepts")
                        : xasprintf("check that %s is the %s API (OpenAI-compatible servers end in /v1)", s->url,
                                    label));
        } else if (!strncasecmp(s->url, "https://", 8)) {
            sys_add(r, SYS_INFO, "server", "server.not_probed",
                    xasprintf("%s at %s was not probed: the doctor speaks plain HTTP only", label, s->url), NULL,
                    NULL);
        } else {
            bool needed = s->configured;
            sys_add(r, needed ? SYS_ERROR : any_up ? SYS_INFO : SYS_WARN, "server", "server.down",
                    xasprintf("%s is not reachable at %s: %s", label, s->url, s->error ? s->error : "no answer"),
                    xstrdup(needed ? "it is configured, so answers and embeddings fail until it runs"
                                   : "without a model server FA-GPT gives extractive answers only (parsing, search "
                                     "and firing data still work)"),
                    !strcmp(s->kind, "ollama")
                        ? xasprintf("start it: `ollama serve` (or `sudo systemctl start ollama`)%s",
                                    s->configured ? "; or correct OLLAMA_HOST" : "")
                        : xstrdup("start the server, or correct OPENAI_BASE_URL (e.g. http://127.0.0.1:8000/v1)"));
        }
    }
    check_configured_models(r);
}
