/* Pair scores without allocation (pairs_internal.h). Loading the first
 * member scatters its vectors over dense per-topic arrays, so scoring a
 * partner walks only the partner's non-zero entries, read from one compact
 * array in pool order (scoring is bound by memory access, not arithmetic). */
#include <string.h>

#include "pairs/pairs_internal.h"
#include "engine/objective_internal.h"

int lm__pair_profiles_build(const lm_pool *pool, lm_pair_profiles *out)
{
    memset(out, 0, sizeof *out);
    size_t n = pool->count, values = 0;
    for (size_t p = 0; p < n; p++)
        values += (size_t)pool->people[p].length[0] + pool->people[p].length[1] +
                  pool->people[p].length[2];
    if (values > UINT32_MAX)
        return LM_E_TOO_LARGE;
    out->people = lm__malloc((n ? n : 1) * sizeof *out->people);
    out->values = lm__malloc((values ? values : 1) * sizeof *out->values);
    if (!out->people || !out->values) {
        lm__pair_profiles_free(out);
        return LM_E_NOMEM;
    }
    size_t next = 0;
    for (size_t p = 0; p < n; p++) {
        const lm_participant *person = &pool->people[p];
        lm_pair_profile *profile = &out->people[p];
        profile->start = (uint32_t)next;
        profile->host = person->host;
        for (int v = 0; v < 3; v++) {
            size_t length;
            const lm_entry *e = lm__vec(person, v, &length);
            double norm = lm__norm(e, length), inverse = norm > 0.0 ? 1.0 / norm : 0.0;
            profile->length[v] = (uint16_t)length;
            if (v == LM_INTERESTS)
                profile->inverse_x = inverse;
            /* x raw (theme needs levels), o and w as unit vectors */
            for (size_t k = 0; k < length; k++)
                out->values[next++] = (lm_pair_value){
                    v == LM_INTERESTS ? e[k].value : e[k].value * inverse, e[k].topic};
        }
    }
    return LM_OK;
}

void lm__pair_profiles_free(lm_pair_profiles *profiles)
{
    lm__free(profiles->people);
    lm__free(profiles->values);
    profiles->people = NULL;
    profiles->values = NULL;
}

int lm__pair_scorer_init(lm_pair_scorer *s, const lm_pool *pool, const lm_weights *weights,
                         const lm_pair_profiles *profiles)
{
    size_t d = pool->taxonomy->topic_count;
    memset(s, 0, sizeof *s);
    s->weights = *weights;
    s->profiles = profiles;
    s->loaded = SIZE_MAX;
    s->x = lm__calloc(4 * (d ? d : 1), sizeof *s->x);
    if (!s->x)
        return LM_E_NOMEM;
    s->unit_x = s->x + d;
    s->unit_o = s->x + 2 * d;
    s->unit_w = s->x + 3 * d;
    return LM_OK;
}

void lm__pair_scorer_free(lm_pair_scorer *s)
{
    lm__free(s->x);
    s->x = NULL;
}

static void scatter(lm_pair_scorer *s, size_t a, bool set)
{
    const lm_pair_profile *p = &s->profiles->people[a];
    const lm_pair_value *value = s->profiles->values + p->start;
    for (size_t k = 0; k < p->length[0]; k++, value++) {
        s->x[value->topic] = set ? value->value : 0.0;
        s->unit_x[value->topic] = set ? value->value * p->inverse_x : 0.0;
    }
    for (size_t k = 0; k < p->length[1]; k++, value++)
        s->unit_o[value->topic] = set ? value->value : 0.0;
    for (size_t k = 0; k < p->length[2]; k++, value++)
        s->unit_w[value->topic] = set ? value->value : 0.0;
}

void lm__pair_scorer_load(lm_pair_scorer *s, size_t a)
{
    if (s->loaded == a)
        return;
    if (s->loaded != SIZE_MAX)
        scatter(s, s->loaded, false);
    scatter(s, a, true);
    s->loaded = a;
    s->max_x = 0.0;
    const lm_pair_profile *p = &s->profiles->people[a];
    for (size_t k = 0; k < p->length[0]; k++)
        if (s->profiles->values[p->start + k].value > s->max_x)
            s->max_x = s->profiles->values[p->start + k].value;
}

double lm__pair_scorer_score(const lm_pair_scorer *s, size_t b)
{
    const lm_pair_profile *p = &s->profiles->people[b];
    const lm_pair_value *value = s->profiles->values + p->start;
    /* theme: x_b >= 0, so topics outside b's support add nothing beyond
     * max_x, the loaded member's own best level */
    double theme = s->max_x, cosine = 0.0;
    for (size_t k = 0; k < p->length[0]; k++, value++) {
        double sum = s->x[value->topic] + value->value;
        if (sum > theme)
            theme = sum;
        cosine += s->unit_x[value->topic] * value->value;
    }
    cosine *= p->inverse_x;
    double b_teaches = 0.0, a_teaches = 0.0;
    for (size_t k = 0; k < p->length[1]; k++, value++)
        b_teaches += s->unit_w[value->topic] * value->value;
    for (size_t k = 0; k < p->length[2]; k++, value++)
        a_teaches += s->unit_o[value->topic] * value->value;
    double exchange = 2.0 * (a_teaches < b_teaches ? a_teaches : b_teaches);
    bool cohost = s->profiles->people[s->loaded].host && p->host;
    return lm__weighted_score(&s->weights, theme, 2.0 * cosine, exchange, cohost ? 1.0 : 0.0,
                              0.0);
}
