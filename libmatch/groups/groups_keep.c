/* Continuing groups (lm_params_set_keep) and exclusions in lm_groups_form().
 *
 * Before the phases: the kept groups of the keep file are rebuilt from the
 * people still in the pool and not excluded (with --reshuffle only the
 * pinned ones stay fixed; the others are free like new sign-ups), pins move
 * people into their group, and every kept group keeps its slot and venue.
 * Then the people left free join kept groups with room, in three passes:
 *   1. the rest of a together set one of whose people is kept joins that
 *      group (or nobody of it is placed: the set cannot be whole elsewhere);
 *   2. kept groups below the minimum size or mix are completed first, each
 *      with the candidates that bring what it lacks, best score first;
 *   3. everybody else who fits a kept group joins the one where the group's
 *      score gains most, those with the fewest kept groups to choose from
 *      first, so that few are crowded out by people with more choice.
 * A together set joins as a block, and nobody joins a group holding someone
 * they are kept apart from. Who is still free goes to the phases through a
 * region filter, with the venue places the kept groups take already used.
 * Kept members never move: the kept groups join the run's groups only after
 * the phases that restructure groups (the seam phase). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "groups/groups_keep_internal.h"
#include "engine/constraints_internal.h"
#include "engine/objective_internal.h"
#include "model/constraints_internal.h"
#include "model/grouping_internal.h"
#include "model/result_internal.h"

#define FREE_PERSON 0
#define KEPT_PERSON 1
#define OUT_PERSON 2

typedef struct keeper {
    const lm_pool *pool;
    const lm_params *params;
    const lm_constraints *c;
    uint32_t max_size;
    size_t count;          /* kept groups */
    size_t *members;       /* group g: members[g*max_size .. +size[g]] */
    uint32_t *size;
    int *slot, *venue;
    double *value;         /* the group's score as it stands */
    int64_t *number;
    uint8_t *state;        /* by person: FREE_PERSON, KEPT_PERSON, OUT_PERSON */
    uint32_t *group_of;    /* by person: kept group, UINT32_MAX none */
    /* blocks of free people who join together: block b is
     * block_people[block_start[b] .. block_start[b+1]) */
    size_t *block_people;
    size_t *block_start;
    uint32_t *block_forced; /* by block: the kept group of its set, UINT32_MAX none */
    size_t block_count;
    /* candidate kept groups of each block when the passes start */
    uint32_t *cand;
    size_t *cand_start;
    size_t slots;
    /* the last distance check of fits(): groups are tried venue by venue */
    size_t near_person, near_venue;
    bool near_ok;
} keeper;

static void keeper_free(keeper *k)
{
    lm__free(k->members);
    lm__free(k->size);
    lm__free(k->slot);
    lm__free(k->venue);
    lm__free(k->value);
    lm__free(k->number);
    lm__free(k->state);
    lm__free(k->group_of);
    lm__free(k->block_people);
    lm__free(k->block_start);
    lm__free(k->block_forced);
    lm__free(k->cand);
    lm__free(k->cand_start);
}

/* ---- the kept groups ------------------------------------------------------------ */

static size_t *members_of(const keeper *k, size_t g)
{
    return k->members + g * k->max_size;
}

static void add_member(keeper *k, size_t g, size_t person)
{
    members_of(k, g)[k->size[g]++] = person;
    k->state[person] = KEPT_PERSON;
    k->group_of[person] = (uint32_t)g;
}

static double score_of(const keeper *k, const size_t *list, size_t n)
{
    lm_group_score score;
    if (n == 0 || lm__group_score(k->pool, &k->params->weights, list, n, &score) != LM_OK)
        return 0.0;
    return score.terms[LM_TERM_TOTAL];
}

typedef struct busy_context {
    const keeper *k;
    const uint32_t *used;
} busy_context;

static bool venue_busy(void *context, size_t venue, size_t slot)
{
    const busy_context *b = context;
    return b->used[venue * b->k->slots + slot] >= b->k->pool->venues[venue].capacity;
}

