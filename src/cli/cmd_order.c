/*
 * cmd_order.c - `fagpt order`: list the products, write a filled-in example, validate an input file, and render
 * it as Markdown, plain text, HTML, PDF or DOCX (the work is in src/lib/orders).
 */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/json.h"
#include "orders/orders.h"

static const char usage_main[] =
    "usage: fagpt order COMMAND [OPTIONS]\n\n"
    "Orders and fire-support products in doctrinal formats.\n\n"
    "commands:\n"
    "  types                        list the product types\n"
    "  schema TYPE                  print the fields of TYPE's input (a Markdown table, as in docs/orders.md)\n"
    "  new TYPE [-o FILE]           write a filled-in example input to start from\n"
    "  new TYPE --interactive -o FILE  ask for each field in turn and write the input\n"
    "  validate TYPE INPUT          check an input file; every problem is named by its field path\n"
    "  render TYPE INPUT [--format md|txt|html|pdf|docx] [-o OUT]\n"
    "                               render a product (format defaults to OUT's extension, else md)\n\n"
    "INPUT is a JSON or YAML file (schemas in docs/orders.md); '-' reads standard input.\n"
    "Run `fagpt order COMMAND --help` for a command's options; `fagpt order types` for the TYPEs.\n";

static const char usage_new[] =
    "usage: fagpt order new TYPE [-o FILE] [--interactive] [--force] [--json]\n\n"
    "Writes a complete example input of product TYPE (to standard output, or FILE) to edit and render.\n"
    "  -i, --interactive   ask for each field instead (prompts on standard error, answers from standard input;\n"
    "                      Enter leaves an optional field out); a wrong answer is asked again with the reason\n"
    "  -o, --output FILE   write to FILE (refuses to replace an existing file without --force)\n"
    "      --force         replace FILE if it exists\n"
    "      --json          report what was written as JSON\n";

static const char usage_validate[] =
    "usage: fagpt order validate TYPE INPUT [--json]\n\n"
    "Checks INPUT against the schema of TYPE and lists every missing, mistyped or unknown field with its path\n"
    "(execution.tasks[2].unit: required). Exit status 0 when valid, 1 otherwise.\n"
    "      --json          {\"valid\": bool, \"type\": ..., \"issues\": [{\"path\": ..., \"message\": ...}]}\n";

static const char usage_render[] =
    "usage: fagpt order render TYPE INPUT [--format FORMAT] [-o OUT] [--templates DIR] [--json]\n\n"
    "Validates INPUT and renders product TYPE. Nothing is written when a field is wrong.\n"
    "  -f, --format FORMAT  md, txt, html, pdf or docx (default: from OUT's extension, else md)\n"
    "  -o, --output OUT     output file ('-' or none: standard output; PDF and DOCX need a file)\n"
    "      --templates DIR  use templates from DIR where it has them (default: $FAGPT_DATA/templates, then the\n"
    "                       templates built into fagpt from data/templates)\n"
    "      --json           report what was written as JSON\n";

static const char usage_schema[] =
    "usage: fagpt order schema TYPE [--json]\n\nPrints the fields of TYPE's input as a Markdown table: path, type, "
    "required, allowed values.\n      --json   the same as JSON: {\"type\", \"doctrine\", \"fields\": [...]}\n";

static const char usage_types[] = "usage: fagpt order types [--json]\n\nLists the product types and their doctrine.\n";

enum { OPT_FORCE = 1000, OPT_TEMPLATES };

/* Asks on standard error, reads one line of standard input. */
static int ask_terminal(void *ud, const char *prompt, strbuf *answer)
{
    (void)ud;
    fputs(prompt, stderr);
    fflush(stderr);
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, stdin);
    if (n < 0) {
        free(line);
        fputc('\n', stderr);
        return -1;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = 0;
    if (!isatty(0))
        fprintf(stderr, "%s\n", line); /* answers from a file: keep the transcript readable */
    sb_add(answer, line);
    free(line);
    return 0;
}

static const struct option longopts[] = {
    {"output", required_argument, 0, 'o'}, {"format", required_argument, 0, 'f'},
    {"force", no_argument, 0, OPT_FORCE}, {"interactive", no_argument, 0, 'i'}, {"templates", required_argument, 0, OPT_TEMPLATES},
    CLI_COMMON_LONGOPTS, {0, 0, 0, 0}};

