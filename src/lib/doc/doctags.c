/*
 * doctags.c - a document model's reading of one page (doc_parse_conversion): IBM Docling's DocTags, as
 * granite-docling-258M writes them, or plain Markdown, as a general vision model writes them, into blocks.
 *
 * DocTags: elements such as <text>, <title>, <section_header_level_N>, <list_item> (inside <ordered_list> or
 * <unordered_list>), <caption>, <footnote>, <page_header>, <page_footer> and <otsl> tables, each optionally
 * starting with four location tokens <loc_X0><loc_Y0><loc_X1><loc_Y1> on a 0..500 grid over the page (used as
 * the block's box). An OTSL table is a row-major sequence of cell tokens, each followed by its text: <fcel> a
 * cell with text, <ched> a column header, <rhed> a row header, <srow> a section row, <ecel> an empty cell,
 * <lcel> a cell merged into the one on its left, <ucel> into the one above, <xcel> both, and <nl> ending a row.
 * Other tags (<b>, <picture>, <doctag> ...) are containers or inline marks: their text is kept, the tag dropped.
 *
 * Markdown: # headings, paragraphs (lines joined, blank lines between), - * + and "1." list items, pipe tables
 * (a |---| line makes the rows above it the header), fenced code kept as text, images and HTML comments dropped.
 *
 * Either way a "Table N-N." caption just before or after a table becomes its caption. Output that is cut off
 * (an element never closed, a table without </otsl>) keeps what arrived; the input is bounded by
 * DOC_CONVERSION_MAX bytes and the blocks by their count, so a model that runs away cannot exhaust memory.
 */
#include "doc.h"
#include "graphics.h"
#include "table_int.h"

#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BLOCKS 4000
#define LOC_GRID 500.0f

typedef struct {
    float w, h;
    int page;
    doc_conversion *out;
} parser;

static void add_text_block(parser *ps, doc_block_kind kind, int level, strbuf *text, const int *loc, int nloc)
{
    char *t = fa_trim(sb_take(text));
    /* Runs of white space (the model's line breaks inside a paragraph) become one space. */
    size_t k = 0;
    for (size_t i = 0; t[i]; i++) {
        unsigned char c = (unsigned char)t[i];
        if (isspace(c)) {
            if (k && t[k - 1] != ' ')
                t[k++] = ' ';
        } else {
            t[k++] = (char)c;
        }
    }
    t[k] = 0;
    if (!*t || ps->out->blocks.n >= MAX_BLOCKS) {
        free(t);
        return;
    }
    doc_block b = {.kind = kind, .level = level, .text = t};
    if (nloc >= 4 && loc[2] > loc[0] && loc[3] > loc[1]) {
        b.has_box = true;
        b.box = (doc_box){ps->page, loc[0] / LOC_GRID * ps->w, loc[1] / LOC_GRID * ps->h, loc[2] / LOC_GRID * ps->w,
                          loc[3] / LOC_GRID * ps->h};
    }
    VEC_PUSH(ps->out->blocks, b);
}

/* ---- tables from a grid of cell tokens ---- */

typedef enum { C_TEXT, C_HEAD, C_EMPTY, C_LEFT, C_UP, C_CROSS } cell_tok;

typedef struct {
    VEC(cell_tok) kinds;
    str_vec texts;          /* one per token (NULL for merges) */
    VEC(int) row_of;
    int rows;
} token_grid;

static void grid_free(token_grid *g)
{
    free(g->kinds.v);
    str_vec_free(&g->texts);
    free(g->row_of.v);
    memset(g, 0, sizeof *g);
}

static void grid_push(token_grid *g, cell_tok k)
{
    if (g->kinds.n >= (size_t)TABLE_MAX_COLS * 64)
        return;
    VEC_PUSH(g->kinds, k);
    VEC_PUSH(g->texts, NULL);
    VEC_PUSH(g->row_of, g->rows);
}

