/* Keys and encryption at rest: key files, passphrases, encrypted pools and
 * results; every flipped byte, every truncation, another key and an
 * extended file are refused with a clear message. */
#include <check.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "libmatch/libmatch.h"
#include "common/common_internal.h"
#include "pool_equal.h"

static bool contains(const unsigned char *data, size_t size, const char *text)
{
    size_t length = strlen(text);
    for (size_t at = 0; at + length <= size; at++)
        if (memcmp(data + at, text, length) == 0)
            return true;
    return false;
}

static lm_key *new_key(void)
{
    lm_key *key = NULL;
    ck_assert_int_eq(lm_key_new(&key), LM_OK);
    ck_assert_int_eq(lm_key_generate(key), LM_OK);
    return key;
}

static lm_key *passphrase_key(const char *passphrase)
{
    lm_key *key = NULL;
    ck_assert_int_eq(lm_key_new(&key), LM_OK);
    ck_assert_int_eq(lm_key_set_passphrase(key, passphrase, strlen(passphrase)), LM_OK);
    ck_assert_int_eq(lm_key_get_kind(key), LM_KEY_PASSPHRASE);
    return key;
}

static lm_pool *small_pool(void)
{
    lm_pool *pool = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
    size_t a, b;
    ck_assert_int_eq(lm_pool_add(pool, "amal", LM_NEWCOMER, &a), LM_OK);
    ck_assert_int_eq(lm_pool_add(pool, "bram", LM_RESIDENT, &b), LM_OK);
    ck_assert_int_eq(lm_pool_set_tags(pool, a, LM_INTERESTS, "guitar;cooking:0.5"), LM_OK);
    ck_assert_int_eq(lm_pool_set_languages(pool, a, "ar;en"), LM_OK);
    ck_assert_int_eq(lm_pool_set_location(pool, b, 52.09, 5.12, 3.0), LM_OK);
    return pool;
}

static lm_pool *generated_pool(size_t participants)
{
    lm_pool *pool = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
    ck_assert_int_eq(lm_pool_generate(pool, participants, -1.0, 3, 11), LM_OK);
    return pool;
}

static unsigned char *encrypted_bytes(lm_pool *pool, const lm_key *key, size_t *size)
{
    const char *path = test_path("pool.enc");
    ck_assert_int_eq(lm_pool_save_msgpack(pool, path, key), LM_OK);
    return read_all(path, size);
}

static int load(lm_pool *into, const unsigned char *bytes, size_t size, const lm_key *key)
{
    return lm_pool_load_msgpack_buffer(into, "pool.enc", bytes, size, key);
}

