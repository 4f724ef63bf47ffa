/*
 * Text helpers of the engine; see text.h.
 *
 * Character classes are tested by hand rather than with <ctype.h>, whose
 * answers depend on the locale: a slug or a form key must not change with
 * the environment nginx was started in.  Likewise dates are computed with
 * plain calendar arithmetic instead of timegm()/gmtime(), which are either
 * non-standard or share static state with the rest of the process.
 *
 * Why one file of about 1,000 lines: it is the bottom of the engine, the
 * one place for each small rule of text that both tiers and every page
 * share (the escapes for HTML, URLs and JSON, slugs, dates and their
 * three formats, hex, form fields, URL checks).  Each function is short,
 * keeps no state and includes nothing but buf.h; the character classes
 * and the calendar above are private helpers several of them use, which
 * a split would have to export.
 */

#include <string.h>
#include <strings.h>

#include "text.h"


#define NEWS_DAY  86400

/* days from 0000-03-01 to 1970-01-01 in the proleptic Gregorian calendar */
#define NEWS_EPOCH_DAYS  719468

/* days in 400 Gregorian years */
#define NEWS_ERA_DAYS  146097


typedef struct {
    int64_t  year;
    int      mon;
    int      mday;
    int      hour;
    int      min;
    int      sec;
    int      wday;
} news_civil_t;


static int news_is_alnum(unsigned char c);
static int news_is_space(unsigned char c);
static int news_hex_value(unsigned char c);
static int news_digits(const char *s, size_t n, int *v);
static int news_is_leap(int64_t y);
static int news_month_days(int64_t y, int m);
static int64_t news_days_from_civil(int64_t y, int m, int d);
static int64_t news_days_before_year(int64_t y);
static void news_civil_from_time(int64_t t, news_civil_t *c);
static void news_digits_put(char *p, unsigned n, unsigned v);
static size_t news_form_byte(const char *p, const char *end,
    unsigned char *c);


static const char  news_hex_lower[] = "0123456789abcdef";

static const char  *news_month_full[] = {
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"
};

static const char  *news_month_abbr[] = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun",
    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

static const char  *news_wday_abbr[] = {
    "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"
};


void
news_html_escape(news_buf_t *b, const char *s, size_t n)
{
    size_t       i, start;
    const char  *rep;

    start = 0;

    for (i = 0; i < n; i++) {

        switch (s[i]) {

        case '&':
            rep = "&amp;";
            break;

        case '<':
            rep = "&lt;";
            break;

        case '>':
            rep = "&gt;";
            break;

        case '"':
            rep = "&quot;";
            break;

        case '\'':
            rep = "&#39;";
            break;

        default:
            continue;
        }

        /* copy plain runs in one go rather than byte by byte */
        news_buf_add(b, s + start, i - start);
        news_buf_adds(b, rep);
        start = i + 1;
    }

    news_buf_add(b, s + start, n - start);
}


void
news_url_arg_escape(news_buf_t *b, const char *s, size_t n)
{
    size_t          i;
    unsigned char   c;

    static const char  hex[] = "0123456789ABCDEF";

    for (i = 0; i < n; i++) {
        c = (unsigned char) s[i];

        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
            || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_'
            || c == '~' || c == '/' || c == '?' || c == '=')
        {
            news_buf_add(b, (const char *) &c, 1);
            continue;
        }

        news_buf_addf(b, "%%%c%c", hex[c >> 4], hex[c & 0x0f]);
    }
}


