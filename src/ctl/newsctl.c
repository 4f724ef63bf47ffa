/*
 * newsctl: the operator's tool.  It links the engine, not nginx, and
 * works while nginx runs: LMDB serialises writers, and imports commit in
 * bounded batches so that workers' writes never wait long behind one.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "articles.h"
#include "check.h"
#include "search.h"
#include "comments.h"
#include "publish.h"
#include "sessions.h"
#include "text.h"
#include "users.h"
#include "words.h"
#include "community.h"
#include "wxr.h"


#define NEWSCTL_FILE_MAX   (256 * 1024 * 1024)
#define NEWSCTL_BATCH      1000


typedef struct {
    const char      *db;
    uint64_t         mapsize;
    news_store_t     store;
} newsctl_t;


/* an article to import, and its comments when the file has them */
typedef struct {
    news_article_t   a;
    news_comments_t  comments;
    int              has_comments;
} newsctl_item_t;


typedef struct {
    newsctl_item_t  *items;
    size_t           n;
    size_t           cap;
} newsctl_articles_t;

/* one of the store's walks, printing what it meets (newsctl_list) */
typedef int (*newsctl_list_pt)(news_store_t *st, MDB_txn *txn,
    news_err_t *err);


static int newsctl_usage(void);
static int newsctl_disown(newsctl_t *ctl);
static int newsctl_reindex(newsctl_t *ctl);
static int newsctl_open(newsctl_t *ctl);
static void newsctl_own_files(const char *db);
static int newsctl_import(newsctl_t *ctl, int argc, char **argv);
static int newsctl_read_file(const char *path, news_buf_t *b);
static int newsctl_parse_file(const char *path, newsctl_articles_t *list,
    int64_t now);
static int newsctl_add(newsctl_articles_t *list, const cJSON *obj,
    const char *path, size_t index, int64_t now);
static int newsctl_add_comments(newsctl_item_t *item, const cJSON *obj,
    news_err_t *err);
static int newsctl_put(newsctl_t *ctl, MDB_txn *txn, newsctl_item_t *item,
    int64_t now, news_err_t *err);
static int newsctl_export(newsctl_t *ctl);
static cJSON *newsctl_export_article(newsctl_t *ctl, MDB_txn *txn,
    uint64_t id);
static int newsctl_stats(newsctl_t *ctl);
static int newsctl_check(newsctl_t *ctl);
static int newsctl_backup(newsctl_t *ctl, const char *dest);
static int newsctl_restore(newsctl_t *ctl, const char *src);
static void newsctl_unmake(const char *dir);
static int newsctl_copy(newsctl_t *ctl, const char *dest);
static int newsctl_user(newsctl_t *ctl, int argc, char **argv);
static int newsctl_user_options(int argc, char **argv, int *role,
    news_argon2_t *cost);
static int newsctl_user_add(newsctl_t *ctl, const char *name, int role,
    const news_argon2_t *cost);
static int newsctl_user_print(const news_user_t *u, void *data);
static int newsctl_import_wxr(newsctl_t *ctl, int argc, char **argv);
static int newsctl_import_disqus(newsctl_t *ctl, int argc, char **argv);
static int newsctl_export_wxr(newsctl_t *ctl, const char *base);
static int newsctl_words(newsctl_t *ctl, int argc, char **argv);
static int newsctl_word_print(void *arg, int list, const char *w, size_t n);
static int newsctl_modlog(news_store_t *st, MDB_txn *txn, news_err_t *err);
static int newsctl_modlog_print(void *arg, uint64_t id, int64_t at,
    const char *json, size_t n);
static int newsctl_users_list(news_store_t *st, MDB_txn *txn,
    news_err_t *err);
static int newsctl_words_list(news_store_t *st, MDB_txn *txn,
    news_err_t *err);
static int newsctl_list(newsctl_t *ctl, newsctl_list_pt list);


int
main(int argc, char **argv)
{
    int         i, rc;
    char       *end;
    newsctl_t   ctl;

    memset(&ctl, 0, sizeof(ctl));

    /*
     * The store holds every password hash: what newsctl creates (a new
     * store, a backup, a restored store) is readable by its owner only,
     * 0700 directories and 0600 files, whatever the caller's umask.
     */
    (void) umask(077);

    for (i = 1; i < argc && argv[i][0] == '-'; i++) {

        if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            ctl.db = argv[++i];

        } else if (strcmp(argv[i], "--size") == 0 && i + 1 < argc) {
            errno = 0;
            ctl.mapsize = strtoull(argv[++i], &end, 10);
            if (errno || *end != '\0' || ctl.mapsize < NEWS_MAPSIZE_MIN) {
                fprintf(stderr, "newsctl: --size wants bytes, at least %d\n",
                        NEWS_MAPSIZE_MIN);
                return 2;
            }

        } else {
            return newsctl_usage();
        }
    }

    if (ctl.db == NULL || i == argc) {
        return newsctl_usage();
    }

    if (strcmp(argv[i], "import") == 0 && i + 1 < argc) {
        return newsctl_import(&ctl, argc - i - 1, argv + i + 1);
    }

    if (strcmp(argv[i], "import-wxr") == 0 && i + 1 < argc) {
        return newsctl_import_wxr(&ctl, argc - i - 1, argv + i + 1);
    }

    if (strcmp(argv[i], "import-disqus") == 0 && i + 1 < argc) {
        return newsctl_import_disqus(&ctl, argc - i - 1, argv + i + 1);
    }

    if (strcmp(argv[i], "export") == 0 && i + 1 == argc) {
        rc = newsctl_open(&ctl);
        return rc ? rc : newsctl_export(&ctl);
    }

    if (strcmp(argv[i], "export-wxr") == 0 && i + 2 >= argc) {
        rc = newsctl_open(&ctl);
        return rc ? rc : newsctl_export_wxr(&ctl, i + 1 < argc
                                                  ? argv[i + 1]
                                                  : "http://localhost");
    }

    if (strcmp(argv[i], "user") == 0 && i + 1 < argc) {
        return newsctl_user(&ctl, argc - i - 1, argv + i + 1);
    }

    if (strcmp(argv[i], "modlog") == 0 && i + 1 == argc) {
        rc = newsctl_open(&ctl);
        return rc ? rc : newsctl_list(&ctl, newsctl_modlog);
    }

    if (strcmp(argv[i], "words") == 0 && i + 1 < argc) {
        return newsctl_words(&ctl, argc - i - 1, argv + i + 1);
    }

    if (strcmp(argv[i], "stats") == 0 && i + 1 == argc) {
        rc = newsctl_open(&ctl);
        return rc ? rc : newsctl_stats(&ctl);
    }

    if (strcmp(argv[i], "check") == 0 && i + 1 == argc) {
        rc = newsctl_open(&ctl);
        return rc ? rc : newsctl_check(&ctl);
    }

    if (strcmp(argv[i], "reindex") == 0 && i + 1 == argc) {
        rc = newsctl_open(&ctl);
        return rc ? rc : newsctl_reindex(&ctl);
    }

    if (strcmp(argv[i], "backup") == 0 && i + 2 == argc) {
        rc = newsctl_open(&ctl);
        return rc ? rc : newsctl_backup(&ctl, argv[i + 1]);
    }

    if (strcmp(argv[i], "restore") == 0 && i + 2 == argc) {
        return newsctl_restore(&ctl, argv[i + 1]);
    }

    return newsctl_usage();
}


static int
newsctl_usage(void)
{
    fprintf(stderr,
            "usage: newsctl --db DIR [--size BYTES] COMMAND\n"
            "  import FILE...   import articles (a JSON object or array per "
            "file, \"-\" for stdin)\n"
            "  import-wxr FILE...\n"
            "                   import a WordPress export (WXR): posts, "
            "their comments\n"
            "                   and their old addresses, all or nothing\n"
            "  import-disqus FILE...\n"
            "                   import a Disqus export's comments into "
            "the articles\n"
            "                   their threads name\n"
            "  export           write every article as JSON on stdout\n"
            "  export-wxr [BASE_URL]\n"
            "                   every article with its comments as a "
            "WordPress export\n"
            "                   (WXR 1.2) on stdout\n"
            "  stats            counts, store size and map use\n"
            "  check            every index agrees with its records; one "
            "line per\n"
            "                   violation, exit 1 if any\n"
            "  reindex          build the search index anew from the "
            "articles (a store\n"
            "                   from a build before search needs it once; "
            "safe while\n"
            "                   nginx serves)\n"
            "  backup DEST      a consistent, compacted copy into the new "
            "directory DEST,\n"
            "                   safe while nginx serves\n"
            "  restore SRC      make the store a copy of the backup SRC "
            "(nginx stopped;\n"
            "                   the store directory must hold no store)\n"
            "  user add NAME [--role reader|moderator|editor|admin]\n"
            "               [--cost MEMORY,PASSES]\n"
            "                   add an account; the password is read "
            "from stdin;\n"
            "                   the Argon2id cost as news_password_cost "
            "has it\n"
            "                   (default 19m,2)\n"
            "  user list        every account: id, name, role, created\n"
            "  user set-role NAME ROLE\n"
            "  user delete NAME [--comments keep|remove]\n"
            "                   delete an account and its sessions; its "
            "comments stay\n"
            "                   as \"[deleted user]\" (keep, the default) "
            "or are removed\n"
            "  words add banned|suspect WORD...\n"
            "                   banned words refuse a comment, suspect "
            "ones hold it for\n"
            "                   a moderator; a * at either end matches "
            "any letters\n"
            "  words list       every word, one a line: its list, the word "
            "as stored\n"
            "  words remove WORD...\n"
            "  modlog           the moderation log, newest first: a line "
            "an entry, its\n"
            "                   time and what was done as JSON\n");

    return 2;
}


