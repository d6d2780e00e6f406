/* The one allocator, with SQLite-style fault injection for tests. */
#include <malloc.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/common_internal.h"

/* Thread-local so that concurrent tests and threads never see each other's
 * counters; it is test state, not library state. */
static _Thread_local long alloc_count;
static _Thread_local long alloc_fail_at;
static _Thread_local size_t alloc_largest;
static _Thread_local long extern_count;
static _Thread_local long extern_fail_at;

/* Process-wide counting, for failures inside worker threads: the Nth
 * allocation of any thread fails (lm__alloc_fail_at_all_threads); 0 is off,
 * -1 counts without failing. */
static _Atomic long shared_count;
static _Atomic long shared_fail_at;

long lm__alloc_fail_at(long n)
{
    long made = alloc_count;
    alloc_count = 0;
    alloc_fail_at = n;
    alloc_largest = 0;
    return made;
}

long lm__alloc_fail_at_all_threads(long n)
{
    long made = atomic_exchange(&shared_count, 0);
    atomic_store(&shared_fail_at, n);
    return made;
}

size_t lm__alloc_largest(void)
{
    return alloc_largest;
}

long lm__extern_fail_at(long n)
{
    long made = extern_count;
    extern_count = 0;
    extern_fail_at = n;
    return made;
}

bool lm__extern_fails(void)
{
    extern_count++;
    return extern_fail_at > 0 && extern_count == extern_fail_at;
}

static int should_fail(size_t size)
{
    alloc_count++;
    if (size > alloc_largest)
        alloc_largest = size;
    long shared_at = atomic_load_explicit(&shared_fail_at, memory_order_relaxed);
    if (shared_at != 0 && atomic_fetch_add(&shared_count, 1) + 1 == shared_at)
        return 1;
    return alloc_fail_at > 0 && alloc_count == alloc_fail_at;
}

/* Test hook: freed blocks that still hold a marker (lm__alloc_watch_freed). */
static _Thread_local const char *watched_text;
static _Thread_local size_t watched_length;
static _Thread_local long watched_hits;

long lm__alloc_watch_freed(const char *text)
{
    long hits = watched_hits;
    watched_hits = 0;
    watched_text = text;
    watched_length = text ? strlen(text) : 0;
    return hits;
}

static void watch(const void *pointer)
{
    if (!watched_length || !pointer)
        return;
    const unsigned char *bytes = pointer;
    size_t size = malloc_usable_size((void *)(uintptr_t)pointer);
    for (size_t k = 0; k + watched_length <= size; k++)
        if (bytes[k] == (unsigned char)watched_text[0] &&
            memcmp(bytes + k, watched_text, watched_length) == 0) {
            watched_hits++;
            return;
        }
}

void *lm__malloc(size_t size)
{
    if (should_fail(size))
        return NULL;
    return malloc(size ? size : 1);
}

void *lm__calloc(size_t count, size_t size)
{
    if (should_fail(size && count > SIZE_MAX / size ? SIZE_MAX : count * size))
        return NULL;
    if (count == 0 || size == 0)
        return calloc(1, 1);
    return calloc(count, size);
}

void *lm__realloc(void *pointer, size_t size)
{
    if (should_fail(size))
        return NULL;
    watch(pointer); /* realloc may move the block and free the old one */
    return realloc(pointer, size ? size : 1);
}

void *lm__reallocarray(void *pointer, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    return lm__realloc(pointer, count * size);
}

void lm__free(void *pointer)
{
    watch(pointer);
    free(pointer);
}

void lm__free_secret(void *pointer, size_t size)
{
    if (!pointer)
        return;
    sodium_memzero(pointer, size);
    lm__free(pointer);
}

int lm__grow_secret(void **array, size_t *capacity, size_t needed, size_t size)
{
    if (needed <= *capacity)
        return LM_OK;
    size_t next = *capacity ? *capacity : 8;
    while (next < needed) {
        if (next > SIZE_MAX / 2)
            return LM_E_NOMEM;
        next *= 2;
    }
    if (size && next > SIZE_MAX / size)
        return LM_E_NOMEM;
    /* Moved by hand: realloc may leave the old bytes in freed memory. */
    void *grown = lm__malloc(next * size);
    if (!grown)
        return LM_E_NOMEM;
    if (*capacity)
        memcpy(grown, *array, *capacity * size);
    lm__free_secret(*array, *capacity * size);
    *array = grown;
    *capacity = next;
    return LM_OK;
}

char *lm__strndup(const char *text, size_t length)
{
    char *copy = lm__malloc(length + 1);
    if (!copy)
        return NULL;
    memcpy(copy, text, length);
    copy[length] = '\0';
    return copy;
}

char *lm__strdup(const char *text)
{
    return lm__strndup(text, strlen(text));
}

int lm__grow(void **array, size_t *capacity, size_t needed, size_t size)
{
    if (needed <= *capacity)
        return LM_OK;
    size_t next = *capacity ? *capacity : 8;
    while (next < needed) {
        if (next > SIZE_MAX / 2)
            return LM_E_NOMEM;
        next *= 2;
    }
    void *grown = lm__reallocarray(*array, next, size);
    if (!grown)
        return LM_E_NOMEM;
    *array = grown;
    *capacity = next;
    return LM_OK;
}
