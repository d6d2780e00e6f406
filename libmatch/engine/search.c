/* The shared local-search core: iterated local search over moves and swaps,
 * with an optional tabu walk per round (docs/solver.md explains the choices).
 * The core owns the assignment; a problem only scores and applies changes. */
#include <math.h>
#include <string.h>
#include <time.h>

#include "engine/search_internal.h"

/* Clock and stop flag are looked at after this many delta evaluations. */
#define CHECK_EVERY 256u
#define PROGRESS_INTERVAL 0.1
#define NO_ITEM UINT32_MAX
/* Directed changes in a weak perturbation. */
#define WEAK_STEPS 3

typedef struct change {
    uint32_t item, other; /* other == NO_ITEM: a move of item from `from` to `to` */
    uint32_t from, to;
    double delta;
} change;

typedef struct run_state {
    lm_search *s;
    const lm_search_ops *ops;
    const lm_search_options *opt;
    lm_search_stats *stats;
    lm_rng rng;
    uint32_t *order;     /* items, reshuffled for every descent pass */
    uint32_t *cand;      /* candidate groups of the item being scanned */
    uint32_t *accepted;  /* assignment the next perturbation starts from */
    double accepted_objective;
    uint64_t *tabu_until; /* by item: tabu while step < tabu_until */
    uint64_t step;
    change *journal;      /* tabu moves since the walk's best */
    uint32_t journal_cap;
    uint32_t tenure;
    uint64_t evaluations, next_check;
    struct timespec start;
    double next_progress;
    bool timed, stop;
    bool cancelled, timed_out;
    /* local_descent: items to look at again, each queued at most once */
    uint32_t *dirty;
    uint8_t *queued;
    uint32_t dirty_count;
    bool tracking;
} run_state;

static inline uint32_t slot_of(const lm_search *s, uint32_t group)
{
    return group == LM_NO_GROUP ? s->group_count : group;
}

static inline uint32_t *slice(const lm_search *s, uint32_t group)
{
    return s->members + s->slice_start[slot_of(s, group)];
}

/* ---- bookkeeping of the assignment ------------------------------------ */

int lm__search_init(lm_search *s, const lm_search_ops *ops, void *context,
                    uint32_t item_count, uint32_t group_count, const uint32_t *capacity)
{
    memset(s, 0, sizeof *s);
    s->ops = ops;
    s->context = context;
    s->item_count = item_count;
    s->group_count = group_count;
    if (group_count == UINT32_MAX || item_count == UINT32_MAX)
        return LM_E_TOO_LARGE;
    /* The extra slot (index group_count) lists the unassigned items. */
    size_t slots = (size_t)group_count + 1;
    uint64_t total = item_count;
    for (uint32_t g = 0; g < group_count; g++)
        total += capacity[g] < item_count ? capacity[g] : item_count;
    if (total > UINT32_MAX)
        return LM_E_TOO_LARGE;
    s->group_of = lm__malloc(((size_t)item_count + 1) * sizeof *s->group_of);
    s->position = lm__malloc(((size_t)item_count + 1) * sizeof *s->position);
    s->best_group_of = lm__malloc(((size_t)item_count + 1) * sizeof *s->best_group_of);
    s->slice_start = lm__malloc(slots * sizeof *s->slice_start);
    s->size = lm__calloc(slots, sizeof *s->size);
    s->capacity = lm__malloc(slots * sizeof *s->capacity);
    s->members = lm__malloc(((size_t)total + 1) * sizeof *s->members);
    if (!s->group_of || !s->position || !s->best_group_of || !s->slice_start || !s->size ||
        !s->capacity || !s->members) {
        lm__search_free(s);
        return LM_E_NOMEM;
    }
    uint32_t start = 0;
    for (uint32_t g = 0; g < group_count; g++) {
        s->capacity[g] = capacity[g] < item_count ? capacity[g] : item_count;
        s->slice_start[g] = start;
        start += s->capacity[g];
    }
    s->slice_start[group_count] = start;
    s->capacity[group_count] = item_count;
    s->size[group_count] = item_count;
    for (uint32_t i = 0; i < item_count; i++) {
        s->group_of[i] = LM_NO_GROUP;
        s->best_group_of[i] = LM_NO_GROUP;
        s->position[i] = i;
        s->members[start + i] = i;
    }
    s->objective = 0.0;
    s->best_objective = -INFINITY;
    return LM_OK;
}

