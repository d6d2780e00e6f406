/* Each person's largest possible share of a group's score (docs/solver.md,
 * "Bounds"): the theme at their highest interest, and for the shared and
 * exchange terms the mean of their best partners' cosines, either pair by
 * pair over everybody they could share a group with (small pools) or, in
 * linear time, from per-class tables of the largest entries per topic. */
#include <math.h>
#include <string.h>

#include "engine/bound_internal.h"
#include "engine/constraints_internal.h"
#include "engine/objective_internal.h"

/* Partners kept per topic in a class table: a mean over more is smaller
 * (tighter) but costs memory per class and topic. */
#define MAX_TOP 8
/* Doubles the class tables may take before the classes are merged into one
 * (a looser but still valid table). */
#define TABLE_LIMIT ((size_t)1 << 22)
/* Rounds of "drop who has too few partners, count the classes again".
 * Stopping early only leaves people counted who could have been dropped. */
#define MAX_PASSES 32

/* Inserts v into the descending list top[0..width). */
static void top_insert(double *top, size_t width, double v)
{
    if (!(v > top[width - 1]))
        return;
    size_t k = width - 1;
    while (k > 0 && top[k - 1] < v) {
        top[k] = top[k - 1];
        k--;
    }
    top[k] = v;
}

static double top_mean(const double *top, size_t width)
{
    double sum = 0.0;
    for (size_t k = 0; k < width; k++)
        sum += top[k];
    return sum / (double)width;
}

/* |x|, |o|, |w| and the highest interest of person i. */
static void norms_of(lm_bound_work *w, size_t i)
{
    const lm_participant *p = &w->pool->people[i];
    double highest = 0.0;
    for (int v = 0; v < 3; v++) {
        size_t length;
        const lm_entry *e = lm__vec(p, v, &length);
        w->norm[3 * i + (size_t)v] = lm__norm(e, length);
        for (size_t k = 0; v == LM_INTERESTS && k < length; k++)
            highest = fmax(highest, e[k].value);
    }
    w->theme[i] = highest;
}

/* ---- pair by pair ------------------------------------------------------------------ */

/* Who could share a group with whom. Two members of a group share a class
 * (its language) and a slot, and both are within their travel distance of
 * one meeting point, so within the sum of the two distances of each other
 * (the triangle inequality on the sphere): the angle between their homes
 * is at most a_i + a_j, a = max_km / R, that is <p_i, p_j> >= cos(a_i +
 * a_j) on unit vectors p. */
typedef struct pair_graph {
    size_t count, words;
    size_t *person;      /* the placeable people, by position */
    uint64_t *adjacent;  /* count rows of `words` words */
    uint64_t *residents; /* positions of residents */
    uint64_t *alive;     /* positions still placeable */
    double *where;       /* per position: p (3), cos a, sin a, a; a < 0 without a location */
} pair_graph;

static bool pair_compatible(const lm_bound_work *w, const pair_graph *g, size_t a, size_t b)
{
    size_t i = g->person[a], j = g->person[b];
    if (!(w->classes[i] & w->classes[j]) || !(w->slots[i] & w->slots[j]))
        return false;
    const double *p = g->where + 6 * a, *o = g->where + 6 * b;
    if (p[5] < 0 || o[5] < 0 || p[5] + o[5] >= 3.14159265358979323846)
        return true;
    double cosine = p[0] * o[0] + p[1] * o[1] + p[2] * o[2];
    /* the margin covers the rounding of both sides: never rule out a pair
     * that haversine lets meet */
    return cosine >= p[3] * o[3] - p[4] * o[4] - 1e-12;
}

