/* lm_partition_solve: checks the input, runs one search per thread
 * (partition_search.c) and keeps the best result. */
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "partition/mdgp_internal.h"
#include "model/result_internal.h"

/* A worker with its thread. */
typedef struct thread_slot {
    lm_mdgp_worker worker;
    pthread_t thread;
    bool started;
} thread_slot;

static void *run_thread(void *argument)
{
    lm__mdgp_worker_run(&((thread_slot *)argument)->worker);
    return NULL;
}

/* The objective of an assignment from the matrix, pairs in a fixed order. */
static double score(size_t n, const double *w, const uint32_t *group_of)
{
    double total = 0;
    for (size_t i = 0; i < n; i++)
        for (size_t k = i + 1; k < n; k++)
            if (group_of[i] == group_of[k])
                total += w[i * n + k];
    return total;
}

/* ---- input checks ----------------------------------------------------- */

static int check_input(size_t n, size_t m, const double *weights, const size_t *lower,
                       const size_t *upper, lm_result *result)
{
    lm_object *o = &result->base;
    if (n == 0)
        return lm__fail(o, LM_E_INVALID, "partition: there are no items (n = 0)");
    if (m == 0)
        return lm__fail(o, LM_E_INVALID, "partition: there are no groups (m = 0)");
    if (!weights || !lower || !upper)
        return lm__fail(o, LM_E_INVALID, "partition: weights, lower and upper must not be NULL");
    if (n >= UINT32_MAX || n > SIZE_MAX / sizeof(double) / n)
        return lm__fail(o, LM_E_TOO_LARGE, "partition: n = %zu items is too large", n);
    if (m >= UINT32_MAX || m > SIZE_MAX / sizeof(double) / n || n * m > (size_t)1 << 30)
        return lm__fail(o, LM_E_TOO_LARGE,
                        "partition: %zu items in %zu groups is too large (n*m > 2^30)", n, m);
    size_t min_total = 0, max_total = 0;
    for (size_t g = 0; g < m; g++) {
        if (lower[g] > upper[g])
            return lm__fail(o, LM_E_INFEASIBLE,
                            "partition: group %zu has lower bound %zu above its upper bound %zu",
                            g, lower[g], upper[g]);
        min_total += lower[g] < n ? lower[g] : n + 1;
        max_total += upper[g] < n ? upper[g] : n;
        if (min_total > n)
            return lm__fail(o, LM_E_INFEASIBLE,
                            "partition: the lower bounds of groups 0..%zu already need more "
                            "than the %zu items",
                            g, n);
        if (max_total > n)
            max_total = n; /* enough room; also keeps the sum from overflowing */
    }
    if (max_total < n)
        return lm__fail(o, LM_E_INFEASIBLE,
                        "partition: the upper bounds hold only %zu of the %zu items", max_total,
                        n);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < n; k++) {
            if (k == i)
                continue;
            double x = weights[i * n + k];
            if (!isfinite(x))
                return lm__fail(o, LM_E_INVALID,
                                "partition: weight (%zu, %zu) is not a finite number", i, k);
            if (k < i && x != weights[k * n + i])
                return lm__fail(o, LM_E_INVALID,
                                "partition: weights are not symmetric: (%zu, %zu) = %.17g but "
                                "(%zu, %zu) = %.17g",
                                k, i, weights[k * n + i], i, k, x);
        }
    return LM_OK;
}

/* ---- entry points ----------------------------------------------------- */

void lm__partition_default_tuning(size_t n, size_t m, lm_partition_tuning *t)
{
    memset(t, 0, sizeof *t);
    t->rounds_per_effort = 250;
    /* Measured on MDGPLIB (docs/solver.md): a kick of about half a group's
     * worth of random changes beats both a full group (n/m, the strength of
     * iterated maxima search) and a handful; no tabu walk. */
    size_t half_group = n / (2 * m);
    t->perturb_strength = (int)(half_group > 3 ? (half_group < 1000 ? half_group : 1000) : 3);
}

