/* The search core on toy grouping problems whose optimum is found by
 * enumerating every assignment. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/rng_internal.h"
#include "engine/search_internal.h"

#define MAX_ITEMS 12
#define MAX_GROUPS 4

/* Sum of weights inside groups, minus penalty per unassigned item; groups
 * must hold between lower[g] and upper[g] items (lower checked by deltas).
 * Deltas are recomputed from scratch, independently of any matrix sums. */
typedef struct toy {
    uint32_t n, m;
    double w[MAX_ITEMS][MAX_ITEMS];
    uint32_t lower[MAX_GROUPS], upper[MAX_GROUPS];
    double penalty;
    uint32_t group_of[MAX_ITEMS]; /* the problem's own view, kept by apply */
    int mismatches;               /* apply told a wrong source group */
    int applied;
} toy;

static double toy_value(const toy *t, const uint32_t *group_of)
{
    double total = 0;
    for (uint32_t i = 0; i < t->n; i++) {
        if (group_of[i] == LM_NO_GROUP) {
            total -= t->penalty;
            continue;
        }
        for (uint32_t j = i + 1; j < t->n; j++)
            if (group_of[j] == group_of[i])
                total += t->w[i][j];
    }
    return total;
}

static bool toy_feasible(const toy *t, const uint32_t *group_of)
{
    uint32_t size[MAX_GROUPS] = {0};
    for (uint32_t i = 0; i < t->n; i++)
        if (group_of[i] != LM_NO_GROUP)
            size[group_of[i]]++;
    for (uint32_t g = 0; g < t->m; g++)
        if (size[g] < t->lower[g] || size[g] > t->upper[g])
            return false;
    return true;
}

static double toy_change(toy *t, uint32_t *trial)
{
    if (!toy_feasible(t, trial))
        return -INFINITY;
    return toy_value(t, trial) - toy_value(t, t->group_of);
}

/* Lower bounds bind only the search, not the intermediate feasible states:
 * a move is infeasible when it leaves a group below its lower bound. */
static double toy_move_delta(void *context, uint32_t item, uint32_t from, uint32_t to)
{
    toy *t = context;
    uint32_t trial[MAX_ITEMS];
    memcpy(trial, t->group_of, sizeof trial);
    ck_assert_uint_eq(trial[item], from);
    trial[item] = to;
    return toy_change(t, trial);
}

static void toy_move_apply(void *context, uint32_t item, uint32_t from, uint32_t to)
{
    toy *t = context;
    if (t->group_of[item] != from)
        t->mismatches++;
    t->group_of[item] = to;
    t->applied++;
}

static double toy_swap_delta(void *context, uint32_t a, uint32_t ga, uint32_t b, uint32_t gb)
{
    toy *t = context;
    uint32_t trial[MAX_ITEMS];
    memcpy(trial, t->group_of, sizeof trial);
    ck_assert_uint_eq(trial[a], ga);
    ck_assert_uint_eq(trial[b], gb);
    ck_assert_uint_ne(ga, gb);
    trial[a] = gb;
    trial[b] = ga;
    return toy_change(t, trial);
}

static void toy_swap_apply(void *context, uint32_t a, uint32_t ga, uint32_t b, uint32_t gb)
{
    toy *t = context;
    if (t->group_of[a] != ga || t->group_of[b] != gb)
        t->mismatches++;
    t->group_of[a] = gb;
    t->group_of[b] = ga;
    t->applied++;
}

static const lm_search_ops toy_ops = {
    .move_delta = toy_move_delta,
    .move_apply = toy_move_apply,
    .swap_delta = toy_swap_delta,
    .swap_apply = toy_swap_apply,
};

static void toy_random(toy *t, uint32_t n, uint32_t m, uint64_t seed, int low, int high)
{
    memset(t, 0, sizeof *t);
    t->n = n;
    t->m = m;
    lm_rng rng;
    lm__rng_seed(&rng, seed, 7);
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t j = i + 1; j < n; j++)
            t->w[i][j] = t->w[j][i] =
                (double)(low + (int)lm__rng_below(&rng, (uint64_t)(high - low + 1)));
    for (uint32_t i = 0; i < n; i++)
        t->group_of[i] = LM_NO_GROUP;
}

/* The best value over all (m+1)^n (or m^n) assignments. */
static double brute_force(const toy *t, bool allow_unassigned)
{
    uint32_t base = t->m + (allow_unassigned ? 1 : 0);
    uint32_t code[MAX_ITEMS] = {0}, group_of[MAX_ITEMS] = {0};
    double best = -INFINITY;
    for (;;) {
        for (uint32_t i = 0; i < t->n; i++)
            group_of[i] = code[i] == t->m ? LM_NO_GROUP : code[i];
        if (toy_feasible(t, group_of)) {
            double v = toy_value(t, group_of);
            if (v > best)
                best = v;
        }
        uint32_t k = 0;
        while (k < t->n && ++code[k] == base)
            code[k++] = 0;
        if (k == t->n)
            return best;
    }
}

