/* Results of forming groups, matching pairs, evaluating or partitioning. */
#ifndef LM_RESULT_INTERNAL_H
#define LM_RESULT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "common/common_internal.h"

typedef struct lm_group_out {
    size_t first;  /* members are result->members[first .. first+size) */
    size_t size;
    size_t theme;
    int slot, venue, language;
    int64_t cohost[2]; /* by lm_role; -1 none */
    double terms[6];   /* lm_term order: unweighted terms, then weighted total */
    int64_t kept;      /* the keep file's number of the group it continues, -1 new */
} lm_group_out;

typedef struct lm_unassigned_out {
    size_t participant;
    lm_reason reason;
} lm_unassigned_out;

typedef struct lm_violation_out {
    lm_violation kind;
    size_t group;
    int64_t participant;
    char *message;
} lm_violation_out;

struct lm_result {
    lm_object base;
    double total;
    lm_optimality optimality;
    lm_group_out *groups;
    size_t group_count, group_capacity;
    size_t *members; /* participant indices, sorted ascending within a group */
    size_t member_count, member_capacity;
    lm_unassigned_out *unassigned;
    size_t unassigned_count, unassigned_capacity;
    lm_violation_out *violations;
    size_t violation_count, violation_capacity;
    int64_t *item_group; /* partition results */
    size_t item_count;
    double bound;    /* upper bound on the total (lm_groups_bound()), NAN unknown */
    double bound_mu; /* the mu the bound was computed with (for the gap) */
    /* A continuing run (lm_params_set_keep): by member, like members,
     * 1 for someone who was in no kept group. NULL in other runs. */
    uint8_t *member_new;
    size_t member_new_capacity;
    bool continuing;
};

/* Empties a result (keeps its buffers). */
void lm__result_reset(struct lm_result *result);
/* Appends a group with its members (copied); returns its index in *group. */
int lm__result_add_group(struct lm_result *result, const size_t *members, size_t size,
                         size_t *group);
int lm__result_add_unassigned(struct lm_result *result, size_t participant, lm_reason reason);
int lm__result_add_violation(struct lm_result *result, lm_violation kind, size_t group,
                             int64_t participant, const char *format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
/* Records the bound of a groups result and the mu of its run. */
void lm__result_set_bound(struct lm_result *result, double bound, double mu);
/* Marks the result as continuing: member_new[m] = is_new[members[m]]. */
int lm__result_mark_new(struct lm_result *result, const uint8_t *is_new);
/* Allocates the partition assignment of n items (all -1). */
int lm__result_set_items(struct lm_result *result, size_t n);

#endif