typedef struct {
    const char *output, *format, *templates;
    bool force, interactive;
    int nargs;
    char **args;
} order_opts;

/* Parses the options of a subcommand (argv[0] is its name); returns 0, 1 on a usage error, -1 after --help. */
static int parse(cli_ctx *c, int argc, char **argv, const char *usage, order_opts *o)
{
    optind = 1;
    opterr = 0;
    int opt;
    while ((opt = getopt_long(argc, argv, "o:f:ih", longopts, NULL)) != -1) {
        int r = cli_common_opt(c, opt, optarg, usage);
        if (r < 0)
            return -1;
        if (r > 0)
            continue;
        switch (opt) {
        case 'o': o->output = optarg; break;
        case 'f': o->format = optarg; break;
        case OPT_FORCE: o->force = true; break;
        case 'i': o->interactive = true; break;
        case OPT_TEMPLATES: o->templates = optarg; break;
        default:
            return cli_usage_error(usage, "unknown or incomplete option '%s'", argv[optind - 1]);
        }
    }
    o->nargs = argc - optind;
    o->args = argv + optind;
    return 0;
}

static int check_type(cli_ctx *c, const char *type)
{
    if (orders_type_summary(type))
        return 0;
    strbuf b = {0};
    for (const char *const *t = orders_types(); *t; t++)
        sb_addf(&b, "%s%s", t == orders_types() ? "" : ", ", *t);
    cli_error(c, "unknown product type '%s' (known: %s)", type, b.s);
    sb_free(&b);
    return EXIT_USER;
}

/* Writes data to path through a temporary file renamed into place, so a failed run leaves no half file. */
static int write_out(cli_ctx *c, const char *path, const char *data, size_t len, bool force)
{
    if (!path || !strcmp(path, "-")) {
        if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0)
            return cli_error(c, "cannot write to standard output: %s", strerror(errno));
        return 0;
    }
    if (!force && access(path, F_OK) == 0)
        return cli_error(c, "%s exists; use --force to replace it", path);
    char *tmp = xasprintf("%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        int rc = cli_error(c, "cannot create %s: %s", tmp, strerror(errno));
        free(tmp);
        return rc;
    }
    bool ok = fwrite(data, 1, len, f) == len;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        int rc = cli_error(c, "cannot write %s: %s", path, strerror(errno));
        unlink(tmp);
        free(tmp);
        return rc;
    }
    free(tmp);
    return 0;
}

static json_value *load_input(cli_ctx *c, const char *path)
{
    fa_err e;
    size_t len;
    char *text = fa_read_file(!strcmp(path, "-") ? "/dev/stdin" : path, &len, &e);
    if (!text) {
        cli_error(c, "%s", e.msg);
        return NULL;
    }
    json_value *doc = orders_parse_input(text, len, &e);
    free(text);
    if (!doc)
        cli_error(c, "%s: %s", path, e.msg);
    return doc;
}

static int do_types(cli_ctx *c, int argc, char **argv)
{
    order_opts o = {0};
    int r = parse(c, argc, argv, usage_types, &o);
    if (r)
        return r < 0 ? EXIT_OK : EXIT_USER;
    strbuf b = {0};
    if (c->json)
        sb_add(&b, "{\"types\": [");
    for (const char *const *t = orders_types(); *t; t++) {
        if (c->json) {
            sb_add(&b, t == orders_types() ? "{\"type\": " : ", {\"type\": ");
            json_str(&b, *t);
            sb_add(&b, ", \"summary\": ");
            json_str(&b, orders_type_summary(*t));
            sb_add(&b, "}");
        } else {
            sb_addf(&b, "  %-12s %s\n", *t, orders_type_summary(*t));
        }
    }
    if (c->json)
        sb_add(&b, "]}\n");
    fputs(b.s, stdout);
    sb_free(&b);
    return EXIT_OK;
}

