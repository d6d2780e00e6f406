/* The history of a programme: who met whom, and how many rounds ago
 * (history_internal.h). Reading it from a CSV is io/io_csv_history.c. */
#include <math.h>
#include <string.h>

#include "model/history_internal.h"
#include "model/result_internal.h"

int lm_history_new(lm_history **out)
{
    if (!out)
        return LM_E_INVALID;
    lm_history *h = lm__calloc(1, sizeof *h);
    *out = h;
    if (!h)
        return LM_E_NOMEM;
    lm__object_init(&h->base, LM_KIND_HISTORY);
    return LM_OK;
}

void lm_history_free(lm_history *h)
{
    if (!h)
        return;
    lm__free(h->keys);
    lm__free(h->stamp);
    lm__free(h);
}

static uint64_t pair_key(size_t a, size_t b)
{
    size_t low = a < b ? a : b, high = a < b ? b : a;
    return (uint64_t)low << 32 | (uint64_t)high;
}

static size_t slot_of(uint64_t key, size_t capacity)
{
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdull;
    key ^= key >> 33;
    return (size_t)key & (capacity - 1);
}

int64_t lm__history_stamp(const lm_history *h, size_t a, size_t b)
{
    if (!h->capacity)
        return INT64_MIN;
    uint64_t key = pair_key(a, b);
    for (size_t at = slot_of(key, h->capacity);; at = (at + 1) & (h->capacity - 1)) {
        if (h->keys[at] == key)
            return h->stamp[at];
        if (h->keys[at] == LM_HISTORY_EMPTY)
            return INT64_MIN;
    }
}

static int grow(lm_history *h)
{
    size_t capacity = h->capacity ? h->capacity * 2 : 256;
    uint64_t *keys = lm__malloc(capacity * sizeof *keys);
    int64_t *stamp = lm__malloc(capacity * sizeof *stamp);
    if (!keys || !stamp) {
        lm__free(keys);
        lm__free(stamp);
        return LM_E_NOMEM;
    }
    for (size_t k = 0; k < capacity; k++)
        keys[k] = LM_HISTORY_EMPTY;
    for (size_t k = 0; k < h->capacity; k++) {
        if (h->keys[k] == LM_HISTORY_EMPTY)
            continue;
        size_t at = slot_of(h->keys[k], capacity);
        while (keys[at] != LM_HISTORY_EMPTY)
            at = (at + 1) & (capacity - 1);
        keys[at] = h->keys[k];
        stamp[at] = h->stamp[k];
    }
    lm__free(h->keys);
    lm__free(h->stamp);
    h->keys = keys;
    h->stamp = stamp;
    h->capacity = capacity;
    return LM_OK;
}

int lm__history_put(lm_history *h, size_t a, size_t b, int64_t stamp)
{
    if ((h->count + 1) * 2 > h->capacity && grow(h) != LM_OK)
        return lm__fail(&h->base, LM_E_NOMEM, "out of memory");
    uint64_t key = pair_key(a, b);
    size_t at = slot_of(key, h->capacity);
    while (h->keys[at] != LM_HISTORY_EMPTY && h->keys[at] != key)
        at = (at + 1) & (h->capacity - 1);
    if (h->keys[at] == key) {
        if (stamp > h->stamp[at])
            h->stamp[at] = stamp;
        return LM_OK;
    }
    h->keys[at] = key;
    h->stamp[at] = stamp;
    h->count++;
    return LM_OK;
}

int lm__history_copy(const lm_history *from, lm_history **out)
{
    int status = lm_history_new(out);
    if (status != LM_OK)
        return status;
    lm_history *h = *out;
    if (from->capacity) {
        h->keys = lm__malloc(from->capacity * sizeof *h->keys);
        h->stamp = lm__malloc(from->capacity * sizeof *h->stamp);
        if (!h->keys || !h->stamp) {
            lm_history_free(h);
            *out = NULL;
            return LM_E_NOMEM;
        }
        memcpy(h->keys, from->keys, from->capacity * sizeof *h->keys);
        memcpy(h->stamp, from->stamp, from->capacity * sizeof *h->stamp);
    }
    h->capacity = from->capacity;
    h->count = from->count;
    h->now = from->now;
    h->rounds = from->rounds;
    return LM_OK;
}

