/* Filling the places left free (venues only). Regions hold the people
 * nearest to their venues, so capacity and people do not always meet: a
 * district with many venues and few newcomers who share a language with its
 * residents leaves places empty while such newcomers in the next district
 * stay out. The fill lists, for every venue with room left, the people still
 * unassigned who could meet there, wherever their region was; groups.c
 * builds groups from each list as in a region. */
#include <math.h>
#include <string.h>

#include "groups_internal.h"

/* Venues with room a person is listed at: the nearest ones. A list is not a
 * commitment (the person stays open until a group takes them), so a person
 * can be offered to several venues. */
#define FILL_NEAR 32

int lm__fill_lists(lm_fill *fill, const lm_pool *pool, const lm_params *params,
                   const uint8_t *open, const uint64_t *room_slots)
{
    memset(fill, 0, sizeof *fill);
    size_t n = pool->count, venues = pool->venue_count, listed = 0;
    uint8_t *with_room = lm__calloc(venues + 1, 1);
    uint32_t *near = NULL;
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
    near = lm__malloc((listed ? listed : 1) * FILL_NEAR * sizeof *near);
    near_count = lm__malloc(listed ? listed : 1);
    if (!near || !near_count || lm__venue_grid_build(&grid, pool, with_room) != LM_OK)
        goto done;
    size_t at = 0, total = 0;
    for (size_t p = 0; p < n; p++) {
        const lm_participant *person = &pool->people[p];
        if (!open[p] || !person->has_location)
            continue;
        float d2[FILL_NEAR];
        int found = lm__venue_grid_nearest(&grid, pool, person->lat, person->lon, person,
                                           room_slots, lm__max_km(person, params), FILL_NEAR,
                                           near + at * FILL_NEAR, d2);
        near_count[at++] = (uint8_t)found;
        for (int k = 0; k < found; k++)
            fill->start[near[(at - 1) * FILL_NEAR + (size_t)k] + 2]++;
        total += (size_t)found;
    }
    /* start[v + 2] counted venue v: prefix sums, then fill through start[v + 1] */
    for (size_t v = 0; v < venues; v++)
        fill->start[v + 2] += fill->start[v + 1];
    fill->people = lm__malloc((total ? total : 1) * sizeof *fill->people);
    if (!fill->people)
        goto done;
    at = 0;
    for (size_t p = 0; p < n; p++) {
        if (!open[p] || !pool->people[p].has_location)
            continue;
        for (int k = 0; k < near_count[at]; k++)
            fill->people[fill->start[near[at * FILL_NEAR + (size_t)k] + 1]++] = (uint32_t)p;
        at++;
    }
    status = LM_OK;
done:
    lm__venue_grid_free(&grid);
    lm__free(with_room);
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
