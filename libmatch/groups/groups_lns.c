/* Large neighbourhood search over one region's groups: ruin a few related
 * groups together with related unassigned people, then rebuild that freed
 * set F optimally.
 *
 * Moves of one member and swaps of two cannot open, close, merge or split a
 * group, nor move a group to another slot or venue together with the
 * members that block it: every such change passes through states that
 * break min_size or the mix. Re-solving F as a whole makes all of them
 * single steps: the best partition of F into feasible groups (with the rest
 * of the region fixed) may open a group from unassigned and borrowed
 * members, close a weak group and spread its members, give three groups of
 * four the shape of two groups of six, or re-place a group at another place
 * with room.
 *
 * Repair is exact: every feasible group inside F is enumerated (a depth-first
 * walk over F that keeps the AND of the members' masks, and scores a
 * candidate through the incremental state in O(nnz)), then a dynamic
 * programme over the subsets of F picks the best partition, with -mu for
 * each member left out. The current grouping of F is one of the partitions,
 * so a repair never loses; equal partitions that differ are taken too, which
 * lets the walk drift across plateaus (the acceptance rule: accept when not
 * worse). With venues, a new group needs a (venue, slot) place with room;
 * places are handed out after the programme, and a repair whose groups
 * cannot all be placed is undone. */
#include <math.h>
#include <string.h>

#include "groups/groups_internal.h"
#include "engine/search_internal.h"

/* F holds at most this many people (subsets of F are indexed by 32-bit
 * masks and memoised in arrays of 2^LNS_FREE_MAX). Where most people could
 * share a group with most others (pools without slots and homes), F holds
 * fewer: the groups inside F grow combinatorially with how densely its
 * people fit together. With venues fewer still: a group there also needs a
 * place, so repairs of 12 already find what larger ones find (measured on
 * generated cities), at a fraction of the cost. */
#define LNS_FREE_MAX 16
#define LNS_FREE_DENSE 14
#define LNS_FREE_VENUES 12
#define LNS_FREE_MIN 10
/* Feasible groups inside F above which F shrinks by one, below which it
 * grows back by one (up to where it started). */
#define ENUMERATED_HIGH 3000
#define ENUMERATED_LOW 300
/* Groups ruined in one round, the seed's included. */
#define LNS_GROUPS_MAX 3
/* Rounds between two listings of the unassigned. */
#define UNASSIGNED_REFRESH 16
/* Unassigned kin remembered while F is chosen. */
#define LNS_LOOSE_MAX 64

typedef struct lns {
    lm_gstate *s;
    lm_rng *rng;
    uint32_t scratch; /* an empty group without a place, for scoring candidates */
    uint32_t freed[LNS_FREE_MAX];
    uint32_t n, free_max, free_limit;
    uint64_t round;
    int scarce; /* the region's scarcer role */
    /* feasible groups inside F, bucketed by their lowest member */
    uint32_t *group_mask;
    double *group_value;
    uint32_t group_count, group_capacity;
    uint32_t bucket_start[LNS_FREE_MAX + 1];
    /* what a member of F left out of the new groups is worth: joining the
     * best group outside F with room (its gain), or -mu */
    double out_value[LNS_FREE_MAX];
    /* the memo of best_of(), by subset of F: 2^free_limit entries each,
     * allocated for the region's limit (64 KB with venues, 1 MB at 16) */
    double *best;
    uint32_t *stamp;
    uint32_t generation;
    double *sums; /* 6 x D doubles of zeros for lm__gstate_list_value */
    uint64_t room_slots[LM_REGION_VENUES_MAX];
    uint32_t *choice;
    /* scratch lists */
    uint32_t *unassigned;
    uint32_t unassigned_count;
    double *related;     /* by group: kin votes for it, -1 = in F already */
    uint32_t *touched;   /* groups whose related[] is not 0 */
    uint32_t touched_count;
    uint32_t loose[LNS_LOOSE_MAX]; /* unassigned kin of F */
    double loose_score[LNS_LOOSE_MAX];
    uint32_t loose_count;
    /* members of F that joined groups outside it, to undo a worse repair */
    struct {
        uint32_t item, group;
        double before;
    } joined[LNS_FREE_MAX];
    uint32_t joined_count;
    uint32_t made[LNS_FREE_MAX]; /* the groups a repair built */
    uint32_t made_count;
} lns;

