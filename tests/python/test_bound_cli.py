"""The bound and the gap as lmatch reports them: "bound" never below "total"
(nor below the planted grouping a generator builds, whatever the solver
finds), "gap" computed from the JSON's own numbers, and the summaries that
say how close to the best possible a grouping is."""
import json
import os
import re
import subprocess
import sys

import pytest

from conftest import run_lmatch

HERE = os.path.dirname(os.path.abspath(__file__))
PLANTED = os.path.join(HERE, "..", "..", "bench", "planted.py")
MU = 10.0  # the default penalty per unassigned participant


def lmatch_json(lmatch, *args):
    return json.loads(run_lmatch(lmatch, *args).stdout)


def gap_of(data, people, mu=MU):
    return (data["bound"] - data["total"]) / (data["bound"] + mu * people)


def people_of(data):
    return sum(len(g["members"]) for g in data["groups"]) + len(data["unassigned"])


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """A pool of 20 planted groups of six (bench/planted.py) and its grouping."""
    folder = tmp_path_factory.mktemp("planted")
    pool, groups = folder / "pool.csv", folder / "planted.csv"
    subprocess.run([sys.executable, PLANTED, "--groups", "20", "--seed", "1", "--pool", str(pool),
                    "--groups-out", str(groups)], check=True)
    return pool, groups


def test_bound_covers_the_planted_grouping(lmatch, planted):
    pool, groups = planted
    evaluated = lmatch_json(lmatch, "eval", pool, groups, "--json=-")
    assert evaluated["feasible"] is True
    assert len(evaluated["groups"]) == 20 and not evaluated["unassigned"]
    # the planted grouping is feasible, so no bound may be below its total
    assert evaluated["bound"] >= evaluated["total"]
    assert evaluated["gap"] == pytest.approx(gap_of(evaluated, 120), rel=1e-12)
    # planted groups are near perfect: the bound is within a few percent
    assert evaluated["gap"] < 0.02
    solved = lmatch_json(lmatch, "groups", pool, "--quiet", "--json", "-")
    assert solved["bound"] == evaluated["bound"]
    assert solved["total"] <= solved["bound"]


@pytest.mark.parametrize("with_venues,options,mu", [
    (False, [], MU),
    (True, [], MU),
    (False, ["--min-size", "3", "--max-size", "5", "--min-per-role", "1",
             "--weights", "theme=2,shared=0.5,exchange=3,balance=1,unassigned=4"], 4.0),
    (True, ["--no-language", "--weights", "cohost=3,unassigned=20"], 20.0),
])
def test_json_bound_and_gap(lmatch, city, with_venues, options, mu):
    pool, venues = city
    if with_venues:
        options = options + ["--venues", venues]
    data = lmatch_json(lmatch, "groups", pool, "--quiet", "--json", "-", *options)
    people = people_of(data)
    assert people == 300
    assert data["total"] <= data["bound"]
    assert data["gap"] == pytest.approx(gap_of(data, people, mu), rel=1e-12, abs=1e-15)
    assert 0 <= data["gap"] < 1
    # every field that was there before is still there, in the same place
    assert list(data)[:2] == ["groups", "unassigned"]
    assert list(data)[-4:] == ["optimality", "total", "bound", "gap"]


def test_summaries_say_how_close(lmatch, city, tmp_path):
    pool, venues = city
    done = run_lmatch(lmatch, "groups", pool, "--venues", venues)
    line = done.stderr.strip().splitlines()[-1]
    match = re.match(r"lmatch groups: (\d+) of 300 placed in (\d+) groups"
                     r"(?:; not placed: [^;]+)?; total (\S+), "
                     r"within ([\d.]+)% of the best possible$", line)
    assert match, line
    data = lmatch_json(lmatch, "groups", pool, "--venues", venues, "--quiet", "--json", "-")
    assert float(match.group(4)) == pytest.approx(100 * data["gap"], abs=0.051)
    assert re.search(r"^That is within [\d.]+% of the best possible: no grouping can score "
                     r"more than \S+\.$", done.stdout, re.M)
    # --quiet keeps stderr empty
    assert run_lmatch(lmatch, "groups", pool, "--quiet", "-o", tmp_path / "g.csv").stderr == ""
    # eval says it too, for a grouping made by hand
    report = run_lmatch(lmatch, "eval", pool, tmp_path / "g.csv").stdout
    assert re.search(r"^That is within [\d.]+% of the best possible", report, re.M)


def test_pairs_are_their_own_bound(lmatch, city):
    pool, _ = city
    data = lmatch_json(lmatch, "pairs", pool, "--quiet", "--json", "-")
    assert data["optimality"] == "optimal"
    assert data["bound"] == data["total"] and data["gap"] == 0
    small = lmatch_json(lmatch, "pairs", pool, "--quiet", "--json", "-", "--candidates", "1")
    if small["optimality"] == "optimal_on_candidates":
        assert small["bound"] is None and small["gap"] is None
