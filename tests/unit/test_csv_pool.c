/* CSV participants and venues: every malformed input the reader rejects, with
 * its exact message, values and warnings, and save/load round trips. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libmatch/libmatch.h"
#include "csv_fixture.h"
#include "model/model_internal.h"

/* ---- participants: the "Done when" bad inputs ----------------------------------------- */

/* Loads a bad file on top of one good participant and checks the exact
 * status and message, and that nothing of the bad file stayed. */
static void assert_rejected(const char *text, int status, const char *message)
{
    if (!lm_pool_size(pool))
        ck_assert_int_eq(load("id,role,interests\nkeep,resident,notatag\n"), LM_OK);
    size_t warnings = lm_pool_warning_count(pool);
    ck_assert_int_eq(load(text), status);
    ck_assert_str_eq(lm_errmsg(pool), message);
    ck_assert_uint_eq(lm_pool_size(pool), 1);
    ck_assert_uint_eq(lm_pool_warning_count(pool), warnings);
    ck_assert_int_eq(lm__pool_lookup(pool, "p1"), -1);
}

START_TEST(bad_unterminated_quote)
{
    assert_rejected("id,role\np1,newcomer\n\"p2,resident\np3,newcomer\n", LM_E_PARSE,
                    "pool.csv line 3: unterminated quoted field");
}
END_TEST

START_TEST(bad_missing_id_column)
{
    assert_rejected("name,role\np1,newcomer\n", LM_E_PARSE,
                    "pool.csv line 1: missing required column 'id'");
    assert_rejected("", LM_E_PARSE, "pool.csv line 1: missing required column 'id'");
    assert_rejected("id,Id\n", LM_E_PARSE, "pool.csv line 1: column 'id' appears twice");
    assert_rejected("id;role;interests\np1;newcomer;guitar\n", LM_E_PARSE,
                    "pool.csv line 1: missing required column 'id' (the file seems to use ';' "
                    "between fields; use ',')");
}
END_TEST

START_TEST(bad_duplicate_id)
{
    assert_rejected("id,role\np1,newcomer\np2,resident\n\np1,resident\n", LM_E_DUPLICATE,
                    "pool.csv line 5, column 'id': duplicate id 'p1' (first on line 2)");
    assert_rejected("id,role\nkeep,newcomer\n", LM_E_DUPLICATE,
                    "pool.csv line 2, column 'id': duplicate id 'keep' (already in the pool)");
}
END_TEST

START_TEST(bad_level)
{
    assert_rejected("id,role,interests\np1,newcomer,music\np2,resident,gitaar;cooking:1.7\n",
                    LM_E_PARSE,
                    "pool.csv line 3, column 'interests': level '1.7' of tag 'cooking' is not "
                    "a number in [0,1]");
}
END_TEST

START_TEST(bad_role)
{
    assert_rejected("id,role\np1,teacher\n", LM_E_PARSE,
                    "pool.csv line 2, column 'role': unknown role 'teacher' (newcomer, "
                    "resident, nieuwkomer, bewoner)");
    assert_rejected("id,role\np1,\n", LM_E_PARSE,
                    "pool.csv line 2, column 'role': missing role (newcomer, resident, "
                    "nieuwkomer, bewoner)");
}
END_TEST

START_TEST(bad_language)
{
    assert_rejected("id,role,languages\np1,newcomer,nl;xx\n", LM_E_NOTFOUND,
                    "pool.csv line 2, column 'languages': unknown language 'xx'");
}
END_TEST

START_TEST(bad_slot)
{
    assert_rejected("id,role,availability\np1,newcomer,mon-morning;mon-night\n", LM_E_NOTFOUND,
                    "pool.csv line 2, column 'availability': unknown slot 'mon-night'");
}
END_TEST

START_TEST(bad_latitude)
{
    assert_rejected("id,role,lat,lon\np1,newcomer,123,5.1\n", LM_E_PARSE,
                    "pool.csv line 2, column 'lat': latitude 123 is outside [-90, 90]");
}
END_TEST

