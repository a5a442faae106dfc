/* cmd_search.c - `fagpt search [-k N] QUERY` and `fagpt ask [QUESTION]`: passages and cited answers, from the
 * chat model when a model server is configured (streamed to the terminal), else extractive. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "answer/answer.h"
#include "cli.h"
#include "core/json.h"
#include "llm/llm.h"
#include "search/search.h"
#include "store/store.h"

/* --pub, --type, --since, --until (issue 4): the documents a search or an answer may draw on. */
#define FILTER_LONGOPTS \
    {"pub", required_argument, 0, 'P'}, {"type", required_argument, 0, 'T'}, {"since", required_argument, 0, 'S'}, \
    {"until", required_argument, 0, 'W'}
#define FILTER_USAGE \
    "  --pub ID           only this publication (\"ADP 3-19\")\n" \
    "  --type SERIES      only this series of publication (ADP, FM, ATP, TC, TM...)\n" \
    "  --since YYYY-MM-DD, --until YYYY-MM-DD   only documents dated in this range (inclusive)\n"

static const char search_usage[] =
    "usage: fagpt search [-k N] [--pub ID] [--type SERIES] [--since DATE] [--until DATE] [--json] QUERY...\n"
    "  Shows the library's passages that best match the query, with publication, paragraph and printed page.\n"
    "  -k N    number of results (default 5, at most 100)\n" FILTER_USAGE;
static const char ask_usage[] =
    "usage: fagpt ask [--json] [--extractive] [--pub ID] [--type SERIES] [--since DATE] [--until DATE]\n"
    "                 [--url URL] [--api API] [--model NAME] [QUESTION...]\n"
    "  Answers a question from the library with citations (publication, paragraph, printed page).\n"
    "  With no question, asks interactively: one question per line, an empty line or Ctrl-D ends; with a\n"
    "  model, a follow-up is first rewritten to stand alone from the previous question and answer.\n"
    "  With a model server the chat model answers from the best passages, citing them as [n], and the answer\n"
    "  streams to the terminal as it comes (\"mode\": \"llm\"). Without one, or when it fails, the answer\n"
    "  quotes the passages that answer it (\"mode\": \"extractive\") and a note says why. When the library\n"
    "  does not hold the answer, it says so (\"found\": false).\n"
    "  Ctrl-C stops an answer while the model writes it (and, at the interactive prompt, ends the session).\n"
    "  --extractive       do not ask the model server (as FAGPT_LLM=off)\n"
    FILTER_USAGE CLI_LLM_USAGE;

static char *join_args(int argc, char **argv)
{
    strbuf b = {0};
    for (int i = 0; i < argc; i++)
        sb_addf(&b, "%s%s", i ? " " : "", argv[i]);
    return sb_take(&b);
}

static int filter_opt(search_filter *f, int opt, const char *arg)
{
    switch (opt) {
    case 'P': f->publication = arg; return 1;
    case 'T': f->type = arg; return 1;
    case 'S': f->since = arg; return 1;
    case 'W': f->until = arg; return 1;
    default: return 0;
    }
}

