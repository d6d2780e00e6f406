/* One run of the group engine as its phases see it: the regions of a phase,
 * solved on threads (groups.c), and what each region hands back; the
 * phases themselves and the result are in groups_form.c. */
#ifndef LM_GROUPS_JOB_INTERNAL_H
#define LM_GROUPS_JOB_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include "groups/groups_internal.h"

/* What one region hands back. */
typedef struct lm_region_out {
    size_t *members;   /* concatenated groups, each ascending */
    uint32_t *sizes;
    int *slots, *venues; /* venue as a pool index */
    size_t group_count;
    uint32_t *unassigned;
    lm_reason *reasons;
    size_t unassigned_count;
    double total;      /* the region's objective: its groups' values - mu x its unassigned */
} lm_region_out;

/* One phase: its regions and their outs. */
typedef struct lm_groups_job {
    const lm_pool *pool;
    const lm_params *params;
    const lm_regions *regions;
    lm_region_out *outs;
    size_t out_count;           /* outs of this phase, then of the next one */
    const uint32_t *base_used;  /* venue capacity used by an earlier phase */
    const uint32_t *kept_used;  /* venue capacity kept groups hold (groups_keep.c):
                                   taken like base_used, but the search runs */
    uint64_t stream;            /* random stream of region r: stream + r */
    bool filling;               /* the fill: regions report groups only */
    /* The seam phase: region r starts from the groups initial[r] (members,
     * slots, venues) instead of building its own (NULL: build). */
    const lm_region_out *initial;
    atomic_size_t next;
    atomic_size_t done;
    atomic_int stop;
    atomic_int status;
    struct timespec start;
    pthread_mutex_t lock;       /* guards finished_total */
    /* The whole run's objective with the regions finished so far (for
     * progress reports). */
    double finished_total;
    double pending_total;       /* the regions not done yet, at their baseline
                                   (groups.c); guarded by lock */
    double *baseline;           /* seam phase, by region: the total it started
                                   from (resume()), for the progress total */
} lm_groups_job;

/* Seconds since j->start. */
double lm__groups_elapsed(const lm_groups_job *j);
/* Solves region r of j into j->outs[r]. */
int lm__groups_solve_region(lm_groups_job *j, size_t r, bool main_thread);
/* Solves every region of j on params->threads threads (the caller's
 * included); the status of the first failure, or LM_E_CANCELLED. */
int lm__groups_run_phase(lm_groups_job *j);
/* The seam phase (groups_seams.c): the pool cut again into regions of about
 * `target` people with the cuts moved by half a region, each starting from
 * the groups of `first`, which it replaces. Pools without venues. */
int lm__groups_seam_phase(lm_groups_job *first, size_t target);
void lm__groups_out_free(lm_region_out *out);
void lm__groups_outs_free(lm_region_out *outs, size_t count);

#endif
