/* search.c - query preparation, acronym expansion and coverage re-ranking (see search.h). */
#include "search.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CANDIDATES 120
#define PAGE_CANDIDATES 200
/* Share of the question's weight that a passage defining the asked-about term earns on top. */
#define DEFINITION_BONUS 0.5
/* Weights of the final score: passage BM25, page BM25, covered share of the question (sum 1). */
#define W_PASSAGE 0.5
#define W_PAGE 0.2
#define W_COVERAGE 0.3

/* Question words and function words that carry no topic. */
static const char *stop_words[] = {
    "a", "about", "after", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "been", "before",
    "being", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "during", "each", "for",
    "from", "had", "has", "have", "having", "he", "her", "here", "him", "his", "how", "i", "if", "in", "into", "is",
    "it", "its", "just", "me", "might", "more", "most", "must", "my", "no", "nor", "not", "now", "of", "off", "on",
    "once", "one", "only", "or", "other", "our", "out", "over", "own", "same", "she", "should", "so", "some", "still",
    "such", "than", "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "through",
    "to", "too", "under", "until", "up", "us", "very", "was", "we", "were", "what", "when", "where", "which", "while",
    "who", "whom", "why", "will", "with", "would", "you", "your", "mean", "means", "tell", "explain", "describe",
    "ahead", "kind", "like", "way", "get", "go", "know", "need", "happens", "called", "name", "say", "says",
    "inside", "within", "across", "among", "against", "toward", "towards", "upon", "per", "via"};

static bool is_stop(const char *w, size_t n)
{
    for (size_t i = 0; i < sizeof stop_words / sizeof stop_words[0]; i++)
        if (strlen(stop_words[i]) == n && strncasecmp(stop_words[i], w, n) == 0)
            return true;
    return false;
}

static void collect_token(const char *tok, int len, void *arg)
{
    VEC_PUSH(*(str_vec *)arg, xstrndup(tok, (size_t)len));
}

static double idf_of(store *s, const char *stem)
{
    long long df = 0, total = 0;
    if (store_token_df(s, stem, &df, &total, NULL) != 0 || total == 0)
        return 1.0;
    /* BM25's idf (Robertson and Zaragoza, "The Probabilistic Relevance Framework", 2009, eq. 3.3), floored. */
    double v = log(((double)total - (double)df + 0.5) / ((double)df + 0.5) + 1.0);
    return v < 0.05 ? 0.05 : v;
}

static int add_concept(store *s, search_query *q, const char *word, bool expansion, int group)
{
    search_concept c = {0};
    c.word = xstrdup(word);
    c.expansion = expansion;
    c.group = group;
    store_tokenize(s, word, collect_token, &c.stems, NULL);
    if (c.stems.n == 0) {
        free(c.word);
        str_vec_free(&c.stems);
        return -1;
    }
    double sum = 0;
    for (size_t i = 0; i < c.stems.n; i++)
        sum += idf_of(s, c.stems.v[i]);
    c.idf = sum / (double)c.stems.n;
    if (c.stems.n > 1)
        c.idf *= 1.5; /* a phrase is more specific than any of its words */
    VEC_PUSH(q->concepts, c);
    return 0;
}

static bool has_control_chars(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') || *p == 0x7f)
            return true;
    return false;
}

static bool acronym_shape(const char *w)
{
    int upper = 0, n = 0;
    for (; *w; w++, n++)
        if (isupper((unsigned char)*w))
            upper++;
    return n >= 2 && upper >= 2;
}

/* Appends `"phrase"` to the MATCH expression, with the quotes of the phrase doubled as FTS5 wants. */
static void match_phrase(strbuf *b, const char *phrase)
{
    if (b->len)
        sb_add(b, " OR ");
    sb_addc(b, '"');
    for (const char *p = phrase; *p; p++) {
        if (*p == '"')
            sb_addc(b, '"');
        sb_addc(b, *p);
    }
    sb_addc(b, '"');
}

