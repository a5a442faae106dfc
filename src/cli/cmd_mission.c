/*
 * cmd_mission.c - `fagpt mission`: reads a call for fire and an observer's corrections as the observer sends
 * them (ATP 3-09.30) and reads them back, or hands them on as JSON (a cff document `fagpt order render cff`
 * takes). Firing data is the ballistic computer's work (src/lib/fires) and is not computed here.
 */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"
#include "orders/orders.h"

static const char usage_main[] =
    "usage: fagpt mission COMMAND [OPTIONS] [TEXT...]\n\n"
    "Reads fire-mission traffic as the observer sends it (ATP 3-09.30).\n\n"
    "commands:\n"
    "  parse TEXT... | -i FILE   read a call for fire (three transmissions, each ending with OVER) and read it\n"
    "                            back; --json prints it as a cff document for `fagpt order render cff`\n"
    "  correct TEXT...           read an observer's correction (RIGHT 50 ADD 200, DROP 100, REPEAT,\n"
    "                            FIRE FOR EFFECT, END OF MISSION)\n\n"
    "example:\n"
    "  fagpt mission parse \"H24 THIS IS H66 ADJUST FIRE OVER / GRID 18SUJ 2339 0739 OVER /\n"
    "                       INFANTRY PLATOON IN THE OPEN OVER\"\n\n"
    "Firing data for the mission comes from the ballistic computer; this command does not compute it.\n";

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

int cmd_mission(cli_ctx *c, int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(usage_main, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USER : EXIT_OK;
    }
    if (!strcmp(argv[1], "parse")) return do_parse(c, argc - 1, argv + 1);
    if (!strcmp(argv[1], "correct")) return do_correct(c, argc - 1, argv + 1);
    return cli_usage_error(usage_main, "unknown mission command '%s'", argv[1]);
}
