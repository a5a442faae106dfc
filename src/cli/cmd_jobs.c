/* cmd_jobs.c - the ingest job queue: `fagpt jobs` shows every job and its progress, `fagpt worker` runs jobs
 * (on any machine that reaches the database and the files' paths), `fagpt ingest --queue` fills the queue
 * (cli_queue_files, called by cmd_ingest.c). */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "core/config.h"
#include "core/json.h"
#include "ingest/ingest.h"
#include "llm/llm.h"
#include "store/store.h"

static const char jobs_usage[] =
    "usage: fagpt jobs [--json] [--db URL]\n"
    "  Lists the ingest jobs of the library, oldest first: id, state (queued, running, done, failed), pages done\n"
    "  of the total, the worker running it, attempts, file and message. `fagpt ingest --queue PATH...` adds jobs;\n"
    "  `fagpt worker` runs them.\n";

static const char worker_usage[] =
    "usage: fagpt worker [--once] [--lease S] [--poll S] [--no-ocr] [--no-tables] [--no-figures] [--json]\n"
    "                    [--db URL]\n"
    "  Takes ingest jobs from the library's queue and runs them, one at a time, until stopped (or, with --once,\n"
    "  until the queue is empty). Several workers on several machines share one PostgreSQL library: each job is\n"
    "  taken by one worker (SELECT ... FOR UPDATE SKIP LOCKED), held under a lease that the worker renews while it\n"
    "  works, and committed with its document in one transaction. A worker that dies loses its lease; after S\n"
    "  seconds another worker takes the job again, and a document is never written twice.\n"
    "  A job names its file by path: every worker must see the file at that path (a shared or synced folder).\n"
    "  --once      stop when no job is left\n"
    "  --lease S   the lease (default 60), renewed with the pages read every S/3 seconds, at most 2 s apart\n"
    "  --poll S    how often an idle worker looks for new jobs (default 2)\n"
    "  --no-ocr    keep text layers as they are\n"
    "  --no-tables, --no-figures   as for `fagpt ingest`\n"
    "  --json      one JSON object per job run: job, path, status, doc_id, pages, chunks, reason, warnings\n"
    "  A job is ingested as `fagpt ingest` does it: captioned figures are saved as PNGs under this machine's\n"
    "  DATA_FOLDER/figures/<file>/ (servers that show them must see that folder at the same path), with\n"
    "  FAGPT_VISION_MODEL set the vision model describes each one, and with FAGPT_DOC_MODEL set the hard pages\n"
    "  are converted by the document model; what a job left out of its pages is printed as a warning.\n"
    "  With FAGPT_EMBED_MODEL set, each new document's passages are then embedded (see `fagpt reembed`).\n";

static void job_json(strbuf *b, const store_job *j)
{
    sb_addf(b, "{\"id\": %lld, \"state\": ", j->id);
    json_str(b, j->state);
    sb_add(b, ", \"path\": ");
    json_str(b, j->path);
    sb_add(b, ", \"worker\": ");
    json_str(b, j->worker);
    sb_addf(b, ", \"attempts\": %d, \"pages_done\": %d, \"pages_total\": %d, \"doc_id\": ", j->attempts,
            j->pages_done, j->pages_total);
    if (j->doc_id > 0)
        sb_addf(b, "%lld", j->doc_id);
    else
        sb_add(b, "null");
    sb_add(b, ", \"message\": ");
    json_str(b, j->message);
    sb_add(b, ", \"created_at\": ");
    json_str(b, j->created_at);
    sb_add(b, ", \"lease_until\": ");
    json_str(b, j->lease_until);
    sb_add(b, ", \"finished_at\": ");
    json_str(b, j->finished_at);
    sb_addc(b, '}');
}

