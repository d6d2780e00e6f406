/* The group engine: how lm_groups_form() splits a pool into regions and
 * solves each region with the shared search core (search.c).
 *
 *   groups_form.c       lm_groups_form(): the phases of a run, the result
 *   groups.c            one phase: its regions solved on threads
 *   groups_regions.c    blocking: the pool cut into compact regions
 *   groups_grid.c       nearest venues on a grid of kilometres
 *   groups_fill.c       the fill: people still out, listed at venues with room
 *   groups_state.c      a region's incremental per-group sums: O(D) deltas
 *   groups_construct.c  greedy construction and repair insertion
 *   groups_exact.c      tiny regions solved exactly (subset DP)
 *   groups_venues.c     venue/slot placement under capacity (matching)
 *   groups_reasons.c    why an unassigned participant stayed out
 */
#ifndef LM_GROUPS_INTERNAL_H
#define LM_GROUPS_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/constraints_internal.h"
#include "model/model_internal.h"
#include "model/params_internal.h"
#include "common/rng_internal.h"

#define LM_REGION_VENUES_MAX 64 /* venue masks are uint64_t */

/* ---- regions ------------------------------------------------------------ */

typedef struct lm_region {
    uint32_t *people;   /* pool indices, ascending */
    uint32_t count;
    uint32_t *venues;   /* pool venue indices (at most 64), ascending */
    uint32_t venue_count;
} lm_region;

typedef struct lm_regions {
    lm_region *regions;
    size_t count;
    uint32_t *storage;  /* backing store of all people and venue lists */
} lm_regions;

/* Cuts the pool into regions of about `target` participants: with venues,
 * runs of venues along a space-filling curve with the people nearest to
 * them; without, runs of people along the curve. Participants without a
 * location are spread evenly. Deterministic. */
typedef struct lm_region_filter {
    const uint8_t *people; /* by participant: 1 = take part (NULL: everybody) */
    const uint8_t *venues; /* by venue: 1 = usable (NULL: all) */
    const uint32_t *room;  /* by venue: groups it can still host in a week
                              (NULL: open slots x capacity) */
} lm_region_filter;
int lm__regions_build(const lm_pool *pool, const lm_params *params, size_t target,
                      const lm_region_filter *filter, lm_regions *out);
void lm__regions_free(lm_regions *regions);
/* Regions from the region of each person (UINT32_MAX: none) and, with
 * venue_region, of each venue; people ascending within each region. */
int lm__regions_assemble(const lm_pool *pool, const uint32_t *region_of, size_t region_count,
                         const uint32_t *venue_region, lm_regions *out);

/* Z-order key of a point in degrees: near keys are near on the map. */
uint64_t lm__z_key(double lat, double lon);
/* An index with a sort key; lm__compare_keyed orders by key, then index
 * (for qsort). */
typedef struct lm_keyed {
    uint64_t key;
    uint32_t index;
} lm_keyed;
int lm__compare_keyed(const void *a, const void *b);

/* Per-language lists and counts (construction, the fill's candidates) give
 * languages 0..63 their own bucket and the people who gave none this one. */
#define LM_LANGUAGE_UNKNOWN 64

/* ---- a region's items ---------------------------------------------------- */

/* A sparse vector already divided by its norm (or the raw x). */
typedef struct lm_sparse {
    const lm_entry *entries; /* into the state's entries (the raw x: the pool's) */
    uint32_t length;
} lm_sparse;

typedef struct lm_item {
    uint32_t person;       /* pool index */
    uint8_t role;
    bool host;
    bool located;
    bool step_free;
    bool x_nonzero;
    uint64_t languages;    /* all ones when unknown */
    uint64_t slots;        /* all slots when unknown */
    uint64_t venues;       /* region venues within reach (all when not located) */
    double lat, lon, max_km;
    /* The home as a point on the unit sphere and the largest squared chord
     * within max_km (shrunk by 1e-9 so that the search never accepts a
     * distance that haversine would put a rounding error above max_km). */
    double xyz[3], chord2;
    lm_sparse x, ux, uo, uw;
} lm_item;

/* The largest summed interests of a group, kept so that the theme after a
 * change costs O(nnz) instead of O(D) (groups_state.c). */
#define LM_THEME_TOP 16

/* ---- the incremental state of one region's groups ------------------------ */

