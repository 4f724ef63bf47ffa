/*
 * A plain main() for the libFuzzer targets of t/fuzz/: runs each file
 * named on the command line (or each file in a named directory) through
 * LLVMFuzzerTestOneInput once.  `make coverage` links it with each target,
 * built by gcc with --coverage, to count what the fuzz corpora exercise;
 * the fuzzing itself stays with clang (fuzz.mk).
 */

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);


static int
replay_file(const char *path)
{
    long     n;
    FILE    *f;
    uint8_t *data;

    f = fopen(path, "rb");
    if (f == NULL) {
        perror(path);
        return 1;
    }

    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0
        || fseek(f, 0, SEEK_SET) != 0)
    {
        fclose(f);
        return 1;
    }

    data = malloc(n ? n : 1);
    if (data == NULL || fread(data, 1, n, f) != (size_t) n) {
        free(data);
        fclose(f);
        return 1;
    }

    fclose(f);

    (void) LLVMFuzzerTestOneInput(data, n);
    free(data);

    return 0;
}


int
main(int argc, char **argv)
{
    int             i, fail, runs;
    DIR            *dir;
    char            path[4096];
    struct stat     sb;
    struct dirent  *de;

    fail = 0;
    runs = 0;

    for (i = 1; i < argc; i++) {
        if (stat(argv[i], &sb) != 0) {
            continue;
        }

        if (!S_ISDIR(sb.st_mode)) {
            fail |= replay_file(argv[i]);
            runs++;
            continue;
        }

        dir = opendir(argv[i]);
        if (dir == NULL) {
            continue;
        }

        while ((de = readdir(dir)) != NULL) {
            if (de->d_name[0] == '.') {
                continue;
            }

            snprintf(path, sizeof(path), "%s/%s", argv[i], de->d_name);
            if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
                fail |= replay_file(path);
                runs++;
            }
        }

        closedir(dir);
    }

    printf("%s: %d inputs\n", argv[0], runs);

    return fail;
}
