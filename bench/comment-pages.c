/*
 * What a comment post writes, database by database (issue 14): posts
 * comments to random articles of a filled store through the engine's
 * writer, BATCH comments a commit, and after each commit walks LMDB's
 * B-trees from their roots to count the pages that commit wrote, by the
 * database they belong to.
 *
 *   build/comment-pages DB_DIR BATCH COMMITS [ARTICLES]
 *
 * ARTICLES (default 100000): the store's generated articles, slugs
 * "bench-%06d" (bench/gen-articles), of which each comment takes one at
 * random.  BATCH users are added first (one commit, not counted); each
 * comment is posted by one of them through the same checks as an HTTP
 * post (standing, rate, words, duplicate), each in a txn nested in the
 * batch's as the shared writer's batch nests each slot, and the batch's
 * pages are rendered by the writer's flush, as in nginx.
 *
 * How a page is known as written: LMDB copies every page a txn changes
 * to a page number that is either past the last page of the snapshot
 * before it or on that snapshot's free list, and the copy's parents are
 * written too; so a walk from the new roots that goes down only into
 * such pages finds every page the commit wrote, and no other.  The walk
 * reads data.mdb's pages itself (LMDB 0.9's page and node layout, which
 * its API does not expose): the meta pages, branch and leaf nodes,
 * overflow runs, and the named databases' records in the main database.
 * The tool's own write(2) bytes (/proc/self/io) are printed beside the
 * count: what bench/run's "written a comment" measures; and the CPU of
 * the writer's run a commit (the thread's user and system time around
 * it: the apply, LMDB's commit, the sync), which the free list that a
 * bulk import leaves behind multiplies (bench/README.md, "The free list
 * and a commit").
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "articles.h"
#include "comments.h"
#include "community.h"
#include "policy.h"
#include "store.h"
#include "users.h"
#include "writer.h"


/* LMDB 0.9's on-disk layout (mdb.c): page header, node, meta, MDB_db */
#define PG_HDR         16
#define PG_FLAGS       10
#define PG_LOWER       12
#define PG_OVPAGES     12
#define P_BRANCH       0x01
#define P_LEAF         0x02
#define P_OVERFLOW     0x04
#define P_LEAF2        0x20
#define F_BIGDATA      0x01
#define F_SUBDATA      0x02
#define NODE_HDR       8
#define META_FREE_ROOT (PG_HDR + 24 + 40)
#define META_MAIN_ROOT (PG_HDR + 24 + 48 + 40)
#define META_LAST_PG   (PG_HDR + 24 + 96)
#define META_TXNID     (PG_HDR + 24 + 104)
#define DB_ROOT        40
#define DB_RECORD      48
#define NO_PAGE        ((uint64_t) -1)

#define MAX_TREES      64


typedef struct {
    char           name[32];
    unsigned long  branch, leaf, overflow;
} tree_count_t;


typedef struct {
    const unsigned char  *map;
    size_t                size;
    size_t                psize;
    uint64_t              last;     /* the snapshot before's last page */
    unsigned char        *free;     /* its free pages, a bit each */
    tree_count_t          trees[MAX_TREES];
    unsigned              ntrees;
} walk_t;


typedef struct {
    news_store_t           *st;
    news_actor_t           *actors;
    unsigned                batch;
    unsigned                next;       /* the post being written */
    unsigned                articles;
    unsigned long           serial;
    int64_t                 now;
    news_comment_policy_t   policy;
    unsigned long           refused;
} post_batch_t;


static uint64_t
get64(const unsigned char *p)
{
    uint64_t  v;

    memcpy(&v, p, 8);
    return v;
}


static unsigned
get16(const unsigned char *p)
{
    uint16_t  v;

    memcpy(&v, p, 2);
    return v;
}


static int
page_new(const walk_t *w, uint64_t pgno)
{
    return pgno > w->last || (w->free[pgno / 8] & (1u << (pgno % 8)));
}


static tree_count_t *
tree_of(walk_t *w, const char *name, size_t len)
{
    unsigned       i;
    tree_count_t  *t;

    len = len < sizeof(t->name) - 1 ? len : sizeof(t->name) - 1;

    for (i = 0; i < w->ntrees; i++) {
        if (strlen(w->trees[i].name) == len
            && memcmp(w->trees[i].name, name, len) == 0)
        {
            return &w->trees[i];
        }
    }

    if (w->ntrees == MAX_TREES) {
        return &w->trees[MAX_TREES - 1];
    }

    t = &w->trees[w->ntrees++];
    memcpy(t->name, name, len);
    t->name[len] = '\0';

    return t;
}


