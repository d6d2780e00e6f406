/* lm_groups_evaluate(): scores any grouping (hand-made ones too) with the
 * reference objective and lists every violated hard constraint, by group and
 * participant, so a coordinator sees exactly what to fix. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "engine/constraints_internal.h"
#include "model/constraints_internal.h"
#include "model/grouping_internal.h"
#include "engine/objective_internal.h"
#include "model/result_internal.h"

typedef struct usage {
    const lm_pool *pool;
    uint32_t *used; /* by venue * slots + slot */
    size_t slots;
} usage;

static bool venue_busy(void *context, size_t venue, size_t slot)
{
    const usage *u = context;
    return u->used[venue * u->slots + slot] >= u->pool->venues[venue].capacity;
}

#define VIOLATION(kind, group, who, ...)                                                   \
    do {                                                                                   \
        status = lm__result_add_violation(result, kind, group, who, __VA_ARGS__);          \
        if (status != LM_OK)                                                               \
            return status;                                                                 \
    } while (0)

static int check_mix(lm_result *result, const lm_pool *pool, const lm_params *params,
                     size_t group, const size_t *members, size_t k)
{
    int status = LM_OK;
    size_t count[2] = {0, 0};
    for (size_t m = 0; m < k; m++)
        count[pool->people[members[m]].role]++;
    if ((int64_t)k < params->min_size || (int64_t)k > params->max_size)
        VIOLATION(LM_VIOLATION_SIZE, group, -1, "group %zu has %zu members, not %lld..%lld",
                  group + 1, k, (long long)params->min_size, (long long)params->max_size);
    if ((int64_t)count[LM_NEWCOMER] < params->min_per_role ||
        (int64_t)count[LM_RESIDENT] < params->min_per_role)
        VIOLATION(LM_VIOLATION_MIX, group, -1,
                  "group %zu has %zu newcomers and %zu residents; each role needs %lld",
                  group + 1, count[LM_NEWCOMER], count[LM_RESIDENT],
                  (long long)params->min_per_role);
    return status;
}

static int check_language(lm_result *result, const lm_pool *pool, const lm_params *params,
                          size_t group, const size_t *members, size_t k)
{
    int status = LM_OK;
    bool anyone_speaks = false;
    for (size_t m = 0; m < k; m++)
        anyone_speaks |= pool->people[members[m]].languages != 0;
    if (params->language && anyone_speaks && !lm__group_languages(pool, members, k))
        VIOLATION(LM_VIOLATION_LANGUAGE, group, -1, "the members of group %zu share no language",
                  group + 1);
    return status;
}

static int check_slot(lm_result *result, const lm_pool *pool, size_t group,
                      const size_t *members, size_t k, int slot)
{
    int status = LM_OK;
    if (slot < 0) {
        VIOLATION(LM_VIOLATION_NO_SLOT, group, -1,
                  "there is no slot in which every member of group %zu is available",
                  group + 1);
        return status;
    }
    for (size_t m = 0; m < k; m++) {
        const lm_participant *p = &pool->people[members[m]];
        if (p->availability && !(p->availability >> slot & 1))
            VIOLATION(LM_VIOLATION_SLOT, group, (int64_t)members[m],
                      "'%s' in group %zu is not available at %s", p->id, group + 1,
                      lm_slot_label((size_t)slot));
    }
    return status;
}

/* Distance of every located member to (lat, lon). */
static int check_distance(lm_result *result, const lm_pool *pool, const lm_params *params,
                          size_t group, const size_t *members, size_t k, double lat, double lon,
                          const char *place)
{
    int status = LM_OK;
    for (size_t m = 0; m < k; m++) {
        const lm_participant *p = &pool->people[members[m]];
        double distance, limit = lm__max_km(p, params);
        if (lm__too_far(p, limit, lat, lon, &distance))
            VIOLATION(LM_VIOLATION_DISTANCE, group, (int64_t)members[m],
                      "'%s' in group %zu is %.2f km from %s, more than %.2f km", p->id,
                      group + 1, distance, place, limit);
    }
    return status;
}