START_TEST(bad_other_values)
{
    assert_rejected("id,role,lat,lon\np1,newcomer,52.1,181\n", LM_E_PARSE,
                    "pool.csv line 2, column 'lon': longitude 181 is outside [-180, 180]");
    assert_rejected("id,role,lat,lon\np1,newcomer,52.1,\n", LM_E_PARSE,
                    "pool.csv line 2, column 'lon': latitude given without longitude");
    assert_rejected("id,role,lat,lon\np1,newcomer,,5\n", LM_E_PARSE,
                    "pool.csv line 2, column 'lat': longitude given without latitude");
    assert_rejected("id,role,lat,lon\np1,newcomer,\"52,1\",5\n", LM_E_PARSE,
                    "pool.csv line 2, column 'lat': latitude '52,1' is not a decimal number "
                    "(use '.' as the decimal point)");
    assert_rejected("id,role,lat,lon\np1,newcomer,nan,5\n", LM_E_PARSE,
                    "pool.csv line 2, column 'lat': latitude 'nan' is not a decimal number");
    assert_rejected("id,role,lat\np1,newcomer,5\n", LM_E_PARSE,
                    "pool.csv line 1: column 'lat' without column 'lon'");
    assert_rejected("id,role,max_km\np1,newcomer,-3\n", LM_E_PARSE,
                    "pool.csv line 2, column 'max_km': max_km '-3' is not a positive number");
    assert_rejected("id,role,max_km\np1,newcomer,0\n", LM_E_PARSE,
                    "pool.csv line 2, column 'max_km': max_km '0' is not a positive number");
    assert_rejected("id,role,host\np1,newcomer,maybe\n", LM_E_PARSE,
                    "pool.csv line 2, column 'host': 'maybe' is not yes or no (yes, no, true, "
                    "false, 1, 0, ja, nee)");
    assert_rejected("id,role\np1,newcomer,extra\n", LM_E_PARSE,
                    "pool.csv line 2: 3 fields where the header has 2");
    assert_rejected("id,role\n,newcomer\n", LM_E_PARSE,
                    "pool.csv line 2, column 'id': missing participant id");
    assert_rejected("id,role\n0123456789012345678901234567890123456789012345678901234567890123"
                    "4,newcomer\n",
                    LM_E_PARSE,
                    "pool.csv line 2, column 'id': participant id "
                    "'01234567890123456789012345678901234567890123456789012345678901234' is "
                    "longer than 64 bytes");
    assert_rejected("id,role\n\" p1\",newcomer\n", LM_E_PARSE,
                    "pool.csv line 2, column 'id': participant id ' p1' has leading or "
                    "trailing spaces");
    assert_rejected("id,role,interests\np1,newcomer,:0.5\n", LM_E_PARSE,
                    "pool.csv line 2, column 'interests': tag ':0.5' has no name");
}
END_TEST

START_TEST(unreadable_file)
{
    char path[512];
    path_in_folder("missing.csv", path, sizeof path);
    ck_assert_int_eq(lm_pool_load_csv(pool, path), LM_E_IO);
    char expected[600];
    snprintf(expected, sizeof expected, "cannot read '%s': No such file or directory", path);
    ck_assert_str_eq(lm_errmsg(pool), expected);
    ck_assert_int_eq(lm_pool_load_csv(pool, folder), LM_E_IO);
    ck_assert_ptr_nonnull(strstr(lm_errmsg(pool), "Is a directory"));
    /* a readable file names itself in messages */
    path_in_folder("people.csv", path, sizeof path);
    write_text(path, "id,role\np1,newcomer\np2,student\n");
    ck_assert_int_eq(lm_pool_load_csv(pool, path), LM_E_PARSE);
    snprintf(expected, sizeof expected,
             "%s line 3, column 'role': unknown role 'student' (newcomer, resident, "
             "nieuwkomer, bewoner)",
             path);
    ck_assert_str_eq(lm_errmsg(pool), expected);
    write_text(path, "id,role\np1,newcomer\np2,bewoner\n");
    ck_assert_int_eq(lm_pool_load_csv(pool, path), LM_OK);
    ck_assert_uint_eq(lm_pool_size(pool), 2);
}
END_TEST

