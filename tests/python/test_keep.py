"""Continuing groups: form_groups(keep=...) keeps every kept member where
they were (checked in Python on pools drawn by hypothesis: people leave,
new ones sign up), marks who is new, completes a kept group that lost
members, and pins stay even under reshuffle."""
import collections
import csv
import tempfile
import pathlib

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import libmatch


def next_season(pool, leave, join, seed, tmp):
    """The pool a season later, as a CSV: the first `leave` people gone,
    `join` new sign-ups (ids n...) added."""
    pool.save_csv(tmp / "before.csv")
    with libmatch.Pool.generate(join, seed=seed + 1000) as fresh:
        fresh.save_csv(tmp / "fresh.csv")
    with open(tmp / "before.csv", newline="") as f:
        rows = list(csv.DictReader(f))[leave:]
    with open(tmp / "fresh.csv", newline="") as f:
        for row in csv.DictReader(f):
            row["id"] = "n" + row["id"]
            rows.append(row)
    path = tmp / "season.csv"
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def kept_members(first, pool_ids):
    """group number (from 1) -> the members still in the pool."""
    return {n: {m for m in g.members if m in pool_ids}
            for n, g in enumerate(first.groups, 1)}


def check_nobody_kept_moved(first, second, pool_ids):
    where = {m: g for g, group in enumerate(second.groups) for m in group.members}
    for number, members in kept_members(first, pool_ids).items():
        if not members:
            continue
        places = {where.get(m) for m in members}
        assert len(places) == 1 and None not in places, (number, members, places)
        group = second.groups[places.pop()]
        # the same group: its kept number, slot and venue, and only these
        # kept people in it
        assert group.kept == number
        old = first.groups[number - 1]
        assert (group.slot, group.venue) == (old.slot, old.venue)
        assert {m for m, new in zip(group.members, group.new) if not new} == members
    for group in second.groups:
        for member, new in zip(group.members, group.new):
            assert new == all(member not in g.members for g in first.groups)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=st.integers(60, 220), leave=st.integers(0, 12), join=st.integers(0, 30),
       seed=st.integers(1, 10_000))
def test_keep_moves_nobody_kept(people, leave, join, seed):
    with tempfile.TemporaryDirectory() as tmp, libmatch.Pool.generate(people, seed=seed) as pool:
        first = pool.form_groups(seed=seed, effort=3)
        path = next_season(pool, leave, join, seed, pathlib.Path(tmp))
        pool = libmatch.Pool.from_csv(path)
        second = pool.form_groups(seed=seed, effort=3, keep=first)
        check_nobody_kept_moved(first, second, set(pool.ids))
        # the new groups keep every hard constraint; only kept groups that
        # lost members may break one (short, or, without venues, a meeting
        # point that moved), and a short one says so in the result
        report = pool.evaluate(second.groups)
        for v in report.violations:
            group = second.groups[v.group]
            old = first.groups[group.kept - 1] if group.kept else None
            assert old is not None and set(old.members) - set(pool.ids), v
        short = {v.group for v in report.violations if v.kind in ("size", "mix")}
        assert short == {v.group for v in second.violations}


def test_keep_from_a_file_and_the_csv_marks(tmp_path):
    with libmatch.Pool.generate(150, seed=5) as pool:
        first = pool.form_groups(seed=5, effort=3)
        season = next_season(pool, 5, 20, 5, tmp_path)
    path = tmp_path / "groups.csv"
    with open(path, "w", newline="") as f:
        f.write("group,id,slot,venue\n")
        for number, group in enumerate(first.groups, 1):
            for member in group.members:
                f.write("%d,%s,%s,\n" % (number, member, group.slot_label or ""))
    with libmatch.Pool.from_csv(season) as pool:
        second = pool.form_groups(seed=5, effort=3, keep=str(path))
        check_nobody_kept_moved(first, second, set(pool.ids))
        again = pool.form_groups(seed=5, effort=3, keep=first)
        assert again.to_json_dict() == second.to_json_dict()
        # new sign-ups who fit a kept group with room mostly join one
        joined = sum(1 for g in second.groups if g.kept for n in g.new if n)
        assert joined > 0


