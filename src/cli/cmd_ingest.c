/* cmd_ingest.c - `fagpt ingest [--workers N] PATH...` and `fagpt retry`: add files or folders to the library. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/config.h"
#include "core/json.h"
#include "ingest/ingest.h"
#include "llm/llm.h"
#include "store/store.h"

static const char ingest_usage[] =
    "usage: fagpt ingest [--workers N] [--no-ocr] [--no-tables] [--no-figures] [--doc-model NAME] [--queue] [--json]\n"
    "                    [PATH...]\n"
    "  Adds PDF files, or every PDF under the folders given (recursively), to the library. With no PATH, the\n"
    "  library folder (DATA_FOLDER/library, where PDFs can simply be dropped) is ingested.\n"
    "  An unchanged file is skipped; a changed one replaces its old version; a file that cannot be read is\n"
    "  quarantined with its reason (see `fagpt quarantine`) and the others go on.\n"
    "  PNG, JPEG and TIFF page images are read by OCR as one-page documents, and so are scanned PDF pages.\n"
    "  --workers N   parse N files at a time (default: one per CPU core)\n"
    "  --no-ocr      keep text layers as they are: never OCR a scanned or garbled page\n"
    "  --no-tables   do not look for tables (their text is then read as paragraphs)\n"
    "  --no-figures  do not look for figures (no PNGs, no figure OCR, no descriptions)\n"
    "  --doc-model NAME  the document model for hard pages (default FAGPT_DOC_MODEL; see below)\n"
    "  --queue       only queue the files as jobs for `fagpt worker` (on this or other machines; see `fagpt jobs`)\n"
    "  --json        one JSON object per input file: path, status, doc, pages, chunks, reason, warnings\n"
    "  Tables are read from ruling lines or the alignment of their words (see `fagpt tables`); what a page's\n"
    "  table detection left out (too many vector paths, a grid over the limits) is printed as a warning.\n"
    "  Captioned figures are saved as PNGs under DATA_FOLDER/figures/<file>/ and indexed by caption and the\n"
    "  text inside them (see `fagpt figures`); with FAGPT_VISION_MODEL set, the vision model describes each\n"
    "  one and the description is indexed too (a model error is a warning, never a failed file).\n"
    "  With FAGPT_DOC_MODEL set (granite-docling on llama-server, or a vision model in Ollama), pages with a\n"
    "  table without rules, a form, a scanned table or firing table, or low OCR confidence are sent to it as\n"
    "  images and its DocTags or Markdown replace the heuristic reading of those pages (see `fagpt docs DOC`);\n"
    "  a model error keeps the heuristic page and is a warning naming it.\n"
    "  With FAGPT_EMBED_MODEL set, the passages are then embedded by the model server (see `fagpt reembed`).\n"
    "Exit status: 0 all ingested, 1 usage error or every file failed, 2 some files failed.\n";

static const char retry_usage[] =
    "usage: fagpt retry [--workers N] [--no-ocr] [--no-tables] [--no-figures] [--doc-model NAME] [--json]\n"
    "  Ingests the quarantined files again (after you have fixed or replaced them).\n";

static void show_progress(const ingest_progress *p, void *arg)
{
    double rate = p->elapsed_s > 0 ? (double)p->pages_done / p->elapsed_s : 0;
    int width = 24, filled = p->files_total ? width * p->files_done / p->files_total : width;
    char eta[32] = "ETA --";
    if (p->bytes_done > 0) /* by bytes: the page counts of the files still to come are not known yet */
        snprintf(eta, sizeof eta, "ETA %.0fs", p->elapsed_s * (double)(p->bytes_total - p->bytes_done) / (double)p->bytes_done);
    fprintf(stderr, "\r[%.*s%*s] files %d/%d  pages %lld  %.0f pages/s  %s   ", filled, "########################",
            width - filled, "", p->files_done, p->files_total, p->pages_done, rate, eta);
    if (p->files_done == p->files_total)
        fputc('\n', stderr);
}

