/*
 * An article's comment pages as readers see them (articles.h,
 * news_cpage_t): each stored page read with the threads written beside
 * it, in one cursor walk, and put together; and each written back, whole
 * or as its frame and the chunks of its threads that changed, for the
 * batch's flush (publish_pages.c) and an article's whole write
 * (publish.c).
 */

#include <string.h>

#include "articles.h"
#include "text.h"


static void news_comment_pages_key(unsigned char *k, uint64_t id,
    unsigned page);
static int news_comment_pages_cursor(news_store_t *st, MDB_txn *txn,
    uint64_t id, unsigned page, unsigned char *k, MDB_val *key,
    MDB_cursor **cur);
static int news_cpage_parse(const void *p, size_t n, news_cpage_t *cp);
static void news_comment_pieces_key(unsigned char *k, uint64_t id,
    unsigned page);
static void news_cpage_swap(news_cpage_t *cp, size_t i, size_t j);
static void news_swap(void *x, void *y, size_t n);
static int news_cpage_walk(MDB_cursor *cur, news_cpage_t *cp,
    const unsigned char *prefix, MDB_cursor_op first, int old);
static int news_cpage_piece(news_cpage_t *cp, uint64_t top,
    const void *html, size_t len, int old, size_t *at);
static size_t news_cpage_find(const news_cpage_t *cp, uint64_t top,
    size_t from);
static int news_cpage_chunk(news_cpage_t *cp, size_t k, uint64_t top,
    unsigned i, const MDB_val *val);
static const news_str_t *news_cpage_more(const news_cpage_t *cp, size_t k,
    size_t *n);
static size_t news_cpage_thread_len(const news_cpage_t *cp, size_t k);
static int news_cpage_join(news_cpage_t *cp);
static int news_cpage_beside(const news_cpage_t *cp,
    const news_buf_t *frame);
static int news_cpage_inline(const news_cpage_t *cp, size_t k);
static int news_cpage_save_pieces(news_store_t *st, MDB_txn *txn,
    uint64_t id, unsigned page, news_cpage_t *cp, const news_buf_t *frame,
    int beside, news_err_t *err);
static uint64_t news_chunks_same(const news_str_t *now,
    const news_str_t *was);
static int news_piece_write(news_store_t *st, MDB_txn *txn, uint64_t id,
    unsigned page, uint64_t top, const news_str_t *html, uint64_t same,
    unsigned had, int empty, news_err_t *err);
static void news_chunk_key(unsigned char *k, uint64_t id, unsigned page,
    uint64_t top, unsigned i, MDB_val *key);
static int news_cpage_put(news_store_t *st, MDB_txn *txn, MDB_val *key,
    const void *data, size_t len, news_err_t *err);
static int news_pieces_drop_old(news_store_t *st, MDB_txn *txn,
    uint64_t id, unsigned page, news_err_t *err);
static int news_cpage_old(const news_cpage_t *cp);
static int news_comment_pages_rechunk(news_store_t *st, MDB_txn *txn,
    uint64_t id, unsigned page, news_err_t *err);


static void
news_comment_pages_key(unsigned char *k, uint64_t id, unsigned page)
{
    news_be64_put(k, id);
    k[8] = NEWS_FRAG_COMMENTS;
    news_be32_put(k + 9, page);
}


/* where the pieces of comment page `page` begin: its number inverted */
static void
news_comment_pieces_key(unsigned char *k, uint64_t id, unsigned page)
{
    news_be64_put(k, id);
    k[8] = NEWS_FRAG_PIECES;
    news_be32_put(k + 9, ~page);
}


/* a cursor on the pages, and the key k of comment page `page`: LMDB's code */
static int
news_comment_pages_cursor(news_store_t *st, MDB_txn *txn, uint64_t id,
    unsigned page, unsigned char *k, MDB_val *key, MDB_cursor **cur)
{
    news_comment_pages_key(k, id, page);
    key->mv_data = k;
    key->mv_size = 13;

    return mdb_cursor_open(txn, st->dbi[NEWS_DB_PAGES], cur);
}