/* ---- places ----------------------------------------------------------------- */

/* A place (venue, slot) with room that every member of the masks can use;
 * `prefer_*` first when it qualifies, then the one with the most room
 * (lowest venue, then slot, on ties). false when none has room. */
static bool find_place(const lm_gstate *s, uint64_t reach, uint64_t slots, int prefer_venue,
                       int prefer_slot, int *venue, int *slot)
{
    if (prefer_venue >= 0 && (reach >> prefer_venue & 1) &&
        (slots & s->venue_open[prefer_venue]) >> prefer_slot & 1 &&
        lm__gstate_place_room(s, prefer_venue, prefer_slot) > 0) {
        *venue = prefer_venue;
        *slot = prefer_slot;
        return true;
    }
    uint32_t most = 0;
    for (uint32_t v = 0; v < s->venue_count; v++) {
        if (!(reach >> v & 1))
            continue;
        for (uint64_t open = s->venue_open[v] & slots; open; open &= open - 1) {
            int t = __builtin_ctzll(open);
            uint32_t room = lm__gstate_place_room(s, (int)v, t);
            if (room > most) {
                most = room;
                *venue = (int)v;
                *slot = t;
            }
        }
    }
    return most > 0;
}

/* Is there a place with room among the venues `reach` in the slots
 * `slots`? (room_slots: by venue, the slots with room, as of this repair) */
static bool has_room(const lns *l, uint64_t reach, uint64_t slots)
{
    for (; reach; reach &= reach - 1)
        if (l->room_slots[__builtin_ctzll(reach)] & slots)
            return true;
    return false;
}

static void note_room(lns *l)
{
    const lm_gstate *s = l->s;
    for (uint32_t v = 0; v < s->venue_count; v++) {
        uint64_t with_room = 0;
        for (uint64_t open = s->venue_open[v]; open; open &= open - 1) {
            int t = __builtin_ctzll(open);
            if (lm__gstate_place_room(s, (int)v, t) > 0)
                with_room |= (uint64_t)1 << t;
        }
        l->room_slots[v] = with_room;
    }
}

/* ---- enumeration of the feasible groups inside F ------------------------------ */

static int record(lns *l, uint32_t mask, double value)
{
    if (l->group_count == l->group_capacity) {
        uint32_t capacity = l->group_capacity ? 2 * l->group_capacity : 256;
        uint32_t *masks = lm__reallocarray(l->group_mask, capacity, sizeof *masks);
        if (!masks)
            return LM_E_NOMEM;
        l->group_mask = masks;
        double *values = lm__reallocarray(l->group_value, capacity, sizeof *values);
        if (!values)
            return LM_E_NOMEM;
        l->group_value = values;
        l->group_capacity = capacity;
    }
    l->group_mask[l->group_count] = mask;
    l->group_value[l->group_count] = value;
    l->group_count++;
    return LM_OK;
}

/* Extends the group list[0..size) (members `mask`, with the AND of their
 * masks) by members of F after position `last`. Groups are found lowest
 * member first, so each bucket is filled while its lowest member is the
 * root. */
static int extend(lns *l, uint32_t *list, uint32_t size, uint32_t mask, int last,
                  uint64_t languages, uint64_t slots, uint64_t reach)
{
    lm_gstate *s = l->s;
    for (uint32_t j = (uint32_t)(last + 1); j < l->n; j++) {
        const lm_item *it = &s->items[l->freed[j]];
        uint64_t lj = languages & it->languages, sj = slots & it->slots, rj = reach & it->venues;
        if ((s->params->language && !lj) || !sj || (s->use_venues && !rj))
            continue;
        uint32_t with = mask | 1u << j;
        list[size] = l->freed[j];
        if (size + 1 >= s->min_size) {
            double value = lm__gstate_list_value(s, list, size + 1, l->sums);
            if (value > -INFINITY && (!s->use_venues || has_room(l, rj, sj))) {
                int status = record(l, with, value);
                if (status != LM_OK)
                    return status;
            }
        }
        if (size + 1 < s->max_size) {
            int status = extend(l, list, size + 1, with, (int)j, lj, sj, rj);
            if (status != LM_OK)
                return status;
        }
    }
    return LM_OK;
}

