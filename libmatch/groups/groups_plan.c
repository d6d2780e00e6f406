/* A placement plan: how many groups each language gets, and who goes where,
 * decided by flows before any group is built.
 *
 * Where homes and slots do not decide who can meet (nobody gave a home, and
 * everybody gave the same availability), a group needs only a language its
 * members share, min_per_role of each role and a size within bounds. Who can
 * be placed at all is then a question of counts: people of the same role who
 * speak the same languages are interchangeable, and g(l) groups in language
 * l can be filled exactly when some assignment of people to languages gives
 * every l at least min_per_role * g(l) of each role and min_size * g(l) in
 * all (and then up to max_size * g(l) are placed). That is a flow with lower
 * bounds: types -> (language, role) -> language -> sink. The greedy start
 * cannot see it: it fills the common languages first with whoever fits best,
 * using up the few people who speak no language or many, and the newcomers of
 * a rare language are left without residents to form a group with. The local
 * search and the large neighbourhood search keep a group's people placed but
 * rarely move a whole group to another language.
 *
 * The plan raises g(l) one group at a time where the flow places the most
 * more people (a lazy greedy), then takes one group away, or one of each of
 * two languages, and runs the greedy again while that places more; a max
 * flow (engine/maxflow.c) answers each question. The flow's split of each
 * type over the languages gives the groups, people with similar interests
 * together. The region's search then improves the groups' scores from there
 * (groups.c keeps whichever start is better). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "groups/groups_internal.h"
#include "engine/maxflow_internal.h"

#define FLOW_INF LM_FLOW_UNLIMITED

#define PLAN_CLASSES_MAX 64 /* languages are bits of a uint64_t */
/* ---- the plan ------------------------------------------------------------------- */

typedef struct plan_type {
    uint8_t role;
    uint64_t classes;   /* classes its people can join */
    uint32_t count;
    uint32_t first;     /* into plan.order */
} plan_type;

typedef struct plan {
    const lm_gstate *s;
    uint32_t classes;   /* C */
    uint8_t language_of[PLAN_CLASSES_MAX];
    plan_type *types;
    uint32_t type_count;
    uint32_t *order;    /* items, by type */
    int32_t groups[PLAN_CLASSES_MAX]; /* g(c) */
    uint32_t eligible[PLAN_CLASSES_MAX]; /* people who can join class c */
    lm_flow f;
    uint32_t *type_edge; /* by type * C + class: the edge of type -> (class, role), or UINT32_MAX */
    uint64_t evaluations; /* max flows solved: the local search stops at PLAN_EVALUATIONS */
} plan;

/* Max flows the local search may solve (each costs microseconds on the
 * small networks of a region: types x classes); a count, not the clock, so
 * the plan is the same on every run. */
#define PLAN_EVALUATIONS 20000

/* Nodes: 0 source, 1 sink, 2 super source, 3 super sink, then the types, the
 * (class, role) pairs and the classes. */
#define NODE_S 0u
#define NODE_T 1u
#define NODE_SS 2u
#define NODE_TT 3u
static uint32_t type_node(uint32_t t) { return 4 + t; }
static uint32_t role_node(const plan *p, uint32_t c, int role)
{
    return 4 + p->type_count + 2 * c + (uint32_t)role;
}
static uint32_t class_node(const plan *p, uint32_t c) { return 4 + p->type_count + 2 * p->classes + c; }

/* Builds the network of the plan's g, with the lower bounds moved to a
 * super source and sink (the standard reduction: an edge u -> v with lower
 * bound L keeps capacity cap - L, v gains L of excess and u owes L), and
 * with upper bounds (max_size * g(c) through class c) when `upper`.
 * Returns the flow the super source must send for the bounds to hold. */