void
news_cpage_init(news_cpage_t *cp)
{
    cp->raw.data = NULL;
    cp->raw.len = 0;
    cp->named = 0;
    cp->start = 0;
    cp->end = 0;
    cp->n = 0;
    cp->pieced = 0;
    cp->regular = 0;
    cp->pieces = 0;
    cp->old = 0;
    cp->bytes = 0;
    cp->split = 0;
    memset(cp->chunks, 0, sizeof(cp->chunks));
    memset(cp->more_at, 0, sizeof(cp->more_at));
    news_buf_init(&cp->more);
    news_buf_init(&cp->joined);
}


void
news_cpage_free(news_cpage_t *cp)
{
    news_buf_free(&cp->more);
    news_buf_free(&cp->joined);
}


/* the page with every piece's chunks joined: what a writer compares */
int
news_article_comment_page(news_store_t *st, MDB_txn *txn, uint64_t id,
    unsigned page, news_cpage_t *cp)
{
    int  rc;

    rc = news_cpage_read(st, txn, id, page, cp);

    if (rc == NEWS_OK && news_cpage_join(cp) != 0) {
        return NEWS_ERROR;
    }

    return rc;
}


/*
 * A reader's page: its chunks copied once, from the map into b, inside
 * the read txn; nothing of the map kept past it
 */
int
news_article_comment_html(news_store_t *st, MDB_txn *txn, uint64_t id,
    unsigned page, news_buf_t *b, news_str_t *html)
{
    int           rc;
    news_cpage_t  cp;

    rc = news_cpage_read(st, txn, id, page, &cp);

    if (rc == NEWS_OK && news_cpage_html(&cp, b, html) != 0) {
        rc = NEWS_ERROR;
    }

    news_cpage_free(&cp);

    return rc;
}


/*
 * Comment page N of an article and the pieces beside it (articles.h):
 * the page's key, then the keys that begin with it, a piece's first
 * chunk (longer by a top's id) and its next ones (by a chunk's number),
 * in one walk.  A piece's chunks are left where they are (th: its first;
 * cp->more: the others), so that a reader copies each once.
 */
int
news_cpage_read(news_store_t *st, MDB_txn *txn, uint64_t id,
    unsigned page, news_cpage_t *cp)
{
    int            rc;
    size_t         k, n;
    MDB_val        key, val;
    MDB_cursor    *cur;
    unsigned char  pk[13], nk[13];

    news_cpage_init(cp);

    rc = news_comment_pages_cursor(st, txn, id, page, pk, &key, &cur);
    if (rc != 0) {
        return news_store_code(rc);
    }

    rc = mdb_cursor_get(cur, &key, &val, MDB_SET_KEY);

    if (rc == 0 && news_cpage_parse(val.mv_data, val.mv_size, cp) != 0) {
        rc = MDB_CORRUPTED;
    }

    /* pieces where a store of schema 11 or older put them, then its own */
    if (rc == 0) {
        rc = news_cpage_walk(cur, cp, pk, MDB_NEXT, 1);
    }

    if (rc == -1) {
        n = cp->n;
        news_comment_pieces_key(nk, id, page);
        key.mv_data = nk;
        key.mv_size = sizeof(nk);
        rc = news_cpage_walk(cur, cp, nk, MDB_SET_RANGE, 0);

        /* threads new there came newest first: in their order again */
        for (k = n, n = cp->n; n > 0 && k < n - 1; k++, n--) {
            news_cpage_swap(cp, k, n - 1);
        }
    }

    mdb_cursor_close(cur);

    if (rc != -1) {
        return news_store_code(rc);
    }

    /* a piece's chunks but its last are full (news_cpage_chunk) */
    for (k = 0; k < cp->n; k++) {
        if (cp->chunks[k] > 0 && cp->piece[k].len <= NEWS_CHUNK_BYTES) {
            cp->regular |= (uint64_t) 1 << k;
        }
    }

    return NEWS_OK;
}


/*
 * The keys that begin with prefix (13 bytes), from where `first` puts
 * the cursor: a piece's first chunk (longer by a top's id) and its next
 * ones (by a chunk's number); -1 once past them (else LMDB's code).  In
 * the older place (old), a piece is one value, of the top's id as it is;
 * in this one, a top's id and its page's number are stored inverted, so
 * that a page's newest thread comes first, next to the fragments a
 * comment writes with it (articles.h).
 */
