/*
 * A reader's standing with the site, and the moderation log.
 *
 *   standing  be64 user id -> be32 0 . be64 until . be64 since .
 *             be64 by . the reason (UTF-8, at most NEWS_REASON_MAX)
 *
 *     approved  the reader's comments that went public (posted directly
 *               or approved), back to 0 when a moderator rejects one
 *               (news_comment_trust counts them): kept since schema 10
 *               in their author's tail (comments.h), which their post
 *               writes anyway, and read into news_standing_t from
 *               there; the standing's first 4 bytes are 0
 *     until     0: in good standing; NEWS_BANNED: banned; else the end
 *               of a suspension (a time past is good standing again,
 *               with no write at that moment)
 *     since, by when and by whom (a user id) it was decided
 *
 *   modlog    be64 entry id -> be64 time . a JSON object: "by" (the
 *             moderator's name), "action", and "comment" (an id),
 *             "user" (a name), "reason" where they apply
 *
 *   reports   readers' reports of comments (news_report_add):
 *     'r' . be64 comment . be64 reader -> be64 time . u8 reason . note
 *         one a reader a comment: a second is refused
 *     'c' . be64 comment -> be32 count . u8 hidden . be32 a count per
 *         reason: the comment's tally; `hidden` when the reports hid it
 *     'n' . be32 (UINT32_MAX - count) . be64 comment -> nothing: the
 *         "Reported" tab's order, most reported first, walked a page at
 *         a time from a cursor
 *     A moderator's decision on the comment (dismiss, hide, show,
 *     delete), or its author's deletion, drops all three.
 *
 * All are written in the transaction of what they record.
 */

#ifndef NEWS_COMMUNITY_H
#define NEWS_COMMUNITY_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "store.h"


#define NEWS_REASON_MAX   160           /* bytes of a reason: it goes
                                           into error messages whole */
#define NEWS_STANDING_HEAD  28          /* a standing before its reason */
#define NEWS_BANNED       INT64_MAX     /* `until` of a ban */
#define NEWS_SUSPEND_DAYS_MAX  3650     /* a longer one is a ban */
#define NEWS_MODLOG_PAGE  50            /* entries a page of the log */
#define NEWS_MODLOG_LIMIT 500           /* entries the API gives at most */


typedef struct {
    uint32_t    approved;
    int64_t     until;
    int64_t     since;
    uint64_t    by;
    char        reason[NEWS_REASON_MAX + 1];    /* NUL-terminated */
} news_standing_t;


/*
 * An author's tail in the author index (comments.h): 'c' . be64 user id
 * . be64 UINT64_MAX -> be64 the start of their posting rate's window .
 * be32 their posts in it . be32 their comments gone public (standing's
 * `approved`)
 */
#define NEWS_AUTHOR_TAIL        UINT64_MAX   /* the tail's comment id */
#define NEWS_AUTHOR_TAIL_KEY    17
#define NEWS_AUTHOR_TAIL_VALUE  16

typedef struct {
    int64_t     start;          /* the posting rate's window */
    uint32_t    posts;          /* posts in it */
    uint32_t    approved;       /* comments gone public */
} news_author_tail_t;

/*
 * Author uid's tail (all zero when they have none), and written back;
 * `what` is the error's words.  And a store of schema 8 or older given
 * its tails: each standing's count moved into its author's tail, the
 * posting rates' windows dropped from throttle (a minute's worth, which
 * may be lost without harm).
 */
int news_author_tail_get(news_store_t *st, MDB_txn *txn, uint64_t uid,
    news_author_tail_t *t, news_err_t *err);
int news_author_tail_put(news_store_t *st, MDB_txn *txn, uint64_t uid,
    const news_author_tail_t *t, const char *what, news_err_t *err);
int news_author_tails_fill(news_store_t *st, MDB_txn *txn, news_err_t *err);

/*
 * A tail in hand, for a post that writes it once: one more post in its
 * posting rate's window (`window` seconds, at most `max` posts), or
 * NEWS_LIMITED with *retry seconds and the tail as it was; and its count
 * of comments gone public moved on (approved 1) or reset (0), 1 when it
 * changed
 */
int news_author_tail_rate(news_author_tail_t *t, int64_t now,
    unsigned window, unsigned max, unsigned *retry, news_err_t *err);
int news_author_tail_count(news_author_tail_t *t, int approved);


/* a reason as given: UTF-8, no control characters, at most the max */
int news_reason_check(const char *s, size_t n, news_err_t *err);

/* a suspension's length: 1 to NEWS_SUSPEND_DAYS_MAX days (a ban has none) */
int news_suspend_days_check(int64_t days, news_err_t *err);

