/* The group engine against answers computed another way: DESIGN.md's worked
 * example term by term, and exact optima of small pools found by exhaustive
 * dynamic programming over subsets with an objective written again here. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libmatch/libmatch.h"
#include "groups/groups_internal.h"

/* test hook of groups_exact.c (internal, reachable through the static library) */
int lm__groups_exact_limit(int limit);

#define EPS 1e-9

/* ---- DESIGN.md's worked example ------------------------------------------- */

static lm_pool *worked_example(void)
{
    lm_pool *pool = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
    /* topics a, b, c are the first three topics of the taxonomy */
    struct {
        const char *id;
        lm_role role;
        double x[3], o[3], w[3];
        bool host;
    } people[] = {
        {"N1", LM_NEWCOMER, {1, 0, 0}, {0, 0, 1}, {0, 1, 0}, false},
        {"N2", LM_NEWCOMER, {1, 1, 0}, {0, 0, 0}, {0, 0, 0}, true},
        {"R1", LM_RESIDENT, {0, 1, 0}, {0, 1, 0}, {0, 0, 1}, true},
        {"R2", LM_RESIDENT, {1, 0, 0}, {0, 0, 0}, {0, 0, 1}, false},
    };
    for (size_t k = 0; k < 4; k++) {
        size_t index;
        ck_assert_int_eq(lm_pool_add(pool, people[k].id, people[k].role, &index), LM_OK);
        for (size_t t = 0; t < 3; t++) {
            ck_assert_int_eq(lm_pool_set_value(pool, index, LM_INTERESTS, t, people[k].x[t]), LM_OK);
            ck_assert_int_eq(lm_pool_set_value(pool, index, LM_OFFERS, t, people[k].o[t]), LM_OK);
            ck_assert_int_eq(lm_pool_set_value(pool, index, LM_WANTS, t, people[k].w[t]), LM_OK);
        }
        ck_assert_int_eq(lm_pool_set_host(pool, index, people[k].host), LM_OK);
    }
    return pool;
}

START_TEST(worked_example_term_by_term)
{
    lm_pool *pool = worked_example();
    lm_params *params = NULL;
    lm_grouping *grouping = NULL;
    lm_result *result = NULL;
    ck_assert_int_eq(lm_params_new(&params), LM_OK);
    ck_assert_int_eq(lm_grouping_new(&grouping), LM_OK);
    ck_assert_int_eq(lm_result_new(&result), LM_OK);
    for (size_t p = 0; p < 4; p++)
        ck_assert_int_eq(lm_grouping_assign(grouping, p, 0), LM_OK);
    ck_assert_int_eq(lm_groups_evaluate(pool, params, grouping, result), LM_OK);
    ck_assert_uint_eq(lm_result_group_count(result), 1);
    ck_assert_uint_eq(lm_result_violation_count(result), 0);
    ck_assert_uint_eq(lm_result_group_theme(result, 0), 0);
    ck_assert_double_eq_tol(lm_result_group_score(result, 0, LM_TERM_THEME), 3.0, EPS);
    double shared = (pow(2.0 + sqrt(0.5), 2) + pow(1.0 + sqrt(0.5), 2) - 4.0) / 3.0;
    ck_assert_double_eq_tol(lm_result_group_score(result, 0, LM_TERM_SHARED), shared, EPS);
    ck_assert_double_eq_tol(lm_result_group_score(result, 0, LM_TERM_SHARED), 2.08088, 1e-5);
    ck_assert_double_eq_tol(lm_result_group_score(result, 0, LM_TERM_EXCHANGE), 1.0, EPS);
    ck_assert_double_eq_tol(lm_result_group_score(result, 0, LM_TERM_COHOST), 1.0, EPS);
    ck_assert_double_eq_tol(lm_result_group_score(result, 0, LM_TERM_BALANCE), 0.0, EPS);
    ck_assert_double_eq_tol(lm_result_group_score(result, 0, LM_TERM_TOTAL), 3.0 + shared + 2.0, EPS);
    ck_assert_double_eq_tol(lm_result_total(result), 7.08088, 1e-5);
    ck_assert_int_eq(lm_result_group_cohost(result, 0, LM_NEWCOMER), 1);
    ck_assert_int_eq(lm_result_group_cohost(result, 0, LM_RESIDENT), 2);

    /* The solver must find this same group: it is the only feasible one. */
    ck_assert_int_eq(lm_groups_form(pool, params, result), LM_OK);
    ck_assert_uint_eq(lm_result_group_count(result), 1);
    ck_assert_double_eq_tol(lm_result_total(result), 3.0 + shared + 2.0, EPS);
    lm_result_free(result);
    lm_grouping_free(grouping);
    lm_params_free(params);
    lm_pool_free(pool);
}
END_TEST

