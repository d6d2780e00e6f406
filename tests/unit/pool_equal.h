/* Shared by the persistence tests: field-by-field, bit-exact comparison of
 * two pools and two results through the public API, plus small file helpers. */
#ifndef TEST_POOL_EQUAL_H
#define TEST_POOL_EQUAL_H

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libmatch/libmatch.h"

static inline void assert_same_double(double a, double b)
{
    ck_assert_msg(memcmp(&a, &b, sizeof a) == 0, "%.17g and %.17g differ in their bits", a, b);
}

static inline void assert_pools_equal(const lm_pool *a, const lm_pool *b)
{
    size_t topics = lm_taxonomy_topic_count(lm_pool_taxonomy(a));
    ck_assert_uint_eq(topics, lm_taxonomy_topic_count(lm_pool_taxonomy(b)));
    ck_assert_uint_eq(lm_pool_size(a), lm_pool_size(b));
    for (size_t i = 0; i < lm_pool_size(a); i++) {
        ck_assert_str_eq(lm_pool_id(a, i), lm_pool_id(b, i));
        ck_assert_int_eq(lm_pool_role(a, i), lm_pool_role(b, i));
        for (int v = 0; v < 3; v++)
            for (size_t t = 0; t < topics; t++)
                assert_same_double(lm_pool_value(a, i, (lm_vector)v, t),
                                   lm_pool_value(b, i, (lm_vector)v, t));
        ck_assert_uint_eq(lm_pool_language_mask(a, i), lm_pool_language_mask(b, i));
        ck_assert_uint_eq(lm_pool_availability_mask(a, i), lm_pool_availability_mask(b, i));
        double la = 0, lo = 0, ka = 0, lb = 0, mb = 0, kb = 0;
        bool has_a = lm_pool_location(a, i, &la, &lo, &ka);
        bool has_b = lm_pool_location(b, i, &lb, &mb, &kb);
        ck_assert_int_eq(has_a, has_b);
        if (has_a) {
            assert_same_double(la, lb);
            assert_same_double(lo, mb);
            assert_same_double(ka, kb);
        }
        ck_assert_int_eq(lm_pool_step_free(a, i), lm_pool_step_free(b, i));
        ck_assert_int_eq(lm_pool_host(a, i), lm_pool_host(b, i));
        ck_assert_uint_eq(lm_pool_line(a, i), lm_pool_line(b, i));
    }
    ck_assert_uint_eq(lm_pool_venue_count(a), lm_pool_venue_count(b));
    for (size_t v = 0; v < lm_pool_venue_count(a); v++) {
        ck_assert_str_eq(lm_pool_venue_id(a, v), lm_pool_venue_id(b, v));
        double la, lo, lb, mb;
        lm_pool_venue_location(a, v, &la, &lo);
        lm_pool_venue_location(b, v, &lb, &mb);
        assert_same_double(la, lb);
        assert_same_double(lo, mb);
        ck_assert_uint_eq(lm_pool_venue_open_mask(a, v), lm_pool_venue_open_mask(b, v));
        ck_assert_uint_eq(lm_pool_venue_capacity(a, v), lm_pool_venue_capacity(b, v));
        ck_assert_int_eq(lm_pool_venue_step_free(a, v), lm_pool_venue_step_free(b, v));
    }
}

