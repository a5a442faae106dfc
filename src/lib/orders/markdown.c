/*
 * markdown.c - the Markdown subset the order templates are written in (docs/orders.md), read into blocks and
 * inline runs, and written out as HTML. The DOCX writer reads the same blocks, so one template drives Markdown,
 * HTML, PDF and DOCX alike.
 *
 * Blocks: "# " to "###### " headings; "-> TEXT <-" centered lines (classification banners); "---" rules;
 * "- " items, two spaces of indent per level; "|" tables, the second row "|---|" separating the header;
 * paragraphs of consecutive lines, a line ending in "\" breaking the line. Inline: **bold**, *italic*, "\" before
 * any punctuation makes it literal.
 */
#include "orders_int.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void md_runs_free(md_runs *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->v[i].text);
    free(r->v);
    memset(r, 0, sizeof *r);
}

void md_inline(const char *s, md_runs *out)
{
    strbuf cur = {0};
    bool bold = false, italic = false;
#define FLUSH() do { if (cur.len) { md_run r_ = {sb_take(&cur), bold, italic}; VEC_PUSH(*out, r_); } } while (0)
    for (const char *p = s; *p; p++) {
        if (*p == '\\' && p[1] == '\n') {
            FLUSH();
            md_run br = {NULL, false, false};
            VEC_PUSH(*out, br);
            p++;
        } else if (*p == '\\' && p[1] && ispunct((unsigned char)p[1])) {
            sb_addc(&cur, *++p);
        } else if (*p == '\n') {
            sb_addc(&cur, ' ');
        } else if (p[0] == '*' && p[1] == '*') {
            FLUSH();
            bold = !bold;
            p++;
        } else if (*p == '*') {
            FLUSH();
            italic = !italic;
        } else {
            sb_addc(&cur, *p);
        }
    }
    FLUSH();
#undef FLUSH
    sb_free(&cur);
}

void md_blocks_free(md_blocks *b)
{
    for (size_t i = 0; i < b->n; i++) {
        free(b->v[i].text);
        for (size_t k = 0; k < b->v[i].rows * b->v[i].cols; k++)
            free(b->v[i].cells[k]);
        free(b->v[i].cells);
    }
    free(b->v);
    memset(b, 0, sizeof *b);
}

typedef VEC(char *) strvec;

/* Splits "| a | b \| c |" into trimmed cells, keeping escapes for md_inline. */
static void split_row(const char *line, size_t len, strvec *cells)
{
    const char *p = line, *end = line + len;
    if (p < end && *p == '|')
        p++;
    if (end > p && end[-1] == '|' && !(end - 1 > p && end[-2] == '\\'))
        end--;
    for (;;) {
        strbuf c = {0};
        while (p < end && *p != '|') {
            size_t k = *p == '\\' && p + 1 < end ? 2 : 1;
            sb_addn(&c, p, k);
            p += k;
        }
        char *t = sb_take(&c);
        fa_trim(t);
        VEC_PUSH(*cells, t);
        if (p >= end)
            break;
        p++;
    }
}

static bool is_separator_row(const char *s, size_t n)
{
    bool dash = false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '-')
            dash = true;
        else if (!strchr("|: \t", s[i]))
            return false;
    }
    return dash;
}

static size_t line_len(const char *p) { return strcspn(p, "\n"); }

void md_parse(const char *md, md_blocks *out)
{
    const char *p = md;
    strbuf para = {0};
    int para_item = -1; /* >= 0: the paragraph being gathered continues a list item of this level */
#define END_PARA() do { \
        if (para.len) { \
            md_block b_ = {para_item >= 0 ? MD_ITEM : MD_PARA, para_item >= 0 ? para_item : 0, sb_take(&para), 0, 0, NULL}; \
            VEC_PUSH(*out, b_); \
        } \
        para_item = -1; \
    } while (0)
    while (*p) {
        size_t n = line_len(p);
        const char *next = p + n + (p[n] == '\n');
        size_t ind = 0;
        while (ind < n && p[ind] == ' ')
            ind++;
        const char *s = p + ind;
        size_t sn = n - ind;
        while (sn && (s[sn - 1] == ' ' || s[sn - 1] == '\r'))
            sn--;
        if (!sn) {
            END_PARA();
        } else if (sn >= 5 && !strncmp(s, "->", 2) && !strncmp(s + sn - 2, "<-", 2)) {
            END_PARA();
            char *t = xstrndup(s + 2, sn - 4);
            fa_trim(t);
            md_block b = {MD_CENTER, 0, t, 0, 0, NULL};
            VEC_PUSH(*out, b);
        } else if (*s == '#') {
            size_t lvl = 0;
            while (lvl < sn && s[lvl] == '#')
                lvl++;
            if (lvl <= 6 && lvl < sn && s[lvl] == ' ') {
                END_PARA();
                char *t = xstrndup(s + lvl + 1, sn - lvl - 1);
                md_block b = {MD_HEADING, (int)lvl, t, 0, 0, NULL};
                fa_trim(t);
                VEC_PUSH(*out, b);
            } else {
                if (para.len) sb_addc(&para, '\n');
                sb_addn(&para, s, sn);
            }
        } else if (sn >= 3 && strspn(s, "-") == sn && !ind) {
            END_PARA();
            md_block b = {MD_RULE, 0, NULL, 0, 0, NULL};
            VEC_PUSH(*out, b);
        } else if (*s == '|') {
            END_PARA();
            strvec cells = {0};
            size_t rows = 0, cols = 0;
            while (*p) {
                size_t ln = line_len(p);
                const char *q = p;
                while (*q == ' ') q++;
                if (*q != '|')
                    break;
                size_t qn = ln - (size_t)(q - p);
                if (rows == 1 && is_separator_row(q, qn)) {
                    p += ln + (p[ln] == '\n');
                    continue;
                }
                strvec row = {0};
                split_row(q, qn, &row);
                if (!rows)
                    cols = row.n ? row.n : 1;
                for (size_t c = 0; c < cols; c++)
                    VEC_PUSH(cells, c < row.n ? row.v[c] : xstrdup(""));
                for (size_t c = cols; c < row.n; c++)
                    free(row.v[c]);
                free(row.v);
                rows++;
                p += ln + (p[ln] == '\n');
            }
            md_block b = {MD_TABLE, 0, NULL, rows, cols, cells.v};
            VEC_PUSH(*out, b);
            continue;
        } else if (sn >= 2 && (s[0] == '-' || s[0] == '*') && s[1] == ' ') {
            END_PARA();
            para_item = (int)(ind / 2);
            sb_addn(&para, s + 2, sn - 2);
        } else {
            if (para.len) sb_addc(&para, '\n');
            sb_addn(&para, s, sn);
        }
        p = next;
    }
    END_PARA();
