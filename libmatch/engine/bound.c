/* lm_groups_bound(): an upper bound on the total of every feasible grouping,
 * in O(n (nnz + log n)) time (docs/solver.md, "Bounds", proves each step).
 *
 *   1. Where people could meet: the slots they are free at, with venues only
 *      those at which a venue within their reach (and step-free when needed)
 *      is open.
 *   2. Who could be in a group at all: a group shares a language and a slot,
 *      so each (language, slot) class must hold min_per_role of each role
 *      and min_size people; people in no such class are out, and the counts
 *      are taken again without them until nothing changes. Small pools also
 *      ask it pair by pair (bound_shares.c).
 *   3. Each person's share (bound_shares.c): a number s_i with score(S) <=
 *      the sum of s_i over the members of every feasible group S, less what
 *      a group earns as a whole (co-hosts, balance), counted per group here.
 *   4. The total is the sum over placed people of (s_i + mu), plus the group
 *      terms, minus mu n: maximised over how many newcomers and residents
 *      the roles, the sizes and the venues' places let be placed. */
#include <float.h>
#include <math.h>
#include <string.h>

#include "engine/bound_internal.h"
#include "engine/constraints_internal.h"
#include "model/result_internal.h"

#define KM_PER_DEGREE (LM_EARTH_RADIUS_KM * 3.14159265358979323846 / 180.0)
/* Rounds of "count the classes again without who is out". Stopping early
 * only leaves people counted who could have been ruled out. */
#define MAX_PASSES 32

/* ---- 1. where people could meet ------------------------------------------------- */

/* A grid over the venues holding, per cell, the OR of the open masks of its
 * venues (all venues, and step-free ones only). A person's reachable slots
 * are at most the OR over the cells that touch the box around their disc:
 * more cells only add slots, which keeps the bound valid. */
typedef struct venue_grid {
    double lat0, lon0, cell_lat, cell_lon;
    size_t rows, cols;
    uint64_t *open[2];
    uint64_t all[2];
} venue_grid;

static int grid_build(venue_grid *g, const lm_pool *pool, double cell_km)
{
    memset(g, 0, sizeof *g);
    double lat0 = 90, lat1 = -90, lon0 = 180, lon1 = -180;
    for (size_t v = 0; v < pool->venue_count; v++) {
        const lm_venue *venue = &pool->venues[v];
        lat0 = fmin(lat0, venue->lat);
        lat1 = fmax(lat1, venue->lat);
        lon0 = fmin(lon0, venue->lon);
        lon1 = fmax(lon1, venue->lon);
        g->all[0] |= venue->open;
        if (venue->step_free)
            g->all[1] |= venue->open;
    }
    double widest = fmax(fabs(lat0), fabs(lat1));
    double shrink = cos(fmin(widest, 89.0) * 3.14159265358979323846 / 180.0);
    g->cell_lat = fmax(cell_km / KM_PER_DEGREE, 1e-6);
    g->cell_lon = g->cell_lat / shrink;
    /* at most 256 cells a side: larger cells only merge masks */
    while ((lat1 - lat0) / g->cell_lat > 255.0)
        g->cell_lat *= 2.0;
    while ((lon1 - lon0) / g->cell_lon > 255.0)
        g->cell_lon *= 2.0;
    g->lat0 = lat0;
    g->lon0 = lon0;
    g->rows = (size_t)((lat1 - lat0) / g->cell_lat) + 1;
    g->cols = (size_t)((lon1 - lon0) / g->cell_lon) + 1;
    g->open[0] = lm__calloc(2 * g->rows * g->cols, sizeof *g->open[0]);
    if (!g->open[0])
        return LM_E_NOMEM;
    g->open[1] = g->open[0] + g->rows * g->cols;
    for (size_t v = 0; v < pool->venue_count; v++) {
        const lm_venue *venue = &pool->venues[v];
        size_t row = (size_t)((venue->lat - lat0) / g->cell_lat);
        size_t col = (size_t)((venue->lon - lon0) / g->cell_lon);
        row = row < g->rows ? row : g->rows - 1;
        col = col < g->cols ? col : g->cols - 1;
        g->open[0][row * g->cols + col] |= venue->open;
        if (venue->step_free)
            g->open[1][row * g->cols + col] |= venue->open;
    }
    return LM_OK;
}

