/* A synthetic city (lm_pool_generate): participants around Utrecht's ten
 * districts and community centres as venues, deterministic for a seed; or a
 * country (lm_pool_generate_cities): cities of Zipf-distributed sizes on a
 * national map, each a mirrored or turned copy of those districts with its
 * own social geography and a spread that keeps its density fixed.
 *
 * The same seed gives the same pool on every machine: the randomness is the
 * library's own generator, locations are computed in integer units of 1e-5
 * degrees, and levels are exact divisions, so no libm result enters the
 * data. Topics are found by name, so any taxonomy works: what it lacks
 * (a cuisine, a language topic) is simply never generated. */
#include <stdio.h>
#include <string.h>

#include "model/model_internal.h"
#include "model/gen_internal.h"
#include "common/rng_internal.h"

#define MAX_PARTICIPANTS 100000000u
#define MAX_VENUES 1000000u
#define DEFAULT_NEWCOMER_SHARE 0.3
#define MAX_TAGS 16 /* per vector, leaves and their parents together */

/* ---- the city -------------------------------------------------------------- */

typedef struct district {
    const char *name;
    int32_t lat, lon;           /* centre, 1e-5 degrees */
    unsigned residents;         /* thousands of inhabitants (2023, rounded) */
    unsigned newcomers;         /* relative share of housed refugees */
} district;

static const district districts[] = {
    {"Binnenstad", 5209070, 512140, 18, 1},
    {"Oost", 5208550, 514500, 33, 3},
    {"Noordoost", 5210250, 513600, 29, 3},
    {"Noordwest", 5210500, 509900, 42, 15},
    {"Overvecht", 5211700, 511300, 35, 30},
    {"Zuid", 5207000, 513000, 29, 8},
    {"Zuidwest", 5207600, 509600, 40, 25},
    {"West", 5209050, 509300, 33, 6},
    {"Leidsche Rijn", 5209850, 506000, 60, 10},
    {"Vleuten-De Meern", 5209300, 501800, 47, 4},
};

#define DISTRICT_COUNT (sizeof districts / sizeof districts[0])
_Static_assert(DISTRICT_COUNT == DISTRICT_COUNT_FOR_CITIES, "gen_internal.h counts the districts");

static const city utrecht = {TEMPLATE_LAT, TEMPLATE_LON, 0, 100, 0, 0, 0};

/* Where a point of Utrecht's map (1e-5 degrees) lies in city c: the offset
 * from the map's middle mirrored, turned and scaled, in integer arithmetic
 * (a quarter turn swaps the axes, converting degrees of longitude to
 * latitude by cos 52.09 = 0.6145). The identity leaves it unchanged. */
static void city_place(const city *c, int32_t lat, int32_t lon, int32_t *out_lat,
                       int32_t *out_lon)
{
    int64_t y = (int64_t)lat - TEMPLATE_LAT, x = (int64_t)lon - TEMPLATE_LON;
    if (c->symmetry & 1)
        y = -y;
    if (c->symmetry & 2)
        x = -x;
    if (c->symmetry & 4) {
        int64_t turned_y = x * 6145 / 10000, turned_x = y * 10000 / 6145;
        y = turned_y;
        x = turned_x;
    }
    *out_lat = (int32_t)(c->lat + y * c->scale / 100);
    *out_lon = (int32_t)(c->lon + x * c->scale / 100);
}

/* One standard deviation of the spread around a centre, in 1e-5 degrees:
 * 1.5 km is 1347 units of latitude and, at 52.09 degrees north (cos =
 * 0.6145), 2193 units of longitude. */
#define HOME_SPREAD_LAT 1347
#define HOME_SPREAD_LON 2193
#define VENUE_SPREAD_LAT 898
#define VENUE_SPREAD_LON 1462

/* Where newcomers come from: their first language, the topic of that
 * language, their cuisine and a second language many of them speak. */
typedef struct origin {
    unsigned weight;
    const char *language;
    const char *topic;    /* ';'-separated names to try */
    const char *cuisine;  /* ';'-separated names to try */
    const char *second;   /* language code or NULL */
    unsigned second_percent;
} origin;

