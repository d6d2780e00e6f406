/* Fuzz target for the CSV readers: the same bytes are read as participants
 * (lenient and strict), venues, a taxonomy and a groups file against a small
 * pool. Besides "never crash", it checks properties the readers promise:
 * known status codes, all-or-nothing loads, messages in valid UTF-8, and
 * that a pool that loads saves to a CSV that loads back to the same pool. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libmatch/libmatch.h"
#include "io/csv_internal.h"
#include "fuzz.h"
#include "model/grouping_internal.h"
#include "model/model_internal.h"

static void require(bool ok, const char *what, const char *detail)
{
    if (!ok) {
        fprintf(stderr, "fuzz_csv: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
        abort();
    }
}

static void check_failure(int status, const void *object)
{
    require(status == LM_E_PARSE || status == LM_E_NOTFOUND || status == LM_E_DUPLICATE ||
                status == LM_E_TOO_LARGE,
            "unexpected status", lm_strerror(status));
    const char *message = lm_errmsg(object);
    require(message[0] != '\0', "failure without a message", NULL);
    require(lm__utf8_valid(message, strlen(message)), "message is not UTF-8", message);
}

/* Levels must read back exactly when the tag reader can produce them from
 * some plain decimal (the unit tests check that). tags.c is not correctly
 * rounded, and its scale overflows beyond 19 decimals, so a level read from
 * a strange tag may have no exact text; those must still come back within
 * the 17-digit rounding. */
static bool close_levels(double a, double b)
{
    double scale = a > b ? a : b;
    return a == b || (a - b <= 4e-16 * scale + 1e-19 && b - a <= 4e-16 * scale + 1e-19);
}

static bool same_participants(const lm_pool *a, const lm_pool *b)
{
    if (a->count != b->count)
        return false;
    for (size_t person = 0; person < a->count; person++) {
        const lm_participant *p = &a->people[person], *q = &b->people[person];
        if (strcmp(p->id, q->id) || p->role != q->role || p->languages != q->languages ||
            p->availability != q->availability || p->has_location != q->has_location ||
            p->step_free != q->step_free || p->host != q->host || p->max_km != q->max_km)
            return false;
        if (p->has_location && (p->lat != q->lat || p->lon != q->lon))
            return false;
        for (int v = 0; v < 3; v++) {
            size_t n, m, i = 0, j = 0;
            const lm_entry *x = lm__vec(p, v, &n), *y = lm__vec(q, v, &m);
            while (i < n || j < m) {
                bool both = i < n && j < m && x[i].topic == y[j].topic;
                bool only_x = i < n && (j == m || x[i].topic < y[j].topic);
                bool only_y = j < m && (i == n || y[j].topic < x[i].topic);
                double left = both || only_x ? x[i].value : 0.0;
                double right = both || only_y ? y[j].value : 0.0;
                if (!close_levels(left, right))
                    return false;
                i += both || only_x;
                j += both || only_y;
            }
        }
    }
    return true;
}

static bool same_venues(const lm_pool *a, const lm_pool *b)
{
    if (a->venue_count != b->venue_count)
        return false;
    for (size_t k = 0; k < a->venue_count; k++) {
        const lm_venue *v = &a->venues[k], *w = &b->venues[k];
        if (strcmp(v->id, w->id) || v->lat != w->lat || v->lon != w->lon || v->open != w->open ||
            v->capacity != w->capacity || v->step_free != w->step_free)
            return false;
    }
    return true;
}

/* Pools live across inputs and are emptied after each: cloning the default
 * taxonomy for every input would make the fuzzer ten times slower. */
static lm_pool *reading, *copy, *small;

static lm_pool *empty_pool(lm_pool **pool, bool strict)
{
    if (!*pool)
        require(lm_pool_new(NULL, pool) == LM_OK, "lm_pool_new failed", NULL);
    lm__pool_truncate(*pool, 0, 0, 0);
    require(lm_pool_set_strict(*pool, strict) == LM_OK, "set_strict failed", NULL);
    return *pool;
}

/* Writes a pool into memory and loads it into another one. */
static void round_trip(lm_pool *pool, bool venues)
{
    char *text = NULL;
    size_t length = 0;
    FILE *file = open_memstream(&text, &length);
    require(file != NULL, "open_memstream failed", NULL);
    int status = venues ? lm__pool_write_venues_csv(pool, file) : lm__pool_write_csv(pool, file);
    fclose(file);
    require(status == LM_OK, "writing failed", lm_errmsg(pool));
    empty_pool(&copy, false);
    status = venues ? lm_pool_load_venues_csv_buffer(copy, "saved.csv", text, length)
                    : lm_pool_load_csv_buffer(copy, "saved.csv", text, length);
    require(status == LM_OK, "a saved file does not load", lm_errmsg(copy));
    require(copy->warning_count == 0, "a saved file loads with warnings", NULL);
    require(venues ? same_venues(pool, copy) : same_participants(pool, copy),
            "a saved file loads back different", text);
    free(text);
}

