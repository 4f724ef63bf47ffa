/*
 * The account pages' HTML: the login and register forms, the reader's
 * account page (their sessions and the forms to end one or all of them,
 * change the password, delete the account), the moderators' form that
 * ends a reader's sessions (the moderators' other pages are
 * render_community.h's).  Each writes the page's main content into a
 * buffer; the nginx side wraps it in the site's chrome and sends it.
 *
 * Every form carries the CSRF token it is given (hex); every byte of
 * text from a reader is escaped.  An error is tied to its field (the
 * input's id, with aria-describedby and aria-invalid) or, without a
 * field, shown above the form; either way announced (role="alert").
 */

#ifndef NEWS_RENDER_ACCOUNT_H
#define NEWS_RENDER_ACCOUNT_H

#include <stddef.h>

#include "buf.h"
#include "comments.h"
#include "sessions.h"
#include "store.h"
#include "users.h"
#include "community.h"


enum {
    NEWS_FORM_LOGIN = 0,
    NEWS_FORM_REGISTER
};


/* what a form page shows besides its fields */
typedef struct news_form_s {
    const char   *csrf;         /* hex, csrf_len bytes */
    size_t        csrf_len;
    const char   *field;        /* the input an error is of, or NULL */
    const char   *msg;          /* an error, or NULL */
    const char   *notice;       /* what was just done, or NULL */
} news_form_t;


/*
 * Pieces of the staff's and readers' forms, for the render files (the
 * desk's form uses them too): an error of no field above the form, a
 * POST form's start with its CSRF token (and its action field, if
 * `what`), and the end of an <input> tied to its error
 */
void news_render_form_error(news_buf_t *b, const news_form_t *f);
void news_render_form_start(news_buf_t *b, const char *action,
    const news_form_t *f, const char *what);
void news_render_field_end(news_buf_t *b, const char *id,
    const news_form_t *f);

/* "Log in" or "Register", and the path the form posts to */
const char *news_render_credentials_title(int kind);
const char *news_render_credentials_path(int kind);

/*
 * The login or register form: `next` (where a login returns) and the
 * name typed before (kept; the password never is), each n bytes.
 */
void news_render_credentials(news_buf_t *b, int kind, const news_form_t *f,
    const char *next, size_t next_len, const char *name, size_t name_len);

/*
 * The account page of u: their sessions (at most max, read in txn; the
 * one of `token` marked as this browser's), each with a form that ends
 * it by its id, never its token; and the forms to log out everywhere,
 * change the password and delete the account, saying what becomes of
 * the comments.
 */
int news_render_account(news_buf_t *b, news_store_t *st, MDB_txn *txn,
    const news_user_t *u, const unsigned char token[NEWS_TOKEN_LEN],
    size_t max, const news_form_t *f, news_err_t *err);

/* the moderators' form that ends every session of a named reader */
void news_render_end_sessions(news_buf_t *b, const news_form_t *f,
    const char *name, size_t name_len);

/* what the header shows a logged-in reader */
typedef struct {
    const char  *name;
    size_t       name_len;
    const char  *csrf;          /* the reader's CSRF token, hex */
    size_t       csrf_len;
    int          welcome;       /* 'l' after a login, 'r' a registration */
    int          desk;          /* an editor: the link to the desk */
    int          moderate;      /* a moderator: the queue, with ... */
    uint64_t     waiting;       /* ... how many comments wait in it */
} news_nav_t;

/*
 * The header's account links of a logged-in reader: the name (or the
 * one-line welcome), the desk and the moderation queue for staff, the
 * account page, and a logout button (a POST form with the CSRF token, so
 * that a link from elsewhere cannot log anyone out).
 */
void news_render_account_nav(news_buf_t *b, const news_nav_t *nav);

/* the body of a 303 answer, for a client that shows it */
extern const char  news_render_see_other_page[];

#endif /* NEWS_RENDER_ACCOUNT_H */
