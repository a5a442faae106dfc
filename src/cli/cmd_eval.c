/*
 * cmd_eval.c - `fagpt eval FILE.jsonl`: scores retrieval on a question set in the format of
 * shared/eval/retrieval-dev.jsonl (see its README): a hit is a result in the item's document whose page span
 * meets the item's pages (or an `also` entry's); recall@1/3/5/10 and MRR@10 over answerable items; and the
 * share of unanswerable items (doc null) that `ask` answers with found = false.
 */
#include <stdlib.h>
#include <string.h>

#include "answer/answer.h"
#include "cli.h"
#include "core/json.h"
#include "search/search.h"
#include "store/store.h"

static const char eval_usage[] =
    "usage: fagpt eval [--json] [--verbose] FILE.jsonl\n"
    "  Scores retrieval and abstention on a question set (one JSON object per line with question, doc, pages,\n"
    "  optional also [{doc, pages}]; doc null marks a question the library cannot answer).\n";

static bool pages_meet(const json_value *pages, int from, int to)
{
    for (size_t i = 0; pages && pages->type == JSON_ARRAY && i < pages->n; i++) {
        int p = (int)pages->items[i]->num;
        if (p >= from && p <= to)
            return true;
    }
    return false;
}

static bool is_hit(const json_value *item, const store_hit *h)
{
    const char *doc = json_get_str(item, "doc", NULL);
    if (doc && !strcmp(doc, h->doc) && pages_meet(json_get(item, "pages"), h->page, h->page_end))
        return true;
    const json_value *also = json_get(item, "also");
    for (size_t i = 0; also && also->type == JSON_ARRAY && i < also->n; i++) {
        const char *d = json_get_str(also->items[i], "doc", NULL);
        if (d && !strcmp(d, h->doc) && pages_meet(json_get(also->items[i], "pages"), h->page, h->page_end))
            return true;
    }
    return false;
}

int cmd_eval(cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {{"verbose", no_argument, 0, 'v'}, CLI_COMMON_LONGOPTS, {0, 0, 0, 0}};
    int opt;
    bool verbose = false;
    while ((opt = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
        int handled = cli_common_opt(c, opt, optarg, eval_usage);
        if (handled < 0)
            return EXIT_OK;
        if (handled)
            continue;
        if (opt != 'v')
            return cli_usage_error(eval_usage, "unknown option");
        verbose = true;
    }
    if (optind + 1 != argc)
        return cli_usage_error(eval_usage, "name one question file");
    fa_err e;
    size_t len;
    char *text = fa_read_file(argv[optind], &len, &e);
    if (!text)
        return cli_error(c, "%s", e.msg);
    store *s = cli_store(c);
    if (!s) {
        free(text);
        return EXIT_USER;
    }
    const int ks[] = {1, 3, 5, 10};
    int answerable = 0, hits_at[4] = {0}, unanswerable = 0, abstained = 0, false_not_found = 0, lineno = 0, bad = 0;
    double mrr = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        lineno++;
        if (!*fa_trim(line))
            continue;
        json_value *item = json_parse(line, strlen(line), &e);
        const char *question = item ? json_get_str(item, "question", NULL) : NULL;
        if (!question) {
            fprintf(stderr, "fagpt: %s line %d: %s\n", argv[optind], lineno,
                    item ? "no \"question\" string" : e.msg);
            json_free(item);
            bad++;
            continue;
        }
        bool can_answer = json_get_str(item, "doc", NULL) != NULL;
        answer a;
        bool found = answer_extractive(s, question, &a, &e) == 0 && a.found;
        if (found || a.question)
            answer_free(&a);
        if (!can_answer) {
            unanswerable++;
            abstained += !found;
            if (verbose)
                printf("%-6s unanswerable %s\n", json_get_str(item, "id", "?"), found ? "ANSWERED" : "abstained");
            json_free(item);
            continue;
        }
        answerable++;
        false_not_found += !found;
        search_query q;
        store_hits hits = {0};
        int rank = 0;
        if (search_prepare(s, question, &q, &e) == 0) {
            if (search_run(s, &q, 10, &hits, &e) == 0)
                for (size_t i = 0; i < hits.n && !rank; i++)
                    if (is_hit(item, &hits.v[i]))
                        rank = (int)i + 1;
            search_query_free(&q);
        }
        for (int k = 0; k < 4; k++)
            hits_at[k] += rank && rank <= ks[k];
        if (rank)
            mrr += 1.0 / rank;
        if (verbose)
            printf("%-6s rank %-2d %s %s | top: %s p%d\n", json_get_str(item, "id", "?"), rank,
                   found ? "found" : "NOT-FOUND", question, hits.n ? hits.v[0].doc : "-", hits.n ? hits.v[0].page : 0);
        store_hits_free(&hits);
        json_free(item);
    }
    free(text);
    store_close(s);
    double n = answerable ? answerable : 1;
    if (c->json) {
        printf("{\"answerable\": %d, \"recall_at_1\": %.3f, \"recall_at_3\": %.3f, \"recall_at_5\": %.3f, "
               "\"recall_at_10\": %.3f, \"mrr\": %.3f, \"unanswerable\": %d, \"abstention\": %.3f, "
               "\"false_not_found\": %.3f, \"bad_lines\": %d}\n",
               answerable, hits_at[0] / n, hits_at[1] / n, hits_at[2] / n, hits_at[3] / n, mrr / n, unanswerable,
               unanswerable ? (double)abstained / unanswerable : 1.0, false_not_found / n, bad);
    } else {
        printf("answerable %d: recall@1 %.3f  recall@3 %.3f  recall@5 %.3f  recall@10 %.3f  MRR %.3f\n", answerable,
               hits_at[0] / n, hits_at[1] / n, hits_at[2] / n, hits_at[3] / n, mrr / n);
        printf("unanswerable %d: correctly not found %d; answerable reported not found: %d\n", unanswerable, abstained,
               false_not_found);
    }
    return bad ? EXIT_PARTIAL : EXIT_OK;
}
