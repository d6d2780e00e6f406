/* Schedules of the social golfer problem built from designs, where a
 * general rule of design theory gives w rounds without any repeat; the
 * search (golfer.c, rounds_search.c) does the rest. Two rules:
 *
 * 1. Transversal design over a finite field. When g = q is a prime power
 *    and s <= q, the players are s columns of q (column c, row y), and in
 *    round r in GF(q) group i in GF(q) is {(c, i + e_c r)}: two players of
 *    different columns meet in exactly one round (r is the quotient of
 *    their differences). That is q rounds; when s divides q the columns
 *    then play among themselves: the same rule again for q / s groups of s
 *    inside every column at once (or one round, when q = s). 9-3-13, 8-4-9,
 *    4-4-5, 5-5-6 come from it.
 * 2. A cyclic design with a point at infinity. When s - 1 divides
 *    g s - 1, let m = (g s - 1) / (s - 1): the players are s - 1 levels of
 *    Z_m and a point oo, and one base round is searched whose m
 *    translates (x -> x + t on every level, oo fixed) are the rounds. Its
 *    group {oo, (0, l) for every level} covers difference 0 between the
 *    levels; every other pair of the base round must cover a difference
 *    (level, level', d) no other pair covers (d and -d within one level):
 *    then two players meet in exactly one translate. The base round is
 *    found by backtracking under a node budget, first with a symmetry
 *    assumed (the base round closed under (l, x) -> (l + 1, u x) for a
 *    multiplier u with u^(s-1) = 1 mod m, which shrinks the search), then
 *    without. 10-4-13, 5-3-7, 4-2-7, 6-2-11 come from it.
 *
 * Both are rules, not tables: they apply to every g, s they fit, and say
 * no when they do not. */
#include <string.h>

#include "rounds/rounds_internal.h"

/* ---- rule 1: a transversal design over GF(q) -------------------------- */

typedef struct field {
    uint32_t p, k, q;
    uint32_t poly[16]; /* the modulus, monic, degree k: poly[0 .. k - 1] */
} field;

static uint32_t digit(uint32_t a, uint32_t p, uint32_t i)
{
    while (i--)
        a /= p;
    return a % p;
}

static uint32_t field_add(const field *f, uint32_t a, uint32_t b)
{
    uint32_t out = 0, scale = 1;
    for (uint32_t i = 0; i < f->k; i++, scale *= f->p)
        out += ((digit(a, f->p, i) + digit(b, f->p, i)) % f->p) * scale;
    return out;
}

/* a b mod (the modulus), polynomials over GF(p) written base p */
static uint32_t field_mul(const field *f, uint32_t a, uint32_t b)
{
    uint32_t product[32] = {0}, p = f->p, k = f->k;
    for (uint32_t i = 0; i < k; i++)
        for (uint32_t j = 0; j < k; j++)
            product[i + j] = (product[i + j] + digit(a, p, i) * digit(b, p, j)) % p;
    for (uint32_t d = 2 * k - 2; d >= k && d < 32; d--) { /* x^k = -(poly) */
        uint32_t top = product[d];
        product[d] = 0;
        for (uint32_t i = 0; i < k && top; i++)
            product[d - k + i] = (product[d - k + i] + (p - f->poly[i]) * top) % p;
    }
    uint32_t out = 0, scale = 1;
    for (uint32_t i = 0; i < k; i++, scale *= p)
        out += product[i] * scale;
    return out;
}

/* Does a monic polynomial of degree d (coefficients `c` base p, below
 * x^d) divide the modulus? */
static bool divides(const field *f, uint32_t d, uint32_t c)
{
    uint32_t rest[17], p = f->p, k = f->k;
    for (uint32_t i = 0; i < k; i++)
        rest[i] = f->poly[i];
    rest[k] = 1;
    for (uint32_t top = k; top >= d && top <= k; top--) {
        uint32_t lead = rest[top];
        for (uint32_t i = 0; i <= d && lead; i++) {
            uint32_t coefficient = i == d ? 1 : digit(c, p, i);
            rest[top - d + i] = (rest[top - d + i] + (p - coefficient) * lead) % p;
        }
    }
    for (uint32_t i = 0; i < d; i++)
        if (rest[i])
            return false;
    return true;
}

/* GF(q) when q is a prime power (an irreducible modulus found by trial
 * division); false otherwise. */
