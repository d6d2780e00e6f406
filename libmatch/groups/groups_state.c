/* A region's groups as per-group sums, so that the score of a group with one
 * member out and one in costs O(D + nnz) instead of O(k*D) (DESIGN.md: "a
 * move's change costs O(D)"). The reference scores come from objective.c;
 * these sums only steer the search. */
#include <math.h>
#include <string.h>

#include "groups/groups_internal.h"
#include "engine/objective_internal.h"
#include "engine/search_internal.h"

enum { SUM_X, SUM_UX, SUM_O_NEW, SUM_O_RES, SUM_W_NEW, SUM_W_RES, SUM_COUNT };

static double *group_sum(const lm_gstate *s, uint32_t g, int which)
{
    return s->sums + ((size_t)g * SUM_COUNT + (size_t)which) * s->topics;
}

/* ---- sparse helpers ------------------------------------------------------ */

static double dense_dot(const double *dense, lm_sparse v)
{
    double sum = 0.0;
    for (uint32_t k = 0; k < v.length; k++)
        sum += dense[v.entries[k].topic] * v.entries[k].value;
    return sum;
}

double lm__sparse_dot(lm_sparse a, lm_sparse b)
{
    double sum = 0.0;
    uint32_t i = 0, j = 0;
    while (i < a.length && j < b.length) {
        if (a.entries[i].topic < b.entries[j].topic)
            i++;
        else if (a.entries[i].topic > b.entries[j].topic)
            j++;
        else
            sum += a.entries[i++].value * b.entries[j++].value;
    }
    return sum;
}

static void dense_add(double *dense, lm_sparse v, double sign)
{
    for (uint32_t k = 0; k < v.length; k++)
        dense[v.entries[k].topic] += sign * v.entries[k].value;
}

/* ---- set-up -------------------------------------------------------------- */

static uint32_t copy_sparse(lm_entry *to, const lm_entry *from, size_t length, double scale)
{
    for (size_t k = 0; k < length; k++)
        to[k] = (lm_entry){from[k].topic, from[k].value * scale};
    return (uint32_t)length;
}

/* Stores raw x and the unit vectors of x, o, w of participant p at *cursor. */
static void fill_vectors(lm_item *item, const lm_participant *p, lm_entry **cursor)
{
    lm_sparse *targets[4] = {&item->x, &item->ux, &item->uo, &item->uw};
    int sources[4] = {LM_INTERESTS, LM_INTERESTS, LM_OFFERS, LM_WANTS};
    for (int k = 0; k < 4; k++) {
        size_t length;
        const lm_entry *entries = lm__vec(p, sources[k], &length);
        if (k == 0) { /* the raw x is the pool's own */
            targets[k]->entries = entries;
            targets[k]->length = (uint32_t)length;
            continue;
        }
        double n = lm__norm(entries, length);
        targets[k]->entries = *cursor;
        targets[k]->length = n > 0.0 ? copy_sparse(*cursor, entries, length, 1.0 / n) : 0;
        *cursor += targets[k]->length;
    }
    item->x_nonzero = item->ux.length > 0;
}

static void fill_item(lm_gstate *s, lm_item *item, const lm_pool *pool, uint32_t person)
{
    const lm_participant *p = &pool->people[person];
    item->person = person;
    item->role = p->role;
    item->host = p->host;
    item->located = p->has_location;
    item->step_free = p->step_free;
    item->languages = p->languages ? p->languages : ~(uint64_t)0;
    item->slots = p->availability ? p->availability : s->all_slots;
    item->lat = p->lat;
    item->lon = p->lon;
    item->max_km = lm__max_km(p, s->params);
    if (p->has_location) {
        lm__unit_vector(p->lat, p->lon, item->xyz);
        item->chord2 = lm__chord2_within(item->max_km);
    }
    item->venues = 0;
    for (uint32_t v = 0; v < s->venue_count; v++) {
        const lm_venue *venue = &pool->venues[s->venues[v]];
        if (p->step_free && !venue->step_free)
            continue;
        if (lm__too_far(p, item->max_km, venue->lat, venue->lon, NULL))
            continue;
        item->venues |= (uint64_t)1 << v;
    }
}

