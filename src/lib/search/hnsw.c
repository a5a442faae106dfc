/*
 * hnsw.c - an approximate nearest-neighbour index over normalised float32 vectors: a hierarchical navigable
 * small world graph, after Yu. A. Malkov and D. A. Yashunin, "Efficient and robust approximate nearest neighbor
 * search using Hierarchical Navigable Small World graphs", IEEE TPAMI 42(4), 2020 (arXiv:1603.09320, 2016/2018).
 * The algorithm numbers in the comments are the paper's. Distance is 1 - dot product (cosine over unit vectors).
 * Nodes carry the caller's id (a chunk id) and a tag (its document id, for filtered searches). Deleting nodes
 * reconnects their neighbours (as hnswlib's repair does) and compacts the graph. See search.h.
 */
#include "search.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define HNSW_MAGIC "FAHNSW01"
#define HNSW_MAX_LEVEL 30
#define HNSW_STRIPES 1024

struct search_hnsw {
    int dim, M, M0, efc;
    double mL;                 /* level multiplier, 1 / ln(M) (paper section 4.1) */
    size_t n, cap;
    long long *ids, *tags;
    float *vecs;               /* n * dim */
    int *level;
    uint32_t **links;          /* per node, level + 1 blocks of 2 + M0 words: a count, neighbours, a spare */
    int max_level;
    uint32_t entry;            /* the entry point (paper: ep), valid when n > 0 */
    uint64_t rng;
    struct visited {
        uint32_t *v, tag;
        size_t cap;
        uint32_t *links;       /* a copy of one node's links, read under its lock */
    } vis;                     /* the single-threaded searches' (under lock) */
    long long *hash;           /* open addressing, id -> node index + 1 (0: empty) in hash_idx */
    uint32_t *hash_idx;
    size_t hash_cap;
    pthread_mutex_t lock;      /* searches share vis */
    /* While search_hnsw_add_many runs several threads: link lists are read and written under the stripe lock of
     * their node, the entry point under glock (as hnswlib does). */
    bool concurrent;
    pthread_mutex_t stripes[HNSW_STRIPES], glock;
};
typedef struct visited visited;

typedef struct cand {
    float d;
    uint32_t i;
} cand;

/* A binary heap with the largest key on top; a min-heap stores -d. */
typedef struct heap {
    cand *v;
    size_t n, cap;
} heap;

static void heap_push(heap *h, float key, uint32_t i)
{
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 64;
        h->v = xrealloc(h->v, h->cap * sizeof *h->v);
    }
    size_t k = h->n++;
    while (k > 0 && h->v[(k - 1) / 2].d < key) {
        h->v[k] = h->v[(k - 1) / 2];
        k = (k - 1) / 2;
    }
    h->v[k] = (cand){key, i};
}

static cand heap_pop(heap *h)
{
    cand top = h->v[0], last = h->v[--h->n];
    size_t k = 0;
    for (;;) {
        size_t c = 2 * k + 1;
        if (c >= h->n)
            break;
        if (c + 1 < h->n && h->v[c + 1].d > h->v[c].d)
            c++;
        if (h->v[c].d <= last.d)
            break;
        h->v[k] = h->v[c];
        k = c;
    }
    if (h->n)
        h->v[k] = last;
    return top;
}

static inline uint32_t *links_at(const search_hnsw *h, uint32_t node, int lc)
{
    return h->links[node] + (size_t)lc * (size_t)(2 + h->M0);
}

static inline float dist(const search_hnsw *h, const float *q, uint32_t node)
{
    return 1.0f - search_dot(q, h->vecs + (size_t)node * (size_t)h->dim, h->dim);
}

static inline int max_links(const search_hnsw *h, int lc)
{
    return lc == 0 ? h->M0 : h->M;
}