/* The slots of `wanted` at which a venue within km of (lat, lon) may be
 * open: a superset of the true answer. */
static uint64_t grid_reach(const venue_grid *g, double lat, double lon, double km,
                           bool step_free, uint64_t wanted)
{
    const double radians = 3.14159265358979323846 / 180.0;
    int which = step_free ? 1 : 0;
    uint64_t target = wanted & g->all[which];
    double angle = km / LM_EARTH_RADIUS_KM; /* the cap's angular radius */
    double dlat = angle / radians * (1.0 + 1e-6) + 1e-9;
    double lat_cos = cos(lat * radians);
    if (angle >= 3.14159265358979323846 / 2.0 || sin(angle) >= lat_cos * (1.0 - 1e-9))
        return target; /* a pole or half the globe is within reach: every venue */
    double dlon = asin(sin(angle) / lat_cos) / radians * (1.0 + 1e-6) + 1e-9;
    if (lon - dlon < -180.0 || lon + dlon > 180.0)
        return target; /* the box wraps around: every venue */
    double r0 = floor((lat - dlat - g->lat0) / g->cell_lat);
    double r1 = floor((lat + dlat - g->lat0) / g->cell_lat);
    double c0 = floor((lon - dlon - g->lon0) / g->cell_lon);
    double c1 = floor((lon + dlon - g->lon0) / g->cell_lon);
    if (r1 < 0 || c1 < 0 || r0 >= (double)g->rows || c0 >= (double)g->cols)
        return 0;
    size_t row0 = r0 < 0 ? 0 : (size_t)r0, col0 = c0 < 0 ? 0 : (size_t)c0;
    size_t row1 = r1 >= (double)g->rows ? g->rows - 1 : (size_t)r1;
    size_t col1 = c1 >= (double)g->cols ? g->cols - 1 : (size_t)c1;
    uint64_t found = 0;
    for (size_t row = row0; row <= row1; row++)
        for (size_t col = col0; col <= col1; col++) {
            found |= g->open[which][row * g->cols + col] & target;
            if (found == target)
                return found;
        }
    return found;
}

/* Slots, languages and roles of everybody, in the work's flat arrays. */
static int meeting_slots(lm_bound_work *w)
{
    const lm_pool *pool = w->pool;
    venue_grid grid;
    bool venues = pool->venue_count > 0;
    if (venues && grid_build(&grid, pool, w->params->default_max_km / 3.0) != LM_OK)
        return LM_E_NOMEM;
    for (size_t i = 0; i < w->n; i++) {
        const lm_participant *p = &pool->people[i];
        uint64_t free_slots = p->availability ? p->availability & w->all_slots : w->all_slots;
        if (venues) {
            if (p->has_location)
                free_slots = grid_reach(&grid, p->lat, p->lon, lm__max_km(p, w->params),
                                        p->step_free, free_slots);
            else
                free_slots &= grid.all[p->step_free ? 1 : 0];
        }
        w->slots[i] = free_slots;
        w->placeable[i] = free_slots != 0;
        w->flags[i] = (uint8_t)(p->role | (p->host ? LM_BOUND_HOST : 0));
        w->spoken[i] = w->params->language ? p->languages : 0;
        w->used |= w->spoken[i];
    }
    if (venues)
        lm__free(grid.open[0]);
    w->split = w->used != 0;
    if (!w->split)
        w->used = 1;
    return LM_OK;
}

/* ---- 2. who could be in a group ------------------------------------------------- */

/* Counts people per (class, slot, role) among the placeable, marks each
 * class's slots where min_per_role of each role and min_size people meet,
 * and drops whoever has no such class left. Language-less people count in
 * every class. */