static inline void assert_results_equal(const lm_result *a, const lm_result *b)
{
    assert_same_double(lm_result_total(a), lm_result_total(b));
    ck_assert_int_eq(lm_result_optimality(a), lm_result_optimality(b));
    ck_assert_uint_eq(lm_result_group_count(a), lm_result_group_count(b));
    for (size_t g = 0; g < lm_result_group_count(a); g++) {
        ck_assert_uint_eq(lm_result_group_size(a, g), lm_result_group_size(b, g));
        for (size_t k = 0; k < lm_result_group_size(a, g); k++)
            ck_assert_uint_eq(lm_result_group_member(a, g, k), lm_result_group_member(b, g, k));
        ck_assert_uint_eq(lm_result_group_theme(a, g), lm_result_group_theme(b, g));
        ck_assert_int_eq(lm_result_group_slot(a, g), lm_result_group_slot(b, g));
        ck_assert_int_eq(lm_result_group_venue(a, g), lm_result_group_venue(b, g));
        ck_assert_int_eq(lm_result_group_language(a, g), lm_result_group_language(b, g));
        for (int role = 0; role < 2; role++)
            ck_assert_int_eq(lm_result_group_cohost(a, g, (lm_role)role),
                             lm_result_group_cohost(b, g, (lm_role)role));
        for (int t = 0; t <= LM_TERM_TOTAL; t++)
            assert_same_double(lm_result_group_score(a, g, (lm_term)t),
                               lm_result_group_score(b, g, (lm_term)t));
    }
    ck_assert_uint_eq(lm_result_unassigned_count(a), lm_result_unassigned_count(b));
    for (size_t k = 0; k < lm_result_unassigned_count(a); k++) {
        ck_assert_uint_eq(lm_result_unassigned(a, k), lm_result_unassigned(b, k));
        ck_assert_int_eq(lm_result_unassigned_reason(a, k), lm_result_unassigned_reason(b, k));
    }
    ck_assert_uint_eq(lm_result_violation_count(a), lm_result_violation_count(b));
    for (size_t k = 0; k < lm_result_violation_count(a); k++) {
        ck_assert_int_eq(lm_result_violation_kind(a, k), lm_result_violation_kind(b, k));
        ck_assert_uint_eq(lm_result_violation_group(a, k), lm_result_violation_group(b, k));
        ck_assert_int_eq(lm_result_violation_participant(a, k),
                         lm_result_violation_participant(b, k));
        ck_assert_str_eq(lm_result_violation_message(a, k), lm_result_violation_message(b, k));
    }
    ck_assert_uint_eq(lm_result_item_count(a), lm_result_item_count(b));
    for (size_t k = 0; k < lm_result_item_count(a); k++)
        ck_assert_int_eq(lm_result_item_group(a, k), lm_result_item_group(b, k));
}

/* A fresh private folder per test; paths inside it in a static buffer. */
static char test_folder[256];

static inline void make_test_folder(void)
{
    snprintf(test_folder, sizeof test_folder, "%s/lmtestXXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(test_folder));
}

static inline const char *test_path(const char *name)
{
    static char paths[4][512];
    static int next;
    char *path = paths[next++ % 4];
    snprintf(path, sizeof paths[0], "%s/%s", test_folder, name);
    return path;
}

/* Removes the folder and everything in it (no subfolders are made). */
static inline void remove_test_folder(void)
{
    DIR *folder = opendir(test_folder);
    ck_assert_ptr_nonnull(folder);
    struct dirent *entry;
    while ((entry = readdir(folder)))
        if (strcmp(entry->d_name, ".") && strcmp(entry->d_name, ".."))
            ck_assert_int_eq(unlink(test_path(entry->d_name)), 0);
    closedir(folder);
    ck_assert_int_eq(rmdir(test_folder), 0);
}

static inline unsigned char *read_all(const char *path, size_t *size)
{
    FILE *file = fopen(path, "rb");
    ck_assert_ptr_nonnull(file);
    fseek(file, 0, SEEK_END);
    long length = ftell(file);
    fseek(file, 0, SEEK_SET);
    unsigned char *data = malloc(length > 0 ? (size_t)length : 1);
    ck_assert_uint_eq(fread(data, 1, (size_t)length, file), (size_t)length);
    fclose(file);
    *size = (size_t)length;
    return data;
}

static inline void write_all(const char *path, const void *data, size_t size)
{
    FILE *file = fopen(path, "wb");
    ck_assert_ptr_nonnull(file);
    ck_assert_uint_eq(fwrite(data, 1, size, file), size);
    ck_assert_int_eq(fclose(file), 0);
}

/* Number of entries in the test folder (to see that no temporary is left). */
static inline int folder_entries(void)
{
    DIR *folder = opendir(test_folder);
    ck_assert_ptr_nonnull(folder);
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(folder)))
        count += strcmp(entry->d_name, ".") && strcmp(entry->d_name, "..");
    closedir(folder);
    return count;
}

#endif