int cmd_jobs(cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {CLI_COMMON_LONGOPTS, {0, 0, 0, 0}};
    int opt;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int handled = cli_common_opt(c, opt, optarg, jobs_usage);
        if (handled < 0)
            return EXIT_OK;
        if (!handled)
            return cli_usage_error(jobs_usage, "unknown option");
    }
    if (optind < argc)
        return cli_usage_error(jobs_usage, "jobs takes no arguments");
    store *s = cli_store(c);
    if (!s)
        return EXIT_USER;
    store_jobs jobs = {0};
    fa_err e;
    if (store_jobs_list(s, &jobs, &e) != 0) {
        store_close(s);
        return cli_error(c, "%s", e.msg);
    }
    if (c->json) {
        strbuf b = {0};
        sb_addc(&b, '[');
        for (size_t i = 0; i < jobs.n; i++) {
            sb_add(&b, i ? ",\n " : "");
            job_json(&b, &jobs.v[i]);
        }
        sb_add(&b, "]\n");
        fputs(b.s, stdout);
        sb_free(&b);
    } else if (!jobs.n) {
        puts("No ingest jobs. `fagpt ingest --queue PATH...` queues files for `fagpt worker`.");
    } else {
        int count[4] = {0};
        printf("%-6s %-8s %11s  %-24s %3s  %s\n", "id", "state", "pages", "worker", "try", "file");
        for (size_t i = 0; i < jobs.n; i++) {
            const store_job *j = &jobs.v[i];
            char pages[32];
            snprintf(pages, sizeof pages, "%d/%d", j->pages_done, j->pages_total);
            printf("%-6lld %-8s %11s  %-24.24s %3d  %s%s%s\n", j->id, j->state, pages, j->worker ? j->worker : "-",
                   j->attempts, j->path, j->message ? ": " : "", j->message ? j->message : "");
            count[!strcmp(j->state, "queued") ? 0 : !strcmp(j->state, "running") ? 1 : !strcmp(j->state, "done") ? 2 : 3]++;
        }
        printf("%zu jobs: %d queued, %d running, %d done, %d failed\n", jobs.n, count[0], count[1], count[2], count[3]);
    }
    store_jobs_free(&jobs);
    store_close(s);
    return EXIT_OK;
}

int cli_queue_files(cli_ctx *c, store *s, const str_vec *files)
{
    int added = 0, open = 0, failed = 0;
    for (size_t i = 0; i < files->n; i++) {
        char *abs = realpath(files->v[i], NULL);
        if (!abs) {
            fprintf(stderr, "fagpt: %s: file not found; it was not queued\n", files->v[i]);
            failed++;
            continue;
        }
        long long id = 0;
        fa_err e;
        int rc = store_job_add(s, abs, &id, &e);
        if (rc < 0) {
            free(abs);
            return cli_error(c, "%s", e.msg);
        }
        if (c->json) {
            strbuf b = {0};
            sb_addf(&b, "{\"path\": ");
            json_str(&b, abs);
            sb_addf(&b, ", \"job\": %lld, \"status\": \"%s\"}\n", id, rc ? "queued" : "already queued");
            fputs(b.s, stdout);
            sb_free(&b);
        }
        rc ? added++ : open++;
        free(abs);
    }
    if (!c->json)
        printf("%d file(s) queued, %d already queued%s; run `fagpt worker` to ingest them, `fagpt jobs` to follow\n",
               added, open, failed ? ", some not found" : "");
    return failed ? (added + open ? EXIT_PARTIAL : EXIT_USER) : EXIT_OK;
}

static volatile sig_atomic_t stopping;
static void on_stop(int sig)
{
    stopping = 1;
}

static int parse_seconds(const char *arg, int lo, int hi, int *out)
{
    char *end;
    long v = strtol(arg, &end, 10);
    if (*end || v < lo || v > hi)
        return -1;
    *out = (int)v;
    return 0;
}