static bool field_init(field *f, uint32_t q)
{
    memset(f, 0, sizeof *f);
    uint32_t p = 2;
    while (p <= q && q % p)
        p++;
    if (q < 2 || p > q)
        return false;
    uint32_t k = 0, rest = q;
    while (rest % p == 0) {
        rest /= p;
        k++;
    }
    if (rest != 1 || k > 15)
        return false;
    f->p = p;
    f->k = k;
    f->q = q;
    for (uint32_t c = 0; c < q; c++) { /* candidate moduli x^k + c */
        for (uint32_t i = 0; i < k; i++)
            f->poly[i] = digit(c, p, i);
        bool irreducible = true;
        for (uint32_t d = 1; d <= k / 2 && irreducible; d++) {
            uint32_t count = 1;
            for (uint32_t i = 0; i < d; i++)
                count *= p;
            for (uint32_t other = 0; other < count && irreducible; other++)
                irreducible = !divides(f, d, other);
        }
        if (irreducible)
            return true;
    }
    return false;
}

static uint32_t design_rounds(uint32_t g, uint32_t s, uint32_t depth);

/* How many rounds rule 1 gives for g groups of s (0: it does not apply). */
static uint32_t transversal_rounds(uint32_t g, uint32_t s, uint32_t depth)
{
    field f;
    if (s < 2 || s > g || depth > 8 || !field_init(&f, g))
        return 0;
    if (g % s)
        return g;
    uint32_t inner = g == s ? 1 : design_rounds(g / s, s, depth + 1);
    return g + (inner > 1 ? inner : 1); /* one round: each column cut in order */
}

static bool design_fill(uint32_t g, uint32_t s, uint32_t w, uint64_t budget, uint32_t *out,
                        uint32_t depth);

static bool transversal_fill(uint32_t g, uint32_t s, uint32_t w, uint64_t budget, uint32_t *out,
                             uint32_t depth)
{
    field f;
    if (!field_init(&f, g))
        return false;
    uint32_t q = g, n = g * s, across = w < q ? w : q;
    for (uint32_t r = 0; r < across; r++)
        for (uint32_t c = 0; c < s; c++) {
            uint32_t slope = field_mul(&f, c, r);
            for (uint32_t i = 0; i < q; i++) /* player (c, i + c r) in group i */
                out[(size_t)r * n + i * s + c] = c * q + field_add(&f, i, slope);
        }
    if (w <= q)
        return true;
    uint32_t inner = w - q, sub = q / s; /* the columns among themselves */
    if (inner > 1 && sub == 1)
        return false;
    uint32_t *within = lm__malloc((size_t)inner * q * sizeof *within);
    bool ok = within != NULL;
    if (ok && inner == 1) {
        for (uint32_t y = 0; y < q; y++)
            within[y] = y; /* one round: the column cut in order */
    } else if (ok)
        ok = design_fill(sub, s, inner, budget, within, depth + 1);
    for (uint32_t r = 0; ok && r < inner; r++)
        for (uint32_t c = 0; c < s; c++)
            for (uint32_t k = 0; k < q; k++) /* group j of the column: slots j s .. */
                out[(size_t)(q + r) * n + c * q + k] = c * q + within[(size_t)r * q + k];
    lm__free(within);
    return ok;
}

/* ---- rule 2: a cyclic design with a point at infinity ------------------ */

typedef struct cyclic {
    uint32_t g, s, levels, m, n, multiplier; /* multiplier 0: no symmetry */
    uint8_t *used;      /* [point] */
    uint8_t *difference; /* [(i levels + j) m + d], i <= j */
    uint32_t *free;     /* the points to place, x-major */
    uint32_t *blocks;   /* the base round's groups but the first, s each */
    uint32_t placed;    /* blocks complete */
    uint64_t nodes, budget;
} cyclic;

/* The differences a pair covers (0, 1 or 2 of them, into key[]); -1 when
 * the pair may not be in one group (same level, difference 0 or m / 2). */
static int pair_keys(const cyclic *c, uint32_t a, uint32_t b, uint32_t key[2])
{
    uint32_t i = a / c->m, x = a % c->m, j = b / c->m, y = b % c->m, m = c->m;
    if (i == j) {
        uint32_t d = (y + m - x) % m;
        if (d == 0 || 2 * d == m)
            return -1;
        key[0] = (i * c->levels + i) * m + d;
        key[1] = (i * c->levels + i) * m + (m - d);
        return 2;
    }
    if (i > j) {
        uint32_t t = i;
        i = j;
        j = t;
        t = x;
        x = y;
        y = t;
    }
    key[0] = (i * c->levels + j) * m + (y + m - x) % m;
    return 1;
}

