"""History and rounds through the Python package: form_groups(history=...),
match_pairs(history=...) and Pool.rounds(), each checked against pairs
counted in Python from the results (properties checked over many seeds),
and the errors of a bad history."""
import itertools

import pytest

import libmatch


def met_in(*rounds):
    met = set()
    for result in rounds:
        for group in result.groups:
            met.update(frozenset(p) for p in itertools.combinations(group.members, 2))
    return met


def repeats(result, met):
    return sum(1 for g in result.groups for p in itertools.combinations(g.members, 2)
               if frozenset(p) in met)


@pytest.mark.parametrize("seed,people", [(s, 40 + 7 * s) for s in range(1, 13)])
def test_no_repeats_honoured(seed, people):
    with libmatch.Pool.generate(people, seed=seed) as pool:
        first = pool.form_groups(seed=seed)
        second = pool.form_groups(seed=seed, history=[first], no_repeats=True)
        assert repeats(second, met_in(first)) == 0
        assert second.repeated_pairs == 0
        # the history given as the DataFrame of the first round says the same
        third = pool.form_groups(seed=seed, history=[first.to_dataframe()], no_repeats=True)
        assert third.to_json_dict() == second.to_json_dict()


@pytest.mark.parametrize("seed", range(20, 30))
def test_repeats_reported_and_total_is_the_objective(seed):
    with libmatch.Pool.generate(90, seed=seed) as pool:
        first = pool.form_groups(seed=seed)
        second = pool.form_groups(seed=seed, history=first, weights={"repeat": 3})
        assert second.repeated_pairs == repeats(second, met_in(first))
        assert second.repeat_penalty == pytest.approx(3 * second.repeated_pairs)
        checked = pool.evaluate(second)
        assert checked.total == pytest.approx(second.total, abs=1e-6)


@pytest.mark.parametrize("seed,count", [(s, 1 + s % 4) for s in range(40, 48)])
def test_rounds_count_their_repeats(seed, count):
    with libmatch.Pool.generate(80, seed=seed) as pool:
        rounds = pool.rounds(count, seed=seed)
        assert len(rounds) == count
        seen, expected = {}, 0
        for result in rounds:
            assert pool.evaluate(result).feasible
            for group in result.groups:
                for pair in itertools.combinations(sorted(group.members), 2):
                    expected += seen.get(pair, 0) >= 1
                    seen[pair] = seen.get(pair, 0) + 1
        assert rounds.repeated_pairs == expected
        frame = rounds.to_dataframe()
        assert list(frame.columns[:2]) == ["round", "group"]
        assert sorted(set(frame["round"])) == list(range(1, count + 1))


@pytest.mark.parametrize("seed", range(1, 9))
def test_second_buddy_round_avoids_the_first(seed):
    with libmatch.Pool.generate(60, seed=seed, newcomer_share=0.5) as pool:
        first = pool.match_pairs()
        second = pool.match_pairs(history=[first])
        assert second.repeated_pairs == repeats(second, met_in(first))
        strict = pool.match_pairs(history=[first], no_repeats=True)
        assert repeats(strict, met_in(first)) == strict.repeated_pairs == 0
        if second.repeated_pairs:  # only where repeats place more people
            assert len(second.groups) > len(strict.groups)
        else:
            assert second.to_json_dict() == strict.to_json_dict()


def test_rounds_follow_the_history():
    with libmatch.Pool.generate(100, seed=6) as pool:
        first = pool.form_groups()
        rounds = pool.rounds(2, history=[first], no_repeats=True)
        met = met_in(first)
        assert all(repeats(r, met) == 0 for r in rounds)


def test_history_errors(tmp_path):
    with libmatch.Pool.generate(30, seed=2) as pool:
        bad = tmp_path / "bad.csv"
        bad.write_text("group,id\nseven,%s\n" % pool.ids[0])
        with pytest.raises(libmatch.ParseError, match="bad.csv line 2, column 'group'"):
            pool.form_groups(history=[str(bad)])
        with pytest.raises(libmatch.InvalidArgument, match="repeat decay"):
            pool.form_groups(history=[[pool.ids[:2]]], history_decay=2.0)
        with pytest.raises(libmatch.InvalidArgument, match="list of ids"):
            pool.form_groups(history=[["abc"]])
        with pytest.raises(libmatch.InvalidArgument, match="rounds must be"):
            pool.rounds(0)
