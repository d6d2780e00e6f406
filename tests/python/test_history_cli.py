"""History and repeats through lmatch (issue 15): `--history` for groups and
pairs, `--no-repeats`, and what the JSON reports.

Each test checks lmatch against something computed another way: the pairs
of a second round against scipy's exact assignment with the pairs who met
removed (test_pairs_scipy.py's model of DESIGN.md), the repeats of a
grouping against the pairs counted from the CSV files, and the total
against `lmatch eval` (the total stays the objective; the repeat penalty is
reported apart from it).

Run by meson with LMATCH pointing at the built tool."""
import csv
import itertools
import json
import subprocess

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from conftest import run_lmatch
from test_pairs_scipy import DEFAULT_WEIGHTS, Person, feasible, inspect, pair_score

REPEAT = 10.0  # the default repeat weight (the default mu)


def lmatch_json(lmatch, *args):
    return json.loads(run_lmatch(lmatch, *args).stdout)


def gen(lmatch, folder, people, seed, share=0.5):
    pool = folder / ("pool%d.csv" % seed)
    run_lmatch(lmatch, "gen", "-n", people, "--seed", seed, "--newcomer-share", share,
               "-o", pool)
    return pool


def groups_of(path):
    """{group: [ids]} of a groups or pairs CSV."""
    groups = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            groups.setdefault(row["group"], []).append(row["id"])
    return groups


def met_pairs(*paths):
    met = set()
    for path in paths:
        for members in groups_of(path).values():
            met.update(frozenset(p) for p in itertools.combinations(members, 2))
    return met


def repeats_in(groups, met):
    return sum(1 for members in groups for p in itertools.combinations(members, 2)
               if frozenset(p) in met)


# ---- pairs: a second round never repeats when it need not ----------------------


def assignment(pool, forbidden, repeat_cost):
    """The best matching by scipy: (pairs, objective total, penalty), where
    pairs in `forbidden` are dropped when repeat_cost is None and cost
    repeat_cost otherwise."""
    slot_count = len(pool["slots"])
    people = [Person(r, slot_count) for r in pool["participants"]]
    newcomers = [p for p in people if p.newcomer]
    residents = [p for p in people if not p.newcomer]
    n, m = len(newcomers), len(residents)
    mu = DEFAULT_WEIGHTS["mu"]
    size = n + m
    cost = np.full((size, size), np.inf)
    scores = {}
    for i, a in enumerate(newcomers):
        for j, b in enumerate(residents):
            if not feasible(a, b, [], True, 5.0):
                continue
            met = frozenset((a.id, b.id)) in forbidden
            if met and repeat_cost is None:
                continue
            scores[(i, j)] = pair_score(a, b, DEFAULT_WEIGHTS)["total"]
            cost[i, j] = -(2 * mu + scores[(i, j)] - (repeat_cost if met else 0.0))
        cost[i, m + i] = 0.0
    for j in range(m):
        cost[n + j, j] = 0.0
    cost[n:, m:] = 0.0
    rows, cols = linear_sum_assignment(cost)
    chosen = [(r, c) for r, c in zip(rows, cols) if r < n and c < m]
    total = sum(scores[p] for p in chosen) - mu * (size - 2 * len(chosen))
    return len(chosen), total


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_second_pairs_round_repeats_nothing_when_it_need_not(tmp_path, lmatch, seed):
    pool_csv = gen(lmatch, tmp_path, 40, seed)
    first = tmp_path / "first.csv"
    run_lmatch(lmatch, "pairs", pool_csv, "-o", first, "--quiet")
    met = met_pairs(first)
    assert met, "the first round formed pairs"
    data = lmatch_json(lmatch, "pairs", pool_csv, "--history", first, "--json", "-", "--quiet")
    pool = inspect(pool_csv, None)
    free_pairs, free_total = assignment(pool, met, None)
    paid_pairs, _ = assignment(pool, met, REPEAT)
    repeats = repeats_in([g["members"] for g in data["groups"]], met)
    assert data["repeated_pairs"] == repeats
    assert data["repeat_penalty"] == pytest.approx(REPEAT * repeats)
    if paid_pairs == free_pairs:
        # a repeat-free matching places as many: lmatch finds the best of them
        assert repeats == 0
        assert len(data["groups"]) == free_pairs
        assert data["total"] == pytest.approx(free_total, abs=1e-6)
    else:
        # repeats place more people: as many as the exact answer places
        assert len(data["groups"]) == paid_pairs
        assert repeats > 0