#undef END_PARA
    sb_free(&para);
}

static void html_text(strbuf *o, const char *s)
{
    for (; *s; s++) {
        if (*s == '&') sb_add(o, "&amp;");
        else if (*s == '<') sb_add(o, "&lt;");
        else if (*s == '>') sb_add(o, "&gt;");
        else sb_addc(o, *s);
    }
}

static void html_inline(strbuf *o, const char *s)
{
    md_runs runs = {0};
    md_inline(s, &runs);
    for (size_t i = 0; i < runs.n; i++) {
        md_run *r = &runs.v[i];
        if (!r->text) {
            sb_add(o, "<br/>\n");
            continue;
        }
        if (r->bold) sb_add(o, "<strong>");
        if (r->italic) sb_add(o, "<em>");
        html_text(o, r->text);
        if (r->italic) sb_add(o, "</em>");
        if (r->bold) sb_add(o, "</strong>");
    }
    md_runs_free(&runs);
}

void orders_md_to_html(const char *md, strbuf *out)
{
    md_blocks bs = {0};
    md_parse(md, &bs);
    int depth = -1;
    for (size_t i = 0; i < bs.n; i++) {
        md_block *b = &bs.v[i];
        int want = b->kind == MD_ITEM ? b->level : -1;
        while (depth < want) {
            sb_add(out, "<ul>\n");
            depth++;
        }
        while (depth > want) {
            sb_add(out, "</ul>\n");
            depth--;
        }
        switch (b->kind) {
        case MD_HEADING:
            sb_addf(out, "<h%d>", b->level);
            html_inline(out, b->text);
            sb_addf(out, "</h%d>\n", b->level);
            break;
        case MD_PARA:
            sb_add(out, "<p>");
            html_inline(out, b->text);
            sb_add(out, "</p>\n");
            break;
        case MD_CENTER:
            sb_add(out, "<p class=\"banner\">");
            html_inline(out, b->text);
            sb_add(out, "</p>\n");
            break;
        case MD_ITEM:
            sb_add(out, "<li>");
            html_inline(out, b->text);
            sb_add(out, "</li>\n");
            break;
        case MD_RULE:
            sb_add(out, "<hr/>\n");
            break;
        case MD_TABLE:
            sb_add(out, "<table>\n");
            for (size_t r = 0; r < b->rows; r++) {
                sb_add(out, r == 0 ? "<thead><tr>" : "<tr>");
                for (size_t c = 0; c < b->cols; c++) {
                    sb_add(out, r == 0 ? "<th>" : "<td>");
                    html_inline(out, b->cells[r * b->cols + c]);
                    sb_add(out, r == 0 ? "</th>" : "</td>");
                }
                sb_add(out, r == 0 ? "</tr></thead>\n<tbody>\n" : "</tr>\n");
            }
            sb_add(out, b->rows ? "</tbody></table>\n" : "</table>\n");
            break;
        }
    }
    while (depth-- >= 0)
        sb_add(out, "</ul>\n");
    md_blocks_free(&bs);
}

/* More columns than fit across a portrait page in a readable size. */
enum { WIDE_COLUMNS = 7 };

bool orders_md_wide(const char *md)
{
    md_blocks bs = {0};
    md_parse(md, &bs);
    bool wide = false;
    for (size_t i = 0; i < bs.n; i++)
        wide = wide || (bs.v[i].kind == MD_TABLE && bs.v[i].cols > WIDE_COLUMNS);
    md_blocks_free(&bs);
    return wide;
}
