/*
 * What a front end reads, one call per view: an article by its address,
 * a list, a topic's name, an article's comments, the moderation queue, a
 * thread, the times that a list's validators are made of, and of the
 * accounts: a session's user, a user's sessions, the account page, the
 * login throttle.
 *
 * A request reads through a reader: news_reader_begin() renews the
 * calling thread's cached read txn (store.h, news_store_read) and
 * news_reader_end() resets it.  What a view returns (news_page_t parts,
 * news_str_t) points into the map and is valid until the reader ends, so
 * a front end copies what it sends before it ends the reader.  The
 * reader also says who reads (the acting user, policy.h, NULL for
 * anyone) and when: every view applies the rules of what that reader may
 * see itself.  A front end never touches the txn.
 */

#ifndef NEWS_READER_H
#define NEWS_READER_H

#include <stddef.h>
#include <stdint.h>

#include "articles.h"
#include "comments.h"
#include "policy.h"
#include "render_account.h"
#include "service.h"
#include "store.h"
#include "text.h"


typedef struct {
    news_store_t        *st;
    MDB_txn             *txn;       /* NULL once ended; the engine's alone */
    const news_actor_t  *actor;     /* who reads: NULL for anyone */
    int64_t              now;
    int64_t              close_after;   /* news_comments_closed(); 0 (never)
                                           until the front end sets it */
    news_buf_t           join;      /* a comment page put together with
                                       its pieces (articles.h); freed by
                                       news_reader_end() */
} news_reader_t;


int news_reader_begin(news_reader_t *rd, news_store_t *st,
    const news_actor_t *actor, int64_t now, news_err_t *err);

/* may be called again: an ended reader is left as it is */
void news_reader_end(news_reader_t *rd);


/*
 * An article asked for by its address.  An address that is a former
 * slug (or an imported article's old path) is not read: `moved` is set
 * and `slug` is where the article is now, if the reader may see it
 * (else NEWS_NOTFOUND, as for no article: a draft's new address is not
 * told).
 */
typedef struct {
    uint64_t      id;
    news_page_t   page;         /* the fragment of the kind asked for */
    news_str_t    comments;     /* NEWS_FRAG_PAGE: the comment page asked for */
    news_str_t    above[2];     /* NEWS_FRAG_PAGE: what goes above the
                                   thread oldest first, newest first: the
                                   links to each order, the editors' picks */
    int           closed;       /* its comments are closed */
    int           closed_late;  /* by time, since page.modified_at */
    int64_t       closes_at;    /* when they close by time; 0: never */
    int           moved;
    char          slug[NEWS_SLUG_MAX + 1];  /* moved: its address now */
} news_article_view_t;

/*
 * The article at `address` in fragment `kind` (NEWS_FRAG_PAGE with its
 * comment page `cpage`, 1 being the page's own; or another kind), if the
 * reader may see it: NEWS_NOTFOUND for a draft or a scheduled article
 * but to an editor.
 */
int news_read_article(news_reader_t *rd, const char *address, size_t len,
    int kind, unsigned cpage, news_article_view_t *v, news_err_t *err);

/*
 * Instead of v's comment page (news_read_article's, page 1): page cpage
 * newest first, cut from at most two stored pages (and the last page's,
 * for how many threads there are) into out, so a few lookups whatever
 * the thread; a store whose pages do not say where their threads start
 * gives page cpage oldest first.  slug: the article's, for the pager.
 */
int news_read_newest(news_reader_t *rd, news_article_view_t *v,
    const char *slug, size_t slug_len, unsigned cpage, news_buf_t *out,
    news_err_t *err);

/* a stored fragment of article id as it is, for its writer's answer */
int news_read_fragment(news_reader_t *rd, uint64_t id, int kind,
    news_page_t *page, news_err_t *err);

/*
 * For an editor, what the API's article JSON (json, NEWS_FRAG_JSON as
 * read) lacks: its Markdown source.  Its closing brace comes off the
 * last part and `out` gets ,"body":"..."} to send after it.  For anyone
 * else nothing changes and out stays empty.
 */
int news_read_source(news_reader_t *rd, uint64_t id, news_page_t *json,
    news_buf_t *out, news_err_t *err);

/*
 * Comments of a public article (a draft's are no one's to list, editors'
 * neither), as the API's JSON: news_comments_api_list() of the article
 * at `slug`, a current or a former one.  v gets the article (its summary
 * fragment, for the validators).
 */
