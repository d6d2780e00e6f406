/* Fuzz target for the CSV readers: the same bytes are read as participants
 * (lenient and strict), venues, a taxonomy, a groups file and a constraints
 * file against a small pool. Besides "never crash", it checks properties the readers promise:
 * known status codes, all-or-nothing loads, messages in valid UTF-8, and
 * that a pool that loads saves to a CSV that loads back to the same pool. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libmatch/libmatch.h"
#include "io/csv_internal.h"
#include "fuzz.h"
#include "model/constraints_internal.h"
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
                status == LM_E_TOO_LARGE || status == LM_E_INFEASIBLE,
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

static void small_pool_ready(void)
{
    if (!small) {
        require(lm_pool_new(NULL, &small) == LM_OK, "lm_pool_new failed", NULL);
        require(lm_pool_load_csv_buffer(small, "p.csv", small_pool, sizeof small_pool - 1) ==
                        LM_OK &&
                    lm_pool_load_venues_csv_buffer(small, "v.csv", small_venues,
                                                   sizeof small_venues - 1) == LM_OK,
                "small pool failed", lm_errmsg(small));
    }
}

static void groups(const char *data, size_t size)
{
    small_pool_ready();
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

/* The constraints file is read against the small pool (n1, n2, r1, r2) on
 * top of constraints added by hand, so that contradictions with earlier
 * constraints are reached too. */
enum { SMALL_PEOPLE = 4 };

static lm_constraints *hand_constraints(void)
{
    lm_constraints *constraints = NULL;
    require(lm_constraints_new(small, &constraints) == LM_OK, "lm_constraints_new failed", NULL);
    require(lm_constraints_add(constraints, LM_CONSTRAINT_TOGETHER, 0, 2) == LM_OK &&
                lm_constraints_add(constraints, LM_CONSTRAINT_APART, 1, 3) == LM_OK &&
                lm_constraints_add(constraints, LM_CONSTRAINT_PIN, 3, 1) == LM_OK,
            "constraints by hand failed", lm_errmsg(constraints));
    return constraints;
}

/* Everything the constraints show: the list, and per person and pair the
 * together sets, apart pairs, exclusions and pins, as the solvers see them. */
typedef struct constraints_view {
    size_t count;
    size_t (*list)[4]; /* kind, a, b, line of each constraint */
    uint32_t root[SMALL_PEOPLE], size[SMALL_PEOPLE];
    bool apart[SMALL_PEOPLE][SMALL_PEOPLE], out[SMALL_PEOPLE], pinned[SMALL_PEOPLE];
    uint64_t pin[SMALL_PEOPLE];
} constraints_view;

static void view_constraints(const lm_constraints *c, constraints_view *view)
{
    memset(view, 0, sizeof *view);
    view->count = lm_constraints_count(c);
    view->list = malloc((view->count ? view->count : 1) * sizeof *view->list);
    require(view->list != NULL, "out of memory", NULL);
    for (size_t k = 0; k < view->count; k++) {
        lm_constraint_kind kind;
        require(lm_constraints_get(c, k, &kind, &view->list[k][1], &view->list[k][2],
                                   &view->list[k][3]) == LM_OK,
                "lm_constraints_get failed", NULL);
        view->list[k][0] = (size_t)kind;
    }
    for (size_t p = 0; p < SMALL_PEOPLE; p++) {
        view->root[p] = lm__constraints_root(c, p);
        view->size[p] = lm__constraints_set_size(c, p);
        view->out[p] = lm__constraints_out(c, p);
        view->pinned[p] = lm__constraints_pin(c, p, &view->pin[p]);
        for (size_t q = 0; q < SMALL_PEOPLE; q++)
            view->apart[p][q] = lm__constraints_is_apart(c, p, q);
    }
}

/* The same view computed from the list alone, by brute force. */
static void brute_force_view(const constraints_view *view, constraints_view *expect)
{
    *expect = *view;
    size_t label[SMALL_PEOPLE];
    for (size_t p = 0; p < SMALL_PEOPLE; p++) {
        label[p] = p;
        expect->out[p] = expect->pinned[p] = false;
        for (size_t q = 0; q < SMALL_PEOPLE; q++)
            expect->apart[p][q] = false;
    }
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t k = 0; k < view->count; k++) {
            const size_t *row = view->list[k];
            if (row[0] == LM_CONSTRAINT_TOGETHER && label[row[1]] != label[row[2]]) {
                size_t from = label[row[1]] > label[row[2]] ? label[row[1]] : label[row[2]];
                size_t to = label[row[1]] + label[row[2]] - from;
                for (size_t p = 0; p < SMALL_PEOPLE; p++)
                    label[p] = label[p] == from ? to : label[p];
                changed = true;
            }
        }
    }
    for (size_t k = 0; k < view->count; k++) {
        const size_t *row = view->list[k];
        if (row[0] == LM_CONSTRAINT_APART)
            expect->apart[row[1]][row[2]] = expect->apart[row[2]][row[1]] = true;
        if (row[0] == LM_CONSTRAINT_PIN && !expect->pinned[row[1]]) {
            expect->pinned[row[1]] = true;
            expect->pin[row[1]] = row[2];
        }
        for (size_t p = 0; row[0] == LM_CONSTRAINT_EXCLUDE && p < SMALL_PEOPLE; p++)
            expect->out[p] = expect->out[p] || label[p] == label[row[1]];
    }
    for (size_t p = 0; p < SMALL_PEOPLE; p++) {
        uint32_t size = 0;
        for (size_t q = 0; q < SMALL_PEOPLE; q++)
            size += label[q] == label[p];
        expect->size[p] = size;
    }
}

