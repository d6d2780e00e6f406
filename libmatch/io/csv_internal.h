/* The CSV layer: an RFC 4180 tokenizer over a buffer in memory, the column
 * values (numbers come from common/text_internal.h, read and written without
 * the C locale), and the CSV writers (also used by tests and the fuzzer for
 * round trips). Files are mapped by io/file_map_internal.h, which hands
 * back the pages the tokenizer is done with (lm_csv.consumed). */
#ifndef LM_CSV_INTERNAL_H
#define LM_CSV_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/common_internal.h"
#include "common/text_internal.h"

#define LM_CSV_MAX_FIELD ((size_t)1 << 20)     /* bytes in one field */
#define LM_CSV_MAX_FIELDS 1024                 /* fields in one record */
#define LM_CSV_MAX_FILE ((size_t)1 << 30)      /* bytes in one file */

/* A tokenizer over data[0..size). Fields of the current record are
 * NUL-terminated strings in `text` (NUL bytes are rejected in the input, so
 * strlen() of a field is its length). */
typedef struct lm_csv {
    const unsigned char *data;
    size_t size, pos;
    size_t line;        /* physical line at pos, from 1 */
    size_t record_line; /* line where the current record starts */
    char *text;
    size_t text_length, text_capacity;
    size_t field_count;
    /* Set after lm__csv_init() (which clears it): called as the reading
     * passes each LM_FILE_MAP_STEP bytes (io/file_map_internal.h) with the
     * offset before which no byte of data is read again; a loader from a
     * mapped file hands those pages back. */
    void (*consumed)(void *context, size_t upto);
    void *consumed_context;
    size_t consumed_at;
    size_t starts[LM_CSV_MAX_FIELDS]; /* offset of each field in text */
    bool quoted[LM_CSV_MAX_FIELDS];   /* whether each field was quoted */
    char error[LM_ERRMSG_MAX];        /* "line 7: unterminated quoted field" */
} lm_csv;


/* Starts tokenizing (skips a UTF-8 byte-order mark). LM_E_TOO_LARGE beyond
 * LM_CSV_MAX_FILE bytes, with csv->error set. Always pair with
 * lm__csv_free(), even after a failure. */
int lm__csv_init(lm_csv *csv, const char *data, size_t size);
void lm__csv_free(lm_csv *csv);
/* Reads the next record. *record is false at the end of the input. On
 * failure returns LM_E_PARSE, LM_E_TOO_LARGE or LM_E_NOMEM with csv->error
 * naming the line and the reason. */
int lm__csv_next(lm_csv *csv, bool *record);
const char *lm__csv_field(const lm_csv *csv, size_t k);
/* Field k as a value: trimmed of spaces and tabs (in place) unless it was
 * quoted, so a quoted field keeps its surrounding white space. */
char *lm__csv_value(lm_csv *csv, size_t k);
/* true when every field of the record is unquoted and empty or white space
 * (a blank line, or ",,," as spreadsheets export for an empty row). */
bool lm__csv_blank(const lm_csv *csv);

/* Maps a header record onto known column names (trimmed, ASCII
 * case-insensitive): field_of_name[n] is the field holding names[n] or -1,
 * name_of_field[f] (LM_CSV_MAX_FIELDS entries) is the known name index of
 * field f or -1. LM_E_PARSE with error set when a known name appears
 * twice. */
int lm__csv_header(const lm_csv *csv, const char *const *names, size_t name_count,
                   int *field_of_name, int *name_of_field, char *error);

/* The start of a table: skips blank records, then maps the first record
 * onto the known column names as lm__csv_header() does (every column -1
 * when the input holds no record). On failure returns the status with the
 * reason in error (LM_ERRMSG_MAX bytes). */
int lm__csv_start(lm_csv *csv, const char *const *names, size_t name_count,
                  int *field_of_name, int *name_of_field, char *error);

/* Records "<file> line <n>, column '<column>': <reason>" on object (without
 * a column, "<file> line <n>: <reason>"; LM_E_NOMEM is just "out of
 * memory"), n being the line of csv's current record. Returns status. */
int lm__csv_fail_at(lm_object *object, const char *file, const lm_csv *csv, int status,
                    const char *column, const char *format, va_list args)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 0)))
#endif
    ;

/* ---- values ---------------------------------------------------------------- */

/* Copies at most `limit` bytes of text into out (limit + 4 bytes), cut at a
 * UTF-8 boundary with "..." when shortened, for messages. */
const char *lm__csv_excerpt(const char *text, size_t limit, char *out);
/* yes/no/true/false/1/0/ja/nee (ASCII case-insensitive); "" is false. */
bool lm__parse_bool(const char *text, bool *value);
/* newcomer/resident/nieuwkomer/bewoner (ASCII case-insensitive). */
bool lm__parse_role(const char *text, int *role);
/* " — did you mean 'newcomer'?" for a near miss of a role name, else "". */
int lm__role_suggest(const char *text, char *out, size_t size);

/* ---- writers ---------------------------------------------------------------- */

/* Writes one field, quoted when it holds a comma, quote, line break or
 * surrounding white space (which readers would trim), then ',' or, after the
 * last field of a record, "\n". */
void lm__csv_put_field(FILE *file, const char *text, bool last);

/* The CSV writers behind lm_pool_save_csv(), lm_pool_save_venues_csv() and
 * lm_result_save_csv(); they set a message on their object on failure. */
int lm__pool_write_csv(lm_pool *pool, FILE *file);

struct lm_file_map;
/* lm_pool_load_csv() from a mapped file (io/file_map_internal.h), whose
 * pages it hands back as it reads; name is the file's for messages. */
int lm__pool_load_csv_map(lm_pool *pool, const char *name, struct lm_file_map *map);
int lm__pool_write_venues_csv(lm_pool *pool, FILE *file);
int lm__result_write_csv(lm_result *result, const lm_pool *pool, FILE *file);

#endif
