/* The taxonomy object: topics, their names, and lookup by name. The embedded
 * default lives in taxonomy_default.c, the file format in io_csv_taxonomy.c. */
#include <stdlib.h>
#include <string.h>

#include "model/model_internal.h"

void lm__topics_free(lm_topic *topics, size_t count)
{
    for (size_t t = 0; t < count; t++) {
        lm__free(topics[t].key);
        lm__free(topics[t].label_en);
        lm__free(topics[t].label_nl);
        for (size_t k = 0; k < topics[t].synonym_count; k++)
            lm__free(topics[t].synonyms[k]);
        lm__free(topics[t].synonyms);
    }
    lm__free(topics);
}

void lm__topic_names_free(lm_topic_name *names, size_t count)
{
    for (size_t k = 0; k < count; k++)
        lm__free(names[k].folded);
    lm__free(names);
}

int lm_taxonomy_new(lm_taxonomy **out)
{
    if (!out)
        return LM_E_INVALID;
    *out = NULL;
    lm_taxonomy *taxonomy = lm__calloc(1, sizeof *taxonomy);
    if (!taxonomy)
        return LM_E_NOMEM;
    lm__object_init(&taxonomy->base, LM_KIND_TAXONOMY);
    *out = taxonomy;
    return LM_OK;
}

int lm_taxonomy_new_default(lm_taxonomy **out)
{
    int status = lm_taxonomy_new(out);
    if (status != LM_OK)
        return status;
    status = lm__taxonomy_fill_default(*out);
    if (status == LM_OK)
        status = lm__taxonomy_index(*out);
    if (status != LM_OK) {
        lm_taxonomy_free(*out);
        *out = NULL;
    }
    return status;
}

void lm_taxonomy_free(lm_taxonomy *taxonomy)
{
    if (!taxonomy)
        return;
    lm__topics_free(taxonomy->topics, taxonomy->topic_count);
    lm__topic_names_free(taxonomy->names, taxonomy->name_count);
    lm__free(taxonomy);
}

static int copy_topic(lm_topic *to, const lm_topic *from)
{
    memset(to, 0, sizeof *to);
    to->parent = from->parent;
    to->key = lm__strdup(from->key);
    to->label_en = lm__strdup(from->label_en);
    to->label_nl = lm__strdup(from->label_nl);
    if (!to->key || !to->label_en || !to->label_nl)
        return LM_E_NOMEM;
    if (from->synonym_count) {
        to->synonyms = lm__calloc(from->synonym_count, sizeof *to->synonyms);
        if (!to->synonyms)
            return LM_E_NOMEM;
        for (size_t k = 0; k < from->synonym_count; k++) {
            to->synonyms[k] = lm__strdup(from->synonyms[k]);
            if (!to->synonyms[k])
                return LM_E_NOMEM;
            to->synonym_count = k + 1;
        }
    }
    return LM_OK;
}

int lm__taxonomy_clone(const lm_taxonomy *source, lm_taxonomy **out)
{
    int status = lm_taxonomy_new(out);
    if (status != LM_OK)
        return status;
    lm_taxonomy *copy = *out;
    if (source->topic_count) {
        copy->topics = lm__calloc(source->topic_count, sizeof *copy->topics);
        if (!copy->topics)
            goto nomem;
        for (size_t t = 0; t < source->topic_count; t++) {
            copy->topic_count = t + 1;
            if (copy_topic(&copy->topics[t], &source->topics[t]) != LM_OK)
                goto nomem;
        }
    }
    if (lm__taxonomy_index(copy) != LM_OK)
        goto nomem;
    return LM_OK;
nomem:
    lm_taxonomy_free(copy);
    *out = NULL;
    return LM_E_NOMEM;
}

/* ---- the name index --------------------------------------------------------- */

/* Names are found through an open-addressing hash (linear probing, at most
 * half full): every tag of every participant is looked up, so this is on
 * the loaders' hot path. The slots follow the names[] array in its own
 * allocation (lm__taxonomy_index()); a slot holds a name's index + 1, 0 is
 * empty. The array stays sorted by folded name for the suggestions. */
static size_t slot_count(size_t names)
{
    size_t slots = 1;
    while (slots < 2 * names)
        slots *= 2;
    return names ? slots : 0;
}

/* The slots of a names array of `count` names: right after the last one. */
static uint32_t *lookup_slots(lm_topic_name *names, size_t count)
{
    return (uint32_t *)(void *)(names + (count ? count : 1));
}

/* FNV-1a over the folded bytes. */
static size_t name_hash(const char *folded)
{
    uint64_t hash = UINT64_C(14695981039346656037);
    for (const unsigned char *c = (const unsigned char *)folded; *c; c++)
        hash = (hash ^ *c) * UINT64_C(1099511628211);
    return (size_t)(hash ^ hash >> 32);
}

static int compare_names(const void *a, const void *b)
{
    const lm_topic_name *x = a, *y = b;
    int order = strcmp(x->folded, y->folded);
    if (order)
        return order;
    return (x->topic > y->topic) - (x->topic < y->topic);
}

static int add_name(lm_topic_name *names, size_t *count, const char *text, uint32_t topic)
{
    int status = LM_OK;
    char *folded = lm__fold(text, strlen(text), &status);
    if (!folded)
        return status;
    if (!folded[0]) {
        lm__free(folded);
        return LM_OK;
    }
    names[*count].folded = folded;
    names[*count].topic = topic;
    (*count)++;
    return LM_OK;
}

