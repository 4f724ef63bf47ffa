/*
 * Who may do what; see policy.h.
 */

#include <string.h>
#include <strings.h>

#include "articles.h"
#include "comments.h"
#include "policy.h"
#include "words.h"
#include "community.h"


/* the least role of each kind of act (NEWS_ACT_*) */
static const int  news_act_roles[] = {
    NEWS_ROLE_READER,           /* NEWS_ACT_ACCOUNT */
    NEWS_ROLE_MODERATOR,        /* NEWS_ACT_MODERATE */
    NEWS_ROLE_EDITOR            /* NEWS_ACT_EDIT */
};


int
news_actor_may(const news_actor_t *actor, int act, news_err_t *err)
{
    if (actor == NULL) {
        return news_err_set(err, NEWS_FORBIDDEN, "log in first");
    }

    if (actor->role < news_act_roles[act]) {
        return news_err_set(err, NEWS_FORBIDDEN, "your account may not do "
                            "this");
    }

    return NEWS_OK;
}


int
news_article_visible(const news_page_t *pg, const news_actor_t *actor,
    int64_t now)
{
    news_err_t  err;

    return news_article_public(pg, now)
           || news_actor_may(actor, NEWS_ACT_EDIT, &err) == NEWS_OK;
}


int
news_comments_closed(const news_page_t *pg, int64_t close_after,
    int64_t now, int64_t *closes_at)
{
    int      closed;
    int64_t  at;

    at = close_after ? pg->published_at + close_after : 0;
    closed = (pg->status & NEWS_COMMENTS_CLOSED) || (at && now >= at);

    if (closes_at != NULL) {
        *closes_at = closed ? 0 : at;
    }

    return closed;
}


int
news_comment_screen(news_store_t *st, MDB_txn *txn, const char *text,
    news_screen_t *s, news_err_t *err)
{
    size_t  n;

    n = strlen(text);

    if (news_words_screen(st, txn, text, n, &s->words, err) != NEWS_OK) {
        return err->code;
    }

    /* the word is not named: the message is shown as the page's text */
    if (s->words == NEWS_WORDS_BANNED) {
        return news_err_set(err, NEWS_INVALID, "a word in this comment is "
                            "not allowed here");
    }

    s->links = news_comment_links(text, n);

    return NEWS_OK;
}


/*
 * Readers' comments wait when the site premoderates, or when their text
 * has a suspect word or more links than the site allows; moderators'
 * never wait (they would approve their own).
 */
int
news_comment_held(const news_comment_policy_t *p, const news_actor_t *actor,
    const news_screen_t *s)
{
    news_err_t  err;

    if (news_actor_may(actor, NEWS_ACT_MODERATE, &err) == NEWS_OK) {
        return 0;
    }

    return p->premoderation
           || s->words == NEWS_WORDS_SUSPECT
           || s->links > p->max_links
           || s->approved < p->trust;
}


int
news_comment_standing(news_store_t *st, MDB_txn *txn,
    const news_actor_t *actor, int64_t now, news_screen_t *s,
    news_err_t *err)
{
    news_buf_t       why;
    news_standing_t  sd;

    if (news_standing_get(st, txn, actor->id, &sd, err) != NEWS_OK) {
        return err->code;
    }

    s->approved = sd.approved;

    if (!news_standing_suspended(&sd, now)) {
        return NEWS_OK;
    }

    news_buf_init(&why);
    news_standing_text(&why, &sd);
    news_err_set(err, NEWS_FORBIDDEN, "your account is %s",
                 news_buf_cstr(&why) ? news_buf_cstr(&why) : "suspended");
    news_buf_free(&why);

    return NEWS_FORBIDDEN;
}


