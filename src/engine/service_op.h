/*
 * What the services that share one op give the writer (service.c,
 * service_community.c), and no other file: an operation's inputs, and
 * the one way they are handed over.
 */

#ifndef NEWS_SERVICE_OP_H
#define NEWS_SERVICE_OP_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

#include "article.h"
#include "comment.h"
#include "policy.h"
#include "words.h"
#include "writer.h"


/* the inputs of one write; each service fills the fields it needs */
typedef struct {
    const news_actor_t           *actor;
    const news_comment_policy_t  *policy;
    const char                   *slug;     /* NULL: none given */
    int                           action;
    uint64_t                      id;
    int                           closed;
    const char                   *body;
    news_article_t               *article;
    const cJSON                  *patch;
    news_comment_t               *comment;
    int64_t                       now;
    unsigned                     *retry;
    const news_word_op_t         *words;
    size_t                        nwords;
    int                           replace;
    uint64_t                     *from;
    size_t                       *removed;
    int                          *more;
} news_service_op_t;


/* runs `apply` on op in the writer's next batch: its NEWS_* and err */
int news_service_write(news_writer_t *w, news_write_pt apply,
    news_service_op_t *op, news_err_t *err);


#endif /* NEWS_SERVICE_OP_H */
