/* A maximum flow by Dinic's algorithm: breadth-first levels from the
 * source, then blocking flows along the level graph, until the sink cannot
 * be reached (maxflow_internal.h). */
#include <string.h>

#include "engine/maxflow_internal.h"

#define NO_EDGE UINT32_MAX

int lm__flow_init(lm_flow *f, size_t nodes, size_t edges)
{
    memset(f, 0, sizeof *f);
    if (nodes >= (size_t)1 << 31 || edges >= (size_t)1 << 30)
        return LM_E_TOO_LARGE;
    f->nodes = (uint32_t)nodes;
    f->edge_capacity = (uint32_t)(2 * edges);
    size_t room = nodes ? nodes : 1;
    f->edge = lm__malloc((f->edge_capacity ? f->edge_capacity : 1) * sizeof *f->edge);
    f->first = lm__malloc(room * sizeof *f->first);
    f->level = lm__malloc(room * sizeof *f->level);
    f->cursor = lm__malloc(room * sizeof *f->cursor);
    f->queue = lm__malloc(room * sizeof *f->queue);
    if (!f->edge || !f->first || !f->level || !f->cursor || !f->queue)
        return LM_E_NOMEM;
    lm__flow_clear(f);
    return LM_OK;
}

void lm__flow_free(lm_flow *f)
{
    lm__free(f->edge);
    lm__free(f->first);
    lm__free(f->level);
    lm__free(f->cursor);
    lm__free(f->queue);
    memset(f, 0, sizeof *f);
}

void lm__flow_clear(lm_flow *f)
{
    f->edges = 0;
    for (uint32_t v = 0; v < f->nodes; v++)
        f->first[v] = NO_EDGE;
}

uint32_t lm__flow_add(lm_flow *f, uint32_t from, uint32_t to, int64_t capacity)
{
    uint32_t k = f->edges;
    f->edge[k] = (lm_flow_edge){to, f->first[from], capacity};
    f->first[from] = k;
    f->edge[k + 1] = (lm_flow_edge){from, f->first[to], 0};
    f->first[to] = k + 1;
    f->edges += 2;
    return k;
}

/* Levels by breadth-first search over edges with room; true when the sink
 * is reached. */
static bool levels(lm_flow *f, uint32_t source, uint32_t sink)
{
    for (uint32_t v = 0; v < f->nodes; v++)
        f->level[v] = UINT32_MAX;
    uint32_t head = 0, tail = 0;
    f->level[source] = 0;
    f->queue[tail++] = source;
    while (head < tail) {
        uint32_t v = f->queue[head++];
        for (uint32_t k = f->first[v]; k != NO_EDGE; k = f->edge[k].next)
            if (f->edge[k].room > 0 && f->level[f->edge[k].to] == UINT32_MAX) {
                f->level[f->edge[k].to] = f->level[v] + 1;
                f->queue[tail++] = f->edge[k].to;
            }
    }
    return f->level[sink] != UINT32_MAX;
}

/* Pushes up to `limit` from v to the sink along the level graph, moving
 * each node's cursor past edges that can take no more. */
static int64_t push(lm_flow *f, uint32_t v, uint32_t sink, int64_t limit)
{
    if (v == sink)
        return limit;
    for (; f->cursor[v] != NO_EDGE; f->cursor[v] = f->edge[f->cursor[v]].next) {
        lm_flow_edge *e = &f->edge[f->cursor[v]];
        if (e->room <= 0 || f->level[e->to] != f->level[v] + 1)
            continue;
        int64_t sent = push(f, e->to, sink, limit < e->room ? limit : e->room);
        if (sent > 0) {
            e->room -= sent;
            f->edge[f->cursor[v] ^ 1].room += sent;
            return sent;
        }
    }
    return 0;
}

int64_t lm__flow_max(lm_flow *f, uint32_t source, uint32_t sink)
{
    int64_t total = 0;
    while (levels(f, source, sink)) {
        memcpy(f->cursor, f->first, f->nodes * sizeof *f->cursor);
        int64_t sent;
        while ((sent = push(f, source, sink, LM_FLOW_UNLIMITED)) > 0)
            total += sent;
    }
    return total;
}
