/* What a pool keeps for people rather than for the solver: display columns
 * (name, phone, notes, ... of a sign-up sheet), the errors of the last load
 * that failed, and the accessors of both. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/model_internal.h"

static bool ascii_same(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
        char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
        if (x != y)
            return false;
    }
    return *a == *b;
}

bool lm__display_is_name(const char *column)
{
    return column && (ascii_same(column, "name") || ascii_same(column, "naam"));
}

long lm__display_column(lm_pool *pool, const char *name, bool create)
{
    for (size_t c = 0; c < pool->display_count; c++)
        if (ascii_same(pool->display[c].name, name))
            return (long)c;
    if (!create)
        return -1;
    if (lm__grow((void **)&pool->display, &pool->display_capacity, pool->display_count + 1,
                 sizeof *pool->display) != LM_OK)
        return -2;
    lm_display_column *column = &pool->display[pool->display_count];
    memset(column, 0, sizeof *column);
    column->name = lm__strdup(name);
    if (!column->name)
        return -2;
    return (long)pool->display_count++;
}

int lm__display_set(lm_pool *pool, size_t column, size_t participant, const char *value)
{
    lm_display_column *c = &pool->display[column];
    if (participant >= c->length) {
        if (!value || !value[0])
            return LM_OK;
        if (lm__grow((void **)&c->values, &c->capacity, participant + 1, sizeof *c->values) !=
            LM_OK)
            return LM_E_NOMEM;
        memset(c->values + c->length, 0, (participant + 1 - c->length) * sizeof *c->values);
        c->length = participant + 1;
    }
    char *copy = NULL;
    if (value && value[0] && !(copy = lm__strdup(value)))
        return LM_E_NOMEM;
    lm__free(c->values[participant]);
    c->values[participant] = copy;
    return LM_OK;
}

const char *lm__display_get(const lm_pool *pool, size_t column, size_t participant)
{
    const lm_display_column *c = &pool->display[column];
    return participant < c->length && c->values[participant] ? c->values[participant] : "";
}

void lm__display_truncate(lm_pool *pool, size_t count, size_t column_count)
{
    for (size_t k = 0; k < pool->display_count; k++) {
        lm_display_column *c = &pool->display[k];
        size_t keep = k < column_count ? count : 0;
        for (size_t p = keep; p < c->length; p++)
            lm__free(c->values[p]);
        if (keep < c->length)
            c->length = keep;
        if (k >= column_count) {
            lm__free(c->values);
            lm__free(c->name);
        }
    }
    if (column_count < pool->display_count)
        pool->display_count = column_count;
}

/* ---- public accessors ----------------------------------------------------- */

size_t lm_pool_column_count(const lm_pool *pool)
{
    return pool ? pool->display_count : 0;
}

const char *lm_pool_column_name(const lm_pool *pool, size_t column)
{
    return pool && column < pool->display_count ? pool->display[column].name : NULL;
}

const char *lm_pool_column_value(const lm_pool *pool, size_t participant, size_t column)
{
    if (!pool || participant >= pool->count || column >= pool->display_count)
        return NULL;
    return lm__display_get(pool, column, participant);
}

int lm_pool_set_column(lm_pool *pool, size_t participant, const char *column, const char *value)
{
    if (!pool || !column)
        return LM_E_INVALID;
    if (participant >= pool->count)
        return lm__fail(&pool->base, LM_E_INVALID, "participant %zu out of range", participant);
    if (!column[0])
        return lm__fail(&pool->base, LM_E_INVALID, "a display column needs a name");
    if (value && !lm__utf8_valid(value, strlen(value)))
        return lm__fail(&pool->base, LM_E_INVALID, "value of column '%.64s' is not valid UTF-8",
                        column);
    long c = lm__display_column(pool, column, value && value[0]);
    if (c == -2)
        return lm__fail(&pool->base, LM_E_NOMEM, "out of memory");
    if (c < 0)
        return LM_OK; /* clearing a column that does not exist */
    if (lm__display_set(pool, (size_t)c, participant, value) != LM_OK)
        return lm__fail(&pool->base, LM_E_NOMEM, "out of memory");
    return LM_OK;
}

