/* pairs_bench: measurements for pairs mode (docs/benchmarks_pairs.md).
 *
 *   pairs_bench matrix N [--seed S] [--out FILE]
 *       A generated city with exactly N newcomers and N residents; builds
 *       the pair weight matrix (2 mu + score, -inf when infeasible) and times
 *       the dense assignment solver on it alone. --out writes the matrix as
 *       raw little-endian float64 (row-major, newcomers x residents) so that
 *       pairs_bench.py can time scipy on the same numbers.
 *   pairs_bench match N [--seed S] [--venues V] [--candidates K] [--dense]
 *                       [--threads T]
 *       Times lm_pairs_match() end to end on the same kind of pool (sparse
 *       with K candidates, default 20; --dense: all pairs) and reports wall
 *       and CPU seconds, peak memory (getrusage), the total, pairs and
 *       unassigned.
 *
 * Output: one JSON object per run on stdout. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "engine/assignment_internal.h"
#include "libmatch/libmatch.h"
#include "pairs/pairs_internal.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* CPU seconds of this process: less disturbed than wall time when other
 * programs share the machine. */
static double cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double peak_mb(void)
{
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return (double)usage.ru_maxrss / 1024.0;
}

static void die(const char *what, int status, const void *object)
{
    fprintf(stderr, "pairs_bench: %s: %s (%s)\n", what, lm_strerror(status),
            object ? lm_errmsg(object) : "");
    exit(1);
}

static lm_pool *make_pool(size_t per_side, size_t venues, uint64_t seed)
{
    lm_pool *pool = NULL;
    int status = lm_pool_new(NULL, &pool);
    if (status != LM_OK)
        die("pool", status, NULL);
    status = lm_pool_generate(pool, 2 * per_side, 0.5, venues, seed);
    if (status != LM_OK)
        die("generate", status, pool);
    return pool;
}

static int run_matrix(size_t n, uint64_t seed, const char *out)
{
    lm_pool *pool = make_pool(n, 0, seed);
    lm_params *params = NULL;
    if (lm_params_new(&params) != LM_OK)
        die("params", LM_E_NOMEM, NULL);
    size_t *side[2] = {malloc(n * sizeof(size_t)), malloc(n * sizeof(size_t))};
    size_t count[2] = {0, 0};
    for (size_t p = 0; p < lm_pool_size(pool); p++) {
        int role = lm_pool_role(pool, p) == LM_RESIDENT;
        side[role][count[role]++] = p;
    }
    if (count[0] != n || count[1] != n)
        die("sides", LM_E_INVALID, NULL);
    double start = now();
    lm_pair_profiles profiles;
    lm_pair_scorer scorer;
    lm_pair_rules rules;
    const lm_weights *weights = &((const struct lm_params *)params)->weights;
    if (lm__pair_profiles_build(pool, &profiles) != LM_OK ||
        lm__pair_scorer_init(&scorer, pool, weights, &profiles) != LM_OK ||
        lm__pair_rules_init(&rules, pool, params) != LM_OK)
        die("setup", LM_E_NOMEM, NULL);
    double *weight = malloc(n * n * sizeof *weight);
    size_t infeasible = 0;
    for (size_t i = 0; i < n; i++) {
        lm__pair_scorer_load(&scorer, side[0][i]);
        for (size_t j = 0; j < n; j++) {
            bool ok = lm__pair_feasible(&rules, side[0][i], side[1][j]);
            weight[i * n + j] = ok ? 2.0 * weights->unassigned +
                                         lm__pair_scorer_score(&scorer, side[1][j])
                                   : -INFINITY;
            infeasible += !ok;
        }
    }
    double built = now();
    int64_t *match = malloc(n * sizeof *match);
    double total = 0.0;
    int status = lm__assign_dense(n, n, weight, NULL, match, &total);
    double solved = now();
    if (status != LM_OK)
        die("assign", status, NULL);
    size_t pairs = 0;
    for (size_t i = 0; i < n; i++)
        pairs += match[i] >= 0;
    if (out) {
        FILE *f = fopen(out, "wb");
        if (!f || fwrite(weight, sizeof *weight, n * n, f) != n * n || fclose(f) != 0)
            die(out, LM_E_IO, NULL);
    }
    printf("{\"mode\": \"matrix\", \"per_side\": %zu, \"seed\": %llu, \"build_s\": %.4f, "
           "\"solve_s\": %.4f, \"matched_weight\": %.6f, \"pairs\": %zu, "
           "\"infeasible_share\": %.4f}\n",
           n, (unsigned long long)seed, built - start, solved - built, total, pairs,
           (double)infeasible / (double)(n * n));
    free(weight);
    free(match);
    free(side[0]);
    free(side[1]);
    lm__pair_profiles_free(&profiles);
    lm__pair_scorer_free(&scorer);
    lm__pair_rules_free(&rules);
    lm_params_free(params);
    lm_pool_free(pool);
    return 0;
}

