/* Pairs mode through the public API, against optima computed another way:
 * a brute force over every matching of tiny pools, scored and checked with
 * the reference functions (lm__group_score, lm__group_feasible). Also the
 * fast pair score and pair constraints against those references, reasons,
 * errors, cancellation, allocation failures and determinism. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/constraints_internal.h"
#include "libmatch/libmatch.h"
#include "engine/objective_internal.h"
#include "pairs/pairs_internal.h"

static uint64_t rng_state;

static uint64_t next_random(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static bool chance(int percent)
{
    return (int)(next_random() % 100) < percent;
}

static double uniform(double lo, double hi)
{
    return lo + (hi - lo) * (double)(next_random() >> 11) / 9007199254740992.0;
}

#define OK(call) ck_assert_int_eq((call), LM_OK)

static lm_params *pair_params(void)
{
    lm_params *params = NULL;
    OK(lm_params_new(&params));
    return params;
}

/* A random pool of tiny size: few topics, levels from a small set (ties),
 * languages among nl/en/ar or unknown, slots among the first four or
 * unknown, homes around Utrecht with assorted distances, some without. */
static lm_pool *tiny_pool(size_t newcomers, size_t residents, size_t venues)
{
    static const double levels[] = {0.3, 0.5, 1.0};
    static const char *languages[] = {"", "nl", "en", "ar", "nl;en", "ar;en", "nl;ar"};
    lm_pool *pool = NULL;
    OK(lm_pool_new(NULL, &pool));
    for (size_t k = 0; k < newcomers + residents; k++) {
        char id[32];
        lm_role role = k < newcomers ? LM_NEWCOMER : LM_RESIDENT;
        snprintf(id, sizeof id, "%c%zu", role == LM_NEWCOMER ? 'n' : 'r', k);
        size_t p;
        OK(lm_pool_add(pool, id, role, &p));
        for (int v = 0; v < 3; v++)
            for (size_t t = 0; t < 6; t++)
                if (chance(v == 0 ? 40 : 25))
                    OK(lm_pool_set_value(pool, p, (lm_vector)v, t, levels[next_random() % 3]));
        OK(lm_pool_set_languages(pool, p, chance(10) ? "" : languages[1 + next_random() % 6]));
        uint64_t mask = chance(10) ? 0 : next_random() & 0xf;
        OK(lm_pool_set_availability_mask(pool, p, mask));
        if (chance(85)) {
            static const double distances[] = {0.0, 2.0, 3.0, 8.0};
            OK(lm_pool_set_location(pool, p, 52.09 + uniform(-0.03, 0.03),
                                    5.12 + uniform(-0.05, 0.05), distances[next_random() % 4]));
        }
        OK(lm_pool_set_host(pool, p, chance(40)));
        OK(lm_pool_set_step_free(pool, p, chance(15)));
    }
    for (size_t v = 0; v < venues; v++) {
        char id[32];
        snprintf(id, sizeof id, "v%zu", v);
        OK(lm_pool_add_venue(pool, id, 52.09 + uniform(-0.02, 0.02), 5.12 + uniform(-0.03, 0.03),
                             (next_random() & 0xf) | 1u << (next_random() % 4), 1, chance(60),
                             NULL));
    }
    return pool;
}

/* ---- the brute force ---------------------------------------------------------- */

typedef struct brute {
    size_t newcomers, residents;
    size_t newcomer[8], resident[8];
    double score[8][8]; /* weighted pair score, NAN when infeasible */
    double mu;
} brute;

static double brute_best(const brute *b, size_t k, unsigned used)
{
    /* k and r stay below 8 (the arrays' size): said outright, so that gcc
     * -O3 sees it through the recursion (-Warray-bounds) */
    if (k >= b->newcomers || k >= 8)
        return 0.0;
    double best = brute_best(b, k + 1, used);
    for (size_t r = 0; r < b->residents && r < 8; r++) {
        if (used >> r & 1u || isnan(b->score[k][r]))
            continue;
        double value = 2.0 * b->mu + b->score[k][r] + brute_best(b, k + 1, used | 1u << r);
        if (value > best)
            best = value;
    }
    return best;
}

