/* Who met whom in earlier rounds (lm_history, history.c): pairs of pool
 * indices with the round of their latest meeting, in an open-addressing
 * table, so that the solvers ask "did a and b meet, how long ago?" in O(1).
 * The solvers reach it through their params (lm_params_set_history). */
#ifndef LM_HISTORY_INTERNAL_H
#define LM_HISTORY_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/common_internal.h"
#include "model/params_internal.h"

#define LM_HISTORY_EMPTY UINT64_MAX

struct lm_history {
    lm_object base;
    uint64_t *keys;   /* (low index << 32) | high index; LM_HISTORY_EMPTY = free */
    int64_t *stamp;   /* the round of the latest meeting: age = now + 1 - stamp */
    size_t capacity;  /* a power of two (0 before the first pair) */
    size_t count;
    int64_t now;      /* the stamp of the latest round */
    size_t rounds;    /* rounds read or added */
};

/* The stamp of the latest meeting of a and b, or INT64_MIN when they never
 * met. a != b. */
int64_t lm__history_stamp(const struct lm_history *history, size_t a, size_t b);
/* Records a meeting at stamp (keeps the later one). */
int lm__history_put(struct lm_history *history, size_t a, size_t b, int64_t stamp);
/* Copies from into a new history (*out). */
int lm__history_copy(const struct lm_history *from, struct lm_history **out);

/* What the search pays when a and b share a group under p: 0 when they
 * never met (or p has no history), repeat * decay^(age - 1) when they did,
 * INFINITY when p forbids repeats. */
double lm__history_pair_cost(const struct lm_params *p, size_t a, size_t b);
/* The sum of lm__history_pair_cost over the pairs of members[0..k)
 * (INFINITY as soon as one is forbidden). */
double lm__history_group_cost(const struct lm_params *p, const size_t *members, size_t k);
/* true when p has a history with at least one pair: the solvers skip every
 * lookup otherwise. */
static inline bool lm__history_active(const struct lm_params *p)
{
    return p->history && p->history->count > 0;
}

#endif