void
news_json_string(news_buf_t *b, const char *s, size_t n)
{
    char            esc[6];
    size_t          i, start;
    const char     *rep;
    unsigned char   c;

    news_buf_addc(b, '"');

    start = 0;

    for (i = 0; i < n; i++) {
        c = (unsigned char) s[i];

        /*
         * U+2028 and U+2029 are legal in JSON but end a line in older
         * JavaScript parsers, which breaks a script element that embeds us
         */
        if (c == 0xe2 && n - i >= 3
            && (unsigned char) s[i + 1] == 0x80
            && ((unsigned char) s[i + 2] == 0xa8
                || (unsigned char) s[i + 2] == 0xa9))
        {
            news_buf_add(b, s + start, i - start);

            if ((unsigned char) s[i + 2] == 0xa8) {
                news_buf_addl(b, "\\u2028");

            } else {
                news_buf_addl(b, "\\u2029");
            }

            i += 2;
            start = i + 1;
            continue;
        }

        rep = NULL;

        switch (c) {

        case '"':
            rep = "\\\"";
            break;

        case '\\':
            rep = "\\\\";
            break;

        case '\b':
            rep = "\\b";
            break;

        case '\f':
            rep = "\\f";
            break;

        case '\n':
            rep = "\\n";
            break;

        case '\r':
            rep = "\\r";
            break;

        case '\t':
            rep = "\\t";
            break;

        /* "</script>" and "<!--" must not appear inside a script element */
        case '<':
            rep = "\\u003c";
            break;

        case '>':
            rep = "\\u003e";
            break;

        case '&':
            rep = "\\u0026";
            break;

        case '\'':
            rep = "\\u0027";
            break;

        default:
            if (c >= 0x20) {
                continue;
            }
        }

        news_buf_add(b, s + start, i - start);

        if (rep != NULL) {
            news_buf_adds(b, rep);

        } else {
            esc[0] = '\\';
            esc[1] = 'u';
            esc[2] = '0';
            esc[3] = '0';
            esc[4] = news_hex_lower[c >> 4];
            esc[5] = news_hex_lower[c & 0x0f];
            news_buf_add(b, esc, sizeof(esc));
        }

        start = i + 1;
    }

    news_buf_add(b, s + start, n - start);
    news_buf_addc(b, '"');
}


int
news_utf8_valid(const char *s, size_t n)
{
    size_t          i, k, len;
    uint32_t        cp, min;
    unsigned char   c;

    i = 0;

    while (i < n) {
        c = (unsigned char) s[i];

        if (c < 0x80) {
            i++;
            continue;
        }

        if ((c & 0xe0) == 0xc0) {
            len = 2;
            cp = c & 0x1f;
            min = 0x80;

        } else if ((c & 0xf0) == 0xe0) {
            len = 3;
            cp = c & 0x0f;
            min = 0x800;

        } else if ((c & 0xf8) == 0xf0) {
            len = 4;
            cp = c & 0x07;
            min = 0x10000;

        } else {
            /* a stray continuation byte, or F8..FF */
            return 0;
        }

        if (n - i < len) {
            return 0;
        }

        for (k = 1; k < len; k++) {
            c = (unsigned char) s[i + k];

            if ((c & 0xc0) != 0x80) {
                return 0;
            }

            cp = (cp << 6) | (c & 0x3f);
        }

        /* the minimum per length rules out every overlong form */
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            return 0;
        }

        i += len;
    }

    return 1;
}


int
news_has_control(const char *s, size_t n)
{
    size_t         i;
    unsigned char  c;

    for (i = 0; i < n; i++) {
        c = (unsigned char) s[i];

        if (c == 0x7f) {
            return 1;
        }

        if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') {
            return 1;
        }
    }

    return 0;
}