bool lm__bound_class_pass(lm_bound_work *w)
{
    uint32_t(*count)[64][2] = (uint32_t(*)[64][2])w->counts;
    uint32_t(*anyone)[2] = (uint32_t(*)[2])(w->counts + 64 * 64 * 2);
    memset(w->counts, 0, (64 * 64 * 2 + 64 * 2) * sizeof *w->counts);
    for (size_t i = 0; i < w->n; i++) {
        if (!w->placeable[i])
            continue;
        uint64_t classes = w->split && !w->spoken[i] ? 0 : lm__bound_person_classes(w, i);
        int role = lm__bound_role(w, i);
        for (uint64_t s = w->slots[i]; s; s &= s - 1) {
            int slot = __builtin_ctzll(s);
            if (!classes)
                anyone[slot][role]++;
            for (uint64_t c = classes; c; c &= c - 1)
                count[__builtin_ctzll(c)][slot][role]++;
        }
    }
    uint64_t q = (uint64_t)w->params->min_per_role, least = (uint64_t)w->params->min_size;
    for (uint64_t c = w->used; c; c &= c - 1) {
        int k = __builtin_ctzll(c);
        w->ok_slots[k] = 0;
        for (uint64_t s = w->all_slots; s; s &= s - 1) {
            int slot = __builtin_ctzll(s);
            uint64_t newcomers = (uint64_t)count[k][slot][0] + anyone[slot][0];
            uint64_t residents = (uint64_t)count[k][slot][1] + anyone[slot][1];
            if (newcomers >= q && residents >= q && newcomers + residents >= least)
                w->ok_slots[k] |= (uint64_t)1 << slot;
        }
    }
    bool dropped = false;
    for (size_t i = 0; i < w->n; i++) {
        if (!w->placeable[i])
            continue;
        uint64_t classes = 0;
        for (uint64_t c = lm__bound_person_classes(w, i); c; c &= c - 1) {
            int k = __builtin_ctzll(c);
            if (w->ok_slots[k] & w->slots[i])
                classes |= (uint64_t)1 << k;
        }
        w->classes[i] = classes;
        if (!classes) {
            w->placeable[i] = 0;
            dropped = true;
        }
    }
    return dropped;
}

/* ---- 3. the total ------------------------------------------------------------------ */

/* Sorts finite doubles in descending order: an LSD radix sort over keys
 * that order like the values, 16 bits a pass (a million values in a few
 * milliseconds, where qsort takes a tenth of a second). keys holds 2n. */
static void sort_descending(double *values, uint64_t *keys, size_t n, uint32_t *counts)
{
    const uint64_t sign = (uint64_t)1 << 63;
    for (size_t k = 0; k < n; k++) {
        uint64_t bits;
        memcpy(&bits, &values[k], sizeof bits);
        /* ascending order of doubles is ascending order of these; invert for descending */
        keys[k] = ~(bits & sign ? ~bits : bits | sign);
    }
    uint64_t *from = keys, *to = keys + n;
    for (int shift = 0; shift < 64; shift += 16) {
        memset(counts, 0, 65536 * sizeof *counts);
        for (size_t k = 0; k < n; k++)
            counts[from[k] >> shift & 0xffff]++;
        uint32_t at = 0;
        for (size_t d = 0; d < 65536; d++) {
            uint32_t c = counts[d];
            counts[d] = at;
            at += c;
        }
        for (size_t k = 0; k < n; k++)
            to[counts[from[k] >> shift & 0xffff]++] = from[k];
        uint64_t *swap = from;
        from = to;
        to = swap;
    }
    for (size_t k = 0; k < n; k++) {
        uint64_t key = ~from[k];
        uint64_t bits = key & sign ? key ^ sign : ~key;
        double value;
        memcpy(&value, &bits, sizeof value);
        values[k] = value;
    }
}

typedef struct count_limits {
    size_t newcomers, residents;   /* placeable people by role */
    size_t hosts[2];               /* placeable willing hosts by role */
    size_t max_groups;             /* SIZE_MAX: no venue limit */
} count_limits;

