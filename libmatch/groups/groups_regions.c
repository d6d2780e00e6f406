/* Blocking: the pool is cut into compact regions that are solved on their
 * own (and in parallel). Neighbours along a Z-order curve are neighbours on
 * the map, so runs of the curve make compact regions. With venues, each
 * participant belongs to the region of one venue near them, so every group
 * of a region can meet at one of the region's venues. Which venue: the
 * venues' capacity is shared out first (balance()), so that a region with
 * many places and few people of one role draws that role from nearby
 * instead of leaving its places empty; whoever is left over goes to their
 * nearest venue. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "groups/groups_internal.h"

int lm__compare_keyed(const void *a, const void *b)
{
    const lm_keyed *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

static int compare_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static uint64_t spread_bits(uint32_t v)
{
    uint64_t x = v;
    x = (x | (x << 16)) & 0x0000FFFF0000FFFFull;
    x = (x | (x << 8)) & 0x00FF00FF00FF00FFull;
    x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0Full;
    x = (x | (x << 2)) & 0x3333333333333333ull;
    x = (x | (x << 1)) & 0x5555555555555555ull;
    return x;
}

/* Z-order key of a point in degrees (16 bits a coordinate is ~300 m at most). */
uint64_t lm__z_key(double lat, double lon)
{
    uint32_t y = (uint32_t)((lat + 90.0) / 180.0 * 65535.0);
    uint32_t x = (uint32_t)((lon + 180.0) / 360.0 * 65535.0);
    return spread_bits(x) | (spread_bits(y) << 1);
}

/* ---- sharing the capacity out ----------------------------------------------- */

/* Venues a person is offered to, and how much more than the groups need each
 * venue takes in (groups also need a shared language and slot, so not every
 * mix of the people a venue draws makes a group). */
#define BALANCE_NEAR 8
#define BALANCE_SLACK 1.25

/* The order offers are granted in: nearest first, then by person; a
 * person's offers keep their order (nearest venue, lowest index). */
static uint64_t offer_key(const lm_offer *o)
{
    uint32_t bits;
    memcpy(&bits, &o->d2, sizeof bits); /* non-negative floats order as their bits */
    return (uint64_t)bits << 32 | o->person;
}

/* 16 bits a pass: the offers of a dense city run to millions, where qsort
 * took most of the sharing's time. */
int lm__offers_sort(lm_offer *offers, size_t count)
{
    lm_offer *other = lm__malloc((count ? count : 1) * sizeof *other);
    size_t *bucket = lm__malloc(65536 * sizeof *bucket);
    if (!other || !bucket) {
        lm__free(other);
        lm__free(bucket);
        return LM_E_NOMEM;
    }
    lm_offer *from = offers, *to = other;
    for (int shift = 0; shift < 64; shift += 16) {
        memset(bucket, 0, 65536 * sizeof *bucket);
        for (size_t k = 0; k < count; k++)
            bucket[offer_key(&from[k]) >> shift & 0xFFFF]++;
        if (count && bucket[offer_key(&from[0]) >> shift & 0xFFFF] == count)
            continue; /* all alike in these bits */
        size_t at = 0;
        for (size_t b = 0; b < 65536; b++) {
            size_t n = bucket[b];
            bucket[b] = at;
            at += n;
        }
        for (size_t k = 0; k < count; k++)
            to[bucket[offer_key(&from[k]) >> shift & 0xFFFF]++] = from[k];
        lm_offer *swap = from;
        from = to;
        to = swap;
    }
    if (from != offers)
        memcpy(offers, from, count * sizeof *offers);
    lm__free(other);
    lm__free(bucket);
    return LM_OK;
}

/* Gives the people of `role` to venues within their reach, nearest pairs
 * first, until each venue has the members of that role its groups need
 * (`per_group` for each group it can host, times the slack): a greedy
 * matching by distance. venue_of[p] changes only for people matched. */
