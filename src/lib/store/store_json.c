/* store_json.c - a document as JSON: the object `fagpt docs --json` prints and GET /api/documents returns. */
#include "store.h"

#include "core/json.h"

void store_doc_json(strbuf *b, const store_doc *d, bool with_path)
{
    sb_addf(b, "{\"id\": %lld, \"doc\": ", d->id);
    json_str(b, d->file_name);
    sb_add(b, ", \"publication\": ");
    json_str(b, d->publication);
    sb_add(b, ", \"title\": ");
    json_str(b, d->title);
    sb_add(b, ", \"date\": ");
    json_str(b, d->date);
    sb_addf(b, ", \"pages\": %d, \"chunks\": %d, \"status\": ", d->pages, d->chunks);
    json_str(b, d->status);
    if (with_path) {
        sb_add(b, ", \"path\": ");
        json_str(b, d->path);
    }
    sb_add(b, ", \"sha256\": ");
    json_str(b, d->sha256);
    sb_add(b, ", \"label\": ");
    json_str(b, d->label);
    sb_add(b, ", \"distribution\": ");
    json_str(b, d->distribution);
    sb_add(b, ", \"supersedes\": ");
    json_str(b, d->supersedes);
    sb_addf(b, ", \"size_bytes\": %lld, \"ingested_at\": ", d->size_bytes);
    json_str(b, d->ingested_at);
    sb_addc(b, '}');
}
