/* Interest vectors from tags (DESIGN.md, "Building vectors from tags"):
 * matching, levels, the parent rule, unknown tags and strict mode. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libmatch/libmatch.h"
#include "model/model_internal.h"

static lm_taxonomy *taxonomy;
static double *dense;
static size_t topics;

/* What the unknown-tag callback saw. */
typedef struct unknown_log {
    int calls;
    char last[128];
    int answer; /* what the callback returns */
} unknown_log;

static int log_unknown(void *context, const char *tag)
{
    unknown_log *log = context;
    log->calls++;
    snprintf(log->last, sizeof log->last, "%s", tag);
    return log->answer;
}

static void setup(void)
{
    ck_assert_int_eq(lm_taxonomy_new_default(&taxonomy), LM_OK);
    topics = lm_taxonomy_topic_count(taxonomy);
    dense = calloc(topics, sizeof *dense);
    ck_assert_ptr_nonnull(dense);
}

static void teardown(void)
{
    free(dense);
    lm_taxonomy_free(taxonomy);
}

static size_t topic(const char *name)
{
    size_t index = 0;
    ck_assert_msg(lm_taxonomy_find(taxonomy, name, &index) == LM_OK, "no topic '%s'", name);
    return index;
}

/* Parses tags into a fresh vector with rho; returns the status. */
static int parse(const char *tags, double rho, unknown_log *log, char *error)
{
    memset(dense, 0, topics * sizeof *dense);
    return lm__tags_parse(taxonomy, rho, tags, dense, log ? log_unknown : NULL, log, error);
}

/* Asserts the vector is exactly the given (key, level) pairs, zero elsewhere. */
static void assert_vector(size_t count, const char *const *keys, const double *levels)
{
    for (size_t t = 0; t < topics; t++) {
        double expected = 0.0;
        for (size_t k = 0; k < count; k++)
            if (topic(keys[k]) == t)
                expected = levels[k];
        ck_assert_msg(dense[t] == expected, "topic '%s' is %g, expected %g",
                      lm_taxonomy_topic_key(taxonomy, t), dense[t], expected);
    }
}

#define ASSERT_VECTOR(...)                                                               \
    do {                                                                                 \
        static const struct { const char *key; double level; } pairs[] = {__VA_ARGS__}; \
        const char *keys[sizeof pairs / sizeof pairs[0]];                                \
        double levels[sizeof pairs / sizeof pairs[0]];                                   \
        for (size_t p = 0; p < sizeof pairs / sizeof pairs[0]; p++) {                    \
            keys[p] = pairs[p].key;                                                      \
            levels[p] = pairs[p].level;                                                  \
        }                                                                                \
        assert_vector(sizeof pairs / sizeof pairs[0], keys, levels);                     \
    } while (0)

START_TEST(guitar_and_gitaar_share_music)
{
    char error[LM_ERRMSG_MAX];
    ck_assert_int_eq(parse("guitar", LM_DEFAULT_RHO, NULL, error), LM_OK);
    ASSERT_VECTOR({"guitar", 1.0}, {"music", 0.5});
    ck_assert_int_eq(parse("gitaar", LM_DEFAULT_RHO, NULL, error), LM_OK);
    ASSERT_VECTOR({"guitar", 1.0}, {"music", 0.5});
    ck_assert_int_eq(parse("  GITAAR ", LM_DEFAULT_RHO, NULL, error), LM_OK);
    ASSERT_VECTOR({"guitar", 1.0}, {"music", 0.5});
    ck_assert_int_eq(parse("غيتار", LM_DEFAULT_RHO, NULL, error), LM_OK);
    ASSERT_VECTOR({"guitar", 1.0}, {"music", 0.5});
    ck_assert_str_eq(error, "");
}
END_TEST

