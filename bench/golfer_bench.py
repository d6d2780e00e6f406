#!/usr/bin/python3
"""Rounds without repeats: the social golfer problem and a season of a
programme. Writes docs/benchmarks_rounds.md (and bench/results/rounds.json).

    /usr/bin/python3 bench/golfer_bench.py --lmatch build/tools/lmatch
    /usr/bin/python3 bench/golfer_bench.py --lmatch build/tools/lmatch --quick   # a smoke run

1. The social golfer problem (CSPLib problem 10), g-s-w: g x s players in g
   groups of s for w rounds, no pair twice. For each instance, `lmatch rounds
   --golfer g-s-w` runs at w = the best known number of rounds, then one
   round fewer, and so on, each with a few seeds, until a schedule without
   any repeat is found: the largest such w is the number reached, set next
   to the best known value from the published tables and design theory (the
   sources are cited on the page).
2. A season: a generated city of 2,000 with roles, slots and venues, 6
   rounds by `lmatch rounds`, against 6 rounds formed alone (`lmatch groups`
   with 6 seeds): repeated pairs, people placed, mean total, time.
"""
import argparse
import csv
import itertools
import json
import os
import resource
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)

# g, s, the best known w, and where it comes from (keys of SOURCES).
INSTANCES = [
    (4, 2, 7, "rr"), (6, 2, 11, "rr"),
    (3, 3, 4, "harvey"), (4, 3, 4, "harvey"), (5, 3, 7, "harvey"), (6, 3, 8, "nkts"),
    (7, 3, 10, "kts"), (8, 3, 11, "nkts"), (9, 3, 13, "kts"),
    (4, 4, 5, "harvey"), (5, 4, 5, "harvey"), (6, 4, 7, "harvey"), (8, 4, 10, "aguado"),
    (10, 4, 13, "rbibd"),
    (5, 5, 6, "harvey"), (6, 6, 3, "harvey"),
]
QUICK = [(3, 3, 4, "harvey"), (4, 3, 4, "harvey"), (5, 3, 7, "harvey"), (4, 4, 5, "harvey")]

SOURCES = {
    "harvey": "Warwick Harvey's table of the social golfer problem (CSPLib problem 10, "
              "csplib.org/Problems/prob010; reproduced at cs.brown.edu/~sello/golf.html)",
    "rr": "a round robin: 2k players in pairs meet everybody in 2k - 1 rounds "
          "(a 1-factorisation of the complete graph)",
    "kts": "Kirkman triple systems KTS(v) exist for every v = 3 mod 6 "
           "(Ray-Chaudhuri and Wilson, 1971): (v - 1) / 2 rounds",
    "nkts": "nearly Kirkman triple systems NKTS(v) exist for v = 0 mod 6, v >= 18 "
            "(Baker and Wilson, 1977; Kotzig and Rosa): (v - 2) / 2 rounds",
    "aguado": "8-4-10, the original question, by Alejandro Aguado (2004), quoted by "
              "M. Triska (metalevel.at/sgp) and Wikipedia's 'Social golfer problem'",
    "rbibd": "resolvable designs RBIBD(v, 4, 1) exist for every v = 4 mod 12 (Hanani, "
             "Ray-Chaudhuri and Wilson, 1972): (v - 1) / 3 rounds",
}


def log(message):
    print("golfer_bench: " + message, file=sys.stderr, flush=True)


