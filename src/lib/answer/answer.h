/*
 * answer.h - cited answers. Without a model server the answer is extractive: the sentences of the retrieved
 * passages that cover the question best are quoted, each with its citation ("ADP 3-19, para 3-6, p. 3-2"), and
 * when no passage covers enough of the question the answer says plainly that the library does not hold it.
 *
 *     answer a;
 *     if (answer_extractive(store, "who clears fires?", &a, &err) != 0) ... err.msg is for the user
 *     a.found, a.text, a.citations.v[i]...
 *     answer_free(&a);
 */
#ifndef FAGPT_ANSWER_H
#define FAGPT_ANSWER_H

#include "store/store.h"

typedef struct answer_citation {
    int n;
    char *doc, *publication, *page_label, *paragraph, *quote, *section;
    int page;             /* 1-based PDF page of the quote's passage */
    long long doc_id, chunk_id;
} answer_citation;

typedef struct answer {
    char *question;
    char *text;
    const char *mode;     /* "extractive" */
    bool found;
    VEC(answer_citation) citations;
} answer;

int answer_extractive(store *s, const char *question, answer *out, fa_err *e);
/* The same over the documents filter allows (access labels, publication, type, dates; NULL: all). */
struct search_filter;
int answer_extractive_for(store *s, const char *question, const struct search_filter *filter, answer *out,
                          fa_err *e);
/* The answer as the JSON object of `fagpt ask --json` and POST /api/ask: question, answer, mode, found,
 * standalone_question and note when given (NULL: left out), citations [{n, doc, doc_id, chunk_id, publication,
 * page, page_label, paragraph, section, quote}]. No trailing newline. */
void answer_json(strbuf *b, const answer *a, const char *standalone, const char *note);
/* "ADP 3-19, para 3-6, p. 3-2" (the printed label when known, else the PDF page). Caller frees. */
char *answer_cite(const char *publication, const char *doc, const char *paragraph, const char *label, int page);
/* For each cited publication that is superseded, appends a note to the answer: "Note: ADRP 3-0 (2017) is
 * superseded; the current text is ADP 3-0 (2025), para 1-2, p. 5: "..." [4]" - the current edition's passage
 * that best matches the cited quote, found by a search kept to that edition, and cited like the others.
 * answer_extractive calls it; a model's answer calls it too. A current edition whose label the filter's reader
 * does not hold is not mentioned. */
void answer_note_superseded(store *s, answer *a, const struct search_filter *filter);
void answer_free(answer *a);

#endif
