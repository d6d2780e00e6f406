/* The exact assignment solvers against optima computed other ways: a brute
 * force over every matching for tiny instances, and min-cost flow with
 * Bellman-Ford (successive shortest paths) for medium ones. Instances are
 * rectangular both ways, with infeasible entries, non-positive weights and
 * many ties. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/assignment_internal.h"

/* A small deterministic generator (splitmix64), independent of the library. */
static uint64_t rng_state;

static uint64_t next_random(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static size_t random_below(size_t n)
{
    return n ? (size_t)(next_random() % n) : 0;
}

static double random_unit(void)
{
    return (double)(next_random() >> 11) / 9007199254740992.0;
}

/* ---- references ---------------------------------------------------------- */

static double brute_best(size_t rows, size_t cols, const double *w, size_t row,
                         unsigned used)
{
    if (row == rows)
        return 0.0;
    double best = brute_best(rows, cols, w, row + 1, used); /* row stays unmatched */
    for (size_t j = 0; j < cols; j++) {
        double weight = w[row * cols + j];
        if (used >> j & 1u || !(weight > 0.0))
            continue;
        double value = weight + brute_best(rows, cols, w, row + 1, used | 1u << j);
        if (value > best)
            best = value;
    }
    return best;
}

/* Max-weight matching by min-cost flow: augment along the cheapest residual
 * path (Bellman-Ford; costs are -weight) while it gains. Node 0 is the
 * source, 1..rows the rows, then the columns, then the sink. */
static double flow_best(size_t rows, size_t cols, const double *w)
{
    size_t nodes = rows + cols + 2, sink = nodes - 1;
    int64_t *match_row = malloc((rows + 1) * sizeof *match_row);
    int64_t *match_col = malloc((cols + 1) * sizeof *match_col);
    double *dist = malloc(nodes * sizeof *dist);
    int64_t *pred = malloc(nodes * sizeof *pred);
    for (size_t i = 0; i < rows; i++)
        match_row[i] = -1;
    for (size_t j = 0; j < cols; j++)
        match_col[j] = -1;
    double value = 0.0;
    for (;;) {
        for (size_t k = 0; k < nodes; k++) {
            dist[k] = INFINITY;
            pred[k] = -1;
        }
        dist[0] = 0.0;
        for (size_t round = 0; round < nodes; round++) {
            bool changed = false;
            for (size_t i = 0; i < rows; i++) {
                size_t r = 1 + i;
                if (match_row[i] < 0 && dist[0] < dist[r]) { /* source -> free row */
                    dist[r] = dist[0];
                    pred[r] = 0;
                    changed = true;
                }
                for (size_t j = 0; j < cols; j++) {
                    double weight = w[i * cols + j];
                    if (!(weight > 0.0))
                        continue;
                    size_t c = 1 + rows + j;
                    if (match_row[i] == (int64_t)j) { /* backward: col -> row */
                        if (dist[c] + weight < dist[r]) {
                            dist[r] = dist[c] + weight;
                            pred[r] = (int64_t)c;
                            changed = true;
                        }
                    } else if (dist[r] - weight < dist[c]) {
                        dist[c] = dist[r] - weight;
                        pred[c] = (int64_t)r;
                        changed = true;
                    }
                }
            }
            for (size_t j = 0; j < cols; j++) {
                size_t c = 1 + rows + j;
                if (match_col[j] < 0 && dist[c] < dist[sink]) {
                    dist[sink] = dist[c];
                    pred[sink] = (int64_t)c;
                    changed = true;
                }
            }
            if (!changed)
                break;
        }
        if (!(dist[sink] < -1e-12))
            break;
        value -= dist[sink];
        size_t node = (size_t)pred[sink];
        while (node != 0) {
            size_t r = (size_t)pred[node];
            size_t j = node - 1 - rows, i = r - 1;
            match_row[i] = (int64_t)j;
            match_col[j] = (int64_t)i;
            node = (size_t)pred[r];
        }
    }
    free(match_row);
    free(match_col);
    free(dist);
    free(pred);
    return value;
}

/* ---- helpers --------------------------------------------------------------- */

/* A valid matching that only uses edges worth using; returns its weight. */
static double check_matching(size_t rows, size_t cols, const double *w, const int64_t *match)
{
    char *used = calloc(cols + 1, 1);
    double sum = 0.0;
    for (size_t i = 0; i < rows; i++) {
        if (match[i] < 0) {
            ck_assert_int_eq(match[i], -1);
            continue;
        }
        ck_assert_int_lt(match[i], (int64_t)cols);
        ck_assert_msg(!used[match[i]], "column %lld used twice", (long long)match[i]);
        used[match[i]] = 1;
        double weight = w[i * cols + (size_t)match[i]];
        ck_assert_msg(weight > 0.0, "row %zu uses an edge of weight %g", i, weight);
        sum += weight;
    }
    free(used);
    return sum;
}

/* The finite entries of a dense matrix as a graph, rows' edges ascending or
 * (shuffle) in random order. */
typedef struct owned_graph {
    lm_bipartite graph;
    size_t *row_start;
    uint32_t *col;
    double *weight;
} owned_graph;

static void graph_from_dense(owned_graph *o, size_t rows, size_t cols, const double *w,
                             bool shuffle)
{
    o->row_start = malloc((rows + 1) * sizeof *o->row_start);
    o->col = malloc((rows * cols + 1) * sizeof *o->col);
    o->weight = malloc((rows * cols + 1) * sizeof *o->weight);
    size_t e = 0;
    for (size_t i = 0; i < rows; i++) {
        o->row_start[i] = e;
        for (size_t j = 0; j < cols; j++)
            if (isfinite(w[i * cols + j])) {
                o->col[e] = (uint32_t)j;
                o->weight[e++] = w[i * cols + j];
            }
        for (size_t k = o->row_start[i]; shuffle && k + 1 < e; k++) {
            size_t other = k + random_below(e - k);
            uint32_t c = o->col[k];
            double x = o->weight[k];
            o->col[k] = o->col[other];
            o->weight[k] = o->weight[other];
            o->col[other] = c;
            o->weight[other] = x;
        }
    }
    o->row_start[rows] = e;
    o->graph = (lm_bipartite){rows, cols, o->row_start, o->col, o->weight};
}

static void graph_free(owned_graph *o)
{
    free(o->row_start);
    free(o->col);
    free(o->weight);
}

/* Entries: mostly small integers (ties), some non-positive, some absent. */
static double random_entry(int flavour)
{
    size_t r = random_below(10);
    if (r == 0)
        return -INFINITY;
    if (r == 1)
        return flavour ? NAN : 0.0;
    if (flavour == 2)
        return random_unit() * 10.0 - 1.0;
    return (double)((int)random_below(7) - 2);
}

/* ---- tests ------------------------------------------------------------------ */

START_TEST(tiny_instances_match_brute_force)
{
    rng_state = 12345;
    for (int trial = 0; trial < 4000; trial++) {
        size_t rows = random_below(8), cols = random_below(8);
        int flavour = trial % 3;
        double w[64];
        for (size_t k = 0; k < rows * cols; k++)
            w[k] = random_entry(flavour);
        double expected = brute_best(rows, cols, w, 0, 0);
        int64_t match[8];
        double total = -1.0;
        ck_assert_int_eq(lm__assign_dense(rows, cols, w, NULL, match, &total), LM_OK);
        double used = check_matching(rows, cols, w, match);
        ck_assert_double_eq_tol(used, total, 1e-9);
        ck_assert_msg(fabs(total - expected) < 1e-9, "trial %d %zux%zu: dense %.12g, best %.12g",
                      trial, rows, cols, total, expected);

        owned_graph g;
        graph_from_dense(&g, rows, cols, w, trial % 2 == 1);
        total = -1.0;
        ck_assert_int_eq(lm__assign_sparse(&g.graph, NULL, match, &total), LM_OK);
        used = check_matching(rows, cols, w, match);
        ck_assert_double_eq_tol(used, total, 1e-9);
        ck_assert_msg(fabs(total - expected) < 1e-9,
                      "trial %d %zux%zu: sparse %.12g, best %.12g", trial, rows, cols, total,
                      expected);
        graph_free(&g);
    }
}
END_TEST

START_TEST(medium_instances_match_min_cost_flow)
{
    rng_state = 777;
    for (int trial = 0; trial < 150; trial++) {
        size_t rows = 1 + random_below(45), cols = 1 + random_below(45);
        if (trial % 5 == 0)
            cols = rows; /* square: the JV start */
        double *w = malloc(rows * cols * sizeof *w);
        int flavour = trial % 3;
        for (size_t k = 0; k < rows * cols; k++)
            w[k] = random_entry(flavour);
        if (trial % 7 == 0) /* pairs-like: 2 mu + a score, few infeasible */
            for (size_t k = 0; k < rows * cols; k++)
                w[k] = random_below(6) ? 20.0 + 7.0 * random_unit() : -INFINITY;
        double expected = flow_best(rows, cols, w);
        int64_t *match = malloc(rows * sizeof *match);
        double total;
        ck_assert_int_eq(lm__assign_dense(rows, cols, w, NULL, match, &total), LM_OK);
        ck_assert_double_eq_tol(check_matching(rows, cols, w, match), total, 1e-9);
        ck_assert_msg(fabs(total - expected) < 1e-7, "trial %d %zux%zu: dense %.12g, flow %.12g",
                      trial, rows, cols, total, expected);
        owned_graph g;
        graph_from_dense(&g, rows, cols, w, false);
        ck_assert_int_eq(lm__assign_sparse(&g.graph, NULL, match, &total), LM_OK);
        ck_assert_double_eq_tol(check_matching(rows, cols, w, match), total, 1e-9);
        ck_assert_msg(fabs(total - expected) < 1e-7,
                      "trial %d %zux%zu: sparse %.12g, flow %.12g", trial, rows, cols, total,
                      expected);
        graph_free(&g);
        free(match);
        free(w);
    }
}
END_TEST

START_TEST(large_dense_and_sparse_agree)
{
    rng_state = 99;
    size_t sizes[][2] = {{300, 300}, {200, 350}, {350, 200}, {400, 400}};
    for (size_t t = 0; t < 4; t++) {
        size_t rows = sizes[t][0], cols = sizes[t][1];
        double *w = malloc(rows * cols * sizeof *w);
        for (size_t k = 0; k < rows * cols; k++)
            w[k] = random_below(4) ? 20.0 + (double)random_below(8) : -INFINITY;
        int64_t *a = malloc(rows * sizeof *a), *b = malloc(rows * sizeof *b);
        double total_dense, total_sparse;
        ck_assert_int_eq(lm__assign_dense(rows, cols, w, NULL, a, &total_dense), LM_OK);
        owned_graph g;
        graph_from_dense(&g, rows, cols, w, false);
        ck_assert_int_eq(lm__assign_sparse(&g.graph, NULL, b, &total_sparse), LM_OK);
        ck_assert_double_eq_tol(check_matching(rows, cols, w, a), total_dense, 1e-9);
        ck_assert_double_eq_tol(check_matching(rows, cols, w, b), total_sparse, 1e-9);
        ck_assert_double_eq_tol(total_dense, total_sparse, 1e-7);
        /* every row can be matched: the optimum leaves only the surplus */
        size_t matched = 0;
        for (size_t i = 0; i < rows; i++)
            matched += a[i] >= 0;
        ck_assert_uint_eq(matched, rows < cols ? rows : cols);
        graph_free(&g);
        free(a);
        free(b);
        free(w);
    }
}
END_TEST

START_TEST(ties_go_to_the_lowest_index_and_repeat)
{
    double one_row[] = {5, 5, 5};
    int64_t match[3];
    double total;
    ck_assert_int_eq(lm__assign_dense(1, 3, one_row, NULL, match, &total), LM_OK);
    ck_assert_int_eq(match[0], 0);
    ck_assert_double_eq(total, 5.0);
    double square[] = {5, 5, 5, 5};
    ck_assert_int_eq(lm__assign_dense(2, 2, square, NULL, match, &total), LM_OK);
    ck_assert_int_eq(match[0], 0);
    ck_assert_int_eq(match[1], 1);
    double column[] = {5, 5, 5}; /* 3 rows, 1 column: the first row wins */
    ck_assert_int_eq(lm__assign_dense(3, 1, column, NULL, match, &total), LM_OK);
    ck_assert_int_eq(match[0], 0);
    ck_assert_int_eq(match[1], -1);
    ck_assert_int_eq(match[2], -1);
    size_t row_start[] = {0, 3};
    uint32_t cols[] = {0, 1, 2};
    lm_bipartite g = {1, 3, row_start, cols, one_row};
    ck_assert_int_eq(lm__assign_sparse(&g, NULL, match, &total), LM_OK);
    ck_assert_int_eq(match[0], 0);

    /* the same random instance twice gives the same matching */
    rng_state = 4242;
    size_t rows = 120, n = 150;
    double *w = malloc(rows * n * sizeof *w);
    for (size_t k = 0; k < rows * n; k++)
        w[k] = (double)random_below(3);
    int64_t *first = malloc(rows * sizeof *first), *second = malloc(rows * sizeof *second);
    ck_assert_int_eq(lm__assign_dense(rows, n, w, NULL, first, &total), LM_OK);
    ck_assert_int_eq(lm__assign_dense(rows, n, w, NULL, second, &total), LM_OK);
    ck_assert_mem_eq(first, second, rows * sizeof *first);
    free(first);
    free(second);
    free(w);
}
END_TEST

START_TEST(nothing_worth_using_leaves_everybody_unmatched)
{
    double w[] = {0, -1, -INFINITY, NAN, 0, -3};
    int64_t match[3];
    double total = 1.0;
    ck_assert_int_eq(lm__assign_dense(2, 3, w, NULL, match, &total), LM_OK);
    ck_assert_int_eq(match[0], -1);
    ck_assert_int_eq(match[1], -1);
    ck_assert_double_eq(total, 0.0);
    ck_assert_int_eq(lm__assign_dense(3, 2, w, NULL, match, &total), LM_OK);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(match[i], -1);
    ck_assert_int_eq(lm__assign_dense(0, 5, NULL, NULL, NULL, &total), LM_OK);
    ck_assert_int_eq(lm__assign_dense(2, 0, NULL, NULL, match, &total), LM_OK);
    ck_assert_int_eq(match[0], -1);
    size_t row_start[] = {0, 0, 0};
    lm_bipartite g = {2, 4, row_start, NULL, NULL};
    ck_assert_int_eq(lm__assign_sparse(&g, NULL, match, &total), LM_OK);
    ck_assert_int_eq(match[1], -1);
}
END_TEST

START_TEST(bad_input_is_rejected)
{
    int64_t match[2];
    ck_assert_int_eq(lm__assign_dense(2, 2, NULL, NULL, match, NULL), LM_E_INVALID);
    ck_assert_int_eq(lm__assign_sparse(NULL, NULL, match, NULL), LM_E_INVALID);
    size_t row_start[] = {0, 1};
    uint32_t cols[] = {3};
    double weight[] = {1.0};
    lm_bipartite g = {1, 3, row_start, cols, weight};
    ck_assert_int_eq(lm__assign_sparse(&g, NULL, match, NULL), LM_E_INVALID);
}
END_TEST

static int cancel_after(void *context, size_t done, size_t total, double matched)
{
    int *calls = context;
    ck_assert_uint_le(done, total);
    ck_assert(matched >= 0.0);
    return ++*calls >= 3;
}

START_TEST(progress_can_cancel)
{
    rng_state = 5;
    size_t n = 60;
    double *w = malloc(n * (n + 5) * sizeof *w);
    for (size_t k = 0; k < n * (n + 5); k++)
        w[k] = 1.0; /* all ties: the start leaves many rows to search */
    int64_t *match = malloc(n * sizeof *match);
    int calls = 0;
    lm_assign_control control = {cancel_after, &calls};
    ck_assert_int_eq(lm__assign_dense(n, n + 5, w, &control, match, NULL), LM_E_CANCELLED);
    ck_assert_int_eq(calls, 3);
    for (size_t i = 0; i < n; i++)
        ck_assert_int_eq(match[i], -1);
    owned_graph g;
    graph_from_dense(&g, n, n, w, false);
    calls = 0;
    ck_assert_int_eq(lm__assign_sparse(&g.graph, &control, match, NULL), LM_E_CANCELLED);
    ck_assert_int_eq(calls, 3);
    graph_free(&g);
    free(match);
    free(w);
}
END_TEST

START_TEST(allocation_failures_are_clean)
{
    rng_state = 31;
    size_t rows = 12, cols = 9;
    double w[108];
    for (size_t k = 0; k < rows * cols; k++)
        w[k] = random_entry(0);
    double expected = flow_best(rows, cols, w);
    owned_graph g;
    graph_from_dense(&g, rows, cols, w, false);
    int64_t match[12];
    for (int sparse = 0; sparse < 2; sparse++) {
        for (long fail = 1;; fail++) {
            double total = -1.0;
            lm__alloc_fail_at(fail);
            int status = sparse ? lm__assign_sparse(&g.graph, NULL, match, &total)
                                : lm__assign_dense(rows, cols, w, NULL, match, &total);
            lm__alloc_fail_at(0);
            if (status == LM_OK) {
                ck_assert_double_eq_tol(total, expected, 1e-9);
                break;
            }
            ck_assert_int_eq(status, LM_E_NOMEM);
            ck_assert_int_lt(fail, 100);
        }
    }
    graph_free(&g);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("assignment");
    TCase *tc = tcase_create("assignment");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, tiny_instances_match_brute_force);
    tcase_add_test(tc, medium_instances_match_min_cost_flow);
    tcase_add_test(tc, large_dense_and_sparse_agree);
    tcase_add_test(tc, ties_go_to_the_lowest_index_and_repeat);
    tcase_add_test(tc, nothing_worth_using_leaves_everybody_unmatched);
    tcase_add_test(tc, bad_input_is_rejected);
    tcase_add_test(tc, progress_can_cancel);
    tcase_add_test(tc, allocation_failures_are_clean);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