static int report(cli_ctx *c, ingest_results *r, int failed)
{
    for (size_t i = 0; i < r->n; i++) {
        ingest_result *x = &r->v[i];
        if (c->json) {
            strbuf b = {0};
            sb_add(&b, "{\"path\": ");
            json_str(&b, x->path);
            sb_add(&b, ", \"status\": ");
            json_str(&b, x->status);
            sb_add(&b, ", \"doc\": ");
            json_str(&b, x->doc);
            sb_addf(&b, ", \"doc_id\": %lld, \"pages\": %d, \"chunks\": %d, \"reason\": ", x->doc_id, x->pages,
                    x->chunks);
            json_str(&b, x->reason);
            sb_add(&b, ", \"warnings\": [");
            for (size_t k = 0; k < x->warnings.n; k++) {
                if (k)
                    sb_add(&b, ", ");
                json_str(&b, x->warnings.v[k]);
            }
            sb_add(&b, "]}\n");
            fputs(b.s, stdout);
            sb_free(&b);
        } else if (x->reason) {
            printf("%-11s %s: %s\n", x->status, x->path, x->reason);
        } else {
            printf("%-11s %s (%d pages, %d chunks)\n", x->status, x->path, x->pages, x->chunks);
        }
        for (size_t k = 0; !c->json && k < x->warnings.n; k++)
            fprintf(stderr, "fagpt: warning: %s: %s\n", x->doc ? x->doc : x->path, x->warnings.v[k]);
    }
    if (!c->json && r->n > 1)
        printf("%zu files: %zu added or unchanged, %d quarantined\n", r->n, r->n - (size_t)failed, failed);
    if (failed == 0)
        return EXIT_OK;
    return (size_t)failed == r->n ? EXIT_USER : EXIT_PARTIAL;
}

static int run_ingest(cli_ctx *c, int argc, char **argv, bool retry)
{
    static const struct option opts[] = {{"workers", required_argument, 0, 'w'}, {"no-ocr", no_argument, 0, 'n'},
                                          {"no-tables", no_argument, 0, 'T'}, {"no-figures", no_argument, 0, 'F'},
                                          {"queue", no_argument, 0, 'q'}, {"doc-model", required_argument, 0, 'O'},
                                          CLI_COMMON_LONGOPTS, {0, 0, 0, 0}};
    const char *doc_model = NULL;
    bool queue = false;
    const char *usage = retry ? retry_usage : ingest_usage;
    int workers = 0, flags = 0, opt;
    while ((opt = getopt_long(argc, argv, "w:h", opts, NULL)) != -1) {
        int handled = cli_common_opt(c, opt, optarg, usage);
        if (handled < 0)
            return EXIT_OK;
        if (handled)
            continue;
        if (opt == 'w') {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || n < 1 || n > 256)
                return cli_usage_error(usage, "--workers wants a number from 1 to 256, not '%s'", optarg);
            workers = (int)n;
        } else if (opt == 'n') {
            flags |= INGEST_NO_OCR;
        } else if (opt == 'q' && !retry) {
            queue = true;
        } else if (opt == 'T') {
            flags |= INGEST_NO_TABLES;
        } else if (opt == 'F') {
            flags |= INGEST_NO_FIGURES;
        } else if (opt == 'O') {
            doc_model = optarg;
        } else {
            return cli_usage_error(usage, "unknown option");
        }
    }
    if (retry && optind < argc)
        return cli_usage_error(usage, "retry takes no file names; it retries the quarantine");
    store *s = cli_store(c);
    if (!s)
        return EXIT_USER;
    str_vec files = {0};
    if (retry) {
        store_quarantine_list q = {0};
        fa_err e;
        if (store_quarantine_list_all(s, &q, &e) != 0) {
            store_close(s);
            return cli_error(c, "%s", e.msg);
        }
        for (size_t i = 0; i < q.n; i++)
            VEC_PUSH(files, xstrdup(q.v[i].path));
        store_quarantine_list_free(&q);
        if (files.n == 0) {
            if (!c->json)
                puts("The quarantine is empty: nothing to retry.");
            store_close(s);
            return EXIT_OK;
        }
    } else if (optind >= argc) {
        char *library = xasprintf("%s/library", cli_home(c));
        fa_err e;
        if (fa_mkdirs(library, &e) != 0) {
            free(library);
            store_close(s);
            return cli_error(c, "%s", e.msg);
        }
        ingest_expand_paths(&library, 1, &files);
        if (files.n == 0 && !c->json)
            printf("The library folder %s holds no PDFs yet: drop some there or name files to ingest.\n", library);
        free(library);
        if (files.n == 0) {
            store_close(s);
            return EXIT_OK;
        }
    } else {
        ingest_expand_paths(argv + optind, argc - optind, &files);
        if (files.n == 0) {
            store_close(s);
            str_vec_free(&files);
            return cli_error(c, "no PDF files found under the folders given");
        }
    }
    if (queue) {
        int qrc = cli_queue_files(c, s, &files);
        str_vec_free(&files);
        store_close(s);
        return qrc;
    }
    ingest_results r = {0};
    ingest_options io = {.workers = workers, .flags = flags};
    cli_ingest_models models;
    cli_ingest_outputs(c, &io, doc_model, &models);
    int failed = ingest_run_opts(s, &files, &io, c->tty && !c->json ? show_progress : NULL, NULL, &r);
    cli_ingest_outputs_free(&io, &models);
    int rc = report(c, &r, failed);
    ingest_results_free(&r);
    if (getenv("FAGPT_EMBED_MODEL") && *getenv("FAGPT_EMBED_MODEL")) {
        llm_config cfg;
        fa_err e;
        if (llm_config_load(&cfg, NULL, &e) != 0 || cfg.api == LLM_NONE)
            fprintf(stderr, "fagpt: note: passages not embedded: %s\n", cfg.why_none ? cfg.why_none : e.msg);
        else
            cli_embed_library(c, s, &cfg, 32, false, true);
        llm_config_free(&cfg);
    }
    str_vec_free(&files);
    store_close(s);
    return rc;
}

