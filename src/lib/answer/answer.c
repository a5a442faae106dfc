/* answer.c - extractive, cited answers over the search results (see answer.h). */
#include "answer.h"

#include "core/json.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc/doc.h"
#include "search/search.h"

#define PASSAGES 6
#define MAX_QUOTES 3
/* Longest quotable unit (a list with its lead-in), in bytes. */
#define QUOTE_MAX 600
/* A passage must hold this share of the question's weight for the library to be said to answer it. */
#define FOUND_COVERAGE 0.5
/* Candidates searched for the current edition's matching passage. */
#define SUPERSEDED_SEARCH 60

char *answer_cite(const char *publication, const char *doc, const char *paragraph, const char *label, int page)
{
    strbuf b = {0};
    sb_add(&b, publication && *publication ? publication : doc);
    if (paragraph && *paragraph)
        sb_addf(&b, ", para %s", paragraph);
    if (label && *label)
        sb_addf(&b, ", p. %s", label);
    else
        sb_addf(&b, ", PDF p. %d", page);
    return sb_take(&b);
}

typedef struct {
    const char *start;
    size_t len;
    double score;
    size_t hit;
} sentence;

typedef VEC(sentence) sentences;

static bool is_bullet(const char *s)
{
    return strncmp(s, "\xe2\x80\xa2", 3) == 0;
}

/* A sentence that introduces a list: "... include:", "... include\xe2\x80\x94", "the following". */
static bool is_lead_in(const char *s, size_t n)
{
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    if (n && (s[n - 1] == ':' || s[n - 1] == '-'))
        return true;
    if (n >= 3 && !memcmp(s + n - 3, "\xe2\x80\x94", 3))
        return true;
    return n >= 7 && (!strncmp(s + n - 7, "include", 7) || (n >= 8 && !strncmp(s + n - 8, "includes", 8)));
}

/* Quotable units of a passage: sentences (split at ". " before a capital or digit, and at new lines), except
 * that a list is one unit with the sentence that introduces it, so that a quoted item keeps its context. */
static void split_sentences(const char *t, size_t hit, sentences *out)
{
    sentences raw = {0};
    const char *s = t;
    for (const char *p = t;; p++) {
        bool end = !*p || *p == '\n' ||
                   ((p[0] == '.' || p[0] == '?' || p[0] == '!') && p[1] == ' ' &&
                    (isupper((unsigned char)p[2]) || isdigit((unsigned char)p[2]) || p[2] == '(') &&
                    !(p - t >= 2 && (isupper((unsigned char)p[-1]) && (p - t < 2 || !isalpha((unsigned char)p[-2])))));
        if (end) {
            const char *e = (*p == '.' || *p == '?' || *p == '!') ? p + 1 : p;
            while (s < e && isspace((unsigned char)*s))
                s++;
            if (e - s >= 3) {
                sentence x = {s, (size_t)(e - s), 0, hit};
                VEC_PUSH(raw, x);
            }
            if (!*p)
                break;
            s = p + 1;
        }
    }
    for (size_t i = 0; i < raw.n; i++) {
        sentence x = raw.v[i];
        size_t j = i;
        if (is_lead_in(x.start, x.len) || is_bullet(x.start))
            while (j + 1 < raw.n && is_bullet(raw.v[j + 1].start) &&
                   (size_t)(raw.v[j + 1].start + raw.v[j + 1].len - x.start) <= QUOTE_MAX)
                j++;
        x.len = (size_t)(raw.v[j].start + raw.v[j].len - x.start);
        if (x.len >= 20)
            VEC_PUSH(*out, x);
        i = j;
    }
    free(raw.v);
}

/* The quote as shown: the unit's text with its line breaks and runs of spaces folded to single spaces. */
static char *quote_text(const char *start, size_t len)
{
    strbuf b = {0};
    for (size_t i = 0; i < len; i++) {
        char c = isspace((unsigned char)start[i]) ? ' ' : start[i];
        if (c == ' ' && (b.len == 0 || b.s[b.len - 1] == ' '))
            continue;
        sb_addc(&b, c);
    }
    while (b.len && b.s[b.len - 1] == ' ')
        b.s[--b.len] = 0;
    return sb_take(&b);
}

