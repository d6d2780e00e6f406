/* The search over all rounds at once (rounds_internal.h), after the local
 * search of Dotú and Van Hentenryck for the social golfer problem
 * ("Scheduling social golfers locally", CPAIOR 2005): the cost is the
 * number of repeats; each step takes a round with a conflict (two members
 * of one group who meet more than once), tries every swap of a member in
 * conflict with a member of another group of that round, and makes the
 * best one that is not tabu (or that beats the best schedule found), even
 * when it makes things worse; people who just moved are tabu in that round
 * for a few steps. When the best schedule has not improved for a while,
 * the search goes back to it and shakes it with a few random swaps. Every
 * choice is drawn from a seeded generator: the same seed, the same result. */
#include <string.h>

#include "rounds/rounds_internal.h"
#include "common/rng_internal.h"

int lm__schedule_init(lm_schedule *s, uint32_t rounds, uint32_t people,
                      const uint32_t *round_first, const uint32_t *sizes)
{
    memset(s, 0, sizeof *s);
    s->rounds = rounds;
    s->people = people;
    s->group_count = round_first[rounds];
    size_t cells = (size_t)rounds * people, total = 0;
    for (uint32_t g = 0; g < s->group_count; g++)
        total += sizes[g];
    s->round_first = lm__malloc(((size_t)rounds + 1) * sizeof *s->round_first);
    s->start = lm__malloc(((size_t)s->group_count + 1) * sizeof *s->start);
    s->size = lm__malloc(((size_t)s->group_count + 1) * sizeof *s->size);
    s->members = lm__malloc((total ? total : 1) * sizeof *s->members);
    s->group_of = lm__malloc((cells ? cells : 1) * sizeof *s->group_of);
    s->position = lm__malloc((cells ? cells : 1) * sizeof *s->position);
    if (!s->round_first || !s->start || !s->size || !s->members || !s->group_of ||
        !s->position) {
        lm__schedule_free(s);
        return LM_E_NOMEM;
    }
    memcpy(s->round_first, round_first, ((size_t)rounds + 1) * sizeof *s->round_first);
    uint32_t at = 0;
    for (uint32_t g = 0; g < s->group_count; g++) {
        s->start[g] = at;
        s->size[g] = sizes[g];
        at += sizes[g];
    }
    for (size_t c = 0; c < cells; c++)
        s->group_of[c] = s->position[c] = LM_ROUNDS_ABSENT;
    return LM_OK;
}

void lm__schedule_free(lm_schedule *s)
{
    lm__free(s->round_first);
    lm__free(s->start);
    lm__free(s->size);
    lm__free(s->members);
    lm__free(s->group_of);
    lm__free(s->position);
    memset(s, 0, sizeof *s);
}

static uint32_t round_of(const lm_schedule *s, uint32_t g)
{
    uint32_t r = 0;
    while (s->round_first[r + 1] <= g)
        r++;
    return r;
}

void lm__schedule_place(lm_schedule *s, uint32_t g, uint32_t k, uint32_t person)
{
    size_t cell = (size_t)round_of(s, g) * s->people + person;
    s->members[s->start[g] + k] = person;
    s->group_of[cell] = g;
    s->position[cell] = s->start[g] + k;
}

/* ---- meeting counts ------------------------------------------------------ */

typedef struct search {
    lm_schedule *s;
    const lm_schedule_search *options;
    uint32_t n;
    uint8_t *count;      /* n x n meetings, symmetric */
    size_t cost;         /* repeats */
    lm_rng rng;
    uint64_t *tabu;      /* [round * n + person]: moves again after this step */
    uint64_t *pair_tabu; /* [(round * n + a) * n + b]: a and b swap again after this
                            step; small schedules only (else NULL: people are tabu) */
    uint32_t *conflicted; /* scratch: people of one round in conflict */
    uint64_t *seen;      /* [person]: the listing that listed them */
    uint64_t listing;
    uint32_t *rounds_in_conflict;
} search;

