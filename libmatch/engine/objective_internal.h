/* The objective of DESIGN.md computed directly from a list of members: the
 * reference every reported score comes from. The group engine keeps
 * incremental sums (groups_state.c) and the pairs their own profiles
 * (pairs_score.c), but both weight their terms with lm__weighted_score(). */
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

/* |v| of a sparse vector: unit(v) = v / |v|, and the zero vector stays
 * zero. */
double lm__norm(const lm_entry *entries, size_t length);
/* <a, b> of two dense vectors over d topics, summed in topic order. */
double lm__dot(const double *a, const double *b, size_t d);

/* Scores the group members[0..k) (k >= 1; k == 1 gives shared = 0). */
int lm__group_score(const lm_pool *pool, const lm_weights *weights, const size_t *members,
                    size_t k, lm_group_score *out);

/* score(S) from its unweighted terms: alpha*theme + beta*shared +
 * gamma*exchange + eta*cohost - lambda*balance, added in that order. Every
 * score, reported or only steering a search, is weighted here, so equal
 * terms give equal bits everywhere. */
double lm__weighted_score(const lm_weights *weights, double theme, double shared,
                          double exchange, double cohost, double balance);
/* The total of a result: the sum of its group scores minus mu for each
 * unassigned participant. */
double lm__weighted_total(const lm_weights *weights, double group_scores, size_t unassigned);

#endif
