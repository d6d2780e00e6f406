/* Why people stay unassigned, against answers worked out another way: small
 * pools built so that one reason is the only possible one, hand-made final
 * states given to the analysis directly, random small pools where every
 * reason is checked by brute force over all groups, and generated cities
 * where the options are checked against a direct count of everybody at
 * every venue (docs/objective.md, "Unassigned participants and their
 * reasons"). */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/constraints_internal.h"
#include "groups/groups_reasons_internal.h"
#include "libmatch/libmatch.h"

#define MON_EV (UINT64_C(1) << 2)
#define TUE_EV (UINT64_C(1) << 5)
#define SAT_AFT (UINT64_C(1) << 16)
#define SUN_MORNING (UINT64_C(1) << 18)
#define LAT 52.09
#define LON 5.12

/* ---- building pools ------------------------------------------------------- */

static size_t person(lm_pool *pool, lm_role role, const char *languages, uint64_t slots,
                     double lat, double lon, bool step_free)
{
    char id[16];
    size_t index;
    snprintf(id, sizeof id, "p%zu", lm_pool_size(pool));
    ck_assert_int_eq(lm_pool_add(pool, id, role, &index), LM_OK);
    ck_assert_int_eq(lm_pool_set_languages(pool, index, languages), LM_OK);
    ck_assert_int_eq(lm_pool_set_availability_mask(pool, index, slots), LM_OK);
    if (!isnan(lat))
        ck_assert_int_eq(lm_pool_set_location(pool, index, lat, lon, 0), LM_OK);
    ck_assert_int_eq(lm_pool_set_step_free(pool, index, step_free), LM_OK);
    ck_assert_int_eq(lm_pool_set_tags(pool, index, LM_INTERESTS, "cooking"), LM_OK);
    return index;
}

/* newcomers and residents who all fit one group: Dutch, Monday evening,
 * homes a few hundred metres apart */
static void crowd(lm_pool *pool, int newcomers, int residents)
{
    for (int k = 0; k < newcomers + residents; k++)
        person(pool, k < newcomers ? LM_NEWCOMER : LM_RESIDENT, "nl", MON_EV,
               LAT + 0.001 * k, LON, false);
}

static lm_pool *new_pool(void)
{
    lm_pool *pool = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
    return pool;
}

static lm_params *new_params(int min_size, int max_size)
{
    lm_params *params = NULL;
    ck_assert_int_eq(lm_params_new(&params), LM_OK);
    ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_MIN_SIZE, min_size), LM_OK);
    ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_MAX_SIZE, max_size), LM_OK);
    return params;
}

static lm_result *form(const lm_pool *pool, const lm_params *params)
{
    lm_result *result = NULL;
    ck_assert_int_eq(lm_result_new(&result), LM_OK);
    ck_assert_int_eq(lm_groups_form(pool, params, result), LM_OK);
    return result;
}

/* The participant's reason, LM_REASON_NONE when they are in a group. */
static lm_reason reason_of(const lm_result *result, size_t participant)
{
    for (size_t k = 0; k < lm_result_unassigned_count(result); k++)
        if (lm_result_unassigned(result, k) == participant)
            return lm_result_unassigned_reason(result, k);
    return LM_REASON_NONE;
}

#define ASSERT_REASON(result, participant, reason)                                          \
    ck_assert_msg(reason_of(result, participant) == (reason), "p%zu: %s, expected %s",      \
                  (size_t)(participant), lm_reason_name(reason_of(result, participant)),     \
                  lm_reason_name(reason))

/* Forms groups of min_size..max_size in pool (and frees it): `groups`
 * groups, and everybody else out for `reason`. */
static void expect_all_out(lm_pool *pool, int min_size, int max_size, size_t groups, size_t out,
                           lm_reason reason)
{
    lm_params *params = new_params(min_size, max_size);
    lm_result *result = form(pool, params);
    ck_assert_uint_eq(lm_result_group_count(result), groups);
    ck_assert_uint_eq(lm_result_unassigned_count(result), out);
    for (size_t k = 0; k < out; k++)
        ck_assert_msg(lm_result_unassigned_reason(result, k) == reason, "%s, expected %s",
                      lm_reason_name(lm_result_unassigned_reason(result, k)),
                      lm_reason_name(reason));
    lm_result_free(result);
    lm_params_free(params);
    lm_pool_free(pool);
}

/* A crowd of six that forms one group, and one more person: the crowd is
 * placed, and the extra person gets `expected`. */
static void one_more(size_t (*add)(lm_pool *pool), lm_reason expected)
{
    lm_pool *pool = new_pool();
    crowd(pool, 3, 3);
    size_t extra = add(pool);
    lm_params *params = new_params(4, 6);
    lm_result *result = form(pool, params);
    ck_assert_uint_eq(lm_result_unassigned_count(result), 1);
    ASSERT_REASON(result, extra, expected);
    lm_result_free(result);
    lm_params_free(params);
    lm_pool_free(pool);
}

