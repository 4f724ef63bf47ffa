/*
 * The site's services for articles and comments; see service.h.  Each
 * write is an operation for the writer: its inputs, and an apply
 * function that runs in the batch's transaction and asks policy.c before
 * it changes anything.  The moderators' word lists and acts on readers
 * are service_community.c's, through the same op (service_op.h); the
 * accounts' are service_account.c's, the desk's service_desk.c's.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "articles.h"
#include "community.h"
#include "publish.h"
#include "render_account.h"
#include "render_community.h"
#include "service.h"
#include "service_op.h"
#include "shared_writer.h"
#include "text.h"




static int news_service_article(news_store_t *st, MDB_txn *txn,
    const char *slug, uint64_t *id, news_err_t *err);
static int news_article_create_apply(news_store_t *st, MDB_txn *txn,
    void *arg, news_err_t *err);
static int news_article_update_apply(news_store_t *st, MDB_txn *txn,
    void *arg, news_err_t *err);
static int news_article_patch_apply(news_store_t *st, MDB_txn *txn,
    void *arg, news_err_t *err);
static int news_article_set_closed_apply(news_store_t *st, MDB_txn *txn,
    void *arg, news_err_t *err);
static int news_comment_add_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err);
static int news_comment_add_shared(news_writer_t *w,
    const news_comment_policy_t *p, const news_actor_t *actor,
    const char *slug, news_comment_t *c, int64_t now, unsigned *retry,
    news_err_t *err);
static void news_comment_post_fill(void *slot, void *arg);
static int news_comment_post_apply(news_store_t *st, MDB_txn *txn,
    void *arg, news_err_t *err);
static int news_comment_change_apply(news_store_t *st, MDB_txn *txn,
    void *arg, news_err_t *err);
static int news_comment_report_apply(news_store_t *st, MDB_txn *txn,
    void *arg, news_err_t *err);
static int news_comment_dismiss(news_store_t *st, MDB_txn *txn,
    news_service_op_t *op, news_err_t *err);
static int news_comment_pick(news_store_t *st, MDB_txn *txn,
    news_service_op_t *op, news_err_t *err);
static int news_comment_judged(news_store_t *st, MDB_txn *txn,
    news_service_op_t *op, news_err_t *err);


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
news_article_patch(news_writer_t *w, const news_actor_t *actor,
    const char *slug, const cJSON *patch, news_article_t *a, int64_t now,
    news_err_t *err)
{
    news_service_op_t  op = {
        .actor = actor, .slug = slug, .patch = patch, .article = a,
        .now = now
    };

    return news_service_write(w, news_article_patch_apply, &op, err);
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


/*
 * The stored article with the patch's fields, in the write's txn so that
 * no other write comes between the read and the save; a retried batch
 * merges again into a fresh op->article.
 */
