/* lm_groups_form(): the phases of a run and its result.
 *
 *   1. Regions (groups_regions.c) of about REGION_TARGET people (without
 *      venues OPEN_REGION_TARGET), solved on threads (groups.c):
 *      construction, local search, large neighbourhood search.
 *   2. Without venues, the seam phase (groups_seams.c): regions cut again
 *      with the cuts moved by half a region, starting from the groups of
 *      the first phase. With venues, LEFTOVER_PHASES phases over the people
 *      left out and the venues with room: regions again, construction only.
 *   3. With venues, up to FILL_PASSES passes of the fill (groups_fill.c):
 *      every venue with room, one after the other, with the people still
 *      unassigned who could meet there, wherever their region was.
 *   4. The groups in a canonical order, scored by the reference objective
 *      (objective.c).
 * Every phase works on what the ones before left, in a fixed order, so the
 * output depends on the input, the parameters, the seed and nothing else. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine/bound_internal.h"
#include "engine/constraints_internal.h"
#include "groups/groups_job_internal.h"
#include "groups/groups_keep_internal.h"
#include "groups/groups_reasons_internal.h"
#include "engine/objective_internal.h"
#include "common/parallel_internal.h"
#include "model/result_internal.h"

/* Participants per region: large enough that most good partners of anyone
 * are in their region, small enough that a region's search stays cheap.
 * Without venues, regions are larger: nothing needs sharing out between
 * them, and every cut separates people who belong together (12,000 rather
 * than 8,000: 98.6% of the planted total at 10,000 planted groups instead
 * of 97.9%, +0.3% total on a generated pool of 30,000, for a fifth more
 * time). */
#define REGION_TARGET 3000
#define OPEN_REGION_TARGET 12000
/* Leftover phases: the first places most of what a region cut can place;
 * the fill does the rest better. */
#define LEFTOVER_PHASES 1
/* Fill passes: each lists everybody still out at the venues that still have
 * room, so a pass finds what the one before left; they stop when one adds
 * nothing. */
#define FILL_PASSES 4

/* ---- results ------------------------------------------------------------------ */

typedef struct group_ref {
    size_t key; /* lowest member: groups are disjoint, so keys are unique */
    size_t region, group, first;
} group_ref;

static int compare_refs(const void *a, const void *b)
{
    const group_ref *x = a, *y = b;
    return (x->key > y->key) - (x->key < y->key);
}

static int compare_unassigned(const void *a, const void *b)
{
    const lm_unassigned_out *x = a, *y = b;
    return (x->participant > y->participant) - (x->participant < y->participant);
}

static int build_result(const lm_groups_job *j, lm_result *result)
{
    size_t total_groups = 0;
    for (size_t r = 0; r < j->out_count; r++)
        total_groups += j->outs[r].group_count;
    group_ref *refs = lm__malloc((total_groups ? total_groups : 1) * sizeof *refs);
    if (!refs)
        return LM_E_NOMEM;
    size_t at = 0;
    for (size_t r = 0; r < j->out_count; r++) {
        size_t first = 0;
        for (size_t g = 0; g < j->outs[r].group_count; g++) {
            refs[at++] = (group_ref){j->outs[r].members[first], r, g, first};
            first += j->outs[r].sizes[g];
        }
    }
    /* Canonical order: by lowest member, whatever the regions were. */
    qsort(refs, total_groups, sizeof *refs, compare_refs);
    int status = LM_OK;
    double total = 0.0;
    for (size_t k = 0; k < total_groups && status == LM_OK; k++) {
        const lm_region_out *out = &j->outs[refs[k].region];
        const size_t *members = out->members + refs[k].first;
        size_t size = out->sizes[refs[k].group], index;
        lm_group_score score;
        status = lm__group_score(j->pool, &j->params->weights, members, size, &score);
        if (status == LM_OK)
            status = lm__result_add_group(result, members, size, &index);
        if (status != LM_OK)
            break;
        lm_group_out *g = &result->groups[index];
        memcpy(g->terms, score.terms, sizeof g->terms);
        g->theme = score.theme;
        g->cohost[0] = score.cohost[0];
        g->cohost[1] = score.cohost[1];
        g->slot = out->slots[refs[k].group];
        g->venue = out->venues[refs[k].group];
        bool anyone_speaks = false;
        for (size_t m = 0; m < size; m++)
            anyone_speaks |= j->pool->people[members[m]].languages != 0;
        uint64_t languages = lm__group_languages(j->pool, members, size);
        g->language = -1;
        for (int bit = 0; anyone_speaks && bit < 64; bit++)
            if (languages >> bit & 1) {
                g->language = bit;
                break;
            }
        total += score.terms[LM_TERM_TOTAL];
    }
    lm__free(refs);
    for (size_t r = 0; r < j->out_count && status == LM_OK; r++)
        for (size_t k = 0; k < j->outs[r].unassigned_count && status == LM_OK; k++)
            status = lm__result_add_unassigned(result, j->outs[r].unassigned[k],
                                               j->outs[r].reasons[k]);
    if (status != LM_OK)
        return status;
    if (result->unassigned_count > 1)
        qsort(result->unassigned, result->unassigned_count, sizeof *result->unassigned,
              compare_unassigned);
    result->total = lm__weighted_total(&j->params->weights, total, result->unassigned_count);
    result->optimality = LM_HEURISTIC;
    return LM_OK;
}


