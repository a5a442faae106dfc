/*
 * graphics.c - a MuPDF device that keeps what table and figure detection need from a page's drawing: straight
 * horizontal and vertical rules (stroked lines, rectangle edges, thin filled rectangles), the boxes of the
 * other paths, and the boxes of images (see graphics.h). Text is not its business (pdf.c reads it).
 */
#include "graphics.h"

#include <math.h>
#include <string.h>

typedef struct {
    fz_device super;
    doc_gfx *g;
    fz_rect page;
    fz_cookie *cookie;
} gfx_device;

/* One path being walked: the points of the current subpath (for rectangles drawn as four lines) and the box of
 * everything that is not a rule. */
typedef struct {
    gfx_device *dev;
    fz_matrix ctm;
    bool fill;
    fz_point start, cur;
    fz_point pts[6];
    int npts;
    bool straight;        /* the current subpath has only straight axis-aligned pieces so far */
    fz_rect other;        /* box of the pieces that are not rules */
} walk_state;

static fz_point to_page(walk_state *w, float x, float y)
{
    fz_point p = fz_transform_point(fz_make_point(x, y), w->ctm);
    p.x -= w->dev->page.x0;
    p.y -= w->dev->page.y0;
    return p;
}

static void cap_check(doc_gfx *g, gfx_device *d)
{
    if (g->hseg.n + g->vseg.n > GFX_MAX_SEGMENTS || g->npaths > GFX_MAX_PATHS) {
        g->capped = true;
        if (d->cookie)
            d->cookie->abort = 1;
    }
}

static void add_segment(walk_state *w, fz_point a, fz_point b)
{
    doc_gfx *g = w->dev->g;
    if (g->capped)
        return;
    float dx = fabsf(a.x - b.x), dy = fabsf(a.y - b.y);
    if (dy < 0.6f && dx >= 2) {
        float y = (a.y + b.y) / 2;
        VEC_PUSH(g->hseg, ((fz_rect){fminf(a.x, b.x), y, fmaxf(a.x, b.x), y}));
    } else if (dx < 0.6f && dy >= 2) {
        float x = (a.x + b.x) / 2;
        VEC_PUSH(g->vseg, ((fz_rect){x, fminf(a.y, b.y), x, fmaxf(a.y, b.y)}));
    } else {
        w->other = fz_include_point_in_rect(w->other, a);
        w->other = fz_include_point_in_rect(w->other, b);
    }
    cap_check(g, w->dev);
}

/* A filled axis-aligned rectangle: a rule when it is thin, else a shape (cell shading, a panel). */
static void add_filled_rect(walk_state *w, fz_rect r)
{
    doc_gfx *g = w->dev->g;
    float wd = r.x1 - r.x0, ht = r.y1 - r.y0;
    if (g->capped || (wd < 3 && ht < 3))
        return;
    if (ht < 3 && wd >= 2) {
        float y = (r.y0 + r.y1) / 2;
        VEC_PUSH(g->hseg, ((fz_rect){r.x0, y, r.x1, y}));
    } else if (wd < 3 && ht >= 2) {
        float x = (r.x0 + r.x1) / 2;
        VEC_PUSH(g->vseg, ((fz_rect){x, r.y0, x, r.y1}));
    } else {
        w->other = fz_union_rect(w->other, r);
    }
    cap_check(g, w->dev);
}

/* Ends the current subpath of a filled path: four corners on axis-aligned edges make a rectangle. */
static void end_subpath(walk_state *w)
{
    if (w->fill && w->npts >= 2) {
        int n = w->npts;
        if (n == 5 && fabsf(w->pts[4].x - w->pts[0].x) < 0.5f && fabsf(w->pts[4].y - w->pts[0].y) < 0.5f)
            n = 4;
        if (w->straight && n == 4) {
            fz_rect r = fz_empty_rect;
            for (int i = 0; i < 4; i++)
                r = fz_include_point_in_rect(r, w->pts[i]);
            add_filled_rect(w, r);
        } else {
            for (int i = 0; i < w->npts && i < 6; i++)
                w->other = fz_include_point_in_rect(w->other, w->pts[i]);
        }
    }
    w->npts = 0;
    w->straight = true;
}

static void push_point(walk_state *w, fz_point p)
{
    if (w->npts < 6)
        w->pts[w->npts] = p;
    else
        w->other = fz_include_point_in_rect(w->other, p);
    w->npts++;
}

static void w_moveto(fz_context *ctx, void *arg, float x, float y)
{
    walk_state *w = arg;
    end_subpath(w);
    w->start = w->cur = to_page(w, x, y);
    push_point(w, w->cur);
}

static void w_lineto(fz_context *ctx, void *arg, float x, float y)
{
    walk_state *w = arg;
    fz_point p = to_page(w, x, y);
    if (fabsf(p.x - w->cur.x) >= 0.6f && fabsf(p.y - w->cur.y) >= 0.6f)
        w->straight = false;
    if (!w->fill)
        add_segment(w, w->cur, p);
    push_point(w, p);
    w->cur = p;
}

static void w_curveto(fz_context *ctx, void *arg, float x1, float y1, float x2, float y2, float x3, float y3)
{
    walk_state *w = arg;
    fz_point a = to_page(w, x1, y1), b = to_page(w, x2, y2), c = to_page(w, x3, y3);
    w->straight = false;
    w->other = fz_include_point_in_rect(w->other, w->cur);
    w->other = fz_include_point_in_rect(w->other, a);
    w->other = fz_include_point_in_rect(w->other, b);
    w->other = fz_include_point_in_rect(w->other, c);
    push_point(w, c);
    w->cur = c;
}

