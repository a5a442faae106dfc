/* test_doctags.c - a document model's page reading: DocTags (granite-docling's output) and Markdown parsed into
 * blocks and tables, output that is cut off, malformed or huge (never a crash, a bounded result), the pages the
 * heuristics call hard, and a conversion put in place of a page then analysed and chunked like any other. */
#include "check.h"
#include "doc/doc.h"

#include <stdlib.h>
#include <string.h>

static const char doctags[] =
    "<doctag><page_header><loc_40><loc_10><loc_460><loc_20>FM 3-09</page_header>\n"
    "<section_header_level_1><loc_40><loc_40><loc_460><loc_50>Fire Support Coordination</section_header_level_1>\n"
    "<text><loc_40><loc_60><loc_460><loc_90>2-14. The fire support officer\nadvises the commander &amp; staff.</text>\n"
    "<unordered_list><list_item><loc_50><loc_95><loc_460><loc_100>Plan fires.</list_item>\n"
    "<list_item>Clear fires.</list_item></unordered_list>\n"
    "<caption><loc_40><loc_110><loc_460><loc_118>Table 2-1. Fire support tasks</caption>\n"
    "<otsl><loc_40><loc_120><loc_460><loc_300><ched>Task<ched>Who<ched>When<nl>"
    "<fcel>Plan<fcel>FSO<fcel>Before<nl>"
    "<fcel>Coordinate<lcel><fcel>During<nl>"
    "<fcel>Assess<fcel>FSNCO<ucel><nl>"
    "<ecel><fcel>Staff<ecel><nl></otsl>\n"
    "<page_footer><loc_200><loc_480><loc_300><loc_490>2-5</page_footer></doctag>";

static const doc_block *nth_kind(const doc_conversion *c, doc_block_kind k, int n)
{
    for (size_t i = 0; i < c->blocks.n; i++)
        if (c->blocks.v[i].kind == k && n-- == 0)
            return &c->blocks.v[i];
    return NULL;
}

static const doc_cell *cell_at(const doc_table *t, int row, int col)
{
    for (size_t i = 0; t && i < t->cells.n; i++)
        if (t->cells.v[i].row == row && t->cells.v[i].col == col)
            return &t->cells.v[i];
    return NULL;
}

static void test_doctags(void)
{
    doc_conversion c;
    fa_err e = {{0}};
    CHECK(doc_parse_conversion(doctags, 4, 500, 1000, &c, &e) == 0);
    CHECK_STR(c.format, "doctags");
    const doc_block *h = nth_kind(&c, DOC_BLOCK_HEADING, 0);
    CHECK(h && h->level == 1);
    CHECK_STR(h ? h->text : NULL, "Fire Support Coordination");
    CHECK(h && h->has_box && h->box.page == 4);
    CHECK_NEAR(h ? h->box.y0 : 0, 80, 0.01);  /* loc 40 of 500 over 1000 points */
    CHECK_NEAR(h ? h->box.x1 : 0, 460, 0.01);
    const doc_block *t = nth_kind(&c, DOC_BLOCK_TEXT, 0);
    CHECK_STR(t ? t->text : NULL, "2-14. The fire support officer advises the commander & staff.");
    CHECK_STR(nth_kind(&c, DOC_BLOCK_LIST_ITEM, 0) ? nth_kind(&c, DOC_BLOCK_LIST_ITEM, 0)->text : NULL,
              "Plan fires.");
    const doc_block *li2 = nth_kind(&c, DOC_BLOCK_LIST_ITEM, 1);
    CHECK(li2 && !li2->has_box);
    CHECK_STR(nth_kind(&c, DOC_BLOCK_PAGE_HEADER, 0) ? nth_kind(&c, DOC_BLOCK_PAGE_HEADER, 0)->text : NULL, "FM 3-09");
    CHECK_STR(nth_kind(&c, DOC_BLOCK_PAGE_FOOTER, 0) ? nth_kind(&c, DOC_BLOCK_PAGE_FOOTER, 0)->text : NULL, "2-5");
    CHECK(nth_kind(&c, DOC_BLOCK_CAPTION, 0) == NULL);  /* the table's caption went to the table */
    const doc_block *tb = nth_kind(&c, DOC_BLOCK_TABLE, 0);
    const doc_table *tt = tb ? &tb->table : NULL;
    CHECK(tt && tt->nrows == 5 && tt->ncols == 3 && tt->header_rows == 1 && !tt->ruled);
    CHECK_STR(tt ? tt->caption : NULL, "Table 2-1. Fire support tasks");
    CHECK_STR(tt ? tt->number : NULL, "2-1");
    CHECK(tb && tb->has_box);
    CHECK_NEAR(tb ? tb->box.y1 : 0, 600, 0.01);
    CHECK_STR(cell_at(tt, 0, 1) ? cell_at(tt, 0, 1)->text : NULL, "Who");
    const doc_cell *co = cell_at(tt, 2, 0);
    CHECK(co && co->colspan == 2 && co->rowspan == 1);   /* <lcel> merges left */
    CHECK_STR(co ? co->text : NULL, "Coordinate");
    const doc_cell *du = cell_at(tt, 2, 2);
    CHECK(du && du->rowspan == 2);                        /* <ucel> merges up */
    CHECK(cell_at(tt, 3, 2) == NULL);
    CHECK(cell_at(tt, 4, 0) && !strcmp(cell_at(tt, 4, 0)->text, ""));  /* <ecel> is an empty cell */
    char *md = tt ? doc_table_markdown(tt) : NULL;
    CHECK(md && strstr(md, "| Plan | FSO | Before |"));
    free(md);
    doc_conversion_free(&c);
}

