/* Coordinator constraints: together, apart, pin, exclude (lm_constraints).
 * Contradictions that need nothing but the constraints (together and apart
 * on one set, two pins of one person) are refused as they are added; those
 * that need the run (a set larger than the groups, a pin to a group the
 * keep file lacks) are checked by lm__constraints_check_run(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/constraints_internal.h"
#include "model/grouping_internal.h"
#include "model/model_internal.h"

/* Lines named in one message, at most: a set of hundreds is cut short. */
#define LINES_NAMED 8

static const char *const kind_names[] = {"together", "apart", "pin", "exclude"};

const char *lm_constraint_kind_name(lm_constraint_kind kind)
{
    return (unsigned)kind < 4 ? kind_names[kind] : NULL;
}

int lm_constraints_new(const lm_pool *pool, lm_constraints **out)
{
    if (!out)
        return LM_E_INVALID;
    *out = NULL;
    if (!pool)
        return LM_E_INVALID;
    if (pool->count >= UINT32_MAX)
        return LM_E_TOO_LARGE;
    lm_constraints *c = lm__calloc(1, sizeof *c);
    if (!c)
        return LM_E_NOMEM;
    lm__object_init(&c->base, LM_KIND_CONSTRAINTS);
    c->pool = pool;
    c->people = pool->count;
    *out = c;
    return LM_OK;
}

static void clear(lm_constraints *c)
{
    for (size_t f = 0; f < c->file_count; f++)
        lm__free(c->files[f]);
    lm__free(c->files);
    lm__free(c->list);
    lm__free(c->parent);
    lm__free(c->set_size);
    lm__free(c->apart);
    lm__free(c->excluded);
}

void lm_constraints_free(lm_constraints *c)
{
    if (!c)
        return;
    clear(c);
    lm__free(c);
}

size_t lm_constraints_count(const lm_constraints *c)
{
    return c ? c->count : 0;
}

int lm_constraints_get(const lm_constraints *c, size_t k, lm_constraint_kind *kind, size_t *a,
                       size_t *b, size_t *line)
{
    if (!c || k >= c->count)
        return LM_E_INVALID;
    if (kind)
        *kind = c->list[k].kind;
    if (a)
        *a = c->list[k].a;
    if (b)
        *b = c->list[k].b;
    if (line)
        *line = c->list[k].line;
    return LM_OK;
}

/* ---- lookups ----------------------------------------------------------------- */

uint32_t lm__constraints_root(const lm_constraints *c, size_t person)
{
    if (!c->parent || person >= c->people)
        return (uint32_t)person;
    uint32_t p = (uint32_t)person;
    while (c->parent[p] != p) /* union by size: depth at most log2 n */
        p = c->parent[p];
    return p;
}

uint32_t lm__constraints_set_size(const lm_constraints *c, size_t person)
{
    if (!c->parent || person >= c->people)
        return 1;
    return c->set_size[lm__constraints_root(c, person)];
}

static int compare_apart(const void *x, const void *y)
{
    const lm_apart_pair *a = x, *b = y;
    if (a->person != b->person)
        return (a->person > b->person) - (a->person < b->person);
    return (a->other > b->other) - (a->other < b->other);
}

