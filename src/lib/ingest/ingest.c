/* ingest.c - the ingest pipeline and its worker pool (see ingest.h). */
#include "ingest.h"
#include "llm/llm.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* PDFs, and the page images that are OCRed as one-page documents. */
static bool has_doc_suffix(const char *name)
{
    static const char *const ext[] = {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"};
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
        size_t k = strlen(ext[i]);
        if (n > k && strcasecmp(name + n - k, ext[i]) == 0)
            return true;
    }
    return false;
}

static void walk(const char *dir, str_vec *out, int depth)
{
    DIR *d = opendir(dir);
    if (!d || depth > 32) {
        if (d)
            closedir(d);
        return;
    }
    struct dirent *ent;
    while ((ent = readdir(d))) {
        if (ent->d_name[0] == '.')
            continue;
        char *p = xasprintf("%s/%s", dir, ent->d_name);
        struct stat st;
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
            walk(p, out, depth + 1);
            free(p);
        } else if (has_doc_suffix(ent->d_name)) {
            VEC_PUSH(*out, p);
        } else {
            free(p);
        }
    }
    closedir(d);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

void ingest_expand_paths(char *const *paths, int n, str_vec *out)
{
    for (int i = 0; i < n; i++) {
        struct stat st;
        size_t before = out->n;
        if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            char *dir = xstrdup(paths[i]);
            size_t len = strlen(dir);
            while (len > 1 && dir[len - 1] == '/')
                dir[--len] = 0;
            walk(dir, out, 0);
            free(dir);
            if (out->n > before)
                qsort(out->v + before, out->n - before, sizeof(char *), cmp_str);
        } else {
            VEC_PUSH(*out, xstrdup(paths[i]));
        }
    }
}

typedef struct {
    store *s;
    const str_vec *files;
    ingest_result *results;
    long long *sizes;
    size_t next;
    ingest_progress progress;
    double start;
    ingest_progress_fn fn;
    void *arg;
    int workers;
    int flags;
    const char *figures_dir;
    const llm_config *vision;
    const llm_config *docmodel;
    double last_report;
    pthread_mutex_t lock;
    const store_job *job;   /* ingest_job: the job being run, and who runs it */
    const char *worker;
} pool;

/* Progress after each page; the terminal is redrawn at most ten times a second. Called with p->lock held. */
static void report_locked(pool *p, bool force)
{
    double now = fa_now();
    p->progress.elapsed_s = now - p->start;
    if (p->fn && (force || now - p->last_report >= 0.1)) {
        p->last_report = now;
        p->fn(&p->progress, p->arg);
    }
}

static void on_page(void *arg)
{
    pool *p = arg;
    pthread_mutex_lock(&p->lock);
    p->progress.pages_done++;
    report_locked(p, false);
    pthread_mutex_unlock(&p->lock);
}

static const char *base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

/* Absolute path, so the same file named two ways is one document. */
static char *canonical(const char *path)
{
    char *r = realpath(path, NULL);
    return r ? r : xstrdup(path);
}

/* A file that cannot be ingested: quarantined, and its job (if any) ended as failed. */
static void quarantine(pool *p, const char *path, const char *reason)
{
    store_quarantine_add(p->s, path, reason, NULL);
    if (p->job)
        store_job_finish(p->s, p->job->id, p->worker, false, 0, reason, NULL);
}

/* Whether a vision model describes the figures (their PNGs are then drawn during extraction). */
static bool describes_figures(const pool *p)
{
    return p->vision && p->vision->vision_model && *p->vision->vision_model;
}

/* The vision model's description of each figure, indexed with it; the first error ends the document's figures. */
static void describe_figures(pool *p, doc_document *d, ingest_result *r)
{
    if (!describes_figures(p))
        return;
    static const char prompt[] = "This is a figure from a U.S. Army publication. Describe what it shows for a "
                                 "soldier searching the manual: its type (diagram, chart, map, photo), its labels and "
                                 "what it explains. Plain sentences, at most 120 words.";
    for (size_t k = 0; k < d->figures.n; k++) {
        doc_figure *f = &d->figures.v[k];
        if (!f->png)
            continue;
        char *out = NULL;
        fa_err e = {{0}};
        if (llm_describe_image(p->vision, f->png, f->png_len, prompt, NULL, NULL, &out, &e) != 0) {
            VEC_PUSH(r->warnings, xasprintf("figure %s (page %d) was not described by the vision model (%s): %s; the "
                                            "other figures were not tried", f->number ? f->number : "?", f->page + 1,
                                            p->vision->vision_model, e.msg));
            free(out);
            return;
        }
        f->description = out && *fa_trim(out) ? out : (free(out), NULL);
    }
}