int lm__gstate_init(lm_gstate *s, const lm_pool *pool, const lm_params *params,
                    const lm_region *region, bool use_venues)
{
    memset(s, 0, sizeof *s);
    s->pool = pool;
    s->params = params;
    s->weights = params->weights;
    s->topics = pool->taxonomy->topic_count ? pool->taxonomy->topic_count : 1;
    s->use_venues = use_venues && region->venue_count > 0;
    s->min_size = (uint32_t)params->min_size;
    s->max_size = (uint32_t)params->max_size;
    s->min_per_role = (uint32_t)params->min_per_role;
    size_t slots = lm_slot_count();
    s->all_slots = slots >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << slots) - 1);
    s->venue_count = s->use_venues ? region->venue_count : 0;
    s->slot_count = (uint32_t)slots;
    s->venues = region->venues;
    s->item_count = region->count;

    s->venue_open = lm__calloc(s->venue_count ? s->venue_count : 1, sizeof *s->venue_open);
    s->place_used = lm__calloc((size_t)s->venue_count * s->slot_count + 1, sizeof *s->place_used);
    s->place_first = lm__malloc(((size_t)s->venue_count * s->slot_count + 1) *
                                sizeof *s->place_first);
    s->items = lm__calloc(region->count ? region->count : 1, sizeof *s->items);
    s->group_of = lm__malloc((region->count ? region->count : 1) * sizeof *s->group_of);
    size_t total = 0;
    for (uint32_t k = 0; k < region->count; k++) {
        const lm_participant *p = &pool->people[region->people[k]];
        total += (size_t)p->length[0] + p->length[1] + p->length[2];
    }
    s->entries = lm__malloc((total ? total : 1) * sizeof *s->entries);
    if (!s->venue_open || !s->items || !s->group_of || !s->entries || !s->place_used ||
        !s->place_first) {
        lm__gstate_free(s);
        return LM_E_NOMEM;
    }
    for (size_t place = 0; place <= (size_t)s->venue_count * s->slot_count; place++)
        s->place_first[place] = LM_NONE_ITEM;
    for (uint32_t v = 0; v < s->venue_count; v++) {
        const lm_venue *venue = &pool->venues[s->venues[v]];
        s->venue_open[v] = venue->open;
        if (venue->step_free)
            s->step_free_venues |= (uint64_t)1 << v;
    }
    lm_entry *cursor = s->entries;
    uint32_t per_role[2] = {0, 0};
    for (uint32_t k = 0; k < region->count; k++) {
        fill_item(s, &s->items[k], pool, region->people[k]);
        fill_vectors(&s->items[k], &pool->people[region->people[k]], &cursor);
        s->group_of[k] = LM_NO_GROUP;
        per_role[s->items[k].role]++;
    }
    if (lm__gc_state_init(s, region) != LM_OK) {
        lm__gstate_free(s);
        return LM_E_NOMEM;
    }
    uint32_t fewer = per_role[0] < per_role[1] ? per_role[0] : per_role[1];
    s->group_limit = fewer / (s->min_per_role ? s->min_per_role : 1) + 1;
    /* with venues, every group holds a place (venue, slot) of the region */
    uint64_t places = 0;
    for (uint32_t v = 0; v < s->venue_count; v++)
        places += (uint64_t)pool->venues[s->venues[v]].capacity *
                  (uint64_t)__builtin_popcountll(s->venue_open[v] & s->all_slots);
    if (s->use_venues && places + 1 < s->group_limit)
        s->group_limit = (uint32_t)places + 1;
    return LM_OK;
}

void lm__gstate_free(lm_gstate *s)
{
    lm__free(s->venue_open);
    lm__free(s->place_used);
    lm__free(s->place_first);
    lm__free(s->place_next);
    lm__free(s->kin);
    lm__free(s->place_venue);
    lm__free(s->place_slot);
    lm__free(s->items);
    lm__free(s->entries);
    lm__free(s->group_of);
    lm__free(s->members);
    lm__free(s->size);
    lm__free(s->count);
    lm__free(s->hosts);
    lm__free(s->x_nonzero);
    lm__free(s->sums);
    lm__free(s->square);
    lm__free(s->teach);
    lm__free(s->value);
    lm__free(s->top_topic);
    lm__free(s->top_value);
    lm__free(s->languages);
    lm__free(s->slots);
    lm__free(s->reach);
    lm__free(s->lat);
    lm__free(s->lon);
    lm__free(s->located);
    lm__gc_state_free(s);
    memset(s, 0, sizeof *s);
}

