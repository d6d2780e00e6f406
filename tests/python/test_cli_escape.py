"""File names given on the command line reach the terminal escaped (issue 19):
a path with ESC and BEL in it is printed with them written as \\x1b and
\\x07, as the library writes control characters in its messages, on every
line of lmatch that names a file. Runs the built binary ($LMATCH)."""
import os
import re
import subprocess

import pytest

LMATCH = os.environ.get("LMATCH", "lmatch")

# C0 controls but newline, DEL, and the UTF-8 C1 controls (C2 80..C2 9F).
RAW_CONTROL = re.compile(rb"[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")
NAME = "odd\x1b[31m\x07name"
SHOWN = b"odd\\x1b[31m\\x07name"


def run(*args, check=None):
    result = subprocess.run([LMATCH, *map(os.fsencode, map(str, args))], capture_output=True,
                            timeout=300)
    if check is not None:
        assert result.returncode == check, (result.returncode, result.stderr[-2000:])
    return result


def assert_escaped(result, stream="stderr", times=1):
    """No raw control byte in stdout or stderr, and the odd name shown
    escaped at least `times` times in the given stream."""
    for name in ("stdout", "stderr"):
        text = getattr(result, name)
        raw = RAW_CONTROL.search(text)
        assert raw is None, (name, raw, text[-2000:])
    assert getattr(result, stream).count(SHOWN) >= times, getattr(result, stream)[-2000:]


@pytest.fixture
def odd(tmp_path):
    """A folder whose name has ESC and BEL in it."""
    folder = tmp_path / NAME
    folder.mkdir()
    return folder


@pytest.fixture
def pool(tmp_path):
    path = tmp_path / "pool.csv"
    run("gen", "--participants", 30, "--seed", 2, "-o", path, check=0)
    return path


def test_gen_and_inspect_name_the_file(odd):
    pool, venues = odd / "p.csv", odd / "v.csv"
    result = run("gen", "--participants", 20, "--venues", 2, "--venues-out", venues, "-o",
                 pool, check=0)
    assert_escaped(result, times=2)  # "wrote ... to POOL and ... venues to VENUES"
    assert_escaped(run("inspect", pool, check=0), stream="stdout")


def test_missing_and_unwritable_files(odd, pool):
    missing = odd / "missing.csv"
    assert_escaped(run("inspect", missing, check=1))
    assert_escaped(run("groups", pool, "-o", odd / "no" / "such" / "folder.csv", check=1))
    assert_escaped(run("groups", pool, "--json", odd / "no" / "g.json", check=1))
    assert_escaped(run("groups", pool, "--constraints", missing, check=1))
    assert_escaped(run("partition", missing, check=1))


def test_warnings_and_errors_of_a_pool(odd):
    warned = odd / "warned.csv"
    warned.write_text("id,role,interests\np1,newcomer,nosuchtopic\np2,resident,guitar\n")
    assert_escaped(run("inspect", warned))
    broken = odd / "broken.csv"
    broken.write_text("id,role\np1,alien\np2,martian\n")
    result = run("inspect", broken, check=1)
    assert_escaped(result)
    assert b"errors in " + bytes(odd).replace(NAME.encode(), SHOWN) in result.stderr


def test_keys_and_conversions(odd, pool, tmp_path):
    key = odd / "k.key"
    assert_escaped(run("keygen", "-o", key, check=0))
    assert_escaped(run("keygen", "-o", key, check=1))  # exists: --force
    passphrase = odd / "pass.txt"
    passphrase.write_text("correct horse battery staple\n")
    os.chmod(passphrase, 0o644)  # readable by others: a warning naming it
    assert_escaped(run("keygen", "--passphrase-file", passphrase, "-o", odd / "p.key",
                       "--force", check=0), times=2)
    encrypted = odd / "pool.enc"
    assert_escaped(run("convert", pool, encrypted, "--key", key, check=0))
    assert_escaped(run("convert", encrypted, odd / "plain.csv", "--key", key, check=0),
                   times=2)  # "'IN' is encrypted, 'OUT' will not be", "wrote ... to OUT"


def test_keep_file_and_partition_lines(odd, pool, tmp_path):
    groups = odd / "groups.csv"
    run("groups", pool, "-o", groups, check=0)
    lines = groups.read_text().splitlines()
    column = lines[0].split(",").index("id")
    fields = lines[1].split(",")
    fields[column] = "gone"  # someone who left: "1 person of KEEP ... left"
    groups.write_text("\n".join([lines[0], ",".join(fields)] + lines[2:]) + "\n")
    assert_escaped(run("groups", pool, "--keep", groups, check=0))
    instance = odd / "inst.txt"
    instance.write_text("4 2 ds 2 2 2 2\n0 1 x\n")
    assert_escaped(run("partition", instance, check=1))


def test_command_line_words():
    assert_escaped(run(NAME, check=2))
    assert_escaped(run("--" + NAME, check=2))
    assert_escaped(run("groups", "--" + NAME, check=2))
    assert_escaped(run("taxonomy", NAME, check=2))
