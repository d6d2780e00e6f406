/* Rounds (lm_rounds_form, rounds.c) and the social golfer problem
 * (lm_golfer_solve, golfer.c) share one search over all rounds at once
 * (rounds_search.c): a schedule of R rounds, each a set of groups of fixed
 * sizes, in which members of two groups of one round swap places so that
 * as few pairs as possible meet more than once. What may swap is the
 * caller's rule (a callback): everything for golfers, the hard constraints
 * of each group for rounds of a pool. */
#ifndef LM_ROUNDS_INTERNAL_H
#define LM_ROUNDS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/common_internal.h"

#define LM_ROUNDS_MAX 200     /* meetings of a pair are counted in a byte */
#define LM_ROUNDS_PEOPLE_MAX 4096 /* the meeting counts are a dense n x n table */
#define LM_ROUNDS_ABSENT UINT32_MAX

typedef struct lm_schedule {
    uint32_t rounds, people;
    uint32_t group_count;    /* over all rounds */
    uint32_t *round_first;   /* by round (+1): its first group */
    uint32_t *start, *size;  /* by group: members[start .. start + size) */
    uint32_t *members;       /* people 0 .. people - 1 */
    uint32_t *group_of;      /* [round * people + person]: group, or ABSENT */
    uint32_t *position;      /* [round * people + person]: index into members */
    bool first_round_fixed;  /* golfers: round 1 is any partition, never searched */
} lm_schedule;

/* A schedule of `rounds` rounds whose group g has sizes[g] members
 * (groups of round r are round_first[r] .. round_first[r+1]); members
 * left unset (lm__schedule_place fills them). */
int lm__schedule_init(lm_schedule *s, uint32_t rounds, uint32_t people,
                      const uint32_t *round_first, const uint32_t *sizes);
void lm__schedule_free(lm_schedule *s);
/* Puts person p at member k of group g (round of g). */
void lm__schedule_place(lm_schedule *s, uint32_t g, uint32_t k, uint32_t person);

/* May a (in group ga) and b (in group gb), both of round `round`, swap? */
typedef bool (*lm_swap_ok_fn)(void *context, const lm_schedule *s, uint32_t round,
                              uint32_t ga, uint32_t a, uint32_t gb, uint32_t b);

typedef struct lm_schedule_search {
    const uint8_t *met;   /* people x people meetings before the rounds (NULL: none) */
    lm_swap_ok_fn swap_ok; /* NULL: every swap */
    void *context;
    uint64_t seed;
    uint64_t iterations;  /* the budget; never the clock */
} lm_schedule_search;

/* Searches s towards fewest repeats (pairs' meetings beyond the first,
 * with `met` counted), keeping the best schedule found in s; *repeats gets
 * its number. Stops at 0 repeats or when the budget is spent. */
int lm__schedule_search(lm_schedule *s, const lm_schedule_search *options, size_t *repeats);
/* The repeats of s (with met). */
size_t lm__schedule_repeats(const lm_schedule *s, const uint8_t *met);

/* A schedule of the social golfer problem without any repeat from a rule of
 * design theory (golfer_design.c), when one applies to `groups` groups of
 * `size` for `rounds` rounds: out[r * groups * size + k] is the player at
 * slot k of round r (group k / size). At most `budget` backtracking nodes
 * per attempt; false when no rule gives that many rounds. */
bool lm__golfer_design(uint32_t groups, uint32_t size, uint32_t rounds, uint64_t budget,
                       uint32_t *out);

#endif
