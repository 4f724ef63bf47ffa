/*
 * Unit tests of the store checker (check.h): a store holding every kind
 * of record checks clean; then each kind of damage, made inside a write
 * txn that is aborted afterwards, is reported with its own line.
 */

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "articles.h"
#include "publish.h"
#include "check.h"
#include "comments.h"
#include "sessions.h"
#include "text.h"
#include "users.h"


static char          dir[] = "/tmp/news-unit-check-XXXXXX";
static news_store_t  st;
static uint64_t      art, draft, renamed, top, reply, deep, user1, user2;


static int
save(const char *json, uint64_t id, uint64_t *out, int64_t now)
{
    int             rc;
    cJSON          *obj;
    MDB_txn        *txn;
    news_err_t      err;
    news_article_t  a;

    obj = cJSON_Parse(json);
    rc = news_article_from_json(&a, obj, 1000, 0, &err);
    cJSON_Delete(obj);

    if (rc == NEWS_OK && (rc = news_store_write(&st, &txn, &err)) == NEWS_OK) {
        rc = news_article_save(&st, txn, &a, id, now, &err);
        rc = rc == NEWS_OK ? news_store_commit(&st, txn, &err)
                           : (mdb_txn_abort(txn), rc);
    }

    if (rc != NEWS_OK) {
        printf("# save: %s\n", err.msg);
    }

    *out = a.id;
    news_article_free(&a);

    return rc;
}


static int
post(uint64_t article, uint64_t parent, const char *body, uint64_t *id)
{
    int             rc;
    MDB_txn        *txn;
    news_err_t      err;
    news_comment_t  c;

    memset(&c, 0, sizeof(c));
    c.article_id = article;
    c.parent = parent;
    c.author = "Alice";
    c.author_id = user1;
    c.body = (char *) body;

    if (news_store_write(&st, &txn, &err) != NEWS_OK) {
        return err.code;
    }

    rc = news_comment_post(&st, txn, &c, 0, 2000, &err);
    rc = rc == NEWS_OK ? news_store_commit(&st, txn, &err)
                       : (mdb_txn_abort(txn), rc);
    *id = c.id;

    return rc;
}


static int
hide(uint64_t id)
{
    int          rc;
    MDB_txn     *txn;
    news_err_t   err;

    news_store_write(&st, &txn, &err);
    rc = news_comment_set_status(&st, txn, id, NEWS_COMMENT_HIDDEN, 3000,
                                 &err);
    return rc == NEWS_OK ? news_store_commit(&st, txn, &err)
                         : (mdb_txn_abort(txn), rc);
}


static int
add_user(const char *name, uint64_t *id)
{
    int              rc;
    MDB_txn         *txn;
    news_err_t       err;
    news_user_t      u;
    unsigned char    token[NEWS_TOKEN_LEN];

    memset(&u, 0, sizeof(u));
    u.name_len = strlen(name);
    memcpy(u.name, name, u.name_len);
    strcpy(u.hash, "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA");
    u.role = NEWS_ROLE_READER;

    news_store_write(&st, &txn, &err);
    rc = news_user_add(&st, txn, &u, 1000, &err);

    if (rc == NEWS_OK) {
        rc = news_session_create(&st, txn, u.id, 1000, 86400, token, &err);
    }

    *id = u.id;

    return rc == NEWS_OK ? news_store_commit(&st, txn, &err)
                         : (mdb_txn_abort(txn), rc);
}


/* the checker's lines for txn; the caller frees */
static char *
check(MDB_txn *txn, size_t *violations)
{
    char          *s;
    news_err_t     err;
    news_check_t   r;

    news_check_init(&r);

    if (news_check_store(&st, txn, &r, &err) != NEWS_OK) {
        printf("# check failed: %s\n", err.msg);
        *violations = (size_t) -1;
        news_check_free(&r);
        return strdup("");
    }

    *violations = r.violations;
    s = strdup(news_buf_cstr(&r.lines));
    news_check_free(&r);

    return s;
}


static int
put(MDB_txn *txn, int db, const void *k, size_t kn, const void *v, size_t vn)
{
    MDB_val  key, val;

    key.mv_data = (void *) k;
    key.mv_size = kn;
    val.mv_data = (void *) v;
    val.mv_size = vn;

    return mdb_put(txn, st.dbi[db], &key, &val, 0);
}


static int
del(MDB_txn *txn, int db, const void *k, size_t kn)
{
    MDB_val  key;

    key.mv_data = (void *) k;
    key.mv_size = kn;

    return mdb_del(txn, st.dbi[db], &key, NULL);
}


