/* The one allocator, with SQLite-style fault injection for tests. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/common_internal.h"

/* Thread-local so that concurrent tests and threads never see each other's
 * counters; it is test state, not library state. */
static _Thread_local long alloc_count;
static _Thread_local long alloc_fail_at;

long lm__alloc_fail_at(long n)
{
    long made = alloc_count;
    alloc_count = 0;
    alloc_fail_at = n;
    return made;
}

static int should_fail(void)
{
    alloc_count++;
    return alloc_fail_at > 0 && alloc_count == alloc_fail_at;
}

void *lm__malloc(size_t size)
{
    if (should_fail())
        return NULL;
    return malloc(size ? size : 1);
}

void *lm__calloc(size_t count, size_t size)
{
    if (should_fail())
        return NULL;
    if (count == 0 || size == 0)
        return calloc(1, 1);
    return calloc(count, size);
}

void *lm__realloc(void *pointer, size_t size)
{
    if (should_fail())
        return NULL;
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
    free(pointer);
}

void lm__free_secret(void *pointer, size_t size)
{
    if (!pointer)
        return;
    sodium_memzero(pointer, size);
    lm__free(pointer);
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
