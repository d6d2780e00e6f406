/* The hard constraints of DESIGN.md for one group: language, a common slot,
 * distance to the meeting point or venue, step-free access, venue opening
 * hours. Size, mix and venue capacity are checked by the callers. */
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
/* The maximum travel distance of a participant under params. */
double lm__max_km(const lm_participant *p, const lm_params *params);

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
