/* Matrix partitioning: the exact optima of the small MDGPLIB instances,
 * bounds, determinism, and the exact error for each kind of bad input. The
 * objective is recomputed here from the instance file.
 *
 *   test_partition             every test that needs no data (TAP)
 *   test_partition --mdgplib   the exact optima, read from $LIBMATCH_MDGPLIB;
 *                              exits 77 (skipped) when the data is not there */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "libmatch/libmatch.h"
#include "partition/mdgp_internal.h"

/* The MDGPLIB data folder, from LIBMATCH_MDGPLIB (set by -Dmdgplib or the caller). */
static const char *mdgplib_dir;

typedef struct instance {
    size_t n, m;
    size_t lower[32], upper[32];
    double *w; /* n x n */
} instance;

/* A plain reader, independent of lmatch's checked one. */
static bool load(const char *name, instance *in)
{
    char path[512], type[8];
    char set[16];
    snprintf(set, sizeof set, "%.*s", (int)strcspn(name, "_"), name);
    snprintf(path, sizeof path, "%s/%s/%s.txt", mdgplib_dir, set, name);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    ck_assert_int_eq(fscanf(f, "%zu %zu %7s", &in->n, &in->m, type), 3);
    ck_assert_uint_le(in->m, 32);
    for (size_t g = 0; g < in->m; g++)
        ck_assert_int_eq(fscanf(f, "%zu %zu", &in->lower[g], &in->upper[g]), 2);
    in->w = calloc(in->n * in->n, sizeof *in->w);
    size_t i, j, pairs = 0;
    double d;
    while (fscanf(f, "%zu %zu %lf", &i, &j, &d) == 3) {
        in->w[i * in->n + j] = in->w[j * in->n + i] = d;
        pairs++;
    }
    fclose(f);
    ck_assert_uint_eq(pairs, in->n * (in->n - 1) / 2);
    return true;
}

static double objective_of(const instance *in, const lm_result *r)
{
    double total = 0;
    for (size_t i = 0; i < in->n; i++)
        for (size_t j = i + 1; j < in->n; j++)
            if (lm_result_item_group(r, i) == lm_result_item_group(r, j))
                total += in->w[i * in->n + j];
    return total;
}

static void check_bounds(const instance *in, const lm_result *r)
{
    ck_assert_uint_eq(lm_result_item_count(r), in->n);
    size_t size[32] = {0};
    for (size_t i = 0; i < in->n; i++) {
        int64_t g = lm_result_item_group(r, i);
        ck_assert(g >= 0 && (size_t)g < in->m);
        size[g]++;
    }
    for (size_t g = 0; g < in->m; g++) {
        ck_assert_uint_ge(size[g], in->lower[g]);
        ck_assert_uint_le(size[g], in->upper[g]);
    }
}

/* Why the data cannot be read, or NULL when it can. */
static const char *data_missing(void)
{
    static char reason[600];
    mdgplib_dir = getenv("LIBMATCH_MDGPLIB");
    if (!mdgplib_dir || !*mdgplib_dir)
        return "LIBMATCH_MDGPLIB is not set (meson setup -Dmdgplib=PATH, or the environment)";
    char path[512];
    snprintf(path, sizeof path, "%s/exact_optima_n010_n012_computed_here.csv", mdgplib_dir);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(reason, sizeof reason, "no MDGPLIB data at %s (%s is missing)", mdgplib_dir,
                 path);
        return reason;
    }
    fclose(f);
    return NULL;
}

START_TEST(reaches_exact_optima_of_small_instances)
{
    char path[512], line[256];
    snprintf(path, sizeof path, "%s/exact_optima_n010_n012_computed_here.csv", mdgplib_dir);
    FILE *csv = fopen(path, "r");
    ck_assert_ptr_nonnull(csv);
    ck_assert_ptr_nonnull(fgets(line, sizeof line, csv)); /* header */
    lm_params *params;
    lm_result *result;
    ck_assert_int_eq(lm_params_new(&params), LM_OK);
    ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_EFFORT, 4), LM_OK);
    ck_assert_int_eq(lm_result_new(&result), LM_OK);
    int count = 0;
    while (fgets(line, sizeof line, csv)) {
        char name[64], type[8];
        size_t n, m;
        double optimum;
        ck_assert_int_eq(sscanf(line, "%63[^,],%zu,%zu,%7[^,],%lf", name, &n, &m, type, &optimum),
                         5);
        instance in;
        ck_assert_msg(load(name, &in), "cannot read %s", name);
        ck_assert_uint_eq(in.n, n);
        int status = lm_partition_solve(in.n, in.m, in.w, in.lower, in.upper, params, result);
        ck_assert_int_eq(status, LM_OK);
        check_bounds(&in, result);
        double got = objective_of(&in, result);
        ck_assert_msg(fabs(got - optimum) <= 1e-6 * fabs(optimum), "%s: %.6f, optimum %.6f",
                      name, got, optimum);
        ck_assert_double_eq_tol(lm_result_total(result), got, 1e-9 * fabs(got));
        free(in.w);
        count++;
    }
    fclose(csv);
    ck_assert_int_eq(count, 120);
    lm_result_free(result);
    lm_params_free(params);
}
END_TEST

