/* The msgpack result format (docs/formats.md, "Result msgpack format"):
 * ["LMRSLT", 1, {"total", "optimality", "groups", "unassigned",
 * "violations", "items", and "bound" and "mu" when the bound is known}].
 * With a pool, participants and venues are named by
 * id, topics by key, slots by label and languages by code, so the file reads
 * on its own; without one (partition results) by index. */
#include <math.h>
#include <string.h>

#include "model/model_internal.h"
#include "io/msgpack_internal.h"
#include "model/result_internal.h"

#define GROUP_FIELDS 8

/* ---- writing ------------------------------------------------------------------- */

static void pack_participant_ref(msgpack_packer *packer, const lm_pool *pool, int64_t index)
{
    if (index < 0)
        msgpack_pack_nil(packer);
    else if (pool)
        lm__mp_pack_text(packer, pool->people[index].id);
    else
        msgpack_pack_uint64(packer, (uint64_t)index);
}

static void pack_group(msgpack_packer *packer, const lm_result *result, const lm_pool *pool,
                       const lm_group_out *g)
{
    msgpack_pack_array(packer, GROUP_FIELDS);
    msgpack_pack_array(packer, g->size);
    for (size_t k = 0; k < g->size; k++)
        pack_participant_ref(packer, pool, (int64_t)result->members[g->first + k]);
    if (pool)
        lm__mp_pack_text(packer, pool->taxonomy->topics[g->theme].key);
    else
        msgpack_pack_uint64(packer, g->theme);
    if (g->slot >= 0)
        lm__mp_pack_text(packer, lm_slot_label((size_t)g->slot));
    else
        msgpack_pack_nil(packer);
    if (g->venue < 0)
        msgpack_pack_nil(packer);
    else if (pool)
        lm__mp_pack_text(packer, pool->venues[g->venue].id);
    else
        msgpack_pack_uint64(packer, (uint64_t)g->venue);
    if (g->language >= 0)
        lm__mp_pack_text(packer, lm_language_code((size_t)g->language));
    else
        msgpack_pack_nil(packer);
    pack_participant_ref(packer, pool, g->cohost[LM_NEWCOMER]);
    pack_participant_ref(packer, pool, g->cohost[LM_RESIDENT]);
    msgpack_pack_array(packer, 6);
    for (int t = 0; t < 6; t++)
        msgpack_pack_double(packer, g->terms[t]);
}

/* Every reference must resolve in the pool before anything is written. */
static int check_references(lm_result *result, const lm_pool *pool)
{
    size_t people = pool ? pool->count : SIZE_MAX;
    for (size_t g = 0; g < result->group_count; g++) {
        const lm_group_out *group = &result->groups[g];
        for (size_t k = 0; k < group->size; k++)
            if (result->members[group->first + k] >= people)
                return lm__fail(&result->base, LM_E_INVALID,
                                "group %zu names participant %zu, the pool has %zu", g,
                                result->members[group->first + k], people);
        for (int role = 0; role < 2; role++)
            if (group->cohost[role] >= 0 && (uint64_t)group->cohost[role] >= people)
                return lm__fail(&result->base, LM_E_INVALID,
                                "group %zu: co-host %lld is not in the pool", g,
                                (long long)group->cohost[role]);
        if (pool && (group->theme >= pool->taxonomy->topic_count ||
                     (group->venue >= 0 && (size_t)group->venue >= pool->venue_count)))
            return lm__fail(&result->base, LM_E_INVALID,
                            "group %zu: theme or venue is not in the pool", g);
    }
    for (size_t k = 0; k < result->unassigned_count; k++)
        if (result->unassigned[k].participant >= people)
            return lm__fail(&result->base, LM_E_INVALID,
                            "unassigned participant %zu is not in the pool",
                            result->unassigned[k].participant);
    for (size_t k = 0; k < result->violation_count; k++)
        if (result->violations[k].participant >= 0 &&
            (uint64_t)result->violations[k].participant >= people)
            return lm__fail(&result->base, LM_E_INVALID,
                            "violation %zu names a participant not in the pool", k);
    return LM_OK;
}

typedef struct body_context {
    const lm_result *result;
    const lm_pool *pool;
} body_context;

