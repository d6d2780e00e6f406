#!/usr/bin/python3
"""Continuing groups and coordinator constraints, measured (issue 15):

  1. --keep with 5% new sign-ups on a city of 10,000 (40 venues): a season
     later 2% have left and 500 new people signed up. Every kept member must
     stay put, at least 95% of the new sign-ups who fit a kept group with
     room (checked here, in Python, against the kept groups as they were
     read: language, slot, venue reach, step-free access) must join one, in
     at most 1 s.
  2. The cost of constraints on a city of 100,000 (400 venues): 1% of the
     people in together pairs and 1% in apart pairs, against the same run
     without them: at most 10% more time. The pairs are people the run
     without constraints put in one group, so a together pair can be placed
     and an apart pair has to be split.

    /usr/bin/python3 bench/lifecycle_bench.py --lmatch build/tools/lmatch \\
        --out docs/benchmarks_lifecycle.md

Writes the page (with the commands run) and prints it. --quick runs the
same on a tenth of the sizes (for the test of this script).
"""
import argparse
import collections
import csv
import json
import math
import os
import random
import resource
import shlex
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)

KEEP_SECONDS = 1.0
JOIN_SHARE = 0.95
CONSTRAINT_OVERHEAD = 0.10


def run(lmatch, args, log):
    command = [lmatch] + [str(a) for a in args]
    log.append(" ".join(shlex.quote(c) for c in ["lmatch"] + [str(a) for a in args]))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(wall, cpu)


class Timing(tuple):
    """Wall and CPU seconds of one run (one thread: CPU time is the work,
    whatever else the machine runs; wall time is what a user waits)."""

    def __new__(cls, wall, cpu):
        return super().__new__(cls, (cpu, wall))

    cpu = property(lambda self: self[0])
    wall = property(lambda self: self[1])


def read_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def write_csv(path, rows):
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def haversine(lat1, lon1, lat2, lon2):
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2 +
         math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * r * math.asin(math.sqrt(min(1.0, a)))


def split(cell):
    return {x.strip().lower() for x in cell.split(";") if x.strip()}


SLOT_NAMES = [d + "-" + p for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
              for p in ("morning", "afternoon", "evening")]


def fits(person, group, venue, max_size=6, default_km=5.0):
    """Whether person could join the kept group as it was read: room, a
    language with every member, free at its slot, the venue in reach and
    step-free when needed (DESIGN's hard constraints for a fixed place)."""
    if len(group["members"]) >= max_size:
        return False
    languages = split(person["languages"])
    if languages and group["languages"] is not None and not languages & group["languages"]:
        return False
    available = split(person["availability"])
    if available and group["slot"] and group["slot"] not in available:
        return False
    if venue is not None:
        if person.get("step_free", "").lower() in ("yes", "true", "1") and not venue["step_free"]:
            return False
        if person["lat"] and person["lon"]:
            reach = float(person["max_km"]) if person.get("max_km") else default_km
            if haversine(float(person["lat"]), float(person["lon"]),
                         venue["lat"], venue["lon"]) > reach:
                return False
    return True


def kept_as_read(first_rows, person):
    """The kept groups as the run reads them: the members of the first
    season still in the pool, the slot and venue of the file, the languages
    every member speaks."""
    kept = {}
    for row in first_rows:
        if row["id"] in person:
            group = kept.setdefault(row["group"], {"members": [], "slot": row["slot"],
                                                   "venue": row["venue"]})
            group["members"].append(row["id"])
    for group in kept.values():
        common = None
        for m in group["members"]:
            spoken = split(person[m]["languages"])
            if spoken:
                common = spoken if common is None else common & spoken
        group["languages"] = common
    return kept


def join_bound(new_rows, kept, venue_rows, max_size=6):
    """How many new sign-ups fit a kept group with room as read (each on
    their own), and how many of them can join at once: a maximum matching
    of new sign-ups to the places kept groups have left (scipy). Joining
    only adds people, so a kept group keeps its role mix (the mix is a
    minimum per role)."""
    import numpy as np
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import maximum_bipartite_matching
    keys = sorted(kept)
    places = [(k, j) for k in keys for j in range(max_size - len(kept[k]["members"]))]
    first_place = {}
    for i, (k, _) in enumerate(places):
        first_place.setdefault(k, i)
    rows, cols, fitting = [], [], 0
    for i, person in enumerate(new_rows):
        groups = [k for k in keys
                  if fits(person, kept[k], venue_rows.get(kept[k]["venue"]), max_size)]
        fitting += bool(groups)
        for k in groups:
            for j in range(max_size - len(kept[k]["members"])):
                rows.append(i)
                cols.append(first_place[k] + j)
    if not rows:
        return fitting, 0, len(places)
    graph = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(new_rows), len(places)))
    match = maximum_bipartite_matching(graph, perm_type="column")
    return fitting, int((match >= 0).sum()), len(places)