static size_t speaks_tigrinya_only(lm_pool *pool)
{
    return person(pool, LM_NEWCOMER, "ti", MON_EV, LAT, LON, false);
}

static size_t free_on_sunday_only(lm_pool *pool)
{
    return person(pool, LM_NEWCOMER, "nl", SUN_MORNING, LAT, LON, false);
}

static size_t lives_fifty_km_away(lm_pool *pool)
{
    return person(pool, LM_NEWCOMER, "nl", MON_EV, LAT + 0.45, LON, false);
}

START_TEST(a_language_nobody_else_speaks)
{
    one_more(speaks_tigrinya_only, LM_REASON_NO_SHARED_LANGUAGE);
}
END_TEST

START_TEST(a_slot_nobody_else_has)
{
    one_more(free_on_sunday_only, LM_REASON_NO_COMMON_SLOT);
}
END_TEST

START_TEST(fifty_km_from_everybody)
{
    one_more(lives_fifty_km_away, LM_REASON_TOO_FAR);
}
END_TEST

START_TEST(five_residents_one_newcomer)
{
    lm_pool *pool = new_pool();
    crowd(pool, 1, 5);
    expect_all_out(pool, 4, 6, 0, 6, LM_REASON_ROLE_SHORTAGE);
}
END_TEST

/* Groups of exactly four: three newcomers and five residents make one group
 * of two and two, and the four left (one newcomer) cannot make another. */
START_TEST(partners_all_taken)
{
    lm_pool *pool = new_pool();
    crowd(pool, 3, 5);
    expect_all_out(pool, 4, 4, 1, 4, LM_REASON_ROLE_SHORTAGE);
}
END_TEST

START_TEST(venues_closed_when_they_are_free)
{
    lm_pool *pool = new_pool();
    crowd(pool, 3, 3);
    ck_assert_int_eq(lm_pool_add_venue(pool, "tuesdays", LAT, LON, TUE_EV | SAT_AFT, 2, true, NULL),
                     LM_OK);
    ck_assert_int_eq(lm_pool_add_venue(pool, "weekends", LAT + 0.01, LON, SAT_AFT, 2, true, NULL),
                     LM_OK);
    expect_all_out(pool, 4, 6, 0, 6, LM_REASON_NO_VENUE);
}
END_TEST

/* The only venue in reach has steps: whoever needs step-free access has no
 * venue, the others meet there. */
START_TEST(no_step_free_venue)
{
    lm_pool *pool = new_pool();
    crowd(pool, 3, 3);
    size_t wheelchair = person(pool, LM_RESIDENT, "nl", MON_EV, LAT, LON, true);
    ck_assert_int_eq(lm_pool_add_venue(pool, "steps", LAT, LON, MON_EV, 1, false, NULL), LM_OK);
    lm_params *params = new_params(4, 6);
    lm_result *result = form(pool, params);
    ck_assert_uint_eq(lm_result_unassigned_count(result), 1);
    ASSERT_REASON(result, wheelchair, LM_REASON_NO_VENUE);
    lm_result_free(result);
    lm_params_free(params);
    lm_pool_free(pool);
}
END_TEST

/* One place, groups of four, eight people: one group meets, the other four
 * would make a group as good, but the place is taken. With a second place
 * both groups meet. */
START_TEST(one_place_two_groups)
{
    for (unsigned capacity = 1; capacity <= 2; capacity++) {
        lm_pool *pool = new_pool();
        crowd(pool, 4, 4);
        ck_assert_int_eq(lm_pool_add_venue(pool, "hall", LAT, LON, MON_EV | TUE_EV, capacity,
                                           true, NULL),
                         LM_OK);
        expect_all_out(pool, 4, 4, capacity, 8 - 4 * capacity, LM_REASON_VENUES_FULL);
    }
}
END_TEST

/* ---- final states made by hand -------------------------------------------------- */

typedef struct hand_state {
    size_t first[8], members[32];
    int slots[8], venues[8];
    lm_final_groups groups;
} hand_state;

static void hand_group(hand_state *h, const size_t *members, size_t size, int slot, int venue)
{
    size_t g = h->groups.count++;
    h->first[g + 1] = h->first[g] + size;
    memcpy(h->members + h->first[g], members, size * sizeof *members);
    h->slots[g] = slot;
    h->venues[g] = venue;
    h->groups.first = h->first;
    h->groups.members = h->members;
    h->groups.slots = h->slots;
    h->groups.venues = h->venues;
}