static const origin origins[] = {
    {28, "ar", "arabic", "syrian_cuisine;middle eastern cuisine", "ku", 8},
    {14, "ti", "tigrinya", "eritrean_cuisine;ethiopian cuisine", "am", 20},
    {15, "uk", "ukrainian", "ukrainian cuisine;eastern european cuisine", "ru", 55},
    {6, "fa", "farsi;persian", "persian_cuisine;iranian cuisine", NULL, 0},
    {6, "prs", "dari", "afghan_cuisine", "fa", 40},
    {2, "ps", "pashto", "afghan_cuisine", "prs", 50},
    {7, "tr", "turkish", "turkish_cuisine", "ku", 15},
    {5, "ku", "kurdish", "kurdish cuisine;syrian_cuisine", "ar", 45},
    {4, "so", "somali", "somali cuisine;east african cuisine", "ar", 20},
    {3, "ru", "russian", "eastern european cuisine", "uk", 25},
    {2, "am", "amharic", "ethiopian cuisine;eritrean_cuisine", "ti", 20},
    {2, "fr", "french", "congolese cuisine;african cuisine", "ln", 40},
    {2, "es", "spanish", "latin american cuisine", NULL, 0},
};

#define ORIGIN_COUNT (sizeof origins / sizeof origins[0])

/* Languages residents speak besides Dutch, in percent. */
typedef struct extra_language {
    const char *code;
    unsigned percent;
} extra_language;

static const extra_language resident_languages[] = {
    {"en", 75}, {"de", 15}, {"fr", 8}, {"es", 5}, {"tr", 6}, {"ar", 5},
    {"ber", 4}, {"pl", 2}, {"pap", 1}, {"srn", 1},
};

#define RESIDENT_LANGUAGE_COUNT (sizeof resident_languages / sizeof resident_languages[0])

/* Category popularity (relative); categories not listed get 3. Music,
 * cooking and language are where most sign-ups start. */
typedef struct category_weight {
    const char *names;
    unsigned weight;
} category_weight;

static const category_weight category_weights[] = {
    {"music", 16}, {"cooking", 16}, {"language", 12}, {"sport", 10},
    {"crafts", 6}, {"nature", 6}, {"art", 5}, {"games", 5},
    {"film_media;film & media", 4}, {"digital;digital skills", 4},
    {"work_study;work & study", 4}, {"family", 4}, {"community", 3},
    {"health", 3}, {"culture", 3},
};

#define CATEGORY_WEIGHT_COUNT (sizeof category_weights / sizeof category_weights[0])

/* What newcomers often want to learn besides Dutch. */
static const char *const newcomer_wants = "cycling;computer_basics;job_search;swimming;driving;"
                                          "online_services;smartphone";

/* The taxonomy's topic by the first of `names` (';'-separated) that it
 * knows, -1 when none, -2 when out of memory. */
static long find_topic(const lm_taxonomy *taxonomy, const char *names)
{
    while (names && *names) {
        const char *end = strchr(names, ';');
        size_t length = end ? (size_t)(end - names) : strlen(names);
        int status = LM_OK;
        char *folded = lm__fold(names, length, &status);
        if (!folded)
            return status == LM_E_NOMEM ? -2 : -1;
        long topic = lm__taxonomy_lookup_folded(taxonomy, folded);
        lm__free(folded);
        if (topic >= 0)
            return topic;
        names = end ? end + 1 : NULL;
    }
    return -1;
}

static int language_bit(const char *code)
{
    size_t index;
    if (!code || lm_language_find(code, &index) != LM_OK || index >= 64)
        return -1;
    return (int)index;
}

/* ---- the tables a generation uses ------------------------------------------------ */

typedef struct origin_topics {
    int language, second;  /* language bits, -1 when unknown */
    long topic, cuisine;   /* topics, -1 when the taxonomy has none */
} origin_topics;

typedef struct tables {
    const lm_taxonomy *taxonomy;
    uint32_t *leaves;      /* topics without subtopics */
    double *cumulative;    /* running sum of the leaves' popularity */
    size_t leaf_count;
    long dutch, cooking;
    long wants[8];
    size_t want_count;
    origin_topics origins[ORIGIN_COUNT];
    int resident_bits[RESIDENT_LANGUAGE_COUNT];
    int dutch_bit, english_bit;
    bool weekly_grid;      /* the 7 x 3 slot grid, index = day * 3 + part */
} tables;

