/* Matrix partitioning (the Maximally Diverse Grouping Problem) as a problem
 * of the search core. partition.c checks the input and runs one worker per
 * thread; partition_search.c is the problem and one worker's search. */
#ifndef LM_MDGP_INTERNAL_H
#define LM_MDGP_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "model/params_internal.h"
#include "engine/search_internal.h"

/* How lm_partition_solve drives the core; lm__partition_default_tuning gives
 * the values it uses. Exposed so that bench/mdgp_tune can compare settings. */
typedef struct lm_partition_tuning {
    uint64_t rounds_per_effort; /* max_rounds = effort * this (0 effort: time only) */
    uint32_t tabu_steps;        /* see lm_search_options */
    uint32_t tabu_tenure;
    uint32_t stagnation;
    int perturb_strength;
    uint32_t population;        /* searches per thread, halved until one is left; 0 = 1 */
    double profile_work;        /* largest size-profile table (cells x range) before the
                                   greedy profile is used instead; 0 = 1e8 */
} lm_partition_tuning;

void lm__partition_default_tuning(size_t n, size_t m, lm_partition_tuning *tuning);

/* lm_partition_solve with explicit tuning (NULL: the defaults). */
int lm__partition_solve_tuned(size_t n, size_t m, const double *weights, const size_t *lower,
                              const size_t *upper, const struct lm_params *params,
                              const lm_partition_tuning *tuning, lm_result *result);

/* What every worker reads (never writes). */
typedef struct lm_mdgp_job {
    const struct lm_params *params;
    const lm_partition_tuning *tuning;
    size_t n;
    uint32_t m;
    const double *w;                 /* n x n */
    const uint32_t *lower, *capacity; /* by group; capacity = min(upper, n) */
    atomic_int *stop;                /* raised by a cancel */
} lm_mdgp_job;

typedef struct lm_mdgp_walker lm_mdgp_walker;

/* One thread's search: a population of walkers narrowed down to the best. */
typedef struct lm_mdgp_worker {
    const lm_mdgp_job *job;
    uint32_t index;   /* thread index: seeds and who reports progress */
    int status;       /* LM_OK, LM_E_CANCELLED, LM_E_NOMEM */
    lm_mdgp_walker *walkers;
    uint32_t walker_count;
    uint32_t best;    /* index of the walker holding the result */
} lm_mdgp_worker;

/* Runs the worker's search to the end of its budget; sets status. */
void lm__mdgp_worker_run(lm_mdgp_worker *worker);
/* The best assignment (by group index) when status is LM_OK or
 * LM_E_CANCELLED, else NULL. */
const uint32_t *lm__mdgp_worker_result(const lm_mdgp_worker *worker);
void lm__mdgp_worker_free(lm_mdgp_worker *worker);

#endif
