"""`lmatch pairs` against an optimum computed independently.

For many random pools (square and rectangular, with and without venues,
with infeasible pairs and ties) this test rebuilds every newcomer-resident
pair score in Python from `lmatch inspect --json`, following the formulas and
hard constraints of DESIGN.md, solves the assignment with scipy's
linear_sum_assignment (padded so that anybody may stay alone), and checks
that the total of `lmatch pairs --json` equals that optimum. It also checks
each reported pair against the Python score and constraints, and that
`lmatch eval` with the pairs parameters accepts the pairs CSV.

Run by meson with LMATCH pointing at the built tool.
"""
import json
import math
import os
import subprocess

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

LMATCH = os.environ.get("LMATCH", "lmatch")
EARTH_RADIUS_KM = 6371.0088
DEFAULT_WEIGHTS = {"alpha": 1.0, "beta": 1.0, "gamma": 1.0, "eta": 1.0, "lambda": 0.5, "mu": 10.0}


def run(*args, check=True):
    done = subprocess.run([LMATCH, *args], capture_output=True, text=True)
    if check and done.returncode != 0:
        raise AssertionError(f"lmatch {' '.join(args)} failed: {done.stderr}")
    return done


# ---- the model, from DESIGN.md ------------------------------------------------


def haversine(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(a, 1.0)))


def unit(v):
    n = np.linalg.norm(v)
    return v / n if n > 0 else v


class Person:
    def __init__(self, record, slot_count):
        self.id = record["id"]
        self.newcomer = record["role"] == "newcomer"
        self.x = np.array(record["x"], dtype=float)
        self.o = np.array(record["o"], dtype=float)
        self.w = np.array(record["w"], dtype=float)
        self.languages = set(record["languages"])
        slots = set(record["availability"])
        self.slots = slots if slots else set(range(slot_count))
        self.located = record["lat"] is not None
        self.lat, self.lon = record["lat"], record["lon"]
        self.max_km = record["max_km"]
        self.step_free = record["step_free"]
        self.host = record["host"]


def pair_score(a, b, weights):
    """The group objective for the group {a, b}, term by term."""
    newcomer, resident = (a, b) if a.newcomer else (b, a)
    members = [a, b]
    k = 2
    theme = float(np.max(a.x + b.x)) if len(a.x) else 0.0
    units = [unit(m.x) for m in members]
    total_unit = units[0] + units[1]
    shared = (total_unit @ total_unit - sum(u @ u for u in units)) / (k - 1)
    e_nr = unit(newcomer.o) @ unit(resident.w)
    e_rn = unit(resident.o) @ unit(newcomer.w)
    exchange = k * min(e_nr, e_rn)  # |N| |R| = 1
    cohost = 1.0 if a.host and b.host else 0.0
    balance = 0.0
    total = (weights["alpha"] * theme + weights["beta"] * shared + weights["gamma"] * exchange
             + weights["eta"] * cohost - weights["lambda"] * balance)
    return {"theme": theme, "shared": shared, "exchange": exchange, "cohost": cohost,
            "balance": balance, "total": total}


def within(person, lat, lon, default_km):
    if not person.located:
        return True
    limit = person.max_km if person.max_km else default_km
    return not haversine(person.lat, person.lon, lat, lon) > limit


def feasible(a, b, venues, language_rule, default_km):
    if language_rule and a.languages and b.languages and not (a.languages & b.languages):
        return False
    slots = a.slots & b.slots
    if not slots:
        return False
    if not venues:
        located = [m for m in (a, b) if m.located]
        if not located:
            return True
        lat = sum(m.lat for m in located) / len(located)
        lon = sum(m.lon for m in located) / len(located)
        return within(a, lat, lon, default_km) and within(b, lat, lon, default_km)
    step_free = a.step_free or b.step_free
    for v in venues:
        if step_free and not v["step_free"]:
            continue
        if not (set(v["open"]) & slots):
            continue
        if within(a, v["lat"], v["lon"], default_km) and within(b, v["lat"], v["lon"], default_km):
            return True
    return False


