/* The hard constraints for one newcomer and one resident (pairs_internal.h).
 * lm__group_feasible() is the reference; this file gives the same answer
 * for a pair, with venue reachability precomputed as one bit set per
 * participant so that a pair costs a few word operations instead of a
 * distance per venue. */
#include <math.h>
#include <string.h>

#include "engine/constraints_internal.h"
#include "pairs/pairs_internal.h"

/* Bit sets larger than this fall back to the reference, venue by venue. */
#define REACH_BYTES_MAX ((size_t)512 << 20)

static uint64_t grid_slots(void)
{
    size_t n = lm_slot_count();
    return n >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << n) - 1);
}

#define RADIANS (3.14159265358979323846 / 180.0)

/* A participant measured against venues: lm_distance_km() is
 * 2R asin(sqrt(a)) with a = sin^2(dphi/2) + cos(phi1) cos(phi2) sin^2(dlambda/2),
 * so d <= max_km exactly when a <= limit = sin^2(max_km / 2R). */
typedef struct probe {
    const lm_participant *person;
    double max_km, cos_lat, limit;
    bool bounded; /* limit and the bounds below apply */
} probe;

static probe probe_of(const lm_pair_rules *r, const lm_participant *p)
{
    probe q = {p, lm__max_km(p, r->params), cos(p->lat * RADIANS), 0.0, false};
    double half_angle = q.max_km / (2.0 * LM_EARTH_RADIUS_KM);
    q.bounded = p->has_location && half_angle < 1.0;
    if (q.bounded)
        q.limit = sin(half_angle) * sin(half_angle);
    return q;
}

/* Reach without sines in almost every case: as t - t^3/6 <= sin t <= t for
 * 0 <= t <= 1, a lies in [low, high], computed with a few multiplications.
 * Only a venue within a relative 1e-6 of the limit (millimetres) is
 * measured with lm__too_far(), the rule of constraints.c; the margin is far
 * above every rounding error, so the answer is always that of the
 * reference. */
static bool reaches(const probe *q, const lm_venue *v, double cos_v)
{
    const lm_participant *p = q->person;
    if (!p->has_location)
        return true;
    double t1 = fabs(v->lat - p->lat) * RADIANS / 2.0;
    double t2 = fabs(v->lon - p->lon) * RADIANS / 2.0;
    if (q->bounded && t1 <= 1.0 && t2 <= 1.0) {
        double product = q->cos_lat * cos_v;
        double low1 = t1 - t1 * t1 * t1 / 6.0, low2 = t2 - t2 * t2 * t2 / 6.0;
        double high = t1 * t1 + product * t2 * t2;
        double low = low1 * low1 + product * low2 * low2;
        if (high < q->limit * (1.0 - 1e-6))
            return true;
        if (low > q->limit * (1.0 + 1e-6))
            return false;
    }
    return !lm__too_far(p, q->max_km, v->lat, v->lon, NULL);
}

int lm__pair_rules_init(lm_pair_rules *r, const lm_pool *pool, const lm_params *params)
{
    memset(r, 0, sizeof *r);
    r->pool = pool;
    r->params = params;
    r->all_slots = grid_slots();
    r->masks = lm__malloc((pool->count ? pool->count : 1) * sizeof *r->masks);
    if (!r->masks)
        return LM_E_NOMEM;
    for (size_t p = 0; p < pool->count; p++) {
        const lm_participant *person = &pool->people[p];
        uint64_t slots = person->availability ? person->availability : r->all_slots;
        r->masks[p] = (lm_pair_masks){person->languages, r->all_slots & slots};
    }
    size_t venues = pool->venue_count;
    if (venues == 0)
        return LM_OK;
    size_t words = (venues + 63) / 64;
    if (pool->count > REACH_BYTES_MAX / sizeof(uint64_t) / words)
        return LM_OK; /* too many: ask the reference for every pair */
    r->reach = lm__calloc(pool->count ? pool->count * words : 1, sizeof *r->reach);
    r->step_free = lm__calloc(words, sizeof *r->step_free);
    if (!r->reach || !r->step_free) {
        lm__pair_rules_free(r);
        return LM_E_NOMEM;
    }
    r->venue_words = words;
    for (size_t v = 0; v < venues; v++)
        if (pool->venues[v].step_free)
            r->step_free[v / 64] |= (uint64_t)1 << (v % 64);
    double *cos_venue = lm__malloc(venues * sizeof *cos_venue);
    if (!cos_venue) {
        lm__pair_rules_free(r);
        return LM_E_NOMEM;
    }
    for (size_t v = 0; v < venues; v++)
        cos_venue[v] = cos(pool->venues[v].lat * RADIANS);
    for (size_t p = 0; p < pool->count; p++) {
        probe q = probe_of(r, &pool->people[p]);
        uint64_t *bits = r->reach + p * words;
        for (size_t v = 0; v < venues; v++)
            if (reaches(&q, &pool->venues[v], cos_venue[v]))
                bits[v / 64] |= (uint64_t)1 << (v % 64);
    }
    lm__free(cos_venue);
    return LM_OK;
}