void lm__search_free(lm_search *s)
{
    if (!s)
        return;
    lm__free(s->group_of);
    lm__free(s->position);
    lm__free(s->best_group_of);
    lm__free(s->slice_start);
    lm__free(s->size);
    lm__free(s->capacity);
    lm__free(s->members);
    s->group_of = s->position = s->best_group_of = NULL;
    s->slice_start = s->size = s->capacity = s->members = NULL;
}

/* Moves item to group in the core's arrays only (the problem is told apart). */
static void relocate(lm_search *s, uint32_t item, uint32_t group)
{
    uint32_t from = slot_of(s, s->group_of[item]);
    uint32_t *from_members = s->members + s->slice_start[from];
    uint32_t last = from_members[--s->size[from]];
    from_members[s->position[item]] = last;
    s->position[last] = s->position[item];
    uint32_t to = slot_of(s, group);
    s->members[s->slice_start[to] + s->size[to]] = item;
    s->position[item] = s->size[to]++;
    s->group_of[item] = group;
}

static void trade(lm_search *s, uint32_t a, uint32_t b)
{
    uint32_t ga = s->group_of[a], gb = s->group_of[b];
    uint32_t pa = s->position[a], pb = s->position[b];
    slice(s, ga)[pa] = b;
    slice(s, gb)[pb] = a;
    s->position[a] = pb;
    s->position[b] = pa;
    s->group_of[a] = gb;
    s->group_of[b] = ga;
}

void lm__search_place(lm_search *s, uint32_t item, uint32_t group)
{
    if (item >= s->item_count || group >= s->group_count ||
        s->group_of[item] != LM_NO_GROUP || s->size[group] >= s->capacity[group])
        return;
    s->ops->move_apply(s->context, item, LM_NO_GROUP, group);
    relocate(s, item, group);
}

static void mark_dirty(run_state *st, uint32_t item)
{
    if (item == NO_ITEM || st->queued[item])
        return;
    st->queued[item] = 1;
    st->dirty[st->dirty_count++] = item;
}

/* The items of group (not of the unassigned pool, which may be large). */
static void mark_group_dirty(run_state *st, uint32_t group)
{
    lm_search *s = st->s;
    if (group == LM_NO_GROUP)
        return;
    const uint32_t *members = s->members + s->slice_start[group];
    for (uint32_t k = 0; k < s->size[group]; k++)
        mark_dirty(st, members[k]);
}

static void apply_change(run_state *st, const change *c)
{
    lm_search *s = st->s;
    if (st->tracking) {
        uint32_t from = s->group_of[c->item];
        uint32_t to = c->other == NO_ITEM ? c->to : s->group_of[c->other];
        mark_dirty(st, c->item);
        mark_dirty(st, c->other);
        mark_group_dirty(st, from);
        mark_group_dirty(st, to);
    }
    if (c->other == NO_ITEM) {
        s->ops->move_apply(s->context, c->item, s->group_of[c->item], c->to);
        relocate(s, c->item, c->to);
    } else {
        s->ops->swap_apply(s->context, c->item, s->group_of[c->item], c->other,
                           s->group_of[c->other]);
        trade(s, c->item, c->other);
    }
    s->objective += c->delta;
    if (st->stats)
        st->stats->moves_applied++;
}

/* Brings the assignment to target through capacity-respecting moves and
 * swaps (the problem sees each one). An item whose target group is full
 * trades places with a member that must leave that group anyway, so every
 * step settles at least one item for good. */
