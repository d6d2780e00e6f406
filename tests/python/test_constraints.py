"""Coordinator constraints through the Python package: together, apart, pin
and exclude honoured on random pools (checked in Python from the groups, on
many seeds), and every contradiction an error with its exact class and the
lines or people it names."""
import itertools
import random

import pytest

import libmatch
from libmatch.errors import Infeasible, InvalidArgument, NotFound, ParseError


def group_of(result):
    return {m: g for g, group in enumerate(result.groups) for m in group.members}


def assert_honoured(result, together=(), apart=(), exclude=()):
    """Every constraint kept, as the coordinator reads them: a together set in
    one group or all out, apart people never in one group, excluded people
    in no group and not listed as left out either."""
    where = group_of(result)
    for members in together:
        places = {where.get(m) for m in members}
        assert len(places) == 1, (members, places)
    for a, b in apart:
        assert a not in where or where.get(a) != where.get(b), (a, b)
    out = {u.id for u in result.unassigned}
    for who in exclude:
        assert who not in where and who not in out, who


def sets_from(rng, result, count, size):
    """Sets of people who shared a group in an unconstrained run: people who
    can be placed together, so that a together constraint is not met by
    leaving everybody out."""
    groups = [g for g in result.groups if g.size >= size]
    rng.shuffle(groups)
    return [rng.sample(g.members, size) for g in groups[:count]]


@pytest.mark.parametrize("seed", range(1, 13))
def test_every_kind_honoured_on_random_pools(seed):
    rng = random.Random(seed)
    venues = 6 if seed % 2 else 0
    with libmatch.Pool.generate(120 + 10 * seed, seed=seed, venues=venues) as pool:
        free = pool.form_groups(seed=seed, effort=4)
        together = sets_from(rng, free, 3, 2) + sets_from(rng, free, 1, 3)
        taken = {m for s in together for m in s}
        # apart: people the free run put together, so the constraint bites
        apart = [tuple(p) for p in sets_from(rng, free, 6, 2) if not taken & set(p)]
        ids = [pid for pid in pool.ids if pid not in taken]
        exclude = rng.sample(ids, 3)
        result = pool.form_groups(seed=seed, effort=4, together=together, apart=apart,
                                  exclude=exclude)
        assert_honoured(result, together, apart, exclude)
        # the groups still keep every hard constraint (evaluation finds none)
        assert pool.evaluate(result.groups).violations == []
        # the sets come from groups that existed: most are placed, not dodged
        where = group_of(result)
        assert sum(1 for s in together if s[0] in where) >= 1
        # everybody not excluded is in a group or listed as left out
        out = {u.id for u in result.unassigned}
        assert set(where) | out == set(pool.ids) - set(exclude)


def test_together_is_closed_transitively():
    with libmatch.Pool.generate(150, seed=4) as pool:
        free = pool.form_groups(seed=4, effort=4)
        a, b, c = next(g.members[:3] for g in free.groups if g.size >= 3)
        # a with b, b with c: c follows a wherever a goes
        result = pool.form_groups(seed=4, effort=4, together=[(a, b), (b, c)])
        assert_honoured(result, [(a, b, c)])


@pytest.mark.parametrize("seed", range(1, 9))
def test_pairs_honour_the_constraints(seed):
    rng = random.Random(seed)
    with libmatch.Pool.generate(60 + 5 * seed, seed=seed) as pool:
        free = pool.match_pairs()
        together = sets_from(rng, free, 2, 2)
        apart = [tuple(p) for p in sets_from(rng, free, 8, 2)
                 if not {m for s in together for m in s} & set(p)]
        exclude = [pid for pid in pool.ids if pid not in {m for s in together for m in s}][:2]
        result = pool.match_pairs(together=together, apart=apart, exclude=exclude)
        assert_honoured(result, together, apart, exclude)
        # a feasible together pair is always matched: it is its only edge
        where = group_of(result)
        for a, b in together:
            assert a in where and where[a] == where[b]


def test_evaluate_reports_each_broken_kind(tmp_path):
    with libmatch.Pool.generate(80, seed=2) as pool:
        free = pool.form_groups(seed=2, effort=4)
        g0, g1 = free.groups[0], free.groups[1]
        path = tmp_path / "c.csv"
        path.write_text("kind,a,b\n"
                        "together,%s,%s\n"      # line 2: split over two groups
                        "apart,%s,%s\n"         # line 3: share a group
                        "exclude,%s,\n"         # line 4: placed anyway
                        % (g0.members[0], g1.members[0], g0.members[1], g0.members[2],
                           g1.members[1]))
        report = pool.evaluate(free.groups, constraints=str(path))
        found = sorted((v.kind, v.group) for v in report.violations)
        assert found == [("apart", 0), ("excluded", 1), ("together", 0)]
        assert all("c.csv line" in v.message for v in report.violations)
        # the excluded are no longer counted as left out
        assert g1.members[1] not in {u.id for u in report.unassigned}
        # kept constraints raise nothing
        clean = pool.evaluate(free.groups, together=[g0.members[:2]], apart=[
            (g0.members[0], g1.members[0])])
        assert clean.violations == []


