/* Hardened edges of the readers (issue 19): a count claimed in a file costs
 * memory only as its elements are read; one venue capacity limit holds in
 * every format; control characters from input never reach a message raw;
 * the CSV reader leaves no copy of its input in freed memory. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libmatch/libmatch.h"
#include "common/common_internal.h"
#include "model/result_internal.h"

#define ITEMS 300000

/* A saved partition result of ITEMS items, all in group 0 (one byte each). */
static unsigned char *items_file(size_t *size)
{
    lm_result *result = NULL;
    ck_assert_int_eq(lm_result_new(&result), LM_OK);
    ck_assert_int_eq(lm__result_set_items(result, ITEMS), LM_OK);
    for (size_t k = 0; k < ITEMS; k++)
        result->item_group[k] = 0;
    char path[] = "/tmp/lm_hardening_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(lm_result_save_msgpack(result, NULL, path, NULL), LM_OK);
    lm_result_free(result);
    FILE *file = fopen(path, "rb");
    ck_assert_ptr_nonnull(file);
    unsigned char *data = malloc(2 * ITEMS);
    *size = fread(data, 1, 2 * ITEMS, file);
    fclose(file);
    unlink(path);
    ck_assert_uint_gt(*size, ITEMS);
    return data;
}

/* The offset of the first item: after the array32 header 0xdd + count. */
static size_t first_item(const unsigned char *data, size_t size)
{
    const unsigned char header[] = {0xdd, (ITEMS >> 24) & 0xff, (ITEMS >> 16) & 0xff,
                                    (ITEMS >> 8) & 0xff, ITEMS & 0xff};
    for (size_t k = 0; k + sizeof header < size; k++)
        if (memcmp(data + k, header, sizeof header) == 0)
            return k + sizeof header;
    ck_abort_msg("no items array in the saved result");
    return 0;
}

START_TEST(claimed_counts_cost_memory_only_when_read)
{
    size_t size;
    unsigned char *data = items_file(&size);
    size_t at = first_item(data, size);
    lm_result *result = NULL;
    ck_assert_int_eq(lm_result_new(&result), LM_OK);
    /* the whole file: eight bytes per item is what a valid file needs */
    lm__alloc_fail_at(0);
    ck_assert_int_eq(lm_result_load_msgpack_buffer(result, NULL, "r", data, size, NULL), LM_OK);
    ck_assert_uint_eq(lm_result_item_count(result), ITEMS);
    ck_assert_uint_le(lm__alloc_largest(), 16 * size);
    /* the first item broken: 300000 items claimed, none read; a reader that
     * sized its array to the claim asked for 2.4 MB here */
    data[at] = 0xc1; /* never used in msgpack */
    lm__alloc_fail_at(0);
    ck_assert_int_eq(lm_result_load_msgpack_buffer(result, NULL, "r", data, size, NULL),
                     LM_E_PARSE);
    ck_assert_uint_le(lm__alloc_largest(), 4096);
    ck_assert_uint_eq(lm_result_item_count(result), ITEMS); /* all or nothing */
    /* broken in the middle: memory follows what was read */
    data[at] = 0;
    data[at + ITEMS / 2] = 0xc1;
    lm__alloc_fail_at(0);
    ck_assert_int_eq(lm_result_load_msgpack_buffer(result, NULL, "r", data, size, NULL),
                     LM_E_PARSE);
    ck_assert_uint_le(lm__alloc_largest(), 16 * (ITEMS / 2) + 4096);
    lm__alloc_fail_at(0);
    lm_result_free(result);
    free(data);
}
END_TEST

/* The capacity limit is the same for the API, CSV and msgpack, so a pool
 * that loads in one format saves and loads back in every other. */
START_TEST(one_capacity_limit_for_every_format)
{
    ck_assert_uint_eq(lm_venue_capacity_max(), LM_VENUE_CAPACITY_MAX);
    lm_pool *pool = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
    size_t index;
    ck_assert_int_eq(lm_pool_add_venue(pool, "big", 52.1, 5.1, 1, LM_VENUE_CAPACITY_MAX + 1,
                                       false, &index),
                     LM_E_INVALID);
    ck_assert_ptr_nonnull(strstr(lm_errmsg(pool), "is not in 1..1000000"));
    ck_assert_int_eq(lm_pool_add_venue(pool, "big", 52.1, 5.1, 1, LM_VENUE_CAPACITY_MAX, false,
                                       &index),
                     LM_OK);
    char csv[] = "/tmp/lm_capacity_XXXXXX";
    int fd = mkstemp(csv);
    ck_assert_int_ge(fd, 0);
    close(fd);
    char packed[sizeof csv + 4];
    snprintf(packed, sizeof packed, "%s.mp", csv);
    ck_assert_int_eq(lm_pool_save_venues_csv(pool, csv), LM_OK);
    ck_assert_int_eq(lm_pool_save_msgpack(pool, packed, NULL), LM_OK);
    lm_pool *from_csv = NULL, *from_msgpack = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &from_csv), LM_OK);
    ck_assert_int_eq(lm_pool_new(NULL, &from_msgpack), LM_OK);
    ck_assert_int_eq(lm_pool_load_venues_csv(from_csv, csv), LM_OK);
    ck_assert_int_eq(lm_pool_load_file(from_msgpack, packed, NULL), LM_OK);
    ck_assert_uint_eq(lm_pool_venue_capacity(from_csv, 0), LM_VENUE_CAPACITY_MAX);
    ck_assert_uint_eq(lm_pool_venue_capacity(from_msgpack, 0), LM_VENUE_CAPACITY_MAX);
    /* one more in a msgpack file is refused like in CSV */
    FILE *file = fopen(packed, "rb");
    unsigned char bytes[4096];
    size_t size = fread(bytes, 1, sizeof bytes, file);
    fclose(file);
    const unsigned char million[] = {0xce, 0x00, 0x0f, 0x42, 0x40}; /* uint32 1000000 */
    size_t hits = 0;
    for (size_t k = 0; k + sizeof million <= size; k++)
        if (memcmp(bytes + k, million, sizeof million) == 0) {
            bytes[k + 4] = 0x41; /* 1000001 */
            hits++;
        }
    ck_assert_uint_eq(hits, 1);
    lm_pool *refused = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &refused), LM_OK);
    ck_assert_int_eq(lm_pool_load_msgpack_buffer(refused, "pool.mp", bytes, size, NULL),
                     LM_E_PARSE);
    ck_assert_ptr_nonnull(strstr(lm_errmsg(refused), "capacity 1000001 is not in 1..1000000"));
    ck_assert_uint_eq(lm_pool_venue_count(refused), 0);
    unlink(csv);
    unlink(packed);
    lm_pool_free(refused);
    lm_pool_free(from_msgpack);
    lm_pool_free(from_csv);
    lm_pool_free(pool);
}
END_TEST

