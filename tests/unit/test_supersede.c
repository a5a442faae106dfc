/* test_supersede.c - current and superseded editions (doc_supersession): newer editions, covers that say what
 * they supersede (with and without dates, a date closing a list), the 2019 ADRP-to-ADP reform, and dates. */
#include "check.h"
#include "doc/doc.h"

static void test_dates(void)
{
    CHECK(doc_date_value("31 July 2019") == 20190731);
    CHECK(doc_date_value("July 2019") == 20190700);
    CHECK(doc_date_value("21 March 2025") == 20250321);
    CHECK(doc_date_value("January 1990") == 19900100);
    CHECK(doc_date_value("no date here") == 0);
    CHECK(doc_date_value(NULL) == 0);
}

static void test_rules(void)
{
    /* The corpus's own covers (ADP 3-19, ADP 4-0, ADP 3-0) with editions they name. */
    doc_edition ed[] = {
        {"ADP 3-19", "31 July 2019", "This publication supersedes ADP 3-09, dated 31 August 2012 and ADRP 3-09, "
                                     "dated 31 August 2012."},
        {"ADP 3-09", "31 August 2012", NULL},
        {"ADRP 3-09", "31 August 2012", NULL},
        {"ADP 4-0", "31 July 2019", "This publication supersedes ADP 4-0 and ADRP 4-0, dated 31 July 2012."},
        {"ADRP 4-0", "31 July 2012", NULL},
        {"ADP 4-0", "31 July 2012", NULL},
        {"ADP 3-0", "21 March 2025", "This publication supersedes ADP 3-0, dated 31 July 2019."},
        {"ADRP 3-0", "6 October 2017", "This publication supersedes ADRP 3-0, dated 11 November 2016."},
        {"FM 3-55", "3 May 2013", NULL},
        {"FM 3-55", "23 April 2012", NULL},
        {"FM 3-14", "25 February 2026", "This publication supersedes FM 3-14, dated 30 October 2019."},
        {NULL, NULL, NULL},
    };
    enum { N = sizeof ed / sizeof ed[0] };
    int by[N];
    const char *why[N];
    doc_supersession(ed, N, by, why);
    CHECK(by[0] == -1);
    CHECK(by[1] == 0 && strstr(why[1], "cover"));          /* ADP 3-19 supersedes ADP 3-09 */
    CHECK(by[2] == 0);                                     /* ... and ADRP 3-09 */
    CHECK(by[3] == -1);
    CHECK(by[4] == 3);                                     /* ADP 4-0 (2019) supersedes ADRP 4-0 */
    CHECK(by[5] == 3);                                     /* and the 2012 ADP 4-0 */
    CHECK(by[6] == -1);                                    /* ADP 3-0 (2025) names itself: still current */
    CHECK(by[7] == 6 && strstr(why[7], "2019 doctrine reform")); /* ADRP 3-0 into ADP 3-0 */
    CHECK(by[8] == -1);
    CHECK(by[9] == 8 && strstr(why[9], "newer edition"));  /* FM 3-55 (2013) over (2012) */
    CHECK(by[10] == -1);
    CHECK(by[11] == -1);                                   /* no publication id: never matched */

    /* An ADRP with no ADP of its number from the reform on is not superseded by an older ADP. */
    doc_edition e2[] = {{"ADRP 6-0", "17 May 2012", NULL}, {"ADP 6-0", "17 May 2012", NULL}};
    int by2[2];
    const char *why2[2];
    doc_supersession(e2, 2, by2, why2);
    CHECK(by2[0] == -1 && by2[1] == -1);

    /* A cover naming an edition newer than the one the library holds still supersedes it; one naming an older
     * date does not supersede a newer library copy. */
    doc_edition e3[] = {{"TC 3-09.81", "13 April 2016", "This publication supersedes TC 3-09.81, dated 30 June 2015."},
                        {"TC 3-09.81", "30 June 2015", NULL}};
    int by3[2];
    const char *why3[2];
    doc_supersession(e3, 2, by3, why3);
    CHECK(by3[1] == 0 && by3[0] == -1);
}

int main(void)
{
    test_dates();
    test_rules();
    return check_done();
}
