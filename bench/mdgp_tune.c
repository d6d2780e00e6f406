/* Compares settings of the partition search on MDGPLIB instances:
 *   mdgp_tune FILE TIME SEED [rounds_per_effort tabu_steps tenure stagnation strength effort
 *             population]
 * prints "objective seconds" for one run. Reads the file with fscanf: this
 * is a measuring tool, the checked reader is lmatch partition's. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "libmatch/libmatch.h"
#include "partition/mdgp_internal.h"
#include "model/params_internal.h"

int main(int argc, char **argv)
{
    if (argc < 4) {
        fputs("usage: mdgp_tune FILE TIME SEED [rpe tabu tenure stagnation strength effort "
              "population]\n",
              stderr);
        return 2;
    }
    FILE *in = fopen(argv[1], "r");
    if (!in)
        return 1;
    size_t n, m;
    char type[8];
    if (fscanf(in, "%zu %zu %7s", &n, &m, type) != 3)
        return 1;
    size_t *lower = malloc(m * sizeof *lower), *upper = malloc(m * sizeof *upper);
    double *w = calloc(n * n, sizeof *w);
    for (size_t g = 0; g < m; g++)
        if (fscanf(in, "%zu %zu", &lower[g], &upper[g]) != 2)
            return 1;
    size_t i, j;
    double d;
    while (fscanf(in, "%zu %zu %lf", &i, &j, &d) == 3)
        w[i * n + j] = w[j * n + i] = d;
    fclose(in);

    lm_params *params;
    if (lm_params_new(&params) != LM_OK)
        return 1;
    int bad = 0;
    bad |= lm_params_set_double(params, LM_PARAM_TIME_LIMIT, atof(argv[2]));
    bad |= lm_params_set_int(params, LM_PARAM_SEED, atoll(argv[3]));
    bad |= lm_params_set_int(params, LM_PARAM_EFFORT, 0);
    lm_partition_tuning tuning;
    lm__partition_default_tuning(n, m, &tuning);
    if (argc > 4)
        tuning.rounds_per_effort = strtoull(argv[4], NULL, 10);
    if (argc > 5)
        tuning.tabu_steps = (uint32_t)atol(argv[5]);
    if (argc > 6)
        tuning.tabu_tenure = (uint32_t)atol(argv[6]);
    if (argc > 7)
        tuning.stagnation = (uint32_t)atol(argv[7]);
    if (argc > 8)
        tuning.perturb_strength = atoi(argv[8]);
    if (argc > 9)
        bad |= lm_params_set_int(params, LM_PARAM_EFFORT, atoll(argv[9]));
    if (argc > 10)
        tuning.population = (uint32_t)atol(argv[10]);
    if (getenv("THREADS"))
        bad |= lm_params_set_int(params, LM_PARAM_THREADS, atoll(getenv("THREADS")));
    if (bad)
        return 2;
    lm_result *result;
    if (lm_result_new(&result) != LM_OK)
        return 1;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int status = lm__partition_solve_tuned(n, m, w, lower, upper, params, &tuning, result);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (status != LM_OK) {
        fprintf(stderr, "%s\n", lm_errmsg(result));
        return 1;
    }
    printf("%.3f %.2f\n", lm_result_total(result),
           (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
    if (getenv("SIZES")) {
        for (size_t g = 0; g < m; g++) {
            size_t k = 0;
            for (size_t x = 0; x < n; x++)
                k += lm_result_item_group(result, x) == (int64_t)g;
            printf("%zu[%zu,%zu] ", k, lower[g], upper[g]);
        }
        printf("\n");
    }
    lm_result_free(result);
    lm_params_free(params);
    free(w);
    free(lower);
    free(upper);
    return 0;
}
