/* The social golfer problem alone (lm_golfer_solve): g x s players in g
 * groups of s for w rounds, as few repeated pairs as possible. Where a rule
 * of design theory gives w rounds without repeats (golfer_design.c), that is
 * the answer. Otherwise round 1 is fixed (players in order: any schedule
 * can be renamed to start that way), the other rounds are built greedily to
 * avoid repeats, and rounds_search.c does the rest. */
#include "rounds/rounds_internal.h"
#include "common/rng_internal.h"
#include "model/params_internal.h"
#include "model/result_internal.h"

/* Round 1 in order; each later round group by group, each member the
 * player still free who met the fewest of the group so far (ties at
 * random). */
static int greedy_start(lm_schedule *schedule, uint32_t g, uint32_t s, uint32_t w,
                        uint32_t *order, lm_rng *rng)
{
    uint32_t n = g * s;
    uint8_t *met = lm__calloc((size_t)n * n, 1);
    if (!met)
        return LM_E_NOMEM;
    for (uint32_t r = 0; r < w; r++) {
        for (uint32_t p = 0; p < n; p++)
            order[p] = p;
        uint32_t free_count = n;
        for (uint32_t k = 0; k < g; k++) {
            uint32_t chosen[LM_ROUNDS_PEOPLE_MAX];
            for (uint32_t m = 0; m < s; m++) {
                if (r == 0) { /* round 1 in order */
                    chosen[m] = k * s + m;
                    lm__schedule_place(schedule, k, m, chosen[m]);
                    continue;
                }
                uint32_t best_at = 0, best_cost = UINT32_MAX, ties = 0;
                for (uint32_t i = 0; i < free_count; i++) {
                    uint32_t cost = 0;
                    for (uint32_t j = 0; j < m; j++)
                        cost += met[(size_t)order[i] * n + chosen[j]];
                    if (cost < best_cost) {
                        best_cost = cost;
                        best_at = i;
                        ties = 1;
                    } else if (cost == best_cost && lm__rng_below(rng, ++ties) == 0)
                        best_at = i;
                }
                chosen[m] = order[best_at];
                order[best_at] = order[--free_count];
                lm__schedule_place(schedule, r * g + k, m, chosen[m]);
            }
            for (uint32_t i = 0; i < s; i++)
                for (uint32_t j = i + 1; j < s; j++) {
                    met[(size_t)chosen[i] * n + chosen[j]]++;
                    met[(size_t)chosen[j] * n + chosen[i]]++;
                }
        }
    }
    lm__free(met);
    return LM_OK;
}

/* Backtracking nodes per attempt of a cyclic design, per unit of effort. */
#define DESIGN_NODES 100000u
/* Search steps per round, per unit of effort. */
#define STEPS_PER_ROUND 5000u

int lm_golfer_solve(size_t groups, size_t size, size_t rounds, const lm_params *params,
                    lm_result *result, size_t *repeated_pairs)
{
    if (!result)
        return LM_E_INVALID;
    lm__result_reset(result);
    if (repeated_pairs)
        *repeated_pairs = 0;
    if (groups < 1 || size < 1 || rounds < 1 || rounds > LM_ROUNDS_MAX ||
        groups * size > LM_ROUNDS_PEOPLE_MAX || groups > LM_ROUNDS_PEOPLE_MAX)
        return lm__fail(&result->base, LM_E_INVALID,
                        "golfers: groups, size and rounds must be at least 1, rounds at most "
                        "%d and groups x size at most %d",
                        LM_ROUNDS_MAX, LM_ROUNDS_PEOPLE_MAX);
    struct lm_params defaults;
    if (!params) {
        lm__params_defaults(&defaults);
        params = &defaults;
    }
    uint32_t g = (uint32_t)groups, s = (uint32_t)size, w = (uint32_t)rounds, n = g * s;
    uint32_t *round_first = lm__malloc(((size_t)w + 1) * sizeof *round_first);
    uint32_t *sizes = lm__malloc((size_t)w * g * sizeof *sizes);
    uint32_t *order = lm__malloc((size_t)n * sizeof *order);
    lm_schedule schedule;
    int status = round_first && sizes && order ? LM_OK : LM_E_NOMEM;
    if (status == LM_OK) {
        for (uint32_t r = 0; r <= w; r++)
            round_first[r] = r * g;
        for (size_t k = 0; k < (size_t)w * g; k++)
            sizes[k] = s;
        status = lm__schedule_init(&schedule, w, n, round_first, sizes);
    }
    if (status != LM_OK) {
        lm__free(round_first);
        lm__free(sizes);
        lm__free(order);
        return lm__fail(&result->base, LM_E_NOMEM, "out of memory");
    }
    lm_rng rng;
    lm__rng_seed(&rng, params->seed, 0x676f6c66u); /* "golf" */
    uint32_t *design = lm__malloc((size_t)w * n * sizeof *design);
    if (!design)
        status = LM_E_NOMEM;
    else if (lm__golfer_design(g, s, w, (uint64_t)params->effort * DESIGN_NODES, design)) {
        for (uint32_t r = 0; r < w; r++)
            for (uint32_t p = 0; p < n; p++)
                lm__schedule_place(&schedule, r * g + p / s, p % s, design[(size_t)r * n + p]);
    } else
        status = greedy_start(&schedule, g, s, w, order, &rng);
    lm__free(design);
    schedule.first_round_fixed = true;
    /* effort 20 (the default) is 100,000 steps per round */
    lm_schedule_search options = {NULL, NULL, NULL, params->seed,
                                  (uint64_t)params->effort * STEPS_PER_ROUND * w};
    size_t repeats = 0;
    if (status == LM_OK)
        status = lm__schedule_search(&schedule, &options, &repeats);
    size_t members[LM_ROUNDS_PEOPLE_MAX];
    for (uint32_t k = 0; k < w * g && status == LM_OK; k++) {
        for (uint32_t m = 0; m < s; m++)
            members[m] = schedule.members[schedule.start[k] + m];
        for (uint32_t i = 1; i < s; i++) /* ascending, as in every result */
            for (uint32_t j = i; j > 0 && members[j - 1] > members[j]; j--) {
                size_t t = members[j];
                members[j] = members[j - 1];
                members[j - 1] = t;
            }
        size_t index;
        status = lm__result_add_group(result, members, s, &index);
    }
    if (status == LM_OK) {
        result->total = -(double)repeats;
        if (repeated_pairs)
            *repeated_pairs = repeats;
    } else {
        lm__result_reset(result);
        lm__fail(&result->base, status, "out of memory");
    }
    lm__schedule_free(&schedule);
    lm__free(round_first);
    lm__free(sizes);
    lm__free(order);
    return status;
}
