/* Why a participant is in no group, decided on the final state of a run:
 * the groups as they are, their slots, venues and free places, and
 * everybody still out. docs/objective.md gives the reasons and their order.
 *
 *   groups_reasons.c        the order of the reasons: options left in the
 *                           final state, rules that rule out every group
 *   groups_reasons_count.c  people counted by role, language and slot
 *                           (tallies), exactly at every venue
 *   groups_reasons_space.c  distances: boxes of degrees, grids of points,
 *                           the venues and people within reach of someone
 */
#ifndef LM_GROUPS_REASONS_INTERNAL_H
#define LM_GROUPS_REASONS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "groups/groups_internal.h"

/* The groups of a finished run. */
typedef struct lm_final_groups {
    size_t count;
    const size_t *first;   /* group g: members[first[g] .. first[g + 1]) */
    const size_t *members; /* pool indices, ascending within a group */
    const int *slots;      /* by group; -1 none */
    const int *venues;     /* by group, a pool venue index; -1 none */
} lm_final_groups;

/* How the reasons were decided (for tests and benchmarks). */
typedef struct lm_reason_stats {
    size_t witnessed; /* an option was found: not_placed or venues_full */
    size_t analysed;  /* no option: the rules were checked one by one */
    size_t undecided; /* not_placed because neither an option nor a proof was found */
} lm_reason_stats;

/* The reason of each of unassigned[0 .. count) (pool indices, in no group of
 * `groups`) into reasons[]; the run used venues when the pool has any.
 * stats may be NULL. LM_OK or LM_E_NOMEM. */
int lm__groups_explain(const lm_pool *pool, const lm_params *params,
                       const lm_final_groups *groups, const size_t *unassigned, size_t count,
                       lm_reason *reasons, lm_reason_stats *stats);

/* ---- between the three files ------------------------------------------------ */

#define LM_BUCKETS (LM_LANGUAGE_UNKNOWN + 1) /* languages 0..63, and "gave none" */
#define LM_ANY LM_BUCKETS /* a row's entry for someone who gave no language */
/* A row: for every bucket (and LM_ANY) and role, the slots in which a group
 * with someone of that bucket and role has enough people. */
#define LM_ROW ((size_t)(LM_BUCKETS + 1) * 2)

typedef struct lm_point_grid {
    double lat0, lon0, cell_lat, cell_lon; /* degrees */
    uint32_t width, height;
    uint32_t *start, *order; /* cell c holds items order[start[c] .. start[c+1]) */
} lm_point_grid;

/* Located people for scans: a grid of those whose max_km is at most
 * `reach`, and a list of the few with more. */
typedef struct lm_people_index {
    lm_point_grid grid;
    uint32_t *who; /* grid item -> pool index */
    double reach;
    uint32_t *far;
    size_t far_count;
} lm_people_index;

/* An unassigned person as the counts at venues read them. */
typedef struct lm_out_person {
    double xyz[3];         /* home on the unit sphere */
    double inside, outside; /* reach as squared chords (lm_reach) */
    uint64_t languages, slots; /* as tallies count them */
    uint8_t role, step_free, located;
} lm_out_person;

typedef struct lm_candidate {
    double km;
    uint32_t person;
} lm_candidate;

typedef struct lm_reason_scratch {
    uint64_t *tally, *other;
    lm_candidate *candidates;
    size_t *members;
} lm_reason_scratch;

/* Blocks of side x side cells of the venue grid, with what their venues
 * offer put together, so that a search can skip a block at once. */
typedef struct lm_venue_blocks {
    uint32_t side, width, height;
    uint64_t *full, *room;                 /* LM_ROW by block: unions of the rows */
    uint64_t *join_slots, *join_languages; /* by block: of the groups with room */
} lm_venue_blocks;

typedef struct lm_explain {
    const lm_pool *pool;
    const lm_params *params;
    const lm_final_groups *groups;
    const size_t *who;
    size_t count;
    lm_reason *reasons;
    uint8_t *how;          /* by k, for the statistics */
    lm_out_person *out;    /* by k */
    bool venues;
    int q, min_size, max_size, levels;
    size_t tally_words, slot_count, workers;
    uint64_t all_slots;
    double far_cos;        /* cos of the highest latitude of the venues and the people out */
    /* tallies: the pool (languages alone in slot bit 0 / with slots), all
     * unassigned people, those without a location ([0] who do not need
     * step-free access, [1] all), the pool's people without a location */
    uint64_t *pool_language, *pool_slot, *out_tally, *unlocated, *pool_unlocated;
    size_t pool_roles[2];
    /* with venues (groups_reasons_count.c) */
    uint64_t *room;        /* by venue: slots with a free place */
    uint64_t *join;        /* venue * slot_count + slot: languages of groups with room there */
    uint64_t *place;       /* the same for every group there */
    uint64_t *join_union;  /* [step-free][slot]: over the venues someone may use */
    uint64_t open_union[2];
    double *venue_xyz;     /* by venue */
    lm_venue_grid grid;
    uint64_t *full, *roomy; /* LM_ROW by venue: capacity aside / at places with room */
    uint64_t full_union[2][LM_ROW], room_union[2][LM_ROW];
    lm_venue_blocks blocks, cells; /* 8 x 8 cells, and every cell */
    /* without venues: the groups with room that meet somewhere, in a grid */
    lm_point_grid group_grid;
    struct lm_open_group *open_groups;
    uint64_t join_everywhere[LM_BUCKETS], join_unlocated[LM_BUCKETS];
    /* the rules */
    lm_people_index pool_index, out_index;
    uint32_t *out_unlocated;
    size_t out_unlocated_count;
    uint32_t *pending;
    size_t pending_count;
    lm_reason_scratch *scratch; /* by worker */
} lm_explain;

