/* How many people of each role any grouping can place, by a maximum flow
 * over the classes (docs/solver.md, "Bounds", section 2, proves it).
 *
 * Every group meets in one class (a language its members share), and a
 * group of at most max_size with at least q of each role has
 * q R <= (max_size - q) N; so has the sum over the groups of one class. So
 * the placed residents can be fed by a flow in which every placed newcomer
 * sends (max_size - q) units into a class of theirs and every placed
 * resident takes q units out of a class of theirs: at most the maximum flow
 * from the newcomers to the residents through the classes, divided by q.
 * The same holds with the roles swapped.
 *
 * People of one role who are in the same classes are one node whose
 * capacity is their number, so the network has at most 64 class nodes and
 * as many person nodes as there are different (role, classes) pairs: a few
 * hundred in a city. Dinic's algorithm (maxflow.c) finds the maximum
 * exactly. */
#include <string.h>

#include "engine/bound_internal.h"
#include "engine/maxflow_internal.h"

/* ---- the kinds of people: (role, classes) and how many ----------------------- */

typedef struct kinds {
    size_t count, slots; /* kinds found, hash table size (a power of two) */
    uint64_t *classes;   /* per slot of the table: the classes (0: empty slot) */
    uint8_t *role;
    int64_t *people;
} kinds;

static uint64_t kind_hash(uint64_t classes, int role)
{
    uint64_t z = classes * 0x9E3779B97F4A7C15ull + (uint64_t)role;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    return z ^ (z >> 31);
}

/* The slot of (classes, role) in a table of `slots` entries: its own, or
 * the empty one where it goes. */
static size_t kind_slot(const kinds *k, uint64_t classes, int role)
{
    size_t at = (size_t)kind_hash(classes, role) & (k->slots - 1);
    while (k->classes[at] && (k->classes[at] != classes || k->role[at] != role))
        at = (at + 1) & (k->slots - 1);
    return at;
}

/* Allocates a table of `slots` entries and moves the kinds of `old` in. */
static int kinds_resize(kinds *k, size_t slots)
{
    kinds old = *k;
    k->slots = slots;
    k->classes = lm__calloc(slots, sizeof *k->classes);
    k->role = lm__calloc(slots, sizeof *k->role);
    k->people = lm__calloc(slots, sizeof *k->people);
    int status = k->classes && k->role && k->people ? LM_OK : LM_E_NOMEM;
    for (size_t at = 0; status == LM_OK && at < old.slots; at++) {
        if (!old.classes[at])
            continue;
        size_t to = kind_slot(k, old.classes[at], old.role[at]);
        k->classes[to] = old.classes[at];
        k->role[to] = old.role[at];
        k->people[to] = old.people[at];
    }
    lm__free(old.classes);
    lm__free(old.role);
    lm__free(old.people);
    return status;
}

/* Counts the placeable people per (role, classes): a hash table that grows
 * with the kinds found (a few hundred in a city, at most one per person). */
static int kinds_build(const lm_bound_work *w, kinds *k)
{
    int status = kinds_resize(k, 256);
    for (size_t i = 0; i < w->n && status == LM_OK; i++) {
        if (!w->placeable[i] || !w->classes[i])
            continue;
        int role = lm__bound_role(w, i);
        size_t at = kind_slot(k, w->classes[i], role);
        if (!k->classes[at]) {
            k->classes[at] = w->classes[i];
            k->role[at] = (uint8_t)role;
            k->count++;
        }
        k->people[at]++;
        if (2 * k->count > k->slots)
            status = kinds_resize(k, 2 * k->slots);
    }
    return status;
}

static void kinds_free(kinds *k)
{
    lm__free(k->classes);
    lm__free(k->role);
    lm__free(k->people);
}

/* ---- the bound ---------------------------------------------------------------------- */

/* The most people of role `fed` that groups can hold, fed by the people of
 * the other role through their classes: node 0 the source, 1 the sink,
 * 2 .. 65 the classes, then the kinds. */
static int64_t most_of(const lm_bound_work *w, const kinds *k, lm_flow *f, int fed)
{
    int64_t q = w->params->min_per_role, rest = w->params->max_size - q;
    lm__flow_clear(f);
    uint32_t node = 66;
    for (size_t at = 0; at < k->slots; at++) {
        if (!k->classes[at])
            continue;
        bool feeds = k->role[at] != fed;
        if (feeds)
            lm__flow_add(f, 0, node, rest * k->people[at]);
        else
            lm__flow_add(f, node, 1, q * k->people[at]);
        for (uint64_t c = k->classes[at]; c; c &= c - 1) {
            uint32_t cls = 2 + (uint32_t)__builtin_ctzll(c);
            if (feeds)
                lm__flow_add(f, node, cls, LM_FLOW_UNLIMITED);
            else
                lm__flow_add(f, cls, node, LM_FLOW_UNLIMITED);
        }
        node++;
    }
    return lm__flow_max(f, 0, 1) / q;
}

int lm__bound_role_flow(const lm_bound_work *w, size_t most[2])
{
    most[0] = most[1] = SIZE_MAX; /* no limit */
    kinds k;
    memset(&k, 0, sizeof k);
    lm_flow f;
    memset(&f, 0, sizeof f);
    int status = kinds_build(w, &k);
    size_t links = 0;
    for (size_t at = 0; status == LM_OK && at < k.slots; at++)
        if (k.classes[at])
            links += 1 + (size_t)__builtin_popcountll(k.classes[at]);
    if (status == LM_OK)
        status = lm__flow_init(&f, 66 + k.count, links);
    if (status == LM_E_TOO_LARGE)
        status = LM_OK; /* a network too large to index: no limit, still a bound */
    else if (status == LM_OK) {
        most[LM_RESIDENT] = (size_t)most_of(w, &k, &f, LM_RESIDENT);
        most[LM_NEWCOMER] = (size_t)most_of(w, &k, &f, LM_NEWCOMER);
    }
    kinds_free(&k);
    lm__flow_free(&f);
    return status;
}
