#!/usr/bin/python3
"""Benchmark of libmatch.distributed against the single process (issue 18).

    nice bench/distributed_bench.py --lmatch build/tools/lmatch --participants 1000000 \
        --venues 2000 --workers 2 --tiles 2,4,8 --out docs/benchmarks_distributed.md

For one generated city (lmatch gen) it runs `lmatch groups` once and
`python3 -m libmatch.distributed groups` on a LocalCluster of --workers
worker processes for each number of tiles, and writes a Markdown table: wall
time, total, total + mu n (what placed people and their groups earn, mu =
10), placed share, the distributed run's loss against the single process,
and seconds per 100,000 participants per worker core. Every distributed
result is checked with `lmatch eval` (feasible, same total). Needs the
package on PYTHONPATH and LIBMATCH_LIBRARY as in the build tree's tests."""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

MU = 10.0


def run(command):
    start = time.monotonic()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit("failed: %s\n%s" % (" ".join(command), done.stderr))
    return time.monotonic() - start


def summary(path, n):
    with open(path, encoding="utf-8") as f:
        result = json.load(f)
    placed = sum(len(g["members"]) for g in result["groups"])
    return result["total"], result["total"] + MU * n, placed / n


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lmatch", required=True)
    parser.add_argument("--participants", type=int, default=1_000_000)
    parser.add_argument("--venues", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--tiles", default="2,4,8", help="numbers of tiles, comma-separated")
    parser.add_argument("--effort", type=int, help="as lmatch groups --effort")
    parser.add_argument("--out", help="write the Markdown table here (default: print it)")
    args = parser.parse_args()
    n = args.participants
    effort = [] if args.effort is None else ["--effort", str(args.effort)]
    with tempfile.TemporaryDirectory(prefix="libmatch-dist-bench-") as folder:
        pool, venues = os.path.join(folder, "pool.csv"), os.path.join(folder, "venues.csv")
        run([args.lmatch, "gen", "-n", str(n), "--seed", str(args.seed), "--venues",
             str(args.venues), "--venues-out", venues, "-o", pool])
        single_json = os.path.join(folder, "single.json")
        seconds = run([args.lmatch, "groups", pool, "--venues", venues, "--seed", "1",
                       "--json", single_json] + effort)
        total, earned, share = summary(single_json, n)
        rows = [("single process (lmatch groups)", "-", seconds, total, earned, share, "",
                 seconds / (n / 1e5))]
        for tiles in [int(t) for t in args.tiles.split(",")]:
            out_csv, out_json = os.path.join(folder, "d.csv"), os.path.join(folder, "d.json")
            seconds = run([sys.executable, "-m", "libmatch.distributed", "groups", pool,
                           "--venues", venues, "--seed", "1", "--workers", str(args.workers),
                           "--tiles", str(tiles), "-o", out_csv, "--json", out_json] + effort)
            checked = os.path.join(folder, "eval.json")
            run([args.lmatch, "eval", pool, out_csv, "--venues", venues, "--json", checked])
            with open(checked, encoding="utf-8") as f:
                if not json.load(f)["feasible"]:
                    sys.exit("the %d-tile result is not feasible" % tiles)
            d_total, d_earned, d_share = summary(out_json, n)
            rows.append(("distributed, %d workers" % args.workers, str(tiles), seconds, d_total,
                         d_earned, d_share, "%+.2f%%" % (100 * (d_earned - earned) / earned),
                         seconds * args.workers / (n / 1e5)))
    lines = ["| run | tiles | wall s | total | total + mu n | placed | vs single | "
             "s per 100k per core |", "|---|---|---|---|---|---|---|---|"]
    for name, tiles, seconds, total, earned, share, loss, per in rows:
        lines.append("| %s | %s | %.1f | %.1f | %.1f | %.1f%% | %s | %.2f |" % (
            name, tiles, seconds, total, earned, 100 * share, loss, per))
    text = "\n".join(lines) + "\n"
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
    print(text, end="")


if __name__ == "__main__":
    main()
