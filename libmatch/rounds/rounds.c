/* lm_rounds_form(): R rounds of groups of one pool with as few repeated
 * pairs as possible. Each round is formed by the group engine with the
 * earlier rounds (and the caller's history) as its history, so it pays for
 * every repeat; then the search over all rounds at once (rounds_search.c)
 * swaps members of two groups of one round where that removes repeats and
 * both groups keep every hard constraint at their place (the same slot and
 * venue with venues, so capacity still holds). A round the search changed
 * is scored again with the reference objective. */
#include <stdlib.h>
#include <string.h>

#include "rounds/rounds_internal.h"
#include "engine/constraints_internal.h"
#include "engine/objective_internal.h"
#include "model/history_internal.h"
#include "model/model_internal.h"
#include "model/params_internal.h"
#include "model/result_internal.h"

typedef struct rounds_run {
    const lm_pool *pool;
    const lm_params *params;
    lm_result *const *results;
    uint32_t *result_group; /* by schedule group: its group in its round's result */
    int *slot, *venue;      /* by schedule group */
    bool use_venues;
} rounds_run;

typedef struct own_place {
    int venue, slot;
} own_place;

/* Every place but the group's own is busy: a swap keeps the group where it
 * meets (and venue capacity as it was). */
static bool other_place(void *context, size_t venue, size_t slot)
{
    const own_place *own = context;
    return (int)venue != own->venue || (int)slot != own->slot;
}

static void sort_members(size_t *members, size_t k)
{
    for (size_t i = 1; i < k; i++)
        for (size_t j = i; j > 0 && members[j - 1] > members[j]; j--) {
            size_t t = members[j];
            members[j] = members[j - 1];
            members[j - 1] = t;
        }
}

/* Group g of the schedule with `out` replaced by `in` keeps every rule. */
static bool group_ok(const rounds_run *run, const lm_schedule *s, uint32_t g, uint32_t out,
                     uint32_t in)
{
    size_t members[65], k = 0;
    uint32_t roles[2] = {0, 0};
    for (uint32_t m = 0; m < s->size[g]; m++) {
        uint32_t p = s->members[s->start[g] + m];
        members[k++] = p == out ? in : p;
        roles[run->pool->people[members[k - 1]].role]++;
    }
    if (roles[0] < run->params->min_per_role || roles[1] < run->params->min_per_role)
        return false;
    sort_members(members, k);
    own_place own = {run->venue[g], run->slot[g]};
    return lm__group_feasible(run->pool, run->params, members, k, run->use_venues,
                              run->use_venues ? other_place : NULL, &own, NULL);
}

static bool swap_ok(void *context, const lm_schedule *s, uint32_t round, uint32_t ga, uint32_t a,
                    uint32_t gb, uint32_t b)
{
    (void)round;
    const rounds_run *run = context;
    return group_ok(run, s, ga, a, b) && group_ok(run, s, gb, b, a);
}

typedef struct built_group {
    size_t lowest;
    uint32_t group; /* schedule group */
} built_group;

static int by_lowest(const void *a, const void *b)
{
    const built_group *x = a, *y = b;
    return x->lowest < y->lowest ? -1 : x->lowest > y->lowest;
}

