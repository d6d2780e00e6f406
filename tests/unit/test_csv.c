/* CSV: the RFC 4180 tokenizer, participants and venues (every "Done when"
 * bad input of issue 2 with its exact message), save/load round trips, the
 * taxonomy CSV and the groups CSV. */
#include <check.h>
#include <dirent.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "libmatch/libmatch.h"
#include "csv_internal.h"
#include "grouping_internal.h"
#include "model_internal.h"
#include "result_internal.h"

/* ---- helpers ------------------------------------------------------------------------ */

static lm_pool *pool;
static char folder[256];

static void setup(void)
{
    ck_assert_int_eq(lm_pool_new(NULL, &pool), LM_OK);
    const char *tmp = getenv("TMPDIR");
    snprintf(folder, sizeof folder, "%s/lm_csv_XXXXXX", tmp && *tmp ? tmp : "/tmp");
    ck_assert_ptr_nonnull(mkdtemp(folder));
}

static void teardown(void)
{
    lm_pool_free(pool);
    pool = NULL;
    DIR *dir = opendir(folder);
    if (dir) {
        struct dirent *entry;
        char path[512];
        while ((entry = readdir(dir)))
            if (entry->d_name[0] != '.' || strlen(entry->d_name) > 2) {
                snprintf(path, sizeof path, "%s/%s", folder, entry->d_name);
                unlink(path);
            }
        closedir(dir);
    }
    rmdir(folder);
}

static int load(const char *text)
{
    return lm_pool_load_csv_buffer(pool, "pool.csv", text, strlen(text));
}

static size_t topic(const char *name)
{
    size_t index = 0;
    ck_assert_msg(lm_taxonomy_find(lm_pool_taxonomy(pool), name, &index) == LM_OK,
                  "no topic '%s'", name);
    return index;
}

static size_t find(const char *id)
{
    size_t index = 0;
    ck_assert_msg(lm_pool_find(pool, id, &index) == LM_OK, "no participant '%s'", id);
    return index;
}

static char *path_in_folder(const char *name, char *out, size_t size)
{
    snprintf(out, size, "%s/%s", folder, name);
    return out;
}

static void write_text(const char *path, const char *text)
{
    FILE *file = fopen(path, "wb");
    ck_assert_ptr_nonnull(file);
    fputs(text, file);
    fclose(file);
}

/* Reads a whole (small) file; the caller frees. */
static char *read_text(const char *path)
{
    FILE *file = fopen(path, "rb");
    ck_assert_ptr_nonnull(file);
    char *text = calloc(1, 1 << 20);
    size_t length = fread(text, 1, (1 << 20) - 1, file);
    text[length] = '\0';
    fclose(file);
    return text;
}

/* ---- tokenizer ---------------------------------------------------------------------- */

/* Appends text to a bounded rendering, dropping what does not fit. */
static void render(char *out, size_t size, size_t *used, const char *text)
{
    size_t length = strlen(text);
    if (*used + length >= size)
        length = size - *used - 1;
    memcpy(out + *used, text, length);
    *used += length;
    out[*used] = '\0';
}

/* Tokenizes text into "line:field|field\n" per record ("1:a|b\n3:c\n"),
 * marking blank records. Returns the status; the rendering goes to out. */
static int tokenize(const char *text, size_t size, char *out, size_t out_size, char *error)
{
    lm_csv *csv = malloc(sizeof *csv);
    ck_assert_ptr_nonnull(csv);
    int status = lm__csv_init(csv, text, size);
    out[0] = '\0';
    size_t used = 0;
    while (status == LM_OK) {
        bool record;
        status = lm__csv_next(csv, &record);
        if (status != LM_OK || !record)
            break;
        char line[32];
        snprintf(line, sizeof line, "%zu:", csv->record_line);
        render(out, out_size, &used, line);
        for (size_t k = 0; k < csv->field_count; k++) {
            if (k)
                render(out, out_size, &used, "|");
            render(out, out_size, &used, lm__csv_field(csv, k));
        }
        render(out, out_size, &used, lm__csv_blank(csv) ? " (blank)\n" : "\n");
    }
    if (error)
        strcpy(error, csv->error);
    lm__csv_free(csv);
    free(csv);
    return status;
}