/* ---- the phases after the first ------------------------------------------------ */

/* The capacity the groups of outs take, by venue * slot count + slot, and
 * who is on their unassigned lists (open[p] = 1). */
static void take_stock(const lm_groups_job *j, uint32_t *used, uint8_t *open)
{
    size_t slots = lm_slot_count();
    for (size_t r = 0; r < j->out_count; r++) {
        const lm_region_out *out = &j->outs[r];
        for (size_t g = 0; g < out->group_count; g++)
            if (out->venues[g] >= 0 && out->slots[g] >= 0)
                used[(size_t)out->venues[g] * slots + (size_t)out->slots[g]]++;
        for (size_t k = 0; k < out->unassigned_count; k++)
            open[out->unassigned[k]] = 1;
    }
}

/* Groups a venue can still host in a week, and in which slots. */
static uint32_t venue_room(const lm_venue *venue, const uint32_t *used_at,
                           uint64_t *slots_with_room)
{
    uint32_t room = 0;
    *slots_with_room = 0;
    for (size_t t = 0; t < lm_slot_count(); t++)
        if (venue->open >> t & 1 && used_at[t] < venue->capacity) {
            room += venue->capacity - used_at[t];
            *slots_with_room |= (uint64_t)1 << t;
        }
    return room;
}

/* Takes the people with flag[p] == drop off the unassigned lists of outs. */
static void drop_unassigned(lm_region_out *outs, size_t count, const uint8_t *flag, uint8_t drop)
{
    for (size_t r = 0; r < count; r++) {
        lm_region_out *out = &outs[r];
        size_t kept = 0;
        for (size_t k = 0; k < out->unassigned_count; k++)
            if (flag[out->unassigned[k]] != drop) {
                out->unassigned[kept] = out->unassigned[k];
                out->reasons[kept++] = out->reasons[k];
            }
        out->unassigned_count = kept;
    }
}

/* Appends the outs of a later phase to first's. */
static int append_outs(lm_groups_job *first, lm_region_out *outs, size_t count)
{
    lm_region_out *all = lm__reallocarray(first->outs, first->out_count + count, sizeof *all);
    if (!all)
        return LM_E_NOMEM;
    first->outs = all;
    memcpy(first->outs + first->out_count, outs, count * sizeof *outs);
    first->out_count += count;
    return LM_OK;
}

/* A phase after the first: j solves `regions` with the capacity `used`
 * already taken, on the run's clock, params and random streams from `stream`. */
static void later_phase(lm_groups_job *j, const lm_groups_job *first, const lm_regions *regions,
                        const uint32_t *used, uint64_t stream)
{
    memset(j, 0, sizeof *j);
    j->pool = first->pool;
    j->params = first->params;
    j->start = first->start;
    j->regions = regions;
    j->base_used = used;
    j->stream = stream;
}

