/* Participants and venues as CSV (docs/formats.md): all-or-nothing loaders
 * whose every error names file, line, column and reason. The writers are in
 * io_csv_pool_write.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/csv_internal.h"
#include "io/csv_pool_internal.h"
#include "io/file_map_internal.h"
#include "model/model_internal.h"

const char *const lm__participant_columns[PARTICIPANT_COLUMNS] = {
    "id", "role", "interests", "offers", "wants", "languages", "availability",
    "lat", "lon", "max_km", "step_free", "host",
};

const char *const lm__venue_columns[VENUE_COLUMNS] = {
    "id", "lat", "lon", "open", "capacity", "step_free",
};

/* A venue can host at most this many groups in one slot. */
#define CAPACITY_MAX ((unsigned)LM_VENUE_CAPACITY_MAX) /* the one limit, libmatch.h */

/* How many bytes of a value a message quotes. */
#define EXCERPT 100

typedef struct loader {
    lm_pool *pool;
    const char *name;
    lm_csv csv;
    const char *const *columns;
    int field_of[PARTICIPANT_COLUMNS];
    int name_of_field[LM_CSV_MAX_FIELDS];
    int display_of_field[LM_CSV_MAX_FIELDS]; /* display column of field f, or -1 */
    bool keep_display;                       /* participants: unknown columns are kept */
    size_t count_before, venues_before, display_before;
    const char *id;     /* the participant being read, for warnings */
    const char *column; /* the tag column being read */
    double *dense;      /* one vector, topic_count levels */
} loader;

