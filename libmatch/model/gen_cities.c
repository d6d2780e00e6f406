/* The cities of a synthetic country (lm_pool_generate_cities): how many
 * people and venues each has, where it lies on the national map, and how its
 * copy of Utrecht's district map is mirrored, turned, scaled and weighted.
 * Integer arithmetic throughout, so the plan is the same on every machine. */
#include "model/model_internal.h"
#include "model/gen_internal.h"
#include "common/rng_internal.h"

/* A city's map is scaled so that this many participants fill Utrecht's
 * districts as densely as 25,000 do: density does not grow with n. */
#define CITY_REFERENCE 25000u
/* The national map: the Netherlands' extent, 1e-5 degrees. */
#define MAP_LAT0 5110000
#define MAP_LAT1 5340000
#define MAP_LON0 360000
#define MAP_LON1 700000
#define CITY_MIN_APART_LAT 2700 /* 3 km between city centres at least */

static uint64_t isqrt(uint64_t v)
{
    uint64_t r = 0;
    for (uint64_t bit = UINT64_C(1) << 62; bit; bit >>= 2) {
        if (v >= r + bit) {
            v -= r + bit;
            r = (r >> 1) + bit;
        } else {
            r >>= 1;
        }
    }
    return r;
}

/* Shares k of n in proportion to weights (largest remainder; the first
 * take what is left), in integer arithmetic. */
static void share_out(size_t n, const uint64_t *weights, size_t count, size_t *out)
{
    uint64_t total = 0;
    for (size_t k = 0; k < count; k++)
        total += weights[k];
    size_t given = 0;
    for (size_t k = 0; k < count; k++) {
        out[k] = (size_t)((uint64_t)n * weights[k] / total);
        given += out[k];
    }
    for (size_t k = 0; given < n; k = (k + 1) % count, given++)
        out[k]++;
}

/* K cities: sizes by Zipf's law (the k-th largest has 1/k of the largest's
 * people: a heavy tail), centres uniform on the national map at least
 * CITY_MIN_APART_LAT apart, each map mirrored or turned, scaled to keep
 * its density and with its districts' weights shifted. */
int lm__plan_cities(city *cities, size_t count, size_t participants, size_t venues,
                    uint64_t seed)
{
    uint64_t *weights = lm__calloc(count, sizeof *weights);
    size_t *shares = lm__calloc(count, sizeof *shares);
    if (!weights || !shares) {
        lm__free(weights);
        lm__free(shares);
        return LM_E_NOMEM;
    }
    for (size_t k = 0; k < count; k++)
        weights[k] = UINT64_C(720720) * 16 / (k + 1);
    lm_rng rng;
    lm__rng_seed(&rng, seed, 3);
    share_out(participants, weights, count, shares);
    for (size_t k = 0; k < count; k++) {
        city *c = &cities[k];
        c->people = shares[k];
        for (int attempt = 0; attempt < 100; attempt++) {
            c->lat = MAP_LAT0 + (int32_t)lm__rng_below(&rng, MAP_LAT1 - MAP_LAT0);
            c->lon = MAP_LON0 + (int32_t)lm__rng_below(&rng, MAP_LON1 - MAP_LON0);
            bool apart = true;
            for (size_t j = 0; j < k && apart; j++) {
                int64_t dy = (int64_t)c->lat - cities[j].lat;
                int64_t dx = ((int64_t)c->lon - cities[j].lon) * 6145 / 10000;
                int64_t reach = CITY_MIN_APART_LAT * (cities[j].scale + c->scale + 200) / 200;
                apart = dy * dy + dx * dx >= reach * reach;
            }
            if (apart)
                break;
        }
        c->symmetry = (unsigned)lm__rng_below(&rng, 8);
        c->shift = (size_t)lm__rng_below(&rng, DISTRICT_COUNT_FOR_CITIES);
        /* area in proportion to people: scale^2 / 100^2 = people / reference */
        uint64_t scale = isqrt((uint64_t)c->people * 10000 / CITY_REFERENCE);
        c->scale = scale < 10 ? 10 : (int64_t)scale;
    }
    share_out(venues, weights, count, shares);
    for (size_t k = 0; k < count; k++)
        cities[k].venues = shares[k];
    lm__free(weights);
    lm__free(shares);
    return LM_OK;
}
