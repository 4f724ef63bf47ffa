/*
 * newsctl import-disqus: a Disqus export's comments added to the
 * articles their threads name.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "newsctl.h"
#include "articles.h"
#include "publish.h"
#include "text.h"


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
    d->stats.comments++;        /* a Disqus post has no status: visible */

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
    /* "-" was spooled to a regular file (newsctl_spool_stdin), which
     * always seeks: this guards descriptor 0 being anything else */
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
        /* a full disk: no test fills one (the fault library fails no
         * write), as none makes dup2 below fail */
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

        /*
         * the earliest post waiting always has its parent written, so a
         * pass that waits writes something: this never fires, and stops
         * an endless loop should that ever change
         */
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


int
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
