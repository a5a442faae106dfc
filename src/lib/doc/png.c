/*
 * png.c - a MuPDF pixmap (grey or RGB, no alpha) encoded as PNG in memory with libpng, for figures at ingest
 * (figure.c) and page images (render.c).
 *
 * MuPDF's own writer deflates at zlib's default level, which on the corpus's figures took longer than drawing
 * them. Rendered pages and diagrams are long runs of flat colour that deflate finds at any level, so zlib's
 * fastest level without row filters encodes the corpus's 70 figures 2.7 times faster (0.68 s of CPU against
 * 1.81 s) at the same size (12.5 MB against 12.3 MB); the Sub filter or the RLE strategy only made it slower or
 * larger.
 */
#include "graphics.h"

#include <png.h>
#include <setjmp.h>
#include <string.h>

typedef struct {
    unsigned char *data;
    size_t len, cap;
} png_out;

static void write_bytes(png_structp png, png_bytep bytes, png_size_t n)
{
    png_out *o = png_get_io_ptr(png);
    if (o->len + n > o->cap) {
        o->cap = (o->len + n) * 2;
        o->data = xrealloc(o->data, o->cap);
    }
    memcpy(o->data + o->len, bytes, n);
    o->len += n;
}

static void flush_bytes(png_structp png)
{
    (void)png;
}

static void on_png_error(png_structp png, png_const_charp msg)
{
    (void)msg;
    longjmp(png_jmpbuf(png), 1);
}

static void on_png_warning(png_structp png, png_const_charp msg)
{
    (void)png;
    (void)msg;
}

unsigned char *doc_png_encode(fz_context *ctx, fz_pixmap *pix, size_t *len)
{
    *len = 0;
    int w = fz_pixmap_width(ctx, pix), h = fz_pixmap_height(ctx, pix), n = fz_pixmap_components(ctx, pix);
    if (w <= 0 || h <= 0 || fz_pixmap_alpha(ctx, pix) || (n != 1 && n != 3))
        return NULL;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, on_png_error, on_png_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!info) {
        png_destroy_write_struct(&png, NULL);
        return NULL;
    }
    /* volatile: read after a longjmp from libpng. */
    png_out *volatile out = xcalloc(1, sizeof *out);
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(out->data);
        free(out);
        return NULL;
    }
    png_set_write_fn(png, out, write_bytes, flush_bytes);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, n == 1 ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(png, 1);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_NONE);
    png_write_info(png, info);
    const unsigned char *samples = fz_pixmap_samples(ctx, pix);
    size_t stride = (size_t)fz_pixmap_stride(ctx, pix);
    for (int y = 0; y < h; y++)
        png_write_row(png, samples + (size_t)y * stride);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    unsigned char *data = out->data;
    *len = out->len;
    free(out);
    return data;
}