static int run_match(size_t n, uint64_t seed, size_t venues, long candidates, long threads)
{
    lm_pool *pool = make_pool(n, venues, seed);
    lm_params *params = NULL;
    lm_result *result = NULL;
    if (lm_params_new(&params) != LM_OK || lm_result_new(&result) != LM_OK)
        die("objects", LM_E_NOMEM, NULL);
    int status = lm_params_set_int(params, LM_PARAM_CANDIDATES, candidates);
    if (status == LM_OK)
        status = lm_params_set_int(params, LM_PARAM_THREADS, threads);
    if (status != LM_OK)
        die("params", status, params);
    double memory_before = peak_mb();
    double start = now(), cpu_start = cpu_now();
    status = lm_pairs_match(pool, params, result);
    double seconds = now() - start, cpu_seconds = cpu_now() - cpu_start;
    if (status != LM_OK)
        die("pairs", status, result);
    printf("{\"mode\": \"match\", \"per_side\": %zu, \"seed\": %llu, \"venues\": %zu, "
           "\"candidates\": %ld, \"threads\": %ld, \"seconds\": %.3f, \"cpu_seconds\": %.3f, "
           "\"peak_mb\": %.1f, "
           "\"peak_mb_before\": %.1f, \"total\": %.6f, \"pairs\": %zu, \"unassigned\": %zu, "
           "\"optimality\": %d}\n",
           n, (unsigned long long)seed, venues, candidates, threads, seconds, cpu_seconds,
           peak_mb(), memory_before,
           lm_result_total(result), lm_result_group_count(result),
           lm_result_unassigned_count(result), (int)lm_result_optimality(result));
    lm_result_free(result);
    lm_params_free(params);
    lm_pool_free(pool);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fputs("usage: pairs_bench matrix|match N [--seed S] [--out FILE] [--venues V] "
              "[--candidates K] [--dense] [--threads T]\n",
              stderr);
        return 2;
    }
    size_t n = strtoull(argv[2], NULL, 10);
    uint64_t seed = 1;
    const char *out = NULL;
    size_t venues = 0;
    long candidates = 20, threads = 1;
    for (int k = 3; k < argc; k++) {
        if (strcmp(argv[k], "--seed") == 0 && k + 1 < argc)
            seed = strtoull(argv[++k], NULL, 10);
        else if (strcmp(argv[k], "--out") == 0 && k + 1 < argc)
            out = argv[++k];
        else if (strcmp(argv[k], "--venues") == 0 && k + 1 < argc)
            venues = strtoull(argv[++k], NULL, 10);
        else if (strcmp(argv[k], "--candidates") == 0 && k + 1 < argc)
            candidates = strtol(argv[++k], NULL, 10);
        else if (strcmp(argv[k], "--threads") == 0 && k + 1 < argc)
            threads = strtol(argv[++k], NULL, 10);
        else if (strcmp(argv[k], "--dense") == 0)
            candidates = 0;
        else {
            fprintf(stderr, "pairs_bench: unknown option %s\n", argv[k]);
            return 2;
        }
    }
    if (strcmp(argv[1], "matrix") == 0)
        return run_matrix(n, seed, out);
    if (strcmp(argv[1], "match") == 0)
        return run_match(n, seed, venues, candidates, threads);
    fprintf(stderr, "pairs_bench: unknown mode %s\n", argv[1]);
    return 2;
}
