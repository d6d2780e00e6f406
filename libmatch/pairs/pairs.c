/* lm_pairs_match(): buddy pairs, one newcomer with one resident, solved
 * exactly as a maximum-weight assignment (DESIGN.md, "Modes").
 *
 * Matching a pair takes two people out of the unassigned, so with score s
 * the pair is worth w = 2 mu + s against leaving both alone, and the total
 * is sum(w over pairs) - mu * (newcomers + residents). Infeasible pairs are
 * absent edges. Small pools get every feasible pair as an edge (LM_OPTIMAL);
 * large ones a candidate graph (pairs_candidates.c), and the assignment is
 * solved exactly on that graph (LM_OPTIMAL_ON_CANDIDATES). The smaller side
 * are the rows, so the solver's searches end at free columns. Reported scores
 * and placements come from the reference functions lm__group_score() and
 * lm__group_feasible(). Venue capacity is not a pair constraint: buddies
 * meet at a venue, they do not book it. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/assignment_internal.h"
#include "engine/constraints_internal.h"
#include "engine/objective_internal.h"
#include "model/constraints_internal.h"
#include "pairs/pairs_internal.h"
#include "model/result_internal.h"

/* Dense (every pair, provably optimal) up to this many pairs. */
#define DENSE_PAIRS_MAX ((size_t)25000000)
/* Partners kept per person on the candidate graph by default. */
#define DEFAULT_KEEP 20
#define PROGRESS_INTERVAL 0.1

typedef struct progress_state {
    const lm_params *params;
    struct timespec start;
    double next;          /* elapsed seconds of the next report */
    double base_total;    /* -mu * everybody: the total of matching nobody */
    double phase_start, phase_share;
} progress_state;

static double elapsed(const progress_state *p)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - p->start.tv_sec) +
           1e-9 * (double)(now.tv_nsec - p->start.tv_nsec);
}

/* Reports at the first call of a phase (fraction 0) and then every
 * PROGRESS_INTERVAL seconds; non-zero when the callback asks to stop. */
static int report(progress_state *p, double fraction, double matched_weight, bool force)
{
    if (!p->params->progress)
        return 0;
    double seconds = elapsed(p);
    if (!force && seconds < p->next)
        return 0;
    p->next = seconds + PROGRESS_INTERVAL;
    return p->params->progress(p->params->progress_user, p->base_total + matched_weight, seconds,
                               p->phase_start + p->phase_share * fraction);
}

static int building_progress(void *context, double fraction)
{
    return report(context, fraction, 0.0, false);
}

static int solving_progress(void *context, size_t done, size_t total, double matched)
{
    return report(context, total ? (double)done / (double)total : 1.0, matched, false);
}

/* ---- why somebody stays alone ------------------------------------------------------ */

/* What the other side offers anybody, for language and slot reasons in
 * O(64) per person: slots are each member's usable slots (all when unknown). */
typedef struct side_summary {
    size_t count;
    uint64_t languages;             /* union of the known language masks */
    bool unknown_language;
    uint64_t slots_all;             /* over everybody */
    uint64_t slots_unknown_language;
    uint64_t slots_by_language[64];
} side_summary;

static void summarise(const lm_pool *pool, const size_t *members, size_t count, uint64_t all,
                      side_summary *s)
{
    memset(s, 0, sizeof *s);
    s->count = count;
    for (size_t k = 0; k < count; k++) {
        const lm_participant *p = &pool->people[members[k]];
        uint64_t slots = all & (p->availability ? p->availability : all);
        s->slots_all |= slots;
        if (!p->languages) {
            s->unknown_language = true;
            s->slots_unknown_language |= slots;
            continue;
        }
        s->languages |= p->languages;
        for (uint64_t m = p->languages; m; m &= m - 1)
            s->slots_by_language[__builtin_ctzll(m)] |= slots;
    }
}

typedef struct reasons {
    const lm_pair_rules *rules;
    side_summary other[2]; /* by role: what the other role offers */
    uint8_t *feasible;     /* by participant: has a feasible partner */
    uint8_t *free_partner; /* by participant: a feasible partner stayed unmatched */
} reasons;

static lm_reason reason_for(const reasons *r, size_t participant)
{
    const lm_pool *pool = r->rules->pool;
    const lm_participant *p = &pool->people[participant];
    const side_summary *o = &r->other[p->role];
    uint64_t all = r->rules->all_slots;
    if (o->count == 0)
        return LM_REASON_ROLE_SHORTAGE;
    uint64_t reachable = o->slots_all;
    if (r->rules->params->language && p->languages) {
        if (!o->unknown_language && !(o->languages & p->languages))
            return LM_REASON_NO_SHARED_LANGUAGE;
        reachable = o->slots_unknown_language;
        for (uint64_t m = p->languages; m; m &= m - 1)
            reachable |= o->slots_by_language[__builtin_ctzll(m)];
    }
    if (!(reachable & all & (p->availability ? p->availability : all)))
        return LM_REASON_NO_COMMON_SLOT;
    bool venues = pool->venue_count > 0;
    if (venues && !lm__pair_has_venue(r->rules, participant))
        return LM_REASON_NO_VENUE;
    if (!r->feasible[participant])
        return venues ? LM_REASON_NO_VENUE : LM_REASON_TOO_FAR;
    if (!r->free_partner[participant])
        return LM_REASON_ROLE_SHORTAGE;
    return LM_REASON_NOT_PLACED;
}