/* Adjacent content words typed together ("combined arms", "air domain") count again when they stand together
 * in a passage: the sequential-dependence idea of Metzler and Croft, "A Markov Random Field Model for Term
 * Dependencies", SIGIR 2005, reduced to ordered bigrams with half the weight of their words. */
static void add_bigrams(store *s, search_query *q, const str_vec *words)
{
    for (size_t i = 0; i + 1 < words->n; i++) {
        const char *a = words->v[i], *b = words->v[i + 1];
        if (is_stop(a, strlen(a)) || is_stop(b, strlen(b)))
            continue;
        char *ph = xasprintf("%s %s", a, b);
        size_t before = q->concepts.n;
        if (add_concept(s, q, ph, false, q->ngroups) == 0) {
            q->concepts.v[before].idf *= 0.5 / 1.5; /* add_concept raised phrases by 1.5 */
            q->ngroups++;
        }
        free(ph);
    }
}

/* "What is X", "what are X", "what does X mean", "define X": X's stems, for the definition bonus. */
static void find_subject(store *s, search_query *q, const str_vec *words)
{
    size_t i = 0;
    if (words->n >= 3 && !strcasecmp(words->v[0], "what") &&
        (!strcasecmp(words->v[1], "is") || !strcasecmp(words->v[1], "are") || !strcasecmp(words->v[1], "does")))
        i = 2;
    else if (words->n >= 2 && !strcasecmp(words->v[0], "define"))
        i = 1;
    else
        return;
    if (i < words->n && (!strcasecmp(words->v[i], "a") || !strcasecmp(words->v[i], "an") || !strcasecmp(words->v[i], "the")))
        i++;
    size_t end = words->n;
    if (end > i && (!strcasecmp(words->v[end - 1], "mean") || !strcasecmp(words->v[end - 1], "stand")))
        end--;
    if (end <= i || end - i > 5)
        return;
    strbuf b = {0};
    for (size_t k = i; k < end; k++)
        sb_addf(&b, "%s%s", k > i ? " " : "", words->v[k]);
    store_tokenize(s, b.s, collect_token, &q->subject, NULL);
    store_tokenize(s, "is are means refers consists", collect_token, &q->copulas, NULL);
    sb_free(&b);
}