static uint64_t next_rand(search_hnsw *h)
{
    /* splitmix64 */
    uint64_t z = (h->rng += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static size_t hash_slot(long long id, size_t cap)
{
    uint64_t x = (uint64_t)id * 0x9e3779b97f4a7c15ULL;
    return (size_t)(x >> 17) & (cap - 1);
}

static void hash_put(search_hnsw *h, long long id, uint32_t idx);

static void hash_rebuild(search_hnsw *h, size_t want)
{
    size_t cap = 64;
    while (cap < want * 2)
        cap *= 2;
    free(h->hash);
    free(h->hash_idx);
    h->hash = xcalloc(cap, sizeof *h->hash);
    h->hash_idx = xcalloc(cap, sizeof *h->hash_idx);
    h->hash_cap = cap;
    for (size_t i = 0; i < h->n; i++)
        hash_put(h, h->ids[i], (uint32_t)i);
}

static void hash_put(search_hnsw *h, long long id, uint32_t idx)
{
    if ((h->n + 1) * 2 > h->hash_cap) {
        hash_rebuild(h, h->n + 1);
        if (idx < h->n)
            return; /* the rebuild placed it */
    }
    size_t s = hash_slot(id, h->hash_cap);
    while (h->hash_idx[s] && h->hash[s] != id)
        s = (s + 1) & (h->hash_cap - 1);
    h->hash[s] = id;
    h->hash_idx[s] = idx + 1;
}

long search_hnsw_find(const search_hnsw *h, long long id)
{
    if (!h->hash_cap)
        return -1;
    size_t s = hash_slot(id, h->hash_cap);
    while (h->hash_idx[s]) {
        if (h->hash[s] == id)
            return (long)h->hash_idx[s] - 1;
        s = (s + 1) & (h->hash_cap - 1);
    }
    return -1;
}

search_hnsw *search_hnsw_new(int dim, int M, int ef_construction, uint64_t seed)
{
    search_hnsw *h = xcalloc(1, sizeof *h);
    h->dim = dim;
    h->M = M < 2 ? 2 : M;
    h->M0 = 2 * h->M; /* Mmax0 = 2 M, the paper's recommendation (section 4.1) */
    h->efc = ef_construction < h->M ? h->M : ef_construction;
    h->mL = 1.0 / log((double)h->M);
    h->rng = seed;
    pthread_mutex_init(&h->lock, NULL);
    pthread_mutex_init(&h->glock, NULL);
    for (int i = 0; i < HNSW_STRIPES; i++)
        pthread_mutex_init(&h->stripes[i], NULL);
    return h;
}

void search_hnsw_free(search_hnsw *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n; i++)
        free(h->links[i]);
    free(h->links);
    free(h->ids);
    free(h->tags);
    free(h->vecs);
    free(h->level);
    free(h->vis.v);
    free(h->vis.links);
    free(h->hash);
    free(h->hash_idx);
    pthread_mutex_destroy(&h->lock);
    pthread_mutex_destroy(&h->glock);
    for (int i = 0; i < HNSW_STRIPES; i++)
        pthread_mutex_destroy(&h->stripes[i]);
    free(h);
}

size_t search_hnsw_size(const search_hnsw *h) { return h->n; }
int search_hnsw_dim(const search_hnsw *h) { return h->dim; }
long long search_hnsw_id(const search_hnsw *h, size_t i) { return h->ids[i]; }
long long search_hnsw_tag(const search_hnsw *h, size_t i) { return h->tags[i]; }
const float *search_hnsw_vector(const search_hnsw *h, size_t i) { return h->vecs + i * (size_t)h->dim; }

size_t search_hnsw_memory(const search_hnsw *h)
{
    size_t b = h->cap * (2 * sizeof(long long) + sizeof(int) + sizeof(uint32_t *) + sizeof(uint32_t)) +
               h->cap * (size_t)h->dim * sizeof(float) + h->hash_cap * (sizeof(long long) + sizeof(uint32_t));
    for (size_t i = 0; i < h->n; i++)
        b += (size_t)(h->level[i] + 1) * (size_t)(2 + h->M0) * sizeof(uint32_t);
    return b;
}

/* A node with no links yet; its vector is copied (or zeroed when v is NULL). */
static uint32_t new_node(search_hnsw *h, long long id, long long tag, const float *v, int level)
{
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 256;
        h->ids = xrealloc(h->ids, h->cap * sizeof *h->ids);
        h->tags = xrealloc(h->tags, h->cap * sizeof *h->tags);
        h->vecs = xrealloc(h->vecs, h->cap * (size_t)h->dim * sizeof *h->vecs);
        h->level = xrealloc(h->level, h->cap * sizeof *h->level);
        h->links = xrealloc(h->links, h->cap * sizeof *h->links);
    }
    uint32_t i = (uint32_t)h->n;
    h->ids[i] = id;
    h->tags[i] = tag;
    if (v)
        memcpy(h->vecs + (size_t)i * (size_t)h->dim, v, (size_t)h->dim * sizeof(float));
    else
        memset(h->vecs + (size_t)i * (size_t)h->dim, 0, (size_t)h->dim * sizeof(float));
    h->level[i] = level;
    h->links[i] = xcalloc((size_t)(level + 1) * (size_t)(2 + h->M0), sizeof(uint32_t));
    hash_put(h, id, i);
    h->n++;
    return i;
}

