"""Every code block of README.md runs here (conftest.py says how), so the
README cannot rot: the C example is compiled with -Wall -Wextra -Werror
against the installed pkg-config file, the Python example runs in a venv
where `pip install .` put the package, and every command block runs in bash.
The few lines that cannot run as written are rewritten below, each with
its reason; the rest run word for word."""
import os
import re

import pytest

from install_support import (block, clean_env, command_of, mdgplib, meson_version, readme_blocks, run,
                      run_block)

# The shell blocks and the test that runs each.
SHELL_BLOCKS = {
    "two-commands": "test_two_commands",
    "by-hand": "test_by_hand",
    "cli": "test_cli",
    "mdgplib": "test_mdgplib",
    "install-system": "test_install_system",
    "install-venv": "test_install_venv",
    "install-debian": "test_install_debian",
    "c-build": "test_c_example",
    "notebook": "test_notebook",
}


def test_every_block_is_marked_and_run():
    blocks = readme_blocks()
    assert blocks, "no code block found in README.md"
    for b in blocks:
        where = "README.md line %d" % b.line
        assert b.kind, "%s: a code block without a `<!-- test: KIND NAME -->` line above it" % where
        if b.kind == "sh":
            assert b.language == "sh", where
            assert b.name in SHELL_BLOCKS, "%s: no test runs the block %r" % (where, b.name)
            assert SHELL_BLOCKS[b.name] in globals(), b.name
        else:
            assert (b.kind, b.language, b.name) in (("c", "c", ""), ("python", "python", "")), where
    assert len([b for b in blocks if b.kind == "c"]) == 1
    assert len([b for b in blocks if b.kind == "python"]) == 1
    assert sorted(b.name for b in blocks if b.kind == "sh") == sorted(SHELL_BLOCKS)


def test_two_commands(source):
    done = run_block("two-commands", source, [
        ("scripts/test.sh", ": scripts/test.sh",
         "the test command itself: these tests run inside it"),
    ])
    assert "Built build/release/tools/lmatch" in done.stderr
    assert re.search(r"\bgroups?\b", done.stdout), done.stdout[-2000:]


def test_by_hand(source):
    """Both set-ups run as written (a configuration each, a few seconds); the
    test runs are listed, not run: scripts/test.sh runs every suite in
    build/test and build/asan, configured the same way."""
    done = run_block("by-hand", source, [
        ("meson test -C build", "meson test -C build --no-rebuild --list",
         "test.sh runs the suites (build/test)"),
        ("meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false && "
         "meson test -C build-asan --setup asan",
         "meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false && "
         "meson test -C build-asan --setup asan --no-rebuild --list",
         "test.sh runs the sanitizer setup (build/asan)"),
        ("LIBMATCH_REGENERATE=1 meson test -C build golden",
         "LIBMATCH_REGENERATE=1 meson test -C build golden --no-rebuild --list",
         "regenerating would rewrite tests/data/expected; the golden test runs in test.sh"),
    ])
    listed = done.stdout
    assert re.search(r"^libmatch:cli / golden$", listed, re.M), listed
    lines = block("by-hand").text.split("\n")
    suites = re.search(r"# suites: (.*)$", lines[1]).group(1).split(", ")
    # meson lists a test of several suites as "libmatch:python+bench / name"
    listed_suites = {suite for names in re.findall(r"^libmatch:(\S+) / ", listed, re.M)
                     for suite in names.split("+")}
    # every suite the README names has tests (bench only when bench is built)
    assert set(suites) - listed_suites <= {"bench"}, (suites, listed_suites)
    assert listed_suites <= set(suites), "suites the README does not name: %s" % (
        listed_suites - set(suites))
    with open(source / "meson_options.txt", encoding="utf-8") as f:
        options = set(re.findall(r"option\('(\w+)'", f.read()))
    named = set(re.findall(r"-D(\w+)=", lines[0].split("# options:")[1]))
    assert named and named <= options, (named, options)


def test_cli(cli_dir):
    folder, done = cli_dir
    for name in ("pool.csv", "venues.csv", "groups.csv", "groups.json", "pairs.json"):
        assert (folder / name).stat().st_size > 0, name
    assert '"participants"' in done.stdout or "{" in done.stdout  # inspect --json | head