static void tables_free(tables *t)
{
    lm__free(t->leaves);
    lm__free(t->cumulative);
}

/* The weight of a category: looked up by name once per generation. */
static double category_weight_of(const long *category_topics, size_t category)
{
    for (size_t k = 0; k < CATEGORY_WEIGHT_COUNT; k++)
        if (category_topics[k] == (long)category)
            return category_weights[k].weight;
    return 3.0;
}

/* Popularity: categories by their weight, and inside a category a Zipf law
 * over its subtopics in the order the taxonomy lists them (the common ones
 * come first), so a few topics are popular and there is a long tail. */
static int build_leaves(tables *t)
{
    const lm_taxonomy *taxonomy = t->taxonomy;
    long category_topics[CATEGORY_WEIGHT_COUNT];
    for (size_t k = 0; k < CATEGORY_WEIGHT_COUNT; k++) {
        category_topics[k] = find_topic(taxonomy, category_weights[k].names);
        if (category_topics[k] == -2)
            return LM_E_NOMEM;
    }
    size_t topics = taxonomy->topic_count;
    size_t *children = lm__calloc(topics ? topics : 1, sizeof *children);
    t->leaves = lm__calloc(topics ? topics : 1, sizeof *t->leaves);
    t->cumulative = lm__calloc(topics ? topics : 1, sizeof *t->cumulative);
    if (!children || !t->leaves || !t->cumulative) {
        lm__free(children);
        return LM_E_NOMEM;
    }
    for (size_t k = 0; k < topics; k++) {
        int parent = taxonomy->topics[k].parent;
        if (parent >= 0 && (size_t)parent < topics)
            children[parent]++;
    }
    double total = 0.0;
    for (size_t category = 0; category < topics; category++) {
        if (taxonomy->topics[category].parent >= 0)
            continue;
        double weight = category_weight_of(category_topics, category);
        if (!children[category]) {
            t->leaves[t->leaf_count] = (uint32_t)category;
            total += weight;
            t->cumulative[t->leaf_count++] = total;
            continue;
        }
        double harmonic = 0.0;
        for (size_t rank = 1; rank <= children[category]; rank++)
            harmonic += 1.0 / (double)rank;
        size_t rank = 0;
        for (size_t k = 0; k < topics; k++) {
            if (taxonomy->topics[k].parent != (int)category || children[k])
                continue;
            rank++;
            t->leaves[t->leaf_count] = (uint32_t)k;
            total += weight / ((double)rank * harmonic);
            t->cumulative[t->leaf_count++] = total;
        }
    }
    lm__free(children);
    return LM_OK;
}

static int tables_build(tables *t, const lm_pool *pool)
{
    memset(t, 0, sizeof *t);
    t->taxonomy = pool->taxonomy;
    if (build_leaves(t) != LM_OK)
        return LM_E_NOMEM;
    t->dutch = find_topic(t->taxonomy, "dutch");
    t->cooking = find_topic(t->taxonomy, "cooking");
    if (t->dutch == -2 || t->cooking == -2)
        return LM_E_NOMEM;
    for (const char *name = newcomer_wants; name; name = strchr(name, ';')) {
        name += *name == ';';
        long topic = find_topic(t->taxonomy, name);
        if (topic == -2)
            return LM_E_NOMEM;
        if (topic >= 0 && t->want_count < sizeof t->wants / sizeof t->wants[0])
            t->wants[t->want_count++] = topic;
    }
    for (size_t k = 0; k < ORIGIN_COUNT; k++) {
        origin_topics *o = &t->origins[k];
        o->language = language_bit(origins[k].language);
        o->second = language_bit(origins[k].second);
        o->topic = find_topic(t->taxonomy, origins[k].topic);
        o->cuisine = find_topic(t->taxonomy, origins[k].cuisine);
        if (o->topic == -2 || o->cuisine == -2)
            return LM_E_NOMEM;
        if (o->cuisine < 0)
            o->cuisine = t->cooking; /* "cooking" itself stands in for a cuisine */
    }
    for (size_t k = 0; k < RESIDENT_LANGUAGE_COUNT; k++)
        t->resident_bits[k] = language_bit(resident_languages[k].code);
    t->dutch_bit = language_bit("nl");
    t->english_bit = language_bit("en");
    t->weekly_grid = lm_slot_count() == 21;
    return LM_OK;
}

