/* The pool: participants and venues, built by hand or by the loaders. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model/model_internal.h"

/* ---- id index -------------------------------------------------------------- */

static uint64_t hash_id(const char *id)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
        h ^= *p;
        h *= 1099511628211ull;
    }
    return h;
}

typedef const char *(*id_at_fn)(const lm_pool *pool, size_t position);

static const char *participant_id_at(const lm_pool *pool, size_t position)
{
    return pool->people[position].id;
}

static const char *venue_id_at(const lm_pool *pool, size_t position)
{
    return pool->venues[position].id;
}

static long index_lookup(const lm_pool *pool, const lm_id_index *index, id_at_fn id_at,
                         const char *id)
{
    if (!index->capacity)
        return -1;
    size_t mask = index->capacity - 1;
    for (size_t slot = hash_id(id) & mask;; slot = (slot + 1) & mask) {
        size_t entry = index->slots[slot];
        if (!entry)
            return -1;
        if (strcmp(id_at(pool, entry - 1), id) == 0)
            return (long)(entry - 1);
    }
}

static void index_put(lm_id_index *index, const char *id, size_t position)
{
    size_t mask = index->capacity - 1;
    size_t slot = hash_id(id) & mask;
    while (index->slots[slot])
        slot = (slot + 1) & mask;
    index->slots[slot] = position + 1;
}

/* Makes room for `count` entries at a load factor of at most 1/2. */
static int index_reserve(const lm_pool *pool, lm_id_index *index, id_at_fn id_at,
                         size_t count)
{
    if (count * 2 <= index->capacity)
        return LM_OK;
    size_t capacity = index->capacity ? index->capacity : 16;
    while (count * 2 > capacity)
        capacity *= 2;
    size_t *slots = lm__calloc(capacity, sizeof *slots);
    if (!slots)
        return LM_E_NOMEM;
    lm_id_index grown = {slots, capacity};
    for (size_t k = 0; k < index->capacity; k++)
        if (index->slots[k])
            index_put(&grown, id_at(pool, index->slots[k] - 1), index->slots[k] - 1);
    lm__free(index->slots);
    *index = grown;
    return LM_OK;
}

/* Rebuilds an index over the first `count` entries (after a truncation). */
static void index_rebuild(const lm_pool *pool, lm_id_index *index, id_at_fn id_at,
                          size_t count)
{
    if (!index->capacity)
        return;
    memset(index->slots, 0, index->capacity * sizeof *index->slots);
    for (size_t k = 0; k < count; k++)
        index_put(index, id_at(pool, k), k);
}

long lm__pool_lookup(const lm_pool *pool, const char *id)
{
    return index_lookup(pool, &pool->ids, participant_id_at, id);
}

long lm__pool_venue_lookup(const lm_pool *pool, const char *id)
{
    return index_lookup(pool, &pool->venue_ids, venue_id_at, id);
}

const char *lm__id_problem(const char *id, size_t length)
{
    if (!id || length == 0)
        return "is empty";
    if (length > LM_ID_MAX)
        return "is longer than 64 bytes";
    size_t at = 0;
    while (at < length) {
        uint32_t code_point;
        size_t size = lm__utf8_decode(id + at, length - at, &code_point);
        if (!size)
            return "is not valid UTF-8";
        if (code_point < 0x20 || (code_point >= 0x7f && code_point <= 0x9f))
            return "contains a control character";
        at += size;
    }
    if (id[0] == ' ' || id[length - 1] == ' ')
        return "has leading or trailing spaces";
    return NULL;
}

/* ---- lifetime -------------------------------------------------------------- */

int lm_pool_new(const lm_taxonomy *taxonomy, lm_pool **out)
{
    if (!out)
        return LM_E_INVALID;
    *out = NULL;
    lm_pool *pool = lm__calloc(1, sizeof *pool);
    if (!pool)
        return LM_E_NOMEM;
    lm__object_init(&pool->base, LM_KIND_POOL);
    pool->rho = LM_DEFAULT_RHO;
    pool->error_limit = LM_DEFAULT_ERROR_LIMIT;
    int status = taxonomy ? lm__taxonomy_clone(taxonomy, &pool->taxonomy)
                          : lm_taxonomy_new_default(&pool->taxonomy);
    if (status != LM_OK) {
        lm__free(pool);
        return status;
    }
    *out = pool;
    return LM_OK;
}

