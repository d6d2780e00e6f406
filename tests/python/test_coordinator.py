"""A coordinator's sign-up sheet through the bindings (issue 16): display
columns kept and written back, every mistake of a file at once with
suggestions, language names in Dutch, English and the language itself, slot
words in both languages, and duplicate sign-ups, each checked against an
answer worked out here another way."""
import ctypes
import random
import re
import unicodedata

import pytest

import libmatch
from libmatch._lib import api, lib, text

HEADER = "id,role,naam,telefoon,interests,languages,availability,opmerkingen\n"


def load(csv, strict=False):
    pool = libmatch.Pool(strict=strict)
    data = csv.encode()
    pool._checked(lib.lm_pool_load_csv_buffer(pool._handle(), b"sheet.csv", data, len(data)))
    return pool


def failure(csv, strict=False):
    with pytest.raises(libmatch.Error) as caught:
        load(csv, strict)
    return caught.value


# ---- display columns ---------------------------------------------------------------


def test_display_columns_are_kept_and_round_trip(tmp_path):
    sheet = HEADER + ("1,nieuwkomer,Amal Haddad,06-12345678,koken,ar;en,di-avond,\"komt, met kind\"\n"
                      "2,bewoner,Joost de Vries,,koken,nl;en,tue-evening,\n")
    with load(sheet) as pool:
        assert pool.columns == ["naam", "telefoon", "opmerkingen"]
        assert pool.display("1") == {"naam": "Amal Haddad", "telefoon": "06-12345678",
                                     "opmerkingen": "komt, met kind"}
        assert pool.display("2") == {"naam": "Joost de Vries"}
        assert pool.name("1") == "Amal Haddad"
        assert pool.warnings == []  # extra columns are not mistakes
        pool.save_csv(tmp_path / "again.csv")
        key = libmatch.Key.generate()
        pool.save(tmp_path / "plain.lmp")
        pool.save(tmp_path / "secret.lmp", key=key)
        expected = {i: pool.display(i) for i in pool.ids}
    for path, k in ((tmp_path / "again.csv", None), (tmp_path / "plain.lmp", None),
                    (tmp_path / "secret.lmp", key)):
        with libmatch.Pool.from_file(path, key=k) as again:
            assert again.columns == ["naam", "telefoon", "opmerkingen"], path
            assert {i: again.display(i) for i in again.ids} == expected, path
    key.close()


def test_set_display_and_a_pool_without_columns(tmp_path):
    with libmatch.Pool.from_records([{"id": "a", "role": "newcomer"},
                                     {"id": "b", "role": "resident"}]) as pool:
        assert pool.columns == [] and pool.name("a") == ""
        pool.set_display("b", "Name", "Bea")
        assert pool.columns == ["Name"] and pool.name("b") == "Bea" and pool.name("a") == ""
        pool.set_display("b", "Name", "")
        assert pool.display("b") == {}
        with pytest.raises(libmatch.InvalidArgument):
            pool.set_display("a", "", "x")


# ---- every mistake at once ----------------------------------------------------------


def test_every_mistake_of_a_file_at_once_in_line_order():
    rows = [
        # (row, expected (line, column, message) entries)
        ("1,nieuwkomer,A,,kokken,ar,tue-evening,", [
            (2, "interests", "warning: participant '1': unknown tag 'kokken' — did you mean "
                             "'koken'?")]),
        ("2,bewoner,B,,koken,Engles,tue-evening,", [
            (3, "languages", "unknown language 'Engles' — did you mean 'Engels'?")]),
        ("3,nieuwkomr,C,,koken,nl,dinsdag-avnd,", [
            (4, "role", "unknown role 'nieuwkomr' — did you mean 'nieuwkomer'? (newcomer, "
                        "resident, nieuwkomer, bewoner)"),
            (4, "availability", "unknown slot 'dinsdag-avnd' — did you mean 'tue-evening'?")]),
        ("4,bewoner,D,,koken,xx,mon-night,", [
            (5, "languages", "unknown language 'xx'"),
            (5, "availability", "unknown slot 'mon-night'")]),
        ("5,bewoner,E,,koken,nl,tue-evening,", []),
        ("5,bewoner,F,,koken,nl,tue-evening,", [
            (7, "id", "duplicate id '5' (first on line 6)")]),
    ]
    sheet = HEADER + "".join(row + "\n" for row, _ in rows)
    error = failure(sheet)
    expected = ["sheet.csv line %d, column '%s': %s" % entry for _, entries in rows
                for entry in entries]
    assert error.errors == expected
    errors = [e for e in expected if ": warning: " not in e]
    assert str(error) == "%s (and %d more errors)" % (errors[0], len(errors) - 1)
    # nothing was loaded, and the pool is usable for the fixed file
    fixed = sheet.replace("kokken", "koken").replace("Engles", "Engels").replace(
        "nieuwkomr", "nieuwkomer").replace("dinsdag-avnd", "dinsdagavond").replace(
        "xx", "ar").replace("mon-night", "mon-evening").replace("5,bewoner,F", "6,bewoner,F")
    with load(fixed) as pool:
        assert len(pool) == 6 and pool.warnings == []