START_TEST(key_files_are_private_and_read_back)
{
    make_test_folder();
    lm_key *key = new_key();
    ck_assert_int_eq(lm_key_get_kind(key), LM_KEY_RANDOM);
    const char *path = test_path("k.key");
    ck_assert_int_eq(lm_key_save_file(key, path), LM_OK);
    struct stat info;
    ck_assert_int_eq(stat(path, &info), 0);
    ck_assert_int_eq(info.st_mode & 0777, 0600);
    size_t size;
    unsigned char *text = read_all(path, &size);
    ck_assert_uint_eq(size, 16 + 64 + 1);
    ck_assert_mem_eq(text, "libmatch-key-v1 ", 16);
    ck_assert_int_eq(text[size - 1], '\n');
    free(text);

    /* The loaded key decrypts what the generated one encrypted. */
    lm_key *loaded = NULL;
    ck_assert_int_eq(lm_key_new(&loaded), LM_OK);
    ck_assert_int_eq(lm_key_get_kind(loaded), LM_KEY_EMPTY);
    ck_assert_int_eq(lm_key_load_file(loaded, path), LM_OK);
    lm_pool *pool = small_pool();
    size_t encrypted_size;
    unsigned char *bytes = encrypted_bytes(pool, key, &encrypted_size);
    lm_pool *back = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &back), LM_OK);
    ck_assert_int_eq(load(back, bytes, encrypted_size, loaded), LM_OK);
    assert_pools_equal(pool, back);

    /* A key file others can read is refused, like ssh does. */
    ck_assert_int_eq(chmod(path, 0644), 0);
    ck_assert_int_eq(lm_key_load_file(loaded, path), LM_E_INVALID);
    ck_assert_msg(strstr(lm_errmsg(loaded), "is accessible by others (mode 0644): make it "
                                            "private with 'chmod 600'"),
                  "%s", lm_errmsg(loaded));
    /* Saving over it makes it private again. */
    ck_assert_int_eq(lm_key_save_file(key, path), LM_OK);
    ck_assert_int_eq(stat(path, &info), 0);
    ck_assert_int_eq(info.st_mode & 0777, 0600);

    /* Not a key. */
    write_all(test_path("bad.key"), "libmatch-key-v1 zz", 18);
    ck_assert_int_eq(chmod(test_path("bad.key"), 0600), 0);
    ck_assert_int_eq(lm_key_load_file(loaded, test_path("bad.key")), LM_E_FORMAT);
    ck_assert_ptr_nonnull(strstr(lm_errmsg(loaded), "bad.key': not a libmatch key"));
    ck_assert_int_eq(lm_key_load_file(loaded, test_path("missing.key")), LM_E_IO);
    ck_assert_int_eq(lm_key_load_buffer(loaded, "libmatch-key-v1 "
                                                "000102030405060708090a0b0c0d0e0f"
                                                "101112131415161718191a1b1c1d1e1g\n", 81),
                     LM_E_FORMAT);
    ck_assert_ptr_nonnull(strstr(lm_errmsg(loaded), "must be hex digits"));
    ck_assert_int_eq(lm_key_load_buffer(loaded, "libmatch-key-v1 "
                                                "000102030405060708090a0b0c0d0e0f"
                                                "101112131415161718191a1b1c1d1e1f\r\n", 82),
                     LM_OK);

    /* Passphrase keys cannot be saved; empty keys cannot encrypt. */
    lm_key *phrase = passphrase_key("correct horse");
    ck_assert_int_eq(lm_key_save_file(phrase, test_path("p.key")), LM_E_INVALID);
    ck_assert_str_eq(lm_errmsg(phrase), "a passphrase key cannot be saved");
    ck_assert_int_eq(lm_key_set_passphrase(phrase, "", 0), LM_E_INVALID);
    lm_key *empty = NULL;
    ck_assert_int_eq(lm_key_new(&empty), LM_OK);
    ck_assert_int_eq(lm_pool_save_msgpack(pool, test_path("x.enc"), empty), LM_E_INVALID);
    ck_assert_int_eq(folder_entries(), 3); /* k.key, pool.enc, bad.key: nothing half-made */

    lm_key_free(empty);
    lm_key_free(phrase);
    free(bytes);
    lm_pool_free(back);
    lm_pool_free(pool);
    lm_key_free(loaded);
    lm_key_free(key);
    lm_key_free(NULL);
    remove_test_folder();
}
END_TEST