/* The paragraph a quote belongs to: the last Army paragraph number that opens a line of the passage before the
 * quote, else the passage's own (the paragraph it continues). */
static char *quote_paragraph(const store_hit *h, const char *quote_start)
{
    char best[16] = "", pn[16];
    for (const char *line = h->text; line && line <= quote_start; line = strchr(line, '\n')) {
        if (*line == '\n')
            line++;
        if (doc_paragraph_number(line, pn))
            memcpy(best, pn, sizeof best);
        if (!*line)
            break;
    }
    if (*best)
        return xstrdup(best);
    return h->paragraph ? xstrdup(h->paragraph) : NULL;
}

int answer_extractive(store *s, const char *question, answer *out, fa_err *e)
{
    return answer_extractive_for(s, question, NULL, out, e);
}

int answer_extractive_for(store *s, const char *question, const search_filter *filter, answer *out, fa_err *e)
{
    memset(out, 0, sizeof *out);
    search_query q;
    if (search_prepare(s, question, &q, e) != 0)
        return -1;
    if (search_restrict(s, &q, filter, e) != 0) {
        search_query_free(&q);
        return -1;
    }
    store_hits hits = {0};
    if (search_run(s, &q, PASSAGES, &hits, e) != 0) {
        search_query_free(&q);
        return -1;
    }
    out->question = xstrdup(q.text);
    out->mode = "extractive";
    double best_cov = 0;
    for (size_t i = 0; i < hits.n; i++) {
        char *both = xasprintf("%s\n%s", hits.v[i].section ? hits.v[i].section : "", hits.v[i].text);
        double c;
        search_coverage(s, &q, both, &c);
        free(both);
        if (c > best_cov)
            best_cov = c;
    }
    /* A question about a designation the library never mentions ("M119A3") is not answered by passages that
     * share its other words. */
    out->found = hits.n > 0 && best_cov >= FOUND_COVERAGE && q.unknown_names == 0;
    if (!out->found) {
        out->text = xstrdup("The library does not appear to answer this question: no passage covers enough of it. "
                            "Try other words, or add the publication that covers it with `fagpt ingest`.");
        store_hits_free(&hits);
        search_query_free(&q);
        return 0;
    }
    sentences sents = {0};
    for (size_t i = 0; i < hits.n && i < 3; i++)
        split_sentences(hits.v[i].text, i, &sents);
    for (size_t i = 0; i < sents.n; i++) {
        char *t = quote_text(sents.v[i].start, sents.v[i].len);
        /* Coverage of the question, with a small preference for higher-ranked passages and earlier sentences. */
        sents.v[i].score = search_coverage(s, &q, t, NULL) + 0.1 * hits.v[sents.v[i].hit].score - 0.02 * (double)i / 10;
        free(t);
    }
    strbuf b = {0};
    bool *used = xcalloc(sents.n ? sents.n : 1, sizeof *used);
    int per_hit[PASSAGES] = {0};
    double first = -1;
    for (int k = 0; k < MAX_QUOTES; k++) {
        size_t best = sents.n;
        for (size_t i = 0; i < sents.n; i++)
            if (!used[i] && per_hit[sents.v[i].hit] < 2 && (best == sents.n || sents.v[i].score > sents.v[best].score))
                best = i;
        if (best == sents.n || (first >= 0 && sents.v[best].score < 0.6 * first))
            break;
        if (first < 0)
            first = sents.v[best].score;
        used[best] = true;
        per_hit[sents.v[best].hit]++;
        const store_hit *h = &hits.v[sents.v[best].hit];
        /* One citation number per passage and paragraph. */
        char *para = quote_paragraph(h, sents.v[best].start);
        int n = 0;
        for (size_t c = 0; c < out->citations.n; c++)
            if (!strcmp(out->citations.v[c].doc, h->doc) && out->citations.v[c].page == h->page &&
                (para ? out->citations.v[c].paragraph && !strcmp(out->citations.v[c].paragraph, para)
                      : !out->citations.v[c].paragraph))
                n = out->citations.v[c].n;
        char *quote = quote_text(sents.v[best].start, sents.v[best].len);
        if (!n) {
            answer_citation c = {0};
            c.n = n = (int)out->citations.n + 1;
            c.doc = xstrdup(h->doc);
            c.doc_id = h->doc_id;
            c.chunk_id = h->chunk_id;
            c.publication = h->publication ? xstrdup(h->publication) : NULL;
            c.page = h->page;
            c.page_label = h->page_label ? xstrdup(h->page_label) : NULL;
            c.paragraph = para;
            para = NULL;
            c.section = h->section ? xstrdup(h->section) : NULL;
            c.quote = xstrdup(quote);
            VEC_PUSH(out->citations, c);
        }
        sb_addf(&b, "%s\"%s\" [%d]", b.len ? "\n" : "", quote, n);
        free(quote);
        free(para);
    }
    free(used);
    free(sents.v);
    out->text = sb_take(&b);
    store_hits_free(&hits);
    search_query_free(&q);
    answer_note_superseded(s, out, filter);
    return 0;
}

