/* test_orders_dtg.c - date-time groups (orders/dtg.c): zones, month and year ends, leap days, absurd input. */
#include "check.h"
#include "orders/orders.h"

static const char *fmt(const char *in, char zone)
{
    static char out[14];
    static fa_err e;
    int64_t t;
    if (orders_dtg_parse(in, zone, &t, &e) != 0 || orders_dtg_format(t, zone, out, &e) != 0)
        return e.msg;
    return out;
}

static int fails_with(const char *in, const char *needle)
{
    int64_t t;
    fa_err e = {{0}};
    return orders_dtg_parse(in, 'Z', &t, &e) != 0 && strstr(e.msg, needle) != NULL;
}

int main(void)
{
    int m;
    CHECK(orders_zone_offset('Z', &m) == 0 && m == 0);
    CHECK(orders_zone_offset('A', &m) == 0 && m == 60);
    CHECK(orders_zone_offset('I', &m) == 0 && m == 540);
    CHECK(orders_zone_offset('K', &m) == 0 && m == 600);
    CHECK(orders_zone_offset('M', &m) == 0 && m == 720);
    CHECK(orders_zone_offset('N', &m) == 0 && m == -60);
    CHECK(orders_zone_offset('R', &m) == 0 && m == -300);
    CHECK(orders_zone_offset('Y', &m) == 0 && m == -720);
    CHECK(orders_zone_offset('J', &m) != 0);

    char z;
    fa_err e;
    CHECK(orders_zone_parse("romeo", &z, &e) == 0 && z == 'R');
    CHECK(orders_zone_parse("UTC", &z, &e) == 0 && z == 'Z');
    CHECK(orders_zone_parse("q", &z, &e) == 0 && z == 'Q');
    CHECK(orders_zone_parse("X-RAY", &z, &e) == 0 && z == 'X');
    CHECK(orders_zone_parse("J", &z, &e) != 0 && strstr(e.msg, "local time"));
    CHECK(orders_zone_parse("EST", &z, &e) != 0 && strstr(e.msg, "not a military time zone"));
    CHECK_STR(orders_zone_name('R'), "ROMEO (UTC-5)");

    /* The same instant in several zones. */
    CHECK_STR(fmt("2026-12-01T14:30Z", 'Z'), "011430ZDEC26");
    CHECK_STR(fmt("2026-12-01T14:30Z", 'R'), "010930RDEC26");
    CHECK_STR(fmt("2026-12-01T14:30Z", 'C'), "011730CDEC26");
    CHECK_STR(fmt("2026-12-01T14:30Z", 'M'), "020230MDEC26");
    CHECK_STR(fmt("2026-12-01T14:30Z", 'Y'), "010230YDEC26");
    /* Offsets in the input; a time without one is read in the declared zone. */
    CHECK_STR(fmt("2026-12-01T09:30:00-05:00", 'Z'), "011430ZDEC26");
    CHECK_STR(fmt("2026-12-01 09:30", 'R'), "010930RDEC26");
    CHECK_STR(fmt("2026-12-01T09:30+0530", 'Z'), "010400ZDEC26");
    /* Month, year and leap-day ends. */
    CHECK_STR(fmt("2026-12-31T23:30Z", 'A'), "010030AJAN27");
    CHECK_STR(fmt("2027-01-01T00:30Z", 'N'), "312330NDEC26");
    CHECK_STR(fmt("2028-02-28T23:00Z", 'B'), "290100BFEB28");
    CHECK_STR(fmt("2027-02-28T23:00Z", 'B'), "010100BMAR27");
    CHECK_STR(fmt("2026-04-30T22:00Z", 'D'), "010200DMAY26");
    CHECK_STR(fmt("2026-03-01T01:00Z", 'Q'), "282100QFEB26");
    CHECK_STR(fmt("2000-02-29T12:00Z", 'Z'), "291200ZFEB00");
    /* DTG input, converted between zones. */
    CHECK_STR(fmt("011430ZDEC26", 'R'), "010930RDEC26");
    CHECK_STR(fmt("010930RDEC26", 'Z'), "011430ZDEC26");
    CHECK_STR(fmt("011430Z DEC 26", 'Z'), "011430ZDEC26");
    CHECK_STR(fmt("010030ajan27", 'Z'), "312330ZDEC26");

    /* Absurd dates are refused with the reason. */
    CHECK(fails_with("2026-13-01T00:00Z", "month 13"));
    CHECK(fails_with("2026-02-29T00:00Z", "no day 29"));
    CHECK(fails_with("2028-02-30T00:00Z", "no day 30"));
    CHECK(fails_with("2026-04-31T00:00Z", "no day 31"));
    CHECK(fails_with("2026-12-01T24:00Z", "hour 24"));
    CHECK(fails_with("2026-12-01T12:60Z", "minute 60"));
    CHECK(fails_with("1900-01-01T00:00Z", "year 1900"));
    CHECK(fails_with("321430ZDEC26", "no day 32"));
    CHECK(fails_with("312530ZDEC26", "hour 25"));
    CHECK(fails_with("011430JDEC26", "not a military time zone"));
    CHECK(fails_with("011430ZDXC26", "month"));
    CHECK(fails_with("011430ZDEC2026", "two-digit year"));
    CHECK(fails_with("tomorrow", "not a DTG"));
    CHECK(fails_with("2026-12-01T14:30+15:00", "offset out of range"));
    CHECK(fails_with("2026-12-01T14:30Zjunk", "unexpected"));
    CHECK(fails_with("", "empty"));
    int64_t t;
    CHECK(orders_dtg_parse("2026-12-01T14:30", 0, &t, &e) != 0 && strstr(e.msg, "no time zone"));
    char out[14];
    CHECK(orders_dtg_format(0, 'J', out, &e) != 0);
    return check_done();
}
