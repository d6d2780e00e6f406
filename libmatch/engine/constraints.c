/* The hard constraints of DESIGN.md for one group (reference version used
 * by evaluation, pairs and the final placement of groups). */
#include <math.h>

#include "engine/constraints_internal.h"

double lm_distance_km(double lat1, double lon1, double lat2, double lon2)
{
    const double radians = 3.14159265358979323846 / 180.0;
    double phi1 = lat1 * radians, phi2 = lat2 * radians;
    double dphi = (lat2 - lat1) * radians, dlambda = (lon2 - lon1) * radians;
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
        double distance = lm_distance_km(p->lat, p->lon, lat, lon);
        if (distance > lm__max_km(p, params))
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
        size_t located = 0;
        double lat = 0.0, lon = 0.0;
        for (size_t m = 0; m < k; m++) {
            const lm_participant *p = &pool->people[members[m]];
            if (p->has_location) {
                lat += p->lat;
                lon += p->lon;
                located++;
            }
        }
        if (located && !all_within(pool, params, members, k, lat / (double)located,
                                   lon / (double)located, NULL))
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