/* Which numbers of residents b can go with a placed newcomers: G groups
 * hold them only if q G <= a, b <= (max_size - q) G, min_size G <= a + b
 * <= max_size G and G <= max_groups. For fixed a the G that allow some b
 * form a range [g_lo, g_hi], and b must lie in the union over those G of
 * [lo(G), hi(G)], both ends increasing in G. */
typedef struct resident_range {
    size_t q, most, least, residents, a, g_lo, g_hi;
} resident_range;

static size_t range_lo(const resident_range *r, size_t groups)
{
    size_t lo = r->q * groups;
    if (r->least * groups > r->a && r->least * groups - r->a > lo)
        lo = r->least * groups - r->a;
    return lo;
}

static size_t range_hi(const resident_range *r, size_t groups)
{
    size_t hi = (r->most - r->q) * groups;
    if (r->most * groups - r->a < hi)
        hi = r->most * groups - r->a;
    return hi < r->residents ? hi : r->residents;
}

/* false when no b goes with a; else the G range in r */
static bool range_init(resident_range *r, size_t a, size_t max_groups)
{
    r->a = a;
    r->g_lo = (a + r->most - r->q - 1) / (r->most - r->q);
    r->g_hi = a / r->q;
    if (r->g_hi > max_groups)
        r->g_hi = max_groups;
    /* lo(G) <= residents: q G <= residents and min_size G - a <= residents */
    if (r->residents / r->q < r->g_hi)
        r->g_hi = r->residents / r->q;
    if ((r->residents + a) / r->least < r->g_hi)
        r->g_hi = (r->residents + a) / r->least;
    return a > 0 && r->g_lo <= r->g_hi;
}

/* The feasible b nearest to t from below and from above (SIZE_MAX: none). */
static void range_around(const resident_range *r, size_t t, size_t *below, size_t *above)
{
    *below = *above = SIZE_MAX;
    /* the most groups whose lo(G) <= t */
    size_t groups = r->g_hi;
    if (t / r->q < groups)
        groups = t / r->q;
    if ((t + r->a) / r->least < groups)
        groups = (t + r->a) / r->least;
    if (groups >= r->g_lo) {
        size_t hi = range_hi(r, groups);
        *below = hi < t ? hi : t;
    }
    /* the fewest groups whose hi(G) >= t */
    if (t > r->residents)
        return;
    size_t need = (t + r->most - r->q - 1) / (r->most - r->q);
    size_t with_a = (t + r->a + r->most - 1) / r->most;
    groups = need > with_a ? need : with_a;
    if (groups < r->g_lo)
        groups = r->g_lo;
    if (groups <= r->g_hi) {
        size_t lo = range_lo(r, groups);
        *above = lo > t ? lo : t;
    }
}

/* The largest sum(top a newcomer values) + sum(top b resident values) + the
 * group terms over every (a, b) that some set of groups could hold
 * (resident_range). The group terms are bounded over all b that go with a,
 * which can only raise the maximum. prefix_n[a] and prefix_r[b] are prefix
 * sums of the descending values; positive_r counts the positive resident
 * values, where prefix_r peaks. */
