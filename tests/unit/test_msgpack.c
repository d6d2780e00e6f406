/* The msgpack pool and result formats: exact round trips, the envelope,
 * truncation at every length, hostile lengths, all-or-nothing loads,
 * allocation failures and atomic saves. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "libmatch/libmatch.h"
#include "common/atomic_internal.h"
#include "common/common_internal.h"
#include "pool_equal.h"

static lm_pool *generated_pool(size_t participants, size_t venues)
{
    lm_pool *pool = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
    ck_assert_int_eq(lm_pool_generate(pool, participants, -1.0, venues, 7), LM_OK);
    return pool;
}

static lm_pool *empty_pool(void)
{
    lm_pool *pool = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
    return pool;
}

/* A pool whose doubles are awkward: not representable in decimal, subnormal,
 * just below one. */
static lm_pool *awkward_pool(void)
{
    lm_pool *pool = empty_pool();
    size_t a, b;
    ck_assert_int_eq(lm_pool_add(pool, "zoë-1", LM_NEWCOMER, &a), LM_OK);
    ck_assert_int_eq(lm_pool_add(pool, "r2", LM_RESIDENT, &b), LM_OK);
    ck_assert_int_eq(lm_pool_set_value(pool, a, LM_INTERESTS, 0, 0.1), LM_OK);
    ck_assert_int_eq(lm_pool_set_value(pool, a, LM_INTERESTS, 3, 1.0 / 3.0), LM_OK);
    ck_assert_int_eq(lm_pool_set_value(pool, a, LM_OFFERS, 5, 4.9406564584124654e-324), LM_OK);
    ck_assert_int_eq(lm_pool_set_value(pool, a, LM_WANTS, 7, nextafter(1.0, 0.0)), LM_OK);
    ck_assert_int_eq(lm_pool_set_languages(pool, a, "nl;ar;ti"), LM_OK);
    ck_assert_int_eq(lm_pool_set_availability(pool, a, "mon-evening;sun-morning"), LM_OK);
    ck_assert_int_eq(lm_pool_set_location(pool, a, 52.0907374, 5.1214201, 2.5), LM_OK);
    ck_assert_int_eq(lm_pool_set_step_free(pool, a, true), LM_OK);
    ck_assert_int_eq(lm_pool_set_host(pool, b, true), LM_OK);
    ck_assert_int_eq(lm_pool_set_tags(pool, b, LM_INTERESTS, "guitar;cooking:0.5"), LM_OK);
    ck_assert_int_eq(lm_pool_set_location(pool, b, -33.8688, 151.2093, 0.0), LM_OK);
    size_t venue;
    ck_assert_int_eq(lm_pool_add_venue(pool, "huiskamer", 51.4416, 5.4697, 0x1fffff, 3, true,
                                       &venue),
                     LM_OK);
    return pool;
}

static unsigned char *saved_bytes(lm_pool *pool, size_t *size)
{
    const char *path = test_path("small.msgpack");
    ck_assert_int_eq(lm_pool_save_msgpack(pool, path, NULL), LM_OK);
    return read_all(path, size);
}

START_TEST(generated_pool_round_trips_bit_for_bit)
{
    make_test_folder();
    lm_pool *pool = generated_pool(400, 6);
    const char *path = test_path("city.msgpack");
    ck_assert_int_eq(lm_pool_save_msgpack(pool, path, NULL), LM_OK);
    lm_format format;
    ck_assert_int_eq(lm_format_detect_file(path, &format), LM_OK);
    ck_assert_int_eq(format, LM_FORMAT_POOL_MSGPACK);
    lm_pool *back = empty_pool();
    ck_assert_int_eq(lm_pool_load_file(back, path, NULL), LM_OK);
    ck_assert_str_eq(lm_errmsg(back), "");
    assert_pools_equal(pool, back);
    /* The file is private: pools hold personal data. */
    struct stat info;
    ck_assert_int_eq(stat(path, &info), 0);
    ck_assert_int_eq(info.st_mode & 077, 0);
    lm_pool_free(back);
    lm_pool_free(pool);
    remove_test_folder();
}
END_TEST

