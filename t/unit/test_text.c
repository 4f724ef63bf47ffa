/*
 * Unit tests of src/engine/text.c.
 *
 * Inputs that must be read by length only are copied into heap blocks of
 * exactly that size, so that valgrind reports any read past the end.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tap.h"
#include "text.h"


/* a string literal and its length, embedded NULs included */
#define L(lit)  (lit), (sizeof(lit) - 1)


static news_buf_t  b;


static char *
exact(const char *s, size_t n)
{
    char  *p;

    /* malloc(0) may return NULL; one byte keeps it simple and still exact */
    p = malloc(n ? n : 1);
    if (p == NULL) {
        abort();
    }

    memcpy(p, s, n);

    return p;
}


static const char *
html(const char *s, size_t n)
{
    news_buf_reset(&b);
    news_html_escape(&b, s, n);

    return news_buf_cstr(&b);
}


static const char *
json(const char *s, size_t n)
{
    news_buf_reset(&b);
    news_json_string(&b, s, n);

    return news_buf_cstr(&b);
}


static int
utf8(const char *s, size_t n)
{
    int    rc;
    char  *p;

    p = exact(s, n);
    rc = news_utf8_valid(p, n);
    free(p);

    return rc;
}


static const char *
slug(const char *title, int *rc)
{
    news_buf_reset(&b);
    *rc = news_slugify(&b, title, strlen(title));

    return news_buf_cstr(&b);
}


static int
parse(const char *s, size_t n, int64_t *t)
{
    int    rc;
    char  *p;

    p = exact(s, n);
    rc = news_time_parse(p, n, t);
    free(p);

    return rc;
}


static int
parses(const char *s, int64_t *t)
{
    return parse(s, strlen(s), t);
}


static const char *
form(const char *body, size_t len, const char *name, int *rc)
{
    char  *p;

    p = exact(body, len);
    news_buf_reset(&b);
    *rc = news_form_field(p, len, name, &b);
    free(p);

    return news_buf_cstr(&b);
}


static void
test_html(void)
{
    is_str(html(L("")), "", "html: empty");
    is_str(html(L("plain text")), "plain text", "html: plain");
    is_str(html(L("&")), "&amp;", "html: &");
    is_str(html(L("<")), "&lt;", "html: <");
    is_str(html(L(">")), "&gt;", "html: >");
    is_str(html(L("\"")), "&quot;", "html: \"");
    is_str(html(L("'")), "&#39;", "html: '");
    is_str(html(L("<a href=\"x\">Tom & Jerry's</a>")),
           "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;",
           "html: mixed");
    is_str(html(L("&amp;")), "&amp;amp;", "html: escapes an entity again");
    is_str(html(L("caf\xc3\xa9 /=`")), "caf\xc3\xa9 /=`",
           "html: UTF-8 and other punctuation pass through");
    is_str(html("a<b", 1), "a", "html: stops at n");

    news_buf_reset(&b);
    news_html_escape(&b, L("x\0<"));
    ok(b.len == 6 && memcmp(b.data, "x\0&lt;", 6) == 0,
       "html: NUL inside is counted and copied");

    news_buf_reset(&b);
    news_buf_addl(&b, "pre:");
    news_html_escape(&b, L("<"));
    is_str(news_buf_cstr(&b), "pre:&lt;", "html: appends");
}


static void
test_json(void)
{
    is_str(json(L("")), "\"\"", "json: empty");
    is_str(json(L("hello")), "\"hello\"", "json: plain");
    is_str(json(L("a\"b")), "\"a\\\"b\"", "json: quote");
    is_str(json(L("a\\b")), "\"a\\\\b\"", "json: backslash");
    is_str(json(L("\n\t\r\b\f")), "\"\\n\\t\\r\\b\\f\"",
           "json: short control escapes");
    is_str(json(L("\x01\x1f\x0b\x1b")), "\"\\u0001\\u001f\\u000b\\u001b\"",
           "json: other C0 controls as \\u00XX");
    is_str(json(L("a\0b")), "\"a\\u0000b\"", "json: NUL inside, n counts it");
    is_str(json(L("\0")), "\"\\u0000\"", "json: lone NUL");
    is_str(json(L("</script><!--")), "\"\\u003c/script\\u003e\\u003c!--\"",
           "json: < and > escaped, / kept");
    is_str(json(L("&'")), "\"\\u0026\\u0027\"", "json: & and '");
    is_str(json(L("a\xe2\x80\xa8" "b")), "\"a\\u2028b\"", "json: U+2028");
    is_str(json(L("\xe2\x80\xa9")), "\"\\u2029\"", "json: U+2029");
    is_str(json(L("\xe2\x80\xa8\xe2\x80\xa9")), "\"\\u2028\\u2029\"",
           "json: U+2028 U+2029 back to back");
    is_str(json(L("\xe2\x80\xa7\xe2\x80\xaa")),
           "\"\xe2\x80\xa7\xe2\x80\xaa\"", "json: U+2027, U+202A untouched");
    is_str(json(L("x\xe2\x80")), "\"x\xe2\x80\"",
           "json: truncated E2 80 at the end is not read past n");
    is_str(json("\xe2\x80\xa8", 2), "\"\xe2\x80\"",
           "json: U+2028 cut by n is not recognised");
    is_str(json(L("caf\xc3\xa9 \xf0\x9f\x98\x80 \x7f")),
           "\"caf\xc3\xa9 \xf0\x9f\x98\x80 \x7f\"",
           "json: UTF-8 and DEL pass through");
    is_str(json("ab\"", 2), "\"ab\"", "json: stops at n");
}


