/* test_answer.c - extractive answers over a real library file: citation format, quotes that come from the
 * cited passage, lists quoted with their lead-in, abstention, and the errors for bad questions. */
#include "check.h"
#include "answer/answer.h"
#include "ingest/ingest.h"

#include <stdlib.h>
#include <unistd.h>

int main(void)
{
    char *c1 = answer_cite("ADP 3-19", "x.pdf", "3-6", "3-2", 30);
    CHECK_STR(c1, "ADP 3-19, para 3-6, p. 3-2");
    char *c2 = answer_cite(NULL, "notes.pdf", NULL, NULL, 4);
    CHECK_STR(c2, "notes.pdf, PDF p. 4");
    free(c1);
    free(c2);

    const char *shared = getenv("FAGPT_SHARED");
    char dir[] = "/tmp/fagpt-answer-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char *db = xasprintf("%s/library.db", dir);
    fa_err e;
    store *s = store_open(db, &e);
    CHECK(s != NULL);
    str_vec files = {0};
    VEC_PUSH(files, xasprintf("%s/corpus/pdf/ADP_3-19_Fires_2019-07.pdf", shared ? shared : "../shared"));
    ingest_results r = {0};
    CHECK(ingest_run(s, &files, 1, 0, NULL, NULL, &r) == 0 && r.n == 1 && !strcmp(r.v[0].status, "ingested"));
    ingest_results_free(&r);
    str_vec_free(&files);

    answer a;
    CHECK(answer_extractive(s, "What does HIMAD mean?", &a, &e) == 0);
    CHECK(a.found && a.citations.n >= 1 && !strcmp(a.mode, "extractive"));
    bool quoted = false;
    for (size_t i = 0; i < a.citations.n; i++)
        quoted = quoted || (a.citations.v[i].quote && strstr(a.citations.v[i].quote, "HIMAD") &&
                            !strcmp(a.citations.v[i].publication, "ADP 3-19") && a.citations.v[i].page_label);
    CHECK(quoted);
    CHECK(strstr(a.text, "[1]") != NULL);
    answer_free(&a);

    CHECK(answer_extractive(s, "What are the unit responsibilities within an assigned AO?", &a, &e) == 0);
    bool list = false;
    for (size_t i = 0; i < a.citations.n; i++)
        list = list || (strstr(a.citations.v[i].quote, "include:") && strstr(a.citations.v[i].quote, "Clearance of fires"));
    CHECK(a.found && list);
    answer_free(&a);

    CHECK(answer_extractive(s, "What is the maximum range of the M119A3 105mm towed howitzer?", &a, &e) == 0);
    CHECK(!a.found && a.citations.n == 0);
    answer_free(&a);

    CHECK(answer_extractive(s, "", &a, &e) != 0 && strstr(e.msg, "empty"));
    CHECK(answer_extractive(s, "what\x07", &a, &e) != 0 && strstr(e.msg, "control"));

    store_close(s);
    char *cmd = xasprintf("rm -rf %s", dir);
    CHECK(system(cmd) == 0);
    free(cmd);
    free(db);
    return check_done();
}