static double brute_force(const lm_pool *pool, const lm_params *params)
{
    brute b;
    memset(&b, 0, sizeof b);
    b.mu = lm_params_get_double(params, LM_PARAM_MU);
    for (size_t p = 0; p < lm_pool_size(pool); p++) {
        if (lm_pool_role(pool, p) == LM_NEWCOMER)
            b.newcomer[b.newcomers++] = p;
        else
            b.resident[b.residents++] = p;
    }
    for (size_t i = 0; i < b.newcomers; i++)
        for (size_t j = 0; j < b.residents; j++) {
            size_t members[2] = {b.newcomer[i], b.resident[j]};
            if (members[0] > members[1]) {
                members[0] = b.resident[j];
                members[1] = b.newcomer[i];
            }
            b.score[i][j] = NAN;
            if (!lm__group_feasible(pool, params, members, 2, true, NULL, NULL, NULL))
                continue;
            lm_group_score score;
            OK(lm__group_score(pool, &params->weights, members, 2, &score));
            b.score[i][j] = score.terms[LM_TERM_TOTAL];
        }
    return brute_best(&b, 0, 0) - b.mu * (double)lm_pool_size(pool);
}

/* Every group is a feasible newcomer-resident pair reported with the
 * reference score and placement; everybody else is unassigned once; the
 * total adds up; lm_groups_evaluate() with the pairs parameters agrees. */
static void check_result(const lm_pool *pool, const lm_params *params, const lm_result *result)
{
    size_t n = lm_pool_size(pool);
    char *seen = calloc(n + 1, 1);
    double sum = 0.0;
    lm_grouping *grouping = NULL;
    OK(lm_grouping_new(&grouping));
    for (size_t g = 0; g < lm_result_group_count(result); g++) {
        ck_assert_uint_eq(lm_result_group_size(result, g), 2);
        size_t members[2] = {lm_result_group_member(result, g, 0),
                             lm_result_group_member(result, g, 1)};
        ck_assert_uint_lt(members[0], members[1]);
        if (g > 0)
            ck_assert_uint_gt(members[0], lm_result_group_member(result, g - 1, 0));
        ck_assert_int_ne(lm_pool_role(pool, members[0]), lm_pool_role(pool, members[1]));
        for (int m = 0; m < 2; m++) {
            ck_assert(!seen[members[m]]);
            seen[members[m]] = 1;
            OK(lm_grouping_assign(grouping, members[m], g));
        }
        lm_placement place;
        ck_assert(lm__group_feasible(pool, params, members, 2, true, NULL, NULL, &place));
        ck_assert_int_eq(lm_result_group_slot(result, g), place.slot);
        ck_assert_int_eq(lm_result_group_venue(result, g), place.venue);
        ck_assert_int_eq(lm_result_group_language(result, g), place.language);
        lm_group_score score;
        OK(lm__group_score(pool, &params->weights, members, 2, &score));
        for (int t = 0; t <= LM_TERM_TOTAL; t++)
            ck_assert_double_eq(lm_result_group_score(result, g, (lm_term)t), score.terms[t]);
        ck_assert_uint_eq(lm_result_group_theme(result, g), score.theme);
        ck_assert_int_eq(lm_result_group_cohost(result, g, LM_NEWCOMER), score.cohost[0]);
        ck_assert_int_eq(lm_result_group_cohost(result, g, LM_RESIDENT), score.cohost[1]);
        sum += score.terms[LM_TERM_TOTAL];
    }
    size_t unassigned = lm_result_unassigned_count(result);
    for (size_t k = 0; k < unassigned; k++) {
        size_t p = lm_result_unassigned(result, k);
        ck_assert(!seen[p]);
        seen[p] = 1;
        if (k > 0)
            ck_assert_uint_gt(p, lm_result_unassigned(result, k - 1));
        ck_assert_int_ne(lm_result_unassigned_reason(result, k), LM_REASON_NONE);
    }
    for (size_t p = 0; p < n; p++)
        ck_assert_msg(seen[p], "participant %zu is neither paired nor unassigned", p);
    double mu = lm_params_get_double(params, LM_PARAM_MU);
    ck_assert_double_eq_tol(lm_result_total(result), sum - mu * (double)unassigned, 1e-9);

    /* the same parameters with the sizes of pairs mode */
    lm_params *evaluation = pair_params();
    *evaluation = *params;
    evaluation->min_size = evaluation->max_size = 2;
    evaluation->min_per_role = 1;
    evaluation->progress = NULL;
    for (size_t g = 0; g < lm_result_group_count(result); g++) {
        OK(lm_grouping_set_slot(grouping, g, (size_t)lm_result_group_slot(result, g)));
        if (lm_result_group_venue(result, g) >= 0)
            OK(lm_grouping_set_venue(grouping, g, (size_t)lm_result_group_venue(result, g)));
    }
    lm_result *checked = NULL;
    OK(lm_result_new(&checked));
    OK(lm_groups_evaluate(pool, evaluation, grouping, checked));
    for (size_t k = 0; k < lm_result_violation_count(checked); k++) /* pairs book no venue */
        ck_assert_msg(lm_result_violation_kind(checked, k) == LM_VIOLATION_CAPACITY, "%s",
                      lm_result_violation_message(checked, k));
    ck_assert_double_eq_tol(lm_result_total(checked), lm_result_total(result), 1e-9);
    lm_result_free(checked);
    lm_params_free(evaluation);
    lm_grouping_free(grouping);
    free(seen);
}