static int enumerate(lns *l)
{
    lm_gstate *s = l->s;
    uint32_t list[64];
    l->group_count = 0;
    for (uint32_t i = 0; i < l->n; i++) {
        l->bucket_start[i] = l->group_count;
        const lm_item *it = &s->items[l->freed[i]];
        list[0] = l->freed[i];
        int status = extend(l, list, 1, 1u << i, (int)i, it->languages, it->slots,
                            s->use_venues ? it->venues : ~(uint64_t)0);
        if (status != LM_OK)
            return status;
    }
    l->bucket_start[l->n] = l->group_count;
    return LM_OK;
}

/* best(mask): the best value of the members `mask` of F, each either in a
 * group inside the mask or out (out_value), deciding the lowest member
 * first. Top-down with memoisation, so only the subsets that such decisions
 * reach are visited: few when F holds few feasible groups. A stamp per
 * subset marks which memo entries belong to this round. */
static double best_of(lns *l, uint32_t mask)
{
    if (mask == 0)
        return 0.0;
    if (l->stamp[mask] == l->generation)
        return l->best[mask];
    int low = __builtin_ctz(mask);
    double value = best_of(l, mask ^ (1u << low)) + l->out_value[low];
    uint32_t chosen = 1u << low;
    for (uint32_t k = l->bucket_start[low]; k < l->bucket_start[low + 1]; k++) {
        uint32_t g = l->group_mask[k];
        if ((g & mask) != g)
            continue;
        double candidate = l->group_value[k] + best_of(l, mask ^ g);
        if (candidate > value) {
            value = candidate;
            chosen = g;
        }
    }
    l->stamp[mask] = l->generation;
    l->best[mask] = value;
    l->choice[mask] = chosen;
    return value;
}

static double solve(lns *l)
{
    if (++l->generation == 0) { /* the stamps wrapped: start them afresh */
        memset(l->stamp, 0, ((size_t)1 << l->free_limit) * sizeof *l->stamp);
        l->generation = 1;
    }
    return best_of(l, (1u << l->n) - 1);
}

/* ---- choosing what to ruin ------------------------------------------------------ */

/* Adds the members of group g to F and lets their kin vote for the groups
 * they are in (and list the unassigned among them). */
static void take_group(lns *l, uint32_t g, uint32_t *ruined, uint32_t *ruined_count)
{
    lm_gstate *s = l->s;
    ruined[(*ruined_count)++] = g;
    l->related[g] = -1.0;
    for (uint32_t m = 0; m < s->size[g]; m++)
        l->freed[l->n++] = s->members[(size_t)g * s->max_size + m];
}

static void vote(lns *l, uint32_t item)
{
    lm_gstate *s = l->s;
    const uint32_t *kin = s->kin + (size_t)item * LM_KIN;
    for (uint32_t k = 0; k < LM_KIN && kin[k] != LM_NONE_ITEM; k++) {
        uint32_t h = s->group_of[kin[k]];
        double weight = 1.0 + 0.5 * lm__rng_unit(l->rng) - 0.05 * (double)k;
        if (h == LM_NO_GROUP) {
            bool known = false;
            for (uint32_t q = 0; q < l->loose_count && !known; q++)
                known = l->loose[q] == kin[k];
            if (!known && l->loose_count < LNS_LOOSE_MAX) {
                l->loose_score[l->loose_count] = weight;
                l->loose[l->loose_count++] = kin[k];
            }
        } else if (l->related[h] >= 0.0 && h != l->scratch) {
            if (l->related[h] == 0.0)
                l->touched[l->touched_count++] = h;
            l->related[h] += weight;
        }
    }
}

/* Groups that could spare a member of `role` (more than min_per_role of
 * it) and share a language with `item`, a few of them at random, into F:
 * their spare members may found a new group with item and other unassigned
 * people, which single moves never do (coverage). Returns how many. */
