/*
 * The SQLite FTS5 side of the search benchmark (bench/run): the same
 * articles, the same queries, answered by Debian's SQLite in process.
 *
 *   fts5 build DB FILE...      index the articles of bench/gen-articles'
 *                              JSON files (and the seed's) in a contentless
 *                              FTS5 table, so that the file is the index
 *   fts5 query DB QUERIES SECONDS
 *                              answers each query of QUERIES (one a line,
 *                              our query language's words and "phrases"),
 *                              top 10 by bm25() with our field weights;
 *                              prints each query's top 10 ids, one line a
 *                              query, then "qps N": the list asked in turn
 *                              for SECONDS
 *
 * The tokenizer is unicode61 remove_diacritics 2 with porter stemming
 * before it, the nearest FTS5 has to ours (NFKC, case fold, accents,
 * Snowball English); the columns' bm25() weights are ours: title 5,
 * subtitle 3, section 3, tags 3, body 1.  Article bench-N is row N + 1,
 * and its slug again in the answers; articles with other slugs (the seed)
 * are left out.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <sqlite3.h>


#define FTS5_QUERIES_MAX  4096


static int fts5_build(const char *db, int argc, char **argv);
static int fts5_query(const char *db, const char *queries, double seconds);
static char *fts5_slurp(const char *path);
static void fts5_match(const char *q, char *out, size_t cap);
static double fts5_now(void);


int
main(int argc, char **argv)
{
    if (argc >= 4 && strcmp(argv[1], "build") == 0) {
        return fts5_build(argv[2], argc - 3, argv + 3);
    }

    if (argc == 5 && strcmp(argv[1], "query") == 0) {
        return fts5_query(argv[2], argv[3], atof(argv[4]));
    }

    fprintf(stderr, "usage: fts5 build DB FILE... | fts5 query DB QUERIES "
            "SECONDS\n");
    return 2;
}


static int
fts5_build(const char *db, int argc, char **argv)
{
    int            i, n, rc;
    char          *text, *tags;
    size_t         len;
    cJSON         *all, *a, *t;
    sqlite3       *h;
    sqlite3_stmt  *ins;

    if (sqlite3_open(db, &h) != SQLITE_OK) {
        fprintf(stderr, "fts5: %s: %s\n", db, sqlite3_errmsg(h));
        return 1;
    }

    rc = sqlite3_exec(h, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"
                      "CREATE VIRTUAL TABLE docs USING fts5(title, subtitle,"
                      " section, tags, body, content='',"
                      " tokenize='porter unicode61 remove_diacritics 2');"
                      "BEGIN", NULL, NULL, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_prepare_v2(h, "INSERT INTO docs(rowid, title, subtitle,"
                                " section, tags, body) VALUES (?,?,?,?,?,?)",
                                -1, &ins, NULL);
    }

    if (rc != SQLITE_OK) {
        fprintf(stderr, "fts5: %s\n", sqlite3_errmsg(h));
        return 1;
    }

    for (i = 0; i < argc; i++) {
        text = fts5_slurp(argv[i]);
        all = text ? cJSON_Parse(text) : NULL;
        free(text);

        if (!cJSON_IsArray(all)) {
            fprintf(stderr, "fts5: %s: not a JSON array\n", argv[i]);
            return 1;
        }

        cJSON_ArrayForEach(a, all) {
            t = cJSON_GetObjectItem(a, "slug");
            if (!cJSON_IsString(t) || sscanf(t->valuestring, "bench-%d", &n)
                                      != 1)
            {
                continue;
            }

            len = 1;
            tags = malloc(1);
            tags[0] = '\0';

            cJSON_ArrayForEach(t, cJSON_GetObjectItem(a, "tags")) {
                len += strlen(t->valuestring) + 1;
                tags = realloc(tags, len);
                strcat(strcat(tags, t->valuestring), " ");
            }

            sqlite3_bind_int64(ins, 1, (sqlite3_int64) n + 1);
            sqlite3_bind_text(ins, 2, cJSON_GetStringValue(
                              cJSON_GetObjectItem(a, "title")), -1, NULL);
            sqlite3_bind_text(ins, 3, cJSON_GetStringValue(
                              cJSON_GetObjectItem(a, "subtitle")), -1, NULL);
            sqlite3_bind_text(ins, 4, cJSON_GetStringValue(
                              cJSON_GetObjectItem(a, "section")), -1, NULL);
            sqlite3_bind_text(ins, 5, tags, -1, NULL);
            sqlite3_bind_text(ins, 6, cJSON_GetStringValue(
                              cJSON_GetObjectItem(a, "body")), -1, NULL);

            if (sqlite3_step(ins) != SQLITE_DONE) {
                fprintf(stderr, "fts5: %s\n", sqlite3_errmsg(h));
                return 1;
            }

            sqlite3_reset(ins);
            free(tags);
        }

        cJSON_Delete(all);
    }

    sqlite3_finalize(ins);

    /* one segment, as a long-lived index would be after merges */
    rc = sqlite3_exec(h, "COMMIT; INSERT INTO docs(docs) VALUES('optimize');"
                      "VACUUM", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        fprintf(stderr, "fts5: %s\n", sqlite3_errmsg(h));
        return 1;
    }

    sqlite3_close(h);

    return 0;
}


