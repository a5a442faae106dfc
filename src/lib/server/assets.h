/*
 * assets.h - the files built into the binary for the web server: the UI (every file under web/, embedded by
 * the generated build/gen/web_assets.c, see scripts/embed-web.sh) and the OpenAPI description
 * (src/lib/server/openapi.json). Nothing is read from disk at run time, so `fagpt serve` works from any folder.
 */
#ifndef FAGPT_SERVER_ASSETS_H
#define FAGPT_SERVER_ASSETS_H

#include <stddef.h>

typedef struct server_asset {
    const char *name;                 /* path relative to web/: "index.html", "app.js", "img/logo.svg" */
    const char *data;
    const unsigned long long *len;
} server_asset;

/* The UI's files, ended by an entry with a NULL name. */
extern const server_asset server_web_assets[];

/* The embedded file web/<name>, or NULL. *len gets its length. */
const char *server_asset_find(const char *name, size_t *len);
/* The MIME type for a file name, from its extension (application/octet-stream when unknown). */
const char *server_mime_type(const char *name);
/* The OpenAPI 3.0 description of the API (JSON text) and its length. */
const char *server_openapi(size_t *len);

#endif