static int
newsctl_reindex(newsctl_t *ctl)
{
    news_err_t  err;

    if (news_search_reindex(&ctl->store, &err) != NEWS_OK) {
        fprintf(stderr, "newsctl: reindex: %s\n", err.msg);
        news_store_close(&ctl->store);
        return 1;
    }

    news_store_close(&ctl->store);

    return 0;
}


static int
newsctl_open(newsctl_t *ctl)
{
    char         path[4096];
    news_err_t   err;
    struct stat  st;

    /* like nginx, create the last directory of the path, never parents */
    if (mkdir(ctl->db, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "newsctl: mkdir \"%s\": %s\n", ctl->db,
                strerror(errno));
        return 1;
    }

    /* a new store gets the default map; an existing one keeps its own */
    snprintf(path, sizeof(path), "%s/data.mdb", ctl->db);
    if (ctl->mapsize == 0 && stat(path, &st) != 0) {
        ctl->mapsize = NEWS_MAPSIZE_DEFAULT;
    }

    if (news_store_open(&ctl->store, ctl->db, ctl->mapsize, &err)
        != NEWS_OK)
    {
        fprintf(stderr, "newsctl: %s\n", err.msg);
        return 1;
    }

    newsctl_own_files(ctl->db);

    if (ctl->store.dead_readers) {
        fprintf(stderr, "newsctl: cleared %d stale reader slots\n",
                ctl->store.dead_readers);
    }

    return 0;
}


/*
 * Run as root, newsctl would leave root-owned files that nginx workers
 * cannot open: hand them to the owner of the directory, which is the
 * worker user wherever nginx made it.
 */
static void
newsctl_own_files(const char *db)
{
    char          path[4096];
    size_t        i;
    struct stat   st;
    static const char  *files[] = { "data.mdb", "lock.mdb" };

    if (geteuid() != 0 || stat(db, &st) != 0) {
        return;
    }

    for (i = 0; i < 2; i++) {
        snprintf(path, sizeof(path), "%s/%s", db, files[i]);

        if (chown(path, st.st_uid, st.st_gid) != 0 && errno != ENOENT) {
            fprintf(stderr, "newsctl: chown \"%s\": %s\n", path,
                    strerror(errno));
        }
    }
}


static int
newsctl_import(newsctl_t *ctl, int argc, char **argv)
{
    int                  i, rc;
    size_t               done, n;
    int64_t              now;
    MDB_txn             *txn;
    news_err_t           err;
    newsctl_articles_t   list;

    memset(&list, 0, sizeof(list));
    now = (int64_t) time(NULL);
    rc = 0;

    /* validate everything first: a bad article imports nothing */
    for (i = 0; i < argc; i++) {
        if (newsctl_parse_file(argv[i], &list, now) != 0) {
            rc = 1;
            goto done;
        }
    }

    rc = newsctl_open(ctl);
    if (rc != 0) {
        goto done;
    }

    /* the search postings of a batch are written once, at its end */
    done = 0;

    if (news_search_bulk_begin(&ctl->store, &err) != NEWS_OK) {
        goto failed;
    }

    for (done = 0; done < list.n; done += n) {
        n = list.n - done < NEWSCTL_BATCH ? list.n - done : NEWSCTL_BATCH;

        if (news_store_write(&ctl->store, &txn, &err) != NEWS_OK) {
            goto failed;
        }

        for (i = 0; (size_t) i < n; i++) {
            if (newsctl_put(ctl, txn, &list.items[done + i], now, &err)
                != NEWS_OK)
            {
                news_store_abort(&ctl->store, txn);
                goto failed;
            }
        }

        if (news_search_flush(&ctl->store, txn, &err) != NEWS_OK) {
            news_store_abort(&ctl->store, txn);
            goto failed;
        }

        if (news_store_commit(&ctl->store, txn, &err) != NEWS_OK) {
            goto failed;
        }
    }

    printf("imported %zu article%s\n", list.n, list.n == 1 ? "" : "s");
    goto done;

failed:

    fprintf(stderr, "newsctl: import stopped after %zu articles: %s\n",
            done, err.msg);
    rc = 1;

done:

    for (n = 0; n < list.n; n++) {
        news_article_free(&list.items[n].a);
        news_comments_free(&list.items[n].comments);
    }

    free(list.items);
    news_search_bulk_end(&ctl->store);
    news_store_close(&ctl->store);

    return rc;
}


static int
newsctl_parse_file(const char *path, newsctl_articles_t *list, int64_t now)
{
    int           rc;
    size_t        i;
    cJSON        *root, *item;
    news_buf_t    b;

    news_buf_init(&b);

    if (newsctl_read_file(path, &b) != 0) {
        news_buf_free(&b);
        return -1;
    }

    root = cJSON_ParseWithLength(b.data ? b.data : "", b.len);
    news_buf_free(&b);

    if (root == NULL) {
        fprintf(stderr, "newsctl: %s: not valid JSON\n", path);
        return -1;
    }

    rc = 0;

    if (cJSON_IsArray(root)) {
        i = 0;
        cJSON_ArrayForEach(item, root) {
            rc = newsctl_add(list, item, path, ++i, now);
            if (rc != 0) {
                break;
            }
        }

    } else {
        rc = newsctl_add(list, root, path, 1, now);
    }

    cJSON_Delete(root);

    return rc;
}


static int
newsctl_read_file(const char *path, news_buf_t *b)
{
    FILE    *f;
    size_t   n;

    f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "newsctl: %s: %s\n", path, strerror(errno));
        return -1;
    }

    do {
        if (news_buf_reserve(b, 65536) != 0) {
            break;
        }

        n = fread(b->data + b->len, 1, 65536, f);
        b->len += n;

    } while (n > 0 && b->len <= NEWSCTL_FILE_MAX);

    if (f != stdin) {
        fclose(f);
    }

    if (b->failed || b->len > NEWSCTL_FILE_MAX) {
        fprintf(stderr, "newsctl: %s: larger than %d bytes\n", path,
                NEWSCTL_FILE_MAX);
        return -1;
    }

    return 0;
}


static int
newsctl_add(newsctl_articles_t *list, const cJSON *obj, const char *path,
    size_t index, int64_t now)
{
    const char      *slug;
    news_err_t       err;
    newsctl_item_t  *p, *item;

    if (list->n == list->cap) {
        list->cap = list->cap ? list->cap * 2 : 16;
        p = realloc(list->items, list->cap * sizeof(newsctl_item_t));
        if (p == NULL) {
            fprintf(stderr, "newsctl: out of memory\n");
            return -1;
        }

        list->items = p;
    }

    item = &list->items[list->n];
    memset(item, 0, sizeof(newsctl_item_t));

    if (news_article_from_json(&item->a, obj, now, 0, &err) != NEWS_OK
        || newsctl_add_comments(item, obj, &err) != NEWS_OK)
    {
        news_article_free(&item->a);
        news_comments_free(&item->comments);

        slug = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(obj,
                                                                   "slug"));
        fprintf(stderr, "newsctl: %s: article %zu%s%.100s%s: %s; "
                "nothing imported\n", path, index,
                slug ? " (" : "", slug ? slug : "", slug ? ")" : "", err.msg);
        return -1;
    }

    list->n++;

    return 0;
}


/* a "comments" array replaces the article's comments; none keeps them */
static int
newsctl_add_comments(newsctl_item_t *item, const cJSON *obj,
    news_err_t *err)
{
    const cJSON     *v, *c;
    news_comment_t   comment;
    news_comment_t  *p;

    v = cJSON_GetObjectItemCaseSensitive(obj, "comments");
    if (v == NULL) {
        return NEWS_OK;
    }

    item->has_comments = 1;

    cJSON_ArrayForEach(c, v) {
        if (news_comment_from_json(&comment, c, err) != NEWS_OK) {
            return err->code;
        }

        if (item->comments.n == item->comments.cap) {
            item->comments.cap = item->comments.cap ? item->comments.cap * 2
                                                    : 16;
            p = realloc(item->comments.items,
                        item->comments.cap * sizeof(news_comment_t));
            if (p == NULL) {
                news_comment_free(&comment);
                return news_err_set(err, NEWS_ERROR, "out of memory");
            }

            item->comments.items = p;
        }

        item->comments.items[item->comments.n++] = comment;
    }

    return NEWS_OK;
}


static int
newsctl_put(newsctl_t *ctl, MDB_txn *txn, newsctl_item_t *item, int64_t now,
    news_err_t *err)
{
    if (news_article_put(&ctl->store, txn, &item->a, now, err) != NEWS_OK) {
        return err->code;
    }

    if (!item->has_comments) {
        return NEWS_OK;
    }

    if (news_comments_replace(&ctl->store, txn, item->a.id, &item->comments,
                              err)
        != NEWS_OK)
    {
        return err->code;
    }

    /* the import's own version: the same store gives the same export */
    if (news_article_refresh(&ctl->store, txn, item->a.id, now, err)
        != NEWS_OK)
    {
        return err->code;
    }

    return NEWS_OK;
}