/* A place for a kept group the file gave none (or only half of one): the
 * lowest slot all members share, with venues the nearest venue open then
 * with room, as evaluation would choose. */
static void settle_place(keeper *k, size_t g, const uint32_t *used)
{
    const lm_pool *pool = k->pool;
    if (k->slot[g] >= 0 && (k->venue[g] >= 0 || pool->venue_count == 0))
        return;
    lm_placement place;
    busy_context busy = {k, used};
    bool venues = pool->venue_count > 0 && k->venue[g] < 0;
    if (!lm__group_feasible(pool, k->params, members_of(k, g), k->size[g], venues,
                            venues ? venue_busy : NULL, &busy, &place))
        return;
    if (k->slot[g] < 0)
        k->slot[g] = place.slot;
    if (venues)
        k->venue[g] = place.venue;
}

static int build_groups(keeper *k, const lm_grouping *keep, bool reshuffle, uint32_t *used)
{
    const lm_pool *pool = k->pool;
    size_t groups = keep->group_count;
    k->members = lm__malloc((groups ? groups : 1) * k->max_size * sizeof *k->members);
    k->size = lm__calloc(groups ? groups : 1, sizeof *k->size);
    k->slot = lm__malloc((groups ? groups : 1) * sizeof *k->slot);
    k->venue = lm__malloc((groups ? groups : 1) * sizeof *k->venue);
    k->value = lm__calloc(groups ? groups : 1, sizeof *k->value);
    k->number = lm__malloc((groups ? groups : 1) * sizeof *k->number);
    if (!k->members || !k->size || !k->slot || !k->venue || !k->value || !k->number)
        return LM_E_NOMEM;
    /* pins first: a pinned person belongs to their group whatever the file says */
    uint32_t *pinned = lm__malloc((pool->count ? pool->count : 1) * sizeof *pinned);
    if (!pinned)
        return LM_E_NOMEM;
    for (size_t p = 0; p < pool->count; p++)
        pinned[p] = UINT32_MAX;
    for (size_t i = 0; k->c && i < k->c->count; i++) {
        const lm_constraint *pin = &k->c->list[i];
        if (pin->kind != LM_CONSTRAINT_PIN || k->state[pin->a] == OUT_PERSON)
            continue;
        for (size_t g = 0; g < groups; g++)
            if (lm_grouping_group_number(keep, g) == pin->b)
                pinned[pin->a] = (uint32_t)g;
    }
    for (size_t g = 0; g < groups; g++) {
        k->slot[g] = g < keep->group_capacity ? keep->slot[g] : -1;
        k->venue[g] = g < keep->group_capacity ? keep->venue[g] : -1;
        k->number[g] = (int64_t)lm_grouping_group_number(keep, g);
    }
    /* pinned people first: a pin into a full group takes the place of its
     * last kept member, who is then free like a new sign-up */
    for (int pins = 1; pins >= 0; pins--)
        for (size_t p = 0; p < pool->count; p++) {
            if (k->state[p] == OUT_PERSON || (pinned[p] != UINT32_MAX) != pins)
                continue;
            int64_t in_file = lm_grouping_group_of(keep, p);
            size_t g = pins ? pinned[p] : in_file >= 0 && !reshuffle ? (size_t)in_file : SIZE_MAX;
            /* a group that grew beyond the largest size keeps its first members */
            if (g != SIZE_MAX && k->size[g] < k->max_size)
                add_member(k, g, p);
        }
    lm__free(pinned);
    /* the groups nobody is left in go; the others keep their place */
    size_t kept = 0;
    for (size_t g = 0; g < groups; g++) {
        if (k->size[g] == 0)
            continue;
        if (kept != g) {
            memcpy(members_of(k, kept), members_of(k, g), k->size[g] * sizeof *k->members);
            k->size[kept] = k->size[g];
            k->slot[kept] = k->slot[g];
            k->venue[kept] = k->venue[g];
            k->number[kept] = k->number[g];
            for (uint32_t m = 0; m < k->size[kept]; m++)
                k->group_of[members_of(k, kept)[m]] = (uint32_t)kept;
        }
        kept++;
    }
    k->count = kept;
    for (size_t g = 0; g < k->count; g++) {
        settle_place(k, g, used);
        if (k->venue[g] >= 0 && k->slot[g] >= 0)
            used[(size_t)k->venue[g] * k->slots + (size_t)k->slot[g]]++;
        k->value[g] = score_of(k, members_of(k, g), k->size[g]);
    }
    return LM_OK;
}