static void pack_result(const void *context, msgpack_packer *packer, const lm_sink *sink)
{
    const body_context *c = context;
    const lm_result *result = c->result;
    lm__mp_pack_text(packer, "total");
    msgpack_pack_double(packer, result->total);
    lm__mp_pack_text(packer, "optimality");
    msgpack_pack_unsigned_int(packer, (unsigned)result->optimality);

    lm__mp_pack_text(packer, "groups");
    msgpack_pack_array(packer, result->group_count);
    for (size_t g = 0; g < result->group_count && sink->status == LM_OK; g++)
        pack_group(packer, result, c->pool, &result->groups[g]);

    lm__mp_pack_text(packer, "unassigned");
    msgpack_pack_array(packer, result->unassigned_count);
    for (size_t k = 0; k < result->unassigned_count; k++) {
        msgpack_pack_array(packer, 2);
        pack_participant_ref(packer, c->pool, (int64_t)result->unassigned[k].participant);
        lm__mp_pack_text(packer, lm_reason_name(result->unassigned[k].reason));
    }

    lm__mp_pack_text(packer, "violations");
    msgpack_pack_array(packer, result->violation_count);
    for (size_t k = 0; k < result->violation_count; k++) {
        const lm_violation_out *v = &result->violations[k];
        msgpack_pack_array(packer, 4);
        lm__mp_pack_text(packer, lm_violation_name(v->kind));
        msgpack_pack_uint64(packer, v->group);
        pack_participant_ref(packer, c->pool, v->participant);
        lm__mp_pack_text(packer, v->message ? v->message : "");
    }

    lm__mp_pack_text(packer, "items");
    msgpack_pack_array(packer, result->item_count);
    for (size_t k = 0; k < result->item_count; k++)
        msgpack_pack_int64(packer, result->item_group[k]);

    if (!isnan(result->bound)) {
        lm__mp_pack_text(packer, "bound");
        msgpack_pack_double(packer, result->bound);
        lm__mp_pack_text(packer, "mu");
        msgpack_pack_double(packer, result->bound_mu);
    }
}

int lm_result_save_msgpack(lm_result *result, const lm_pool *pool, const char *path,
                           const lm_key *key)
{
    if (!result)
        return LM_E_INVALID;
    if (!path)
        return lm__fail(&result->base, LM_E_INVALID, "no file name");
    int status = check_references(result, pool);
    if (status != LM_OK)
        return status;
    body_context context = {result, pool};
    size_t entries = isnan(result->bound) ? 6 : 8;
    status = lm__mp_save(path, key, LM_MP_RESULT_MAGIC, LM_MP_RESULT_VERSION, entries,
                         pack_result, &context, &result->base);
    if (status == LM_OK)
        lm__clear_error(&result->base);
    return status;
}

/* ---- reading ------------------------------------------------------------------- */

typedef struct load_state {
    lm_mp_reader reader;
    lm_result *result; /* the new content, swapped in on success */
    const lm_pool *pool;
} load_state;

/* A participant (or venue) named by id (needs the pool) or by index. */
static int read_ref(load_state *s, bool venue, int64_t *index)
{
    lm_mp_reader *r = &s->reader;
    size_t at = r->offset;
    lm_mp_type type;
    if (lm__mp_peek(r, &type) != LM_OK)
        return r->status;
    const char *what = venue ? "venue" : "participant";
    if (type == LM_MP_STR) {
        char id[LM_ID_MAX + 1];
        if (lm__mp_read_text(r, id, LM_ID_MAX, "an id") != LM_OK)
            return r->status;
        if (!s->pool) {
            r->offset = at;
            return lm__mp_fail(r, LM_E_INVALID,
                               "the result names %ss by id: give the pool it was saved with",
                               what);
        }
        long found = venue ? lm__pool_venue_lookup(s->pool, id) : lm__pool_lookup(s->pool, id);
        if (found < 0) {
            r->offset = at;
            return lm__mp_fail(r, LM_E_NOTFOUND, "%s '%s' is not in the pool", what, id);
        }
        *index = found;
        return LM_OK;
    }
    uint64_t value;
    if (lm__mp_read_uint(r, &value) != LM_OK)
        return r->status;
    size_t limit = !s->pool ? (size_t)INT32_MAX
                   : venue ? s->pool->venue_count
                           : s->pool->count;
    if (value >= limit) {
        r->offset = at;
        return lm__mp_fail(r, LM_E_PARSE, "%s index %llu is out of range", what,
                           (unsigned long long)value);
    }
    *index = (int64_t)value;
    return LM_OK;
}