static void
test_utf8(void)
{
    ok(utf8(L("")), "utf8: empty is valid");
    ok(utf8(L("plain ascii")), "utf8: ascii");
    ok(utf8(L("a\0b")), "utf8: NUL is valid");
    ok(utf8(L("\xc2\x80")), "utf8: U+0080");
    ok(utf8(L("caf\xc3\xa9")), "utf8: 2-byte");
    ok(utf8(L("\xe2\x82\xac")), "utf8: 3-byte euro");
    ok(utf8(L("\xe0\xa0\x80")), "utf8: U+0800, smallest 3-byte");
    ok(utf8(L("\xed\x9f\xbf")), "utf8: U+D7FF");
    ok(utf8(L("\xee\x80\x80")), "utf8: U+E000");
    ok(utf8(L("\xef\xbf\xbf")), "utf8: U+FFFF");
    ok(utf8(L("\xf0\x9f\x98\x80")), "utf8: valid 4-byte");
    ok(utf8(L("\xf0\x90\x80\x80")), "utf8: U+10000, smallest 4-byte");
    ok(utf8(L("\xf4\x8f\xbf\xbf")), "utf8: U+10FFFF");

    ok(!utf8(L("\xc0\x80")), "utf8: overlong C0 80");
    ok(!utf8(L("\xc1\xbf")), "utf8: overlong C1 BF");
    ok(!utf8(L("\xe0\x80\x80")), "utf8: overlong E0 80 80");
    ok(!utf8(L("\xe0\x9f\xbf")), "utf8: overlong E0 9F BF");
    ok(!utf8(L("\xf0\x80\x80\x80")), "utf8: overlong F0 80 80 80");
    ok(!utf8(L("\xf0\x8f\xbf\xbf")), "utf8: overlong F0 8F BF BF");
    ok(!utf8(L("\xed\xa0\x80")), "utf8: surrogate ED A0 80");
    ok(!utf8(L("\xed\xbf\xbf")), "utf8: surrogate ED BF BF");
    ok(!utf8(L("\xed\xa0\xbd\xed\xb8\x80")), "utf8: CESU-8 surrogate pair");
    ok(!utf8(L("\xf4\x90\x80\x80")), "utf8: F4 90 80 80 above U+10FFFF");
    ok(!utf8(L("\xf5\x80\x80\x80")), "utf8: F5 lead");
    ok(!utf8(L("\xf8\x88\x80\x80\x80")), "utf8: 5-byte form");
    ok(!utf8(L("\xfe")), "utf8: FE");
    ok(!utf8(L("\xff")), "utf8: FF");
    ok(!utf8(L("\x80")), "utf8: lone continuation");
    ok(!utf8(L("a\xbf" "b")), "utf8: continuation inside ascii");
    ok(!utf8(L("\xc3")), "utf8: truncated 2-byte");
    ok(!utf8(L("\xe2\x82")), "utf8: truncated 3-byte");
    ok(!utf8(L("\xf0\x9f\x98")), "utf8: truncated 4-byte");
    ok(!utf8("\xf0\x9f\x98\x80", 3), "utf8: 4-byte cut by n");
    ok(!utf8(L("\xc3(")), "utf8: bad continuation");
    ok(!utf8(L("\xe2\x82(")), "utf8: bad third byte");
    ok(utf8("ok\xff", 2), "utf8: only n bytes are looked at");
}


static void
test_control(void)
{
    is_int(news_has_control(L("")), 0, "control: empty");
    is_int(news_has_control(L("plain")), 0, "control: plain");
    is_int(news_has_control(L("a\nb\r\nc\td")), 0, "control: \\n \\r \\t ok");
    is_int(news_has_control(L("caf\xc3\xa9 \x80\xff")), 0,
           "control: bytes >= 0x80 are not controls");
    is_int(news_has_control(L("\x01")), 1, "control: 0x01");
    is_int(news_has_control(L("a\x1f")), 1, "control: 0x1f");
    is_int(news_has_control(L("\x1b[31m")), 1, "control: ESC");
    is_int(news_has_control(L("a\0b")), 1, "control: NUL inside");
    is_int(news_has_control(L("\x7f")), 1, "control: DEL");
    is_int(news_has_control(L("\x0b")), 1, "control: \\v");
    is_int(news_has_control("ab\x01", 2), 0, "control: only n bytes");
}


