/* The msgpack pool format (docs/formats.md, "Pool msgpack format"):
 * ["LMPOOL", 1, {"taxonomy": [...], "slots": [...], "participants": [...],
 * "venues": [...]}], in the envelope of io_envelope.c (plain or encrypted,
 * always saved atomically), read back with the bounded reader. */
#include <math.h>
#include <string.h>

#include "model/model_internal.h"
#include "io/file_map_internal.h"
#include "io/msgpack_internal.h"

#define PARTICIPANT_FIELDS 11
#define VENUE_FIELDS 7

/* ---- writing a pool --------------------------------------------------------------- */

static void pack_vector(msgpack_packer *packer, const lm_participant *p, int v)
{
    size_t length;
    const lm_entry *entries = lm__vec(p, v, &length);
    msgpack_pack_array(packer, 2 * length);
    for (size_t k = 0; k < length; k++) {
        msgpack_pack_uint32(packer, entries[k].topic);
        msgpack_pack_double(packer, entries[k].value);
    }
}

static void pack_languages(msgpack_packer *packer, uint64_t mask)
{
    size_t count = 0;
    for (int bit = 0; bit < 64; bit++)
        count += (mask >> bit) & 1;
    msgpack_pack_array(packer, count);
    for (int bit = 0; bit < 64; bit++)
        if ((mask >> bit) & 1)
            lm__mp_pack_text(packer, lm_language_code((size_t)bit));
}

static void pack_participant(msgpack_packer *packer, const lm_participant *p)
{
    msgpack_pack_array(packer, PARTICIPANT_FIELDS);
    lm__mp_pack_text(packer, p->id);
    msgpack_pack_uint8(packer, p->role);
    for (int v = 0; v < 3; v++)
        pack_vector(packer, p, v);
    pack_languages(packer, p->languages);
    msgpack_pack_uint64(packer, p->availability);
    if (p->has_location) {
        msgpack_pack_array(packer, 3);
        msgpack_pack_double(packer, p->lat);
        msgpack_pack_double(packer, p->lon);
        msgpack_pack_double(packer, p->max_km);
    } else {
        msgpack_pack_nil(packer);
    }
    if (p->step_free)
        msgpack_pack_true(packer);
    else
        msgpack_pack_false(packer);
    if (p->host)
        msgpack_pack_true(packer);
    else
        msgpack_pack_false(packer);
    msgpack_pack_uint64(packer, p->line);
}

static void pack_venue(msgpack_packer *packer, const lm_venue *v)
{
    msgpack_pack_array(packer, VENUE_FIELDS);
    lm__mp_pack_text(packer, v->id);
    msgpack_pack_double(packer, v->lat);
    msgpack_pack_double(packer, v->lon);
    msgpack_pack_uint64(packer, v->open);
    msgpack_pack_unsigned_int(packer, v->capacity);
    if (v->step_free)
        msgpack_pack_true(packer);
    else
        msgpack_pack_false(packer);
    msgpack_pack_uint64(packer, v->line);
}

static void pack_pool(const void *context, msgpack_packer *packer, const lm_sink *sink)
{
    const lm_pool *pool = context;
    lm__mp_pack_text(packer, "taxonomy");
    msgpack_pack_array(packer, pool->taxonomy->topic_count);
    for (size_t t = 0; t < pool->taxonomy->topic_count; t++)
        lm__mp_pack_text(packer, pool->taxonomy->topics[t].key);

    lm__mp_pack_text(packer, "slots");
    msgpack_pack_array(packer, lm_slot_count());
    for (size_t s = 0; s < lm_slot_count(); s++)
        lm__mp_pack_text(packer, lm_slot_label(s));

    lm__mp_pack_text(packer, "participants");
    msgpack_pack_array(packer, pool->count);
    for (size_t k = 0; k < pool->count && sink->status == LM_OK; k++)
        pack_participant(packer, &pool->people[k]);

    lm__mp_pack_text(packer, "venues");
    msgpack_pack_array(packer, pool->venue_count);
    for (size_t k = 0; k < pool->venue_count; k++)
        pack_venue(packer, &pool->venues[k]);

    /* Display columns only when there are any, so pools without them keep
     * the bytes of the first version (readers before them skip the entry). */
    if (!pool->display_count)
        return;
    lm__mp_pack_text(packer, "columns");
    msgpack_pack_array(packer, pool->display_count);
    for (size_t c = 0; c < pool->display_count && sink->status == LM_OK; c++) {
        msgpack_pack_array(packer, 2);
        lm__mp_pack_text(packer, pool->display[c].name);
        msgpack_pack_array(packer, pool->count);
        for (size_t k = 0; k < pool->count; k++)
            lm__mp_pack_text(packer, lm__display_get(pool, c, k));
    }
}

