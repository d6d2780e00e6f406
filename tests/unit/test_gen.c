/* The synthetic city (lm_pool_generate) and the embedded sample pool
 * (lm_pool_load_sample): determinism down to the bit, exact role counts,
 * the parent rule, all-or-nothing on every failure, and a sample that has
 * the feasible groups its comment promises. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/common_internal.h"
#include "libmatch/libmatch.h"

/* ---- helpers ------------------------------------------------------------------ */

static uint64_t fnv(uint64_t h, const void *data, size_t size)
{
    const unsigned char *bytes = data;
    for (size_t k = 0; k < size; k++) {
        h ^= bytes[k];
        h *= 1099511628211ull;
    }
    return h;
}

static uint64_t fnv_double(uint64_t h, double value)
{
    uint64_t bits;
    memcpy(&bits, &value, sizeof bits);
    return fnv(h, &bits, sizeof bits);
}

/* A hash of everything a pool holds, through the public API only. */
static uint64_t fingerprint(const lm_pool *pool)
{
    uint64_t h = 1469598103934665603ull;
    size_t topics = lm_taxonomy_topic_count(lm_pool_taxonomy(pool));
    for (size_t p = 0; p < lm_pool_size(pool); p++) {
        const char *id = lm_pool_id(pool, p);
        h = fnv(h, id, strlen(id) + 1);
        uint8_t role = (uint8_t)lm_pool_role(pool, p);
        h = fnv(h, &role, 1);
        for (int v = 0; v < 3; v++)
            for (size_t t = 0; t < topics; t++) {
                double value = lm_pool_value(pool, p, (lm_vector)v, t);
                if (value != 0.0) {
                    uint32_t topic = (uint32_t)t;
                    h = fnv(h, &topic, sizeof topic);
                    h = fnv_double(h, value);
                }
            }
        uint64_t masks[2] = {lm_pool_language_mask(pool, p), lm_pool_availability_mask(pool, p)};
        h = fnv(h, masks, sizeof masks);
        double lat = 0, lon = 0, max_km = 0;
        uint8_t flags = (uint8_t)(lm_pool_location(pool, p, &lat, &lon, &max_km) |
                                  lm_pool_step_free(pool, p) << 1 | lm_pool_host(pool, p) << 2);
        h = fnv(h, &flags, 1);
        h = fnv_double(fnv_double(fnv_double(h, lat), lon), max_km);
    }
    for (size_t v = 0; v < lm_pool_venue_count(pool); v++) {
        const char *id = lm_pool_venue_id(pool, v);
        h = fnv(h, id, strlen(id) + 1);
        double lat, lon;
        lm_pool_venue_location(pool, v, &lat, &lon);
        h = fnv_double(fnv_double(h, lat), lon);
        uint64_t open = lm_pool_venue_open_mask(pool, v);
        unsigned capacity = lm_pool_venue_capacity(pool, v);
        uint8_t step_free = lm_pool_venue_step_free(pool, v);
        h = fnv(fnv(fnv(h, &open, sizeof open), &capacity, sizeof capacity), &step_free, 1);
    }
    return h;
}

static lm_pool *generated(size_t n, double share, size_t venues, uint64_t seed)
{
    lm_pool *pool = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
    ck_assert_int_eq(lm_pool_generate(pool, n, share, venues, seed), LM_OK);
    return pool;
}

static size_t newcomers(const lm_pool *pool)
{
    size_t count = 0;
    for (size_t p = 0; p < lm_pool_size(pool); p++)
        count += lm_pool_role(pool, p) == LM_NEWCOMER;
    return count;
}

static size_t topic(const lm_pool *pool, const char *name)
{
    size_t index = 0;
    ck_assert_int_eq(lm_taxonomy_find(lm_pool_taxonomy(pool), name, &index), LM_OK);
    return index;
}

/* A small taxonomy of our own, so the pinned fingerprint below does not
 * move when the default taxonomy grows. */