static void grid_text(token_grid *g, const char *s, size_t n)
{
    if (!g->texts.n || g->kinds.v[g->kinds.n - 1] >= C_EMPTY)
        return;  /* text after a merge or empty cell, or before any cell: nothing to attach it to */
    char **t = &g->texts.v[g->texts.n - 1];
    strbuf b = {0};
    if (*t)
        sb_add(&b, *t);
    sb_addn(&b, s, n);
    free(*t);
    *t = sb_take(&b);
}

/* Turns the tokens into t's cells: a cell spans the merge tokens to its right and below it. */
static bool grid_to_table(token_grid *g, doc_table *t)
{
    int rows = 0, cols = 0;
    for (size_t i = 0; i < g->kinds.n; i++)
        rows = g->row_of.v[i] + 1 > rows ? g->row_of.v[i] + 1 : rows;
    if (rows > TABLE_MAX_ROWS)
        rows = TABLE_MAX_ROWS;
    int *width = xcalloc((size_t)rows + 1, sizeof *width);
    for (size_t i = 0; i < g->kinds.n; i++)
        if (g->row_of.v[i] < rows)
            width[g->row_of.v[i]]++;
    for (int r = 0; r < rows; r++)
        cols = width[r] > cols ? width[r] : cols;
    if (cols > TABLE_MAX_COLS)
        cols = TABLE_MAX_COLS;
    if (!rows || !cols) {
        free(width);
        return false;
    }
    /* Grid of token indices (-1: missing, a row shorter than the widest). */
    long *at = xmalloc((size_t)rows * (size_t)cols * sizeof *at);
    for (size_t i = 0; i < (size_t)rows * (size_t)cols; i++)
        at[i] = -1;
    int r = -1, c = 0, last_row = -1;
    for (size_t i = 0; i < g->kinds.n; i++) {
        if (g->row_of.v[i] != last_row) {
            last_row = g->row_of.v[i];
            r = last_row;
            c = 0;
        }
        if (r < rows && c < cols)
            at[(size_t)r * (size_t)cols + (size_t)c] = (long)i;
        c++;
    }
    bool any = false, head_run = true;
    for (r = 0; r < rows; r++) {
        bool all_head = true, some_head = false;
        for (c = 0; c < cols; c++) {
            long i = at[(size_t)r * (size_t)cols + (size_t)c];
            cell_tok k = i < 0 ? C_EMPTY : g->kinds.v[i];
            if (k == C_LEFT || k == C_UP || k == C_CROSS)
                continue;
            int cs = 1, rs = 1;
            while (c + cs < cols) {
                long j = at[(size_t)r * (size_t)cols + (size_t)(c + cs)];
                if (j < 0 || (g->kinds.v[j] != C_LEFT && g->kinds.v[j] != C_CROSS))
                    break;
                cs++;
            }
            while (r + rs < rows) {
                long j = at[(size_t)(r + rs) * (size_t)cols + (size_t)c];
                if (j < 0 || (g->kinds.v[j] != C_UP && g->kinds.v[j] != C_CROSS))
                    break;
                rs++;
            }
            char *text = i >= 0 && g->texts.v[i] ? fa_trim(xstrdup(g->texts.v[i])) : xstrdup("");
            any |= *text != 0;
            if (k == C_TEXT)
                all_head = false;
            some_head |= k == C_HEAD;
            VEC_PUSH(t->cells, ((doc_cell){r, c, rs, cs, text}));
        }
        if (head_run && all_head && some_head && r < rows - 1)
            t->header_rows = r + 1;
        else
            head_run = false;
    }
    t->nrows = rows;
    t->ncols = cols;
    free(at);
    free(width);
    return any;
}

