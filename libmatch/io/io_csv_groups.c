/* Groups as CSV, one row per member: group,id,role,theme,slot,venue,cohost
 * (docs/formats.md). lm_result_save_csv() writes it; lm_grouping_load_csv()
 * reads it back, or a grouping a coordinator made by hand. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "common/atomic_internal.h"
#include "common/files_internal.h"
#include "io/csv_internal.h"
#include "model/grouping_internal.h"
#include "model/model_internal.h"
#include "model/result_internal.h"

enum group_column { GCOL_GROUP, GCOL_ID, GCOL_ROLE, GCOL_THEME, GCOL_SLOT, GCOL_VENUE,
                    GCOL_COHOST, GROUP_COLUMNS };

static const char *const group_columns[GROUP_COLUMNS] = {
    "group", "id", "role", "theme", "slot", "venue", "cohost",
};

#define EXCERPT 100

/* ---- writing ----------------------------------------------------------------------- */

typedef struct result_writer {
    lm_result *result;
    const lm_pool *pool;
    const lm_key *key; /* pseudonyms instead of ids when not NULL */
} result_writer;

static const char *role_name(int role)
{
    return role == LM_NEWCOMER ? "newcomer" : "resident";
}

/* Whether display column c goes into the groups CSV: not with pseudonyms
 * (names and phones are what pseudonyms hide), and not under a name the
 * groups CSV already uses, which would make the file unreadable. */
static bool writes_display(const lm_pool *pool, const lm_key *key, size_t c)
{
    if (key)
        return false;
    const char *name = pool->display[c].name;
    for (int k = 0; k < GROUP_COLUMNS; k++)
        if (strcasecmp(name, group_columns[k]) == 0)
            return false;
    return strcasecmp(name, "new") != 0;
}

/* The display columns after the fixed ones: the last written field ends
 * the record. */
static void put_display(FILE *file, const lm_pool *pool, const lm_key *key, size_t member)
{
    size_t last = pool->display_count;
    while (last && !writes_display(pool, key, last - 1))
        last--;
    for (size_t c = 0; c < last; c++)
        if (writes_display(pool, key, c))
            lm__csv_put_field(file,
                              member == SIZE_MAX ? pool->display[c].name
                                                 : lm__display_get(pool, c, member),
                              c + 1 == last);
}

static bool has_display(const lm_pool *pool, const lm_key *key)
{
    for (size_t c = 0; c < pool->display_count; c++)
        if (writes_display(pool, key, c))
            return true;
    return false;
}

static int write_csv(lm_result *result, const lm_pool *pool, const lm_key *key, FILE *file)
{
    char pseudonym[LM_PSEUDONYM_SIZE];
    /* a continuing run (--keep) adds the column new: yes for a new member */
    bool marks = result->continuing;
    bool display = has_display(pool, key); /* name, phone, ... after the rest */
    for (int c = 0; c < GROUP_COLUMNS; c++)
        lm__csv_put_field(file, group_columns[c],
                          c == GROUP_COLUMNS - 1 && !marks && !display);
    if (marks)
        lm__csv_put_field(file, "new", !display);
    put_display(file, pool, key, SIZE_MAX);
    for (size_t g = 0; g < result->group_count; g++) {
        const lm_group_out *group = &result->groups[g];
        char number[24];
        snprintf(number, sizeof number, "%zu", g + 1);
        const char *theme = group->theme < pool->taxonomy->topic_count
                                ? pool->taxonomy->topics[group->theme].key
                                : "";
        const char *slot = group->slot >= 0 ? lm_slot_label((size_t)group->slot) : NULL;
        const char *venue = group->venue >= 0 && (size_t)group->venue < pool->venue_count
                                ? pool->venues[group->venue].id
                                : "";
        for (size_t k = 0; k < group->size; k++) {
            size_t member = result->members[group->first + k];
            const lm_participant *p = &pool->people[member];
            lm__csv_put_field(file, number, false);
            if (key) {
                int status = lm_pseudonym(key, p->id, pseudonym, sizeof pseudonym);
                if (status != LM_OK)
                    return lm__fail(&result->base, status, "cannot make the pseudonym of '%s'",
                                    p->id);
            }
            lm__csv_put_field(file, key ? pseudonym : p->id, false);
            lm__csv_put_field(file, role_name(p->role), false);
            lm__csv_put_field(file, theme, false);
            lm__csv_put_field(file, slot ? slot : "", false);
            lm__csv_put_field(file, venue, false);
            lm__csv_put_field(file, group->cohost[p->role] == (int64_t)member ? "yes" : "no",
                              !marks && !display);
            if (marks)
                lm__csv_put_field(file, result->member_new[group->first + k] ? "yes" : "no",
                                  !display);
            put_display(file, pool, key, member);
        }
    }
    return LM_OK;
}

