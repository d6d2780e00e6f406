#!/usr/bin/python3
"""Benchmark of libmatch.distributed against the single process (issue 18).

One city, against `lmatch groups --threads 2`, side by side in one run:

    nice bench/distributed_bench.py city --lmatch build/tools/lmatch --participants 1000000 \\
        --venues 4000 --workers 2 --tiles 2,4,8

A country (lmatch gen --cities K) on a LocalCluster, with each worker's peak
memory (its process's ru_maxrss, read on the worker after the run):

    nice bench/distributed_bench.py country --lmatch build/tools/lmatch \\
        --participants 10000000 --cities 40 --venues 40000 --workers 2

`city` runs `lmatch groups` once and `python3 -m libmatch.distributed groups`
on a LocalCluster of --workers worker processes for each number of tiles,
and prints a Markdown table: wall time and its ratio to the single process,
total, total + mu n (what placed people and their groups earn, mu = 10),
placed share, the distributed run's difference against the single process,
seconds per 100,000 participants per core (wall x cores / (n / 100,000); the
cores are those of the machine, shared by the workers' threads), and the
phases of the run (--timings). Every distributed result is checked with
`lmatch eval` (feasible, same total). `country` runs only the distributed
side, in this process (form_groups on a LocalCluster whose workers may use at
most --memory-limit each: Dask's nanny stops a worker above it); a pool CSV
larger than the library reads at once (1 GiB) is loaded in parts. --pool and
--venues-file reuse generated files. Needs the package on PYTHONPATH and
LIBMATCH_LIBRARY as in the build tree's tests."""
import argparse
import json
import os
import re
import resource
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
    return time.monotonic() - start, done.stderr


def summary(path, n):
    with open(path, encoding="utf-8") as f:
        result = json.load(f)
    placed = sum(len(g["members"]) for g in result["groups"])
    return result["total"], result["total"] + MU * n, placed / n


def generate(args, folder):
    if args.pool:
        return args.pool, args.venues_file
    pool, venues = os.path.join(folder, "pool.csv"), os.path.join(folder, "venues.csv")
    cities = ["--cities", str(args.cities)] if getattr(args, "cities", None) else []
    run([args.lmatch, "gen", "-n", str(args.participants), "--seed", str(args.seed),
         "--venues", str(args.venues), "--venues-out", venues, "-o", pool] + cities)
    return pool, venues


def city(args):
    n = args.participants
    cores = os.cpu_count()
    effort = [] if args.effort is None else ["--effort", str(args.effort)]
    with tempfile.TemporaryDirectory(prefix="libmatch-dist-bench-") as folder:
        pool, venues = generate(args, folder)
        single_json = os.path.join(folder, "single.json")
        seconds, _ = run([args.lmatch, "groups", pool, "--venues", venues, "--seed", "1",
                          "--threads", "2", "--json", single_json] + effort)
        single_seconds = seconds
        total, earned, share = summary(single_json, n)
        rows = [("single process (lmatch groups --threads 2)", "-", seconds, 1.0, total, earned,
                 share, "", seconds * cores / (n / 1e5), "")]
        for tiles in [int(t) for t in args.tiles.split(",")]:
            out_csv, out_json = os.path.join(folder, "d.csv"), os.path.join(folder, "d.json")
            seconds, log = run([sys.executable, "-m", "libmatch.distributed", "groups", pool,
                                "--venues", venues, "--seed", "1", "--workers",
                                str(args.workers), "--tiles", str(tiles), "-o", out_csv,
                                "--json", out_json, "--timings"] + effort)
            phases = re.search(r"phases \(s\): (.*)", log)
            checked = os.path.join(folder, "eval.json")
            run([args.lmatch, "eval", pool, out_csv, "--venues", venues, "--json", checked])
            with open(checked, encoding="utf-8") as f:
                evaluation = json.load(f)
            if not evaluation["feasible"]:
                sys.exit("the %d-tile result is not feasible" % tiles)
            d_total, d_earned, d_share = summary(out_json, n)
            if abs(evaluation["total"] - d_total) > 1e-6 * abs(d_total):
                sys.exit("lmatch eval scores the %d-tile result %r, not %r"
                         % (tiles, evaluation["total"], d_total))
            rows.append(("distributed, %d workers" % args.workers, str(tiles), seconds,
                         seconds / single_seconds, d_total, d_earned, d_share,
                         "%+.2f%%" % (100 * (d_earned - earned) / earned),
                         seconds * cores / (n / 1e5), phases.group(1) if phases else ""))
    lines = ["| run | tiles | wall s | x single | total | total + mu n | placed | vs single "
             "| s per 100k per core | phases (s) |", "|---|---|---|---|---|---|---|---|---|---|"]
    for name, tiles, seconds, ratio, total, earned, share, loss, per, phases in rows:
        lines.append("| %s | %s | %.1f | %.2f | %.1f | %.1f | %.1f%% | %s | %.2f | %s |" % (
            name, tiles, seconds, ratio, total, earned, 100 * share, loss, per, phases))
    return "\n".join(lines) + "\n"