static void run_threads(thread_slot *slots, uint32_t threads)
{
    for (uint32_t t = 1; t < threads; t++) {
        slots[t].started = pthread_create(&slots[t].thread, NULL, run_thread, &slots[t]) == 0;
        if (!slots[t].started)
            lm__mdgp_worker_run(&slots[t].worker); /* no thread to spare: run it here */
    }
    lm__mdgp_worker_run(&slots[0].worker);
    for (uint32_t t = 1; t < threads; t++)
        if (slots[t].started)
            pthread_join(slots[t].thread, NULL);
}

int lm__partition_solve_tuned(size_t n, size_t m, const double *weights, const size_t *lower,
                              const size_t *upper, const struct lm_params *params,
                              const lm_partition_tuning *tuning, lm_result *result)
{
    if (!result)
        return LM_E_INVALID;
    lm__result_reset(result);
    int status = check_input(n, m, weights, lower, upper, result);
    if (status != LM_OK)
        return status;
    struct lm_params defaults;
    if (!params) {
        lm__params_defaults(&defaults);
        params = &defaults;
    }
    lm_partition_tuning chosen;
    if (!tuning) {
        lm__partition_default_tuning(n, m, &chosen);
        tuning = &chosen;
    }
    uint32_t threads = params->threads > 1 ? (uint32_t)params->threads : 1;
    uint32_t *bounds = lm__malloc(2 * m * sizeof *bounds);
    thread_slot *slots = lm__calloc(threads, sizeof *slots);
    if (!bounds || !slots) {
        lm__free(bounds);
        lm__free(slots);
        return lm__fail(&result->base, LM_E_NOMEM, "partition: out of memory");
    }
    for (size_t g = 0; g < m; g++) {
        bounds[g] = (uint32_t)lower[g];
        bounds[m + g] = (uint32_t)(upper[g] < n ? upper[g] : n);
    }
    atomic_int stop = 0;
    lm_mdgp_job j = {params, tuning, n, (uint32_t)m, weights, bounds, bounds + m, &stop};
    for (uint32_t t = 0; t < threads; t++) {
        slots[t].worker.job = &j;
        slots[t].worker.index = t;
    }
    run_threads(slots, threads);

    /* The best of the threads by the recomputed objective; ties go to the
     * lowest thread index so that the result does not depend on timing. */
    int best = -1;
    double best_total = -INFINITY;
    status = LM_OK;
    for (uint32_t t = 0; t < threads; t++) {
        int ws = slots[t].worker.status;
        if (ws != LM_OK && ws != LM_E_CANCELLED) {
            if (status == LM_OK || status == LM_E_CANCELLED)
                status = ws;
            continue;
        }
        if (ws == LM_E_CANCELLED && status == LM_OK)
            status = LM_E_CANCELLED;
        double total = score(n, weights, lm__mdgp_worker_result(&slots[t].worker));
        if (best < 0 || total > best_total) {
            best = (int)t;
            best_total = total;
        }
    }
    if ((status == LM_OK || status == LM_E_CANCELLED) && lm__result_set_items(result, n) != LM_OK)
        status = LM_E_NOMEM;
    if (status == LM_OK || status == LM_E_CANCELLED) {
        for (size_t i = 0; i < n; i++)
            result->item_group[i] = lm__mdgp_worker_result(&slots[best].worker)[i];
        result->total = best_total;
    }
    for (uint32_t t = 0; t < threads; t++)
        lm__mdgp_worker_free(&slots[t].worker);
    lm__free(slots);
    lm__free(bounds);
    if (status == LM_E_NOMEM)
        return lm__fail(&result->base, LM_E_NOMEM, "partition: out of memory");
    if (status != LM_OK && status != LM_E_CANCELLED)
        return lm__fail(&result->base, status, "partition: the search failed (%s)",
                        lm_strerror(status));
    if (status == LM_E_CANCELLED)
        return lm__fail(&result->base, LM_E_CANCELLED,
                        "partition: cancelled by the progress callback; the result holds the "
                        "best assignment found");
    return LM_OK;
}

int lm_partition_solve(size_t n, size_t m, const double *weights, const size_t *lower,
                       const size_t *upper, const lm_params *params, lm_result *result)
{
    return lm__partition_solve_tuned(n, m, weights, lower, upper, params, NULL, result);
}