static void add_table_block(parser *ps, token_grid *g, const int *loc, int nloc)
{
    doc_block b = {.kind = DOC_BLOCK_TABLE};
    b.table.page = b.table.page_end = ps->page;
    if (ps->out->blocks.n < MAX_BLOCKS && grid_to_table(g, &b.table)) {
        if (nloc >= 4 && loc[2] > loc[0] && loc[3] > loc[1]) {
            b.has_box = true;
            b.box = (doc_box){ps->page, loc[0] / LOC_GRID * ps->w, loc[1] / LOC_GRID * ps->h,
                              loc[2] / LOC_GRID * ps->w, loc[3] / LOC_GRID * ps->h};
        }
        VEC_PUSH(ps->out->blocks, b);
    } else {
        doc_table_free(&b.table);
    }
    grid_free(g);
}

/* ---- DocTags ---- */

typedef struct {
    const char *name;
    doc_block_kind kind;
} element;

static const element elements[] = {
    {"text", DOC_BLOCK_TEXT},         {"paragraph", DOC_BLOCK_TEXT},      {"title", DOC_BLOCK_HEADING},
    {"list_item", DOC_BLOCK_LIST_ITEM}, {"caption", DOC_BLOCK_CAPTION}, {"footnote", DOC_BLOCK_TEXT},
    {"page_header", DOC_BLOCK_PAGE_HEADER}, {"page_footer", DOC_BLOCK_PAGE_FOOTER}, {"formula", DOC_BLOCK_TEXT},
    {"code", DOC_BLOCK_TEXT},         {"reference", DOC_BLOCK_TEXT},      {"checkbox_selected", DOC_BLOCK_TEXT},
    {"checkbox_unselected", DOC_BLOCK_TEXT},
};

/* element_of's answer for <section_header_level_N>, which is no entry of elements[]. */
#define EL_SECTION_HEADER 1000

static doc_block_kind kind_of(int el)
{
    return el == EL_SECTION_HEADER ? DOC_BLOCK_HEADING : elements[el].kind;
}

/* The element a tag name opens (an index of elements[], or EL_SECTION_HEADER with its level), or -1. */
static int element_of(const char *name, int *level)
{
    *level = 0;
    if (!strncmp(name, "section_header_level_", 21)) {
        int n = atoi(name + 21);
        *level = n < 1 ? 1 : n > 6 ? 6 : n;
        return EL_SECTION_HEADER;
    }
    if (!strcmp(name, "section_header")) {
        *level = 1;
        return EL_SECTION_HEADER;
    }
    for (size_t i = 0; i < sizeof elements / sizeof elements[0]; i++)
        if (!strcmp(name, elements[i].name)) {
            if (elements[i].kind == DOC_BLOCK_HEADING)
                *level = 1;
            return (int)i;
        }
    return -1;
}

static void decode_entities(strbuf *b, const char *s, size_t n)
{
    static const struct { const char *ent; char c; } ents[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}, {"&apos;", '\''}};
    for (size_t i = 0; i < n; i++) {
        bool done = false;
        for (size_t k = 0; s[i] == '&' && !done && k < sizeof ents / sizeof ents[0]; k++) {
            size_t m = strlen(ents[k].ent);
            if (i + m <= n && !strncmp(s + i, ents[k].ent, m)) {
                sb_addc(b, ents[k].c);
                i += m - 1;
                done = true;
            }
        }
        if (!done)
            sb_addc(b, s[i]);
    }
}

/* Text between tags: a table cell's, the open element's, or (loose, between elements) a paragraph of its own. */
static void put_text(parser *ps, token_grid *g, strbuf *text, bool in_table, int kind, const char *s, size_t n)
{
    strbuf dec = {0};
    decode_entities(&dec, s, n);
    if (!dec.len)
        return;
    if (in_table && kind < 0) {
        grid_text(g, dec.s, dec.len);
    } else {
        sb_addn(text, dec.s, dec.len);
        if (kind < 0)
            add_text_block(ps, DOC_BLOCK_TEXT, 0, text, NULL, 0);
    }
    sb_free(&dec);
}

