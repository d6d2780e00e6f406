/* The venue grid, the capacity sharing's order and the fill's candidates
 * against answers computed another way: nearest venues by a scan of every
 * venue, the same answers on any number of threads, offers sorted by qsort,
 * and candidate lists worked out by hand. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "groups/groups_internal.h"
#include "libmatch/libmatch.h"

/* ---- nearest venues ------------------------------------------------------ */

static bool can_meet(const lm_venue *venue, const lm_participant *p)
{
    if (!p)
        return true;
    if (p->step_free && !venue->step_free)
        return false;
    return !p->availability || (p->availability & venue->open);
}

typedef struct hit {
    float d2;
    uint32_t venue;
} hit;

static int compare_hits(const void *a, const void *b)
{
    const hit *x = a, *y = b;
    if (x->d2 != y->d2)
        return x->d2 < y->d2 ? -1 : 1;
    return (x->venue > y->venue) - (x->venue < y->venue);
}

/* The k nearest usable venues by a scan of them all, in the grid's metric. */
static int brute_nearest(const lm_venue_grid *grid, const lm_pool *pool, const uint8_t *use,
                         double lat, double lon, const lm_participant *p, double reach, int k,
                         uint32_t *venue, float *d2)
{
    double x = lon * 111.32 * grid->cos_lat, y = lat * 110.57;
    hit *hits = malloc((pool->venue_count + 1) * sizeof *hits);
    size_t count = 0;
    for (uint32_t v = 0; v < pool->venue_count; v++) {
        if ((use && !use[v]) || !can_meet(&pool->venues[v], p))
            continue;
        double dx = grid->x[v] - x, dy = grid->y[v] - y;
        float dist2 = (float)(dx * dx + dy * dy);
        if ((double)dist2 <= reach * reach)
            hits[count++] = (hit){dist2, v};
    }
    qsort(hits, count, sizeof *hits, compare_hits);
    int found = count < (size_t)k ? (int)count : k;
    for (int i = 0; i < found; i++) {
        venue[i] = hits[i].venue;
        d2[i] = hits[i].d2;
    }
    free(hits);
    return found;
}

static lm_pool *generated(size_t people, size_t venues)
{
    lm_pool *pool = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
    ck_assert_int_eq(lm_pool_generate(pool, people, 0.3, venues, 7), LM_OK);
    return pool;
}

START_TEST(nearest_matches_a_scan_of_all_venues)
{
    lm_pool *pool = generated(400, 60);
    uint8_t *use = malloc(pool->venue_count);
    /* every venue; a third of them; two; one; none: sparse grids are where
     * the rings reach far outside the grid */
    for (int set = 0; set < 5; set++) {
        for (size_t v = 0; v < pool->venue_count; v++)
            use[v] = set == 0   ? 1
                     : set == 1 ? v % 3 == 0
                     : set == 2 ? v == 5 || v == 40
                     : set == 3 ? v == 17
                                : 0;
        lm_venue_grid grid;
        ck_assert_int_eq(lm__venue_grid_build(&grid, pool, use), LM_OK);
        for (size_t p = 0; p < pool->count; p++) {
            const lm_participant *person = &pool->people[p];
            /* at home, and 30 km north (outside the grid) */
            for (int shift = 0; shift < 2; shift++) {
                double lat = person->lat + 0.27 * shift, lon = person->lon;
                int ks[] = {1, 8, 32};
                for (size_t kk = 0; kk < 3; kk++) {
                    int k = ks[kk];
                    double reach = p % 2 ? 5.0 : INFINITY;
                    const lm_participant *as = p % 3 ? person : NULL;
                    uint32_t got[32], want[32];
                    float got_d2[32], want_d2[32];
                    int n = lm__venue_grid_nearest(&grid, pool, lat, lon, as, NULL, reach, k, got,
                                                   got_d2);
                    int m = brute_nearest(&grid, pool, use, lat, lon, as, reach, k, want, want_d2);
                    ck_assert_int_eq(n, m);
                    for (int i = 0; i < n; i++) {
                        ck_assert_uint_eq(got[i], want[i]);
                        ck_assert(got_d2[i] == want_d2[i]);
                    }
                }
            }
        }
        lm__venue_grid_free(&grid);
    }
    free(use);
    lm_pool_free(pool);
}
END_TEST