static const char small_taxonomy[] =
    "key,parent,label_en,label_nl,synonyms\n"
    "music,,Music,Muziek,\n"
    "guitar,music,Guitar,Gitaar,\n"
    "singing,music,Singing,Zingen,\n"
    "cooking,,Cooking,Koken,\n"
    "baking,cooking,Baking,Bakken,\n"
    "syrian_cuisine,cooking,Syrian cuisine,Syrische keuken,\n"
    "language,,Language,Taal,\n"
    "dutch,language,Dutch,Nederlands,\n"
    "arabic,language,Arabic,Arabisch,\n"
    "tigrinya,language,Tigrinya,Tigrinya,\n"
    "chess,,Chess,Schaken,\n";

/* ---- the synthetic city ---------------------------------------------------------- */

START_TEST(generate_is_deterministic_for_a_seed)
{
    lm_pool *a = generated(3000, -1, 20, 11), *b = generated(3000, -1, 20, 11);
    lm_pool *c = generated(3000, -1, 20, 12);
    ck_assert_uint_eq(lm_pool_size(a), 3000);
    ck_assert_uint_eq(lm_pool_venue_count(a), 20);
    ck_assert(fingerprint(a) == fingerprint(b));
    ck_assert(fingerprint(a) != fingerprint(c));
    lm_pool_free(a);
    lm_pool_free(b);
    lm_pool_free(c);
}
END_TEST

/* The same bits on every machine: this value was computed once and must
 * never change unless the generator is changed on purpose. */
START_TEST(generate_matches_the_pinned_fingerprint)
{
    lm_taxonomy *taxonomy = NULL;
    ck_assert_int_eq(lm_taxonomy_new(&taxonomy), LM_OK);
    ck_assert_int_eq(lm_taxonomy_load_buffer(taxonomy, "small", small_taxonomy,
                                             sizeof small_taxonomy - 1), LM_OK);
    lm_pool *pool = NULL;
    ck_assert_int_eq(lm_pool_new(taxonomy, &pool), LM_OK);
    lm_taxonomy_free(taxonomy);
    ck_assert_int_eq(lm_pool_generate(pool, 500, 0.3, 7, 2024), LM_OK);
    ck_assert_str_eq(lm_pool_id(pool, 0), "p001");
    ck_assert_str_eq(lm_pool_id(pool, 499), "p500");
    ck_assert_str_eq(lm_pool_venue_id(pool, 6), "v0007");
    ck_assert_uint_eq(newcomers(pool), 150);
    uint64_t expected = UINT64_C(0x5f5d143cd63c833c);
    ck_assert_msg(fingerprint(pool) == expected, "fingerprint %016llx",
                  (unsigned long long)fingerprint(pool));
    lm_pool_free(pool);
}
END_TEST