/* Records "<file> line <n>, column '<c>': <reason>" on the pool. */
static int fail_at(loader *l, int status, const char *column, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Keeps the message just set on the pool in its list of load errors, so a
 * load can report every error of a file. */
static int keep_error_at(loader *l, int status, size_t line)
{
    if (status != LM_E_NOMEM &&
        lm__pool_add_error(l->pool, status, line, l->pool->base.errmsg) != LM_OK)
        return lm__fail(&l->pool->base, LM_E_NOMEM, "out of memory");
    return status;
}

static int keep_error(loader *l, int status)
{
    return keep_error_at(l, status, l->csv.record_line);
}

static int fail_at(loader *l, int status, const char *column, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    status = lm__csv_fail_at(&l->pool->base, l->name, &l->csv, status, column, format, args);
    va_end(args);
    return keep_error(l, status);
}

static int csv_failed(loader *l, int status)
{
    if (status == LM_E_NOMEM)
        return lm__fail(&l->pool->base, status, "out of memory");
    return keep_error(l, lm__fail(&l->pool->base, status, "%s %s", l->name, l->csv.error));
}

/* The trimmed value of a known column in the current record; "" when the
 * file has no such column. */
static char *value(loader *l, int column)
{
    return lm__csv_value(&l->csv, l->field_of[column] >= 0 ? (size_t)l->field_of[column]
                                                           : LM_CSV_MAX_FIELDS);
}

static const char *comma_hint(const char *text)
{
    return strchr(text, ',') ? " (use '.' as the decimal point)" : "";
}

static int read_record(loader *l, bool *record)
{
    int status;
    do
        status = lm__csv_next(&l->csv, record);
    while (status == LM_OK && *record && lm__csv_blank(&l->csv));
    return status == LM_OK ? LM_OK : csv_failed(l, status);
}

/* A column the format does not know: a display column of a pool (with a
 * warning only when its name is near a known column the file lacks, a
 * likely typo), a
 * warning in a venues file; a column without a name is a warning. */
static int unknown_column(loader *l, size_t f, size_t column_count)
{
    char excerpt[EXCERPT + 4];
    const char *name = lm__csv_excerpt(lm__csv_value(&l->csv, f), EXCERPT, excerpt);
    int status = LM_OK;
    if (!name[0])
        status = lm__pool_warn(l->pool, l->csv.record_line, "",
                               "column %zu has no name and is ignored", f + 1);
    else if (!l->keep_display)
        status = lm__pool_warn(l->pool, l->csv.record_line, name,
                               "unknown column '%s' is ignored", name);
    if (status != LM_OK || !name[0] || !l->keep_display)
        return status == LM_OK ? LM_OK : lm__fail(&l->pool->base, status, "out of memory");
    long column = lm__display_column(l->pool, name, false);
    for (size_t before = 0; column >= 0 && before < f; before++)
        if (l->display_of_field[before] == column)
            return lm__pool_warn(l->pool, l->csv.record_line, name,
                                 "column '%s' appears twice; the second is ignored", name) == LM_OK
                       ? LM_OK
                       : lm__fail(&l->pool->base, LM_E_NOMEM, "out of memory");
    if (column < 0)
        column = lm__display_column(l->pool, name, true);
    if (column < 0)
        return lm__fail(&l->pool->base, LM_E_NOMEM, "out of memory");
    l->display_of_field[f] = (int)column;
    /* Only a known column the file lacks is a likely meaning: next to the
     * real 'interests', a column 'interest' is meant as it is (and a saved
     * pool, which has all twelve, loads back without warnings). */
    lm_suggest suggest;
    lm__suggest_init(&suggest, name);
    for (size_t n = 0; n < column_count; n++)
        if (l->field_of[n] < 0)
            lm__suggest_offer(&suggest, l->columns[n], NULL);
    char hint[LM_ERRMSG_MAX];
    if (lm__suggest_hint(&suggest, hint, sizeof hint) > 0 &&
        lm__pool_warn(l->pool, l->csv.record_line, name,
                      "column '%s' is kept for display only%s", name, hint) != LM_OK)
        return lm__fail(&l->pool->base, LM_E_NOMEM, "out of memory");
    return LM_OK;
}

/* Reads the header: required columns must be there; unknown ones become
 * display columns (participants) or warnings (venues). */
static int read_header(loader *l, size_t column_count, const int *required,
                       size_t required_count)
{
    bool record = false;
    int status = read_record(l, &record);
    if (status != LM_OK)
        return status;
    for (size_t n = 0; n < column_count; n++)
        l->field_of[n] = -1;
    if (record) {
        char error[LM_ERRMSG_MAX];
        status = lm__csv_header(&l->csv, l->columns, column_count, l->field_of,
                                l->name_of_field, error);
        if (status != LM_OK)
            return keep_error(l, lm__fail(&l->pool->base, status, "%s %s", l->name, error));
    }
    /* Spreadsheets in Dutch and other comma-decimal locales save "CSV"
     * with ';' between fields. */
    const char *hint = l->csv.field_count == 1 && strchr(lm__csv_field(&l->csv, 0), ';')
                           ? " (the file seems to use ';' between fields; use ',')"
                           : "";
    for (size_t k = 0; k < required_count; k++)
        if (l->field_of[required[k]] < 0)
            return fail_at(l, LM_E_PARSE, NULL, "missing required column '%s'%s",
                           l->columns[required[k]], hint);
    for (size_t f = 0; f < l->csv.field_count; f++) {
        l->display_of_field[f] = -1;
        if (l->name_of_field[f] >= 0)
            continue;
        status = unknown_column(l, f, column_count);
        if (status != LM_OK)
            return status;
    }
    return LM_OK;
}

static int check_field_count(loader *l, size_t header_fields)
{
    if (l->csv.field_count == header_fields)
        return LM_OK;
    return fail_at(l, LM_E_PARSE, NULL, "%zu fields where the header has %zu",
                   l->csv.field_count, header_fields);
}

static int check_id(loader *l, const char *id, const char *what)
{
    char excerpt[EXCERPT + 4];
    if (!id[0])
        return fail_at(l, LM_E_PARSE, "id", "missing %s id", what);
    const char *problem = lm__id_problem(id, strlen(id));
    if (problem)
        return fail_at(l, LM_E_PARSE, "id", "%s id '%s' %s", what,
                       lm__csv_excerpt(id, EXCERPT, excerpt), problem);
    return LM_OK;
}

/* Reads a coordinate pair; both empty means no location. */
static int parse_location(loader *l, int lat_column, int lon_column, bool required,
                          bool *has, double *lat, double *lon)
{
    const char *lat_text = value(l, lat_column), *lon_text = value(l, lon_column);
    *has = false;
    if (!lat_text[0] && !lon_text[0] && !required)
        return LM_OK;
    if (!lat_text[0])
        return fail_at(l, LM_E_PARSE, "lat", lon_text[0] ? "longitude given without latitude"
                                                         : "missing latitude");
    if (!lon_text[0])
        return fail_at(l, LM_E_PARSE, "lon", "latitude given without longitude");
    char excerpt[EXCERPT + 4];
    if (!lm__parse_double(lat_text, lat))
        return fail_at(l, LM_E_PARSE, "lat", "latitude '%s' is not a decimal number%s",
                       lm__csv_excerpt(lat_text, EXCERPT, excerpt), comma_hint(lat_text));
    if (!(*lat >= -90.0 && *lat <= 90.0))
        return fail_at(l, LM_E_PARSE, "lat", "latitude %s is outside [-90, 90]",
                       lm__csv_excerpt(lat_text, EXCERPT, excerpt));
    if (!lm__parse_double(lon_text, lon))
        return fail_at(l, LM_E_PARSE, "lon", "longitude '%s' is not a decimal number%s",
                       lm__csv_excerpt(lon_text, EXCERPT, excerpt), comma_hint(lon_text));
    if (!(*lon >= -180.0 && *lon <= 180.0))
        return fail_at(l, LM_E_PARSE, "lon", "longitude %s is outside [-180, 180]",
                       lm__csv_excerpt(lon_text, EXCERPT, excerpt));
    *has = true;
    return LM_OK;
}

static int parse_flag(loader *l, int column, const char *name, bool *flag)
{
    const char *text = value(l, column);
    char excerpt[EXCERPT + 4];
    if (lm__parse_bool(text, flag))
        return LM_OK;
    return fail_at(l, LM_E_PARSE, name,
                   "'%s' is not yes or no (yes, no, true, false, 1, 0, ja, nee)",
                   lm__csv_excerpt(text, EXCERPT, excerpt));
}

/* ---- participants ---------------------------------------------------------------- */

static int unknown_tag(void *context, const char *tag)
{
    loader *l = context;
    char excerpt[EXCERPT + 4], hint[LM_ERRMSG_MAX];
    lm__csv_excerpt(tag, EXCERPT, excerpt);
    lm__taxonomy_suggest(l->pool->taxonomy, tag, hint, sizeof hint);
    if (l->pool->strict)
        return fail_at(l, LM_E_NOTFOUND, l->column, "unknown tag '%s'%s", excerpt, hint);
    int status = lm__pool_warn(l->pool, l->csv.record_line, l->column,
                               "participant '%s': unknown tag '%s'%s", l->id, excerpt, hint);
    return status == LM_OK ? LM_OK : lm__fail(&l->pool->base, status, "out of memory");
}

/* The first error of a row is its status; the row goes on after it, so one
 * load reports every bad cell (but never after running out of memory). */
static bool keep_going(int status, int *first)
{
    if (status != LM_OK && *first == LM_OK)
        *first = status;
    return status != LM_E_NOMEM;
}

static int read_vector(loader *l, lm_participant *p, int v)
{
    size_t topics = l->pool->taxonomy->topic_count;
    {
        const char *text = value(l, COL_INTERESTS + v);
        if (!text[0])
            return LM_OK;
        memset(l->dense, 0, (topics ? topics : 1) * sizeof *l->dense);
        l->column = lm__participant_columns[COL_INTERESTS + v];
        char error[LM_ERRMSG_MAX] = "";
        int status = lm__tags_parse(l->pool->taxonomy, l->pool->rho, text, l->dense,
                                    unknown_tag, l, error);
        if (status != LM_OK)
            /* Without a message the callback has already set one. */
            return error[0] || status == LM_E_NOMEM
                       ? fail_at(l, status, l->column, "%s", error)
                       : status;
        status = lm__participant_set_dense(p, v, l->dense, topics);
        if (status != LM_OK)
            return fail_at(l, status, l->column, "too many topics");
    }
    return LM_OK;
}

static int read_vectors(loader *l, lm_participant *p)
{
    int first = LM_OK;
    for (int v = 0; v < 3; v++)
        if (!keep_going(read_vector(l, p, v), &first))
            return LM_E_NOMEM;
    return first;
}

static int read_numbers(loader *l, lm_participant *p)
{
    int first = LM_OK;
    if (!keep_going(parse_location(l, COL_LAT, COL_LON, false, &p->has_location, &p->lat,
                                   &p->lon),
                    &first))
        return LM_E_NOMEM;
    const char *text = value(l, COL_MAX_KM);
    if (text[0]) {
        char excerpt[EXCERPT + 4];
        if (!lm__parse_double(text, &p->max_km) || !(p->max_km > 0.0))
            keep_going(fail_at(l, LM_E_PARSE, "max_km", "max_km '%s' is not a positive number%s",
                               lm__csv_excerpt(text, EXCERPT, excerpt), comma_hint(text)),
                       &first);
    }
    if (!keep_going(parse_flag(l, COL_STEP_FREE, "step_free", &p->step_free), &first) ||
        !keep_going(parse_flag(l, COL_HOST, "host", &p->host), &first))
        return LM_E_NOMEM;
    return first;
}

/* The display columns of the current record. */
static int read_display(loader *l, size_t index)
{
    for (size_t f = 0; f < l->csv.field_count; f++)
        if (l->display_of_field[f] >= 0 &&
            lm__display_set(l->pool, (size_t)l->display_of_field[f], index,
                            lm__csv_value(&l->csv, f)) != LM_OK)
            return lm__fail(&l->pool->base, LM_E_NOMEM, "out of memory");
    return LM_OK;
}

static int read_participant(loader *l, size_t header_fields)
{
    int status = check_field_count(l, header_fields);
    if (status != LM_OK)
        return status;
    lm_pool *pool = l->pool;
    const char *id = value(l, COL_ID);
    status = check_id(l, id, "participant");
    if (status != LM_OK)
        return status;
    char excerpt[EXCERPT + 4];
    long existing = lm__pool_lookup(pool, id);
    if (existing >= 0) {
        const lm_participant *first = &pool->people[existing];
        if ((size_t)existing >= l->count_before)
            return fail_at(l, LM_E_DUPLICATE, "id", "duplicate id '%s' (first on line %zu)", id,
                           first->line);
        return fail_at(l, LM_E_DUPLICATE, "id", "duplicate id '%s' (already in the pool)", id);
    }
    const char *role_text = value(l, COL_ROLE);
    int role;
    int first = LM_OK;
    if (!lm__parse_role(role_text, &role)) {
        char hint[LM_ERRMSG_MAX];
        lm__role_suggest(role_text, hint, sizeof hint);
        keep_going(fail_at(l, LM_E_PARSE, "role",
                           "%s%s%s%s (newcomer, resident, nieuwkomer, bewoner)",
                           role_text[0] ? "unknown role '" : "missing role",
                           lm__csv_excerpt(role_text, EXCERPT, excerpt), role_text[0] ? "'" : "",
                           hint),
                   &first);
        role = LM_NEWCOMER; /* read on for the other cells' errors; the load fails */
    }
    size_t index;
    status = lm__pool_append(pool, id, (lm_role)role, &index);
    if (status != LM_OK)
        return status;
    lm_participant *p = &pool->people[index];
    p->line = l->csv.record_line;
    l->id = p->id;
    if (!keep_going(read_display(l, index), &first) || !keep_going(read_vectors(l, p), &first))
        return LM_E_NOMEM;
    char error[LM_ERRMSG_MAX] = "";
    status = lm__languages_parse(value(l, COL_LANGUAGES), &p->languages, error);
    if (status != LM_OK)
        keep_going(fail_at(l, status, "languages", "%s", error), &first);
    status = lm__slots_parse(value(l, COL_AVAILABILITY), &p->availability, error);
    if (status != LM_OK)
        keep_going(fail_at(l, status, "availability", "%s", error), &first);
    if (!keep_going(read_numbers(l, p), &first))
        return LM_E_NOMEM;
    return first;
}

/* Reads every row, going on after a bad one until the error limit, so one
 * run shows every mistake of a file; the first error is the status. A
 * broken CSV (an unterminated quote) or lack of memory stops at once. */
static int read_rows(loader *l, size_t header_fields, int (*read_row)(loader *, size_t))
{
    int first = LM_OK;
    for (;;) {
        bool record = false;
        int status = read_record(l, &record);
        if (status != LM_OK)
            return status;
        if (!record)
            return first;
        status = read_row(l, header_fields);
        if (status == LM_E_NOMEM)
            return status;
        if (status != LM_OK && first == LM_OK)
            first = status;
        if (l->pool->error_count >= l->pool->error_limit)
            return first;
    }
}

static int load_participants(loader *l)
{
    l->keep_display = true;
    static const int required[] = {COL_ID, COL_ROLE};
    l->columns = lm__participant_columns;
    int status = read_header(l, PARTICIPANT_COLUMNS, required, 2);
    if (status != LM_OK)
        return status;
    if (l->field_of[COL_LAT] >= 0 && l->field_of[COL_LON] < 0)
        return fail_at(l, LM_E_PARSE, NULL, "column 'lat' without column 'lon'");
    if (l->field_of[COL_LON] >= 0 && l->field_of[COL_LAT] < 0)
        return fail_at(l, LM_E_PARSE, NULL, "column 'lon' without column 'lat'");
    size_t header_fields = l->csv.field_count;
    size_t topics = l->pool->taxonomy->topic_count;
    l->dense = lm__calloc(topics ? topics : 1, sizeof *l->dense);
    if (!l->dense)
        return lm__fail(&l->pool->base, LM_E_NOMEM, "out of memory");
    return read_rows(l, header_fields, read_participant);
}

/* ---- venues ----------------------------------------------------------------------- */

static int read_opening(loader *l, uint64_t *open)
{
    const char *text = value(l, VCOL_OPEN);
    /* Empty means no restriction, as for a participant's availability;
     * "none" is the only way to say "never open". */
    if (!text[0]) {
        *open = lm__all_slots();
        return LM_OK;
    }
    if (strlen(text) == 4 && (text[0] | 32) == 'n' && (text[1] | 32) == 'o' &&
        (text[2] | 32) == 'n' && (text[3] | 32) == 'e') {
        *open = 0;
        return LM_OK;
    }
    char error[LM_ERRMSG_MAX] = "";
    int status = lm__slots_parse(text, open, error);
    return status == LM_OK ? LM_OK : fail_at(l, status, "open", "%s", error);
}

static int read_venue(loader *l, size_t header_fields)
{
    int status = check_field_count(l, header_fields);
    if (status != LM_OK)
        return status;
    lm_pool *pool = l->pool;
    const char *id = value(l, VCOL_ID);
    status = check_id(l, id, "venue");
    if (status != LM_OK)
        return status;
    long existing = lm__pool_venue_lookup(pool, id);
    if (existing >= 0) {
        if ((size_t)existing >= l->venues_before)
            return fail_at(l, LM_E_DUPLICATE, "id", "duplicate venue id '%s' (first on line %zu)",
                           id, pool->venues[existing].line);
        return fail_at(l, LM_E_DUPLICATE, "id", "duplicate venue id '%s' (already in the pool)",
                       id);
    }
    bool has;
    double lat, lon;
    status = parse_location(l, VCOL_LAT, VCOL_LON, true, &has, &lat, &lon);
    if (status != LM_OK)
        return status;
    uint64_t open;
    status = read_opening(l, &open);
    if (status != LM_OK)
        return status;
    const char *text = value(l, VCOL_CAPACITY);
    uint64_t capacity = 1;
    char excerpt[EXCERPT + 4];
    if (text[0] && (!lm__parse_uint(text, &capacity) || capacity < 1 || capacity > CAPACITY_MAX))
        return fail_at(l, LM_E_PARSE, "capacity",
                       "capacity '%s' is not a whole number from 1 to %u",
                       lm__csv_excerpt(text, EXCERPT, excerpt), CAPACITY_MAX);
    bool step_free;
    status = parse_flag(l, VCOL_STEP_FREE, "step_free", &step_free);
    if (status != LM_OK)
        return status;
    size_t index;
    status = lm_pool_add_venue(pool, id, lat, lon, open, (unsigned)capacity, step_free, &index);
    if (status != LM_OK) {
        char reason[LM_ERRMSG_MAX];
        memcpy(reason, pool->base.errmsg, sizeof reason);
        return fail_at(l, status, "id", "%s", reason);
    }
    pool->venues[index].line = l->csv.record_line;
    return LM_OK;
}

static int load_venues(loader *l)
{
    static const int required[] = {VCOL_ID, VCOL_LAT, VCOL_LON};
    l->columns = lm__venue_columns;
    int status = read_header(l, VENUE_COLUMNS, required, 3);
    if (status != LM_OK)
        return status;
    return read_rows(l, l->csv.field_count, read_venue);
}

/* ---- after the rows ---------------------------------------------------------------- */

/* Warns about each pair of new rows that look like one person (an error in
 * strict mode), naming both lines. */
static int check_duplicates(loader *l)
{
    lm_pool *pool = l->pool;
    size_t before = pool->duplicate_count;
    if (lm__pool_find_duplicates(pool, l->count_before) != LM_OK)
        return lm__fail(&pool->base, LM_E_NOMEM, "out of memory");
    int first = LM_OK;
    for (size_t k = before; k < pool->duplicate_count; k++) {
        const lm_duplicate *d = &pool->duplicates[k];
        const lm_participant *a = &pool->people[d->first], *b = &pool->people[d->second];
        if (pool->strict) {
            int status = lm__fail(&pool->base, LM_E_DUPLICATE,
                                  "%s line %zu, column 'id': participant '%s' looks like '%s' "
                                  "of line %zu (%s)",
                                  l->name, b->line, b->id, a->id, a->line, d->reason);
            if (keep_error_at(l, status, b->line) == LM_E_NOMEM)
                return LM_E_NOMEM;
            if (first == LM_OK)
                first = status;
        } else if (lm__pool_warn_duplicate(pool, k) != LM_OK) {
            return lm__fail(&pool->base, LM_E_NOMEM, "out of memory");
        }
    }
    return first;
}

/* lm_errmsg() of a load that failed: its first error, and how many more
 * there are (lm_pool_error_message() lists them all). */
static void summarise_errors(lm_pool *pool)
{
    const char *first = NULL;
    size_t errors = 0;
    for (size_t k = 0; k < pool->error_count; k++)
        if (pool->errors[k].status != LM_OK && errors++ == 0)
            first = pool->errors[k].message;
    if (!first)
        return;
    if (errors == 1) {
        snprintf(pool->base.errmsg, LM_ERRMSG_MAX, "%s", first);
        return;
    }
    char tail[96];
    snprintf(tail, sizeof tail, " (and %zu more error%s%s)", errors - 1, errors == 2 ? "" : "s",
             errors >= pool->error_limit ? "; stopped at the limit" : "");
    int room = LM_ERRMSG_MAX - 1 - (int)strlen(tail);
    snprintf(pool->base.errmsg, LM_ERRMSG_MAX, "%.*s%s",
             lm__clip_utf8(first, strlen(first), (size_t)room), first, tail);
}

/* ---- entry points ------------------------------------------------------------------ */

static void hand_back(void *context, size_t upto)
{
    lm__file_map_release(context, upto);
}

/* Loads data[0..size); map, when given, is where data lives, and gets back
 * the pages the tokenizer is done with. */
static int load_buffer(lm_pool *pool, const char *name, const char *data, size_t size,
                       lm_file_map *map, int (*load)(loader *l))
{
    if (!pool)
        return LM_E_INVALID;
    if (!data && size)
        return lm__fail(&pool->base, LM_E_INVALID, "no data");
    /* The tokenizer's per-record arrays are large; keep them off small
     * thread stacks. */
    loader *l = lm__calloc(1, sizeof *l);
    if (!l)
        return lm__fail(&pool->base, LM_E_NOMEM, "out of memory");
    l->pool = pool;
    l->name = name ? name : "input";
    l->count_before = pool->count;
    l->venues_before = pool->venue_count;
    l->display_before = pool->display_count;
    size_t warnings_before = pool->warning_count;
    lm__pool_clear_errors(pool);
    int status = lm__csv_init(&l->csv, data, size);
    if (map) {
        l->csv.consumed = hand_back;
        l->csv.consumed_context = map;
    }
    if (status != LM_OK)
        status = keep_error(l, lm__fail(&pool->base, status, "%s: %s", l->name, l->csv.error));
    else
        status = load(l);
    if (status == LM_OK && load == load_participants)
        status = check_duplicates(l);
    if (status != LM_OK) {
        /* The warnings of a failed load go with its errors, in line order
         * (an unknown tag is as much a mistake to fix), then leave the pool. */
        if (status != LM_E_NOMEM && lm__pool_errors_finish(pool, l->name, warnings_before) != LM_OK)
            status = lm__fail(&pool->base, LM_E_NOMEM, "out of memory");
        lm__pool_truncate(pool, l->count_before, l->venues_before, warnings_before);
        lm__display_truncate(pool, l->count_before, l->display_before);
        summarise_errors(pool);
    } else {
        lm__clear_error(&pool->base);
    }
    lm__csv_free(&l->csv);
    lm__free(l->dense);
    lm__free(l);
    return status;
}

static int load_file(lm_pool *pool, const char *path, int (*load)(loader *l))
{
    if (!pool || !path)
        return LM_E_INVALID;
    lm_file_map map;
    int status = lm__file_map(path, LM_CSV_MAX_FILE, &map, &pool->base);
    if (status == LM_OK)
        status = load_buffer(pool, path, (const char *)map.data, map.size, &map, load);
    lm__file_map_free(&map);
    return status;
}

int lm__pool_load_csv_map(lm_pool *pool, const char *name, lm_file_map *map)
{
    return load_buffer(pool, name, (const char *)map->data, map->size, map, load_participants);
}

int lm_pool_load_csv_buffer(lm_pool *pool, const char *name, const char *data, size_t size)
{
    return load_buffer(pool, name, data, size, NULL, load_participants);
}

int lm_pool_load_csv(lm_pool *pool, const char *path)
{
    return load_file(pool, path, load_participants);
}

int lm_pool_load_venues_csv_buffer(lm_pool *pool, const char *name, const char *data,
                                   size_t size)
{
    return load_buffer(pool, name, data, size, NULL, load_venues);
}

int lm_pool_load_venues_csv(lm_pool *pool, const char *path)
{
    return load_file(pool, path, load_venues);
}
