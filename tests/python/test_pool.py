"""Pools from files, records, DataFrames and the generator; results as
Python objects; handles freed deterministically."""
import gc
import os
import stat
import threading

import pytest

import libmatch
from conftest import TINY

TINY_CSV = """id,role,interests,offers,wants,languages,availability,host
n1,newcomer,cooking;music,arabic,dutch,nl;en,mon-evening;sat-morning,yes
n2,newcomer,cooking;music,arabic,dutch,nl;en,mon-evening;sat-morning,no
n3,newcomer,cooking;music,arabic,dutch,nl;en,mon-evening;sat-morning,no
n4,newcomer,cooking;music,arabic,dutch,nl;en,mon-evening;sat-morning,no
r1,resident,cooking;guitar,dutch,arabic,nl,mon-evening,no
r2,resident,cooking;guitar,dutch,arabic,nl,mon-evening,yes
r3,resident,cooking;guitar,dutch,arabic,nl,mon-evening,no
r4,resident,cooking;guitar,dutch,arabic,nl,mon-evening,no
"""


@pytest.fixture
def tiny_csv(tmp_path):
    path = tmp_path / "tiny.csv"
    path.write_text(TINY_CSV)
    return path


def test_records_read_like_the_csv_file(tiny_csv):
    with libmatch.Pool.from_csv(tiny_csv) as from_file, \
            libmatch.Pool.from_records(TINY) as from_records:
        assert from_records.ids == from_file.ids == ["n1", "n2", "n3", "n4", "r1", "r2", "r3",
                                                     "r4"]
        assert from_records.to_records() == from_file.to_records()
        for pid in from_file.ids:
            for vector in ("interests", "offers", "wants"):
                assert from_records.vector(pid, vector) == from_file.vector(pid, vector)
        assert from_records.form_groups(seed=3).to_json_dict() == \
            from_file.form_groups(seed=3).to_json_dict()


def test_dataframe_reads_like_records():
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame(TINY)
    with libmatch.Pool.from_dataframe(frame) as pool, libmatch.Pool.from_records(TINY) as ref:
        assert pool.to_records() == ref.to_records()
    # Missing values (NaN) are empty fields, booleans yes/no.
    frame = pandas.DataFrame([{"id": "a", "role": "newcomer", "lat": 52.1, "lon": 5.1},
                              {"id": "b", "role": "resident", "lat": None, "lon": None}])
    with libmatch.Pool.from_dataframe(frame) as pool:
        assert pool.participant("a")["lat"] == 52.1
        assert pool.participant("b")["lat"] is None


def test_record_values_lists_tag_levels_and_booleans():
    records = [{"id": "a", "role": "newcomer", "interests": {"cooking": 0.5, "guitar": None},
                "languages": ["nl", "en"], "availability": ("mon-ev", "sat-am"), "host": True,
                "step_free": False, "lat": 52.0907, "lon": 5.1214, "max_km": 3, "notes": "x"},
               {"id": "Mulu, \"T.\"", "role": "resident",
                "interests": "skydiving;baking"}]
    with libmatch.Pool.from_records(records) as pool:
        assert pool.vector("a") == {"music": 0.5, "guitar": 1.0, "cooking": 0.5}
        assert pool.participant("a") == {
            "id": "a", "role": "newcomer", "languages": ["nl", "en"],
            "availability": ["mon-evening", "sat-morning"], "lat": 52.0907, "lon": 5.1214,
            "max_km": 3.0, "step_free": False, "host": True, "line": 2}
        assert pool.ids[1] == 'Mulu, "T."'
        # 'notes' is a display column: kept, not warned about
        assert pool.columns == ["notes"]
        assert pool.display("a") == {"notes": "x"}
        assert pool.warnings == [
            (3, "interests", "participant 'Mulu, \"T.\"': unknown tag 'skydiving'")]
    with pytest.raises(libmatch.NotFound) as caught:
        libmatch.Pool.from_records(records, strict=True)
    assert str(caught.value) == "records line 3, column 'interests': unknown tag 'skydiving'"


