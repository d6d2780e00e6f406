/* The local-search core, written once and shared by every problem (groups,
 * matrix partitioning). It knows nothing about participants or matrices: a
 * problem gives it deltas and applies moves through lm_search_ops; the core
 * owns the assignment (which item is in which group), chooses moves, escapes
 * local optima and keeps the best assignment found. */
#ifndef LM_SEARCH_INTERNAL_H
#define LM_SEARCH_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/common_internal.h"
#include "common/rng_internal.h"

#define LM_NO_GROUP UINT32_MAX

typedef struct lm_search_ops {
    /* Change of the objective (maximised) when item leaves `from` for `to`.
     * Either may be LM_NO_GROUP (unassigned) when the problem allows it.
     * -INFINITY when the move breaks a hard constraint. */
    double (*move_delta)(void *context, uint32_t item, uint32_t from, uint32_t to);
    void (*move_apply)(void *context, uint32_t item, uint32_t from, uint32_t to);
    /* Change when a (in group_a) and b (in group_b) trade places. */
    double (*swap_delta)(void *context, uint32_t a, uint32_t group_a, uint32_t b,
                         uint32_t group_b);
    void (*swap_apply)(void *context, uint32_t a, uint32_t group_a, uint32_t b,
                       uint32_t group_b);
    /* Groups worth trying for item (besides its own); writes at most cap. */
    size_t (*candidates)(void *context, uint32_t item, uint32_t *groups, size_t cap);
    /* Optional fast path for the descent (NULL: swap_delta one by one): the
     * largest swap_delta of item (in own) with one of members[0..count)
     * (all in group) whose index is >= skip_below; the partner goes to
     * *other (left alone, and -INFINITY returned, when there is none). */
    double (*best_swap)(void *context, uint32_t item, uint32_t own, uint32_t group,
                        const uint32_t *members, uint32_t count, uint32_t skip_below,
                        uint32_t *other);
} lm_search_ops;

typedef struct lm_search_options {
    uint64_t seed;
    uint64_t max_rounds;     /* perturbation rounds (effort); never clock-based */
    double time_limit;       /* seconds; 0 = none */
    bool allow_unassigned;   /* items may be moved to LM_NO_GROUP */
    int perturb_strength;    /* random moves per perturbation; 0 = automatic */
    lm_progress_fn progress; /* may be NULL */
    void *progress_user;
    double progress_offset;  /* added to reported totals */
    /* Tabu walk and stagnation control; zero keeps the plain iterated local
     * search (see docs/solver.md). */
    uint32_t tabu_steps;     /* per round: tabu walk ending after this many steps
                                without improving the walk's best; 0 = no tabu */
    uint32_t tabu_tenure;    /* steps a moved item stays tabu; 0 = automatic */
    uint32_t stagnation;     /* rounds without improvement before a strong
                                perturbation is accepted; 0 = automatic */
    bool symmetric_candidates; /* j's candidates hold i's group whenever i's
                                  hold j's: each swap is evaluated once */
    /* Shared stop flag for searches run in parallel (may be NULL): read now
     * and then; set to 1 when this search's progress callback cancels. */
    atomic_int *stop;
    /* For large sparse problems (groups): after a perturbation, only
     * the items whose own or neighbouring groups changed are re-examined
     * (a queue of "dirty" items), so a round costs about the size of the
     * change instead of a pass over every item. */
    bool local_descent;
    /* Samples per step of a directed perturbation; 0 = item_count. */
    uint32_t perturb_samples;
    /* Unassigned items looked at per swap scan with LM_NO_GROUP, from a
     * random offset; 0 = all of them. */
    uint32_t unassigned_sample;
} lm_search_options;

typedef struct lm_search_stats {
    uint64_t rounds;
    uint64_t moves_applied;
    bool cancelled;
    bool timed_out;
} lm_search_stats;

typedef struct lm_search {
    const lm_search_ops *ops;
    void *context;
    uint32_t item_count;
    uint32_t group_count;
    uint32_t *group_of;     /* by item; LM_NO_GROUP when unassigned */
    uint32_t *position;     /* index of the item inside its group's slice */
    uint32_t *slice_start;  /* by group: members live in members[slice_start[g] ..] */
    uint32_t *size;         /* by group */
    uint32_t *capacity;     /* by group: the largest size the group may reach */
    uint32_t *members;
    double objective;       /* current value, tracked through deltas */
    double best_objective;
    uint32_t *best_group_of;
} lm_search;

/* Prepares a search over item_count items and group_count groups whose sizes
 * never exceed capacity[g]. All items start unassigned. */
int lm__search_init(lm_search *search, const lm_search_ops *ops, void *context,
                    uint32_t item_count, uint32_t group_count, const uint32_t *capacity);
void lm__search_free(lm_search *search);
/* Puts an item into a group for the starting assignment (applies the move
 * through ops without asking for a delta); objective is the problem's value
 * after all initial placements, set by the caller in search->objective. */
void lm__search_place(lm_search *search, uint32_t item, uint32_t group);
/* Local search plus perturbation until the budget is spent. On return the
 * current assignment is the best found (the problem has seen every move
 * needed to reach it) and search->objective its value. LM_E_CANCELLED when
 * the progress callback stopped it (the best is still in place).
 * Budget: max_rounds > 0 caps the rounds (time_limit may stop earlier);
 * max_rounds == 0 runs until time_limit, or only the first descent when
 * there is no time limit either. Without allow_unassigned every item must
 * be placed first (else LM_E_INVALID). Applies go through ops in a state
 * the core chose; deltas are asked only for capacity-feasible changes, but
 * when the core walks back to a saved assignment it applies moves and swaps
 * without asking, so apply must not rely on lower bounds holding in
 * between. LM_E_NOMEM if its working memory cannot be allocated. */
int lm__search_run(lm_search *search, const lm_search_options *options,
                   lm_search_stats *stats);

#endif
