"""Checks of bench/quality_bench.py, the quality benchmark against references:
the split that makes the integer program exact, the program itself against
brute force on tiny pools, the pool helpers, and a whole --quick run of the
harness on tiny pools (with LMATCH), its page, its before/after columns and
the section it keeps in docs/benchmarks.md (which run_benchmarks.py emits too).

Run by meson (`meson test --suite python`) with LMATCH set to the program. The
integer-program checks need Debian's python3-pulp and coinor-cbc and are
skipped without them."""
import copy
import csv
import itertools
import json
import os
import random
import shutil
import subprocess
import sys

import pytest

BENCH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench")
sys.path.insert(0, BENCH)
import quality_bench  # noqa: E402
import run_benchmarks  # noqa: E402

LMATCH = os.environ.get("LMATCH")
needs_lmatch = pytest.mark.skipif(not LMATCH or not os.path.exists(LMATCH),
                                  reason="LMATCH is not set (the lmatch tool is not built)")


def have_pulp():
    try:
        import pulp  # noqa: F401
    except ImportError:
        return False
    return shutil.which("cbc") is not None


needs_pulp = pytest.mark.skipif(not have_pulp(), reason="python3-pulp or coinor-cbc missing "
                                "(apt-get install python3-pulp coinor-cbc)")


def splittable(n, r, g, low, high, q):
    """Brute force: can n newcomers and r residents form exactly g groups of
    low..high members with at least q of each role?"""
    reach = {(0, 0)}
    for _ in range(g):
        reach = {(a + x, b + y) for a, b in reach for x in range(q, high + 1)
                 for y in range(q, high + 1 - x) if low <= x + y <= high
                 and a + x <= n and b + y <= r}
    return (n, r) in reach


@pytest.mark.parametrize("low,high,q", [(4, 6, 2), (2, 4, 1), (3, 5, 1), (4, 4, 2), (5, 8, 2)])
def test_split_exists_exactly_when_the_inequalities_hold(low, high, q):
    for n, r, g in itertools.product(range(13), range(13), range(5)):
        split = quality_bench.split_counts(list(range(n)), list(range(100, 100 + r)), g,
                                           low, high, q)
        holds = q * g <= n and q * g <= r and low * g <= n + r <= high * g
        assert (split is not None) == holds == splittable(n, r, g, low, high, q), (n, r, g)
        if split is None:
            continue
        assert sorted(m for group in split for m in group) == \
            list(range(n)) + list(range(100, 100 + r))
        for group in split:
            newcomers = sum(1 for m in group if m < 100)
            assert low <= len(group) <= high
            assert newcomers >= q and len(group) - newcomers >= q


