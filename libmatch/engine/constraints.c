/* The hard constraints of DESIGN.md for one group (the reference that
 * evaluation, pairs and the final placement of groups use), and the one
 * definition of distances and of the meeting point. */
#include <math.h>

#include "engine/constraints_internal.h"

#define RADIANS (3.14159265358979323846 / 180.0)

double lm_distance_km(double lat1, double lon1, double lat2, double lon2)
{
    double phi1 = lat1 * RADIANS, phi2 = lat2 * RADIANS;
    double dphi = (lat2 - lat1) * RADIANS, dlambda = (lon2 - lon1) * RADIANS;
    double s1 = sin(dphi / 2), s2 = sin(dlambda / 2);
    double a = s1 * s1 + cos(phi1) * cos(phi2) * s2 * s2;
    if (a > 1.0)
        a = 1.0;
    return 2.0 * LM_EARTH_RADIUS_KM * asin(sqrt(a));
}

static uint64_t all_slots(void)
{
    size_t n = lm_slot_count();
    return n >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << n) - 1);
}

uint64_t lm__group_languages(const lm_pool *pool, const size_t *members, size_t k)
{
    uint64_t common = ~(uint64_t)0;
    for (size_t m = 0; m < k; m++) {
        uint64_t spoken = pool->people[members[m]].languages;
        if (spoken)
            common &= spoken;
    }
    return common;
}

uint64_t lm__group_slots(const lm_pool *pool, const size_t *members, size_t k)
{
    uint64_t common = all_slots();
    for (size_t m = 0; m < k; m++) {
        uint64_t free_slots = pool->people[members[m]].availability;
        if (free_slots)
            common &= free_slots;
    }
    return common;
}

double lm__max_km(const lm_participant *p, const lm_params *params)
{
    return p->max_km > 0 ? p->max_km : params->default_max_km;
}

bool lm__too_far(const lm_participant *p, double max_km, double lat, double lon,
                 double *distance)
{
    double km = p->has_location ? lm_distance_km(p->lat, p->lon, lat, lon) : 0.0;
    if (distance)
        *distance = km;
    return km > max_km;
}

bool lm__meeting_point(const lm_pool *pool, const size_t *members, size_t k, double *lat,
                       double *lon)
{
    lm_meeting_point point = {0.0, 0.0, 0};
    for (size_t m = 0; m < k; m++) {
        const lm_participant *p = &pool->people[members[m]];
        if (p->has_location)
            lm__meeting_point_add(&point, p->lat, p->lon);
    }
    return lm__meeting_point_mean(&point, lat, lon);
}

void lm__unit_vector(double lat, double lon, double xyz[3])
{
    double phi = lat * RADIANS, lambda = lon * RADIANS;
    xyz[0] = cos(phi) * cos(lambda);
    xyz[1] = cos(phi) * sin(lambda);
    xyz[2] = sin(phi);
}

double lm__chord2_within(double max_km)
{
    /* The chord of a great-circle distance d is 2 sin(d / 2R); beyond half
     * the circumference every pair of points is within reach. */
    const double quarter_turn = 1.5707963267948966;
    double half_angle = max_km / (2.0 * LM_EARTH_RADIUS_KM);
    double chord = 2.0 * sin(half_angle < quarter_turn ? half_angle : quarter_turn);
    return half_angle >= quarter_turn ? 5.0 : chord * chord * (1.0 - 1e-9);
}

static int lowest_bit(uint64_t mask)
{
    for (int bit = 0; bit < 64; bit++)
        if (mask >> bit & 1)
            return bit;
    return -1;
}

/* Everybody with a location within their distance of (lat, lon); the sum of
 * those distances in *total. */
static bool all_within(const lm_pool *pool, const lm_params *params, const size_t *members,
                       size_t k, double lat, double lon, double *total)
{
    double sum = 0.0;
    for (size_t m = 0; m < k; m++) {
        const lm_participant *p = &pool->people[members[m]];
        if (!p->has_location)
            continue;
        double distance;
        if (lm__too_far(p, lm__max_km(p, params), lat, lon, &distance))
            return false;
        sum += distance;
    }
    if (total)
        *total = sum;
    return true;
}

bool lm__group_feasible(const lm_pool *pool, const lm_params *params, const size_t *members,
                        size_t k, bool use_venues, lm_venue_busy_fn venue_busy, void *context,
                        lm_placement *placement)
{
    lm_placement place = {-1, -1, -1};
    bool anyone_speaks = false;
    for (size_t m = 0; m < k; m++)
        anyone_speaks |= pool->people[members[m]].languages != 0;
    uint64_t languages = lm__group_languages(pool, members, k);
    if (anyone_speaks && languages)
        place.language = lowest_bit(languages);
    if (params->language && anyone_speaks && !languages)
        return false;
    uint64_t slots = lm__group_slots(pool, members, k);
    if (!slots)
        return false;

    if (!use_venues || pool->venue_count == 0) {
        double lat, lon;
        if (lm__meeting_point(pool, members, k, &lat, &lon) &&
            !all_within(pool, params, members, k, lat, lon, NULL))
            return false;
        place.slot = lowest_bit(slots);
        if (placement)
            *placement = place;
        return true;
    }

    bool needs_step_free = false;
    for (size_t m = 0; m < k; m++)
        needs_step_free |= pool->people[members[m]].step_free;
    /* The venue nearest to the members in total (lowest index on ties), at the
     * lowest slot where it is open and not busy. */
    double best_total = INFINITY;
    for (size_t v = 0; v < pool->venue_count; v++) {
        const lm_venue *venue = &pool->venues[v];
        if (needs_step_free && !venue->step_free)
            continue;
        uint64_t open = venue->open & slots;
        if (!open)
            continue;
        double total;
        if (!all_within(pool, params, members, k, venue->lat, venue->lon, &total))
            continue;
        if (!(total < best_total))
            continue;
        int slot = -1;
        for (int bit = 0; bit < 64; bit++) {
            if (!(open >> bit & 1))
                continue;
            if (venue_busy && venue_busy(context, v, (size_t)bit))
                continue;
            slot = bit;
            break;
        }
        if (slot < 0)
            continue;
        best_total = total;
        place.venue = (int)v;
        place.slot = slot;
    }
    if (place.venue < 0)
        return false;
    if (placement)
        *placement = place;
    return true;
}
