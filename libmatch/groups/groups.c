/* The regions of one phase of lm_groups_form() (groups_form.c): each region
 * is built greedily (groups_construct.c) and improved by the shared search
 * core (search.c) through the O(D) deltas of groups_state.c, with its groups
 * on venues within capacity (groups_venues.c). Regions run on a pool of
 * threads; each has its own random stream, and its out is kept by region
 * index, so the output does not depend on how threads interleave. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "groups/groups_job_internal.h"
#include "engine/search_internal.h"

/* ---- the search adapter ------------------------------------------------------ */

typedef struct adapter {
    lm_gstate *state;
    bool syncing; /* the core replays the current assignment: nothing to apply */
} adapter;

static double side_delta(const lm_gstate *s, uint32_t g, uint32_t out, uint32_t in)
{
    double with = lm__gstate_value_with(s, g, out, in);
    return with == -INFINITY ? -INFINITY : with - s->value[g];
}

static double move_delta(void *context, uint32_t item, uint32_t from, uint32_t to)
{
    const lm_gstate *s = ((adapter *)context)->state;
    double mu = s->weights.unassigned, delta = 0.0;
    if (from == to)
        return -INFINITY;
    if (from != LM_NO_GROUP)
        delta += side_delta(s, from, item, LM_NONE_ITEM);
    else
        delta += mu;
    if (delta == -INFINITY)
        return delta;
    if (to != LM_NO_GROUP)
        delta += side_delta(s, to, LM_NONE_ITEM, item);
    else
        delta -= mu;
    return delta;
}

static void move_apply(void *context, uint32_t item, uint32_t from, uint32_t to)
{
    adapter *a = context;
    if (a->syncing)
        return;
    if (from != LM_NO_GROUP)
        lm__gstate_apply(a->state, from, item, LM_NONE_ITEM);
    if (to != LM_NO_GROUP)
        lm__gstate_apply(a->state, to, LM_NONE_ITEM, item);
}

static double swap_delta(void *context, uint32_t a, uint32_t group_a, uint32_t b,
                         uint32_t group_b)
{
    const lm_gstate *s = ((adapter *)context)->state;
    if (group_a == group_b)
        return -INFINITY;
    double delta = 0.0;
    if (group_a != LM_NO_GROUP)
        delta += side_delta(s, group_a, a, b);
    if (delta == -INFINITY)
        return delta;
    if (group_b != LM_NO_GROUP)
        delta += side_delta(s, group_b, b, a);
    return delta;
}

static void swap_apply(void *context, uint32_t a, uint32_t group_a, uint32_t b,
                       uint32_t group_b)
{
    adapter *ad = context;
    if (ad->syncing)
        return;
    if (group_a != LM_NO_GROUP)
        lm__gstate_apply(ad->state, group_a, a, b);
    if (group_b != LM_NO_GROUP)
        lm__gstate_apply(ad->state, group_b, b, a);
    if (group_a == LM_NO_GROUP)
        ad->state->group_of[a] = group_b;
    if (group_b == LM_NO_GROUP)
        ad->state->group_of[b] = group_a;
}

/* Candidate groups: compatible ones (language, slot, reach), scanned from a
 * per-item offset so different items look at different groups first. */
#define CANDIDATES_MAX 6
/* Groups looked at for candidates beyond the kin's, without venues. */
#define SCAN_GROUPS 64

typedef struct candidate_list {
    const lm_gstate *state;
    uint32_t item, own;
    uint32_t *groups;
    size_t found, limit;
} candidate_list;

static bool take_candidate(void *context, uint32_t g)
{
    candidate_list *c = context;
    bool seen = false;
    for (size_t q = 0; q < c->found && !seen; q++)
        seen = c->groups[q] == g;
    if (!seen && g != c->own && lm__gstate_compatible(c->state, c->item, g))
        c->groups[c->found++] = g;
    return c->found < c->limit;
}