/* ---- an independent objective and a subset DP -------------------------------- */

#define MAXN 14
#define D 6

typedef struct person {
    int role;
    double x[D], o[D], w[D];
    uint64_t languages, slots;
    bool located, host;
    double lat, lon, max_km;
} person;

static void unit(const double *v, double *out)
{
    double n = 0;
    for (int t = 0; t < D; t++)
        n += v[t] * v[t];
    n = sqrt(n);
    for (int t = 0; t < D; t++)
        out[t] = n > 0 ? v[t] / n : 0.0;
}

static double haversine(double lat1, double lon1, double lat2, double lon2)
{
    double r = 3.14159265358979323846 / 180.0;
    double a = pow(sin((lat2 - lat1) * r / 2), 2) +
               cos(lat1 * r) * cos(lat2 * r) * pow(sin((lon2 - lon1) * r / 2), 2);
    return 2 * 6371.0088 * asin(sqrt(a));
}

/* score of subset `mask`, or -INFINITY when it breaks a hard constraint */
static double subset_score(const person *ps, int n, uint32_t mask, int min_size, int max_size,
                           int q)
{
    int k = 0, count[2] = {0, 0}, hosts[2] = {0, 0};
    uint64_t languages = ~0ull, slots = (1ull << 21) - 1;
    bool speaks = false;
    double lat = 0, lon = 0;
    int located = 0;
    double sum_x[D] = {0}, sum_ux[D] = {0}, off[2][D] = {{0}}, want[2][D] = {{0}}, self = 0;
    for (int i = 0; i < n; i++) {
        if (!(mask >> i & 1))
            continue;
        const person *p = &ps[i];
        k++;
        count[p->role]++;
        hosts[p->role] += p->host;
        if (p->languages) {
            languages &= p->languages;
            speaks = true;
        }
        if (p->slots)
            slots &= p->slots;
        if (p->located) {
            lat += p->lat;
            lon += p->lon;
            located++;
        }
        double u[D];
        unit(p->x, u);
        double nn = 0;
        for (int t = 0; t < D; t++) {
            sum_x[t] += p->x[t];
            sum_ux[t] += u[t];
            nn += u[t] * u[t];
        }
        self += nn > 0 ? 1.0 : 0.0;
        unit(p->o, u);
        for (int t = 0; t < D; t++)
            off[p->role][t] += u[t];
        unit(p->w, u);
        for (int t = 0; t < D; t++)
            want[p->role][t] += u[t];
    }
    if (k < min_size || k > max_size || count[0] < q || count[1] < q)
        return -INFINITY;
    if (speaks && !languages)
        return -INFINITY;
    if (!slots)
        return -INFINITY;
    if (located) {
        lat /= located;
        lon /= located;
        for (int i = 0; i < n; i++)
            if ((mask >> i & 1) && ps[i].located &&
                haversine(ps[i].lat, ps[i].lon, lat, lon) > ps[i].max_km)
                return -INFINITY;
    }
    double theme = sum_x[0];
    for (int t = 1; t < D; t++)
        theme = fmax(theme, sum_x[t]);
    double sq = 0, enr = 0, ern = 0;
    for (int t = 0; t < D; t++) {
        sq += sum_ux[t] * sum_ux[t];
        enr += off[0][t] * want[1][t];
        ern += off[1][t] * want[0][t];
    }
    double shared = (sq - self) / (k - 1);
    double exchange = k * fmin(enr, ern) / (count[0] * count[1]);
    double cohost = hosts[0] && hosts[1] ? 1 : 0;
    double balance = (count[0] - count[1]) * (count[0] - count[1]);
    return theme + shared + exchange + cohost - 0.5 * balance;
}