/* ---- blocks of free people ---------------------------------------------------------- */

static int compare_keyed_people(const void *a, const void *b)
{
    const size_t *x = a, *y = b;
    if (x[0] != y[0])
        return (x[0] > y[0]) - (x[0] < y[0]);
    return (x[1] > y[1]) - (x[1] < y[1]);
}

/* One block per free person alone, one per together set with free people
 * (its free people; forced into the kept group of its kept people). Blocks
 * are ordered by their first person. */
static int build_blocks(keeper *k)
{
    const lm_pool *pool = k->pool;
    size_t n = pool->count;
    size_t in_sets = 0;
    for (size_t p = 0; p < n; p++)
        in_sets += k->c && k->state[p] != OUT_PERSON && lm__constraints_set_size(k->c, p) > 1;
    size_t *pairs = lm__malloc((in_sets ? in_sets : 1) * 2 * sizeof *pairs);
    k->block_people = lm__malloc((n ? n : 1) * sizeof *k->block_people);
    k->block_start = lm__malloc((n + 1) * sizeof *k->block_start);
    k->block_forced = lm__malloc((n ? n : 1) * sizeof *k->block_forced);
    uint32_t *set_block = lm__malloc((n ? n : 1) * sizeof *set_block);
    int status = LM_E_NOMEM;
    if (!pairs || !k->block_people || !k->block_start || !k->block_forced || !set_block)
        goto done;
    /* the set of each person in one, sorted by (root, person) */
    size_t at = 0;
    for (size_t p = 0; p < n && in_sets; p++)
        if (k->state[p] != OUT_PERSON && lm__constraints_set_size(k->c, p) > 1) {
            pairs[2 * at] = lm__constraints_root(k->c, p);
            pairs[2 * at + 1] = p;
            at++;
        }
    qsort(pairs, in_sets, 2 * sizeof *pairs, compare_keyed_people);
    for (size_t p = 0; p < n; p++)
        set_block[p] = UINT32_MAX;
    /* blocks in the order of their first free person */
    size_t people = 0, blocks = 0;
    size_t i = 0;
    for (size_t p = 0; p < n; p++) {
        if (k->state[p] != FREE_PERSON)
            continue;
        bool in_set = k->c && lm__constraints_set_size(k->c, p) > 1;
        if (!in_set) {
            k->block_start[blocks] = people;
            k->block_forced[blocks++] = UINT32_MAX;
            k->block_people[people++] = p;
            continue;
        }
        size_t root = lm__constraints_root(k->c, p);
        if (set_block[root] != UINT32_MAX)
            continue; /* listed with the first free person of its set */
        set_block[root] = (uint32_t)blocks;
        k->block_start[blocks] = people;
        k->block_forced[blocks] = UINT32_MAX;
        /* the run of the set in pairs */
        size_t lo = 0, hi = in_sets;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (pairs[2 * mid] < root)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (i = lo; i < in_sets && pairs[2 * i] == root; i++) {
            size_t q = pairs[2 * i + 1];
            if (k->state[q] == FREE_PERSON)
                k->block_people[people++] = q;
            else if (k->state[q] == KEPT_PERSON)
                k->block_forced[blocks] = k->group_of[q];
        }
        blocks++;
    }
    k->block_start[blocks] = people;
    k->block_count = blocks;
    status = LM_OK;
done:
    lm__free(pairs);
    lm__free(set_block);
    return status;
}

/* ---- fitting ---------------------------------------------------------------------------- */