/* A reproducible random instance: n items, weights in [0, 100). */
static double *random_weights(size_t n, unsigned seed)
{
    double *w = calloc(n * n, sizeof *w);
    srand(seed);
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++)
            w[i * n + j] = w[j * n + i] = (double)(rand() % 10000) / 100.0;
    return w;
}

static void solve_twice_same(size_t n, size_t m, const double *w, const size_t *lower,
                             const size_t *upper, lm_params *params)
{
    lm_result *a, *b;
    ck_assert_int_eq(lm_result_new(&a), LM_OK);
    ck_assert_int_eq(lm_result_new(&b), LM_OK);
    ck_assert_int_eq(lm_partition_solve(n, m, w, lower, upper, params, a), LM_OK);
    ck_assert_int_eq(lm_partition_solve(n, m, w, lower, upper, params, b), LM_OK);
    ck_assert_double_eq(lm_result_total(a), lm_result_total(b));
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(lm_result_item_group(a, i), lm_result_item_group(b, i));
    lm_result_free(a);
    lm_result_free(b);
}

START_TEST(same_seed_and_threads_same_result)
{
    size_t n = 60, m = 5;
    double *w = random_weights(n, 7);
    size_t lower[5] = {8, 10, 12, 10, 8}, upper[5] = {14, 12, 16, 12, 20};
    lm_params *params;
    ck_assert_int_eq(lm_params_new(&params), LM_OK);
    ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_EFFORT, 2), LM_OK);
    solve_twice_same(n, m, w, lower, upper, params);
    ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_THREADS, 3), LM_OK);
    solve_twice_same(n, m, w, lower, upper, params);
    /* NULL params: the defaults. */
    lm_result *r;
    ck_assert_int_eq(lm_result_new(&r), LM_OK);
    ck_assert_int_eq(lm_partition_solve(n, m, w, lower, upper, NULL, r), LM_OK);
    instance in = {.n = n, .m = m, .w = w};
    memcpy(in.lower, lower, sizeof lower);
    memcpy(in.upper, upper, sizeof upper);
    check_bounds(&in, r);
    ck_assert_double_eq_tol(lm_result_total(r), objective_of(&in, r), 1e-9);
    lm_result_free(r);
    lm_params_free(params);
    free(w);
}
END_TEST

START_TEST(diagonal_is_ignored)
{
    /* 4 items, 2 groups of 2: {0,1} and {2,3} is the only good split. */
    double w[16] = {NAN, 9, 1, 1, 9, INFINITY, 1, 1, 1, 1, -5, 8, 1, 1, 8, 1e300};
    size_t lower[2] = {2, 2}, upper[2] = {2, 2};
    lm_result *r;
    ck_assert_int_eq(lm_result_new(&r), LM_OK);
    ck_assert_int_eq(lm_partition_solve(4, 2, w, lower, upper, NULL, r), LM_OK);
    ck_assert_double_eq(lm_result_total(r), 17);
    ck_assert_int_eq(lm_result_item_group(r, 0), lm_result_item_group(r, 1));
    ck_assert_int_eq(lm_result_item_group(r, 2), lm_result_item_group(r, 3));
    ck_assert_int_ne(lm_result_item_group(r, 0), lm_result_item_group(r, 2));
    lm_result_free(r);
}
END_TEST

static void expect_error(size_t n, size_t m, const double *w, const size_t *lower,
                         const size_t *upper, int code, const char *text)
{
    lm_result *r;
    ck_assert_int_eq(lm_result_new(&r), LM_OK);
    ck_assert_int_eq(lm_partition_solve(n, m, w, lower, upper, NULL, r), code);
    ck_assert_msg(strstr(lm_errmsg(r), text), "message '%s' lacks '%s'", lm_errmsg(r), text);
    ck_assert_uint_eq(lm_result_item_count(r), 0);
    lm_result_free(r);
}