static int grow(void **array, size_t count, size_t size)
{
    void *grown = lm__reallocarray(*array, count, size);
    if (!grown)
        return LM_E_NOMEM;
    *array = grown;
    return LM_OK;
}

int lm__gstate_reserve(lm_gstate *s, uint32_t groups)
{
    if (groups <= s->group_capacity) {
        if (groups > s->group_count)
            s->group_count = groups;
        return LM_OK;
    }
    /* The first time, room for all the groups there can be: growing by
     * doubling would leave the smaller copies behind as touched memory. */
    uint32_t capacity = s->group_capacity ? s->group_capacity : s->group_limit ? s->group_limit : 16;
    while (capacity < groups)
        capacity *= 2;
    /* Empty slots are reused, so no more than group_limit are ever needed:
     * doubling past it would only waste 6 sums of D doubles a group. */
    if (s->group_limit && capacity > s->group_limit)
        capacity = groups > s->group_limit ? groups : s->group_limit;
    size_t n = capacity;
    if (grow((void **)&s->members, n * s->max_size, sizeof *s->members) ||
        grow((void **)&s->size, n, sizeof *s->size) ||
        grow((void **)&s->count, 2 * n, sizeof *s->count) ||
        grow((void **)&s->hosts, 2 * n, sizeof *s->hosts) ||
        grow((void **)&s->x_nonzero, n, sizeof *s->x_nonzero) ||
        grow((void **)&s->sums, n * SUM_COUNT * s->topics, sizeof *s->sums) ||
        grow((void **)&s->square, n, sizeof *s->square) ||
        grow((void **)&s->teach, 2 * n, sizeof *s->teach) ||
        grow((void **)&s->value, n, sizeof *s->value) ||
        grow((void **)&s->top_topic, n * LM_THEME_TOP, sizeof *s->top_topic) ||
        grow((void **)&s->top_value, n * LM_THEME_TOP, sizeof *s->top_value) ||
        grow((void **)&s->languages, n, sizeof *s->languages) ||
        grow((void **)&s->slots, n, sizeof *s->slots) ||
        grow((void **)&s->reach, n, sizeof *s->reach) ||
        grow((void **)&s->lat, n, sizeof *s->lat) || grow((void **)&s->lon, n, sizeof *s->lon) ||
        grow((void **)&s->located, n, sizeof *s->located) ||
        grow((void **)&s->place_venue, n, sizeof *s->place_venue) ||
        grow((void **)&s->place_slot, n, sizeof *s->place_slot) ||
        grow((void **)&s->place_next, n, sizeof *s->place_next))
        return LM_E_NOMEM;
    for (uint32_t g = s->group_capacity; g < capacity; g++) {
        s->size[g] = 0;
        s->count[2 * g] = s->count[2 * g + 1] = 0;
        s->hosts[2 * g] = s->hosts[2 * g + 1] = 0;
        s->x_nonzero[g] = 0;
        memset(group_sum(s, g, 0), 0, SUM_COUNT * s->topics * sizeof *s->sums);
        s->square[g] = 0.0;
        s->teach[2 * g] = s->teach[2 * g + 1] = 0.0;
        s->value[g] = 0.0;
        for (int k = 0; k < LM_THEME_TOP; k++) {
            s->top_topic[g * LM_THEME_TOP + k] = (uint32_t)k;
            s->top_value[g * LM_THEME_TOP + k] = 0.0;
        }
        s->languages[g] = ~(uint64_t)0;
        s->slots[g] = s->all_slots;
        s->reach[g] = ~(uint64_t)0;
        s->lat[g] = s->lon[g] = 0.0;
        s->located[g] = 0;
        s->place_venue[g] = s->place_slot[g] = -1;
    }
    s->group_capacity = capacity;
    if (groups > s->group_count)
        s->group_count = groups;
    return LM_OK;
}

/* ---- feasibility ----------------------------------------------------------- */

/* What a member list shares: the AND of its language, slot and venue-reach
 * masks, and its meeting point (members added in list order). */
typedef struct shared_masks {
    uint64_t languages, slots, reach;
    lm_meeting_point point;
} shared_masks;