/* Page images for the document model: 144 dpi, fewer for a large page so that the longer side stays within
 * 1600 pixels (granite-docling reads pages at about this size; a vision model's context stays bounded). */
#define CONVERT_DPI 144
#define CONVERT_MAX_PX 1600.0f

/* The pages the heuristics find hard, read by the document model instead (see ingest_options). Runs between
 * doc_extract and doc_analyze, so that a converted page is analysed like any other. */
static void convert_pages(pool *p, const char *path, doc_document *d)
{
    if (!p->docmodel || !p->docmodel->doc_model || !*p->docmodel->doc_model)
        return;
    int failed_at = 0;
    for (int pi = 0; pi < d->npages; pi++) {
        doc_page *pg = &d->pages[pi];
        pg->hard = doc_page_hard(pg);
        if (!pg->hard)
            continue;
        pg->convert_model = xstrdup(p->docmodel->doc_model);
        if (failed_at) {
            pg->convert_error = xasprintf("not sent: the request for page %d failed", failed_at);
            continue;
        }
        float longest = fmaxf(pg->width, pg->height);
        int dpi = longest > 0 ? (int)(CONVERT_MAX_PX * 72.0f / longest) : CONVERT_DPI;
        dpi = dpi > CONVERT_DPI ? CONVERT_DPI : dpi < 24 ? 24 : dpi;
        unsigned char *png = NULL;
        size_t len = 0;
        char *out = NULL;
        fa_err e = {{0}};
        doc_conversion c;
        if (doc_render_page_png(path, pi + 1, dpi, NULL, 0, &png, &len, &e) != 0) {
            pg->convert_error = xasprintf("the page could not be rendered: %s", e.msg);
        } else if (llm_convert_page(p->docmodel, png, len, &out, &e) != 0) {
            pg->convert_error = xstrdup(e.msg);
            failed_at = pi + 1;
        } else if (doc_parse_conversion(out, pi, pg->width, pg->height, &c, &e) != 0) {
            pg->convert_error = xstrdup(e.msg);
        } else if (doc_conversion_fits(pg, &c, &e) != 0) {
            pg->convert_error = xstrdup(e.msg);
            doc_conversion_free(&c);
        } else {
            doc_page_apply_conversion(d, pi, &c, p->docmodel->doc_model);
        }
        free(out);
        free(png);
    }
}

/* Writes a PNG file whole or not at all (a temporary file renamed over it), its folder made if need be: a
 * reader never sees half an image, and two writers of the same figure leave one whole copy. */