static int read_optional_ref(load_state *s, bool venue, int64_t *index)
{
    *index = -1;
    return lm__mp_read_nil(&s->reader) ? LM_OK : read_ref(s, venue, index);
}

static int read_theme(load_state *s, size_t *theme)
{
    lm_mp_reader *r = &s->reader;
    size_t at = r->offset;
    lm_mp_type type;
    if (lm__mp_peek(r, &type) != LM_OK)
        return r->status;
    if (type != LM_MP_STR || !s->pool) {
        uint64_t value;
        if (lm__mp_read_uint(r, &value) != LM_OK)
            return r->status;
        if (value > UINT32_MAX || (s->pool && value >= s->pool->taxonomy->topic_count)) {
            r->offset = at;
            return lm__mp_fail(r, LM_E_PARSE, "theme %llu is out of range",
                               (unsigned long long)value);
        }
        *theme = (size_t)value;
        return LM_OK;
    }
    const char *key;
    size_t length;
    if (lm__mp_read_str(r, &key, &length) != LM_OK)
        return r->status;
    const lm_taxonomy *taxonomy = s->pool->taxonomy;
    for (size_t t = 0; t < taxonomy->topic_count; t++)
        if (strlen(taxonomy->topics[t].key) == length &&
            memcmp(taxonomy->topics[t].key, key, length) == 0) {
            *theme = t;
            return LM_OK;
        }
    r->offset = at;
    return lm__mp_fail(r, LM_E_NOTFOUND, "theme '%.*s' is not a topic of the pool's taxonomy",
                       (int)(length > 64 ? 64 : length), key);
}

/* A slot label or language code, or nil (-1). */
static int read_table_entry(load_state *s, bool language, int *index)
{
    lm_mp_reader *r = &s->reader;
    *index = -1;
    if (lm__mp_read_nil(r))
        return LM_OK;
    size_t at = r->offset, found;
    char text[32];
    if (lm__mp_read_text(r, text, sizeof text - 1, language ? "a language" : "a slot") != LM_OK)
        return r->status;
    if ((language ? lm_language_find(text, &found) : lm_slot_find(text, &found)) != LM_OK) {
        r->offset = at;
        return lm__mp_fail(r, LM_E_NOTFOUND, "unknown %s '%s'", language ? "language" : "slot",
                           text);
    }
    *index = (int)found;
    return LM_OK;
}

static int compare_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

static int read_group(load_state *s)
{
    lm_mp_reader *r = &s->reader;
    size_t at = r->offset, count;
    if (lm__mp_read_array(r, &count) != LM_OK)
        return r->status;
    if (count != GROUP_FIELDS) {
        r->offset = at;
        return lm__mp_fail(r, LM_E_PARSE, "a group has %zu fields, expected %d", count,
                           GROUP_FIELDS);
    }
    size_t size;
    if (lm__mp_read_array(r, &size) != LM_OK)
        return r->status;
    /* Grown as members are read, never to the claimed size up front: a
     * hostile count costs no more memory than the bytes that back it. */
    size_t *members = NULL, capacity = 0;
    if (lm__grow((void **)&members, &capacity, 1, sizeof *members) != LM_OK)
        return lm__mp_fail(r, LM_E_NOMEM, "out of memory");
    for (size_t k = 0; k < size && r->status == LM_OK; k++) {
        int64_t index = -1;
        if (lm__grow((void **)&members, &capacity, k + 1, sizeof *members) != LM_OK)
            lm__mp_fail(r, LM_E_NOMEM, "out of memory");
        else if (read_ref(s, false, &index) == LM_OK)
            members[k] = (size_t)index;
    }
    /* Members are kept in ascending index order, which a pool with the
     * same ids in another order would not give by itself. */
    if (r->status == LM_OK)
        qsort(members, size, sizeof *members, compare_size);
    for (size_t k = 1; k < size && r->status == LM_OK; k++)
        if (members[k] == members[k - 1])
            lm__mp_fail(r, LM_E_PARSE, "a group names participant %zu twice", members[k]);
    size_t g;
    if (r->status == LM_OK && lm__result_add_group(s->result, members, size, &g) != LM_OK)
        lm__mp_fail(r, LM_E_NOMEM, "out of memory");
    lm__free(members);
    if (r->status != LM_OK)
        return r->status;
    lm_group_out *group = &s->result->groups[g];
    int64_t venue = -1;
    size_t terms;
    if (read_theme(s, &group->theme) != LM_OK ||
        read_table_entry(s, false, &group->slot) != LM_OK ||
        read_optional_ref(s, true, &venue) != LM_OK ||
        read_table_entry(s, true, &group->language) != LM_OK ||
        read_optional_ref(s, false, &group->cohost[LM_NEWCOMER]) != LM_OK ||
        read_optional_ref(s, false, &group->cohost[LM_RESIDENT]) != LM_OK)
        return r->status;
    group->venue = (int)venue;
    at = r->offset;
    if (lm__mp_read_array(r, &terms) != LM_OK)
        return r->status;
    if (terms != 6) {
        r->offset = at;
        return lm__mp_fail(r, LM_E_PARSE, "a group has %zu score terms, expected 6", terms);
    }
    for (int t = 0; t < 6 && r->status == LM_OK; t++)
        lm__mp_read_double(r, &group->terms[t]);
    return r->status;
}

