/*
 * ingest.h - adding files to the library: folders are walked for PDFs, each file is hashed, parsed
 * (doc_extract, doc_analyze, doc_make_chunks) on a pool of worker threads and written to the store in one
 * transaction. A file that fails is quarantined with its reason and the batch goes on.
 *
 *     ingest_results r = {0};
 *     ingest_run(store, &files, workers, 0, on_progress, arg, &r);
 *     ... r.v[i].status is "ingested", "unchanged", "replaced" or "quarantined" (with reason) ...
 *     ingest_results_free(&r);
 */
#ifndef FAGPT_INGEST_H
#define FAGPT_INGEST_H

#include "store/store.h"

typedef struct ingest_result {
    char *path;
    const char *status;     /* "ingested" | "unchanged" | "replaced" | "quarantined" */
    long long doc_id;
    char *doc;              /* file name */
    int pages, chunks;
    char *reason;           /* why it was quarantined */
    str_vec warnings;       /* what was left out of pages of an ingested file, and why */
} ingest_result;

typedef VEC(ingest_result) ingest_results;

typedef struct ingest_progress {
    int files_done, files_total;
    long long pages_done;
    long long bytes_done, bytes_total;
    double elapsed_s;
} ingest_progress;

typedef void (*ingest_progress_fn)(const ingest_progress *p, void *arg);

/* Expands folders (recursively, *.pdf) and files into a sorted list; names that do not exist are kept so that
 * they are reported as missing. */
void ingest_expand_paths(char *const *paths, int n, str_vec *out);

/* flags: take text layers as they are, never OCR a page; do not look for tables; nor for figures */
enum { INGEST_NO_OCR = 1, INGEST_NO_TABLES = 2, INGEST_NO_FIGURES = 4 };

/* Ingests the files with `workers` threads (<= 0: one per core). Returns the number of quarantined files. */
int ingest_run(store *s, const str_vec *files, int workers, int flags, ingest_progress_fn fn, void *arg,
               ingest_results *out);

/* ingest_run with the figures' outputs: each figure's PNG is kept at FIGURES_DIR/<file name without .pdf>/
 * figure-<n>.png (figures_dir NULL: none), drawn when it is first wanted (ingest_figure_png), and with vision set
 * (a config whose vision_model is set) drawn during ingest, described by the vision model and the description
 * indexed with it. A model error never fails the file: it becomes a warning and the document's other figures go
 * undescribed. */
/* With docmodel set (a config whose doc_model is set, FAGPT_DOC_MODEL), the pages the heuristics find hard
 * (doc_page_hard) are rendered at up to 144 dpi (at most 1600 pixels on the longer side) and converted by the
 * document model (llm_convert_page); its reading replaces the heuristic one for those pages only, and each
 * page records why it was chosen and whether the model's reading was used (store_page_conversions). A model
 * error, or output that cannot be parsed, keeps the page's heuristic reading and becomes a warning naming the
 * page; after a failed request the document's remaining hard pages are not sent. */
struct llm_config;
typedef struct ingest_options {
    int workers, flags;
    const char *figures_dir;
    const struct llm_config *vision;
    const struct llm_config *docmodel;
} ingest_options;
int ingest_run_opts(store *s, const str_vec *files, const ingest_options *o, ingest_progress_fn fn, void *arg,
                    ingest_results *out);

/* Runs one job of the queue (store.h) that this worker has taken: the same pipeline as ingest_run_opts for
 * job->path (o's flags, figures, vision and document models; o->workers page threads, <= 0: one per core), with
 * the lease renewed and the pages done recorded every lease_s/3 seconds (at most 2 s apart), the document and
 * the job's end committed together. r->status is also "lost" when the job's lease ran out and another worker
 * took it (nothing was written). Returns 0, or 1 when the file was quarantined or the job lost. */
int ingest_job(store *s, const store_job *job, const char *worker, int lease_s, const ingest_options *o,
               ingest_result *r);

/* A stored figure's PNG, kept at f->png_path: drawn from the document's file (doc_path) when it is not there
 * yet, and kept there (the figures' images are drawn when first wanted, by the web page or `fagpt figures`, not
 * during ingest). With png NULL, makes sure the file is there; else *png (caller frees) holds the PNG's *len
 * bytes, also when they could not be kept. Fails with a reason when the figure has no image or the document's
 * file can no longer be drawn from. */
int ingest_figure_png(const char *doc_path, const store_figure *f, unsigned char **png, size_t *len, fa_err *e);

/* Removes the figure PNGs kept for a file (when its document is removed from the library or replaced). */
void ingest_remove_figures(const char *figures_dir, const char *file_name);

void ingest_results_free(ingest_results *r);

#endif
