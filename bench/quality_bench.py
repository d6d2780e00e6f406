#!/usr/bin/python3
"""Quality benchmarks against references that no tuning can fake (issue 14, part 4).

Four families, each measured with the built `lmatch` on pools this script
generates, and written to docs/benchmarks_quality.md with every command:

1. planted pools (bench/planted.py: k groups of six, perfect by construction,
   shuffled): the share of the planted grouping's total that `lmatch groups`
   reaches, and the people it places. `lmatch eval` scores the planted
   grouping and must find it feasible.
2. pools whose only constraints are language, mix and size (`lmatch gen` with
   the availability and location columns blanked): the people placed against
   the maximum of an integer program solved by CBC (Debian's python3-pulp and
   coinor-cbc; pulp is imported here only, never by the library). The
   program's solution is turned into a grouping that `lmatch eval` must find
   feasible, so the maximum is reached by a real grouping too.
3. cities as bench/run_benchmarks.py generates them (one venue per 250
   people) next to the same cities with every venue's capacity multiplied so
   that the venues' places are at least twice the demand: coverage, total + mu n.
4. an effort sweep (5, 20, 80, 320) on one pool of each family.

Wherever `lmatch groups --json` reports "bound" and "gap", they are shown;
"—" otherwise. Times are the wall time of the `lmatch groups` process.

    /usr/bin/python3 bench/quality_bench.py --label after            # all families
    /usr/bin/python3 bench/quality_bench.py --label before --build-dir ../base/build/release
    /usr/bin/python3 bench/quality_bench.py --report-only            # rewrite the page

The results go to bench/results/quality_LABEL.json; the page shows the newest
label and, when bench/results/quality_before.json is there, the before value
next to every measured one. The page also refreshes the short section it owns
in docs/benchmarks.md (between the quality_bench markers; bench/run_benchmarks.py
emits the same section when it regenerates that page).

Helpers used by the commands on the page:

    quality_bench.py blank IN.csv OUT.csv              # availability and location blanked
    quality_bench.py widen-venues IN.csv OUT.csv --factor F
    quality_bench.py ilp POOL.csv --lmatch LMATCH [--json OUT.json] [--witness GROUPS.csv]
"""
import argparse
import csv
import datetime
import json
import math
import os
import platform
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
PYTHON = "/usr/bin/python3"

MU = 10.0            # the default weight of an unassigned participant
MIN_SIZE, MAX_SIZE, MIN_PER_ROLE = 4, 6, 2   # the library's defaults
PARTICIPANTS_PER_VENUE = 250                 # as bench/run_benchmarks.py
VENUE_HEADROOM = 2.0  # venue-rich cities: places >= 2 x the demand (n / min_size groups)

FULL = {
    "planted": [(50, [1, 2, 3, 4, 5]), (150, [1, 2, 3, 4, 5]), (1000, [1, 2, 3]), (10000, [1])],
    "planted_venues": [(150, [1])],
    "lms": [(200, [1, 2, 3]), (500, [1, 2, 3]), (1000, [1, 2, 3]), (2000, [1, 2])],
    "city": [10000, 100000],
    "efforts": [5, 20, 80, 320],
    "sweep": {"planted": (1000, 1), "lms": (1000, 1), "city": 10000},
}
QUICK = {
    "planted": [(5, [1, 2]), (10, [1])],
    "planted_venues": [(5, [1])],
    "lms": [(40, [1]), (60, [2])],
    "city": [500],
    "efforts": [5, 20],
    "sweep": {"planted": (10, 1), "lms": (60, 2), "city": 500},
}

# The targets of issue 14 (benchmark at default effort).
PLANTED_TARGETS = {150: 0.99, 1000: 0.99, 10000: 0.98}
LMS_TARGET = 0.99
CITY_GAP_TARGET, CITY_GAP_N = 0.05, 10000
PLANTED_GAP_TARGET = 0.02

BEGIN_MARK = "<!-- quality_bench: begin (bench/quality_bench.py writes this section) -->"
END_MARK = "<!-- quality_bench: end -->"


def log(message):
    print("quality_bench: " + message, file=sys.stderr, flush=True)


def quote(command):
    return " ".join(shlex.quote(str(part)) for part in command)


def grouped(n):
    return "{:,}".format(n)