START_TEST(awkward_doubles_round_trip)
{
    make_test_folder();
    lm_pool *pool = awkward_pool();
    size_t size;
    unsigned char *bytes = saved_bytes(pool, &size);
    ck_assert_int_eq(lm_format_detect(bytes, size), LM_FORMAT_POOL_MSGPACK);
    /* The envelope: fixarray(3), "LMPOOL", version 1, a map of 4 entries. */
    static const unsigned char head[] = {0x93, 0xa6, 'L', 'M', 'P', 'O', 'O', 'L', 0x01, 0x84};
    ck_assert_mem_eq(bytes, head, sizeof head);
    lm_pool *back = empty_pool();
    ck_assert_int_eq(lm_pool_load_msgpack_buffer(back, "small", bytes, size, NULL), LM_OK);
    assert_pools_equal(pool, back);
    ck_assert_double_eq(lm_pool_value(back, 0, LM_OFFERS, 5), 4.9406564584124654e-324);
    free(bytes);
    lm_pool_free(back);
    lm_pool_free(pool);
    remove_test_folder();
}
END_TEST

START_TEST(csv_to_msgpack_gives_the_same_participants)
{
    make_test_folder();
    lm_pool *pool = empty_pool();
    ck_assert_int_eq(lm_pool_load_sample(pool), LM_OK);
    ck_assert_int_eq(lm_pool_save_csv(pool, test_path("sample.csv")), LM_OK);
    lm_pool *from_csv = empty_pool();
    ck_assert_int_eq(lm_pool_load_file(from_csv, test_path("sample.csv"), NULL), LM_OK);
    ck_assert_uint_gt(lm_pool_size(from_csv), 10);
    ck_assert_int_eq(lm_pool_save_msgpack(from_csv, test_path("sample.mp"), NULL), LM_OK);
    lm_pool *from_msgpack = empty_pool();
    ck_assert_int_eq(lm_pool_load_file(from_msgpack, test_path("sample.mp"), NULL), LM_OK);
    assert_pools_equal(from_csv, from_msgpack);
    lm_pool_free(from_msgpack);
    lm_pool_free(from_csv);
    lm_pool_free(pool);
    remove_test_folder();
}
END_TEST

START_TEST(every_truncation_is_refused)
{
    make_test_folder();
    lm_pool *pool = awkward_pool();
    size_t size;
    unsigned char *bytes = saved_bytes(pool, &size);
    lm_pool *back = empty_pool();
    for (size_t length = 0; length < size; length++) {
        /* A copy of exactly `length` bytes, so ASan sees any overread. */
        unsigned char *copy = malloc(length ? length : 1);
        memcpy(copy, bytes, length);
        int status = lm_pool_load_msgpack_buffer(back, "cut", copy, length, NULL);
        ck_assert_msg(status == LM_E_PARSE || status == LM_E_FORMAT,
                      "length %zu: status %d (%s)", length, status, lm_errmsg(back));
        ck_assert_uint_eq(lm_pool_size(back), 0);
        ck_assert_uint_eq(lm_pool_venue_count(back), 0);
        ck_assert_msg(strncmp(lm_errmsg(back), "cut: offset ", 12) == 0, "%s",
                      lm_errmsg(back));
        free(copy);
    }
    ck_assert_int_eq(lm_pool_load_msgpack_buffer(back, "cut", bytes, 5, NULL), LM_E_PARSE);
    ck_assert_str_eq(lm_errmsg(back), "cut: offset 0: truncated: the file ends inside its "
                                      "9-byte header");
    /* Cut inside the participants: the message says where and why. */
    ck_assert_int_eq(lm_pool_load_msgpack_buffer(back, "cut", bytes, size - 40, NULL),
                     LM_E_PARSE);
    ck_assert_ptr_nonnull(strstr(lm_errmsg(back), "truncated"));
    free(bytes);
    lm_pool_free(back);
    lm_pool_free(pool);
    remove_test_folder();
}
END_TEST