static void participant_clear(lm_participant *p)
{
    lm__free(p->id);
    lm__free(p->entries);
}

void lm__pool_truncate(lm_pool *pool, size_t count, size_t venue_count, size_t warning_count)
{
    for (size_t k = count; k < pool->count; k++)
        participant_clear(&pool->people[k]);
    lm__display_truncate(pool, count, pool->display_count);
    lm__pool_truncate_duplicates(pool, count);
    if (count < pool->count) {
        pool->count = count;
        index_rebuild(pool, &pool->ids, participant_id_at, count);
    }
    for (size_t k = venue_count; k < pool->venue_count; k++)
        lm__free(pool->venues[k].id);
    if (venue_count < pool->venue_count) {
        pool->venue_count = venue_count;
        index_rebuild(pool, &pool->venue_ids, venue_id_at, venue_count);
    }
    for (size_t k = warning_count; k < pool->warning_count; k++) {
        lm__free(pool->warnings[k].column);
        lm__free(pool->warnings[k].message);
    }
    if (warning_count < pool->warning_count)
        pool->warning_count = warning_count;
}

void lm_pool_free(lm_pool *pool)
{
    if (!pool)
        return;
    lm__pool_truncate(pool, 0, 0, 0);
    lm__display_truncate(pool, 0, 0);
    lm__pool_clear_errors(pool);
    lm__free(pool->display);
    lm__free(pool->errors);
    lm__free(pool->duplicates);
    lm__free(pool->people);
    lm__free(pool->venues);
    lm__free(pool->warnings);
    lm__free(pool->ids.slots);
    lm__free(pool->venue_ids.slots);
    lm_taxonomy_free(pool->taxonomy);
    lm__free(pool);
}

const lm_taxonomy *lm_pool_taxonomy(const lm_pool *pool)
{
    return pool ? pool->taxonomy : NULL;
}

int lm_pool_set_strict(lm_pool *pool, bool strict)
{
    if (!pool)
        return LM_E_INVALID;
    pool->strict = strict;
    return LM_OK;
}

int lm_pool_set_rho(lm_pool *pool, double rho)
{
    if (!pool)
        return LM_E_INVALID;
    if (!(rho >= 0.0 && rho <= 1.0))
        return lm__fail(&pool->base, LM_E_INVALID, "rho must be in [0,1], not %g", rho);
    pool->rho = rho;
    return LM_OK;
}

/* ---- warnings ---------------------------------------------------------------- */

int lm__pool_warn(lm_pool *pool, size_t line, const char *column, const char *format, ...)
{
    if (lm__grow((void **)&pool->warnings, &pool->warning_capacity, pool->warning_count + 1,
                 sizeof *pool->warnings) != LM_OK)
        return LM_E_NOMEM;
    char message[LM_ERRMSG_MAX], escaped_column[LM_ERRMSG_MAX];
    va_list args;
    va_start(args, format);
    lm__format_message(message, sizeof message, format, args);
    va_end(args);
    lm__escape_controls(escaped_column, sizeof escaped_column, column ? column : "");
    lm_warning *w = &pool->warnings[pool->warning_count];
    w->line = line;
    w->column = lm__strdup(escaped_column);
    w->message = lm__strdup(message);
    if (!w->column || !w->message) {
        lm__free(w->column);
        lm__free(w->message);
        return LM_E_NOMEM;
    }
    pool->warning_count++;
    return LM_OK;
}

size_t lm_pool_warning_count(const lm_pool *pool)
{
    return pool ? pool->warning_count : 0;
}

size_t lm_pool_warning_line(const lm_pool *pool, size_t k)
{
    return pool && k < pool->warning_count ? pool->warnings[k].line : 0;
}

