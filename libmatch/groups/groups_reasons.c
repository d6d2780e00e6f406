/* Why a participant is in no group: a feasibility analysis of the final
 * state, after every phase of the run. For each person left out it asks, in
 * this order (docs/objective.md, "Unassigned participants and their
 * reasons"):
 *
 *   1. Is there an option the search left? A group with room they could
 *      join (every hard constraint kept, at that group's slot and venue), or
 *      a new group with other people still out (with venues, at a place
 *      with room): `not_placed`.
 *   2. Does a rule rule out every group with them in the whole pool?
 *      `role_shortage` (too few of the other role, or people at all),
 *      `no_shared_language`, `no_common_slot`, with venues `no_venue` (none
 *      within reach, open when they are free, step-free if needed), then
 *      `too_far`.
 *   3. With venues: would a group with people still out fit a venue, but
 *      every such place is taken? `venues_full`.
 *   4. Else `role_shortage`: the people they could be grouped with are all
 *      in groups that cannot take them.
 *
 * An option (1, 3) is a group on paper, so it never holds together with a
 * rule of 2. A rule is claimed only when shown. With venues the options are
 * decided exactly, from counts of the people out at every venue
 * (groups_reasons_count.c). Without venues a new group is searched for
 * among the people out near the person, within a budget; when it is
 * neither found nor ruled out, the answer is `not_placed`. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/parallel_internal.h"
#include "groups/groups_reasons_internal.h"

#define CHUNK 256
#define CANDIDATES_MAX 4096  /* partners a search for a new group weighs */
#define SEARCH_CANDIDATES 40 /* partners it tries, nearest first */
#define SEARCH_NODES 100000
#define LEVELS_MAX 65

/* how[k], for the statistics */
#define HOW_WITNESSED 1
#define HOW_ANALYSED 2
#define HOW_UNDECIDED 4
#define HOW_SCAN 8     /* the rules left too_far to a scan of the pool */
#define HOW_UNKNOWN 16 /* and a new group among the people out was not ruled out */

/* Could o be in a group with p at one of `slots` (language and slot alone)? */
static bool compatible(const lm_explain *e, const lm_participant *p, const lm_participant *o,
                       uint64_t slots)
{
    uint64_t mine = lm__spoken(e, p), theirs = lm__spoken(e, o);
    return (!mine || !theirs || (mine & theirs)) && (slots & lm__free_slots(e, o));
}

/* ---- options without venues: groups with room ------------------------------------ */

/* A group with room and its meeting point, for quick tests before the
 * reference check. */
typedef struct lm_open_group {
    uint32_t group, located;
    double lat, lon; /* the mean of its located members */
    uint64_t languages, slots;
} lm_open_group;

/* Group g with p added keeps every hard constraint. */
static bool joins_group(const lm_explain *e, lm_reason_scratch *s, size_t person, size_t g)
{
    const lm_final_groups *gs = e->groups;
    size_t size = gs->first[g + 1] - gs->first[g], at = 0;
    const size_t *members = gs->members + gs->first[g];
    for (size_t m = 0; m < size; m++) {
        if (at == m && members[m] > person)
            s->members[at++] = person;
        s->members[at++] = members[m];
    }
    if (at == size)
        s->members[at++] = person;
    return lm__group_feasible(e->pool, e->params, s->members, at, false, NULL, NULL, NULL);
}

/* A group of a table (by language: the slots its groups share) p could
 * join, distance aside. */
static bool loose_join(const lm_explain *e, const uint64_t *table, const lm_participant *p)
{
    uint64_t spoken = lm__spoken(e, p), slots = spoken ? 0 : table[LM_LANGUAGE_UNKNOWN];
    for (; spoken; spoken &= spoken - 1)
        slots |= table[__builtin_ctzll(spoken)];
    return (slots & lm__free_slots(e, p)) != 0;
}

