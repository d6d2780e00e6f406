/* The history of a programme (lm_history): pairs and their ages, files
 * read against a pool (rounds ordered, people who left skipped, all or
 * nothing), the repeat cost the solvers pay, every allocation failure, and
 * the group engine's exact regions and local search honouring it. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "libmatch/libmatch.h"
#include "common/common_internal.h"
#include "groups/groups_internal.h"
#include "model/history_internal.h"

static lm_pool *pool_of(size_t n)
{
    lm_pool *pool = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
    for (size_t k = 0; k < n; k++) {
        char id[32];
        snprintf(id, sizeof id, "p%zu", k);
        ck_assert_int_eq(lm_pool_add(pool, id, k % 2 ? LM_RESIDENT : LM_NEWCOMER, NULL), LM_OK);
        ck_assert_int_eq(lm_pool_set_tags(pool, k, LM_INTERESTS, k % 4 < 2 ? "cooking" : "guitar"),
                         LM_OK);
    }
    return pool;
}

START_TEST(pairs_and_ages)
{
    lm_history *h = NULL;
    ck_assert_int_eq(lm_history_new(&h), LM_OK);
    ck_assert_int_eq(lm_history_add_pair(h, 1, 1, 1), LM_E_INVALID);
    ck_assert_str_eq(lm_errmsg(h), "a pair needs two different participants");
    ck_assert_int_eq(lm_history_add_pair(h, 1, 2, 0), LM_E_INVALID);
    ck_assert_int_eq(lm_history_add_pair(h, 1, 2, 3), LM_OK);
    ck_assert_int_eq(lm_history_add_pair(h, 2, 1, 1), LM_OK); /* the latest meeting wins */
    ck_assert_int_eq(lm_history_add_pair(h, 4, 3, 2), LM_OK);
    ck_assert_uint_eq(lm_history_pair_count(h), 2);
    ck_assert_uint_eq(lm_history_age(h, 1, 2), 1);
    ck_assert_uint_eq(lm_history_age(h, 3, 4), 2);
    ck_assert_uint_eq(lm_history_age(h, 1, 3), 0);
    /* many pairs: the table grows and keeps them all */
    for (size_t a = 10; a < 60; a++)
        for (size_t b = a + 1; b < 60; b++)
            ck_assert_int_eq(lm_history_add_pair(h, a, b, 1 + (unsigned)((a + b) % 5)), LM_OK);
    for (size_t a = 10; a < 60; a++)
        for (size_t b = a + 1; b < 60; b++)
            ck_assert_uint_eq(lm_history_age(h, b, a), 1 + (unsigned)((a + b) % 5));
    ck_assert_uint_eq(lm_history_pair_count(h), 2 + 50 * 49 / 2);
    lm_history_free(h);
    lm_history_free(NULL);
}
END_TEST

START_TEST(files_age_in_order)
{
    lm_pool *pool = pool_of(8);
    lm_history *h = NULL;
    ck_assert_int_eq(lm_history_new(&h), LM_OK);
    static const char older[] = "group,id\n1,p0\n1,p1\n1,gone\n2,p2\n2,p3\n";
    static const char newer[] = "round,group,id\n2,1,p0\n2,1,p2\n1,5,p4\n1,5,p5\n";
    ck_assert_int_eq(lm_history_load_csv_buffer(h, pool, "older.csv", older, strlen(older)),
                     LM_OK);
    ck_assert_uint_eq(lm_history_age(h, 0, 1), 1);
    ck_assert_int_eq(lm_history_load_csv_buffer(h, pool, "newer.csv", newer, strlen(newer)),
                     LM_OK);
    ck_assert_uint_eq(lm_history_round_count(h), 3);
    ck_assert_uint_eq(lm_history_age(h, 0, 2), 1); /* round 2 of the latest file */
    ck_assert_uint_eq(lm_history_age(h, 4, 5), 2); /* its round 1 */
    ck_assert_uint_eq(lm_history_age(h, 0, 1), 3); /* the older file */
    ck_assert_uint_eq(lm_history_age(h, 2, 3), 3);
    ck_assert_uint_eq(lm_history_pair_count(h), 4); /* "gone" left: skipped */

    /* a bad file changes nothing */
    static const char twice[] = "group,id\n1,p6\n1,p7\n2,p6\n";
    ck_assert_int_eq(lm_history_load_csv_buffer(h, pool, "twice.csv", twice, strlen(twice)),
                     LM_E_DUPLICATE);
    ck_assert_str_eq(lm_errmsg(h), "twice.csv line 4, column 'id': participant 'p6' is listed "
                                   "twice in round 1 (first on line 2)");
    static const char no_group[] = "id\np1\n";
    ck_assert_int_eq(lm_history_load_csv_buffer(h, pool, "x.csv", no_group, strlen(no_group)),
                     LM_E_PARSE);
    ck_assert_str_eq(lm_errmsg(h), "x.csv line 1: missing required column 'group'");
    ck_assert_uint_eq(lm_history_pair_count(h), 4);
    ck_assert_uint_eq(lm_history_age(h, 6, 7), 0);
    ck_assert_int_eq(lm_history_load_csv(h, pool, "/nonexistent/h.csv"), LM_E_IO);
    lm_history_free(h);
    lm_pool_free(pool);
}
END_TEST

