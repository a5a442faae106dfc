/* doctor.c - runs the checks in order and, with --fix, applies the environment fixes and checks again. */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void run_checks(const sys_options *o, sys_report *r)
{
    sys_check_host(o, r);
    sys_check_gpus(r);
    sys_check_miopen(o, r);
    sys_check_servers(o, r);
    sys_check_server_env(r);
}

/* Variables the model server's service should keep when they are set already and nothing replaces them. */
static const char *const kept_vars[] = {"HSA_OVERRIDE_GFX_VERSION", "MIOPEN_USER_DB_PATH", "MIOPEN_CUSTOM_CACHE_DIR",
                                        "MIOPEN_DEBUG_DISABLE_SQL_WAL", NULL};

static bool recommended(const sys_report *r, const char *name)
{
    size_t nl = strlen(name);
    for (size_t i = 0; i < r->env.n; i++)
        if (!strncmp(r->env.v[i], name, nl) && r->env.v[i][nl] == '=')
            return true;
    return false;
}

/* A value as systemd's EnvironmentFile and a POSIX shell both read it. */
static void env_value(strbuf *b, const char *v)
{
    if (v[strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._-:+,@%")] == 0 && *v) {
        sb_add(b, v);
        return;
    }
    sb_addc(b, '"');
    for (; *v; v++) {
        if (strchr("\"\\$`", *v))
            sb_addc(b, '\\');
        sb_addc(b, *v);
    }
    sb_addc(b, '"');
}

/* Creates the folders the recommended variables name, writes <home>/model-server.env and sets the variables in
 * this process so that the second round of checks sees what the model server will see. */
static void apply_env(const sys_options *o, sys_report *r)
{
    strbuf b = {0};
    sb_add(&b, "# Environment for the model server's service (Ollama, or whatever runs the models), written by\n"
               "# `fagpt doctor --fix`. systemd: `sudo systemctl edit ollama`, add under [Service]\n"
               "#   EnvironmentFile=");
    char *path = xasprintf("%s/model-server.env", o->home);
    sb_add(&b, path);
    sb_add(&b, "\n# then `sudo systemctl restart ollama`. A shell: set -a; . ");
    sb_add(&b, path);
    sb_add(&b, "; set +a\n");
    for (size_t i = 0; i < r->env.n; i++) {
        char *eq = strchr(r->env.v[i], '=');
        char *name = xstrndup(r->env.v[i], (size_t)(eq - r->env.v[i]));
        const char *value = eq + 1;
        if (!strcmp(name, "MIOPEN_USER_DB_PATH") || !strcmp(name, "MIOPEN_CUSTOM_CACHE_DIR") ||
            !strcmp(name, "TMPDIR")) {
            fa_err e;
            if (fa_mkdirs(value, &e) == 0) {
                chmod(value, !strcmp(name, "TMPDIR") ? 0700 : 0755);
                VEC_PUSH(r->fixes, xasprintf("created %s for %s", value, name));
            } else {
                VEC_PUSH(r->fixes, xasprintf("could not create %s for %s: %s", value, name, e.msg));
            }
        }
        setenv(name, value, 1);
        sb_add(&b, name);
        sb_addc(&b, '=');
        env_value(&b, value);
        sb_addc(&b, '\n');
        free(name);
    }
    for (int i = 0; kept_vars[i]; i++) {
        const char *v = getenv(kept_vars[i]);
        if (v && *v && !recommended(r, kept_vars[i])) {
            sb_addf(&b, "%s=", kept_vars[i]);
            env_value(&b, v);
            sb_addc(&b, '\n');
        }
    }
    FILE *f = fopen(path, "w");
    if (f && fwrite(b.s, 1, b.len, f) == b.len && fclose(f) == 0) {
        r->env_file = xstrdup(path);
        VEC_PUSH(r->fixes, xasprintf("wrote %s (%zu setting(s)) for the model server's service", path, r->env.n));
    } else {
        if (f)
            fclose(f);
        VEC_PUSH(r->fixes, xasprintf("could not write %s: %s", path, strerror(errno)));
    }
    free(path);
    sb_free(&b);
}

int sys_doctor(const sys_options *o, sys_report *r)
{
    memset(r, 0, sizeof *r);
    run_checks(o, r);
    if (o->fix) {
        apply_env(o, r);
        sys_report after;
        memset(&after, 0, sizeof after);
        sys_options again = *o;
        again.fix = false;
        run_checks(&again, &after);
        /* The report shows the state after the fixes, what was done, and the environment that was written. */
        after.fixes = r->fixes;
        after.env_file = r->env_file;
        for (size_t i = 0; i < after.env.n; i++)
            free(after.env.v[i]);
        free(after.env.v);
        after.env = r->env;
        r->fixes.v = NULL;
        r->fixes.n = r->fixes.cap = 0;
        r->env.v = NULL;
        r->env.n = r->env.cap = 0;
        r->env_file = NULL;
        sys_report_free(r);
        *r = after;
    }
    return sys_worst(r) == SYS_ERROR ? 1 : 0;
}