static void restore(run_state *st, const uint32_t *target, double target_objective)
{
    lm_search *s = st->s;
    bool again = true;
    while (again) {
        again = false;
        for (uint32_t i = 0; i < s->item_count; i++) {
            uint32_t from = s->group_of[i], to = target[i];
            if (from == to)
                continue;
            uint32_t t = slot_of(s, to);
            if (s->size[t] < s->capacity[t]) {
                s->ops->move_apply(s->context, i, from, to);
                relocate(s, i, to);
                continue;
            }
            const uint32_t *members = slice(s, to);
            for (uint32_t k = 0; k < s->size[t]; k++) {
                uint32_t j = members[k];
                if (target[j] != to) {
                    s->ops->swap_apply(s->context, i, from, j, to);
                    trade(s, i, j);
                    break;
                }
            }
            again = true; /* j may now sit where it was not before */
        }
    }
    s->objective = target_objective;
}

static void save_best(run_state *st)
{
    lm_search *s = st->s;
    memcpy(s->best_group_of, s->group_of, s->item_count * sizeof *s->group_of);
    s->best_objective = s->objective;
}

/* ---- budget ----------------------------------------------------------- */

static double elapsed_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + 1e-9 * (double)(now.tv_nsec - start->tv_nsec);
}

static double fraction_done(const run_state *st, double elapsed)
{
    double fraction = 0.0;
    if (st->opt->max_rounds > 0 && st->stats)
        fraction = (double)st->stats->rounds / (double)st->opt->max_rounds;
    if (st->opt->time_limit > 0 && elapsed / st->opt->time_limit > fraction)
        fraction = elapsed / st->opt->time_limit;
    return fraction < 1.0 ? fraction : 1.0;
}

/* Looks at the stop flag, the clock and the progress callback; true when the
 * search must end. Called every CHECK_EVERY evaluations and every round. */
static bool check_budget(run_state *st)
{
    if (st->stop)
        return true;
    st->next_check = st->evaluations + CHECK_EVERY;
    if (st->opt->stop && atomic_load_explicit(st->opt->stop, memory_order_relaxed)) {
        st->cancelled = true;
        st->stop = true;
        return true;
    }
    if (!st->timed)
        return false;
    double elapsed = elapsed_since(&st->start);
    if (st->opt->time_limit > 0 && elapsed >= st->opt->time_limit) {
        st->timed_out = true;
        st->stop = true;
        return true;
    }
    if (st->opt->progress && elapsed >= st->next_progress) {
        st->next_progress = elapsed + PROGRESS_INTERVAL;
        double best = st->s->best_objective > st->s->objective ? st->s->best_objective
                                                               : st->s->objective;
        if (st->opt->progress(st->opt->progress_user, best + st->opt->progress_offset, elapsed,
                              fraction_done(st, elapsed))) {
            st->cancelled = true;
            st->stop = true;
            if (st->opt->stop)
                atomic_store_explicit(st->opt->stop, 1, memory_order_relaxed);
            return true;
        }
    }
    return false;
}

static inline bool counted(run_state *st)
{
    return ++st->evaluations >= st->next_check && check_budget(st);
}

/* Smallest change that counts as an improvement: keeps rounding noise in
 * the deltas from making the descent cycle. */
static inline double tolerance(double objective)
{
    return 1e-11 * (1.0 + fabs(objective));
}

/* ---- neighbourhood ---------------------------------------------------- */

/* Candidate groups of item (never its own); LM_NO_GROUP is always one when
 * items may stay unassigned. */
