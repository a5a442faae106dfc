/*
 * graphics.h - private to the doc module: a page's vector graphics and images as boxes, collected by a MuPDF
 * device while the page runs (graphics.c), for table detection (table.c) and figures (figure.c).
 *
 * Coordinates are points from the page's top left, as doc_line boxes are. Work is bounded: past
 * GFX_MAX_PATHS paths the page run is aborted and `capped` is set, so the callers skip the page with a warning.
 */
#ifndef FAGPT_DOC_GRAPHICS_H
#define FAGPT_DOC_GRAPHICS_H

#include "doc.h"

#include <mupdf/fitz.h>

#define GFX_MAX_PATHS 50000
#define GFX_MAX_SEGMENTS 20000

typedef VEC(fz_rect) gfx_rects;

typedef struct doc_gfx {
    gfx_rects hseg;       /* horizontal rules: y0 == y1 (the rule's centre line) */
    gfx_rects vseg;       /* vertical rules: x0 == x1 */
    gfx_rects shapes;     /* boxes of the other drawn paths (curves, diagonals, filled areas) */
    gfx_rects images;     /* boxes of the images drawn on the page */
    VEC(fz_irect) image_px; /* their sizes in pixels (x1 = width, y1 = height), in the same order */
    long npaths;          /* paths seen (before the cap) */
    bool capped;          /* the page had more than GFX_MAX_PATHS paths or GFX_MAX_SEGMENTS rules */
} doc_gfx;

/* Runs the page through the collecting device. MuPDF errors are caught; returns 0, or -1 when the page could
 * not be run (what was collected is kept). */
int doc_gfx_collect(fz_context *ctx, fz_page *page, fz_rect r, doc_gfx *g);
void doc_gfx_free(doc_gfx *g);

/* A grey or RGB pixmap without alpha as PNG bytes (png.c; the caller frees them), NULL when it cannot be
 * encoded. */
unsigned char *doc_png_encode(fz_context *ctx, fz_pixmap *pix, size_t *len);

/* The rune pdf.c keeps for an extracted character: -1 to drop it, -2 for "fi", -3 for "fl". */
int doc_stext_rune(fz_context *ctx, fz_stext_char *ch);
bool doc_font_is_bold(fz_context *ctx, fz_font *font);

/* Tables of a page from its rules (table.c), else from the alignment of its words (table_align.c). Lines of
 * the page inside a table get in_table; tables go to p->tables, a reason for what was skipped to p->warning. */
void doc_find_tables(fz_context *ctx, fz_stext_page *st, fz_rect r, int index, const doc_gfx *g, doc_page *p);

/* Captioned figures of a page (figure.c): their boxes from the images and drawn paths above (or below) each
 * "Figure N-N." caption, the text inside, the size of their PNG (the PNG itself too with want_png) and, for
 * images, OCR (*ocr is created on first use). Lines inside a figure get in_figure; figures go to p->figures. */
struct doc_ocr;
void doc_find_figures(fz_context *ctx, fz_page *page, fz_rect r, int index, const doc_gfx *g, doc_page *p,
                      struct doc_ocr **ocr, bool want_ocr, bool want_png);

/* A figure's region (points from the top left of the page's bounds r) drawn at up to 150 dpi, never over 2000
 * pixels a side (render.c): doc_figure_pixels gives the PNG's size, doc_draw_region_png draws it (NULL when
 * MuPDF fails or memory runs out). */
void doc_figure_pixels(fz_rect region, int *width, int *height);
unsigned char *doc_draw_region_png(fz_context *ctx, fz_page *page, fz_rect r, fz_rect region, size_t *len);
bool doc_figure_caption(const char *s, char num[24]);

/* A table caption at the start of s ("Table 2-1. Principles ..."): writes its number ("2-1") into num and
 * returns true. */
bool doc_table_caption(const char *s, char num[24]);

#endif
