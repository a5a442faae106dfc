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
} answer_citation;

typedef struct answer {
    char *question;
    char *text;
    const char *mode;     /* "extractive" */
    bool found;
    VEC(answer_citation) citations;
} answer;

int answer_extractive(store *s, const char *question, answer *out, fa_err *e);
/* "ADP 3-19, para 3-6, p. 3-2" (the printed label when known, else the PDF page). Caller frees. */
char *answer_cite(const char *publication, const char *doc, const char *paragraph, const char *label, int page);
/* For each cited publication that is superseded, appends a note to the answer: "Note: ADRP 3-0 (2017) is
 * superseded; the current text is ADP 3-0 (2025), para 1-2, p. 5: "..." [4]" - the current edition's passage
 * that best matches the cited quote, found by a search kept to that edition, and cited like the others.
 * answer_extractive calls it; a model's answer calls it too. */
void answer_note_superseded(store *s, answer *a);
void answer_free(answer *a);

#endif