def brute_force_placed(people):
    """The most people placed: every person to one of their languages or out."""
    codes = sorted({c for p in people for c in p["languages"]}) or ["*"]
    best = 0
    options = [[None] + (sorted(p["languages"]) or codes) for p in people]
    for choice in itertools.product(*options):
        placed = 0
        for code in codes:
            n = sum(1 for p, c in zip(people, choice) if c == code and p["role"] == "newcomer")
            r = sum(1 for p, c in zip(people, choice) if c == code and p["role"] == "resident")
            if n + r == 0:
                continue
            if not any(2 * g <= n and 2 * g <= r and 4 * g <= n + r <= 6 * g
                       for g in range(1, (n + r) // 4 + 1)):
                break
            placed += n + r
        else:
            best = max(best, placed)
    return best


@needs_pulp
def test_integer_program_matches_brute_force_on_tiny_pools():
    rng = random.Random(14)
    sets = [["nl"], ["en"], ["nl", "en"], ["ar"], ["ar", "en"], []]
    for trial in range(6):
        people = [{"id": "p%d" % i, "role": rng.choice(["newcomer", "resident"]),
                   "languages": rng.choice(sets)} for i in range(9)]
        result = quality_bench.solve_ilp(people, time_limit=20)
        assert result["proven"]
        assert result["placed"] == brute_force_placed(people), (trial, people)
        groups = quality_bench.witness_groups(result["assignment"])
        assert sum(len(m) for _, m in groups) == result["placed"]
        speaks = {p["id"]: set(p["languages"]) for p in people}
        for code, members in groups:
            assert all(not speaks[m] or code in speaks[m] for m in members)
        assert result["lp_bound"] >= result["placed"] - 1e-6
        if result["highs"]:
            assert round(result["highs"]["value"]) == result["placed"]


def test_blank_and_widen_venues(tmp_path):
    pool = tmp_path / "pool.csv"
    pool.write_text("id,role,interests,languages,availability,lat,lon,max_km\n"
                    "a,newcomer,cooking;music,nl;ar,mon-evening,52.1,5.1,3\n")
    quality_bench.blank_pool(str(pool), str(tmp_path / "blank.csv"))
    row = next(csv.DictReader(open(tmp_path / "blank.csv")))
    assert row["interests"] == "cooking;music" and row["languages"] == "nl;ar"
    assert row["availability"] == row["lat"] == row["lon"] == row["max_km"] == ""
    venues = tmp_path / "venues.csv"
    venues.write_text("id,lat,lon,open,capacity,step_free\n"
                      "v1,52.1,5.1,mon-evening;tue-morning,2,yes\n"
                      "v2,52.2,5.2,sat-morning,1,no\n")
    assert quality_bench.venue_places(str(venues)) == 5
    factor, demand = quality_bench.venue_factor(5, 100)
    assert factor == 10 and demand == 25      # 5 x 10 = 50 places >= 2 x 25
    quality_bench.widen_venues(str(venues), str(tmp_path / "wide.csv"), factor)
    assert quality_bench.venue_places(str(tmp_path / "wide.csv")) == 50


def run_harness(*args):
    done = subprocess.run(["/usr/bin/python3", os.path.join(BENCH, "quality_bench.py")] +
                          [str(a) for a in args], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)
    assert done.returncode == 0, done.stderr
    return done


@needs_lmatch
def test_quick_run_page_and_before_column(tmp_path):
    results, work = tmp_path / "results", tmp_path / "work"
    page, benchmarks = tmp_path / "quality.md", tmp_path / "benchmarks.md"
    benchmarks.write_text("# Benchmarks\n\n## Quality against effort\n\ntext\n\n"
                          "## Pairs\n\npairs\n")
    run_harness("--quick", "--lmatch", LMATCH, "--label", "after", "--results", results,
                "--page", page, "--benchmarks-page", benchmarks, "--work", work)
    data = json.loads((results / "quality_after.json").read_text())
    assert data["label"] == "after" and data["machine"]["cores"] >= 1
    assert "lmatch" in data["lmatch_version"]

    # Planted: the planted grouping is feasible, the share is a ratio of totals.
    assert data["planted"] and any(e["venues"] for e in data["planted"])
    for e in data["planted"]:
        assert e["planted"]["feasible"] and e["planted"]["violations"] == 0
        assert e["planted"]["placed"] == e["n"] == 6 * e["k"]
        run = e["runs"][0]
        assert run["n"] == e["n"] and 0 <= run["placed"] <= e["n"]
        assert run["share"] == pytest.approx(run["total"] / e["planted"]["total"])

    # Language, mix and size: the program's grouping passes eval, and nothing
    # places more than its maximum.
    if have_pulp():
        assert data["lms"] and not data["skipped"]
        for e in data["lms"]:
            ilp, run = e["ilp"], e["runs"][0]
            assert ilp["proven"] and ilp["witness_feasible"]
            assert ilp["witness_eval_placed"] == ilp["witness_placed"] == ilp["placed"]
            assert run["placed"] <= ilp["upper"]
            assert run["ratio"] == pytest.approx(run["placed"] / ilp["placed"])
    else:
        assert not data["lms"] and data["skipped"]

    # Cities: the rich venues hold at least twice the demand.
    for e in data["city"]:
        assert e["rich_places"] >= 2 * e["demand_groups"]
        assert e["generated"]["n"] == e["rich"][0]["n"] == e["n"]
    efforts = sorted({s["effort"] for s in data["sweep"]})
    assert efforts == quality_bench.QUICK["efforts"]

    text = page.read_text()
    for heading in ("## Targets", "## 1. Planted pools", "## 2. Language, mix and size",
                    "## 3. Cities", "## 4. Effort sweep", "## Commands of every measurement"):
        assert heading in text
    assert "bench/planted.py --groups 5 --seed 1 --pool WORK/" in text
    assert str(work) not in text and str(tmp_path) not in text
    assert "share before" not in text

    section = benchmarks.read_text()
    assert section.count(quality_bench.BEGIN_MARK) == 1
    assert section.index(quality_bench.END_MARK) < section.index("## Pairs")
    assert "(benchmarks_quality.md)" in section

    # A before file adds the before columns; bound and gap show when present.
    before = copy.deepcopy(data)
    before["label"] = "before"
    (results / "quality_before.json").write_text(json.dumps(before))
    for e in data["planted"]:
        e["runs"][0]["bound"], e["runs"][0]["gap"] = e["planted"]["total"] + 1.0, 0.001
    for e in data["city"]:
        e["generated"]["bound"], e["generated"]["gap"] = e["generated"]["total"] + 5.0, 0.03
    (results / "quality_after.json").write_text(json.dumps(data))
    run_harness("--report-only", "--results", results, "--page", page,
                "--benchmarks-page", benchmarks)
    text = page.read_text()
    assert "share before" in text and "0.10%" in text
    assert "|  | after | before |" in text
    rows = {name: ok for name, _, _, _, ok in quality_bench.targets(data, before)}
    assert rows["reported gap, planted pools (worst)"] is True
    assert any(name.startswith("generated 500 city") for name in rows)
    again = benchmarks.read_text()
    assert again.count(quality_bench.BEGIN_MARK) == 1 and again.count("## Pairs") == 1

    # run_benchmarks.py emits the same section when it regenerates its page.
    assert run_benchmarks.quality_section(str(results)) == \
        quality_bench.summary_section(str(results))
    assert quality_bench.summary_section(str(tmp_path / "none")) is None