/* The reason of one participant, everybody in no group of h being out. */
static lm_reason explain_one(const lm_pool *pool, const lm_params *params, const hand_state *h,
                             size_t participant)
{
    size_t out[64], count = 0, at = 0;
    lm_reason reasons[64];
    for (size_t p = 0; p < lm_pool_size(pool); p++) {
        bool placed = false;
        for (size_t m = 0; m < h->first[h->groups.count]; m++)
            placed |= h->members[m] == p;
        if (!placed)
            out[count++] = p;
        if (p == participant)
            at = count - 1;
    }
    lm_reason_stats stats;
    ck_assert_int_eq(lm__groups_explain(pool, params, &h->groups, out, count, reasons, &stats),
                     LM_OK);
    ck_assert_uint_eq(stats.undecided, 0);
    ck_assert_uint_eq(out[at], participant);
    return reasons[at];
}

/* Without venues: someone who could join a group with room was left out by
 * the search (not_placed); when the group is full and nobody else is out,
 * the partners are taken (role_shortage). */
START_TEST(hand_made_without_venues)
{
    lm_pool *pool = new_pool();
    crowd(pool, 4, 3); /* p0..p3 newcomers, p4..p6 residents */
    lm_params *params = new_params(4, 6);
    hand_state h;
    memset(&h, 0, sizeof h);
    size_t four[] = {0, 1, 4, 5};
    hand_group(&h, four, 4, 2, -1);
    ck_assert_int_eq(explain_one(pool, params, &h, 2), LM_REASON_NOT_PLACED);
    memset(&h, 0, sizeof h);
    size_t six[] = {0, 1, 2, 4, 5, 6};
    hand_group(&h, six, 6, 2, -1);
    ck_assert_int_eq(explain_one(pool, params, &h, 3), LM_REASON_ROLE_SHORTAGE);
    lm_params_free(params);
    lm_pool_free(pool);
}
END_TEST

/* With a venue open on Monday and Tuesday evening, one place each: a group
 * of four meets on Monday. */
START_TEST(hand_made_with_venues)
{
    lm_pool *pool = new_pool();
    crowd(pool, 3, 3);                                           /* p0..p5, Monday */
    size_t tuesday = person(pool, LM_NEWCOMER, "nl", TUE_EV, LAT, LON, false); /* p6 */
    ck_assert_int_eq(lm_pool_add_venue(pool, "hall", LAT, LON, MON_EV | TUE_EV, 1, true, NULL),
                     LM_OK);
    lm_params *params = new_params(4, 6);
    hand_state h;
    memset(&h, 0, sizeof h);
    size_t four[] = {0, 1, 3, 4};
    hand_group(&h, four, 4, 2, 0);
    /* p2 could join the Monday group */
    ck_assert_int_eq(explain_one(pool, params, &h, 2), LM_REASON_NOT_PLACED);
    /* p6 is the only one free on Tuesday */
    ck_assert_int_eq(explain_one(pool, params, &h, tuesday), LM_REASON_NO_COMMON_SLOT);
    /* four more free on Tuesday, and Tuesday's place free: a new group */
    for (int k = 0; k < 4; k++)
        person(pool, k < 1 ? LM_NEWCOMER : LM_RESIDENT, "nl", TUE_EV, LAT, LON, false);
    ck_assert_int_eq(explain_one(pool, params, &h, tuesday), LM_REASON_NOT_PLACED);
    /* six more free on Tuesday take Tuesday's place in a full group: the
     * new group of p6 would be as good, but waits for room */
    for (int k = 0; k < 6; k++)
        person(pool, k < 3 ? LM_NEWCOMER : LM_RESIDENT, "nl", TUE_EV, LAT, LON, false);
    size_t taken[] = {11, 12, 13, 14, 15, 16};
    hand_group(&h, taken, 6, 5, 0);
    ck_assert_int_eq(explain_one(pool, params, &h, tuesday), LM_REASON_VENUES_FULL);
    lm_params_free(params);
    lm_pool_free(pool);
}
END_TEST

/* ---- random small pools, checked by brute force -------------------------------- */

typedef struct place_rule {
    const uint32_t *used; /* venue * slots + slot */
    const lm_pool *pool;
    int venue, slot;      /* only this place (venue >= 0), or any with room */
} place_rule;

static bool busy(void *context, size_t venue, size_t slot)
{
    const place_rule *rule = context;
    if (rule->venue >= 0)
        return (int)venue != rule->venue || (int)slot != rule->slot;
    return rule->used[venue * lm_slot_count() + slot] >=
           lm_pool_venue_capacity(rule->pool, venue);
}

static uint64_t rng_next(uint64_t *state)
{
    *state = *state * 6364136223846793005u + 1442695040888963407u;
    return *state >> 33;
}

static uint64_t pick(uint64_t *rng, uint64_t below)
{
    return rng_next(rng) % below;
}

/* People with random languages, slots, homes and needs; crowded: most of
 * them speak Dutch and are free on Monday evening, when every venue opens. */