static int pair_graph_build(const lm_bound_work *w, pair_graph *g)
{
    for (size_t i = 0; i < w->n; i++)
        g->count += w->placeable[i];
    g->words = (g->count + 63) / 64;
    g->person = lm__malloc((g->count ? g->count : 1) * sizeof *g->person);
    g->adjacent = lm__calloc(g->count * g->words + 1, sizeof *g->adjacent);
    g->residents = lm__calloc(g->words + 1, sizeof *g->residents);
    g->alive = lm__calloc(g->words + 1, sizeof *g->alive);
    g->where = lm__malloc((6 * g->count + 1) * sizeof *g->where);
    if (!g->person || !g->adjacent || !g->residents || !g->alive || !g->where)
        return LM_E_NOMEM;
    size_t at = 0;
    for (size_t i = 0; i < w->n; i++) {
        if (!w->placeable[i])
            continue;
        const lm_participant *p = &w->pool->people[i];
        if (lm__bound_role(w, i) == LM_RESIDENT)
            g->residents[at / 64] |= (uint64_t)1 << (at % 64);
        double *where = g->where + 6 * at;
        where[5] = -1.0;
        if (p->has_location) {
            lm__unit_vector(p->lat, p->lon, where);
            double angle = lm__max_km(p, w->params) / LM_EARTH_RADIUS_KM;
            where[3] = cos(angle);
            where[4] = sin(angle);
            where[5] = angle;
        }
        g->person[at++] = i;
    }
    for (size_t a = 0; a < g->count; a++)
        for (size_t b = a + 1; b < g->count; b++)
            if (pair_compatible(w, g, a, b)) {
                g->adjacent[a * g->words + b / 64] |= (uint64_t)1 << (b % 64);
                g->adjacent[b * g->words + a / 64] |= (uint64_t)1 << (a % 64);
            }
    return LM_OK;
}

static void pair_graph_free(pair_graph *g)
{
    lm__free(g->person);
    lm__free(g->adjacent);
    lm__free(g->residents);
    lm__free(g->alive);
    lm__free(g->where);
}

/* Drops whoever has too few placeable partners of each role (with
 * themselves: min_per_role of each, min_size in all); true when anyone
 * was dropped. */
static bool pair_pass(lm_bound_work *w, pair_graph *g)
{
    for (size_t a = 0; a < g->count; a++) {
        uint64_t bit = (uint64_t)1 << (a % 64);
        g->alive[a / 64] = w->placeable[g->person[a]] ? g->alive[a / 64] | bit
                                                      : g->alive[a / 64] & ~bit;
    }
    size_t q = (size_t)w->params->min_per_role, least = (size_t)w->params->min_size;
    bool dropped = false;
    for (size_t a = 0; a < g->count; a++) {
        if (!(g->alive[a / 64] >> (a % 64) & 1))
            continue;
        const uint64_t *row = g->adjacent + a * g->words;
        size_t residents = 0, all = 0;
        for (size_t k = 0; k < g->words; k++) {
            all += (size_t)__builtin_popcountll(row[k] & g->alive[k]);
            residents += (size_t)__builtin_popcountll(row[k] & g->alive[k] & g->residents[k]);
        }
        size_t role[2] = {all - residents, residents};
        role[lm__bound_role(w, g->person[a])]++;
        if (role[0] < q || role[1] < q || role[0] + role[1] < least) {
            w->placeable[g->person[a]] = 0;
            g->alive[a / 64] &= ~((uint64_t)1 << (a % 64));
            dropped = true;
        }
    }
    return dropped;
}

/* The unit vectors of the people of the graph, entry by entry: position a
 * has vector v in entries[first[3a + v] .. first[3a + v + 1]). */
typedef struct unit_vectors {
    size_t *first;
    lm_entry *entries;
} unit_vectors;

static int unit_vectors_build(const lm_bound_work *w, const pair_graph *g, unit_vectors *u)
{
    size_t total = 0;
    for (size_t a = 0; a < g->count; a++) {
        const lm_participant *p = &w->pool->people[g->person[a]];
        total += (size_t)p->length[0] + p->length[1] + p->length[2];
    }
    u->first = lm__malloc((3 * g->count + 1) * sizeof *u->first);
    u->entries = lm__malloc((total ? total : 1) * sizeof *u->entries);
    if (!u->first || !u->entries)
        return LM_E_NOMEM;
    size_t at = 0;
    for (size_t a = 0; a < g->count; a++) {
        size_t i = g->person[a];
        for (int v = 0; v < 3; v++) {
            size_t length;
            const lm_entry *e = lm__vec(&w->pool->people[i], v, &length);
            double norm = w->norm[3 * i + (size_t)v];
            u->first[3 * a + (size_t)v] = at;
            for (size_t k = 0; k < length && norm > 0; k++)
                u->entries[at++] = (lm_entry){e[k].topic, e[k].value / norm};
        }
    }
    u->first[3 * g->count] = at;
    return LM_OK;
}

/* <u, v> with u dense (by topic) and v the unit vector `vector` of the
 * person at position b. */
