/* search.c - query preparation, acronym expansion and coverage re-ranking (see search.h). */
#include "search.h"

#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CANDIDATES 120
/* Libraries of up to this many chunks score their pages beside the chunk ranking (see search_run), those that
 * hold the rarer terms, as many as make PAGE_CANDIDATES chunks. */
#define SMALL_LIBRARY 50000
#define PAGE_CANDIDATES 200
/* A chunk's pages scored for it (a chunk spans one or two pages; a table, a few). */
#define MAX_SPAN 16
#define RERANK 40
/* Typed words in more than this share of chunks stay out of the ranked terms (see build_terms). */
#define MATCH_MAX_DF 0.3
/* A phrase's chunks are counted up to this many (see build_terms). */
#define PHRASE_COUNT_MAX 500
/* Rows that the rarest terms may hold for one ranking to take them all as required (see rank_top). */
#define ROW_BUDGET 16000
/* Share of the question's weight that a passage defining the asked-about term earns on top. */
#define DEFINITION_BONUS 0.5
/* The score of a superseded edition's passage is scaled by this: a modest demotion, not an exclusion. */
#define SUPERSEDED_WEIGHT 0.93

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

static void build_vocab(search_query *q);

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

/* BM25's idf (Robertson and Zaragoza, "The Probabilistic Relevance Framework", 2009, eq. 3.3), floored;
 * *ratio is the share of chunks holding the stem. */
