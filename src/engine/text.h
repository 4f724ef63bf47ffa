/*
 * Text helpers of the engine: escaping for HTML and JSON, UTF-8 and
 * control-character checks, slugs, dates, big-endian keys, hex, and
 * application/x-www-form-urlencoded field extraction.
 *
 * Every input is a (pointer, length) pair and is never read past its
 * length: request bodies and LMDB values are not NUL-terminated.
 * Nothing here depends on the locale or on the time zone of the process.
 */

#ifndef NEWS_TEXT_H
#define NEWS_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"


#define NEWS_SLUG_MAX  96

#define NEWS_FORM_DUP  -1
#define NEWS_FORM_BAD  -2


/*
 * Appends s[0..n) escaped for HTML text and quoted attribute values:
 * & < > " ' become &amp; &lt; &gt; &quot; &#39;.  Other bytes, NUL
 * included, are copied as they are.
 */
void news_html_escape(news_buf_t *b, const char *s, size_t n);

/*
 * Appends s[0..n) escaped as one query-string value: every byte but
 * ASCII letters, digits and - . _ ~ / ? = becomes %XX (a query's value
 * may hold / ? = as they are), so that a path with its own query and
 * fragment ("/a?reply=2#comment-form") travels whole in ?next= and needs
 * no HTML escaping either.
 */
void news_url_arg_escape(news_buf_t *b, const char *s, size_t n);

/*
 * Appends s[0..n) as a quoted JSON string.  " and \ are escaped, every C0
 * control becomes \b \f \n \r \t or \u00XX (so NUL bytes inside s are kept
 * as \u0000), and < > & ' become \u003c \u003e \u0026 \u0027, and the
 * UTF-8 encodings of U+2028 and U+2029 become \u2028 and \u2029, so that
 * the result is also safe inside <script type="application/ld+json">.
 * Other bytes are copied as they are: s should be valid UTF-8 (see
 * news_utf8_valid()) for the result to be valid JSON.
 */
void news_json_string(news_buf_t *b, const char *s, size_t n);

/*
 * Strict UTF-8: no overlong forms, no surrogates (U+D800..U+DFFF), nothing
 * above U+10FFFF, no sequence truncated by the end of s.  NUL is valid.
 * Returns 1 if s[0..n) is valid, 0 if not.
 */
int news_utf8_valid(const char *s, size_t n);

/*
 * Returns 1 if s[0..n) has a byte below 0x20 other than \n \r \t, or
 * 0x7f; 0 otherwise.
 */
int news_has_control(const char *s, size_t n);

/*
 * Appends the slug of a title: ASCII letters lower-cased, digits kept,
 * every other run of bytes (non-ASCII bytes included) becomes one '-',
 * with no leading or trailing '-'.  A slug longer than NEWS_SLUG_MAX bytes
 * is cut back to the last '-' that keeps it within the limit (a single
 * word longer than the limit is cut at the limit).  Returns 1, or 0 and
 * appends nothing when the slug is empty.
 */
int news_slugify(news_buf_t *b, const char *title, size_t n);

/*
 * Returns 1 if s[0..n) is a valid slug: 1..NEWS_SLUG_MAX bytes of
 * [a-z0-9-], neither starting nor ending with '-', without "--"; else 0.
 */
int news_slug_valid(const char *s, size_t n);

/*
 * Parses an RFC 3339 date-time, YYYY-MM-DDTHH:MM:SS[.frac] followed by
 * Z, z, +HH:MM or -HH:MM, with 't' or ' ' accepted for 'T'.  The
 * fraction is ignored, years must be 1970..9999, the day must exist in
 * its month, and a leap second (60) is folded to 59.  Stores unix
 * seconds in *out and returns 0, or returns -1 and leaves *out alone.
 */
int news_time_parse(const char *s, size_t n, int64_t *out);

/* appends "2026-11-27T03:56:51Z" (always UTC) */
void news_time_rfc3339(news_buf_t *b, int64_t t);

/* appends "27 November 2026" (UTC), for bylines */
void news_time_human(news_buf_t *b, int64_t t);

/* appends the RFC 1123 form "Fri, 27 Nov 2026 03:56:51 GMT" */
void news_time_http(news_buf_t *b, int64_t t);

/*
 * Big-endian integers, so that LMDB keys compared with memcmp() sort as
 * numbers.  p must hold 8 (or 4) bytes.
 */
void news_be64_put(unsigned char *p, uint64_t v);
uint64_t news_be64_get(const unsigned char *p);
void news_be32_put(unsigned char *p, uint32_t v);
uint32_t news_be32_get(const unsigned char *p);

/* appends the lower-case hex of p[0..n) */
void news_hex_encode(news_buf_t *b, const unsigned char *p, size_t n);

/*
 * Decodes the hex s[0..n) (either case) into out.  Returns the number of
 * bytes written, or -1 on an odd length, a bad digit, or more than cap
 * bytes; out is then unspecified.
 */
ssize_t news_hex_decode(const char *s, size_t n, unsigned char *out,
    size_t cap);

/*
 * Finds the field "name" (non-empty, NUL-terminated) in the
 * application/x-www-form-urlencoded body[0..len) and appends its value,
 * '+'- and percent-decoded, to out.  Pairs are separated by '&'; keys are
 * decoded before they are compared; a pair without '=' has an empty value.
 *
 * Returns:
 *   1              found; the value was appended to out;
 *   0              absent;
 *   NEWS_FORM_DUP  the field occurs more than once;
 *   NEWS_FORM_BAD  bad percent-encoding in any key or in the field's
 *                  value, or a value that holds NUL or is not valid UTF-8.
 * out is left as it was unless 1 is returned.  The values of other fields
 * are not looked at.  As with every append, check out->failed.
 */
int news_form_field(const char *body, size_t len, const char *name,
    news_buf_t *out);

/* trims ASCII whitespace (space \t \n \v \f \r) at both ends of *s, *n */
void news_trim(const char **s, size_t *n);

/*
 * NULL when u[0..n) is a URL fit for a page to link (a logo, a
 * stylesheet, an article's image): a path or an http(s) URL of printable
 * ASCII without quotes or other bytes that would need escaping; else
 * what is wrong
 */
const char *news_url_check(const char *u, size_t n);

#endif /* NEWS_TEXT_H */