static int load_bytes(lm_pool *pool, const unsigned char *bytes, size_t size)
{
    return lm_pool_load_msgpack_buffer(pool, "hostile", bytes, size, NULL);
}

/* An envelope followed by `body`, as a buffer. */
static size_t envelope(unsigned char *out, const unsigned char *body, size_t body_size)
{
    static const unsigned char head[] = {0x93, 0xa6, 'L', 'M', 'P', 'O', 'O', 'L', 0x01};
    memcpy(out, head, sizeof head);
    memcpy(out + sizeof head, body, body_size);
    return sizeof head + body_size;
}

START_TEST(hostile_lengths_fail_fast_without_allocating)
{
    lm_pool *pool = empty_pool();
    unsigned char buffer[64];
    static const unsigned char array32[] = {0xdd, 0xff, 0x00, 0x00, 0x00};
    lm__alloc_fail_at(0);
    ck_assert_int_eq(load_bytes(pool, array32, sizeof array32), LM_E_FORMAT);
    ck_assert_str_eq(lm_errmsg(pool), "hostile: offset 0: not a libmatch pool file (no "
                                      "'LMPOOL' header)");
    /* The same lengths where the body map should be, and inside it. */
    static const unsigned char map32[] = {0xdf, 0xff, 0xff, 0xff, 0xff};
    ck_assert_int_eq(load_bytes(pool, buffer, envelope(buffer, map32, sizeof map32)),
                     LM_E_PARSE);
    ck_assert_str_eq(lm_errmsg(pool), "hostile: offset 9: truncated or damaged: a map of "
                                      "4294967295 entries cannot fit in the 0 bytes that "
                                      "remain");
    static const unsigned char participants[] = {0x81, 0xa8, 't', 'a', 'x', 'o', 'n', 'o', 'm',
                                                 'y', 0xdd, 0xff, 0x00, 0x00, 0x00};
    ck_assert_int_eq(load_bytes(pool, buffer, envelope(buffer, participants, sizeof participants)),
                     LM_E_PARSE);
    ck_assert_str_eq(lm_errmsg(pool), "hostile: offset 19: truncated or damaged: an array of "
                                      "4278190080 elements cannot fit in the 0 bytes that "
                                      "remain");
    static const unsigned char str32[] = {0x81, 0xdb, 0x7f, 0xff, 0xff, 0xff, 0xc0};
    ck_assert_int_eq(load_bytes(pool, buffer, envelope(buffer, str32, sizeof str32)),
                     LM_E_PARSE);
    ck_assert_ptr_nonnull(strstr(lm_errmsg(pool), "a string of 2147483647 bytes cannot fit"));
    static const unsigned char bin32[] = {0x81, 0xa1, 'x', 0xc6, 0xff, 0xff, 0xff, 0xff};
    ck_assert_int_eq(load_bytes(pool, buffer, envelope(buffer, bin32, sizeof bin32)),
                     LM_E_PARSE);
    ck_assert_ptr_nonnull(strstr(lm_errmsg(pool), "binary data of 4294967295 bytes"));
    static const unsigned char ext32[] = {0x81, 0xa1, 'x', 0xc9, 0xff, 0xff, 0xff, 0xf0, 0x01};
    ck_assert_int_eq(load_bytes(pool, buffer, envelope(buffer, ext32, sizeof ext32)),
                     LM_E_PARSE);
    static const unsigned char reserved[] = {0x81, 0xa1, 'x', 0xc1};
    ck_assert_int_eq(load_bytes(pool, buffer, envelope(buffer, reserved, sizeof reserved)),
                     LM_E_PARSE);
    ck_assert_str_eq(lm_errmsg(pool), "hostile: offset 12: byte 0xc1 is not valid msgpack");
    /* Nothing above asked for more than a small scratch buffer. */
    ck_assert_int_le(lm__alloc_fail_at(0), 12);
    ck_assert_uint_eq(lm_pool_size(pool), 0);
    lm_pool_free(pool);
}
END_TEST