int cmd_worker(cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {{"once", no_argument, 0, 'o'}, {"lease", required_argument, 0, 'l'},
                                         {"poll", required_argument, 0, 'p'}, {"no-ocr", no_argument, 0, 'n'},
                                         {"no-tables", no_argument, 0, 't'}, {"no-figures", no_argument, 0, 'f'},
                                         CLI_COMMON_LONGOPTS, {0, 0, 0, 0}};
    bool once = false;
    int lease = 60, poll = 2, flags = 0, opt;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int handled = cli_common_opt(c, opt, optarg, worker_usage);
        if (handled < 0)
            return EXIT_OK;
        if (handled)
            continue;
        if (opt == 'o')
            once = true;
        else if (opt == 'l' && parse_seconds(optarg, 1, 86400, &lease) != 0)
            return cli_usage_error(worker_usage, "--lease wants seconds from 1 to 86400, not '%s'", optarg);
        else if (opt == 'p' && parse_seconds(optarg, 1, 3600, &poll) != 0)
            return cli_usage_error(worker_usage, "--poll wants seconds from 1 to 3600, not '%s'", optarg);
        else if (opt == 'n')
            flags |= INGEST_NO_OCR;
        else if (opt == 't')
            flags |= INGEST_NO_TABLES;
        else if (opt == 'f')
            flags |= INGEST_NO_FIGURES;
        else if (opt != 'l' && opt != 'p')
            return cli_usage_error(worker_usage, "unknown option");
    }
    if (optind < argc)
        return cli_usage_error(worker_usage, "worker takes no file names; queue them with `fagpt ingest --queue`");
    store *s = cli_store(c);
    if (!s)
        return EXIT_USER;
    char host[256] = "localhost";
    gethostname(host, sizeof host - 1);
    char *worker = xasprintf("%s:%d", host, (int)getpid());
    /* SIGINT/SIGTERM: finish the job at hand, then stop (a second signal kills; the lease then runs out). */
    struct sigaction sa = {.sa_handler = on_stop, .sa_flags = SA_RESETHAND};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    int ran = 0, failed = 0, rc = EXIT_OK;
    ingest_options io = {.flags = flags};
    cli_ingest_models models;
    cli_ingest_outputs(c, &io, NULL, &models);
    if (!c->json)
        fprintf(stderr, "worker %s: waiting for jobs (lease %d s)\n", worker, lease);
    while (!stopping) {
        store_job job = {0};
        fa_err e;
        int got = store_job_take(s, worker, lease, &job, &e);
        if (got < 0) {
            rc = cli_error(c, "%s", e.msg);
            break;
        }
        if (got == 0) {
            if (once)
                break;
            sleep((unsigned)poll);
            continue;
        }
        ingest_result r = {0};
        failed += ingest_job(s, &job, worker, lease, &io, &r);
        ran++;
        if (c->json) {
            strbuf b = {0};
            sb_addf(&b, "{\"job\": %lld, \"path\": ", job.id);
            json_str(&b, job.path);
            sb_add(&b, ", \"status\": ");
            json_str(&b, r.status);
            sb_addf(&b, ", \"doc_id\": %lld, \"pages\": %d, \"chunks\": %d, \"reason\": ", r.doc_id, r.pages, r.chunks);
            json_str(&b, r.reason);
            sb_add(&b, ", \"warnings\": [");
            for (size_t k = 0; k < r.warnings.n; k++) {
                if (k)
                    sb_add(&b, ", ");
                json_str(&b, r.warnings.v[k]);
            }
            sb_add(&b, "]}\n");
            fputs(b.s, stdout);
            fflush(stdout);
            sb_free(&b);
        } else if (r.reason) {
            printf("job %lld %-11s %s: %s\n", job.id, r.status, job.path, r.reason);
        } else {
            printf("job %lld %-11s %s (%d pages, %d chunks)\n", job.id, r.status, job.path, r.pages, r.chunks);
        }
        for (size_t k = 0; !c->json && k < r.warnings.n; k++) /* as `fagpt ingest` reports them */
            fprintf(stderr, "fagpt: warning: %s: %s\n", r.doc ? r.doc : job.path, r.warnings.v[k]);
        fflush(stdout);
        /* As `fagpt ingest` does: with an embedding model configured, the new passages are embedded (only those
         * without a vector, so workers running at once share the work rather than repeat it). */
        const char *embed = getenv("FAGPT_EMBED_MODEL");
        if (embed && *embed && !strcmp(r.status, "ingested")) {
            llm_config cfg;
            if (llm_config_load(&cfg, NULL, &e) != 0 || cfg.api == LLM_NONE)
                fprintf(stderr, "fagpt: note: passages not embedded: %s\n", cfg.why_none ? cfg.why_none : e.msg);
            else
                cli_embed_library(c, s, &cfg, 32, false, true);
            llm_config_free(&cfg);
        }
        for (size_t k = 0; !c->json && k < r.warnings.n; k++)
            fprintf(stderr, "fagpt: warning: %s: %s\n", r.doc ? r.doc : job.path, r.warnings.v[k]);
        free(r.path);
        free(r.doc);
        free(r.reason);
        str_vec_free(&r.warnings);
        store_job_free(&job);
    }
    cli_ingest_outputs_free(&io, &models);
    if (!c->json && rc == EXIT_OK)
        fprintf(stderr, "worker %s: %d job(s) run, %d failed or lost\n", worker, ran, failed);
    free(worker);
    store_close(s);
    return rc != EXIT_OK ? rc : failed ? EXIT_PARTIAL : EXIT_OK;
}