static int
news_cpage_walk(MDB_cursor *cur, news_cpage_t *cp,
    const unsigned char *prefix, MDB_cursor_op first, int old)
{
    int                   rc;
    size_t                k;
    uint64_t              top;
    MDB_val               key, val;
    const unsigned char  *p;

    key.mv_data = (void *) prefix;
    key.mv_size = 13;
    k = NEWS_COMMENTS_PAGE;

    for (rc = mdb_cursor_get(cur, &key, &val, first); rc == 0;
         rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT))
    {
        p = key.mv_data;

        if ((key.mv_size != NEWS_PIECE_KEY && key.mv_size != NEWS_CHUNK_KEY)
            || memcmp(p, prefix, 13) != 0)
        {
            return -1;
        }

        top = news_be64_get(p + 13);
        top = old ? top : ~top;

        if (key.mv_size == NEWS_PIECE_KEY
            ? news_cpage_piece(cp, top, val.mv_data, val.mv_size, old, &k)
            : news_cpage_chunk(cp, k, top, (unsigned) (p[21] << 8 | p[22]),
                               &val))
        {
            return MDB_CORRUPTED;
        }
    }

    return rc == MDB_NOTFOUND ? -1 : rc;
}


/* threads i and j of cp change places, with what the walk keeps of them */
static void
news_cpage_swap(news_cpage_t *cp, size_t i, size_t j)
{
    uint64_t  bi, bj;

    news_swap(&cp->ids[i], &cp->ids[j], sizeof(cp->ids[i]));
    news_swap(&cp->th[i], &cp->th[j], sizeof(cp->th[i]));
    news_swap(&cp->piece[i], &cp->piece[j], sizeof(cp->piece[i]));
    news_swap(&cp->chunks[i], &cp->chunks[j], sizeof(cp->chunks[i]));
    news_swap(&cp->more_at[i], &cp->more_at[j], sizeof(cp->more_at[i]));

    bi = (uint64_t) 1 << i;
    bj = (uint64_t) 1 << j;

    if (!(cp->pieced & bi) != !(cp->pieced & bj)) {
        cp->pieced ^= bi | bj;
    }

    if (!(cp->split & bi) != !(cp->split & bj)) {
        cp->split ^= bi | bj;
    }
}


/* n bytes (at most 16) at x and at y change places */
static void
news_swap(void *x, void *y, size_t n)
{
    unsigned char  t[16];

    memcpy(t, x, n);
    memcpy(x, y, n);
    memcpy(y, t, n);
}


/*
 * A stored comment page read (render.h): where its threads are, when it
 * says (a page of two parts, stored before they were named, has their
 * bounds alone; one part: the HTML alone); no piece yet
 */
static int
news_cpage_parse(const void *p, size_t n, news_cpage_t *cp)
{
    const unsigned char  *off;

    cp->raw.data = p;
    cp->raw.len = n;

    if (news_page_parse(p, n, &cp->page) != 0
        || cp->page.nparts < 1 || cp->page.nparts > 3)
    {
        return -1;
    }

    if (cp->page.nparts == 1) {
        return 0;
    }

    if (news_comment_page_threads(&cp->page, cp->th, cp->ids,
                                  NEWS_COMMENTS_PAGE, &cp->n)
        != 0)
    {
        return -1;
    }

    off = (const unsigned char *) cp->page.part[1].data;
    cp->named = (cp->page.nparts == 3);
    cp->start = news_be32_get(off);
    cp->end = news_be32_get(off + cp->page.part[1].len - 4);

    return cp->start <= cp->end && cp->end <= cp->page.part[0].len ? 0 : -1;
}


/*
 * A piece's first chunk, put in its thread's place, or after the page's
 * threads: only beside a page that names its threads and shows a list
 * of them (the pieces go inside it); *at: the thread's place.  One in
 * the older place (old) counts no chunk: it is to be written again.
 */
static int
news_cpage_piece(news_cpage_t *cp, uint64_t top, const void *html,
    size_t len, int old, size_t *at)
{
    size_t  k;

    if (!cp->named || cp->start == 0) {
        return -1;
    }

    k = news_cpage_find(cp, top, *at);

    if (k == cp->n) {
        if (cp->n == NEWS_COMMENTS_PAGE) {
            return -1;
        }

        cp->ids[cp->n++] = top;
    }

    cp->th[k].data = html;
    cp->th[k].len = len;
    cp->piece[k] = cp->th[k];
    cp->chunks[k] = !old;
    cp->old += old;
    cp->pieced |= (uint64_t) 1 << k;
    cp->pieces++;
    cp->bytes += len;
    *at = k;

    return 0;
}


