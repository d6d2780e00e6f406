/* The hard constraints of DESIGN.md for one group: language, a common slot,
 * distance to the meeting point or venue, step-free access, venue opening
 * hours. Size, mix and venue capacity are checked by the callers. The
 * distance rule and the meeting point are defined here once, for every
 * solver and for evaluation. */
#ifndef LM_CONSTRAINTS_INTERNAL_H
#define LM_CONSTRAINTS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/model_internal.h"
#include "model/params_internal.h"

#define LM_EARTH_RADIUS_KM 6371.0088

typedef struct lm_placement {
    int slot;     /* chosen slot, -1 none */
    int venue;    /* chosen venue, -1 none (or no venues) */
    int language; /* a shared language (lowest index), -1 when unknown/off */
} lm_placement;

/* The languages every member speaks (all ones when nobody gave any). */
uint64_t lm__group_languages(const lm_pool *pool, const size_t *members, size_t k);
/* The slots every member is free (all slots when nobody gave any). */
uint64_t lm__group_slots(const lm_pool *pool, const size_t *members, size_t k);

/* ---- distance and the meeting point (DESIGN.md, hard constraint 5) ------ */

/* The maximum travel distance of a participant under params: their own, or
 * the default. */
double lm__max_km(const lm_participant *p, const lm_params *params);

/* The distance rule: true when p has a location farther than max_km from
 * (lat, lon), great-circle (lm_distance_km, haversine). Someone without a
 * location is never too far. The distance goes to *distance when not NULL
 * (0 without a location). */
bool lm__too_far(const lm_participant *p, double max_km, double lat, double lon,
                 double *distance);

/* Without venues a group meets at the mean latitude and longitude of the
 * members who gave a location. The sums are rounded as members are added,
 * so every caller adds them in the order it documents. Adding and taking
 * the mean are inline: the group engine does both for every move it
 * weighs. */
typedef struct lm_meeting_point {
    double lat, lon; /* sums over the located members */
    size_t located;
} lm_meeting_point;

static inline void lm__meeting_point_add(lm_meeting_point *point, double lat, double lon)
{
    point->lat += lat;
    point->lon += lon;
    point->located++;
}

/* The mean in *lat, *lon; false (and nothing written) when nobody gave a
 * location, so the distance puts no constraint on the group. */
static inline bool lm__meeting_point_mean(const lm_meeting_point *point, double *lat,
                                          double *lon)
{
    if (!point->located)
        return false;
    *lat = point->lat / (double)point->located;
    *lon = point->lon / (double)point->located;
    return true;
}

/* The meeting point of members[0..k), added in that order. */
bool lm__meeting_point(const lm_pool *pool, const size_t *members, size_t k, double *lat,
                       double *lon);

/* The same rule for many checks against changing points (the group
 * engine): a location as a point on the unit sphere, and max_km as the
 * largest squared chord between two such points, shrunk by 1e-9 so that a
 * check never accepts a distance that haversine puts a rounding error above
 * max_km. */
void lm__unit_vector(double lat, double lon, double xyz[3]);
double lm__chord2_within(double max_km);
/* true when the points are farther apart than chord2 allows. */
static inline bool lm__chord_too_far(const double from[3], const double to[3], double chord2)
{
    double dx = from[0] - to[0], dy = from[1] - to[1], dz = from[2] - to[2];
    return dx * dx + dy * dy + dz * dz > chord2;
}

/* true when members[0..k) can meet: shared language (if on), a common slot,
 * and a meeting place within everybody's distance. With venues in the pool
 * (and use_venues), the venue must be open at the slot and step-free when
 * needed; venue capacity is NOT checked here. `venue_busy(context, venue,
 * slot)` may be NULL; when given, slots/venues for which it returns true are
 * skipped. Fills placement with the lowest feasible slot (and the nearest
 * feasible venue for it). */
typedef bool (*lm_venue_busy_fn)(void *context, size_t venue, size_t slot);
bool lm__group_feasible(const lm_pool *pool, const lm_params *params, const size_t *members,
                        size_t k, bool use_venues, lm_venue_busy_fn venue_busy,
                        void *context, lm_placement *placement);

#endif