def keep_season(lmatch, work, name, season_rows, new_rows, first, venues, venue_rows, log):
    """One `lmatch groups --keep` run on season_rows and its measures."""
    season = os.path.join(work, name + ".csv")
    write_csv(season, season_rows)
    second, second_json = os.path.join(work, name + "_groups.csv"), os.path.join(work, name + ".json")
    seconds = run(lmatch, ["groups", season, "--venues", venues, "--keep", first, "-o", second,
                           "--json", second_json, "--quiet"], log)
    person = {r["id"]: r for r in season_rows}
    first_rows = read_csv(first)
    kept = kept_as_read(first_rows, person)
    fitting, bound, places = join_bound(new_rows, kept, venue_rows)
    free_rows = [r for r in season_rows if r["id"] not in {m for g in kept.values()
                                                           for m in g["members"]}]
    free_fit, free_bound, _ = join_bound(free_rows, kept, venue_rows)
    with open(second_json) as f:
        data = json.load(f)
    final = [g for g in data["groups"] if g.get("kept") is not None]
    in_kept = {m for g in final for m in g["members"]}
    kept_people = {m for g in kept.values() for m in g["members"]}
    filled = len(in_kept) - len(kept_people & in_kept)
    # a new sign-up outside the kept groups who still fits one with room
    # in the result is a place the run left unused
    for group in final:
        group["languages"] = kept_as_read(
            [{"id": m, "group": "x", "slot": "", "venue": ""} for m in group["members"]],
            person)["x"]["languages"]
        group["slot"] = group["slot_label"]
    missed = [r["id"] for r in new_rows if r["id"] not in in_kept and
              any(fits(r, g, venue_rows.get(g["venue"])) for g in final)]
    joined = [r["id"] for r in new_rows if r["id"] in in_kept]
    # kept members stay: each kept group's members in one group, with its number
    group_of = {}
    for g in data["groups"]:
        for m in g["members"]:
            group_of[m] = (g.get("kept"), id(g))
    moved = sum(1 for number, group in kept.items()
                if ({group_of.get(m, (None, None)) for m in group["members"]} !=
                    {(int(number), group_of[group["members"][0]][1])}))
    placed_new = sum(1 for r in new_rows if r["id"] in group_of)
    free = sum(1 for r in season_rows if r["id"] not in kept_people)
    return {
        "seconds": seconds, "kept_groups": len(final), "moved_groups": moved,
        "fit": fitting, "bound": bound, "joined": len(joined), "missed": len(missed),
        "placed_new": placed_new, "places": places, "filled": filled, "free": free,
        "pool": len(season_rows), "free_fit": free_fit, "free_bound": free_bound,
    }


def keep_bench(lmatch, work, people, new_share, leave_share, log):
    venues_count = people // 250
    pool, venues = os.path.join(work, "pool.csv"), os.path.join(work, "venues.csv")
    run(lmatch, ["gen", "--participants", people, "--seed", 7, "--venues", venues_count,
                 "--venues-out", venues, "-o", pool], log)
    first = os.path.join(work, "groups.csv")
    # the first season in groups of at most 5: each kept group has a place
    # for a new member now that groups may hold 6
    run(lmatch, ["groups", pool, "--venues", venues, "--max-size", 5, "-o", first, "--quiet"],
        log)
    joining = int(people * new_share)
    fresh = os.path.join(work, "fresh.csv")
    run(lmatch, ["gen", "--participants", joining, "--seed", 8, "-o", fresh], log)
    rows = read_csv(pool)
    rng = random.Random(1)
    leavers = set(r["id"] for r in rng.sample(rows, int(people * leave_share)))
    new_rows = []
    for row in read_csv(fresh):
        row["id"] = "new-" + row["id"]
        new_rows.append(row)
    venue_rows = {v["id"]: {"lat": float(v["lat"]), "lon": float(v["lon"]),
                            "step_free": v.get("step_free", "").lower() in ("yes", "true", "1")}
                  for v in read_csv(venues)}
    grouped = {r["id"] for r in read_csv(first)}
    # 1. everybody stays signed up: the people left out last time compete
    #    with the new sign-ups for the places; 2. only the kept members and
    #    the new sign-ups (the people left out last time gone elsewhere)
    everybody = [r for r in rows if r["id"] not in leavers] + new_rows
    kept_only = [r for r in rows if r["id"] not in leavers and r["id"] in grouped] + new_rows
    result = {"people": people, "venues": venues_count, "new": len(new_rows),
              "left": len(leavers)}
    result["everybody"] = keep_season(lmatch, work, "season", everybody, new_rows, first,
                                      venues, venue_rows, log)
    result["kept_only"] = keep_season(lmatch, work, "season_kept", kept_only, new_rows, first,
                                      venues, venue_rows, log)
    return result


