#!/usr/bin/python3
"""Planted pools: k groups of six that are perfect by construction, shuffled.

Each planted group has 3 newcomers and 3 residents who share a theme (a
subtopic at level 1), a weekly slot, a neighbourhood (homes within 400 m of
its centre) and a language; the newcomers offer what the residents want and
the other way round, and one person of each role is a willing co-host. On
top come noise interests (two random subtopics at 0.2 to 0.5), two extra free
slots a person, and a second language for some. Up to 450 groups share a
disc of 8 km radius; larger pools cover a larger disc at the same density,
so that k measures the size of the problem, not how crowded the city is. The planted grouping is a
feasible grouping with a high score, so the share of its score that a solver
reaches is a reference that no tuning can fake.

    planted.py --groups K --seed S --pool POOL.csv --groups-out PLANTED.csv
               [--venues-out VENUES.csv [--venue-capacity C]]

With --venues-out, one venue per planted group's neighbourhood is written,
open at every slot with room for C groups a slot (default 2), so venues never
decide the outcome: each planted group has its own venue within 400 m of its
members, step-free and open at its slot. --venue-capacity 1 leaves no room to
spare beyond the planted groups' own places. The same seed gives the same
pool with or without venues. The planted groups file is in the groups CSV
format that `lmatch eval` reads (with the venue of each group when venues are
written).
"""
import argparse
import math
import random

SUBTOPICS = [
    "guitar", "singing", "choir", "piano", "drums", "violin", "band", "baking",
    "syrian_cuisine", "eritrean_cuisine", "afghan_cuisine", "persian_cuisine",
    "turkish_cuisine", "moroccan_cuisine", "dutch_cuisine", "vegetarian_cooking",
    "football", "swimming", "running", "cycling", "sewing", "knitting",
    "painting", "photography", "gardening", "chess", "computer_basics",
]
TEACHABLE = ["arabic", "dutch", "english", "tigrinya", "farsi", "guitar", "baking",
             "sewing", "computer_basics", "photography", "cycling", "swimming"]
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
PARTS = ["morning", "afternoon", "evening"]
SLOTS = [f"{d}-{p}" for d in DAYS for p in PARTS]
LANGUAGES = ["nl", "nl", "nl", "en", "ar"]
CITY_KM = 8.0
DENSE_GROUPS = 450


def offset(lat, lon, km, rng):
    """A point within km of (lat, lon), uniformly in the disc."""
    r = km * math.sqrt(rng.random())
    a = rng.random() * 2 * math.pi
    return (lat + r * math.cos(a) / 111.2,
            lon + r * math.sin(a) / (111.2 * math.cos(math.radians(lat))))


def generate(k, seed):
    rng = random.Random(seed)
    people, centres = [], []
    # Up to 450 groups share a disc of 8 km; beyond, the disc grows so that
    # the density stays that of 450 groups (about 13 people a square km).
    radius = CITY_KM * math.sqrt(max(1.0, k / DENSE_GROUPS))
    for g in range(k):
        theme = rng.choice(SUBTOPICS)
        slot = rng.choice(SLOTS)
        language = rng.choice(LANGUAGES)
        lat, lon = offset(52.09, 5.12, radius, rng)
        centres.append((lat, lon))
        teach_new, teach_res = rng.sample(TEACHABLE, 2)
        members = []
        for m in range(6):
            role = "newcomer" if m < 3 else "resident"
            noise = rng.sample([t for t in SUBTOPICS if t != theme], 2)
            interests = [theme] + [f"{t}:{rng.choice([0.2, 0.3, 0.4, 0.5])}" for t in noise]
            if role == "newcomer":
                offers, wants = teach_new, teach_res
            else:
                offers, wants = teach_res, teach_new
            slots = {slot} | set(rng.sample(SLOTS, 2))
            spoken = [language]
            if rng.random() < 0.3:
                spoken.append(rng.choice([x for x in ["nl", "en", "ar", "fa", "ti"] if x != language]))
            plat, plon = offset(lat, lon, 0.4, rng)
            person = {
                "role": role, "interests": ";".join(interests), "offers": offers,
                "wants": wants, "languages": ";".join(dict.fromkeys(spoken)),
                "availability": ";".join(s for s in SLOTS if s in slots),
                "lat": f"{plat:.5f}", "lon": f"{plon:.5f}", "max_km": "3",
                "host": "yes" if m in (0, 3) else "no", "group": g, "slot": slot,
            }
            members.append(person)
        people.extend(members)
    rng.shuffle(people)
    for n, p in enumerate(people, 1):
        p["id"] = f"q{n:06d}"
    return people, centres


def write(people, centres, pool_path, groups_path, venues_path, venue_capacity=2):
    columns = ["id", "role", "interests", "offers", "wants", "languages", "availability",
               "lat", "lon", "max_km", "step_free", "host"]
    with open(pool_path, "w", encoding="utf-8") as f:
        f.write(",".join(columns) + "\n")
        for p in people:
            p.setdefault("step_free", "no")
            f.write(",".join(p[c] for c in columns) + "\n")
    if venues_path:
        with open(venues_path, "w", encoding="utf-8") as f:
            f.write("id,lat,lon,open,capacity,step_free\n")
            for g, (lat, lon) in enumerate(centres):
                f.write(f"w{g + 1:06d},{lat:.5f},{lon:.5f},{';'.join(SLOTS)},"
                        f"{venue_capacity},yes\n")
    if groups_path:
        with open(groups_path, "w", encoding="utf-8") as f:
            f.write("group,id,role,theme,slot,venue,cohost\n")
            for p in sorted(people, key=lambda q: (q["group"], q["id"])):
                venue = f"w{p['group'] + 1:06d}" if venues_path else ""
                f.write(f"{p['group'] + 1},{p['id']},{p['role']},,{p['slot']},{venue},\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", type=int, required=True, help="planted groups k")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pool", required=True, help="pool CSV to write")
    parser.add_argument("--groups-out", help="the planted groups CSV to write")
    parser.add_argument("--venues-out", help="venues CSV to write (one per group)")
    parser.add_argument("--venue-capacity", type=int, default=2,
                        help="groups each venue hosts in one slot (default 2)")
    args = parser.parse_args()
    if args.venue_capacity < 1:
        parser.error("--venue-capacity must be at least 1")
    people, centres = generate(args.groups, args.seed)
    write(people, centres, args.pool, args.groups_out, args.venues_out, args.venue_capacity)


if __name__ == "__main__":
    main()