static int option_without_venues(const lm_explain *e, lm_reason_scratch *s, size_t person)
{
    const lm_participant *p = &e->pool->people[person];
    /* with nobody located on one side, the meeting point is the other's */
    if (!p->has_location)
        return loose_join(e, e->join_everywhere, p) ? 2 : 0;
    if (loose_join(e, e->join_unlocated, p))
        return 2;
    /* the meeting point moves toward p by at most half the way, so the
     * group's point lies within twice p's box */
    double dlat, dlon;
    lm__degree_box(p->lat, lm__max_km(p, e->params), &dlat, &dlon);
    uint32_t box[4];
    const lm_point_grid *g = &e->group_grid;
    if (!lm__point_box(g, p->lat, p->lon, 2.0 * dlat, 2.0 * dlon, box))
        return 0;
    uint64_t spoken = lm__spoken(e, p) ? p->languages : ~(uint64_t)0;
    double km = lm__max_km(p, e->params);
    for (uint32_t y = box[2]; y <= box[3]; y++)
        for (uint32_t x = box[0]; x <= box[1]; x++) {
            size_t c = (size_t)y * g->width + x;
            for (uint32_t at = g->start[c]; at < g->start[c + 1]; at++) {
                const lm_open_group *o = &e->open_groups[g->order[at]];
                if (!(o->slots & lm__free_slots(e, p)) || !(o->languages & spoken))
                    continue;
                /* p must be within reach of the new meeting point (with a
                 * margin for the order the reference adds members in) */
                double lat = (o->lat * o->located + p->lat) / (o->located + 1.0);
                double lon = (o->lon * o->located + p->lon) / (o->located + 1.0);
                if (lm_distance_km(p->lat, p->lon, lat, lon) > km * (1.0 + 1e-9) + 1e-9)
                    continue;
                if (joins_group(e, s, person, o->group))
                    return 2;
            }
        }
    return 0;
}

static void group_point(const void *context, size_t k, double *lat, double *lon)
{
    const lm_open_group *groups = context;
    *lat = groups[k].lat;
    *lon = groups[k].lon;
}

/* Where the groups with room meet, and by language the slots of those that
 * meet nowhere in particular (nobody located) or of all of them. */
static int group_tables(lm_explain *e)
{
    const lm_final_groups *gs = e->groups;
    e->open_groups = lm__malloc((gs->count ? gs->count : 1) * sizeof *e->open_groups);
    if (!e->open_groups)
        return LM_E_NOMEM;
    size_t located = 0;
    for (size_t g = 0; g < gs->count; g++) {
        if (!lm__final_has_room(e, g))
            continue;
        const size_t *members = gs->members + gs->first[g];
        size_t size = gs->first[g + 1] - gs->first[g];
        uint64_t languages = lm__final_languages(e, g);
        uint64_t slots = lm__group_slots(e->pool, members, size);
        lm_open_group *o = &e->open_groups[located];
        bool somewhere = lm__meeting_point(e->pool, members, size, &o->lat, &o->lon);
        for (int b = 0; b < LM_BUCKETS; b++)
            if (b == LM_LANGUAGE_UNKNOWN || languages >> b & 1) {
                e->join_everywhere[b] |= slots;
                e->join_unlocated[b] |= somewhere ? 0 : slots;
            }
        if (!somewhere)
            continue;
        o->group = (uint32_t)g;
        o->languages = languages;
        o->slots = slots;
        o->located = 0;
        for (size_t m = 0; m < size; m++)
            o->located += e->pool->people[members[m]].has_location;
        located++;
    }
    return lm__point_grid_build(&e->group_grid, located, group_point, e->open_groups,
                                fmax(e->params->default_max_km, 0.5), 4.0);
}

/* ---- options without venues: a new group with people still out ------------------ */

/* Partners near p counted (tally) and, up to limit, kept (out). */
typedef struct partners {
    lm_candidate *out; /* NULL: count only, and stop once there are enough */
    size_t limit;
    uint64_t *tally, slots;
    size_t count, added;
    bool overflow, enough;
} partners;