static double best_partition(const person *ps, int n, int min_size, int max_size, int q)
{
    uint32_t full = (1u << n) - 1;
    double *group = malloc(sizeof(double) << n);
    double *best = malloc(sizeof(double) << n);
    for (uint32_t m = 0; m <= full; m++)
        group[m] = subset_score(ps, n, m, min_size, max_size, q);
    best[0] = 0.0;
    for (uint32_t m = 1; m <= full; m++) {
        uint32_t low = m & -m;
        double value = best[m ^ low] - 10.0; /* the lowest stays unassigned */
        uint32_t rest = m ^ low;
        for (uint32_t sub = rest;; sub = (sub - 1) & rest) {
            uint32_t g = sub | low;
            if (group[g] > -INFINITY && best[m ^ g] + group[g] > value)
                value = best[m ^ g] + group[g];
            if (sub == 0)
                break;
        }
        best[m] = value;
    }
    double answer = best[full];
    free(group);
    free(best);
    return answer;
}

static uint64_t next(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

static double uniform(uint64_t *state)
{
    return (double)(next(state) >> 11) * 0x1.0p-53;
}

static lm_pool *random_pool(uint64_t seed, int n, person *ps)
{
    uint64_t st = seed * 0x9E3779B97F4A7C15ull + 1;
    lm_pool *pool = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
    const char *languages[] = {"nl", "ar", "en"};
    for (int i = 0; i < n; i++) {
        person *p = &ps[i];
        memset(p, 0, sizeof *p);
        p->role = uniform(&st) < 0.45 ? 0 : 1;
        char id[16];
        snprintf(id, sizeof id, "p%02d", i);
        size_t index;
        ck_assert_int_eq(lm_pool_add(pool, id, (lm_role)p->role, &index), LM_OK);
        for (int v = 0; v < 3; v++) {
            double *vec = v == 0 ? p->x : v == 1 ? p->o : p->w;
            int entries = (int)(next(&st) % 3);
            for (int e = 0; e < entries; e++) {
                int t = (int)(next(&st) % D);
                double level = 0.25 * (double)(1 + next(&st) % 4);
                vec[t] = level;
                ck_assert_int_eq(lm_pool_set_value(pool, index, (lm_vector)v, (size_t)t, level),
                                 LM_OK);
            }
        }
        char spoken[16] = "";
        for (int l = 0; l < 3; l++)
            if (uniform(&st) < 0.6) {
                if (spoken[0])
                    strcat(spoken, ";");
                strcat(spoken, languages[l]);
                size_t li;
                ck_assert_int_eq(lm_language_find(languages[l], &li), LM_OK);
                p->languages |= 1ull << li;
            }
        ck_assert_int_eq(lm_pool_set_languages(pool, index, spoken), LM_OK);
        if (uniform(&st) < 0.8) {
            p->slots = (next(&st) & 0x7) << 9; /* three slots in the week's middle */
            ck_assert_int_eq(lm_pool_set_availability_mask(pool, index, p->slots), LM_OK);
        }
        if (uniform(&st) < 0.8) {
            p->located = true;
            p->lat = 52.09 + 0.05 * uniform(&st);
            p->lon = 5.10 + 0.05 * uniform(&st);
            p->max_km = uniform(&st) < 0.5 ? 5.0 : 2.0 + 2.0 * uniform(&st);
            ck_assert_int_eq(lm_pool_set_location(pool, index, p->lat, p->lon,
                                                  p->max_km == 5.0 ? 0.0 : p->max_km),
                             LM_OK);
        }
        p->host = uniform(&st) < 0.3;
        ck_assert_int_eq(lm_pool_set_host(pool, index, p->host), LM_OK);
    }
    return pool;
}

/* Every result of lm_groups_form passes evaluation with its own total. */
static void assert_evaluates_clean(const lm_pool *pool, const lm_params *params,
                                   const lm_result *result)
{
    lm_grouping *grouping = NULL;
    lm_result *check = NULL;
    ck_assert_int_eq(lm_grouping_new(&grouping), LM_OK);
    ck_assert_int_eq(lm_result_new(&check), LM_OK);
    for (size_t g = 0; g < lm_result_group_count(result); g++) {
        for (size_t k = 0; k < lm_result_group_size(result, g); k++)
            ck_assert_int_eq(lm_grouping_assign(grouping, lm_result_group_member(result, g, k), g),
                             LM_OK);
        if (lm_result_group_slot(result, g) >= 0)
            ck_assert_int_eq(lm_grouping_set_slot(grouping, g, (size_t)lm_result_group_slot(result, g)),
                             LM_OK);
        if (lm_result_group_venue(result, g) >= 0)
            ck_assert_int_eq(lm_grouping_set_venue(grouping, g, (size_t)lm_result_group_venue(result, g)),
                             LM_OK);
    }
    ck_assert_int_eq(lm_groups_evaluate(pool, params, grouping, check), LM_OK);
    if (lm_result_violation_count(check) > 0)
        ck_abort_msg("violation: %s", lm_result_violation_message(check, 0));
    ck_assert_double_eq_tol(lm_result_total(check), lm_result_total(result), 1e-9);
    lm_result_free(check);
    lm_grouping_free(grouping);
}

/* Small pools: the library solves regions of up to 14 people exactly, so
 * with the default settings every pool must reach the optimum; with the
 * exact path turned off, the local search alone must reach it in most. */
static void reach_optimum(int exact_limit, int percent_required)
{
    int previous = lm__groups_exact_limit(exact_limit);
    int reached = 0, runs = 0;
    lm_params *params = NULL;
    lm_result *result = NULL;
    ck_assert_int_eq(lm_params_new(&params), LM_OK);
    ck_assert_int_eq(lm_result_new(&result), LM_OK);
    for (uint64_t seed = 1; seed <= 40; seed++) {
        int n = 12 + (int)(seed % 3);
        person ps[MAXN];
        lm_pool *pool = random_pool(seed, n, ps);
        double optimum = best_partition(ps, n, 4, 6, 2);
        ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_SEED, (int64_t)seed), LM_OK);
        ck_assert_int_eq(lm_groups_form(pool, params, result), LM_OK);
        double total = lm_result_total(result);
        ck_assert_msg(total <= optimum + 1e-9, "seed %llu: %.12f beats the optimum %.12f",
                      (unsigned long long)seed, total, optimum);
        assert_evaluates_clean(pool, params, result);
        runs++;
        if (fabs(total - optimum) < 1e-9)
            reached++;
        else
            fprintf(stderr, "# seed %llu n %d: %.6f, optimum %.6f\n", (unsigned long long)seed, n,
                    total, optimum);
        lm_pool_free(pool);
    }
    fprintf(stderr, "# exact path up to %d: optimum reached in %d of %d pools\n", exact_limit,
            reached, runs);
    ck_assert_int_ge(reached * 100, runs * percent_required);
    lm_result_free(result);
    lm_params_free(params);
    lm__groups_exact_limit(previous);
}

