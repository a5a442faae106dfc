/* test_glossary.c - glossary terms with definitions (Section II) from a real corpus PDF, through the store to the
 * lookup `fagpt define` uses: an acronym's expansion leads to its term's definition, each with its page label. */
#include "check.h"
#include "doc/doc.h"
#include "store/store.h"

#include <stdlib.h>
#include <unistd.h>

static const doc_definition *find(const doc_document *d, const char *term)
{
    for (size_t i = 0; i < d->definitions.n; i++)
        if (!strcmp(d->definitions.v[i].term, term))
            return &d->definitions.v[i];
    return NULL;
}

int main(void)
{
    const char *shared = getenv("FAGPT_SHARED");
    char *pdf = xasprintf("%s/corpus/pdf/ADP_3-19_Fires_2019-07.pdf", shared ? shared : "../shared");
    doc_document *d = NULL;
    fa_err e;
    CHECK(doc_extract(pdf, NULL, &d, &e) == 0);
    if (!d)
        return check_done();
    doc_analyze(d);
    /* ADP 3-19's Section II holds 36 terms, from "adversary" to "warfighting function". */
    CHECK(d->definitions.n == 36);
    CHECK_STR(d->definitions.v[0].term, "adversary");
    CHECK_STR(d->definitions.v[d->definitions.n - 1].term, "warfighting function");
    const doc_definition *fa = find(d, "field artillery");
    CHECK(fa && strstr(fa->definition, "cannon, rocket, or surface-to-surface missile launchers. Also called FA."));
    CHECK(fa && d->pages[fa->page].label && !strcmp(d->pages[fa->page].label, "Glossary-3"));
    /* The proponent's asterisk is not part of the term; a definition ends where the next bold term begins. */
    const doc_definition *cf = find(d, "chief of fires");
    CHECK(cf && !strstr(cf->definition, "close area"));
    CHECK(find(d, "*chief of fires") == NULL);
    for (size_t i = 0; i < d->definitions.n; i++)
        CHECK(strlen(d->definitions.v[i].definition) > 20 && !strstr(d->definitions.v[i].definition, "SECTION"));

    char db[] = "/tmp/fagpt-glossary-XXXXXX";
    CHECK(mkdtemp(db) != NULL);
    char *path = xasprintf("%s/library.db", db);
    store *s = store_open(path, &e);
    CHECK(s != NULL);
    doc_chunks ch = {0};
    doc_make_chunks(d, &ch);
    store_doc rec = {.path = pdf, .file_name = "ADP_3-19_Fires_2019-07.pdf", .sha256 = "abc", .size_bytes = 1};
    CHECK(s && store_put_document(s, &rec, d, &ch, &e) == 0);
    store_define_rows exps = {0}, defs = {0};
    CHECK(s && store_define(s, "FA", &exps, &defs, &e) == 0);
    CHECK(exps.n >= 1 && !strcmp(exps.v[0].text, "field artillery") && exps.v[0].glossary);
    CHECK(exps.n >= 1 && exps.v[0].page_label && !strcmp(exps.v[0].page_label, "Glossary-1"));
    CHECK(defs.n == 1 && !strcmp(defs.v[0].term, "field artillery") && !strcmp(defs.v[0].page_label, "Glossary-3"));
    CHECK(defs.n == 1 && !strcmp(defs.v[0].publication, "ADP 3-19"));
    store_define_rows_free(&exps);
    store_define_rows_free(&defs);
    CHECK(s && store_define(s, "Fire Support", &exps, &defs, &e) == 0);
    CHECK(exps.n == 0 && defs.n == 1 && strstr(defs.v[0].text, "Fires that directly support"));
    store_define_rows_free(&exps);
    store_define_rows_free(&defs);
    CHECK(s && store_define(s, "no such term", &exps, &defs, &e) == 0 && exps.n == 0 && defs.n == 0);
    /* Removing the document removes its definitions. */
    CHECK(s && store_delete_document(s, rec.id, &e) == 0);
    CHECK(s && store_define(s, "field artillery", &exps, &defs, &e) == 0 && defs.n == 0);
    store_define_rows_free(&exps);
    store_define_rows_free(&defs);
    store_close(s);
    doc_chunks_free(&ch);
    doc_free(d);
    char *wal = xasprintf("%s-wal", path), *shm = xasprintf("%s-shm", path);
    unlink(path);
    unlink(wal);
    unlink(shm);
    rmdir(db);
    free(wal);
    free(shm);
    free(path);
    free(pdf);
    return check_done();
}
