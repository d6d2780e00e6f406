/* The edge list of pairs mode: feasible pairs with their weights, built in
 * chunks (possibly on several threads) and merged in chunk order, so the
 * graph never depends on the number of threads (pairs_internal.h). */
#include <string.h>

#include "pairs/pairs_internal.h"

void lm__pair_edges_free(lm_pair_edges *e)
{
    lm__free(e->row);
    lm__free(e->col);
    lm__free(e->weight);
    memset(e, 0, sizeof *e);
}

int lm__pair_edges_reserve(lm_pair_edges *e, size_t needed)
{
    if (needed <= e->capacity)
        return LM_OK;
    size_t capacity = e->capacity ? e->capacity : 1024;
    while (capacity < needed)
        capacity *= 2;
    uint32_t *row = lm__reallocarray(e->row, capacity, sizeof *row);
    if (!row)
        return LM_E_NOMEM;
    e->row = row;
    uint32_t *col = lm__reallocarray(e->col, capacity, sizeof *col);
    if (!col)
        return LM_E_NOMEM;
    e->col = col;
    double *weight = lm__reallocarray(e->weight, capacity, sizeof *weight);
    if (!weight)
        return LM_E_NOMEM;
    e->weight = weight;
    e->capacity = capacity;
    return LM_OK;
}

int lm__pair_edges_merge(lm_pair_edges *e, lm_pair_edges *chunks, size_t chunk_count,
                         size_t rows)
{
    size_t n = 0;
    for (size_t c = 0; c < chunk_count; c++)
        n += chunks[c].count;
    size_t *start = lm__calloc(rows + 2, sizeof *start);
    int status = start ? lm__pair_edges_reserve(e, n ? n : 1) : LM_E_NOMEM;
    if (status != LM_OK) {
        lm__free(start);
        return LM_E_NOMEM;
    }
    for (size_t c = 0; c < chunk_count; c++)
        for (size_t k = 0; k < chunks[c].count; k++)
            start[chunks[c].row[k] + 2]++;
    for (size_t r = 0; r < rows; r++)
        start[r + 2] += start[r + 1];
    for (size_t c = 0; c < chunk_count; c++) {
        for (size_t k = 0; k < chunks[c].count; k++) {
            size_t at = start[chunks[c].row[k] + 1]++;
            e->row[at] = chunks[c].row[k];
            e->col[at] = chunks[c].col[k];
            e->weight[at] = chunks[c].weight[k];
        }
        lm__pair_edges_free(&chunks[c]);
    }
    size_t out = 0;
    for (size_t r = 0; r < rows; r++) {
        size_t lo = start[r], hi = start[r + 1];
        for (size_t k = lo + 1; k < hi; k++) { /* insertion sort: rows are short */
            uint32_t c = e->col[k];
            double w = e->weight[k];
            size_t at = k;
            while (at > lo && e->col[at - 1] > c) {
                e->col[at] = e->col[at - 1];
                e->weight[at] = e->weight[at - 1];
                at--;
            }
            e->col[at] = c;
            e->weight[at] = w;
        }
        for (size_t k = lo; k < hi; k++) {
            if (k > lo && e->col[k] == e->col[k - 1])
                continue;
            e->row[out] = (uint32_t)r;
            e->col[out] = e->col[k];
            e->weight[out] = e->weight[k];
            out++;
        }
    }
    e->count = out;
    lm__free(start);
    return LM_OK;
}