static int check_venue(lm_result *result, const lm_pool *pool, const lm_params *params,
                       size_t group, const size_t *members, size_t k, int venue, int slot)
{
    int status = LM_OK;
    if (venue < 0) {
        VIOLATION(LM_VIOLATION_NO_VENUE, group, -1,
                  "no venue is open at a common slot, within everybody's reach and "
                  "accessible to everybody in group %zu",
                  group + 1);
        return status;
    }
    const lm_venue *v = &pool->venues[venue];
    if (slot >= 0 && !(v->open >> slot & 1))
        VIOLATION(LM_VIOLATION_VENUE_CLOSED, group, -1, "venue '%s' is not open at %s", v->id,
                  lm_slot_label((size_t)slot));
    for (size_t m = 0; m < k; m++) {
        const lm_participant *p = &pool->people[members[m]];
        if (p->step_free && !v->step_free)
            VIOLATION(LM_VIOLATION_STEP_FREE, group, (int64_t)members[m],
                      "'%s' in group %zu needs step-free access; venue '%s' has none", p->id,
                      group + 1, v->id);
    }
    char place[LM_ID_MAX + 16];
    snprintf(place, sizeof place, "venue '%s'", v->id);
    return check_distance(result, pool, params, group, members, k, v->lat, v->lon, place);
}

static int check_meeting_point(lm_result *result, const lm_pool *pool,
                               const lm_params *params, size_t group, const size_t *members,
                               size_t k)
{
    double lat, lon;
    if (!lm__meeting_point(pool, members, k, &lat, &lon))
        return LM_OK;
    return check_distance(result, pool, params, group, members, k, lat, lon,
                          "the group's meeting point");
}

/* Slot and venue of a group: the grouping's, or the first feasible ones. */
static void choose_place(const lm_pool *pool, const lm_params *params, const size_t *members,
                         size_t k, usage *u, int *slot, int *venue)
{
    uint64_t slots = lm__group_slots(pool, members, k);
    if (*venue >= 0 && *slot < 0) {
        uint64_t open = slots & pool->venues[*venue].open;
        for (int bit = 0; bit < 64 && *slot < 0; bit++)
            if (open >> bit & 1 && !venue_busy(u, (size_t)*venue, (size_t)bit))
                *slot = bit;
    }
    if (*venue < 0 && pool->venue_count) {
        lm_placement place;
        lm_params relaxed = *params;
        relaxed.language = false; /* language is reported on its own */
        if (lm__group_feasible(pool, &relaxed, members, k, true, venue_busy, u, &place) &&
            (*slot < 0 || place.slot == *slot)) {
            *venue = place.venue;
            *slot = place.slot;
        }
    }
    for (int bit = 0; *slot < 0 && bit < 64; bit++)
        if (slots >> bit & 1)
            *slot = bit;
}

/* ---- coordinator constraints -------------------------------------------------------- */

static const char *group_name(int64_t group, char *text, size_t size)
{
    if (group < 0)
        return "no group";
    snprintf(text, size, "group %lld", (long long)group + 1);
    return text;
}

/* Whether person is in the result's group `group` (members ascending). */
static bool in_group(const lm_result *result, size_t group, size_t person)
{
    const lm_group_out *g = &result->groups[group];
    for (size_t m = 0; m < g->size; m++)
        if (result->members[g->first + m] == person)
            return true;
    return false;
}

/* Every broken together, apart, pin and exclude constraint as a violation
 * of its kind; group_of[p] is p's group in result, -1 for none. A together
 * set is whole when each of its constraints has both people in one group
 * or both out. */
