/* Fuzz target: the msgpack pool and result readers. Any input must load or
 * fail with a status, never crash, overread or allocate without bound. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "libmatch/libmatch.h"

/* Built once: a pool that result files can refer to. */
static lm_pool *sample_pool(void)
{
    static lm_pool *pool;
    if (!pool && (lm_pool_new(NULL, &pool) != LM_OK || lm_pool_load_sample(pool) != LM_OK))
        abort();
    return pool;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lm_pool *pool = NULL;
    if (lm_pool_new(NULL, &pool) != LM_OK)
        abort();
    int status = lm_pool_load_msgpack_buffer(pool, "fuzz", data, size, NULL);
    /* All or nothing: a failed load leaves the pool empty, with a message. */
    if (status != LM_OK && (lm_pool_size(pool) != 0 || !lm_errmsg(pool)[0]))
        abort();
    lm_pool_free(pool);

    lm_result *result = NULL;
    if (lm_result_new(&result) != LM_OK)
        abort();
    (void)lm_result_load_msgpack_buffer(result, sample_pool(), "fuzz", data, size, NULL);
    status = lm_result_load_msgpack_buffer(result, NULL, "fuzz", data, size, NULL);
    if (status != LM_OK && !lm_errmsg(result)[0])
        abort();
    lm_result_free(result);
    return 0;
}