static lm_pool *random_pool(uint64_t *rng, size_t n, size_t venues, bool crowded)
{
    static const char *const languages[] = {"nl", "ar", "ti", "nl;ar", "nl;ti", "", "nl", "nl;en"};
    static const uint64_t slots[] = {MON_EV, TUE_EV, SAT_AFT};
    lm_pool *pool = new_pool();
    for (size_t k = 0; k < n; k++) {
        uint64_t mask = crowded && pick(rng, 4) ? MON_EV : 0;
        for (int s = 0; s < 3; s++)
            mask |= pick(rng, 100) < 55 ? slots[s] : 0;
        if (pick(rng, 10) == 0)
            mask = 0; /* unknown */
        double spread = crowded ? 0.1 : 1.0; /* 11 km, or 1 km */
        double lat = pick(rng, 8) == 0 ? NAN : LAT + (double)pick(rng, 1000) * 1e-4 * spread;
        double lon = LON + (double)pick(rng, 1000) * 1.6e-4 * spread;
        size_t index = person(pool, pick(rng, 2) ? LM_NEWCOMER : LM_RESIDENT,
                              languages[crowded && pick(rng, 2) ? 0 : pick(rng, 8)],
                              mask ? mask : (pick(rng, 2) ? 0 : MON_EV),
                              lat, lon, pick(rng, 7) == 0);
        if (!isnan(lat))
            ck_assert_int_eq(lm_pool_set_location(pool, index, lat, lon,
                                                  1.0 + (double)pick(rng, 60) / 10.0),
                             LM_OK);
    }
    for (size_t v = 0; v < venues; v++) {
        char id[24]; /* "v" and any size_t */
        uint64_t open = crowded ? MON_EV : 0;
        for (int s = 0; s < 3; s++)
            open |= pick(rng, 100) < 40 ? slots[s] : 0;
        snprintf(id, sizeof id, "v%zu", v);
        double spread = crowded ? 0.1 : 1.0;
        ck_assert_int_eq(lm_pool_add_venue(pool, id, LAT + (double)pick(rng, 1000) * 1e-4 * spread,
                                           LON + (double)pick(rng, 1000) * 1.6e-4 * spread, open,
                                           1 + (unsigned)(pick(rng, 4) == 0), pick(rng, 3) != 0,
                                           NULL),
                         LM_OK);
    }
    return pool;
}

typedef struct brute {
    const lm_pool *pool;
    const lm_params *params;
    bool venues;
    int q, min_size, max_size;
    size_t members[16];
} brute;

/* Is there a group of p and people of `from` (a bit set of participants)
 * that `rule` accepts? rule: 0 size and mix, 1 and a common language, 2 and
 * a common slot, 3 every hard constraint (places through busy/context). */
static bool exists_group(brute *b, size_t p, uint32_t from, int rule, lm_venue_busy_fn busy_fn,
                         void *context)
{
    from &= ~(UINT32_C(1) << p);
    for (uint32_t subset = from;; subset = (subset - 1) & from) {
        size_t k = 0, roles[2] = {0, 0};
        for (size_t i = 0; i < lm_pool_size(b->pool); i++)
            if (i == p || subset >> i & 1) {
                if (k == (size_t)b->max_size) {
                    k = 99;
                    break;
                }
                b->members[k++] = i;
                roles[lm_pool_role(b->pool, i)]++;
            }
        bool ok = k >= (size_t)b->min_size && k <= (size_t)b->max_size &&
                  roles[0] >= (size_t)b->q && roles[1] >= (size_t)b->q;
        if (ok && rule >= 1) {
            uint64_t common = ~(uint64_t)0;
            bool speaks = false;
            for (size_t m = 0; m < k; m++) {
                uint64_t l = lm_pool_language_mask(b->pool, b->members[m]);
                speaks |= l != 0;
                common &= l ? l : ~(uint64_t)0;
            }
            ok = !speaks || common;
        }
        if (ok && rule == 2) {
            uint64_t common = ~(uint64_t)0;
            for (size_t m = 0; m < k; m++) {
                uint64_t s = lm_pool_availability_mask(b->pool, b->members[m]);
                common &= s ? s : ~(uint64_t)0;
            }
            ok = (common & ((UINT64_C(1) << lm_slot_count()) - 1)) != 0;
        }
        if (ok && rule == 3)
            ok = lm__group_feasible(b->pool, b->params, b->members, k,
                                    b->venues, busy_fn, context, NULL);
        if (ok)
            return true;
        if (subset == 0)
            return false;
    }
}

