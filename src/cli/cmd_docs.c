/* cmd_docs.c - `fagpt docs`, `fagpt rm DOC` and `fagpt quarantine`: what the library holds. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ingest/ingest.h"
#include "core/json.h"
#include "store/store.h"

static const char docs_usage[] =
    "usage: fagpt docs [--json] [DOC]\n"
    "  DOCTRINE says whether each is current or superseded, and by what: a newer edition in the library, one\n"
    "  whose cover says it supersedes it, or the 2019 reform (every ADRP rescinded into the ADP of its number).\n"
    "  Lists the documents in the library: id, publication, title, date, pages, chunks, status, file.\n"
    "  With DOC (an id, a file name or a publication id): that document, and the pages the document model\n"
    "  (FAGPT_DOC_MODEL) was asked to convert at ingest: why each was chosen, the model, and whether its reading\n"
    "  replaced the heuristic one (--json: \"page_conversions\").\n";
static const char rm_usage[] =
    "usage: fagpt rm [--json] DOC...\n"
    "  Removes documents from the library. DOC is a document id, a file name or a publication id (\"ADP 3-19\").\n";
static const char quarantine_usage[] =
    "usage: fagpt quarantine [--json]\n"
    "  Lists the files that could not be ingested, with the reason and what to do. `fagpt retry` tries again.\n";

static int parse_common(cli_ctx *c, int argc, char **argv, const char *usage)
{
    static const struct option opts[] = {CLI_COMMON_LONGOPTS, {0, 0, 0, 0}};
    int opt;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int handled = cli_common_opt(c, opt, optarg, usage);
        if (handled < 0)
            return -1;
        if (!handled)
            return cli_usage_error(usage, "unknown option"), -2;
    }
    return 0;
}

/* `fagpt docs DOC`: the document and its pages converted by the document model. */
static int doc_detail(cli_ctx *c, store *s, const char *ref)
{
    store_doc d;
    if (cli_find_doc(c, s, ref, &d) != 0)
        return EXIT_USER;
    store_page_conversions pc = {0};
    fa_err e;
    if (store_page_conversions_list(s, d.id, &pc, &e) != 0) {
        store_doc_free(&d);
        return cli_error(c, "%s", e.msg);
    }
    if (c->json) {
        strbuf b = {0};
        store_doc_json(&b, &d, true);
        if (b.len && b.s[b.len - 1] == '}')
            b.s[--b.len] = 0;
        sb_add(&b, ", \"page_conversions\": ");
        store_page_conversions_json(&b, &pc);
        sb_add(&b, "}\n");
        fputs(b.s, stdout);
        sb_free(&b);
    } else {
        printf("%s%s%s (%s): %d pages, %d chunks, %s\n", d.publication ? d.publication : "", d.publication ? " " : "",
               d.title ? d.title : "-", d.file_name, d.pages, d.chunks, d.status);
        if (!pc.n)
            puts("No page was sent to a document model (FAGPT_DOC_MODEL) at ingest.");
        for (size_t i = 0; i < pc.n; i++) {
            const store_page_conversion *x = &pc.v[i];
            printf("page %d%s%s%s: %s; %s %s%s%s\n", x->page, x->page_label ? " (printed " : "",
                   x->page_label ? x->page_label : "", x->page_label ? ")" : "", x->reason,
                   x->converted ? "converted by" : "kept the heuristic reading, not converted by", x->model,
                   x->detail ? ": " : "", x->detail ? x->detail : "");
        }
    }
    store_page_conversions_free(&pc);
    store_doc_free(&d);
    return EXIT_OK;
}

