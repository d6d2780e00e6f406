/* Fuzz target: the msgpack pool and result readers. Any input must load or
 * fail with a status, never crash, overread or allocate without bound. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "libmatch/libmatch.h"
#include "model/model_internal.h"

/* Built once: a pool that result files can refer to. */
static lm_pool *sample_pool(void)
{
    static lm_pool *pool;
    if (!pool && (lm_pool_new(NULL, &pool) != LM_OK || lm_pool_load_sample(pool) != LM_OK))
        abort();
    return pool;
}

/* One pool, emptied after each input: making a pool copies the default
 * taxonomy, which would cost more than the load itself. */
static lm_pool *target_pool(void)
{
    static lm_pool *pool;
    if (!pool && lm_pool_new(NULL, &pool) != LM_OK)
        abort();
    return pool;
}

/* 0: both readers (the replay), 1: pools only, 2: results only (the
 * campaign fuzzes each alone; tests/fuzz/meson.build). */
#ifndef FUZZ_MSGPACK_PART
#define FUZZ_MSGPACK_PART 0
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (FUZZ_MSGPACK_PART != 2) {
        lm_pool *pool = target_pool();
        int status = lm_pool_load_msgpack_buffer(pool, "fuzz", data, size, NULL);
        /* All or nothing: a failed load leaves the pool empty, with a message. */
        if (status != LM_OK && (lm_pool_size(pool) != 0 || lm_pool_venue_count(pool) != 0 ||
                                !lm_errmsg(pool)[0]))
            abort();
        lm__pool_truncate(pool, 0, 0, 0);
    }
    if (FUZZ_MSGPACK_PART != 1) {
        lm_result *result = NULL;
        if (lm_result_new(&result) != LM_OK)
            abort();
        int status = lm_result_load_msgpack_buffer(result, sample_pool(), "fuzz", data, size,
                                                   NULL);
        if (status != LM_OK && !lm_errmsg(result)[0])
            abort();
        status = lm_result_load_msgpack_buffer(result, NULL, "fuzz", data, size, NULL);
        if (status != LM_OK && !lm_errmsg(result)[0])
            abort();
        lm_result_free(result);
    }
    return 0;
}
