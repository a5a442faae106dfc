/*
 * figure.c - captioned figures of a page (doc_find_figures, see graphics.h) and their search chunks.
 *
 * Each "Figure N-N." caption line claims the drawing next to it: starting from the images, drawn paths and
 * rules (not a table's) that end just above the caption (or, failing that, start just below it), the region
 * grows over every such box within FIG_JOIN points, across the caption's column. The text lines inside the
 * region are the figure's text; a figure made of images with little text of its own is OCRed. The size of the
 * region's PNG is recorded (render.c, doc_figure_pixels); the PNG itself is drawn here only when the caller
 * asks (a vision model reads it during ingest), else when it is first wanted (doc_render_figure_png). An image
 * over FIG_MAX_IMAGE_PX pixels is neither drawn nor OCRed: the figure keeps its caption and a warning says why.
 */
#include "graphics.h"
#include "ocr.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIG_JOIN 14.0f
#define FIG_NEAR 60.0f
#define FIG_MAX_IMAGE_PX (64.0 * 1024 * 1024)
#define FIG_MAX_BOXES 20000
#define FIG_MAX_OWN_TEXT 1000

bool doc_figure_caption(const char *s, char num[24])
{
    if (strncmp(s, "Figure ", 7) != 0)
        return false;
    const char *p = s + 7;
    size_t n = 0;
    while (p[n] && (isalnum((unsigned char)p[n]) || p[n] == '-' || p[n] == '.') && n < 20)
        n++;
    while (n && p[n - 1] == '.')
        n--;
    const char *dash = memchr(p, '-', n);
    if (!dash || dash == p || (size_t)(dash - p) > 5 || !isdigit((unsigned char)dash[1]))
        return false;
    /* A contents line ("Figure 2-1. Army design methodology ........ 2-2") is not a caption. */
    if (strstr(s, "....") || strstr(s, ". . ."))
        return false;
    memcpy(num, p, n);
    num[n] = 0;
    return true;
}

static bool near_rect(fz_rect a, fz_rect b, float d)
{
    return a.x0 <= b.x1 + d && b.x0 <= a.x1 + d && a.y0 <= b.y1 + d && b.y0 <= a.y1 + d;
}

static bool in_tables(const doc_page *p, fz_rect b)
{
    for (size_t k = 0; k < p->ntables; k++) {
        const doc_box *t = &p->tables[k].box;
        float cx = (b.x0 + b.x1) / 2, cy = (b.y0 + b.y1) / 2;
        if (cx >= t->x0 - 2 && cx <= t->x1 + 2 && cy >= t->y0 - 2 && cy <= t->y1 + 2)
            return true;
    }
    return false;
}

typedef struct {
    fz_rect box;
    int kind;       /* 1 image, 2 drawn */
    double px;      /* pixels of an image */
    bool used;
} piece;

typedef VEC(piece) piece_vec;
typedef VEC(doc_figure) figure_vec;

/* Grows a region from the pieces near the caption's edge (above: bottom edges within FIG_NEAR of its top). */
static fz_rect claim(piece_vec *pc, const doc_line *cap, bool above, int *kinds, double *max_px)
{
    fz_rect region = fz_empty_rect;
    float cx0 = cap->box.x0 - 150, cx1 = cap->box.x1 + 150;
    for (size_t i = 0; i < pc->n; i++) {
        piece *q = &pc->v[i];
        if (q->used || q->box.x1 < cx0 || q->box.x0 > cx1)
            continue;
        bool seed = above ? q->box.y1 <= cap->box.y0 + 2 && q->box.y1 >= cap->box.y0 - FIG_NEAR
                          : q->box.y0 >= cap->box.y1 - 2 && q->box.y0 <= cap->box.y1 + FIG_NEAR;
        if (seed) {
            region = fz_union_rect(region, q->box);
            q->used = true;
            *kinds |= q->kind;
            *max_px = fmax(*max_px, q->px);
        }
    }
    for (bool grew = !fz_is_empty_rect(region); grew;) {
        grew = false;
        for (size_t i = 0; i < pc->n; i++) {
            piece *q = &pc->v[i];
            /* Never across the caption line. */
            bool side = above ? q->box.y1 <= cap->box.y0 + 2 : q->box.y0 >= cap->box.y1 - 2;
            if (q->used || !side || !near_rect(region, q->box, FIG_JOIN))
                continue;
            region = fz_union_rect(region, q->box);
            q->used = true;
            *kinds |= q->kind;
            *max_px = fmax(*max_px, q->px);
            grew = true;
        }
    }
    return region;
}

