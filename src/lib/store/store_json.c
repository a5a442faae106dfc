/* store_json.c - documents, their tables and figures as JSON: the objects `fagpt docs/tables/table/figures --json`
 * print and the web API returns. */
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

/* {"id", "doc", "publication"} opened: the head of a document's tables or figures. */
static void doc_head(strbuf *b, const store_doc *d)
{
    sb_addf(b, "{\"id\": %lld, \"doc\": ", d->id);
    json_str(b, d->file_name);
    sb_add(b, ", \"publication\": ");
    json_str(b, d->publication);
}

void store_tables_json(strbuf *b, const store_doc *d, const store_tables *v)
{
    doc_head(b, d);
    sb_add(b, ", \"tables\": [");
    for (size_t i = 0; i < v->n; i++) {
        const store_table *t = &v->v[i];
        sb_addf(b, "%s{\"n\": %d, \"number\": ", i ? ", " : "", t->seq);
        json_str(b, t->number);
        sb_add(b, ", \"caption\": ");
        json_str(b, t->caption);
        sb_addf(b, ", \"page\": %d, \"page_end\": %d, \"page_label\": ", t->page, t->page_end);
        json_str(b, t->page_label);
        sb_addf(b, ", \"rows\": %d, \"cols\": %d, \"header_rows\": %d, \"ruled\": %s}", t->nrows, t->ncols,
                t->header_rows, t->ruled ? "true" : "false");
    }
    sb_add(b, "]}");
}

void store_table_json(strbuf *b, const store_doc *d, const store_table *t)
{
    doc_head(b, d);
    sb_addf(b, ", \"n\": %d, \"number\": ", t->seq);
    json_str(b, t->number);
    sb_add(b, ", \"caption\": ");
    json_str(b, t->caption);
    sb_addf(b, ", \"page\": %d, \"page_end\": %d, \"page_label\": ", t->page, t->page_end);
    json_str(b, t->page_label);
    sb_addf(b, ", \"table\": %s}", t->cells ? t->cells : "null");
}

void store_figures_json(strbuf *b, const store_doc *d, const store_figures *v, bool with_path)
{
    doc_head(b, d);
    sb_add(b, ", \"figures\": [");
    for (size_t i = 0; i < v->n; i++) {
        const store_figure *f = &v->v[i];
        sb_addf(b, "%s{\"n\": %d, \"number\": ", i ? ", " : "", f->seq);
        json_str(b, f->number);
        sb_add(b, ", \"caption\": ");
        json_str(b, f->caption);
        sb_addf(b, ", \"page\": %d, \"page_label\": ", f->page);
        json_str(b, f->page_label);
        sb_add(b, ", \"kind\": ");
        json_str(b, f->kind);
        if (with_path) {
            sb_add(b, ", \"png\": ");
            json_str(b, f->png_path);
        }
        sb_addf(b, ", \"width\": %d, \"height\": %d, \"ocr\": %s, \"text\": ", f->width, f->height,
                f->ocr ? "true" : "false");
        json_str(b, f->text);
        sb_add(b, ", \"description\": ");
        json_str(b, f->description);
        sb_addc(b, '}');
    }
    sb_add(b, "]}");
}

void store_page_conversions_json(strbuf *b, const store_page_conversions *v)
{
    sb_addc(b, '[');
    for (size_t i = 0; i < v->n; i++) {
        const store_page_conversion *c = &v->v[i];
        sb_addf(b, "%s{\"page\": %d, \"page_label\": ", i ? ", " : "", c->page);
        json_str(b, c->page_label);
        sb_add(b, ", \"reason\": ");
        json_str(b, c->reason);
        sb_add(b, ", \"model\": ");
        json_str(b, c->model);
        sb_addf(b, ", \"converted\": %s, \"detail\": ", c->converted ? "true" : "false");
        json_str(b, c->detail);
        sb_addc(b, '}');
    }
    sb_addc(b, ']');
}