static double best_total(const lm_bound_work *w, const count_limits *limits,
                         const double *prefix_n, const double *prefix_r, size_t positive_r,
                         size_t *placed)
{
    const lm_weights *weights = &w->params->weights;
    resident_range range = {(size_t)w->params->min_per_role, (size_t)w->params->max_size,
                            (size_t)w->params->min_size, limits->residents, 0, 0, 0};
    double eta = weights->cohost > 0 ? weights->cohost : 0.0;
    double lambda = weights->balance > 0 ? weights->balance : 0.0;
    bool odd_only = range.least == range.most && range.most % 2 == 1;
    size_t hosts = limits->hosts[0] < limits->hosts[1] ? limits->hosts[0] : limits->hosts[1];
    double best = 0.0; /* nobody placed */
    *placed = 0;
    for (size_t a = 1; a <= limits->newcomers; a++) {
        if (!range_init(&range, a, limits->max_groups))
            continue;
        size_t below, above, b;
        range_around(&range, positive_r, &below, &above);
        if (below == SIZE_MAX)
            b = above;
        else if (above == SIZE_MAX)
            b = below;
        else
            b = prefix_r[below] >= prefix_r[above] ? below : above;
        double value = prefix_n[a] + prefix_r[b];
        /* co-hosts: one per group with a host of each role */
        value += eta * (double)(range.g_hi < hosts ? range.g_hi : hosts);
        if (lambda > 0) {
            /* sum over groups of (N - R)^2 >= (a - b)^2 / G by Cauchy-Schwarz,
             * with b the feasible count nearest to a */
            range_around(&range, a, &below, &above);
            double apart = INFINITY;
            if (below != SIZE_MAX)
                apart = (double)(a - below);
            if (above != SIZE_MAX)
                apart = fmin(apart, (double)(above - a));
            double balance = apart * apart / (double)range.g_hi;
            if (odd_only) /* every group is odd: each costs at least 1 */
                balance = fmax(balance, (double)((a + range_lo(&range, range.g_lo) +
                                                  range.most - 1) / range.most));
            value -= lambda * balance;
        }
        if (value > best) {
            best = value;
            *placed = a + b;
        }
    }
    return best;
}

/* The largest total over the exchange splits: values are s_i + mu per
 * person, sorted per role. */
