/* Text every layer reads (text.c): UTF-8 checks and case folding, white
 * space, ';'-separated lists, and numbers in a form that does not depend on
 * the C locale. */
#ifndef LM_TEXT_INTERNAL_H
#define LM_TEXT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/common_internal.h"

/* ---- UTF-8 --------------------------------------------------------------- */

/* Decodes one code point at text[0..length) into *code_point; returns its
 * byte length, or 0 when the sequence is invalid (overlong, surrogate,
 * beyond U+10FFFF, truncated) or length is 0. */
size_t lm__utf8_decode(const char *text, size_t length, uint32_t *code_point);
/* true when text[0..length) is valid UTF-8. */
bool lm__utf8_valid(const char *text, size_t length);
/* Case-folds UTF-8 text (ASCII, Latin-1, Latin Extended-A, Greek, Cyrillic)
 * and trims surrounding white space into a new string. NULL with *status
 * LM_E_PARSE for invalid UTF-8, LM_E_NOMEM when allocation fails. */
char *lm__fold(const char *text, size_t length, int *status);
/* At most `limit` bytes of text without splitting a UTF-8 sequence (for
 * "%.*s" in messages, which must stay valid UTF-8). */
int lm__clip_utf8(const char *text, size_t length, size_t limit);

/* ---- white space and lists ------------------------------------------------ */

/* ASCII white space, and text[0..length) without it on both ends. */
bool lm__is_space(char c);
void lm__trim(const char **text, size_t *length);
/* Parses a ';'-separated list ("nl;ar", "mon-ev;sat-am") into a bit mask:
 * each trimmed, non-empty piece is looked up by find (an index < 64, or -1).
 * "" is mask 0. Invalid UTF-8 is LM_E_PARSE ("<plural> are not valid
 * UTF-8"), an unknown piece LM_E_NOTFOUND ("unknown <singular> 'xx'"), with
 * the message in error (LM_ERRMSG_MAX bytes, may be NULL). */
typedef long (*lm_find_fn)(const char *name, size_t length);
int lm__parse_mask(const char *list, const char *plural, const char *singular, lm_find_fn find,
                   uint64_t *mask, char *error);

/* ---- numbers ---------------------------------------------------------------- */

/* A finite decimal number "-12.5", "3e-2", ".5" without any locale: no
 * "nan", "inf", hex, ',' or trailing text. Correctly rounded (strtod). */
bool lm__parse_double(const char *text, double *value);
/* A non-negative decimal integer of at most 18 digits. */
bool lm__parse_uint(const char *text, uint64_t *value);
/* The shortest of %.15g, %.16g and %.17g that reads back to exactly value,
 * always with '.' as the decimal point whatever the locale. */
void lm__format_double(double value, char out[32]);

#endif
