"""Results equal the CLI's JSON for the same pool and parameters: the whole
dicts, numbers compared exactly."""
import json

import pytest

import libmatch
from conftest import run_lmatch


def cli_json(lmatch, *args):
    return json.loads(run_lmatch(lmatch, *args).stdout)


def test_groups_total_and_groups_equal_the_cli(lmatch, city):
    pool_csv, _ = city
    expected = cli_json(lmatch, "groups", pool_csv, "--seed", 5, "--json", "-")
    result = libmatch.Pool.from_csv(pool_csv).form_groups(seed=5)
    assert result.total == expected["total"]
    assert [g.members for g in result.groups] == [g["members"] for g in expected["groups"]]
    assert result.to_json_dict() == expected
    assert len(result.groups) > 10 and result.unassigned  # a real case, not a trivial one


OPTIONS = [
    ([], {}),
    (["--quiet", "--seed", "9", "--effort", "4"], {"seed": 9, "effort": 4}),
    (["--quiet", "--seed", "7", "--threads", "2", "--min-size", "3", "--max-size", "5",
      "--min-per-role", "1", "--weights", "theme=2,balance=1,unassigned=4,eta=0.5",
      "--effort", "5", "--no-language", "--max-km", "3"],
     {"seed": 7, "threads": 2, "min_size": 3, "max_size": 5, "min_per_role": 1,
      "weights": {"theme": 2, "balance": 1, "unassigned": 4, "eta": 0.5}, "effort": 5,
      "language": False, "max_km": 3}),
    (["--quiet", "--seed", "18446744073709551615", "--weights", "1,0.5,2,1,0.25,12"],
     {"seed": 2 ** 64 - 1, "weights": {"alpha": 1, "beta": 0.5, "gamma": 2, "eta": 1,
                                       "lambda": 0.25, "mu": 12}}),
]


@pytest.mark.parametrize("cli_options,python_options", OPTIONS)
def test_groups_with_options(lmatch, city, cli_options, python_options):
    pool_csv, venues_csv = city
    expected = cli_json(lmatch, "groups", pool_csv, "--json", "-", *cli_options)
    with libmatch.Pool.from_csv(pool_csv) as pool:
        assert pool.form_groups(**python_options).to_json_dict() == expected
    # With venues, and with a pool generated in Python instead of read.
    expected = cli_json(lmatch, "groups", pool_csv, "--venues", venues_csv, "--json", "-",
                        *cli_options)
    with libmatch.Pool.generate(300, seed=11, venues=5) as pool:
        result = pool.form_groups(**python_options)
    assert result.to_json_dict() == expected
    assert any(g["venue"] for g in expected["groups"])


@pytest.mark.parametrize("cli_options,python_options", [
    ([], {}),
    (["--candidates", "5", "--weights", "exchange=3,unassigned=2", "--max-km", "4"],
     {"candidates": 5, "weights": {"exchange": 3, "unassigned": 2}, "max_km": 4}),
])
def test_pairs_equal_the_cli(lmatch, city, cli_options, python_options):
    pool_csv, venues_csv = city
    expected = cli_json(lmatch, "pairs", pool_csv, "--venues", venues_csv, "--quiet", "--json",
                        "-", *cli_options)
    with libmatch.Pool.from_csv(pool_csv, venues=venues_csv) as pool:
        result = pool.match_pairs(**python_options)
    assert result.to_json_dict() == expected
    assert result.optimality in ("optimal", "optimal_on_candidates")
    assert all(g.size == 2 and sorted(g.roles) == ["newcomer", "resident"]
               for g in result.groups)


def test_evaluate_equals_the_cli(lmatch, city, tmp_path):
    pool_csv, venues_csv = city
    groups_csv = tmp_path / "groups.csv"
    run_lmatch(lmatch, "groups", pool_csv, "--venues", venues_csv, "--seed", 3, "--quiet",
               "-o", groups_csv)
    # eval's --json takes an optional argument, so it must be attached.
    expected = cli_json(lmatch, "eval", pool_csv, groups_csv, "--venues", venues_csv,
                        "--json=-")
    with libmatch.Pool.from_csv(pool_csv, venues=venues_csv) as pool:
        assert pool.evaluate(groups_csv).to_json_dict() == expected
        solved = pool.form_groups(seed=3)
        assert pool.evaluate(solved).to_json_dict() == expected
        assert expected["feasible"] is True and expected["violations"] == []

        # A hand-made grouping with violations, as lists of ids and as CSV.
        ids = pool.ids
        hand = [ids[0:3], ids[3:10], ids[10:14]]
        lines = ["group,id"] + ["%d,%s" % (g + 1, m) for g, members in enumerate(hand)
                                for m in members]
        hand_csv = tmp_path / "hand.csv"
        hand_csv.write_text("\n".join(lines) + "\n")
        expected = cli_json(lmatch, "eval", pool_csv, hand_csv, "--venues", venues_csv,
                            "--min-size", 3, "--json=-")
        evaluated = pool.evaluate(hand, min_size=3)
        assert evaluated.to_json_dict() == expected
        assert expected["feasible"] is False and len(evaluated.violations) > 2
        kinds = {v.kind for v in evaluated.violations}
        assert "size" in kinds
