"""result.bound and result.gap, and Pool.bound(): the upper bound on the total
of every feasible grouping, from Python."""
import math

import pytest

import libmatch


@pytest.fixture(scope="module")
def city():
    with libmatch.Pool.generate(400, seed=5, venues=6) as pool:
        yield pool


def test_formed_groups_carry_their_bound(city):
    result = city.form_groups(seed=2)
    assert result.total <= result.bound
    assert result.bound == city.bound()
    people = sum(g.size for g in result.groups) + len(result.unassigned)
    assert result.gap == pytest.approx((result.bound - result.total) /
                                       (result.bound + 10 * people), rel=1e-12)
    assert "gap %.2g%%" % (100 * result.gap) in repr(result)
    data = result.to_json_dict()
    assert data["bound"] == result.bound and data["gap"] == result.gap


def test_bound_follows_the_parameters(city):
    weights = {"theme": 3, "unassigned": 4}
    result = city.form_groups(seed=2, weights=weights, min_size=3)
    assert result.bound == city.bound(weights=weights, min_size=3)
    assert result.total <= result.bound
    assert city.bound(weights={"theme": 4, "unassigned": 4}, min_size=3) > result.bound


def test_evaluation_is_measured_against_the_bound(city):
    solved = city.form_groups(seed=2)
    evaluated = city.evaluate(solved)
    assert evaluated.feasible
    assert evaluated.total == solved.total
    assert evaluated.bound == solved.bound and evaluated.gap == solved.gap
    # fewer groups, same bound: a larger gap
    fewer = city.evaluate(solved.groups[:len(solved.groups) // 2])
    assert fewer.bound == solved.bound and fewer.gap > solved.gap


def test_pairs_and_errors(city):
    pairs = city.match_pairs()
    assert pairs.optimality == "optimal"
    assert pairs.bound == pairs.total and pairs.gap == 0
    with pytest.raises(libmatch.Infeasible, match="min_size"):
        city.bound(min_size=1)
    # a Result made by hand knows no bound
    assert math.isnan(libmatch.Result(groups=[], unassigned=[], total=0.0).gap)