static int
news_article_patch_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err)
{
    news_service_op_t  *op = arg;

    int             rc;
    uint64_t        id;
    news_article_t  old;

    if (news_actor_may(op->actor, NEWS_ACT_EDIT, err) != NEWS_OK
        || news_service_article(st, txn, op->slug, &id, err) != NEWS_OK
        || news_article_load(st, txn, id, &old, err) != NEWS_OK)
    {
        return err->code;
    }

    news_article_free(op->article);

    rc = news_article_merge(&old, op->patch, op->now, op->article, err);
    news_article_free(&old);

    if (rc != NEWS_OK) {
        return rc;
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
    int                rc;
    news_service_op_t  op = {
        .actor = actor, .policy = p, .slug = slug, .comment = c, .now = now,
        .retry = retry
    };

    if (w->shared != NULL) {
        rc = news_comment_add_shared(w, p, actor, slug, c, now, retry, err);
        if (rc != NEWS_SHARED_LOCAL) {
            return rc;
        }
    }

    return news_service_write(w, news_comment_add_apply, &op, err);
}


/*
 * A comment post as it goes to the shared writer (shared_writer.h): every
 * input by value, for a batch that another process may lead; its outputs
 * (c, retry) come back in the same bytes.
 */
typedef struct {
    news_comment_policy_t  policy;
    uint64_t               actor_id;
    int                    role;
    int64_t                since;
    int64_t                now;
    char                   name[NEWS_NAME_MAX + 1];
    char                   slug[NEWS_SLUG_MAX + 1];
    news_comment_t         c;           /* in: parent; out: the rest */
    unsigned               retry;       /* out */
    char                   body[];      /* NUL-terminated */
} news_comment_post_t;


size_t
news_comment_post_size(size_t body)
{
    return sizeof(news_comment_post_t) + body + 1;
}


/* what news_comment_post_fill writes into a slot */
typedef struct {
    const news_comment_policy_t  *policy;
    const news_actor_t           *actor;
    const char                   *slug;
    const news_comment_t         *c;
    int64_t                       now;
    size_t                        nlen;
    size_t                        slen;
    size_t                        len;
} news_comment_post_in_t;


static int
news_comment_add_shared(news_writer_t *w, const news_comment_policy_t *p,
    const news_actor_t *actor, const char *slug, news_comment_t *c,
    int64_t now, unsigned *retry, news_err_t *err)
{
    int                     rc;
    news_comment_post_t     out;
    news_comment_post_in_t  in = {
        .policy = p, .actor = actor, .slug = slug, .c = c, .now = now
    };

    in.nlen = strlen(actor->name);
    in.slen = strlen(slug);
    in.len = strlen(c->body);

    if (in.nlen > NEWS_NAME_MAX || in.slen > NEWS_SLUG_MAX) {
        return NEWS_SHARED_LOCAL;
    }

    rc = news_shared_run(w->shared, w, news_comment_post_apply,
                         news_comment_post_fill, &in,
                         news_comment_post_size(in.len), &out, sizeof(out),
                         err);

    if (rc == NEWS_OK) {
        out.c.author = (char *) actor->name;
        out.c.body = c->body;
        *c = out.c;
    }

    if (rc == NEWS_LIMITED) {
        *retry = out.retry;
    }

    return rc;
}


/* under the shared writer's lock: the post built in its slot, one copy */
static void
news_comment_post_fill(void *slot, void *arg)
{
    news_comment_post_in_t *in = arg;

    news_comment_post_t  *post = slot;

    memset(post, 0, sizeof(news_comment_post_t));
    post->policy = *in->policy;
    post->actor_id = in->actor->id;
    post->role = in->actor->role;
    post->since = in->actor->since;
    post->now = in->now;
    memcpy(post->name, in->actor->name, in->nlen);
    memcpy(post->slug, in->slug, in->slen);
    post->c.parent = in->c->parent;
    memcpy(post->body, in->c->body, in->len + 1);
}


/* in the leading process's batch: the post's op, pointing into its bytes */
static int
news_comment_post_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err)
{
    news_comment_post_t *post = arg;

    int                rc;
    news_actor_t       actor;
    news_comment_t     c;
    news_service_op_t  op;

    actor.id = post->actor_id;
    actor.name = post->name;
    actor.role = post->role;
    actor.since = post->since;

    c = post->c;
    c.body = post->body;

    memset(&op, 0, sizeof(op));
    op.actor = &actor;
    op.policy = &post->policy;
    op.slug = post->slug;
    op.comment = &c;
    op.now = post->now;
    op.retry = &post->retry;

    rc = news_comment_add_apply(st, txn, &op, err);

    /* the strings are the poster's own again when it reads c back */
    c.author = NULL;
    c.body = NULL;
    post->c = c;

    return rc;
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
 * post, which checks the parent and the budgets.  The poster's tail (the
 * rate's window, the count of their comments gone public) is written
 * once, at the end: a refusal after the rate undoes the post's nested
 * txn, the rate's count with it, as it did when the rate wrote it first.
 */
static int
news_comment_add_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err)
{
    news_service_op_t  *op = arg;

    int                  counted;
    uint64_t             id;
    news_page_t          pg;
    news_screen_t        screen;
    news_comment_t      *c;
    news_author_tail_t   tail;

    c = op->comment;

    if (news_actor_may(op->actor, NEWS_ACT_ACCOUNT, err) != NEWS_OK) {
        return err->code;
    }

    if (news_article_id(st, txn, op->slug, strlen(op->slug), &id) != 0) {
        return news_err_set(err, NEWS_NOTFOUND, "no such article");
    }

    /* closed by time (news_comment_post checks an editor's closing) */
    if (op->policy->close_after
        && news_article_fragment(st, txn, id, NEWS_FRAG_TEASER, &pg)
           == NEWS_OK
        && news_article_public(&pg, op->now)
        && news_comments_closed(&pg, op->policy->close_after, op->now, NULL))
    {
        return news_err_set(err, NEWS_FORBIDDEN, "comments are closed on "
                            "this article");
    }

    if (news_comment_standing(st, txn, op->actor, op->now, &screen, err)
        != NEWS_OK)
    {
        return err->code;
    }

    /* the poster's tail (their rate, their count), written once, below */
    if (news_author_tail_get(st, txn, op->actor->id, &tail, err) != NEWS_OK
        || (op->policy->rate
            && news_author_tail_rate(&tail, op->now, 60, op->policy->rate,
                                     op->retry, err)
               != NEWS_OK))
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

    if (news_comment_post(st, txn, c,
                          news_comment_held(op->policy, op->actor, &screen),
                          op->now, err)
        != NEWS_OK)
    {
        return err->code;
    }

    /* one more of theirs gone public: what news_comment_trust counts */
    counted = c->status == NEWS_COMMENT_VISIBLE && op->actor->id != 0
              && news_author_tail_count(&tail, 1);

    return op->policy->rate || counted
           ? news_author_tail_put(st, txn, op->actor->id, &tail,
                                  "writing the posting rate", err)
           : NEWS_OK;
}


