/*
 * Word lists (words.h): the stored lists, their changes, and the
 * compiled form a comment is screened against.
 */

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text.h"
#include "tokenize.h"
#include "words.h"


/* where a stored word may have more letters (its stars) */
enum {
    NEWS_WORD_EXACT = 0,        /* "word" */
    NEWS_WORD_PREFIX,           /* "word*": the text's word begins so */
    NEWS_WORD_SUFFIX,           /* "*word": ends so */
    NEWS_WORD_INFIX,            /* "*word*": holds it */
    NEWS_WORD_KINDS
};


typedef struct {
    const char  *word;          /* in the arena; NULL: an empty slot */
    uint8_t      len;
    uint8_t      kind;          /* NEWS_WORD_* */
    uint8_t      list;          /* NEWS_WORDS_SUSPECT or _BANNED */
} news_word_slot_t;


/* the lists compiled: one open-addressing table of every word */
typedef struct {
    uint64_t           version;
    size_t             mask;            /* slots - 1, a power of 2 less 1 */
    news_word_slot_t  *slots;
    char              *arena;
    uint64_t           lens[NEWS_WORD_KINDS];   /* bit l-1: a word of l */
} news_words_t;


static int news_words_put(news_store_t *st, MDB_txn *txn, int list,
    const char *s, size_t n, news_err_t *err);
static int news_words_meta(news_store_t *st, MDB_txn *txn, uint64_t *version,
    uint32_t counts[2], news_err_t *err);
static int news_words_meta_put(news_store_t *st, MDB_txn *txn,
    const uint32_t counts[2], news_err_t *err);
static int news_words_compile(news_store_t *st, MDB_txn *txn,
    uint64_t version, news_err_t *err);
static int news_words_compile_one(void *arg, int list, const char *w,
    size_t n);
static void news_words_table_put(news_words_t *wl, int kind, int list,
    const char *w, size_t n);
static int news_words_lookup(const news_words_t *wl, int kind, const char *w,
    size_t n);
static int news_words_match(const news_words_t *wl, const char *w, size_t n);
static int news_words_json_one(void *arg, int list, const char *w,
    size_t n);
static uint64_t news_words_clock(void);


static const char  *news_words_names[] = { NULL, "suspect", "banned" };


int
news_words_list_parse(const char *s, size_t n)
{
    int  i;

    for (i = NEWS_WORDS_SUSPECT; i <= NEWS_WORDS_BANNED; i++) {
        if (strlen(news_words_names[i]) == n
            && memcmp(news_words_names[i], s, n) == 0)
        {
            return i;
        }
    }

    return -1;
}


const char *
news_words_list_name(int list)
{
    return (list == NEWS_WORDS_SUSPECT || list == NEWS_WORDS_BANNED)
           ? news_words_names[list] : "unknown";
}


/* ---- a word as typed ---------------------------------------------------- */


int
news_word_fold(const char *s, size_t n, char *out, size_t *len,
    news_err_t *err)
{
    int            lead, trail;
    news_tokens_t  tk;

    if (n == 0 || n > NEWS_WORD_TYPED || !news_utf8_valid(s, n)) {
        return news_err_set(err, NEWS_INVALID, "a word is 1 to %d bytes of "
                            "UTF-8", NEWS_WORD_TYPED);
    }

    lead = s[0] == '*';
    trail = n > 1 && s[n - 1] == '*';

    news_tokens_init(&tk, s + lead, n - lead - trail);
    tk.unstemmed = 1;

    /* the word between the stars is one word, all of it */
    if (!news_tokens_next(&tk) || tk.start != 0
        || tk.end != n - lead - trail || news_tokens_next(&tk))
    {
        return news_err_set(err, NEWS_INVALID, "a word is one word of "
                            "letters and digits (at most %d bytes once "
                            "folded), with a * at either end or none",
                            NEWS_WORD_MAX);
    }

    news_tokens_init(&tk, s + lead, n - lead - trail);
    tk.unstemmed = 1;
    (void) news_tokens_next(&tk);

    *len = 0;

    if (lead) {
        out[(*len)++] = '*';
    }

    memcpy(out + *len, tk.term, tk.term_len);
    *len += tk.term_len;

    if (trail) {
        out[(*len)++] = '*';
    }

    out[*len] = '\0';

    return NEWS_OK;
}


/* ---- the stored lists --------------------------------------------------- */


