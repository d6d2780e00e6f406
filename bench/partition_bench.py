#!/usr/bin/env python3
"""Runs `lmatch partition` on the MDGPLIB instances at the time limits of the
published TPSDP results (3 s for n = 120, 20 s for n = 240, 120 s for
n = 480; one run each) and writes the gap table as markdown.

The instances are not in the repository. --data names their folder (the one
with tpsdp_2022_results.csv and RanReal/, RanInt/, Geo/); without it the
environment variable LIBMATCH_MDGPLIB does. `ninja -C BUILD
benchmarks-partition` passes the folder given by `meson setup -Dmdgplib=PATH`.

Every objective is recomputed here from the instance file and the groups
that lmatch wrote, and the group bounds are checked, so the table does not
trust the solver's own report.

    bench/partition_bench.py --lmatch BUILD/tools/lmatch \\
        --data "$LIBMATCH_MDGPLIB" --out docs/benchmarks_partition.md

The command printed at the top of the table names files by their path in the
repository (or only by their name when they are outside it) and the data
folder as "$LIBMATCH_MDGPLIB", so the page holds no path of one machine.
"""
import argparse
import csv
import json
import os
import platform
import re
import resource
import shlex
import subprocess
import sys
import tempfile
import time


def read_instance(path):
    with open(path) as f:
        header = f.readline().split()
        n, m = int(header[0]), int(header[1])
        bounds = [int(x) for x in header[3:]]
        lower, upper = bounds[0::2], bounds[1::2]
        weights = {}
        for line in f:
            parts = line.split()
            if len(parts) == 3:
                weights[(int(parts[0]), int(parts[1]))] = float(parts[2])
    return n, m, lower, upper, weights


def score(n, m, lower, upper, weights, groups):
    if len(groups) != n:
        raise ValueError("groups has %d entries, not %d" % (len(groups), n))
    sizes = [0] * m
    for g in groups:
        sizes[g] += 1
    for g in range(m):
        if not lower[g] <= sizes[g] <= upper[g]:
            raise ValueError("group %d has %d items, bounds %d..%d"
                             % (g, sizes[g], lower[g], upper[g]))
    return sum(d for (i, j), d in weights.items() if groups[i] == groups[j])


SOURCE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA_VARIABLE = "LIBMATCH_MDGPLIB"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lmatch", required=True, help="path of the lmatch binary")
    parser.add_argument("--data", default=os.environ.get(DATA_VARIABLE) or None,
                        help="the MDGPLIB folder (default: $%s)" % DATA_VARIABLE)
    parser.add_argument("--out", default=os.path.join(SOURCE, "docs",
                                                      "benchmarks_partition.md"))
    parser.add_argument("--csv", help="also write one row per run to this CSV file")
    parser.add_argument("--sizes", default="120,240,480")
    parser.add_argument("--match", default="", help="only instances whose name matches "
                                                    "this regular expression")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--time-scale", type=float, default=1.0,
                        help="multiply the published time limits (for quick checks)")
    args = parser.parse_args()
    if not args.data:
        parser.error("give the MDGPLIB folder with --data or the environment variable "
                     + DATA_VARIABLE)

    sizes = {int(s) for s in args.sizes.split(",")}
    with open(os.path.join(args.data, "tpsdp_2022_results.csv")) as f:
        reference = [r for r in csv.DictReader(f)
                     if int(r["n"]) in sizes and re.search(args.match, r["instance"])]
    rows = []
    for r in reference:
        name = r["instance"]
        path = os.path.join(args.data, name.split("_")[0], name + ".txt")
        if not os.path.exists(path):
            continue  # the data folder may hold only some of the published instances
        limit = float(r["time_limit_s"]) * args.time_scale
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
            out = tmp.name
        command = [args.lmatch, "partition", path, "--time-limit", "%g" % limit,
                   "--seed", str(args.seed), "--threads", str(args.threads),
                   "--quiet", "--json", out]
        start = time.monotonic()
        cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(command, check=True)
        cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        seconds = time.monotonic() - start
        cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime +
                                                           cpu_before.ru_stime)
        with open(out) as f:
            result = json.load(f)
        os.unlink(out)
        objective = score(*read_instance(path), result["groups"])
        if abs(objective - result["objective"]) > 1e-6 * abs(objective):
            sys.exit("%s: lmatch reports %.6f, the groups score %.6f"
                     % (name, result["objective"], objective))
        best, avg = float(r["tpsdp_best"]), float(r["tpsdp_avg"])
        row = {"instance": name, "set": name.split("_")[0], "n": int(r["n"]),
               "type": r["type"], "objective": objective, "seconds": seconds, "cpu": cpu,
               "tpsdp_best": best, "tpsdp_avg": avg,
               "gap": 100.0 * (best - objective) / best,
               # TPSDP read the weights as float: allow for its rounding
               "beats_avg": objective >= avg - 1e-6 * abs(avg)}
        rows.append(row)
        print("%-22s %14.3f  gap %7.4f%%  %s" % (name, objective, row["gap"],
                                                 ">= avg" if row["beats_avg"] else ""),
              flush=True)

    if args.csv:
        with open(args.csv, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
            writer.writeheader()
            writer.writerows(rows)
    write_table(args, rows)


def shown_path(path):
    """A path as the page shows it: relative to the repository when inside it,
    else only its name (a path of one machine means nothing to a reader)."""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, SOURCE)
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return os.path.basename(absolute)
    return relative