/* a copy of a stored value, so that it may be changed and put back */
static unsigned char *
get(MDB_txn *txn, int db, const void *k, size_t kn, size_t *n)
{
    MDB_val         key, val;
    unsigned char  *p;

    key.mv_data = (void *) k;
    key.mv_size = kn;

    if (mdb_get(txn, st.dbi[db], &key, &val) != 0) {
        *n = 0;
        return calloc(1, 64);
    }

    p = malloc(val.mv_size + 1);
    memcpy(p, val.mv_data, val.mv_size);
    *n = val.mv_size;

    return p;
}


static void
be64(unsigned char *k, uint64_t v)
{
    news_be64_put(k, v);
}


/* the comments key of comment id (from cindex) */
static void
comment_key(MDB_txn *txn, uint64_t id, unsigned char *k)
{
    size_t          n;
    unsigned char  *v, ik[8];

    be64(ik, id);
    v = get(txn, NEWS_DB_CINDEX, ik, 8, &n);
    memcpy(k, v, NEWS_COMMENTS_KEY);
    free(v);
}


/* rewrites one number of article id's stored record */
static int
set_field(MDB_txn *txn, uint64_t id, const char *field, double value)
{
    int             rc;
    char           *json;
    cJSON          *obj;
    size_t          n;
    unsigned char   k[8], *v;

    be64(k, id);
    v = get(txn, NEWS_DB_ARTICLES, k, 8, &n);
    obj = cJSON_ParseWithLength((char *) v, n);
    free(v);

    cJSON_ReplaceItemInObject(obj, field, cJSON_CreateNumber(value));
    json = cJSON_PrintUnformatted(obj);
    rc = put(txn, NEWS_DB_ARTICLES, k, 8, json, strlen(json));
    free(json);
    cJSON_Delete(obj);

    return rc;
}


/* each kind of damage: what it does, and what the report must say */

static void
slug_gone(MDB_txn *txn)
{
    del(txn, NEWS_DB_SLUGS, "renamed-again", 13);
}

static void
slug_wrong(MDB_txn *txn)
{
    unsigned char  v[8];

    be64(v, draft);
    put(txn, NEWS_DB_SLUGS, "intruder", 8, v, 8);
}

static void
former_slug_orphan(MDB_txn *txn)
{
    unsigned char  v[9];

    be64(v, 999);
    v[8] = 'R';
    put(txn, NEWS_DB_SLUGS, "gone", 4, v, 9);
}

static void
time_gone(MDB_txn *txn)
{
    unsigned char  k[16];

    be64(k, 1000);
    be64(k + 8, art);
    del(txn, NEWS_DB_TIMES, k, 16);
}

static void
time_of_draft(MDB_txn *txn)
{
    unsigned char  k[16];

    be64(k, 1000);
    be64(k + 8, draft);
    put(txn, NEWS_DB_TIMES, k, 16, "", 0);
}

static void
topic_gone(MDB_txn *txn)
{
    unsigned char  k[7 + 16];

    memcpy(k, "sworld", 6);
    k[6] = '\0';
    be64(k + 7, 1000);
    be64(k + 15, art);
    del(txn, NEWS_DB_TOPICS, k, 23);
}

static void
topic_orphan(MDB_txn *txn)
{
    unsigned char  k[7 + 16];

    memcpy(k, "tstale", 6);
    k[6] = '\0';
    be64(k + 7, 1000);
    be64(k + 15, 999);
    put(txn, NEWS_DB_TOPICS, k, 23, "", 0);
}

static void
topic_name_gone(MDB_txn *txn)
{
    del(txn, NEWS_DB_TOPICS, "Tpolitics", 9);
}

static void
topic_name_wrong(MDB_txn *txn)
{
    put(txn, NEWS_DB_TOPICS, "Tpolitics", 9, "Sport", 5);
}

static void
fragment_gone(MDB_txn *txn)
{
    unsigned char  k[9];

    be64(k, art);
    k[8] = NEWS_FRAG_PAGE;
    del(txn, NEWS_DB_PAGES, k, 9);
}

static void
fragment_stale(MDB_txn *txn)
{
    set_field(txn, art, "version", 77);
}

static void
fragment_orphan(MDB_txn *txn)
{
    size_t          n;
    unsigned char   k[9], *v;

    be64(k, art);
    k[8] = NEWS_FRAG_TEASER;
    v = get(txn, NEWS_DB_PAGES, k, 9, &n);
    be64(k, 999);
    put(txn, NEWS_DB_PAGES, k, 9, v, n);
    free(v);
}

static void
comment_page_gone(MDB_txn *txn)
{
    unsigned char  k[13];

    be64(k, art);
    k[8] = NEWS_FRAG_COMMENTS;
    news_be32_put(k + 9, 2);
    del(txn, NEWS_DB_PAGES, k, 13);
}