static double idf_of(store *s, search_query *q, const char *stem, double *ratio, long long *dfp)
{
    long long df = 0, total = 0;
    *ratio = 0;
    *dfp = 0;
    if (store_token_df(s, stem, &df, &total, NULL) != 0 || total == 0)
        return 1.0;
    q->library_chunks = total;
    *dfp = df;
    *ratio = (double)df / (double)total;
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
    c.df_ratio = 1;
    for (size_t i = 0; i < c.stems.n; i++) {
        double r;
        long long df;
        sum += idf_of(s, q, c.stems.v[i], &r, &df);
        if (r < c.df_ratio) {
            c.df_ratio = r;
            c.df = df;
        }
    }
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

/* A designation or proper name: a digit, or two capitals ("M119A3", "105mm", "HIMARS", "ACFT"). */
static bool name_shape(const char *w)
{
    int upper = 0;
    for (const char *p = w; *p; p++) {
        if (isdigit((unsigned char)*p))
            return true;
        upper += isupper((unsigned char)*p) != 0;
    }
    return upper >= 2;
}

static bool acronym_shape(const char *w)
{
    int upper = 0, n = 0;
    for (; *w; w++, n++)
        if (isupper((unsigned char)*w))
            upper++;
    return n >= 2 && upper >= 2;
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
            q->concepts.v[before].bigram = true;
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

/* BM25's idf as FTS5 computes it (log((N - df + 0.5) / (df + 0.5)), at least STORE_WEIGHT_FLOOR, 1e-6), so
 * that ranking is the one FTS5's bm25() gave. */
static double bm25_idf(long long df, long long total)
{
    double v = log(((double)total - (double)df + 0.5) / ((double)df + 0.5));
    return v > 0 ? v : STORE_WEIGHT_FLOOR;
}

/* The ranked terms: every expansion and typed word, except words in more than MATCH_MAX_DF of all chunks (their
 * idf is small, and they still count in the re-ranking); the three rarest typed words are always kept. Sorted
 * rarest first, as rank_top takes them. */
static int build_terms(store *s, search_query *q, fa_err *e)
{
    double rare[3] = {2, 2, 2};
    for (size_t i = 0; i < q->concepts.n; i++) {
        const search_concept *c = &q->concepts.v[i];
        if (c->expansion || c->stems.n != 1)
            continue;
        for (int k = 0; k < 3; k++)
            if (c->df_ratio < rare[k]) {
                memmove(rare + k + 1, rare + k, (size_t)(2 - k) * sizeof *rare);
                rare[k] = c->df_ratio;
                break;
            }
    }
    for (size_t i = 0; i < q->concepts.n; i++) {
        const search_concept *c = &q->concepts.v[i];
        bool typed_word = !c->expansion && c->stems.n == 1;
        bool common = c->df_ratio > MATCH_MAX_DF && c->df_ratio > rare[2];
        if (!c->expansion && !(typed_word && !common))
            continue;
        /* A phrase's chunks are counted up to PHRASE_COUNT_MAX (all of them in a small library); beyond that,
         * its rarest word's count stands in (an upper bound). */
        long long df = c->df;
        if (c->stems.n > 1) {
            long long n;
            if (store_phrase_df(s, c->word, PHRASE_COUNT_MAX, &n, e) != 0)
                return -1;
            if (n < PHRASE_COUNT_MAX)
                df = n;
        }
        double idf = bm25_idf(df, q->library_chunks);
        size_t at = q->terms.n;
        VEC_PUSH(q->terms, xstrdup(c->word));
        VEC_PUSH(q->term_idf, idf);
        VEC_PUSH(q->term_df, df);
        /* Insertion sort, rarest (highest idf) first; stable for equal idf. */
        while (at > 0 && q->term_idf.v[at - 1] < idf) {
            char *t = q->terms.v[at];
            q->terms.v[at] = q->terms.v[at - 1];
            q->terms.v[at - 1] = t;
            q->term_idf.v[at] = q->term_idf.v[at - 1];
            q->term_idf.v[at - 1] = idf;
            long long d = q->term_df.v[at];
            q->term_df.v[at] = q->term_df.v[at - 1];
            q->term_df.v[at - 1] = d;
            at--;
        }
    }
    return 0;
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
        /* A word the library never uses cannot be covered by any passage: an ordinary word is the asker's
         * paraphrase and weighs nothing; a designation or name means the library is not about the subject. */
        if (q->concepts.v[q->concepts.n - 1].df_ratio == 0) {
            if (name_shape(w))
                q->unknown_names++;
            else
                q->concepts.v[q->concepts.n - 1].idf = 0;
        }
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
            add_concept(s, q, exp.v[k], true, group);
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
                /* The acronym counts like a typed word; the phrase spelled out satisfies it as well. */
                if (add_concept(s, q, acr.v[k], false, q->ngroups) == 0) {
                    add_concept(s, q, ph.s, true, q->ngroups);
                    q->ngroups++;
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
        return fa_fail(e, "the question has no searchable words; name the subject, e.g. \"clearance of fires\"");
    }
    if (build_terms(s, q, e) != 0) {
        search_query_free(q);
        return -1;
    }
    build_vocab(q);
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

/* The query's vocabulary: each distinct stem once; concepts refer to stems by index. */
static int vocab_id(str_vec *vocab, const char *stem, size_t n, bool add)
{
    for (size_t i = 0; i < vocab->n; i++)
        if (strlen(vocab->v[i]) == n && !memcmp(vocab->v[i], stem, n))
            return (int)i;
    if (!add)
        return -1;
    VEC_PUSH(*vocab, xstrndup(stem, n));
    return (int)vocab->n - 1;
}

static void build_vocab(search_query *q)
{
    for (size_t i = 0; i < q->concepts.n; i++) {
        search_concept *c = &q->concepts.v[i];
        for (size_t k = 0; k < c->stems.n; k++)
            VEC_PUSH(c->ids, vocab_id(&q->vocab, c->stems.v[k], strlen(c->stems.v[k]), true));
    }
    for (size_t k = 0; k < q->subject.n; k++)
        VEC_PUSH(q->subject_ids, vocab_id(&q->vocab, q->subject.v[k], strlen(q->subject.v[k]), true));
    for (size_t k = 0; k < q->copulas.n; k++)
        VEC_PUSH(q->copula_ids, vocab_id(&q->vocab, q->copulas.v[k], strlen(q->copulas.v[k]), true));
}

/* A passage's tokens that belong to the query's vocabulary, with their positions (for phrases). */
typedef struct { int pos, id; } token_hit;
typedef struct {
    const search_query *q;
    VEC(token_hit) hits;
    bool *present;
    int pos;
} token_set;

static void on_passage_token(const char *tok, int len, void *arg)
{
    token_set *t = arg;
    int id = vocab_id((str_vec *)&t->q->vocab, tok, (size_t)len, false);
    if (id >= 0) {
        token_hit h = {t->pos, id};
        VEC_PUSH(t->hits, h);
        t->present[id] = true;
    }
    t->pos++;
}

/* Whether ids[0..n) occur at consecutive positions, followed (when then is not NULL) by one of then's ids. */
static bool phrase_at(const token_set *t, const int *ids, size_t n, const int *then, size_t nthen)
{
    for (size_t i = 0; n && i + n <= t->hits.n; i++) {
        size_t k = 0;
        while (k < n && t->hits.v[i + k].id == ids[k] && t->hits.v[i + k].pos == t->hits.v[i].pos + (int)k)
            k++;
        if (k < n)
            continue;
        if (!then)
            return true;
        if (i + n < t->hits.n && t->hits.v[i + n].pos == t->hits.v[i].pos + (int)n)
            for (size_t j = 0; j < nthen; j++)
                if (t->hits.v[i + n].id == then[j])
                    return true;
    }
    return false;
}

static bool concept_in(const search_concept *c, const token_set *t)
{
    if (c->ids.n == 1)
        return t->present[c->ids.v[0]];
    return phrase_at(t, c->ids.v, c->ids.n, NULL, 0);
}

double search_coverage(store *s, const search_query *q, const char *text, double *words)
{
    double words_got = 0, words_total = 0;
    token_set t = {.q = q};
    t.present = xcalloc(q->vocab.n ? q->vocab.n : 1, sizeof *t.present);
    store_tokenize(s, text, on_passage_token, &t, NULL);
    double got = 0;
    for (int g = 0; g < q->ngroups; g++) {
        double w = 0;
        bool present = false, bigram = false;
        for (size_t k = 0; k < q->concepts.n; k++) {
            const search_concept *c = &q->concepts.v[k];
            if (c->group != g)
                continue;
            if (!c->expansion)
                w = c->idf;
            bigram = bigram || c->bigram;
            if (!present && concept_in(c, &t))
                present = true;
        }
        if (present)
            got += w;
        if (!bigram) {
            words_total += w;
            words_got += present ? w : 0;
        }
    }
    if (words)
        *words = words_total > 0 ? words_got / words_total : 0;
    /* A definition question ("what is X") is answered where X is followed by "is", "are", "means"... */
    if (q->subject_ids.n && phrase_at(&t, q->subject_ids.v, q->subject_ids.n, q->copula_ids.v, q->copula_ids.n))
        got += q->total_weight * DEFINITION_BONUS;
    free(t.hits.v);
    free(t.present);
    return q->total_weight > 0 ? got / q->total_weight : 0;
}

static int cmp_hit(const void *a, const void *b)
{
    double x = ((const store_hit *)a)->score, y = ((const store_hit *)b)->score;
    return (x < y) - (x > y);
}

/* Best BM25 of the pages a chunk spans. */
static double best_page_score(const store_page_scores *ps, const store_hit *h)
{
    double best = 0;
    for (size_t i = 0; i < ps->n; i++)
        if (ps->v[i].doc_id == h->doc_id && ps->v[i].page >= h->page && ps->v[i].page <= h->page_end &&
            ps->v[i].score > best)
            best = ps->v[i].score;
    return best;
}

/* How many of the query's terms, rarest first, it takes for their rows to number at least rows (all of them
 * when they never do). */
static size_t rarest_terms_holding(const search_query *q, long long rows)
{
    size_t j = 0;
    for (long long held = 0; j < q->terms.n && held < rows; j++)
        held += q->term_df.v[j];
    return j;
}

static int cmp_page(const void *a, const void *b)
{
    const store_page_score *x = a, *y = b;
    if (x->doc_id != y->doc_id)
        return x->doc_id < y->doc_id ? -1 : 1;
    return (x->page > y->page) - (x->page < y->page);
}

/* The BM25 of every page the candidates span (each page once; at most MAX_SPAN pages of a chunk), for the page
 * part of their score. */
static int score_candidate_pages(store *s, const store_rank_query *rq, const store_hits *cand, store_page_scores *out,
                                 fa_err *e)
{
    store_page_scores want = {0};
    for (size_t i = 0; i < cand->n; i++)
        for (int pg = cand->v[i].page; pg <= cand->v[i].page_end && pg - cand->v[i].page < MAX_SPAN; pg++) {
            store_page_score p = {cand->v[i].doc_id, pg, 0};
            VEC_PUSH(want, p);
        }
    size_t n = 0;
    if (want.n)
        qsort(want.v, want.n, sizeof *want.v, cmp_page);
    for (size_t i = 0; i < want.n; i++)
        if (n == 0 || cmp_page(&want.v[n - 1], &want.v[i]) != 0)
            want.v[n++] = want.v[i];
    int rc = n ? store_score_pages(s, rq, want.v, n, out, e) : 0;
    free(want.v);
    return rc;
}

/*
 * The best k chunks by BM25 over the ranked terms without walking the posting lists of common words, after
 * MaxScore (Turtle and Flood, "Query evaluation: strategies and optimizations", Information Processing and
 * Management 31(6), 1995). A term adds less than STORE_BM25_BOUND times its idf to any score, so a row holding
 * none of the j rarest terms scores less than rest[j], the sum of the other terms' bounds. The store ranks the
 * rows holding one of the j rarest terms (every term counts in their scores, the others' postings are only
 * sought for those rows); once the k-th best of those reaches rest[j], no other row can enter the top k.
 * j starts where the rare terms are held k times; when that is not yet exact, one more round takes the first j
 * that is (the k-th score can only rise with j), or as many terms as ROW_BUDGET rows allow: beyond that the top
 * k is the best of the rows holding the rarer terms, a bounded amount of work at any library size. When every
 * term fits the budget (a library of the corpus's size), one round over all of them is exact at once.
 */
static int rank_top(store *s, const search_query *q, int k, store_hits *hits, fa_err *e)
{
    size_t n = q->terms.n;
    double *rest = xcalloc(n + 1, sizeof *rest);
    for (size_t i = n; i-- > 0;)
        rest[i] = rest[i + 1] + STORE_BM25_BOUND * q->term_idf.v[i];
    long long all = 0;
    for (size_t i = 0; i < n; i++)
        all += q->term_df.v[i];
    /* When every term's rows fit the budget, one round over all of them is exact at once. */
    size_t j = all <= ROW_BUDGET ? n : rarest_terms_holding(q, k);
    store_rank_query rq = {(const char *const *)q->terms.v, q->term_idf.v, n, j, q->allowed_docs.v,
                           q->allowed_docs.n, q->restricted};
    int rc = store_rank_chunks(s, &rq, k, hits, e);
    double kth = rc == 0 && (int)hits->n >= k ? hits->v[k - 1].score : 0;
    if (rc == 0 && j < n && rest[j] > kth) {
        long long held = 0;
        for (size_t i = 0; i < j; i++)
            held += q->term_df.v[i];
        size_t more = j;
        while (more < n && rest[more] > kth && held + q->term_df.v[more] <= ROW_BUDGET)
            held += q->term_df.v[more++];
        if (more > j) {
            rq.nrequired = more;
            store_hits_free(hits);
            rc = store_rank_chunks(s, &rq, k, hits, e);
        }
    }
    free(rest);
    return rc;
}

/* The pages' part of the score. In a small library the pages that hold the rarer terms are scored in a thread
 * of their own beside the chunk ranking (the store scores pages on a connection of their own); in a larger one,
 * where that would cost as much as the chunk ranking, only the candidates' pages, after it. Either way a
 * candidate's page score is relative to the best of the candidates' pages. */
typedef struct {
    store *s;
    store_rank_query rq;
    store_page_scores pages;
    int rc;
    fa_err e;
} page_job;

static void *score_library_pages(void *arg)
{
    page_job *j = arg;
    j->rc = store_score_pages(j->s, &j->rq, NULL, 0, &j->pages, &j->e);
    return NULL;
}

int search_run(store *s, const search_query *q, int k, store_hits *out, fa_err *e)
{
    store_hits cand = {0};
    /* Every term weighs in a page's score; a small library scores the pages holding the rarest terms that
     * PAGE_CANDIDATES chunks hold. */
    page_job pj = {.s = s, .rq = {(const char *const *)q->terms.v, q->term_idf.v, q->terms.n,
                                  rarest_terms_holding(q, PAGE_CANDIDATES), NULL, 0, false}};
    pthread_t thread;
    bool threaded = q->library_chunks <= SMALL_LIBRARY && pthread_create(&thread, NULL, score_library_pages, &pj) == 0;
    int rc = rank_top(s, q, CANDIDATES, &cand, e);
    if (threaded) {
        pthread_join(thread, NULL);
        if (rc == 0 && pj.rc != 0) {
            *e = pj.e;
            rc = -1;
        }
    } else if (rc == 0) {
        rc = score_candidate_pages(s, &pj.rq, &cand, &pj.pages, e);
    }
    store_page_scores pages = pj.pages;
    if (rc != 0) {
        store_hits_free(&cand);
        free(pages.v);
        return -1;
    }
    /* Stage one: the passage's BM25 and its page's BM25 (the page supplies context a small passage lacks, as in
     * passage-document score interpolation), each relative to the best of the candidates. Stage two, for the
     * best of those only: plus the covered share of the question, which needs the passage tokenised. */
    double top = cand.n ? cand.v[0].score : 1, page_top = 0;
    double *page = xcalloc(cand.n ? cand.n : 1, sizeof *page);
    for (size_t i = 0; i < cand.n; i++) {
        page[i] = best_page_score(&pages, &cand.v[i]);
        page_top = page[i] > page_top ? page[i] : page_top;
    }
    for (size_t i = 0; i < cand.n; i++) {
        store_hit *h = &cand.v[i];
        h->score = W_PASSAGE * (top > 0 ? h->score / top : 0) + W_PAGE * (page_top > 0 ? page[i] / page_top : 0);
    }
    free(page);
    free(pages.v);
    if (cand.n)
        qsort(cand.v, cand.n, sizeof *cand.v, cmp_hit);
    size_t rerank = cand.n < RERANK ? cand.n : RERANK;
    for (size_t i = 0; i < rerank; i++) {
        store_hit *h = &cand.v[i];
        char *both = xasprintf("%s\n%s", h->section ? h->section : "", h->text);
        h->score += W_COVERAGE * search_coverage(s, q, both, NULL);
        free(both);
    }
    /* Current doctrine first: a superseded edition's passages keep their place only when clearly better. */
    store_ids old = {0};
    if (rerank && store_superseded_ids(s, &old, NULL) == 0 && old.n)
        for (size_t i = 0; i < rerank; i++)
            for (size_t k = 0; k < old.n; k++)
                if (cand.v[i].doc_id == old.v[k]) {
                    cand.v[i].score *= SUPERSEDED_WEIGHT;
                    break;
                }
    free(old.v);
    if (rerank)
        qsort(cand.v, rerank, sizeof *cand.v, cmp_hit);
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
        free(q->concepts.v[i].ids.v);
    }
    free(q->concepts.v);
    str_vec_free(&q->subject);
    str_vec_free(&q->copulas);
    str_vec_free(&q->vocab);
    free(q->subject_ids.v);
    free(q->copula_ids.v);
    free(q->allowed_docs.v);
    free(q->text);
    str_vec_free(&q->terms);
    free(q->term_idf.v);
    free(q->term_df.v);
    memset(q, 0, sizeof *q);
}
