/* People counted by role, language and slot for the reasons
 * (groups_reasons.c), and with venues exactly at every venue: which groups
 * the people still out could make there.
 *
 * With venues every hard constraint is one between a member and the
 * group's (venue, slot, language), so a group of p exists at venue v and
 * slot t exactly when, among the people who can use v, enough of each role
 * speak one of p's languages (or gave none) and are free at t. The counts
 * only matter up to max(min_per_role, min_size): a venue's count of a
 * language stops once it is full at every slot the venue opens, so a
 * common language costs a few people near the venue and only a rare one
 * costs all its speakers in reach. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/parallel_internal.h"
#include "groups/groups_reasons_internal.h"

#define UNKNOWN LM_LANGUAGE_UNKNOWN
#define LEVELS_MAX 65
#define RADIANS (3.14159265358979323846 / 180.0)
#define VENUE_CHUNK 8
#define BLOCK_SIDE 8      /* cells of the venue grid a block side spans */

/* ---- tallies ------------------------------------------------------------------ */

/* A tally counts people by role and language bucket (languages 0..63, and
 * UNKNOWN for those who gave none) for every slot at once: level k of a
 * bucket is the set of slots in which at least k of its people are free.
 * Counts stop at levels - 1, so adding a person costs a few mask
 * operations. */
static uint64_t *level(const lm_explain *e, uint64_t *t, int role, int bucket)
{
    return t + ((size_t)role * LM_BUCKETS + (size_t)bucket) * (size_t)e->levels;
}

static const uint64_t *clevel(const lm_explain *e, const uint64_t *t, int role, int bucket)
{
    return t + ((size_t)role * LM_BUCKETS + (size_t)bucket) * (size_t)e->levels;
}

static void count_in(const lm_explain *e, uint64_t *at, uint64_t slots)
{
    for (int k = e->levels - 1; k >= 2; k--)
        at[k] |= at[k - 1] & slots;
    at[1] |= slots;
}

void lm__tally_person(const lm_explain *e, uint64_t *t, const lm_participant *p, uint64_t slots)
{
    uint64_t spoken = lm__spoken(e, p);
    if (!spoken)
        count_in(e, level(e, t, p->role, UNKNOWN), slots);
    for (; spoken; spoken &= spoken - 1)
        count_in(e, level(e, t, p->role, __builtin_ctzll(spoken)), slots);
}

/* at_least[k]: the slots in which the speakers of `bucket` and the people
 * who gave no language (of one role) number at least k. */
static void combined(const lm_explain *e, const uint64_t *t, int bucket, int role,
                     uint64_t at_least[LEVELS_MAX])
{
    const uint64_t *known = clevel(e, t, role, bucket), *unknown = clevel(e, t, role, UNKNOWN);
    at_least[0] = ~(uint64_t)0;
    for (int k = 1; k < e->levels; k++) {
        uint64_t m = unknown[k];
        if (bucket != UNKNOWN) {
            m |= known[k];
            for (int i = 1; i < k; i++)
                m |= known[i] & unknown[k - i];
        }
        at_least[k] = m;
    }
}

/* The slots in which `bucket` holds enough people for a group with someone
 * of role `role`: with self_in the tally counts that someone, without only
 * the others. */
static uint64_t feasible(const lm_explain *e, const uint64_t *t, int bucket, int role,
                         bool self_in)
{
    int top = e->levels - 1, less = self_in ? 0 : 1;
    uint64_t own[LEVELS_MAX], other[LEVELS_MAX];
    combined(e, t, bucket, role, own);
    combined(e, t, bucket, 1 - role, other);
    int need_total = e->min_size - less;
    uint64_t total = 0;
    for (int k = 0; k <= top; k++) {
        int rest = need_total - k;
        total |= own[k] & other[rest > 0 ? rest : 0];
    }
    return own[e->q - less] & other[e->q] & total & e->all_slots;
}

static bool bucket_empty(const lm_explain *e, const uint64_t *t, int bucket)
{
    return !(clevel(e, t, 0, bucket)[1] | clevel(e, t, 1, bucket)[1]);
}