static bool take_partner(const lm_explain *e, const lm_participant *p, uint32_t other,
                         double km, void *context)
{
    partners *c = context;
    const lm_participant *o = &e->pool->people[other];
    if (!compatible(e, p, o, c->slots))
        return false;
    lm__tally_person(e, c->tally, o, lm__free_slots(e, o));
    if (!c->out) {
        c->enough = ++c->added % 8 == 0 && (lm__tally_feasible_for(e, c->tally, p, false) & c->slots);
        return c->enough;
    }
    if (c->count == c->limit)
        c->overflow = true;
    else
        c->out[c->count++] = (lm_candidate){km, other};
    return false;
}

static int compare_candidates(const void *a, const void *b)
{
    const lm_candidate *x = a, *y = b;
    if (x->km != y->km)
        return x->km < y->km ? -1 : 1;
    return (x->person > y->person) - (x->person < y->person);
}

typedef struct search {
    const lm_explain *e;
    const lm_candidate *candidates;
    size_t count, size, nodes;
    size_t members[LEVELS_MAX], sorted[LEVELS_MAX];
    int roles[2];
    int left[SEARCH_CANDIDATES + 1][2]; /* candidates of each role from j on */
} search;

/* Depth-first over the groups of s->members and candidates from `from` on
 * that keep a language and a slot in common. 1 found a feasible group, 0
 * none, -1 out of nodes. */
static int grow(search *s, size_t from, uint64_t languages, bool speaks, uint64_t slots)
{
    const lm_explain *e = s->e;
    if (++s->nodes > SEARCH_NODES)
        return -1;
    if (s->size >= (size_t)e->min_size && s->roles[0] >= e->q && s->roles[1] >= e->q) {
        memcpy(s->sorted, s->members, s->size * sizeof *s->sorted);
        for (size_t x = 1; x < s->size; x++)
            for (size_t y = x; y > 0 && s->sorted[y - 1] > s->sorted[y]; y--) {
                size_t t = s->sorted[y];
                s->sorted[y] = s->sorted[y - 1];
                s->sorted[y - 1] = t;
            }
        if (lm__group_feasible(e->pool, e->params, s->sorted, s->size, false, NULL, NULL, NULL))
            return 1;
    }
    if (s->size == (size_t)e->max_size)
        return 0;
    for (size_t j = from; j < s->count; j++) {
        if (s->roles[0] + s->left[j][0] < e->q || s->roles[1] + s->left[j][1] < e->q ||
            s->size + (s->count - j) < (size_t)e->min_size)
            break;
        const lm_participant *o = &e->pool->people[s->candidates[j].person];
        uint64_t spoken = lm__spoken(e, o), common = speaks ? languages : spoken;
        if (spoken && speaks)
            common &= spoken;
        if ((spoken || speaks) && !common)
            continue;
        uint64_t both = slots & lm__free_slots(e, o);
        if (!both)
            continue;
        s->members[s->size++] = s->candidates[j].person;
        s->roles[o->role]++;
        int found = grow(s, j + 1, common, speaks || spoken, both);
        s->roles[o->role]--;
        s->size--;
        if (found)
            return found;
    }
    return 0;
}

/* A new group of p with people still out: 1 found, 0 none, -1 not known,
 * -2 out of memory. */
