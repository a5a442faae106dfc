/*
 * render.c - from a validated document to a product: builds the view (the normalised document plus title,
 * doctrine and derived values), renders the product's template (TYPE.md, or TYPE.txt for plain text), and turns
 * the Markdown into HTML (through templates/page.html), PDF or DOCX.
 */
#include "orders_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const format_names[] = {"md", "txt", "html", "pdf", "docx"};

int orders_format_parse(const char *s, orders_format *f)
{
    static const struct { const char *name; orders_format f; } names[] = {
        {"md", ORDERS_MD}, {"markdown", ORDERS_MD}, {"txt", ORDERS_TXT}, {"text", ORDERS_TXT},
        {"html", ORDERS_HTML}, {"pdf", ORDERS_PDF}, {"docx", ORDERS_DOCX}};
    for (size_t i = 0; s && i < sizeof names / sizeof names[0]; i++)
        if (!strcasecmp(s, names[i].name)) {
            *f = names[i].f;
            return 0;
        }
    return -1;
}

const char *orders_format_name(orders_format f) { return format_names[f]; }

const char *orders_example(const char *type)
{
    if (!orders_product(type))
        return NULL;
    char name[64];
    snprintf(name, sizeof name, "examples/%s.json", type);
    return orders_embedded(name);
}

typedef struct {
    const char *dir;
    const char *ext; /* "md" or "txt": partials of the same kind */
} loader;

/* A template: DIR/NAME when the override folder has it, else the embedded copy. */
static char *load_template(const loader *l, const char *name, fa_err *e)
{
    if (l->dir) {
        char *path = xasprintf("%s/%s", l->dir, name);
        if (access(path, F_OK) == 0) {
            char *t = fa_read_file(path, NULL, e);
            free(path);
            return t;
        }
        free(path);
    }
    char key[128];
    snprintf(key, sizeof key, "templates/%s", name);
    const char *t = orders_embedded(key);
    if (!t) {
        fa_fail(e, "no template %s%s%s", name, l->dir ? " in " : "", l->dir ? l->dir : "");
        return NULL;
    }
    return xstrdup(t);
}

static char *load_partial(void *ud, const char *name, fa_err *e)
{
    const loader *l = ud;
    char file[160];
    snprintf(file, sizeof file, "%s.%s", name, l->ext);
    return load_template(l, file, e);
}

static void html_escape(strbuf *out, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': sb_add(out, "&amp;"); break;
        case '<': sb_add(out, "&lt;"); break;
        case '>': sb_add(out, "&gt;"); break;
        case '"': sb_add(out, "&quot;"); break;
        default: sb_addc(out, *s);
        }
    }
}

static int render_template(const loader *l, const char *name, const json_value *view, orders_escape_fn esc,
                           strbuf *out, fa_err *e)
{
    char *t = load_template(l, name, e);
    if (!t)
        return -1;
    fa_err te;
    int rc = orders_template_render(t, view, esc, load_partial, (void *)l, out, &te);
    free(t);
    if (rc != 0)
        return fa_fail(e, "%s: %s", name, te.msg);
    return 0;
}

int orders_render(const char *type, const json_value *doc, orders_format f, const orders_opts *opts, strbuf *out,
                  fa_err *e)
{
    const oproduct *p = orders_product(type);
    if (!p)
        return fa_fail(e, "unknown product type '%s'", type ? type : "");
    orders_issues is = {0};
    json_value *view = orders_check_doc(p, doc, &is);
    if (is.n) {
        strbuf b = {0};
        sb_addf(&b, "%zu problem%s in the %s input, nothing written:", is.n, is.n == 1 ? "" : "s", type);
        for (size_t i = 0; i < is.n && i < 12; i++)
            sb_addf(&b, "\n  %s: %s", *is.v[i].path ? is.v[i].path : "(document)", is.v[i].msg);
        if (is.n > 12)
            sb_addf(&b, "\n  ... and %zu more (run `fagpt order validate`)", is.n - 12);
        fa_fail(e, "%s", b.s);
        sb_free(&b);
        orders_issues_free(&is);
        json_free(view);
        return -1;
    }
    jv_set(view, "title", jv_str(p->title));
    jv_set(view, "doctrine", jv_str(p->doctrine));
    jv_set(view, "generator", jv_str("FA-GPT " FAGPT_VERSION));
    const char *zone = json_get_str(view, "time_zone", NULL);
    if (zone)
        jv_set(view, "time_zone_name", jv_str(orders_zone_name(zone[0])));
    if (p->derive)
        p->derive(view);

    loader l = {opts ? opts->template_dir : NULL, f == ORDERS_TXT ? "txt" : "md"};
    char name[64];
    snprintf(name, sizeof name, "%s.%s", type, l.ext);
    strbuf md = {0};
    sb_add(&md, "");
    int rc = render_template(&l, name, view, f == ORDERS_TXT ? NULL : orders_md_escape, &md, e);
    if (rc == 0 && (f == ORDERS_MD || f == ORDERS_TXT)) {
        sb_addn(out, md.s, md.len);
    } else if (rc == 0 && (f == ORDERS_HTML || f == ORDERS_PDF)) {
        strbuf body = {0}, page = {0};
        orders_md_to_html(md.s, &body);
        jv_set(view, "body", jv_str(body.s));
        rc = render_template(&l, "page.html", view, html_escape, &page, e);
        if (rc == 0 && f == ORDERS_HTML)
            sb_addn(out, page.s, page.len);
        else if (rc == 0)
            rc = orders_html_to_pdf(page.s, json_get_str(view, "classification", NULL), orders_md_wide(md.s), out, e);
        sb_free(&body);
        sb_free(&page);
    } else if (rc == 0) {
        rc = orders_md_to_docx(md.s, json_get_str(view, "classification", NULL), orders_md_wide(md.s), out, e);
    }
    sb_free(&md);
    json_free(view);
    return rc;
}