/* The core's arrays agree with each other, with the problem's view and
 * with the capacities. */
static void check_consistent(const lm_search *s, const toy *t)
{
    ck_assert_int_eq(t->mismatches, 0);
    uint32_t total = 0;
    for (uint32_t g = 0; g <= s->group_count; g++) {
        uint32_t group = g == s->group_count ? LM_NO_GROUP : g;
        ck_assert_uint_le(s->size[g], s->capacity[g]);
        for (uint32_t k = 0; k < s->size[g]; k++) {
            uint32_t item = s->members[s->slice_start[g] + k];
            ck_assert_uint_eq(s->group_of[item], group);
            ck_assert_uint_eq(s->position[item], k);
        }
        total += s->size[g];
    }
    ck_assert_uint_eq(total, s->item_count);
    for (uint32_t i = 0; i < s->item_count; i++)
        ck_assert_uint_eq(s->group_of[i], t->group_of[i]);
}

/* Places items round-robin into groups respecting lower then upper bounds. */
static void place_all(lm_search *s, toy *t)
{
    uint32_t i = 0;
    for (uint32_t g = 0; g < t->m; g++)
        for (uint32_t k = 0; k < t->lower[g]; k++)
            lm__search_place(s, i++, g);
    for (uint32_t g = 0; i < t->n; g = (g + 1) % t->m)
        if (s->size[g] < t->upper[g])
            lm__search_place(s, i++, g);
    s->objective = toy_value(t, t->group_of);
}

static double solve(toy *t, const lm_search_options *options, bool place, lm_search_stats *stats,
                    uint32_t *assignment)
{
    lm_search s;
    ck_assert_int_eq(lm__search_init(&s, &toy_ops, t, t->n, t->m, t->upper), LM_OK);
    if (place)
        place_all(&s, t);
    ck_assert_int_eq(lm__search_run(&s, options, stats), LM_OK);
    check_consistent(&s, t);
    double value = toy_value(t, s.group_of);
    ck_assert_double_eq_tol(s.objective, value, 1e-9);
    ck_assert(toy_feasible(t, s.group_of));
    if (assignment)
        memcpy(assignment, s.group_of, t->n * sizeof *assignment);
    lm__search_free(&s);
    return value;
}

START_TEST(reaches_brute_force_optimum)
{
    /* Different sizes, tight and loose bounds, 8..10 items in 2..3 groups. */
    static const struct {
        uint32_t n, m, lower[3], upper[3];
    } cases[] = {
        {9, 3, {3, 3, 3}, {3, 3, 3}},
        {10, 3, {2, 3, 1}, {5, 4, 6}},
        {8, 2, {3, 2, 0}, {5, 5, 0}},
        {10, 2, {5, 5, 0}, {5, 5, 0}},
    };
    for (int tabu = 0; tabu < 2; tabu++)
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
            for (uint64_t seed = 1; seed <= 4; seed++) {
                toy t;
                toy_random(&t, cases[c].n, cases[c].m, seed * 31 + c, 0, 100);
                memcpy(t.lower, cases[c].lower, sizeof cases[c].lower);
                memcpy(t.upper, cases[c].upper, sizeof cases[c].upper);
                double optimum = brute_force(&t, false);
                lm_search_options o = {.seed = seed, .max_rounds = 60};
                if (tabu)
                    o.tabu_steps = 10;
                double got = solve(&t, &o, true, NULL, NULL);
                ck_assert_double_eq_tol(got, optimum, 1e-9);
            }
}
END_TEST

START_TEST(unassigned_items_when_allowed)
{
    /* Negative weights make leaving some items out worthwhile. */
    for (uint64_t seed = 1; seed <= 6; seed++) {
        toy t;
        toy_random(&t, 8, 2, seed, -60, 40);
        t.upper[0] = 3;
        t.upper[1] = 4;
        t.penalty = 15.0;
        double optimum = brute_force(&t, true);
        for (int tabu = 0; tabu < 2; tabu++) {
            /* Starting with everybody unassigned must work too. */
            lm_search_options o = {.seed = seed, .max_rounds = 80, .allow_unassigned = true};
            o.tabu_steps = tabu ? 8 : 0;
            toy fresh = t;
            fresh.lower[0] = fresh.lower[1] = 0;
            fresh.penalty = t.penalty;
            lm_search s;
            ck_assert_int_eq(lm__search_init(&s, &toy_ops, &fresh, 8, 2, fresh.upper), LM_OK);
            s.objective = -8 * fresh.penalty;
            ck_assert_int_eq(lm__search_run(&s, &o, NULL), LM_OK);
            check_consistent(&s, &fresh);
            ck_assert_double_eq_tol(s.objective, toy_value(&fresh, s.group_of), 1e-9);
            ck_assert_double_eq_tol(s.objective, optimum, 1e-9);
            lm__search_free(&s);
        }
    }
}
END_TEST