static int new_group_among_out(const lm_explain *e, lm_reason_scratch *s, const lm_participant *p,
                               size_t person)
{
    uint64_t slots = lm__free_slots(e, p);
    memset(s->other, 0, e->tally_words * sizeof *s->other);
    size_t count = 0;
    bool complete = true;
    for (size_t k = 0; k < e->out_unlocated_count; k++) {
        const lm_participant *o = &e->pool->people[e->out_unlocated[k]];
        if (e->out_unlocated[k] == person || !compatible(e, p, o, slots))
            continue;
        lm__tally_person(e, s->other, o, lm__free_slots(e, o));
        if (count < CANDIDATES_MAX)
            s->candidates[count++] = (lm_candidate){0.0, e->out_unlocated[k]};
        else
            complete = false;
    }
    partners near = {s->candidates + count, CANDIDATES_MAX - count, s->other, slots, 0, 0,
                     false, false};
    complete &= lm__near_people(e, &e->out_index, p, person, take_partner, &near) == 0 &&
                !near.overflow;
    count += near.count;
    if (!(lm__tally_feasible_for(e, s->other, p, false) & slots))
        return 0; /* even all of them together are too few */
    qsort(s->candidates, count, sizeof *s->candidates, compare_candidates);
    if (count > SEARCH_CANDIDATES) {
        count = SEARCH_CANDIDATES;
        complete = false;
    }
    search *dfs = lm__calloc(1, sizeof *dfs);
    if (!dfs)
        return -2;
    dfs->e = e;
    dfs->candidates = s->candidates;
    dfs->count = count;
    for (size_t j = count; j-- > 0;) {
        dfs->left[j][0] = dfs->left[j + 1][0];
        dfs->left[j][1] = dfs->left[j + 1][1];
        dfs->left[j][e->pool->people[s->candidates[j].person].role]++;
    }
    dfs->members[dfs->size++] = person;
    dfs->roles[p->role]++;
    uint64_t spoken = lm__spoken(e, p);
    int found = grow(dfs, 0, spoken, spoken != 0, slots);
    lm__free(dfs);
    if (found == 1)
        return 1;
    return found == 0 && complete ? 0 : -1;
}

/* ---- the rules ------------------------------------------------------------------- */

static lm_reason pool_rules(const lm_explain *e, const lm_participant *p)
{
    size_t own = e->pool_roles[p->role], other = e->pool_roles[1 - p->role];
    if (own < (size_t)e->q || other < (size_t)e->q || own + other < (size_t)e->min_size)
        return LM_REASON_ROLE_SHORTAGE;
    if (!(lm__tally_feasible_for(e, e->pool_language, p, true) & 1))
        return LM_REASON_NO_SHARED_LANGUAGE;
    if (!(lm__tally_feasible_for(e, e->pool_slot, p, true) & lm__free_slots(e, p)))
        return LM_REASON_NO_COMMON_SLOT;
    return LM_REASON_NONE;
}

static bool usable(const lm_explain *e, const lm_participant *p, uint32_t v, void *context)
{
    (void)e, (void)p, (void)v, (void)context;
    return true;
}

/* A group meets at venue v at a slot p is free, with a language p speaks:
 * p in the place of a member of their role makes a group on paper. */
static bool place_fits(const lm_explain *e, const lm_participant *p, uint32_t v, void *context)
{
    (void)context;
    uint64_t spoken = lm__spoken(e, p) ? p->languages : ~(uint64_t)0;
    const uint64_t *at = e->place + (size_t)v * e->slot_count;
    for (uint64_t s = lm__free_slots(e, p) & e->pool->venues[v].open; s; s &= s - 1)
        if (at[__builtin_ctzll(s)] & spoken)
            return true;
    return false;
}

/* too_far is shown when, at the slots p is free, even everybody in the pool
 * near enough to p (and everybody without a location) is too few. */
static bool too_far_shown(const lm_explain *e, lm_reason_scratch *s, const lm_participant *p,
                          size_t person)
{
    uint64_t slots = lm__free_slots(e, p);
    memcpy(s->tally, e->pool_unlocated, e->tally_words * sizeof *s->tally);
    partners c = {NULL, 0, s->tally, slots, 0, 0, false, false};
    if (lm__near_people(e, &e->pool_index, p, person, take_partner, &c) != 0)
        return false;
    return !(lm__tally_feasible_for(e, s->tally, p, false) & slots);
}

/* The reason of unassigned person k when phase 1 found no option (with
 * venues: there is none); LM_REASON_NONE (and HOW_SCAN) when it takes a
 * scan of the pool to tell too_far from the rest (finish()). */