static int
fts5_query(const char *db, const char *queries, double seconds)
{
    int            rc;
    char          *text, *line, *save, match[1024];
    char          *q[FTS5_QUERIES_MAX];
    size_t         n, i, done;
    double         start, elapsed;
    sqlite3       *h;
    sqlite3_stmt  *st;

    text = fts5_slurp(queries);
    if (text == NULL) {
        fprintf(stderr, "fts5: %s: cannot read\n", queries);
        return 1;
    }

    n = 0;
    for (line = strtok_r(text, "\n", &save); line && n < FTS5_QUERIES_MAX;
         line = strtok_r(NULL, "\n", &save))
    {
        q[n++] = line;
    }

    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(h, "SELECT rowid FROM docs WHERE docs MATCH ?"
                              " ORDER BY bm25(docs, 5.0, 3.0, 3.0, 3.0, 1.0)"
                              " LIMIT 10", -1, &st, NULL)
           != SQLITE_OK)
    {
        fprintf(stderr, "fts5: %s\n", sqlite3_errmsg(h));
        return 1;
    }

    /* the answers, once */
    for (i = 0; i < n; i++) {
        fts5_match(q[i], match, sizeof(match));
        sqlite3_bind_text(st, 1, match, -1, NULL);

        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            printf("bench-%06lld ",
                   (long long) sqlite3_column_int64(st, 0) - 1);
        }

        printf("\n");
        sqlite3_reset(st);
    }

    /*
     * the speed: the list again and again, for `seconds` (a pass of a
     * large store's list can take minutes: the time is checked after
     * each query, not each pass)
     */
    done = 0;
    start = fts5_now();

    do {
        i = done % n;
        fts5_match(q[i], match, sizeof(match));
        sqlite3_bind_text(st, 1, match, -1, NULL);

        while (sqlite3_step(st) == SQLITE_ROW) {
            /* void */
        }

        sqlite3_reset(st);
        done++;
        elapsed = fts5_now() - start;

    } while (elapsed < seconds);

    printf("qps %.1f\n", done / elapsed);

    sqlite3_finalize(st);
    sqlite3_close(h);
    free(text);

    return 0;
}


/* our query (words, "phrases") as FTS5's: every word quoted, ANDed */
static void
fts5_match(const char *q, char *out, size_t cap)
{
    size_t  o;
    int     quoted;

    o = 0;
    quoted = 0;

    for ( ; *q && o + 4 < cap; q++) {
        if (*q == '"') {
            quoted = !quoted;
            out[o++] = '"';
            continue;
        }

        if (*q == ' ' && !quoted) {
            out[o++] = ' ';
            continue;
        }

        if (!quoted && (o == 0 || out[o - 1] == ' ')) {
            out[o++] = '"';
            while (*q && *q != ' ' && o + 3 < cap) {
                out[o++] = *q++;
            }
            out[o++] = '"';
            q--;
            continue;
        }

        out[o++] = *q;
    }

    out[o] = '\0';
}


static char *
fts5_slurp(const char *path)
{
    long   n;
    char  *p;
    FILE  *f;

    f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }

    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);

    p = malloc((size_t) n + 1);
    if (p && fread(p, 1, (size_t) n, f) != (size_t) n) {
        free(p);
        p = NULL;
    }

    fclose(f);

    if (p) {
        p[n] = '\0';
    }

    return p;
}


static double
fts5_now(void)
{
    struct timespec  ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);

    return ts.tv_sec + ts.tv_nsec / 1e9;
}
