/* Participants and venues as CSV (docs/formats.md): the writers, whose
 * output io_csv_pool.c loads back to the same pool (levels in the shortest
 * text the tag reader gives back exactly). Written atomically. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/atomic_internal.h"
#include "io/csv_internal.h"
#include "io/csv_pool_internal.h"
#include "model/model_internal.h"

/* A growing text for one field. */
typedef struct text_buffer {
    char *text;
    size_t length, capacity;
    bool failed;
} text_buffer;

static void put_text(text_buffer *b, const char *text)
{
    size_t length = strlen(text);
    if (b->failed ||
        lm__grow((void **)&b->text, &b->capacity, b->length + length + 1, 1) != LM_OK) {
        b->failed = true;
        return;
    }
    memcpy(b->text + b->length, text, length + 1);
    b->length += length;
}

static const char *buffer_text(text_buffer *b)
{
    return b->text && !b->failed ? b->text : "";
}

/* d1d2...dn x 10^(exponent - n + 1) as a plain decimal ("0.0025", "12.5"). */
static void plain_decimal(const char *digits, size_t count, long exponent, char *out)
{
    size_t written = 0;
    if (exponent < 0) {
        out[written++] = '0';
        out[written++] = '.';
        for (long k = -1; k > exponent; k--)
            out[written++] = '0';
        for (size_t k = 0; k < count; k++)
            out[written++] = digits[k];
    } else {
        for (size_t k = 0; k < count || (long)k <= exponent; k++) {
            if ((long)k == exponent + 1)
                out[written++] = '.';
            out[written++] = k < count ? digits[k] : '0';
        }
    }
    out[written] = '\0';
    if (strchr(out, '.')) {
        while (out[written - 1] == '0')
            out[--written] = '\0';
        if (out[written - 1] == '.')
            out[--written] = '\0';
    }
}

/* The level the tag reader (tags.c) gives a plain decimal: the digits as an
 * integer, of which it keeps the first 18 significant, divided by ten to the
 * number of kept decimals. That is not always the correctly rounded value,
 * so the writer checks its candidates against this very computation; the
 * save/load round-trip test keeps the two files in agreement. */
static double tag_reader_value(const char *text)
{
    uint64_t mantissa = 0, scale = 1;
    bool point = false;
    for (const char *c = text; *c; c++) {
        if (*c == '.') {
            point = true;
        } else if (mantissa < UINT64_C(100000000000000000)) {
            mantissa = mantissa * 10 + (uint64_t)(*c - '0');
            if (point)
                scale *= 10;
        }
    }
    return (double)mantissa / (double)scale;
}

/* A level in the tag syntax (plain decimal, no exponent, at most 19
 * decimals), the shortest that the tag reader reads back exactly. At 16 to
 * 18 digits the nearest text may miss by double rounding; a neighbour
 * usually hits. A level the reader cannot produce at all (it is not
 * correctly rounded) gets the nearest text of at most 17 digits and 19
 * decimals; below 5e-20 that is "0" and the entry is left out. */
static void format_level(double level, char out[48])
{
    char best[48] = "0";
    for (int digits = 1; digits <= 18; digits++) {
        char scientific[48];
        snprintf(scientific, sizeof scientific, "%.*e", digits - 1, level);
        uint64_t mantissa = 0;
        const char *at = scientific;
        for (; *at && *at != 'e'; at++)
            if (*at >= '0' && *at <= '9')
                mantissa = mantissa * 10 + (uint64_t)(*at - '0');
        long exponent = *at == 'e' ? strtol(at + 1, NULL, 10) : 0;
        if ((long)digits - 1 - exponent > 19 || exponent > 0)
            continue;
        uint64_t lowest = 1;
        for (int k = 1; k < digits; k++)
            lowest *= 10;
        int reach = digits >= 16 ? 256 : 0;
        for (int step = 0; step <= 2 * reach; step++) {
            int64_t delta = step % 2 ? -(int64_t)(step + 1) / 2 : (int64_t)step / 2;
            uint64_t candidate = mantissa + (uint64_t)delta;
            if (candidate < lowest || candidate >= lowest * 10)
                continue;
            char text[24];
            snprintf(text, sizeof text, "%0*llu", digits, (unsigned long long)candidate);
            plain_decimal(text, (size_t)digits, exponent, out);
            if (step == 0 && digits <= 17)
                memcpy(best, out, strlen(out) + 1);
            if (tag_reader_value(out) == level)
                return;
        }
    }
    memcpy(out, best, strlen(best) + 1);
}

static void put_vector(text_buffer *b, const lm_taxonomy *taxonomy, const lm_participant *p,
                       int v)
{
    size_t length;
    const lm_entry *entries = lm__vec(p, v, &length);
    b->length = 0;
    put_text(b, "");
    bool first = true;
    for (size_t k = 0; k < length; k++) {
        char level[48] = "1";
        if (entries[k].value != 1.0)
            format_level(entries[k].value, level);
        if (strcmp(level, "0") == 0)
            continue; /* below what a tag can express */
        if (!first)
            put_text(b, ";");
        first = false;
        put_text(b, taxonomy->topics[entries[k].topic].key);
        if (entries[k].value != 1.0) {
            put_text(b, ":");
            put_text(b, level);
        }
    }
}

