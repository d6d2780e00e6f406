/* A bounded msgpack reader: every declared length is checked against the
 * bytes that remain before it is trusted, nesting is capped, and every
 * failure names its offset. Nothing here allocates. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "io/msgpack_internal.h"

typedef struct head {
    lm_mp_type type;
    size_t size;     /* bytes of the head itself */
    uint64_t u;      /* LM_MP_UINT */
    int64_t i;       /* LM_MP_INT */
    double d;        /* LM_MP_FLOAT */
    bool b;          /* LM_MP_BOOL */
    uint64_t length; /* str/bin/ext payload bytes; array elements; map entries */
} head;

void lm__mp_reader_init(lm_mp_reader *reader, const void *data, size_t size)
{
    reader->data = data;
    reader->size = size;
    reader->offset = 0;
    reader->status = LM_OK;
    reader->error[0] = '\0';
}

int lm__mp_fail(lm_mp_reader *reader, int status, const char *format, ...)
{
    if (reader->status != LM_OK)
        return reader->status;
    int n = snprintf(reader->error, sizeof reader->error, "offset %zu: ", reader->offset);
    va_list args;
    va_start(args, format);
    if (n > 0 && (size_t)n < sizeof reader->error)
        vsnprintf(reader->error + n, sizeof reader->error - (size_t)n, format, args);
    va_end(args);
    reader->status = status;
    return status;
}

const char *lm__mp_type_name(lm_mp_type type)
{
    switch (type) {
    case LM_MP_NIL: return "nil";
    case LM_MP_BOOL: return "a boolean";
    case LM_MP_UINT: return "an unsigned integer";
    case LM_MP_INT: return "a negative integer";
    case LM_MP_FLOAT: return "a float";
    case LM_MP_STR: return "a string";
    case LM_MP_BIN: return "binary data";
    case LM_MP_ARRAY: return "an array";
    case LM_MP_MAP: return "a map";
    case LM_MP_EXT: return "an extension value";
    }
    return "an unknown value";
}

static size_t remaining(const lm_mp_reader *reader)
{
    return reader->size - reader->offset;
}

static uint64_t big_endian(const unsigned char *p, size_t bytes)
{
    uint64_t value = 0;
    for (size_t k = 0; k < bytes; k++)
        value = value << 8 | p[k];
    return value;
}

