/* Whole files into memory, for the loaders (files.c). Pool and result files
 * hold personal data, so no copy of their bytes is left behind in freed
 * memory: the buffer is moved by hand when it grows and wiped when freed. */
#ifndef LM_FILES_INTERNAL_H
#define LM_FILES_INTERNAL_H

#include <stddef.h>

#include "common/common_internal.h"

typedef struct lm_file_bytes {
    unsigned char *data;
    size_t size;     /* bytes read */
    size_t capacity; /* bytes allocated, all wiped by lm__file_bytes_free() */
} lm_file_bytes;

/* Reads the file at path whole into *bytes. Failures leave *bytes empty and
 * set a message on error (may be NULL): LM_E_IO "cannot read '<path>':
 * <reason>" when it cannot be opened or read (a folder among them),
 * LM_E_TOO_LARGE when it holds more than max_size bytes, LM_E_NOMEM. */
int lm__file_read(const char *path, size_t max_size, lm_file_bytes *bytes, lm_object *error);
/* Wipes and frees what lm__file_read() gave; an empty *bytes is fine. */
void lm__file_bytes_free(lm_file_bytes *bytes);

#endif