const char *lm_pool_warning_column(const lm_pool *pool, size_t k)
{
    return pool && k < pool->warning_count ? pool->warnings[k].column : NULL;
}

const char *lm_pool_warning_message(const lm_pool *pool, size_t k)
{
    return pool && k < pool->warning_count ? pool->warnings[k].message : NULL;
}

/* ---- participants ------------------------------------------------------------ */

int lm__pool_append(lm_pool *pool, const char *id, lm_role role, size_t *index)
{
    if (lm__grow((void **)&pool->people, &pool->capacity, pool->count + 1,
                 sizeof *pool->people) != LM_OK)
        return lm__fail(&pool->base, LM_E_NOMEM, "out of memory");
    if (index_reserve(pool, &pool->ids, participant_id_at, pool->count + 1) != LM_OK)
        return lm__fail(&pool->base, LM_E_NOMEM, "out of memory");
    lm_participant *p = &pool->people[pool->count];
    memset(p, 0, sizeof *p);
    p->id = lm__strdup(id);
    if (!p->id)
        return lm__fail(&pool->base, LM_E_NOMEM, "out of memory");
    p->role = (uint8_t)role;
    p->max_km = 0.0;
    index_put(&pool->ids, p->id, pool->count);
    if (index)
        *index = pool->count;
    pool->count++;
    return LM_OK;
}

int lm_pool_add(lm_pool *pool, const char *id, lm_role role, size_t *index)
{
    if (!pool || !id)
        return LM_E_INVALID;
    if (role != LM_NEWCOMER && role != LM_RESIDENT)
        return lm__fail(&pool->base, LM_E_INVALID, "role must be newcomer or resident");
    const char *problem = lm__id_problem(id, strlen(id));
    if (problem)
        return lm__fail(&pool->base, LM_E_INVALID, "id '%.64s': %s", id, problem);
    if (lm__pool_lookup(pool, id) >= 0)
        return lm__fail(&pool->base, LM_E_DUPLICATE, "duplicate id '%s'", id);
    return lm__pool_append(pool, id, role, index);
}

static lm_participant *participant(lm_pool *pool, size_t index)
{
    if (!pool || index >= pool->count)
        return NULL;
    return &pool->people[index];
}

static const lm_participant *participant_const(const lm_pool *pool, size_t index)
{
    if (!pool || index >= pool->count)
        return NULL;
    return &pool->people[index];
}

int lm__participant_set_dense(lm_participant *p, int v, const double *dense,
                              size_t topic_count)
{
    size_t nonzero = 0;
    for (size_t t = 0; t < topic_count; t++)
        nonzero += dense[t] != 0.0;
    if (nonzero > UINT16_MAX)
        return LM_E_TOO_LARGE;
    size_t total = 0;
    for (int k = 0; k < 3; k++)
        total += k == v ? nonzero : p->length[k];
    lm_entry *entries = lm__calloc(total ? total : 1, sizeof *entries);
    if (!entries)
        return LM_E_NOMEM;
    size_t at = 0;
    for (int k = 0; k < 3; k++) {
        if (k == v) {
            for (size_t t = 0; t < topic_count; t++)
                if (dense[t] != 0.0)
                    entries[at++] = (lm_entry){(uint32_t)t, dense[t]};
        } else {
            size_t length;
            const lm_entry *old = lm__vec(p, k, &length);
            if (length)
                memcpy(entries + at, old, length * sizeof *entries);
            at += length;
        }
    }
    lm__free(p->entries);
    p->entries = entries;
    p->length[v] = (uint16_t)nonzero;
    return LM_OK;
}

typedef struct tag_context {
    lm_pool *pool;
    const lm_participant *p;
    lm_vector vector;
} tag_context;

static const char *vector_column(lm_vector vector)
{
    switch (vector) {
    case LM_INTERESTS: return "interests";
    case LM_OFFERS: return "offers";
    default: return "wants";
    }
}

static int unknown_tag(void *opaque, const char *tag)
{
    tag_context *c = opaque;
    if (c->pool->strict)
        return lm__fail(&c->pool->base, LM_E_NOTFOUND,
                        "participant '%s', column '%s': unknown tag '%s'", c->p->id,
                        vector_column(c->vector), tag);
    return lm__pool_warn(c->pool, c->p->line, vector_column(c->vector),
                         "participant '%s': unknown tag '%s'", c->p->id, tag);
}

