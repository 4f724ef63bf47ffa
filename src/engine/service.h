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
#include "sessions.h"
#include "store.h"
#include "throttle.h"
#include "users.h"
#include "words.h"
#include "writer.h"


/* ---- articles (editors) ------------------------------------------------- */

/* a new article; a slug another article holds is NEWS_CONFLICT */
int news_article_create(news_writer_t *w, const news_actor_t *actor,
    news_article_t *a, int64_t now, news_err_t *err);

/* replaces the article now at `slug` (a former slug is NEWS_NOTFOUND) */
int news_article_update(news_writer_t *w, const news_actor_t *actor,
    const char *slug, news_article_t *a, int64_t now, news_err_t *err);

/*
 * Changes only the fields `patch` gives of the article now at `slug`
 * (news_article_merge), read and saved in one write; a gets the article
 * as saved (the caller frees it, on failure too).
 */
int news_article_patch(news_writer_t *w, const news_actor_t *actor,
    const char *slug, const cJSON *patch, news_article_t *a, int64_t now,
    news_err_t *err);

/* deletes it with its comments and revisions */
int news_article_remove(news_writer_t *w, const news_actor_t *actor,
    const char *slug, int64_t now, news_err_t *err);

/* closes (1) or reopens (0) its comments: not an edit, no revision */
int news_article_set_closed(news_writer_t *w, const news_actor_t *actor,
    const char *slug, int closed, int64_t now, news_err_t *err);

/* every earlier version, as the API's JSON, appended to b */
int news_article_revisions(news_store_t *st, const news_actor_t *actor,
    const char *slug, size_t len, news_buf_t *b, news_err_t *err);


/* ---- the desk (editors, in the browser; render_desk.h) ------------------ */

struct news_desk_list_s;
struct news_desk_fields_s;
struct news_form_s;

/* a page of the desk's list (news_desk_list), appended to b */
int news_desk_list_page(news_store_t *st, const news_actor_t *actor,
    struct news_desk_list_s *l, news_buf_t *b, news_err_t *err);

/*
 * The form of the article now at `slug` with its stored fields, or
 * (del) the page that asks before deleting it, appended to b.
 */
int news_desk_edit_page(news_store_t *st, const news_actor_t *actor,
    const char *slug, size_t len, int del, const struct news_form_s *f,
    int64_t now, news_buf_t *b, news_err_t *err);

/* the form again with the values sent (slug NULL: a new article's) */
int news_desk_form_page(news_store_t *st, const news_actor_t *actor,
    const char *slug, size_t len, const struct news_form_s *f,
    const struct news_desk_fields_s *v, int64_t now, news_buf_t *b,
    news_err_t *err);

/*
 * The article page (its NEWS_FRAG_PAGE fragment, appended to page) that
 * saving the form's values would make, rendered as a save renders it,
 * writing nothing: the article at `slug` with these fields (slug NULL: a
 * new one); banner gets the form that goes over it.  A value a save
 * would refuse is refused the same way.
 */
int news_desk_preview(news_store_t *st, const news_actor_t *actor,
    const char *slug, size_t len, const struct news_form_s *f,
    const struct news_desk_fields_s *v, int64_t now, news_buf_t *page,
    news_buf_t *banner, news_err_t *err);

/*
 * The page of an article's versions (render_desk.h): the current one and
 * NEWS_DESK_REVISIONS revisions below `before` (0: the newest), each
 * with what it changed.  slug is NUL-terminated here and below: the
 * pages' links name it.
 */
int news_desk_revisions_page(news_store_t *st, const news_actor_t *actor,
    const char *slug, size_t len, uint32_t before, const struct news_form_s *f,
    news_buf_t *b, news_err_t *err);

/* the changes from revision `from` to revision `to` (0: the current) */
int news_desk_diff_page(news_store_t *st, const news_actor_t *actor,
    const char *slug, size_t len, uint32_t from, uint32_t to,
    const struct news_form_s *f, news_buf_t *b, news_err_t *err);

/*
 * The patch that makes revision `version` the current text: its
 * headline, standfirst, byline, section, tags, lead image and body; the
 * slug, the status and the times stay.  *patch is the caller's.
 */
int news_desk_restore_patch(news_store_t *st, const news_actor_t *actor,
    const char *slug, size_t len, uint32_t version, cJSON **patch,
    news_err_t *err);