int
news_slugify(news_buf_t *b, const char *title, size_t n)
{
    char           slug[NEWS_SLUG_MAX + 1];
    int            dash;
    size_t         i, len;
    unsigned char  c;

    len = 0;
    dash = 0;

    /*
     * Fill at most one byte past the limit: that byte tells whether the
     * cut falls between words or inside one.
     */

    for (i = 0; i < n && len <= NEWS_SLUG_MAX; i++) {
        c = (unsigned char) title[i];

        if (c >= 'A' && c <= 'Z') {
            c = (unsigned char) (c - 'A' + 'a');

        } else if (!news_is_alnum(c)) {
            /*
             * The dash is only written when a character follows, so runs
             * collapse and nothing leads or trails
             */
            dash = (len > 0);
            continue;
        }

        if (dash) {
            dash = 0;
            slug[len++] = '-';

            if (len > NEWS_SLUG_MAX) {
                break;
            }
        }

        slug[len++] = (char) c;
    }

    if (len > NEWS_SLUG_MAX) {

        if (slug[NEWS_SLUG_MAX] == '-') {
            /* the last word ends exactly at the limit */
            len = NEWS_SLUG_MAX;

        } else {
            for (i = NEWS_SLUG_MAX; i > 0 && slug[i - 1] != '-'; i--) {
                /* void */
            }

            /* a single word longer than the limit can only be cut */
            len = (i == 0) ? NEWS_SLUG_MAX : i - 1;
        }
    }

    if (len == 0) {
        return 0;
    }

    news_buf_add(b, slug, len);

    return 1;
}


int
news_slug_valid(const char *s, size_t n)
{
    size_t         i;
    unsigned char  c;

    if (n == 0 || n > NEWS_SLUG_MAX) {
        return 0;
    }

    if (s[0] == '-' || s[n - 1] == '-') {
        return 0;
    }

    for (i = 0; i < n; i++) {
        c = (unsigned char) s[i];

        if (c == '-') {
            if (s[i - 1] == '-') {
                return 0;
            }

            continue;
        }

        if (!news_is_alnum(c) || (c >= 'A' && c <= 'Z')) {
            return 0;
        }
    }

    return 1;
}


int
news_time_parse(const char *s, size_t n, int64_t *out)
{
    int      year, mon, mday, hour, min, sec, oh, om;
    size_t   i;
    int64_t  t, off;

    /* the shortest form is "YYYY-MM-DDTHH:MM:SSZ" */
    if (n < 20) {
        return -1;
    }

    if (!news_digits(s, 4, &year) || s[4] != '-'
        || !news_digits(s + 5, 2, &mon) || s[7] != '-'
        || !news_digits(s + 8, 2, &mday)
        || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
        || !news_digits(s + 11, 2, &hour) || s[13] != ':'
        || !news_digits(s + 14, 2, &min) || s[16] != ':'
        || !news_digits(s + 17, 2, &sec))
    {
        return -1;
    }

    if (year < 1970 || mon < 1 || mon > 12
        || mday < 1 || mday > news_month_days(year, mon)
        || hour > 23 || min > 59 || sec > 60)
    {
        return -1;
    }

    /* unix time has no leap seconds; 59 keeps the date on the same day */
    if (sec == 60) {
        sec = 59;
    }

    i = 19;

    if (s[i] == '.') {
        i++;

        if (i == n || s[i] < '0' || s[i] > '9') {
            return -1;
        }

        while (i < n && s[i] >= '0' && s[i] <= '9') {
            i++;
        }
    }

    if (i == n) {
        return -1;
    }

    if (s[i] == 'Z' || s[i] == 'z') {
        off = 0;
        i++;

    } else if (s[i] == '+' || s[i] == '-') {

        if (n - i < 6
            || !news_digits(s + i + 1, 2, &oh) || s[i + 3] != ':'
            || !news_digits(s + i + 4, 2, &om)
            || oh > 23 || om > 59)
        {
            return -1;
        }

        off = (int64_t) oh * 3600 + om * 60;

        if (s[i] == '-') {
            off = -off;
        }

        i += 6;

    } else {
        return -1;
    }

    if (i != n) {
        return -1;
    }

    t = news_days_from_civil(year, mon, mday) * NEWS_DAY
        + (int64_t) hour * 3600 + min * 60 + sec;

    /* local time = UTC + offset */
    *out = t - off;

    return 0;
}


/*
 * Digits put by hand: a comment's batch renders seven of these a
 * comment (its record, the thread, summary, teaser), and a printf
 * format costs some 6,000 instructions each.  A year printf would
 * widen or sign is left to it.
 */