/*
 * Thread top's place on the page (cp->n: none), next to `from`, the
 * place of the piece read before it, first: the walk reads pieces newest
 * first (in the older place, oldest first), so that a full page's walk
 * looks at each place once or twice, not at every place for each piece
 */
static size_t
news_cpage_find(const news_cpage_t *cp, uint64_t top, size_t from)
{
    size_t  k;

    from = from < cp->n ? from : cp->n;

    if (from > 0 && cp->ids[from - 1] == top) {
        return from - 1;
    }

    if (from + 1 < cp->n && cp->ids[from + 1] == top) {
        return from + 1;
    }

    for (k = 0; k < cp->n && cp->ids[k] != top; k++) {
        /* void */
    }

    return k;
}


/*
 * Chunk i of the piece just read (at k): of its top, the next in order,
 * after chunks of NEWS_CHUNK_BYTES each; kept where it is stored, after
 * the piece's others in cp->more (from cp->more_at[k], bit k of
 * cp->split)
 */
static int
news_cpage_chunk(news_cpage_t *cp, size_t k, uint64_t top, unsigned i,
    const MDB_val *val)
{
    size_t             n;
    news_str_t         c;
    const news_str_t  *more;

    if (k >= cp->n || top != cp->ids[k] || cp->chunks[k] == 0
        || i != cp->chunks[k]
        || val->mv_size == 0 || val->mv_size > NEWS_CHUNK_BYTES)
    {
        return -1;
    }

    /* the chunk before it is full */
    more = news_cpage_more(cp, k, &n);
    c = n ? more[n - 1] : cp->piece[k];

    if (c.len != NEWS_CHUNK_BYTES
        || (n == 0 && cp->more.len / sizeof(news_str_t) > UINT16_MAX))
    {
        return -1;
    }

    if (n == 0) {
        cp->more_at[k] = (uint16_t) (cp->more.len / sizeof(news_str_t));
        cp->split |= (uint64_t) 1 << k;
    }

    c.data = val->mv_data;
    c.len = val->mv_size;
    news_buf_add(&cp->more, &c, sizeof(c));
    cp->chunks[k]++;
    cp->bytes += c.len;

    /* out of memory: the walk ends, the page unread */
    return cp->more.failed ? -1 : 0;
}


/* the chunks of thread k after its first (*n of them; none once joined) */
static const news_str_t *
news_cpage_more(const news_cpage_t *cp, size_t k, size_t *n)
{
    if (!(cp->split >> k & 1)) {
        *n = 0;
        return NULL;
    }

    *n = (size_t) cp->chunks[k] - 1;

    return (const news_str_t *) (void *) cp->more.data + cp->more_at[k];
}


/* thread k's HTML: its bytes, in its chunks or in one piece */
static size_t
news_cpage_thread_len(const news_cpage_t *cp, size_t k)
{
    size_t             i, n, len;
    const news_str_t  *more;

    more = news_cpage_more(cp, k, &n);

    for (i = 0, len = cp->th[k].len; i < n; i++) {
        len += more[i].len;
    }

    return len;
}


/*
 * Every piece of several chunks in one piece, in cp->joined (sized once,
 * so that what points into it stays put), for what compares or renders
 * a thread whole
 */
static int
news_cpage_join(news_cpage_t *cp)
{
    size_t             i, k, n, at, total;
    const news_str_t  *more;

    for (k = 0, total = 0; k < cp->n; k++) {
        total += (cp->split >> k & 1) ? news_cpage_thread_len(cp, k) : 0;
    }

    if (total == 0 || news_buf_reserve(&cp->joined, total) != 0) {
        return total == 0 ? 0 : -1;
    }

    for (k = 0; k < cp->n; k++) {
        more = news_cpage_more(cp, k, &n);

        if (more == NULL) {
            continue;
        }

        at = cp->joined.len;
        news_buf_add(&cp->joined, cp->th[k].data, cp->th[k].len);

        for (i = 0; i < n; i++) {
            news_buf_add(&cp->joined, more[i].data, more[i].len);
        }

        cp->piece[k].data = cp->joined.data + at;
        cp->piece[k].len = cp->joined.len - at;
        cp->th[k] = cp->piece[k];
    }

    cp->split = 0;

    return cp->joined.failed ? -1 : 0;
}