static int check_constraints(lm_result *result, const lm_pool *pool, const lm_params *params,
                             const int64_t *group_of)
{
    const lm_constraints *c = params->constraints;
    int status = LM_OK;
    char where[LM_ERRMSG_MAX / 2];
    for (size_t i = 0; i < c->count; i++) {
        const lm_constraint *k = &c->list[i];
        const char *a = pool->people[k->a].id;
        int64_t ga = group_of[k->a];
        if (k->kind == LM_CONSTRAINT_TOGETHER && ga != group_of[k->b]) {
            int64_t gb = group_of[k->b];
            char in_a[40], in_b[40];
            VIOLATION(LM_VIOLATION_TOGETHER, (size_t)(ga >= 0 ? ga : gb),
                      (int64_t)(ga >= 0 ? k->b : k->a),
                      "'%s' and '%s' must share a group or both stay out (%s), but '%s' is "
                      "in %s and '%s' in %s",
                      a, pool->people[k->b].id, lm__constraint_origin(c, k, where, sizeof where), a,
                      group_name(ga, in_a, sizeof in_a), pool->people[k->b].id,
                      group_name(gb, in_b, sizeof in_b));
        } else if (k->kind == LM_CONSTRAINT_APART && ga >= 0 && ga == group_of[k->b]) {
            VIOLATION(LM_VIOLATION_APART, (size_t)ga, (int64_t)k->b,
                      "'%s' and '%s' must never share a group (%s), but both are in group %lld",
                      a, pool->people[k->b].id, lm__constraint_origin(c, k, where, sizeof where),
                      (long long)ga + 1);
        } else if (k->kind == LM_CONSTRAINT_EXCLUDE && ga >= 0) {
            VIOLATION(LM_VIOLATION_EXCLUDED, (size_t)ga, (int64_t)k->a,
                      "'%s' takes no part this time (%s), but is in group %lld", a,
                      lm__constraint_origin(c, k, where, sizeof where), (long long)ga + 1);
        } else if (k->kind == LM_CONSTRAINT_PIN && params->keep) {
            /* the kept group is found in the result through its other
             * kept members */
            const lm_grouping *keep = params->keep;
            bool with_them = ga >= 0, anyone = false;
            for (size_t g = 0; g < keep->group_count; g++) {
                if (lm_grouping_group_number(keep, g) != k->b)
                    continue;
                for (size_t p = 0; p < pool->count; p++) {
                    if (p == k->a || lm_grouping_group_of(keep, p) != (int64_t)g ||
                        lm__constraints_out(c, p))
                        continue;
                    anyone = true;
                    with_them = ga >= 0 && in_group(result, (size_t)ga, p);
                    break;
                }
            }
            if (!with_them || (!anyone && ga < 0))
                VIOLATION(LM_VIOLATION_PIN, ga >= 0 ? (size_t)ga : 0, (int64_t)k->a,
                          "'%s' is pinned to kept group %zu (%s), but is %s", a, k->b,
                          lm__constraint_origin(c, k, where, sizeof where),
                          ga >= 0 ? "in a group without its kept members" : "in no group");
        }
    }
    /* people out with an excluded person of their together set */
    for (size_t p = 0; p < pool->count; p++)
        if (group_of[p] >= 0 && c->excluded && !c->excluded[p] && lm__constraints_out(c, p))
            VIOLATION(LM_VIOLATION_EXCLUDED, (size_t)group_of[p], (int64_t)p,
                      "'%s' is in a together set with someone excluded, so takes no part, but "
                      "is in group %lld",
                      pool->people[p].id, (long long)group_of[p] + 1);
    return status;
}

static int evaluate_constraints(lm_result *result, const lm_pool *pool, const lm_params *params)
{
    int64_t *group_of = lm__malloc((pool->count ? pool->count : 1) * sizeof *group_of);
    if (!group_of)
        return LM_E_NOMEM;
    for (size_t p = 0; p < pool->count; p++)
        group_of[p] = -1;
    for (size_t g = 0; g < result->group_count; g++)
        for (size_t m = 0; m < result->groups[g].size; m++)
            group_of[result->members[result->groups[g].first + m]] = (int64_t)g;
    int status = check_constraints(result, pool, params, group_of);
    lm__free(group_of);
    return status;
}