START_TEST(levels_and_parent_rule)
{
    char error[LM_ERRMSG_MAX];
    ck_assert_int_eq(parse("cooking:0.5", 0.5, NULL, error), LM_OK);
    ASSERT_VECTOR({"cooking", 0.5});
    ck_assert_int_eq(parse("baking:0.8", 0.5, NULL, error), LM_OK);
    ASSERT_VECTOR({"baking", 0.8}, {"cooking", 0.4});
    ck_assert_int_eq(parse("baking:0.8;cooking:0.2", 0.5, NULL, error), LM_OK);
    ASSERT_VECTOR({"baking", 0.8}, {"cooking", 0.4});
    ck_assert_int_eq(parse("baking:0.2;koken:0.9", 0.5, NULL, error), LM_OK);
    ASSERT_VECTOR({"baking", 0.2}, {"cooking", 0.9});
    ck_assert_int_eq(parse("guitar:0.4;singing:0.9", 0.5, NULL, error), LM_OK);
    ASSERT_VECTOR({"guitar", 0.4}, {"singing", 0.9}, {"music", 0.45});
    /* A repeated tag keeps its highest level. */
    ck_assert_int_eq(parse("guitar:0.3;gitaar:0.7;guitar:0.5", 0.5, NULL, error), LM_OK);
    ASSERT_VECTOR({"guitar", 0.7}, {"music", 0.35});
    ck_assert_int_eq(parse("dutch:1;arabic:.25;football:1.;chess: 0.125 ;sewing:0", 0.5, NULL,
                           error),
                     LM_OK);
    ASSERT_VECTOR({"dutch", 1.0}, {"arabic", 0.25}, {"language", 0.5}, {"football", 1.0},
                  {"sport", 0.5}, {"chess", 0.125}, {"games", 0.0625});
    ck_assert_int_eq(parse("cooking:1.000;music:0000.5000", 0.5, NULL, error), LM_OK);
    ASSERT_VECTOR({"cooking", 1.0}, {"music", 0.5});
    ck_assert_int_eq(parse("poetry:0.3", 0.5, NULL, error), LM_OK);
    ck_assert(dense[topic("poetry")] == 0.3);
    ck_assert(dense[topic("art")] == 0.5 * 0.3);
}
END_TEST

START_TEST(rho_scales_the_parent)
{
    char error[LM_ERRMSG_MAX];
    ck_assert_int_eq(parse("guitar", 0.0, NULL, error), LM_OK);
    ASSERT_VECTOR({"guitar", 1.0});
    ck_assert_int_eq(parse("guitar:0.8", 1.0, NULL, error), LM_OK);
    ASSERT_VECTOR({"guitar", 0.8}, {"music", 0.8});
    ck_assert_int_eq(parse("guitar", 0.25, NULL, error), LM_OK);
    ASSERT_VECTOR({"guitar", 1.0}, {"music", 0.25});
    ck_assert_int_eq(parse("guitar", 1.5, NULL, error), LM_E_INVALID);
    ck_assert_int_eq(parse("guitar", 0.0 / 0.0, NULL, error), LM_E_INVALID);
}
END_TEST

/* The parent rule must give the same vector in every tag order. */
START_TEST(order_independent)
{
    static const char *const tags[] = {"music:0.2", "guitar", "singing:0.3", "cooking:0.1",
                                       "baking:0.6", "koken:0.25", "dutch:0.9", "language:0.3"};
    enum { N = sizeof tags / sizeof tags[0] };
    char error[LM_ERRMSG_MAX];
    ck_assert_uint_le(topics, 1000);
    double *first = calloc(topics, sizeof *first);
    ck_assert_ptr_nonnull(first);
    size_t order[N];
    for (size_t k = 0; k < N; k++)
        order[k] = k;
    unsigned state = 12345;
    for (int round = 0; round < 200; round++) {
        char joined[512] = "";
        for (size_t k = 0; k < N; k++) {
            strcat(joined, tags[order[k]]);
            strcat(joined, k + 1 < N ? ";" : "");
        }
        ck_assert_int_eq(parse(joined, 0.5, NULL, error), LM_OK);
        if (round == 0)
            memcpy(first, dense, topics * sizeof *dense);
        else
            ck_assert_mem_eq(first, dense, topics * sizeof *dense);
        for (size_t k = N - 1; k > 0; k--) { /* Fisher-Yates with a fixed LCG */
            state = state * 1103515245u + 12345u;
            size_t j = (state >> 8) % (k + 1);
            size_t swap = order[k];
            order[k] = order[j];
            order[j] = swap;
        }
    }
    ASSERT_VECTOR({"music", 0.5}, {"guitar", 1.0}, {"singing", 0.3}, {"cooking", 0.3},
                  {"baking", 0.6}, {"dutch", 0.9}, {"language", 0.45});
    free(first);
}
END_TEST

START_TEST(empty_pieces_are_skipped)
{
    char error[LM_ERRMSG_MAX];
    unknown_log log = {0, "", LM_OK};
    ck_assert_int_eq(parse("", 0.5, &log, error), LM_OK);
    ck_assert_int_eq(parse(" ;; ; \t", 0.5, &log, error), LM_OK);
    for (size_t t = 0; t < topics; t++)
        ck_assert(dense[t] == 0.0);
    ck_assert_int_eq(parse(";gitaar ;;", 0.5, &log, error), LM_OK);
    ASSERT_VECTOR({"guitar", 1.0}, {"music", 0.5});
    ck_assert_int_eq(log.calls, 0);
}
END_TEST

