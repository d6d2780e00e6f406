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

/* Looks up label[0..length) after trimming; -1 when unknown. */
static long find_slot(const char *label, size_t length)
{
    while (length && lm__is_space(label[0]))
        label++, length--;
    while (length && lm__is_space(label[length - 1]))
        length--;
    char lower[32];
    if (length == 0 || length >= sizeof lower)
        return -1;
    size_t dash = length;
    for (size_t k = 0; k < length; k++) {
        char c = label[k];
        lower[k] = c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
        /* "mon-am", "mon am" and "mon_am" all name the same slot. */
        if ((c == '-' || c == ' ' || c == '_') && dash == length)
            dash = k;
    }
    if (dash == length)
        return -1;
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
    return lm__parse_mask(labels, "slot labels", "slot", find_slot, mask, error);
}