static void parse_doctags(parser *ps, const char *s, size_t n)
{
    strbuf text = {0};
    int kind = -1, level = 0, loc[4], nloc = 0;
    bool in_table = false;
    token_grid g = {0};
    int tloc[4], ntloc = 0;
    size_t i = 0;
    while (i < n) {
        const char *lt = memchr(s + i, '<', n - i);
        size_t stop = lt ? (size_t)(lt - s) : n;
        if (stop > i)
            put_text(ps, &g, &text, in_table, kind, s + i, stop - i);
        if (!lt)
            break;
        /* A tag: <name>, </name> or <name/>; a '<' not starting one is text. */
        size_t j = stop + 1;
        bool closing = j < n && s[j] == '/';
        if (closing)
            j++;
        size_t name_start = j;
        while (j < n && j - name_start < 64 && (isalnum((unsigned char)s[j]) || s[j] == '_'))
            j++;
        size_t name_len = j - name_start;
        if (j < n && s[j] == '/')
            j++;
        if (!name_len || j >= n || s[j] != '>') {
            if (j >= n && name_len)
                break;  /* a tag cut off at the end of the output */
            put_text(ps, &g, &text, in_table, kind, "<", 1);
            i = stop + 1;
            continue;
        }
        char name[72];
        memcpy(name, s + name_start, name_len);
        name[name_len] = 0;
        i = j + 1;
        if (!strncmp(name, "loc_", 4) && isdigit((unsigned char)name[4])) {
            int v = atoi(name + 4);
            v = v < 0 ? 0 : v > (int)LOC_GRID ? (int)LOC_GRID : v;
            if (kind >= 0 && nloc < 4)
                loc[nloc++] = v;
            else if (in_table && kind < 0 && ntloc < 4 && g.kinds.n == 0)
                tloc[ntloc++] = v;
            continue;
        }
        if (!strcmp(name, "otsl")) {
            if (!closing && !in_table) {
                if (kind >= 0) {
                    add_text_block(ps, kind_of(kind), level, &text, loc, nloc);
                    kind = -1;
                }
                in_table = true;
                ntloc = 0;
                memset(&g, 0, sizeof g);
            } else if (closing && in_table) {
                if (kind >= 0) {  /* a caption inside the table */
                    add_text_block(ps, DOC_BLOCK_CAPTION, 0, &text, loc, nloc);
                    kind = -1;
                }
                add_table_block(ps, &g, tloc, ntloc);
                in_table = false;
            }
            continue;
        }
        if (in_table && kind < 0) {
            static const struct { const char *tag; cell_tok k; } cells[] = {
                {"fcel", C_TEXT}, {"ched", C_HEAD}, {"rhed", C_TEXT}, {"srow", C_TEXT}, {"ecel", C_EMPTY},
                {"lcel", C_LEFT}, {"ucel", C_UP},   {"xcel", C_CROSS}};
            bool matched = false;
            for (size_t k = 0; k < sizeof cells / sizeof cells[0] && !closing; k++)
                if (!strcmp(name, cells[k].tag)) {
                    grid_push(&g, cells[k].k);
                    matched = true;
                }
            if (!strcmp(name, "nl") && !closing) {
                g.rows++;
                matched = true;
            }
            if (matched)
                continue;
        }
        int lv;
        int el = element_of(name, &lv);
        if (el >= 0 && !closing) {
            if (kind >= 0)  /* an element opened before the previous one closed: the previous one ends here */
                add_text_block(ps, kind_of(kind), level, &text, loc, nloc);
            kind = el;
            level = lv;
            nloc = 0;
            sb_clear(&text);
        } else if (el >= 0 && closing && kind >= 0) {
            doc_block_kind k = kind_of(kind);
            add_text_block(ps, in_table && k != DOC_BLOCK_CAPTION ? DOC_BLOCK_CAPTION : k, level, &text, loc, nloc);
            kind = -1;
        } else if (!strcmp(name, "br") && kind >= 0) {
            sb_addc(&text, ' ');
        }
        /* Any other tag (containers, inline marks, pictures): dropped, its text kept where it falls. */
    }
    /* Cut off: keep what arrived. */
    if (kind >= 0)
        add_text_block(ps, kind_of(kind), level, &text, loc, nloc);
    if (in_table)
        add_table_block(ps, &g, tloc, ntloc);
    grid_free(&g);
    sb_free(&text);
}

