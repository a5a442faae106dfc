/*
 * cmd_mission.c - `fagpt mission`: reads a call for fire and an observer's corrections as the observer sends
 * them (ATP 3-09.30) and reads them back, or hands them on as JSON (a cff document `fagpt order render cff`
 * takes); and walks a fire mission (start, correct, show, list) over orders_mission_* (src/lib/orders/mission.c),
 * which computes firing data with the ballistic computer. Missions are stored as $FAGPT_HOME/missions/ID.json.
 */
#include "cli.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "fires/fires.h"
#include "orders/orders.h"

static const char usage_main[] =
    "usage: fagpt mission COMMAND [OPTIONS] [TEXT...]\n\n"
    "Walks a fire mission from the call for fire to end of mission, and reads fire-mission traffic as the\n"
    "observer sends it (ATP 3-09.30).\n\n"
    "commands:\n"
    "  start --battery POS --weapon W --projectile P [OPTIONS] (TEXT... | -i FILE)\n"
    "                            begin a fire mission from a call for fire: locate the target, compute firing\n"
    "                            data, print the fire order, fire commands and message to observer\n"
    "  correct ID TEXT... [--ot MILS]\n"
    "                            apply the observer's correction to mission ID along the observer-target line\n"
    "                            and recompute (RIGHT 50 ADD 200, DROP 100, UP 20, REPEAT, FIRE FOR EFFECT,\n"
    "                            END OF MISSION)\n"
    "  show ID                   the mission log: every round with its target and firing data (--json: the record)\n"
    "  list                      the stored missions\n"
    "  parse TEXT... | -i FILE   read a call for fire (three transmissions, each ending with OVER) and read it\n"
    "                            back; --json prints it as a cff document for `fagpt order render cff`\n"
    "  correct TEXT...           read an observer's correction (RIGHT 50 ADD 200, DROP 100, REPEAT,\n"
    "                            FIRE FOR EFFECT, END OF MISSION)\n\n"
    "example:\n"
    "  fagpt mission start --battery 18SUJ2338308450 --weapon M777A2 --projectile M107 --aof 3200 \\\n"
    "      \"H24 THIS IS H66 ADJUST FIRE OVER / GRID 18SUJ 2339 0739 OVER / INFANTRY PLATOON IN THE OPEN OVER\"\n"
    "  fagpt mission correct AA0001 RIGHT 50 ADD 200 --ot 4800\n\n"
    "Firing data is " FIRES_LABEL ".\n";

static const char usage_start[] =
    "usage: fagpt mission start --battery POS [--battery-alt M] --weapon W --projectile P [--charge C]\n"
    "                           [--angle low|high] [--fuze F] [--aof MILS] [--observer POS [--observer-alt M]]\n"
    "                           [--target-alt M] [--known-point POS [--known-point-alt M]] [--ot MILS]\n"
    "                           [--id AB1001] [--ffe-rounds N] [--data DIR] (TEXT... | -i FILE) [--json]\n\n"
    "Begins a fire mission from a call for fire (ATP 3-09.30) and fires the first round:\n"
    "  target    GRID as sent (altitude --target-alt, else the battery's); POLAR from --observer with its\n"
    "            altitude plus UP/DOWN; SHIFT from a known point: a stored mission of that number, else\n"
    "            --known-point POS (altitude --known-point-alt, else the battery's), plus UP/DOWN\n"
    "  data      the ballistic computer (as `fagpt fire solve`, full model, ICAO standard atmosphere): charge\n"
    "            (the lowest that reaches with 5 % to spare unless --charge), QE, deflection with --aof (3200 +\n"
    "            AOF - azimuth to fire), site, time of flight, fuze time, angle of fall, angle T\n"
    "  products  the fire order (TC 3-09.81), fire commands, and the message to observer\n"
    "  --ot      the observer-target direction for corrections; otherwise the call's DIRECTION, or the\n"
    "            direction from --observer to the target\n"
    "  --id      the target number (default: the next free AA0001..); --fuze Quick (default), Time, VT...;\n"
    "            --ffe-rounds rounds in effect (3); --data DIR the folder holding fires/ (or FAGPT_DATA)\n"
    "The mission is stored as $FAGPT_HOME/missions/ID.json. Output is " FIRES_LABEL ".\n";