def test_pairs_no_repeats_is_the_assignment_without_those_pairs(tmp_path, lmatch):
    pool_csv = gen(lmatch, tmp_path, 30, 9)
    first = tmp_path / "first.csv"
    run_lmatch(lmatch, "pairs", pool_csv, "-o", first, "--quiet")
    met = met_pairs(first)
    data = lmatch_json(lmatch, "pairs", pool_csv, "--history", first, "--no-repeats",
                       "--json", "-", "--quiet")
    pairs, total = assignment(inspect(pool_csv, None), met, None)
    assert data["repeated_pairs"] == 0
    assert len(data["groups"]) == pairs
    assert data["total"] == pytest.approx(total, abs=1e-6)


# ---- groups --------------------------------------------------------------------


@pytest.mark.parametrize("seed", [11, 12, 13, 14])
def test_groups_no_repeats_never_reunites(tmp_path, lmatch, seed):
    pool_csv = gen(lmatch, tmp_path, 120, seed, share=0.4)
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    run_lmatch(lmatch, "groups", pool_csv, "-o", first, "--quiet", "--seed", seed)
    run_lmatch(lmatch, "groups", pool_csv, "--history", first, "--no-repeats", "-o", second,
               "--quiet", "--seed", seed)
    assert repeats_in(groups_of(second).values(), met_pairs(first)) == 0


@pytest.mark.parametrize("seed", [21, 22, 23])
def test_groups_history_reports_repeats_apart_from_the_total(tmp_path, lmatch, seed):
    pool_csv = gen(lmatch, tmp_path, 150, seed, share=0.4)
    first, second, third = (tmp_path / n for n in ("first.csv", "second.csv", "third.csv"))
    run_lmatch(lmatch, "groups", pool_csv, "-o", first, "--quiet")
    run_lmatch(lmatch, "groups", pool_csv, "--history", first, "-o", second, "--quiet")
    data = lmatch_json(lmatch, "groups", pool_csv, "--history", first, "--history", second,
                       "-o", third, "--json", "-", "--quiet")
    met = met_pairs(first, second)
    repeats = repeats_in(groups_of(third).values(), met)
    assert data["repeated_pairs"] == repeats
    assert data["repeat_penalty"] == pytest.approx(REPEAT * repeats)
    # the total is the objective alone: eval scores the same file the same
    checked = lmatch_json(lmatch, "eval", pool_csv, third, "--json", "-")
    assert checked["feasible"]
    assert data["total"] == pytest.approx(checked["total"], abs=1e-6)
    # without the history the same run repeats more (or as many) pairs
    plain = tmp_path / "plain.csv"
    run_lmatch(lmatch, "groups", pool_csv, "-o", plain, "--quiet")
    assert repeats <= repeats_in(groups_of(plain).values(), met)


def test_history_decay_makes_older_repeats_cheaper(tmp_path, lmatch):
    pool_csv = gen(lmatch, tmp_path, 80, 31)
    old = tmp_path / "old.csv"
    run_lmatch(lmatch, "groups", pool_csv, "-o", old, "--quiet")
    newer = tmp_path / "newer.csv"
    run_lmatch(lmatch, "groups", pool_csv, "-o", newer, "--quiet", "--seed", 2)
    # pairs of `old` are two rounds old: they cost 4 * 0.5; those of `newer` 4
    data = lmatch_json(lmatch, "groups", pool_csv, "--history", old, "--history", newer,
                       "--history-decay", "0.5", "--weights", "repeat=4", "--json", "-",
                       "--quiet")
    groups = [g["members"] for g in data["groups"]]
    met_old, met_new = met_pairs(old), met_pairs(newer)
    expected = sum(4.0 if frozenset(p) in met_new else 2.0 if frozenset(p) in met_old else 0.0
                   for members in groups for p in itertools.combinations(members, 2))
    assert data["repeat_penalty"] == pytest.approx(expected)