int lm_pool_set_tags(lm_pool *pool, size_t index, lm_vector vector, const char *tags)
{
    lm_participant *p = participant(pool, index);
    if (!p || !tags || (unsigned)vector > LM_WANTS)
        return pool ? lm__fail(&pool->base, LM_E_INVALID, "invalid participant or vector")
                    : LM_E_INVALID;
    size_t topics = pool->taxonomy->topic_count;
    double *dense = lm__calloc(topics ? topics : 1, sizeof *dense);
    if (!dense)
        return lm__fail(&pool->base, LM_E_NOMEM, "out of memory");
    char error[LM_ERRMSG_MAX] = "";
    tag_context context = {pool, p, vector};
    size_t warnings_before = pool->warning_count;
    int status = lm__tags_parse(pool->taxonomy, pool->rho, tags, dense, unknown_tag,
                                &context, error);
    if (status == LM_OK)
        status = lm__participant_set_dense(p, (int)vector, dense, topics);
    else if (error[0])
        lm__fail(&pool->base, status, "participant '%s', column '%s': %s", p->id,
                 vector_column(vector), error);
    lm__free(dense);
    if (status != LM_OK) {
        lm__pool_truncate(pool, pool->count, pool->venue_count, warnings_before);
        if (status == LM_E_NOMEM)
            lm__fail(&pool->base, status, "out of memory");
    }
    return status;
}

int lm_pool_set_value(lm_pool *pool, size_t index, lm_vector vector, size_t topic,
                      double level)
{
    lm_participant *p = participant(pool, index);
    if (!p || (unsigned)vector > LM_WANTS || topic >= pool->taxonomy->topic_count)
        return pool ? lm__fail(&pool->base, LM_E_INVALID, "invalid participant, vector or topic")
                    : LM_E_INVALID;
    if (!(level >= 0.0 && level <= 1.0))
        return lm__fail(&pool->base, LM_E_INVALID, "level must be in [0,1], not %g", level);
    size_t topics = pool->taxonomy->topic_count;
    double *dense = lm__calloc(topics, sizeof *dense);
    if (!dense)
        return lm__fail(&pool->base, LM_E_NOMEM, "out of memory");
    size_t length;
    const lm_entry *entries = lm__vec(p, (int)vector, &length);
    for (size_t k = 0; k < length; k++)
        dense[entries[k].topic] = entries[k].value;
    dense[topic] = level;
    int status = lm__participant_set_dense(p, (int)vector, dense, topics);
    lm__free(dense);
    return status == LM_OK ? LM_OK : lm__fail(&pool->base, status, "out of memory");
}

int lm_pool_set_languages(lm_pool *pool, size_t index, const char *codes)
{
    lm_participant *p = participant(pool, index);
    if (!p || !codes)
        return pool ? lm__fail(&pool->base, LM_E_INVALID, "invalid participant") : LM_E_INVALID;
    char error[LM_ERRMSG_MAX] = "";
    uint64_t mask = 0;
    int status = lm__languages_parse(codes, &mask, error);
    if (status != LM_OK)
        return lm__fail(&pool->base, status, "participant '%s': %s", p->id, error);
    p->languages = mask;
    return LM_OK;
}

int lm_pool_set_availability(lm_pool *pool, size_t index, const char *slots)
{
    lm_participant *p = participant(pool, index);
    if (!p || !slots)
        return pool ? lm__fail(&pool->base, LM_E_INVALID, "invalid participant") : LM_E_INVALID;
    char error[LM_ERRMSG_MAX] = "";
    uint64_t mask = 0;
    int status = lm__slots_parse(slots, &mask, error);
    if (status != LM_OK)
        return lm__fail(&pool->base, status, "participant '%s': %s", p->id, error);
    p->availability = mask;
    return LM_OK;
}