static void assert_tokens(const char *text, const char *expected)
{
    char out[4096], error[LM_ERRMSG_MAX];
    ck_assert_int_eq(tokenize(text, strlen(text), out, sizeof out, error), LM_OK);
    ck_assert_str_eq(out, expected);
}

static void assert_token_error(const char *text, size_t size, int status, const char *message)
{
    char out[4096], error[LM_ERRMSG_MAX];
    ck_assert_int_eq(tokenize(text, size, out, sizeof out, error), status);
    ck_assert_str_eq(error, message);
}

START_TEST(tokenizer_fields_and_quotes)
{
    assert_tokens("a,b,c\n1,2,3", "1:a|b|c\n2:1|2|3\n");
    assert_tokens("\"a,b\",\"say \"\"hi\"\"\",c\n", "1:a,b|say \"hi\"|c\n");
    assert_tokens(",a,,\n", "1:|a||\n");
    assert_tokens("\"\",x\n", "1:|x\n");
    assert_tokens("", "");
    assert_tokens("caf\xc3\xa9,\xd9\x85\xd9\x88\n", "1:caf\xc3\xa9|\xd9\x85\xd9\x88\n");
}
END_TEST

START_TEST(tokenizer_lines)
{
    /* quoted newlines advance the line of the next record */
    assert_tokens("x,\"line1\nline2\"\ny,z\n", "1:x|line1\nline2\n3:y|z\n");
    assert_tokens("a,b\r\nc,d\r\n", "1:a|b\n2:c|d\n");
    assert_tokens("\"a\r\nb\",c\r\nd\r\n", "1:a\r\nb|c\n3:d\n");
    assert_tokens("\xef\xbb\xbfid,role\n", "1:id|role\n");
    assert_tokens("a\n\nb\n\n", "1:a\n2: (blank)\n3:b\n4: (blank)\n");
    assert_tokens(",,\n", "1:|| (blank)\n");
    assert_tokens(" \t, \n", "1: \t|  (blank)\n");
    assert_tokens("\"\"\n", "1:\n");
}
END_TEST

START_TEST(tokenizer_errors)
{
    assert_token_error("a,\"bc\n\nd", 8, LM_E_PARSE, "line 1: unterminated quoted field");
    assert_token_error("a\nb\n\"x", 6, LM_E_PARSE, "line 3: unterminated quoted field");
    assert_token_error("a\nab\"c\n", 7, LM_E_PARSE,
                       "line 2: quote inside an unquoted field (quote the whole field and "
                       "double the quote)");
    assert_token_error("\"ab\"c\n", 6, LM_E_PARSE, "line 1: text after a closing quote");
    assert_token_error("\"ab\" ,c\n", 8, LM_E_PARSE, "line 1: text after a closing quote");
    assert_token_error("a\nb\0c\n", 6, LM_E_PARSE, "line 2: NUL byte");
    assert_token_error("\"x\n\0\"", 5, LM_E_PARSE, "line 2: NUL byte");
    assert_token_error("ok\n\xff\n", 5, LM_E_PARSE, "line 2: invalid UTF-8");
    assert_token_error("\xc0\x80", 2, LM_E_PARSE, "line 1: invalid UTF-8");       /* overlong */
    assert_token_error("\xed\xa0\x80", 3, LM_E_PARSE, "line 1: invalid UTF-8");   /* surrogate */
    assert_token_error("\xf4\x90\x80\x80", 4, LM_E_PARSE, "line 1: invalid UTF-8");
    assert_token_error("\xe2\x82", 2, LM_E_PARSE, "line 1: invalid UTF-8");       /* truncated */
    assert_token_error("a\rb\n", 4, LM_E_PARSE,
                       "line 1: carriage return not followed by a line feed");
    assert_token_error("\xff\xfei\0d\0", 6, LM_E_PARSE,
                       "line 1: invalid UTF-8 (the file is UTF-16; save it as UTF-8)");
}
END_TEST

