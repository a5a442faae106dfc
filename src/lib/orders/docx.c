/*
 * docx.c - Markdown blocks to a Word document (Office Open XML, ECMA-376): the WordprocessingML parts written
 * here, packed into a zip (PKWARE APPNOTE layout) with zlib's raw deflate and crc32. Headings use the built-in
 * "heading N" styles so Word and LibreOffice show them in the navigation pane; the classification banner goes in
 * the page header and footer so it repeats on every page. Entries carry a fixed date so output is reproducible.
 */
#include "orders_int.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

typedef struct {
    strbuf data, central;
    uint16_t count;
} zipw;

static void put16(strbuf *b, uint32_t v)
{
    sb_addc(b, (char)(v & 0xff));
    sb_addc(b, (char)((v >> 8) & 0xff));
}

static void put32(strbuf *b, uint32_t v)
{
    put16(b, v & 0xffff);
    put16(b, v >> 16);
}

static int zip_add(zipw *z, const char *name, const char *text, fa_err *e)
{
    size_t len = strlen(text);
    z_stream s = {0};
    if (deflateInit2(&s, Z_BEST_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return fa_fail(e, "DOCX: cannot start zlib");
    uLong bound = deflateBound(&s, (uLong)len);
    unsigned char *buf = xmalloc(bound);
    s.next_in = (Bytef *)text;
    s.avail_in = (uInt)len;
    s.next_out = buf;
    s.avail_out = (uInt)bound;
    int r = deflate(&s, Z_FINISH);
    size_t clen = s.total_out;
    deflateEnd(&s);
    if (r != Z_STREAM_END) {
        free(buf);
        return fa_fail(e, "DOCX: deflate failed for %s", name);
    }
    uint32_t crc = (uint32_t)crc32(crc32(0, NULL, 0), (const Bytef *)text, (uInt)len);
    uint32_t offset = (uint32_t)z->data.len;
    const uint32_t dos_time = 0, dos_date = (0 << 9) | (1 << 5) | 1; /* 1980-01-01 00:00 */
    uint16_t nlen = (uint16_t)strlen(name);
    put32(&z->data, 0x04034b50);
    put16(&z->data, 20);
    put16(&z->data, 0);
    put16(&z->data, 8);
    put16(&z->data, dos_time);
    put16(&z->data, dos_date);
    put32(&z->data, crc);
    put32(&z->data, (uint32_t)clen);
    put32(&z->data, (uint32_t)len);
    put16(&z->data, nlen);
    put16(&z->data, 0);
    sb_add(&z->data, name);
    sb_addn(&z->data, (const char *)buf, clen);
    free(buf);

    put32(&z->central, 0x02014b50);
    put16(&z->central, 20);
    put16(&z->central, 20);
    put16(&z->central, 0);
    put16(&z->central, 8);
    put16(&z->central, dos_time);
    put16(&z->central, dos_date);
    put32(&z->central, crc);
    put32(&z->central, (uint32_t)clen);
    put32(&z->central, (uint32_t)len);
    put16(&z->central, nlen);
    put16(&z->central, 0);
    put16(&z->central, 0);
    put16(&z->central, 0);
    put16(&z->central, 0);
    put32(&z->central, 0);
    put32(&z->central, offset);
    sb_add(&z->central, name);
    z->count++;
    return 0;
}

static void zip_finish(zipw *z, strbuf *out)
{
    uint32_t cd_offset = (uint32_t)z->data.len, cd_size = (uint32_t)z->central.len;
    sb_addn(out, z->data.s, z->data.len);
    sb_addn(out, z->central.s, z->central.len);
    put32(out, 0x06054b50);
    put16(out, 0);
    put16(out, 0);
    put16(out, z->count);
    put16(out, z->count);
    put32(out, cd_size);
    put32(out, cd_offset);
    put16(out, 0);
}

/* XML text: escaped, and without the control characters XML 1.0 forbids. */
static void xml_text(strbuf *o, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '&') sb_add(o, "&amp;");
        else if (c == '<') sb_add(o, "&lt;");
        else if (c == '>') sb_add(o, "&gt;");
        else if (c == '"') sb_add(o, "&quot;");
        else if (c >= 0x20 || c == '\t') sb_addc(o, (char)c);
    }
}

/* small: table cells, set in 9 point. */
static void runs_xml(strbuf *o, const char *md, bool force_bold, bool small)
{
    md_runs runs = {0};
    md_inline(md, &runs);
    for (size_t i = 0; i < runs.n; i++) {
        md_run *r = &runs.v[i];
        if (!r->text) {
            sb_add(o, "<w:r><w:br/></w:r>");
            continue;
        }
        sb_add(o, "<w:r>");
        if (r->bold || r->italic || force_bold || small)
            sb_addf(o, "<w:rPr>%s%s%s</w:rPr>", r->bold || force_bold ? "<w:b/>" : "", r->italic ? "<w:i/>" : "",
                    small ? "<w:sz w:val=\"18\"/>" : "");
        sb_add(o, "<w:t xml:space=\"preserve\">");
        xml_text(o, r->text);
        sb_add(o, "</w:t></w:r>");
    }
    md_runs_free(&runs);
}