def test_mdgplib(source, system_install, installed_env):
    folder = mdgplib()
    if not folder:
        pytest.skip("no MDGPLIB data (LIBMATCH_MDGPLIB): the benchmark command is not run")
    lmatch = system_install.staged(system_install.prefix + "/bin/lmatch")
    done = run_block("mdgplib", source, [
        ("export LIBMATCH_MDGPLIB=/path/to/mdgplib", "export LIBMATCH_MDGPLIB=%s" % folder,
         "the README names a placeholder"),
        ("bench/partition_bench.py --lmatch build/tools/lmatch --data \"$LIBMATCH_MDGPLIB\" "
         "--out docs/benchmarks_partition.md",
         "bench/partition_bench.py --lmatch %s --data \"$LIBMATCH_MDGPLIB\" "
         "--out docs/benchmarks_partition.md --sizes 120 --match RanReal_n120_ss_01" % lmatch,
         "one instance of the benchmark (3 s), with the installed lmatch; it writes the "
         "copy's docs/, not the checkout's"),
    ], env=installed_env)
    with open(source / "docs" / "benchmarks_partition.md", encoding="utf-8") as f:
        assert "RanReal_n120_ss_01" in f.read()
    assert done.returncode == 0


def test_install_system(system_install):
    # conftest.py ran the block; test_install.py checks what it installed.
    assert os.path.isdir(system_install.staged(system_install.site))


def test_install_venv(venv):
    assert (venv / "bin" / "python").exists()


def test_install_debian(debs):
    packages, done = debs
    assert {"libmatch-dev", "libmatch0", "lmatch", "python3-libmatch"} <= set(packages)
    assert "Inst libmatch0" in done.stdout and "Inst python3-libmatch" in done.stdout, done.stdout


def write_c_example(folder):
    path = folder / "groups.c"
    path.write_text(block("c").text)
    return path


def test_c_example(cli_dir, installed_env):
    folder, _ = cli_dir
    write_c_example(folder)
    done = run_block("c-build", folder, env=installed_env)
    assert re.fullmatch(r"\d+ groups, total -?\d+\.\d{3}\n", done.stdout), done.stdout
    assert int(done.stdout.split()[0]) > 100
    assert done.stderr == ""


def test_c_example_reports_the_library_message(cli_dir, installed_env, source):
    folder, _ = cli_dir
    bad = source / "tests" / "data" / "bad_language.csv"
    done = run(["./groups", str(bad)], folder, installed_env, check=False)
    assert done.returncode == 1
    assert re.search(r"bad_language\.csv line \d+, column 'languages'", done.stderr), done.stderr


def test_c_example_passes_stricter_warnings(cli_dir, installed_env):
    """The example is C; with the header it also passes -Wpedantic -Wconversion
    under gcc, so copying it into a stricter project works."""
    folder, _ = cli_dir
    flags = run(["pkg-config", "--cflags", "--libs", "libmatch"], folder, installed_env).stdout
    run(["cc", "-std=c11", "-Wall", "-Wextra", "-Wpedantic", "-Wconversion", "-Wshadow", "-Werror",
         "-fsyntax-only", "groups.c"] + flags.split(), folder, installed_env)


def test_python_example(cli_dir, venv):
    folder, _ = cli_dir
    (folder / "example.py").write_text(block("python").text)
    done = run([str(venv / "bin" / "python"), "example.py"], folder, clean_env(),
               what="README Python example")
    first, second = done.stdout.split("\n")[:2]
    assert re.fullmatch(r"\d+ groups, total -?\d+\.\d{3}", first), done.stdout
    assert second.startswith("[Unassigned(") or second == "[]", second


def test_notebook(source, venv):
    """Jupyter's server is interactive and not installed by the tests: its
    package must exist in Debian, and the venv's interpreter (the notebook's
    kernel) must import what the notebook imports."""
    run_block("notebook", source, [
        ("scripts/deps.sh notebook",
         "dpkg-query -W python3-notebook >/dev/null 2>&1 || apt-cache show python3-notebook "
         ">/dev/null",
         "about fifty packages; the test checks that Debian has it"),
        (".venv/bin/python -m notebook docs/notebooks/tour.ipynb",
         ".venv/bin/python -c 'import libmatch, matplotlib, numpy, pandas, ipykernel' && "
         "{ ! .venv/bin/python -c 'import notebook' 2>/dev/null || "
         ".venv/bin/python -m notebook --version; }",
         "a server waits for a browser; the kernel's imports are what it needs"),
    ])


def test_rewrites_leave_the_rest_verbatim():
    # A guard on conftest.run_block: comments are dropped only for matching.
    assert command_of("meson test -C build    # suites: a, b") == "meson test -C build"
    assert command_of('lmatch partition "$X/a#b.txt"') == 'lmatch partition "$X/a#b.txt"'


def test_versions_agree(source):
    """meson's project version is the one of the wheel (pyproject: dynamic)
    and of the Debian changelog."""
    version = meson_version(source)
    with open(source / "debian" / "changelog", encoding="utf-8") as f:
        first = f.readline()
    assert re.match(r"libmatch \(%s(-\d+)?\) " % re.escape(version), first), first
