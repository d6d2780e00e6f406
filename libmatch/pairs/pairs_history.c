/* Buddy pairs after earlier rounds (params' history, model/history.c): a
 * second round never repeats a pair when a repeat-free matching places as
 * many people. Without LM_PARAM_NO_REPEATS that takes two exact solves:
 * one without the pairs who met (every repeated edge dropped) and one with
 * them at their repeat cost; the first wins unless the second places more
 * people, in which case repeats are what placed them (and the repeat cost
 * decided which). With LM_PARAM_NO_REPEATS only the first is solved. */
#include <math.h>
#include <string.h>

#include "pairs/pairs_internal.h"
#include "model/history_internal.h"
#include "model/result_internal.h"

bool lm__pair_repeat_forbidden(const lm_pair_rules *rules, size_t a, size_t b)
{
    return rules->params->no_repeats && lm__history_active(rules->params) &&
           lm__history_stamp(rules->params->history, a, b) != INT64_MIN;
}

double lm__pair_repeat_cost(const lm_pair_rules *rules, size_t a, size_t b)
{
    if (!lm__history_active(rules->params))
        return 0.0;
    return lm__history_pair_cost(rules->params, a, b);
}

bool lm__pairs_two_solves(const lm_params *params)
{
    return lm__history_active(params) && !params->no_repeats && !params->repeat_direct;
}

int lm__pairs_match_history(const lm_pool *pool, const lm_params *params, lm_result *result)
{
    struct lm_params without = *params, with = *params;
    without.no_repeats = true;
    with.repeat_direct = true;
    int status = lm_pairs_match(pool, &without, result);
    if (status != LM_OK)
        return status;
    lm_result *other = NULL;
    status = lm_result_new(&other);
    if (status != LM_OK)
        return lm__fail(&result->base, status, "out of memory");
    status = lm_pairs_match(pool, &with, other);
    if (status != LM_OK) {
        lm__result_reset(result);
        lm__fail(&result->base, status, "%s", lm_errmsg(other));
    } else if (other->group_count > result->group_count) {
        struct lm_result swap = *result;
        *result = *other;
        *other = swap;
    }
    lm_result_free(other);
    return status;
}