START_TEST(tokenizer_limits)
{
    /* 1024 fields are fine, 1025 are not */
    char *text = malloc(4096);
    memset(text, ',', 1023);
    text[1023] = '\n';
    char out[8192];
    ck_assert_int_eq(tokenize(text, 1024, out, sizeof out, NULL), LM_OK);
    memset(text, ',', 1024);
    assert_token_error(text, 1024, LM_E_TOO_LARGE, "line 1: more than 1024 fields in a record");
    free(text);
    /* a field of exactly 1 MiB is fine, one byte more is not */
    size_t big = LM_CSV_MAX_FIELD;
    text = malloc(big + 3);
    memset(text, 'x', big + 3);
    ck_assert_int_eq(tokenize(text, big, out, 16, NULL), LM_OK);
    assert_token_error(text, big + 1, LM_E_TOO_LARGE, "line 1: field longer than 1 MiB");
    text[0] = '"';
    text[big + 1] = '"';
    ck_assert_int_eq(tokenize(text, big + 2, out, 16, NULL), LM_OK);
    text[big + 1] = 'x';
    text[big + 2] = '"';
    assert_token_error(text, big + 3, LM_E_TOO_LARGE, "line 1: field longer than 1 MiB");
    free(text);
    /* the file limit is checked before a byte is read */
    lm_csv *csv = malloc(sizeof *csv);
    ck_assert_int_eq(lm__csv_init(csv, "abc", LM_CSV_MAX_FILE + 1), LM_E_TOO_LARGE);
    ck_assert_str_eq(csv->error, "input is larger than 1 GiB");
    lm__csv_free(csv);
    free(csv);
    ck_assert_int_eq(lm_pool_load_csv_buffer(pool, "big.csv", "abc", LM_CSV_MAX_FILE + 1),
                     LM_E_TOO_LARGE);
    ck_assert_str_eq(lm_errmsg(pool), "big.csv: input is larger than 1 GiB");
}
END_TEST

START_TEST(numbers_without_locale)
{
    static const struct {
        const char *text;
        double value;
    } good[] = {
        {"52.09", 52.09}, {"-5", -5.0}, {"+1.5e3", 1500.0}, {".5", 0.5}, {"5.", 5.0},
        {"0.000125", 0.000125}, {"1E-2", 0.01}, {"007", 7.0}, {"-0", 0.0},
        {"123456789012345678901234567890", 1.2345678901234568e29},
    };
    for (size_t k = 0; k < sizeof good / sizeof *good; k++) {
        double value = -1;
        ck_assert_msg(lm__parse_double(good[k].text, &value), "'%s' rejected", good[k].text);
        ck_assert_double_eq(value, good[k].value);
    }
    static const char *const bad[] = {"", "-", ".", "nan", "NaN", "inf", "-infinity", "0x10",
                                      "1,5", "1.2.3", "1e", "1e+", "12abc", " 1", "1e400",
                                      "--1", "1_000"};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        double value;
        ck_assert_msg(!lm__parse_double(bad[k], &value), "'%s' accepted", bad[k]);
    }
    uint64_t n;
    ck_assert(lm__parse_uint("42", &n) && n == 42);
    ck_assert(!lm__parse_uint("-1", &n) && !lm__parse_uint("1.0", &n) &&
              !lm__parse_uint("", &n) && !lm__parse_uint("1234567890123456789", &n));
    /* The shortest text that reads back exactly, for many doubles. */
    uint64_t state = 88172645463325252ull;
    for (int k = 0; k < 20000; k++) {
        state ^= state << 13, state ^= state >> 7, state ^= state << 17;
        double value;
        uint64_t bits = state;
        memcpy(&value, &bits, sizeof value);
        if (!isfinite(value))
            continue;
        char text[32], again[32];
        lm__format_double(value, text);
        double back;
        ck_assert_msg(lm__parse_double(text, &back) && back == value, "%s", text);
        lm__format_double(back, again);
        ck_assert_str_eq(text, again);
    }
    char text[32];
    lm__format_double(0.1, text);
    ck_assert_str_eq(text, "0.1");
    lm__format_double(52.0907, text);
    ck_assert_str_eq(text, "52.0907");
}
END_TEST