int lm_pool_save_msgpack(lm_pool *pool, const char *path, const lm_key *key)
{
    if (!pool)
        return LM_E_INVALID;
    if (!path)
        return lm__fail(&pool->base, LM_E_INVALID, "no file name");
    int status = lm__mp_save(path, key, LM_MP_POOL_MAGIC, LM_MP_POOL_VERSION,
                             pool->display_count ? 5 : 4, pack_pool, pool, &pool->base);
    if (status == LM_OK)
        lm__clear_error(&pool->base);
    return status;
}

/* ---- reading a pool --------------------------------------------------------------- */

typedef struct load_state {
    lm_mp_reader reader;
    lm_pool *pool;
    size_t count_before; /* participants of the pool before this file */
    bool seen_taxonomy, seen_participants;
    lm_entry *scratch; /* room for three full vectors */
    lm_file_map *map;  /* where the plain bytes are mapped, or NULL */
    size_t map_offset; /* of the plain bytes in the mapping */
    size_t released;   /* reader offset up to which pages went back */
} load_state;

/* Hands the pages the reader has passed back to the kernel (a mapped,
 * unencrypted file), every LM_FILE_MAP_STEP: the participants are copied
 * out. */
static void hand_back(load_state *s)
{
    if (s->map && s->reader.offset - s->released >= LM_FILE_MAP_STEP) {
        s->released = s->reader.offset;
        lm__file_map_release(s->map, s->map_offset + s->reader.offset);
    }
}

static int read_taxonomy(load_state *s)
{
    lm_mp_reader *r = &s->reader;
    const lm_taxonomy *taxonomy = s->pool->taxonomy;
    size_t start = r->offset;
    size_t count;
    if (lm__mp_read_array(r, &count) != LM_OK)
        return r->status;
    if (count != taxonomy->topic_count) {
        r->offset = start;
        return lm__mp_fail(r, LM_E_FORMAT,
                           "the file uses a taxonomy of %zu topics, the pool one of %zu: load "
                           "it into a pool with the file's taxonomy",
                           count, taxonomy->topic_count);
    }
    for (size_t t = 0; t < count; t++) {
        size_t at = r->offset;
        const char *key;
        size_t length;
        if (lm__mp_read_str(r, &key, &length) != LM_OK)
            return r->status;
        const char *ours = taxonomy->topics[t].key;
        if (length != strlen(ours) || memcmp(key, ours, length) != 0) {
            r->offset = at;
            return lm__mp_fail(r, LM_E_FORMAT,
                               "the file's taxonomy differs from the pool's: topic %zu is "
                               "'%.*s' in the file, '%s' in the pool",
                               t, (int)(length > 64 ? 64 : length), key, ours);
        }
    }
    s->seen_taxonomy = true;
    return LM_OK;
}

static int read_slots(load_state *s)
{
    lm_mp_reader *r = &s->reader;
    size_t start = r->offset, count;
    if (lm__mp_read_array(r, &count) != LM_OK)
        return r->status;
    bool same = count == lm_slot_count();
    for (size_t k = 0; k < count; k++) {
        const char *label;
        size_t length;
        if (lm__mp_read_str(r, &label, &length) != LM_OK)
            return r->status;
        if (same && (length != strlen(lm_slot_label(k)) ||
                     memcmp(label, lm_slot_label(k), length) != 0))
            same = false;
    }
    if (!same) {
        r->offset = start;
        return lm__mp_fail(r, LM_E_FORMAT, "the file uses a different weekly slot grid");
    }
    return LM_OK;
}