static uint32_t take_spare_groups(lns *l, uint32_t item, int role, uint32_t *ruined,
                                  uint32_t *ruined_count)
{
    lm_gstate *s = l->s;
    const lm_item *it = &s->items[item];
    uint32_t found = 0;
    uint32_t start = (uint32_t)lm__rng_below(l->rng, s->group_count ? s->group_count : 1);
    for (uint32_t k = 0; k < s->group_count && *ruined_count < LNS_GROUPS_MAX; k++) {
        uint32_t g = (start + k) % s->group_count;
        if (g == l->scratch || s->size[g] == 0 || s->count[2 * g + role] <= s->min_per_role)
            continue;
        if (s->params->language && !(s->languages[g] & it->languages))
            continue;
        if (!(s->slots[g] & it->slots) || l->n + s->size[g] + 2 > l->free_max)
            continue;
        take_group(l, g, ruined, ruined_count);
        found++;
    }
    return found;
}

/* A member of a weak group: the weaker (by value per member) of two groups
 * drawn at random through their members, so weak groups are ruined more
 * often without starving the others. */
static uint32_t weak_member(lns *l)
{
    const lm_gstate *s = l->s;
    uint32_t pick[2];
    for (int k = 0; k < 2; k++)
        do
            pick[k] = (uint32_t)lm__rng_below(l->rng, s->item_count);
        while (s->group_of[pick[k]] == LM_NO_GROUP);
    uint32_t a = s->group_of[pick[0]], b = s->group_of[pick[1]];
    return s->value[a] / s->size[a] <= s->value[b] / s->size[b] ? pick[0] : pick[1];
}

/* Fills F: a seed (a group, or an unassigned person), then the groups its
 * people's kin are in (most votes first; the kin of what joins F vote too),
 * then unassigned kin, then other unassigned people who could join someone
 * in F. Returns the number of ruined groups, their indices in ruined. */
