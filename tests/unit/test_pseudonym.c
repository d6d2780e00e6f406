/* Pseudonyms: format, a value computed independently with libsodium, stable
 * for one key, different between keys and between ids. */
#include <check.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libmatch/libmatch.h"

static const char key_text[] = "libmatch-key-v1 000102030405060708090a0b0c0d0e0f"
                               "101112131415161718191a1b1c1d1e1f\n";

static lm_key *fixed_key(void)
{
    lm_key *key = NULL;
    ck_assert_int_eq(lm_key_new(&key), LM_OK);
    ck_assert_int_eq(lm_key_load_buffer(key, key_text, sizeof key_text - 1), LM_OK);
    return key;
}

/* The documented construction (docs/formats.md): BLAKE2b-128 of the id,
 * keyed with the "lmpseudo" subkey (crypto_kdf, id 1) of the key. */
static void expected_pseudonym(const char *id, char out[LM_PSEUDONYM_SIZE])
{
    unsigned char master[32], subkey[32], hash[16];
    for (int k = 0; k < 32; k++)
        master[k] = (unsigned char)k;
    ck_assert_int_eq(crypto_kdf_derive_from_key(subkey, sizeof subkey, 1, "lmpseudo", master),
                     0);
    crypto_generichash(hash, sizeof hash, (const unsigned char *)id, strlen(id), subkey,
                       sizeof subkey);
    memcpy(out, "ps-", 3);
    sodium_bin2hex(out + 3, 33, hash, sizeof hash);
}

START_TEST(pseudonym_matches_the_documented_construction)
{
    ck_assert_int_ge(sodium_init(), 0);
    lm_key *key = fixed_key();
    static const char *const ids[] = {"amal", "bram", "zoë-1", "x", "a-very-long-id-0123456789"};
    for (size_t k = 0; k < sizeof ids / sizeof *ids; k++) {
        char got[LM_PSEUDONYM_SIZE], want[LM_PSEUDONYM_SIZE];
        ck_assert_int_eq(lm_pseudonym(key, ids[k], got, sizeof got), LM_OK);
        expected_pseudonym(ids[k], want);
        ck_assert_str_eq(got, want);
        ck_assert_uint_eq(strlen(got), 35);
        ck_assert_uint_eq(strspn(got + 3, "0123456789abcdef"), 32);
    }
    /* Pinned (computed with Python's hashlib.blake2b: salt = subkey id 1,
     * person = "lmpseudo"), so that a change of construction cannot go
     * unnoticed. */
    char pinned[LM_PSEUDONYM_SIZE];
    ck_assert_int_eq(lm_pseudonym(key, "amal", pinned, sizeof pinned), LM_OK);
    ck_assert_str_eq(pinned, "ps-f12ac116e666e51cd9f22c1c5991d6e8");
    ck_assert_uint_eq(lm_pseudonym_size(), LM_PSEUDONYM_SIZE);
    lm_key_free(key);
}
END_TEST

START_TEST(stable_per_key_different_between_keys)
{
    lm_key *a = fixed_key(), *again = fixed_key(), *other = NULL;
    ck_assert_int_eq(lm_key_new(&other), LM_OK);
    ck_assert_int_eq(lm_key_generate(other), LM_OK);
    char first[LM_PSEUDONYM_SIZE], second[LM_PSEUDONYM_SIZE], third[LM_PSEUDONYM_SIZE];
    char bram[LM_PSEUDONYM_SIZE];
    ck_assert_int_eq(lm_pseudonym(a, "amal", first, sizeof first), LM_OK);
    ck_assert_int_eq(lm_pseudonym(again, "amal", second, sizeof second), LM_OK);
    ck_assert_int_eq(lm_pseudonym(other, "amal", third, sizeof third), LM_OK);
    ck_assert_int_eq(lm_pseudonym(a, "bram", bram, sizeof bram), LM_OK);
    ck_assert_str_eq(first, second);
    ck_assert_str_ne(first, third);
    ck_assert_str_ne(first, bram);
    ck_assert_ptr_null(strstr(first, "amal"));
    lm_key_free(other);
    lm_key_free(again);
    lm_key_free(a);
}
END_TEST

/* A passphrase alone makes no pseudonyms (a fixed salt would make one
 * known pair an offline test of passphrases for every deployment); a key
 * derived from it with a salt does, the same for the same salt and
 * unrelated for another. */