def test_generate_equals_the_generator_of_the_cli(city):
    pool_csv, venues_csv = city
    with libmatch.Pool.generate(300, seed=11, venues=5) as generated, \
            libmatch.Pool.from_csv(pool_csv, venues=venues_csv) as loaded:
        assert len(generated) == 300 and generated.venue_count == 5
        assert generated.venue_ids == loaded.venue_ids
        records = generated.to_records()
        for r in records:
            r["line"] = 0
        expected = loaded.to_records()
        for k, r in enumerate(expected):
            assert r["line"] == k + 2
            r["line"] = 0
        assert records == expected
        for pid in generated.ids[::37]:
            assert generated.vector(pid) == loaded.vector(pid)
        newcomers = sum(1 for r in records if r["role"] == "newcomer")
        assert newcomers == 90  # the default share 0.3
    with libmatch.Pool.generate(100, seed=2, newcomer_share=0.5) as half:
        assert sum(1 for r in half.to_records() if r["role"] == "newcomer") == 50


def test_sample_pool():
    with libmatch.Pool.sample() as pool:
        assert len(pool) > 10
        assert len(set(pool.ids)) == len(pool)
        result = pool.form_groups()
        placed = [m for g in result.groups for m in g.members]
        assert sorted(placed + [u.id for u in result.unassigned]) == sorted(pool.ids)


def test_result_objects(tiny):
    result = tiny.form_groups(seed=1)
    assert isinstance(result, libmatch.Result)
    assert len(result.groups) == 2 and result.unassigned == []
    assert result.total == sum(g.score["total"] for g in result.groups)
    for g in result.groups:
        assert g.size == 4 and len(g.newcomers) == 2 and len(g.residents) == 2
        assert g.slot == 2 and g.slot_label == "mon-evening" == libmatch.SLOTS[g.slot]
        assert g.language == "nl" and g.venue is None
        assert set(g.score) == {"theme", "shared", "exchange", "cohost", "balance", "total"}
        assert set(g.cohosts) <= set(g.members)
    hosts = sorted(h for g in result.groups for h in g.cohosts)
    assert hosts == ["n1", "r2"]
    frame_rows = result.to_records()
    assert [r["id"] for r in frame_rows] == [m for g in result.groups for m in g.members]
    assert {r["group"] for r in frame_rows} == {1, 2}
    assert [r["id"] for r in frame_rows if r["cohost"]] == \
        [m for g in result.groups for m in g.members if m in g.cohosts]


def test_dataframes(tiny):
    pandas = pytest.importorskip("pandas")
    result = tiny.form_groups()
    frame = result.to_dataframe()
    assert list(frame.columns) == ["group", "id", "role", "theme", "slot", "venue", "language",
                                   "cohost", "score"]
    assert len(frame) == 8
    groups = result.groups_dataframe()
    assert list(groups["size"]) == [4, 4]
    assert list(groups["newcomers"] + groups["residents"]) == [4, 4]
    assert list(groups["score"]) == [g.score["total"] for g in result.groups]
    assert list(groups["theme"]) == [g.theme for g in result.groups]
    assert list(groups["score_theme"]) == [g.score["theme"] for g in result.groups]
    assert list(groups.columns[-6:]) == ["score_theme", "score_shared", "score_exchange",
                                         "score_cohost", "score_balance", "score"]
    people = tiny.to_dataframe()
    assert list(people["id"]) == tiny.ids
    assert isinstance(people, pandas.DataFrame)


def test_evaluate_forms(tiny, tmp_path):
    result = tiny.form_groups(seed=2)
    # The solver's own grouping, given back in every accepted form.
    for given in (result, result.groups, [g.members for g in result.groups],
                  [{"members": g.members, "slot": g.slot_label} for g in result.groups]):
        evaluated = tiny.evaluate(given)
        assert evaluated.feasible and evaluated.violations == []
        assert evaluated.total == result.total
        assert [g.members for g in evaluated.groups] == [g.members for g in result.groups]
    pytest.importorskip("pandas")
    assert tiny.evaluate(result.to_dataframe()).total == result.total
    path = tmp_path / "groups.csv"
    path.write_text("group,id\n7,n1\n7,r1\n7,n2\n7,r2\n3,n3\n3,r3\n3,n4\n3,r4\n")
    from_file = tiny.evaluate(path)
    # Groups in order of first appearance, members in pool order.
    assert [g.members for g in from_file.groups] == [["n1", "n2", "r1", "r2"],
                                                     ["n3", "n4", "r3", "r4"]]