static int write_png(const char *path, const unsigned char *png, size_t len, fa_err *e)
{
    char *dir = xstrdup(path), *slash = strrchr(dir, '/');
    if (slash)
        *slash = 0;
    int rc = slash ? fa_mkdirs(dir, e) : 0;
    free(dir);
    if (rc != 0)
        return -1;
    char *tmp = xasprintf("%s.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd >= 0)
        fchmod(fd, 0644); /* as a file made with fopen would be (mkstemp makes it 0600) */
    FILE *fp = fd >= 0 ? fdopen(fd, "wb") : NULL;
    bool ok = fp && fwrite(png, 1, len, fp) == len;
    if (fp && fclose(fp) != 0)
        ok = false;
    else if (!fp && fd >= 0)
        close(fd);
    if (ok && rename(tmp, path) == 0) {
        free(tmp);
        return 0;
    }
    rc = fa_fail(e, "cannot write %s: %s", path, strerror(errno));
    if (fd >= 0)
        unlink(tmp);
    free(tmp);
    return rc;
}

/* figures_dir/<name without .pdf>: where a file's figures go. */
static char *figures_folder(const char *figures_dir, const char *file_name)
{
    char *stem = xstrdup(file_name);
    char *dot = strrchr(stem, '.');
    if (dot && dot != stem)
        *dot = 0;
    char *dir = xasprintf("%s/%s", figures_dir, stem);
    free(stem);
    return dir;
}

void ingest_remove_figures(const char *figures_dir, const char *file_name)
{
    char *dir = figures_folder(figures_dir, file_name);
    DIR *dp = opendir(dir);
    if (dp) {
        struct dirent *de;
        while ((de = readdir(dp))) {
            /* figure-<n>.png, and a figure-<n>.png.XXXXXX that write_png did not finish */
            if (!strncmp(de->d_name, "figure-", 7) && strstr(de->d_name, ".png")) {
                char *path = xasprintf("%s/%s", dir, de->d_name);
                unlink(path);
                free(path);
            }
        }
        closedir(dp);
        rmdir(dir); /* fails, harmlessly, when something else was put there */
    }
    free(dir);
}

/* Where each figure's PNG is kept: figures_dir/<name without .pdf>/figure-<n>.png; the PNGs drawn during
 * extraction (for the vision model) are written there now, the others when they are first wanted
 * (ingest_figure_png). A former version's PNGs go first. Returns the paths (NULL entries for figures that cannot
 * be drawn), or NULL without a figures folder. */
static char **save_figures(pool *p, const doc_document *d, const char *file_name, ingest_result *r)
{
    if (!p->figures_dir)
        return NULL;
    ingest_remove_figures(p->figures_dir, file_name);
    if (d->figures.n == 0)
        return NULL;
    char *dir = figures_folder(p->figures_dir, file_name);
    char **paths = xcalloc(d->figures.n, sizeof *paths);
    fa_err e = {{0}};
    for (size_t k = 0; k < d->figures.n; k++) {
        const doc_figure *f = &d->figures.v[k];
        if (f->png_w <= 0)
            continue;
        char *path = xasprintf("%s/figure-%zu.png", dir, k + 1);
        if (f->png && write_png(path, f->png, f->png_len, &e) != 0) {
            VEC_PUSH(r->warnings, xasprintf("figure %zu not saved: %s", k + 1, e.msg));
            free(path);
            continue;
        }
        paths[k] = path;
    }
    free(dir);
    return paths;
}

int ingest_figure_png(const char *doc_path, const store_figure *f, unsigned char **png, size_t *len, fa_err *e)
{
    if (!f->png_path)
        return fa_fail(e, "figure %d (%s) has no image: it was not drawn at ingest (its image is over the size "
                       "limit, or the library was made without a figures folder)", f->seq, f->number ? f->number : "?");
    if (png && (*png = (unsigned char *)fa_read_file(f->png_path, len, NULL)))
        return 0;
    if (!png && access(f->png_path, R_OK) == 0)
        return 0;
    unsigned char *drawn = NULL;
    size_t n = 0;
    if (doc_render_figure_png(doc_path, &f->box, &drawn, &n, e) != 0)
        return -1;
    int rc = write_png(f->png_path, drawn, n, e);
    if (png) {
        *png = drawn;
        *len = n;
        return 0;
    }
    free(drawn);
    return rc;
}

static bool same_file_state(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
           a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
           a->st_ctim.tv_sec == b->st_ctim.tv_sec && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

static void ingest_one(pool *p, size_t i)
{
    ingest_result *r = &p->results[i];
    fa_err e = {{0}};
    char sha[65];
    char *path = canonical(p->files->v[i]);
    r->path = xstrdup(p->files->v[i]);
    r->doc = xstrdup(base_name(path));
    store_doc old = {0};
    int had_path = store_find_doc(p->s, path, &old, NULL) == 1;
    struct stat before;
    if (stat(path, &before) != 0 || fa_sha256_file(path, sha, &e) != 0) {
        r->status = "quarantined";
        r->reason = xstrdup(access(path, F_OK) == 0 ? e.msg : "file not found; it may have been moved or deleted");
        quarantine(p, path, r->reason);
        goto done;
    }
    store_doc same = {0};
    if (store_find_by_sha(p->s, sha, &same, NULL) == 1) {
        r->status = "unchanged";
        r->doc_id = same.id;
        if (p->job)
            store_job_finish(p->s, p->job->id, p->worker, true, same.id, NULL, NULL);
        r->pages = same.pages;
        r->chunks = same.chunks;
        store_doc_free(&same);
        goto done;
    }
    doc_document *d = NULL;
    /* Spare workers read pages of a document when there are fewer documents than workers. */
    size_t left = p->files->n - i;
    doc_extract_opts opts = {.page_threads = left < (size_t)p->workers ? p->workers / (int)left : 1,
                             .on_page = on_page, .arg = p, .no_ocr = (p->flags & INGEST_NO_OCR) != 0,
                             .no_tables = (p->flags & INGEST_NO_TABLES) != 0,
                             .no_figures = (p->flags & INGEST_NO_FIGURES) != 0,
                             .figure_png = describes_figures(p)};
    if (doc_extract(path, &opts, &d, &e) != 0) {
        r->status = "quarantined";
        r->reason = xstrdup(e.msg);
        quarantine(p, path, r->reason);
        goto done;
    }
    convert_pages(p, path, d);
    doc_analyze(d);
    describe_figures(p, d, r);
    doc_chunks chunks = {0};
    doc_make_chunks(d, &chunks);
    char **fig_paths = save_figures(p, d, base_name(path), r);
    int put = 0;
    store_doc rec = {0};
    rec.path = path;
    rec.file_name = (char *)base_name(path);
    rec.sha256 = sha;
    rec.size_bytes = (long long)before.st_size;
    rec.figure_paths = fig_paths;
    rec.nfigure_paths = fig_paths ? d->figures.n : 0;
    /* The file may have changed while it was read; the hash must still describe what was parsed. A change
     * moves the file's status-change time, which no program can set back (POSIX stat, st_ctim), and a
     * replacement gives another inode; so the same identity, size and times as before hashing mean the same
     * bytes, without reading them a second time. */
    struct stat after;
    if (stat(path, &after) != 0 || !same_file_state(&before, &after)) {
        r->status = "quarantined";
        r->reason = xstrdup("the file changed or vanished while it was being read; ingest it again when it is complete");
        quarantine(p, path, r->reason);
    } else if ((put = p->job ? store_put_document_job(p->s, &rec, d, &chunks, p->job->id, p->worker, &e)
                             : store_put_document(p->s, &rec, d, &chunks, &e)) < 0) {
        r->status = "quarantined";
        r->reason = xstrdup(e.msg);
        quarantine(p, path, r->reason);
    } else if (put == 1) {
        r->status = "lost";
        r->reason = xstrdup("the job's lease ran out and another worker took it; nothing was written");
    } else {
        r->status = had_path ? "replaced" : "ingested";
        r->doc_id = rec.id;
        r->pages = d->npages;
        r->chunks = (int)chunks.n;
        for (int k = 0; k < d->npages; k++) {
            const doc_page *pg = &d->pages[k];
            if (pg->warning)
                VEC_PUSH(r->warnings, xstrdup(pg->warning));
            if (pg->convert_error)
                VEC_PUSH(r->warnings, xasprintf("page %d%s%s%s (%s) was not converted by the document model %s: %s; "
                                                "its heuristic reading is kept", k + 1, pg->label ? " (printed " : "",
                                                pg->label ? pg->label : "", pg->label ? ")" : "", pg->hard,
                                                p->docmodel->doc_model, pg->convert_error));
        }
    }
    for (size_t k = 0; fig_paths && k < d->figures.n; k++)
        free(fig_paths[k]);
    free(fig_paths);
    doc_chunks_free(&chunks);
    doc_free(d);
done:
    store_doc_free(&old);
    free(path);
}

static void *worker(void *arg)
{
    pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        size_t i = p->next++;
        pthread_mutex_unlock(&p->lock);
        if (i >= p->files->n)
            return NULL;
        ingest_one(p, i);
        pthread_mutex_lock(&p->lock);
        p->progress.files_done++;
        p->progress.bytes_done += p->sizes[i];
        report_locked(p, p->progress.files_done == p->progress.files_total);
        pthread_mutex_unlock(&p->lock);
    }
}

int ingest_run(store *s, const str_vec *files, int workers, int flags, ingest_progress_fn fn, void *arg,
               ingest_results *out)
{
    ingest_options o = {.workers = workers, .flags = flags};
    return ingest_run_opts(s, files, &o, fn, arg, out);
}

int ingest_run_opts(store *s, const str_vec *files, const ingest_options *o, ingest_progress_fn fn, void *arg,
                    ingest_results *out)
{
    int workers = o->workers;
    pool p = {.s = s, .files = files, .fn = fn, .arg = arg, .flags = o->flags, .figures_dir = o->figures_dir,
              .vision = o->vision, .docmodel = o->docmodel};
    pthread_mutex_init(&p.lock, NULL);
    p.results = xcalloc(files->n, sizeof *p.results);
    p.sizes = xcalloc(files->n, sizeof *p.sizes);
    p.progress.files_total = (int)files->n;
    for (size_t i = 0; i < files->n; i++) {
        struct stat st;
        p.sizes[i] = stat(files->v[i], &st) == 0 ? (long long)st.st_size : 0;
        p.progress.bytes_total += p.sizes[i];
    }
    if (workers <= 0)
        workers = (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (workers < 1)
        workers = 1;
    p.workers = workers;
    if ((size_t)workers > files->n)
        workers = files->n ? (int)files->n : 1;
    p.start = fa_now();
    pthread_t *th = xcalloc((size_t)workers, sizeof *th);
    int started = 0;
    for (int i = 1; i < workers; i++)
        if (pthread_create(&th[i], NULL, worker, &p) == 0)
            started++;
    worker(&p);
    for (int i = 1; i <= started; i++)
        pthread_join(th[i], NULL);
    free(th);
    int failed = 0;
    for (size_t i = 0; i < files->n; i++) {
        if (!strcmp(p.results[i].status, "quarantined"))
            failed++;
        VEC_PUSH(*out, p.results[i]);
    }
    free(p.results);
    free(p.sizes);
    pthread_mutex_destroy(&p.lock);
    return failed;
}

/* The job's heartbeat: renews the lease with the pages read so far every lease/3 seconds, and at least every
 * HEARTBEAT_MAX_S so that the queue's progress (`fagpt jobs`, the web UI) follows the pages, until told to stop. */
#define HEARTBEAT_MAX_S 2.0
typedef struct {
    pool *p;
    int lease_s, pages_total;
    bool stop;
    pthread_mutex_t lock;
    pthread_cond_t wake;
} heartbeat;

static void *beat(void *arg)
{
    heartbeat *h = arg;
    pthread_mutex_lock(&h->lock);
    while (!h->stop) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        double step = fmin(fmax(h->lease_s / 3.0, 0.2), HEARTBEAT_MAX_S);
        until.tv_sec += (time_t)step;
        until.tv_nsec += (long)((step - (double)(time_t)step) * 1e9);
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&h->wake, &h->lock, &until);
        if (h->stop)
            break;
        pthread_mutex_lock(&h->p->lock);
        int done = (int)h->p->progress.pages_done;
        pthread_mutex_unlock(&h->p->lock);
        store_job_progress(h->p->s, h->p->job->id, h->p->worker, h->lease_s, done, h->pages_total, NULL);
    }
    pthread_mutex_unlock(&h->lock);
    return NULL;
}