static int64_t network(plan *p, bool upper)
{
    const lm_gstate *s = p->s;
    lm_flow *f = &p->f;
    lm__flow_clear(f);
    for (uint32_t t = 0; t < p->type_count; t++) {
        lm__flow_add(f, NODE_S, type_node(t), (int64_t)p->types[t].count);
        for (uint32_t c = 0; c < p->classes; c++)
            p->type_edge[(size_t)t * p->classes + c] =
                p->types[t].classes >> c & 1
                    ? lm__flow_add(f, type_node(t), role_node(p, c, p->types[t].role), FLOW_INF)
                    : UINT32_MAX;
    }
    int64_t need = 0;
    for (uint32_t c = 0; c < p->classes; c++) {
        int32_t g = p->groups[c];
        /* (c, role) -> c, lower bound min_per_role * g: (c, role) owes it */
        int32_t role_low = (int32_t)s->min_per_role * g;
        for (int role = 0; role < 2; role++) {
            lm__flow_add(f, role_node(p, c, role), class_node(p, c), FLOW_INF);
            if (role_low > 0)
                lm__flow_add(f, role_node(p, c, role), NODE_TT, role_low);
        }
        /* c -> sink, lower bound the larger of min_size * g and both roles'
         * bounds: the sink gains it, c owes it and gains the roles' */
        int32_t low = (int32_t)s->min_size * g;
        if (2 * role_low > low)
            low = 2 * role_low;
        int64_t cap = upper ? (int64_t)s->max_size * g : FLOW_INF;
        lm__flow_add(f, class_node(p, c), NODE_T, cap - low);
        if (low > 0)
            lm__flow_add(f, NODE_SS, NODE_T, low);
        int32_t excess = 2 * role_low - low; /* <= 0 */
        if (excess < 0)
            lm__flow_add(f, class_node(p, c), NODE_TT, -excess);
        need += 2 * (int64_t)role_low + (low - 2 * role_low);
    }
    return need;
}

/* The people placed under the plan's g (upper bounds on), the flows left on
 * the type edges. -1 when infeasible. */
static int64_t placed(plan *p)
{
    p->evaluations++;
    int64_t need = network(p, true);
    uint32_t back = lm__flow_add(&p->f, NODE_T, NODE_S, FLOW_INF);
    if (lm__flow_max(&p->f, NODE_SS, NODE_TT) != need)
        return -1;
    /* now the flow from source to sink on top: remove the circulation edge
     * and push more */
    int64_t circulating = lm__flow_sent(&p->f, back);
    p->f.edge[back].room = 0;
    p->f.edge[back ^ 1].room = 0;
    return circulating + lm__flow_max(&p->f, NODE_S, NODE_T);
}

static int compare_u64_pairs(const void *a, const void *b)
{
    const uint64_t *x = a, *y = b;
    if (x[0] != y[0])
        return x[0] < y[0] ? -1 : 1;
    return x[1] < y[1] ? -1 : x[1] > y[1];
}

bool lm__groups_plan_applies(const lm_gstate *s)
{
    if (s->use_venues || s->item_count < s->min_size || s->min_per_role == 0)
        return false;
    for (uint32_t k = 0; k < s->item_count; k++)
        if (s->items[k].located || s->items[k].slots != s->items[0].slots)
            return false;
    return true;
}

/* The largest-value topic of an item: people are ordered by it, so that the
 * groups cut from a class hold people with a common interest. */
static uint32_t top_topic(const lm_item *it)
{
    uint32_t best = UINT32_MAX;
    double value = 0.0;
    for (uint32_t k = 0; k < it->x.length; k++)
        if (it->x.entries[k].value > value) {
            value = it->x.entries[k].value;
            best = it->x.entries[k].topic;
        }
    return best;
}

static uint64_t item_classes(const plan *p, const lm_item *it)
{
    uint64_t classes = 0;
    for (uint32_t c = 0; c < p->classes; c++)
        if (p->classes == 1 || (it->languages >> p->language_of[c] & 1))
            classes |= (uint64_t)1 << c;
    return classes;
}