int cmd_search(cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {{"k", required_argument, 0, 'k'}, FILTER_LONGOPTS, CLI_COMMON_LONGOPTS,
                                         {0, 0, 0, 0}};
    int k = 5, opt;
    search_filter filter = {0};
    while ((opt = getopt_long(argc, argv, "k:h", opts, NULL)) != -1) {
        int handled = cli_common_opt(c, opt, optarg, search_usage);
        if (handled < 0)
            return EXIT_OK;
        if (handled || filter_opt(&filter, opt, optarg))
            continue;
        if (opt != 'k')
            return cli_usage_error(search_usage, "unknown option");
        char *end;
        long n = strtol(optarg, &end, 10);
        if (*end || n < 1 || n > 100)
            return cli_usage_error(search_usage, "-k wants a number from 1 to 100, not '%s'", optarg);
        k = (int)n;
    }
    if (optind >= argc)
        return cli_usage_error(search_usage, "give a query, e.g. fagpt search clearance of fires");
    char *text = join_args(argc - optind, argv + optind);
    store *s = cli_store(c);
    if (!s) {
        free(text);
        return EXIT_USER;
    }
    fa_err e;
    search_query q;
    int rc = EXIT_OK;
    if (search_filter_check(&filter, &e) != 0) {
        rc = cli_error(c, "--%s", e.msg);
    } else if (search_prepare(s, text, &q, &e) != 0) {
        rc = cli_error(c, "%s", e.msg);
    } else if (search_restrict(s, &q, &filter, &e) != 0) {
        rc = cli_error(c, "%s", e.msg);
        search_query_free(&q);
    } else {
        store_hits hits = {0};
        if (search_run(s, &q, k, &hits, &e) != 0) {
            rc = cli_error(c, "%s", e.msg);
        } else if (c->json) {
            strbuf b = {0};
            search_results_json(&b, q.text, &hits);
            sb_addc(&b, '\n');
            fputs(b.s, stdout);
            sb_free(&b);
        } else {
            if (hits.n == 0)
                puts("No passage matches. Try other words, or check `fagpt docs` for what the library holds.");
            for (size_t i = 0; i < hits.n; i++) {
                const store_hit *h = &hits.v[i];
                char *cite = answer_cite(h->publication, h->doc, h->paragraph, h->page_label, h->page);
                printf("[%zu] %s  (%s)\n", i + 1, cite, h->section ? h->section : "");
                printf("    %.400s%s\n\n", h->text, strlen(h->text) > 400 ? "..." : "");
                free(cite);
            }
        }
        store_hits_free(&hits);
        search_query_free(&q);
    }
    free(text);
    store_close(s);
    return rc;
}

/* Set by Ctrl-C while the model answers: the request stops (llm_config.cancel). */
static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
    interrupted = 1;
}

/* Writes streamed tokens to the terminal as they arrive. */
static int print_token(const char *text, size_t n, void *arg)
{
    bool *printed = arg;
    fwrite(text, 1, n, stdout);
    fflush(stdout);
    *printed = true;
    return interrupted;
}

/* The model's answer when a server is configured, else (or when it fails) the extractive one with *note saying
 * why (heap; set once per reason so that an interactive session is not told on every line). standalone: the
 * follow-up question rewritten to stand alone, used for retrieval and the prompt, or NULL. *model_said (when
 * not NULL) gets the model's answer text, NULL when the answer was not the model's. */
static int ask_one(cli_ctx *c, store *s, const llm_config *cfg, const search_filter *filter, const char *question,
                   const char *standalone, char **note, char **model_said)
{
    answer a;
    fa_err e;
    bool streamed = false;
    int got = -1;
    const char *query = standalone ? standalone : question;
    if (model_said)
        *model_said = NULL;
    if (cfg->api != LLM_NONE) {
        interrupted = 0;
        got = llm_answer_for(cfg, s, query, filter, 5, c->json ? NULL : print_token, &streamed, &a, &e);
        if (got != 0 && interrupted) {
            if (streamed)
                fputs("\n", stdout);
            fflush(stdout);
            fputs("fagpt: stopped\n", stderr);
            return EXIT_USER;
        }
        if (got != 0) {
            free(*note);
            *note = xasprintf("%s; the answer %s is extractive (quoted from the library)", e.msg,
                              c->json ? "given" : "below");
        }
    }
    if (got != 0 && answer_extractive_for(s, query, filter, &a, &e) != 0)
        return cli_error(c, "%s", e.msg);
    if (standalone) {
        free(a.question);
        a.question = xstrdup(question);
    }
    if (model_said && !strcmp(a.mode, "llm"))
        *model_said = xstrdup(a.text);
    if (streamed)
        fputs(got == 0 ? "\n" : "\n\n", stdout);
    if (got != 0 && *note && **note) {
        fflush(stdout); /* the note follows what was streamed, never inside it */
        fprintf(stderr, "fagpt: note: %s\n", *note);
    }
    if (c->json) {
        strbuf b = {0};
        answer_json(&b, &a, standalone, got != 0 && *note && **note ? *note : NULL);
        sb_addc(&b, '\n');
        fputs(b.s, stdout);
        sb_free(&b);
    } else {
        if (!(streamed && got == 0))
            printf("%s\n", a.text);
        if (a.citations.n)
            puts("");
        for (size_t i = 0; i < a.citations.n; i++) {
            const answer_citation *ci = &a.citations.v[i];
            char *cite = answer_cite(ci->publication, ci->doc, ci->paragraph, ci->page_label, ci->page);
            printf("[%d] %s  (%s)\n", ci->n, cite, ci->doc);
            free(cite);
        }
    }
    fflush(stdout);
    if (got != 0 && *note && !c->json)
        **note = 0; /* told once on a terminal session; every JSON answer carries its own note */
    answer_free(&a);
    return EXIT_OK;
}