static int balance_role(const lm_pool *pool, const lm_params *params, const lm_venue_grid *grid,
                        const uint8_t *use_person, const double *groups, int role,
                        uint32_t per_group, uint32_t *venue_of)
{
    size_t n = pool->count, venues = pool->venue_count, people = 0;
    for (size_t p = 0; p < n; p++)
        people += (!use_person || use_person[p]) && pool->people[p].has_location &&
                  pool->people[p].role == role;
    if (people == 0)
        return LM_OK;
    uint32_t *who = lm__malloc(people * sizeof *who);
    uint32_t *near = lm__malloc(people * BALANCE_NEAR * sizeof *near);
    float *d2 = lm__malloc(people * BALANCE_NEAR * sizeof *d2);
    uint8_t *found = lm__malloc(people);
    lm_offer *offers = lm__malloc(people * BALANCE_NEAR * sizeof *offers);
    uint32_t *quota = lm__malloc(venues * sizeof *quota);
    uint8_t *matched = lm__calloc(n, 1);
    int status = LM_E_NOMEM;
    if (!who || !near || !d2 || !found || !offers || !quota || !matched)
        goto done;
    for (size_t v = 0; v < venues; v++)
        quota[v] = (uint32_t)ceil(groups[v] * per_group * BALANCE_SLACK);
    people = 0;
    for (size_t p = 0; p < n; p++) {
        const lm_participant *person = &pool->people[p];
        if ((!use_person || use_person[p]) && person->has_location && person->role == role)
            who[people++] = (uint32_t)p;
    }
    status = lm__venue_grid_nearest_all(grid, pool, params, who, people, true, NULL,
                                        BALANCE_NEAR, near, d2, found);
    if (status != LM_OK)
        goto done;
    size_t count = 0;
    for (size_t i = 0; i < people; i++)
        for (int k = 0; k < found[i]; k++) {
            size_t at = i * BALANCE_NEAR + (size_t)k;
            offers[count++] = (lm_offer){d2[at], who[i], near[at]};
        }
    status = lm__offers_sort(offers, count);
    if (status != LM_OK)
        goto done;
    for (size_t k = 0; k < count; k++) {
        const lm_offer *o = &offers[k];
        if (matched[o->person] || quota[o->venue] == 0)
            continue;
        matched[o->person] = 1;
        quota[o->venue]--;
        venue_of[o->person] = o->venue;
    }
done:
    lm__free(who);
    lm__free(near);
    lm__free(d2);
    lm__free(found);
    lm__free(offers);
    lm__free(quota);
    lm__free(matched);
    return status;
}

/* Both roles, the scarcer first: it limits how many groups there can be. */
static int balance(const lm_pool *pool, const lm_params *params, const lm_venue_grid *grid,
                   const lm_region_filter *filter, uint32_t *venue_of)
{
    const uint8_t *use_person = filter ? filter->people : NULL;
    size_t venues = pool->venue_count, role_count[2] = {0, 0};
    for (size_t p = 0; p < pool->count; p++)
        if (!use_person || use_person[p])
            role_count[pool->people[p].role]++;
    double *groups = lm__malloc(venues * sizeof *groups);
    if (!groups)
        return LM_E_NOMEM;
    for (size_t v = 0; v < venues; v++) {
        const lm_venue *place = &pool->venues[v];
        groups[v] = filter && filter->room
                        ? (double)filter->room[v]
                        : (double)place->capacity * (double)__builtin_popcountll(place->open);
        if (filter && filter->venues && !filter->venues[v])
            groups[v] = 0.0;
    }
    int scarce = lm__scarcer_role(role_count[LM_NEWCOMER], role_count[LM_RESIDENT]);
    uint32_t q = (uint32_t)params->min_per_role;
    int status = balance_role(pool, params, grid, use_person, groups, scarce, q, venue_of);
    if (status == LM_OK)
        status = balance_role(pool, params, grid, use_person, groups, 1 - scarce,
                              (uint32_t)params->max_size - q, venue_of);
    lm__free(groups);
    return status;
}

