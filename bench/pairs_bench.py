#!/usr/bin/python3
"""Benchmarks of pairs mode; writes docs/benchmarks_pairs.md (markdown).

    /usr/bin/python3 bench/pairs_bench.py BUILD_DIR [--out docs/benchmarks_pairs.md]
        [--quick]

1. Dense, 2,000 per side: the pair weight matrix of a generated city is
   solved by libmatch's dense assignment solver (timed inside pairs_bench)
   and by scipy.optimize.linear_sum_assignment on the same numbers (timed
   here), side by side in one run; the best of three runs of each.
2. The gap of the candidate graph: lm_pairs_match on all pairs (provably
   optimal) and on the candidate graph (20 partners per person) at 2,000
   and 5,000 per side.
3. City scale: 100,000 newcomers and 100,000 residents on the candidate
   graph, without venues and with 400 venues, and on two threads: wall and
   CPU seconds, peak memory.

Run it with `nice`, one benchmark at a time, on an otherwise quiet machine.
"""
import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

import numpy as np
from scipy.optimize import linear_sum_assignment

MU = 10.0
SOURCE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def shown_path(path, outside):
    """A path as the page shows it: relative to the repository when inside it,
    else `outside` (a path of one machine means nothing to a reader)."""
    relative = os.path.relpath(os.path.abspath(path), SOURCE)
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return outside
    return relative