/* the word onto `list` (off the other one), or off its list (list 0) */
static int
news_words_put(news_store_t *st, MDB_txn *txn, int list, const char *s,
    size_t n, news_err_t *err)
{
    int            rc;
    size_t         len;
    MDB_val        key, val;
    uint64_t       version;
    uint32_t       counts[2];
    unsigned char  was, is;
    char           w[NEWS_WORD_MAX + 3];

    if (news_word_fold(s, n, w, &len, err) != NEWS_OK
        || news_words_meta(st, txn, &version, counts, err) != NEWS_OK)
    {
        return err->code;
    }

    key.mv_data = w;
    key.mv_size = len;

    rc = mdb_get(txn, st->dbi[NEWS_DB_WORDS], &key, &val);
    if (rc != 0 && rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "reading a word list");
    }

    was = (rc == 0 && val.mv_size == 1) ? *(unsigned char *) val.mv_data : 0;

    if (rc == MDB_NOTFOUND && list == 0) {
        return news_err_set(err, NEWS_NOTFOUND, "the word is on no list");
    }

    if (was == list) {
        return NEWS_OK;
    }

    if (list && counts[list - 1] >= NEWS_WORDS_MAX) {
        return news_err_set(err, NEWS_INVALID, "a list holds at most %d "
                            "words", NEWS_WORDS_MAX);
    }

    is = (unsigned char) list;
    val.mv_data = &is;
    val.mv_size = 1;

    rc = list ? mdb_put(txn, st->dbi[NEWS_DB_WORDS], &key, &val, 0)
              : mdb_del(txn, st->dbi[NEWS_DB_WORDS], &key, NULL);
    if (rc != 0) {
        return news_store_fail(err, rc, "writing a word list");
    }

    if (list) {
        counts[list - 1]++;
    }

    if ((was == NEWS_WORDS_SUSPECT || was == NEWS_WORDS_BANNED)
        && counts[was - 1] > 0)
    {
        counts[was - 1]--;
    }

    return news_words_meta_put(st, txn, counts, err);
}


int
news_words_clear(news_store_t *st, MDB_txn *txn, news_err_t *err)
{
    int       rc;
    uint32_t  counts[2] = { 0, 0 };

    rc = mdb_drop(txn, st->dbi[NEWS_DB_WORDS], 0);
    if (rc != 0) {
        return news_store_fail(err, rc, "emptying the word lists");
    }

    return news_words_meta_put(st, txn, counts, err);
}


int
news_words_apply(news_store_t *st, MDB_txn *txn, int replace,
    const news_word_op_t *ops, size_t n, news_err_t *err)
{
    int     rc;
    size_t  i;
    char    why[sizeof(err->msg)];

    if (replace && news_words_clear(st, txn, err) != NEWS_OK) {
        return err->code;
    }

    for (i = 0; i < n; i++) {
        rc = news_words_put(st, txn, ops[i].list, ops[i].word, ops[i].len,
                            err);
        if (rc != NEWS_OK) {
            memcpy(why, err->msg, sizeof(why));
            return news_err_set(err, rc, "word %zu: %s", i + 1, why);
        }
    }

    return NEWS_OK;
}


int
news_words_each(news_store_t *st, MDB_txn *txn, news_words_each_pt each,
    void *arg, news_err_t *err)
{
    int           rc;
    MDB_val       key, val;
    MDB_cursor   *cur;
    MDB_cursor_op op;

    rc = mdb_cursor_open(txn, st->dbi[NEWS_DB_WORDS], &cur);
    if (rc != 0) {
        return news_store_fail(err, rc, "reading the word lists");
    }

    for (op = MDB_FIRST; (rc = mdb_cursor_get(cur, &key, &val, op)) == 0;
         op = MDB_NEXT)
    {
        if (val.mv_size != 1 || key.mv_size > NEWS_WORD_MAX + 2) {
            continue;           /* not ours: newsctl check says so */
        }

        if (each(arg, *(unsigned char *) val.mv_data, key.mv_data,
                 key.mv_size)
            != 0)
        {
            rc = MDB_NOTFOUND;
            break;
        }
    }

    mdb_cursor_close(cur);

    if (rc != MDB_NOTFOUND) {
        return news_store_fail(err, rc, "reading the word lists");
    }

    return NEWS_OK;
}


typedef struct {
    news_buf_t  *b;
    int          list;
    int          n;
} news_words_json_t;


int
news_words_json(news_store_t *st, MDB_txn *txn, news_buf_t *b,
    news_err_t *err)
{
    news_words_json_t  j;

    j.b = b;

    for (j.list = NEWS_WORDS_BANNED; j.list >= NEWS_WORDS_SUSPECT; j.list--)
    {
        j.n = 0;
        news_buf_addf(b, "%s\"%s\":[", j.list == NEWS_WORDS_BANNED ? "{" : ",",
                      news_words_names[j.list]);

        if (news_words_each(st, txn, news_words_json_one, &j, err)
            != NEWS_OK)
        {
            return err->code;
        }

        news_buf_addc(b, ']');
    }

    news_buf_addl(b, "}\n");

    return NEWS_OK;
}


