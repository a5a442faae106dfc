/*
 * chunk.c - doc_make_chunks: structure-aware chunks for search and citation.
 *
 * A chunk never crosses a chapter; it starts afresh at a heading once it holds some text, and closes near
 * CHUNK_TARGET characters at a unit (paragraph) boundary, never above CHUNK_MAX (long paragraphs are cut at
 * sentence ends). A chunk closed for size repeats its last short unit at the start of the next one (the overlap),
 * so an answer that straddles the cut is still whole in one of them. Each chunk keeps its section path,
 * paragraph number, page span and text boxes.
 */
#include "doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_TARGET 1500
#define CHUNK_MAX 2200
#define CHUNK_MIN_BEFORE_HEADING 250
#define OVERLAP_MAX 300

typedef struct {
    const doc_document *d;
    doc_chunks *out;
    strbuf text;
    VEC(doc_box) boxes;
    char *paragraph;          /* first paragraph number of the open chunk */
    const char *para_context; /* the paragraph the text belongs to when none starts in the chunk */
    char *heads[5];           /* heading texts by level 1..4 */
    int chapter;
    const doc_unit *last;     /* last unit added, for the overlap */
} chunker;

static char *section_path(chunker *c)
{
    strbuf b = {0};
    if (c->chapter >= 0 && (size_t)c->chapter < c->d->chapters.n)
        sb_add(&b, c->d->chapters.v[c->chapter]);
    for (int lv = 2; lv <= 4; lv++)
        if (c->heads[lv]) {
            if (b.len)
                sb_add(&b, " > ");
            sb_add(&b, c->heads[lv]);
        }
    return sb_take(&b);
}

static void close_chunk(chunker *c)
{
    if (c->text.len == 0) {
        c->boxes.n = 0;
        return;
    }
    doc_chunk ch = {0};
    ch.text = sb_take(&c->text);
    ch.section = section_path(c);
    if (c->paragraph)
        ch.paragraph = xstrdup(c->paragraph);
    else if (c->para_context)
        ch.paragraph = xstrdup(c->para_context);
    ch.page_start = ch.page_end = c->boxes.n ? c->boxes.v[0].page : 0;
    for (size_t i = 0; i < c->boxes.n; i++) {
        if (c->boxes.v[i].page < ch.page_start) ch.page_start = c->boxes.v[i].page;
        if (c->boxes.v[i].page > ch.page_end) ch.page_end = c->boxes.v[i].page;
    }
    ch.boxes.v = xmalloc((c->boxes.n ? c->boxes.n : 1) * sizeof *ch.boxes.v);
    memcpy(ch.boxes.v, c->boxes.v, c->boxes.n * sizeof *ch.boxes.v);
    ch.boxes.n = ch.boxes.cap = c->boxes.n;
    VEC_PUSH(*c->out, ch);
    c->boxes.n = 0;
    free(c->paragraph);
    c->paragraph = NULL;
}

static void add_text(chunker *c, const char *s, size_t n, const doc_unit *u)
{
    if (c->text.len)
        sb_addc(&c->text, '\n');
    sb_addn(&c->text, s, n);
    for (size_t i = 0; i < u->boxes.n; i++)
        VEC_PUSH(c->boxes, u->boxes.v[i]);
}

/* Length of the longest prefix of s no longer than max that ends a sentence (or at a space, failing that). */
static size_t cut_point(const char *s, size_t max)
{
    size_t best = 0, space = 0;
    for (size_t i = 1; i < max && s[i]; i++) {
        if ((s[i - 1] == '.' || s[i - 1] == '?' || s[i - 1] == '!' || s[i - 1] == ';') && s[i] == ' ')
            best = i;
        if (s[i] == ' ')
            space = i;
    }
    return best > max / 3 ? best : space ? space : max;
}

static void add_unit(chunker *c, const doc_unit *u)
{
    const char *t = u->text;
    size_t n = strlen(t);
    if (u->paragraph) {
        c->para_context = u->paragraph;
        if (!c->paragraph && c->text.len < CHUNK_TARGET / 2)
            c->paragraph = xstrdup(u->paragraph);
    }
    if (c->text.len && c->text.len + n > CHUNK_TARGET) {
        const doc_unit *prev = c->last;
        close_chunk(c);
        if (prev && strlen(prev->text) <= OVERLAP_MAX && prev != u)
            add_text(c, prev->text, strlen(prev->text), prev);
        if (u->paragraph)
            c->paragraph = xstrdup(u->paragraph);
    }
    while (n > CHUNK_MAX) {
        size_t k = cut_point(t, CHUNK_TARGET);
        add_text(c, t, k, u);
        close_chunk(c);
        t += k;
        while (*t == ' ')
            t++;
        n = strlen(t);
    }
    add_text(c, t, n, u);
    c->last = u;
}

/* The chapter title of the first unit on or after a page (NULL in the front matter). */
static const char *chapter_of_page(const doc_document *d, int page)
{
    int chapter = -1;
    for (size_t i = 0; i < d->units.n && chapter < 0; i++)
        if (d->units.v[i].boxes.n && d->units.v[i].boxes.v[0].page >= page)
            chapter = d->units.v[i].chapter;
    return chapter > 0 && (size_t)chapter < d->chapters.n ? d->chapters.v[chapter] : NULL;
}

void doc_make_chunks(const doc_document *d, doc_chunks *out)
{
    chunker c = {.d = d, .out = out, .chapter = 0};
    for (size_t i = 0; i < d->units.n; i++) {
        const doc_unit *u = &d->units.v[i];
        if (u->chapter != c.chapter) {
            close_chunk(&c);
            c.chapter = u->chapter;
            c.para_context = NULL;
            c.last = NULL;
            for (int lv = 0; lv < 5; lv++) {
                free(c.heads[lv]);
                c.heads[lv] = NULL;
            }
        }
        if (u->kind == UNIT_HEADING) {
            if (c.text.len >= CHUNK_MIN_BEFORE_HEADING)
                close_chunk(&c);
            c.last = NULL;
            int lv = u->level < 1 ? 1 : u->level > 4 ? 4 : u->level;
            if (lv == 1)
                continue; /* the chapter title itself */
            free(c.heads[lv]);
            c.heads[lv] = xstrdup(u->text);
            for (int k = lv + 1; k < 5; k++) {
                free(c.heads[k]);
                c.heads[k] = NULL;
            }
            continue;
        }
        add_unit(&c, u);
    }
    close_chunk(&c);
    /* Tables and figures, each under the chapter of the text around it. */
    for (size_t k = 0; k < d->tables.n; k++)
        doc_table_chunks(&d->tables.v[k], chapter_of_page(d, d->tables.v[k].page), out);
    for (size_t k = 0; k < d->figures.n; k++)
        doc_figure_chunk(&d->figures.v[k], chapter_of_page(d, d->figures.v[k].page), out);
    sb_free(&c.text);
    free(c.boxes.v);
    free(c.paragraph);
    for (int lv = 0; lv < 5; lv++)
        free(c.heads[lv]);
}

void doc_chunks_free(doc_chunks *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i].text);
        free(c->v[i].section);
        free(c->v[i].paragraph);
        free(c->v[i].boxes.v);
    }
    free(c->v);
    c->v = NULL;
    c->n = c->cap = 0;
}