static uint32_t choose(lns *l, uint32_t *ruined)
{
    lm_gstate *s = l->s;
    l->n = 0;
    l->loose_count = 0;
    uint32_t ruined_count = 0;
    /* The unassigned, listed afresh every UNASSIGNED_REFRESH rounds (a
     * pass over the region each round would cost more than the repair);
     * in between, entries placed since are dropped as they are met. */
    if (l->round % UNASSIGNED_REFRESH == 0) {
        l->unassigned_count = 0;
        for (uint32_t k = 0; k < s->item_count; k++)
            if (s->group_of[k] == LM_NO_GROUP)
                l->unassigned[l->unassigned_count++] = k;
    }
    l->round++;
    for (uint32_t tries = 0; tries < 4 && l->unassigned_count; tries++) {
        uint32_t at = (uint32_t)lm__rng_below(l->rng, l->unassigned_count);
        if (s->group_of[l->unassigned[at]] == LM_NO_GROUP)
            break;
        l->unassigned[at] = l->unassigned[--l->unassigned_count];
    }
    uint32_t placed = s->item_count - l->unassigned_count;
    if (placed == 0 && l->unassigned_count < s->min_size)
        return 0;
    for (uint32_t t = 0; t < l->touched_count; t++)
        l->related[l->touched[t]] = 0.0;
    l->touched_count = 0;
    /* the seed: an unassigned person half of the time when there are any
     * (a third of those draws go for spare members instead of kin) */
    uint64_t draw = lm__rng_next(l->rng);
    bool from_person = l->unassigned_count > 0 && (placed == 0 || (draw & 1));
    bool spare = from_person && placed > 0 && draw % 6 == 1;
    uint32_t seed = LM_NONE_ITEM;
    if (from_person) {
        /* of two unassigned people, one of the scarcer role when there is
         * one: placing them makes room for more of the other role */
        for (int draw_count = 0; draw_count < 2; draw_count++) {
            uint32_t at = (uint32_t)lm__rng_below(l->rng, l->unassigned_count), found = LM_NONE_ITEM;
            for (uint32_t k = 0; k < l->unassigned_count && found == LM_NONE_ITEM; k++) {
                uint32_t item = l->unassigned[(at + k) % l->unassigned_count];
                if (s->group_of[item] == LM_NO_GROUP)
                    found = item;
            }
            if (found != LM_NONE_ITEM &&
                (seed == LM_NONE_ITEM ||
                 (s->items[seed].role != l->scarce && s->items[found].role == l->scarce)))
                seed = found;
        }
        if (seed == LM_NONE_ITEM)
            return 0;
    }
    else
        seed = weak_member(l);
    uint32_t voted = 0;
    if (from_person)
        l->freed[l->n++] = seed;
    else
        take_group(l, s->group_of[seed], ruined, &ruined_count);
    if (spare && take_spare_groups(l, seed, 1 - s->items[seed].role, ruined, &ruined_count))
        voted = l->n; /* the spare groups' kin do not vote: keep room for the unassigned */
    uint32_t keep_free = l->unassigned_count > (uint32_t)from_person ? 1 : 0;
    for (;;) {
        for (; voted < l->n; voted++)
            vote(l, l->freed[voted]);
        if (ruined_count == LNS_GROUPS_MAX)
            break;
        uint32_t best = LM_NONE_ITEM;
        for (uint32_t t = 0; t < l->touched_count; t++) {
            uint32_t g = l->touched[t];
            if (l->related[g] > 0.0 && l->n + s->size[g] + keep_free <= l->free_max &&
                (best == LM_NONE_ITEM || l->related[g] > l->related[best]))
                best = g;
        }
        if (best == LM_NONE_ITEM)
            break;
        take_group(l, best, ruined, &ruined_count);
        l->touched[l->touched_count++] = best; /* reset with the others */
    }
    /* unassigned kin, most votes first */
    while (l->n < l->free_max && l->loose_count) {
        uint32_t top = 0;
        for (uint32_t k = 1; k < l->loose_count; k++)
            if (l->loose_score[k] > l->loose_score[top])
                top = k;
        uint32_t item = l->loose[top];
        l->loose[top] = l->loose[--l->loose_count];
        l->loose_score[top] = l->loose_score[l->loose_count];
        bool in_f = false;
        for (uint32_t f = 0; f < l->n && !in_f; f++)
            in_f = l->freed[f] == item;
        if (!in_f)
            l->freed[l->n++] = item;
    }
    /* other unassigned people who could join someone in F, from a random
     * window: they may complete a group */
    if (l->n < l->free_max && l->unassigned_count) {
        uint32_t window = l->unassigned_count < 64 ? l->unassigned_count : 64;
        uint32_t first = (uint32_t)lm__rng_below(l->rng, l->unassigned_count);
        for (uint32_t k = 0; k < window && l->n < l->free_max; k++) {
            uint32_t item = l->unassigned[(first + k) % l->unassigned_count];
            if (s->group_of[item] != LM_NO_GROUP)
                continue;
            bool in_f = false, fits = false;
            for (uint32_t f = 0; f < l->n && !in_f; f++) {
                in_f = l->freed[f] == item;
                fits = fits || lm__gstate_pair_compatible(s, item, l->freed[f]);
            }
            if (!in_f && fits)
                l->freed[l->n++] = item;
        }
    }
    return ruined_count;
}

/* ---- joining groups outside F ------------------------------------------------- */

typedef struct outside_pick {
    const lns *l;
    uint32_t item;
    uint32_t best;
    double gain;
} outside_pick;

static void look_outside(outside_pick *p, uint32_t g)
{
    const lm_gstate *s = p->l->s;
    if (g != p->l->scratch && s->size[g] > 0 && s->size[g] < s->max_size &&
        lm__gstate_compatible(s, p->item, g)) {
        double with = lm__gstate_value_with(s, g, LM_NONE_ITEM, p->item);
        if (with > -INFINITY && with - s->value[g] > p->gain) {
            p->gain = with - s->value[g];
            p->best = g;
        }
    }
}

/* The best group outside F that item could join now (gain over the group's
 * value), among its kin's groups: where a person fits best is nearly always
 * where their kin are, and the kin are few, so the look stays cheap. */
