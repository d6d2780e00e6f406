/* Greedy construction of feasible groups from unassigned participants, and
 * repair insertion. The scarcer role limits how many groups can exist, so
 * groups grow around a seed of the scarcer role and take just enough of it. */
#include <math.h>

#include "groups_internal.h"
#include "search_internal.h"

/* How many candidates one growth step looks at: enough to find a good fit,
 * few enough that construction stays linear in the region size. */
#define SCAN_LIMIT 96

static void shuffle(uint32_t *array, uint32_t n, lm_rng *rng)
{
    for (uint32_t k = n; k > 1; k--) {
        uint32_t j = (uint32_t)lm__rng_below(rng, k);
        uint32_t t = array[k - 1];
        array[k - 1] = array[j];
        array[j] = t;
    }
}

/* The best unassigned item of `role` to add to partial group g, scanning
 * from a rotating start; LM_NONE_ITEM when none fits. */
static uint32_t best_addition(const lm_gstate *s, uint32_t g, const uint32_t *order, uint32_t n,
                              uint32_t start, int role, uint32_t seed, lm_rng *explore)
{
    uint32_t best = LM_NONE_ITEM, scanned = 0;
    double best_gain = -INFINITY;
    /* With `explore`, gains are blurred so that restarts try other groups. */
    for (uint32_t step = 0; step < n && scanned < SCAN_LIMIT; step++) {
        uint32_t item = order[(start + step) % n];
        if (s->group_of[item] != LM_NO_GROUP || s->items[item].role != role)
            continue;
        if (!lm__gstate_pair_compatible(s, seed, item))
            continue;
        scanned++;
        if (!lm__gstate_partial_ok(s, g, item))
            continue;
        double gain = lm__gstate_score_with(s, g, LM_NONE_ITEM, item) - s->value[g];
        if (explore)
            gain += 4.0 * lm__rng_unit(explore);
        if (gain > best_gain) {
            best_gain = gain;
            best = item;
        }
    }
    return best;
}

static void dissolve(lm_gstate *s, uint32_t g)
{
    while (s->size[g] > 0)
        lm__gstate_apply(s, g, s->members[(size_t)g * s->max_size], LM_NONE_ITEM);
    lm__gstate_release_place(s, g);
}

/* With venues: the place with room where the most of the next unassigned
 * people could join the seed (same language, free then, venue in reach);
 * false when no place has room. */
static bool choose_place(lm_gstate *s, uint32_t seed, const uint32_t *order, uint32_t n,
                         uint32_t start, lm_rng *explore, int *venue, int *slot)
{
    const lm_item *it = &s->items[seed];
    uint32_t sample[SCAN_LIMIT], sampled = 0;
    for (uint32_t step = 0; step < n && sampled < SCAN_LIMIT; step++) {
        uint32_t item = order[(start + step) % n];
        if (item != seed && s->group_of[item] == LM_NO_GROUP &&
            lm__gstate_pair_compatible(s, seed, item))
            sample[sampled++] = item;
    }
    double best = -1.0;
    long best_fits = -1;
    for (uint32_t v = 0; v < s->venue_count; v++) {
        if (!(it->venues >> v & 1))
            continue;
        for (uint64_t open = s->venue_open[v] & it->slots; open; open &= open - 1) {
            int t = 0;
            while (!(open >> t & 1))
                t++;
            if (lm__gstate_place_room(s, (int)v, t) == 0)
                continue;
            long fits = 0;
            for (uint32_t k = 0; k < sampled; k++) {
                const lm_item *other = &s->items[sample[k]];
                fits += (other->venues >> v & 1) && (other->slots >> t & 1);
            }
            /* restarts blur the counts so that they try other places */
            double score = (double)fits + (explore ? 3.0 * lm__rng_unit(explore) : 0.0);
            if (score > best) {
                best = score;
                best_fits = fits;
                *venue = (int)v;
                *slot = t;
            }
        }
    }
    return best_fits + 1 >= (long)s->min_size;
}

/* A group that meets every hard constraint as it stands. */
static bool complete(const lm_gstate *s, uint32_t g)
{
    return lm__gstate_value_with(s, g, LM_NONE_ITEM, LM_NONE_ITEM) > -INFINITY;
}

static uint32_t empty_group(lm_gstate *s)
{
    for (uint32_t g = 0; g < s->group_count; g++)
        if (s->size[g] == 0)
            return g;
    return s->group_count;
}

