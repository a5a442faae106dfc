/*
 * miopen.c - the MIOpen "attempt to write a readonly database" failure, diagnosed before a model server hits it.
 *
 * MIOpen (AMD's deep-learning kernels, used by ROCm builds of PyTorch and by model servers) keeps a per-user
 * database of tuned kernel settings (*.udb in SQLite or *.udb.txt, and *.ufdb.txt) and a SQLite cache of
 * compiled kernels (*.ukdb), and takes lock files in $TMPDIR/miopen-lockfiles before touching them. When any of
 * these cannot be written it fails with miopenStatusInternalError. The folders are resolved here as MIOpen resolves them:
 *   user database  MIOPEN_USER_DB_PATH, else ~/.config/miopen/ (the temp folder when that is on a network mount)
 *   kernel cache   MIOPEN_CUSTOM_CACHE_DIR, else ~/.cache/miopen/<version>/ (likewise)
 *   "~"            $HOME, or /tmp when HOME is unset, empty or "/"
 *   temp folder    $TMPDIR, $TMP, $TEMP, $TEMPDIR, else /tmp (boost's temp_directory_path)
 *   system kdb     MIOPEN_SYSTEM_DB_PATH, else /opt/rocm/share/miopen/db
 */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { USER_DB, KERNEL_CACHE };
static const char *const role_names[] = {"user_db", "kernel_cache"};
static const char *const role_vars[] = {"MIOPEN_USER_DB_PATH", "MIOPEN_CUSTOM_CACHE_DIR"};

struct held {
    char *path, real[4096];
    int role, count;
    strbuf who;
};

typedef struct mctx {
    const sys_options *o;
    sys_report *r;
    sys_severity bad;     /* SYS_ERROR with an AMD GPU, SYS_WARN without */
    char *tmp;            /* MIOpen's temp folder */
    bool redirect[2];     /* this role needs a fresh folder */
    bool tmpdir;          /* the lock folder needs a fresh temp folder */
    VEC(char *) names;    /* database file names seen, to match lock files */
    VEC(struct held) held; /* database files whose holders one /proc scan looks up */
} mctx;

static char *expand_user(const char *p)
{
    const char *home = getenv("HOME");
    if (!home || !*home || !strcmp(home, "/"))
        home = "/tmp";
    strbuf b = {0};
    for (; *p; p++)
        if (*p == '~')
            sb_add(&b, home);
        else
            sb_addc(&b, *p);
    return sb_take(&b);
}

static char *temp_dir(void)
{
    const char *vars[] = {"TMPDIR", "TMP", "TEMP", "TEMPDIR"};
    for (size_t i = 0; i < 4; i++) {
        const char *v = getenv(vars[i]);
        if (v && *v)
            return xstrdup(v);
    }
    return xstrdup("/tmp");
}

static const char *user_name(void)
{
    struct passwd *pw = getpwuid(geteuid());
    const char *u = pw ? pw->pw_name : getenv("USER");
    return u && *u ? u : "user";
}

/* The fresh per-user folder that --fix points MIOpen at: the first candidate that can be created locally. */
static char *fresh_base(const mctx *m)
{
    const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    char *cands[3] = {
        xdg && *xdg ? xasprintf("%s/miopen-%s", xdg, user_name())
                    : xasprintf("%s/.cache/miopen-%s", home && *home ? home : "/tmp", user_name()),
        xasprintf("%s/miopen", m->o->home), xasprintf("%s/miopen-%s", m->tmp, user_name())};
    char *pick = NULL;
    for (int i = 0; i < 3; i++) {
        sys_fs fs;
        sys_fs_probe(cands[i], &fs);
        char *anc = sys_existing_ancestor(cands[i]);
        struct stat st;
        bool ok_dir = !fs.exists || (stat(cands[i], &st) == 0 && S_ISDIR(st.st_mode));
        if (!pick && ok_dir && !fs.readonly && !fs.network && sys_try_create(anc) == 0)
            pick = cands[i];
        else
            free(cands[i]);
        free(anc);
    }
    return pick ? pick : xasprintf("%s/miopen", m->o->home);
}