#define CYCLIC_SIZE_MAX 16   /* group size: the keys of one member fit a frame */
#define CYCLIC_PEOPLE_MAX 1024

/* Marks a group's differences (sign > 0), false and nothing changed when
 * one is taken, repeats inside the group or the group may not be; or
 * unmarks them (sign < 0). */
static bool mark_group(cyclic *c, const uint32_t *group, uint32_t size, int sign)
{
    uint32_t key[CYCLIC_SIZE_MAX * CYCLIC_SIZE_MAX], keys = 0;
    for (uint32_t i = 0; i < size; i++)
        for (uint32_t j = i + 1; j < size; j++) {
            uint32_t pair[2];
            int count = pair_keys(c, group[i], group[j], pair);
            if (count < 0)
                return false;
            for (int k = 0; k < count; k++) {
                if (sign > 0 && c->difference[pair[k]])
                    return false;
                for (uint32_t e = 0; e < keys && sign > 0; e++)
                    if (key[e] == pair[k])
                        return false;
                key[keys++] = pair[k];
            }
        }
    for (uint32_t e = 0; e < keys; e++)
        c->difference[key[e]] = sign > 0;
    return true;
}

static uint32_t image(const cyclic *c, uint32_t point)
{
    uint32_t l = point / c->m, x = point % c->m;
    return ((l + 1) % c->levels) * c->m + (uint32_t)(((uint64_t)c->multiplier * x) % c->m);
}

/* Removes groups from .. from + count: their points and differences. */
static void unplace(cyclic *c, uint32_t from, uint32_t count)
{
    for (uint32_t b = from; b < from + count; b++) {
        const uint32_t *group = c->blocks + (size_t)b * c->s;
        for (uint32_t k = 0; k < c->s; k++)
            c->used[group[k]] = 0;
        mark_group(c, group, c->s, -1);
    }
}

/* The images of group `placed` (complete, marked) under the symmetry, as
 * the groups after it, until the orbit closes; *count gets the orbit's
 * size. False (the images removed again) when they clash. */
static bool place_orbit(cyclic *c, uint32_t *count)
{
    uint32_t s = c->s, *first = c->blocks + (size_t)c->placed * s;
    *count = 1;
    while (c->multiplier) {
        const uint32_t *last = first + (size_t)(*count - 1) * s;
        uint32_t *next = first + (size_t)*count * s;
        bool same = true, clash = false;
        for (uint32_t k = 0; k < s; k++) {
            uint32_t point = image(c, last[k]);
            bool in_first = false;
            for (uint32_t j = 0; j < s; j++)
                in_first |= first[j] == point;
            same &= in_first;
            clash |= c->used[point] != 0;
            if (c->placed + *count < c->g - 1)
                next[k] = point;
        }
        if (same)
            return true; /* the orbit closed */
        if (clash || c->placed + *count >= c->g - 1 || !mark_group(c, next, s, 1)) {
            unplace(c, c->placed + 1, *count - 1);
            return false;
        }
        for (uint32_t k = 0; k < s; k++)
            c->used[next[k]] = 1;
        (*count)++;
    }
    return true;
}

/* Fills group `placed` from member `at` on, its members taken from free[from ..];
 * true when the base round is complete. */
static bool extend(cyclic *c, uint32_t at, uint32_t from)
{
    if (++c->nodes > c->budget)
        return false;
    uint32_t s = c->s, *group = c->blocks + (size_t)c->placed * s;
    if (at == s) {
        uint32_t count, start = c->placed;
        if (!place_orbit(c, &count))
            return false;
        c->placed += count;
        if (c->placed == c->g - 1 || extend(c, 0, 0))
            return true;
        c->placed = start;
        unplace(c, start + 1, count - 1);
        return false;
    }
    uint32_t total = c->levels * (c->m - 1);
    for (uint32_t k = from; k < total; k++) {
        uint32_t point = c->free[k];
        if (c->used[point])
            continue;
        group[at] = point;
        uint32_t key[2 * CYCLIC_SIZE_MAX], keys = 0;
        bool ok = true;
        for (uint32_t j = 0; j < at && ok; j++) {
            uint32_t pair[2];
            int count = pair_keys(c, group[j], point, pair);
            ok = count > 0;
            for (int q = 0; q < count && ok; q++) {
                ok = !c->difference[pair[q]];
                for (uint32_t e = 0; e < keys && ok; e++)
                    ok = key[e] != pair[q];
                key[keys++] = pair[q];
            }
        }
        if (ok) {
            for (uint32_t e = 0; e < keys; e++)
                c->difference[key[e]] = 1;
            c->used[point] = 1;
            if (extend(c, at + 1, k + 1))
                return true;
            c->used[point] = 0;
            for (uint32_t e = 0; e < keys; e++)
                c->difference[key[e]] = 0;
        }
        if (at == 0 || c->nodes > c->budget)
            break; /* a group starts with the first free point */
    }
    return false;
}