uint64_t lm__tally_feasible_for(const lm_explain *e, const uint64_t *t, const lm_participant *p,
                                bool self_in)
{
    uint64_t spoken = lm__spoken(e, p), slots = 0;
    if (!spoken) {
        slots = feasible(e, t, UNKNOWN, p->role, self_in);
        for (int b = 0; b < UNKNOWN; b++)
            if (!bucket_empty(e, t, b))
                slots |= feasible(e, t, b, p->role, self_in);
        return slots;
    }
    for (; spoken; spoken &= spoken - 1)
        slots |= feasible(e, t, __builtin_ctzll(spoken), p->role, self_in);
    return slots;
}

/* A venue's row from its tally (which counts the person asked about),
 * within `mask`. */
static void row_fill(const lm_explain *e, const uint64_t *t, uint64_t mask, uint64_t *row)
{
    for (int role = 0; role < 2; role++) {
        uint64_t unknown = feasible(e, t, UNKNOWN, role, true) & mask, any = unknown;
        for (int b = 0; b < UNKNOWN; b++) {
            uint64_t f = bucket_empty(e, t, b) ? unknown : feasible(e, t, b, role, true) & mask;
            row[b * 2 + role] = f;
            any |= f;
        }
        row[UNKNOWN * 2 + role] = unknown;
        row[LM_ANY * 2 + role] = any;
    }
}

uint64_t lm__row_for(const lm_explain *e, const uint64_t *row, const lm_participant *p)
{
    uint64_t spoken = lm__spoken(e, p), slots = 0;
    if (!spoken)
        return row[LM_ANY * 2 + p->role];
    for (; spoken; spoken &= spoken - 1)
        slots |= row[__builtin_ctzll(spoken) * 2 + p->role];
    return slots;
}

/* ---- the people still out, by language, slot and role ----------------------------- */

/* A located person still out as the scans read them, in Z-order of their
 * homes so that the people of a cell lie close in memory. */
typedef struct scan_point {
    double xyz[3];         /* home on the unit sphere */
    float inside, outside; /* reach as squared chords, widened for float */
    uint32_t k;
    uint8_t step_free;
} scan_point;

/* The people of one (language, slot, role) in a grid; order[] holds
 * indices of scan points. */
typedef struct pair_grid {
    lm_point_grid grid;
    double reach; /* the largest max_km among them */
} pair_grid;

#define PAIRS ((size_t)LM_BUCKETS * 64 * 2)

static size_t pair_of(int bucket, int slot, int role)
{
    return ((size_t)bucket * 64 + (size_t)slot) * 2 + (size_t)role;
}

typedef struct keyed {
    uint32_t key, k;
} keyed;

/* Sorts by key, ties in k order (LSD radix sort: stable). */
static int sort_keyed(keyed *items, size_t count)
{
    keyed *spare = lm__malloc((count ? count : 1) * sizeof *spare);
    if (!spare)
        return LM_E_NOMEM;
    for (int shift = 0; shift < 32; shift += 8) {
        size_t start[257] = {0};
        for (size_t i = 0; i < count; i++)
            start[(items[i].key >> shift & 255) + 1]++;
        for (int d = 0; d < 256; d++)
            start[d + 1] += start[d];
        for (size_t i = 0; i < count; i++)
            spare[start[items[i].key >> shift & 255]++] = items[i];
        memcpy(items, spare, count * sizeof *items);
    }
    lm__free(spare);
    return LM_OK;
}

/* Where the scan points are, for building grids: in the same order. */
typedef struct point_homes {
    double *lat, *lon, *km;
} point_homes;