START_TEST(passphrase_pseudonyms_need_a_salt)
{
    lm_key *plain = NULL, *a = NULL, *b = NULL, *c = NULL, *loaded = NULL;
    ck_assert_int_eq(lm_key_new(&plain), LM_OK);
    ck_assert_int_eq(lm_key_set_passphrase(plain, "open sesame", 11), LM_OK);
    char pa[LM_PSEUDONYM_SIZE], pb[LM_PSEUDONYM_SIZE], pc[LM_PSEUDONYM_SIZE];
    ck_assert_int_eq(lm_pseudonym(plain, "amal", pa, sizeof pa), LM_E_INVALID);

    static const unsigned char salt[LM_KEY_SALT_SIZE] = "deployment-0001";
    static const unsigned char other_salt[LM_KEY_SALT_SIZE] = "deployment-0002";
    ck_assert_uint_eq(lm_key_salt_size(), LM_KEY_SALT_SIZE);
    ck_assert_int_eq(lm_key_new(&a), LM_OK);
    ck_assert_int_eq(lm_key_new(&b), LM_OK);
    ck_assert_int_eq(lm_key_new(&c), LM_OK);
    ck_assert_int_eq(lm_key_derive_passphrase(a, "open sesame", 11, salt, sizeof salt), LM_OK);
    ck_assert_int_eq(lm_key_derive_passphrase(b, "open sesame", 11, salt, sizeof salt), LM_OK);
    ck_assert_int_eq(lm_key_derive_passphrase(c, "open sesame", 11, other_salt,
                                              sizeof other_salt), LM_OK);
    ck_assert_int_eq(lm_key_get_kind(a), LM_KEY_RANDOM);
    ck_assert_int_eq(lm_pseudonym(a, "amal", pa, sizeof pa), LM_OK);
    ck_assert_int_eq(lm_pseudonym(b, "amal", pb, sizeof pb), LM_OK);
    ck_assert_int_eq(lm_pseudonym(c, "amal", pc, sizeof pc), LM_OK);
    ck_assert_str_eq(pa, pb);
    ck_assert_str_ne(pa, pc);

    /* The master key is Argon2id(passphrase, salt) with the moderate limits:
     * computed here with libsodium directly, through the documented
     * construction of the pseudonym. */
    unsigned char master[32], subkey[32], hash[16];
    ck_assert_int_eq(crypto_pwhash(master, sizeof master, "open sesame", 11, salt,
                                   crypto_pwhash_OPSLIMIT_MODERATE,
                                   crypto_pwhash_MEMLIMIT_MODERATE,
                                   crypto_pwhash_ALG_ARGON2ID13), 0);
    ck_assert_int_eq(crypto_kdf_derive_from_key(subkey, sizeof subkey, 1, "lmpseudo", master),
                     0);
    crypto_generichash(hash, sizeof hash, (const unsigned char *)"amal", 4, subkey,
                       sizeof subkey);
    char want[LM_PSEUDONYM_SIZE] = "ps-";
    sodium_bin2hex(want + 3, 33, hash, sizeof hash);
    ck_assert_str_eq(pa, want);

    /* The key file keeps the salt: it loads back to the same pseudonyms. */
    char path[] = "/tmp/lm_pseudonym_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(lm_key_save_file(a, path), LM_OK);
    FILE *file = fopen(path, "r");
    char line1[128], line2[128];
    ck_assert_ptr_nonnull(fgets(line1, sizeof line1, file));
    ck_assert_ptr_nonnull(fgets(line2, sizeof line2, file));
    fclose(file);
    char hex[2 * LM_KEY_SALT_SIZE + 1];
    sodium_bin2hex(hex, sizeof hex, salt, sizeof salt);
    char expected[128];
    snprintf(expected, sizeof expected, "argon2id-salt %s\n", hex);
    ck_assert_str_eq(line2, expected);
    ck_assert_int_eq(lm_key_new(&loaded), LM_OK);
    ck_assert_int_eq(lm_key_load_file(loaded, path), LM_OK);
    ck_assert_int_eq(lm_pseudonym(loaded, "amal", pb, sizeof pb), LM_OK);
    ck_assert_str_eq(pa, pb);
    unlink(path);

    /* A fresh random salt when none is given: not the fixed one of old. */
    ck_assert_int_eq(lm_key_derive_passphrase(b, "open sesame", 11, NULL, 0), LM_OK);
    ck_assert_int_eq(lm_pseudonym(b, "amal", pb, sizeof pb), LM_OK);
    ck_assert_str_ne(pa, pb);
    ck_assert_int_eq(lm_key_derive_passphrase(b, "open sesame", 11, salt, 15), LM_E_INVALID);
    lm_key_free(loaded);
    lm_key_free(c);
    lm_key_free(b);
    lm_key_free(a);
    lm_key_free(plain);
}
END_TEST

/* Failures are told by status only: lm_pseudonym() takes a const key that
 * other threads may be reading, so it records no message on it. */
START_TEST(misuse_is_reported)
{
    lm_key *key = fixed_key();
    char small[LM_PSEUDONYM_SIZE - 1];
    ck_assert_int_eq(lm_pseudonym(key, "amal", small, sizeof small), LM_E_INVALID);
    ck_assert_str_eq(lm_errmsg(key), "");
    ck_assert_int_eq(lm_pseudonym(key, NULL, small, sizeof small), LM_E_INVALID);
    ck_assert_int_eq(lm_pseudonym(NULL, "amal", small, sizeof small), LM_E_INVALID);
    lm_key *empty = NULL;
    ck_assert_int_eq(lm_key_new(&empty), LM_OK);
    char out[LM_PSEUDONYM_SIZE];
    ck_assert_int_eq(lm_pseudonym(empty, "amal", out, sizeof out), LM_E_INVALID);
    lm_key_free(empty);
    lm_key_free(key);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pseudonym");
    TCase *tc = tcase_create("pseudonym");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, pseudonym_matches_the_documented_construction);
    tcase_add_test(tc, stable_per_key_different_between_keys);
    tcase_add_test(tc, passphrase_pseudonyms_need_a_salt);
    tcase_add_test(tc, misuse_is_reported);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
