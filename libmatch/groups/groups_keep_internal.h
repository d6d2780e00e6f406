/* Continuing groups and exclusions in a run of lm_groups_form()
 * (groups_keep.c): before the phases, the kept groups (with the new
 * sign-ups who join them) are settled and everybody else is handed to the
 * phases through a region filter; after them, the kept groups join the
 * run's groups and the result marks who is new. */
#ifndef LM_GROUPS_KEEP_INTERNAL_H
#define LM_GROUPS_KEEP_INTERNAL_H

#include "groups/groups_job_internal.h"

typedef struct lm_groups_keep {
    bool active;            /* a keep file or exclusions: the filter applies */
    lm_region_filter filter;
    uint8_t *people;        /* the filter's people: 1 = left to the phases */
    uint8_t *venues;        /* venues with room after the kept groups */
    uint32_t *room;         /* groups each venue can still host in a week */
    uint32_t *used;         /* by venue * slot count + slot: kept groups' places */
    lm_region_out kept;     /* the kept groups with the people who joined them */
    int64_t *kept_of;       /* by person: the keep file's number of their kept group, -1 */
    uint8_t *is_new;        /* by person: in no kept group of the keep file */
    bool committed;         /* kept now belongs to the job's outs */
} lm_groups_keep;

/* Checks the run's constraints and settles the kept groups. */
int lm__groups_keep_begin(const lm_pool *pool, const lm_params *params, lm_groups_keep *keep,
                          lm_object *error);
/* Appends the kept groups to the job's outs (after the seam phase, before
 * the phases that take stock of venue capacity). */
int lm__groups_keep_commit(lm_groups_job *j, lm_groups_keep *keep);
/* Marks the result: new members, the kept group each group continues,
 * kept groups still below the minimum size or mix as violations. */
int lm__groups_keep_finish(const lm_pool *pool, const lm_params *params,
                           const lm_groups_keep *keep, lm_result *result);
void lm__groups_keep_free(lm_groups_keep *keep);

#endif