static uint8_t *cell(search *x, uint32_t a, uint32_t b)
{
    return &x->count[(size_t)a * x->n + b];
}

/* A meeting of a and b more (+1) or less (-1); returns the change of cost. */
static int meet(search *x, uint32_t a, uint32_t b, int sign)
{
    uint8_t *ab = cell(x, a, b), *ba = cell(x, b, a);
    int change = 0;
    if (sign > 0) {
        change = *ab >= 1;
        (*ab)++;
    } else {
        change = -(*ab >= 2);
        (*ab)--;
    }
    *ba = *ab;
    return change;
}

static size_t count_all(search *x)
{
    const lm_schedule *s = x->s;
    if (x->options->met)
        memcpy(x->count, x->options->met, (size_t)x->n * x->n);
    else
        memset(x->count, 0, (size_t)x->n * x->n);
    long cost = 0;
    for (size_t a = 0; a < x->n; a++)
        for (size_t b = a + 1; b < x->n; b++)
            cost += x->count[a * x->n + b] >= 2 ? x->count[a * x->n + b] - 1 : 0;
    for (uint32_t g = 0; g < s->group_count; g++) {
        const uint32_t *m = s->members + s->start[g];
        for (uint32_t i = 0; i < s->size[g]; i++)
            for (uint32_t j = i + 1; j < s->size[g]; j++)
                cost += meet(x, m[i], m[j], 1);
    }
    return (size_t)cost;
}

size_t lm__schedule_repeats(const lm_schedule *s, const uint8_t *met)
{
    size_t n = s->people, repeats = 0;
    /* pairs of one group meet once per group; count per pair with a sort
     * would be slower to write than this small table */
    uint8_t *count = lm__calloc(n ? n * n : 1, 1);
    if (!count)
        return SIZE_MAX;
    if (met)
        memcpy(count, met, n * n);
    for (uint32_t g = 0; g < s->group_count; g++) {
        const uint32_t *m = s->members + s->start[g];
        for (uint32_t i = 0; i < s->size[g]; i++)
            for (uint32_t j = i + 1; j < s->size[g]; j++) {
                uint32_t a = m[i] < m[j] ? m[i] : m[j], b = m[i] < m[j] ? m[j] : m[i];
                count[(size_t)a * n + b]++;
            }
    }
    for (size_t a = 0; a < n; a++)
        for (size_t b = a + 1; b < n; b++)
            repeats += count[a * n + b] >= 2 ? count[a * n + b] - 1u : 0u;
    lm__free(count);
    return repeats;
}

/* ---- moves ------------------------------------------------------------------ */

/* The change of cost if a (of group ga) and b (of gb) swapped. */
static int swap_delta(search *x, uint32_t ga, uint32_t a, uint32_t gb, uint32_t b)
{
    const lm_schedule *s = x->s;
    int delta = 0;
    const uint32_t *ma = s->members + s->start[ga], *mb = s->members + s->start[gb];
    for (uint32_t k = 0; k < s->size[ga]; k++) {
        uint32_t y = ma[k];
        if (y == a)
            continue;
        delta -= *cell(x, a, y) >= 2;
        delta += *cell(x, b, y) >= 1;
    }
    for (uint32_t k = 0; k < s->size[gb]; k++) {
        uint32_t y = mb[k];
        if (y == b)
            continue;
        delta -= *cell(x, b, y) >= 2;
        delta += *cell(x, a, y) >= 1;
    }
    return delta;
}

static void swap_apply(search *x, uint32_t round, uint32_t ga, uint32_t a, uint32_t gb,
                       uint32_t b)
{
    lm_schedule *s = x->s;
    long change = 0;
    for (uint32_t k = 0; k < s->size[ga]; k++) {
        uint32_t y = s->members[s->start[ga] + k];
        if (y != a)
            change += meet(x, a, y, -1) + meet(x, b, y, 1);
    }
    for (uint32_t k = 0; k < s->size[gb]; k++) {
        uint32_t y = s->members[s->start[gb] + k];
        if (y != b)
            change += meet(x, b, y, -1) + meet(x, a, y, 1);
    }
    x->cost = (size_t)((long)x->cost + change);
    size_t ca = (size_t)round * s->people + a, cb = (size_t)round * s->people + b;
    uint32_t pa = s->position[ca], pb = s->position[cb];
    s->members[pa] = b;
    s->members[pb] = a;
    s->position[ca] = pb;
    s->position[cb] = pa;
    s->group_of[ca] = gb;
    s->group_of[cb] = ga;
}