def test_the_error_limit_stops_reading():
    sheet = HEADER + "".join("%d,teacher,X,,,,,\n" % k for k in range(1, 121))
    error = failure(sheet)
    assert len(error.errors) == 50
    assert error.errors[-1].startswith("sheet.csv line 51, column 'role'")
    assert str(error).endswith("(and 49 more errors; stopped at the limit)")
    pool = libmatch.Pool()
    assert lib.lm_pool_set_error_limit(pool._handle(), 0) == api.LM_E_INVALID
    assert lib.lm_pool_set_error_limit(pool._handle(), 3) == api.LM_OK
    data = sheet.encode()
    assert lib.lm_pool_load_csv_buffer(pool._handle(), b"s", data, len(data)) == api.LM_E_PARSE
    assert lib.lm_pool_error_count(pool._handle()) == 3
    assert len(pool) == 0
    pool.close()


def test_a_broken_file_stops_at_once_after_the_rows_before():
    sheet = HEADER + "1,teacher,X,,,,,\n2,bewoner,\"open\n"
    error = failure(sheet)
    assert error.errors == [
        "sheet.csv line 2, column 'role': unknown role 'teacher' (newcomer, resident, "
        "nieuwkomer, bewoner)",
        "sheet.csv line 3: unterminated quoted field"]


# ---- names of languages and slots ---------------------------------------------------------


def find_language(name):
    index = ctypes.c_size_t()
    status = lib.lm_language_find(name.encode(), ctypes.byref(index))
    return index.value if status == api.LM_OK else None


def foldable(c):
    return ord(c) < 0x180 or 0x370 <= ord(c) < 0x530 or c.upper() == c.lower()


def test_every_language_by_its_english_dutch_and_own_name():
    for k in range(lib.lm_language_count()):
        names = [text(lib.lm_language_name_en(k)), text(lib.lm_language_name_nl(k)),
                 text(lib.lm_language_endonym(k))]
        assert all(names), k
        # Case is folded for the letters of Latin-1, Latin Extended-A, Greek
        # and Cyrillic; scripts without case match as written.
        other_case = [n.upper() for n in names[1:] if all(foldable(c) for c in n)]
        for name in names + other_case:
            assert find_language(name) == k, (k, name)
    assert find_language("Engels") == find_language("en")
    assert find_language("العربية") == find_language("ar")
    assert find_language("РУССКИЙ") == find_language("ru")


DAYS = [("mon", "maandag", "ma", "monday"), ("tue", "dinsdag", "di", "tuesday"),
        ("wed", "woensdag", "wo", "wednesday"), ("thu", "donderdag", "do", "thursday"),
        ("fri", "vrijdag", "vr", "friday"), ("sat", "zaterdag", "za", "saturday"),
        ("sun", "zondag", "zo", "sunday")]
PARTS = [("morning", "ochtend"), ("afternoon", "middag"), ("evening", "avond")]


def find_slot(label):
    index = ctypes.c_size_t()
    status = lib.lm_slot_find(label.encode(), ctypes.byref(index))
    return index.value if status == api.LM_OK else None


def test_slot_words_in_both_languages_in_one_token_or_two():
    for d, (short, dutch, dutch_short, english) in enumerate(DAYS):
        for p, (part, dutch_part) in enumerate(PARTS):
            want = d * 3 + p
            assert text(lib.lm_slot_label(want)) == short + "-" + part
            for label in (dutch + dutch_part, dutch_short + "-" + dutch_part,
                          english + " " + part, dutch.capitalize() + dutch_part,
                          dutch + " " + dutch_part, english + part):
                assert find_slot(label) == want, label
    assert find_slot("dinsdagnacht") is None and find_slot("avond") is None


# ---- duplicate sign-ups ------------------------------------------------------------------


def normal_name(name):
    folded = unicodedata.normalize("NFC", name).casefold()
    words = re.split(r"[\s\-]+", "".join(c for c in folded if c.isalnum() or c in " \t-"))
    return " ".join(w for w in words if w)


def normal_phone(phone):
    digits = "".join(c for c in phone if c.isdigit())
    return digits[-9:] if len(digits) >= 6 else ""


def expected_duplicates(people):
    pairs = {}
    for j, b in enumerate(people):
        for i, a in enumerate(people[:j]):
            name = normal_name(a["naam"])
            if name and name == normal_name(b["naam"]):
                if normal_phone(a["telefoon"]) and \
                        normal_phone(a["telefoon"]) == normal_phone(b["telefoon"]):
                    pairs[(a["id"], b["id"])] = "same name and phone"
                    continue
                if a["email"] and a["email"].lower() == b["email"].lower():
                    pairs[(a["id"], b["id"])] = "same name and e-mail"
                    continue
            rest = [k for k in a if k != "id"]
            if any(a[k] for k in ("naam", "telefoon", "email")) and \
                    all(a[k] == b[k] for k in rest):
                pairs[(a["id"], b["id"])] = "identical rows apart from the id"
    return pairs


