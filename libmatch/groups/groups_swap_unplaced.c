/* Swaps with the unplaced, from the groups' side.
 *
 * Where venue capacity decides how many can be placed (in the generated
 * cities about half of the people find no place), who fills the places
 * decides the group scores. The search core and the large neighbourhood
 * search meet the unassigned through small samples, so an unplaced person
 * who would lift a group far more than one of its members often stays out.
 * This pass looks from each group at the unplaced people most interested in
 * its THEMES largest topics, most interested first: of the first LOOK of
 * each list, the first SCAN who could join the group at its place are
 * ranked by the score the group would have with them added, and for the
 * best CANDIDATES every swap with a member is scored exactly
 * (lm__gstate_value_with: -INFINITY when a hard constraint or a
 * coordinator's rule breaks). The best swap that raises the group's score
 * is made and the group is looked at again. The number placed does not
 * change, so the region's objective rises by exactly the score gained.
 * Members swapped out are unplaced from then on; the lists are rebuilt for
 * the next pass.
 *
 * Cost, per group and pass: at most THEMES * LOOK cheap mask tests, THEMES
 * * SCAN scores of a group with one more member and CANDIDATES * max_size
 * swap scores, each O(nnz); the lists are a counting sort, O(nnz) per
 * unplaced person. On the generated city of 100,000 with 400 venues this
 * takes 5% of the run and raises total + mu n by 0.6% (docs/solver.md). */
#include <math.h>

#include "groups/groups_internal.h"
#include "engine/search_internal.h"

#define THEMES 2
#define LOOK 64
#define SCAN 16
#define CANDIDATES 8
#define PASSES 2
/* Interest levels fall into BANDS bands, highest first, so that the lists
 * come from a counting sort; people stay in item order within a band. */
#define BANDS 16

/* The unplaced by topic of interest and band: topic t's people, most
 * interested first, are list[first[t * BANDS] .. first[(t + 1) * BANDS]). */
typedef struct by_topic {
    uint32_t *first;
    uint32_t *list;
} by_topic;

static size_t band_of(double value)
{
    double band = (1.0 - value) * BANDS;
    return band <= 0.0 ? 0 : band >= BANDS - 1 ? BANDS - 1 : (size_t)band;
}

static int by_topic_build(const lm_gstate *s, by_topic *b)
{
    size_t cells = s->topics * BANDS, total = 0;
    b->first = lm__calloc(cells + 2, sizeof *b->first);
    if (!b->first)
        return LM_E_NOMEM;
    /* counts shifted by two, prefix sums shifted by one, then the fill
     * advances each cell's start to its end: first[c] ends as c's start */
    for (uint32_t k = 0; k < s->item_count; k++)
        if (s->group_of[k] == LM_NO_GROUP)
            for (uint32_t e = 0; e < s->items[k].x.length; e++) {
                const lm_entry *entry = &s->items[k].x.entries[e];
                b->first[entry->topic * BANDS + band_of(entry->value) + 2]++;
            }
    for (size_t c = 0; c < cells; c++) {
        total += b->first[c + 2];
        b->first[c + 2] = (uint32_t)total;
    }
    b->list = lm__malloc((total ? total : 1) * sizeof *b->list);
    if (!b->list)
        return LM_E_NOMEM;
    for (uint32_t k = 0; k < s->item_count; k++)
        if (s->group_of[k] == LM_NO_GROUP)
            for (uint32_t e = 0; e < s->items[k].x.length; e++) {
                const lm_entry *entry = &s->items[k].x.entries[e];
                b->list[b->first[entry->topic * BANDS + band_of(entry->value) + 1]++] = k;
            }
    return LM_OK;
}

static void by_topic_free(by_topic *b)
{
    lm__free(b->first);
    lm__free(b->list);
}

/* Makes the best swap of a member of g with an unplaced person from g's
 * theme lists; false when none raises g's score. */
static bool improve_group(lm_gstate *s, const by_topic *b, uint32_t g)
{
    uint32_t candidate[CANDIDATES], found = 0;
    double added[CANDIDATES];
    for (uint32_t r = 0; r < THEMES; r++) {
        if (!(s->top_value[(size_t)g * LM_THEME_TOP + r] > 0.0))
            break;
        size_t t = s->top_topic[(size_t)g * LM_THEME_TOP + r];
        uint32_t at = b->first[t * BANDS], end = b->first[(t + 1) * BANDS];
        if (end - at > LOOK)
            end = at + LOOK;
        for (uint32_t scanned = 0; at < end && scanned < SCAN; at++) {
            uint32_t k = b->list[at];
            if (s->group_of[k] != LM_NO_GROUP || !lm__gstate_compatible(s, k, g))
                continue;
            scanned++;
            bool seen = false;
            for (uint32_t c = 0; c < found && !seen; c++)
                seen = candidate[c] == k;
            if (!seen)
                lm__top_keep(candidate, added, &found, CANDIDATES, k,
                             lm__gstate_score_with(s, g, LM_NONE_ITEM, k));
        }
    }
    const uint32_t *members = s->members + (size_t)g * s->max_size;
    double best_gain = 1e-9;
    uint32_t best_in = LM_NONE_ITEM, best_out = LM_NONE_ITEM;
    for (uint32_t c = 0; c < found; c++)
        for (uint32_t m = 0; m < s->size[g]; m++) {
            double gain = lm__gstate_value_with(s, g, members[m], candidate[c]) - s->value[g];
            if (gain > best_gain) {
                best_gain = gain;
                best_in = candidate[c];
                best_out = members[m];
            }
        }
    if (best_in == LM_NONE_ITEM)
        return false;
    lm__gstate_apply(s, g, best_out, best_in);
    return true;
}

int lm__groups_swap_unplaced(lm_gstate *s, const int *slot_of, const int *venue_of)
{
    if (!s->use_venues)
        return LM_OK;
    for (int pass = 0; pass < PASSES; pass++) {
        by_topic b = {NULL, NULL};
        int status = by_topic_build(s, &b);
        bool changed = false;
        for (uint32_t g = 0; status == LM_OK && g < s->group_count; g++) {
            /* only groups that meet where they hold their place */
            if (s->size[g] == 0 || s->place_venue[g] < 0 || venue_of[g] != s->place_venue[g] ||
                slot_of[g] != s->place_slot[g])
                continue;
            /* every swap raises g's score; the cap keeps the cost linear */
            for (uint32_t swaps = 0; swaps < 2 * s->max_size && improve_group(s, &b, g); swaps++)
                changed = true;
        }
        by_topic_free(&b);
        if (status != LM_OK || !changed)
            return status;
    }
    return LM_OK;
}