static void
comment_page_extra(MDB_txn *txn)
{
    size_t          n;
    unsigned char   k[13], *v;

    be64(k, art);
    k[8] = NEWS_FRAG_COMMENTS;
    news_be32_put(k + 9, 2);
    v = get(txn, NEWS_DB_PAGES, k, 13, &n);
    news_be32_put(k + 9, 9);
    put(txn, NEWS_DB_PAGES, k, 13, v, n);
    free(v);
}

/*
 * The count of visible comments is the state fragment's first part: the
 * state cut to it alone (as before the comment state)
 */
static void
count_wrong(MDB_txn *txn)
{
    size_t          n;
    unsigned char   k[9], *v;

    be64(k, art);
    k[8] = NEWS_FRAG_STATE;
    v = get(txn, NEWS_DB_PAGES, k, 9, &n);
    news_be32_put(v + NEWS_PAGE_HEADER - 4, 1);
    news_be32_put(v + NEWS_PAGE_HEADER, 1);
    v[NEWS_PAGE_HEADER + 4] = '3';
    put(txn, NEWS_DB_PAGES, k, 9, v, NEWS_PAGE_HEADER + 5);
    free(v);
}

static void
cindex_gone(MDB_txn *txn)
{
    unsigned char  k[8];

    be64(k, top);
    del(txn, NEWS_DB_CINDEX, k, 8);
}

static void
cindex_orphan(MDB_txn *txn)
{
    unsigned char  k[8], v[NEWS_COMMENTS_KEY];

    be64(k, 5000);
    be64(v, art);
    be64(v + 8, 2000);
    be64(v + 16, 5000);
    put(txn, NEWS_DB_CINDEX, k, 8, v, sizeof(v));
}

static void
cindex_crossed(MDB_txn *txn)
{
    unsigned char  k[8], v[NEWS_COMMENTS_KEY];

    comment_key(txn, reply, v);
    be64(k, top);
    put(txn, NEWS_DB_CINDEX, k, 8, v, sizeof(v));
}

static void
comment_orphan(MDB_txn *txn)
{
    size_t          n;
    unsigned char   k[NEWS_COMMENTS_KEY], *v;

    comment_key(txn, top, k);
    v = get(txn, NEWS_DB_PAGES, k, sizeof(k), &n);
    be64(k, 999);
    put(txn, NEWS_DB_PAGES, k, sizeof(k), v, n);
    free(v);
}

static void
parent_gone(MDB_txn *txn)
{
    unsigned char  k[NEWS_COMMENTS_KEY];

    comment_key(txn, reply, k);
    del(txn, NEWS_DB_PAGES, k, sizeof(k));
    del(txn, NEWS_DB_CINDEX, k + 16, 8);
}

static void
depth_wrong(MDB_txn *txn)
{
    size_t          n, m;
    unsigned char   k[NEWS_COMMENTS_KEY], *v;

    comment_key(txn, deep, k);
    v = get(txn, NEWS_DB_PAGES, k, sizeof(k), &n);
    m = news_be32_get(v + 1);
    v[NEWS_COMMENT_VALUE_HEAD + m + 24] = 1;
    put(txn, NEWS_DB_PAGES, k, sizeof(k), v, n);
    free(v);
}

static void
status_byte_wrong(MDB_txn *txn)
{
    size_t          n;
    unsigned char   k[NEWS_COMMENTS_KEY], *v;

    comment_key(txn, top, k);
    v = get(txn, NEWS_DB_PAGES, k, sizeof(k), &n);
    v[0] = NEWS_COMMENT_HIDDEN;
    put(txn, NEWS_DB_PAGES, k, sizeof(k), v, n);
    free(v);
}

static void
revision_orphan(MDB_txn *txn)
{
    unsigned char  k[12];

    be64(k, 999);
    news_be32_put(k + 8, 1);
    put(txn, NEWS_DB_REVISIONS, k, 12, "{}", 2);
}

static void
revision_future(MDB_txn *txn)
{
    unsigned char  k[12];

    be64(k, renamed);
    news_be32_put(k + 8, 50);
    put(txn, NEWS_DB_REVISIONS, k, 12, "{}", 2);
}

static void
name_gone(MDB_txn *txn)
{
    del(txn, NEWS_DB_NAMES, "bob", 3);
}

static void
name_orphan(MDB_txn *txn)
{
    unsigned char  v[8];

    be64(v, 999);
    put(txn, NEWS_DB_NAMES, "ghost", 5, v, 8);
}

static void
name_crossed(MDB_txn *txn)
{
    unsigned char  v[8];

    be64(v, user1);
    put(txn, NEWS_DB_NAMES, "bob", 3, v, 8);
}