START_TEST(bad_inputs_give_exact_errors)
{
    double w[9] = {0, 1, 2, 1, 0, 3, 2, 3, 0};
    size_t lower[2] = {1, 1}, upper[2] = {2, 2};
    expect_error(0, 2, w, lower, upper, LM_E_INVALID, "no items (n = 0)");
    expect_error(3, 0, w, lower, upper, LM_E_INVALID, "no groups (m = 0)");
    expect_error(3, 2, NULL, lower, upper, LM_E_INVALID, "must not be NULL");
    expect_error(3, 2, w, NULL, upper, LM_E_INVALID, "must not be NULL");
    expect_error((size_t)1 << 40, 2, w, lower, upper, LM_E_TOO_LARGE, "is too large");
    expect_error(SIZE_MAX / 2, 2, w, lower, upper, LM_E_TOO_LARGE, "is too large");
    expect_error(3, (size_t)1 << 31, w, lower, upper, LM_E_TOO_LARGE, "too large");

    size_t high_lower[2] = {2, 2};
    expect_error(3, 2, w, high_lower, upper, LM_E_INFEASIBLE, "need more than the 3 items");
    size_t small_upper[2] = {1, 1};
    expect_error(3, 2, w, lower, small_upper, LM_E_INFEASIBLE,
                 "upper bounds hold only 2 of the 3 items");
    size_t crossed_lower[2] = {3, 0}, crossed_upper[2] = {2, 3};
    expect_error(3, 2, w, crossed_lower, crossed_upper, LM_E_INFEASIBLE,
                 "group 0 has lower bound 3 above its upper bound 2");

    double nan_w[9] = {0, 1, NAN, 1, 0, 3, NAN, 3, 0};
    expect_error(3, 2, nan_w, lower, upper, LM_E_INVALID, "weight (0, 2) is not a finite");
    double inf_w[9] = {0, 1, 2, 1, 0, INFINITY, 2, INFINITY, 0};
    expect_error(3, 2, inf_w, lower, upper, LM_E_INVALID, "weight (1, 2) is not a finite");
    double asym[9] = {0, 1, 2, 1, 0, 3, 2, 3.5, 0};
    expect_error(3, 2, asym, lower, upper, LM_E_INVALID,
                 "not symmetric: (1, 2) = 3 but (2, 1) = 3.5");
    ck_assert_int_eq(lm_partition_solve(3, 2, w, lower, upper, NULL, NULL), LM_E_INVALID);
}
END_TEST

static int cancel_second(void *user, double best, double elapsed, double fraction)
{
    int *calls = user;
    (void)best;
    (void)elapsed;
    (void)fraction;
    return ++*calls >= 2;
}

START_TEST(cancel_keeps_best_and_time_limit_stops)
{
    size_t n = 120, m = 10;
    double *w = random_weights(n, 3);
    size_t lower[10], upper[10];
    for (size_t g = 0; g < m; g++) {
        lower[g] = 10;
        upper[g] = 14;
    }
    lm_params *params;
    lm_result *r;
    ck_assert_int_eq(lm_params_new(&params), LM_OK);
    ck_assert_int_eq(lm_result_new(&r), LM_OK);
    int calls = 0;
    ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_EFFORT, 1000000), LM_OK);
    ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_THREADS, 2), LM_OK);
    ck_assert_int_eq(lm_params_set_progress(params, cancel_second, &calls), LM_OK);
    ck_assert_int_eq(lm_partition_solve(n, m, w, lower, upper, params, r), LM_E_CANCELLED);
    ck_assert_int_eq(calls, 2);
    ck_assert_ptr_nonnull(strstr(lm_errmsg(r), "cancelled"));
    instance in = {.n = n, .m = m, .w = w};
    memcpy(in.lower, lower, sizeof lower);
    memcpy(in.upper, upper, sizeof upper);
    check_bounds(&in, r);
    ck_assert_double_eq_tol(lm_result_total(r), objective_of(&in, r), 1e-9 * lm_result_total(r));

    /* effort 0 with a time limit: the clock alone ends the search. */
    ck_assert_int_eq(lm_params_set_progress(params, NULL, NULL), LM_OK);
    ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_EFFORT, 0), LM_OK);
    ck_assert_int_eq(lm_params_set_double(params, LM_PARAM_TIME_LIMIT, 0.3), LM_OK);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ck_assert_int_eq(lm_partition_solve(n, m, w, lower, upper, params, r), LM_OK);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double elapsed = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    ck_assert(elapsed >= 0.3 && elapsed < 2.0);
    check_bounds(&in, r);
    lm_result_free(r);
    lm_params_free(params);
    free(w);
}
END_TEST

