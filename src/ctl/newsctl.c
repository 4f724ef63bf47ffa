/*
 * newsctl: the operator's tool.  It links the engine, not nginx, and
 * works while nginx runs: LMDB serialises writers, and imports commit in
 * bounded batches so that workers' writes never wait long behind one.
 * This file reads the command line and hands each command to its family
 * (newsctl.h lists them).
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "newsctl.h"
#include "search.h"




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

        } else if (strcmp(argv[i], "--keep-free") == 0) {
            ctl.keep_free = 1;

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
        return rc ? rc : newsctl_modlog(&ctl);
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

    if (strcmp(argv[i], "compact") == 0 && i + 1 == argc) {
        rc = newsctl_open(&ctl);
        return rc ? rc : newsctl_shrink(&ctl, 1);
    }

    if (strcmp(argv[i], "restore") == 0 && i + 2 == argc) {
        return newsctl_restore(&ctl, argv[i + 1]);
    }

    return newsctl_usage();
}


int
newsctl_usage(void)
{
    fprintf(stderr,
            "usage: newsctl --db DIR [--size BYTES] [--keep-free] COMMAND\n"
            "  --keep-free      an import or reindex leaves the free pages "
            "it makes in\n"
            "                   the file (compact them out later, once)\n"
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
            "  compact          write the store's file anew without its "
            "free pages\n"
            "                   (nginx stopped: refused while another "
            "process has it open)\n"
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


int
newsctl_open(newsctl_t *ctl)
{
    int          rc, owner;
    char         path[4096];
    gid_t        root_gid;
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

    /* files an older newsctl left root's, then new ones made the owner's */
    newsctl_own_files(ctl->db);
    owner = newsctl_become_owner(ctl->db, &root_gid);

    rc = news_store_open(&ctl->store, ctl->db, ctl->mapsize, &err);

    if (owner) {
        newsctl_become_root(root_gid);
    }

    if (rc != NEWS_OK) {
        fprintf(stderr, "newsctl: %s\n", err.msg);
        return 1;
    }

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
void
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

        /* the directory is the worker user's, who could have put a link
         * to any file there: the link itself is handed over, never what
         * it points to.  Root may chown any file: only a read-only or
         * foreign file system refuses, which no test has */
        if (lchown(path, st.st_uid, st.st_gid) != 0 && errno != ENOENT) {
            fprintf(stderr, "newsctl: chown \"%s\": %s\n", path,
                    strerror(errno));
        }
    }
}


/*
 * Run as root on the directory nginx made for its workers, newsctl makes
 * the store's files as the directory's owner: a worker opens the store as
 * soon as it starts, and would be refused files root made, in the moment
 * before they could be handed over.  Whether the identity changed; the
 * group to go back to in *gid.
 */
int
newsctl_become_owner(const char *db, gid_t *gid)
{
    struct stat  st;

    *gid = getegid();

    if (geteuid() != 0 || stat(db, &st) != 0 || st.st_uid == 0) {
        return 0;
    }

    if (setegid(st.st_gid) != 0) {
        return 0;
    }

    if (seteuid(st.st_uid) != 0) {
        (void) setegid(*gid);
        return 0;
    }

    return 1;
}


void
newsctl_become_root(gid_t gid)
{
    /* root's own ids, which the kernel never refuses back to it */
    if (seteuid(0) != 0 || setegid(gid) != 0) {
        fprintf(stderr, "newsctl: back to root: %s\n", strerror(errno));
    }
}


/*
 * An import's last steps: the search postings written again into full
 * pages (news_search_bulk_compact), then the file without the free pages
 * that leaves, if newsctl has the store to itself (newsctl_shrink).  The
 * articles are in and the index whole whatever they say, so a failure is
 * only told.  The store is closed on return.
 */
void
newsctl_compact(newsctl_t *ctl)
{
    news_err_t  err;

    if (news_search_bulk_compact(&ctl->store, &err) != NEWS_OK) {
        fprintf(stderr, "newsctl: the search index was left as written "
                "(its pages not filled again): %s\n", err.msg);
    }

    (void) newsctl_shrink(ctl, 0);
}


void
newsctl_summary(const char *what, const news_import_stats_t *s)
{
    printf("%s: %zu article%s, %zu comment%s, %zu held for moderation, "
           "%zu spam and %zu trashed dropped, %zu skipped, %zu unmatched\n",
           what, s->articles, s->articles == 1 ? "" : "s", s->comments,
           s->comments == 1 ? "" : "s", s->held, s->spam, s->trash,
           s->skipped, s->unmatched);
}
