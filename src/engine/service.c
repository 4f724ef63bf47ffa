/*
 * The site's services; see service.h.  Each write is an operation for
 * the writer: its inputs, and an apply function that runs in the batch's
 * transaction and asks policy.c before it changes anything.
 */

#include <string.h>

#include "articles.h"
#include "render_account.h"
#include "service.h"


typedef struct {
    const news_actor_t           *actor;
    const news_comment_policy_t  *policy;
    const char                   *slug;     /* NULL: none given */
    int                           action;
    uint64_t                      id;
    int                           closed;
    const char                   *body;
    news_article_t               *article;
    news_comment_t               *comment;
    int64_t                       now;
    unsigned                     *retry;
    const news_word_op_t         *words;
    size_t                        nwords;
    int                           replace;
} news_service_op_t;


static int news_service_write(news_writer_t *w, news_write_pt apply,
    news_service_op_t *op, news_err_t *err);
static int news_service_article(news_store_t *st, MDB_txn *txn,
    const char *slug, uint64_t *id, news_err_t *err);
static int news_article_create_apply(news_store_t *st, MDB_txn *txn,
    void *arg, news_err_t *err);
static int news_article_update_apply(news_store_t *st, MDB_txn *txn,
    void *arg, news_err_t *err);
static int news_article_set_closed_apply(news_store_t *st, MDB_txn *txn,
    void *arg, news_err_t *err);
static int news_comment_add_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err);
static int news_comment_change_apply(news_store_t *st, MDB_txn *txn,
    void *arg, news_err_t *err);
static int news_words_change_apply(news_store_t *st, MDB_txn *txn,
    void *arg, news_err_t *err);


/* ---- articles ----------------------------------------------------------- */


int
news_article_create(news_writer_t *w, const news_actor_t *actor,
    news_article_t *a, int64_t now, news_err_t *err)
{
    news_service_op_t  op = {
        .actor = actor, .article = a, .now = now
    };

    return news_service_write(w, news_article_create_apply, &op, err);
}


int
news_article_update(news_writer_t *w, const news_actor_t *actor,
    const char *slug, news_article_t *a, int64_t now, news_err_t *err)
{
    news_service_op_t  op = {
        .actor = actor, .slug = slug, .article = a, .now = now
    };

    return news_service_write(w, news_article_update_apply, &op, err);
}


int
news_article_remove(news_writer_t *w, const news_actor_t *actor,
    const char *slug, int64_t now, news_err_t *err)
{
    news_service_op_t  op = {
        .actor = actor, .slug = slug, .now = now
    };

    return news_service_write(w, news_article_update_apply, &op, err);
}


int
news_article_set_closed(news_writer_t *w, const news_actor_t *actor,
    const char *slug, int closed, int64_t now, news_err_t *err)
{
    news_service_op_t  op = {
        .actor = actor, .slug = slug, .closed = closed, .now = now
    };

    return news_service_write(w, news_article_set_closed_apply, &op, err);
}


int
news_article_revisions(news_store_t *st, const news_actor_t *actor,
    const char *slug, size_t len, news_buf_t *b, news_err_t *err)
{
    int       rc;
    uint64_t  id;
    MDB_txn  *txn;

    if (news_actor_may(actor, NEWS_ACT_EDIT, err) != NEWS_OK) {
        return err->code;
    }

    if (news_store_read(st, &txn, err) != NEWS_OK) {
        return err->code;
    }

    rc = news_article_id(st, txn, slug, len, &id);
    if (rc != NEWS_OK) {
        rc = news_err_set(err, rc, "no article \"%.*s\"", (int) len, slug);

    } else {
        rc = news_article_revisions_json(st, txn, id, b, err);
    }

    news_store_read_done(st);

    return rc;
}


/* a slug another article holds is a conflict (news_article_save) */
static int
news_article_create_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err)
{
    news_service_op_t  *op = arg;

    if (news_actor_may(op->actor, NEWS_ACT_EDIT, err) != NEWS_OK) {
        return err->code;
    }

    return news_article_save(st, txn, op->article, 0, op->now, err);
}


/* an update, or without an article a removal */
static int
news_article_update_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err)
{
    news_service_op_t  *op = arg;

    uint64_t  id;

    if (news_actor_may(op->actor, NEWS_ACT_EDIT, err) != NEWS_OK
        || news_service_article(st, txn, op->slug, &id, err) != NEWS_OK)
    {
        return err->code;
    }

    if (op->article == NULL) {
        return news_article_delete(st, txn, id, op->now, err);
    }

    return news_article_save(st, txn, op->article, id, op->now, err);
}


