/* RFC 4180 tokenizer, header matching, messages and the column values
 * shared by the CSV readers and writers (io_csv_*.c). Every byte sequence
 * either tokenizes or fails with a line and a reason: the tokenizer is
 * fuzzed. */
#include <stdio.h>
#include <string.h>

#include "io/csv_internal.h"
#include "io/file_map_internal.h"
#include "model/model_internal.h"

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
    lm__free_secret(csv->text, csv->text_capacity); /* fields hold personal data */
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
    if (lm__grow_secret((void **)&csv->text, &csv->text_capacity, csv->text_length + length + 1,
                        1) != LM_OK)
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
    if (lm__grow_secret((void **)&csv->text, &csv->text_capacity, csv->text_length + 1, 1) !=
        LM_OK)
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
    if (csv->consumed && csv->pos - csv->consumed_at >= LM_FILE_MAP_STEP) {
        /* The record is copied into text: the bytes before pos are done. */
        csv->consumed_at = csv->pos;
        csv->consumed(csv->consumed_context, csv->pos);
    }
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

int lm__csv_start(lm_csv *csv, const char *const *names, size_t name_count,
                  int *field_of_name, int *name_of_field, char *error)
{
    bool record = false;
    int status;
    do
        status = lm__csv_next(csv, &record);
    while (status == LM_OK && record && lm__csv_blank(csv));
    if (status != LM_OK) {
        snprintf(error, LM_ERRMSG_MAX, "%s", csv->error);
        return status;
    }
    if (record)
        return lm__csv_header(csv, names, name_count, field_of_name, name_of_field, error);
    for (size_t n = 0; n < name_count; n++)
        field_of_name[n] = -1;
    return LM_OK;
}

/* ---- messages ---------------------------------------------------------------- */

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

/* ---- values ------------------------------------------------------------------ */

const char *lm__csv_excerpt(const char *text, size_t limit, char *out)
{
    size_t length = strlen(text);
    size_t kept = (size_t)lm__clip_utf8(text, length, limit);
    memcpy(out, text, kept);
    strcpy(out + kept, kept < length ? "..." : "");
    return out;
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

int lm__role_suggest(const char *text, char *out, size_t size)
{
    static const char *const roles[] = {"newcomer", "resident", "nieuwkomer", "bewoner"};
    lm_suggest suggest;
    lm__suggest_init(&suggest, text);
    for (size_t k = 0; k < sizeof roles / sizeof roles[0]; k++)
        lm__suggest_offer(&suggest, roles[k], NULL);
    return lm__suggest_hint(&suggest, out, size);
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
