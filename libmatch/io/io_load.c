/* Loading a pool or a result from a file path, whatever its format: the
 * file is mapped (io/file_map.c), recognised by its first bytes
 * (io_envelope.c) and handed to the CSV or msgpack loader, which decrypts
 * it when needed. */
#include "common/files_internal.h"
#include "model/model_internal.h"
#include "io/csv_internal.h"
#include "io/file_map_internal.h"
#include "io/msgpack_internal.h"
#include "model/result_internal.h"

int lm_pool_load_file(lm_pool *pool, const char *path, const lm_key *key)
{
    if (!pool)
        return LM_E_INVALID;
    if (!path)
        return lm__fail(&pool->base, LM_E_INVALID, "no file name");
    lm_file_map file;
    int status = lm__file_map(path, LM_MP_MAX_BYTES, &file, &pool->base);
    if (status != LM_OK)
        return status;
    /* A result file is refused by the msgpack loader, encrypted or not. */
    if (lm_format_detect(file.data, file.size) == LM_FORMAT_CSV)
        status = lm__pool_load_csv_map(pool, path, &file);
    else
        status = lm__pool_load_msgpack_map(pool, path, &file, key);
    lm__file_map_free(&file);
    return status;
}

int lm_result_load_file(lm_result *result, const lm_pool *pool, const char *path,
                        const lm_key *key)
{
    if (!result)
        return LM_E_INVALID;
    if (!path)
        return lm__fail(&result->base, LM_E_INVALID, "no file name");
    lm_file_bytes file;
    int status = lm__file_read(path, LM_MP_MAX_BYTES, &file, &result->base);
    if (status != LM_OK)
        return status;
    status = lm_result_load_msgpack_buffer(result, pool, path, file.data, file.size, key);
    lm__file_bytes_free(&file);
    return status;
}