START_TEST(tiny_pools_reach_the_brute_force_optimum)
{
    rng_state = 2024;
    lm_result *result = NULL;
    OK(lm_result_new(&result));
    for (int trial = 0; trial < 600; trial++) {
        size_t newcomers = next_random() % 8, residents = next_random() % 8;
        size_t venues = trial % 3 == 2 ? 1 + next_random() % 3 : 0;
        lm_pool *pool = tiny_pool(newcomers, residents, venues);
        lm_params *params = pair_params();
        if (trial % 2 == 1) /* low mu and assorted weights: pairs trade against pairs */
            for (int w = LM_PARAM_ALPHA; w <= LM_PARAM_MU; w++)
                if (w != LM_PARAM_LAMBDA)
                    OK(lm_params_set_double(params, (lm_param_double)w, uniform(0.0, 3.0)));
        if (trial % 5 == 3)
            OK(lm_params_set_int(params, LM_PARAM_LANGUAGE, 0));
        if (trial % 7 == 4)
            OK(lm_params_set_double(params, LM_PARAM_DEFAULT_MAX_KM, 2.5));
        double expected = brute_force(pool, params);

        OK(lm_pairs_match(pool, params, result));
        ck_assert_int_eq(lm_result_optimality(result), LM_OPTIMAL);
        ck_assert_msg(fabs(lm_result_total(result) - expected) < 1e-9,
                      "trial %d (%zu+%zu, %zu venues): dense %.12g, brute force %.12g", trial,
                      newcomers, residents, venues, lm_result_total(result), expected);
        check_result(pool, params, result);

        /* a candidate graph that holds every feasible pair gives the same */
        OK(lm_params_set_int(params, LM_PARAM_CANDIDATES, 10));
        OK(lm_pairs_match(pool, params, result));
        ck_assert_int_eq(lm_result_optimality(result), LM_OPTIMAL_ON_CANDIDATES);
        ck_assert_msg(fabs(lm_result_total(result) - expected) < 1e-9,
                      "trial %d: sparse %.12g, brute force %.12g", trial,
                      lm_result_total(result), expected);
        check_result(pool, params, result);
        lm_params_free(params);
        lm_pool_free(pool);
    }
    lm_result_free(result);
}
END_TEST