def optimum(pool, weights, language_rule=True, default_km=5.0):
    """The best total over all matchings, by scipy on a padded square matrix:
    rows are newcomers then one "alone" row per resident, columns residents
    then one "alone" column per newcomer."""
    slot_count = len(pool["slots"])
    people = [Person(r, slot_count) for r in pool["participants"]]
    venues = pool.get("venues", [])
    newcomers = [p for p in people if p.newcomer]
    residents = [p for p in people if not p.newcomer]
    n, m = len(newcomers), len(residents)
    mu = weights["mu"]
    size = n + m
    if size == 0:
        return 0.0, {}
    cost = np.full((size, size), np.inf)
    scores = {}
    for i, a in enumerate(newcomers):
        for j, b in enumerate(residents):
            if feasible(a, b, venues, language_rule, default_km):
                score = pair_score(a, b, weights)
                scores[(a.id, b.id)] = score
                cost[i, j] = -(2 * mu + score["total"])
        cost[i, m + i] = 0.0  # newcomer i alone
    for j in range(m):
        cost[n + j, j] = 0.0  # resident j alone
    cost[n:, m:] = 0.0  # both alone: the padding pairs up
    rows, cols = linear_sum_assignment(cost)
    best = -cost[rows, cols].sum()
    return best - mu * size, scores


# ---- pools ---------------------------------------------------------------------


def generated_pool(tmp_path, participants, seed, share, venues):
    pool_csv = tmp_path / "pool.csv"
    args = ["gen", "-n", str(participants), "--seed", str(seed), "--newcomer-share", str(share),
            "-o", str(pool_csv)]
    venues_csv = None
    if venues:
        venues_csv = tmp_path / "venues.csv"
        args += ["--venues", str(venues), "--venues-out", str(venues_csv)]
    run(*args)
    return pool_csv, venues_csv


HEADER = "id,role,interests,offers,wants,languages,availability,lat,lon,max_km,step_free,host\n"


def tied_pool(tmp_path, seed):
    """Twins and triplets (equal scores everywhere), people who share no
    language or slot with anybody, someone far away and someone without a
    location: many ties and infeasible pairs."""
    rng = np.random.default_rng(seed)
    kinds = [
        ("guitar;cooking:0.5", "dutch", "arabic", "nl;ar", "mon-evening;tue-evening"),
        ("football", "arabic", "dutch", "nl;en", "tue-evening;sat-morning"),
        ("baking;guitar:0.3", "", "dutch", "en", "sat-morning"),
        ("chess", "chess", "", "ti", "sun-evening"),  # a language few speak
    ]
    rows = []
    for k in range(int(rng.integers(6, 16))):
        role = "newcomer" if rng.random() < 0.5 else "resident"
        interests, offers, wants, languages, slots = kinds[int(rng.integers(0, len(kinds)))]
        if rng.random() < 0.15:
            slots = "wed-morning"  # nobody else there
        lat, lon, max_km = 52.09 + 0.01 * int(rng.integers(0, 3)), 5.12, ""
        if rng.random() < 0.1:
            lat, lon, max_km = 52.37, 4.90, "2"  # Amsterdam: too far
        if rng.random() < 0.1:
            lat = lon = ""
        host = "yes" if rng.random() < 0.3 else "no"
        rows.append(f"t{k:02d},{role},{interests},{offers},{wants},{languages},{slots},"
                    f"{lat},{lon},{max_km},no,{host}\n")
    pool_csv = tmp_path / "pool.csv"
    pool_csv.write_text(HEADER + "".join(rows))
    return pool_csv, None


def inspect(pool_csv, venues_csv):
    args = ["inspect", str(pool_csv), "--json"]
    if venues_csv:
        args += ["--venues", str(venues_csv)]
    return json.loads(run(*args).stdout)


def pairs(tmp_path, pool_csv, venues_csv, extra):
    args = ["pairs", str(pool_csv), "--json", "-", "--quiet", *extra]
    if venues_csv:
        args += ["--venues", str(venues_csv)]
    return json.loads(run(*args).stdout)


def check_pairs(result, scores, expected):
    assert result["total"] == pytest.approx(expected, abs=1e-6)
    for group in result["groups"]:
        assert len(group["members"]) == 2
        roles = dict(zip(group["members"], group["roles"]))
        newcomer = next(i for i, r in roles.items() if r == "newcomer")
        resident = next(i for i, r in roles.items() if r == "resident")
        key = (newcomer, resident)
        assert key in scores, f"{key} is not a feasible pair"
        for term, value in scores[key].items():
            assert group["score"][term] == pytest.approx(value, abs=1e-9), term


def check_eval(tmp_path, pool_csv, venues_csv, extra, total):
    pairs_csv = tmp_path / "pairs.csv"
    args = ["pairs", str(pool_csv), "-o", str(pairs_csv), "--quiet", *extra]
    if venues_csv:
        args += ["--venues", str(venues_csv)]
    run(*args)
    args = ["eval", str(pool_csv), str(pairs_csv), "--json", "--min-size", "2",
            "--max-size", "2", "--min-per-role", "1", *extra]
    if venues_csv:
        args += ["--venues", str(venues_csv)]
    evaluation = json.loads(run(*args).stdout)
    kinds = {v["kind"] for v in evaluation["violations"]}
    assert kinds <= {"capacity"}, evaluation["violations"]  # buddies book no venue
    assert evaluation["total"] == pytest.approx(total, abs=1e-6)