/* A leftover phase: regions cut again over the people left out and the
 * venues with room, each person at a venue with room within reach
 * (balance() in groups_regions.c); the others sit this phase out. */
static int leftover_phase(lm_groups_job *first)
{
    const lm_pool *pool = first->pool;
    size_t slots = lm_slot_count();
    uint32_t *used = lm__calloc(pool->venue_count * slots + 1, sizeof *used);
    uint8_t *people = lm__calloc(pool->count + 1, 1);
    uint8_t *venues = lm__calloc(pool->venue_count + 1, 1);
    uint32_t *room = lm__calloc(pool->venue_count + 1, sizeof *room);
    lm_regions regions = {0};
    lm_groups_job j;
    memset(&j, 0, sizeof j);
    int status = LM_E_NOMEM;
    if (!used || !people || !venues || !room)
        goto done;
    take_stock(first, used, people);
    size_t left = 0, usable = 0;
    for (size_t p = 0; p < pool->count; p++)
        left += people[p];
    for (size_t v = 0; v < pool->venue_count; v++) {
        uint64_t with_room;
        room[v] = venue_room(&pool->venues[v], used + v * slots, &with_room);
        venues[v] = room[v] > 0;
        usable += venues[v];
    }
    status = LM_OK;
    if (left < (size_t)first->params->min_size || usable == 0)
        goto done;
    lm_region_filter filter = {people, venues, room};
    status = lm__regions_build(pool, first->params, REGION_TARGET, &filter, &regions);
    if (status != LM_OK)
        goto done;
    later_phase(&j, first, &regions, used, 0x10000000u);
    j.out_count = regions.count;
    j.outs = lm__calloc(regions.count ? regions.count : 1, sizeof *j.outs);
    if (!j.outs) {
        status = LM_E_NOMEM;
        goto done;
    }
    /* The people in this phase's regions count as placed by nobody until
     * their region is done: each region's total subtracts mu for them. */
    memset(people, 0, pool->count);
    size_t included = 0;
    for (size_t r = 0; r < regions.count; r++)
        for (uint32_t k = 0; k < regions.regions[r].count; k++, included++)
            people[regions.regions[r].people[k]] = 1;
    j.finished_total = first->finished_total + first->params->weights.unassigned * (double)included;
    status = lm__groups_run_phase(&j);
    if (status != LM_OK)
        goto done;
    /* The leftovers in this phase's regions have a new reason or a group:
     * they leave the earlier unassigned lists. */
    status = append_outs(first, j.outs, regions.count);
    if (status != LM_OK)
        goto done;
    drop_unassigned(first->outs, first->out_count - regions.count, people, 1);
    first->finished_total = j.finished_total;
    lm__free(j.outs);
    j.outs = NULL;
done:
    lm__groups_outs_free(j.outs, regions.count);
    lm__regions_free(&regions);
    lm__free(used);
    lm__free(people);
    lm__free(venues);
    lm__free(room);
    return status;
}

/* One region of the fill: the people listed at venue v, that venue alone. */
static int fill_venue(lm_groups_job *first, uint32_t v, uint32_t *people, uint32_t count,
                      const uint32_t *used, lm_region_out *out)
{
    lm_region region = {people, count, &v, 1};
    lm_regions one = {&region, 1, NULL};
    lm_groups_job j;
    later_phase(&j, first, &one, used, 0x20000000u + v);
    memset(out, 0, sizeof *out);
    j.outs = out;
    j.out_count = 1;
    j.filling = true;
    atomic_init(&j.stop, 0);
    atomic_init(&j.done, 0);
    pthread_mutex_init(&j.lock, NULL);
    int status = lm__groups_solve_region(&j, 0, false);
    pthread_mutex_destroy(&j.lock);
    return status;
}

/* Venues a fill pass solves side by side, whatever the thread count. */
#define FILL_WINDOW 8

typedef struct fill_task {
    lm_groups_job *first;
    const lm_fill *fill;
    const uint32_t *used;
    const uint8_t *open;
    uint64_t room_slots;
    uint32_t venue, room, count;
    uint32_t *people;   /* the venue's candidates (lm__fill_candidates) */
    uint32_t *counters; /* LM_FILL_COUNTERS */
    lm_region_out out;
    int status;
} fill_task;