/* The scan points of the located people still out, in Z-order. */
static int scan_points(const lm_explain *e, scan_point **points, point_homes *homes,
                       size_t *count)
{
    size_t n = 0;
    for (size_t k = 0; k < e->count; k++)
        n += e->out[k].located;
    keyed *order = lm__malloc((n ? n : 1) * sizeof *order);
    *points = lm__malloc((n ? n : 1) * sizeof **points);
    homes->lat = lm__malloc((n ? n : 1) * sizeof *homes->lat);
    homes->lon = lm__malloc((n ? n : 1) * sizeof *homes->lon);
    homes->km = lm__malloc((n ? n : 1) * sizeof *homes->km);
    *count = n;
    if (!order || !*points || !homes->lat || !homes->lon || !homes->km) {
        lm__free(order);
        return LM_E_NOMEM;
    }
    n = 0;
    for (size_t k = 0; k < e->count; k++)
        if (e->out[k].located) {
            const lm_participant *p = &e->pool->people[e->who[k]];
            order[n++] = (keyed){(uint32_t)lm__z_key(p->lat, p->lon), (uint32_t)k};
        }
    int status = sort_keyed(order, n);
    for (size_t r = 0; r < n && status == LM_OK; r++) {
        const lm_out_person *o = &e->out[order[r].k];
        scan_point *sp = &(*points)[r];
        memcpy(sp->xyz, o->xyz, sizeof sp->xyz);
        /* float keeps 7 digits: 1e-6 either side, and haversine between */
        sp->inside = (float)(o->inside * (1.0 - 1e-6));
        sp->outside = (float)(o->outside * (1.0 + 1e-6) + 1e-15);
        sp->k = order[r].k;
        sp->step_free = o->step_free;
        const lm_participant *p = &e->pool->people[e->who[sp->k]];
        homes->lat[r] = p->lat;
        homes->lon[r] = p->lon;
        homes->km[r] = lm__max_km(p, e->params);
    }
    lm__free(order);
    return status;
}

/* Every (language, slot, role) of every scan point: counted in at[pair],
 * or, with members, listed at members[at[pair]++]. */
static void walk_pairs(const lm_explain *e, const scan_point *points, size_t count, size_t *at,
                       uint32_t *members)
{
    for (size_t r = 0; r < count; r++) {
        const lm_out_person *o = &e->out[points[r].k];
        uint64_t spoken = o->languages;
        do {
            int bucket = spoken ? __builtin_ctzll(spoken) : UNKNOWN;
            for (uint64_t s = o->slots; s; s &= s - 1) {
                size_t pair = pair_of(bucket, __builtin_ctzll(s), o->role);
                if (members)
                    members[at[pair]] = (uint32_t)r;
                at[pair]++;
            }
            spoken &= spoken - 1;
        } while (spoken);
    }
}

static void home_point(const void *context, size_t i, double *lat, double *lon)
{
    const double *homes = context; /* lat, lon, lat, lon, ... */
    *lat = homes[2 * i];
    *lon = homes[2 * i + 1];
}

typedef struct grid_job {
    const point_homes *homes;
    const size_t *number, *at; /* by pair: how many, where they end in members */
    const uint32_t *members;
    pair_grid *pairs;
} grid_job;

#define PAIR_CHUNK 16

static int grid_chunk(void *context, size_t worker, size_t chunk)
{
    (void)worker;
    const grid_job *job = context;
    int status = LM_OK;
    double *homes = NULL;
    size_t room = 0;
    for (size_t i = chunk * PAIR_CHUNK; i < (chunk + 1) * PAIR_CHUNK && i < PAIRS; i++) {
        size_t count = job->number[i];
        if (!count || status != LM_OK)
            continue;
        if (count > room) {
            lm__free(homes);
            room = count;
            homes = lm__malloc(2 * room * sizeof *homes);
            if (!homes) {
                status = LM_E_NOMEM;
                break;
            }
        }
        /* the members' homes side by side: the grid reads them three times */
        const uint32_t *mine = job->members + job->at[i] - count;
        pair_grid *pg = &job->pairs[i];
        for (size_t j = 0; j < count; j++) {
            homes[2 * j] = job->homes->lat[mine[j]];
            homes[2 * j + 1] = job->homes->lon[mine[j]];
            pg->reach = fmax(pg->reach, job->homes->km[mine[j]]);
        }
        /* cells of a few people: the first rings around a venue are cheap */
        status = lm__point_grid_build(&pg->grid, count, home_point, homes, 0.05, 1.0);
        for (size_t j = 0; j < count && status == LM_OK; j++)
            pg->grid.order[j] = mine[pg->grid.order[j]];
    }
    lm__free(homes);
    return status;
}

/* The grids of every (language, slot, role) with someone in it. */
static int pair_grids_build(const lm_explain *e, const scan_point *points,
                            const point_homes *homes, size_t count, pair_grid *pairs)
{
    size_t *number = lm__calloc(PAIRS, sizeof *number), *at = lm__calloc(PAIRS, sizeof *at);
    uint32_t *members = NULL;
    int status = LM_E_NOMEM;
    if (!number || !at)
        goto done;
    walk_pairs(e, points, count, number, NULL);
    size_t total = 0;
    for (size_t i = 0; i < PAIRS; i++) {
        at[i] = total;
        total += number[i];
    }
    members = lm__malloc((total ? total : 1) * sizeof *members);
    if (!members)
        goto done;
    walk_pairs(e, points, count, at, members);
    grid_job job = {homes, number, at, members, pairs};
    status = lm__parallel(e->workers, (PAIRS + PAIR_CHUNK - 1) / PAIR_CHUNK, grid_chunk, &job);
done:
    lm__free(number);
    lm__free(at);
    lm__free(members);
    return status;
}

