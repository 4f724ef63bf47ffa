/*
 * The moderators' pages' HTML: the word lists, a reader's page (their
 * standing, the forms that judge them, their comments), the moderation
 * log (HTML and JSON) and the "Reported" tab; and the reader's form that
 * reports a comment.  Like the account pages (render_account.h), each
 * writes the page's main content into a buffer, every form carries its
 * CSRF token and every byte from a reader is escaped.
 */

#ifndef NEWS_RENDER_COMMUNITY_H
#define NEWS_RENDER_COMMUNITY_H

#include <stddef.h>
#include <stdint.h>

#include "article.h"
#include "buf.h"
#include "comment.h"
#include "community.h"
#include "render_account.h"
#include "store.h"
#include "users.h"


/*
 * The moderators' word lists (words.h): each list's words, and one form
 * (`words`, `action` = banned, suspect or remove) that changes them.
 */
int news_render_words(news_buf_t *b, news_store_t *st, MDB_txn *txn,
    const news_form_t *f, news_err_t *err);

/*
 * A user's moderation page: the head (who, their standing, the forms to
 * suspend or ban, lift, delete every comment), then their comments as
 * news_render_author_item()s, then the tail.
 */
void news_render_user_head(news_buf_t *b, const news_form_t *f,
    const news_user_t *u, const news_standing_t *s, int64_t now);
void news_render_user_tail(news_buf_t *b, size_t count);

/* a page of the moderation log, before entry `before` (0: the newest) */
int news_render_modlog(news_buf_t *b, news_store_t *st, MDB_txn *txn,
    uint64_t before, news_err_t *err);

/*
 * The same as JSON, `limit` entries: {"entries": [{"id", "at", "by",
 * "action", and "comment", "user", "reason" where they apply}...],
 * "next": the id to pass as `before` for the earlier ones, or null}.
 */
int news_render_modlog_json(news_buf_t *b, news_store_t *st, MDB_txn *txn,
    uint64_t before, size_t limit, news_err_t *err);

/*
 * The "Reported" tab: the tallies of up to NEWS_REPORTS_PAGE comments,
 * most reported first, after the one of (count, id) (count 0: the
 * first), each with its text, reasons, first notes and the moderator's
 * buttons (dismiss, hide, delete), and the link to the next page.
 */
int news_render_reports(news_buf_t *b, news_store_t *st, MDB_txn *txn,
    uint32_t count, uint64_t id, const news_form_t *f, news_err_t *err);

/*
 * A reader's report form for comment c of article a: the comment, the
 * reasons and a note, or (f->notice) the thanks once it is sent.
 */
void news_render_report_form(news_buf_t *b, const news_form_t *f,
    const news_article_t *a, const news_comment_t *c);


#endif /* NEWS_RENDER_COMMUNITY_H */