static void
test_slug(void)
{
    int          rc, i;
    char         title[512];
    size_t       n;
    const char  *s;

    is_str(slug("US Senator Marco Rubio Confirmed for Key Security Talks "
                "in Mexico", &rc),
           "us-senator-marco-rubio-confirmed-for-key-security-talks-in-mexico",
           "slug: news title");
    is_int(rc, 1, "slug: returns 1");

    is_str(slug("  Hello,  World!! ", &rc), "hello-world",
           "slug: runs collapse, no leading/trailing dash");
    is_str(slug("\xc3\x9cn\xc3\xaf" "code", &rc), "n-code",
           "slug: non-ASCII bytes are separators");
    is_str(slug("ABC 123 x", &rc), "abc-123-x", "slug: digits kept");
    is_str(slug("already-a-slug", &rc), "already-a-slug", "slug: idempotent");
    is_str(slug("a--b__c", &rc), "a-b-c", "slug: dashes and underscores");
    is_str(slug("2024: Year in Review", &rc), "2024-year-in-review",
           "slug: leading digits");

    is_str(slug("", &rc), "", "slug: empty title");
    is_int(rc, 0, "slug: empty title returns 0");
    is_str(slug(" !?- \xe2\x80\x94 ", &rc), "", "slug: only separators");
    is_int(rc, 0, "slug: only separators returns 0");

    news_buf_reset(&b);
    news_buf_addl(&b, "/news/");
    rc = news_slugify(&b, L("Hi There"));
    is_str(news_buf_cstr(&b), "/news/hi-there", "slug: appends");

    news_buf_reset(&b);
    news_buf_addl(&b, "/news/");
    rc = news_slugify(&b, L("***"));
    ok(rc == 0 && strcmp(news_buf_cstr(&b), "/news/") == 0,
       "slug: an empty slug appends nothing");

    news_buf_reset(&b);
    rc = news_slugify(&b, L("a\0b"));
    is_str(news_buf_cstr(&b), "a-b", "slug: NUL is a separator, n counts");

    /* twelve 9-letter words: 9 words make 89 bytes, 10 would make 99 */
    title[0] = '\0';
    for (i = 0; i < 12; i++) {
        strcat(title, "Abcdefghi ");
    }

    s = slug(title, &rc);
    n = strlen(s);
    is_int(n, 89, "slug: long title cut at a dash boundary");
    ok(rc == 1 && news_slug_valid(s, n), "slug: cut slug is valid");
    ok(n > 9 && strcmp(s + n - 10, "-abcdefghi") == 0,
       "slug: cut slug ends with a whole word");

    /* exactly the limit */
    memset(title, 'a', 96);
    title[96] = '\0';
    is_int(strlen(slug(title, &rc)), 96, "slug: 96 bytes kept");

    /* one word longer than the limit can only be cut inside */
    memset(title, 'a', 200);
    title[200] = '\0';
    s = slug(title, &rc);
    is_int(strlen(s), 96, "slug: single long word cut at the limit");

    /* a word that ends exactly at the limit is kept */
    memset(title, 'x', 90);
    strcpy(title + 90, " abcde more");
    s = slug(title, &rc);
    n = strlen(s);
    is_int(n, 96, "slug: word ending at the limit kept");
    ok(n >= 6 && strcmp(s + n - 6, "-abcde") == 0,
       "slug: ... and the next word dropped");

    /* a word that would start right at the limit is dropped with its dash */
    memset(title, 'x', 95);
    strcpy(title + 95, " abc");
    s = slug(title, &rc);
    n = strlen(s);
    is_int(n, 95, "slug: word starting at the limit dropped");
    ok(n > 0 && s[n - 1] == 'x', "slug: no trailing dash after a cut");

    /* a title that only fits after collapsing separators is not cut */
    memset(title, 'y', 50);
    memset(title + 50, ' ', 100);
    memset(title + 150, 'z', 45);
    title[195] = '\0';
    is_int(strlen(slug(title, &rc)), 96, "slug: separators collapse first");
}


static void
test_slug_valid(void)
{
    char  s[100];

    ok(news_slug_valid(L("a")), "slug_valid: one letter");
    ok(news_slug_valid(L("0")), "slug_valid: one digit");
    ok(news_slug_valid(L("hello-world-2024")), "slug_valid: typical");
    ok(!news_slug_valid(L("")), "slug_valid: empty");
    ok(!news_slug_valid(L("-a")), "slug_valid: leading dash");
    ok(!news_slug_valid(L("a-")), "slug_valid: trailing dash");
    ok(!news_slug_valid(L("-")), "slug_valid: only a dash");
    ok(!news_slug_valid(L("a--b")), "slug_valid: double dash");
    ok(!news_slug_valid(L("Hello")), "slug_valid: upper case");
    ok(!news_slug_valid(L("a_b")), "slug_valid: underscore");
    ok(!news_slug_valid(L("a b")), "slug_valid: space");
    ok(!news_slug_valid(L("a/b")), "slug_valid: slash");
    ok(!news_slug_valid(L("a.b")), "slug_valid: dot");
    ok(!news_slug_valid(L("caf\xc3\xa9")), "slug_valid: non-ASCII");
    ok(!news_slug_valid(L("a\0b")), "slug_valid: NUL inside");
    ok(news_slug_valid("ab-", 2), "slug_valid: only n bytes");

    memset(s, 'a', sizeof(s));
    ok(news_slug_valid(s, 96), "slug_valid: 96 bytes");
    ok(!news_slug_valid(s, 97), "slug_valid: 97 bytes");
}