void answer_json(strbuf *b, const answer *a, const char *standalone, const char *note)
{
    sb_add(b, "{\"question\": ");
    json_str(b, a->question);
    sb_add(b, ", \"answer\": ");
    json_str(b, a->text);
    sb_add(b, ", \"mode\": ");
    json_str(b, a->mode);
    sb_addf(b, ", \"found\": %s, ", a->found ? "true" : "false");
    if (standalone) {
        sb_add(b, "\"standalone_question\": ");
        json_str(b, standalone);
        sb_add(b, ", ");
    }
    if (note) {
        sb_add(b, "\"note\": ");
        json_str(b, note);
        sb_add(b, ", ");
    }
    sb_add(b, "\"citations\": [");
    for (size_t i = 0; i < a->citations.n; i++) {
        const answer_citation *ci = &a->citations.v[i];
        sb_addf(b, "%s{\"n\": %d, \"doc\": ", i ? ", " : "", ci->n);
        json_str(b, ci->doc);
        sb_addf(b, ", \"doc_id\": %lld, \"chunk_id\": %lld, \"publication\": ", ci->doc_id, ci->chunk_id);
        json_str(b, ci->publication);
        sb_addf(b, ", \"page\": %d, \"page_label\": ", ci->page);
        json_str(b, ci->page_label);
        sb_add(b, ", \"paragraph\": ");
        json_str(b, ci->paragraph);
        sb_add(b, ", \"section\": ");
        json_str(b, ci->section);
        sb_add(b, ", \"quote\": ");
        json_str(b, ci->quote);
        sb_addc(b, '}');
    }
    sb_add(b, "]}");
}

/* "ADRP 3-0 (2017)": the publication with its year, else the file name. */
static char *edition_name(const store_doc *d, const char *pub, const char *date)
{
    long v = doc_date_value(date);
    const char *name = pub && *pub ? pub : d->file_name;
    return v ? xasprintf("%s (%ld)", name, v / 10000) : xstrdup(name);
}

/* The passage of document doc_id that best matches text: its best sentence, and the hit (out). */
static char *matching_passage(store *s, long long doc_id, const char *text, store_hit *out)
{
    search_query q;
    if (search_prepare(s, text, &q, NULL) != 0)
        return NULL;
    VEC_PUSH(q.allowed_docs, doc_id); /* the search is kept to that edition */
    q.restricted = true;
    store_hits hits = {0};
    char *quote = NULL;
    if (search_run(s, &q, SUPERSEDED_SEARCH, &hits, NULL) == 0)
        for (size_t i = 0; i < hits.n && !quote; i++) {
            if (hits.v[i].doc_id != doc_id)
                continue;
            sentences sents = {0};
            split_sentences(hits.v[i].text, i, &sents);
            double best = -1;
            for (size_t k = 0; k < sents.n; k++) {
                char *t = quote_text(sents.v[k].start, sents.v[k].len);
                double c = search_coverage(s, &q, t, NULL);
                if (c > best) {
                    best = c;
                    free(quote);
                    quote = t;
                } else {
                    free(t);
                }
            }
            free(sents.v);
            if (quote) {
                *out = hits.v[i];
                memset(&hits.v[i], 0, sizeof hits.v[i]);
            }
        }
    store_hits_free(&hits);
    search_query_free(&q);
    return quote;
}

