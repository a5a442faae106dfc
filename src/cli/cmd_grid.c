/* cmd_grid.c - `fagpt grid`: convert a position between MGRS, UTM/UPS and latitude/longitude, and the geometry
 * between two points (distance, azimuth, vertical interval, angle of site), polar plots and shifts. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/json.h"
#include "fires/fires.h"

static const char usage[] =
    "usage: fagpt grid convert POS [--json]\n"
    "       fagpt grid between A B [--alt-a M] [--alt-b M] [--json]\n"
    "       fagpt grid polar OBS --dir MILS --dist M [--alt M] [--up M | --down M] [--json]\n"
    "       fagpt grid shift KNOWN --dir MILS [--right M | --left M] [--add M | --drop M] [--alt M]\n"
    "                        [--up M | --down M] [--json]\n"
    "\n"
    "Positions (WGS84): MGRS at 1 m .. 10 km (\"18SUJ2338308450\", \"18S UJ 233 084\"), UTM (\"18N 323383 4308450\",\n"
    "N/S = hemisphere), UPS (\"N 2000000 1555731\"), latitude/longitude (\"38.9072 -77.0369\", \"38d54'26\\\"N 77d02'13\\\"W\").\n"
    "Quote a position that has spaces. An MGRS square is taken at its centre.\n"
    "\n"
    "  convert   every form of POS, with grid convergence and scale\n"
    "  between   grid distance and grid azimuth (mils, 6400 to the circle, and degrees), true azimuth,\n"
    "            vertical interval and angle of site from A to B\n"
    "  polar     target from an observer: grid direction, distance and up/down\n"
    "  shift     target from a known point: direction observer-target, right/left, add/drop, up/down\n";

enum { O_ALT_A = 1000, O_ALT_B, O_DIR, O_DIST, O_ALT, O_UP, O_DOWN, O_RIGHT, O_LEFT, O_ADD, O_DROP };

static void pos_text(const fires_pos *p)
{
    char mg[64], mgs[64], utm[96], dms[128];
    fa_err e;
    if (fires_pos_mgrs(p, 5, false, mg, sizeof mg, &e) != 0)
        snprintf(mg, sizeof mg, "%s", "(none)");
    if (fires_pos_mgrs(p, 5, true, mgs, sizeof mgs, &e) != 0)
        snprintf(mgs, sizeof mgs, "%s", "");
    fires_pos_utm_str(p, utm, sizeof utm);
    fires_pos_dms_str(p, dms, sizeof dms);
    printf("MGRS         %s  (%s)\n", mg, mgs);
    printf("             ");
    for (int d = 4; d >= 1; d--) {
        char m[64];
        if (fires_pos_mgrs(p, d, false, m, sizeof m, &e) == 0)
            printf("%s%s", m, d > 1 ? "  " : "");
    }
    printf("  (10 m .. 10 km)\n");
    printf("%-12s %s\n", p->zone ? "UTM" : "UPS", utm);
    printf("Lat/lon      %.6f %.6f\n", p->lat, p->lon);
    printf("DMS          %s\n", dms);
    printf("Convergence  %.4f deg (%.2f mils), scale %.6f\n", p->convergence_deg, p->convergence_deg * 6400.0 / 360.0,
           p->scale);
    if (p->mgrs_digits >= 0)
        printf("Input        MGRS to %g m\n", pow(10.0, 5 - p->mgrs_digits));
}

static int num(cli_ctx *c, const char *arg, const char *field, double *out)
{
    fa_err e;
    if (fires_parse_num(arg, field, out, &e) != 0) {
        cli_error(c, "%s", e.msg);
        return -1;
    }
    return 0;
}

static int parse_pos(cli_ctx *c, const char *text, const char *what, fires_pos *p)
{
    fa_err e;
    if (fires_pos_parse(text, p, &e) != 0) {
        cli_error(c, "%s: %s", what, e.msg);
        return -1;
    }
    return 0;
}

int cmd_grid(cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {
        {"alt-a", required_argument, 0, O_ALT_A}, {"alt-b", required_argument, 0, O_ALT_B},
        {"dir", required_argument, 0, O_DIR},     {"dist", required_argument, 0, O_DIST},
        {"alt", required_argument, 0, O_ALT},     {"up", required_argument, 0, O_UP},
        {"down", required_argument, 0, O_DOWN},   {"right", required_argument, 0, O_RIGHT},
        {"left", required_argument, 0, O_LEFT},   {"add", required_argument, 0, O_ADD},
        {"drop", required_argument, 0, O_DROP},   CLI_COMMON_LONGOPTS, {0, 0, 0, 0}};
    double alt_a = 0, alt_b = 0, dir = NAN, dist = NAN, alt = 0, up = 0, right = 0, add = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, "hJH:", opts, NULL)) != -1) {
        int r = cli_common_opt(c, opt, optarg, usage);
        if (r < 0)
            return EXIT_OK;
        if (r > 0)
            continue;
        double v;
        const char *name = "";
        for (const struct option *o = opts; o->name; o++)
            if (o->val == opt)
                name = o->name;
        if (opt == '?')
            return cli_usage_error(usage, "unknown option");
        char field[32];
        snprintf(field, sizeof field, "--%s", name);
        if (num(c, optarg, field, &v) != 0)
            return EXIT_USER;
        switch (opt) {
        case O_ALT_A: alt_a = v; break;
        case O_ALT_B: alt_b = v; break;
        case O_DIR: dir = v; break;
        case O_DIST: dist = v; break;
        case O_ALT: alt = v; break;
        case O_UP: up = v; break;
        case O_DOWN: up = -v; break;
        case O_RIGHT: right = v; break;
        case O_LEFT: right = -v; break;
        case O_ADD: add = v; break;
        case O_DROP: add = -v; break;
        }
    }
    if (optind >= argc)
        return cli_usage_error(usage, "grid: say convert, between, polar or shift");
    const char *sub = argv[optind++];
    int npos = argc - optind;
    strbuf b = {0};
    if (!strcmp(sub, "convert")) {
        if (npos < 1)
            return cli_usage_error(usage, "grid convert: give a position");
        /* `fagpt grid convert 18S UJ 23383 08450` works unquoted: the words are one position */
        strbuf t = {0};
        for (int i = optind; i < argc; i++) {
            if (t.len)
                sb_addc(&t, ' ');
            sb_add(&t, argv[i]);
        }
        fires_pos p;
        int rc = parse_pos(c, t.s, "POS", &p);
        sb_free(&t);
        if (rc)
            return EXIT_USER;
        if (c->json) {
            fires_pos_json(&b, &p, 0, false);
            printf("%s\n", b.s);
        } else {
            pos_text(&p);
        }
    } else if (!strcmp(sub, "between")) {
        if (npos != 2)
            return cli_usage_error(usage, "grid between: give two positions A and B (quote those with spaces)");
        fires_pos a, p2;
        if (parse_pos(c, argv[optind], "A", &a) || parse_pos(c, argv[optind + 1], "B", &p2))
            return EXIT_USER;
        fires_geom g;
        fa_err e;
        if (fires_between(&a, alt_a, &p2, alt_b, &g, &e) != 0)
            return cli_error(c, "%s", e.msg);
        if (c->json) {
            fires_between_json(&b, &a, alt_a, &p2, alt_b, &g);
            printf("%s\n", b.s);
        } else {
            printf("Grid distance      %.1f m\n", g.grid_dist_m);
            printf("Grid azimuth       %.1f mils  (%.2f deg)\n", g.grid_az_mils, g.grid_az_deg);
            printf("True azimuth       %.1f mils  (%.2f deg), convergence %.1f mils\n", g.true_az_mils, g.true_az_deg,
                   g.convergence_mils);
            printf("Geodesic distance  %.1f m (WGS84)\n", g.geodesic_m);
            printf("Vertical interval  %+.1f m\n", g.vi_m);
            printf("Angle of site      %+.1f mils\n", g.site_mils);
        }
    } else if (!strcmp(sub, "polar") || !strcmp(sub, "shift")) {
        bool polar = !strcmp(sub, "polar");
        if (npos != 1)
            return cli_usage_error(usage, "grid %s: give one position (quote it if it has spaces)", sub);
        if (isnan(dir))
            return cli_usage_error(usage, "grid %s: --dir MILS is required", sub);
        if (polar && isnan(dist))
            return cli_usage_error(usage, "grid polar: --dist M is required");
        fires_pos o, t;
        if (parse_pos(c, argv[optind], polar ? "OBS" : "KNOWN", &o))
            return EXIT_USER;
        fa_err e;
        int rc = polar ? fires_polar(&o, dir, dist, &t, &e) : fires_shift(&o, dir, right, add, &t, &e);
        if (rc != 0)
            return cli_error(c, "%s", e.msg);
        if (c->json) {
            sb_add(&b, "{\"target\": ");
            fires_pos_json(&b, &t, alt + up, true);
            sb_add(&b, "}");
            printf("%s\n", b.s);
        } else {
            pos_text(&t);
            printf("Altitude     %.1f m\n", alt + up);
        }
    } else {
        return cli_usage_error(usage, "grid: unknown subcommand '%s'", sub);
    }
    sb_free(&b);
    return EXIT_OK;
}