static void visit_begin(const search_hnsw *h, visited *vs)
{
    if (vs->cap < h->n) {
        free(vs->v);
        vs->cap = h->cap;
        vs->v = xcalloc(vs->cap, sizeof *vs->v);
        vs->tag = 0;
    }
    if (!vs->links)
        vs->links = xmalloc((size_t)(h->M0 + 2) * sizeof *vs->links);
    if (++vs->tag == 0) {
        memset(vs->v, 0, vs->cap * sizeof *vs->v);
        vs->tag = 1;
    }
}

static inline void node_lock(search_hnsw *h, uint32_t node)
{
    if (h->concurrent)
        pthread_mutex_lock(&h->stripes[node % HNSW_STRIPES]);
}

static inline void node_unlock(search_hnsw *h, uint32_t node)
{
    if (h->concurrent)
        pthread_mutex_unlock(&h->stripes[node % HNSW_STRIPES]);
}

typedef bool (*tag_ok_fn)(long long tag, void *arg);

/*
 * Algorithm 2, SEARCH-LAYER(q, ep, ef, lc): the ef nearest elements to q at layer lc, greedy from the entry
 * points eps. C is the candidate set (a min-heap), W the found nearest neighbours (a max-heap by distance).
 * With ok, only nodes it accepts enter W (a filtered search), while every node may still be traversed.
 * W is left in *w (keys are distances).
 */
static void search_layer(search_hnsw *h, visited *vs, const float *q, const cand *eps, size_t neps, int ef, int lc,
                         tag_ok_fn ok, void *arg, heap *w)
{
    heap c = {0};
    w->n = 0;
    visit_begin(h, vs);
    for (size_t i = 0; i < neps; i++) {
        uint32_t e = eps[i].i;
        if (vs->v[e] == vs->tag)
            continue;
        vs->v[e] = vs->tag;
        heap_push(&c, -eps[i].d, e);
        if (!ok || ok(h->tags[e], arg))
            heap_push(w, eps[i].d, e);
    }
    while (w->n > (size_t)ef)
        heap_pop(w);
    while (c.n) {
        cand cc = heap_pop(&c);
        float dc = -cc.d;
        if (w->n >= (size_t)ef && dc > w->v[0].d) /* all elements in W are evaluated */
            break;
        uint32_t *l = links_at(h, cc.i, lc), nl;
        node_lock(h, cc.i);
        nl = l[0];
        memcpy(vs->links, l + 1, nl * sizeof *l);
        node_unlock(h, cc.i);
        for (uint32_t j = 0; j < nl; j++) {
            uint32_t e = vs->links[j];
            if (vs->v[e] == vs->tag)
                continue;
            vs->v[e] = vs->tag;
            float de = dist(h, q, e);
            if (w->n < (size_t)ef || de < w->v[0].d) {
                heap_push(&c, -de, e);
                if (!ok || ok(h->tags[e], arg)) {
                    heap_push(w, de, e);
                    if (w->n > (size_t)ef)
                        heap_pop(w);
                }
            }
        }
    }
    free(c.v);
}

static int by_dist(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    return x->d < y->d ? -1 : x->d > y->d ? 1 : (x->i > y->i) - (x->i < y->i);
}

/*
 * Algorithm 4, SELECT-NEIGHBORS-HEURISTIC(q, C, M, lc, extendCandidates = false, keepPrunedConnections =
 * false): from candidates sorted by distance to the base element, keep e only when it is closer to the base
 * than to every element already kept, so links spread in all directions. Returns the number kept (<= m), in
 * place at the front of c.
 */
