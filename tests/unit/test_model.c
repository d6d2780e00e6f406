/* The model tables: slot grid, languages, the default taxonomy, and the
 * text helpers (case folding, UTF-8 checks, id rules) they rely on. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libmatch/libmatch.h"
#include "model/model_internal.h"

/* ---- slots --------------------------------------------------------------- */

START_TEST(slot_labels_round_trip)
{
    static const char *const days[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    static const char *const parts[] = {"morning", "afternoon", "evening"};
    ck_assert_uint_eq(lm_slot_count(), 21);
    for (size_t index = 0; index < 21; index++) {
        char expected[32];
        snprintf(expected, sizeof expected, "%s-%s", days[index / 3], parts[index % 3]);
        ck_assert_str_eq(lm_slot_label(index), expected);
        size_t found = 99;
        ck_assert_int_eq(lm_slot_find(expected, &found), LM_OK);
        ck_assert_uint_eq(found, index);
    }
    ck_assert_ptr_null(lm_slot_label(21));
}
END_TEST

static size_t slot(const char *label)
{
    size_t index = 99;
    ck_assert_msg(lm_slot_find(label, &index) == LM_OK, "slot '%s' not found", label);
    return index;
}

START_TEST(slot_short_and_other_forms)
{
    ck_assert_uint_eq(slot("mon-am"), 0);
    ck_assert_uint_eq(slot("mon-pm"), 1);
    ck_assert_uint_eq(slot("mon-ev"), 2);
    ck_assert_uint_eq(slot("SUN-EV"), 20);
    ck_assert_uint_eq(slot("Wed-Evening"), 8);
    ck_assert_uint_eq(slot("monday-evening"), 2);
    ck_assert_uint_eq(slot("Thursday-Morning"), 9);
    ck_assert_uint_eq(slot("  tue-afternoon\t"), 4);
    ck_assert_uint_eq(slot("fri am"), 12);
    ck_assert_uint_eq(slot("sat_pm"), 16);
    ck_assert_uint_eq(slot("za-ochtend"), 15);
    ck_assert_uint_eq(slot("vr-avond"), 14);
    ck_assert_uint_eq(slot("wo-middag"), 7);
    ck_assert_uint_eq(slot("zondag-avond"), 20);
    ck_assert_uint_eq(slot("Dinsdag-Ochtend"), 3);
}
END_TEST

START_TEST(slot_unknown)
{
    size_t index = 7;
    static const char *const bad[] = {"", "mon", "mon-", "-am", "mon-night", "funday-am",
                                      "mon-am-pm", "monday evening x", "mo-am",
                                      "a-very-long-label-that-is-longer-than-any-slot"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        ck_assert_msg(lm_slot_find(bad[k], &index) == LM_E_NOTFOUND, "'%s' was found", bad[k]);
    ck_assert_uint_eq(index, 7);
    ck_assert_int_eq(lm_slot_find(NULL, &index), LM_E_INVALID);
    ck_assert_int_eq(lm_slot_find("mon-am", NULL), LM_E_INVALID);
}
END_TEST

START_TEST(slots_parse_masks)
{
    char error[LM_ERRMSG_MAX];
    uint64_t mask = 123;
    ck_assert_int_eq(lm__slots_parse("", &mask, error), LM_OK);
    ck_assert_uint_eq(mask, 0);
    mask = 123;
    ck_assert_int_eq(lm__slots_parse("   ", &mask, error), LM_OK);
    ck_assert_uint_eq(mask, 0);
    ck_assert_int_eq(lm__slots_parse(" ; ;", &mask, error), LM_OK);
    ck_assert_uint_eq(mask, 0);
    ck_assert_int_eq(lm__slots_parse("mon-am; wed-evening;mon-morning;SUN-EV", &mask, error),
                     LM_OK);
    ck_assert_uint_eq(mask, (UINT64_C(1) << 0) | (UINT64_C(1) << 8) | (UINT64_C(1) << 20));
    mask = 5;
    ck_assert_int_eq(lm__slots_parse("mon-am;xyz;tue-am", &mask, error), LM_E_NOTFOUND);
    ck_assert_str_eq(error, "unknown slot 'xyz'");
    ck_assert_uint_eq(mask, 5);
    ck_assert_int_eq(lm__slots_parse("mon-am; sunday night ", &mask, error), LM_E_NOTFOUND);
    ck_assert_str_eq(error, "unknown slot 'sunday night'");
    ck_assert_int_eq(lm__slots_parse("mon-am;\xff", &mask, error), LM_E_PARSE);
    ck_assert_int_eq(lm__slots_parse(NULL, &mask, error), LM_E_INVALID);
}
END_TEST

/* ---- languages ------------------------------------------------------------ */

static size_t language(const char *name)
{
    size_t index = 999;
    ck_assert_msg(lm_language_find(name, &index) == LM_OK, "language '%s' not found", name);
    return index;
}

START_TEST(language_table_shape)
{
    size_t count = lm_language_count();
    ck_assert_uint_ge(count, 45);
    ck_assert_uint_le(count, 64);
    ck_assert_str_eq(lm_language_code(0), "nl");
    ck_assert_str_eq(lm_language_code3(0), "nld");
    ck_assert_str_eq(lm_language_name_en(0), "Dutch");
    ck_assert_str_eq(lm_language_code(1), "en");
    ck_assert_str_eq(lm_language_code3(1), "eng");
    ck_assert_ptr_null(lm_language_code(count));
    ck_assert_ptr_null(lm_language_code3(count));
    ck_assert_ptr_null(lm_language_name_en(count));
    for (size_t a = 0; a < count; a++) {
        const char *code = lm_language_code(a), *code3 = lm_language_code3(a);
        size_t length = strlen(code);
        ck_assert(length == 2 || length == 3);
        ck_assert_uint_eq(strlen(code3), 3);
        if (length == 3)
            ck_assert_str_eq(code, code3);
        for (const char *c = code; *c; c++)
            ck_assert(*c >= 'a' && *c <= 'z');
        /* Every code and name finds its own entry, so none is shadowed. */
        ck_assert_uint_eq(language(code), a);
        ck_assert_uint_eq(language(code3), a);
        ck_assert_uint_eq(language(lm_language_name_en(a)), a);
        for (size_t b = 0; b < a; b++) {
            ck_assert_str_ne(code, lm_language_code(b));
            ck_assert_str_ne(code3, lm_language_code3(b));
            ck_assert_str_ne(lm_language_name_en(a), lm_language_name_en(b));
        }
    }
}
END_TEST

START_TEST(language_find_forms)
{
    size_t tigrinya = language("ti");
    ck_assert_str_eq(lm_language_code3(tigrinya), "tir");
    ck_assert_uint_eq(language("TIR"), tigrinya);
    ck_assert_uint_eq(language("tigrinya"), tigrinya);
    size_t persian = language("fa");
    ck_assert_uint_eq(language("Farsi"), persian);
    ck_assert_uint_eq(language("persian"), persian);
    ck_assert_uint_eq(language("fas"), persian);
    size_t dari = language("prs");
    ck_assert_str_eq(lm_language_code(dari), "prs");
    ck_assert_uint_ne(dari, persian);
    size_t kurdish = language("ku"), kurmanji = language("kmr"), sorani = language("ckb");
    ck_assert_uint_ne(kurdish, kurmanji);
    ck_assert_uint_ne(kurdish, sorani);
    ck_assert_uint_ne(kurmanji, sorani);
    ck_assert_uint_eq(language(" Sranan Tongo "), language("srn"));
    ck_assert_uint_eq(language("tamazight"), language("Berber"));
    ck_assert_uint_eq(language("ger"), language("de"));
    ck_assert_str_eq(lm_language_name_en(language("uk")), "Ukrainian");
    static const char *const required[] = {
        "Dutch", "English", "Arabic", "Tigrinya", "Farsi", "Dari", "Pashto", "Somali",
        "Turkish", "Kurdish", "Kurmanji", "Sorani", "Ukrainian", "Russian", "Polish",
        "Romanian", "Bulgarian", "German", "French", "Spanish", "Portuguese", "Italian",
        "Amharic", "Oromo", "Urdu", "Hindi", "Bengali", "Tamil", "Chinese", "Vietnamese",
        "Indonesian", "Papiamento", "Sranan Tongo", "Berber", "Armenian", "Georgian",
        "Azerbaijani", "Albanian", "Serbian", "Croatian", "Bosnian", "Greek", "Hungarian",
        "Swahili", "Lingala", "Tigre", "Hebrew", "Japanese", "Hausa", "Yoruba", "Frisian"};
    for (size_t k = 0; k < sizeof required / sizeof required[0]; k++)
        (void)language(required[k]);
    ck_assert_uint_ne(language("tig"), tigrinya);
}
END_TEST

START_TEST(language_unknown_and_parse)
{
    size_t index = 5;
    ck_assert_int_eq(lm_language_find("xx", &index), LM_E_NOTFOUND);
    ck_assert_int_eq(lm_language_find("", &index), LM_E_NOTFOUND);
    ck_assert_int_eq(lm_language_find("Klingon", &index), LM_E_NOTFOUND);
    ck_assert_uint_eq(index, 5);
    ck_assert_int_eq(lm_language_find(NULL, &index), LM_E_INVALID);

    char error[LM_ERRMSG_MAX];
    uint64_t mask = 77;
    ck_assert_int_eq(lm__languages_parse("", &mask, error), LM_OK);
    ck_assert_uint_eq(mask, 0);
    ck_assert_int_eq(lm__languages_parse("nl; ar ;;NL;tir", &mask, error), LM_OK);
    uint64_t expected = (UINT64_C(1) << 0) | (UINT64_C(1) << language("ar")) |
                        (UINT64_C(1) << language("ti"));
    ck_assert_uint_eq(mask, expected);
    ck_assert_int_eq(lm__languages_parse("nl;xx", &mask, error), LM_E_NOTFOUND);
    ck_assert_str_eq(error, "unknown language 'xx'");
    ck_assert_uint_eq(mask, expected);
    ck_assert_int_eq(lm__languages_parse("nl;\xc3", &mask, error), LM_E_PARSE);
}
END_TEST

/* ---- taxonomy -------------------------------------------------------------- */

static size_t topic(const lm_taxonomy *taxonomy, const char *name)
{
    size_t index = 9999;
    ck_assert_msg(lm_taxonomy_find(taxonomy, name, &index) == LM_OK, "topic '%s' not found",
                  name);
    return index;
}

static bool key_is_plain(const char *key)
{
    if (!key[0])
        return false;
    for (const char *c = key; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
            return false;
    return true;
}

START_TEST(taxonomy_shape)
{
    lm_taxonomy *taxonomy = NULL;
    ck_assert_int_eq(lm_taxonomy_new_default(&taxonomy), LM_OK);
    size_t count = lm_taxonomy_topic_count(taxonomy), categories = 0, with_synonyms = 0;
    int category = -1;
    for (size_t t = 0; t < count; t++) {
        const char *key = lm_taxonomy_topic_key(taxonomy, t);
        ck_assert_msg(key_is_plain(key), "key '%s'", key);
        ck_assert_str_ne(lm_taxonomy_topic_label_en(taxonomy, t), "");
        ck_assert_str_ne(lm_taxonomy_topic_label_nl(taxonomy, t), "");
        with_synonyms += lm_taxonomy_topic_synonym_count(taxonomy, t) > 0;
        int parent = lm_taxonomy_topic_parent(taxonomy, t);
        if (parent < 0) {
            categories++;
            category = (int)t;
        } else {
            /* Categories come first and a subtopic belongs to the last one. */
            ck_assert_int_eq(parent, category);
            ck_assert_int_eq(lm_taxonomy_topic_parent(taxonomy, (size_t)parent), -1);
        }
    }
    ck_assert_int_eq(lm_taxonomy_topic_parent(taxonomy, 0), -1);
    ck_assert_uint_ge(categories, 14);
    ck_assert_uint_ge(count - categories, 75);
    ck_assert_uint_ge(with_synonyms * 10, count * 9);
    ck_assert_ptr_null(lm_taxonomy_topic_key(taxonomy, count));
    ck_assert_int_eq(lm_taxonomy_topic_parent(taxonomy, count), -1);
    ck_assert_uint_eq(lm_taxonomy_topic_synonym_count(taxonomy, count), 0);
    ck_assert_ptr_null(lm_taxonomy_topic_synonym(taxonomy, 0, 999));
    lm_taxonomy_free(taxonomy);
}
END_TEST

START_TEST(taxonomy_required_topics)
{
    lm_taxonomy *taxonomy = NULL;
    ck_assert_int_eq(lm_taxonomy_new_default(&taxonomy), LM_OK);
    static const char *const categories[] = {
        "music", "cooking", "language", "sport", "crafts", "art", "film_media", "nature",
        "games", "digital", "work_study", "family", "health", "community"};
    for (size_t k = 0; k < sizeof categories / sizeof categories[0]; k++) {
        size_t t = topic(taxonomy, categories[k]);
        ck_assert_str_eq(lm_taxonomy_topic_key(taxonomy, t), categories[k]);
        ck_assert_int_eq(lm_taxonomy_topic_parent(taxonomy, t), -1);
    }
    static const char *const subtopics[][2] = {
        {"guitar", "music"},      {"singing", "music"},    {"baking", "cooking"},
        {"syrian_cuisine", "cooking"}, {"dutch", "language"}, {"arabic", "language"},
        {"english", "language"},  {"tigrinya", "language"}, {"farsi", "language"},
        {"football", "sport"},    {"sewing", "crafts"}};
    for (size_t k = 0; k < sizeof subtopics / sizeof subtopics[0]; k++) {
        size_t t = topic(taxonomy, subtopics[k][0]);
        ck_assert_str_eq(lm_taxonomy_topic_key(taxonomy, t), subtopics[k][0]);
        ck_assert_int_eq(lm_taxonomy_topic_parent(taxonomy, t),
                         (int)topic(taxonomy, subtopics[k][1]));
    }
    size_t guitar = topic(taxonomy, "guitar");
    ck_assert_uint_eq(topic(taxonomy, "GITAAR"), guitar);
    ck_assert_uint_eq(topic(taxonomy, "gitaar"), guitar);
    ck_assert_uint_eq(topic(taxonomy, "غيتار"), guitar);
    ck_assert_uint_eq(topic(taxonomy, " gitar "), guitar);
    ck_assert_str_eq(lm_taxonomy_topic_label_nl(taxonomy, guitar), "Gitaar");
    size_t cooking = topic(taxonomy, "cooking");
    ck_assert_uint_eq(topic(taxonomy, "Koken"), cooking);
    ck_assert_uint_eq(topic(taxonomy, "طبخ"), cooking);
    ck_assert_uint_eq(topic(taxonomy, "آشپزی"), cooking);
    size_t football = topic(taxonomy, "football");
    ck_assert_uint_eq(topic(taxonomy, "VOETBAL"), football);
    ck_assert_uint_eq(topic(taxonomy, "كرة القدم"), football);
    ck_assert_uint_eq(topic(taxonomy, "POËZIE"), topic(taxonomy, "poetry"));
    ck_assert_uint_eq(topic(taxonomy, "Oekraïens"), topic(taxonomy, "ukrainian"));
    size_t index = 1;
    ck_assert_int_eq(lm_taxonomy_find(taxonomy, "skydiving", &index), LM_E_NOTFOUND);
    ck_assert_int_eq(lm_taxonomy_find(taxonomy, "\xff", &index), LM_E_PARSE);
    ck_assert_int_eq(lm_taxonomy_find(taxonomy, NULL, &index), LM_E_INVALID);
    ck_assert_uint_eq(index, 1);
    lm_taxonomy_free(taxonomy);
}
END_TEST

/* Every key, label and synonym must find its own topic: a name two topics
 * share would silently send one of them to the other. */
START_TEST(taxonomy_names_unique)
{
    lm_taxonomy *taxonomy = NULL;
    ck_assert_int_eq(lm_taxonomy_new_default(&taxonomy), LM_OK);
    size_t count = lm_taxonomy_topic_count(taxonomy), names = 0;
    for (size_t t = 0; t < count; t++) {
        ck_assert_uint_eq(topic(taxonomy, lm_taxonomy_topic_key(taxonomy, t)), t);
        ck_assert_uint_eq(topic(taxonomy, lm_taxonomy_topic_label_en(taxonomy, t)), t);
        ck_assert_uint_eq(topic(taxonomy, lm_taxonomy_topic_label_nl(taxonomy, t)), t);
        size_t synonyms = lm_taxonomy_topic_synonym_count(taxonomy, t);
        for (size_t k = 0; k < synonyms; k++) {
            const char *synonym = lm_taxonomy_topic_synonym(taxonomy, t, k);
            ck_assert(lm__utf8_valid(synonym, strlen(synonym)));
            ck_assert_msg(topic(taxonomy, synonym) == t, "synonym '%s' of '%s'", synonym,
                          lm_taxonomy_topic_key(taxonomy, t));
        }
        names += 3 + synonyms;
    }
    ck_assert_uint_ge(names, 600);
    lm_taxonomy_free(taxonomy);
}
END_TEST

START_TEST(taxonomy_default_survives_allocation_failures)
{
    long calls = 0;
    for (long n = 1;; n++) {
        static lm_taxonomy dummy;
        lm_taxonomy *taxonomy = &dummy; /* must be reset to NULL on failure */
        lm__alloc_fail_at(n);
        int status = lm_taxonomy_new_default(&taxonomy);
        lm__alloc_fail_at(0);
        if (status == LM_OK) {
            ck_assert_uint_ge(lm_taxonomy_topic_count(taxonomy), 89);
            lm_taxonomy_free(taxonomy);
            calls = n;
            break;
        }
        ck_assert_int_eq(status, LM_E_NOMEM);
        ck_assert_ptr_null(taxonomy);
    }
    /* One allocation per string at least, so every one of them was hit. */
    ck_assert_int_gt(calls, 1000);
}
END_TEST

/* Filling directly, as a loader that keeps its taxonomy object would: a
 * failure leaves it empty and reusable. */
START_TEST(fill_default_failure_leaves_taxonomy_empty)
{
    lm_taxonomy *taxonomy = NULL;
    ck_assert_int_eq(lm_taxonomy_new(&taxonomy), LM_OK);
    lm__alloc_fail_at(50);
    ck_assert_int_eq(lm__taxonomy_fill_default(taxonomy), LM_E_NOMEM);
    lm__alloc_fail_at(0);
    ck_assert_uint_eq(lm_taxonomy_topic_count(taxonomy), 0);
    ck_assert_int_eq(lm__taxonomy_fill_default(taxonomy), LM_OK);
    ck_assert_int_eq(lm__taxonomy_fill_default(taxonomy), LM_E_INVALID);
    ck_assert_int_eq(lm__taxonomy_index(taxonomy), LM_OK);
    ck_assert_str_eq(lm_taxonomy_topic_key(taxonomy, 0), "music");
    lm_taxonomy_free(taxonomy);
}
END_TEST

/* ---- text ------------------------------------------------------------------ */

static void assert_folds(const char *text, const char *expected)
{
    int status = 1;
    char *folded = lm__fold(text, strlen(text), &status);
    ck_assert_int_eq(status, LM_OK);
    ck_assert_ptr_nonnull(folded);
    ck_assert_str_eq(folded, expected);
    lm__free(folded);
}

START_TEST(fold_scripts)
{
    assert_folds("Hello WORLD 42", "hello world 42");
    assert_folds("  \t Gitaar\r\n", "gitaar");
    assert_folds("", "");
    assert_folds(" \t ", "");
    assert_folds("Ä", "ä");
    assert_folds("É", "é");
    assert_folds("ÀÉÎÕÜÇÑØÞ", "àéîõüçñøþ");
    assert_folds("ß×÷", "ß×÷");
    assert_folds("µ", "μ");
    assert_folds("ĀĂĄĆČĎĚĞĪŁŃŇŐŒŘŠŢŮŰŸŹŻŽ", "āăąćčďěğīłńňőœřšţůűÿźżž");
    assert_folds("İstanbul ſ", "istanbul s");
    assert_folds("ıĸ", "ıĸ");
    assert_folds("ΑΒΓΔ ΣΊΆΏ", "αβγδ σίάώ");
    assert_folds("ΟΔΥΣΣΕΥΣ", "οδυσσευσ");
    assert_folds("ς", "σ");
    assert_folds("ПРИВЕТ Мир", "привет мир");
    assert_folds("ЁЇЄЎЂ", "ёїєўђ");
    assert_folds("ҐҒӀӁӐ", "ґғӏӂӑ");
    assert_folds("Ѣ", "ѣ");
    assert_folds("موسيقى ሙዚቃ 中文", "موسيقى ሙዚቃ 中文");
}
END_TEST

START_TEST(fold_rejects_invalid_utf8)
{
    static const char *const bad[] = {
        "\xff", "a\x80", "\xc0\x80", "\xc1\xbf", "\xe0\x80\x80", "\xed\xa0\x80",
        "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xe2\x82", "\xf0\x9f\x98"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        int status = 1;
        ck_assert_ptr_null(lm__fold(bad[k], strlen(bad[k]), &status));
        ck_assert_int_eq(status, LM_E_PARSE);
        ck_assert(!lm__utf8_valid(bad[k], strlen(bad[k])));
    }
    int status = 1;
    ck_assert_ptr_null(lm__fold("a\0b", 3, &status));
    ck_assert_int_eq(status, LM_E_PARSE);
    ck_assert(lm__utf8_valid("a\0b", 3));
    ck_assert(lm__utf8_valid("\xf0\x9f\x98\x80 \xe2\x82\xac \xc3\xa9", 11));
    ck_assert(lm__utf8_valid("\xf4\x8f\xbf\xbf", 4));
    /* Only `length` bytes are read: the cut-off sequence is outside. */
    ck_assert(lm__utf8_valid("ab\xe2\x82", 2));
}
END_TEST

START_TEST(fold_out_of_memory)
{
    lm__alloc_fail_at(1);
    int status = 1;
    ck_assert_ptr_null(lm__fold("Gitaar", 6, &status));
    lm__alloc_fail_at(0);
    ck_assert_int_eq(status, LM_E_NOMEM);
}
END_TEST

START_TEST(id_rules)
{
    char long_id[70];
    memset(long_id, 'a', sizeof long_id);
    ck_assert_ptr_null(lm__id_problem(long_id, 64));
    ck_assert_str_eq(lm__id_problem(long_id, 65), "is longer than 64 bytes");
    ck_assert_str_eq(lm__id_problem("", 0), "is empty");
    ck_assert_ptr_null(lm__id_problem("Amal Haddad", 11));
    ck_assert_ptr_null(lm__id_problem("أمل", strlen("أمل")));
    ck_assert_str_eq(lm__id_problem("a\tb", 3), "contains a control character");
    ck_assert_str_eq(lm__id_problem("a\x7f", 2), "contains a control character");
    ck_assert_str_eq(lm__id_problem("a\xc2\x85", 3), "contains a control character");
    ck_assert_str_eq(lm__id_problem("a\0b", 3), "contains a control character");
    ck_assert_str_eq(lm__id_problem(" a", 2), "has leading or trailing spaces");
    ck_assert_str_eq(lm__id_problem("a ", 2), "has leading or trailing spaces");
    ck_assert_str_eq(lm__id_problem("a\xff", 2), "is not valid UTF-8");
}
END_TEST

int main(void)
{
    Suite *suite = suite_create("model");
    TCase *slots = tcase_create("slots");
    tcase_add_test(slots, slot_labels_round_trip);
    tcase_add_test(slots, slot_short_and_other_forms);
    tcase_add_test(slots, slot_unknown);
    tcase_add_test(slots, slots_parse_masks);
    suite_add_tcase(suite, slots);
    TCase *languages = tcase_create("languages");
    tcase_add_test(languages, language_table_shape);
    tcase_add_test(languages, language_find_forms);
    tcase_add_test(languages, language_unknown_and_parse);
    suite_add_tcase(suite, languages);
    TCase *taxonomy = tcase_create("taxonomy");
    tcase_set_timeout(taxonomy, 120);
    tcase_add_test(taxonomy, taxonomy_shape);
    tcase_add_test(taxonomy, taxonomy_required_topics);
    tcase_add_test(taxonomy, taxonomy_names_unique);
    tcase_add_test(taxonomy, taxonomy_default_survives_allocation_failures);
    tcase_add_test(taxonomy, fill_default_failure_leaves_taxonomy_empty);
    suite_add_tcase(suite, taxonomy);
    TCase *text = tcase_create("text");
    tcase_add_test(text, fold_scripts);
    tcase_add_test(text, fold_rejects_invalid_utf8);
    tcase_add_test(text, fold_out_of_memory);
    tcase_add_test(text, id_rules);
    suite_add_tcase(suite, text);

    SRunner *runner = srunner_create(suite);
    srunner_run_all(runner, CK_ENV);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