static int
newsctl_export(newsctl_t *ctl)
{
    int              rc, first;
    char            *json;
    cJSON           *obj;
    MDB_val          key, val;
    MDB_txn         *txn;
    news_err_t       err;
    MDB_cursor      *cur;

    if (news_store_read(&ctl->store, &txn, &err) != NEWS_OK) {
        fprintf(stderr, "newsctl: %s\n", err.msg);
        return 1;
    }

    rc = mdb_cursor_open(txn, ctl->store.dbi[NEWS_DB_ARTICLES], &cur);
    if (rc != 0) {
        fprintf(stderr, "newsctl: %s\n", mdb_strerror(rc));
        return 1;
    }

    fputs("[", stdout);
    first = 1;

    while ((rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT)) == 0) {

        obj = key.mv_size == 8
              ? newsctl_export_article(ctl, txn, news_be64_get(key.mv_data))
              : NULL;
        json = obj ? cJSON_Print(obj) : NULL;
        cJSON_Delete(obj);

        if (json == NULL) {
            rc = -1;
            break;
        }

        printf("%s\n%s", first ? "" : ",", json);
        free(json);
        first = 0;
    }

    fputs("\n]\n", stdout);

    if (rc != MDB_NOTFOUND && rc != -1) {
        fprintf(stderr, "newsctl: export: %s\n", mdb_strerror(rc));
    }

    mdb_cursor_close(cur);
    news_store_read_done(&ctl->store);
    news_store_close(&ctl->store);

    return rc == MDB_NOTFOUND ? 0 : 1;
}


static cJSON *
newsctl_export_article(newsctl_t *ctl, MDB_txn *txn, uint64_t id)
{
    size_t           i;
    cJSON           *obj, *arr;
    news_err_t       err;
    news_comment_t   c;
    news_article_t   a;
    news_comments_t  cs;

    if (news_article_load(&ctl->store, txn, id, &a, &err) != NEWS_OK) {
        fprintf(stderr, "newsctl: article %llu: %s\n",
                (unsigned long long) id, err.msg);
        return NULL;
    }

    obj = news_article_to_json(&a, 0);
    news_article_free(&a);

    if (news_comments_load(&ctl->store, txn, id, &cs, &err) != NEWS_OK) {
        fprintf(stderr, "newsctl: comments of article %llu: %s\n",
                (unsigned long long) id, err.msg);
        cJSON_Delete(obj);
        return NULL;
    }

    arr = obj ? cJSON_AddArrayToObject(obj, "comments") : NULL;

    /* the full records: the loaded views do not carry the author's id */
    for (i = 0; arr != NULL && i < cs.n; i++) {
        if (news_comment_get(&ctl->store, txn, cs.items[i].id, &c, &err)
            != NEWS_OK)
        {
            fprintf(stderr, "newsctl: comment %llu: %s\n",
                    (unsigned long long) cs.items[i].id, err.msg);
            news_comments_free(&cs);
            cJSON_Delete(obj);
            return NULL;
        }

        if (!cJSON_AddItemToArray(arr, news_comment_to_json(&c, 0))) {
            arr = NULL;
        }

        news_comment_free(&c);
    }

    news_comments_free(&cs);

    /* an export missing a comment would import as a loss: all or nothing */
    if (arr == NULL) {
        fprintf(stderr, "newsctl: article %llu: out of memory\n",
                (unsigned long long) id);
        cJSON_Delete(obj);
        return NULL;
    }

    return obj;
}


/*
 * A hot backup: LMDB copies from one read transaction, so the copy is
 * the store as of one moment, while nginx goes on reading and writing.
 * Compacted: free pages are left out.
 */
static int
newsctl_backup(newsctl_t *ctl, const char *dest)
{
    int  rc;

    if (mkdir(dest, 0700) != 0) {
        fprintf(stderr, "newsctl: backup: mkdir \"%s\": %s (give a new "
                "directory)\n", dest, strerror(errno));
        news_store_close(&ctl->store);
        return 1;
    }

    rc = newsctl_copy(ctl, dest);
    news_store_close(&ctl->store);

    if (rc == 0) {
        printf("backed up to %s\n", dest);
        return 0;
    }

    /* a failed backup leaves nothing behind: the same command runs again */
    newsctl_unmake(dest);

    return rc;
}


/* removes a store directory this run made and what LMDB put in it */
static void
newsctl_unmake(const char *dir)
{
    size_t       i;
    char         path[4096];
    const char  *files[] = { "data.mdb", "lock.mdb" };

    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        (void) unlink(path);
    }

    (void) rmdir(dir);
}


static int
newsctl_copy(newsctl_t *ctl, const char *dest)
{
    int  rc;

    rc = mdb_env_copy2(ctl->store.env, dest, MDB_CP_COMPACT);
    if (rc != 0) {
        fprintf(stderr, "newsctl: copying to \"%s\": %s\n", dest,
                mdb_strerror(rc));
        return 1;
    }

    return 0;
}


/*
 * Restores a backup into an empty store directory: the backup is opened
 * (so a damaged or foreign one is refused) and copied.  Replacing a live
 * store under running workers is not possible; the operator stops nginx
 * and moves the old store aside first.
 */
static int
newsctl_restore(newsctl_t *ctl, const char *src)
{
    int          rc;
    char         path[4096];
    const char  *db;
    struct stat  st;

    db = ctl->db;

    snprintf(path, sizeof(path), "%s/data.mdb", db);
    if (stat(path, &st) == 0) {
        fprintf(stderr, "newsctl: restore: \"%s\" holds a store; stop "
                "nginx and move it aside first\n", db);
        return 1;
    }

    /* the live store is the worker user's alone, as nginx makes it */
    if ((mkdir(db, 0700) != 0 && errno != EEXIST) || chmod(db, 0700) != 0) {
        fprintf(stderr, "newsctl: restore: \"%s\": %s\n", db,
                strerror(errno));
        return 1;
    }

    snprintf(path, sizeof(path), "%s/data.mdb", src);
    if (stat(path, &st) != 0) {
        fprintf(stderr, "newsctl: restore: \"%s\" is not a backup\n", src);
        return 1;
    }

    ctl->db = src;
    rc = newsctl_open(ctl);
    ctl->db = db;

    if (rc != 0) {
        return rc;
    }

    rc = newsctl_copy(ctl, db);
    news_store_close(&ctl->store);

    if (rc == 0) {
        newsctl_own_files(db);
        printf("restored %s from %s\n", db, src);
    }

    return rc;
}


/*
 * The store's invariants, from one read transaction: a snapshot, so it
 * may run while nginx writes.  One line per violation on stdout.
 */
static int
newsctl_check(newsctl_t *ctl)
{
    int           rc;
    MDB_txn      *txn;
    news_err_t    err;
    news_check_t  r;

    if (news_store_read(&ctl->store, &txn, &err) != NEWS_OK) {
        fprintf(stderr, "newsctl: %s\n", err.msg);
        news_store_close(&ctl->store);
        return 1;
    }

    news_check_init(&r);
    rc = news_check_store(&ctl->store, txn, &r, &err);
    news_store_read_done(&ctl->store);
    news_store_close(&ctl->store);

    if (rc != NEWS_OK) {
        fprintf(stderr, "newsctl: check: %s\n", err.msg);
        news_check_free(&r);
        return 1;
    }

    fwrite(r.lines.data ? r.lines.data : "", 1, r.lines.len, stdout);

    if (r.violations > NEWS_CHECK_LINES) {
        printf("... %zu more\n", r.violations - NEWS_CHECK_LINES);
    }

    fprintf(stderr, "newsctl: check: %zu entries, %zu violations\n",
            r.entries, r.violations);

    rc = r.violations ? 1 : 0;
    news_check_free(&r);

    return rc;
}


static int
newsctl_stats(newsctl_t *ctl)
{
    int          i;
    MDB_txn     *txn;
    MDB_stat     ms;
    news_err_t   err;
    MDB_envinfo  info;
    struct stat  st;
    char         path[4096];

    if (news_store_read(&ctl->store, &txn, &err) != NEWS_OK) {
        fprintf(stderr, "newsctl: %s\n", err.msg);
        return 1;
    }

    for (i = 0; i < NEWS_DB_N; i++) {
        if (mdb_stat(txn, ctl->store.dbi[i], &ms) == 0) {
            printf("%-10s %zu\n", news_db_names[i], ms.ms_entries);
        }
    }

    news_store_read_done(&ctl->store);

    mdb_env_info(ctl->store.env, &info);
    mdb_env_stat(ctl->store.env, &ms);

    snprintf(path, sizeof(path), "%s/data.mdb", ctl->db);
    printf("file_bytes %lld\n",
           stat(path, &st) == 0 ? (long long) st.st_size : -1LL);
    printf("map_bytes  %zu\n", info.me_mapsize);
    printf("used_bytes %zu\n", (info.me_last_pgno + 1) * ms.ms_psize);
    printf("readers    %u of %u\n", info.me_numreaders, info.me_maxreaders);

    news_store_close(&ctl->store);

    return 0;
}


/*
 * user add's options: --role ROLE and --cost MEMORY,PASSES (the
 * module's news_password_cost, "64m,3"; default its default, 19m,2).
 */
