/* Baselines for groups_bench (see groups_baselines.h).
 *
 * A forming group keeps its own running masks and sums of the hard
 * constraints of DESIGN.md, but the rules themselves (distance, meeting
 * point) and the weighting of the score are the engine's
 * (constraints_internal.h, objective_internal.h), so a baseline differs from
 * the engine only in how it searches. groups_bench then hands every baseline
 * grouping to lm_groups_evaluate() and refuses to report one with a
 * violation. Participants' fields and sparse vectors are read from the pool's
 * internal layout (read only) because the public accessors are per topic. */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "groups_baselines.h"
#include "engine/constraints_internal.h"
#include "engine/objective_internal.h"

#define MAX_GROUP 64      /* largest max_size the baselines accept */
#define VENUE_LIST 16     /* venues a forming group keeps in view: its opener's nearest */
#define RANDOM_WINDOW 256 /* people a hand-made group looks through before giving up */
#define GREEDY_WINDOW 64  /* candidates the greedy group compares at each step */
#define CELL_KM 1.0       /* grid of the greedy baseline's spatial order */
#define KM_PER_DEGREE (6371.0088 * 3.14159265358979323846 / 180.0)

typedef struct context {
    const lm_pool *pool;
    const lm_params *params;
    size_t n, venue_count, slot_count, topics;
    uint64_t all_slots;
    int64_t min_size, max_size, min_per_role;
    bool language;
    lm_weights weights;
    /* Planar km coordinates, only to skip far pairs before the exact haversine. */
    double *px, *py, *vx, *vy;
    uint64_t *venue_free; /* open slots in which the venue still has room */
    uint32_t *used;       /* groups by venue * slot_count + slot */
    uint32_t *live;       /* venues with room in some slot, so full ones cost nothing */
    size_t live_count;
} context;

typedef struct builder {
    context *c;
    size_t members[MAX_GROUP]; /* ascending, as lm_groups_evaluate orders them */
    size_t k, count[2], target, mix_by;
    uint64_t languages, slots;
    bool speaks, step_free;
    uint32_t venues[VENUE_LIST];
    size_t venue_count;
    /* Objective sums for the greedy baseline (NULL for the random one). */
    double *sum_x, *sum_ux, *offers[2], *wants[2];
    double theme, ux_square, unit_norms, teach[2], score;
    size_t hosts[2];
} builder;

/* ---- small helpers ---------------------------------------------------------------------- */

