/* RFC 4180 tokenizer, whole-file reader and locale-free value parsing shared
 * by the CSV readers and writers (io_csv_*.c). Every byte sequence either
 * tokenizes or fails with a line and a reason: the tokenizer is fuzzed. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/csv_internal.h"

/* ---- tokenizer --------------------------------------------------------------- */

static int csv_fail(lm_csv *csv, int status, size_t line, const char *reason)
{
    snprintf(csv->error, sizeof csv->error, "line %zu: %s", line, reason);
    return status;
}

int lm__csv_init(lm_csv *csv, const char *data, size_t size)
{
    memset(csv, 0, offsetof(lm_csv, starts));
    csv->error[0] = '\0';
    csv->data = (const unsigned char *)data;
    csv->size = data ? size : 0;
    csv->line = 1;
    csv->record_line = 1;
    if (csv->size > LM_CSV_MAX_FILE) {
        snprintf(csv->error, sizeof csv->error, "input is larger than 1 GiB");
        return LM_E_TOO_LARGE;
    }
    if (csv->size >= 3 && memcmp(csv->data, "\xef\xbb\xbf", 3) == 0)
        csv->pos = 3;
    return LM_OK;
}

void lm__csv_free(lm_csv *csv)
{
    lm__free(csv->text);
    csv->text = NULL;
    csv->text_length = csv->text_capacity = 0;
    csv->field_count = 0;
}

/* The byte length of the well-formed UTF-8 sequence at bytes[0..length), or 0
 * (overlong forms, surrogates and code points beyond U+10FFFF are invalid). */
static size_t utf8_sequence(const unsigned char *bytes, size_t length)
{
    unsigned char lead = bytes[0];
    size_t size;
    unsigned char low = 0x80, high = 0xbf; /* bounds of the second byte */
    if (lead >= 0xc2 && lead <= 0xdf) {
        size = 2;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        size = 3;
        if (lead == 0xe0)
            low = 0xa0;
        else if (lead == 0xed)
            high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        size = 4;
        if (lead == 0xf0)
            low = 0x90;
        else if (lead == 0xf4)
            high = 0x8f;
    } else {
        return 0;
    }
    if (size > length || bytes[1] < low || bytes[1] > high)
        return 0;
    for (size_t k = 2; k < size; k++)
        if ((bytes[k] & 0xc0) != 0x80)
            return 0;
    return size;
}

/* Appends bytes to the field that starts at text[field_start]. */
static int append(lm_csv *csv, const unsigned char *bytes, size_t length, size_t field_start)
{
    if (!length)
        return LM_OK;
    if (csv->text_length - field_start + length > LM_CSV_MAX_FIELD)
        return csv_fail(csv, LM_E_TOO_LARGE, csv->line, "field longer than 1 MiB");
    if (lm__grow((void **)&csv->text, &csv->text_capacity, csv->text_length + length + 1, 1) !=
        LM_OK)
        return csv_fail(csv, LM_E_NOMEM, csv->line, "out of memory");
    memcpy(csv->text + csv->text_length, bytes, length);
    csv->text_length += length;
    return LM_OK;
}

/* Copies the UTF-8 sequence at pos, or fails on a NUL or invalid byte. */
static int append_special(lm_csv *csv, size_t field_start)
{
    const unsigned char *at = csv->data + csv->pos;
    if (*at == 0)
        return csv_fail(csv, LM_E_PARSE, csv->line, "NUL byte");
    size_t size = utf8_sequence(at, csv->size - csv->pos);
    bool utf16 = csv->pos == 0 && csv->size >= 2 &&
                 ((at[0] == 0xff && at[1] == 0xfe) || (at[0] == 0xfe && at[1] == 0xff));
    if (!size)
        return csv_fail(csv, LM_E_PARSE, csv->line,
                        utf16 ? "invalid UTF-8 (the file is UTF-16; save it as UTF-8)"
                              : "invalid UTF-8");
    int status = append(csv, at, size, field_start);
    csv->pos += size;
    return status;
}

static bool plain_unquoted(unsigned char c)
{
    return c != ',' && c != '\n' && c != '\r' && c != '"' && c != 0 && c < 0x80;
}

static bool plain_quoted(unsigned char c)
{
    return c != '"' && c != '\n' && c != 0 && c < 0x80;
}

