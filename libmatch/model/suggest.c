/* "Did you mean ...?": the nearest of a set of known names to a word that
 * matched none of them, by edit distance over case-folded code points. Used
 * by the messages for unknown tags, languages, slots, roles and columns. */
#include <stdio.h>
#include <string.h>

#include "model/model_internal.h"

/* Words longer than this are never near anything worth suggesting. */
#define WORD_MAX 48

uint32_t lm__fold_code_point(uint32_t c)
{
    if ((c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0xDE && c != 0xD7) ||
        (c >= 0x391 && c <= 0x3AB && c != 0x3A2) || (c >= 0x410 && c <= 0x42F))
        return c + 0x20;
    if (c >= 0x400 && c <= 0x40F)
        return c + 0x50;
    /* Greek capitals with tonos */
    if (c == 0x386)
        return 0x3AC;
    if (c >= 0x388 && c <= 0x38A)
        return c + 0x25;
    if (c == 0x38C)
        return 0x3CC;
    if (c == 0x38E || c == 0x38F)
        return c + 0x3F;
    /* Latin Extended-A: capitals are even, then odd, then even, then odd again. */
    if ((c >= 0x100 && c <= 0x137 && !(c & 1) && c != 0x130) ||
        (c >= 0x139 && c <= 0x148 && (c & 1)) || (c >= 0x14A && c <= 0x177 && !(c & 1)) ||
        (c >= 0x179 && c <= 0x17E && (c & 1)))
        return c + 1;
    if (c == 0x178)
        return 0xFF;
    return c;
}

/* Decodes text into case-folded code points without allocating (so a
 * suggestion never turns running out of memory into silence); 0 when too
 * long, empty or invalid. */
static size_t decode(const char *text, uint32_t *out)
{
    size_t count = 0, length = strlen(text);
    while (length && lm__is_space(text[0]))
        text++, length--;
    while (length && lm__is_space(text[length - 1]))
        length--;
    for (size_t at = 0; at < length;) {
        uint32_t code_point;
        size_t size = lm__utf8_decode(text + at, length - at, &code_point);
        if (!size || count == WORD_MAX)
            return 0;
        /* '-', '_' and ' ' separate the same words ("tue-ev", "tue ev"). */
        out[count++] = code_point == '_' || code_point == ' ' ? '-'
                                                              : lm__fold_code_point(code_point);
        at += size;
    }
    return count;
}

bool lm__same_folded(const char *a, size_t a_length, const char *b)
{
    size_t b_length = strlen(b), i = 0, j = 0;
    while (i < a_length && j < b_length) {
        uint32_t x, y;
        size_t m = lm__utf8_decode(a + i, a_length - i, &x);
        size_t n = lm__utf8_decode(b + j, b_length - j, &y);
        if (!m || !n || lm__fold_code_point(x) != lm__fold_code_point(y))
            return false;
        i += m;
        j += n;
    }
    return i == a_length && j == b_length;
}

/* Levenshtein distance with adjacent transpositions (optimal string
 * alignment): "kokken" is 1 from "koken", "egnels" 1 from "engels". */
static size_t distance(const uint32_t *a, size_t n, const uint32_t *b, size_t m)
{
    size_t rows[3][WORD_MAX + 1];
    size_t *before = rows[0], *previous = rows[1], *current = rows[2];
    for (size_t j = 0; j <= m; j++)
        previous[j] = j;
    for (size_t i = 1; i <= n; i++) {
        current[0] = i;
        for (size_t j = 1; j <= m; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = previous[j - 1] + cost;
            if (previous[j] + 1 < best)
                best = previous[j] + 1;
            if (current[j - 1] + 1 < best)
                best = current[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
                before[j - 2] + 1 < best)
                best = before[j - 2] + 1;
            current[j] = best;
        }
        size_t *spare = before;
        before = previous;
        previous = current;
        current = spare;
    }
    return previous[m];
}

void lm__suggest_init(lm_suggest *s, const char *word)
{
    memset(s, 0, sizeof *s);
    s->length = decode(word, s->word);
    s->distance = SIZE_MAX;
}

void lm__suggest_offer(lm_suggest *s, const char *candidate, const char *shown)
{
    if (!s->length || !candidate || !candidate[0])
        return;
    uint32_t other[WORD_MAX];
    size_t length = decode(candidate, other);
    if (!length)
        return;
    size_t d = distance(s->word, s->length, other, length);
    /* Near means at most one edit in four letters (at least one, at most
     * three), and never a whole word replaced: "xx" suggests nothing. */
    size_t shorter = s->length < length ? s->length : length;
    size_t allowed = shorter / 4 ? shorter / 4 : 1;
    if (allowed > 3)
        allowed = 3;
    if (d == 0 || d > allowed || d >= shorter)
        return;
    /* Ties go to the first offered, so the result does not depend on the
     * order of a hash or a sort of equal names. */
    if (d < s->distance) {
        s->distance = d;
        s->best = shown ? shown : candidate;
    }
}

const char *lm__suggest_best(const lm_suggest *s)
{
    return s->best;
}

int lm__suggest_hint(const lm_suggest *s, char *out, size_t size)
{
    if (!s->best) {
        if (size)
            out[0] = '\0';
        return 0;
    }
    return snprintf(out, size, " \xe2\x80\x94 did you mean '%s'?", s->best);
}