static double dense_dot(const double *u, const unit_vectors *vectors, size_t b, int vector)
{
    const lm_entry *e = vectors->entries + vectors->first[3 * b + (size_t)vector];
    const lm_entry *end = vectors->entries + vectors->first[3 * b + (size_t)vector + 1];
    double sum = 0.0;
    for (; e < end; e++)
        sum += u[e->topic] * e->value;
    return sum;
}

/* Writes (or, with clear, erases) the three unit vectors of position a into
 * dense, one block of d topics per vector. */
static void scatter(double *dense, size_t d, const unit_vectors *vectors, size_t a, bool clear)
{
    for (size_t v = 0; v < 3; v++) {
        size_t first = vectors->first[3 * a + v], end = vectors->first[3 * a + v + 1];
        for (size_t k = first; k < end; k++) {
            const lm_entry *e = &vectors->entries[k];
            dense[v * d + e->topic] = clear ? 0.0 : e->value;
        }
    }
}

/* ---- one set of partners for shared and exchange ------------------------------- */

/* Combinations (k, r) of a group size and the number of the other role in
 * it beyond which the joint shares are not computed (the separate maxima
 * still bound the terms): each costs a pass over a person's partners. */
#define MAX_SIZES 64

/* Person i's share of beta shared(S) + gamma (theta X1 + (1 - theta) X2) in
 * a group S of k with r people of the other role is
 *     sum over the k - 1 others j of beta cos(x_i, x_j) / (k - 1)
 *   + sum over the r of the other role of gamma (theta e1 + (1 - theta) e2) / r
 * (docs/solver.md, "Bounds", 3): the largest over the feasible (k, r) of the
 * r largest other-role terms plus the k - 1 - r largest same-role ones.
 * `other` holds (cos, e1, e2) of i's compatible other-role people, `same`
 * the cosines of the same role, sorted descending. */
static double joint_share(const lm_bound_work *w, const double *other, size_t others,
                          const double *same, size_t sames, double theta, double *top)
{
    const lm_params *params = w->params;
    double beta = params->weights.shared > 0 ? params->weights.shared : 0.0;
    double gamma = params->weights.exchange > 0 ? params->weights.exchange : 0.0;
    size_t q = (size_t)params->min_per_role;
    double best = -INFINITY;
    for (size_t k = (size_t)params->min_size; k <= (size_t)params->max_size; k++) {
        /* r of the other role, k - r of i's (with i): both at least q */
        for (size_t r = q; r + q <= k; r++) {
            size_t rest = k - 1 - r;
            if (r > others || rest > sames)
                continue;
            for (size_t m = 0; m < r; m++)
                top[m] = -INFINITY;
            double ratio = beta / (double)(k - 1);
            for (size_t j = 0; j < others; j++) {
                const double *o = other + 3 * j;
                top_insert(top, r,
                           ratio * o[0] + gamma * (theta * o[1] + (1 - theta) * o[2]) / (double)r);
            }
            double sum = 0.0;
            for (size_t m = 0; m < r; m++)
                sum += top[m];
            for (size_t m = 0; m < rest; m++)
                sum += ratio * same[m];
            best = fmax(best, sum);
        }
    }
    return best;
}

/* The joint shares of every person of the graph, for each split theta. A
 * person's partners are scored again here (both ways), with their own
 * partner lists, so that nothing is kept per pair. */