static int read_unquoted(lm_csv *csv, size_t start)
{
    const unsigned char *d = csv->data;
    for (;;) {
        size_t run = csv->pos;
        while (run < csv->size && plain_unquoted(d[run]))
            run++;
        int status = append(csv, d + csv->pos, run - csv->pos, start);
        csv->pos = run;
        if (status != LM_OK || run == csv->size)
            return status;
        unsigned char c = d[run];
        if (c == ',' || c == '\n')
            return LM_OK;
        if (c == '\r') {
            if (run + 1 < csv->size && d[run + 1] == '\n')
                return LM_OK;
            return csv_fail(csv, LM_E_PARSE, csv->line,
                            "carriage return not followed by a line feed");
        }
        if (c == '"')
            return csv_fail(csv, LM_E_PARSE, csv->line,
                            "quote inside an unquoted field (quote the whole field and double "
                            "the quote)");
        status = append_special(csv, start);
        if (status != LM_OK)
            return status;
    }
}

static int read_quoted(lm_csv *csv, size_t start)
{
    const unsigned char *d = csv->data;
    size_t open_line = csv->line;
    csv->pos++; /* the opening quote */
    for (;;) {
        size_t run = csv->pos;
        while (run < csv->size && plain_quoted(d[run]))
            run++;
        int status = append(csv, d + csv->pos, run - csv->pos, start);
        csv->pos = run;
        if (status != LM_OK)
            return status;
        if (run == csv->size)
            return csv_fail(csv, LM_E_PARSE, open_line, "unterminated quoted field");
        unsigned char c = d[run];
        if (c == '\n') {
            status = append(csv, d + run, 1, start);
            csv->pos++;
            csv->line++;
        } else if (c == '"' && run + 1 < csv->size && d[run + 1] == '"') {
            status = append(csv, d + run, 1, start);
            csv->pos += 2;
        } else if (c == '"') {
            csv->pos++;
            if (csv->pos == csv->size)
                return LM_OK;
            c = d[csv->pos];
            if (c == ',' || c == '\n' ||
                (c == '\r' && csv->pos + 1 < csv->size && d[csv->pos + 1] == '\n'))
                return LM_OK;
            return csv_fail(csv, LM_E_PARSE, csv->line, "text after a closing quote");
        } else {
            status = append_special(csv, start);
        }
        if (status != LM_OK)
            return status;
    }
}

static int read_field(lm_csv *csv)
{
    if (csv->field_count >= LM_CSV_MAX_FIELDS)
        return csv_fail(csv, LM_E_TOO_LARGE, csv->line, "more than 1024 fields in a record");
    bool quoted = csv->pos < csv->size && csv->data[csv->pos] == '"';
    size_t start = csv->text_length;
    csv->starts[csv->field_count] = start;
    csv->quoted[csv->field_count] = quoted;
    csv->field_count++;
    int status = quoted ? read_quoted(csv, start) : read_unquoted(csv, start);
    if (status != LM_OK)
        return status;
    if (lm__grow((void **)&csv->text, &csv->text_capacity, csv->text_length + 1, 1) != LM_OK)
        return csv_fail(csv, LM_E_NOMEM, csv->line, "out of memory");
    csv->text[csv->text_length++] = '\0';
    return LM_OK;
}

int lm__csv_next(lm_csv *csv, bool *record)
{
    *record = false;
    csv->field_count = 0;
    csv->text_length = 0;
    if (csv->pos >= csv->size)
        return LM_OK;
    csv->record_line = csv->line;
    for (;;) {
        int status = read_field(csv);
        if (status != LM_OK) {
            csv->field_count = 0;
            return status;
        }
        if (csv->pos >= csv->size)
            break;
        unsigned char c = csv->data[csv->pos];
        if (c == ',') {
            csv->pos++;
            continue;
        }
        /* read_field stops only at ',', "\n" or "\r\n" */
        csv->pos += c == '\r' ? 2 : 1;
        csv->line++;
        break;
    }
    *record = true;
    return LM_OK;
}

const char *lm__csv_field(const lm_csv *csv, size_t k)
{
    return k < csv->field_count ? csv->text + csv->starts[k] : "";
}

static bool is_blank_char(char c)
{
    return c == ' ' || c == '\t';
}

char *lm__csv_value(lm_csv *csv, size_t k)
{
    static char empty[1];
    if (k >= csv->field_count)
        return empty;
    char *text = csv->text + csv->starts[k];
    if (csv->quoted[k])
        return text;
    while (is_blank_char(*text))
        text++;
    size_t length = strlen(text);
    while (length && is_blank_char(text[length - 1]))
        text[--length] = '\0';
    return text;
}

bool lm__csv_blank(const lm_csv *csv)
{
    for (size_t k = 0; k < csv->field_count; k++) {
        if (csv->quoted[k])
            return false;
        for (const char *c = csv->text + csv->starts[k]; *c; c++)
            if (!is_blank_char(*c))
                return false;
    }
    return true;
}

/* ---- header ------------------------------------------------------------------ */

static char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

static bool name_matches(const char *text, size_t length, const char *name)
{
    size_t k = 0;
    for (; k < length && name[k]; k++)
        if (ascii_lower(text[k]) != name[k])
            return false;
    return k == length && !name[k];
}