int search_prepare(store *s, const char *text, search_query *q, fa_err *e)
{
    memset(q, 0, sizeof *q);
    size_t n = strlen(text);
    if (n > SEARCH_MAX_QUERY)
        return fa_fail(e, "the question is too long (%zu bytes; the limit is %d); ask about one thing at a time", n,
                       SEARCH_MAX_QUERY);
    if (!fa_is_valid_utf8(text, n))
        return fa_fail(e, "the question is not valid UTF-8 text");
    if (has_control_chars(text))
        return fa_fail(e, "the question contains control characters; type it as plain text");
    q->text = fa_trim(xstrdup(text));
    if (!*q->text) {
        search_query_free(q);
        return fa_fail(e, "the question is empty; type what you want to know, e.g. \"what is an FSCM?\"");
    }
    /* Words: letters, digits and inner dashes/dots/slashes ("3-19", "M119A3", "G-1/AG"). */
    str_vec words = {0};
    for (const char *p = q->text; *p;) {
        while (*p && !isalnum((unsigned char)*p) && (unsigned char)*p < 0x80)
            p++;
        const char *st = p;
        while (*p && (isalnum((unsigned char)*p) || (unsigned char)*p >= 0x80 ||
                      ((*p == '-' || *p == '.' || *p == '/' || *p == '\'') && isalnum((unsigned char)p[1]))))
            p++;
        if (p > st)
            VEC_PUSH(words, xstrndup(st, (size_t)(p - st)));
    }
    strbuf match = {0};
    for (size_t i = 0; i < words.n; i++) {
        const char *w = words.v[i];
        if (is_stop(w, strlen(w)) && !acronym_shape(w))
            continue;
        bool dup = false;
        for (size_t k = 0; k < q->concepts.n && !dup; k++)
            dup = !q->concepts.v[k].expansion && !strcasecmp(q->concepts.v[k].word, w);
        if (dup)
            continue;
        int group = q->ngroups;
        if (add_concept(s, q, w, false, group) != 0)
            continue;
        q->ngroups++;
        match_phrase(&match, w);
        /* An acronym brings its expansions; a lower-case word is tried as an acronym too ("fscm"). */
        str_vec exp = {0};
        store_term_expansions(s, w, &exp, NULL);
        if (exp.n == 0 && strlen(w) >= 3) {
            char *up = xstrdup(w);
            for (char *c = up; *c; c++)
                *c = (char)toupper((unsigned char)*c);
            if (strcmp(up, w) != 0 && !is_stop(w, strlen(w)))
                store_term_expansions(s, up, &exp, NULL);
            free(up);
        }
        for (size_t k = 0; k < exp.n; k++)
            if (add_concept(s, q, exp.v[k], true, group) == 0)
                match_phrase(&match, exp.v[k]);
        str_vec_free(&exp);
    }
    /* A phrase that is the expansion of an acronym brings the acronym ("fire support coordination measure"). */
    for (size_t len = 6; len >= 2; len--)
        for (size_t i = 0; i + len <= words.n; i++) {
            strbuf ph = {0};
            for (size_t k = i; k < i + len; k++)
                sb_addf(&ph, "%s%s", k > i ? " " : "", words.v[k]);
            str_vec acr = {0};
            store_terms_for_phrase(s, ph.s, &acr, NULL);
            for (size_t k = 0; k < acr.n; k++) {
                /* The phrase's own words stay; the acronym joins as a separate way to match the whole. */
                if (add_concept(s, q, acr.v[k], true, q->ngroups) == 0) {
                    match_phrase(&match, acr.v[k]);
                    match_phrase(&match, ph.s);
                }
            }
            str_vec_free(&acr);
            sb_free(&ph);
        }
    add_bigrams(s, q, &words);
    find_subject(s, q, &words);
    str_vec_free(&words);
    if (q->concepts.n == 0) {
        search_query_free(q);
        sb_free(&match);
        return fa_fail(e, "the question has no searchable words; name the subject, e.g. \"clearance of fires\"");
    }
    q->match = sb_take(&match);
    /* Weight of each group: its typed word's idf (expansions can stand in for it, not add to it). */
    for (int g = 0; g < q->ngroups; g++) {
        double w = 0;
        for (size_t k = 0; k < q->concepts.n; k++)
            if (q->concepts.v[k].group == g && !q->concepts.v[k].expansion)
                w = q->concepts.v[k].idf;
        q->total_weight += w;
    }
    return 0;
}

/* A text's tokens in order (for phrases) and sorted (for single words). */
typedef struct {
    str_vec seq, sorted;
} token_set;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void token_set_build(store *s, const char *text, token_set *t)
{
    store_tokenize(s, text, collect_token, &t->seq, NULL);
    t->sorted.v = xmalloc((t->seq.n ? t->seq.n : 1) * sizeof(char *));
    memcpy(t->sorted.v, t->seq.v, t->seq.n * sizeof(char *));
    t->sorted.n = t->sorted.cap = t->seq.n;
    qsort(t->sorted.v, t->sorted.n, sizeof(char *), cmp_str);
}

static void token_set_free(token_set *t)
{
    str_vec_free(&t->seq);
    free(t->sorted.v);
}

static bool set_has(const token_set *t, const char *stem)
{
    return bsearch(&stem, t->sorted.v, t->sorted.n, sizeof(char *), cmp_str) != NULL;
}

/* Whether the stems occur consecutively (a phrase), optionally followed by one of the stems in `then`. */
static bool phrase_at(const token_set *t, const str_vec *stems, const str_vec *then)
{
    if (stems->n == 0)
        return false;
    for (size_t i = 0; i + stems->n <= t->seq.n; i++) {
        size_t k = 0;
        while (k < stems->n && !strcmp(t->seq.v[i + k], stems->v[k]))
            k++;
        if (k < stems->n)
            continue;
        if (!then)
            return true;
        for (size_t j = 0; i + k < t->seq.n && j < then->n; j++)
            if (!strcmp(t->seq.v[i + k], then->v[j]))
                return true;
    }
    return false;
}