void
news_time_rfc3339(news_buf_t *b, int64_t t)
{
    char          s[sizeof("YYYY-MM-DDThh:mm:ssZ") - 1];
    news_civil_t  c;

    news_civil_from_time(t, &c);

    if (c.year < 0 || c.year > 9999) {
        news_buf_addf(b, "%04lld-%02d-%02dT%02d:%02d:%02dZ",
                      (long long) c.year, c.mon, c.mday, c.hour, c.min,
                      c.sec);
        return;
    }

    news_digits_put(s, 4, (unsigned) c.year);
    s[4] = '-';
    news_digits_put(s + 5, 2, (unsigned) c.mon);
    s[7] = '-';
    news_digits_put(s + 8, 2, (unsigned) c.mday);
    s[10] = 'T';
    news_digits_put(s + 11, 2, (unsigned) c.hour);
    s[13] = ':';
    news_digits_put(s + 14, 2, (unsigned) c.min);
    s[16] = ':';
    news_digits_put(s + 17, 2, (unsigned) c.sec);
    s[19] = 'Z';

    news_buf_add(b, s, sizeof(s));
}


/* v in n decimal digits, zero-padded (v < 10^n) */
static void
news_digits_put(char *p, unsigned n, unsigned v)
{
    while (n-- > 0) {
        p[n] = (char) ('0' + v % 10);
        v /= 10;
    }
}


void
news_time_human(news_buf_t *b, int64_t t)
{
    news_civil_t  c;

    news_civil_from_time(t, &c);

    news_buf_addf(b, "%d %s %lld",
                  c.mday, news_month_full[c.mon - 1], (long long) c.year);
}


void
news_time_http(news_buf_t *b, int64_t t)
{
    news_civil_t  c;

    news_civil_from_time(t, &c);

    news_buf_addf(b, "%s, %02d %s %04lld %02d:%02d:%02d GMT",
                  news_wday_abbr[c.wday], c.mday, news_month_abbr[c.mon - 1],
                  (long long) c.year, c.hour, c.min, c.sec);
}


void
news_be64_put(unsigned char *p, uint64_t v)
{
    int  i;

    for (i = 7; i >= 0; i--) {
        p[i] = (unsigned char) (v & 0xff);
        v >>= 8;
    }
}


/* written out, not a loop: the compiler makes it one load and a swap */
uint64_t
news_be64_get(const unsigned char *p)
{
    return (uint64_t) p[0] << 56 | (uint64_t) p[1] << 48
           | (uint64_t) p[2] << 40 | (uint64_t) p[3] << 32
           | (uint64_t) p[4] << 24 | (uint64_t) p[5] << 16
           | (uint64_t) p[6] << 8 | (uint64_t) p[7];
}


void
news_be32_put(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char) (v >> 24);
    p[1] = (unsigned char) (v >> 16);
    p[2] = (unsigned char) (v >> 8);
    p[3] = (unsigned char) v;
}


uint32_t
news_be32_get(const unsigned char *p)
{
    return ((uint32_t) p[0] << 24) | ((uint32_t) p[1] << 16)
           | ((uint32_t) p[2] << 8) | (uint32_t) p[3];
}


void
news_hex_encode(news_buf_t *b, const unsigned char *p, size_t n)
{
    char    *d;
    size_t   i;

    if (n == 0 || news_buf_reserve(b, n * 2) != 0) {
        return;
    }

    d = b->data + b->len;

    for (i = 0; i < n; i++) {
        *d++ = news_hex_lower[p[i] >> 4];
        *d++ = news_hex_lower[p[i] & 0x0f];
    }

    b->len += n * 2;
}