static int joint_shares(lm_bound_work *w, const pair_graph *g, const unit_vectors *vectors,
                        double *dense)
{
    size_t d = w->topics ? w->topics : 1;
    size_t n = w->n;
    for (size_t k = 0; k < LM_BOUND_THETA_COUNT * n; k++)
        w->joint[k] = INFINITY; /* no joint share: the separate ones count */
    size_t most = (size_t)w->params->max_size, q = (size_t)w->params->min_per_role;
    size_t combinations = 0;
    for (size_t k = (size_t)w->params->min_size; k <= most; k++)
        combinations += k + 1 > 2 * q ? k + 1 - 2 * q : 0;
    if (combinations > MAX_SIZES)
        return LM_OK;
    double *other = lm__malloc((3 * g->count + 1) * sizeof *other);
    double *same = lm__malloc((g->count + 1) * sizeof *same);
    double *top = lm__malloc((most + 1) * sizeof *top);
    int status = other && same && top ? LM_OK : LM_E_NOMEM;
    static const double thetas[] = LM_BOUND_THETAS;
    for (size_t a = 0; a < g->count && status == LM_OK; a++) {
        if (!(g->alive[a / 64] >> (a % 64) & 1))
            continue;
        size_t i = g->person[a];
        int role = lm__bound_role(w, i);
        scatter(dense, d, vectors, a, false);
        size_t others = 0, sames = 0;
        const uint64_t *row = g->adjacent + a * g->words;
        for (size_t word = 0; word < g->words; word++)
            for (uint64_t bits = row[word] & g->alive[word]; bits; bits &= bits - 1) {
                size_t b = word * 64 + (size_t)__builtin_ctzll(bits);
                double cosine = dense_dot(dense, vectors, b, LM_INTERESTS);
                if (lm__bound_role(w, g->person[b]) == role) {
                    same[sames++] = cosine;
                    continue;
                }
                /* X1: newcomers teach residents; X2: residents teach newcomers */
                double a_teaches = dense_dot(dense + d, vectors, b, LM_WANTS);
                double b_teaches = dense_dot(dense + 2 * d, vectors, b, LM_OFFERS);
                double *o = other + 3 * others++;
                o[0] = cosine;
                o[1] = role == LM_NEWCOMER ? a_teaches : b_teaches;
                o[2] = role == LM_NEWCOMER ? b_teaches : a_teaches;
            }
        scatter(dense, d, vectors, a, true);
        /* the same-role cosines in descending order, as far as any group needs */
        size_t keep = most < sames ? most : sames;
        if (keep) {
            for (size_t m = 0; m < keep; m++)
                top[m] = -INFINITY;
            for (size_t j = 0; j < sames; j++)
                top_insert(top, keep, same[j]);
            memcpy(same, top, keep * sizeof *same);
        }
        for (size_t t = 0; t < LM_BOUND_THETA_COUNT; t++) {
            double share = joint_share(w, other, others, same, keep, thetas[t], top);
            if (share > -INFINITY)
                w->joint[LM_BOUND_THETA_COUNT * i + t] = share;
        }
    }
    lm__free(other);
    lm__free(same);
    lm__free(top);
    return status;
}

/* The mean of a person's best partners: for the shared term the min_size - 1
 * highest interest cosines with anyone they could share a group with, and
 * for the exchange term the min_per_role highest teaching cosines with such
 * a person of the other role, each way. Each pair is scored once and
 * counts for both. Lowers the tables' values where it finds less. */
static int partner_means(lm_bound_work *w, const pair_graph *g)
{
    size_t d = w->topics ? w->topics : 1;
    size_t mx = (size_t)w->params->min_size - 1, q = (size_t)w->params->min_per_role;
    size_t width = mx + 2 * q;
    unit_vectors vectors = {NULL, NULL};
    double *dense = lm__calloc(3 * d, sizeof *dense);
    double *top = lm__calloc(width * g->count + 1, sizeof *top);
    int status = unit_vectors_build(w, g, &vectors);
    if (status != LM_OK || !dense || !top) {
        status = LM_E_NOMEM;
        goto done;
    }
    for (size_t a = 0; a < g->count; a++) {
        if (!(g->alive[a / 64] >> (a % 64) & 1))
            continue;
        int role = lm__bound_role(w, g->person[a]);
        scatter(dense, d, &vectors, a, false);
        double *mine = top + a * width;
        const uint64_t *row = g->adjacent + a * g->words;
        for (size_t word = a / 64; word < g->words; word++) {
            uint64_t bits = row[word] & g->alive[word];
            if (word == a / 64) /* partners after a only: each pair once */
                bits &= a % 64 == 63 ? 0 : ~(uint64_t)0 << (a % 64 + 1);
            for (; bits; bits &= bits - 1) {
                size_t b = word * 64 + (size_t)__builtin_ctzll(bits);
                double *theirs = top + b * width;
                double cosine = dense_dot(dense, &vectors, b, LM_INTERESTS);
                top_insert(mine, mx, cosine);
                top_insert(theirs, mx, cosine);
                if (lm__bound_role(w, g->person[b]) == role)
                    continue;
                /* a teaches b (a's offers, b's wants), and b teaches a */
                double a_teaches = dense_dot(dense + d, &vectors, b, LM_WANTS);
                double b_teaches = dense_dot(dense + 2 * d, &vectors, b, LM_OFFERS);
                top_insert(mine + mx, q, a_teaches);
                top_insert(theirs + mx + q, q, a_teaches);
                top_insert(theirs + mx, q, b_teaches);
                top_insert(mine + mx + q, q, b_teaches);
            }
        }
        scatter(dense, d, &vectors, a, true);
    }
    if (w->joint)
        status = joint_shares(w, g, &vectors, dense);
    for (size_t a = 0; a < g->count; a++) {
        size_t i = g->person[a];
        const double *mine = top + a * width;
        /* the tables' values are bounds too (per class, where these are
         * over every class at once): keep the smaller */
        w->shared[i] = fmin(w->shared[i], top_mean(mine, mx));
        w->teach[i] = fmin(w->teach[i], top_mean(mine + mx, q));
        w->learn[i] = fmin(w->learn[i], top_mean(mine + mx + q, q));
    }
done:
    lm__free(vectors.first);
    lm__free(vectors.entries);
    lm__free(dense);
    lm__free(top);
    return status;
}

