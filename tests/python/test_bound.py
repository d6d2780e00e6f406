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


# ---- how many each role can place: the flow through the classes ------------------
#
# With every weight 0 but mu = 1 the bound is (the most people it lets be
# placed) - n, so its placement count can be read off and checked against a
# maximum flow and an integer program computed here, with scipy.

LANGUAGES = ["nl", "ar", "en", "ti", "uk"]


def mix_pool(rng, n):
    """n people free at one slot (or at any), with a random share of
    newcomers: newcomers speak a home language and sometimes Dutch,
    residents Dutch and sometimes another, a few gave none. Newcomers whose
    language few residents speak cannot all be placed, whatever the
    totals by role say."""
    share = rng.uniform(0.2, 0.6)
    records = []
    for i in range(n):
        newcomer = rng.random() < share
        if newcomer:
            spoken = [rng.choice(LANGUAGES[1:])] + (["nl"] if rng.random() < 0.25 else [])
        else:
            spoken = ["nl"] + ([rng.choice(LANGUAGES[1:])] if rng.random() < 0.2 else [])
        if rng.random() < 0.03:
            spoken = []
        records.append({"id": "m%d" % i, "role": "newcomer" if newcomer else "resident",
                        "interests": "music", "languages": spoken,
                        "availability": "" if rng.random() < 0.2 else "wed-evening"})
    return records


def classes_of(records, q, least):
    """Each person's classes as lm__bound_class_pass finds them with one slot:
    the languages they speak (every language anybody gave, when they gave
    none) that hold q of each role and `least` people, dropping who has none
    until nothing changes."""
    used = sorted({code for r in records for code in r["languages"]}) or ["any"]
    mine = [set(r["languages"]) or set(used) for r in records]
    alive = [True] * len(records)
    while True:
        ok = set()
        for code in used:
            roles = [records[i]["role"] for i in range(len(records)) if alive[i] and code in mine[i]]
            if (roles.count("newcomer") >= q and roles.count("resident") >= q
                    and len(roles) >= least):
                ok.add(code)
        dropped = False
        for i in range(len(records)):
            if alive[i] and not mine[i] & ok:
                alive[i], dropped = False, True
        if not dropped:
            return [mine[i] & ok if alive[i] else set() for i in range(len(records))]


def most_fed(records, classes, fed, q, most):
    """The maximum flow from the other role's people ((most - q) each) through
    their classes to the people of role `fed` (q each), over q: scipy's
    maximum_flow on one node per person."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import maximum_flow
    codes = sorted({code for c in classes for code in c})
    where = {code: 2 + k for k, code in enumerate(codes)}
    rows, cols, caps = [], [], []
    for i, (record, mine) in enumerate(zip(records, classes)):
        node = 2 + len(codes) + i
        if not mine:
            continue
        if record["role"] != fed:
            rows.append(0), cols.append(node), caps.append(most - q)
            for code in mine:
                rows.append(node), cols.append(where[code]), caps.append(10 ** 6)
        else:
            rows.append(node), cols.append(1), caps.append(q)
            for code in mine:
                rows.append(where[code]), cols.append(node), caps.append(10 ** 6)
    size = 2 + len(codes) + len(records)
    graph = csr_matrix((caps, (rows, cols)), shape=(size, size), dtype="int32")
    return maximum_flow(graph, 0, 1).flow_value // q


def most_placed(newcomers, residents, q, least, most):
    """The largest a + b with a <= newcomers, b <= residents that some number
    of groups G can hold: q G <= a, b <= (most - q) G, least G <= a + b <= most G."""
    best = 0
    for a in range(newcomers + 1):
        for b in range(residents + 1):
            if any(q * g <= min(a, b) and max(a, b) <= (most - q) * g
                   and least * g <= a + b <= most * g for g in range(1, (a + b) // least + 1)):
                best = max(best, a + b)
    return best


def integer_maximum(records, q, least, most):
    """The most people any grouping places when only language, mix and size
    matter (docs/benchmarks_quality.md, section 2): per (role, languages)
    type and language an integer count placed, per language a number of
    groups; scipy's milp (HiGHS)."""
    import numpy
    from scipy.optimize import LinearConstraint, milp
    used = sorted({code for r in records for code in r["languages"]}) or [""]
    types = {}
    for r in records:
        key = (r["role"], tuple(sorted(r["languages"])) or tuple(used))
        types[key] = types.get(key, 0) + 1
    y = [(key, code) for key in types for code in key[1]]
    columns = len(y) + len(used)
    rows, low, high = [], [], []

    def row(entries, lower, upper):
        line = numpy.zeros(columns)
        for column, value in entries:
            line[column] += value
        rows.append(line), low.append(lower), high.append(upper)

    for key, size in types.items():
        row([(k, 1) for k, (t, _) in enumerate(y) if t == key], 0, size)
    for g, code in enumerate(used):
        group = len(y) + g
        for role in ("newcomer", "resident"):
            row([(k, 1) for k, (t, c) in enumerate(y) if c == code and t[0] == role]
                + [(group, -q)], 0, numpy.inf)
        everyone = [(k, 1) for k, (t, c) in enumerate(y) if c == code]
        row(everyone + [(group, -least)], 0, numpy.inf)
        row(everyone + [(group, -most)], -numpy.inf, 0)
    solved = milp(-numpy.r_[numpy.ones(len(y)), numpy.zeros(len(used))],
                  constraints=LinearConstraint(numpy.array(rows), low, high),
                  integrality=numpy.ones(columns))
    assert solved.success
    return round(-solved.fun)


@pytest.mark.parametrize("q,least,most", [(2, 4, 6), (1, 3, 5), (2, 5, 5), (2, 4, 7)])
def test_placement_follows_the_flow_through_the_classes(q, least, most):
    import random
    rng = random.Random(q * 100 + least * 10 + most)
    weights = {"theme": 0, "shared": 0, "exchange": 0, "cohost": 0, "balance": 0,
               "unassigned": 1}
    tighter = 0
    for trial in range(12):
        records = mix_pool(rng, rng.randrange(30, 90))
        classes = classes_of(records, q, least)
        counts = {role: sum(1 for r, c in zip(records, classes) if c and r["role"] == role)
                  for role in ("newcomer", "resident")}
        fed = {role: most_fed(records, classes, role, q, most) for role in counts}
        expected = most_placed(min(counts["newcomer"], fed["newcomer"]),
                               min(counts["resident"], fed["resident"]), q, least, most)
        without_flow = most_placed(counts["newcomer"], counts["resident"], q, least, most)
        with libmatch.Pool.from_records(records) as pool:
            bound = pool.bound(weights=weights, min_size=least, max_size=most, min_per_role=q)
        placed = bound + len(records)
        # exactly what the flow allows, never below what a grouping reaches
        assert placed == pytest.approx(expected, abs=1e-6), (trial, counts, fed)
        assert placed >= integer_maximum(records, q, least, most) - 1e-6
        tighter += expected < without_flow
    assert tighter >= 3  # the flow is what limits these pools, not the totals by role