static uint32_t best_outside(const lns *l, uint32_t item, double floor, double *gain)
{
    const lm_gstate *s = l->s;
    outside_pick pick = {l, item, LM_NONE_ITEM, floor};
    const uint32_t *kin = s->kin + (size_t)item * LM_KIN;
    for (uint32_t k = 0; k < LM_KIN && kin[k] != LM_NONE_ITEM; k++)
        if (s->group_of[kin[k]] != LM_NO_GROUP)
            look_outside(&pick, s->group_of[kin[k]]);
    *gain = pick.gain;
    return pick.best;
}

/* ---- one round ------------------------------------------------------------------ */

typedef struct saved_group {
    uint32_t g;
    int venue, slot;
    uint32_t size;
    uint32_t members[64];
} saved_group;

static void ruin(lm_gstate *s, const uint32_t *ruined, uint32_t count, saved_group *saved)
{
    for (uint32_t r = 0; r < count; r++) {
        uint32_t g = ruined[r];
        saved[r].g = g;
        saved[r].venue = s->place_venue[g];
        saved[r].slot = s->place_slot[g];
        saved[r].size = s->size[g];
        memcpy(saved[r].members, s->members + (size_t)g * s->max_size,
               s->size[g] * sizeof *saved[r].members);
        while (s->size[g] > 0)
            lm__gstate_apply(s, g, s->members[(size_t)g * s->max_size], LM_NONE_ITEM);
        lm__gstate_release_place(s, g);
    }
}

static void restore(lm_gstate *s, const saved_group *saved, uint32_t count)
{
    for (uint32_t r = 0; r < count; r++) {
        if (saved[r].venue >= 0)
            lm__gstate_take_place(s, saved[r].g, saved[r].venue, saved[r].slot);
        for (uint32_t m = 0; m < saved[r].size; m++)
            lm__gstate_apply(s, saved[r].g, LM_NONE_ITEM, saved[r].members[m]);
    }
}

/* An empty group without a place, other than those in `avoid`. */
static int free_group(lm_gstate *s, const uint32_t *avoid, uint32_t avoid_count, uint32_t *out)
{
    for (uint32_t g = 0; g < s->group_count; g++) {
        if (s->size[g] || s->place_venue[g] >= 0)
            continue;
        bool skip = false;
        for (uint32_t a = 0; a < avoid_count && !skip; a++)
            skip = avoid[a] == g;
        if (!skip) {
            *out = g;
            return LM_OK;
        }
    }
    int status = lm__gstate_reserve(s, s->group_count + 1);
    if (status == LM_OK)
        *out = s->group_count - 1;
    return status;
}

/* Builds the chosen partition of F; false (and nothing changed) when a
 * group finds no place with room. */