static int read_vector(load_state *s, lm_participant *p, int v, lm_entry *entries,
                       size_t *at)
{
    lm_mp_reader *r = &s->reader;
    size_t topics = s->pool->taxonomy->topic_count;
    size_t start = r->offset, count;
    if (lm__mp_read_array(r, &count) != LM_OK)
        return r->status;
    if (count % 2 || count / 2 > topics || count / 2 > UINT16_MAX) {
        r->offset = start;
        return lm__mp_fail(r, LM_E_PARSE,
                           "a vector must be pairs of topic and level, at most one per topic "
                           "(%zu values for %zu topics)",
                           count, topics);
    }
    long previous = -1;
    for (size_t k = 0; k < count / 2; k++) {
        size_t entry_at = r->offset;
        uint64_t topic;
        double value;
        if (lm__mp_read_uint(r, &topic) != LM_OK || lm__mp_read_double(r, &value) != LM_OK)
            return r->status;
        if (topic >= topics || (long)topic <= previous) {
            r->offset = entry_at;
            return lm__mp_fail(r, LM_E_PARSE,
                               topic >= topics ? "topic %llu is beyond the taxonomy"
                                               : "topic %llu is out of order or repeated",
                               (unsigned long long)topic);
        }
        if (!(value > 0.0 && value <= 1.0)) {
            r->offset = entry_at;
            return lm__mp_fail(r, LM_E_PARSE, "level %g of topic %llu is outside (0, 1]",
                               value, (unsigned long long)topic);
        }
        previous = (long)topic;
        entries[(*at)++] = (lm_entry){(uint32_t)topic, value};
    }
    p->length[v] = (uint16_t)(count / 2);
    return LM_OK;
}

static int read_languages(load_state *s, uint64_t *mask)
{
    lm_mp_reader *r = &s->reader;
    size_t count;
    if (lm__mp_read_array(r, &count) != LM_OK)
        return r->status;
    *mask = 0;
    for (size_t k = 0; k < count; k++) {
        char code[16];
        size_t at = r->offset, index;
        if (lm__mp_read_text(r, code, sizeof code - 1, "a language code") != LM_OK)
            return r->status;
        if (lm_language_find(code, &index) != LM_OK || index >= 64) {
            r->offset = at;
            return lm__mp_fail(r, LM_E_NOTFOUND, "unknown language '%s'", code);
        }
        *mask |= (uint64_t)1 << index;
    }
    return LM_OK;
}

static int read_slot_mask(load_state *s, uint64_t *mask, const char *what)
{
    lm_mp_reader *r = &s->reader;
    size_t at = r->offset;
    if (lm__mp_read_uint(r, mask) != LM_OK)
        return r->status;
    size_t slots = lm_slot_count();
    if (slots < 64 && (*mask >> slots)) {
        r->offset = at;
        return lm__mp_fail(r, LM_E_PARSE, "%s has bits beyond slot %zu", what, slots - 1);
    }
    return LM_OK;
}

static int read_location(load_state *s, lm_participant *p)
{
    lm_mp_reader *r = &s->reader;
    if (lm__mp_read_nil(r))
        return LM_OK;
    size_t at = r->offset, count;
    if (lm__mp_read_array(r, &count) != LM_OK)
        return r->status;
    if (count != 3) {
        r->offset = at;
        return lm__mp_fail(r, LM_E_PARSE, "a location is nil or [lat, lon, max_km], not %zu "
                                          "values", count);
    }
    if (lm__mp_read_double(r, &p->lat) != LM_OK || lm__mp_read_double(r, &p->lon) != LM_OK ||
        lm__mp_read_double(r, &p->max_km) != LM_OK)
        return r->status;
    if (!(p->lat >= -90.0 && p->lat <= 90.0) || !(p->lon >= -180.0 && p->lon <= 180.0) ||
        !(p->max_km >= 0.0 && isfinite(p->max_km))) {
        r->offset = at;
        return lm__mp_fail(r, LM_E_PARSE, "location %g,%g (max %g km) is not valid", p->lat,
                           p->lon, p->max_km);
    }
    p->has_location = true;
    return LM_OK;
}