static char *fresh_dir(const mctx *m, int role)
{
    char *base = fresh_base(m);
    if (role == USER_DB)
        return base;
    char *p = xasprintf("%s/kernels", base);
    free(base);
    return p;
}

static char *redirect_fix(const mctx *m, int role, const char *also)
{
    char *to = fresh_dir(m, role);
    char *fix = xasprintf("%s%smkdir -p '%s' && export %s='%s' in the model server's environment "
                          "(fagpt doctor --fix does this and writes model-server.env)",
                          also ? also : "", also ? "; or " : "", to, role_vars[role], to);
    free(to);
    return fix;
}

static void fixed(sys_report *r, char *what)
{
    VEC_PUSH(r->fixes, what);
}

/* One pass over /proc/PID/fd: for each file in h, the other processes that have it open ("1234 (ollama)").
 * Other users' processes are visible only to root. */
static void scan_holders(struct held *h, size_t n)
{
    DIR *proc = opendir("/proc");
    if (!proc)
        return;
    pid_t self = getpid();
    bool *hit = xcalloc(n ? n : 1, sizeof *hit);
    for (struct dirent *de; (de = readdir(proc));) {
        char *end;
        long pid = strtol(de->d_name, &end, 10);
        if (*end || pid <= 0 || pid == self)
            continue;
        char fdp[64];
        snprintf(fdp, sizeof fdp, "/proc/%ld/fd", pid);
        DIR *fds = opendir(fdp);
        if (!fds)
            continue;
        memset(hit, 0, n * sizeof *hit);
        for (struct dirent *f; (f = readdir(fds));) {
            char lp[384], target[4096];
            snprintf(lp, sizeof lp, "%s/%s", fdp, f->d_name);
            ssize_t len = readlink(lp, target, sizeof target - 1);
            if (len <= 0)
                continue;
            target[len] = 0;
            for (size_t i = 0; i < n; i++)
                hit[i] |= !strcmp(target, h[i].real);
        }
        closedir(fds);
        char cp[64];
        snprintf(cp, sizeof cp, "/proc/%ld/comm", pid);
        char *comm = NULL;
        for (size_t i = 0; i < n; i++) {
            if (!hit[i])
                continue;
            if (!comm)
                comm = sys_read(cp, false);
            sb_addf(&h[i].who, "%s%ld (%s)", h[i].who.len ? ", " : "", pid, comm ? fa_trim(comm) : "?");
            h[i].count++;
        }
        free(comm);
    }
    free(hit);
    closedir(proc);
}

static void add_held(mctx *m, int role, const char *path)
{
    struct held h = {.path = xstrdup(path), .role = role};
    if (realpath(path, h.real))
        VEC_PUSH(m->held, h);
    else
        free(h.path);
}

static void check_holders(mctx *m)
{
    scan_holders(m->held.v, m->held.n);
    for (size_t i = 0; i < m->held.n; i++) {
        struct held *h = &m->held.v[i];
        if (h->count > 1)
            sys_add(m->r, SYS_WARN, "miopen", "miopen.shared",
                    xasprintf("%s is open in %d processes: %s", h->path, h->count, h->who.s),
                    xstrdup("processes sharing one MIOpen database contend for its lock; with different users "
                            "they leave files the others cannot write"),
                    xasprintf("one cache folder per process: export %s=<own folder> for each", role_vars[h->role]));
        else if (h->count == 1)
            sys_add(m->r, SYS_INFO, "miopen", "miopen.held", xasprintf("%s is open in %s", h->path, h->who.s),
                    NULL, NULL);
        free(h->path);
        sb_free(&h->who);
    }
    free(m->held.v);
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

/* The owner can fix permission bits in place; anyone else needs a fresh folder. */
static bool mine(const struct stat *st)
{
    return st->st_uid == geteuid();
}

static int probe_sqlite(const char *path, int *sqlite_rc, char **msg)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
    *msg = NULL;
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(db, 250);
        if (sqlite3_db_readonly(db, "main") == 1) {
            rc = SQLITE_READONLY;
            *msg = xstrdup("SQLite opened it read-only");
        } else {
            rc = sqlite3_exec(db, "BEGIN IMMEDIATE; CREATE TABLE fagpt_doctor_probe(x); ROLLBACK;", NULL, NULL, NULL);
            if (rc != SQLITE_OK) {
                *msg = xstrdup(sqlite3_errmsg(db));
                sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            }
        }
    } else {
        *msg = xstrdup(db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    }
    sqlite3_close(db);
    *sqlite_rc = rc & 0xff;
    return rc == SQLITE_OK ? 0 : -1;
}