/*
 * The frame's bytes around its threads and each thread's, its chunks
 * where they are stored: b grows once, to the page's size
 */
int
news_cpage_html(const news_cpage_t *cp, news_buf_t *b, news_str_t *html)
{
    size_t             i, k, n, at, len;
    const news_str_t  *page, *more;

    page = &cp->page.part[0];

    if (cp->pieces == 0) {
        *html = *page;
        return 0;
    }

    for (k = 0, len = cp->start + page->len - cp->end; k < cp->n; k++) {
        len += news_cpage_thread_len(cp, k);
    }

    if (news_buf_reserve(b, len) != 0) {
        return -1;
    }

    at = b->len;
    news_buf_add(b, page->data, cp->start);

    for (k = 0; k < cp->n; k++) {
        news_buf_add(b, cp->th[k].data, cp->th[k].len);
        more = news_cpage_more(cp, k, &n);

        for (i = 0; i < n; i++) {
            news_buf_add(b, more[i].data, more[i].len);
        }
    }

    news_buf_add(b, page->data + cp->end, page->len - cp->end);

    if (b->failed) {
        return -1;
    }

    html->data = b->data + at;
    html->len = b->len - at;

    return 0;
}


/*
 * Whole when the page fits a value of NEWS_CHUNK_BYTES (its pieces, if
 * any, dropped); else its frame, written unless it is what is stored,
 * and its threads that are not stored as they are now, as pieces
 */
int
news_comment_page_save(news_store_t *st, MDB_txn *txn,
    const news_article_t *a, unsigned page, unsigned pages, news_cpage_t *cp,
    news_err_t *err)
{
    int            rc;
    size_t         i, total;
    MDB_val        key;
    news_buf_t     b;
    unsigned char  k[13];

    news_buf_init(&b);
    news_render_comment_frame(&b, a, page, pages, cp->th, cp->ids, cp->n);

    for (i = 0, total = b.len; i < cp->n; i++) {
        total += cp->th[i].len;
    }

    if (total > NEWS_CHUNK_BYTES) {
        rc = news_cpage_save_pieces(st, txn, a->id, page, cp, &b,
                                    news_cpage_beside(cp, &b), err);
        news_buf_free(&b);
        return rc;
    }

    news_buf_reset(&b);
    news_render_comment_value(&b, a, page, pages, cp->th, cp->ids, cp->n);

    news_comment_pages_key(k, a->id, page);
    key.mv_data = k;
    key.mv_size = sizeof(k);

    rc = b.failed ? news_err_set(err, NEWS_ERROR, "out of memory")
                  : news_cpage_put(st, txn, &key, b.data, b.len, err);
    news_buf_free(&b);

    if (rc == NEWS_OK && cp->pieces > 0) {
        rc = news_comment_pieces_drop(st, txn, a->id, page, err);
    }

    return rc;
}


/*
 * Whether the threads that changed may go beside a page stored whole
 * with its threads in it (a bulk import's, an article's whole write),
 * leaving it as it is: its frame is the new one but for threads new
 * there (their tops after its own), and its pieces stay few and small
 * (NEWS_PIECES_MAX, NEWS_PIECES_BYTES).  Else it is written as its
 * frame, once, and its threads as pieces.
 */
static int
news_cpage_beside(const news_cpage_t *cp, const news_buf_t *frame)
{
    size_t        k, pieces, bytes, start, stored;
    const char   *html;
    news_page_t   fp;

    if (cp->start == cp->end || cp->start == 0 || frame->failed
        || news_page_parse(frame->data, frame->len, &fp) != 0
        || fp.nparts != 3 || fp.part[1].len < 4)
    {
        return 0;
    }

    html = cp->page.part[0].data;
    start = news_be32_get((const unsigned char *) fp.part[1].data);
    stored = cp->page.part[2].len;

    if (start != cp->start
        || fp.part[0].len - start != cp->page.part[0].len - cp->end
        || memcmp(fp.part[0].data, html, start) != 0
        || memcmp(fp.part[0].data + start, html + cp->end,
                  fp.part[0].len - start) != 0
        || fp.part[2].len < stored
        || memcmp(fp.part[2].data, cp->page.part[2].data, stored) != 0)
    {
        return 0;
    }

    for (k = 0, pieces = 0, bytes = 0; k < cp->n; k++) {
        if (!news_cpage_inline(cp, k)) {
            pieces++;
            bytes += cp->th[k].len;
        }
    }

    return pieces <= NEWS_PIECES_MAX && bytes <= NEWS_PIECES_BYTES;
}