CASES = []
for seed in range(1, 49):
    participants = [12, 30, 60, 90, 140, 240][seed % 6]
    share = [0.5, 0.3, 0.7, 0.45][seed % 4]
    venues = 4 if seed % 3 == 0 else 0
    CASES.append(("gen", seed, participants, share, venues))
for seed in range(1, 17):
    CASES.append(("tied", seed, 0, 0.0, 0))

OPTIONS = [
    ([], dict(DEFAULT_WEIGHTS), True, 5.0),
    (["--weights", "1,2,3,1,0.5,0.5"],
     dict(DEFAULT_WEIGHTS, beta=2.0, gamma=3.0, mu=0.5), True, 5.0),
    (["--no-language", "--max-km", "2"], dict(DEFAULT_WEIGHTS), False, 2.0),
]


@pytest.mark.parametrize("kind,seed,participants,share,venues", CASES)
def test_pairs_total_is_the_scipy_optimum(tmp_path, kind, seed, participants, share, venues):
    if kind == "gen":
        pool_csv, venues_csv = generated_pool(tmp_path, participants, seed, share, venues)
    else:
        pool_csv, venues_csv = tied_pool(tmp_path, seed)
    pool = inspect(pool_csv, venues_csv)
    extra, weights, language_rule, default_km = OPTIONS[seed % len(OPTIONS)]
    expected, scores = optimum(pool, weights, language_rule, default_km)
    assert scores, "every pool here has feasible pairs"
    result = pairs(tmp_path, pool_csv, venues_csv, extra)
    assert result["optimality"] == "optimal"
    check_pairs(result, scores, expected)
    check_eval(tmp_path, pool_csv, venues_csv, extra, expected)
    # the candidate graph never beats the optimum, and reaches it when it is wide
    narrow = pairs(tmp_path, pool_csv, venues_csv, extra + ["--candidates", "2"])
    assert narrow["optimality"] == "optimal_on_candidates"
    assert narrow["total"] <= expected + 1e-6
    check_pairs(narrow, scores, narrow["total"])
    if participants <= 30:
        wide = pairs(tmp_path, pool_csv, venues_csv, extra + ["--candidates", "40"])
        assert wide["total"] == pytest.approx(expected, abs=1e-6)


def test_unassigned_reasons_and_json_contract(tmp_path):
    pool_csv = tmp_path / "pool.csv"
    pool_csv.write_text(HEADER +
                        "r1,resident,guitar,,,nl,tue-evening,52.09,5.12,,no,yes\n"
                        "n1,newcomer,guitar,,,ar,tue-evening,52.09,5.12,,no,no\n"
                        "n2,newcomer,guitar,,,nl,mon-morning,52.09,5.12,,no,no\n"
                        "n3,newcomer,guitar,,,nl,tue-evening,52.09,5.12,,no,yes\n"
                        "n4,newcomer,guitar,,,nl,tue-evening,52.09,5.12,,no,no\n")
    result = pairs(tmp_path, pool_csv, None, [])
    assert [g["members"] for g in result["groups"]] == [["r1", "n3"]]
    group = result["groups"][0]
    assert group["slot_label"] == "tue-evening" and group["language"] == "nl"
    assert group["venue"] is None and group["cohosts"] == ["n3", "r1"]
    assert group["score"] == pytest.approx({"theme": 2, "shared": 2, "exchange": 0, "cohost": 1,
                                            "balance": 0, "total": 5}, abs=1e-12)
    reasons = {u["id"]: u["reason"] for u in result["unassigned"]}
    assert reasons == {"n1": "no_shared_language", "n2": "no_common_slot",
                       "n4": "role_shortage"}
    assert result["total"] == pytest.approx(5 - 30, abs=1e-12)
    assert result["optimality"] == "optimal"


def test_bad_command_lines(tmp_path):
    assert run("pairs", check=False).returncode == 2
    done = run("pairs", "missing.csv", "--quiet", check=False)
    assert done.returncode == 1 and "missing.csv" in done.stderr
    assert run("pairs", "x.csv", "--candidates", "-1", check=False).returncode == 2
    assert run("pairs", "--help").stdout.startswith("Usage: lmatch pairs POOL.csv")