static int fill_chunk(void *context, size_t worker, size_t chunk)
{
    (void)worker;
    fill_task *t = (fill_task *)context + chunk;
    const lm_params *params = t->first->params;
    memset(&t->out, 0, sizeof t->out);
    t->status = LM_OK;
    t->count = lm__fill_candidates(t->fill, t->first->pool, params, t->venue, t->room_slots,
                                   t->room, t->open, t->counters, t->people);
    if (t->count >= (uint32_t)params->min_size)
        t->status = fill_venue(t->first, t->venue, t->people, t->count, t->used, &t->out);
    return LM_OK; /* a task's status is read when it is committed */
}

/* Whether all members of the groups in out are still unassigned. */
static bool members_open(const lm_region_out *out, const uint8_t *open)
{
    size_t members = 0;
    for (size_t g = 0; g < out->group_count; g++)
        members += out->sizes[g];
    for (size_t m = 0; m < members; m++)
        if (!open[out->members[m]])
            return false;
    return true;
}

/* A fill pass: every venue with room, in index order, gets a region of the
 * people listed there (groups_fill.c) who are still unassigned; its groups
 * take them out of the lists of the venues after it, so nobody joins two
 * groups. Venues go in windows of FILL_WINDOW, solved side by side on the
 * people unassigned when the window starts, and committed in venue order; a
 * venue whose groups hold someone an earlier venue of the window took is
 * solved again with what is left (the next window starts there). Windows do
 * not depend on the thread count, so neither does the result.
 * *added counts the groups the pass made. */
static int fill_pass(lm_groups_job *first, size_t *added)
{
    const lm_pool *pool = first->pool;
    const lm_params *params = first->params;
    size_t slots = lm_slot_count();
    uint32_t *used = lm__calloc(pool->venue_count * slots + 1, sizeof *used);
    uint64_t *room_slots = lm__calloc(pool->venue_count + 1, sizeof *room_slots);
    uint8_t *open = lm__calloc(pool->count + 1, 1);
    fill_task tasks[FILL_WINDOW];
    memset(tasks, 0, sizeof tasks);
    lm_fill fill = {0};
    int status = LM_E_NOMEM;
    *added = 0;
    if (!used || !room_slots || !open)
        goto done;
    take_stock(first, used, open);
    bool any_room = false;
    for (size_t v = 0; v < pool->venue_count; v++)
        any_room |= venue_room(&pool->venues[v], used + v * slots, &room_slots[v]) > 0;
    status = any_room ? lm__fill_lists(&fill, pool, params, open, room_slots) : LM_OK;
    if (!any_room)
        goto done;
    size_t longest = 0;
    for (size_t v = 0; status == LM_OK && v < pool->venue_count; v++)
        if (fill.start[v + 1] - fill.start[v] > longest)
            longest = fill.start[v + 1] - fill.start[v];
    for (size_t k = 0; k < FILL_WINDOW && status == LM_OK; k++) {
        tasks[k].first = first;
        tasks[k].fill = &fill;
        tasks[k].used = used;
        tasks[k].open = open;
        tasks[k].people = lm__malloc((longest ? longest : 1) * sizeof *tasks[k].people);
        tasks[k].counters = lm__malloc(LM_FILL_COUNTERS * sizeof *tasks[k].counters);
        if (!tasks[k].people || !tasks[k].counters)
            status = LM_E_NOMEM;
    }
    double mu = params->weights.unassigned;
    size_t v = 0, retries = 0;
    uint32_t retry[FILL_WINDOW];
    while (status == LM_OK) {
        if (params->time_limit > 0 && lm__groups_elapsed(first) >= params->time_limit)
            break;
        if (params->progress && params->progress(params->progress_user, first->finished_total,
                                                 lm__groups_elapsed(first), 1.0)) {
            status = LM_E_CANCELLED;
            break;
        }
        /* the venues to solve again, then the next ones with room */
        size_t n = 0, again = 0;
        for (size_t r = 0; r < retries || (v < pool->venue_count && n < FILL_WINDOW);) {
            uint32_t venue = r < retries ? retry[r++] : (uint32_t)v++;
            fill_task *t = &tasks[n];
            t->room = venue_room(&pool->venues[venue], used + (size_t)venue * slots,
                                 &t->room_slots);
            uint32_t listed = fill.start[venue + 1] - fill.start[venue];
            if (t->room == 0 || listed < (uint32_t)params->min_size)
                continue;
            t->venue = venue;
            n++;
        }
        if (n == 0)
            break;
        status = lm__parallel(params->threads > 1 ? (size_t)params->threads : 1, n, fill_chunk,
                              tasks);
        /* commit in order; a venue whose groups hold someone an earlier one
         * took goes again in the next window */
        for (size_t k = 0; k < n; k++) {
            fill_task *t = &tasks[k];
            if (status == LM_OK)
                status = t->status;
            bool commit = status == LM_OK && t->out.group_count > 0;
            if (commit && !members_open(&t->out, open)) {
                retry[again++] = t->venue;
                commit = false;
            }
            if (commit)
                status = append_outs(first, &t->out, 1);
            if (!commit || status != LM_OK) {
                lm__groups_out_free(&t->out);
                memset(&t->out, 0, sizeof t->out);
                continue;
            }
            /* the region's total subtracted mu for each of its people */
            first->finished_total += t->out.total + mu * (double)t->count;
            *added += t->out.group_count;
            size_t at = 0;
            for (size_t g = 0; g < t->out.group_count; g++) {
                used[(size_t)t->out.venues[g] * slots + (size_t)t->out.slots[g]]++;
                for (uint32_t member = 0; member < t->out.sizes[g]; member++)
                    open[t->out.members[at++]] = 0;
            }
            memset(&t->out, 0, sizeof t->out); /* first->outs owns it now */
        }
        retries = again;
    }
    /* the people left out keep the reason of their last region */
    if (status == LM_OK)
        drop_unassigned(first->outs, first->out_count, open, 0);
done:
    lm__fill_free(&fill);
    for (size_t k = 0; k < FILL_WINDOW; k++) {
        lm__free(tasks[k].people);
        lm__free(tasks[k].counters);
    }
    lm__free(used);
    lm__free(room_slots);
    lm__free(open);
    return status;
}

