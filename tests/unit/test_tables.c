/* test_tables.c - tables read from real corpus pages, cell by cell (the expected cells were written by hand from
 * the printed tables), their JSON, Markdown, CSV and chunks, and pages that must be bounded: hundreds of thousands
 * of vector paths, a grid of hundreds of columns. */
#include "check.h"
#include "doc/doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static doc_document *open_doc(const char *name)
{
    const char *shared = getenv("FAGPT_SHARED");
    char path[1024];
    snprintf(path, sizeof path, "%s/corpus/pdf/%s", shared ? shared : "../shared", name);
    doc_extract_opts o = {.no_ocr = true};
    doc_document *d = NULL;
    fa_err e = {{0}};
    if (doc_extract(path, &o, &d, &e) != 0) {
        printf("# cannot open %s: %s\n", path, e.msg);
        return NULL;
    }
    doc_analyze(d);
    return d;
}

static const doc_table *table_no(const doc_document *d, const char *number)
{
    for (size_t i = 0; d && i < d->tables.n; i++)
        if (d->tables.v[i].number && !strcmp(d->tables.v[i].number, number))
            return &d->tables.v[i];
    return NULL;
}

/* The cell whose top-left corner is (row, col). */
static const doc_cell *cell_at(const doc_table *t, int row, int col)
{
    for (size_t i = 0; t && i < t->cells.n; i++)
        if (t->cells.v[i].row == row && t->cells.v[i].col == col)
            return &t->cells.v[i];
    return NULL;
}

static const char *text_at(const doc_table *t, int row, int col)
{
    const doc_cell *c = cell_at(t, row, col);
    return c ? c->text : NULL;
}

