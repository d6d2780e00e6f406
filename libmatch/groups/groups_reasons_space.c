/* Distances for the reasons (groups_reasons.c): which venues and which
 * people lie within someone's reach. Every answer is sound for the
 * haversine rule of engine/constraints.c: boxes of degrees bound it from
 * above, and the rule itself decides at the end. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "groups/groups_reasons_internal.h"

#define RADIANS (3.14159265358979323846 / 180.0)
#define KM_PER_DEGREE (LM_EARTH_RADIUS_KM * RADIANS)
#define FAR_MAX 256       /* people scanned one by one, not by grid */
#define SCAN_BUDGET 16384 /* people one scan looks at */

/* The latitude term of haversine alone bounds dlat; with both latitudes
 * within dlat of lat, the longitude term bounds dlon. */
void lm__degree_box(double lat, double km, double *dlat, double *dlon)
{
    double half = km * (1.0 + 1e-9) / (2.0 * LM_EARTH_RADIUS_KM) + 1e-12;
    *dlat = *dlon = 360.0;
    if (half >= 1.5707963267948966)
        return;
    *dlat = 2.0 * half / RADIANS;
    double far = fabs(lat) + *dlat;
    if (far >= 90.0)
        return;
    double c = cos(lat * RADIANS) * cos(far * RADIANS), s = sin(half);
    if (c > 0.0 && s * s < c)
        *dlon = 2.0 * asin(s / sqrt(c)) / RADIANS;
}

bool lm__lon_wraps(double lon, double dlon)
{
    return dlon >= 180.0 || lon - dlon < -180.0 || lon + dlon > 180.0;
}

bool lm__cell_range(double from, double to, double origin, double cell, uint32_t cells,
                    uint32_t *lo, uint32_t *hi)
{
    double a = floor((from - origin) / cell), b = floor((to - origin) / cell);
    if (b < 0.0)
        return false;
    double last = (double)cells - 1.0;
    *lo = a <= 0.0 ? 0 : a >= last ? cells - 1 : (uint32_t)a;
    *hi = b >= last ? cells - 1 : (uint32_t)b;
    return true;
}

lm_reach lm__reach_of(const lm_explain *e, const lm_participant *p)
{
    lm_reach r;
    r.km = lm__max_km(p, e->params);
    double half = r.km / (2.0 * LM_EARTH_RADIUS_KM);
    double chord = half < 1.5707963267948966 ? 2.0 * sin(half) : 2.0;
    r.inside = chord * chord * (1.0 - 1e-9);
    r.outside = chord * chord * (1.0 + 1e-9) + 1e-15;
    lm__unit_vector(p->lat, p->lon, r.xyz);
    return r;
}

bool lm__venue_in_reach(const lm_explain *e, const lm_reach *r, const lm_participant *p,
                        uint32_t v)
{
    const double *to = e->venue_xyz + 3 * (size_t)v;
    double dx = r->xyz[0] - to[0], dy = r->xyz[1] - to[1], dz = r->xyz[2] - to[2];
    double d2 = dx * dx + dy * dy + dz * dz;
    const lm_venue *venue = &e->pool->venues[v];
    return d2 < r->inside ||
           (d2 <= r->outside && !lm__too_far(p, r->km, venue->lat, venue->lon, NULL));
}

bool lm__venue_cells(const lm_explain *e, const lm_participant *p, uint32_t box[4])
{
    const lm_venue_grid *g = &e->grid;
    if (!g->start)
        return false;
    double dlat, dlon, scale = 111.32 * g->cos_lat; /* groups_grid.c's projection */
    lm__degree_box(p->lat, lm__max_km(p, e->params), &dlat, &dlon);
    box[0] = 0;
    box[1] = g->width - 1;
    box[2] = 0;
    box[3] = g->height - 1;
    if (!lm__lon_wraps(p->lon, dlon) &&
        !lm__cell_range((p->lon - dlon) * scale, (p->lon + dlon) * scale, g->x0, g->cell,
                        g->width, &box[0], &box[1]))
        return false;
    return dlat >= 90.0 || lm__cell_range((p->lat - dlat) * 110.57, (p->lat + dlat) * 110.57,
                                          g->y0, g->cell, g->height, &box[2], &box[3]);
}

bool lm__each_venue(const lm_explain *e, const lm_participant *p, lm_venue_visit visit,
                    void *context)
{
    const lm_venue_grid *g = &e->grid;
    uint32_t box[4];
    if (!lm__venue_cells(e, p, box))
        return false;
    uint64_t free_at = lm__free_slots(e, p);
    lm_reach reach = lm__reach_of(e, p);
    for (uint32_t y = box[2]; y <= box[3]; y++)
        for (uint32_t x = box[0]; x <= box[1]; x++) {
            size_t c = (size_t)y * g->width + x;
            for (uint32_t at = g->start[c]; at < g->start[c + 1]; at++) {
                uint32_t v = g->order[at];
                const lm_venue *venue = &e->pool->venues[v];
                if ((p->step_free && !venue->step_free) || !(venue->open & free_at) ||
                    !lm__venue_in_reach(e, &reach, p, v))
                    continue;
                if (visit(e, p, v, context))
                    return true;
            }
        }
    return false;
}