static void
user_gone(MDB_txn *txn)
{
    unsigned char  k[8];

    be64(k, user2);
    del(txn, NEWS_DB_USERS, k, 8);
    del(txn, NEWS_DB_NAMES, "bob", 3);
}

/* the first session key of a kind */
static void
session_key(MDB_txn *txn, char kind, unsigned char *k, size_t *n)
{
    MDB_val      key, val;
    MDB_cursor  *cur;

    mdb_cursor_open(txn, st.dbi[NEWS_DB_SESSIONS], &cur);
    key.mv_data = &kind;
    key.mv_size = 1;
    mdb_cursor_get(cur, &key, &val, MDB_SET_RANGE);
    memcpy(k, key.mv_data, key.mv_size);
    *n = key.mv_size;
    mdb_cursor_close(cur);
}

static void
session_expiry_gone(MDB_txn *txn)
{
    size_t         n;
    unsigned char  k[64];

    session_key(txn, 'e', k, &n);
    del(txn, NEWS_DB_SESSIONS, k, n);
}

static void
session_user_key_gone(MDB_txn *txn)
{
    size_t         n;
    unsigned char  k[64];

    session_key(txn, 'u', k, &n);
    del(txn, NEWS_DB_SESSIONS, k, n);
}

static void
session_index_orphan(MDB_txn *txn)
{
    size_t         n;
    unsigned char  k[64];

    session_key(txn, 's', k, &n);
    del(txn, NEWS_DB_SESSIONS, k, n);
}

static void
schema_gone(MDB_txn *txn)
{
    del(txn, NEWS_DB_META, "schema", 6);
}

static void
article_id_behind(MDB_txn *txn)
{
    unsigned char  v[8];

    be64(v, 1);
    put(txn, NEWS_DB_META, "article_id", 10, v, 8);
}

static void
record_corrupt(MDB_txn *txn)
{
    unsigned char  k[8];

    be64(k, draft);
    put(txn, NEWS_DB_ARTICLES, k, 8, "{\"title\":", 9);
}

/* records of the wrong shape in each table: a size, a kind, a value */

static void
schema_size(MDB_txn *txn)
{
    put(txn, NEWS_DB_META, "schema", 6, "ab", 2);
}

static void
modified_size(MDB_txn *txn)
{
    put(txn, NEWS_DB_META, "modified", 8, "abc", 3);
}

static void
id_mark_size(MDB_txn *txn)
{
    put(txn, NEWS_DB_META, "comment_id", 10, "abcd", 4);
}

static void
article_key_size(MDB_txn *txn)
{
    put(txn, NEWS_DB_ARTICLES, "abc", 3, "{}", 2);
}

static void
article_id_other(MDB_txn *txn)
{
    size_t          n;
    unsigned char   k[8], *v;

    be64(k, draft);
    v = get(txn, NEWS_DB_ARTICLES, k, 8, &n);
    be64(k, 9999);
    put(txn, NEWS_DB_ARTICLES, k, 8, v, n);
    free(v);
}

static void
article_slug_other(MDB_txn *txn)
{
    unsigned char  v[8];

    be64(v, draft);
    put(txn, NEWS_DB_SLUGS, "check", 5, v, 8);
}

static void
slug_value_size(MDB_txn *txn)
{
    put(txn, NEWS_DB_SLUGS, "odd", 3, "abc", 3);
}

static void
former_slug_current(MDB_txn *txn)
{
    unsigned char  v[9];

    be64(v, art);
    v[8] = 'R';
    put(txn, NEWS_DB_SLUGS, "check", 5, v, 9);
}

static void
time_key_size(MDB_txn *txn)
{
    put(txn, NEWS_DB_TIMES, "abc", 3, "", 0);
}

static void
time_orphan(MDB_txn *txn)
{
    unsigned char  k[16];

    be64(k, 1000);
    be64(k + 8, 9999);
    put(txn, NEWS_DB_TIMES, k, 16, "", 0);
}

static void
topic_kind(MDB_txn *txn)
{
    put(txn, NEWS_DB_TOPICS, "xabc", 4, "", 0);
}

static void
topic_of_draft(MDB_txn *txn)
{
    unsigned char  k[7 + 16];

    memcpy(k, "sworld", 6);
    k[6] = '\0';
    be64(k + 7, 1000);
    be64(k + 15, draft);
    put(txn, NEWS_DB_TOPICS, k, 23, "", 0);
}

static void
page_key_kind(MDB_txn *txn)
{
    unsigned char  k[9];

    be64(k, art);
    k[8] = 'Z';
    put(txn, NEWS_DB_PAGES, k, 9, "x", 1);
}