static int read_unassigned(load_state *s)
{
    lm_mp_reader *r = &s->reader;
    size_t at = r->offset, count;
    int64_t index;
    const char *name;
    size_t length;
    if (lm__mp_read_array(r, &count) != LM_OK)
        return r->status;
    if (count != 2) {
        r->offset = at;
        return lm__mp_fail(r, LM_E_PARSE, "an unassigned entry is [participant, reason]");
    }
    if (read_ref(s, false, &index) != LM_OK)
        return r->status;
    at = r->offset;
    if (lm__mp_read_str(r, &name, &length) != LM_OK)
        return r->status;
    for (int reason = LM_REASON_NONE; reason <= LM_REASON_VENUES_FULL; reason++) {
        const char *known = lm_reason_name((lm_reason)reason);
        if (strlen(known) == length && memcmp(known, name, length) == 0)
            return lm__result_add_unassigned(s->result, (size_t)index, (lm_reason)reason) ==
                           LM_OK
                       ? LM_OK
                       : lm__mp_fail(r, LM_E_NOMEM, "out of memory");
    }
    r->offset = at;
    return lm__mp_fail(r, LM_E_PARSE, "unknown reason '%.*s'", (int)(length > 64 ? 64 : length),
                       name);
}

static int read_violation(load_state *s)
{
    lm_mp_reader *r = &s->reader;
    size_t at = r->offset, count;
    char kind_name[32], message[LM_ERRMSG_MAX];
    uint64_t group;
    int64_t participant;
    if (lm__mp_read_array(r, &count) != LM_OK)
        return r->status;
    if (count != 4) {
        r->offset = at;
        return lm__mp_fail(r, LM_E_PARSE, "a violation is [kind, group, participant, message]");
    }
    at = r->offset;
    if (lm__mp_read_text(r, kind_name, sizeof kind_name - 1, "a violation kind") != LM_OK ||
        lm__mp_read_uint(r, &group) != LM_OK ||
        read_optional_ref(s, false, &participant) != LM_OK ||
        lm__mp_read_text(r, message, sizeof message - 1, "a message") != LM_OK)
        return r->status;
    for (int kind = LM_VIOLATION_SIZE; kind <= LM_VIOLATION_NO_VENUE; kind++)
        if (strcmp(lm_violation_name((lm_violation)kind), kind_name) == 0)
            return lm__result_add_violation(s->result, (lm_violation)kind, (size_t)group,
                                            participant, "%s", message) == LM_OK
                       ? LM_OK
                       : lm__mp_fail(r, LM_E_NOMEM, "out of memory");
    r->offset = at;
    return lm__mp_fail(r, LM_E_PARSE, "unknown violation kind '%s'", kind_name);
}

static int read_items(load_state *s)
{
    lm_mp_reader *r = &s->reader;
    size_t count;
    if (lm__mp_read_array(r, &count) != LM_OK)
        return r->status;
    /* Read into a buffer grown as items arrive, and sized to the count only
     * once every item is read: eight bytes per claimed item up front let a
     * 20 MB file ask for 160 MB before its first bad byte. */
    int64_t *groups = NULL;
    size_t capacity = 0;
    for (size_t k = 0; k < count && r->status == LM_OK; k++) {
        size_t at = r->offset;
        if (lm__grow((void **)&groups, &capacity, k + 1, sizeof *groups) != LM_OK) {
            lm__mp_fail(r, LM_E_NOMEM, "out of memory");
        } else if (lm__mp_read_int(r, &groups[k]) == LM_OK && groups[k] < -1) {
            r->offset = at;
            lm__mp_fail(r, LM_E_PARSE, "item %zu has group %lld", k, (long long)groups[k]);
        }
    }
    if (r->status == LM_OK && lm__result_set_items(s->result, count) != LM_OK)
        lm__mp_fail(r, LM_E_NOMEM, "out of memory");
    if (r->status == LM_OK && count)
        memcpy(s->result->item_group, groups, count * sizeof *groups);
    lm__free(groups);
    return r->status;
}