static lm_reason analyse(const lm_explain *e, lm_reason_scratch *s, size_t k, int *status)
{
    size_t person = e->who[k];
    const lm_participant *p = &e->pool->people[person];
    lm_reason reason = pool_rules(e, p);
    if (reason != LM_REASON_NONE)
        return reason;
    if (e->venues && (p->has_location ? !lm__each_venue(e, p, usable, NULL)
                                      : !(e->open_union[p->step_free ? 1 : 0] &
                                          lm__free_slots(e, p))))
        return LM_REASON_NO_VENUE;
    int option = 0;
    if (!e->venues && (lm__tally_feasible_for(e, e->out_tally, p, true) & lm__free_slots(e, p))) {
        option = new_group_among_out(e, s, p, person);
        if (option == -2) {
            *status = LM_E_NOMEM;
            return LM_REASON_NONE;
        }
        if (option == 1) {
            e->how[k] |= HOW_WITNESSED;
            return LM_REASON_NOT_PLACED;
        }
    }
    /* a group that meets where and when p could, with a language p speaks,
     * is one p could be in: not too far */
    bool on_paper = e->venues && p->has_location && lm__each_venue(e, p, place_fits, NULL);
    if (p->has_location && !on_paper) {
        e->how[k] |= HOW_SCAN | (option ? HOW_UNKNOWN : 0);
        return LM_REASON_NONE;
    }
    if (option == 0)
        return LM_REASON_ROLE_SHORTAGE;
    e->how[k] |= HOW_UNDECIDED;
    return LM_REASON_NOT_PLACED;
}

/* What analyse() left to a scan of the pool. */
static lm_reason finish(const lm_explain *e, lm_reason_scratch *s, size_t k)
{
    size_t person = e->who[k];
    if (too_far_shown(e, s, &e->pool->people[person], person))
        return LM_REASON_TOO_FAR;
    if (!(e->how[k] & HOW_UNKNOWN))
        return LM_REASON_ROLE_SHORTAGE;
    e->how[k] |= HOW_UNDECIDED;
    return LM_REASON_NOT_PLACED;
}

/* ---- the run --------------------------------------------------------------------------- */

/* Phase 1: the options of every unassigned person. */
static int phase_one(void *context, size_t worker, size_t chunk)
{
    const lm_explain *e = context;
    size_t end = (chunk + 1) * CHUNK < e->count ? (chunk + 1) * CHUNK : e->count;
    for (size_t k = chunk * CHUNK; k < end; k++) {
        const lm_participant *p = &e->pool->people[e->who[k]];
        int option = e->venues ? lm__venue_option(e, p)
                               : option_without_venues(e, &e->scratch[worker], e->who[k]);
        e->reasons[k] = option == 2   ? LM_REASON_NOT_PLACED
                        : option == 1 ? LM_REASON_VENUES_FULL
                                      : LM_REASON_NONE;
        e->how[k] = option ? HOW_WITNESSED : 0;
    }
    return LM_OK;
}

/* Phase 2: the rules, for those with no option. */
static int phase_two(void *context, size_t worker, size_t chunk)
{
    const lm_explain *e = context;
    size_t end = (chunk + 1) * CHUNK < e->pending_count ? (chunk + 1) * CHUNK : e->pending_count;
    int status = LM_OK;
    for (size_t i = chunk * CHUNK; i < end && status == LM_OK; i++) {
        size_t k = e->pending[i];
        e->how[k] |= HOW_ANALYSED;
        e->reasons[k] = analyse(e, &e->scratch[worker], k, &status);
    }
    return status;
}

/* Phase 3: the scans of the pool phase 2 asked for. */
static int phase_three(void *context, size_t worker, size_t chunk)
{
    const lm_explain *e = context;
    size_t end = (chunk + 1) * CHUNK < e->pending_count ? (chunk + 1) * CHUNK : e->pending_count;
    for (size_t i = chunk * CHUNK; i < end; i++) {
        size_t k = e->pending[i];
        if (e->how[k] & HOW_SCAN)
            e->reasons[k] = finish(e, &e->scratch[worker], k);
    }
    return LM_OK;
}