static uint64_t splitmix(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

static int lowest_bit(uint64_t mask)
{
    for (int bit = 0; bit < 64; bit++)
        if (mask >> bit & 1)
            return bit;
    return -1;
}

/* Participant p within their distance of a point; the planar test only
 * rejects what is clearly too far (2% margin), the haversine decides. */
static bool within(const context *c, size_t p, double lat, double lon, double x, double y)
{
    const lm_participant *q = &c->pool->people[p];
    if (!q->has_location)
        return true;
    double limit = lm__max_km(q, c->params), reach = 1.02 * limit + 0.01;
    double dx = c->px[p] - x, dy = c->py[p] - y;
    if (dx * dx + dy * dy > reach * reach)
        return false;
    return !lm__too_far(q, limit, lat, lon, NULL);
}

static bool venue_usable(const context *c, size_t v, uint64_t slots, bool step_free)
{
    const lm_venue *venue = &c->pool->venues[v];
    return (!step_free || venue->step_free) && (c->venue_free[v] & slots);
}

static bool within_venue(const context *c, size_t p, size_t v)
{
    const lm_venue *venue = &c->pool->venues[v];
    return within(c, p, venue->lat, venue->lon, c->vx[v], c->vy[v]);
}

/* <unit(v), dense> of a sparse vector */
static double unit_dot(const lm_entry *entries, size_t length, const double *dense)
{
    double norm = lm__norm(entries, length), sum = 0.0;
    if (norm == 0.0)
        return 0.0;
    for (size_t e = 0; e < length; e++)
        sum += entries[e].value * dense[entries[e].topic];
    return sum / norm;
}

/* dense += sign * unit(v) */
static void unit_add(double *dense, const lm_entry *entries, size_t length)
{
    double norm = lm__norm(entries, length);
    if (norm == 0.0)
        return;
    for (size_t e = 0; e < length; e++)
        dense[entries[e].topic] += entries[e].value / norm;
}

/* ---- the objective of a forming group, incrementally ------------------------------------ */

/* The weighted score of the group plus participant p (SIZE_MAX: the group
 * alone), from the running sums in O(length of p's vectors). */
static double score_with(const builder *b, size_t p)
{
    const context *c = b->c;
    size_t count[2] = {b->count[0], b->count[1]}, hosts[2] = {b->hosts[0], b->hosts[1]};
    double theme = b->theme, ux_square = b->ux_square, unit_norms = b->unit_norms;
    double teach[2] = {b->teach[0], b->teach[1]};
    size_t k = b->k;
    if (p != SIZE_MAX) {
        const lm_participant *q = &c->pool->people[p];
        int role = q->role, other = 1 - role;
        size_t length;
        const lm_entry *x = lm__vec(q, LM_INTERESTS, &length);
        for (size_t e = 0; e < length; e++)
            if (b->sum_x[x[e].topic] + x[e].value > theme)
                theme = b->sum_x[x[e].topic] + x[e].value;
        if (lm__norm(x, length) > 0.0) {
            ux_square += 2.0 * unit_dot(x, length, b->sum_ux) + 1.0;
            unit_norms += 1.0;
        }
        const lm_entry *offers = lm__vec(q, LM_OFFERS, &length);
        teach[role] += unit_dot(offers, length, b->wants[other]);
        const lm_entry *wants = lm__vec(q, LM_WANTS, &length);
        teach[other] += unit_dot(wants, length, b->offers[other]);
        count[role]++;
        hosts[role] += q->host;
        k++;
    }
    double shared = k > 1 ? (ux_square - unit_norms) / (double)(k - 1) : 0.0;
    double exchange = 0.0;
    if (count[0] && count[1]) {
        double weaker = teach[0] < teach[1] ? teach[0] : teach[1];
        exchange = (double)k * weaker / ((double)count[0] * (double)count[1]);
    }
    double cohost = hosts[0] && hosts[1] ? 1.0 : 0.0;
    double difference = (double)count[0] - (double)count[1];
    return lm__weighted_score(&c->weights, theme, shared, exchange, cohost,
                              difference * difference);
}

static void score_add(builder *b, size_t p)
{
    const lm_participant *q = &b->c->pool->people[p];
    int role = q->role, other = 1 - role;
    size_t length;
    const lm_entry *x = lm__vec(q, LM_INTERESTS, &length);
    for (size_t e = 0; e < length; e++) {
        b->sum_x[x[e].topic] += x[e].value;
        if (b->sum_x[x[e].topic] > b->theme)
            b->theme = b->sum_x[x[e].topic];
    }
    if (lm__norm(x, length) > 0.0) {
        b->ux_square += 2.0 * unit_dot(x, length, b->sum_ux) + 1.0;
        b->unit_norms += 1.0;
    }
    unit_add(b->sum_ux, x, length);
    const lm_entry *offers = lm__vec(q, LM_OFFERS, &length);
    b->teach[role] += unit_dot(offers, length, b->wants[other]);
    unit_add(b->offers[role], offers, length);
    const lm_entry *wants = lm__vec(q, LM_WANTS, &length);
    b->teach[other] += unit_dot(wants, length, b->offers[other]);
    unit_add(b->wants[role], wants, length);
    b->hosts[role] += q->host;
}

/* Zeroes the sums where the current members touched them. */
static void score_clear(builder *b)
{
    for (size_t m = 0; m < b->k; m++) {
        const lm_participant *q = &b->c->pool->people[b->members[m]];
        size_t length;
        const lm_entry *x = lm__vec(q, LM_INTERESTS, &length);
        for (size_t e = 0; e < length; e++)
            b->sum_x[x[e].topic] = b->sum_ux[x[e].topic] = 0.0;
        const lm_entry *offers = lm__vec(q, LM_OFFERS, &length);
        for (size_t e = 0; e < length; e++)
            b->offers[q->role][offers[e].topic] = 0.0;
        const lm_entry *wants = lm__vec(q, LM_WANTS, &length);
        for (size_t e = 0; e < length; e++)
            b->wants[q->role][wants[e].topic] = 0.0;
    }
    b->theme = b->ux_square = b->unit_norms = b->teach[0] = b->teach[1] = b->score = 0.0;
    b->hosts[0] = b->hosts[1] = 0;
}

/* ---- a group being formed under the hard constraints ------------------------------------ */

/* true when adding someone of `role` still lets the group hold min_per_role
 * of each role by the time it has mix_by members. */
static bool mix_reachable(const builder *b, int role)
{
    const context *c = b->c;
    size_t count[2] = {b->count[0], b->count[1]};
    count[role]++;
    size_t size = b->k + 1, need = 0;
    for (int r = 0; r < 2; r++)
        if ((int64_t)count[r] < c->min_per_role)
            need += (size_t)c->min_per_role - count[r];
    size_t room = b->mix_by > size ? b->mix_by - size : 0;
    return need <= room;
}

/* Everybody located within their distance of the mean location of the
 * members plus p, summed in ascending order as lm_groups_evaluate does. */
static bool meeting_point_fits(const builder *b, size_t p)
{
    const context *c = b->c;
    size_t all[MAX_GROUP + 1], k = 0;
    for (size_t m = 0; m < b->k && b->members[m] < p; m++)
        all[k++] = b->members[m];
    all[k++] = p;
    for (size_t m = k - 1; m < b->k; m++)
        all[k++] = b->members[m];
    double lat, lon;
    if (!lm__meeting_point(c->pool, all, k, &lat, &lon))
        return true;
    for (size_t m = 0; m < k; m++) {
        const lm_participant *q = &c->pool->people[all[m]];
        if (lm__too_far(q, lm__max_km(q, c->params), lat, lon, NULL))
            return false;
    }
    return true;
}

static bool builder_fits(const builder *b, size_t p)
{
    const context *c = b->c;
    const lm_participant *q = &c->pool->people[p];
    if (b->k >= b->target || !mix_reachable(b, q->role))
        return false;
    uint64_t languages = b->languages;
    bool speaks = b->speaks;
    if (q->languages) {
        languages = speaks ? languages & q->languages : q->languages;
        speaks = true;
    }
    if (c->language && speaks && !languages)
        return false;
    uint64_t slots = b->slots & (q->availability ? q->availability : c->all_slots);
    if (!slots)
        return false;
    if (!c->venue_count)
        return meeting_point_fits(b, p);
    bool step_free = b->step_free || q->step_free;
    for (size_t k = 0; k < b->venue_count; k++)
        if (venue_usable(c, b->venues[k], slots, step_free) && within_venue(c, p, b->venues[k]))
            return true;
    return false;
}

static void builder_add(builder *b, size_t p)
{
    const context *c = b->c;
    const lm_participant *q = &c->pool->people[p];
    if (b->sum_x)
        score_add(b, p);
    size_t at = b->k;
    while (at > 0 && b->members[at - 1] > p) {
        b->members[at] = b->members[at - 1];
        at--;
    }
    b->members[at] = p;
    b->k++;
    b->count[q->role]++;
    if (q->languages) {
        b->languages = b->speaks ? b->languages & q->languages : q->languages;
        b->speaks = true;
    }
    b->slots &= q->availability ? q->availability : c->all_slots;
    b->step_free |= q->step_free;
    size_t kept = 0;
    for (size_t k = 0; k < b->venue_count; k++)
        if (venue_usable(c, b->venues[k], b->slots, b->step_free) &&
            within_venue(c, p, b->venues[k]))
            b->venues[kept++] = b->venues[k];
    b->venue_count = kept;
    if (b->sum_x)
        b->score = score_with(b, SIZE_MAX);
}

/* Opens a group with p: the venues kept in view are the VENUE_LIST nearest
 * to p that p can use. false when there is none. */
static bool builder_start(builder *b, size_t p, size_t target, size_t mix_by)
{
    context *c = b->c;
    if (b->sum_x)
        score_clear(b);
    b->k = b->count[0] = b->count[1] = 0;
    b->target = target;
    b->mix_by = mix_by;
    b->languages = 0;
    b->speaks = false;
    b->slots = c->all_slots;
    b->step_free = false;
    b->venue_count = 0;
    if (c->venue_count) {
        const lm_participant *q = &c->pool->people[p];
        uint64_t slots = q->availability ? q->availability : c->all_slots;
        double distance[VENUE_LIST];
        for (size_t live = 0; live < c->live_count; live++) {
            size_t v = c->live[live];
            if (!venue_usable(c, v, slots, q->step_free) || !within_venue(c, p, v))
                continue;
            double dx = c->px[p] - c->vx[v], dy = c->py[p] - c->vy[v];
            double d = q->has_location ? dx * dx + dy * dy : 0.0;
            /* Equal distances keep the lower venue index: the scan order changes as
             * venues fill up, the choice must not. */
            if (b->venue_count == VENUE_LIST &&
                !(d < distance[VENUE_LIST - 1] ||
                  (d == distance[VENUE_LIST - 1] && v < b->venues[VENUE_LIST - 1])))
                continue;
            size_t at = b->venue_count < VENUE_LIST ? b->venue_count++ : VENUE_LIST - 1;
            while (at > 0 && (distance[at - 1] > d ||
                              (distance[at - 1] == d && b->venues[at - 1] > v))) {
                distance[at] = distance[at - 1];
                b->venues[at] = b->venues[at - 1];
                at--;
            }
            distance[at] = d;
            b->venues[at] = (uint32_t)v;
        }
        if (!b->venue_count)
            return false;
    }
    builder_add(b, p);
    return true;
}

static bool builder_valid(const builder *b)
{
    const context *c = b->c;
    return (int64_t)b->k >= c->min_size && (int64_t)b->k <= c->max_size &&
           (int64_t)b->count[0] >= c->min_per_role && (int64_t)b->count[1] >= c->min_per_role;
}

/* Writes the finished group into the grouping with its slot and venue (the
 * nearest usable venue to the opener, its lowest free common slot). */
static int builder_commit(builder *b, lm_grouping *grouping, size_t group)
{
    context *c = b->c;
    int slot, venue = -1;
    if (c->venue_count) {
        venue = (int)b->venues[0];
        const lm_venue *v = &c->pool->venues[venue];
        slot = lowest_bit(c->venue_free[venue] & b->slots);
        uint32_t *used = &c->used[(size_t)venue * c->slot_count + (size_t)slot];
        if (++*used >= v->capacity)
            c->venue_free[venue] &= ~(UINT64_C(1) << slot);
        for (size_t live = 0; !c->venue_free[venue] && live < c->live_count; live++)
            if (c->live[live] == (uint32_t)venue) {
                c->live[live] = c->live[--c->live_count];
                break;
            }
    } else {
        slot = lowest_bit(b->slots);
    }
    for (size_t m = 0; m < b->k; m++) {
        int status = lm_grouping_assign(grouping, b->members[m], group);
        if (status != LM_OK)
            return status;
    }
    int status = lm_grouping_set_slot(grouping, group, (size_t)slot);
    if (status == LM_OK && venue >= 0)
        status = lm_grouping_set_venue(grouping, group, (size_t)venue);
    return status;
}

/* ---- setup ------------------------------------------------------------------------------ */

static void context_free(context *c)
{
    free(c->px);
    free(c->py);
    free(c->vx);
    free(c->vy);
    free(c->venue_free);
    free(c->used);
    free(c->live);
}

static int context_init(context *c, const lm_pool *pool, const lm_params *params)
{
    memset(c, 0, sizeof *c);
    c->pool = pool;
    c->params = params;
    c->n = lm_pool_size(pool);
    c->venue_count = lm_pool_venue_count(pool);
    c->slot_count = lm_slot_count() < 64 ? lm_slot_count() : 64;
    c->all_slots = c->slot_count >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << c->slot_count) - 1;
    c->topics = lm_taxonomy_topic_count(lm_pool_taxonomy(pool));
    c->min_size = lm_params_get_int(params, LM_PARAM_MIN_SIZE);
    c->max_size = lm_params_get_int(params, LM_PARAM_MAX_SIZE);
    c->min_per_role = lm_params_get_int(params, LM_PARAM_MIN_PER_ROLE);
    c->language = lm_params_get_int(params, LM_PARAM_LANGUAGE) != 0;
    c->weights = params->weights;
    if (c->max_size > MAX_GROUP || c->min_size < 1 || c->min_size > c->max_size)
        return LM_E_INVALID;
    c->px = malloc((c->n + 1) * sizeof *c->px);
    c->py = malloc((c->n + 1) * sizeof *c->py);
    c->vx = malloc((c->venue_count + 1) * sizeof *c->vx);
    c->vy = malloc((c->venue_count + 1) * sizeof *c->vy);
    c->venue_free = malloc((c->venue_count + 1) * sizeof *c->venue_free);
    c->used = calloc(c->venue_count * c->slot_count + 1, sizeof *c->used);
    c->live = malloc((c->venue_count + 1) * sizeof *c->live);
    if (!c->px || !c->py || !c->vx || !c->vy || !c->venue_free || !c->used || !c->live) {
        context_free(c);
        return LM_E_NOMEM;
    }
    double lat_sum = 0.0;
    size_t located = 0;
    for (size_t p = 0; p < c->n; p++)
        if (pool->people[p].has_location) {
            lat_sum += pool->people[p].lat;
            located++;
        }
    double scale = cos((located ? lat_sum / (double)located : 0.0) * 3.14159265358979323846 / 180.0);
    for (size_t p = 0; p < c->n; p++) {
        c->px[p] = pool->people[p].lon * KM_PER_DEGREE * scale;
        c->py[p] = pool->people[p].lat * KM_PER_DEGREE;
    }
    for (size_t v = 0; v < c->venue_count; v++) {
        c->vx[v] = pool->venues[v].lon * KM_PER_DEGREE * scale;
        c->vy[v] = pool->venues[v].lat * KM_PER_DEGREE;
        c->venue_free[v] = pool->venues[v].capacity ? pool->venues[v].open & c->all_slots : 0;
        if (c->venue_free[v])
            c->live[c->live_count++] = (uint32_t)v;
    }
    return LM_OK;
}