static int read_list(load_state *s, int (*read_one)(load_state *))
{
    size_t count;
    if (lm__mp_read_array(&s->reader, &count) != LM_OK)
        return s->reader.status;
    for (size_t k = 0; k < count && s->reader.status == LM_OK; k++)
        read_one(s);
    return s->reader.status;
}

static int read_body(load_state *s)
{
    lm_mp_reader *r = &s->reader;
    size_t entries;
    if (lm__mp_read_envelope(r, LM_MP_RESULT_MAGIC, LM_MP_RESULT_VERSION, &entries) != LM_OK)
        return r->status;
    static const char *const known[] = {"total",      "optimality", "groups", "unassigned",
                                        "violations", "items",      "bound",  "mu"};
    unsigned seen = 0;
    double bound = NAN, mu = NAN;
    for (size_t e = 0; e < entries && r->status == LM_OK; e++) {
        int which;
        if (lm__mp_read_entry(r, known, 8, &seen, &which) != LM_OK || which < 0)
            continue;
        size_t at = r->offset;
        uint64_t optimality;
        switch (which) {
        case 0: lm__mp_read_double(r, &s->result->total); break;
        case 1:
            if (lm__mp_read_uint(r, &optimality) == LM_OK) {
                if (optimality > LM_OPTIMAL_ON_CANDIDATES) {
                    r->offset = at;
                    lm__mp_fail(r, LM_E_PARSE, "unknown optimality %llu",
                                (unsigned long long)optimality);
                }
                s->result->optimality = (lm_optimality)optimality;
            }
            break;
        case 2: read_list(s, read_group); break;
        case 3: read_list(s, read_unassigned); break;
        case 4: read_list(s, read_violation); break;
        case 5: read_items(s); break;
        case 6: lm__mp_read_double(r, &bound); break;
        default: lm__mp_read_double(r, &mu); break;
        }
    }
    /* a bound without its mu (or the other way round) is no bound */
    if (r->status == LM_OK && !isnan(bound) && !isnan(mu))
        lm__result_set_bound(s->result, bound, mu);
    if (r->status == LM_OK && r->offset != r->size)
        return lm__mp_fail(r, LM_E_PARSE, "%zu bytes of data after the end of the result",
                           r->size - r->offset);
    for (size_t k = 0; r->status == LM_OK && k < s->result->violation_count; k++)
        if (s->result->violations[k].group >= s->result->group_count)
            return lm__mp_fail(r, LM_E_PARSE, "violation %zu names group %zu of %zu", k,
                               s->result->violations[k].group, s->result->group_count);
    return r->status;
}

int lm_result_load_msgpack_buffer(lm_result *result, const lm_pool *pool, const char *name,
                                  const void *data, size_t size, const lm_key *key)
{
    if (!result)
        return LM_E_INVALID;
    if (!data && size)
        return lm__fail(&result->base, LM_E_INVALID, "no data");
    if (!name)
        name = "<buffer>";
    lm_plain plain;
    int status = lm__plain_open(&plain, LM_FORMAT_RESULT_MSGPACK, key, name, data ? data : "",
                                size, &result->base);
    if (status != LM_OK)
        return status;
    load_state s = {.pool = pool};
    status = lm_result_new(&s.result);
    if (status != LM_OK) {
        lm__plain_close(&plain);
        return lm__fail(&result->base, status, "out of memory");
    }
    lm__mp_reader_init(&s.reader, plain.data, plain.size);
    status = read_body(&s);
    lm__plain_close(&plain);
    if (status != LM_OK) {
        lm_result_free(s.result);
        return lm__fail(&result->base, status, "%s: %s", name, s.reader.error);
    }
    /* Swap the contents so that the caller's handle keeps its identity and
     * the old content is freed with the temporary. */
    lm_result swapped = *result;
    *result = *s.result;
    result->base = swapped.base;
    *s.result = swapped;
    lm_result_free(s.result);
    lm__clear_error(&result->base);
    return LM_OK;
}