static shared_masks masks_of(const lm_gstate *s, const uint32_t *list, uint32_t k)
{
    shared_masks m = {~(uint64_t)0, s->all_slots, ~(uint64_t)0, {0.0, 0.0, 0}};
    for (uint32_t at = 0; at < k; at++) {
        const lm_item *item = &s->items[list[at]];
        m.languages &= item->languages;
        m.slots &= item->slots;
        m.reach &= item->venues;
        if (item->located)
            lm__meeting_point_add(&m.point, item->lat, item->lon);
    }
    return m;
}

/* The hard constraints other than size, mix and capacity for the members
 * list[0..k): a shared language and slot, and with a place (venue >= 0)
 * that place, with venues some open venue all reach, without venues
 * everybody within reach of the meeting point. */
static bool list_ok(const lm_gstate *s, const uint32_t *list, uint32_t k, int venue, int slot)
{
    if (s->rules && !lm__gc_list_ok(s, list, k))
        return false;
    shared_masks shared = masks_of(s, list, k);
    uint64_t languages = shared.languages, slots = shared.slots, reach = shared.reach;
    if (s->params->language && !languages)
        return false;
    if (!slots)
        return false;
    if (s->use_venues && venue >= 0)
        return (reach >> venue & 1) && (slots >> slot & 1);
    if (s->use_venues) {
        for (uint32_t v = 0; v < s->venue_count; v++)
            if ((reach >> v & 1) && (s->venue_open[v] & slots))
                return true;
        return false;
    }
    /* Distances to the meeting point compare as chords on the unit sphere:
     * no trigonometry per member. */
    double lat, lon, centre[3];
    if (!lm__meeting_point_mean(&shared.point, &lat, &lon))
        return true;
    lm__unit_vector(lat, lon, centre);
    for (uint32_t m = 0; m < k; m++) {
        const lm_item *item = &s->items[list[m]];
        if (item->located && lm__chord_too_far(item->xyz, centre, item->chord2))
            return false;
    }
    return true;
}

bool lm__gstate_list_ok(const lm_gstate *s, const uint32_t *list, uint32_t k, int venue, int slot)
{
    return list_ok(s, list, k, venue, slot);
}

/* The hard constraints of group g with `out` removed and `in` added. */
static bool place_ok(const lm_gstate *s, uint32_t g, uint32_t out, uint32_t in)
{
    const uint32_t *members = s->members + (size_t)g * s->max_size;
    uint32_t list[65];
    uint32_t k = 0;
    for (uint32_t m = 0; m < s->size[g]; m++)
        if (members[m] != out)
            list[k++] = members[m];
    if (in != LM_NONE_ITEM)
        list[k++] = in;
    return list_ok(s, list, k, s->use_venues ? s->place_venue[g] : -1,
                   s->use_venues ? s->place_slot[g] : -1);
}

/* ---- scoring -------------------------------------------------------------- */

static bool touches(const lm_item *item, uint32_t topic)
{
    if (!item)
        return false;
    for (uint32_t k = 0; k < item->x.length; k++)
        if (item->x.entries[k].topic == topic)
            return true;
    return false;
}

/* The theme (largest summed interest) of g after o leaves and n joins: only
 * the topics o and n touch change, and the largest untouched sum is among
 * the kept top values unless they are all touched (then scan all D). A
 * 64-bit filter of the touched topics makes the common check O(1). */