static int builder_init(builder *b, context *c, bool scoring)
{
    memset(b, 0, sizeof *b);
    b->c = c;
    if (!scoring)
        return LM_OK;
    size_t d = c->topics ? c->topics : 1;
    b->sum_x = calloc(6 * d, sizeof *b->sum_x);
    if (!b->sum_x)
        return LM_E_NOMEM;
    b->sum_ux = b->sum_x + d;
    b->offers[0] = b->sum_x + 2 * d;
    b->offers[1] = b->sum_x + 3 * d;
    b->wants[0] = b->sum_x + 4 * d;
    b->wants[1] = b->sum_x + 5 * d;
    return LM_OK;
}

/* A circular list of order positions not yet placed or given up; n is the
 * sentinel. */
typedef struct order_list {
    size_t *next, *prev;
    size_t n;
} order_list;

static int list_init(order_list *list, size_t n)
{
    list->n = n;
    list->next = malloc((n + 1) * sizeof *list->next);
    list->prev = malloc((n + 1) * sizeof *list->prev);
    if (!list->next || !list->prev)
        return LM_E_NOMEM;
    for (size_t k = 0; k <= n; k++) {
        list->next[k] = k == n ? 0 : k + 1;
        list->prev[k] = k == 0 ? n : k - 1;
    }
    if (n == 0)
        list->next[0] = list->prev[0] = 0;
    return LM_OK;
}

