/* Parameters of a run (lm_params) as the solvers see them. */
#ifndef LM_PARAMS_INTERNAL_H
#define LM_PARAMS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "common/common_internal.h"

typedef struct lm_weights {
    double theme;      /* alpha */
    double shared;     /* beta */
    double exchange;   /* gamma */
    double cohost;     /* eta */
    double balance;    /* lambda (subtracted) */
    double unassigned; /* mu (subtracted per unassigned participant) */
} lm_weights;

struct lm_params {
    lm_object base;
    int64_t min_size, max_size, min_per_role;
    bool language;
    uint64_t seed;
    int64_t threads;
    int64_t effort;
    int64_t candidates;
    lm_weights weights;
    double default_max_km;
    double time_limit;
    lm_progress_fn progress;
    void *progress_user;
    /* Coordinator constraints and the groups of an earlier run, borrowed
     * (NULL: none); lm_params_set_constraints(), lm_params_set_keep(). */
    const struct lm_constraints *constraints;
    const struct lm_grouping *keep;
    bool reshuffle;
    /* History (history_internal.h): borrowed; the repeat weight and decay,
     * and whether a repeat is forbidden instead of paid for. */
    const struct lm_history *history;
    double repeat_weight, repeat_decay;
    bool no_repeats;
    bool repeat_direct; /* pairs: one solve with the repeat cost (pairs_history.c) */
};

/* Fills p with the defaults of DESIGN.md (used for NULL params too). */
void lm__params_defaults(struct lm_params *p);
/* Checks p; a message into object (may be NULL). */
int lm__params_validate(const struct lm_params *p, lm_object *object);

#endif
