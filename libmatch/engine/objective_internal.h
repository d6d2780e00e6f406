/* The objective of DESIGN.md computed directly from a list of members: the
 * reference every reported score comes from. The search keeps incremental
 * sums instead (groups.c) but reports scores through this function. */
#ifndef LM_OBJECTIVE_INTERNAL_H
#define LM_OBJECTIVE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "model/model_internal.h"
#include "model/params_internal.h"

typedef struct lm_group_score {
    double terms[6];   /* lm_term order; terms[LM_TERM_TOTAL] is weighted */
    size_t theme;      /* theme topic */
    int64_t cohost[2]; /* by role; -1 none */
} lm_group_score;

/* Scores the group members[0..k) (k >= 1; k == 1 gives shared = 0). */
int lm__group_score(const lm_pool *pool, const lm_weights *weights, const size_t *members,
                    size_t k, lm_group_score *out);

#endif
