/* The weekly slot grid: 7 days x morning/afternoon/evening, monday first,
 * index = day * 3 + part. Sign-up forms write slots in many ways, so
 * lm_slot_find() accepts English and Dutch day names and part names. */
#include <stdio.h>
#include <string.h>

#include "model/model_internal.h"

#define DAYS 7
#define PARTS 3
#define SLOTS (DAYS * PARTS)

_Static_assert(SLOTS <= 64, "slot masks are uint64_t");

static const char *const slot_labels[SLOTS] = {
    "mon-morning", "mon-afternoon", "mon-evening",
    "tue-morning", "tue-afternoon", "tue-evening",
    "wed-morning", "wed-afternoon", "wed-evening",
    "thu-morning", "thu-afternoon", "thu-evening",
    "fri-morning", "fri-afternoon", "fri-evening",
    "sat-morning", "sat-afternoon", "sat-evening",
    "sun-morning", "sun-afternoon", "sun-evening",
};

/* Every accepted spelling of a day (lowercase), per day index. */
static const char *const day_names[DAYS][6] = {
    {"mon", "monday", "ma", "maandag", NULL},
    {"tue", "tuesday", "tues", "di", "dinsdag", NULL},
    {"wed", "wednesday", "wo", "woensdag", NULL},
    {"thu", "thursday", "thur", "thurs", "do", "donderdag"},
    {"fri", "friday", "vr", "vrijdag", NULL},
    {"sat", "saturday", "za", "zaterdag", NULL},
    {"sun", "sunday", "zo", "zondag", NULL},
};

static const char *const part_names[PARTS][5] = {
    {"morning", "am", "morn", "ochtend", NULL},
    {"afternoon", "pm", "aft", "middag", NULL},
    {"evening", "ev", "eve", "avond", NULL},
};

size_t lm_slot_count(void)
{
    return SLOTS;
}

const char *lm_slot_label(size_t index)
{
    return index < SLOTS ? slot_labels[index] : NULL;
}

static int find_name(const char *const *names, size_t count, const char *name, size_t length)
{
    for (size_t k = 0; k < count && names[k]; k++)
        if (strlen(names[k]) == length && memcmp(names[k], name, length) == 0)
            return 0;
    return -1;
}

static int find_day(const char *name, size_t length)
{
    for (int day = 0; day < DAYS; day++)
        if (find_name(day_names[day], 6, name, length) == 0)
            return day;
    return -1;
}

static int find_part(const char *name, size_t length)
{
    for (int part = 0; part < PARTS; part++)
        if (find_name(part_names[part], 5, name, length) == 0)
            return part;
    return -1;
}

/* A day and a part written as one word, as Dutch does: "dinsdagavond",
 * "zaterdagochtend", "diavond". */
static long find_joined(const char *lower, size_t length)
{
    for (size_t split = 1; split < length; split++) {
        int day = find_day(lower, split);
        int part = day < 0 ? -1 : find_part(lower + split, length - split);
        if (part >= 0)
            return (long)day * PARTS + part;
    }
    return -1;
}

/* Trims label[0..length) and lowercases it (ASCII) into lower (32 bytes,
 * NUL-terminated); *dash is the first separator ('-', ' ' or '_': "mon-am",
 * "mon am" and "mon_am" all name the same slot), or the length without one.
 * Returns the length, 0 when empty or too long. */
static size_t normalise(const char *label, size_t length, char lower[32], size_t *dash)
{
    while (length && lm__is_space(label[0]))
        label++, length--;
    while (length && lm__is_space(label[length - 1]))
        length--;
    if (length == 0 || length >= 32)
        return 0;
    *dash = length;
    for (size_t k = 0; k < length; k++) {
        char c = label[k];
        lower[k] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
        if ((c == '-' || c == ' ' || c == '_') && *dash == length)
            *dash = k;
    }
    lower[length] = '\0';
    return length;
}

/* Looks up label[0..length) after trimming; -1 when unknown. */
static long find_slot(const char *label, size_t length)
{
    char lower[32];
    size_t dash;
    length = normalise(label, length, lower, &dash);
    if (length == 0)
        return -1;
    if (dash == length)
        return find_joined(lower, length);
    int day = find_day(lower, dash);
    int part = find_part(lower + dash + 1, length - dash - 1);
    if (day < 0 || part < 0)
        return -1;
    return (long)day * PARTS + part;
}

int lm_slot_find(const char *label, size_t *index)
{
    if (!label || !index)
        return LM_E_INVALID;
    long slot = find_slot(label, strlen(label));
    if (slot < 0)
        return LM_E_NOTFOUND;
    *index = (size_t)slot;
    return LM_OK;
}

int lm__slots_parse(const char *labels, uint64_t *mask, char *error)
{
    int status = lm__parse_mask(labels, "slot labels", "slot", find_slot, mask, error);
    if (status == LM_E_NOTFOUND && error)
        lm__append_hint(labels, find_slot, lm__slot_suggest, error);
    return status;
}

/* The nearest day (or part) to word[0..length): exact, else by edit
 * distance; -1 when nothing is near. */
static int nearest(const char *const *names, size_t rows, size_t columns, const char *word,
                   size_t length)
{
    char text[32];
    if (length == 0 || length >= sizeof text)
        return -1;
    memcpy(text, word, length);
    text[length] = '\0';
    lm_suggest suggest;
    lm__suggest_init(&suggest, text);
    for (size_t row = 0; row < rows; row++)
        for (size_t k = 0; k < columns && names[row * columns + k]; k++) {
            if (strcmp(names[row * columns + k], text) == 0)
                return (int)row;
            lm__suggest_offer(&suggest, names[row * columns + k], names[row * columns]);
        }
    const char *best = lm__suggest_best(&suggest);
    for (size_t row = 0; best && row < rows; row++)
        if (names[row * columns] == best)
            return (int)row;
    return -1;
}

int lm__slot_suggest(const char *label, char *out, size_t size)
{
    char lower[32];
    size_t dash;
    out[0] = '\0';
    size_t length = normalise(label, strlen(label), lower, &dash);
    if (length == 0)
        return 0;
    /* Without a separator, every split of the word is a guess. */
    size_t first = dash == length ? 1 : dash, last = dash == length ? length - 1 : dash;
    for (size_t split = first; split <= last && split < length; split++) {
        size_t rest = dash == length ? split : split + 1;
        int day = nearest(&day_names[0][0], DAYS, 6, lower, split);
        int part = day < 0 ? -1 : nearest(&part_names[0][0], PARTS, 5, lower + rest, length - rest);
        if (part >= 0)
            return snprintf(out, size, " \xe2\x80\x94 did you mean '%s'?",
                            slot_labels[day * PARTS + part]);
    }
    return 0;
}
