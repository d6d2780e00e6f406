/* CSV: the RFC 4180 tokenizer (csv.c) and locale-proof numbers. The pool
 * and venue files are in test_csv_pool.c, the taxonomy and groups files in
 * test_csv_tables.c. */
#include <check.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libmatch/libmatch.h"
#include "csv_fixture.h"
#include "io/csv_internal.h"

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

    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_ENV);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