/* thread k is the page's own HTML of it, as stored */
static int
news_cpage_inline(const news_cpage_t *cp, size_t k)
{
    const char  *html = cp->page.part[0].data;

    return !(cp->pieced >> k & 1) && cp->th[k].data >= html
           && cp->th[k].data + cp->th[k].len <= html + cp->page.part[0].len;
}


/*
 * The frame and the pieces (beside: the pieces only, beside the page as
 * it is, an empty one where a thread the page holds shows nothing now):
 * what is written is first copied, and what is stored compared, before
 * anything is written (a value read in a write txn may move with the
 * next write to its page)
 */
static int
news_cpage_save_pieces(news_store_t *st, MDB_txn *txn, uint64_t id,
    unsigned page, news_cpage_t *cp, const news_buf_t *frame, int beside,
    news_err_t *err)
{
    int            rc, same_frame;
    size_t         k, off[NEWS_COMMENTS_PAGE];
    uint64_t       write, same[NEWS_COMMENTS_PAGE];
    MDB_val        key;
    news_buf_t     pb;
    news_str_t     html;
    unsigned char  pk[13];

    if (frame->failed) {
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    same_frame = cp->raw.len == frame->len
                 && memcmp((const char *) cp->raw.data + NEWS_PAGE_HEADER,
                           frame->data + NEWS_PAGE_HEADER,
                           frame->len - NEWS_PAGE_HEADER) == 0;

    news_buf_init(&pb);
    write = 0;

    for (k = 0; k < cp->n; k++) {
        if (cp->chunks[k] > 0 && (cp->regular >> k & 1)
            && cp->th[k].data == cp->piece[k].data
            && cp->th[k].len == cp->piece[k].len)
        {
            continue;           /* stored as it is */
        }

        if (beside ? news_cpage_inline(cp, k)
                   : cp->th[k].len == 0 && cp->chunks[k] == 0)
        {
            continue;           /* stored in the page, or nothing at all */
        }

        write |= (uint64_t) 1 << k;
        off[k] = pb.len;
        news_buf_add(&pb, cp->th[k].data, cp->th[k].len);
        same[k] = (cp->regular >> k & 1)
                  ? news_chunks_same(&cp->th[k], &cp->piece[k]) : 0;
    }

    rc = pb.failed ? news_err_set(err, NEWS_ERROR, "out of memory") : NEWS_OK;

    if (rc == NEWS_OK && !same_frame && !beside) {
        news_comment_pages_key(pk, id, page);
        key.mv_data = pk;
        key.mv_size = sizeof(pk);
        rc = news_cpage_put(st, txn, &key, frame->data, frame->len, err);
    }

    for (k = 0; rc == NEWS_OK && k < cp->n; k++) {
        if (write >> k & 1) {
            html.data = pb.data + off[k];
            html.len = cp->th[k].len;
            rc = news_piece_write(st, txn, id, page, cp->ids[k], &html,
                                  same[k], cp->chunks[k], beside, err);
        }
    }

    news_buf_free(&pb);

    /* pieces in the older place (news_cpage_walk) are written anew above */
    if (rc == NEWS_OK && cp->old > 0) {
        rc = news_pieces_drop_old(st, txn, id, page, err);
    }

    return rc;
}


/* bit i: chunk i (of the first 64) is the same in both */
static uint64_t
news_chunks_same(const news_str_t *now, const news_str_t *was)
{
    size_t    i, at, n;
    uint64_t  same;

    same = 0;

    for (i = 0, at = 0; i < 64 && at < now->len && at < was->len;
         i++, at += NEWS_CHUNK_BYTES)
    {
        n = now->len - at < NEWS_CHUNK_BYTES ? now->len - at
                                             : NEWS_CHUNK_BYTES;

        if (was->len - at >= n
            && (was->len - at == n || n == NEWS_CHUNK_BYTES)
            && memcmp(now->data + at, was->data + at, n) == 0)
        {
            same |= (uint64_t) 1 << i;
        }
    }

    return same;
}


/*
 * Thread `top`'s piece beside comment page `page`: its chunks not in
 * `same` written, and its chunks past its new end (of `had`) dropped; an
 * empty one dropped whole, or kept as an empty value (`empty`: beside a
 * page that holds the thread)
 */
static int
news_piece_write(news_store_t *st, MDB_txn *txn, uint64_t id, unsigned page,
    uint64_t top, const news_str_t *html, uint64_t same, unsigned had,
    int empty, news_err_t *err)
{
    int            rc;
    size_t         n, at;
    unsigned       i, chunks;
    MDB_val        key;
    unsigned char  k[NEWS_CHUNK_KEY];

    chunks = (unsigned) ((html->len + NEWS_CHUNK_BYTES - 1) / NEWS_CHUNK_BYTES);
    chunks += chunks == 0 && empty;     /* an empty piece, kept */

    if (html->len > (size_t) 0xffff * NEWS_CHUNK_BYTES) {
        return news_err_set(err, NEWS_ERROR, "a comment thread of %zu bytes "
                            "is more than a page can hold", html->len);
    }

    rc = NEWS_OK;

    for (i = 0, at = 0; rc == NEWS_OK && i < chunks;
         i++, at += NEWS_CHUNK_BYTES)
    {
        if (i < 64 && (same >> i & 1)) {
            continue;
        }

        n = html->len - at < NEWS_CHUNK_BYTES ? html->len - at
                                              : NEWS_CHUNK_BYTES;
        news_chunk_key(k, id, page, top, i, &key);
        rc = news_cpage_put(st, txn, &key, html->data + at, n, err);
    }

    for (i = chunks; rc == NEWS_OK && i < had; i++) {
        news_chunk_key(k, id, page, top, i, &key);
        rc = mdb_del(txn, st->dbi[NEWS_DB_PAGES], &key, NULL);

        if (rc != 0 && rc != MDB_NOTFOUND) {
            return news_store_fail(err, rc, "dropping a comment thread");
        }

        rc = NEWS_OK;
    }

    return rc;
}


/* chunk i of a piece: its first under the piece's key, the rest after */
static void
news_chunk_key(unsigned char *k, uint64_t id, unsigned page, uint64_t top,
    unsigned i, MDB_val *key)
{
    news_comment_pieces_key(k, id, page);
    news_be64_put(k + 13, ~top);
    k[21] = (unsigned char) (i >> 8);    /* be16 */
    k[22] = (unsigned char) i;
    key->mv_data = k;
    key->mv_size = i == 0 ? NEWS_PIECE_KEY : NEWS_CHUNK_KEY;
}


static int
news_cpage_put(news_store_t *st, MDB_txn *txn, MDB_val *key,
    const void *data, size_t len, news_err_t *err)
{
    int      rc;
    MDB_val  val;

    val.mv_data = (void *) data;
    val.mv_size = len;

    rc = mdb_put(txn, st->dbi[NEWS_DB_PAGES], key, &val, 0);
    if (rc != 0) {
        return news_store_fail(err, rc, "writing a comment page");
    }

    return NEWS_OK;
}


/* the pieces in both places */
int
news_comment_pieces_drop(news_store_t *st, MDB_txn *txn, uint64_t id,
    unsigned page, news_err_t *err)
{
    unsigned char  k[13];

    if (news_pieces_drop_old(st, txn, id, page, err) != NEWS_OK) {
        return err->code;
    }

    news_comment_pieces_key(k, id, page);

    return news_store_drop_range(st, txn, NEWS_DB_PAGES, k, sizeof(k), err);
}


/* the keys after the page's own that begin with it: the older place's */
static int
news_pieces_drop_old(news_store_t *st, MDB_txn *txn, uint64_t id,
    unsigned page, news_err_t *err)
{
    unsigned char  k[14];

    news_comment_pages_key(k, id, page);
    k[13] = '\0';

    return news_store_drop_each(st, txn, NEWS_DB_PAGES, k, 13, k, sizeof(k),
                                NULL, NULL, err);
}


/*
 * How many comment pages article id has stored: its last page's key (or
 * its last piece's), found by one cursor step back from the key after
 * them all.
 */
int
news_article_comment_pages(news_store_t *st, MDB_txn *txn, uint64_t id,
    unsigned *pages)
{
    int             rc;
    MDB_val         key, val;
    MDB_cursor     *cur;
    unsigned char   k[13];

    rc = news_comment_pages_cursor(st, txn, id, 0xffffffff, k, &key, &cur);
    if (rc != 0) {
        return news_store_code(rc);
    }

    rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
    rc = mdb_cursor_get(cur, &key, &val, rc == 0 ? MDB_PREV : MDB_LAST);

    /* the last page's, or one of its pieces' (longer by a top's id) */
    if (rc == 0
        && ((key.mv_size != sizeof(k) && key.mv_size != NEWS_PIECE_KEY
             && key.mv_size != NEWS_CHUNK_KEY)
            || memcmp(key.mv_data, k, 9) != 0))
    {
        rc = MDB_NOTFOUND;
    }

    if (rc == 0) {
        *pages = news_be32_get((unsigned char *) key.mv_data + 9);
    }

    mdb_cursor_close(cur);

    return news_store_code(rc);
}


/*
 * One seek to each article's comment pages (an article's keys begin with
 * its id), and each of them read and written again when it is of the
 * older form (news_cpage_old): a seek past each page, since the writes
 * move what the cursor points to
 */
int
news_comment_pages_chunk(news_store_t *st, MDB_txn *txn, news_err_t *err)
{
    int                   rc, kind;
    uint64_t              id;
    unsigned              page;
    MDB_val               key, val;
    MDB_cursor           *cur;
    unsigned char         k[13];
    const unsigned char  *p;

    memset(k, 0, sizeof(k));
    key.mv_data = k;
    key.mv_size = 8;

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_PAGES], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "reading the comment pages");
    }

    while ((rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE)) == 0) {
        p = key.mv_data;

        if (key.mv_size < 9) {
            rc = MDB_CORRUPTED;
            break;
        }

        id = news_be64_get(p);
        page = key.mv_size >= 13 ? news_be32_get(p + 9) : 0;
        kind = p[8];

        if (kind == NEWS_FRAG_COMMENTS && key.mv_size == 13
            && news_comment_pages_rechunk(st, txn, id, page, err) != NEWS_OK)
        {
            mdb_cursor_close(cur);
            return err->code;
        }

        if (kind == NEWS_FRAG_COMMENTS && page < 0xffffffff) {
            news_comment_pages_key(k, id, page + 1);     /* the next page */
            key.mv_size = 13;

        } else if (kind < NEWS_FRAG_COMMENTS) {
            news_be64_put(k, id);                       /* its pages */
            k[8] = NEWS_FRAG_COMMENTS;
            key.mv_size = 9;

        } else if (id < UINT64_MAX) {
            news_be64_put(k, id + 1);                   /* the next article */
            key.mv_size = 8;

        } else {
            break;
        }

        key.mv_data = k;
    }

    mdb_cursor_close(cur);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "reading the comment pages");
    }

    return NEWS_OK;
}


