/* cmd_migrate.c - `fagpt migrate --to postgres://...`: copies this machine's SQLite library into PostgreSQL and
 * prints the rows of every table on both sides. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/json.h"
#include "store/store.h"

static const char usage[] =
    "usage: fagpt migrate --to URL [--from FILE] [--json]\n"
    "  Copies an SQLite library (default: the one --db, FAGPT_DB or the data folder names) into the PostgreSQL\n"
    "  database URL (postgres://USER@HOST/DB; PGHOST, PGPASSWORD... fill what it omits): documents, pages,\n"
    "  chunks, terms, definitions, links, vectors, quarantine, jobs, and every other table both schemas have,\n"
    "  with their ids, in one transaction. The full-text index is rebuilt from the same tokens. The target must\n"
    "  hold no documents. Afterwards the rows of each table are counted on both sides and must agree.\n"
    "  Then point the servers at it: --db URL, FAGPT_DB or DATABASE_URL.\n"
    "Exit status: 0 when every table's counts agree, 1 otherwise.\n";

int cmd_migrate(cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {{"to", required_argument, 0, 't'}, {"from", required_argument, 0, 'f'},
                                         CLI_COMMON_LONGOPTS, {0, 0, 0, 0}};
    const char *to = NULL, *from = NULL;
    int opt;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int handled = cli_common_opt(c, opt, optarg, usage);
        if (handled < 0)
            return EXIT_OK;
        if (handled)
            continue;
        if (opt == 't')
            to = optarg;
        else if (opt == 'f')
            from = optarg;
        else
            return cli_usage_error(usage, "unknown option");
    }
    if (optind < argc)
        return cli_usage_error(usage, "migrate takes no arguments besides --to and --from");
    if (!to || !store_is_url(to))
        return cli_usage_error(usage, "--to wants a postgres:// or postgresql:// URL");
    char *src = from ? xstrdup(from) : cli_db_name(c);
    if (!src)
        return EXIT_USER;
    if (store_is_url(src)) {
        free(src);
        return cli_usage_error(usage, "the source must be an SQLite file; name it with --from FILE");
    }
    store_table_counts counts = {0};
    fa_err e = {{0}};
    int rc = store_migrate_to_pg(src, to, &counts, &e);
    if (c->json) {
        strbuf b = {0};
        sb_add(&b, "{\"from\": ");
        json_str(&b, src);
        sb_addf(&b, ", \"ok\": %s, \"tables\": [", rc == 0 ? "true" : "false");
        for (size_t i = 0; i < counts.n; i++) {
            sb_add(&b, i ? ", " : "");
            sb_add(&b, "{\"table\": ");
            json_str(&b, counts.v[i].table);
            sb_addf(&b, ", \"sqlite\": %lld, \"postgres\": %lld}", counts.v[i].source, counts.v[i].target);
        }
        sb_add(&b, "], \"error\": ");
        json_str(&b, rc == 0 ? NULL : e.msg);
        sb_add(&b, "}\n");
        fputs(b.s, stdout);
        sb_free(&b);
    } else if (counts.n) {
        printf("%-20s %12s %12s\n", "table", "sqlite", "postgres");
        for (size_t i = 0; i < counts.n; i++)
            printf("%-20s %12lld %12lld%s\n", counts.v[i].table, counts.v[i].source, counts.v[i].target,
                   counts.v[i].source == counts.v[i].target ? "" : "  MISMATCH");
    }
    if (rc != 0)
        fprintf(stderr, "fagpt: %s\n", e.msg);
    else if (!c->json)
        printf("copied %s to PostgreSQL: every table's counts agree\n", src);
    store_table_counts_free(&counts);
    free(src);
    return rc == 0 ? EXIT_OK : EXIT_USER;
}