/* "p000042": prefix, then number zero-padded to width digits (at most 20). */
static void format_id(char *buffer, char prefix, size_t number, int width)
{
    char digits[24];
    int length = 0;
    do {
        digits[length++] = (char)('0' + number % 10);
        number /= 10;
    } while (number && length < 20);
    while (length < width && length < 20)
        digits[length++] = '0';
    buffer[0] = prefix;
    for (int k = 0; k < length; k++)
        buffer[1 + k] = digits[length - 1 - k];
    buffer[1 + length] = '\0';
}

/* ---- random helpers ------------------------------------------------------------ */

static bool chance(lm_rng *rng, unsigned percent)
{
    return lm__rng_below(rng, 100) < percent;
}

/* A level in {0.5, 0.6, ..., 1.0} at least `lowest` tenths. */
static double level(lm_rng *rng, unsigned lowest)
{
    return (double)(lowest + lm__rng_below(rng, 11 - lowest)) / 10.0;
}

static size_t pick_weighted(lm_rng *rng, const unsigned *weights, size_t count)
{
    uint64_t total = 0;
    for (size_t k = 0; k < count; k++)
        total += weights[k];
    uint64_t r = lm__rng_below(rng, total);
    for (size_t k = 0; k < count; k++) {
        if (r < weights[k])
            return k;
        r -= weights[k];
    }
    return count - 1;
}

static long pick_leaf(lm_rng *rng, const tables *t)
{
    if (!t->leaf_count)
        return -1;
    double r = lm__rng_unit(rng) * t->cumulative[t->leaf_count - 1];
    size_t low = 0, high = t->leaf_count - 1;
    while (low < high) { /* the first leaf whose running sum exceeds r */
        size_t mid = low + (high - low) / 2;
        if (t->cumulative[mid] > r)
            high = mid;
        else
            low = mid + 1;
    }
    return t->leaves[low];
}

/* An offset around a centre: the sum of four uniform numbers (Irwin-Hall),
 * a bell curve with standard deviation `spread`, in integer arithmetic. */
static int32_t spread_offset(lm_rng *rng, int32_t spread)
{
    int64_t sum = 0;
    for (int k = 0; k < 4; k++)
        sum += (int64_t)lm__rng_below(rng, 65536);
    /* sum has mean 131070 and standard deviation 65536 / sqrt(3) = 37837.6 */
    return (int32_t)((sum - 131070) * spread / 37838);
}

/* ---- vectors -------------------------------------------------------------------- */

typedef struct sparse {
    lm_entry entries[MAX_TAGS];
    size_t length;
} sparse;

/* Raises entry `topic` to at least `value`, keeping entries sorted. */
static void sparse_raise(sparse *v, uint32_t topic, double value)
{
    size_t at = 0;
    while (at < v->length && v->entries[at].topic < topic)
        at++;
    if (at < v->length && v->entries[at].topic == topic) {
        if (v->entries[at].value < value)
            v->entries[at].value = value;
        return;
    }
    if (v->length == MAX_TAGS)
        return;
    memmove(&v->entries[at + 1], &v->entries[at], (v->length - at) * sizeof v->entries[0]);
    v->entries[at] = (lm_entry){topic, value};
    v->length++;
}

/* Tags chosen for one vector, turned into entries by the parent rule of
 * lm__tags_parse(): each tag sets its topic, then each category gets
 * max(current, rho * level) of its tags. */
typedef struct tag_list {
    uint32_t topic[MAX_TAGS / 2];
    double level[MAX_TAGS / 2];
    size_t length;
} tag_list;

static bool tags_have(const tag_list *tags, long topic)
{
    for (size_t k = 0; k < tags->length; k++)
        if ((long)tags->topic[k] == topic)
            return true;
    return false;
}

static void tags_add(tag_list *tags, long topic, double value)
{
    if (topic < 0 || tags->length == MAX_TAGS / 2 || tags_have(tags, topic))
        return;
    tags->topic[tags->length] = (uint32_t)topic;
    tags->level[tags->length++] = value;
}