START_TEST(allocation_failures_are_reported)
{
    size_t n = 12, m = 3;
    double *w = random_weights(n, 5);
    size_t lower[3] = {3, 3, 3}, upper[3] = {5, 5, 5};
    lm_params *params;
    ck_assert_int_eq(lm_params_new(&params), LM_OK);
    ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_EFFORT, 1), LM_OK);
    int failures = 0;
    for (long k = 1;; k++) {
        lm_result *r;
        ck_assert_int_eq(lm_result_new(&r), LM_OK);
        lm__alloc_fail_at(k);
        int status = lm_partition_solve(n, m, w, lower, upper, params, r);
        lm__alloc_fail_at(0);
        if (status == LM_OK) {
            ck_assert_uint_eq(lm_result_item_count(r), n);
            lm_result_free(r);
            break;
        }
        ck_assert_int_eq(status, LM_E_NOMEM);
        ck_assert_str_eq(lm_errmsg(r), "partition: out of memory");
        lm_result_free(r);
        failures++;
    }
    ck_assert_int_ge(failures, 10);
    lm_params_free(params);
    free(w);
}
END_TEST

START_TEST(population_narrows_to_the_best)
{
    size_t n = 48, m = 4;
    double *w = random_weights(n, 11);
    size_t lower[4] = {8, 10, 12, 6}, upper[4] = {16, 12, 14, 20};
    lm_params *params;
    ck_assert_int_eq(lm_params_new(&params), LM_OK);
    ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_EFFORT, 1), LM_OK);
    ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_THREADS, 2), LM_OK);
    lm_partition_tuning tuning;
    lm__partition_default_tuning(n, m, &tuning);
    instance in = {.n = n, .m = m, .w = w};
    memcpy(in.lower, lower, sizeof lower);
    memcpy(in.upper, upper, sizeof upper);
    double totals[2];
    for (uint32_t population = 3; population <= 4; population++) {
        tuning.population = population;
        lm_result *a, *b;
        ck_assert_int_eq(lm_result_new(&a), LM_OK);
        ck_assert_int_eq(lm_result_new(&b), LM_OK);
        ck_assert_int_eq(lm__partition_solve_tuned(n, m, w, lower, upper, params, &tuning, a),
                         LM_OK);
        ck_assert_int_eq(lm__partition_solve_tuned(n, m, w, lower, upper, params, &tuning, b),
                         LM_OK);
        check_bounds(&in, a);
        ck_assert_double_eq_tol(lm_result_total(a), objective_of(&in, a), 1e-9);
        for (size_t i = 0; i < n; i++)
            ck_assert_int_eq(lm_result_item_group(a, i), lm_result_item_group(b, i));
        totals[population - 3] = lm_result_total(a);
        lm_result_free(a);
        lm_result_free(b);
    }
    ck_assert(totals[0] > 0 && totals[1] > 0);

    /* The greedy size profile (for instances too large for the table). */
    tuning.population = 1;
    tuning.profile_work = 1;
    lm_result *r;
    ck_assert_int_eq(lm_result_new(&r), LM_OK);
    ck_assert_int_eq(lm__partition_solve_tuned(n, m, w, lower, upper, params, &tuning, r), LM_OK);
    check_bounds(&in, r);
    ck_assert_double_eq_tol(lm_result_total(r), objective_of(&in, r), 1e-9);
    lm_result_free(r);
    lm_params_free(params);
    free(w);
}
END_TEST

static int run(Suite *suite)
{
    SRunner *runner = srunner_create(suite);
    srunner_run_all(runner, CK_ENV);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--mdgplib") == 0) {
        const char *missing = data_missing();
        if (missing) {
            printf("SKIP: %s\n", missing);
            return 77; /* meson: SKIP */
        }
        Suite *suite = suite_create("partition-mdgplib");
        TCase *tc = tcase_create("mdgplib");
        tcase_set_timeout(tc, 120);
        tcase_add_test(tc, reaches_exact_optima_of_small_instances);
        suite_add_tcase(suite, tc);
        return run(suite);
    }
    if (argc != 1) {
        fprintf(stderr, "usage: %s [--mdgplib]\n", argv[0]);
        return 2;
    }
    Suite *suite = suite_create("partition");
    TCase *tc = tcase_create("partition");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, same_seed_and_threads_same_result);
    tcase_add_test(tc, diagonal_is_ignored);
    tcase_add_test(tc, bad_inputs_give_exact_errors);
    tcase_add_test(tc, cancel_keeps_best_and_time_limit_stops);
    tcase_add_test(tc, allocation_failures_are_reported);
    tcase_add_test(tc, population_narrows_to_the_best);
    suite_add_tcase(suite, tc);
    return run(suite);
}
