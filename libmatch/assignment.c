/* Exact maximum-weight bipartite matching with optional partners
 * (assignment_internal.h).
 *
 * Both solvers minimise costs c = -weight, clipped so that an edge not worth
 * using costs nothing, and keep the Jonker-Volgenant invariants: column
 * potentials v, implicit row potentials u_i = c(i, col_of_row[i]) - v, every
 * reduced cost c - u - v >= 0 and matched edges at 0. A free row is then
 * matched by one Dijkstra search over reduced costs (shortest augmenting
 * path), after which the potentials of the scanned columns are lowered so the
 * invariants hold again. Scans go by ascending index with strict comparisons,
 * which makes ties go to the lowest index.
 *
 * Dense (rows <= cols, else the transpose): an edge not worth using costs
 *   0, so "matched at cost 0" means unmatched. Potentials start at 0 and
 *   stay 0 on free columns (optimality of a rectangular assignment needs
 *   that); rows start at their cheapest column when it is free, and rows
 *   with nothing worth using sit out. JV's column reduction and augmenting
 *   row reduction are left out on purpose: measured on pair matrices, where
 *   many people end up alone (at a cost-0 column), the searches had to undo
 *   them (20 times and 2 times the work).
 * Sparse: every row also owns a private "unmatched" column of cost 0, so the
 *   problem is a rectangular assignment in which every row has a partner.
 *   Only the owner can reach it, so it needs no storage, its potential stays
 *   0, and a row parked there is never touched again. Searches use a binary
 *   heap and touch only what they reach (stamps instead of clearing). */
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "assignment_internal.h"

static inline double clipped_cost(double weight)
{
    return weight > 0.0 ? -weight : 0.0;
}

static int tick(const lm_assign_control *control, size_t done, size_t total, double matched)
{
    if (control && control->tick && control->tick(control->context, done, total, matched))
        return LM_E_CANCELLED;
    return LM_OK;
}

/* ======================================================================== */
/* Dense                                                                     */
/* ======================================================================== */

typedef struct dense_solver {
    size_t rows, cols; /* rows <= cols */
    const double *weight;
    double *v, *dist;
    int32_t *row_of_col, *col_of_row, *pred, *scanned_list;
    uint8_t *scanned;
    double matched; /* weight matched so far, for progress reports */
} dense_solver;

static double dense_cost(const dense_solver *s, int32_t row, int32_t col)
{
    return clipped_cost(s->weight[(size_t)row * s->cols + (size_t)col]);
}

static void dense_assign(dense_solver *s, int32_t row, int32_t col)
{
    s->col_of_row[row] = col;
    s->row_of_col[col] = row;
}

/* Is (d, free, col) a better search candidate than the current best? Lower
 * distance first, then a free column (the search can stop), then the lower
 * index; callers scan ascending, so the index test is implicit. */
static inline bool dense_better(double d, bool is_free, double best, bool best_free)
{
    return d < best || (d == best && is_free && !best_free);
}