/* Whether the block's people can join kept group g: room, nobody kept
 * apart, free at the group's slot, a language with everybody, within reach
 * of the venue (or, without venues, everybody within reach of the new
 * meeting point). Writes the joined list to list. */
static bool fits(keeper *k, size_t g, size_t b, size_t *list, size_t *length)
{
    const lm_pool *pool = k->pool;
    const size_t *block = k->block_people + k->block_start[b];
    size_t count = k->block_start[b + 1] - k->block_start[b];
    size_t n = k->size[g];
    if (count == 0 || n + count > k->max_size)
        return false;
    memcpy(list, members_of(k, g), n * sizeof *list);
    for (size_t i = 0; i < count; i++) {
        const lm_participant *p = &pool->people[block[i]];
        if (k->slot[g] >= 0 && p->availability && !(p->availability >> k->slot[g] & 1))
            return false;
        /* a language with the members, before any distance */
        if (k->params->language && p->languages) {
            uint64_t spoken = lm__group_languages(pool, members_of(k, g), n);
            if (spoken != ~(uint64_t)0 && !(spoken & p->languages))
                return false;
        }
        if (k->venue[g] >= 0) {
            const lm_venue *venue = &pool->venues[k->venue[g]];
            if (p->step_free && !venue->step_free)
                return false;
            if (block[i] != k->near_person || (size_t)k->venue[g] != k->near_venue) {
                k->near_person = block[i];
                k->near_venue = (size_t)k->venue[g];
                k->near_ok = !lm__too_far(p, lm__max_km(p, k->params), venue->lat, venue->lon,
                                          NULL);
            }
            if (!k->near_ok)
                return false;
        }
        for (size_t m = 0; k->c && k->c->apart_count && m < n; m++)
            if (lm__constraints_is_apart(k->c, block[i], list[m]))
                return false;
        list[n + i] = block[i];
    }
    n += count;
    *length = n;
    bool anyone_speaks = false;
    for (size_t m = 0; m < n; m++)
        anyone_speaks |= pool->people[list[m]].languages != 0;
    if (k->params->language && anyone_speaks && !lm__group_languages(pool, list, n))
        return false;
    if (k->slot[g] < 0 && !lm__group_slots(pool, list, n))
        return false;
    double lat, lon;
    if (pool->venue_count == 0 && lm__meeting_point(pool, list, n, &lat, &lon))
        for (size_t m = 0; m < n; m++) {
            const lm_participant *p = &pool->people[list[m]];
            if (lm__too_far(p, lm__max_km(p, k->params), lat, lon, NULL))
                return false;
        }
    return true;
}

static void join(keeper *k, size_t g, size_t b, const size_t *list, size_t length)
{
    for (size_t i = k->block_start[b]; i < k->block_start[b + 1]; i++)
        add_member(k, g, k->block_people[i]);
    k->value[g] = score_of(k, list, length);
}

/* Whether group g is below the minimum size or mix; need[r] says whether
 * role r is short. */
static bool deficient(const keeper *k, size_t g, bool need[2])
{
    uint32_t count[2] = {0, 0};
    for (uint32_t m = 0; m < k->size[g]; m++)
        count[k->pool->people[members_of(k, g)[m]].role]++;
    need[0] = count[0] < (uint64_t)k->params->min_per_role;
    need[1] = count[1] < (uint64_t)k->params->min_per_role;
    return need[0] || need[1] || k->size[g] < (uint64_t)k->params->min_size;
}

/* The candidate kept groups of every block as things stand: with venues
 * only the groups at venues within the first person's reach are tried. */
