/* report.c - findings, the report's lifetime and its JSON form. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"

void sys_add(sys_report *r, sys_severity s, const char *area, const char *code, char *what, char *why, char *fix)
{
    sys_finding f = {s, xstrdup(area), xstrdup(code), what ? what : xstrdup(""), why, fix};
    VEC_PUSH(r->findings, f);
}

void sys_recommend(sys_report *r, const char *name, const char *value)
{
    size_t nl = strlen(name);
    char *line = xasprintf("%s=%s", name, value);
    for (size_t i = 0; i < r->env.n; i++)
        if (!strncmp(r->env.v[i], name, nl) && r->env.v[i][nl] == '=') {
            free(r->env.v[i]);
            r->env.v[i] = line;
            return;
        }
    VEC_PUSH(r->env, line);
}

const char *sys_severity_name(sys_severity s)
{
    static const char *names[] = {"ok", "info", "warning", "error"};
    return s <= SYS_ERROR ? names[s] : "?";
}

sys_severity sys_worst(const sys_report *r)
{
    sys_severity w = SYS_OK;
    for (size_t i = 0; i < r->findings.n; i++)
        if (r->findings.v[i].severity > w)
            w = r->findings.v[i].severity;
    return w;
}

const char *sys_human_size(uint64_t bytes, char out[32])
{
    static const char *units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = (double)bytes;
    int u = 0;
    while (v >= 1024 && u < 5) {
        v /= 1024;
        u++;
    }
    snprintf(out, 32, u ? "%.1f %s" : "%.0f %s", v, units[u]);
    return out;
}

static void free_models(sys_server *s)
{
    for (size_t i = 0; i < s->models.n; i++)
        free(s->models.v[i].name);
    for (size_t i = 0; i < s->loaded.n; i++)
        free(s->loaded.v[i].name);
    free(s->models.v);
    free(s->loaded.v);
}

void sys_report_free(sys_report *r)
{
    free(r->cpu);
    free(r->home);
    free(r->sqlite_version);
    free(r->mupdf_version);
    free(r->rocm_version);
    free(r->cuda_driver);
    free(r->gpus.v);
    for (size_t i = 0; i < r->miopen_dirs.n; i++) {
        free(r->miopen_dirs.v[i].role);
        free(r->miopen_dirs.v[i].path);
        free(r->miopen_dirs.v[i].source);
    }
    free(r->miopen_dirs.v);
    for (size_t i = 0; i < r->servers.n; i++) {
        sys_server *s = &r->servers.v[i];
        free(s->url);
        free(s->version);
        free(s->error);
        free_models(s);
    }
    free(r->servers.v);
    for (size_t i = 0; i < r->findings.n; i++) {
        sys_finding *f = &r->findings.v[i];
        free(f->area);
        free(f->code);
        free(f->what);
        free(f->why);
        free(f->fix);
    }
    free(r->findings.v);
    for (size_t i = 0; i < r->env.n; i++)
        free(r->env.v[i]);
    free(r->env.v);
    for (size_t i = 0; i < r->fixes.n; i++)
        free(r->fixes.v[i]);
    free(r->fixes.v);
    free(r->env_file);
    memset(r, 0, sizeof *r);
}

static void jstr_or_null(strbuf *b, const char *s)
{
    if (s)
        json_str(b, s);
    else
        sb_add(b, "null");
}

static void json_models(strbuf *b, const char *key, const sys_model_list *m, bool vram)
{
    sb_addf(b, ", \"%s\": [", key);
    for (size_t i = 0; i < m->n; i++) {
        sb_add(b, i ? ", {\"name\": " : "{\"name\": ");
        json_str(b, m->v[i].name);
        sb_addf(b, ", \"size\": %llu", (unsigned long long)m->v[i].size);
        if (vram)
            sb_addf(b, ", \"size_vram\": %llu", (unsigned long long)m->v[i].size_vram);
        sb_add(b, "}");
    }
    sb_add(b, "]");
}

void sys_report_json(const sys_report *r, strbuf *b)
{
    sys_severity worst = sys_worst(r);
    sb_addf(b, "{\"ok\": %s, \"worst\": \"%s\",\n \"host\": {\"cpu\": ", worst < SYS_ERROR ? "true" : "false",
            sys_severity_name(worst));
    jstr_or_null(b, r->cpu);
    sb_addf(b, ", \"cores\": %d, \"mem_total\": %llu, \"mem_available\": %llu, \"home\": ", r->cores,
            (unsigned long long)r->mem_total, (unsigned long long)r->mem_available);
    jstr_or_null(b, r->home);
    sb_addf(b, ", \"disk_free\": %llu, \"disk_total\": %llu},\n \"versions\": {\"fagpt\": \"" FAGPT_VERSION
               "\", \"sqlite\": ", (unsigned long long)r->disk_free, (unsigned long long)r->disk_total);
    jstr_or_null(b, r->sqlite_version);
    sb_add(b, ", \"mupdf\": ");
    jstr_or_null(b, r->mupdf_version);
    sb_add(b, ", \"rocm\": ");
    jstr_or_null(b, r->rocm_version);
    sb_add(b, ", \"cuda_driver\": ");
    jstr_or_null(b, r->cuda_driver);
    sb_add(b, "},\n \"gpus\": [");
    for (size_t i = 0; i < r->gpus.n; i++) {
        const sys_gpu *g = &r->gpus.v[i];
        sb_add(b, i ? ",\n  {\"vendor\": " : "\n  {\"vendor\": ");
        json_str(b, g->vendor);
        sb_add(b, ", \"name\": ");
        json_str(b, g->name);
        sb_add(b, ", \"source\": ");
        json_str(b, g->source);
        sb_add(b, ", \"pci\": ");
        jstr_or_null(b, *g->pci ? g->pci : NULL);
        sb_add(b, ", \"gfx\": ");
        jstr_or_null(b, *g->gfx ? g->gfx : NULL);
        sb_add(b, ", \"run_as\": ");
        jstr_or_null(b, *g->run_as ? g->run_as : NULL);
        sb_addf(b, ", \"vram\": %llu, \"compute_units\": %d, \"driver\": ", (unsigned long long)g->vram,
                g->compute_units);
        jstr_or_null(b, *g->driver ? g->driver : NULL);
        sb_add(b, "}");
    }
    sb_add(b, "],\n \"miopen\": [");
    for (size_t i = 0; i < r->miopen_dirs.n; i++) {
        const sys_dir *d = &r->miopen_dirs.v[i];
        sb_add(b, i ? ", {\"role\": " : "{\"role\": ");
        json_str(b, d->role);
        sb_add(b, ", \"path\": ");
        json_str(b, d->path);
        sb_add(b, ", \"source\": ");
        json_str(b, d->source);
        sb_add(b, "}");
    }
    sb_add(b, "],\n \"servers\": [");
    for (size_t i = 0; i < r->servers.n; i++) {
        const sys_server *s = &r->servers.v[i];
        sb_add(b, i ? ",\n  {\"kind\": " : "\n  {\"kind\": ");
        json_str(b, s->kind);
        sb_add(b, ", \"url\": ");
        json_str(b, s->url);
        sb_addf(b, ", \"configured\": %s, \"reachable\": %s, \"version\": ", s->configured ? "true" : "false",
                s->reachable ? "true" : "false");
        jstr_or_null(b, s->version);
        sb_add(b, ", \"error\": ");
        jstr_or_null(b, s->error);
        json_models(b, "models", &s->models, false);
        json_models(b, "loaded", &s->loaded, true);
        sb_add(b, "}");
    }
    sb_add(b, "],\n \"findings\": [");
    for (size_t i = 0; i < r->findings.n; i++) {
        const sys_finding *f = &r->findings.v[i];
        sb_addf(b, "%s\n  {\"severity\": \"%s\", \"area\": ", i ? "," : "", sys_severity_name(f->severity));
        json_str(b, f->area);
        sb_add(b, ", \"code\": ");
        json_str(b, f->code);
        sb_add(b, ", \"what\": ");
        json_str(b, f->what);
        sb_add(b, ", \"why\": ");
        jstr_or_null(b, f->why);
        sb_add(b, ", \"fix\": ");
        jstr_or_null(b, f->fix);
        sb_add(b, "}");
    }
    sb_add(b, "],\n \"model_server_env\": [");
    for (size_t i = 0; i < r->env.n; i++) {
        sb_add(b, i ? ", " : "");
        json_str(b, r->env.v[i]);
    }
    sb_add(b, "],\n \"fixes_applied\": [");
    for (size_t i = 0; i < r->fixes.n; i++) {
        sb_add(b, i ? ", " : "");
        json_str(b, r->fixes.v[i]);
    }
    sb_add(b, "], \"env_file\": ");
    jstr_or_null(b, r->env_file);
    sb_add(b, "}\n");
}