static void explain_free(lm_explain *e)
{
    for (size_t w = 0; e->scratch && w < e->workers; w++) {
        lm__free(e->scratch[w].tally);
        lm__free(e->scratch[w].other);
        lm__free(e->scratch[w].candidates);
        lm__free(e->scratch[w].members);
    }
    lm__free(e->scratch);
    lm__free(e->how);
    lm__free(e->out);
    lm__free(e->pool_language);
    lm__free(e->room);
    lm__free(e->join);
    lm__free(e->place);
    lm__free(e->join_union);
    lm__free(e->venue_xyz);
    lm__free(e->full);
    lm__free(e->roomy);
    lm_venue_blocks *levels[2] = {&e->blocks, &e->cells};
    for (int l = 0; l < 2; l++) {
        lm__free(levels[l]->full);
        lm__free(levels[l]->room);
        lm__free(levels[l]->join_slots);
        lm__free(levels[l]->join_languages);
    }
    lm__venue_grid_free(&e->grid);
    lm__point_grid_free(&e->group_grid);
    lm__free(e->open_groups);
    lm__people_index_free(&e->pool_index);
    lm__people_index_free(&e->out_index);
    lm__free(e->out_unlocated);
    lm__free(e->pending);
}

/* The people still out as the counts read them, the tallies of the pool
 * and of the people out, the scratch of each worker. */
static int explain_init(lm_explain *e)
{
    const lm_pool *pool = e->pool;
    size_t words = e->tally_words;
    e->workers = e->params->threads > 1 ? (size_t)e->params->threads : 1;
    if (e->workers > LM_MAX_WORKERS)
        e->workers = LM_MAX_WORKERS;
    e->how = lm__calloc(e->count + 1, 1);
    e->out = lm__calloc(e->count + 1, sizeof *e->out);
    /* one block: pool_language, pool_slot, out_tally, unlocated[2], pool_unlocated */
    e->pool_language = lm__calloc(6 * words, sizeof *e->pool_language);
    e->scratch = lm__calloc(e->workers, sizeof *e->scratch);
    if (!e->how || !e->out || !e->pool_language || !e->scratch)
        return LM_E_NOMEM;
    e->pool_slot = e->pool_language + words;
    e->out_tally = e->pool_slot + words;
    e->unlocated = e->out_tally + words;
    e->pool_unlocated = e->unlocated + 2 * words;
    for (size_t w = 0; w < e->workers; w++) {
        lm_reason_scratch *s = &e->scratch[w];
        s->tally = lm__malloc(words * sizeof *s->tally);
        s->other = lm__malloc(words * sizeof *s->other);
        s->candidates = lm__malloc(CANDIDATES_MAX * sizeof *s->candidates);
        s->members = lm__malloc(((size_t)e->max_size + 1) * sizeof *s->members);
        if (!s->tally || !s->other || !s->candidates || !s->members)
            return LM_E_NOMEM;
    }
    for (size_t p = 0; p < pool->count; p++) {
        const lm_participant *person = &pool->people[p];
        e->pool_roles[person->role]++;
        lm__tally_person(e, e->pool_language, person, 1);
        lm__tally_person(e, e->pool_slot, person, lm__free_slots(e, person));
        if (!person->has_location)
            lm__tally_person(e, e->pool_unlocated, person, lm__free_slots(e, person));
    }
    double highest = 0.0;
    for (size_t v = 0; v < pool->venue_count; v++)
        highest = fmax(highest, fabs(pool->venues[v].lat));
    for (size_t k = 0; k < e->count; k++) {
        const lm_participant *person = &pool->people[e->who[k]];
        lm_out_person *o = &e->out[k];
        o->languages = lm__spoken(e, person);
        o->slots = lm__free_slots(e, person);
        o->role = person->role;
        o->step_free = person->step_free;
        o->located = person->has_location;
        lm__tally_person(e, e->out_tally, person, o->slots);
        if (person->has_location) {
            lm_reach reach = lm__reach_of(e, person);
            memcpy(o->xyz, reach.xyz, sizeof o->xyz);
            o->inside = reach.inside;
            o->outside = reach.outside;
            highest = fmax(highest, fabs(person->lat));
            continue;
        }
        lm__tally_person(e, e->unlocated + words, person, o->slots);
        if (!person->step_free)
            lm__tally_person(e, e->unlocated, person, o->slots);
    }
    e->far_cos = highest < 90.0 ? cos(highest * 3.14159265358979323846 / 180.0) : 0.0;
    return LM_OK;
}

