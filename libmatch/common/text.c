/* Text helpers (text_internal.h): UTF-8 validation, simple case folding for
 * the scripts our participants write in, lists, and locale-free numbers.
 * Folding is table-free on purpose: the covered blocks have regular
 * upper/lower layouts. */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/text_internal.h"

/* lm__utf8_decode() on bytes; length > 0. */
static size_t decode(const unsigned char *text, size_t length, uint32_t *code_point)
{
    unsigned char lead = text[0];
    if (lead < 0x80) {
        *code_point = lead;
        return 1;
    }
    size_t size;
    uint32_t value, minimum;
    if (lead >= 0xc2 && lead <= 0xdf) {
        size = 2, value = lead & 0x1fu, minimum = 0x80;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        size = 3, value = lead & 0x0fu, minimum = 0x800;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        size = 4, value = lead & 0x07u, minimum = 0x10000;
    } else {
        return 0;
    }
    if (size > length)
        return 0;
    for (size_t k = 1; k < size; k++) {
        if ((text[k] & 0xc0) != 0x80)
            return 0;
        value = (value << 6) | (text[k] & 0x3fu);
    }
    if (value < minimum || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff))
        return 0;
    *code_point = value;
    return size;
}

static size_t encode(uint32_t code_point, char *out)
{
    if (code_point < 0x80) {
        out[0] = (char)code_point;
        return 1;
    }
    if (code_point < 0x800) {
        out[0] = (char)(0xc0 | (code_point >> 6));
        out[1] = (char)(0x80 | (code_point & 0x3f));
        return 2;
    }
    if (code_point < 0x10000) {
        out[0] = (char)(0xe0 | (code_point >> 12));
        out[1] = (char)(0x80 | ((code_point >> 6) & 0x3f));
        out[2] = (char)(0x80 | (code_point & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (code_point >> 18));
    out[1] = (char)(0x80 | ((code_point >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((code_point >> 6) & 0x3f));
    out[3] = (char)(0x80 | (code_point & 0x3f));
    return 4;
}

size_t lm__utf8_decode(const char *text, size_t length, uint32_t *code_point)
{
    return length ? decode((const unsigned char *)text, length, code_point) : 0;
}

bool lm__utf8_valid(const char *text, size_t length)
{
    const unsigned char *bytes = (const unsigned char *)text;
    size_t at = 0;
    while (at < length) {
        uint32_t code_point;
        size_t size = decode(bytes + at, length - at, &code_point);
        if (!size)
            return false;
        at += size;
    }
    return true;
}

/* Simple case folding (one code point to one code point) following Unicode's
 * CaseFolding.txt for the blocks we cover. Two deliberate choices: U+0130
 * (capital I with dot) folds to plain 'i' so "İstanbul" matches "istanbul",
 * and U+00DF (sharp s) stays itself rather than becoming "ss". */
static uint32_t fold_code_point(uint32_t c)
{
    if (c < 0x80)
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    if (c == 0xb5)
        return 0x3bc; /* micro sign folds to Greek mu */
    if (c >= 0xc0 && c <= 0xde && c != 0xd7)
        return c + 32;
    if (c >= 0x100 && c <= 0x17f) {
        if (c == 0x130)
            return 'i';
        if (c == 0x178)
            return 0xff;
        if (c == 0x17f)
            return 's';
        if ((c >= 0x100 && c <= 0x137) || (c >= 0x14a && c <= 0x177))
            return c % 2 == 0 ? c + 1 : c;
        if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e))
            return c % 2 == 1 ? c + 1 : c;
        return c;
    }
    if (c >= 0x370 && c <= 0x3ff) {
        if (c == 0x386)
            return 0x3ac;
        if (c >= 0x388 && c <= 0x38a)
            return c + 37;
        if (c == 0x38c)
            return 0x3cc;
        if (c == 0x38e || c == 0x38f)
            return c + 63;
        if (c >= 0x391 && c <= 0x3ab && c != 0x3a2)
            return c + 32;
        if (c == 0x3c2)
            return 0x3c3; /* final sigma matches medial sigma */
        return c;
    }
    if (c >= 0x400 && c <= 0x52f) {
        if (c <= 0x40f)
            return c + 80;
        if (c <= 0x42f)
            return c + 32;
        if (c < 0x460)
            return c;
        if (c == 0x4c0)
            return 0x4cf;
        if (c >= 0x4c1 && c <= 0x4ce)
            return c % 2 == 1 ? c + 1 : c;
        if ((c >= 0x460 && c <= 0x481) || (c >= 0x48a && c <= 0x4bf) || c >= 0x4d0)
            return c % 2 == 0 ? c + 1 : c;
        return c;
    }
    return c;
}

static bool is_ascii_space(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

bool lm__is_space(char c)
{
    return is_ascii_space((unsigned char)c);
}

void lm__trim(const char **text, size_t *length)
{
    while (*length && lm__is_space((*text)[0]))
        (*text)++, (*length)--;
    while (*length && lm__is_space((*text)[*length - 1]))
        (*length)--;
}

int lm__clip_utf8(const char *text, size_t length, size_t limit)
{
    if (length <= limit)
        return (int)length;
    while (limit && ((unsigned char)text[limit] & 0xc0) == 0x80)
        limit--;
    return (int)limit;
}

int lm__parse_mask(const char *list, const char *plural, const char *singular, lm_find_fn find,
                   uint64_t *mask, char *error)
{
    if (error)
        error[0] = '\0';
    if (!list || !mask)
        return LM_E_INVALID;
    if (!lm__utf8_valid(list, strlen(list))) {
        if (error)
            snprintf(error, LM_ERRMSG_MAX, "%s are not valid UTF-8", plural);
        return LM_E_PARSE;
    }
    uint64_t result = 0;
    for (const char *piece = list;;) {
        const char *end = strchr(piece, ';');
        size_t length = end ? (size_t)(end - piece) : strlen(piece);
        const char *name = piece;
        lm__trim(&name, &length);
        if (length) {
            long found = find(name, length);
            if (found < 0) {
                if (error)
                    snprintf(error, LM_ERRMSG_MAX, "unknown %s '%.*s'", singular,
                             lm__clip_utf8(name, length, 100), name);
                return LM_E_NOTFOUND;
            }
            result |= UINT64_C(1) << found;
        }
        if (!end)
            break;
        piece = end + 1;
    }
    *mask = result;
    return LM_OK;
}

char *lm__fold(const char *text, size_t length, int *status)
{
    int ignored;
    if (!status)
        status = &ignored;
    if (!text) {
        *status = LM_E_INVALID;
        return NULL;
    }
    const unsigned char *bytes = (const unsigned char *)text;
    while (length && is_ascii_space(bytes[0]))
        bytes++, length--;
    while (length && is_ascii_space(bytes[length - 1]))
        length--;
    /* Folding never lengthens a code point's encoding in the blocks covered
     * except U+00B5 (2 bytes -> 2 bytes) and U+0130 (2 -> 1), so length + 1
     * bytes always suffice. */
    char *out = lm__malloc(length + 1);
    if (!out) {
        *status = LM_E_NOMEM;
        return NULL;
    }
    size_t at = 0, written = 0;
    while (at < length) {
        uint32_t code_point;
        size_t size = decode(bytes + at, length - at, &code_point);
        /* An embedded NUL would silently cut the C string short. */
        if (!size || code_point == 0) {
            lm__free(out);
            *status = LM_E_PARSE;
            return NULL;
        }
        written += encode(fold_code_point(code_point), out + written);
        at += size;
    }
    out[written] = '\0';
    *status = LM_OK;
    return out;
}

/* ---- numbers ------------------------------------------------------------------ */

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
    long shift = exponent - (long)fraction_digits;
#if FLT_EVAL_METHOD == 0
    /* Fast path (Clinger): up to 15 digits are an exact double, so are the
     * powers of ten up to 1e22, and one IEEE multiplication or division of
     * exact operands is correctly rounded, as strtod is. */
    if (digit_count <= 15 && shift >= -22 && shift <= 22) {
        static const double powers[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                          1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                          1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
        uint64_t mantissa = 0;
        for (size_t k = 0; k < digit_count; k++)
            mantissa = mantissa * 10 + (uint64_t)(digits[k] - '0');
        double exact = (double)mantissa;
        double parsed = shift >= 0 ? exact * powers[shift] : exact / powers[-shift];
        *value = negative ? -parsed : parsed;
        return true;
    }
#endif
    snprintf(digits + digit_count, sizeof digits - digit_count, "e%ld", shift);
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