static size_t candidates(void *context, uint32_t item, uint32_t *groups, size_t cap)
{
    const lm_gstate *s = ((adapter *)context)->state;
    size_t found = 0, limit = cap < CANDIDATES_MAX ? cap : CANDIDATES_MAX;
    uint32_t count = s->group_count;
    if (count == 0)
        return 0;
    uint32_t own = s->group_of[item];
    /* the groups of the person's kin first: where people who belong
     * together are */
    if (s->kin) {
        const uint32_t *kin = s->kin + (size_t)item * LM_KIN;
        for (uint32_t k = 0; k < LM_KIN && kin[k] != LM_NONE_ITEM && found < limit; k++) {
            uint32_t g = s->group_of[kin[k]];
            if (g == LM_NO_GROUP || g == own || !lm__gstate_compatible(s, item, g))
                continue;
            bool seen = false;
            for (size_t q = 0; q < found && !seen; q++)
                seen = groups[q] == g;
            if (!seen)
                groups[found++] = g;
        }
    }
    if (s->use_venues && s->venue_count) {
        /* through the places the person can use: every group there fits */
        candidate_list list = {s, item, own, groups, found, limit};
        uint32_t offset = (uint32_t)(((uint64_t)item * 2654435761u) % s->venue_count);
        lm__gstate_groups_at_places(s, item, offset, take_candidate, &list);
        return list.found;
    }
    /* a bounded look: in a large region most groups are out of reach, and
     * the kin's groups came first */
    uint32_t start = (uint32_t)(((uint64_t)item * 2654435761u) % count);
    uint32_t looks = count < SCAN_GROUPS ? count : SCAN_GROUPS;
    for (uint32_t k = 0; k < looks && found < limit; k++) {
        uint32_t g = (start + k) % count;
        bool seen = false;
        for (size_t q = 0; q < found && !seen; q++)
            seen = groups[q] == g;
        if (!seen && g != own && lm__gstate_compatible(s, item, g))
            groups[found++] = g;
    }
    return found;
}

static const lm_search_ops group_ops = {
    .move_delta = move_delta,
    .move_apply = move_apply,
    .swap_delta = swap_delta,
    .swap_apply = swap_apply,
    .candidates = candidates,
};

/* ---- one region -------------------------------------------------------------- */

double lm__groups_elapsed(const lm_groups_job *j)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - j->start.tv_sec) + 1e-9 * (double)(now.tv_nsec - j->start.tv_nsec);
}

typedef struct progress_bridge {
    lm_groups_job *job;
    bool main_thread;
    size_t region; /* the region being searched; SIZE_MAX between regions */
} progress_bridge;

/* What region r counts for before it is done: its people unassigned (-mu
 * each), or, when the phase resumes earlier groups (the seam phase), the
 * total of those groups (set by resume() before the region changes). */
static double region_baseline(const lm_groups_job *j, size_t r)
{
    if (j->initial)
        return j->baseline[r];
    return -j->params->weights.unassigned * (double)j->regions->regions[r].count;
}

/* The core reports per region; the caller's callback sees the whole run, and
 * only from the calling thread. */
static int bridge_progress(void *user, double best, double seconds, double fraction)
{
    progress_bridge *b = user;
    lm_groups_job *j = b->job;
    if (atomic_load(&j->stop))
        return 1;
    if (!b->main_thread || !j->params->progress)
        return 0;
    /* The whole pool's total as it stands: the regions done, the others at
     * their baseline, this one at the search's best. Each region ends at or
     * above its baseline and the search's best only rises, so the number
     * reported never falls. */
    pthread_mutex_lock(&j->lock);
    double finished = j->finished_total + j->pending_total;
    pthread_mutex_unlock(&j->lock);
    if (b->region != SIZE_MAX)
        finished += best - region_baseline(j, b->region);
    size_t done = atomic_load(&j->done);
    double overall = ((double)done + fraction) / (double)j->regions->count;
    (void)seconds;
    if (j->params->progress(j->params->progress_user, finished, lm__groups_elapsed(j), overall)) {
        atomic_store(&j->stop, 1);
        return 1;
    }
    return 0;
}

static double region_objective(const lm_gstate *s)
{
    double total = 0.0;
    for (uint32_t g = 0; g < s->group_count; g++)
        total += s->value[g];
    for (uint32_t k = 0; k < s->item_count; k++)
        if (s->group_of[k] == LM_NO_GROUP)
            total -= s->weights.unassigned;
    return total;
}