/* ---- reasons -------------------------------------------------------------------- */

/* Every unassigned person's reason, worked out on the final state of the
 * run (groups_reasons.c), in place of the one their last region gave. */
static int final_reasons(lm_groups_job *j)
{
    size_t groups = 0, members = 0, out = 0;
    for (size_t r = 0; r < j->out_count; r++) {
        groups += j->outs[r].group_count;
        out += j->outs[r].unassigned_count;
        for (size_t g = 0; g < j->outs[r].group_count; g++)
            members += j->outs[r].sizes[g];
    }
    size_t *first = lm__malloc((groups + 1) * sizeof *first);
    int *slots = lm__malloc((groups ? groups : 1) * sizeof *slots);
    int *venues = lm__malloc((groups ? groups : 1) * sizeof *venues);
    size_t *who = lm__malloc((out ? out : 1) * sizeof *who);
    lm_reason *reasons = lm__malloc((out ? out : 1) * sizeof *reasons);
    int status = LM_E_NOMEM;
    if (!first || !slots || !venues || !who || !reasons)
        goto done;
    size_t g_at = 0, out_at = 0;
    first[0] = 0;
    for (size_t r = 0; r < j->out_count; r++) {
        const lm_region_out *o = &j->outs[r];
        for (size_t g = 0; g < o->group_count; g++, g_at++) {
            first[g_at + 1] = first[g_at] + o->sizes[g];
            slots[g_at] = o->slots[g];
            venues[g_at] = o->venues[g];
        }
        for (size_t k = 0; k < o->unassigned_count; k++)
            who[out_at++] = o->unassigned[k];
    }
    /* the regions' members lists are already concatenated group by group */
    size_t *list = lm__malloc((members ? members : 1) * sizeof *list);
    if (!list)
        goto done;
    size_t at = 0;
    for (size_t r = 0; r < j->out_count; r++) {
        size_t in_region = 0;
        for (size_t g = 0; g < j->outs[r].group_count; g++)
            in_region += j->outs[r].sizes[g];
        memcpy(list + at, j->outs[r].members, in_region * sizeof *list);
        at += in_region;
    }
    lm_final_groups final = {groups, first, list, slots, venues};
    status = lm__groups_explain(j->pool, j->params, &final, who, out, reasons, NULL);
    lm__free(list);
    out_at = 0;
    for (size_t r = 0; r < j->out_count && status == LM_OK; r++)
        for (size_t k = 0; k < j->outs[r].unassigned_count; k++)
            j->outs[r].reasons[k] = reasons[out_at++];
done:
    lm__free(first);
    lm__free(slots);
    lm__free(venues);
    lm__free(who);
    lm__free(reasons);
    return status;
}

