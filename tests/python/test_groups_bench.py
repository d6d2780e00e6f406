"""Checks of the benchmark harness: groups_bench's numbers agree with each
other as the definitions say, every grouping it reports (engine and
baselines) passed evaluation without violations, equal runs give equal
quality, and run_benchmarks.py fits, checks and writes its page as documented.

Run by meson (`meson test --suite bench`) with GROUPS_BENCH set to the program."""
import json
import math
import os
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
import run_benchmarks  # noqa: E402

BINARY = os.environ.get("GROUPS_BENCH")
needs_binary = pytest.mark.skipif(not BINARY, reason="GROUPS_BENCH is not set")

QUALITY = ["total", "shifted_total", "group_score_sum", "assigned", "unassigned", "coverage",
           "groups", "mean_group_size", "mean_group_score", "exchange_rate", "cohost_rate",
           "theme_rate", "mean_travel_km", "travel_members", "violations"]


def bench(*args):
    done = subprocess.run([BINARY] + [str(a) for a in args], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


def consistent(m, n, mu, min_size, max_size):
    assert m["violations"] == 0
    assert m["assigned"] + m["unassigned"] == n
    assert m["coverage"] == pytest.approx(m["assigned"] / n, abs=1e-6)
    assert m["shifted_total"] == pytest.approx(m["total"] + mu * n, abs=1e-4)
    assert m["group_score_sum"] - mu * m["unassigned"] == pytest.approx(m["total"], abs=1e-4)
    assert min_size * m["groups"] <= m["assigned"] <= max_size * m["groups"]
    if m["groups"]:
        assert m["mean_group_size"] == pytest.approx(m["assigned"] / m["groups"], abs=1e-4)
        assert m["mean_group_score"] == pytest.approx(m["group_score_sum"] / m["groups"],
                                                      abs=1e-4)
    for rate in ("exchange_rate", "cohost_rate", "theme_rate"):
        assert 0.0 <= m[rate] <= 1.0
        # a rate is a count of groups over the number of groups
        assert round(m[rate] * m["groups"]) == pytest.approx(m[rate] * m["groups"], abs=1e-3)
    assert m["travel_members"] <= m["assigned"]
    assert 0.0 <= m["mean_travel_km"] <= 10.0  # nobody's limit in the generator is above 10 km


@needs_binary
@pytest.mark.parametrize("venues", [3, 0])
def test_metrics_agree_and_everything_is_feasible(venues):
    n = 400
    r = bench("--participants", n, "--venues", venues, "--effort", 2, "--seed", 7)
    assert r["ok"] is True
    assert (r["n"], r["venues"], r["effort"], r["seed"]) == (n, venues, 2, 7)
    engine = r["engine"]
    assert engine["eval_violations"] == 0
    assert engine["eval_total_difference"] < 1e-6
    assert engine["peak_rss_bytes"] >= engine["pool_hwm_bytes"] > engine["start_hwm_bytes"] > 0
    assert engine["bytes_per_participant"] == pytest.approx(engine["peak_rss_bytes"] / n,
                                                            abs=0.01)
    methods = [engine, r["baselines"]["random"], r["baselines"]["greedy"]]
    for m in methods:
        consistent(m, n, r["mu"], r["min_size"], r["max_size"])
        if venues:
            assert m["groups"] <= r["venue_group_capacity"]
    for name in ("random", "greedy"):
        b = r["baselines"][name]
        assert b["engine_shifted_ratio"] == pytest.approx(
            engine["shifted_total"] / b["shifted_total"], rel=1e-5)
        assert b["engine_total_minus"] == pytest.approx(engine["total"] - b["total"], abs=1e-4)
        assert b["groups"] > 0


@needs_binary
def test_equal_runs_give_equal_quality():
    runs = [bench("--participants", 300, "--venues", 2, "--effort", 1, "--seed", 3)
            for _ in range(2)]
    for part in ("engine",):
        assert [runs[0][part][k] for k in QUALITY] == [runs[1][part][k] for k in QUALITY]
    for name in ("random", "greedy"):
        assert [runs[0]["baselines"][name][k] for k in QUALITY] == \
            [runs[1]["baselines"][name][k] for k in QUALITY]


@needs_binary
def test_no_baselines_option():
    r = bench("--participants", 200, "--venues", 1, "--effort", 1, "--no-baselines")
    assert "baselines" not in r and r["ok"] is True


@needs_binary
def test_bad_option_is_refused():
    done = subprocess.run([BINARY, "--participants", "many"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, check=False)
    assert done.returncode == 2 and done.stdout == ""
    assert "--participants needs a whole number" in done.stderr


def test_fit_exponent_recovers_a_power_law():
    points = [(n, 3.0 * n ** 1.25) for n in (1e4, 2e4, 1e5, 2e5, 1e6)]
    assert run_benchmarks.fit_exponent(points) == pytest.approx(1.25, abs=1e-12)
    assert run_benchmarks.fit_exponent(points[:1]) is None


def fake_run(n, wall, coverage, shifted, random_shifted, exchange=0.9, random_exchange=0.6):
    mu = 10.0
    engine = {"wall_seconds": wall, "cpu_seconds": wall, "coverage": coverage,
              "shifted_total": shifted, "total": shifted - mu * n, "exchange_rate": exchange,
              "bytes_per_participant": 1000.0, "data_bytes_per_participant": 900.0,
              "run_bytes_per_participant": 300.0, "peak_rss_bytes": 1000 * n,
              "pool_hwm_bytes": 600 * n, "start_hwm_bytes": 2e6, "group_score_sum": 1.0,
              "mean_group_score": 6.0, "groups": n // 20, "mean_group_size": 6.0,
              "cohost_rate": 0.5, "theme_rate": 0.8, "mean_travel_km": 1.5}
    random = dict(engine, shifted_total=random_shifted, total=random_shifted - mu * n,
                  exchange_rate=random_exchange, wall_seconds=0.01)
    return {"n": n, "venues": n // 250, "version": "0", "engine": engine,
            "baselines": {"random": random, "greedy": dict(random)},
            "venue_group_capacity": n // 5, "command": "bench/groups_bench --participants %d" % n,
            "load_before": 0.5}


def checks_by_name(summary):
    return {c["name"]: c for c in summary["checks"]}


def test_analysis_applies_the_targets():
    runs = [fake_run(20000, 4.0, 0.50, 130.0, 100.0),
            fake_run(200000, 4.0 * 12.4, 0.50, 129.0, 100.0, exchange=0.5)]
    summary = run_benchmarks.analyse(runs, [])
    checks = checks_by_name(summary)
    assert checks["time 200,000 / 20,000"]["ok"] is True
    assert checks["coverage 200,000 vs 20,000"]["ok"] is True
    assert checks["score vs random at 20,000"]["ok"] is True   # 130 / 100 = 1.3
    assert checks["score vs random at 200,000"]["ok"] is False  # 1.29
    assert checks["two-way exchange vs random at 200,000"]["ok"] is False  # 0.5 < 0.6
    assert checks["time at 10,000"]["ok"] is None  # not run
    assert summary["wall_exponent"] == pytest.approx(math.log(12.4) / math.log(10))

    slower = [fake_run(20000, 4.0, 0.5, 130.0, 100.0), fake_run(200000, 50.1, 0.49, 1, 1)]
    checks = checks_by_name(run_benchmarks.analyse(slower, []))
    assert checks["time 200,000 / 20,000"]["ok"] is False
    assert checks["coverage 200,000 vs 20,000"]["ok"] is False


def test_effort_check_uses_the_tenfold_run():
    def sweep(effort, shifted):
        run = fake_run(10000, 1.0, 0.5, shifted, 1.0)
        run["effort"] = effort
        del run["baselines"]
        return run
    close = [sweep(20, 995.0), sweep(200, 1000.0)]
    assert checks_by_name(run_benchmarks.analyse([], close))[
        "effort 20 vs 200 at 10,000"]["ok"] is True
    far = [sweep(20, 980.0), sweep(200, 1000.0)]
    summary = run_benchmarks.analyse([], far)
    assert summary["effort_gap"] == pytest.approx(0.02)
    assert checks_by_name(summary)["effort 20 vs 200 at 10,000"]["ok"] is False


def test_report_merges_other_sections_verbatim(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    pairs_text = "# Pairs benchmark\n\n| n | s |\n|---|---|\n| 10 | 0.1 |\n"
    (docs / "benchmarks_pairs.md").write_text(pairs_text)
    runs = [fake_run(1000, 0.1, 0.3, 3000.0, 2500.0), fake_run(10000, 1.0, 0.3, 30000.0, 2e4)]
    sweep = []
    for effort, shifted in ((1, 900.0), (20, 990.0), (200, 1000.0)):
        run = fake_run(1000, 0.1 * effort, 0.3, shifted, 1.0)
        run["effort"] = effort
        sweep.append(run)
    meta = {"command": "python3 bench/run_benchmarks.py --quick", "date": "2000-01-01",
            "machine": {"cpu": "test cpu", "cores": 2, "memory_gib": 1.0}, "threads": 2}
    summary = run_benchmarks.analyse(runs, sweep)
    path = run_benchmarks.report(None, runs, sweep, summary, meta, str(docs))
    text = open(path).read()
    assert pairs_text.rstrip("\n") in text
    assert "## Pairs" in text and "Matrix partitioning" not in text
    assert "test cpu" in text and "python3 bench/run_benchmarks.py --quick" in text
    assert "bench/groups_bench --participants 10000" in text
    for name in ("time_vs_n.png", "memory_vs_n.png", "quality_vs_effort.png"):
        png = docs / "benchmarks" / name
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert "(benchmarks/%s)" % name in text
