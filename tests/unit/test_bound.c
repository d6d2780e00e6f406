/* lm_groups_bound(): never below what any feasible grouping scores (the
 * exact optimum of small pools, every result the solver returns on larger
 * ones), exact where the structure allows, and reported on results. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libmatch/libmatch.h"
#include "engine/bound_internal.h"
#include "pool_equal.h"

/* ---- a small random pool and its exact optimum ---------------------------------- */

static uint64_t draw(uint64_t *state)
{
    /* splitmix64 */
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static double draw_unit(uint64_t *state)
{
    return (double)(draw(state) >> 11) * 0x1.0p-53;
}

/* n people over the first `topics` topics of the default taxonomy, with
 * languages, slots, homes within a few km, hosts; optionally two venues
 * with room for every group that could form, so that the exact optimum
 * below (which ignores venue capacity) is the true one. */
static lm_pool *small_pool(uint64_t seed, int n, int topics, bool venues)
{
    uint64_t state = seed;
    lm_pool *pool = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
    static const char *const spoken[] = {"", "nl", "ar", "nl;ar", "nl;en", "en"};
    for (int i = 0; i < n; i++) {
        char id[16];
        snprintf(id, sizeof id, "s%d", i);
        size_t who;
        lm_role role = draw_unit(&state) < 0.5 ? LM_NEWCOMER : LM_RESIDENT;
        ck_assert_int_eq(lm_pool_add(pool, id, role, &who), LM_OK);
        for (int v = LM_INTERESTS; v <= LM_WANTS; v++) {
            int entries = (int)(draw(&state) % 4);
            for (int e = 0; e < entries; e++) {
                size_t topic = (size_t)(draw(&state) % (uint64_t)topics);
                double level = (double)(1 + draw(&state) % 5) / 5.0;
                ck_assert_int_eq(lm_pool_set_value(pool, who, (lm_vector)v, topic, level), LM_OK);
            }
        }
        ck_assert_int_eq(lm_pool_set_languages(pool, who, spoken[draw(&state) % 6]), LM_OK);
        if (draw_unit(&state) < 0.85)
            ck_assert_int_eq(lm_pool_set_availability_mask(pool, who, draw(&state) % 16 << 3),
                             LM_OK);
        if (draw_unit(&state) < 0.85) {
            double lat = 52.05 + 0.06 * draw_unit(&state), lon = 5.05 + 0.1 * draw_unit(&state);
            double km = draw_unit(&state) < 0.5 ? 0.0 : 1.0 + 4.0 * draw_unit(&state);
            ck_assert_int_eq(lm_pool_set_location(pool, who, lat, lon, km), LM_OK);
        }
        ck_assert_int_eq(lm_pool_set_step_free(pool, who, draw_unit(&state) < 0.1), LM_OK);
        ck_assert_int_eq(lm_pool_set_host(pool, who, draw_unit(&state) < 0.4), LM_OK);
    }
    if (venues) {
        ck_assert_int_eq(lm_pool_add_venue(pool, "v1", 52.07, 5.08, 0x78, 4, true, NULL), LM_OK);
        ck_assert_int_eq(lm_pool_add_venue(pool, "v2", 52.10, 5.13, 0x30, 4, false, NULL), LM_OK);
    }
    return pool;
}

/* Random weights: mostly the usual signs, sometimes any sign. */
static void random_weights(uint64_t *state, lm_params *params)
{
    static const lm_param_double keys[] = {LM_PARAM_ALPHA, LM_PARAM_BETA, LM_PARAM_GAMMA,
                                           LM_PARAM_ETA,   LM_PARAM_LAMBDA, LM_PARAM_MU};
    static const double scale[] = {2, 2, 2, 2, 1, 12};
    bool any_sign = draw_unit(state) < 0.25;
    for (int k = 0; k < 6; k++) {
        double value = scale[k] * draw_unit(state);
        if (any_sign && draw_unit(state) < 0.3)
            value = -value;
        ck_assert_int_eq(lm_params_set_double(params, keys[k], value), LM_OK);
    }
}

/* The weighted score of one group as lm_groups_evaluate() gives it, or
 * -INFINITY when the group breaks a hard constraint. */
static double group_value(const lm_pool *pool, const lm_params *params, uint32_t members)
{
    lm_grouping *grouping = NULL;
    lm_result *result = NULL;
    ck_assert_int_eq(lm_grouping_new(&grouping), LM_OK);
    ck_assert_int_eq(lm_result_new(&result), LM_OK);
    for (size_t i = 0; i < lm_pool_size(pool); i++)
        if (members >> i & 1)
            ck_assert_int_eq(lm_grouping_assign(grouping, i, 0), LM_OK);
    ck_assert_int_eq(lm_groups_evaluate(pool, params, grouping, result), LM_OK);
    double value = -INFINITY;
    if (lm_result_violation_count(result) == 0)
        value = lm_result_group_score(result, 0, LM_TERM_TOTAL);
    lm_result_free(result);
    lm_grouping_free(grouping);
    return value;
}

/* The best total over every partition into feasible groups and people
 * left out, by dynamic programming over subsets: best(S) is the better of
 * leaving S's lowest member out and putting them in a group G within S. */
static double exact_optimum(const lm_pool *pool, const lm_params *params)
{
    size_t n = lm_pool_size(pool);
    uint32_t full = (uint32_t)((1u << n) - 1);
    double mu = lm_params_get_double(params, LM_PARAM_MU);
    int64_t least = lm_params_get_int(params, LM_PARAM_MIN_SIZE);
    int64_t most = lm_params_get_int(params, LM_PARAM_MAX_SIZE);
    double *group = malloc(sizeof(double) << n), *best = malloc(sizeof(double) << n);
    ck_assert_ptr_nonnull(group);
    ck_assert_ptr_nonnull(best);
    for (uint32_t m = 0; m <= full; m++) {
        int size = __builtin_popcount(m);
        group[m] = size >= least && size <= most ? group_value(pool, params, m) : -INFINITY;
    }
    best[0] = 0.0;
    for (uint32_t m = 1; m <= full; m++) {
        uint32_t lowest = m & (~m + 1), rest = m ^ lowest;
        double value = best[rest] - mu;
        for (uint32_t sub = rest;; sub = (sub - 1) & rest) {
            uint32_t g = sub | lowest;
            if (group[g] > -INFINITY && group[g] + best[m ^ g] > value)
                value = group[g] + best[m ^ g];
            if (!sub)
                break;
        }
        best[m] = value;
    }
    double answer = best[full];
    free(group);
    free(best);
    return answer;
}

static double bound_of(const lm_pool *pool, const lm_params *params)
{
    double bound;
    ck_assert_int_eq(lm_groups_bound(pool, params, &bound), LM_OK);
    ck_assert(isfinite(bound));
    return bound;
}

/* Room for rounding when a bound is compared with a total computed another
 * way: relative to what the total is made of. */
static double slack(const lm_pool *pool, const lm_params *params)
{
    double mu = fabs(lm_params_get_double(params, LM_PARAM_MU));
    return 1e-9 * (1.0 + mu * (double)lm_pool_size(pool));
}

/* ---- the bound is never below the best ------------------------------------------- */

START_TEST(bound_covers_the_exact_optimum_of_small_pools)
{
    lm_params *params = NULL;
    lm_result *result = NULL;
    ck_assert_int_eq(lm_params_new(&params), LM_OK);
    ck_assert_int_eq(lm_result_new(&result), LM_OK);
    ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_EFFORT, 2), LM_OK);
    for (uint64_t seed = 1; seed <= 60; seed++) {
        uint64_t state = seed * 7919;
        int n = 10 + (int)(seed % 4);
        lm_pool *pool = small_pool(seed, n, 3 + (int)(seed % 5), seed % 2 == 0);
        int64_t least = 3 + (int64_t)(seed % 2), most = 5 + (int64_t)(seed % 3 == 0);
        int64_t q = 1 + (int64_t)(seed % 5 != 0);
        ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_MIN_SIZE, least), LM_OK);
        ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_MAX_SIZE, most), LM_OK);
        ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_MIN_PER_ROLE, q), LM_OK);
        ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_LANGUAGE, seed % 7 != 0), LM_OK);
        random_weights(&state, params);
        double optimum = exact_optimum(pool, params);
        double bound = bound_of(pool, params);
        ck_assert_msg(bound >= optimum - slack(pool, params),
                      "seed %llu: bound %.12f below the exact optimum %.12f",
                      (unsigned long long)seed, bound, optimum);
        /* the tables that large pools use, here where the optimum is known */
        lm_bound_detail tables;
        ck_assert_int_eq(lm__groups_bound_pairwise(pool, params, 0, &tables), LM_OK);
        ck_assert(!tables.pairwise || tables.placeable == 0);
        ck_assert_msg(tables.bound >= optimum - slack(pool, params),
                      "seed %llu: bound from the tables %.12f below the exact optimum %.12f",
                      (unsigned long long)seed, tables.bound, optimum);
        ck_assert(tables.bound >= bound - slack(pool, params)); /* pairs only add */
        /* the solver (exact on regions this small) cannot beat it either */
        ck_assert_int_eq(lm_groups_form(pool, params, result), LM_OK);
        ck_assert(lm_result_total(result) <= bound + slack(pool, params));
        ck_assert(lm_result_bound(result) == bound);
        lm_pool_free(pool);
    }
    lm_result_free(result);
    lm_params_free(params);
}
END_TEST

