"""The lmatch tool's foundation: taxonomy, inspect, gen, demo, help and exit
codes, run as a subprocess on the built binary ($LMATCH)."""
import json
import os
import re
import subprocess

import pytest

LMATCH = os.environ.get("LMATCH", "lmatch")

HEADER = "id,role,interests,offers,wants,languages,availability,lat,lon,max_km,step_free,host\n"


def run(*args, check=None):
    """Runs lmatch; returns the CompletedProcess (text mode, UTF-8)."""
    result = subprocess.run([LMATCH, *map(str, args)], capture_output=True, text=True,
                            encoding="utf-8", timeout=300)
    if check is not None:
        assert result.returncode == check, (result.returncode, result.stdout[-2000:],
                                            result.stderr[-2000:])
    return result


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def inspect_json(path, *extra):
    result = run("inspect", path, "--json", *extra, check=0)
    return json.loads(result.stdout), result


def topic_index(data, key):
    return data["topics"].index(key)


# ---- taxonomy ---------------------------------------------------------------


def test_taxonomy_json_shape():
    data = json.loads(run("taxonomy", "--json", check=0).stdout)
    assert set(data) == {"topics", "slots", "languages"}
    topics = data["topics"]
    keys = [t["key"] for t in topics]
    assert len(keys) == len(set(keys)), "topic keys are unique"
    categories = {t["key"] for t in topics if t["parent"] is None}
    subtopics = [t for t in topics if t["parent"] is not None]
    assert len(categories) >= 12
    assert len(subtopics) >= 60
    for topic in topics:
        assert set(topic) == {"key", "parent", "label_en", "label_nl", "synonyms"}
        assert topic["key"] and topic["label_en"] and topic["label_nl"]
        assert all(isinstance(s, str) and s for s in topic["synonyms"])
        if topic["parent"] is not None:
            assert topic["parent"] in categories, topic
    for central in ("music", "cooking", "language"):
        assert central in categories
    parent_of = {t["key"]: t["parent"] for t in topics}
    assert parent_of["guitar"] == "music"
    assert parent_of["dutch"] == "language" and parent_of["arabic"] == "language"

    days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    parts = ["morning", "afternoon", "evening"]
    assert data["slots"] == [f"{d}-{p}" for d in days for p in parts]

    languages = data["languages"]
    assert len(languages) >= 40
    codes = [l["code"] for l in languages]
    assert len(codes) == len(set(codes))
    for language in languages:
        assert set(language) == {"code", "name_en"}
    for code in ("nl", "en", "ar", "ti", "fa", "prs", "ps", "so", "tr", "ku", "uk", "ru"):
        assert code in codes


def test_taxonomy_text_is_a_tree():
    out = run("taxonomy", check=0).stdout
    assert re.search(r"^  music\s+Music \(Muziek\)", out, re.M)
    assert re.search(r"^    guitar\s+Guitar \(Gitaar\)", out, re.M)
    assert "mon-morning" in out and "sun-evening" in out
    assert "Tigrinya" in out


def test_taxonomy_json_is_deterministic():
    assert run("taxonomy", "--json", check=0).stdout == run("taxonomy", "--json", check=0).stdout


# ---- inspect ------------------------------------------------------------------


def test_guitar_and_gitaar_give_the_same_vector(tmp_path):
    pool = write(tmp_path, "pool.csv", HEADER +
                 "p1,newcomer,guitar,,,ar;en,wed-evening;sat-pm,52.1,5.1,,no,yes\n"
                 "p2,resident,gitaar,,,nl,,,,,yes,no\n")
    data, result = inspect_json(pool)
    assert result.stderr == ""
    guitar, music = topic_index(data, "guitar"), topic_index(data, "music")
    d = len(data["topics"])
    people = data["participants"]
    assert [p["id"] for p in people] == ["p1", "p2"]
    for person in people:
        assert len(person["x"]) == len(person["o"]) == len(person["w"]) == d
        assert person["x"][guitar] == 1
        assert person["x"][music] == 0.5
        assert sum(1 for v in person["x"] if v) == 2
        assert not any(person["o"]) and not any(person["w"])
    p1, p2 = people
    assert p1["role"] == "newcomer" and p2["role"] == "resident"
    assert p1["languages"] == ["en", "ar"] or p1["languages"] == ["ar", "en"]
    assert sorted(p1["languages"]) == ["ar", "en"]
    assert p1["availability"] == [data["slots"].index("wed-evening"),
                                  data["slots"].index("sat-afternoon")]
    assert (p1["lat"], p1["lon"], p1["max_km"]) == (52.1, 5.1, None)
    assert (p2["lat"], p2["lon"], p2["max_km"]) == (None, None, None)
    assert p2["availability"] == [] and p2["languages"] == ["nl"]
    assert (p1["step_free"], p1["host"], p2["step_free"], p2["host"]) == (False, True, True, False)
    assert data["warnings"] == []
    assert "venues" not in data