START_TEST(fast_scores_and_rules_agree_with_the_references)
{
    for (int venues = 0; venues <= 6; venues += 6) {
        lm_pool *pool = NULL;
        OK(lm_pool_new(NULL, &pool));
        OK(lm_pool_generate(pool, 160, 0.5, (size_t)venues, 7));
        rng_state = 99;
        lm_pool *tiny = tiny_pool(6, 6, (size_t)venues / 2);
        lm_pool *pools[2] = {pool, tiny};
        for (int k = 0; k < 2; k++) {
            const lm_pool *pl = pools[k];
            lm_params *params = pair_params();
            lm_pair_profiles profiles;
            lm_pair_scorer scorer;
            lm_pair_rules rules;
            OK(lm__pair_profiles_build(pl, &profiles));
            OK(lm__pair_scorer_init(&scorer, pl, &params->weights, &profiles));
            OK(lm__pair_rules_init(&rules, pl, params));
            size_t feasible = 0, checked = 0;
            for (size_t a = 0; a < lm_pool_size(pl); a++) {
                lm__pair_scorer_load(&scorer, a);
                for (size_t b = 0; b < lm_pool_size(pl); b++) {
                    if (lm_pool_role(pl, a) == lm_pool_role(pl, b))
                        continue;
                    size_t members[2] = {a < b ? a : b, a < b ? b : a};
                    lm_group_score score;
                    OK(lm__group_score(pl, &params->weights, members, 2, &score));
                    ck_assert_double_eq_tol(lm__pair_scorer_score(&scorer, b),
                                            score.terms[LM_TERM_TOTAL], 1e-12);
                    bool reference =
                        lm__group_feasible(pl, params, members, 2, true, NULL, NULL, NULL);
                    ck_assert_int_eq(lm__pair_feasible(&rules, a, b), reference);
                    feasible += reference;
                    checked++;
                }
            }
            /* both answers occur, so the comparison means something */
            ck_assert_uint_gt(feasible, 0);
            ck_assert_uint_lt(feasible, checked);
            lm__pair_profiles_free(&profiles);
            lm__pair_scorer_free(&scorer);
            lm__pair_rules_free(&rules);
            lm_params_free(params);
        }
        lm_pool_free(pool);
        lm_pool_free(tiny);
    }
}
END_TEST

START_TEST(venue_reach_at_the_limit_is_that_of_the_reference)
{
    /* a person exactly at, just within and just beyond max_km of a venue,
     * in several directions and distances: the fast reach test must agree
     * with lm_distance_km() to the last bit */
    for (int k = 0; k < 60; k++) {
        lm_pool *pool = NULL;
        OK(lm_pool_new(NULL, &pool));
        double lat = 52.09 + 0.0007 * k * (k % 2 ? 1 : -1), lon = 5.12 + 0.0011 * (k % 7);
        OK(lm_pool_add_venue(pool, "v", 52.09, 5.12, 1, 1, true, NULL));
        double d = lm_distance_km(lat, lon, 52.09, 5.12);
        double limits[3] = {d, nextafter(d, 0.0), nextafter(d, 1e9)};
        for (int l = 0; l < 3; l++) {
            size_t p;
            char id[32];
            snprintf(id, sizeof id, "p%d", l);
            OK(lm_pool_add(pool, id, LM_NEWCOMER, &p));
            OK(lm_pool_set_location(pool, p, lat, lon, limits[l] > 0 ? limits[l] : 1e-3));
        }
        lm_params *params = pair_params();
        lm_pair_rules rules;
        OK(lm__pair_rules_init(&rules, pool, params));
        for (size_t p = 0; p < 3; p++) {
            double max_km;
            double plat, plon;
            ck_assert(lm_pool_location(pool, p, &plat, &plon, &max_km));
            bool expected = !(lm_distance_km(plat, plon, 52.09, 5.12) > max_km);
            ck_assert_int_eq(lm__pair_has_venue(&rules, p), expected);
            ck_assert_int_eq((int)(rules.reach[p] & 1), expected);
        }
        lm__pair_rules_free(&rules);
        lm_params_free(params);
        lm_pool_free(pool);
    }
}
END_TEST

/* ---- reasons ------------------------------------------------------------------- */

static size_t add_person(lm_pool *pool, const char *id, lm_role role, const char *languages,
                         const char *slots, double lat, double lon, double max_km)
{
    size_t p;
    OK(lm_pool_add(pool, id, role, &p));
    OK(lm_pool_set_tags(pool, p, LM_INTERESTS, "guitar"));
    OK(lm_pool_set_languages(pool, p, languages));
    OK(lm_pool_set_availability(pool, p, slots));
    OK(lm_pool_set_location(pool, p, lat, lon, max_km));
    return p;
}

static lm_reason reason_of(const lm_result *result, size_t participant)
{
    for (size_t k = 0; k < lm_result_unassigned_count(result); k++)
        if (lm_result_unassigned(result, k) == participant)
            return lm_result_unassigned_reason(result, k);
    return LM_REASON_NONE;
}

