/*
 * A minimal TAP producer for the C unit tests.
 *
 *     ok(cond, fmt, ...)          passes if cond is true
 *     is_int(got, want, name)     compares as long long
 *     is_str(got, want, name)     compares NUL-terminated strings
 *     return done_testing();      prints the plan "1..N" last
 *
 * Failures print "# got:" / "# expected:" diagnostics, which prove shows.
 * One test program is one translation unit, so the counters can be
 * static here.
 */

#ifndef NEWS_TAP_H
#define NEWS_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>


static int  news_tap_run;
static int  news_tap_failed;


static inline int news_tap_vok(int pass, const char *file, int line,
    const char *fmt, va_list ap) __attribute__((format(printf, 4, 0)));
static inline int news_tap_ok(int pass, const char *file, int line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));


static inline int
news_tap_vok(int pass, const char *file, int line, const char *fmt,
    va_list ap)
{
    news_tap_run++;

    if (!pass) {
        news_tap_failed++;
    }

    printf("%sok %d - ", pass ? "" : "not ", news_tap_run);
    vprintf(fmt, ap);
    printf("\n");

    if (!pass) {
        printf("#   Failed test at %s line %d.\n", file, line);
    }

    return pass;
}


static inline int
news_tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
    va_list  ap;

    va_start(ap, fmt);
    pass = news_tap_vok(pass, file, line, fmt, ap);
    va_end(ap);

    return pass;
}


static inline int
news_tap_is_int(long long got, long long want, const char *file, int line,
    const char *name)
{
    if (news_tap_ok(got == want, file, line, "%s", name)) {
        return 1;
    }

    printf("#      got: %lld\n#   expected: %lld\n", got, want);

    return 0;
}


static inline int
news_tap_is_str(const char *got, const char *want, const char *file,
    int line, const char *name)
{
    int  pass;

    if (got == NULL || want == NULL) {
        pass = (got == want);

    } else {
        pass = (strcmp(got, want) == 0);
    }

    if (news_tap_ok(pass, file, line, "%s", name)) {
        return 1;
    }

    printf("#      got: %s%s%s\n", got ? "\"" : "", got ? got : "NULL",
           got ? "\"" : "");
    printf("#   expected: %s%s%s\n", want ? "\"" : "", want ? want : "NULL",
           want ? "\"" : "");

    return 0;
}


static inline int
news_tap_done(void)
{
    printf("1..%d\n", news_tap_run);
    fflush(stdout);

    /* like Test::More: the number of failures, capped for an exit code */
    return news_tap_failed > 254 ? 254 : news_tap_failed;
}


#define ok(cond, ...)                                                        \
    news_tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define is_int(got, want, name)                                              \
    news_tap_is_int((long long) (got), (long long) (want), __FILE__,         \
                    __LINE__, (name))

#define is_str(got, want, name)                                              \
    news_tap_is_str((got), (want), __FILE__, __LINE__, (name))

#define done_testing()  news_tap_done()

#endif /* NEWS_TAP_H */