/* Counts scan point r at venue v (role, bucket, slot) when they can use v:
 * step-free access, within their distance. */
static void count_at(const lm_explain *e, const scan_point *sp, int role, int bucket,
                     uint64_t slot, uint32_t v, uint64_t *t)
{
    const lm_venue *venue = &e->pool->venues[v];
    if (sp->step_free && !venue->step_free)
        return;
    const double *to = e->venue_xyz + 3 * (size_t)v;
    double dx = sp->xyz[0] - to[0], dy = sp->xyz[1] - to[1], dz = sp->xyz[2] - to[2];
    double d2 = dx * dx + dy * dy + dz * dz;
    if (d2 > (double)sp->outside)
        return;
    if (d2 >= (double)sp->inside) {
        const lm_participant *p = &e->pool->people[e->who[sp->k]];
        if (lm__too_far(p, lm__max_km(p, e->params), venue->lat, venue->lon, NULL))
            return;
    }
    count_in(e, level(e, t, role, bucket), slot);
}

/* Whether more people of `bucket` and `role` free at `slot` could change
 * the venue's rows: not once, with the people of that role who gave no
 * language, they are counted to the top there. */
static bool full_count(const lm_explain *e, const uint64_t *t, int bucket, int role,
                       uint64_t slot)
{
    uint64_t at_least[LEVELS_MAX];
    combined(e, t, bucket, role, at_least);
    return (at_least[e->levels - 1] & slot) != 0;
}

/* A lower bound of the distance of any point in ring `ring` of cells
 * around a point of the grid: ring - 1 whole cells of latitude or of
 * longitude lie between them. */
static double ring_km(const lm_explain *e, const lm_point_grid *g, long ring)
{
    if (ring < 2)
        return 0.0;
    double cells = (double)(ring - 1);
    double by_lat = LM_EARTH_RADIUS_KM * cells * g->cell_lat * RADIANS;
    double lon = cells * g->cell_lon * RADIANS;
    double by_lon = lon >= 3.14159265358979323846
                        ? 0.0
                        : 2.0 * LM_EARTH_RADIUS_KM * asin(fmin(1.0, e->far_cos * sin(lon / 2.0)));
    return fmin(by_lat, by_lon);
}

/* Counts the people of a (language, slot, role) who can use venue v,
 * nearest cells first, until the count there is full or nobody farther
 * could reach v. */
static void count_pair(const lm_explain *e, const scan_point *points, const pair_grid *pg,
                       int bucket, int slot, int role, uint32_t v, uint64_t *t)
{
    const lm_point_grid *g = &pg->grid;
    uint64_t bit = (uint64_t)1 << slot;
    if (!g->start || full_count(e, t, bucket, role, bit))
        return;
    const lm_venue *venue = &e->pool->venues[v];
    long vx = (long)floor((venue->lon - g->lon0) / g->cell_lon);
    long vy = (long)floor((venue->lat - g->lat0) / g->cell_lat);
    long w = (long)g->width, h = (long)g->height;
    long last = labs(vx);
    last = labs(vx - w + 1) > last ? labs(vx - w + 1) : last;
    last = labs(vy) > last ? labs(vy) : last;
    last = labs(vy - h + 1) > last ? labs(vy - h + 1) : last;
    for (long ring = 0; ring <= last; ring++) {
        if (ring_km(e, g, ring) > pg->reach * (1.0 + 1e-9) + 1e-9)
            break;
        long top = vy - ring > 0 ? vy - ring : 0, bottom = vy + ring < h - 1 ? vy + ring : h - 1;
        long left = vx - ring > 0 ? vx - ring : 0, right = vx + ring < w - 1 ? vx + ring : w - 1;
        for (long y = top; y <= bottom; y++) {
            /* the ring's top and bottom rows whole, of the others both ends */
            bool whole = labs(y - vy) == ring;
            for (long x = whole ? left : vx - ring; x <= right; x += whole ? 1 : 2 * ring) {
                if (x < 0)
                    continue;
                size_t c = (size_t)y * g->width + (size_t)x;
                for (uint32_t at = g->start[c]; at < g->start[c + 1]; at++)
                    count_at(e, &points[g->order[at]], role, bucket, bit, v, t);
            }
        }
        if (full_count(e, t, bucket, role, bit))
            return;
    }
}