int lm__groups_construct(lm_gstate *s, lm_rng *rng, bool explore)
{
    uint32_t n = s->item_count;
    if (n == 0)
        return LM_OK;
    uint32_t *order = lm__malloc(n * sizeof *order);
    if (!order)
        return LM_E_NOMEM;
    uint32_t free_count[2] = {0, 0};
    for (uint32_t k = 0; k < n; k++) {
        order[k] = k;
        if (s->group_of[k] == LM_NO_GROUP)
            free_count[s->items[k].role]++;
    }
    shuffle(order, n, rng);
    uint32_t q = s->min_per_role;
    int scarce = free_count[LM_RESIDENT] < free_count[LM_NEWCOMER] ? LM_RESIDENT : LM_NEWCOMER;
    int abundant = 1 - scarce;
    /* Members of each role per group so that the scarce role covers as many
     * of the abundant one as the sizes allow. */
    uint32_t groups_possible = free_count[scarce] / q;
    if (groups_possible == 0) {
        lm__free(order);
        return LM_OK;
    }
    uint32_t want_abundant = (free_count[abundant] + groups_possible - 1) / groups_possible;
    if (want_abundant < q)
        want_abundant = q;
    if (want_abundant > s->max_size - q)
        want_abundant = s->max_size - q;
    uint32_t want_scarce = q;
    if (want_scarce + want_abundant < s->min_size)
        want_scarce = s->min_size - want_abundant;

    int status = LM_OK;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t seed = order[k];
        if (s->group_of[seed] != LM_NO_GROUP || s->items[seed].role != scarce)
            continue;
        uint32_t g = empty_group(s);
        status = lm__gstate_reserve(s, g + 1);
        if (status != LM_OK)
            break;
        if (s->use_venues) {
            int venue, slot;
            if (!choose_place(s, seed, order, n, k + 1, explore ? rng : NULL, &venue, &slot))
                continue;
            lm__gstate_take_place(s, g, venue, slot);
        }
        lm__gstate_apply(s, g, LM_NONE_ITEM, seed);
        uint32_t have[2] = {0, 0};
        have[scarce] = 1;
        for (;;) {
            int role;
            if (have[scarce] < want_scarce)
                role = scarce;
            else if (have[abundant] < want_abundant)
                role = abundant;
            else
                break;
            uint32_t pick = best_addition(s, g, order, n, k + 1, role, seed, explore ? rng : NULL);
            if (pick == LM_NONE_ITEM) {
                if (role == scarce || have[abundant] >= q)
                    break;
                /* Not enough of the abundant role nearby: the group may
                 * still work with another scarce member. */
                pick = best_addition(s, g, order, n, k + 1, scarce, seed, explore ? rng : NULL);
                if (pick == LM_NONE_ITEM)
                    break;
                role = scarce;
            }
            lm__gstate_apply(s, g, LM_NONE_ITEM, pick);
            have[role]++;
        }
        if (!complete(s, g))
            dissolve(s, g);
    }
    lm__free(order);
    return status;
}

int lm__groups_insert(lm_gstate *s, const int *slot_of, const int *venue_of)
{
    double mu = s->weights.unassigned;
    for (uint32_t item = 0; item < s->item_count; item++) {
        if (s->group_of[item] != LM_NO_GROUP)
            continue;
        const lm_item *it = &s->items[item];
        uint32_t best = LM_NO_GROUP;
        double best_gain = 0.0;
        for (uint32_t g = 0; g < s->group_count; g++) {
            if (s->size[g] == 0 || s->size[g] >= s->max_size)
                continue;
            if (!lm__gstate_compatible(s, item, g))
                continue;
            if (slot_of && (slot_of[g] < 0 || !(it->slots >> slot_of[g] & 1)))
                continue;
            if (venue_of && s->use_venues && (venue_of[g] < 0 || !(it->venues >> venue_of[g] & 1)))
                continue;
            double with = lm__gstate_value_with(s, g, LM_NONE_ITEM, item);
            if (with == -INFINITY)
                continue;
            double gain = with - s->value[g] + mu;
            if (gain > best_gain) {
                best_gain = gain;
                best = g;
            }
        }
        if (best != LM_NO_GROUP)
            lm__gstate_apply(s, best, LM_NONE_ITEM, item);
    }
    return LM_OK;
}