static void plain_text(strbuf *o, const char *md)
{
    md_runs runs = {0};
    md_inline(md, &runs);
    for (size_t i = 0; i < runs.n; i++)
        if (runs.v[i].text)
            sb_add(o, runs.v[i].text);
    md_runs_free(&runs);
}

#define W_NS "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" " \
             "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

static void table_xml(strbuf *o, const md_block *b, bool landscape)
{
    const int width = landscape ? 12960 : 9360; /* text width in twentieths of a point */
    int col = b->cols ? width / (int)b->cols : width;
    sb_add(o, "<w:tbl><w:tblPr><w:tblStyle w:val=\"TableGrid\"/><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr>"
              "<w:tblGrid>");
    for (size_t c = 0; c < b->cols; c++)
        sb_addf(o, "<w:gridCol w:w=\"%d\"/>", col);
    sb_add(o, "</w:tblGrid>");
    for (size_t r = 0; r < b->rows; r++) {
        sb_add(o, r == 0 ? "<w:tr><w:trPr><w:tblHeader/></w:trPr>" : "<w:tr>");
        for (size_t c = 0; c < b->cols; c++) {
            sb_addf(o, "<w:tc><w:tcPr><w:tcW w:w=\"%d\" w:type=\"dxa\"/></w:tcPr><w:p>", col);
            runs_xml(o, b->cells[r * b->cols + c], r == 0, true);
            sb_add(o, "</w:p></w:tc>");
        }
        sb_add(o, "</w:tr>");
    }
    sb_add(o, "</w:tbl>");
}

static char *document_xml(const char *md, const char *banner, bool landscape)
{
    md_blocks bs = {0};
    md_parse(md, &bs);
    strbuf o = {0};
    sb_add(&o, XML_DECL "<w:document " W_NS "><w:body>");
    for (size_t i = 0; i < bs.n; i++) {
        md_block *b = &bs.v[i];
        switch (b->kind) {
        case MD_HEADING:
            sb_addf(&o, "<w:p><w:pPr><w:pStyle w:val=\"Heading%d\"/></w:pPr>", b->level);
            runs_xml(&o, b->text, false, false);
            sb_add(&o, "</w:p>");
            break;
        case MD_PARA:
            sb_add(&o, "<w:p>");
            runs_xml(&o, b->text, false, false);
            sb_add(&o, "</w:p>");
            break;
        case MD_CENTER: {
            strbuf t = {0};
            plain_text(&t, b->text);
            bool is_banner = banner && t.s && !strcmp(t.s, banner);
            sb_free(&t);
            if (is_banner)
                break;
            sb_add(&o, "<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr>");
            runs_xml(&o, b->text, true, false);
            sb_add(&o, "</w:p>");
            break;
        }
        case MD_ITEM:
            sb_addf(&o, "<w:p><w:pPr><w:ind w:left=\"%d\" w:hanging=\"240\"/></w:pPr>"
                        "<w:r><w:t xml:space=\"preserve\">\xe2\x80\xa2 </w:t></w:r>", 360 * (b->level + 1));
            runs_xml(&o, b->text, false, false);
            sb_add(&o, "</w:p>");
            break;
        case MD_RULE:
            sb_add(&o, "<w:p><w:pPr><w:pBdr><w:bottom w:val=\"single\" w:sz=\"6\" w:space=\"1\" w:color=\"auto\"/>"
                       "</w:pBdr></w:pPr></w:p>");
            break;
        case MD_TABLE:
            table_xml(&o, b, landscape);
            sb_add(&o, "<w:p/>");
            break;
        }
    }
    sb_add(&o, "<w:p/><w:sectPr>");
    if (banner)
        sb_add(&o, "<w:headerReference w:type=\"default\" r:id=\"rId2\"/>"
                   "<w:footerReference w:type=\"default\" r:id=\"rId3\"/>");
    sb_add(&o, landscape ? "<w:pgSz w:w=\"15840\" w:h=\"12240\" w:orient=\"landscape\"/>"
                         : "<w:pgSz w:w=\"12240\" w:h=\"15840\"/>");
    sb_add(&o, "<w:pgMar w:top=\"1440\" w:right=\"1440\" w:bottom=\"1440\" w:left=\"1440\" w:header=\"720\" "
               "w:footer=\"720\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>");
    md_blocks_free(&bs);
    return sb_take(&o);
}

static char *banner_xml(const char *tag, const char *banner)
{
    strbuf o = {0};
    sb_addf(&o, XML_DECL "<w:%s " W_NS "><w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:r><w:rPr><w:b/></w:rPr>"
                "<w:t xml:space=\"preserve\">", tag);
    xml_text(&o, banner);
    sb_addf(&o, "</w:t></w:r></w:p></w:%s>", tag);
    return sb_take(&o);
}

