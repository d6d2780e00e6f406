/* Kin: for every person of a region, the few others most worth sharing a
 * group with (similar interests, help that can flow between them), among
 * those they could meet at all. The searches look first at the groups of a
 * person's kin: without them a person would see a handful of groups picked
 * by place or index, and people who belong together would rarely meet.
 *
 * Candidates come from buckets by a person's two strongest interests, each
 * bucket in Z-order of the homes: a person is scanned against the
 * KIN_SCAN members of each of their two buckets that live nearest along
 * the curve, so the cost is linear in the region's size. */
#include <stdlib.h>
#include <string.h>

#include "groups/groups_internal.h"

#define KIN_SCAN 48


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

int lm__gstate_kin(lm_gstate *s)
{
    uint32_t n = s->item_count, per = LM_KIN;
    lm__free(s->kin);
    s->kin = lm__malloc(((size_t)n * per + 1) * sizeof *s->kin);
    size_t topics = s->topics;
    uint32_t *start = lm__calloc(topics + 2, sizeof *start);
    uint32_t *bucket = lm__malloc(((size_t)2 * n + 1) * sizeof *bucket);
    long *tops = lm__malloc(((size_t)2 * n + 1) * sizeof *tops);
    uint32_t *position = lm__malloc(((size_t)2 * n + 1) * sizeof *position);
    int status = s->kin && start && bucket && tops && position ? LM_OK : LM_E_NOMEM;
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
    {
        uint32_t *fill = lm__malloc((topics + 1) * sizeof *fill);
        lm_keyed *sorted = lm__malloc(((size_t)2 * n + 1) * sizeof *sorted);
        if (!fill || !sorted) {
            lm__free(fill);
            lm__free(sorted);
            status = LM_E_NOMEM;
            goto done;
        }
        memcpy(fill, start, (topics + 1) * sizeof *fill);
        for (uint32_t i = 0; i < n; i++)
            for (int r = 0; r < 2; r++)
                if (tops[2 * i + r] >= 0) {
                    const lm_item *it = &s->items[i];
                    lm_keyed *p = &sorted[fill[tops[2 * i + r]]++];
                    /* Z-order of the home; unlocated people last */
                    p->key = it->located ? lm__z_key(it->lat, it->lon) : UINT64_MAX;
                    p->index = i;
                }
        for (size_t t = 0; t < topics; t++) {
            qsort(sorted + start[t], start[t + 1] - start[t], sizeof *sorted, lm__compare_keyed);
            for (uint32_t q = start[t]; q < start[t + 1]; q++) {
                bucket[q] = sorted[q].index;
                /* where the item stands in this bucket */
                uint32_t item = sorted[q].index;
                position[2 * item + (tops[2 * item] == (long)t ? 0 : 1)] = q - start[t];
            }
        }
        lm__free(fill);
        lm__free(sorted);
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t *kin = s->kin + (size_t)i * per;
        double best[LM_KIN];
        uint32_t found = 0;
        for (int r = 0; r < 2; r++) {
            long t = tops[2 * i + r];
            if (t < 0)
                continue;
            uint32_t first = start[t], length = start[t + 1] - start[t];
            if (length == 0)
                continue;
            /* the window of the bucket around the person, along the curve */
            uint32_t scan = length < KIN_SCAN + 1 ? length : KIN_SCAN + 1;
            uint32_t offset = (position[2 * i + r] + length - scan / 2) % length;
            for (uint32_t k = 0; k < scan; k++) {
                uint32_t j = bucket[first + (offset + k) % length];
                if (j == i || !lm__gstate_pair_compatible(s, i, j))
                    continue;
                bool seen = false;
                for (uint32_t q = 0; q < found && !seen; q++)
                    seen = kin[q] == j;
                if (seen)
                    continue;
                double value = affinity(&s->items[i], &s->items[j]);
                if (found == per && value <= best[per - 1])
                    continue;
                uint32_t at = found < per ? found++ : per - 1;
                while (at > 0 && best[at - 1] < value) {
                    best[at] = best[at - 1];
                    kin[at] = kin[at - 1];
                    at--;
                }
                best[at] = value;
                kin[at] = j;
            }
        }
        for (uint32_t q = found; q < per; q++)
            kin[q] = LM_NONE_ITEM;
    }
done:
    lm__free(start);
    lm__free(bucket);
    lm__free(tops);
    lm__free(position);
    return status;
}