int lm_pool_set_availability_mask(lm_pool *pool, size_t index, uint64_t mask)
{
    lm_participant *p = participant(pool, index);
    if (!p)
        return pool ? lm__fail(&pool->base, LM_E_INVALID, "invalid participant") : LM_E_INVALID;
    size_t slots = lm_slot_count();
    if (slots < 64 && (mask >> slots))
        return lm__fail(&pool->base, LM_E_INVALID, "availability mask has bits beyond slot %zu",
                        slots - 1);
    p->availability = mask;
    return LM_OK;
}

int lm_pool_set_location(lm_pool *pool, size_t index, double lat, double lon, double max_km)
{
    lm_participant *p = participant(pool, index);
    if (!p)
        return pool ? lm__fail(&pool->base, LM_E_INVALID, "invalid participant") : LM_E_INVALID;
    if (!(lat >= -90.0 && lat <= 90.0))
        return lm__fail(&pool->base, LM_E_INVALID, "latitude %g is outside [-90, 90]", lat);
    if (!(lon >= -180.0 && lon <= 180.0))
        return lm__fail(&pool->base, LM_E_INVALID, "longitude %g is outside [-180, 180]", lon);
    if (isnan(max_km) || isinf(max_km))
        return lm__fail(&pool->base, LM_E_INVALID, "max_km must be a finite number");
    p->has_location = true;
    p->lat = lat;
    p->lon = lon;
    p->max_km = max_km > 0 ? max_km : 0.0;
    return LM_OK;
}

int lm_pool_set_step_free(lm_pool *pool, size_t index, bool needs)
{
    lm_participant *p = participant(pool, index);
    if (!p)
        return LM_E_INVALID;
    p->step_free = needs;
    return LM_OK;
}

int lm_pool_set_host(lm_pool *pool, size_t index, bool willing)
{
    lm_participant *p = participant(pool, index);
    if (!p)
        return LM_E_INVALID;
    p->host = willing;
    return LM_OK;
}

size_t lm_pool_size(const lm_pool *pool)
{
    return pool ? pool->count : 0;
}

int lm_pool_find(const lm_pool *pool, const char *id, size_t *index)
{
    if (!pool || !id || !index)
        return LM_E_INVALID;
    long found = lm__pool_lookup(pool, id);
    if (found < 0)
        return LM_E_NOTFOUND;
    *index = (size_t)found;
    return LM_OK;
}

const char *lm_pool_id(const lm_pool *pool, size_t index)
{
    const lm_participant *p = participant_const(pool, index);
    return p ? p->id : NULL;
}

lm_role lm_pool_role(const lm_pool *pool, size_t index)
{
    const lm_participant *p = participant_const(pool, index);
    return p ? (lm_role)p->role : LM_NEWCOMER;
}

double lm_pool_value(const lm_pool *pool, size_t index, lm_vector vector, size_t topic)
{
    const lm_participant *p = participant_const(pool, index);
    if (!p || (unsigned)vector > LM_WANTS)
        return 0.0;
    size_t length;
    const lm_entry *entries = lm__vec(p, (int)vector, &length);
    for (size_t k = 0; k < length; k++)
        if (entries[k].topic == topic)
            return entries[k].value;
    return 0.0;
}

uint64_t lm_pool_language_mask(const lm_pool *pool, size_t index)
{
    const lm_participant *p = participant_const(pool, index);
    return p ? p->languages : 0;
}

uint64_t lm_pool_availability_mask(const lm_pool *pool, size_t index)
{
    const lm_participant *p = participant_const(pool, index);
    return p ? p->availability : 0;
}

bool lm_pool_location(const lm_pool *pool, size_t index, double *lat, double *lon,
                      double *max_km)
{
    const lm_participant *p = participant_const(pool, index);
    if (!p || !p->has_location)
        return false;
    if (lat)
        *lat = p->lat;
    if (lon)
        *lon = p->lon;
    if (max_km)
        *max_km = p->max_km;
    return true;
}

bool lm_pool_step_free(const lm_pool *pool, size_t index)
{
    const lm_participant *p = participant_const(pool, index);
    return p && p->step_free;
}