/* One shortest augmenting path from the free row `start`. */
static void dense_augment(dense_solver *s, int32_t start)
{
    size_t cols = s->cols;
    const double *row = s->weight + (size_t)start * cols;
    double best = INFINITY;
    int32_t best_col = -1;
    bool best_free = false;
    /* Labels from the start row with u_start taken as 0: a constant shift of
     * every first label, which Dijkstra does not mind. */
    for (size_t j = 0; j < cols; j++) {
        double d = clipped_cost(row[j]) - s->v[j];
        s->dist[j] = d;
        s->pred[j] = start;
        s->scanned[j] = 0;
        bool is_free = s->row_of_col[j] < 0;
        if (best_col < 0 || dense_better(d, is_free, best, best_free)) {
            best = d;
            best_col = (int32_t)j;
            best_free = is_free;
        }
    }
    size_t scanned_count = 0;
    while (!best_free) {
        int32_t col = best_col;
        s->scanned[col] = 1;
        s->scanned_list[scanned_count++] = col;
        int32_t i = s->row_of_col[col];
        const double *ri = s->weight + (size_t)i * cols;
        /* dist(col) - u_i, where u_i = c(i, col) - v(col) as col is i's */
        double base = best - (clipped_cost(ri[col]) - s->v[col]);
        best = INFINITY;
        best_col = -1;
        for (size_t j = 0; j < cols; j++) {
            if (s->scanned[j])
                continue;
            double d = base + clipped_cost(ri[j]) - s->v[j];
            if (d < s->dist[j]) {
                s->dist[j] = d;
                s->pred[j] = i;
            } else {
                d = s->dist[j];
            }
            bool is_free = s->row_of_col[j] < 0;
            if (best_col < 0 || dense_better(d, is_free, best, best_free)) {
                best = d;
                best_col = (int32_t)j;
                best_free = is_free;
            }
        }
    }
    for (size_t k = 0; k < scanned_count; k++) {
        int32_t j = s->scanned_list[k];
        s->v[j] += s->dist[j] - best;
    }
    int32_t col = best_col;
    for (;;) {
        int32_t i = s->pred[col];
        int32_t previous = s->col_of_row[i];
        if (previous >= 0)
            s->matched -= -dense_cost(s, i, previous);
        s->matched += -dense_cost(s, i, col);
        dense_assign(s, i, col);
        if (i == start)
            break;
        col = previous;
    }
}

/* Start: v = 0, each row at its cheapest column when free. Rows that have
 * no edge worth using are left out (match -1). */
static size_t dense_start(dense_solver *s, int32_t *free_rows)
{
    size_t free_count = 0;
    for (size_t j = 0; j < s->cols; j++)
        s->v[j] = 0.0;
    for (size_t i = 0; i < s->rows; i++) {
        const double *ri = s->weight + i * s->cols;
        double first = 0.0;
        int32_t first_col = -1;
        for (size_t j = 0; j < s->cols; j++) {
            double c = clipped_cost(ri[j]);
            if (c < first) {
                first = c;
                first_col = (int32_t)j;
            }
        }
        if (first_col < 0)
            continue;
        if (s->row_of_col[first_col] < 0)
            dense_assign(s, (int32_t)i, first_col);
        else
            free_rows[free_count++] = (int32_t)i;
    }
    return free_count;
}

static void dense_free(dense_solver *s)
{
    lm__free(s->v);
    lm__free(s->dist);
    lm__free(s->row_of_col);
    lm__free(s->col_of_row);
    lm__free(s->pred);
    lm__free(s->scanned_list);
    lm__free(s->scanned);
}

/* rows <= cols; match has `rows` entries. */
static int dense_solve(size_t rows, size_t cols, const double *weight,
                       const lm_assign_control *control, int64_t *match)
{
    dense_solver s = {rows, cols, weight, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0.0};
    int32_t *free_rows = NULL;
    s.v = lm__malloc(cols * sizeof *s.v);
    s.dist = lm__malloc(cols * sizeof *s.dist);
    s.row_of_col = lm__malloc(cols * sizeof *s.row_of_col);
    s.col_of_row = lm__malloc(rows * sizeof *s.col_of_row);
    s.pred = lm__malloc(cols * sizeof *s.pred);
    s.scanned_list = lm__malloc(cols * sizeof *s.scanned_list);
    s.scanned = lm__malloc(cols);
    free_rows = lm__malloc(rows * sizeof *free_rows);
    int status = LM_E_NOMEM;
    if (!s.v || !s.dist || !s.row_of_col || !s.col_of_row || !s.pred || !s.scanned_list ||
        !s.scanned || !free_rows)
        goto done;
    for (size_t j = 0; j < cols; j++)
        s.row_of_col[j] = -1;
    for (size_t i = 0; i < rows; i++)
        s.col_of_row[i] = -1;
    size_t free_count = dense_start(&s, free_rows);
    for (size_t i = 0; i < rows; i++)
        if (s.col_of_row[i] >= 0)
            s.matched += -dense_cost(&s, (int32_t)i, s.col_of_row[i]);
    size_t settled = rows - free_count;
    status = tick(control, settled, rows, s.matched);
    for (size_t k = 0; k < free_count && status == LM_OK; k++) {
        dense_augment(&s, free_rows[k]);
        status = tick(control, ++settled, rows, s.matched);
    }
    if (status == LM_OK)
        for (size_t i = 0; i < rows; i++) {
            int32_t col = s.col_of_row[i];
            match[i] = col >= 0 && weight[i * cols + (size_t)col] > 0.0 ? col : -1;
        }
done:
    dense_free(&s);
    lm__free(free_rows);
    return status;
}

