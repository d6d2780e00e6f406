/* Coordinator constraints in the group engine. A together set is a unit: the
 * one hard check of a member list (list_ok in groups_state.c) refuses a list
 * that holds part of a set, so moves and swaps of single members never split
 * one, exact and LNS rebuilds only form lists with whole sets, and
 * construction adds a set whole (lm__gc_partial_ok, lm__gc_join_set). The
 * same check refuses two people kept apart. Sets are whole over the pool,
 * not the region: a set that a region cut would split is moved into one
 * region before the search (lm__gc_regions), and one that cannot be whole
 * somewhere stays out, as together allows. */
#include <stdlib.h>
#include <string.h>

#include "groups/groups_internal.h"
#include "engine/search_internal.h"
#include "model/constraints_internal.h"

struct lm_gstate_rules {
    uint32_t *set;         /* by item: the root person of its together set, or LM_NONE_ITEM */
    uint32_t *set_size;    /* by item: the size of that set in the pool */
    uint32_t *set_next;    /* by item: the next item of its set in the region (a ring) */
    uint32_t *apart_start; /* by item: apart[apart_start[i] .. apart_start[i+1]) */
    uint32_t *apart;       /* items of the region kept apart from item i */
};

/* The item of person in the region (people ascending), or LM_NONE_ITEM. */
static uint32_t item_of(const lm_region *region, size_t person)
{
    uint32_t lo = 0, hi = region->count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (region->people[mid] < person)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < region->count && region->people[lo] == person ? lo : LM_NONE_ITEM;
}

void lm__gc_state_free(lm_gstate *s)
{
    struct lm_gstate_rules *r = s->rules;
    if (!r)
        return;
    lm__free(r->set);
    lm__free(r->set_size);
    lm__free(r->set_next);
    lm__free(r->apart_start);
    lm__free(r->apart);
    lm__free(r);
    s->rules = NULL;
}

int lm__gc_state_init(lm_gstate *s, const lm_region *region)
{
    const lm_constraints *c = s->params->constraints;
    if (!c || (!c->together_count && !c->apart_count))
        return LM_OK;
    uint32_t n = region->count ? region->count : 1;
    struct lm_gstate_rules *r = lm__calloc(1, sizeof *r);
    if (!r)
        return LM_E_NOMEM;
    s->rules = r;
    r->set = lm__malloc(n * sizeof *r->set);
    r->set_size = lm__malloc(n * sizeof *r->set_size);
    r->set_next = lm__malloc(n * sizeof *r->set_next);
    r->apart_start = lm__calloc((size_t)n + 1, sizeof *r->apart_start);
    if (!r->set || !r->set_size || !r->set_next || !r->apart_start)
        return LM_E_NOMEM;
    /* the last item seen of each set, to close the rings: by item of the
     * set's first member in the region */
    uint32_t *last = lm__malloc(n * sizeof *last);
    if (!last)
        return LM_E_NOMEM;
    size_t apart_total = 0;
    for (uint32_t i = 0; i < region->count; i++) {
        size_t person = region->people[i];
        uint32_t size = lm__constraints_set_size(c, person);
        r->set_next[i] = i;
        r->set[i] = size > 1 ? lm__constraints_root(c, person) : LM_NONE_ITEM;
        r->set_size[i] = size;
        last[i] = LM_NONE_ITEM;
        size_t first;
        apart_total += lm__constraints_apart_of(c, person, &first);
    }
    /* rings: the items of a set in ascending order, the last back to the
     * first; the first is found through the root's item when the root is in
     * the region, else by a scan of the earlier items (sets are small) */
    for (uint32_t i = 0; i < region->count; i++) {
        if (r->set[i] == LM_NONE_ITEM)
            continue;
        uint32_t head = LM_NONE_ITEM;
        for (uint32_t j = 0; j < i && head == LM_NONE_ITEM; j++)
            if (r->set[j] == r->set[i])
                head = j;
        if (head == LM_NONE_ITEM) {
            last[i] = i;
            continue;
        }
        uint32_t tail = last[head];
        r->set_next[tail] = i;
        r->set_next[i] = head;
        last[head] = i;
    }
    lm__free(last);
    r->apart = lm__malloc((apart_total ? apart_total : 1) * sizeof *r->apart);
    if (!r->apart)
        return LM_E_NOMEM;
    uint32_t at = 0;
    for (uint32_t i = 0; i < region->count; i++) {
        r->apart_start[i] = at;
        size_t first, count = lm__constraints_apart_of(c, region->people[i], &first);
        for (size_t k = 0; k < count; k++) {
            uint32_t other = item_of(region, c->apart[first + k].other);
            if (other != LM_NONE_ITEM)
                r->apart[at++] = other;
        }
    }
    r->apart_start[region->count] = at;
    return LM_OK;
}