static void note_feasible(reasons *r, size_t a, size_t b, bool a_free, bool b_free)
{
    r->feasible[a] = r->feasible[b] = 1;
    if (b_free)
        r->free_partner[a] = 1;
    if (a_free)
        r->free_partner[b] = 1;
}

/* ---- the run ------------------------------------------------------------------------ */

typedef struct run {
    const lm_pool *pool;
    const lm_params *params;
    lm_result *result;
    lm_pair_sides sides; /* rows: the smaller side */
    size_t *by_role[2];
    size_t role_count[2];
    lm_pair_rules rules;
    lm_pair_profiles profiles;
    size_t workers;
    int64_t *match; /* by row: column or -1 */
    progress_state progress;
} run;

/* Every feasible pair as an edge (the complete graph), DENSE_CHUNK rows per
 * chunk of parallel work. */
#define DENSE_CHUNK 32

typedef struct all_pairs_job {
    run *r;
    lm_pair_edges *chunks;   /* by chunk */
    lm_pair_scorer *scorers; /* by worker */
} all_pairs_job;

static int score_rows(void *context, size_t worker, size_t chunk)
{
    all_pairs_job *job = context;
    const run *r = job->r;
    size_t rows = r->sides.count[0], cols = r->sides.count[1];
    size_t first = chunk * DENSE_CHUNK;
    size_t last = first + DENSE_CHUNK < rows ? first + DENSE_CHUNK : rows;
    double bonus = 2.0 * r->params->weights.unassigned;
    lm_pair_scorer *scorer = &job->scorers[worker];
    lm_pair_edges *out = &job->chunks[chunk];
    for (size_t i = first; i < last; i++) {
        size_t a = r->sides.members[0][i];
        lm__pair_scorer_load(scorer, a);
        if (lm__pair_edges_reserve(out, out->count + cols) != LM_OK)
            return LM_E_NOMEM;
        for (size_t j = 0; j < cols; j++) {
            size_t b = r->sides.members[1][j];
            if (!lm__pair_feasible(&r->rules, a, b))
                continue;
            out->row[out->count] = (uint32_t)i;
            out->col[out->count] = (uint32_t)j;
            out->weight[out->count++] =
                bonus + lm__pair_scorer_score(scorer, b) - lm__pair_repeat_cost(&r->rules, a, b);
        }
    }
    if (worker == 0 && building_progress(&job->r->progress, (double)last / (double)rows))
        return LM_E_CANCELLED;
    return LM_OK;
}

static int all_pairs(run *r, lm_pair_edges *edges)
{
    size_t rows = r->sides.count[0], chunks = (rows + DENSE_CHUNK - 1) / DENSE_CHUNK;
    memset(edges, 0, sizeof *edges);
    all_pairs_job job = {r, lm__calloc(chunks ? chunks : 1, sizeof *job.chunks),
                         lm__calloc(r->workers, sizeof *job.scorers)};
    int status = job.chunks && job.scorers ? LM_OK : LM_E_NOMEM;
    for (size_t w = 0; w < r->workers && status == LM_OK; w++)
        status = lm__pair_scorer_init(&job.scorers[w], r->pool, &r->params->weights, &r->profiles);
    if (status == LM_OK)
        status = lm__parallel(r->workers, chunks, score_rows, &job);
    if (status == LM_OK)
        status = lm__pair_edges_merge(edges, job.chunks, chunks, rows);
    for (size_t c = 0; job.chunks && c < chunks; c++)
        lm__pair_edges_free(&job.chunks[c]);
    for (size_t w = 0; job.scorers && w < r->workers; w++)
        lm__pair_scorer_free(&job.scorers[w]);
    lm__free(job.chunks);
    lm__free(job.scorers);
    return status;
}

/* Solves the assignment on the graph and notes, for the reasons, who has a
 * feasible partner and who has one that stayed free. */
