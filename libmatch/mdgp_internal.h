/* Matrix partitioning (the Maximally Diverse Grouping Problem) as a problem
 * of the search core; lm_partition_solve is its public entry. */
#ifndef LM_MDGP_INTERNAL_H
#define LM_MDGP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "search_internal.h"

/* How lm_partition_solve drives the core; lm__partition_default_tuning gives
 * the values it uses. Exposed so that bench/ can compare settings. */
typedef struct lm_partition_tuning {
    uint64_t rounds_per_effort; /* max_rounds = effort * this (0 effort: time only) */
    uint32_t tabu_steps;        /* see lm_search_options; 0 = automatic */
    uint32_t tabu_tenure;
    uint32_t stagnation;
    int perturb_strength;
} lm_partition_tuning;

void lm__partition_default_tuning(size_t n, size_t m, lm_partition_tuning *tuning);

/* lm_partition_solve with explicit tuning (NULL: the defaults). */
int lm__partition_solve_tuned(size_t n, size_t m, const double *weights, const size_t *lower,
                              const size_t *upper, const struct lm_params *params,
                              const lm_partition_tuning *tuning, lm_result *result);

#endif
