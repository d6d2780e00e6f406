/* The seam phase (pools without venues): regions are cut along a Z-order
 * curve, and people who belong together but live on both sides of a cut
 * never meet in a region. After the first phase, the pool is cut again with
 * every cut moved by half a region, each group going whole to the region
 * its centre falls in, and every new region starts from the groups it holds
 * and runs the large neighbourhood search again: what lay on a seam of the
 * first cut now lies in the middle of a region. */
#include <stdlib.h>
#include <string.h>

#include "engine/constraints_internal.h"
#include "groups/groups_job_internal.h"

/* A group or an unassigned person, with its place on the curve. */
typedef struct unit {
    uint64_t key;
    size_t out, group; /* group index in outs[out]; SIZE_MAX for a person */
    uint32_t person;
    uint32_t size;
} unit;

static int compare_units(const void *a, const void *b)
{
    const unit *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->person > y->person) - (x->person < y->person);
}

/* Where a unit lies on the curve: its members' meeting point; without any
 * located member, a hash of its lowest member spreads it evenly. */
static uint64_t unit_key(const lm_pool *pool, const size_t *members, uint32_t count)
{
    lm_meeting_point point = {0};
    for (uint32_t m = 0; m < count; m++) {
        const lm_participant *p = &pool->people[members[m]];
        if (p->has_location)
            lm__meeting_point_add(&point, p->lat, p->lon);
    }
    double lat, lon;
    if (lm__meeting_point_mean(&point, &lat, &lon))
        return lm__z_key(lat, lon);
    return ((uint64_t)members[0] * 0x9E3779B97F4A7C15ull) | 1;
}

