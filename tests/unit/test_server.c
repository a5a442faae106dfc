/* test_server.c - the server's pure pieces: upload name sanitising, type sniffing, secret hashing and
 * comparison, password hashing, listen addresses, the checks on usernames, roles and labels, label matching and
 * default labels, and date parsing for the search filters. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "search/search.h"
#include "server/assets.h"
#include "server/server.h"
#include "store/store.h"

static const char *clean(const char *in)
{
    static char out[128];
    return server_sanitize_name(in, out, sizeof out);
}

int main(void)
{
    /* Names: the last component, safe characters, no hidden files, no "..". */
    CHECK_STR(clean("ADP_3-19_Fires.pdf"), "ADP_3-19_Fires.pdf");
    CHECK_STR(clean("../../etc/passwd"), "passwd");
    CHECK_STR(clean("..\\..\\windows\\evil.pdf"), "evil.pdf");
    CHECK_STR(clean("/abs/path/x y.pdf"), "x_y.pdf");
    CHECK_STR(clean(".hidden.pdf"), "hidden.pdf");
    CHECK_STR(clean("a..b.pdf"), "a.b.pdf");
    CHECK_STR(clean("..."), "upload");
    CHECK_STR(clean(""), "upload");
    CHECK_STR(clean(NULL), "upload");
    CHECK_STR(clean("-rf.pdf"), "rf.pdf");
    CHECK_STR(clean("r\xc3\xa9sum\xc3\xa9;rm -rf.pdf"), "r__sum___rm_-rf.pdf");
    char longname[300];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    CHECK(strlen(clean(longname)) == 100);
    char tiny[4];
    server_sanitize_name("abcdef", tiny, sizeof tiny);
    CHECK_STR(tiny, "abc");

    /* Sniffing from the bytes. */
    CHECK_STR(server_sniff_type("%PDF-1.7\n", 9), "pdf");
    CHECK_STR(server_sniff_type("\x89PNG\r\n\x1a\n", 8), "png");
    CHECK_STR(server_sniff_type("\xff\xd8\xff\xe0", 4), "jpeg");
    CHECK_STR(server_sniff_type("II*\0", 4), "tiff");
    CHECK_STR(server_sniff_type("MM\0*", 4), "tiff");
    CHECK(server_sniff_type("hello world", 11) == NULL);
    CHECK(server_sniff_type("%PDF", 4) == NULL);
    CHECK(server_sniff_type("", 0) == NULL);
    CHECK(server_sniff_type("<html>%PDF-", 11) == NULL);

    /* Secrets: SHA-256 hex, constant-time equality, random hex. */
    char h[65];
    server_hash_secret("abc", h);
    CHECK_STR(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(server_secret_equal("abcdef", "abcdef"));
    CHECK(!server_secret_equal("abcdef", "abcdeg"));
    CHECK(!server_secret_equal("abc", "abcd"));
    CHECK(!server_secret_equal("", "a"));
    char r1[65], r2[65];
    server_random_hex(r1, 32);
    server_random_hex(r2, 32);
    CHECK(strlen(r1) == 64 && strspn(r1, "0123456789abcdef") == 64);
    CHECK(strcmp(r1, r2) != 0);

    /* Passwords: Argon2id strings that verify only the right password. */
    char ph[256];
    fa_err e;
    CHECK(server_hash_password("correct horse", ph, sizeof ph, &e) == 0);
    CHECK(!strncmp(ph, "$argon2id$", 10));
    CHECK(server_check_password(ph, "correct horse"));
    CHECK(!server_check_password(ph, "correct horsE"));
    CHECK(!server_check_password("not a hash", "x"));
    CHECK(!server_check_password(NULL, "x"));
    CHECK(server_password_ok("short", &e) != 0 && strstr(e.msg, "at least 8"));
    CHECK(server_password_ok("longenough", &e) == 0);

    /* Listen addresses. */
    unsigned addr;
    int port;
    bool lo;
    CHECK(server_parse_listen("127.0.0.1:8080", &addr, &port, &lo, &e) == 0 && port == 8080 && lo);
    CHECK(server_parse_listen("localhost:0", &addr, &port, &lo, &e) == 0 && port == 0 && lo);
    CHECK(server_parse_listen("0.0.0.0:80", &addr, &port, &lo, &e) == 0 && !lo);
    CHECK(server_parse_listen("10.1.2.3:443", &addr, &port, &lo, &e) == 0 && !lo);
    CHECK(server_parse_listen("8080", &addr, &port, &lo, &e) != 0 && strstr(e.msg, "HOST:PORT"));
    CHECK(server_parse_listen("127.0.0.1:99999", &addr, &port, &lo, &e) != 0);
    CHECK(server_parse_listen("127.0.0.1:", &addr, &port, &lo, &e) != 0);
    CHECK(server_parse_listen("example.org:80", &addr, &port, &lo, &e) != 0 && strstr(e.msg, "IPv4"));
    CHECK(server_parse_listen(NULL, &addr, &port, &lo, &e) != 0);

    /* Usernames, roles, labels. */
    CHECK(server_username_ok("alice.b-c_1", &e) == 0);
    CHECK(server_username_ok("", &e) != 0);
    CHECK(server_username_ok("../x", &e) != 0);
    CHECK(server_username_ok("a b", &e) != 0);
    CHECK(server_role_ok("viewer", &e) == 0 && server_role_ok("operator", &e) == 0 && server_role_ok("admin", &e) == 0);
    CHECK(server_role_ok("root", &e) != 0 && server_role_ok(NULL, &e) != 0);
    CHECK(server_labels_ok("DISTRIBUTION A,CUI,1st BN", &e) == 0);
    CHECK(server_labels_ok("", &e) == 0);
    CHECK(server_labels_ok("<script>", &e) != 0);
    CHECK(server_labels_ok(NULL, &e) != 0);

    /* Label matching and default labels. */
    CHECK(search_label_held("DISTRIBUTION A, CUI", "CUI"));
    CHECK(search_label_held("distribution a", "DISTRIBUTION A"));
    CHECK(!search_label_held("DISTRIBUTION A", "DISTRIBUTION"));
    CHECK(!search_label_held("CUI", "CU"));
    CHECK(!search_label_held("", "CUI"));
    CHECK(!search_label_held(NULL, "CUI"));
    char *l = store_default_label("DISTRIBUTION RESTRICTION: Approved for public release; distribution is unlimited.");
    CHECK_STR(l, "DISTRIBUTION A");
    free(l);
    l = store_default_label("DISTRIBUTION STATEMENT C: Distribution authorized to U.S. Government agencies.");
    CHECK_STR(l, "DISTRIBUTION C");
    free(l);
    l = store_default_label(NULL);
    CHECK_STR(l, "UNLABELLED");
    free(l);
    l = store_default_label("Destruction notice: destroy by any method.");
    CHECK_STR(l, "UNLABELLED");
    free(l);

    /* Search filters: dates and documents. */
    char d[11];
    CHECK(search_parse_date("31 July 2019", d) == 0 && !strcmp(d, "2019-07-31"));
    CHECK(search_parse_date("July 2019", d) == 0 && !strcmp(d, "2019-07-01"));
    CHECK(search_parse_date("2015-03-09", d) == 0 && !strcmp(d, "2015-03-09"));
    CHECK(search_parse_date("yesterday", d) != 0);
    CHECK(search_parse_date("2019-13-01", d) != 0);
    CHECK(search_parse_date(NULL, d) != 0);
    store_doc doc = {.publication = "ADP 3-19", .date = "31 July 2019", .label = "DISTRIBUTION A"};
    search_filter f = {.restrict_labels = true, .labels = "DISTRIBUTION A"};
    CHECK(search_doc_allowed(&doc, &f));
    f.labels = "CUI";
    CHECK(!search_doc_allowed(&doc, &f));
    search_filter g = {.type = "ADP"};
    CHECK(search_doc_allowed(&doc, &g));
    g.type = "AD";
    CHECK(!search_doc_allowed(&doc, &g));
    search_filter pub = {.publication = "adp_3-19"};
    CHECK(search_doc_allowed(&doc, &pub));
    search_filter dates = {.since = "2019-01-01", .until = "2019-07-31"};
    CHECK(search_doc_allowed(&doc, &dates));
    dates.until = "2019-07-30";
    CHECK(!search_doc_allowed(&doc, &dates));
    search_filter bad = {.since = "soon"};
    CHECK(search_filter_check(&bad, &e) != 0 && strstr(e.msg, "YYYY-MM-DD"));
    CHECK(!search_filter_active(NULL));
    search_filter none = {0};
    CHECK(!search_filter_active(&none));

    /* Embedded assets: the OpenAPI description and MIME types. */
    size_t len;
    const char *spec = server_openapi(&len);
    CHECK(len > 1000 && !strncmp(spec, "{", 1) && strstr(spec, "\"/api/search\""));
    CHECK_STR(server_mime_type("app.js"), "text/javascript; charset=utf-8");
    CHECK_STR(server_mime_type("index.html"), "text/html; charset=utf-8");
    CHECK_STR(server_mime_type("x.unknown"), "application/octet-stream");
    CHECK(server_asset_find("no-such-file.js", &len) == NULL);
    return check_done();
}