START_TEST(small_pools_reach_the_exact_optimum)
{
    reach_optimum(14, 100);
}
END_TEST

START_TEST(local_search_alone_nears_the_optimum)
{
    reach_optimum(0, 75);
}
END_TEST

START_TEST(impossible_parameters_are_errors)
{
    lm_pool *pool = worked_example();
    lm_params *params = NULL;
    lm_result *result = NULL;
    ck_assert_int_eq(lm_params_new(&params), LM_OK);
    ck_assert_int_eq(lm_result_new(&result), LM_OK);
    ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_MIN_SIZE, 3), LM_OK);
    ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_MAX_SIZE, 3), LM_OK);
    ck_assert_int_eq(lm_groups_form(pool, params, result), LM_E_INFEASIBLE);
    ck_assert_ptr_nonnull(strstr(lm_errmsg(result), "min_per_role"));
    ck_assert_int_eq(lm_groups_form(NULL, params, result), LM_E_INVALID);
    lm_result_free(result);
    lm_params_free(params);
    lm_pool_free(pool);
}
END_TEST

/* One role missing, no shared slot, a venue too far: everybody unassigned
 * with the specific reason. */
START_TEST(infeasible_inputs_give_reasons)
{
    lm_params *params = NULL;
    lm_result *result = NULL;
    ck_assert_int_eq(lm_params_new(&params), LM_OK);
    ck_assert_int_eq(lm_result_new(&result), LM_OK);

    lm_pool *pool = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
    for (int i = 0; i < 6; i++) {
        char id[8];
        snprintf(id, sizeof id, "n%d", i);
        ck_assert_int_eq(lm_pool_add(pool, id, LM_NEWCOMER, NULL), LM_OK);
    }
    ck_assert_int_eq(lm_groups_form(pool, params, result), LM_OK);
    ck_assert_uint_eq(lm_result_group_count(result), 0);
    ck_assert_uint_eq(lm_result_unassigned_count(result), 6);
    ck_assert_int_eq(lm_result_unassigned_reason(result, 0), LM_REASON_ROLE_SHORTAGE);
    ck_assert_double_eq_tol(lm_result_total(result), -60.0, EPS);
    lm_pool_free(pool);

    /* two newcomers free on monday, two residents on tuesday */
    ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
    const char *ids[] = {"a", "b", "c", "d"};
    for (int i = 0; i < 4; i++) {
        size_t index;
        ck_assert_int_eq(lm_pool_add(pool, ids[i], i < 2 ? LM_NEWCOMER : LM_RESIDENT, &index), LM_OK);
        ck_assert_int_eq(lm_pool_set_availability(pool, index, i < 2 ? "mon-ev" : "tue-ev"), LM_OK);
    }
    ck_assert_int_eq(lm_groups_form(pool, params, result), LM_OK);
    ck_assert_uint_eq(lm_result_group_count(result), 0);
    ck_assert_int_eq(lm_result_unassigned_reason(result, 0), LM_REASON_NO_COMMON_SLOT);
    lm_pool_free(pool);

    /* a venue 30 km away from everybody */
    ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
    for (int i = 0; i < 4; i++) {
        size_t index;
        ck_assert_int_eq(lm_pool_add(pool, ids[i], i < 2 ? LM_NEWCOMER : LM_RESIDENT, &index), LM_OK);
        ck_assert_int_eq(lm_pool_set_location(pool, index, 52.09, 5.12, 0), LM_OK);
    }
    ck_assert_int_eq(lm_pool_add_venue(pool, "far", 52.37, 4.90, (1u << 21) - 1, 1, true, NULL), LM_OK);
    ck_assert_int_eq(lm_groups_form(pool, params, result), LM_OK);
    ck_assert_uint_eq(lm_result_group_count(result), 0);
    ck_assert_int_eq(lm_result_unassigned_reason(result, 0), LM_REASON_NO_VENUE);
    /* ... and one close by: now they meet there */
    ck_assert_int_eq(lm_pool_add_venue(pool, "near", 52.091, 5.121, 1u << 5, 1, true, NULL), LM_OK);
    ck_assert_int_eq(lm_groups_form(pool, params, result), LM_OK);
    ck_assert_uint_eq(lm_result_group_count(result), 1);
    ck_assert_int_eq(lm_result_group_venue(result, 0), 1);
    ck_assert_int_eq(lm_result_group_slot(result, 0), 5);
    assert_evaluates_clean(pool, params, result);
    lm_pool_free(pool);

    lm_result_free(result);
    lm_params_free(params);
}
END_TEST