static void assert_level_error(const char *tags, const char *message)
{
    char error[LM_ERRMSG_MAX] = "stale";
    unknown_log log = {0, "", LM_OK};
    ck_assert_int_eq(parse(tags, 0.5, &log, error), LM_E_PARSE);
    ck_assert_str_eq(error, message);
}

START_TEST(bad_levels)
{
    assert_level_error("cooking:1.7", "level '1.7' of tag 'cooking' is not a number in [0,1]");
    assert_level_error("gitaar; cooking : abc",
                       "level 'abc' of tag 'cooking' is not a number in [0,1]");
    assert_level_error("cooking:", "level '' of tag 'cooking' is not a number in [0,1]");
    assert_level_error("cooking:-0.5", "level '-0.5' of tag 'cooking' is not a number in [0,1]");
    assert_level_error("cooking:1e-1", "level '1e-1' of tag 'cooking' is not a number in [0,1]");
    assert_level_error("cooking:0,5", "level '0,5' of tag 'cooking' is not a number in [0,1]");
    assert_level_error("cooking:nan", "level 'nan' of tag 'cooking' is not a number in [0,1]");
    assert_level_error("cooking:.", "level '.' of tag 'cooking' is not a number in [0,1]");
    assert_level_error("cooking:1.0000000000000000000001",
                       "level '1.0000000000000000000001' of tag 'cooking' is not a number in "
                       "[0,1]");
    assert_level_error("cooking:100000000000000000000000",
                       "level '100000000000000000000000' of tag 'cooking' is not a number in "
                       "[0,1]");
    /* A level error is reported even when the name is unknown too. */
    assert_level_error("skydiving:lots",
                       "level 'lots' of tag 'skydiving' is not a number in [0,1]");
    assert_level_error(":0.5", "tag ':0.5' has no name");
    assert_level_error("gitaar;\xff", "tags are not valid UTF-8");
}
END_TEST

START_TEST(unknown_tags_go_to_the_callback)
{
    char error[LM_ERRMSG_MAX];
    unknown_log log = {0, "", LM_OK};
    ck_assert_int_eq(parse("gitaar; Skydiving ;cooking:0.5", 0.5, &log, error), LM_OK);
    ck_assert_int_eq(log.calls, 1);
    ck_assert_str_eq(log.last, "Skydiving");
    ASSERT_VECTOR({"guitar", 1.0}, {"music", 0.5}, {"cooking", 0.5});
    ck_assert_str_eq(error, "");
    log.calls = 0;
    ck_assert_int_eq(parse("skydiving:0.5;سباحة;Ποδόσφαιρο", 0.5, &log, error), LM_OK);
    ck_assert_int_eq(log.calls, 2);
    ck_assert_str_eq(log.last, "Ποδόσφαιρο");
    ASSERT_VECTOR({"swimming", 1.0}, {"sport", 0.5});
}
END_TEST

START_TEST(callback_can_stop)
{
    char error[LM_ERRMSG_MAX];
    unknown_log log = {0, "", LM_E_NOTFOUND};
    ck_assert_int_eq(parse("gitaar;skydiving;cooking;parachuting", 0.5, &log, error),
                     LM_E_NOTFOUND);
    ck_assert_int_eq(log.calls, 1);
    ck_assert_str_eq(log.last, "skydiving");
    /* The callback wrote the message; the parser adds none. */
    ck_assert_str_eq(error, "");
    /* Without a callback an unknown tag is an error with a message. */
    ck_assert_int_eq(parse("gitaar;skydiving", 0.5, NULL, error), LM_E_NOTFOUND);
    ck_assert_str_eq(error, "unknown tag 'skydiving'");
}
END_TEST

START_TEST(tags_out_of_memory)
{
    char error[LM_ERRMSG_MAX];
    /* Every allocation of the parse, failed in turn, gives LM_E_NOMEM (the
     * unknown tag's copy for the callback at least), until n passes them
     * all. */
    long failures = 0;
    for (long n = 1;; n++) {
        unknown_log log = {0, "", LM_OK};
        lm__alloc_fail_at(n);
        int status = parse("gitaar;skydiving", 0.5, &log, error);
        lm__alloc_fail_at(0);
        if (status == LM_OK)
            break;
        ck_assert_int_eq(status, LM_E_NOMEM);
        failures++;
    }
    ck_assert_int_ge(failures, 1);
    ck_assert_int_eq(parse(NULL, 0.5, NULL, error), LM_E_INVALID);
}
END_TEST

