/* Why a participant stays unassigned: the first hard constraint, in the order
 * a coordinator would check them, that leaves too few possible partners. */
#include "groups/groups_internal.h"
#include "engine/search_internal.h"

typedef struct tally {
    uint32_t role[2]; /* possible partners by role (besides the participant) */
} tally;

static bool enough(const lm_gstate *s, const tally *t, int own_role)
{
    uint32_t q = s->min_per_role;
    uint32_t own = t->role[own_role] + 1, other = t->role[1 - own_role];
    return own >= q && other >= q && own + other >= s->min_size;
}

lm_reason lm__groups_reason(const lm_gstate *s, uint32_t item)
{
    const lm_item *it = &s->items[item];
    int role = it->role;
    tally all = {{0, 0}}, language = {{0, 0}}, slot = {{0, 0}}, place = {{0, 0}};
    for (uint32_t other = 0; other < s->item_count; other++) {
        if (other == item)
            continue;
        const lm_item *o = &s->items[other];
        all.role[o->role]++;
        if (s->params->language && !(it->languages & o->languages))
            continue;
        language.role[o->role]++;
        if (!(it->slots & o->slots))
            continue;
        slot.role[o->role]++;
        if (!lm__gstate_pair_compatible(s, item, other))
            continue;
        place.role[o->role]++;
        /* each tally counts a subset of the one before: when the last has
         * enough, they all do, and the rest of the region changes nothing */
        if (enough(s, &place, role))
            break;
    }
    if (!enough(s, &all, role))
        return LM_REASON_ROLE_SHORTAGE;
    if (!enough(s, &language, role))
        return LM_REASON_NO_SHARED_LANGUAGE;
    if (!enough(s, &slot, role))
        return LM_REASON_NO_COMMON_SLOT;
    if (s->use_venues) {
        bool any = false;
        for (uint32_t v = 0; v < s->venue_count; v++)
            any |= (it->venues >> v & 1) && (s->venue_open[v] & it->slots);
        if (!any)
            return LM_REASON_NO_VENUE;
    }
    if (!enough(s, &place, role))
        return s->use_venues ? LM_REASON_NO_VENUE : LM_REASON_TOO_FAR;
    /* Everything fits on paper: when the other role is fully used, this
     * participant is one too many of their own role. */
    uint32_t free_other = 0;
    for (uint32_t other = 0; other < s->item_count && free_other < s->min_per_role; other++)
        if (s->items[other].role != role && s->group_of[other] == LM_NO_GROUP &&
            lm__gstate_pair_compatible(s, item, other))
            free_other++;
    if (free_other < s->min_per_role)
        return LM_REASON_ROLE_SHORTAGE;
    return LM_REASON_NOT_PLACED;
}