def test_unknown_tag_is_a_warning_with_its_line(tmp_path):
    pool = write(tmp_path, "pool.csv", HEADER +
                 "p1,newcomer,guitar,,,nl,,,,,,\n"
                 "p2,resident,singing;underwater-basketweaving:0.5,,,nl,,,,,,\n")
    data, result = inspect_json(pool)
    assert data["warnings"] == [
        {"line": 3, "column": "interests",
         "message": "participant 'p2': unknown tag 'underwater-basketweaving'"}]
    assert "line 3" in result.stderr and "underwater-basketweaving" in result.stderr
    assert "warning" in result.stderr
    singing = topic_index(data, "singing")
    assert data["participants"][1]["x"][singing] == 1

    strict = run("inspect", pool, "--json", "--strict", check=1)
    assert strict.stdout == ""
    assert "line 3" in strict.stderr and "underwater-basketweaving" in strict.stderr
    run("inspect", pool, "--strict", check=1)


def test_levels_parents_and_offers(tmp_path):
    pool = write(tmp_path, "pool.csv", HEADER +
                 "p1,newcomer,koken:0.8;baking:0.6,arabic;syrian cuisine:0.9,nederlands,"
                 "ar,,,,,,\n")
    data, _ = inspect_json(pool)
    t = {k: i for i, k in enumerate(data["topics"])}
    p = data["participants"][0]
    assert p["x"][t["cooking"]] == 0.8 and p["x"][t["baking"]] == 0.6
    assert p["o"][t["arabic"]] == 1 and p["o"][t["language"]] == 0.5
    assert p["o"][t["syrian_cuisine"]] == 0.9 and p["o"][t["cooking"]] == 0.45
    assert p["w"][t["dutch"]] == 1 and p["w"][t["language"]] == 0.5
    # Numbers are the shortest text that reads back to the same double.
    raw = run("inspect", pool, "--json", check=0).stdout
    assert "0.45" in raw and "0.8" in raw and "0.4500" not in raw and "0.80" not in raw


def test_json_strings_are_escaped(tmp_path):
    pool = write(tmp_path, "pool.csv", HEADER +
                 '"quote""and\\back",newcomer,"guitar;zz""\\\t",,,,,,,,,\n'
                 "Zoë-جميل,resident,,,,,,,,,,\n")
    data, result = inspect_json(pool)
    assert [p["id"] for p in data["participants"]] == ['quote"and\\back', "Zoë-جميل"]
    assert data["warnings"][0]["message"] == "participant 'quote\"and\\back': unknown tag 'zz\"\\'"
    assert "\t" not in result.stdout.replace("\\t", "")


@pytest.mark.parametrize("name, body, line, reason", [
    ("unterminated quote", "p1,newcomer,guitar,,,nl,,,,,,\np2,resident,\"cooking,,,nl,,,,,,\n",
     3, "quote"),
    ("duplicate id", "p1,newcomer,guitar,,,nl,,,,,,\np1,resident,cooking,,,nl,,,,,,\n",
     3, "duplicate"),
    ("level above one", "p1,newcomer,guitar,,,nl,,,,,,\np2,resident,cooking:1.7,,,nl,,,,,,\n",
     3, "1.7"),
    ("unknown role", "p1,newcomer,guitar,,,nl,,,,,,\np2,alien,cooking,,,nl,,,,,,\n",
     3, "role"),
    ("unknown language", "p1,newcomer,guitar,,,nl,,,,,,\np2,resident,cooking,,,xx,,,,,,\n",
     3, "language"),
    ("unknown slot", "p1,newcomer,guitar,,,nl,,,,,,\np2,resident,cooking,,,nl,someday,,,,,\n",
     3, "slot"),
    ("latitude 123", "p1,newcomer,guitar,,,nl,,,,,,\np2,resident,cooking,,,nl,,123,5.1,,,\n",
     3, "latitude"),
])
def test_bad_input_exits_1_naming_line_and_reason(tmp_path, name, body, line, reason):
    pool = write(tmp_path, "bad.csv", HEADER + body)
    for extra in ([], ["--json"]):
        result = run("inspect", pool, *extra, check=1)
        assert result.stdout == ""
        message = result.stderr.strip().splitlines()[-1]
        assert message.startswith("lmatch: "), message
        assert str(pool) in message, message
        assert f"line {line}" in message, message
        assert reason in message.lower(), message


