/* A user's own taxonomy as CSV: key,parent,label_en,label_nl,synonyms
 * (docs/formats.md). The loaded topics replace the old ones only when the
 * whole file is valid. */
#include <string.h>

#include "common/files_internal.h"
#include "io/csv_internal.h"
#include "model/model_internal.h"

enum taxonomy_column { TCOL_KEY, TCOL_PARENT, TCOL_LABEL_EN, TCOL_LABEL_NL, TCOL_SYNONYMS,
                       TAXONOMY_COLUMNS };

static const char *const taxonomy_columns[TAXONOMY_COLUMNS] = {
    "key", "parent", "label_en", "label_nl", "synonyms",
};

#define EXCERPT 100

typedef struct topic_loader {
    lm_taxonomy *taxonomy;
    const char *name;
    lm_csv csv;
    int field_of[TAXONOMY_COLUMNS];
    int name_of_field[LM_CSV_MAX_FIELDS];
    lm_topic *topics;
    size_t count, capacity;
    size_t *lines;           /* the line of each topic */
    size_t lines_capacity;
    size_t *keys;            /* open addressing: topic + 1, 0 = empty */
    size_t key_capacity;     /* power of two */
} topic_loader;

static int fail_at(topic_loader *l, int status, const char *column, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static int fail_at(topic_loader *l, int status, const char *column, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    status = lm__csv_fail_at(&l->taxonomy->base, l->name, &l->csv, status, column, format, args);
    va_end(args);
    return status;
}

/* ---- keys ------------------------------------------------------------------------ */

static size_t hash_key(const char *key)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        h ^= *p;
        h *= 1099511628211ull;
    }
    return (size_t)h;
}

static long find_key(const topic_loader *l, const char *key)
{
    if (!l->key_capacity)
        return -1;
    size_t mask = l->key_capacity - 1;
    for (size_t slot = hash_key(key) & mask; l->keys[slot]; slot = (slot + 1) & mask)
        if (strcmp(l->topics[l->keys[slot] - 1].key, key) == 0)
            return (long)(l->keys[slot] - 1);
    return -1;
}

static void put_key(size_t *keys, size_t capacity, const char *key, size_t topic)
{
    size_t slot = hash_key(key) & (capacity - 1);
    while (keys[slot])
        slot = (slot + 1) & (capacity - 1);
    keys[slot] = topic + 1;
}

/* Room for one more key at a load factor of at most 1/2. */
static int reserve_key(topic_loader *l)
{
    if ((l->count + 1) * 2 <= l->key_capacity)
        return LM_OK;
    size_t capacity = l->key_capacity ? l->key_capacity * 2 : 64;
    size_t *keys = lm__calloc(capacity, sizeof *keys);
    if (!keys)
        return LM_E_NOMEM;
    for (size_t t = 0; t < l->count; t++)
        put_key(keys, capacity, l->topics[t].key, t);
    lm__free(l->keys);
    l->keys = keys;
    l->key_capacity = capacity;
    return LM_OK;
}

/* ---- rows ------------------------------------------------------------------------- */

static char *value(topic_loader *l, int column)
{
    return lm__csv_value(&l->csv, l->field_of[column] >= 0 ? (size_t)l->field_of[column]
                                                           : LM_CSV_MAX_FIELDS);
}