static int find_candidates(keeper *k, size_t *list)
{
    const lm_pool *pool = k->pool;
    size_t venues = pool->venue_count;
    /* kept groups by venue: at_venue[venue_start[v] .. venue_start[v+1]) */
    size_t *venue_start = lm__calloc(venues + 2, sizeof *venue_start);
    uint32_t *at_venue = lm__malloc((k->count ? k->count : 1) * sizeof *at_venue);
    k->cand_start = lm__malloc((k->block_count + 1) * sizeof *k->cand_start);
    size_t capacity = k->block_count * 4 + 16, total = 0;
    k->cand = lm__malloc(capacity * sizeof *k->cand);
    int status = LM_E_NOMEM;
    if (!venue_start || !at_venue || !k->cand_start || !k->cand)
        goto done;
    /* groups without a venue sit in the last list, tried by everybody */
    for (size_t g = 0; g < k->count; g++)
        venue_start[(k->venue[g] >= 0 ? (size_t)k->venue[g] : venues) + 1]++;
    for (size_t v = 0; v <= venues; v++)
        venue_start[v + 1] += venue_start[v];
    size_t *cursor = lm__malloc((venues + 1) * sizeof *cursor);
    if (!cursor)
        goto done;
    memcpy(cursor, venue_start, (venues + 1) * sizeof *cursor);
    for (size_t g = 0; g < k->count; g++)
        at_venue[cursor[k->venue[g] >= 0 ? (size_t)k->venue[g] : venues]++] = (uint32_t)g;
    lm__free(cursor);
    for (size_t b = 0; b < k->block_count; b++) {
        k->cand_start[b] = total;
        if (k->block_forced[b] != UINT32_MAX)
            continue;
        const lm_participant *first = &pool->people[k->block_people[k->block_start[b]]];
        double reach = lm__max_km(first, k->params);
        for (size_t v = 0; v <= venues; v++) {
            if (v < venues && (venue_start[v + 1] == venue_start[v] ||
                               lm__too_far(first, reach, pool->venues[v].lat,
                                           pool->venues[v].lon, NULL)))
                continue;
            for (size_t at = venue_start[v]; at < venue_start[v + 1]; at++) {
                size_t length;
                if (!fits(k, at_venue[at], b, list, &length))
                    continue;
                if (total == capacity) {
                    uint32_t *grown = lm__reallocarray(k->cand, capacity * 2, sizeof *grown);
                    if (!grown)
                        goto done;
                    k->cand = grown;
                    capacity *= 2;
                }
                k->cand[total++] = at_venue[at];
            }
        }
    }
    k->cand_start[k->block_count] = total;
    status = LM_OK;
done:
    lm__free(venue_start);
    lm__free(at_venue);
    return status;
}

/* The candidate of block b where joining gains most now (SIZE_MAX: none
 * fits any more); with need, only groups lacking what b brings. */
static size_t best_group(keeper *k, size_t b, size_t *list, double *gain)
{
    size_t best = SIZE_MAX, length;
    *gain = -INFINITY;
    for (size_t at = k->cand_start[b]; at < k->cand_start[b + 1]; at++) {
        size_t g = k->cand[at];
        if (!fits(k, g, b, list, &length))
            continue;
        double delta = score_of(k, list, length) - k->value[g];
        if (delta > *gain) {
            *gain = delta;
            best = g;
        }
    }
    return best;
}

/* Whether block b is still free to join (and not bound to one group). */
static bool free_block(const keeper *k, size_t b)
{
    return k->block_forced[b] == UINT32_MAX &&
           k->state[k->block_people[k->block_start[b]]] == FREE_PERSON;
}

/* The candidate lists by group: the blocks that had kept group g among
 * their candidates are by_group[start[g] .. start[g+1]), ascending. */
static int invert_candidates(const keeper *k, size_t **by_group, size_t **start)
{
    size_t total = k->cand_start[k->block_count];
    *by_group = lm__malloc((total ? total : 1) * sizeof **by_group);
    *start = lm__calloc(k->count + 2, sizeof **start);
    if (!*by_group || !*start)
        return LM_E_NOMEM;
    for (size_t at = 0; at < total; at++)
        (*start)[k->cand[at] + 2]++;
    for (size_t g = 0; g < k->count; g++)
        (*start)[g + 2] += (*start)[g + 1];
    for (size_t b = 0; b < k->block_count; b++)
        for (size_t at = k->cand_start[b]; at < k->cand_start[b + 1]; at++)
            (*by_group)[(*start)[k->cand[at] + 1]++] = b;
    return LM_OK;
}