static void fingerprint(const lm_result *r, char *out, size_t size)
{
    size_t at = (size_t)snprintf(out, size, "%.17g|", lm_result_total(r));
    for (size_t g = 0; g < lm_result_group_count(r) && at < size; g++) {
        for (size_t k = 0; k < lm_result_group_size(r, g) && at < size; k++)
            at += (size_t)snprintf(out + at, size - at, "%zu,", lm_result_group_member(r, g, k));
        at += (size_t)snprintf(out + at, size - at, "@%d/%d;", lm_result_group_slot(r, g),
                               lm_result_group_venue(r, g));
    }
}

START_TEST(same_seed_same_result)
{
    person ps[MAXN];
    lm_pool *pool = random_pool(7, 14, ps);
    lm_params *params = NULL;
    lm_result *a = NULL, *b = NULL;
    ck_assert_int_eq(lm_params_new(&params), LM_OK);
    ck_assert_int_eq(lm_result_new(&a), LM_OK);
    ck_assert_int_eq(lm_result_new(&b), LM_OK);
    static char fa[8192], fb[8192];
    ck_assert_int_eq(lm_groups_form(pool, params, a), LM_OK);
    ck_assert_int_eq(lm_groups_form(pool, params, b), LM_OK);
    fingerprint(a, fa, sizeof fa);
    fingerprint(b, fb, sizeof fb);
    ck_assert_str_eq(fa, fb);
    ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_THREADS, 2), LM_OK);
    ck_assert_int_eq(lm_groups_form(pool, params, b), LM_OK);
    fingerprint(b, fb, sizeof fb);
    ck_assert_str_eq(fa, fb);
    lm_result_free(a);
    lm_result_free(b);
    lm_params_free(params);
    lm_pool_free(pool);
}
END_TEST