START_TEST(numbers_ignore_the_c_locale)
{
    /* Where a comma locale is installed, the library must still read and
     * write '.'; where none is, this test has nothing to show. */
    static const char *const locales[] = {"nl_NL.UTF-8", "de_DE.UTF-8", "fr_FR.UTF-8",
                                          "nl_NL.utf8", "de_DE.utf8"};
    const char *set = NULL;
    for (size_t k = 0; k < sizeof locales / sizeof *locales && !set; k++)
        set = setlocale(LC_NUMERIC, locales[k]);
    double value = 0;
    ck_assert(lm__parse_double("52.09", &value));
    ck_assert_double_eq(value, 52.09);
    char text[32];
    lm__format_double(52.09, text);
    ck_assert_str_eq(text, "52.09");
    setlocale(LC_NUMERIC, "C");
}
END_TEST

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
    ck_assert_uint_eq(lm_pool_warning_count(pool), 4);
    ck_assert_uint_eq(lm_pool_warning_line(pool, 0), 1);
    ck_assert_str_eq(lm_pool_warning_column(pool, 0), "notes");
    ck_assert_str_eq(lm_pool_warning_message(pool, 0), "unknown column 'notes' is ignored");
    ck_assert_uint_eq(lm_pool_warning_line(pool, 1), 1);
    ck_assert_str_eq(lm_pool_warning_column(pool, 1), "");
    ck_assert_str_eq(lm_pool_warning_message(pool, 1), "column 6 has no name and is ignored");
    ck_assert_uint_eq(lm_pool_warning_line(pool, 2), 2);
    ck_assert_str_eq(lm_pool_warning_column(pool, 2), "interests");
    ck_assert_str_eq(lm_pool_warning_message(pool, 2),
                     "participant 'p1': unknown tag 'underwater basket weaving'");
    ck_assert_uint_eq(lm_pool_warning_line(pool, 3), 3);
    ck_assert_str_eq(lm_pool_warning_column(pool, 3), "offers");
    ck_assert_str_eq(lm_pool_warning_message(pool, 3), "participant 'p2': unknown tag 'xyzzy'");
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
    /* unknown columns stay warnings in strict mode */
    ck_assert_int_eq(load("id,role,offers,extra\np1,newcomer,guitar,x\n"), LM_OK);
    ck_assert_uint_eq(lm_pool_warning_count(pool), 1);
    ck_assert_str_eq(lm_pool_warning_column(pool, 0), "extra");
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

/* ---- taxonomy CSV --------------------------------------------------------------------------- */

static const char *const small_taxonomy =
    "key,parent,label_en,label_nl,synonyms\n"
    "music,,Music,Muziek,muziek maken;making music\n"
    "guitar,music,Guitar,Gitaar,gitar; \xd8\xba\xd9\x8a\xd8\xaa\xd8\xa7\xd8\xb1\n"
    "\n"
    "food,,Food,,\n"
    "baking,food,,Bakken,\n";