START_TEST(deep_nesting_is_capped)
{
    lm_pool *pool = empty_pool();
    enum { DEPTH = 100000 };
    unsigned char *bytes = malloc(DEPTH + 32);
    static const unsigned char key[] = {0x81, 0xa1, 'x'};
    size_t size = envelope(bytes, key, sizeof key);
    memset(bytes + size, 0x91, DEPTH);
    bytes[size + DEPTH] = 0xc0;
    ck_assert_int_eq(load_bytes(pool, bytes, size + DEPTH + 1), LM_E_PARSE);
    ck_assert_str_eq(lm_errmsg(pool), "hostile: offset 28: nested deeper than 16 levels");
    /* 16 levels are fine: the unknown key is skipped, then the taxonomy is
     * missing. */
    size = envelope(bytes, key, sizeof key);
    memset(bytes + size, 0x91, 15);
    bytes[size + 15] = 0xc0;
    ck_assert_int_eq(load_bytes(pool, bytes, size + 16), LM_E_PARSE);
    ck_assert_str_eq(lm_errmsg(pool), "hostile: offset 28: the file has no taxonomy");
    free(bytes);
    lm_pool_free(pool);
}
END_TEST

START_TEST(format_problems_have_clear_messages)
{
    make_test_folder();
    lm_pool *pool = awkward_pool();
    size_t size;
    unsigned char *bytes = saved_bytes(pool, &size);
    lm_pool *back = empty_pool();
    /* Another version. */
    bytes[8] = 0x02;
    ck_assert_int_eq(load_bytes(back, bytes, size), LM_E_FORMAT);
    ck_assert_str_eq(lm_errmsg(back), "hostile: offset 8: unsupported LMPOOL format version 2 "
                                      "(this library reads 1)");
    bytes[8] = 0x01;
    /* Data after the end. */
    unsigned char *longer = malloc(size + 1);
    memcpy(longer, bytes, size);
    longer[size] = 0xc0;
    ck_assert_int_eq(load_bytes(back, longer, size + 1), LM_E_PARSE);
    ck_assert_msg(strstr(lm_errmsg(back), "1 bytes of data after the end of the pool"), "%s",
                  lm_errmsg(back));
    free(longer);
    /* Not msgpack at all. */
    ck_assert_int_eq(load_bytes(back, (const unsigned char *)"id,role\n", 8), LM_E_FORMAT);
    /* Loaded twice into one pool: duplicates, and the pool keeps the first. */
    ck_assert_int_eq(load_bytes(back, bytes, size), LM_OK);
    ck_assert_int_eq(load_bytes(back, bytes, size), LM_E_DUPLICATE);
    ck_assert_ptr_nonnull(strstr(lm_errmsg(back), "duplicate id 'zoë-1'"));
    ck_assert_uint_eq(lm_pool_size(back), 2);
    ck_assert_uint_eq(lm_pool_venue_count(back), 1);
    free(bytes);
    lm_pool_free(back);
    lm_pool_free(pool);
    remove_test_folder();
}
END_TEST