static int compare_by_choice(const void *a, const void *b)
{
    const size_t *x = a, *y = b;
    if (x[0] != y[0])
        return (x[0] > y[0]) - (x[0] < y[0]);
    return (x[1] > y[1]) - (x[1] < y[1]);
}

static int join_free_people(keeper *k)
{
    size_t *list = lm__malloc((k->max_size + 1) * sizeof *list);
    if (!list)
        return LM_E_NOMEM;
    size_t length;
    /* 1. the rest of a set whose kept people hold their group */
    for (size_t b = 0; b < k->block_count; b++)
        if (k->block_forced[b] != UINT32_MAX && fits(k, k->block_forced[b], b, list, &length))
            join(k, k->block_forced[b], b, list, length);
    int status = find_candidates(k, list);
    /* 2. the kept groups that lack people, completed first, each from the
     * blocks that had it among their candidates */
    size_t *by_group = NULL, *by_group_start = NULL;
    if (status == LM_OK)
        status = invert_candidates(k, &by_group, &by_group_start);
    for (size_t g = 0; g < k->count && status == LM_OK; g++) {
        bool need[2];
        while (deficient(k, g, need)) {
            /* both roles short: the one fewer candidates bring goes first, so
             * that the other does not move the group out of its reach */
            if (need[0] && need[1]) {
                size_t bring[2] = {0, 0};
                for (size_t at = by_group_start[g]; at < by_group_start[g + 1]; at++) {
                    size_t b = by_group[at];
                    if (free_block(k, b) && fits(k, g, b, list, &length))
                        for (size_t i = k->block_start[b]; i < k->block_start[b + 1]; i++)
                            bring[k->pool->people[k->block_people[i]].role]++;
                }
                need[bring[0] <= bring[1] ? 1 : 0] = false;
            }
            size_t best = SIZE_MAX;
            double best_gain = -INFINITY;
            for (size_t at = by_group_start[g]; at < by_group_start[g + 1]; at++) {
                size_t b = by_group[at];
                bool brings = !need[0] && !need[1];
                for (size_t i = k->block_start[b]; i < k->block_start[b + 1]; i++)
                    brings |= need[k->pool->people[k->block_people[i]].role];
                if (!brings || !free_block(k, b) || !fits(k, g, b, list, &length))
                    continue;
                double gain = score_of(k, list, length) - k->value[g];
                if (gain > best_gain) {
                    best_gain = gain;
                    best = b;
                }
            }
            if (best == SIZE_MAX)
                break;
            fits(k, g, best, list, &length);
            join(k, g, best, list, length);
        }
    }
    lm__free(by_group);
    lm__free(by_group_start);
    /* 3. everybody else, those with the fewest choices first */
    size_t *order = status == LM_OK ? lm__malloc((k->block_count ? k->block_count : 1) * 2 *
                                                 sizeof *order)
                                    : NULL;
    if (status == LM_OK && !order)
        status = LM_E_NOMEM;
    size_t listed = 0;
    for (size_t b = 0; b < k->block_count && status == LM_OK; b++) {
        size_t choices = k->cand_start[b + 1] - k->cand_start[b];
        if (choices && k->state[k->block_people[k->block_start[b]]] == FREE_PERSON) {
            order[2 * listed] = choices;
            order[2 * listed++ + 1] = b;
        }
    }
    if (status == LM_OK)
        qsort(order, listed, 2 * sizeof *order, compare_by_choice);
    for (size_t i = 0; i < listed && status == LM_OK; i++) {
        size_t b = order[2 * i + 1];
        double gain;
        size_t g = best_group(k, b, list, &gain);
        if (g == SIZE_MAX)
            continue;
        fits(k, g, b, list, &length);
        join(k, g, b, list, length);
    }
    lm__free(order);
    lm__free(list);
    return status;
}