typedef struct count_job {
    lm_explain *e;
    const scan_point *points;
    const pair_grid *pairs; /* PAIRS */
    uint64_t present;       /* languages 0..63 somebody out speaks */
} count_job;

/* The rows of VENUE_CHUNK venues: everybody still out who can use the
 * venue, those without a location included, counted by language, slot and
 * role. */
static int count_chunk(void *context, size_t worker, size_t chunk)
{
    const count_job *job = context;
    lm_explain *e = job->e;
    uint64_t *t = e->scratch[worker].tally;
    size_t n = e->pool->venue_count;
    size_t end = (chunk + 1) * VENUE_CHUNK < n ? (chunk + 1) * VENUE_CHUNK : n;
    for (size_t v = chunk * VENUE_CHUNK; v < end; v++) {
        const lm_venue *venue = &e->pool->venues[v];
        uint64_t open = venue->open & e->all_slots;
        if (!open)
            continue;
        memcpy(t, e->unlocated + (venue->step_free ? e->tally_words : 0),
               e->tally_words * sizeof *t);
        /* the people who gave no language first: they count in every language */
        for (uint64_t s = open; s; s &= s - 1)
            for (int role = 0; role < 2; role++) {
                int slot = __builtin_ctzll(s);
                count_pair(e, job->points, &job->pairs[pair_of(UNKNOWN, slot, role)], UNKNOWN,
                           slot, role, (uint32_t)v, t);
            }
        for (uint64_t b = job->present; b; b &= b - 1)
            for (uint64_t s = open; s; s &= s - 1)
                for (int role = 0; role < 2; role++) {
                    int bucket = __builtin_ctzll(b), slot = __builtin_ctzll(s);
                    count_pair(e, job->points, &job->pairs[pair_of(bucket, slot, role)], bucket,
                               slot, role, (uint32_t)v, t);
                }
        row_fill(e, t, open, e->full + v * LM_ROW);
        row_fill(e, t, e->room[v], e->roomy + v * LM_ROW);
    }
    return LM_OK;
}

/* ---- the venues' places, groups with room, and blocks ------------------------------ */

static int blocks_build(const lm_explain *e, uint32_t side, lm_venue_blocks *b)
{
    const lm_venue_grid *g = &e->grid;
    b->side = side;
    b->width = (g->width + side - 1) / side;
    b->height = (g->height + side - 1) / side;
    size_t blocks = (size_t)b->width * b->height;
    b->full = lm__calloc(blocks * LM_ROW + 1, sizeof *b->full);
    b->room = lm__calloc(blocks * LM_ROW + 1, sizeof *b->room);
    b->join_slots = lm__calloc(blocks + 1, sizeof *b->join_slots);
    b->join_languages = lm__calloc(blocks + 1, sizeof *b->join_languages);
    if (!b->full || !b->room || !b->join_slots || !b->join_languages)
        return LM_E_NOMEM;
    for (uint32_t y = 0; y < g->height; y++)
        for (uint32_t x = 0; x < g->width; x++) {
            size_t c = (size_t)y * g->width + x;
            size_t block = (size_t)(y / side) * b->width + x / side;
            for (uint32_t at = g->start[c]; at < g->start[c + 1]; at++) {
                size_t v = g->order[at];
                for (size_t i = 0; i < LM_ROW; i++) {
                    b->full[block * LM_ROW + i] |= e->full[v * LM_ROW + i];
                    b->room[block * LM_ROW + i] |= e->roomy[v * LM_ROW + i];
                }
                for (size_t s = 0; s < e->slot_count; s++) {
                    uint64_t languages = e->join[v * e->slot_count + s];
                    b->join_slots[block] |= languages ? (uint64_t)1 << s : 0;
                    b->join_languages[block] |= languages;
                }
            }
        }
    return LM_OK;
}

