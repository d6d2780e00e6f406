/* Basics: versions, status texts, error messages on handles, params. */
#include <check.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libmatch/libmatch.h"
#include "common/common_internal.h" /* lm__alloc_fail_at: counts allocations */

START_TEST(version_matches_header)
{
    ck_assert_str_eq(lm_version_string(), LM_VERSION_STRING);
    ck_assert_int_eq(lm_version_number(), LM_VERSION_NUMBER);
}
END_TEST

START_TEST(strerror_is_never_null)
{
    for (int code = -20; code <= 1; code++)
        ck_assert_ptr_nonnull(lm_strerror(code));
    ck_assert_str_eq(lm_strerror(LM_E_NOMEM), "out of memory");
    ck_assert_str_eq(lm_errmsg(NULL), "invalid handle");
}
END_TEST

START_TEST(params_reject_impossible_groups)
{
    lm_params *p = NULL;
    ck_assert_int_eq(lm_params_new(&p), LM_OK);
    ck_assert_int_eq(lm_params_check(p), LM_OK);
    ck_assert_int_eq(lm_params_set_int(p, LM_PARAM_MIN_SIZE, 7), LM_OK);
    ck_assert_int_eq(lm_params_check(p), LM_E_INFEASIBLE);
    ck_assert_ptr_nonnull(strstr(lm_errmsg(p), "larger than max_size"));
    ck_assert_int_eq(lm_params_set_int(p, LM_PARAM_MIN_SIZE, 4), LM_OK);
    ck_assert_int_eq(lm_params_set_int(p, LM_PARAM_MAX_SIZE, 3), LM_OK);
    ck_assert_int_eq(lm_params_check(p), LM_E_INFEASIBLE);
    ck_assert_int_eq(lm_params_set_int(p, LM_PARAM_MAX_SIZE, 6), LM_OK);
    ck_assert_int_eq(lm_params_set_int(p, LM_PARAM_MIN_PER_ROLE, 4), LM_OK);
    ck_assert_int_eq(lm_params_check(p), LM_E_INFEASIBLE);
    ck_assert_int_eq(lm_params_set_int(p, LM_PARAM_THREADS, 0), LM_E_INVALID);
    ck_assert_int_eq(lm_params_set_double(p, LM_PARAM_ALPHA, 0.0 / 0.0), LM_E_INVALID);
    ck_assert_double_eq(lm_params_get_double(p, LM_PARAM_LAMBDA), 0.5);
    ck_assert_double_eq(lm_params_get_double(p, LM_PARAM_MU), 10.0);
    lm_params_free(p);
    lm_params_free(NULL);
}
END_TEST

/* Every destructor of the public header, called with NULL. */
static void taxonomy_free_null(void) { lm_taxonomy_free(NULL); }
static void pool_free_null(void) { lm_pool_free(NULL); }
static void params_free_null(void) { lm_params_free(NULL); }
static void grouping_free_null(void) { lm_grouping_free(NULL); }
static void result_free_null(void) { lm_result_free(NULL); }
static void key_free_null(void) { lm_key_free(NULL); }
static void history_free_null(void) { lm_history_free(NULL); }
static void constraints_free_null(void) { lm_constraints_free(NULL); }

static const struct destructor {
    const char *name;
    void (*free_null)(void);
} destructors[] = {
    {"lm_taxonomy_free", taxonomy_free_null}, {"lm_pool_free", pool_free_null},
    {"lm_params_free", params_free_null},     {"lm_grouping_free", grouping_free_null},
    {"lm_result_free", result_free_null},     {"lm_key_free", key_free_null},
    {"lm_history_free", history_free_null},
    {"lm_constraints_free", constraints_free_null},
};
enum { destructor_count = sizeof destructors / sizeof destructors[0] };

/* lm_X_free(NULL) is a no-op (the header's promise): it returns normally,
 * allocates nothing and leaves errno alone. Each call runs in a child process
 * first, so a destructor that dereferences NULL fails this test by name
 * instead of taking the whole runner down. */
START_TEST(free_null_is_noop)
{
    for (size_t k = 0; k < destructor_count; k++) {
        const struct destructor *d = &destructors[k];
        fflush(NULL);
        pid_t child = fork();
        ck_assert_int_ge(child, 0);
        if (child == 0) {
            d->free_null();
            _exit(0);
        }
        int status = 0;
        ck_assert_int_eq(waitpid(child, &status, 0), child);
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                      "%s(NULL) did not return normally (%s %d)", d->name,
                      WIFSIGNALED(status) ? "signal" : "exit status",
                      WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));

        lm__alloc_fail_at(0); /* restart the allocation count */
        errno = EDOM;
        d->free_null();
        ck_assert_msg(errno == EDOM, "%s(NULL) changed errno to %d", d->name, errno);
        long allocations = lm__alloc_fail_at(0);
        ck_assert_msg(allocations == 0, "%s(NULL) allocated %ld times", d->name, allocations);
    }
}
END_TEST

/* The list above is complete: every `LM_API void lm_X_free(` in the public
 * header (LM_TEST_PUBLIC_HEADER, set by tests/meson.build) is in it. */
START_TEST(every_destructor_is_covered)
{
    FILE *header = fopen(LM_TEST_PUBLIC_HEADER, "r");
    ck_assert_msg(header != NULL, "cannot read %s", LM_TEST_PUBLIC_HEADER);
    char line[1024];
    int found = 0;
    while (fgets(line, sizeof line, header)) {
        const char *prefix = "LM_API void ";
        if (strncmp(line, prefix, strlen(prefix)) != 0)
            continue;
        const char *name = line + strlen(prefix);
        size_t length = 0;
        while (isalnum((unsigned char)name[length]) || name[length] == '_')
            length++;
        if (length < 5 || strncmp(name + length - 5, "_free", 5) != 0 || name[length] != '(')
            continue;
        found++;
        bool listed = false;
        for (size_t k = 0; k < destructor_count; k++)
            listed |= strlen(destructors[k].name) == length &&
                      strncmp(destructors[k].name, name, length) == 0;
        ck_assert_msg(listed, "%.*s is not in free_null_is_noop's list", (int)length, name);
    }
    fclose(header);
    ck_assert_int_eq(found, destructor_count);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("basics");
    TCase *tc = tcase_create("basics");
    tcase_add_test(tc, version_matches_header);
    tcase_add_test(tc, strerror_is_never_null);
    tcase_add_test(tc, params_reject_impossible_groups);
    tcase_add_test(tc, free_null_is_noop);
    tcase_add_test(tc, every_destructor_is_covered);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