ssize_t
news_hex_decode(const char *s, size_t n, unsigned char *out, size_t cap)
{
    int     hi, lo;
    size_t  i;

    if (n % 2 != 0 || n / 2 > cap) {
        return -1;
    }

    for (i = 0; i < n; i += 2) {
        hi = news_hex_value((unsigned char) s[i]);
        lo = news_hex_value((unsigned char) s[i + 1]);

        if (hi < 0 || lo < 0) {
            return -1;
        }

        out[i / 2] = (unsigned char) (hi << 4 | lo);
    }

    return (ssize_t) (n / 2);
}


int
news_form_field(const char *body, size_t len, const char *name,
    news_buf_t *out)
{
    int             found, match;
    size_t          start, nlen, k, used;
    const char     *p, *q, *end, *eq, *amp;
    unsigned char   c;

    nlen = strlen(name);

    if (len == 0 || nlen == 0) {
        return 0;
    }

    start = out->len;
    found = 0;

    p = body;
    end = body + len;

    for ( ;; ) {
        amp = memchr(p, '&', (size_t) (end - p));
        if (amp == NULL) {
            amp = end;
        }

        eq = memchr(p, '=', (size_t) (amp - p));
        if (eq == NULL) {
            eq = amp;
        }

        /* keys may be encoded too ("a%5Bb%5D"), so compare decoded bytes */

        match = 1;
        k = 0;

        for (q = p; q < eq; q += used) {
            used = news_form_byte(q, eq, &c);
            if (used == 0) {
                goto bad;
            }

            if (k >= nlen || c != (unsigned char) name[k]) {
                match = 0;
            }

            k++;
        }

        if (match && k == nlen) {

            /* a repeated field is ambiguous: refuse it, do not pick one */
            if (found) {
                out->len = start;
                return NEWS_FORM_DUP;
            }

            found = 1;

            q = (eq < amp) ? eq + 1 : amp;

            /* decoding never grows, so one reservation covers the value */
            (void) news_buf_reserve(out, (size_t) (amp - q));

            for ( /* void */ ; q < amp; q += used) {
                used = news_form_byte(q, amp, &c);
                if (used == 0) {
                    goto bad;
                }

                if (!out->failed) {
                    out->data[out->len++] = (char) c;
                }
            }

            if (out->len > start
                && (memchr(out->data + start, '\0', out->len - start)
                    || !news_utf8_valid(out->data + start, out->len - start)))
            {
                goto bad;
            }
        }

        if (amp == end) {
            break;
        }

        p = amp + 1;
    }

    return found;

bad:

    out->len = start;

    return NEWS_FORM_BAD;
}


void
news_trim(const char **s, size_t *n)
{
    while (*n > 0 && news_is_space((unsigned char) (*s)[0])) {
        (*s)++;
        (*n)--;
    }

    while (*n > 0 && news_is_space((unsigned char) (*s)[*n - 1])) {
        (*n)--;
    }
}


static int
news_is_alnum(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
           || (c >= '0' && c <= '9');
}


static int
news_is_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f'
           || c == '\r';
}


static int
news_hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }

    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }

    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }

    return -1;
}


/* exactly n decimal digits; the caller has checked that they are there */

static int
news_digits(const char *s, size_t n, int *v)
{
    int     r;
    size_t  i;

    r = 0;

    for (i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return 0;
        }

        r = r * 10 + (s[i] - '0');
    }

    *v = r;

    return 1;
}


static int
news_is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}


static int
news_month_days(int64_t y, int m)
{
    static const int  days[] = {
        31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
    };

    if (m == 2 && news_is_leap(y)) {
        return 29;
    }

    return days[m - 1];
}


/*
 * The calendar arithmetic counts years from March, so that the leap day
 * is the last day of a year and months have a fixed offset in the year:
 * month m (0 = March) starts on day (153 * m + 2) / 5, which reproduces
 * the 31 30 31 30 31 pattern of March..July and again of August..December.
 */

static int64_t
news_days_before_year(int64_t y)
{
    /* y >= 0, counted in March-based years */
    return y * 365 + y / 4 - y / 100 + y / 400;
}


