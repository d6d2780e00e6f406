"""The 60-row sign-up sheet of issue 16 through lmatch: one run lists every
mistake with suggestions; after fixing, groups show names (terminal, CSV,
JSON), the duplicate sign-up is warned about and kept apart, the summary
line says what happened, and scores read with two decimals. Expectations
are worked out from the files with Python's csv module, not from lmatch."""
import csv
import json
import os
import re

import pytest

from conftest import run_lmatch

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "coordinator")
SHEET, MISTAKES, VENUES = (os.path.join(DATA, name)
                           for name in ("signup.csv", "signup_mistakes.csv", "venues.csv"))


def rows(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def line_of(path, column, value):
    """The file line (header = 1) of the row whose column holds value."""
    for k, row in enumerate(rows(path)):
        if row[column] == value:
            return k + 2
    raise AssertionError((column, value))


def test_one_run_lists_every_mistake_with_suggestions(lmatch):
    done = run_lmatch(lmatch, "inspect", MISTAKES, check=False)
    assert done.returncode == 1
    m = os.path.basename(MISTAKES)
    name = MISTAKES
    first_12 = line_of(MISTAKES, "id", "12")
    expected = [
        "%s line %d, column 'interests': warning: participant '7': unknown tag 'kokken' — did "
        "you mean 'koken'?" % (name, line_of(MISTAKES, "id", "7")),
        "%s line %d, column 'languages': unknown language 'Engles' — did you mean 'Engels'?"
        % (name, line_of(MISTAKES, "languages", "Nederlands;Engles")),
        "%s line %d, column 'role': unknown role 'nieuwkomr' — did you mean 'nieuwkomer'? "
        "(newcomer, resident, nieuwkomer, bewoner)" % (name, line_of(MISTAKES, "role", "nieuwkomr")),
        "%s line %d, column 'availability': unknown slot 'wo-avnd' — did you mean "
        "'wed-evening'?" % (name, line_of(MISTAKES, "availability", "wo-avnd")),
        "%s line %d, column 'lat': latitude '52,09' is not a decimal number (use '.' as the "
        "decimal point)" % (name, line_of(MISTAKES, "lat", "52,09")),
        "%s line %d, column 'host': 'misschien' is not yes or no (yes, no, true, false, 1, 0, "
        "ja, nee)" % (name, line_of(MISTAKES, "host", "misschien")),
        "%s line 42, column 'id': duplicate id '12' (first on line %d)" % (name, first_12),
    ]
    assert done.stderr.splitlines() == ["lmatch: " + e for e in expected] + [
        "lmatch: 6 errors in %s; nothing was loaded" % name]
    assert m in done.stderr


def test_the_fixed_sheet_forms_groups_with_names(lmatch, tmp_path):
    sheet = {row["id"]: row for row in rows(SHEET)}
    out_csv, out_json = tmp_path / "groups.csv", tmp_path / "groups.json"
    done = run_lmatch(lmatch, "groups", SHEET, "--venues", VENUES, "-o", out_csv,
                      "--json", out_json)
    assert done.stdout == ""
    data = json.loads(out_json.read_text(encoding="utf-8"))
    # the duplicate sign-up: same name, the phone written another way
    twin = [row["id"] for row in sheet.values() if row["naam"] == sheet["4"]["naam"]]
    assert twin == ["4", "49"]
    lines = done.stderr.splitlines()
    assert lines[0] == ("lmatch: warning: %s line 50, column 'id': participants '4' (line 5) and "
                        "'49' (line 50) look like the same person (same name and phone); they "
                        "are never placed in one group" % SHEET)
    for group in data["groups"]:
        assert not {"4", "49"} <= set(group["members"])
    # the summary line, after the run, agrees with the JSON
    placed = sum(len(g["members"]) for g in data["groups"])
    counts = {}
    for person in data["unassigned"]:
        counts[person["reason"]] = counts.get(person["reason"], 0) + 1
    match = re.match(r"lmatch groups: (\d+) of 60 placed in (\d+) groups(; not placed: (.*))?; "
                     r"total (-?\d+\.\d\d), (.*)$", lines[-1])
    assert match, lines[-1]
    assert int(match.group(1)) == placed and int(match.group(2)) == len(data["groups"])
    assert "%.2f" % data["total"] == match.group(5)
    said = [part.split(" ", 1) for part in match.group(4).split(", ")] if match.group(4) else []
    assert sum(int(n) for n, _ in said) == 60 - placed == len(data["unassigned"])
    assert sorted(int(n) for n, _ in said) == sorted(counts.values())
    # names and contacts in the JSON and the groups CSV, from the sheet
    assert set(data["people"]) == set(sheet)
    for pid, shown in data["people"].items():
        assert shown == {k: v for k, v in sheet[pid].items()
                         if k in ("naam", "telefoon", "opmerkingen") and v}
    written = rows(out_csv)
    assert list(written[0])[:7] == ["group", "id", "role", "theme", "slot", "venue", "cohost"]
    assert list(written[0])[7:] == ["naam", "telefoon", "opmerkingen"]
    assert len(written) == placed
    for row in written:
        for column in ("naam", "telefoon", "opmerkingen"):
            assert row[column] == sheet[row["id"]][column]
    # and the file reads back as groups
    run_lmatch(lmatch, "eval", SHEET, out_csv, "--venues", VENUES, "--quiet")


def test_the_terminal_shows_names_and_two_decimals(lmatch):
    sheet = {row["id"]: row for row in rows(SHEET)}
    done = run_lmatch(lmatch, "groups", SHEET, "--venues", VENUES, "--quiet")
    text = done.stdout
    members = re.findall(r"^    (.+?) \((\d+)\) +(newcomer|resident)", text, re.M)
    assert len(members) >= 40
    for name, pid, role in members:
        assert sheet[pid]["naam"] == name
    scores = re.findall(r"score (\S+) \(", text)
    assert scores and all(re.fullmatch(r"-?\d+\.\d\d", s) for s in scores)
    assert re.search(r"^Total score: -?\d+\.\d\d$", text, re.M)
    assert not re.search(r"\d\.\d{3,}", text)


def test_a_shared_interest_is_always_within_the_theme(lmatch, tmp_path):
    taxonomy = json.loads(run_lmatch(lmatch, "taxonomy", "--json").stdout)
    topics = taxonomy["topics"] if isinstance(taxonomy, dict) else taxonomy
    label = {}
    parent = {}
    for t in topics:
        name = t["label_en"] + (" (%s)" % t["label_nl"] if t.get("label_nl") and
                                t["label_nl"].lower() != t["label_en"].lower() else "")
        label[name] = t["key"]
        parent[t["key"]] = t.get("parent")
    for seed in (1, 2, 3):
        done = run_lmatch(lmatch, "demo", "--seed", seed, check=False) if seed == 1 else \
            run_lmatch(lmatch, "groups", SHEET, "--venues", VENUES, "--quiet", "--seed", seed)
        theme = None
        checked = 0
        for line in done.stdout.splitlines():
            head = re.match(r"(?:Group|Pair) \d+: (.+?), ", line)
            if head:
                theme = label[head.group(1)]
            shared = re.match(r" +\d+ of \d+ share an interest in (.+)$", line)
            if shared:
                topic = label[shared.group(1)]
                assert topic == theme or parent[topic] == theme, (line, theme)
                checked += 1
        assert checked or seed == 1


def test_pairs_are_printed_as_pairs(lmatch):
    done = run_lmatch(lmatch, "pairs", SHEET, "--quiet")
    assert re.match(r"\d+ pairs, \d+ of 60 participants placed\.", done.stdout)
    assert "Group" not in done.stdout
    pairs = re.findall(r"^Pair (\d+): ", done.stdout, re.M)
    assert [int(p) for p in pairs] == list(range(1, len(pairs) + 1))


def test_pseudonyms_leave_every_display_column_out(lmatch, tmp_path):
    key = tmp_path / "k.key"
    run_lmatch(lmatch, "keygen", "-o", key)
    out_csv, out_json = tmp_path / "g.csv", tmp_path / "g.json"
    run_lmatch(lmatch, "groups", SHEET, "--venues", VENUES, "--quiet", "--key", key,
               "--pseudonymize", "-o", out_csv, "--json", out_json)
    text = out_csv.read_text(encoding="utf-8") + out_json.read_text(encoding="utf-8")
    assert list(rows(out_csv)[0]) == ["group", "id", "role", "theme", "slot", "venue", "cohost"]
    assert "people" not in json.loads(out_json.read_text(encoding="utf-8"))
    for row in rows(SHEET):
        assert row["naam"] not in text and row["telefoon"] not in text


def test_a_duplicate_pair_put_together_is_an_error(lmatch, tmp_path):
    constraints = tmp_path / "constraints.csv"
    constraints.write_text("kind,a,b\ntogether,4,49\n", encoding="utf-8")
    done = run_lmatch(lmatch, "groups", SHEET, "--venues", VENUES, "--quiet", "--constraints",
                      constraints, check=False)
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1].startswith(
        "lmatch: groups: duplicate sign-ups '4' and '49' are kept apart, but: ")


def test_the_duplicate_pair_is_kept_apart_by_the_report_too(lmatch, tmp_path):
    out = tmp_path / "report.html"
    run_lmatch(lmatch, "report", SHEET, "--venues", VENUES, "-o", out)
    page = out.read_text(encoding="utf-8")
    groups = page.split('<h3 id="group-')[1:]
    assert groups
    for group in groups:
        assert not ('<td>4</td>' in group and '<td>49</td>' in group)


def test_pdf_without_chromium_says_how_to_get_it(lmatch, tmp_path):
    import subprocess
    env = {"PATH": str(tmp_path)}  # nothing to run there
    done = subprocess.run([lmatch, "report", SHEET, "-o", str(tmp_path / "r.html"), "--pdf",
                           str(tmp_path / "r.pdf")], env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, check=False)
    assert done.returncode == 1
    assert "lmatch: --pdf needs Chromium (apt-get install chromium), or --chromium PATH" \
        in done.stderr
    assert (tmp_path / "r.html").exists() and not (tmp_path / "r.pdf").exists()