static int rebuild(lns *l, const saved_group *saved, uint32_t saved_count, bool *built)
{
    lm_gstate *s = l->s;
    uint32_t *made = l->made;
    uint32_t made_count = 0;
    l->made_count = 0;
    l->joined_count = 0;
    uint32_t avoid[LNS_FREE_MAX + 1];
    avoid[0] = l->scratch;
    *built = false;
    for (uint32_t mask = (1u << l->n) - 1; mask;) {
        uint32_t g = l->choice[mask];
        mask ^= g;
        if (__builtin_popcount(g) < 2)
            continue;
        uint32_t group;
        int status = free_group(s, avoid, made_count + 1, &group);
        if (status != LM_OK)
            return status; /* the state is consistent: groups made so far stand */
        if (s->use_venues) {
            uint64_t reach = ~(uint64_t)0, slots = s->all_slots;
            for (uint32_t i = 0; i < l->n; i++)
                if (g >> i & 1) {
                    reach &= s->items[l->freed[i]].venues;
                    slots &= s->items[l->freed[i]].slots;
                }
            /* the place a ruined group had, when it fits: fewer changes */
            int venue = -1, slot = -1;
            bool found = false;
            for (uint32_t r = 0; r < saved_count && !found; r++)
                if (saved[r].venue >= 0)
                    found = find_place(s, reach, slots, saved[r].venue, saved[r].slot, &venue,
                                       &slot) &&
                            venue == saved[r].venue && slot == saved[r].slot;
            if (!found && !find_place(s, reach, slots, -1, -1, &venue, &slot)) {
                /* undo what was made: the caller restores the old groups */
                for (uint32_t k = 0; k < made_count; k++) {
                    while (s->size[made[k]] > 0)
                        lm__gstate_apply(s, made[k], s->members[(size_t)made[k] * s->max_size],
                                         LM_NONE_ITEM);
                    lm__gstate_release_place(s, made[k]);
                }
                return LM_OK;
            }
            lm__gstate_take_place(s, group, venue, slot);
        }
        for (uint32_t i = 0; i < l->n; i++)
            if (g >> i & 1)
                lm__gstate_apply(s, group, LM_NONE_ITEM, l->freed[i]);
        made[made_count++] = group;
        avoid[made_count] = group;
    }
    l->made_count = made_count;
    /* the members the programme left out join groups outside F when that
     * beats staying out */
    double mu = s->weights.unassigned;
    for (uint32_t i = 0; i < l->n; i++) {
        uint32_t item = l->freed[i];
        if (s->group_of[item] != LM_NO_GROUP)
            continue;
        double gain;
        uint32_t g = best_outside(l, item, -mu, &gain);
        if (g == LM_NONE_ITEM)
            continue;
        l->joined[l->joined_count].item = item;
        l->joined[l->joined_count].group = g;
        l->joined[l->joined_count].before = s->value[g];
        l->joined_count++;
        lm__gstate_apply(s, g, LM_NONE_ITEM, item);
    }
    *built = true;
    return LM_OK;
}

/* Could most pairs of the region share a group? Measured on 256 random
 * pairs (from the round's random stream, so it is deterministic). */
static bool dense(const lm_gstate *s, lm_rng *rng)
{
    uint32_t fit = 0;
    if (s->item_count < 2)
        return false;
    for (int k = 0; k < 256; k++) {
        uint32_t a = (uint32_t)lm__rng_below(rng, s->item_count);
        uint32_t b = (uint32_t)lm__rng_below(rng, s->item_count);
        fit += a != b && lm__gstate_pair_compatible(s, a, b);
    }
    return fit > 64;
}

/* Takes back what rebuild() did: the joins outside F, then the new groups. */
static void unbuild(lns *l)
{
    lm_gstate *s = l->s;
    for (uint32_t k = l->joined_count; k-- > 0;)
        lm__gstate_apply(s, l->joined[k].group, l->joined[k].item, LM_NONE_ITEM);
    for (uint32_t k = 0; k < l->made_count; k++) {
        uint32_t g = l->made[k];
        while (s->size[g] > 0)
            lm__gstate_apply(s, g, s->members[(size_t)g * s->max_size], LM_NONE_ITEM);
        lm__gstate_release_place(s, g);
    }
    l->joined_count = l->made_count = 0;
}