bool lm__gc_list_ok(const lm_gstate *s, const uint32_t *list, uint32_t k)
{
    const struct lm_gstate_rules *r = s->rules;
    for (uint32_t m = 0; m < k; m++) {
        uint32_t item = list[m];
        if (r->set[item] != LM_NONE_ITEM) {
            uint32_t found = 0;
            for (uint32_t j = 0; j < k; j++)
                found += r->set[list[j]] == r->set[item];
            if (found != r->set_size[item])
                return false;
        }
        for (uint32_t a = r->apart_start[item]; a < r->apart_start[item + 1]; a++)
            for (uint32_t j = 0; j < k; j++)
                if (list[j] == r->apart[a])
                    return false;
    }
    return true;
}

bool lm__gc_mask_ok(const lm_gstate *s, uint32_t mask)
{
    uint32_t list[32], k = 0;
    for (uint32_t i = 0; i < 32 && i < s->item_count; i++)
        if (mask >> i & 1)
            list[k++] = i;
    return lm__gc_list_ok(s, list, k);
}

bool lm__gc_partial_ok(const lm_gstate *s, uint32_t g, uint32_t in)
{
    const struct lm_gstate_rules *r = s->rules;
    uint32_t list[65];
    uint32_t k = s->size[g];
    if (k >= s->max_size || k >= 64)
        return false;
    memcpy(list, s->members + (size_t)g * s->max_size, k * sizeof *list);
    list[k++] = in;
    for (uint32_t x = r->set_next[in]; x != in; x = r->set_next[x]) {
        if (s->group_of[x] != LM_NO_GROUP || k >= s->max_size || k >= 64)
            return false;
        list[k++] = x;
    }
    return lm__gstate_list_ok(s, list, k, s->use_venues ? s->place_venue[g] : -1,
                              s->use_venues ? s->place_slot[g] : -1);
}

void lm__gc_join_set(lm_gstate *s, uint32_t g, uint32_t item)
{
    const struct lm_gstate_rules *r = s->rules;
    if (!r)
        return;
    for (uint32_t x = r->set_next[item]; x != item; x = r->set_next[x])
        if (s->group_of[x] == LM_NO_GROUP && s->size[g] < s->max_size)
            lm__gstate_apply(s, g, LM_NONE_ITEM, x);
}

int lm__gc_regions(const lm_pool *pool, const lm_params *params, const lm_region_filter *filter,
                   uint32_t *region_of)
{
    const lm_constraints *c = params->constraints;
    for (size_t p = 0; p < pool->count; p++)
        if ((filter && filter->people && !filter->people[p]) ||
            (c && lm__constraints_out(c, p)))
            region_of[p] = UINT32_MAX;
    if (!c || !c->together_count)
        return LM_OK;
    /* each set goes to the region of its first member in a region */
    uint32_t *set_region = lm__malloc((pool->count ? pool->count : 1) * sizeof *set_region);
    if (!set_region)
        return LM_E_NOMEM;
    for (size_t p = 0; p < pool->count; p++)
        set_region[p] = UINT32_MAX;
    for (size_t p = 0; p < pool->count; p++) {
        if (region_of[p] == UINT32_MAX || lm__constraints_set_size(c, p) < 2)
            continue;
        uint32_t root = lm__constraints_root(c, p);
        if (set_region[root] == UINT32_MAX)
            set_region[root] = region_of[p];
        region_of[p] = set_region[root];
    }
    lm__free(set_region);
    return LM_OK;
}