static void
page_unparsed(MDB_txn *txn)
{
    unsigned char  k[9];

    be64(k, art);
    k[8] = NEWS_FRAG_PAGE;
    put(txn, NEWS_DB_PAGES, k, 9, "x", 1);
}

static void
comment_key_size(MDB_txn *txn)
{
    put(txn, NEWS_DB_COMMENTS, "abc", 3, "x", 1);
}

static void
comment_cut(MDB_txn *txn)
{
    unsigned char  k[NEWS_COMMENTS_KEY];

    comment_key(txn, top, k);
    put(txn, NEWS_DB_PAGES, k, sizeof(k), "\0\0", 2);
}

static void
status_out_of_range(MDB_txn *txn)
{
    size_t          n;
    unsigned char   k[NEWS_COMMENTS_KEY], *v;

    comment_key(txn, top, k);
    v = get(txn, NEWS_DB_PAGES, k, sizeof(k), &n);
    v[0] = 9;
    put(txn, NEWS_DB_PAGES, k, sizeof(k), v, n);
    free(v);
}

/* the public JSON says another body than the view: a byte of it changed */
static void
public_json_wrong(MDB_txn *txn)
{
    size_t          n;
    unsigned char   k[NEWS_COMMENTS_KEY], *v;

    comment_key(txn, top, k);
    v = get(txn, NEWS_DB_PAGES, k, sizeof(k), &n);
    v[n > 0 ? NEWS_COMMENT_VALUE_HEAD + 2 : 0] ^= 1;
    put(txn, NEWS_DB_PAGES, k, sizeof(k), v, n);
    free(v);
}

static void
top_depth_wrong(MDB_txn *txn)
{
    size_t          n, m;
    unsigned char   k[NEWS_COMMENTS_KEY], *v;

    comment_key(txn, top, k);
    v = get(txn, NEWS_DB_PAGES, k, sizeof(k), &n);
    m = news_be32_get(v + 1);
    v[NEWS_COMMENT_VALUE_HEAD + m + 24] = 2;
    put(txn, NEWS_DB_PAGES, k, sizeof(k), v, n);
    free(v);
}

static void
cindex_size(MDB_txn *txn)
{
    put(txn, NEWS_DB_CINDEX, "abc", 3, "x", 1);
}

static void
pending_size(MDB_txn *txn)
{
    put(txn, NEWS_DB_PENDING, "abc", 3, "x", 1);
}

static void
pending_orphan(MDB_txn *txn)
{
    unsigned char  k[NEWS_PENDING_KEY], v[8];

    be64(k, 2000);
    be64(k + 8, 7777);
    be64(v, art);
    put(txn, NEWS_DB_PENDING, k, sizeof(k), v, 8);
}

static void
thread_size(MDB_txn *txn)
{
    put(txn, NEWS_DB_THREADS, "abc", 3, "", 0);
}

static void
revision_key_size(MDB_txn *txn)
{
    put(txn, NEWS_DB_REVISIONS, "abc", 3, "{}", 2);
}

static void
revision_not_object(MDB_txn *txn)
{
    unsigned char  k[12];

    be64(k, renamed);
    news_be32_put(k + 8, 1);
    put(txn, NEWS_DB_REVISIONS, k, 12, "[1]", 3);
}

static void
user_key_size(MDB_txn *txn)
{
    put(txn, NEWS_DB_USERS, "abc", 3, "x", 1);
}

static void
user_corrupt(MDB_txn *txn)
{
    unsigned char  k[8];

    be64(k, user2);
    put(txn, NEWS_DB_USERS, k, 8, "x", 1);
}

static void
name_value_size(MDB_txn *txn)
{
    put(txn, NEWS_DB_NAMES, "carol", 5, "abc", 3);
}

static void
session_key_kind(MDB_txn *txn)
{
    put(txn, NEWS_DB_SESSIONS, "zabc", 4, "x", 1);
}

/* an author index key: 'c' . user . comment, or 'd' . user */
static size_t
author_key(unsigned char *k, char kind, uint64_t user, uint64_t id)
{
    k[0] = (unsigned char) kind;
    be64(k + 1, user);
    be64(k + 9, id);

    return kind == 'c' ? NEWS_AUTHOR_KEY : 9;
}

static void
author_entry_gone(MDB_txn *txn)
{
    unsigned char  k[NEWS_AUTHOR_KEY];

    del(txn, NEWS_DB_AUTHORS, k, author_key(k, 'c', user1, top));
}