int
news_user_may_judge(const news_actor_t *actor, const news_user_t *u,
    news_err_t *err)
{
    if (news_actor_may(actor, NEWS_ACT_MODERATE, err) != NEWS_OK) {
        return err->code;
    }

    if (u->id == actor->id
        || (u->role >= actor->role && actor->role != NEWS_ROLE_ADMIN))
    {
        return news_err_set(err, NEWS_FORBIDDEN, "moderators judge readers; "
                            "only an admin judges staff, and nobody "
                            "themselves");
    }

    return NEWS_OK;
}


/*
 * Authors edit and delete their own comments within the window;
 * moderators and above delete, hide, unhide and approve any comment.
 * A comment the actor may not see (missing, hidden, pending, deleted,
 * on an article that is not public, or not on the article of a form's
 * path) is one answer, "no such comment": which it is stays unsaid.
 */
int
news_comment_may(news_store_t *st, MDB_txn *txn,
    const news_comment_policy_t *p, const news_actor_t *actor,
    const char *slug, uint64_t id, int action, int64_t now, news_err_t *err)
{
    int             rc, own, late, status, moderator;
    uint64_t        article_id, slug_id;
    news_err_t      role;
    news_comment_t  c;

    rc = news_comment_get(st, txn, id, &c, err);
    if (rc == NEWS_NOTFOUND) {
        return news_err_set(err, NEWS_NOTFOUND, "no such comment");
    }

    if (rc != NEWS_OK) {
        return rc;
    }

    /*
     * By id; a record from before ids were kept goes by name, and only
     * for an account at least as old as the comment, so that whoever
     * takes a freed name later never owns its old comments.
     */
    own = c.author_id ? c.author_id == actor->id
                      : strcasecmp(c.author, actor->name) == 0
                        && actor->since <= c.created_at;
    late = now - c.created_at > p->edit_window;
    status = c.status;
    article_id = c.article_id;
    news_comment_free(&c);

    moderator = news_actor_may(actor, NEWS_ACT_MODERATE, &role) == NEWS_OK;

    if ((!moderator && status == NEWS_COMMENT_DELETED)
        || (!moderator && !own
            && (status != NEWS_COMMENT_VISIBLE
                || !news_article_public_id(st, txn, article_id, now)))
        || (slug != NULL && slug[0] != '\0'
            && (news_article_id(st, txn, slug, strlen(slug), &slug_id) != 0
                || slug_id != article_id)))
    {
        return news_err_set(err, NEWS_NOTFOUND, "no such comment");
    }

    if (action == NEWS_COMMENT_ACT_FEATURE
        || action == NEWS_COMMENT_ACT_UNFEATURE)
    {
        return news_actor_may(actor, NEWS_ACT_EDIT, err) == NEWS_OK
               ? NEWS_OK
               : news_err_set(err, NEWS_FORBIDDEN, "only editors pick "
                              "comments");
    }

    if (moderator && action != NEWS_COMMENT_ACT_EDIT) {
        return NEWS_OK;
    }

    if (!own || action > NEWS_COMMENT_ACT_DELETE) {
        return news_err_set(err, NEWS_FORBIDDEN, "this is not your comment "
                            "to change");
    }

    if (late) {
        return news_err_set(err, NEWS_FORBIDDEN, "comments can be changed "
                            "for %ld minutes after posting",
                            (long) p->edit_window / 60);
    }

    return NEWS_OK;
}


int
news_comment_may_report(news_store_t *st, MDB_txn *txn,
    const news_actor_t *actor, const news_comment_t *c, int64_t now,
    news_err_t *err)
{
    if (news_actor_may(actor, NEWS_ACT_ACCOUNT, err) != NEWS_OK) {
        return err->code;
    }

    if (c->author_id ? c->author_id == actor->id
                     : strcasecmp(c->author, actor->name) == 0)
    {
        return news_err_set(err, NEWS_FORBIDDEN, "you cannot report your "
                            "own comment");
    }

    if (c->status != NEWS_COMMENT_VISIBLE
        || !news_article_public_id(st, txn, c->article_id, now))
    {
        return news_err_set(err, NEWS_NOTFOUND, "no such comment");
    }

    return NEWS_OK;
}
