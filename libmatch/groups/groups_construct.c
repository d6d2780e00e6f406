/* Greedy construction of feasible groups from unassigned participants, and
 * repair insertion. The scarcer role limits how many groups can exist, so
 * groups grow around a seed of the scarcer role and take just enough of it. */
#include <math.h>
#include <string.h>

#include "groups/groups_internal.h"
#include "engine/search_internal.h"

/* How many candidates one growth step looks at: enough to find a good fit,
 * few enough that construction stays linear in the region size. */
#define SCAN_LIMIT 96

/* ---- partners by language --------------------------------------------------
 * A seed's partners must share a language with it, so the scans below walk
 * only the items that speak one of the seed's languages (or gave none): in
 * the shuffled order, from a start, each such item once. A seed whose
 * language few others speak is then rejected after a few looks instead of a
 * scan of the whole region. The items visited, and their order, are those a
 * scan of the whole order that skips non-speakers would visit. */

typedef struct speakers {
    uint32_t n;
    const uint32_t *order;
    uint32_t start[LM_LANGUAGE_UNKNOWN + 2]; /* bucket l: list[start[l] .. start[l+1]) */
    uint32_t *list;                     /* positions in `order`, ascending per bucket */
    bool by_language;
} speakers;

static int speakers_init(speakers *sp, const lm_gstate *s, const uint32_t *order, uint32_t n)
{
    memset(sp, 0, sizeof *sp);
    sp->n = n;
    sp->order = order;
    sp->by_language = s->params->language;
    if (!sp->by_language)
        return LM_OK;
    size_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t spoken = s->items[order[i]].languages;
        if (spoken == ~(uint64_t)0)
            sp->start[LM_LANGUAGE_UNKNOWN + 1]++;
        else
            for (; spoken; spoken &= spoken - 1)
                sp->start[__builtin_ctzll(spoken) + 1]++;
    }
    for (int l = 0; l <= LM_LANGUAGE_UNKNOWN; l++) {
        total += sp->start[l + 1];
        sp->start[l + 1] += sp->start[l];
    }
    sp->list = lm__malloc((total ? total : 1) * sizeof *sp->list);
    if (!sp->list)
        return LM_E_NOMEM;
    uint32_t fill[LM_LANGUAGE_UNKNOWN + 1];
    memcpy(fill, sp->start, sizeof fill);
    for (uint32_t i = 0; i < n; i++) {
        uint64_t spoken = s->items[order[i]].languages;
        if (spoken == ~(uint64_t)0)
            sp->list[fill[LM_LANGUAGE_UNKNOWN]++] = i;
        else
            for (; spoken; spoken &= spoken - 1)
                sp->list[fill[__builtin_ctzll(spoken)]++] = i;
    }
    return LM_OK;
}

/* A walk over the speakers of a seed's languages from position `from`. */
typedef struct walk {
    const speakers *sp;
    uint32_t from;
    int count;            /* cursors; -1: every position (no language rule) */
    uint32_t steps;       /* positions visited in the full walk */
    struct {
        const uint32_t *list;
        uint32_t length, at, taken;
    } cursor[LM_LANGUAGE_UNKNOWN + 1];
} walk;