static void
author_orphan(MDB_txn *txn)
{
    unsigned char  k[NEWS_AUTHOR_KEY], v[NEWS_COMMENTS_KEY];

    be64(v, art);
    be64(v + 8, 2000);
    be64(v + 16, 5000);
    put(txn, NEWS_DB_AUTHORS, k, author_key(k, 'c', user1, 5000), v,
        sizeof(v));
}

static void
author_crossed(MDB_txn *txn)
{
    unsigned char  k[NEWS_AUTHOR_KEY], v[NEWS_COMMENTS_KEY];

    comment_key(txn, top, v);
    put(txn, NEWS_DB_AUTHORS, k, author_key(k, 'c', user2, top), v,
        sizeof(v));
}

static void
author_mark_live(MDB_txn *txn)
{
    unsigned char  k[NEWS_AUTHOR_KEY];

    put(txn, NEWS_DB_AUTHORS, k, author_key(k, 'd', user1, 0), "k", 1);
}



static void
old_address_short(MDB_txn *txn)
{
    unsigned char  k[5] = { 0, 1, 2, 3, 4 };

    put(txn, NEWS_DB_SLUGS, k, sizeof(k), "", 0);
}

static void
reply_thread_gone(MDB_txn *txn)
{
    unsigned char  p[NEWS_COMMENTS_KEY], k[NEWS_THREAD_KEY];

    comment_key(txn, reply, p);
    memcpy(k, p, 8);
    be64(k + 8, top);
    memcpy(k + 16, p + 8, 16);
    del(txn, NEWS_DB_THREADS, k, sizeof(k));
}

static void
author_key_odd(MDB_txn *txn)
{
    unsigned char  k[9], v = 7;

    k[0] = 'd';
    be64(k + 1, user2);
    put(txn, NEWS_DB_AUTHORS, k, sizeof(k), &v, 1);
}

static void
word_unfolded(MDB_txn *txn)
{
    unsigned char  list = 2;

    put(txn, NEWS_DB_WORDS, "Caf\303\251", 5, &list, 1);
}

static void
word_no_list(MDB_txn *txn)
{
    put(txn, NEWS_DB_WORDS, "plain", 5, "xy", 2);
}

static void
standing_short(MDB_txn *txn)
{
    unsigned char  k[8];

    be64(k, user2);
    put(txn, NEWS_DB_STANDING, k, 8, "short", 5);
}

static void
modlog_not_json(MDB_txn *txn)
{
    unsigned char  k[8];

    be64(k, 77);
    put(txn, NEWS_DB_MODLOG, k, 8, "12345678[]", 10);
}

static void
report_odd(MDB_txn *txn)
{
    put(txn, NEWS_DB_REPORTS, "zz", 2, "", 0);
}