static double theme_with(const lm_gstate *s, uint32_t g, const lm_item *o, const lm_item *n)
{
    const double *sum_x = group_sum(s, g, SUM_X);
    const uint32_t *top = s->top_topic + (size_t)g * LM_THEME_TOP;
    const double *top_value = s->top_value + (size_t)g * LM_THEME_TOP;
    static const lm_sparse none = {NULL, 0};
    lm_sparse out = o ? o->x : none, in = n ? n->x : none;
    uint64_t filter = 0;
    for (uint32_t e = 0; e < out.length; e++)
        filter |= (uint64_t)1 << (out.entries[e].topic & 63);
    for (uint32_t e = 0; e < in.length; e++)
        filter |= (uint64_t)1 << (in.entries[e].topic & 63);
    double theme = -INFINITY;
    int k = 0;
    int kept = s->topics < LM_THEME_TOP ? (int)s->topics : LM_THEME_TOP;
    for (; k < kept; k++) {
        uint32_t t = top[k];
        if (!(filter >> (t & 63) & 1) || (!touches(o, t) && !touches(n, t))) {
            theme = top_value[k];
            break;
        }
    }
    if (k == kept && s->topics > LM_THEME_TOP) {
        /* every kept topic changes: look at all of them */
        uint32_t io = 0, ii = 0;
        for (size_t t = 0; t < s->topics; t++) {
            double value = sum_x[t];
            while (io < out.length && out.entries[io].topic < t)
                io++;
            if (io < out.length && out.entries[io].topic == t)
                value -= out.entries[io].value;
            while (ii < in.length && in.entries[ii].topic < t)
                ii++;
            if (ii < in.length && in.entries[ii].topic == t)
                value += in.entries[ii].value;
            if (value > theme)
                theme = value;
        }
        return theme;
    }
    /* the touched topics, merging the two sorted lists */
    uint32_t io = 0, ii = 0;
    while (io < out.length || ii < in.length) {
        uint32_t to = io < out.length ? out.entries[io].topic : UINT32_MAX;
        uint32_t ti = ii < in.length ? in.entries[ii].topic : UINT32_MAX;
        uint32_t t = to < ti ? to : ti;
        double value = sum_x[t];
        if (to == t)
            value -= out.entries[io++].value;
        if (ti == t)
            value += in.entries[ii++].value;
        if (value > theme)
            theme = value;
    }
    return theme;
}

static double score_with(const lm_gstate *s, uint32_t g, uint32_t out, uint32_t in)
{
    const lm_item *o = out != LM_NONE_ITEM ? &s->items[out] : NULL;
    const lm_item *n = in != LM_NONE_ITEM ? &s->items[in] : NULL;
    uint32_t k = s->size[g] - (o != NULL) + (n != NULL);
    if (k == 0)
        return 0.0;
    uint32_t count[2] = {s->count[2 * g], s->count[2 * g + 1]};
    uint32_t hosts[2] = {s->hosts[2 * g], s->hosts[2 * g + 1]};
    if (o) {
        count[o->role]--;
        hosts[o->role] -= o->host;
    }
    if (n) {
        count[n->role]++;
        hosts[n->role] += n->host;
    }

    double theme = theme_with(s, g, o, n);

    /* shared: |sum unit(x)|^2 minus the members' own |unit(x)|^2 */
    const double *sum_ux = group_sum(s, g, SUM_UX);
    double square = s->square[g];
    double nonzero = s->x_nonzero[g];
    if (o) {
        square += -2.0 * dense_dot(sum_ux, o->ux) + (o->x_nonzero ? 1.0 : 0.0);
        nonzero -= o->x_nonzero;
    }
    if (n) {
        square += 2.0 * dense_dot(sum_ux, n->ux) + (n->x_nonzero ? 1.0 : 0.0);
        nonzero += n->x_nonzero;
    }
    if (o && n)
        square -= 2.0 * lm__sparse_dot(o->ux, n->ux);
    double shared = k > 1 ? (square - nonzero) / (double)(k - 1) : 0.0;

    /* exchange: teaching both ways, <O_new, W_res> and <O_res, W_new> */
    double exchange = 0.0;
    if (count[LM_NEWCOMER] && count[LM_RESIDENT]) {
        double teach[2] = {s->teach[2 * g], s->teach[2 * g + 1]};
        const double *offers[2] = {group_sum(s, g, SUM_O_NEW), group_sum(s, g, SUM_O_RES)};
        const double *wants[2] = {group_sum(s, g, SUM_W_NEW), group_sum(s, g, SUM_W_RES)};
        /* teach[r] = <offers of role r, wants of the other role> */
        for (int r = 0; r < 2; r++) {
            int other = 1 - r;
            if (o && o->role == r)
                teach[r] -= dense_dot(wants[other], o->uo);
            if (n && n->role == r)
                teach[r] += dense_dot(wants[other], n->uo);
            if (o && o->role == other)
                teach[r] -= dense_dot(offers[r], o->uw);
            if (n && n->role == other)
                teach[r] += dense_dot(offers[r], n->uw);
            /* the cross term <d offers, d wants> */
            if (o && n && o->role == r && n->role == other)
                teach[r] -= lm__sparse_dot(o->uo, n->uw);
            if (o && n && n->role == r && o->role == other)
                teach[r] -= lm__sparse_dot(n->uo, o->uw);
        }
        double weaker = teach[0] < teach[1] ? teach[0] : teach[1];
        exchange = (double)k * weaker / ((double)count[0] * (double)count[1]);
    }
    double cohost = hosts[0] && hosts[1] ? 1.0 : 0.0;
    double difference = (double)count[0] - (double)count[1];
    return lm__weighted_score(&s->weights, theme, shared, exchange, cohost,
                              difference * difference) -
           lm__gstate_repeat_cost(s, g, out, in);
}