static void test_markdown(void)
{
    static const char md[] =
        "```markdown\n"
        "# Chapter 2\n\n"
        "## Fire Support Coordination\n\n"
        "The fire support officer\nadvises the **commander**.\n\n"
        "- Plan fires.\n* Clear fires\n  at every echelon.\n"
        "1. First step\n\n"
        "Table 2-1. Fire support tasks\n\n"
        "| Task | Who \\| role |\n|---|:---:|\n| Plan | FSO |\n| Assess | |\n\n"
        "<!-- image -->\n"
        "Range | Elevation\n--- | ---\n1000 | 123.4\n"
        "```\n";
    doc_conversion c;
    fa_err e = {{0}};
    CHECK(doc_parse_conversion(md, 0, 612, 792, &c, &e) == 0);
    CHECK_STR(c.format, "markdown");
    const doc_block *h1 = nth_kind(&c, DOC_BLOCK_HEADING, 0), *h2 = nth_kind(&c, DOC_BLOCK_HEADING, 1);
    CHECK(h1 && h1->level == 1 && !strcmp(h1->text, "Chapter 2"));
    CHECK(h2 && h2->level == 2 && !strcmp(h2->text, "Fire Support Coordination"));
    const doc_block *p = nth_kind(&c, DOC_BLOCK_TEXT, 0);
    CHECK_STR(p ? p->text : NULL, "The fire support officer advises the commander.");
    const doc_block *l2 = nth_kind(&c, DOC_BLOCK_LIST_ITEM, 1), *l3 = nth_kind(&c, DOC_BLOCK_LIST_ITEM, 2);
    CHECK_STR(l2 ? l2->text : NULL, "Clear fires at every echelon.");
    CHECK_STR(l3 ? l3->text : NULL, "1. First step");
    const doc_block *tb = nth_kind(&c, DOC_BLOCK_TABLE, 0);
    const doc_table *t = tb ? &tb->table : NULL;
    CHECK(t && t->nrows == 3 && t->ncols == 2 && t->header_rows == 1 && !tb->has_box);
    CHECK_STR(t ? t->number : NULL, "2-1");
    CHECK_STR(cell_at(t, 0, 1) ? cell_at(t, 0, 1)->text : NULL, "Who | role");
    CHECK_STR(cell_at(t, 2, 1) ? cell_at(t, 2, 1)->text : NULL, "");
    const doc_block *tb2 = nth_kind(&c, DOC_BLOCK_TABLE, 1);  /* a table without outer pipes */
    CHECK(tb2 && tb2->table.nrows == 2 && tb2->table.ncols == 2 && tb2->table.header_rows == 1);
    CHECK_STR(tb2 ? cell_at(&tb2->table, 1, 1)->text : NULL, "123.4");
    for (size_t i = 0; i < c.blocks.n; i++)
        CHECK(c.blocks.v[i].kind == DOC_BLOCK_TABLE || !strstr(c.blocks.v[i].text, "image"));
    doc_conversion_free(&c);
}