static void list_unlink(order_list *list, size_t k)
{
    list->next[list->prev[k]] = list->next[k];
    list->prev[list->next[k]] = list->prev[k];
}

static void list_free(order_list *list)
{
    free(list->next);
    free(list->prev);
}

/* ---- the two baselines ------------------------------------------------------------------ */

typedef struct run {
    context c;
    builder b;
    order_list list;
    size_t *order;
    bool *taken; /* by order position: in the group being formed */
    lm_grouping *grouping;
} run;

static void run_free(run *r)
{
    context_free(&r->c);
    free(r->b.sum_x);
    list_free(&r->list);
    free(r->order);
    free(r->taken);
}

static int run_init(run *r, const lm_pool *pool, const lm_params *params, bool scoring)
{
    memset(r, 0, sizeof *r);
    int status = context_init(&r->c, pool, params);
    if (status != LM_OK)
        return status;
    size_t n = r->c.n;
    r->order = malloc((n + 1) * sizeof *r->order);
    r->taken = calloc(n + 1, sizeof *r->taken);
    if (!r->order || !r->taken || list_init(&r->list, n) != LM_OK ||
        builder_init(&r->b, &r->c, scoring) != LM_OK || lm_grouping_new(&r->grouping) != LM_OK) {
        lm_grouping_free(r->grouping);
        r->grouping = NULL;
        run_free(r);
        return LM_E_NOMEM;
    }
    return LM_OK;
}

