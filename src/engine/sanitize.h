/*
 * HTML from elsewhere (a WordPress export, a Disqus export) made into
 * what the store keeps: an article body as Markdown, a comment as plain
 * text.  Both parse with libxml2's HTML parser and keep only the
 * elements of an allowlist; everything else is unwrapped (its text kept)
 * or dropped with its content (scripts, styles, frames, embedded
 * objects, forms).
 */

#ifndef NEWS_SANITIZE_H
#define NEWS_SANITIZE_H

#include <stddef.h>

#include "buf.h"


/*
 * An article body: paragraphs, headings, lists, blockquotes, links
 * (http, https, mailto and relative), emphasis, code, images with their
 * alt text (http, https and relative), figures with their captions,
 * tables (a row a paragraph, cells parted by " | "), line breaks and
 * rules, written as Markdown; blank lines in text part paragraphs as
 * WordPress's own formatting does.  The text is escaped so that nothing
 * in it reads as Markdown.  0, or -1 when memory ran out.
 */
int news_html_to_markdown(const char *html, size_t len, news_buf_t *md);

/*
 * A comment: the text without tags, paragraphs parted by blank lines,
 * line breaks kept, and a link's http(s) address after its text, where
 * the comment format makes it a link again.  0, or -1.
 */
int news_html_to_text(const char *html, size_t len, news_buf_t *text);

/* whether an address may be a link (or, images = 1, an image source) */
int news_url_safe(const char *url, int images);

#endif /* NEWS_SANITIZE_H */