static int read_fields_header(lm_mp_reader *r, size_t expected, const char *what)
{
    size_t at = r->offset, count;
    if (lm__mp_read_array(r, &count) != LM_OK)
        return r->status;
    if (count != expected) {
        r->offset = at;
        return lm__mp_fail(r, LM_E_PARSE, "%s has %zu fields, expected %zu", what, count,
                           expected);
    }
    return LM_OK;
}

static int read_id(lm_mp_reader *r, char id[LM_ID_MAX + 1], const char *what)
{
    size_t at = r->offset;
    const char *text;
    size_t length;
    if (lm__mp_read_str(r, &text, &length) != LM_OK)
        return r->status;
    const char *problem = lm__id_problem(text, length);
    if (problem || memchr(text, '\0', length)) {
        r->offset = at;
        return lm__mp_fail(r, LM_E_PARSE, "%s id: %s", what,
                           problem ? problem : "contains a NUL byte");
    }
    memcpy(id, text, length);
    id[length] = '\0';
    return LM_OK;
}

static int read_participant(load_state *s)
{
    lm_mp_reader *r = &s->reader;
    lm_pool *pool = s->pool;
    char id[LM_ID_MAX + 1];
    size_t at = r->offset;
    if (read_fields_header(r, PARTICIPANT_FIELDS, "a participant") != LM_OK ||
        read_id(r, id, "participant") != LM_OK)
        return r->status;
    uint64_t role;
    size_t role_at = r->offset;
    if (lm__mp_read_uint(r, &role) != LM_OK)
        return r->status;
    if (role != LM_NEWCOMER && role != LM_RESIDENT) {
        r->offset = role_at;
        return lm__mp_fail(r, LM_E_PARSE, "participant '%s': role %llu is neither 0 "
                                          "(newcomer) nor 1 (resident)",
                           id, (unsigned long long)role);
    }
    if (lm__pool_lookup(pool, id) >= 0) {
        r->offset = at;
        return lm__mp_fail(r, LM_E_DUPLICATE, "duplicate id '%s'", id);
    }
    size_t index;
    if (lm__pool_append(pool, id, (lm_role)role, &index) != LM_OK)
        return lm__mp_fail(r, LM_E_NOMEM, "out of memory");
    lm_participant *p = &pool->people[index];
    size_t used = 0;
    for (int v = 0; v < 3 && r->status == LM_OK; v++)
        read_vector(s, p, v, s->scratch, &used);
    if (r->status != LM_OK)
        return r->status;
    p->entries = lm__malloc((used ? used : 1) * sizeof *p->entries);
    if (!p->entries)
        return lm__mp_fail(r, LM_E_NOMEM, "out of memory");
    memcpy(p->entries, s->scratch, used * sizeof *p->entries);
    if (r->status == LM_OK)
        read_languages(s, &p->languages);
    if (r->status == LM_OK)
        read_slot_mask(s, &p->availability, "an availability mask");
    if (r->status == LM_OK)
        read_location(s, p);
    if (r->status == LM_OK && lm__mp_read_bool(r, &p->step_free) == LM_OK &&
        lm__mp_read_bool(r, &p->host) == LM_OK) {
        uint64_t line;
        if (lm__mp_read_uint(r, &line) == LM_OK)
            p->line = (size_t)line;
    }
    return r->status;
}