static void
test_time_parse(void)
{
    int64_t  t;

    t = 0;
    is_int(parses("2024-11-27T10:00:00Z", &t), 0, "parse: Z form");
    is_int(t, 1732701600, "parse: 2024-11-27T10:00:00Z");

    t = 0;
    parses("2024-11-27T12:00:00+02:00", &t);
    is_int(t, 1732701600, "parse: +02:00");

    t = 0;
    parses("2024-11-27T05:30:00-04:30", &t);
    is_int(t, 1732701600, "parse: -04:30");

    t = 0;
    parses("2024-11-27T10:00:00-00:00", &t);
    is_int(t, 1732701600, "parse: -00:00");

    t = 0;
    parses("2024-11-28T00:59:00+14:59", &t);
    is_int(t, 1732701600 - 14 * 3600 - 59 * 60 + 14 * 3600 + 59 * 60,
           "parse: +14:59 crosses the day");

    t = 0;
    parses("2024-11-27t10:00:00z", &t);
    is_int(t, 1732701600, "parse: lower-case t and z");

    t = 0;
    parses("2024-11-27 10:00:00Z", &t);
    is_int(t, 1732701600, "parse: space for T");

    t = 0;
    parses("2024-11-27T10:00:00.123456789Z", &t);
    is_int(t, 1732701600, "parse: fraction ignored");

    t = 0;
    parses("2024-11-27T10:00:00.9+00:00", &t);
    is_int(t, 1732701600, "parse: fraction with offset");

    t = -1;
    is_int(parses("1970-01-01T00:00:00Z", &t), 0, "parse: epoch");
    is_int(t, 0, "parse: epoch is 0");

    t = 0;
    parses("1970-01-01T00:00:00+01:00", &t);
    is_int(t, -3600, "parse: before the epoch by offset");

    t = 0;
    is_int(parses("2024-02-29T00:00:00Z", &t), 0, "parse: 2024-02-29 ok");
    is_int(t, 1709164800, "parse: 2024-02-29 value");

    t = 0;
    is_int(parses("2000-02-29T12:34:56Z", &t), 0, "parse: 2000-02-29 ok");
    is_int(t, 951827696, "parse: 2000-02-29 value");

    t = 0;
    is_int(parses("2016-12-31T23:59:60Z", &t), 0, "parse: leap second");
    is_int(t, 1483228799, "parse: leap second folds to 59");

    t = 0;
    is_int(parses("9999-12-31T23:59:59Z", &t), 0, "parse: year 9999");
    is_int(t, 253402300799LL, "parse: year 9999 value");

    t = 0;
    parses("2026-11-27T03:56:51Z", &t);
    is_int(t, 1795751811, "parse: 2026-11-27T03:56:51Z");

    t = 42;
    is_int(parses("2023-02-29T00:00:00Z", &t), -1, "parse: 2023-02-29 bad");
    is_int(t, 42, "parse: *out untouched on error");
    is_int(parses("2100-02-29T00:00:00Z", &t), -1, "parse: 2100-02-29 bad");
    is_int(parses("2024-04-31T00:00:00Z", &t), -1, "parse: April 31 bad");
    is_int(parses("2024-12-31T00:00:00Z", &t), 0, "parse: Dec 31 ok");
    is_int(parses("2024-13-01T00:00:00Z", &t), -1, "parse: month 13 bad");
    is_int(parses("2024-00-01T00:00:00Z", &t), -1, "parse: month 0 bad");
    is_int(parses("2024-01-00T00:00:00Z", &t), -1, "parse: day 0 bad");
    is_int(parses("2024-01-32T00:00:00Z", &t), -1, "parse: day 32 bad");
    is_int(parses("2024-01-01T24:00:00Z", &t), -1, "parse: hour 24 bad");
    is_int(parses("2024-01-01T00:60:00Z", &t), -1, "parse: minute 60 bad");
    is_int(parses("2024-01-01T00:00:61Z", &t), -1, "parse: second 61 bad");
    is_int(parses("1969-12-31T23:59:59Z", &t), -1, "parse: 1969 bad");
    is_int(parses("0000-01-01T00:00:00Z", &t), -1, "parse: year 0 bad");
    is_int(parses("2024-01-01T00:00:00+24:00", &t), -1,
           "parse: offset hour 24 bad");
    is_int(parses("2024-01-01T00:00:00+02:60", &t), -1,
           "parse: offset minute 60 bad");
    is_int(parses("2024-01-01T00:00:00+0200", &t), -1,
           "parse: offset without colon bad");
    is_int(parses("2024-01-01T00:00:00+02", &t), -1,
           "parse: short offset bad");
    is_int(parses("2024-01-01T00:00:00", &t), -1, "parse: no zone bad");
    is_int(parses("2024-01-01T00:00:00.Z", &t), -1,
           "parse: empty fraction bad");
    is_int(parses("2024-01-01T00:00:00.5", &t), -1,
           "parse: fraction without zone bad");
    is_int(parses("2024-01-01T00:00:00ZZ", &t), -1, "parse: trailing junk");
    is_int(parses("2024-01-01T00:00:00Z ", &t), -1,
           "parse: trailing space");
    is_int(parses("2024-01-01T00:00:00+02:00x", &t), -1,
           "parse: junk after offset");
    is_int(parses(" 2024-01-01T00:00:00Z", &t), -1, "parse: leading space");
    is_int(parses("2024-01-01X00:00:00Z", &t), -1, "parse: bad separator");
    is_int(parses("2024/01/01T00:00:00Z", &t), -1, "parse: slashes");
    is_int(parses("2024-1-01T00:00:00Z", &t), -1, "parse: one-digit month");
    is_int(parses("2024-01-01T0:00:00Z", &t), -1, "parse: one-digit hour");
    is_int(parses("+024-01-01T00:00:00Z", &t), -1, "parse: sign in year");
    is_int(parses("2024-01-01", &t), -1, "parse: date only");
    is_int(parses("", &t), -1, "parse: empty");
    is_int(parses("not a date at all, no", &t), -1, "parse: garbage");
    is_int(parse(L("2024-01-01T00:00:00Z\0"), &t), -1,
           "parse: trailing NUL counted by n");
    is_int(parse("2024-01-01T00:00:00Z", 19, &t), -1,
           "parse: cut by n before the zone");
    is_int(parse("2024-01-01T00:00:00+02:00", 24, &t), -1,
           "parse: offset cut by n");
    is_int(parse("2024-01-01T00:00:00.123Z", 23, &t), -1,
           "parse: fraction running to n");
}