START_TEST(encrypted_pools_round_trip)
{
    make_test_folder();
    lm_key *key = new_key();
    /* Large enough for several 64 KiB chunks. */
    lm_pool *pool = generated_pool(3000);
    const char *path = test_path("city.enc");
    ck_assert_int_eq(lm_pool_save_msgpack(pool, path, key), LM_OK);
    lm_format format;
    ck_assert_int_eq(lm_format_detect_file(path, &format), LM_OK);
    ck_assert_int_eq(format, LM_FORMAT_ENCRYPTED);
    size_t size;
    unsigned char *bytes = read_all(path, &size);
    ck_assert_uint_gt(size, 3 * 65536);
    ck_assert_mem_eq(bytes, "LMENC\x01\x01\x10", 8);
    /* No id appears in the clear. */
    for (size_t i = 0; i < lm_pool_size(pool); i++)
        ck_assert(!contains(bytes, size, lm_pool_id(pool, i)));
    lm_pool *back = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &back), LM_OK);
    ck_assert_int_eq(lm_pool_load_file(back, path, key), LM_OK);
    assert_pools_equal(pool, back);
    lm_pool_free(back);
    ck_assert_int_eq(lm_pool_new(NULL, &back), LM_OK);

    /* Without a key. */
    ck_assert_int_eq(lm_pool_load_file(back, path, NULL), LM_E_CRYPTO);
    ck_assert_msg(strstr(lm_errmsg(back), "city.enc' is encrypted: give its key or passphrase"),
                  "%s", lm_errmsg(back));
    /* Cut at a chunk boundary: every chunk left is authentic, the end is not. */
    size_t header = 8 + 24, first_chunk = 4 + 65536 + 17;
    ck_assert_int_eq(load(back, bytes, header + first_chunk, key), LM_E_CRYPTO);
    ck_assert_msg(strstr(lm_errmsg(back), "file is truncated: the encrypted stream ends at "
                                          "offset 65589 without its final chunk"),
                  "%s", lm_errmsg(back));
    /* Two chunks swapped. */
    unsigned char *swapped = malloc(size);
    memcpy(swapped, bytes, size);
    memcpy(swapped + header, bytes + header + first_chunk, first_chunk);
    memcpy(swapped + header + first_chunk, bytes + header, first_chunk);
    ck_assert_int_eq(load(back, swapped, size, key), LM_E_CRYPTO);
    ck_assert_ptr_nonnull(strstr(lm_errmsg(back), "wrong key or damaged file (the chunk at "
                                                  "offset 32 does not authenticate)"));
    /* A chunk dropped. */
    memcpy(swapped, bytes, header);
    memcpy(swapped + header, bytes + header + first_chunk, size - header - first_chunk);
    ck_assert_int_eq(load(back, swapped, size - first_chunk, key), LM_E_CRYPTO);
    ck_assert_uint_eq(lm_pool_size(back), 0);
    free(swapped);
    free(bytes);
    lm_pool_free(back);
    lm_pool_free(pool);
    lm_key_free(key);
    remove_test_folder();
}
END_TEST

START_TEST(every_flipped_byte_is_refused)
{
    make_test_folder();
    lm_key *key = new_key();
    lm_pool *pool = small_pool();
    size_t size;
    unsigned char *bytes = encrypted_bytes(pool, key, &size);
    lm_pool *back = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &back), LM_OK);
    ck_assert_int_eq(load(back, bytes, size, key), LM_OK);
    lm_pool_free(back);
    ck_assert_int_eq(lm_pool_new(NULL, &back), LM_OK);
    for (size_t at = 0; at < size; at++) {
        for (int bit = 0; bit < 8; bit += 7) {
            bytes[at] ^= (unsigned char)(1u << bit);
            int status = load(back, bytes, size, key);
            bytes[at] ^= (unsigned char)(1u << bit);
            /* The magic and version decide what the file is; every other
             * byte is authenticated. */
            int expected = at < 6 ? LM_E_FORMAT : LM_E_CRYPTO;
            ck_assert_msg(status == expected, "byte %zu bit %d: %d (%s)", at, bit, status,
                          lm_errmsg(back));
            ck_assert_uint_eq(lm_pool_size(back), 0);
        }
    }
    free(bytes);
    lm_pool_free(back);
    lm_pool_free(pool);
    lm_key_free(key);
    remove_test_folder();
}
END_TEST