int lm__csv_header(const lm_csv *csv, const char *const *names, size_t name_count,
                   int *field_of_name, int *name_of_field, char *error)
{
    for (size_t n = 0; n < name_count; n++)
        field_of_name[n] = -1;
    for (size_t f = 0; f < csv->field_count; f++) {
        name_of_field[f] = -1;
        const char *text = lm__csv_field(csv, f);
        size_t length = strlen(text);
        while (length && is_blank_char(text[0]))
            text++, length--;
        while (length && is_blank_char(text[length - 1]))
            length--;
        for (size_t n = 0; n < name_count; n++) {
            if (!name_matches(text, length, names[n]))
                continue;
            if (field_of_name[n] >= 0) {
                snprintf(error, LM_ERRMSG_MAX, "line %zu: column '%s' appears twice",
                         csv->record_line, names[n]);
                return LM_E_PARSE;
            }
            field_of_name[n] = (int)f;
            name_of_field[f] = (int)n;
        }
    }
    return LM_OK;
}

/* ---- files ------------------------------------------------------------------- */

static int io_fail(lm_object *error, const char *path, int code)
{
    char reason[128] = "unknown error";
    if (strerror_r(code, reason, sizeof reason) != 0)
        snprintf(reason, sizeof reason, "error %d", code);
    return lm__fail(error, LM_E_IO, "cannot read '%s': %s", path, reason);
}

int lm__csv_fail_at(lm_object *object, const char *file, const lm_csv *csv, int status,
                    const char *column, const char *format, va_list args)
{
    if (status == LM_E_NOMEM)
        return lm__fail(object, status, "out of memory");
    char reason[LM_ERRMSG_MAX];
    vsnprintf(reason, sizeof reason, format, args);
    if (column)
        return lm__fail(object, status, "%s line %zu, column '%s': %s", file, csv->record_line,
                        column, reason);
    return lm__fail(object, status, "%s line %zu: %s", file, csv->record_line, reason);
}

int lm__read_file(const char *path, char **data, size_t *size, lm_object *error)
{
    *data = NULL;
    *size = 0;
    FILE *file = fopen(path, "rb");
    if (!file)
        return io_fail(error, path, errno);
    struct stat info;
    size_t capacity = 1 << 16;
    if (fstat(fileno(file), &info) == 0) {
        if (S_ISDIR(info.st_mode)) {
            fclose(file);
            return io_fail(error, path, EISDIR);
        }
        if (S_ISREG(info.st_mode)) {
            if ((uint64_t)info.st_size > LM_CSV_MAX_FILE) {
                fclose(file);
                return lm__fail(error, LM_E_TOO_LARGE, "'%s' is larger than 1 GiB", path);
            }
            /* One byte more than the size, so the read that sees the end
             * needs no growth. */
            capacity = (size_t)info.st_size + 1;
        }
    }
    char *buffer = NULL;
    size_t length = 0, allocated = 0;
    int status = LM_OK;
    for (;;) {
        if (length == allocated) {
            size_t next = allocated ? allocated * 2 : capacity;
            if (next > LM_CSV_MAX_FILE + 1)
                next = LM_CSV_MAX_FILE + 1;
            char *grown = lm__realloc(buffer, next);
            if (!grown) {
                status = lm__fail(error, LM_E_NOMEM, "out of memory");
                break;
            }
            buffer = grown;
            allocated = next;
        }
        size_t got = fread(buffer + length, 1, allocated - length, file);
        length += got;
        if (length > LM_CSV_MAX_FILE) {
            status = lm__fail(error, LM_E_TOO_LARGE, "'%s' is larger than 1 GiB", path);
            break;
        }
        if (got == 0) {
            if (ferror(file))
                status = io_fail(error, path, errno ? errno : EIO);
            break;
        }
    }
    fclose(file);
    if (status != LM_OK) {
        lm__free(buffer);
        return status;
    }
    *data = buffer;
    *size = length;
    return LM_OK;
}

/* ---- values ------------------------------------------------------------------ */

const char *lm__csv_excerpt(const char *text, size_t limit, char *out)
{
    size_t length = strlen(text);
    if (length <= limit) {
        memcpy(out, text, length + 1);
        return out;
    }
    while (limit && ((unsigned char)text[limit] & 0xc0) == 0x80)
        limit--;
    memcpy(out, text, limit);
    memcpy(out + limit, "...", 4);
    return out;
}

/* Longest number text we convert; longer ones are not plausible input. */
#define NUMBER_MAX 400