static void
test_time_format(void)
{
    int64_t      t, back;
    char         want[64];
    time_t       tt;
    struct tm   *tm;
    int          bad;

    news_buf_reset(&b);
    news_time_rfc3339(&b, 1795751811);
    is_str(news_buf_cstr(&b), "2026-11-27T03:56:51Z", "rfc3339: sample");

    news_buf_reset(&b);
    news_time_human(&b, 1795751811);
    is_str(news_buf_cstr(&b), "27 November 2026", "human: sample");

    news_buf_reset(&b);
    news_time_http(&b, 1795751811);
    is_str(news_buf_cstr(&b), "Fri, 27 Nov 2026 03:56:51 GMT", "http: sample");

    news_buf_reset(&b);
    news_time_rfc3339(&b, 0);
    is_str(news_buf_cstr(&b), "1970-01-01T00:00:00Z", "rfc3339: epoch");

    news_buf_reset(&b);
    news_time_http(&b, 0);
    is_str(news_buf_cstr(&b), "Thu, 01 Jan 1970 00:00:00 GMT", "http: epoch");

    news_buf_reset(&b);
    news_time_human(&b, 1709164800);
    is_str(news_buf_cstr(&b), "29 February 2024", "human: leap day");

    news_buf_reset(&b);
    news_time_human(&b, 1704067200);
    is_str(news_buf_cstr(&b), "1 January 2024", "human: no leading zero");

    news_buf_reset(&b);
    news_time_http(&b, 951827696);
    is_str(news_buf_cstr(&b), "Tue, 29 Feb 2000 12:34:56 GMT",
           "http: 2000-02-29");

    news_buf_reset(&b);
    news_time_rfc3339(&b, -1);
    is_str(news_buf_cstr(&b), "1969-12-31T23:59:59Z",
           "rfc3339: one second before the epoch");

    news_buf_reset(&b);
    news_time_http(&b, -86400);
    is_str(news_buf_cstr(&b), "Wed, 31 Dec 1969 00:00:00 GMT",
           "http: the day before the epoch");

    news_buf_reset(&b);
    news_time_rfc3339(&b, 253402300799LL);
    is_str(news_buf_cstr(&b), "9999-12-31T23:59:59Z", "rfc3339: year 9999");

    news_buf_reset(&b);
    news_buf_addl(&b, "at ");
    news_time_rfc3339(&b, 1732701600);
    is_str(news_buf_cstr(&b), "at 2024-11-27T10:00:00Z", "rfc3339: appends");

    /*
     * Sweep 1970..9999 and beyond the epoch backwards, comparing with the
     * C library's gmtime() (UTC, no TZ involved) and parsing back.
     */

    bad = 0;

    for (t = -2208988800LL; t <= 253402300799LL; t += 9876543) {
        tt = (time_t) t;
        tm = gmtime(&tt);

        if (tm == NULL) {
            bad++;
            break;
        }

        strftime(want, sizeof(want), "%Y-%m-%dT%H:%M:%SZ", tm);
        news_buf_reset(&b);
        news_time_rfc3339(&b, t);

        if (strcmp(news_buf_cstr(&b), want) != 0) {
            printf("# rfc3339 %lld: %s != %s\n", (long long) t,
                   news_buf_cstr(&b), want);
            bad++;
            break;
        }

        if (t >= 0) {
            back = -1;

            if (news_time_parse(b.data, b.len, &back) != 0 || back != t) {
                printf("# round trip %lld: %s -> %lld\n", (long long) t,
                       news_buf_cstr(&b), (long long) back);
                bad++;
                break;
            }
        }

        strftime(want, sizeof(want), "%a, %d %b %Y %H:%M:%S GMT", tm);
        news_buf_reset(&b);
        news_time_http(&b, t);

        if (strcmp(news_buf_cstr(&b), want) != 0) {
            printf("# http %lld: %s != %s\n", (long long) t,
                   news_buf_cstr(&b), want);
            bad++;
            break;
        }
    }

    is_int(bad, 0, "rfc3339/http: agree with gmtime(), parse round trip");

    /* every day boundary of a leap year and a century */

    bad = 0;

    for (t = 946684800; t < 946684800 + 367LL * 86400; t += 86400) {
        news_buf_reset(&b);
        news_time_rfc3339(&b, t);
        back = -1;

        if (news_time_parse(b.data, b.len, &back) != 0 || back != t) {
            bad++;
        }
    }

    is_int(bad, 0, "rfc3339: every day of 2000 round trips");
}