static int64_t
news_days_from_civil(int64_t y, int m, int d)
{
    int  mm;

    /* callers pass years >= 1970, so no division below sees a negative */

    if (m <= 2) {
        y--;
        mm = m + 9;

    } else {
        mm = m - 3;
    }

    return news_days_before_year(y) + (153 * mm + 2) / 5 + (d - 1)
           - NEWS_EPOCH_DAYS;
}


static void
news_civil_from_time(int64_t t, news_civil_t *c)
{
    int      mm;
    int64_t  days, secs, era, doe, y, doy;

    /* floor division: times before 1970 still give a day and 0..86399 */

    days = t / NEWS_DAY;
    secs = t % NEWS_DAY;

    if (secs < 0) {
        days--;
        secs += NEWS_DAY;
    }

    c->hour = (int) (secs / 3600);
    c->min = (int) (secs / 60 % 60);
    c->sec = (int) (secs % 60);

    /* 1970-01-01 was a Thursday */
    c->wday = (int) ((days % 7 + 11) % 7);

    /*
     * Split the day count into whole 400-year eras, which all have the
     * same length, and a day inside the era, so the rest stays positive
     */

    days += NEWS_EPOCH_DAYS;

    era = days / NEWS_ERA_DAYS;
    if (days % NEWS_ERA_DAYS < 0) {
        era--;
    }

    doe = days - era * NEWS_ERA_DAYS;

    /* doe / 365 overshoots by at most one year */

    y = doe / 365;

    while (news_days_before_year(y) > doe) {
        y--;
    }

    doy = doe - news_days_before_year(y);
    mm = (int) ((5 * doy + 2) / 153);

    c->mday = (int) (doy - (153 * mm + 2) / 5 + 1);
    c->mon = (mm < 10) ? mm + 3 : mm - 9;
    c->year = era * 400 + y + (c->mon <= 2);
}


/*
 * Decodes one byte of a form component at p (p < end): '+' is a space and
 * %XX a byte.  Returns the bytes consumed, or 0 on bad percent-encoding;
 * it never looks at end or beyond.
 */

static size_t
news_form_byte(const char *p, const char *end, unsigned char *c)
{
    int  hi, lo;

    if (*p == '+') {
        *c = ' ';
        return 1;
    }

    if (*p != '%') {
        *c = (unsigned char) *p;
        return 1;
    }

    if (end - p < 3) {
        return 0;
    }

    hi = news_hex_value((unsigned char) p[1]);
    lo = news_hex_value((unsigned char) p[2]);

    if (hi < 0 || lo < 0) {
        return 0;
    }

    *c = (unsigned char) (hi << 4 | lo);

    return 3;
}


const char *
news_url_check(const char *u, size_t n)
{
    size_t  i;

    if (n == 0 || n > 1024) {
        return "must be 1 to 1024 bytes";
    }

    for (i = 0; i < n; i++) {
        if ((unsigned char) u[i] <= 0x20 || (unsigned char) u[i] >= 0x7f
            || strchr("\"'<>\\`;,{}|^", u[i]) != NULL)
        {
            return "must be a URL of printable ASCII without spaces, quotes, "
                   "\"<>\\`;,{}|^\" (percent-encode the rest)";
        }
    }

    if (n >= 2 && u[0] == '/' && u[1] == '/') {
        return "must be a path or an http:// or https:// URL, "
               "not scheme-relative";
    }

    for (i = 0; i < n && u[i] != '/' && u[i] != '?' && u[i] != '#'; i++) {
        if (u[i] != ':') {
            continue;
        }

        if (!((i == 4 && strncasecmp(u, "http", 4) == 0)
              || (i == 5 && strncasecmp(u, "https", 5) == 0))
            || n < i + 4 || u[i + 1] != '/' || u[i + 2] != '/'
            || u[i + 3] == '/')
        {
            return "must be a path or an http:// or https:// URL";
        }

        break;
    }

    return NULL;
}