static void test_fm355(void)
{
    doc_document *d = open_doc("FM_3-55_Information_Collection_2013-05.pdf");
    CHECK(d != NULL);
    if (!d)
        return;
    CHECK(d->tables.n == 8);

    const doc_table *t = table_no(d, "5-1");
    CHECK(t != NULL);
    CHECK_STR(t ? t->caption : NULL, "Table 5-1. Sample information collection assets");
    CHECK(t && t->nrows == 4 && t->ncols == 2 && t->header_rows == 1 && t->ruled);
    CHECK(t && d->pages[t->page].label && !strcmp(d->pages[t->page].label, "5-2"));
    CHECK_STR(text_at(t, 0, 0), "Levels");
    CHECK_STR(text_at(t, 0, 1), "Examples of information collection assets");
    CHECK_STR(text_at(t, 1, 0), "Strategic");
    CHECK_STR(text_at(t, 1, 1), "\xe2\x80\xa2 Defense Human Intelligence Service agents.\n"
                                "\xe2\x80\xa2 Central Intelligence Agency.\n"
                                "\xe2\x80\xa2 Federal Bureau of Investigation.\n"
                                "\xe2\x80\xa2 Defense Intelligence Agency.\n"
                                "\xe2\x80\xa2 National Security Agency.");
    CHECK_STR(text_at(t, 2, 0), "Operational");
    CHECK_STR(text_at(t, 3, 0), "Tactical");
    CHECK_STR(text_at(t, 3, 1), "\xe2\x80\xa2 A battlefield surveillance brigade.\n"
                                "\xe2\x80\xa2 Target acquisition radars.\n"
                                "\xe2\x80\xa2 Reconnaissance and cavalry squadrons and troops.\n"
                                "\xe2\x80\xa2 Attack reconnaissance aviation units.\n"
                                "\xe2\x80\xa2 Unmanned aircraft system.\n"
                                "\xe2\x80\xa2 Any Soldier with information to report.");

    /* Row spans: a warfighting function over its organizations, an organization over its capabilities. */
    t = table_no(d, "5-3");
    CHECK(t && t->nrows == 19 && t->ncols == 3 && t->header_rows == 1);
    CHECK_STR(text_at(t, 0, 0), "Warfighting Function");
    CHECK_STR(text_at(t, 0, 2), "Capability");
    const doc_cell *c = cell_at(t, 1, 0);
    CHECK(c && c->rowspan == 5 && c->colspan == 1);
    CHECK_STR(c ? c->text : NULL, "Movement and Maneuver");
    c = cell_at(t, 1, 1);
    CHECK(c && c->rowspan == 3);
    CHECK_STR(c ? c->text : NULL, "Reconnaissance squadron");
    CHECK_STR(text_at(t, 1, 2), "Conduct Soldier sensor missions, as needed, to satisfy requirements.");
    c = cell_at(t, 4, 1);
    CHECK(c && c->rowspan == 2);
    CHECK_STR(c ? c->text : NULL, "Infantry battalion");
    CHECK_STR(text_at(t, 5, 2), "Provide scout platoon capability for real-time detection, recognition, and "
                                "identification of distant target locations.");
    c = cell_at(t, 6, 0);
    CHECK(c && c->rowspan == 3);
    CHECK_STR(c ? c->text : NULL, "Intelligence");
    CHECK_STR(text_at(t, 6, 1), "Military intelligence company");
    CHECK_STR(text_at(t, 10, 2), "Detect artillery and mortar fires and establish long-duration observation posts.");
    c = cell_at(t, 18, 0);
    CHECK(c && c->colspan == 3);
    CHECK_STR(c ? c->text : NULL, "CBRN chemical, biological, radiological, and nuclear");

    t = table_no(d, "4-1");
    CHECK(t && t->nrows == 5 && t->ncols == 2 && t->header_rows == 1);
    CHECK_STR(text_at(t, 0, 0), "Warfighting Functions");
    CHECK_STR(text_at(t, 0, 1), "Items Addressed");
    CHECK_STR(text_at(t, 2, 0), "Fires");
    CHECK_STR(text_at(t, 2, 1), "\xe2\x80\xa2 Call for fire.\n"
                                "\xe2\x80\xa2 Request immediate attack helicopter support.\n"
                                "\xe2\x80\xa2 Request immediate close air support.");
    CHECK_STR(text_at(t, 3, 1), "\xe2\x80\xa2 Air defense.");

    /* Chunks: every one starts with the header line and is under the caption. */
    doc_chunks ch = {0};
    doc_table_chunks(table_no(d, "5-4"), "Chapter 5 Information Collection Assets", &ch);
    CHECK(ch.n >= 2);
    bool all_headed = ch.n > 0;
    for (size_t i = 0; i < ch.n; i++) {
        all_headed = all_headed && !strncmp(ch.v[i].text, "| Warfighting function | Organization | Capability |", 52);
        all_headed = all_headed && strstr(ch.v[i].section, "> Table 5-4. Armored brigade combat team") != NULL;
    }
    CHECK(all_headed);
    /* A row spanned by a function names the function again in its chunk. */
    bool repeated = false;
    for (size_t i = 0; i < ch.n; i++)
        repeated = repeated || strstr(ch.v[i].text, "| Intelligence | Military intelligence company | ") != NULL;
    CHECK(repeated);
    doc_chunks_free(&ch);

    /* The table's text is in its chunks, not also in the paragraphs. */
    doc_chunks all = {0};
    doc_make_chunks(d, &all);
    int in_text = 0, in_tables = 0;
    for (size_t i = 0; i < all.n; i++) {
        if (strstr(all.v[i].text, "Provide scout platoon capability"))
            (all.v[i].section && strstr(all.v[i].section, "Table 5-")) ? in_tables++ : in_text++;
    }
    CHECK(in_tables >= 2 && in_text == 0);
    doc_chunks_free(&all);

    /* JSON round trip, Markdown and CSV of the same table. */
    t = table_no(d, "5-1");
    char *json = doc_table_json(t);
    doc_table back;
    fa_err e = {{0}};
    CHECK(doc_table_from_json(json, &back, &e) == 0);
    CHECK(back.nrows == 4 && back.ncols == 2 && back.cells.n == t->cells.n);
    CHECK_STR(text_at(&back, 1, 1), text_at(t, 1, 1));
    doc_table_free(&back);
    free(json);
    char *md = doc_table_markdown(t);
    CHECK(md && strstr(md, "**Table 5-1. Sample information collection assets**\n\n| Levels | Examples of information "
                           "collection assets |\n| --- | --- |\n| Strategic | \xe2\x80\xa2 Defense Human Intelligence "
                           "Service agents.<br>\xe2\x80\xa2 Central Intelligence Agency.<br>") != NULL);
    free(md);
    char *csv = doc_table_csv(t);
    CHECK(csv && !strncmp(csv, "Levels,Examples of information collection assets\r\nStrategic,\"\xe2\x80\xa2 Defense", 70));
    free(csv);
    CHECK(doc_table_from_json("{\"nrows\":1,\"ncols\":1,\"cells\":[{\"row\":3,\"col\":0,\"rowspan\":1,\"colspan\":1,"
                              "\"text\":\"x\"}]}", &back, &e) == -1);
    doc_free(d);
}