/* ---- participants: values and warnings -------------------------------------------------- */

START_TEST(guitar_and_gitaar)
{
    ck_assert_int_eq(load("id,role,interests\na,newcomer,guitar\nb,resident,gitaar\n"), LM_OK);
    size_t guitar = topic("guitar"), music = topic("music");
    for (int k = 0; k < 2; k++) {
        ck_assert_double_eq(lm_pool_value(pool, (size_t)k, LM_INTERESTS, guitar), 1.0);
        ck_assert_double_eq(lm_pool_value(pool, (size_t)k, LM_INTERESTS, music), 0.5);
    }
    ck_assert_uint_eq(lm_pool_warning_count(pool), 0);
}
END_TEST

START_TEST(every_column)
{
    const char *text =
        "\xef\xbb\xbf Id ,ROLE,interests,offers,wants,languages,availability,lat,lon,max_km,"
        "step_free,host\r\n"
        "p1,Nieuwkomer,\"singing:0.8; cooking\",arabic,dutch:0.6,ar;nl,mon-morning;tue-ev,"
        "52.0907,5.1214,3.5,JA,true\r\n"
        "\r\n"
        "p2,resident,,,,,, , ,,,\r\n"
        "\"p,3\",BEWONER,,,,en,sun-evening,-33.9,18.4,,nee,1\r\n";
    ck_assert_int_eq(load(text), LM_OK);
    ck_assert_uint_eq(lm_pool_size(pool), 3);
    size_t p1 = find("p1"), p2 = find("p2"), p3 = find("p,3");
    ck_assert_int_eq(lm_pool_role(pool, p1), LM_NEWCOMER);
    ck_assert_int_eq(lm_pool_role(pool, p2), LM_RESIDENT);
    ck_assert_int_eq(lm_pool_role(pool, p3), LM_RESIDENT);
    ck_assert_uint_eq(lm_pool_line(pool, p1), 2);
    ck_assert_uint_eq(lm_pool_line(pool, p2), 4);
    ck_assert_uint_eq(lm_pool_line(pool, p3), 5);
    ck_assert_double_eq(lm_pool_value(pool, p1, LM_INTERESTS, topic("singing")), 0.8);
    ck_assert_double_eq(lm_pool_value(pool, p1, LM_INTERESTS, topic("music")), 0.4);
    ck_assert_double_eq(lm_pool_value(pool, p1, LM_INTERESTS, topic("cooking")), 1.0);
    ck_assert_double_eq(lm_pool_value(pool, p1, LM_OFFERS, topic("arabic")), 1.0);
    ck_assert_double_eq(lm_pool_value(pool, p1, LM_WANTS, topic("dutch")), 0.6);
    size_t ar, nl, en, mon_morning, tue_evening, sun_evening;
    ck_assert_int_eq(lm_language_find("ar", &ar), LM_OK);
    ck_assert_int_eq(lm_language_find("nl", &nl), LM_OK);
    ck_assert_int_eq(lm_language_find("en", &en), LM_OK);
    ck_assert_int_eq(lm_slot_find("mon-morning", &mon_morning), LM_OK);
    ck_assert_int_eq(lm_slot_find("tue-evening", &tue_evening), LM_OK);
    ck_assert_int_eq(lm_slot_find("sun-evening", &sun_evening), LM_OK);
    ck_assert_uint_eq(lm_pool_language_mask(pool, p1), (1ull << ar) | (1ull << nl));
    ck_assert_uint_eq(lm_pool_availability_mask(pool, p1),
                      (1ull << mon_morning) | (1ull << tue_evening));
    double lat, lon, max_km;
    ck_assert(lm_pool_location(pool, p1, &lat, &lon, &max_km));
    ck_assert_double_eq(lat, 52.0907);
    ck_assert_double_eq(lon, 5.1214);
    ck_assert_double_eq(max_km, 3.5);
    ck_assert(lm_pool_step_free(pool, p1) && lm_pool_host(pool, p1));
    ck_assert(!lm_pool_location(pool, p2, NULL, NULL, NULL));
    ck_assert_uint_eq(lm_pool_language_mask(pool, p2), 0);
    ck_assert_uint_eq(lm_pool_availability_mask(pool, p2), 0);
    ck_assert(!lm_pool_step_free(pool, p2) && !lm_pool_host(pool, p2));
    ck_assert(lm_pool_location(pool, p3, &lat, &lon, &max_km));
    ck_assert_double_eq(lat, -33.9);
    ck_assert(max_km <= 0);
    ck_assert(!lm_pool_step_free(pool, p3) && lm_pool_host(pool, p3));
    ck_assert_uint_eq(lm_pool_availability_mask(pool, p3), 1ull << sun_evening);
}
END_TEST

