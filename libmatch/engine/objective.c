/* The objective of DESIGN.md ("The objective (the contract for scores; v1)"),
 * computed directly from a member list. Every score the library reports goes
 * through here, members in ascending index order, so equal groups always get
 * equal bytes. The incremental scorers of the solvers share its norm and its
 * weighting of the terms. */
#include <math.h>
#include <string.h>

#include "engine/objective_internal.h"

double lm__norm(const lm_entry *entries, size_t length)
{
    double sum = 0.0;
    for (size_t k = 0; k < length; k++)
        sum += entries[k].value * entries[k].value;
    return sqrt(sum);
}

/* dense += unit(v) */
static void add_unit(double *dense, const lm_participant *p, int vector)
{
    size_t length;
    const lm_entry *entries = lm__vec(p, vector, &length);
    double n = lm__norm(entries, length);
    if (n == 0.0)
        return;
    for (size_t k = 0; k < length; k++)
        dense[entries[k].topic] += entries[k].value / n;
}

double lm__dot(const double *a, const double *b, size_t d)
{
    double sum = 0.0;
    for (size_t t = 0; t < d; t++)
        sum += a[t] * b[t];
    return sum;
}

int lm__group_score(const lm_pool *pool, const lm_weights *weights, const size_t *members,
                    size_t k, lm_group_score *out)
{
    size_t d = pool->taxonomy->topic_count;
    memset(out, 0, sizeof *out);
    out->cohost[0] = out->cohost[1] = -1;
    /* x sums, unit(x) sums, unit(o) and unit(w) sums per role */
    double *work = lm__calloc(6 * (d ? d : 1), sizeof *work);
    if (!work)
        return LM_E_NOMEM;
    double *sum_x = work, *sum_ux = work + d;
    double *offers[2] = {work + 2 * d, work + 3 * d};
    double *wants[2] = {work + 4 * d, work + 5 * d};
    size_t count[2] = {0, 0};
    double unit_norms = 0.0; /* sum of |unit(x_i)|^2: 1 per non-zero x */
    for (size_t m = 0; m < k; m++) {
        const lm_participant *p = &pool->people[members[m]];
        size_t length;
        const lm_entry *x = lm__vec(p, LM_INTERESTS, &length);
        for (size_t e = 0; e < length; e++)
            sum_x[x[e].topic] += x[e].value;
        if (lm__norm(x, length) > 0.0)
            unit_norms += 1.0;
        add_unit(sum_ux, p, LM_INTERESTS);
        add_unit(offers[p->role], p, LM_OFFERS);
        add_unit(wants[p->role], p, LM_WANTS);
        count[p->role]++;
    }

    size_t theme = 0;
    for (size_t t = 1; t < d; t++)
        if (sum_x[t] > sum_x[theme])
            theme = t;
    out->theme = theme;
    out->terms[LM_TERM_THEME] = d ? sum_x[theme] : 0.0;

    if (k > 1)
        out->terms[LM_TERM_SHARED] = (lm__dot(sum_ux, sum_ux, d) - unit_norms) / (double)(k - 1);

    if (count[LM_NEWCOMER] && count[LM_RESIDENT]) {
        double pairs = (double)count[LM_NEWCOMER] * (double)count[LM_RESIDENT];
        double newcomers_teach = lm__dot(offers[LM_NEWCOMER], wants[LM_RESIDENT], d);
        double residents_teach = lm__dot(offers[LM_RESIDENT], wants[LM_NEWCOMER], d);
        double weaker = newcomers_teach < residents_teach ? newcomers_teach : residents_teach;
        out->terms[LM_TERM_EXCHANGE] = (double)k * (weaker / pairs);
    }

    /* Co-hosts: the willing host of each role with the highest x[theme];
     * members arrive in ascending index order, so strict > keeps the lowest. */
    double best[2] = {-1.0, -1.0};
    for (size_t m = 0; m < k; m++) {
        const lm_participant *p = &pool->people[members[m]];
        if (!p->host)
            continue;
        double level = lm_pool_value(pool, members[m], LM_INTERESTS, theme);
        if (level > best[p->role]) {
            best[p->role] = level;
            out->cohost[p->role] = (int64_t)members[m];
        }
    }
    out->terms[LM_TERM_COHOST] =
        (out->cohost[LM_NEWCOMER] >= 0 && out->cohost[LM_RESIDENT] >= 0) ? 1.0 : 0.0;

    double difference = (double)count[LM_NEWCOMER] - (double)count[LM_RESIDENT];
    out->terms[LM_TERM_BALANCE] = difference * difference;

    out->terms[LM_TERM_TOTAL] =
        lm__weighted_score(weights, out->terms[LM_TERM_THEME], out->terms[LM_TERM_SHARED],
                           out->terms[LM_TERM_EXCHANGE], out->terms[LM_TERM_COHOST],
                           out->terms[LM_TERM_BALANCE]);
    lm__free(work);
    return LM_OK;
}

double lm__weighted_score(const lm_weights *weights, double theme, double shared,
                          double exchange, double cohost, double balance)
{
    return weights->theme * theme + weights->shared * shared + weights->exchange * exchange +
           weights->cohost * cohost - weights->balance * balance;
}

double lm__weighted_total(const lm_weights *weights, double group_scores, size_t unassigned)
{
    return group_scores - weights->unassigned * (double)unassigned;
}