static void test_adp30_adrp30(void)
{
    doc_document *d = open_doc("ADP_3-0_Operations_2025-03.pdf");
    /* A heading spanning both columns over two cells of bullets. */
    const doc_table *t = table_no(d, "4-1");
    CHECK(t && t->nrows == 2 && t->ncols == 2 && t->header_rows == 1);
    CHECK(t && d->pages[t->page].label && !strcmp(d->pages[t->page].label, "34"));
    const doc_cell *c = cell_at(t, 0, 0);
    CHECK(c && c->colspan == 2);
    CHECK_STR(c ? c->text : NULL, "Operational art consists of these elements:");
    CHECK_STR(text_at(t, 1, 0), "\xe2\x80\xa2 End state and conditions.\n\xe2\x80\xa2 Center of gravity.\n"
                                "\xe2\x80\xa2 Decisive points.\n\xe2\x80\xa2 Lines of operations and lines of effort.\n"
                                "\xe2\x80\xa2 Tempo.");
    CHECK_STR(text_at(t, 1, 1), "\xe2\x80\xa2 Phasing and transitions.\n\xe2\x80\xa2 Culmination.\n"
                                "\xe2\x80\xa2 Operational reach.\n\xe2\x80\xa2 Basing.\n\xe2\x80\xa2 Risk.");
    /* The introductory table of terms. */
    t = table_no(d, "Intro");
    CHECK(t && t->ncols == 2 && t->nrows > 20 && t->page_end == t->page + 1);
    CHECK_STR(text_at(t, 0, 0), "Term");
    doc_free(d);

    d = open_doc("ADRP_3-0_Operations_2017-10_superseded.pdf");
    t = table_no(d, "3-1");
    CHECK(t && t->nrows == 10 && t->ncols == 2 && t->header_rows == 2);
    CHECK_STR(text_at(t, 0, 0), "Offense");
    CHECK_STR(text_at(t, 0, 1), "Defense");
    CHECK_STR(text_at(t, 1, 0), "Tasks:");
    CHECK_STR(text_at(t, 2, 1), "\xe2\x80\xa2 Mobile defense\n\xe2\x80\xa2 Area defense\n\xe2\x80\xa2 Retrograde");
    CHECK_STR(text_at(t, 5, 1), "Defense Support of Civil Authorities");
    CHECK_STR(text_at(t, 7, 1), "\xe2\x80\xa2 Provide support for domestic disasters\n"
                                "\xe2\x80\xa2 Provide support for domestic chemical, biological, radiological, and "
                                "nuclear incidents\n"
                                "\xe2\x80\xa2 Provide support for domestic civilian law enforcement agencies\n"
                                "\xe2\x80\xa2 Provide other designated support");
    /* A table of one column. */
    t = table_no(d, "2-1");
    CHECK(t && t->ncols == 1 && t->nrows == 1);
    CHECK(t && !strncmp(text_at(t, 0, 0), "\xe2\x80\xa2 Objective: Direct every military operation", 46));
    doc_free(d);
}

static void test_fm314(void)
{
    doc_document *d = open_doc("FM_3-14_Army_Space_Operations_2026-02.pdf");
    const doc_table *t = table_no(d, "1-2");
    CHECK(t && t->nrows == 6 && t->ncols == 5 && t->header_rows == 1);
    CHECK_STR(text_at(t, 0, 3), "Disadvantages");
    CHECK_STR(text_at(t, 1, 0), "Low Earth Orbit");
    CHECK_STR(text_at(t, 2, 3), "\xe2\x80\xa2 Highest radiation level environment.");
    CHECK_STR(text_at(t, 3, 1), "\xe2\x80\xa2 Near-circular.\n\xe2\x80\xa2 ~35,780 km (22,233 miles) above Earth.\n"
                                "\xe2\x80\xa2 Period: 24 hours.");
    CHECK_STR(text_at(t, 5, 0), "km \xe2\x80\x93 kilometers");

    t = table_no(d, "1-1");
    CHECK(t && t->nrows == 13 && t->ncols == 7);
    CHECK_STR(text_at(t, 0, 0), "Designation Used in FM 3-14");
    CHECK_STR(text_at(t, 0, 4), "NATO / EU / US Frequency Range (gigahertz)");
    CHECK_STR(text_at(t, 1, 0), "Narrowband");
    CHECK_STR(text_at(t, 1, 2), "0.3 \xe2\x80\x93 3");
    CHECK_STR(text_at(t, 2, 4), "0.39-1.55");
    CHECK_STR(text_at(t, 7, 3), "Ku");
    CHECK_STR(text_at(t, 7, 6), "12-18");
    /* Table 2-3's cells are a column of bullets each; its caption is kept. */
    t = table_no(d, "2-3");
    CHECK(t && t->nrows == 5 && t->ncols == 4);
    CHECK_STR(text_at(t, 3, 3), "\xe2\x80\xa2 Milstar (uplink)\n\xe2\x80\xa2 Advanced EHF (AEHF)\n"
                                "\xe2\x80\xa2 Enhanced Polar SATCOM (EPS)");
    doc_free(d);
}

