/*
 * check.h - the unit-test harness: CHECK(cond) and friends print TAP lines ("ok N - what" / "not ok N - what")
 * that tests/run-all.sh counts; check_done() returns the exit status for main().
 */
#ifndef FAGPT_CHECK_H
#define FAGPT_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_count, check_failed;

static inline void check_report(int ok, const char *file, int line, const char *what)
{
    check_count++;
    if (!ok)
        check_failed++;
    printf("%s %d - %s%s", ok ? "ok" : "not ok", check_count, what, ok ? "\n" : "");
    if (!ok)
        printf("  (%s:%d)\n", file, line);
}

#define CHECK(cond) check_report(!!(cond), __FILE__, __LINE__, #cond)
#define CHECK_STR(a, b) do { \
        const char *a_ = (a), *b_ = (b); \
        int ok_ = a_ && b_ && strcmp(a_, b_) == 0; \
        check_report(ok_, __FILE__, __LINE__, #a " == " #b); \
        if (!ok_) printf("  got \"%s\", want \"%s\"\n", a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
    } while (0)
#define CHECK_NEAR(a, b, tol) do { \
        double a_ = (a), b_ = (b); \
        int ok_ = fabs(a_ - b_) <= (tol); \
        check_report(ok_, __FILE__, __LINE__, #a " ~ " #b); \
        if (!ok_) printf("  got %.9g, want %.9g (tol %g)\n", a_, b_, (double)(tol)); \
    } while (0)

static inline int check_done(void)
{
    printf("# %d checks, %d failed\n", check_count, check_failed);
    return check_failed ? 1 : 0;
}

#endif
