"""Results as plain Python objects, copied out of the C result right after
the call (so the C object is freed at once and nothing here refers to it).

`Result.to_json_dict()` is the JSON contract of `lmatch groups --json`
(and of `lmatch eval --json` for evaluations): the same keys and the same
numbers."""
import ctypes
import dataclasses
import math
import typing

from ._lib import api, lib, text
from .errors import check

TERMS = ("theme", "shared", "exchange", "cohost", "balance", "total")
_TERM_CODES = (api.LM_TERM_THEME, api.LM_TERM_SHARED, api.LM_TERM_EXCHANGE, api.LM_TERM_COHOST,
               api.LM_TERM_BALANCE, api.LM_TERM_TOTAL)
_OPTIMALITY = {api.LM_HEURISTIC: "heuristic", api.LM_OPTIMAL: "optimal",
               api.LM_OPTIMAL_ON_CANDIDATES: "optimal_on_candidates"}


def _json_number(value):
    # The CLI writes NaN and infinities as null.
    return None if math.isnan(value) or math.isinf(value) else value


@dataclasses.dataclass
class Group:
    """One group: members (ids, in result order) with their roles, the theme
    topic key, the meeting slot (index and label, None when there is none),
    the venue id, the common language code, the co-hosts' ids and the score
    terms (unweighted; 'total' is the weighted group score)."""

    members: typing.List[str]
    roles: typing.List[str]
    theme: str
    slot: typing.Optional[int]
    slot_label: typing.Optional[str]
    venue: typing.Optional[str]
    language: typing.Optional[str]
    cohosts: typing.List[str]
    score: typing.Dict[str, float]

    @property
    def size(self):
        return len(self.members)

    @property
    def newcomers(self):
        return [m for m, r in zip(self.members, self.roles) if r == "newcomer"]

    @property
    def residents(self):
        return [m for m, r in zip(self.members, self.roles) if r == "resident"]

    def to_json_dict(self):
        return {
            "members": list(self.members),
            "roles": list(self.roles),
            "theme": self.theme,
            "slot": self.slot,
            "slot_label": self.slot_label,
            "venue": self.venue,
            "language": self.language,
            "cohosts": list(self.cohosts),
            "score": {t: _json_number(self.score[t]) for t in TERMS},
        }


class Unassigned(typing.NamedTuple):
    """A participant left out, and why (a stable reason name such as
    'no_shared_language'; `explanation` is the English text)."""

    id: str
    reason: str

    @property
    def explanation(self):
        return REASON_TEXT.get(self.reason, "")


class Violation(typing.NamedTuple):
    """A violated hard constraint of an evaluated grouping: the group index
    (from 0), the participant concerned (None when it is the group's), the
    kind ('size', 'mix', 'language', ...) and the library's message."""

    group: int
    participant: typing.Optional[str]
    kind: str
    message: str


@dataclasses.dataclass
class Result:
    """The outcome of form_groups(), match_pairs() or evaluate().

    `bound` is an upper bound on the total of every grouping of the pool
    that keeps the hard constraints (lm_groups_bound(); the total itself
    for an optimal result), and `gap` = (bound - total) / (bound + mu n):
    how far the total may be from the best possible, 0.013 meaning within
    1.3%. Both are NaN when unknown (pairs optimal only on the candidate
    graph)."""

    groups: typing.List[Group]
    unassigned: typing.List[Unassigned]
    total: float
    optimality: str = "heuristic"
    violations: typing.List[Violation] = dataclasses.field(default_factory=list)
    evaluated: bool = False  # from evaluate(): violations are part of the answer
    bound: float = math.nan
    gap: float = math.nan
    # {id: {column: value}}: the display columns (name, phone, ...) of the
    # people of the result, when the pool has any
    people: typing.Dict[str, typing.Dict[str, str]] = dataclasses.field(default_factory=dict)

    @property
    def feasible(self):
        return not self.violations

    def __repr__(self):
        placed = sum(g.size for g in self.groups)
        extra = ", %d violations" % len(self.violations) if self.evaluated else ""
        if not math.isnan(self.gap):
            extra += ", gap %.2g%%" % (100 * self.gap)
        return "<libmatch.Result: %d groups, %d of %d placed, total %.6g%s>" % (
            len(self.groups), placed, placed + len(self.unassigned), self.total, extra)

    def to_json_dict(self):
        """The dict `json.load` gives for `lmatch groups --json` (or `lmatch
        eval --json` for an evaluation) of the same pool and parameters."""
        out = {
            "groups": [g.to_json_dict() for g in self.groups],
            "unassigned": [{"id": u.id, "reason": u.reason, "explanation": u.explanation}
                           for u in self.unassigned],
        }
        if self.people:
            out["people"] = {pid: dict(values) for pid, values in self.people.items()}
        if self.evaluated:
            out["violations"] = [{"group": v.group, "participant": v.participant,
                                  "kind": v.kind, "message": v.message}
                                 for v in self.violations]
            out["feasible"] = self.feasible
        out["optimality"] = self.optimality
        out["total"] = _json_number(self.total)
        out["bound"] = _json_number(self.bound)
        out["gap"] = _json_number(self.gap)
        return out

    def to_records(self):
        """One dict per member: group (numbered from 1, as in the groups
        CSV), id, role, theme, slot (label), venue, language, cohost (bool)
        and the group's score."""
        rows = []
        for number, g in enumerate(self.groups, start=1):
            for member, role in zip(g.members, g.roles):
                rows.append({"group": number, "id": member, "role": role, "theme": g.theme,
                             "slot": g.slot_label, "venue": g.venue, "language": g.language,
                             "cohost": member in g.cohosts, "score": g.score["total"]})
        return rows

    def to_dataframe(self):
        """to_records() as a pandas DataFrame; evaluate() reads it back."""
        pandas = _pandas()
        return pandas.DataFrame(self.to_records(),
                                columns=["group", "id", "role", "theme", "slot", "venue",
                                         "language", "cohost", "score"])

    def groups_dataframe(self):
        """One row per group: group (from 1), size, newcomers, residents,
        theme (the topic key), slot (label), venue, language, the unweighted
        terms score_theme ... score_balance and score (the weighted total)."""
        pandas = _pandas()
        rows = []
        for number, g in enumerate(self.groups, start=1):
            row = {"group": number, "size": g.size, "newcomers": len(g.newcomers),
                   "residents": len(g.residents), "theme": g.theme, "slot": g.slot_label,
                   "venue": g.venue, "language": g.language}
            for term in TERMS[:-1]:
                row["score_" + term] = g.score[term]
            row["score"] = g.score["total"]
            rows.append(row)
        columns = ["group", "size", "newcomers", "residents", "theme", "slot", "venue",
                   "language"] + ["score_" + t for t in TERMS[:-1]] + ["score"]
        return pandas.DataFrame(rows, columns=columns)