static size_t select_neighbors(const search_hnsw *h, cand *c, size_t nc, int m)
{
    size_t r = 0;
    for (size_t i = 0; i < nc && r < (size_t)m; i++) {
        const float *ve = h->vecs + (size_t)c[i].i * (size_t)h->dim;
        bool good = true;
        for (size_t j = 0; j < r && good; j++)
            if (dist(h, ve, c[j].i) < c[i].d)
                good = false;
        if (good)
            c[r++] = c[i];
    }
    return r;
}

/* Neighbour e gained a link at lc beyond its maximum: shrink its connections with the heuristic (Algorithm 1,
 * lines 13-16). */
static void shrink(search_hnsw *h, uint32_t e, int lc, cand *buf)
{
    uint32_t *l = links_at(h, e, lc);
    const float *ve = h->vecs + (size_t)e * (size_t)h->dim;
    size_t nc = l[0];
    for (size_t j = 0; j < nc; j++)
        buf[j] = (cand){dist(h, ve, l[j + 1]), l[j + 1]};
    qsort(buf, nc, sizeof *buf, by_dist);
    size_t r = select_neighbors(h, buf, nc, max_links(h, lc));
    l[0] = (uint32_t)r;
    for (size_t j = 0; j < r; j++)
        l[j + 1] = buf[j].i;
}

/* Algorithm 1, INSERT(hnsw, q, M, Mmax, efConstruction, mL), for node q already allocated at its level, the
 * graph having an entry point. Safe to run in several threads at once when h->concurrent is set. */
static void insert_node(search_hnsw *h, visited *vs, uint32_t q)
{
    int l = h->level[q];
    if (h->concurrent)
        pthread_mutex_lock(&h->glock);
    uint32_t entry = h->entry;
    int top = h->max_level;
    bool new_top = l > top; /* then glock stays held until q is the entry point (lines 18-19) */
    if (h->concurrent && !new_top)
        pthread_mutex_unlock(&h->glock);
    const float *vq = h->vecs + (size_t)q * (size_t)h->dim;
    cand ep = {dist(h, vq, entry), entry};
    heap w = {0};
    cand *buf = xmalloc((size_t)(h->M0 + 2 > h->efc ? h->M0 + 2 : h->efc) * sizeof *buf);
    for (int lc = top; lc > l; lc--) { /* lines 5-7: greedy descent, ef = 1 */
        search_layer(h, vs, vq, &ep, 1, 1, lc, NULL, NULL, &w);
        if (w.n)
            ep = w.v[0];
    }
    cand *eps = xmalloc(sizeof *eps);
    size_t neps = 1;
    eps[0] = ep;
    for (int lc = l < top ? l : top; lc >= 0; lc--) { /* lines 8-17 */
        search_layer(h, vs, vq, eps, neps, h->efc, lc, NULL, NULL, &w);
        /* W's elements, nearest first; they are the next layer's entry points (line 17). */
        free(eps);
        neps = w.n;
        eps = xmalloc((neps ? neps : 1) * sizeof *eps);
        memcpy(eps, w.v, neps * sizeof *eps);
        qsort(eps, neps, sizeof *eps, by_dist);
        cand *sel = xmalloc((neps ? neps : 1) * sizeof *sel);
        memcpy(sel, eps, neps * sizeof *sel);
        size_t r = select_neighbors(h, sel, neps, h->M); /* line 10 */
        uint32_t *lq = links_at(h, q, lc);
        node_lock(h, q);
        lq[0] = (uint32_t)r;
        for (size_t j = 0; j < r; j++)
            lq[j + 1] = sel[j].i;
        node_unlock(h, q);
        for (size_t j = 0; j < r; j++) { /* line 11: bidirectional connections */
            uint32_t *le = links_at(h, sel[j].i, lc);
            node_lock(h, sel[j].i);
            le[++le[0]] = q; /* the block has one spare word past the maximum */
            if ((int)le[0] > max_links(h, lc))
                shrink(h, sel[j].i, lc, buf);
            node_unlock(h, sel[j].i);
        }
        free(sel);
    }
    free(eps);
    free(buf);
    free(w.v);
    if (new_top) { /* lines 18-19 */
        h->max_level = l;
        h->entry = q;
        if (h->concurrent)
            pthread_mutex_unlock(&h->glock);
    }
}