def write_json(path, data):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    temporary = path + ".tmp"
    with open(temporary, "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(temporary, path)


def read_json(path):
    with open(path) as f:
        return json.load(f)


def write_text(path, text):
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(temporary, path)


# ---- pools ------------------------------------------------------------------------------

def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        return reader.fieldnames, list(reader)


def write_csv(path, fields, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


BLANKED = ("availability", "lat", "lon", "max_km")


def blank_pool(source, target):
    """The pool with availability and location blanked: only language, mix
    and size still constrain a group (an empty cell puts no constraint)."""
    fields, rows = read_csv(source)
    for row in rows:
        for column in BLANKED:
            if column in row:
                row[column] = ""
    write_csv(target, fields, rows)
    return len(rows)


def venue_places(path):
    """Group places a week: open slots x capacity, summed over the venues."""
    _, rows = read_csv(path)
    return sum(int(r["capacity"]) * len([s for s in r["open"].split(";") if s.strip()])
               for r in rows)


def widen_venues(source, target, factor):
    """The venues with every capacity multiplied by factor (same places, same hours)."""
    fields, rows = read_csv(source)
    for row in rows:
        row["capacity"] = str(int(row["capacity"]) * factor)
    write_csv(target, fields, rows)


def venue_factor(places, n):
    """The smallest integer factor that makes places >= VENUE_HEADROOM x n / MIN_SIZE."""
    demand = n / MIN_SIZE
    return max(1, int(math.ceil(VENUE_HEADROOM * demand / max(places, 1)))), demand


# ---- the integer program: language, mix and size only ------------------------------------
#
# People of the same role speaking the same set of languages are interchangeable,
# so the program counts them: y[t, l] people of type t (role, language set) in
# groups that use language l, at most one language each; g[l] groups use l. An
# empty set (language unknown) may join any language. With N newcomers, R
# residents and g groups in language l, the program requires
#     q g <= N,  q g <= R,  min g <= N + R <= max g
# and these are exactly the counts that some split into g groups allows
# (split_counts() builds one; the page gives the argument). The maximum of
# sum y is therefore the most people any grouping can place.

ANY = "*"  # the class of groups made only of people with no language given


def person_types(people):
    """{(role, frozenset(languages)): [ids]} from [{"id", "role", "languages"}]."""
    types = {}
    for p in people:
        key = (p["role"], frozenset(p["languages"]))
        types.setdefault(key, []).append(p["id"])
    return types


def split_counts(newcomers, residents, groups, min_size=MIN_SIZE, max_size=MAX_SIZE,
                 min_per_role=MIN_PER_ROLE):
    """Splits the lists into `groups` groups of min_size..max_size with at least
    min_per_role of each role, or returns None when the counts do not allow it.
    Every group first takes q newcomers and q residents; the sizes are spread
    between max(min_size, 2q) and max_size; the rest fill the groups in turn."""
    n, r, g, q = len(newcomers), len(residents), groups, min_per_role
    total = n + r
    if g == 0:
        return [] if total == 0 else None
    low = max(min_size, 2 * q)
    if q * g > n or q * g > r or low * g > total or total > max_size * g or 2 * q > max_size:
        return None
    sizes = [low] * g
    extra = total - low * g
    for i in range(g):
        step = min(extra, max_size - low)
        sizes[i] += step
        extra -= step
    rest = newcomers[q * g:] + residents[q * g:]
    out, used = [], 0
    for i in range(g):
        members = newcomers[q * i:q * (i + 1)] + residents[q * i:q * (i + 1)]
        take = sizes[i] - 2 * q
        members += rest[used:used + take]
        used += take
        out.append(members)
    return out


class Model:
    """The integer program as plain data: columns (name, upper bound) and rows
    ({column: coefficient}, low, high), maximising the sum of the y columns."""

    def __init__(self, people, min_size=MIN_SIZE, max_size=MAX_SIZE,
                 min_per_role=MIN_PER_ROLE):
        self.types = person_types(people)
        # A group of people who all left the language blank fits in any language's
        # counts (the inequalities add up), so it needs a class of its own only
        # when nobody gave a language.
        self.languages = sorted({c for (_, langs) in self.types for c in langs}) or [ANY]
        self.ordered = sorted(self.types, key=lambda t: (t[0], sorted(t[1])))
        self.columns, self.y, self.g, self.rows = [], {}, {}, []
        for index, t in enumerate(self.ordered):
            allowed = sorted(t[1]) if t[1] else self.languages
            for code in allowed:
                self.y[index, code] = len(self.columns)
                self.columns.append(("y_%d_%s" % (index, code.replace(ANY, "any")),
                                     len(self.types[t])))
            self.rows.append(({self.y[index, c]: 1 for c in allowed}, None,
                              len(self.types[t])))
        for code in self.languages:
            self.g[code] = len(self.columns)
            self.columns.append(("g_%s" % code.replace(ANY, "any"), None))
        for code in self.languages:
            new = [col for (index, c), col in self.y.items()
                   if c == code and self.ordered[index][0] == "newcomer"]
            res = [col for (index, c), col in self.y.items()
                   if c == code and self.ordered[index][0] != "newcomer"]
            g = self.g[code]
            for members in (new, res):          # q g <= N,  q g <= R
                row = {col: 1 for col in members}
                row[g] = -min_per_role
                self.rows.append((row, 0, None))
            both = {col: 1 for col in new + res}
            self.rows.append(({**both, g: -min_size}, 0, None))     # min g <= N + R
            self.rows.append(({**both, g: -max_size}, None, 0))     # N + R <= max g
        self.objective = [col for col in self.y.values()]

    def assignment(self, values):
        """{language: ([newcomer ids], [resident ids], groups)} from column values."""
        out, remaining = {}, {t: list(self.types[t]) for t in self.types}
        for code in self.languages:
            new, res = [], []
            for index, t in enumerate(self.ordered):
                col = self.y.get((index, code))
                count = int(round(values[col])) if col is not None else 0
                chosen, remaining[t] = remaining[t][:count], remaining[t][count:]
                (new if t[0] == "newcomer" else res).extend(chosen)
            count = int(round(values[self.g[code]]))
            if new or res or count:
                out[code] = (new, res, count)
        return out


def solve_cbc(model, time_limit, relax=False):
    """CBC through pulp (Debian python3-pulp, coinor-cbc), with a time limit.
    Returns {"solver", "status", "optimal", "value", "values", "seconds"}."""
    import pulp  # only the benchmark imports pulp, never the library

    problem = pulp.LpProblem("lms", pulp.LpMaximize)
    category = pulp.LpContinuous if relax else pulp.LpInteger
    variables = [pulp.LpVariable(name, lowBound=0, upBound=upper, cat=category)
                 for name, upper in model.columns]
    for row, low, high in model.rows:
        expression = pulp.lpSum(coefficient * variables[col] for col, coefficient in row.items())
        if low is not None:
            problem += expression >= low
        if high is not None:
            problem += expression <= high
    problem += pulp.lpSum(variables[col] for col in model.objective)
    solver = pulp.COIN_CMD(path=shutil.which("cbc") or "/usr/bin/cbc", msg=False,
                           timeLimit=time_limit, gapRel=0, mip=not relax, threads=1)
    started = time.monotonic()
    problem.solve(solver)
    seconds = time.monotonic() - started
    solution = getattr(problem, "sol_status", None)
    optimal = problem.status == pulp.LpStatusOptimal and \
        solution in (None, pulp.LpSolutionOptimal)
    if optimal:
        status = "optimal"
    elif solution == pulp.LpSolutionIntegerFeasible:
        status = "time limit, not proven optimal"
    else:
        status = pulp.LpStatus.get(problem.status, str(problem.status)).lower()
    return {"solver": "CBC", "status": status, "optimal": optimal,
            "value": pulp.value(problem.objective) or 0.0,
            "values": [v.value() or 0.0 for v in variables], "seconds": seconds}


def solve_highs(model, time_limit):
    """The same program with HiGHS (scipy.optimize.milp, Debian python3-scipy):
    the cross-check and the proof when CBC stops at its time limit. None
    without scipy."""
    try:
        import numpy
        from scipy.optimize import Bounds, LinearConstraint, milp
        from scipy.sparse import lil_matrix
    except ImportError:
        return None
    matrix = lil_matrix((len(model.rows), len(model.columns)))
    low, high = [], []
    for r, (row, lo, hi) in enumerate(model.rows):
        for col, coefficient in row.items():
            matrix[r, col] = coefficient
        low.append(-numpy.inf if lo is None else lo)
        high.append(numpy.inf if hi is None else hi)
    cost = numpy.zeros(len(model.columns))
    cost[model.objective] = -1
    upper = [numpy.inf if u is None else u for _, u in model.columns]
    started = time.monotonic()
    result = milp(cost, constraints=LinearConstraint(matrix.tocsr(), low, high),
                  integrality=numpy.ones(len(model.columns)), bounds=Bounds(0, upper),
                  options={"time_limit": time_limit, "disp": False})
    seconds = time.monotonic() - started
    optimal = result.status == 0
    return {"solver": "HiGHS", "status": "optimal" if optimal else result.message,
            "optimal": optimal, "value": -result.fun if result.x is not None else 0.0,
            "values": list(result.x) if result.x is not None else None, "seconds": seconds,
            "dual_bound": -getattr(result, "mip_dual_bound", float("nan"))}


def solve_ilp(people, time_limit=60.0, use_highs=True):
    """The most people groups that share a language, mix both roles and have a
    valid size can place. people: [{"id", "role", "languages": [codes]}].
    CBC first; HiGHS as a cross-check. The maximum is proven when either
    solver proves it; otherwise it is the best grouping found, with an upper
    bound from the LP relaxation (and HiGHS's bound)."""
    model = Model(people)
    cbc = solve_cbc(model, time_limit)
    lp = solve_cbc(model, time_limit, relax=True)
    highs = solve_highs(model, time_limit) if use_highs else None
    candidates = [s for s in (cbc, highs) if s and s["values"] is not None]
    proven = [s for s in candidates if s["optimal"]]
    chosen = proven[0] if proven else max(candidates, key=lambda s: s["value"])
    upper = math.floor(lp["value"] + 1e-6)
    if highs and not math.isnan(highs.get("dual_bound", float("nan"))):
        upper = min(upper, math.floor(highs["dual_bound"] + 1e-6))
    placed = int(round(chosen["value"]))
    out = {"placed": placed, "proven": bool(proven), "upper": placed if proven else upper,
           "source": chosen["solver"], "lp_bound": lp["value"], "lp_seconds": lp["seconds"],
           "cbc": {k: cbc[k] for k in ("status", "optimal", "value", "seconds")},
           "highs": {k: highs[k] for k in ("status", "optimal", "value", "seconds")}
           if highs else None,
           "variables": len(model.columns), "constraints": len(model.rows),
           "types": len(model.types),
           "languages": len([c for c in model.languages if c != ANY])}
    # "status" and "seconds": CBC's, as the page reports them.
    out["status"], out["seconds"] = cbc["status"], cbc["seconds"]
    if highs and cbc["optimal"] and highs["optimal"] and \
            int(round(cbc["value"])) != int(round(highs["value"])):
        out["disagreement"] = "CBC %g, HiGHS %g" % (cbc["value"], highs["value"])
    out["assignment"] = model.assignment(chosen["values"])
    return out


def witness_groups(assignment, min_size=MIN_SIZE, max_size=MAX_SIZE,
                   min_per_role=MIN_PER_ROLE):
    """The integer program's solution as groups: [(language, [ids])]; raises
    ValueError when a language's counts allow no split (a bug in the model)."""
    out = []
    for code in sorted(assignment):
        new, res, count = assignment[code]
        split = split_counts(new, res, count, min_size, max_size, min_per_role)
        if split is None:
            raise ValueError("language %s: %d newcomers, %d residents, %d groups: no split"
                             % (code, len(new), len(res), count))
        out += [(code, members) for members in split]
    return out


def inspect_people(lmatch, pool):
    """[{"id", "role", "languages"}] as libmatch reads them (canonical codes)."""
    done = subprocess.run([lmatch, "inspect", pool, "--json"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        raise RuntimeError("lmatch inspect %s failed: %s" % (pool, done.stderr.strip()))
    data = json.loads(done.stdout)
    return [{"id": p["id"], "role": p["role"], "languages": p["languages"] or []}
            for p in data["participants"]]


def write_groups_csv(path, groups, roles):
    with open(path, "w", encoding="utf-8") as f:
        f.write("group,id,role,theme,slot,venue,cohost\n")
        for number, (_, members) in enumerate(groups, 1):
            for member in members:
                f.write("%d,%s,%s,,,,\n" % (number, member, roles[member]))


def ilp_reference(lmatch, pool, time_limit, witness_path=None):
    """The integer program on a pool file, its LP relaxation, and the check of
    its solution by `lmatch eval`."""
    people = inspect_people(lmatch, pool)
    roles = {p["id"]: p["role"] for p in people}
    out = solve_ilp(people, time_limit=time_limit)
    groups = witness_groups(out.pop("assignment"))
    out["witness_groups"] = len(groups)
    out["witness_placed"] = sum(len(m) for _, m in groups)
    if witness_path:
        write_groups_csv(witness_path, groups, roles)
        done = subprocess.run([lmatch, "eval", pool, witness_path, "--json", "--quiet"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        evaluated = json.loads(done.stdout) if done.stdout.strip() else {}
        out["witness_feasible"] = bool(evaluated.get("feasible"))
        out["witness_violations"] = len(evaluated.get("violations", []))
        out["witness_eval_placed"] = sum(len(g["members"])
                                         for g in evaluated.get("groups", []))
    newcomers = sum(1 for p in people if p["role"] == "newcomer")
    out["newcomers"], out["residents"] = newcomers, len(people) - newcomers
    out["no_language"] = sum(1 for p in people if not p["languages"])
    return out


# ---- running lmatch ---------------------------------------------------------------------

def number(value):
    """A JSON number as a float; None when absent or not a number."""
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) \
        else None


class Runner:
    """Runs lmatch and the generators; records every command as the page shows it."""

    def __init__(self, lmatch, work, threads, shown_lmatch):
        self.lmatch, self.work, self.threads, self.shown_lmatch = lmatch, work, threads, \
            shown_lmatch
        self.ilp_cache = {}

    def path(self, name):
        return os.path.join(self.work, name)

    def show(self, command):
        shown = []
        for part in command:
            part = str(part)
            if part == self.lmatch:
                shown.append(self.shown_lmatch)
            elif part.startswith(self.work + os.sep):
                shown.append("WORK/" + os.path.relpath(part, self.work))
            elif part.startswith(SOURCE + os.sep):
                shown.append(os.path.relpath(part, SOURCE))
            else:
                shown.append(part)
        return quote(shown)

    def call(self, command, commands, quiet_ok=(0,)):
        commands.append(self.show(command))
        done = subprocess.run([str(c) for c in command], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
        if done.returncode not in quiet_ok:
            raise RuntimeError("%s failed (%d): %s" % (quote(command), done.returncode,
                                                       done.stderr.strip()[-2000:]))
        return done

    def planted(self, k, seed, commands, venues=False):
        tag = "planted_k%d_s%d%s" % (k, seed, "_v" if venues else "")
        pool, planted = self.path(tag + ".csv"), self.path(tag + ".groups.csv")
        command = [PYTHON, os.path.join(HERE, "planted.py"), "--groups", k, "--seed", seed,
                   "--pool", pool, "--groups-out", planted]
        venue_file = None
        if venues:
            venue_file = self.path(tag + ".venues.csv")
            command += ["--venues-out", venue_file]
        self.call(command, commands)
        return pool, planted, venue_file

    def gen(self, n, seed, commands, venues=0):
        tag = "city_n%d_s%d" % (n, seed)
        pool = self.path(tag + ".csv")
        command = [self.lmatch, "gen", "--participants", n, "--seed", seed]
        venue_file = None
        if venues:
            venue_file = self.path(tag + ".venues.csv")
            command += ["--venues", venues, "--venues-out", venue_file]
        self.call(command + ["-o", pool], commands)
        return pool, venue_file

    def evaluate(self, pool, groups, commands, venues=None):
        command = [self.lmatch, "eval", pool, groups]
        if venues:
            command += ["--venues", venues]
        out = self.path(os.path.basename(groups) + ".eval.json")
        done = self.call(command + ["--json", out, "--quiet"], commands)
        del done
        data = read_json(out)
        return {"total": data["total"], "feasible": bool(data.get("feasible")),
                "bound": number(data.get("bound")), "gap": number(data.get("gap")),
                "violations": len(data.get("violations", [])),
                "groups": len(data.get("groups", [])),
                "placed": sum(len(g["members"]) for g in data.get("groups", []))}

    def groups(self, pool, commands, venues=None, effort=None, tag=None):
        out = self.path((tag or os.path.basename(pool)) +
                        (".e%d" % effort if effort else "") + ".result.json")
        command = [self.lmatch, "groups", pool]
        if venues:
            command += ["--venues", venues]
        command += ["--threads", self.threads]
        if effort:
            command += ["--effort", effort]
        command += ["--json", out, "--quiet"]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.monotonic()
        self.call(command, commands)
        wall = time.monotonic() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        data = read_json(out)
        placed = sum(len(g["members"]) for g in data["groups"])
        unassigned = data.get("unassigned", [])
        n = placed + len(unassigned)
        reasons = {}
        for u in unassigned:
            reasons[u.get("reason", "?")] = reasons.get(u.get("reason", "?"), 0) + 1
        known = {"groups", "unassigned", "total", "optimality", "bound", "gap"}
        extras = {key: value for key, value in data.items()
                  if key not in known and isinstance(value, (int, float, str, bool))}
        return {"total": data["total"], "shifted": data["total"] + MU * n, "n": n,
                "placed": placed, "coverage": placed / n if n else 0.0,
                "groups": len(data["groups"]), "bound": number(data.get("bound")),
                "gap": number(data.get("gap")), "optimality": data.get("optimality"),
                "extras": extras, "reasons": reasons, "seconds": wall,
                "cpu_seconds": (after.ru_utime + after.ru_stime) -
                (before.ru_utime + before.ru_stime),
                "effort": effort}


# ---- the families -----------------------------------------------------------------------

def run_planted(runner, k, seed, venues=False, efforts=(None,)):
    commands = []
    pool, planted, venue_file = runner.planted(k, seed, commands, venues)
    reference = runner.evaluate(pool, planted, commands, venue_file)
    rows = []
    for effort in efforts:
        got = runner.groups(pool, commands, venue_file, effort)
        got["share"] = got["total"] / reference["total"] if reference["total"] else None
        rows.append(got)
    return {"key": "planted k=%d seed=%d%s" % (k, seed, " venues" if venues else ""),
            "k": k, "seed": seed, "venues": venues, "n": 6 * k, "planted": reference,
            "runs": rows, "commands": commands}


def run_lms(runner, n, seed, time_limit, efforts=(None,)):
    commands = []
    raw = runner.path("lms_n%d_s%d.gen.csv" % (n, seed))
    pool = runner.path("lms_n%d_s%d.csv" % (n, seed))
    runner.call([runner.lmatch, "gen", "--participants", n, "--seed", seed, "-o", raw], commands)
    commands.append(runner.show([PYTHON, os.path.join(HERE, "quality_bench.py"), "blank", raw,
                                 pool]))
    blank_pool(raw, pool)
    witness = runner.path("lms_n%d_s%d.ilp_groups.csv" % (n, seed))
    ilp_json = runner.path("lms_n%d_s%d.ilp.json" % (n, seed))
    commands.append(runner.show([PYTHON, os.path.join(HERE, "quality_bench.py"), "ilp", pool,
                                 "--lmatch", runner.lmatch, "--time-limit", "%g" % time_limit,
                                 "--witness", witness, "--json", ilp_json]))
    if (n, seed) not in runner.ilp_cache:   # the sweep's pool is one of the family's
        log("  integer program n=%d seed=%d ..." % (n, seed))
        runner.ilp_cache[n, seed] = ilp_reference(runner.lmatch, pool, time_limit, witness)
        write_json(ilp_json, runner.ilp_cache[n, seed])
    reference = runner.ilp_cache[n, seed]
    rows = []
    for effort in efforts:
        got = runner.groups(pool, commands, None, effort)
        # Against the best grouping known (the maximum when proven) and against the
        # upper bound (the same when proven): the targets use the latter.
        got["ratio"] = got["placed"] / reference["placed"] if reference["placed"] else None
        got["ratio_upper"] = got["placed"] / reference["upper"] if reference["upper"] else None
        rows.append(got)
    return {"key": "lms n=%d seed=%d" % (n, seed), "n": n, "seed": seed, "ilp": reference,
            "runs": rows, "commands": commands}


def run_city(runner, n, seed=1, rich_efforts=(None,)):
    commands = []
    venues = n // PARTICIPANTS_PER_VENUE
    pool, venue_file = runner.gen(n, seed, commands, venues)
    places = venue_places(venue_file)
    factor, demand = venue_factor(places, n)
    rich = runner.path("city_n%d_s%d.venues_x%d.csv" % (n, seed, factor))
    commands.append(runner.show([PYTHON, os.path.join(HERE, "quality_bench.py"), "widen-venues",
                                 venue_file, rich, "--factor", factor]))
    widen_venues(venue_file, rich, factor)
    generated = runner.groups(pool, commands, venue_file, tag="city_n%d_s%d" % (n, seed))
    rows = [runner.groups(pool, commands, rich, effort, tag="city_n%d_s%d_rich" % (n, seed))
            for effort in rich_efforts]
    return {"key": "city n=%d seed=%d" % (n, seed), "n": n, "seed": seed, "venues": venues,
            "places": places, "demand_groups": demand, "factor": factor,
            "rich_places": places * factor, "generated": generated, "rich": rows,
            "commands": commands}


def lmatch_version(lmatch):
    done = subprocess.run([lmatch, "--version"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)
    return done.stdout.strip() or done.stderr.strip()


def machine():
    info = {"cpu": platform.machine(), "cores": os.cpu_count(), "system": platform.platform(),
            "python": platform.python_version()}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/loadavg") as f:
            info["load_before"] = f.read().split()[:3]
    except OSError:
        pass
    try:
        info["cbc"] = subprocess.run([shutil.which("cbc") or "cbc", "-quit"],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, timeout=10).stdout.split("Build Date")[0] \
            .strip().splitlines()[-1].replace("Version:", "").strip()
    except (OSError, IndexError, subprocess.SubprocessError):
        info["cbc"] = None
    return info


def build_facts(build_dir):
    """Where the measured build came from: its source commit (with '+changes'
    when the work tree differs from it) and build type."""
    facts = {"build_dir": build_dir}
    try:
        info = read_json(os.path.join(build_dir, "meson-info", "meson-info.json"))
        source = info["directories"]["source"]
        facts["source"] = source
        facts["commit"] = subprocess.run(["git", "-C", source, "rev-parse", "--short", "HEAD"],
                                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                         text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", source, "status", "--porcelain",
                                "--untracked-files=no", "--", "libmatch", "include", "tools"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               text=True).stdout.strip()
        facts["local_changes"] = bool(dirty)
        options = read_json(os.path.join(build_dir, "meson-info", "intro-buildoptions.json"))
        values = {o["name"]: o["value"] for o in options}
        facts["buildtype"] = values.get("buildtype")
    except (OSError, ValueError, KeyError):
        pass
    return facts


def shown_build(build_dir, lmatch):
    """lmatch as the page names it: relative to the source root of its build."""
    facts = build_facts(build_dir) if build_dir else {}
    source = facts.get("source")
    absolute = os.path.abspath(lmatch)
    for root in (SOURCE, source):
        if root and absolute.startswith(os.path.abspath(root) + os.sep):
            return os.path.relpath(absolute, root)
    return "BUILD/tools/lmatch"


def ensure_build(build_dir):
    """Configures build_dir as a release build when it has none, and brings its
    lmatch up to date (a stale program would measure old code)."""
    if not os.path.exists(os.path.join(build_dir, "build.ninja")):
        log("configuring a release build in %s" % build_dir)
        subprocess.run(["meson", "setup", build_dir, SOURCE, "--buildtype=release"],
                       check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["ninja", "-C", build_dir, "tools/lmatch"], check=True,
                   stdout=subprocess.DEVNULL)


def measure(args, sizes):
    if args.lmatch:
        lmatch = args.lmatch
        # The build folder of the program, for the page's facts.
        args.build_dir = os.path.dirname(os.path.dirname(os.path.abspath(lmatch)))
    else:
        if not args.no_build:
            ensure_build(args.build_dir)
        lmatch = os.path.join(args.build_dir, "tools", "lmatch")
    if not os.path.exists(lmatch):
        raise SystemExit("quality_bench: %s not found: build it first (meson setup "
                         "build/release --buildtype=release && ninja -C build/release)" % lmatch)
    lmatch = os.path.abspath(lmatch)
    work = os.path.abspath(args.work) if args.work else tempfile.mkdtemp(prefix="quality_bench.")
    os.makedirs(work, exist_ok=True)
    runner = Runner(lmatch, work, args.threads, shown_build(args.build_dir, lmatch))
    families = set(args.families.split(","))
    try:
        import pulp  # noqa: F401
        have_pulp = shutil.which("cbc") is not None
    except ImportError:
        have_pulp = False
    data = {"label": args.label, "date": datetime.date.today().isoformat(),
            "command": quote([PYTHON, "bench/quality_bench.py"] + shown_args(sys.argv[1:])),
            "machine": machine(), "lmatch": runner.shown_lmatch,
            "lmatch_version": lmatch_version(lmatch),
            "build": {k: v for k, v in build_facts(args.build_dir).items()
                      if k in ("commit", "local_changes", "buildtype")},
            "threads": args.threads, "quick": args.quick, "mu": MU,
            "ilp_time_limit": args.ilp_time_limit, "efforts": sizes["efforts"],
            "planted": [], "lms": [], "city": [], "sweep": [], "skipped": []}
    started = time.monotonic()
    sweep = sizes["sweep"]
    efforts = sizes["efforts"] if "sweep" in families else []
    if "planted" in families:
        for k, seeds in sizes["planted"]:
            for seed in seeds:
                log("planted k=%d seed=%d" % (k, seed))
                data["planted"].append(run_planted(runner, k, seed))
        for k, seeds in sizes["planted_venues"]:
            for seed in seeds:
                log("planted k=%d seed=%d with venues" % (k, seed))
                data["planted"].append(run_planted(runner, k, seed, venues=True))
    if "sweep" in families:
        k, seed = sweep["planted"]
        log("sweep: planted k=%d seed=%d" % (k, seed))
        entry = run_planted(runner, k, seed, efforts=efforts)
        for run in entry["runs"]:
            data["sweep"].append({"family": "planted", "key": entry["key"], "effort":
                                  run["effort"], "run": run, "reference": entry["planted"]["total"],
                                  "value": run["share"], "commands": entry["commands"]})
    if "lms" in families or "sweep" in families:
        if not have_pulp:
            data["skipped"].append("language, mix and size: python3-pulp or coinor-cbc is not "
                                   "installed (apt-get install python3-pulp coinor-cbc)")
            log("skipped the integer program: " + data["skipped"][-1])
        else:
            if "lms" in families:
                for n, seeds in sizes["lms"]:
                    for seed in seeds:
                        log("language, mix and size n=%d seed=%d" % (n, seed))
                        data["lms"].append(run_lms(runner, n, seed, args.ilp_time_limit))
            if "sweep" in families:
                n, seed = sweep["lms"]
                log("sweep: language, mix and size n=%d seed=%d" % (n, seed))
                entry = run_lms(runner, n, seed, args.ilp_time_limit, efforts=efforts)
                for run in entry["runs"]:
                    data["sweep"].append({"family": "lms", "key": entry["key"],
                                          "effort": run["effort"], "run": run,
                                          "reference": entry["ilp"]["placed"],
                                          "value": run["ratio_upper"],
                                          "commands": entry["commands"]})
    if "city" in families:
        for n in sizes["city"]:
            log("city n=%d (generated and venue-rich)" % n)
            data["city"].append(run_city(runner, n))
    if "sweep" in families:
        n = sweep["city"]
        log("sweep: venue-rich city n=%d" % n)
        entry = run_city(runner, n, rich_efforts=efforts)
        for run in entry["rich"]:
            data["sweep"].append({"family": "city", "key": entry["key"] + " venue-rich",
                                  "effort": run["effort"], "run": run, "reference": None,
                                  "value": None, "commands": entry["commands"]})
    data["seconds"] = time.monotonic() - started
    try:
        with open("/proc/loadavg") as f:
            data["machine"]["load_after"] = f.read().split()[:3]
    except OSError:
        pass
    if not args.keep and not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return data


PATH_OPTIONS = {"--build-dir": "BUILD", "--lmatch": "BUILD/tools/lmatch", "--results": None,
                "--page": None, "--benchmarks-page": None, "--json": None, "--work": "WORK",
                "--before": None}


def shown_args(arguments):
    out, pending = [], None
    for argument in arguments:
        if pending is not None:
            out.append(shown_path(argument, pending))
            pending = None
            continue
        option, equals, value = argument.partition("=")
        if option in PATH_OPTIONS and equals:
            out.append(option + "=" + shown_path(value, PATH_OPTIONS[option]))
        else:
            out.append(argument)
            if argument in PATH_OPTIONS:
                pending = PATH_OPTIONS[argument] or ""
    return out


def shown_path(path, outside):
    if not path:
        return ""
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute, SOURCE)
    if relative.startswith(os.pardir):
        return outside or os.path.basename(absolute)
    return relative


# ---- the page ---------------------------------------------------------------------------

def pct(value, digits=1):
    return "—" if value is None else ("%." + str(digits) + "f%%") % (100 * value)


def num(value, fmt="%.1f"):
    return "—" if value is None else fmt % value


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def default_run(entry):
    """The run at default effort of a family entry."""
    for run in entry.get("runs", []):
        if run.get("effort") is None:
            return run
    return entry["runs"][0] if entry.get("runs") else None


def index_before(before):
    """{key: value} of the before data: the quantity each table compares."""
    out = {}
    if not before:
        return out
    for e in before.get("planted", []):
        run = default_run(e)
        out[("planted", e["key"])] = run
    for e in before.get("lms", []):
        out[("lms", e["key"])] = default_run(e)
    for e in before.get("city", []):
        out[("city", e["key"])] = e["generated"]
        out[("city-rich", e["key"])] = e["rich"][0] if e["rich"] else None
    for s in before.get("sweep", []):
        out[("sweep", s["key"], s["effort"])] = s
    return out


def planted_summary(data):
    """{k: (worst share, mean share, seeds, worst gap)} over the runs without venues."""
    out = {}
    for e in data.get("planted", []):
        if e["venues"]:
            continue
        run = default_run(e)
        out.setdefault(e["k"], []).append(run)
    summary = {}
    for k, runs in out.items():
        shares = [r["share"] for r in runs if r["share"] is not None]
        gaps = [r["gap"] for r in runs if r.get("gap") is not None]
        summary[k] = {"worst": min(shares) if shares else None,
                      "mean": sum(shares) / len(shares) if shares else None,
                      "seeds": len(runs), "worst_gap": max(gaps) if gaps else None,
                      "placed": min(r["coverage"] for r in runs)}
    return summary


def lms_summary(data):
    ratios = [default_run(e).get("ratio_upper", default_run(e)["ratio"])
              for e in data.get("lms", []) if default_run(e)["ratio"] is not None]
    return {"worst": min(ratios) if ratios else None,
            "mean": sum(ratios) / len(ratios) if ratios else None, "pools": len(ratios)}


def lp_excess(data):
    """'1 to 6 people' : how far the LP bound is above the maximum on the pools."""
    excess = [e["ilp"]["lp_bound"] - e["ilp"]["placed"] for e in data.get("lms", [])]
    if not excess:
        return "no pools"
    low, high = min(excess), max(excess)
    return ("%.0f" % low if round(low) == round(high) else "%.0f to %.0f" % (low, high)) + \
        " people on the pools"


def same_totals(data):
    """The sweep's effort-20 run against the family's default run on the same pool:
    [(pool, equal)] (same seed, same bytes: the totals must be equal)."""
    out = []
    family_runs = {}
    for e in data.get("planted", []):
        family_runs[e["key"]] = default_run(e)
    for e in data.get("lms", []):
        family_runs[e["key"]] = default_run(e)
    for e in data.get("city", []):
        family_runs[e["key"] + " venue-rich"] = e["rich"][0]
    for s in data.get("sweep", []):
        if s["effort"] == 20 and s["key"] in family_runs:
            out.append((s["key"], s["run"]["total"] == family_runs[s["key"]]["total"]))
    return out


def targets(data, before):
    """[(name, target, measured, before, ok)] for the issue's targets."""
    rows = []
    summary = planted_summary(data)
    previous = planted_summary(before) if before else {}
    for k, threshold in sorted(PLANTED_TARGETS.items()):
        s = summary.get(k)
        b = previous.get(k)
        measured = s["worst"] if s else None
        rows.append(("planted k=%s: share of the planted total%s" % (
            grouped(k), "" if not s else (" (worst of %d seeds)" % s["seeds"])
            if s["seeds"] > 1 else " (one seed)"), ">= %.0f%%" % (100 * threshold),
            pct(measured, 2) if s else "not run",
            pct(b["worst"], 2) if b else "—",
            None if measured is None else measured >= threshold))
    s, b = lms_summary(data), lms_summary(before) if before else None
    rows.append(("language, mix and size: placed / integer-program maximum (worst of %d pools)"
                 % s["pools"], ">= %.0f%%" % (100 * LMS_TARGET), pct(s["worst"], 2),
                 pct(b["worst"], 2) if b else "—",
                 None if s["worst"] is None else s["worst"] >= LMS_TARGET))
    city = next((e for e in data.get("city", []) if e["n"] == CITY_GAP_N), None)
    bcity = next((e for e in (before or {}).get("city", []) if e["n"] == CITY_GAP_N), None)
    gap = city["generated"]["gap"] if city else None
    rows.append(("reported gap, generated %s city with venues" % grouped(CITY_GAP_N),
                 "<= %.0f%%" % (100 * CITY_GAP_TARGET),
                 pct(gap, 2) if city and gap is not None else
                 ("no gap reported" if city else "not run"),
                 pct(bcity["generated"]["gap"], 2) if bcity and bcity["generated"]["gap"]
                 is not None else "—",
                 None if gap is None else gap <= CITY_GAP_TARGET))
    gaps = [v["worst_gap"] for v in summary.values() if v["worst_gap"] is not None]
    worst_gap = max(gaps) if gaps else None
    bgaps = [v["worst_gap"] for v in previous.values() if v["worst_gap"] is not None]
    rows.append(("reported gap, planted pools (worst)", "<= %.0f%%" % (100 * PLANTED_GAP_TARGET),
                 pct(worst_gap, 2) if worst_gap is not None else
                 ("no gap reported" if summary else "not run"),
                 pct(max(bgaps), 2) if bgaps else "—",
                 None if worst_gap is None else worst_gap <= PLANTED_GAP_TARGET))
    if before:
        for e in data.get("city", []):
            b = next((x for x in before.get("city", []) if x["key"] == e["key"]), None)
            if not b:
                continue
            now, then = e["generated"]["shifted"], b["generated"]["shifted"]
            rows.append(("generated %s city: total + mu n not below before" % grouped(e["n"]),
                         ">= before", "%.1f (%+.2f%%)" % (now, 100 * (now / then - 1)),
                         "%.1f" % then, now >= then - 1e-6))
    return rows


MARK = {True: "pass", False: "**FAIL**", None: "not measured"}


def facts_table(data):
    info = data.get("machine", {})
    build = data.get("build", {})
    commit = build.get("commit") or "?"
    if build.get("local_changes"):
        commit += " + uncommitted changes in libmatch/, include/ or tools/"
    return [["label", data.get("label")], ["date", data.get("date")],
            ["CPU", info.get("cpu")], ["logical cores", info.get("cores")],
            ["system", info.get("system")], ["lmatch --version", data.get("lmatch_version")],
            ["source commit of the build", commit],
            ["build type", build.get("buildtype") or "?"],
            ["threads", data.get("threads")], ["CBC", info.get("cbc") or "—"],
            ["load average before / after the runs", "%s / %s" % (
                ", ".join(info.get("load_before", [])) or "?",
                ", ".join(info.get("load_after", [])) or "?")],
            ["harness wall time", "%.0f s" % data.get("seconds", 0)],
            ["harness command", "`%s`" % data.get("command")]]


def page(data, before):
    """The page docs/benchmarks_quality.md from the newest data (and the before data)."""
    compare = before
    old = index_before(compare)
    lines = ["# Quality against references that no tuning can fake", "",
             "_Generated by `bench/quality_bench.py` from `bench/results/quality_*.json` on %s; "
             "do not edit by hand: rerun the commands below._" % data.get("date"), "",
             "The benchmarks of [benchmarks.md](benchmarks.md) measure cities in which every "
             "venue place is taken, so their coverage equals the venues' capacity and says "
             "nothing about how far the search is from what is achievable. This page measures "
             "`lmatch groups` against references that do not depend on the solver: a grouping "
             "planted in the pool, the maximum of an integer program, and cities whose venues "
             "have room to spare (issue 14, part 4). Every number is a ratio to its reference.",
             "", "## How to reproduce", "",
             "From the source root, with a release build "
             "(`meson setup build/release --buildtype=release && ninja -C build/release`) and "
             "Debian's `python3-pulp` and `coinor-cbc` (`apt-get install -y python3-pulp "
             "coinor-cbc`; only this script imports pulp):", "", "```sh",
             "/usr/bin/python3 bench/quality_bench.py --label after      "
             "# every family (%.0f s for this run)" % data.get("seconds", 0),
             "/usr/bin/python3 bench/quality_bench.py --label before --build-dir OLD/build/release",
             "/usr/bin/python3 bench/quality_bench.py --report-only      # rewrite this page",
             "```",
             "", "`WORK/` below is the harness's scratch folder (`--work DIR` keeps it); the "
             "last section lists every command of every measurement, so each can be rerun by "
             "hand. Measurements use `--threads %s` at the default effort (except the sweep); "
             "times are the wall seconds of the whole `lmatch groups` process (reading the "
             "CSV and writing the JSON included). `bound` and `gap` are the fields of that name "
             "in `lmatch groups --json` when it reports them, `—` when it does not."
             % data.get("threads"), ""]
    labels = "**%s**" % data.get("label")
    if compare:
        labels += " (newest) and **%s** (the column *before*)" % compare.get("label")
    lines += ["## Machine and build", "", "Measured: %s." % labels, ""]
    if compare:
        rows = [[a[0], a[1], b[1]] for a, b in zip(facts_table(data), facts_table(compare))]
        lines += [table(["", data.get("label"), compare.get("label")], rows), ""]
    else:
        lines += [table(["", ""], facts_table(data)), ""]
    if data.get("skipped"):
        lines += ["Skipped in this run: " + "; ".join(data["skipped"]) + ".", ""]

    lines += ["## Targets", "",
              "The targets of issue 14 at the default effort. A planted share is the worst "
              "seed's, a language/mix/size ratio the worst pool's.", "",
              table(["check", "target", "measured (%s)" % data.get("label")] +
                    (["before"] if compare else []) + ["result"],
                    [[name, target, measured] + ([prev] if compare else []) + [MARK[ok]]
                     for name, target, measured, prev, ok in targets(data, compare)]), ""]

    # 1. planted
    lines += ["## 1. Planted pools", "",
              "`bench/planted.py` builds k groups of six that are perfect by construction "
              "(3 newcomers and 3 residents sharing a theme at level 1, a weekly slot, a "
              "neighbourhood within 400 m and a language; each role offers what the other "
              "wants; a willing co-host of each role), adds noise interests, two extra free "
              "slots a person and a second language for some, and shuffles the people. "
              "`lmatch eval` scores the planted grouping (it must be feasible: no violation); "
              "the share is the solver's total / the planted total. The planted grouping is "
              "a good feasible grouping, not proven optimal, so a share above 100% is possible. "
              "The rows *with venues* add one venue per planted neighbourhood, open at every "
              "slot with room for two groups, so that venues never decide the outcome.", ""]
    header = ["k", "seed", "n", "planted total", "planted feasible", "total", "share",
              "placed", "groups", "bound", "gap", "wall s"]
    if compare:
        header.append("share before")
    rows = []
    for e in data.get("planted", []):
        run, ref = default_run(e), e["planted"]
        row = [grouped(e["k"]) + (" with venues" if e["venues"] else ""), e["seed"],
               grouped(e["n"]), "%.1f" % ref["total"],
               "yes" if ref["feasible"] else "**NO (%d violations)**" % ref["violations"],
               "%.1f" % run["total"], pct(run["share"], 2),
               "%s (%s)" % (grouped(run["placed"]), pct(run["coverage"])), run["groups"],
               num(run["bound"]), pct(run["gap"], 2), "%.2f" % run["seconds"]]
        if compare:
            b = old.get(("planted", e["key"]))
            row.append(pct(b["share"], 2) if b else "—")
        rows.append(row)
    lines += [table(header, rows), ""]
    summary = planted_summary(data)
    if summary:
        lines += [table(["k", "seeds", "worst share", "mean share", "fewest placed"],
                        [[grouped(k), s["seeds"], pct(s["worst"], 2), pct(s["mean"], 2),
                          pct(s["placed"])] for k, s in sorted(summary.items())]), ""]

    # 2. language, mix and size
    lines += ["## 2. Language, mix and size only: against an integer program", "",
              "`lmatch gen --participants N --seed S` with the columns availability, lat, lon "
              "and max_km blanked (`quality_bench.py blank`): an empty cell puts no "
              "constraint, so a group needs only a shared language, at least 2 of each role "
              "and 4 to 6 members. The city generator's languages (mostly nl, with en, ar, "
              "fa, ti, tr, uk and more, some people without any) and its roles (30% "
              "newcomers) make language classes and the scarcer role matter.", "",
              "**The integer program** (`Model` and `solve_ilp()` in the script). People of "
              "the same role who speak the same set of languages are interchangeable, so it "
              "counts them: for every type t (role, language set) and language l of the set, "
              "an integer y(t,l) >= 0 of its people placed in groups that use l, with the sum "
              "over l at most the type's size (each person is placed at most once; a person "
              "with no language given may join any language); for every language l an "
              "integer g(l) >= 0 of groups. With N(l) and R(l) the newcomers and residents "
              "placed in language l, it requires q g(l) <= N(l), q g(l) <= R(l) and "
              "min g(l) <= N(l) + R(l) <= max g(l) (q = 2, min = 4, max = 6) and maximises "
              "the sum of the y. It has a few hundred variables at 2,000 people.", "",
              "*Why this is exactly the most people any grouping can place.* Any grouping "
              "gives such counts: each group uses one language all its members speak (or "
              "leave blank), so counting the people in groups of language l gives N(l), R(l) "
              "and g(l) that meet the inequalities, group by group summed. Conversely, "
              "counts N, R, g that meet them can be split into g valid groups: give every "
              "group q newcomers and q residents (possible as q g <= N and q g <= R); pick "
              "sizes s(1..g) between L = max(min, 2q) and max that add up to N + R (possible "
              "as L g <= N + R <= max g: start every size at L and raise them one at a time; "
              "2q g <= N + R follows from the first two inequalities, and 2q <= max is a "
              "parameter check of the library); then fill each group up to its size with the "
              "remaining people of either role. Every group has a valid size and at least q "
              "of each role, and its members all speak l. Availability and location are "
              "blank, so no other rule applies. (A group of people who all left the language "
              "blank counts in any language, since the inequalities add up.) The harness does "
              "not take this on trust: it builds that grouping from the program's solution "
              "(`split_counts()`) and `lmatch eval` must find it feasible with as many people "
              "placed (the *witness* column).", "",
              "**Solvers.** CBC (`coinor-cbc` through `python3-pulp`) runs with a time limit "
              "(%s s) and its status is shown. It finds the maximum at once but often cannot "
              "*prove* it within the limit: the LP relaxation lets g(l) = N(l)/2 be "
              "fractional, so it is a few people above the integer maximum (%s below), and "
              "closing that parity gap takes CBC minutes on some pools (seen: still open "
              "after 60 s at 1,000 people; the cut options tried did not fix it reliably). "
              "HiGHS (`scipy.optimize.milp`, Debian's "
              "`python3-scipy`) solves the same program as a cross-check and proves those "
              "in under a second. The maximum used is a proven one (CBC's when CBC proves it, "
              "else HiGHS's; the two must agree when both prove); the LP bound is shown too. "
              "Were neither to prove it, the ratio would be taken against the upper bound "
              "(floor of the LP bound), never against an unproven value." %
              (num(data.get("ilp_time_limit"), "%g"), lp_excess(data)), "",
              "Caveat: the program maximises people placed, while `lmatch groups` maximises "
              "its total (group scores - mu x unassigned, mu = 10); with mu above what one "
              "member adds to a group's score the two agree on the count, but a solver could "
              "in principle trade a placed person for better groups.", ""]
    header = ["n", "seed", "newcomers / residents", "no language", "types",
              "max placed (ILP)", "CBC", "HiGHS", "LP bound", "witness", "placed",
              "placed / max", "total", "bound", "gap", "wall s"]
    if compare:
        header.append("placed / max before")
    rows = []
    for e in data.get("lms", []):
        run, ilp = default_run(e), e["ilp"]
        witness = "feasible, %s placed" % grouped(ilp.get("witness_eval_placed", 0)) \
            if ilp.get("witness_feasible") else \
            "**NOT FEASIBLE (%s violations)**" % ilp.get("witness_violations")
        cbc, highs = ilp["cbc"], ilp.get("highs")
        best = grouped(ilp["placed"]) + ("" if ilp["proven"] else
                                         " (not proven; <= %s)" % grouped(ilp["upper"]))
        if ilp.get("disagreement"):
            best += " **solvers disagree: %s**" % ilp["disagreement"]
        ratio = run.get("ratio_upper", run["ratio"])
        row = [grouped(e["n"]), e["seed"], "%d / %d" % (ilp["newcomers"], ilp["residents"]),
               ilp["no_language"], ilp["types"], best,
               "%s, %.2f s" % (cbc["status"], cbc["seconds"]),
               "%s, %.2f s" % (highs["status"], highs["seconds"]) if highs else "—",
               "%.1f" % ilp["lp_bound"], witness, grouped(run["placed"]),
               pct(ratio, 2) + (" **(above the maximum: model error)**"
                                if ratio and ratio > 1 + 1e-9 else ""),
               "%.1f" % run["total"], num(run["bound"]), pct(run["gap"], 2),
               "%.2f" % run["seconds"]]
        if compare:
            b = old.get(("lms", e["key"]))
            row.append(pct(b.get("ratio_upper", b["ratio"]), 2) if b else "—")
        rows.append(row)
    lines += [table(header, rows), ""]
    reasons = {}
    for e in data.get("lms", []):
        for reason, count in default_run(e)["reasons"].items():
            reasons[reason] = reasons.get(reason, 0) + count
    if reasons:
        lines += ["Unassigned reasons reported by `lmatch groups` over these pools: " +
                  ", ".join("%s %d" % (r, c) for r, c in sorted(reasons.items())) + ".", ""]

    # 3. cities
    lines += ["## 3. Cities: venues as generated and venues with room to spare", "",
              "`lmatch gen --participants N --seed 1 --venues N/250` as bench/run_benchmarks.py "
              "generates its cities, solved once with the generated venues and once with every "
              "venue's capacity multiplied by the smallest factor that makes the week's venue "
              "places (open slots x capacity, summed) at least twice the demand, n / 4 groups "
              "(`quality_bench.py widen-venues`; same venues, same hours). Coverage is "
              "placed / n; total + mu n = the group scores + mu x placed.", ""]
    header = ["n", "venues", "variant", "venue places (groups)", "coverage", "total + mu n",
              "groups", "bound", "gap", "wall s", "unassigned reasons"]
    if compare:
        header += ["coverage before", "total + mu n before"]
    rows = []
    for e in data.get("city", []):
        for variant, run, places, kind in (
                ("generated", e["generated"], e["places"], "city"),
                ("venue-rich (capacity x %d)" % e["factor"], e["rich"][0], e["rich_places"],
                 "city-rich")):
            row = [grouped(e["n"]), e["venues"], variant,
                   "%s (demand %s)" % (grouped(places), grouped(int(e["demand_groups"]))),
                   pct(run["coverage"], 2), "%.1f" % run["shifted"], grouped(run["groups"]),
                   num(run["bound"]), pct(run["gap"], 2), "%.2f" % run["seconds"],
                   ", ".join("%s %s" % (r, grouped(c)) for r, c in
                             sorted(run["reasons"].items(), key=lambda x: -x[1]))]
            if compare:
                b = old.get((kind, e["key"]))
                row += [pct(b["coverage"], 2) if b else "—", num(b["shifted"]) if b else "—"]
            rows.append(row)
    lines += [table(header, rows), ""]
    extras = sorted({key for e in data.get("city", []) for run in [e["generated"]] + e["rich"]
                     for key in run.get("extras", {})})
    if extras:
        lines += ["Other fields of the JSON result: " + "; ".join(
            "%s %s: %s" % (grouped(e["n"]), name, ", ".join(
                "%s=%s" % (k, run["extras"][k]) for k in extras if k in run["extras"]))
            for e in data.get("city", []) for name, run in (("generated", e["generated"]),
                                                            ("venue-rich", e["rich"][0]))) +
                  ".", ""]

    # 4. sweep
    if data.get("sweep"):
        lines += ["## 4. Effort sweep", "",
                  "One pool of each family at efforts %s (the default is 20). The reference is "
                  "the planted total, the integer-program maximum, and for the venue-rich city "
                  "the reported bound when there is one (share = (total + mu n) / (bound + "
                  "mu n)); *of best* compares total + mu n with the best effort of the sweep."
                  % ", ".join(str(e) for e in data.get("efforts", [])), ""]
        header = ["family", "pool", "effort", "total", "total + mu n", "placed",
                  "share of reference", "of best", "bound", "gap", "wall s"]
        if compare:
            header.append("share before")
        rows = []
        best = {}
        for s in data["sweep"]:
            best[s["key"]] = max(best.get(s["key"], -1e300), s["run"]["shifted"])
        for s in data["sweep"]:
            run = s["run"]
            share = s["value"]
            if s["family"] == "city" and run.get("bound") is not None:
                share = run["shifted"] / (run["bound"] + MU * run["n"])
            name = {"planted": "planted (share of planted total)",
                    "lms": "language, mix, size (placed / ILP max)",
                    "city": "venue-rich city (1 - gap)"}[s["family"]]
            row = [name, s["key"], s["effort"], "%.1f" % run["total"], "%.1f" % run["shifted"],
                   "%s (%s)" % (grouped(run["placed"]), pct(run["coverage"])), pct(share, 2),
                   pct(run["shifted"] / best[s["key"]], 2) if best[s["key"]] > 0 else "—",
                   num(run["bound"]), pct(run["gap"], 2), "%.2f" % run["seconds"]]
            if compare:
                b = old.get(("sweep", s["key"], s["effort"]))
                bshare = None
                if b:
                    bshare = b["value"]
                    if b["family"] == "city" and b["run"].get("bound") is not None:
                        bshare = b["run"]["shifted"] / (b["run"]["bound"] + MU * b["run"]["n"])
                row.append(pct(bshare, 2))
            rows.append(row)
        lines += [table(header, rows), ""]
        checks = same_totals(data)
        if checks:
            lines += ["Effort 20 is the default: on %s the sweep's run and the family's run "
                      "(the same command without `--effort`) give %s." % (
                          ", ".join(key for key, _ in checks),
                          "the same total" if all(ok for _, ok in checks) else
                          "**different totals: %s**" % ", ".join(
                              key for key, ok in checks if not ok)), ""]

    lines += ["## Commands of every measurement", "",
              "`%s` is the measured build's `lmatch`; WORK the scratch folder." %
              data.get("lmatch"),
              "", "```sh"]
    seen = set()
    for family in ("planted", "lms", "city"):
        for e in data.get(family, []):
            for command in e["commands"]:
                if command not in seen:
                    seen.add(command)
                    lines.append(command)
    for s in data.get("sweep", []):
        for command in s["commands"]:
            if command not in seen:
                seen.add(command)
                lines.append(command)
    lines += ["```", ""]
    return "\n".join(lines)


def summary_section(results):
    """The section of docs/benchmarks.md that points to this page, with the newest
    headline numbers; None when no quality results exist. Shared with
    bench/run_benchmarks.py so that regenerating either page keeps it."""
    data, before = load_results(results)
    if data is None:
        return None
    lines = [BEGIN_MARK, "## Quality against references", "",
             "[benchmarks_quality.md](benchmarks_quality.md) measures `lmatch groups` where "
             "venues are not the bottleneck, against references no tuning can fake: planted "
             "groupings, the integer-program maximum of people placed when only language, "
             "mix and size matter, and cities whose venues have room to spare, with an effort "
             "sweep on each (generated by `bench/quality_bench.py`)."]
    parts = []
    planted = planted_summary(data)
    if planted:
        shares = ["%s at k = %s" % (pct(s["worst"]), grouped(k))
                  for k, s in sorted(planted.items())]
        shares[0] = shares[0].replace(" at", " of the planted total at", 1)
        parts.append("the worst seed of the planted pools reaches " + ", ".join(shares))
    lms = lms_summary(data)
    if lms["worst"] is not None:
        parts.append("pools with language, mix and size only place %s of the integer-program "
                     "maximum (worst pool)" % pct(lms["worst"]))
    for e in data.get("city", []):
        parts.append("the %s city covers %s with its venues and %s with %dx their capacity" % (
            grouped(e["n"]), pct(e["generated"]["coverage"]), pct(e["rich"][0]["coverage"]),
            e["factor"]))
    checks = targets(data, before)
    passed = sum(1 for c in checks if c[4])
    measured = sum(1 for c in checks if c[4] is not None)
    if parts:
        build = data.get("build", {})
        lines += ["", "Newest run (*%s*: commit %s%s, %s): %s. Targets of issue 14: %d of %d "
                  "measured pass (%d not measured)." % (
                      data.get("label"), build.get("commit") or "?",
                      " with local changes" if build.get("local_changes") else "",
                      data.get("date"), "; ".join(parts), passed, measured,
                      len(checks) - measured)]
    lines += ["", END_MARK, ""]
    return "\n".join(lines)


def update_benchmarks_page(path, section):
    """Replaces the marked section of docs/benchmarks.md, or inserts it before the
    pairs, partitioning or commands section (else at the end)."""
    if not section or not os.path.exists(path):
        return False
    with open(path, encoding="utf-8") as f:
        text = f.read()
    begin, end = text.find(BEGIN_MARK), text.find(END_MARK)
    if begin >= 0 and end > begin:
        end += len(END_MARK)
        while end < len(text) and text[end] == "\n":
            end += 1
        text = text[:begin] + section + "\n" + text[end:]
    else:
        where = -1
        for heading in ("\n## Pairs\n", "\n## Matrix partitioning", "\n## Commands of every"):
            where = text.find(heading)
            if where >= 0:
                break
        if where >= 0:
            text = text[:where + 1] + section + "\n" + text[where + 1:]
        else:
            text = text.rstrip("\n") + "\n\n" + section
    write_text(path, text)
    return True


def load_results(results, label=None, before_path=None):
    """(newest, before): the newest = quality_LABEL.json for --label, else
    quality_after.json, else the newest quality_*.json; before = before_path or
    quality_before.json."""
    def load(name):
        path = os.path.join(results, "quality_%s.json" % name)
        return read_json(path) if os.path.exists(path) else None
    before = read_json(before_path) if before_path else load("before")
    data = load(label) if label and label != "before" else None
    if label == "before":
        return before, None
    if data is None:
        data = load("after")
    if data is None:
        candidates = sorted((p for p in os.listdir(results) if p.startswith("quality_") and
                             p.endswith(".json")) if os.path.isdir(results) else [],
                            key=lambda p: os.path.getmtime(os.path.join(results, p)))
        if candidates:
            data = read_json(os.path.join(results, candidates[-1]))
    if data is not None and before is not None and data.get("label") == before.get("label"):
        before = None
    return data, before


# ---- the command line -------------------------------------------------------------------

def helper(argv):
    parser = argparse.ArgumentParser(prog="quality_bench.py " + argv[0])
    if argv[0] == "blank":
        parser.add_argument("source")
        parser.add_argument("target")
        args = parser.parse_args(argv[1:])
        blank_pool(args.source, args.target)
    elif argv[0] == "widen-venues":
        parser.add_argument("source")
        parser.add_argument("target")
        parser.add_argument("--factor", type=int, required=True)
        args = parser.parse_args(argv[1:])
        widen_venues(args.source, args.target, args.factor)
    else:  # ilp
        parser.add_argument("pool")
        parser.add_argument("--lmatch", required=True)
        parser.add_argument("--time-limit", type=float, default=10.0)
        parser.add_argument("--witness", help="write the program's grouping (groups CSV)")
        parser.add_argument("--json", help="write the result here (default: standard output)")
        args = parser.parse_args(argv[1:])
        result = ilp_reference(args.lmatch, args.pool, args.time_limit, args.witness)
        if args.json:
            write_json(args.json, result)
        else:
            print(json.dumps(result, indent=1, sort_keys=True))
    return 0


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("blank", "widen-venues", "ilp"):
        return helper(argv)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build-dir", default=os.path.join(SOURCE, "build", "release"),
                        help="meson build directory with tools/lmatch (default build/release)")
    parser.add_argument("--lmatch", help="the lmatch program as it is (default "
                        "BUILD/tools/lmatch, configured and built when needed)")
    parser.add_argument("--no-build", action="store_true",
                        help="use the build directory as it is")
    parser.add_argument("--label", default="after",
                        help="name of this run: results go to quality_LABEL.json (before, after)")
    parser.add_argument("--results", default=os.path.join(HERE, "results"))
    parser.add_argument("--json", help="also copy the results to this file")
    parser.add_argument("--before", help="the before results (default "
                        "RESULTS/quality_before.json)")
    parser.add_argument("--page", default=os.path.join(SOURCE, "docs", "benchmarks_quality.md"))
    parser.add_argument("--benchmarks-page", default=os.path.join(SOURCE, "docs",
                                                                  "benchmarks.md"),
                        help="the page whose quality section is refreshed ('' for none)")
    parser.add_argument("--report-only", action="store_true",
                        help="rewrite the pages from the results folder")
    parser.add_argument("--quick", action="store_true", help="tiny pools: a check of the harness")
    parser.add_argument("--families", default="planted,lms,city,sweep")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--ilp-time-limit", type=float, default=10.0,
                        help="CBC's time limit per program, seconds")
    parser.add_argument("--work", help="scratch folder for the pools (kept; default a temporary "
                        "folder, removed)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)

    if not args.report_only:
        data = measure(args, QUICK if args.quick else FULL)
        path = os.path.join(args.results, "quality_%s.json" % args.label)
        write_json(path, data)
        log("wrote %s (%.0f s)" % (path, data["seconds"]))
        if args.json:
            write_json(args.json, data)
    data, before = load_results(args.results, None if args.report_only else args.label,
                                args.before)
    if data is None:
        raise SystemExit("quality_bench: no quality_*.json in %s" % args.results)
    write_text(args.page, page(data, before))
    log("wrote %s" % args.page)
    if args.benchmarks_page and update_benchmarks_page(args.benchmarks_page,
                                                        summary_section(args.results)):
        log("refreshed the quality section of %s" % args.benchmarks_page)
    for name, target, measured, prev, ok in targets(data, before):
        log("  [%s] %s: %s (target %s; before %s)" % (MARK[ok], name, measured, target, prev))
    return 0


if __name__ == "__main__":
    sys.exit(main())