static const char usage_adjust[] =
    "usage: fagpt mission correct ID TEXT... [--ot MILS] [--json]\n\n"
    "Applies an observer's correction to mission ID (ATP 3-09.30): LEFT/RIGHT n moves the adjusting point\n"
    "perpendicular to the observer-target line, ADD/DROP n along it, UP/DOWN n in height (meters); REPEAT fires\n"
    "the same data again; FIRE FOR EFFECT (with or without a shift) fires the rounds in effect; END OF MISSION\n"
    "closes the mission. Firing data is recomputed for every round. --ot MILS sets the OT direction.\n"
    "Without ID, `correct TEXT...` only reads the correction back.\n";

static const char usage_show[] =
    "usage: fagpt mission show ID [--json]\n       fagpt mission list [--json]\n\n"
    "show: the log of mission ID, every round with its call, target and firing data; --json: the stored record.\n"
    "list: the stored missions with their status, rounds and target.\n";

static const char usage_parse[] =
    "usage: fagpt mission parse [TEXT... | -i FILE] [--json]\n\n"
    "Reads a call for fire: observer identification and warning order, target location (GRID, POLAR\n"
    "DIRECTION/DISTANCE, or SHIFT from a known point), target description with method of engagement and of fire\n"
    "and control. An element that cannot be read is quoted with what was expected.\n"
    "  -i, --input FILE   read the call for fire from FILE ('-': standard input)\n"
    "      --json         print the call for fire as a cff document (fagpt order render cff takes it)\n";

static const char usage_correct[] =
    "usage: fagpt mission correct TEXT... [--json]\n\n"
    "Reads an observer's correction along the observer-target line: LEFT/RIGHT n, ADD/DROP n, UP/DOWN n (meters),\n"
    "REPEAT, FIRE FOR EFFECT, END OF MISSION.\n"
    "      --json         {\"lateral_m\": .., \"range_m\": .., \"vertical_m\": .., \"repeat\": .., ...}\n";

static const struct option longopts[] = {{"input", required_argument, 0, 'i'}, CLI_COMMON_LONGOPTS, {0, 0, 0, 0}};

/* Options, then the words of the message (or the file named by -i). NULL after printing an error or help;
 * *rc says which exit status to return then. */