/* the pages of the tree at root that this commit wrote, counted in t */
static void
walk_tree(walk_t *w, uint64_t root, tree_count_t *t, int main_db)
{
    unsigned              i, n, flags, nflags, ksize;
    uint64_t              child;
    const unsigned char  *p, *node, *data;

    if (root == NO_PAGE || !page_new(w, root)
        || (root + 1) * w->psize > w->size)
    {
        return;
    }

    p = w->map + root * w->psize;
    flags = get16(p + PG_FLAGS);

    if (flags & P_OVERFLOW) {
        t->overflow += get16(p + PG_OVPAGES)
                       | (unsigned long) get16(p + PG_OVPAGES + 2) << 16;
        return;
    }

    if (flags & P_BRANCH) {
        t->branch++;
    } else {
        t->leaf++;
    }

    if (flags & P_LEAF2) {
        return;
    }

    n = (get16(p + PG_LOWER) - PG_HDR) / 2;

    for (i = 0; i < n; i++) {
        node = p + get16(p + PG_HDR + 2 * i);
        nflags = get16(node + 4);
        ksize = get16(node + 6);
        data = node + NODE_HDR + ksize;

        if (flags & P_BRANCH) {
            child = get16(node) | (uint64_t) get16(node + 2) << 16
                    | (uint64_t) nflags << 32;
            walk_tree(w, child, t, main_db);

        } else if (nflags & F_BIGDATA) {
            walk_tree(w, get64(data), t, 0);

        } else if ((nflags & F_SUBDATA) && main_db) {
            /* a named database: its own count */
            walk_tree(w, get64(data + DB_ROOT),
                      tree_of(w, (const char *) node + NODE_HDR, ksize), 0);

        } else if (nflags & F_SUBDATA) {
            /* a key's sorted duplicates in a tree of their own */
            walk_tree(w, get64(data + DB_ROOT), t, 0);
        }
    }
}


static const unsigned char *
meta_newest(const walk_t *w)
{
    const unsigned char  *m0, *m1;

    m0 = w->map;
    m1 = w->map + w->psize;

    return get64(m0 + META_TXNID) > get64(m1 + META_TXNID) ? m0 : m1;
}


static int
walk_map(walk_t *w, const char *path)
{
    int          fd;
    struct stat  sb;

    fd = open(path, O_RDONLY);
    if (fd < 0 || fstat(fd, &sb) != 0) {
        perror(path);
        return -1;
    }

    w->size = (size_t) sb.st_size;
    w->map = mmap(NULL, w->size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);

    if (w->map == MAP_FAILED) {
        perror("mmap");
        return -1;
    }

    return 0;
}


/* the snapshot before a commit: its last page and its free pages */
static int
walk_before(walk_t *w, news_store_t *st)
{
    int          rc;
    size_t       i, n;
    MDB_val      key, val;
    MDB_txn     *txn;
    MDB_cursor  *cur;
    MDB_envinfo  info;

    rc = mdb_txn_begin(st->env, NULL, MDB_RDONLY, &txn);
    if (rc != 0) {
        return rc;
    }

    mdb_env_info(st->env, &info);
    w->last = info.me_last_pgno;
    free(w->free);
    w->free = calloc(w->last / 8 + 1, 1);

    rc = w->free ? mdb_cursor_open(txn, 0, &cur) : ENOMEM;
    if (rc != 0) {
        mdb_txn_abort(txn);
        return rc;
    }

    while ((rc = mdb_cursor_get(cur, &key, &val, MDB_NEXT)) == 0) {
        n = get64(val.mv_data);

        for (i = 1; i <= n; i++) {
            uint64_t  pg = get64((unsigned char *) val.mv_data + 8 * i);

            if (pg <= w->last) {
                w->free[pg / 8] |= (unsigned char) (1u << (pg % 8));
            }
        }
    }

    mdb_cursor_close(cur);
    mdb_txn_abort(txn);

    return rc == MDB_NOTFOUND ? 0 : rc;
}


/* the pages the commit since walk_before wrote, added to w's counts */
static int
walk_after(walk_t *w, const char *path)
{
    const unsigned char  *m;

    if (walk_map(w, path) != 0) {
        return -1;
    }

    m = meta_newest(w);
    walk_tree(w, get64(m + META_FREE_ROOT), tree_of(w, "(free list)", 11), 0);
    walk_tree(w, get64(m + META_MAIN_ROOT), tree_of(w, "(main)", 6), 1);

    munmap((void *) w->map, w->size);
    w->map = NULL;

    return 0;
}