int cmd_ask(cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {{"extractive", no_argument, 0, 'x'}, FILTER_LONGOPTS, CLI_LLM_LONGOPTS,
                                         CLI_COMMON_LONGOPTS, {0, 0, 0, 0}};
    int opt;
    search_filter filter = {0};
    bool extractive = false;
    llm_flags flags = {0};
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int handled = cli_common_opt(c, opt, optarg, ask_usage);
        if (handled < 0)
            return EXIT_OK;
        if (handled || cli_llm_opt(&flags, opt, optarg) || filter_opt(&filter, opt, optarg))
            continue;
        if (opt != 'x')
            return cli_usage_error(ask_usage, "unknown option");
        extractive = true;
    }
    llm_config cfg = {0};
    fa_err e;
    char *note = NULL;
    if (search_filter_check(&filter, &e) != 0)
        return cli_error(c, "--%s", e.msg);
    if (!extractive) {
        if (llm_config_load(&cfg, &flags, &e) != 0)
            return cli_error(c, "%s", e.msg);
        if (cfg.api == LLM_NONE && !cfg.off)
            note = xasprintf("%s; answers are extractive (quoted from the library)", cfg.why_none);
        if (cfg.api != LLM_NONE) { /* no SA_RESTART: Ctrl-C also ends a wait for the next question */
            struct sigaction sa = {.sa_handler = on_sigint};
            sigemptyset(&sa.sa_mask);
            sigaction(SIGINT, &sa, NULL);
            cfg.cancel = &interrupted;
        }
    }
    store *s = cli_store(c);
    if (!s) {
        llm_config_free(&cfg);
        free(note);
        return EXIT_USER;
    }
    int rc = EXIT_OK;
    if (optind < argc) {
        char *q = join_args(argc - optind, argv + optind);
        rc = ask_one(c, s, &cfg, &filter, q, NULL, &note, NULL);
        free(q);
    } else {
        bool tty = isatty(0);
        if (tty)
            fputs("Ask about the library (empty line or Ctrl-D to quit).\n", stderr);
        char *line = NULL, *prev_q = NULL, *prev_a = NULL;
        size_t cap = 0;
        for (;;) {
            if (tty)
                fputs("\n> ", stderr);
            ssize_t n = getline(&line, &cap, stdin);
            if (n < 0)
                break;
            while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
                line[--n] = 0;
            if (n == 0 && tty)
                break;
            if (n == 0)
                continue;
            /* A follow-up to a model answer is first rewritten to stand alone ("and who approves it?"). */
            char *standalone = NULL, *said = NULL;
            fa_err re;
            interrupted = 0;
            if (prev_q && llm_rewrite_question(&cfg, prev_q, prev_a, line, &standalone, &re) == 0 &&
                !strcmp(standalone, line)) {
                free(standalone);
                standalone = NULL;
            }
            if (standalone && tty)
                fprintf(stderr, "(asking: %s)\n", standalone);
            free(prev_q);
            free(prev_a);
            prev_q = prev_a = NULL;
            if (interrupted)
                fputs("fagpt: stopped\n", stderr);
            else if (ask_one(c, s, &cfg, &filter, line, standalone, &note, &said) == EXIT_OK && said) {
                prev_q = xstrdup(standalone ? standalone : line);
                prev_a = said;
            }
            free(standalone);
        }
        free(prev_q);
        free(prev_a);
        free(line);
    }
    store_close(s);
    llm_config_free(&cfg);
    free(note);
    return rc;
}
