"""The group search against references it cannot be tuned to.

Planted pools (bench/planted.py) hold groups of six that are perfect by
construction; the search must reach the planted grouping's total, which
`lmatch eval` computes independently from the planted groups file. Results
must not depend on the thread count."""
import json
import pathlib
import subprocess
import sys

import pytest

from conftest import run_lmatch

PLANTED = pathlib.Path(__file__).resolve().parents[2] / "bench" / "planted.py"


def planted_pool(folder, groups, seed, venues=False):
    pool, planted = folder / "pool.csv", folder / "planted.csv"
    command = [sys.executable, str(PLANTED), "--groups", str(groups), "--seed", str(seed),
               "--pool", str(pool), "--groups-out", str(planted)]
    venue_file = None
    if venues:
        venue_file = folder / "venues.csv"
        command += ["--venues-out", str(venue_file)]
    subprocess.run(command, check=True)
    return pool, planted, venue_file


def total_of(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)["total"]


@pytest.mark.parametrize("groups,seed", [(k, s) for k in (5, 10, 20) for s in (1, 2, 3)])
def test_planted_score_is_reached(tmp_path, lmatch, groups, seed):
    pool, planted, _ = planted_pool(tmp_path, groups, seed)
    run_lmatch(lmatch, "eval", pool, planted, "--json", tmp_path / "planted.json")
    with open(tmp_path / "planted.json", encoding="utf-8") as f:
        reference = json.load(f)
    assert reference["feasible"], "the planted grouping must meet every hard constraint"
    run_lmatch(lmatch, "groups", pool, "--quiet", "--json", tmp_path / "out.json")
    assert total_of(tmp_path / "out.json") >= reference["total"] - 1e-6


def test_planted_score_is_reached_with_venues(tmp_path, lmatch):
    pool, planted, venues = planted_pool(tmp_path, 20, 4, venues=True)
    run_lmatch(lmatch, "eval", pool, planted, "--venues", venues, "--json", tmp_path / "p.json")
    run_lmatch(lmatch, "groups", pool, "--venues", venues, "--quiet", "--json",
               tmp_path / "out.json")
    assert total_of(tmp_path / "out.json") >= total_of(tmp_path / "p.json") - 1e-6


@pytest.mark.parametrize("venues", [False, True])
def test_threads_do_not_change_the_bytes(tmp_path, lmatch, venues):
    pool, venue_file = tmp_path / "pool.csv", tmp_path / "venues.csv"
    args = ["gen", "-n", 4000, "--seed", 3, "-o", pool]
    if venues:
        args += ["--venues", 16, "--venues-out", venue_file]
    run_lmatch(lmatch, *args)
    outputs = []
    for threads in (1, 2, 3):
        out = tmp_path / f"groups{threads}.csv"
        command = ["groups", pool, "--quiet", "--threads", threads, "-o", out]
        if venues:
            command += ["--venues", venue_file]
        run_lmatch(lmatch, *command)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
