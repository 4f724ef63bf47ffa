/*
 * Who may do what: every permission rule of the site, in one place.
 *
 * The acting user is an actor: plain values copied from the account (a
 * front end fills one from its session; nobody logged in is NULL).  The
 * rules read the store where they must (whose comment it is, whether its
 * article is public) but never write; the calls of service.h apply them
 * inside their write transactions, and front ends ask them before
 * reading a body they would refuse anyway.
 */

#ifndef NEWS_POLICY_H
#define NEWS_POLICY_H

#include <stddef.h>
#include <stdint.h>

#include "comments.h"
#include "render.h"
#include "store.h"
#include "users.h"


typedef struct {
    uint64_t     id;
    const char  *name;          /* NUL-terminated */
    int          role;          /* NEWS_ROLE_* */
    int64_t      since;         /* the account's created_at */
} news_actor_t;


/* kinds of act, each with the least role it needs (news_actor_may) */
enum {
    NEWS_ACT_ACCOUNT = 0,       /* any account: comment, its own sessions */
    NEWS_ACT_MODERATE,          /* the queue, any comment, readers' sessions */
    NEWS_ACT_EDIT               /* articles, drafts, revisions, closing */
};


/* what a comment write does */
enum {
    NEWS_COMMENT_ACT_POST = 0,  /* a new comment or a reply */
    NEWS_COMMENT_ACT_EDIT,      /* the author, within the window */
    NEWS_COMMENT_ACT_DELETE,    /* the author within the window, moderators */
    NEWS_COMMENT_ACT_HIDE,      /* moderators */
    NEWS_COMMENT_ACT_UNHIDE,
    NEWS_COMMENT_ACT_APPROVE,
    NEWS_COMMENT_ACT_DISMISS,   /* moderators: its reports, not it */
    NEWS_COMMENT_ACT_FEATURE,   /* editors: an editors' pick */
    NEWS_COMMENT_ACT_UNFEATURE
};


/* the site's settings for comments (news_comment_* directives) */
typedef struct {
    size_t      max_length;     /* characters */
    int64_t     edit_window;    /* seconds */
    int         premoderation;
    unsigned    rate;           /* a user's comments a minute; 0: no limit */
    unsigned    max_links;      /* more links than this: held */
    unsigned    trust;          /* a reader's first approved comments
                                   that wait; 0: none */
    unsigned    report_hide;    /* reports that hide a comment until a
                                   moderator decides; 0: never */
    int64_t     close_after;    /* seconds after its publication that an
                                   article's comments close; 0: never */
} news_comment_policy_t;


/* what the rules see in a comment's text (news_comment_screen) */
typedef struct {
    int         words;          /* NEWS_WORDS_*: the worse list it hit */
    unsigned    links;          /* links, as the page makes them */
    uint32_t    approved;       /* the writer's comments gone public */
} news_screen_t;

/* how long the same text from the same reader is a duplicate (seconds) */
#define NEWS_DUPLICATE_WINDOW  600


/*
 * May the actor report comment c at `now`?  Not their own (NEWS_FORBIDDEN),
 * and only one they see: visible, on a public article (else NEWS_NOTFOUND,
 * said as if it did not exist).
 */
int news_comment_may_report(news_store_t *st, MDB_txn *txn,
    const news_actor_t *actor, const news_comment_t *c, int64_t now,
    news_err_t *err);

/* NEWS_OK, or NEWS_FORBIDDEN (err says so); a NULL actor is refused */
int news_actor_may(const news_actor_t *actor, int act, news_err_t *err);

/*
 * Whether an article's stored page may be shown to the actor (NULL:
 * nobody logged in): public articles to everyone, drafts and scheduled
 * ones to those who edit articles.
 */
int news_article_visible(const news_page_t *pg, const news_actor_t *actor,
    int64_t now);

/*
 * Whether an article's comments are closed at `now`: by an editor (its
 * page's status), or `close_after` seconds (0: never) after its
 * publication, which writes nothing.  *closes_at, when not NULL, is the
 * time they will close by themselves (0: not by time, or closed now).
 */
int news_comments_closed(const news_page_t *pg, int64_t close_after,
    int64_t now, int64_t *closes_at);

/*
 * Screens a new or edited comment's text (in a write txn: words.h): a
 * banned word refuses it, whoever writes it (NEWS_INVALID, saying that a
 * word is not allowed, never which); else *s says what
 * news_comment_held() weighs.
 */
int news_comment_screen(news_store_t *st, MDB_txn *txn, const char *text,
    news_screen_t *s, news_err_t *err);

/*
 * May the actor write comments at `now`?  A suspended or banned account
 * may not (NEWS_FORBIDDEN, err saying until when and why); s->approved
 * is set from their standing (community.h).
 */
int news_comment_standing(news_store_t *st, MDB_txn *txn,
    const news_actor_t *actor, int64_t now, news_screen_t *s,
    news_err_t *err);

/*
 * May the actor suspend, ban or delete every comment of account u?
 * Moderators judge readers; an admin judges anyone but themselves.
 */
int news_user_may_judge(const news_actor_t *actor, const news_user_t *u,
    news_err_t *err);

/*
 * Whether the actor's new or edited comment waits for a moderator:
 * premoderation, a suspect word, too many links or fewer approved
 * comments than news_comment_trust hold a reader's comment; a
 * moderator's never waits.
 */
int news_comment_held(const news_comment_policy_t *p,
    const news_actor_t *actor, const news_screen_t *s);

/*
 * May the actor do `action` (EDIT .. UNFEATURE) to comment `id`?  Only
 * editors pick comments.  `slug`,
 * when not NULL, is the article the request came from (a form's path),
 * which must be the comment's.  NEWS_OK, NEWS_NOTFOUND (a comment the
 * actor may not see, said as if it did not exist) or NEWS_FORBIDDEN.
 */
int news_comment_may(news_store_t *st, MDB_txn *txn,
    const news_comment_policy_t *p, const news_actor_t *actor,
    const char *slug, uint64_t id, int action, int64_t now,
    news_err_t *err);

#endif /* NEWS_POLICY_H */