static int read_venue(load_state *s)
{
    lm_mp_reader *r = &s->reader;
    char id[LM_ID_MAX + 1];
    size_t at = r->offset;
    double lat, lon;
    uint64_t open, capacity, line;
    bool step_free;
    if (read_fields_header(r, VENUE_FIELDS, "a venue") != LM_OK ||
        read_id(r, id, "venue") != LM_OK || lm__mp_read_double(r, &lat) != LM_OK ||
        lm__mp_read_double(r, &lon) != LM_OK ||
        read_slot_mask(s, &open, "an opening mask") != LM_OK ||
        lm__mp_read_uint(r, &capacity) != LM_OK || lm__mp_read_bool(r, &step_free) != LM_OK ||
        lm__mp_read_uint(r, &line) != LM_OK)
        return r->status;
    size_t end = r->offset;
    r->offset = at; /* problems are reported at the venue's start */
    if (!(lat >= -90.0 && lat <= 90.0) || !(lon >= -180.0 && lon <= 180.0))
        return lm__mp_fail(r, LM_E_PARSE, "venue '%s': location %g,%g is not valid", id, lat,
                           lon);
    if (capacity < 1 || capacity > LM_VENUE_CAPACITY_MAX)
        return lm__mp_fail(r, LM_E_PARSE, "venue '%s': capacity %llu is not in 1..%d", id,
                           (unsigned long long)capacity, LM_VENUE_CAPACITY_MAX);
    if (lm__pool_venue_lookup(s->pool, id) >= 0)
        return lm__mp_fail(r, LM_E_DUPLICATE, "duplicate venue id '%s'", id);
    size_t index;
    int status = lm_pool_add_venue(s->pool, id, lat, lon, open, (unsigned)capacity, step_free,
                                   &index);
    if (status != LM_OK)
        return lm__mp_fail(r, status, "venue '%s': %s", id, lm_errmsg(s->pool));
    s->pool->venues[index].line = (size_t)line;
    r->offset = end;
    return LM_OK;
}

static int read_list(load_state *s, int (*read_one)(load_state *), const char *what)
{
    lm_mp_reader *r = &s->reader;
    if (!s->seen_taxonomy)
        return lm__mp_fail(r, LM_E_PARSE, "the %s come before the taxonomy", what);
    size_t count;
    if (lm__mp_read_array(r, &count) != LM_OK)
        return r->status;
    for (size_t k = 0; k < count && r->status == LM_OK; k++) {
        read_one(s);
        hand_back(s);
    }
    return r->status;
}

/* One display column: [name, [value per participant of this file]]. */
static int read_column(load_state *s)
{
    lm_mp_reader *r = &s->reader;
    lm_pool *pool = s->pool;
    size_t fields, count;
    char name[LM_ID_MAX * 4 + 1];
    if (lm__mp_read_array(r, &fields) != LM_OK)
        return r->status;
    if (fields != 2)
        return lm__mp_fail(r, LM_E_PARSE, "a display column has %zu fields, expected 2", fields);
    if (lm__mp_read_text(r, name, sizeof name - 1, "a display column name") != LM_OK ||
        lm__mp_read_array(r, &count) != LM_OK)
        return r->status;
    if (!name[0] || !lm__utf8_valid(name, strlen(name)))
        return lm__mp_fail(r, LM_E_PARSE, "a display column needs a valid UTF-8 name");
    size_t added = pool->count - s->count_before;
    if (count != added)
        return lm__mp_fail(r, LM_E_PARSE, "display column '%s' has %zu values for %zu "
                                          "participants", name, count, added);
    long column = lm__display_column(pool, name, true);
    if (column < 0)
        return lm__mp_fail(r, LM_E_NOMEM, "out of memory");
    for (size_t k = 0; k < count; k++) {
        const char *text;
        size_t length;
        if (lm__mp_read_str(r, &text, &length) != LM_OK)
            return r->status;
        if (memchr(text, 0, length) || !lm__utf8_valid(text, length))
            return lm__mp_fail(r, LM_E_PARSE, "display column '%s': value %zu is not valid "
                                              "UTF-8 text", name, k);
        char *copy = lm__malloc(length + 1);
        if (!copy)
            return lm__mp_fail(r, LM_E_NOMEM, "out of memory");
        memcpy(copy, text, length);
        copy[length] = '\0';
        int status = lm__display_set(pool, (size_t)column, s->count_before + k, copy);
        lm__free(copy);
        if (status != LM_OK)
            return lm__mp_fail(r, LM_E_NOMEM, "out of memory");
    }
    return LM_OK;
}

static int read_columns(load_state *s)
{
    lm_mp_reader *r = &s->reader;
    if (!s->seen_participants)
        return lm__mp_fail(r, LM_E_PARSE, "the display columns come before the participants");
    size_t count;
    if (lm__mp_read_array(r, &count) != LM_OK)
        return r->status;
    for (size_t k = 0; k < count && r->status == LM_OK; k++)
        read_column(s);
    return r->status;
}