static int
newsctl_user_options(int argc, char **argv, int *role, news_argon2_t *cost)
{
    int            i;
    char          *end;
    unsigned long  m, t;

    *role = NEWS_ROLE_READER;
    cost->memory = NEWS_ARGON2_MEMORY_MIN;
    cost->passes = NEWS_ARGON2_PASSES_MIN;

    for (i = 0; i < argc; i += 2) {
        if (i + 1 == argc) {
            return newsctl_usage();
        }

        if (strcmp(argv[i], "--role") == 0) {
            *role = news_role_parse(argv[i + 1], strlen(argv[i + 1]));
            if (*role < 0) {
                fprintf(stderr, "newsctl: unknown role \"%s\" (reader, "
                        "moderator, editor or admin)\n", argv[i + 1]);
                return 2;
            }

            continue;
        }

        if (strcmp(argv[i], "--cost") != 0) {
            return newsctl_usage();
        }

        errno = 0;
        m = strtoul(argv[i + 1], &end, 10);
        /* bounded before it is scaled: a huge count must not wrap */
        m = (m > 4 * 1024 * 1024) ? 0
            : m * ((*end == 'g') ? 1024 * 1024 : (*end == 'm') ? 1024 : 1);
        end += (*end == 'g' || *end == 'm' || *end == 'k');
        t = (*end == ',') ? strtoul(end + 1, &end, 10) : 0;

        if (errno || *end != '\0' || m < NEWS_ARGON2_MEMORY_MIN
            || m > 4 * 1024 * 1024 || t < NEWS_ARGON2_PASSES_MIN || t > 1000)
        {
            fprintf(stderr, "newsctl: --cost wants MEMORY,PASSES as "
                    "news_password_cost has them, at least 19m,2\n");
            return 2;
        }

        cost->memory = (uint32_t) m;
        cost->passes = (uint32_t) t;
    }

    return 0;
}


static int
newsctl_user(newsctl_t *ctl, int argc, char **argv)
{
    int            rc, role, more;
    MDB_txn       *txn;
    news_err_t     err;
    news_argon2_t  cost;

    role = NEWS_ROLE_READER;

    if (strcmp(argv[0], "add") == 0 && argc >= 2) {
        if (newsctl_user_options(argc - 2, argv + 2, &role, &cost) != 0) {
            return 2;
        }

        if (!news_username_valid(argv[1], strlen(argv[1]))) {
            fprintf(stderr, "newsctl: a username has 3 to 32 letters, "
                    "digits, _ or -\n");
            return 2;
        }

        rc = newsctl_open(ctl);
        return rc ? rc : newsctl_user_add(ctl, argv[1], role, &cost);
    }

    if (strcmp(argv[0], "list") == 0 && argc == 1) {
        rc = newsctl_open(ctl);
        if (rc) {
            return rc;
        }

        return newsctl_list(ctl, newsctl_users_list);
    }

    if (strcmp(argv[0], "set-role") == 0 && argc == 3) {
        role = news_role_parse(argv[2], strlen(argv[2]));
        if (role < 0) {
            fprintf(stderr, "newsctl: unknown role \"%s\"\n", argv[2]);
            return 2;
        }

    } else if (strcmp(argv[0], "delete") == 0
               && (argc == 2
                   || (argc == 4 && strcmp(argv[2], "--comments") == 0)))
    {
        role = (argc == 4) ? news_disown_parse(argv[3], strlen(argv[3]))
                           : NEWS_DISOWN_KEEP;
        if (role < 0) {
            fprintf(stderr, "newsctl: --comments is keep or remove\n");
            return 2;
        }

    } else {
        return newsctl_usage();
    }

    rc = newsctl_open(ctl);
    if (rc) {
        return rc;
    }

    if (news_store_write(&ctl->store, &txn, &err) != NEWS_OK) {
        fprintf(stderr, "newsctl: %s\n", err.msg);
        return 1;
    }

    if (argv[0][0] == 's') {
        rc = news_user_set_role(&ctl->store, txn, argv[1], strlen(argv[1]),
                                role, &err);
    } else {
        rc = news_user_delete(&ctl->store, txn, argv[1], strlen(argv[1]),
                              role, &err);
    }

    /* deleted already, its comments left half disowned: finish them */
    more = 0;

    if (rc == NEWS_NOTFOUND && argv[0][0] == 'd'
        && news_author_disown_pending(&ctl->store, txn, &more, &err)
           == NEWS_OK
        && more)
    {
        news_store_abort(&ctl->store, txn);
        return newsctl_disown(ctl);
    }

    if (rc != NEWS_OK) {
        news_store_abort(&ctl->store, txn);
        fprintf(stderr, "newsctl: %s\n", rc == NEWS_NOTFOUND
                ? "no such user" : err.msg);
        return 1;
    }

    if (news_store_commit(&ctl->store, txn, &err) != NEWS_OK) {
        fprintf(stderr, "newsctl: %s\n", err.msg);
        return 1;
    }

    return argv[0][0] == 'd' ? newsctl_disown(ctl) : 0;
}


/*
 * A deleted account's comments, disowned a batch per txn (and any left
 * by a deletion that nginx could not finish): nginx's writes wait for
 * one batch at most.
 */
static int
newsctl_disown(newsctl_t *ctl)
{
    int          more;
    MDB_txn     *txn;
    news_err_t   err;

    err.code = NEWS_OK;
    more = 0;

    do {
        if (news_store_write(&ctl->store, &txn, &err) != NEWS_OK) {
            break;
        }

        if (news_author_disown_step(&ctl->store, txn, (int64_t) time(NULL),
                                    NEWS_AUTHOR_BATCH, &more, &err)
            != NEWS_OK)
        {
            news_store_abort(&ctl->store, txn);
            break;
        }

        if (news_store_commit(&ctl->store, txn, &err) != NEWS_OK) {
            break;
        }

    } while (more);

    if (err.code != NEWS_OK) {
        fprintf(stderr, "newsctl: disowning the account's comments: %s "
                "(run the command again to finish)\n", err.msg);
        return 1;
    }

    return 0;
}


/*
 * The word lists: every word of one command in one txn, all or none;
 * nginx's workers see the change at their next comment.
 */
static int
newsctl_words(newsctl_t *ctl, int argc, char **argv)
{
    int              i, rc, list;
    size_t           n;
    MDB_txn         *txn;
    news_err_t       err;
    news_word_op_t  *ops;

    list = 0;

    if (strcmp(argv[0], "add") == 0 && argc >= 3) {
        list = news_words_list_parse(argv[1], strlen(argv[1]));
        if (list < 0) {
            fprintf(stderr, "newsctl: the list is banned or suspect\n");
            return 2;
        }

    } else if (!(strcmp(argv[0], "remove") == 0 && argc >= 2)
               && !(strcmp(argv[0], "list") == 0 && argc == 1))
    {
        return newsctl_usage();
    }

    rc = newsctl_open(ctl);
    if (rc) {
        return rc;
    }

    if (argv[0][0] == 'l') {
        return newsctl_list(ctl, newsctl_words_list);
    }

    if (news_store_write(&ctl->store, &txn, &err) != NEWS_OK) {
        fprintf(stderr, "newsctl: %s\n", err.msg);
        return 1;
    }

    ops = calloc((size_t) argc, sizeof(news_word_op_t));
    if (ops == NULL) {
        news_store_abort(&ctl->store, txn);
        fprintf(stderr, "newsctl: out of memory\n");
        return 1;
    }

    for (i = list ? 2 : 1, n = 0; i < argc; i++, n++) {
        ops[n].list = list;
        ops[n].word = argv[i];
        ops[n].len = strlen(argv[i]);
    }

    rc = news_words_apply(&ctl->store, txn, 0, ops, n, &err);
    free(ops);

    if (rc != NEWS_OK) {
        news_store_abort(&ctl->store, txn);
        fprintf(stderr, "newsctl: %s; nothing changed\n", err.msg);
        return 1;
    }

    if (news_store_commit(&ctl->store, txn, &err) != NEWS_OK) {
        fprintf(stderr, "newsctl: %s\n", err.msg);
        return 1;
    }

    return 0;
}


static int
newsctl_word_print(void *arg, int list, const char *w, size_t n)
{
    (void) arg;

    printf("%s %.*s\n", news_words_list_name(list), (int) n, w);

    return 0;
}


/* prints what `list` walks, in a read txn of its own: 0, or 1 saying why */
static int
newsctl_list(newsctl_t *ctl, newsctl_list_pt list)
{
    MDB_txn     *txn;
    news_err_t   err;

    if (news_store_read(&ctl->store, &txn, &err) != NEWS_OK
        || list(&ctl->store, txn, &err) != NEWS_OK)
    {
        fprintf(stderr, "newsctl: %s\n", err.msg);
        return 1;
    }

    news_store_read_done(&ctl->store);

    return 0;
}


/* every entry of the moderation log, newest first */
static int
newsctl_modlog(news_store_t *st, MDB_txn *txn, news_err_t *err)
{
    uint64_t  next;

    return news_modlog_each(st, txn, 0, SIZE_MAX, newsctl_modlog_print,
                            NULL, &next, err);
}


static int
newsctl_users_list(news_store_t *st, MDB_txn *txn, news_err_t *err)
{
    return news_users_each(st, txn, newsctl_user_print, NULL, err);
}


static int
newsctl_words_list(news_store_t *st, MDB_txn *txn, news_err_t *err)
{
    return news_words_each(st, txn, newsctl_word_print, NULL, err);
}


static int
newsctl_modlog_print(void *arg, uint64_t id, int64_t at, const char *json,
    size_t n)
{
    news_buf_t  t;

    (void) arg;
    (void) id;

    news_buf_init(&t);
    news_time_rfc3339(&t, at);
    printf("%.*s %.*s\n", (int) t.len, t.data, (int) n, json);
    news_buf_free(&t);

    return 0;
}