int lm__regions_assemble(const lm_pool *pool, const uint32_t *region_of, size_t region_count,
                    const uint32_t *venue_region, lm_regions *out)
{
    size_t n = pool->count, venues = venue_region ? pool->venue_count : 0;
    out->regions = lm__calloc(region_count ? region_count : 1, sizeof *out->regions);
    out->storage = lm__malloc((n + venues + 1) * sizeof *out->storage);
    if (!out->regions || !out->storage)
        return LM_E_NOMEM;
    out->count = region_count;
    for (size_t p = 0; p < n; p++)
        if (region_of[p] != UINT32_MAX)
            out->regions[region_of[p]].count++;
    for (size_t v = 0; v < venues; v++)
        if (venue_region[v] != UINT32_MAX)
            out->regions[venue_region[v]].venue_count++;
    uint32_t *cursor = out->storage;
    for (size_t r = 0; r < region_count; r++) {
        out->regions[r].people = cursor;
        cursor += out->regions[r].count;
        out->regions[r].venues = cursor;
        cursor += out->regions[r].venue_count;
        out->regions[r].count = 0;
        out->regions[r].venue_count = 0;
    }
    /* ascending pool order within each region */
    for (size_t p = 0; p < n; p++) {
        if (region_of[p] == UINT32_MAX)
            continue;
        lm_region *r = &out->regions[region_of[p]];
        r->people[r->count++] = (uint32_t)p;
    }
    for (size_t v = 0; v < venues; v++) {
        if (venue_region[v] == UINT32_MAX)
            continue;
        lm_region *r = &out->regions[venue_region[v]];
        r->venues[r->venue_count++] = (uint32_t)v;
    }
    for (size_t r = 0; r < region_count; r++)
        qsort(out->regions[r].venues, out->regions[r].venue_count, sizeof(uint32_t),
              compare_u32);
    return LM_OK;
}

static int build_by_people(const lm_pool *pool, size_t target, uint32_t *region_of,
                           size_t *region_count)
{
    size_t n = pool->count, located = 0;
    lm_keyed *keys = lm__malloc((n ? n : 1) * sizeof *keys);
    if (!keys)
        return LM_E_NOMEM;
    for (size_t p = 0; p < n; p++)
        if (pool->people[p].has_location)
            keys[located++] = (lm_keyed){lm__z_key(pool->people[p].lat, pool->people[p].lon),
                                      (uint32_t)p};
    qsort(keys, located, sizeof *keys, lm__compare_keyed);
    size_t regions = (n + target - 1) / target;
    if (regions == 0)
        regions = 1;
    size_t per_region = (located + regions - 1) / regions;
    for (size_t k = 0; k < located; k++)
        region_of[keys[k].index] = (uint32_t)(per_region ? k / per_region : 0);
    size_t spread = 0;
    for (size_t p = 0; p < n; p++)
        if (!pool->people[p].has_location)
            region_of[p] = (uint32_t)(spread++ % regions);
    lm__free(keys);
    *region_count = regions;
    return LM_OK;
}