int lm__groups_lns(lm_gstate *s, lm_rng *rng, uint64_t rounds, atomic_int *stop)
{
    if (rounds == 0 || s->item_count < s->min_size)
        return LM_OK;
    lns *l = lm__calloc(1, sizeof *l);
    if (!l)
        return LM_E_NOMEM;
    l->s = s;
    l->rng = rng;
    l->free_max = s->use_venues ? LNS_FREE_VENUES : dense(s, rng) ? LNS_FREE_DENSE : LNS_FREE_MAX;
    l->free_limit = l->free_max;
    uint32_t per_role[2] = {0, 0};
    for (uint32_t k = 0; k < s->item_count; k++)
        per_role[s->items[k].role]++;
    l->scarce = lm__scarcer_role(per_role[LM_NEWCOMER], per_role[LM_RESIDENT]);
    int status = free_group(s, NULL, 0, &l->scratch);
    size_t related = s->group_capacity;
    if (status == LM_OK && !s->kin)
        status = lm__gstate_kin(s);
    if (status == LM_OK) {
        l->unassigned = lm__malloc((s->item_count ? s->item_count : 1) * sizeof *l->unassigned);
        l->related = lm__calloc(related, sizeof *l->related);
        l->touched = lm__malloc(2 * related * sizeof *l->touched);
        l->sums = lm__calloc(6 * s->topics + 1, sizeof *l->sums);
        size_t subsets = (size_t)1 << l->free_limit;
        l->best = lm__malloc(subsets * sizeof *l->best);
        l->stamp = lm__calloc(subsets, sizeof *l->stamp);
        l->choice = lm__malloc(subsets * sizeof *l->choice);
        if (!l->unassigned || !l->related || !l->touched || !l->sums || !l->best || !l->stamp ||
            !l->choice)
            status = LM_E_NOMEM;
    }
    double mu = s->weights.unassigned;
    for (uint64_t round = 0; round < rounds && status == LM_OK; round++) {
        if (stop && (round & 63) == 0 && atomic_load(stop))
            break;
        if (s->group_capacity > related) {
            /* groups were added: grow the vote arrays */
            double *grown = lm__reallocarray(l->related, s->group_capacity, sizeof *grown);
            if (grown)
                l->related = grown;
            uint32_t *touched = grown ? lm__reallocarray(l->touched, 2 * (size_t)s->group_capacity,
                                                         sizeof *touched) : NULL;
            if (touched)
                l->touched = touched;
            if (!grown || !touched) {
                status = LM_E_NOMEM;
                break;
            }
            for (size_t g = related; g < s->group_capacity; g++)
                l->related[g] = 0.0;
            related = s->group_capacity;
        }
        uint32_t ruined[LNS_GROUPS_MAX];
        uint32_t ruined_count = choose(l, ruined);
        if (l->n < s->min_size)
            continue;
        double before = 0.0;
        for (uint32_t r = 0; r < ruined_count; r++)
            before += s->value[ruined[r]];
        uint32_t in_groups = 0;
        for (uint32_t r = 0; r < ruined_count; r++)
            in_groups += s->size[ruined[r]];
        before -= mu * (double)(l->n - in_groups);
        saved_group saved[LNS_GROUPS_MAX];
        ruin(s, ruined, ruined_count, saved);
        if (s->use_venues)
            note_room(l);
        status = enumerate(l);
        if (status != LM_OK) {
            restore(s, saved, ruined_count);
            break;
        }
        /* Where the people of F fit together densely, the groups inside F
         * run to thousands and a repair costs milliseconds: F shrinks
         * (and grows back where they are few), so the cost of a round stays
         * bounded whatever the pool. Depends on the run only: deterministic. */
        if (l->group_count > ENUMERATED_HIGH && l->free_max > LNS_FREE_MIN)
            l->free_max--;
        else if (l->group_count < ENUMERATED_LOW && l->free_max < l->free_limit)
            l->free_max++;
        for (uint32_t i = 0; i < l->n; i++)
            best_outside(l, l->freed[i], -mu, &l->out_value[i]);
        double estimate = solve(l);
        if (estimate < before - 1e-9) {
            restore(s, saved, ruined_count);
            continue;
        }
        bool built = false;
        status = rebuild(l, saved, ruined_count, &built);
        if (status != LM_OK || !built) {
            restore(s, saved, ruined_count);
            continue;
        }
        double after = 0.0;
        for (uint32_t k = 0; k < l->made_count; k++)
            after += s->value[l->made[k]];
        for (uint32_t k = 0; k < l->joined_count; k++)
            after += s->value[l->joined[k].group] - l->joined[k].before;
        for (uint32_t i = 0; i < l->n; i++)
            after -= s->group_of[l->freed[i]] == LM_NO_GROUP ? mu : 0.0;
        /* not worse: kept (an equal one half of the time, to drift across
         * plateaus); worse: undone */
        if (after > before + 1e-9 || (after >= before - 1e-9 && (lm__rng_next(rng) & 1)))
            continue;
        unbuild(l);
        restore(s, saved, ruined_count);
    }
    lm__free(l->unassigned);
    lm__free(l->related);
    lm__free(l->touched);
    lm__free(l->sums);
    lm__free(l->best);
    lm__free(l->stamp);
    lm__free(l->choice);
    lm__free(l->group_mask);
    lm__free(l->group_value);
    lm__free(l);
    return status;
}