/* A -wal or -shm file that exists but cannot be written makes SQLite open the database read-only. */
static bool check_sidecar(mctx *m, int role, const char *db, const char *suffix)
{
    char *p = xasprintf("%s%s", db, suffix);
    struct stat st;
    bool ok = true;
    if (stat(p, &st) == 0) {
        int fd = open(p, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC), err = fd < 0 ? errno : 0;
        if (fd >= 0) {
            close(fd);
        } else if (m->o->fix && mine(&st) && chmod(p, st.st_mode | S_IRUSR | S_IWUSR) == 0) {
            fixed(m->r, xasprintf("made %s writable (chmod u+rw)", p));
        } else {
            ok = false;
            if (!mine(&st))
                m->redirect[role] = true;
            char *rm = xasprintf("sudo rm -f '%s' while no model server runs", p);
            sys_add(m->r, m->bad, "miopen", "miopen.sidecar_readonly",
                    xasprintf("%s exists and cannot be written by you (owner uid %u, mode %03o): %s", p,
                              (unsigned)st.st_uid, (unsigned)(st.st_mode & 0777), strerror(err)),
                    xstrdup("SQLite then treats the database as read-only and MIOpen fails with \"attempt to "
                            "write a readonly database\" (miopenStatusInternalError)"),
                    mine(&st) ? xasprintf("chmod u+rw '%s'", p) : redirect_fix(m, role, rm));
            free(rm);
        }
    }
    free(p);
    return ok;
}

static void check_sqlite_file(mctx *m, int role, const char *path)
{
    bool wal = check_sidecar(m, role, path, "-wal"), shm = check_sidecar(m, role, path, "-shm");
    if (!wal || !shm)
        return;
    int rc;
    char *msg;
    if (probe_sqlite(path, &rc, &msg) == 0)
        return;
    struct held h = {.path = (char *)path};
    if (realpath(path, h.real))
        scan_holders(&h, 1);
    if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
        sys_add(m->r, SYS_WARN, "miopen", "miopen.db_busy",
                xasprintf("%s is locked for writing by another process%s%s", path, h.count ? ": " : "",
                          h.count ? h.who.s : ""),
                xstrdup("MIOpen waits for the lock, and processes that share one cache slow each other down"),
                xasprintf("give each model server process its own cache folder: export %s=<folder per process>",
                          role_vars[role]));
    } else if (rc == SQLITE_NOTADB || rc == SQLITE_CORRUPT) {
        char *aside = xasprintf("%s.corrupt", path);
        if (m->o->fix && rename(path, aside) == 0) {
            fixed(m->r, xasprintf("moved the damaged cache %s aside to %s (MIOpen rebuilds it)", path, aside));
        } else {
            sys_add(m->r, m->bad, "miopen", "miopen.db_corrupt", xasprintf("%s is damaged: %s", path, msg),
                    xstrdup("MIOpen cannot read or add kernels and fails with miopenStatusInternalError"),
                    xasprintf("mv '%s' '%s' (it is a cache; MIOpen rebuilds it)", path, aside));
        }
        free(aside);
    } else {
        /* READONLY, CANTOPEN, PERM, IOERR: the readonly-database failure itself. */
        m->redirect[role] = true;
        sys_add(m->r, m->bad, "miopen", "miopen.db_readonly", xasprintf("SQLite cannot write %s: %s", path, msg),
                xstrdup("this is MIOpen's \"attempt to write a readonly database\" failure: the model server "
                        "stops with miopenStatusInternalError when it compiles or tunes a kernel"),
                redirect_fix(m, role, NULL));
    }
    sb_free(&h.who);
    free(msg);
}

