"""lmatch gen --cities K: a country of K cities (issue 18).

The sizes are recomputed here from the rule (Zipf's law: weights 1/k, shares
by largest remainder, the first cities taking what is left) and checked
against the geography of the file: each city's block of ids is a separate
cluster on the map, and the spread of a city grows with the square root of
its size (fixed density), unlike the single city, whose spread does not
depend on n."""
import csv
import math
import os
import statistics
import subprocess

import pytest

LMATCH = os.environ.get("LMATCH")
pytestmark = pytest.mark.skipif(not LMATCH, reason="LMATCH (the lmatch tool) is not set")


def _gen(tmp_path, *args):
    out = tmp_path / "pool.csv"
    done = subprocess.run([LMATCH, "gen", *map(str, args), "-o", str(out)], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stderr
    with open(out, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f)), out.read_bytes()


def _zipf_sizes(n, k):
    weights = [720720 * 16 // (j + 1) for j in range(k)]
    sizes = [n * w // sum(weights) for w in weights]
    j = 0
    while sum(sizes) < n:
        sizes[j] += 1
        j = (j + 1) % k
    return sizes


def _spread_km(rows):
    located = [(float(r["lat"]), float(r["lon"])) for r in rows if r["lat"]]
    lat = statistics.mean(p[0] for p in located)
    north = statistics.pstdev(p[0] for p in located) * 111.2
    east = statistics.pstdev(p[1] for p in located) * 111.2 * math.cos(math.radians(lat))
    return math.hypot(north, east), (lat, statistics.mean(p[1] for p in located))


def test_cities_are_separate_clusters_of_zipf_sizes_and_fixed_density(tmp_path):
    n, k = 30000, 6
    rows, _ = _gen(tmp_path, "-n", n, "--cities", k, "--seed", 4)
    sizes = _zipf_sizes(n, k)
    assert sizes[0] > 5 * sizes[-1]  # heavy-tailed: 1/k of the largest
    blocks, start = [], 0
    for size in sizes:
        blocks.append(rows[start:start + size])
        start += size
    spreads = [_spread_km(block) for block in blocks]
    # the spread over the square root of the size is the same for every city
    ratios = [s / math.sqrt(len(b)) for (s, _), b in zip(spreads, blocks)]
    assert max(ratios) < 1.3 * min(ratios), ratios
    # each person is nearer their own city's centre than any other's, for
    # nearly everyone (cities may touch at their edges)
    centres = [c for _, c in spreads]
    wrong = 0
    for j, block in enumerate(blocks):
        for r in block:
            if not r["lat"]:
                continue
            d = [math.hypot(float(r["lat"]) - c[0], (float(r["lon"]) - c[1]) * 0.6145)
                 for c in centres]
            wrong += min(range(k), key=d.__getitem__) != j
    assert wrong < 0.02 * n, wrong


def test_one_city_keeps_its_spread_and_country_is_deterministic(tmp_path):
    small, _ = _gen(tmp_path, "-n", 2000, "--seed", 4)
    large, _ = _gen(tmp_path, "-n", 20000, "--seed", 4)
    # without --cities the map is Utrecht's whatever n: density grows with n
    assert _spread_km(large)[0] == pytest.approx(_spread_km(small)[0], rel=0.1)
    one, _ = _gen(tmp_path, "-n", 2000, "--cities", 1, "--seed", 4)
    many, _ = _gen(tmp_path, "-n", 20000, "--cities", 1, "--seed", 4)
    assert _spread_km(many)[0] == pytest.approx(_spread_km(one)[0] * math.sqrt(10), rel=0.15)
    _, first = _gen(tmp_path, "-n", 3000, "--cities", 4, "--seed", 9, "--venues", 20,
                    "--venues-out", tmp_path / "v.csv")
    _, again = _gen(tmp_path, "-n", 3000, "--cities", 4, "--seed", 9, "--venues", 20,
                    "--venues-out", tmp_path / "v.csv")
    _, other = _gen(tmp_path, "-n", 3000, "--cities", 4, "--seed", 10)
    assert first == again and first != other


def test_venues_follow_the_cities(tmp_path):
    rows, _ = _gen(tmp_path, "-n", 12000, "--cities", 3, "--seed", 2, "--venues", 30,
                   "--venues-out", tmp_path / "v.csv")
    with open(tmp_path / "v.csv", newline="", encoding="utf-8") as f:
        venues = list(csv.DictReader(f))
    people_sizes, venue_sizes = _zipf_sizes(12000, 3), _zipf_sizes(30, 3)
    start, vstart = 0, 0
    for size, vsize in zip(people_sizes, venue_sizes):
        spread, centre = _spread_km(rows[start:start + size])
        for v in venues[vstart:vstart + vsize]:
            km = math.hypot((float(v["lat"]) - centre[0]) * 111.2,
                            (float(v["lon"]) - centre[1]) * 111.2 * 0.6145)
            assert km < 3 * spread, (v["id"], km, spread)
        start, vstart = start + size, vstart + vsize


def test_bad_city_counts_are_usage_errors(tmp_path):
    for value in ("0", "10001", "x"):
        done = subprocess.run([LMATCH, "gen", "-n", "10", "--cities", value, "-o",
                               str(tmp_path / "p.csv")], capture_output=True, text=True,
                              check=False)
        assert done.returncode == 2 and "--cities" in done.stderr, (value, done.stderr)
