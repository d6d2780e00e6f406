"""lmatch partition: MDGPLIB files in, JSON or a summary out, and a reason
with a line number for every kind of malformed file."""
import itertools
import json
import os
import subprocess

import pytest

LMATCH = os.environ.get("LMATCH", "lmatch")


def run(*args, check=None):
    result = subprocess.run([LMATCH, *map(str, args)], capture_output=True, text=True,
                            timeout=300)
    if check is not None:
        assert result.returncode == check, (result.returncode, result.stdout[-2000:],
                                            result.stderr[-2000:])
    return result


# 6 items, 2 groups of 2..4. The pairs {0,1,2} and {3,4,5} weigh 10, the
# rest 1: the best split is those two triples, objective 60.
def instance_text(header="6 2 ds 2 4 2 4 ", skip=None, extra=""):
    lines = [header]
    for i, j in itertools.combinations(range(6), 2):
        if (i, j) == skip:
            continue
        heavy = (i < 3) == (j < 3)
        lines.append("%d %d %s" % (i, j, "10.000" if heavy else "1.000"))
    return "\n".join(lines) + "\n" + extra


def write(tmp_path, text, name="inst.txt"):
    path = tmp_path / name
    path.write_text(text)
    return path


def test_json_has_the_contract(tmp_path):
    path = write(tmp_path, instance_text())
    out = tmp_path / "out.json"
    run("partition", path, "--json", out, "--quiet", check=0)
    data = json.loads(out.read_text())
    assert set(data) == {"n", "m", "objective", "groups"}
    assert (data["n"], data["m"], data["objective"]) == (6, 2, 60)
    groups = data["groups"]
    assert groups[0] == groups[1] == groups[2] != groups[3] == groups[4] == groups[5]


def test_json_to_stdout_and_same_seed_same_output(tmp_path):
    path = write(tmp_path, instance_text())
    first = run("partition", path, "--json", "-", "--seed", "7", "--threads", "2", check=0)
    second = run("partition", path, "--json", "-", "--seed", "7", "--threads", "2", check=0)
    assert first.stdout == second.stdout
    assert json.loads(first.stdout)["objective"] == 60


def test_summary_lists_groups(tmp_path):
    path = write(tmp_path, instance_text())
    result = run("partition", path, "--effort", "1", check=0)
    assert result.stdout.startswith("objective 60 (6 items in 2 groups")
    assert "items (bounds 2..4):" in result.stdout


def test_time_limit_alone_runs_until_the_limit(tmp_path):
    path = write(tmp_path, instance_text())
    result = run("partition", path, "--time-limit", "0.3", "--json", "-", check=0)
    assert json.loads(result.stdout)["objective"] == 60


@pytest.mark.parametrize("text, line, reason", [
    ("", None, "the file is empty"),
    (instance_text(header="6 2 ds 2 4 2"), 1, "the header has 3 bound values; m = 2 groups need 4"),
    (instance_text(header="6 2 xx 2 4 2 4"), 1, "the type must be 'ss' or 'ds', not 'xx'"),
    (instance_text(header="0 2 ds 2 4 2 4"), 1, "n must be a whole number >= 1, not '0'"),
    (instance_text(header="6 two ds 2 4 2 4"), 1, "m must be a whole number in 1..1024"),
    (instance_text(header="6 2 ds 2 4 2 -4"), 1, "a bound must be a whole number, not '-4'"),
    (instance_text(header="20000 2 ds 2 4 2 4"), 1, "more than this tool accepts (10000)"),
    (instance_text(extra="0 1 5\n"), 17, "the pair (0, 1) appears twice"),
    (instance_text(extra="1 0 5\n"), 17, "pairs must have i < j, not 1 0"),
    (instance_text(extra="0 6 5\n"), 17, "item '6' is not a number in 0..n-1"),
    (instance_text(extra="0 1\n"), 17, "expected 'i j d' (three fields), found 2"),
    (instance_text(extra="0 1 2 3\n"), 17, "expected 'i j d' (three fields), found 4"),
    (instance_text(skip=(2, 4), extra="2 4 nan\n"), 16, "the weight 'nan' is not a finite"),
    (instance_text(skip=(2, 4), extra="2 4 1e999\n"), 16, "the weight '1e999' is not a finite"),
    (instance_text(skip=(2, 4), extra="2 4 7x\n"), 16, "the weight '7x' is not a finite"),
    (instance_text(skip=(2, 4)), 15, "the file ends without the pair (2, 4)"),
])
def test_malformed_files_name_line_and_reason(tmp_path, text, line, reason):
    path = write(tmp_path, text)
    result = run("partition", path, check=1)
    where = "%s line %d: " % (path, line) if line else "%s: " % path
    assert result.stderr.startswith("lmatch: " + where), result.stderr
    assert reason in result.stderr, result.stderr
    assert result.stdout == ""


def test_infeasible_bounds_are_reported(tmp_path):
    path = write(tmp_path, instance_text(header="6 2 ds 4 5 4 5 "))
    result = run("partition", path, check=1)
    assert "lower bounds of groups 0..1 already need more than the 6 items" in result.stderr


def test_usage_errors(tmp_path):
    assert run("partition", check=2).stderr.startswith("lmatch partition: expects one")
    path = write(tmp_path, instance_text())
    assert "--threads" in run("partition", path, "--threads", "0", check=2).stderr
    assert "--time-limit" in run("partition", path, "--time-limit", "x", check=2).stderr
    assert run("partition", "--help", check=0).stdout.startswith("Usage: lmatch partition")
    missing = run("partition", tmp_path / "nope.txt", check=1)
    assert "nope.txt: No such file or directory" in missing.stderr
    assert "Is a directory" in run("partition", tmp_path, check=1).stderr