/* Can p use any venue at all? */
static bool any_venue(const lm_pool *pool, const lm_params *params, size_t p)
{
    double lat, lon, max_km;
    bool located = lm_pool_location(pool, p, &lat, &lon, &max_km);
    if (max_km <= 0)
        max_km = lm_params_get_double(params, LM_PARAM_DEFAULT_MAX_KM);
    uint64_t free_at = lm_pool_availability_mask(pool, p);
    for (size_t v = 0; v < lm_pool_venue_count(pool); v++) {
        double vlat, vlon;
        lm_pool_venue_location(pool, v, &vlat, &vlon);
        if (lm_pool_step_free(pool, p) && !lm_pool_venue_step_free(pool, v))
            continue;
        if (free_at && !(free_at & lm_pool_venue_open_mask(pool, v)))
            continue;
        if (!lm_pool_venue_open_mask(pool, v))
            continue;
        if (located && lm_distance_km(lat, lon, vlat, vlon) > max_km)
            continue;
        return true;
    }
    return false;
}

/* Checks every reason of one result by brute force; counts them by reason. */
static void check_reasons(const lm_pool *pool, const lm_params *params, const lm_result *result,
                          size_t counts[8])
{
    brute b = {pool, params, lm_pool_venue_count(pool) > 0,
               (int)lm_params_get_int(params, LM_PARAM_MIN_PER_ROLE),
               (int)lm_params_get_int(params, LM_PARAM_MIN_SIZE),
               (int)lm_params_get_int(params, LM_PARAM_MAX_SIZE), {0}};
    size_t n = lm_pool_size(pool), slots = lm_slot_count();
    uint32_t everybody = (UINT32_C(1) << n) - 1, out = 0;
    uint32_t used[64 * 21] = {0};
    for (size_t g = 0; g < lm_result_group_count(result); g++)
        if (lm_result_group_venue(result, g) >= 0)
            used[(size_t)lm_result_group_venue(result, g) * slots +
                 (size_t)lm_result_group_slot(result, g)]++;
    for (size_t k = 0; k < lm_result_unassigned_count(result); k++)
        out |= UINT32_C(1) << lm_result_unassigned(result, k);
    for (size_t k = 0; k < lm_result_unassigned_count(result); k++) {
        size_t p = lm_result_unassigned(result, k);
        lm_reason reason = lm_result_unassigned_reason(result, k);
        counts[reason]++;
        /* an option in the final state: join a group with room, at its place */
        bool option = false;
        for (size_t g = 0; g < lm_result_group_count(result) && !option; g++) {
            size_t size = lm_result_group_size(result, g);
            if (size >= (size_t)b.max_size)
                continue;
            uint32_t members = 0;
            for (size_t m = 0; m < size; m++)
                members |= UINT32_C(1) << lm_result_group_member(result, g, m);
            place_rule rule = {used, pool, lm_result_group_venue(result, g),
                               lm_result_group_slot(result, g)};
            /* exactly the group and p */
            size_t list[16], at = 0;
            for (size_t i = 0; i < n; i++)
                if (i == p || members >> i & 1)
                    list[at++] = i;
            option = lm__group_feasible(pool, params, list, at, b.venues,
                                        b.venues ? busy : NULL, &rule, NULL);
        }
        /* ... or a new group with people still out, at a place with room */
        place_rule with_room = {used, pool, -1, -1};
        option = option || exists_group(&b, p, out, 3, b.venues ? busy : NULL, &with_room);
        bool waiting = b.venues && exists_group(&b, p, out, 3, NULL, NULL);
        lm_reason expected;
        if (option)
            expected = LM_REASON_NOT_PLACED;
        else if (!exists_group(&b, p, everybody, 0, NULL, NULL))
            expected = LM_REASON_ROLE_SHORTAGE;
        else if (!exists_group(&b, p, everybody, 1, NULL, NULL))
            expected = LM_REASON_NO_SHARED_LANGUAGE;
        else if (!exists_group(&b, p, everybody, 2, NULL, NULL))
            expected = LM_REASON_NO_COMMON_SLOT;
        else if (b.venues && !any_venue(pool, params, p))
            expected = LM_REASON_NO_VENUE;
        else if (!exists_group(&b, p, everybody, 3, NULL, NULL))
            expected = LM_REASON_TOO_FAR;
        else if (waiting)
            expected = LM_REASON_VENUES_FULL;
        else
            expected = LM_REASON_ROLE_SHORTAGE;
        /* too_far is claimed only when shown by distances between pairs;
         * otherwise the partners count as taken */
        bool allowed = reason == expected ||
                       (expected == LM_REASON_TOO_FAR && reason == LM_REASON_ROLE_SHORTAGE);
        ck_assert_msg(allowed, "p%zu of %zu (%s): %s, expected %s", p, n,
                      b.venues ? "venues" : "no venues", lm_reason_name(reason),
                      lm_reason_name(expected));
    }
}

