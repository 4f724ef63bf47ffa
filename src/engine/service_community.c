/*
 * The moderators' services (service.h): the word lists, a reader's
 * suspension, ban or lifting, the removal of all their comments, their
 * page and the moderation log.  Each write is an op for the writer
 * (service_op.h), its apply function asking policy.c first.
 */

#include <stdio.h>
#include <string.h>

#include "community.h"
#include "render_account.h"
#include "render_community.h"
#include "service.h"
#include "service_op.h"


static int news_words_change_apply(news_store_t *st, MDB_txn *txn,
    void *arg, news_err_t *err);
static int news_user_judge_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err);


/* ---- word lists --------------------------------------------------------- */


int
news_words_read(news_store_t *st, const news_actor_t *actor,
    const news_form_t *f, news_buf_t *b, news_err_t *err)
{
    int       rc;
    MDB_txn  *txn;

    if (news_actor_may(actor, NEWS_ACT_MODERATE, err) != NEWS_OK
        || news_store_read(st, &txn, err) != NEWS_OK)
    {
        return err->code;
    }

    rc = f == NULL ? news_words_json(st, txn, b, err)
                   : news_render_words(b, st, txn, f, err);

    news_store_read_done(st);

    return rc;
}


int
news_words_change(news_writer_t *w, const news_actor_t *actor, int replace,
    const news_word_op_t *ops, size_t n, news_err_t *err)
{
    news_service_op_t  op = {
        .actor = actor, .replace = replace, .words = ops, .nwords = n
    };

    return news_service_write(w, news_words_change_apply, &op, err);
}


static int
news_words_change_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err)
{
    news_service_op_t  *op = arg;

    if (news_actor_may(op->actor, NEWS_ACT_MODERATE, err) != NEWS_OK) {
        return err->code;
    }

    return news_words_apply(st, txn, op->replace, op->words, op->nwords,
                            err);
}


/* ---- readers' standing (moderators) ------------------------------------- */


int
news_user_suspend(news_writer_t *w, const news_actor_t *actor,
    const char *name, int days, const char *reason, int64_t now,
    news_err_t *err)
{
    news_service_op_t  op = {
        .actor = actor, .slug = name, .id = (uint64_t) (int64_t) days,
        .body = reason, .now = now, .action = NEWS_JUDGE_SUSPEND
    };

    /* refused before the write, so a bad one never waits for the writer */
    if ((days >= 0 && news_suspend_days_check(days, err) != NEWS_OK)
        || news_reason_check(reason, strlen(reason), err) != NEWS_OK)
    {
        return err->code;
    }

    return news_service_write(w, news_user_judge_apply, &op, err);
}


int
news_user_lift(news_writer_t *w, const news_actor_t *actor,
    const char *name, int64_t now, news_err_t *err)
{
    news_service_op_t  op = {
        .actor = actor, .slug = name, .now = now, .action = NEWS_JUDGE_LIFT
    };

    return news_service_write(w, news_user_judge_apply, &op, err);
}


int
news_user_comments_remove(news_writer_t *w, const news_actor_t *actor,
    const char *name, uint64_t *from, size_t *removed, int *more,
    int64_t now, news_err_t *err)
{
    news_service_op_t  op = {
        .actor = actor, .slug = name, .now = now,
        .action = NEWS_JUDGE_REMOVE, .from = from, .removed = removed,
        .more = more
    };

    return news_service_write(w, news_user_judge_apply, &op, err);
}


/* a suspension, a ban, its lifting or a batch of deleted comments */
static int
news_user_judge_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err)
{
    news_service_op_t  *op = arg;

    int              rc, days;
    char             count[32];
    news_user_t      u;
    news_modlog_t    e;
    news_standing_t  s;

    rc = news_user_find(st, txn, op->slug, strlen(op->slug), &u);
    if (rc == MDB_NOTFOUND) {
        return news_err_set(err, NEWS_NOTFOUND, "no such user");
    }

    if (rc != 0) {
        return news_store_fail(err, rc, "finding the account");
    }

    if (news_user_may_judge(op->actor, &u, err) != NEWS_OK
        || news_standing_get(st, txn, u.id, &s, err) != NEWS_OK)
    {
        return err->code;
    }

    memset(&e, 0, sizeof(e));
    e.by = op->actor->name;
    e.user = u.name;

    switch (op->action) {

    case NEWS_JUDGE_SUSPEND:
        days = (int) (int64_t) op->id;
        s.until = days < 0 ? NEWS_BANNED : op->now + (int64_t) days * 86400;
        s.since = op->now;
        s.by = op->actor->id;
        snprintf(s.reason, sizeof(s.reason), "%s", op->body);
        e.action = days < 0 ? "ban" : "suspend";
        e.reason = s.reason;
        rc = news_standing_put(st, txn, u.id, &s, err);
        break;

    case NEWS_JUDGE_LIFT:
        if (!news_standing_suspended(&s, op->now)) {
            return news_err_set(err, NEWS_CONFLICT, "the account is not "
                                "suspended");
        }

        s.until = 0;
        s.since = op->now;
        s.by = op->actor->id;
        s.reason[0] = '\0';
        e.action = "lift";
        rc = news_standing_put(st, txn, u.id, &s, err);
        break;

    default: /* NEWS_JUDGE_REMOVE */
        rc = news_author_remove_step(st, txn, u.id, op->now,
                                     NEWS_AUTHOR_BATCH, op->from,
                                     op->removed, op->more, err);
        if (rc != NEWS_OK || *op->removed == 0) {
            return rc;
        }

        snprintf(count, sizeof(count), "%zu comments", *op->removed);
        e.action = "delete all comments";
        e.reason = count;
    }

    if (rc != NEWS_OK) {
        return rc;
    }

    return news_modlog_add(st, txn, op->now, &e, err);
}


int
news_user_page(news_store_t *st, const news_actor_t *actor, const char *name,
    const news_form_t *f, int64_t now, news_buf_t *b, news_err_t *err)
{
    int              rc;
    size_t           count;
    MDB_txn         *txn;
    news_user_t      u;
    news_standing_t  s;

    if (news_actor_may(actor, NEWS_ACT_MODERATE, err) != NEWS_OK
        || news_store_read(st, &txn, err) != NEWS_OK)
    {
        return err->code;
    }

    rc = news_user_find(st, txn, name, strlen(name), &u);

    if (rc == MDB_NOTFOUND) {
        rc = news_err_set(err, NEWS_NOTFOUND, "There is no such user.");

    } else if (rc != 0) {
        rc = news_store_fail(err, rc, "finding the account");

    } else {
        rc = news_standing_get(st, txn, u.id, &s, err);
    }

    if (rc == NEWS_OK) {
        news_render_user_head(b, f, &u, &s, now);
        rc = news_author_comments(st, txn, u.id, NEWS_MODLOG_PAGE, f->csrf,
                                  f->csrf_len, b, &count, err);
    }

    news_store_read_done(st);

    if (rc == NEWS_OK) {
        news_render_user_tail(b, count);
    }

    return rc;
}


int
news_modlog_page(news_store_t *st, const news_actor_t *actor,
    uint64_t before, size_t json, news_buf_t *b, news_err_t *err)
{
    int       rc;
    MDB_txn  *txn;

    if (news_actor_may(actor, NEWS_ACT_MODERATE, err) != NEWS_OK
        || news_store_read(st, &txn, err) != NEWS_OK)
    {
        return err->code;
    }

    rc = json ? news_render_modlog_json(b, st, txn, before, json, err)
              : news_render_modlog(b, st, txn, before, err);
    news_store_read_done(st);

    return rc;
}