START_TEST(another_taxonomy_is_refused)
{
    make_test_folder();
    lm_taxonomy *taxonomy = NULL;
    ck_assert_int_eq(lm_taxonomy_new(&taxonomy), LM_OK);
    static const char topics[] = "key,parent,label_en,label_nl,synonyms\n"
                                 "music,,Music,Muziek,\n"
                                 "guitar,music,Guitar,Gitaar,\n"
                                 "cooking,,Cooking,Koken,\n";
    ck_assert_int_eq(lm_taxonomy_load_buffer(taxonomy, "t.csv", topics, sizeof topics - 1),
                     LM_OK);
    lm_pool *small = NULL;
    ck_assert_int_eq(lm_pool_new(taxonomy, &small), LM_OK);
    size_t p;
    ck_assert_int_eq(lm_pool_add(small, "a", LM_NEWCOMER, &p), LM_OK);
    ck_assert_int_eq(lm_pool_set_tags(small, p, LM_INTERESTS, "gitaar"), LM_OK);
    const char *path = test_path("small.mp");
    ck_assert_int_eq(lm_pool_save_msgpack(small, path, NULL), LM_OK);

    lm_pool *default_pool = empty_pool();
    ck_assert_int_eq(lm_pool_load_file(default_pool, path, NULL), LM_E_FORMAT);
    ck_assert_ptr_nonnull(strstr(lm_errmsg(default_pool), "the file uses a taxonomy of 3 "
                                                          "topics, the pool one of"));
    /* Same count, other keys. */
    lm_taxonomy *swapped = NULL;
    ck_assert_int_eq(lm_taxonomy_new(&swapped), LM_OK);
    static const char other[] = "key,parent,label_en,label_nl,synonyms\n"
                                "music,,Music,Muziek,\n"
                                "singing,music,Singing,Zingen,\n"
                                "cooking,,Cooking,Koken,\n";
    ck_assert_int_eq(lm_taxonomy_load_buffer(swapped, "o.csv", other, sizeof other - 1), LM_OK);
    lm_pool *other_pool = NULL;
    ck_assert_int_eq(lm_pool_new(swapped, &other_pool), LM_OK);
    ck_assert_int_eq(lm_pool_load_file(other_pool, path, NULL), LM_E_FORMAT);
    ck_assert_msg(strstr(lm_errmsg(other_pool), "topic 1 is 'guitar' in the file, 'singing' in "
                                                "the pool"),
                  "%s", lm_errmsg(other_pool));
    ck_assert_uint_eq(lm_pool_size(other_pool), 0);
    /* The right taxonomy reads it. */
    lm_pool *same = NULL;
    ck_assert_int_eq(lm_pool_new(taxonomy, &same), LM_OK);
    ck_assert_int_eq(lm_pool_load_file(same, path, NULL), LM_OK);
    assert_pools_equal(small, same);
    lm_pool_free(same);
    lm_pool_free(other_pool);
    lm_taxonomy_free(swapped);
    lm_pool_free(default_pool);
    lm_pool_free(small);
    lm_taxonomy_free(taxonomy);
    remove_test_folder();
}
END_TEST

START_TEST(failed_allocations_leave_the_pool_unchanged)
{
    make_test_folder();
    lm_pool *pool = generated_pool(30, 2);
    size_t size;
    unsigned char *bytes = saved_bytes(pool, &size);
    lm_pool *back = empty_pool();
    int failures = 0;
    for (long n = 1;; n++) {
        lm__alloc_fail_at(n);
        int status = load_bytes(back, bytes, size);
        lm__alloc_fail_at(0);
        if (status == LM_OK)
            break;
        ck_assert_int_eq(status, LM_E_NOMEM);
        ck_assert_uint_eq(lm_pool_size(back), 0);
        ck_assert_uint_eq(lm_pool_venue_count(back), 0);
        failures++;
    }
    ck_assert_int_gt(failures, 30);
    assert_pools_equal(pool, back);
    free(bytes);
    lm_pool_free(back);
    lm_pool_free(pool);
    remove_test_folder();
}
END_TEST

START_TEST(failed_saves_keep_the_old_file)
{
    make_test_folder();
    lm_pool *old_pool = awkward_pool();
    lm_pool *new_pool = generated_pool(50, 0);
    const char *path = test_path("pool.mp");
    ck_assert_int_eq(lm_pool_save_msgpack(old_pool, path, NULL), LM_OK);
    size_t old_size;
    unsigned char *old_bytes = read_all(path, &old_size);
    for (int step = 1; step <= 5; step++) {
        lm__atomic_fail_at(step);
        ck_assert_int_eq(lm_pool_save_msgpack(new_pool, path, NULL), LM_E_IO);
        ck_assert_ptr_nonnull(strstr(lm_errmsg(new_pool), "pool.mp"));
        size_t size;
        unsigned char *bytes = read_all(path, &size);
        ck_assert_uint_eq(size, old_size);
        ck_assert_mem_eq(bytes, old_bytes, size);
        free(bytes);
        ck_assert_int_eq(folder_entries(), 1); /* no temporary left behind */
    }
    /* Out of memory in the middle of writing. */
    for (long n = 1; n < 4; n++) {
        lm__alloc_fail_at(n);
        int status = lm_pool_save_msgpack(new_pool, path, NULL);
        lm__alloc_fail_at(0);
        ck_assert_int_eq(status, LM_E_NOMEM);
        ck_assert_int_eq(folder_entries(), 1);
    }
    ck_assert_int_eq(lm_pool_save_msgpack(new_pool, path, NULL), LM_OK);
    lm_pool *back = empty_pool();
    ck_assert_int_eq(lm_pool_load_file(back, path, NULL), LM_OK);
    assert_pools_equal(new_pool, back);
    free(old_bytes);
    lm_pool_free(back);
    lm_pool_free(new_pool);
    lm_pool_free(old_pool);
    remove_test_folder();
}
END_TEST

