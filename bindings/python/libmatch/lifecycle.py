"""Coordinator constraints and continuing groups: together, apart, pin and
exclude (lm_constraints), and the groups of an earlier run kept
(lm_params_set_keep).

Pool.form_groups() and Pool.match_pairs() take them as keywords:

    together   pairs or sets of ids that share a group or both stay out
               ([("p1", "p2"), ["p3", "p4", "p5"]]); closed transitively
    apart      pairs of ids that never share a group
    pin        {id: group number of the keep file}: stays in that kept group
    exclude    ids that take no part this time
    constraints  the path of a constraints CSV (kind,a,b), read first
    keep       the groups to continue: a Result, a list of groups (each a
               list of ids or a Group; numbered from 1), or the path of a
               groups CSV (people no longer in the pool are dropped)
    reshuffle  with keep: everybody may move, pinned people stay

A contradiction (a together set also kept apart, two pins, a set larger than
the groups, a pin to a group keep lacks) raises Infeasible with the lines
or entries named. With keep, each Group of the result has `new` (one bool a
member: in no kept group) and `kept` (the number of the kept group it
continues, or None)."""
import contextlib
import ctypes

from ._handles import owned
from ._lib import api, c_path, lib
from .errors import InvalidArgument, check

_CONSTRAINTS_P = ctypes.POINTER(api.lm_constraints)
_GROUPING_P = ctypes.POINTER(api.lm_grouping)


def _pairs_of(entries, name):
    """(a, b) pairs from pairs or sets: a set [a, b, c] is the chain a-b, b-c
    (together is closed transitively, so that is the whole set)."""
    if entries is None:
        return []
    if isinstance(entries, (str, bytes)):
        raise InvalidArgument("%s: a list of pairs or sets of ids, not one string" % name)
    pairs = []
    for entry in entries:
        members = list(entry)
        if len(members) < 2 or any(not isinstance(m, str) for m in members):
            raise InvalidArgument("%s: %r is not two or more ids" % (name, entry))
        pairs += list(zip(members, members[1:]))
    return pairs


def _keep_csv(keep):
    """A Result or a list of groups (lists of ids, Groups or {members, slot,
    venue} dicts) as the text of a groups CSV, groups numbered from 1."""
    groups = getattr(keep, "groups", keep)
    rows = ["group,id,slot,venue"]
    for number, group in enumerate(groups, 1):
        if isinstance(group, dict):
            members, slot, venue = group["members"], group.get("slot_label"), group.get("venue")
        elif hasattr(group, "members"):
            members, slot, venue = group.members, group.slot_label, group.venue
        else:
            members, slot, venue = group, None, None
        for member in members:
            cells = [str(number), member, slot or "", venue or ""]
            rows.append(",".join('"%s"' % c.replace('"', '""') for c in cells))
    return "\n".join(rows) + "\n"


def _wanted(together, apart, pin, exclude, constraints):
    return any(x is not None for x in (together, apart, pin, exclude, constraints))


@contextlib.contextmanager
def attached(pool, params, together=None, apart=None, pin=None, exclude=None,
             constraints=None, keep=None, reshuffle=None, pairs=False):
    """Attaches the constraints and the keep grouping to params for the
    block (the C objects live as long as it). pool: the Pool."""
    if not _wanted(together, apart, pin, exclude, constraints) and keep is None:
        if reshuffle:
            raise InvalidArgument("reshuffle needs keep")
        yield
        return
    handle = pool._handle()
    with contextlib.ExitStack() as stack:
        grouping = None
        if keep is not None:
            grouping = stack.enter_context(owned(lib.lm_grouping_new, lib.lm_grouping_free,
                                                 _GROUPING_P))
            left = ctypes.c_size_t()
            if isinstance(keep, (str, bytes)) or hasattr(keep, "__fspath__"):
                check(lib.lm_grouping_load_keep_csv(grouping, handle, c_path(keep),
                                                    ctypes.byref(left)), grouping)
            else:
                # as a keep file: groups numbered from 1, people who left dropped
                data = _keep_csv(keep).encode("utf-8")
                check(lib.lm_grouping_load_keep_csv_buffer(grouping, handle, b"keep", data,
                                                           len(data), ctypes.byref(left)),
                      grouping)
            check(lib.lm_params_set_keep(params, grouping, bool(reshuffle)), params)
        elif reshuffle:
            raise InvalidArgument("reshuffle needs keep")
        if _wanted(together, apart, pin, exclude, constraints):
            c = stack.enter_context(owned(lib.lm_constraints_new, lib.lm_constraints_free,
                                          _CONSTRAINTS_P, handle))
            if constraints is not None:
                check(lib.lm_constraints_load_csv(c, c_path(constraints)), c)
            for kind, entries, name in ((api.LM_CONSTRAINT_TOGETHER, together, "together"),
                                        (api.LM_CONSTRAINT_APART, apart, "apart")):
                for a, b in _pairs_of(entries, name):
                    check(lib.lm_constraints_add(c, kind, pool.index(a), pool.index(b)), c)
            for who, group in (pin or {}).items():
                if isinstance(group, bool) or not isinstance(group, int) or group < 0:
                    raise InvalidArgument("pin: the group of %r must be a whole number" % who)
                check(lib.lm_constraints_add(c, api.LM_CONSTRAINT_PIN, pool.index(who), group), c)
            if isinstance(exclude, (str, bytes)):
                raise InvalidArgument("exclude: a list of ids, not one string")
            for who in exclude or ():
                check(lib.lm_constraints_add(c, api.LM_CONSTRAINT_EXCLUDE, pool.index(who), 0), c)
            largest = 2 if pairs else lib.lm_params_get_int(params, api.LM_PARAM_MAX_SIZE)
            check(lib.lm_constraints_check(c, largest, grouping), c)
            check(lib.lm_params_set_constraints(params, c), params)
        yield


def mark(out, result):
    """With keep: each group's `new` (by member) and `kept` (the kept group's
    number, or None)."""
    if not lib.lm_result_continuing(result):
        return out
    for g, group in enumerate(out.groups):
        group.new = [bool(lib.lm_result_member_new(result, g, k)) for k in range(group.size)]
        kept = lib.lm_result_group_kept(result, g)
        group.kept = kept if kept >= 0 else None
    return out