/*
 * The form's fields and its button (NEWS_DESK_SAVE ..) as the article
 * JSON: a whole new article (is_new), or a patch of every field the
 * form holds.  *out is the caller's to cJSON_Delete().
 */
int news_desk_form_json(const struct news_desk_fields_s *v, int action,
    int is_new, int64_t now, cJSON **out, news_err_t *err);

/* the form field an article error message is about, or NULL */
const char *news_desk_error_field(const char *msg);


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
 * The bytes a comment post of up to `body` bytes takes in a slot of the
 * shared writer: with w->shared set, news_comment_add posts through it
 * (a larger one through w alone).
 */
size_t news_comment_post_size(size_t body);

/*
 * The author's edit (body) or deletion, a moderator's deletion, hiding,
 * unhiding or approval (NEWS_COMMENT_ACT_*) of comment `id`.  `slug`,
 * NULL or "" when the request names no article, must be its article.
 */
int news_comment_change(news_writer_t *w, const news_comment_policy_t *p,
    const news_actor_t *actor, const char *slug, uint64_t id, int action,
    const char *body, int64_t now, news_err_t *err);


struct news_form_s;

/*
 * The actor reports comment `id` for `reason` (NEWS_REPORT_*), with a
 * note (checked by news_report_note_check, may be empty): once a reader
 * a comment (NEWS_CONFLICT).  With p->report_hide, the report that makes
 * that many hides the comment until a moderator decides (dismisses the
 * reports: NEWS_COMMENT_ACT_DISMISS through news_comment_change, or
 * hides, shows, deletes it).
 */
int news_comment_report(news_writer_t *w, const news_comment_policy_t *p,
    const news_actor_t *actor, uint64_t id, int reason, const char *note,
    int64_t now, news_err_t *err);

/*
 * The report form of comment `id` (render_community.h) for a reader who
 * may report it (news_comment_may_report), in a read txn; with a notice
 * (f->notice), the thanks for the report just made, which may have
 * hidden the comment.
 */
int news_report_form_page(news_store_t *st, const news_actor_t *actor,
    uint64_t id, const struct news_form_s *f, int64_t now, news_buf_t *b,
    news_err_t *err);

/*
 * The "Reported" tab for a moderator: the comments most reported first,
 * after the one of (count, id) (count 0: the first page), with their
 * reasons, notes and the forms of `f` (render_community.h).
 */
int news_reports_page(news_store_t *st, const news_actor_t *actor,
    uint32_t count, uint64_t id, const struct news_form_s *f,
    news_buf_t *b, news_err_t *err);


/* ---- word lists (moderators; words.h) ----------------------------------- */

/*
 * The lists for a moderator, appended to b: their JSON (f NULL), or
 * their page with the form f (render_community.h), in a read txn.
 */
int news_words_read(news_store_t *st, const news_actor_t *actor,
    const struct news_form_s *f, news_buf_t *b, news_err_t *err);

/* news_words_apply() for a moderator, through the writer */
int news_words_change(news_writer_t *w, const news_actor_t *actor,
    int replace, const news_word_op_t *ops, size_t n, news_err_t *err);


/* ---- accounts ------------------------------------------------------------ */

/* what an account act does */
enum {
    NEWS_ACCOUNT_LOGIN = 0,
    NEWS_ACCOUNT_REGISTER,
    NEWS_ACCOUNT_LOGOUT,
    NEWS_ACCOUNT_PASSWORD,      /* a new password: other sessions end */
    NEWS_ACCOUNT_LOGOUT_ALL,    /* every session of the actor */
    NEWS_ACCOUNT_END_USER,      /* a moderator ends a user's sessions */
    NEWS_ACCOUNT_DELETE,        /* the actor deletes their account */
    NEWS_ACCOUNT_END_ONE        /* the actor ends one of their sessions */
};


/*
 * One account act: the inputs a front end copies in, what the engine
 * gives back.  The passwords are wiped by news_account_run().
 */