START_TEST(cost_of_a_pair)
{
    lm_params *params = NULL;
    lm_history *h = NULL;
    ck_assert_int_eq(lm_params_new(&params), LM_OK);
    ck_assert_int_eq(lm_history_new(&h), LM_OK);
    ck_assert_int_eq(lm_history_add_pair(h, 0, 1, 1), LM_OK);
    ck_assert_int_eq(lm_history_add_pair(h, 2, 3, 3), LM_OK);
    ck_assert(lm__history_pair_cost(params, 0, 1) == 0.0); /* no history attached */
    ck_assert_int_eq(lm_params_set_history(params, h), LM_OK);
    ck_assert(lm__history_pair_cost(params, 0, 1) == 10.0);
    ck_assert(lm__history_pair_cost(params, 2, 3) == 10.0);
    ck_assert(lm__history_pair_cost(params, 0, 2) == 0.0);
    ck_assert_int_eq(lm_params_set_double(params, LM_PARAM_REPEAT_DECAY, 0.5), LM_OK);
    ck_assert(lm__history_pair_cost(params, 2, 3) == 2.5); /* 10 * 0.5^2 */
    ck_assert_int_eq(lm_params_set_double(params, LM_PARAM_REPEAT_DECAY, 0.0), LM_E_INVALID);
    ck_assert_int_eq(lm_params_set_double(params, LM_PARAM_REPEAT, -1.0), LM_E_INVALID);
    ck_assert_int_eq(lm_params_set_double(params, LM_PARAM_REPEAT, 4.0), LM_OK);
    size_t members[3] = {0, 1, 3};
    ck_assert(lm__history_group_cost(params, members, 3) == 4.0);
    ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_NO_REPEATS, 1), LM_OK);
    ck_assert(isinf(lm__history_group_cost(params, members, 3)));
    lm_params_free(params);
    lm_history_free(h);
}
END_TEST

/* Eight people, two groups of four: with every pair of the first grouping
 * forbidden the exact regions (and the search, with them off) must find
 * the other grouping, or leave people out. */
START_TEST(groups_never_reunite)
{
    for (int exact = 0; exact < 2; exact++) {
        int previous = lm__groups_exact_limit(exact ? 14 : 0);
        lm_pool *pool = pool_of(8);
        lm_params *params = NULL;
        lm_result *first = NULL, *second = NULL;
        lm_history *h = NULL;
        ck_assert_int_eq(lm_params_new(&params), LM_OK);
        ck_assert_int_eq(lm_result_new(&first), LM_OK);
        ck_assert_int_eq(lm_result_new(&second), LM_OK);
        ck_assert_int_eq(lm_history_new(&h), LM_OK);
        ck_assert_int_eq(lm_groups_form(pool, params, first), LM_OK);
        ck_assert_uint_eq(lm_result_group_count(first), 2);
        ck_assert_int_eq(lm_history_add_result(h, first), LM_OK);
        ck_assert_int_eq(lm_params_set_history(params, h), LM_OK);
        ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_NO_REPEATS, 1), LM_OK);
        ck_assert_int_eq(lm_groups_form(pool, params, second), LM_OK);
        size_t pairs = 99;
        double penalty = -1;
        ck_assert_int_eq(lm_history_repeats(NULL, params, second, &pairs, &penalty), LM_OK);
        ck_assert_uint_eq(pairs, 0);
        for (size_t g = 0; g < lm_result_group_count(second); g++)
            for (size_t i = 0; i < lm_result_group_size(second, g); i++)
                for (size_t j = i + 1; j < lm_result_group_size(second, g); j++)
                    ck_assert_uint_eq(lm_history_age(h, lm_result_group_member(second, g, i),
                                                     lm_result_group_member(second, g, j)),
                                      0);
        /* the same grouping scored against its own round: every pair repeats */
        ck_assert_int_eq(lm_history_repeats(h, params, first, &pairs, &penalty), LM_OK);
        ck_assert_uint_eq(pairs, 12);
        ck_assert(penalty == 120.0);
        lm_history_free(h);
        lm_result_free(first);
        lm_result_free(second);
        lm_params_free(params);
        lm_pool_free(pool);
        lm__groups_exact_limit(previous);
    }
}
END_TEST

START_TEST(history_survives_allocation_failures)
{
    lm_pool *pool = pool_of(8);
    static const char file[] = "round,group,id\n1,1,p0\n1,1,p1\n2,1,p0\n2,1,p2\n";
    for (long n = 1; n < 40; n++) {
        lm_history *h = NULL;
        lm__alloc_fail_at(n);
        int status = lm_history_new(&h);
        if (status == LM_OK) {
            status = lm_history_load_csv_buffer(h, pool, "f.csv", file, strlen(file));
            ck_assert(status == LM_OK || status == LM_E_NOMEM);
            ck_assert_uint_eq(lm_history_pair_count(h), status == LM_OK ? 2 : 0);
        } else {
            ck_assert_int_eq(status, LM_E_NOMEM);
        }
        lm__alloc_fail_at(0);
        lm_history_free(h);
    }
    lm_pool_free(pool);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("history");
    TCase *tc = tcase_create("history");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, pairs_and_ages);
    tcase_add_test(tc, files_age_in_order);
    tcase_add_test(tc, cost_of_a_pair);
    tcase_add_test(tc, groups_never_reunite);
    tcase_add_test(tc, history_survives_allocation_failures);
    suite_add_tcase(suite, tc);
    SRunner *runner = srunner_create(suite);
    srunner_run_all(runner, CK_ENV);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? 1 : 0;
}