static uint32_t candidates_of(run_state *st, uint32_t item)
{
    lm_search *s = st->s;
    uint32_t own = s->group_of[item], count = 0;
    if (s->ops->candidates) {
        size_t listed = s->ops->candidates(s->context, item, st->cand, s->group_count);
        if (listed > s->group_count)
            listed = s->group_count;
        for (size_t k = 0; k < listed; k++) {
            uint32_t g = st->cand[k];
            if (g < s->group_count && g != own)
                st->cand[count++] = g;
        }
    } else {
        for (uint32_t g = 0; g < s->group_count; g++)
            if (g != own)
                st->cand[count++] = g;
    }
    if (st->opt->allow_unassigned && own != LM_NO_GROUP)
        st->cand[count++] = LM_NO_GROUP;
    return count;
}

typedef enum scan_mode { SCAN_DESCENT, SCAN_TABU } scan_mode;

/* Best change of item over its moves and swaps. In tabu mode, changes
 * touching a tabu item count only when they beat aspire; ties are broken
 * at random so that the walk does not favour low item numbers. */
static void scan_item(run_state *st, uint32_t item, scan_mode mode, double aspire,
                      change *best, uint32_t *ties)
{
    lm_search *s = st->s;
    const lm_search_ops *ops = s->ops;
    uint32_t own = s->group_of[item];
    bool item_tabu = mode == SCAN_TABU && st->tabu_until[item] > st->step;
    bool skip_lower = st->opt->symmetric_candidates;
    uint32_t count = candidates_of(st, item);
    for (uint32_t c = 0; c < count && !st->stop; c++) {
        uint32_t g = st->cand[c];
        uint32_t slot = slot_of(s, g);
        if (s->size[slot] < s->capacity[slot]) {
            double d = ops->move_delta(s->context, item, own, g);
            if (d > best->delta || (d == best->delta && d > -INFINITY && ties)) {
                if (!item_tabu || s->objective + d > aspire) {
                    if (d > best->delta) {
                        *best = (change){item, NO_ITEM, own, g, d};
                        if (ties)
                            *ties = 1;
                    } else if (lm__rng_below(&st->rng, ++*ties) == 0) {
                        *best = (change){item, NO_ITEM, own, g, d};
                    }
                }
            }
            if (counted(st))
                return;
        }
        const uint32_t *members = slice(s, g);
        /* With symmetric candidates the pair is met again from the other
         * side, so only partners numbered above item are tried. */
        uint32_t skip_below = skip_lower && own != LM_NO_GROUP && g != LM_NO_GROUP ? item : 0;
        if (mode == SCAN_DESCENT && ops->best_swap) {
            uint32_t other = NO_ITEM;
            double d = ops->best_swap(s->context, item, own, g, members, s->size[slot],
                                      skip_below, &other);
            if (d > best->delta && other != NO_ITEM)
                *best = (change){item, other, own, g, d};
            st->evaluations += s->size[slot];
            if (st->evaluations >= st->next_check && check_budget(st))
                return;
            continue;
        }
        /* The unassigned pool can be large: look at a sample of it. */
        uint32_t size = s->size[slot], look = size, first = 0;
        if (g == LM_NO_GROUP && st->opt->unassigned_sample && size > st->opt->unassigned_sample) {
            look = st->opt->unassigned_sample;
            first = (uint32_t)lm__rng_below(&st->rng, size);
        }
        for (uint32_t q = 0; q < look; q++) {
            uint32_t k = first + q < size ? first + q : first + q - size;
            uint32_t other = members[k];
            if (other < skip_below)
                continue;
            double d = ops->swap_delta(s->context, item, own, other, g);
            if (d > best->delta || (d == best->delta && d > -INFINITY && ties)) {
                bool tabu = item_tabu || (mode == SCAN_TABU && st->tabu_until[other] > st->step);
                if (!tabu || s->objective + d > aspire) {
                    if (d > best->delta) {
                        *best = (change){item, other, own, g, d};
                        if (ties)
                            *ties = 1;
                    } else if (lm__rng_below(&st->rng, ++*ties) == 0) {
                        *best = (change){item, other, own, g, d};
                    }
                }
            }
            if (counted(st))
                return;
        }
    }
}