static void check_file(mctx *m, int role, const char *dir, const char *name)
{
    char *p = xasprintf("%s/%s", dir, name);
    /* MIOpen's files are named after the target ("gfx1030_20.ukdb"); others (in the temp folder) are not ours. */
    bool named = !strncmp(name, "gfx", 3) || !strncmp(name, "miopen", 6);
    /* SQLite: .udb (tuning results), .ukdb (compiled kernels), .db; text: .udb.txt, .ufdb.txt, .fdb.txt */
    bool sqlite = named && (ends_with(name, ".db") || ends_with(name, ".udb") || ends_with(name, ".ukdb"));
    bool text = named && (ends_with(name, ".udb.txt") || ends_with(name, ".ufdb.txt") || ends_with(name, ".fdb.txt"));
    struct stat st;
    if ((!sqlite && !text) || stat(p, &st) != 0 || !S_ISREG(st.st_mode)) {
        free(p);
        return;
    }
    VEC_PUSH(m->names, xstrdup(name));
    int fd = open(p, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    int err = fd < 0 ? errno : 0;
    if (fd >= 0)
        close(fd);
    if (err && m->o->fix && mine(&st) && err == EACCES && chmod(p, st.st_mode | S_IRUSR | S_IWUSR) == 0) {
        fixed(m->r, xasprintf("made %s writable (chmod u+rw)", p));
        err = 0;
    }
    if (err) {
        if (!mine(&st) || err != EACCES)
            m->redirect[role] = true;
        char *inplace = xasprintf("chmod u+rw '%s'", p);
        sys_add(m->r, m->bad, "miopen", "miopen.file_readonly",
                xasprintf("%s cannot be opened for writing (owner uid %u, mode %03o): %s", p, (unsigned)st.st_uid,
                          (unsigned)(st.st_mode & 0777), strerror(err)),
                xstrdup("MIOpen writes tuning results and compiled kernels there and fails with "
                        "miopenStatusInternalError (\"attempt to write a readonly database\" for .ukdb files)"),
                mine(&st) && err == EACCES ? inplace : redirect_fix(m, role, NULL));
        if (!(mine(&st) && err == EACCES))
            free(inplace);
    } else if (sqlite) {
        check_sqlite_file(m, role, p);
    }
    if (!err)
        add_held(m, role, p);
    free(p);
}

/* Checks one folder and its files; cache folders also have one level of version subfolders. */
static void check_dir(mctx *m, int role, const char *path, bool descend)
{
    struct stat st;
    sys_fs fs;
    sys_fs_probe(path, &fs);
    if (!fs.exists) {
        char *anc = sys_existing_ancestor(path);
        int err = fs.readonly ? EROFS : sys_try_create(anc);
        if (!err && m->o->fix && fa_mkdirs(path, NULL) == 0) {
            fixed(m->r, xasprintf("created %s", path));
        } else if (!err) {
            sys_add(m->r, SYS_INFO, "miopen", "miopen.dir_missing",
                    xasprintf("%s (%s) does not exist yet; MIOpen creates it", path, role_names[role]), NULL,
                    xasprintf("mkdir -p '%s'", path));
        } else {
            m->redirect[role] = true;
            sys_add(m->r, m->bad, "miopen", "miopen.dir_uncreatable",
                    xasprintf("%s (%s) does not exist and cannot be created: %s is not writable (%s)", path,
                              role_names[role], anc, strerror(err)),
                    xstrdup("MIOpen cannot store its database there and fails with miopenStatusInternalError"),
                    redirect_fix(m, role, NULL));
        }
        free(anc);
        return;
    }
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        m->redirect[role] = true;
        sys_add(m->r, m->bad, "miopen", "miopen.not_a_dir", xasprintf("%s is not a folder", path),
                xstrdup("MIOpen expects a folder there and fails with miopenStatusInternalError"),
                redirect_fix(m, role, NULL));
        return;
    }
    if (fs.readonly) {
        m->redirect[role] = true;
        sys_add(m->r, m->bad, "miopen", "miopen.fs_readonly",
                xasprintf("%s (%s) is on a read-only filesystem", path, role_names[role]),
                xstrdup("every write to MIOpen's database fails: \"attempt to write a readonly database\", "
                        "miopenStatusInternalError"),
                redirect_fix(m, role, NULL));
    } else if (fs.network) {
        m->redirect[role] = true;
        sys_recommend(m->r, "MIOPEN_DEBUG_DISABLE_SQL_WAL", "1");
        sys_add(m->r, SYS_WARN, "miopen", "miopen.fs_network",
                xasprintf("%s (%s) is on a network filesystem (%s)", path, role_names[role], fs.network),
                xstrdup("SQLite's locks and WAL shared memory do not work reliably there; the kernel cache can "
                        "report a readonly or locked database"),
                redirect_fix(m, role, "export MIOPEN_DEBUG_DISABLE_SQL_WAL=1"));
    }
    int err = fs.readonly ? EROFS : sys_try_create(path);
    if (err && err == EACCES && mine(&st) && m->o->fix && chmod(path, st.st_mode | S_IRWXU) == 0) {
        fixed(m->r, xasprintf("made %s writable (chmod u+rwx)", path));
        err = sys_try_create(path);
    }
    if (err && !fs.readonly) {
        bool inplace = err == EACCES && mine(&st);
        if (!inplace)
            m->redirect[role] = true;
        char *user_fix = xasprintf("sudo chown -R \"$(id -un)\" '%s'", path);
        sys_add(m->r, m->bad, "miopen", "miopen.dir_readonly",
                xasprintf("you cannot create files in %s (%s; owner uid %u, mode %03o): %s", path, role_names[role],
                          (unsigned)st.st_uid, (unsigned)(st.st_mode & 0777), strerror(err)),
                xstrdup("SQLite cannot create the -journal, -wal and -shm files next to the database, so MIOpen "
                        "fails with \"attempt to write a readonly database\""),
                inplace ? xasprintf("chmod u+rwx '%s'", path) : redirect_fix(m, role, user_fix));
        free(user_fix);
    }
    DIR *d = opendir(path);
    if (!d) {
        if (!err)
            sys_add(m->r, m->bad, "miopen", "miopen.dir_unreadable",
                    xasprintf("cannot list %s: %s", path, strerror(errno)),
                    xstrdup("MIOpen cannot find its databases there"), redirect_fix(m, role, NULL));
        return;
    }
    VEC(char *) names = {0};
    for (struct dirent *de; (de = readdir(d));)
        if (de->d_name[0] != '.')
            VEC_PUSH(names, xstrdup(de->d_name));
    closedir(d);
    for (size_t i = 0; i < names.n; i++) {
        char *sub = xasprintf("%s/%s", path, names.v[i]);
        if (descend && stat(sub, &st) == 0 && S_ISDIR(st.st_mode))
            check_dir(m, role, sub, false);
        else
            check_file(m, role, path, names.v[i]);
        free(sub);
        free(names.v[i]);
    }
    free(names.v);
}