START_TEST(unassigned_people_get_the_most_specific_reason)
{
    lm_pool *pool = NULL;
    OK(lm_pool_new(NULL, &pool));
    size_t r0 = add_person(pool, "r0", LM_RESIDENT, "nl", "tue-evening", 52.09, 5.12, 0);
    size_t n0 = add_person(pool, "n0", LM_NEWCOMER, "ar", "tue-evening", 52.09, 5.12, 0);
    size_t n1 = add_person(pool, "n1", LM_NEWCOMER, "nl", "mon-morning", 52.09, 5.12, 0);
    size_t n2 = add_person(pool, "n2", LM_NEWCOMER, "nl", "tue-evening", 52.37, 4.90, 2);
    size_t n3 = add_person(pool, "n3", LM_NEWCOMER, "nl", "tue-evening", 52.09, 5.121, 0);
    size_t n4 = add_person(pool, "n4", LM_NEWCOMER, "nl", "tue-evening", 52.091, 5.12, 0);
    OK(lm_pool_set_tags(pool, n3, LM_OFFERS, "dutch")); /* no effect: r0 wants nothing */
    OK(lm_pool_set_host(pool, n3, true));
    OK(lm_pool_set_host(pool, r0, true)); /* n3 + r0 earn the co-host point: n3 wins */
    lm_params *params = pair_params();
    lm_result *result = NULL;
    OK(lm_result_new(&result));
    OK(lm_pairs_match(pool, params, result));
    ck_assert_uint_eq(lm_result_group_count(result), 1);
    ck_assert_uint_eq(lm_result_group_member(result, 0, 0), r0);
    ck_assert_uint_eq(lm_result_group_member(result, 0, 1), n3);
    ck_assert_int_eq(reason_of(result, n0), LM_REASON_NO_SHARED_LANGUAGE);
    ck_assert_int_eq(reason_of(result, n1), LM_REASON_NO_COMMON_SLOT);
    ck_assert_int_eq(reason_of(result, n2), LM_REASON_TOO_FAR);
    ck_assert_int_eq(reason_of(result, n4), LM_REASON_ROLE_SHORTAGE);
    /* theme 2 (guitar) + shared 2 + cohost 1, minus mu for four people alone */
    ck_assert_double_eq_tol(lm_result_total(result), 5.0 - 40.0, 1e-12);
    check_result(pool, params, result);

    /* with the language rule off, n0 is only short of residents */
    OK(lm_params_set_int(params, LM_PARAM_LANGUAGE, 0));
    OK(lm_pairs_match(pool, params, result));
    ck_assert_int_eq(reason_of(result, n0), LM_REASON_ROLE_SHORTAGE);

    /* with venues: n4 needs step-free access that no venue offers */
    OK(lm_pool_add_venue(pool, "centre", 52.09, 5.12, ((uint64_t)1 << 21) - 1, 1, false, NULL));
    OK(lm_pool_set_step_free(pool, n4, true));
    OK(lm_params_set_int(params, LM_PARAM_LANGUAGE, 1));
    OK(lm_pairs_match(pool, params, result));
    ck_assert_int_eq(reason_of(result, n4), LM_REASON_NO_VENUE);
    ck_assert_int_eq(reason_of(result, n2), LM_REASON_NO_VENUE);
    ck_assert_int_eq(lm_result_group_venue(result, 0), 0);
    check_result(pool, params, result);

    /* nothing worth pairing (mu 0, all weights 0): feasible but not placed */
    for (int w = LM_PARAM_ALPHA; w <= LM_PARAM_MU; w++)
        OK(lm_params_set_double(params, (lm_param_double)w, 0.0));
    OK(lm_pairs_match(pool, params, result));
    ck_assert_uint_eq(lm_result_group_count(result), 0);
    ck_assert_int_eq(reason_of(result, n3), LM_REASON_NOT_PLACED);
    ck_assert_int_eq(reason_of(result, r0), LM_REASON_NOT_PLACED);
    ck_assert_double_eq(lm_result_total(result), 0.0);
    lm_params_free(params);
    lm_pool_free(pool);

    /* one role only: everybody is short of the other role */
    OK(lm_pool_new(NULL, &pool));
    add_person(pool, "a", LM_NEWCOMER, "nl", "", 52.0, 5.0, 0);
    add_person(pool, "b", LM_NEWCOMER, "nl", "", 52.0, 5.0, 0);
    params = pair_params();
    OK(lm_pairs_match(pool, params, result));
    ck_assert_uint_eq(lm_result_unassigned_count(result), 2);
    ck_assert_int_eq(lm_result_unassigned_reason(result, 0), LM_REASON_ROLE_SHORTAGE);
    ck_assert_double_eq(lm_result_total(result), -20.0);
    lm_params_free(params);
    lm_pool_free(pool);

    /* an empty pool is a valid, empty result */
    OK(lm_pool_new(NULL, &pool));
    params = pair_params();
    OK(lm_pairs_match(pool, params, result));
    ck_assert_uint_eq(lm_result_group_count(result), 0);
    ck_assert_uint_eq(lm_result_unassigned_count(result), 0);
    ck_assert_int_eq(lm_result_optimality(result), LM_OPTIMAL);
    lm_params_free(params);
    lm_pool_free(pool);
    lm_result_free(result);
}
END_TEST