static void tags_to_sparse(const tag_list *tags, const lm_taxonomy *taxonomy, double rho,
                           sparse *v)
{
    v->length = 0;
    for (size_t k = 0; k < tags->length; k++)
        sparse_raise(v, tags->topic[k], tags->level[k]);
    for (size_t k = 0; k < tags->length; k++) {
        int parent = taxonomy->topics[tags->topic[k]].parent;
        if (parent >= 0)
            sparse_raise(v, (uint32_t)parent, rho * tags->level[k]);
    }
}

/* Stores the three vectors as the participant's one entries array. */
static int store_vectors(lm_participant *p, const sparse vectors[3])
{
    size_t total = vectors[0].length + vectors[1].length + vectors[2].length;
    lm_entry *entries = lm__malloc((total ? total : 1) * sizeof *entries);
    if (!entries)
        return LM_E_NOMEM;
    size_t at = 0;
    for (int v = 0; v < 3; v++) {
        memcpy(entries + at, vectors[v].entries, vectors[v].length * sizeof *entries);
        at += vectors[v].length;
        p->length[v] = (uint16_t)vectors[v].length;
    }
    lm__free(p->entries);
    p->entries = entries;
    return LM_OK;
}

/* ---- one participant ---------------------------------------------------------------- */

static void pick_interests(lm_rng *rng, const tables *t, tag_list *interests)
{
    static const unsigned count_weights[] = {20, 30, 25, 15, 10}; /* 2..6 interests */
    size_t wanted = 2 + pick_weighted(rng, count_weights, 5);
    if (wanted > t->leaf_count)
        wanted = t->leaf_count;
    /* Rejection keeps the popularity law; the attempt bound only matters
     * for tiny taxonomies. */
    for (int attempt = 0; interests->length < wanted && attempt < 64; attempt++) {
        long topic = pick_leaf(rng, t);
        if (!tags_have(interests, topic))
            tags_add(interests, topic, interests->length ? level(rng, 5) : 1.0);
    }
}

/* Adds `topic` with a level drawn before it: C leaves the order of a
 * call's arguments open, and the pool must not depend on the compiler, so
 * every draw is a statement of its own (the level first, as pinned). */
#define ADD_DRAWN(list, level_expression, topic_expression)                                    \
    do {                                                                                       \
        double drawn_level = (level_expression);                                               \
        tags_add((list), (topic_expression), drawn_level);                                     \
    } while (0)

static void pick_offers_wants(lm_rng *rng, const tables *t, lm_role role,
                              const origin_topics *home, const tag_list *interests,
                              tag_list *offers, tag_list *wants)
{
    if (interests->length && chance(rng, 55))
        ADD_DRAWN(offers, level(rng, 6), interests->topic[lm__rng_below(rng, interests->length)]);
    if (chance(rng, 15))
        ADD_DRAWN(offers, level(rng, 7), pick_leaf(rng, t));
    if (interests->length && chance(rng, 30))
        ADD_DRAWN(wants, level(rng, 5), interests->topic[lm__rng_below(rng, interests->length)]);
    if (role == LM_NEWCOMER) {
        if (chance(rng, 60))
            tags_add(offers, home->topic, 1.0);
        if (chance(rng, 45))
            tags_add(offers, home->cuisine, level(rng, 8));
        if (chance(rng, 85))
            tags_add(wants, t->dutch, level(rng, 8));
        if (t->want_count && chance(rng, 35))
            ADD_DRAWN(wants, level(rng, 6), t->wants[lm__rng_below(rng, t->want_count)]);
        return;
    }
    if (chance(rng, 45))
        tags_add(offers, t->dutch, 1.0);
    if (chance(rng, 40)) {
        unsigned weights[ORIGIN_COUNT];
        for (size_t k = 0; k < ORIGIN_COUNT; k++)
            weights[k] = origins[k].weight;
        const origin_topics *other = &t->origins[pick_weighted(rng, weights, ORIGIN_COUNT)];
        ADD_DRAWN(wants, level(rng, 5), chance(rng, 55) ? other->topic : other->cuisine);
    }
    if (chance(rng, 25))
        ADD_DRAWN(wants, level(rng, 5), pick_leaf(rng, t));
}

