/*
 * table_out.c - a table as JSON cells, Markdown and CSV, back from its JSON, tables continued over pages joined
 * into one, and tables as search chunks (rows in groups, each group under the header row and the caption, so a
 * question about one row finds a chunk that still says what its columns mean).
 */
#include "doc.h"

#include <stdlib.h>
#include <string.h>

#include "core/json.h"

#define TABLE_CHUNK_TARGET 1500

char *doc_table_json(const doc_table *t)
{
    strbuf b = {0};
    sb_addf(&b, "{\"nrows\":%d,\"ncols\":%d,\"header_rows\":%d,\"ruled\":%s,\"cells\":[", t->nrows, t->ncols,
            t->header_rows, t->ruled ? "true" : "false");
    for (size_t i = 0; i < t->cells.n; i++) {
        const doc_cell *c = &t->cells.v[i];
        sb_addf(&b, "%s{\"row\":%d,\"col\":%d,\"rowspan\":%d,\"colspan\":%d,\"text\":", i ? "," : "", c->row, c->col,
                c->rowspan, c->colspan);
        json_str(&b, c->text);
        sb_addc(&b, '}');
    }
    sb_add(&b, "]}");
    return sb_take(&b);
}

int doc_table_from_json(const char *json, doc_table *t, fa_err *e)
{
    memset(t, 0, sizeof *t);
    json_value *v = json_parse(json, strlen(json), e);
    if (!v)
        return -1;
    t->nrows = (int)json_get_num(v, "nrows", 0);
    t->ncols = (int)json_get_num(v, "ncols", 0);
    t->header_rows = (int)json_get_num(v, "header_rows", 0);
    t->ruled = json_get_bool(v, "ruled", false);
    json_value *cells = json_get(v, "cells");
    for (size_t i = 0; cells && i < cells->n; i++) {
        json_value *c = json_at(cells, i);
        doc_cell cell = {(int)json_get_num(c, "row", 0), (int)json_get_num(c, "col", 0),
                         (int)json_get_num(c, "rowspan", 1), (int)json_get_num(c, "colspan", 1),
                         xstrdup(json_get_str(c, "text", ""))};
        if (cell.row < 0 || cell.col < 0 || cell.rowspan < 1 || cell.colspan < 1 ||
            cell.row + cell.rowspan > t->nrows || cell.col + cell.colspan > t->ncols) {
            free(cell.text);
            json_free(v);
            doc_table_free(t);
            return fa_fail(e, "a stored table has a cell outside its grid; ingest the document again");
        }
        VEC_PUSH(t->cells, cell);
    }
    json_free(v);
    return 0;
}

/* The text at each grid position: the cell's own position only, or (repeat) every position it spans. */
static const char **grid_of(const doc_table *t, bool repeat)
{
    const char **g = xcalloc((size_t)t->nrows * (size_t)t->ncols + 1, sizeof *g);
    for (size_t i = 0; i < t->cells.n; i++) {
        const doc_cell *c = &t->cells.v[i];
        for (int r = c->row; r < c->row + c->rowspan; r++)
            for (int k = c->col; k < c->col + c->colspan; k++)
                if (repeat || (r == c->row && k == c->col))
                    g[(size_t)r * (size_t)t->ncols + (size_t)k] = c->text;
    }
    return g;
}

/* One Markdown table cell: pipes escaped, a cell's own lines as <br> (or spaces, for search text). */
static void md_cell(strbuf *b, const char *s, bool br)
{
    for (; s && *s; s++) {
        if (*s == '|')
            sb_add(b, "\\|");
        else if (*s == '\n')
            sb_add(b, br ? "<br>" : " ");
        else
            sb_addc(b, *s);
    }
}

/* The header line: the header rows' texts joined per column (a spanning heading over each column it spans). */
static void md_header(strbuf *b, const doc_table *t, const char **rep, bool br)
{
    sb_add(b, "|");
    for (int k = 0; k < t->ncols; k++) {
        sb_addc(b, ' ');
        const char *last = NULL;
        for (int r = 0; r < t->header_rows; r++) {
            const char *s = rep[(size_t)r * (size_t)t->ncols + (size_t)k];
            if (s && s[0] && s != last) {
                if (last)
                    sb_addc(b, ' ');
                md_cell(b, s, br);
                last = s;
            }
        }
        sb_add(b, " |");
    }
    sb_add(b, "\n|");
    for (int k = 0; k < t->ncols; k++)
        sb_add(b, " --- |");
    sb_addc(b, '\n');
}

