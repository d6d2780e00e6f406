/* Blocking: the pool is cut into compact regions that are solved on their
 * own (and in parallel). Neighbours along a Z-order curve are neighbours on
 * the map, so runs of the curve make compact regions. With venues, each
 * participant belongs to the region of their nearest venue, so every group
 * of a region can meet at one of the region's venues. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "groups_internal.h"

typedef struct keyed {
    uint64_t key;
    uint32_t index;
} keyed;

static int compare_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
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
static uint64_t z_key(double lat, double lon)
{
    uint32_t y = (uint32_t)((lat + 90.0) / 180.0 * 65535.0);
    uint32_t x = (uint32_t)((lon + 180.0) / 360.0 * 65535.0);
    return spread_bits(x) | (spread_bits(y) << 1);
}

/* Venues in a uniform grid of projected kilometres, for nearest-venue queries. */
typedef struct venue_grid {
    double x0, y0, cell, cos_lat;
    uint32_t width, height;
    uint32_t *start; /* cell c holds order[start[c] .. start[c+1]) */
    uint32_t *order;
    double *x, *y;
} venue_grid;

static void project(const venue_grid *grid, double lat, double lon, double *x, double *y)
{
    *x = lon * 111.32 * grid->cos_lat;
    *y = lat * 110.57;
}

static int grid_build(venue_grid *grid, const lm_pool *pool, const uint8_t *use_venue)
{
    size_t n = pool->venue_count;
    double lat_sum = 0.0;
    for (size_t v = 0; v < n; v++)
        lat_sum += pool->venues[v].lat;
    grid->cos_lat = cos(lat_sum / (double)n * 3.14159265358979323846 / 180.0);
    grid->x = lm__malloc(n * sizeof *grid->x);
    grid->y = lm__malloc(n * sizeof *grid->y);
    grid->order = lm__malloc(n * sizeof *grid->order);
    if (!grid->x || !grid->y || !grid->order)
        return LM_E_NOMEM;
    double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
    for (size_t v = 0; v < n; v++) {
        project(grid, pool->venues[v].lat, pool->venues[v].lon, &grid->x[v], &grid->y[v]);
        xmin = fmin(xmin, grid->x[v]);
        xmax = fmax(xmax, grid->x[v]);
        ymin = fmin(ymin, grid->y[v]);
        ymax = fmax(ymax, grid->y[v]);
    }
    double area = fmax((xmax - xmin) * (ymax - ymin), 1e-6);
    grid->cell = fmax(sqrt(area / (double)n) * 1.5, 0.05);
    grid->x0 = xmin;
    grid->y0 = ymin;
    grid->width = (uint32_t)fmin((xmax - xmin) / grid->cell + 1, 4096);
    grid->height = (uint32_t)fmin((ymax - ymin) / grid->cell + 1, 4096);
    size_t cells = (size_t)grid->width * grid->height;
    grid->start = lm__calloc(cells + 1, sizeof *grid->start);
    if (!grid->start)
        return LM_E_NOMEM;
    uint32_t *cell_of = lm__malloc(n * sizeof *cell_of);
    if (!cell_of)
        return LM_E_NOMEM;
    for (size_t v = 0; v < n; v++) {
        uint32_t cx = (uint32_t)fmin((grid->x[v] - xmin) / grid->cell, grid->width - 1);
        uint32_t cy = (uint32_t)fmin((grid->y[v] - ymin) / grid->cell, grid->height - 1);
        cell_of[v] = cy * grid->width + cx;
        if (!use_venue || use_venue[v])
            grid->start[cell_of[v] + 1]++;
    }
    for (size_t c = 0; c < cells; c++)
        grid->start[c + 1] += grid->start[c];
    uint32_t *fill = lm__malloc((cells ? cells : 1) * sizeof *fill);
    if (!fill) {
        lm__free(cell_of);
        return LM_E_NOMEM;
    }
    memcpy(fill, grid->start, cells * sizeof *fill);
    for (size_t v = 0; v < n; v++)
        if (!use_venue || use_venue[v])
            grid->order[fill[cell_of[v]]++] = (uint32_t)v;
    lm__free(fill);
    lm__free(cell_of);
    return LM_OK;
}

static void grid_free(venue_grid *grid)
{
    lm__free(grid->x);
    lm__free(grid->y);
    lm__free(grid->order);
    lm__free(grid->start);
}

