/*
 * sys.h - the doctor: what this machine offers FA-GPT and what stands in its way.
 *
 * FA-GPT never loads a GPU runtime itself; models run in a model server (Ollama or an OpenAI-compatible one).
 * The doctor looks at everything that decides whether that works and says, for each problem, what is wrong,
 * why it matters and the exact fix:
 *
 *   host     CPU, memory, free space and writability of the data folder, library versions
 *   gpu      NVIDIA through the driver library loaded at run time (libcuda.so.1, NVML when present), AMD through
 *            the KFD topology in sysfs and /opt/rocm/.info/version, a PCI scan as a fallback;
 *            HSA_OVERRIDE_GFX_VERSION against the detected gfx target, access to /dev/kfd
 *   miopen   the user database and kernel cache folders resolved as MIOpen resolves them, their writability,
 *            read-only and network filesystems, a real SQLite write transaction on each .db/.ukdb, -wal/-shm
 *            creation, lock files and other processes holding the files, the system kernel database (.kdb)
 *   server   Ollama (OLLAMA_HOST, default http://127.0.0.1:11434) and OPENAI_BASE_URL: reachable, version,
 *            configured models present (FAGPT_CHAT_MODEL, FAGPT_EMBED_MODEL), loaded models and how much is in VRAM;
 *            the running server's own environment (/proc/PID/environ) against the one checked
 *
 * Usage:
 *
 *   sys_options o = {.home = data_folder, .fix = false, .timeout_ms = 1500};
 *   sys_report r;
 *   sys_doctor(&o, &r);           // never prints, never exits
 *   ... r.findings.v[i] ...       // or sys_report_json(&r, &buf)
 *   sys_report_free(&r);
 *
 * With o.fix the safe fixes are applied (folders created, own files and folders made writable, MIOpen
 * redirected to a fresh per-user folder) and the environment the model server's service needs is written to
 * <home>/model-server.env; the checks then run again so the report shows the state after the fixes.
 *
 * FAGPT_SYSFS_ROOT, when set, is prefixed to every /sys, /opt and /dev path, and the driver libraries are not
 * loaded: the fixture tree then describes the whole machine (tests use it for GPUs that are not there).
 */
#ifndef FAGPT_SYS_H
#define FAGPT_SYS_H

#include <stdint.h>

#include "core/core.h"

typedef enum { SYS_OK, SYS_INFO, SYS_WARN, SYS_ERROR } sys_severity;

typedef struct sys_finding {
    sys_severity severity;
    char *area;  /* "host", "gpu", "miopen", "server" */
    char *code;  /* stable identifier for monitoring, e.g. "miopen.db_readonly" */
    char *what;  /* what was found */
    char *why;   /* why it matters; NULL for SYS_OK */
    char *fix;   /* the exact fix (shell commands or a setting); NULL when none is needed */
} sys_finding;

typedef struct sys_gpu {
    char vendor[16];    /* "NVIDIA", "AMD", "Intel", "other" */
    char name[128];
    char source[8];     /* "cuda", "nvml", "kfd", "pci" */
    char gfx[16];       /* AMD: the detected gfx target, e.g. "gfx1031"; empty otherwise */
    char run_as[16];    /* AMD: the target ROCm uses after HSA_OVERRIDE_GFX_VERSION */
    char pci[16];       /* "10de:2335" vendor:device when known */
    uint64_t vram;      /* bytes, 0 when unknown */
    int compute_units;  /* AMD CUs or NVIDIA SMs; 0 when unknown */
    char driver[32];    /* driver version when known */
} sys_gpu;

typedef struct sys_model {
    char *name;
    uint64_t size, size_vram; /* size_vram only for loaded models */
} sys_model;
typedef VEC(sys_model) sys_model_list;