static void
test_be(void)
{
    int             good;
    size_t          i;
    unsigned char   p[8], q[8];

    static const uint64_t  v64[] = {
        0, 1, 255, 256, 65535, 65536, 0xffffffffULL, 0x100000000ULL,
        0x0102030405060708ULL, 0x7fffffffffffffffULL,
        0x8000000000000000ULL, 0xfffffffffffffffeULL, 0xffffffffffffffffULL
    };
    static const uint32_t  v32[] = {
        0, 1, 255, 256, 65535, 65536, 0x01020304, 0x7fffffff, 0x80000000,
        0xffffffff
    };

    news_be64_put(p, 0x0102030405060708ULL);
    ok(memcmp(p, "\x01\x02\x03\x04\x05\x06\x07\x08", 8) == 0,
       "be64: byte order");
    ok(news_be64_get(p) == 0x0102030405060708ULL, "be64: get");

    news_be32_put(p, 0x01020304);
    ok(memcmp(p, "\x01\x02\x03\x04", 4) == 0, "be32: byte order");
    ok(news_be32_get(p) == 0x01020304, "be32: get");

    good = 1;

    for (i = 0; i < sizeof(v64) / sizeof(v64[0]); i++) {
        news_be64_put(p, v64[i]);

        if (news_be64_get(p) != v64[i]) {
            good = 0;
        }

        if (i > 0) {
            news_be64_put(q, v64[i - 1]);

            if (memcmp(q, p, 8) >= 0) {
                good = 0;
            }
        }
    }

    ok(good, "be64: round trips and memcmp order matches numeric order");

    good = 1;

    for (i = 0; i < sizeof(v32) / sizeof(v32[0]); i++) {
        news_be32_put(p, v32[i]);

        if (news_be32_get(p) != v32[i]) {
            good = 0;
        }

        if (i > 0) {
            news_be32_put(q, v32[i - 1]);

            if (memcmp(q, p, 4) >= 0) {
                good = 0;
            }
        }
    }

    ok(good, "be32: round trips and memcmp order matches numeric order");

    news_buf_reset(&b);
    news_buf_add_be32(&b, 0x01020304);
    ok(b.len == 4 && news_be32_get((unsigned char *) b.data) == 0x01020304,
       "be32: agrees with news_buf_add_be32()");
}


static void
test_hex(void)
{
    unsigned char  out[16];
    char          *p;
    ssize_t        n;

    static const unsigned char  bytes[] = { 0x00, 0x01, 0xab, 0xff, 0x7f };

    news_buf_reset(&b);
    news_hex_encode(&b, bytes, sizeof(bytes));
    is_str(news_buf_cstr(&b), "0001abff7f", "hex: encode, lower case");

    news_buf_reset(&b);
    news_hex_encode(&b, bytes, 0);
    is_str(news_buf_cstr(&b), "", "hex: encode nothing");

    news_buf_reset(&b);
    news_buf_addl(&b, "id=");
    news_hex_encode(&b, bytes + 2, 1);
    is_str(news_buf_cstr(&b), "id=ab", "hex: encode appends");

    p = exact("0001abff7f", 10);
    memset(out, 0, sizeof(out));
    n = news_hex_decode(p, 10, out, sizeof(out));
    free(p);
    is_int(n, 5, "hex: decode length");
    ok(memcmp(out, bytes, 5) == 0, "hex: round trip");

    n = news_hex_decode(L("ABff"), out, sizeof(out));
    ok(n == 2 && out[0] == 0xab && out[1] == 0xff, "hex: upper case accepted");
    is_int(news_hex_decode(L(""), out, sizeof(out)), 0, "hex: empty");
    is_int(news_hex_decode(L("abc"), out, sizeof(out)), -1, "hex: odd length");
    is_int(news_hex_decode(L("0g"), out, sizeof(out)), -1, "hex: bad digit g");
    is_int(news_hex_decode(L("0 "), out, sizeof(out)), -1, "hex: space");
    is_int(news_hex_decode(L("-1"), out, sizeof(out)), -1, "hex: sign");
    is_int(news_hex_decode(L("0\0"), out, sizeof(out)), -1, "hex: NUL");
    is_int(news_hex_decode(L("00112233"), out, 3), -1, "hex: over cap");
    is_int(news_hex_decode(L("001122"), out, 3), 3, "hex: exactly cap");
    is_int(news_hex_decode(L(""), NULL, 0), 0, "hex: empty into nothing");
}