START_TEST(swaps_with_unassigned_items_are_found)
{
    /* Two full groups of 2 and two items outside. Item 4 belongs with 0 and
     * item 5 with 2; only swaps (full groups) reach the optimum. */
    toy t;
    toy_random(&t, 6, 2, 3, 0, 0);
    t.upper[0] = t.upper[1] = 2;
    t.penalty = 0;
    t.w[0][4] = t.w[4][0] = 50;
    t.w[2][5] = t.w[5][2] = 40;
    t.w[0][1] = t.w[1][0] = 1;
    t.w[2][3] = t.w[3][2] = 1;
    lm_search s;
    ck_assert_int_eq(lm__search_init(&s, &toy_ops, &t, 6, 2, t.upper), LM_OK);
    lm__search_place(&s, 0, 0);
    lm__search_place(&s, 1, 0);
    lm__search_place(&s, 2, 1);
    lm__search_place(&s, 3, 1);
    lm__search_place(&s, 4, 1); /* full: ignored */
    ck_assert_uint_eq(s.group_of[4], LM_NO_GROUP);
    s.objective = 2;
    lm_search_options o = {.seed = 5, .allow_unassigned = true};
    ck_assert_int_eq(lm__search_run(&s, &o, NULL), LM_OK);
    check_consistent(&s, &t);
    ck_assert_double_eq_tol(s.objective, 90, 1e-12);
    ck_assert_uint_eq(s.group_of[4], 0);
    ck_assert_uint_eq(s.group_of[5], 1);
    lm__search_free(&s);
}
END_TEST

START_TEST(same_seed_same_result)
{
    toy t;
    toy_random(&t, 12, 4, 99, 0, 1000);
    for (uint32_t g = 0; g < 4; g++) {
        t.lower[g] = 2;
        t.upper[g] = 4;
    }
    uint32_t first[MAX_ITEMS], second[MAX_ITEMS], third[MAX_ITEMS];
    lm_search_stats a, b, c;
    lm_search_options o = {.seed = 42, .max_rounds = 30, .tabu_steps = 5};
    toy t2 = t, t3 = t;
    double va = solve(&t, &o, true, &a, first);
    double vb = solve(&t2, &o, true, &b, second);
    o.seed = 43;
    solve(&t3, &o, true, &c, third);
    ck_assert_double_eq(va, vb);
    ck_assert_mem_eq(first, second, sizeof first);
    ck_assert_uint_eq(a.moves_applied, b.moves_applied);
    ck_assert_uint_eq(a.rounds, 30);
    ck_assert(!a.timed_out && !a.cancelled);
    /* Another seed walks another path (the toy has 12 items: the paths
     * could only coincide by accident). */
    ck_assert_uint_ne(a.moves_applied, c.moves_applied);
}
END_TEST