/* ---- grids of points --------------------------------------------------------- */

static uint32_t cell_of(double value, double origin, double cell, uint32_t cells)
{
    double c = floor((value - origin) / cell);
    return c <= 0.0 ? 0 : c >= (double)cells - 1.0 ? cells - 1 : (uint32_t)c;
}

int lm__point_grid_build(lm_point_grid *g, size_t count, lm_point_fn at, const void *context,
                         double cell_km, double cells_per_point)
{
    memset(g, 0, sizeof *g);
    double lat_min = 0.0, lat_max = 0.0, lon_min = 0.0, lon_max = 0.0, lat, lon;
    for (size_t k = 0; k < count; k++) {
        at(context, k, &lat, &lon);
        lat_min = k ? fmin(lat_min, lat) : lat;
        lat_max = k ? fmax(lat_max, lat) : lat;
        lon_min = k ? fmin(lon_min, lon) : lon;
        lon_max = k ? fmax(lon_max, lon) : lon;
    }
    double squeeze = fmax(cos((lat_min + lat_max) / 2.0 * RADIANS), 0.05);
    g->lat0 = lat_min;
    g->lon0 = lon_min;
    g->cell_lat = fmax(cell_km / KM_PER_DEGREE, 1e-6);
    /* every point in a cell of its own coordinates: no clamping, so a ring
     * of cells around a point bounds the distances in it */
    for (;;) {
        g->cell_lon = g->cell_lat / squeeze;
        double w = floor((lon_max - lon_min) / g->cell_lon) + 1.0;
        double h = floor((lat_max - lat_min) / g->cell_lat) + 1.0;
        if (w <= 4096.0 && h <= 4096.0 && w * h <= cells_per_point * (double)count + 16.0) {
            g->width = (uint32_t)w;
            g->height = (uint32_t)h;
            break;
        }
        g->cell_lat *= 2.0;
    }
    size_t cells = (size_t)g->width * g->height;
    g->start = lm__calloc(cells + 1, sizeof *g->start);
    g->order = lm__malloc((count ? count : 1) * sizeof *g->order);
    if (!g->start || !g->order)
        return LM_E_NOMEM;
    for (size_t k = 0; k < count; k++) {
        at(context, k, &lat, &lon);
        g->start[(size_t)cell_of(lat, g->lat0, g->cell_lat, g->height) * g->width +
                 cell_of(lon, g->lon0, g->cell_lon, g->width) + 1]++;
    }
    for (size_t c = 0; c < cells; c++)
        g->start[c + 1] += g->start[c];
    for (size_t k = 0; k < count; k++) {
        at(context, k, &lat, &lon);
        size_t c = (size_t)cell_of(lat, g->lat0, g->cell_lat, g->height) * g->width +
                   cell_of(lon, g->lon0, g->cell_lon, g->width);
        g->order[g->start[c]++] = (uint32_t)k;
    }
    for (size_t c = cells; c > 0; c--) /* the fill moved each start to the next */
        g->start[c] = g->start[c - 1];
    g->start[0] = 0;
    return LM_OK;
}

void lm__point_grid_free(lm_point_grid *g)
{
    lm__free(g->start);
    lm__free(g->order);
    memset(g, 0, sizeof *g);
}

bool lm__point_box(const lm_point_grid *g, double lat, double lon, double dlat, double dlon,
                   uint32_t box[4])
{
    if (!g->start)
        return false;
    box[0] = 0;
    box[1] = g->width - 1;
    box[2] = 0;
    box[3] = g->height - 1;
    if (!lm__lon_wraps(lon, dlon) && !lm__cell_range(lon - dlon, lon + dlon, g->lon0,
                                                     g->cell_lon, g->width, &box[0], &box[1]))
        return false;
    return dlat >= 90.0 || lm__cell_range(lat - dlat, lat + dlat, g->lat0, g->cell_lat,
                                          g->height, &box[2], &box[3]);
}

/* ---- people near someone ------------------------------------------------------ */

typedef struct people_points {
    const lm_pool *pool;
    const uint32_t *who;
} people_points;

static void person_point(const void *context, size_t k, double *lat, double *lon)
{
    const people_points *s = context;
    const lm_participant *p = &s->pool->people[s->who[k]];
    *lat = p->lat;
    *lon = p->lon;
}

