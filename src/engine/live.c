/*
 * Live comments' events; see live.h.
 */

#include <inttypes.h>
#include <string.h>

#include "articles.h"
#include "live.h"
#include "render.h"
#include "text.h"


static int
news_live_public(const news_article_t *a, int64_t now)
{
    return a->status == NEWS_PUBLISHED && a->published_at <= now;
}


void
news_live_event(news_buf_t *b, const news_article_t *a,
    const news_comments_t *cs, uint64_t comment, int kind, int64_t now)
{
    size_t                 i;
    news_buf_t             html;
    const news_comment_t  *c;

    if (!news_live_public(a, now)) {
        return;
    }

    for (i = 0; i < cs->n && cs->items[i].id != comment; i++) {
        /* void */
    }

    if (i == cs->n) {
        return;
    }

    c = &cs->items[i];

    if (c->status == NEWS_COMMENT_PENDING
        || (c->status != NEWS_COMMENT_VISIBLE && kind == NEWS_CHANGE_NEW))
    {
        return;
    }

    news_buf_addf(b, "\n%" PRIu64 " {\"id\":%" PRIu64, a->id, c->id);

    if (c->status != NEWS_COMMENT_VISIBLE) {
        news_buf_adds(b, ",\"remove\":true}");
        return;
    }

    news_buf_init(&html);
    news_render_live_comment(&html, a, c);

    news_buf_addf(b, ",\"parent\":%" PRIu64 ",\"html\":", c->parent);
    news_json_string(b, html.data ? html.data : "", html.len);
    news_buf_addc(b, '}');

    b->failed |= html.failed;
    news_buf_free(&html);
}


/*
 * A live blog's readers get its whole body again, as the page shows it:
 * editors add entries to the text (newest first, as live blogs read),
 * and an open page replaces its body with this one.  The Markdown is
 * rendered once more here: an editor's write, not a reader's.
 */
void
news_live_article_event(news_buf_t *b, const news_article_t *a, int64_t now)
{
    news_buf_t  html;

    if (!a->live || !news_live_public(a, now)) {
        return;
    }

    news_buf_init(&html);
    news_render_live_body(&html, a);

    news_buf_addf(b, "\n%" PRIu64 " {\"body\":", a->id);
    news_json_string(b, html.data ? html.data : "", html.len);
    news_buf_addc(b, '}');

    b->failed |= html.failed;
    news_buf_free(&html);
}