static void shuffle(run_state *st, uint32_t *items, uint32_t count)
{
    for (uint32_t k = count; k > 1; k--) {
        uint32_t j = (uint32_t)lm__rng_below(&st->rng, k);
        uint32_t t = items[k - 1];
        items[k - 1] = items[j];
        items[j] = t;
    }
}

/* Visits the items in random order and applies each one's best improving
 * change, until a whole pass finds none: a local optimum for moves and
 * swaps together. (Looking first at the items a perturbation touched halves
 * the work but mostly undoes the perturbation: the random order is what
 * lets other items use the new configuration first.) */
static void descent(run_state *st)
{
    lm_search *s = st->s;
    bool improved = true;
    while (improved && !st->stop) {
        improved = false;
        shuffle(st, st->order, s->item_count);
        for (uint32_t k = 0; k < s->item_count && !st->stop; k++) {
            change best = {NO_ITEM, NO_ITEM, 0, 0, tolerance(s->objective)};
            scan_item(st, st->order[k], SCAN_DESCENT, INFINITY, &best, NULL);
            if (best.item != NO_ITEM && !st->stop) {
                apply_change(st, &best);
                improved = true;
            }
        }
    }
}

/* Descent over the dirty items only: each applied change queues the items
 * of the groups it touched, until the queue is empty. */
static void local_descent(run_state *st)
{
    lm_search *s = st->s;
    while (st->dirty_count > 0 && !st->stop) {
        /* a random dirty item, so that no region of the problem is favoured */
        uint32_t at = (uint32_t)lm__rng_below(&st->rng, st->dirty_count);
        uint32_t item = st->dirty[at];
        st->dirty[at] = st->dirty[--st->dirty_count];
        st->queued[item] = 0;
        change best = {NO_ITEM, NO_ITEM, 0, 0, tolerance(s->objective)};
        scan_item(st, item, SCAN_DESCENT, INFINITY, &best, NULL);
        if (best.item != NO_ITEM && !st->stop)
            apply_change(st, &best);
    }
}

static void clear_dirty(run_state *st)
{
    while (st->dirty_count > 0)
        st->queued[st->dirty[--st->dirty_count]] = 0;
}

static void make_tabu(run_state *st, uint32_t item)
{
    st->tabu_until[item] = st->step + st->tenure + lm__rng_below(&st->rng, st->tenure + 1);
}

/* Steepest non-tabu change at every step, worsening ones included, until
 * tabu_steps steps pass without beating the walk's best; then the steps
 * since that best are undone, so the walk ends on it. */
static void tabu_walk(run_state *st)
{
    lm_search *s = st->s;
    double walk_best = s->objective;
    uint32_t since_best = 0, journal_len = 0;
    while (since_best < st->opt->tabu_steps && !st->stop) {
        change best = {NO_ITEM, NO_ITEM, 0, 0, -INFINITY};
        uint32_t ties = 0;
        double aspire = walk_best + tolerance(walk_best);
        for (uint32_t i = 0; i < s->item_count && !st->stop; i++)
            scan_item(st, i, SCAN_TABU, aspire, &best, &ties);
        if (best.item == NO_ITEM || st->stop)
            break;
        apply_change(st, &best);
        st->step++;
        make_tabu(st, best.item);
        if (best.other != NO_ITEM)
            make_tabu(st, best.other);
        if (s->objective > aspire) {
            walk_best = s->objective;
            journal_len = 0;
            since_best = 0;
        } else {
            st->journal[journal_len++] = best;
            since_best++;
        }
    }
    /* Undo in reverse order: every undone step returns to a state the walk
     * already held, so capacities hold throughout. */
    while (journal_len > 0) {
        change c = st->journal[--journal_len];
        if (c.other == NO_ITEM) {
            s->ops->move_apply(s->context, c.item, c.to, c.from);
            relocate(s, c.item, c.from);
        } else {
            s->ops->swap_apply(s->context, c.item, s->group_of[c.item], c.other,
                               s->group_of[c.other]);
            trade(s, c.item, c.other);
        }
    }
    s->objective = walk_best;
}