/* A one-page PDF whose content stream is body (written to path). */
static void write_pdf(const char *path, const char *mediabox, const char *body, size_t blen)
{
    FILE *f = fopen(path, "wb");
    long off[6];
    fprintf(f, "%%PDF-1.4\n");
    off[1] = ftell(f);
    fprintf(f, "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n");
    off[2] = ftell(f);
    fprintf(f, "2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n");
    off[3] = ftell(f);
    fprintf(f, "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [%s] /Contents 4 0 R /Resources << /Font "
               "<< /F1 5 0 R >> >> >> endobj\n", mediabox);
    off[4] = ftell(f);
    fprintf(f, "4 0 obj << /Length %zu >> stream\n", blen);
    fwrite(body, 1, blen, f);
    fprintf(f, "\nendstream endobj\n");
    off[5] = ftell(f);
    fprintf(f, "5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n");
    long xref = ftell(f);
    fprintf(f, "xref\n0 6\n0000000000 65535 f \n");
    for (int i = 1; i < 6; i++)
        fprintf(f, "%010ld 00000 n \n", off[i]);
    fprintf(f, "trailer << /Size 6 /Root 1 0 R >>\nstartxref\n%ld\n%%%%EOF\n", xref);
    fclose(f);
}

static void test_bounded(void)
{
    char path[] = "/tmp/fagpt-test-tables-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    /* 300000 short strokes, then a line of text. */
    strbuf b = {0};
    for (int i = 0; i < 300000; i++)
        sb_addf(&b, "%d %d m %d %d l S\n", i % 500, i % 700, i % 500 + 3, i % 700);
    sb_add(&b, "BT /F1 12 Tf 72 720 Td (Hundreds of thousands of paths) Tj ET\n");
    write_pdf(path, "0 0 612 792", b.s, b.len);
    sb_free(&b);
    doc_document *d = NULL;
    fa_err e = {{0}};
    doc_extract_opts o = {.no_ocr = true};
    CHECK(doc_extract(path, &o, &d, &e) == 0);
    if (d) {
        CHECK(d->pages[0].warning && strstr(d->pages[0].warning, "vector paths"));
        doc_analyze(d);
        CHECK(d->tables.n == 0);
        doc_free(d);
    }
    /* A ruled grid of 300 columns and 3 rows, with text in every cell: over the column limit. */
    for (int k = 0; k <= 300; k++)
        sb_addf(&b, "%d 100 m %d 130 l S\n", 10 + k * 4, 10 + k * 4);
    for (int r = 0; r <= 3; r++)
        sb_addf(&b, "10 %d m 1210 %d l S\n", 100 + r * 10, 100 + r * 10);
    sb_add(&b, "BT /F1 2 Tf\n");
    for (int k = 0; k < 300; k++)
        for (int r = 0; r < 3; r++)
            sb_addf(&b, "1 0 0 1 %d %d Tm (%d) Tj\n", 11 + k * 4, 103 + r * 10, k % 10);
    sb_add(&b, "ET\n");
    write_pdf(path, "0 0 1220 792", b.s, b.len);
    sb_free(&b);
    CHECK(doc_extract(path, &o, &d, &e) == 0);
    if (d) {
        CHECK(d->pages[0].warning && strstr(d->pages[0].warning, "over the limit"));
        doc_analyze(d);
        CHECK(d->tables.n == 0);
        doc_free(d);
    }
    unlink(path);
}

int main(void)
{
    test_fm355();
    test_adp30_adrp30();
    test_fm314();
    test_bounded();
    return check_done();
}