static uint32_t cyclic_rounds(uint32_t g, uint32_t s)
{
    uint32_t n = g * s;
    return s >= 2 && s <= CYCLIC_SIZE_MAX && g >= 2 && n <= CYCLIC_PEOPLE_MAX &&
                   (n - 1) % (s - 1) == 0
               ? (n - 1) / (s - 1)
               : 0;
}

/* One attempt with the given multiplier (0: no symmetry). */
static bool cyclic_try(cyclic *c, uint32_t multiplier)
{
    uint32_t L = c->levels, m = c->m, oo[CYCLIC_SIZE_MAX];
    memset(c->used, 0, c->n);
    memset(c->difference, 0, (size_t)L * L * m);
    for (uint32_t l = 0; l < L; l++) {
        oo[l] = l * m;
        c->used[l * m] = 1;
    }
    c->multiplier = multiplier;
    c->placed = 0;
    c->nodes = 0;
    return mark_group(c, oo, L, 1) && extend(c, 0, 0);
}

static bool cyclic_fill(uint32_t g, uint32_t s, uint32_t w, uint64_t budget, uint32_t *out)
{
    uint32_t L = s - 1, m = cyclic_rounds(g, s), n = g * s;
    cyclic c = {g, s, L, m, n, 0, lm__calloc(n, 1), lm__calloc((size_t)L * L * m, 1),
                lm__malloc((size_t)n * sizeof(uint32_t)),
                lm__malloc((size_t)n * sizeof(uint32_t)), 0, 0, budget};
    bool found = false;
    if (c.used && c.difference && c.free && c.blocks) {
        uint32_t k = 0;
        for (uint32_t x = 1; x < m; x++)
            for (uint32_t l = 0; l < L; l++)
                c.free[k++] = l * m + x;
        /* multipliers u with u^L = 1 (mod m), largest first, then none */
        for (uint32_t u = m - 1; u >= 1 && !found; u--) {
            uint64_t power = 1;
            for (uint32_t i = 0; i < L; i++)
                power = power * u % m;
            if (power == 1 % m)
                found = cyclic_try(&c, u);
        }
        if (!found)
            found = cyclic_try(&c, 0);
    }
    for (uint32_t r = 0; found && r < w; r++) { /* translate t = r */
        uint32_t *round = out + (size_t)r * n;
        for (uint32_t l = 0; l < L; l++)
            round[l] = l * m + r;
        round[L] = n - 1; /* oo */
        for (uint32_t b = 0; b < g - 1; b++)
            for (uint32_t k = 0; k < s; k++) {
                uint32_t point = c.blocks[(size_t)b * s + k];
                round[(b + 1) * s + k] = point / m * m + (point % m + r) % m;
            }
    }
    lm__free(c.used);
    lm__free(c.difference);
    lm__free(c.free);
    lm__free(c.blocks);
    return found;
}

/* ---- either rule -------------------------------------------------------- */

static uint32_t design_rounds(uint32_t g, uint32_t s, uint32_t depth)
{
    uint32_t across = transversal_rounds(g, s, depth), cycle = cyclic_rounds(g, s);
    return across > cycle ? across : cycle;
}

static bool design_fill(uint32_t g, uint32_t s, uint32_t w, uint64_t budget, uint32_t *out,
                        uint32_t depth)
{
    if (w <= transversal_rounds(g, s, depth) && transversal_fill(g, s, w, budget, out, depth))
        return true;
    return w <= cyclic_rounds(g, s) && cyclic_fill(g, s, w, budget, out);
}

bool lm__golfer_design(uint32_t groups, uint32_t size, uint32_t rounds, uint64_t budget,
                       uint32_t *out)
{
    return groups >= 1 && size >= 2 && design_fill(groups, size, rounds, budget, out, 0);
}