/* the password is one line on stdin (a trailing newline is not part of it) */
static int
newsctl_user_add(newsctl_t *ctl, const char *name, int role,
    const news_argon2_t *cost)
{
    int            rc;
    size_t         n;
    MDB_txn       *txn;
    news_err_t     err;
    news_user_t    u;
    char           pw[NEWS_PASSWORD_MAX + 2];

    n = fread(pw, 1, sizeof(pw), stdin);

    if (n > 0 && pw[n - 1] == '\n') {
        n--;
        if (n > 0 && pw[n - 1] == '\r') {
            n--;
        }
    }

    switch (news_password_check(pw, n)) {
    case NEWS_PASSWORD_OK:
        break;
    case NEWS_PASSWORD_SHORT:
        fprintf(stderr, "newsctl: the password needs at least 8 "
                "characters (give it on stdin)\n");
        return 2;
    default:
        fprintf(stderr, "newsctl: the password must be UTF-8 of at most "
                "1024 bytes\n");
        return 2;
    }

    memset(&u, 0, sizeof(u));
    u.name_len = strlen(name);
    memcpy(u.name, name, u.name_len);
    u.role = role;

    /* the hash records its cost: a login rehashes at the module's own */
    rc = news_password_hash(cost, pw, n, u.hash, sizeof(u.hash), &err);
    explicit_bzero(pw, sizeof(pw));

    if (rc != NEWS_OK) {
        fprintf(stderr, "newsctl: %s\n", err.msg);
        return 1;
    }

    if (news_store_write(&ctl->store, &txn, &err) != NEWS_OK) {
        fprintf(stderr, "newsctl: %s\n", err.msg);
        return 1;
    }

    if (news_user_register(&ctl->store, txn, &u, (int64_t) time(NULL), 0,
                           NULL, &err)
        != NEWS_OK)
    {
        news_store_abort(&ctl->store, txn);
        fprintf(stderr, "newsctl: %s\n", err.msg);
        return 1;
    }

    if (news_store_commit(&ctl->store, txn, &err) != NEWS_OK) {
        fprintf(stderr, "newsctl: %s\n", err.msg);
        return 1;
    }

    printf("added %s (%s), id %llu\n", u.name, news_role_name(u.role),
           (unsigned long long) u.id);

    return 0;
}


static int
newsctl_user_print(const news_user_t *u, void *data)
{
    news_buf_t  b;

    (void) data;

    news_buf_init(&b);
    news_time_rfc3339(&b, u->created_at);

    printf("%llu\t%s\t%s\t%s\n", (unsigned long long) u->id, u->name,
           news_role_name(u->role), b.failed ? "" : news_buf_cstr(&b));

    news_buf_free(&b);

    return 0;
}


/* ---- import-wxr: a WordPress export ------------------------------------- */


typedef struct {
    newsctl_t            *ctl;
    const char           *path;
    MDB_txn              *txn;          /* NULL: validating only */
    size_t                pending;      /* written since the last commit */
    int64_t               now;
} newsctl_wxr_t;


/* the import's comment ids: a comment already stored keeps its id */
static int
newsctl_wxr_ids(newsctl_t *ctl, MDB_txn *txn, newsctl_item_t *item,
    news_err_t *err)
{
    size_t           i, j;
    uint64_t        *wp, parent;
    unsigned        *depth;
    news_comment_t  *c;
    news_comments_t  old;
    unsigned char   *used;

    memset(&old, 0, sizeof(old));

    if (item->a.id != 0
        && news_comments_load(&ctl->store, txn, item->a.id, &old, err)
           != NEWS_OK)
    {
        return err->code;
    }

    wp = calloc(item->comments.n + 1, sizeof(uint64_t));
    depth = calloc(item->comments.n + 1, sizeof(unsigned));
    used = calloc(old.n + 1, 1);

    if (wp == NULL || depth == NULL || used == NULL) {
        free(wp);
        free(depth);
        free(used);
        news_comments_free(&old);
        return news_err_set(err, NEWS_ERROR, "out of memory");
    }

    for (i = 0; i < item->comments.n; i++) {
        c = &item->comments.items[i];
        wp[i] = c->id;
        parent = c->parent;
        c->parent = 0;
        depth[i] = 1;

        /* the file's parent id to the store's; threads at most 4 deep */
        for (j = 0; parent != 0 && j < i; j++) {
            if (wp[j] == parent) {
                while (depth[j] >= NEWS_COMMENT_DEPTH) {
                    parent = item->comments.items[j].parent;
                    for (j = 0; j < i && item->comments.items[j].id != parent;
                         j++)
                    {
                        /* void */
                    }
                }

                c->parent = item->comments.items[j].id;
                depth[i] = depth[j] + 1;
                break;
            }
        }

        c->id = 0;

        for (j = 0; j < old.n; j++) {
            if (!used[j] && old.items[j].created_at == c->created_at
                && strcmp(old.items[j].author, c->author) == 0
                && strcmp(old.items[j].body, c->body) == 0)
            {
                used[j] = 1;
                c->id = old.items[j].id;
                break;
            }
        }

        if (c->id == 0
            && news_store_new_id(&ctl->store, txn, NEWS_DB_CINDEX,
                                 "comment_id", &c->id, err)
               != NEWS_OK)
        {
            break;
        }
    }

    free(wp);
    free(depth);
    free(used);
    news_comments_free(&old);

    return i == item->comments.n ? NEWS_OK : err->code;
}


/* whether the stored article already says all this (a second import) */
static int
newsctl_wxr_same(newsctl_t *ctl, MDB_txn *txn, newsctl_item_t *item)
{
    int              same;
    size_t           i;
    news_err_t       err;
    news_article_t   old;
    news_comments_t  cs;
    news_article_t  *a;

    a = &item->a;

    if (news_article_load(&ctl->store, txn, a->id, &old, &err) != NEWS_OK) {
        return 0;
    }

    same = strcmp(old.slug, a->slug) == 0 && strcmp(old.title, a->title) == 0
           && strcmp(old.subtitle, a->subtitle) == 0
           && strcmp(old.author, a->author) == 0
           && strcmp(old.section, a->section) == 0
           && strcmp(old.body, a->body) == 0 && old.ntags == a->ntags
           && old.published_at == a->published_at && old.status == a->status;

    for (i = 0; same && i < a->ntags; i++) {
        same = strcmp(old.tags[i], a->tags[i]) == 0;
    }

    news_article_free(&old);

    if (!same
        || news_comments_load(&ctl->store, txn, a->id, &cs, &err) != NEWS_OK)
    {
        return 0;
    }

    same = cs.n == item->comments.n;

    for (i = 0; same && i < cs.n; i++) {
        same = cs.items[i].id == item->comments.items[i].id
               && cs.items[i].parent == item->comments.items[i].parent
               && cs.items[i].status == item->comments.items[i].status;
    }

    news_comments_free(&cs);

    return same;
}


static int
newsctl_wxr_write(newsctl_wxr_t *w, newsctl_item_t *item,
    const news_buf_t *addresses, news_err_t *err)
{
    int          same;
    const char  *p, *end;

    if (news_article_id(&w->ctl->store, w->txn, item->a.slug,
                        strlen(item->a.slug), &item->a.id)
        != 0)
    {
        item->a.id = 0;
    }

    if (newsctl_wxr_ids(w->ctl, w->txn, item, err) != NEWS_OK) {
        return err->code;
    }

    same = item->a.id != 0 && newsctl_wxr_same(w->ctl, w->txn, item);

    if (!same && newsctl_put(w->ctl, w->txn, item, w->now, err) != NEWS_OK) {
        return err->code;
    }

    end = addresses->data + addresses->len;

    for (p = addresses->data; p != NULL && p < end; p += strlen(p) + 1) {
        if (news_article_add_old_address(&w->ctl->store, w->txn, p,
                                         item->a.id, err)
            != NEWS_OK)
        {
            return err->code;
        }
    }

    return NEWS_OK;
}


/* an item: validated as every import is, then written or not */
static int
newsctl_wxr_item(cJSON *obj, const news_buf_t *addresses, size_t index,
    void *data, news_err_t *err)
{
    int              rc;
    char             msg[sizeof(err->msg)];
    const char      *slug;
    newsctl_wxr_t   *w;
    newsctl_item_t   item;

    w = data;
    memset(&item, 0, sizeof(item));
    (void) index;

    if (news_article_from_json(&item.a, obj, w->now, 0, err) != NEWS_OK
        || newsctl_add_comments(&item, obj, err) != NEWS_OK)
    {
        rc = err->code;
        slug = cJSON_GetStringValue(cJSON_GetObjectItem(obj, "slug"));
        memcpy(msg, err->msg, sizeof(msg));
        news_err_set(err, rc, "\"%.100s\": %s",
                     slug ? slug
                          : cJSON_GetStringValue(cJSON_GetObjectItem(obj,
                                                                     "title")),
                     msg);
        goto done;
    }

    if (w->txn == NULL) {
        rc = NEWS_OK;
        goto done;
    }

    rc = newsctl_wxr_write(w, &item, addresses, err);

    if (rc == NEWS_OK && ++w->pending >= NEWSCTL_BATCH) {
        w->pending = 0;
        rc = news_search_flush(&w->ctl->store, w->txn, err);

        if (rc != NEWS_OK) {
            return rc;      /* the caller aborts w->txn */
        }

        rc = news_store_commit(&w->ctl->store, w->txn, err);
        w->txn = NULL;

        if (rc == NEWS_OK) {
            rc = news_store_write(&w->ctl->store, &w->txn, err);
        }
    }

done:

    news_article_free(&item.a);
    news_comments_free(&item.comments);

    return rc;
}


static void
newsctl_summary(const char *what, const news_import_stats_t *s)
{
    printf("%s: %zu article%s, %zu comment%s, %zu held for moderation, "
           "%zu spam and %zu trashed dropped, %zu skipped, %zu unmatched\n",
           what, s->articles, s->articles == 1 ? "" : "s", s->comments,
           s->comments == 1 ? "" : "s", s->held, s->spam, s->trash,
           s->skipped, s->unmatched);
}


