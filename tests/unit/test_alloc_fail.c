/* Fault injection (SQLite's way): allocation N fails, for N = 1, 2, 3, ...
 * until a run makes no Nth allocation. Every run must end in LM_OK or
 * LM_E_NOMEM, a failed load must leave the pool as it was, and nothing may
 * leak (LeakSanitizer checks that in the sanitizer build). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libmatch/libmatch.h"
#include "common/common_internal.h"
#include "io/csv_internal.h"

static const char participants[] =
    "\xef\xbb\xbfid,role,interests,offers,wants,languages,availability,lat,lon,max_km,"
    "step_free,host,notes\r\n"
    "n1,newcomer,gitaar;cooking:0.5;unknown-tag,arabic,dutch,ar;nl,mon-morning;tue-ev,"
    "52.09,5.12,3,ja,yes,first\r\n"
    "r1,bewoner,\"singing:0.8; baking\",dutch,arabic:0.4,nl,,52.1,5.1,,no,no,\r\n"
    "\r\n"
    "n2,newcomer,football;another-unknown,,,ti,sat-morning,,,,,1,\"multi\nline\"\r\n"
    "r2,resident,music,guitar,,en;nl,sun-evening,52.0,5.0,10,true,false,x\r\n";

static const char venues[] = "id,lat,lon,open,capacity,step_free,phone\n"
                             "huiskamer,52.09,5.12,mon-evening;wed-morning,3,yes,1\n"
                             "voorkamer,52.1,5.1,,,,\n";

static const char groups[] = "group,id,role,slot,venue\n"
                             "1,n1,newcomer,mon-evening,huiskamer\n"
                             "1,r1,resident,,\n"
                             "2,n2,,,\n"
                             "2,r2,,,\n";

static const char taxonomy_csv[] = "key,parent,label_en,label_nl,synonyms\n"
                                   "music,,Music,Muziek,muziek maken\n"
                                   "guitar,music,Guitar,Gitaar,gitar\n";

/* One complete scenario; returns the first failing status (or LM_OK). */
static int scenario(void)
{
    lm_pool *pool = NULL;
    lm_result *result = NULL;
    lm_grouping *grouping = NULL;
    lm_taxonomy *taxonomy = NULL;
    int status = lm_pool_new(NULL, &pool);
    size_t index = 0;
    if (status == LM_OK)
        status = lm_pool_add(pool, "hand", LM_RESIDENT, &index);
    if (status == LM_OK)
        status = lm_pool_set_tags(pool, index, LM_INTERESTS, "gitaar;cooking:0.5;nothing");
    if (status == LM_OK)
        status = lm_pool_set_languages(pool, index, "nl;ar");
    if (status == LM_OK)
        status = lm_pool_set_availability(pool, index, "mon-am;fri-ev");
    if (status == LM_OK)
        status = lm_pool_set_location(pool, index, 52.09, 5.12, 4.0);
    if (status == LM_OK) {
        size_t size = lm_pool_size(pool), warnings = lm_pool_warning_count(pool);
        status = lm_pool_load_csv_buffer(pool, "pool.csv", participants, sizeof participants - 1);
        if (status != LM_OK) {
            /* all or nothing */
            ck_assert_uint_eq(lm_pool_size(pool), size);
            ck_assert_uint_eq(lm_pool_warning_count(pool), warnings);
            ck_assert_uint_eq(lm_pool_column_count(pool), 0);
        } else {
            ck_assert_uint_eq(lm_pool_size(pool), 5);
            /* three unknown tags (one set by hand); 'notes' is kept for display */
            ck_assert_uint_eq(lm_pool_warning_count(pool), 3);
            ck_assert_str_eq(lm_pool_column_value(pool, 1, 0), "first");
        }
    }
    if (status == LM_OK) {
        size_t count = lm_pool_venue_count(pool);
        status = lm_pool_load_venues_csv_buffer(pool, "venues.csv", venues, sizeof venues - 1);
        if (status != LM_OK)
            ck_assert_uint_eq(lm_pool_venue_count(pool), count);
    }
    if (status == LM_OK) {
        /* the writers build each field in memory */
        FILE *file = tmpfile();
        ck_assert_ptr_nonnull(file);
        status = lm__pool_write_csv(pool, file);
        if (status == LM_OK)
            status = lm__pool_write_venues_csv(pool, file);
        fclose(file);
    }
    if (status == LM_OK)
        status = lm_grouping_new(&grouping);
    if (status == LM_OK)
        status = lm_grouping_load_csv_buffer(grouping, pool, "groups.csv", groups,
                                             sizeof groups - 1);
    if (status == LM_OK)
        status = lm_taxonomy_new(&taxonomy);
    if (status == LM_OK)
        status = lm_taxonomy_load_buffer(taxonomy, "taxonomy.csv", taxonomy_csv,
                                         sizeof taxonomy_csv - 1);
    if (status == LM_OK)
        status = lm_result_new(&result);
    lm_result_free(result);
    lm_taxonomy_free(taxonomy);
    lm_grouping_free(grouping);
    lm_pool_free(pool);
    return status;
}

START_TEST(every_allocation_may_fail)
{
    lm__alloc_fail_at(0);
    ck_assert_int_eq(scenario(), LM_OK);
    long total = lm__alloc_fail_at(0);
    ck_assert_int_gt(total, 100);
    long n = 1;
    for (;; n++) {
        lm__alloc_fail_at(n);
        int status = scenario();
        long made = lm__alloc_fail_at(0);
        ck_assert_msg(status == LM_OK || status == LM_E_NOMEM,
                      "failing allocation %ld gave status %d", n, status);
        if (made < n) {
            ck_assert_int_eq(status, LM_OK);
            break;
        }
        ck_assert_msg(status == LM_E_NOMEM, "allocation %ld failed but the scenario succeeded",
                      n);
    }
    ck_assert_int_eq(n, total + 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("alloc_fail");
    TCase *tc = tcase_create("alloc_fail");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, every_allocation_may_fail);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