/* The people of round r with a partner they meet more than once. */
static uint32_t conflicts_of(search *x, uint32_t r, uint64_t step)
{
    const lm_schedule *s = x->s;
    uint32_t found = 0;
    (void)step;
    uint64_t mark = ++x->listing;
    for (uint32_t g = s->round_first[r]; g < s->round_first[r + 1]; g++) {
        const uint32_t *m = s->members + s->start[g];
        for (uint32_t i = 0; i < s->size[g]; i++)
            for (uint32_t j = i + 1; j < s->size[g]; j++)
                if (*cell(x, m[i], m[j]) >= 2) {
                    uint32_t pair[2] = {m[i], m[j]};
                    for (int k = 0; k < 2; k++)
                        if (x->seen[pair[k]] != mark) {
                            x->seen[pair[k]] = mark;
                            x->conflicted[found++] = pair[k];
                        }
                }
    }
    return found;
}

typedef struct move {
    int delta;
    uint32_t round, ga, a, gb, b;
} move;

#define MOVES_KEPT 8
#define CANDIDATES 8
/* Schedules of at most this many (person, round) cells look at every round
 * in each step. */
#define WHOLE_SCHEDULE 1024
/* Schedules of at most this many (round, person, person) triples keep a
 * tabu per pair swapped (as Dotú and Van Hentenryck do), larger ones per
 * person moved; a swap stays tabu for MIN + a random part of SPREAD steps. */
#define PAIR_TABU_MAX ((size_t)1 << 20)
#define PAIR_TENURE_MIN 10
#define PAIR_TENURE_SPREAD 40

/* Keeps the MOVES_KEPT best moves, ties in a random order. */
static void offer(move *best, uint32_t *kept, const move *m, lm_rng *rng)
{
    if (*kept == MOVES_KEPT && best[MOVES_KEPT - 1].delta <= m->delta)
        return; /* full, and no better than the worst kept */
    uint32_t at = *kept < MOVES_KEPT ? (*kept)++ : MOVES_KEPT - 1;
    while (at > 0 && (best[at - 1].delta > m->delta ||
                      (best[at - 1].delta == m->delta && lm__rng_below(rng, 2) == 0))) {
        best[at] = best[at - 1];
        at--;
    }
    best[at] = *m;
}

static bool allowed(search *x, uint32_t r, const move *m)
{
    return !x->options->swap_ok ||
           x->options->swap_ok(x->options->context, x->s, r, m->ga, m->a, m->gb, m->b);
}

/* The best admissible swaps in round r of someone in conflict (at most
 * `limit` of them, drawn at random) into best[0 .. *kept). */
static void collect_moves(search *x, uint32_t r, uint64_t step, size_t best_cost, move *best,
                          uint32_t *kept, uint32_t limit)
{
    const lm_schedule *s = x->s;
    uint32_t found = conflicts_of(x, r, step);
    for (uint32_t k = 0; k < found && k < limit; k++) {
        uint32_t pick = k + (uint32_t)lm__rng_below(&x->rng, found - k), t = x->conflicted[k];
        x->conflicted[k] = x->conflicted[pick];
        x->conflicted[pick] = t;
    }
    if (found > limit)
        found = limit;
    for (uint32_t k = 0; k < found; k++) {
        uint32_t a = x->conflicted[k];
        uint32_t ga = s->group_of[(size_t)r * s->people + a];
        bool a_tabu = !x->pair_tabu && x->tabu[(size_t)r * s->people + a] > step;
        const uint64_t *pairs = x->pair_tabu ? x->pair_tabu + ((size_t)r * s->people + a) * s->people
                                             : NULL;
        for (uint32_t gb = s->round_first[r]; gb < s->round_first[r + 1]; gb++) {
            if (gb == ga)
                continue;
            for (uint32_t j = 0; j < s->size[gb]; j++) {
                uint32_t b = s->members[s->start[gb] + j];
                int delta = swap_delta(x, ga, a, gb, b);
                bool tabu = pairs ? pairs[b] > step
                                  : a_tabu || x->tabu[(size_t)r * s->people + b] > step;
                if (tabu && (long)x->cost + delta >= (long)best_cost)
                    continue;
                move m = {delta, r, ga, a, gb, b};
                offer(best, kept, &m, &x->rng);
            }
        }
    }
}