static void
test_form(void)
{
    int          rc;
    size_t       len;
    char        *p;
    const char  *v;

    v = form(L("a=1&b=x%20y+z"), "b", &rc);
    is_int(rc, 1, "form: b found");
    is_str(v, "x y z", "form: %20 and + decoded");

    v = form(L("a=1&b=x%20y+z"), "a", &rc);
    ok(rc == 1 && strcmp(v, "1") == 0, "form: first field");

    v = form(L("a=1&b=2"), "c", &rc);
    ok(rc == 0 && strcmp(v, "") == 0, "form: absent");

    v = form(L("a=1&b=2&a=3"), "a", &rc);
    is_int(rc, NEWS_FORM_DUP, "form: duplicate");
    is_str(v, "", "form: duplicate leaves out empty");

    v = form(L("a=1&a=1"), "a", &rc);
    is_int(rc, NEWS_FORM_DUP, "form: duplicate with the same value");

    v = form(L("a=1&a"), "a", &rc);
    is_int(rc, NEWS_FORM_DUP, "form: duplicate without =");

    v = form(L("a=%zz"), "a", &rc);
    is_int(rc, NEWS_FORM_BAD, "form: %zz");
    is_str(v, "", "form: bad leaves out empty");

    v = form(L("a=%4"), "a", &rc);
    is_int(rc, NEWS_FORM_BAD, "form: truncated %4 at the end");

    v = form(L("a=%"), "a", &rc);
    is_int(rc, NEWS_FORM_BAD, "form: lone % at the end");

    v = form(L("a=%4&b=1"), "a", &rc);
    is_int(rc, NEWS_FORM_BAD, "form: truncated %4 before &");

    v = form(L("a=x%2"), "a", &rc);
    is_int(rc, NEWS_FORM_BAD, "form: truncated %2 after a byte");

    v = form("a=%41", 4, "a", &rc);
    is_int(rc, NEWS_FORM_BAD, "form: %41 cut by len is bad, not read past");

    v = form(L("a=%41%42"), "a", &rc);
    ok(rc == 1 && strcmp(v, "AB") == 0, "form: %%41%%42 decoded");

    v = form(L("a=%00"), "a", &rc);
    is_int(rc, NEWS_FORM_BAD, "form: %00 rejected");

    v = form(L("a=x\0y"), "a", &rc);
    is_int(rc, NEWS_FORM_BAD, "form: raw NUL rejected");

    v = form(L("a=%ff"), "a", &rc);
    is_int(rc, NEWS_FORM_BAD, "form: %ff is not UTF-8");

    v = form(L("a=%C3"), "a", &rc);
    is_int(rc, NEWS_FORM_BAD, "form: truncated UTF-8");

    v = form(L("a=%ED%A0%80"), "a", &rc);
    is_int(rc, NEWS_FORM_BAD, "form: encoded surrogate");

    v = form(L("a=\xff"), "a", &rc);
    is_int(rc, NEWS_FORM_BAD, "form: raw invalid byte");

    v = form(L("a=caf%C3%A9"), "a", &rc);
    ok(rc == 1 && strcmp(v, "caf\xc3\xa9") == 0, "form: UTF-8 decoded");

    v = form(L("a=caf\xc3\xa9"), "a", &rc);
    ok(rc == 1 && strcmp(v, "caf\xc3\xa9") == 0, "form: raw UTF-8 kept");

    v = form(L("a=%3d%26%2B%25"), "a", &rc);
    ok(rc == 1 && strcmp(v, "=&+%") == 0, "form: encoded = & + %%");

    v = form(L("a=b=c"), "a", &rc);
    ok(rc == 1 && strcmp(v, "b=c") == 0, "form: = inside the value");

    v = form(L("a=&b=2"), "a", &rc);
    is_int(rc, 1, "form: empty value found");
    is_str(v, "", "form: empty value");

    v = form(L("a=&b=2"), "b", &rc);
    ok(rc == 1 && strcmp(v, "2") == 0, "form: field after an empty value");

    v = form(L("a&b=2"), "a", &rc);
    ok(rc == 1 && strcmp(v, "") == 0, "form: key without = has empty value");

    v = form(L("ab=1&a=2"), "a", &rc);
    ok(rc == 1 && strcmp(v, "2") == 0, "form: a prefix of another name");

    v = form(L("ab=1&a=2"), "ab", &rc);
    ok(rc == 1 && strcmp(v, "1") == 0, "form: the longer name");

    v = form(L("a=1"), "ab", &rc);
    is_int(rc, 0, "form: name longer than every key");

    v = form(L("xa=1&ax=2"), "a", &rc);
    is_int(rc, 0, "form: name inside other keys");

    v = form(L("b=a%3D1"), "a", &rc);
    is_int(rc, 0, "form: name inside a value is not a key");

    v = form(L("a%5Bb%5D=1"), "a[b]", &rc);
    ok(rc == 1 && strcmp(v, "1") == 0, "form: encoded key");

    v = form(L("a+b=1"), "a b", &rc);
    ok(rc == 1 && strcmp(v, "1") == 0, "form: + in key");

    v = form(L("a%20b=1&a+b=2"), "a b", &rc);
    is_int(rc, NEWS_FORM_DUP, "form: duplicate spelled differently");

    v = form(L("A=1"), "a", &rc);
    is_int(rc, 0, "form: names are case-sensitive");

    v = form(L("a=1&&b=2&"), "b", &rc);
    ok(rc == 1 && strcmp(v, "2") == 0, "form: empty pairs skipped");

    v = form(L("&"), "a", &rc);
    is_int(rc, 0, "form: only a separator");

    v = form(L("="), "a", &rc);
    is_int(rc, 0, "form: only =");

    v = form(L("x=%zz&a=1"), "a", &rc);
    ok(rc == 1 && strcmp(v, "1") == 0,
       "form: bad encoding in another field's value is not looked at");

    v = form(L("x=%zz&a=1"), "x", &rc);
    is_int(rc, NEWS_FORM_BAD, "form: ... but is when that field is asked");

    v = form(L("%zz=1&a=2"), "a", &rc);
    is_int(rc, NEWS_FORM_BAD, "form: bad encoding in a key");

    v = form(L("a=2&%4"), "a", &rc);
    is_int(rc, NEWS_FORM_BAD, "form: truncated key at the end");

    v = form(L(""), "a", &rc);
    ok(rc == 0 && strcmp(v, "") == 0, "form: empty body");

    news_buf_reset(&b);
    is_int(news_form_field(NULL, 0, "a", &b), 0, "form: NULL empty body");

    v = form(L("a=1"), "", &rc);
    is_int(rc, 0, "form: empty name");

    v = form(L("title=Hello+World%21&body=Line1%0D%0ALine2"), "body", &rc);
    ok(rc == 1 && strcmp(v, "Line1\r\nLine2") == 0, "form: CRLF decoded");

    /* appends to what out holds, and restores it on failure */

    news_buf_reset(&b);
    news_buf_addl(&b, "x:");
    p = exact("a=1&b=2", 7);
    rc = news_form_field(p, 7, "b", &b);
    ok(rc == 1 && strcmp(news_buf_cstr(&b), "x:2") == 0, "form: appends");

    news_buf_reset(&b);
    news_buf_addl(&b, "x:");
    rc = news_form_field(p, 7, "c", &b);
    ok(rc == 0 && strcmp(news_buf_cstr(&b), "x:") == 0,
       "form: absent leaves out alone");
    free(p);

    news_buf_reset(&b);
    news_buf_addl(&b, "x:");
    p = exact("a=12345&a=6", 11);
    rc = news_form_field(p, 11, "a", &b);
    ok(rc == NEWS_FORM_DUP && strcmp(news_buf_cstr(&b), "x:") == 0,
       "form: duplicate restores out");
    free(p);

    news_buf_reset(&b);
    news_buf_addl(&b, "x:");
    p = exact("a=ok%ff", 7);
    rc = news_form_field(p, 7, "a", &b);
    ok(rc == NEWS_FORM_BAD && strcmp(news_buf_cstr(&b), "x:") == 0,
       "form: bad value restores out");
    free(p);

    /* a value bigger than the buffer's first allocation */

    len = 5000;
    p = malloc(len);
    if (p == NULL) {
        abort();
    }

    memcpy(p, "v=", 2);
    memset(p + 2, 'q', len - 2);
    news_buf_reset(&b);
    rc = news_form_field(p, len, "v", &b);
    ok(rc == 1 && b.len == len - 2 && b.data[0] == 'q'
       && b.data[len - 3] == 'q', "form: long value");
    free(p);
}