START_TEST(booleans)
{
    static const char *const yes[] = {"yes", "YES", "true", "True", "1", "ja", "Ja"};
    static const char *const no[] = {"no", "No", "false", "FALSE", "0", "nee", ""};
    char text[128];
    for (size_t k = 0; k < 7; k++) {
        snprintf(text, sizeof text, "id,role,host,step_free\ny%zu,newcomer,%s,%s\n", k, yes[k],
                 no[k]);
        ck_assert_int_eq(load(text), LM_OK);
        size_t index = lm_pool_size(pool) - 1;
        ck_assert(lm_pool_host(pool, index));
        ck_assert(!lm_pool_step_free(pool, index));
    }
}
END_TEST

START_TEST(warnings_with_lines)
{
    const char *text = "id,role,interests,notes,offers,\n"
                       "p1,newcomer,guitar;underwater basket weaving,hi,,\n"
                       "p2,resident,,,\"xyzzy\",\n";
    ck_assert_int_eq(load(text), LM_OK);
    /* 'notes' is kept as a display column, without a warning */
    ck_assert_uint_eq(lm_pool_column_count(pool), 1);
    ck_assert_str_eq(lm_pool_column_name(pool, 0), "notes");
    ck_assert_str_eq(lm_pool_column_value(pool, find("p1"), 0), "hi");
    ck_assert_str_eq(lm_pool_column_value(pool, find("p2"), 0), "");
    ck_assert_uint_eq(lm_pool_warning_count(pool), 3);
    ck_assert_uint_eq(lm_pool_warning_line(pool, 0), 1);
    ck_assert_str_eq(lm_pool_warning_column(pool, 0), "");
    ck_assert_str_eq(lm_pool_warning_message(pool, 0), "column 6 has no name and is ignored");
    ck_assert_uint_eq(lm_pool_warning_line(pool, 1), 2);
    ck_assert_str_eq(lm_pool_warning_column(pool, 1), "interests");
    ck_assert_str_eq(lm_pool_warning_message(pool, 1),
                     "participant 'p1': unknown tag 'underwater basket weaving'");
    ck_assert_uint_eq(lm_pool_warning_line(pool, 2), 3);
    ck_assert_str_eq(lm_pool_warning_column(pool, 2), "offers");
    ck_assert_str_eq(lm_pool_warning_message(pool, 2), "participant 'p2': unknown tag 'xyzzy'");
    ck_assert_double_eq(lm_pool_value(pool, find("p1"), LM_INTERESTS, topic("guitar")), 1.0);
}
END_TEST

START_TEST(strict_mode)
{
    ck_assert_int_eq(lm_pool_set_strict(pool, true), LM_OK);
    const char *text = "id,role,offers,extra\np1,newcomer,guitar,x\np2,resident,xyzzy,y\n";
    ck_assert_int_eq(load(text), LM_E_NOTFOUND);
    ck_assert_str_eq(lm_errmsg(pool), "pool.csv line 3, column 'offers': unknown tag 'xyzzy'");
    ck_assert_uint_eq(lm_pool_size(pool), 0);
    ck_assert_uint_eq(lm_pool_warning_count(pool), 0);
    ck_assert_uint_eq(lm_pool_column_count(pool), 0);
    /* unknown columns are display columns in strict mode too */
    ck_assert_int_eq(load("id,role,offers,extra\np1,newcomer,guitar,x\n"), LM_OK);
    ck_assert_uint_eq(lm_pool_warning_count(pool), 0);
    ck_assert_str_eq(lm_pool_column_name(pool, 0), "extra");
    ck_assert_str_eq(lm_pool_column_value(pool, 0, 0), "x");
}
END_TEST