static const char styles_xml[] =
    XML_DECL "<w:styles " W_NS ">"
    "<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=\"Arial\" w:hAnsi=\"Arial\" w:cs=\"Arial\"/>"
    "<w:sz w:val=\"22\"/></w:rPr></w:rPrDefault><w:pPrDefault><w:pPr><w:spacing w:after=\"120\"/></w:pPr>"
    "</w:pPrDefault></w:docDefaults>"
    "<w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:name w:val=\"heading 1\"/><w:basedOn w:val=\"Normal\"/>"
    "<w:next w:val=\"Normal\"/><w:pPr><w:keepNext/><w:jc w:val=\"center\"/><w:outlineLvl w:val=\"0\"/></w:pPr>"
    "<w:rPr><w:b/><w:sz w:val=\"28\"/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Heading2\"><w:name w:val=\"heading 2\"/><w:basedOn w:val=\"Normal\"/>"
    "<w:next w:val=\"Normal\"/><w:pPr><w:keepNext/><w:spacing w:before=\"240\"/><w:outlineLvl w:val=\"1\"/></w:pPr>"
    "<w:rPr><w:b/><w:sz w:val=\"24\"/></w:rPr></w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Heading3\"><w:name w:val=\"heading 3\"/><w:basedOn w:val=\"Normal\"/>"
    "<w:next w:val=\"Normal\"/><w:pPr><w:keepNext/><w:outlineLvl w:val=\"2\"/></w:pPr><w:rPr><w:b/></w:rPr>"
    "</w:style>"
    "<w:style w:type=\"paragraph\" w:styleId=\"Heading4\"><w:name w:val=\"heading 4\"/><w:basedOn w:val=\"Normal\"/>"
    "<w:next w:val=\"Normal\"/><w:pPr><w:keepNext/><w:outlineLvl w:val=\"3\"/></w:pPr><w:rPr><w:b/><w:i/></w:rPr>"
    "</w:style>"
    "<w:style w:type=\"table\" w:styleId=\"TableGrid\"><w:name w:val=\"Table Grid\"/><w:tblPr><w:tblBorders>"
    "<w:top w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
    "<w:left w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
    "<w:bottom w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
    "<w:right w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
    "<w:insideH w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
    "<w:insideV w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"auto\"/>"
    "</w:tblBorders></w:tblPr></w:style></w:styles>";

#define CT "application/vnd.openxmlformats-officedocument.wordprocessingml."
#define REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"

int orders_md_to_docx(const char *md, const char *banner, bool landscape, strbuf *out, fa_err *e)
{
    strbuf types = {0}, rels = {0};
    sb_add(&types, XML_DECL "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                   "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
                   "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
                   "<Override PartName=\"/word/document.xml\" ContentType=\"" CT "document.main+xml\"/>"
                   "<Override PartName=\"/word/styles.xml\" ContentType=\"" CT "styles+xml\"/>");
    sb_add(&rels, XML_DECL "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                  "<Relationship Id=\"rId1\" Type=\"" REL "styles\" Target=\"styles.xml\"/>");
    if (banner) {
        sb_add(&types, "<Override PartName=\"/word/header1.xml\" ContentType=\"" CT "header+xml\"/>"
                       "<Override PartName=\"/word/footer1.xml\" ContentType=\"" CT "footer+xml\"/>");
        sb_add(&rels, "<Relationship Id=\"rId2\" Type=\"" REL "header\" Target=\"header1.xml\"/>"
                      "<Relationship Id=\"rId3\" Type=\"" REL "footer\" Target=\"footer1.xml\"/>");
    }
    sb_add(&types, "</Types>");
    sb_add(&rels, "</Relationships>");
    char *doc = document_xml(md, banner, landscape);
    char *hdr = banner ? banner_xml("hdr", banner) : NULL, *ftr = banner ? banner_xml("ftr", banner) : NULL;
    zipw z = {0};
    int rc = zip_add(&z, "[Content_Types].xml", types.s, e);
    if (rc == 0)
        rc = zip_add(&z, "_rels/.rels", XML_DECL "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/"
                     "2006/relationships\"><Relationship Id=\"rId1\" Type=\"" REL "officeDocument\" "
                     "Target=\"word/document.xml\"/></Relationships>", e);
    if (rc == 0)
        rc = zip_add(&z, "word/_rels/document.xml.rels", rels.s, e);
    if (rc == 0)
        rc = zip_add(&z, "word/document.xml", doc, e);
    if (rc == 0)
        rc = zip_add(&z, "word/styles.xml", styles_xml, e);
    if (rc == 0 && banner)
        rc = zip_add(&z, "word/header1.xml", hdr, e);
    if (rc == 0 && banner)
        rc = zip_add(&z, "word/footer1.xml", ftr, e);
    if (rc == 0)
        zip_finish(&z, out);
    sb_free(&z.data);
    sb_free(&z.central);
    sb_free(&types);
    sb_free(&rels);
    free(doc);
    free(hdr);
    free(ftr);
    return rc;
}
