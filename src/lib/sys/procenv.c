/*
 * procenv.c - the running model server's own environment. A service usually runs as another user (ollama,
 * HOME=/usr/share/ollama) with its own HSA_OVERRIDE_GFX_VERSION and MIOpen folders, so what the doctor checked
 * in the caller's environment may not be what the server sees. Reads /proc/PID/environ of processes named like
 * model servers and says where they differ.
 */
#include "internal.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const server_names[] = {"ollama", "llama-server", "vllm", "text-generation", "lmstudio", NULL};

/* The value of name in a NUL-separated environment block, or NULL. */
static const char *env_get(const char *block, size_t n, const char *name)
{
    size_t nl = strlen(name);
    for (size_t i = 0; i < n; i += strlen(block + i) + 1)
        if (!strncmp(block + i, name, nl) && block[i + nl] == '=')
            return block + i + nl + 1;
    return NULL;
}

/* MIOpen's user database folder for an environment (HOME unset, empty or "/" means /tmp). */
static char *user_db_for(const char *db, const char *home)
{
    if (db)
        return xstrdup(db);
    if (!home || !*home || !strcmp(home, "/"))
        home = "/tmp";
    return xasprintf("%s/.config/miopen", home);
}

static bool same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

static void compare(sys_report *r, long pid, const char *comm, uid_t uid, const char *env, size_t n)
{
    const char *theirs = env_get(env, n, "HSA_OVERRIDE_GFX_VERSION"), *mine = getenv("HSA_OVERRIDE_GFX_VERSION");
    if (mine && !*mine)
        mine = NULL;
    bool amd = false;
    for (size_t i = 0; i < r->gpus.n; i++)
        amd |= !strcmp(r->gpus.v[i].vendor, "AMD");
    if (amd && !same(theirs, mine))
        sys_add(r, SYS_WARN, "server", "server.env_override_differs",
                xasprintf("%s (pid %ld) runs with HSA_OVERRIDE_GFX_VERSION=%s; this check used %s", comm, pid,
                          theirs ? theirs : "(unset)", mine ? mine : "(unset)"),
                xstrdup("the gpu findings above describe this shell's environment, not the model server's"),
                xasprintf("run the check with the server's value (HSA_OVERRIDE_GFX_VERSION=%s fagpt doctor), or "
                          "put the recommended value in its service (fagpt doctor --fix writes model-server.env)",
                          theirs ? theirs : ""));
    char *their_db = user_db_for(env_get(env, n, "MIOPEN_USER_DB_PATH"), env_get(env, n, "HOME"));
    const char *my_env = getenv("MIOPEN_USER_DB_PATH");
    char *my_db = user_db_for(my_env, getenv("HOME"));
    if (amd && strcmp(their_db, my_db))
        sys_add(r, SYS_WARN, "server", "server.env_miopen_differs",
                xasprintf("%s (pid %ld, uid %u) keeps MIOpen's user database in %s; this check looked at %s", comm,
                          pid, (unsigned)uid, their_db, my_db),
                xstrdup("the miopen findings above are about another folder than the one the model server uses"),
                xasprintf("check the server's folder as its user: sudo -u '#%u' env HOME='%s' fagpt doctor "
                          "--home /tmp/fagpt-doctor",
                          (unsigned)uid, env_get(env, n, "HOME") ? env_get(env, n, "HOME") : "/tmp"));
    else
        sys_add(r, SYS_INFO, "server", "server.process",
                xasprintf("%s runs as pid %ld (uid %u) with HSA_OVERRIDE_GFX_VERSION=%s", comm, pid, (unsigned)uid,
                          theirs ? theirs : "(unset)"),
                NULL, NULL);
    free(their_db);
    free(my_db);
}

void sys_check_server_env(sys_report *r)
{
    DIR *proc = opendir("/proc");
    if (!proc)
        return;
    pid_t self = getpid();
    VEC(char *) seen = {0}; /* one finding per server name: a server's worker processes share its environment */
    for (struct dirent *de; (de = readdir(proc));) {
        char *end;
        long pid = strtol(de->d_name, &end, 10);
        if (*end || pid <= 0 || pid == self)
            continue;
        char path[64];
        snprintf(path, sizeof path, "/proc/%ld/comm", pid);
        char *comm = sys_read(path, false);
        if (!comm)
            continue;
        fa_trim(comm);
        bool server = false;
        for (int i = 0; server_names[i] && !server; i++)
            server = !strncmp(comm, server_names[i], strlen(server_names[i]));
        for (size_t i = 0; i < seen.n && server; i++)
            server = strcmp(seen.v[i], comm) != 0;
        struct stat st;
        snprintf(path, sizeof path, "/proc/%ld", pid);
        if (server && stat(path, &st) == 0) {
            VEC_PUSH(seen, xstrdup(comm));
            snprintf(path, sizeof path, "/proc/%ld/environ", pid);
            size_t n = 0;
            char *env = fa_read_file(path, &n, NULL);
            if (env)
                compare(r, pid, comm, st.st_uid, env, n);
            else
                sys_add(r, SYS_INFO, "server", "server.process",
                        xasprintf("%s runs as pid %ld (uid %u); its environment is readable only by that user or "
                                  "root, so it was not compared", comm, pid, (unsigned)st.st_uid),
                        NULL, NULL);
            free(env);
        }
        free(comm);
    }
    closedir(proc);
    for (size_t i = 0; i < seen.n; i++)
        free(seen.v[i]);
    free(seen.v);
}