/* The first apart entry not before (person, other). */
static size_t apart_lower(const lm_constraints *c, uint32_t person, uint32_t other)
{
    size_t lo = 0, hi = c->apart_count;
    lm_apart_pair key = {person, other};
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (compare_apart(&c->apart[mid], &key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t lm__constraints_apart_of(const lm_constraints *c, size_t person, size_t *first)
{
    *first = 0;
    if (!c->apart_count || person >= c->people)
        return 0;
    size_t from = apart_lower(c, (uint32_t)person, 0);
    size_t to = from;
    while (to < c->apart_count && c->apart[to].person == person)
        to++;
    *first = from;
    return to - from;
}

bool lm__constraints_is_apart(const lm_constraints *c, size_t a, size_t b)
{
    if (!c->apart_count || a >= c->people || b >= c->people)
        return false;
    size_t at = apart_lower(c, (uint32_t)a, (uint32_t)b);
    return at < c->apart_count && c->apart[at].person == a && c->apart[at].other == b;
}

bool lm__constraints_out(const lm_constraints *c, size_t person)
{
    if (!c->excluded || person >= c->people)
        return false;
    return c->excluded[lm__constraints_root(c, person)] != 0;
}

bool lm__constraints_pin(const lm_constraints *c, size_t person, uint64_t *group)
{
    for (size_t k = 0; c->pin_count && k < c->count; k++)
        if (c->list[k].kind == LM_CONSTRAINT_PIN && c->list[k].a == person) {
            *group = c->list[k].b;
            return true;
        }
    return false;
}

/* ---- messages -------------------------------------------------------------------- */

static const char *id_of(const lm_constraints *c, size_t person)
{
    return c->pool->people[person].id;
}

/* Appends the constraint's line (or "one added by hand") to text. */
static void put_line(char *text, size_t size, const lm_constraint *k)
{
    size_t used = strlen(text);
    if (used + 1 >= size)
        return;
    if (k->line)
        snprintf(text + used, size - used, "%s%zu", used ? ", " : "", k->line);
    else
        snprintf(text + used, size - used, "%sone added by hand", used ? ", " : "");
}

/* The lines of the together constraints of the set rooted at root. */
static void set_lines(const lm_constraints *c, uint32_t root, char *text, size_t size)
{
    size_t named = 0, total = 0;
    text[0] = '\0';
    for (size_t k = 0; k < c->count; k++) {
        const lm_constraint *t = &c->list[k];
        if (t->kind != LM_CONSTRAINT_TOGETHER || lm__constraints_root(c, t->a) != root)
            continue;
        total++;
        if (named++ < LINES_NAMED)
            put_line(text, size, t);
    }
    if (total > LINES_NAMED) {
        size_t used = strlen(text);
        snprintf(text + used, size - used, " and %zu more", total - LINES_NAMED);
    }
}

int lm__constraints_file(lm_constraints *c, const char *name)
{
    char **grown = lm__reallocarray(c->files, c->file_count + 1, sizeof *grown);
    if (!grown)
        return LM_E_NOMEM;
    c->files = grown;
    c->files[c->file_count] = lm__strdup(name);
    if (!c->files[c->file_count])
        return LM_E_NOMEM;
    c->file_count++;
    return LM_OK;
}

const char *lm__constraint_origin(const lm_constraints *c, const lm_constraint *k, char *text,
                                  size_t size)
{
    if (k->line && k->file < c->file_count)
        snprintf(text, size, "%s line %zu", c->files[k->file], k->line);
    else if (k->line)
        snprintf(text, size, "line %zu", k->line);
    else
        snprintf(text, size, "a constraint added by hand");
    return text;
}

/* ---- adding -------------------------------------------------------------------------- */

static int ensure_sets(lm_constraints *c)
{
    if (c->parent)
        return LM_OK;
    size_t n = c->people ? c->people : 1;
    c->parent = lm__malloc(n * sizeof *c->parent);
    c->set_size = lm__malloc(n * sizeof *c->set_size);
    if (!c->parent || !c->set_size) {
        lm__free(c->parent);
        lm__free(c->set_size);
        c->parent = c->set_size = NULL;
        return LM_E_NOMEM;
    }
    for (size_t p = 0; p < c->people; p++) {
        c->parent[p] = (uint32_t)p;
        c->set_size[p] = 1;
    }
    return LM_OK;
}

/* The apart pair of constraint list[k] whose people are in the sets of
 * roots x and y, or -1. */
static long apart_across(const lm_constraints *c, uint32_t x, uint32_t y)
{
    for (size_t k = 0; k < c->count; k++) {
        const lm_constraint *a = &c->list[k];
        if (a->kind != LM_CONSTRAINT_APART)
            continue;
        uint32_t ra = lm__constraints_root(c, a->a), rb = lm__constraints_root(c, a->b);
        if ((ra == x && rb == y) || (ra == y && rb == x))
            return (long)k;
    }
    return -1;
}

static int insert_apart(lm_constraints *c, uint32_t a, uint32_t b)
{
    if (c->apart_count + 2 > c->apart_capacity) {
        size_t capacity = c->apart_capacity ? 2 * c->apart_capacity : 16;
        lm_apart_pair *grown = lm__reallocarray(c->apart, capacity, sizeof *grown);
        if (!grown)
            return LM_E_NOMEM;
        c->apart = grown;
        c->apart_capacity = capacity;
    }
    uint32_t pair[2][2] = {{a, b}, {b, a}};
    for (int d = 0; d < 2; d++) {
        size_t at = apart_lower(c, pair[d][0], pair[d][1]);
        if (at < c->apart_count && c->apart[at].person == pair[d][0] &&
            c->apart[at].other == pair[d][1])
            continue; /* said twice */
        memmove(c->apart + at + 1, c->apart + at, (c->apart_count - at) * sizeof *c->apart);
        c->apart[at] = (lm_apart_pair){pair[d][0], pair[d][1]};
        c->apart_count++;
    }
    return LM_OK;
}

static int push(lm_constraints *c, const lm_constraint *k)
{
    if (c->count == c->capacity) {
        size_t capacity = c->capacity ? 2 * c->capacity : 16;
        lm_constraint *grown = lm__reallocarray(c->list, capacity, sizeof *grown);
        if (!grown)
            return LM_E_NOMEM;
        c->list = grown;
        c->capacity = capacity;
    }
    c->list[c->count++] = *k;
    return LM_OK;
}

/* The effect of one constraint on the derived tables, after the checks. */
static int apply(lm_constraints *c, const lm_constraint *k)
{
    int status = LM_OK;
    switch (k->kind) {
    case LM_CONSTRAINT_TOGETHER: {
        status = ensure_sets(c);
        if (status != LM_OK)
            return status;
        uint32_t x = lm__constraints_root(c, k->a), y = lm__constraints_root(c, k->b);
        if (x == y)
            break;
        if (c->set_size[x] < c->set_size[y] || (c->set_size[x] == c->set_size[y] && y < x)) {
            uint32_t t = x;
            x = y;
            y = t;
        }
        c->parent[y] = x;
        c->set_size[x] += c->set_size[y];
        if (c->excluded && c->excluded[y])
            c->excluded[x] = 1;
        c->together_count++;
        break;
    }
    case LM_CONSTRAINT_APART:
        status = insert_apart(c, (uint32_t)k->a, (uint32_t)k->b);
        break;
    case LM_CONSTRAINT_PIN:
        c->pin_count++;
        break;
    case LM_CONSTRAINT_EXCLUDE:
        if (!c->excluded) {
            c->excluded = lm__calloc(c->people ? c->people : 1, 1);
            if (!c->excluded)
                return LM_E_NOMEM;
        }
        c->excluded[k->a] = 1;
        c->excluded[lm__constraints_root(c, k->a)] = 1;
        c->excluded_count++;
        break;
    }
    return status;
}

int lm__constraints_append(lm_constraints *c, lm_constraint_kind kind, size_t a, size_t b,
                           size_t line, lm_object *object)
{
    if ((unsigned)kind > LM_CONSTRAINT_EXCLUDE)
        return lm__fail(object, LM_E_INVALID, "unknown constraint kind %d", (int)kind);
    if (c->pool->count < c->people || a >= c->people ||
        ((kind == LM_CONSTRAINT_TOGETHER || kind == LM_CONSTRAINT_APART) && b >= c->people))
        return lm__fail(object, LM_E_INVALID, "participant index out of range");
    if (kind == LM_CONSTRAINT_EXCLUDE)
        b = 0;
    if ((kind == LM_CONSTRAINT_TOGETHER || kind == LM_CONSTRAINT_APART) && a == b)
        return lm__fail(object, LM_E_INVALID, "'%s' cannot be %s with themselves",
                        id_of(c, a), kind_names[kind]);
    lm_constraint k = {kind, a, b, line, c->file_count ? (uint32_t)(c->file_count - 1) : 0};
    char here[LM_ERRMSG_MAX / 2], there[LM_ERRMSG_MAX / 2], lines[256];
    lm__constraint_origin(c, &k, here, sizeof here);
    if (kind == LM_CONSTRAINT_APART && lm__constraints_root(c, a) == lm__constraints_root(c, b)) {
        set_lines(c, lm__constraints_root(c, a), lines, sizeof lines);
        return lm__fail(object, LM_E_INFEASIBLE,
                        "%s keeps '%s' and '%s' apart, but the together constraints on "
                        "line(s) %s put them in one group",
                        here, id_of(c, a), id_of(c, b), lines);
    }
    if (kind == LM_CONSTRAINT_TOGETHER) {
        uint32_t x = lm__constraints_root(c, a), y = lm__constraints_root(c, b);
        long clash = x != y && c->apart_count ? apart_across(c, x, y) : -1;
        if (clash >= 0) {
            const lm_constraint *ap = &c->list[clash];
            char joined[256];
            set_lines(c, x, lines, sizeof lines);
            set_lines(c, y, joined, sizeof joined);
            return lm__fail(object, LM_E_INFEASIBLE,
                            "%s puts '%s' and '%s' together (with the together line(s) %s%s%s), "
                            "but %s keeps '%s' and '%s' apart",
                            here, id_of(c, a), id_of(c, b), lines[0] ? lines : "none",
                            joined[0] ? ", " : "", joined,
                            lm__constraint_origin(c, ap, there, sizeof there),
                            id_of(c, ap->a), id_of(c, ap->b));
        }
    }
    if (kind == LM_CONSTRAINT_PIN) {
        for (size_t j = 0; j < c->count; j++) {
            const lm_constraint *p = &c->list[j];
            if (p->kind == LM_CONSTRAINT_PIN && p->a == a && p->b != b)
                return lm__fail(object, LM_E_INFEASIBLE,
                                "%s pins '%s' to group %zu, but %s pins them to group %zu", here,
                                id_of(c, a), b, lm__constraint_origin(c, p, there, sizeof there),
                                p->b);
        }
    }
    int status = push(c, &k);
    if (status == LM_OK) {
        status = apply(c, &k);
        if (status != LM_OK)
            c->count--; /* apply changes nothing when it fails */
    }
    if (status != LM_OK)
        return lm__fail(object, status, "out of memory");
    return LM_OK;
}

int lm_constraints_add(lm_constraints *c, lm_constraint_kind kind, size_t a, size_t b)
{
    if (!c)
        return LM_E_INVALID;
    int status = lm__constraints_append(c, kind, a, b, 0, &c->base);
    if (status == LM_OK)
        lm__clear_error(&c->base);
    return status;
}

int lm__constraints_truncate(lm_constraints *c, size_t count)
{
    if (count >= c->count)
        return LM_OK;
    c->count = count;
    /* union-find cannot split sets: build the tables again */
    lm__free(c->parent);
    lm__free(c->set_size);
    lm__free(c->excluded);
    c->parent = c->set_size = NULL;
    c->excluded = NULL;
    c->apart_count = c->excluded_count = c->together_count = c->pin_count = 0;
    int status = LM_OK;
    for (size_t k = 0; k < c->count && status == LM_OK; k++)
        status = apply(c, &c->list[k]);
    return status;
}

/* ---- a run ------------------------------------------------------------------------- */

int lm__constraints_check_run(const lm_constraints *c, const lm_pool *pool, int64_t max_size,
                              const lm_grouping *keep, lm_object *object)
{
    if (pool != c->pool || pool->count < c->people)
        return lm__fail(object, LM_E_INVALID,
                        "the constraints were made for another pool (or it lost participants)");
    char lines[256], here[LM_ERRMSG_MAX / 2];
    for (size_t p = 0; max_size > 0 && c->parent && p < c->people; p++)
        if (c->parent[p] == p && c->set_size[p] > (uint64_t)max_size) {
            set_lines(c, (uint32_t)p, lines, sizeof lines);
            return lm__fail(object, LM_E_INFEASIBLE,
                            "the together constraints on line(s) %s make a set of %u people "
                            "with '%s', more than the largest group (%lld)",
                            lines, c->set_size[p], id_of(c, p), (long long)max_size);
        }
    for (size_t k = 0; k < c->count; k++) {
        const lm_constraint *pin = &c->list[k];
        if (pin->kind != LM_CONSTRAINT_PIN)
            continue;
        bool found = false;
        for (size_t g = 0; keep && g < keep->group_count && !found; g++)
            found = lm_grouping_group_number(keep, g) == pin->b;
        if (!found)
            return lm__fail(object, LM_E_INFEASIBLE,
                            "%s pins '%s' to group %zu, but %s",
                            lm__constraint_origin(c, pin, here, sizeof here),
                            id_of(c, pin->a), pin->b,
                            keep ? "the keep file has no such group" : "there is no keep file");
    }
    return LM_OK;
}

int lm_constraints_check(lm_constraints *c, size_t max_size, const lm_grouping *keep)
{
    if (!c)
        return LM_E_INVALID;
    int64_t largest = max_size > INT64_MAX ? 0 : (int64_t)max_size;
    int status = lm__constraints_check_run(c, c->pool, largest, keep, &c->base);
    if (status == LM_OK)
        lm__clear_error(&c->base);
    return status;
}
