/*
 * news_page_parse() on raw bytes: a stored fragment read back from LMDB,
 * which a damaged or foreign store can make anything.  A parse that
 * succeeds names parts inside the input only, in order, and writing the
 * header and parts again gives a prefix of the input.
 */

#include "fuzz.h"
#include "render.h"
#include "text.h"


int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char           *s;
    size_t          off;
    unsigned        i;
    news_page_t     pg;
    unsigned char   h[NEWS_PAGE_HEADER];
    volatile char   sink;

    s = fuzz_exact(data, size);

    if (news_page_parse(s, size, &pg) == 0) {
        FUZZ_CHECK(size >= NEWS_PAGE_HEADER && pg.nparts <= NEWS_PARTS_MAX);

        news_be64_put(h, (uint64_t) pg.published_at);
        news_be64_put(h + 8, (uint64_t) pg.modified_at);
        news_be32_put(h + 16, pg.version);
        news_be32_put(h + 20, pg.status);
        news_be32_put(h + 24, pg.nparts);
        FUZZ_CHECK(memcmp(h, s, NEWS_PAGE_HEADER) == 0);

        off = NEWS_PAGE_HEADER;

        for (i = 0; i < pg.nparts; i++) {
            FUZZ_CHECK(news_be32_get((unsigned char *) s + off)
                       == pg.part[i].len);
            off += 4;

            FUZZ_CHECK(pg.part[i].data == s + off);
            FUZZ_CHECK(pg.part[i].len <= size - off);

            /* touch both ends, so ASan sees any part outside the input */
            if (pg.part[i].len) {
                sink = pg.part[i].data[0];
                sink = pg.part[i].data[pg.part[i].len - 1];
            }

            off += pg.part[i].len;
        }

        (void) sink;
        FUZZ_CHECK(off <= size);
    }

    free(s);

    return 0;
}
