"""Reasons for the people left out, through lmatch (docs/objective.md,
"Unassigned participants and their reasons"): in a generated city whose 40
venues cannot host everybody, most of the people out wait for a free place
(`venues_full`); without venues they never do.

Run by meson (`meson test --suite cli`) with LMATCH set to the program."""
import collections
import json

from conftest import run_lmatch

REASONS = {"role_shortage", "no_shared_language", "no_common_slot", "no_venue", "too_far",
           "venues_full", "not_placed"}


def reasons(path):
    with open(path) as f:
        result = json.load(f)
    out = result["unassigned"]
    for person in out:
        assert person["reason"] in REASONS
        assert person["explanation"]
    return collections.Counter(person["reason"] for person in out), result


def test_ten_thousand_with_forty_venues_mostly_wait_for_room(lmatch, tmp_path):
    pool, venues, out = tmp_path / "pool.csv", tmp_path / "venues.csv", tmp_path / "out.json"
    run_lmatch(lmatch, "gen", "--participants", 10000, "--seed", 1, "--venues", 40,
               "--venues-out", venues, "-o", pool)
    run_lmatch(lmatch, "groups", pool, "--venues", venues, "--effort", 2, "--quiet",
               "--json", out)
    counts, result = reasons(out)
    unplaced = sum(counts.values())
    assert unplaced > 3000  # 40 venues host about 750 groups: half the city stays out
    assert counts["venues_full"] > 0.9 * unplaced, counts
    assert counts["not_placed"] < 0.01 * unplaced, counts


def test_without_venues_nobody_waits_for_a_venue(lmatch, tmp_path):
    pool, out = tmp_path / "pool.csv", tmp_path / "out.json"
    run_lmatch(lmatch, "gen", "--participants", 600, "--seed", 3, "-o", pool)
    run_lmatch(lmatch, "groups", pool, "--effort", 2, "--quiet", "--json", out)
    counts, _ = reasons(out)
    assert counts["venues_full"] == 0 and counts["no_venue"] == 0, counts