double lm__gstate_value_with(const lm_gstate *s, uint32_t g, uint32_t out, uint32_t in)
{
    uint32_t k = s->size[g] - (out != LM_NONE_ITEM) + (in != LM_NONE_ITEM);
    if (k == 0)
        return 0.0;
    if (k < s->min_size || k > s->max_size)
        return -INFINITY;
    uint32_t count[2] = {s->count[2 * g], s->count[2 * g + 1]};
    if (out != LM_NONE_ITEM)
        count[s->items[out].role]--;
    if (in != LM_NONE_ITEM)
        count[s->items[in].role]++;
    if (count[0] < s->min_per_role || count[1] < s->min_per_role)
        return -INFINITY;
    if (!place_ok(s, g, out, in))
        return -INFINITY;
    return score_with(s, g, out, in);
}

bool lm__gstate_partial_ok(const lm_gstate *s, uint32_t g, uint32_t in)
{
    if (s->rules)
        return lm__gc_partial_ok(s, g, in);
    return s->size[g] < s->max_size && place_ok(s, g, LM_NONE_ITEM, in) &&
           !lm__gstate_repeat_forbidden(s, g, in);
}

double lm__gstate_score_with(const lm_gstate *s, uint32_t g, uint32_t out, uint32_t in)
{
    return score_with(s, g, out, in);
}

/* ---- places --------------------------------------------------------------- */

void lm__gstate_take_place(lm_gstate *s, uint32_t g, int venue, int slot)
{
    size_t place = (size_t)venue * s->slot_count + (size_t)slot;
    s->place_venue[g] = venue;
    s->place_slot[g] = slot;
    s->place_used[place]++;
    s->place_next[g] = s->place_first[place];
    s->place_first[place] = g;
}

void lm__gstate_release_place(lm_gstate *s, uint32_t g)
{
    if (s->place_venue[g] < 0)
        return;
    size_t place = (size_t)s->place_venue[g] * s->slot_count + (size_t)s->place_slot[g];
    s->place_used[place]--;
    uint32_t *link = &s->place_first[place];
    while (*link != g)
        link = &s->place_next[*link];
    *link = s->place_next[g];
    s->place_venue[g] = s->place_slot[g] = -1;
}

void lm__gstate_groups_at_places(const lm_gstate *s, uint32_t item, uint32_t start,
                                 bool (*visit)(void *context, uint32_t g), void *context)
{
    const lm_item *it = &s->items[item];
    uint32_t venues = s->venue_count;
    for (uint32_t k = 0; k < venues; k++) {
        uint32_t v = (start + k) % venues;
        if (!(it->venues >> v & 1))
            continue;
        for (uint64_t open = s->venue_open[v] & it->slots; open; open &= open - 1) {
            int t = __builtin_ctzll(open); /* the lowest slot left */
            for (uint32_t g = s->place_first[(size_t)v * s->slot_count + (size_t)t];
                 g != LM_NONE_ITEM; g = s->place_next[g])
                if (!visit(context, g))
                    return;
        }
    }
}

uint32_t lm__gstate_place_room(const lm_gstate *s, int venue, int slot)
{
    unsigned capacity = s->pool->venues[s->venues[venue]].capacity;
    uint32_t used = s->place_used[(size_t)venue * s->slot_count + (size_t)slot];
    if (s->base_used)
        used += s->base_used[(size_t)s->venues[venue] * s->slot_count + (size_t)slot];
    return used < capacity ? capacity - used : 0;
}

/* ---- applying -------------------------------------------------------------- */

