/*
 * Comments: records keyed for one ordered range per article, threads with
 * a depth cap, and the article's rendered pages kept in step with them in
 * the same write transaction.
 *
 * A stored comment value is
 *
 *   u8 status | be32 n | be32 m | n bytes of the public JSON (the API's
 *   item) | m bytes of the view
 *
 * and the view is be64 parent | be64 created_at | be64 edited_at |
 * u8 depth (its top bit: featured by the editors) | be16 author length |
 * be64 author's user id (0: none) | author | body.  The API copies the
 * public JSON of visible comments, and re-rendering an article's comment
 * pages reads the views: neither parses anything, and the view is the
 * whole record (schema 8).  A value of schema 7 or older has a view
 * without the author's id (NEWS_COMMENT_VIEW_HEAD_7 bytes before the
 * author) and the full record as JSON after it: it is read as it is (a
 * store opened read-only) and written anew when its store is first
 * opened for writing (news_comments_slim).
 */

#ifndef NEWS_COMMENTS_H
#define NEWS_COMMENTS_H

#include "article.h"
#include "buf.h"
#include "comment.h"
#include "store.h"


#define NEWS_THREAD_KEY           32
#define NEWS_COMMENTS_KEY         24
#define NEWS_COMMENT_VALUE_HEAD   9
#define NEWS_COMMENT_VIEW_HEAD    35
#define NEWS_COMMENT_VIEW_HEAD_7  27       /* a view of schema 7 or older */
#define NEWS_COMMENT_FEATURED     0x80     /* in the view's depth byte */

/*
 * In pages a comment's record and its article's fragments share the
 * article's 8-byte prefix: what tells them apart is the key's 9th byte,
 * a record's time's highest byte (0 for any time from 1970 up to 2^56
 * seconds: a comment's time is never before 1970, comment.c), where a
 * fragment has its kind's letter (render.h, never 0).  A record's key
 * is also NEWS_COMMENTS_KEY bytes long, but so could a fragment's be:
 * the length alone tells nothing.  So an article's records are one
 * ordered range, oldest first, just before its fragments.  Whether a
 * key of pages (or of comments, schema 6 and older) is a record's:
 */
int news_comments_record(const MDB_val *key);

/*
 * The key just past article_id's last record (NEWS_COMMENTS_KEY bytes),
 * which is below its first fragment's: a walk of the records stops at
 * the first key that is not a record of the article
 * (news_comments_record), never by a key's length alone.
 */
void news_comments_end(unsigned char *key, uint64_t article_id);


/*
 * The article's latest visible comments, newest first, at most `limit`
 * among its NEWS_COMMENTS_FEED_SCAN latest records (a bounded walk,
 * whatever the article holds), as news_comments_load() gives them.
 */
#define NEWS_COMMENTS_FEED_SCAN  500

int news_comments_latest(news_store_t *st, MDB_txn *txn,
    uint64_t article_id, size_t limit, news_comments_t *cs,
    news_err_t *err);

/* a stored comment's view (see above) read, pointing into the value */
typedef struct {
    uint64_t              parent;
    int64_t               created_at;
    int64_t               edited_at;
    unsigned              depth;
    int                   featured;
    uint64_t              author_id;  /* 0 in a value of schema 7 or older:
                                         its id is in `full` */
    const char           *author;
    size_t                alen;
    const char           *body;
    size_t                blen;
    const unsigned char  *full;       /* the full record's JSON of a value
                                         of schema 7 or older, else NULL */
    size_t                full_len;
} news_cview_t;

/*
 * A stored comment value read (for comments_lists.c beside comments.c),
 * its key `key`: parsed whole into c (strings malloc'd); or its view,
 * -1 when the record's lengths do not hold.  And the author index's key
 * 'c' . uid . comment id (its length).
 */
int news_comment_parse(const MDB_val *key, const MDB_val *val,
    news_comment_t *c, news_err_t *err);
