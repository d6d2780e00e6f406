/* Venues in a uniform grid of projected kilometres, for nearest-venue
 * queries: which region a participant joins (groups_regions.c) and where the
 * people left out could still meet (the fill, groups_fill.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "groups/groups_internal.h"
#include "common/parallel_internal.h"

static void project(const lm_venue_grid *grid, double lat, double lon, double *x, double *y)
{
    *x = lon * 111.32 * grid->cos_lat;
    *y = lat * 110.57;
}

int lm__venue_grid_build(lm_venue_grid *grid, const lm_pool *pool, const uint8_t *use_venue)
{
    memset(grid, 0, sizeof *grid);
    size_t n = pool->venue_count, used = 0;
    double lat_sum = 0.0;
    for (size_t v = 0; v < n; v++)
        lat_sum += pool->venues[v].lat;
    grid->cos_lat = n ? cos(lat_sum / (double)n * 3.14159265358979323846 / 180.0) : 1.0;
    grid->x = lm__malloc((n ? n : 1) * sizeof *grid->x);
    grid->y = lm__malloc((n ? n : 1) * sizeof *grid->y);
    grid->order = lm__malloc((n ? n : 1) * sizeof *grid->order);
    uint32_t *cell_of = lm__malloc((n ? n : 1) * sizeof *cell_of);
    if (!grid->x || !grid->y || !grid->order || !cell_of) {
        lm__free(cell_of);
        lm__venue_grid_free(grid);
        return LM_E_NOMEM;
    }
    double xmin = INFINITY, xmax = -INFINITY, ymin = INFINITY, ymax = -INFINITY;
    for (size_t v = 0; v < n; v++) {
        project(grid, pool->venues[v].lat, pool->venues[v].lon, &grid->x[v], &grid->y[v]);
        if (use_venue && !use_venue[v])
            continue;
        used++;
        xmin = fmin(xmin, grid->x[v]);
        xmax = fmax(xmax, grid->x[v]);
        ymin = fmin(ymin, grid->y[v]);
        ymax = fmax(ymax, grid->y[v]);
    }
    if (used == 0)
        xmin = xmax = ymin = ymax = 0.0;
    /* about two venues a cell */
    double area = fmax((xmax - xmin) * (ymax - ymin), 1e-6);
    grid->cell = fmax(sqrt(area / (double)(used ? used : 1)) * 1.5, 0.05);
    grid->x0 = xmin;
    grid->y0 = ymin;
    grid->width = (uint32_t)fmin((xmax - xmin) / grid->cell + 1, 4096);
    grid->height = (uint32_t)fmin((ymax - ymin) / grid->cell + 1, 4096);
    size_t cells = (size_t)grid->width * grid->height;
    grid->start = lm__calloc(cells + 1, sizeof *grid->start);
    uint32_t *fill = lm__malloc(cells * sizeof *fill);
    if (!grid->start || !fill) {
        lm__free(fill);
        lm__free(cell_of);
        lm__venue_grid_free(grid);
        return LM_E_NOMEM;
    }
    for (size_t v = 0; v < n; v++) {
        if (use_venue && !use_venue[v])
            continue;
        uint32_t cx = (uint32_t)fmin(fmax((grid->x[v] - xmin) / grid->cell, 0), grid->width - 1);
        uint32_t cy = (uint32_t)fmin(fmax((grid->y[v] - ymin) / grid->cell, 0), grid->height - 1);
        cell_of[v] = cy * grid->width + cx;
        grid->start[cell_of[v] + 1]++;
    }
    for (size_t c = 0; c < cells; c++)
        grid->start[c + 1] += grid->start[c];
    memcpy(fill, grid->start, cells * sizeof *fill);
    for (size_t v = 0; v < n; v++)
        if (!use_venue || use_venue[v])
            grid->order[fill[cell_of[v]]++] = (uint32_t)v;
    lm__free(fill);
    lm__free(cell_of);
    return LM_OK;
}

void lm__venue_grid_free(lm_venue_grid *grid)
{
    lm__free(grid->x);
    lm__free(grid->y);
    lm__free(grid->order);
    lm__free(grid->start);
    memset(grid, 0, sizeof *grid);
}

/* Could `p` meet at venue v, open in `open`? */
static bool usable(const lm_venue *venue, uint64_t open, const lm_participant *p)
{
    if (!p)
        return true;
    if (p->step_free && !venue->step_free)
        return false;
    return !p->availability || (p->availability & open);
}

