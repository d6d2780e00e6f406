/* Matrix partitioning on the shared search core. Every change is scored in
 * O(1) from an n x m table of item-to-group weight sums, kept up to date in
 * O(n) per applied change (the standard device of MDGP tabu searches). */
#include <math.h>
#include <pthread.h>
#ifdef LM_TUNE_DEBUG
#include <stdio.h>
#endif
#include <string.h>

#include "mdgp_internal.h"
#include "params_internal.h"
#include "result_internal.h"

typedef struct mdgp {
    size_t n;
    uint32_t m;
    const double *w;        /* caller's n x n matrix; diagonal never read */
    const uint32_t *lower;  /* by group */
    uint32_t *size;         /* by group */
    double *sum;            /* sum[i*m + g]: weight from i to the members of g, i excluded */
} mdgp;

static double mdgp_move_delta(void *context, uint32_t item, uint32_t from, uint32_t to)
{
    const mdgp *p = context;
    if (p->size[from] <= p->lower[from])
        return -INFINITY;
    const double *row = p->sum + (size_t)item * p->m;
    return row[to] - row[from];
}

static double mdgp_swap_delta(void *context, uint32_t a, uint32_t ga, uint32_t b, uint32_t gb)
{
    const mdgp *p = context;
    const double *ra = p->sum + (size_t)a * p->m, *rb = p->sum + (size_t)b * p->m;
    return (ra[gb] - ra[ga]) + (rb[ga] - rb[gb]) - 2.0 * p->w[(size_t)a * p->n + b];
}

/* The descent's inner loop: every swap of a with a member of gb at once. */
static double mdgp_best_swap(void *context, uint32_t a, uint32_t ga, uint32_t gb,
                             const uint32_t *members, uint32_t count, uint32_t skip_below,
                             uint32_t *other)
{
    const mdgp *p = context;
    const double *sum = p->sum, *row = p->w + (size_t)a * p->n;
    uint32_t m = p->m;
    double best = -INFINITY;
    for (uint32_t k = 0; k < count; k++) {
        uint32_t b = members[k];
        if (b < skip_below)
            continue;
        double v = sum[(size_t)b * m + ga] - sum[(size_t)b * m + gb] - 2.0 * row[b];
        if (v > best) {
            best = v;
            *other = b;
        }
    }
    return best + (sum[(size_t)a * m + gb] - sum[(size_t)a * m + ga]);
}

/* Item leaves `from` for `to` (either may be LM_NO_GROUP) in everybody's
 * sums; the item's own row is left alone because sums exclude the item. */
static void shift(mdgp *p, uint32_t item, uint32_t from, uint32_t to)
{
    const double *row = p->w + (size_t)item * p->n;
    double *sum = p->sum;
    uint32_t m = p->m;
    for (size_t k = 0; k < p->n; k++) {
        if (k == item)
            continue;
        if (from != LM_NO_GROUP)
            sum[k * m + from] -= row[k];
        if (to != LM_NO_GROUP)
            sum[k * m + to] += row[k];
    }
    if (from != LM_NO_GROUP)
        p->size[from]--;
    if (to != LM_NO_GROUP)
        p->size[to]++;
}

static void mdgp_move_apply(void *context, uint32_t item, uint32_t from, uint32_t to)
{
    shift(context, item, from, to);
}

static void mdgp_swap_apply(void *context, uint32_t a, uint32_t ga, uint32_t b, uint32_t gb)
{
    shift(context, a, ga, gb);
    shift(context, b, gb, ga);
}

static const lm_search_ops mdgp_ops = {mdgp_move_delta, mdgp_move_apply, mdgp_swap_delta,
                                       mdgp_swap_apply, NULL, mdgp_best_swap};

/* ---- one independent search per thread -------------------------------- */

typedef struct job {
    const struct lm_params *params;
    const lm_partition_tuning *tuning;
    size_t n;
    uint32_t m;
    const double *w;
    const uint32_t *lower, *capacity;
    atomic_int *stop;
} job;

typedef struct worker {
    const job *job;
    uint32_t index;
    int status;
    mdgp problem;
    lm_search search;
    lm_search_stats stats;
    pthread_t thread;
    bool started;
} worker;

