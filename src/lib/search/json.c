/* json.c - search results as JSON: the object `fagpt search --json` prints and GET /api/search returns. */
#include "search.h"

#include "core/json.h"

void search_hit_json(strbuf *b, const store_hit *h)
{
    sb_add(b, "{\"doc\": ");
    json_str(b, h->doc);
    sb_addf(b, ", \"doc_id\": %lld, \"chunk_id\": %lld, \"publication\": ", h->doc_id, h->chunk_id);
    json_str(b, h->publication);
    sb_add(b, ", \"title\": ");
    json_str(b, h->title);
    sb_addf(b, ", \"page\": %d, \"page_end\": %d, \"page_label\": ", h->page, h->page_end);
    json_str(b, h->page_label);
    sb_add(b, ", \"page_label_end\": ");
    json_str(b, h->page_label_end);
    sb_add(b, ", \"section\": ");
    json_str(b, h->section);
    sb_add(b, ", \"paragraph\": ");
    json_str(b, h->paragraph);
    sb_addf(b, ", \"score\": %.4f, \"text\": ", h->score);
    json_str(b, h->text);
    sb_add(b, ", \"boxes\": ");
    sb_add(b, h->boxes ? h->boxes : "[]");
    sb_addc(b, '}');
}

void search_results_json(strbuf *b, const char *query, const store_hits *hits)
{
    sb_add(b, "{\"query\": ");
    json_str(b, query);
    sb_add(b, ", \"results\": [");
    for (size_t i = 0; i < hits->n; i++) {
        sb_add(b, i ? ",\n  " : "\n  ");
        search_hit_json(b, &hits->v[i]);
    }
    sb_add(b, "]}");
}