/* ---- iterated local search -------------------------------------------- */

/* One random change that keeps the assignment feasible (finite delta, room
 * in the target group); false when none was found in a few attempts. */
static bool random_change(run_state *st, change *c)
{
    lm_search *s = st->s;
    for (int attempt = 0; attempt < 16; attempt++) {
        uint32_t item = (uint32_t)lm__rng_below(&st->rng, s->item_count);
        uint32_t count = candidates_of(st, item);
        if (count == 0)
            continue;
        uint32_t own = s->group_of[item];
        uint32_t g = st->cand[lm__rng_below(&st->rng, count)];
        uint32_t slot = slot_of(s, g);
        bool room = s->size[slot] < s->capacity[slot];
        *c = (change){item, NO_ITEM, own, g, -INFINITY};
        if (room && (s->size[slot] == 0 || lm__rng_below(&st->rng, 2) == 0)) {
            c->delta = s->ops->move_delta(s->context, item, own, g);
        } else if (s->size[slot] > 0) {
            c->other = slice(s, g)[lm__rng_below(&st->rng, s->size[slot])];
            c->delta = s->ops->swap_delta(s->context, item, own, c->other, g);
        }
        st->evaluations++;
        if (c->delta > -INFINITY)
            return true;
    }
    return false;
}

/* A strong perturbation makes `steps` random changes; a directed (weak)
 * one makes `steps` changes that are each the best of item_count random
 * samples, so it leaves the local optimum by its least damaging exits.
 * Perturbed items turn tabu so that a tabu walk that follows explores
 * around them instead of undoing them. */
static void perturb(run_state *st, uint32_t steps, bool directed)
{
    lm_search *s = st->s;
    uint32_t samples = directed ? (st->opt->perturb_samples ? st->opt->perturb_samples
                                                            : s->item_count)
                                : 1;
    for (uint32_t k = 0; k < steps && !st->stop; k++) {
        change best = {NO_ITEM, NO_ITEM, 0, 0, -INFINITY}, c;
        for (uint32_t q = 0; q < samples; q++)
            if (random_change(st, &c) && c.delta > best.delta)
                best = c;
        if (best.item == NO_ITEM)
            continue;
        apply_change(st, &best);
        if (st->tabu_until) {
            make_tabu(st, best.item);
            if (best.other != NO_ITEM)
                make_tabu(st, best.other);
        }
    }
}

static void accept_current(run_state *st)
{
    lm_search *s = st->s;
    memcpy(st->accepted, s->group_of, s->item_count * sizeof *s->group_of);
    st->accepted_objective = s->objective;
}

static void free_state(run_state *st)
{
    lm__free(st->order);
    lm__free(st->cand);
    lm__free(st->accepted);
    lm__free(st->tabu_until);
    lm__free(st->journal);
    lm__free(st->dirty);
    lm__free(st->queued);
}

static int alloc_state(run_state *st)
{
    lm_search *s = st->s;
    size_t n = s->item_count;
    st->order = lm__malloc((n + 1) * sizeof *st->order);
    st->cand = lm__malloc(((size_t)s->group_count + 1) * sizeof *st->cand);
    st->accepted = lm__malloc((n + 1) * sizeof *st->accepted);
    bool ok = st->order && st->cand && st->accepted;
    if (ok && st->opt->local_descent) {
        st->dirty = lm__malloc((n + 1) * sizeof *st->dirty);
        st->queued = lm__calloc(n + 1, sizeof *st->queued);
        ok = st->dirty && st->queued;
    }
    if (ok && st->opt->tabu_steps > 0) {
        st->tabu_until = lm__calloc(n + 1, sizeof *st->tabu_until);
        st->journal = lm__malloc((size_t)st->opt->tabu_steps * sizeof *st->journal);
        ok = st->tabu_until && st->journal;
    }
    if (!ok) {
        free_state(st);
        return LM_E_NOMEM;
    }
    for (uint32_t i = 0; i < s->item_count; i++)
        st->order[i] = i;
    return LM_OK;
}

