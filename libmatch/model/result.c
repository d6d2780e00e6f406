/* Result objects: groups with their scores, unassigned participants with a
 * reason, violations found by evaluation, and partition assignments. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "model/result_internal.h"

int lm_result_new(lm_result **out)
{
    if (!out)
        return LM_E_INVALID;
    lm_result *r = lm__calloc(1, sizeof *r);
    *out = r;
    if (!r)
        return LM_E_NOMEM;
    lm__object_init(&r->base, LM_KIND_RESULT);
    r->bound = r->bound_mu = NAN;
    return LM_OK;
}

void lm__result_reset(lm_result *r)
{
    for (size_t k = 0; k < r->violation_count; k++)
        lm__free(r->violations[k].message);
    r->total = 0.0;
    r->optimality = LM_HEURISTIC;
    r->bound = r->bound_mu = NAN;
    r->group_count = 0;
    r->member_count = 0;
    r->unassigned_count = 0;
    r->violation_count = 0;
    lm__free(r->item_group);
    r->item_group = NULL;
    r->item_count = 0;
    r->continuing = false;
    lm__clear_error(&r->base);
}

void lm_result_free(lm_result *r)
{
    if (!r)
        return;
    lm__result_reset(r);
    lm__free(r->groups);
    lm__free(r->members);
    lm__free(r->unassigned);
    lm__free(r->violations);
    lm__free(r->member_new);
    lm__free(r);
}

int lm__result_add_group(lm_result *r, const size_t *members, size_t size, size_t *group)
{
    if (lm__grow((void **)&r->groups, &r->group_capacity, r->group_count + 1,
                 sizeof *r->groups) != LM_OK ||
        lm__grow((void **)&r->members, &r->member_capacity, r->member_count + size,
                 sizeof *r->members) != LM_OK)
        return LM_E_NOMEM;
    lm_group_out *g = &r->groups[r->group_count];
    memset(g, 0, sizeof *g);
    g->first = r->member_count;
    g->size = size;
    g->slot = g->venue = g->language = -1;
    g->cohost[0] = g->cohost[1] = -1;
    g->kept = -1;
    if (size)
        memcpy(r->members + r->member_count, members, size * sizeof *members);
    r->member_count += size;
    if (group)
        *group = r->group_count;
    r->group_count++;
    return LM_OK;
}

int lm__result_add_unassigned(lm_result *r, size_t participant, lm_reason reason)
{
    if (lm__grow((void **)&r->unassigned, &r->unassigned_capacity, r->unassigned_count + 1,
                 sizeof *r->unassigned) != LM_OK)
        return LM_E_NOMEM;
    r->unassigned[r->unassigned_count++] = (lm_unassigned_out){participant, reason};
    return LM_OK;
}

int lm__result_add_violation(lm_result *r, lm_violation kind, size_t group,
                             int64_t participant, const char *format, ...)
{
    if (lm__grow((void **)&r->violations, &r->violation_capacity, r->violation_count + 1,
                 sizeof *r->violations) != LM_OK)
        return LM_E_NOMEM;
    char text[LM_ERRMSG_MAX];
    va_list args;
    va_start(args, format);
    vsnprintf(text, sizeof text, format, args);
    va_end(args);
    char *message = lm__strdup(text);
    if (!message)
        return LM_E_NOMEM;
    r->violations[r->violation_count++] = (lm_violation_out){kind, group, participant, message};
    return LM_OK;
}

int lm__result_mark_new(lm_result *r, const uint8_t *is_new)
{
    if (lm__grow((void **)&r->member_new, &r->member_new_capacity,
                 r->member_count ? r->member_count : 1, sizeof *r->member_new) != LM_OK)
        return LM_E_NOMEM;
    for (size_t m = 0; m < r->member_count; m++)
        r->member_new[m] = is_new[r->members[m]];
    r->continuing = true;
    return LM_OK;
}

bool lm_result_continuing(const lm_result *r)
{
    return r && r->continuing;
}

bool lm_result_member_new(const lm_result *r, size_t group, size_t k)
{
    if (!r || !r->continuing || group >= r->group_count || k >= r->groups[group].size)
        return false;
    return r->member_new[r->groups[group].first + k] != 0;
}

int64_t lm_result_group_kept(const lm_result *r, size_t group)
{
    if (!r || group >= r->group_count)
        return -1;
    return r->groups[group].kept;
}

int lm__result_set_items(lm_result *r, size_t n)
{
    lm__free(r->item_group);
    r->item_group = lm__malloc((n ? n : 1) * sizeof *r->item_group);
    r->item_count = 0;
    if (!r->item_group)
        return LM_E_NOMEM;
    for (size_t k = 0; k < n; k++)
        r->item_group[k] = -1;
    r->item_count = n;
    return LM_OK;
}

double lm_result_total(const lm_result *r)
{
    return r ? r->total : 0.0;
}

lm_optimality lm_result_optimality(const lm_result *r)
{
    return r ? r->optimality : LM_HEURISTIC;
}

void lm__result_set_bound(lm_result *r, double bound, double mu)
{
    r->bound = bound;
    r->bound_mu = mu;
}

double lm_result_bound(const lm_result *r)
{
    if (!r)
        return NAN;
    /* an exact method's total is the best there is: its own bound */
    return r->optimality == LM_OPTIMAL ? r->total : r->bound;
}

double lm_result_gap(const lm_result *r)
{
    double bound = lm_result_bound(r);
    if (isnan(bound))
        return NAN;
    if (bound == r->total)
        return 0.0;
    double people = (double)(r->member_count + r->unassigned_count);
    double scale = bound + r->bound_mu * people;
    return scale > 0 ? (bound - r->total) / scale : NAN;
}