/* ---- round trips ------------------------------------------------------------------------- */

static void assert_same_participants(const lm_pool *a, const lm_pool *b)
{
    ck_assert_uint_eq(lm_pool_size(a), lm_pool_size(b));
    for (size_t i = 0; i < lm_pool_size(a); i++) {
        const lm_participant *p = &a->people[i], *q = &b->people[i];
        ck_assert_str_eq(p->id, q->id);
        ck_assert_int_eq(p->role, q->role);
        for (int v = 0; v < 3; v++) {
            size_t n, m;
            const lm_entry *x = lm__vec(p, v, &n), *y = lm__vec(q, v, &m);
            ck_assert_msg(n == m, "%s vector %d: %zu entries, read back %zu", p->id, v, n, m);
            for (size_t k = 0; k < n; k++) {
                ck_assert_uint_eq(x[k].topic, y[k].topic);
                ck_assert_msg(x[k].value == y[k].value, "%s vector %d topic %u: %.17g != %.17g",
                              p->id, v, x[k].topic, x[k].value, y[k].value);
            }
        }
        ck_assert_uint_eq(p->languages, q->languages);
        ck_assert_uint_eq(p->availability, q->availability);
        ck_assert_int_eq(p->has_location, q->has_location);
        if (p->has_location) {
            ck_assert(p->lat == q->lat && p->lon == q->lon);
        }
        ck_assert((p->max_km > 0 ? p->max_km : 0) == (q->max_km > 0 ? q->max_km : 0));
        ck_assert_int_eq(p->step_free, q->step_free);
        ck_assert_int_eq(p->host, q->host);
    }
}