int lm__groups_seam_phase(lm_groups_job *first, size_t target)
{
    const lm_pool *pool = first->pool;
    size_t unit_count = 0, people = 0;
    for (size_t r = 0; r < first->out_count; r++)
        unit_count += first->outs[r].group_count + first->outs[r].unassigned_count;
    unit *units = lm__malloc((unit_count ? unit_count : 1) * sizeof *units);
    if (!units)
        return LM_E_NOMEM;
    size_t at = 0;
    for (size_t r = 0; r < first->out_count; r++) {
        const lm_region_out *out = &first->outs[r];
        size_t member = 0;
        for (size_t g = 0; g < out->group_count; g++) {
            units[at++] = (unit){unit_key(pool, out->members + member, out->sizes[g]), r, g,
                                 (uint32_t)out->members[member], out->sizes[g]};
            member += out->sizes[g];
            people += out->sizes[g];
        }
        for (size_t k = 0; k < out->unassigned_count; k++) {
            size_t person = out->unassigned[k];
            units[at++] = (unit){unit_key(pool, &person, 1), r, SIZE_MAX, out->unassigned[k], 1};
            people++;
        }
    }
    qsort(units, unit_count, sizeof *units, compare_units);
    /* runs of about `target` people, the first one half as long */
    size_t region_count = 1, filled = 0, limit = target / 2;
    uint32_t *region_of_unit = lm__malloc((unit_count ? unit_count : 1) * sizeof *region_of_unit);
    int status = region_of_unit ? LM_OK : LM_E_NOMEM;
    for (size_t u = 0; u < unit_count && status == LM_OK; u++) {
        if (filled >= limit && people - filled > target / 4) {
            region_count++;
            people -= filled;
            filled = 0;
            limit = target;
        }
        region_of_unit[u] = (uint32_t)(region_count - 1);
        filled += units[u].size;
    }
    lm_regions regions = {0};
    lm_region_out *initial = NULL;
    uint32_t *region_of = NULL;
    if (status == LM_OK) {
        region_of = lm__malloc((pool->count ? pool->count : 1) * sizeof *region_of);
        initial = lm__calloc(region_count, sizeof *initial);
        status = region_of && initial ? LM_OK : LM_E_NOMEM;
    }
    if (status == LM_OK) {
        for (size_t p = 0; p < pool->count; p++)
            region_of[p] = UINT32_MAX;
        /* the groups each region starts from, in curve order */
        size_t *groups_in = lm__calloc(region_count, sizeof *groups_in);
        size_t *members_in = lm__calloc(region_count, sizeof *members_in);
        status = groups_in && members_in ? LM_OK : LM_E_NOMEM;
        for (size_t u = 0; u < unit_count && status == LM_OK; u++) {
            uint32_t region = region_of_unit[u];
            const unit *it = &units[u];
            if (it->group == SIZE_MAX) {
                region_of[it->person] = region;
                continue;
            }
            groups_in[region]++;
            members_in[region] += it->size;
        }
        for (size_t r = 0; r < region_count && status == LM_OK; r++) {
            lm_region_out *seed = &initial[r];
            size_t g = groups_in[r] ? groups_in[r] : 1, m = members_in[r] ? members_in[r] : 1;
            seed->members = lm__malloc(m * sizeof *seed->members);
            seed->sizes = lm__malloc(g * sizeof *seed->sizes);
            seed->slots = lm__malloc(g * sizeof *seed->slots);
            seed->venues = lm__malloc(g * sizeof *seed->venues);
            if (!seed->members || !seed->sizes || !seed->slots || !seed->venues)
                status = LM_E_NOMEM;
        }
        size_t *member_at = lm__calloc(region_count, sizeof *member_at);
        if (!member_at)
            status = LM_E_NOMEM;
        for (size_t u = 0; u < unit_count && status == LM_OK; u++) {
            const unit *it = &units[u];
            if (it->group == SIZE_MAX)
                continue;
            lm_region_out *seed = &initial[region_of_unit[u]];
            const lm_region_out *out = &first->outs[it->out];
            size_t member = 0;
            for (size_t g = 0; g < it->group; g++)
                member += out->sizes[g];
            for (uint32_t k = 0; k < it->size; k++) {
                size_t person = out->members[member + k];
                region_of[person] = region_of_unit[u];
                seed->members[member_at[region_of_unit[u]]++] = person;
            }
            seed->sizes[seed->group_count] = it->size;
            seed->slots[seed->group_count] = out->slots[it->group];
            seed->venues[seed->group_count] = out->venues[it->group];
            seed->group_count++;
        }
        lm__free(groups_in);
        lm__free(members_in);
        lm__free(member_at);
    }
    if (status == LM_OK)
        status = lm__regions_assemble(pool, region_of, region_count, NULL, &regions);
    lm_groups_job j;
    lm_region_out *outs = NULL;
    double *baseline = NULL;
    if (status == LM_OK) {
        memset(&j, 0, sizeof j);
        j.pool = pool;
        j.params = first->params;
        j.start = first->start;
        j.regions = &regions;
        j.initial = initial;
        j.stream = (uint64_t)1 << 40; /* streams of their own */
        /* progress: the regions start from the whole earlier total */
        j.pending_total = first->finished_total;
        baseline = lm__calloc(region_count ? region_count : 1, sizeof *baseline);
        j.baseline = baseline;
        outs = lm__calloc(region_count, sizeof *outs);
        status = outs && baseline ? LM_OK : LM_E_NOMEM;
    }
    if (status == LM_OK) {
        j.outs = outs;
        j.out_count = region_count;
        status = lm__groups_run_phase(&j);
    }
    if (status == LM_OK) {
        /* the new regions hold everybody: they replace the first phase */
        lm__groups_outs_free(first->outs, first->out_count);
        first->outs = outs;
        first->out_count = region_count;
        outs = NULL;
    }
    lm__groups_outs_free(outs, region_count);
    lm__groups_outs_free(initial, region_count);
    lm__free(baseline);
    lm__regions_free(&regions);
    lm__free(region_of);
    lm__free(region_of_unit);
    lm__free(units);
    return status;
}