/* Generated cities of a few hundred people, with and without venues, random
 * weights and sizes, solved pair by pair and by class tables: no result of
 * the solver exceeds the bound. */
START_TEST(bound_covers_every_solver_result)
{
    lm_params *params = NULL;
    lm_result *result = NULL;
    ck_assert_int_eq(lm_params_new(&params), LM_OK);
    ck_assert_int_eq(lm_result_new(&result), LM_OK);
    ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_EFFORT, 4), LM_OK);
    static const size_t sizes[] = {150, 400, 1500};
    for (uint64_t seed = 1; seed <= 12; seed++) {
        uint64_t state = seed * 104729;
        size_t n = sizes[seed % 3];
        lm_pool *pool = NULL;
        ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
        ck_assert_int_eq(lm_pool_generate(pool, n, 0.2 + 0.3 * draw_unit(&state),
                                          seed % 2 ? n / 60 : 0, seed),
                         LM_OK);
        random_weights(&state, params);
        int64_t least = 3 + (int64_t)(draw(&state) % 2), q = 1 + (int64_t)(draw(&state) % 2);
        ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_MIN_SIZE, least), LM_OK);
        ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_MAX_SIZE, least + 2), LM_OK);
        ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_MIN_PER_ROLE, q), LM_OK);
        ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_SEED, (int64_t)seed), LM_OK);
        ck_assert_int_eq(lm_groups_form(pool, params, result), LM_OK);
        double bound = bound_of(pool, params), total = lm_result_total(result);
        ck_assert_msg(total <= bound + slack(pool, params),
                      "seed %llu, %zu people: total %.9f above the bound %.9f",
                      (unsigned long long)seed, n, total, bound);
        ck_assert(lm_result_bound(result) == bound);
        lm_bound_detail detail;
        ck_assert_int_eq(lm__groups_bound(pool, params, &detail), LM_OK);
        ck_assert(detail.pairwise == (n <= 400));
        size_t placed = 0;
        for (size_t g = 0; g < lm_result_group_count(result); g++)
            placed += lm_result_group_size(result, g);
        ck_assert_uint_le(placed, detail.placeable);
        fprintf(stderr, "# seed %llu, %zu people%s: gap %.2f%%\n", (unsigned long long)seed, n,
                seed % 2 ? " with venues" : "", 100.0 * lm_result_gap(result));
        lm_pool_free(pool);
    }
    lm_result_free(result);
    lm_params_free(params);
}
END_TEST