/* ---- results ---------------------------------------------------------------------- */

static lm_result *formed(const lm_pool *pool)
{
    lm_params *params = NULL;
    ck_assert_int_eq(lm_params_new(&params), LM_OK);
    ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_EFFORT, 2), LM_OK);
    lm_result *result = NULL;
    ck_assert_int_eq(lm_result_new(&result), LM_OK);
    ck_assert_int_eq(lm_groups_form(pool, params, result), LM_OK);
    lm_params_free(params);
    return result;
}

START_TEST(group_results_round_trip)
{
    make_test_folder();
    lm_pool *pool = generated_pool(300, 8);
    lm_result *result = formed(pool);
    ck_assert_uint_gt(lm_result_group_count(result), 5);
    const char *path = test_path("groups.mp");
    ck_assert_int_eq(lm_result_save_msgpack(result, pool, path, NULL), LM_OK);
    lm_format format;
    ck_assert_int_eq(lm_format_detect_file(path, &format), LM_OK);
    ck_assert_int_eq(format, LM_FORMAT_RESULT_MSGPACK);
    lm_result *back = NULL;
    ck_assert_int_eq(lm_result_new(&back), LM_OK);
    ck_assert_int_eq(lm_result_load_file(back, pool, path, NULL), LM_OK);
    assert_results_equal(result, back);
    /* Loading again replaces the content rather than appending. */
    ck_assert_int_eq(lm_result_load_file(back, pool, path, NULL), LM_OK);
    assert_results_equal(result, back);
    /* Ids are needed to read it, and a pool file is not a result. */
    ck_assert_int_eq(lm_result_load_file(back, NULL, path, NULL), LM_E_INVALID);
    ck_assert_ptr_nonnull(strstr(lm_errmsg(back), "give the pool it was saved with"));
    assert_results_equal(result, back);
    ck_assert_int_eq(lm_pool_save_msgpack(pool, test_path("pool.mp"), NULL), LM_OK);
    ck_assert_int_eq(lm_result_load_file(back, pool, test_path("pool.mp"), NULL), LM_E_FORMAT);
    lm_pool *as_pool = empty_pool();
    ck_assert_int_eq(lm_pool_load_file(as_pool, path, NULL), LM_E_FORMAT);
    ck_assert_ptr_nonnull(strstr(lm_errmsg(as_pool), "groups.mp' is a result file, not a pool"));
    lm_pool_free(as_pool);
    lm_result_free(back);
    lm_result_free(result);
    lm_pool_free(pool);
    remove_test_folder();
}
END_TEST