START_TEST(every_truncation_and_extension_is_refused)
{
    make_test_folder();
    lm_key *key = new_key();
    lm_pool *pool = small_pool();
    size_t size;
    unsigned char *bytes = encrypted_bytes(pool, key, &size);
    lm_pool *back = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &back), LM_OK);
    for (size_t length = 0; length < size; length++) {
        unsigned char *copy = malloc(length ? length : 1);
        memcpy(copy, bytes, length);
        int status = load(back, copy, length, key);
        free(copy);
        if (length < 5) {
            ck_assert_int_eq(status, LM_E_FORMAT); /* not even the magic */
            continue;
        }
        ck_assert_msg(status == LM_E_CRYPTO, "length %zu: %d", length, status);
        ck_assert_msg(strstr(lm_errmsg(back), "truncated"), "length %zu: %s", length,
                      lm_errmsg(back));
    }
    unsigned char *longer = malloc(size + 100);
    memcpy(longer, bytes, size);
    memset(longer + size, 0, 100);
    for (size_t extra = 1; extra <= 100; extra += 33) {
        ck_assert_int_eq(load(back, longer, size + extra, key), LM_E_CRYPTO);
        char expected[128];
        snprintf(expected, sizeof expected,
                 "pool.enc': data after the end of the encrypted stream (%zu bytes at offset "
                 "%zu)",
                 extra, size);
        ck_assert_msg(strstr(lm_errmsg(back), expected), "%s", lm_errmsg(back));
    }
    /* The file appended to itself. */
    longer = realloc(longer, 2 * size);
    memcpy(longer + size, bytes, size);
    ck_assert_int_eq(load(back, longer, 2 * size, key), LM_E_CRYPTO);
    ck_assert_ptr_nonnull(strstr(lm_errmsg(back), "data after the end"));
    ck_assert_uint_eq(lm_pool_size(back), 0);
    free(longer);
    free(bytes);
    lm_pool_free(back);
    lm_pool_free(pool);
    lm_key_free(key);
    remove_test_folder();
}
END_TEST

START_TEST(another_key_is_refused)
{
    make_test_folder();
    lm_key *key = new_key(), *other = new_key();
    lm_pool *pool = small_pool();
    size_t size;
    unsigned char *bytes = encrypted_bytes(pool, key, &size);
    lm_pool *back = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &back), LM_OK);
    ck_assert_int_eq(load(back, bytes, size, other), LM_E_CRYPTO);
    ck_assert_str_eq(lm_errmsg(back), "'pool.enc': wrong key or damaged file (the chunk at "
                                      "offset 32 does not authenticate)");
    lm_key *phrase = passphrase_key("hunter2");
    ck_assert_int_eq(load(back, bytes, size, phrase), LM_E_CRYPTO);
    ck_assert_str_eq(lm_errmsg(back), "'pool.enc' is encrypted with a key file, not a "
                                      "passphrase");
    ck_assert_uint_eq(lm_pool_size(back), 0);
    lm_key_free(phrase);
    free(bytes);
    lm_pool_free(back);
    lm_pool_free(pool);
    lm_key_free(other);
    lm_key_free(key);
    remove_test_folder();
}
END_TEST

START_TEST(passphrases_round_trip_with_a_salt_per_file)
{
    make_test_folder();
    lm_key *phrase = passphrase_key("correct horse battery staple");
    lm_pool *pool = small_pool();
    size_t size_a, size_b;
    unsigned char *a = encrypted_bytes(pool, phrase, &size_a);
    unsigned char *b = encrypted_bytes(pool, phrase, &size_b);
    ck_assert_uint_eq(size_a, size_b);
    ck_assert_mem_eq(a, "LMENC\x01\x02\x10\x02", 9); /* passphrase, Argon2id13 */
    /* Fresh salt and stream header each time: same content, other bytes. */
    ck_assert_int_ne(memcmp(a + 9, b + 9, 16), 0);
    ck_assert_int_ne(memcmp(a, b, size_a), 0);

    lm_key *same = passphrase_key("correct horse battery staple");
    lm_pool *back = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &back), LM_OK);
    ck_assert_int_eq(load(back, b, size_b, same), LM_OK);
    assert_pools_equal(pool, back);
    lm_pool_free(back);
    ck_assert_int_eq(lm_pool_new(NULL, &back), LM_OK);

    lm_key *wrong = passphrase_key("correct horse battery stapler");
    ck_assert_int_eq(load(back, a, size_a, wrong), LM_E_CRYPTO);
    ck_assert_ptr_nonnull(strstr(lm_errmsg(back), "wrong key or damaged file"));
    lm_key *file_key = new_key();
    ck_assert_int_eq(load(back, a, size_a, file_key), LM_E_CRYPTO);
    ck_assert_str_eq(lm_errmsg(back), "'pool.enc' is encrypted with a passphrase, not a key "
                                      "file");
    /* A hostile header may not ask for gigabytes of memory. */
    a[33 + 4] = 0x40; /* memlimit of 256 GiB and more */
    ck_assert_int_eq(load(back, a, size_a, same), LM_E_CRYPTO);
    ck_assert_ptr_nonnull(strstr(lm_errmsg(back), "passphrase parameters"));
    ck_assert_uint_eq(lm_pool_size(back), 0);
    lm_key_free(file_key);
    lm_key_free(wrong);
    lm_key_free(same);
    free(a);
    free(b);
    lm_pool_free(back);
    lm_pool_free(pool);
    lm_key_free(phrase);
    remove_test_folder();
}
END_TEST

