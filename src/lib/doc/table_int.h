/*
 * table_int.h - private to the doc module: what the table finders share (table.c from rules, table_align.c
 * from word alignment, table_cells.c for the text of the cells of a grid).
 */
#ifndef FAGPT_DOC_TABLE_INT_H
#define FAGPT_DOC_TABLE_INT_H

#include "graphics.h"

#define TABLE_MAX_COLS 256
#define TABLE_MAX_ROWS 2048

typedef VEC(doc_table) doc_table_vec;

/* Fills t from a grid: column edges xs[0..nx-1], row edges ys[0..ny-1] (points from the page's top left),
 * owner[row * ncols + col] the grid cell that heads the merged cell each grid cell belongs to (NULL: no spans).
 * Every character whose centre is in the grid goes to its cell; wrapped lines are joined. Sets the cells, the
 * header rows (leading rows in bold), the box and the size; returns -1 when no cell has text. */
int doc_table_fill(fz_context *ctx, fz_stext_page *st, fz_rect r, int index, const float *xs, int nx,
                   const float *ys, int ny, const int *owner, doc_table *t);
/* The "Table N-N." line captioning a box, or NULL; *figure is set when the nearest caption is a figure's. */
const doc_line *doc_table_caption_line(const doc_page *p, fz_rect box, bool *figure);
/* Tables without rules: below an unclaimed "Table N-N." caption, and runs of numeric rows (table_align.c). */
void doc_align_tables(fz_context *ctx, fz_stext_page *st, fz_rect r, int index, doc_page *p, doc_table_vec *found);

#endif