/* The languages and slots of p as the rules read them (0: gave none, or
 * the language rule is off). */
static inline uint64_t lm__spoken(const lm_explain *e, const lm_participant *p)
{
    return e->params->language ? p->languages : 0;
}

static inline uint64_t lm__free_slots(const lm_explain *e, const lm_participant *p)
{
    return p->availability ? p->availability & e->all_slots : e->all_slots;
}

/* The languages group g has in common (all when the rule is off). */
static inline uint64_t lm__final_languages(const lm_explain *e, size_t g)
{
    const lm_final_groups *gs = e->groups;
    if (!e->params->language)
        return ~(uint64_t)0;
    return lm__group_languages(e->pool, gs->members + gs->first[g],
                               gs->first[g + 1] - gs->first[g]);
}

static inline bool lm__final_has_room(const lm_explain *e, size_t g)
{
    return e->groups->first[g + 1] - e->groups->first[g] < (size_t)e->max_size;
}

/* groups_reasons_count.c */
void lm__tally_person(const lm_explain *e, uint64_t *t, const lm_participant *p, uint64_t slots);
/* The slots in which a tally holds enough people for a group with p, over
 * the languages p could share; with self_in the tally counts p. */
uint64_t lm__tally_feasible_for(const lm_explain *e, const uint64_t *t, const lm_participant *p,
                                bool self_in);
uint64_t lm__row_for(const lm_explain *e, const uint64_t *row, const lm_participant *p);
/* Everything lm__venue_option() reads: places, groups with room, the
 * exact rows of every venue, their unions and blocks. */
int lm__venue_counts(lm_explain *e);
/* 2: a group with room p can join, or a new group with people still out at
 * a place with room; 1: a new group that only capacity stops; 0: none. */
int lm__venue_option(const lm_explain *e, const lm_participant *p);

/* groups_reasons_space.c */
/* How far in latitude and longitude (degrees) a point within km of a
 * point at latitude lat can lie (360: anywhere). */
void lm__degree_box(double lat, double km, double *dlat, double *dlon);
/* true when [lon - dlon, lon + dlon] leaves [-180, 180]. */
bool lm__lon_wraps(double lon, double dlon);
/* The cells [*lo, *hi] of a row of `cells` cells that can hold coordinates
 * in [from, to]; items beyond the last cell are counted in it. */
bool lm__cell_range(double from, double to, double origin, double cell, uint32_t cells,
                    uint32_t *lo, uint32_t *hi);
/* A distance rule as squared chords on the unit sphere: closer than inside
 * is within reach, farther than outside is not, haversine settles between
 * (rounding). */
typedef struct lm_reach {
    double xyz[3], inside, outside, km;
} lm_reach;
lm_reach lm__reach_of(const lm_explain *e, const lm_participant *p);
bool lm__venue_in_reach(const lm_explain *e, const lm_reach *r, const lm_participant *p,
                        uint32_t v);
/* Calls visit for every venue p can use: within their distance, step-free
 * if they need it, open in a slot they are free; stops, returning true,
 * when visit does. */
typedef bool (*lm_venue_visit)(const lm_explain *e, const lm_participant *p, uint32_t v,
                               void *context);
bool lm__each_venue(const lm_explain *e, const lm_participant *p, lm_venue_visit visit,
                    void *context);
/* The venue grid's cells [x0, x1] x [y0, y1] within p's reach; false: none. */
bool lm__venue_cells(const lm_explain *e, const lm_participant *p, uint32_t box[4]);
typedef void (*lm_point_fn)(const void *context, size_t k, double *lat, double *lon);
/* A grid of count points, cells of cell_km or more: at most about
 * cells_per_point cells a point, every point in the cell of its own
 * coordinates. */
int lm__point_grid_build(lm_point_grid *g, size_t count, lm_point_fn at, const void *context,
                         double cell_km, double cells_per_point);
void lm__point_grid_free(lm_point_grid *g);
/* The cells of g holding points within (dlat, dlon) degrees of (lat, lon). */
bool lm__point_box(const lm_point_grid *g, double lat, double lon, double dlat, double dlon,
                   uint32_t box[4]);
/* The located people with take[p] set (NULL: everybody). */
int lm__people_index_build(const lm_explain *e, const uint8_t *take, lm_people_index *ix);
void lm__people_index_free(lm_people_index *ix);
/* Calls visit (true stops) for the located people of ix other than self
 * who could share a group with p as far as distance goes (everybody when p
 * gave no location): 1 when visit stopped, 0 when all were seen, -1 when
 * the scan ran out of its budget first. */
typedef bool (*lm_person_visit)(const lm_explain *e, const lm_participant *p, uint32_t other,
                                double km, void *context);
int lm__near_people(const lm_explain *e, const lm_people_index *ix, const lm_participant *p,
                    size_t self, lm_person_visit visit, void *context);

#endif
