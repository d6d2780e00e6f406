/* Recognising a file by its first bytes, reading it whole, and loading a
 * pool from whichever format it is in. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "model/model_internal.h"
#include "io/msgpack_internal.h"

/* A msgpack envelope starts with fixarray(3) and fixstr(6). */
static const unsigned char pool_magic[8] = {0x93, 0xa6, 'L', 'M', 'P', 'O', 'O', 'L'};
static const unsigned char result_magic[8] = {0x93, 0xa6, 'L', 'M', 'R', 'S', 'L', 'T'};

lm_format lm_format_detect(const void *data, size_t size)
{
    const unsigned char *bytes = data;
    if (!bytes)
        return LM_FORMAT_CSV;
    if (size >= sizeof pool_magic && memcmp(bytes, pool_magic, sizeof pool_magic) == 0)
        return LM_FORMAT_POOL_MSGPACK;
    if (size >= sizeof result_magic && memcmp(bytes, result_magic, sizeof result_magic) == 0)
        return LM_FORMAT_RESULT_MSGPACK;
    if (size >= LM_ENC_MAGIC_SIZE && memcmp(bytes, LM_ENC_MAGIC, LM_ENC_MAGIC_SIZE) == 0)
        return LM_FORMAT_ENCRYPTED;
    return LM_FORMAT_CSV;
}

int lm_format_detect_file(const char *path, lm_format *format)
{
    if (!path || !format)
        return LM_E_INVALID;
    FILE *file = fopen(path, "rb");
    if (!file)
        return LM_E_IO;
    unsigned char head[16];
    size_t got = fread(head, 1, sizeof head, file);
    int failed = ferror(file);
    fclose(file);
    if (failed)
        return LM_E_IO;
    *format = lm_format_detect(head, got);
    return LM_OK;
}

int lm__read_private_file(const char *path, unsigned char **data, size_t *size,
                          size_t *capacity, lm_object *err)
{
    *data = NULL;
    *size = *capacity = 0;
    FILE *file = fopen(path, "rb");
    if (!file)
        return lm__fail(err, LM_E_IO, "cannot open '%s': %s", path, strerror(errno));
    unsigned char *buffer = NULL;
    size_t used = 0, room = 0;
    int status = LM_OK;
    for (;;) {
        if (used == room) {
            if (room >= LM_MP_MAX_BYTES) {
                status = lm__fail(err, LM_E_TOO_LARGE, "'%s' is larger than %zu bytes", path,
                                  (size_t)LM_MP_MAX_BYTES);
                break;
            }
            size_t grown = room ? 2 * room : 65536;
            /* Move the bytes by hand so that no copy of them is left behind
             * in freed memory. */
            unsigned char *bigger = lm__malloc(grown);
            if (!bigger) {
                status = lm__fail(err, LM_E_NOMEM, "out of memory reading '%s'", path);
                break;
            }
            if (used)
                memcpy(bigger, buffer, used);
            lm__free_secret(buffer, room);
            buffer = bigger;
            room = grown;
        }
        size_t got = fread(buffer + used, 1, room - used, file);
        used += got;
        if (got == 0) {
            if (ferror(file))
                status = lm__fail(err, LM_E_IO, "cannot read '%s': %s", path, strerror(errno));
            break;
        }
    }
    fclose(file);
    if (status != LM_OK) {
        lm__free_secret(buffer, room);
        return status;
    }
    *data = buffer;
    *size = used;
    *capacity = room;
    return LM_OK;
}

int lm__plain_open(lm_plain *plain, const lm_key *key, const char *name, const void *data,
                   size_t size, lm_object *err)
{
    memset(plain, 0, sizeof *plain);
    if (lm_format_detect(data, size) != LM_FORMAT_ENCRYPTED) {
        plain->data = data;
        plain->size = size;
        return LM_OK;
    }
    if (!key)
        return lm__fail(err, LM_E_CRYPTO, "'%s' is encrypted: give its key or passphrase",
                        name);
    unsigned char *bytes;
    size_t length, capacity;
    int status = lm__decrypt(key, name, data, size, &bytes, &length, &capacity, err);
    if (status != LM_OK)
        return status;
    plain->data = bytes;
    plain->size = length;
    plain->owned = bytes;
    plain->owned_capacity = capacity;
    return LM_OK;
}

void lm__plain_close(lm_plain *plain)
{
    lm__free_secret(plain->owned, plain->owned_capacity);
    memset(plain, 0, sizeof *plain);
}

int lm_pool_load_file(lm_pool *pool, const char *path, const lm_key *key)
{
    if (!pool)
        return LM_E_INVALID;
    if (!path)
        return lm__fail(&pool->base, LM_E_INVALID, "no file name");
    unsigned char *data;
    size_t size, capacity;
    int status = lm__read_private_file(path, &data, &size, &capacity, &pool->base);
    if (status != LM_OK)
        return status;
    switch (lm_format_detect(data, size)) {
    case LM_FORMAT_CSV:
        status = lm_pool_load_csv_buffer(pool, path, (const char *)data, size);
        break;
    case LM_FORMAT_RESULT_MSGPACK:
        status = lm__fail(&pool->base, LM_E_FORMAT, "'%s' is a result file, not a pool", path);
        break;
    default:
        status = lm_pool_load_msgpack_buffer(pool, path, data, size, key);
        break;
    }
    lm__free_secret(data, capacity);
    return status;
}