/* ---- exact where the structure allows ----------------------------------------------- */

/* Adds person number i with interests and languages (tags, codes). */
static size_t add_person(lm_pool *pool, int i, lm_role role, const char *interests,
                         const char *languages)
{
    char id[16];
    snprintf(id, sizeof id, "q%d", i);
    size_t who;
    ck_assert_int_eq(lm_pool_add(pool, id, role, &who), LM_OK);
    ck_assert_int_eq(lm_pool_set_tags(pool, who, LM_INTERESTS, interests), LM_OK);
    ck_assert_int_eq(lm_pool_set_languages(pool, who, languages), LM_OK);
    return who;
}

/* Twelve identical people, six of each role, all willing hosts, free at the
 * same slot in one street: the best grouping is three groups of 2 + 2 (each
 * group's co-host bonus counts once), and the bound is exactly its total. */
START_TEST(identical_people_bound_is_the_optimum)
{
    lm_pool *pool = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
    for (int i = 0; i < 12; i++) {
        size_t who = add_person(pool, i, i % 2 ? LM_RESIDENT : LM_NEWCOMER, "guitar;cooking:0.5",
                                "nl");
        ck_assert_int_eq(lm_pool_set_tags(pool, who, LM_OFFERS, "dutch;arabic:0.5"), LM_OK);
        ck_assert_int_eq(lm_pool_set_tags(pool, who, LM_WANTS, "arabic;baking"), LM_OK);
        ck_assert_int_eq(lm_pool_set_availability(pool, who, "wed-evening"), LM_OK);
        ck_assert_int_eq(lm_pool_set_location(pool, who, 52.09, 5.12 + 0.0001 * i, 0), LM_OK);
        ck_assert_int_eq(lm_pool_set_host(pool, who, true), LM_OK);
    }
    lm_params *params = NULL;
    ck_assert_int_eq(lm_params_new(&params), LM_OK);
    double optimum = exact_optimum(pool, params), bound = bound_of(pool, params);
    ck_assert_double_eq_tol(bound, optimum, 1e-9);
    lm_bound_detail tables; /* the tables of large pools are exact here too */
    ck_assert_int_eq(lm__groups_bound_pairwise(pool, params, 0, &tables), LM_OK);
    ck_assert_double_eq_tol(tables.bound, optimum, 1e-9);
    /* the same with weights that favour bigger groups: two of 3 + 3 */
    ck_assert_int_eq(lm_params_set_double(params, LM_PARAM_ETA, 0.0), LM_OK);
    optimum = exact_optimum(pool, params);
    ck_assert_double_eq_tol(bound_of(pool, params), optimum, 1e-9);
    lm_bound_detail detail;
    ck_assert_int_eq(lm__groups_bound(pool, params, &detail), LM_OK);
    ck_assert_uint_eq(detail.placeable, 12);
    ck_assert_uint_eq(detail.placed, 12);
    /* a venue with room for one group: the best single group of 3 + 3 */
    size_t slot;
    ck_assert_int_eq(lm_slot_find("wed-evening", &slot), LM_OK);
    ck_assert_int_eq(lm_pool_add_venue(pool, "hall", 52.09, 5.12, (uint64_t)1 << slot, 1, true,
                                       NULL),
                     LM_OK);
    ck_assert_int_eq(lm_params_set_double(params, LM_PARAM_ETA, 1.0), LM_OK);
    ck_assert_int_eq(lm__groups_bound(pool, params, &detail), LM_OK);
    ck_assert_uint_eq(detail.max_groups, 1);
    ck_assert_uint_eq(detail.placed, 6);
    double best_group = -INFINITY;
    for (uint32_t members = 0; members < 1u << 12; members++)
        if (__builtin_popcount(members) >= 4 && __builtin_popcount(members) <= 6)
            best_group = fmax(best_group, group_value(pool, params, members) -
                                              10.0 * (12 - __builtin_popcount(members)));
    ck_assert_double_eq_tol(detail.bound, best_group, 1e-9);
    lm_result *result = NULL;
    ck_assert_int_eq(lm_result_new(&result), LM_OK);
    ck_assert_int_eq(lm_groups_form(pool, params, result), LM_OK);
    ck_assert_double_eq_tol(lm_result_total(result), best_group, 1e-9);
    ck_assert(lm_result_gap(result) < 1e-12);
    lm_result_free(result);
    lm_params_free(params);
    lm_pool_free(pool);
}
END_TEST