def test_missing_id_column_exits_1(tmp_path):
    pool = write(tmp_path, "bad.csv", "name,role\nAmira,newcomer\n")
    result = run("inspect", pool, check=1)
    assert "line 1" in result.stderr and "'id'" in result.stderr


def test_missing_file_exits_1(tmp_path):
    result = run("inspect", tmp_path / "nowhere.csv", check=1)
    assert "nowhere.csv" in result.stderr


def test_inspect_summary_is_readable(tmp_path):
    pool = write(tmp_path, "pool.csv", HEADER +
                 "p1,newcomer,guitar,,,nl,,,,,,\np2,resident,gitaar;koken,,,nl,,,,,,\n")
    out = run("inspect", pool, check=0).stdout
    assert "2 participants: 1 newcomers (50%) and 1 residents (50%)" in out
    assert re.search(r"^\s+2\s+Guitar \(Gitaar\): 1 newcomer, 1 resident$", out, re.M)


# ---- gen -----------------------------------------------------------------------


def test_gen_reads_back_with_the_requested_size_and_share(tmp_path):
    out = tmp_path / "pool.csv"
    run("gen", "--participants", 10000, "--seed", 7, "-o", out, check=0)
    data, result = inspect_json(out)
    assert result.stderr == ""
    people = data["participants"]
    assert len(people) == 10000
    share = sum(p["role"] == "newcomer" for p in people) / len(people)
    assert abs(share - 0.30) <= 0.05
    assert [p["id"] for p in people[:2]] == ["p00001", "p00002"]
    assert len({p["id"] for p in people}) == 10000
    d = len(data["topics"])
    parents = {}
    for t in json.loads(run("taxonomy", "--json", check=0).stdout)["topics"]:
        parents[t["key"]] = t["parent"]
    index = {k: i for i, k in enumerate(data["topics"])}
    for p in people[:500]:
        assert len(p["x"]) == d and all(0 <= v <= 1 for v in p["x"] + p["o"] + p["w"])
        # The parent rule: a category is at least half of each subtopic.
        for key, parent in parents.items():
            if parent is not None:
                assert p["x"][index[parent]] >= 0.5 * p["x"][index[key]] - 1e-12
        interests = sum(1 for key, v in zip(data["topics"], p["x"])
                        if v and parents[key] is not None)
        assert 2 <= interests <= 6
        if p["lat"] is not None:
            assert 51.9 < p["lat"] < 52.3 and 4.85 < p["lon"] < 5.35
    newcomers = [p for p in people if p["role"] == "newcomer"]
    dutch = index["dutch"]
    wants_dutch = sum(p["w"][dutch] > 0 for p in newcomers) / len(newcomers)
    assert 0.75 < wants_dutch < 0.95
    hosts = sum(p["host"] for p in people) / len(people)
    step_free = sum(p["step_free"] for p in people) / len(people)
    assert 0.17 < hosts < 0.23 and 0.03 < step_free < 0.07


def test_gen_is_deterministic_for_a_seed(tmp_path):
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    run("gen", "-n", 10000, "--seed", 42, "-o", a, check=0)
    run("gen", "-n", 10000, "--seed", 42, "-o", b, check=0)
    run("gen", "-n", 10000, "--seed", 43, "-o", c, check=0)
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_gen_share_and_venues(tmp_path):
    pool, venues = tmp_path / "pool.csv", tmp_path / "venues.csv"
    run("gen", "-n", 2000, "--seed", 3, "--newcomer-share", 0.5, "--venues", 12,
        "--venues-out", venues, "-o", pool, check=0)
    data, _ = inspect_json(pool, "--venues", venues)
    share = sum(p["role"] == "newcomer" for p in data["participants"]) / 2000
    assert share == 0.5  # the generator places exactly round(share * n) newcomers
    assert [v["id"] for v in data["venues"]] == [f"v{k:04d}" for k in range(1, 13)]
    for venue in data["venues"]:
        assert 1 <= venue["capacity"] <= 4
        assert len(venue["open"]) >= 3
        assert 51.9 < venue["lat"] < 52.3
    assert sum(v["step_free"] for v in data["venues"]) >= 6


def test_gen_write_failure_exits_1(tmp_path):
    result = run("gen", "-n", 10, "-o", tmp_path / "missing" / "pool.csv", check=1)
    assert "missing" in result.stderr