def bench(build, *args):
    exe = os.path.join(build, "bench", "pairs_bench")
    done = subprocess.run([exe, *map(str, args)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def dense_versus_scipy(build, per_side, runs, matrix_path):
    ours, theirs = [], []
    ours_total = theirs_total = None
    for _ in range(runs):
        result = bench(build, "matrix", per_side, "--out", matrix_path)
        ours.append(result["solve_s"])
        ours_total = result["matched_weight"]
        weight = np.fromfile(matrix_path, dtype="<f8").reshape(per_side, per_side)
        # the same problem: an edge worth nothing (or infeasible) costs 0
        cost = -np.where(weight > 0, weight, 0.0)
        start = time.perf_counter()
        rows, cols = linear_sum_assignment(cost)
        theirs.append(time.perf_counter() - start)
        theirs_total = float(-cost[rows, cols].sum())
    return {"per_side": per_side, "ours_s": min(ours), "scipy_s": min(theirs),
            "ours_all": ours, "scipy_all": theirs, "ours_total": ours_total,
            "scipy_total": theirs_total, "infeasible_share": result["infeasible_share"],
            "build_s": result["build_s"]}


def score_sum(run):
    """The pairs' summed scores: the total plus mu per unassigned person."""
    return run["total"] + MU * run["unassigned"]


def gap(build, per_side):
    dense = bench(build, "match", per_side, "--dense")
    sparse = bench(build, "match", per_side, "--candidates", 20)
    assert dense["optimality"] == 1 and sparse["optimality"] == 2
    return {"per_side": per_side, "dense": dense, "sparse": sparse,
            "gap": dense["total"] - sparse["total"],
            "gap_share_of_scores": (dense["total"] - sparse["total"]) / score_sum(dense)}


def markdown(results, commands):
    lines = ["# Pairs mode benchmarks", "",
             "Measured by `bench/pairs_bench.py` (it drives `bench/pairs_bench` and scipy) on "
             f"{platform.machine()} with {os.cpu_count()} cores, load average "
             f"{results['load']:.1f} at the start (the machine is shared: wall times vary, "
             "CPU seconds less). Pools are generated cities (`lm_pool_generate`, seed 1, half "
             "newcomers); default weights (mu = 10), one thread.", "",
             "Commands:", "", "```sh"] + commands + ["```", ""]

    d = results["dense"]
    ratio = d["ours_s"] / d["scipy_s"]
    lines += ["## Dense: libmatch against scipy on the same matrix", "",
              f"The pair weight matrix (2 mu + score, infeasible pairs cost 0) of "
              f"{d['per_side']:,} newcomers and {d['per_side']:,} residents, "
              f"{100 * d['infeasible_share']:.0f}% of pairs infeasible; the best of "
              f"{len(d['ours_all'])} runs each.", "",
              "| solver | seconds | matched weight |", "|---|---:|---:|",
              f"| libmatch `lm__assign_dense` | {d['ours_s']:.3f} | {d['ours_total']:.6f} |",
              f"| scipy `linear_sum_assignment` | {d['scipy_s']:.3f} | {d['scipy_total']:.6f} |",
              "", f"Ratio libmatch / scipy: **{ratio:.2f}** (target <= 1.0). Building the "
              f"matrix (scoring and checking all {d['per_side'] ** 2:,} pairs) took "
              f"{d['build_s']:.2f} s more.", ""]

    lines += ["## Candidate graph against the dense optimum", "",
              "`lm_pairs_match` on all pairs (LM_OPTIMAL) and on the candidate graph with 20 "
              "partners per person (LM_OPTIMAL_ON_CANDIDATES). The gap is in the total; "
              "relative to the summed pair scores (total + mu x unassigned) of the optimum.", "",
              "| per side | dense total | dense pairs | dense s | candidates total | "
              "candidates pairs | candidates s | gap | gap / scores |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for g in results["gaps"]:
        lines.append(f"| {g['per_side']:,} | {g['dense']['total']:.2f} | {g['dense']['pairs']:,} "
                     f"| {g['dense']['seconds']:.2f} | {g['sparse']['total']:.2f} | "
                     f"{g['sparse']['pairs']:,} | {g['sparse']['seconds']:.2f} | "
                     f"{g['gap']:.2f} | {100 * g['gap_share_of_scores']:.2f}% |")
    lines.append("")

    lines += ["## City scale", "",
              "| per side | venues | threads | wall s | CPU s | peak MB | total | pairs | "
              "unassigned |",
              "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for c in results["city"]:
        lines.append(f"| {c['per_side']:,} | {c['venues']} | {c['threads']} | {c['seconds']:.2f} | "
                     f"{c['cpu_seconds']:.2f} | {c['peak_mb']:.0f} | {c['total']:.2f} | "
                     f"{c['pairs']:,} | {c['unassigned']:,} |")
    lines += ["", "Targets: at most 20 s and 2 GB for 100,000 + 100,000. Peak memory is the "
              "whole process (the generated pool included); CPU seconds add up all threads. "
              "Every run is on the candidate graph (LM_OPTIMAL_ON_CANDIDATES); the gap table "
              "above measures what that costs where the dense optimum can be computed.", ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build", help="the meson build directory")
    parser.add_argument("--out", help="markdown file (default: standard output)")
    parser.add_argument("--quick", action="store_true", help="small sizes, to try the script")
    args = parser.parse_args()
    quick = args.quick
    results = {"load": os.getloadavg()[0]}
    per_side = 300 if quick else 2000
    gap_sizes = [300, 600] if quick else [2000, 5000]
    city = 5000 if quick else 100000
    build = shown_path(args.build, "BUILD")
    exe = f"{build}/bench/pairs_bench"
    this = f"/usr/bin/python3 bench/pairs_bench.py {build}"
    if args.out:
        this += " --out " + shown_path(args.out, os.path.basename(args.out))
    if quick:
        this += " --quick"
    commands = [this,
                "# which runs, one at a time:",
                f"{exe} matrix {per_side} --out matrix.f64   # x3, then scipy on matrix.f64"]
    commands += [f"{exe} match {n} --dense && {exe} match {n} --candidates 20"
                 for n in gap_sizes]
    commands += [f"{exe} match {city}", f"{exe} match {city} --venues 400",
                 f"{exe} match {city} --threads 2"]

    with tempfile.TemporaryDirectory() as tmp:
        print("dense against scipy ...", file=sys.stderr)
        results["dense"] = dense_versus_scipy(args.build, per_side, 3,
                                              os.path.join(tmp, "matrix.f64"))
    results["gaps"] = []
    for n in gap_sizes:
        print(f"gap at {n} per side ...", file=sys.stderr)
        results["gaps"].append(gap(args.build, n))
    results["city"] = []
    for venues, threads in ((0, 1), (400, 1), (0, 2)):
        print(f"city of {city} per side, {venues} venues, {threads} threads ...",
              file=sys.stderr)
        results["city"].append(bench(args.build, "match", city, "--venues", venues,
                                     "--threads", threads))
    text = markdown(results, commands)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    else:
        print(text)
    json.dump(results, sys.stderr, indent=1)


if __name__ == "__main__":
    main()