static bool rounds_left(const run_state *st)
{
    if (st->opt->max_rounds > 0)
        return st->stats->rounds < st->opt->max_rounds;
    return st->opt->time_limit > 0; /* no round cap: the clock decides */
}

int lm__search_run(lm_search *s, const lm_search_options *opt, lm_search_stats *stats)
{
    lm_search_stats ignored;
    if (!stats)
        stats = &ignored;
    memset(stats, 0, sizeof *stats);
    if (!s || !opt || !s->ops)
        return LM_E_INVALID;
    if (!opt->allow_unassigned && s->size[s->group_count] > 0)
        return LM_E_INVALID;
    run_state st;
    memset(&st, 0, sizeof st);
    st.s = s;
    st.ops = s->ops;
    st.opt = opt;
    st.stats = stats;
    int status = alloc_state(&st);
    if (status != LM_OK)
        return status;
    lm__rng_seed(&st.rng, opt->seed, UINT64_C(0x5345415243480001));
    uint32_t n = s->item_count;
    uint32_t groups = s->group_count > 0 ? s->group_count : 1;
    uint32_t strong = opt->perturb_strength > 0 ? (uint32_t)opt->perturb_strength
                                                : (n / groups > 2 ? n / groups : 2);
    uint32_t stagnation = opt->stagnation > 0 ? opt->stagnation : 3;
    st.tenure = opt->tabu_tenure > 0 ? opt->tabu_tenure : 1 + (n / 10 < 20 ? n / 10 : 20);
    st.timed = opt->time_limit > 0 || opt->progress;
    st.next_progress = PROGRESS_INTERVAL;
    st.next_check = CHECK_EVERY;
    clock_gettime(CLOCK_MONOTONIC, &st.start);

    if (opt->local_descent) {
        /* every item starts dirty; afterwards only what changes is looked at */
        st.tracking = true;
        shuffle(&st, st.order, n);
        for (uint32_t i = 0; i < n; i++)
            mark_dirty(&st, st.order[i]);
        local_descent(&st);
        st.tracking = false;
    } else {
        descent(&st);
    }
    save_best(&st);
    accept_current(&st);
    uint32_t idle = 0;
    while (rounds_left(&st) && !check_budget(&st)) {
        bool kick = idle >= stagnation;
        if (opt->local_descent) {
            st.tracking = true;
            perturb(&st, kick ? strong : WEAK_STEPS, !kick);
            local_descent(&st);
            clear_dirty(&st);
            st.tracking = false;
        } else {
            perturb(&st, kick ? strong : WEAK_STEPS, !kick);
            descent(&st);
        }
        if (opt->tabu_steps > 0)
            tabu_walk(&st);
        stats->rounds++;
        double tol = tolerance(st.accepted_objective);
        if (s->objective > s->best_objective + tolerance(s->best_objective))
            save_best(&st);
        if (kick || s->objective > st.accepted_objective + tol) {
            accept_current(&st);
            idle = 0;
        } else if (s->objective >= st.accepted_objective - tol) {
            accept_current(&st); /* plateau: move on, but it is no progress */
            idle++;
        } else {
            restore(&st, st.accepted, st.accepted_objective);
            idle++;
        }
    }
    if (s->objective > s->best_objective)
        save_best(&st);
    restore(&st, s->best_group_of, s->best_objective);
    stats->cancelled = st.cancelled;
    stats->timed_out = st.timed_out;
    free_state(&st);
    return st.cancelled ? LM_E_CANCELLED : LM_OK;
}