static void walk_begin(walk *w, const speakers *sp, uint64_t spoken, uint32_t from)
{
    w->sp = sp;
    w->from = from % (sp->n ? sp->n : 1);
    w->steps = 0;
    w->count = 0;
    if (!sp->by_language || spoken == ~(uint64_t)0) {
        w->count = -1;
        return;
    }
    for (uint64_t bits = spoken;; bits &= bits - 1) {
        int l = bits ? __builtin_ctzll(bits) : LM_LANGUAGE_UNKNOWN;
        const uint32_t *list = sp->list + sp->start[l];
        uint32_t length = sp->start[l + 1] - sp->start[l];
        if (length) {
            /* the first position >= from, cyclically */
            uint32_t lo = 0, hi = length;
            while (lo < hi) {
                uint32_t mid = lo + (hi - lo) / 2;
                if (list[mid] < w->from)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            w->cursor[w->count].list = list;
            w->cursor[w->count].length = length;
            w->cursor[w->count].at = lo % length;
            w->cursor[w->count].taken = 0;
            w->count++;
        }
        if (!bits)
            break;
    }
}

/* The next item of the walk, LM_NONE_ITEM at its end. */
static uint32_t walk_next(walk *w)
{
    uint32_t n = w->sp->n;
    if (w->count < 0) {
        if (w->steps >= n)
            return LM_NONE_ITEM;
        return w->sp->order[(w->from + w->steps++) % n];
    }
    uint32_t best = UINT32_MAX, best_position = 0;
    for (int c = 0; c < w->count; c++) {
        if (w->cursor[c].taken == w->cursor[c].length)
            continue;
        uint32_t position = w->cursor[c].list[w->cursor[c].at];
        uint32_t relative = (position + n - w->from) % n;
        if (relative < best) {
            best = relative;
            best_position = position;
        }
    }
    if (best == UINT32_MAX)
        return LM_NONE_ITEM;
    /* an item that speaks two of the languages is in two lists */
    for (int c = 0; c < w->count; c++)
        if (w->cursor[c].taken < w->cursor[c].length &&
            w->cursor[c].list[w->cursor[c].at] == best_position) {
            w->cursor[c].at = (w->cursor[c].at + 1) % w->cursor[c].length;
            w->cursor[c].taken++;
        }
    return w->sp->order[best_position];
}

/* ---- construction ------------------------------------------------------------ */

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
/* Keeps item as the best addition to g so far when its gain is higher
 * (with `explore`, gains are blurred so that restarts try other groups). */
static void consider(const lm_gstate *s, uint32_t g, uint32_t item, lm_rng *explore,
                     uint32_t *best, double *best_gain)
{
    double gain = lm__gstate_score_with(s, g, LM_NONE_ITEM, item) - s->value[g];
    if (explore)
        gain += 4.0 * lm__rng_unit(explore);
    if (gain > *best_gain) {
        *best_gain = gain;
        *best = item;
    }
}

static uint32_t best_addition(const lm_gstate *s, uint32_t g, const speakers *sp, uint32_t start,
                              int role, uint32_t seed, lm_rng *explore)
{
    uint32_t best = LM_NONE_ITEM, scanned = 0, item;
    double best_gain = -INFINITY;
    /* the kin of the members first: people who belong together */
    for (uint32_t m = 0; m < s->size[g] && s->kin; m++) {
        const uint32_t *kin = s->kin + (size_t)s->members[(size_t)g * s->max_size + m] * LM_KIN;
        for (uint32_t k = 0; k < LM_KIN && kin[k] != LM_NONE_ITEM; k++) {
            item = kin[k];
            if (s->group_of[item] == LM_NO_GROUP && s->items[item].role == role &&
                lm__gstate_pair_compatible(s, seed, item) && lm__gstate_partial_ok(s, g, item))
                consider(s, g, item, explore, &best, &best_gain);
        }
    }
    /* a member's kin who fits is taken before anybody the scan finds:
     * kin are the partners a person gains most from (groups_kin.c) */
    if (best != LM_NONE_ITEM)
        return best;
    walk w;
    walk_begin(&w, sp, s->items[seed].languages, start);
    while (scanned < SCAN_LIMIT && (item = walk_next(&w)) != LM_NONE_ITEM) {
        if (s->group_of[item] != LM_NO_GROUP || s->items[item].role != role)
            continue;
        if (!lm__gstate_pair_compatible(s, seed, item))
            continue;
        scanned++;
        if (lm__gstate_partial_ok(s, g, item))
            consider(s, g, item, explore, &best, &best_gain);
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
static bool choose_place(lm_gstate *s, uint32_t seed, const speakers *sp, uint32_t start,
                         lm_rng *explore, int *venue, int *slot)
{
    const lm_item *it = &s->items[seed];
    uint32_t sample[SCAN_LIMIT], sampled = 0, item;
    walk w;
    walk_begin(&w, sp, it->languages, start);
    while (sampled < SCAN_LIMIT && (item = walk_next(&w)) != LM_NONE_ITEM) {
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
            int t = __builtin_ctzll(open); /* the lowest slot left */
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
    int scarce = lm__scarcer_role(free_count[LM_NEWCOMER], free_count[LM_RESIDENT]);
    int abundant = 1 - scarce;
    /* Members of each role per group so that the scarce role covers as many
     * of the abundant one as the sizes allow. */
    uint32_t groups_possible = free_count[scarce] / q;
    if (groups_possible == 0) {
        lm__free(order);
        return LM_OK;
    }
    /* Fewer, fuller groups when there are enough of both roles: as many
     * groups as max_size needs to hold everybody, each with its share of
     * both roles (three and three from six and six). When the shares do
     * not fit in max_size, the scarce role takes just min_per_role a group
     * and the abundant one the rest, so that as many as possible are
     * placed. */
    uint32_t total = free_count[scarce] + free_count[abundant];
    uint32_t fullest = (total + s->max_size - 1) / s->max_size;
    uint32_t groups_wanted = fullest < groups_possible ? fullest : groups_possible;
    uint32_t want_scarce = (free_count[scarce] + groups_wanted - 1) / groups_wanted;
    uint32_t want_abundant = (free_count[abundant] + groups_wanted - 1) / groups_wanted;
    /* Shares that overshoot max_size by rounding alone (2.99 and 3.01 from
     * 1,496 and 1,504 in 500 groups) still make full groups when the
     * abundant role then nearly fits; a real imbalance (1,200 and 1,800)
     * would strand part of it, so the scarce role is spread instead. */
    if (want_scarce + want_abundant > s->max_size && want_scarce < s->max_size &&
        (uint64_t)(s->max_size - want_scarce) * groups_wanted * 50 >=
            (uint64_t)free_count[abundant] * 49)
        want_abundant = s->max_size - want_scarce;
    if (want_scarce < q || want_abundant < q || want_scarce + want_abundant > s->max_size) {
        want_abundant = (free_count[abundant] + groups_possible - 1) / groups_possible;
        if (want_abundant < q)
            want_abundant = q;
        if (want_abundant > s->max_size - q)
            want_abundant = s->max_size - q;
        want_scarce = q;
    }
    if (want_scarce + want_abundant < s->min_size)
        want_scarce = s->min_size - want_abundant;

    speakers sp;
    int status = speakers_init(&sp, s, order, n);
    /* With venues, groups need a free place: once none is left, no seed
     * can start one (a large region with little room stops early). */
    uint64_t room = 0;
    for (uint32_t v = 0; v < s->venue_count && s->use_venues; v++)
        for (uint32_t t = 0; t < s->slot_count; t++)
            if (s->venue_open[v] >> t & 1)
                room += lm__gstate_place_room(s, (int)v, (int)t);
    for (uint32_t k = 0; k < n && status == LM_OK && (!s->use_venues || room > 0); k++) {
        uint32_t seed = order[k];
        if (s->group_of[seed] != LM_NO_GROUP || s->items[seed].role != scarce)
            continue;
        uint32_t g = empty_group(s);
        status = lm__gstate_reserve(s, g + 1);
        if (status != LM_OK)
            break;
        if (s->use_venues) {
            int venue = -1, slot = -1;
            if (!choose_place(s, seed, &sp, k + 1, explore ? rng : NULL, &venue, &slot))
                continue;
            lm__gstate_take_place(s, g, venue, slot);
            room--;
        }
        lm__gstate_apply(s, g, LM_NONE_ITEM, seed);
        lm__gc_join_set(s, g, seed); /* a together set joins whole */
        uint32_t have[2] = {0, 0};
        have[scarce] = 1;
        for (;;) {
            /* the roles take turns (the other role first): a partner of
             * the other role brings the exchange term into the gains, and
             * with it the people who offer what the group wants */
            int role;
            if (have[scarce] < want_scarce && have[abundant] < want_abundant)
                role = (uint64_t)have[abundant] * want_scarce <= (uint64_t)have[scarce] * want_abundant
                           ? abundant
                           : scarce;
            else if (have[scarce] < want_scarce)
                role = scarce;
            else if (have[abundant] < want_abundant)
                role = abundant;
            else
                break;
            uint32_t pick = best_addition(s, g, &sp, k + 1, role, seed, explore ? rng : NULL);
            if (pick == LM_NONE_ITEM) {
                if (role == scarce || have[abundant] >= q)
                    break;
                /* Not enough of the abundant role nearby: the group may
                 * still work with another scarce member. */
                pick = best_addition(s, g, &sp, k + 1, scarce, seed, explore ? rng : NULL);
                if (pick == LM_NONE_ITEM)
                    break;
                role = scarce;
            }
            lm__gstate_apply(s, g, LM_NONE_ITEM, pick);
            lm__gc_join_set(s, g, pick);
            have[role]++;
        }
        if (!complete(s, g)) {
            dissolve(s, g);
            room += s->use_venues;
        }
    }
    lm__free(sp.list);
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
