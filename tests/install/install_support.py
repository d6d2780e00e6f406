"""The install tests: the README's code blocks, run on a copy of the checkout.

    python3 -m pytest tests/install        (scripts/test.sh runs this)

This module holds what they share; conftest.py the fixtures.

Every fenced block of README.md has a marker line just above it,
`<!-- test: KIND [NAME] -->`: KIND `c` and `python` are programs, KIND `sh`
blocks of commands that test_readme.py runs in bash, line by line as written,
except the few lines rewritten by the test that runs the block, each with
its reason (`sudo meson install` becomes `meson install --destdir`, ...).
The fixtures run the blocks that install something, once per session, in
this order of need:

  source          the checkout copied to a temporary folder (tracked and new
                  files, no build folders): the blocks run there as in a
                  fresh clone, and the checkout itself is never written;
  system_install  block install-system: meson setup/ninja, then `meson
                  install --destdir DESTDIR` instead of `sudo meson install`;
  cli_dir         block cli: lmatch (the one installed above) in a scratch
                  folder, which then holds pool.csv and venues.csv;
  venv            block install-venv: a venv and `pip install
                  --no-build-isolation .`, with PIP_NO_INDEX (no network);
  debs            block install-debian: dpkg-buildpackage, then `apt-get
                  install -s` (simulated) on the four packages.

LIBMATCH_INSTALL_SOURCE=DIR tests that folder instead of the checkout.
"""
import glob
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass

import pytest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MARKER = re.compile(r"^<!-- test: (\w+)(?: ([\w-]+))? -->$")
# The variables of a developer's shell that would steer the package or the
# build to another copy than the one under test.
DROPPED_VARIABLES = ("LIBMATCH_LIBRARY", "PYTHONPATH", "LIBMATCH_HEADER", "LIBMATCH_INCLUDE_DIRS",
                     "LIBMATCH_CC", "LIBMATCH_SOURCE_ROOT", "LMATCH", "DESTDIR",
                     "LD_LIBRARY_PATH", "PKG_CONFIG_PATH", "PKG_CONFIG_SYSROOT_DIR",
                     "VIRTUAL_ENV", "PYTHONHOME")
TIMINGS = {}


@dataclass
class Block:
    kind: str      # sh, c, python (None when the block has no marker)
    name: str      # the marker's name ('' for c and python)
    language: str  # the fence's info string
    text: str
    line: int      # of the opening fence, from 1


def readme_blocks(path=os.path.join(ROOT, "README.md")):
    """Every fenced block of the README with the marker above it."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    blocks, index = [], 0
    while index < len(lines):
        fence = re.match(r"^```(\S*)\s*$", lines[index])
        if not fence:
            index += 1
            continue
        end = next(k for k in range(index + 1, len(lines)) if lines[k].startswith("```"))
        marker = MARKER.match(lines[index - 1]) if index > 0 else None
        blocks.append(Block(marker.group(1) if marker else None,
                            (marker.group(2) or "") if marker else "",
                            fence.group(1), "\n".join(lines[index + 1:end]) + "\n", index + 1))
        index = end + 1
    return blocks


def block(name):
    found = [b for b in readme_blocks() if b.name == name or (not b.name and b.kind == name)]
    assert len(found) == 1, "README.md has %d blocks named %r" % (len(found), name)
    return found[0]


def command_of(line):
    """A README command without its trailing comment."""
    return re.sub(r"\s+#\s.*$", "", line).strip()


def clean_env(**changes):
    env = {k: v for k, v in os.environ.items() if k not in DROPPED_VARIABLES}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update({k: str(v) for k, v in changes.items()})
    return env


def run(args, cwd, env=None, what=None, timeout=1200, check=True):
    start = time.monotonic()
    done = subprocess.run(args, cwd=str(cwd), env=env or clean_env(), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=timeout)
    if what:
        TIMINGS[what] = TIMINGS.get(what, 0.0) + time.monotonic() - start
    if check and done.returncode != 0:
        raise AssertionError("%s failed (exit %d) in %s\n--- stdout (end)\n%s\n--- stderr (end)\n%s"
                             % (what or args, done.returncode, cwd, done.stdout[-3000:],
                                done.stderr[-3000:]))
    return done


def run_block(name, cwd, rewrites=(), env=None, check=True):
    """Runs the README block `name` in bash (set -eu, as a user's shell: a
    pipe into `head` may end its writer), lines as written except those of
    rewrites: [(README command, what runs instead, why)]."""
    the_block = block(name)
    assert the_block.kind == "sh", "%s is not a shell block" % name
    table = {readme: instead for readme, instead, _why in rewrites}
    used, script = set(), ["set -eu"]
    for line in the_block.text.strip().split("\n"):
        command = command_of(line)
        if command in table:
            used.add(command)
            script.append(table[command])
        else:
            script.append(line)
    stale = set(table) - used
    assert not stale, "README block %s no longer has the lines %s: update the rewrites" % (
        name, sorted(stale))
    return run(["bash", "-c", "\n".join(script)], cwd, env, what="README block " + name,
               check=check)


def sources_of(root):
    """The files of a checkout as a fresh clone has them: tracked and new
    (not ignored) files when it is a git work tree, else every file but the
    build folders."""
    if os.path.isdir(os.path.join(root, ".git")) or os.path.isfile(os.path.join(root, ".git")):
        done = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                               "--exclude-standard"], cwd=root, stdout=subprocess.PIPE, check=True)
        names = [n for n in done.stdout.decode().split("\0") if n]
        return [n for n in names if os.path.lexists(os.path.join(root, n))]
    names = []
    for directory, subdirs, files in os.walk(root):
        subdirs[:] = [d for d in subdirs if d not in ("build", ".venv", ".git")
                      and not d.startswith(".mesonpy")]
        names += [os.path.relpath(os.path.join(directory, f), root) for f in files]
    return names


def meson_version(source):
    with open(os.path.join(source, "meson.build"), encoding="utf-8") as f:
        return re.search(r"^\s*version:\s*'([^']+)'", f.read(), re.M).group(1)


@dataclass
class SystemInstall:
    destdir: str
    prefix: str     # as installed: /usr/local
    libdir: str     # as installed: /usr/local/lib/x86_64-linux-gnu
    site: str       # as installed: the Python package's parent folder

    def staged(self, path):
        return self.destdir + path


def glob_sorted(pattern):
    return sorted(glob.glob(pattern, recursive=True))


def mdgplib():
    folder = os.environ.get("LIBMATCH_MDGPLIB", "")
    return folder if folder and os.path.isdir(folder) else None


def needs_debhelper():
    missing = [tool for tool in ("dpkg-buildpackage", "dh", "lintian") if not shutil.which(tool)]
    if missing:
        pytest.skip("the .deb is not built: %s missing (scripts/deps.sh install)"
                    % ", ".join(missing))