int gb_random_groups(const lm_pool *pool, const lm_params *params, uint64_t seed,
                     lm_grouping **out)
{
    run r;
    int status = run_init(&r, pool, params, false);
    if (status != LM_OK)
        return status;
    size_t n = r.c.n, groups = 0, chosen[MAX_GROUP];
    uint64_t state = seed ^ UINT64_C(0x5DEECE66D);
    for (size_t k = 0; k < n; k++)
        r.order[k] = k;
    for (size_t k = n; k > 1; k--) {
        size_t j = (size_t)(splitmix(&state) % k), swap = r.order[k - 1];
        r.order[k - 1] = r.order[j];
        r.order[j] = swap;
    }
    size_t span = (size_t)(r.c.max_size - r.c.min_size + 1);
    while (status == LM_OK && r.list.next[n] != n) {
        size_t opener = r.list.next[n];
        list_unlink(&r.list, opener);
        size_t target = (size_t)r.c.min_size + (size_t)(splitmix(&state) % span);
        if (!builder_start(&r.b, r.order[opener], target, target))
            continue;
        size_t taken = 0, looked = 0;
        for (size_t k = r.list.next[n]; k != n && looked < RANDOM_WINDOW && r.b.k < target;
             k = r.list.next[k], looked++)
            if (builder_fits(&r.b, r.order[k])) {
                builder_add(&r.b, r.order[k]);
                chosen[taken++] = k;
            }
        if (!builder_valid(&r.b))
            continue;
        for (size_t m = 0; m < taken; m++)
            list_unlink(&r.list, chosen[m]);
        status = builder_commit(&r.b, r.grouping, groups++);
    }
    if (status == LM_OK) {
        *out = r.grouping;
        r.grouping = NULL;
    }
    lm_grouping_free(r.grouping);
    run_free(&r);
    return status;
}