static int cancel_at_once(void *user, double best, double seconds, double fraction)
{
    (void)best;
    (void)seconds;
    (void)fraction;
    ++*(int *)user;
    return 1;
}

START_TEST(progress_callback_cancels)
{
    lm_pool *pool = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
    ck_assert_int_eq(lm_pool_generate(pool, 3000, -1.0, 0, 3), LM_OK);
    lm_params *params = NULL;
    lm_result *result = NULL;
    ck_assert_int_eq(lm_params_new(&params), LM_OK);
    ck_assert_int_eq(lm_result_new(&result), LM_OK);
    int calls = 0;
    ck_assert_int_eq(lm_params_set_progress(params, cancel_at_once, &calls), LM_OK);
    ck_assert_int_eq(lm_groups_form(pool, params, result), LM_E_CANCELLED);
    ck_assert_int_ge(calls, 1);
    ck_assert_uint_eq(lm_result_group_count(result), 0);
    lm_result_free(result);
    lm_params_free(params);
    lm_pool_free(pool);
}
END_TEST

START_TEST(generated_city_evaluates_clean)
{
    for (int venues = 0; venues <= 12; venues += 12) {
        lm_pool *pool = NULL;
        ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
        ck_assert_int_eq(lm_pool_generate(pool, 2000, -1.0, (size_t)venues, 11), LM_OK);
        lm_params *params = NULL;
        lm_result *result = NULL;
        ck_assert_int_eq(lm_params_new(&params), LM_OK);
        ck_assert_int_eq(lm_result_new(&result), LM_OK);
        ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_THREADS, 2), LM_OK);
        ck_assert_int_eq(lm_groups_form(pool, params, result), LM_OK);
        ck_assert_uint_gt(lm_result_group_count(result), 100);
        assert_evaluates_clean(pool, params, result);
        lm_result_free(result);
        lm_params_free(params);
        lm_pool_free(pool);
    }
}
END_TEST