/* Algorithm 1, line 4: l = floor(-ln(unif(0..1)) * mL) */
static int draw_level(search_hnsw *h)
{
    double u = ((double)(next_rand(h) >> 11) + 0.5) / 9007199254740992.0;
    int l = (int)floor(-log(u) * h->mL);
    return l > HNSW_MAX_LEVEL ? HNSW_MAX_LEVEL : l;
}

int search_hnsw_add(search_hnsw *h, long long id, long long tag, const float *v)
{
    if (search_hnsw_find(h, id) >= 0)
        return -1;
    uint32_t q = new_node(h, id, tag, v, draw_level(h));
    if (h->n == 1) {
        h->entry = q;
        h->max_level = h->level[q];
    } else {
        insert_node(h, &h->vis, q);
    }
    return 0;
}

typedef struct batch {
    search_hnsw *h;
    uint32_t first, last; /* nodes [first, last) to insert */
    _Atomic uint32_t next;
} batch;

static void *insert_worker(void *arg)
{
    batch *b = arg;
    visited vs = {0};
    for (;;) {
        uint32_t i = b->next++;
        if (i >= b->last)
            break;
        insert_node(b->h, &vs, i);
    }
    free(vs.v);
    free(vs.links);
    return NULL;
}

size_t search_hnsw_add_many(search_hnsw *h, size_t n, const long long *ids, const long long *tags, const float *vecs,
                            int threads)
{
    uint32_t first = (uint32_t)h->n;
    for (size_t i = 0; i < n; i++) /* every node allocated first, so no array moves while threads insert */
        if (search_hnsw_find(h, ids[i]) < 0)
            new_node(h, ids[i], tags ? tags[i] : 0, vecs + i * (size_t)h->dim, draw_level(h));
    uint32_t last = (uint32_t)h->n;
    if (first == last)
        return 0;
    batch b = {.h = h, .first = first, .last = last, .next = first};
    if (first == 0) { /* an empty graph: the first node is the entry point */
        h->entry = 0;
        h->max_level = h->level[0];
        b.next = 1;
    }
    if (threads > 64)
        threads = 64;
    if (threads > 1 && last - b.next >= 1000) {
        pthread_t t[64];
        int started = 0;
        h->concurrent = true;
        for (int i = 0; i < threads; i++)
            if (pthread_create(&t[i], NULL, insert_worker, &b) == 0)
                t[started++] = t[i];
        insert_worker(&b); /* this thread too; all nodes get inserted even if no thread started */
        for (int i = 0; i < started; i++)
            pthread_join(t[i], NULL);
        h->concurrent = false;
    } else {
        insert_worker(&b);
    }
    return last - first;
}

/* Algorithm 5, K-NN-SEARCH(hnsw, q, K, ef): greedy descent to layer 1, then SEARCH-LAYER at layer 0 with ef,
 * the K nearest of W. */
size_t search_hnsw_search(search_hnsw *h, const float *q, int k, int ef, bool (*ok)(long long tag, void *arg),
                          void *arg, search_scored *out)
{
    if (!h->n || k <= 0)
        return 0;
    if (ef < k)
        ef = k;
    pthread_mutex_lock(&h->lock);
    heap w = {0};
    cand ep = {dist(h, q, h->entry), h->entry};
    for (int lc = h->max_level; lc > 0; lc--) {
        search_layer(h, &h->vis, q, &ep, 1, 1, lc, NULL, NULL, &w);
        if (w.n)
            ep = w.v[0];
    }
    search_layer(h, &h->vis, q, &ep, 1, ef, 0, ok, arg, &w);
    pthread_mutex_unlock(&h->lock);
    qsort(w.v, w.n, sizeof *w.v, by_dist);
    size_t n = w.n < (size_t)k ? w.n : (size_t)k;
    for (size_t i = 0; i < n; i++)
        out[i] = (search_scored){h->ids[w.v[i].i], 1.0f - w.v[i].d};
    free(w.v);
    return n;
}