static int
news_words_json_one(void *arg, int list, const char *w, size_t n)
{
    news_words_json_t  *j = arg;

    if (list != j->list) {
        return 0;
    }

    if (j->n++) {
        news_buf_addc(j->b, ',');
    }

    news_json_string(j->b, w, n);

    return 0;
}


/* the version and counts; a store without lists has version 0 */
static int
news_words_meta(news_store_t *st, MDB_txn *txn, uint64_t *version,
    uint32_t counts[2], news_err_t *err)
{
    int      rc;
    MDB_val  key, val;

    key.mv_data = "words";
    key.mv_size = 5;

    rc = mdb_get(txn, st->dbi[NEWS_DB_META], &key, &val);
    if (rc == MDB_NOTFOUND || (rc == 0 && val.mv_size != 16)) {
        *version = 0;
        counts[0] = counts[1] = 0;
        return NEWS_OK;
    }

    if (rc != 0) {
        return news_store_fail(err, rc, "reading the word lists' version");
    }

    *version = news_be64_get(val.mv_data);
    counts[0] = news_be32_get((unsigned char *) val.mv_data + 8);
    counts[1] = news_be32_get((unsigned char *) val.mv_data + 12);

    return NEWS_OK;
}


/* a change: the version moves (every worker's compiled lists are old) */
static int
news_words_meta_put(news_store_t *st, MDB_txn *txn, const uint32_t counts[2],
    news_err_t *err)
{
    int            rc;
    MDB_val        key, val;
    uint64_t       version;
    uint64_t       now;
    uint32_t       old[2];
    unsigned char  v[16];

    if (news_words_meta(st, txn, &version, old, err) != NEWS_OK) {
        return err->code;
    }

    /*
     * A version no earlier state had, even one a failed commit took
     * back (a counter could come round to it again with other words)
     */
    now = news_words_clock();
    news_be64_put(v, now > version ? now : version + 1);
    news_be32_put(v + 8, counts[0]);
    news_be32_put(v + 12, counts[1]);

    key.mv_data = "words";
    key.mv_size = 5;
    val.mv_data = v;
    val.mv_size = sizeof(v);

    rc = mdb_put(txn, st->dbi[NEWS_DB_META], &key, &val, 0);
    if (rc != 0) {
        return news_store_fail(err, rc, "writing the word lists' version");
    }

    return NEWS_OK;
}


static uint64_t
news_words_clock(void)
{
    struct timespec  ts;

    (void) clock_gettime(CLOCK_REALTIME, &ts);

    return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}


/* ---- screening ---------------------------------------------------------- */


int
news_words_screen(news_store_t *st, MDB_txn *txn, const char *text, size_t n,
    int *verdict, news_err_t *err)
{
    int             hit;
    uint32_t        counts[2];
    uint64_t        version;
    news_words_t   *wl;
    news_tokens_t   tk;

    *verdict = NEWS_WORDS_NONE;

    if (news_words_meta(st, txn, &version, counts, err) != NEWS_OK) {
        return err->code;
    }

    if (counts[0] == 0 && counts[1] == 0) {
        return NEWS_OK;
    }

    wl = st->words;

    if ((wl == NULL || wl->version != version)
        && news_words_compile(st, txn, version, err) != NEWS_OK)
    {
        return err->code;
    }

    wl = st->words;

    news_tokens_init(&tk, text, n);
    tk.unstemmed = 1;

    while (news_tokens_next(&tk)) {
        hit = news_words_match(wl, tk.term, tk.term_len);

        if (hit > *verdict) {
            *verdict = hit;
        }

        if (hit == NEWS_WORDS_BANNED) {
            break;
        }
    }

    return NEWS_OK;
}


void
news_words_free(news_store_t *st)
{
    news_words_t  *wl = st->words;

    if (wl == NULL) {
        return;
    }

    free(wl->slots);
    free(wl->arena);
    free(wl);
    st->words = NULL;
}


/* the worse list a word of the text is on: exact, then by its stars */
static int
news_words_match(const news_words_t *wl, const char *w, size_t n)
{
    int     hit, best;
    size_t  l, i;

    best = news_words_lookup(wl, NEWS_WORD_EXACT, w, n);

    for (l = 1; l <= n && best != NEWS_WORDS_BANNED; l++) {

        if (wl->lens[NEWS_WORD_PREFIX] & (1ULL << (l - 1))) {
            hit = news_words_lookup(wl, NEWS_WORD_PREFIX, w, l);
            best = hit > best ? hit : best;
        }

        if (wl->lens[NEWS_WORD_SUFFIX] & (1ULL << (l - 1))) {
            hit = news_words_lookup(wl, NEWS_WORD_SUFFIX, w + n - l, l);
            best = hit > best ? hit : best;
        }

        if (!(wl->lens[NEWS_WORD_INFIX] & (1ULL << (l - 1)))) {
            continue;
        }

        for (i = 0; i + l <= n; i++) {
            hit = news_words_lookup(wl, NEWS_WORD_INFIX, w + i, l);
            best = hit > best ? hit : best;
        }
    }

    return best;
}