/* Where the groups meet, which places have room, which groups have room. */
static int places(lm_explain *e)
{
    const lm_final_groups *gs = e->groups;
    size_t n = e->pool->venue_count, slots = e->slot_count;
    uint32_t *used = lm__calloc(n * slots + 1, sizeof *used);
    e->room = lm__calloc(n + 1, sizeof *e->room);
    e->join = lm__calloc(n * slots + 1, sizeof *e->join);
    e->place = lm__calloc(n * slots + 1, sizeof *e->place);
    e->join_union = lm__calloc(2 * slots + 1, sizeof *e->join_union);
    e->venue_xyz = lm__malloc((3 * n + 1) * sizeof *e->venue_xyz);
    if (!used || !e->room || !e->join || !e->place || !e->join_union || !e->venue_xyz) {
        lm__free(used);
        return LM_E_NOMEM;
    }
    for (size_t g = 0; g < gs->count; g++) {
        if (gs->venues[g] < 0 || gs->slots[g] < 0)
            continue;
        size_t place = (size_t)gs->venues[g] * slots + (size_t)gs->slots[g];
        used[place]++;
        e->place[place] |= lm__final_languages(e, g);
        if (lm__final_has_room(e, g))
            e->join[place] |= lm__final_languages(e, g);
    }
    for (size_t v = 0; v < n; v++) {
        const lm_venue *venue = &e->pool->venues[v];
        lm__unit_vector(venue->lat, venue->lon, e->venue_xyz + 3 * v);
        e->open_union[0] |= venue->open;
        e->open_union[1] |= venue->step_free ? venue->open : 0;
        for (size_t t = 0; t < slots; t++) {
            if (venue->open >> t & 1 && used[v * slots + t] < venue->capacity)
                e->room[v] |= (uint64_t)1 << t;
            e->join_union[t] |= e->join[v * slots + t];
            e->join_union[slots + t] |= venue->step_free ? e->join[v * slots + t] : 0;
        }
    }
    lm__free(used);
    return LM_OK;
}

int lm__venue_counts(lm_explain *e)
{
    size_t n = e->pool->venue_count;
    int status = places(e);
    if (status == LM_OK)
        status = lm__venue_grid_build(&e->grid, e->pool, NULL);
    e->full = lm__calloc(n * LM_ROW + 1, sizeof *e->full);
    e->roomy = lm__calloc(n * LM_ROW + 1, sizeof *e->roomy);
    pair_grid *pairs = lm__calloc(PAIRS, sizeof *pairs);
    scan_point *points = NULL;
    point_homes homes = {NULL, NULL, NULL};
    size_t located = 0;
    if (status == LM_OK && (!e->full || !e->roomy || !pairs))
        status = LM_E_NOMEM;
    uint64_t present = 0;
    for (size_t k = 0; k < e->count; k++)
        present |= e->out[k].located ? e->out[k].languages : 0;
    if (status == LM_OK)
        status = scan_points(e, &points, &homes, &located);
    if (status == LM_OK)
        status = pair_grids_build(e, points, &homes, located, pairs);
    lm__free(homes.lat);
    lm__free(homes.lon);
    lm__free(homes.km);
    count_job job = {e, points, pairs, present};
    if (status == LM_OK)
        status = lm__parallel(e->workers, (n + VENUE_CHUNK - 1) / VENUE_CHUNK, count_chunk, &job);
    for (size_t i = 0; pairs && i < PAIRS; i++)
        lm__point_grid_free(&pairs[i].grid);
    lm__free(pairs);
    lm__free(points);
    for (size_t v = 0; v < n && status == LM_OK; v++)
        for (size_t i = 0; i < LM_ROW; i++) {
            e->full_union[0][i] |= e->full[v * LM_ROW + i];
            e->room_union[0][i] |= e->roomy[v * LM_ROW + i];
            e->full_union[1][i] |= e->pool->venues[v].step_free ? e->full[v * LM_ROW + i] : 0;
            e->room_union[1][i] |= e->pool->venues[v].step_free ? e->roomy[v * LM_ROW + i] : 0;
        }
    if (status == LM_OK)
        status = blocks_build(e, BLOCK_SIDE, &e->blocks);
    return status == LM_OK ? blocks_build(e, 1, &e->cells) : status;
}