/* news_buf_addf: formatted into the room left, or again after growing */
static void
test_addf(void)
{
    news_buf_t  f;
    char        want[2048];

    news_buf_init(&f);

    news_buf_addf(&f, "%s-%d", "short", 7);
    is_str(news_buf_cstr(&f), "short-7", "addf into an empty buffer");

    memset(want, 'x', sizeof(want) - 1);
    want[sizeof(want) - 1] = '\0';
    news_buf_addf(&f, "%s", want + 8);
    ok(f.len == 7 + sizeof(want) - 9, "addf past the room left: its length");
    ok(memcmp(f.data, "short-7", 7) == 0
       && memcmp(f.data + 7, want + 8, sizeof(want) - 9) == 0
       && f.data[f.len] == '\0', "addf past the room left: its bytes");

    news_buf_reset(&f);
    news_buf_addf(&f, "%s", "");
    is_str(news_buf_cstr(&f), "", "addf of nothing");

    ok(!f.failed, "addf: no allocation failed");
    news_buf_free(&f);
}


static void
test_trim(void)
{
    size_t       n;
    const char  *s, *orig;

    orig = "  \t a b \r\n\v\f";
    s = orig;
    n = strlen(s);
    news_trim(&s, &n);
    ok(s == orig + 4 && n == 3 && memcmp(s, "a b", 3) == 0,
       "trim: both ends, inner space kept");

    s = "abc";
    n = 3;
    news_trim(&s, &n);
    ok(n == 3 && memcmp(s, "abc", 3) == 0, "trim: nothing to trim");

    s = " \t\n ";
    n = 4;
    news_trim(&s, &n);
    is_int(n, 0, "trim: only whitespace");

    s = "";
    n = 0;
    news_trim(&s, &n);
    is_int(n, 0, "trim: empty");

    s = "x  y";
    n = 2;
    news_trim(&s, &n);
    ok(n == 1 && s[0] == 'x', "trim: only n bytes");

    s = "\xc2\xa0x\xc2\xa0";
    n = 5;
    news_trim(&s, &n);
    is_int(n, 5, "trim: non-ASCII space is not trimmed");

    s = "\0x\0";
    n = 3;
    news_trim(&s, &n);
    is_int(n, 3, "trim: NUL is not whitespace");
}


int
main(void)
{
    int  rc;

    news_buf_init(&b);

    test_html();
    test_json();
    test_utf8();
    test_control();
    test_slug();
    test_slug_valid();
    test_time_parse();
    test_time_format();
    test_be();
    test_hex();
    test_form();
    test_trim();
    test_addf();

    ok(!b.failed, "no allocation failed");

    news_buf_free(&b);

    rc = done_testing();

    return rc;
}