static uint64_t pick_languages(lm_rng *rng, const tables *t, lm_role role,
                               const origin_topics *home, size_t origin_index)
{
    if (chance(rng, 2))
        return 0; /* did not say */
    uint64_t mask = 0;
    if (role == LM_NEWCOMER) {
        if (home->language >= 0)
            mask |= UINT64_C(1) << home->language;
        if (home->second >= 0 && chance(rng, origins[origin_index].second_percent))
            mask |= UINT64_C(1) << home->second;
        if (t->english_bit >= 0 && chance(rng, 50))
            mask |= UINT64_C(1) << t->english_bit;
        if (t->dutch_bit >= 0 && chance(rng, 50))
            mask |= UINT64_C(1) << t->dutch_bit;
        return mask;
    }
    if (t->dutch_bit >= 0 && chance(rng, 97))
        mask |= UINT64_C(1) << t->dutch_bit;
    for (size_t k = 0; k < RESIDENT_LANGUAGE_COUNT; k++)
        if (t->resident_bits[k] >= 0 && chance(rng, resident_languages[k].percent))
            mask |= UINT64_C(1) << t->resident_bits[k];
    return mask;
}

/* Weekly patterns: people at work are free in the evenings and at weekends;
 * others (retired, studying, at home, newcomers between integration classes)
 * in the daytime too. Percent per part of the day: morning, afternoon,
 * evening, on weekdays and at weekends. */
static uint64_t pick_availability(lm_rng *rng, const tables *t, lm_role role)
{
    static const unsigned working[2][3] = {{0, 5, 55}, {30, 50, 30}};
    static const unsigned at_home[2][3] = {{40, 50, 35}, {30, 45, 25}};
    static const unsigned newcomer[2][3] = {{20, 55, 45}, {35, 45, 35}};
    size_t slots = lm_slot_count() < 64 ? lm_slot_count() : 64;
    if (!slots || chance(rng, 3))
        return 0; /* did not say */
    uint64_t mask = 0;
    if (!t->weekly_grid) {
        for (size_t s = 0; s < slots; s++)
            if (chance(rng, 40))
                mask |= UINT64_C(1) << s;
    } else {
        const unsigned(*pattern)[3];
        if (role == LM_RESIDENT)
            pattern = chance(rng, 55) ? working : at_home;
        else
            pattern = chance(rng, 20) ? working : newcomer;
        for (size_t day = 0; day < 7; day++)
            for (size_t part = 0; part < 3; part++)
                if (chance(rng, pattern[day >= 5][part]))
                    mask |= UINT64_C(1) << (day * 3 + part);
    }
    if (!mask)
        mask = UINT64_C(1) << lm__rng_below(rng, slots);
    return mask;
}

static void pick_place(lm_rng *rng, lm_role role, const city *c, lm_participant *p)
{
    unsigned weights[DISTRICT_COUNT];
    for (size_t k = 0; k < DISTRICT_COUNT; k++) {
        const district *w = &districts[(k + c->shift) % DISTRICT_COUNT];
        weights[k] = role == LM_NEWCOMER ? w->newcomers : w->residents;
    }
    const district *d = &districts[pick_weighted(rng, weights, DISTRICT_COUNT)];
    /* two statements: the order of the draws is fixed */
    int32_t lat = d->lat + spread_offset(rng, HOME_SPREAD_LAT);
    int32_t lon = d->lon + spread_offset(rng, HOME_SPREAD_LON);
    city_place(c, lat, lon, &lat, &lon);
    if (chance(rng, 4))
        return; /* no location given */
    p->has_location = true;
    p->lat = (double)lat / 1e5;
    p->lon = (double)lon / 1e5;
    p->max_km = chance(rng, 70) ? 0.0 : (double)(2 + lm__rng_below(rng, 9));
}