/* Writes round r of the schedule back into its result, scored again. */
static int rebuild_round(const rounds_run *run, const lm_schedule *s, uint32_t r)
{
    lm_result *result = run->results[r];
    uint32_t first = s->round_first[r], count = s->round_first[r + 1] - first;
    built_group *order = lm__malloc((count ? count : 1) * sizeof *order);
    lm_unassigned_out *out = lm__malloc((result->unassigned_count + 1) * sizeof *out);
    if (!order || !out) {
        lm__free(order);
        lm__free(out);
        return LM_E_NOMEM;
    }
    size_t unassigned = result->unassigned_count;
    memcpy(out, result->unassigned, unassigned * sizeof *out);
    double bound = result->bound, bound_mu = result->bound_mu;
    lm_optimality optimality = result->optimality;
    for (uint32_t k = 0; k < count; k++) {
        const uint32_t *m = s->members + s->start[first + k];
        size_t lowest = SIZE_MAX;
        for (uint32_t i = 0; i < s->size[first + k]; i++)
            lowest = m[i] < lowest ? m[i] : lowest;
        order[k] = (built_group){lowest, first + k};
    }
    qsort(order, count, sizeof *order, by_lowest);
    lm__result_reset(result);
    int status = LM_OK;
    double total = 0.0;
    for (uint32_t k = 0; k < count && status == LM_OK; k++) {
        uint32_t g = order[k].group;
        size_t members[65], size = s->size[g], index;
        for (uint32_t i = 0; i < size; i++)
            members[i] = s->members[s->start[g] + i];
        sort_members(members, size);
        own_place own = {run->venue[g], run->slot[g]};
        lm_placement place = {run->slot[g], run->venue[g], -1};
        lm_group_score score;
        if (!run->use_venues)
            (void)lm__group_feasible(run->pool, run->params, members, size, false, NULL, &own,
                                     &place);
        status = lm__group_score(run->pool, &run->params->weights, members, size, &score);
        if (status == LM_OK)
            status = lm__result_add_group(result, members, size, &index);
        if (status != LM_OK)
            break;
        lm_group_out *group = &result->groups[index];
        memcpy(group->terms, score.terms, sizeof group->terms);
        group->theme = score.theme;
        group->cohost[0] = score.cohost[0];
        group->cohost[1] = score.cohost[1];
        group->slot = run->use_venues ? run->slot[g] : place.slot;
        group->venue = run->venue[g];
        bool anyone_speaks = false;
        for (size_t i = 0; i < size; i++)
            anyone_speaks |= run->pool->people[members[i]].languages != 0;
        uint64_t languages = lm__group_languages(run->pool, members, size);
        group->language = -1;
        for (int bit = 0; anyone_speaks && bit < 64; bit++)
            if (languages >> bit & 1) {
                group->language = bit;
                break;
            }
        total += score.terms[LM_TERM_TOTAL];
    }
    for (size_t k = 0; k < unassigned && status == LM_OK; k++)
        status = lm__result_add_unassigned(result, out[k].participant, out[k].reason);
    if (status == LM_OK) {
        result->total = lm__weighted_total(&run->params->weights, total, unassigned);
        result->optimality = optimality;
        lm__result_set_bound(result, bound, bound_mu);
    }
    lm__free(order);
    lm__free(out);
    return status;
}

/* Searches the rounds formed all at once and writes back the rounds that
 * changed; *repeated gets the repeats left. */
static int search_rounds(rounds_run *run, size_t rounds, const lm_history *before,
                         size_t *repeated)
{
    const lm_pool *pool = run->pool;
    uint32_t n = (uint32_t)pool->count, groups = 0;
    uint32_t *round_first = lm__malloc((rounds + 1) * sizeof *round_first);
    if (!round_first)
        return LM_E_NOMEM;
    for (size_t r = 0; r < rounds; r++) {
        round_first[r] = groups;
        groups += (uint32_t)run->results[r]->group_count;
    }
    round_first[rounds] = groups;
    if (groups == 0) {
        lm__free(round_first);
        return LM_OK;
    }
    uint32_t *sizes = lm__malloc((groups + 1) * sizeof *sizes);
    run->result_group = lm__malloc((groups + 1) * sizeof *run->result_group);
    run->slot = lm__malloc((groups + 1) * sizeof *run->slot);
    run->venue = lm__malloc((groups + 1) * sizeof *run->venue);
    uint8_t *met = lm__calloc(n ? (size_t)n * n : 1, 1);
    lm_schedule s;
    memset(&s, 0, sizeof s);
    int status = sizes && run->result_group && run->slot && run->venue && met ? LM_OK
                                                                              : LM_E_NOMEM;
    for (size_t r = 0, g = 0; r < rounds && status == LM_OK; r++)
        for (size_t k = 0; k < run->results[r]->group_count; k++, g++) {
            const lm_group_out *out = &run->results[r]->groups[k];
            sizes[g] = (uint32_t)out->size;
            run->result_group[g] = (uint32_t)k;
            run->slot[g] = out->slot;
            run->venue[g] = out->venue;
        }
    if (status == LM_OK)
        status = lm__schedule_init(&s, (uint32_t)rounds, n, round_first, sizes);
    for (size_t r = 0, g = 0; r < rounds && status == LM_OK; r++)
        for (size_t k = 0; k < run->results[r]->group_count; k++, g++) {
            const lm_group_out *out = &run->results[r]->groups[k];
            for (size_t m = 0; m < out->size; m++)
                lm__schedule_place(&s, (uint32_t)g, (uint32_t)m,
                                   (uint32_t)run->results[r]->members[out->first + m]);
        }
    if (status == LM_OK && before && before->count) {
        for (uint32_t a = 0; a < n; a++)
            for (uint32_t b = a + 1; b < n; b++)
                if (lm__history_stamp(before, a, b) != INT64_MIN)
                    met[(size_t)a * n + b] = met[(size_t)b * n + a] = 1;
    }
    uint32_t *previous = NULL;
    if (status == LM_OK) {
        size_t total = s.start[groups - 1] + s.size[groups - 1];
        previous = lm__malloc(total * sizeof *previous);
        if (!previous)
            status = LM_E_NOMEM;
        else
            memcpy(previous, s.members, total * sizeof *previous);
    }
    if (status == LM_OK) {
        lm_schedule_search options = {met, swap_ok, run, run->params->seed,
                                      (uint64_t)run->params->effort * 100u * rounds};
        status = lm__schedule_search(&s, &options, repeated);
    }
    for (size_t r = 0; r < rounds && status == LM_OK; r++) {
        size_t from = s.start[round_first[r]],
               to = r + 1 < rounds ? s.start[round_first[r + 1]]
                                   : s.start[groups - 1] + s.size[groups - 1];
        if (round_first[r] == round_first[r + 1] ||
            memcmp(previous + from, s.members + from, (to - from) * sizeof *previous) == 0)
            continue;
        status = rebuild_round(run, &s, (uint32_t)r);
    }
    lm__free(previous);
    lm__schedule_free(&s);
    lm__free(met);
    lm__free(sizes);
    lm__free(round_first);
    return status;
}