/* The head at the current offset, without consuming it. */
static int decode_head(lm_mp_reader *reader, head *h)
{
    if (reader->status != LM_OK)
        return reader->status;
    if (remaining(reader) == 0)
        return lm__mp_fail(reader, LM_E_PARSE, "truncated: the data ends where a value should "
                                               "start");
    const unsigned char *p = reader->data + reader->offset;
    unsigned char byte = p[0];
    memset(h, 0, sizeof *h);
    size_t extra = 0; /* bytes after the first */
    if (byte <= 0x7f) {
        h->type = LM_MP_UINT;
        h->u = byte;
    } else if (byte <= 0x8f) {
        h->type = LM_MP_MAP;
        h->length = byte & 0x0f;
    } else if (byte <= 0x9f) {
        h->type = LM_MP_ARRAY;
        h->length = byte & 0x0f;
    } else if (byte <= 0xbf) {
        h->type = LM_MP_STR;
        h->length = byte & 0x1f;
    } else if (byte >= 0xe0) {
        h->type = LM_MP_INT;
        h->i = (int64_t)(int8_t)byte;
    } else {
        static const struct {
            lm_mp_type type;
            unsigned char extra; /* bytes of length or value after the first */
            unsigned char fixed; /* payload bytes for fixext/float */
        } table[] = {
            [0xc0 - 0xc0] = {LM_MP_NIL, 0, 0},   [0xc1 - 0xc0] = {LM_MP_EXT, 255, 0},
            [0xc2 - 0xc0] = {LM_MP_BOOL, 0, 0},  [0xc3 - 0xc0] = {LM_MP_BOOL, 0, 0},
            [0xc4 - 0xc0] = {LM_MP_BIN, 1, 0},   [0xc5 - 0xc0] = {LM_MP_BIN, 2, 0},
            [0xc6 - 0xc0] = {LM_MP_BIN, 4, 0},   [0xc7 - 0xc0] = {LM_MP_EXT, 1, 1},
            [0xc8 - 0xc0] = {LM_MP_EXT, 2, 1},   [0xc9 - 0xc0] = {LM_MP_EXT, 4, 1},
            [0xca - 0xc0] = {LM_MP_FLOAT, 4, 0}, [0xcb - 0xc0] = {LM_MP_FLOAT, 8, 0},
            [0xcc - 0xc0] = {LM_MP_UINT, 1, 0},  [0xcd - 0xc0] = {LM_MP_UINT, 2, 0},
            [0xce - 0xc0] = {LM_MP_UINT, 4, 0},  [0xcf - 0xc0] = {LM_MP_UINT, 8, 0},
            [0xd0 - 0xc0] = {LM_MP_INT, 1, 0},   [0xd1 - 0xc0] = {LM_MP_INT, 2, 0},
            [0xd2 - 0xc0] = {LM_MP_INT, 4, 0},   [0xd3 - 0xc0] = {LM_MP_INT, 8, 0},
            [0xd4 - 0xc0] = {LM_MP_EXT, 0, 2},   [0xd5 - 0xc0] = {LM_MP_EXT, 0, 3},
            [0xd6 - 0xc0] = {LM_MP_EXT, 0, 5},   [0xd7 - 0xc0] = {LM_MP_EXT, 0, 9},
            [0xd8 - 0xc0] = {LM_MP_EXT, 0, 17},  [0xd9 - 0xc0] = {LM_MP_STR, 1, 0},
            [0xda - 0xc0] = {LM_MP_STR, 2, 0},   [0xdb - 0xc0] = {LM_MP_STR, 4, 0},
            [0xdc - 0xc0] = {LM_MP_ARRAY, 2, 0}, [0xdd - 0xc0] = {LM_MP_ARRAY, 4, 0},
            [0xde - 0xc0] = {LM_MP_MAP, 2, 0},   [0xdf - 0xc0] = {LM_MP_MAP, 4, 0},
        };
        if (byte == 0xc1)
            return lm__mp_fail(reader, LM_E_PARSE, "byte 0xc1 is not valid msgpack");
        h->type = table[byte - 0xc0].type;
        extra = table[byte - 0xc0].extra;
        if (remaining(reader) - 1 < extra)
            return lm__mp_fail(reader, LM_E_PARSE,
                               "truncated: %s needs %zu more bytes after 0x%02x, %zu remain",
                               lm__mp_type_name(h->type), extra, byte, remaining(reader) - 1);
        uint64_t value = big_endian(p + 1, extra);
        switch (h->type) {
        case LM_MP_BOOL: h->b = byte == 0xc3; break;
        case LM_MP_UINT: h->u = value; break;
        case LM_MP_INT:
            /* Sign-extend the big-endian two's complement value. */
            if (extra < 8 && (value >> (8 * extra - 1)) & 1)
                value |= ~(uint64_t)0 << (8 * extra);
            h->i = (int64_t)value;
            if (h->i >= 0) {
                h->type = LM_MP_UINT;
                h->u = (uint64_t)h->i;
            }
            break;
        case LM_MP_FLOAT:
            if (extra == 4) {
                uint32_t bits = (uint32_t)value;
                float f;
                memcpy(&f, &bits, sizeof f);
                h->d = f;
            } else {
                memcpy(&h->d, &value, sizeof h->d);
            }
            break;
        case LM_MP_EXT: h->length = extra ? value + 1 : table[byte - 0xc0].fixed; break;
        default: h->length = value; break;
        }
    }
    h->size = 1 + extra;
    /* Every declared length must fit in what is left: a payload byte per
     * str/bin/ext byte, at least one byte per element, two per map entry. */
    uint64_t left = remaining(reader) - h->size;
    uint64_t need = h->type == LM_MP_MAP ? 2 * h->length : h->length;
    if (need > left)
        return lm__mp_fail(reader, LM_E_PARSE,
                           "truncated or damaged: %s of %llu %s cannot fit in the %llu bytes "
                           "that remain",
                           lm__mp_type_name(h->type), (unsigned long long)h->length,
                           h->type == LM_MP_ARRAY ? "elements"
                           : h->type == LM_MP_MAP ? "entries"
                                                  : "bytes",
                           (unsigned long long)left);
    return LM_OK;
}

int lm__mp_peek(lm_mp_reader *reader, lm_mp_type *type)
{
    head h;
    int status = decode_head(reader, &h);
    if (status == LM_OK)
        *type = h.type;
    return status;
}

