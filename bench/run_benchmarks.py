#!/usr/bin/python3
"""Runs the libmatch benchmarks and regenerates docs/benchmarks.md.

The one command (from the source root; builds a release build in build-bench/):

    /usr/bin/python3 bench/run_benchmarks.py             # 1,000 .. 200,000
    /usr/bin/python3 bench/run_benchmarks.py --million   # also 1,000,000

It runs bench/groups_bench (one JSON line per run: the engine and the random
and greedy baselines on the same generated city) at every size, with one
venue per 250 participants, sweeps the effort on 10,000 participants, calls
the pairs harness (bench/pairs_bench.py) when it is there, writes
bench/results/*.json, fits the scaling exponent, checks the targets (time,
memory, scaling, quality against random groups, effort), and writes
docs/benchmarks.md with PNG plots in docs/benchmarks/, merging
docs/benchmarks_pairs.md and docs/benchmarks_partition.md when they exist.
--report-only rewrites the page from the JSON already in bench/results.

The page names files by their path in the repository (a build directory
outside it shows as BUILD), so it holds no path of one machine.
"""
import argparse
import datetime
import glob
import json
import math
import os
import platform
import shlex
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
PYTHON = "/usr/bin/python3"

PARTICIPANTS_PER_VENUE = 250  # 10,000 participants with 40 venues
DEFAULT_SIZES = [1000, 10000, 20000, 100000, 200000]
MILLION = 1000000
DEFAULT_EFFORTS = [1, 2, 5, 10, 20, 50, 200]
DEFAULT_EFFORT = 20  # the library's default (LM_PARAM_EFFORT)

# Targets: wall seconds by size, bytes per participant, the time ratio of the
# scaling pair, quality against random groups, and the effort gap.
TIME_TARGETS = {10000: 2.0, 100000: 15.0, 1000000: 180.0}
BYTES_PER_PARTICIPANT = 2048
SCALING_PAIR = (20000, 200000)
SCALING_RATIO = 12.5
BETTER_THAN_RANDOM = 1.3
EFFORT_GAP = 0.01


def log(message):
    print("run_benchmarks: " + message, file=sys.stderr, flush=True)


def quote(command):
    return " ".join(shlex.quote(str(part)) for part in command)


def shown_path(path, outside=None):
    """A path as the page shows it: relative to the repository when inside it,
    else `outside` (default: its name). A path of one machine means nothing to
    a reader of the page."""
    absolute = os.path.abspath(str(path))
    relative = os.path.relpath(absolute, SOURCE)
    if relative == os.pardir or relative.startswith(os.pardir + os.sep):
        return outside if outside is not None else os.path.basename(absolute)
    return relative


PATH_OPTIONS = {"--build-dir": "BUILD", "--results": None, "--docs": None}


def shown_arguments(arguments):
    """Command-line arguments with the paths of PATH_OPTIONS made shown_path()s."""
    shown, path_next = [], None
    for argument in arguments:
        if path_next is not None:
            shown.append(shown_path(argument, path_next[0]))
            path_next = None
            continue
        option, equals, value = argument.partition("=")
        if option in PATH_OPTIONS and equals:
            shown.append(option + "=" + shown_path(value, PATH_OPTIONS[option]))
        else:
            shown.append(argument)
            if argument in PATH_OPTIONS:
                path_next = (PATH_OPTIONS[argument],)
    return shown


# ---- building and running --------------------------------------------------------------

