/* CSV tables beside the pool: the taxonomy CSV and the groups CSV (what
 * lmatch groups writes and lmatch eval reads back). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libmatch/libmatch.h"
#include "csv_fixture.h"
#include "model/grouping_internal.h"
#include "model/model_internal.h"
#include "model/result_internal.h"

/* ---- taxonomy CSV --------------------------------------------------------------------------- */

static const char *const small_taxonomy =
    "key,parent,label_en,label_nl,synonyms\n"
    "music,,Music,Muziek,muziek maken;making music\n"
    "guitar,music,Guitar,Gitaar,gitar; \xd8\xba\xd9\x8a\xd8\xaa\xd8\xa7\xd8\xb1\n"
    "\n"
    "food,,Food,,\n"
    "baking,food,,Bakken,\n";

START_TEST(taxonomy_csv)
{
    lm_taxonomy *taxonomy;
    ck_assert_int_eq(lm_taxonomy_new(&taxonomy), LM_OK);
    ck_assert_int_eq(
        lm_taxonomy_load_buffer(taxonomy, "t.csv", small_taxonomy, strlen(small_taxonomy)),
        LM_OK);
    ck_assert_uint_eq(lm_taxonomy_topic_count(taxonomy), 4);
    ck_assert_str_eq(lm_taxonomy_topic_key(taxonomy, 1), "guitar");
    ck_assert_int_eq(lm_taxonomy_topic_parent(taxonomy, 1), 0);
    ck_assert_int_eq(lm_taxonomy_topic_parent(taxonomy, 2), -1);
    ck_assert_str_eq(lm_taxonomy_topic_label_nl(taxonomy, 2), "Food");  /* from label_en */
    ck_assert_str_eq(lm_taxonomy_topic_label_en(taxonomy, 3), "baking"); /* from the key */
    ck_assert_str_eq(lm_taxonomy_topic_label_nl(taxonomy, 3), "Bakken");
    ck_assert_uint_eq(lm_taxonomy_topic_synonym_count(taxonomy, 1), 2);
    ck_assert_str_eq(lm_taxonomy_topic_synonym(taxonomy, 1, 1),
                     "\xd8\xba\xd9\x8a\xd8\xaa\xd8\xa7\xd8\xb1");
    size_t found;
    ck_assert_int_eq(lm_taxonomy_find(taxonomy, "GITAAR", &found), LM_OK);
    ck_assert_uint_eq(found, 1);
    ck_assert_int_eq(lm_taxonomy_find(taxonomy, "Making Music", &found), LM_OK);
    ck_assert_uint_eq(found, 0);

    static const struct {
        const char *text;
        int status;
        const char *message;
    } bad[] = {
        {"parent,label_en\n,x\n", LM_E_PARSE, "t.csv line 1: missing required column 'key'"},
        {"key\n", LM_E_PARSE, "t.csv: no topics"},
        {"key,parent\nMusic,\n", LM_E_PARSE,
         "t.csv line 2, column 'key': key 'Music' may only hold a-z, 0-9 and '_'"},
        {"key,parent\na,\nb,\na,\n", LM_E_DUPLICATE,
         "t.csv line 4, column 'key': duplicate key 'a' (first on line 2)"},
        {"key,parent\na,b\nb,\n", LM_E_NOTFOUND,
         "t.csv line 2, column 'parent': parent 'b' is not a category on an earlier line"},
        {"key,parent\na,\nb,a\nc,b\n", LM_E_PARSE,
         "t.csv line 4, column 'parent': parent 'b' is a subtopic; only categories can have "
         "subtopics"},
        {"key,parent,synonyms\nsong,,\nsinging,,song\n", LM_E_PARSE, NULL},
        {"key,parent,synonyms\nsinging,,chant\nchant,,\n", LM_E_DUPLICATE,
         "t.csv line 3, column 'key': key 'chant' is already a label or synonym of 'singing' "
         "(line 2)"},
        {"key,parent\na,,\n", LM_E_PARSE, "t.csv line 2: 3 fields where the header has 2"},
        {"key\n\"a\n", LM_E_PARSE, "t.csv line 2: unterminated quoted field"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        if (!bad[k].message)
            continue; /* a synonym equal to an earlier key is harmless: the key wins */
        ck_assert_int_eq(
            lm_taxonomy_load_buffer(taxonomy, "t.csv", bad[k].text, strlen(bad[k].text)),
            bad[k].status);
        ck_assert_str_eq(lm_errmsg(taxonomy), bad[k].message);
        ck_assert_uint_eq(lm_taxonomy_topic_count(taxonomy), 4);
        ck_assert_int_eq(lm_taxonomy_find(taxonomy, "gitaar", &found), LM_OK);
    }
    const char *harmless = bad[6].text;
    ck_assert_int_eq(lm_taxonomy_load_buffer(taxonomy, "t.csv", harmless, strlen(harmless)),
                     LM_OK);
    ck_assert_uint_eq(lm_taxonomy_topic_count(taxonomy), 2);

    /* a pool over a loaded taxonomy builds vectors from it */
    char path[512];
    path_in_folder("taxonomy.csv", path, sizeof path);
    write_text(path, small_taxonomy);
    ck_assert_int_eq(lm_taxonomy_load_file(taxonomy, path), LM_OK);
    lm_pool *own;
    ck_assert_int_eq(lm_pool_new(taxonomy, &own), LM_OK);
    const char *people = "id,role,interests\nx,newcomer,\xd8\xba\xd9\x8a\xd8\xaa\xd8\xa7\xd8\xb1\n";
    ck_assert_int_eq(lm_pool_load_csv_buffer(own, "p.csv", people, strlen(people)), LM_OK);
    ck_assert_double_eq(lm_pool_value(own, 0, LM_INTERESTS, 1), 1.0);
    ck_assert_double_eq(lm_pool_value(own, 0, LM_INTERESTS, 0), 0.5);
    lm_pool_free(own);
    path_in_folder("nothing.csv", path, sizeof path);
    ck_assert_int_eq(lm_taxonomy_load_file(taxonomy, path), LM_E_IO);
    ck_assert_uint_eq(lm_taxonomy_topic_count(taxonomy), 4);
    lm_taxonomy_free(taxonomy);
}
END_TEST

/* ---- groups CSV ------------------------------------------------------------------------------ */

static const char *const group_pool =
    "id,role,interests,host\n"
    "n1,newcomer,guitar,yes\nn2,newcomer,cooking,no\nr1,resident,guitar,yes\n"
    "r2,resident,,no\nn3,newcomer,,yes\nr3,resident,,yes\nloner,resident,,no\n";

START_TEST(groups_round_trip)
{
    ck_assert_int_eq(load(group_pool), LM_OK);
    const char *venue_text = "id,lat,lon\nhuiskamer,52.09,5.12\nvoorkamer,52.1,5.1\n";
    ck_assert_int_eq(
        lm_pool_load_venues_csv_buffer(pool, "v.csv", venue_text, strlen(venue_text)), LM_OK);
    lm_result *result;
    ck_assert_int_eq(lm_result_new(&result), LM_OK);
    size_t first[] = {0, 1, 2, 3}, second[] = {4, 5};
    size_t g;
    ck_assert_int_eq(lm__result_add_group(result, first, 4, &g), LM_OK);
    size_t mon_evening;
    ck_assert_int_eq(lm_slot_find("mon-evening", &mon_evening), LM_OK);
    result->groups[g].theme = topic("guitar");
    result->groups[g].slot = (int)mon_evening;
    result->groups[g].venue = 1;
    result->groups[g].cohost[LM_NEWCOMER] = 0;
    result->groups[g].cohost[LM_RESIDENT] = 2;
    ck_assert_int_eq(lm__result_add_group(result, second, 2, &g), LM_OK);
    result->groups[g].theme = topic("music");
    char path[512];
    path_in_folder("groups.csv", path, sizeof path);
    ck_assert_int_eq(lm_result_save_csv(result, pool, path), LM_OK);
    char *text = read_text(path);
    ck_assert_str_eq(text, "group,id,role,theme,slot,venue,cohost\n"
                           "1,n1,newcomer,guitar,mon-evening,voorkamer,yes\n"
                           "1,n2,newcomer,guitar,mon-evening,voorkamer,no\n"
                           "1,r1,resident,guitar,mon-evening,voorkamer,yes\n"
                           "1,r2,resident,guitar,mon-evening,voorkamer,no\n"
                           "2,n3,newcomer,music,,,no\n"
                           "2,r3,resident,music,,,no\n");
    free(text);

    lm_grouping *grouping;
    ck_assert_int_eq(lm_grouping_new(&grouping), LM_OK);
    ck_assert_int_eq(lm_grouping_load_csv(grouping, pool, path), LM_OK);
    ck_assert_uint_eq(grouping->group_count, 2);
    static const int64_t expected_group[] = {0, 0, 0, 0, 1, 1, -1};
    for (size_t p = 0; p < 7; p++)
        ck_assert_int_eq(grouping->group_of[p], expected_group[p]);
    ck_assert_int_eq(grouping->slot[0], (int)mon_evening);
    ck_assert_int_eq(grouping->venue[0], 1);
    ck_assert_int_eq(grouping->slot[1], -1);
    ck_assert_int_eq(grouping->venue[1], -1);
    /* the grouping API still works on a loaded grouping */
    ck_assert_int_eq(lm_grouping_assign(grouping, 6, 2), LM_OK);
    ck_assert_int_eq(grouping->slot[2], -1);

    /* any non-negative numbers, mapped in order of first appearance; rows may
     * leave slot and venue empty; role and cohost are only informational */
    const char *by_hand = "Group,ID,slot,Role\n"
                          "70,r3,,resident\n"
                          "3,n1,Tue-Morning,\n"
                          "70,n3,,\n"
                          "3,r1,tue-am,bewoner\n";
    ck_assert_int_eq(
        lm_grouping_load_csv_buffer(grouping, pool, "hand.csv", by_hand, strlen(by_hand)),
        LM_OK);
    size_t tue_morning;
    ck_assert_int_eq(lm_slot_find("tue-morning", &tue_morning), LM_OK);
    ck_assert_uint_eq(grouping->group_count, 2);
    ck_assert_int_eq(grouping->group_of[5], 0);
    ck_assert_int_eq(grouping->group_of[4], 0);
    ck_assert_int_eq(grouping->group_of[0], 1);
    ck_assert_int_eq(grouping->group_of[2], 1);
    ck_assert_int_eq(grouping->group_of[1], -1);
    ck_assert_int_eq(grouping->slot[1], (int)tue_morning);
    ck_assert_int_eq(grouping->slot[0], -1);

    static const struct {
        const char *text;
        int status;
        const char *message;
    } bad[] = {
        {"id\nn1\n", LM_E_PARSE, "g.csv line 1: missing required column 'group'"},
        {"group,id\n1,n1\n1,nobody\n", LM_E_NOTFOUND,
         "g.csv line 3, column 'id': unknown participant 'nobody'"},
        {"group,id\n1,n1\n2,n2\n\n3,n1\n", LM_E_DUPLICATE,
         "g.csv line 5, column 'id': participant 'n1' is listed twice (first on line 2)"},
        {"group,id\n-1,n1\n", LM_E_PARSE, "g.csv line 2, column 'group': group '-1' is not a "
                                          "whole number"},
        {"group,id,slot\n1,n1,mon-am\n1,n2,tue-am\n", LM_E_PARSE,
         "g.csv line 3, column 'slot': group 1 meets at 'tue-morning' here but at "
         "'mon-morning' on line 2"},
        {"group,id,venue\n4,n1,huiskamer\n4,n2,voorkamer\n", LM_E_PARSE,
         "g.csv line 3, column 'venue': group 4 meets at venue 'voorkamer' here but at "
         "'huiskamer' on line 2"},
        {"group,id,slot\n1,n1,someday\n", LM_E_NOTFOUND,
         "g.csv line 2, column 'slot': unknown slot 'someday'"},
        {"group,id,venue\n1,n1,garage\n", LM_E_NOTFOUND,
         "g.csv line 2, column 'venue': unknown venue 'garage'"},
        {"group,id,role\n1,n1,resident\n", LM_E_PARSE,
         "g.csv line 2, column 'role': 'n1' is a newcomer in the pool, not a resident"},
        {"group,id,role\n1,n1,chef\n", LM_E_PARSE,
         "g.csv line 2, column 'role': unknown role 'chef' (newcomer, resident, nieuwkomer, "
         "bewoner)"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        ck_assert_int_eq(lm_grouping_load_csv_buffer(grouping, pool, "g.csv", bad[k].text,
                                                     strlen(bad[k].text)),
                         bad[k].status);
        ck_assert_str_eq(lm_errmsg(grouping), bad[k].message);
        /* a failed load keeps the grouping as it was */
        ck_assert_uint_eq(grouping->group_count, 2);
        ck_assert_int_eq(grouping->group_of[5], 0);
    }

    /* a result that does not belong to the pool is refused before writing */
    size_t stranger[] = {99};
    ck_assert_int_eq(lm__result_add_group(result, stranger, 1, NULL), LM_OK);
    ck_assert_int_eq(lm_result_save_csv(result, pool, path), LM_E_INVALID);
    ck_assert_str_eq(lm_errmsg(result), "group 3 holds participant 99, but the pool has only 7");
    text = read_text(path);
    ck_assert_ptr_nonnull(strstr(text, "2,r3,resident,music,,,no\n"));
    free(text);
    lm_grouping_free(grouping);
    lm_result_free(result);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("csv_tables");
    TCase *tables = tcase_create("tables");
    tcase_add_checked_fixture(tables, setup, teardown);
    tcase_set_timeout(tables, 60);
    tcase_add_test(tables, taxonomy_csv);
    tcase_add_test(tables, groups_round_trip);
    suite_add_tcase(s, tables);

    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
