/* Shared by the CSV test runners: a fresh pool and a temporary folder for
 * every test (setup/teardown), and small text and file helpers. Each runner
 * is its own program, so the statics here are its own too. */
#ifndef TEST_CSV_FIXTURE_H
#define TEST_CSV_FIXTURE_H

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libmatch/libmatch.h"

static lm_pool *pool;
static char folder[256];

static inline void setup(void)
{
    ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
    const char *tmp = getenv("TMPDIR");
    snprintf(folder, sizeof folder, "%s/lm_csv_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(folder));
}

static inline void teardown(void)
{
    lm_pool_free(pool);
    pool = NULL;
    DIR *dir = opendir(folder);
    if (dir) {
        struct dirent *entry;
        char path[512];
        while ((entry = readdir(dir)))
            if (entry->d_name[0] != '.' || strlen(entry->d_name) > 2) {
                snprintf(path, sizeof path, "%s/%s", folder, entry->d_name);
                unlink(path);
            }
        closedir(dir);
    }
    rmdir(folder);
}

static inline int load(const char *text)
{
    return lm_pool_load_csv_buffer(pool, "pool.csv", text, strlen(text));
}

static inline size_t topic(const char *name)
{
    size_t index = 0;
    ck_assert_msg(lm_taxonomy_find(lm_pool_taxonomy(pool), name, &index) == LM_OK,
                  "no topic '%s'", name);
    return index;
}

static inline size_t find(const char *id)
{
    size_t index = 0;
    ck_assert_msg(lm_pool_find(pool, id, &index) == LM_OK, "no participant '%s'", id);
    return index;
}

static inline char *path_in_folder(const char *name, char *out, size_t size)
{
    snprintf(out, size, "%s/%s", folder, name);
    return out;
}

static inline void write_text(const char *path, const char *text)
{
    FILE *file = fopen(path, "wb");
    ck_assert_ptr_nonnull(file);
    fputs(text, file);
    fclose(file);
}

/* Reads a whole (small) file; the caller frees. */
static inline char *read_text(const char *path)
{
    FILE *file = fopen(path, "rb");
    ck_assert_ptr_nonnull(file);
    char *text = calloc(1, 1 << 20);
    size_t length = fread(text, 1, (1 << 20) - 1, file);
    text[length] = '\0';
    fclose(file);
    return text;
}

#endif
