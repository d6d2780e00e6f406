/* Duplicate sign-ups: rows that look like one person signed up twice (the
 * same normalised name with the same phone number or e-mail address, or
 * rows identical apart from the id). The loaders warn about each pair (an
 * error in strict mode) and the pool keeps the pairs, so that lmatch can
 * keep the two apart. Keys are hashed and sorted, so a million rows cost a
 * sort, not a million squared comparisons. */
#include <stdlib.h>
#include <string.h>

#include "model/model_internal.h"

enum key_kind { KEY_NAME_PHONE, KEY_NAME_EMAIL, KEY_ROW, KEY_KINDS };

static const char *const reasons[KEY_KINDS] = {
    "same name and phone", "same name and e-mail", "identical rows apart from the id",
};

typedef struct keyed {
    uint64_t hash;
    uint32_t kind;
    size_t person;
} keyed;

static bool ascii_same(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if ((*a | 32) != (*b | 32) || ((*a | 32) < 'a' && *a != *b))
            return false;
    return *a == *b;
}

static bool is_phone_column(const char *name)
{
    static const char *const names[] = {"phone", "telefoon", "tel", "telephone", "mobile",
                                        "mobiel", "telefoonnummer", "phone number"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (ascii_same(name, names[k]))
            return true;
    return false;
}

static bool is_email_column(const char *name)
{
    static const char *const names[] = {"email", "e-mail", "mail", "emailadres",
                                        "e-mailadres"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (ascii_same(name, names[k]))
            return true;
    return false;
}

/* A name as people write it in two sign-ups: case-folded, punctuation gone,
 * runs of spaces as one ("Amal  Haddad", "amal haddad."). "" when none. */
static char *normal_name(const char *name, int *status)
{
    char *folded = lm__fold(name, strlen(name), status);
    if (!folded)
        return NULL;
    size_t out = 0;
    bool space = false;
    for (const unsigned char *c = (const unsigned char *)folded; *c; c++) {
        bool letter = *c >= 0x80 || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9');
        if (letter) {
            if (space && out)
                folded[out++] = ' ';
            folded[out++] = (char)*c;
            space = false;
        } else if (*c == ' ' || *c == '\t' || *c == '-') {
            space = true;
        }
    }
    folded[out] = '\0';
    return folded;
}

/* The last nine digits of a phone number: "+31 6 1234 5678", "06-12345678"
 * and "0031612345678" are one number. "" when fewer than six digits. */
static void normal_phone(const char *phone, char out[16])
{
    char digits[64];
    size_t count = 0;
    for (const char *c = phone; *c && count < sizeof digits - 1; c++)
        if (*c >= '0' && *c <= '9')
            digits[count++] = *c;
    size_t start = count > 9 ? count - 9 : 0;
    if (count < 6)
        start = count;
    memcpy(out, digits + start, count - start);
    out[count - start] = '\0';
}

static uint64_t hash_bytes(uint64_t h, const void *data, size_t size)
{
    const unsigned char *bytes = data;
    for (size_t k = 0; k < size; k++) {
        h ^= bytes[k];
        h *= 1099511628211ull;
    }
    return h;
}

static uint64_t hash_text(uint64_t h, const char *text)
{
    return hash_bytes(h, text, strlen(text) + 1);
}

/* Everything of a row but its id and line. */
static uint64_t hash_row(const lm_pool *pool, size_t person)
{
    const lm_participant *p = &pool->people[person];
    uint64_t h = 1469598103934665603ull;
    size_t entries = (size_t)p->length[0] + p->length[1] + p->length[2];
    h = hash_bytes(h, p->length, sizeof p->length);
    for (size_t k = 0; k < entries; k++) {
        h = hash_bytes(h, &p->entries[k].topic, sizeof p->entries[k].topic);
        h = hash_bytes(h, &p->entries[k].value, sizeof p->entries[k].value);
    }
    uint8_t flags[4] = {p->role, p->step_free, p->host, p->has_location};
    h = hash_bytes(h, flags, sizeof flags);
    h = hash_bytes(h, &p->languages, sizeof p->languages);
    h = hash_bytes(h, &p->availability, sizeof p->availability);
    if (p->has_location) {
        h = hash_bytes(h, &p->lat, sizeof p->lat);
        h = hash_bytes(h, &p->lon, sizeof p->lon);
    }
    h = hash_bytes(h, &p->max_km, sizeof p->max_km);
    for (size_t c = 0; c < pool->display_count; c++)
        h = hash_text(h, lm__display_get(pool, c, person));
    return h;
}

static bool same_row(const lm_pool *pool, size_t a, size_t b)
{
    const lm_participant *p = &pool->people[a], *q = &pool->people[b];
    if (memcmp(p->length, q->length, sizeof p->length) != 0 || p->role != q->role ||
        p->step_free != q->step_free || p->host != q->host ||
        p->has_location != q->has_location || p->languages != q->languages ||
        p->availability != q->availability || p->max_km != q->max_km)
        return false;
    if (p->has_location && (p->lat != q->lat || p->lon != q->lon))
        return false;
    size_t entries = (size_t)p->length[0] + p->length[1] + p->length[2];
    for (size_t k = 0; k < entries; k++)
        if (p->entries[k].topic != q->entries[k].topic ||
            p->entries[k].value != q->entries[k].value)
            return false;
    for (size_t c = 0; c < pool->display_count; c++)
        if (strcmp(lm__display_get(pool, c, a), lm__display_get(pool, c, b)) != 0)
            return false;
    return true;
}

/* Whether a row has anything people wrote beside the solver's columns: the
 * row rule applies only to such rows, as generated and hand-built pools
 * hold identical profiles on purpose. */
static bool has_display(const lm_pool *pool, size_t person)
{
    for (size_t c = 0; c < pool->display_count; c++)
        if (lm__display_get(pool, c, person)[0])
            return true;
    return false;
}

static int compare_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    if (x->hash != y->hash)
        return x->hash < y->hash ? -1 : 1;
    return x->person < y->person ? -1 : x->person > y->person;
}

static int reason_rank(const char *reason)
{
    int kind = 0;
    while (kind < KEY_KINDS - 1 && reasons[kind] != reason)
        kind++;
    return kind;
}

/* By pair, then by reason, so that the first of a pair names its first
 * reason whatever order qsort leaves equal pairs in. */
static int compare_pairs(const void *a, const void *b)
{
    const lm_duplicate *x = a, *y = b;
    if (x->first != y->first)
        return x->first < y->first ? -1 : 1;
    if (x->second != y->second)
        return x->second < y->second ? -1 : 1;
    return reason_rank(x->reason) - reason_rank(y->reason);
}

static bool same_pair(const lm_duplicate *x, const lm_duplicate *y)
{
    return x->first == y->first && x->second == y->second;
}

typedef struct finder {
    const lm_pool *pool;
    char **names;  /* normalised, per person */
    char (*phones)[16];
    char **emails; /* folded */
} finder;

static bool keys_equal(const finder *f, uint32_t kind, size_t a, size_t b)
{
    if (kind == KEY_ROW)
        return same_row(f->pool, a, b);
    if (strcmp(f->names[a], f->names[b]) != 0)
        return false;
    return kind == KEY_NAME_PHONE ? strcmp(f->phones[a], f->phones[b]) == 0
                                  : strcmp(f->emails[a], f->emails[b]) == 0;
}

static int add_pair(lm_pool *pool, size_t first, size_t second, const char *reason)
{
    if (lm__grow((void **)&pool->duplicates, &pool->duplicate_capacity,
                 pool->duplicate_count + 1, sizeof *pool->duplicates) != LM_OK)
        return LM_E_NOMEM;
    pool->duplicates[pool->duplicate_count++] = (lm_duplicate){first, second, reason};
    return LM_OK;
}

static int fill_keys(finder *f, keyed *keys, size_t *key_count)
{
    const lm_pool *pool = f->pool;
    long name_column = -1, phone_column = -1, email_column = -1;
    for (size_t c = 0; c < pool->display_count; c++) {
        const char *name = pool->display[c].name;
        if (name_column < 0 && lm__display_is_name(name))
            name_column = (long)c;
        else if (phone_column < 0 && is_phone_column(name))
            phone_column = (long)c;
        else if (email_column < 0 && is_email_column(name))
            email_column = (long)c;
    }
    size_t count = 0;
    for (size_t p = 0; p < pool->count; p++) {
        int status = LM_OK;
        f->names[p] = normal_name(name_column >= 0 ? lm__display_get(pool, (size_t)name_column, p)
                                                   : "",
                                  &status);
        const char *email =
            email_column >= 0 ? lm__display_get(pool, (size_t)email_column, p) : "";
        f->emails[p] = lm__fold(email, strlen(email), &status);
        if (!f->names[p] || !f->emails[p])
            return status == LM_E_NOMEM ? LM_E_NOMEM : LM_E_PARSE;
        normal_phone(phone_column >= 0 ? lm__display_get(pool, (size_t)phone_column, p) : "",
                     f->phones[p]);
        uint64_t name_hash = hash_text(1469598103934665603ull, f->names[p]);
        if (f->names[p][0] && f->phones[p][0])
            keys[count++] = (keyed){hash_text(name_hash, f->phones[p]), KEY_NAME_PHONE, p};
        if (f->names[p][0] && f->emails[p][0])
            keys[count++] = (keyed){hash_text(name_hash, f->emails[p]), KEY_NAME_EMAIL, p};
        if (has_display(pool, p))
            keys[count++] = (keyed){hash_row(pool, p), KEY_ROW, p};
    }
    *key_count = count;
    return LM_OK;
}

int lm__pool_find_duplicates(lm_pool *pool, size_t from)
{
    if (from >= pool->count || !pool->display_count)
        return LM_OK;
    size_t n = pool->count, before = pool->duplicate_count;
    finder f = {pool, lm__calloc(n, sizeof *f.names), lm__calloc(n, sizeof *f.phones),
                lm__calloc(n, sizeof *f.emails)};
    keyed *keys = lm__calloc(n * KEY_KINDS, sizeof *keys);
    int status = f.names && f.phones && f.emails && keys ? LM_OK : LM_E_NOMEM;
    size_t key_count = 0;
    if (status == LM_OK)
        status = fill_keys(&f, keys, &key_count);
    if (status == LM_OK)
        qsort(keys, key_count, sizeof *keys, compare_keyed);
    for (size_t start = 0; status == LM_OK && start < key_count;) {
        size_t end = start + 1;
        while (end < key_count && keys[end].kind == keys[start].kind &&
               keys[end].hash == keys[start].hash)
            end++;
        /* Every pair of a run with equal keys, of which one is new. */
        for (size_t a = start; status == LM_OK && a < end; a++)
            for (size_t b = a + 1; status == LM_OK && b < end; b++)
                if (keys[b].person >= from &&
                    keys_equal(&f, keys[a].kind, keys[a].person, keys[b].person))
                    status = add_pair(pool, keys[a].person, keys[b].person,
                                      reasons[keys[a].kind]);
        start = end;
    }
    if (status == LM_OK && pool->duplicate_count > before) {
        /* One entry per pair, the first reason (kinds sort in reason order). */
        lm_duplicate *added = pool->duplicates + before;
        size_t count = pool->duplicate_count - before, kept = 0;
        qsort(added, count, sizeof *added, compare_pairs);
        for (size_t k = 0; k < count; k++)
            if (!kept || !same_pair(&added[kept - 1], &added[k]))
                added[kept++] = added[k];
        pool->duplicate_count = before + kept;
    }
    if (status != LM_OK)
        pool->duplicate_count = before;
    for (size_t p = 0; p < n; p++) {
        if (f.names)
            lm__free(f.names[p]);
        if (f.emails)
            lm__free(f.emails[p]);
    }
    lm__free(f.names);
    lm__free(f.phones);
    lm__free(f.emails);
    lm__free(keys);
    return status;
}

void lm__pool_truncate_duplicates(lm_pool *pool, size_t count)
{
    size_t kept = 0;
    for (size_t k = 0; k < pool->duplicate_count; k++)
        if (pool->duplicates[k].second < count)
            pool->duplicates[kept++] = pool->duplicates[k];
    pool->duplicate_count = kept;
}

int lm__pool_warn_duplicate(lm_pool *pool, size_t k)
{
    const lm_duplicate *d = &pool->duplicates[k];
    const lm_participant *a = &pool->people[d->first], *b = &pool->people[d->second];
    return lm__pool_warn(pool, b->line, "id",
                         "participants '%s' (line %zu) and '%s' (line %zu) look like the same "
                         "person (%s); they are never placed in one group",
                         a->id, a->line, b->id, b->line, d->reason);
}
