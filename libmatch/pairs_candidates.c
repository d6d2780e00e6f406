/* The candidate graph of pairs mode for pools too large for all pairs
 * (pairs_internal.h).
 *
 * Scoring every newcomer with every resident is quadratic, so each person
 * looks at a few hundred people of the other side, found by blocking:
 *  - place: only grid cells within twice their travel distance (a partner
 *    farther than the sum of both distances can never meet them; a partner
 *    with a longer distance finds them from the other side), plus people
 *    without a location;
 *  - interests: people whose strongest interest is one of theirs (theme and
 *    shared interests);
 *  - exchange: people who want what they offer, and who offer what they want;
 *  - a rotating sample of everybody in reach, so nobody is left without
 *    candidates.
 * Each source is a window of an index list; the window starts at a position
 * hashed from the person, so popular people are not everybody's candidates.
 * Candidates are checked against language and slot masks, scored, and the
 * `keep` best feasible ones kept; the graph is the union of both sides'
 * choices. Everything is deterministic.
 *
 * The index of a side is one list per key (primary interest topic t, offers
 * t, wants t, everybody), each sorted by grid cell; cells sort by column then
 * row, so the cells of one grid column in reach are one contiguous run. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "constraints_internal.h"
#include "pairs_internal.h"

#define KM_PER_DEGREE 111.19508 /* 6371.0088 km * pi / 180 */
#define TOP_TOPICS 3            /* strongest interests looked up */
#define WINDOW_INTEREST 32
#define EXCHANGE_TOPICS 4       /* offers and wants looked up, each */
#define WINDOW_EXCHANGE 16
#define WINDOW_SAMPLE 48
#define MAX_CELL_SPAN 64        /* grid columns in reach before "everywhere" */
#define CELL_OFFSET 1073741824  /* keeps cell coordinates positive */
#define NOWHERE UINT64_MAX      /* the cell of people without a location */

typedef struct index_entry {
    uint32_t cell;   /* rank of the cell among the side's distinct cells */
    uint32_t member; /* position in the side */
} index_entry;

typedef struct side_index {
    size_t topics;       /* keys: primary 0..D-1, offers D.., wants 2D.., all 3D */
    size_t *key_start;   /* 3D + 2 */
    index_entry *entries;
    uint64_t *cells;     /* distinct cells, ascending */
    size_t cell_count;
    uint32_t *stamp;     /* by member: the last scanner that saw them */
} side_index;

typedef struct grid {
    double cell_km, cos_lat;
} grid;

typedef struct range {
    size_t start, length;
} range;

/* A kept candidate: score, then pool index for the lowest-index tie-break. */
typedef struct kept {
    double score;
    uint32_t member;
    size_t participant;
} kept;

typedef struct scanner {
    const lm_pair_sides *sides;
    const lm_pair_rules *rules;
    lm_pair_scorer scorer;
    grid grid;
    size_t keep;
    kept *heap;
    size_t heap_count;
    range ranges[MAX_CELL_SPAN + 2];
} scanner;

static uint64_t mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void cell_xy(const grid *g, const lm_participant *p, int64_t *cx, int64_t *cy)
{
    *cx = (int64_t)floor(p->lon * g->cos_lat * KM_PER_DEGREE / g->cell_km);
    *cy = (int64_t)floor(p->lat * KM_PER_DEGREE / g->cell_km);
}

static uint64_t cell_key(int64_t cx, int64_t cy)
{
    return (uint64_t)(cx + CELL_OFFSET) << 32 | (uint64_t)(cy + CELL_OFFSET);
}

static uint64_t cell_of(const grid *g, const lm_participant *p)
{
    if (!p->has_location)
        return NOWHERE;
    int64_t cx, cy;
    cell_xy(g, p, &cx, &cy);
    return cell_key(cx, cy);
}

/* The strongest interest (lowest topic on ties); -1 for none. */
static long primary_topic(const lm_participant *p)
{
    size_t length;
    const lm_entry *x = lm__vec(p, LM_INTERESTS, &length);
    long best = -1;
    double level = 0.0;
    for (size_t k = 0; k < length; k++)
        if (x[k].value > level) {
            level = x[k].value;
            best = (long)x[k].topic;
        }
    return best;
}

typedef struct cell_order {
    uint64_t cell;
    uint32_t member;
} cell_order;