START_TEST(random_pools_by_brute_force)
{
    uint64_t rng = 12345;
    size_t counts[8] = {0};
    static const int shapes[][3] = {{4, 6, 2}, {3, 4, 1}, {2, 3, 1}, {4, 4, 2}};
    for (int round = 0; round < 400; round++) {
        size_t n = 6 + (size_t)pick(&rng, 7);
        size_t venues = round % 2 ? 1 + (size_t)pick(&rng, 2) : 0;
        lm_pool *pool = random_pool(&rng, n, venues, round % 4 == 1);
        const int *shape = shapes[round % 4];
        lm_params *params = new_params(shape[0], shape[1]);
        ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_MIN_PER_ROLE, shape[2]), LM_OK);
        ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_SEED, round), LM_OK);
        if (round % 8 >= 4) { /* placing people is worth nothing: options stay open */
            ck_assert_int_eq(lm_params_set_double(params, LM_PARAM_MU, 0.0), LM_OK);
            ck_assert_int_eq(lm_params_set_double(params, LM_PARAM_LAMBDA, 3.0), LM_OK);
        }
        lm_result *result = form(pool, params);
        check_reasons(pool, params, result, counts);
        lm_result_free(result);
        lm_params_free(params);
        lm_pool_free(pool);
    }
    /* the pools reach every reason */
    for (int r = LM_REASON_NO_SHARED_LANGUAGE; r <= LM_REASON_VENUES_FULL; r++)
        ck_assert_msg(counts[r] > 0, "no %s in the random pools", lm_reason_name((lm_reason)r));
}
END_TEST

/* ---- generated cities against a direct count ------------------------------------ */

typedef struct direct {
    const lm_pool *pool;
    const lm_params *params;
    size_t slots;
    int q, min_size, max_size;
} direct;

static bool can_use(const direct *d, size_t o, size_t v)
{
    double lat, lon, max_km, vlat, vlon;
    if (lm_pool_step_free(d->pool, o) && !lm_pool_venue_step_free(d->pool, v))
        return false;
    if (!lm_pool_location(d->pool, o, &lat, &lon, &max_km))
        return true;
    if (max_km <= 0)
        max_km = lm_params_get_double(d->params, LM_PARAM_DEFAULT_MAX_KM);
    lm_pool_venue_location(d->pool, v, &vlat, &vlon);
    return !(lm_distance_km(lat, lon, vlat, vlon) > max_km);
}

static uint64_t free_at(const direct *d, size_t o)
{
    uint64_t mask = lm_pool_availability_mask(d->pool, o);
    return mask ? mask : (UINT64_C(1) << d->slots) - 1;
}

static uint64_t spoken_by(const direct *d, size_t o)
{
    return lm_params_get_int(d->params, LM_PARAM_LANGUAGE) ? lm_pool_language_mask(d->pool, o) : 0;
}

/* Every unassigned person's options worked out by counting everybody out
 * at every venue, slot and language: 2 join or a new group at a place with
 * room, 1 a new group that only capacity stops, 0 none. Checks the
 * result's reasons against them. */
