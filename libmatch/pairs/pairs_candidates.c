/* The candidate graph of pairs mode for pools too large for all pairs
 * (pairs_internal.h).
 *
 * Scoring every newcomer with every resident is quadratic, so each person
 * looks at a few hundred people of the other side, found by blocking:
 *  - place: only grid cells within twice their travel distance (a partner
 *    farther than the sum of both distances can never meet them; one with a
 *    longer distance finds them from the other side), plus people without a
 *    location;
 *  - interests (theme, shared): people whose strongest interest is one of
 *    theirs, and people whose two strongest interests are two of theirs;
 *  - exchange (it needs help both ways): people who want what they offer and
 *    offer what they want, plus each half alone;
 *  - co-hosts: willing hosts with the same strongest interest, for hosts;
 *  - a rotating sample of everybody in reach, longer for people who found
 *    fewer than `keep` feasible partners, so nobody is left without.
 * Each source is a window of an index list, starting at a position hashed
 * from the person, so popular people are not everybody's candidates. The
 * sources were chosen by measuring the gap to the dense optimum on generated
 * cities (docs/benchmarks_pairs.md). Candidates pass the language and slot
 * masks, are scored, and the `keep` best feasible ones are kept; the graph
 * is the union of both sides' choices.
 *
 * The index of a side is one list per key, each sorted by grid cell; cells
 * sort by column then row, so the cells of one grid column in reach are one
 * contiguous run. Pair keys (two topics) are hashed into a fixed number of
 * buckets; a collision only adds candidates. */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "engine/constraints_internal.h"
#include "pairs/pairs_internal.h"

#define KM_PER_DEGREE 111.19508 /* 6371.0088 km * pi / 180 */
#define COMBO_BUCKETS 16384
#define MAX_CELL_SPAN 64        /* grid columns in reach before "everywhere" */
#define CELL_OFFSET 1073741824  /* keeps cell coordinates positive */
#define NOWHERE UINT64_MAX      /* the cell of people without a location */
#define CHUNK 256               /* scanners per unit of parallel work */

/* Topics looked up per source, and the window taken from each list. */
#define INTEREST_TOPICS 3
#define WINDOW_PRIMARY 32
#define WINDOW_TWO_INTERESTS 32
#define WINDOW_HOST 16
#define EXCHANGE_TOPICS 4
#define WINDOW_HALF_EXCHANGE 8
#define SWAP_TOPICS 3
#define WINDOW_SWAP 16
#define WINDOW_SAMPLE 16
#define WINDOW_FILL 512 /* more of the sample for who has too few partners */
#define MAX_TOPICS_LOOKED_UP 4
/* Candidates are shortlisted by score alone (SHORTLIST * keep of them) and
 * only the shortlist is checked for distance, best first: most
 * candidates are then never measured. */
#define SHORTLIST 2

enum combo { COMBO_INTERESTS = 1, COMBO_SWAP = 2, COMBO_HOST = 3 };

typedef struct index_entry {
    uint32_t cell;        /* rank of the cell among the side's distinct cells */
    uint32_t member;      /* position in the side */
    uint32_t participant; /* pool index, here to save a memory access */
} index_entry;

