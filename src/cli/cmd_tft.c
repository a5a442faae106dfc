/* cmd_tft.c - `fagpt tft`: the tabular firing tables read from a document's TFT pages, and the firing data for a
 * range interpolated between the table's rows as an FDC reads a TFT. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/json.h"
#include "store/store.h"

static const char tft_usage[] =
    "usage: fagpt tft list --doc DOC [--json]\n"
    "       fagpt tft lookup --doc DOC --charge C --range M [--weapon W] [--projectile P] [--json]\n"
    "  list    the firing tables found on DOC's TFT pages: weapon, projectile, charge, pages, rows, range span\n"
    "  lookup  the table's row values at range M (meters): a listed range as printed, any other range\n"
    "          interpolated linearly between the two rows that bracket it (TC 3-09.81). --weapon and\n"
    "          --projectile choose among tables of the same charge.\n"
    "  DOC is a document id, a file name or a publication id. The values are those printed in the document;\n"
    "  check them against the authoritative fire-control system.\n";

static bool matches(const char *want, const char *have)
{
    return !want || (have && !strcasecmp(want, have));
}

static void page_text(char *buf, size_t n, const store_firing_table *t)
{
    if (t->page_label)
        snprintf(buf, n, "p. %s%s", t->page_label, t->page_end > t->page ? " ff." : "");
    else if (t->page_end > t->page)
        snprintf(buf, n, "PDF pp. %d-%d", t->page, t->page_end);
    else
        snprintf(buf, n, "PDF p. %d", t->page);
}

static void num_json(strbuf *b, double v)
{
    if (isnan(v))
        sb_add(b, "null");
    else
        sb_addf(b, "%.10g", v);
}

int cmd_tft(cli_ctx *c, int argc, char **argv)
{
    enum { DOC = 1000, CHARGE, RANGE, WEAPON, PROJ };
    static const struct option opts[] = {{"doc", required_argument, 0, DOC}, {"charge", required_argument, 0, CHARGE},
                                         {"range", required_argument, 0, RANGE},
                                         {"weapon", required_argument, 0, WEAPON},
                                         {"projectile", required_argument, 0, PROJ}, CLI_COMMON_LONGOPTS, {0, 0, 0, 0}};
    const char *doc = NULL, *charge = NULL, *weapon = NULL, *proj = NULL, *range_s = NULL;
    int opt;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case DOC: doc = optarg; continue;
        case CHARGE: charge = optarg; continue;
        case RANGE: range_s = optarg; continue;
        case WEAPON: weapon = optarg; continue;
        case PROJ: proj = optarg; continue;
        }
        int handled = cli_common_opt(c, opt, optarg, tft_usage);
        if (handled < 0)
            return EXIT_OK;
        if (!handled)
            return cli_usage_error(tft_usage, "unknown option");
    }
    if (optind + 1 != argc || (strcmp(argv[optind], "list") && strcmp(argv[optind], "lookup")))
        return cli_usage_error(tft_usage, "say list or lookup");
    bool lookup = !strcmp(argv[optind], "lookup");
    if (!doc)
        return cli_usage_error(tft_usage, "--doc names the document that holds the firing table");
    double range = 0;
    if (lookup) {
        char *end = NULL;
        range = range_s ? strtod(range_s, &end) : NAN;
        if (!range_s || *end || !(range >= 0) || range > 1e6)
            return cli_usage_error(tft_usage, "--range wants a range in meters, such as 4550");
    }
    store *s = cli_store(c);
    if (!s)
        return EXIT_USER;
    store_doc d;
    fa_err e;
    int found = store_find_doc(s, doc, &d, &e);
    if (found != 1) {
        store_close(s);
        if (found < 0)
            return cli_error(c, "%s", e.msg);
        return cli_error(c, "no document \"%s\" in the library; `fagpt docs` lists them", doc);
    }
    const char *name = d.publication ? d.publication : d.file_name;
    store_firing_table_list list = {0};
    int rc = store_firing_tables(s, d.id, &list, &e);
    strbuf b = {0};
    if (rc != 0) {
        rc = cli_error(c, "%s", e.msg);
    } else if (!lookup) {
        if (c->json) {
            sb_add(&b, "{\"doc\": ");
            json_str(&b, d.file_name);
            sb_add(&b, ", \"firing_tables\": [");
            for (size_t i = 0; i < list.n; i++) {
                const store_firing_table *t = &list.v[i];
                sb_addf(&b, "%s{\"n\": %d, \"weapon\": ", i ? ", " : "", t->seq);
                json_str(&b, t->weapon);
                sb_add(&b, ", \"projectile\": ");
                json_str(&b, t->projectile);
                sb_add(&b, ", \"charge\": ");
                json_str(&b, t->charge);
                sb_addf(&b, ", \"page\": %d, \"page_end\": %d, \"page_label\": ", t->page, t->page_end);
                json_str(&b, t->page_label);
                sb_addf(&b, ", \"rows\": %d, \"range_min\": %.10g, \"range_max\": %.10g}", t->rows, t->range_min,
                        t->range_max);
            }
            sb_add(&b, "]}\n");
        } else {
            sb_addf(&b, "%s: %zu firing table%s\n", name, list.n, list.n == 1 ? "" : "s");
            for (size_t i = 0; i < list.n; i++) {
                const store_firing_table *t = &list.v[i];
                char page[48];
                page_text(page, sizeof page, t);
                sb_addf(&b, "%3d  %-8s %-8s charge %-4s %-14s %4d rows, %.0f to %.0f m\n", t->seq,
                        t->weapon ? t->weapon : "-", t->projectile ? t->projectile : "-", t->charge ? t->charge : "-",
                        page, t->rows, t->range_min, t->range_max);
            }
        }
        rc = EXIT_OK;
    } else {
        const store_firing_table *pick = NULL;
        int candidates = 0;
        for (size_t i = 0; i < list.n; i++)
            if (matches(charge, list.v[i].charge) && matches(weapon, list.v[i].weapon) &&
                matches(proj, list.v[i].projectile)) {
                candidates++;
                if (!pick)
                    pick = &list.v[i];
            }
        doc_firing_table t = {0};
        if (!list.n) {
            rc = cli_error(c, "%s has no tabular firing table (`fagpt tft list --doc %s` shows what was found)", name,
                           doc);
        } else if (!pick) {
            rc = cli_error(c, "%s has no firing table for charge %s; `fagpt tft list --doc %s` lists its charges",
                           name, charge ? charge : "(none given)", doc);
        } else if (candidates > 1) {
            rc = cli_error(c, "%s has %d firing tables that match; name --charge, --weapon or --projectile", name,
                           candidates);
        } else if (store_firing_table_get(s, d.id, pick->seq, &t, &e) != 1) {
            rc = cli_error(c, "the firing table could not be read: %s", e.msg);
        } else {
            double *v = xcalloc((size_t)t.ncols + 1, sizeof *v);
            int lo, hi;
            if (doc_tft_lookup(&t, range, v, &lo, &hi, &e) != 0) {
                rc = cli_error(c, "%s", e.msg);
            } else {
                double rlo = t.values[(size_t)lo * (size_t)t.ncols + (size_t)t.range_col],
                       rhi = t.values[(size_t)hi * (size_t)t.ncols + (size_t)t.range_col];
                char page[48];
                page_text(page, sizeof page, pick);
                if (c->json) {
                    sb_add(&b, "{\"doc\": ");
                    json_str(&b, d.file_name);
                    sb_add(&b, ", \"publication\": ");
                    json_str(&b, d.publication);
                    sb_add(&b, ", \"weapon\": ");
                    json_str(&b, t.weapon);
                    sb_add(&b, ", \"projectile\": ");
                    json_str(&b, t.projectile);
                    sb_add(&b, ", \"charge\": ");
                    json_str(&b, t.charge);
                    sb_addf(&b, ", \"range_m\": %.10g, \"interpolated\": %s, \"bracket\": [%.10g, %.10g], \"page\": %d,"
                            " \"page_label\": ", range, lo == hi ? "false" : "true", rlo, rhi, pick->page);
                    json_str(&b, pick->page_label);
                    sb_add(&b, ", \"values\": {");
                    for (int k = 0; k < t.ncols; k++) {
                        sb_add(&b, k ? ", " : "");
                        json_str(&b, t.keys[k]);
                        sb_add(&b, ": ");
                        num_json(&b, v[k]);
                    }
                    sb_add(&b, "}, \"columns\": [");
                    for (int k = 0; k < t.ncols; k++) {
                        sb_add(&b, k ? ", {\"heading\": " : "{\"heading\": ");
                        json_str(&b, t.headings[k]);
                        sb_add(&b, ", \"key\": ");
                        json_str(&b, t.keys[k]);
                        sb_addc(&b, '}');
                    }
                    sb_add(&b, "]}\n");
                } else {
                    sb_addf(&b, "%s %s charge %s, range %.0f m (%s, %s", t.weapon ? t.weapon : "-",
                            t.projectile ? t.projectile : "-", t.charge ? t.charge : "-", range, name, page);
                    if (lo == hi)
                        sb_add(&b, "; a listed range)\n");
                    else
                        sb_addf(&b, "; interpolated between %.0f and %.0f m)\n", rlo, rhi);
                    for (int k = 0; k < t.ncols; k++) {
                        sb_addf(&b, "  %-22s ", t.headings[k]);
                        if (isnan(v[k]))
                            sb_add(&b, "-\n");
                        else
                            sb_addf(&b, "%.10g\n", v[k]);
                    }
                    sb_add(&b, "Values from the document's table; check against the authoritative fire-control "
                               "system.\n");
                }
                rc = EXIT_OK;
            }
            free(v);
        }
        doc_firing_table_free(&t);
    }
    if (rc == EXIT_OK)
        fputs(b.s, stdout);
    sb_free(&b);
    store_firing_table_list_free(&list);
    store_doc_free(&d);
    store_close(s);
    return rc;
}