def run(command):
    """Runs command; its output and the CPU seconds it took (the machine is
    shared: CPU time is the work, whatever else runs)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit("golfer_bench: %s failed: %s" % (" ".join(map(str, command)),
                                                          done.stderr))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return done.stdout, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def golfer(lmatch, g, s, w, effort, seed):
    out, seconds = run([lmatch, "rounds", "--golfer", "%d-%d-%d" % (g, s, w), "--effort",
                        effort, "--seed", seed, "--json", "-"])
    data = json.loads(out)
    # check the schedule here too: every player once a round, repeats recounted
    seen, repeats = {}, 0
    for groups in data["schedule"]:
        assert sorted(p for members in groups for p in members) == list(range(g * s))
        for members in groups:
            assert len(members) == s
            for pair in itertools.combinations(sorted(members), 2):
                repeats += seen.get(pair, 0) >= 1
                seen[pair] = seen.get(pair, 0) + 1
    assert repeats == data["repeated_pairs"]
    return repeats, seconds


def reach(lmatch, g, s, best, effort, seeds, floor):
    """The largest w <= best with a schedule without repeats (trying best,
    best - 1, ...), the repeats left at w = best, and the seconds spent."""
    spent, at_best = 0.0, None
    for w in range(best, floor - 1, -1):
        fewest = None
        for seed in range(1, seeds + 1):
            repeats, seconds = golfer(lmatch, g, s, w, effort, seed)
            spent += seconds
            fewest = repeats if fewest is None else min(fewest, repeats)
            if repeats == 0:
                break
        if w == best:
            at_best = fewest
        log("%d-%d-%d: %d repeats (%.1f s so far)" % (g, s, w, fewest, spent))
        if fewest == 0:
            return w, at_best, spent
    return floor - 1, at_best, spent


def groups_of(path):
    groups = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            groups.setdefault((row.get("round"), row["group"]), []).append(row["id"])
    by_round = {}
    for (r, _), members in groups.items():
        by_round.setdefault(r, []).append(members)
    return [by_round[r] for r in sorted(by_round, key=lambda r: int(r or 0))]


def count_repeats(rounds):
    seen, repeats = {}, 0
    for groups in rounds:
        for members in groups:
            for pair in itertools.combinations(sorted(members), 2):
                repeats += seen.get(pair, 0) >= 1
                seen[pair] = seen.get(pair, 0) + 1
    return repeats


def season(lmatch, folder, people, rounds, venues, seed):
    pool, venue_csv = os.path.join(folder, "pool.csv"), os.path.join(folder, "venues.csv")
    gen = [lmatch, "gen", "-n", people, "--seed", seed, "--venues", venues, "--venues-out",
           venue_csv, "-o", pool]
    run(gen)
    out_csv, out_json = os.path.join(folder, "rounds.csv"), os.path.join(folder, "rounds.json")
    together = [lmatch, "rounds", pool, "--venues", venue_csv, "--rounds", rounds, "-o", out_csv,
                "--json", out_json, "--quiet"]
    _, seconds = run(together)
    data = json.load(open(out_json))
    assert count_repeats(groups_of(out_csv)) == data["repeated_pairs"]
    placed = [sum(len(g["members"]) for g in r["groups"]) for r in data["rounds"]]
    result = {"command": together, "seconds": seconds, "repeated_pairs": data["repeated_pairs"],
              "placed": placed, "totals": [r["total"] for r in data["rounds"]]}
    alone_rounds, alone_placed, alone_totals, alone_seconds = [], [], [], 0.0
    alone_commands = []
    for k in range(rounds):
        path = os.path.join(folder, "alone%d.json" % k)
        command = [lmatch, "groups", pool, "--venues", venue_csv, "--seed", k + 1, "--json", path,
                   "--quiet"]
        alone_commands.append(command)
        _, spent = run(command)
        alone_seconds += spent
        one = json.load(open(path))
        alone_rounds.append([g["members"] for g in one["groups"]])
        alone_placed.append(sum(len(g["members"]) for g in one["groups"]))
        alone_totals.append(one["total"])
    result["alone"] = {"commands": alone_commands, "seconds": alone_seconds,
                       "repeated_pairs": count_repeats(alone_rounds), "placed": alone_placed,
                       "totals": alone_totals}
    result.update(people=people, rounds=rounds, venues=venues, seed=seed, generate=gen)
    return result


def shown(command):
    parts = []
    for part in command:
        text = str(part)
        if os.path.isabs(text) and text.startswith(SOURCE + os.sep):
            text = os.path.relpath(text, SOURCE)
        elif os.path.isabs(text):
            text = os.path.basename(text) if "/tmp" in text else text
        parts.append(text)
    return " ".join(parts)


def page(golf, seasons, args):
    hit = sum(1 for r in golf if r["reached"] >= r["best"])
    near = sum(1 for r in golf if r["best"] - r["reached"] == 1)
    out = ["# Rounds without repeats", "",
           "_Generated by `bench/golfer_bench.py`; do not edit by hand: rerun it._", "",
           "How many rounds `lmatch rounds` forms before any pair meets twice, on the social "
           "golfer problem and on a season of a generated programme "
           "([solver.md](solver.md), \"Rounds\", explains the search).", "",
           "```sh", "/usr/bin/python3 bench/golfer_bench.py --lmatch build/tools/lmatch "
           "--effort %d --seeds %d" % (args.effort, args.seeds), "```", "",
           "## The social golfer problem", "",
           "g x s players in g groups of s for w rounds, no pair of players twice in one group "
           "(CSPLib problem 10, instance g-s-w). For each instance `lmatch rounds --golfer "
           "g-s-w --effort %d` ran at w = the best known value, then one round fewer, and so "
           "on, with seeds 1 to %d at each w until one schedule had no repeat; \"reached\" is "
           "that w, \"repeats at best\" the fewest repeated pairs left at the best known w. The "
           "script checks every schedule it reads (everybody once a round, the repeats "
           "recounted). \"CPU seconds\" add up every run of the instance (each w and seed "
           "tried), in CPU time: the machine is shared." % (args.effort, args.seeds), "",
           "| instance | players | best known | source | reached | repeats at best | CPU seconds |",
           "|---|---:|---:|---|---:|---:|---:|"]
    for r in golf:
        out.append("| %d-%d-w | %d | %d | %s | %d | %d | %.1f |" % (
            r["g"], r["s"], r["g"] * r["s"], r["best"], r["source"], r["reached"],
            r["repeats_at_best"], r["seconds"]))
    out += ["", "Best known reached on **%d of %d** instances, within one round on %d more "
            "(target: the best known on at least 10 of 15, within one round on the rest)."
            % (hit, len(golf), near), "", "Sources of the best known values:", ""]
    for key in sorted({r["source"] for r in golf}):
        out.append("- **%s**: %s." % (key, SOURCES[key]))
    out.append("")
    for s in seasons:
        mean = lambda xs: sum(xs) / len(xs)
        alone = s["alone"]
        out += ["## A season: %s people, %d rounds" % ("{:,}".format(s["people"]), s["rounds"]),
                "",
                "A generated city of %s participants (both roles, weekly slots, languages, "
                "locations) with %d venues; %d rounds formed at once by `lmatch rounds`, against "
                "%d rounds formed alone by `lmatch groups` with seeds 1 to %d. A repeated pair "
                "is a meeting of two people after their first."
                % ("{:,}".format(s["people"]), s["venues"], s["rounds"], s["rounds"], s["rounds"]),
                "",
                "| | repeated pairs | placed per round (mean) | total per round (mean) | CPU seconds |",
                "|---|---:|---:|---:|---:|",
                "| `lmatch rounds --rounds %d` | %d | %.1f | %.1f | %.1f |" % (
                    s["rounds"], s["repeated_pairs"], mean(s["placed"]), mean(s["totals"]),
                    s["seconds"]),
                "| %d rounds of `lmatch groups` | %d | %.1f | %.1f | %.1f |" % (
                    s["rounds"], alone["repeated_pairs"], mean(alone["placed"]),
                    mean(alone["totals"]), alone["seconds"]),
                "", "```sh", shown(s["generate"]), shown(s["command"])]
        out += [shown(c) for c in alone["commands"]] + ["```", ""]
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lmatch", default=os.path.join(SOURCE, "build", "tools", "lmatch"))
    parser.add_argument("--out", default=os.path.join(SOURCE, "docs", "benchmarks_rounds.md"))
    parser.add_argument("--results", default=os.path.join(HERE, "results", "rounds.json"))
    parser.add_argument("--effort", type=int, default=20,
                        help="the effort of every run (default 20, the library default)")
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--quick", action="store_true",
                        help="four small instances and a season of 200: a smoke run")
    args = parser.parse_args()
    instances = QUICK if args.quick else INSTANCES
    golf = []
    for g, s, best, source in instances:
        reached, at_best, seconds = reach(args.lmatch, g, s, best, args.effort, args.seeds,
                                          max(1, best - 4))
        golf.append({"g": g, "s": s, "best": best, "source": source, "reached": reached,
                     "repeats_at_best": at_best, "seconds": seconds})
    people = 200 if args.quick else args.people
    with tempfile.TemporaryDirectory() as folder:
        seasons = [season(args.lmatch, folder, people, 6, max(2, people // 250), 1)]
    os.makedirs(os.path.dirname(args.results), exist_ok=True)
    with open(args.results + ".tmp", "w") as f:
        json.dump({"golfer": golf, "seasons": seasons, "effort": args.effort,
                   "seeds": args.seeds}, f, indent=1, default=str)
    os.replace(args.results + ".tmp", args.results)
    text = page(golf, seasons, args)
    with open(args.out + ".tmp", "w") as f:
        f.write(text + "\n")
    os.replace(args.out + ".tmp", args.out)
    log("wrote %s" % args.out)


if __name__ == "__main__":
    main()