def test_evaluate_reports_violations(tiny):
    evaluated = tiny.evaluate([["n1", "n2", "r1"], ["n3", "n4", "r2", "r3", "r4"]])
    assert not evaluated.feasible
    assert evaluated.violations == [
        libmatch.Violation(0, None, "size", "group 1 has 3 members, not 4..6"),
        libmatch.Violation(0, None, "mix",
                           "group 1 has 2 newcomers and 1 residents; each role needs 2")]
    assert evaluated.total == sum(g.score["total"] for g in evaluated.groups)
    relaxed = tiny.evaluate([["n1", "n2", "r1"]], min_size=3, min_per_role=1)
    assert relaxed.violations == []
    assert [u.id for u in relaxed.unassigned] == ["n3", "n4", "r2", "r3", "r4"]
    with pytest.raises(libmatch.NotFound, match="^unknown participant 'zz'$"):
        tiny.evaluate([["n1", "zz"]])
    with pytest.raises(libmatch.NotFound, match="^unknown slot 'mon-night'$"):
        tiny.evaluate([{"members": ["n1"], "slot": "mon-night"}])
    with pytest.raises(libmatch.NotFound, match="^unknown venue 'hall'$"):
        tiny.evaluate([{"members": ["n1"], "venue": "hall"}])


def test_venues_from_records(tiny):
    venues = [{"id": "hall", "lat": 52.09, "lon": 5.12, "open": ["mon-evening"],
               "capacity": 2, "step_free": True}]
    tiny.add_venues(venues)
    assert tiny.venue_ids == ["hall"]
    result = tiny.form_groups()
    assert [g.venue for g in result.groups] == ["hall", "hall"]


def test_save_and_load_round_trip(tiny, tmp_path):
    tiny.save_csv(tmp_path / "pool.csv")
    with libmatch.Pool.from_csv(tmp_path / "pool.csv") as again:
        assert again.to_records() == tiny.to_records()
    key = libmatch.Key.from_passphrase("correct horse")
    assert key.kind == "passphrase"
    tiny.save(tmp_path / "pool.lmp", key=key)
    with libmatch.Pool.from_file(tmp_path / "pool.lmp", key=key) as again:
        assert again.to_records() == tiny.to_records()
    random_key = libmatch.Key.generate()
    random_key.save(tmp_path / "secret.key")
    assert stat.S_IMODE(os.stat(tmp_path / "secret.key").st_mode) == 0o600
    loaded = libmatch.Key.from_file(tmp_path / "secret.key")
    assert loaded.pseudonym("n1") == random_key.pseudonym("n1")
    with pytest.raises(libmatch.InvalidArgument):  # a passphrase alone makes no pseudonyms
        key.pseudonym("n1")
    assert len(loaded.pseudonym("n1")) == libmatch.api.LM_PSEUDONYM_SIZE - 1
    for k in (key, random_key, loaded):
        k.close()


def test_handles_are_freed_deterministically():
    pool = libmatch.Pool.from_records(TINY)
    finalizer = pool._finalizer
    with pool:
        assert len(pool) == 8
    assert pool.closed and not finalizer.alive
    with pytest.raises(libmatch.InvalidArgument, match="^the pool is closed$"):
        len(pool)
    with pytest.raises(libmatch.InvalidArgument):
        pool.form_groups()
    pool.close()  # twice is fine
    assert repr(pool) == "<libmatch.Pool (closed)>"
    # Without close(): freed when the last reference goes.
    other = libmatch.Pool.from_records(TINY)
    finalizer = other._finalizer
    del other
    gc.collect()
    assert not finalizer.alive
    # A failed load frees the half-built pool at once.
    with pytest.raises(libmatch.ParseError):
        libmatch.Pool.from_records([{"id": "x", "role": "teacher"}])


def test_concurrent_calls_on_one_pool(city):
    pool_csv, _ = city
    with libmatch.Pool.from_csv(pool_csv) as pool:
        expected = pool.form_groups(seed=4, effort=3).to_json_dict()
        answers = [None] * 3

        def work(k):
            answers[k] = pool.form_groups(seed=4, effort=3).to_json_dict()
        threads = [threading.Thread(target=work, args=(k,)) for k in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert answers == [expected] * 3


def test_empty_records_make_an_empty_pool():
    with libmatch.Pool.from_records([]) as pool:
        assert len(pool) == 0 and pool.ids == []
        pool.load_records(TINY[:2])
        assert pool.ids == ["n1", "n2"]