static int
newsctl_import_wxr(newsctl_t *ctl, int argc, char **argv)
{
    int                  i, rc;
    news_err_t           err;
    newsctl_wxr_t        w;
    news_import_stats_t  stats, ignored;

    memset(&w, 0, sizeof(w));
    memset(&stats, 0, sizeof(stats));
    w.ctl = ctl;
    w.now = (int64_t) time(NULL);

    /* every file read through first: a wrong item imports nothing */
    for (i = 0; i < argc; i++) {
        w.path = argv[i];

        /* so each is read twice, which standard input cannot be */
        if (strcmp(argv[i], "-") == 0) {
            fprintf(stderr, "newsctl: import-wxr reads each file twice "
                    "(to check it, then to write it): give a file, not "
                    "\"-\"\n");
            return 1;
        }

        if (news_wxr_read(argv[i], newsctl_wxr_item, &w, &stats, &err)
            != NEWS_OK)
        {
            fprintf(stderr, "newsctl: %s: %s; nothing imported\n", argv[i],
                    err.msg);
            return 1;
        }
    }

    rc = newsctl_open(ctl);
    if (rc != 0) {
        return rc;
    }

    /* the search postings of a batch are written once, at its end */
    if (news_search_bulk_begin(&ctl->store, &err) != NEWS_OK
        || news_store_write(&ctl->store, &w.txn, &err) != NEWS_OK)
    {
        goto failed;
    }

    for (i = 0; i < argc; i++) {
        memset(&ignored, 0, sizeof(ignored));

        if (news_wxr_read(argv[i], newsctl_wxr_item, &w, &ignored, &err)
            != NEWS_OK)
        {
            if (w.txn != NULL) {
                news_store_abort(&ctl->store, w.txn);
            }

            goto failed;
        }
    }

    if (news_search_flush(&ctl->store, w.txn, &err) != NEWS_OK) {
        news_store_abort(&ctl->store, w.txn);
        goto failed;
    }

    if (news_store_commit(&ctl->store, w.txn, &err) != NEWS_OK) {
        goto failed;
    }

    newsctl_summary("imported", &stats);
    news_search_bulk_end(&ctl->store);
    news_store_close(&ctl->store);

    return 0;

failed:

    fprintf(stderr, "newsctl: import-wxr stopped: %s\n", err.msg);
    news_search_bulk_end(&ctl->store);
    news_store_close(&ctl->store);

    return 1;
}


/* ---- import-disqus: a Disqus export ------------------------------------- */


/*
 * A file is read more than once and never held: a check pass validates
 * every post and keeps only its ids (no text); write passes read it
 * again and add each post to its article's comments, NEWSCTL_DSQ_BATCH
 * a transaction, without rendering anything; last, each article that
 * got a comment is re-rendered once.  Each write transaction marks the
 * articles it gave comments (NEWSCTL_DSQ_MARK in meta) and each
 * re-rendering takes its articles' marks off: an import stopped half-way
 * leaves comments its pages do not show yet, and the next import-disqus
 * (the same file again adds nothing else) re-renders them.  An import
 * that fits in one write transaction is re-rendered in it: a failure
 * anywhere leaves the store as it was.
 */
#define NEWSCTL_DSQ_BATCH   1000    /* posts a write transaction adds */
#define NEWSCTL_DSQ_RENDER  100     /* articles a re-rendering one takes */
#define NEWSCTL_DSQ_MARK    "import-render"
#define NEWSCTL_DSQ_MARK_LEN  (sizeof(NEWSCTL_DSQ_MARK) - 1)


/* a post as the check pass leaves it: its ids, never its text */
typedef struct {
    uint64_t  dsq_id;
    uint64_t  stored;           /* the comment it is; 0: not written yet */
    uint32_t  thread;           /* its thread's position in the file */
} newsctl_dsq_post_t;


/* a thread's article, looked up when its first post is written */
typedef struct {
    uint64_t  article;
    int       state;            /* 0: not looked up, 1: found, -1: none */
    int       marked;           /* its article is marked for re-rendering */
} newsctl_dsq_thread_t;


/* what the passes know of one file */
typedef struct {
    newsctl_dsq_post_t    *posts;       /* by dsq:id once checked */
    size_t                 nposts;
    size_t                 cap;
    newsctl_dsq_thread_t  *threads;     /* by position in the file */
    size_t                 nthreads;
} newsctl_dsq_file_t;


typedef struct {
    newsctl_t            *ctl;
    newsctl_dsq_file_t   *file;         /* the one being read */
    MDB_txn              *txn;          /* the write passes' */
    size_t                pending;      /* posts written in txn */
    size_t                written;      /* posts this pass gave a comment */
    size_t                late;         /* posts whose parent comes later */
    size_t                committed;    /* posts in committed transactions */
    uint64_t              first_new;    /* the first comment id this run gave */
    news_import_stats_t   stats;
} newsctl_dsq_t;


/* a post checked as every imported comment is, then its ids kept */
static int
newsctl_dsq_check(const news_disqus_thread_t *t, cJSON *obj, size_t index,
    void *data, news_err_t *err)
{
    size_t                 n;
    newsctl_dsq_t         *d;
    news_comment_t         c;
    newsctl_dsq_file_t    *f;
    newsctl_dsq_post_t    *p;
    newsctl_dsq_thread_t  *th;

    (void) index;
    d = data;
    f = d->file;

    if (news_comment_from_json(&c, obj, err) != NEWS_OK) {
        return err->code;
    }

    news_comment_free(&c);

    if (f->nposts == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 1024;
        p = realloc(f->posts, f->cap * sizeof(newsctl_dsq_post_t));
        if (p == NULL) {
            return news_err_set(err, NEWS_ERROR, "out of memory");
        }

        f->posts = p;
    }

    if (t->index >= f->nthreads) {
        n = f->nthreads * 2 > t->index ? f->nthreads * 2 : t->index + 64;
        th = realloc(f->threads, n * sizeof(newsctl_dsq_thread_t));
        if (th == NULL) {
            return news_err_set(err, NEWS_ERROR, "out of memory");
        }

        memset(th + f->nthreads, 0,
               (n - f->nthreads) * sizeof(newsctl_dsq_thread_t));
        f->threads = th;
        f->nthreads = n;
    }

    p = &f->posts[f->nposts++];
    p->dsq_id = c.id;
    p->stored = 0;
    p->thread = (uint32_t) t->index;

    return NEWS_OK;
}


static int
newsctl_dsq_cmp(const void *a, const void *b)
{
    const newsctl_dsq_post_t  *x = a, *y = b;

    return x->dsq_id < y->dsq_id ? -1 : x->dsq_id > y->dsq_id;
}


/* the checked posts by dsq:id, which a post has alone */
static int
newsctl_dsq_sort(newsctl_dsq_file_t *f, news_err_t *err)
{
    size_t  i;

    qsort(f->posts, f->nposts, sizeof(newsctl_dsq_post_t), newsctl_dsq_cmp);

    for (i = 1; i < f->nposts; i++) {
        if (f->posts[i].dsq_id == f->posts[i - 1].dsq_id) {
            return news_err_set(err, NEWS_INVALID, "post %llu: dsq:id: "
                                "given to two posts",
                                (unsigned long long) f->posts[i].dsq_id);
        }
    }

    return NEWS_OK;
}


static newsctl_dsq_post_t *
newsctl_dsq_find(newsctl_dsq_file_t *f, uint64_t id)
{
    newsctl_dsq_post_t  key;

    key.dsq_id = id;

    return bsearch(&key, f->posts, f->nposts, sizeof(newsctl_dsq_post_t),
                   newsctl_dsq_cmp);
}


/*
 * The article of a thread: its link's path as an old address or as our
 * own /articles/{slug}, its last path segment or its identifier as a
 * slug, or the identifier's leading number as a WordPress post id (the
 * WordPress plugin's identifiers are "{post_id} {guid}").
 */
static int
newsctl_dsq_article(newsctl_t *ctl, MDB_txn *txn,
    const news_disqus_thread_t *t, uint64_t *id)
{
    int          moved, found;
    char         key[32];
    size_t       n;
    news_buf_t   paths;
    const char  *p, *last;

    news_buf_init(&paths);
    news_wxr_addresses(t->link, 0, &paths);
    found = 0;

    if (paths.len > 0 && !paths.failed) {
        p = paths.data;
        last = strrchr(p, '/') + 1;

        found = news_article_find(&ctl->store, txn, p, strlen(p), id, &moved)
                == 0
                || news_article_find(&ctl->store, txn, last, strlen(last), id,
                                     &moved) == 0;
    }

    news_buf_free(&paths);

    if (!found && t->identifier[0] != '\0') {
        found = news_article_find(&ctl->store, txn, t->identifier,
                                  strlen(t->identifier), id, &moved) == 0;
    }

    n = strspn(t->identifier, "0123456789");

    if (!found && n > 0 && n < 20
        && (t->identifier[n] == ' ' || t->identifier[n] == '\0'))
    {
        snprintf(key, sizeof(key), "?p=%.*s", (int) n, t->identifier);
        found = news_article_find(&ctl->store, txn, key, strlen(key), id,
                                  &moved) == 0;
    }

    return found;
}


/* the thread's article, looked up once; an unmatched thread listed */
static int
newsctl_dsq_thread(newsctl_dsq_t *d, const news_disqus_thread_t *t,
    newsctl_dsq_thread_t *th)
{
    if (th->state != 0) {
        return th->state > 0;
    }

    th->state = newsctl_dsq_article(d->ctl, d->txn, t, &th->article) ? 1 : -1;

    if (th->state < 0) {
        printf("unmatched thread: %s%s%s\n", t->link,
               t->identifier[0] ? " id " : "", t->identifier);
        d->stats.unmatched++;
    }

    return th->state > 0;
}