def test_own_taxonomy_for_taxonomy_gen_and_inspect(tmp_path):
    taxonomy = write(tmp_path, "tax.csv", "key,parent,label_en,label_nl,synonyms\n"
                     "music,,Music,Muziek,\nguitar,music,Guitar,Gitaar,gitar\n"
                     "cooking,,Cooking,Koken,\nbaking,cooking,Baking,Bakken,\n"
                     "language,,Language,Taal,\ndutch,language,Dutch,Nederlands,\n")
    data = json.loads(run("taxonomy", "--taxonomy", taxonomy, "--json", check=0).stdout)
    assert [t["key"] for t in data["topics"]] == ["music", "guitar", "cooking", "baking",
                                                  "language", "dutch"]
    assert data["topics"][1] == {"key": "guitar", "parent": "music", "label_en": "Guitar",
                                 "label_nl": "Gitaar", "synonyms": ["gitar"]}
    pool = tmp_path / "pool.csv"
    run("gen", "-n", 300, "--taxonomy", taxonomy, "-o", pool, check=0)
    data, result = inspect_json(pool, "--taxonomy", taxonomy)
    assert len(data["participants"]) == 300 and len(data["topics"]) == 6
    assert result.stderr == ""
    bad = write(tmp_path, "bad_tax.csv", "key,parent,label_en,label_nl,synonyms\n"
                "guitar,nosuchparent,Guitar,Gitaar,\n")
    result = run("taxonomy", "--taxonomy", bad, check=1)
    assert "bad_tax.csv" in result.stderr and "line 2" in result.stderr


# ---- usage, help, demo -----------------------------------------------------------


def commands():
    out = run("--help", check=0).stdout
    found = re.findall(r"^  ([a-z]+)\s{2,}", out, re.M)
    assert {"demo", "taxonomy", "inspect", "gen"} <= set(found)
    return found


def test_help_for_every_command():
    for command in commands():
        own = run(command, "--help", check=0)
        assert own.stdout.startswith(f"Usage: lmatch {command}"), command
        assert own.stderr == ""
        assert run("help", command, check=0).stdout == own.stdout


def test_version():
    out = run("--version", check=0).stdout
    assert re.match(r"lmatch \d+\.\d+\.\d+ \(libmatch \d+\.\d+\.\d+\)$", out.strip())


@pytest.mark.parametrize("args", [
    [],
    ["frobnicate"],
    ["--frobnicate"],
    ["help", "frobnicate"],
    ["taxonomy", "--bogus"],
    ["taxonomy", "extra"],
    ["inspect"],
    ["inspect", "a.csv", "b.csv"],
    ["inspect", "--venues"],
    ["gen", "-o", "x.csv"],
    ["gen", "-n", "10"],
    ["gen", "-n", "ten", "-o", "x.csv"],
    ["gen", "-n", "-5", "-o", "x.csv"],
    ["gen", "-n", "0", "-o", "x.csv"],
    ["gen", "-n", "10", "--newcomer-share", "1.5", "-o", "x.csv"],
    ["gen", "-n", "10", "--seed", "x", "-o", "x.csv"],
    ["gen", "-n", "10", "--venues", "3", "-o", "x.csv"],
    ["demo", "extra"],
])
def test_usage_errors_exit_2(tmp_path, args):
    result = subprocess.run([LMATCH, *args], capture_output=True, text=True, cwd=tmp_path,
                            timeout=60)
    assert result.returncode == 2, (args, result.stderr)
    assert result.stderr.strip() and result.stdout == ""
    assert not (tmp_path / "x.csv").exists()


def test_demo_forms_groups_on_the_sample(tmp_path):
    out_json = tmp_path / "demo.json"
    result = run("demo", "--json", str(out_json), check=0)
    assert result.stderr == "", "the embedded sample loads without warnings"
    out = result.stdout
    match = re.search(r"(\d+) people signed up: (\d+) newcomers", out)
    assert match and 24 <= int(match.group(1)) <= 30
    assert 0.3 <= int(match.group(2)) / int(match.group(1)) <= 0.5
    groups = re.search(r"(\d+) groups, (\d+) of (\d+) participants placed", out)
    assert groups and int(groups.group(3)) == int(match.group(1))
    data = json.loads(out_json.read_text())
    assert len(data["groups"]) == int(groups.group(1)) >= 3
    for number, group in enumerate(data["groups"], 1):
        assert f"Group {number}: " in out
        assert group["roles"].count("newcomer") >= 2 and group["roles"].count("resident") >= 2
        assert 4 <= len(group["members"]) <= 6
        assert group["venue"] is not None and group["slot_label"]
    assert "co-host" in out and "can teach" in out and "Total score" in out