static int do_schema(cli_ctx *c, int argc, char **argv)
{
    order_opts o = {0};
    int r = parse(c, argc, argv, usage_schema, &o);
    if (r)
        return r < 0 ? EXIT_OK : EXIT_USER;
    if (o.nargs != 1)
        return cli_usage_error(usage_schema, "expected one TYPE");
    if (check_type(c, o.args[0]))
        return EXIT_USER;
    strbuf b = {0};
    if (c->json)
        orders_schema_json(o.args[0], &b);
    else
        orders_schema_markdown(o.args[0], &b);
    fputs(b.s, stdout);
    sb_free(&b);
    return EXIT_OK;
}

static int do_new(cli_ctx *c, int argc, char **argv)
{
    order_opts o = {0};
    int r = parse(c, argc, argv, usage_new, &o);
    if (r)
        return r < 0 ? EXIT_OK : EXIT_USER;
    if (o.nargs != 1)
        return cli_usage_error(usage_new, "expected one TYPE");
    if (check_type(c, o.args[0]))
        return EXIT_USER;
    bool to_stdout = !o.output || !strcmp(o.output, "-");
    if (c->json && to_stdout)
        return cli_error(c, "--json needs -o FILE (the example itself is JSON)");
    if (!o.force && !to_stdout && access(o.output, F_OK) == 0)
        return cli_error(c, "%s exists; use --force to replace it", o.output);
    strbuf text = {0};
    orders_issues is = {0};
    if (o.interactive) {
        fa_err e;
        fprintf(stderr, "New %s (%s). Answer each field; Enter leaves an optional one out.\n", o.args[0],
                orders_type_summary(o.args[0]));
        json_value *doc = orders_interview(o.args[0], ask_terminal, NULL, &e);
        if (!doc)
            return cli_error(c, "%s; nothing written", e.msg);
        orders_json_write(&text, doc);
        orders_validate(o.args[0], doc, &is);
        json_free(doc);
    } else {
        sb_add(&text, orders_example(o.args[0]));
    }
    int wrc = write_out(c, o.output, text.s, text.len, o.force);
    sb_free(&text);
    if (wrc) {
        orders_issues_free(&is);
        return EXIT_USER;
    }
    /* Rules across fields (a polar mission needs a distance...) are checked once the whole input is there. */
    for (size_t i = 0; i < is.n; i++)
        fprintf(stderr, "%s: %s: %s\n", to_stdout ? "input" : o.output, is.v[i].path, is.v[i].msg);
    int rc = is.n ? EXIT_USER : EXIT_OK;
    if (is.n)
        fprintf(stderr, "%zu problem%s to fix in the file before rendering\n", is.n, is.n == 1 ? "" : "s");
    orders_issues_free(&is);
    if (rc)
        return rc;
    if (c->json) {
        strbuf b = {0};
        sb_add(&b, "{\"type\": ");
        json_str(&b, o.args[0]);
        sb_add(&b, ", \"output\": ");
        json_str(&b, o.output);
        sb_add(&b, "}\n");
        fputs(b.s, stdout);
        sb_free(&b);
    } else if (!to_stdout) {
        fprintf(stderr, "wrote %s %s to %s; edit it, then: fagpt order render %s %s --format pdf -o %s.pdf\n",
                o.args[0], o.interactive ? "input" : "example", o.output, o.args[0], o.output, o.args[0]);
    }
    return EXIT_OK;
}

