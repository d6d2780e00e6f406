/* The cities of a synthetic country (lm_pool_generate_cities): gen.c puts
 * people and venues in them, gen_cities.c plans them. */
#ifndef LIBMATCH_MODEL_GEN_INTERNAL_H
#define LIBMATCH_MODEL_GEN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* A city: where the district map is put, how it is turned, scaled, and
 * which district has whose weights. Utrecht itself is the identity. */
typedef struct city {
    int32_t lat, lon;  /* centre, 1e-5 degrees */
    unsigned symmetry; /* 0..7: the map mirrored and turned by quarter turns */
    int64_t scale;     /* the map's size, percent of Utrecht's */
    size_t shift;      /* district k takes the weights of district k + shift */
    size_t people, venues;
} city;

#define TEMPLATE_LAT 5209300 /* the middle of the ten districts */
#define TEMPLATE_LON 510500
#define MAX_CITIES 10000u
#define DISTRICT_COUNT_FOR_CITIES 10 /* districts[] of gen.c */

/* Plans count cities for participants and venues: sizes, places, maps.
 * LM_OK or LM_E_NOMEM. */
int lm__plan_cities(city *cities, size_t count, size_t participants, size_t venues,
                    uint64_t seed);

#endif