/* Output cut off anywhere, malformed tags, nonsense: parsed without a crash, and what arrived is kept. */
static void test_truncated_malformed(void)
{
    size_t n = strlen(doctags);
    int parsed = 0, failed_cleanly = 0;
    for (size_t k = 0; k <= n; k++) {
        char *cut = xstrndup(doctags, k);
        doc_conversion c;
        fa_err e = {{0}};
        if (doc_parse_conversion(cut, 0, 612, 792, &c, &e) == 0) {
            parsed++;
            doc_conversion_free(&c);
        } else if (e.msg[0]) {
            failed_cleanly++;
        }
        free(cut);
    }
    CHECK(parsed + failed_cleanly == (int)n + 1);
    CHECK(parsed > (int)n / 2);
    /* Cut inside the table: the rows that arrived are a table. */
    const char *mid = strstr(doctags, "<fcel>Assess");
    char *cut = xstrndup(doctags, (size_t)(mid - doctags));
    doc_conversion c;
    fa_err e = {{0}};
    CHECK(doc_parse_conversion(cut, 0, 612, 792, &c, &e) == 0);
    const doc_block *tb = nth_kind(&c, DOC_BLOCK_TABLE, 0);
    CHECK(tb && tb->table.nrows == 3);
    doc_conversion_free(&c);
    free(cut);

    static const char *const bad[] = {
        "<text>unclosed <b>bold <loc_9999><loc_-5>text", "<<<<>>>></text></otsl><nl><fcel>", "<otsl><lcel><ucel><xcel><nl><nl>",
        "<otsl>text before any cell<fcel>x</otsl>", "<section_header_level_99>Deep</section_header_level_99>",
        "<text><text><text>nested</text>", "< text>not a tag</ text> <text>a</text>", "| only | pipes |\n|---|",
        "|\n|\n|", "#######", "- \n* \n1. ", "<!-- never closed", "&amp;&lt;&bogus;&", "<loc_1><loc_2>",
        "<otsl><fcel>a<nl></otsl><otsl>", "<picture><caption>Figure 1-1. X</caption></picture><doctag>"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&e, 0, sizeof e);
        int rc = doc_parse_conversion(bad[i], 0, 612, 792, &c, &e);
        CHECK(rc == 0 ? (doc_conversion_free(&c), 1) : e.msg[0] != 0);
    }
    /* Loc values beyond the grid are clamped; a heading level beyond 6 is 6. */
    CHECK(doc_parse_conversion("<section_header_level_99><loc_0><loc_0><loc_900><loc_10>Deep</section_header_level_99>",
                               0, 500, 500, &c, &e) == 0);
    CHECK(c.blocks.n == 1 && c.blocks.v[0].level == 6 && c.blocks.v[0].box.x1 <= 500.01f);
    doc_conversion_free(&c);
    /* Bytes that are not text, and outputs with nothing in them. */
    CHECK(doc_parse_conversion("<text>\xff\xfe bad</text>", 0, 612, 792, &c, &e) == -1 && strstr(e.msg, "UTF-8"));
    CHECK(doc_parse_conversion("", 0, 612, 792, &c, &e) == -1 && strstr(e.msg, "empty"));
    CHECK(doc_parse_conversion("  \n\n ", 0, 612, 792, &c, &e) == -1);
    CHECK(doc_parse_conversion("<doctag><picture></picture></doctag>", 0, 612, 792, &c, &e) == -1 &&
          strstr(e.msg, "no text or table"));
    CHECK(doc_parse_conversion(NULL, 0, 612, 792, &c, &e) == -1);
}