/* Makes the first allowed of the moves kept; its two people turn tabu. */
static void make_move(search *x, uint64_t step, const move *best, uint32_t kept)
{
    const lm_schedule *s = x->s;
    for (uint32_t k = 0; k < kept; k++) {
        if (!allowed(x, best[k].round, &best[k]))
            continue;
        swap_apply(x, best[k].round, best[k].ga, best[k].a, best[k].gb, best[k].b);
        size_t r = best[k].round, n = s->people;
        if (x->pair_tabu) {
            uint64_t until = step + PAIR_TENURE_MIN + lm__rng_below(&x->rng, PAIR_TENURE_SPREAD);
            x->pair_tabu[(r * n + best[k].a) * n + best[k].b] = until;
            x->pair_tabu[(r * n + best[k].b) * n + best[k].a] = until;
        } else {
            uint64_t until = step + 10 + lm__rng_below(&x->rng, 20);
            x->tabu[r * n + best[k].a] = until;
            x->tabu[r * n + best[k].b] = until;
        }
        return;
    }
}

/* A few random swaps, each in a random searchable round. */
static void shake(search *x, uint32_t first_round, uint32_t swaps)
{
    const lm_schedule *s = x->s;
    for (uint32_t k = 0; k < swaps * 4 && swaps > 0; k++) {
        uint32_t r = first_round + (uint32_t)lm__rng_below(&x->rng, s->rounds - first_round);
        uint32_t groups = s->round_first[r + 1] - s->round_first[r];
        if (groups < 2)
            continue;
        uint32_t ga = s->round_first[r] + (uint32_t)lm__rng_below(&x->rng, groups);
        uint32_t gb = s->round_first[r] + (uint32_t)lm__rng_below(&x->rng, groups - 1);
        gb += gb >= ga;
        if (!s->size[ga] || !s->size[gb])
            continue;
        move m = {0, r, ga, s->members[s->start[ga] + lm__rng_below(&x->rng, s->size[ga])], gb,
                  s->members[s->start[gb] + lm__rng_below(&x->rng, s->size[gb])]};
        if (!allowed(x, r, &m))
            continue;
        swap_apply(x, r, ga, m.a, gb, m.b);
        swaps--;
    }
}

typedef struct saved {
    uint32_t *members, *group_of, *position;
} saved;

static void save(const lm_schedule *s, saved *to)
{
    size_t total = s->start[s->group_count - 1] + s->size[s->group_count - 1];
    memcpy(to->members, s->members, total * sizeof *s->members);
    memcpy(to->group_of, s->group_of, (size_t)s->rounds * s->people * sizeof *s->group_of);
    memcpy(to->position, s->position, (size_t)s->rounds * s->people * sizeof *s->position);
}

static void restore(lm_schedule *s, const saved *from)
{
    size_t total = s->start[s->group_count - 1] + s->size[s->group_count - 1];
    memcpy(s->members, from->members, total * sizeof *s->members);
    memcpy(s->group_of, from->group_of, (size_t)s->rounds * s->people * sizeof *s->group_of);
    memcpy(s->position, from->position, (size_t)s->rounds * s->people * sizeof *s->position);
}