int lm_groups_evaluate(const lm_pool *pool, const lm_params *params,
                       const lm_grouping *grouping, lm_result *result)
{
    if (!result)
        return LM_E_INVALID;
    lm__result_reset(result);
    if (!pool || !params || !grouping)
        return lm__fail(&result->base, LM_E_INVALID, "pool, params and grouping are required");
    int status = lm__params_validate(params, &result->base);
    if (status != LM_OK)
        return status;
    for (size_t p = pool->count; p < grouping->participant_capacity; p++)
        if (grouping->group_of[p] >= 0)
            return lm__fail(&result->base, LM_E_INVALID,
                            "the grouping names participant %zu; the pool has %zu", p,
                            pool->count);
    for (size_t g = 0; g < grouping->group_count; g++)
        if (grouping->venue[g] >= (int)pool->venue_count)
            return lm__fail(&result->base, LM_E_INVALID,
                            "group %zu names venue %d; the pool has %zu", g + 1,
                            grouping->venue[g], pool->venue_count);
    if (params->constraints) {
        status = lm__constraints_check_run(params->constraints, pool, params->max_size,
                                           params->keep, &result->base);
        if (status != LM_OK)
            return status;
    }

    size_t slot_count = lm_slot_count();
    usage u = {pool, lm__calloc(pool->venue_count * slot_count + 1, sizeof *u.used), slot_count};
    size_t *members = lm__malloc((pool->count + 1) * sizeof *members);
    size_t *start = lm__calloc(grouping->group_count + 2, sizeof *start);
    if (!u.used || !members || !start) {
        status = LM_E_NOMEM;
        goto done;
    }
    /* Members by group number (a counting sort keeps them ascending). */
    size_t assigned = pool->count < grouping->participant_capacity ? pool->count
                                                                   : grouping->participant_capacity;
    for (size_t p = 0; p < assigned; p++)
        if (grouping->group_of[p] >= 0)
            start[grouping->group_of[p] + 2]++;
    for (size_t g = 0; g < grouping->group_count; g++)
        start[g + 2] += start[g + 1];
    for (size_t p = 0; p < assigned; p++)
        if (grouping->group_of[p] >= 0)
            members[start[grouping->group_of[p] + 1]++] = p;
    double total = 0.0;
    for (size_t g = 0; g < grouping->group_count && status == LM_OK; g++) {
        size_t k = start[g + 1] - start[g];
        if (k == 0)
            continue;
        const size_t *group_members = members + start[g];
        size_t index = 0;
        lm_group_score score;
        status = lm__group_score(pool, &params->weights, group_members, k, &score);
        if (status == LM_OK)
            status = lm__result_add_group(result, group_members, k, &index);
        if (status != LM_OK)
            break;
        lm_group_out *out = &result->groups[index];
        memcpy(out->terms, score.terms, sizeof out->terms);
        out->theme = score.theme;
        out->cohost[0] = score.cohost[0];
        out->cohost[1] = score.cohost[1];
        int slot = grouping->slot[g], venue = grouping->venue[g];
        choose_place(pool, params, group_members, k, &u, &slot, &venue);
        uint64_t languages = lm__group_languages(pool, group_members, k);
        for (int bit = 0; bit < 64 && languages != ~(uint64_t)0; bit++)
            if (languages >> bit & 1) {
                out->language = bit;
                break;
            }
        status = check_mix(result, pool, params, index, group_members, k);
        if (status == LM_OK)
            status = check_language(result, pool, params, index, group_members, k);
        if (status == LM_OK)
            status = check_slot(result, pool, index, group_members, k, slot);
        if (status == LM_OK && pool->venue_count) {
            status = check_venue(result, pool, params, index, group_members, k, venue, slot);
            if (status == LM_OK && venue >= 0 && slot >= 0) {
                uint32_t *used = &u.used[(size_t)venue * slot_count + (size_t)slot];
                if (++*used > pool->venues[venue].capacity)
                    status = lm__result_add_violation(
                        result, LM_VIOLATION_CAPACITY, index, -1,
                        "venue '%s' hosts %u groups at %s; its capacity is %u",
                        pool->venues[venue].id, *used, lm_slot_label((size_t)slot),
                        pool->venues[venue].capacity);
            }
        } else if (status == LM_OK) {
            status = check_meeting_point(result, pool, params, index, group_members, k);
        }
        out = &result->groups[index];
        out->slot = slot;
        out->venue = venue;
        total += score.terms[LM_TERM_TOTAL];
    }
    if (status == LM_OK && params->constraints)
        status = evaluate_constraints(result, pool, params);
    /* the excluded take no part: they are not counted as unassigned */
    for (size_t p = 0; p < pool->count && status == LM_OK; p++)
        if ((p >= grouping->participant_capacity || grouping->group_of[p] < 0) &&
            !(params->constraints && lm__constraints_out(params->constraints, p)))
            status = lm__result_add_unassigned(result, p, LM_REASON_NOT_PLACED);
    if (status == LM_OK)
        result->total = lm__weighted_total(&params->weights, total, result->unassigned_count);
done:
    lm__free(u.used);
    lm__free(members);
    lm__free(start);
    if (status != LM_OK) {
        lm__result_reset(result);
        return lm__fail(&result->base, status, "evaluation failed: %s", lm_strerror(status));
    }
    return LM_OK;
}