/* the calling thread's CPU so far, user and system, in microseconds */
static void
thread_cpu(double *user, double *sys)
{
    struct rusage  ru;

    if (getrusage(RUSAGE_THREAD, &ru) != 0) {
        *user = *sys = 0;
        return;
    }

    *user = ru.ru_utime.tv_sec * 1e6 + ru.ru_utime.tv_usec;
    *sys = ru.ru_stime.tv_sec * 1e6 + ru.ru_stime.tv_usec;
}


static unsigned long
written_bytes(void)
{
    char           line[128];
    FILE          *f;
    unsigned long  v = 0;

    f = fopen("/proc/self/io", "r");
    if (f == NULL) {
        return 0;
    }

    while (fgets(line, sizeof(line), f)) {
        if (sscanf(line, "wchar: %lu", &v) == 1) {
            break;
        }
    }

    fclose(f);

    return v;
}


/* one comment by actor a on a random article: the HTTP post's checks */
static int
post_one(post_batch_t *pb, MDB_txn *txn, news_actor_t *a, news_err_t *err)
{
    char                slug[32], body[128];
    unsigned            retry;
    uint64_t            id;
    news_screen_t       screen;
    news_comment_t      c;
    news_author_tail_t  tail;

    snprintf(slug, sizeof(slug), "bench-%06u",
             (unsigned) (random() % pb->articles));
    snprintf(body, sizeof(body), "A comment counted page by page, "
             "number %lu of this run.", pb->serial++);

    if (news_article_id(pb->st, txn, slug, strlen(slug), &id) != 0) {
        return news_err_set(err, NEWS_NOTFOUND, "no article %s", slug);
    }

    memset(&c, 0, sizeof(c));
    c.article_id = id;
    c.author = (char *) a->name;
    c.author_id = a->id;
    c.body = body;

    if (news_comment_standing(pb->st, txn, a, pb->now, &screen, err)
        != NEWS_OK
        || news_author_tail_get(pb->st, txn, a->id, &tail, err) != NEWS_OK
        || news_author_tail_rate(&tail, pb->now, 60, pb->policy.rate,
                                 &retry, err) != NEWS_OK
        || news_comment_screen(pb->st, txn, body, &screen, err) != NEWS_OK
        || news_comment_duplicate(pb->st, txn, a->id, body,
                                  pb->now - NEWS_DUPLICATE_WINDOW, err)
           != NEWS_OK
        || news_comment_post(pb->st, txn, &c,
                             news_comment_held(&pb->policy, a, &screen),
                             pb->now, err) != NEWS_OK)
    {
        return err->code;
    }

    /* the poster's tail written once, as service.c's post does */
    if (c.status == NEWS_COMMENT_VISIBLE) {
        (void) news_author_tail_count(&tail, 1);
    }

    return news_author_tail_put(pb->st, txn, a->id, &tail,
                                "writing the posting rate", err);
}


/* one post of the batch, as its own write (news_writer_nest's apply) */
static int
post_nested(news_store_t *st, MDB_txn *txn, void *arg, news_err_t *err)
{
    post_batch_t  *pb = arg;

    (void) st;

    return post_one(pb, txn, &pb->actors[pb->next], err);
}


/*
 * The batch as the shared writer applies its slots: each post nested in
 * the batch's txn (one refused is undone alone), the batch's pages at
 * the end by the writer's flush
 */
static int
post_batch(news_store_t *st, MDB_txn *txn, void *arg, news_err_t *err)
{
    post_batch_t     *pb = arg;
    news_write_op_t   op;

    for (pb->next = 0; pb->next < pb->batch; pb->next++) {
        memset(&op, 0, sizeof(op));
        op.apply = post_nested;
        op.arg = pb;

        if (news_writer_nest(st, txn, &op) != NEWS_OK || op.rc != NEWS_OK) {
            *err = op.err;
            return op.rc;
        }
    }

    return NEWS_OK;
}


static int
add_users(news_store_t *st, news_actor_t *actors, news_user_t *users,
    unsigned n, int64_t now, news_err_t *err)
{
    unsigned   i;
    MDB_txn   *txn;

    if (news_store_write(st, &txn, err) != NEWS_OK) {
        return err->code;
    }

    for (i = 0; i < n; i++) {
        memset(&users[i], 0, sizeof(users[i]));
        users[i].name_len = (size_t) snprintf(users[i].name,
                                              sizeof(users[i].name),
                                              "p%ld_%d_%u", (long) now % 100000,
                                              (int) getpid() % 100000, i);
        strcpy(users[i].hash, "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$"
               "aGFzaGhhc2hoYXNoaGFzaA");

        if (news_user_add(st, txn, &users[i], now, err) != NEWS_OK) {
            mdb_txn_abort(txn);
            return err->code;
        }

        actors[i].id = users[i].id;
        actors[i].name = users[i].name;
        actors[i].role = NEWS_ROLE_READER;
        actors[i].since = now;
    }

    return news_store_commit(st, txn, err);
}


