/* Filling the places left free (venues only). Regions hold the people
 * nearest to their venues, so capacity and people do not always meet: a
 * district with many venues and few newcomers who share a language with its
 * residents leaves places empty while such newcomers in the next district
 * stay out. The fill lists, for every venue with room left, the people still
 * unassigned who could meet there, wherever their region was; groups_form.c
 * builds groups from each venue's candidates as in a region. */
#include <string.h>

#include "groups/groups_internal.h"

/* Venues with room a person is listed at: the nearest ones. A list is not a
 * commitment (the person stays open until a group takes them), so a person
 * can be offered to several venues. */
#define FILL_NEAR 32

/* Candidates a venue takes for each free place: the lists of dense cities
 * run to thousands, and building groups costs in proportion to them. */
#define FILL_PER_PLACE 200

int lm__fill_lists(lm_fill *fill, const lm_pool *pool, const lm_params *params,
                   const uint8_t *open, const uint64_t *room_slots)
{
    memset(fill, 0, sizeof *fill);
    size_t n = pool->count, venues = pool->venue_count, listed = 0;
    uint8_t *with_room = lm__calloc(venues + 1, 1);
    uint32_t *who = NULL, *near = NULL;
    uint8_t *near_count = NULL;
    lm_venue_grid grid = {0};
    int status = LM_E_NOMEM;
    fill->start = lm__calloc(venues + 2, sizeof *fill->start);
    if (!with_room || !fill->start)
        goto done;
    for (size_t v = 0; v < venues; v++)
        with_room[v] = room_slots[v] != 0;
    for (size_t p = 0; p < n; p++)
        listed += open[p] && pool->people[p].has_location;
    who = lm__malloc((listed ? listed : 1) * sizeof *who);
    near = lm__malloc((listed ? listed : 1) * FILL_NEAR * sizeof *near);
    near_count = lm__malloc(listed ? listed : 1);
    if (!who || !near || !near_count || lm__venue_grid_build(&grid, pool, with_room) != LM_OK)
        goto done;
    listed = 0;
    for (size_t p = 0; p < n; p++)
        if (open[p] && pool->people[p].has_location)
            who[listed++] = (uint32_t)p;
    status = lm__venue_grid_nearest_all(&grid, pool, params, who, listed, true, room_slots,
                                        FILL_NEAR, near, NULL, near_count);
    if (status != LM_OK)
        goto done;
    status = LM_E_NOMEM;
    size_t total = 0;
    for (size_t at = 0; at < listed; at++) {
        for (int k = 0; k < near_count[at]; k++)
            fill->start[near[at * FILL_NEAR + (size_t)k] + 2]++;
        total += near_count[at];
    }
    /* start[v + 2] counted venue v: prefix sums, then fill through start[v + 1] */
    for (size_t v = 0; v < venues; v++)
        fill->start[v + 2] += fill->start[v + 1];
    fill->people = lm__malloc((total ? total : 1) * sizeof *fill->people);
    if (!fill->people)
        goto done;
    for (int k = 0; k < FILL_NEAR; k++)
        for (size_t at = 0; at < listed; at++)
            if (k < near_count[at])
                fill->people[fill->start[near[at * FILL_NEAR + (size_t)k] + 1]++] = who[at];
    status = LM_OK;
done:
    lm__venue_grid_free(&grid);
    lm__free(with_room);
    lm__free(who);
    lm__free(near);
    lm__free(near_count);
    if (status != LM_OK)
        lm__fill_free(fill);
    return status;
}

void lm__fill_free(lm_fill *fill)
{
    lm__free(fill->start);
    lm__free(fill->people);
    memset(fill, 0, sizeof *fill);
}

/* counters[role][language][slot], LM_LANGUAGE_UNKNOWN for "none known" */
static uint32_t *counter(uint32_t *counters, int role, unsigned language, unsigned slot)
{
    return &counters[((size_t)role * (LM_LANGUAGE_UNKNOWN + 1) + language) * 64 + slot];
}

/* Whether a person who speaks `languages` (0: unknown) and is free in
 * `slots` finds, in one language and slot, enough of both roles. */
static bool enough_company(uint32_t *counters, const lm_params *params, uint64_t languages,
                           uint64_t slots)
{
    uint32_t per_role = (uint32_t)params->min_per_role, size = (uint32_t)params->min_size;
    for (unsigned language = 0; language <= LM_LANGUAGE_UNKNOWN; language++) {
        if (language < LM_LANGUAGE_UNKNOWN && languages && !(languages >> language & 1))
            continue;
        if (language == LM_LANGUAGE_UNKNOWN && languages)
            continue; /* known languages meet the unknown ones under their own */
        for (uint64_t rest = slots; rest; rest &= rest - 1) {
            unsigned slot = (unsigned)__builtin_ctzll(rest);
            uint32_t of[2];
            for (int role = 0; role < 2; role++) {
                of[role] = *counter(counters, role, language, slot);
                if (language < LM_LANGUAGE_UNKNOWN)
                    of[role] += *counter(counters, role, LM_LANGUAGE_UNKNOWN, slot);
            }
            if (of[0] >= per_role && of[1] >= per_role && of[0] + of[1] >= size)
                return true;
        }
    }
    return false;
}

uint32_t lm__fill_candidates(const lm_fill *fill, const lm_pool *pool, const lm_params *params,
                             uint32_t v, uint64_t room_slots, uint32_t room, const uint8_t *open,
                             uint32_t *counters, uint32_t *out)
{
    const uint32_t *list = fill->people + fill->start[v];
    size_t length = fill->start[v + 1] - fill->start[v];
    memset(counters, 0, LM_FILL_COUNTERS * sizeof *counters);
    uint32_t count = 0;
    for (size_t at = 0; at < length; at++) {
        if (!open[list[at]])
            continue;
        const lm_participant *person = &pool->people[list[at]];
        uint64_t languages = params->language ? person->languages : 0;
        uint64_t slots = (person->availability ? person->availability : ~(uint64_t)0) & room_slots;
        for (uint64_t spoken = languages ? languages : (uint64_t)1 << 63; spoken;
             spoken &= spoken - 1) {
            unsigned language = languages ? (unsigned)__builtin_ctzll(spoken) : LM_LANGUAGE_UNKNOWN;
            for (uint64_t rest = slots; rest; rest &= rest - 1)
                (*counter(counters, person->role, language, (unsigned)__builtin_ctzll(rest)))++;
        }
        out[count++] = list[at];
    }
    uint32_t kept = 0, cap = room * (uint32_t)FILL_PER_PLACE, of_role[2] = {0, 0};
    for (uint32_t at = 0; at < count; at++) {
        const lm_participant *person = &pool->people[out[at]];
        if (of_role[person->role] >= cap)
            continue;
        uint64_t languages = params->language ? person->languages : 0;
        uint64_t slots = (person->availability ? person->availability : ~(uint64_t)0) & room_slots;
        if (enough_company(counters, params, languages, slots)) {
            out[kept++] = out[at];
            of_role[person->role]++;
        }
    }
    return kept;
}
