/* main.c - the fagpt command: global options, then dispatch to the subcommand named on the command line. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const struct {
    const char *name, *summary;
    int (*run)(cli_ctx *, int, char **);
} commands[] = {
#define X(name, summary) {#name, summary, cmd_##name},
#include "commands.def"
#undef X
    {NULL, NULL, NULL}};

static void usage(FILE *out)
{
    fputs("usage: fagpt [--home DIR] [--db URL|FILE] [--json] COMMAND [ARGS...]\n\n"
          "FA-GPT: a local assistant for field artillery and fire support.\n\ncommands:\n", out);
    for (size_t i = 0; commands[i].name; i++)
        fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fputs("\nRun `fagpt COMMAND --help` for a command's options.\n"
          "Data folder: --home DIR, else $FAGPT_HOME, else ~/.local/share/fagpt.\n"
          "Library database: --db, else $FAGPT_DB, else $DATABASE_URL (a postgres:// URL), else DATA/library.db;\n"
          "a postgres:// or postgresql:// URL selects PostgreSQL (PGHOST, PGPORT, PGUSER... fill what it omits).\n",
          out);
}

/* Whether the subcommand (the first word after the global options) ingests, and so may OCR pages. */
static bool may_ocr(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--home") || !strcmp(argv[i], "--db")) {
            i++;
            continue;
        }
        if (argv[i][0] == '-')
            continue;
        return !strcmp(argv[i], "ingest") || !strcmp(argv[i], "retry") || !strcmp(argv[i], "worker") ||
               !strcmp(argv[i], "serve");
    }
    return false;
}

int main(int argc, char **argv)
{
    /* Tesseract's OpenMP reads OMP_THREAD_LIMIT when the program loads; OCR already runs one page per thread,
     * so each engine must stay on one thread or they fight over the cores. The commands that may OCR start
     * again with it set (omp_set_num_threads in the page threads was measured not to hold it); others do not
     * pay for a second start. */
    if (!getenv("OMP_THREAD_LIMIT") && may_ocr(argc, argv) && setenv("OMP_THREAD_LIMIT", "1", 1) == 0)
        execv("/proc/self/exe", argv);
    cli_ctx c = {0};
    c.tty = isatty(1) && isatty(2);
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "--json")) {
            c.json = true;
        } else if (!strcmp(argv[i], "--home") && i + 1 < argc) {
            c.home = argv[++i];
        } else if (!strncmp(argv[i], "--home=", 7)) {
            c.home = argv[i] + 7;
        } else if (!strcmp(argv[i], "--db") && i + 1 < argc) {
            c.db = argv[++i];
        } else if (!strncmp(argv[i], "--db=", 5)) {
            c.db = argv[i] + 5;
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return EXIT_OK;
        } else if (!strcmp(argv[i], "--version")) {
            puts("fagpt " FAGPT_VERSION);
            return EXIT_OK;
        } else {
            fprintf(stderr, "fagpt: unknown option %s\n", argv[i]);
            usage(stderr);
            return EXIT_USER;
        }
    }
    if (i >= argc) {
        usage(stderr);
        return EXIT_USER;
    }
    for (size_t k = 0; commands[k].name; k++)
        if (!strcmp(argv[i], commands[k].name)) {
            optind = 1;
            return commands[k].run(&c, argc - i, argv + i);
        }
    fprintf(stderr, "fagpt: unknown command '%s'\n", argv[i]);
    usage(stderr);
    return EXIT_USER;
}