# ---- the history file: exact errors ----------------------------------------------


def failing(lmatch, *args):
    done = run_lmatch(lmatch, *args, check=False)
    return done.returncode, done.stderr


def test_history_file_errors(tmp_path, lmatch):
    pool_csv = gen(lmatch, tmp_path, 20, 41)
    ids = [r["id"] for r in csv.DictReader(open(pool_csv))]
    bad_group = tmp_path / "bad_group.csv"
    bad_group.write_text("group,id\n1,%s\nx,%s\n" % (ids[0], ids[1]))
    code, err = failing(lmatch, "groups", pool_csv, "--history", bad_group)
    assert code == 1
    assert "bad_group.csv line 3, column 'group': group 'x' is not a whole number" in err
    no_id = tmp_path / "no_id.csv"
    no_id.write_text("group,name\n1,a\n")
    code, err = failing(lmatch, "groups", pool_csv, "--history", no_id)
    assert code == 1 and "missing required column 'id'" in err
    twice = tmp_path / "twice.csv"
    twice.write_text("round,group,id\n1,1,%s\n1,2,%s\n2,1,%s\n" % (ids[0], ids[0], ids[0]))
    code, err = failing(lmatch, "pairs", pool_csv, "--history", twice)
    assert code == 1
    assert ("twice.csv line 3, column 'id': participant '%s' is listed twice in round 1 "
            "(first on line 2)" % ids[0]) in err
    bad_round = tmp_path / "bad_round.csv"
    bad_round.write_text("round,group,id\n0,1,%s\n" % ids[0])
    code, err = failing(lmatch, "groups", pool_csv, "--history", bad_round)
    assert code == 1 and "line 2, column 'round': round '0' is not a whole number from 1" in err
    code, err = failing(lmatch, "groups", pool_csv, "--history", tmp_path / "missing.csv")
    assert code == 1 and "missing.csv" in err
    code, err = failing(lmatch, "groups", pool_csv, "--history-decay", "1.5")
    assert code == 2


def test_people_who_left_are_skipped(tmp_path, lmatch):
    pool_csv = gen(lmatch, tmp_path, 40, 51)
    ids = [r["id"] for r in csv.DictReader(open(pool_csv))]
    history = tmp_path / "history.csv"
    history.write_text("group,id\n1,%s\n1,gone-away\n1,%s\n" % (ids[0], ids[1]))
    data = lmatch_json(lmatch, "groups", pool_csv, "--history", history, "--no-repeats",
                       "--json", "-", "--quiet")
    for group in data["groups"]:
        assert not {ids[0], ids[1]} <= set(group["members"])


@pytest.mark.parametrize("seed", [7, 8, 9])
def test_a_cheap_repeat_still_loses_to_a_repeat_free_matching(tmp_path, lmatch, seed):
    """The first round's pairs are the best matching: priced at 0.01, the same
    pairs again would score best, yet a matching without repeats that places
    as many people must win (the rule, not the price, decides)."""
    pool_csv = gen(lmatch, tmp_path, 40, seed)
    first = tmp_path / "first.csv"
    run_lmatch(lmatch, "pairs", pool_csv, "-o", first, "--quiet")
    met = met_pairs(first)
    data = lmatch_json(lmatch, "pairs", pool_csv, "--history", first, "--weights",
                       "repeat=0.01", "--json", "-", "--quiet")
    pool = inspect(pool_csv, None)
    free_pairs, free_total = assignment(pool, met, None)
    paid_pairs, _ = assignment(pool, met, 0.01)
    repeats = repeats_in([g["members"] for g in data["groups"]], met)
    assert data["repeated_pairs"] == repeats
    if paid_pairs == free_pairs:
        assert repeats == 0
        assert data["total"] == pytest.approx(free_total, abs=1e-6)
    else:
        assert len(data["groups"]) == paid_pairs