void search_hnsw_set(search_hnsw *h, size_t i, long long tag, const float *v)
{
    h->tags[i] = tag;
    memcpy(h->vecs + i * (size_t)h->dim, v, (size_t)h->dim * sizeof(float));
}

/*
 * Removes the nodes marked in dead (h->n flags). Each surviving node that linked to a removed one picks its
 * links at that layer again, with the heuristic, from its surviving links and the removed neighbours' own
 * surviving links (the repair hnswlib applies when a point changes), so the graph stays navigable. Then the
 * nodes are renumbered without gaps.
 */
void search_hnsw_remove(search_hnsw *h, const unsigned char *dead)
{
    size_t ndead = 0;
    for (size_t i = 0; i < h->n; i++)
        ndead += dead[i] != 0;
    if (!ndead)
        return;
    size_t bufcap = (size_t)(h->M0 + 1) * (size_t)(h->M0 + 1);
    cand *buf = xmalloc(bufcap * sizeof *buf);
    uint32_t *seen = xcalloc(h->n, sizeof *seen);
    uint32_t stamp = 0;
    for (size_t i = 0; i < h->n; i++) {
        if (dead[i])
            continue;
        const float *vi = h->vecs + i * (size_t)h->dim;
        for (int lc = 0; lc <= h->level[i]; lc++) {
            uint32_t *l = links_at(h, (uint32_t)i, lc);
            bool hit = false;
            for (uint32_t j = 1; j <= l[0] && !hit; j++)
                hit = dead[l[j]];
            if (!hit)
                continue;
            stamp++;
            seen[i] = stamp;
            size_t nc = 0;
            for (uint32_t j = 1; j <= l[0]; j++) {
                uint32_t e = l[j];
                if (!dead[e]) {
                    if (seen[e] != stamp) {
                        seen[e] = stamp;
                        buf[nc++] = (cand){dist(h, vi, e), e};
                    }
                    continue;
                }
                if (h->level[e] < lc)
                    continue;
                uint32_t *le = links_at(h, e, lc);
                for (uint32_t m = 1; m <= le[0]; m++) {
                    uint32_t f = le[m];
                    if (!dead[f] && seen[f] != stamp && nc < bufcap) {
                        seen[f] = stamp;
                        buf[nc++] = (cand){dist(h, vi, f), f};
                    }
                }
            }
            qsort(buf, nc, sizeof *buf, by_dist);
            size_t r = select_neighbors(h, buf, nc, max_links(h, lc));
            l[0] = (uint32_t)r;
            for (size_t j = 0; j < r; j++)
                l[j + 1] = buf[j].i;
        }
    }
    free(seen);
    free(buf);
    /* renumber */
    uint32_t *map = xmalloc(h->n * sizeof *map);
    size_t m = 0;
    for (size_t i = 0; i < h->n; i++)
        map[i] = dead[i] ? UINT32_MAX : (uint32_t)m++;
    bool entry_dead = dead[h->entry] != 0;
    size_t old_n = h->n;
    for (size_t i = 0; i < old_n; i++) {
        if (dead[i]) {
            free(h->links[i]);
            continue;
        }
        size_t j = map[i];
        h->ids[j] = h->ids[i];
        h->tags[j] = h->tags[i];
        h->level[j] = h->level[i];
        h->links[j] = h->links[i];
        if (j != i)
            memmove(h->vecs + j * (size_t)h->dim, h->vecs + i * (size_t)h->dim, (size_t)h->dim * sizeof(float));
        for (int lc = 0; lc <= h->level[j]; lc++) {
            uint32_t *l = links_at(h, (uint32_t)j, lc);
            uint32_t r = 0;
            for (uint32_t k = 1; k <= l[0]; k++)
                if (map[l[k]] != UINT32_MAX)
                    l[++r] = map[l[k]];
            l[0] = r;
        }
    }
    h->n = m;
    if (m && !entry_dead)
        h->entry = map[h->entry];
    free(map);
    if (m && entry_dead) {
        uint32_t best = 0;
        for (size_t i = 1; i < m; i++)
            if (h->level[i] > h->level[best])
                best = (uint32_t)i;
        h->entry = best;
    }
    h->max_level = m ? h->level[h->entry] : 0;
    hash_rebuild(h, h->n);
}