static int build_by_venues(const lm_pool *pool, const lm_params *params, size_t target,
                           const lm_region_filter *filter, uint32_t *region_of,
                           uint32_t *venue_region, size_t *region_count)
{
    size_t n = pool->count, venues = pool->venue_count;
    const uint8_t *use_person = filter ? filter->people : NULL;
    const uint8_t *use_venue = filter ? filter->venues : NULL;
    lm_venue_grid grid = {0};
    lm_keyed *keys = lm__malloc(venues * sizeof *keys);
    uint32_t *nearest = lm__malloc((n ? n : 1) * sizeof *nearest);
    uint32_t *people_at = lm__calloc(venues, sizeof *people_at);
    uint32_t *who = lm__malloc((n ? n : 1) * sizeof *who);
    int status = LM_E_NOMEM;
    if (!keys || !nearest || !people_at || !who ||
        lm__venue_grid_build(&grid, pool, use_venue) != LM_OK)
        goto done;
    size_t located = 0, included = 0, usable = 0;
    for (size_t p = 0; p < n; p++)
        included += !use_person || use_person[p];
    for (size_t v = 0; v < venues; v++)
        usable += !use_venue || use_venue[v];
    /* Everybody fits in one region: there is nothing to share out. */
    bool single = included <= target && usable <= LM_REGION_VENUES_MAX;
    for (size_t p = 0; p < n; p++) {
        const lm_participant *person = &pool->people[p];
        region_of[p] = UINT32_MAX;
        if ((use_person && !use_person[p]) || !person->has_location)
            continue;
        /* With a filter (the leftovers), only the people balance() shares
         * out take part: the others have no free place within reach. */
        nearest[p] = filter && !single ? UINT32_MAX : 0;
        if (!filter || single)
            who[located] = (uint32_t)p;
        located++;
    }
    if (!filter || single) {
        /* the nearest venue of everybody, on threads, then in place */
        uint8_t *found = lm__malloc(located ? located : 1);
        uint32_t *near = lm__malloc((located ? located : 1) * sizeof *near);
        int searched = found && near ? lm__venue_grid_nearest_all(&grid, pool, params, who,
                                                                  located, false, NULL, 1, near,
                                                                  NULL, found)
                                     : LM_E_NOMEM;
        for (size_t i = 0; i < located && searched == LM_OK; i++)
            nearest[who[i]] = found[i] ? near[i] : 0;
        lm__free(found);
        lm__free(near);
        if (searched != LM_OK)
            goto done;
    }
    if (!single && balance(pool, params, &grid, filter, nearest) != LM_OK)
        goto done;
    for (size_t p = 0; p < n; p++)
        if ((!use_person || use_person[p]) && pool->people[p].has_location &&
            nearest[p] != UINT32_MAX)
            people_at[nearest[p]]++;
    size_t listed = 0;
    for (size_t v = 0; v < venues; v++) {
        venue_region[v] = UINT32_MAX;
        if (!use_venue || use_venue[v])
            keys[listed++] = (lm_keyed){lm__z_key(pool->venues[v].lat, pool->venues[v].lon), (uint32_t)v};
    }
    qsort(keys, listed, sizeof *keys, lm__compare_keyed);
    /* Runs of venues along the curve until a region has enough people. */
    size_t regions = 0, people = 0, in_region = 0;
    size_t unlocated_share =
        located < included ? (included - located) * target / (included ? included : 1) : 0;
    for (size_t k = 0; k < listed; k++) {
        uint32_t v = keys[k].index;
        venue_region[v] = (uint32_t)regions;
        people += people_at[v];
        in_region++;
        if (people + unlocated_share >= target || in_region == LM_REGION_VENUES_MAX) {
            regions++;
            people = 0;
            in_region = 0;
        }
    }
    if (in_region > 0)
        regions++;
    if (regions == 0)
        regions = 1; /* no usable venue: one region, where nobody can meet */
    for (size_t p = 0; p < n; p++)
        if ((!use_person || use_person[p]) && pool->people[p].has_location &&
            nearest[p] != UINT32_MAX)
            region_of[p] = listed ? venue_region[nearest[p]] : 0;
    size_t spread = 0;
    for (size_t p = 0; p < n; p++)
        if ((!use_person || use_person[p]) && !pool->people[p].has_location)
            region_of[p] = (uint32_t)(spread++ % regions);
    *region_count = regions;
    status = LM_OK;
done:
    lm__venue_grid_free(&grid);
    lm__free(keys);
    lm__free(nearest);
    lm__free(people_at);
    lm__free(who);
    return status;
}

int lm__regions_build(const lm_pool *pool, const lm_params *params, size_t target,
                      const lm_region_filter *filter, lm_regions *out)
{
    memset(out, 0, sizeof *out);
    size_t n = pool->count;
    if (target < 8)
        target = 8;
    uint32_t *region_of = lm__malloc((n ? n : 1) * sizeof *region_of);
    uint32_t *venue_region =
        pool->venue_count ? lm__malloc(pool->venue_count * sizeof *venue_region) : NULL;
    size_t region_count = 0;
    int status = LM_E_NOMEM;
    if (!region_of || (pool->venue_count && !venue_region))
        goto done;
    status = pool->venue_count
                 ? build_by_venues(pool, params, target, filter, region_of, venue_region,
                                   &region_count)
                 : build_by_people(pool, target, region_of, &region_count);
    if (status == LM_OK) /* the filter without venues, exclusions, together sets */
        status = lm__gc_regions(pool, params, filter, region_of);
    if (status == LM_OK)
        status = lm__regions_assemble(pool, region_of, region_count, venue_region, out);
done:
    lm__free(region_of);
    lm__free(venue_region);
    if (status != LM_OK)
        lm__regions_free(out);
    return status;
}

void lm__regions_free(lm_regions *regions)
{
    lm__free(regions->regions);
    lm__free(regions->storage);
    memset(regions, 0, sizeof *regions);
}
