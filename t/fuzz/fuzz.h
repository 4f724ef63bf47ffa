/*
 * Shared helpers of the libFuzzer targets (see fuzz.mk at the top level).
 *
 * Every target copies its input into a heap block of exactly its length,
 * so that AddressSanitizer reports any read past the end: the engine reads
 * request bodies and LMDB values by length, never up to a NUL.  A broken
 * invariant calls FUZZ_CHECK(), which prints the line and aborts, and
 * libFuzzer saves the input as a crash.
 */

#ifndef NEWS_FUZZ_H
#define NEWS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"


#define FUZZ_CHECK(cond)                                                      \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "%s:%d: invariant failed: %s\n",                  \
                    __FILE__, __LINE__, #cond);                               \
            abort();                                                          \
        }                                                                     \
    } while (0)


/* a heap copy of exactly n bytes (one byte when n is 0) */
static inline char *
fuzz_exact(const uint8_t *data, size_t n)
{
    char  *p;

    p = malloc(n ? n : 1);
    if (p == NULL) {
        abort();
    }

    if (n) {
        memcpy(p, data, n);
    }

    return p;
}


/* a heap copy with a NUL after the n bytes */
static inline char *
fuzz_cstr(const uint8_t *data, size_t n)
{
    char  *p;

    p = malloc(n + 1);
    if (p == NULL) {
        abort();
    }

    if (n) {
        memcpy(p, data, n);
    }

    p[n] = '\0';

    return p;
}


static inline int
fuzz_memmem_ci(const char *h, size_t hn, const char *needle)
{
    size_t  i, k, nn;
    char    c;

    nn = strlen(needle);

    for (i = 0; i + nn <= hn; i++) {
        for (k = 0; k < nn; k++) {
            c = h[i + k];
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c - 'A' + 'a');
            }

            if (c != needle[k]) {
                break;
            }
        }

        if (k == nn) {
            return 1;
        }
    }

    return 0;
}

#endif /* NEWS_FUZZ_H */