/* The worked example of docs/model.md, value for value. */
START_TEST(docs_worked_example)
{
    char error[LM_ERRMSG_MAX];
    unknown_log log = {0, "", LM_OK};
    ck_assert_int_eq(parse("gitaar; koken:0.5; baking:0.8; singing:0.4; skydiving",
                           LM_DEFAULT_RHO, &log, error),
                     LM_OK);
    ASSERT_VECTOR({"guitar", 1.0}, {"music", 0.5}, {"singing", 0.4}, {"cooking", 0.5},
                  {"baking", 0.8});
    ck_assert_int_eq(log.calls, 1);
    ck_assert_str_eq(log.last, "skydiving");
}
END_TEST

/* ---- through the public API ------------------------------------------------ */

START_TEST(pool_vectors_from_tags)
{
    lm_pool *pool = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
    const lm_taxonomy *own = lm_pool_taxonomy(pool);
    size_t guitar = 0, music = 0, cooking = 0, amal = 0, bram = 0;
    ck_assert_int_eq(lm_taxonomy_find(own, "guitar", &guitar), LM_OK);
    ck_assert_int_eq(lm_taxonomy_find(own, "music", &music), LM_OK);
    ck_assert_int_eq(lm_taxonomy_find(own, "cooking", &cooking), LM_OK);
    ck_assert_int_eq(lm_pool_add(pool, "amal", LM_NEWCOMER, &amal), LM_OK);
    ck_assert_int_eq(lm_pool_add(pool, "bram", LM_RESIDENT, &bram), LM_OK);
    ck_assert_int_eq(lm_pool_set_tags(pool, amal, LM_INTERESTS, "guitar"), LM_OK);
    ck_assert_int_eq(lm_pool_set_tags(pool, bram, LM_INTERESTS, "gitaar;koken:0.5"), LM_OK);
    ck_assert_int_eq(lm_pool_set_tags(pool, bram, LM_OFFERS, "GITAAR:0.6"), LM_OK);
    ck_assert(lm_pool_value(pool, amal, LM_INTERESTS, guitar) == 1.0);
    ck_assert(lm_pool_value(pool, amal, LM_INTERESTS, music) == 0.5);
    ck_assert(lm_pool_value(pool, bram, LM_INTERESTS, guitar) == 1.0);
    ck_assert(lm_pool_value(pool, bram, LM_INTERESTS, music) == 0.5);
    ck_assert(lm_pool_value(pool, bram, LM_INTERESTS, cooking) == 0.5);
    ck_assert(lm_pool_value(pool, bram, LM_OFFERS, guitar) == 0.6);
    ck_assert(lm_pool_value(pool, bram, LM_OFFERS, music) == 0.3);
    ck_assert(lm_pool_value(pool, bram, LM_WANTS, music) == 0.0);

    ck_assert_int_eq(lm_pool_set_rho(pool, 0.25), LM_OK);
    ck_assert_int_eq(lm_pool_set_tags(pool, amal, LM_INTERESTS, "guitar"), LM_OK);
    ck_assert(lm_pool_value(pool, amal, LM_INTERESTS, music) == 0.25);

    /* A bad level leaves the vector as it was and names participant and column. */
    ck_assert_int_eq(lm_pool_set_tags(pool, amal, LM_INTERESTS, "cooking:1.7"), LM_E_PARSE);
    ck_assert_str_eq(lm_errmsg(pool),
                     "participant 'amal', column 'interests': level '1.7' of tag 'cooking' "
                     "is not a number in [0,1]");
    ck_assert(lm_pool_value(pool, amal, LM_INTERESTS, guitar) == 1.0);
    ck_assert(lm_pool_value(pool, amal, LM_INTERESTS, cooking) == 0.0);
    lm_pool_free(pool);
}
END_TEST

