/* Repeats in the group engine: what a group of a region's state pays for
 * pairs of members who met in an earlier round (model/history.c), so that
 * every value the search compares (groups_state.c) is the objective minus
 * that cost. With LM_PARAM_NO_REPEATS the cost is infinite: such a group
 * is as infeasible as one without a shared language. Without a history
 * every function here returns at once. */
#include <math.h>

#include "groups/groups_internal.h"
#include "model/history_internal.h"

/* The cost of the pairs of `in` with the members of g other than `out`. */
static double cost_with_members(const lm_gstate *s, uint32_t g, uint32_t out, uint32_t in)
{
    const uint32_t *members = s->members + (size_t)g * s->max_size;
    size_t person = s->items[in].person;
    double cost = 0.0;
    for (uint32_t m = 0; m < s->size[g] && cost < INFINITY; m++)
        if (members[m] != out && members[m] != in)
            cost += lm__history_pair_cost(s->params, person, s->items[members[m]].person);
    return cost;
}

double lm__gstate_repeat_cost(const lm_gstate *s, uint32_t g, uint32_t out, uint32_t in)
{
    if (!lm__history_active(s->params))
        return 0.0;
    /* the members after the change, pair by pair: groups are small */
    const uint32_t *members = s->members + (size_t)g * s->max_size;
    double cost = 0.0;
    for (uint32_t i = 0; i < s->size[g] && cost < INFINITY; i++) {
        if (members[i] == out)
            continue;
        size_t a = s->items[members[i]].person;
        for (uint32_t j = i + 1; j < s->size[g]; j++)
            if (members[j] != out)
                cost += lm__history_pair_cost(s->params, a, s->items[members[j]].person);
    }
    if (in != LM_NONE_ITEM && cost < INFINITY)
        cost += cost_with_members(s, g, out, in);
    return cost;
}

double lm__gstate_list_repeat_cost(const lm_gstate *s, const uint32_t *list, uint32_t k)
{
    if (!lm__history_active(s->params))
        return 0.0;
    double cost = 0.0;
    for (uint32_t i = 0; i < k && cost < INFINITY; i++)
        for (uint32_t j = i + 1; j < k; j++)
            cost += lm__history_pair_cost(s->params, s->items[list[i]].person,
                                          s->items[list[j]].person);
    return cost;
}

bool lm__gstate_repeat_forbidden(const lm_gstate *s, uint32_t g, uint32_t in)
{
    if (!s->params->no_repeats || !lm__history_active(s->params))
        return false;
    return cost_with_members(s, g, LM_NONE_ITEM, in) == INFINITY;
}