def _pandas():
    try:
        import pandas
    except ImportError as error:
        raise ImportError("to_dataframe() needs pandas; to_records() and to_json_dict() "
                          "work without it") from error
    return pandas


def _reason_table():
    names, texts = {}, {}
    for reason in api.lm_reason:
        name = text(lib.lm_reason_name(reason))
        names[int(reason)] = name
        texts[name] = text(lib.lm_reason_string(reason))
    return names, texts


REASON_NAMES, REASON_TEXT = _reason_table()


def gap(bound, total, mu, people):
    """(bound - total) / (bound + mu * people), as lm_result_gap() computes
    it: 0 when the bound is the total, NaN when unknown or not positive."""
    if math.isnan(bound):
        return math.nan
    if bound == total:
        return 0.0
    scale = bound + mu * float(people)
    return (bound - total) / scale if scale > 0 else math.nan


def read(pool, result, evaluated=False, bound=None):
    """Copies a C result (about the C pool) into a Result; bound: (bound,
    gap) to report instead of the result's own (for evaluations)."""
    taxonomy = lib.lm_pool_taxonomy(pool)
    ids = {}

    def id_of(index):
        if index not in ids:
            ids[index] = text(lib.lm_pool_id(pool, index))
        return ids[index]

    groups = []
    for g in range(lib.lm_result_group_count(result)):
        members = [lib.lm_result_group_member(result, g, k)
                   for k in range(lib.lm_result_group_size(result, g))]
        roles = ["newcomer" if lib.lm_pool_role(pool, m) == api.LM_NEWCOMER else "resident"
                 for m in members]
        slot = lib.lm_result_group_slot(result, g)
        venue = lib.lm_result_group_venue(result, g)
        language = lib.lm_result_group_language(result, g)
        cohosts = []
        for role in (api.LM_NEWCOMER, api.LM_RESIDENT):
            host = lib.lm_result_group_cohost(result, g, role)
            if host >= 0:
                cohosts.append(id_of(host))
        groups.append(Group(
            members=[id_of(m) for m in members],
            roles=roles,
            theme=text(lib.lm_taxonomy_topic_key(taxonomy, lib.lm_result_group_theme(result, g))),
            slot=slot if slot >= 0 else None,
            slot_label=text(lib.lm_slot_label(slot)) if slot >= 0 else None,
            venue=text(lib.lm_pool_venue_id(pool, venue)) if venue >= 0 else None,
            language=text(lib.lm_language_code(language)) if language >= 0 else None,
            cohosts=cohosts,
            score={t: lib.lm_result_group_score(result, g, code)
                   for t, code in zip(TERMS, _TERM_CODES)},
        ))
    unassigned = [Unassigned(id_of(lib.lm_result_unassigned(result, k)),
                             REASON_NAMES.get(lib.lm_result_unassigned_reason(result, k), "?"))
                  for k in range(lib.lm_result_unassigned_count(result))]
    violations = []
    for k in range(lib.lm_result_violation_count(result)):
        who = lib.lm_result_violation_participant(result, k)
        violations.append(Violation(
            group=lib.lm_result_violation_group(result, k),
            participant=id_of(who) if who >= 0 else None,
            kind=text(lib.lm_violation_name(lib.lm_result_violation_kind(result, k))),
            message=text(lib.lm_result_violation_message(result, k)),
        ))
    if bound is None:
        bound = (lib.lm_result_bound(result), lib.lm_result_gap(result))
    return Result(groups=groups, unassigned=unassigned, total=lib.lm_result_total(result),
                  optimality=_OPTIMALITY.get(lib.lm_result_optimality(result), "heuristic"),
                  violations=violations, evaluated=evaluated, bound=bound[0], gap=bound[1],
                  people=_people(pool, groups, unassigned))


def _people(pool, groups, unassigned):
    """The display values of everybody in the result, in the order the JSON
    of lmatch lists them: members group by group, then those not placed."""
    columns = [text(lib.lm_pool_column_name(pool, c))
               for c in range(lib.lm_pool_column_count(pool))]
    if not columns:
        return {}
    people = {}
    for pid in [m for g in groups for m in g.members] + [u.id for u in unassigned]:
        index = ctypes.c_size_t()
        check(lib.lm_pool_find(pool, pid.encode("utf-8"), ctypes.byref(index)))
        values = {}
        for c, name in enumerate(columns):
            value = text(lib.lm_pool_column_value(pool, index.value, c))
            if value:
                values[name] = value
        people[pid] = values
    return people