static void
newsctl_dsq_mark_key(unsigned char *k, uint64_t article)
{
    memcpy(k, NEWSCTL_DSQ_MARK, NEWSCTL_DSQ_MARK_LEN);
    news_be64_put(k + NEWSCTL_DSQ_MARK_LEN, article);
}


/* the article is to be re-rendered, a mark written with its comments */
static int
newsctl_dsq_mark(newsctl_dsq_t *d, newsctl_dsq_thread_t *th, news_err_t *err)
{
    int            rc;
    MDB_val        key, val;
    unsigned char  k[NEWSCTL_DSQ_MARK_LEN + 8];

    if (th->marked) {
        return NEWS_OK;
    }

    newsctl_dsq_mark_key(k, th->article);
    key.mv_data = k;
    key.mv_size = sizeof(k);
    val.mv_data = "";
    val.mv_size = 0;

    rc = mdb_put(d->txn, d->ctl->store.dbi[NEWS_DB_META], &key, &val, 0);
    if (rc != 0) {
        return news_store_fail(err, rc, "marking an article to re-render");
    }

    th->marked = 1;

    return NEWS_OK;
}


/*
 * A post becomes a comment of its article, or is found there from an
 * earlier import (same time, author and text, given before this run).
 */
static int
newsctl_dsq_put(newsctl_dsq_t *d, newsctl_dsq_thread_t *th,
    news_comment_t *c, uint64_t *stored, news_err_t *err)
{
    int  rc;

    rc = news_comment_imported(&d->ctl->store, d->txn, c, d->first_new,
                               stored, err);
    if (rc != NEWS_NOTFOUND) {
        return rc;
    }

    if (news_comment_import(&d->ctl->store, d->txn, c, err) != NEWS_OK) {
        return err->code;
    }

    *stored = c->id;

    if (d->first_new > c->id) {
        d->first_new = c->id;
    }

    return newsctl_dsq_mark(d, th, err);
}


static int
newsctl_dsq_commit(newsctl_dsq_t *d, news_err_t *err)
{
    int  rc;

    rc = news_store_commit(&d->ctl->store, d->txn, err);
    d->txn = NULL;

    if (rc != NEWS_OK) {
        return rc;
    }

    d->committed += d->pending;
    d->pending = 0;

    return news_store_write(&d->ctl->store, &d->txn, err);
}


/*
 * A reply answers an earlier post of its thread (Disqus ids grow with
 * time); a reply to another thread's post, a later one or a dropped one
 * becomes a top comment.  A parent further on in the file is waited for:
 * the post is left to the next pass.
 */
static int
newsctl_dsq_write(const news_disqus_thread_t *t, cJSON *obj, size_t index,
    void *data, news_err_t *err)
{
    int                    rc;
    newsctl_dsq_t         *d;
    news_comment_t         c;
    newsctl_dsq_post_t    *p, *q;
    newsctl_dsq_thread_t  *th;

    (void) index;
    d = data;

    if (news_comment_from_json(&c, obj, err) != NEWS_OK) {
        return err->code;
    }

    rc = NEWS_OK;
    p = newsctl_dsq_find(d->file, c.id);
    th = &d->file->threads[t->index];

    if (p == NULL || p->stored != 0 || !newsctl_dsq_thread(d, t, th)) {
        goto done;
    }

    q = c.parent ? newsctl_dsq_find(d->file, c.parent) : NULL;
    c.parent = 0;

    if (q != NULL && q->thread == p->thread && q->dsq_id < p->dsq_id) {
        if (q->stored == 0) {
            d->late++;
            goto done;
        }

        c.parent = q->stored;
    }

    c.id = 0;
    c.article_id = th->article;

    rc = newsctl_dsq_put(d, th, &c, &p->stored, err);
    if (rc != NEWS_OK) {
        goto done;
    }

    d->written++;

    if (c.status == NEWS_COMMENT_PENDING) {
        d->stats.held++;

    } else {
        d->stats.comments++;
    }

    if (++d->pending >= NEWSCTL_DSQ_BATCH) {
        rc = newsctl_dsq_commit(d, err);
    }

done:

    news_comment_free(&c);

    return rc;
}


/* reads a file ("-": standard input, spooled) from its start */
static int
newsctl_dsq_read(const char *path, news_disqus_pt handler, newsctl_dsq_t *d,
    news_import_stats_t *stats, news_err_t *err)
{
    if (strcmp(path, "-") == 0 && lseek(0, 0, SEEK_SET) != 0) {
        return news_err_set(err, NEWS_ERROR, "cannot read standard input "
                            "again: %s", strerror(errno));
    }

    return news_disqus_read(path, handler, d, stats, err);
}


/*
 * Standard input copied to a temporary file that becomes descriptor 0
 * (its name removed at once), so that "-" can be read more than once.
 */
static int
newsctl_spool_stdin(void)
{
    int          fd;
    char         path[4096], buf[65536];
    ssize_t      n;
    const char  *dir;

    dir = getenv("TMPDIR");
    snprintf(path, sizeof(path), "%s/newsctl-stdin-XXXXXX",
             dir && dir[0] ? dir : "/tmp");

    fd = mkstemp(path);
    if (fd == -1) {
        fprintf(stderr, "newsctl: a temporary file for standard input: "
                "%s: %s\n", path, strerror(errno));
        return -1;
    }

    unlink(path);

    while ((n = read(0, buf, sizeof(buf))) > 0) {
        if (write(fd, buf, (size_t) n) != n) {
            n = -1;
            break;
        }
    }

    if (n < 0 || dup2(fd, 0) == -1) {
        fprintf(stderr, "newsctl: copying standard input: %s\n",
                strerror(errno));
        close(fd);
        return -1;
    }

    close(fd);

    return 0;
}


/* writes one file's posts, a pass more for replies read before parents */
static int
newsctl_dsq_file(newsctl_dsq_t *d, const char *path, news_err_t *err)
{
    news_import_stats_t  ignored;

    do {
        d->late = 0;
        d->written = 0;
        memset(&ignored, 0, sizeof(ignored));

        if (newsctl_dsq_read(path, newsctl_dsq_write, d, &ignored, err)
            != NEWS_OK)
        {
            return err->code;
        }

        /* the earliest post waiting always has its parent written */
        if (d->late > 0 && d->written == 0) {
            return news_err_set(err, NEWS_ERROR, "%zu replies wait for "
                                "parents never written", d->late);
        }

    } while (d->late > 0);

    return NEWS_OK;
}


/* in txn: up to NEWSCTL_DSQ_RENDER marked articles re-rendered, *n of them */
static int
newsctl_dsq_render_some(newsctl_t *ctl, MDB_txn *txn, int64_t now,
    size_t *n, news_err_t *err)
{
    int            rc;
    size_t         i;
    MDB_val        key, val;
    uint64_t       ids[NEWSCTL_DSQ_RENDER];
    MDB_cursor    *cur;
    unsigned char  k[NEWSCTL_DSQ_MARK_LEN + 8];

    *n = 0;

    rc = mdb_cursor_open(txn, ctl->store.dbi[NEWS_DB_META], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "mdb_cursor_open()");
    }

    newsctl_dsq_mark_key(k, 0);
    key.mv_data = k;
    key.mv_size = sizeof(k);

    for (rc = mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
         rc == 0 && *n < NEWSCTL_DSQ_RENDER && key.mv_size == sizeof(k)
         && memcmp(key.mv_data, k, NEWSCTL_DSQ_MARK_LEN) == 0;
         rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT))
    {
        ids[(*n)++] = news_be64_get((unsigned char *) key.mv_data
                                    + NEWSCTL_DSQ_MARK_LEN);
    }

    mdb_cursor_close(cur);

    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "reading the articles to re-render");
    }

    for (i = 0; i < *n; i++) {
        rc = news_article_refresh(&ctl->store, txn, ids[i], now, err);

        /* an article deleted since its comments came has no pages */
        if (rc != NEWS_OK && rc != NEWS_NOTFOUND) {
            return rc;
        }

        newsctl_dsq_mark_key(k, ids[i]);
        key.mv_data = k;
        key.mv_size = sizeof(k);

        if (mdb_del(txn, ctl->store.dbi[NEWS_DB_META], &key, NULL) != 0) {
            return news_err_set(err, NEWS_ERROR, "taking a mark off");
        }
    }

    return NEWS_OK;
}


/*
 * Re-renders every article marked (this import's, and a stopped one's),
 * NEWSCTL_DSQ_RENDER a transaction, each taking its mark off.
 */
static int
newsctl_dsq_render(newsctl_t *ctl, int64_t now, news_err_t *err)
{
    size_t    n;
    MDB_txn  *txn;

    do {
        if (news_store_write(&ctl->store, &txn, err) != NEWS_OK) {
            return err->code;
        }

        if (newsctl_dsq_render_some(ctl, txn, now, &n, err) != NEWS_OK) {
            news_store_abort(&ctl->store, txn);
            return err->code;
        }

        if (news_store_commit(&ctl->store, txn, err) != NEWS_OK) {
            return err->code;
        }

    } while (n == NEWSCTL_DSQ_RENDER);

    return NEWS_OK;
}


/* in txn: every marked article re-rendered */
static int
newsctl_dsq_render_all(newsctl_t *ctl, MDB_txn *txn, int64_t now,
    news_err_t *err)
{
    size_t  n;

    do {
        if (newsctl_dsq_render_some(ctl, txn, now, &n, err) != NEWS_OK) {
            return err->code;
        }

    } while (n == NEWSCTL_DSQ_RENDER);

    return NEWS_OK;
}