START_TEST(time_limit_without_round_cap)
{
    toy t;
    toy_random(&t, 12, 3, 5, 0, 100);
    for (uint32_t g = 0; g < 3; g++)
        t.upper[g] = 4;
    toy t2 = t;
    lm_search_stats stats;
    lm_search_options o = {.seed = 1, .time_limit = 0.2};
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    solve(&t, &o, true, &stats, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double elapsed = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    ck_assert(stats.timed_out);
    ck_assert(elapsed >= 0.2 && elapsed < 1.0);
    ck_assert_uint_gt(stats.rounds, 10);
    /* No rounds and no clock: only the first descent. */
    lm_search_options plain = {.seed = 1};
    solve(&t2, &plain, true, &stats, NULL);
    ck_assert_uint_eq(stats.rounds, 0);
}
END_TEST

typedef struct progress_log {
    int calls;
    int cancel_at;
    double last_best, last_fraction, offset;
} progress_log;

static int on_progress(void *user, double best, double elapsed, double fraction)
{
    progress_log *log = user;
    log->calls++;
    ck_assert(fraction >= log->last_fraction && fraction <= 1.0);
    ck_assert(elapsed >= 0);
    log->last_best = best;
    log->last_fraction = fraction;
    return log->cancel_at > 0 && log->calls >= log->cancel_at;
}

START_TEST(progress_is_rate_limited_and_cancels)
{
    toy t;
    toy_random(&t, 12, 3, 8, 0, 100);
    for (uint32_t g = 0; g < 3; g++)
        t.upper[g] = 4;
    toy t2 = t;
    progress_log log = {0};
    lm_search_options o = {.seed = 1, .time_limit = 0.55, .progress = on_progress,
                           .progress_user = &log, .progress_offset = 1000};
    solve(&t, &o, true, NULL, NULL);
    ck_assert_int_ge(log.calls, 4);
    ck_assert_int_le(log.calls, 6);
    ck_assert(log.last_best > 1000);

    progress_log stop = {.cancel_at = 2};
    atomic_int flag = 0;
    lm_search_options c = {.seed = 1, .max_rounds = 100000000, .progress = on_progress,
                           .progress_user = &stop, .stop = &flag};
    lm_search s;
    lm_search_stats stats;
    ck_assert_int_eq(lm__search_init(&s, &toy_ops, &t2, t2.n, t2.m, t2.upper), LM_OK);
    place_all(&s, &t2);
    ck_assert_int_eq(lm__search_run(&s, &c, &stats), LM_E_CANCELLED);
    ck_assert(stats.cancelled);
    ck_assert_int_eq(stop.calls, 2);
    ck_assert_int_eq(atomic_load(&flag), 1);
    check_consistent(&s, &t2);
    ck_assert_double_eq_tol(s.objective, toy_value(&t2, s.group_of), 1e-9);
    ck_assert_double_eq_tol(s.objective, s.best_objective, 1e-12);
    ck_assert_double_eq_tol(stop.last_best, s.best_objective, 1e-9);
    /* A raised flag stops another search at once. */
    ck_assert_int_eq(lm__search_run(&s, &c, &stats), LM_E_CANCELLED);
    ck_assert_uint_eq(stats.rounds, 0);
    lm__search_free(&s);
}
END_TEST

START_TEST(unplaced_items_are_invalid_without_unassigned)
{
    toy t;
    toy_random(&t, 4, 2, 1, 0, 10);
    t.upper[0] = t.upper[1] = 2;
    lm_search s;
    ck_assert_int_eq(lm__search_init(&s, &toy_ops, &t, 4, 2, t.upper), LM_OK);
    lm__search_place(&s, 0, 0);
    lm_search_options o = {.seed = 1};
    ck_assert_int_eq(lm__search_run(&s, &o, NULL), LM_E_INVALID);
    lm__search_free(&s);
    /* Nothing to search is fine. */
    ck_assert_int_eq(lm__search_init(&s, &toy_ops, &t, 0, 0, t.upper), LM_OK);
    ck_assert_int_eq(lm__search_run(&s, &o, NULL), LM_OK);
    lm__search_free(&s);
}
END_TEST

START_TEST(allocation_failures_leak_nothing)
{
    toy t;
    toy_random(&t, 9, 3, 4, 0, 100);
    for (uint32_t g = 0; g < 3; g++)
        t.lower[g] = t.upper[g] = 3;
    lm_search_options o = {.seed = 1, .max_rounds = 5, .tabu_steps = 4};
    int failures = 0;
    for (long k = 1;; k++) {
        toy fresh = t;
        lm_search s;
        lm__alloc_fail_at(k);
        int status = lm__search_init(&s, &toy_ops, &fresh, 9, 3, fresh.upper);
        if (status == LM_OK) {
            place_all(&s, &fresh);
            status = lm__search_run(&s, &o, NULL);
            if (status != LM_OK)
                check_consistent(&s, &fresh);
            lm__search_free(&s);
        }
        lm__alloc_fail_at(0);
        if (status == LM_OK)
            break;
        ck_assert_int_eq(status, LM_E_NOMEM);
        failures++;
    }
    ck_assert_int_ge(failures, 8);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("search");
    TCase *tc = tcase_create("search");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, reaches_brute_force_optimum);
    tcase_add_test(tc, unassigned_items_when_allowed);
    tcase_add_test(tc, swaps_with_unassigned_items_are_found);
    tcase_add_test(tc, same_seed_same_result);
    tcase_add_test(tc, time_limit_without_round_cap);
    tcase_add_test(tc, progress_is_rate_limited_and_cancels);
    tcase_add_test(tc, unplaced_items_are_invalid_without_unassigned);
    tcase_add_test(tc, allocation_failures_leak_nothing);
    suite_add_tcase(suite, tc);
    SRunner *runner = srunner_create(suite);
    srunner_run_all(runner, CK_ENV);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