def load_pool(libmatch, path, folder, part_bytes=900_000_000):
    """The pool of a CSV, in parts when it is larger than the library reads
    at once (a CSV of 1 GiB, LM_E_TOO_LARGE): lines are split, each part with the
    header (the generator writes no line breaks inside a field)."""
    if os.path.getsize(path) < part_bytes:
        return libmatch.Pool.from_file(path)
    pool = libmatch.Pool()
    with open(path, "rb") as f:
        header = f.readline()
        done = False
        while not done:
            part = os.path.join(folder, "part.csv")
            with open(part, "wb") as out:
                out.write(header)
                size = 0
                while size < part_bytes:
                    line = f.readline()
                    if not line:
                        done = True
                        break
                    out.write(line)
                    size += len(line)
            pool.load_csv(part)
            os.unlink(part)
    return pool


def _peak_rss_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def country(args):
    import logging
    import distributed
    import libmatch
    from libmatch import distributed as ld
    with tempfile.TemporaryDirectory(prefix="libmatch-dist-bench-") as folder:
        pool_path, venues = generate(args, folder)
        cluster = distributed.LocalCluster(n_workers=args.workers, threads_per_worker=1,
                                           processes=True, memory_limit=args.memory_limit,
                                           dashboard_address=":0", silence_logs=logging.ERROR)
        with distributed.Client(cluster) as client:
            start = time.monotonic()
            with load_pool(libmatch, pool_path, folder) as pool:
                pool.add_venues(venues)
                n = len(pool)
                loaded = time.monotonic() - start
                result = ld.form_groups(pool, client, seed=1, tiles=args.tile_count,
                                        csv_path=os.path.join(folder, "groups.csv"))
            seconds = time.monotonic() - start
            workers = client.run(_peak_rss_bytes)
        cluster.close()
    placed = sum(g.size for g in result.groups)
    tiling = result.tiling
    lines = [
        "| participants | cities | workers | tiles | wall s (load + distributed) | "
        "peak memory per worker | client peak | total | total + mu n | placed |",
        "|---|---|---|---|---|---|---|---|---|---|",
        "| %d | %s | %d | %d | %.0f (%.0f + %.0f) | %s | %.2f GB | %.1f | %.1f | %.1f%% |" % (
            n, args.cities, args.workers, tiling.tiles, seconds, loaded, seconds - loaded,
            ", ".join("%.2f GB" % (v / 1e9) for v in sorted(workers.values())),
            _peak_rss_bytes() / 1e9, result.total, result.total + MU * n, 100 * placed / n),
        "",
        "phases (s): " + ", ".join("%s %.1f" % item for item in tiling.seconds.items()),
        "second pass: %d of %d placed" % (tiling.second_pass_placed, tiling.second_pass),
    ]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    modes = parser.add_subparsers(dest="mode", required=True)
    for name in ("city", "country"):
        mode = modes.add_parser(name)
        mode.add_argument("--lmatch", required=True)
        mode.add_argument("--participants", type=int, default=1_000_000)
        mode.add_argument("--venues", type=int, default=4000)
        mode.add_argument("--seed", type=int, default=7)
        mode.add_argument("--workers", type=int, default=2)
        mode.add_argument("--pool", help="use this pool CSV instead of generating one")
        mode.add_argument("--venues-file", help="the venues CSV of --pool")
        mode.add_argument("--out", help="write the Markdown table here (default: print it)")
    city_mode, country_mode = modes.choices["city"], modes.choices["country"]
    city_mode.add_argument("--tiles", default="2", help="numbers of tiles, comma-separated")
    city_mode.add_argument("--effort", type=int, help="as lmatch groups --effort")
    country_mode.add_argument("--cities", type=int, default=40)
    country_mode.add_argument("--tile-count", type=int,
                              help="tiles (default: libmatch.distributed's own)")
    country_mode.add_argument("--memory-limit", default="4GB",
                              help="Dask's memory limit of each worker (default 4GB)")
    args = parser.parse_args()
    text = city(args) if args.mode == "city" else country(args)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(text)
    print(text, end="")


if __name__ == "__main__":
    main()