START_TEST(evaluations_and_partitions_round_trip)
{
    make_test_folder();
    lm_pool *pool = generated_pool(40, 0);
    lm_grouping *grouping = NULL;
    ck_assert_int_eq(lm_grouping_new(&grouping), LM_OK);
    for (size_t i = 0; i < 12; i++)
        ck_assert_int_eq(lm_grouping_assign(grouping, i, i / 5), LM_OK);
    lm_params *params = NULL;
    ck_assert_int_eq(lm_params_new(&params), LM_OK);
    lm_result *evaluated = NULL;
    ck_assert_int_eq(lm_result_new(&evaluated), LM_OK);
    ck_assert_int_eq(lm_groups_evaluate(pool, params, grouping, evaluated), LM_OK);
    ck_assert_uint_gt(lm_result_violation_count(evaluated), 0);
    ck_assert_int_eq(lm_result_save_msgpack(evaluated, pool, test_path("eval.mp"), NULL), LM_OK);
    lm_result *back = NULL;
    ck_assert_int_eq(lm_result_new(&back), LM_OK);
    ck_assert_int_eq(lm_result_load_file(back, pool, test_path("eval.mp"), NULL), LM_OK);
    assert_results_equal(evaluated, back);

    /* A partition has no pool: items and groups by index. */
    enum { N = 9 };
    double weights[N * N];
    for (size_t i = 0; i < N; i++)
        for (size_t j = 0; j < N; j++)
            weights[i * N + j] = (double)((i * 7 + j * 7) % 5) / 3.0;
    size_t lower[3] = {3, 3, 3}, upper[3] = {3, 3, 3};
    lm_result *partition = NULL;
    ck_assert_int_eq(lm_result_new(&partition), LM_OK);
    ck_assert_int_eq(lm_partition_solve(N, 3, weights, lower, upper, NULL, partition), LM_OK);
    ck_assert_int_eq(lm_result_save_msgpack(partition, NULL, test_path("part.mp"), NULL), LM_OK);
    ck_assert_int_eq(lm_result_load_file(back, NULL, test_path("part.mp"), NULL), LM_OK);
    assert_results_equal(partition, back);
    ck_assert_uint_eq(lm_result_item_count(back), N);

    lm_result_free(partition);
    lm_result_free(back);
    lm_result_free(evaluated);
    lm_params_free(params);
    lm_grouping_free(grouping);
    lm_pool_free(pool);
    remove_test_folder();
}
END_TEST

START_TEST(truncated_results_are_refused)
{
    make_test_folder();
    lm_pool *pool = generated_pool(60, 2);
    lm_result *result = formed(pool);
    const char *path = test_path("r.mp");
    ck_assert_int_eq(lm_result_save_msgpack(result, pool, path, NULL), LM_OK);
    size_t size;
    unsigned char *bytes = read_all(path, &size);
    lm_result *back = NULL;
    ck_assert_int_eq(lm_result_new(&back), LM_OK);
    ck_assert_int_eq(lm_result_load_file(back, pool, path, NULL), LM_OK);
    for (size_t length = 0; length < size; length++) {
        unsigned char *copy = malloc(length ? length : 1);
        memcpy(copy, bytes, length);
        int status = lm_result_load_msgpack_buffer(back, pool, "cut", copy, length, NULL);
        ck_assert_msg(status == LM_E_PARSE || status == LM_E_FORMAT, "length %zu: %d", length,
                      status);
        free(copy);
    }
    /* Every failure left the last good content in place. */
    assert_results_equal(result, back);
    free(bytes);
    lm_result_free(back);
    lm_result_free(result);
    lm_pool_free(pool);
    remove_test_folder();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("msgpack");
    TCase *tc = tcase_create("msgpack");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, generated_pool_round_trips_bit_for_bit);
    tcase_add_test(tc, awkward_doubles_round_trip);
    tcase_add_test(tc, csv_to_msgpack_gives_the_same_participants);
    tcase_add_test(tc, every_truncation_is_refused);
    tcase_add_test(tc, hostile_lengths_fail_fast_without_allocating);
    tcase_add_test(tc, deep_nesting_is_capped);
    tcase_add_test(tc, format_problems_have_clear_messages);
    tcase_add_test(tc, another_taxonomy_is_refused);
    tcase_add_test(tc, failed_allocations_leave_the_pool_unchanged);
    tcase_add_test(tc, failed_saves_keep_the_old_file);
    tcase_add_test(tc, group_results_round_trip);
    tcase_add_test(tc, evaluations_and_partitions_round_trip);
    tcase_add_test(tc, truncated_results_are_refused);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