/* ---- Markdown ---- */

/* Markdown emphasis and inline code marks around words (**bold**, __bold__, `code`) dropped; links as their
 * text; images dropped. */
static void md_inline(strbuf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if ((s[i] == '*' || s[i] == '_') && i + 1 < n && s[i + 1] == s[i]) {
            i++;
            continue;
        }
        if (s[i] == '`')
            continue;
        if (s[i] == '!' && i + 1 < n && s[i + 1] == '[') {
            const char *close = memchr(s + i, ')', n - i);
            if (close) {
                i = (size_t)(close - s);
                continue;
            }
        }
        if (s[i] == '<' && i + 3 < n && !strncasecmp(s + i, "<br", 3)) {
            const char *gt = memchr(s + i, '>', n - i);
            if (gt) {
                sb_addc(b, ' ');
                i = (size_t)(gt - s);
                continue;
            }
        }
        sb_addc(b, s[i]);
    }
}

static bool md_separator(const char *l, size_t n)
{
    bool dash = false;
    for (size_t i = 0; i < n; i++) {
        if (l[i] == '-')
            dash = true;
        else if (l[i] != '|' && l[i] != ':' && !isspace((unsigned char)l[i]))
            return false;
    }
    return dash;
}

/* The cells of one pipe-table row into the grid (a new row). */
static void md_row(token_grid *g, const char *l, size_t n)
{
    size_t i = 0;
    while (i < n && isspace((unsigned char)l[i]))
        i++;
    if (i < n && l[i] == '|')
        i++;
    while (n > i && isspace((unsigned char)l[n - 1]))
        n--;
    if (n > i && l[n - 1] == '|' && (n < 2 || l[n - 2] != '\\'))
        n--;
    size_t start = i;
    for (; i <= n; i++) {
        if (i == n || (l[i] == '|' && (i == 0 || l[i - 1] != '\\'))) {
            strbuf cell = {0};
            for (size_t k = start; k < i; k++)
                if (!(l[k] == '\\' && k + 1 < i && l[k + 1] == '|'))
                    sb_addc(&cell, l[k]);
            strbuf clean = {0};
            md_inline(&clean, cell.s ? cell.s : "", cell.len);
            sb_free(&cell);
            char *t = fa_trim(clean.s ? clean.s : (char[]){0});
            grid_push(g, *t ? C_TEXT : C_EMPTY);
            if (*t)
                grid_text(g, t, strlen(t));
            sb_free(&clean);
            start = i + 1;
        }
    }
    g->rows++;
}

/* The next line of s after offset i (its start and length without the newline). */
static const char *next_line(const char *s, size_t n, size_t i, size_t *len)
{
    if (i >= n) {
        *len = 0;
        return s + n;
    }
    const char *nl = memchr(s + i, '\n', n - i);
    *len = (nl ? (size_t)(nl - s) : n) - i;
    return s + i;
}

static void flush_md_table(parser *ps, token_grid *g, int *header_lines)
{
    if (*header_lines > 0)
        for (size_t k = 0; k < g->kinds.n; k++)
            if (g->row_of.v[k] < *header_lines && g->kinds.v[k] == C_TEXT)
                g->kinds.v[k] = C_HEAD;
    add_table_block(ps, g, NULL, 0);
    *header_lines = -1;
}

