/* Pairs mode (lm_pairs_match, pairs.c) split by concern: fast pair scores
 * (pairs_score.c), the hard constraints for one newcomer and one resident
 * (pairs_rules.c), the candidate graph for large pools (pairs_candidates.c),
 * and the edge list (pairs_edges.c); chunks of work run on threads with
 * parallel.c. The assignment solver is assignment.c. */
#ifndef LM_PAIRS_INTERNAL_H
#define LM_PAIRS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/model_internal.h"
#include "model/params_internal.h"
#include "common/parallel_internal.h"

/* ---- scores (pairs_score.c) --------------------------------------------------
 * The DESIGN.md objective for a group of one newcomer and one resident:
 * theme = max_t (x_a[t] + x_b[t]), shared = 2 <unit(x_a), unit(x_b)>,
 * exchange = 2 min(<unit(o_a), unit(w_b)>, <unit(o_b), unit(w_a)>),
 * cohost = both willing hosts, balance = 0, weighted by
 * lm__weighted_score() like every score. The same value as
 * lm__group_score() on the two members (up to rounding in the last bits; a
 * test holds them together), but without allocation and in
 * O(entries of b) once a is loaded. Vector values must be >= 0. */
typedef struct lm_pair_value {
    double value;
    uint32_t topic;
} lm_pair_value;

/* A participant's vectors in lm_pair_profiles.values from `start`: x (raw
 * levels), then unit(o), then unit(w). */
typedef struct lm_pair_profile {
    uint32_t start;
    uint16_t length[3];
    bool host;
    double inverse_x; /* 1/|x|, 0 for the zero vector */
} lm_pair_profile;

/* Built once per run; read-only, so scorers on several threads share it. */
typedef struct lm_pair_profiles {
    lm_pair_profile *people;
    lm_pair_value *values;
} lm_pair_profiles;

typedef struct lm_pair_scorer {
    lm_weights weights;
    const lm_pair_profiles *profiles;
    double *x, *unit_x, *unit_o, *unit_w; /* the loaded participant, dense over topics */
    double max_x;
    size_t loaded; /* SIZE_MAX: none */
} lm_pair_scorer;

int lm__pair_profiles_build(const lm_pool *pool, lm_pair_profiles *profiles);
void lm__pair_profiles_free(lm_pair_profiles *profiles);
int lm__pair_scorer_init(lm_pair_scorer *scorer, const lm_pool *pool, const lm_weights *weights,
                         const lm_pair_profiles *profiles);
void lm__pair_scorer_free(lm_pair_scorer *scorer);
/* Makes participant a the first member of the next scores. */
void lm__pair_scorer_load(lm_pair_scorer *scorer, size_t a);
/* The weighted score of the loaded participant with b (of the other role). */
double lm__pair_scorer_score(const lm_pair_scorer *scorer, size_t b);

/* ---- constraints (pairs_rules.c) ---------------------------------------------
 * Exactly the answer of lm__group_feasible() on the two members (with the
 * pool's venues when it has any; venue capacity is not a pair constraint),
 * computed faster: venue reachability is a bit set per participant built
 * once with the same distance function and comparison. */
typedef struct lm_pair_masks {
    uint64_t languages; /* 0: unknown */
    uint64_t slots;     /* the usable slots: all of the grid when unknown */
} lm_pair_masks;

typedef struct lm_pair_rules {
    const lm_pool *pool;
    const lm_params *params;
    uint64_t all_slots;
    lm_pair_masks *masks;     /* by participant, compact for cache's sake */
    size_t venue_words;       /* 0: no venues, or too many for bit sets */
    uint64_t *reach;          /* venue_words per participant */
    uint64_t *step_free;      /* venue_words: the step-free venues */
} lm_pair_rules;

int lm__pair_rules_init(lm_pair_rules *rules, const lm_pool *pool, const lm_params *params);
void lm__pair_rules_free(lm_pair_rules *rules);
/* Language (when required) and a common slot: the cheap part. */
bool lm__pair_masks_ok(const lm_pair_rules *rules, size_t a, size_t b);
/* Every hard constraint of a pair. */
bool lm__pair_feasible(const lm_pair_rules *rules, size_t a, size_t b);
/* Whether participant p alone can reach a venue (open at one of their
 * slots, step-free when needed); true when the pool has no venues. */
bool lm__pair_has_venue(const lm_pair_rules *rules, size_t p);

/* ---- earlier rounds (pairs_history.c) ----------------------------------------
 * Pairs who met in params' history: forbidden with LM_PARAM_NO_REPEATS (a
 * rule, checked by lm__pair_feasible), else a cost taken off the edge's
 * weight (0 without a history). lm_pairs_match() hands a run that may
 * repeat pairs to lm__pairs_match_history(): the best repeat-free matching
 * unless repeats place more people. */
bool lm__pair_repeat_forbidden(const lm_pair_rules *rules, size_t a, size_t b);
double lm__pair_repeat_cost(const lm_pair_rules *rules, size_t a, size_t b);
bool lm__pairs_two_solves(const lm_params *params);
int lm__pairs_match_history(const lm_pool *pool, const lm_params *params, lm_result *result);

/* ---- coordinator constraints (pairs_constraints.c) ---------------------------
 * Whether a and b may be a pair (neither excluded, not kept apart, and a
 * together set pairs only within itself), and whether person takes part at
 * all (the excluded are neither paired nor listed). */
bool lm__pair_constraints_ok(const struct lm_constraints *constraints, size_t a, size_t b);
bool lm__pair_takes_part(const lm_params *params, size_t person);

/* ---- the candidate graph (pairs_candidates.c) -------------------------------- */

/* The two sides as pool indices: rows (the smaller side) and columns. */
typedef struct lm_pair_sides {
    const size_t *members[2];
    size_t count[2];
} lm_pair_sides;

/* Feasible pairs as positions into the sides, sorted by row then column,
 * each pair once; weight = 2 mu + score. */
typedef struct lm_pair_edges {
    uint32_t *row, *col;
    double *weight;
    size_t count, capacity;
} lm_pair_edges;

void lm__pair_edges_free(lm_pair_edges *edges);
/* Room for `needed` edges in all. */
int lm__pair_edges_reserve(lm_pair_edges *edges, size_t needed);
/* Concatenates chunks (freeing them) in order into edges, sorted by row
 * then column; a repeated pair keeps its first weight. */
int lm__pair_edges_merge(lm_pair_edges *edges, lm_pair_edges *chunks, size_t chunk_count,
                         size_t rows);

/* Progress hook of long phases: share done in [0, 1]; non-zero stops. */
typedef int (*lm_pair_progress_fn)(void *context, double fraction);

/* For every participant of both sides, finds partners by blocking (nearby
 * grid cells, shared interest topics, offers that meet wants, co-hosts,
 * plus a rotating sample), scores them and keeps the `keep` best feasible
 * ones; the union of both sides' choices is the graph. Uses up to
 * `workers` threads; the graph does not depend on their number. */
int lm__pair_candidates(const lm_pair_sides *sides, const lm_pair_rules *rules,
                        const lm_pair_profiles *profiles, const lm_weights *weights,
                        size_t keep, size_t workers, lm_pair_progress_fn progress,
                        void *context, lm_pair_edges *edges);

#endif