static int solve(run *r, reasons *why, const lm_pair_edges *edges)
{
    size_t rows = r->sides.count[0], cols = r->sides.count[1];
    size_t *row_start = lm__calloc(rows + 1, sizeof *row_start);
    uint8_t *col_taken = lm__calloc(cols ? cols : 1, 1);
    int status = row_start && col_taken ? LM_OK : LM_E_NOMEM;
    r->progress.phase_start = 0.5;
    if (status == LM_OK && report(&r->progress, 0.0, 0.0, true))
        status = LM_E_CANCELLED;
    if (status == LM_OK) {
        for (size_t e = 0; e < edges->count; e++)
            row_start[edges->row[e] + 1]++;
        for (size_t i = 0; i < rows; i++)
            row_start[i + 1] += row_start[i];
        lm_bipartite graph = {rows, cols, row_start, edges->col, edges->weight};
        lm_assign_control control = {solving_progress, &r->progress};
        status = lm__assign_sparse(&graph, &control, r->match, NULL);
    }
    if (status == LM_OK) {
        for (size_t i = 0; i < rows; i++)
            if (r->match[i] >= 0)
                col_taken[r->match[i]] = 1;
        for (size_t e = 0; e < edges->count; e++)
            note_feasible(why, r->sides.members[0][edges->row[e]],
                          r->sides.members[1][edges->col[e]], r->match[edges->row[e]] < 0,
                          !col_taken[edges->col[e]]);
    }
    lm__free(row_start);
    lm__free(col_taken);
    return status;
}

typedef struct pair_out {
    size_t first, second; /* first < second */
} pair_out;

static int compare_pairs(const void *a, const void *b)
{
    const pair_out *x = a, *y = b;
    return x->first < y->first ? -1 : x->first > y->first;
}

static int fill_result(run *r, const reasons *why)
{
    const lm_pool *pool = r->pool;
    lm_result *result = r->result;
    size_t rows = r->sides.count[0];
    pair_out *pairs = lm__malloc((rows ? rows : 1) * sizeof *pairs);
    uint8_t *matched = lm__calloc(pool->count ? pool->count : 1, 1);
    int status = LM_E_NOMEM;
    if (!pairs || !matched)
        goto done;
    size_t count = 0;
    for (size_t i = 0; i < rows; i++) {
        if (r->match[i] < 0)
            continue;
        size_t a = r->sides.members[0][i], b = r->sides.members[1][r->match[i]];
        pairs[count++] = (pair_out){a < b ? a : b, a < b ? b : a};
    }
    qsort(pairs, count, sizeof *pairs, compare_pairs);
    double total = 0.0;
    status = LM_OK;
    for (size_t k = 0; k < count && status == LM_OK; k++) {
        size_t members[2] = {pairs[k].first, pairs[k].second};
        lm_placement place;
        lm_group_score score;
        /* Every edge passed lm__pair_feasible(), the same test; a pair the
         * reference refuses would be a bug, and its people stay unassigned. */
        if (!lm__group_feasible(pool, r->params, members, 2, true, NULL, NULL, &place))
            continue;
        status = lm__group_score(pool, &r->params->weights, members, 2, &score);
        size_t index;
        if (status == LM_OK)
            status = lm__result_add_group(result, members, 2, &index);
        if (status != LM_OK)
            break;
        lm_group_out *g = &result->groups[index];
        g->theme = score.theme;
        g->slot = place.slot;
        g->venue = place.venue;
        g->language = place.language;
        g->cohost[0] = score.cohost[0];
        g->cohost[1] = score.cohost[1];
        memcpy(g->terms, score.terms, sizeof g->terms);
        total += score.terms[LM_TERM_TOTAL];
        matched[members[0]] = matched[members[1]] = 1;
    }
    for (size_t p = 0; p < pool->count && status == LM_OK; p++)
        if (!matched[p] && lm__pair_takes_part(r->params, p))
            status = lm__result_add_unassigned(result, p, reason_for(why, p));
    if (status == LM_OK)
        result->total = lm__weighted_total(&r->params->weights, total, result->unassigned_count);
done:
    lm__free(pairs);
    lm__free(matched);
    return status;
}

static int split_roles(run *r)
{
    const lm_pool *pool = r->pool;
    size_t n = pool->count ? pool->count : 1;
    r->by_role[0] = lm__malloc(n * sizeof *r->by_role[0]);
    r->by_role[1] = lm__malloc(n * sizeof *r->by_role[1]);
    if (!r->by_role[0] || !r->by_role[1])
        return LM_E_NOMEM;
    size_t *count = r->role_count;
    for (size_t p = 0; p < pool->count; p++) {
        int role = pool->people[p].role == LM_RESIDENT;
        r->by_role[role][count[role]++] = p;
    }
    int rows = lm__scarcer_role(count[LM_NEWCOMER], count[LM_RESIDENT]);
    r->sides.members[0] = r->by_role[rows];
    r->sides.count[0] = count[rows];
    r->sides.members[1] = r->by_role[1 - rows];
    r->sides.count[1] = count[1 - rows];
    return LM_OK;
}

