/* Internal plumbing shared by every libmatch file: the object header that
 * carries error messages, the one allocator, and error helpers. */
#ifndef LM_COMMON_INTERNAL_H
#define LM_COMMON_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "libmatch/libmatch.h"

#define LM_ERRMSG_MAX 512

/* Every handle starts with this header, so lm_errmsg() works on any of them. */
typedef enum lm_kind {
    LM_KIND_TAXONOMY = 0x4c4d5431u,
    LM_KIND_POOL = 0x4c4d5032u,
    LM_KIND_PARAMS = 0x4c4d5033u,
    LM_KIND_GROUPING = 0x4c4d4734u,
    LM_KIND_RESULT = 0x4c4d5235u,
    LM_KIND_KEY = 0x4c4d4b36u,
    LM_KIND_CONSTRAINTS = 0x4c4d4337u,
    LM_KIND_HISTORY = 0x4c4d4838u
} lm_kind;

typedef struct lm_object {
    uint32_t kind; /* an lm_kind; checked by lm_errmsg() */
    char errmsg[LM_ERRMSG_MAX];
} lm_object;

void lm__object_init(lm_object *object, lm_kind kind);
/* Records a formatted message on object (may be NULL) and returns status. */
int lm__fail(lm_object *object, int status, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
int lm__vfail(lm_object *object, int status, const char *format, va_list args)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 0)))
#endif
    ;
void lm__clear_error(lm_object *object);

/* The one allocator. Every allocation in the library goes through these so
 * that tests can make the Nth one fail (see lm__alloc_fail_at). */
void *lm__malloc(size_t size);
void *lm__calloc(size_t count, size_t size);
void *lm__realloc(void *pointer, size_t size);
/* Overflow-checked realloc of count*size bytes. */
void *lm__reallocarray(void *pointer, size_t count, size_t size);
void lm__free(void *pointer);
/* Frees a buffer of `size` bytes that held secrets or personal data, wiping
 * it first (libsodium's sodium_memzero, which the compiler cannot drop). */
void lm__free_secret(void *pointer, size_t size);
char *lm__strdup(const char *text);
char *lm__strndup(const char *text, size_t length);

/* Test hook: the Nth allocation from now on in this thread fails (0 = never).
 * Returns how many allocations were made since the last call. */
long lm__alloc_fail_at(long n);

/* Growable arrays: ensure capacity for `needed` elements of `size` bytes. */
int lm__grow(void **array, size_t *capacity, size_t needed, size_t size);

#endif