/* a page with pieces in the older place, or not in chunks */
static int
news_cpage_old(const news_cpage_t *cp)
{
    return cp->named && cp->regular != cp->pieced;
}


/* page `page` of article id, of the older form, written in this one */
static int
news_comment_pages_rechunk(news_store_t *st, MDB_txn *txn, uint64_t id,
    unsigned page, news_err_t *err)
{
    int             rc;
    cJSON          *rec;
    news_page_t     state;
    news_cpage_t    cp;
    news_cstate_t   cst;
    news_article_t  a;

    rc = news_article_comment_page(st, txn, id, page, &cp);

    if (rc != NEWS_OK || !news_cpage_old(&cp)) {
        news_cpage_free(&cp);
        return rc == NEWS_OK ? NEWS_OK
               : news_err_set(err, rc, "article %llu: comment page %u does "
                              "not read", (unsigned long long) id, page);
    }

    /*
     * an article from before the comment state is read as it is stored
     * (its next write renders it whole), and pages of none are check's
     */
    rc = news_cstate_get(st, txn, id, &state, &cst);

    if (rc == NEWS_OK && news_article_view(st, txn, id, &a, &rec, err)
                         == NEWS_OK)
    {
        rc = news_comment_page_save(st, txn, &a, page, cst.pages, &cp, err);
        cJSON_Delete(rec);

    } else if (rc == NEWS_OK && err->code != NEWS_NOTFOUND) {
        rc = err->code;

    } else if (rc == NEWS_OK || rc == NEWS_NOTFOUND) {
        rc = NEWS_OK;

    } else {
        rc = news_err_set(err, rc, "reading an article's state");
    }

    news_cpage_free(&cp);

    return rc;
}
