/* An upper bound on the total of every feasible grouping of a pool
 * (lm_groups_bound(); docs/solver.md, "Bounds", proves each step):
 * bound.c finds who could be placed and adds up the total, bound_shares.c
 * gives each person their largest possible share of a group's score. */
#ifndef LM_BOUND_INTERNAL_H
#define LM_BOUND_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/model_internal.h"
#include "model/params_internal.h"

/* The bound and the numbers it was built from, for tests and benchmarks. */
typedef struct lm_bound_detail {
    double bound;        /* never below the total of a feasible grouping */
    size_t placeable;    /* people some group could hold (the rest are always out) */
    size_t newcomers;    /* of them, by role */
    size_t residents;
    size_t most[2];      /* newcomers and residents a grouping can place (bound_flow.c) */
    size_t placed;       /* people placed where the bound is reached */
    size_t max_groups;   /* groups the venues can host (SIZE_MAX without venues) */
    bool pairwise;       /* partner maxima were computed pair by pair (small pools) */
} lm_bound_detail;

/* Computes the bound of pool under params (already validated). */
int lm__groups_bound(const lm_pool *pool, const lm_params *params, lm_bound_detail *detail);
/* The same, comparing partners pair by pair up to `pairwise` placeable
 * people (LM_BOUND_PAIRWISE by default; tests use 0 to check the tables). */
int lm__groups_bound_pairwise(const lm_pool *pool, const lm_params *params, size_t pairwise,
                              lm_bound_detail *detail);

/* Computes the bound and records it on a groups result, with the mu it is
 * measured against (lm_result_gap()). */
int lm__groups_bound_store(const lm_pool *pool, const lm_params *params, lm_result *result);

/* ---- between bound.c and bound_shares.c ----------------------------------- */

/* Per person, in flat arrays (a pass over them touches no participant). A
 * "class" is a language (or the one class 0 when languages do not split
 * the pool): every group meets in one class and one slot. */
typedef struct lm_bound_work {
    const lm_pool *pool;
    const lm_params *params;
    size_t n, topics;
    uint64_t all_slots;
    bool split;               /* classes are languages */
    uint64_t used;            /* classes that occur */
    uint64_t *spoken;         /* languages given (0: none) */
    uint8_t *flags;           /* lm_role, | LM_BOUND_HOST for willing hosts */
    uint64_t *slots;          /* slots they could meet at */
    uint64_t *classes;        /* classes with a slot where a group could form */
    unsigned char *placeable; /* some group could hold them */
    double *norm;             /* |x|, |o|, |w| (placeable people only) */
    double *theme;            /* max_t x[t] */
    double *shared;           /* the partner maxima of the shared term */
    double *teach;            /* ... of what they teach the other role */
    double *learn;            /* ... of what the other role teaches them */
    double *joint;            /* pair by pair only (else NULL): per person and split
                                 theta (LM_BOUND_THETAS), a bound on beta shared +
                                 gamma exchange with one set of partners for both */
    uint32_t *counts;         /* per class, slot and role; then per slot and role for
                                 the language-less, who count in every class */
    uint64_t ok_slots[64];    /* per class: slots where its people could form a group */
} lm_bound_work;

/* The splits theta of min(A, B) <= theta A + (1 - theta) B tried for the
 * exchange term: the bound is the smallest over them. */
#define LM_BOUND_THETAS {0.0, 0.5, 1.0}
#define LM_BOUND_THETA_COUNT 3

#define LM_BOUND_ROLE 1
#define LM_BOUND_HOST 2

static inline int lm__bound_role(const lm_bound_work *w, size_t i)
{
    return w->flags[i] & LM_BOUND_ROLE;
}

/* The classes person i belongs to: the languages they speak, or every class
 * when they gave none (an empty set matches every language). */
static inline uint64_t lm__bound_person_classes(const lm_bound_work *w, size_t i)
{
    if (!w->split)
        return 1;
    return w->spoken[i] ? w->spoken[i] : w->used;
}

/* The shares from per-class topic tables, or (for at most LM_BOUND_PAIRWISE
 * placeable people) also pair by pair, which rules out who has too few
 * partners and keeps the smaller of the two values. Both fill norm, theme,
 * shared, teach and learn of the placeable. */
#define LM_BOUND_PAIRWISE 1200
/* Counts the classes again over the placeable and drops who is left
 * without one; true when anyone was dropped (bound.c). */
bool lm__bound_class_pass(lm_bound_work *w);
int lm__bound_shares_pairwise(lm_bound_work *w);
int lm__bound_shares_tables(lm_bound_work *w);

/* The most newcomers (most[LM_NEWCOMER]) and residents any grouping can
 * place, from a maximum flow through the classes between the roles
 * (bound_flow.c); SIZE_MAX where no limit was computed. */
int lm__bound_role_flow(const lm_bound_work *w, size_t most[2]);

#endif
