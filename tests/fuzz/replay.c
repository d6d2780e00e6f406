/* Runs a fuzz target over files: each argument is a file or a folder whose
 * files are run in name order. A crash or sanitizer report fails the run. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int run_file(const char *path)
{
    FILE *file = fopen(path, "rb");
    if (!file) {
        perror(path);
        return 1;
    }
    size_t capacity = 1 << 16, length = 0;
    unsigned char *data = malloc(capacity);
    for (;;) {
        if (!data)
            break;
        length += fread(data + length, 1, capacity - length, file);
        if (length < capacity)
            break;
        capacity *= 2;
        unsigned char *grown = realloc(data, capacity);
        if (!grown)
            free(data);
        data = grown;
    }
    fclose(file);
    if (!data) {
        fprintf(stderr, "%s: out of memory\n", path);
        return 1;
    }
    /* A copy of exactly the input's size, so ASan sees reads past its end. */
    unsigned char *exact = malloc(length ? length : 1);
    memcpy(exact, data, length);
    free(data);
    LLVMFuzzerTestOneInput(exact, length);
    free(exact);
    return 0;
}

static int run_folder(const char *folder, int *count)
{
    struct dirent **entries;
    int n = scandir(folder, &entries, NULL, alphasort);
    if (n < 0) {
        perror(folder);
        return 1;
    }
    int failed = 0;
    for (int k = 0; k < n; k++) {
        if (entries[k]->d_name[0] != '.') {
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", folder, entries[k]->d_name);
            struct stat info;
            if (stat(path, &info) == 0 && S_ISREG(info.st_mode)) {
                failed |= run_file(path);
                (*count)++;
            }
        }
        free(entries[k]);
    }
    free(entries);
    return failed;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE-OR-FOLDER...\n", argv[0]);
        return 2;
    }
    int failed = 0, count = 0;
    for (int k = 1; k < argc; k++) {
        struct stat info;
        if (stat(argv[k], &info) == 0 && S_ISDIR(info.st_mode)) {
            failed |= run_folder(argv[k], &count);
        } else {
            failed |= run_file(argv[k]);
            count++;
        }
    }
    printf("%d inputs replayed\n", count);
    return failed || count == 0;
}