/* Phase 2's indexes: without venues, the people still out. */
static int analysis_init(lm_explain *e)
{
    uint8_t *out = lm__calloc(e->pool->count + 1, 1);
    e->out_unlocated = lm__malloc((e->count ? e->count : 1) * sizeof *e->out_unlocated);
    if (!out || !e->out_unlocated) {
        lm__free(out);
        return LM_E_NOMEM;
    }
    for (size_t k = 0; k < e->count; k++) {
        out[e->who[k]] = 1;
        if (!e->pool->people[e->who[k]].has_location)
            e->out_unlocated[e->out_unlocated_count++] = (uint32_t)e->who[k];
    }
    int status = e->venues ? LM_OK : lm__people_index_build(e, out, &e->out_index);
    lm__free(out);
    return status;
}

int lm__groups_explain(const lm_pool *pool, const lm_params *params,
                       const lm_final_groups *groups, const size_t *unassigned, size_t count,
                       lm_reason *reasons, lm_reason_stats *stats)
{
    lm_explain e;
    memset(&e, 0, sizeof e);
    e.pool = pool;
    e.params = params;
    e.groups = groups;
    e.who = unassigned;
    e.count = count;
    e.reasons = reasons;
    e.venues = pool->venue_count > 0;
    e.q = (int)params->min_per_role;
    e.min_size = (int)params->min_size;
    e.max_size = (int)params->max_size;
    e.levels = (e.q > e.min_size ? e.q : e.min_size) + 1;
    e.tally_words = 2 * LM_BUCKETS * (size_t)e.levels;
    e.slot_count = lm_slot_count() < 64 ? lm_slot_count() : 64;
    e.all_slots = e.slot_count >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << e.slot_count) - 1;
    if (stats)
        memset(stats, 0, sizeof *stats);
    int status = count ? explain_init(&e) : LM_OK;
    if (status == LM_OK && count)
        status = e.venues ? lm__venue_counts(&e) : group_tables(&e);
    if (status == LM_OK && count)
        status = lm__parallel(e.workers, (count + CHUNK - 1) / CHUNK, phase_one, &e);
    for (size_t k = 0; status == LM_OK && k < count; k++)
        e.pending_count += reasons[k] == LM_REASON_NONE;
    if (status == LM_OK && e.pending_count) {
        e.pending = lm__malloc(e.pending_count * sizeof *e.pending);
        status = e.pending ? analysis_init(&e) : LM_E_NOMEM;
        for (size_t k = 0, at = 0; status == LM_OK && k < count; k++)
            if (reasons[k] == LM_REASON_NONE)
                e.pending[at++] = (uint32_t)k;
        size_t chunks = (e.pending_count + CHUNK - 1) / CHUNK;
        if (status == LM_OK)
            status = lm__parallel(e.workers, chunks, phase_two, &e);
        bool scans = false;
        for (size_t i = 0; status == LM_OK && i < e.pending_count; i++)
            scans |= (e.how[e.pending[i]] & HOW_SCAN) != 0;
        if (status == LM_OK && scans)
            status = lm__people_index_build(&e, NULL, &e.pool_index);
        if (status == LM_OK && scans)
            status = lm__parallel(e.workers, chunks, phase_three, &e);
    }
    for (size_t k = 0; stats && status == LM_OK && k < count; k++) {
        stats->witnessed += (e.how[k] & HOW_WITNESSED) != 0;
        stats->analysed += (e.how[k] & HOW_ANALYSED) != 0;
        stats->undecided += (e.how[k] & HOW_UNDECIDED) != 0;
    }
    explain_free(&e);
    return status;
}