void answer_note_superseded(store *s, answer *a, const search_filter *filter)
{
    size_t n = a->citations.n;
    for (size_t i = 0; i < n; i++) {
        answer_citation *c = &a->citations.v[i];
        bool seen = false; /* one note per superseded document */
        for (size_t k = 0; k < i && !seen; k++)
            seen = !strcmp(a->citations.v[k].doc, c->doc);
        store_doc old = {0}, cur = {0};
        char ref[32];
        snprintf(ref, sizeof ref, "%lld", c->doc_id);
        if (seen || store_find_doc(s, c->doc_id ? ref : c->doc, &old, NULL) != 1 || !old.superseded_by) {
            store_doc_free(&old);
            continue;
        }
        char id[32];
        snprintf(id, sizeof id, "%lld", old.current_id ? old.current_id : old.superseded_by);
        /* A current edition the reader may not see is never named: the note would reveal it. */
        if (store_find_doc(s, id, &cur, NULL) != 1 ||
            (filter && filter->restrict_labels && !search_label_held(filter->labels, cur.label))) {
            store_doc_free(&old);
            store_doc_free(&cur);
            continue;
        }
        char *was = edition_name(&old, old.publication, old.date), *now = edition_name(&cur, cur.publication, cur.date);
        strbuf b = {0};
        sb_add(&b, a->text);
        sb_addf(&b, "\nNote: %s is superseded", was);
        if (old.superseded_by != cur.id)
            sb_addf(&b, " (by %s, itself superseded)", old.superseded_by_pub ? old.superseded_by_pub : "another edition");
        store_hit h = {0};
        char *quote = matching_passage(s, cur.id, c->quote ? c->quote : a->question, &h);
        if (quote) {
            char *cite = answer_cite(h.publication, h.doc, h.paragraph, h.page_label, h.page);
            /* The current passage is cited like the others. */
            answer_citation nc = {0};
            for (size_t k = 0; k < a->citations.n; k++)
                if (a->citations.v[k].n >= nc.n)
                    nc.n = a->citations.v[k].n + 1;
            nc.doc = xstrdup(h.doc);
            nc.doc_id = h.doc_id;
            nc.chunk_id = h.chunk_id;
            nc.publication = h.publication ? xstrdup(h.publication) : NULL;
            nc.page = h.page;
            nc.page_label = h.page_label ? xstrdup(h.page_label) : NULL;
            nc.paragraph = h.paragraph ? xstrdup(h.paragraph) : NULL;
            nc.section = h.section ? xstrdup(h.section) : NULL;
            nc.quote = quote;
            sb_addf(&b, "; the current text is %s, %s: \"%s\" [%d]", now, cite + strlen(h.publication ? h.publication
                                                                                                  : h.doc) + 2,
                    quote, nc.n);
            VEC_PUSH(a->citations, nc);
            c = &a->citations.v[i];
            free(cite);
        } else {
            sb_addf(&b, "; the current edition is %s, which has no passage on this", now);
        }
        sb_addc(&b, '.');
        free(a->text);
        a->text = sb_take(&b);
        store_hit_free(&h);
        free(was);
        free(now);
        store_doc_free(&old);
        store_doc_free(&cur);
    }
}

void answer_free(answer *a)
{
    for (size_t i = 0; i < a->citations.n; i++) {
        answer_citation *c = &a->citations.v[i];
        free(c->doc);
        free(c->publication);
        free(c->page_label);
        free(c->paragraph);
        free(c->quote);
        free(c->section);
    }
    free(a->citations.v);
    free(a->question);
    free(a->text);
    memset(a, 0, sizeof *a);
}