int lm__assign_dense(size_t rows, size_t cols, const double *weight,
                     const lm_assign_control *control, int64_t *match, double *total)
{
    if ((rows && cols && !weight) || (rows && !match))
        return LM_E_INVALID;
    if (rows > LM_ASSIGN_MAX_SIDE || cols > LM_ASSIGN_MAX_SIDE ||
        (cols && rows > SIZE_MAX / sizeof(double) / cols))
        return LM_E_TOO_LARGE;
    if (total)
        *total = 0.0;
    for (size_t i = 0; i < rows; i++)
        match[i] = -1;
    if (rows == 0 || cols == 0)
        return tick(control, rows, rows, 0.0);

    int status;
    if (rows <= cols) {
        status = dense_solve(rows, cols, weight, control, match);
    } else {
        /* Searches read rows in memory order, so the longer side must be
         * the columns: solve the transpose. */
        double *transposed = lm__malloc(rows * cols * sizeof *transposed);
        int64_t *match_of_col = lm__malloc(cols * sizeof *match_of_col);
        status = LM_E_NOMEM;
        if (transposed && match_of_col) {
            for (size_t i = 0; i < rows; i++)
                for (size_t j = 0; j < cols; j++)
                    transposed[j * rows + i] = weight[i * cols + j];
            status = dense_solve(cols, rows, transposed, control, match_of_col);
            if (status == LM_OK)
                for (size_t j = 0; j < cols; j++)
                    if (match_of_col[j] >= 0)
                        match[match_of_col[j]] = (int64_t)j;
        }
        lm__free(transposed);
        lm__free(match_of_col);
    }
    if (status != LM_OK) {
        for (size_t i = 0; i < rows; i++)
            match[i] = -1;
        return status;
    }
    if (total) {
        double sum = 0.0;
        for (size_t i = 0; i < rows; i++)
            if (match[i] >= 0)
                sum += weight[i * cols + (size_t)match[i]];
        *total = sum;
    }
    return LM_OK;
}

/* ======================================================================== */
/* Sparse                                                                    */
/* ======================================================================== */

/* A heap entry; stale entries (a column labelled again lower, or scanned)
 * are skipped when popped. `rank` is 0 for a free column, 1 otherwise. */
typedef struct heap_entry {
    double key;
    uint32_t col;
    uint32_t rank;
} heap_entry;

typedef struct sparse_solver {
    const lm_bipartite *graph;
    size_t rows, cols;
    double *v, *dist, *pred_cost; /* by real column */
    int32_t *pred, *row_of_col;   /* by real column */
    uint32_t *labelled, *scanned; /* search stamps, by real column */
    int64_t *col_of_row;          /* -1 free; cols + r: parked unmatched */
    double *own_cost;             /* c(r, col_of_row[r]) */
    int32_t *scanned_list;
    heap_entry *heap;
    size_t heap_count, heap_capacity;
    uint32_t stamp;
    double matched;
} sparse_solver;

static inline bool heap_less(const heap_entry *a, const heap_entry *b)
{
    if (a->key != b->key)
        return a->key < b->key;
    if (a->rank != b->rank)
        return a->rank < b->rank;
    return a->col < b->col;
}

static int heap_push(sparse_solver *s, double key, uint32_t col, uint32_t rank)
{
    if (lm__grow((void **)&s->heap, &s->heap_capacity, s->heap_count + 1, sizeof *s->heap) !=
        LM_OK)
        return LM_E_NOMEM;
    heap_entry entry = {key, col, rank};
    size_t k = s->heap_count++;
    while (k > 0) {
        size_t parent = (k - 1) / 2;
        if (!heap_less(&entry, &s->heap[parent]))
            break;
        s->heap[k] = s->heap[parent];
        k = parent;
    }
    s->heap[k] = entry;
    return LM_OK;
}