static bool same_view(const constraints_view *a, const constraints_view *b)
{
    if (a->count != b->count || memcmp(a->list, b->list, a->count * sizeof *a->list))
        return false;
    for (size_t p = 0; p < SMALL_PEOPLE; p++) {
        if (a->size[p] != b->size[p] || a->out[p] != b->out[p] || a->pinned[p] != b->pinned[p] ||
            (a->pinned[p] && a->pin[p] != b->pin[p]))
            return false;
        for (size_t q = 0; q < SMALL_PEOPLE; q++)
            if (a->apart[p][q] != b->apart[p][q] ||
                (a->root[p] == a->root[q]) != (b->root[p] == b->root[q]))
                return false;
    }
    return true;
}

/* What a loaded constraints set must be: its tables those of its list, no
 * apart pair inside a together set, no person pinned to two groups, and the
 * rows of the file in line order. */
static void check_loaded(const constraints_view *view, size_t before, size_t size)
{
    constraints_view expect;
    brute_force_view(view, &expect);
    require(same_view(view, &expect), "the constraint tables differ from their list", NULL);
    size_t last_line = 1;
    for (size_t k = 0; k < view->count; k++) {
        const size_t *row = view->list[k];
        require(row[0] <= LM_CONSTRAINT_EXCLUDE && row[1] < SMALL_PEOPLE &&
                    (row[0] >= LM_CONSTRAINT_PIN || row[2] < SMALL_PEOPLE),
                "a constraint out of range", NULL);
        require(row[0] != LM_CONSTRAINT_APART || view->root[row[1]] != view->root[row[2]],
                "an apart pair inside a together set", NULL);
        require(row[0] != LM_CONSTRAINT_PIN || view->pin[row[1]] == row[2],
                "a person pinned to two groups", NULL);
        require(row[0] != LM_CONSTRAINT_EXCLUDE || row[2] == 0, "an exclude with a b", NULL);
        if (k >= before) {
            require(row[3] > last_line && row[3] <= size + 1, "a row's line is wrong", NULL);
            last_line = row[3];
        }
    }
}

/* Writes the rows loaded from the file as a constraints CSV and reads them
 * onto the same constraints by hand: the same list must come back. */
static void constraints_round_trip(const constraints_view *view, size_t before)
{
    char *text = NULL;
    size_t length = 0;
    FILE *file = open_memstream(&text, &length);
    require(file != NULL, "open_memstream failed", NULL);
    fputs("kind,a,b\n", file);
    for (size_t k = before; k < view->count; k++) {
        const size_t *row = view->list[k];
        fprintf(file, "%s,%s,", lm_constraint_kind_name((lm_constraint_kind)row[0]),
                lm_pool_id(small, row[1]));
        if (row[0] == LM_CONSTRAINT_PIN)
            fprintf(file, "%zu\n", row[2]);
        else
            fprintf(file, "%s\n", row[0] == LM_CONSTRAINT_EXCLUDE ? "" : lm_pool_id(small, row[2]));
    }
    fclose(file);
    lm_constraints *again = hand_constraints();
    require(lm_constraints_load_csv_buffer(again, "saved.csv", text, length) == LM_OK,
            "written constraints do not load", lm_errmsg(again));
    constraints_view back;
    view_constraints(again, &back);
    require(back.count == view->count, "written constraints load back a different count", text);
    for (size_t k = 0; k < view->count; k++)
        require(!memcmp(back.list[k], view->list[k], 3 * sizeof(size_t)),
                "written constraints load back different", text);
    free(back.list);
    lm_constraints_free(again);
    free(text);
}

static void constraints(const char *data, size_t size)
{
    small_pool_ready();
    lm_constraints *constraints = hand_constraints();
    constraints_view before, after;
    view_constraints(constraints, &before);
    int status = lm_constraints_load_csv_buffer(constraints, "c.csv", data, size);
    view_constraints(constraints, &after);
    if (status != LM_OK) {
        check_failure(status, constraints);
        require(same_view(&before, &after), "a failed constraints load changed them", NULL);
    } else {
        check_loaded(&after, before.count, size);
        constraints_round_trip(&after, before.count);
    }
    free(before.list);
    free(after.list);
    lm_constraints_free(constraints);
}

/* The campaign fuzzes each reader alone (tests/fuzz/meson.build builds this
 * file once per part), so that each gets the whole budget; the replay runs
 * every part over every corpus. */
#ifndef FUZZ_CSV_PART
/* 0 every reader, 1 participants and venues, 2 taxonomy, 3 groups, 4 constraints */
#define FUZZ_CSV_PART 0
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
    if (FUZZ_CSV_PART == 0 || FUZZ_CSV_PART == 4)
        constraints(text, size);
    return 0;
}