static void run_free(run *r)
{
    lm__free(r->by_role[0]);
    lm__free(r->by_role[1]);
    lm__pair_profiles_free(&r->profiles);
    lm__free(r->match);
    lm__pair_rules_free(&r->rules);
}

static int match_pairs(run *r)
{
    int status = split_roles(r);
    if (status == LM_OK)
        status = lm__pair_profiles_build(r->pool, &r->profiles);
    if (status == LM_OK)
        status = lm__pair_rules_init(&r->rules, r->pool, r->params);
    size_t rows = r->sides.count[0], cols = r->sides.count[1];
    r->match = lm__malloc((rows ? rows : 1) * sizeof *r->match);
    reasons why;
    memset(&why, 0, sizeof why);
    why.rules = &r->rules;
    why.feasible = lm__calloc(r->pool->count ? r->pool->count : 1, 1);
    why.free_partner = lm__calloc(r->pool->count ? r->pool->count : 1, 1);
    if (status == LM_OK && (!r->match || !why.feasible || !why.free_partner))
        status = LM_E_NOMEM;
    if (status == LM_OK && report(&r->progress, 0.0, 0.0, true))
        status = LM_E_CANCELLED;

    size_t keep = (size_t)r->params->candidates;
    bool dense = keep == 0 && (cols == 0 || rows <= DENSE_PAIRS_MAX / cols);
    lm_pair_edges edges;
    memset(&edges, 0, sizeof edges);
    if (status == LM_OK)
        status = dense ? all_pairs(r, &edges)
                       : lm__pair_candidates(&r->sides, &r->rules, &r->profiles,
                                             &r->params->weights, keep ? keep : DEFAULT_KEEP,
                                             r->workers, building_progress, &r->progress, &edges);
    if (status == LM_OK)
        status = solve(r, &why, &edges);
    lm__pair_edges_free(&edges);
    if (status == LM_OK) {
        for (int role = 0; role < 2; role++)
            summarise(r->pool, r->by_role[1 - role], r->role_count[1 - role],
                      r->rules.all_slots, &why.other[role]);
        status = fill_result(r, &why);
    }
    if (status == LM_OK)
        r->result->optimality = dense ? LM_OPTIMAL : LM_OPTIMAL_ON_CANDIDATES;
    if (status == LM_OK && r->params->progress &&
        r->params->progress(r->params->progress_user, r->result->total, elapsed(&r->progress),
                            1.0))
        status = LM_E_CANCELLED;
    lm__free(why.feasible);
    lm__free(why.free_partner);
    return status;
}

int lm_pairs_match(const lm_pool *pool, const lm_params *params, lm_result *result)
{
    if (!result)
        return LM_E_INVALID;
    lm__result_reset(result);
    if (!pool || !params)
        return lm__fail(&result->base, LM_E_INVALID, "pool and params must not be NULL");
    /* a together set of more than two cannot be one pair; pins need kept groups */
    int checked = params->constraints ? lm__constraints_check_run(params->constraints, pool, 2,
                                                                  NULL, &result->base)
                                      : LM_OK;
    if (checked != LM_OK)
        return checked;
    if (lm__pairs_two_solves(params))
        return lm__pairs_match_history(pool, params, result);
    if (pool->count >= LM_ASSIGN_MAX_SIDE)
        return lm__fail(&result->base, LM_E_TOO_LARGE, "pool of %zu participants is too large",
                        pool->count);
    /* min_size, max_size and min_per_role are fixed by the mode */
    struct lm_params pair_params = *params;
    pair_params.min_size = pair_params.max_size = 2;
    pair_params.min_per_role = 1;
    int status = lm__params_validate(&pair_params, &result->base);
    if (status != LM_OK)
        return status;

    run r;
    memset(&r, 0, sizeof r);
    r.pool = pool;
    r.params = &pair_params;
    r.result = result;
    r.progress.params = &pair_params;
    r.workers = pair_params.threads < 1 ? 1
                : pair_params.threads > LM_MAX_WORKERS ? LM_MAX_WORKERS
                                                             : (size_t)pair_params.threads;
    r.progress.phase_share = 0.5;
    r.progress.base_total = lm__weighted_total(&pair_params.weights, 0.0, pool->count);
    clock_gettime(CLOCK_MONOTONIC, &r.progress.start);
    status = match_pairs(&r);
    run_free(&r);
    if (status != LM_OK) {
        lm__result_reset(result);
        if (status == LM_E_CANCELLED)
            return lm__fail(&result->base, status, "cancelled by the progress callback");
        if (status == LM_E_TOO_LARGE)
            return lm__fail(&result->base, status,
                            "pool too large for pairs: more than 2^32 vector entries");
        return lm__fail(&result->base, status, "%s", lm_strerror(status));
    }
    return LM_OK;
}
