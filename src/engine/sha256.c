/*
 * SHA-256 after FIPS 180-4, section 6.2; checked against the NIST
 * examples in t/unit/test_users.c.
 */

#include <errno.h>
#include <string.h>
#include <sys/random.h>

#include "sha256.h"


#define ROR(x, n)  (((x) >> (n)) | ((x) << (32 - (n))))


static const uint32_t  news_sha256_k[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
    0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
    0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
    0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
    0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
    0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
    0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
    0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
    0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};


static void news_sha256_block(news_sha256_t *s, const unsigned char *p);


void
news_sha256_init(news_sha256_t *s)
{
    static const uint32_t  h0[8] = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
        0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
    };

    memcpy(s->h, h0, sizeof(h0));
    s->total = 0;
    s->used = 0;
}


static void
news_sha256_block(news_sha256_t *s, const unsigned char *p)
{
    int       i;
    uint32_t  w[64], a, b, c, d, e, f, g, h, t1, t2;

    for (i = 0; i < 16; i++) {
        w[i] = (uint32_t) p[4 * i] << 24 | (uint32_t) p[4 * i + 1] << 16
               | (uint32_t) p[4 * i + 2] << 8 | (uint32_t) p[4 * i + 3];
    }

    for (i = 16; i < 64; i++) {
        w[i] = (ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10))
               + w[i - 7]
               + (ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3))
               + w[i - 16];
    }

    a = s->h[0]; b = s->h[1]; c = s->h[2]; d = s->h[3];
    e = s->h[4]; f = s->h[5]; g = s->h[6]; h = s->h[7];

    for (i = 0; i < 64; i++) {
        t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g))
             + news_sha256_k[i] + w[i];
        t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22))
             + ((a & b) ^ (a & c) ^ (b & c));
        h = g; g = f; f = e; e = d + t1;
        d = c; c = b; b = a; a = t1 + t2;
    }

    s->h[0] += a; s->h[1] += b; s->h[2] += c; s->h[3] += d;
    s->h[4] += e; s->h[5] += f; s->h[6] += g; s->h[7] += h;
}


void
news_sha256_update(news_sha256_t *s, const void *data, size_t n)
{
    size_t                take;
    const unsigned char  *p;

    p = data;
    s->total += n;

    while (n) {
        take = 64 - s->used;
        if (take > n) {
            take = n;
        }

        memcpy(s->block + s->used, p, take);
        s->used += take;
        p += take;
        n -= take;

        if (s->used == 64) {
            news_sha256_block(s, s->block);
            s->used = 0;
        }
    }
}


void
news_sha256_final(news_sha256_t *s, unsigned char out[NEWS_SHA256_LEN])
{
    int       i;
    uint64_t  bits;

    bits = s->total * 8;

    s->block[s->used++] = 0x80;

    if (s->used > 56) {
        memset(s->block + s->used, 0, 64 - s->used);
        news_sha256_block(s, s->block);
        s->used = 0;
    }

    memset(s->block + s->used, 0, 56 - s->used);

    for (i = 0; i < 8; i++) {
        s->block[56 + i] = (unsigned char) (bits >> (56 - 8 * i));
    }

    news_sha256_block(s, s->block);

    for (i = 0; i < 8; i++) {
        out[4 * i] = (unsigned char) (s->h[i] >> 24);
        out[4 * i + 1] = (unsigned char) (s->h[i] >> 16);
        out[4 * i + 2] = (unsigned char) (s->h[i] >> 8);
        out[4 * i + 3] = (unsigned char) s->h[i];
    }
}


void
news_sha256(const void *p, size_t n, unsigned char out[NEWS_SHA256_LEN])
{
    news_sha256_t  s;

    news_sha256_init(&s);
    news_sha256_update(&s, p, n);
    news_sha256_final(&s, out);
}


int
news_random(void *p, size_t n)
{
    ssize_t         got;
    unsigned char  *q;

    q = p;

    while (n) {
        got = getrandom(q, n, 0);

        /*
         * getrandom blocks, and so may be interrupted (EINTR), only until
         * the kernel's pool is first ready at boot; past that only a
         * kernel without it (ENOSYS, before Linux 3.17) fails: no test
         * meets either
         */
        if (got < 0) {
            if (errno == EINTR) {
                continue;
            }

            return -1;
        }

        q += got;
        n -= (size_t) got;
    }

    return 0;
}