START_TEST(batch_nearest_is_the_same_on_any_thread_count)
{
    lm_pool *pool = generated(20000, 80);
    lm_venue_grid grid;
    ck_assert_int_eq(lm__venue_grid_build(&grid, pool, NULL), LM_OK);
    size_t n = pool->count;
    const int k = 8;
    uint32_t *who = malloc(n * sizeof *who);
    for (size_t p = 0; p < n; p++)
        who[p] = (uint32_t)(n - 1 - p); /* any order */
    lm_params *params = NULL;
    ck_assert_int_eq(lm_params_new(&params), LM_OK);
    uint32_t *venue[2];
    float *d2[2];
    uint8_t *found[2];
    for (int run = 0; run < 2; run++) {
        venue[run] = malloc(n * k * sizeof **venue);
        d2[run] = malloc(n * k * sizeof **d2);
        found[run] = malloc(n);
        ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_THREADS, run ? 3 : 1), LM_OK);
        ck_assert_int_eq(lm__venue_grid_nearest_all(&grid, pool, params, who, n, true, NULL, k,
                                                    venue[run], d2[run], found[run]),
                         LM_OK);
    }
    for (size_t i = 0; i < n; i++) {
        const lm_participant *person = &pool->people[who[i]];
        uint32_t one[8];
        float one_d2[8];
        int m = lm__venue_grid_nearest(&grid, pool, person->lat, person->lon, person, NULL,
                                       lm__max_km(person, params), k, one, one_d2);
        ck_assert_int_eq(found[0][i], m);
        ck_assert_int_eq(found[1][i], m);
        for (int j = 0; j < m; j++) {
            ck_assert_uint_eq(venue[0][i * k + j], one[j]);
            ck_assert_uint_eq(venue[1][i * k + j], one[j]);
            ck_assert(d2[1][i * k + j] == one_d2[j]);
        }
    }
    for (int run = 0; run < 2; run++) {
        free(venue[run]);
        free(d2[run]);
        free(found[run]);
    }
    free(who);
    lm_params_free(params);
    lm__venue_grid_free(&grid);
    lm_pool_free(pool);
}
END_TEST

/* ---- the order offers are granted in ------------------------------------- */

typedef struct indexed_offer {
    lm_offer offer;
    size_t index; /* position before sorting */
} indexed_offer;

static int compare_indexed(const void *a, const void *b)
{
    const indexed_offer *x = a, *y = b;
    if (x->offer.d2 != y->offer.d2)
        return x->offer.d2 < y->offer.d2 ? -1 : 1;
    if (x->offer.person != y->offer.person)
        return x->offer.person < y->offer.person ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

START_TEST(offers_sort_as_qsort_does_with_ties_kept_in_order)
{
    /* few distinct distances and people: many ties; distances from 0 to
     * 1e6 km^2 and people beyond 16 bits, so that every pass matters */
    const size_t counts[] = {0, 1, 2, 1000, 100000};
    uint64_t state = 99;
    for (size_t c = 0; c < sizeof counts / sizeof counts[0]; c++) {
        size_t n = counts[c];
        lm_offer *offers = malloc((n + 1) * sizeof *offers);
        indexed_offer *reference = malloc((n + 1) * sizeof *reference);
        for (size_t k = 0; k < n; k++) {
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            uint32_t r = (uint32_t)(state >> 33);
            float d2 = r % 3 == 0 ? 0.0f : (float)(r % 97) * 1031.7f + (float)(r % 5) * 1e-3f;
            offers[k] = (lm_offer){d2, (uint32_t)(r % 300) * 257u, (uint32_t)k};
            reference[k] = (indexed_offer){offers[k], k};
        }
        ck_assert_int_eq(lm__offers_sort(offers, n), LM_OK);
        qsort(reference, n, sizeof *reference, compare_indexed);
        for (size_t k = 0; k < n; k++) {
            ck_assert(offers[k].d2 == reference[k].offer.d2);
            ck_assert_uint_eq(offers[k].person, reference[k].offer.person);
            ck_assert_uint_eq(offers[k].venue, reference[k].offer.venue); /* ties in order */
        }
        free(offers);
        free(reference);
    }
}
END_TEST

/* ---- the fill's candidates ----------------------------------------------- */

static size_t person(lm_pool *pool, lm_role role, const char *languages, uint64_t slots)
{
    char id[32];
    size_t index;
    snprintf(id, sizeof id, "p%zu", lm_pool_size(pool));
    ck_assert_int_eq(lm_pool_add(pool, id, role, &index), LM_OK);
    ck_assert_int_eq(lm_pool_set_languages(pool, index, languages), LM_OK);
    ck_assert_int_eq(lm_pool_set_availability_mask(pool, index, slots), LM_OK);
    return index;
}

START_TEST(candidates_need_company_in_a_language_and_slot)
{
    lm_pool *pool = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
    /* slot 0 and slot 1 have room; slot 2 has none */
    size_t r_nl[3], n_ar[2], n_nl[2];
    for (int k = 0; k < 3; k++)
        r_nl[k] = person(pool, LM_RESIDENT, "nl", 1);
    for (int k = 0; k < 2; k++)
        n_ar[k] = person(pool, LM_NEWCOMER, "ar", 1); /* no resident speaks Arabic */
    for (int k = 0; k < 2; k++)
        n_nl[k] = person(pool, LM_NEWCOMER, "nl;ar", 1);
    size_t n_late = person(pool, LM_NEWCOMER, "nl", 2);    /* free in slot 1 only: alone there */
    size_t n_closed = person(pool, LM_NEWCOMER, "nl", 4);  /* free only when there is no room */
    size_t n_unknown = person(pool, LM_NEWCOMER, "", 1);   /* speaks anything */
    size_t r_fr = person(pool, LM_RESIDENT, "fr", 1);      /* one newcomer (unknown) for French */
    size_t r_any = person(pool, LM_RESIDENT, "nl", 0);     /* free at any time */
    size_t taken = person(pool, LM_RESIDENT, "nl", 1);     /* already in a group */
    size_t count = lm_pool_size(pool);
    uint32_t start[2] = {0, (uint32_t)count};
    uint32_t *people = malloc(count * sizeof *people);
    uint8_t *open = malloc(count);
    for (size_t p = 0; p < count; p++) {
        people[p] = (uint32_t)p;
        open[p] = p != taken;
    }
    lm_fill fill = {start, people};
    lm_params *params = NULL;
    ck_assert_int_eq(lm_params_new(&params), LM_OK);
    uint32_t *counters = malloc(LM_FILL_COUNTERS * sizeof *counters);
    uint32_t out[64];
    uint32_t n = lm__fill_candidates(&fill, pool, params, 0, 3, 1, open, counters, out);
    /* Arabic: 4 newcomers, 0 residents; Dutch in slot 0: 3 + 1 residents
     * (and r_any), newcomers n_nl and the unknown one */
    size_t want[] = {r_nl[0], r_nl[1], r_nl[2], n_nl[0], n_nl[1], n_unknown, r_any};
    ck_assert_uint_eq(n, sizeof want / sizeof want[0]);
    for (size_t k = 0; k < n; k++)
        ck_assert_uint_eq(out[k], want[k]);
    (void)n_late;
    (void)n_closed;
    /* without the language rule, Arabic speakers find Dutch residents too */
    ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_LANGUAGE, 0), LM_OK);
    n = lm__fill_candidates(&fill, pool, params, 0, 3, 1, open, counters, out);
    size_t any[] = {r_nl[0], r_nl[1], r_nl[2], n_ar[0], n_ar[1],
                    n_nl[0], n_nl[1], n_unknown, r_fr, r_any};
    ck_assert_uint_eq(n, sizeof any / sizeof any[0]);
    for (size_t k = 0; k < n; k++)
        ck_assert_uint_eq(out[k], any[k]);
    free(counters);
    free(people);
    free(open);
    lm_params_free(params);
    lm_pool_free(pool);
}
END_TEST

