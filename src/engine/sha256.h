/*
 * SHA-256 (FIPS 180-4), for session and CSRF tokens only.
 *
 * The engine may not use OpenSSL, and libargon2 keeps its BLAKE2b
 * private, so this small, test-vector-checked implementation is ours.
 * Tokens are 256 bits from getrandom(), so a plain hash (not a slow
 * one) is the right tool: nobody can guess the preimage.
 */

#ifndef NEWS_SHA256_H
#define NEWS_SHA256_H

#include <stddef.h>
#include <stdint.h>


#define NEWS_SHA256_LEN  32


typedef struct {
    uint32_t       h[8];
    uint64_t       total;
    size_t         used;
    unsigned char  block[64];
} news_sha256_t;


void news_sha256_init(news_sha256_t *s);
void news_sha256_update(news_sha256_t *s, const void *p, size_t n);
void news_sha256_final(news_sha256_t *s, unsigned char out[NEWS_SHA256_LEN]);

/* the digest of p[0..n) in one call */
void news_sha256(const void *p, size_t n, unsigned char out[NEWS_SHA256_LEN]);

/* n bytes from the kernel's CSPRNG (getrandom); 0, or -1 with errno */
int news_random(void *p, size_t n);

#endif /* NEWS_SHA256_H */