bool lm__parse_double(const char *text, double *value)
{
    /* Validate strictly, then hand strtod a form without a decimal point
     * ("12.5e3" becomes "125e2"), so the C locale's radix never matters. */
    char digits[NUMBER_MAX + 32];
    size_t digit_count = 0, fraction_digits = 0, at = 0;
    bool negative = false, point = false, any_digit = false;
    if (text[at] == '+' || text[at] == '-')
        negative = text[at++] == '-';
    for (;; at++) {
        char c = text[at];
        if (c == '.' && !point) {
            point = true;
        } else if (c >= '0' && c <= '9') {
            any_digit = true;
            if (digit_count >= NUMBER_MAX)
                return false;
            /* Leading zeros of the integer part carry nothing; after the
             * point every digit counts for the exponent shift. */
            if (digit_count || c != '0' || point) {
                digits[digit_count++] = c;
                fraction_digits += point;
            }
        } else {
            break;
        }
    }
    if (!any_digit)
        return false;
    long exponent = 0;
    if (text[at] == 'e' || text[at] == 'E') {
        at++;
        bool exponent_negative = false;
        if (text[at] == '+' || text[at] == '-')
            exponent_negative = text[at++] == '-';
        if (text[at] < '0' || text[at] > '9')
            return false;
        for (; text[at] >= '0' && text[at] <= '9'; at++)
            if (exponent < 100000)
                exponent = exponent * 10 + (text[at] - '0');
        if (exponent_negative)
            exponent = -exponent;
    }
    if (text[at] != '\0')
        return false;
    if (digit_count == 0) {
        *value = negative ? -0.0 : 0.0;
        return true;
    }
    snprintf(digits + digit_count, sizeof digits - digit_count, "e%ld",
             exponent - (long)fraction_digits);
    errno = 0;
    char *end = NULL;
    double parsed = strtod(digits, &end);
    if (!end || *end != '\0' || !isfinite(parsed))
        return false;
    *value = negative ? -parsed : parsed;
    return true;
}

bool lm__parse_uint(const char *text, uint64_t *value)
{
    uint64_t result = 0;
    size_t k = 0;
    for (; text[k]; k++) {
        if (text[k] < '0' || text[k] > '9' || k >= 18)
            return false;
        result = result * 10 + (uint64_t)(text[k] - '0');
    }
    if (k == 0)
        return false;
    *value = result;
    return true;
}

static bool ascii_equal(const char *text, const char *lower)
{
    return name_matches(text, strlen(text), lower);
}

bool lm__parse_bool(const char *text, bool *value)
{
    static const char *const yes[] = {"yes", "true", "1", "ja"};
    static const char *const no[] = {"no", "false", "0", "nee", ""};
    for (size_t k = 0; k < sizeof yes / sizeof *yes; k++) {
        if (ascii_equal(text, yes[k])) {
            *value = true;
            return true;
        }
    }
    for (size_t k = 0; k < sizeof no / sizeof *no; k++) {
        if (ascii_equal(text, no[k])) {
            *value = false;
            return true;
        }
    }
    return false;
}

bool lm__parse_role(const char *text, int *role)
{
    if (ascii_equal(text, "newcomer") || ascii_equal(text, "nieuwkomer"))
        *role = LM_NEWCOMER;
    else if (ascii_equal(text, "resident") || ascii_equal(text, "bewoner"))
        *role = LM_RESIDENT;
    else
        return false;
    return true;
}

void lm__format_double(double value, char out[32])
{
    for (int precision = 15; precision <= 17; precision++) {
        char raw[40];
        snprintf(raw, sizeof raw, "%.*g", precision, value);
        /* Whatever the locale uses as radix becomes '.'; %g has no
         * grouping, so nothing else can differ. */
        size_t written = 0;
        for (size_t k = 0; raw[k] && written < 31; k++) {
            char c = raw[k];
            bool keep = (c >= '0' && c <= '9') || c == '-' || c == '+' || c == 'e';
            if (keep)
                out[written++] = c;
            else if (!written || out[written - 1] != '.')
                out[written++] = '.';
        }
        out[written] = '\0';
        double back;
        if (lm__parse_double(out, &back) && back == value)
            return;
    }
}

/* ---- writing ----------------------------------------------------------------- */

void lm__csv_put_field(FILE *file, const char *text, bool last)
{
    size_t length = strlen(text);
    bool quote = length && (is_blank_char(text[0]) || is_blank_char(text[length - 1]));
    for (size_t k = 0; !quote && k < length; k++)
        quote = text[k] == ',' || text[k] == '"' || text[k] == '\n' || text[k] == '\r';
    if (!quote) {
        fputs(text, file);
    } else {
        putc('"', file);
        for (size_t k = 0; k < length; k++) {
            if (text[k] == '"')
                putc('"', file);
            putc(text[k], file);
        }
        putc('"', file);
    }
    putc(last ? '\n' : ',', file);
}