int ingest_job(store *s, const store_job *job, const char *worker, int lease_s, const ingest_options *o,
               ingest_result *r)
{
    str_vec files = {0};
    VEC_PUSH(files, xstrdup(job->path));
    int workers = o->workers > 0 ? o->workers : (int)sysconf(_SC_NPROCESSORS_ONLN);
    pool p = {.s = s, .files = &files, .flags = o->flags, .workers = workers > 0 ? workers : 1, .job = job,
              .worker = worker, .figures_dir = o->figures_dir, .vision = o->vision, .docmodel = o->docmodel};
    pthread_mutex_init(&p.lock, NULL);
    p.results = xcalloc(1, sizeof *p.results);
    p.start = fa_now();
    int total = doc_count_pages(job->path);
    heartbeat h = {.p = &p, .lease_s = lease_s, .pages_total = total > 0 ? total : 0};
    pthread_mutex_init(&h.lock, NULL);
    pthread_cond_init(&h.wake, NULL);
    store_job_progress(s, job->id, worker, lease_s, 0, h.pages_total, NULL);
    pthread_t th;
    bool beating = pthread_create(&th, NULL, beat, &h) == 0;
    ingest_one(&p, 0);
    if (beating) {
        pthread_mutex_lock(&h.lock);
        h.stop = true;
        pthread_cond_signal(&h.wake);
        pthread_mutex_unlock(&h.lock);
        pthread_join(th, NULL);
    }
    pthread_cond_destroy(&h.wake);
    pthread_mutex_destroy(&h.lock);
    *r = p.results[0];
    free(p.results);
    str_vec_free(&files);
    pthread_mutex_destroy(&p.lock);
    return strcmp(r->status, "quarantined") && strcmp(r->status, "lost") ? 0 : 1;
}

void ingest_results_free(ingest_results *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->v[i].path);
        free(r->v[i].doc);
        free(r->v[i].reason);
        str_vec_free(&r->v[i].warnings);
    }
    free(r->v);
    memset(r, 0, sizeof *r);
}