/* ---- what the venues offer someone ------------------------------------------------ */

/* A group with room meets at venue v at a slot p is free, with a language p
 * speaks. */
static bool joins_at(const lm_explain *e, const lm_participant *p, uint64_t spoken, uint32_t v)
{
    const uint64_t *at = e->join + (size_t)v * e->slot_count;
    for (uint64_t s = lm__free_slots(e, p) & e->pool->venues[v].open; s; s &= s - 1)
        if (at[__builtin_ctzll(s)] & spoken)
            return true;
    return false;
}

#define MAY_JOIN 1
#define MAY_ROOM 2
#define MAY_FULL 4

/* What block i of b may offer p (a superset of what its venues do). */
static int may_offer(const lm_explain *e, const lm_venue_blocks *b, size_t i,
                     const lm_participant *p, uint64_t spoken, uint64_t free_at, int want)
{
    int may = 0;
    if ((want & MAY_JOIN) && (b->join_slots[i] & free_at) && (b->join_languages[i] & spoken))
        may |= MAY_JOIN;
    if ((want & MAY_ROOM) && (lm__row_for(e, b->room + i * LM_ROW, p) & free_at))
        may |= MAY_ROOM;
    if ((want & MAY_FULL) && (lm__row_for(e, b->full + i * LM_ROW, p) & free_at))
        may |= MAY_FULL;
    return may;
}

int lm__venue_option(const lm_explain *e, const lm_participant *p)
{
    uint64_t free_at = lm__free_slots(e, p);
    uint64_t spoken = lm__spoken(e, p) ? p->languages : ~(uint64_t)0;
    if (!p->has_location) { /* every venue is in reach: the unions decide */
        size_t kind = p->step_free ? 1 : 0;
        for (uint64_t s = free_at; s; s &= s - 1)
            if (e->join_union[kind * e->slot_count + (size_t)__builtin_ctzll(s)] & spoken)
                return 2;
        if (lm__row_for(e, e->room_union[kind], p) & free_at)
            return 2;
        return (lm__row_for(e, e->full_union[kind], p) & free_at) ? 1 : 0;
    }
    const lm_venue_grid *g = &e->grid;
    const lm_venue_blocks *b = &e->blocks;
    uint32_t box[4];
    if (!lm__venue_cells(e, p, box))
        return 0;
    lm_reach reach = lm__reach_of(e, p);
    int found = 0;
    for (uint32_t by = box[2] / b->side; by <= box[3] / b->side; by++)
        for (uint32_t bx = box[0] / b->side; bx <= box[1] / b->side; bx++) {
            int want = MAY_JOIN | MAY_ROOM | (found ? 0 : MAY_FULL);
            int block = may_offer(e, b, (size_t)by * b->width + bx, p, spoken, free_at, want);
            if (!block)
                continue;
            uint32_t x0 = bx * b->side > box[0] ? bx * b->side : box[0];
            uint32_t y0 = by * b->side > box[2] ? by * b->side : box[2];
            uint32_t x1 = bx * b->side + b->side - 1 < box[1] ? bx * b->side + b->side - 1 : box[1];
            uint32_t y1 = by * b->side + b->side - 1 < box[3] ? by * b->side + b->side - 1 : box[3];
            for (uint32_t y = y0; y <= y1; y++)
                for (uint32_t x = x0; x <= x1; x++) {
                    size_t c = (size_t)y * g->width + x;
                    int cell = may_offer(e, &e->cells, c, p, spoken, free_at,
                                         block & ~(found ? MAY_FULL : 0));
                    for (uint32_t at = g->start[c]; cell && at < g->start[c + 1]; at++) {
                        uint32_t v = g->order[at];
                        const lm_venue *venue = &e->pool->venues[v];
                        if ((p->step_free && !venue->step_free) || !(venue->open & free_at) ||
                            !lm__venue_in_reach(e, &reach, p, v))
                            continue;
                        if (((cell & MAY_JOIN) && joins_at(e, p, spoken, v)) ||
                            ((cell & MAY_ROOM) &&
                             (lm__row_for(e, e->roomy + (size_t)v * LM_ROW, p) & free_at)))
                            return 2;
                        if (!found && (lm__row_for(e, e->full + (size_t)v * LM_ROW, p) & free_at))
                            found = 1;
                    }
                }
        }
    return found;
}