static int
news_article_set_closed_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err)
{
    news_service_op_t  *op = arg;

    uint64_t  id;

    if (news_actor_may(op->actor, NEWS_ACT_EDIT, err) != NEWS_OK) {
        return err->code;
    }

    if (news_article_id(st, txn, op->slug, strlen(op->slug), &id) != 0) {
        return news_err_set(err, NEWS_NOTFOUND, "no such article");
    }

    return news_article_close_comments(st, txn, id, op->closed, op->now,
                                       err);
}


/* the article an editor names: at its current slug, not a former one */
static int
news_service_article(news_store_t *st, MDB_txn *txn, const char *slug,
    uint64_t *id, news_err_t *err)
{
    int  moved;

    if (news_article_find(st, txn, slug, strlen(slug), id, &moved) != 0
        || moved)
    {
        return news_err_set(err, NEWS_NOTFOUND, "no article \"%s\"", slug);
    }

    return NEWS_OK;
}


/* ---- comments ----------------------------------------------------------- */


int
news_comment_add(news_writer_t *w, const news_comment_policy_t *p,
    const news_actor_t *actor, const char *slug, news_comment_t *c,
    int64_t now, unsigned *retry, news_err_t *err)
{
    news_service_op_t  op = {
        .actor = actor, .policy = p, .slug = slug, .comment = c, .now = now,
        .retry = retry
    };

    return news_service_write(w, news_comment_add_apply, &op, err);
}


int
news_comment_change(news_writer_t *w, const news_comment_policy_t *p,
    const news_actor_t *actor, const char *slug, uint64_t id, int action,
    const char *body, int64_t now, news_err_t *err)
{
    news_service_op_t  op = {
        .actor = actor, .policy = p, .slug = slug, .id = id, .action = action,
        .body = body, .now = now
    };

    return news_service_write(w, news_comment_change_apply, &op, err);
}


/*
 * The order matters: the article first (a missing one is "no such
 * article" even to a user over the rate), then the rate, which counts
 * this comment, then its words and whether it was just posted, then the
 * post, which checks the parent and the budgets.
 */
static int
news_comment_add_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err)
{
    news_service_op_t  *op = arg;

    uint64_t         id;
    news_screen_t    screen;
    news_comment_t  *c;

    c = op->comment;

    if (news_actor_may(op->actor, NEWS_ACT_ACCOUNT, err) != NEWS_OK) {
        return err->code;
    }

    if (news_article_id(st, txn, op->slug, strlen(op->slug), &id) != 0) {
        return news_err_set(err, NEWS_NOTFOUND, "no such article");
    }

    if (op->policy->rate
        && news_comment_rate(st, txn, op->actor->id, op->now, 60,
                             op->policy->rate, op->retry, err)
           != NEWS_OK)
    {
        return err->code;
    }

    if (news_comment_screen(st, txn, c->body, &screen, err) != NEWS_OK
        || news_comment_duplicate(st, txn, op->actor->id, c->body,
                                  op->now - NEWS_DUPLICATE_WINDOW, err)
           != NEWS_OK)
    {
        return err->code;
    }

    c->article_id = id;
    c->author = (char *) op->actor->name;
    c->author_id = op->actor->id;

    return news_comment_post(st, txn, c,
                             news_comment_held(op->policy, op->actor,
                                               &screen),
                             op->now, err);
}


static int
news_comment_change_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err)
{
    news_service_op_t  *op = arg;

    int            status;
    news_screen_t  screen;

    if (news_comment_may(st, txn, op->policy, op->actor, op->slug, op->id,
                         op->action, op->now, err)
        != NEWS_OK)
    {
        return err->code;
    }

    switch (op->action) {

    case NEWS_COMMENT_ACT_EDIT:
        if (news_comment_screen(st, txn, op->body, &screen, err) != NEWS_OK)
        {
            return err->code;
        }

        return news_comment_edit(st, txn, op->id, op->body,
                                 news_comment_held(op->policy, op->actor,
                                                   &screen),
                                 op->now, err);

    case NEWS_COMMENT_ACT_DELETE:
        status = NEWS_COMMENT_DELETED;
        break;

    case NEWS_COMMENT_ACT_HIDE:
        status = NEWS_COMMENT_HIDDEN;
        break;

    default: /* unhide, approve */
        status = NEWS_COMMENT_VISIBLE;
    }

    return news_comment_set_status(st, txn, op->id, status, op->now, err);
}


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


/* ---- the writer --------------------------------------------------------- */


static int
news_service_write(news_writer_t *w, news_write_pt apply,
    news_service_op_t *op, news_err_t *err)
{
    news_write_op_t  wop;

    memset(&wop, 0, sizeof(wop));
    wop.apply = apply;
    wop.arg = op;

    if (news_writer_run(w, &wop) != NEWS_OK) {
        *err = wop.err;
    }

    return wop.rc;
}