START_TEST(save_and_load_round_trip)
{
    ck_assert_int_eq(lm_pool_generate(pool, 300, 0.3, 6, 7), LM_OK);
    /* awkward ids and levels that only set_value can make */
    size_t odd;
    ck_assert_int_eq(lm_pool_add(pool, "a, \"quoted\" id", LM_NEWCOMER, &odd), LM_OK);
    size_t music = topic("music"), guitar = topic("guitar"), cooking = topic("cooking");
    ck_assert_int_eq(lm_pool_set_value(pool, odd, LM_INTERESTS, music, 1.0), LM_OK);
    ck_assert_int_eq(lm_pool_set_value(pool, odd, LM_INTERESTS, guitar, 0.1 + 0.2), LM_OK);
    ck_assert_int_eq(lm_pool_set_value(pool, odd, LM_OFFERS, cooking, 1.0 / 3.0), LM_OK);
    ck_assert_int_eq(lm_pool_set_value(pool, odd, LM_WANTS, cooking, 1e-7), LM_OK);
    ck_assert_int_eq(lm_pool_set_location(pool, odd, 52.1, -0.000001, 2.25), LM_OK);
    /* Random full-precision levels on every subtopic, parents at 1. Each is
     * first read by the tag reader from its 17-digit text, so it is a level
     * a tag can express; the writer must find a text that gives it back. */
    size_t random;
    ck_assert_int_eq(lm_pool_add(pool, "random", LM_RESIDENT, &random), LM_OK);
    const lm_taxonomy *taxonomy = lm_pool_taxonomy(pool);
    size_t topics = lm_taxonomy_topic_count(taxonomy);
    double *dense = calloc(topics, sizeof *dense);
    uint64_t state = 0x9e3779b97f4a7c15ull;
    for (size_t t = 0; t < topics; t++) {
        state ^= state << 13, state ^= state >> 7, state ^= state << 17;
        double level = (double)(state >> 11) / 9007199254740992.0;
        if (lm_taxonomy_topic_parent(taxonomy, t) >= 0) {
            char tag[128], error[LM_ERRMSG_MAX];
            snprintf(tag, sizeof tag, "%s:%.17f", lm_taxonomy_topic_key(taxonomy, t), level);
            memset(dense, 0, topics * sizeof *dense);
            ck_assert_int_eq(lm__tags_parse(taxonomy, 0.5, tag, dense, NULL, NULL, error), LM_OK);
            level = dense[t];
        } else {
            level = 1.0;
        }
        ck_assert_int_eq(lm_pool_set_value(pool, random, LM_INTERESTS, t, level), LM_OK);
    }
    free(dense);
    char path[512], venues[512];
    path_in_folder("saved.csv", path, sizeof path);
    path_in_folder("venues.csv", venues, sizeof venues);
    ck_assert_int_eq(lm_pool_save_csv(pool, path), LM_OK);
    ck_assert_int_eq(lm_pool_save_venues_csv(pool, venues), LM_OK);
    lm_pool *copy;
    ck_assert_int_eq(lm_pool_new(NULL, &copy), LM_OK);
    ck_assert_int_eq(lm_pool_load_csv(copy, path), LM_OK);
    ck_assert_int_eq(lm_pool_load_venues_csv(copy, venues), LM_OK);
    ck_assert_uint_eq(lm_pool_warning_count(copy), 0);
    assert_same_participants(pool, copy);
    ck_assert_uint_eq(lm_pool_venue_count(copy), lm_pool_venue_count(pool));
    for (size_t v = 0; v < lm_pool_venue_count(pool); v++) {
        double a, b, c, d;
        ck_assert_str_eq(lm_pool_venue_id(pool, v), lm_pool_venue_id(copy, v));
        lm_pool_venue_location(pool, v, &a, &b);
        lm_pool_venue_location(copy, v, &c, &d);
        ck_assert(a == c && b == d);
        ck_assert_uint_eq(lm_pool_venue_open_mask(pool, v), lm_pool_venue_open_mask(copy, v));
        ck_assert_uint_eq(lm_pool_venue_capacity(pool, v), lm_pool_venue_capacity(copy, v));
        ck_assert_int_eq(lm_pool_venue_step_free(pool, v), lm_pool_venue_step_free(copy, v));
    }
    /* saving the copy gives the same bytes: the format is stable */
    char again[512];
    path_in_folder("again.csv", again, sizeof again);
    ck_assert_int_eq(lm_pool_save_csv(copy, again), LM_OK);
    char *first = read_text(path), *second = read_text(again);
    ck_assert_str_eq(first, second);
    ck_assert_ptr_nonnull(strstr(first, "\"a, \"\"quoted\"\" id\",newcomer,"
                                        "music;guitar:0.30000000000000004,cooking:0."));
    free(first);
    free(second);
    lm_pool_free(copy);
}
END_TEST

START_TEST(keys_find_their_topics)
{
    /* Saved pools name topics by key, so every key must find its own topic. */
    const lm_taxonomy *taxonomy = lm_pool_taxonomy(pool);
    for (size_t t = 0; t < lm_taxonomy_topic_count(taxonomy); t++) {
        size_t found = 0;
        const char *key = lm_taxonomy_topic_key(taxonomy, t);
        ck_assert_int_eq(lm_taxonomy_find(taxonomy, key, &found), LM_OK);
        ck_assert_msg(found == t, "key '%s' finds topic %zu", key, found);
    }
}
END_TEST

START_TEST(saved_text_is_exact)
{
    ck_assert_int_eq(load("id,role,interests,languages,availability,lat,lon,max_km,host\n"
                          "p1,newcomer,gitaar;baking:0.25,ar;nl,tue-pm;mon-am,52.09,5.12,4,ja\n"
                          "p2,resident,,,,,,,\n"),
                     LM_OK);
    char path[512];
    path_in_folder("p.csv", path, sizeof path);
    ck_assert_int_eq(lm_pool_save_csv(pool, path), LM_OK);
    char *text = read_text(path);
    ck_assert_str_eq(text,
                     "id,role,interests,offers,wants,languages,availability,lat,lon,max_km,"
                     "step_free,host\n"
                     "p1,newcomer,music:0.5;guitar;cooking:0.125;baking:0.25,,,nl;ar,"
                     "mon-morning;tue-afternoon,52.09,5.12,4,no,yes\n"
                     "p2,resident,,,,,,,,,no,no\n");
    free(text);
}
END_TEST

