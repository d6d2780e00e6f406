/* Pseudonyms: format, a value computed independently with libsodium, stable
 * for one key, different between keys and between ids. */
#include <check.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

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

START_TEST(passphrase_pseudonyms_are_stable)
{
    lm_key *a = NULL, *b = NULL, *c = NULL;
    ck_assert_int_eq(lm_key_new(&a), LM_OK);
    ck_assert_int_eq(lm_key_new(&b), LM_OK);
    ck_assert_int_eq(lm_key_new(&c), LM_OK);
    ck_assert_int_eq(lm_key_set_passphrase(a, "open sesame", 11), LM_OK);
    ck_assert_int_eq(lm_key_set_passphrase(b, "open sesame", 11), LM_OK);
    ck_assert_int_eq(lm_key_set_passphrase(c, "open sesame!", 12), LM_OK);
    char pa[LM_PSEUDONYM_SIZE], pb[LM_PSEUDONYM_SIZE], pc[LM_PSEUDONYM_SIZE];
    char again[LM_PSEUDONYM_SIZE];
    ck_assert_int_eq(lm_pseudonym(a, "amal", pa, sizeof pa), LM_OK);
    ck_assert_int_eq(lm_pseudonym(a, "amal", again, sizeof again), LM_OK);
    ck_assert_int_eq(lm_pseudonym(b, "amal", pb, sizeof pb), LM_OK);
    ck_assert_int_eq(lm_pseudonym(c, "amal", pc, sizeof pc), LM_OK);
    ck_assert_str_eq(pa, again);
    ck_assert_str_eq(pa, pb);
    ck_assert_str_ne(pa, pc);
    /* Setting another passphrase forgets the derived hash key. */
    ck_assert_int_eq(lm_key_set_passphrase(a, "open sesame!", 12), LM_OK);
    ck_assert_int_eq(lm_pseudonym(a, "amal", again, sizeof again), LM_OK);
    ck_assert_str_eq(again, pc);
    lm_key_free(c);
    lm_key_free(b);
    lm_key_free(a);
}
END_TEST

START_TEST(misuse_is_reported)
{
    lm_key *key = fixed_key();
    char small[LM_PSEUDONYM_SIZE - 1];
    ck_assert_int_eq(lm_pseudonym(key, "amal", small, sizeof small), LM_E_INVALID);
    ck_assert_str_eq(lm_errmsg(key), "the output buffer holds 35 bytes, a pseudonym needs 36");
    ck_assert_int_eq(lm_pseudonym(key, NULL, small, sizeof small), LM_E_INVALID);
    ck_assert_int_eq(lm_pseudonym(NULL, "amal", small, sizeof small), LM_E_INVALID);
    lm_key *empty = NULL;
    ck_assert_int_eq(lm_key_new(&empty), LM_OK);
    char out[LM_PSEUDONYM_SIZE];
    ck_assert_int_eq(lm_pseudonym(empty, "amal", out, sizeof out), LM_E_INVALID);
    ck_assert_str_eq(lm_errmsg(empty), "the key is empty");
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
    tcase_add_test(tc, passphrase_pseudonyms_are_stable);
    tcase_add_test(tc, misuse_is_reported);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