int news_comment_view(const MDB_val *val, news_cview_t *v);
size_t news_author_key(unsigned char *key, char kind, uint64_t uid,
    uint64_t id);

/*
 * An author index entry's value read: the comments key it gives (*ck,
 * NEWS_COMMENTS_KEY bytes, ready for mdb_get) and its body hash (*hash,
 * 0 with *hashed 0 for an entry from before the hash); -1 for a value of
 * another size.  And the hash of a body as stored (FNV-1a, 64 bits).
 */
int news_author_value(const MDB_val *val, MDB_val *ck, uint64_t *hash,
    int *hashed);
uint64_t news_body_hash(const void *body, size_t n);

/* every comment of an article, oldest first */
int news_comments_load(news_store_t *st, MDB_txn *txn, uint64_t article_id,
    news_comments_t *cs, news_err_t *err);

/*
 * The author index ("authors"), kept in step by every comment write, an
 * import and an article's deletion:
 *
 *   'c' . be64 user id . be64 comment id -> the comment's comments key
 *                         . be64 the hash of its body (news_body_hash):
 *                         a post's duplicate check reads the author's
 *                         latest entries, not their comments (an entry
 *                         of 24 bytes, from schema 2, has no hash)
 *   'c' . be64 user id . be64 UINT64_MAX -> the author's tail: be64
 *                         the start of their posting rate's window .
 *                         be32 their posts in it . be32 their comments
 *                         gone public (community.h: the standing's
 *                         `approved`).  Its key sorts just after their
 *                         newest entry, so that a post writes one leaf
 *                         here and none of throttle or standing (schema
 *                         10; before, the window was throttle's and the
 *                         count standing's); no walk of the entries
 *                         takes it for one (NEWS_AUTHOR_TAIL)
 *   'd' . be64 user id -> 'k' or 'r': a deleted account whose comments
 *                         are still to be disowned, kept or removed
 *                         (written by the account's deletion, users.h)
 *
 * A deleted account's comments are disowned a bounded batch at a time,
 * each batch a write of its own, so that an author of thousands never
 * makes one long transaction that holds up every other write.  A kept
 * comment loses its author's name and id ("[deleted user]"); a removed
 * one also its words, as a deletion does ("[deleted]", its replies
 * still hanging under it).  Either way nobody owns it any more.
 */
#define NEWS_AUTHOR_KEY      17
#define NEWS_AUTHOR_VALUE    32      /* comments key . be64 body hash */
/* an author's tail (above) is community.h's: NEWS_AUTHOR_TAIL */
#define NEWS_AUTHOR_BATCH    64      /* comments a batch disowns */
#define NEWS_DELETED_USER    "[deleted user]"

/*
 * Disowns at most max comments of the first deleted account with some
 * left (the account's mark goes with its last one) and re-renders their
 * articles; *more says whether any account still has some.
 */
int news_author_disown_step(news_store_t *st, MDB_txn *txn, int64_t now,
    size_t max, int *more, news_err_t *err);

/* whether any deleted account's comments are still to be disowned */
int news_author_disown_pending(news_store_t *st, MDB_txn *txn, int *more,
    news_err_t *err);

/* the same in a read txn of its own (a process that starts) */
int news_author_disown_waiting(news_store_t *st, int *more, news_err_t *err);

int news_comment_get(news_store_t *st, MDB_txn *txn, uint64_t id,
    news_comment_t *c, news_err_t *err);


/*
 * Posts c (article_id, parent, author, body set; body already checked)
 * on a published article: checks the parent and the depth cap, assigns
 * the id, writes, recounts, re-renders the article.  `pending` holds it
 * for moderation.
 */
int news_comment_post(news_store_t *st, MDB_txn *txn, news_comment_t *c,
    int pending, int64_t now, news_err_t *err);

/*
 * Replaces the body (the author's edit); `hold` sends the comment back
 * to the moderation queue (premoderation: an approved comment edited is
 * a new text nobody has approved).
 */
