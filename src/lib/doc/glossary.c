/*
 * glossary.c - terms with their definitions, from a glossary's "Section II - Terms": each entry is a bold term
 * at the left of the column ("*cross-domain fires", the asterisk marking the publication as proponent) followed
 * by its definition in plain text, often ending with the source publication ("(JP 3-09)"). The section runs to
 * the end of the glossary: a page labelled or headed "References" or "Index", or the next chapter-level heading.
 */
#include "doc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void doc_extract_definitions(doc_document *d);

static bool is_terms_heading(const doc_line *l)
{
    const char *t = l->text;
    if (!l->bold || strlen(t) > 48)
        return false;
    return strncasecmp(t, "section ii", 10) == 0 && strcasestr(t, "terms") != NULL;
}

/* The back matter after a glossary, by its page label or its running header. */
static bool after_glossary(const doc_page *p)
{
    static const char *const next[] = {"references", "index", "source notes", "bibliography"};
    for (size_t k = 0; k < sizeof next / sizeof next[0]; k++) {
        size_t n = strlen(next[k]);
        if (p->label && strncasecmp(p->label, next[k], n) == 0)
            return true;
        for (size_t i = 0; i < p->nlines; i++)
            if (p->lines[i].dropped && strcasecmp(p->lines[i].text, next[k]) == 0)
                return true;
    }
    return false;
}

static void add_definition(doc_document *d, strbuf *term, strbuf *def, int page)
{
    char *t = fa_trim(term->s ? term->s : (char *)"");
    while (*t == '*')
        t++;
    char *x = fa_trim(def->s ? def->s : (char *)"");
    if (*t && strlen(t) < 120 && strlen(x) >= 8) {
        doc_definition df = {xstrdup(t), xstrdup(x), page};
        VEC_PUSH(d->definitions, df);
    }
    sb_clear(term);
    sb_clear(def);
}

/* Appends a line to a running text: a line that ends in a hyphen joins the next without a space. */
static void join_line(strbuf *b, const char *text)
{
    if (b->len && b->s[b->len - 1] != '-')
        sb_addc(b, ' ');
    sb_add(b, text);
}

void doc_extract_definitions(doc_document *d)
{
    int start = -1;
    size_t first = 0;
    for (int pi = 0; pi < d->npages && start < 0; pi++)
        for (size_t i = 0; i < d->pages[pi].nlines; i++)
            if (!d->pages[pi].lines[i].dropped && is_terms_heading(&d->pages[pi].lines[i])) {
                start = pi;
                first = i + 1;
                break;
            }
    if (start < 0)
        return;
    strbuf term = {0}, def = {0};
    int term_page = start;
    float heading = d->body_size > 0 ? d->body_size + 1.5f : 11.5f;
    bool done = false;
    for (int pi = start; pi < d->npages && pi <= start + 40 && !done; pi++) {
        const doc_page *p = &d->pages[pi];
        if (pi > start && after_glossary(p))
            break;
        const doc_line *prev = NULL;
        for (size_t i = pi == start ? first : 0; i < p->nlines; i++) {
            const doc_line *l = &p->lines[i];
            if (l->dropped)
                continue;
            if (l->bold && l->size >= heading) {
                done = true; /* "References", "Index": the glossary is over */
                break;
            }
            if (l->bold) {
                /* A term; a long term wraps onto a second bold line of the same block. */
                bool continues = prev && prev->bold && prev->block == l->block && def.len == 0;
                if (!continues && term.len)
                    add_definition(d, &term, &def, term_page);
                if (!continues)
                    term_page = pi;
                join_line(&term, l->text);
            } else if (term.len) {
                join_line(&def, l->text);
            }
            prev = l;
        }
    }
    if (term.len)
        add_definition(d, &term, &def, term_page);
    sb_free(&term);
    sb_free(&def);
}
