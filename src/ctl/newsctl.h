/*
 * What the files of newsctl share, and nothing else includes: the tool's
 * state, an article read for import (JSON, WXR), the store opened, and
 * each family of commands that main() hands a command to.
 *
 *     newsctl.c          main(), usage, the store opened, the summary line
 *     newsctl_json.c     import and export of articles as JSON
 *     newsctl_store.c    stats, check, reindex, backup, restore, compact
 *     newsctl_accounts.c user, words, modlog
 *     newsctl_wxr.c      import-wxr and export-wxr (WordPress)
 *     newsctl_disqus.c   import-disqus
 */

#ifndef NEWSCTL_H
#define NEWSCTL_H

#include <cjson/cJSON.h>

#include "article.h"
#include "comments.h"
#include "store.h"
#include "wxr.h"


/* articles (or WXR items) an import's write transaction takes */
#define NEWSCTL_BATCH      1000

/*
 * An import or reindex writes the file anew without its free pages when
 * they are this many (16 MiB of 4 KiB pages) and a 32nd of the file's
 */
#define NEWSCTL_FREE_MIN   4096
#define NEWSCTL_FREE_SHARE 32


typedef struct {
    const char      *db;
    uint64_t         mapsize;
    int              keep_free;     /* --keep-free: no file written anew */
    news_store_t     store;
} newsctl_t;


/* an article to import, and its comments when the file has them */
typedef struct {
    news_article_t   a;
    news_comments_t  comments;
    int              has_comments;
} newsctl_item_t;


/* newsctl.c */
int newsctl_usage(void);
int newsctl_open(newsctl_t *ctl);
void newsctl_own_files(const char *db);
int newsctl_become_owner(const char *db, gid_t *gid);
void newsctl_become_root(gid_t gid);
void newsctl_summary(const char *what, const news_import_stats_t *s);
void newsctl_compact(newsctl_t *ctl);

/* newsctl_json.c */
int newsctl_import(newsctl_t *ctl, int argc, char **argv);
int newsctl_add_comments(newsctl_item_t *item, const cJSON *obj,
    news_err_t *err);
int newsctl_put(newsctl_t *ctl, MDB_txn *txn, newsctl_item_t *item,
    int64_t now, news_err_t *err);
int newsctl_export(newsctl_t *ctl);

/* newsctl_store.c */
int newsctl_stats(newsctl_t *ctl);
int newsctl_check(newsctl_t *ctl);
int newsctl_reindex(newsctl_t *ctl);
int newsctl_backup(newsctl_t *ctl, const char *dest);
int newsctl_restore(newsctl_t *ctl, const char *src);
int newsctl_shrink(newsctl_t *ctl, int always);

/* newsctl_accounts.c */
int newsctl_user(newsctl_t *ctl, int argc, char **argv);
int newsctl_words(newsctl_t *ctl, int argc, char **argv);
int newsctl_modlog(newsctl_t *ctl);

/* newsctl_wxr.c */
int newsctl_import_wxr(newsctl_t *ctl, int argc, char **argv);
int newsctl_export_wxr(newsctl_t *ctl, const char *base);

/* newsctl_disqus.c */
int newsctl_import_disqus(newsctl_t *ctl, int argc, char **argv);


#endif /* NEWSCTL_H */