static int plan_init(plan *p, const lm_gstate *s)
{
    memset(p, 0, sizeof *p);
    p->s = s;
    uint64_t spoken = 0;
    for (uint32_t k = 0; k < s->item_count; k++)
        if (s->items[k].languages != ~(uint64_t)0)
            spoken |= s->items[k].languages;
    if (!s->params->language || spoken == 0) {
        p->classes = 1;
        p->language_of[0] = 0;
    } else {
        for (uint64_t m = spoken; m; m &= m - 1)
            p->language_of[p->classes++] = (uint8_t)__builtin_ctzll(m);
    }
    /* types: (role, classes), people of a type ordered by top topic */
    uint64_t *keyed = lm__malloc((size_t)s->item_count * 2 * sizeof *keyed);
    p->order = lm__malloc((size_t)s->item_count * sizeof *p->order);
    p->types = lm__malloc((size_t)s->item_count * sizeof *p->types);
    if (!keyed || !p->order || !p->types) {
        lm__free(keyed);
        return LM_E_NOMEM;
    }
    for (uint32_t k = 0; k < s->item_count; k++) {
        const lm_item *it = &s->items[k];
        /* sorted by classes, then role, then top topic */
        keyed[2 * k] = item_classes(p, it);
        keyed[2 * k + 1] = (uint64_t)it->role << 63 |
                           (uint64_t)(top_topic(it) & 0x7fffffffu) << 32 | k;
    }
    qsort(keyed, s->item_count, 2 * sizeof *keyed, compare_u64_pairs);
    for (uint32_t k = 0; k < s->item_count; k++) {
        uint32_t item = (uint32_t)(keyed[2 * k + 1] & 0xffffffffu);
        const lm_item *it = &s->items[item];
        uint64_t classes = keyed[2 * k];
        p->order[k] = item;
        if (p->type_count == 0 || p->types[p->type_count - 1].classes != classes ||
            p->types[p->type_count - 1].role != it->role)
            p->types[p->type_count++] = (plan_type){it->role, classes, 0, k};
        p->types[p->type_count - 1].count++;
    }
    lm__free(keyed);
    for (uint32_t t = 0; t < p->type_count; t++)
        for (uint32_t c = 0; c < p->classes; c++)
            p->eligible[c] += (p->types[t].classes >> c & 1) ? p->types[t].count : 0;
    p->type_edge = lm__malloc((size_t)p->type_count * p->classes * sizeof *p->type_edge);
    if (!p->type_edge)
        return LM_E_NOMEM;
    uint32_t nodes = 4 + p->type_count + 3 * p->classes;
    uint32_t edges = p->type_count * (1 + p->classes) + 8 * p->classes + 4;
    return lm__flow_init(&p->f, nodes, edges);
}

static void plan_free(plan *p)
{
    lm__flow_free(&p->f);
    lm__free(p->types);
    lm__free(p->order);
    lm__free(p->type_edge);
}

/* g(c) raised one group at a time where it places the most more people
 * (a lazy greedy: a class's last gain is an estimate, refreshed only when
 * it is the best; gains rarely grow as other classes fill), while the lower
 * bounds stay feasible; a class that turns infeasible or gains nothing is
 * closed. Returns the people placed; `current` is what g places now. */
static int64_t greedy(plan *p, int64_t current)
{
    int64_t gain[PLAN_CLASSES_MAX];
    bool open[PLAN_CLASSES_MAX];
    for (uint32_t c = 0; c < p->classes; c++) {
        open[c] = true;
        gain[c] = INT64_MAX; /* not evaluated yet */
    }
    for (;;) {
        uint32_t top = UINT32_MAX;
        /* on equal gains the class fewer people can join: the others
         * have more ways to fill their groups later */
        for (uint32_t c = 0; c < p->classes; c++)
            if (open[c] && (top == UINT32_MAX || gain[c] > gain[top] ||
                            (gain[c] == gain[top] && p->eligible[c] < p->eligible[top])))
                top = c;
        if (top == UINT32_MAX)
            return current;
        p->groups[top]++;
        int64_t with = placed(p);
        p->groups[top]--;
        if (with <= current) { /* infeasible (-1) or no gain */
            open[top] = false;
            continue;
        }
        int64_t next = INT64_MIN;
        for (uint32_t c = 0; c < p->classes; c++)
            if (open[c] && c != top && gain[c] > next)
                next = gain[c];
        gain[top] = with - current;
        if (gain[top] >= next) {
            p->groups[top]++;
            current = with;
        }
    }
}

/* Takes one group from class a and one from class b (b = a: one only),
 * runs the greedy from there, and keeps the result when it places more
 * than current. */
static bool try_removal(plan *p, uint32_t a, uint32_t b, int64_t *current)
{
    int32_t saved[PLAN_CLASSES_MAX];
    memcpy(saved, p->groups, sizeof saved);
    p->groups[a]--;
    if (b != a)
        p->groups[b]--;
    int64_t without = placed(p);
    int64_t with = without < 0 ? -1 : greedy(p, without);
    if (with > *current) {
        *current = with;
        return true;
    }
    memcpy(p->groups, saved, sizeof saved);
    return false;
}

/* The greedy plan, then: one group taken away and the greedy run again
 * from there, kept when it places more (this covers moving a group to
 * another class, and trading one group for two); when no single group
 * gives more, two groups of two classes. Until neither does. Returns the
 * people placed. */
static int64_t choose_groups(plan *p)
{
    int64_t current = greedy(p, 0);
    for (bool better = true; better && p->evaluations < PLAN_EVALUATIONS;) {
        better = false;
        for (uint32_t a = 0; a < p->classes && !better; a++)
            better = p->groups[a] > 0 && try_removal(p, a, a, &current);
        for (uint32_t a = 0; a < p->classes && !better; a++)
            for (uint32_t b = a + 1; b < p->classes && !better && p->groups[a] > 0; b++)
                better = p->groups[b] > 0 && try_removal(p, a, b, &current);
    }
    return current;
}