int lm__bound_shares_pairwise(lm_bound_work *w)
{
    pair_graph graph;
    memset(&graph, 0, sizeof graph);
    int status = pair_graph_build(w, &graph);
    if (status == LM_OK) {
        /* each test can drop people the other then no longer counts */
        for (int pass = 0; pass < MAX_PASSES; pass++) {
            bool dropped = false;
            while (pair_pass(w, &graph))
                dropped = true;
            if (!dropped || !lm__bound_class_pass(w))
                break;
        }
        pair_pass(w, &graph); /* `alive` follows the last class pass */
        status = lm__bound_shares_tables(w);
        if (status == LM_OK)
            status = partner_means(w, &graph);
    }
    pair_graph_free(&graph);
    return status;
}

/* ---- class tables ------------------------------------------------------------------ */

/* Per class and topic, the largest unit-vector entries among the class's
 * placeable people: interests over everybody (one more than needed, so a
 * person's own entry can be taken out), offers and wants per role. A
 * person's mean cosine with any m partners of the class is at most
 * sum_t u[t] * (mean of the m largest entries of topic t). What a share
 * needs of the lists is kept per topic: the sum of the mx largest interest
 * entries with the mx-th and the next one, and the mean of the q largest
 * offers and wants of each role. */
typedef struct topic_summary {
    double interests, last, next;
    double offers[2], wants[2];
} topic_summary;

typedef struct class_tables {
    size_t classes, topics, mx, q, width;
    int index[64];          /* class bit -> table */
    double *lists;          /* while building: classes x topics x width */
    topic_summary *summary; /* classes x topics */
} class_tables;

static double *list_at(const class_tables *t, int table, size_t topic)
{
    return t->lists + ((size_t)table * t->topics + topic) * t->width;
}

static int tables_layout(const lm_bound_work *w, class_tables *t)
{
    size_t mx = (size_t)w->params->min_size - 1, q = (size_t)w->params->min_per_role;
    t->mx = mx < MAX_TOP ? mx : MAX_TOP;
    t->q = q < MAX_TOP ? q : MAX_TOP;
    t->width = t->mx + 1 + 4 * t->q;
    t->topics = w->topics ? w->topics : 1;
    uint64_t used = 0;
    for (size_t i = 0; i < w->n; i++)
        if (w->placeable[i])
            used |= w->classes[i];
    bool merged = (size_t)__builtin_popcountll(used) * t->topics * t->width > TABLE_LIMIT;
    for (int k = 0; k < 64; k++)
        t->index[k] = 0;
    for (uint64_t c = used; c && !merged; c &= c - 1)
        t->index[__builtin_ctzll(c)] = (int)t->classes++;
    if (!t->classes)
        t->classes = 1;
    t->lists = lm__calloc(t->classes * t->topics * t->width, sizeof *t->lists);
    t->summary = lm__malloc(t->classes * t->topics * sizeof *t->summary);
    return t->lists && t->summary ? LM_OK : LM_E_NOMEM;
}

/* The distinct tables of a person's classes (merged classes share one). */
static size_t tables_of(const class_tables *t, uint64_t classes, int tables[64])
{
    uint64_t seen = 0;
    size_t count = 0;
    for (; classes; classes &= classes - 1) {
        int table = t->index[__builtin_ctzll(classes)];
        if (!(seen >> table & 1))
            tables[count++] = table;
        seen |= (uint64_t)1 << table;
    }
    return count;
}

