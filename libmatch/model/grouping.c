/* Groupings made by hand: who is in which group, with optional slot/venue. */
#include <string.h>

#include "model/grouping_internal.h"

int lm_grouping_new(lm_grouping **out)
{
    if (!out)
        return LM_E_INVALID;
    lm_grouping *g = lm__calloc(1, sizeof *g);
    *out = g;
    if (!g)
        return LM_E_NOMEM;
    lm__object_init(&g->base, LM_KIND_GROUPING);
    return LM_OK;
}

void lm_grouping_free(lm_grouping *g)
{
    if (!g)
        return;
    lm__free(g->group_of);
    lm__free(g->slot);
    lm__free(g->venue);
    lm__free(g->number);
    lm__free(g);
}

uint64_t lm_grouping_group_number(const lm_grouping *g, size_t group)
{
    if (g && group < g->number_count)
        return g->number[group];
    return (uint64_t)group + 1;
}

size_t lm_grouping_group_count(const lm_grouping *g)
{
    return g ? g->group_count : 0;
}

int64_t lm_grouping_group_of(const lm_grouping *g, size_t participant)
{
    if (!g || participant >= g->participant_capacity || !g->group_of)
        return -1;
    return g->group_of[participant];
}

static int ensure_group(lm_grouping *g, size_t group)
{
    if (group >= (size_t)INT32_MAX)
        return lm__fail(&g->base, LM_E_INVALID, "group number %zu is too large", group);
    if (group < g->group_capacity) {
        if (group >= g->group_count)
            g->group_count = group + 1;
        return LM_OK;
    }
    size_t capacity = g->group_capacity;
    size_t c1 = capacity, c2 = capacity;
    if (lm__grow((void **)&g->slot, &c1, group + 1, sizeof *g->slot) != LM_OK)
        return lm__fail(&g->base, LM_E_NOMEM, "out of memory");
    if (lm__grow((void **)&g->venue, &c2, group + 1, sizeof *g->venue) != LM_OK) {
        /* slot grew to c1; keep it, the capacity stays the smaller one */
        return lm__fail(&g->base, LM_E_NOMEM, "out of memory");
    }
    size_t grown = c1 < c2 ? c1 : c2;
    for (size_t k = capacity; k < grown; k++) {
        g->slot[k] = -1;
        g->venue[k] = -1;
    }
    g->group_capacity = grown;
    g->group_count = group + 1;
    return LM_OK;
}

int lm_grouping_assign(lm_grouping *g, size_t participant, size_t group)
{
    if (!g)
        return LM_E_INVALID;
    if (participant >= g->participant_capacity) {
        size_t capacity = g->participant_capacity;
        if (lm__grow((void **)&g->group_of, &capacity, participant + 1, sizeof *g->group_of) !=
            LM_OK)
            return lm__fail(&g->base, LM_E_NOMEM, "out of memory");
        for (size_t k = g->participant_capacity; k < capacity; k++)
            g->group_of[k] = -1;
        g->participant_capacity = capacity;
    }
    int status = ensure_group(g, group);
    if (status != LM_OK)
        return status;
    g->group_of[participant] = (int64_t)group;
    return LM_OK;
}

int lm_grouping_set_slot(lm_grouping *g, size_t group, size_t slot)
{
    if (!g)
        return LM_E_INVALID;
    if (slot >= lm_slot_count())
        return lm__fail(&g->base, LM_E_INVALID, "slot %zu does not exist", slot);
    int status = ensure_group(g, group);
    if (status == LM_OK)
        g->slot[group] = (int)slot;
    return status;
}

int lm_grouping_set_venue(lm_grouping *g, size_t group, size_t venue)
{
    if (!g)
        return LM_E_INVALID;
    if (venue >= (size_t)INT32_MAX)
        return lm__fail(&g->base, LM_E_INVALID, "venue %zu does not exist", venue);
    int status = ensure_group(g, group);
    if (status == LM_OK)
        g->venue[group] = (int)venue;
    return status;
}