START_TEST(taxonomy_csv)
{
    lm_taxonomy *taxonomy;
    ck_assert_int_eq(lm_taxonomy_new(&taxonomy), LM_OK);
    ck_assert_int_eq(
        lm_taxonomy_load_buffer(taxonomy, "t.csv", small_taxonomy, strlen(small_taxonomy)),
        LM_OK);
    ck_assert_uint_eq(lm_taxonomy_topic_count(taxonomy), 4);
    ck_assert_str_eq(lm_taxonomy_topic_key(taxonomy, 1), "guitar");
    ck_assert_int_eq(lm_taxonomy_topic_parent(taxonomy, 1), 0);
    ck_assert_int_eq(lm_taxonomy_topic_parent(taxonomy, 2), -1);
    ck_assert_str_eq(lm_taxonomy_topic_label_nl(taxonomy, 2), "Food");  /* from label_en */
    ck_assert_str_eq(lm_taxonomy_topic_label_en(taxonomy, 3), "baking"); /* from the key */
    ck_assert_str_eq(lm_taxonomy_topic_label_nl(taxonomy, 3), "Bakken");
    ck_assert_uint_eq(lm_taxonomy_topic_synonym_count(taxonomy, 1), 2);
    ck_assert_str_eq(lm_taxonomy_topic_synonym(taxonomy, 1, 1),
                     "\xd8\xba\xd9\x8a\xd8\xaa\xd8\xa7\xd8\xb1");
    size_t found;
    ck_assert_int_eq(lm_taxonomy_find(taxonomy, "GITAAR", &found), LM_OK);
    ck_assert_uint_eq(found, 1);
    ck_assert_int_eq(lm_taxonomy_find(taxonomy, "Making Music", &found), LM_OK);
    ck_assert_uint_eq(found, 0);

    static const struct {
        const char *text;
        int status;
        const char *message;
    } bad[] = {
        {"parent,label_en\n,x\n", LM_E_PARSE, "t.csv line 1: missing required column 'key'"},
        {"key\n", LM_E_PARSE, "t.csv: no topics"},
        {"key,parent\nMusic,\n", LM_E_PARSE,
         "t.csv line 2, column 'key': key 'Music' may only hold a-z, 0-9 and '_'"},
        {"key,parent\na,\nb,\na,\n", LM_E_DUPLICATE,
         "t.csv line 4, column 'key': duplicate key 'a' (first on line 2)"},
        {"key,parent\na,b\nb,\n", LM_E_NOTFOUND,
         "t.csv line 2, column 'parent': parent 'b' is not a category on an earlier line"},
        {"key,parent\na,\nb,a\nc,b\n", LM_E_PARSE,
         "t.csv line 4, column 'parent': parent 'b' is a subtopic; only categories can have "
         "subtopics"},
        {"key,parent,synonyms\nsong,,\nsinging,,song\n", LM_E_PARSE, NULL},
        {"key,parent,synonyms\nsinging,,chant\nchant,,\n", LM_E_DUPLICATE,
         "t.csv line 3, column 'key': key 'chant' is already a label or synonym of 'singing' "
         "(line 2)"},
        {"key,parent\na,,\n", LM_E_PARSE, "t.csv line 2: 3 fields where the header has 2"},
        {"key\n\"a\n", LM_E_PARSE, "t.csv line 2: unterminated quoted field"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        if (!bad[k].message)
            continue; /* a synonym equal to an earlier key is harmless: the key wins */
        ck_assert_int_eq(
            lm_taxonomy_load_buffer(taxonomy, "t.csv", bad[k].text, strlen(bad[k].text)),
            bad[k].status);
        ck_assert_str_eq(lm_errmsg(taxonomy), bad[k].message);
        ck_assert_uint_eq(lm_taxonomy_topic_count(taxonomy), 4);
        ck_assert_int_eq(lm_taxonomy_find(taxonomy, "gitaar", &found), LM_OK);
    }
    const char *harmless = bad[6].text;
    ck_assert_int_eq(lm_taxonomy_load_buffer(taxonomy, "t.csv", harmless, strlen(harmless)),
                     LM_OK);
    ck_assert_uint_eq(lm_taxonomy_topic_count(taxonomy), 2);

    /* a pool over a loaded taxonomy builds vectors from it */
    char path[512];
    path_in_folder("taxonomy.csv", path, sizeof path);
    write_text(path, small_taxonomy);
    ck_assert_int_eq(lm_taxonomy_load_file(taxonomy, path), LM_OK);
    lm_pool *own;
    ck_assert_int_eq(lm_pool_new(taxonomy, &own), LM_OK);
    const char *people = "id,role,interests\nx,newcomer,\xd8\xba\xd9\x8a\xd8\xaa\xd8\xa7\xd8\xb1\n";
    ck_assert_int_eq(lm_pool_load_csv_buffer(own, "p.csv", people, strlen(people)), LM_OK);
    ck_assert_double_eq(lm_pool_value(own, 0, LM_INTERESTS, 1), 1.0);
    ck_assert_double_eq(lm_pool_value(own, 0, LM_INTERESTS, 0), 0.5);
    lm_pool_free(own);
    path_in_folder("nothing.csv", path, sizeof path);
    ck_assert_int_eq(lm_taxonomy_load_file(taxonomy, path), LM_E_IO);
    ck_assert_uint_eq(lm_taxonomy_topic_count(taxonomy), 4);
    lm_taxonomy_free(taxonomy);
}
END_TEST

/* ---- groups CSV ------------------------------------------------------------------------------ */

static const char *const group_pool =
    "id,role,interests,host\n"
    "n1,newcomer,guitar,yes\nn2,newcomer,cooking,no\nr1,resident,guitar,yes\n"
    "r2,resident,,no\nn3,newcomer,,yes\nr3,resident,,yes\nloner,resident,,no\n";

START_TEST(groups_round_trip)
{
    ck_assert_int_eq(load(group_pool), LM_OK);
    const char *venue_text = "id,lat,lon\nhuiskamer,52.09,5.12\nvoorkamer,52.1,5.1\n";
    ck_assert_int_eq(
        lm_pool_load_venues_csv_buffer(pool, "v.csv", venue_text, strlen(venue_text)), LM_OK);
    lm_result *result;
    ck_assert_int_eq(lm_result_new(&result), LM_OK);
    size_t first[] = {0, 1, 2, 3}, second[] = {4, 5};
    size_t g;
    ck_assert_int_eq(lm__result_add_group(result, first, 4, &g), LM_OK);
    size_t mon_evening;
    ck_assert_int_eq(lm_slot_find("mon-evening", &mon_evening), LM_OK);
    result->groups[g].theme = topic("guitar");
    result->groups[g].slot = (int)mon_evening;
    result->groups[g].venue = 1;
    result->groups[g].cohost[LM_NEWCOMER] = 0;
    result->groups[g].cohost[LM_RESIDENT] = 2;
    ck_assert_int_eq(lm__result_add_group(result, second, 2, &g), LM_OK);
    result->groups[g].theme = topic("music");
    char path[512];
    path_in_folder("groups.csv", path, sizeof path);
    ck_assert_int_eq(lm_result_save_csv(result, pool, path), LM_OK);
    char *text = read_text(path);
    ck_assert_str_eq(text, "group,id,role,theme,slot,venue,cohost\n"
                           "1,n1,newcomer,guitar,mon-evening,voorkamer,yes\n"
                           "1,n2,newcomer,guitar,mon-evening,voorkamer,no\n"
                           "1,r1,resident,guitar,mon-evening,voorkamer,yes\n"
                           "1,r2,resident,guitar,mon-evening,voorkamer,no\n"
                           "2,n3,newcomer,music,,,no\n"
                           "2,r3,resident,music,,,no\n");
    free(text);

    lm_grouping *grouping;
    ck_assert_int_eq(lm_grouping_new(&grouping), LM_OK);
    ck_assert_int_eq(lm_grouping_load_csv(grouping, pool, path), LM_OK);
    ck_assert_uint_eq(grouping->group_count, 2);
    static const int64_t expected_group[] = {0, 0, 0, 0, 1, 1, -1};
    for (size_t p = 0; p < 7; p++)
        ck_assert_int_eq(grouping->group_of[p], expected_group[p]);
    ck_assert_int_eq(grouping->slot[0], (int)mon_evening);
    ck_assert_int_eq(grouping->venue[0], 1);
    ck_assert_int_eq(grouping->slot[1], -1);
    ck_assert_int_eq(grouping->venue[1], -1);
    /* the grouping API still works on a loaded grouping */
    ck_assert_int_eq(lm_grouping_assign(grouping, 6, 2), LM_OK);
    ck_assert_int_eq(grouping->slot[2], -1);

    /* any non-negative numbers, mapped in order of first appearance; rows may
     * leave slot and venue empty; role and cohost are only informational */
    const char *by_hand = "Group,ID,slot,Role\n"
                          "70,r3,,resident\n"
                          "3,n1,Tue-Morning,\n"
                          "70,n3,,\n"
                          "3,r1,tue-am,bewoner\n";
    ck_assert_int_eq(
        lm_grouping_load_csv_buffer(grouping, pool, "hand.csv", by_hand, strlen(by_hand)),
        LM_OK);
    size_t tue_morning;
    ck_assert_int_eq(lm_slot_find("tue-morning", &tue_morning), LM_OK);
    ck_assert_uint_eq(grouping->group_count, 2);
    ck_assert_int_eq(grouping->group_of[5], 0);
    ck_assert_int_eq(grouping->group_of[4], 0);
    ck_assert_int_eq(grouping->group_of[0], 1);
    ck_assert_int_eq(grouping->group_of[2], 1);
    ck_assert_int_eq(grouping->group_of[1], -1);
    ck_assert_int_eq(grouping->slot[1], (int)tue_morning);
    ck_assert_int_eq(grouping->slot[0], -1);

    static const struct {
        const char *text;
        int status;
        const char *message;
    } bad[] = {
        {"id\nn1\n", LM_E_PARSE, "g.csv line 1: missing required column 'group'"},
        {"group,id\n1,n1\n1,nobody\n", LM_E_NOTFOUND,
         "g.csv line 3, column 'id': unknown participant 'nobody'"},
        {"group,id\n1,n1\n2,n2\n\n3,n1\n", LM_E_DUPLICATE,
         "g.csv line 5, column 'id': participant 'n1' is listed twice (first on line 2)"},
        {"group,id\n-1,n1\n", LM_E_PARSE, "g.csv line 2, column 'group': group '-1' is not a "
                                          "whole number"},
        {"group,id,slot\n1,n1,mon-am\n1,n2,tue-am\n", LM_E_PARSE,
         "g.csv line 3, column 'slot': group 1 meets at 'tue-morning' here but at "
         "'mon-morning' on line 2"},
        {"group,id,venue\n4,n1,huiskamer\n4,n2,voorkamer\n", LM_E_PARSE,
         "g.csv line 3, column 'venue': group 4 meets at venue 'voorkamer' here but at "
         "'huiskamer' on line 2"},
        {"group,id,slot\n1,n1,someday\n", LM_E_NOTFOUND,
         "g.csv line 2, column 'slot': unknown slot 'someday'"},
        {"group,id,venue\n1,n1,garage\n", LM_E_NOTFOUND,
         "g.csv line 2, column 'venue': unknown venue 'garage'"},
        {"group,id,role\n1,n1,resident\n", LM_E_PARSE,
         "g.csv line 2, column 'role': 'n1' is a newcomer in the pool, not a resident"},
        {"group,id,role\n1,n1,chef\n", LM_E_PARSE,
         "g.csv line 2, column 'role': unknown role 'chef' (newcomer, resident, nieuwkomer, "
         "bewoner)"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        ck_assert_int_eq(lm_grouping_load_csv_buffer(grouping, pool, "g.csv", bad[k].text,
                                                     strlen(bad[k].text)),
                         bad[k].status);
        ck_assert_str_eq(lm_errmsg(grouping), bad[k].message);
        /* a failed load keeps the grouping as it was */
        ck_assert_uint_eq(grouping->group_count, 2);
        ck_assert_int_eq(grouping->group_of[5], 0);
    }

    /* a result that does not belong to the pool is refused before writing */
    size_t stranger[] = {99};
    ck_assert_int_eq(lm__result_add_group(result, stranger, 1, NULL), LM_OK);
    ck_assert_int_eq(lm_result_save_csv(result, pool, path), LM_E_INVALID);
    ck_assert_str_eq(lm_errmsg(result), "group 3 holds participant 99, but the pool has only 7");
    text = read_text(path);
    ck_assert_ptr_nonnull(strstr(text, "2,r3,resident,music,,,no\n"));
    free(text);
    lm_grouping_free(grouping);
    lm_result_free(result);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("csv");
    TCase *tokenizer = tcase_create("tokenizer");
    tcase_add_checked_fixture(tokenizer, setup, teardown);
    tcase_add_test(tokenizer, tokenizer_fields_and_quotes);
    tcase_add_test(tokenizer, tokenizer_lines);
    tcase_add_test(tokenizer, tokenizer_errors);
    tcase_add_test(tokenizer, tokenizer_limits);
    tcase_add_test(tokenizer, numbers_without_locale);
    tcase_add_test(tokenizer, numbers_ignore_the_c_locale);
    suite_add_tcase(s, tokenizer);

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
    tcase_add_test(pools, venues);
    tcase_add_test(pools, taxonomy_csv);
    tcase_add_test(pools, groups_round_trip);
    suite_add_tcase(s, pools);

    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
