/* Internal plumbing shared by every libmatch file: the object header that
 * carries error messages, the one allocator, and error helpers. */
#ifndef LM_COMMON_INTERNAL_H
#define LM_COMMON_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
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

/* Copies text into out (size bytes, NUL-terminated, cut short when full)
 * with every control character written as \xNN: C0 controls, DEL and the
 * UTF-8 C1 controls, so that bytes from an input file can never send a
 * terminal an escape sequence through a message. Returns the length. */
size_t lm__escape_controls(char *out, size_t size, const char *text);
/* vsnprintf into out, then lm__escape_controls(): how every message from
 * input is made (lm__fail, pool warnings). */
void lm__format_message(char *out, size_t size, const char *format, va_list args)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 0)))
#endif
    ;

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
/* The same over every thread of the process, for failures in worker
 * threads: the Nth allocation of any thread fails; 0 stops counting, -1
 * counts without failing. Returns the count since the last call. */
long lm__alloc_fail_at_all_threads(long n);
/* Test hook: the largest single request of this thread since the last
 * lm__alloc_fail_at() (checks that readers never ask more than the input
 * can justify). */
size_t lm__alloc_largest(void);
/* Test hook for calls into libsodium and msgpack-c that can fail (sodium_init,
 * crypto_pwhash, the packer's write callback): the Nth such call from now in
 * this thread fails (0 = never); returns the count since the last call.
 * lm__extern_fails() is what the wrappers ask before each such call. */
long lm__extern_fail_at(long n);
bool lm__extern_fails(void);

/* Growable arrays: ensure capacity for `needed` elements of `size` bytes. */
int lm__grow(void **array, size_t *capacity, size_t needed, size_t size);
/* The same for an array of personal data: the old block is copied by hand
 * and wiped, never left in freed memory by realloc; free the array with
 * lm__free_secret(array, capacity * size). */
int lm__grow_secret(void **array, size_t *capacity, size_t needed, size_t size);
/* Test hook: from now on in this thread, counts the blocks freed (or left
 * behind by realloc) while still holding text; NULL stops. Returns the count
 * since the last call. Wiped buffers (lm__free_secret) never count. */
long lm__alloc_watch_freed(const char *text);

#endif
