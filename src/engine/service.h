/*
 * The site's services: what a front end asks of the engine, one call per
 * action.  Each takes plain inputs and the acting user (policy.h),
 * applies every rule itself and returns NEWS_* with err saying which
 * field and why; a front end translates inputs in and the result out,
 * and never sees a transaction.
 *
 * Writes go through the group-commit writer (writer.h): they block until
 * their batch is committed, so a front end calls them from a worker
 * thread, never from an event loop.  Reads use the calling thread's
 * cached read txn (news_store_read) and end it before they return.
 */

#ifndef NEWS_SERVICE_H
#define NEWS_SERVICE_H

#include "article.h"
#include "buf.h"
#include "comments.h"
#include "policy.h"
#include "store.h"
#include "words.h"
#include "writer.h"


/* ---- articles (editors) ------------------------------------------------- */

/* a new article; a slug another article holds is NEWS_CONFLICT */
int news_article_create(news_writer_t *w, const news_actor_t *actor,
    news_article_t *a, int64_t now, news_err_t *err);

/* replaces the article now at `slug` (a former slug is NEWS_NOTFOUND) */
int news_article_update(news_writer_t *w, const news_actor_t *actor,
    const char *slug, news_article_t *a, int64_t now, news_err_t *err);

/* deletes it with its comments and revisions */
int news_article_remove(news_writer_t *w, const news_actor_t *actor,
    const char *slug, int64_t now, news_err_t *err);

/* closes (1) or reopens (0) its comments: not an edit, no revision */
int news_article_set_closed(news_writer_t *w, const news_actor_t *actor,
    const char *slug, int closed, int64_t now, news_err_t *err);

/* every earlier version, as the API's JSON, appended to b */
int news_article_revisions(news_store_t *st, const news_actor_t *actor,
    const char *slug, size_t len, news_buf_t *b, news_err_t *err);


/* ---- comments ----------------------------------------------------------- */

/*
 * A comment (c->parent 0) or a reply by the actor on the article at
 * `slug`.  In: c->parent, c->body (text news_comment_text() accepted);
 * out: the rest of c (its id, author, status, time).  A user over the
 * rate gets NEWS_LIMITED and *retry, the seconds to wait.
 */
int news_comment_add(news_writer_t *w, const news_comment_policy_t *p,
    const news_actor_t *actor, const char *slug, news_comment_t *c,
    int64_t now, unsigned *retry, news_err_t *err);

/*
 * The author's edit (body) or deletion, a moderator's deletion, hiding,
 * unhiding or approval (NEWS_COMMENT_ACT_*) of comment `id`.  `slug`,
 * NULL or "" when the request names no article, must be its article.
 */
int news_comment_change(news_writer_t *w, const news_comment_policy_t *p,
    const news_actor_t *actor, const char *slug, uint64_t id, int action,
    const char *body, int64_t now, news_err_t *err);


/* ---- word lists (moderators; words.h) ----------------------------------- */

/*
 * The lists for a moderator, appended to b: their JSON (f NULL), or
 * their page with the form f (render_account.h), in a read txn.
 */
struct news_form_s;
int news_words_read(news_store_t *st, const news_actor_t *actor,
    const struct news_form_s *f, news_buf_t *b, news_err_t *err);

/* news_words_apply() for a moderator, through the writer */
int news_words_change(news_writer_t *w, const news_actor_t *actor,
    int replace, const news_word_op_t *ops, size_t n, news_err_t *err);

#endif /* NEWS_SERVICE_H */