int lm_history_add_pair(lm_history *h, size_t a, size_t b, unsigned age)
{
    if (!h)
        return LM_E_INVALID;
    if (a == b || a > UINT32_MAX || b > UINT32_MAX)
        return lm__fail(&h->base, LM_E_INVALID, "a pair needs two different participants");
    if (age < 1)
        return lm__fail(&h->base, LM_E_INVALID, "age must be at least 1 (the latest round)");
    return lm__history_put(h, a, b, h->now + 1 - (int64_t)age);
}

int lm_history_add_result(lm_history *h, const lm_result *result)
{
    if (!h || !result)
        return LM_E_INVALID;
    /* all or nothing: a failed insert leaves earlier pairs of this round,
     * which only makes them count as met, so grow first */
    size_t pairs = 0;
    for (size_t g = 0; g < result->group_count; g++)
        pairs += result->groups[g].size * (result->groups[g].size - 1) / 2;
    while ((h->count + pairs + 1) * 2 > h->capacity)
        if (grow(h) != LM_OK)
            return lm__fail(&h->base, LM_E_NOMEM, "out of memory");
    h->now++;
    h->rounds++;
    for (size_t g = 0; g < result->group_count; g++) {
        const size_t *m = result->members + result->groups[g].first;
        for (size_t i = 0; i < result->groups[g].size; i++)
            for (size_t j = i + 1; j < result->groups[g].size; j++)
                (void)lm__history_put(h, m[i], m[j], h->now);
    }
    return LM_OK;
}

size_t lm_history_pair_count(const lm_history *h)
{
    return h ? h->count : 0;
}

size_t lm_history_round_count(const lm_history *h)
{
    return h ? h->rounds : 0;
}

unsigned lm_history_age(const lm_history *h, size_t a, size_t b)
{
    if (!h || a == b)
        return 0;
    int64_t stamp = lm__history_stamp(h, a, b);
    if (stamp == INT64_MIN)
        return 0;
    int64_t age = h->now + 1 - stamp;
    return age > UINT32_MAX ? UINT32_MAX : (unsigned)age;
}

int lm_params_set_history(lm_params *p, const lm_history *history)
{
    if (!p)
        return LM_E_INVALID;
    p->history = history;
    return LM_OK;
}

double lm__history_pair_cost(const struct lm_params *p, size_t a, size_t b)
{
    if (!p->history || a == b)
        return 0.0;
    int64_t stamp = lm__history_stamp(p->history, a, b);
    if (stamp == INT64_MIN)
        return 0.0;
    if (p->no_repeats)
        return INFINITY;
    double age = (double)(p->history->now + 1 - stamp);
    return p->repeat_decay == 1.0 ? p->repeat_weight
                                  : p->repeat_weight * pow(p->repeat_decay, age - 1.0);
}

double lm__history_group_cost(const struct lm_params *p, const size_t *members, size_t k)
{
    double cost = 0.0;
    for (size_t i = 0; i < k && cost < INFINITY; i++)
        for (size_t j = i + 1; j < k; j++)
            cost += lm__history_pair_cost(p, members[i], members[j]);
    return cost;
}

int lm_history_repeats(const lm_history *history, const lm_params *params,
                       const lm_result *result, size_t *pairs, double *penalty)
{
    if (!params || !result)
        return LM_E_INVALID;
    if (!history)
        history = params->history;
    size_t count = 0;
    double cost = 0.0;
    if (history) {
        /* the cost as the search saw it, but never infinite: a forbidden
         * repeat (a grouping made by hand) costs the repeat weight */
        struct lm_params weighed = *params;
        weighed.history = history;
        weighed.no_repeats = false;
        for (size_t g = 0; g < result->group_count; g++) {
            const size_t *m = result->members + result->groups[g].first;
            for (size_t i = 0; i < result->groups[g].size; i++)
                for (size_t j = i + 1; j < result->groups[g].size; j++) {
                    double c = lm__history_pair_cost(&weighed, m[i], m[j]);
                    if (lm__history_stamp(history, m[i], m[j]) != INT64_MIN) {
                        count++;
                        cost += c;
                    }
                }
        }
    }
    if (pairs)
        *pairs = count;
    if (penalty)
        *penalty = cost;
    return LM_OK;
}
