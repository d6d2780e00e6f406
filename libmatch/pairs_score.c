/* Pair scores without allocation (pairs_internal.h). Loading the first
 * member scatters its vectors over dense per-topic arrays, so scoring a
 * partner walks only the partner's non-zero entries. */
#include <math.h>
#include <string.h>

#include "pairs_internal.h"

int lm__pair_inverse_norms(const lm_pool *pool, double **inverse_norm)
{
    size_t n = pool->count;
    double *out = lm__malloc((n ? n : 1) * 3 * sizeof *out);
    *inverse_norm = out;
    if (!out)
        return LM_E_NOMEM;
    for (size_t p = 0; p < n; p++)
        for (int v = 0; v < 3; v++) {
            size_t length;
            const lm_entry *e = lm__vec(&pool->people[p], v, &length);
            double sum = 0.0;
            for (size_t k = 0; k < length; k++)
                sum += e[k].value * e[k].value;
            out[3 * p + (size_t)v] = sum > 0.0 ? 1.0 / sqrt(sum) : 0.0;
        }
    return LM_OK;
}

int lm__pair_scorer_init(lm_pair_scorer *s, const lm_pool *pool, const lm_weights *weights,
                         const double *inverse_norm)
{
    size_t d = pool->taxonomy->topic_count;
    memset(s, 0, sizeof *s);
    s->pool = pool;
    s->weights = *weights;
    s->inverse_norm = inverse_norm;
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
    const lm_participant *p = &s->pool->people[a];
    const double *inverse = s->inverse_norm + 3 * a;
    size_t length;
    const lm_entry *e = lm__vec(p, LM_INTERESTS, &length);
    for (size_t k = 0; k < length; k++) {
        s->x[e[k].topic] = set ? e[k].value : 0.0;
        s->unit_x[e[k].topic] = set ? e[k].value * inverse[0] : 0.0;
    }
    e = lm__vec(p, LM_OFFERS, &length);
    for (size_t k = 0; k < length; k++)
        s->unit_o[e[k].topic] = set ? e[k].value * inverse[1] : 0.0;
    e = lm__vec(p, LM_WANTS, &length);
    for (size_t k = 0; k < length; k++)
        s->unit_w[e[k].topic] = set ? e[k].value * inverse[2] : 0.0;
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
    size_t length;
    const lm_entry *e = lm__vec(&s->pool->people[a], LM_INTERESTS, &length);
    for (size_t k = 0; k < length; k++)
        if (e[k].value > s->max_x)
            s->max_x = e[k].value;
}

double lm__pair_scorer_score(const lm_pair_scorer *s, size_t b)
{
    const lm_participant *p = &s->pool->people[b];
    const double *inverse = s->inverse_norm + 3 * b;
    size_t length;
    /* theme: x_b >= 0, so topics outside b's support add nothing beyond
     * max_x, the loaded member's own best level */
    const lm_entry *e = lm__vec(p, LM_INTERESTS, &length);
    double theme = s->max_x, cosine = 0.0;
    for (size_t k = 0; k < length; k++) {
        double sum = s->x[e[k].topic] + e[k].value;
        if (sum > theme)
            theme = sum;
        cosine += s->unit_x[e[k].topic] * e[k].value;
    }
    cosine *= inverse[0];
    e = lm__vec(p, LM_WANTS, &length);
    double a_teaches = 0.0;
    for (size_t k = 0; k < length; k++)
        a_teaches += s->unit_o[e[k].topic] * e[k].value;
    a_teaches *= inverse[2];
    e = lm__vec(p, LM_OFFERS, &length);
    double b_teaches = 0.0;
    for (size_t k = 0; k < length; k++)
        b_teaches += s->unit_w[e[k].topic] * e[k].value;
    b_teaches *= inverse[1];
    double exchange = 2.0 * (a_teaches < b_teaches ? a_teaches : b_teaches);
    bool cohost = s->pool->people[s->loaded].host && p->host;
    return s->weights.theme * theme + s->weights.shared * 2.0 * cosine +
           s->weights.exchange * exchange + (cohost ? s->weights.cohost : 0.0);
}
