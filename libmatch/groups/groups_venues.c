/* Placing a region's groups on (venue, slot) pairs without exceeding any
 * venue's capacity in a slot: a bipartite b-matching solved with augmenting
 * paths, so that as many groups as possible get a place. Each group tries its
 * nearest venues first. */
#include <math.h>
#include <stdlib.h>

#include "groups/groups_internal.h"

typedef struct option {
    uint32_t node; /* venue * slots + slot */
    double cost;   /* total distance of the located members to the venue */
} option;

typedef struct matcher {
    const lm_gstate *state;
    uint32_t slot_count;
    option *options;      /* group g: options[first[g] .. first[g+1]) */
    uint32_t *first;
    uint32_t *node_of;    /* by group; UINT32_MAX = unplaced */
    uint32_t *used;       /* by node */
    uint32_t *capacity;   /* by node */
    uint32_t *visited;    /* by node: the round that last visited it */
    uint32_t round;
} matcher;

static int compare_options(const void *a, const void *b)
{
    const option *x = a, *y = b;
    if (x->cost != y->cost)
        return x->cost < y->cost ? -1 : 1;
    return (x->node > y->node) - (x->node < y->node);
}

static double members_distance(const lm_gstate *s, uint32_t g, const lm_venue *venue)
{
    double total = 0.0;
    const uint32_t *members = s->members + (size_t)g * s->max_size;
    for (uint32_t m = 0; m < s->size[g]; m++) {
        const lm_item *item = &s->items[members[m]];
        if (item->located)
            total += lm_distance_km(item->lat, item->lon, venue->lat, venue->lon);
    }
    return total;
}

static uint32_t count_options(const lm_gstate *s, uint32_t g)
{
    uint32_t count = 0;
    for (uint32_t v = 0; v < s->venue_count; v++)
        if (s->reach[g] >> v & 1)
            for (uint64_t open = s->venue_open[v] & s->slots[g]; open; open &= open - 1)
                count++;
    return count;
}

/* Augmenting path from group g (depth-first, nearest options first). */
static bool augment(matcher *m, uint32_t g)
{
    for (uint32_t k = m->first[g]; k < m->first[g + 1]; k++) {
        uint32_t node = m->options[k].node;
        if (m->visited[node] == m->round)
            continue;
        m->visited[node] = m->round;
        if (m->used[node] < m->capacity[node]) {
            m->used[node]++;
            m->node_of[g] = node;
            return true;
        }
        for (uint32_t h = 0; h < m->state->group_count; h++) {
            if (m->node_of[h] != node || h == g)
                continue;
            if (augment(m, h)) {
                m->node_of[g] = node;
                return true;
            }
        }
    }
    return false;
}

static int lowest_bit(uint64_t mask)
{
    for (int bit = 0; bit < 64; bit++)
        if (mask >> bit & 1)
            return bit;
    return -1;
}

int lm__groups_place(const lm_gstate *s, int *slot_of, int *venue_of)
{
    uint32_t groups = s->group_count;
    for (uint32_t g = 0; g < groups; g++) {
        slot_of[g] = -1;
        venue_of[g] = -1;
    }
    if (!s->use_venues) {
        for (uint32_t g = 0; g < groups; g++)
            if (s->size[g] > 0)
                slot_of[g] = lowest_bit(s->slots[g]);
        return LM_OK;
    }
    matcher m = {0};
    m.state = s;
    m.slot_count = (uint32_t)lm_slot_count();
    size_t nodes = (size_t)s->venue_count * m.slot_count;
    m.first = lm__calloc((size_t)groups + 1, sizeof *m.first);
    m.node_of = lm__malloc((groups ? groups : 1) * sizeof *m.node_of);
    m.used = lm__calloc(nodes ? nodes : 1, sizeof *m.used);
    m.capacity = lm__calloc(nodes ? nodes : 1, sizeof *m.capacity);
    m.visited = lm__calloc(nodes ? nodes : 1, sizeof *m.visited);
    int status = LM_E_NOMEM;
    if (!m.first || !m.node_of || !m.used || !m.capacity || !m.visited)
        goto done;
    size_t total = 0;
    for (uint32_t g = 0; g < groups; g++) {
        m.first[g] = (uint32_t)total;
        if (s->size[g] > 0)
            total += count_options(s, g);
    }
    m.first[groups] = (uint32_t)total;
    m.options = lm__malloc((total ? total : 1) * sizeof *m.options);
    if (!m.options)
        goto done;
    for (uint32_t v = 0; v < s->venue_count; v++)
        for (uint32_t t = 0; t < m.slot_count; t++) {
            uint32_t capacity = s->pool->venues[s->venues[v]].capacity;
            uint32_t taken = s->base_used
                                 ? s->base_used[(size_t)s->venues[v] * m.slot_count + t]
                                 : 0;
            m.capacity[v * m.slot_count + t] = taken < capacity ? capacity - taken : 0;
        }
    for (uint32_t g = 0; g < groups; g++) {
        m.node_of[g] = UINT32_MAX;
        if (s->size[g] == 0)
            continue;
        uint32_t at = m.first[g];
        for (uint32_t v = 0; v < s->venue_count; v++) {
            if (!(s->reach[g] >> v & 1))
                continue;
            double cost = members_distance(s, g, &s->pool->venues[s->venues[v]]);
            for (uint64_t open = s->venue_open[v] & s->slots[g]; open; open &= open - 1)
                m.options[at++] = (option){v * m.slot_count + (uint32_t)lowest_bit(open), cost};
        }
        qsort(m.options + m.first[g], at - m.first[g], sizeof *m.options, compare_options);
    }
    for (uint32_t g = 0; g < groups; g++) {
        if (s->size[g] == 0)
            continue;
        m.round++;
        augment(&m, g);
    }
    for (uint32_t g = 0; g < groups; g++) {
        if (m.node_of[g] == UINT32_MAX)
            continue;
        venue_of[g] = (int)(m.node_of[g] / m.slot_count);
        slot_of[g] = (int)(m.node_of[g] % m.slot_count);
    }
    status = LM_OK;
done:
    lm__free(m.first);
    lm__free(m.node_of);
    lm__free(m.used);
    lm__free(m.capacity);
    lm__free(m.visited);
    lm__free(m.options);
    return status;
}