static int total_bound(const lm_bound_work *w, lm_bound_detail *detail)
{
    const lm_params *params = w->params;
    const lm_weights *weights = &params->weights;
    count_limits limits = {0, 0, {0, 0}, SIZE_MAX};
    for (size_t i = 0; i < w->n; i++) {
        if (!w->placeable[i])
            continue;
        int role = lm__bound_role(w, i);
        if (role == LM_NEWCOMER)
            limits.newcomers++;
        else
            limits.residents++;
        limits.hosts[role] += (w->flags[i] & LM_BOUND_HOST) != 0;
    }
    if (w->pool->venue_count) {
        uint64_t anyone = 0;
        for (size_t i = 0; i < w->n; i++)
            if (w->placeable[i])
                anyone |= w->slots[i];
        size_t places = 0;
        for (size_t v = 0; v < w->pool->venue_count; v++)
            places += (size_t)w->pool->venues[v].capacity *
                      (size_t)__builtin_popcountll(w->pool->venues[v].open & anyone);
        limits.max_groups = places;
    }
    detail->placeable = limits.newcomers + limits.residents;
    detail->newcomers = limits.newcomers;
    detail->residents = limits.residents;
    detail->max_groups = limits.max_groups;
    /* the values stay those of every placeable person; only how many of
     * each role are taken is limited by the flow through the classes */
    int status = lm__bound_role_flow(w, detail->most);
    if (status != LM_OK)
        return status;
    size_t count[2] = {limits.newcomers, limits.residents};
    if (detail->most[LM_NEWCOMER] < limits.newcomers)
        limits.newcomers = detail->most[LM_NEWCOMER];
    if (detail->most[LM_RESIDENT] < limits.residents)
        limits.residents = detail->most[LM_RESIDENT];

    double mu = weights->unassigned, n = (double)w->n;
    double size_max = (double)params->max_size, q = (double)params->min_per_role;
    double alpha = weights->theme, beta = weights->shared > 0 ? weights->shared : 0.0;
    double gamma = weights->exchange > 0 ? weights->exchange : 0.0;
    /* a negative balance weight rewards imbalance: at most (k - 2q)^2 per
     * group of k, at most (max_size - 2q)^2 / max_size per member */
    double imbalance = weights->balance < 0
                           ? -weights->balance * (size_max - 2 * q) * (size_max - 2 * q) / size_max
                           : 0.0;
    size_t longest = count[0] > count[1] ? count[0] : count[1];
    /* per role: the share without shared and exchange, the shared share,
     * the two exchange parts, then the values and their prefix sums; and
     * who each is (for the joint shares) */
    double *base[2], *shared[2], *newcomers_teach[2], *residents_teach[2], *values[2], *prefix[2];
    size_t *person[2];
    for (int role = 0; role < 2; role++) {
        base[role] = lm__malloc((6 * count[role] + 2) * sizeof(double));
        shared[role] = base[role] ? base[role] + count[role] : NULL;
        newcomers_teach[role] = base[role] ? base[role] + 2 * count[role] : NULL;
        residents_teach[role] = base[role] ? base[role] + 3 * count[role] : NULL;
        values[role] = base[role] ? base[role] + 4 * count[role] : NULL;
        prefix[role] = base[role] ? base[role] + 5 * count[role] : NULL;
        person[role] = w->joint ? lm__malloc((count[role] + 1) * sizeof *person[role]) : NULL;
    }
    uint64_t *keys = lm__malloc((2 * longest + 1) * sizeof *keys);
    uint32_t *counts = lm__malloc(65536 * sizeof *counts);
    status = base[0] && base[1] && keys && counts ? LM_OK : LM_E_NOMEM;
    if (w->joint && (!person[0] || !person[1]))
        status = LM_E_NOMEM;
    double best = INFINITY, scale = 0.0;
    size_t placed_at_best = 0;
    if (status == LM_OK) {
        size_t at[2] = {0, 0};
        for (size_t i = 0; i < w->n; i++) {
            if (!w->placeable[i])
                continue;
            int role = lm__bound_role(w, i);
            double theme = alpha > 0 ? alpha * w->theme[i] : alpha * w->theme[i] / size_max;
            base[role][at[role]] = theme + imbalance + mu;
            shared[role][at[role]] = w->shared[i];
            if (w->joint)
                person[role][at[role]] = i;
            /* as the teacher, i's part of E_NR (newcomers) or E_RN (residents) */
            newcomers_teach[role][at[role]] =
                gamma * (role == LM_NEWCOMER ? w->teach[i] : w->learn[i]);
            residents_teach[role][at[role]] =
                gamma * (role == LM_NEWCOMER ? w->learn[i] : w->teach[i]);
            scale += fabs(base[role][at[role]]) + beta + 2.0 * gamma;
            at[role]++;
        }
    }
    /* exchange <= theta * (newcomers teach) + (1 - theta) * (residents teach)
     * for every theta in [0, 1]: the smallest of a few is kept */
    static const double thetas[] = LM_BOUND_THETAS;
    for (size_t which = 0; which < LM_BOUND_THETA_COUNT && status == LM_OK; which++) {
        double theta = thetas[which];
        for (int role = 0; role < 2; role++) {
            for (size_t k = 0; k < count[role]; k++) {
                /* shared and exchange: the separate maxima, or (pair by pair)
                 * one set of partners for both when that is less */
                double terms = beta * shared[role][k] + theta * newcomers_teach[role][k] +
                               (1 - theta) * residents_teach[role][k];
                if (w->joint)
                    terms = fmin(terms, w->joint[LM_BOUND_THETA_COUNT * person[role][k] + which]);
                values[role][k] = base[role][k] + terms;
            }
            sort_descending(values[role], keys, count[role], counts);
            prefix[role][0] = 0.0;
            for (size_t k = 0; k < count[role]; k++)
                prefix[role][k + 1] = prefix[role][k] + values[role][k];
        }
        size_t positive_r = 0;
        while (positive_r < count[1] && values[1][positive_r] > 0)
            positive_r++;
        size_t placed;
        double total = best_total(w, &limits, prefix[0], prefix[1], positive_r, &placed);
        if (total < best) {
            best = total;
            placed_at_best = placed;
        }
    }
    lm__free(base[0]);
    lm__free(base[1]);
    lm__free(person[0]);
    lm__free(person[1]);
    lm__free(keys);
    lm__free(counts);
    if (status != LM_OK)
        return status;
    /* Room for rounding: the bound is exact in real numbers, the totals it
     * is compared with are sums of rounded scores. */
    scale += fabs(mu) * n + fabs(weights->cohost) * n;
    detail->bound = best - mu * n + (64.0 + 4.0 * n) * DBL_EPSILON * scale;
    detail->placed = placed_at_best;
    return LM_OK;
}