/* The fuzz_pool_csv finding: a display column named near a known one
 * ('interest') warns on the sheet, and the saved pool, which has the real
 * 'interests' beside it, must load back without a warning. The hint is only
 * for a known column the file lacks. */
START_TEST(display_column_near_known_one_round_trips)
{
    ck_assert_int_eq(load("id,role,interest,sextra,\n"
                          "p1,newcomer,underwater basket weaving;guitar,x,\n"),
                     LM_OK);
    ck_assert_uint_eq(lm_pool_warning_count(pool), 2);
    ck_assert_str_eq(lm_pool_warning_message(pool, 0),
                     "column 'interest' is kept for display only \xe2\x80\x94 did you mean "
                     "'interests'?");
    ck_assert_str_eq(lm_pool_warning_message(pool, 1), "column 5 has no name and is ignored");
    char path[512];
    path_in_folder("saved.csv", path, sizeof path);
    ck_assert_int_eq(lm_pool_save_csv(pool, path), LM_OK);
    lm_pool *copy;
    ck_assert_int_eq(lm_pool_new(NULL, &copy), LM_OK);
    ck_assert_int_eq(lm_pool_load_csv(copy, path), LM_OK);
    ck_assert_uint_eq(lm_pool_warning_count(copy), 0);
    assert_same_participants(pool, copy);
    ck_assert_uint_eq(lm_pool_column_count(copy), 2);
    ck_assert_str_eq(lm_pool_column_name(copy, 0), "interest");
    ck_assert_str_eq(lm_pool_column_name(copy, 1), "sextra");
    ck_assert_str_eq(lm_pool_column_value(copy, 0, 0), "underwater basket weaving;guitar");
    ck_assert_str_eq(lm_pool_column_value(copy, 0, 1), "x");
    lm_pool_free(copy);
    /* the same near name beside the real column, in either order: no hint */
    lm_pool_free(pool);
    ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
    ck_assert_int_eq(load("id,role,interest,interests\np1,newcomer,a,guitar\n"), LM_OK);
    ck_assert_uint_eq(lm_pool_warning_count(pool), 0);
    ck_assert_int_eq(load("id,languages,languags,role\np2,nl,b,resident\n"), LM_OK);
    ck_assert_uint_eq(lm_pool_warning_count(pool), 0);
    ck_assert_uint_eq(lm_pool_column_count(pool), 2);
}
END_TEST

/* ---- venues ----------------------------------------------------------------------------- */