static int search_region(lm_gstate *s, lm_groups_job *j, size_t r, bool main_thread, int pass)
{
    /* The leftover phase and the fill only build groups: their people could
     * not be placed once, and the search costs more than it finds there. */
    if (s->group_count == 0 || s->item_count < 2 || j->base_used)
        return LM_OK;
    uint32_t *capacity = lm__malloc(s->group_count * sizeof *capacity);
    if (!capacity)
        return LM_E_NOMEM;
    for (uint32_t g = 0; g < s->group_count; g++)
        capacity[g] = s->max_size;
    adapter a = {s, true};
    lm_search search;
    int status = lm__search_init(&search, &group_ops, &a, s->item_count, s->group_count, capacity);
    lm__free(capacity);
    if (status != LM_OK)
        return status;
    for (uint32_t k = 0; k < s->item_count; k++)
        if (s->group_of[k] != LM_NO_GROUP)
            lm__search_place(&search, k, s->group_of[k]);
    a.syncing = false;
    search.objective = region_objective(s);

    const lm_params *p = j->params;
    progress_bridge bridge = {j, main_thread, r};
    lm_search_options options;
    memset(&options, 0, sizeof options);
    options.seed = p->seed ^ ((uint64_t)r * 0x9E3779B97F4A7C15ull) ^ (uint64_t)pass << 48;
    /* effort counts perturbation rounds per 400 participants (800 with
     * venues): each round costs about the size of its change (local
     * descent), so the budget is linear in the region's size. With venues,
     * capacity decides most of who is placed and the large neighbourhood
     * search restructures afterwards: half the rounds cost 0.1% of total +
     * mu n on generated cities and save a fifth of the time. */
    uint64_t per = s->use_venues ? 800 : 400;
    options.max_rounds = (uint64_t)p->effort * s->item_count / per + 1;
    options.allow_unassigned = true;
    options.local_descent = true;
    options.perturb_samples = 4;
    options.unassigned_sample = 8;
    options.progress = bridge_progress;
    options.progress_user = &bridge;
    options.stop = &j->stop;
    if (p->time_limit > 0) {
        options.time_limit = p->time_limit - lm__groups_elapsed(j);
        if (options.time_limit <= 0)
            options.max_rounds = 1;
        if (options.time_limit <= 0)
            options.time_limit = 1e-3;
    }
    status = lm__search_run(&search, &options, NULL);
    lm__search_free(&search);
    return status;
}

/* With `reasons` false, the region's unassigned people are left out of
 * `out` (the fill: they keep the reason an earlier region gave them). */
static int collect(const lm_gstate *s, const int *slot_of, const int *venue_of,
                   bool reasons, lm_region_out *out)
{
    size_t groups = 0, members = 0, unassigned = 0;
    for (uint32_t g = 0; g < s->group_count; g++)
        if (s->size[g] > 0) {
            groups++;
            members += s->size[g];
        }
    unassigned = reasons ? s->item_count - members : 0;
    out->members = lm__malloc((members ? members : 1) * sizeof *out->members);
    out->sizes = lm__malloc((groups ? groups : 1) * sizeof *out->sizes);
    out->slots = lm__malloc((groups ? groups : 1) * sizeof *out->slots);
    out->venues = lm__malloc((groups ? groups : 1) * sizeof *out->venues);
    out->unassigned = lm__malloc((unassigned ? unassigned : 1) * sizeof *out->unassigned);
    out->reasons = lm__malloc((unassigned ? unassigned : 1) * sizeof *out->reasons);
    if (!out->members || !out->sizes || !out->slots || !out->venues || !out->unassigned ||
        !out->reasons)
        return LM_E_NOMEM;
    size_t at = 0;
    for (uint32_t g = 0; g < s->group_count; g++) {
        if (s->size[g] == 0)
            continue;
        size_t first = at;
        for (uint32_t m = 0; m < s->size[g]; m++)
            out->members[at++] = s->items[s->members[(size_t)g * s->max_size + m]].person;
        /* insertion sort: groups are tiny */
        for (size_t x = first + 1; x < at; x++)
            for (size_t y = x; y > first && out->members[y - 1] > out->members[y]; y--) {
                size_t t = out->members[y];
                out->members[y] = out->members[y - 1];
                out->members[y - 1] = t;
            }
        out->sizes[out->group_count] = s->size[g];
        out->slots[out->group_count] = slot_of[g];
        out->venues[out->group_count] = venue_of[g] >= 0 ? (int)s->venues[venue_of[g]] : -1;
        out->group_count++;
    }
    for (uint32_t k = 0; k < s->item_count && reasons; k++) {
        if (s->group_of[k] != LM_NO_GROUP)
            continue;
        out->unassigned[out->unassigned_count] = s->items[k].person;
        /* provisional: lm_groups_form() works out every reason on the final
         * state, once all phases are done (groups_reasons.c) */
        out->reasons[out->unassigned_count] = LM_REASON_NOT_PLACED;
        out->unassigned_count++;
    }
    out->total = region_objective(s);
    return LM_OK;
}

