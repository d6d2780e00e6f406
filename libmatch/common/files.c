/* Reading a file whole (files_internal.h), the one way every loader gets
 * its bytes. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "common/files_internal.h"

#define GIB ((size_t)1 << 30)

static int read_failed(lm_object *error, const char *path, int code)
{
    char reason[128];
    if (strerror_r(code, reason, sizeof reason) != 0)
        snprintf(reason, sizeof reason, "error %d", code);
    return lm__fail(error, LM_E_IO, "cannot read '%s': %s", path, reason);
}

static int too_large(lm_object *error, const char *path, size_t max_size)
{
    if (max_size % GIB == 0)
        return lm__fail(error, LM_E_TOO_LARGE, "'%s' is larger than %zu GiB", path,
                        max_size / GIB);
    return lm__fail(error, LM_E_TOO_LARGE, "'%s' is larger than %zu bytes", path, max_size);
}

int lm__file_read(const char *path, size_t max_size, lm_file_bytes *bytes, lm_object *error)
{
    memset(bytes, 0, sizeof *bytes);
    FILE *file = fopen(path, "rb");
    if (!file)
        return read_failed(error, path, errno);
    /* A regular file's size is the first allocation, one byte more so that
     * the read that sees the end needs no growth; a pipe grows from 64 KiB. */
    size_t first = (size_t)1 << 16;
    struct stat info;
    if (fstat(fileno(file), &info) == 0) {
        if (S_ISDIR(info.st_mode)) {
            fclose(file);
            return read_failed(error, path, EISDIR);
        }
        if (S_ISREG(info.st_mode)) {
            if ((uint64_t)info.st_size > max_size) {
                fclose(file);
                return too_large(error, path, max_size);
            }
            first = (size_t)info.st_size + 1;
        }
    }
    unsigned char *buffer = NULL;
    size_t used = 0, allocated = 0;
    int status = LM_OK;
    for (;;) {
        if (used == allocated) {
            size_t next = allocated ? 2 * allocated : first;
            if (next > max_size + 1)
                next = max_size + 1;
            /* Moved by hand rather than realloc'ed, which may leave the old
             * bytes in freed memory. */
            unsigned char *bigger = lm__malloc(next);
            if (!bigger) {
                status = lm__fail(error, LM_E_NOMEM, "out of memory");
                break;
            }
            if (used)
                memcpy(bigger, buffer, used);
            lm__free_secret(buffer, allocated);
            buffer = bigger;
            allocated = next;
        }
        size_t got = fread(buffer + used, 1, allocated - used, file);
        used += got;
        if (used > max_size) {
            status = too_large(error, path, max_size);
            break;
        }
        if (got == 0) {
            if (ferror(file))
                status = read_failed(error, path, errno ? errno : EIO);
            break;
        }
    }
    fclose(file);
    if (status != LM_OK) {
        lm__free_secret(buffer, allocated);
        return status;
    }
    bytes->data = buffer;
    bytes->size = used;
    bytes->capacity = allocated;
    return LM_OK;
}

void lm__file_bytes_free(lm_file_bytes *bytes)
{
    lm__free_secret(bytes->data, bytes->capacity);
    memset(bytes, 0, sizeof *bytes);
}
