/* Matrix partitioning as a problem of the search core, and one thread's
 * search: every change is scored in O(1) from an n x m table of
 * item-to-group weight sums, kept up to date in O(n) per applied change (the
 * standard device of MDGP local searches). docs/solver.md explains the
 * choices. */
#include <math.h>
#include <string.h>
#include <time.h>

#include "partition/mdgp_internal.h"

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
        double v = sum[(size_t)b * m + ga] - sum[(size_t)b * m + gb] - 2.0 * row[b];
        v = b >= skip_below ? v : -INFINITY; /* a select, not an unpredictable branch */
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

static const lm_search_ops mdgp_ops = {
    .move_delta = mdgp_move_delta,
    .move_apply = mdgp_move_apply,
    .swap_delta = mdgp_swap_delta,
    .swap_apply = mdgp_swap_apply,
    .best_swap = mdgp_best_swap,
};

static uint64_t mix(uint64_t x)
{
    x += UINT64_C(0x9e3779b97f4a7c15);
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

/* Without the table: items go one by one to the largest group with room
 * (the one where an extra item adds the most pairs). Not always the best
 * profile, but close, and linear. */
static void greedy_profile(const lm_mdgp_job *j, lm_rng *rng, uint32_t *sizes)
{
    size_t left = j->n;
    for (uint32_t g = 0; g < j->m; g++) {
        sizes[g] = j->lower[g];
        left -= j->lower[g];
    }
    for (; left > 0; left--) {
        uint32_t best = UINT32_MAX, ties = 0;
        for (uint32_t g = 0; g < j->m; g++) {
            if (sizes[g] >= j->capacity[g])
                continue;
            if (best == UINT32_MAX || sizes[g] > sizes[best]) {
                best = g;
                ties = 1;
            } else if (sizes[g] == sizes[best] && lm__rng_below(rng, ++ties) == 0) {
                best = g;
            }
        }
        sizes[best]++; /* room exists: the bounds were checked to hold n */
    }
}

/* Group sizes that maximise the number of pairs inside groups, sum of
 * k(k-1)/2: the expected objective of a random assignment with those sizes.
 * Local search rarely changes a size profile on its own (moving an item from
 * a large group to a small one costs about the difference in sizes times a
 * typical weight), so the start decides it. Dynamic programming over groups
 * and the number of items placed, O(n * sum of bound ranges); ties are
 * broken at random so that threads try different profiles of equal count.
 * Instances too large for the table use greedy_profile. */
static int size_profile(const lm_mdgp_job *j, lm_rng *rng, uint32_t *sizes)
{
    size_t n = j->n, m = j->m, width = n + 1;
    double work = 0;
    for (size_t g = 0; g < m; g++)
        work += (double)(j->capacity[g] - j->lower[g] + 1) * (double)width;
    double limit = j->tuning->profile_work > 0 ? j->tuning->profile_work : 1e8;
    if (work > limit || (double)(m + 1) * (double)width > (double)(1 << 24)) {
        greedy_profile(j, rng, sizes);
        return LM_OK;
    }
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

/* ---- one thread: a population narrowed down to one ---------------------- */

struct lm_mdgp_walker {
    mdgp problem;
    lm_search search;
    uint64_t seed;
};

/* A random assignment with the sizes of size_profile(). */
static int construct(const lm_mdgp_job *j, lm_mdgp_walker *w, lm_rng *rng)
{
    lm_search *s = &w->search;
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
        total += w->problem.sum[(size_t)i * j->m + s->group_of[i]];
    s->objective = total / 2;
    return LM_OK;
}

static int walker_start(const lm_mdgp_job *j, lm_mdgp_walker *w, uint64_t seed)
{
    mdgp *p = &w->problem;
    p->n = j->n;
    p->m = j->m;
    p->w = j->w;
    p->lower = j->lower;
    p->size = lm__calloc(j->m, sizeof *p->size);
    p->sum = lm__calloc(j->n * j->m, sizeof *p->sum);
    if (!p->size || !p->sum)
        return LM_E_NOMEM;
    int status = lm__search_init(&w->search, &mdgp_ops, p, (uint32_t)j->n, j->m, j->capacity);
    if (status != LM_OK)
        return status;
    w->seed = seed;
    lm_rng rng;
    lm__rng_seed(&rng, seed, UINT64_C(0x4d44475001));
    return construct(j, w, &rng);
}

/* Passes the first thread's progress on with the whole run's figures: the
 * best over finished searches too, time since the start, overall share. */
typedef struct relay {
    const struct lm_params *params;
    struct timespec start;
    double best_before;
    double done, share; /* fraction before this search, and its part */
} relay;

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + 1e-9 * (double)(now.tv_nsec - start->tv_nsec);
}

static int relay_progress(void *user, double best, double elapsed, double fraction)
{
    const relay *r = user;
    (void)elapsed;
    double total = best > r->best_before ? best : r->best_before;
    return r->params->progress(r->params->progress_user, total, seconds_since(&r->start),
                               r->done + fraction * r->share);
}

/* Stable ranking of the walkers by objective, best first. */
static void rank(const lm_mdgp_worker *wk, uint32_t *alive, uint32_t count)
{
    for (uint32_t a = 1; a < count; a++) {
        uint32_t k = alive[a];
        double v = wk->walkers[k].search.objective;
        uint32_t b = a;
        while (b > 0 && wk->walkers[alive[b - 1]].search.objective < v) {
            alive[b] = alive[b - 1];
            b--;
        }
        alive[b] = k;
    }
}

/* Successive halving: every walker searches, the better half goes on, and
 * so on until one is left; each stage gets an equal share of the budget
 * (rounds and time), split among the walkers still in it. */
static int narrow(lm_mdgp_worker *wk, uint32_t *alive)
{
    const lm_mdgp_job *j = wk->job;
    const struct lm_params *params = j->params;
    uint32_t active = wk->walker_count, calls = 0, stages = 0;
    for (uint32_t c = active;; c = (c + 1) / 2) {
        calls += c;
        stages++;
        if (c == 1)
            break;
    }
    uint64_t effort = params->effort > 0 ? (uint64_t)params->effort : 0;
    uint64_t per = j->tuning->rounds_per_effort;
    uint64_t total_rounds = per && effort > UINT64_MAX / per ? UINT64_MAX : effort * per;
    uint64_t rounds_left = total_rounds;
    relay r = {params, {0, 0}, -INFINITY, 0.0, 0.0};
    clock_gettime(CLOCK_MONOTONIC, &r.start);
    lm_search_options o = {
        .time_limit = 0,
        .perturb_strength = j->tuning->perturb_strength,
        .tabu_steps = j->tuning->tabu_steps,
        .tabu_tenure = j->tuning->tabu_tenure,
        .stagnation = j->tuning->stagnation,
        .symmetric_candidates = true,
        .stop = j->stop,
    };
    if (wk->index == 0 && params->progress) {
        /* One reporter: callbacks never run on two threads at once. */
        o.progress = relay_progress;
        o.progress_user = &r;
    }
    /* Each stage's share of the budget is split evenly among its calls. */
    uint32_t calls_left = calls, per_stage_left = stages;
    for (uint32_t stage = 0;; stage++) {
        uint64_t stage_rounds = rounds_left / per_stage_left;
        double stage_time = params->time_limit > 0
                                ? (params->time_limit - seconds_since(&r.start)) / per_stage_left
                                : 0;
        for (uint32_t a = 0; a < active; a++) {
            lm_mdgp_walker *w = &wk->walkers[alive[a]];
            o.seed = w->seed + stage + 1;
            o.max_rounds = total_rounds ? stage_rounds / active : 0;
            if (total_rounds && o.max_rounds == 0)
                o.max_rounds = 1;
            o.time_limit = stage_time > 1e-6 * active ? stage_time / active
                           : params->time_limit > 0 ? 1e-6
                                                    : 0;
            r.done = 1.0 - (double)calls_left / calls;
            r.share = 1.0 / calls;
            lm_search_stats stats;
            int status = lm__search_run(&w->search, &o, &stats);
            rounds_left -= stats.rounds < rounds_left ? stats.rounds : rounds_left;
            calls_left--;
            if (w->search.objective > r.best_before)
                r.best_before = w->search.objective;
            if (status != LM_OK)
                return status;
        }
        per_stage_left--;
        rank(wk, alive, active);
        if (active == 1)
            return LM_OK;
        active = (active + 1) / 2;
    }
}

void lm__mdgp_worker_run(lm_mdgp_worker *wk)
{
    const lm_mdgp_job *j = wk->job;
    uint32_t count = j->tuning->population > 1 ? j->tuning->population : 1;
    wk->walkers = lm__calloc(count, sizeof *wk->walkers);
    uint32_t *alive = lm__malloc(count * sizeof *alive);
    if (!wk->walkers || !alive) {
        lm__free(alive);
        wk->status = LM_E_NOMEM;
        return;
    }
    wk->walker_count = count;
    uint64_t seed = mix(j->params->seed ^ mix(wk->index));
    for (uint32_t k = 0; k < count; k++) {
        alive[k] = k;
        wk->status = walker_start(j, &wk->walkers[k], mix(seed + k));
        if (wk->status != LM_OK) {
            lm__free(alive);
            return;
        }
    }
    wk->status = narrow(wk, alive);
    /* After a cancel the ranking may be stale: take the best outright. */
    wk->best = 0;
    for (uint32_t k = 1; k < count; k++)
        if (wk->walkers[k].search.objective > wk->walkers[wk->best].search.objective)
            wk->best = k;
    lm__free(alive);
}

const uint32_t *lm__mdgp_worker_result(const lm_mdgp_worker *wk)
{
    if ((wk->status != LM_OK && wk->status != LM_E_CANCELLED) || !wk->walkers)
        return NULL;
    return wk->walkers[wk->best].search.group_of;
}

void lm__mdgp_worker_free(lm_mdgp_worker *wk)
{
    for (uint32_t k = 0; wk->walkers && k < wk->walker_count; k++) {
        lm__search_free(&wk->walkers[k].search);
        lm__free(wk->walkers[k].problem.size);
        lm__free(wk->walkers[k].problem.sum);
    }
    lm__free(wk->walkers);
    wk->walkers = NULL;
}