/* How many can be placed, from the roles and sizes alone: everybody
 * compatible, 7 newcomers and 3 residents, groups of 4 to 6 with 2 of each
 * role: 3 residents make one group only, so 6 at most (not the 7 that 4
 * newcomers and 3 residents would be); and the one person nobody could
 * group with is never counted. */
START_TEST(placement_counts_roles_and_sizes)
{
    lm_pool *pool = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
    for (int i = 0; i < 11; i++) /* the last one speaks a language nobody else does */
        add_person(pool, i, i < 7 ? LM_NEWCOMER : LM_RESIDENT, "football", i == 10 ? "ti" : "nl");
    lm_params *params = NULL;
    ck_assert_int_eq(lm_params_new(&params), LM_OK);
    lm_bound_detail detail;
    ck_assert_int_eq(lm__groups_bound(pool, params, &detail), LM_OK);
    ck_assert_uint_eq(detail.placeable, 10);
    ck_assert_uint_eq(detail.residents, 3);
    ck_assert_uint_eq(detail.placed, 6);
    double optimum = exact_optimum(pool, params);
    ck_assert(detail.bound >= optimum - 1e-9);
    ck_assert_double_eq_tol(detail.bound, optimum, 1e-9);
    lm_params_free(params);
    lm_pool_free(pool);
}
END_TEST

/* ---- the API ------------------------------------------------------------------------ */