static void dissolve_all(lm_gstate *s)
{
    for (uint32_t g = 0; g < s->group_count; g++) {
        while (s->size[g] > 0)
            lm__gstate_apply(s, g, s->members[(size_t)g * s->max_size], LM_NONE_ITEM);
        lm__gstate_release_place(s, g);
    }
}

/* Places of groups the search emptied go back to their venues. */
static void release_empty(lm_gstate *s)
{
    for (uint32_t g = 0; g < s->group_count; g++)
        if (s->size[g] == 0)
            lm__gstate_release_place(s, g);
}

/* LNS rounds per group at the default effort (20): each group is ruined
 * about this often, as a seed or as a neighbour. */
#define LNS_ROUNDS_PER_GROUP 4
/* With venues, fewer: venue capacity decides most of who is placed, and
 * the fill after the regions places more (measured on generated cities:
 * a second round adds 0.02% of total + mu n for a fifth more time). */
#define LNS_ROUNDS_PER_GROUP_VENUES 1

/* LNS rounds for a region with `groups` groups: linear in effort. */
static uint64_t lns_rounds(const lm_gstate *s, const lm_params *params, uint32_t groups)
{
    uint64_t per_group = s->use_venues ? LNS_ROUNDS_PER_GROUP_VENUES : LNS_ROUNDS_PER_GROUP;
    return (uint64_t)params->effort * (groups + 1) * per_group / 20;
}

/* Construction and the local search, construction again for the leftovers
 * and the places the search emptied, then the large neighbourhood search
 * (which can restructure what moves and swaps cannot) and a last
 * construction for who is still out. The leftover phase and the fill only
 * construct: their people could not be placed once. */
static int improve(lm_gstate *s, lm_groups_job *j, size_t r, bool main_thread, lm_rng *rng,
                   int start)
{
    int status = search_region(s, j, r, main_thread, start);
    release_empty(s);
    if (status == LM_OK)
        status = lm__groups_construct(s, rng, start > 0);
    if (status == LM_OK && !j->base_used) {
        uint32_t groups = 0;
        for (uint32_t g = 0; g < s->group_count; g++)
            groups += s->size[g] > 0;
        status = lm__groups_lns(s, rng, lns_rounds(s, j->params, groups), &j->stop);
        release_empty(s);
        if (status == LM_OK)
            status = lm__groups_construct(s, rng, start > 0);
    }
    return status;
}

static int build_once(lm_gstate *s, lm_groups_job *j, size_t r, bool main_thread, lm_rng *rng, int start)
{
    int status = lm__groups_construct(s, rng, start > 0);
    return status == LM_OK ? improve(s, j, r, main_thread, rng, start) : status;
}

/* Slots and venues of the final groups: with venues, the places the groups
 * were built on (capacity already holds); groups without one (the exact
 * path) are matched to (venue, slot) pairs within capacity. */
static int place_groups(lm_gstate *s, int *slot_of, int *venue_of)
{
    release_empty(s);
    bool all_placed = s->use_venues;
    for (uint32_t g = 0; g < s->group_count && all_placed; g++)
        all_placed = s->size[g] == 0 || s->place_venue[g] >= 0;
    if (!all_placed)
        return lm__groups_place(s, slot_of, venue_of);
    for (uint32_t g = 0; g < s->group_count; g++) {
        slot_of[g] = s->size[g] ? s->place_slot[g] : -1;
        venue_of[g] = s->size[g] ? s->place_venue[g] : -1;
    }
    return LM_OK;
}

/* Small regions get several independent starts: a greedy start decides
 * which groups can exist at all, and the search cannot open new groups. */
static int starts_for(const lm_gstate *s, const lm_params *params)
{
    if (s->item_count > 64)
        return 1;
    int64_t starts = params->effort > 0 ? params->effort : 1;
    return starts > 64 ? 64 : (int)starts;
}

/* The seam phase: the region's groups as an earlier phase left them, then
 * the large neighbourhood search and construction for who is still out. */
