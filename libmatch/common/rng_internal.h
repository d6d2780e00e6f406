/* A small deterministic random generator (xoshiro256**), seeded through
 * libsodium's randombytes_buf_deterministic so that the seed expands the
 * same way on every platform. */
#ifndef LM_RNG_INTERNAL_H
#define LM_RNG_INTERNAL_H

#include <stdint.h>

typedef struct lm_rng {
    uint64_t s[4];
} lm_rng;

void lm__rng_seed(lm_rng *rng, uint64_t seed, uint64_t stream);
uint64_t lm__rng_next(lm_rng *rng);
/* Uniform in [0, bound) without modulo bias; bound > 0. */
uint64_t lm__rng_below(lm_rng *rng, uint64_t bound);
/* Uniform in [0, 1). */
double lm__rng_unit(lm_rng *rng);

#endif