void lm__pair_rules_free(lm_pair_rules *r)
{
    lm__free(r->masks);
    r->masks = NULL;
    lm__free(r->reach);
    lm__free(r->step_free);
    r->reach = r->step_free = NULL;
    r->venue_words = 0;
}

bool lm__pair_masks_ok(const lm_pair_rules *r, size_t a, size_t b)
{
    const lm_pair_masks *ma = &r->masks[a], *mb = &r->masks[b];
    if (r->params->language && ma->languages && mb->languages &&
        !(ma->languages & mb->languages))
        return false;
    return (ma->slots & mb->slots) != 0;
}

/* A venue that both reach, step-free when either needs it, open at a slot
 * in `slots`. */
static bool shared_venue(const lm_pair_rules *r, const uint64_t *reach_a,
                         const uint64_t *reach_b, bool needs_step_free, uint64_t slots)
{
    for (size_t w = 0; w < r->venue_words; w++) {
        uint64_t both = reach_a[w] & (reach_b ? reach_b[w] : ~(uint64_t)0);
        if (needs_step_free)
            both &= r->step_free[w];
        for (; both; both &= both - 1) {
            int bit = __builtin_ctzll(both);
            if (r->pool->venues[w * 64 + (size_t)bit].open & slots)
                return true;
        }
    }
    return false;
}

bool lm__pair_feasible(const lm_pair_rules *r, size_t a, size_t b)
{
    if (!lm__pair_masks_ok(r, a, b) || lm__pair_repeat_forbidden(r, a, b))
        return false;
    if (r->params->constraints && !lm__pair_constraints_ok(r->params->constraints, a, b))
        return false;
    const lm_pool *pool = r->pool;
    if (pool->venue_count == 0 || r->venue_words == 0) {
        size_t members[2] = {a < b ? a : b, a < b ? b : a};
        return lm__group_feasible(pool, r->params, members, 2, true, NULL, NULL, NULL);
    }
    const lm_participant *pa = &pool->people[a], *pb = &pool->people[b];
    return shared_venue(r, r->reach + a * r->venue_words, r->reach + b * r->venue_words,
                        pa->step_free || pb->step_free, r->masks[a].slots & r->masks[b].slots);
}

bool lm__pair_has_venue(const lm_pair_rules *r, size_t p)
{
    const lm_pool *pool = r->pool;
    if (pool->venue_count == 0)
        return true;
    const lm_participant *person = &pool->people[p];
    uint64_t slots = r->masks[p].slots;
    if (r->venue_words)
        return shared_venue(r, r->reach + p * r->venue_words, NULL, person->step_free, slots);
    probe q = probe_of(r, person);
    for (size_t v = 0; v < pool->venue_count; v++) {
        const lm_venue *venue = &pool->venues[v];
        if ((!person->step_free || venue->step_free) && (venue->open & slots) &&
            reaches(&q, venue, cos(venue->lat * RADIANS)))
            return true;
    }
    return false;
}