@pytest.mark.parametrize("seed", range(12))
def test_duplicates_against_a_pairwise_check(seed):
    rng = random.Random(seed)
    names = ["Amal Haddad", "amal  haddad", "Joost", "joost.", "Mulu T", "", "Sara"]
    phones = ["06-12345678", "+31 6 1234 5678", "0612", "", "0031612345678", "020 123 4567"]
    emails = ["", "a@x.nl", "A@X.nl", "b@y.org"]
    people = []
    for k in range(40):
        people.append({"id": "p%d" % k, "role": rng.choice(["newcomer", "resident"]),
                       "naam": rng.choice(names), "telefoon": rng.choice(phones),
                       "email": rng.choice(emails), "interests": rng.choice(["koken", "gitaar"]),
                       "languages": rng.choice(["nl", "ar;en"])})
    with libmatch.Pool.from_records(people) as pool:
        found = {(a, b): reason for a, b, reason in pool.duplicates}
        warned = [w for w in pool.warnings if "look like the same person" in w[2]]
    assert found == expected_duplicates(people)
    assert len(warned) == len(found)
    if found:
        error = None
        with pytest.raises(libmatch.Error) as caught:
            libmatch.Pool.from_records(people, strict=True)
        error = caught.value
        assert error.code == api.LM_E_DUPLICATE
        assert len(error.errors) == len(found)


def test_a_duplicate_warning_names_both_lines():
    sheet = HEADER + ("1,nieuwkomer,Amal Haddad,06-12345678,koken,ar,tue-evening,\n"
                      "2,bewoner,Joost,,koken,nl,tue-evening,\n"
                      "3,nieuwkomer,amal haddad,+31 6 1234 5678,koken,ar,tue-evening,\n")
    with load(sheet) as pool:
        assert pool.duplicates == [("1", "3", "same name and phone")]
        assert pool.warnings == [(4, "id", "participants '1' (line 2) and '3' (line 4) look like "
                                           "the same person (same name and phone); they are "
                                           "never placed in one group")]
    error = failure(sheet, strict=True)
    assert error.errors == ["sheet.csv line 4, column 'id': participant '3' looks like '1' of "
                            "line 2 (same name and phone)"]


# ---- results carry the display columns, as lmatch's JSON does -----------------------------


def test_result_people_match_the_json_of_lmatch(tmp_path):
    import json
    import os
    import subprocess
    lmatch = os.environ.get("LMATCH")
    if not lmatch:
        pytest.skip("LMATCH is not set: the lmatch tool is not built")
    sheet = HEADER + "".join(
        "%d,%s,Person %d,06-1234%04d,koken,nl;en,tue-evening,\n"
        % (k, "nieuwkomer" if k % 2 else "bewoner", k, k) for k in range(1, 13))
    path = tmp_path / "sheet.csv"
    path.write_text(sheet, encoding="utf-8")
    done = subprocess.run([lmatch, "groups", str(path), "--quiet", "--json", "-"],
                          stdout=subprocess.PIPE, text=True, check=True)
    with libmatch.Pool.from_csv(path) as pool:
        result = pool.form_groups()
    assert result.to_json_dict() == json.loads(done.stdout)
    assert result.people["3"] == {"naam": "Person 3", "telefoon": "06-12340003"}


def test_duplicates_are_found_again_in_a_msgpack_pool(tmp_path):
    sheet = HEADER + ("1,nieuwkomer,Amal Haddad,06-12345678,koken,ar,tue-evening,\n"
                      "2,bewoner,Joost,,koken,nl,tue-evening,\n"
                      "3,nieuwkomer,amal haddad,+31 6 1234 5678,koken,ar,tue-evening,\n")
    with load(sheet) as pool:
        pool.save(tmp_path / "pool.lmp")
        expected = (pool.duplicates, pool.warnings)
    with libmatch.Pool.from_file(tmp_path / "pool.lmp") as again:
        assert (again.duplicates, again.warnings) == expected


def test_column_names_near_known_ones_and_twice_are_warnings():
    sheet = ("id,role,languags,notes,Notes,naam\n"
             "1,newcomer,nl,a,b,Amal\n")
    with load(sheet) as pool:
        assert pool.columns == ["languags", "notes", "naam"]
        assert pool.display("1") == {"languags": "nl", "notes": "a", "naam": "Amal"}
        assert pool.warnings == [
            (1, "languags", "column 'languags' is kept for display only — did you mean "
                            "'languages'?"),
            (1, "Notes", "column 'Notes' appears twice; the second is ignored")]