void cli_ingest_outputs(cli_ctx *c, ingest_options *io, const char *doc_model, cli_ingest_models *m)
{
    memset(m, 0, sizeof *m);
    io->figures_dir = m->figures_dir = xasprintf("%s/figures", cli_home(c));
    io->vision = io->docmodel = NULL;
    const char *vm = getenv("FAGPT_VISION_MODEL");
    if (vm && *vm && !(io->flags & INGEST_NO_FIGURES)) {
        fa_err e = {{0}};
        if (llm_config_load(&m->vision, NULL, &e) != 0 || m->vision.api == LLM_NONE)
            fprintf(stderr, "fagpt: note: figures not described: %s\n",
                    m->vision.why_none ? m->vision.why_none : e.msg);
        else
            io->vision = &m->vision;
    }
    const char *dm = doc_model ? doc_model : fa_setting("FAGPT_DOC_MODEL");
    if (dm && *dm) {
        fa_err e = {{0}};
        llm_flags lf = {.doc_model = dm};
        if (llm_config_load(&m->docmodel, &lf, &e) != 0 || m->docmodel.api == LLM_NONE)
            fprintf(stderr, "fagpt: note: pages not converted by the document model: %s\n",
                    m->docmodel.why_none ? m->docmodel.why_none : e.msg);
        else
            io->docmodel = &m->docmodel;
    }
}

void cli_ingest_outputs_free(ingest_options *io, cli_ingest_models *m)
{
    free(m->figures_dir);
    io->figures_dir = m->figures_dir = NULL;
    io->vision = io->docmodel = NULL;
    llm_config_free(&m->vision);
    llm_config_free(&m->docmodel);
}

int cmd_ingest(cli_ctx *c, int argc, char **argv) { return run_ingest(c, argc, argv, false); }
int cmd_retry(cli_ctx *c, int argc, char **argv) { return run_ingest(c, argc, argv, true); }
