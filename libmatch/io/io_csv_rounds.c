/* Several rounds of groups as one CSV (lm_rounds_save_csv): the groups CSV
 * of each round (io_csv_groups.c writes it) with a first column round, from
 * 1. Each round is written to memory by the groups writer and its records
 * are read back with the tokenizer, so quoting stays the writer's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/atomic_internal.h"
#include "io/csv_internal.h"
#include "model/model_internal.h"
#include "model/result_internal.h"

typedef struct rounds_writer {
    lm_result *const *results;
    size_t rounds;
    const lm_pool *pool;
    lm_object *error;
} rounds_writer;

/* Copies the records of one round's CSV (text[0..size)) to file behind the
 * round number; the header once, before round 1. */
static int copy_round(FILE *file, const char *text, size_t size, size_t round, lm_object *error)
{
    lm_csv csv;
    int status = lm__csv_init(&csv, text, size);
    bool record = false, header = true;
    char number[24];
    snprintf(number, sizeof number, "%zu", round);
    while (status == LM_OK && (status = lm__csv_next(&csv, &record)) == LM_OK && record) {
        if (header && round > 1) {
            header = false;
            continue;
        }
        lm__csv_put_field(file, header ? "round" : number, csv.field_count == 0);
        for (size_t k = 0; k < csv.field_count; k++)
            lm__csv_put_field(file, lm__csv_field(&csv, k), k + 1 == csv.field_count);
        header = false;
    }
    if (status != LM_OK)
        lm__fail(error, status, "round %zu: %s", round, csv.error);
    lm__csv_free(&csv);
    return status;
}

static int write_rounds(void *context, FILE *file)
{
    rounds_writer *w = context;
    int status = LM_OK;
    for (size_t r = 0; r < w->rounds && status == LM_OK; r++) {
        char *text = NULL;
        size_t size = 0;
        FILE *memory = open_memstream(&text, &size);
        if (!memory)
            return lm__fail(w->error, LM_E_NOMEM, "out of memory");
        status = lm__result_write_csv(w->results[r], w->pool, memory);
        if (fclose(memory) != 0 && status == LM_OK)
            status = lm__fail(w->error, LM_E_NOMEM, "out of memory");
        if (status == LM_OK)
            status = copy_round(file, text, size, r + 1, w->error);
        else
            lm__fail(w->error, status, "round %zu: %s", r + 1, lm_errmsg(w->results[r]));
        free(text); /* open_memstream's buffer comes from the C library */
    }
    return status;
}

int lm_rounds_save_csv(lm_result *const *results, size_t rounds, const lm_pool *pool,
                       const char *path)
{
    if (!results || rounds == 0 || !results[0])
        return LM_E_INVALID;
    lm_object *error = &results[0]->base;
    if (!pool || !path)
        return lm__fail(error, LM_E_INVALID, "no pool or no path");
    for (size_t r = 0; r < rounds; r++) {
        if (!results[r])
            return lm__fail(error, LM_E_INVALID, "round %zu has no result", r + 1);
        for (size_t m = 0; m < results[r]->member_count; m++)
            if (results[r]->members[m] >= pool->count)
                return lm__fail(error, LM_E_INVALID,
                                "round %zu holds participant %zu, but the pool has only %zu",
                                r + 1, results[r]->members[m], pool->count);
    }
    rounds_writer w = {results, rounds, pool, error};
    return lm__atomic_write(path, write_rounds, &w, error);
}