/* The nearest venue (lowest index on ties) by searching rings of cells. */
static uint32_t grid_nearest(const venue_grid *grid, double lat, double lon)
{
    double x, y;
    project(grid, lat, lon, &x, &y);
    long cx = (long)floor((x - grid->x0) / grid->cell);
    long cy = (long)floor((y - grid->y0) / grid->cell);
    double best = INFINITY;
    uint32_t best_venue = 0;
    long limit = (long)(grid->width > grid->height ? grid->width : grid->height) + labs(cx) +
                 labs(cy) + 2;
    for (long ring = 0; ring <= limit; ring++) {
        /* Points in ring r are at least (r-1)*cell away. */
        if (ring > 0 && (double)(ring - 1) * grid->cell > sqrt(best))
            break;
        for (long gy = cy - ring; gy <= cy + ring; gy++) {
            if (gy < 0 || gy >= (long)grid->height)
                continue;
            for (long gx = cx - ring; gx <= cx + ring; gx++) {
                if (gx < 0 || gx >= (long)grid->width)
                    continue;
                if (labs(gx - cx) != ring && labs(gy - cy) != ring)
                    continue;
                size_t c = (size_t)gy * grid->width + (size_t)gx;
                for (uint32_t k = grid->start[c]; k < grid->start[c + 1]; k++) {
                    uint32_t v = grid->order[k];
                    double dx = grid->x[v] - x, dy = grid->y[v] - y;
                    double d2 = dx * dx + dy * dy;
                    if (d2 < best || (d2 == best && v < best_venue)) {
                        best = d2;
                        best_venue = v;
                    }
                }
            }
        }
    }
    return best_venue;
}

/* Fills out->regions from a list of (region of person) and venue lists. */
static int assemble(const lm_pool *pool, const uint32_t *region_of, size_t region_count,
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
    keyed *keys = lm__malloc((n ? n : 1) * sizeof *keys);
    if (!keys)
        return LM_E_NOMEM;
    for (size_t p = 0; p < n; p++)
        if (pool->people[p].has_location)
            keys[located++] = (keyed){z_key(pool->people[p].lat, pool->people[p].lon),
                                      (uint32_t)p};
    qsort(keys, located, sizeof *keys, compare_keyed);
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

static int build_by_venues(const lm_pool *pool, size_t target, const lm_region_filter *filter,
                           uint32_t *region_of, uint32_t *venue_region, size_t *region_count)
{
    size_t n = pool->count, venues = pool->venue_count;
    const uint8_t *use_person = filter ? filter->people : NULL;
    const uint8_t *use_venue = filter ? filter->venues : NULL;
    venue_grid grid = {0};
    keyed *keys = lm__malloc(venues * sizeof *keys);
    uint32_t *nearest = lm__malloc((n ? n : 1) * sizeof *nearest);
    uint32_t *people_at = lm__calloc(venues, sizeof *people_at);
    int status = LM_E_NOMEM;
    if (!keys || !nearest || !people_at || grid_build(&grid, pool, use_venue) != LM_OK)
        goto done;
    size_t located = 0, included = 0;
    for (size_t p = 0; p < n; p++) {
        const lm_participant *person = &pool->people[p];
        region_of[p] = UINT32_MAX;
        if (use_person && !use_person[p])
            continue;
        included++;
        if (!person->has_location)
            continue;
        nearest[p] = grid_nearest(&grid, person->lat, person->lon);
        people_at[nearest[p]]++;
        located++;
    }
    size_t listed = 0;
    for (size_t v = 0; v < venues; v++) {
        venue_region[v] = UINT32_MAX;
        if (!use_venue || use_venue[v])
            keys[listed++] = (keyed){z_key(pool->venues[v].lat, pool->venues[v].lon), (uint32_t)v};
    }
    qsort(keys, listed, sizeof *keys, compare_keyed);
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
        if ((!use_person || use_person[p]) && pool->people[p].has_location)
            region_of[p] = listed ? venue_region[nearest[p]] : 0;
    size_t spread = 0;
    for (size_t p = 0; p < n; p++)
        if ((!use_person || use_person[p]) && !pool->people[p].has_location)
            region_of[p] = (uint32_t)(spread++ % regions);
    *region_count = regions;
    status = LM_OK;
done:
    grid_free(&grid);
    lm__free(keys);
    lm__free(nearest);
    lm__free(people_at);
    return status;
}

int lm__regions_build(const lm_pool *pool, size_t target, const lm_region_filter *filter,
                      lm_regions *out)
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
                 ? build_by_venues(pool, target, filter, region_of, venue_region, &region_count)
                 : build_by_people(pool, target, region_of, &region_count);
    if (status == LM_OK)
        status = assemble(pool, region_of, region_count, venue_region, out);
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