/* A model that does not stop: bounded. */
static void test_huge(void)
{
    doc_conversion c;
    fa_err e = {{0}};
    size_t big = (size_t)DOC_CONVERSION_MAX + 10;
    char *s = xmalloc(big + 1);
    memset(s, 'a', big);
    s[big] = 0;
    CHECK(doc_parse_conversion(s, 0, 612, 792, &c, &e) == -1 && strstr(e.msg, "did not stop"));
    free(s);
    /* One row of 10000 cells: the columns are capped. */
    strbuf b = {0};
    sb_add(&b, "<otsl>");
    for (int i = 0; i < 10000; i++)
        sb_addf(&b, "<fcel>%d", i);
    sb_add(&b, "<nl></otsl>");
    CHECK(doc_parse_conversion(b.s, 0, 612, 792, &c, &e) == 0);
    CHECK(c.blocks.n == 1 && c.blocks.v[0].table.ncols <= 256);
    doc_conversion_free(&c);
    sb_free(&b);
    /* 20000 Markdown rows, 20000 paragraphs: rows and blocks capped. */
    sb_add(&b, "| a | b |\n|---|---|\n");
    for (int i = 0; i < 20000; i++)
        sb_addf(&b, "| %d | x |\n", i);
    for (int i = 0; i < 20000; i++)
        sb_addf(&b, "\nParagraph %d.\n", i);
    CHECK(doc_parse_conversion(b.s, 0, 612, 792, &c, &e) == 0);
    CHECK(c.blocks.n <= 4000 && c.blocks.v[0].kind == DOC_BLOCK_TABLE && c.blocks.v[0].table.nrows <= 2048);
    doc_conversion_free(&c);
    sb_free(&b);
}

static doc_line mkline(const char *text, float y, float size, float conf)
{
    return (doc_line){.text = xstrdup(text), .box = {0, 72, y, 540, y + 10}, .size = size, .ocr_conf = conf};
}

static void free_page(doc_page *p)
{
    for (size_t i = 0; i < p->nlines; i++)
        free(p->lines[i].text);
    free(p->lines);
    for (size_t k = 0; k < p->ntables; k++)
        doc_table_free(&p->tables[k]);
    free(p->tables);
    memset(p, 0, sizeof *p);
}