typedef struct side_index {
    size_t topics;     /* keys: primary t, offers D+t, wants 2D+t, all 3D, combos */
    size_t *key_start; /* keys + 1 */
    index_entry *entries;
    uint64_t *cells;   /* distinct cells, ascending */
    size_t cell_count;
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

/* Everything one worker thread needs. */
typedef struct scanner {
    lm_pair_scorer scorer;
    kept *heap;         /* the best by score, up to SHORTLIST * keep, worst on top */
    size_t heap_count;
    kept *chosen;       /* the best feasible ones, up to keep */
    size_t chosen_count;
    uint32_t *stamp[2]; /* by side and member: the last scanner that saw them */
    range ranges[MAX_CELL_SPAN + 2];
    index_entry window[WINDOW_FILL]; /* the candidates of one window */
} scanner;

typedef struct job {
    const lm_pair_sides *sides;
    const lm_pair_rules *rules;
    const lm_pair_profiles *profiles;
    lm_weights weights;
    size_t keep;
    grid grid;
    side_index index[2];
    scanner *scanners;     /* by worker */
    lm_pair_edges *chunks; /* by chunk */
    size_t total;          /* scanners: both sides */
    atomic_size_t done;
    lm_pair_progress_fn progress;
    void *context;
} job;

static uint64_t mix(uint64_t z)
{
    z += 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static size_t combo_key(size_t topics, enum combo kind, uint32_t first, uint32_t second)
{
    uint64_t code = (uint64_t)kind << 60 | (uint64_t)first << 30 | second;
    return 3 * topics + 1 + (size_t)(mix(code) % COMBO_BUCKETS);
}

/* The strongest `limit` entries of a vector, by level then topic. */
static size_t strongest(const lm_participant *p, int vector, size_t limit, uint32_t *topics)
{
    size_t length, count = 0;
    const lm_entry *e = lm__vec(p, vector, &length);
    double levels[MAX_TOPICS_LOOKED_UP];
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

/* ---- the index --------------------------------------------------------------- */

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

typedef void (*key_fn)(void *context, size_t key);

/* Calls add() for every list a member belongs to. */
static void member_keys(size_t topics, const lm_participant *p, key_fn add, void *context)
{
    uint32_t top[MAX_TOPICS_LOOKED_UP];
    size_t n = strongest(p, LM_INTERESTS, 2, top);
    if (n >= 1)
        add(context, top[0]);
    if (n == 2)
        add(context, combo_key(topics, COMBO_INTERESTS, top[0] < top[1] ? top[0] : top[1],
                               top[0] < top[1] ? top[1] : top[0]));
    if (n >= 1 && p->host)
        add(context, combo_key(topics, COMBO_HOST, top[0], 0));
    size_t length;
    const lm_entry *e = lm__vec(p, LM_OFFERS, &length);
    for (size_t k = 0; k < length; k++)
        add(context, topics + e[k].topic);
    e = lm__vec(p, LM_WANTS, &length);
    for (size_t k = 0; k < length; k++)
        add(context, 2 * topics + e[k].topic);
    uint32_t wants[MAX_TOPICS_LOOKED_UP], offers[MAX_TOPICS_LOOKED_UP];
    size_t want_count = strongest(p, LM_WANTS, SWAP_TOPICS, wants);
    size_t offer_count = strongest(p, LM_OFFERS, SWAP_TOPICS, offers);
    for (size_t i = 0; i < want_count; i++)
        for (size_t j = 0; j < offer_count; j++)
            add(context, combo_key(topics, COMBO_SWAP, wants[i], offers[j]));
    add(context, 3 * topics);
}

typedef struct key_fill {
    size_t *next;
    index_entry *entries;
    index_entry entry;
} key_fill;

static void count_key(void *context, size_t key)
{
    ((key_fill *)context)->next[key + 1]++;
}

static void put_key(void *context, size_t key)
{
    key_fill *f = context;
    f->entries[f->next[key]++] = f->entry;
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
    memset(ix, 0, sizeof *ix);
}

static int index_build(side_index *ix, const lm_pool *pool, const size_t *members,
                       size_t count, const grid *g)
{
    memset(ix, 0, sizeof *ix);
    size_t d = pool->taxonomy->topic_count, keys = 3 * d + 1 + COMBO_BUCKETS;
    ix->topics = d;
    size_t n = count ? count : 1;
    cell_order *order = lm__malloc(n * sizeof *order);
    uint32_t *cell_rank = lm__malloc(n * sizeof *cell_rank);
    size_t *fill = lm__malloc(keys * sizeof *fill);
    ix->key_start = lm__calloc(keys + 1, sizeof *ix->key_start);
    ix->cells = lm__malloc(n * sizeof *ix->cells);
    int status = LM_E_NOMEM;
    if (!order || !cell_rank || !fill || !ix->key_start || !ix->cells)
        goto done;
    for (size_t m = 0; m < count; m++)
        order[m] = (cell_order){cell_of(g, &pool->people[members[m]]), (uint32_t)m};
    qsort(order, count, sizeof *order, compare_cell_order);
    for (size_t k = 0; k < count; k++) {
        if (ix->cell_count == 0 || ix->cells[ix->cell_count - 1] != order[k].cell)
            ix->cells[ix->cell_count++] = order[k].cell;
        cell_rank[order[k].member] = (uint32_t)(ix->cell_count - 1);
    }
    key_fill f = {ix->key_start, NULL, {0, 0, 0}};
    for (size_t m = 0; m < count; m++)
        member_keys(d, &pool->people[members[m]], count_key, &f);
    for (size_t key = 0; key < keys; key++)
        ix->key_start[key + 1] += ix->key_start[key];
    size_t total = ix->key_start[keys];
    ix->entries = lm__malloc((total ? total : 1) * sizeof *ix->entries);
    if (!ix->entries)
        goto done;
    memcpy(fill, ix->key_start, keys * sizeof *fill);
    f = (key_fill){fill, ix->entries, {0, 0, 0}};
    /* members in cell order, so every list is sorted by cell */
    for (size_t k = 0; k < count; k++) {
        uint32_t m = order[k].member;
        f.entry = (index_entry){cell_rank[m], m, (uint32_t)members[m]};
        member_keys(d, &pool->people[members[m]], put_key, &f);
    }
    status = LM_OK;
done:
    lm__free(order);
    lm__free(cell_rank);
    lm__free(fill);
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

/* ---- scanning ------------------------------------------------------------------ */

/* Where p can look: runs [first, last) of cell ranks, one per grid column
 * in reach plus people without a location; *everywhere when p reaches
 * everybody (no location, or a reach too wide for the grid). */
typedef struct reach {
    uint32_t runs[MAX_CELL_SPAN + 1][2];
    size_t run_count;
    bool everywhere;
} reach;

static void reach_of(const job *j, const side_index *ix, const lm_participant *p, reach *r)
{
    r->run_count = 0;
    r->everywhere = !p->has_location;
    if (r->everywhere)
        return;
    double reach_km = 2.0 * lm__max_km(p, j->rules->params) * 1.05;
    double x = p->lon * j->grid.cos_lat * KM_PER_DEGREE, y = p->lat * KM_PER_DEGREE;
    double cell = j->grid.cell_km;
    double x_lo = floor((x - reach_km) / cell), x_hi = floor((x + reach_km) / cell);
    double y_lo = floor((y - reach_km) / cell), y_hi = floor((y + reach_km) / cell);
    if (!(x_hi - x_lo < MAX_CELL_SPAN) || !(y_lo > -(double)CELL_OFFSET) ||
        !(y_hi < (double)CELL_OFFSET)) {
        r->everywhere = true;
        return;
    }
    for (int64_t cx = (int64_t)x_lo; cx <= (int64_t)x_hi; cx++) {
        size_t first = lower_distinct(ix, cell_key(cx, (int64_t)y_lo));
        size_t last = lower_distinct(ix, cell_key(cx, (int64_t)y_hi) + 1);
        if (first < last) {
            r->runs[r->run_count][0] = (uint32_t)first;
            r->runs[r->run_count][1] = (uint32_t)last;
            r->run_count++;
        }
    }
    if (ix->cell_count && ix->cells[ix->cell_count - 1] == NOWHERE) {
        r->runs[r->run_count][0] = (uint32_t)(ix->cell_count - 1);
        r->runs[r->run_count][1] = (uint32_t)ix->cell_count;
        r->run_count++;
    }
}

static bool worse(const kept *a, const kept *b)
{
    if (a->score != b->score)
        return a->score < b->score;
    return a->participant > b->participant;
}

static void heap_swap(kept *heap, size_t a, size_t b)
{
    kept t = heap[a];
    heap[a] = heap[b];
    heap[b] = t;
}

/* The heap keeps the `capacity` best with the worst on top. */
static void heap_offer(scanner *s, size_t capacity, const kept *candidate)
{
    kept *heap = s->heap;
    if (s->heap_count < capacity) {
        size_t k = s->heap_count++;
        heap[k] = *candidate;
        while (k > 0 && worse(&heap[k], &heap[(k - 1) / 2])) {
            heap_swap(heap, k, (k - 1) / 2);
            k = (k - 1) / 2;
        }
        return;
    }
    heap[0] = *candidate;
    for (size_t k = 0;;) {
        size_t child = 2 * k + 1;
        if (child >= s->heap_count)
            return;
        if (child + 1 < s->heap_count && worse(&heap[child + 1], &heap[child]))
            child++;
        if (!worse(&heap[child], &heap[k]))
            return;
        heap_swap(heap, k, child);
        k = child;
    }
}

typedef struct scan {
    const job *j;
    scanner *s;
    const side_index *ix;
    const reach *reach;
    size_t a;       /* the scanning participant */
    int side_b;
    uint32_t stamp;
} scan;

/* Scores the window's candidates in three passes so that the memory
 * accesses of many candidates overlap (the work is bound by them): first
 * the masks and profiles are fetched, then the vectors of those that pass,
 * then the scores are computed. */
static void consider_window(const scan *c, size_t count)
{
    scanner *s = c->s;
    const lm_pair_rules *rules = c->j->rules;
    const lm_pair_profiles *profiles = c->j->profiles;
    index_entry *window = s->window;
    for (size_t k = 0; k < count; k++) {
        __builtin_prefetch(&rules->masks[window[k].participant]);
        __builtin_prefetch(&profiles->people[window[k].participant]);
    }
    size_t kept_count = 0;
    for (size_t k = 0; k < count; k++) {
        uint32_t b = window[k].participant;
        if (!lm__pair_masks_ok(rules, c->a, b))
            continue;
        const lm_pair_value *values = profiles->values + profiles->people[b].start;
        __builtin_prefetch(values);
        __builtin_prefetch(values + 4);
        window[kept_count++] = window[k];
    }
    size_t capacity = SHORTLIST * c->j->keep;
    for (size_t k = 0; k < kept_count; k++) {
        kept candidate = {lm__pair_scorer_score(&s->scorer, window[k].participant) -
                              lm__pair_repeat_cost(rules, c->a, window[k].participant),
                          window[k].member, window[k].participant};
        if (s->heap_count < capacity || worse(&s->heap[0], &candidate))
            heap_offer(s, capacity, &candidate);
    }
}

static int compare_best_first(const void *a, const void *b)
{
    return worse(a, b) ? 1 : worse(b, a) ? -1 : 0;
}

/* Moves the shortlist, best first, into the chosen ones while they are
 * feasible and fewer than keep; empties the shortlist. */
static void choose(const scan *c)
{
    scanner *s = c->s;
    kept *heap = s->heap;
    size_t n = s->heap_count;
    if (n > 64) {
        qsort(heap, n, sizeof *heap, compare_best_first);
    } else {
        for (size_t k = 1; k < n; k++) { /* insertion sort: n is small */
            kept item = heap[k];
            size_t at = k;
            while (at > 0 && worse(&heap[at - 1], &item)) {
                heap[at] = heap[at - 1];
                at--;
            }
            heap[at] = item;
        }
    }
    for (size_t k = 0; k < n && s->chosen_count < c->j->keep; k++)
        if (lm__pair_feasible(c->j->rules, c->a, heap[k].participant))
            s->chosen[s->chosen_count++] = heap[k];
    s->heap_count = 0;
}

/* A window of `width` entries of key's list within reach, starting at a
 * position hashed from (a, key); people seen before by this scanner are
 * skipped. */
static void scan_key(const scan *c, size_t key, size_t width)
{
    const side_index *ix = c->ix;
    scanner *s = c->s;
    range *ranges = s->ranges;
    size_t lo = ix->key_start[key], hi = ix->key_start[key + 1];
    if (lo == hi)
        return;
    size_t count = 0, total = 0;
    if (c->reach->everywhere) {
        ranges[count++] = (range){lo, hi - lo};
        total = hi - lo;
    } else {
        for (size_t r = 0; r < c->reach->run_count; r++) {
            size_t first = lower_cell(ix->entries, lo, hi, c->reach->runs[r][0]);
            size_t last = lower_cell(ix->entries, first, hi, c->reach->runs[r][1]);
            if (first < last) {
                ranges[count++] = (range){first, last - first};
                total += last - first;
            }
        }
    }
    if (total == 0)
        return;
    size_t take = width < total ? width : total;
    size_t offset = total > width ? (size_t)(mix((uint64_t)c->a << 32 ^ key) % total) : 0;
    size_t r = 0, found = 0;
    while (offset >= ranges[r].length)
        offset -= ranges[r++].length;
    uint32_t *stamp = s->stamp[c->side_b];
    for (size_t taken = 0; taken < take; taken++) {
        const index_entry *e = &ix->entries[ranges[r].start + offset];
        if (stamp[e->member] != c->stamp) {
            stamp[e->member] = c->stamp;
            s->window[found++] = *e;
        }
        if (++offset == ranges[r].length) {
            offset = 0;
            r = (r + 1) % count;
        }
    }
    consider_window(c, found);
}

static void scan_person(const job *j, scanner *s, int side_a, size_t position, uint32_t stamp)
{
    size_t a = j->sides->members[side_a][position];
    const lm_participant *p = &j->rules->pool->people[a];
    const side_index *ix = &j->index[1 - side_a];
    reach r;
    reach_of(j, ix, p, &r);
    scan c = {j, s, ix, &r, a, 1 - side_a, stamp};
    size_t d = ix->topics;
    lm__pair_scorer_load(&s->scorer, a);
    s->heap_count = 0;
    s->chosen_count = 0;

    uint32_t interests[MAX_TOPICS_LOOKED_UP], offers[MAX_TOPICS_LOOKED_UP],
        wants[MAX_TOPICS_LOOKED_UP];
    size_t n = strongest(p, LM_INTERESTS, INTEREST_TOPICS, interests);
    for (size_t k = 0; k < n; k++)
        scan_key(&c, interests[k], WINDOW_PRIMARY);
    for (size_t k = 0; k < n; k++)
        for (size_t l = k + 1; l < n; l++)
            scan_key(&c,
                     combo_key(d, COMBO_INTERESTS,
                               interests[k] < interests[l] ? interests[k] : interests[l],
                               interests[k] < interests[l] ? interests[l] : interests[k]),
                     WINDOW_TWO_INTERESTS);
    for (size_t k = 0; p->host && k < n; k++)
        scan_key(&c, combo_key(d, COMBO_HOST, interests[k], 0), WINDOW_HOST);

    size_t offer_count = strongest(p, LM_OFFERS, SWAP_TOPICS, offers);
    size_t want_count = strongest(p, LM_WANTS, SWAP_TOPICS, wants);
    for (size_t k = 0; k < offer_count; k++) /* partners who want o and offer w */
        for (size_t l = 0; l < want_count; l++)
            scan_key(&c, combo_key(d, COMBO_SWAP, offers[k], wants[l]), WINDOW_SWAP);
    offer_count = strongest(p, LM_OFFERS, EXCHANGE_TOPICS, offers);
    for (size_t k = 0; k < offer_count; k++) /* partners who want what p offers */
        scan_key(&c, 2 * d + offers[k], WINDOW_HALF_EXCHANGE);
    want_count = strongest(p, LM_WANTS, EXCHANGE_TOPICS, wants);
    for (size_t k = 0; k < want_count; k++) /* partners who offer what p wants */
        scan_key(&c, d + wants[k], WINDOW_HALF_EXCHANGE);
    scan_key(&c, 3 * d, WINDOW_SAMPLE);
    choose(&c);
    /* People whose windows held few feasible partners (rare languages,
     * few slots, venues out of reach) look further, in the same order. */
    if (s->chosen_count < j->keep) {
        scan_key(&c, 3 * d, WINDOW_FILL);
        choose(&c);
    }
}

/* ---- the graph ----------------------------------------------------------------- */

static int scan_chunk(void *context, size_t worker, size_t chunk)
{
    job *j = context;
    scanner *s = &j->scanners[worker];
    lm_pair_edges *out = &j->chunks[chunk];
    size_t first = chunk * CHUNK, last = first + CHUNK < j->total ? first + CHUNK : j->total;
    double bonus = 2.0 * j->weights.unassigned;
    for (size_t k = first; k < last; k++) {
        int side_a = k < j->sides->count[0] ? 0 : 1;
        size_t position = side_a == 0 ? k : k - j->sides->count[0];
        scan_person(j, s, side_a, position, (uint32_t)(k + 1));
        if (lm__pair_edges_reserve(out, out->count + s->chosen_count) != LM_OK)
            return LM_E_NOMEM;
        for (size_t h = 0; h < s->chosen_count; h++) {
            uint32_t a = (uint32_t)position, b = s->chosen[h].member;
            out->row[out->count] = side_a == 0 ? a : b;
            out->col[out->count] = side_a == 0 ? b : a;
            out->weight[out->count] = bonus + s->chosen[h].score;
            out->count++;
        }
    }
    size_t done = atomic_fetch_add(&j->done, last - first) + (last - first);
    if (worker == 0 && j->progress && j->progress(j->context, (double)done / (double)j->total))
        return LM_E_CANCELLED;
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

static void job_free(job *j, size_t workers, size_t chunk_count)
{
    for (size_t w = 0; j->scanners && w < workers; w++) {
        lm__pair_scorer_free(&j->scanners[w].scorer);
        lm__free(j->scanners[w].heap);
        lm__free(j->scanners[w].chosen);
        lm__free(j->scanners[w].stamp[0]);
        lm__free(j->scanners[w].stamp[1]);
    }
    lm__free(j->scanners);
    for (size_t c = 0; j->chunks && c < chunk_count; c++)
        lm__pair_edges_free(&j->chunks[c]);
    lm__free(j->chunks);
    index_free(&j->index[0]);
    index_free(&j->index[1]);
}

int lm__pair_candidates(const lm_pair_sides *sides, const lm_pair_rules *rules,
                        const lm_pair_profiles *profiles, const lm_weights *weights,
                        size_t keep, size_t workers, lm_pair_progress_fn progress,
                        void *context, lm_pair_edges *edges)
{
    const lm_pool *pool = rules->pool;
    memset(edges, 0, sizeof *edges);
    job j;
    memset(&j, 0, sizeof j);
    j.sides = sides;
    j.rules = rules;
    j.profiles = profiles;
    j.weights = *weights;
    j.keep = keep ? keep : 1;
    j.grid = make_grid(sides, pool, rules->params);
    j.total = sides->count[0] + sides->count[1];
    j.progress = progress;
    j.context = context;
    atomic_init(&j.done, 0);
    if (workers < 1)
        workers = 1;
    if (workers > LM_MAX_WORKERS)
        workers = LM_MAX_WORKERS;
    size_t chunk_count = (j.total + CHUNK - 1) / CHUNK;
    j.scanners = lm__calloc(workers, sizeof *j.scanners);
    j.chunks = lm__calloc(chunk_count ? chunk_count : 1, sizeof *j.chunks);
    int status = j.scanners && j.chunks ? LM_OK : LM_E_NOMEM;
    for (size_t w = 0; w < workers && status == LM_OK; w++) {
        scanner *s = &j.scanners[w];
        status = lm__pair_scorer_init(&s->scorer, pool, weights, profiles);
        s->heap = lm__malloc(SHORTLIST * j.keep * sizeof *s->heap);
        s->chosen = lm__malloc(j.keep * sizeof *s->chosen);
        for (int side = 0; side < 2; side++)
            s->stamp[side] = lm__calloc(sides->count[side] ? sides->count[side] : 1,
                                        sizeof *s->stamp[side]);
        if (status == LM_OK && (!s->heap || !s->chosen || !s->stamp[0] || !s->stamp[1]))
            status = LM_E_NOMEM;
    }
    for (int side = 0; side < 2 && status == LM_OK; side++)
        status = index_build(&j.index[side], pool, sides->members[side], sides->count[side],
                             &j.grid);
    if (status == LM_OK)
        status = lm__parallel(workers, chunk_count, scan_chunk, &j);
    if (status == LM_OK)
        status = lm__pair_edges_merge(edges, j.chunks, chunk_count, sides->count[0]);
    job_free(&j, workers, chunk_count);
    if (status != LM_OK)
        lm__pair_edges_free(edges);
    return status;
}