/* ---- the run ------------------------------------------------------------------------ */

static int compare_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* The kept groups as a region's out (members ascending in each group). */
static int make_out(keeper *k, lm_region_out *out)
{
    size_t members = 0;
    for (size_t g = 0; g < k->count; g++)
        members += k->size[g];
    memset(out, 0, sizeof *out);
    out->members = lm__malloc((members ? members : 1) * sizeof *out->members);
    out->sizes = lm__malloc((k->count ? k->count : 1) * sizeof *out->sizes);
    out->slots = lm__malloc((k->count ? k->count : 1) * sizeof *out->slots);
    out->venues = lm__malloc((k->count ? k->count : 1) * sizeof *out->venues);
    out->unassigned = lm__malloc(sizeof *out->unassigned);
    out->reasons = lm__malloc(sizeof *out->reasons);
    if (!out->members || !out->sizes || !out->slots || !out->venues || !out->unassigned ||
        !out->reasons)
        return LM_E_NOMEM;
    size_t at = 0;
    for (size_t g = 0; g < k->count; g++) {
        memcpy(out->members + at, members_of(k, g), k->size[g] * sizeof *out->members);
        qsort(out->members + at, k->size[g], sizeof *out->members, compare_size);
        at += k->size[g];
        out->sizes[g] = k->size[g];
        out->slots[g] = k->slot[g];
        out->venues[g] = k->venue[g];
        out->total += k->value[g];
    }
    out->group_count = k->count;
    return LM_OK;
}

int lm__groups_keep_begin(const lm_pool *pool, const lm_params *params, lm_groups_keep *keep,
                          lm_object *error)
{
    memset(keep, 0, sizeof *keep);
    const lm_constraints *c = params->constraints;
    if (c) {
        int status = lm__constraints_check_run(c, pool, params->max_size, params->keep, error);
        if (status != LM_OK)
            return status;
    }
    if (!params->keep && !(c && c->excluded_count))
        return LM_OK;
    if (params->keep && params->keep->participant_capacity > pool->count &&
        params->keep->group_of) {
        for (size_t p = pool->count; p < params->keep->participant_capacity; p++)
            if (params->keep->group_of[p] >= 0)
                return lm__fail(error, LM_E_INVALID,
                                "the keep grouping holds people the pool does not have");
    }
    keeper k;
    memset(&k, 0, sizeof k);
    k.pool = pool;
    k.params = params;
    k.c = c;
    k.max_size = (uint32_t)params->max_size;
    k.slots = lm_slot_count();
    k.near_person = SIZE_MAX;
    size_t n = pool->count ? pool->count : 1;
    keep->active = true;
    keep->people = lm__malloc(n);
    keep->used = lm__calloc(pool->venue_count * k.slots + 1, sizeof *keep->used);
    k.state = lm__calloc(n, 1);
    k.group_of = lm__malloc(n * sizeof *k.group_of);
    int status = LM_E_NOMEM;
    if (!keep->people || !keep->used || !k.state || !k.group_of)
        goto done;
    for (size_t p = 0; p < pool->count; p++) {
        k.group_of[p] = UINT32_MAX;
        if (c && lm__constraints_out(c, p))
            k.state[p] = OUT_PERSON;
    }
    status = LM_OK;
    if (params->keep) {
        keep->is_new = lm__malloc(n);
        status = keep->is_new ? build_groups(&k, params->keep, params->reshuffle, keep->used)
                              : LM_E_NOMEM;
        for (size_t p = 0; p < pool->count && keep->is_new; p++)
            keep->is_new[p] = lm_grouping_group_of(params->keep, p) < 0;
        if (status == LM_OK)
            status = build_blocks(&k);
        if (status == LM_OK)
            status = join_free_people(&k);
        if (status == LM_OK)
            status = make_out(&k, &keep->kept);
        if (status == LM_OK) {
            keep->kept_of = lm__malloc(n * sizeof *keep->kept_of);
            for (size_t p = 0; p < pool->count && keep->kept_of; p++)
                keep->kept_of[p] = k.group_of[p] != UINT32_MAX ? k.number[k.group_of[p]] : -1;
            if (!keep->kept_of)
                status = LM_E_NOMEM;
        }
    }
    if (status != LM_OK)
        goto done;
    for (size_t p = 0; p < pool->count; p++)
        keep->people[p] = k.state[p] == FREE_PERSON;
    keep->filter.people = keep->people;
    if (params->keep && pool->venue_count) {
        keep->venues = lm__malloc(pool->venue_count);
        keep->room = lm__calloc(pool->venue_count, sizeof *keep->room);
        if (!keep->venues || !keep->room) {
            status = LM_E_NOMEM;
            goto done;
        }
        for (size_t v = 0; v < pool->venue_count; v++) {
            const lm_venue *venue = &pool->venues[v];
            for (size_t t = 0; t < k.slots; t++) {
                uint32_t taken = keep->used[v * k.slots + t];
                if (venue->open >> t & 1 && taken < venue->capacity)
                    keep->room[v] += venue->capacity - taken;
            }
            keep->venues[v] = keep->room[v] > 0;
        }
        keep->filter.venues = keep->venues;
        keep->filter.room = keep->room;
    }
done:
    keeper_free(&k);
    if (status != LM_OK) {
        lm__groups_keep_free(keep);
        return lm__fail(error, status, "out of memory");
    }
    return LM_OK;
}

