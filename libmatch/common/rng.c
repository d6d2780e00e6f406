/* Deterministic randomness: libsodium expands the seed, xoshiro256** runs. */
#include <sodium.h>
#include <string.h>

#include "common/rng_internal.h"

void lm__rng_seed(lm_rng *rng, uint64_t seed, uint64_t stream)
{
    unsigned char key[randombytes_SEEDBYTES];
    memset(key, 0, sizeof key);
    for (int k = 0; k < 8; k++) {
        key[k] = (unsigned char)(seed >> (8 * k));
        key[8 + k] = (unsigned char)(stream >> (8 * k));
    }
    unsigned char bytes[sizeof rng->s];
    randombytes_buf_deterministic(bytes, sizeof bytes, key);
    memcpy(rng->s, bytes, sizeof rng->s);
    if (!(rng->s[0] | rng->s[1] | rng->s[2] | rng->s[3]))
        rng->s[0] = 1; /* the all-zero state is a fixed point */
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t lm__rng_next(lm_rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint64_t lm__rng_below(lm_rng *rng, uint64_t bound)
{
    uint64_t threshold = (0 - bound) % bound;
    for (;;) {
        uint64_t r = lm__rng_next(rng);
        if (r >= threshold)
            return r % bound;
    }
}

double lm__rng_unit(lm_rng *rng)
{
    return (double)(lm__rng_next(rng) >> 11) * 0x1.0p-53;
}