int news_read_comments(news_reader_t *rd, const char *slug, size_t len,
    const unsigned char *cursor, size_t limit, int newest, news_buf_t *out,
    unsigned char *next, int *more, news_article_view_t *v,
    news_err_t *err);

/*
 * The entries of article v's comments feed (an <entry> each of its
 * latest `limit` visible comments, news_comments_latest), appended to
 * out; slug is its address.
 */
int news_read_comment_entries(news_reader_t *rd, const news_article_view_t *v,
    const char *slug, size_t limit, news_buf_t *out, news_err_t *err);

/*
 * May the reader comment now?  NEWS_FORBIDDEN, err saying until when and
 * why, for a suspended or banned account (news_comment_standing).
 */
int news_read_standing(news_reader_t *rd, news_err_t *err);

/*
 * The reader's own comments on article id still in the edit window, and
 * those still held for approval (news_comments_recent()); none for
 * anyone not logged in.
 */
int news_read_recent(news_reader_t *rd, uint64_t article_id,
    int64_t window, news_comment_t *out, size_t limit, size_t *n,
    news_err_t *err);

/* a thread's page: the article at `slug` (as news_read_article) and it */
int news_read_thread(news_reader_t *rd, const char *slug, size_t len,
    uint64_t root, news_article_view_t *v, news_comments_t *cs,
    news_err_t *err);

/*
 * A moderator's comment page `page` of article id, rendered now from
 * the threads the public's page places there (a thread load each, at
 * most NEWS_COMMENTS_PAGE): hidden and held ones show, and each
 * has its buttons with the CSRF token (news_render_comments_staff()),
 * an editor's Feature or Unfeature too; newest first, if asked.
 * For moderators only; never stored, never for the public.
 */
int news_read_staff_comments(news_reader_t *rd, uint64_t article_id,
    const char *slug, int closed, unsigned page, int newest,
    const char *csrf, size_t csrf_len, news_buf_t *out, news_err_t *err);

/*
 * The author of comment id, replied to on article article_id, appended
 * to name: NEWS_NOTFOUND unless it is a visible comment of that article.
 */
int news_read_reply_to(news_reader_t *rd, uint64_t article_id, uint64_t id,
    news_buf_t *name, news_err_t *err);

/* how many comments the moderation queue holds, for moderators only */
int news_read_waiting(news_reader_t *rd, uint64_t *n, news_err_t *err);

/* the moderation queue (news_comments_pending), for moderators only */
int news_read_pending(news_reader_t *rd, news_pending_t *q, news_buf_t *out,
    news_err_t *err);

/* a list of articles (news_articles_list) as of the reader's time */
int news_read_list(news_reader_t *rd, news_list_t *l, news_buf_t *out,
    news_err_t *err);

/* the name of a section or tag (news_topic_name): NEWS_NOTFOUND if none */
int news_read_topic(news_reader_t *rd, const char *topic, news_buf_t *name);

/* what a list's validators are made of (news_list_stamp), at its time */
int news_read_stamp(news_reader_t *rd, news_list_stamp_t *ls,
    news_err_t *err);


/* ---- accounts ------------------------------------------------------------ */

/*
 * The account of a live session (news_session_find(): not expired, not
 * idle for `idle` seconds when idle is not 0) and when it was last seen:
 * NEWS_NOTFOUND when there is none.  The user's hash is not given.
 */
int news_read_session(news_reader_t *rd,
    const unsigned char token[NEWS_TOKEN_LEN], int64_t idle,
    news_user_t *user, int64_t *seen, news_err_t *err);

/*
 * The sessions of the reader's account, as JSON (news_sessions_json()):
 * at most max, the one of `token` marked current.
 */
int news_read_sessions(news_reader_t *rd,
    const unsigned char token[NEWS_TOKEN_LEN], size_t max, news_buf_t *out,
    news_err_t *err);

/* the account page of user u (news_render_account()) */
int news_read_account_page(news_reader_t *rd, const news_user_t *u,
    const unsigned char token[NEWS_TOKEN_LEN], size_t max,
    const news_form_t *f, news_buf_t *out, news_err_t *err);

/*
 * Whether an account act must wait before it is even queued: a->wait
 * seconds, 0 when it may go on (the act counts itself again in its
 * write, news_account_run()), and a->in_flight when only another
 * attempt in flight holds it back.  While this process keeps ends it
 * could not write (news_account_ends_kept()), a flight does not hold it
 * back here: the act's own write takes those ends off first and checks
 * again.
 */
int news_read_throttle(news_reader_t *rd, news_account_t *a,
    news_err_t *err);

#endif /* NEWS_READER_H */