/* ---- the run -------------------------------------------------------------------- */

int lm_groups_form(const lm_pool *pool, const lm_params *params, lm_result *result)
{
    if (!result)
        return LM_E_INVALID;
    lm__result_reset(result);
    if (!pool || !params)
        return lm__fail(&result->base, LM_E_INVALID, "pool and params must not be NULL");
    int status = lm__params_validate(params, &result->base);
    if (status != LM_OK)
        return status;
    if (pool->count > UINT32_MAX / 2)
        return lm__fail(&result->base, LM_E_TOO_LARGE, "pool of %zu participants is too large",
                        pool->count);
    lm_groups_job j;
    memset(&j, 0, sizeof j);
    j.pool = pool;
    j.params = params;
    clock_gettime(CLOCK_MONOTONIC, &j.start);
    lm_groups_keep keep; /* kept groups and exclusions (groups_keep.c) */
    status = lm__groups_keep_begin(pool, params, &keep, &result->base);
    if (status != LM_OK)
        return status;
    j.kept_used = keep.used;
    lm_regions regions;
    status = lm__regions_build(pool, params, pool->venue_count ? REGION_TARGET : OPEN_REGION_TARGET,
                               keep.active ? &keep.filter : NULL, &regions);
    if (status != LM_OK) {
        lm__groups_keep_free(&keep);
        return lm__fail(&result->base, status, "out of memory");
    }
    j.regions = &regions;
    j.out_count = regions.count;
    j.outs = lm__calloc(regions.count ? regions.count : 1, sizeof *j.outs);
    if (!j.outs) {
        lm__regions_free(&regions);
        lm__groups_keep_free(&keep);
        return lm__fail(&result->base, LM_E_NOMEM, "out of memory");
    }
    status = lm__groups_run_phase(&j);
    if (status == LM_OK && !pool->venue_count && regions.count > 1)
        status = lm__groups_seam_phase(&j, OPEN_REGION_TARGET);
    if (status == LM_OK)
        status = lm__groups_keep_commit(&j, &keep);
    for (int phase = 0; phase < LEFTOVER_PHASES && status == LM_OK && pool->venue_count; phase++) {
        size_t before = j.out_count;
        status = leftover_phase(&j);
        if (j.out_count == before)
            break;
    }
    for (int pass = 0; pass < FILL_PASSES && status == LM_OK && pool->venue_count; pass++) {
        size_t added;
        status = fill_pass(&j, &added);
        if (added == 0)
            break;
    }
    if (status == LM_OK)
        status = final_reasons(&j);
    if (status == LM_OK)
        status = build_result(&j, result);
    lm__groups_outs_free(j.outs, j.out_count);
    lm__regions_free(&regions);
    if (status == LM_OK) /* after the search's memory is freed */
        status = lm__groups_bound_store(pool, params, result);
    if (status == LM_OK)
        status = lm__groups_keep_finish(pool, params, &keep, result);
    lm__groups_keep_free(&keep);
    if (status != LM_OK) {
        lm__result_reset(result);
        if (status == LM_E_CANCELLED)
            return lm__fail(&result->base, status, "cancelled by the progress callback");
        return lm__fail(&result->base, status, "forming groups failed: %s", lm_strerror(status));
    }
    return LM_OK;
}