static bool concept_in(const search_concept *c, const token_set *t)
{
    if (c->stems.n == 1)
        return set_has(t, c->stems.v[0]);
    return phrase_at(t, &c->stems, NULL);
}

double search_coverage(store *s, const search_query *q, const char *text)
{
    token_set t = {0};
    token_set_build(s, text, &t);
    double got = 0;
    for (int g = 0; g < q->ngroups; g++) {
        double w = 0;
        bool present = false;
        for (size_t k = 0; k < q->concepts.n; k++) {
            const search_concept *c = &q->concepts.v[k];
            if (c->group != g)
                continue;
            if (!c->expansion)
                w = c->idf;
            if (!present && concept_in(c, &t))
                present = true;
        }
        if (present)
            got += w;
    }
    /* A definition question ("what is X") is answered where X is followed by "is", "are", "means"... */
    if (q->subject.n && phrase_at(&t, &q->subject, &q->copulas))
        got += q->total_weight * DEFINITION_BONUS;
    token_set_free(&t);
    return q->total_weight > 0 ? got / q->total_weight : 0;
}

static int cmp_hit(const void *a, const void *b)
{
    double x = ((const store_hit *)a)->score, y = ((const store_hit *)b)->score;
    return (x < y) - (x > y);
}

/* Best BM25 of the pages a chunk spans, relative to the best page of the whole search. */
static double page_score(const store_page_scores *ps, const store_hit *h)
{
    double best = 0;
    for (size_t i = 0; i < ps->n; i++)
        if (ps->v[i].doc_id == h->doc_id && ps->v[i].page >= h->page && ps->v[i].page <= h->page_end &&
            ps->v[i].score > best)
            best = ps->v[i].score;
    double top = ps->n ? ps->v[0].score : 0;
    return top > 0 ? best / top : 0;
}

int search_run(store *s, const search_query *q, int k, store_hits *out, fa_err *e)
{
    store_hits cand = {0};
    store_page_scores pages = {0};
    if (store_fts(s, q->match, CANDIDATES, &cand, e) != 0 || store_fts_pages(s, q->match, PAGE_CANDIDATES, &pages, e) != 0) {
        store_hits_free(&cand);
        free(pages.v);
        return -1;
    }
    double top = cand.n ? cand.v[0].score : 1;
    for (size_t i = 0; i < cand.n; i++) {
        store_hit *h = &cand.v[i];
        char *both = xasprintf("%s\n%s", h->section ? h->section : "", h->text);
        double cov = search_coverage(s, q, both);
        free(both);
        /* The passage's BM25 and its page's BM25 (the page supplies context a small passage lacks, as in
         * passage-document score interpolation), each relative to the best, plus the covered share of the question. */
        h->score = W_PASSAGE * (top > 0 ? h->score / top : 0) + W_PAGE * page_score(&pages, h) + W_COVERAGE * cov;
    }
    free(pages.v);
    if (cand.n)
        qsort(cand.v, cand.n, sizeof *cand.v, cmp_hit);
    for (size_t i = 0; i < cand.n; i++) {
        if ((int)out->n < k)
            VEC_PUSH(*out, cand.v[i]);
        else
            store_hit_free(&cand.v[i]);
    }
    free(cand.v);
    return 0;
}

void search_query_free(search_query *q)
{
    for (size_t i = 0; i < q->concepts.n; i++) {
        free(q->concepts.v[i].word);
        str_vec_free(&q->concepts.v[i].stems);
    }
    free(q->concepts.v);
    str_vec_free(&q->subject);
    str_vec_free(&q->copulas);
    free(q->text);
    free(q->match);
    memset(q, 0, sizeof *q);
}