/* Places a region cut strands must still be used. District A has 60 one-group
 * places and only residents who speak Dutch; district B, 11 km north, has
 * 10 places, Dutch-speaking newcomers and residents; between them, nearer to
 * A, live newcomers who speak only Arabic and can join no group. Everybody
 * can travel 20 km and is free whenever a venue is open. The nearest people
 * of A's venues are the Arabic speakers, so regions (and the capacity
 * sharing of the leftover phase) give A's places nobody who fits; the fill
 * must bring B's Dutch-speaking newcomers to them. Every place can be used
 * (280 such newcomers, 3,600 residents), so the count of groups must be the
 * count of places, 70, and every group must pass evaluation. */
START_TEST(stranded_places_are_filled)
{
    lm_pool *pool = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
    uint64_t st = 42;
    char id[32];
    size_t index, count = 0;
    struct {
        lm_role role;
        const char *languages;
        double lat;
        int n;
    } blocks[] = {
        {LM_RESIDENT, "nl", 52.00, 3000},
        {LM_NEWCOMER, "ar", 52.04, 400},
        {LM_NEWCOMER, "nl", 52.10, 280},
        {LM_RESIDENT, "nl", 52.10, 600},
    };
    for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++)
        for (int k = 0; k < blocks[b].n; k++) {
            snprintf(id, sizeof id, "p%zu", count++);
            ck_assert_int_eq(lm_pool_add(pool, id, blocks[b].role, &index), LM_OK);
            ck_assert_int_eq(lm_pool_set_languages(pool, index, blocks[b].languages), LM_OK);
            ck_assert_int_eq(lm_pool_set_location(pool, index,
                                                  blocks[b].lat + 0.02 * (uniform(&st) - 0.5),
                                                  5.0 + 0.03 * (uniform(&st) - 0.5), 20.0),
                             LM_OK);
        }
    for (int v = 0; v < 70; v++) {
        snprintf(id, sizeof id, "v%d", v);
        double lat = v < 60 ? 52.00 : 52.10;
        ck_assert_int_eq(lm_pool_add_venue(pool, id, lat + 0.02 * (uniform(&st) - 0.5),
                                           5.0 + 0.03 * (uniform(&st) - 0.5), 1u << 5, 1, true,
                                           NULL),
                         LM_OK);
    }
    lm_params *params = NULL;
    lm_result *result = NULL;
    ck_assert_int_eq(lm_params_new(&params), LM_OK);
    ck_assert_int_eq(lm_result_new(&result), LM_OK);
    ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_THREADS, 1), LM_OK);
    ck_assert_int_eq(lm_groups_form(pool, params, result), LM_OK);
    ck_assert_uint_eq(lm_result_group_count(result), 70);
    assert_evaluates_clean(pool, params, result);
    /* the fill solves venues side by side: the same groups with 3 threads */
    static char one[65536], three[65536];
    fingerprint(result, one, sizeof one);
    ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_THREADS, 3), LM_OK);
    ck_assert_int_eq(lm_groups_form(pool, params, result), LM_OK);
    fingerprint(result, three, sizeof three);
    ck_assert_str_eq(one, three);
    lm_result_free(result);
    lm_params_free(params);
    lm_pool_free(pool);
}
END_TEST

/* ---- swaps with the unplaced (groups_swap_unplaced.c) --------------------- */

/* One venue place, a group of four holding it with a weak member, and two
 * unplaced newcomers: the pass must swap in the one who raises the group
 * most, reaching the best group of its size that single swaps can reach,
 * found here by trying every group of four (scored from scratch by
 * lm__gstate_list_value, not by the incremental sums the pass uses). */