int lm__taxonomy_index(lm_taxonomy *taxonomy)
{
    size_t total = 0;
    for (size_t t = 0; t < taxonomy->topic_count; t++)
        total += 3 + taxonomy->topics[t].synonym_count;
    /* The names, then the hash slots of lookup_slots() in the same block,
     * so that every owner of a names array keeps freeing one pointer. */
    size_t bytes =
        (total ? total : 1) * sizeof(lm_topic_name) + slot_count(total) * sizeof(uint32_t);
    lm_topic_name *names = lm__calloc(1, bytes);
    if (!names)
        return LM_E_NOMEM;
    size_t count = 0;
    for (size_t t = 0; t < taxonomy->topic_count; t++) {
        const lm_topic *topic = &taxonomy->topics[t];
        int status = add_name(names, &count, topic->key, (uint32_t)t);
        if (status == LM_OK)
            status = add_name(names, &count, topic->label_en, (uint32_t)t);
        if (status == LM_OK)
            status = add_name(names, &count, topic->label_nl, (uint32_t)t);
        for (size_t k = 0; status == LM_OK && k < topic->synonym_count; k++)
            status = add_name(names, &count, topic->synonyms[k], (uint32_t)t);
        if (status != LM_OK) {
            lm__topic_names_free(names, count);
            return status;
        }
    }
    qsort(names, count, sizeof *names, compare_names);
    /* The first topic that claims a name keeps it (lowest index). */
    size_t kept = 0;
    for (size_t k = 0; k < count; k++) {
        if (kept && strcmp(names[kept - 1].folded, names[k].folded) == 0) {
            lm__free(names[k].folded);
            continue;
        }
        names[kept++] = names[k];
    }
    /* kept <= total, so kept names and their slots fit in the block; the
     * slots overlay what deduplication left behind the kept names. */
    uint32_t *slots = lookup_slots(names, kept);
    memset(slots, 0, slot_count(kept) * sizeof *slots);
    size_t mask = slot_count(kept) - 1;
    for (size_t k = 0; k < kept; k++) {
        size_t at = name_hash(names[k].folded) & mask;
        while (slots[at])
            at = (at + 1) & mask;
        slots[at] = (uint32_t)k + 1;
    }
    lm__topic_names_free(taxonomy->names, taxonomy->name_count);
    taxonomy->names = names;
    taxonomy->name_count = kept;
    return LM_OK;
}

long lm__taxonomy_lookup_folded(const lm_taxonomy *taxonomy, const char *folded)
{
    size_t count = taxonomy->name_count;
    if (!count)
        return -1;
    const uint32_t *slots = lookup_slots(taxonomy->names, count);
    size_t mask = slot_count(count) - 1;
    for (size_t at = name_hash(folded) & mask; slots[at]; at = (at + 1) & mask) {
        const lm_topic_name *name = &taxonomy->names[slots[at] - 1];
        if (strcmp(name->folded, folded) == 0)
            return (long)name->topic;
    }
    return -1;
}

int lm_taxonomy_find(const lm_taxonomy *taxonomy, const char *name, size_t *topic)
{
    if (!taxonomy || !name || !topic)
        return LM_E_INVALID;
    int status = LM_OK;
    char *folded = lm__fold(name, strlen(name), &status);
    if (!folded)
        return status;
    long found = lm__taxonomy_lookup_folded(taxonomy, folded);
    lm__free(folded);
    if (found < 0)
        return LM_E_NOTFOUND;
    *topic = (size_t)found;
    return LM_OK;
}

size_t lm_taxonomy_topic_count(const lm_taxonomy *taxonomy)
{
    return taxonomy ? taxonomy->topic_count : 0;
}

static const lm_topic *topic_at(const lm_taxonomy *taxonomy, size_t topic)
{
    if (!taxonomy || topic >= taxonomy->topic_count)
        return NULL;
    return &taxonomy->topics[topic];
}

const char *lm_taxonomy_topic_key(const lm_taxonomy *taxonomy, size_t topic)
{
    const lm_topic *t = topic_at(taxonomy, topic);
    return t ? t->key : NULL;
}

int lm_taxonomy_topic_parent(const lm_taxonomy *taxonomy, size_t topic)
{
    const lm_topic *t = topic_at(taxonomy, topic);
    return t ? t->parent : -1;
}

const char *lm_taxonomy_topic_label_en(const lm_taxonomy *taxonomy, size_t topic)
{
    const lm_topic *t = topic_at(taxonomy, topic);
    return t ? t->label_en : NULL;
}

const char *lm_taxonomy_topic_label_nl(const lm_taxonomy *taxonomy, size_t topic)
{
    const lm_topic *t = topic_at(taxonomy, topic);
    return t ? t->label_nl : NULL;
}

size_t lm_taxonomy_topic_synonym_count(const lm_taxonomy *taxonomy, size_t topic)
{
    const lm_topic *t = topic_at(taxonomy, topic);
    return t ? t->synonym_count : 0;
}

const char *lm_taxonomy_topic_synonym(const lm_taxonomy *taxonomy, size_t topic, size_t k)
{
    const lm_topic *t = topic_at(taxonomy, topic);
    return t && k < t->synonym_count ? t->synonyms[k] : NULL;
}

int lm__taxonomy_suggest(const lm_taxonomy *taxonomy, const char *tag, char *out, size_t size)
{
    lm_suggest suggest;
    lm__suggest_init(&suggest, tag);
    /* Names are offered in sorted order, so a tie goes to the first. */
    for (size_t k = 0; taxonomy && k < taxonomy->name_count; k++)
        lm__suggest_offer(&suggest, taxonomy->names[k].folded, NULL);
    return lm__suggest_hint(&suggest, out, size);
}