START_TEST(candidates_are_capped_by_role_in_list_order)
{
    lm_pool *pool = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
    /* 900 residents, then 300 newcomers: a cap on the list as a whole
     * would keep residents only */
    for (int k = 0; k < 900; k++)
        person(pool, LM_RESIDENT, "nl", 1);
    for (int k = 0; k < 300; k++)
        person(pool, LM_NEWCOMER, "nl", 1);
    size_t count = lm_pool_size(pool);
    uint32_t start[2] = {0, (uint32_t)count};
    uint32_t *people = malloc(count * sizeof *people);
    uint8_t *open = malloc(count);
    for (size_t p = 0; p < count; p++) {
        people[p] = (uint32_t)(count - 1 - p); /* newcomers first in the list */
        open[p] = 1;
    }
    lm_fill fill = {start, people};
    lm_params *params = NULL;
    ck_assert_int_eq(lm_params_new(&params), LM_OK);
    uint32_t *counters = malloc(LM_FILL_COUNTERS * sizeof *counters);
    uint32_t *out = malloc(count * sizeof *out);
    /* room for 2 groups: up to 400 of each role */
    uint32_t n = lm__fill_candidates(&fill, pool, params, 0, 1, 2, open, counters, out);
    ck_assert_uint_eq(n, 300 + 400);
    for (uint32_t k = 0; k < n; k++)
        ck_assert_uint_eq(out[k], people[k]); /* the first of each role, in list order */
    free(counters);
    free(people);
    free(open);
    free(out);
    lm_params_free(params);
    lm_pool_free(pool);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("grid");
    TCase *tc = tcase_create("grid");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, nearest_matches_a_scan_of_all_venues);
    tcase_add_test(tc, batch_nearest_is_the_same_on_any_thread_count);
    tcase_add_test(tc, offers_sort_as_qsort_does_with_ties_kept_in_order);
    tcase_add_test(tc, candidates_need_company_in_a_language_and_slot);
    tcase_add_test(tc, candidates_are_capped_by_role_in_list_order);
    suite_add_tcase(s, tc);
    SRunner *runner = srunner_create(s);
    srunner_run_all(runner, CK_ENV);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
