/* host.c - CPU, memory, the data folder (space, writability, SQLite on it) and library versions. */
#include "internal.h"

#include <errno.h>
#include <mupdf/fitz/version.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>


bool sys_fixture(void)
{
    const char *root = getenv("FAGPT_SYSFS_ROOT");
    return root && *root;
}

char *sys_path(const char *abs)
{
    const char *root = getenv("FAGPT_SYSFS_ROOT");
    if (root && *root && abs[0] == '/')
        return xasprintf("%s%s", root, abs);
    return xstrdup(abs);
}

char *sys_read(const char *abs, bool fixture)
{
    char *p = fixture ? sys_path(abs) : xstrdup(abs);
    size_t n;
    char *s = fa_read_file(p, &n, NULL);
    free(p);
    if (s && strlen(s) != n) { /* a NUL inside: not the text file we expect */
        free(s);
        return NULL;
    }
    return s;
}

static uint64_t meminfo_kib(const char *text, const char *key)
{
    const char *p = text ? strstr(text, key) : NULL;
    return p ? strtoull(p + strlen(key), NULL, 10) * 1024 : 0;
}

static void check_cpu_memory(sys_report *r)
{
    char *info = sys_read("/proc/cpuinfo", false);
    const char *m = info ? strstr(info, "model name") : NULL;
    if (m && (m = strchr(m, ':'))) {
        char *cpu = xstrndup(m + 1, strcspn(m + 1, "\n"));
        r->cpu = xstrdup(fa_trim(cpu));
        free(cpu);
    }
    bool avx2 = info && strstr(info, " avx2");
    free(info);
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    r->cores = n > 0 ? (int)n : 1;
    char *mem = sys_read("/proc/meminfo", false);
    r->mem_total = meminfo_kib(mem, "MemTotal:");
    r->mem_available = meminfo_kib(mem, "MemAvailable:");
    free(mem);
    char t[32], a[32];
    sys_add(r, SYS_OK, "host", "host.cpu",
            xasprintf("%s, %d cores%s; %s memory, %s available", r->cpu ? r->cpu : "unknown CPU", r->cores,
                      avx2 ? ", AVX2" : "", sys_human_size(r->mem_total, t), sys_human_size(r->mem_available, a)),
            NULL, NULL);
    if (r->mem_total && r->mem_total < (4ull << 30))
        sys_add(r, SYS_WARN, "host", "host.memory_low",
                xasprintf("only %s of memory", sys_human_size(r->mem_total, t)),
                xstrdup("a model server on the CPU needs the whole model in memory; 7-8B models need about 5 GiB"),
                xstrdup("use a smaller model (e.g. a 1-3B one) or a machine with more memory"));
}

/* Creates, writes and deletes a small SQLite database in the data folder: the store needs exactly that. */
static int sqlite_probe(const char *dir, char **why)
{
    char *path = xasprintf("%s/.fagpt-doctor-%ld.db", dir, (long)getpid());
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "PRAGMA journal_mode=WAL; BEGIN IMMEDIATE; CREATE TABLE probe(x); "
                              "INSERT INTO probe VALUES (1); COMMIT;", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        *why = xstrdup(db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close(db);
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < 4; i++) {
        char *p = xasprintf("%s%s", path, suffixes[i]);
        unlink(p);
        free(p);
    }
    free(path);
    return rc == SQLITE_OK ? 0 : -1;
}

static void check_home(const sys_options *o, sys_report *r)
{
    r->home = xstrdup(o->home);
    struct statvfs v;
    char a[32], t[32];
    if (statvfs(o->home, &v) != 0) {
        sys_add(r, SYS_ERROR, "host", "host.home_missing",
                xasprintf("the data folder %s cannot be examined: %s", o->home, strerror(errno)),
                xstrdup("FA-GPT keeps its library, index and settings there"),
                xasprintf("mkdir -p '%s' (or choose another with --home DIR or FAGPT_HOME)", o->home));
        return;
    }
    r->disk_free = (uint64_t)v.f_bavail * v.f_frsize;
    r->disk_total = (uint64_t)v.f_blocks * v.f_frsize;
    sys_severity s = r->disk_free < (512ull << 20) ? SYS_ERROR : r->disk_free < (5ull << 30) ? SYS_WARN : SYS_OK;
    sys_add(r, s, "host", s == SYS_OK ? "host.disk" : "host.disk_low",
            xasprintf("data folder %s: %s free of %s", o->home, sys_human_size(r->disk_free, a),
                      sys_human_size(r->disk_total, t)),
            s == SYS_OK ? NULL : xstrdup("ingesting PDFs writes page images, text and an index of several "
                                         "times the PDFs' size; SQLite fails when the disk fills"),
            s == SYS_OK ? NULL : xasprintf("free space on the filesystem of %s, or move the data folder "
                                           "(--home DIR or FAGPT_HOME)", o->home));
    sys_fs fs;
    sys_fs_probe(o->home, &fs);
    char *why = NULL;
    if (fs.readonly || sys_try_create(o->home) != 0) {
        sys_add(r, SYS_ERROR, "host", "host.home_readonly",
                xasprintf("the data folder %s is not writable%s", o->home,
                          fs.readonly ? " (read-only filesystem)" : ""),
                xstrdup("documents cannot be added and the index cannot be updated"),
                xasprintf("chown -R \"$(id -un)\" '%s' && chmod u+rwx '%s' (or use --home DIR)", o->home, o->home));
    } else if (sqlite_probe(o->home, &why) != 0) {
        sys_add(r, SYS_ERROR, "host", "host.home_sqlite",
                xasprintf("SQLite cannot write a database in %s: %s", o->home, why),
                xstrdup("the document store is a SQLite database in the data folder"),
                xasprintf("move the data folder to a local disk: --home DIR or FAGPT_HOME=DIR%s",
                          fs.network ? " (network filesystems break SQLite's locking)" : ""));
    } else if (fs.network) {
        sys_add(r, SYS_WARN, "host", "host.home_network",
                xasprintf("the data folder %s is on a network filesystem (%s)", o->home, fs.network),
                xstrdup("SQLite's locking is unreliable there; two machines using it at once can corrupt the index"),
                xstrdup("keep the data folder on a local disk (--home DIR or FAGPT_HOME), or use PostgreSQL"));
    }
    free(why);
}

static void check_versions(sys_report *r)
{
    r->sqlite_version = xstrdup(sqlite3_libversion());
    r->mupdf_version = xstrdup(FZ_VERSION);
    sys_add(r, SYS_OK, "host", "host.versions",
            xasprintf("fagpt %s, SQLite %s, MuPDF %s", FAGPT_VERSION, r->sqlite_version, r->mupdf_version), NULL,
            NULL);
    if (sqlite3_libversion_number() < 3035000)
        sys_add(r, SYS_WARN, "host", "host.sqlite_old",
                xasprintf("SQLite %s is older than 3.35", r->sqlite_version),
                xstrdup("FA-GPT's store relies on features of SQLite 3.35 and later"),
                xstrdup("upgrade libsqlite3 (apt-get install libsqlite3-0)"));
}

void sys_check_host(const sys_options *o, sys_report *r)
{
    check_cpu_memory(r);
    check_home(o, r);
    check_versions(r);
}