static int generate_participant(lm_pool *pool, const tables *t, lm_rng *rng, lm_role role,
                                const city *c, const char *id)
{
    size_t index;
    int status = lm__pool_append(pool, id, role, &index);
    if (status != LM_OK)
        return status;
    lm_participant *p = &pool->people[index];
    unsigned weights[ORIGIN_COUNT];
    for (size_t k = 0; k < ORIGIN_COUNT; k++)
        weights[k] = origins[k].weight;
    size_t origin_index = pick_weighted(rng, weights, ORIGIN_COUNT);
    const origin_topics *home = &t->origins[origin_index];

    tag_list tags[3];
    memset(tags, 0, sizeof tags);
    pick_interests(rng, t, &tags[LM_INTERESTS]);
    pick_offers_wants(rng, t, role, home, &tags[LM_INTERESTS], &tags[LM_OFFERS],
                      &tags[LM_WANTS]);
    sparse vectors[3];
    for (int v = 0; v < 3; v++)
        tags_to_sparse(&tags[v], t->taxonomy, pool->rho, &vectors[v]);
    if (store_vectors(p, vectors) != LM_OK)
        return lm__fail(&pool->base, LM_E_NOMEM, "out of memory");

    p->languages = pick_languages(rng, t, role, home, origin_index);
    p->availability = pick_availability(rng, t, role);
    pick_place(rng, role, c, p);
    p->host = chance(rng, 20);
    p->step_free = chance(rng, 5);
    return LM_OK;
}

/* ---- venues ------------------------------------------------------------------------------ */

/* Community centres open mostly in the afternoon and evening on weekdays,
 * some mornings, fewer hours at weekends (percent per part of the day). */
static uint64_t venue_hours(lm_rng *rng)
{
    static const unsigned weekday[3] = {30, 75, 60};
    static const unsigned saturday[3] = {30, 50, 20};
    static const unsigned sunday[3] = {5, 30, 5};
    size_t slots = lm_slot_count() < 64 ? lm_slot_count() : 64;
    uint64_t mask = 0;
    if (lm_slot_count() != 21) {
        for (size_t s = 0; s < slots; s++)
            if (chance(rng, 50))
                mask |= UINT64_C(1) << s;
        return mask ? mask : UINT64_C(1);
    }
    for (size_t day = 0; day < 7; day++) {
        const unsigned *percent = day < 5 ? weekday : day == 5 ? saturday : sunday;
        for (size_t part = 0; part < 3; part++)
            if (chance(rng, percent[part]))
                mask |= UINT64_C(1) << (day * 3 + part);
    }
    /* At least three opening slots: add weekday afternoons and evenings. */
    for (int guard = 0; guard < 64; guard++) {
        size_t open = 0;
        for (uint64_t m = mask; m; m &= m - 1)
            open++;
        if (open >= 3)
            break;
        mask |= UINT64_C(1) << (lm__rng_below(rng, 5) * 3 + 1 + lm__rng_below(rng, 2));
    }
    return mask;
}

static int generate_venues(lm_pool *pool, const city *cities, size_t city_count,
                           size_t venues, uint64_t seed)
{
    lm_rng rng;
    lm__rng_seed(&rng, seed, 2);
    /* Districts take turns, largest first, so centres spread over the city. */
    size_t order[DISTRICT_COUNT];
    for (size_t k = 0; k < DISTRICT_COUNT; k++)
        order[k] = k;
    for (size_t k = 1; k < DISTRICT_COUNT; k++) {
        for (size_t j = k; j > 0; j--) {
            if (districts[order[j]].residents <= districts[order[j - 1]].residents)
                break;
            size_t swap = order[j];
            order[j] = order[j - 1];
            order[j - 1] = swap;
        }
    }
    int width = 4;
    for (size_t n = venues; n >= 10000; n /= 10)
        width++;
    static const unsigned capacity_weights[4] = {35, 30, 20, 15};
    size_t in_city = 0, c = 0;
    for (size_t v = 0; v < venues; v++, in_city++) {
        while (in_city >= cities[c].venues && c + 1 < city_count) {
            c++;
            in_city = 0;
        }
        const district *d = &districts[order[in_city % DISTRICT_COUNT]];
        int32_t lat = d->lat + spread_offset(&rng, VENUE_SPREAD_LAT);
        int32_t lon = d->lon + spread_offset(&rng, VENUE_SPREAD_LON);
        city_place(&cities[c], lat, lon, &lat, &lon);
        uint64_t open = venue_hours(&rng);
        unsigned capacity = 1 + (unsigned)pick_weighted(&rng, capacity_weights, 4);
        bool step_free = chance(&rng, 85);
        char id[32];
        format_id(id, 'v', v + 1, width);
        int status = lm_pool_add_venue(pool, id, (double)lat / 1e5, (double)lon / 1e5, open,
                                       capacity, step_free, NULL);
        if (status != LM_OK)
            return status;
    }
    return LM_OK;
}