def constraints_bench(lmatch, work, people, share, repeats, log):
    venues_count = people // 250
    pool, venues = os.path.join(work, "big.csv"), os.path.join(work, "big_venues.csv")
    run(lmatch, ["gen", "--participants", people, "--seed", 11, "--venues", venues_count,
                 "--venues-out", venues, "-o", pool], log)
    free = os.path.join(work, "big_groups.csv")
    plain = [run(lmatch, ["groups", pool, "--venues", venues, "-o", free, "--quiet"], log)]
    groups = collections.defaultdict(list)
    for row in read_csv(free):
        groups[row["group"]].append(row["id"])
    rng = random.Random(2)
    order = sorted(groups.values(), key=lambda g: g[0])
    rng.shuffle(order)
    pairs_needed = int(people * share / 2)
    together, apart = order[:pairs_needed], order[pairs_needed:2 * pairs_needed]
    constraints = os.path.join(work, "constraints.csv")
    with open(constraints, "w") as f:
        f.write("kind,a,b\n")
        for g in together:
            f.write("together,%s,%s\n" % (g[0], g[1]))
        for g in apart:
            f.write("apart,%s,%s\n" % (g[0], g[1]))
    out = os.path.join(work, "big_constrained.csv")
    with_constraints = []
    for k in range(repeats):
        if k:
            plain.append(run(lmatch, ["groups", pool, "--venues", venues, "-o", free, "--quiet"],
                             log))
        with_constraints.append(run(lmatch, ["groups", pool, "--venues", venues,
                                             "--constraints", constraints, "-o", out,
                                             "--quiet"], log))
    rows = read_csv(out)
    group_of = {r["id"]: r["group"] for r in rows}
    together_placed = sum(1 for g in together if g[0] in group_of)
    broken = sum(1 for g in together if group_of.get(g[0]) != group_of.get(g[1]))
    broken += sum(1 for g in apart if g[0] in group_of and group_of.get(g[0]) == group_of.get(g[1]))
    return {
        "people": people, "venues": venues_count, "together": len(together), "apart": len(apart),
        "plain": min(plain), "constrained": min(with_constraints), "runs": repeats,
        "placed_plain": sum(1 for _ in read_csv(free)), "placed": len(rows),
        "together_placed": together_placed, "broken": broken,
    }