int news_comment_edit(news_store_t *st, MDB_txn *txn, uint64_t id,
    const char *body, int hold, int64_t now, news_err_t *err);

/*
 * An editor features comment id (on) or no longer (off): only a visible
 * comment (NEWS_CONFLICT, saying why, for a held, hidden or deleted one,
 * one featured already or not featured, and past NEWS_FEATURED_MAX on
 * its article).  Its article's featured block is rendered again.
 */
int news_comment_feature(news_store_t *st, MDB_txn *txn, uint64_t id,
    int on, int64_t now, news_err_t *err);

/* moderation and deletion: visible, hidden, deleted, pending */
int news_comment_set_status(news_store_t *st, MDB_txn *txn, uint64_t id,
    int status, int64_t now, news_err_t *err);

/* replaces all comments of an article with the imported ones */
int news_comments_replace(news_store_t *st, MDB_txn *txn,
    uint64_t article_id, news_comments_t *cs, news_err_t *err);

/*
 * An imported comment added to its article's records and indexes, its
 * pages left as they are (the importer refreshes each article once, at
 * the end): c's article_id, parent (0 or a stored comment of the same
 * article), author, body, created_at and status are set.  A reply under
 * a comment NEWS_COMMENT_DEPTH deep answers the nearest one above it that
 * is not.  The id is assigned.
 */
int news_comment_import(news_store_t *st, MDB_txn *txn, news_comment_t *c,
    news_err_t *err);

/*
 * An earlier import's copy of a comment: article_id's comment of that
 * time, author and body whose id is below `below` (comments written
 * since do not count).  NEWS_OK with *id, or NEWS_NOTFOUND.
 */
int news_comment_imported(news_store_t *st, MDB_txn *txn,
    const news_comment_t *c, uint64_t below, uint64_t *id, news_err_t *err);

/*
 * Lists public JSON of visible comments of an article, oldest first (or
 * newest first), after `cursor` (NEWS_COMMENTS_KEY bytes or NULL), up to
 * limit.
 */
int news_comments_api_list(news_store_t *st, MDB_txn *txn,
    uint64_t article_id, const unsigned char *cursor, size_t limit,
    int newest, news_buf_t *out, unsigned char *next, int *more,
    news_err_t *err);

/*
 * The moderation queue: pending comments, oldest first, from their own
 * index (the "pending" database: be64 created_at . be64 id -> be64
 * article id, kept in step by every comment write), a page at a time
 * after `after` (NEWS_PENDING_KEY bytes, or NULL for the first page), as
 * HTML items with approve and delete buttons carrying the moderator's
 * CSRF token.  Costs `limit` lookups whatever the store holds.
 */
#define NEWS_PENDING_KEY  16

typedef struct {
    const unsigned char  *after;
    size_t                limit;
    const char           *csrf;
    size_t                csrf_len;
    size_t                count;                    /* out */
    int                   more;                     /* out */
    unsigned char         next[NEWS_PENDING_KEY];   /* out */
} news_pending_t;

int news_comments_pending(news_store_t *st, MDB_txn *txn, news_pending_t *q,
    news_buf_t *out, news_err_t *err);

/*
 * Fills the moderation queue, the thread index and the author index
 * afresh from the comments (a store from before them).  The thread index ("threads":
 * be64 article . be64 top comment . be64 created_at . be64 id, no value)
 * lists each thread's replies, oldest first: a thread page and a
 * thread's budget cost its replies, not its article's comments.
 */
int news_comments_reindex(news_store_t *st, MDB_txn *txn, news_err_t *err);

/*
 * Moves the records of a store of schema 6 or older from comments into
 * pages (store.h), in the txn that raises its schema.
 */
int news_comments_move(news_store_t *st, MDB_txn *txn, news_err_t *err);

/*
 * Writes every record of schema 7 or older (after news_comments_move:
 * in pages) in schema 8's form, the full JSON dropped and the author's
 * id in the view, in the txn that raises the store's schema; a record
 * of the new form is left as it is.
 */
