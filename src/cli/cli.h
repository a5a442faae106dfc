/*
 * cli.h - what every `fagpt` subcommand shares: the context (data folder, --json), option parsing of the common
 * flags, and printing errors the same way everywhere.
 *
 * A subcommand is `int cmd_NAME(cli_ctx *c, int argc, char **argv)` listed in commands.def; argv[0] is its name.
 * It returns the exit status: 0 success, 1 usage or user error, 2 when some inputs failed and the rest succeeded.
 */
#ifndef FAGPT_CLI_H
#define FAGPT_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "core/core.h"
#include "llm/llm.h"

enum { EXIT_OK = 0, EXIT_USER = 1, EXIT_PARTIAL = 2 };

typedef struct cli_ctx {
    const char *home;  /* --home or FAGPT_HOME or ~/.local/share/fagpt; resolved by cli_home() */
    const char *db;    /* --db: a postgres:// URL or an SQLite file; else FAGPT_DB, DATABASE_URL, HOME/library.db */
    bool json;         /* --json */
    bool tty;          /* stdout and stderr are terminals: progress and colour allowed */
} cli_ctx;

/* Long options every subcommand accepts; append to a subcommand's own `struct option` table. */
#define CLI_COMMON_LONGOPTS \
    {"json", no_argument, 0, 'J'}, {"home", required_argument, 0, 'H'}, {"help", no_argument, 0, 'h'}, \
    {"db", required_argument, 0, 'D'}

/* Handles -J/-H/-h/--db; returns 1 when handled, 0 when opt is not a common option, and -1 after printing help. */
int cli_common_opt(cli_ctx *c, int opt, const char *arg, const char *usage);

/* The data folder, created if needed; NULL after printing an error. */
const char *cli_home(cli_ctx *c);

/* Flags that choose the model server (see llm.h): --url, --api, --model, --embed-model, --vision-model,
 * --rerank-model. Append
 * CLI_LLM_LONGOPTS to a subcommand's table; cli_llm_opt returns 1 when it handled opt, else 0. */
#define CLI_LLM_LONGOPTS \
    {"url", required_argument, 0, 'U'}, {"api", required_argument, 0, 'A'}, \
    {"model", required_argument, 0, 'M'}, {"embed-model", required_argument, 0, 'E'}, \
    {"vision-model", required_argument, 0, 'V'}, {"rerank-model", required_argument, 0, 'R'}
#define CLI_LLM_USAGE \
    "  --url URL          model server (default FAGPT_LLM_URL, OLLAMA_HOST, OPENAI_BASE_URL, local Ollama)\n" \
    "  --api ollama|openai  its API (default FAGPT_LLM_API, else detected)\n" \
    "  --model NAME       chat model (default FAGPT_CHAT_MODEL)\n" \
    "  --embed-model NAME embedding model (default FAGPT_EMBED_MODEL)\n" \
    "  --vision-model NAME  vision model (default FAGPT_VISION_MODEL)\n" \
    "  --rerank-model NAME  reranker of retrieved passages (default FAGPT_RERANK_MODEL; none: no reranking)\n" \
    "  Each also reads the config file ($FAGPT_HOME/config or ~/.config/fagpt/config; see README).\n"
struct llm_flags;
int cli_llm_opt(struct llm_flags *f, int opt, const char *arg);

/* Embeds the library's passages (cmd_reembed.c): all of them when again, else those missing; reports the count
 * and rate. quiet_json: called from ingest, whose --json output is one object per file, so report on stderr
 * and call a failure a note. Returns an exit status. */
struct llm_config;
struct store;
int cli_embed_library(cli_ctx *c, struct store *s, const struct llm_config *cfg, int batch, bool again,
                      bool quiet_json);

/* The library database: --db, else FAGPT_DB, else DATABASE_URL when it is a postgres:// URL, else
 * HOME/library.db (SQLite). Returns a string to free; NULL after printing an error. */
char *cli_db_name(cli_ctx *c);
/* Opens the library database (cli_db_name); NULL after printing an error. */
struct store;
struct store *cli_store(cli_ctx *c);
/* Looks DOC up (id, file name or publication id) into *d: 0 found, else -1 after telling the user why. */
struct store_doc;
int cli_find_doc(cli_ctx *c, struct store *s, const char *ref, struct store_doc *d);

/* What `fagpt ingest` and `fagpt worker` make of a file's figures and hard pages (cmd_ingest.c), the one setup
 * for both: io->figures_dir is HOME/figures (each figure's PNG goes there); with FAGPT_VISION_MODEL set and
 * figures looked for (no INGEST_NO_FIGURES in io->flags), io->vision is &m->vision; with a document model (the
 * doc_model argument, else FAGPT_DOC_MODEL), io->docmodel is &m->docmodel. A model server that cannot be used
 * leaves its pointer NULL after a note on stderr saying why. Free with cli_ingest_outputs_free. */
struct ingest_options;
typedef struct cli_ingest_models {
    char *figures_dir;
    struct llm_config vision, docmodel;
} cli_ingest_models;
void cli_ingest_outputs(cli_ctx *c, struct ingest_options *io, const char *doc_model, cli_ingest_models *m);
void cli_ingest_outputs_free(struct ingest_options *io, cli_ingest_models *m);

/* Queues files (made absolute) as ingest jobs (cmd_jobs.c); prints what it did. Returns an exit status. */
int cli_queue_files(cli_ctx *c, struct store *s, const str_vec *files);

/* Prints "fagpt: message" to stderr (or a JSON error object on stdout with --json). Returns EXIT_USER. */
int cli_error(cli_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define X(name, summary) int cmd_##name(cli_ctx *c, int argc, char **argv);
#include "commands.def"
#undef X

#endif
