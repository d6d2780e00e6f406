/* Exact solution of a tiny region (a sign-up list of a dozen people) by
 * dynamic programming over subsets: best(S) = max(best(S - {i}) - mu,
 * max over feasible groups G with i in G of score(G) + best(S - G)), where i is
 * the lowest member of S. 3^n steps, so it is used up to LM_EXACT_MAX people;
 * larger regions use the local search. Venue capacity is left to placement. */
#include <math.h>
#include <string.h>

#include "engine/constraints_internal.h"
#include "groups/groups_internal.h"
#include "model/history_internal.h"
#include "engine/objective_internal.h"
#include "engine/search_internal.h"

static _Thread_local int exact_limit = LM_EXACT_MAX;

int lm__groups_exact_limit(int limit)
{
    int previous = exact_limit;
    exact_limit = limit;
    return previous;
}

bool lm__groups_exact_applies(const lm_gstate *s)
{
    return s->item_count >= 1 && (int)s->item_count <= exact_limit;
}

static int popcount(uint32_t x)
{
    int count = 0;
    for (; x; x &= x - 1)
        count++;
    return count;
}

int lm__groups_exact(lm_gstate *s)
{
    uint32_t n = s->item_count;
    uint32_t full = (n >= 32) ? 0 : ((1u << n) - 1);
    double *group = lm__malloc(((size_t)full + 1) * sizeof *group);
    double *best = lm__malloc(((size_t)full + 1) * sizeof *best);
    uint32_t *choice = lm__malloc(((size_t)full + 1) * sizeof *choice);
    int status = LM_E_NOMEM;
    if (!group || !best || !choice)
        goto done;
    size_t members[32];
    bool use_venues = s->use_venues;
    for (uint32_t mask = 0; mask <= full; mask++) {
        group[mask] = -INFINITY;
        int k = popcount(mask);
        if (k < (int)s->min_size || k > (int)s->max_size)
            continue;
        uint32_t count[2] = {0, 0};
        size_t m = 0;
        for (uint32_t i = 0; i < n; i++)
            if (mask >> i & 1) {
                members[m++] = s->items[i].person;
                count[s->items[i].role]++;
            }
        if (count[0] < s->min_per_role || count[1] < s->min_per_role)
            continue;
        /* members are in ascending pool order: region items are */
        if (!lm__group_feasible(s->pool, s->params, members, m, use_venues, NULL, NULL, NULL) ||
            (s->rules && !lm__gc_mask_ok(s, mask)))
            continue;
        if (use_venues) {
            /* the region's venues only, as the search would */
            uint64_t reach = ~(uint64_t)0, slots = s->all_slots;
            for (uint32_t i = 0; i < n; i++)
                if (mask >> i & 1) {
                    reach &= s->items[i].venues;
                    slots &= s->items[i].slots;
                }
            bool any = false;
            for (uint32_t v = 0; v < s->venue_count; v++)
                any |= (reach >> v & 1) && (s->venue_open[v] & slots);
            if (!any)
                continue;
        }
        lm_group_score score;
        if (lm__group_score(s->pool, &s->weights, members, m, &score) != LM_OK)
            goto done;
        group[mask] = score.terms[LM_TERM_TOTAL] - lm__history_group_cost(s->params, members, m);
    }
    double mu = s->weights.unassigned;
    best[0] = 0.0;
    choice[0] = 0;
    for (uint32_t mask = 1; mask <= full; mask++) {
        uint32_t low = mask & (~mask + 1);
        uint32_t rest = mask ^ low;
        double value = best[rest] - mu;
        uint32_t chosen = low; /* a lone member: unassigned */
        for (uint32_t sub = rest;; sub = (sub - 1) & rest) {
            uint32_t g = sub | low;
            if (group[g] > -INFINITY) {
                double candidate = group[g] + best[mask ^ g];
                if (candidate > value) {
                    value = candidate;
                    chosen = g;
                }
            }
            if (sub == 0)
                break;
        }
        best[mask] = value;
        choice[mask] = chosen;
    }
    /* Rebuild: dissolve everything, then form the chosen groups. */
    for (uint32_t g = 0; g < s->group_count; g++)
        while (s->size[g] > 0)
            lm__gstate_apply(s, g, s->members[(size_t)g * s->max_size], LM_NONE_ITEM);
    uint32_t next_group = 0;
    for (uint32_t mask = full; mask;) {
        uint32_t g = choice[mask];
        if (popcount(g) > 1) {
            status = lm__gstate_reserve(s, next_group + 1);
            if (status != LM_OK)
                goto done;
            for (uint32_t i = 0; i < n; i++)
                if (g >> i & 1)
                    lm__gstate_apply(s, next_group, LM_NONE_ITEM, i);
            next_group++;
        }
        mask ^= g;
    }
    status = LM_OK;
done:
    lm__free(group);
    lm__free(best);
    lm__free(choice);
    return status;
}
