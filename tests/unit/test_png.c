/* test_png.c - doc_png_encode (src/lib/doc/png.c): RGB and grey pixmaps come back pixel for pixel when MuPDF
 * decodes the PNG, and what it cannot encode (alpha, four components) is refused. */
#include "check.h"
#include "doc/graphics.h"

#include <stdlib.h>

static bool round_trip(fz_context *ctx, fz_colorspace *cs, int w, int h)
{
    fz_pixmap *pix = fz_new_pixmap(ctx, cs, w, h, NULL, 0);
    unsigned char *s = fz_pixmap_samples(ctx, pix);
    size_t stride = (size_t)fz_pixmap_stride(ctx, pix);
    int n = fz_pixmap_components(ctx, pix);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w * n; x++)
            s[(size_t)y * stride + (size_t)x] = (unsigned char)(x < w * n / 2 ? 255 : (x * 7 + y * 13) & 0xff);
    size_t len;
    unsigned char *png = doc_png_encode(ctx, pix, &len);
    bool same = png && len > 8 && !memcmp(png, "\x89PNG\r\n\x1a\n", 8);
    if (same) {
        fz_buffer *buf = fz_new_buffer_from_copied_data(ctx, png, len);
        fz_image *img = fz_new_image_from_buffer(ctx, buf);
        fz_pixmap *back = fz_get_pixmap_from_image(ctx, img, NULL, NULL, NULL, NULL);
        same = fz_pixmap_width(ctx, back) == w && fz_pixmap_height(ctx, back) == h &&
               fz_pixmap_components(ctx, back) == n;
        for (int y = 0; same && y < h; y++)
            same = !memcmp(fz_pixmap_samples(ctx, back) + (size_t)y * (size_t)fz_pixmap_stride(ctx, back),
                           s + (size_t)y * stride, (size_t)(w * n));
        fz_drop_pixmap(ctx, back);
        fz_drop_image(ctx, img);
        fz_drop_buffer(ctx, buf);
    }
    free(png);
    fz_drop_pixmap(ctx, pix);
    return same;
}

int main(void)
{
    fz_context *ctx = fz_new_context(NULL, NULL, FZ_STORE_DEFAULT);
    fz_register_document_handlers(ctx);
    CHECK(round_trip(ctx, fz_device_rgb(ctx), 97, 61));
    CHECK(round_trip(ctx, fz_device_gray(ctx), 1, 1));
    CHECK(round_trip(ctx, fz_device_gray(ctx), 640, 3));

    size_t len = 99;
    fz_pixmap *alpha = fz_new_pixmap(ctx, fz_device_rgb(ctx), 4, 4, NULL, 1);
    CHECK(doc_png_encode(ctx, alpha, &len) == NULL && len == 0);
    fz_drop_pixmap(ctx, alpha);
    fz_pixmap *cmyk = fz_new_pixmap(ctx, fz_device_cmyk(ctx), 4, 4, NULL, 0);
    CHECK(doc_png_encode(ctx, cmyk, &len) == NULL);
    fz_drop_pixmap(ctx, cmyk);
    fz_drop_context(ctx);
    return check_done();
}