size_t lm_result_group_count(const lm_result *r)
{
    return r ? r->group_count : 0;
}

static const lm_group_out *group_at(const lm_result *r, size_t group)
{
    return r && group < r->group_count ? &r->groups[group] : NULL;
}

size_t lm_result_group_size(const lm_result *r, size_t group)
{
    const lm_group_out *g = group_at(r, group);
    return g ? g->size : 0;
}

size_t lm_result_group_member(const lm_result *r, size_t group, size_t k)
{
    const lm_group_out *g = group_at(r, group);
    return g && k < g->size ? r->members[g->first + k] : (size_t)-1;
}

size_t lm_result_group_theme(const lm_result *r, size_t group)
{
    const lm_group_out *g = group_at(r, group);
    return g ? g->theme : 0;
}

int lm_result_group_slot(const lm_result *r, size_t group)
{
    const lm_group_out *g = group_at(r, group);
    return g ? g->slot : -1;
}

int lm_result_group_venue(const lm_result *r, size_t group)
{
    const lm_group_out *g = group_at(r, group);
    return g ? g->venue : -1;
}

int lm_result_group_language(const lm_result *r, size_t group)
{
    const lm_group_out *g = group_at(r, group);
    return g ? g->language : -1;
}

int64_t lm_result_group_cohost(const lm_result *r, size_t group, lm_role role)
{
    const lm_group_out *g = group_at(r, group);
    return g && (role == LM_NEWCOMER || role == LM_RESIDENT) ? g->cohost[role] : -1;
}

double lm_result_group_score(const lm_result *r, size_t group, lm_term term)
{
    const lm_group_out *g = group_at(r, group);
    return g && (unsigned)term <= LM_TERM_TOTAL ? g->terms[term] : 0.0;
}

size_t lm_result_unassigned_count(const lm_result *r)
{
    return r ? r->unassigned_count : 0;
}

size_t lm_result_unassigned(const lm_result *r, size_t k)
{
    return r && k < r->unassigned_count ? r->unassigned[k].participant : (size_t)-1;
}

lm_reason lm_result_unassigned_reason(const lm_result *r, size_t k)
{
    return r && k < r->unassigned_count ? r->unassigned[k].reason : LM_REASON_NONE;
}

const char *lm_reason_string(lm_reason reason)
{
    switch (reason) {
    case LM_REASON_NONE: return "assigned";
    case LM_REASON_NO_SHARED_LANGUAGE: return "no shared language with enough others";
    case LM_REASON_NO_COMMON_SLOT: return "no common free slot with enough others";
    case LM_REASON_TOO_FAR: return "too far from enough others";
    case LM_REASON_ROLE_SHORTAGE: return "not enough participants of the other role";
    case LM_REASON_NO_VENUE: return "no venue within reach, open when they are free, accessible";
    case LM_REASON_NOT_PLACED: return "fits a group, but the best grouping found leaves them out";
    case LM_REASON_VENUES_FULL: return "a group would fit, but the venues it could use are full";
    }
    return "unknown reason";
}

const char *lm_reason_name(lm_reason reason)
{
    switch (reason) {
    case LM_REASON_NONE: return "none";
    case LM_REASON_NO_SHARED_LANGUAGE: return "no_shared_language";
    case LM_REASON_NO_COMMON_SLOT: return "no_common_slot";
    case LM_REASON_TOO_FAR: return "too_far";
    case LM_REASON_ROLE_SHORTAGE: return "role_shortage";
    case LM_REASON_NO_VENUE: return "no_venue";
    case LM_REASON_NOT_PLACED: return "not_placed";
    case LM_REASON_VENUES_FULL: return "venues_full";
    }
    return "unknown";
}

size_t lm_result_violation_count(const lm_result *r)
{
    return r ? r->violation_count : 0;
}

lm_violation lm_result_violation_kind(const lm_result *r, size_t k)
{
    return r && k < r->violation_count ? r->violations[k].kind : LM_VIOLATION_SIZE;
}

size_t lm_result_violation_group(const lm_result *r, size_t k)
{
    return r && k < r->violation_count ? r->violations[k].group : (size_t)-1;
}

int64_t lm_result_violation_participant(const lm_result *r, size_t k)
{
    return r && k < r->violation_count ? r->violations[k].participant : -1;
}

const char *lm_result_violation_message(const lm_result *r, size_t k)
{
    return r && k < r->violation_count ? r->violations[k].message : NULL;
}

const char *lm_violation_name(lm_violation kind)
{
    switch (kind) {
    case LM_VIOLATION_SIZE: return "size";
    case LM_VIOLATION_MIX: return "mix";
    case LM_VIOLATION_LANGUAGE: return "language";
    case LM_VIOLATION_SLOT: return "slot";
    case LM_VIOLATION_NO_SLOT: return "no_slot";
    case LM_VIOLATION_DISTANCE: return "distance";
    case LM_VIOLATION_STEP_FREE: return "step_free";
    case LM_VIOLATION_VENUE_CLOSED: return "venue_closed";
    case LM_VIOLATION_CAPACITY: return "capacity";
    case LM_VIOLATION_NO_VENUE: return "no_venue";
    case LM_VIOLATION_TOGETHER: return "together";
    case LM_VIOLATION_APART: return "apart";
    case LM_VIOLATION_PIN: return "pin";
    case LM_VIOLATION_EXCLUDED: return "excluded";
    }
    return "unknown";
}

size_t lm_result_item_count(const lm_result *r)
{
    return r ? r->item_count : 0;
}

int64_t lm_result_item_group(const lm_result *r, size_t item)
{
    return r && item < r->item_count ? r->item_group[item] : -1;
}
