/* Basics: versions, status texts, error messages on handles, params. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "libmatch/libmatch.h"

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

START_TEST(free_null_is_noop)
{
    lm_pool_free(NULL);
    lm_taxonomy_free(NULL);
    lm_result_free(NULL);
    lm_grouping_free(NULL);
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
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