bool lm_pool_host(const lm_pool *pool, size_t index)
{
    const lm_participant *p = participant_const(pool, index);
    return p && p->host;
}

size_t lm_pool_line(const lm_pool *pool, size_t index)
{
    const lm_participant *p = participant_const(pool, index);
    return p ? p->line : 0;
}

/* ---- venues ---------------------------------------------------------------- */

int lm_pool_add_venue(lm_pool *pool, const char *id, double lat, double lon,
                      uint64_t open_mask, unsigned capacity, bool step_free, size_t *index)
{
    if (!pool || !id)
        return LM_E_INVALID;
    const char *problem = lm__id_problem(id, strlen(id));
    if (problem)
        return lm__fail(&pool->base, LM_E_INVALID, "venue id '%.64s': %s", id, problem);
    if (lm__pool_venue_lookup(pool, id) >= 0)
        return lm__fail(&pool->base, LM_E_DUPLICATE, "duplicate venue id '%s'", id);
    if (!(lat >= -90.0 && lat <= 90.0) || !(lon >= -180.0 && lon <= 180.0))
        return lm__fail(&pool->base, LM_E_INVALID, "venue '%s': location %g,%g is not valid",
                        id, lat, lon);
    if (capacity < 1 || capacity > LM_VENUE_CAPACITY_MAX)
        return lm__fail(&pool->base, LM_E_INVALID, "venue '%s': capacity %u is not in 1..%d",
                        id, capacity, LM_VENUE_CAPACITY_MAX);
    size_t slots = lm_slot_count();
    if (slots < 64 && (open_mask >> slots))
        return lm__fail(&pool->base, LM_E_INVALID, "venue '%s': open mask beyond slot %zu", id,
                        slots - 1);
    if (lm__grow((void **)&pool->venues, &pool->venue_capacity, pool->venue_count + 1,
                 sizeof *pool->venues) != LM_OK ||
        index_reserve(pool, &pool->venue_ids, venue_id_at, pool->venue_count + 1) != LM_OK)
        return lm__fail(&pool->base, LM_E_NOMEM, "out of memory");
    lm_venue *v = &pool->venues[pool->venue_count];
    memset(v, 0, sizeof *v);
    v->id = lm__strdup(id);
    if (!v->id)
        return lm__fail(&pool->base, LM_E_NOMEM, "out of memory");
    v->lat = lat;
    v->lon = lon;
    v->open = open_mask;
    v->capacity = capacity;
    v->step_free = step_free;
    index_put(&pool->venue_ids, v->id, pool->venue_count);
    if (index)
        *index = pool->venue_count;
    pool->venue_count++;
    return LM_OK;
}

unsigned lm_venue_capacity_max(void)
{
    return LM_VENUE_CAPACITY_MAX;
}

size_t lm_pool_venue_count(const lm_pool *pool)
{
    return pool ? pool->venue_count : 0;
}

static const lm_venue *venue_const(const lm_pool *pool, size_t venue)
{
    return pool && venue < pool->venue_count ? &pool->venues[venue] : NULL;
}

const char *lm_pool_venue_id(const lm_pool *pool, size_t venue)
{
    const lm_venue *v = venue_const(pool, venue);
    return v ? v->id : NULL;
}

void lm_pool_venue_location(const lm_pool *pool, size_t venue, double *lat, double *lon)
{
    const lm_venue *v = venue_const(pool, venue);
    if (lat)
        *lat = v ? v->lat : NAN;
    if (lon)
        *lon = v ? v->lon : NAN;
}

uint64_t lm_pool_venue_open_mask(const lm_pool *pool, size_t venue)
{
    const lm_venue *v = venue_const(pool, venue);
    return v ? v->open : 0;
}

unsigned lm_pool_venue_capacity(const lm_pool *pool, size_t venue)
{
    const lm_venue *v = venue_const(pool, venue);
    return v ? v->capacity : 0;
}

bool lm_pool_venue_step_free(const lm_pool *pool, size_t venue)
{
    const lm_venue *v = venue_const(pool, venue);
    return v && v->step_free;
}
