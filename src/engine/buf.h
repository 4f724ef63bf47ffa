/*
 * One growable byte buffer, used by every renderer of the engine.
 *
 * The engine never allocates from nginx pools: it writes into a news_buf_t
 * (malloc-backed), and the glue copies the result where it must live.
 * A failed allocation sets buf->failed and turns every later append into a
 * no-op, so renderers can append freely and check once at the end.
 */

#ifndef NEWS_BUF_H
#define NEWS_BUF_H

#include <stddef.h>
#include <stdint.h>


typedef struct {
    char    *data;
    size_t   len;
    size_t   cap;
    int      failed;
} news_buf_t;


void news_buf_init(news_buf_t *b);
void news_buf_free(news_buf_t *b);
void news_buf_reset(news_buf_t *b);
int news_buf_reserve(news_buf_t *b, size_t extra);
void news_buf_add(news_buf_t *b, const void *p, size_t n);
void news_buf_adds(news_buf_t *b, const char *s);
void news_buf_addc(news_buf_t *b, char c);
void news_buf_addf(news_buf_t *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void news_buf_add_be32(news_buf_t *b, uint32_t v);

/* the contents as a NUL-terminated string (the NUL is not counted in len) */
const char *news_buf_cstr(news_buf_t *b);

#define news_buf_addl(b, lit)  news_buf_add((b), (lit), sizeof(lit) - 1)

#endif /* NEWS_BUF_H */
