/* cmd_describe.c - `fagpt describe IMAGE`: an image file (a figure, a chart, a photographed page) described by
 * the vision model, streamed as it comes. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "core/json.h"
#include "llm/llm.h"

static const char usage[] =
    "usage: fagpt describe [--json] [--prompt TEXT] [--url URL] [--api API] [--vision-model NAME] IMAGE\n"
    "  Describes a PNG, JPEG, GIF or WebP image with the vision model (FAGPT_VISION_MODEL), e.g. a figure from\n"
    "  a publication; the description streams as it comes.\n"
    "  --prompt TEXT   what to ask about the image (default: a description for a fire support library)\n"
    CLI_LLM_USAGE;

static const char default_prompt[] =
    "Describe this image for a field artillery and fire support reference library: what it shows, any text, "
    "labels, symbols, numbers and table contents in it, exactly as written. Be factual and brief.";

static int print_piece(const char *text, size_t n, void *arg)
{
    fwrite(text, 1, n, stdout);
    fflush(stdout);
    *(bool *)arg = true;
    return 0;
}

int cmd_describe(cli_ctx *c, int argc, char **argv)
{
    static const struct option opts[] = {{"prompt", required_argument, 0, 'p'}, CLI_LLM_LONGOPTS,
                                         CLI_COMMON_LONGOPTS, {0, 0, 0, 0}};
    llm_flags flags = {0};
    const char *prompt = default_prompt;
    int opt;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int handled = cli_common_opt(c, opt, optarg, usage);
        if (handled < 0)
            return EXIT_OK;
        if (handled || cli_llm_opt(&flags, opt, optarg))
            continue;
        if (opt != 'p')
            return cli_usage_error(usage, "unknown option");
        prompt = optarg;
    }
    if (optind != argc - 1)
        return cli_usage_error(usage, "name one image file");
    const char *path = argv[optind];
    fa_err e;
    size_t len;
    char *img = fa_read_file(path, &len, &e);
    if (!img)
        return cli_error(c, "%s", e.msg);
    if (!llm_image_mime(img, len)) {
        free(img);
        return cli_error(c, "%s is not a PNG, JPEG, GIF or WebP image", path);
    }
    llm_config cfg;
    if (llm_config_load(&cfg, &flags, &e) != 0) {
        free(img);
        return cli_error(c, "%s", e.msg);
    }
    char *text = NULL;
    int rc = EXIT_OK;
    bool printed = false;
    if (cfg.api == LLM_NONE) {
        rc = cli_error(c, "%s", cfg.why_none);
    } else if (llm_describe_image(&cfg, img, len, prompt, c->json ? NULL : print_piece, &printed, &text, &e) != 0) {
        if (printed)
            puts("");
        rc = cli_error(c, "%s", e.msg);
    } else if (c->json) {
        strbuf b = {0};
        sb_add(&b, "{\"image\": ");
        json_str(&b, path);
        sb_add(&b, ", \"model\": ");
        json_str(&b, cfg.vision_model);
        sb_add(&b, ", \"description\": ");
        json_str(&b, text);
        sb_add(&b, "}\n");
        fputs(b.s, stdout);
        sb_free(&b);
    } else {
        puts("");
    }
    free(text);
    free(img);
    llm_config_free(&cfg);
    return rc;
}
