/* The fast paths of loading, each against a slow way to the same answer:
 * the hashed tag lookup against a scan of the sorted names, the short
 * decimal path of lm__parse_double() against strtod(), and the stack
 * folding of ASCII tags against lm__fold(). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libmatch/libmatch.h"
#include "model/model_internal.h"

static long scan(const lm_taxonomy *taxonomy, const char *folded)
{
    for (size_t k = 0; k < taxonomy->name_count; k++)
        if (strcmp(taxonomy->names[k].folded, folded) == 0)
            return (long)taxonomy->names[k].topic;
    return -1;
}

START_TEST(hashed_lookup_matches_a_scan)
{
    lm_taxonomy *taxonomy;
    ck_assert_int_eq(lm_taxonomy_new_default(&taxonomy), LM_OK);
    ck_assert_uint_gt(taxonomy->name_count, 100);
    size_t found = 0;
    for (size_t k = 0; k < taxonomy->name_count; k++) {
        const char *name = taxonomy->names[k].folded;
        ck_assert_int_eq(lm__taxonomy_lookup_folded(taxonomy, name),
                         (long)taxonomy->names[k].topic);
        /* near misses: a letter more, a letter less, the first letter changed */
        char other[256];
        size_t length = strlen(name);
        ck_assert_uint_lt(length + 2, sizeof other);
        snprintf(other, sizeof other, "%sx", name);
        ck_assert_int_eq(lm__taxonomy_lookup_folded(taxonomy, other), scan(taxonomy, other));
        memcpy(other, name, length - 1);
        other[length - 1] = '\0';
        ck_assert_int_eq(lm__taxonomy_lookup_folded(taxonomy, other), scan(taxonomy, other));
        found += scan(taxonomy, other) >= 0;
        memcpy(other, name, length + 1);
        other[0] = other[0] == 'q' ? 'z' : 'q';
        ck_assert_int_eq(lm__taxonomy_lookup_folded(taxonomy, other), scan(taxonomy, other));
    }
    ck_assert_int_eq(lm__taxonomy_lookup_folded(taxonomy, ""), -1);
    lm_taxonomy_free(taxonomy);
    /* a taxonomy without names finds nothing */
    ck_assert_int_eq(lm_taxonomy_new(&taxonomy), LM_OK);
    ck_assert_int_eq(lm__taxonomy_lookup_folded(taxonomy, "guitar"), -1);
    lm_taxonomy_free(taxonomy);
    (void)found;
}
END_TEST

START_TEST(custom_taxonomy_lookup)
{
    /* A loaded taxonomy, with names that collide after folding: the index
     * of lm_taxonomy_load_buffer() goes through the same hash. */
    const char *text = "key,parent,label_en,label_nl,synonyms\n"
                       "music,,Music,Muziek,muziek;MUSIC\n"
                       "guitar,music,Guitar,Gitaar,gitaar;Gitarre\n"
                       "drums,music,Drums,Drums,slagwerk\n";
    lm_taxonomy *taxonomy;
    ck_assert_int_eq(lm_taxonomy_new(&taxonomy), LM_OK);
    ck_assert_int_eq(lm_taxonomy_load_buffer(taxonomy, "t.csv", text, strlen(text)), LM_OK);
    static const struct {
        const char *name;
        long topic;
    } cases[] = {{"music", 0}, {"muziek", 0}, {"guitar", 1}, {"gitarre", 1},
                 {"drums", 2}, {"slagwerk", 2}, {"piano", -1}, {"gitaa", -1}};
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        ck_assert_int_eq(lm__taxonomy_lookup_folded(taxonomy, cases[k].name), cases[k].topic);
        ck_assert_int_eq(scan(taxonomy, cases[k].name), cases[k].topic);
    }
    lm_taxonomy_free(taxonomy);
}
END_TEST

/* Decimals of every length around the 15-digit and 1e22 edges of the fast
 * path, against strtod (the tests run in the C locale). */
