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
    sb_addf(b, ", \"current\": %s, \"superseded_by\": ", d->superseded_by ? "false" : "true");
    if (d->superseded_by) {
        sb_addf(b, "{\"id\": %lld, \"publication\": ", d->superseded_by);
        json_str(b, d->superseded_by_pub);
        sb_add(b, ", \"date\": ");
        json_str(b, d->superseded_by_date);
        sb_add(b, ", \"reason\": ");
        json_str(b, d->superseded_reason);
        sb_addf(b, ", \"current_id\": %lld}", d->current_id);
    } else {
        sb_add(b, "null");
    }
    sb_addc(b, '}');
}