static void tables_fill(lm_bound_work *w, class_tables *t)
{
    for (size_t i = 0; i < w->n; i++) {
        if (!w->placeable[i])
            continue;
        norms_of(w, i);
        const lm_participant *p = &w->pool->people[i];
        int tables[64];
        size_t count = tables_of(t, w->classes[i], tables);
        for (size_t k = 0; k < count; k++) {
            int table = tables[k];
            for (int v = 0; v < 3; v++) {
                size_t length;
                const lm_entry *e = lm__vec(p, v, &length);
                double norm = w->norm[3 * i + (size_t)v];
                size_t list = (size_t)(v - 1) * 2 + (size_t)lm__bound_role(w, i);
                size_t at = v == LM_INTERESTS ? 0 : t->mx + 1 + list * t->q;
                size_t width = v == LM_INTERESTS ? t->mx + 1 : t->q;
                for (size_t m = 0; m < length && norm > 0; m++)
                    top_insert(list_at(t, table, e[m].topic) + at, width, e[m].value / norm);
            }
        }
    }
    for (size_t table = 0; table < t->classes; table++)
        for (size_t topic = 0; topic < t->topics; topic++) {
            const double *top = list_at(t, (int)table, topic);
            topic_summary *sum = &t->summary[table * t->topics + topic];
            sum->interests = 0.0;
            for (size_t r = 0; r < t->mx; r++)
                sum->interests += top[r];
            sum->last = top[t->mx - 1];
            sum->next = top[t->mx];
            for (int role = 0; role < 2; role++) {
                sum->offers[role] = top_mean(top + t->mx + 1 + (size_t)role * t->q, t->q);
                sum->wants[role] = top_mean(top + t->mx + 1 + (size_t)(2 + role) * t->q, t->q);
            }
        }
}

/* A person's three partner maxima in one class: sum over their topics of
 * u[t] times the mean of the largest entries of the partners (for the
 * interests, with their own entry taken out when it is among them). */
static void table_dot(const class_tables *t, int table, const lm_participant *p, int role,
                      const double *norm, double out[3])
{
    const topic_summary *summary = t->summary + (size_t)table * t->topics;
    int other = role == LM_NEWCOMER ? LM_RESIDENT : LM_NEWCOMER;
    for (int v = 0; v < 3; v++) {
        size_t length;
        const lm_entry *e = lm__vec(p, v, &length);
        double sum = 0.0;
        for (size_t k = 0; k < length && norm[v] > 0; k++) {
            double own = e[k].value / norm[v];
            const topic_summary *at = &summary[e[k].topic];
            double best;
            if (v == LM_INTERESTS) {
                best = at->interests;
                if (own >= at->last) /* own is among the largest: the next stands in */
                    best += at->next - own;
                best /= (double)t->mx;
            } else {
                /* i teaches what the other role wants, and learns what it offers */
                best = v == LM_OFFERS ? at->wants[other] : at->offers[other];
            }
            sum += own * best;
        }
        out[v] = sum;
    }
}

int lm__bound_shares_tables(lm_bound_work *w)
{
    class_tables t;
    memset(&t, 0, sizeof t);
    int status = tables_layout(w, &t);
    if (status == LM_OK) {
        tables_fill(w, &t);
        lm__free(t.lists);
        t.lists = NULL;
        for (size_t i = 0; i < w->n; i++) {
            if (!w->placeable[i])
                continue;
            double best[3] = {0.0, 0.0, 0.0};
            int tables[64];
            size_t count = tables_of(&t, w->classes[i], tables);
            for (size_t k = 0; k < count; k++) {
                double here[3];
                table_dot(&t, tables[k], &w->pool->people[i], lm__bound_role(w, i),
                          w->norm + 3 * i, here);
                for (int v = 0; v < 3; v++)
                    best[v] = fmax(best[v], here[v]);
            }
            w->shared[i] = fmin(1.0, best[LM_INTERESTS]);
            w->teach[i] = fmin(1.0, best[LM_OFFERS]);
            w->learn[i] = fmin(1.0, best[LM_WANTS]);
        }
    }
    lm__free(t.lists);
    lm__free(t.summary);
    return status;
}
