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
#include "text.h"


#define NEWSCTL_FILE_MAX   (256 * 1024 * 1024)
#define NEWSCTL_BATCH      1000


typedef struct {
    const char      *db;
    uint64_t         mapsize;
    news_store_t     store;
} newsctl_t;


typedef struct {
    news_article_t  *items;
    size_t           n;
    size_t           cap;
} newsctl_articles_t;


static int newsctl_usage(void);
static int newsctl_open(newsctl_t *ctl);
static void newsctl_own_files(const char *db);
static int newsctl_import(newsctl_t *ctl, int argc, char **argv);
static int newsctl_read_file(const char *path, news_buf_t *b);
static int newsctl_parse_file(const char *path, newsctl_articles_t *list,
    int64_t now);
static int newsctl_add(newsctl_articles_t *list, const cJSON *obj,
    const char *path, size_t index, int64_t now);
static int newsctl_export(newsctl_t *ctl);
static int newsctl_stats(newsctl_t *ctl);


int
main(int argc, char **argv)
{
    int         i, rc;
    char       *end;
    newsctl_t   ctl;

    memset(&ctl, 0, sizeof(ctl));

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

    if (strcmp(argv[i], "export") == 0 && i + 1 == argc) {
        rc = newsctl_open(&ctl);
        return rc ? rc : newsctl_export(&ctl);
    }

    if (strcmp(argv[i], "stats") == 0 && i + 1 == argc) {
        rc = newsctl_open(&ctl);
        return rc ? rc : newsctl_stats(&ctl);
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
            "  export           write every article as JSON on stdout\n"
            "  stats            counts, store size and map use\n");

    return 2;
}


static int
newsctl_open(newsctl_t *ctl)
{
    char         path[4096];
    news_err_t   err;
    struct stat  st;

    /* like nginx, create the last directory of the path, never parents */
    if (mkdir(ctl->db, 0755) != 0 && errno != EEXIST) {
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

    for (done = 0; done < list.n; done += n) {
        n = list.n - done < NEWSCTL_BATCH ? list.n - done : NEWSCTL_BATCH;

        if (news_store_write(&ctl->store, &txn, &err) != NEWS_OK) {
            goto failed;
        }

        for (i = 0; (size_t) i < n; i++) {
            if (news_article_put(&ctl->store, txn, &list.items[done + i],
                                 now, &err)
                != NEWS_OK)
            {
                mdb_txn_abort(txn);
                goto failed;
            }
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
        news_article_free(&list.items[n]);
    }

    free(list.items);
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
    news_article_t  *p;

    if (list->n == list->cap) {
        list->cap = list->cap ? list->cap * 2 : 16;
        p = realloc(list->items, list->cap * sizeof(news_article_t));
        if (p == NULL) {
            fprintf(stderr, "newsctl: out of memory\n");
            return -1;
        }

        list->items = p;
    }

    if (news_article_from_json(&list->items[list->n], obj, now, 0, &err)
        != NEWS_OK)
    {
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
    news_article_t   a;

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

        if (key.mv_size != 8
            || news_article_load(&ctl->store, txn, news_be64_get(key.mv_data),
                                 &a, &err)
               != NEWS_OK)
        {
            fprintf(stderr, "newsctl: a corrupt article record\n");
            rc = -1;
            break;
        }

        obj = news_article_to_json(&a, 0);
        news_article_free(&a);

        cJSON_AddArrayToObject(obj, "comments");
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

    mdb_cursor_close(cur);
    news_store_read_done(&ctl->store);
    news_store_close(&ctl->store);

    return rc == MDB_NOTFOUND ? 0 : 1;
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