static int do_validate(cli_ctx *c, int argc, char **argv)
{
    order_opts o = {0};
    int r = parse(c, argc, argv, usage_validate, &o);
    if (r)
        return r < 0 ? EXIT_OK : EXIT_USER;
    if (o.nargs != 2)
        return cli_usage_error(usage_validate, "expected TYPE and INPUT");
    if (check_type(c, o.args[0]))
        return EXIT_USER;
    json_value *doc = load_input(c, o.args[1]);
    if (!doc)
        return EXIT_USER;
    orders_issues is = {0};
    orders_validate(o.args[0], doc, &is);
    json_free(doc);
    if (c->json) {
        strbuf b = {0};
        sb_addf(&b, "{\"valid\": %s, \"type\": ", is.n ? "false" : "true");
        json_str(&b, o.args[0]);
        sb_add(&b, ", \"input\": ");
        json_str(&b, o.args[1]);
        sb_add(&b, ", \"issues\": [");
        for (size_t i = 0; i < is.n; i++) {
            sb_add(&b, i ? ", {\"path\": " : "{\"path\": ");
            json_str(&b, is.v[i].path);
            sb_add(&b, ", \"message\": ");
            json_str(&b, is.v[i].msg);
            sb_add(&b, "}");
        }
        sb_add(&b, "]}\n");
        fputs(b.s, stdout);
        sb_free(&b);
    } else if (is.n) {
        for (size_t i = 0; i < is.n; i++)
            fprintf(stderr, "%s: %s: %s\n", o.args[1], *is.v[i].path ? is.v[i].path : "(document)", is.v[i].msg);
        fprintf(stderr, "%s: %zu problem%s; not a valid %s\n", o.args[1], is.n, is.n == 1 ? "" : "s", o.args[0]);
    } else {
        printf("%s: valid %s\n", o.args[1], o.args[0]);
    }
    int rc = is.n ? EXIT_USER : EXIT_OK;
    orders_issues_free(&is);
    return rc;
}

static int do_render(cli_ctx *c, int argc, char **argv)
{
    order_opts o = {0};
    int r = parse(c, argc, argv, usage_render, &o);
    if (r)
        return r < 0 ? EXIT_OK : EXIT_USER;
    if (o.nargs != 2)
        return cli_usage_error(usage_render, "expected TYPE and INPUT");
    if (check_type(c, o.args[0]))
        return EXIT_USER;
    orders_format f = ORDERS_MD;
    bool to_stdout = !o.output || !strcmp(o.output, "-");
    if (o.format) {
        if (orders_format_parse(o.format, &f) != 0)
            return cli_error(c, "unknown format '%s' (expected md, txt, html, pdf or docx)", o.format);
    } else if (!to_stdout) {
        const char *dot = strrchr(o.output, '.');
        if (dot && orders_format_parse(dot + 1, &f) != 0)
            f = ORDERS_MD;
    }
    if (to_stdout && (f == ORDERS_PDF || f == ORDERS_DOCX) && isatty(1))
        return cli_error(c, "%s output is binary: give -o FILE", orders_format_name(f));
    if (to_stdout && c->json)
        return cli_error(c, "--json needs -o OUT (the product would go to standard output)");
    json_value *doc = load_input(c, o.args[1]);
    if (!doc)
        return EXIT_USER;
    char *tdir = NULL;
    const char *data = getenv("FAGPT_DATA");
    if (!o.templates && data && *data)
        tdir = xasprintf("%s/templates", data);
    orders_opts ro = {o.templates ? o.templates : tdir};
    strbuf out = {0};
    fa_err e;
    int rc = orders_render(o.args[0], doc, f, &ro, &out, &e);
    json_free(doc);
    free(tdir);
    if (rc != 0) {
        sb_free(&out);
        return cli_error(c, "%s: %s", o.args[1], e.msg);
    }
    rc = write_out(c, o.output, out.s ? out.s : "", out.len, true);
    if (rc == 0 && c->json) {
        strbuf b = {0};
        sb_add(&b, "{\"type\": ");
        json_str(&b, o.args[0]);
        sb_add(&b, ", \"format\": ");
        json_str(&b, orders_format_name(f));
        sb_add(&b, ", \"output\": ");
        json_str(&b, o.output);
        sb_addf(&b, ", \"bytes\": %zu}\n", out.len);
        fputs(b.s, stdout);
        sb_free(&b);
    }
    sb_free(&out);
    return rc ? EXIT_USER : EXIT_OK;
}

int cmd_order(cli_ctx *c, int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(usage_main, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_USER : EXIT_OK;
    }
    const char *sub = argv[1];
    if (!strcmp(sub, "types")) return do_types(c, argc - 1, argv + 1);
    if (!strcmp(sub, "schema")) return do_schema(c, argc - 1, argv + 1);
    if (!strcmp(sub, "new")) return do_new(c, argc - 1, argv + 1);
    if (!strcmp(sub, "validate")) return do_validate(c, argc - 1, argv + 1);
    if (!strcmp(sub, "render")) return do_render(c, argc - 1, argv + 1);
    return cli_usage_error(usage_main, "unknown order command '%s'", sub);
}
