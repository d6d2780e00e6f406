/* Kin: for every person of a region, the few others most worth sharing a
 * group with (similar interests, help that can flow between them), among
 * those they could meet at all. The searches look first at the groups of a
 * person's kin: without them a person would see a handful of groups picked
 * by place or index, and people who belong together would rarely meet.
 *
 * Candidates come from buckets by a person's two strongest interests, each
 * bucket in the order of two Z-order curves of the homes (the second moved
 * by a few km, so that people a jump of one curve separates are near along
 * the other): a person is compared with the KIN_SCAN members of each bucket
 * who live nearest along each curve, so the cost is linear in the region's
 * size. */
#include <stdlib.h>
#include <string.h>

#include "groups/groups_internal.h"

/* People compared in each bucket along each curve. */
#define KIN_SCAN 32


/* The two strongest interests of an item (lowest topic on ties); -1 none. */
static void strongest(const lm_item *it, long top[2])
{
    double value[2] = {0.0, 0.0};
    top[0] = top[1] = -1;
    for (uint32_t k = 0; k < it->x.length; k++) {
        double v = it->x.entries[k].value;
        long t = it->x.entries[k].topic;
        if (v > value[0]) {
            value[1] = value[0];
            top[1] = top[0];
            value[0] = v;
            top[0] = t;
        } else if (v > value[1]) {
            value[1] = v;
            top[1] = t;
        }
    }
}

/* How much a and b gain from sharing a group: similar interests, and help
 * that can flow from one to the other when their roles differ. */
static double affinity(const lm_item *a, const lm_item *b)
{
    double value = lm__sparse_dot(a->ux, b->ux);
    if (a->role != b->role)
        value += 0.5 * (lm__sparse_dot(a->uo, b->uw) + lm__sparse_dot(b->uo, a->uw));
    else /* who offer and want alike serve the same partners */
        value += 0.25 * (lm__sparse_dot(a->uo, b->uo) + lm__sparse_dot(a->uw, b->uw));
    return value;
}

/* The second curve is the first moved by about 8 km: near people whom a
 * jump of one curve separates are near along the other. */
#define SHIFT_LAT 0.0731
#define SHIFT_LON 0.1173

static uint64_t curve_key(const lm_item *it, int curve)
{
    if (!it->located)
        return UINT64_MAX; /* unlocated people last */
    return curve ? lm__z_key(it->lat + SHIFT_LAT, it->lon + SHIFT_LON) : lm__z_key(it->lat, it->lon);
}

/* Considers j as a kin of i (kin and their affinities best first, found of
 * them so far). */
static void consider(const lm_gstate *s, uint32_t i, uint32_t j, uint32_t *kin, double *best,
                     uint32_t *found)
{
    if (j == i || !lm__gstate_pair_compatible(s, i, j))
        return;
    for (uint32_t q = 0; q < *found; q++)
        if (kin[q] == j)
            return;
    lm__top_keep(kin, best, found, LM_KIN, j, affinity(&s->items[i], &s->items[j]));
}

int lm__gstate_kin(lm_gstate *s)
{
    uint32_t n = s->item_count;
    lm__free(s->kin);
    s->kin = lm__malloc(((size_t)n * LM_KIN + 1) * sizeof *s->kin);
    size_t topics = s->topics;
    uint32_t *start = lm__calloc(topics + 2, sizeof *start);
    /* by curve: the buckets' items in curve order, and where each item
     * stands in its two buckets */
    uint32_t *bucket = lm__malloc(((size_t)4 * n + 1) * sizeof *bucket);
    uint32_t *position = lm__malloc(((size_t)4 * n + 1) * sizeof *position);
    long *tops = lm__malloc(((size_t)2 * n + 1) * sizeof *tops);
    uint32_t *fill = lm__malloc((topics + 1) * sizeof *fill);
    lm_keyed *sorted = lm__malloc(((size_t)2 * n + 1) * sizeof *sorted);
    int status = s->kin && start && bucket && tops && position && fill && sorted ? LM_OK
                                                                                 : LM_E_NOMEM;
    if (status != LM_OK)
        goto done;
    /* counting sort of (topic, item) for both strongest topics */
    for (uint32_t i = 0; i < n; i++) {
        strongest(&s->items[i], tops + 2 * (size_t)i);
        for (int r = 0; r < 2; r++)
            if (tops[2 * i + r] >= 0)
                start[tops[2 * i + r] + 1]++;
    }
    for (size_t t = 0; t < topics; t++)
        start[t + 1] += start[t];
    size_t entries = start[topics];
    for (int curve = 0; curve < 2; curve++) {
        memcpy(fill, start, (topics + 1) * sizeof *fill);
        for (uint32_t i = 0; i < n; i++)
            for (int r = 0; r < 2; r++)
                if (tops[2 * i + r] >= 0) {
                    lm_keyed *p = &sorted[fill[tops[2 * i + r]]++];
                    p->key = curve_key(&s->items[i], curve);
                    p->index = i;
                }
        for (size_t t = 0; t < topics; t++) {
            qsort(sorted + start[t], start[t + 1] - start[t], sizeof *sorted, lm__compare_keyed);
            for (uint32_t q = start[t]; q < start[t + 1]; q++) {
                uint32_t item = sorted[q].index;
                bucket[curve * entries + q] = item;
                position[(size_t)curve * 2 * n + 2 * item + (tops[2 * item] == (long)t ? 0 : 1)] =
                    q - start[t];
            }
        }
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t *kin = s->kin + (size_t)i * LM_KIN;
        double best[LM_KIN];
        uint32_t found = 0;
        for (int curve = 0; curve < 2; curve++)
            for (int r = 0; r < 2; r++) {
                long t = tops[2 * i + r];
                uint32_t first = t >= 0 ? start[t] : 0, length = t >= 0 ? start[t + 1] - start[t] : 0;
                if (length == 0)
                    continue;
                /* the window of the bucket around the person, along the curve */
                uint32_t scan = length < KIN_SCAN + 1 ? length : KIN_SCAN + 1;
                uint32_t at = position[(size_t)curve * 2 * n + 2 * i + r];
                uint32_t offset = (at + length - scan / 2) % length;
                for (uint32_t k = 0; k < scan; k++)
                    consider(s, i, bucket[curve * entries + first + (offset + k) % length], kin,
                             best, &found);
            }
        for (uint32_t q = found; q < LM_KIN; q++)
            kin[q] = LM_NONE_ITEM;
    }
done:
    lm__free(start);
    lm__free(bucket);
    lm__free(tops);
    lm__free(position);
    lm__free(fill);
    lm__free(sorted);
    return status;
}
