/* cmd_define.c - `fagpt define TERM`: an acronym's expansion and a glossary term's definition, each with the
 * publication and printed page it comes from. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/json.h"
#include "store/store.h"

static const char define_usage[] =
    "usage: fagpt define [--json] TERM...\n"
    "  Prints what the library's glossaries say TERM means: the expansion of an acronym (\"FSCM\") and the\n"
    "  definition of a term (\"fire support\", or the acronym's expansion), each cited as publication and printed\n"
    "  page (\"ADP 3-19, p. Glossary-3\"). Several words make one term; quote it or not.\n";

static void cite(strbuf *b, const store_define_row *r)
{
    sb_add(b, r->publication ? r->publication : r->doc);
    if (r->page_label)
        sb_addf(b, ", p. %s", r->page_label);
    else
        sb_addf(b, ", PDF p. %d", r->page);
}

static void rows_json(strbuf *b, const char *key, const char *text_key, const store_define_rows *v)
{
    sb_addf(b, ", \"%s\": [", key);
    for (size_t i = 0; i < v->n; i++) {
        const store_define_row *r = &v->v[i];
        sb_add(b, i ? ", {\"term\": " : "{\"term\": ");
        json_str(b, r->term);
        sb_addf(b, ", \"%s\": ", text_key);
        json_str(b, r->text);
        sb_add(b, ", \"doc\": ");
        json_str(b, r->doc);
        sb_add(b, ", \"publication\": ");
        json_str(b, r->publication);
        sb_addf(b, ", \"page\": %d, \"page_label\": ", r->page);
        json_str(b, r->page_label);
        sb_add(b, ", \"citation\": ");
        strbuf c = {0};
        cite(&c, r);
        json_str(b, c.s);
        sb_free(&c);
        sb_addf(b, ", \"glossary\": %s}", r->glossary ? "true" : "false");
    }
    sb_addc(b, ']');
}

int cmd_define(cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {CLI_COMMON_LONGOPTS, {0, 0, 0, 0}};
    int opt;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int handled = cli_common_opt(c, opt, optarg, define_usage);
        if (handled < 0)
            return EXIT_OK;
        if (!handled)
            return cli_usage_error(define_usage, "unknown option");
    }
    if (optind >= argc)
        return cli_usage_error(define_usage, "name the term to define (\"FSCM\", \"fire support\")");
    strbuf term = {0};
    for (int i = optind; i < argc; i++) {
        if (i > optind)
            sb_addc(&term, ' ');
        sb_add(&term, argv[i]);
    }
    char *t = fa_trim(term.s);
    store *s = cli_store(c);
    if (!s) {
        sb_free(&term);
        return EXIT_USER;
    }
    store_define_rows exps = {0}, defs = {0};
    fa_err e;
    int rc = store_define(s, t, &exps, &defs, &e);
    store_close(s);
    if (rc != 0) {
        sb_free(&term);
        return cli_error(c, "%s", e.msg);
    }
    bool found = exps.n || defs.n;
    strbuf b = {0};
    if (c->json) {
        sb_add(&b, "{\"term\": ");
        json_str(&b, t);
        sb_addf(&b, ", \"found\": %s", found ? "true" : "false");
        rows_json(&b, "expansions", "expansion", &exps);
        rows_json(&b, "definitions", "definition", &defs);
        sb_add(&b, "}\n");
    } else if (!found) {
        sb_addf(&b, "No glossary in the library defines \"%s\". Try `fagpt search %s`, or ingest the publication "
                    "that defines it.\n", t, t);
    } else {
        for (size_t i = 0; i < exps.n; i++) {
            sb_addf(&b, "%s  %s  (", exps.v[i].term, exps.v[i].text);
            cite(&b, &exps.v[i]);
            sb_add(&b, exps.v[i].glossary ? ")\n" : ", first use in the text)\n");
        }
        for (size_t i = 0; i < defs.n; i++) {
            sb_addf(&b, "%s%s\n  %s\n  (", i || exps.n ? "\n" : "", defs.v[i].term, defs.v[i].text);
            cite(&b, &defs.v[i]);
            sb_add(&b, ")\n");
        }
    }
    fputs(b.s, found || c->json ? stdout : stderr);
    sb_free(&b);
    store_define_rows_free(&exps);
    store_define_rows_free(&defs);
    sb_free(&term);
    return found ? EXIT_OK : EXIT_USER;
}