int lm__schedule_search(lm_schedule *s, const lm_schedule_search *options, size_t *repeats)
{
    *repeats = 0;
    if (s->group_count == 0 || s->people == 0)
        return LM_OK;
    search x;
    memset(&x, 0, sizeof x);
    x.s = s;
    x.options = options;
    x.n = s->people;
    size_t n = s->people, cells = (size_t)s->rounds * n;
    size_t total = s->start[s->group_count - 1] + s->size[s->group_count - 1];
    x.count = lm__malloc(n * n);
    x.tabu = lm__calloc(cells, sizeof *x.tabu);
    if (cells * n <= PAIR_TABU_MAX)
        x.pair_tabu = lm__calloc(cells * n, sizeof *x.pair_tabu);
    x.conflicted = lm__malloc(n * sizeof *x.conflicted);
    x.seen = lm__calloc(n, sizeof *x.seen);
    x.rounds_in_conflict = lm__malloc(((size_t)s->rounds + 1) * sizeof *x.rounds_in_conflict);
    saved best = {lm__malloc((total ? total : 1) * sizeof *s->members),
                  lm__malloc(cells * sizeof *s->group_of),
                  lm__malloc(cells * sizeof *s->position)};
    int status = LM_OK;
    if (!x.count || !x.tabu || !x.conflicted || !x.seen || !x.rounds_in_conflict ||
        !best.members || !best.group_of || !best.position) {
        status = LM_E_NOMEM;
        goto done;
    }
    lm__rng_seed(&x.rng, options->seed, 0x726f756e6473u); /* "rounds" */
    x.cost = count_all(&x);
    size_t best_cost = x.cost;
    save(s, &best);
    uint32_t first = s->first_round_fixed ? 1 : 0;
    uint64_t since_best = 0, stall = 200 + 20 * (uint64_t)n;
    for (uint64_t step = 0; step < options->iterations && best_cost > 0 && first < s->rounds;
         step++) {
        /* a random round among those with a conflict */
        uint32_t candidates = 0;
        for (uint32_t r = first; r < s->rounds; r++) {
            bool any = false;
            for (uint32_t g = s->round_first[r]; g < s->round_first[r + 1] && !any; g++) {
                const uint32_t *m = s->members + s->start[g];
                for (uint32_t i = 0; i < s->size[g] && !any; i++)
                    for (uint32_t j = i + 1; j < s->size[g] && !any; j++)
                        any = *cell(&x, m[i], m[j]) >= 2;
            }
            if (any)
                x.rounds_in_conflict[candidates++] = r;
        }
        if (candidates == 0)
            break; /* the repeats left are in the fixed round or the history alone */
        if ((size_t)n * s->rounds <= WHOLE_SCHEDULE) {
            /* small: the best move over every round in conflict */
            move best_move[MOVES_KEPT];
            uint32_t kept = 0;
            for (uint32_t k = 0; k < candidates; k++)
                collect_moves(&x, x.rounds_in_conflict[k], step, best_cost, best_move, &kept,
                              UINT32_MAX);
            make_move(&x, step, best_move, kept);
        } else {
            uint32_t r = x.rounds_in_conflict[lm__rng_below(&x.rng, candidates)];
            move best_move[MOVES_KEPT];
            uint32_t kept = 0;
            collect_moves(&x, r, step, best_cost, best_move, &kept, CANDIDATES);
            make_move(&x, step, best_move, kept);
        }
        if (x.cost < best_cost) {
            best_cost = x.cost;
            save(s, &best);
            since_best = 0;
        } else if (++since_best > stall) {
            restore(s, &best);
            x.cost = count_all(&x);
            shake(&x, first, 2 + (uint32_t)lm__rng_below(&x.rng, 3));
            x.cost = count_all(&x);
            since_best = 0;
        }
    }
    restore(s, &best);
    *repeats = best_cost;
done:
    lm__free(x.count);
    lm__free(x.tabu);
    lm__free(x.pair_tabu);
    lm__free(x.conflicted);
    lm__free(x.seen);
    lm__free(x.rounds_in_conflict);
    lm__free(best.members);
    lm__free(best.group_of);
    lm__free(best.position);
    return status;
}