int lm__groups_plan(lm_gstate *s, uint32_t at_least, bool *built)
{
    *built = false;
    plan p;
    int status = plan_init(&p, s);
    if (status != LM_OK) {
        plan_free(&p);
        return status;
    }
    int64_t total = choose_groups(&p);
    if (placed(&p) != total) /* the flows of the chosen plan, for the counts below */
        total = -1;
    uint32_t group_total = 0;
    for (uint32_t c = 0; c < p.classes; c++)
        group_total += (uint32_t)p.groups[c];
    if (total <= (int64_t)at_least || group_total == 0) {
        plan_free(&p);
        return LM_OK;
    }
    /* the plan replaces whatever groups the region holds */
    for (uint32_t g = 0; g < s->group_count; g++)
        while (s->size[g] > 0)
            lm__gstate_apply(s, g, s->members[(size_t)g * s->max_size], LM_NONE_ITEM);
    status = lm__gstate_reserve(s, group_total);
    /* the people of each class, by role, in type order (similar interests
     * next to each other within a type) */
    uint32_t *members = lm__malloc(((size_t)total + 1) * sizeof *members);
    if (status == LM_OK && !members)
        status = LM_E_NOMEM;
    uint32_t next_group = 0;
    uint32_t *taken = lm__calloc(p.type_count ? p.type_count : 1, sizeof *taken);
    if (status == LM_OK && !taken)
        status = LM_E_NOMEM;
    for (uint32_t c = 0; c < p.classes && status == LM_OK; c++) {
        uint32_t g = (uint32_t)p.groups[c];
        if (g == 0)
            continue;
        uint32_t count[2] = {0, 0};
        uint32_t *role_list[2];
        uint32_t in_class = 0;
        /* newcomers first, then residents */
        for (int role = 0; role < 2; role++) {
            role_list[role] = members + in_class;
            for (uint32_t t = 0; t < p.type_count; t++) {
                uint32_t e = p.type_edge[(size_t)t * p.classes + c];
                if (e == UINT32_MAX || p.types[t].role != role)
                    continue;
                uint32_t used = (uint32_t)lm__flow_sent(&p.f, e);
                for (uint32_t k = 0; k < used; k++)
                    members[in_class++] = p.order[p.types[t].first + taken[t]++];
                count[role] += used;
            }
        }
        /* sizes: min_per_role of each role in every group, then the rest
         * to the smallest group with room, the role with more left first */
        uint32_t *need = lm__calloc(2 * (size_t)g, sizeof *need);
        if (!need) {
            status = LM_E_NOMEM;
            break;
        }
        uint32_t left[2];
        for (int role = 0; role < 2; role++) {
            for (uint32_t k = 0; k < g; k++)
                need[2 * k + (uint32_t)role] = s->min_per_role;
            left[role] = count[role] - s->min_per_role * g;
        }
        while (left[0] + left[1] > 0) {
            int role = left[0] >= left[1] ? 0 : 1;
            uint32_t smallest = UINT32_MAX, size = UINT32_MAX;
            for (uint32_t k = 0; k < g; k++) {
                uint32_t here = need[2 * k] + need[2 * k + 1];
                if (here < s->max_size && here < size) {
                    size = here;
                    smallest = k;
                }
            }
            if (smallest == UINT32_MAX)
                break; /* cannot happen: the flow kept the total within max_size * g */
            need[2 * smallest + (uint32_t)role]++;
            left[role]--;
        }
        uint32_t used[2] = {0, 0};
        for (uint32_t k = 0; k < g; k++, next_group++) {
            for (int role = 0; role < 2; role++)
                for (uint32_t m = 0; m < need[2 * k + (uint32_t)role]; m++)
                    lm__gstate_apply(s, next_group, LM_NONE_ITEM, role_list[role][used[role]++]);
        }
        lm__free(need);
    }
    /* a group that does not hold after all (a rule the counts do not see)
     * is dissolved: the construction after the plan re-places its people */
    for (uint32_t g = 0; g < next_group && status == LM_OK; g++)
        if (s->size[g] && lm__gstate_value_with(s, g, LM_NONE_ITEM, LM_NONE_ITEM) == -INFINITY)
            while (s->size[g] > 0)
                lm__gstate_apply(s, g, s->members[(size_t)g * s->max_size], LM_NONE_ITEM);
    lm__free(members);
    lm__free(taken);
    plan_free(&p);
    *built = status == LM_OK;
    return status;
}
