/*
 * assets.c - lookup of the embedded UI files and the OpenAPI description (see assets.h). The OpenAPI file is
 * built in with .incbin; the Makefile rebuilds this object when it changes.
 */
#include "assets.h"

#include <string.h>

__asm__(".section .rodata\n.balign 16\nfagpt_openapi:\n.incbin \"src/lib/server/openapi.json\"\nfagpt_openapi_end:\n"
        ".byte 0\n.balign 8\nfagpt_openapi_len:\n.quad fagpt_openapi_end - fagpt_openapi\n.previous\n");
extern const char fagpt_openapi[] __asm__("fagpt_openapi");
extern const unsigned long long fagpt_openapi_len __asm__("fagpt_openapi_len");

const char *server_asset_find(const char *name, size_t *len)
{
    for (const server_asset *a = server_web_assets; a->name; a++)
        if (!strcmp(a->name, name)) {
            *len = (size_t)*a->len;
            return a->data;
        }
    return NULL;
}

const char *server_mime_type(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
        {".json", "application/json; charset=utf-8"}, {".svg", "image/svg+xml"}, {".png", "image/png"},
        {".jpg", "image/jpeg"}, {".jpeg", "image/jpeg"}, {".ico", "image/x-icon"}, {".woff2", "font/woff2"},
        {".woff", "font/woff"}, {".txt", "text/plain; charset=utf-8"}, {".map", "application/json; charset=utf-8"},
    };
    const char *dot = strrchr(name, '.');
    if (dot)
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
            if (!strcmp(dot, types[i].ext))
                return types[i].type;
    return "application/octet-stream";
}

const char *server_openapi(size_t *len)
{
    *len = (size_t)fagpt_openapi_len;
    return fagpt_openapi;
}
