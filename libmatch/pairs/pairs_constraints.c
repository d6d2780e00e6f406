/* Coordinator constraints in pairs mode. A pair is a group of two, so: an
 * excluded person has no partner and is not listed; two people kept apart
 * are no edge; someone in a together set (of two: a larger set is refused
 * by lm__constraints_check_run) has one possible partner, the other of the
 * set, and the exact assignment pairs them whenever that pair is feasible,
 * since an edge between two people with no other edge is in every maximum
 * matching. */
#include "pairs/pairs_internal.h"
#include "model/constraints_internal.h"

bool lm__pair_constraints_ok(const lm_constraints *c, size_t a, size_t b)
{
    if (lm__constraints_out(c, a) || lm__constraints_out(c, b))
        return false;
    if (lm__constraints_is_apart(c, a, b))
        return false;
    if (lm__constraints_set_size(c, a) > 1 || lm__constraints_set_size(c, b) > 1)
        return lm__constraints_root(c, a) == lm__constraints_root(c, b);
    return true;
}

bool lm__pair_takes_part(const lm_params *params, size_t person)
{
    return !params->constraints || !lm__constraints_out(params->constraints, person);
}