static const struct {
    const char  *name;
    void       (*damage)(MDB_txn *txn);
    const char  *expect;
} damages[] = {
    { "a schema version of 2 bytes", schema_size,
      "meta: \"schema\" holds 2 bytes, not 4" },
    { "a modified mark of 3 bytes", modified_size,
      "meta: \"modified\" holds 3 bytes, not 8" },
    { "a comment id mark of 4 bytes", id_mark_size,
      "\"comment_id\" holds 4 bytes, not 8" },
    { "an article key of 3 bytes", article_key_size,
      "articles: a key of 3 bytes" },
    { "an article record under another id", article_id_other,
      "article 9999: its record says id" },
    { "an article's slug naming another article", article_slug_other,
      "its slug \"check\" names" },
    { "a slug value of 3 bytes", slug_value_size,
      "slugs: \"odd\": a value of 3 bytes" },
    { "a former slug that is its article's current one",
      former_slug_current, "current" },
    { "a times key of 3 bytes", time_key_size, "times: a key of 3 bytes" },
    { "a times entry of no article", time_orphan, "no article 9999" },
    { "a topics key of no kind", topic_kind,
      "topics: \"xabc\": not a topics key" },
    { "a draft in a section's index", topic_of_draft,
      "is not a published article" },
    { "a fragment of an unknown kind", page_key_kind,
      "pages: a key of 9 bytes, kind 0x5a" },
    { "a fragment that does not parse", page_unparsed,
      "does not parse" },
    { "a record left in comments", comment_key_size,
      "comments: a comment record left in comments, not in pages" },
    { "a comment record cut short", comment_cut, "do not load" },
    { "a comment status out of range", status_out_of_range,
      "has status 9" },
    { "a top comment of depth 2", top_depth_wrong, "has depth 2" },
    { "a cindex key of 3 bytes", cindex_size,
      "cindex: a key of 3 bytes, a value of 1" },
    { "a pending key of 3 bytes", pending_size,
      "pending: a key of 3 bytes, a value of 1" },
    { "a queued comment that is not there", pending_orphan,
      "the queue holds comment 7777, which is not a pending comment" },
    { "a thread key of 3 bytes", thread_size,
      "threads: a key of 3 bytes, a value of 0" },
    { "a revision key of 3 bytes", revision_key_size,
      "revisions: a key of 3 bytes" },
    { "a revision that is not an object", revision_not_object,
      "version 1: not a JSON object" },
    { "an account key of 3 bytes", user_key_size,
      "users: a key of 3 bytes" },
    { "an account record that does not parse", user_corrupt,
      "a corrupt record" },
    { "a name's value of 3 bytes", name_value_size,
      "names: \"carol\": a value of 3 bytes" },
    { "a session key of no kind", session_key_kind,
      "a key 'z' of 4 bytes, a value of 1" },
    { "a current slug deleted", slug_gone, "is not in slugs" },
    { "a slug naming another article", slug_wrong,
      "slugs: \"intruder\" names article" },
    { "a former slug of a deleted article", former_slug_orphan,
      "slugs: former slug \"gone\" names article 999, which does not exist" },
    { "a published article left out of times", time_gone,
      "published but not in times" },
    { "a draft in times", time_of_draft, "is a draft" },
    { "an article left out of its section's index", topic_gone,
      "not in the topics index of section \"World\"" },
    { "a topic entry of a deleted article", topic_orphan,
      "topics: \"tstale\\x00" },
    { "a tag's name deleted", topic_name_gone,
      "tag \"Politics\" has no name in topics" },
    { "a tag's name of another slug", topic_name_wrong,
      "the name \"Sport\" is another slug's" },
    { "a fragment deleted", fragment_gone, "fragment 'P' is missing" },
    { "fragments older than the record", fragment_stale,
      "fragment 'P' is version" },
    { "a fragment of a deleted article", fragment_orphan,
      "pages: fragment 'T' of article 999, which does not exist" },
    { "a comment page deleted", comment_page_gone,
      "comment pages stored, the comments fill 2" },
    { "a comment page past the last", comment_page_extra,
      "comment page 9 is stored" },
    { "a wrong comment count", count_wrong, "comment_count 3, but" },
    { "a comment left out of cindex", cindex_gone,
      "cindex does not lead to it" },
    { "cindex naming a missing comment", cindex_orphan,
      "cindex: comment 5000 (article" },
    { "cindex naming another comment", cindex_crossed,
      "leads to comment" },
    { "a comment of a deleted article", comment_orphan,
      "of article 999, which does not exist" },
    { "a reply whose parent is gone", parent_gone,
      "not a comment of this article" },
    { "a reply of the wrong depth", depth_wrong, "has depth 1, its parent" },
    { "a public JSON that disagrees with the view", public_json_wrong,
      "its public JSON does not say what its record says" },
    { "a status byte that disagrees with the record", status_byte_wrong,
      "its record says" },
    { "a revision of a deleted article", revision_orphan,
      "revisions: article 999 version 1: no such article" },
    { "a revision newer than its article", revision_future,
      "version 50: not older" },
    { "an account's name deleted", name_gone,
      "\"bob\": names does not lead to it" },
    { "a name of a deleted account", name_orphan,
      "names: \"ghost\" names account 999, which does not exist" },
    { "a name naming another account", name_crossed,
      "names: \"bob\" names account" },
    { "a session of a deleted account", user_gone,
      "sessions: a session of account" },
    { "a session without its expiry key", session_expiry_gone,
      "has no expiry key" },
    { "a session without its user key", session_user_key_gone,
      "has no user key" },
    { "index keys without their session", session_index_orphan,
      "without its session" },
    { "a comment left out of the author index", author_entry_gone,
      "is not under its author" },
    { "the author index naming a missing comment", author_orphan,
      "which is not at the key it gives" },
    { "the author index naming another's comment", author_crossed,
      "whose author is" },
    { "a live account marked deleted", author_mark_live,
      "is marked deleted but exists" },
    { "the schema version deleted", schema_gone, "meta: no schema version" },
    { "an article id counter behind the articles", article_id_behind,
      "meta: \"article_id\" is 1, below article 3" },
    { "a record that does not parse", record_corrupt, "articles: article" },
    { "an old address record too short", old_address_short,
      "an old address record of 5 bytes holding 0" },
    { "a reply left out of its thread's index", reply_thread_gone,
      "is not in thread" },
    { "an author index key of another kind", author_key_odd,
      "authors: a key of 9 bytes, a value of 1" },
    { "a word not folded", word_unfolded, "not a folded word on a list" },
    { "a word on no list", word_no_list, "plain: not a folded word" },
    { "a standing too short", standing_short, "an entry of 8 and 5 bytes" },
    { "a log entry that is not JSON", modlog_not_json,
      "an entry of 8 and 10 bytes that is not one" },
    { "a report entry of no kind", report_odd,
      "an entry of 2 and 0 bytes that is not one" },
};