static int
news_comment_change_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err)
{
    news_service_op_t  *op = arg;

    int             status;
    news_screen_t   screen;
    news_comment_t  c;

    if (news_comment_may(st, txn, op->policy, op->actor, op->slug, op->id,
                         op->action, op->now, err)
        != NEWS_OK)
    {
        return err->code;
    }

    switch (op->action) {

    case NEWS_COMMENT_ACT_EDIT:
        if (news_comment_standing(st, txn, op->actor, op->now, &screen, err)
            != NEWS_OK
            || news_comment_screen(st, txn, op->body, &screen, err)
               != NEWS_OK
            || news_comment_get(st, txn, op->id, &c, err) != NEWS_OK)
        {
            return err->code;
        }

        /* a hidden comment stays hidden, whatever its new words */
        status = c.status;
        news_comment_free(&c);

        return news_comment_edit(st, txn, op->id, op->body,
                                 status != NEWS_COMMENT_HIDDEN
                                 && news_comment_held(op->policy, op->actor,
                                                      &screen),
                                 op->now, err);

    case NEWS_COMMENT_ACT_DISMISS:
        return news_comment_dismiss(st, txn, op, err);

    case NEWS_COMMENT_ACT_FEATURE:
    case NEWS_COMMENT_ACT_UNFEATURE:
        return news_comment_pick(st, txn, op, err);

    case NEWS_COMMENT_ACT_DELETE:
        status = NEWS_COMMENT_DELETED;
        break;

    case NEWS_COMMENT_ACT_HIDE:
        status = NEWS_COMMENT_HIDDEN;
        break;

    default: /* unhide, approve */
        status = NEWS_COMMENT_VISIBLE;
    }

    /* a decision on the comment answers its reports */
    if (news_comment_set_status(st, txn, op->id, status, op->now, err)
        != NEWS_OK
        || news_report_clear(st, txn, op->id, err) != NEWS_OK)
    {
        return err->code;
    }

    return news_comment_judged(st, txn, op, err);
}


/* an editors' pick, or no longer: in the log, even of their own comment */
static int
news_comment_pick(news_store_t *st, MDB_txn *txn, news_service_op_t *op,
    news_err_t *err)
{
    int             rc, on;
    news_modlog_t   e;
    news_comment_t  c;

    on = op->action == NEWS_COMMENT_ACT_FEATURE;

    if (news_comment_feature(st, txn, op->id, on, op->now, err) != NEWS_OK
        || news_comment_get(st, txn, op->id, &c, err) != NEWS_OK)
    {
        return err->code;
    }

    memset(&e, 0, sizeof(e));
    e.by = op->actor->name;
    e.action = on ? "feature" : "unfeature";
    e.comment = op->id;
    e.user = c.author;

    rc = news_modlog_add(st, txn, op->now, &e, err);
    news_comment_free(&c);

    return rc;
}


/* the reports were wrong: gone, and the comment back if they hid it */
static int
news_comment_dismiss(news_store_t *st, MDB_txn *txn, news_service_op_t *op,
    news_err_t *err)
{
    news_report_tally_t  t;

    if (news_report_tally(st, txn, op->id, &t, err) != NEWS_OK) {
        return err->code;
    }

    if (t.count == 0) {
        return news_err_set(err, NEWS_CONFLICT, "this comment has no "
                            "reports");
    }

    if (news_report_clear(st, txn, op->id, err) != NEWS_OK
        || (t.hidden
            && news_comment_set_status(st, txn, op->id, NEWS_COMMENT_VISIBLE,
                                       op->now, err)
               != NEWS_OK))
    {
        return err->code;
    }

    return news_comment_judged(st, txn, op, err);
}


int
news_comment_report(news_writer_t *w, const news_comment_policy_t *p,
    const news_actor_t *actor, uint64_t id, int reason, const char *note,
    int64_t now, news_err_t *err)
{
    news_service_op_t  op = {
        .actor = actor, .policy = p, .id = id, .action = reason,
        .body = note, .now = now
    };

    return news_service_write(w, news_comment_report_apply, &op, err);
}


/*
 * A suspended reader reports nothing; the report that reaches
 * news_comment_report_hide hides the comment, in the log as the
 * reports' doing.
 */