/* ---- the call -------------------------------------------------------------------------------- */

static int generate_people(lm_pool *pool, const tables *t, size_t participants,
                           double newcomer_share, const city *cities, size_t city_count,
                           uint64_t seed)
{
    lm_rng rng;
    lm__rng_seed(&rng, seed, 1);
    int width = 1;
    for (size_t n = participants; n >= 10; n /= 10)
        width++;
    /* Exactly round(share * n) newcomers, at random positions (selection
     * sampling: each position takes a newcomer with probability left/remaining). */
    size_t newcomers_left = (size_t)(newcomer_share * (double)participants + 0.5);
    if (newcomers_left > participants)
        newcomers_left = participants;
    bool check_ids = pool->count > 0;
    size_t in_city = 0, c = 0;
    for (size_t k = 0; k < participants; k++, in_city++) {
        while (in_city >= cities[c].people && c + 1 < city_count) {
            c++;
            in_city = 0;
        }
        bool newcomer = lm__rng_below(&rng, participants - k) < newcomers_left;
        newcomers_left -= newcomer;
        lm_role role = newcomer ? LM_NEWCOMER : LM_RESIDENT;
        char id[32];
        format_id(id, 'p', k + 1, width);
        if (check_ids && lm__pool_lookup(pool, id) >= 0)
            return lm__fail(&pool->base, LM_E_DUPLICATE,
                            "generated id '%s' is already in the pool", id);
        int status = generate_participant(pool, t, &rng, role, &cities[c], id);
        if (status != LM_OK)
            return status;
    }
    return LM_OK;
}

int lm_pool_generate_cities(lm_pool *pool, size_t participants, double newcomer_share,
                            size_t venues, size_t cities, uint64_t seed)
{
    if (!pool)
        return LM_E_INVALID;
    if (newcomer_share < 0)
        newcomer_share = DEFAULT_NEWCOMER_SHARE;
    if (!(newcomer_share <= 1.0))
        return lm__fail(&pool->base, LM_E_INVALID,
                        "newcomer share must be in [0,1] (negative: the default)");
    if (participants > MAX_PARTICIPANTS || venues > MAX_VENUES || cities > MAX_CITIES)
        return lm__fail(&pool->base, LM_E_TOO_LARGE,
                        "at most %u participants, %u venues and %u cities can be generated",
                        MAX_PARTICIPANTS, MAX_VENUES, MAX_CITIES);
    city one = utrecht;
    city *plan = &one;
    size_t city_count = 1;
    if (cities > 0) {
        plan = lm__calloc(cities, sizeof *plan);
        if (!plan || lm__plan_cities(plan, cities, participants, venues, seed) != LM_OK) {
            lm__free(plan);
            return lm__fail(&pool->base, LM_E_NOMEM, "out of memory");
        }
        city_count = cities;
    }
    size_t count = pool->count, venue_count = pool->venue_count;
    size_t warning_count = pool->warning_count;
    int status = LM_OK;
    if (participants && lm__grow((void **)&pool->people, &pool->capacity,
                                 pool->count + participants, sizeof *pool->people) != LM_OK)
        status = LM_E_NOMEM;
    tables t;
    memset(&t, 0, sizeof t);
    if (status == LM_OK)
        status = tables_build(&t, pool);
    if (status != LM_OK)
        status = lm__fail(&pool->base, status, "out of memory");
    else
        status = generate_people(pool, &t, participants, newcomer_share, plan, city_count,
                                 seed);
    if (status == LM_OK)
        status = generate_venues(pool, plan, city_count, venues, seed);
    tables_free(&t);
    if (plan != &one)
        lm__free(plan);
    if (status != LM_OK) {
        lm__pool_truncate(pool, count, venue_count, warning_count);
        if (status == LM_E_NOMEM)
            lm__fail(&pool->base, status, "out of memory");
        return status;
    }
    lm__clear_error(&pool->base);
    return LM_OK;
}

int lm_pool_generate(lm_pool *pool, size_t participants, double newcomer_share, size_t venues,
                     uint64_t seed)
{
    return lm_pool_generate_cities(pool, participants, newcomer_share, venues, 0, seed);
}
