/* The fast paths of loading, each against a slow way to the same answer:
 * the hashed tag lookup against a scan of the sorted names, the short
 * decimal path of lm__parse_double() against strtod(), and the stack
 * folding of ASCII tags against lm__fold(); and loading from a mapped
 * file, which hands pages back as it reads, against loading the same bytes
 * from memory. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libmatch/libmatch.h"
#include "io/file_map_internal.h"
#include "model/model_internal.h"
#include "pool_equal.h"

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
    for (int round = 0; round < 100000; round++) {
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


/* assert_pools_equal() for large pools: the same comparison of ids, roles,
 * vectors, languages, slots, locations and flags, bit for bit, with one
 * assertion (check's per-assertion bookkeeping costs more than the loads). */
static bool same_pools(const lm_pool *a, const lm_pool *b)
{
    size_t topics = lm_taxonomy_topic_count(lm_pool_taxonomy(a));
    if (topics != lm_taxonomy_topic_count(lm_pool_taxonomy(b)) ||
        lm_pool_size(a) != lm_pool_size(b))
        return false;
    for (size_t i = 0; i < lm_pool_size(a); i++) {
        const lm_participant *p = &a->people[i], *q = &b->people[i];
        if (strcmp(p->id, q->id) || p->role != q->role || p->languages != q->languages ||
            p->availability != q->availability || p->has_location != q->has_location ||
            p->step_free != q->step_free || p->host != q->host ||
            memcmp(&p->max_km, &q->max_km, sizeof p->max_km) ||
            memcmp(&p->lat, &q->lat, sizeof p->lat) || memcmp(&p->lon, &q->lon, sizeof p->lon))
            return false;
        for (int v = 0; v < 3; v++)
            for (size_t t = 0; t < topics; t++) {
                double x = lm_pool_value(a, i, (lm_vector)v, t);
                double y = lm_pool_value(b, i, (lm_vector)v, t);
                if (memcmp(&x, &y, sizeof x))
                    return false;
            }
    }
    return true;
}

/* A pool file of a few release steps (LM_FILE_MAP_STEP, 1 MiB):
 * loading it from its path (mapped, pages handed back as the reader passes
 * them) gives the pool the bytes give from memory, for CSV and msgpack,
 * and an error near the end still names its exact line. */
START_TEST(mapped_file_loads_like_the_buffer)
{
    make_test_folder();
    lm_pool *made;
    ck_assert_int_eq(lm_pool_new(NULL, &made), LM_OK);
    ck_assert_int_eq(lm_pool_generate(made, 12000, 0.3, 50, 11), LM_OK);
    char csv[512], mp[512];
    snprintf(csv, sizeof csv, "%s", test_path("pool.csv"));
    snprintf(mp, sizeof mp, "%s", test_path("pool.msgpack"));
    ck_assert_int_eq(lm_pool_save_csv(made, csv), LM_OK);
    ck_assert_int_eq(lm_pool_save_msgpack(made, mp, NULL), LM_OK);
    size_t size = 0;
    unsigned char *bytes = read_all(csv, &size);
    ck_assert_uint_gt(size, 3 * LM_FILE_MAP_STEP);
    lm_pool *from_memory, *from_path, *from_file, *from_msgpack;
    ck_assert_int_eq(lm_pool_new(NULL, &from_memory), LM_OK);
    ck_assert_int_eq(lm_pool_new(NULL, &from_path), LM_OK);
    ck_assert_int_eq(lm_pool_new(NULL, &from_file), LM_OK);
    ck_assert_int_eq(lm_pool_new(NULL, &from_msgpack), LM_OK);
    ck_assert_int_eq(lm_pool_load_csv_buffer(from_memory, csv, (const char *)bytes, size), LM_OK);
    ck_assert_int_eq(lm_pool_load_csv(from_path, csv), LM_OK);
    ck_assert_int_eq(lm_pool_load_file(from_file, csv, NULL), LM_OK);
    ck_assert_int_eq(lm_pool_load_file(from_msgpack, mp, NULL), LM_OK);
    ck_assert_uint_eq(lm_pool_size(from_memory), 12000);
    ck_assert(same_pools(from_memory, from_path));
    ck_assert(same_pools(from_memory, from_file));
    size_t mp_size = 0;
    unsigned char *mp_bytes = read_all(mp, &mp_size);
    lm_pool *msgpack_memory;
    ck_assert_int_eq(lm_pool_new(NULL, &msgpack_memory), LM_OK);
    ck_assert_int_eq(lm_pool_load_msgpack_buffer(msgpack_memory, mp, mp_bytes, mp_size, NULL),
                     LM_OK);
    ck_assert_uint_gt(mp_size, LM_FILE_MAP_STEP);
    ck_assert(same_pools(msgpack_memory, from_msgpack));
    ck_assert_str_eq(lm_pool_id(from_msgpack, 11999), lm_pool_id(from_memory, 11999));
    lm_pool_free(msgpack_memory);
    free(mp_bytes);
    for (size_t i = 0; i < 12000; i += 997)
        ck_assert_uint_eq(lm_pool_line(from_path, i), i + 2);

    /* a bad role on the second-to-last row: the same message either way */
    size_t last = size - 1;
    while (bytes[last - 1] != '\n')
        last--;
    size_t row = last - 1;
    while (bytes[row - 1] != '\n')
        row--;
    const char *comma = memchr(bytes + row, ',', last - row);
    ck_assert_ptr_nonnull(comma);
    char *broken = malloc(size + 8);
    size_t at = (size_t)(comma - (const char *)bytes) + 1;
    memcpy(broken, bytes, at);
    memcpy(broken + at, "x", 1);
    memcpy(broken + at + 1, bytes + at, size - at);
    char bad[512];
    snprintf(bad, sizeof bad, "%s", test_path("bad.csv"));
    write_all(bad, broken, size + 1);
    lm_pool *failing;
    ck_assert_int_eq(lm_pool_new(NULL, &failing), LM_OK);
    ck_assert_int_eq(lm_pool_load_csv_buffer(failing, bad, broken, size + 1), LM_E_PARSE);
    char expected[LM_ERRMSG_MAX];
    snprintf(expected, sizeof expected, "%s", lm_errmsg(failing));
    ck_assert_ptr_nonnull(strstr(expected, "line 12000, column 'role'"));
    ck_assert_int_eq(lm_pool_load_file(failing, bad, NULL), LM_E_PARSE);
    ck_assert_str_eq(lm_errmsg(failing), expected);
    ck_assert_uint_eq(lm_pool_size(failing), 0);
    /* a missing file and a folder: lm__file_read()'s messages */
    ck_assert_int_eq(lm_pool_load_file(failing, test_path("none.csv"), NULL), LM_E_IO);
    ck_assert_ptr_nonnull(strstr(lm_errmsg(failing), "No such file or directory"));
    ck_assert_int_eq(lm_pool_load_csv(failing, test_folder), LM_E_IO);
    ck_assert_ptr_nonnull(strstr(lm_errmsg(failing), "Is a directory"));
    free(broken);
    free(bytes);
    lm_pool_free(failing);
    lm_pool_free(from_msgpack);
    lm_pool_free(from_file);
    lm_pool_free(from_path);
    lm_pool_free(from_memory);
    lm_pool_free(made);
    remove_test_folder();
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
    tcase_add_test(fast, mapped_file_loads_like_the_buffer);
    suite_add_tcase(s, fast);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