/* Reads a head of the expected type and consumes it. */
static int expect(lm_mp_reader *reader, lm_mp_type type, head *h, const char *what)
{
    int status = decode_head(reader, h);
    if (status != LM_OK)
        return status;
    if (h->type != type && !(type == LM_MP_INT && h->type == LM_MP_UINT))
        return lm__mp_fail(reader, LM_E_PARSE, "expected %s, found %s", what,
                           lm__mp_type_name(h->type));
    reader->offset += h->size;
    return LM_OK;
}

int lm__mp_read_array(lm_mp_reader *reader, size_t *count)
{
    head h;
    int status = expect(reader, LM_MP_ARRAY, &h, "an array");
    if (status == LM_OK)
        *count = (size_t)h.length;
    return status;
}

int lm__mp_read_map(lm_mp_reader *reader, size_t *count)
{
    head h;
    int status = expect(reader, LM_MP_MAP, &h, "a map");
    if (status == LM_OK)
        *count = (size_t)h.length;
    return status;
}

int lm__mp_read_str(lm_mp_reader *reader, const char **text, size_t *length)
{
    head h;
    int status = expect(reader, LM_MP_STR, &h, "a string");
    if (status != LM_OK)
        return status;
    *text = (const char *)reader->data + reader->offset;
    *length = (size_t)h.length;
    reader->offset += (size_t)h.length;
    return LM_OK;
}

int lm__mp_read_uint(lm_mp_reader *reader, uint64_t *value)
{
    head h;
    int status = expect(reader, LM_MP_UINT, &h, "an unsigned integer");
    if (status == LM_OK)
        *value = h.u;
    return status;
}

int lm__mp_read_int(lm_mp_reader *reader, int64_t *value)
{
    head h;
    int status = expect(reader, LM_MP_INT, &h, "an integer");
    if (status != LM_OK)
        return status;
    if (h.type == LM_MP_UINT) {
        if (h.u > INT64_MAX) {
            reader->offset -= h.size;
            return lm__mp_fail(reader, LM_E_PARSE, "integer %llu is too large",
                               (unsigned long long)h.u);
        }
        *value = (int64_t)h.u;
    } else {
        *value = h.i;
    }
    return LM_OK;
}

int lm__mp_read_double(lm_mp_reader *reader, double *value)
{
    head h;
    int status = expect(reader, LM_MP_FLOAT, &h, "a float");
    if (status == LM_OK)
        *value = h.d;
    return status;
}

int lm__mp_read_bool(lm_mp_reader *reader, bool *value)
{
    head h;
    int status = expect(reader, LM_MP_BOOL, &h, "a boolean");
    if (status == LM_OK)
        *value = h.b;
    return status;
}

bool lm__mp_read_nil(lm_mp_reader *reader)
{
    if (reader->status != LM_OK || remaining(reader) == 0 ||
        reader->data[reader->offset] != 0xc0)
        return false;
    reader->offset++;
    return true;
}

static int skip(lm_mp_reader *reader, int depth)
{
    head h;
    int status = decode_head(reader, &h);
    if (status != LM_OK)
        return status;
    if ((h.type == LM_MP_ARRAY || h.type == LM_MP_MAP) && depth >= LM_MP_MAX_DEPTH)
        return lm__mp_fail(reader, LM_E_PARSE, "nested deeper than %d levels",
                           LM_MP_MAX_DEPTH);
    reader->offset += h.size;
    switch (h.type) {
    case LM_MP_STR:
    case LM_MP_BIN:
    case LM_MP_EXT:
        reader->offset += (size_t)h.length;
        return LM_OK;
    case LM_MP_ARRAY:
    case LM_MP_MAP: {
        uint64_t values = h.type == LM_MP_MAP ? 2 * h.length : h.length;
        for (uint64_t k = 0; k < values && status == LM_OK; k++)
            status = skip(reader, depth + 1);
        return status;
    }
    default:
        return LM_OK;
    }
}

int lm__mp_skip(lm_mp_reader *reader)
{
    return skip(reader, 0);
}

int lm__mp_read_text(lm_mp_reader *reader, char *buffer, size_t max, const char *what)
{
    size_t start = reader->offset;
    const char *text;
    size_t length;
    int status = lm__mp_read_str(reader, &text, &length);
    if (status != LM_OK)
        return status;
    if (length > max || memchr(text, '\0', length)) {
        reader->offset = start;
        return lm__mp_fail(reader, LM_E_PARSE,
                           length > max ? "%s of %zu bytes is longer than %zu"
                                        : "%s contains a NUL byte",
                           what, length, max);
    }
    memcpy(buffer, text, length);
    buffer[length] = '\0';
    return LM_OK;
}