# ---- contradictions: one error, its class, the lines ------------------------------


def load(pool, text, tmp_path):
    path = tmp_path / "constraints.csv"
    path.write_text(text)
    return pool.form_groups(constraints=str(path), effort=1)


@pytest.fixture
def pool():
    with libmatch.Pool.generate(40, seed=3) as p:
        yield p


def test_together_and_apart_name_every_line(pool, tmp_path):
    a, b, c = pool.ids[:3]
    with pytest.raises(Infeasible) as error:
        load(pool, "kind,a,b\ntogether,%s,%s\ntogether,%s,%s\napart,%s,%s\n"
             % (a, b, b, c, c, a), tmp_path)
    message = str(error.value)
    assert "constraints.csv line 4" in message and "line(s) 2, 3" in message
    assert "'%s'" % a in message and "'%s'" % c in message


def test_apart_then_together_is_refused_the_other_way_round(pool, tmp_path):
    a, b, c = pool.ids[:3]
    with pytest.raises(Infeasible) as error:
        load(pool, "kind,a,b\napart,%s,%s\ntogether,%s,%s\ntogether,%s,%s\n"
             % (a, c, a, b, b, c), tmp_path)
    assert "line 4 puts" in str(error.value) and "line 2 keeps" in str(error.value)


def test_two_pins(pool, tmp_path):
    with pytest.raises(Infeasible) as error:
        load(pool, "kind,a,b\npin,%s,1\npin,%s,2\n" % (pool.ids[0], pool.ids[0]), tmp_path)
    assert "line 3 pins" in str(error.value) and "line 2 pins them to group 1" in str(error.value)


def test_a_set_larger_than_the_groups(pool, tmp_path):
    chain = "".join("together,%s,%s\n" % p for p in zip(pool.ids[:7], pool.ids[1:7]))
    with pytest.raises(Infeasible) as error:
        load(pool, "kind,a,b\n" + chain, tmp_path)
    assert "line(s) 2, 3, 4, 5, 6, 7" in str(error.value)
    assert "set of 7 people" in str(error.value)
    # the same set is fine for groups of up to 8
    path = tmp_path / "constraints.csv"
    pool.form_groups(constraints=str(path), max_size=8, effort=1)


def test_pins_need_their_kept_group(pool, tmp_path):
    with pytest.raises(Infeasible) as error:
        load(pool, "kind,a,b\npin,%s,1\n" % pool.ids[0], tmp_path)
    assert "there is no keep file" in str(error.value)
    kept = pool.form_groups(effort=1)
    with pytest.raises(Infeasible) as error:
        pool.form_groups(keep=kept, pin={pool.ids[0]: len(kept.groups) + 5}, effort=1)
    assert "the keep file has no such group" in str(error.value)


@pytest.mark.parametrize("row,error,text", [
    ("friends,{a},{b}", NotFound, "line 2, column 'kind': unknown kind 'friends'"),
    ("together,{a},nobody", NotFound, "line 2, column 'b': unknown participant 'nobody'"),
    ("together,{a},{a}", ParseError, "cannot be together with themselves"),
    ("pin,{a},first", ParseError, "line 2, column 'b': group 'first' is not a whole number"),
    ("apart,{a}", ParseError, "line 2: 2 fields where the header has 3"),
])
def test_malformed_rows(pool, tmp_path, row, error, text):
    with pytest.raises(error) as raised:
        load(pool, "kind,a,b\n" + row.format(a=pool.ids[0], b=pool.ids[1]) + "\n", tmp_path)
    assert text in str(raised.value)


def test_missing_column(pool, tmp_path):
    with pytest.raises(ParseError) as raised:
        load(pool, "kind,a\ntogether,%s\n" % pool.ids[0], tmp_path)
    assert "missing required column 'b'" in str(raised.value)


def test_python_contradictions_and_bad_arguments(pool):
    a, b, c = pool.ids[:3]
    with pytest.raises(Infeasible):
        pool.form_groups(together=[(a, b, c)], apart=[(a, c)], effort=1)
    with pytest.raises(Infeasible):
        pool.match_pairs(together=[(a, b, c)])  # a pair holds two
    with pytest.raises(NotFound):
        pool.form_groups(apart=[(a, "nobody")], effort=1)
    with pytest.raises(InvalidArgument):
        pool.form_groups(together=[(a,)], effort=1)
    with pytest.raises(InvalidArgument):
        pool.form_groups(exclude=a, effort=1)
    with pytest.raises(InvalidArgument):
        pool.form_groups(reshuffle=True, effort=1)


def test_sets_of_any_shape_close_the_same_way(pool):
    a, b, c, d = pool.ids[:4]
    one = pool.form_groups(together=[(a, b, c, d)], effort=2)
    other = pool.form_groups(together=[(d, c), (a, b), (b, d)], effort=2)
    assert one.to_json_dict() == other.to_json_dict()
    assert_honoured(one, [(a, b, c, d)])
    for x, y in itertools.combinations((a, b, c, d), 2):
        assert group_of(one).get(x) == group_of(one).get(y)
