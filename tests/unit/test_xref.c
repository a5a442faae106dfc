/* test_xref.c - cross-references found in text: cited publications (not the document itself), paragraphs,
 * figures and tables referred to (not their captions); on a page built here and on ADP 3-19. */
#include "check.h"
#include "doc/doc.h"

#include <stdlib.h>

static int count(const doc_document *d, doc_ref_kind kind, const char *target)
{
    int n = 0;
    for (size_t i = 0; i < d->refs.n; i++)
        n += d->refs.v[i].kind == kind && !strcmp(d->refs.v[i].target, target);
    return n;
}

static doc_line line(const char *text, float y)
{
    return (doc_line){.text = xstrdup(text), .box = {0, 72, y, 540, y + 10}, .size = 10};
}

int main(void)
{
    doc_document *d = xcalloc(1, sizeof *d);
    d->path = xstrdup("built.pdf");
    d->npages = 1;
    d->pages = xcalloc(1, sizeof *d->pages);
    const char *text[] = {
        "Figure 2-3. Fire support coordination measures",
        "1-4. Fire support planning follows ATP 3-09.30 and JP 3-09 (see figure 2-3). The observer",
        "plan is described in ATP 3-09.30, and targeting in table 3-1; see paragraph 4-66 for the",
        "fire plan. This publication, FM 3-09, supersedes the previous edition. Paragraphs 2-14 through",
        "2-18 apply. The M777A2 and 155-mm rounds are not publications. Drag data came from BRL-MR-3810"};
    d->pages[0].width = 612;
    d->pages[0].height = 792;
    d->pages[0].nlines = sizeof text / sizeof text[0];
    d->pages[0].lines = xcalloc(d->pages[0].nlines, sizeof(doc_line));
    for (size_t i = 0; i < d->pages[0].nlines; i++)
        d->pages[0].lines[i] = line(text[i], 100 + 12 * (float)i + (i ? 20 : 0));
    doc_analyze(d);
    CHECK(d->meta.publication == NULL); /* no cover: every id on the page is a citation */
    CHECK(count(d, REF_PUBLICATION, "ATP 3-09.30") == 2);
    CHECK(count(d, REF_PUBLICATION, "JP 3-09") == 1);
    CHECK(count(d, REF_FIGURE, "2-3") == 1);
    CHECK(count(d, REF_TABLE, "3-1") == 1);
    CHECK(count(d, REF_PARAGRAPH, "4-66") == 1);
    CHECK(count(d, REF_PARAGRAPH, "2-14") == 1);
    CHECK(count(d, REF_PUBLICATION, "FM 3-09") == 1);
    CHECK(count(d, REF_FIGURE, "2-3") == 1); /* the caption is not a reference to itself */
    size_t pubs = 0;
    for (size_t i = 0; i < d->refs.n; i++)
        pubs += d->refs.v[i].kind == REF_PUBLICATION;
    CHECK(count(d, REF_PUBLICATION, "BRL-MR-3810") == 1); /* a report id at the very end of the text */
    CHECK(pubs == 5); /* "M777A2" and "155-mm" are not publication ids */
    doc_free(d);

    const char *shared = getenv("FAGPT_SHARED");
    char *pdf = xasprintf("%s/corpus/pdf/ADP_3-19_Fires_2019-07.pdf", shared ? shared : "../shared");
    fa_err e;
    CHECK(doc_extract(pdf, NULL, &d, &e) == 0);
    doc_analyze(d);
    CHECK_STR(d->meta.publication, "ADP 3-19");
    CHECK(count(d, REF_PUBLICATION, "ADP 3-19") == 0);
    CHECK(count(d, REF_PUBLICATION, "ADP 3-0") >= 10);
    CHECK(count(d, REF_PUBLICATION, "FM 3-09") >= 5);
    bool para = false;
    for (size_t i = 0; i < d->refs.n; i++)
        para |= d->refs.v[i].paragraph && !strcmp(d->refs.v[i].target, "ADP 5-0");
    CHECK(para);
    doc_free(d);
    free(pdf);
    return check_done();
}
