/* Exact maximum-weight bipartite matching in which anybody may stay
 * unmatched: the solver behind pairs mode (DESIGN.md, "Modes").
 *
 * Rows and columns are the two sides (newcomers and residents in pairs.c).
 * A row matched to a column earns its weight; an unmatched row or column
 * earns 0, so an edge whose weight is <= 0 (or NaN, or -INFINITY) is never
 * used. The solvers maximise the sum of the used weights exactly.
 *
 * Both are shortest augmenting path methods with potentials (the
 * augmentation of Jonker and Volgenant), processing rows in index order and
 * breaking ties towards the lowest index, so equal inputs give equal
 * matchings. */
#ifndef LM_ASSIGNMENT_INTERNAL_H
#define LM_ASSIGNMENT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "common/common_internal.h"

/* The largest side either solver accepts (indices are 32-bit inside). */
#define LM_ASSIGN_MAX_SIDE ((size_t)INT32_MAX - 1)

/* Called after each row is settled with the number settled so far and the
 * weight matched so far; a non-zero return stops the solver with
 * LM_E_CANCELLED. */
typedef int (*lm_assign_tick_fn)(void *context, size_t rows_done, size_t rows_total,
                                 double matched_weight);

typedef struct lm_assign_control {
    lm_assign_tick_fn tick; /* may be NULL */
    void *context;
} lm_assign_control;

/* A bipartite graph as compressed rows: the edges of row r are
 * col[row_start[r] .. row_start[r+1]) with weight[...]. Ties between equal
 * weights go to the edge listed first, so list a row's edges by ascending
 * column for "lowest index" tie-breaking. A row should not list a column
 * twice. */
typedef struct lm_bipartite {
    size_t rows, cols;
    const size_t *row_start; /* rows + 1 entries */
    const uint32_t *col;
    const double *weight;
} lm_bipartite;

/* Dense: weight is rows x cols, row-major. Fills match[0..rows) with the
 * column of each row or -1, and *total (may be NULL) with the summed weight
 * of the matched pairs. Solves the graph of the positive entries with the
 * sparse solver: O(positive entries) memory beyond the matrix. */
int lm__assign_dense(size_t rows, size_t cols, const double *weight,
                     const lm_assign_control *control, int64_t *match, double *total);

/* Sparse: exact on the given graph; O(rows + cols) memory beyond it. A
 * search is O(E log E) in the worst case, so O(rows E log E) in all. */
int lm__assign_sparse(const lm_bipartite *graph, const lm_assign_control *control,
                      int64_t *match, double *total);

#endif
