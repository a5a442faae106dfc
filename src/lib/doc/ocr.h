/*
 * ocr.h - private to the doc module: OCR of a rendered page (ocr.c) for pdf.c's page extraction.
 * One doc_ocr per thread; it holds a Tesseract engine created on the first page that needs it.
 */
#ifndef FAGPT_DOC_OCR_H
#define FAGPT_DOC_OCR_H

#include "doc.h"

#include <mupdf/fitz.h>

typedef struct doc_ocr doc_ocr;

/* Silences Leptonica's messages once per process; call before starting threads. Tesseract's OpenMP reads
 * OMP_THREAD_LIMIT when the process loads, so a program that OCRs pages on several threads sets
 * OMP_THREAD_LIMIT=1 in its environment before it starts (fagpt's main does). */
void doc_ocr_prepare(void);
/* Renders page (index `index`, bounds r) at 300 dpi and OCRs it into *lines / *nlines (boxes in points from
 * the page's top left). *ocr is created on first use. Returns 0, or -1 when no engine is available or the
 * page cannot be rendered (MuPDF errors are caught here). */
int doc_ocr_page(fz_context *ctx, fz_page *page, fz_rect r, int index, doc_ocr **ocr, doc_line **lines,
                 size_t *nlines);
/* Whether a page that is mostly an image should be OCRed: no text layer, a poor one (doc_text_is_poor), or one
 * with fewer than 92% of its words in Tesseract's English dictionary (*dict_share, -1 when not measured). */
bool doc_ocr_needed(doc_ocr **ocr, const doc_line *lines, size_t nlines, double *dict_share);
void doc_ocr_free(doc_ocr *ocr);
/* OCRs one region of a page (a figure; points from the page's top left) into *text (lines joined by newlines,
 * caller frees; NULL when nothing was read). Returns 0, or -1 when no engine is available or the region cannot
 * be rendered. */
int doc_ocr_region(fz_context *ctx, fz_page *page, fz_rect r, fz_rect region, doc_ocr **ocr, char **text);

#endif