int lm__result_write_csv(lm_result *result, const lm_pool *pool, FILE *file)
{
    return write_csv(result, pool, NULL, file);
}

static int write_result(void *context, FILE *file)
{
    result_writer *w = context;
    return write_csv(w->result, w->pool, w->key, file);
}

static int save_csv(lm_result *result, const lm_pool *pool, const char *path,
                    const lm_key *key)
{
    if (!result)
        return LM_E_INVALID;
    if (!pool || !path)
        return lm__fail(&result->base, LM_E_INVALID, "no pool or no path");
    /* Check first, so that a mismatch never replaces a good file. */
    for (size_t g = 0; g < result->group_count; g++) {
        const lm_group_out *group = &result->groups[g];
        for (size_t k = 0; k < group->size; k++)
            if (result->members[group->first + k] >= pool->count)
                return lm__fail(&result->base, LM_E_INVALID,
                                "group %zu holds participant %zu, but the pool has only %zu",
                                g + 1, result->members[group->first + k], pool->count);
        if (group->venue >= 0 && (size_t)group->venue >= pool->venue_count)
            return lm__fail(&result->base, LM_E_INVALID,
                            "group %zu meets at venue %d, but the pool has only %zu", g + 1,
                            group->venue, pool->venue_count);
    }
    result_writer w = {result, pool, key};
    return lm__atomic_write(path, write_result, &w, &result->base);
}

int lm_result_save_csv(lm_result *result, const lm_pool *pool, const char *path)
{
    return save_csv(result, pool, path, NULL);
}

int lm_result_save_csv_pseudonymized(lm_result *result, const lm_pool *pool, const char *path,
                                     const lm_key *key)
{
    if (result && !key)
        return lm__fail(&result->base, LM_E_INVALID, "pseudonyms need a key");
    if (result && lm_key_get_kind(key) != LM_KEY_RANDOM)
        return lm__fail(&result->base, LM_E_INVALID,
                        "pseudonyms need a key file, or a key made from a passphrase and "
                        "its own salt (lm_key_derive_passphrase(), lmatch keygen "
                        "--passphrase-file): a plain passphrase key is refused");
    return save_csv(result, pool, path, key);
}

/* ---- reading ------------------------------------------------------------------------ */

typedef struct group_loader {
    lm_grouping *grouping;
    const lm_pool *pool;
    const char *name;
    lm_csv csv;
    int field_of[GROUP_COLUMNS];
    int name_of_field[LM_CSV_MAX_FIELDS];
    int64_t *group_of;   /* by participant */
    size_t *seen_line;   /* by participant: the line that listed them, 0 = none */
    /* by group index, in order of first appearance */
    uint64_t *number;
    int *slot, *venue;
    size_t *slot_line, *venue_line;
    size_t group_count, group_capacity;
    size_t *numbers;     /* open addressing over group numbers: index + 1 */
    size_t number_capacity;
    bool keep;           /* a keep file: ids no longer in the pool are dropped */
    size_t left;         /* how many were dropped */
} group_loader;