static void refresh(lm_gstate *s, uint32_t g)
{
    size_t d = s->topics;
    const double *sum_ux = group_sum(s, g, SUM_UX);
    s->square[g] = lm__dot(sum_ux, sum_ux, d);
    s->teach[2 * g] = lm__dot(group_sum(s, g, SUM_O_NEW), group_sum(s, g, SUM_W_RES), d);
    s->teach[2 * g + 1] = lm__dot(group_sum(s, g, SUM_O_RES), group_sum(s, g, SUM_W_NEW), d);
    shared_masks shared = masks_of(s, s->members + (size_t)g * s->max_size, s->size[g]);
    s->languages[g] = shared.languages;
    s->slots[g] = shared.slots;
    s->reach[g] = shared.reach;
    s->located[g] = (uint32_t)shared.point.located;
    if (!lm__meeting_point_mean(&shared.point, &s->lat[g], &s->lon[g]))
        s->lat[g] = s->lon[g] = 0.0;
    uint32_t *top = s->top_topic + (size_t)g * LM_THEME_TOP;
    double *top_value = s->top_value + (size_t)g * LM_THEME_TOP;
    const double *sum_x = group_sum(s, g, SUM_X);
    int kept = 0;
    for (size_t t = 0; t < d; t++) {
        double v = sum_x[t];
        if (kept == LM_THEME_TOP && v <= top_value[kept - 1])
            continue;
        int at = kept < LM_THEME_TOP ? kept++ : kept - 1;
        while (at > 0 && top_value[at - 1] < v) {
            top[at] = top[at - 1];
            top_value[at] = top_value[at - 1];
            at--;
        }
        top[at] = (uint32_t)t;
        top_value[at] = v;
    }
    s->value[g] = score_with(s, g, LM_NONE_ITEM, LM_NONE_ITEM);
}

static void account(lm_gstate *s, uint32_t g, const lm_item *item, double sign)
{
    s->count[2 * g + item->role] += sign > 0 ? 1u : (uint32_t)-1;
    if (item->host)
        s->hosts[2 * g + item->role] += sign > 0 ? 1u : (uint32_t)-1;
    if (item->x_nonzero)
        s->x_nonzero[g] += sign > 0 ? 1u : (uint32_t)-1;
    dense_add(group_sum(s, g, SUM_X), item->x, sign);
    dense_add(group_sum(s, g, SUM_UX), item->ux, sign);
    dense_add(group_sum(s, g, item->role == LM_NEWCOMER ? SUM_O_NEW : SUM_O_RES), item->uo,
              sign);
    dense_add(group_sum(s, g, item->role == LM_NEWCOMER ? SUM_W_NEW : SUM_W_RES), item->uw,
              sign);
}

void lm__gstate_apply(lm_gstate *s, uint32_t g, uint32_t out, uint32_t in)
{
    uint32_t *members = s->members + (size_t)g * s->max_size;
    if (out != LM_NONE_ITEM) {
        for (uint32_t m = 0; m < s->size[g]; m++) {
            if (members[m] == out) {
                members[m] = members[--s->size[g]];
                break;
            }
        }
        account(s, g, &s->items[out], -1.0);
        if (s->group_of[out] == g)
            s->group_of[out] = LM_NO_GROUP;
    }
    if (in != LM_NONE_ITEM) {
        members[s->size[g]++] = in;
        account(s, g, &s->items[in], 1.0);
        s->group_of[in] = g;
    }
    if (s->size[g] == 0) /* start clean: no rounding residue in empty sums */
        memset(group_sum(s, g, 0), 0, SUM_COUNT * s->topics * sizeof *s->sums);
    refresh(s, g);
}

/* ---- cheap filters ----------------------------------------------------------- */

/* An equirectangular distance: within a fraction of a percent of haversine
 * at city scale, and only used to skip hopeless candidates. */
static double rough_km(double lat1, double lon1, double lat2, double lon2)
{
    const double radians = 3.14159265358979323846 / 180.0;
    double x = (lon2 - lon1) * radians * cos((lat1 + lat2) * 0.5 * radians);
    double y = (lat2 - lat1) * radians;
    return LM_EARTH_RADIUS_KM * sqrt(x * x + y * y);
}

bool lm__gstate_compatible(const lm_gstate *s, uint32_t item, uint32_t g)
{
    const lm_item *it = &s->items[item];
    if (s->size[g] == 0)
        return false;
    if (s->params->language && !(it->languages & s->languages[g]))
        return false;
    if (!(it->slots & s->slots[g]))
        return false;
    if (s->use_venues && s->place_venue[g] >= 0)
        return (it->venues >> s->place_venue[g] & 1) && (it->slots >> s->place_slot[g] & 1);
    if (s->use_venues)
        return (it->venues & s->reach[g]) != 0;
    if (it->located && s->located[g] &&
        rough_km(it->lat, it->lon, s->lat[g], s->lon[g]) > 2.0 * it->max_km)
        return false;
    return true;
}