typedef struct lm_gstate {
    const lm_pool *pool;
    const lm_params *params;
    lm_weights weights;
    size_t topics;            /* D */
    bool use_venues;
    uint32_t min_size, max_size, min_per_role;

    lm_item *items;
    uint32_t item_count;
    lm_entry *entries;        /* storage of the items' sparse vectors */
    uint32_t venue_count;     /* region venues */
    const uint32_t *venues;   /* pool venue indices */
    uint64_t *venue_open;     /* by region venue */
    uint64_t step_free_venues;
    uint64_t all_slots;

    uint32_t group_count;     /* group slots, some may be empty */
    uint32_t group_capacity;
    uint32_t group_limit;     /* most groups that can hold members at once */
    uint32_t *group_of;       /* by item; LM_NO_GROUP when unassigned */
    uint32_t *members;        /* group g: members[g*max_size .. +size[g]] */
    uint32_t *size;
    uint32_t *count;          /* [g*2 + role] */
    uint32_t *hosts;          /* [g*2 + role] */
    uint32_t *x_nonzero;      /* members with non-zero interests */
    double *sums;             /* [g*6*D]: x, ux, o_new, o_res, w_new, w_res */
    double *square;           /* |sum ux|^2 */
    double *teach;            /* [g*2]: <o_new,w_res>, <o_res,w_new> */
    double *value;            /* the group's weighted score */
    uint32_t *top_topic;      /* [g*LM_THEME_TOP]: topics of the largest sum_x */
    double *top_value;        /* their sums, descending */
    uint64_t *languages, *slots, *reach; /* AND of the members' masks */
    /* With venues, every group holds a place, a (venue, slot) pair taken
     * from the venue's capacity when the group is built, and all members
     * must fit it: so capacity holds throughout the search. */
    int *place_venue, *place_slot; /* region venue index / slot; -1 none */
    uint32_t *place_used;          /* by venue * slot_count + slot */
    const uint32_t *base_used;     /* by pool venue * slot_count + slot: capacity an
                                      earlier phase took (NULL: none) */
    uint32_t slot_count;
    /* The groups at each place, as singly linked lists, so that candidate
     * groups of a person are found through the places they can use. */
    uint32_t *place_first;         /* by place; LM_NONE_ITEM = empty */
    uint32_t *place_next;          /* by group */
    double *lat, *lon;        /* mean of located members */
    uint32_t *located;
    /* kin[i*LM_KIN ..]: the people item i gains most from sharing a group
     * with, best first, LM_NONE_ITEM padded (groups_kin.c); NULL until
     * lm__gstate_kin() ran. */
    uint32_t *kin;
    /* Coordinator constraints among the region's items (groups_constraints.c);
     * NULL when the run has none. */
    struct lm_gstate_rules *rules;
} lm_gstate;

#define LM_KIN 8

/* Keeps id[0..*found) the `width` best by value, descending (a new value
 * enters only when it beats the last kept one; later equals stay behind
 * earlier ones). For the short candidate lists of kin and of the swaps
 * with the unplaced. */
static inline void lm__top_keep(uint32_t *id, double *value, uint32_t *found, uint32_t width,
                                uint32_t k, double v)
{
    if (*found == width && !(v > value[width - 1]))
        return;
    uint32_t at = *found < width ? (*found)++ : width - 1;
    while (at > 0 && value[at - 1] < v) {
        value[at] = value[at - 1];
        id[at] = id[at - 1];
        at--;
    }
    value[at] = v;
    id[at] = k;
}

#define LM_NONE_ITEM UINT32_MAX

int lm__gstate_init(lm_gstate *state, const lm_pool *pool, const lm_params *params,
                    const lm_region *region, bool use_venues);
void lm__gstate_free(lm_gstate *state);
/* Fills state->kin. */
int lm__gstate_kin(lm_gstate *state);
/* The dot product of two sparse vectors sorted by topic. */
double lm__sparse_dot(lm_sparse a, lm_sparse b);
/* Makes room for at least `groups` group slots (new ones empty). */
int lm__gstate_reserve(lm_gstate *state, uint32_t groups);

/* The weighted score group g would have with item `out` removed and item
 * `in` added (either may be LM_NONE_ITEM); -INFINITY when that group breaks a
 * hard constraint (size, mix, language, slot, distance, venue). An empty
 * result scores 0. */
double lm__gstate_value_with(const lm_gstate *state, uint32_t g, uint32_t out, uint32_t in);
/* The weighted score of the group list[0..k) (any items of the state),
 * -INFINITY when it breaks a hard constraint other than venue capacity;
 * scratch: 6 x D doubles, zero on entry and left zero. O(k nnz). */
double lm__gstate_list_value(const lm_gstate *state, const uint32_t *list, uint32_t k,
                             double *scratch);