static uint64_t mix(uint64_t x)
{
    x += UINT64_C(0x9e3779b97f4a7c15);
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

/* Group sizes that maximise the number of pairs inside groups, sum of
 * k(k-1)/2: the expected objective of a random assignment with those sizes.
 * Local search rarely changes a size profile on its own (moving an item from
 * a large group to a small one costs about the difference in sizes times a
 * typical weight), so the start decides it. Dynamic programming over groups
 * and the number of items placed; ties are broken at random so that threads
 * try different profiles of equal count. */
static int size_profile(const job *j, lm_rng *rng, uint32_t *sizes)
{
    size_t n = j->n, m = j->m, width = n + 1;
    /* pairs[g*width + t]: most pairs with groups g.. holding t items. */
    double *pairs = lm__malloc((m + 1) * width * sizeof *pairs);
    if (!pairs)
        return LM_E_NOMEM;
    for (size_t t = 0; t <= n; t++)
        pairs[m * width + t] = t == 0 ? 0 : -INFINITY;
    for (size_t g = m; g-- > 0;) {
        for (size_t t = 0; t <= n; t++) {
            double best = -INFINITY;
            for (size_t k = j->lower[g]; k <= j->capacity[g] && k <= t; k++) {
                double v = pairs[(g + 1) * width + t - k];
                if (v > -INFINITY && v + 0.5 * (double)k * (double)(k - 1) > best)
                    best = v + 0.5 * (double)k * (double)(k - 1);
            }
            pairs[g * width + t] = best;
        }
    }
    size_t left = n;
    for (size_t g = 0; g < m; g++) {
        double target = pairs[g * width + left];
        uint32_t ties = 0, choice = j->lower[g];
        for (size_t k = j->lower[g]; k <= j->capacity[g] && k <= left; k++) {
            double v = pairs[(g + 1) * width + left - k];
            if (v > -INFINITY && v + 0.5 * (double)k * (double)(k - 1) == target &&
                lm__rng_below(rng, ++ties) == 0)
                choice = (uint32_t)k;
        }
        sizes[g] = choice;
        left -= choice;
    }
    lm__free(pairs);
    return LM_OK;
}

/* A random assignment with the sizes of size_profile(). */
static int construct(worker *wk, lm_rng *rng)
{
    const job *j = wk->job;
    lm_search *s = &wk->search;
    uint32_t n = (uint32_t)j->n;
    uint32_t *order = s->best_group_of; /* scratch until the search starts */
    uint32_t *sizes = lm__malloc(j->m * sizeof *sizes);
    if (!sizes)
        return LM_E_NOMEM;
    int status = size_profile(j, rng, sizes);
    if (status != LM_OK) {
        lm__free(sizes);
        return status;
    }
    for (uint32_t i = 0; i < n; i++)
        order[i] = i;
    for (uint32_t k = n; k > 1; k--) {
        uint32_t r = (uint32_t)lm__rng_below(rng, k);
        uint32_t t = order[k - 1];
        order[k - 1] = order[r];
        order[r] = t;
    }
    uint32_t next = 0;
    for (uint32_t g = 0; g < j->m; g++)
        for (uint32_t k = 0; k < sizes[g]; k++)
            lm__search_place(s, order[next++], g);
    lm__free(sizes);
    double total = 0;
    for (uint32_t i = 0; i < n; i++)
        total += wk->problem.sum[(size_t)i * j->m + s->group_of[i]];
    s->objective = total / 2;
    return LM_OK;
}

static void *run_worker(void *argument)
{
    worker *wk = argument;
    const job *j = wk->job;
    const struct lm_params *params = j->params;
    mdgp *p = &wk->problem;
    p->n = j->n;
    p->m = j->m;
    p->w = j->w;
    p->lower = j->lower;
    p->size = lm__calloc(j->m, sizeof *p->size);
    p->sum = lm__calloc(j->n * j->m, sizeof *p->sum);
    if (!p->size || !p->sum) {
        wk->status = LM_E_NOMEM;
        return NULL;
    }
    wk->status = lm__search_init(&wk->search, &mdgp_ops, p, (uint32_t)j->n, j->m, j->capacity);
    if (wk->status != LM_OK)
        return NULL;
    uint64_t seed = mix(params->seed ^ mix(wk->index));
    lm_rng rng;
    lm__rng_seed(&rng, seed, UINT64_C(0x4d44475001));
    wk->status = construct(wk, &rng);
    if (wk->status != LM_OK)
        return NULL;
    lm_search_options o = {
        .seed = seed,
        .max_rounds = (uint64_t)params->effort * j->tuning->rounds_per_effort,
        .time_limit = params->time_limit,
        .perturb_strength = j->tuning->perturb_strength,
        .tabu_steps = j->tuning->tabu_steps,
        .tabu_tenure = j->tuning->tabu_tenure,
        .stagnation = j->tuning->stagnation,
        .symmetric_candidates = true,
        .stop = j->stop,
    };
    if (wk->index == 0) {
        /* One reporter: callbacks never run on two threads at once. */
        o.progress = params->progress;
        o.progress_user = params->progress_user;
    }
    wk->status = lm__search_run(&wk->search, &o, &wk->stats);
#ifdef LM_TUNE_DEBUG
    fprintf(stderr, "thread %u rounds %llu moves %llu best %.3f\n", wk->index,
            (unsigned long long)wk->stats.rounds, (unsigned long long)wk->stats.moves_applied,
            wk->search.objective);
#endif
    return NULL;
}

static void free_worker(worker *wk)
{
    lm__search_free(&wk->search);
    lm__free(wk->problem.size);
    lm__free(wk->problem.sum);
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
    (void)m;
    memset(t, 0, sizeof *t);
    t->rounds_per_effort = 50;
    t->tabu_steps = 0;
    (void)n;
}

static int run_workers(const job *j, worker *workers, uint32_t threads)
{
    for (uint32_t t = 1; t < threads; t++) {
        workers[t].started = pthread_create(&workers[t].thread, NULL, run_worker, &workers[t]) == 0;
        if (!workers[t].started)
            run_worker(&workers[t]); /* no thread to spare: run it here */
    }
    run_worker(&workers[0]);
    for (uint32_t t = 1; t < threads; t++)
        if (workers[t].started)
            pthread_join(workers[t].thread, NULL);
    (void)j;
    return LM_OK;
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
    worker *workers = lm__calloc(threads, sizeof *workers);
    if (!bounds || !workers) {
        lm__free(bounds);
        lm__free(workers);
        return lm__fail(&result->base, LM_E_NOMEM, "partition: out of memory");
    }
    for (size_t g = 0; g < m; g++) {
        bounds[g] = (uint32_t)lower[g];
        bounds[m + g] = (uint32_t)(upper[g] < n ? upper[g] : n);
    }
    atomic_int stop = 0;
    job j = {params, tuning, n, (uint32_t)m, weights, bounds, bounds + m, &stop};
    for (uint32_t t = 0; t < threads; t++) {
        workers[t].job = &j;
        workers[t].index = t;
    }
    run_workers(&j, workers, threads);

    /* The best of the threads by the recomputed objective; ties go to the
     * lowest thread index so that the result does not depend on timing. */
    int best = -1;
    double best_total = -INFINITY;
    status = LM_OK;
    for (uint32_t t = 0; t < threads; t++) {
        if (workers[t].status == LM_E_NOMEM) {
            status = LM_E_NOMEM;
            continue;
        }
        double total = score(n, weights, workers[t].search.group_of);
        if (best < 0 || total > best_total) {
            best = (int)t;
            best_total = total;
        }
        if (workers[t].status == LM_E_CANCELLED && status == LM_OK)
            status = LM_E_CANCELLED;
    }
    if (status != LM_E_NOMEM && lm__result_set_items(result, n) != LM_OK)
        status = LM_E_NOMEM;
    if (status != LM_E_NOMEM) {
        for (size_t i = 0; i < n; i++)
            result->item_group[i] = workers[best].search.group_of[i];
        result->total = best_total;
    }
    for (uint32_t t = 0; t < threads; t++)
        free_worker(&workers[t]);
    lm__free(workers);
    lm__free(bounds);
    if (status == LM_E_NOMEM)
        return lm__fail(&result->base, LM_E_NOMEM, "partition: out of memory");
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