static void participants(const char *data, size_t size, bool strict)
{
    lm_pool *pool = empty_pool(&reading, strict);
    int status = lm_pool_load_csv_buffer(pool, "fuzz.csv", data, size);
    if (status == LM_OK) {
        round_trip(pool, false);
    } else {
        check_failure(status, pool);
        require(pool->count == 0 && pool->warning_count == 0, "a failed load left data", NULL);
    }
    status = lm_pool_load_venues_csv_buffer(pool, "venues.csv", data, size);
    if (status == LM_OK) {
        round_trip(pool, true);
    } else {
        check_failure(status, pool);
        require(pool->venue_count == 0, "a failed venue load left venues", NULL);
    }
}

static void taxonomy(const char *data, size_t size)
{
    lm_taxonomy *taxonomy = NULL;
    require(lm_taxonomy_new(&taxonomy) == LM_OK, "taxonomy_new failed", NULL);
    size_t before = taxonomy->topic_count;
    int status = lm_taxonomy_load_buffer(taxonomy, "taxonomy.csv", data, size);
    if (status != LM_OK) {
        check_failure(status, taxonomy);
        require(taxonomy->topic_count == before, "a failed taxonomy load changed it", NULL);
    } else {
        for (size_t t = 0; t < taxonomy->topic_count; t++) {
            size_t found;
            require(lm_taxonomy_find(taxonomy, taxonomy->topics[t].key, &found) == LM_OK &&
                        found == t,
                    "a key does not find its topic", taxonomy->topics[t].key);
        }
    }
    lm_taxonomy_free(taxonomy);
}

static const char small_pool[] = "id,role,interests\n"
                                 "n1,newcomer,guitar\nn2,newcomer,cooking\n"
                                 "r1,resident,guitar\nr2,resident,\n";
static const char small_venues[] = "id,lat,lon\nhuiskamer,52.09,5.12\nvoorkamer,52.1,5.1\n";

static void groups(const char *data, size_t size)
{
    if (!small) {
        require(lm_pool_new(NULL, &small) == LM_OK, "lm_pool_new failed", NULL);
        require(lm_pool_load_csv_buffer(small, "p.csv", small_pool, sizeof small_pool - 1) ==
                        LM_OK &&
                    lm_pool_load_venues_csv_buffer(small, "v.csv", small_venues,
                                                   sizeof small_venues - 1) == LM_OK,
                "small pool failed", lm_errmsg(small));
    }
    const lm_pool *pool = small;
    lm_grouping *grouping = NULL;
    require(lm_grouping_new(&grouping) == LM_OK, "lm_grouping_new failed", NULL);
    int status = lm_grouping_load_csv_buffer(grouping, pool, "groups.csv", data, size);
    if (status != LM_OK) {
        check_failure(status, grouping);
        require(grouping->group_count == 0, "a failed groups load left groups", NULL);
    } else {
        for (size_t p = 0; p < grouping->participant_capacity && p < pool->count; p++)
            require(grouping->group_of[p] < (int64_t)grouping->group_count,
                    "a member of a group that does not exist", NULL);
        for (size_t g = 0; g < grouping->group_count; g++)
            require(grouping->venue[g] < (int)pool->venue_count &&
                        grouping->slot[g] < (int)lm_slot_count(),
                    "a group with a slot or venue that does not exist", NULL);
    }
    lm_grouping_free(grouping);
}

/* The campaign fuzzes each reader alone (tests/fuzz/meson.build builds this
 * file once per part), so that each gets the whole budget; the replay runs
 * every part over every corpus. */
#ifndef FUZZ_CSV_PART
#define FUZZ_CSV_PART 0 /* 0 every reader, 1 participants and venues, 2 taxonomy, 3 groups */
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    if (FUZZ_CSV_PART == 0 || FUZZ_CSV_PART == 1) {
        participants(text, size, false);
        participants(text, size, true);
    }
    if (FUZZ_CSV_PART == 0 || FUZZ_CSV_PART == 2)
        taxonomy(text, size);
    if (FUZZ_CSV_PART == 0 || FUZZ_CSV_PART == 3)
        groups(text, size);
    return 0;
}