/* The graph without its vectors (they live in the store): magic, dim, M, efConstruction, n, entry, max level,
 * then per node its id, level and each layer's links. Little-endian as the machine writes it. */
void search_hnsw_save(const search_hnsw *h, strbuf *out)
{
    uint32_t head[6] = {(uint32_t)h->dim, (uint32_t)h->M, (uint32_t)h->efc, (uint32_t)h->n, h->entry,
                        (uint32_t)h->max_level};
    sb_addn(out, HNSW_MAGIC, 8);
    sb_addn(out, (const char *)head, sizeof head);
    for (size_t i = 0; i < h->n; i++) {
        int32_t lv = h->level[i];
        sb_addn(out, (const char *)&h->ids[i], sizeof h->ids[i]);
        sb_addn(out, (const char *)&lv, sizeof lv);
        for (int lc = 0; lc <= h->level[i]; lc++) {
            const uint32_t *l = links_at(h, (uint32_t)i, lc);
            sb_addn(out, (const char *)l, (1 + l[0]) * sizeof *l);
        }
    }
}

typedef struct reader {
    const unsigned char *p, *end;
} reader;

static bool take(reader *r, void *dst, size_t n)
{
    if ((size_t)(r->end - r->p) < n)
        return false;
    memcpy(dst, r->p, n);
    r->p += n;
    return true;
}

search_hnsw *search_hnsw_load(const void *data, size_t len, int dim, fa_err *e)
{
    reader r = {data, (const unsigned char *)data + len};
    char magic[8];
    uint32_t head[6];
    if (!take(&r, magic, 8) || memcmp(magic, HNSW_MAGIC, 8) || !take(&r, head, sizeof head)) {
        fa_fail(e, "the stored vector index is not an FA-GPT HNSW graph");
        return NULL;
    }
    if ((int)head[0] != dim || head[1] < 2 || head[1] > 256 || head[3] > (uint32_t)(len / 16) ||
        (head[3] && head[4] >= head[3]) || head[5] > HNSW_MAX_LEVEL) {
        fa_fail(e, "the stored vector index has a bad header (dimension %u, expected %d)", head[0], dim);
        return NULL;
    }
    search_hnsw *h = search_hnsw_new(dim, (int)head[1], (int)head[2], 0x5eed ^ head[3]);
    size_t n = head[3];
    for (size_t i = 0; i < n; i++) {
        long long id;
        int32_t lv;
        if (!take(&r, &id, sizeof id) || !take(&r, &lv, sizeof lv) || lv < 0 || lv > HNSW_MAX_LEVEL ||
            search_hnsw_find(h, id) >= 0) {
            fa_fail(e, "the stored vector index is damaged at node %zu", i);
            search_hnsw_free(h);
            return NULL;
        }
        uint32_t q = new_node(h, id, 0, NULL, lv);
        for (int lc = 0; lc <= lv; lc++) {
            uint32_t *l = links_at(h, q, lc);
            if (!take(&r, l, sizeof *l) || (int)l[0] > max_links(h, lc) || !take(&r, l + 1, l[0] * sizeof *l)) {
                fa_fail(e, "the stored vector index is damaged at node %zu", i);
                search_hnsw_free(h);
                return NULL;
            }
        }
    }
    /* every link must name a node that has that layer */
    for (size_t i = 0; i < n; i++)
        for (int lc = 0; lc <= h->level[i]; lc++) {
            const uint32_t *l = links_at(h, (uint32_t)i, lc);
            for (uint32_t j = 1; j <= l[0]; j++)
                if (l[j] >= n || h->level[l[j]] < lc) {
                    fa_fail(e, "the stored vector index has a link out of range at node %zu", i);
                    search_hnsw_free(h);
                    return NULL;
                }
        }
    if (r.p != r.end || (n && h->level[head[4]] != (int)head[5])) {
        fa_fail(e, "the stored vector index is damaged (trailing bytes or a wrong entry point)");
        search_hnsw_free(h);
        return NULL;
    }
    h->entry = head[4];
    h->max_level = (int)head[5];
    return h;
}
