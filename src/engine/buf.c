/*
 * The engine's growable buffer; see buf.h.
 */

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"


void
news_buf_init(news_buf_t *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->failed = 0;
}


void
news_buf_free(news_buf_t *b)
{
    free(b->data);
    news_buf_init(b);
}


void
news_buf_reset(news_buf_t *b)
{
    b->len = 0;
    b->failed = 0;
}


int
news_buf_reserve(news_buf_t *b, size_t extra)
{
    char    *p;
    size_t   cap;

    if (b->failed) {
        return -1;
    }

    /* one spare byte always, so that news_buf_cstr() never reallocates */
    if (b->len + extra + 1 <= b->cap) {
        return 0;
    }

    cap = b->cap ? b->cap : 256;

    while (cap < b->len + extra + 1) {
        cap *= 2;
    }

    p = realloc(b->data, cap);
    if (p == NULL) {
        b->failed = 1;
        return -1;
    }

    b->data = p;
    b->cap = cap;

    return 0;
}


void
news_buf_add(news_buf_t *b, const void *p, size_t n)
{
    if (n == 0 || news_buf_reserve(b, n) != 0) {
        return;
    }

    memcpy(b->data + b->len, p, n);
    b->len += n;
}


void
news_buf_adds(news_buf_t *b, const char *s)
{
    news_buf_add(b, s, strlen(s));
}


void
news_buf_addc(news_buf_t *b, char c)
{
    news_buf_add(b, &c, 1);
}


/*
 * Formatted once into the room left (a page's forms and links fit it
 * nearly always), and again only when it did not fit
 */
void
news_buf_addf(news_buf_t *b, const char *fmt, ...)
{
    int      n;
    size_t   room;
    va_list  ap;

    if (news_buf_reserve(b, 64) != 0) {
        return;
    }

    room = b->cap - b->len;

    va_start(ap, fmt);
    n = vsnprintf(b->data + b->len, room, fmt, ap);
    va_end(ap);

    if (n < 0) {
        b->failed = 1;
        return;
    }

    if ((size_t) n >= room) {
        if (news_buf_reserve(b, (size_t) n) != 0) {
            return;
        }

        va_start(ap, fmt);
        vsnprintf(b->data + b->len, (size_t) n + 1, fmt, ap);
        va_end(ap);
    }

    b->len += (size_t) n;
}


void
news_buf_add_be32(news_buf_t *b, uint32_t v)
{
    unsigned char  p[4];

    p[0] = (unsigned char) (v >> 24);
    p[1] = (unsigned char) (v >> 16);
    p[2] = (unsigned char) (v >> 8);
    p[3] = (unsigned char) v;

    news_buf_add(b, p, 4);
}


const char *
news_buf_cstr(news_buf_t *b)
{
    if (news_buf_reserve(b, 0) != 0) {
        return "";
    }

    b->data[b->len] = '\0';

    return b->data;
}