def ensure_build(build_dir):
    if not os.path.exists(os.path.join(build_dir, "build.ninja")):
        log("configuring a release build in %s" % build_dir)
        subprocess.run(["meson", "setup", build_dir, SOURCE, "--buildtype=release",
                        "-Dtests=false", "-Dpython=false"], check=True,
                       stdout=subprocess.DEVNULL)
    subprocess.run(["ninja", "-C", build_dir, "bench/groups_bench"], check=True,
                   stdout=subprocess.DEVNULL)
    # The pairs harness may need its program; its failure is reported, not fatal.
    subprocess.run(["ninja", "-C", build_dir, "bench/pairs_bench"], stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def loadavg():
    try:
        with open("/proc/loadavg") as f:
            return float(f.read().split()[0])
    except OSError:
        return None


def run_groups(binary, n, venues, threads, effort, seed, baselines):
    command = [binary, "--participants", str(n), "--venues", str(venues), "--seed", str(seed),
               "--threads", str(threads)]
    if effort:
        command += ["--effort", str(effort)]
    command.append("--baselines" if baselines else "--no-baselines")
    load = loadavg()
    started = time.monotonic()
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    elapsed = time.monotonic() - started
    if done.returncode not in (0, 3) or not done.stdout.strip():
        raise RuntimeError("%s failed (%d): %s" % (quote(command), done.returncode,
                                                   done.stderr.strip()))
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["command"] = quote(["bench/groups_bench"] + command[1:])
    result["process_seconds"] = elapsed
    result["load_before"] = load
    if done.stderr.strip():
        result["stderr"] = done.stderr.strip()
    return result


def write_json(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = path + ".tmp"
    with open(temporary, "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(temporary, path)


def read_json(path):
    with open(path) as f:
        return json.load(f)


def run_pairs(build_dir, million, quick, results):
    """Calls the pairs engineer's harness (bench/pairs_bench.py BUILD --out FILE
    [--quick]); the page it writes is merged by the report. A quick run writes
    into bench/results so that it never replaces the full pairs page."""
    script = os.path.join(HERE, "pairs_bench.py")
    if not os.path.exists(script):
        return {"status": "absent"}
    text = subprocess.run([PYTHON, script, "--help"], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True).stdout
    out = os.path.join(results, "benchmarks_pairs_quick.md") if quick else \
        os.path.join(SOURCE, "docs", "benchmarks_pairs.md")
    command = [PYTHON, script]
    shown = [PYTHON, "bench/pairs_bench.py"]
    if "--build-dir" in text:
        command += ["--build-dir", build_dir]
        shown += ["--build-dir", shown_path(build_dir, "BUILD")]
    else:  # usage: pairs_bench.py [-h] [--out OUT] [--quick] build
        command.append(build_dir)
        shown.append(shown_path(build_dir, "BUILD"))
    if "--out" in text:
        command += ["--out", out]
        shown += ["--out", shown_path(out)]
    if million and "--million" in text:
        command.append("--million")
        shown.append("--million")
    if quick and "--quick" in text:
        command.append("--quick")
        shown.append("--quick")
    log("pairs: " + quote(command))
    started = time.monotonic()
    done = subprocess.run(command, cwd=SOURCE, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)
    if done.returncode == 0 and "--out" not in text and done.stdout.strip():
        with open(out, "w") as f:
            f.write(done.stdout)
    return {"status": "ok" if done.returncode == 0 else "failed",
            "returncode": done.returncode, "command": quote(shown),
            "out": os.path.relpath(out, SOURCE), "seconds": time.monotonic() - started,
            "stderr_tail": done.stderr.strip().splitlines()[-5:]}


# ---- analysis ---------------------------------------------------------------------------

def fit_exponent(points):
    """Least-squares slope of log(y) against log(x)."""
    points = [(x, y) for x, y in points if x > 0 and y and y > 0]
    if len(points) < 2:
        return None
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx


def shifted_ratio(ours, theirs):
    """The totals measured from the empty grouping (everybody unassigned,
    total -mu*n) as zero: (total + mu*n) = sum of group scores + mu*assigned."""
    if theirs["shifted_total"] <= 0:
        return None
    return ours["shifted_total"] / theirs["shifted_total"]


def analyse(runs, sweep):
    by_n = {r["n"]: r for r in runs}
    large = sorted(n for n in by_n if n >= 10000)
    summary = {
        "sizes": sorted(by_n),
        "fit_range": [large[0], large[-1]] if large else None,
        "wall_exponent": fit_exponent([(n, by_n[n]["engine"]["wall_seconds"]) for n in large]),
        "cpu_exponent": fit_exponent([(n, by_n[n]["engine"]["cpu_seconds"]) for n in large]),
        "checks": [],
    }
    checks = summary["checks"]

    def check(area, name, target, measured, ok):
        checks.append({"area": area, "name": name, "target": target, "measured": measured,
                       "ok": ok})

    for n, limit in sorted(TIME_TARGETS.items()):
        run = by_n.get(n)
        check("time", "time at %s" % grouped(n), "<= %g s wall" % limit,
              "%.2f s (CPU %.2f s)" % (run["engine"]["wall_seconds"],
                                       run["engine"]["cpu_seconds"]) if run else "not run",
              run["engine"]["wall_seconds"] <= limit if run else None)
    for n in sorted(by_n):
        engine = by_n[n]["engine"]
        if n >= 10000:
            value, label = engine["bytes_per_participant"], "peak RSS / n"
        else:  # a ~2 MB process is 2 KB per person at 1,000 whatever the algorithm
            value, label = engine["data_bytes_per_participant"], "(peak - start RSS) / n"
            runs_of = engine.get("data_bytes_per_participant_runs", [value])
            if len(runs_of) > 1:
                label += "; largest of %d runs %.0f B" % (len(runs_of), max(runs_of))
            if engine.get("anon_bytes_per_participant", -1) >= 0:
                anon = max(engine.get("anon_bytes_per_participant_runs",
                                      [engine["anon_bytes_per_participant"]]))
                label += "; without code pages at most %.0f B" % anon
        check("memory", "memory at %s" % grouped(n), "<= %d bytes per participant" %
              BYTES_PER_PARTICIPANT, "%.0f B (%s)" % (value, label),
              value <= BYTES_PER_PARTICIPANT)
    small, big = (by_n.get(n) for n in SCALING_PAIR)
    if small and big:
        ratio = big["engine"]["wall_seconds"] / small["engine"]["wall_seconds"]
        cpu_ratio = big["engine"]["cpu_seconds"] / small["engine"]["cpu_seconds"]
        check("scaling", "time 200,000 / 20,000", "<= %.1f" % SCALING_RATIO,
              "%.2f wall (%.2f CPU)" % (ratio, cpu_ratio), ratio <= SCALING_RATIO)
        check("scaling", "coverage 200,000 vs 20,000", ">= coverage at 20,000",
              "%.4f vs %.4f" % (big["engine"]["coverage"], small["engine"]["coverage"]),
              big["engine"]["coverage"] >= small["engine"]["coverage"])
    else:
        check("scaling", "time 200,000 / 20,000", "<= %.1f" % SCALING_RATIO, "not run", None)
        check("scaling", "coverage 200,000 vs 20,000", ">= coverage at 20,000", "not run",
              None)
    if big:
        value = big["engine"]["bytes_per_participant"]
        check("scaling", "memory at 200,000", "<= %d B per participant" %
              BYTES_PER_PARTICIPANT,
              "%.0f B" % value, value <= BYTES_PER_PARTICIPANT)
    for n in sorted(by_n):
        random = by_n[n].get("baselines", {}).get("random")
        if not random:
            continue
        engine = by_n[n]["engine"]
        ratio = shifted_ratio(engine, random)
        check("quality", "score vs random at %s" % grouped(n),
              ">= %.1f x (total + mu n)" % BETTER_THAN_RANDOM,
              "%.3f x" % ratio if ratio is not None else "n/a",
              ratio is not None and ratio >= BETTER_THAN_RANDOM)
        check("quality", "two-way exchange vs random at %s" % grouped(n), "higher rate",
              "%.3f vs %.3f" % (engine["exchange_rate"], random["exchange_rate"]),
              engine["exchange_rate"] > random["exchange_rate"])
    if sweep:
        efforts = {r["effort"]: r for r in sweep}
        n = sweep[0]["n"]
        default, tenfold = efforts.get(DEFAULT_EFFORT), efforts.get(10 * DEFAULT_EFFORT)
        name = "effort %d vs %d at %s" % (DEFAULT_EFFORT, 10 * DEFAULT_EFFORT, grouped(n))
        if n != 10000:
            name += " (the target is set at 10,000)"
        if default and tenfold and tenfold["engine"]["shifted_total"] > 0:
            # gap > 0: the tenfold effort finds more; < 0: it ends lower than the default
            gap = 1.0 - default["engine"]["shifted_total"] / tenfold["engine"]["shifted_total"]
            summary["effort_gap"] = gap
            measured = "%.3f%% below" % (100 * gap) if gap >= 0 else \
                "%.3f%% above (the tenfold effort scores lower)" % (-100 * gap)
            check("effort", name, "within %.0f%% (total + mu n)" % (100 * EFFORT_GAP), measured,
                  gap <= EFFORT_GAP)
        else:
            check("effort", name, "within %.0f%% (total + mu n)" % (100 * EFFORT_GAP), "not run",
                  None)
    return summary


# ---- the page ---------------------------------------------------------------------------

def grouped(n):
    return "{:,}".format(n)


def machine():
    info = {"cpu": platform.processor() or platform.machine(), "cores": os.cpu_count(),
            "memory_gib": None, "system": platform.platform(), "python": platform.python_version()}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    info["memory_gib"] = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    try:
        info["compiler"] = subprocess.run(["cc", "--version"], stdout=subprocess.PIPE,
                                          text=True).stdout.splitlines()[0]
    except (OSError, IndexError):
        info["compiler"] = "unknown"
    return info


def build_type(build_dir):
    try:
        options = json.loads(subprocess.run(["meson", "introspect", "--buildoptions", build_dir],
                                            stdout=subprocess.PIPE, text=True).stdout)
        values = {o["name"]: o["value"] for o in options}
        return "%s (b_ndebug=%s)" % (values.get("buildtype"), values.get("b_ndebug"))
    except (OSError, ValueError, KeyError):
        return "unknown"


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def mb(value):
    return "%.1f" % (value / 1e6)


def plots(runs, sweep, directory):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker
    os.makedirs(directory, exist_ok=True)
    made = []
    ns = [r["n"] for r in runs]
    if len(runs) >= 2:
        fig, ax = plt.subplots(figsize=(6.4, 4.4))
        ax.loglog(ns, [r["engine"]["wall_seconds"] for r in runs], "o-", label="wall")
        ax.loglog(ns, [r["engine"]["cpu_seconds"] for r in runs], "s--", label="CPU")
        reference = runs[-1]
        scale = reference["engine"]["wall_seconds"] / (reference["n"] * math.log(reference["n"]))
        ax.loglog(ns, [scale * n * math.log(n) for n in ns], ":", color="grey",
                  label="n log n (through the largest)")
        targets = sorted(TIME_TARGETS.items())
        ax.loglog([n for n, _ in targets], [t for _, t in targets], "x", color="red",
                  markersize=9, label="time targets")
        ax.set_xlabel("participants n")
        ax.set_ylabel("seconds")
        ax.set_title("lm_groups_form time against n")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
        fig.tight_layout()
        fig.savefig(os.path.join(directory, "time_vs_n.png"), dpi=110)
        plt.close(fig)
        made.append("time_vs_n.png")

        fig, ax = plt.subplots(figsize=(6.4, 4.4))
        ax.loglog(ns, [r["engine"]["bytes_per_participant"] for r in runs], "o-",
                  label="peak RSS / n")
        ax.loglog(ns, [max(r["engine"]["data_bytes_per_participant"], 1) for r in runs], "s--",
                  label="(peak - process start) / n")
        ax.loglog(ns, [max(r["engine"]["run_bytes_per_participant"], 1) for r in runs], "^:",
                  label="growth during the run / n")
        ax.axhline(BYTES_PER_PARTICIPANT, color="red", linestyle="--", label="2 KB target")
        ax.set_xlabel("participants n")
        ax.set_ylabel("bytes per participant")
        ax2 = ax.twinx()
        ax2.loglog(ns, [r["engine"]["peak_rss_bytes"] / 1e6 for r in runs], "d-",
                   color="black", alpha=0.4, label="peak RSS (MB, right)")
        ax2.set_ylabel("peak RSS (MB)")
        ax2.yaxis.set_major_locator(matplotlib.ticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
        ax2.yaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
        ax2.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
        ax.set_title("memory against n")
        ax.grid(True, which="both", alpha=0.3)
        lines = ax.get_legend_handles_labels()
        lines2 = ax2.get_legend_handles_labels()
        ax.legend(lines[0] + lines2[0], lines[1] + lines2[1], fontsize=8, loc="best")
        fig.tight_layout()
        fig.savefig(os.path.join(directory, "memory_vs_n.png"), dpi=110)
        plt.close(fig)
        made.append("memory_vs_n.png")
    if len(sweep) >= 2:
        best = max(r["engine"]["shifted_total"] for r in sweep)
        efforts = [r["effort"] for r in sweep]
        fig, ax = plt.subplots(figsize=(6.4, 4.4))
        ax.semilogx(efforts, [100 * r["engine"]["shifted_total"] / best for r in sweep], "o-",
                    label="total + mu n, % of the best")
        ax.axvline(DEFAULT_EFFORT, color="grey", linestyle=":", label="default effort")
        ax.set_xlabel("effort (local-search rounds per participant)")
        ax.set_ylabel("quality (% of the best run)")
        ax2 = ax.twinx()
        ax2.loglog(efforts, [r["engine"]["wall_seconds"] for r in sweep], "s--", color="C1",
                   label="wall seconds (right)")
        ax2.set_ylabel("wall seconds")
        ax.set_title("quality against effort, n = %s" % grouped(sweep[0]["n"]))
        ax.grid(True, which="both", alpha=0.3)
        lines = ax.get_legend_handles_labels()
        lines2 = ax2.get_legend_handles_labels()
        ax.legend(lines[0] + lines2[0], lines[1] + lines2[1], fontsize=8, loc="lower right")
        fig.tight_layout()
        fig.savefig(os.path.join(directory, "quality_vs_effort.png"), dpi=110)
        plt.close(fig)
        made.append("quality_vs_effort.png")
    return made


def quality_row(name, m, engine=None, seconds=None):
    ratio = shifted_ratio(engine, m) if engine is not None and m is not engine else None
    return [name, "%.1f" % m["total"], "%.1f" % m["shifted_total"],
            "%.2f x" % ratio if ratio else ("—" if engine is None or m is engine else "n/a"),
            "%.1f" % m["group_score_sum"], "%.2f" % m["mean_group_score"],
            "%.1f%%" % (100 * m["coverage"]), m["groups"], "%.2f" % m["mean_group_size"],
            "%.1f%%" % (100 * m["exchange_rate"]), "%.1f%%" % (100 * m["cohost_rate"]),
            "%.1f%%" % (100 * m["theme_rate"]), "%.2f" % m["mean_travel_km"],
            "%.3f" % (seconds if seconds is not None else m["wall_seconds"])]


def merged_section(path, heading):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        text = f.read().rstrip("\n")
    return "## %s\n\n_Included verbatim from `%s`._\n\n%s\n" % (
        heading, shown_path(path), text)


def kept_sections(path, headings):
    """Sections that other harnesses write into docs/benchmarks.md itself
    (bench/load_bench, bench/distributed_bench.py), carried over verbatim
    from the page being replaced, each up to the next heading of its level."""
    if not os.path.exists(path):
        return []
    with open(path) as f:
        lines = f.read().splitlines()
    out = []
    for heading in headings:
        start = next((i for i, line in enumerate(lines) if line == "## " + heading), None)
        if start is None:
            continue
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")),
                   len(lines))
        out.append("\n".join(lines[start:end]).rstrip("\n") + "\n")
    return out


def rounds_section(path):
    """A link to docs/benchmarks_rounds.md (bench/golfer_bench.py) with its
    headline numbers; None when the page is not there."""
    if not os.path.exists(path):
        return None
    with open(path) as f:
        lines = f.read().splitlines()
    found = [line for line in lines if line.startswith("Best known reached on")]
    season = [line for line in lines if line.startswith("| `lmatch rounds --rounds")]
    text = ["## Rounds without repeats", "",
            "[benchmarks_rounds.md](benchmarks_rounds.md) measures `lmatch rounds`: the number "
            "of rounds without a repeated pair on 16 social golfer instances (CSPLib problem 10) "
            "against the best known values, and the repeated pairs of a season of 6 rounds on a "
            "generated city of 2,000 with roles, slots and venues (generated by "
            "`bench/golfer_bench.py`)."]
    if found:
        text += ["", found[0]]
    if season:
        cells = [c.strip() for c in season[0].strip("|").split("|")]
        text += ["", "The season: %s repeated pairs over the rounds planned together." % cells[1]]
    return "\n".join(text) + "\n"


def lifecycle_section(path):
    """A link to docs/benchmarks_lifecycle.md (bench/lifecycle_bench.py):
    --keep with new sign-ups and the cost of constraints; None when the page
    is not there."""
    if not os.path.exists(path):
        return None
    return ("## Continuing groups and constraints\n\n"
            "[benchmarks_lifecycle.md](benchmarks_lifecycle.md) measures `lmatch groups --keep` "
            "with 5% new sign-ups on a city of 10,000 (kept members that move, new sign-ups "
            "that join a kept group, time) and the extra time of together and apart "
            "constraints on a city of 100,000 (generated by `bench/lifecycle_bench.py`).\n")


def quality_section(results):
    """The summary of docs/benchmarks_quality.md, from bench/quality_bench.py (which
    refreshes the same section when it writes its page); None without its results."""
    sys.path.insert(0, HERE)
    try:
        import quality_bench
    except ImportError:
        return None
    return quality_bench.summary_section(results)


def report(args, runs, sweep, summary, meta, docs_dir):
    figures = plots(runs, sweep, os.path.join(docs_dir, "benchmarks"))
    info = meta.get("machine", {})
    out = ["# Benchmarks", "",
           "_Generated by `bench/run_benchmarks.py` from `bench/results/*.json` on %s; "
           "do not edit by hand: rerun the command below._" % meta.get("date", "?"), "",
           "## How to reproduce", "",
           "From the source root (configures a release build in `build-bench/` when needed):",
           "", "```sh", "/usr/bin/python3 bench/run_benchmarks.py            "
           "# 1,000 to 200,000 participants, effort sweep on 10,000",
           "/usr/bin/python3 bench/run_benchmarks.py --million  # also 1,000,000",
           "/usr/bin/python3 bench/run_benchmarks.py --report-only  # rewrite this page only",
           "```", "",
           "or `ninja -C BUILD benchmarks` / `benchmarks-million` on an existing build. "
           "This page came from:", "", "```sh", meta.get("command", "?"), "```", "",
           "Every measurement is one `bench/groups_bench` process (the exact commands are in "
           "the last section): it generates the city with `lm_pool_generate(n, 0.3, n/250, "
           "seed)`, times `lm_groups_form()` with default parameters, then runs the baselines "
           "on the same pool and scores all three with `lm_groups_evaluate()`, which must "
           "report no violated constraint (the engine's groups are re-evaluated too, and "
           "their evaluated total must equal the reported one). Below 1,000,000 the engine "
           "is timed %d times (the first run with the baselines, the others alone, all with "
           "the same total) and the fastest wall and CPU times are reported, because single "
           "timings on a shared machine vary by 10%% or more at small sizes; the million is "
           "timed once. 20,000 and 200,000, the sizes of the scaling check, are then timed "
           "%d times more, alternately, so that a slow spell of the machine hits both, and "
           "their times are the fastest of all their runs. Memory is the smallest of the runs too: the address-space layout "
           "(ASLR) moves the same run's peak by up to 300 KB, 300 B per participant at 1,000 "
           "(with ASLR off, `setarch -R`, a run gives the same bytes every time); the check "
           "at 1,000 also gives the largest run (every run's values are in bench/results)."
           % (meta.get("repeat", 1), meta.get("repeat", 1)), "",
           "## Machine", "",
           table(["", ""], [["CPU", info.get("cpu")], ["logical cores", info.get("cores")],
                            ["memory", "%.1f GiB" % info["memory_gib"]
                             if info.get("memory_gib") else "?"],
                            ["system", info.get("system")], ["compiler", info.get("compiler")],
                            ["build", meta.get("build_type")],
                            ["libmatch", runs[0]["version"] if runs else "?"],
                            ["threads", meta.get("threads")],
                            ["load average before the runs", ", ".join(
                                "%.2f" % r["load_before"] for r in runs
                                if r.get("load_before") is not None)]]), "",
           "The machine may be shared: wall time includes waiting for a core, CPU time "
           "(getrusage, all threads) does not.", ""]

    out += ["## Targets", "",
            "Quality is compared on the total measured from the empty grouping: everybody "
            "unassigned scores `-mu n`, so `total + mu n` = the sum of the group scores + "
            "`mu` x the number of people placed (with `mu` = 10, as in the objective). "
            "\"30% better than random\" means `(total + mu n)` of libmatch >= 1.3 x that of "
            "the random mixed groups on the same pool. The effort check uses the same "
            "quantity. Memory is the process's peak resident set (VmHWM / ru_maxrss) "
            "divided by n, pool included; at 1,000 the fixed ~2 MB of any process would be "
            "2 KB per person alone, so there the peak above the process's start is used. "
            "That still counts the program's code pages the run touches (about 0.9 MB, "
            "900 B per participant at 1,000); \"without code pages\" is the peak less the "
            "file-backed pages mapped before the run and less the anonymous memory at the "
            "start: an upper bound of the heap and stacks.", ""]
    marks = {True: "pass", False: "**FAIL**", None: "not run"}
    out.append(table(["area", "check", "target", "measured", "result"],
                     [[c.get("area", ""), c["name"], c["target"], c["measured"], marks[c["ok"]]]
                      for c in summary["checks"]]))
    out.append("")
    if summary.get("wall_exponent") is not None:
        out += ["Scaling exponent (least-squares slope of log time against log n, %s to %s): "
                "**%.2f** wall, %.2f CPU (n log n over this range is about %.2f)." % (
                    grouped(summary["fit_range"][0]), grouped(summary["fit_range"][1]),
                    summary["wall_exponent"], summary["cpu_exponent"] or float("nan"),
                    1 + 1 / math.log(math.sqrt(summary["fit_range"][0] *
                                               summary["fit_range"][1]))), ""]

    out += ["## Time and memory against n", "",
            table(["n", "venues", "wall s", "CPU s", "peak RSS MB", "B / participant",
                   "run growth B / participant", "pool MB", "coverage", "groups",
                   "venue capacity (groups)"],
                  [[grouped(r["n"]), r["venues"], "%.2f" % r["engine"]["wall_seconds"],
                    "%.2f" % r["engine"]["cpu_seconds"], mb(r["engine"]["peak_rss_bytes"]),
                    "%.0f" % r["engine"]["bytes_per_participant"],
                    "%.0f" % r["engine"]["run_bytes_per_participant"],
                    mb(r["engine"]["pool_hwm_bytes"] - r["engine"]["start_hwm_bytes"]),
                    "%.1f%%" % (100 * r["engine"]["coverage"]), r["engine"]["groups"],
                    r.get("venue_group_capacity", "")] for r in runs]), ""]
    for name, caption in (("time_vs_n.png", "Time against n (log-log)"),
                          ("memory_vs_n.png", "Memory against n (log-log)")):
        if name in figures:
            out += ["![%s](benchmarks/%s)" % (caption, name), ""]
    out += ["\"venue capacity\" is the most groups the generated venues can host in a week "
            "(open slots x groups per slot): with venues, coverage can never exceed "
            "capacity x max_size / n.", ""]

    out += ["## Against the baselines", "",
            "* **random**: what coordinators do by hand. People in random order; each one not "
            "yet placed opens a group of random size in [4, 6] and takes the next people in "
            "that order (up to 256 looked at) who keep every hard constraint (language, a "
            "common slot, distance, the mix, a venue open, free and step-free among the 16 "
            "nearest the opener); a group that cannot be completed is given up and its "
            "opener stays unassigned.",
            "* **greedy**: people in spatial order (1 km cells); each one not yet placed "
            "opens a group and adds, among the next 64 unplaced people, the one with the best "
            "marginal score (score change + mu) that keeps every constraint, up to 6.", "",
            "Contact conditions: share of groups with two-way exchange (exchange term > 0), "
            "with co-hosts of both roles (cohost term = 1), with a shared theme interest above "
            "0.5 per member (theme term / size > 0.5); travel is the mean distance of located "
            "members to the venue (without venues, to the members' mean location).", ""]
    header = ["method", "total", "total + mu n", "libmatch / method", "sum of group scores",
              "mean group score", "coverage", "groups", "mean size", "two-way exchange",
              "both co-hosts", "shared theme", "travel km", "seconds"]
    for r in runs:
        if "baselines" not in r:
            continue
        out += ["### %s participants, %d venues" % (grouped(r["n"]), r["venues"]), ""]
        rows = [quality_row("libmatch", r["engine"], r["engine"])]
        for name in ("random", "greedy"):
            if name in r["baselines"]:
                rows.append(quality_row(name, r["baselines"][name], r["engine"]))
        out += [table(header, rows), ""]

    if sweep:
        best = max(s["engine"]["shifted_total"] for s in sweep)
        out += ["## Quality against effort", "",
                "n = %s with %d venues; effort is the local-search budget in rounds per "
                "participant (default %d) and never depends on the clock." % (
                    grouped(sweep[0]["n"]), sweep[0]["venues"], DEFAULT_EFFORT), "",
                table(["effort", "wall s", "CPU s", "total", "total + mu n", "% of best",
                       "coverage", "two-way exchange"],
                      [[s["effort"], "%.2f" % s["engine"]["wall_seconds"],
                        "%.2f" % s["engine"]["cpu_seconds"], "%.1f" % s["engine"]["total"],
                        "%.1f" % s["engine"]["shifted_total"],
                        "%.2f%%" % (100 * s["engine"]["shifted_total"] / best),
                        "%.1f%%" % (100 * s["engine"]["coverage"]),
                        "%.1f%%" % (100 * s["engine"]["exchange_rate"])] for s in sweep]), ""]
        if "quality_vs_effort.png" in figures:
            out += ["![Quality against effort](benchmarks/quality_vs_effort.png)", ""]

    section = quality_section(getattr(args, "results", None) or os.path.join(HERE, "results"))
    if section:
        out.append(section)

    pairs = meta.get("pairs", {})
    pairs_page = os.path.join(docs_dir, "benchmarks_pairs.md")
    if pairs.get("status") == "ok" and pairs.get("out"):
        pairs_page = os.path.join(SOURCE, pairs["out"])
    section = merged_section(pairs_page, "Pairs")
    if section:
        out.append(section)
    if pairs.get("status") == "failed":
        out += ["The pairs harness failed in this run (`%s`, exit %s); the pairs section "
                "above, if any, is from an earlier run." % (pairs["command"],
                                                           pairs["returncode"]), ""]
    elif pairs.get("status") == "ok":
        out += ["(Pairs measured by `%s` in %.0f s.)" % (pairs["command"],
                                                        pairs["seconds"]), ""]
    section = merged_section(os.path.join(docs_dir, "benchmarks_partition.md"),
                             "Matrix partitioning (MDGPLIB)")
    if section:
        out.append(section)
    section = rounds_section(os.path.join(docs_dir, "benchmarks_rounds.md"))
    if section:
        out.append(section)
    section = lifecycle_section(os.path.join(docs_dir, "benchmarks_lifecycle.md"))
    if section:
        out.append(section)
    out += kept_sections(os.path.join(docs_dir, "benchmarks.md"), ["Loading", "Distributed"])

    out += ["## Commands of every measurement", "", "```sh"]
    out += [r["command"] for r in runs] + [s["command"] for s in sweep]
    out += ["```", ""]
    path = os.path.join(docs_dir, "benchmarks.md")
    with open(path + ".tmp", "w") as f:
        f.write("\n".join(out))
    os.replace(path + ".tmp", path)
    return path


# ---- main -------------------------------------------------------------------------------

def parse_list(text):
    return [int(x.replace("_", "")) for x in text.split(",") if x.strip()]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", default=os.path.join(SOURCE, "build-bench"),
                        help="meson build directory (default: build-bench/, configured as "
                        "a release build when missing)")
    parser.add_argument("--no-build", action="store_true",
                        help="use the build directory as it is")
    parser.add_argument("--million", action="store_true", help="also run 1,000,000")
    parser.add_argument("--quick", action="store_true",
                        help="a check of the harness: 1,000 and 10,000, effort sweep on 1,000")
    parser.add_argument("--sizes", type=parse_list, help="comma-separated sizes")
    parser.add_argument("--effort-size", type=int, help="n of the effort sweep (10,000)")
    parser.add_argument("--efforts", type=parse_list, default=DEFAULT_EFFORTS)
    parser.add_argument("--no-sweep", action="store_true", help="skip the effort sweep")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3,
                        help="time each size below the million this often, keep the fastest")
    parser.add_argument("--no-baselines", action="store_true")
    parser.add_argument("--no-pairs", action="store_true", help="do not call pairs_bench.py")
    parser.add_argument("--results", default=os.path.join(HERE, "results"))
    parser.add_argument("--docs", default=os.path.join(SOURCE, "docs"))
    parser.add_argument("--report-only", action="store_true",
                        help="rewrite docs/benchmarks.md from the JSON in --results")
    args = parser.parse_args()

    sizes = args.sizes or ([1000, 10000] if args.quick else list(DEFAULT_SIZES))
    if args.million and MILLION not in sizes:
        sizes.append(MILLION)
    sizes.sort()
    effort_size = args.effort_size or (1000 if args.quick else 10000)

    if not args.report_only:
        if not args.no_build:
            ensure_build(args.build_dir)
        binary = os.path.join(args.build_dir, "bench", "groups_bench")
        for stale in glob.glob(os.path.join(args.results, "groups_n*.json")) + \
                glob.glob(os.path.join(args.results, "effort_n*.json")) + \
                glob.glob(os.path.join(args.results, "benchmarks_pairs_quick.md")):
            os.remove(stale)
        meta = {"command": quote([PYTHON, "bench/run_benchmarks.py"] +
                                 shown_arguments(sys.argv[1:])),
                "date": datetime.date.today().isoformat(), "machine": machine(),
                "build_type": build_type(args.build_dir), "threads": args.threads,
                "repeat": args.repeat}
        started = time.monotonic()
        for n in sizes:
            venues = n // PARTICIPANTS_PER_VENUE
            log("groups n=%d venues=%d ..." % (n, venues))
            result = run_groups(binary, n, venues, args.threads, 0, args.seed,
                                not args.no_baselines)
            if n < MILLION and args.repeat > 1:
                # A shared machine makes single timings noisy: time the engine alone
                # again and keep the fastest run (the groups must be the same bytes).
                # The same goes for memory: the address-space layout (ASLR) moves
                # the same run's peak by up to 300 KB, 300 B per participant at 1,000.
                kept = ("wall_seconds", "cpu_seconds", "peak_rss_bytes", "bytes_per_participant",
                        "data_bytes_per_participant", "run_bytes_per_participant",
                        "anon_bytes_per_participant")
                values = {key: [result["engine"][key]] for key in kept}
                for _ in range(args.repeat - 1):
                    again = run_groups(binary, n, venues, args.threads, 0, args.seed, False)
                    if again["engine"]["shifted_total"] != result["engine"]["shifted_total"]:
                        raise RuntimeError("n=%d: a repeated run gave another total" % n)
                    for key in kept:
                        values[key].append(again["engine"][key])
                for key in kept:
                    result["engine"][key + "_runs"] = values[key]
                    result["engine"][key] = min(values[key])
            write_json(os.path.join(args.results, "groups_n%d.json" % n), result)
            log("  %.2f s wall, %.2f s CPU, coverage %.3f, %s" % (
                result["engine"]["wall_seconds"], result["engine"]["cpu_seconds"],
                result["engine"]["coverage"], "ok" if result["ok"] else "VIOLATIONS"))
        if all(n in sizes for n in SCALING_PAIR) and args.repeat > 1 and not args.quick:
            # The scaling check compares two sizes timed minutes apart; a slow spell
            # of the shared machine during one of them (seen: 200,000 at 8.5 to 11 s
            # while it runs in 7.2 s) skews the ratio. Time both again, alternately,
            # so that such a spell hits both, and keep the fastest of all runs.
            pair = {n: read_json(os.path.join(args.results, "groups_n%d.json" % n))
                    for n in SCALING_PAIR}
            for _ in range(args.repeat):
                for n in SCALING_PAIR:
                    log("scaling pair n=%d ..." % n)
                    again = run_groups(binary, n, n // PARTICIPANTS_PER_VENUE, args.threads, 0,
                                       args.seed, False)
                    if again["engine"]["shifted_total"] != pair[n]["engine"]["shifted_total"]:
                        raise RuntimeError("n=%d: a repeated run gave another total" % n)
                    for key in ("wall_seconds", "cpu_seconds"):
                        pair[n]["engine"][key + "_runs"].append(again["engine"][key])
            for n in SCALING_PAIR:
                for key in ("wall_seconds", "cpu_seconds"):
                    pair[n]["engine"][key] = min(pair[n]["engine"][key + "_runs"])
                pair[n]["engine"]["alternate_runs"] = args.repeat
                write_json(os.path.join(args.results, "groups_n%d.json" % n), pair[n])
                log("  n=%d: fastest %.2f s wall, %.2f s CPU" % (
                    n, pair[n]["engine"]["wall_seconds"], pair[n]["engine"]["cpu_seconds"]))
        if not args.no_sweep:
            for effort in args.efforts:
                log("effort sweep n=%d effort=%d ..." % (effort_size, effort))
                result = run_groups(binary, effort_size, effort_size // PARTICIPANTS_PER_VENUE,
                                    args.threads, effort, args.seed, False)
                write_json(os.path.join(args.results, "effort_n%d_e%d.json" %
                                        (effort_size, effort)), result)
                log("  %.2f s wall, total + mu n %.1f" % (result["engine"]["wall_seconds"],
                                                          result["engine"]["shifted_total"]))
        meta["pairs"] = {"status": "skipped"} if args.no_pairs else \
            run_pairs(args.build_dir, args.million, args.quick, args.results)
        meta["seconds"] = time.monotonic() - started
        write_json(os.path.join(args.results, "meta.json"), meta)
    meta = read_json(os.path.join(args.results, "meta.json"))
    runs = sorted((read_json(p) for p in glob.glob(os.path.join(args.results, "groups_n*.json"))),
                  key=lambda r: r["n"])
    sweep = sorted((read_json(p) for p in glob.glob(os.path.join(args.results,
                                                                 "effort_n*.json"))),
                   key=lambda r: r["effort"])
    summary = analyse(runs, sweep)
    write_json(os.path.join(args.results, "summary.json"), summary)
    path = report(args, runs, sweep, summary, meta, args.docs)
    log("wrote %s" % os.path.relpath(path, SOURCE))
    for c in summary["checks"]:
        log("  [%s] %s %s: %s (target %s)" % (
            {True: "pass", False: "FAIL", None: "----"}[c["ok"]], c["area"], c["name"],
            c["measured"], c["target"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
