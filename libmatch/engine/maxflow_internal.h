/* A maximum flow (Dinic's algorithm) for the small networks that bounds and
 * plans build: at most a few hundred thousand nodes, paths a few hundred
 * nodes deep (the augmentation is recursive). Capacities are int64_t. */
#ifndef LM_MAXFLOW_INTERNAL_H
#define LM_MAXFLOW_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "common/common_internal.h"

typedef struct lm_flow_edge {
    uint32_t to, next;
    int64_t room; /* residual capacity */
} lm_flow_edge;

typedef struct lm_flow {
    uint32_t nodes, edges, edge_capacity;
    lm_flow_edge *edge; /* edge k ^ 1 is edge k's reverse */
    uint32_t *first, *level, *cursor, *queue;
} lm_flow;

/* Room for `nodes` nodes and `edges` edges (each with its reverse);
 * LM_E_NOMEM or LM_E_TOO_LARGE past 2^31 of either. The network starts
 * empty. lm__flow_free() is safe after a failed init. */
int lm__flow_init(lm_flow *f, size_t nodes, size_t edges);
void lm__flow_free(lm_flow *f);
/* Removes every edge. */
void lm__flow_clear(lm_flow *f);
/* Adds from -> to with capacity >= 0 and returns the edge's index; at most
 * the `edges` given to init. */
uint32_t lm__flow_add(lm_flow *f, uint32_t from, uint32_t to, int64_t capacity);
/* Raises the flow from source to sink to a maximum and returns what it
 * added; lm__flow_sent() then gives what goes through an edge. */
int64_t lm__flow_max(lm_flow *f, uint32_t source, uint32_t sink);
static inline int64_t lm__flow_sent(const lm_flow *f, uint32_t edge)
{
    return f->edge[edge ^ 1].room;
}

#define LM_FLOW_UNLIMITED (INT64_MAX / 4)

#endif
