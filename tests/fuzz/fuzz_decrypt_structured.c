/* Fuzz target, structure-aware: the input is a plaintext, encrypted here
 * with a fixed key file key, then decrypted and read as a pool and as a
 * result. Mutated ciphertext (fuzz_decrypt) almost never authenticates, so
 * it only reaches the header and framing checks; this target reaches the
 * decoder behind authentication with every byte the fuzzer chooses. The
 * first input byte picks how the plaintext is fed to the encryptor (one
 * write, or pieces of that many bytes), so chunk boundaries move too; the
 * seeds are the msgpack corpus with a 0 byte in front. Besides "never
 * crash", the decrypted bytes must be exactly the plaintext: a load that
 * succeeds must succeed on the plaintext alone, and fail the same way. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "libmatch/libmatch.h"
#include "model/model_internal.h"
#include "privacy/crypto_internal.h"

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

static lm_pool *target_pool(void)
{
    static lm_pool *pool;
    if (!pool && lm_pool_new(NULL, &pool) != LM_OK)
        abort();
    return pool;
}

/* The plaintext encrypted as lm_pool_save_msgpack() would, into memory. */
static unsigned char *encrypt(const uint8_t *plain, size_t size, size_t piece, size_t *out_size)
{
    char *bytes = NULL;
    size_t length = 0;
    FILE *file = open_memstream(&bytes, &length);
    if (!file)
        abort();
    lm_object error;
    lm__object_init(&error, LM_KIND_POOL);
    lm_sink sink;
    int status = lm__sink_open(&sink, file, fixed_key(), "fuzz", &error);
    for (size_t at = 0; status == LM_OK && at < size; at += piece)
        status = lm__sink_write(&sink, plain + at, size - at < piece ? size - at : piece);
    int closed = lm__sink_close(&sink);
    fclose(file);
    if (status != LM_OK || closed != LM_OK)
        abort();
    *out_size = length;
    return (unsigned char *)bytes;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t piece = data[0] ? data[0] : size;
    const uint8_t *plain = data + 1;
    size_t plain_size = size - 1;
    size_t sealed_size = 0;
    unsigned char *sealed = encrypt(plain, plain_size, piece ? piece : 1, &sealed_size);

    lm_pool *pool = target_pool();
    int encrypted = lm_pool_load_msgpack_buffer(pool, "fuzz", sealed, sealed_size, fixed_key());
    size_t people = lm_pool_size(pool);
    lm__pool_truncate(pool, 0, 0, 0);
    int clear = lm_pool_load_msgpack_buffer(pool, "fuzz", plain, plain_size, NULL);
    /* a plaintext that is itself an encrypted file is decrypted once more on
     * the clear path only; everything else must agree */
    if (lm_format_detect(plain, plain_size) != LM_FORMAT_ENCRYPTED &&
        (encrypted != clear || (clear == LM_OK && people != lm_pool_size(pool))))
        abort();
    lm__pool_truncate(pool, 0, 0, 0);

    lm_result *result = NULL;
    if (lm_result_new(&result) != LM_OK)
        abort();
    int status = lm_result_load_msgpack_buffer(result, NULL, "fuzz", sealed, sealed_size,
                                               fixed_key());
    if (status != LM_OK && !lm_errmsg(result)[0])
        abort();
    lm_result_free(result);
    free(sealed);
    return 0;
}