static heap_entry heap_pop(sparse_solver *s)
{
    heap_entry top = s->heap[0];
    heap_entry last = s->heap[--s->heap_count];
    size_t n = s->heap_count, k = 0;
    for (;;) {
        size_t child = 2 * k + 1;
        if (child >= n)
            break;
        if (child + 1 < n && heap_less(&s->heap[child + 1], &s->heap[child]))
            child++;
        if (!heap_less(&s->heap[child], &last))
            break;
        s->heap[k] = s->heap[child];
        k = child;
    }
    if (n)
        s->heap[k] = last;
    return top;
}

/* Labels the columns reachable from `row`, which is reached at `base` =
 * dist - u_row, and its private unmatched column. */
static int sparse_relax(sparse_solver *s, int32_t row, double base)
{
    const lm_bipartite *g = s->graph;
    for (size_t e = g->row_start[row]; e < g->row_start[row + 1]; e++) {
        double w = g->weight[e];
        if (!(w > 0.0))
            continue;
        uint32_t j = g->col[e];
        if (s->scanned[j] == s->stamp)
            continue;
        double d = base - w - s->v[j];
        if (s->labelled[j] == s->stamp && !(d < s->dist[j]))
            continue;
        s->labelled[j] = s->stamp;
        s->dist[j] = d;
        s->pred[j] = row;
        s->pred_cost[j] = -w;
        if (heap_push(s, d, j, s->row_of_col[j] < 0 ? 0 : 1) != LM_OK)
            return LM_E_NOMEM;
    }
    /* The private column costs 0 and its potential is always 0. */
    return heap_push(s, base, (uint32_t)(s->cols + (size_t)row), 0);
}

static int sparse_augment(sparse_solver *s, int32_t start)
{
    size_t cols = s->cols;
    s->stamp++;
    if (s->stamp == 0) { /* wrapped: forget every old stamp */
        memset(s->labelled, 0, cols * sizeof *s->labelled);
        memset(s->scanned, 0, cols * sizeof *s->scanned);
        s->stamp = 1;
    }
    s->heap_count = 0;
    size_t scanned_count = 0;
    int status = sparse_relax(s, start, 0.0);
    if (status != LM_OK)
        return status;
    heap_entry sink;
    for (;;) {
        /* Never empty: the start row's private column is in the heap. */
        heap_entry top = heap_pop(s);
        if (top.col >= cols) {
            sink = top;
            break;
        }
        uint32_t j = top.col;
        if (s->scanned[j] == s->stamp || top.key > s->dist[j])
            continue;
        if (s->row_of_col[j] < 0) {
            sink = top;
            break;
        }
        s->scanned[j] = s->stamp;
        s->scanned_list[scanned_count++] = (int32_t)j;
        int32_t row = s->row_of_col[j];
        double u = s->own_cost[row] - s->v[j];
        status = sparse_relax(s, row, top.key - u);
        if (status != LM_OK)
            return status;
    }
    for (size_t k = 0; k < scanned_count; k++) {
        int32_t j = s->scanned_list[k];
        s->v[j] += s->dist[j] - sink.key;
    }
    int64_t col = sink.col;
    int32_t row = col >= (int64_t)cols ? (int32_t)(col - (int64_t)cols) : s->pred[col];
    for (;;) {
        int64_t previous = s->col_of_row[row];
        double cost = col >= (int64_t)cols ? 0.0 : s->pred_cost[col];
        s->matched += s->own_cost[row] - cost; /* own_cost is 0 for a free row */
        s->col_of_row[row] = col;
        s->own_cost[row] = cost;
        if (col < (int64_t)cols)
            s->row_of_col[col] = row;
        if (row == start)
            break;
        col = previous;
        row = s->pred[col];
    }
    return LM_OK;
}