void doc_find_figures(fz_context *ctx, fz_page *page, fz_rect r, int index, const doc_gfx *g, doc_page *p,
                      struct doc_ocr **ocr, bool want_ocr, bool want_png)
{
    if (g->capped)
        return; /* doc_find_tables said why */
    piece_vec pc = {0};
    for (size_t i = 0; i < g->images.n; i++) {
        double px = (double)g->image_px.v[i].x1 * (double)g->image_px.v[i].y1;
        piece q = {g->images.v[i], 1, px, false};
        VEC_PUSH(pc, q);
    }
    const gfx_rects *lists[] = {&g->shapes, &g->hseg, &g->vseg};
    for (int k = 0; k < 3 && pc.n < FIG_MAX_BOXES; k++)
        for (size_t i = 0; i < lists[k]->n && pc.n < FIG_MAX_BOXES; i++) {
            fz_rect b = lists[k]->v[i];
            if (in_tables(p, b))
                continue;
            piece q = {b, 2, 0, false};
            VEC_PUSH(pc, q);
        }
    figure_vec found = {0};
    for (size_t li = 0; li < p->nlines && pc.n; li++) {
        const doc_line *cap = &p->lines[li];
        char num[24];
        if (!doc_figure_caption(cap->text, num))
            continue;
        int kinds = 0;
        double max_px = 0;
        fz_rect region = claim(&pc, cap, true, &kinds, &max_px);
        if (fz_is_empty_rect(region))
            region = claim(&pc, cap, false, &kinds, &max_px);
        region = fz_intersect_rect(region, (fz_rect){0, 0, r.x1 - r.x0, r.y1 - r.y0});
        if (fz_is_empty_rect(region) || region.x1 - region.x0 < 40 || region.y1 - region.y0 < 25)
            continue;
        doc_figure f = {0};
        f.page = index;
        f.box = (doc_box){index, region.x0, region.y0, region.x1, region.y1};
        f.caption = xstrdup(cap->text);
        f.number = xstrdup(num);
        f.kind = kinds == 1 ? "raster" : kinds == 2 ? "vector" : "mixed";
        /* Its own words: the lines inside the region. A diagram's labels leave the paragraphs for the figure's
         * chunk; a figure that is mostly words (a sample annex, a form) keeps them in the paragraphs too. */
        strbuf t = {0};
        for (int pass = 0; pass < 2; pass++)
            for (size_t i = 0; i < p->nlines; i++) {
                doc_line *l = &p->lines[i];
                float cx = (l->box.x0 + l->box.x1) / 2, cy = (l->box.y0 + l->box.y1) / 2;
                if (i == li || l->in_table || cx < region.x0 || cx > region.x1 || cy < region.y0 || cy > region.y1)
                    continue;
                if (pass == 1) {
                    l->in_figure = t.len <= FIG_MAX_OWN_TEXT;
                    continue;
                }
                if (t.len)
                    sb_addc(&t, '\n');
                sb_add(&t, l->text);
            }
        if (max_px > FIG_MAX_IMAGE_PX) {
            if (!p->warning)
                p->warning = xasprintf("page %d: figure %s holds an image of %.0f megapixels, over the %.0f "
                                       "megapixel limit; it was not rendered or OCRed", index + 1, num, max_px / 1e6,
                                       FIG_MAX_IMAGE_PX / 1e6);
        } else {
            doc_figure_pixels(region, &f.png_w, &f.png_h);
            if (want_png)
                f.png = doc_draw_region_png(ctx, page, r, region, &f.png_len);
            if (want_ocr && (kinds & 1) && t.len < 40) {
                char *ocr_text = NULL;
                if (doc_ocr_region(ctx, page, r, region, ocr, &ocr_text) == 0 && ocr_text) {
                    if (t.len)
                        sb_addc(&t, '\n');
                    sb_add(&t, ocr_text);
                    f.ocr = true;
                }
                free(ocr_text);
            }
        }
        f.text = t.len ? sb_take(&t) : NULL;
        sb_free(&t);
        VEC_PUSH(found, f);
    }
    free(pc.v);
    p->figures = found.v;
    p->nfigures = found.n;
}

void doc_figure_free(doc_figure *f)
{
    free(f->caption);
    free(f->number);
    free(f->text);
    free(f->description);
    free(f->png);
    memset(f, 0, sizeof *f);
}

void doc_figure_chunk(const doc_figure *f, const char *chapter, doc_chunks *out)
{
    doc_chunk ch = {0};
    strbuf b = {0};
    sb_add(&b, f->caption);
    /* A diagram's labels whole; of a figure that is mostly words (also in the paragraphs), its start, cut at a
     * character's first byte. */
    if (f->text) {
        size_t n = strlen(f->text);
        if (n > FIG_MAX_OWN_TEXT) {
            n = 600;
            while (n && ((unsigned char)f->text[n] & 0xC0) == 0x80)
                n--;
        }
        sb_addc(&b, '\n');
        sb_addn(&b, f->text, n);
    }
    if (f->description)
        sb_addf(&b, "\nDescription: %s", f->description);
    ch.text = sb_take(&b);
    ch.section = chapter && *chapter ? xasprintf("%s > %s", chapter, f->caption) : xstrdup(f->caption);
    ch.page_start = ch.page_end = f->page;
    ch.kind = "figure";
    VEC_PUSH(ch.boxes, f->box);
    VEC_PUSH(*out, ch);
}
