"""Golden files: what lmatch makes of every file in tests/data, compared with
the output stored in tests/data/expected/NAME.txt (the command, its exit
code, its standard output and its standard error, byte for byte).

Each kind of file is read by the command that reads it (COMMANDS below):
  a pool (pool_*.csv, guitar_gitaar.csv, bad_*.csv)
                  lmatch inspect FILE --json   (bad files: exit 1, the message)
  a taxonomy      lmatch taxonomy --taxonomy FILE --json
  venues          lmatch inspect pool_example.csv --venues FILE --json
  groups          lmatch eval pool_example.csv FILE --venues venues_example.csv --json
lmatch runs inside tests/data with relative names, so messages read
"bad_role.csv line 3, ..." wherever the checkout is. A file in tests/data
without an expected output, or an expected output without its file, fails.

Regenerate after an intended change of output, then review the diff:
    LIBMATCH_REGENERATE=1 meson test -C BUILD golden
or, outside meson:
    LMATCH=BUILD/tools/lmatch LIBMATCH_REGENERATE=1 \\
        /usr/bin/python3 -m pytest tests/python/test_golden.py
Regenerating rewrites the files and reports the tests as skipped."""
import os
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.normpath(os.path.join(HERE, "..", "data"))
EXPECTED = os.path.join(DATA, "expected")
LMATCH = os.environ.get("LMATCH")
REGENERATE = os.environ.get("LIBMATCH_REGENERATE", "") not in ("", "0")

pytestmark = pytest.mark.skipif(not LMATCH, reason="LMATCH is not set (meson test sets it)")


def command_for(name):
    """The lmatch arguments that read tests/data/NAME."""
    if name.startswith("taxonomy_"):
        return ["taxonomy", "--taxonomy", name, "--json"]
    if name.startswith("venues_"):
        return ["inspect", "pool_example.csv", "--venues", name, "--json"]
    if name.startswith("groups_"):
        return ["eval", "pool_example.csv", name, "--venues", "venues_example.csv", "--json"]
    return ["inspect", name, "--json"]


DATA_FILES = sorted(name for name in os.listdir(DATA)
                    if os.path.isfile(os.path.join(DATA, name)))


def render(arguments):
    done = subprocess.run([LMATCH] + arguments, cwd=DATA, capture_output=True, timeout=120,
                          check=False)
    return ("# lmatch %s\n# exit %d\n## stdout\n" % (" ".join(arguments), done.returncode)
            ).encode() + done.stdout + b"## stderr\n" + done.stderr


@pytest.mark.parametrize("name", DATA_FILES)
def test_output_matches_golden_file(name):
    assert name.endswith(".csv"), "no lmatch command for %s: add one to command_for()" % name
    got = render(command_for(name))
    path = os.path.join(EXPECTED, os.path.splitext(name)[0] + ".txt")
    if REGENERATE:
        os.makedirs(EXPECTED, exist_ok=True)
        with open(path, "wb") as f:
            f.write(got)
        pytest.skip("regenerated " + os.path.relpath(path, DATA))
    assert os.path.exists(path), "no golden file %s (LIBMATCH_REGENERATE=1 writes it)" % path
    with open(path, "rb") as f:
        expected = f.read()
    if got != expected:
        # pytest shows a line diff of the two texts.
        assert got.decode("utf-8", "replace") == expected.decode("utf-8", "replace")


def test_bad_files_fail_with_one_message():
    """Each bad_*.csv is refused: exit 1, nothing on stdout, one line on stderr."""
    bad = [name for name in DATA_FILES if name.startswith("bad_")]
    assert len(bad) >= 8
    for name in bad:
        with open(os.path.join(EXPECTED, name[:-4] + ".txt"), "rb") as f:
            text = f.read().decode("utf-8")
        head, stderr = text.split("## stderr\n")
        assert "# exit 1\n## stdout\n" in head and head.endswith("## stdout\n"), name
        assert stderr.startswith("lmatch: %s line " % name) and stderr.count("\n") == 1, name


def test_every_golden_file_has_its_data_file():
    stems = {os.path.splitext(name)[0] for name in DATA_FILES}
    stale = [name for name in os.listdir(EXPECTED) if os.path.splitext(name)[0] not in stems]
    assert not stale, "golden files without a file in tests/data: %s" % stale