static void sparse_free(sparse_solver *s)
{
    lm__free(s->v);
    lm__free(s->dist);
    lm__free(s->pred_cost);
    lm__free(s->pred);
    lm__free(s->row_of_col);
    lm__free(s->labelled);
    lm__free(s->scanned);
    lm__free(s->col_of_row);
    lm__free(s->own_cost);
    lm__free(s->scanned_list);
    lm__free(s->heap);
}

int lm__assign_sparse(const lm_bipartite *graph, const lm_assign_control *control,
                      int64_t *match, double *total)
{
    if (!graph || (graph->rows && (!match || !graph->row_start)))
        return LM_E_INVALID;
    size_t rows = graph->rows, cols = graph->cols;
    if (rows > LM_ASSIGN_MAX_SIDE || cols > LM_ASSIGN_MAX_SIDE)
        return LM_E_TOO_LARGE;
    if (total)
        *total = 0.0;
    for (size_t i = 0; i < rows; i++)
        match[i] = -1;
    if (rows && graph->row_start[rows] && (!graph->col || !graph->weight))
        return LM_E_INVALID;
    for (size_t e = 0; rows && e < graph->row_start[rows]; e++)
        if (graph->col[e] >= cols)
            return LM_E_INVALID;

    sparse_solver s;
    memset(&s, 0, sizeof s);
    s.graph = graph;
    s.rows = rows;
    s.cols = cols;
    size_t c = cols ? cols : 1, r = rows ? rows : 1;
    s.v = lm__calloc(c, sizeof *s.v);
    s.dist = lm__malloc(c * sizeof *s.dist);
    s.pred_cost = lm__malloc(c * sizeof *s.pred_cost);
    s.pred = lm__malloc(c * sizeof *s.pred);
    s.row_of_col = lm__malloc(c * sizeof *s.row_of_col);
    s.labelled = lm__calloc(c, sizeof *s.labelled);
    s.scanned = lm__calloc(c, sizeof *s.scanned);
    s.col_of_row = lm__malloc(r * sizeof *s.col_of_row);
    s.own_cost = lm__calloc(r, sizeof *s.own_cost);
    s.scanned_list = lm__malloc(c * sizeof *s.scanned_list);
    int32_t *free_rows = lm__malloc(r * sizeof *free_rows);
    int status = LM_E_NOMEM;
    if (!s.v || !s.dist || !s.pred_cost || !s.pred || !s.row_of_col || !s.labelled ||
        !s.scanned || !s.col_of_row || !s.own_cost || !s.scanned_list || !free_rows)
        goto done;
    for (size_t j = 0; j < cols; j++)
        s.row_of_col[j] = -1;

    /* Start: each row at its best edge when that column is still free; a
     * row with no edge worth using is parked unmatched for good. */
    size_t free_count = 0;
    for (size_t i = 0; i < rows; i++) {
        double best = 0.0;
        int64_t best_col = -1;
        for (size_t e = graph->row_start[i]; e < graph->row_start[i + 1]; e++)
            if (graph->weight[e] > best) {
                best = graph->weight[e];
                best_col = graph->col[e];
            }
        if (best_col < 0) {
            s.col_of_row[i] = (int64_t)(cols + i);
        } else if (s.row_of_col[best_col] < 0) {
            s.col_of_row[i] = best_col;
            s.row_of_col[best_col] = (int32_t)i;
            s.own_cost[i] = -best;
            s.matched += best;
        } else {
            s.col_of_row[i] = -1;
            free_rows[free_count++] = (int32_t)i;
        }
    }
    size_t settled = rows - free_count;
    status = tick(control, settled, rows, s.matched);
    for (size_t k = 0; k < free_count && status == LM_OK; k++) {
        status = sparse_augment(&s, free_rows[k]);
        if (status == LM_OK)
            status = tick(control, ++settled, rows, s.matched);
    }
    if (status == LM_OK) {
        double sum = 0.0;
        for (size_t i = 0; i < rows; i++)
            if (s.col_of_row[i] >= 0 && s.col_of_row[i] < (int64_t)cols) {
                match[i] = s.col_of_row[i];
                sum -= s.own_cost[i];
            }
        if (total)
            *total = sum;
    }
done:
    sparse_free(&s);
    lm__free(free_rows);
    return status;
}
