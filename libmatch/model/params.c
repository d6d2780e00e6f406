/* Run parameters, their defaults (DESIGN.md) and their validation. */
#include <math.h>

#include "model/params_internal.h"

void lm__params_defaults(struct lm_params *p)
{
    p->min_size = 4;
    p->max_size = 6;
    p->min_per_role = 2;
    p->language = true;
    p->seed = 1;
    p->threads = 1;
    p->effort = 20;
    p->candidates = 0;
    p->weights = (lm_weights){1.0, 1.0, 1.0, 1.0, 0.5, 10.0};
    p->default_max_km = 5.0;
    p->time_limit = 0.0;
    p->progress = NULL;
    p->progress_user = NULL;
    p->constraints = NULL;
    p->keep = NULL;
    p->reshuffle = false;
    p->history = NULL;
    p->repeat_weight = 10.0;
    p->repeat_decay = 1.0;
    p->no_repeats = false;
    p->repeat_direct = false;
}

int lm_params_new(lm_params **out)
{
    if (!out)
        return LM_E_INVALID;
    lm_params *p = lm__calloc(1, sizeof *p);
    *out = p;
    if (!p)
        return LM_E_NOMEM;
    lm__object_init(&p->base, LM_KIND_PARAMS);
    lm__params_defaults(p);
    return LM_OK;
}

void lm_params_free(lm_params *params)
{
    lm__free(params);
}

int lm_params_set_int(lm_params *p, lm_param_int key, int64_t value)
{
    if (!p)
        return LM_E_INVALID;
    switch (key) {
    case LM_PARAM_MIN_SIZE:
    case LM_PARAM_MAX_SIZE:
    case LM_PARAM_MIN_PER_ROLE:
        if (value < 0 || value > 1000000)
            return lm__fail(&p->base, LM_E_INVALID, "size parameter %lld is out of range",
                            (long long)value);
        if (key == LM_PARAM_MIN_SIZE)
            p->min_size = value;
        else if (key == LM_PARAM_MAX_SIZE)
            p->max_size = value;
        else
            p->min_per_role = value;
        return LM_OK;
    case LM_PARAM_LANGUAGE:
        p->language = value != 0;
        return LM_OK;
    case LM_PARAM_SEED:
        p->seed = (uint64_t)value;
        return LM_OK;
    case LM_PARAM_THREADS:
        if (value < 1 || value > 256)
            return lm__fail(&p->base, LM_E_INVALID, "threads must be in 1..256, not %lld",
                            (long long)value);
        p->threads = value;
        return LM_OK;
    case LM_PARAM_EFFORT:
        if (value < 0)
            return lm__fail(&p->base, LM_E_INVALID, "effort must be >= 0");
        p->effort = value;
        return LM_OK;
    case LM_PARAM_CANDIDATES:
        if (value < 0)
            return lm__fail(&p->base, LM_E_INVALID, "candidates must be >= 0");
        p->candidates = value;
        return LM_OK;
    case LM_PARAM_NO_REPEATS:
        p->no_repeats = value != 0;
        return LM_OK;
    }
    return lm__fail(&p->base, LM_E_INVALID, "unknown integer parameter %d", (int)key);
}

int lm_params_set_double(lm_params *p, lm_param_double key, double value)
{
    if (!p)
        return LM_E_INVALID;
    if (!isfinite(value))
        return lm__fail(&p->base, LM_E_INVALID, "parameter %d must be a finite number",
                        (int)key);
    switch (key) {
    case LM_PARAM_ALPHA: p->weights.theme = value; return LM_OK;
    case LM_PARAM_BETA: p->weights.shared = value; return LM_OK;
    case LM_PARAM_GAMMA: p->weights.exchange = value; return LM_OK;
    case LM_PARAM_ETA: p->weights.cohost = value; return LM_OK;
    case LM_PARAM_LAMBDA: p->weights.balance = value; return LM_OK;
    case LM_PARAM_MU: p->weights.unassigned = value; return LM_OK;
    case LM_PARAM_DEFAULT_MAX_KM:
        if (value <= 0)
            return lm__fail(&p->base, LM_E_INVALID, "default_max_km must be positive");
        p->default_max_km = value;
        return LM_OK;
    case LM_PARAM_TIME_LIMIT:
        if (value < 0)
            return lm__fail(&p->base, LM_E_INVALID, "time limit must be >= 0");
        p->time_limit = value;
        return LM_OK;
    case LM_PARAM_REPEAT:
        if (value < 0)
            return lm__fail(&p->base, LM_E_INVALID, "the repeat weight must be >= 0");
        p->repeat_weight = value;
        return LM_OK;
    case LM_PARAM_REPEAT_DECAY:
        if (value <= 0 || value > 1)
            return lm__fail(&p->base, LM_E_INVALID, "the repeat decay must be in (0, 1]");
        p->repeat_decay = value;
        return LM_OK;
    }
    return lm__fail(&p->base, LM_E_INVALID, "unknown real parameter %d", (int)key);
}

