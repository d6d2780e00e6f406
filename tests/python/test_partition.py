"""libmatch.partition: exact optima on small instances (by enumeration), the
CLI's answer on a larger one, and argument checks."""
import itertools
import json
import random

import pytest

import libmatch
from conftest import run_lmatch


def random_matrix(n, seed):
    rng = random.Random(seed)
    w = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            w[i][j] = w[j][i] = float(rng.randint(0, 20))
    return w


def objective(w, assignment):
    n = len(w)
    return sum(w[i][j] for i in range(n) for j in range(i + 1, n)
               if assignment[i] == assignment[j])


def best_by_enumeration(w, bounds):
    best = None
    for assignment in itertools.product(range(len(bounds)), repeat=len(w)):
        sizes = [assignment.count(g) for g in range(len(bounds))]
        if all(lo <= s <= hi for s, (lo, hi) in zip(sizes, bounds)):
            value = objective(w, assignment)
            best = value if best is None or value > best else best
    return best


@pytest.mark.parametrize("seed", range(6))
def test_small_instances_reach_the_optimum(seed):
    n = 9
    bounds = [(3, 3)] * 3 if seed % 2 == 0 else [(2, 4), (2, 4), (2, 5)]
    w = random_matrix(n, seed)
    result = libmatch.partition(w, bounds, seed=seed)
    assert len(result.assignment) == n
    sizes = [result.assignment.count(g) for g in range(len(bounds))]
    assert all(lo <= s <= hi for s, (lo, hi) in zip(sizes, bounds))
    # Integer weights: every summation order gives the same double.
    assert result.total == objective(w, result.assignment)
    assert result.total == best_by_enumeration(w, bounds)
    assert sorted(i for g in result.groups for i in g) == list(range(n))


def test_numpy_and_lists_agree():
    numpy = pytest.importorskip("numpy")
    w = random_matrix(15, 42)
    a = libmatch.partition(w, [(5, 5)] * 3, seed=4)
    b = libmatch.partition(numpy.array(w), [(5, 5)] * 3, seed=4)
    c = libmatch.partition(numpy.array(w, dtype=numpy.float32).T, numpy.array([[5, 5]] * 3),
                           seed=4)
    assert a == b == c


def test_equals_the_cli(lmatch, tmp_path):
    n, m = 40, 4
    w = random_matrix(n, 7)
    lines = ["%d %d ss %s" % (n, m, " ".join(["10 10"] * m))]
    lines += ["%d %d %r" % (i, j, w[i][j]) for i in range(n) for j in range(i + 1, n)]
    instance = tmp_path / "instance.txt"
    instance.write_text("\n".join(lines) + "\n")
    expected = json.loads(run_lmatch(lmatch, "partition", instance, "--seed", 3, "--quiet",
                                     "--json", "-").stdout)
    result = libmatch.partition(w, [(10, 10)] * m, seed=3)
    assert result.total == expected["objective"]
    assert result.assignment == expected["groups"]


def test_argument_errors():
    with pytest.raises(libmatch.InvalidArgument, match="square"):
        libmatch.partition([[0, 1, 2], [1, 0, 3]], [(1, 2)])
    with pytest.raises(libmatch.InvalidArgument,
                       match=r"^partition: weights are not symmetric: \(0, 1\) = 1 but "
                             r"\(1, 0\) = 2$"):
        libmatch.partition([[0, 1], [2, 0]], [(1, 1), (1, 1)])
    with pytest.raises(libmatch.InvalidArgument, match="one \\(lower, upper\\) pair"):
        libmatch.partition([[0, 1], [1, 0]], [(1, 1, 1)])
    with pytest.raises(libmatch.InvalidArgument, match="^partition: there are no groups"):
        libmatch.partition([[0, 1], [1, 0]], [])
    with pytest.raises(libmatch.Infeasible):
        libmatch.partition([[0, 1], [1, 0]], [(3, 3)])
