/* Atomic saves: a failure at any step keeps the old file and leaves no
 * temporary file behind; success replaces the file, private (0600) unless
 * the old file was already stricter, and never writes through a symlink. */
#include <check.h>
#include <fcntl.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libmatch/libmatch.h"
#include "common/atomic_internal.h"
#include "common/common_internal.h"

static char folder[256];
static char target[512];
static lm_object error;

static void setup(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(folder, sizeof folder, "%s/lm_atomic_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(folder));
    snprintf(target, sizeof target, "%s/pool.csv", folder);
    lm__object_init(&error, LM_KIND_POOL);
}

static void teardown(void)
{
    DIR *dir = opendir(folder);
    if (dir) {
        struct dirent *entry;
        char path[600];
        while ((entry = readdir(dir)))
            if (strcmp(entry->d_name, ".") && strcmp(entry->d_name, "..")) {
                snprintf(path, sizeof path, "%s/%s", folder, entry->d_name);
                unlink(path);
            }
        closedir(dir);
    }
    rmdir(folder);
}

/* The names in the folder, sorted and joined with ' '. */
static void listing(char *out, size_t size)
{
    struct dirent **entries;
    int count = scandir(folder, &entries, NULL, alphasort);
    ck_assert_int_ge(count, 0);
    out[0] = '\0';
    for (int k = 0; k < count; k++) {
        if (strcmp(entries[k]->d_name, ".") && strcmp(entries[k]->d_name, "..")) {
            if (out[0])
                strncat(out, " ", size - strlen(out) - 1);
            strncat(out, entries[k]->d_name, size - strlen(out) - 1);
        }
        free(entries[k]);
    }
    free(entries);
}

static void put(const char *path, const char *text)
{
    FILE *file = fopen(path, "w");
    ck_assert_ptr_nonnull(file);
    fputs(text, file);
    fclose(file);
}

static void assert_content(const char *path, const char *expected)
{
    char text[256] = "";
    FILE *file = fopen(path, "r");
    ck_assert_ptr_nonnull(file);
    size_t length = fread(text, 1, sizeof text - 1, file);
    text[length] = '\0';
    fclose(file);
    ck_assert_str_eq(text, expected);
}

static int write_new(void *context, FILE *file)
{
    fputs(context, file);
    return LM_OK;
}

static int write_then_fail(void *context, FILE *file)
{
    fputs(context, file);
    return LM_E_NOMEM;
}

START_TEST(each_step_keeps_the_old_file)
{
    static const char *const steps[] = {"", "create temporary file", "write", "flush", "close",
                                        "rename"};
    put(target, "old\n");
    for (int step = 1; step <= 5; step++) {
        lm__atomic_fail_at(step);
        ck_assert_int_eq(lm__atomic_write(target, write_new, "new\n", &error), LM_E_IO);
        char expected[700];
        snprintf(expected, sizeof expected, "cannot write '%s' (%s): Input/output error", target,
                 steps[step]);
        ck_assert_str_eq(error.errmsg, expected);
        assert_content(target, "old\n");
        char names[256];
        listing(names, sizeof names);
        ck_assert_str_eq(names, "pool.csv");
    }
    /* the hook fires once */
    ck_assert_int_eq(lm__atomic_write(target, write_new, "new\n", &error), LM_OK);
    assert_content(target, "new\n");
}
END_TEST

START_TEST(writer_failure_keeps_the_old_file)
{
    put(target, "old\n");
    lm__fail(&error, LM_E_NOMEM, "out of memory");
    ck_assert_int_eq(lm__atomic_write(target, write_then_fail, "half", &error), LM_E_NOMEM);
    ck_assert_str_eq(error.errmsg, "out of memory");
    assert_content(target, "old\n");
    char names[256];
    listing(names, sizeof names);
    ck_assert_str_eq(names, "pool.csv");
}
END_TEST

START_TEST(success_replaces_and_keeps_mode)
{
    ck_assert_int_eq(lm__atomic_write(target, write_new, "first\n", &error), LM_OK);
    assert_content(target, "first\n");
    struct stat info;
    ck_assert_int_eq(stat(target, &info), 0);
    ck_assert_int_eq(info.st_mode & 0777, 0600); /* new files hold personal data */
    /* a mode more open than 0600 is not kept: the file holds personal data */
    ck_assert_int_eq(chmod(target, 0640), 0);
    ck_assert_int_eq(lm__atomic_write(target, write_new, "second\n", &error), LM_OK);
    assert_content(target, "second\n");
    ck_assert_int_eq(stat(target, &info), 0);
    ck_assert_int_eq(info.st_mode & 0777, 0600);
    /* a stricter one is */
    ck_assert_int_eq(chmod(target, 0400), 0);
    ck_assert_int_eq(lm__atomic_write(target, write_new, "third\n", &error), LM_OK);
    ck_assert_int_eq(stat(target, &info), 0);
    ck_assert_int_eq(info.st_mode & 0777, 0400);
    ck_assert_int_eq(chmod(target, 0600), 0);
    ck_assert_int_eq(lm__atomic_write(target, write_new, "second\n", &error), LM_OK);
    char names[256];
    listing(names, sizeof names);
    ck_assert_str_eq(names, "pool.csv");
    /* a relative name works in the current folder */
    char here[512];
    ck_assert_ptr_nonnull(getcwd(here, sizeof here));
    ck_assert_int_eq(chdir(folder), 0);
    ck_assert_int_eq(lm__atomic_write("plain.csv", write_new, "x\n", &error), LM_OK);
    ck_assert_int_eq(chdir(here), 0);
    listing(names, sizeof names);
    ck_assert_str_eq(names, "plain.csv pool.csv");
}
END_TEST

START_TEST(missing_folder_is_an_io_error)
{
    char path[600];
    snprintf(path, sizeof path, "%s/no/such/folder/pool.csv", folder);
    ck_assert_int_eq(lm__atomic_write(path, write_new, "x", &error), LM_E_IO);
    char expected[700];
    snprintf(expected, sizeof expected,
             "cannot write '%s' (create temporary file): No such file or directory", path);
    ck_assert_str_eq(error.errmsg, expected);
    ck_assert_int_eq(lm__atomic_write(folder, write_new, "x", &error), LM_E_IO);
    ck_assert_ptr_nonnull(strstr(error.errmsg, "(rename): Is a directory"));
    char names[256];
    listing(names, sizeof names);
    ck_assert_str_eq(names, "");
    char slash[600];
    snprintf(slash, sizeof slash, "%s/", folder);
    ck_assert_int_eq(lm__atomic_write(slash, write_new, "x", &error), LM_E_INVALID);
}
END_TEST

/* A target that is not a regular file is written in place: renaming a
 * temporary file over a FIFO or a device (`lmatch ... -o /dev/null` run as
 * root) would replace it with a plain file. */
START_TEST(streams_are_written_in_place)
{
    char fifo[600];
    snprintf(fifo, sizeof fifo, "%s/pipe", folder);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    int reader = open(fifo, O_RDONLY | O_NONBLOCK); /* so the writer does not wait */
    ck_assert_int_ge(reader, 0);
    ck_assert_int_eq(lm__atomic_write(fifo, write_new, "through\n", &error), LM_OK);
    struct stat info;
    ck_assert_int_eq(lstat(fifo, &info), 0);
    ck_assert(S_ISFIFO(info.st_mode));
    char text[32] = "";
    ck_assert_int_eq(read(reader, text, sizeof text - 1), 8);
    ck_assert_str_eq(text, "through\n");
    close(reader);
    char names[256];
    listing(names, sizeof names);
    ck_assert_str_eq(names, "pipe"); /* no temporary file left behind */
    if (lstat("/dev/null", &info) == 0 && S_ISCHR(info.st_mode)) {
        ck_assert_int_eq(lm__atomic_write("/dev/null", write_new, "x\n", &error), LM_OK);
        ck_assert_int_eq(lstat("/dev/null", &info), 0);
        ck_assert(S_ISCHR(info.st_mode));
    }
}
END_TEST

/* A symlink planted at the target is replaced by the new private file; the
 * file it pointed to is neither written nor has its mode copied. */
START_TEST(symlinks_are_replaced_not_followed)
{
    char victim[600];
    snprintf(victim, sizeof victim, "%s/victim", folder);
    put(victim, "victim\n");
    ck_assert_int_eq(chmod(victim, 0644), 0);
    ck_assert_int_eq(symlink(victim, target), 0);
    ck_assert_int_eq(lm__atomic_write(target, write_new, "personal\n", &error), LM_OK);
    assert_content(victim, "victim\n");
    assert_content(target, "personal\n");
    struct stat info;
    ck_assert_int_eq(lstat(target, &info), 0);
    ck_assert(S_ISREG(info.st_mode));
    ck_assert_int_eq(info.st_mode & 0777, 0600);
    ck_assert_int_eq(stat(victim, &info), 0);
    ck_assert_int_eq(info.st_mode & 0777, 0644);
    /* a dangling link is replaced too, and nothing is created where it pointed */
    char dangling[600], nowhere[600];
    snprintf(dangling, sizeof dangling, "%s/dangling", folder);
    snprintf(nowhere, sizeof nowhere, "%s/nowhere", folder);
    ck_assert_int_eq(symlink(nowhere, dangling), 0);
    ck_assert_int_eq(lm__atomic_write(dangling, write_new, "x\n", &error), LM_OK);
    ck_assert_int_eq(lstat(nowhere, &info), -1);
    ck_assert_int_eq(lstat(dangling, &info), 0);
    ck_assert(S_ISREG(info.st_mode));
    /* a link to a pipe (like /dev/stdout) is written through */
    char fifo[600], link_to_fifo[600];
    snprintf(fifo, sizeof fifo, "%s/pipe", folder);
    snprintf(link_to_fifo, sizeof link_to_fifo, "%s/stdout", folder);
    ck_assert_int_eq(mkfifo(fifo, 0600), 0);
    ck_assert_int_eq(symlink(fifo, link_to_fifo), 0);
    int reader = open(fifo, O_RDONLY | O_NONBLOCK);
    ck_assert_int_ge(reader, 0);
    ck_assert_int_eq(lm__atomic_write(link_to_fifo, write_new, "piped\n", &error), LM_OK);
    char text[32] = "";
    ck_assert_int_eq(read(reader, text, sizeof text - 1), 6);
    ck_assert_str_eq(text, "piped\n");
    close(reader);
    ck_assert_int_eq(lstat(link_to_fifo, &info), 0);
    ck_assert(S_ISLNK(info.st_mode));
}
END_TEST

START_TEST(pool_save_goes_through_the_atomic_writer)
{
    lm_pool *pool;
    ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
    size_t index;
    ck_assert_int_eq(lm_pool_add(pool, "p1", LM_NEWCOMER, &index), LM_OK);
    put(target, "precious\n");
    lm__atomic_fail_at(5);
    ck_assert_int_eq(lm_pool_save_csv(pool, target), LM_E_IO);
    ck_assert_ptr_nonnull(strstr(lm_errmsg(pool), "(rename)"));
    assert_content(target, "precious\n");
    lm__atomic_fail_at(2);
    ck_assert_int_eq(lm_pool_save_venues_csv(pool, target), LM_E_IO);
    assert_content(target, "precious\n");
    lm_result *result;
    ck_assert_int_eq(lm_result_new(&result), LM_OK);
    lm__atomic_fail_at(3);
    ck_assert_int_eq(lm_result_save_csv(result, pool, target), LM_E_IO);
    ck_assert_ptr_nonnull(strstr(lm_errmsg(result), "(flush)"));
    assert_content(target, "precious\n");
    char names[256];
    listing(names, sizeof names);
    ck_assert_str_eq(names, "pool.csv");
    ck_assert_int_eq(lm_pool_save_csv(pool, target), LM_OK);
    assert_content(target, "id,role,interests,offers,wants,languages,availability,lat,lon,"
                           "max_km,step_free,host\np1,newcomer,,,,,,,,,no,no\n");
    lm_result_free(result);
    lm_pool_free(pool);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("atomic");
    TCase *tc = tcase_create("atomic");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, each_step_keeps_the_old_file);
    tcase_add_test(tc, writer_failure_keeps_the_old_file);
    tcase_add_test(tc, success_replaces_and_keeps_mode);
    tcase_add_test(tc, missing_folder_is_an_io_error);
    tcase_add_test(tc, streams_are_written_in_place);
    tcase_add_test(tc, symlinks_are_replaced_not_followed);
    tcase_add_test(tc, pool_save_goes_through_the_atomic_writer);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
