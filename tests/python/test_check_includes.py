"""The include check (tests/check_includes.py) fails on each kind of bad
include and passes on a clean tree. Bad includes are planted in a copy of the
checkout's libmatch/, include/, tools/ and bench/; the real tree is never
touched. Run by meson (`meson test --suite house`) or directly with pytest."""
import os
import shutil
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
SCRIPT = os.path.join(ROOT, "tests", "check_includes.py")


def check(root):
    """Runs the check on root: (exit code, violation lines)."""
    done = subprocess.run([sys.executable, SCRIPT, "--root", str(root)],
                          capture_output=True, text=True, check=False)
    return done.returncode, done.stdout.splitlines()


@pytest.fixture
def tree(tmp_path):
    """A copy of the parts of the checkout the check reads."""
    for folder in ("libmatch", "include", "tools", "bench"):
        shutil.copytree(os.path.join(ROOT, folder), tmp_path / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "results"))
    return tmp_path


def plant(tree, relative, include_line):
    """Adds include_line after the file's first line; returns its line number (2)."""
    path = tree / relative
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text(lines[0] + include_line + "\n" + "".join(lines[1:]), encoding="utf-8")
    return 2


def shifted(lines, relative):
    """Violation lines of `relative` as they read after plant() added a line."""
    out = []
    for line in lines:
        name, number, rest = line.split(":", 2)
        if name == relative and int(number) >= 2:
            number = str(int(number) + 1)
        out.append(":".join((name, number, rest)))
    return out


def write(tree, relative, text):
    path = tree / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_clean_small_tree_passes(tmp_path):
    write(tmp_path, "include/libmatch/libmatch.h", "#include <stddef.h>\n")
    write(tmp_path, "libmatch/common/common_internal.h", '#include "libmatch/libmatch.h"\n')
    write(tmp_path, "libmatch/model/model_internal.h", '#include "common/common_internal.h"\n')
    write(tmp_path, "libmatch/engine/search.c",
          '#include <string.h>\n#include "model/model_internal.h"\n'
          '#include "libmatch_version.h"\n')
    write(tmp_path, "libmatch/privacy/crypto_internal.h", '#include "model/model_internal.h"\n')
    write(tmp_path, "libmatch/io/csv.c", '#include "privacy/crypto_internal.h"\n')
    assert check(tmp_path) == (0, [])


def test_copy_without_its_reported_lines_passes(tree):
    """The checkout as it is, minus whatever the check reports today, is clean."""
    status, before = check(tree)
    assert status == (1 if before else 0)
    for line in before:
        relative, number, _ = line.split(":", 2)
        path = tree / relative
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        lines[int(number) - 1] = "\n"
        path.write_text("".join(lines), encoding="utf-8")
    assert check(tree) == (0, [])


PLANTS = [
    # (file, planted line, rule and detail the check must print)
    ("libmatch/engine/search.c", '#include "groups/groups_internal.h"',
     'dependency: "groups/groups_internal.h": engine may not depend on groups'),
    ("libmatch/common/rng.c", '#include "engine/search_internal.h"',
     'dependency: "engine/search_internal.h": common may not depend on engine'),
    ("libmatch/privacy/crypto.c", '#include "io/csv_internal.h"',
     'dependency: "io/csv_internal.h": privacy may not depend on io'),
    ("libmatch/pairs/pairs.c", '#include "groups/groups_internal.h"',
     'dependency: "groups/groups_internal.h": pairs may not depend on groups'),
    ("libmatch/io/csv.c", '#include "engine/search_internal.h"',
     'dependency: "engine/search_internal.h": io may not depend on engine'),
    ("libmatch/privacy/crypto.c", "#include <io/csv_internal.h>",
     "dependency: <io/csv_internal.h>: privacy may not depend on io"),
    ("libmatch/model/pool.c", '#include "../../tools/cli.h"',
     'tools/bench: "../../tools/cli.h" is tools/cli.h'),
    ("libmatch/groups/groups.c", '#include "../../bench/groups_baselines.h"',
     'tools/bench: "../../bench/groups_baselines.h" is bench/groups_baselines.h'),
    ("libmatch/model/pool.c", '#include "model/no_such_internal.h"',
     'missing header: "model/no_such_internal.h" does not exist'),
    ("libmatch/model/pool.c", '#include "model_internal.h"',
     'folder-qualified name: "model_internal.h" names libmatch/model/model_internal.h'),
    ("libmatch/groups/groups.c", '#include "../model/model_internal.h"',
     'folder-qualified name: "../model/model_internal.h"'),
]


@pytest.mark.parametrize("relative, include_line, expected", PLANTS,
                         ids=[p[1].split()[-1].strip('"<>') + "@" + p[0].split("/")[1]
                              for p in PLANTS])
def test_planted_include_fails_naming_file_line_and_rule(tree, relative, include_line,
                                                         expected):
    _, before = check(tree)
    line = plant(tree, relative, include_line)
    status, after = check(tree)
    assert status == 1
    new = [v for v in after if v not in shifted(before, relative)]
    assert len(new) == 1, after
    assert new[0].startswith("%s:%d: %s" % (relative, line, expected)), new[0]


def test_file_outside_the_known_folders_fails(tree):
    write(tree, "libmatch/misc/helper.c", '#include "common/common_internal.h"\n')
    status, after = check(tree)
    assert status == 1
    assert any(v.startswith("libmatch/misc/helper.c:1: unknown folder") for v in after)


def test_bad_command_line_exits_2():
    done = subprocess.run([sys.executable, SCRIPT, "--no-such-option"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2