int lm__venue_grid_nearest(const lm_venue_grid *grid, const lm_pool *pool, double lat,
                           double lon, const lm_participant *p, const uint64_t *open,
                           double reach_km, int k, uint32_t *venue, float *d2)
{
    if (!grid->start || k <= 0)
        return 0;
    double x, y;
    project(grid, lat, lon, &x, &y);
    long cx = (long)floor((x - grid->x0) / grid->cell);
    long cy = (long)floor((y - grid->y0) / grid->cell);
    /* rings beyond the grid's far edge hold nothing */
    long limit = (long)(grid->width > grid->height ? grid->width : grid->height) + labs(cx) +
                 labs(cy) + 2;
    if (isfinite(reach_km) && reach_km / grid->cell + 2 < (double)limit)
        limit = (long)(reach_km / grid->cell) + 2;
    /* nor do rings that lie wholly outside the grid */
    long far = labs(cx);
    far = labs(cx - (long)grid->width + 1) > far ? labs(cx - (long)grid->width + 1) : far;
    far = labs(cy) > far ? labs(cy) : far;
    far = labs(cy - (long)grid->height + 1) > far ? labs(cy - (long)grid->height + 1) : far;
    if (far < limit)
        limit = far;
    /* nor do the rings before the first that reaches the grid */
    long first = 0;
    first = -cx > first ? -cx : first;
    first = cx - (long)grid->width + 1 > first ? cx - (long)grid->width + 1 : first;
    first = -cy > first ? -cy : first;
    first = cy - (long)grid->height + 1 > first ? cy - (long)grid->height + 1 : first;
    double reach2 = reach_km * reach_km;
    int found = 0;
    for (long ring = first; ring <= limit; ring++) {
        /* points in ring r are at least (r - 1) cells away */
        if (ring > 0 && found == k && (double)(ring - 1) * grid->cell > sqrt(d2[k - 1]))
            break;
        long top = cy - ring > 0 ? cy - ring : 0;
        long bottom = cy + ring < (long)grid->height - 1 ? cy + ring : (long)grid->height - 1;
        long right = cx + ring < (long)grid->width - 1 ? cx + ring : (long)grid->width - 1;
        for (long gy = top; gy <= bottom; gy++) {
            /* the ring's top and bottom rows whole, of the others both ends */
            bool whole = labs(gy - cy) == ring;
            long step = whole ? 1 : 2 * ring;
            for (long gx = whole && cx - ring < 0 ? 0 : cx - ring; gx <= right; gx += step) {
                if (gx < 0)
                    continue;
                size_t c = (size_t)gy * grid->width + (size_t)gx;
                for (uint32_t at = grid->start[c]; at < grid->start[c + 1]; at++) {
                    uint32_t v = grid->order[at];
                    double dx = grid->x[v] - x, dy = grid->y[v] - y;
                    float dist2 = (float)(dx * dx + dy * dy);
                    if ((double)dist2 > reach2 ||
                        !usable(&pool->venues[v], open ? open[v] : pool->venues[v].open, p))
                        continue;
                    /* insertion into the sorted list of the best k */
                    int i;
                    if (found < k)
                        i = found++;
                    else if (dist2 > d2[k - 1] || (dist2 == d2[k - 1] && v > venue[k - 1]))
                        continue;
                    else
                        i = k - 1;
                    while (i > 0 && (d2[i - 1] > dist2 || (d2[i - 1] == dist2 && venue[i - 1] > v))) {
                        d2[i] = d2[i - 1];
                        venue[i] = venue[i - 1];
                        i--;
                    }
                    d2[i] = dist2;
                    venue[i] = v;
                }
            }
        }
    }
    return found;
}

/* ---- many people at once, on threads ------------------------------------- */

/* People a chunk of the batch query takes. */
#define NEAREST_CHUNK 4096

typedef struct nearest_batch {
    const lm_venue_grid *grid;
    const lm_pool *pool;
    const lm_params *params;
    const uint32_t *who;
    size_t count;
    const uint64_t *open;
    int k;
    bool as_person;
    uint32_t *venue;
    float *d2;
    uint8_t *found;
} nearest_batch;

static int nearest_chunk(void *context, size_t worker, size_t chunk)
{
    (void)worker;
    const nearest_batch *b = context;
    size_t end = (chunk + 1) * NEAREST_CHUNK < b->count ? (chunk + 1) * NEAREST_CHUNK : b->count;
    float scratch[LM_NEAREST_MAX];
    for (size_t i = chunk * NEAREST_CHUNK; i < end; i++) {
        const lm_participant *person = &b->pool->people[b->who[i]];
        float *d2 = b->d2 ? b->d2 + i * (size_t)b->k : scratch;
        int found = lm__venue_grid_nearest(
            b->grid, b->pool, person->lat, person->lon, b->as_person ? person : NULL, b->open,
            b->as_person ? lm__max_km(person, b->params) : INFINITY, b->k,
            b->venue + i * (size_t)b->k, d2);
        b->found[i] = (uint8_t)found;
    }
    return LM_OK;
}

int lm__venue_grid_nearest_all(const lm_venue_grid *grid, const lm_pool *pool,
                               const lm_params *params, const uint32_t *who, size_t count,
                               bool as_person, const uint64_t *open, int k, uint32_t *venue,
                               float *d2, uint8_t *found)
{
    if (k < 1 || k > LM_NEAREST_MAX)
        return LM_E_INVALID;
    nearest_batch b = {grid, pool, params, who, count, open, k, as_person, venue, d2, found};
    size_t chunks = (count + NEAREST_CHUNK - 1) / NEAREST_CHUNK;
    size_t workers = params->threads > 1 ? (size_t)params->threads : 1;
    return chunks ? lm__parallel(workers, chunks, nearest_chunk, &b) : LM_OK;
}