/* ---- larger pools, errors ------------------------------------------------------- */

static void same_result(const lm_result *a, const lm_result *b)
{
    ck_assert_uint_eq(lm_result_group_count(a), lm_result_group_count(b));
    ck_assert(lm_result_total(a) == lm_result_total(b));
    for (size_t g = 0; g < lm_result_group_count(a); g++)
        for (size_t k = 0; k < 2; k++)
            ck_assert_uint_eq(lm_result_group_member(a, g, k), lm_result_group_member(b, g, k));
    ck_assert_uint_eq(lm_result_unassigned_count(a), lm_result_unassigned_count(b));
    for (size_t k = 0; k < lm_result_unassigned_count(a); k++) {
        ck_assert_uint_eq(lm_result_unassigned(a, k), lm_result_unassigned(b, k));
        ck_assert_int_eq(lm_result_unassigned_reason(a, k), lm_result_unassigned_reason(b, k));
    }
}

START_TEST(generated_pools_candidates_never_beat_the_optimum)
{
    for (uint64_t seed = 1; seed <= 4; seed++) {
        lm_pool *pool = NULL;
        OK(lm_pool_new(NULL, &pool));
        OK(lm_pool_generate(pool, 500, seed % 2 ? 0.3 : 0.5, seed > 2 ? 5 : 0, seed));
        lm_params *params = pair_params();
        lm_result *dense = NULL, *sparse = NULL, *again = NULL;
        OK(lm_result_new(&dense));
        OK(lm_result_new(&sparse));
        OK(lm_result_new(&again));
        OK(lm_pairs_match(pool, params, dense));
        check_result(pool, params, dense);
        OK(lm_params_set_int(params, LM_PARAM_CANDIDATES, 5));
        OK(lm_pairs_match(pool, params, sparse));
        check_result(pool, params, sparse);
        ck_assert(lm_result_total(sparse) <= lm_result_total(dense) + 1e-9);
        /* a few candidates per person already come close */
        ck_assert(lm_result_total(sparse) >=
                  lm_result_total(dense) - 0.05 * fabs(lm_result_total(dense)) - 50.0);
        OK(lm_pairs_match(pool, params, again));
        same_result(sparse, again);
        /* threads change nothing */
        OK(lm_params_set_int(params, LM_PARAM_THREADS, 3));
        OK(lm_pairs_match(pool, params, again));
        same_result(sparse, again);
        OK(lm_params_set_int(params, LM_PARAM_CANDIDATES, 0));
        OK(lm_pairs_match(pool, params, again));
        same_result(dense, again);
        OK(lm_params_set_int(params, LM_PARAM_THREADS, 1));
        lm_result_free(dense);
        lm_result_free(sparse);
        lm_result_free(again);
        lm_params_free(params);
        lm_pool_free(pool);
    }
}
END_TEST

static int stop_now(void *user, double best, double seconds, double fraction)
{
    int *calls = user;
    ck_assert(fraction >= 0.0 && fraction <= 1.0);
    ck_assert(seconds >= 0.0);
    (void)best;
    ++*calls;
    return 1;
}