def shown_command(args):
    """The command that reproduces the table, without paths of this machine."""
    words = [shlex.quote(w) for w in ("bench/partition_bench.py", "--lmatch",
                                      shown_path(args.lmatch))]
    words += ["--data", '"$%s"' % DATA_VARIABLE]
    words += [shlex.quote(w) for w in ("--out", shown_path(args.out))]
    if args.csv:
        words += [shlex.quote(w) for w in ("--csv", shown_path(args.csv))]
    for option, value, default in (("--sizes", args.sizes, "120,240,480"),
                                   ("--match", args.match, ""),
                                   ("--seed", args.seed, 1),
                                   ("--threads", args.threads, 1),
                                   ("--time-scale", args.time_scale, 1.0)):
        if value != default:
            words += [option, shlex.quote(str(value))]
    return " ".join(words)


def write_table(args, rows):
    lines = [
        "# Matrix partitioning against the published MDGPLIB results",
        "",
        "Command:",
        "",
        "    " + shown_command(args),
        "",
        "One run per instance, seed %d, %d thread(s), at the TPSDP time limits%s "
        "(3 s for n = 120, 20 s for n = 240, 120 s for n = 480; wall clock here, "
        "CPU time in TPSDP). Machine: %s, %s. Gap = (tpsdp_best - ours) / tpsdp_best; "
        "negative means better than the best of TPSDP's 20 runs. \"≥ avg\" counts the "
        "instances where our single run matches or beats TPSDP's 20-run average. "
        "Objectives are recomputed from the instance files by the script. \"CPU / wall\" "
        "is the CPU time lmatch got per second of its time limit: below 1 (per thread) "
        "when the machine was shared."
        % (args.seed, args.threads,
           "" if args.time_scale == 1 else " times %g" % args.time_scale,
           platform.machine(), "%d cores" % os.cpu_count()),
        "",
        "| set | n | instances | mean gap | worst gap | ≥ avg | CPU / wall |",
        "|-----|---|-----------|----------|-----------|-------|------------|",
    ]
    groups = {}
    for row in rows:
        groups.setdefault((row["set"], row["n"]), []).append(row)
    for n in sorted({r["n"] for r in rows}):
        for s in sorted({r["set"] for r in rows}):
            group = groups.get((s, n))
            if group:
                lines.append(summary_line(s, n, group))
        lines.append(summary_line("**all**", n, [r for r in rows if r["n"] == n]))
    lines += ["", "<details><summary>Every instance</summary>", "",
              "| instance | ours | tpsdp_best | tpsdp_avg | gap | seconds | CPU s |",
              "|----------|------|------------|-----------|-----|---------|-------|"]
    for r in rows:
        lines.append("| %s | %.3f | %.3f | %.3f | %.4f%% | %.1f | %.1f |"
                     % (r["instance"], r["objective"], r["tpsdp_best"], r["tpsdp_avg"],
                        r["gap"], r["seconds"], r["cpu"]))
    lines += ["", "</details>", ""]
    with open(args.out, "w") as f:
        f.write("\n".join(lines))


def summary_line(name, n, group):
    gaps = [r["gap"] for r in group]
    share = sum(r["cpu"] for r in group) / sum(r["seconds"] for r in group)
    return "| %s | %d | %d | %.3f%% | %.3f%% | %d of %d | %.2f |" % (
        name, n, len(group), sum(gaps) / len(gaps), max(gaps),
        sum(r["beats_avg"] for r in group), len(group), share)


if __name__ == "__main__":
    main()