/* ---- the bound ---------------------------------------------------------------------- */

int lm__groups_bound(const lm_pool *pool, const lm_params *params, lm_bound_detail *detail)
{
    return lm__groups_bound_pairwise(pool, params, LM_BOUND_PAIRWISE, detail);
}

int lm__groups_bound_pairwise(const lm_pool *pool, const lm_params *params, size_t pairwise,
                              lm_bound_detail *detail)
{
    memset(detail, 0, sizeof *detail);
    lm_bound_work w;
    memset(&w, 0, sizeof w);
    w.pool = pool;
    w.params = params;
    w.n = pool->count;
    w.topics = pool->taxonomy->topic_count;
    size_t slot_count = lm_slot_count();
    w.all_slots = slot_count >= 64 ? ~(uint64_t)0 : ((uint64_t)1 << slot_count) - 1;
    size_t n = w.n ? w.n : 1;
    w.spoken = lm__malloc(n * sizeof *w.spoken);
    w.flags = lm__malloc(n * sizeof *w.flags);
    w.slots = lm__malloc(n * sizeof *w.slots);
    w.classes = lm__calloc(n, sizeof *w.classes);
    w.placeable = lm__malloc(n * sizeof *w.placeable);
    double *numbers = lm__calloc(7 * n, sizeof *numbers);
    w.counts = lm__malloc((64 * 64 * 2 + 64 * 2) * sizeof *w.counts);
    int status = LM_E_NOMEM;
    if (!w.spoken || !w.flags || !w.slots || !w.classes || !w.placeable || !numbers ||
        !w.counts)
        goto done;
    w.norm = numbers;
    w.theme = numbers + 3 * n;
    w.shared = numbers + 4 * n;
    w.teach = numbers + 5 * n;
    w.learn = numbers + 6 * n;
    if ((status = meeting_slots(&w)) != LM_OK)
        goto done;
    for (int pass = 0; pass < MAX_PASSES && lm__bound_class_pass(&w); pass++)
        ;
    size_t placeable = 0;
    for (size_t i = 0; i < w.n; i++)
        placeable += w.placeable[i];
    detail->pairwise = placeable <= pairwise;
    if (detail->pairwise) {
        w.joint = lm__malloc(LM_BOUND_THETA_COUNT * n * sizeof *w.joint);
        status = w.joint ? lm__bound_shares_pairwise(&w) : LM_E_NOMEM;
    } else {
        status = lm__bound_shares_tables(&w);
    }
    if (status == LM_OK)
        status = total_bound(&w, detail);
done:
    lm__free(w.spoken);
    lm__free(w.flags);
    lm__free(w.slots);
    lm__free(w.classes);
    lm__free(w.placeable);
    lm__free(numbers);
    lm__free(w.joint);
    lm__free(w.counts);
    return status;
}

int lm_groups_bound(const lm_pool *pool, const lm_params *params, double *bound)
{
    if (bound)
        *bound = NAN;
    if (!pool || !params || !bound)
        return LM_E_INVALID;
    int status = lm__params_validate(params, NULL);
    if (status != LM_OK)
        return status;
    lm_bound_detail detail;
    status = lm__groups_bound(pool, params, &detail);
    if (status == LM_OK)
        *bound = detail.bound;
    return status;
}

int lm__groups_bound_store(const lm_pool *pool, const lm_params *params, lm_result *result)
{
    lm_bound_detail detail;
    int status = lm__groups_bound(pool, params, &detail);
    if (status == LM_OK)
        lm__result_set_bound(result, detail.bound, params->weights.unassigned);
    return status;
}