static void parse_markdown(parser *ps, const char *s, size_t n)
{
    strbuf para = {0};
    doc_block_kind pkind = DOC_BLOCK_TEXT;
    bool in_comment = false;
    token_grid g = {0};
    int header_lines = -1;
    size_t i = 0;
    while (i < n) {
        size_t len;
        const char *l = next_line(s, n, i, &len);
        i += len + 1;
        if (len && l[len - 1] == '\r')
            len--;
        size_t ind = 0;
        while (ind < len && (l[ind] == ' ' || l[ind] == '\t'))
            ind++;
        const char *t = l + ind;
        size_t tn = len - ind;
        if (in_comment) {
            for (size_t k = 0; k + 3 <= tn; k++)
                if (!strncmp(t + k, "-->", 3))
                    in_comment = false;
            continue;
        }
        if (tn >= 3 && (!strncmp(t, "```", 3) || !strncmp(t, "~~~", 3)))
            continue;  /* a fence, usually around the whole answer: its lines are read as Markdown */
        /* A table row starts with '|', or has a '|' and continues a table or comes before a |---| line. */
        size_t nlen;
        const char *nxt = next_line(s, n, i, &nlen);
        bool has_pipe = memchr(t, '|', tn) != NULL;
        bool table_line = (tn >= 2 && t[0] == '|') ||
                          (has_pipe && (g.kinds.n || (md_separator(nxt, nlen) && memchr(nxt, '|', nlen))));
        if (g.kinds.n && !table_line)
            flush_md_table(ps, &g, &header_lines);
        if (table_line) {
            if (para.len)
                add_text_block(ps, pkind, 0, &para, NULL, 0);
            if (md_separator(t, tn)) {
                if (header_lines < 0)
                    header_lines = g.rows;
            } else if (g.rows < TABLE_MAX_ROWS) {
                md_row(&g, t, tn);
            }
            continue;
        }
        if (tn >= 4 && !strncmp(t, "<!--", 4)) {
            in_comment = true;
            for (size_t k = 4; k + 3 <= tn; k++)
                if (!strncmp(t + k, "-->", 3))
                    in_comment = false;
            continue;
        }
        if (!tn) {
            if (para.len)
                add_text_block(ps, pkind, 0, &para, NULL, 0);
            continue;
        }
        size_t h = 0;
        while (h < tn && t[h] == '#')
            h++;
        if (h >= 1 && h <= 6 && (h == tn || t[h] == ' ')) {
            if (para.len)
                add_text_block(ps, pkind, 0, &para, NULL, 0);
            size_t e = tn;
            while (e > h && (t[e - 1] == '#' || t[e - 1] == ' '))
                e--;
            md_inline(&para, t + h, e > h ? e - h : 0);
            add_text_block(ps, DOC_BLOCK_HEADING, (int)h, &para, NULL, 0);
            continue;
        }
        bool bullet = tn >= 2 && (t[0] == '-' || t[0] == '*' || t[0] == '+') && t[1] == ' ';
        size_t m = 0;
        while (!bullet && m < tn && m < 4 && isdigit((unsigned char)t[m]))
            m++;
        bool numbered = m && m + 1 < tn && (t[m] == '.' || t[m] == ')') && t[m + 1] == ' ';
        if (bullet || numbered) {
            if (para.len)
                add_text_block(ps, pkind, 0, &para, NULL, 0);
            pkind = DOC_BLOCK_LIST_ITEM;
            /* A numbered item keeps its number ("1. Plan"): it may be the page's own numbering. */
            if (bullet)
                md_inline(&para, t + 2, tn - 2);
            else
                md_inline(&para, t, tn);
            continue;
        }
        if (tn >= 3 && (strspn(t, "-") >= tn || strspn(t, "*") >= tn || strspn(t, "_") >= tn))
            continue;  /* a thematic break */
        if (!para.len)
            pkind = DOC_BLOCK_TEXT;
        else
            sb_addc(&para, ' ');
        md_inline(&para, t, tn);
    }
    if (g.kinds.n)
        flush_md_table(ps, &g, &header_lines);
    grid_free(&g);
    if (para.len)
        add_text_block(ps, pkind, 0, &para, NULL, 0);
    sb_free(&para);
}