static int count_calls(void *user, double best, double seconds, double fraction)
{
    double *last = user;
    ck_assert(fraction >= last[0]); /* fractions only grow */
    last[0] = fraction;
    last[1] = best;
    last[2] += 1.0;
    (void)seconds;
    return 0;
}

START_TEST(errors_and_cancellation)
{
    lm_pool *pool = NULL;
    OK(lm_pool_new(NULL, &pool));
    OK(lm_pool_generate(pool, 200, 0.5, 0, 3));
    lm_params *params = pair_params();
    lm_result *result = NULL;
    OK(lm_result_new(&result));
    ck_assert_int_eq(lm_pairs_match(NULL, params, result), LM_E_INVALID);
    ck_assert_str_eq(lm_errmsg(result), "pool and params must not be NULL");
    ck_assert_int_eq(lm_pairs_match(pool, NULL, result), LM_E_INVALID);
    ck_assert_int_eq(lm_pairs_match(pool, params, NULL), LM_E_INVALID);

    /* min_size etc. are fixed by the mode: a groups setting is ignored */
    OK(lm_params_set_int(params, LM_PARAM_MIN_SIZE, 5));
    OK(lm_pairs_match(pool, params, result));
    ck_assert_uint_gt(lm_result_group_count(result), 0);

    for (int candidates = 0; candidates <= 5; candidates += 5) {
        int calls = 0;
        OK(lm_params_set_int(params, LM_PARAM_CANDIDATES, candidates));
        OK(lm_params_set_progress(params, stop_now, &calls));
        ck_assert_int_eq(lm_pairs_match(pool, params, result), LM_E_CANCELLED);
        ck_assert_int_eq(calls, 1);
        ck_assert_str_eq(lm_errmsg(result), "cancelled by the progress callback");
        ck_assert_uint_eq(lm_result_group_count(result), 0);
        double last[3] = {0.0, 0.0, 0.0};
        OK(lm_params_set_progress(params, count_calls, last));
        OK(lm_pairs_match(pool, params, result));
        ck_assert_double_eq(last[0], 1.0);
        ck_assert_double_eq(last[1], lm_result_total(result));
        ck_assert(last[2] >= 3.0);
    }
    lm_result_free(result);
    lm_params_free(params);
    lm_pool_free(pool);
}
END_TEST

START_TEST(allocation_failures_are_clean)
{
    lm_pool *pool = NULL;
    OK(lm_pool_new(NULL, &pool));
    OK(lm_pool_generate(pool, 60, 0.5, 3, 5));
    lm_params *params = pair_params();
    lm_result *expected = NULL, *result = NULL;
    OK(lm_result_new(&expected));
    OK(lm_result_new(&result));
    for (int candidates = 0; candidates <= 4; candidates += 4) {
        OK(lm_params_set_int(params, LM_PARAM_CANDIDATES, candidates));
        OK(lm_pairs_match(pool, params, expected));
        for (long fail = 1;; fail++) {
            lm__alloc_fail_at(fail);
            int status = lm_pairs_match(pool, params, result);
            lm__alloc_fail_at(0);
            if (status == LM_OK) {
                same_result(expected, result);
                break;
            }
            ck_assert_int_eq(status, LM_E_NOMEM);
            ck_assert_str_eq(lm_errmsg(result), "out of memory");
            ck_assert_uint_eq(lm_result_group_count(result), 0);
            ck_assert_int_lt(fail, 1000);
        }
    }
    lm_result_free(expected);
    lm_result_free(result);
    lm_params_free(params);
    lm_pool_free(pool);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pairs");
    TCase *tc = tcase_create("pairs");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, tiny_pools_reach_the_brute_force_optimum);
    tcase_add_test(tc, fast_scores_and_rules_agree_with_the_references);
    tcase_add_test(tc, venue_reach_at_the_limit_is_that_of_the_reference);
    tcase_add_test(tc, unassigned_people_get_the_most_specific_reason);
    tcase_add_test(tc, generated_pools_candidates_never_beat_the_optimum);
    tcase_add_test(tc, errors_and_cancellation);
    tcase_add_test(tc, allocation_failures_are_clean);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