static void md_row(strbuf *b, const doc_table *t, const char **g, int r, bool br)
{
    sb_add(b, "|");
    for (int k = 0; k < t->ncols; k++) {
        sb_addc(b, ' ');
        md_cell(b, g[(size_t)r * (size_t)t->ncols + (size_t)k], br);
        sb_add(b, " |");
    }
    sb_addc(b, '\n');
}

char *doc_table_markdown(const doc_table *t)
{
    strbuf b = {0};
    if (t->caption)
        sb_addf(&b, "**%s**\n\n", t->caption);
    const char **g = grid_of(t, false), **rep = grid_of(t, true);
    md_header(&b, t, rep, true);
    for (int r = t->header_rows; r < t->nrows; r++)
        md_row(&b, t, g, r, true);
    free(g);
    free(rep);
    return sb_take(&b);
}

char *doc_table_csv(const doc_table *t)
{
    strbuf b = {0};
    const char **g = grid_of(t, false);
    for (int r = 0; r < t->nrows; r++) {
        for (int k = 0; k < t->ncols; k++) {
            const char *s = g[(size_t)r * (size_t)t->ncols + (size_t)k];
            if (k)
                sb_addc(&b, ',');
            if (s && strpbrk(s, ",\"\n\r")) {
                sb_addc(&b, '"');
                for (; *s; s++) {
                    if (*s == '"')
                        sb_addc(&b, '"');
                    sb_addc(&b, *s);
                }
                sb_addc(&b, '"');
            } else if (s) {
                sb_add(&b, s);
            }
        }
        sb_add(&b, "\r\n");
    }
    free(g);
    return sb_take(&b);
}

/* Rows of a table continued on the next page ("Table 2-1. ... (continued)", or an uncaptioned table at the top of
 * the next page with the same columns) go under the first part; a repeated header is left out. */
static bool continues(const doc_table *prev, const doc_table *t)
{
    if (t->page != prev->page_end + 1 || t->ncols != prev->ncols)
        return false;
    if (t->number && prev->number)
        return !strcmp(t->number, prev->number);
    return !t->caption && t->box.y0 < 150;
}

void doc_join_tables(doc_document *d)
{
    for (int pi = 0; pi < d->npages; pi++) {
        doc_page *p = &d->pages[pi];
        for (size_t k = 0; k < p->ntables; k++) {
            doc_table *t = &p->tables[k];
            doc_table *prev = d->tables.n ? &d->tables.v[d->tables.n - 1] : NULL;
            if (prev && k == 0 && continues(prev, t)) {
                int skip = prev->header_rows ? t->header_rows : 0;
                for (size_t i = 0; i < t->cells.n; i++) {
                    doc_cell c = t->cells.v[i];
                    if (c.row < skip) {
                        free(c.text);
                        continue;
                    }
                    c.row += prev->nrows - skip;
                    VEC_PUSH(prev->cells, c);
                }
                prev->nrows += t->nrows - skip;
                prev->page_end = t->page;
                free(t->cells.v);
                free(t->caption);
                free(t->number);
            } else {
                VEC_PUSH(d->tables, *t);
            }
        }
        free(p->tables);
        p->tables = NULL;
        p->ntables = 0;
    }
}

static void push_chunk(doc_chunks *out, const doc_table *t, const char *section, strbuf *text)
{
    doc_chunk ch = {0};
    ch.text = sb_take(text);
    ch.section = xstrdup(section);
    ch.page_start = t->page;
    ch.page_end = t->page_end;
    ch.kind = "table";
    VEC_PUSH(ch.boxes, t->box);
    VEC_PUSH(*out, ch);
}

void doc_table_chunks(const doc_table *t, const char *chapter, doc_chunks *out)
{
    char *caption = t->caption ? xstrdup(t->caption) : xasprintf("Table on page %d", t->page + 1);
    char *section = chapter && *chapter ? xasprintf("%s > %s", chapter, caption) : xstrdup(caption);
    const char **rep = grid_of(t, true);
    strbuf head = {0};
    if (t->header_rows)
        md_header(&head, t, rep, false);
    strbuf text = {0};
    int rows_in = 0;
    for (int r = t->header_rows; r < t->nrows; r++) {
        strbuf row = {0};
        md_row(&row, t, rep, r, false);
        if (rows_in && text.len + row.len > TABLE_CHUNK_TARGET) {
            push_chunk(out, t, section, &text);
            rows_in = 0;
        }
        if (!rows_in)
            sb_add(&text, head.s ? head.s : "");
        sb_add(&text, row.s);
        rows_in++;
        sb_free(&row);
    }
    if (rows_in)
        push_chunk(out, t, section, &text);
    sb_free(&text);
    sb_free(&head);
    free(rep);
    free(section);
    free(caption);
}