def page(keep, cons, commands, quick):
    overhead = cons["constrained"].cpu / cons["plain"].cpu - 1.0
    ok = lambda good: "**met**" if good else "**not met**"  # noqa: E731
    every, only = keep["everybody"], keep["kept_only"]
    share = lambda s: s["joined"] / s["fit"] if s["fit"] else 1.0  # noqa: E731
    row = lambda label, key, fmt="%d": "| %s | %s | %s |" % (  # noqa: E731
        label, fmt % every[key], fmt % only[key])
    lines = [
        "# Continuing groups and coordinator constraints",
        "",
        "_Generated by `bench/lifecycle_bench.py`%s; the commands are at the end. Wall "
        "times on a machine of %d cores shared with other work (load average %.1f at the "
        "end): wall times vary by a third from run to run, so the targets are judged on "
        "CPU time (every run here uses one thread)._" %
        (" (--quick: a tenth of the sizes)" if quick else "", os.cpu_count() or 1,
         os.getloadavg()[0]),
        "",
        "## `--keep` with new sign-ups",
        "",
        "A city of %s (%d venues) grouped once in groups of at most 5; a season later %d "
        "people have left and %d new ones signed up (%.0f%%), and groups may hold 6: every "
        "kept group has room. `lmatch groups --keep` continues the kept groups, in two "
        "seasons: **everybody** (the people the first season left out are still signed up "
        "and compete with the new sign-ups for the places) and **kept and new** (the pool "
        "holds the kept members and the new sign-ups only)." %
        (format(keep["people"], ","), keep["venues"], keep["left"], keep["new"],
         100.0 * keep["new"] / keep["people"]),
        "",
        "| measure | everybody | kept and new |",
        "|---|---:|---:|",
        row("people in the pool", "pool"),
        row("kept groups", "kept_groups"),
        row("kept groups whose members moved (target 0)", "moved_groups"),
        row("places the kept groups have (room up to 6)", "places"),
        row("people free to take them (not kept)", "free"),
        row("of those, fitting a kept group with room", "free_fit"),
        row("places they can fill at once (a matching)", "free_bound"),
        row("places filled by the run", "filled"),
        row("new sign-ups who fit a kept group with room", "fit"),
        row("of those, at most at once (a matching)", "bound"),
        row("new sign-ups who joined a kept group", "joined"),
        "| joined / fit (target >= 95%%) | %.1f%%: %s | %.1f%%: %s |" % (
            100 * share(every), ok(share(every) >= JOIN_SHARE), 100 * share(only),
            ok(share(only) >= JOIN_SHARE)),
        row("new sign-ups left out while a kept group they fit kept room", "missed"),
        row("new sign-ups placed at all", "placed_new"),
        "| time of `lmatch groups --keep` (CPU; wall; target <= 1 s) | %.2f s; %.2f s: %s | "
        "%.2f s; %.2f s: %s |" % (
            every["seconds"].cpu, every["seconds"].wall, ok(every["seconds"].cpu <= KEEP_SECONDS),
            only["seconds"].cpu, only["seconds"].wall, ok(only["seconds"].cpu <= KEEP_SECONDS)),
        "",
        "A new sign-up fits a kept group when, as the run reads it (the members still in the "
        "pool, the slot and venue of the file), the group has room and meets every hard "
        "constraint with them, checked here in Python: a language with every member, free "
        "at the group's slot, its venue within reach, step-free when needed (joining only "
        "adds people, so the role mix, a minimum per role, holds). Each is counted on their "
        "own; \"at most at once\" is a maximum matching of the new sign-ups to the places. "
        "`--keep` cannot tell a new sign-up from someone the first season left out: both "
        "are people not in the kept file, and they take the places in the order of the "
        "objective (those with the fewest kept groups to choose from first, each where the "
        "group gains most). With everybody signed up, far more people fit the places than "
        "there are places; every place is filled and the new sign-ups take their share of "
        "them. With the kept members and the new sign-ups only, the target is judged as "
        "stated.",
        "",
        "## The cost of constraints",
        "",
        "A city of %s (%d venues): %d together pairs and %d apart pairs (%.0f%% of the people "
        "in each), taken from groups of the run without constraints. Best of %d runs each." %
        (format(cons["people"], ","), cons["venues"], cons["together"], cons["apart"],
         100.0 * 2 * cons["together"] / cons["people"], cons["runs"]),
        "",
        "| run | CPU time | wall time | placed |",
        "|---|---|---|---|",
        "| without constraints | %.2f s | %.2f s | %s |" % (
            cons["plain"].cpu, cons["plain"].wall, format(cons["placed_plain"], ",")),
        "| with constraints | %.2f s | %.2f s | %s |" % (
            cons["constrained"].cpu, cons["constrained"].wall, format(cons["placed"], ",")),
        "",
        "Extra CPU time: %+.1f%% (target <= 10%%: %s). Constraints broken in the result: %d; "
        "together pairs placed (together): %d of %d." % (
            100 * overhead, ok(overhead <= CONSTRAINT_OVERHEAD), cons["broken"],
            cons["together_placed"], cons["together"]),
        "",
        "## Commands",
        "",
        "```sh",
    ] + commands + ["```", ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lmatch", required=True)
    parser.add_argument("--out", help="the page to write (default: print only)")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    lmatch = os.path.abspath(args.lmatch)
    scale = 10 if args.quick else 1
    commands = []
    with tempfile.TemporaryDirectory() as work:
        keep = keep_bench(lmatch, work, 10000 // scale, 0.05, 0.02, commands)
        cons = constraints_bench(lmatch, work, 100000 // scale, 0.01, args.repeats, commands)
    commands = [c.replace(work, "$WORK") for c in commands]
    text = page(keep, cons, commands, args.quick)
    print(text)
    if args.out:
        with open(args.out + ".tmp", "w") as f:
            f.write(text)
        os.replace(args.out + ".tmp", args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