/* The same score without the hard constraints (for partial groups). */
double lm__gstate_score_with(const lm_gstate *state, uint32_t g, uint32_t out, uint32_t in);
/* Could `in` join the partial group g (room, masks, a lenient distance)? */
bool lm__gstate_partial_ok(const lm_gstate *state, uint32_t g, uint32_t in);
/* Applies the change: item `out` leaves g, item `in` joins g. */
void lm__gstate_apply(lm_gstate *state, uint32_t g, uint32_t out, uint32_t in);
/* Cheap pre-filter: could item join group g at all (masks, rough distance)? */
bool lm__gstate_compatible(const lm_gstate *state, uint32_t item, uint32_t g);
/* true when items a and b could ever share a group (masks, distance bound). */
bool lm__gstate_pair_compatible(const lm_gstate *state, uint32_t a, uint32_t b);

/* Gives g the place (venue, slot), taking one unit of its capacity. */
void lm__gstate_take_place(lm_gstate *state, uint32_t g, int venue, int slot);
/* Returns g's place to the venue's capacity (g must be empty). */
void lm__gstate_release_place(lm_gstate *state, uint32_t g);
/* Calls visit(context, g) for the groups at the places item can use,
 * starting at a place chosen by `start`; stops when visit returns false. */
void lm__gstate_groups_at_places(const lm_gstate *state, uint32_t item, uint32_t start,
                                 bool (*visit)(void *context, uint32_t g), void *context);
/* Free capacity of a place. */
uint32_t lm__gstate_place_room(const lm_gstate *state, int venue, int slot);

/* Repeats (groups_history.c): what group g pays, with `out` removed and
 * `in` added (either may be LM_NONE_ITEM), for pairs of members who met in
 * params' history; INFINITY when repeats are forbidden and one is there; 0
 * without a history. The same for the items list[0..k). Whether `in` may
 * not join g at all because repeats are forbidden. */
double lm__gstate_repeat_cost(const lm_gstate *state, uint32_t g, uint32_t out, uint32_t in);
double lm__gstate_list_repeat_cost(const lm_gstate *state, const uint32_t *list, uint32_t k);
bool lm__gstate_repeat_forbidden(const lm_gstate *state, uint32_t g, uint32_t in);

/* Greedy construction: forms groups from unassigned items; with explore,
 * choices are randomised (for restarts). */
int lm__groups_construct(lm_gstate *state, lm_rng *rng, bool explore);
/* Inserts unassigned items into existing groups where that raises the
 * objective; with `placed`, only where the group's venue/slot still fits. */
int lm__groups_insert(lm_gstate *state, const int *slot_of, const int *venue_of);

/* With venues: swaps of members of the groups that meet at their place
 * (slot_of, venue_of as collected) with unplaced people who raise the
 * group's score, found through the groups' theme topics
 * (groups_swap_unplaced.c). The number placed does not change. */
int lm__groups_swap_unplaced(lm_gstate *state, const int *slot_of, const int *venue_of);

/* Large neighbourhood search (groups_lns.c): `rounds` rounds of ruining a
 * few related groups with related unassigned people and rebuilding them
 * optimally; never makes the region's objective worse. */
int lm__groups_lns(lm_gstate *state, lm_rng *rng, uint64_t rounds, atomic_int *stop);

/* The placement plan (groups_plan.c): whether it applies to the region (no
 * venues, no homes, one availability for all), and groups built from it in
 * place of the region's groups when it places more than at_least people
 * (built false: the region is left as it was). */
bool lm__groups_plan_applies(const lm_gstate *state);
int lm__groups_plan(lm_gstate *state, uint32_t at_least, bool *built);

/* Regions of at most this many people are solved exactly (groups_exact.c). */
#define LM_EXACT_MAX 14
bool lm__groups_exact_applies(const lm_gstate *state);
int lm__groups_exact(lm_gstate *state);
/* Test hook: the largest region solved exactly in this thread (returns the
 * previous value); 0 turns the exact path off so tests can measure the
 * local search alone. */
int lm__groups_exact_limit(int limit);

/* Places the groups of a region on (venue, slot) pairs within capacity;
 * slot_of/venue_of get -1 for groups that could not be placed. */
int lm__groups_place(const lm_gstate *state, int *slot_of, int *venue_of);

/* ---- venues in a grid (groups_grid.c) ----------------------------------- */

typedef struct lm_venue_grid {
    double x0, y0, cell, cos_lat;
    uint32_t width, height;
    uint32_t *start; /* cell c holds order[start[c] .. start[c+1]) */
    uint32_t *order;
    double *x, *y;   /* projected kilometres, by venue */
} lm_venue_grid;

/* The venues with use_venue[v] set (NULL: all). */
int lm__venue_grid_build(lm_venue_grid *grid, const lm_pool *pool, const uint8_t *use_venue);
void lm__venue_grid_free(lm_venue_grid *grid);
/* Up to k venues of the grid within reach_km of (lat, lon), nearest first
 * (lowest index on ties), with their squared projected distances in d2;
 * with p, only venues p could meet at: open (open[v], or the venue's hours
 * when open is NULL) in a slot p is free, step-free when p needs it.
 * Returns how many were found. */