static int read_body(load_state *s)
{
    lm_mp_reader *r = &s->reader;
    size_t entries;
    if (lm__mp_read_envelope(r, LM_MP_POOL_MAGIC, LM_MP_POOL_VERSION, &entries) != LM_OK)
        return r->status;
    unsigned seen = 0;
    static const char *const known[] = {"taxonomy", "slots", "participants", "venues",
                                        "columns"};
    for (size_t e = 0; e < entries && r->status == LM_OK; e++) {
        int which;
        if (lm__mp_read_entry(r, known, 5, &seen, &which) != LM_OK || which < 0)
            continue;
        switch (which) {
        case 0: read_taxonomy(s); break;
        case 1: read_slots(s); break;
        case 2:
            read_list(s, read_participant, "participants");
            s->seen_participants = true;
            break;
        case 3: read_list(s, read_venue, "venues"); break;
        default: read_columns(s); break;
        }
    }
    if (r->status == LM_OK && !s->seen_taxonomy)
        return lm__mp_fail(r, LM_E_PARSE, "the file has no taxonomy");
    if (r->status == LM_OK && r->offset != r->size)
        return lm__mp_fail(r, LM_E_PARSE, "%zu bytes of data after the end of the pool",
                           r->size - r->offset);
    return r->status;
}

static int load_msgpack(lm_pool *pool, const char *name, const void *data, size_t size,
                        const lm_key *key, lm_file_map *map);

int lm_pool_load_msgpack_buffer(lm_pool *pool, const char *name, const void *data,
                                size_t size, const lm_key *key)
{
    return load_msgpack(pool, name, data, size, key, NULL);
}

int lm__pool_load_msgpack_map(lm_pool *pool, const char *name, lm_file_map *map,
                              const lm_key *key)
{
    return load_msgpack(pool, name, map->data, map->size, key, map);
}

static int load_msgpack(lm_pool *pool, const char *name, const void *data, size_t size,
                        const lm_key *key, lm_file_map *map)
{
    if (!pool)
        return LM_E_INVALID;
    if (!data && size)
        return lm__fail(&pool->base, LM_E_INVALID, "no data");
    if (!name)
        name = "<buffer>";
    lm_plain plain;
    int status = lm__plain_open(&plain, LM_FORMAT_POOL_MSGPACK, key, name, data ? data : "",
                                size, &pool->base);
    if (status != LM_OK)
        return status;
    size_t count = pool->count, venues = pool->venue_count, warnings = pool->warning_count;
    size_t columns = pool->display_count;
    load_state s = {.pool = pool, .count_before = count};
    /* Pages go back only when the reader reads the mapping itself, not a
     * decrypted copy. */
    if (map && plain.data >= map->data && plain.data < map->data + map->size) {
        s.map = map;
        s.map_offset = (size_t)(plain.data - map->data);
    }
    size_t topics = pool->taxonomy->topic_count;
    s.scratch = lm__malloc(3 * (topics ? topics : 1) * sizeof *s.scratch);
    if (!s.scratch) {
        lm__plain_close(&plain);
        return lm__fail(&pool->base, LM_E_NOMEM, "out of memory");
    }
    lm__mp_reader_init(&s.reader, plain.data, plain.size);
    status = read_body(&s);
    lm__free(s.scratch);
    lm__plain_close(&plain);
    /* Duplicate sign-ups are found again: the file keeps rows, not pairs. */
    size_t pairs = pool->duplicate_count;
    if (status == LM_OK && lm__pool_find_duplicates(pool, count) != LM_OK)
        status = lm__mp_fail(&s.reader, LM_E_NOMEM, "out of memory");
    for (size_t k = pairs; status == LM_OK && k < pool->duplicate_count; k++)
        if (lm__pool_warn_duplicate(pool, k) != LM_OK)
            status = lm__mp_fail(&s.reader, LM_E_NOMEM, "out of memory");
    if (status != LM_OK) {
        lm__pool_truncate(pool, count, venues, warnings);
        lm__display_truncate(pool, count, columns);
        return lm__fail(&pool->base, status, "%s: %s", name, s.reader.error);
    }
    lm__clear_error(&pool->base);
    return LM_OK;
}