/* the user's standing; all zero when nothing was ever decided */
int news_standing_get(news_store_t *st, MDB_txn *txn, uint64_t uid,
    news_standing_t *s, news_err_t *err);
int news_standing_put(news_store_t *st, MDB_txn *txn, uint64_t uid,
    const news_standing_t *s, news_err_t *err);

/* one more comment of theirs went public (1), or one was rejected (0) */
int news_standing_count(news_store_t *st, MDB_txn *txn, uint64_t uid,
    int approved, news_err_t *err);

/* whether the standing stops the user from writing at `now` */
int news_standing_suspended(const news_standing_t *s, int64_t now);

/*
 * "suspended until 3 December 2026, 10:04 UTC: reason" or "banned:
 * reason", appended to b: what a refused writer and the forms are told.
 */
void news_standing_text(news_buf_t *b, const news_standing_t *s);


typedef struct {
    const char  *by;            /* the moderator's name */
    const char  *action;        /* "hide", "suspend", ... */
    uint64_t     comment;       /* 0: none */
    const char  *user;          /* NULL: none */
    const char  *reason;        /* NULL: none */
} news_modlog_t;

int news_modlog_add(news_store_t *st, MDB_txn *txn, int64_t now,
    const news_modlog_t *e, news_err_t *err);

/*
 * The log, newest first: entries before id `before` (0: from the
 * newest), at most `limit`; *next is the last one's id when more are
 * left, else 0.  each gets the entry's id, time and JSON.
 */
typedef int (*news_modlog_each_pt)(void *arg, uint64_t id, int64_t at,
    const char *json, size_t n);

int news_modlog_each(news_store_t *st, MDB_txn *txn, uint64_t before,
    size_t limit, news_modlog_each_pt each, void *arg, uint64_t *next,
    news_err_t *err);


/* ---- reports ------------------------------------------------------------ */

enum {
    NEWS_REPORT_SPAM = 0,
    NEWS_REPORT_ABUSE,
    NEWS_REPORT_OFF_TOPIC,
    NEWS_REPORT_OTHER,
    NEWS_REPORT_REASONS
};

#define NEWS_REPORT_NOTE_MAX  500       /* bytes of a report's note */
#define NEWS_REPORTS_PAGE     50        /* comments a page of the tab */
#define NEWS_REPORT_NOTES     5         /* notes the tab shows a comment */
#define NEWS_REPORT_KEY       17
#define NEWS_REPORT_ORDER_KEY 13


typedef struct {
    uint64_t    comment;
    uint32_t    count;
    int         hidden;                 /* the reports hid it */
    uint32_t    reasons[NEWS_REPORT_REASONS];
} news_report_tally_t;

typedef struct {
    int64_t     at;
    int         reason;
    const char *note;                   /* into the map: not terminated */
    size_t      note_len;
} news_report_note_t;


/* "spam", "abuse", "off_topic", "other" (n bytes) to NEWS_REPORT_*, or -1 */
int news_report_reason_parse(const char *s, size_t n);
const char *news_report_reason_name(int reason);

/* a note as given: UTF-8, one line, at most NEWS_REPORT_NOTE_MAX bytes */
int news_report_note_check(const char *s, size_t n, news_err_t *err);

/*
 * Reader uid reports comment id: NEWS_CONFLICT when they did before.
 * *t is the comment's tally after it.
 */
int news_report_add(news_store_t *st, MDB_txn *txn, uint64_t id,
    uint64_t uid, int reason, const char *note, size_t note_len,
    int64_t now, news_report_tally_t *t, news_err_t *err);

/* the comment's tally (count 0: no report) */
int news_report_tally(news_store_t *st, MDB_txn *txn, uint64_t id,
    news_report_tally_t *t, news_err_t *err);

/* marks the reports as having hidden the comment */
int news_report_hid(news_store_t *st, MDB_txn *txn,
    news_report_tally_t *t, news_err_t *err);

/* drops every report of the comment (a decision was taken) */
int news_report_clear(news_store_t *st, MDB_txn *txn, uint64_t id,
    news_err_t *err);

/*
 * A page of the tab: at most `max` tallies, most reported first, after
 * the one of (count, id) (count 0: from the first); *more when some
 * are left.
 */
int news_report_list(news_store_t *st, MDB_txn *txn, uint32_t count,
    uint64_t id, news_report_tally_t *out, size_t max, size_t *n,
    int *more, news_err_t *err);

/* the comment's first `max` reports, in the order of their readers */
int news_report_notes(news_store_t *st, MDB_txn *txn, uint64_t id,
    news_report_note_t *out, size_t max, size_t *n, news_err_t *err);

#endif /* NEWS_COMMUNITY_H */
