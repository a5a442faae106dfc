/*
 * xref.c - cross-references in running text, kept as links: publications cited by id ("ATP 3-09.30",
 * "JP 3-09"), and references inside the document to a paragraph ("see paragraph 4-66"), a figure
 * ("(see figure 2-3)") or a table ("table 1-1"). A document naming itself is not a citation; a caption
 * ("Figure 2-3. Fire support planning") is the target, not a reference.
 */
#include "doc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void doc_extract_refs(doc_document *d);

static void add_ref(doc_document *d, doc_ref_kind kind, const char *target, size_t n, int page, const char *para)
{
    doc_ref r = {kind, xstrndup(target, n), page, para ? xstrdup(para) : NULL};
    VEC_PUSH(d->refs, r);
}

/* An Army number "2-3", "4-66", "B-12" at s: its length, else 0. */
static size_t item_number(const char *s)
{
    size_t i = 0;
    if (isupper((unsigned char)s[0]) && s[1] == '-')
        i = 1;
    else
        while (isdigit((unsigned char)s[i]))
            i++;
    if (i == 0 || s[i] != '-' || !isdigit((unsigned char)s[i + 1]))
        return 0;
    i++;
    while (isdigit((unsigned char)s[i]))
        i++;
    return isalnum((unsigned char)s[i]) ? 0 : i;
}

static const struct {
    const char *word;
    doc_ref_kind kind;
} internal[] = {{"paragraphs ", REF_PARAGRAPH}, {"paragraph ", REF_PARAGRAPH}, {"para. ", REF_PARAGRAPH},
                {"figures ", REF_FIGURE},       {"figure ", REF_FIGURE},       {"tables ", REF_TABLE},
                {"table ", REF_TABLE}};

static void scan_text(doc_document *d, const char *text, int page, const char *para)
{
    for (const char *p = text; *p; p++) {
        if (p != text && isalnum((unsigned char)p[-1]))
            continue;
        for (size_t k = 0; k < sizeof internal / sizeof internal[0]; k++) {
            size_t n = strlen(internal[k].word);
            if (strncasecmp(p, internal[k].word, n) != 0)
                continue;
            /* A caption starts its unit with a capital "Figure 2-3." */
            size_t m = item_number(p + n);
            if (m && !(p == text && isupper((unsigned char)*p) && p[n + m] == '.'))
                add_ref(d, internal[k].kind, p + n, m, page, para);
            break;
        }
        if (!isupper((unsigned char)*p))
            continue;
        char window[72], id[64];
        size_t w = strnlen(p, sizeof window - 1);
        memcpy(window, p, w);
        window[w] = 0;
        if (!doc_find_publication(window, id))
            continue;
        /* Only an id that starts here: the same series word as the text at p. */
        size_t series = strcspn(id, " ");
        if (strncmp(id, p, series) != 0 || isalnum((unsigned char)p[series]))
            continue;
        if (!d->meta.publication || strcmp(id, d->meta.publication) != 0)
            add_ref(d, REF_PUBLICATION, id, strlen(id), page, para);
        p += series - 1; /* the loop steps past the series word; a report id may end the text */
    }
}

void doc_extract_refs(doc_document *d)
{
    for (size_t i = 0; i < d->units.n; i++) {
        const doc_unit *u = &d->units.v[i];
        if (u->kind != UNIT_TEXT)
            continue;
        scan_text(d, u->text, u->boxes.n ? u->boxes.v[0].page : 0, u->paragraph);
    }
}