typedef struct keyed {
    uint64_t key;
    size_t participant;
} keyed;

static int keyed_compare(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->participant < y->participant ? -1 : x->participant > y->participant;
}

/* Row-major order of CELL_KM cells; people without a location are spread
 * over the cells by a hash of their index. */
static int spatial_order(run *r)
{
    size_t n = r->c.n;
    keyed *keys = malloc((n + 1) * sizeof *keys);
    if (!keys)
        return LM_E_NOMEM;
    double min_x = INFINITY, min_y = INFINITY, max_x = -INFINITY;
    for (size_t p = 0; p < n; p++)
        if (r->c.pool->people[p].has_location) {
            min_x = fmin(min_x, r->c.px[p]);
            max_x = fmax(max_x, r->c.px[p]);
            min_y = fmin(min_y, r->c.py[p]);
        }
    uint64_t columns = isfinite(min_x) ? (uint64_t)((max_x - min_x) / CELL_KM) + 1 : 1;
    uint64_t cells = 0;
    for (size_t p = 0; p < n; p++) {
        if (!r->c.pool->people[p].has_location)
            continue;
        uint64_t row = (uint64_t)((r->c.py[p] - min_y) / CELL_KM);
        uint64_t column = (uint64_t)((r->c.px[p] - min_x) / CELL_KM);
        keys[p].key = row * columns + column;
        if (keys[p].key + 1 > cells)
            cells = keys[p].key + 1;
    }
    for (size_t p = 0; p < n; p++) {
        keys[p].participant = p;
        if (!r->c.pool->people[p].has_location) {
            uint64_t hash = p;
            keys[p].key = cells ? splitmix(&hash) % cells : 0;
        }
    }
    qsort(keys, n, sizeof *keys, keyed_compare);
    for (size_t k = 0; k < n; k++)
        r->order[k] = keys[k].participant;
    free(keys);
    return LM_OK;
}