const char *lm_pool_name(const lm_pool *pool, size_t participant)
{
    if (!pool || participant >= pool->count)
        return NULL;
    for (size_t c = 0; c < pool->display_count; c++)
        if (lm__display_is_name(pool->display[c].name))
            return lm__display_get(pool, c, participant);
    return "";
}

/* ---- load errors ------------------------------------------------------------ */

int lm__pool_add_error(lm_pool *pool, int status, size_t line, const char *message)
{
    if (lm__grow((void **)&pool->errors, &pool->error_capacity, pool->error_count + 1,
                 sizeof *pool->errors) != LM_OK)
        return LM_E_NOMEM;
    char *copy = lm__strdup(message);
    if (!copy)
        return LM_E_NOMEM;
    pool->errors[pool->error_count].status = status;
    pool->errors[pool->error_count].line = line;
    pool->errors[pool->error_count].order = pool->error_count;
    pool->errors[pool->error_count].message = copy;
    pool->error_count++;
    return LM_OK;
}

static int by_line(const void *a, const void *b)
{
    const lm_load_error *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if ((x->status == LM_OK) != (y->status == LM_OK))
        return x->status == LM_OK ? 1 : -1;
    return x->order < y->order ? -1 : x->order > y->order;
}

int lm__pool_errors_finish(lm_pool *pool, const char *file, size_t first_warning)
{
    size_t errors = pool->error_count;
    for (size_t k = first_warning; k < pool->warning_count; k++) {
        if (pool->error_count - errors >= pool->error_limit)
            break;
        const lm_warning *w = &pool->warnings[k];
        char message[LM_ERRMSG_MAX];
        if (w->column[0])
            snprintf(message, sizeof message, "%s line %zu, column '%s': warning: %s", file,
                     w->line, w->column, w->message);
        else
            snprintf(message, sizeof message, "%s line %zu: warning: %s", file, w->line,
                     w->message);
        if (lm__pool_add_error(pool, LM_OK, w->line, message) != LM_OK)
            return LM_E_NOMEM;
    }
    qsort(pool->errors, pool->error_count, sizeof *pool->errors, by_line);
    return LM_OK;
}

void lm__pool_clear_errors(lm_pool *pool)
{
    for (size_t k = 0; k < pool->error_count; k++)
        lm__free(pool->errors[k].message);
    pool->error_count = 0;
}

size_t lm_pool_error_count(const lm_pool *pool)
{
    return pool ? pool->error_count : 0;
}

const char *lm_pool_error_message(const lm_pool *pool, size_t k)
{
    return pool && k < pool->error_count ? pool->errors[k].message : NULL;
}

int lm_pool_set_error_limit(lm_pool *pool, size_t limit)
{
    if (!pool)
        return LM_E_INVALID;
    if (limit == 0)
        return lm__fail(&pool->base, LM_E_INVALID, "the error limit must be at least 1");
    pool->error_limit = limit;
    return LM_OK;
}

/* ---- duplicates ---------------------------------------------------------------- */

size_t lm_pool_duplicate_count(const lm_pool *pool)
{
    return pool ? pool->duplicate_count : 0;
}

int lm_pool_duplicate(const lm_pool *pool, size_t k, size_t *first, size_t *second)
{
    if (!pool || k >= pool->duplicate_count)
        return LM_E_INVALID;
    if (first)
        *first = pool->duplicates[k].first;
    if (second)
        *second = pool->duplicates[k].second;
    return LM_OK;
}

const char *lm_pool_duplicate_reason(const lm_pool *pool, size_t k)
{
    return pool && k < pool->duplicate_count ? pool->duplicates[k].reason : NULL;
}