static uint32_t
news_words_hash(int kind, const char *w, size_t n)
{
    size_t    i;
    uint32_t  h;

    h = 2166136261u ^ (uint32_t) kind;                  /* FNV-1a */

    for (i = 0; i < n; i++) {
        h = (h ^ (uint8_t) w[i]) * 16777619u;
    }

    return h;
}


static int
news_words_lookup(const news_words_t *wl, int kind, const char *w, size_t n)
{
    size_t                   i;
    const news_word_slot_t  *s;

    for (i = news_words_hash(kind, w, n) & wl->mask; /* void */;
         i = (i + 1) & wl->mask)
    {
        s = &wl->slots[i];

        if (s->word == NULL) {
            return NEWS_WORDS_NONE;
        }

        if (s->kind == kind && s->len == n && memcmp(s->word, w, n) == 0) {
            return s->list;
        }
    }
}


/* the compile's state: the table, and where the next word's bytes go */
typedef struct {
    news_words_t  *wl;
    size_t         used;
} news_words_build_t;


/*
 * Builds the table from the stored words: at most 2 x NEWS_WORDS_MAX,
 * in a table at most half full, so that a miss ends soon.
 */
static int
news_words_compile(news_store_t *st, MDB_txn *txn, uint64_t version,
    news_err_t *err)
{
    size_t              slots;
    news_words_t       *wl;
    news_words_build_t  bd;

    news_words_free(st);

    for (slots = 64; slots < 4 * NEWS_WORDS_MAX; slots *= 2) {
        /* void */
    }

    wl = calloc(1, sizeof(news_words_t));
    if (wl != NULL) {
        wl->slots = calloc(slots, sizeof(news_word_slot_t));
        wl->arena = malloc(2 * NEWS_WORDS_MAX * (NEWS_WORD_MAX + 2));
    }

    if (wl == NULL || wl->slots == NULL || wl->arena == NULL) {
        if (wl != NULL) {
            free(wl->slots);
            free(wl->arena);
            free(wl);
        }

        return news_err_set(err, NEWS_ERROR, "no memory for the word lists");
    }

    wl->mask = slots - 1;
    wl->version = version;

    bd.wl = wl;
    bd.used = 0;
    st->words = wl;

    if (news_words_each(st, txn, news_words_compile_one, &bd, err)
        != NEWS_OK)
    {
        news_words_free(st);
        return err->code;
    }

    return NEWS_OK;
}


static int
news_words_compile_one(void *arg, int list, const char *w, size_t n)
{
    news_words_build_t  *bd = arg;

    int     kind;
    size_t  lead, trail;

    if ((list != NEWS_WORDS_SUSPECT && list != NEWS_WORDS_BANNED)
        || bd->used + n > 2 * NEWS_WORDS_MAX * (NEWS_WORD_MAX + 2))
    {
        return 0;
    }

    lead = n > 0 && w[0] == '*';
    trail = n > lead && w[n - 1] == '*';

    if (n - lead - trail == 0 || n - lead - trail > NEWS_WORD_MAX) {
        return 0;
    }

    kind = lead ? (trail ? NEWS_WORD_INFIX : NEWS_WORD_SUFFIX)
                : (trail ? NEWS_WORD_PREFIX : NEWS_WORD_EXACT);

    memcpy(bd->wl->arena + bd->used, w + lead, n - lead - trail);
    news_words_table_put(bd->wl, kind, list, bd->wl->arena + bd->used,
                         n - lead - trail);
    bd->used += n - lead - trail;

    return 0;
}


static void
news_words_table_put(news_words_t *wl, int kind, int list, const char *w,
    size_t n)
{
    size_t             i;
    news_word_slot_t  *s;

    for (i = news_words_hash(kind, w, n) & wl->mask; /* void */;
         i = (i + 1) & wl->mask)
    {
        s = &wl->slots[i];

        if (s->word == NULL) {
            break;
        }

        /*
         * not reached while the table is built from the store: each word
         * is a key there, once; kept so that the table never holds a
         * word twice whatever feeds it
         */
        if (s->kind == kind && s->len == n && memcmp(s->word, w, n) == 0) {
            if (list > s->list) {
                s->list = (uint8_t) list;
            }

            return;
        }
    }

    s->word = w;
    s->len = (uint8_t) n;
    s->kind = (uint8_t) kind;
    s->list = (uint8_t) list;
    wl->lens[kind] |= 1ULL << (n - 1);
}