bool lm__gstate_pair_compatible(const lm_gstate *s, uint32_t a, uint32_t b)
{
    const lm_item *x = &s->items[a], *y = &s->items[b];
    if (s->params->language && !(x->languages & y->languages))
        return false;
    if (!(x->slots & y->slots))
        return false;
    if (s->use_venues)
        return (x->venues & y->venues) != 0;
    if (x->located && y->located &&
        rough_km(x->lat, x->lon, y->lat, y->lon) > 1.01 * (x->max_km + y->max_km))
        return false;
    return true;
}

/* ---- a member list scored from scratch ---------------------------------------- */

double lm__gstate_list_value(const lm_gstate *s, const uint32_t *list, uint32_t k,
                             double *scratch)
{
    if (k < s->min_size || k > s->max_size)
        return -INFINITY;
    uint32_t count[2] = {0, 0}, hosts[2] = {0, 0}, nonzero = 0;
    for (uint32_t m = 0; m < k; m++) {
        const lm_item *it = &s->items[list[m]];
        count[it->role]++;
        hosts[it->role] += it->host;
        nonzero += it->x_nonzero;
    }
    if (count[0] < s->min_per_role || count[1] < s->min_per_role)
        return -INFINITY;
    if (!list_ok(s, list, k, -1, -1))
        return -INFINITY;
    /* sums over the topics the members touch, in scratch (SUM_COUNT x D,
     * all zero on entry and on return) */
    size_t d = s->topics;
    for (uint32_t m = 0; m < k; m++) {
        const lm_item *it = &s->items[list[m]];
        dense_add(scratch + SUM_X * d, it->x, 1.0);
        dense_add(scratch + SUM_UX * d, it->ux, 1.0);
        dense_add(scratch + (it->role == LM_NEWCOMER ? SUM_O_NEW : SUM_O_RES) * d, it->uo, 1.0);
        dense_add(scratch + (it->role == LM_NEWCOMER ? SUM_W_NEW : SUM_W_RES) * d, it->uw, 1.0);
    }
    double theme = 0.0, square = 0.0, teach[2] = {0.0, 0.0};
    for (uint32_t m = 0; m < k; m++) {
        const lm_item *it = &s->items[list[m]];
        for (uint32_t e = 0; e < it->x.length; e++) {
            double v = scratch[SUM_X * d + it->x.entries[e].topic];
            theme = v > theme ? v : theme;
        }
        for (uint32_t e = 0; e < it->ux.length; e++) {
            double *v = &scratch[SUM_UX * d + it->ux.entries[e].topic];
            square += *v * *v;
            *v = 0.0; /* counted once */
        }
        const double *wants = scratch + (it->role == LM_NEWCOMER ? SUM_W_RES : SUM_W_NEW) * d;
        teach[it->role == LM_NEWCOMER ? 0 : 1] += dense_dot(wants, it->uo);
    }
    for (uint32_t m = 0; m < k; m++) {
        const lm_item *it = &s->items[list[m]];
        for (uint32_t e = 0; e < it->x.length; e++)
            scratch[SUM_X * d + it->x.entries[e].topic] = 0.0;
        for (int which = SUM_O_NEW; which < SUM_COUNT; which++) {
            lm_sparse v = which == SUM_O_NEW || which == SUM_O_RES ? it->uo : it->uw;
            for (uint32_t e = 0; e < v.length; e++)
                scratch[(size_t)which * d + v.entries[e].topic] = 0.0;
        }
    }
    double shared = k > 1 ? (square - (double)nonzero) / (double)(k - 1) : 0.0;
    double weaker = teach[0] < teach[1] ? teach[0] : teach[1];
    double exchange = count[0] && count[1]
                          ? (double)k * weaker / ((double)count[0] * (double)count[1])
                          : 0.0;
    double cohost = hosts[0] && hosts[1] ? 1.0 : 0.0;
    double difference = (double)count[0] - (double)count[1];
    return lm__weighted_score(&s->weights, theme, shared, exchange, cohost,
                              difference * difference) -
           lm__gstate_list_repeat_cost(s, list, k);
}
