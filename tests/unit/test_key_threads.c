/* One key shared by two threads: every call that takes a const lm_key *
 * only reads the key (libmatch.h, "Threads"), so two threads making
 * pseudonyms, pseudonymised results and encrypted files with one freshly
 * loaded key get what one thread alone gets, and ThreadSanitizer (the tsan
 * step of scripts/test.sh) sees no race. A key that derived its pseudonym
 * subkey on first use raced here on every run. */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libmatch/libmatch.h"

#define IDS 400

static const char key_text[] = "libmatch-key-v1 000102030405060708090a0b0c0d0e0f"
                               "101112131415161718191a1b1c1d1e1f\n";

typedef struct work {
    const lm_key *key;
    lm_pool *pool; /* each thread its own: saving records messages on it */
    char pseudonyms[IDS][LM_PSEUDONYM_SIZE];
    char path[64];
    int status;
} work;

static void id_of(size_t k, char *out, size_t size)
{
    snprintf(out, size, "person-%zu", k);
}

static void *run(void *context)
{
    work *w = context;
    for (size_t k = 0; k < IDS && w->status == LM_OK; k++) {
        char id[32];
        id_of(k, id, sizeof id);
        w->status = lm_pseudonym(w->key, id, w->pseudonyms[k], sizeof w->pseudonyms[k]);
    }
    lm_result *result = NULL;
    if (w->status == LM_OK)
        w->status = lm_result_new(&result);
    if (w->status == LM_OK)
        w->status = lm_result_save_csv_pseudonymized(result, w->pool, w->path, w->key);
    lm_result_free(result);
    if (w->status == LM_OK)
        w->status = lm_pool_save_msgpack(w->pool, w->path, w->key);
    return NULL;
}

static lm_key *load_key(void)
{
    lm_key *key = NULL;
    ck_assert_int_eq(lm_key_new(&key), LM_OK);
    ck_assert_int_eq(lm_key_load_buffer(key, key_text, sizeof key_text - 1), LM_OK);
    return key;
}

START_TEST(two_threads_share_one_key)
{
    lm_pool *pools[2] = {NULL, NULL};
    for (int t = 0; t < 2; t++) {
        ck_assert_int_eq(lm_pool_new(NULL, &pools[t]), LM_OK);
        ck_assert_int_eq(lm_pool_load_sample(pools[t]), LM_OK);
    }
    /* The expected pseudonyms, from another key object with the same bytes. */
    lm_key *reference = load_key();
    static char expected[IDS][LM_PSEUDONYM_SIZE];
    for (size_t k = 0; k < IDS; k++) {
        char id[32];
        id_of(k, id, sizeof id);
        ck_assert_int_eq(lm_pseudonym(reference, id, expected[k], sizeof expected[k]), LM_OK);
    }
    lm_key_free(reference);

    lm_key *shared = load_key(); /* never used before the threads start */
    static work works[2];
    pthread_t threads[2];
    for (int t = 0; t < 2; t++) {
        works[t] = (work){.key = shared, .pool = pools[t], .status = LM_OK};
        snprintf(works[t].path, sizeof works[t].path, "/tmp/lm_key_threads_%ld_%d",
                 (long)getpid(), t);
        ck_assert_int_eq(pthread_create(&threads[t], NULL, run, &works[t]), 0);
    }
    for (int t = 0; t < 2; t++)
        ck_assert_int_eq(pthread_join(threads[t], NULL), 0);
    for (int t = 0; t < 2; t++) {
        ck_assert_int_eq(works[t].status, LM_OK);
        for (size_t k = 0; k < IDS; k++)
            ck_assert_str_eq(works[t].pseudonyms[k], expected[k]);
        /* the encrypted pool each thread wrote reads back with the key */
        lm_pool *back = NULL;
        ck_assert_int_eq(lm_pool_new(NULL, &back), LM_OK);
        ck_assert_int_eq(lm_pool_load_file(back, works[t].path, shared), LM_OK);
        ck_assert_uint_eq(lm_pool_size(back), lm_pool_size(pools[t]));
        lm_pool_free(back);
        unlink(works[t].path);
    }
    lm_key_free(shared);
    for (int t = 0; t < 2; t++)
        lm_pool_free(pools[t]);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("key_threads");
    TCase *tc = tcase_create("key_threads");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, two_threads_share_one_key);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