int cmd_docs(cli_ctx *c, int argc, char **argv)
{
    int p = parse_common(c, argc, argv, docs_usage);
    if (p == -1)
        return EXIT_OK;
    if (p)
        return EXIT_USER;
    if (optind + 1 < argc)
        return cli_usage_error(docs_usage, "docs takes at most one DOC");
    store *s = cli_store(c);
    if (!s)
        return EXIT_USER;
    if (optind < argc) {
        int rc = doc_detail(c, s, argv[optind]);
        store_close(s);
        return rc;
    }
    store_docs docs = {0};
    fa_err e;
    if (store_list_documents(s, &docs, &e) != 0) {
        store_close(s);
        return cli_error(c, "%s", e.msg);
    }
    if (c->json) {
        strbuf b = {0};
        sb_addc(&b, '[');
        for (size_t i = 0; i < docs.n; i++) {
            sb_add(&b, i ? ",\n " : "");
            store_doc_json(&b, &docs.v[i], true);
        }
        sb_add(&b, "]\n");
        fputs(b.s, stdout);
        sb_free(&b);
    } else if (docs.n == 0) {
        puts("The library is empty. Add PDFs with `fagpt ingest FILE_OR_FOLDER`.");
    } else {
        printf("%4s  %-12s %-34s %-18s %5s %6s  %-6s %-28s %s\n", "ID", "PUBLICATION", "TITLE", "DATE", "PAGES",
               "CHUNKS", "STATUS", "DOCTRINE", "FILE");
        for (size_t i = 0; i < docs.n; i++) {
            const store_doc *d = &docs.v[i];
            char doctrine[96] = "current";
            if (d->superseded_by) {
                long date = doc_date_value(d->superseded_by_date);
                if (date)
                    snprintf(doctrine, sizeof doctrine, "superseded by %s (%ld)",
                             d->superseded_by_pub ? d->superseded_by_pub : "?", date / 10000);
                else
                    snprintf(doctrine, sizeof doctrine, "superseded by %s",
                             d->superseded_by_pub ? d->superseded_by_pub : "?");
            }
            printf("%4lld  %-12s %-34.34s %-18s %5d %6d  %-6s %-28s %s\n", d->id,
                   d->publication ? d->publication : "-", d->title ? d->title : "-", d->date ? d->date : "-", d->pages,
                   d->chunks, d->status, doctrine, d->file_name);
        }
    }
    store_docs_free(&docs);
    store_close(s);
    return EXIT_OK;
}

int cmd_rm(cli_ctx *c, int argc, char **argv)
{
    int p = parse_common(c, argc, argv, rm_usage);
    if (p == -1)
        return EXIT_OK;
    if (p)
        return EXIT_USER;
    if (optind >= argc)
        return cli_usage_error(rm_usage, "name the document to remove (id, file name or publication id)");
    store *s = cli_store(c);
    if (!s)
        return EXIT_USER;
    int removed = 0, missing = 0;
    strbuf out = {0};
    sb_addc(&out, '[');
    for (int i = optind; i < argc; i++) {
        store_doc d;
        fa_err e;
        int found = store_find_doc(s, argv[i], &d, &e);
        if (found <= 0) {
            missing++;
            if (found < 0)
                fprintf(stderr, "fagpt: %s\n", e.msg);
            else
                fprintf(stderr, "fagpt: no document '%s' in the library (see `fagpt docs`)\n", argv[i]);
            continue;
        }
        if (store_delete_document(s, d.id, &e) != 0) {
            fprintf(stderr, "fagpt: %s\n", e.msg);
            missing++;
        } else {
            removed++;
            char *figures_dir = xasprintf("%s/figures", cli_home(c));
            ingest_remove_figures(figures_dir, d.file_name);
            free(figures_dir);
            if (c->json) {
                sb_addf(&out, "%s{\"removed\": %lld, \"doc\": ", removed > 1 ? ", " : "", d.id);
                json_str(&out, d.file_name);
                sb_addc(&out, '}');
            } else {
                printf("removed %lld %s (%s)\n", d.id, d.file_name, d.publication ? d.publication : "no publication id");
            }
        }
        store_doc_free(&d);
    }
    sb_add(&out, "]\n");
    if (c->json)
        fputs(out.s, stdout);
    sb_free(&out);
    store_close(s);
    return missing == 0 ? EXIT_OK : removed ? EXIT_PARTIAL : EXIT_USER;
}

int cmd_quarantine(cli_ctx *c, int argc, char **argv)
{
    int p = parse_common(c, argc, argv, quarantine_usage);
    if (p == -1)
        return EXIT_OK;
    if (p)
        return EXIT_USER;
    store *s = cli_store(c);
    if (!s)
        return EXIT_USER;
    store_quarantine_list q = {0};
    fa_err e;
    if (store_quarantine_list_all(s, &q, &e) != 0) {
        store_close(s);
        return cli_error(c, "%s", e.msg);
    }
    if (c->json) {
        strbuf b = {0};
        sb_addc(&b, '[');
        for (size_t i = 0; i < q.n; i++) {
            sb_add(&b, i ? ",\n {\"path\": " : "{\"path\": ");
            json_str(&b, q.v[i].path);
            sb_add(&b, ", \"reason\": ");
            json_str(&b, q.v[i].reason);
            sb_add(&b, ", \"at\": ");
            json_str(&b, q.v[i].at);
            sb_addc(&b, '}');
        }
        sb_add(&b, "]\n");
        fputs(b.s, stdout);
        sb_free(&b);
    } else if (q.n == 0) {
        puts("The quarantine is empty.");
    } else {
        for (size_t i = 0; i < q.n; i++)
            printf("%s\n    %s\n", q.v[i].path, q.v[i].reason);
        puts("Fix or replace the files, then run `fagpt retry`.");
    }
    store_quarantine_list_free(&q);
    store_close(s);
    return EXIT_OK;
}