int news_comments_slim(news_store_t *st, MDB_txn *txn, news_err_t *err);

/*
 * The top comment of the thread that comment `id` is in (itself for a
 * top comment): parents are read from the views, at most the depth cap.
 */
int news_comment_thread_of(news_store_t *st, MDB_txn *txn, uint64_t id,
    uint64_t *root, news_err_t *err);

/*
 * A thread: its top comment `root` and every reply, oldest first, as
 * news_comments_load() gives them; NEWS_NOTFOUND if `root` is not a
 * top-level comment of the article.
 */
int news_comments_thread_load(news_store_t *st, MDB_txn *txn,
    uint64_t article_id, uint64_t root, news_comments_t *cs,
    news_err_t *err);

/*
 * Threads roots[0..n) of the article, one after another as
 * news_comments_thread_load() gives each (a root that is no top comment
 * of the article left out): one comment page's threads.
 */
int news_comments_threads_load(news_store_t *st, MDB_txn *txn,
    uint64_t article_id, const uint64_t *roots, size_t n,
    news_comments_t *cs, news_err_t *err);

/* comments ids[0..n), those still stored, as news_comments_load() gives them */
int news_comments_by_id(news_store_t *st, MDB_txn *txn, const uint64_t *ids,
    size_t n, news_comments_t *cs, news_err_t *err);

/*
 * A user's comments, for moderators (the author index): deletes those
 * not deleted yet, at most `max` (up to NEWS_AUTHOR_BATCH) a call,
 * walking at most NEWS_AUTHOR_WALK entries from comment id *from on,
 * which moves on (*more: call again); and lists the latest `limit`,
 * newest first, as items with moderation buttons (*count of them).
 */
#define NEWS_AUTHOR_WALK  1024

int news_author_remove_step(news_store_t *st, MDB_txn *txn, uint64_t uid,
    int64_t now, size_t max, uint64_t *from, size_t *removed, int *more,
    news_err_t *err);
int news_author_comments(news_store_t *st, MDB_txn *txn, uint64_t uid,
    size_t limit, const char *csrf, size_t csrf_len, news_buf_t *out,
    size_t *count, news_err_t *err);

/*
 * NEWS_CONFLICT when the author posted the same text (normalised, as
 * stored) since `since`, in a comment not deleted; looks at their
 * NEWS_DUPLICATE_SCAN latest comments at most.
 */
#define NEWS_DUPLICATE_SCAN  64

int news_comment_duplicate(news_store_t *st, MDB_txn *txn, uint64_t uid,
    const char *body, int64_t since, news_err_t *err);

/*
 * A fixed-window rate limit per user, kept in their tail (above):
 * NEWS_LIMITED with *retry seconds when `max` posts were made in the
 * last `window`.
 */
int news_comment_rate(news_store_t *st, MDB_txn *txn, uint64_t user_id,
    int64_t now, unsigned window, unsigned max, unsigned *retry,
    news_err_t *err);

/*
 * The author's (user id uid's) comments on an article made since `since`,
 * newest first, at most `limit`: what they may still edit, and their
 * older ones still waiting for approval (what only they see).  A reverse
 * walk of the author's own index entries (their comments on every
 * article, ids growing with time): it stops after
 * NEWS_COMMENTS_RECENT_SCAN entries; only the entries of this article
 * have their comment read.  A reader who never
 * commented costs one seek.  NEWS_*: on an error none is left to free.
 */
#define NEWS_COMMENTS_RECENT_SCAN  64

int news_comments_recent(news_store_t *st, MDB_txn *txn, uint64_t article_id,
    uint64_t uid, int64_t since, news_comment_t *out, size_t limit,
    size_t *n);

/* how many comments wait in the moderation queue: LMDB's own count */
int news_comments_waiting(news_store_t *st, MDB_txn *txn, uint64_t *n);

#endif /* NEWS_COMMENTS_H */