static int resume(lm_gstate *s, lm_groups_job *j, size_t r, lm_rng *rng)
{
    const lm_region *region = &j->regions->regions[r];
    const lm_region_out *initial = &j->initial[r];
    size_t member = 0;
    for (size_t g = 0; g < initial->group_count; g++) {
        int status = lm__gstate_reserve(s, (uint32_t)g + 1);
        if (status != LM_OK)
            return status;
        for (uint32_t m = 0; m < initial->sizes[g]; m++) {
            size_t person = initial->members[member++];
            /* region people are ascending: find the item */
            uint32_t lo = 0, hi = region->count;
            while (lo < hi) {
                uint32_t mid = lo + (hi - lo) / 2;
                if (region->people[mid] < person)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            lm__gstate_apply(s, (uint32_t)g, LM_NONE_ITEM, lo);
        }
    }
    j->baseline[r] = region_objective(s);
    int status = lm__groups_lns(s, rng, lns_rounds(s, j->params, (uint32_t)initial->group_count),
                                &j->stop);
    release_empty(s);
    if (status == LM_OK)
        status = lm__groups_construct(s, rng, false);
    return status;
}

int lm__groups_solve_region(lm_groups_job *j, size_t r, bool main_thread)
{
    const lm_region *region = &j->regions->regions[r];
    bool use_venues = j->pool->venue_count > 0;
    lm_gstate s;
    int status = lm__gstate_init(&s, j->pool, j->params, region, use_venues);
    if (status != LM_OK)
        return status;
    s.base_used = j->base_used ? j->base_used : j->kept_used;
    lm_rng rng;
    lm__rng_seed(&rng, j->params->seed, (uint64_t)r + j->stream);
    int *slot_of = NULL, *venue_of = NULL;
    uint32_t *best = lm__malloc((s.item_count ? s.item_count : 1) * sizeof *best);
    if (!best)
        status = LM_E_NOMEM;
    /* the best start: who is in which group, and each group's place */
    int *best_place = NULL;
    uint32_t best_groups = 0;
    double best_value = -INFINITY;
    int starts = starts_for(&s, j->params);
    if (status == LM_OK && !j->base_used)
        status = lm__gstate_kin(&s);
    if (status == LM_OK && j->initial) {
        status = resume(&s, j, r, &rng);
        starts = 0;
    } else if (status == LM_OK && lm__groups_exact_applies(&s)) {
        status = lm__groups_exact(&s);
        starts = 0;
    }
    for (int start = 0; start < starts && status == LM_OK; start++) {
        if (start > 0)
            dissolve_all(&s);
        status = build_once(&s, j, r, main_thread, &rng, start);
        double value = region_objective(&s);
        if (status == LM_OK && value > best_value + 1e-12) {
            best_value = value;
            memcpy(best, s.group_of, s.item_count * sizeof *best);
            int *places = lm__reallocarray(best_place, 2 * (size_t)s.group_count + 1,
                                           sizeof *places);
            if (!places) {
                status = LM_E_NOMEM;
                break;
            }
            best_place = places;
            best_groups = s.group_count;
            for (uint32_t g = 0; g < s.group_count; g++) {
                best_place[2 * g] = s.place_venue[g];
                best_place[2 * g + 1] = s.place_slot[g];
            }
        }
    }
    /* Where counts alone decide who can be placed, a start from the
     * placement plan (groups_plan.c) when it places more than the best
     * start did; kept when its total is higher. */
    bool planned = false, plan_better = false;
    if (status == LM_OK && starts > 0 && best_value > -INFINITY && lm__groups_plan_applies(&s)) {
        uint32_t placed = 0;
        for (uint32_t k = 0; k < s.item_count; k++)
            placed += best[k] != LM_NO_GROUP;
        status = lm__groups_plan(&s, placed, &planned);
        if (status == LM_OK && planned)
            status = improve(&s, j, r, main_thread, &rng, 0);
        plan_better = status == LM_OK && planned && region_objective(&s) > best_value + 1e-12;
    }
    bool restore = best_value > -INFINITY && (planned ? !plan_better : starts > 1);
    if (status == LM_OK && restore) {
        dissolve_all(&s);
        for (uint32_t g = 0; g < best_groups; g++)
            if (best_place[2 * g] >= 0)
                lm__gstate_take_place(&s, g, best_place[2 * g], best_place[2 * g + 1]);
        for (uint32_t k = 0; k < s.item_count; k++)
            if (best[k] != LM_NO_GROUP)
                lm__gstate_apply(&s, best[k], LM_NONE_ITEM, k);
    }
    lm__free(best);
    lm__free(best_place);
    if (status == LM_OK) {
        slot_of = lm__malloc((s.group_count ? s.group_count : 1) * sizeof *slot_of);
        venue_of = lm__malloc((s.group_count ? s.group_count : 1) * sizeof *venue_of);
        status = slot_of && venue_of ? place_groups(&s, slot_of, venue_of) : LM_E_NOMEM;
    }
    if (status == LM_OK) {
        /* Groups that found no free venue slot dissolve; their members may
         * still fit into placed groups. */
        for (uint32_t g = 0; g < s.group_count; g++)
            while (s.size[g] > 0 && slot_of[g] < 0)
                lm__gstate_apply(&s, g, s.members[(size_t)g * s.max_size], LM_NONE_ITEM);
        status = lm__groups_insert(&s, slot_of, venue_of);
        /* not in the fill: its regions are the people who could meet at
         * one venue, thousands each in a large city, around a few new
         * groups (at 200,000 the pass there doubled its cost for 0.3%) */
        if (status == LM_OK && !j->filling)
            status = lm__groups_swap_unplaced(&s, slot_of, venue_of);
    }
    if (status == LM_OK)
        status = collect(&s, slot_of, venue_of, !j->filling, &j->outs[r]);
    lm__free(slot_of);
    lm__free(venue_of);
    lm__gstate_free(&s);
    return status;
}

static void work(lm_groups_job *j, bool main_thread)
{
    for (;;) {
        if (atomic_load(&j->stop))
            return;
        size_t r = atomic_fetch_add(&j->next, 1);
        if (r >= j->regions->count)
            return;
        int status = lm__groups_solve_region(j, r, main_thread);
        if (status != LM_OK) {
            int expected = LM_OK;
            atomic_compare_exchange_strong(&j->status, &expected, status);
            atomic_store(&j->stop, 1);
            return;
        }
        pthread_mutex_lock(&j->lock);
        j->finished_total += j->outs[r].total;
        j->pending_total -= region_baseline(j, r);
        pthread_mutex_unlock(&j->lock);
        atomic_fetch_add(&j->done, 1);
        if (main_thread && j->params->progress) {
            progress_bridge bridge = {j, true, SIZE_MAX};
            bridge_progress(&bridge, 0.0, 0.0, 0.0);
        }
    }
}

static void *worker(void *opaque)
{
    work(opaque, false);
    return NULL;
}

/* ---- a phase ------------------------------------------------------------------ */

void lm__groups_out_free(lm_region_out *out)
{
    lm__free(out->members);
    lm__free(out->sizes);
    lm__free(out->slots);
    lm__free(out->venues);
    lm__free(out->unassigned);
    lm__free(out->reasons);
}

void lm__groups_outs_free(lm_region_out *outs, size_t count)
{
    if (!outs)
        return;
    for (size_t r = 0; r < count; r++)
        lm__groups_out_free(&outs[r]);
    lm__free(outs);
}

int lm__groups_run_phase(lm_groups_job *j)
{
    atomic_init(&j->next, 0);
    atomic_init(&j->done, 0);
    atomic_init(&j->stop, 0);
    atomic_init(&j->status, LM_OK);
    pthread_mutex_init(&j->lock, NULL);
    if (!j->initial) { /* the seam phase sets its own: the earlier total */
        j->pending_total = 0.0;
        for (size_t r = 0; r < j->regions->count; r++)
            j->pending_total += region_baseline(j, r);
    }
    size_t threads = (size_t)j->params->threads;
    if (threads > j->regions->count)
        threads = j->regions->count ? j->regions->count : 1;
    pthread_t *workers = threads > 1 ? lm__calloc(threads - 1, sizeof *workers) : NULL;
    size_t started = 0;
    if (workers)
        for (; started < threads - 1; started++)
            if (pthread_create(&workers[started], NULL, worker, j) != 0)
                break; /* fewer threads: same result, only slower */
    work(j, true);
    for (size_t t = 0; t < started; t++)
        pthread_join(workers[t], NULL);
    lm__free(workers);
    pthread_mutex_destroy(&j->lock);
    int status = atomic_load(&j->status);
    if (status == LM_OK && atomic_load(&j->stop))
        status = LM_E_CANCELLED;
    return status;
}
