/*
 * A reader's standing with the site, and the moderation log.
 *
 *   standing  be64 user id -> be32 approved . be64 until . be64 since .
 *             be64 by . the reason (UTF-8, at most NEWS_REASON_MAX)
 *
 *     approved  the reader's comments that went public (posted directly
 *               or approved), back to 0 when a moderator rejects one
 *               (news_comment_trust counts them)
 *     until     0: in good standing; NEWS_BANNED: banned; else the end
 *               of a suspension (a time past is good standing again,
 *               with no write at that moment)
 *     since, by when and by whom (a user id) it was decided
 *
 *   modlog    be64 entry id -> be64 time . a JSON object: "by" (the
 *             moderator's name), "action", and "comment" (an id),
 *             "user" (a name), "reason" where they apply
 *
 * Both are written in the transaction of what they record.
 */

#ifndef NEWS_COMMUNITY_H
#define NEWS_COMMUNITY_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "store.h"


#define NEWS_REASON_MAX   160           /* bytes of a reason: it goes
                                           into error messages whole */
#define NEWS_BANNED       INT64_MAX     /* `until` of a ban */
#define NEWS_SUSPEND_DAYS_MAX  3650     /* a longer one is a ban */
#define NEWS_MODLOG_PAGE  50            /* entries a page of the log */


typedef struct {
    uint32_t    approved;
    int64_t     until;
    int64_t     since;
    uint64_t    by;
    char        reason[NEWS_REASON_MAX + 1];    /* NUL-terminated */
} news_standing_t;


/* a reason as given: UTF-8, no control characters, at most the max */
int news_reason_check(const char *s, size_t n, news_err_t *err);

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

#endif /* NEWS_COMMUNITY_H */