typedef struct sys_server {
    char kind[16];    /* "ollama", "openai" */
    char *url;
    bool configured;  /* set explicitly through the environment */
    bool reachable;
    char *version;    /* NULL when unknown */
    char *error;      /* why it could not be reached; NULL when reachable */
    sys_model_list models;  /* present */
    sys_model_list loaded;  /* loaded now (Ollama /api/ps) */
} sys_server;

typedef struct sys_dir {
    char *role;    /* "user_db" or "kernel_cache" */
    char *path;
    char *source;  /* the variable that chose it, or "default" */
} sys_dir;

typedef struct sys_report {
    char *cpu;
    int cores;
    uint64_t mem_total, mem_available;
    char *home;
    uint64_t disk_free, disk_total;
    char *sqlite_version, *mupdf_version, *rocm_version, *cuda_driver;
    VEC(sys_gpu) gpus;
    VEC(sys_dir) miopen_dirs;
    VEC(sys_server) servers;
    VEC(sys_finding) findings;
    VEC(char *) env;    /* NAME=value settings the model server's service needs (what --fix writes) */
    VEC(char *) fixes;  /* what --fix did, one sentence each */
    char *env_file;     /* the environment file --fix wrote, or NULL */
} sys_report;

typedef struct sys_options {
    const char *home;  /* the data folder (must exist) */
    bool fix;
    int timeout_ms;    /* per model-server request; 0 means 1500 */
} sys_options;

/* Runs every check (and with o->fix the fixes, then the checks again). Returns 0 when nothing needed is
 * broken, 1 when some finding is SYS_ERROR. */
int sys_doctor(const sys_options *o, sys_report *r);
void sys_report_free(sys_report *r);
/* The worst severity among the findings. */
sys_severity sys_worst(const sys_report *r);
const char *sys_severity_name(sys_severity s);
/*
 * The report as one JSON object, the stable --json contract (sizes in bytes, unknown values null):
 *   {"ok": bool, "worst": "ok"|"info"|"warning"|"error",
 *    "host": {"cpu", "cores", "mem_total", "mem_available", "home", "disk_free", "disk_total"},
 *    "versions": {"fagpt", "sqlite", "mupdf", "rocm", "cuda_driver"},
 *    "gpus": [{"vendor", "name", "source", "pci", "gfx", "run_as", "vram", "compute_units", "driver"}],
 *    "miopen": [{"role", "path", "source"}],
 *    "servers": [{"kind", "url", "configured", "reachable", "version", "error",
 *                 "models": [{"name", "size"}], "loaded": [{"name", "size", "size_vram"}]}],
 *    "findings": [{"severity", "area", "code", "what", "why", "fix"}],
 *    "model_server_env": ["NAME=value"], "fixes_applied": ["..."], "env_file": path}
 */
void sys_report_json(const sys_report *r, strbuf *out);

/* The parts, for tests and for other front ends. Each appends to r. */
void sys_check_host(const sys_options *o, sys_report *r);
void sys_check_gpus(sys_report *r);
void sys_check_miopen(const sys_options *o, sys_report *r);
void sys_check_servers(const sys_options *o, sys_report *r);
/* Running model servers (ollama, llama-server, vllm...): their own HSA_OVERRIDE_GFX_VERSION and MIOpen folder
 * against the ones checked here, from /proc/PID/environ. */
void sys_check_server_env(sys_report *r);

/* "gfx1031" from KFD's gfx_target_version (100301); false when v is 0 or out of range. */
bool sys_gfx_name(unsigned v, char out[16]);
/* HSA_OVERRIDE_GFX_VERSION "10.3.0" -> 100300; -1 when malformed. */
long sys_parse_gfx_override(const char *s);
/* The override value that makes ROCm's kernels run on this target ("10.3.0" for gfx1031), or NULL when the
 * target is supported as it is or has no known substitute. */
const char *sys_gfx_override_for(const char *gfx);
/* A path under FAGPT_SYSFS_ROOT (or the path itself); caller frees. */
char *sys_path(const char *abs);

#endif