static int
news_comment_report_apply(news_store_t *st, MDB_txn *txn, void *arg,
    news_err_t *err)
{
    news_service_op_t  *op = arg;

    int                  rc;
    char                 count[32];
    news_screen_t        screen;
    news_modlog_t        e;
    news_comment_t       c;
    news_report_tally_t  t;

    if (news_comment_standing(st, txn, op->actor, op->now, &screen, err)
        != NEWS_OK)
    {
        return err->code;
    }

    rc = news_comment_get(st, txn, op->id, &c, err);
    if (rc == NEWS_NOTFOUND) {
        return news_err_set(err, NEWS_NOTFOUND, "no such comment");
    }

    if (rc != NEWS_OK) {
        return rc;
    }

    rc = news_comment_may_report(st, txn, op->actor, &c, op->now, err);

    if (rc == NEWS_OK) {
        rc = news_report_add(st, txn, op->id, op->actor->id, op->action,
                             op->body, strlen(op->body), op->now, &t, err);
    }

    if (rc != NEWS_OK || op->policy->report_hide == 0
        || t.count < op->policy->report_hide || t.hidden)
    {
        news_comment_free(&c);
        return rc;
    }

    memset(&e, 0, sizeof(e));
    snprintf(count, sizeof(count), "%u reports", (unsigned) t.count);
    e.by = op->actor->name;
    e.action = "hidden by reports";
    e.comment = op->id;
    e.user = c.author;
    e.reason = count;

    rc = news_comment_set_status(st, txn, op->id, NEWS_COMMENT_HIDDEN,
                                 op->now, err);
    if (rc == NEWS_OK) {
        rc = news_report_hid(st, txn, &t, err);
    }

    if (rc == NEWS_OK) {
        rc = news_modlog_add(st, txn, op->now, &e, err);
    }

    news_comment_free(&c);

    return rc;
}


int
news_report_form_page(news_store_t *st, const news_actor_t *actor,
    uint64_t id, const news_form_t *f, int64_t now, news_buf_t *b,
    news_err_t *err)
{
    int             rc;
    MDB_txn        *txn;
    news_article_t  a;
    news_comment_t  c;

    if (news_store_read(st, &txn, err) != NEWS_OK) {
        return err->code;
    }

    memset(&a, 0, sizeof(a));
    rc = news_comment_get(st, txn, id, &c, err);

    if (rc == NEWS_NOTFOUND) {
        rc = news_err_set(err, NEWS_NOTFOUND, "no such comment");

    } else if (rc == NEWS_OK) {
        rc = f->notice ? NEWS_OK
                       : news_comment_may_report(st, txn, actor, &c, now,
                                                 err);

        if (rc == NEWS_OK) {
            rc = news_article_load(st, txn, c.article_id, &a, err);
        }

        if (rc == NEWS_OK) {
            news_render_report_form(b, f, &a, &c);
        }

        news_comment_free(&c);
        news_article_free(&a);
    }

    news_store_read_done(st);

    return rc;
}


int
news_reports_page(news_store_t *st, const news_actor_t *actor,
    uint32_t count, uint64_t id, const news_form_t *f, news_buf_t *b,
    news_err_t *err)
{
    int       rc;
    MDB_txn  *txn;

    if (news_actor_may(actor, NEWS_ACT_MODERATE, err) != NEWS_OK
        || news_store_read(st, &txn, err) != NEWS_OK)
    {
        return err->code;
    }

    rc = news_render_reports(b, st, txn, count, id, f, err);
    news_store_read_done(st);

    return rc;
}


/*
 * A moderator's act on another's comment goes in the log, and counts
 * for its author's trust: an approval (or a comment shown again) one
 * more, a hiding or a deletion (a rejection) back to none.
 */
static int
news_comment_judged(news_store_t *st, MDB_txn *txn, news_service_op_t *op,
    news_err_t *err)
{
    int             rc;
    news_modlog_t   e;
    news_comment_t  c;

    static const char  *acts[] = {
        "post", "edit", "delete", "hide", "unhide", "approve",
        "dismiss reports"
    };

    if (news_comment_get(st, txn, op->id, &c, err) != NEWS_OK) {
        return err->code;
    }

    if (c.author_id == op->actor->id
        || news_actor_may(op->actor, NEWS_ACT_MODERATE, err) != NEWS_OK)
    {
        news_comment_free(&c);
        return NEWS_OK;
    }

    memset(&e, 0, sizeof(e));
    e.by = op->actor->name;
    e.action = acts[op->action];
    e.comment = op->id;
    e.user = c.author;

    rc = news_modlog_add(st, txn, op->now, &e, err);

    /* unhiding a pending comment is the API's approval; a dismissal
     * judges the reports, not the author */
    if (rc == NEWS_OK && op->action != NEWS_COMMENT_ACT_DISMISS) {
        rc = news_standing_count(st, txn, c.author_id,
                                 op->action == NEWS_COMMENT_ACT_APPROVE
                                 || op->action == NEWS_COMMENT_ACT_UNHIDE,
                                 err);
    }

    news_comment_free(&c);

    return rc;
}


/* ---- the writer --------------------------------------------------------- */


int
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