typedef struct {
    int                 kind;           /* NEWS_ACCOUNT_* */
    news_argon2_t       cost;
    int64_t             now;
    int64_t             ttl;            /* of a new session */
    int                 start_session;  /* a registration logs in too */
    unsigned            limit_account;  /* news_login_throttle */
    unsigned            limit_address;
    unsigned            limit_register; /* news_register_throttle */

    size_t              name_len;
    char                name[NEWS_NAME_MAX + 1];
    size_t              pw_len;
    char                pw[NEWS_PASSWORD_MAX];
    size_t              new_pw_len;
    char                new_pw[NEWS_PASSWORD_MAX];
    uint64_t            uid;            /* who asks, when logged in */
    int                 role;
    int                 disown;         /* a deletion: NEWS_DISOWN_KEEP or
                                           _REMOVE, the comments' fate */
    unsigned char       sid[NEWS_SESSION_ID];   /* END_ONE: which */
    news_throttle_t     keys[3];        /* news_account_keys() */
    size_t              nkeys;

    /* in: the session to end (logout); out: the new session */
    unsigned char       token[NEWS_TOKEN_LEN];

    int                 rc;             /* out: NEWS_OK, NEWS_INVALID (wrong
                                           credentials), NEWS_CONFLICT,
                                           NEWS_LIMITED, ... */
    news_err_t          err;
    news_user_t         user;           /* out: the account */
    int64_t             wait;           /* out: NEWS_LIMITED, seconds */
    int                 in_flight;      /* out: NEWS_LIMITED only by
                                           another attempt in flight */
    int64_t             begun;          /* when the attempt was counted */

    char                hash[NEWS_HASH_MAX];    /* a new one to keep */
    int                 ok;
} news_account_t;

/*
 * The throttle keys an act counts under, from the client's address (its
 * /64 for IPv6): a login's account and address together (the hard
 * limit), its address alone (hard, across accounts) and its account
 * alone (only slowed, so that guesses from elsewhere cannot lock the
 * owner out); a registration's address.
 */
void news_account_keys(news_account_t *a, const void *addr, size_t alen);

/*
 * Does the act: hashes (a login, a registration, a new password, a
 * deletion check the password under the throttle) and writes through
 * the writer.  Blocks: a pool thread's call.  a->rc says how it went.
 */
void news_account_run(news_writer_t *w, news_store_t *st, news_account_t *a);

/*
 * Whether this process keeps the ends of attempts it could not write
 * (news_account_run() writes them first thing): a key held back only by
 * an attempt in flight may be held by one of those, so the quick look
 * must let the act go on to its write, which tells.
 */
int news_account_ends_kept(void);

/* the session was used now: its "last seen", through the writer */
void news_account_seen(news_writer_t *w, const unsigned char *token,
    int64_t now);

/*
 * Deleted accounts' comments to disown, in batches through the writer
 * until none is left or one fails twice.  Blocks: a pool thread's call.
 */
void news_account_disown(news_writer_t *w);


/* ---- readers' standing (moderators; community.h) ----------------------- */

/* what a judgment does (news_user_judge_apply) */
enum {
    NEWS_JUDGE_SUSPEND = 1,
    NEWS_JUDGE_LIFT,
    NEWS_JUDGE_REMOVE
};

/*
 * Suspends the reader `name` for `days`, or bans them (days < 0);
 * NEWS_INVALID, with nothing written, for a length or a reason the
 * rules refuse (news_suspend_days_check, news_reason_check).
 */
int news_user_suspend(news_writer_t *w, const news_actor_t *actor,
    const char *name, int days, const char *reason, int64_t now,
    news_err_t *err);

/* lifts a suspension or a ban: NEWS_CONFLICT when there is none */
int news_user_lift(news_writer_t *w, const news_actor_t *actor,
    const char *name, int64_t now, news_err_t *err);

/*
 * Deletes a batch of the user's comments (news_author_remove_step): call
 * again, from *from, while *more; each batch is one write of its own.
 */
int news_user_comments_remove(news_writer_t *w, const news_actor_t *actor,
    const char *name, uint64_t *from, size_t *removed, int *more,
    int64_t now, news_err_t *err);

/*
 * The user's moderation page, and a page of the moderation log before
 * entry `before` (0: the newest): its HTML page (json 0), or `json`
 * entries as JSON (render_community.h).
 */
int news_user_page(news_store_t *st, const news_actor_t *actor,
    const char *name, const struct news_form_s *f, int64_t now,
    news_buf_t *b, news_err_t *err);
int news_modlog_page(news_store_t *st, const news_actor_t *actor,
    uint64_t before, size_t json, news_buf_t *b, news_err_t *err);



#endif /* NEWS_SERVICE_H */
