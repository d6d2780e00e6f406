/* A grouping made by hand, to be evaluated. */
#ifndef LM_GROUPING_INTERNAL_H
#define LM_GROUPING_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "common/common_internal.h"

struct lm_grouping {
    lm_object base;
    int64_t *group_of;       /* by participant; -1 = not in any group */
    size_t participant_capacity;
    size_t group_count;      /* 1 + the highest group number used */
    int *slot;               /* by group; -1 = let evaluation choose */
    int *venue;              /* by group; -1 = let evaluation choose */
    size_t group_capacity;
    /* Group numbers of the file a grouping was read from, by group, for
     * the first number_count groups (the others are numbered index + 1). */
    uint64_t *number;
    size_t number_count;
};

#endif