static void put_mask(text_buffer *b, uint64_t mask, size_t count,
                     const char *(*name)(size_t index))
{
    b->length = 0;
    put_text(b, "");
    bool first = true;
    for (size_t k = 0; k < count && k < 64; k++) {
        if (!(mask >> k & 1))
            continue;
        if (!first)
            put_text(b, ";");
        put_text(b, name(k));
        first = false;
    }
}

static void put_number(FILE *file, bool present, double number, bool last)
{
    char text[32] = "";
    if (present)
        lm__format_double(number, text);
    lm__csv_put_field(file, text, last);
}

int lm__pool_write_csv(lm_pool *pool, FILE *file)
{
    size_t extra = pool->display_count;
    for (int c = 0; c < PARTICIPANT_COLUMNS; c++)
        lm__csv_put_field(file, lm__participant_columns[c], c == PARTICIPANT_COLUMNS - 1 && !extra);
    for (size_t c = 0; c < extra; c++)
        lm__csv_put_field(file, pool->display[c].name, c + 1 == extra);
    text_buffer b = {0};
    for (size_t i = 0; i < pool->count && !b.failed; i++) {
        const lm_participant *p = &pool->people[i];
        lm__csv_put_field(file, p->id, false);
        lm__csv_put_field(file, p->role == LM_NEWCOMER ? "newcomer" : "resident", false);
        for (int v = 0; v < 3; v++) {
            put_vector(&b, pool->taxonomy, p, v);
            lm__csv_put_field(file, buffer_text(&b), false);
        }
        put_mask(&b, p->languages, lm_language_count(), lm_language_code);
        lm__csv_put_field(file, buffer_text(&b), false);
        put_mask(&b, p->availability, lm_slot_count(), lm_slot_label);
        lm__csv_put_field(file, buffer_text(&b), false);
        put_number(file, p->has_location, p->lat, false);
        put_number(file, p->has_location, p->lon, false);
        put_number(file, p->max_km > 0.0, p->max_km, false);
        lm__csv_put_field(file, p->step_free ? "yes" : "no", false);
        lm__csv_put_field(file, p->host ? "yes" : "no", !extra);
        for (size_t c = 0; c < extra; c++)
            lm__csv_put_field(file, lm__display_get(pool, c, i), c + 1 == extra);
    }
    bool failed = b.failed;
    lm__free(b.text);
    return failed ? lm__fail(&pool->base, LM_E_NOMEM, "out of memory") : LM_OK;
}

int lm__pool_write_venues_csv(lm_pool *pool, FILE *file)
{
    for (int c = 0; c < VENUE_COLUMNS; c++)
        lm__csv_put_field(file, lm__venue_columns[c], c == VENUE_COLUMNS - 1);
    text_buffer b = {0};
    for (size_t k = 0; k < pool->venue_count && !b.failed; k++) {
        const lm_venue *v = &pool->venues[k];
        lm__csv_put_field(file, v->id, false);
        put_number(file, true, v->lat, false);
        put_number(file, true, v->lon, false);
        if (v->open == lm__all_slots()) {
            lm__csv_put_field(file, "", false);
        } else if (v->open == 0) {
            lm__csv_put_field(file, "none", false);
        } else {
            put_mask(&b, v->open, lm_slot_count(), lm_slot_label);
            lm__csv_put_field(file, buffer_text(&b), false);
        }
        char capacity[24];
        snprintf(capacity, sizeof capacity, "%u", v->capacity);
        lm__csv_put_field(file, capacity, false);
        lm__csv_put_field(file, v->step_free ? "yes" : "no", true);
    }
    bool failed = b.failed;
    lm__free(b.text);
    return failed ? lm__fail(&pool->base, LM_E_NOMEM, "out of memory") : LM_OK;
}

static int write_participants(void *context, FILE *file)
{
    return lm__pool_write_csv(context, file);
}

static int write_venues(void *context, FILE *file)
{
    return lm__pool_write_venues_csv(context, file);
}

int lm_pool_save_csv(lm_pool *pool, const char *path)
{
    if (!pool || !path)
        return pool ? lm__fail(&pool->base, LM_E_INVALID, "no path") : LM_E_INVALID;
    return lm__atomic_write(path, write_participants, pool, &pool->base);
}

int lm_pool_save_venues_csv(lm_pool *pool, const char *path)
{
    if (!pool || !path)
        return pool ? lm__fail(&pool->base, LM_E_INVALID, "no path") : LM_E_INVALID;
    return lm__atomic_write(path, write_venues, pool, &pool->base);
}