START_TEST(encrypted_results_round_trip)
{
    make_test_folder();
    lm_key *key = new_key();
    lm_pool *pool = generated_pool(120);
    lm_params *params = NULL;
    ck_assert_int_eq(lm_params_new(&params), LM_OK);
    ck_assert_int_eq(lm_params_set_int(params, LM_PARAM_EFFORT, 2), LM_OK);
    lm_result *result = NULL, *back = NULL;
    ck_assert_int_eq(lm_result_new(&result), LM_OK);
    ck_assert_int_eq(lm_result_new(&back), LM_OK);
    ck_assert_int_eq(lm_groups_form(pool, params, result), LM_OK);
    const char *path = test_path("groups.enc");
    ck_assert_int_eq(lm_result_save_msgpack(result, pool, path, key), LM_OK);
    ck_assert_int_eq(lm_result_load_file(back, pool, path, NULL), LM_E_CRYPTO);
    ck_assert_int_eq(lm_result_load_file(back, pool, path, key), LM_OK);
    assert_results_equal(result, back);
    /* An encrypted result is not a pool. */
    lm_pool *as_pool = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &as_pool), LM_OK);
    ck_assert_int_eq(lm_pool_load_file(as_pool, path, key), LM_E_FORMAT);
    ck_assert_msg(strstr(lm_errmsg(as_pool), "is a result file, not a pool"), "%s",
                  lm_errmsg(as_pool));
    lm_pool_free(as_pool);
    lm_result_free(back);
    lm_result_free(result);
    lm_params_free(params);
    lm_pool_free(pool);
    lm_key_free(key);
    remove_test_folder();
}
END_TEST

START_TEST(failed_allocations_while_decrypting)
{
    make_test_folder();
    lm_key *key = new_key();
    lm_pool *pool = generated_pool(20);
    size_t size;
    unsigned char *bytes = encrypted_bytes(pool, key, &size);
    lm_pool *back = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &back), LM_OK);
    for (long n = 1;; n++) {
        lm__alloc_fail_at(n);
        int status = load(back, bytes, size, key);
        lm__alloc_fail_at(0);
        if (status == LM_OK)
            break;
        ck_assert_int_eq(status, LM_E_NOMEM);
        ck_assert_uint_eq(lm_pool_size(back), 0);
    }
    assert_pools_equal(pool, back);
    free(bytes);
    lm_pool_free(back);
    lm_pool_free(pool);
    lm_key_free(key);
    remove_test_folder();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("crypto");
    TCase *tc = tcase_create("crypto");
    tcase_set_timeout(tc, 240);
    tcase_add_test(tc, key_files_are_private_and_read_back);
    tcase_add_test(tc, encrypted_pools_round_trip);
    tcase_add_test(tc, every_flipped_byte_is_refused);
    tcase_add_test(tc, every_truncation_and_extension_is_refused);
    tcase_add_test(tc, another_key_is_refused);
    tcase_add_test(tc, passphrases_round_trip_with_a_salt_per_file);
    tcase_add_test(tc, encrypted_results_round_trip);
    tcase_add_test(tc, failed_allocations_while_decrypting);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