int lm__groups_keep_commit(lm_groups_job *j, lm_groups_keep *keep)
{
    if (!keep->kept.members || keep->committed)
        return LM_OK;
    lm_region_out *outs = lm__reallocarray(j->outs, j->out_count + 1, sizeof *outs);
    if (!outs)
        return LM_E_NOMEM;
    j->outs = outs;
    j->outs[j->out_count++] = keep->kept;
    keep->committed = true;
    return LM_OK;
}

int lm__groups_keep_finish(const lm_pool *pool, const lm_params *params,
                           const lm_groups_keep *keep, lm_result *result)
{
    if (!keep->active)
        return LM_OK;
    /* the bound counts the excluded and knows nothing of kept groups */
    lm__result_set_bound(result, NAN, NAN);
    if (!params->keep)
        return LM_OK;
    int status = lm__result_mark_new(result, keep->is_new);
    const int64_t *kept_of = keep->kept_of;
    for (size_t g = 0; g < result->group_count && status == LM_OK; g++) {
        lm_group_out *group = &result->groups[g];
        size_t count[2] = {0, 0};
        for (size_t m = 0; m < group->size; m++) {
            size_t person = result->members[group->first + m];
            count[pool->people[person].role]++;
            if (kept_of[person] >= 0)
                group->kept = kept_of[person];
        }
        if (group->kept < 0)
            continue;
        if ((int64_t)group->size < params->min_size)
            status = lm__result_add_violation(
                result, LM_VIOLATION_SIZE, g, -1,
                "kept group %lld (group %zu) has %zu members, fewer than %lld, and no new "
                "sign-up could complete it",
                (long long)group->kept, g + 1, group->size, (long long)params->min_size);
        if (status == LM_OK && ((int64_t)count[0] < params->min_per_role ||
                                (int64_t)count[1] < params->min_per_role))
            status = lm__result_add_violation(
                result, LM_VIOLATION_MIX, g, -1,
                "kept group %lld (group %zu) has %zu newcomers and %zu residents; each role "
                "needs %lld, and no new sign-up could complete it",
                (long long)group->kept, g + 1, count[0], count[1],
                (long long)params->min_per_role);
    }
    return status;
}

void lm__groups_keep_free(lm_groups_keep *keep)
{
    lm__free(keep->people);
    lm__free(keep->venues);
    lm__free(keep->room);
    lm__free(keep->used);
    lm__free(keep->kept_of);
    lm__free(keep->is_new);
    if (!keep->committed)
        lm__groups_out_free(&keep->kept);
    memset(keep, 0, sizeof *keep);
}