static void test_hard_pages(void)
{
    doc_page p = {.width = 612, .height = 792};
    p.lines = xcalloc(4, sizeof *p.lines);
    p.lines[0] = mkline("The fire support plan is prepared by the FSO.", 100, 10, 0);
    p.lines[1] = mkline("It is approved by the commander.", 112, 10, 0);
    p.nlines = 2;
    char *why = doc_page_hard(&p);
    CHECK(why == NULL);  /* ordinary born-digital text */
    p.tables = xcalloc(1, sizeof *p.tables);
    p.tables[0] = (doc_table){.nrows = 4, .ncols = 3, .ruled = true};
    p.ntables = 1;
    CHECK(doc_page_hard(&p) == NULL);  /* a ruled table is read well */
    p.tables[0].ruled = false;
    why = doc_page_hard(&p);
    CHECK(why && strstr(why, "table without rules") && strstr(why, "4 x 3"));
    free(why);
    p.form_fields = 12;
    why = doc_page_hard(&p);
    CHECK(why && strstr(why, "a form (12 fillable fields)"));
    free(why);
    p.form_fields = 0;
    p.ntables = 0;
    free(p.tables);
    p.tables = NULL;
    free_page(&p);
    /* Blanks to fill in. */
    p = (doc_page){.width = 612, .height = 792};
    p.lines = xcalloc(5, sizeof *p.lines);
    for (int i = 0; i < 4; i++)
        p.lines[i] = mkline(i % 2 ? "NAME ________" : "\xe2\x98\x90 Approved", 100 + 12 * i, 10, 0);
    p.nlines = 4;
    why = doc_page_hard(&p);
    CHECK(why && strstr(why, "4 lines with blanks"));
    free(why);
    free_page(&p);
    /* OCRed pages: a firing table, low confidence, good confidence. */
    p = (doc_page){.width = 612, .height = 792, .ocr = true};
    p.lines = xcalloc(4, sizeof *p.lines);
    p.lines[0] = mkline("RANGE ELEV FUZE SETTING TIME OF FLIGHT", 100, 10, 91);
    p.lines[1] = mkline("4000 245.1 14.2 14.9", 112, 10, 90);
    p.lines[2] = mkline("4100 252.3 14.6 15.3", 124, 10, 88);
    p.nlines = 3;
    why = doc_page_hard(&p);
    CHECK(why && strstr(why, "scanned firing table"));
    free(why);
    free(p.lines[0].text);
    p.lines[0].text = xstrdup("Aerodynamic characteristics of the projectile");
    CHECK(doc_page_hard(&p) == NULL);  /* well read, and too short to be a table */
    free_page(&p);
    /* A scanned table: 8 lines or more, 40% of them mostly numbers. */
    p = (doc_page){.width = 612, .height = 792, .ocr = true};
    p.lines = xcalloc(10, sizeof *p.lines);
    for (int i = 0; i < 10; i++)
        p.lines[i] = mkline(i < 4 ? "0.80 0.262 -0.031 1,250 12%" : "The drag coefficient rises near Mach one.",
                            100 + 12 * i, 10, 90);
    p.nlines = 10;
    why = doc_page_hard(&p);
    CHECK(why && strstr(why, "a scanned table (4 of 10 lines mostly numbers)"));
    free(why);
    free(p.lines[3].text);
    p.lines[3].text = xstrdup("Mach 0.80 and 0.95 were fired in the range.");
    CHECK(doc_page_hard(&p) == NULL);  /* 3 of 10: prose with numbers */
    free_page(&p);
    p = (doc_page){.width = 612, .height = 792, .ocr = true};
    p.lines = xcalloc(4, sizeof *p.lines);
    p.lines[0] = mkline("Aerodynamic characteristics of the", 100, 10, 90);
    p.lines[1] = mkline("M33 ball projectile were measured", 112, 10, 90);
    p.lines[2] = mkline("in the spark range facility.", 124, 10, 90);
    p.nlines = 3;
    CHECK(doc_page_hard(&p) == NULL);  /* well read */
    for (size_t i = 0; i < p.nlines; i++)
        p.lines[i].ocr_conf = 41;
    why = doc_page_hard(&p);
    CHECK(why && strstr(why, "low OCR confidence (mean 41 of 100 over 3 lines)"));
    free(why);
    free_page(&p);
}

/* A reading far shorter than the page's own text is not the page. */
static void test_fits(void)
{
    doc_page p = {.width = 612, .height = 792};
    p.lines = xcalloc(7, sizeof *p.lines);
    for (int i = 0; i < 6; i++)
        p.lines[i] = mkline("one two three four five six seven eight nine ten", 100 + 12 * i, 10, 0);
    p.lines[6] = mkline("RUNNING HEADER WORDS NOT COUNTED HERE AT ALL", 10, 9, 0);
    p.nlines = 7;
    doc_conversion c;
    fa_err e = {{0}};
    CHECK(doc_parse_conversion("I am sorry, but I cannot read the text in this image.", 0, 612, 792, &c, &e) == 0);
    CHECK(doc_conversion_fits(&p, &c, &e) == -1 && strstr(e.msg, "has 12 words where the page's text has 60"));
    doc_conversion_free(&c);
    CHECK(doc_parse_conversion(doctags, 0, 612, 792, &c, &e) == 0);
    CHECK(doc_conversion_fits(&p, &c, &e) == 0);  /* over a third of 60 words */
    doc_conversion_free(&c);
    p.nlines = 2;  /* a page of few words: any reading of it fits */
    CHECK(doc_parse_conversion("A refusal.", 0, 612, 792, &c, &e) == 0 && doc_conversion_fits(&p, &c, &e) == 0);
    doc_conversion_free(&c);
    p.nlines = 7;
    free_page(&p);
}