START_TEST(venues)
{
    const char *text = "id,lat,lon,open,capacity,step_free,phone\n"
                       "huiskamer,52.09,5.12,mon-evening;wed-morning,3,yes,123\n"
                       "voorkamer,52.1,5.1,,,,\n"
                       "closed,52.0,5.0,none,1,no,\n";
    ck_assert_int_eq(lm_pool_load_venues_csv_buffer(pool, "venues.csv", text, strlen(text)),
                     LM_OK);
    ck_assert_uint_eq(lm_pool_venue_count(pool), 3);
    size_t mon_evening, wed_morning;
    ck_assert_int_eq(lm_slot_find("mon-evening", &mon_evening), LM_OK);
    ck_assert_int_eq(lm_slot_find("wed-morning", &wed_morning), LM_OK);
    ck_assert_uint_eq(lm_pool_venue_open_mask(pool, 0),
                      (1ull << mon_evening) | (1ull << wed_morning));
    ck_assert_uint_eq(lm_pool_venue_capacity(pool, 0), 3);
    ck_assert(lm_pool_venue_step_free(pool, 0));
    ck_assert_uint_eq(lm_pool_venue_open_mask(pool, 1), (1ull << lm_slot_count()) - 1);
    ck_assert_uint_eq(lm_pool_venue_capacity(pool, 1), 1);
    ck_assert(!lm_pool_venue_step_free(pool, 1));
    ck_assert_uint_eq(lm_pool_venue_open_mask(pool, 2), 0);
    ck_assert_uint_eq(lm_pool_warning_count(pool), 1);
    ck_assert_str_eq(lm_pool_warning_column(pool, 0), "phone");

    static const struct {
        const char *text;
        int status;
        const char *message;
    } bad[] = {
        {"id,lat\nx,5\n", LM_E_PARSE, "v.csv line 1: missing required column 'lon'"},
        {"id,lat,lon\nx,,5\n", LM_E_PARSE,
         "v.csv line 2, column 'lat': longitude given without latitude"},
        {"id,lat,lon\nx,,\n", LM_E_PARSE, "v.csv line 2, column 'lat': missing latitude"},
        {"id,lat,lon\nx,95,5\n", LM_E_PARSE,
         "v.csv line 2, column 'lat': latitude 95 is outside [-90, 90]"},
        {"id,lat,lon,capacity\nx,5,5,0\n", LM_E_PARSE,
         "v.csv line 2, column 'capacity': capacity '0' is not a whole number from 1 to "
         "1000000"},
        {"id,lat,lon,capacity\nx,5,5,2.5\n", LM_E_PARSE,
         "v.csv line 2, column 'capacity': capacity '2.5' is not a whole number from 1 to "
         "1000000"},
        {"id,lat,lon,open\nx,5,5,mon-night\n", LM_E_NOTFOUND,
         "v.csv line 2, column 'open': unknown slot 'mon-night'"},
        {"id,lat,lon\nx,5,5\ny,5,5\nx,1,1\n", LM_E_DUPLICATE,
         "v.csv line 4, column 'id': duplicate venue id 'x' (first on line 2)"},
        {"id,lat,lon\nhuiskamer,5,5\n", LM_E_DUPLICATE,
         "v.csv line 2, column 'id': duplicate venue id 'huiskamer' (already in the pool)"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        ck_assert_int_eq(
            lm_pool_load_venues_csv_buffer(pool, "v.csv", bad[k].text, strlen(bad[k].text)),
            bad[k].status);
        ck_assert_str_eq(lm_errmsg(pool), bad[k].message);
        ck_assert_uint_eq(lm_pool_venue_count(pool), 3);
        ck_assert_uint_eq(lm_pool_warning_count(pool), 1);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("csv_pool");
    TCase *bad = tcase_create("bad_input");
    tcase_add_checked_fixture(bad, setup, teardown);
    tcase_add_test(bad, bad_unterminated_quote);
    tcase_add_test(bad, bad_missing_id_column);
    tcase_add_test(bad, bad_duplicate_id);
    tcase_add_test(bad, bad_level);
    tcase_add_test(bad, bad_role);
    tcase_add_test(bad, bad_language);
    tcase_add_test(bad, bad_slot);
    tcase_add_test(bad, bad_latitude);
    tcase_add_test(bad, bad_other_values);
    tcase_add_test(bad, unreadable_file);
    suite_add_tcase(s, bad);

    TCase *pools = tcase_create("pools");
    tcase_add_checked_fixture(pools, setup, teardown);
    tcase_set_timeout(pools, 60);
    tcase_add_test(pools, guitar_and_gitaar);
    tcase_add_test(pools, every_column);
    tcase_add_test(pools, booleans);
    tcase_add_test(pools, warnings_with_lines);
    tcase_add_test(pools, strict_mode);
    tcase_add_test(pools, save_and_load_round_trip);
    tcase_add_test(pools, keys_find_their_topics);
    tcase_add_test(pools, saved_text_is_exact);
    tcase_add_test(pools, display_column_near_known_one_round_trips);
    tcase_add_test(pools, venues);
    suite_add_tcase(s, pools);

    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