/* Lock files MIOpen left in $TMPDIR/miopen-lockfiles that this user cannot open: "<md5>_<db name>.lock". */
static void check_locks(mctx *m)
{
    char *dir = xasprintf("%s/miopen-lockfiles", m->tmp);
    struct stat st;
    if (stat(dir, &st) != 0) {
        free(dir);
        return;
    }
    if (sys_try_create(dir) != 0) {
        m->tmpdir = true;
        sys_add(m->r, m->bad, "miopen", "miopen.lockdir_readonly",
                xasprintf("MIOpen's lock folder %s is not writable by you (owner uid %u, mode %03o)", dir,
                          (unsigned)st.st_uid, (unsigned)(st.st_mode & 0777)),
                xstrdup("MIOpen creates a lock file there before it touches a database and throws \"Error "
                        "creating file ... for locking\" (miopenStatusInternalError)"),
                xasprintf("sudo chmod 1777 '%s', or give the model server its own temp folder: export "
                          "TMPDIR=<folder> (fagpt doctor --fix does this)", dir));
    }
    DIR *d = opendir(dir);
    for (struct dirent *de; d && (de = readdir(d));) {
        const char *us = strchr(de->d_name, '_');
        if (!us || !ends_with(de->d_name, ".lock"))
            continue;
        bool ours = false;
        for (size_t i = 0; i < m->names.n && !ours; i++) {
            size_t nl = strlen(m->names.v[i]);
            ours = strlen(us + 1) == nl + 5 && !strncmp(us + 1, m->names.v[i], nl);
        }
        char *p = xasprintf("%s/%s", dir, de->d_name);
        int fd = ours ? open(p, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC) : -2;
        if (fd >= 0)
            close(fd);
        if (fd == -1 && stat(p, &st) == 0) {
            bool own = mine(&st);
            if (own && m->o->fix && chmod(p, 0666) == 0) {
                fixed(m->r, xasprintf("made the lock file %s writable (chmod 666, as MIOpen creates them)", p));
            } else {
                if (!own)
                    m->tmpdir = true;
                sys_add(m->r, m->bad, "miopen", "miopen.stale_lock",
                        xasprintf("stale MIOpen lock file %s (owner uid %u, mode %03o) cannot be opened by you", p,
                                  (unsigned)st.st_uid, (unsigned)(st.st_mode & 0777)),
                        xstrdup("MIOpen opens this lock before it touches the database and fails with \"Error "
                                "creating file ... for locking\" (miopenStatusInternalError)"),
                        own ? xasprintf("chmod 666 '%s'", p)
                            : xasprintf("sudo rm -f '%s', or give the model server its own temp folder: export "
                                        "TMPDIR=<folder> (fagpt doctor --fix does this)", p));
            }
        }
        free(p);
    }
    if (d)
        closedir(d);
    free(dir);
}

