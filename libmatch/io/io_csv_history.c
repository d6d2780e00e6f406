/* The history of earlier rounds from groups, pairs or rounds CSV files
 * (docs/formats.md, "History"): the columns group and id, and round when a
 * file holds several rounds; other columns are ignored. Each group of each
 * round becomes its pairs in the lm_history (model/history.c). */
#include <stdlib.h>
#include <string.h>

#include "common/files_internal.h"
#include "io/csv_internal.h"
#include "model/history_internal.h"
#include "model/model_internal.h"

enum { HCOL_ROUND, HCOL_GROUP, HCOL_ID, HISTORY_COLUMNS };
static const char *const history_columns[HISTORY_COLUMNS] = {"round", "group", "id"};

#define EXCERPT 100

/* One member of one group of one round, as read. */
typedef struct history_row {
    uint64_t round, group;
    uint32_t person;
    size_t line;
} history_row;

typedef struct history_loader {
    lm_history *history;
    const lm_pool *pool;
    const char *name;
    lm_csv csv;
    int field_of[HISTORY_COLUMNS];
    int name_of_field[LM_CSV_MAX_FIELDS];
    history_row *rows;
    size_t count, capacity;
} history_loader;

static int fail_at(history_loader *l, int status, const char *column, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static int fail_at(history_loader *l, int status, const char *column, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    status = lm__csv_fail_at(&l->history->base, l->name, &l->csv, status, column, format, args);
    va_end(args);
    return status;
}

static char *value(history_loader *l, int column)
{
    return lm__csv_value(&l->csv, l->field_of[column] >= 0 ? (size_t)l->field_of[column]
                                                           : LM_CSV_MAX_FIELDS);
}

static int read_row(history_loader *l, size_t header_fields)
{
    if (l->csv.field_count != header_fields)
        return fail_at(l, LM_E_PARSE, NULL, "%zu fields where the header has %zu",
                       l->csv.field_count, header_fields);
    char excerpt[EXCERPT + 4];
    uint64_t round = 1, group;
    if (l->field_of[HCOL_ROUND] >= 0) {
        const char *text = value(l, HCOL_ROUND);
        if (!lm__parse_uint(text, &round) || round < 1)
            return fail_at(l, LM_E_PARSE, "round", "round '%s' is not a whole number from 1",
                           lm__csv_excerpt(text, EXCERPT, excerpt));
    }
    const char *text = value(l, HCOL_GROUP);
    if (!lm__parse_uint(text, &group))
        return fail_at(l, LM_E_PARSE, "group", "group '%s' is not a whole number",
                       lm__csv_excerpt(text, EXCERPT, excerpt));
    const char *id = value(l, HCOL_ID);
    if (!id[0])
        return fail_at(l, LM_E_PARSE, "id", "missing participant id");
    long person = lm__pool_lookup(l->pool, id);
    if (person < 0 || person > (long)UINT32_MAX)
        return LM_OK; /* left the programme: their meetings no longer matter */
    if (lm__grow((void **)&l->rows, &l->capacity, l->count + 1, sizeof *l->rows) != LM_OK)
        return fail_at(l, LM_E_NOMEM, NULL, "out of memory");
    l->rows[l->count++] = (history_row){round, group, (uint32_t)person, l->csv.record_line};
    return LM_OK;
}

static int read_rows(history_loader *l)
{
    lm_object *error = &l->history->base;
    bool record = false;
    char message[LM_ERRMSG_MAX];
    int status = lm__csv_start(&l->csv, history_columns, HISTORY_COLUMNS, l->field_of,
                               l->name_of_field, message);
    if (status != LM_OK)
        return lm__fail(error, status, "%s %s", l->name, message);
    if (l->field_of[HCOL_GROUP] < 0)
        return fail_at(l, LM_E_PARSE, NULL, "missing required column 'group'");
    if (l->field_of[HCOL_ID] < 0)
        return fail_at(l, LM_E_PARSE, NULL, "missing required column 'id'");
    size_t header_fields = l->csv.field_count;
    for (;;) {
        status = lm__csv_next(&l->csv, &record);
        if (status != LM_OK)
            return lm__fail(error, status, "%s %s", l->name, l->csv.error);
        if (!record)
            return LM_OK;
        if (lm__csv_blank(&l->csv))
            continue;
        status = read_row(l, header_fields);
        if (status != LM_OK)
            return status;
    }
}

static int by_round_person(const void *a, const void *b)
{
    const history_row *x = a, *y = b;
    if (x->round != y->round)
        return x->round < y->round ? -1 : 1;
    if (x->person != y->person)
        return x->person < y->person ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

static int by_round_group(const void *a, const void *b)
{
    const history_row *x = a, *y = b;
    if (x->round != y->round)
        return x->round < y->round ? -1 : 1;
    if (x->group != y->group)
        return x->group < y->group ? -1 : 1;
    return x->person < y->person ? -1 : x->person > y->person;
}

/* Somebody in two groups of one round is a mistake in the file; the rows
 * sorted by round then person show it. */
static int check_twice(history_loader *l)
{
    qsort(l->rows, l->count, sizeof *l->rows, by_round_person);
    for (size_t k = 1; k < l->count; k++) {
        const history_row *a = &l->rows[k - 1], *b = &l->rows[k];
        if (a->round == b->round && a->person == b->person)
            return lm__fail(&l->history->base, LM_E_DUPLICATE,
                            "%s line %zu, column 'id': participant '%s' is listed twice in "
                            "round %llu (first on line %zu)",
                            l->name, b->line, l->pool->people[b->person].id,
                            (unsigned long long)b->round, a->line);
    }
    return LM_OK;
}

/* Adds the pairs of every group; the file's rounds become the latest. */
static int install(history_loader *l)
{
    qsort(l->rows, l->count, sizeof *l->rows, by_round_group);
    lm_history *h = l->history;
    size_t rounds = 0;
    for (size_t k = 0; k < l->count; k++)
        rounds += k == 0 || l->rows[k].round != l->rows[k - 1].round;
    /* into a copy, so that a failure leaves h as it was */
    lm_history *grown;
    int status = lm__history_copy(h, &grown);
    if (status != LM_OK)
        return lm__fail(&h->base, status, "out of memory");
    int64_t base = grown->now;
    grown->now += (int64_t)rounds;
    grown->rounds += rounds;
    int64_t rank = 0;
    for (size_t start = 0, end; start < l->count && status == LM_OK; start = end) {
        if (start == 0 || l->rows[start].round != l->rows[start - 1].round)
            rank++;
        for (end = start + 1; end < l->count && l->rows[end].round == l->rows[start].round &&
                              l->rows[end].group == l->rows[start].group;
             end++)
            ;
        for (size_t i = start; i < end && status == LM_OK; i++)
            for (size_t j = i + 1; j < end && status == LM_OK; j++)
                status = lm__history_put(grown, l->rows[i].person, l->rows[j].person, base + rank);
    }
    if (status != LM_OK) {
        lm_history_free(grown);
        return lm__fail(&h->base, status, "out of memory");
    }
    /* swap the contents: h keeps its identity (and error buffer) */
    uint64_t *keys = h->keys;
    int64_t *stamp = h->stamp;
    h->keys = grown->keys;
    h->stamp = grown->stamp;
    h->capacity = grown->capacity;
    h->count = grown->count;
    h->now = grown->now;
    h->rounds = grown->rounds;
    grown->keys = keys;
    grown->stamp = stamp;
    lm_history_free(grown);
    lm__clear_error(&h->base);
    return LM_OK;
}

int lm_history_load_csv_buffer(lm_history *history, const lm_pool *pool, const char *name,
                               const char *data, size_t size)
{
    if (!history)
        return LM_E_INVALID;
    if (!pool || (!data && size))
        return lm__fail(&history->base, LM_E_INVALID, "no pool or no data");
    history_loader l;
    memset(&l, 0, sizeof l);
    l.history = history;
    l.pool = pool;
    l.name = name ? name : "input";
    int status = lm__csv_init(&l.csv, data, size);
    if (status != LM_OK)
        lm__fail(&history->base, status, "%s: %s", l.name, l.csv.error);
    else
        status = read_rows(&l);
    if (status == LM_OK)
        status = check_twice(&l);
    if (status == LM_OK)
        status = install(&l);
    lm__csv_free(&l.csv);
    lm__free(l.rows);
    return status;
}

int lm_history_load_csv(lm_history *history, const lm_pool *pool, const char *path)
{
    if (!history)
        return LM_E_INVALID;
    if (!pool || !path)
        return lm__fail(&history->base, LM_E_INVALID, "no pool or no path");
    lm_file_bytes file;
    int status = lm__file_read(path, LM_CSV_MAX_FILE, &file, &history->base);
    if (status == LM_OK)
        status = lm_history_load_csv_buffer(history, pool, path, (const char *)file.data,
                                            file.size);
    lm__file_bytes_free(&file);
    return status;
}