int lm__venue_grid_nearest(const lm_venue_grid *grid, const lm_pool *pool, double lat,
                           double lon, const lm_participant *p, const uint64_t *open,
                           double reach_km, int k, uint32_t *venue, float *d2);

/* The most venues lm__venue_grid_nearest_all finds a person. */
#define LM_NEAREST_MAX 64

/* lm__venue_grid_nearest for people who[0 .. count), on params->threads
 * threads: person who[i] gets found[i] venues in venue[i*k ..] (and their
 * d2[i*k ..] unless d2 is NULL). With as_person, only venues the person can
 * use (see above) within their distance; without, the nearest of all. */
int lm__venue_grid_nearest_all(const lm_venue_grid *grid, const lm_pool *pool,
                               const lm_params *params, const uint32_t *who, size_t count,
                               bool as_person, const uint64_t *open, int k, uint32_t *venue,
                               float *d2, uint8_t *found);

/* An offer of a person to a venue at squared distance d2, when the
 * capacity is shared out (groups_regions.c). */
typedef struct lm_offer {
    float d2;
    uint32_t person, venue;
} lm_offer;

/* Sorts offers by d2 (non-negative), then person, keeping the order of
 * equal ones (a stable radix sort). LM_E_NOMEM when out of memory. */
int lm__offers_sort(lm_offer *offers, size_t count);

/* ---- filling the places left free (groups_fill.c) ------------------------ */

/* For every venue, the people (open[p] set) listed there: each located one
 * at their nearest venues with room (room_slots[v]: the slots with a free
 * place), within their distance, open in a slot they are free, step-free
 * when they need it. */
typedef struct lm_fill {
    uint32_t *start;  /* by venue: people[start[v] .. start[v+1]) */
    uint32_t *people; /* first those with the venue nearest, then second nearest, ... */
} lm_fill;

int lm__fill_lists(lm_fill *fill, const lm_pool *pool, const lm_params *params,
                   const uint8_t *open, const uint64_t *room_slots);
void lm__fill_free(lm_fill *fill);

/* Counters lm__fill_candidates works in: by role, language (or none known)
 * and slot. */
#define LM_FILL_COUNTERS (2 * (LM_LANGUAGE_UNKNOWN + 1) * 64)

/* The people listed at venue v who could still share a group there, into
 * out (at most FILL_PER_PLACE for each place, `room`, in list order):
 * unassigned (open[p] set), and with, in one of their languages and one of
 * the venue's slots with room (room_slots), enough others of both roles
 * for a group. counters: LM_FILL_COUNTERS of scratch. Returns how many. */
uint32_t lm__fill_candidates(const lm_fill *fill, const lm_pool *pool, const lm_params *params,
                             uint32_t v, uint64_t room_slots, uint32_t room, const uint8_t *open,
                             uint32_t *counters, uint32_t *out);

/* ---- coordinator constraints (groups_constraints.c) ---------------------- */

/* The together sets and apart pairs among a region's items: built by
 * lm__gstate_init() when params carry constraints. */
int lm__gc_state_init(lm_gstate *state, const lm_region *region);
void lm__gc_state_free(lm_gstate *state);
/* Whether the member list keeps the constraints: no two members apart, and
 * every together set in it whole (all of its people, wherever they are in
 * the pool). Part of every hard check of a list (groups_state.c). */
bool lm__gc_list_ok(const lm_gstate *state, const uint32_t *list, uint32_t k);
/* The same for the items of a bit mask (the exact path: items 0..31). */
bool lm__gc_mask_ok(const lm_gstate *state, uint32_t mask);
/* lm__gstate_partial_ok() with constraints: `in` joins g with the rest of
 * its together set, all unassigned, all fitting. */
bool lm__gc_partial_ok(const lm_gstate *state, uint32_t g, uint32_t in);
/* After `item` joined g in construction: the rest of its together set
 * joins too. */
void lm__gc_join_set(lm_gstate *state, uint32_t g, uint32_t item);
/* The hard checks of a member list other than size and mix, for a place
 * (venue, slot) or none (-1): what lm__gstate_value_with() tests. */
bool lm__gstate_list_ok(const lm_gstate *state, const uint32_t *list, uint32_t k, int venue,
                        int slot);
/* Regions as lm__regions_build() cut them (region_of by person), changed
 * for the run: people the filter leaves out and excluded people leave
 * their region; a together set moves to the region of its first member. */
int lm__gc_regions(const lm_pool *pool, const lm_params *params, const lm_region_filter *filter,
                   uint32_t *region_of);

#endif