def test_a_kept_group_that_lost_members_is_completed_first(tmp_path):
    # with venues: a kept group meets where it met (without venues the
    # meeting point moves with each member, and a group that lost most of
    # its members may only be completed all at once: it is then reported)
    with libmatch.Pool.generate(200, seed=8, venues=8) as pool:
        first = pool.form_groups(seed=8, effort=3)
        pool.save_csv(tmp_path / "pool.csv")
        pool.save_venues_csv(tmp_path / "venues.csv")
    target = max(first.groups, key=lambda g: g.size)
    gone = set(target.members[:target.size - 2])  # two are left: below the minimum
    with open(tmp_path / "pool.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    # the people who left sign up again under new ids: they fit that group
    for row in [r for r in rows if r["id"] in gone]:
        rows.append(dict(row, id="again-" + row["id"]))
    rows = [r for r in rows if r["id"] not in gone]
    with open(tmp_path / "season.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with libmatch.Pool.from_csv(tmp_path / "season.csv", venues=tmp_path / "venues.csv") as pool:
        second = pool.form_groups(seed=8, effort=3, keep=first)
        check_nobody_kept_moved(first, second, set(pool.ids))
        number = first.groups.index(target) + 1
        group = next(g for g in second.groups if g.kept == number)
        # completed first: back to the minimum and the mix with new people
        assert group.size >= 4 and sum(group.new) >= 2
        assert not [v for v in second.violations if second.groups[v.group] is group]
        assert pool.evaluate(second.groups).violations == []


@pytest.mark.parametrize("seed", range(1, 5))
def test_reshuffle_moves_people_but_not_the_pinned(seed):
    with libmatch.Pool.generate(120, seed=seed) as pool:
        first = pool.form_groups(seed=seed, effort=3)
        pinned = {first.groups[0].members[0]: 1, first.groups[1].members[0]: 2}
        second = pool.form_groups(seed=seed + 1, effort=3, keep=first, reshuffle=True,
                                  pin=pinned)
        where = {m: g for g in second.groups for m in g.members}
        for who, number in pinned.items():
            assert where[who].kept == number
            assert (where[who].slot, where[who].venue) == (
                first.groups[number - 1].slot, first.groups[number - 1].venue)
        # everybody else was free to move: the groups are not all the old ones
        old = {frozenset(g.members) for g in first.groups}
        assert any(frozenset(g.members) not in old for g in second.groups)


def test_pins_move_a_person_into_their_kept_group():
    with libmatch.Pool.generate(120, seed=6) as pool:
        first = pool.form_groups(seed=6, effort=3)
        who = first.groups[-1].members[0]
        # groups of up to 7 now: every kept group has room for the pinned one
        second = pool.form_groups(seed=6, effort=3, keep=first, pin={who: 1}, max_size=7)
        group = next(g for g in second.groups if who in g.members)
        assert group.kept == 1
        assert set(first.groups[0].members) <= set(group.members)
        counts = collections.Counter(g.kept for g in second.groups if g.kept)
        assert max(counts.values()) == 1


def test_a_new_sign_up_who_fits_one_kept_group_joins_it(tmp_path):
    # Two kept groups of four with room (max size 6), met at one place,
    # without venues. Group 1 meets on Monday evening and speaks Dutch,
    # group 2 on Tuesday evening in English. By hand: x (Dutch, free only
    # on Monday evening) fits group 1 alone; y (Arabic only) fits neither;
    # nobody else is free, and two people cannot form a group of four.
    # So x joins group 1, y stays out, group 2 stays as it was.
    header = "id,role,interests,offers,wants,languages,availability,lat,lon,max_km,step_free,host"
    rows = []
    for group, (language, slot) in enumerate([("nl", "mon-evening"), ("en", "tue-evening")], 1):
        for k, role in enumerate(["newcomer", "newcomer", "resident", "resident"]):
            rows.append("g%d%d,%s,music,,,%s,%s,52.09,5.12,5,no,no" %
                        (group, k, role, language, slot))
    rows.append("x,newcomer,music,,,nl;fr,mon-evening,52.091,5.121,5,no,no")
    rows.append("y,resident,music,,,ar,mon-evening;tue-evening,52.091,5.121,5,no,no")
    (tmp_path / "pool.csv").write_text("\n".join([header] + rows) + "\n")
    with open(tmp_path / "groups.csv", "w") as f:
        f.write("group,id,slot,venue\n")
        for group, slot in [(1, "mon-evening"), (2, "tue-evening")]:
            for k in range(4):
                f.write("%d,g%d%d,%s,\n" % (group, group, k, slot))
    with libmatch.Pool.from_csv(tmp_path / "pool.csv") as pool:
        result = pool.form_groups(seed=1, effort=2, keep=str(tmp_path / "groups.csv"))
    by_kept = {g.kept: g for g in result.groups}
    assert sorted(by_kept) == [1, 2] and len(result.groups) == 2
    assert sorted(by_kept[1].members) == ["g10", "g11", "g12", "g13", "x"]
    assert dict(zip(by_kept[1].members, by_kept[1].new))["x"] is True
    assert sorted(by_kept[2].members) == ["g20", "g21", "g22", "g23"]
    assert (by_kept[1].slot_label, by_kept[2].slot_label) == ("mon-evening", "tue-evening")