static int
newsctl_import_disqus(newsctl_t *ctl, int argc, char **argv)
{
    int                  i, rc, spooled, one_txn;
    news_err_t           err;
    const char          *where;
    newsctl_dsq_t        d;
    newsctl_dsq_file_t  *files;

    memset(&d, 0, sizeof(d));
    d.ctl = ctl;
    d.first_new = UINT64_MAX;
    rc = 1;
    spooled = 0;
    where = "";

    files = calloc((size_t) argc, sizeof(newsctl_dsq_file_t));
    if (files == NULL) {
        fprintf(stderr, "newsctl: import-disqus: out of memory\n");
        return 1;
    }

    /* every file read and checked first: a wrong post imports nothing */
    for (i = 0; i < argc; i++) {
        if (strcmp(argv[i], "-") == 0 && !spooled) {
            if (newsctl_spool_stdin() != 0) {
                goto done;
            }

            spooled = 1;
        }

        d.file = &files[i];

        if (newsctl_dsq_read(argv[i], newsctl_dsq_check, &d, &d.stats, &err)
            != NEWS_OK
            || newsctl_dsq_sort(&files[i], &err) != NEWS_OK)
        {
            fprintf(stderr, "newsctl: %s: %s; nothing imported\n", argv[i],
                    err.msg);
            goto done;
        }
    }

    if (newsctl_open(ctl) != 0) {
        goto done;
    }

    if (news_store_write(&ctl->store, &d.txn, &err) != NEWS_OK) {
        goto failed;
    }

    for (i = 0; i < argc; i++) {
        d.file = &files[i];

        if (newsctl_dsq_file(&d, argv[i], &err) != NEWS_OK) {
            if (d.txn != NULL) {
                news_store_abort(&ctl->store, d.txn);
            }

            where = argv[i];
            goto failed;
        }
    }

    /* an import that fits in one transaction is shown in it: all or nothing */
    one_txn = (d.committed == 0);

    if (one_txn
        && newsctl_dsq_render_all(ctl, d.txn, (int64_t) time(NULL), &err)
           != NEWS_OK)
    {
        news_store_abort(&ctl->store, d.txn);
        goto failed;
    }

    if (news_store_commit(&ctl->store, d.txn, &err) != NEWS_OK) {
        goto failed;
    }

    d.committed += d.pending;

    if (!one_txn
        && newsctl_dsq_render(ctl, (int64_t) time(NULL), &err) != NEWS_OK)
    {
        goto failed;
    }

    newsctl_summary("imported", &d.stats);
    rc = 0;
    goto done;

failed:

    fprintf(stderr, "newsctl: import-disqus stopped: %s%s%s\n", where,
            where[0] ? ": " : "", err.msg);

    if (d.committed > 0) {
        fprintf(stderr, "newsctl: %zu comments were written before it "
                "stopped: importing the same files again adds the rest "
                "and shows them\n", d.committed);
    }

done:

    for (i = 0; i < argc; i++) {
        free(files[i].posts);
        free(files[i].threads);
    }

    free(files);
    news_store_close(&ctl->store);

    return rc;
}


/* ---- export-wxr: the site as a WordPress export ------------------------- */


/* distinct names, in the order first met (bylines, sections, tags) */
typedef struct {
    char    **names;
    size_t    n;
    size_t    cap;
} newsctl_names_t;


static int
newsctl_name_add(newsctl_names_t *l, const char *name)
{
    size_t   i;
    char   **p;

    for (i = 0; i < l->n; i++) {
        if (strcmp(l->names[i], name) == 0) {
            return 0;
        }
    }

    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        p = realloc(l->names, l->cap * sizeof(char *));
        if (p == NULL) {
            return -1;
        }

        l->names = p;
    }

    l->names[l->n] = strdup(name);

    return l->names[l->n++] ? 0 : -1;
}


static void
newsctl_names_free(newsctl_names_t *l)
{
    size_t  i;

    for (i = 0; i < l->n; i++) {
        free(l->names[i]);
    }

    free(l->names);
}


/* every article once: fn(article, data); a load failure stops the walk */
static int
newsctl_each_article(newsctl_t *ctl, MDB_txn *txn,
    int (*fn)(newsctl_t *, MDB_txn *, news_article_t *, void *), void *data)
{
    int              rc;
    MDB_val          key, val;
    news_err_t       err;
    MDB_cursor      *cur;
    news_article_t   a;

    rc = mdb_cursor_open(txn, ctl->store.dbi[NEWS_DB_ARTICLES], &cur);
    if (rc != 0) {
        fprintf(stderr, "newsctl: %s\n", mdb_strerror(rc));
        return -1;
    }

    while ((rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT)) == 0) {
        if (key.mv_size != 8) {
            continue;
        }

        if (news_article_load(&ctl->store, txn, news_be64_get(key.mv_data),
                              &a, &err)
            != NEWS_OK)
        {
            fprintf(stderr, "newsctl: article %llu: %s\n",
                    (unsigned long long) news_be64_get(key.mv_data), err.msg);
            break;
        }

        rc = fn(ctl, txn, &a, data);
        news_article_free(&a);

        if (rc != 0) {
            break;
        }
    }

    mdb_cursor_close(cur);

    return rc == MDB_NOTFOUND ? 0 : -1;
}


typedef struct {
    newsctl_names_t   authors;
    newsctl_names_t   sections;
    newsctl_names_t   tags;
    const char       *base;
    int64_t           now;
    news_buf_t        out;
} newsctl_wxr_out_t;


static int
newsctl_wxr_names(newsctl_t *ctl, MDB_txn *txn, news_article_t *a,
    void *data)
{
    unsigned            i;
    newsctl_wxr_out_t  *x;

    (void) ctl;
    (void) txn;
    x = data;

    if ((a->author[0] && newsctl_name_add(&x->authors, a->author) != 0)
        || (a->section[0] && newsctl_name_add(&x->sections, a->section) != 0))
    {
        return -1;
    }

    for (i = 0; i < a->ntags; i++) {
        if (newsctl_name_add(&x->tags, a->tags[i]) != 0) {
            return -1;
        }
    }

    return 0;
}


static int
newsctl_wxr_article(newsctl_t *ctl, MDB_txn *txn, news_article_t *a,
    void *data)
{
    news_err_t          err;
    news_comments_t     cs;
    newsctl_wxr_out_t  *x;

    x = data;

    if (news_comments_load(&ctl->store, txn, a->id, &cs, &err) != NEWS_OK) {
        fprintf(stderr, "newsctl: comments of article %llu: %s\n",
                (unsigned long long) a->id, err.msg);
        return -1;
    }

    news_buf_reset(&x->out);
    news_wxr_item_out(&x->out, a, cs.items, cs.n, x->base, x->now);
    news_comments_free(&cs);

    if (x->out.failed) {
        fprintf(stderr, "newsctl: article %llu: out of memory\n",
                (unsigned long long) a->id);
        return -1;
    }

    return fwrite(x->out.data, 1, x->out.len, stdout) == x->out.len ? 0 : -1;
}


static int
newsctl_export_wxr(newsctl_t *ctl, const char *base)
{
    int                 rc;
    size_t              i, n;
    MDB_txn            *txn;
    news_err_t          err;
    newsctl_wxr_out_t   x;

    memset(&x, 0, sizeof(x));
    news_buf_init(&x.out);
    x.base = base;
    x.now = (int64_t) time(NULL);

    if (news_store_read(&ctl->store, &txn, &err) != NEWS_OK) {
        fprintf(stderr, "newsctl: %s\n", err.msg);
        news_store_close(&ctl->store);
        return 1;
    }

    /* the channel lists authors and terms before the items */
    rc = newsctl_each_article(ctl, txn, newsctl_wxr_names, &x);

    if (rc == 0) {
        news_wxr_head(&x.out, "News", base, x.now);

        for (i = 0; i < x.authors.n; i++) {
            news_wxr_author_entry(&x.out, i + 1, x.authors.names[i]);
        }

        for (i = 0, n = 1; i < x.sections.n; i++, n++) {
            news_wxr_term(&x.out, n, 's', x.sections.names[i]);
        }

        for (i = 0; i < x.tags.n; i++, n++) {
            news_wxr_term(&x.out, n, 't', x.tags.names[i]);
        }

        for (i = 0, n = 1; i < x.sections.n; i++, n++) {
            news_wxr_term_entry(&x.out, n, 's', x.sections.names[i]);
        }

        for (i = 0; i < x.tags.n; i++, n++) {
            news_wxr_term_entry(&x.out, n, 't', x.tags.names[i]);
        }

        news_wxr_generator(&x.out);

        rc = x.out.failed
             || fwrite(x.out.data, 1, x.out.len, stdout) != x.out.len;
    }

    if (rc == 0) {
        rc = newsctl_each_article(ctl, txn, newsctl_wxr_article, &x);
    }

    if (rc == 0) {
        news_buf_reset(&x.out);
        news_wxr_tail(&x.out);
        rc = fwrite(x.out.data, 1, x.out.len, stdout) != x.out.len;
    }

    news_store_read_done(&ctl->store);
    news_store_close(&ctl->store);
    newsctl_names_free(&x.authors);
    newsctl_names_free(&x.sections);
    newsctl_names_free(&x.tags);
    news_buf_free(&x.out);

    if (rc != 0 || fflush(stdout) != 0) {
        fprintf(stderr, "newsctl: export-wxr failed\n");
        return 1;
    }

    return 0;
}