static int fail_at(group_loader *l, int status, const char *column, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static int fail_at(group_loader *l, int status, const char *column, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    status = lm__csv_fail_at(&l->grouping->base, l->name, &l->csv, status, column, format, args);
    va_end(args);
    return status;
}

static char *value(group_loader *l, int column)
{
    return lm__csv_value(&l->csv, l->field_of[column] >= 0 ? (size_t)l->field_of[column]
                                                           : LM_CSV_MAX_FIELDS);
}

static size_t hash_number(uint64_t number)
{
    number ^= number >> 33;
    number *= 0xff51afd7ed558ccdull;
    number ^= number >> 33;
    return (size_t)number;
}

static void put_number(size_t *table, size_t capacity, uint64_t number, size_t group)
{
    size_t slot = hash_number(number) & (capacity - 1);
    while (table[slot])
        slot = (slot + 1) & (capacity - 1);
    table[slot] = group + 1;
}

/* The group index of a group number, adding a group on first sight. */
static int group_index(group_loader *l, uint64_t number, size_t *group)
{
    if (l->number_capacity) {
        size_t mask = l->number_capacity - 1;
        for (size_t slot = hash_number(number) & mask; l->numbers[slot];
             slot = (slot + 1) & mask) {
            if (l->number[l->numbers[slot] - 1] == number) {
                *group = l->numbers[slot] - 1;
                return LM_OK;
            }
        }
    }
    size_t needed = l->group_count + 1;
    if (needed * 2 > l->number_capacity) {
        size_t capacity = l->number_capacity ? l->number_capacity * 2 : 64;
        size_t *table = lm__calloc(capacity, sizeof *table);
        if (!table)
            return LM_E_NOMEM;
        for (size_t g = 0; g < l->group_count; g++)
            put_number(table, capacity, l->number[g], g);
        lm__free(l->numbers);
        l->numbers = table;
        l->number_capacity = capacity;
    }
    /* Each array grows to the same capacity; they are grown one by one
     * against copies so a failure leaves the shared capacity honest. */
    size_t c1 = l->group_capacity, c2 = c1, c3 = c1, c4 = c1, c5 = c1;
    if (lm__grow((void **)&l->number, &c1, needed, sizeof *l->number) != LM_OK ||
        lm__grow((void **)&l->slot, &c2, needed, sizeof *l->slot) != LM_OK ||
        lm__grow((void **)&l->venue, &c3, needed, sizeof *l->venue) != LM_OK ||
        lm__grow((void **)&l->slot_line, &c4, needed, sizeof *l->slot_line) != LM_OK ||
        lm__grow((void **)&l->venue_line, &c5, needed, sizeof *l->venue_line) != LM_OK)
        return LM_E_NOMEM;
    l->group_capacity = c1;
    size_t g = l->group_count++;
    l->number[g] = number;
    l->slot[g] = l->venue[g] = -1;
    l->slot_line[g] = l->venue_line[g] = 0;
    put_number(l->numbers, l->number_capacity, number, g);
    *group = g;
    return LM_OK;
}

static int read_slot(group_loader *l, size_t group, uint64_t number)
{
    const char *text = value(l, GCOL_SLOT);
    if (!text[0])
        return LM_OK;
    char excerpt[EXCERPT + 4];
    size_t slot;
    if (lm_slot_find(text, &slot) != LM_OK)
        return fail_at(l, LM_E_NOTFOUND, "slot", "unknown slot '%s'",
                       lm__csv_excerpt(text, EXCERPT, excerpt));
    if (l->slot[group] >= 0 && l->slot[group] != (int)slot)
        return fail_at(l, LM_E_PARSE, "slot",
                       "group %llu meets at '%s' here but at '%s' on line %zu",
                       (unsigned long long)number, lm_slot_label(slot),
                       lm_slot_label((size_t)l->slot[group]), l->slot_line[group]);
    if (l->slot[group] < 0) {
        l->slot[group] = (int)slot;
        l->slot_line[group] = l->csv.record_line;
    }
    return LM_OK;
}

static int read_venue(group_loader *l, size_t group, uint64_t number)
{
    const char *text = value(l, GCOL_VENUE);
    if (!text[0])
        return LM_OK;
    char excerpt[EXCERPT + 4];
    long venue = lm__pool_venue_lookup(l->pool, text);
    if (venue < 0 || venue > INT32_MAX)
        return fail_at(l, LM_E_NOTFOUND, "venue", "unknown venue '%s'",
                       lm__csv_excerpt(text, EXCERPT, excerpt));
    if (l->venue[group] >= 0 && l->venue[group] != (int)venue)
        return fail_at(l, LM_E_PARSE, "venue",
                       "group %llu meets at venue '%s' here but at '%s' on line %zu",
                       (unsigned long long)number, l->pool->venues[venue].id,
                       l->pool->venues[l->venue[group]].id, l->venue_line[group]);
    if (l->venue[group] < 0) {
        l->venue[group] = (int)venue;
        l->venue_line[group] = l->csv.record_line;
    }
    return LM_OK;
}

static int read_member(group_loader *l, size_t header_fields)
{
    if (l->csv.field_count != header_fields)
        return fail_at(l, LM_E_PARSE, NULL, "%zu fields where the header has %zu",
                       l->csv.field_count, header_fields);
    char excerpt[EXCERPT + 4];
    const char *text = value(l, GCOL_GROUP);
    uint64_t number;
    if (!lm__parse_uint(text, &number))
        return fail_at(l, LM_E_PARSE, "group", "group '%s' is not a whole number",
                       lm__csv_excerpt(text, EXCERPT, excerpt));
    const char *id = value(l, GCOL_ID);
    if (!id[0])
        return fail_at(l, LM_E_PARSE, "id", "missing participant id");
    long participant = lm__pool_lookup(l->pool, id);
    if (participant < 0 && l->keep) {
        l->left++; /* left the programme since the file was written */
        return LM_OK;
    }
    if (participant < 0)
        return fail_at(l, LM_E_NOTFOUND, "id", "unknown participant '%s'",
                       lm__csv_excerpt(id, EXCERPT, excerpt));
    if (l->seen_line[participant])
        return fail_at(l, LM_E_DUPLICATE, "id",
                       "participant '%s' is listed twice (first on line %zu)", id,
                       l->seen_line[participant]);
    l->seen_line[participant] = l->csv.record_line;
    const char *role_text = value(l, GCOL_ROLE);
    int role;
    int pool_role = l->pool->people[participant].role;
    if (role_text[0] && !lm__parse_role(role_text, &role))
        return fail_at(l, LM_E_PARSE, "role",
                       "unknown role '%s' (newcomer, resident, nieuwkomer, bewoner)",
                       lm__csv_excerpt(role_text, EXCERPT, excerpt));
    if (role_text[0] && role != pool_role)
        return fail_at(l, LM_E_PARSE, "role", "'%s' is a %s in the pool, not a %s", id,
                       role_name(pool_role), role_name(role));
    size_t group;
    if (group_index(l, number, &group) != LM_OK)
        return fail_at(l, LM_E_NOMEM, NULL, "out of memory");
    l->group_of[participant] = (int64_t)group;
    int status = read_slot(l, group, number);
    if (status == LM_OK)
        status = read_venue(l, group, number);
    return status;
}

static int read_groups(group_loader *l)
{
    lm_object *error = &l->grouping->base;
    bool record = false;
    char message[LM_ERRMSG_MAX];
    int status = lm__csv_start(&l->csv, group_columns, GROUP_COLUMNS, l->field_of,
                               l->name_of_field, message);
    if (status != LM_OK)
        return lm__fail(error, status, "%s %s", l->name, message);
    if (l->field_of[GCOL_GROUP] < 0)
        return fail_at(l, LM_E_PARSE, NULL, "missing required column 'group'");
    if (l->field_of[GCOL_ID] < 0)
        return fail_at(l, LM_E_PARSE, NULL, "missing required column 'id'");
    size_t header_fields = l->csv.field_count;
    size_t people = l->pool->count ? l->pool->count : 1;
    l->group_of = lm__malloc(people * sizeof *l->group_of);
    l->seen_line = lm__calloc(people, sizeof *l->seen_line);
    if (!l->group_of || !l->seen_line)
        return lm__fail(error, LM_E_NOMEM, "out of memory");
    for (size_t k = 0; k < people; k++)
        l->group_of[k] = -1;
    for (;;) {
        status = lm__csv_next(&l->csv, &record);
        if (status != LM_OK)
            return lm__fail(error, status, "%s %s", l->name, l->csv.error);
        if (!record)
            return LM_OK;
        if (lm__csv_blank(&l->csv))
            continue;
        status = read_member(l, header_fields);
        if (status != LM_OK)
            return status;
    }
}

/* Hands the loaded groups to the grouping, replacing what it held. Nothing
 * here can fail. */
static void install(group_loader *l)
{
    lm_grouping *g = l->grouping;
    lm__free(g->group_of);
    lm__free(g->slot);
    lm__free(g->venue);
    lm__free(g->number);
    g->group_of = l->group_of;
    g->participant_capacity = l->pool->count ? l->pool->count : 1;
    g->slot = l->slot;
    g->venue = l->venue;
    /* grouping.c expects unused group entries beyond the count to be -1 */
    for (size_t k = l->group_count; k < l->group_capacity; k++)
        l->slot[k] = l->venue[k] = -1;
    g->group_count = l->group_count;
    g->group_capacity = l->group_capacity;
    g->number = l->number;
    g->number_count = l->group_count;
    l->number = NULL;
    l->group_of = NULL;
    l->slot = l->venue = NULL;
    lm__clear_error(&g->base);
}

static int load_buffer(lm_grouping *grouping, const lm_pool *pool, const char *name,
                       const char *data, size_t size, size_t *left)
{
    if (!grouping)
        return LM_E_INVALID;
    if (!pool || (!data && size))
        return lm__fail(&grouping->base, LM_E_INVALID, "no pool or no data");
    group_loader *l = lm__calloc(1, sizeof *l);
    if (!l)
        return lm__fail(&grouping->base, LM_E_NOMEM, "out of memory");
    l->grouping = grouping;
    l->pool = pool;
    l->name = name ? name : "input";
    l->keep = left != NULL;
    int status = lm__csv_init(&l->csv, data, size);
    if (status != LM_OK)
        lm__fail(&grouping->base, status, "%s: %s", l->name, l->csv.error);
    else
        status = read_groups(l);
    if (status == LM_OK)
        install(l);
    if (status == LM_OK && left)
        *left = l->left;
    lm__csv_free(&l->csv);
    lm__free(l->group_of);
    lm__free(l->seen_line);
    lm__free(l->number);
    lm__free(l->slot);
    lm__free(l->venue);
    lm__free(l->slot_line);
    lm__free(l->venue_line);
    lm__free(l->numbers);
    lm__free(l);
    return status;
}

int lm_grouping_load_csv_buffer(lm_grouping *grouping, const lm_pool *pool, const char *name,
                                const char *data, size_t size)
{
    return load_buffer(grouping, pool, name, data, size, NULL);
}

/* A keep file drops the ids the pool no longer has (`left` not NULL). */
static int load_file(lm_grouping *grouping, const lm_pool *pool, const char *path, size_t *left)
{
    if (!grouping)
        return LM_E_INVALID;
    if (!pool || !path)
        return lm__fail(&grouping->base, LM_E_INVALID, "no pool or no path");
    lm_file_bytes file;
    int status = lm__file_read(path, LM_CSV_MAX_FILE, &file, &grouping->base);
    if (status == LM_OK)
        status = load_buffer(grouping, pool, path, (const char *)file.data, file.size, left);
    lm__file_bytes_free(&file);
    return status;
}

int lm_grouping_load_csv(lm_grouping *grouping, const lm_pool *pool, const char *path)
{
    return load_file(grouping, pool, path, NULL);
}

int lm_grouping_load_keep_csv(lm_grouping *grouping, const lm_pool *pool, const char *path,
                              size_t *left)
{
    size_t dropped = 0;
    int status = load_file(grouping, pool, path, &dropped);
    if (left)
        *left = status == LM_OK ? dropped : 0;
    return status;
}

int lm_grouping_load_keep_csv_buffer(lm_grouping *grouping, const lm_pool *pool,
                                     const char *name, const char *data, size_t size,
                                     size_t *left)
{
    size_t dropped = 0;
    int status = load_buffer(grouping, pool, name, data, size, &dropped);
    if (left)
        *left = status == LM_OK ? dropped : 0;
    return status;
}