static int check_key(topic_loader *l, const char *key, const char *column)
{
    char excerpt[EXCERPT + 4];
    if (!key[0])
        return fail_at(l, LM_E_PARSE, column, "missing key");
    if (strlen(key) > LM_ID_MAX)
        return fail_at(l, LM_E_PARSE, column, "key '%s' is longer than 64 bytes",
                       lm__csv_excerpt(key, EXCERPT, excerpt));
    for (const char *c = key; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
            return fail_at(l, LM_E_PARSE, column, "key '%s' may only hold a-z, 0-9 and '_'",
                           lm__csv_excerpt(key, EXCERPT, excerpt));
    return LM_OK;
}

static int read_synonyms(lm_topic *topic, const char *text)
{
    size_t pieces = 1;
    for (const char *c = text; *c; c++)
        pieces += *c == ';';
    topic->synonyms = lm__calloc(pieces, sizeof *topic->synonyms);
    if (!topic->synonyms)
        return LM_E_NOMEM;
    for (const char *piece = text;;) {
        const char *end = strchr(piece, ';');
        size_t length = end ? (size_t)(end - piece) : strlen(piece);
        const char *start = piece;
        while (length && (*start == ' ' || *start == '\t'))
            start++, length--;
        while (length && (start[length - 1] == ' ' || start[length - 1] == '\t'))
            length--;
        if (length) {
            topic->synonyms[topic->synonym_count] = lm__strndup(start, length);
            if (!topic->synonyms[topic->synonym_count])
                return LM_E_NOMEM;
            topic->synonym_count++;
        }
        if (!end)
            return LM_OK;
        piece = end + 1;
    }
}

static int read_topic(topic_loader *l, size_t header_fields)
{
    if (l->csv.field_count != header_fields)
        return fail_at(l, LM_E_PARSE, NULL, "%zu fields where the header has %zu",
                       l->csv.field_count, header_fields);
    char excerpt[EXCERPT + 4];
    const char *key = value(l, TCOL_KEY);
    int status = check_key(l, key, "key");
    if (status != LM_OK)
        return status;
    long existing = find_key(l, key);
    if (existing >= 0)
        return fail_at(l, LM_E_DUPLICATE, "key", "duplicate key '%s' (first on line %zu)", key,
                       l->lines[existing]);
    const char *parent_key = value(l, TCOL_PARENT);
    long parent = -1;
    if (parent_key[0]) {
        parent = find_key(l, parent_key);
        if (parent < 0)
            return fail_at(l, LM_E_NOTFOUND, "parent",
                           "parent '%s' is not a category on an earlier line",
                           lm__csv_excerpt(parent_key, EXCERPT, excerpt));
        if (l->topics[parent].parent >= 0)
            return fail_at(l, LM_E_PARSE, "parent",
                           "parent '%s' is a subtopic; only categories can have subtopics",
                           parent_key);
    }
    if (l->count >= LM_MAX_TOPICS)
        return fail_at(l, LM_E_TOO_LARGE, NULL, "more than %d topics", LM_MAX_TOPICS);
    if (lm__grow((void **)&l->topics, &l->capacity, l->count + 1, sizeof *l->topics) != LM_OK ||
        lm__grow((void **)&l->lines, &l->lines_capacity, l->count + 1, sizeof *l->lines) !=
            LM_OK ||
        reserve_key(l) != LM_OK)
        return fail_at(l, LM_E_NOMEM, NULL, "out of memory");
    /* Labels fall back to the key, then to the English label, so a
     * spreadsheet with blank cells still gives readable names. */
    const char *label_en = value(l, TCOL_LABEL_EN);
    const char *label_nl = value(l, TCOL_LABEL_NL);
    if (!label_en[0])
        label_en = key;
    if (!label_nl[0])
        label_nl = label_en;
    lm_topic *topic = &l->topics[l->count];
    memset(topic, 0, sizeof *topic);
    topic->parent = (int)parent;
    l->lines[l->count] = l->csv.record_line;
    l->count++; /* from here on lm__topics_free() owns whatever was copied */
    topic->key = lm__strdup(key);
    topic->label_en = lm__strdup(label_en);
    topic->label_nl = lm__strdup(label_nl);
    if (!topic->key || !topic->label_en || !topic->label_nl ||
        read_synonyms(topic, value(l, TCOL_SYNONYMS)) != LM_OK)
        return fail_at(l, LM_E_NOMEM, NULL, "out of memory");
    put_key(l->keys, l->key_capacity, topic->key, l->count - 1);
    return LM_OK;
}

/* A key must find its own topic, or files that name topics by key (pools
 * saved as CSV) would read back a different topic. */
static int check_names(topic_loader *l, const lm_taxonomy *built)
{
    for (size_t t = 0; t < l->count; t++) {
        int status = LM_OK;
        char *folded = lm__fold(l->topics[t].key, strlen(l->topics[t].key), &status);
        if (!folded)
            return lm__fail(&l->taxonomy->base, status, "out of memory");
        long found = lm__taxonomy_lookup_folded(built, folded);
        lm__free(folded);
        if (found >= 0 && found != (long)t)
            return lm__fail(&l->taxonomy->base, LM_E_DUPLICATE,
                            "%s line %zu, column 'key': key '%s' is already a label or synonym "
                            "of '%s' (line %zu)",
                            l->name, l->lines[t], l->topics[t].key,
                            l->topics[found].key, l->lines[found]);
    }
    return LM_OK;
}

static int read_topics(topic_loader *l)
{
    bool record = false;
    char message[LM_ERRMSG_MAX];
    int status = lm__csv_start(&l->csv, taxonomy_columns, TAXONOMY_COLUMNS, l->field_of,
                               l->name_of_field, message);
    if (status != LM_OK)
        return lm__fail(&l->taxonomy->base, status, "%s %s", l->name, message);
    if (l->field_of[TCOL_KEY] < 0)
        return fail_at(l, LM_E_PARSE, NULL, "missing required column 'key'");
    size_t header_fields = l->csv.field_count;
    for (;;) {
        status = lm__csv_next(&l->csv, &record);
        if (status != LM_OK)
            return lm__fail(&l->taxonomy->base, status, "%s %s", l->name, l->csv.error);
        if (!record)
            break;
        if (lm__csv_blank(&l->csv))
            continue;
        status = read_topic(l, header_fields);
        if (status != LM_OK)
            return status;
    }
    if (!l->count)
        return lm__fail(&l->taxonomy->base, LM_E_PARSE, "%s: no topics", l->name);
    return LM_OK;
}

int lm_taxonomy_load_buffer(lm_taxonomy *taxonomy, const char *name, const char *data,
                            size_t size)
{
    if (!taxonomy)
        return LM_E_INVALID;
    if (!data && size)
        return lm__fail(&taxonomy->base, LM_E_INVALID, "no data");
    topic_loader *l = lm__calloc(1, sizeof *l);
    if (!l)
        return lm__fail(&taxonomy->base, LM_E_NOMEM, "out of memory");
    l->taxonomy = taxonomy;
    l->name = name ? name : "input";
    int status = lm__csv_init(&l->csv, data, size);
    if (status != LM_OK)
        lm__fail(&taxonomy->base, status, "%s: %s", l->name, l->csv.error);
    else
        status = read_topics(l);
    /* Index a separate object first: the old topics stay in place until
     * nothing can fail any more. */
    lm_taxonomy built;
    memset(&built, 0, sizeof built);
    built.topics = l->topics;
    built.topic_count = l->count;
    if (status == LM_OK && lm__taxonomy_index(&built) != LM_OK)
        status = lm__fail(&taxonomy->base, LM_E_NOMEM, "out of memory");
    if (status == LM_OK)
        status = check_names(l, &built);
    if (status == LM_OK) {
        lm__topics_free(taxonomy->topics, taxonomy->topic_count);
        lm__topic_names_free(taxonomy->names, taxonomy->name_count);
        taxonomy->topics = l->topics;
        taxonomy->topic_count = l->count;
        taxonomy->names = built.names;
        taxonomy->name_count = built.name_count;
        lm__clear_error(&taxonomy->base);
    } else {
        lm__topics_free(l->topics, l->count);
        lm__topic_names_free(built.names, built.name_count);
    }
    lm__csv_free(&l->csv);
    lm__free(l->lines);
    lm__free(l->keys);
    lm__free(l);
    return status;
}

int lm_taxonomy_load_file(lm_taxonomy *taxonomy, const char *path)
{
    if (!taxonomy || !path)
        return LM_E_INVALID;
    lm_file_bytes file;
    int status = lm__file_read(path, LM_CSV_MAX_FILE, &file, &taxonomy->base);
    if (status == LM_OK)
        status = lm_taxonomy_load_buffer(taxonomy, path, (const char *)file.data, file.size);
    lm__file_bytes_free(&file);
    return status;
}