static void check_against_direct_count(const lm_pool *pool, const lm_params *params,
                                       const lm_result *result)
{
    direct d = {pool, params, lm_slot_count(),
                (int)lm_params_get_int(params, LM_PARAM_MIN_PER_ROLE),
                (int)lm_params_get_int(params, LM_PARAM_MIN_SIZE),
                (int)lm_params_get_int(params, LM_PARAM_MAX_SIZE)};
    size_t venues = lm_pool_venue_count(pool), out = lm_result_unassigned_count(result);
    /* count[((v * slots + t) * 65 + language) * 2 + role], language 64: gave none */
    size_t cells = venues * d.slots * 65 * 2;
    uint32_t *count = calloc(cells, sizeof *count), *used = calloc(venues * d.slots, sizeof *used);
    uint64_t *join = calloc(venues * d.slots, sizeof *join);
    ck_assert_ptr_nonnull(count);
    ck_assert_ptr_nonnull(used);
    ck_assert_ptr_nonnull(join);
    for (size_t g = 0; g < lm_result_group_count(result); g++) {
        size_t at = (size_t)lm_result_group_venue(result, g) * d.slots +
                    (size_t)lm_result_group_slot(result, g);
        used[at]++;
        if (lm_result_group_size(result, g) >= (size_t)d.max_size)
            continue;
        uint64_t common = ~UINT64_C(0);
        for (size_t m = 0; m < lm_result_group_size(result, g); m++) {
            uint64_t l = spoken_by(&d, lm_result_group_member(result, g, m));
            common &= l ? l : ~UINT64_C(0);
        }
        join[at] |= common;
    }
    for (size_t k = 0; k < out; k++) {
        size_t o = lm_result_unassigned(result, k);
        uint64_t l = spoken_by(&d, o);
        for (size_t v = 0; v < venues; v++) {
            if (!can_use(&d, o, v))
                continue;
            uint64_t open = lm_pool_venue_open_mask(pool, v) & free_at(&d, o);
            for (size_t t = 0; t < d.slots; t++) {
                if (!(open >> t & 1))
                    continue;
                for (size_t b = 0; b < 65; b++)
                    if (b == 64 ? !l : (l >> b & 1))
                        count[((v * d.slots + t) * 65 + b) * 2 + lm_pool_role(pool, o)]++;
            }
        }
    }
    size_t counts[3] = {0, 0, 0};
    for (size_t k = 0; k < out; k++) {
        size_t p = lm_result_unassigned(result, k);
        int role = lm_pool_role(pool, p), option = 0;
        uint64_t l = spoken_by(&d, p);
        for (size_t v = 0; v < venues && option < 2; v++) {
            if (!can_use(&d, p, v))
                continue;
            uint64_t open = lm_pool_venue_open_mask(pool, v) & free_at(&d, p);
            for (size_t t = 0; t < d.slots && option < 2; t++) {
                if (!(open >> t & 1))
                    continue;
                if (join[v * d.slots + t] & (l ? l : ~UINT64_C(0)))
                    option = 2;
                for (size_t b = 0; b < 65 && option < 2; b++) {
                    if (b < 64 && l && !(l >> b & 1))
                        continue;
                    const uint32_t *at = count + (v * d.slots + t) * 65 * 2;
                    uint32_t n[2];
                    for (int r = 0; r < 2; r++)
                        n[r] = at[64 * 2 + r] + (b < 64 ? at[b * 2 + r] : 0);
                    if (n[role] >= (uint32_t)d.q && n[1 - role] >= (uint32_t)d.q &&
                        n[0] + n[1] >= (uint32_t)d.min_size)
                        option = used[v * d.slots + t] < lm_pool_venue_capacity(pool, v) ? 2 : 1;
                }
            }
        }
        lm_reason reason = lm_result_unassigned_reason(result, k);
        lm_reason expected = option == 2 ? LM_REASON_NOT_PLACED : LM_REASON_VENUES_FULL;
        if (option)
            ck_assert_msg(reason == expected, "p%zu: %s, a direct count says %s", p,
                          lm_reason_name(reason), lm_reason_name(expected));
        else
            ck_assert_msg(reason != LM_REASON_NOT_PLACED && reason != LM_REASON_VENUES_FULL,
                          "p%zu: %s, but a direct count finds no group", p,
                          lm_reason_name(reason));
        counts[option]++;
    }
    /* the cities reach all three cases */
    ck_assert_uint_gt(counts[1], 0);
    free(count);
    free(used);
    free(join);
}

START_TEST(generated_cities_against_a_direct_count)
{
    static const struct {
        size_t people, venues;
        int language;
    } cities[] = {{3000, 12, 1}, {3000, 40, 1}, {2000, 8, 0}};
    for (size_t c = 0; c < sizeof cities / sizeof cities[0]; c++) {
        lm_pool *pool = new_pool();
        ck_assert_int_eq(lm_pool_generate(pool, cities[c].people, 0.3, cities[c].venues, 7 + c),
                         LM_OK);
        lm_params *params = new_params(4, 6);
        ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_EFFORT, 1), LM_OK);
        ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_LANGUAGE, cities[c].language), LM_OK);
        lm_result *result = form(pool, params);
        check_against_direct_count(pool, params, result);
        lm_result_free(result);
        lm_params_free(params);
        lm_pool_free(pool);
    }
}
END_TEST

/* A result's groups and unassigned people as lm__groups_explain() reads
 * them (arrays malloc'd; final_free() frees them). */
typedef struct final_state {
    lm_final_groups groups;
    size_t *first, *list, *who, out;
    int *slots, *venues;
} final_state;

static void final_of(const lm_result *result, final_state *f)
{
    size_t groups = lm_result_group_count(result), members = 0;
    for (size_t g = 0; g < groups; g++)
        members += lm_result_group_size(result, g);
    f->out = lm_result_unassigned_count(result);
    f->first = malloc((groups + 1) * sizeof *f->first);
    f->list = malloc((members + 1) * sizeof *f->list);
    f->who = malloc((f->out + 1) * sizeof *f->who);
    f->slots = malloc((groups + 1) * sizeof *f->slots);
    f->venues = malloc((groups + 1) * sizeof *f->venues);
    ck_assert(f->first && f->list && f->who && f->slots && f->venues);
    f->first[0] = 0;
    for (size_t g = 0; g < groups; g++) {
        for (size_t m = 0; m < lm_result_group_size(result, g); m++)
            f->list[f->first[g] + m] = lm_result_group_member(result, g, m);
        f->first[g + 1] = f->first[g] + lm_result_group_size(result, g);
        f->slots[g] = lm_result_group_slot(result, g);
        f->venues[g] = lm_result_group_venue(result, g);
    }
    for (size_t k = 0; k < f->out; k++)
        f->who[k] = lm_result_unassigned(result, k);
    f->groups = (lm_final_groups){groups, f->first, f->list, f->slots, f->venues};
}