/* ---- both ---- */

/* DocTags when a tag of theirs appears; else Markdown. */
static bool looks_like_doctags(const char *s, size_t n)
{
    static const char *const marks[] = {"<doctag>", "<otsl>", "<text>", "<section_header_level_", "<page_header>",
                                        "<title>", "<list_item>", "<loc_", "<caption>", "<page_footer>"};
    for (size_t k = 0; k < sizeof marks / sizeof marks[0]; k++) {
        size_t m = strlen(marks[k]);
        for (size_t i = 0; i + m <= n; i++)
            if (s[i] == '<' && !strncmp(s + i, marks[k], m))
                return true;
    }
    return false;
}

/* A "Table N-N." caption next to a table becomes its caption. */
static void attach_captions(doc_conversion *c)
{
    for (size_t i = 0; i < c->blocks.n; i++) {
        doc_block *t = &c->blocks.v[i];
        if (t->kind != DOC_BLOCK_TABLE || t->table.caption)
            continue;
        size_t cand[2] = {i ? i - 1 : (size_t)-1, i + 1};
        for (int k = 0; k < 2; k++) {
            if (cand[k] >= c->blocks.n)
                continue;
            doc_block *b = &c->blocks.v[cand[k]];
            char num[24];
            if (b->kind == DOC_BLOCK_TABLE || !b->text || !doc_table_caption(b->text, num))
                continue;
            t->table.caption = b->text;
            t->table.number = xstrdup(num);
            b->text = NULL;
            break;
        }
    }
    size_t k = 0;
    for (size_t i = 0; i < c->blocks.n; i++)
        if (c->blocks.v[i].kind == DOC_BLOCK_TABLE || c->blocks.v[i].text)
            c->blocks.v[k++] = c->blocks.v[i];
    c->blocks.n = k;
}

int doc_parse_conversion(const char *text, int page, float width, float height, doc_conversion *out, fa_err *e)
{
    memset(out, 0, sizeof *out);
    if (!text)
        return fa_fail(e, "the model gave no output");
    size_t n = strnlen(text, DOC_CONVERSION_MAX + 1);
    if (n > DOC_CONVERSION_MAX)
        return fa_fail(e, "the model's output is over %d bytes (a model that did not stop); not used",
                       DOC_CONVERSION_MAX);
    if (!fa_is_valid_utf8(text, n))
        return fa_fail(e, "the model's output is not UTF-8 text");
    parser ps = {.w = width > 0 ? width : 612, .h = height > 0 ? height : 792, .page = page, .out = out};
    bool tags = looks_like_doctags(text, n);
    out->format = tags ? "doctags" : "markdown";
    if (tags)
        parse_doctags(&ps, text, n);
    else
        parse_markdown(&ps, text, n);
    attach_captions(out);
    size_t words = 0;
    for (size_t i = 0; i < out->blocks.n; i++) {
        const doc_block *b = &out->blocks.v[i];
        if (b->kind == DOC_BLOCK_TABLE)
            words += b->table.cells.n;
        else if (b->kind != DOC_BLOCK_PAGE_HEADER && b->kind != DOC_BLOCK_PAGE_FOOTER)
            for (const char *p = b->text; *p; p++)
                words += isalnum((unsigned char)*p) && (p == b->text || !isalnum((unsigned char)p[-1]));
    }
    if (!words) {
        doc_conversion_free(out);
        return fa_fail(e, n ? "the model's output has no text or table in it" : "the model's output is empty");
    }
    return 0;
}

void doc_conversion_free(doc_conversion *c)
{
    for (size_t i = 0; i < c->blocks.n; i++) {
        free(c->blocks.v[i].text);
        doc_table_free(&c->blocks.v[i].table);
    }
    free(c->blocks.v);
    memset(c, 0, sizeof *c);
}
