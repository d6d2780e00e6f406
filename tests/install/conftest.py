"""Fixtures of the install tests (install_support.py explains them): each
runs one README block that installs something, once per session."""
import os
import shutil

import pytest

from install_support import (ROOT, TIMINGS, SystemInstall, clean_env, glob_sorted, mdgplib,
                             needs_debhelper, run_block, sources_of)


@pytest.fixture(scope="session")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("install")


@pytest.fixture(scope="session")
def source(work):
    """A copy of the checkout, in a folder of its own: dpkg-buildpackage
    writes the packages to the folder above it."""
    root = os.environ.get("LIBMATCH_INSTALL_SOURCE") or ROOT
    copy = work / "src" / "libmatch"
    for name in sources_of(root):
        target = copy / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(os.path.join(root, name), target, follow_symlinks=False)
    return copy


@pytest.fixture(scope="session")
def system_install(source, work):
    destdir = str(work / "destdir")
    run_block("install-system", source, [
        ("sudo meson install -C build/system",
         'meson install -C build/system --destdir "%s"' % destdir,
         "into a scratch folder, not the system"),
        ("sudo ldconfig", ": ldconfig", "nothing was installed into the system: "
         "LD_LIBRARY_PATH stands in for the cache"),
    ])
    prefix = "/usr/local"
    libs = [os.path.dirname(p[len(destdir):]) for p in
            glob_sorted(destdir + prefix + "/lib/**/libmatch.so.0")]
    assert len(libs) == 1, "libmatch.so.0 under %s: %s" % (destdir + prefix, libs)
    packages = [os.path.dirname(os.path.dirname(p[len(destdir):])) for p in
                glob_sorted(destdir + "/**/libmatch/_ctypes_generated.py")]
    assert len(packages) == 1, "the installed Python package: %s" % packages
    return SystemInstall(destdir, prefix, libs[0], packages[0])


@pytest.fixture(scope="session")
def installed_env(system_install):
    """What a shell needs to use the staged install as if it were in /usr/local."""
    staged = system_install.staged
    return clean_env(
        PATH=staged(system_install.prefix + "/bin") + os.pathsep + os.environ["PATH"],
        LD_LIBRARY_PATH=staged(system_install.libdir),
        PKG_CONFIG_PATH=staged(system_install.libdir + "/pkgconfig"),
        PKG_CONFIG_SYSROOT_DIR=system_install.destdir,
    )


@pytest.fixture(scope="session")
def cli_dir(work, installed_env):
    folder = work / "cli"
    folder.mkdir()
    partition = ('lmatch partition "$LIBMATCH_MDGPLIB/RanReal/RanReal_n120_ss_01.txt" '
                 '--time-limit 3')
    rewrites = [] if mdgplib() else [
        (partition, "echo 'no MDGPLIB data (LIBMATCH_MDGPLIB): lmatch partition not run'",
         "the instance is not in the repository")]
    done = run_block("cli", folder, rewrites, env=installed_env)
    return folder, done


@pytest.fixture(scope="session")
def venv(source):
    run_block("install-venv", source, env=clean_env(PIP_NO_INDEX="1", PIP_NO_CACHE_DIR="1"))
    return source / ".venv"


@pytest.fixture(scope="session")
def debs(source):
    needs_debhelper()
    jobs = os.cpu_count() or 2
    done = run_block("install-debian", source, [
        ("sudo apt-get install ../libmatch0_*.deb ../libmatch-dev_*.deb ../lmatch_*.deb "
         "../python3-libmatch_*.deb",
         "apt-get install -s ../libmatch0_*.deb ../libmatch-dev_*.deb ../lmatch_*.deb "
         "../python3-libmatch_*.deb",
         "simulated: the dependencies must resolve, but nothing is installed"),
    ], env=clean_env(DEB_BUILD_OPTIONS="parallel=%d" % jobs))
    packages = {}
    for path in glob_sorted(str(source.parent / "*.deb")):
        packages[os.path.basename(path).split("_")[0]] = path
    return packages, done


def pytest_terminal_summary(terminalreporter):
    if TIMINGS:
        terminalreporter.write_sep("-", "install tests: time per step")
        for what, seconds in sorted(TIMINGS.items(), key=lambda item: -item[1]):
            terminalreporter.write_line("%6.1f s  %s" % (seconds, what))