static void
test_clean(void)
{
    char        *s;
    size_t       n;
    MDB_txn     *txn;
    news_err_t   err;

    news_store_read(&st, &txn, &err);
    s = check(txn, &n);
    news_store_read_done(&st);

    is_int((long long) n, 0, "a store with every kind of record checks clean");

    if (n) {
        printf("# %s", s);
    }

    free(s);
}


static void
test_damages(void)
{
    char        *s;
    size_t       i, n;
    MDB_txn     *txn;
    news_err_t   err;

    for (i = 0; i < sizeof(damages) / sizeof(damages[0]); i++) {
        if (news_store_write(&st, &txn, &err) != NEWS_OK) {
            ok(0, "%s: a write txn", damages[i].name);
            continue;
        }

        damages[i].damage(txn);
        s = check(txn, &n);
        mdb_txn_abort(txn);

        if (!ok(n > 0 && n != (size_t) -1 && strstr(s, damages[i].expect),
                "detected: %s", damages[i].name))
        {
            printf("#   expected a line with: %s\n#   got:\n# %s\n",
                   damages[i].expect, s);
        }

        free(s);
    }
}


/* past NEWS_CHECK_LINES violations, lines stop and the count goes on */
static void
test_many(void)
{
    char           *s, *p, name[16];
    size_t          i, n, lines;
    MDB_txn        *txn;
    news_err_t      err;
    unsigned char   v[8];

    if (news_store_write(&st, &txn, &err) != NEWS_OK) {
        ok(0, "a write txn");
        return;
    }

    be64(v, 999);

    for (i = 0; i < NEWS_CHECK_LINES + 100; i++) {
        snprintf(name, sizeof(name), "ghost%zu", i);
        put(txn, NEWS_DB_NAMES, name, strlen(name), v, 8);
    }

    s = check(txn, &n);
    mdb_txn_abort(txn);

    for (lines = 0, p = s; (p = strchr(p, '\n')) != NULL; p++) {
        lines++;
    }

    is_int((long long) n, NEWS_CHECK_LINES + 100,
           "1100 violations are all counted");
    is_int((long long) lines, NEWS_CHECK_LINES,
           "only the first 1000 are written");
    free(s);
}


int
main(void)
{
    int         i;
    char        cmd[256], body[32];
    uint64_t    id;
    news_err_t  err;

    if (mkdtemp(dir) == NULL
        || news_store_open(&st, dir, 64 * 1024 * 1024, &err) != NEWS_OK)
    {
        ok(0, "open a store");
        return done_testing();
    }

    ok(save("{\"title\":\"Check\",\"body\":\"b\",\"section\":\"World\","
            "\"tags\":[\"Politics\",\"EU\"],"
            "\"published_at\":\"1970-01-01T00:16:40Z\"}", 0, &art, 1000)
       == NEWS_OK, "an article in a section with tags");
    ok(save("{\"title\":\"Draft\",\"body\":\"b\",\"status\":\"draft\"}", 0,
            &draft, 1000) == NEWS_OK, "a draft");
    ok(save("{\"title\":\"First name\",\"body\":\"b\"}", 0, &renamed, 1000)
       == NEWS_OK, "an article to rename");
    ok(save("{\"title\":\"x\",\"slug\":\"renamed\",\"body\":\"c\"}", renamed,
            &id, 1100) == NEWS_OK
       && save("{\"title\":\"x\",\"slug\":\"renamed-again\",\"body\":\"d\"}",
               renamed, &id, 1200) == NEWS_OK,
       "renamed twice: two former slugs, two revisions");

    ok(add_user("Alice", &user1) == NEWS_OK && add_user("bob", &user2)
       == NEWS_OK, "two accounts with a session each");

    ok(post(art, 0, "top", &top) == NEWS_OK
       && post(art, top, "reply", &reply) == NEWS_OK
       && post(art, reply, "deeper", &deep) == NEWS_OK,
       "a thread three deep");

    for (i = 0; i <= NEWS_COMMENTS_PAGE; i++) {
        snprintf(body, sizeof(body), "comment %d", i);
        if (post(art, 0, body, &id) != NEWS_OK) {
            break;
        }
    }

    ok(i == NEWS_COMMENTS_PAGE + 1 && hide(id) == NEWS_OK,
       "two pages of comments, one hidden");

    test_clean();
    test_damages();
    test_many();
    test_clean();

    news_store_close(&st);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    (void) system(cmd);

    return done_testing();
}