/* A page replaced by a conversion, then analysed and chunked: the band lines stay, the model's text becomes
 * units, its table a table with chunks; the other page is untouched. */
static void test_apply(void)
{
    doc_document *d = xcalloc(1, sizeof *d);
    d->npages = 2;
    d->pages = xcalloc(2, sizeof *d->pages);
    for (int pi = 0; pi < 2; pi++) {
        doc_page *p = &d->pages[pi];
        p->width = 612;
        p->height = 792;
        p->lines = xcalloc(4, sizeof *p->lines);
        p->lines[0] = mkline("FM 3-09", 20, 9, 0);
        p->lines[1] = mkline(pi ? "Heuristic text of the hard page, garbled l1ke th1s." :
                                  "The easy page keeps its own reading.", 100, 10, 0);
        p->lines[2] = mkline(pi ? "2-5" : "2-4", 760, 9, 0);
        p->lines[1].block = 1;
        p->lines[2].block = 2;
        for (int k = 0; k < 3; k++)
            p->lines[k].box.page = pi;
        p->nlines = 3;
    }
    d->pages[1].tables = xcalloc(1, sizeof(doc_table));
    d->pages[1].tables[0] = (doc_table){.page = 1, .page_end = 1, .nrows = 1, .ncols = 1};
    VEC_PUSH(d->pages[1].tables[0].cells, ((doc_cell){0, 0, 1, 1, xstrdup("heuristic cell")}));
    d->pages[1].ntables = 1;
    doc_conversion c;
    fa_err e = {{0}};
    CHECK(doc_parse_conversion(doctags, 1, 612, 792, &c, &e) == 0);
    doc_page_apply_conversion(d, 1, &c, "granite-docling");
    CHECK(c.blocks.n == 0);
    doc_page *p = &d->pages[1];
    CHECK_STR(p->convert_model, "granite-docling");
    CHECK(p->converted && !d->pages[0].converted);
    CHECK(p->ntables == 1 && p->tables[0].page == 1 && p->tables[0].nrows == 5);
    CHECK_STR(p->lines[0].text, "FM 3-09");            /* the running header stays */
    CHECK_STR(p->lines[p->nlines - 1].text, "2-5");    /* and the page label */
    bool garbled = false, bullet = false;
    for (size_t i = 0; i < p->nlines; i++) {
        garbled |= strstr(p->lines[i].text, "l1ke") != NULL;
        bullet |= !strcmp(p->lines[i].text, "\xe2\x80\xa2 Plan fires.");
    }
    CHECK(!garbled && bullet);
    doc_analyze(d);
    CHECK_STR(d->pages[1].label, "2-5");
    CHECK_STR(d->pages[0].label, "2-4");
    bool unit_para = false, unit_head = false, easy = false;
    for (size_t i = 0; i < d->units.n; i++) {
        const doc_unit *u = &d->units.v[i];
        if (u->paragraph && !strcmp(u->paragraph, "2-14") && strstr(u->text, "advises the commander"))
            unit_para = true;
        if (u->kind == UNIT_HEADING && !strcmp(u->text, "Fire Support Coordination"))
            unit_head = true;
        if (strstr(u->text, "easy page keeps"))
            easy = true;
    }
    CHECK(unit_para && unit_head && easy);
    CHECK(d->tables.n == 1 && d->tables.v[0].number && !strcmp(d->tables.v[0].number, "2-1"));
    doc_chunks ch = {0};
    doc_make_chunks(d, &ch);
    bool table_chunk = false;
    for (size_t i = 0; i < ch.n; i++)
        if (ch.v[i].kind && !strcmp(ch.v[i].kind, "table") && strstr(ch.v[i].text, "FSNCO"))
            table_chunk = ch.v[i].page_start == 1;
    CHECK(table_chunk);
    doc_chunks_free(&ch);
    doc_free(d);
}

int main(void)
{
    test_doctags();
    test_markdown();
    test_truncated_malformed();
    test_huge();
    test_hard_pages();
    test_fits();
    test_apply();
    return check_done();
}
