/*
 * The postings' block format, private to the index (search.c, which
 * writes and checks blocks) and its queries (search_query.c, which read
 * them); search.h describes the format.  It includes nothing of theirs,
 * so that neither half includes the other.
 */

#ifndef NEWS_SEARCH_BLOCK_H
#define NEWS_SEARCH_BLOCK_H

#include <stdint.h>

#include "buf.h"
#include "store.h"


#define NEWS_BLOCK_PAIRS   4        /* (wtf, norm) bounds of a block */


/* a posting: one document of a term */
typedef struct {
    uint32_t        doc;
    uint32_t        wtf;
    uint32_t        norm;       /* the doc's weighted length, in a byte */
    uint32_t        pos_len;
    const uint8_t  *pos;
} news_posting_t;


/*
 * A term's directory (postings key term . 1, after its blocks), so that a
 * query reads one value for its blocks' bounds, and of it only the part
 * it needs: its blocks in groups of NEWS_DIR_GROUP in doc order, each
 * group summed up first, then every block's entry.
 *
 *   varint the groups; each group: be32 its first doc, be32 its last,
 *   varint its docs, varint its blocks, varint the bytes of their
 *   entries, a byte n and n (varint wtf, byte norm) pairs that bound
 *   every pair of its blocks (merged past NEWS_BLOCK_PAIRS as a block's
 *   are);
 *   then each block in doc order: be32 its first doc (its key's) and its
 *   header as the block has it (be32 last doc, be16 count, the byte n
 *   and n pairs).
 *
 * A query bounds a group by its pairs and reads the entries of the
 * groups whose bound can still make its results (a word of every article
 * has hundreds of blocks; a query reads a few).  Written with every
 * block write of the term, in the same txn (schema 11; schema 9 and 10
 * had the entries alone).
 */
#define NEWS_DIR_MARK   '\1'
#define NEWS_DIR_GROUP  16
#define NEWS_DIR_PAIRS  8        /* (wtf, norm) bounds of a group */

typedef struct {
    uint32_t        first;
    uint32_t        last;
    unsigned        count;
    unsigned        npairs;
    uint32_t        wtf[NEWS_BLOCK_PAIRS];
    uint8_t         norm[NEWS_BLOCK_PAIRS];
} news_dir_entry_t;

typedef struct {
    uint32_t        first;
    uint32_t        last;
    uint32_t        docs;
    uint32_t        blocks;
    size_t          bytes;
    unsigned        npairs;
    uint32_t        wtf[NEWS_DIR_PAIRS];
    uint8_t         norm[NEWS_DIR_PAIRS];
} news_dir_group_t;

/*
 * The entry (or group) at *s, before end, into e (*s moves past it): 0,
 * or -1 when it does not decode.
 */
int news_dir_entry(const uint8_t **s, const uint8_t *end,
    news_dir_entry_t *e);
int news_dir_group(const uint8_t **s, const uint8_t *end,
    news_dir_group_t *g);

/*
 * A directory appended to dir from its entries[0 .. n) (at least one):
 * 0, or -1 when an entry does not decode or memory ran out (dir->failed).
 */
int news_dir_build(news_buf_t *dir, const uint8_t *entries, size_t n);

/*
 * The directory of a term's blocks as they are (their headers walked
 * with a cursor), appended to dir (nothing: no blocks): for newsctl
 * check, and for a query in a store of an older schema opened read-only,
 * whose directories are not of this form.  0, or an LMDB error
 * (MDB_CORRUPTED: a header that does not decode).
 */
int news_dir_from_blocks(MDB_txn *txn, MDB_dbi dbi, const char *term,
    size_t len, news_buf_t *dir);

/*
 * A block's postings (at most NEWS_BLOCK_DOCS, into p; *n of them) from
 * its value and its first doc (from its key): 0, or -1 when corrupt.
 * The positions point into val.
 */
int news_block_decode(const MDB_val *val, uint32_t first,
    news_posting_t *p, unsigned *n);

/*
 * The same in two steps, for a query, which reads positions only for a
 * phrase or a page's hits: the postings without their positions (pos
 * NULL), and *positions, where they start; then the positions of those
 * n postings from there to the block's end: 0, or -1 when corrupt.
 */
int news_block_postings(const MDB_val *val, uint32_t first,
    news_posting_t *p, unsigned *n, const uint8_t **positions);
int news_block_positions(const uint8_t *s, const uint8_t *end,
    news_posting_t *p, unsigned n);

/*
 * A varint at *p, before end, into v (*p moves past it): 0, or -1.
 * Inline: a block's decoding is two of these a posting, most of them one
 * byte, and a query decodes thousands of postings.
 */
static inline int
news_varint_get(const uint8_t **p, const uint8_t *end, uint32_t *v)
{
    unsigned        shift;
    uint32_t        r;
    const uint8_t  *s;

    s = *p;

    if (s < end && !(*s & 0x80)) {
        *p = s + 1;
        *v = *s;
        return 0;
    }

    r = 0;

    for (shift = 0; s < end && shift < 35; s++, shift += 7) {
        r |= (uint32_t) (*s & 0x7f) << shift;

        if (!(*s & 0x80)) {
            *p = s + 1;
            *v = r;
            return 0;
        }
    }

    return -1;
}


#endif /* NEWS_SEARCH_BLOCK_H */