static int compare_cell_order(const void *a, const void *b)
{
    const cell_order *x = a, *y = b;
    if (x->cell != y->cell)
        return x->cell < y->cell ? -1 : 1;
    return x->member < y->member ? -1 : x->member > y->member;
}

static void index_free(side_index *ix)
{
    lm__free(ix->key_start);
    lm__free(ix->entries);
    lm__free(ix->cells);
    lm__free(ix->stamp);
    memset(ix, 0, sizeof *ix);
}

/* Calls add(key) for each key a member is listed under. */
#define FOR_EACH_KEY(p, topics, add)                                                   \
    do {                                                                               \
        long primary_ = primary_topic(p);                                              \
        if (primary_ >= 0)                                                             \
            add((size_t)primary_);                                                     \
        size_t length_;                                                                \
        const lm_entry *e_ = lm__vec(p, LM_OFFERS, &length_);                          \
        for (size_t k_ = 0; k_ < length_; k_++)                                        \
            add((topics) + e_[k_].topic);                                              \
        e_ = lm__vec(p, LM_WANTS, &length_);                                           \
        for (size_t k_ = 0; k_ < length_; k_++)                                        \
            add(2 * (topics) + e_[k_].topic);                                          \
        add(3 * (topics));                                                             \
    } while (0)

static int index_build(side_index *ix, const lm_pool *pool, const size_t *members,
                       size_t count, const grid *g)
{
    memset(ix, 0, sizeof *ix);
    size_t d = pool->taxonomy->topic_count, keys = 3 * d + 1;
    ix->topics = d;
    cell_order *order = lm__malloc((count ? count : 1) * sizeof *order);
    ix->key_start = lm__calloc(keys + 1, sizeof *ix->key_start);
    ix->cells = lm__malloc((count ? count : 1) * sizeof *ix->cells);
    ix->stamp = lm__calloc(count ? count : 1, sizeof *ix->stamp);
    uint32_t *cell_rank = lm__malloc((count ? count : 1) * sizeof *cell_rank);
    int status = LM_E_NOMEM;
    if (!order || !ix->key_start || !ix->cells || !ix->stamp || !cell_rank)
        goto done;
    for (size_t m = 0; m < count; m++)
        order[m] = (cell_order){cell_of(g, &pool->people[members[m]]), (uint32_t)m};
    qsort(order, count, sizeof *order, compare_cell_order);
    for (size_t k = 0; k < count; k++) {
        if (ix->cell_count == 0 || ix->cells[ix->cell_count - 1] != order[k].cell)
            ix->cells[ix->cell_count++] = order[k].cell;
        cell_rank[order[k].member] = (uint32_t)(ix->cell_count - 1);
    }
    size_t *next = ix->key_start;
#define COUNT_KEY(key) (next[(key) + 1]++)
    for (size_t m = 0; m < count; m++)
        FOR_EACH_KEY(&pool->people[members[m]], d, COUNT_KEY);
#undef COUNT_KEY
    for (size_t key = 0; key < keys; key++)
        next[key + 1] += next[key];
    ix->entries = lm__malloc((next[keys] ? next[keys] : 1) * sizeof *ix->entries);
    size_t *fill = lm__malloc(keys * sizeof *fill);
    if (!ix->entries || !fill) {
        lm__free(fill);
        goto done;
    }
    memcpy(fill, next, keys * sizeof *fill);
    /* members in cell order, so every key's list is sorted by cell */
    for (size_t k = 0; k < count; k++) {
        uint32_t m = order[k].member;
        index_entry entry = {cell_rank[m], m};
#define PUT_KEY(key) (ix->entries[fill[(key)]++] = entry)
        FOR_EACH_KEY(&pool->people[members[m]], d, PUT_KEY);
#undef PUT_KEY
    }
    lm__free(fill);
    status = LM_OK;
done:
    lm__free(order);
    lm__free(cell_rank);
    if (status != LM_OK)
        index_free(ix);
    return status;
}

