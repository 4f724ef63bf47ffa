/*
 * newsctl's accounts and moderation: user add, list, set-role and
 * delete (its comments disowned a batch a transaction), the word lists,
 * the moderation log.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "newsctl.h"
#include "community.h"
#include "text.h"
#include "users.h"
#include "words.h"


/* one of the store's walks, printing what it meets (newsctl_list) */
typedef int (*newsctl_list_pt)(news_store_t *st, MDB_txn *txn,
    news_err_t *err);


static int newsctl_disown(newsctl_t *ctl);
static int newsctl_user_options(int argc, char **argv, int *role,
    news_argon2_t *cost);
static int newsctl_user_add(newsctl_t *ctl, const char *name, int role,
    const news_argon2_t *cost);
static int newsctl_user_print(const news_user_t *u, void *data);
static int newsctl_word_print(void *arg, int list, const char *w, size_t n);
static int newsctl_modlog_list(news_store_t *st, MDB_txn *txn,
    news_err_t *err);
static int newsctl_modlog_print(void *arg, uint64_t id, int64_t at,
    const char *json, size_t n);
static int newsctl_users_list(news_store_t *st, MDB_txn *txn,
    news_err_t *err);
static int newsctl_words_list(news_store_t *st, MDB_txn *txn,
    news_err_t *err);
static int newsctl_list(newsctl_t *ctl, newsctl_list_pt list);


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


int
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
int
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


/* newsctl modlog: every entry of the moderation log, newest first */
int
newsctl_modlog(newsctl_t *ctl)
{
    return newsctl_list(ctl, newsctl_modlog_list);
}


static int
newsctl_modlog_list(news_store_t *st, MDB_txn *txn, news_err_t *err)
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