/* The system kernel database: without one for this target MIOpen compiles every kernel on first use. */
static void check_kdb(mctx *m)
{
    const char *sysdb = getenv("MIOPEN_SYSTEM_DB_PATH");
    char *dir = sysdb && *sysdb ? xstrdup(sysdb) : sys_path("/opt/rocm/share/miopen/db");
    for (size_t i = 0; i < m->r->gpus.n; i++) {
        const sys_gpu *g = &m->r->gpus.v[i];
        if (strcmp(g->source, "kfd") || !strncmp(g->run_as, "unknown", 7))
            continue;
        DIR *d = opendir(dir);
        bool found = false;
        size_t gl = strlen(g->run_as);
        for (struct dirent *de; d && !found && (de = readdir(d));)
            found = !strncmp(de->d_name, g->run_as, gl) && (de->d_name[gl] == '_' || de->d_name[gl] == '.') &&
                    ends_with(de->d_name, ".kdb");
        if (d)
            closedir(d);
        if (!found)
            sys_add(m->r, SYS_WARN, "miopen", "miopen.kdb_missing",
                    xasprintf("no precompiled kernel database %s_*.kdb for %s in %s", g->run_as, g->name, dir),
                    xstrdup("only a performance warning: MIOpen compiles each kernel the first time it is needed "
                            "(minutes on first use) and keeps it in the user kernel cache (.ukdb)"),
                    xasprintf("install ROCm's kernel package for this target (apt-get install "
                              "miopen-hip-%skdb), or let the first runs fill the cache", g->run_as));
    }
    free(dir);
}

