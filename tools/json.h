/* A small deterministic JSON writer for the lmatch tool (RFC 8259).
 *
 * Output is pretty-printed with a two-space indent; an array opened with
 * json_begin_inline_array() keeps its scalar items on one line ("[1, 0.5,
 * 0]") so that long vectors stay readable. Numbers use the shortest of
 * %.15g, %.16g and %.17g that reads back to the same double; NaN and the
 * infinities become null. Strings are escaped per RFC 8259 (quote,
 * backslash, every control character) and invalid UTF-8 bytes become
 * U+FFFD, so the output is always valid JSON. */
#ifndef LMATCH_JSON_H
#define LMATCH_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

typedef struct json_writer {
    FILE *out;
    int depth;
    bool empty[JSON_MAX_DEPTH];  /* the container at this depth has no item yet */
    bool one_line[JSON_MAX_DEPTH]; /* items on one line */
    bool after_key;               /* the next value completes a "key": pair */
    bool failed;                  /* misuse (too deep, unbalanced) */
} json_writer;

void json_init(json_writer *writer, FILE *out);

void json_begin_object(json_writer *writer);
void json_end_object(json_writer *writer);
void json_begin_array(json_writer *writer);
void json_begin_inline_array(json_writer *writer);
void json_end_array(json_writer *writer);

/* An object member's key; the next call writes its value. */
void json_key(json_writer *writer, const char *key);

/* NULL writes null. */
void json_string(json_writer *writer, const char *text);
void json_number(json_writer *writer, double value);
void json_int(json_writer *writer, int64_t value);
void json_uint(json_writer *writer, uint64_t value);
void json_bool(json_writer *writer, bool value);
void json_null(json_writer *writer);

/* Ends the document with a newline and flushes. 0 when everything was
 * written and balanced, -1 otherwise (a write error or misuse). */
int json_finish(json_writer *writer);

/* Formats a double the way json_number() does into buffer (at least 32
 * bytes); "null" for NaN and infinities. Exposed for plain-text output. */
void json_format_number(double value, char *buffer, size_t size);

#endif