static void
report(const walk_t *w, unsigned long comments, unsigned long commits,
    unsigned long written, double user, double sys)
{
    unsigned       i;
    unsigned long  pages, all = 0;

    printf("%lu comments in %lu commits (%.1f a commit)\n", comments,
           commits, (double) comments / commits);
    printf("%-14s %8s %8s %8s %12s %14s\n", "database", "branch", "leaf",
           "overflow", "a commit", "bytes a comment");

    for (i = 0; i < w->ntrees; i++) {
        const tree_count_t  *t = &w->trees[i];

        pages = t->branch + t->leaf + t->overflow;
        all += pages;

        if (pages == 0) {
            continue;
        }

        printf("%-14s %8lu %8lu %8lu %12.1f %14.0f\n", t->name, t->branch,
               t->leaf, t->overflow, (double) pages / commits,
               (double) pages * w->psize / comments);
    }

    printf("%-14s %8s %8s %8s %12.1f %14.0f\n", "all", "", "", "",
           (double) all / commits, (double) all * w->psize / comments);
    printf("write(2) bytes a comment (pages and meta pages): %.0f\n",
           (double) written / comments);
    printf("CPU a commit, the writer's run (apply, commit, sync): "
           "%.0f us user, %.0f us system\n", user / commits, sys / commits);
}


int
main(int argc, char **argv)
{
    char            path[4096];
    unsigned        i, commits;
    MDB_stat        ms;
    news_err_t      err;
    news_user_t    *users;
    news_store_t    st;
    unsigned long   w0;
    double          user, sys, u0, s0, u1, s1;
    walk_t          w;
    post_batch_t    pb;
    news_writer_t   writer;
    news_write_op_t op;

    if (argc < 4 || atoi(argv[2]) < 1 || atoi(argv[3]) < 1) {
        fprintf(stderr, "usage: %s DB_DIR BATCH COMMITS [ARTICLES]\n",
                argv[0]);
        return 2;
    }

    memset(&w, 0, sizeof(w));
    memset(&pb, 0, sizeof(pb));
    pb.batch = (unsigned) atoi(argv[2]);
    commits = (unsigned) atoi(argv[3]);
    pb.articles = argc > 4 ? (unsigned) atoi(argv[4]) : 100000;
    pb.policy.max_length = 10000;
    pb.policy.rate = 100000;
    pb.now = time(NULL);
    pb.st = &st;
    srandom((unsigned) pb.now);
    snprintf(path, sizeof(path), "%s/data.mdb", argv[1]);

    if (news_store_open(&st, argv[1], 8ULL << 30, &err) != NEWS_OK
        || news_writer_init(&writer, &st) != NEWS_OK)
    {
        fprintf(stderr, "opening %s: %s\n", argv[1], err.msg);
        return 1;
    }

    writer.flush = st.flush;
    mdb_env_stat(st.env, &ms);
    w.psize = ms.ms_psize;

    users = calloc(pb.batch, sizeof(*users));
    pb.actors = calloc(pb.batch, sizeof(*pb.actors));

    if (users == NULL || pb.actors == NULL
        || add_users(&st, pb.actors, users, pb.batch, pb.now, &err) != NEWS_OK)
    {
        fprintf(stderr, "adding users: %s\n", err.msg);
        return 1;
    }

    w0 = written_bytes();
    user = sys = 0;

    for (i = 0; i < commits; i++) {
        if (walk_before(&w, &st) != 0) {
            fprintf(stderr, "reading the free list failed\n");
            return 1;
        }

        memset(&op, 0, sizeof(op));
        op.apply = post_batch;
        op.arg = &pb;
        op.nests = 1;
        pb.now++;

        thread_cpu(&u0, &s0);

        if (news_writer_run(&writer, &op) != NEWS_OK) {
            fprintf(stderr, "posting: %s\n", op.err.msg);
            return 1;
        }

        thread_cpu(&u1, &s1);
        user += u1 - u0;
        sys += s1 - s0;

        if (walk_after(&w, path) != 0) {
            return 1;
        }
    }

    report(&w, (unsigned long) commits * pb.batch, commits,
           written_bytes() - w0, user, sys);

    news_writer_destroy(&writer);
    news_store_close(&st);
    free(users);
    free(pb.actors);
    free(w.free);

    return 0;
}