void sys_check_miopen(const sys_options *o, sys_report *r)
{
    mctx m = {.o = o, .r = r, .bad = SYS_WARN, .tmp = temp_dir()};
    bool amd = false;
    for (size_t i = 0; i < r->gpus.n; i++)
        amd |= !strcmp(r->gpus.v[i].vendor, "AMD");
    if (amd)
        m.bad = SYS_ERROR;
    if (getenv("MIOPEN_DISABLE_CACHE") && !strcmp(getenv("MIOPEN_DISABLE_CACHE"), "1"))
        sys_add(r, SYS_INFO, "miopen", "miopen.cache_disabled",
                xstrdup("MIOPEN_DISABLE_CACHE=1: MIOpen recompiles kernels in every process"), NULL, NULL);
    for (int role = USER_DB; role <= KERNEL_CACHE; role++) {
        const char *env = getenv(role_vars[role]);
        char *path, *source;
        bool set = role == USER_DB ? env != NULL : env && *env;
        if (set) {
            path = *env ? expand_user(env) : xstrdup("."); /* MIOpen then uses the current folder */
            source = xstrdup(role_vars[role]);
        } else {
            path = expand_user(role == USER_DB ? "~/.config/miopen" : "~/.cache/miopen");
            source = xstrdup("default");
            sys_fs fs;
            sys_fs_probe(path, &fs);
            if (fs.network) {
                sys_add(r, SYS_INFO, "miopen", "miopen.network_home",
                        xasprintf("%s is on a network filesystem (%s): MIOpen uses %s instead, and its database "
                                  "does not survive a reboot", path, fs.network, m.tmp),
                        NULL, redirect_fix(&m, role, NULL));
                free(path);
                path = xstrdup(m.tmp);
                free(source);
                source = xstrdup("default (network home: temp folder)");
            }
        }
        struct stat st;
        if (!amd && !set && stat(path, &st) != 0) {
            free(path);
            free(source);
            continue;
        }
        sys_dir d = {xstrdup(role_names[role]), xstrdup(path), source};
        VEC_PUSH(r->miopen_dirs, d);
        size_t before = r->findings.n, files = m.names.n;
        bool bad = false;
        check_dir(&m, role, path, role == KERNEL_CACHE && !set);
        for (size_t i = before; i < r->findings.n; i++)
            bad |= r->findings.v[i].severity >= SYS_WARN;
        if (!bad && stat(path, &st) == 0)
            sys_add(r, SYS_OK, "miopen", "miopen.dir_ok",
                    xasprintf("%s %s: writable, %zu database file(s) checked", role_names[role], path,
                              m.names.n - files),
                    NULL, NULL);
        free(path);
    }
    check_holders(&m);
    check_locks(&m);
    if (amd)
        check_kdb(&m);
    for (int role = USER_DB; role <= KERNEL_CACHE; role++)
        if (m.redirect[role]) {
            char *to = fresh_dir(&m, role);
            sys_recommend(r, role_vars[role], to);
            free(to);
        }
    if (m.tmpdir) {
        char *base = fresh_base(&m), *t = xasprintf("%s/tmp", base);
        sys_recommend(r, "TMPDIR", t);
        free(base);
        free(t);
    }
    if (!r->miopen_dirs.n)
        sys_add(r, SYS_INFO, "miopen", "miopen.skipped",
                xstrdup("no AMD GPU and no MIOpen folders: nothing for MIOpen to break"), NULL, NULL);
    for (size_t i = 0; i < m.names.n; i++)
        free(m.names.v[i]);
    free(m.names.v);
    free(m.tmp);
}