START_TEST(parse_double_matches_strtod)
{
    uint64_t state = 0x2545f4914f6cdd1dull;
    char text[96];
    for (int round = 0; round < 200000; round++) {
        state ^= state << 13, state ^= state >> 7, state ^= state << 17;
        int digits = 1 + (int)(state % 19);
        int point = (int)((state >> 8) % (uint64_t)(digits + 1));
        int exponent = (int)((state >> 16) % 61) - 30;
        bool use_exponent = (state >> 24) % 3 == 0, negative = (state >> 26) % 2;
        uint64_t bits = state;
        size_t at = 0;
        if (negative)
            text[at++] = '-';
        for (int k = 0; k < digits; k++) {
            if (k == point && k > 0)
                text[at++] = '.';
            bits = bits * 6364136223846793005ull + 1442695040888963407ull;
            text[at++] = (char)('0' + (bits >> 60) % 10);
        }
        if (use_exponent)
            at += (size_t)snprintf(text + at, sizeof text - at, "e%d", exponent);
        text[at] = '\0';
        double fast = 0.0, slow = strtod(text, NULL);
        ck_assert_msg(lm__parse_double(text, &fast), "'%s' not read", text);
        ck_assert_msg(memcmp(&fast, &slow, sizeof fast) == 0, "'%s': %.17g, strtod %.17g", text,
                      fast, slow);
    }
}
END_TEST

START_TEST(ascii_tags_fold_like_lm_fold)
{
    lm_taxonomy *taxonomy;
    ck_assert_int_eq(lm_taxonomy_new_default(&taxonomy), LM_OK);
    size_t topics = taxonomy->topic_count;
    double *dense = calloc(topics, sizeof *dense);
    char error[LM_ERRMSG_MAX];
    for (size_t t = 0; t < topics; t++) {
        /* the English label as written ("Guitar"), upper-cased, and with
         * non-ASCII letters where it has them: each finds topic t as
         * lm__fold() + the lookup does */
        const char *label = taxonomy->topics[t].label_en;
        char upper[256];
        size_t length = strlen(label);
        ck_assert_uint_lt(length, sizeof upper);
        for (size_t k = 0; k <= length; k++)
            upper[k] = label[k] >= 'a' && label[k] <= 'z' ? (char)(label[k] - 32) : label[k];
        int status = LM_OK;
        char *folded = lm__fold(upper, length, &status);
        ck_assert_ptr_nonnull(folded);
        long expected = lm__taxonomy_lookup_folded(taxonomy, folded);
        free(folded);
        memset(dense, 0, topics * sizeof *dense);
        status = lm__tags_parse(taxonomy, 0.5, upper, dense, NULL, NULL, error);
        if (expected < 0) {
            ck_assert_int_eq(status, LM_E_NOTFOUND);
            continue;
        }
        ck_assert_int_eq(status, LM_OK);
        ck_assert_msg(dense[expected] == 1.0, "'%s' did not set topic %ld", upper, expected);
    }
    memset(dense, 0, topics * sizeof *dense);
    ck_assert_int_eq(lm__tags_parse(taxonomy, 0.5, "GITAAR ; Muziek:0.25", dense, NULL, NULL,
                                    error),
                     LM_OK);
    size_t guitar, music;
    ck_assert_int_eq(lm_taxonomy_find(taxonomy, "guitar", &guitar), LM_OK);
    ck_assert_int_eq(lm_taxonomy_find(taxonomy, "music", &music), LM_OK);
    ck_assert(dense[guitar] == 1.0 && dense[music] == 0.5);
    free(dense);
    lm_taxonomy_free(taxonomy);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("load");
    TCase *fast = tcase_create("fast_paths");
    tcase_set_timeout(fast, 120);
    tcase_add_test(fast, hashed_lookup_matches_a_scan);
    tcase_add_test(fast, custom_taxonomy_lookup);
    tcase_add_test(fast, parse_double_matches_strtod);
    tcase_add_test(fast, ascii_tags_fold_like_lm_fold);
    suite_add_tcase(s, fast);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
