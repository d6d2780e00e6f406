"""People placed where only language, mix and size matter, against the
integer-program maximum.

With availability and homes blanked, a grouping is feasible exactly when
every group shares a language and holds min_per_role of each role and
min_size..max_size people. The most people any grouping can place is then the
optimum of a small integer program over counts (people of one role who speak
the same languages are interchangeable), solved here with HiGHS
(scipy.optimize.milp), independently of the library. `lmatch groups` must
place at least 99% of it (the placement plan, groups_plan.c, is what gets
there), never more (that would mean a broken constraint), and every grouping
it returns must pass `lmatch eval`."""
import collections
import csv
import json
import pathlib
import subprocess
import sys

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from conftest import run_lmatch

QUALITY = pathlib.Path(__file__).resolve().parents[2] / "bench" / "quality_bench.py"
MIN_SIZE, MAX_SIZE, MIN_PER_ROLE = 4, 6, 2  # the defaults


def blank_pool(folder, lmatch, n, seed):
    raw, pool = folder / "raw.csv", folder / "pool.csv"
    run_lmatch(lmatch, "gen", "--participants", n, "--seed", seed, "-o", raw)
    subprocess.run([sys.executable, str(QUALITY), "blank", str(raw), str(pool)], check=True)
    return pool


def most_placed(pool):
    """The integer program: y[t, l] people of type t (role, languages) in
    groups of language l, g[l] groups of language l."""
    with open(pool, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    spoken = sorted({code for r in rows for code in r["languages"].split(";") if code})
    types = collections.Counter((r["role"], r["languages"]) for r in rows)
    variables = []  # (type, language) pairs, then one g per language
    for (role, languages), _ in types.items():
        for code in [c for c in languages.split(";") if c] or spoken:
            variables.append((role, languages, code))
    y_count, lang_count = len(variables), len(spoken)
    size = y_count + lang_count
    rows_a, lower, upper = [], [], []

    def row():
        return np.zeros(size)

    for key, count in types.items():
        a = row()
        for k, v in enumerate(variables):
            if (v[0], v[1]) == key:
                a[k] = 1
        rows_a.append(a), lower.append(0), upper.append(count)
    for li, code in enumerate(spoken):
        newcomers, residents, both = row(), row(), row()
        for k, v in enumerate(variables):
            if v[2] == code:
                (newcomers if v[0] == "newcomer" else residents)[k] = 1
                both[k] = 1
        g = y_count + li
        for a, per in ((newcomers, MIN_PER_ROLE), (residents, MIN_PER_ROLE), (both, MIN_SIZE)):
            a = a.copy()
            a[g] = -per  # people >= per * groups
            rows_a.append(a), lower.append(0), upper.append(np.inf)
        a = both.copy()
        a[g] = -MAX_SIZE  # people <= max * groups
        rows_a.append(a), lower.append(-np.inf), upper.append(0)
    c = np.zeros(size)
    c[:y_count] = -1
    result = milp(c, constraints=LinearConstraint(np.array(rows_a), lower, upper),
                  integrality=np.ones(size), bounds=Bounds(0, np.inf))
    assert result.status == 0, result.message
    return round(-result.fun)


def placed(path):
    with open(path, encoding="utf-8") as f:
        return sum(len(g["members"]) for g in json.load(f)["groups"])


@pytest.mark.parametrize("n,seed", [(n, s) for n in (150, 300) for s in (1, 2, 3, 4)])
def test_places_as_many_as_the_integer_program(tmp_path, lmatch, n, seed):
    pool = blank_pool(tmp_path, lmatch, n, seed)
    best = most_placed(pool)
    out = tmp_path / "out.json"
    run_lmatch(lmatch, "groups", pool, "--quiet", "--json", out, "-o", tmp_path / "groups.csv")
    got = placed(out)
    assert got <= best, "more placed than the integer program allows: a constraint is broken"
    assert got >= int(0.99 * best), f"placed {got} of at most {best}"
    run_lmatch(lmatch, "eval", pool, tmp_path / "groups.csv", "--json", tmp_path / "eval.json")
    with open(tmp_path / "eval.json", encoding="utf-8") as f:
        assert json.load(f)["feasible"]


def test_plan_does_not_depend_on_threads(tmp_path, lmatch):
    pool = blank_pool(tmp_path, lmatch, 400, 7)
    outputs = []
    for threads in (1, 2):
        out = tmp_path / f"groups{threads}.csv"
        run_lmatch(lmatch, "groups", pool, "--quiet", "--threads", threads, "-o", out)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