static void w_closepath(fz_context *ctx, void *arg)
{
    walk_state *w = arg;
    if (!w->fill && (w->cur.x != w->start.x || w->cur.y != w->start.y))
        add_segment(w, w->cur, w->start);
    w->cur = w->start;
}

static void w_rectto(fz_context *ctx, void *arg, float x1, float y1, float x2, float y2)
{
    walk_state *w = arg;
    end_subpath(w);
    fz_point a = to_page(w, x1, y1), b = to_page(w, x2, y1), c = to_page(w, x2, y2), d = to_page(w, x1, y2);
    if (w->fill) {
        fz_rect r = fz_empty_rect;
        r = fz_include_point_in_rect(r, a);
        r = fz_include_point_in_rect(r, c);
        if (fabsf(a.y - b.y) < 0.6f || fabsf(a.x - b.x) < 0.6f)
            add_filled_rect(w, r);
        else
            w->other = fz_union_rect(w->other, r); /* a rotated rectangle */
    } else {
        add_segment(w, a, b);
        add_segment(w, b, c);
        add_segment(w, c, d);
        add_segment(w, d, a);
    }
    w->start = w->cur = a;
}

static const fz_path_walker walker = {
    .moveto = w_moveto, .lineto = w_lineto, .curveto = w_curveto, .closepath = w_closepath, .rectto = w_rectto,
};

static void walk(fz_context *ctx, gfx_device *d, const fz_path *path, fz_matrix ctm, bool fill)
{
    doc_gfx *g = d->g;
    if (g->capped)
        return;
    g->npaths++;
    cap_check(g, d);
    if (g->capped)
        return;
    walk_state w = {.dev = d, .ctm = ctm, .fill = fill, .straight = true, .other = fz_empty_rect};
    fz_walk_path(ctx, path, &walker, &w);
    end_subpath(&w);
    if (!fz_is_empty_rect(w.other) && !g->capped) {
        fz_rect o = fz_intersect_rect(w.other, (fz_rect){0, 0, d->page.x1 - d->page.x0, d->page.y1 - d->page.y0});
        if (!fz_is_empty_rect(o))
            VEC_PUSH(g->shapes, o);
    }
}

/* White fills are backgrounds and masks, not drawing. */
static bool is_white(fz_context *ctx, fz_colorspace *cs, const float *color)
{
    if (!cs || !color)
        return false;
    int n = fz_colorspace_n(ctx, cs);
    if (n <= 0 || n > 4)
        return false;
    bool cmyk = fz_colorspace_is_cmyk(ctx, cs);
    for (int i = 0; i < n; i++)
        if (cmyk ? color[i] > 0.03f : color[i] < 0.97f)
            return false;
    return true;
}

static void dev_fill_path(fz_context *ctx, fz_device *dev, const fz_path *path, int even_odd, fz_matrix ctm,
                          fz_colorspace *cs, const float *color, float alpha, fz_color_params cp)
{
    if (alpha <= 0.05f || is_white(ctx, cs, color))
        return;
    walk(ctx, (gfx_device *)dev, path, ctm, true);
}

static void dev_stroke_path(fz_context *ctx, fz_device *dev, const fz_path *path, const fz_stroke_state *stroke,
                            fz_matrix ctm, fz_colorspace *cs, const float *color, float alpha, fz_color_params cp)
{
    /* Invisible strokes are kept: some publishers outline each table cell that way. */
    walk(ctx, (gfx_device *)dev, path, ctm, false);
}

static void dev_fill_image(fz_context *ctx, fz_device *dev, fz_image *img, fz_matrix ctm, float alpha,
                           fz_color_params cp)
{
    gfx_device *d = (gfx_device *)dev;
    if (d->g->images.n >= 4096)
        return;
    fz_rect b = fz_transform_rect(fz_unit_rect, ctm);
    b.x0 -= d->page.x0;
    b.x1 -= d->page.x0;
    b.y0 -= d->page.y0;
    b.y1 -= d->page.y0;
    b = fz_intersect_rect(b, (fz_rect){0, 0, d->page.x1 - d->page.x0, d->page.y1 - d->page.y0});
    if (!fz_is_empty_rect(b)) {
        VEC_PUSH(d->g->images, b);
        VEC_PUSH(d->g->image_px, ((fz_irect){0, 0, img->w, img->h}));
    }
}

int doc_gfx_collect(fz_context *ctx, fz_page *page, fz_rect r, doc_gfx *g)
{
    fz_cookie cookie = {0};
    gfx_device *dev = NULL;
    int rc = 0;
    fz_var(dev);
    fz_var(rc);
    fz_try(ctx) {
        dev = fz_new_derived_device(ctx, gfx_device);
        dev->g = g;
        dev->page = r;
        dev->cookie = &cookie;
        dev->super.fill_path = dev_fill_path;
        dev->super.stroke_path = dev_stroke_path;
        dev->super.fill_image = dev_fill_image;
        fz_run_page_contents(ctx, page, &dev->super, fz_identity, &cookie);
        fz_close_device(ctx, &dev->super);
    }
    fz_always(ctx) {
        fz_drop_device(ctx, dev ? &dev->super : NULL);
    }
    fz_catch(ctx) {
        rc = -1;
    }
    return rc;
}

void doc_gfx_free(doc_gfx *g)
{
    free(g->hseg.v);
    free(g->vseg.v);
    free(g->shapes.v);
    free(g->images.v);
    free(g->image_px.v);
    memset(g, 0, sizeof *g);
}
