/* Baselines for groups_bench: groupings made without libmatch's search, on
 * the same pool and under the same hard constraints, so that the engine's
 * score and contact-condition rates can be read against them. */
#ifndef GROUPS_BASELINES_H
#define GROUPS_BASELINES_H

#include <stdint.h>

#include "libmatch/libmatch.h"

/* "What coordinators do by hand": the participants in random order; each
 * not yet placed one opens a group of random size in [min_size, max_size]
 * and takes the next people in that order who keep every hard constraint
 * (language, slot, distance, mix, venue open, free and step-free). A group
 * that cannot be completed is given up and its opener stays unassigned.
 * Fills a grouping with members, slot and venue of every group. */
int gb_random_groups(const lm_pool *pool, const lm_params *params, uint64_t seed,
                     lm_grouping **out);

/* A greedy assignment: participants in spatial order; each not yet placed
 * one opens a group and repeatedly adds, among the next unplaced people in
 * that order, the one with the best marginal score (score change plus mu),
 * all hard constraints kept, up to max_size. */
int gb_greedy_groups(const lm_pool *pool, const lm_params *params, lm_grouping **out);

#endif
