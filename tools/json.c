/* The JSON writer of the lmatch tool: streaming, pretty, deterministic. */
#include "json.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void json_init(json_writer *writer, FILE *out)
{
    memset(writer, 0, sizeof *writer);
    writer->out = out;
}

static void indent(json_writer *writer)
{
    fputc('\n', writer->out);
    for (int level = 0; level < writer->depth; level++)
        fputs("  ", writer->out);
}

/* Writes what separates a new value from the one before it. */
static void before_value(json_writer *writer)
{
    if (writer->after_key) {
        writer->after_key = false;
        return;
    }
    if (writer->depth == 0)
        return;
    bool empty = writer->empty[writer->depth - 1];
    writer->empty[writer->depth - 1] = false;
    if (writer->one_line[writer->depth - 1]) {
        if (!empty)
            fputs(", ", writer->out);
        return;
    }
    if (!empty)
        fputc(',', writer->out);
    indent(writer);
}

static void open_container(json_writer *writer, char bracket, bool one_line)
{
    before_value(writer);
    fputc(bracket, writer->out);
    if (writer->depth >= JSON_MAX_DEPTH) {
        writer->failed = true;
        return;
    }
    /* A container inside a one-line array stays on that line. */
    bool parent_one_line = writer->depth > 0 && writer->one_line[writer->depth - 1];
    writer->empty[writer->depth] = true;
    writer->one_line[writer->depth] = one_line || parent_one_line;
    writer->depth++;
}

static void close_container(json_writer *writer, char bracket)
{
    if (writer->depth == 0 || writer->after_key) {
        writer->failed = true;
        return;
    }
    writer->depth--;
    if (!writer->empty[writer->depth] && !writer->one_line[writer->depth])
        indent(writer);
    fputc(bracket, writer->out);
}

void json_begin_object(json_writer *writer)
{
    open_container(writer, '{', false);
}

void json_end_object(json_writer *writer)
{
    close_container(writer, '}');
}

void json_begin_array(json_writer *writer)
{
    open_container(writer, '[', false);
}

void json_begin_inline_array(json_writer *writer)
{
    open_container(writer, '[', true);
}

void json_end_array(json_writer *writer)
{
    close_container(writer, ']');
}

/* Length of the valid UTF-8 sequence at text (RFC 3629: no overlong forms,
 * no surrogates, nothing above U+10FFFF), or 0 when it is not valid. */
static size_t utf8_sequence(const unsigned char *text)
{
    unsigned char c = text[0];
    if (c < 0x80)
        return 1;
    size_t length;
    unsigned char low = 0x80, high = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) {
        length = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        length = 3;
        if (c == 0xe0)
            low = 0xa0;
        else if (c == 0xed)
            high = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        length = 4;
        if (c == 0xf0)
            low = 0x90;
        else if (c == 0xf4)
            high = 0x8f;
    } else {
        return 0;
    }
    if (text[1] < low || text[1] > high)
        return 0;
    for (size_t k = 2; k < length; k++)
        if (text[k] < 0x80 || text[k] > 0xbf)
            return 0;
    return length;
}

static void write_string(FILE *out, const char *text)
{
    fputc('"', out);
    const unsigned char *c = (const unsigned char *)text;
    while (*c) {
        switch (*c) {
        case '"': fputs("\\\"", out); c++; continue;
        case '\\': fputs("\\\\", out); c++; continue;
        case '\b': fputs("\\b", out); c++; continue;
        case '\f': fputs("\\f", out); c++; continue;
        case '\n': fputs("\\n", out); c++; continue;
        case '\r': fputs("\\r", out); c++; continue;
        case '\t': fputs("\\t", out); c++; continue;
        default: break;
        }
        if (*c < 0x20) {
            fprintf(out, "\\u%04x", (unsigned)*c);
            c++;
            continue;
        }
        size_t length = utf8_sequence(c);
        if (!length) {
            fputs("\xef\xbf\xbd", out); /* U+FFFD for a byte that is not UTF-8 */
            c++;
            continue;
        }
        fwrite(c, 1, length, out);
        c += length;
    }
    fputc('"', out);
}

void json_key(json_writer *writer, const char *key)
{
    if (writer->depth == 0 || writer->after_key) {
        writer->failed = true;
        return;
    }
    before_value(writer);
    write_string(writer->out, key ? key : "");
    fputs(": ", writer->out);
    writer->after_key = true;
}

void json_string(json_writer *writer, const char *text)
{
    if (!text) {
        json_null(writer);
        return;
    }
    before_value(writer);
    write_string(writer->out, text);
}

void json_format_number(double value, char *buffer, size_t size)
{
    if (value != value || value - value != 0.0) { /* NaN or an infinity */
        snprintf(buffer, size, "null");
        return;
    }
    if (value == 0.0) { /* most vector entries: skip the round trip */
        snprintf(buffer, size, signbit(value) ? "-0" : "0");
        return;
    }
    /* The shortest precision that reads back to the same double. */
    for (int precision = 15; precision < 17; precision++) {
        snprintf(buffer, size, "%.*g", precision, value);
        if (strtod(buffer, NULL) == value)
            return;
    }
    snprintf(buffer, size, "%.17g", value);
}

void json_number(json_writer *writer, double value)
{
    char buffer[40];
    json_format_number(value, buffer, sizeof buffer);
    before_value(writer);
    fputs(buffer, writer->out);
}

void json_int(json_writer *writer, int64_t value)
{
    before_value(writer);
    fprintf(writer->out, "%" PRId64, value);
}

void json_uint(json_writer *writer, uint64_t value)
{
    before_value(writer);
    fprintf(writer->out, "%" PRIu64, value);
}

void json_bool(json_writer *writer, bool value)
{
    before_value(writer);
    fputs(value ? "true" : "false", writer->out);
}

void json_null(json_writer *writer)
{
    before_value(writer);
    fputs("null", writer->out);
}

int json_finish(json_writer *writer)
{
    fputc('\n', writer->out);
    bool write_error = fflush(writer->out) != 0 || ferror(writer->out);
    return writer->failed || writer->depth != 0 || writer->after_key || write_error ? -1 : 0;
}