START_TEST(bound_api_and_results)
{
    double bound = 0.0;
    lm_params *params = NULL;
    ck_assert_int_eq(lm_params_new(&params), LM_OK);
    ck_assert_int_eq(lm_groups_bound(NULL, params, &bound), LM_E_INVALID);
    ck_assert(isnan(bound));
    lm_pool *pool = small_pool(3, 12, 4, false);
    ck_assert_int_eq(lm_groups_bound(pool, NULL, &bound), LM_E_INVALID);
    ck_assert_int_eq(lm_groups_bound(pool, params, NULL), LM_E_INVALID);
    ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_MIN_SIZE, 7), LM_OK);
    ck_assert_int_eq(lm_groups_bound(pool, params, &bound), LM_E_INFEASIBLE);
    ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_MIN_SIZE, 4), LM_OK);

    lm_result *result = NULL;
    ck_assert_int_eq(lm_result_new(&result), LM_OK);
    ck_assert(isnan(lm_result_bound(result)) && isnan(lm_result_gap(result)));
    ck_assert(isnan(lm_result_bound(NULL)) && isnan(lm_result_gap(NULL)));
    ck_assert_int_eq(lm_groups_form(pool, params, result), LM_OK);
    bound = lm_result_bound(result);
    double mu = lm_params_get_double(params, LM_PARAM_MU), total = lm_result_total(result);
    ck_assert(bound >= total);
    ck_assert_double_eq_tol(lm_result_gap(result), (bound - total) / (bound + mu * 12.0), 1e-15);

    /* the bound survives a msgpack round trip; a file without one has none */
    make_test_folder();
    lm_result *back = NULL;
    ck_assert_int_eq(lm_result_new(&back), LM_OK);
    ck_assert_int_eq(lm_result_save_msgpack(result, pool, test_path("formed.msgpack"), NULL),
                     LM_OK);
    ck_assert_int_eq(lm_result_load_file(back, pool, test_path("formed.msgpack"), NULL), LM_OK);
    assert_same_double(lm_result_bound(back), bound);
    assert_same_double(lm_result_gap(back), lm_result_gap(result));

    /* an evaluation has no bound of its own */
    lm_grouping *grouping = NULL;
    ck_assert_int_eq(lm_grouping_new(&grouping), LM_OK);
    ck_assert_int_eq(lm_groups_evaluate(pool, params, grouping, result), LM_OK);
    ck_assert(isnan(lm_result_bound(result)));
    lm_grouping_free(grouping);
    ck_assert_int_eq(lm_result_save_msgpack(result, pool, test_path("evaluated.msgpack"), NULL),
                     LM_OK);
    ck_assert_int_eq(lm_result_load_file(back, pool, test_path("evaluated.msgpack"), NULL), LM_OK);
    ck_assert(isnan(lm_result_bound(back)) && isnan(lm_result_gap(back)));
    lm_result_free(back);
    remove_test_folder();

    /* exact pairs are their own bound; pairs on the candidate graph have none */
    ck_assert_int_eq(lm_pairs_match(pool, params, result), LM_OK);
    ck_assert_int_eq(lm_result_optimality(result), LM_OPTIMAL);
    ck_assert(lm_result_bound(result) == lm_result_total(result));
    ck_assert(lm_result_gap(result) == 0.0);
    ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_CANDIDATES, 1), LM_OK);
    lm_pool *big = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &big), LM_OK);
    ck_assert_int_eq(lm_pool_generate(big, 6000, -1.0, 0, 4), LM_OK);
    ck_assert_int_eq(lm_pairs_match(big, params, result), LM_OK);
    if (lm_result_optimality(result) == LM_OPTIMAL_ON_CANDIDATES)
        ck_assert(isnan(lm_result_bound(result)) && isnan(lm_result_gap(result)));
    lm_pool_free(big);

    /* a partition result has none */
    const double weights[16] = {0, 1, 2, 3, 1, 0, 4, 5, 2, 4, 0, 6, 3, 5, 6, 0};
    const size_t lower[2] = {2, 2}, upper[2] = {2, 2};
    ck_assert_int_eq(lm_partition_solve(4, 2, weights, lower, upper, NULL, result), LM_OK);
    ck_assert(isnan(lm_result_bound(result)));
    lm_result_free(result);
    lm_params_free(params);
    lm_pool_free(pool);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("bound");
    struct {
        const char *name;
        const TTest *test;
    } cases[] = {
        {"exact", bound_covers_the_exact_optimum_of_small_pools},
        {"solver", bound_covers_every_solver_result},
        {"identical", identical_people_bound_is_the_optimum},
        {"placement", placement_counts_roles_and_sizes},
        {"api", bound_api_and_results},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        TCase *tc = tcase_create(cases[k].name);
        tcase_set_timeout(tc, 240);
        tcase_add_test(tc, cases[k].test);
        suite_add_tcase(s, tc);
    }
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