/* First position in entries[lo, hi) whose cell rank is >= rank. */
static size_t lower_cell(const index_entry *entries, size_t lo, size_t hi, uint32_t rank)
{
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (entries[mid].cell < rank)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static size_t lower_distinct(const side_index *ix, uint64_t cell)
{
    size_t lo = 0, hi = ix->cell_count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ix->cells[mid] < cell)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The runs of cell ranks in reach of p: one per grid column, plus people
 * without a location. Returns the number of runs as [first, last) rank
 * pairs in runs; 0 runs and *everywhere set when p reaches everybody. */
static size_t reach_runs(const scanner *s, const side_index *ix, const lm_participant *p,
                         uint32_t runs[][2], bool *everywhere)
{
    *everywhere = false;
    if (!p->has_location) {
        *everywhere = true;
        return 0;
    }
    double reach_km = 2.0 * lm__max_km(p, s->rules->params) * 1.05;
    double x = p->lon * s->grid.cos_lat * KM_PER_DEGREE, y = p->lat * KM_PER_DEGREE;
    double cell = s->grid.cell_km;
    double x_lo = floor((x - reach_km) / cell), x_hi = floor((x + reach_km) / cell);
    double y_lo = floor((y - reach_km) / cell), y_hi = floor((y + reach_km) / cell);
    if (!(x_hi - x_lo < MAX_CELL_SPAN) || !(y_lo > -(double)CELL_OFFSET) ||
        !(y_hi < (double)CELL_OFFSET)) {
        *everywhere = true;
        return 0;
    }
    size_t count = 0;
    for (int64_t cx = (int64_t)x_lo; cx <= (int64_t)x_hi; cx++) {
        size_t first = lower_distinct(ix, cell_key(cx, (int64_t)y_lo));
        size_t last = lower_distinct(ix, cell_key(cx, (int64_t)y_hi) + 1);
        if (first < last) {
            runs[count][0] = (uint32_t)first;
            runs[count][1] = (uint32_t)last;
            count++;
        }
    }
    if (ix->cell_count && ix->cells[ix->cell_count - 1] == NOWHERE) {
        runs[count][0] = (uint32_t)(ix->cell_count - 1);
        runs[count][1] = (uint32_t)ix->cell_count;
        count++;
    }
    return count;
}

/* ---- keeping the best -------------------------------------------------------- */

static bool worse(const kept *a, const kept *b)
{
    if (a->score != b->score)
        return a->score < b->score;
    return a->participant > b->participant;
}

static void heap_sift_down(kept *heap, size_t n, size_t k)
{
    for (;;) {
        size_t child = 2 * k + 1;
        if (child >= n)
            return;
        if (child + 1 < n && worse(&heap[child + 1], &heap[child]))
            child++;
        if (!worse(&heap[child], &heap[k]))
            return;
        kept t = heap[k];
        heap[k] = heap[child];
        heap[child] = t;
        k = child;
    }
}

static void heap_offer(scanner *s, const kept *candidate)
{
    if (s->heap_count < s->keep) {
        size_t k = s->heap_count++;
        s->heap[k] = *candidate;
        while (k > 0 && worse(&s->heap[k], &s->heap[(k - 1) / 2])) {
            kept t = s->heap[k];
            s->heap[k] = s->heap[(k - 1) / 2];
            s->heap[(k - 1) / 2] = t;
            k = (k - 1) / 2;
        }
        return;
    }
    s->heap[0] = *candidate;
    heap_sift_down(s->heap, s->heap_count, 0);
}

static bool admissible(const scanner *s, double score, size_t participant)
{
    if (s->heap_count < s->keep)
        return true;
    kept probe = {score, 0, participant};
    return worse(&s->heap[0], &probe);
}

/* ---- scanning ------------------------------------------------------------------ */

static void consider(scanner *s, side_index *ix, size_t a, uint32_t member, int side_b,
                     uint32_t stamp)
{
    if (ix->stamp[member] == stamp)
        return;
    ix->stamp[member] = stamp;
    size_t b = s->sides->members[side_b][member];
    if (!lm__pair_masks_ok(s->rules, a, b))
        return;
    double score = lm__pair_scorer_score(&s->scorer, b);
    if (!admissible(s, score, b) || !lm__pair_feasible(s->rules, a, b))
        return;
    kept candidate = {score, member, b};
    heap_offer(s, &candidate);
}

/* A window of `width` entries of key's list restricted to the runs,
 * starting at a position hashed from (a, key). */
static void scan_key(scanner *s, side_index *ix, size_t a, size_t key, uint32_t runs[][2],
                     size_t run_count, bool everywhere, size_t width, int side_b,
                     uint32_t stamp)
{
    size_t lo = ix->key_start[key], hi = ix->key_start[key + 1];
    if (lo == hi)
        return;
    size_t count = 0, total = 0;
    if (everywhere) {
        s->ranges[count++] = (range){lo, hi - lo};
        total = hi - lo;
    } else {
        for (size_t r = 0; r < run_count; r++) {
            size_t first = lower_cell(ix->entries, lo, hi, runs[r][0]);
            size_t last = lower_cell(ix->entries, first, hi, runs[r][1]);
            if (first < last) {
                s->ranges[count++] = (range){first, last - first};
                total += last - first;
            }
        }
    }
    if (total == 0)
        return;
    size_t take = width < total ? width : total;
    size_t offset = total > width ? (size_t)(mix((uint64_t)a * 0x100000001b3ull ^ key) % total)
                                  : 0;
    size_t r = 0;
    while (offset >= s->ranges[r].length)
        offset -= s->ranges[r++].length;
    for (size_t taken = 0; taken < take; taken++) {
        consider(s, ix, a, ix->entries[s->ranges[r].start + offset].member, side_b, stamp);
        if (++offset == s->ranges[r].length) {
            offset = 0;
            r = (r + 1) % count;
        }
    }
}

/* The strongest `limit` entries of a vector, by level then topic. */
static size_t strongest(const lm_participant *p, int vector, size_t limit, uint32_t *topics)
{
    size_t length, count = 0;
    const lm_entry *e = lm__vec(p, vector, &length);
    double levels[TOP_TOPICS > EXCHANGE_TOPICS ? TOP_TOPICS : EXCHANGE_TOPICS];
    for (size_t k = 0; k < length; k++) {
        size_t at = count < limit ? count++ : limit;
        while (at > 0 && levels[at - 1] < e[k].value) {
            if (at < limit) {
                levels[at] = levels[at - 1];
                topics[at] = topics[at - 1];
            }
            at--;
        }
        if (at < limit) {
            levels[at] = e[k].value;
            topics[at] = e[k].topic;
        }
    }
    return count;
}

static void scan_person(scanner *s, side_index *ix, int side_a, size_t position,
                        uint32_t stamp)
{
    size_t a = s->sides->members[side_a][position];
    const lm_participant *p = &s->rules->pool->people[a];
    uint32_t runs[MAX_CELL_SPAN + 1][2];
    bool everywhere;
    size_t run_count = reach_runs(s, ix, p, runs, &everywhere);
    int side_b = 1 - side_a;
    size_t d = ix->topics;
    uint32_t topics[TOP_TOPICS > EXCHANGE_TOPICS ? TOP_TOPICS : EXCHANGE_TOPICS];
    lm__pair_scorer_load(&s->scorer, a);
    s->heap_count = 0;

    size_t n = strongest(p, LM_INTERESTS, TOP_TOPICS, topics);
    for (size_t k = 0; k < n; k++)
        scan_key(s, ix, a, topics[k], runs, run_count, everywhere, WINDOW_INTEREST, side_b,
                 stamp);
    n = strongest(p, LM_OFFERS, EXCHANGE_TOPICS, topics);
    for (size_t k = 0; k < n; k++) /* partners who want what p offers */
        scan_key(s, ix, a, 2 * d + topics[k], runs, run_count, everywhere, WINDOW_EXCHANGE,
                 side_b, stamp);
    n = strongest(p, LM_WANTS, EXCHANGE_TOPICS, topics);
    for (size_t k = 0; k < n; k++) /* partners who offer what p wants */
        scan_key(s, ix, a, d + topics[k], runs, run_count, everywhere, WINDOW_EXCHANGE,
                 side_b, stamp);
    scan_key(s, ix, a, 3 * d, runs, run_count, everywhere, WINDOW_SAMPLE, side_b, stamp);
}

/* ---- the graph ----------------------------------------------------------------- */

void lm__pair_edges_free(lm_pair_edges *e)
{
    lm__free(e->row);
    lm__free(e->col);
    lm__free(e->weight);
    memset(e, 0, sizeof *e);
}

static int edges_reserve(lm_pair_edges *e, size_t needed)
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

/* Sorts edges by (row, col) and drops repeats (both sides may choose the
 * same pair; its weight is the same). */
static int edges_normalise(lm_pair_edges *e, size_t rows)
{
    size_t n = e->count;
    size_t *start = lm__calloc(rows + 2, sizeof *start);
    uint32_t *col = lm__malloc((n ? n : 1) * sizeof *col);
    double *weight = lm__malloc((n ? n : 1) * sizeof *weight);
    if (!start || !col || !weight) {
        lm__free(start);
        lm__free(col);
        lm__free(weight);
        return LM_E_NOMEM;
    }
    for (size_t k = 0; k < n; k++)
        start[e->row[k] + 2]++;
    for (size_t r = 0; r < rows; r++)
        start[r + 2] += start[r + 1];
    for (size_t k = 0; k < n; k++) {
        size_t at = start[e->row[k] + 1]++;
        col[at] = e->col[k];
        weight[at] = e->weight[k];
    }
    size_t out = 0;
    for (size_t r = 0; r < rows; r++) {
        size_t lo = start[r], hi = start[r + 1];
        for (size_t k = lo + 1; k < hi; k++) { /* insertion sort: rows are short */
            uint32_t c = col[k];
            double w = weight[k];
            size_t at = k;
            while (at > lo && col[at - 1] > c) {
                col[at] = col[at - 1];
                weight[at] = weight[at - 1];
                at--;
            }
            col[at] = c;
            weight[at] = w;
        }
        for (size_t k = lo; k < hi; k++) {
            if (k > lo && col[k] == col[k - 1])
                continue;
            e->row[out] = (uint32_t)r;
            e->col[out] = col[k];
            e->weight[out] = weight[k];
            out++;
        }
    }
    e->count = out;
    lm__free(start);
    lm__free(col);
    lm__free(weight);
    return LM_OK;
}

static grid make_grid(const lm_pair_sides *sides, const lm_pool *pool, const lm_params *params)
{
    double sum = 0.0;
    size_t located = 0;
    for (int side = 0; side < 2; side++)
        for (size_t k = 0; k < sides->count[side]; k++) {
            const lm_participant *p = &pool->people[sides->members[side][k]];
            if (p->has_location) {
                sum += p->lat;
                located++;
            }
        }
    double lat = located ? sum / (double)located : 0.0;
    double cos_lat = cos(lat * 3.14159265358979323846 / 180.0);
    double cell_km = 2.0 * params->default_max_km;
    if (!(cell_km >= 1.0))
        cell_km = 1.0;
    if (cell_km > 100.0)
        cell_km = 100.0;
    return (grid){cell_km, cos_lat > 0.01 ? cos_lat : 0.01};
}

int lm__pair_candidates(const lm_pair_sides *sides, const lm_pair_rules *rules,
                        const lm_pair_scorer *model, size_t keep,
                        lm_pair_progress_fn progress, void *context, lm_pair_edges *edges)
{
    const lm_pool *pool = rules->pool;
    memset(edges, 0, sizeof *edges);
    scanner s;
    memset(&s, 0, sizeof s);
    s.sides = sides;
    s.rules = rules;
    s.keep = keep ? keep : 1;
    s.grid = make_grid(sides, pool, rules->params);
    side_index ix[2];
    memset(ix, 0, sizeof ix);
    int status = lm__pair_scorer_init(&s.scorer, pool, &model->weights, model->inverse_norm);
    s.heap = lm__malloc(s.keep * sizeof *s.heap);
    if (status != LM_OK || !s.heap)
        status = LM_E_NOMEM;
    for (int side = 0; side < 2 && status == LM_OK; side++)
        status = index_build(&ix[side], pool, sides->members[side], sides->count[side],
                             &s.grid);
    size_t total = sides->count[0] + sides->count[1], done = 0;
    for (int side_a = 0; side_a < 2 && status == LM_OK; side_a++) {
        side_index *other = &ix[1 - side_a];
        for (size_t k = 0; k < sides->count[side_a] && status == LM_OK; k++) {
            scan_person(&s, other, side_a, k, (uint32_t)(k + 1));
            status = edges_reserve(edges, edges->count + s.heap_count);
            for (size_t h = 0; h < s.heap_count && status == LM_OK; h++) {
                uint32_t a = (uint32_t)k, b = s.heap[h].member;
                edges->row[edges->count] = side_a == 0 ? a : b;
                edges->col[edges->count] = side_a == 0 ? b : a;
                edges->weight[edges->count] = 2.0 * model->weights.unassigned + s.heap[h].score;
                edges->count++;
            }
            if (status == LM_OK && progress && (++done & 1023) == 0 &&
                progress(context, (double)done / (double)total))
                status = LM_E_CANCELLED;
        }
    }
    if (status == LM_OK)
        status = edges_normalise(edges, sides->count[0]);
    lm__pair_scorer_free(&s.scorer);
    lm__free(s.heap);
    index_free(&ix[0]);
    index_free(&ix[1]);
    if (status != LM_OK)
        lm__pair_edges_free(edges);
    return status;
}