int gb_greedy_groups(const lm_pool *pool, const lm_params *params, lm_grouping **out)
{
    run r;
    int status = run_init(&r, pool, params, true);
    if (status == LM_OK && (status = spatial_order(&r)) != LM_OK) {
        lm_grouping_free(r.grouping);
        run_free(&r);
    }
    if (status != LM_OK)
        return status;
    size_t n = r.c.n, groups = 0, chosen[MAX_GROUP];
    size_t max_size = (size_t)r.c.max_size, min_size = (size_t)r.c.min_size;
    while (status == LM_OK && r.list.next[n] != n) {
        size_t opener = r.list.next[n];
        list_unlink(&r.list, opener);
        if (!builder_start(&r.b, r.order[opener], max_size, min_size))
            continue;
        size_t taken = 0;
        while (r.b.k < max_size) {
            size_t best = n, looked = 0;
            double best_gain = -INFINITY;
            for (size_t k = r.list.next[n]; k != n && looked < GREEDY_WINDOW;
                 k = r.list.next[k], looked++) {
                if (r.taken[k] || !builder_fits(&r.b, r.order[k]))
                    continue;
                double gain =
                    score_with(&r.b, r.order[k]) - r.b.score + r.c.weights.unassigned;
                if (gain > best_gain) {
                    best_gain = gain;
                    best = k;
                }
            }
            if (best == n || (r.b.k >= min_size && !(best_gain > 0.0)))
                break;
            builder_add(&r.b, r.order[best]);
            r.taken[best] = true;
            chosen[taken++] = best;
        }
        for (size_t m = 0; m < taken; m++)
            r.taken[chosen[m]] = false;
        if (!builder_valid(&r.b))
            continue;
        for (size_t m = 0; m < taken; m++)
            list_unlink(&r.list, chosen[m]);
        status = builder_commit(&r.b, r.grouping, groups++);
    }
    if (status == LM_OK) {
        *out = r.grouping;
        r.grouping = NULL;
    }
    lm_grouping_free(r.grouping);
    run_free(&r);
    return status;
}