int64_t lm_params_get_int(const lm_params *p, lm_param_int key)
{
    if (!p)
        return 0;
    switch (key) {
    case LM_PARAM_MIN_SIZE: return p->min_size;
    case LM_PARAM_MAX_SIZE: return p->max_size;
    case LM_PARAM_MIN_PER_ROLE: return p->min_per_role;
    case LM_PARAM_LANGUAGE: return p->language;
    case LM_PARAM_SEED: return (int64_t)p->seed;
    case LM_PARAM_THREADS: return p->threads;
    case LM_PARAM_EFFORT: return p->effort;
    case LM_PARAM_CANDIDATES: return p->candidates;
    case LM_PARAM_NO_REPEATS: return p->no_repeats;
    }
    return 0;
}

double lm_params_get_double(const lm_params *p, lm_param_double key)
{
    if (!p)
        return NAN;
    switch (key) {
    case LM_PARAM_ALPHA: return p->weights.theme;
    case LM_PARAM_BETA: return p->weights.shared;
    case LM_PARAM_GAMMA: return p->weights.exchange;
    case LM_PARAM_ETA: return p->weights.cohost;
    case LM_PARAM_LAMBDA: return p->weights.balance;
    case LM_PARAM_MU: return p->weights.unassigned;
    case LM_PARAM_DEFAULT_MAX_KM: return p->default_max_km;
    case LM_PARAM_TIME_LIMIT: return p->time_limit;
    case LM_PARAM_REPEAT: return p->repeat_weight;
    case LM_PARAM_REPEAT_DECAY: return p->repeat_decay;
    }
    return NAN;
}

int lm_params_set_progress(lm_params *p, lm_progress_fn callback, void *user)
{
    if (!p)
        return LM_E_INVALID;
    p->progress = callback;
    p->progress_user = user;
    return LM_OK;
}

int lm__params_validate(const struct lm_params *p, lm_object *object)
{
    if (p->min_size < 2)
        return lm__fail(object, LM_E_INFEASIBLE, "min_size %lld: a group needs at least 2 members",
                        (long long)p->min_size);
    if (p->min_size > p->max_size)
        return lm__fail(object, LM_E_INFEASIBLE, "min_size %lld is larger than max_size %lld",
                        (long long)p->min_size, (long long)p->max_size);
    if (p->min_per_role < 1)
        return lm__fail(object, LM_E_INFEASIBLE,
                        "min_per_role %lld: groups must mix both roles (at least 1 each)",
                        (long long)p->min_per_role);
    if (p->max_size < 2 * p->min_per_role)
        return lm__fail(object, LM_E_INFEASIBLE,
                        "max_size %lld cannot hold min_per_role %lld of each role",
                        (long long)p->max_size, (long long)p->min_per_role);
    if (p->max_size > 64)
        return lm__fail(object, LM_E_INFEASIBLE, "max_size %lld is larger than 64",
                        (long long)p->max_size);
    return LM_OK;
}

int lm_params_check(lm_params *p)
{
    if (!p)
        return LM_E_INVALID;
    return lm__params_validate(p, &p->base);
}

int lm_params_set_constraints(lm_params *p, const lm_constraints *constraints)
{
    if (!p)
        return LM_E_INVALID;
    p->constraints = constraints;
    return LM_OK;
}

int lm_params_set_keep(lm_params *p, const lm_grouping *keep, bool reshuffle)
{
    if (!p)
        return LM_E_INVALID;
    p->keep = keep;
    p->reshuffle = keep && reshuffle;
    return LM_OK;
}
