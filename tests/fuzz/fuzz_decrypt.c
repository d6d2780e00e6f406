/* Fuzz target: the decryption path (header, chunk framing, authentication)
 * with a fixed key file key. Inputs that are not encrypted go to the plain
 * readers, which fuzz_msgpack covers. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "libmatch/libmatch.h"
#include "model/model_internal.h"

/* The corpus files were encrypted with this key. */
static const char key_text[] = "libmatch-key-v1 000102030405060708090a0b0c0d0e0f"
                               "101112131415161718191a1b1c1d1e1f\n";

static lm_key *fixed_key(void)
{
    static lm_key *key;
    if (!key && (lm_key_new(&key) != LM_OK ||
                 lm_key_load_buffer(key, key_text, sizeof key_text - 1) != LM_OK))
        abort();
    return key;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (lm_format_detect(data, size) != LM_FORMAT_ENCRYPTED)
        return 0;
    static lm_pool *pool;
    if (!pool && lm_pool_new(NULL, &pool) != LM_OK)
        abort();
    int status = lm_pool_load_msgpack_buffer(pool, "fuzz", data, size, fixed_key());
    if (status != LM_OK && (lm_pool_size(pool) != 0 || !lm_errmsg(pool)[0]))
        abort();
    lm__pool_truncate(pool, 0, 0, 0);

    lm_result *result = NULL;
    if (lm_result_new(&result) != LM_OK)
        abort();
    status = lm_result_load_msgpack_buffer(result, NULL, "fuzz", data, size, fixed_key());
    if (status != LM_OK && !lm_errmsg(result)[0])
        abort();
    lm_result_free(result);
    return 0;
}