static char *read_text(cli_ctx *c, int argc, char **argv, const char *usage, int *rc)
{
    const char *input = NULL;
    optind = 1;
    opterr = 0;
    int opt;
    *rc = EXIT_USER;
    while ((opt = getopt_long(argc, argv, "i:h", longopts, NULL)) != -1) {
        int r = cli_common_opt(c, opt, optarg, usage);
        if (r < 0) {
            *rc = EXIT_OK;
            return NULL;
        }
        if (r > 0)
            continue;
        if (opt == 'i') {
            input = optarg;
            continue;
        }
        cli_usage_error(usage, "unknown or incomplete option '%s'", argv[optind - 1]);
        return NULL;
    }
    if (input && optind < argc) {
        cli_usage_error(usage, "give the message as words or with -i FILE, not both");
        return NULL;
    }
    if (input) {
        fa_err e;
        char *t = fa_read_file(!strcmp(input, "-") ? "/dev/stdin" : input, NULL, &e);
        if (!t)
            cli_error(c, "%s", e.msg);
        return t;
    }
    if (optind >= argc) {
        cli_usage_error(usage, "no message given");
        return NULL;
    }
    strbuf b = {0};
    for (int i = optind; i < argc; i++)
        sb_addf(&b, "%s%s", i > optind ? " " : "", argv[i]);
    return sb_take(&b);
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int do_parse(cli_ctx *c, int argc, char **argv)
{
    int rc;
    char *text = read_text(c, argc, argv, usage_parse, &rc);
    if (!text)
        return rc;
    fa_err e;
    json_value *doc = orders_cff_parse(text, &e);
    free(text);
    if (!doc)
        return cli_error(c, "call for fire: %s", e.msg);
    strbuf out = {0};
    if (c->json) {
        orders_json_write(&out, doc);
        rc = 0;
    } else {
        rc = orders_render("cff", doc, ORDERS_TXT, NULL, &out, &e);
    }
    json_free(doc);
    if (rc != 0) {
        sb_free(&out);
        return cli_error(c, "call for fire: %s", e.msg);
    }
    fputs(out.s, stdout);
    sb_free(&out);
    return EXIT_OK;
}

static int do_correct(cli_ctx *c, int argc, char **argv)
{
    int rc;
    char *text = read_text(c, argc, argv, usage_correct, &rc);
    if (!text)
        return rc;
    fa_err e;
    orders_correction k;
    rc = orders_correction_parse(text, &k, &e);
    free(text);
    if (rc != 0)
        return cli_error(c, "correction: %s", e.msg);
    if (c->json) {
        printf("{\"lateral_m\": %d, \"range_m\": %d, \"vertical_m\": %d, \"repeat\": %s, \"fire_for_effect\": %s, "
               "\"end_of_mission\": %s}\n", k.lateral_m, k.range_m, k.vertical_m, k.repeat ? "true" : "false",
               k.fire_for_effect ? "true" : "false", k.end_of_mission ? "true" : "false");
        return EXIT_OK;
    }
    strbuf b = {0};
    if (k.lateral_m)
        sb_addf(&b, "%s%s %d", b.len ? ", " : "", k.lateral_m > 0 ? "RIGHT" : "LEFT", abs(k.lateral_m));
    if (k.range_m)
        sb_addf(&b, "%s%s %d", b.len ? ", " : "", k.range_m > 0 ? "ADD" : "DROP", abs(k.range_m));
    if (k.vertical_m)
        sb_addf(&b, "%s%s %d", b.len ? ", " : "", k.vertical_m > 0 ? "UP" : "DOWN", abs(k.vertical_m));
    if (k.repeat)
        sb_addf(&b, "%sREPEAT", b.len ? ", " : "");
    if (k.fire_for_effect)
        sb_addf(&b, "%sFIRE FOR EFFECT", b.len ? ", " : "");
    if (k.end_of_mission)
        sb_addf(&b, "%sEND OF MISSION", b.len ? ", " : "");
    printf("%s, OVER\n", b.s);
    sb_free(&b);
    return EXIT_OK;
}

/* $FAGPT_HOME/missions, or NULL after printing an error. */
static char *missions_dir(cli_ctx *c)
{
    const char *home = cli_home(c);
    return home ? xasprintf("%s/missions", home) : NULL;
}

/* The next free target number AA0001, AA0002, ... in dir. */
static void next_id(const char *dir, char out[8])
{
    int max = 0;
    DIR *d = opendir(dir);
    for (struct dirent *de; d && (de = readdir(d));) {
        char id[8];
        if (strlen(de->d_name) == 11 && !strcmp(de->d_name + 6, ".json") && !strncmp(de->d_name, "AA", 2)) {
            snprintf(id, sizeof id, "%.6s", de->d_name);
            if (orders_target_number_ok(id) && atoi(id + 2) > max)
                max = atoi(id + 2);
        }
    }
    if (d)
        closedir(d);
    snprintf(out, 8, "AA%04d", (max + 1) % 10000);
}

/* Prints the latest round of m: JSON {"id", "status", "label", "round"} or the FDC's readout. */
static void print_round(cli_ctx *c, const json_value *m)
{
    const json_value *rs = json_get(m, "rounds"), *r = json_at(rs, rs->n - 1);
    strbuf b = {0};
    if (c->json) {
        orders_mission_round_json(&b, m, false);
        sb_addc(&b, '\n');
    } else {
        orders_mission_round_text(m, r, &b);
    }
    fputs(b.s, stdout);
    sb_free(&b);
}

static int save_and_print(cli_ctx *c, const char *dir, json_value *m)
{
    fa_err e;
    if (orders_mission_save(dir, m, &e) != 0)
        return cli_error(c, "%s", e.msg);
    print_round(c, m);
    return EXIT_OK;
}

enum { O_BATTERY = 1000, O_BALT, O_WEAPON, O_PROJ, O_CHARGE, O_ANGLE, O_FUZE, O_AOF, O_OBS, O_OALT, O_TALT, O_KP,
       O_KPALT, O_OT, O_ID, O_FFE, O_DATA };

static int do_start(cli_ctx *c, int argc, char **argv)
{
    static const struct option lo[] = {
        {"battery", required_argument, 0, O_BATTERY}, {"battery-alt", required_argument, 0, O_BALT},
        {"weapon", required_argument, 0, O_WEAPON}, {"projectile", required_argument, 0, O_PROJ},
        {"charge", required_argument, 0, O_CHARGE}, {"angle", required_argument, 0, O_ANGLE},
        {"fuze", required_argument, 0, O_FUZE}, {"aof", required_argument, 0, O_AOF},
        {"observer", required_argument, 0, O_OBS}, {"observer-alt", required_argument, 0, O_OALT},
        {"target-alt", required_argument, 0, O_TALT}, {"known-point", required_argument, 0, O_KP},
        {"known-point-alt", required_argument, 0, O_KPALT}, {"ot", required_argument, 0, O_OT},
        {"id", required_argument, 0, O_ID}, {"ffe-rounds", required_argument, 0, O_FFE},
        {"data", required_argument, 0, O_DATA}, {"input", required_argument, 0, 'i'}, CLI_COMMON_LONGOPTS,
        {0, 0, 0, 0}};
    orders_mission_in in = {.aof = NAN, .target_alt = NAN, .known_point_alt = NAN, .ot = NAN};
    const char *input = NULL;
    optind = 1;
    opterr = 0;
    int opt;
    fa_err e;
    while ((opt = getopt_long(argc, argv, "i:h", lo, NULL)) != -1) {
        int r = cli_common_opt(c, opt, optarg, usage_start);
        if (r < 0)
            return EXIT_OK;
        if (r > 0)
            continue;
        double v = 0;
        if (opt == O_BALT || opt == O_AOF || opt == O_OALT || opt == O_TALT || opt == O_KPALT || opt == O_OT ||
            opt == O_FFE) {
            if (fires_parse_num(optarg, argv[optind - 1], &v, &e) != 0)
                return cli_error(c, "%s", e.msg);
        }
        switch (opt) {
        case O_BATTERY: in.battery = optarg; break;
        case O_BALT: in.battery_alt = v; break;
        case O_WEAPON: in.weapon = optarg; break;
        case O_PROJ: in.projectile = optarg; break;
        case O_CHARGE: in.charge = optarg; break;
        case O_ANGLE: in.angle = optarg; break;
        case O_FUZE: in.fuze = optarg; break;
        case O_AOF: in.aof = fires_mils_wrap(v); break;
        case O_OBS: in.observer = optarg; break;
        case O_OALT: in.observer_alt = v; break;
        case O_TALT: in.target_alt = v; break;
        case O_KP: in.known_point = optarg; break;
        case O_KPALT: in.known_point_alt = v; break;
        case O_OT: in.ot = fires_mils_wrap(v); break;
        case O_ID: in.id = optarg; break;
        case O_FFE:
            if (v < 1 || v > 99 || v != floor(v))
                return cli_error(c, "--ffe-rounds: %s must be a whole number of rounds, 1 to 99", optarg);
            in.ffe_rounds = (int)v;
            break;
        case O_DATA: in.data = optarg; break;
        case 'i': input = optarg; break;
        default: return cli_usage_error(usage_start, "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    if (!in.battery || !in.weapon || !in.projectile)
        return cli_usage_error(usage_start, "--battery POS, --weapon W and --projectile P are required");
    if (in.angle && strcmp(in.angle, "low") && strcmp(in.angle, "high"))
        return cli_error(c, "--angle: '%s' is not low or high", in.angle);
    if (input && optind < argc)
        return cli_usage_error(usage_start, "give the call for fire as words or with -i FILE, not both");
    if (!input && optind >= argc)
        return cli_usage_error(usage_start, "no call for fire given");
    char *text;
    if (input) {
        if (!(text = fa_read_file(!strcmp(input, "-") ? "/dev/stdin" : input, NULL, &e)))
            return cli_error(c, "%s", e.msg);
    } else {
        strbuf b = {0};
        for (int i = optind; i < argc; i++)
            sb_addf(&b, "%s%s", i > optind ? " " : "", argv[i]);
        text = sb_take(&b);
    }
    char *dir = missions_dir(c);
    int rc = EXIT_USER;
    char id[8];
    json_value *known = NULL, *m = NULL;
    if (!dir)
        goto out;
    if (!in.id) {
        next_id(dir, id);
        in.id = id;
    } else if (!orders_target_number_ok(in.id)) {
        cli_error(c, "--id: '%s' is not a target number (two capital letters and four digits, e.g. AB1001)", in.id);
        goto out;
    }
    char *path = xasprintf("%s/%s.json", dir, in.id);
    FILE *f = fopen(path, "r");
    free(path);
    if (f) {
        fclose(f);
        cli_error(c, "--id: mission %s exists (fagpt mission show %s); choose another target number", in.id, in.id);
        goto out;
    }
    /* SHIFT AB1001: the known point may be a stored mission */
    json_value *cff = orders_cff_parse(text, &e);
    if (cff) {
        const char *kp = json_get_str(json_get(cff, "location"), "known_point", NULL);
        if (kp && orders_target_number_ok(kp))
            known = orders_mission_load(dir, kp, &e);
        in.known = known;
        json_free(cff);
    }
    if (!(m = orders_mission_start(&in, text, &e))) {
        cli_error(c, "%s", e.msg);
        goto out;
    }
    rc = save_and_print(c, dir, m);
out:
    json_free(m);
    json_free(known);
    free(dir);
    free(text);
    return rc;
}

/* `correct ID TEXT...`: argv[0] is "correct". */
static int do_adjust(cli_ctx *c, int argc, char **argv)
{
    static const struct option lo[] = {{"ot", required_argument, 0, O_OT}, CLI_COMMON_LONGOPTS, {0, 0, 0, 0}};
    double ot = NAN;
    optind = 1;
    opterr = 0;
    int opt;
    fa_err e;
    while ((opt = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        int r = cli_common_opt(c, opt, optarg, usage_adjust);
        if (r < 0)
            return EXIT_OK;
        if (r > 0)
            continue;
        if (opt != O_OT)
            return cli_usage_error(usage_adjust, "unknown or incomplete option '%s'", argv[optind - 1]);
        if (fires_parse_num(optarg, "--ot", &ot, &e) != 0)
            return cli_error(c, "%s", e.msg);
    }
    if (optind + 1 >= argc)
        return cli_usage_error(usage_adjust, "give the mission id and the correction");
    const char *id = argv[optind];
    strbuf b = {0};
    for (int i = optind + 1; i < argc; i++)
        sb_addf(&b, "%s%s", i > optind + 1 ? " " : "", argv[i]);
    char *dir = missions_dir(c);
    int rc = EXIT_USER;
    json_value *m = NULL;
    if (!dir)
        goto out;
    if (!(m = orders_mission_load(dir, id, &e))) {
        cli_error(c, "%s", e.msg);
        goto out;
    }
    if (orders_mission_correct(m, b.s, ot, &e) != 0) {
        cli_error(c, "mission %s: %s", id, e.msg);
        goto out;
    }
    rc = save_and_print(c, dir, m);
out:
    json_free(m);
    free(dir);
    sb_free(&b);
    return rc;
}

/* show ID / list: argv[0] is the command. */
static int do_show(cli_ctx *c, int argc, char **argv, bool list)
{
    optind = 1;
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        int r = cli_common_opt(c, opt, optarg, usage_show);
        if (r < 0)
            return EXIT_OK;
        if (r == 0)
            return cli_usage_error(usage_show, "unknown or incomplete option '%s'", argv[optind - 1]);
    }
    if (list ? optind != argc : optind + 1 != argc)
        return cli_usage_error(usage_show, list ? "mission list takes no arguments" : "give one mission id");
    char *dir = missions_dir(c);
    if (!dir)
        return EXIT_USER;
    fa_err e;
    strbuf b = {0};
    int rc = EXIT_OK;
    if (!list) {
        json_value *m = orders_mission_load(dir, argv[optind], &e);
        if (!m)
            rc = cli_error(c, "%s", e.msg);
        else if (c->json)
            orders_json_write(&b, m);
        else
            orders_mission_log_text(m, &b);
        json_free(m);
    } else {
        str_vec ids = {0};
        DIR *d = opendir(dir);
        for (struct dirent *de; d && (de = readdir(d));) {
            size_t n = strlen(de->d_name);
            if (n == 11 && !strcmp(de->d_name + 6, ".json"))
                VEC_PUSH(ids, xstrndup(de->d_name, 6));
        }
        if (d)
            closedir(d);
        qsort(ids.v, ids.n, sizeof *ids.v, cmp_str);
        sb_add(&b, c->json ? "{\"missions\": [" : "");
        int k = 0;
        for (size_t i = 0; i < ids.n; i++) {
            json_value *m = orders_mission_load(dir, ids.v[i], &e);
            if (!m)
                continue;
            const json_value *rs = json_get(m, "rounds"), *r0 = json_at(rs, 0);
            const char *tgt = json_get_str(json_get(r0, "target"), "mgrs", "");
            const char *desc = json_get_str(json_get(m, "cff"), "target_description", "");
            if (c->json) {
                if (k)
                    sb_add(&b, ", ");
                orders_mission_summary_json(&b, ids.v[i], m);
            } else {
                sb_addf(&b, "%s  %-16s %2zu round(s)  %s  %s\n", ids.v[i], json_get_str(m, "status", ""), rs->n, tgt,
                        desc);
            }
            k++;
            json_free(m);
        }
        if (c->json)
            sb_add(&b, "]}\n");
        else if (!k)
            sb_addf(&b, "no missions in %s (fagpt mission start begins one)\n", dir);
        str_vec_free(&ids);
    }
    if (b.s)
        fputs(b.s, stdout);
    sb_free(&b);
    free(dir);
    return rc;
}

int cmd_mission(cli_ctx *c, int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(usage_main, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USER : EXIT_OK;
    }
    if (!strcmp(argv[1], "parse")) return do_parse(c, argc - 1, argv + 1);
    if (!strcmp(argv[1], "correct")) {
        /* correct ID TEXT: a stored mission's correction; correct TEXT: read it back */
        for (int i = 2; i < argc; i++) {
            if (!strcmp(argv[i], "--ot")) {
                i++;
                continue;
            }
            if (argv[i][0] == '-')
                continue;
            if (orders_target_number_ok(argv[i]))
                return do_adjust(c, argc - 1, argv + 1);
            break;
        }
        return do_correct(c, argc - 1, argv + 1);
    }
    if (!strcmp(argv[1], "start")) return do_start(c, argc - 1, argv + 1);
    if (!strcmp(argv[1], "show")) return do_show(c, argc - 1, argv + 1, false);
    if (!strcmp(argv[1], "list")) return do_show(c, argc - 1, argv + 1, true);
    return cli_usage_error(usage_main, "unknown mission command '%s'", argv[1]);
}