static void final_free(final_state *f)
{
    free(f->first);
    free(f->list);
    free(f->who);
    free(f->slots);
    free(f->venues);
}

/* The analysis gives the same reasons on any number of threads. */
START_TEST(same_reasons_on_any_thread_count)
{
    lm_pool *pool = new_pool();
    ck_assert_int_eq(lm_pool_generate(pool, 3000, 0.3, 12, 3), LM_OK);
    lm_params *params = new_params(4, 6);
    ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_EFFORT, 1), LM_OK);
    lm_result *result = form(pool, params);
    final_state f;
    final_of(result, &f);
    lm_reason *one = malloc((f.out + 1) * sizeof *one), *four = malloc((f.out + 1) * sizeof *four);
    ck_assert_int_eq(lm__groups_explain(pool, params, &f.groups, f.who, f.out, one, NULL), LM_OK);
    ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_THREADS, 4), LM_OK);
    ck_assert_int_eq(lm__groups_explain(pool, params, &f.groups, f.who, f.out, four, NULL), LM_OK);
    for (size_t k = 0; k < f.out; k++) {
        ck_assert_int_eq(one[k], four[k]);
        ck_assert_int_eq(one[k], lm_result_unassigned_reason(result, k));
    }
    free(one);
    free(four);
    final_free(&f);
    lm_result_free(result);
    lm_params_free(params);
    lm_pool_free(pool);
}
END_TEST

/* Every allocation of the analysis may fail: LM_E_NOMEM, nothing leaked
 * (the sanitizer build checks), and the same reasons once none fails. */
START_TEST(every_allocation_may_fail)
{
    for (size_t venues = 0; venues <= 3; venues += 3) {
        lm_pool *pool = new_pool();
        ck_assert_int_eq(lm_pool_generate(pool, 300, 0.3, venues, 4), LM_OK);
        lm_params *params = new_params(4, 6);
        lm_result *result = form(pool, params);
        final_state f;
        final_of(result, &f);
        size_t out = f.out;
        ck_assert_uint_gt(out, 0);
        lm_reason *reasons = malloc(out * sizeof *reasons);
        for (long n = 1;; n++) {
            lm__alloc_fail_at(n);
            int status = lm__groups_explain(pool, params, &f.groups, f.who, out, reasons, NULL);
            long made = lm__alloc_fail_at(0);
            if (made < n) {
                ck_assert_int_eq(status, LM_OK);
                break;
            }
            ck_assert_msg(status == LM_E_NOMEM, "allocation %ld failed, status %d", n, status);
        }
        for (size_t k = 0; k < out; k++)
            ck_assert_int_eq(reasons[k], lm_result_unassigned_reason(result, k));
        free(reasons);
        final_free(&f);
        lm_result_free(result);
        lm_params_free(params);
        lm_pool_free(pool);
    }
}
END_TEST

/* A generated city of 3,000 with 12 venues: venues are the bottleneck, so
 * most people out wait for a place, and every reason is decided. */
START_TEST(generated_city)
{
    lm_pool *pool = new_pool();
    ck_assert_int_eq(lm_pool_generate(pool, 3000, 0.3, 12, 5), LM_OK);
    lm_params *params = new_params(4, 6);
    ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_EFFORT, 2), LM_OK);
    lm_result *result = form(pool, params);
    size_t counts[8] = {0}, out = lm_result_unassigned_count(result);
    for (size_t k = 0; k < out; k++)
        counts[lm_result_unassigned_reason(result, k)]++;
    ck_assert_uint_gt(out, 500);
    ck_assert_uint_gt(counts[LM_REASON_VENUES_FULL], out / 2);
    lm_result_free(result);
    lm_params_free(params);
    lm_pool_free(pool);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("reasons");
    TCase *tc = tcase_create("reasons");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, a_language_nobody_else_speaks);
    tcase_add_test(tc, a_slot_nobody_else_has);
    tcase_add_test(tc, fifty_km_from_everybody);
    tcase_add_test(tc, five_residents_one_newcomer);
    tcase_add_test(tc, partners_all_taken);
    tcase_add_test(tc, venues_closed_when_they_are_free);
    tcase_add_test(tc, no_step_free_venue);
    tcase_add_test(tc, one_place_two_groups);
    tcase_add_test(tc, hand_made_without_venues);
    tcase_add_test(tc, hand_made_with_venues);
    tcase_add_test(tc, random_pools_by_brute_force);
    tcase_add_test(tc, generated_cities_against_a_direct_count);
    tcase_add_test(tc, same_reasons_on_any_thread_count);
    tcase_add_test(tc, every_allocation_may_fail);
    tcase_add_test(tc, generated_city);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