int lm__people_index_build(const lm_explain *e, const uint8_t *take, lm_people_index *ix)
{
    const lm_pool *pool = e->pool;
    memset(ix, 0, sizeof *ix);
    size_t located = 0, histogram[2048] = {0};
    for (size_t p = 0; p < pool->count; p++)
        if (pool->people[p].has_location && (!take || take[p])) {
            double km = lm__max_km(&pool->people[p], e->params);
            histogram[km >= 1023.0 ? 2047 : (size_t)ceil(km * 2.0)]++;
            located++;
        }
    /* the grid holds max_km up to reach (bucket b: up to b / 2 km); the
     * FAR_MAX or fewer above it are scanned one by one */
    size_t above = 0, b = 2047;
    while (b > 0 && above + histogram[b] <= FAR_MAX)
        above += histogram[b--];
    ix->reach = b == 2047 ? INFINITY : (double)b / 2.0;
    ix->who = lm__malloc((located ? located : 1) * sizeof *ix->who);
    ix->far = lm__malloc((above ? above : 1) * sizeof *ix->far);
    if (!ix->who || !ix->far)
        return LM_E_NOMEM;
    size_t in_grid = 0;
    for (size_t p = 0; p < pool->count; p++) {
        const lm_participant *person = &pool->people[p];
        if (!person->has_location || (take && !take[p]))
            continue;
        if (lm__max_km(person, e->params) > ix->reach)
            ix->far[ix->far_count++] = (uint32_t)p;
        else
            ix->who[in_grid++] = (uint32_t)p;
    }
    if (isinf(ix->reach)) { /* beyond 1,000 km the grid takes them all */
        double most = 0.0;
        for (size_t k = 0; k < in_grid; k++)
            most = fmax(most, lm__max_km(&pool->people[ix->who[k]], e->params));
        ix->reach = most;
    }
    people_points points = {pool, ix->who};
    return lm__point_grid_build(&ix->grid, in_grid, person_point, &points,
                                fmax(e->params->default_max_km, 0.5), 4.0);
}

void lm__people_index_free(lm_people_index *ix)
{
    lm__point_grid_free(&ix->grid);
    lm__free(ix->who);
    lm__free(ix->far);
    memset(ix, 0, sizeof *ix);
}

static bool near_enough(const lm_explain *e, const lm_participant *p, const lm_participant *o,
                        double mine, double *km)
{
    if (!p->has_location) {
        *km = 0.0;
        return true;
    }
    double theirs = lm__max_km(o, e->params);
    *km = lm_distance_km(p->lat, p->lon, o->lat, o->lon);
    /* both within reach of one point: never farther apart than the sum */
    return *km <= (mine + theirs) * (1.0 + 1e-9) + 1e-9;
}

int lm__near_people(const lm_explain *e, const lm_people_index *ix, const lm_participant *p,
                    size_t self, lm_person_visit visit, void *context)
{
    double mine = p->has_location ? lm__max_km(p, e->params) : INFINITY, km;
    size_t looked = 0;
    for (size_t k = 0; k < ix->far_count; k++) {
        const lm_participant *o = &e->pool->people[ix->far[k]];
        if (ix->far[k] == self || !near_enough(e, p, o, mine, &km))
            continue;
        if (++looked > SCAN_BUDGET)
            return -1;
        if (visit(e, p, ix->far[k], km, context))
            return 1;
    }
    double dlat = 360.0, dlon = 360.0;
    if (p->has_location)
        lm__degree_box(p->lat, mine + ix->reach, &dlat, &dlon);
    uint32_t box[4];
    if (!lm__point_box(&ix->grid, p->lat, p->lon, dlat, dlon, box))
        return 0;
    /* the cells of the box in rings around p's: the nearest people first,
     * so that a visit that stops once it has seen enough stops early */
    const lm_point_grid *g = &ix->grid;
    long px = p->has_location ? (long)floor((p->lon - g->lon0) / g->cell_lon) : (long)box[0];
    long py = p->has_location ? (long)floor((p->lat - g->lat0) / g->cell_lat) : (long)box[2];
    long x0 = box[0], x1 = box[1], y0 = box[2], y1 = box[3];
    long last = labs(px - x0) > labs(px - x1) ? labs(px - x0) : labs(px - x1);
    last = labs(py - y0) > last ? labs(py - y0) : last;
    last = labs(py - y1) > last ? labs(py - y1) : last;
    for (long ring = 0; ring <= last; ring++) {
        long top = py - ring > y0 ? py - ring : y0, bottom = py + ring < y1 ? py + ring : y1;
        long left = px - ring > x0 ? px - ring : x0, right = px + ring < x1 ? px + ring : x1;
        for (long y = top; y <= bottom; y++) {
            bool whole = labs(y - py) == ring; /* else only the ring's two ends */
            for (long x = whole ? left : px - ring; x <= right; x += whole ? 1 : 2 * ring) {
                if (x < x0)
                    continue;
                size_t c = (size_t)y * g->width + (size_t)x;
                for (uint32_t at = g->start[c]; at < g->start[c + 1]; at++) {
                    uint32_t other = ix->who[g->order[at]];
                    const lm_participant *o = &e->pool->people[other];
                    if (other == self)
                        continue;
                    if (++looked > SCAN_BUDGET)
                        return -1;
                    if (near_enough(e, p, o, mine, &km) && visit(e, p, other, km, context))
                        return 1;
                }
            }
        }
    }
    return 0;
}
