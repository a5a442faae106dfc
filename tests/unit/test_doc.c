/* test_doc.c - the doc module's helpers (labels, paragraph numbers, publication ids, first-use acronyms) and
 * extraction of a real corpus PDF (printed labels, metadata, chunks that stay inside chapters). */
#include "check.h"
#include "doc/doc.h"

#include <stdlib.h>

static char got_abbr[32], got_exp[128];
static void on_pair(const char *abbr, const char *exp, void *arg)
{
    (void)arg;
    snprintf(got_abbr, sizeof got_abbr, "%s", abbr);
    snprintf(got_exp, sizeof got_exp, "%s", exp);
}

int main(void)
{
    const char *labels[] = {"2-5", "iv", "Glossary-2", "21", "A-3", "References-1", "Index-4", "Source Notes-1"};
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        CHECK(doc_is_page_label(labels[i]));
    const char *not_labels[] = {"ADP 3-19", "31 July 2019", "Chapter 2", "12345", "", "2-5-7x"};
    for (size_t i = 0; i < sizeof not_labels / sizeof not_labels[0]; i++)
        CHECK(!doc_is_page_label(not_labels[i]));

    char pn[16];
    CHECK(doc_paragraph_number("2-14. Fires are", pn) == 6);
    CHECK_STR(pn, "2-14");
    CHECK(doc_paragraph_number("B-3. Appendix text", pn) > 0);
    CHECK_STR(pn, "B-3");
    CHECK(doc_paragraph_number("2-14 without a period", pn) == 0);
    CHECK(doc_paragraph_number("ADP 3-19.", pn) == 0);

    char pub[64];
    CHECK(doc_find_publication("ADP 3-19", pub));
    CHECK_STR(pub, "ADP 3-19");
    CHECK(doc_find_publication("*ATP 1-0.1", pub));
    CHECK_STR(pub, "ATP 1-0.1");
    CHECK(doc_find_publication("Field Manual No. 3-55", pub));
    CHECK_STR(pub, "FM 3-55");
    CHECK(doc_find_publication("MEMORANDUM REPORT BRL-MR-3810", pub));
    CHECK_STR(pub, "BRL-MR-3810");
    CHECK(!doc_find_publication("ADPS are not publications", pub));

    doc_find_first_use("the use of fire support coordination measures (FSCM) along", on_pair, NULL);
    CHECK_STR(got_abbr, "FSCM");
    CHECK_STR(got_exp, "fire support coordination measures");
    got_abbr[0] = 0;
    doc_find_first_use("a joint force land component commander (JFLCC) is", on_pair, NULL);
    CHECK_STR(got_exp, "joint force land component commander");
    got_abbr[0] = 0;
    doc_find_first_use("the weather (PNT) is unrelated", on_pair, NULL);
    CHECK(got_abbr[0] == 0);

    const char *shared = getenv("FAGPT_SHARED");
    char path[1024];
    snprintf(path, sizeof path, "%s/corpus/pdf/ADP_3-19_Fires_2019-07.pdf", shared ? shared : "../shared");
    fa_err e;
    doc_document *d;
    CHECK(doc_extract(path, NULL, &d, &e) == 0);
    if (d) {
        doc_analyze(d);
        CHECK_STR(d->meta.publication, "ADP 3-19");
        CHECK_STR(d->meta.title, "Fires");
        CHECK_STR(d->meta.date, "31 July 2019");
        CHECK(d->meta.supersedes && strstr(d->meta.supersedes, "ADP 3-09"));
        CHECK_STR(d->pages[25].label, "2-6");
        CHECK_STR(d->pages[2].label, "i");
        CHECK_STR(d->pages[43].label, "Glossary-2");
        doc_chunks ch = {0};
        doc_make_chunks(d, &ch);
        CHECK(ch.n > 50);
        /* A chunk never spans two chapters: its pages stay inside one printed chapter prefix. */
        int crossing = 0;
        for (size_t i = 0; i < ch.n; i++) {
            const char *a = d->pages[ch.v[i].page_start].label, *b = d->pages[ch.v[i].page_end].label;
            if (a && b && strchr(a, '-') && strchr(b, '-') && strncmp(a, b, (size_t)(strchr(a, '-') - a) + 1) != 0)
                crossing++;
        }
        CHECK(crossing == 0);
        bool fscm = false;
        for (size_t i = 0; i < d->terms.n; i++)
            if (!strcmp(d->terms.v[i].term, "FSCM") && !strcmp(d->terms.v[i].expansion, "fire support coordination measure"))
                fscm = true;
        CHECK(fscm);
        doc_chunks_free(&ch);
        doc_free(d);
    }
    snprintf(path, sizeof path, "%s/corpus/pdf/DA_Form_2399_Computers_Record_XFA.pdf", shared ? shared : "../shared");
    CHECK(doc_extract(path, NULL, &d, &e) != 0 && strstr(e.msg, "XFA"));
    CHECK(doc_extract("/nonexistent/file.pdf", NULL, &d, &e) != 0 && strstr(e.msg, "not found"));
    return check_done();
}