START_TEST(swaps_bring_in_the_better_unplaced)
{
    lm_pool *pool = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
    struct {
        const char *id;
        lm_role role;
        double x[3];
    } people[] = {
        {"A", LM_NEWCOMER, {1, 0, 0}},   {"B", LM_NEWCOMER, {0.1, 0, 0.3}},
        {"R1", LM_RESIDENT, {1, 0.5, 0}}, {"R2", LM_RESIDENT, {1, 0, 0}},
        {"C", LM_NEWCOMER, {0.9, 0.5, 0}}, {"D", LM_NEWCOMER, {0, 0, 1}},
    };
    size_t n = sizeof people / sizeof people[0], index;
    for (size_t k = 0; k < n; k++) {
        ck_assert_int_eq(lm_pool_add(pool, people[k].id, people[k].role, &index), LM_OK);
        for (size_t t = 0; t < 3; t++)
            ck_assert_int_eq(lm_pool_set_value(pool, index, LM_INTERESTS, t, people[k].x[t]),
                             LM_OK);
        ck_assert_int_eq(lm_pool_set_location(pool, index, 52.09 + 0.001 * (double)k, 5.12, 5.0),
                         LM_OK);
    }
    ck_assert_int_eq(lm_pool_add_venue(pool, "hall", 52.09, 5.12, 1, 1, false, &index), LM_OK);
    lm_params *params = NULL;
    ck_assert_int_eq(lm_params_new(&params), LM_OK);
    uint32_t everybody[] = {0, 1, 2, 3, 4, 5}, hall = 0;
    lm_region region = {everybody, 6, &hall, 1};
    lm_gstate s;
    ck_assert_int_eq(lm__gstate_init(&s, pool, params, &region, true), LM_OK);
    ck_assert_int_eq(lm__gstate_reserve(&s, 1), LM_OK);
    lm__gstate_take_place(&s, 0, 0, 0);
    for (uint32_t k = 0; k < 4; k++)
        lm__gstate_apply(&s, 0, LM_NONE_ITEM, k);
    ck_assert(s.value[0] > -INFINITY);

    double *scratch = calloc(6 * s.topics, sizeof *scratch);
    ck_assert_ptr_nonnull(scratch);
    double best = -INFINITY;
    uint32_t best_mask = 0;
    for (uint32_t mask = 0; mask < 64; mask++) {
        uint32_t list[6], k = 0;
        for (uint32_t i = 0; i < 6; i++)
            if (mask >> i & 1)
                list[k++] = i;
        if (k != 4)
            continue;
        double value = lm__gstate_list_value(&s, list, k, scratch);
        if (value > best + 1e-12) {
            best = value;
            best_mask = mask;
        }
    }
    int slot_of[] = {0}, venue_of[] = {0};
    ck_assert_int_eq(lm__groups_swap_unplaced(&s, slot_of, venue_of), LM_OK);
    uint32_t mask = 0;
    for (uint32_t m = 0; m < s.size[0]; m++)
        mask |= 1u << s.members[m];
    ck_assert_uint_eq(mask, best_mask);
    ck_assert_uint_eq(best_mask, 0x1du); /* A, R1, R2, C */
    ck_assert_double_eq_tol(s.value[0], best, EPS);
    free(scratch);
    lm__gstate_free(&s);
    lm_params_free(params);
    lm_pool_free(pool);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("groups");
    TCase *tc = tcase_create("groups");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, worked_example_term_by_term);
    tcase_add_test(tc, small_pools_reach_the_exact_optimum);
    tcase_add_test(tc, local_search_alone_nears_the_optimum);
    tcase_add_test(tc, impossible_parameters_are_errors);
    tcase_add_test(tc, infeasible_inputs_give_reasons);
    tcase_add_test(tc, same_seed_same_result);
    tcase_add_test(tc, progress_callback_cancels);
    tcase_add_test(tc, generated_city_evaluates_clean);
    tcase_add_test(tc, stranded_places_are_filled);
    tcase_add_test(tc, swaps_bring_in_the_better_unplaced);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