static bool has_control(const char *text)
{
    for (const unsigned char *c = (const unsigned char *)text; *c; c++)
        if (*c < 0x20 || *c == 0x7f || (c[0] == 0xc2 && c[1] >= 0x80 && c[1] <= 0x9f))
            return true;
    return false;
}

/* An id, a tag and a column name carrying terminal escape sequences: every
 * message shows them as \xNN. */
START_TEST(control_characters_are_escaped_in_messages)
{
    static const char pool_csv[] = "id,role,interests,\x1b]0;owned\x07\n"
                                   "a\x1b[2J,newcomer,gitaar;\x1b[31mred\xc2\x9b" "1m,x\n"
                                   "b,nobody,,\n";
    lm_pool *pool = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
    ck_assert_int_eq(lm_pool_load_csv_buffer(pool, "pool\x1b.csv", pool_csv,
                                             sizeof pool_csv - 1),
                     LM_E_PARSE);
    const char *message = lm_errmsg(pool);
    ck_assert_msg(!has_control(message), "raw control character in '%s'", message);
    ck_assert_ptr_nonnull(strstr(message, "pool\\x1b.csv"));
    /* without the bad row it loads, with a warning for the tag */
    static const char good_csv[] = "id,role,interests,\x1b]0;owned\x07\n"
                                   "a,newcomer,gitaar;\x1b[31mred\xc2\x9b" "1m,x\n";
    ck_assert_int_eq(lm_pool_load_csv_buffer(pool, "pool.csv", good_csv, sizeof good_csv - 1),
                     LM_OK);
    ck_assert_uint_ge(lm_pool_warning_count(pool), 1);
    bool saw_tag = false;
    for (size_t k = 0; k < lm_pool_warning_count(pool); k++) {
        ck_assert(!has_control(lm_pool_warning_message(pool, k)));
        ck_assert(!has_control(lm_pool_warning_column(pool, k)));
        saw_tag |= strstr(lm_pool_warning_message(pool, k), "\\x1b[31mred\\xc2\\x9b1m") != NULL;
    }
    ck_assert(saw_tag);
    /* an id with a control character is refused, and named escaped */
    size_t index;
    ck_assert_int_ne(lm_pool_add(pool, "c\x1b[2J", LM_RESIDENT, &index), LM_OK);
    ck_assert(!has_control(lm_errmsg(pool)));
    lm_pool_free(pool);

    char out[64];
    ck_assert_uint_eq(lm__escape_controls(out, sizeof out, "a\tb\x7f\xc2\x85\xc3\xa9"), 20);
    ck_assert_str_eq(out, "a\\x09b\\x7f\\xc2\\x85\xc3\xa9");
    ck_assert_uint_eq(lm__escape_controls(out, 6, "ab\x1b"), 2); /* never half an escape */
    ck_assert_str_eq(out, "ab");
}
END_TEST

/* The CSV reader's field buffer holds personal data: it is wiped when it
 * grows and when it is freed, like the msgpack path's buffers. */
START_TEST(csv_input_is_not_left_in_freed_memory)
{
    char csv[8192];
    int length = snprintf(csv, sizeof csv, "id,role,interests,notes\n");
    for (int k = 0; k < 40; k++)
        length += snprintf(csv + length, sizeof csv - (size_t)length,
                           "person-%d,newcomer,gitaar,MARKER-c0ffee-%d and a long note to make "
                           "the field buffer grow\n",
                           k, k);
    lm_pool *pool = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
    lm__alloc_watch_freed("MARKER-c0ffee");
    ck_assert_int_eq(lm_pool_load_csv_buffer(pool, "pool.csv", csv, (size_t)length), LM_OK);
    long hits = lm__alloc_watch_freed(NULL);
    ck_assert_int_eq(hits, 0);
    /* and the hook does see an unwiped block */
    lm__alloc_watch_freed("MARKER-c0ffee");
    lm__free(lm__strdup("MARKER-c0ffee"));
    ck_assert_int_eq(lm__alloc_watch_freed(NULL), 1);
    lm_pool_free(pool);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hardening");
    TCase *tc = tcase_create("hardening");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, claimed_counts_cost_memory_only_when_read);
    tcase_add_test(tc, one_capacity_limit_for_every_format);
    tcase_add_test(tc, control_characters_are_escaped_in_messages);
    tcase_add_test(tc, csv_input_is_not_left_in_freed_memory);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