START_TEST(generate_places_exactly_the_requested_newcomers)
{
    static const struct {
        size_t n;
        double share;
        size_t expected;
    } cases[] = {
        {1000, 0.3, 300}, {1000, -1, 300}, {7, 0.3, 2}, {10, 0.25, 3},
        {50, 0.0, 0}, {50, 1.0, 50}, {1, 0.5, 1}, {0, 0.3, 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        lm_pool *pool = generated(cases[k].n, cases[k].share, 0, 5);
        ck_assert_uint_eq(lm_pool_size(pool), cases[k].n);
        ck_assert_uint_eq(newcomers(pool), cases[k].expected);
        lm_pool_free(pool);
    }
}
END_TEST

START_TEST(generate_rejects_bad_arguments)
{
    ck_assert_int_eq(lm_pool_generate(NULL, 10, 0.3, 0, 1), LM_E_INVALID);
    lm_pool *pool = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
    ck_assert_int_eq(lm_pool_generate(pool, 10, 1.5, 0, 1), LM_E_INVALID);
    ck_assert_ptr_nonnull(strstr(lm_errmsg(pool), "newcomer share"));
    ck_assert_int_eq(lm_pool_generate(pool, 10, NAN, 0, 1), LM_E_INVALID);
    ck_assert_int_eq(lm_pool_generate(pool, (size_t)1 << 40, 0.3, 0, 1), LM_E_TOO_LARGE);
    ck_assert_uint_eq(lm_pool_size(pool), 0);
    lm_pool_free(pool);
}
END_TEST

START_TEST(generate_keeps_the_model_rules)
{
    lm_pool *pool = generated(4000, 0.3, 200, 3);
    const lm_taxonomy *taxonomy = lm_pool_taxonomy(pool);
    size_t topics = lm_taxonomy_topic_count(taxonomy);
    size_t dutch = topic(pool, "dutch"), hosts = 0, step_free = 0, located = 0;
    size_t newcomers_wanting_dutch = 0, residents_offering_dutch = 0;
    for (size_t p = 0; p < lm_pool_size(pool); p++) {
        for (int v = 0; v < 3; v++) {
            size_t leaves = 0;
            for (size_t t = 0; t < topics; t++) {
                double value = lm_pool_value(pool, p, (lm_vector)v, t);
                ck_assert(value >= 0.0 && value <= 1.0);
                int parent = lm_taxonomy_topic_parent(taxonomy, t);
                if (parent >= 0 && value > 0) {
                    leaves++;
                    ck_assert(lm_pool_value(pool, p, (lm_vector)v, (size_t)parent) >=
                              0.5 * value);
                }
            }
            if (v == LM_INTERESTS)
                ck_assert(leaves >= 2 && leaves <= 6);
        }
        bool newcomer = lm_pool_role(pool, p) == LM_NEWCOMER;
        newcomers_wanting_dutch += newcomer && lm_pool_value(pool, p, LM_WANTS, dutch) > 0;
        residents_offering_dutch += !newcomer && lm_pool_value(pool, p, LM_OFFERS, dutch) > 0;
        hosts += lm_pool_host(pool, p);
        step_free += lm_pool_step_free(pool, p);
        double lat, lon, max_km;
        if (lm_pool_location(pool, p, &lat, &lon, &max_km)) {
            located++;
            /* Within ~8 km of Utrecht's centre, and the districts' spread. */
            ck_assert(lm_distance_km(lat, lon, 52.0907, 5.1214) < 12.0);
            ck_assert(max_km == 0.0 || (max_km >= 2 && max_km <= 10));
        }
        ck_assert_uint_eq(lm_pool_availability_mask(pool, p) >> lm_slot_count(), 0);
    }
    ck_assert(newcomers_wanting_dutch > 1200 * 0.75);
    ck_assert(residents_offering_dutch > 2800 * 0.35 && residents_offering_dutch < 2800 * 0.55);
    ck_assert(hosts > 4000 * 0.17 && hosts < 4000 * 0.23);
    ck_assert(step_free > 4000 * 0.03 && step_free < 4000 * 0.07);
    ck_assert(located > 4000 * 0.93 && located < 4000 * 0.99);

    size_t venues_step_free = 0;
    for (size_t v = 0; v < lm_pool_venue_count(pool); v++) {
        unsigned capacity = lm_pool_venue_capacity(pool, v);
        ck_assert(capacity >= 1 && capacity <= 4);
        uint64_t open = lm_pool_venue_open_mask(pool, v);
        int slots = 0;
        for (; open; open &= open - 1)
            slots++;
        ck_assert_int_ge(slots, 3);
        venues_step_free += lm_pool_venue_step_free(pool, v);
    }
    ck_assert(venues_step_free > 200 * 0.75 && venues_step_free < 200 * 0.95);
    lm_pool_free(pool);
}
END_TEST

START_TEST(generate_appends_all_or_nothing)
{
    lm_pool *pool = generated(10, 0.3, 2, 1);
    uint64_t before = fingerprint(pool);
    /* The same ids again: nothing may stay behind. */
    ck_assert_int_eq(lm_pool_generate(pool, 10, 0.3, 0, 2), LM_E_DUPLICATE);
    ck_assert_ptr_nonnull(strstr(lm_errmsg(pool), "p01"));
    ck_assert_uint_eq(lm_pool_size(pool), 10);
    ck_assert(fingerprint(pool) == before);
    /* New participant ids but the same venue ids: also all or nothing. */
    ck_assert_int_eq(lm_pool_generate(pool, 100, 0.3, 2, 2), LM_E_DUPLICATE);
    ck_assert_uint_eq(lm_pool_size(pool), 10);
    ck_assert(fingerprint(pool) == before);
    ck_assert_int_eq(lm_pool_generate(pool, 100, 0.3, 0, 2), LM_OK);
    ck_assert_uint_eq(lm_pool_size(pool), 110);
    ck_assert_str_eq(lm_pool_id(pool, 10), "p001");
    lm_pool_free(pool);
}
END_TEST

START_TEST(generate_survives_every_allocation_failure)
{
    for (long fail = 1;; fail++) {
        lm_pool *pool = NULL;
        ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
        ck_assert_int_eq(lm_pool_generate(pool, 3, 0.3, 0, 9), LM_OK);
        uint64_t before = fingerprint(pool);
        lm__alloc_fail_at(fail);
        int status = lm_pool_generate(pool, 40, 0.3, 3, 9);
        lm__alloc_fail_at(0);
        if (status == LM_OK) {
            ck_assert_uint_eq(lm_pool_size(pool), 43);
            ck_assert_uint_eq(lm_pool_venue_count(pool), 3);
            lm_pool_free(pool);
            ck_assert_int_gt(fail, 40);
            break;
        }
        ck_assert_int_eq(status, LM_E_NOMEM);
        ck_assert_str_eq(lm_errmsg(pool), "out of memory");
        ck_assert_uint_eq(lm_pool_size(pool), 3);
        ck_assert_uint_eq(lm_pool_venue_count(pool), 0);
        ck_assert(fingerprint(pool) == before);
        lm_pool_free(pool);
    }
}
END_TEST

/* ---- the sample pool -------------------------------------------------------------- */

static lm_pool *sample(void)
{
    lm_pool *pool = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
    ck_assert_int_eq(lm_pool_load_sample(pool), LM_OK);
    return pool;
}

static size_t person(const lm_pool *pool, const char *id)
{
    size_t index = 0;
    ck_assert_int_eq(lm_pool_find(pool, id, &index), LM_OK);
    return index;
}

START_TEST(sample_loads_cleanly)
{
    lm_pool *pool = sample();
    ck_assert_uint_eq(lm_pool_size(pool), 28);
    ck_assert_uint_eq(newcomers(pool), 11);
    ck_assert_uint_eq(lm_pool_warning_count(pool), 0);
    size_t amira = person(pool, "Amira"), rania = person(pool, "Rania");
    ck_assert_int_eq(lm_pool_role(pool, amira), LM_NEWCOMER);
    ck_assert_double_eq(lm_pool_value(pool, amira, LM_INTERESTS, topic(pool, "cooking")), 1.0);
    ck_assert_double_eq(lm_pool_value(pool, amira, LM_INTERESTS, topic(pool, "baking")), 0.8);
    ck_assert_double_eq(lm_pool_value(pool, amira, LM_OFFERS, topic(pool, "syrian_cuisine")),
                        1.0);
    /* "طبخ:0.6" is Arabic for cooking; "wed-ev" is wed-evening (index 8). */
    ck_assert_double_eq(lm_pool_value(pool, rania, LM_INTERESTS, topic(pool, "cooking")), 0.6);
    ck_assert(lm_pool_availability_mask(pool, rania) >> 8 & 1u);
    ck_assert(lm_pool_step_free(pool, person(pool, "Ineke")));
    ck_assert(!lm_pool_location(pool, person(pool, "Marieke"), NULL, NULL, NULL));
    ck_assert_uint_eq(lm_pool_availability_mask(pool, person(pool, "Jeroen")), 0);
    /* Loading it twice would duplicate every id: refused, nothing added. */
    ck_assert_int_eq(lm_pool_load_sample(pool), LM_E_DUPLICATE);
    ck_assert_uint_eq(lm_pool_size(pool), 28);
    lm_pool_free(pool);
}
END_TEST

/* Checks the hard constraints of DESIGN.md for a group by hand: mix, a
 * shared language, a common slot, everybody within 5 km of the mean
 * location. */
static void assert_feasible(const lm_pool *pool, const char *const *ids, size_t k)
{
    size_t roles[2] = {0, 0}, located = 0;
    uint64_t languages = ~UINT64_C(0), slots = ~UINT64_C(0);
    double lat_sum = 0, lon_sum = 0;
    for (size_t m = 0; m < k; m++) {
        size_t p = person(pool, ids[m]);
        roles[lm_pool_role(pool, p)]++;
        if (lm_pool_language_mask(pool, p))
            languages &= lm_pool_language_mask(pool, p);
        if (lm_pool_availability_mask(pool, p))
            slots &= lm_pool_availability_mask(pool, p);
        double lat, lon;
        if (lm_pool_location(pool, p, &lat, &lon, NULL)) {
            lat_sum += lat;
            lon_sum += lon;
            located++;
        }
    }
    ck_assert_msg(roles[0] >= 2 && roles[1] >= 2, "group of %s is not mixed", ids[0]);
    ck_assert_msg(languages != 0, "group of %s shares no language", ids[0]);
    ck_assert_msg(slots != 0, "group of %s has no common slot", ids[0]);
    for (size_t m = 0; m < k; m++) {
        double lat, lon, max_km;
        if (lm_pool_location(pool, person(pool, ids[m]), &lat, &lon, &max_km))
            ck_assert(lm_distance_km(lat, lon, lat_sum / (double)located,
                                     lon_sum / (double)located) <=
                      (max_km > 0 ? max_km : 5.0));
    }
}

START_TEST(sample_has_feasible_mixed_groups)
{
    lm_pool *pool = sample();
    static const char *const music[] = {"Yonas", "Samir", "Rania", "Sanne", "Joost"};
    static const char *const cooking[] = {"Amira", "Hamid", "Ineke", "Karin", "Mohamed"};
    static const char *const crafts[] = {"Mariam", "Olena", "Ayse", "Els", "Fatima"};
    static const char *const games[] = {"Ahmad", "Reza", "Daan", "Noor", "Lars"};
    static const char *const sport[] = {"Dawit", "Ahmad", "Bram", "Wouter"};
    assert_feasible(pool, music, 5);
    assert_feasible(pool, cooking, 5);
    assert_feasible(pool, crafts, 5);
    assert_feasible(pool, games, 5);
    assert_feasible(pool, sport, 4);
    lm_pool_free(pool);
}
END_TEST

START_TEST(sample_survives_every_allocation_failure)
{
    for (long fail = 1;; fail++) {
        lm_pool *pool = NULL;
        ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
        lm__alloc_fail_at(fail);
        int status = lm_pool_load_sample(pool);
        lm__alloc_fail_at(0);
        if (status == LM_OK) {
            ck_assert_uint_eq(lm_pool_size(pool), 28);
            lm_pool_free(pool);
            break;
        }
        ck_assert_int_eq(status, LM_E_NOMEM);
        ck_assert_uint_eq(lm_pool_size(pool), 0);
        ck_assert_uint_eq(lm_pool_warning_count(pool), 0);
        lm_pool_free(pool);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("gen");
    TCase *tc = tcase_create("gen");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, generate_is_deterministic_for_a_seed);
    tcase_add_test(tc, generate_matches_the_pinned_fingerprint);
    tcase_add_test(tc, generate_places_exactly_the_requested_newcomers);
    tcase_add_test(tc, generate_rejects_bad_arguments);
    tcase_add_test(tc, generate_keeps_the_model_rules);
    tcase_add_test(tc, generate_appends_all_or_nothing);
    tcase_add_test(tc, generate_survives_every_allocation_failure);
    tcase_add_test(tc, sample_loads_cleanly);
    tcase_add_test(tc, sample_has_feasible_mixed_groups);
    tcase_add_test(tc, sample_survives_every_allocation_failure);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