int lm_rounds_form(const lm_pool *pool, const lm_params *params, size_t rounds,
                   lm_result *const *results, size_t *repeated_pairs)
{
    if (repeated_pairs)
        *repeated_pairs = 0;
    if (!results || rounds == 0 || !results[0])
        return LM_E_INVALID;
    lm_object *error = &results[0]->base;
    for (size_t r = 1; r < rounds; r++)
        if (!results[r])
            return lm__fail(error, LM_E_INVALID, "round %zu has no result", r + 1);
    if (!pool || !params)
        return lm__fail(error, LM_E_INVALID, "pool and params must not be NULL");
    if (rounds > LM_ROUNDS_MAX)
        return lm__fail(error, LM_E_INVALID, "at most %d rounds, not %zu", LM_ROUNDS_MAX,
                        rounds);
    int status = lm__params_validate(params, error);
    if (status != LM_OK)
        return status;
    /* the caller's history, then each round as it is formed */
    lm_history *seen = NULL;
    status = params->history ? lm__history_copy(params->history, &seen) : lm_history_new(&seen);
    if (status != LM_OK)
        return lm__fail(error, status, "out of memory");
    struct lm_params each = *params;
    each.history = seen;
    for (size_t r = 0; r < rounds && status == LM_OK; r++) {
        status = lm_groups_form(pool, &each, results[r]);
        if (status != LM_OK) {
            lm__fail(error, status, "round %zu: %s", r + 1, lm_errmsg(results[r]));
            break;
        }
        status = lm_history_add_result(seen, results[r]);
    }
    size_t repeated = 0;
    /* the search over all rounds, on dense meeting counts; its swaps know
     * no coordinator constraints (together sets, apart pairs), so with them
     * the rounds stay as formed */
    if (status == LM_OK && pool->count <= LM_ROUNDS_PEOPLE_MAX && pool->count > 0 &&
        !params->constraints) {
        rounds_run run = {pool, params, results, NULL, NULL, NULL, pool->venue_count > 0};
        status = search_rounds(&run, rounds, params->history, &repeated);
        lm__free(run.result_group);
        lm__free(run.slot);
        lm__free(run.venue);
        if (status != LM_OK)
            lm__fail(error, status, "%s", lm_strerror(status));
    } else if (status == LM_OK) {
        /* count them without the search */
        struct lm_params counted = *params;
        counted.history = seen;
        repeated = 0;
        lm_history *none = NULL;
        status = params->history ? lm__history_copy(params->history, &none)
                                 : lm_history_new(&none);
        for (size_t r = 0; r < rounds && status == LM_OK; r++) {
            size_t pairs = 0;
            status = lm_history_repeats(none, &counted, results[r], &pairs, NULL);
            repeated += pairs;
            if (status == LM_OK)
                status = lm_history_add_result(none, results[r]);
        }
        lm_history_free(none);
    }
    lm_history_free(seen);
    if (status == LM_OK && repeated_pairs)
        *repeated_pairs = repeated;
    return status;
}