START_TEST(pool_unknown_tag_warning_and_strict)
{
    lm_pool *pool = NULL;
    ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
    size_t amal = 0, guitar = 0;
    ck_assert_int_eq(lm_taxonomy_find(lm_pool_taxonomy(pool), "guitar", &guitar), LM_OK);
    ck_assert_int_eq(lm_pool_add(pool, "amal", LM_NEWCOMER, &amal), LM_OK);
    ck_assert_int_eq(lm_pool_set_tags(pool, amal, LM_WANTS, "gitaar;skydiving"), LM_OK);
    ck_assert_uint_eq(lm_pool_warning_count(pool), 1);
    ck_assert_str_eq(lm_pool_warning_column(pool, 0), "wants");
    ck_assert_ptr_nonnull(strstr(lm_pool_warning_message(pool, 0), "amal"));
    ck_assert_ptr_nonnull(strstr(lm_pool_warning_message(pool, 0), "skydiving"));
    ck_assert(lm_pool_value(pool, amal, LM_WANTS, guitar) == 1.0);

    ck_assert_int_eq(lm_pool_set_strict(pool, true), LM_OK);
    ck_assert_int_eq(lm_pool_set_tags(pool, amal, LM_INTERESTS, "gitaar;parachuting"),
                     LM_E_NOTFOUND);
    ck_assert_ptr_nonnull(strstr(lm_errmsg(pool), "participant 'amal'"));
    ck_assert_ptr_nonnull(strstr(lm_errmsg(pool), "unknown tag 'parachuting'"));
    ck_assert_uint_eq(lm_pool_warning_count(pool), 1);
    ck_assert(lm_pool_value(pool, amal, LM_INTERESTS, guitar) == 0.0);
    lm_pool_free(pool);
}
END_TEST

/* The custom taxonomy example of docs/model.md loads and drives the tags. */
START_TEST(docs_custom_taxonomy_example)
{
    static const char csv[] =
        "key,parent,label_en,label_nl,synonyms\n"
        "music,,Music,Muziek,موسيقى;موسیقی\n"
        "guitar,music,Guitar,Gitaar,gitar;غيتار;گیتار\n"
        "singing,music,Singing,Zingen,zang;koor;غناء\n"
        "cooking,,Cooking,Koken,طبخ;آشپزی\n"
        "baking,cooking,Baking,Bakken,\"bread;brood;taart, cake\"\n";
    lm_taxonomy *custom = NULL;
    ck_assert_int_eq(lm_taxonomy_new(&custom), LM_OK);
    ck_assert_int_eq(lm_taxonomy_load_buffer(custom, "custom.csv", csv, sizeof csv - 1), LM_OK);
    ck_assert_uint_eq(lm_taxonomy_topic_count(custom), 5);
    ck_assert_uint_eq(lm_taxonomy_topic_synonym_count(custom, 4), 3);
    ck_assert_str_eq(lm_taxonomy_topic_synonym(custom, 4, 2), "taart, cake");
    lm_pool *pool = NULL;
    size_t amal = 0;
    ck_assert_int_eq(lm_pool_new(custom, &pool), LM_OK);
    lm_taxonomy_free(custom); /* the pool holds its own copy */
    ck_assert_int_eq(lm_pool_add(pool, "amal", LM_NEWCOMER, &amal), LM_OK);
    ck_assert_int_eq(lm_pool_set_tags(pool, amal, LM_INTERESTS, "GITAAR;taart, cake:0.6"), LM_OK);
    ck_assert(lm_pool_value(pool, amal, LM_INTERESTS, 0) == 0.5);
    ck_assert(lm_pool_value(pool, amal, LM_INTERESTS, 1) == 1.0);
    ck_assert(lm_pool_value(pool, amal, LM_INTERESTS, 2) == 0.0);
    ck_assert(lm_pool_value(pool, amal, LM_INTERESTS, 3) == 0.3);
    ck_assert(lm_pool_value(pool, amal, LM_INTERESTS, 4) == 0.6);
    lm_pool_free(pool);
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("tags");
    TCase *parser = tcase_create("parser");
    tcase_add_checked_fixture(parser, setup, teardown);
    tcase_add_test(parser, guitar_and_gitaar_share_music);
    tcase_add_test(parser, levels_and_parent_rule);
    tcase_add_test(parser, rho_scales_the_parent);
    tcase_add_test(parser, order_independent);
    tcase_add_test(parser, empty_pieces_are_skipped);
    tcase_add_test(parser, bad_levels);
    tcase_add_test(parser, unknown_tags_go_to_the_callback);
    tcase_add_test(parser, callback_can_stop);
    tcase_add_test(parser, tags_out_of_memory);
    tcase_add_test(parser, docs_worked_example);
    suite_add_tcase(suite, parser);
    TCase *pool = tcase_create("pool");
    tcase_add_test(pool, pool_vectors_from_tags);
    tcase_add_test(pool, pool_unknown_tag_warning_and_strict);
    tcase_add_test(pool, docs_custom_taxonomy_example);
    suite_add_tcase(suite, pool);

    SRunner *runner = srunner_create(suite);
    srunner_run_all(runner, CK_ENV);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
