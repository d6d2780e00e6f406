"""What the README's three ways of installing put where (the blocks
install-system, install-venv and install-debian, run by conftest.py), and
that each installed copy finds its own library with no variable set."""
import glob
import os
import re
import shutil
import subprocess

import pytest

from install_support import clean_env, meson_version, run

PYTHON = "/usr/bin/python3"
IMPORT = ("import libmatch; print(libmatch.__version__); print(libmatch.LIBRARY_PATH); "
          "print(libmatch.__file__); print(len(libmatch.Pool.sample()))")


def debian_site_folders():
    done = run([PYTHON, "-c", "import site; print('\\n'.join(site.getsitepackages()))"], "/")
    return done.stdout.split()


def lmatch_commands(lmatch, env):
    """The commands `lmatch --help` lists."""
    text = run([lmatch, "--help"], "/", env).stdout
    section = text.split("Commands:\n", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"^  ([a-z]+)\s", section, re.M)


# ---- meson install ------------------------------------------------------------------

def test_system_install_files(system_install, source):
    staged, prefix, libdir = system_install.staged, system_install.prefix, system_install.libdir
    version = meson_version(source)
    expected = [
        libdir + "/libmatch.so." + version, libdir + "/libmatch.so.0", libdir + "/libmatch.so",
        libdir + "/pkgconfig/libmatch.pc",
        prefix + "/include/libmatch/libmatch.h", prefix + "/include/libmatch/libmatch_version.h",
        prefix + "/bin/lmatch", prefix + "/share/man/man1/lmatch.1",
    ]
    expected += [system_install.site + "/libmatch/" + name for name in
                 ("__init__.py", "_lib.py", "_ctypes_generated.py", "_install_paths.py", "pool.py")]
    missing = [path for path in expected if not os.path.lexists(staged(path))]
    assert not missing, missing
    # the build tree's record is not installed: it names a folder that goes away
    assert not os.path.exists(staged(system_install.site + "/libmatch/_build_paths.py"))


def test_python_package_goes_where_debian_python_looks(system_install):
    assert system_install.site in debian_site_folders(), system_install.site


def test_installed_package_records_the_installed_library(system_install):
    path = system_install.staged(system_install.site + "/libmatch/_install_paths.py")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    assert 'LIBRARY_PATHS = ["%s/libmatch.so.0"]' % system_install.libdir in text, text


def test_pkg_config(system_install, installed_env, source):
    done = run(["pkg-config", "--cflags", "--libs", "libmatch"], "/", installed_env)
    staged = system_install.staged
    assert "-I" + staged(system_install.prefix + "/include") in done.stdout.split(), done.stdout
    assert "-L" + staged(system_install.libdir) in done.stdout.split(), done.stdout
    assert "-lmatch" in done.stdout.split()
    version = run(["pkg-config", "--modversion", "libmatch"], "/", installed_env).stdout.strip()
    assert version == meson_version(source)


def test_man_page(system_install, installed_env):
    page = system_install.staged(system_install.prefix + "/share/man/man1/lmatch.1")
    done = run(["man", "--warnings", "-l", page], "/", clean_env(MANWIDTH="80", LANG="C.UTF-8"))
    assert done.stderr == "", done.stderr
    lmatch = system_install.staged(system_install.prefix + "/bin/lmatch")
    commands = lmatch_commands(lmatch, installed_env)
    assert len(commands) >= 10, commands
    for name in commands:
        assert re.search(r"^ {3}lmatch %s$" % name, done.stdout, re.M), name
    assert "EXIT STATUS" in done.stdout


def test_installed_package_with_the_staged_library(system_install, installed_env):
    """From the staging folder: PYTHONPATH names it and LD_LIBRARY_PATH the
    library (the recorded path is not there yet); no LIBMATCH_LIBRARY."""
    env = dict(installed_env, PYTHONPATH=system_install.staged(system_install.site))
    done = run([PYTHON, "-c", IMPORT], "/", env)
    version, library, init, sample = done.stdout.split()
    assert init.startswith(system_install.destdir), init
    assert int(sample) > 0


def in_mount_namespace(system_install, script):
    """script run by sh with the staged /usr/local mounted over the real one,
    in a private mount namespace (as root only): what a machine sees after
    `sudo meson install`, without touching this one."""
    if os.geteuid() != 0 or not shutil.which("unshare"):
        pytest.skip("needs root and unshare to mount the install over /usr/local")
    probe = subprocess.run(["unshare", "--mount", "true"], stderr=subprocess.PIPE)
    if probe.returncode != 0:
        pytest.skip("unshare --mount is not allowed here: %s" % probe.stderr.decode().strip())
    mount = 'mount --bind "%s" %s && ' % (system_install.staged(system_install.prefix),
                                         system_install.prefix)
    return run(["unshare", "--mount", "sh", "-c", mount + script], "/", clean_env())


def test_system_install_as_the_system_sees_it(system_install):
    """/usr/bin/python3 imports the package from its own site folder and
    the package loads the library meson installed (no variable, no ldconfig);
    pkg-config finds libmatch.pc in its default path, and man the page."""
    done = in_mount_namespace(system_install, "%s -c '%s' && pkg-config --cflags --libs "
                              "libmatch && man -w lmatch" % (PYTHON, IMPORT))
    lines = done.stdout.split("\n")
    assert lines[1] == system_install.libdir + "/libmatch.so.0", done.stdout
    assert lines[2] == system_install.site + "/libmatch/__init__.py", done.stdout
    assert "-lmatch" in lines[4] and "-L" + system_install.libdir in lines[4], done.stdout
    assert lines[5] == system_install.prefix + "/share/man/man1/lmatch.1", done.stdout


# ---- pip install . ------------------------------------------------------------------

def test_wheel_in_the_venv(venv, source, tmp_path):
    """A fresh venv imports the package with no variable, from a folder that
    is neither the checkout nor a build tree, and loads the library that the
    wheel put beside it; the wheel's version is meson's."""
    done = run([str(venv / "bin" / "python"), "-c", IMPORT], tmp_path, clean_env())
    version, library, init, sample = done.stdout.split()
    site = str(venv / "lib")
    assert init.startswith(site) and library.startswith(site), done.stdout
    assert "/.libmatch.mesonpy.libs/libmatch.so." in library, library
    assert version == meson_version(source)
    metadata = run([str(venv / "bin" / "python"), "-c",
                    "import importlib.metadata as m; print(m.version('libmatch'))"],
                   tmp_path, clean_env())
    assert metadata.stdout.strip() == version


def test_wheel_progress_without_tqdm(venv, tmp_path):
    """progress=True needs no tqdm: without it the bar is a line on stderr."""
    code = ("import sys; sys.modules['tqdm'] = None\n"
            "import libmatch\n"
            "with libmatch.Pool.generate(300, seed=3) as pool:\n"
            "    result = pool.form_groups(seed=5, progress=True)\n"
            "print(len(result.groups))\n")
    done = run([str(venv / "bin" / "python"), "-c", code], tmp_path, clean_env())
    assert int(done.stdout) > 0


def test_pip_left_the_checkout_clean(source):
    """pip builds in a temporary folder: nothing but meson-python's native
    file (ignored by git) is left in the source folder."""
    left = [n for n in os.listdir(source) if n.startswith(".mesonpy")]
    assert left in ([], [".mesonpy-native-file.ini"]), left


# ---- dpkg-buildpackage --------------------------------------------------------------

PACKAGE_FILES = {
    "libmatch0": [r"\./usr/lib/[^/]+/libmatch\.so\.0\.\d+\.\d+$", r"\./usr/lib/[^/]+/libmatch\.so\.0$"],
    "libmatch-dev": [r"\./usr/include/libmatch/libmatch\.h$",
                     r"\./usr/include/libmatch/libmatch_version\.h$",
                     r"\./usr/lib/[^/]+/libmatch\.so$", r"\./usr/lib/[^/]+/libmatch\.a$",
                     r"\./usr/lib/[^/]+/pkgconfig/libmatch\.pc$"],
    "lmatch": [r"\./usr/bin/lmatch$", r"\./usr/share/man/man1/lmatch\.1\.gz$"],
    "python3-libmatch": [r"\./usr/lib/python3/dist-packages/libmatch/__init__\.py$",
                         r"\./usr/lib/python3/dist-packages/libmatch/_ctypes_generated\.py$",
                         r"\./usr/lib/python3/dist-packages/libmatch/_install_paths\.py$"],
}


def test_debs_hold_their_files(debs, source):
    packages, _ = debs
    version = meson_version(source)
    for name, patterns in PACKAGE_FILES.items():
        assert re.search(r"/%s_%s(-\d+)?_\w+\.deb$" % (name, re.escape(version)), packages[name])
        listing = run(["dpkg", "-c", packages[name]], "/").stdout
        paths = [line.split()[5] for line in listing.strip().split("\n")]
        for pattern in patterns:
            assert any(re.match(pattern, path) for path in paths), (name, pattern, paths)


def test_debs_are_lintian_clean_of_errors(debs, source):
    changes = glob.glob(str(source.parent / "*.changes"))
    assert len(changes) == 1, changes
    done = run(["lintian", "--no-tag-display-limit", changes[0]], "/", check=False,
               what="lintian")
    errors = [line for line in done.stdout.split("\n") if line.startswith("E:")]
    assert not errors, done.stdout
    assert done.returncode in (0, 2) or not errors, done.stdout  # 2: warnings only


def test_debs_work_unpacked(debs, tmp_path):
    """Unpacked into a scratch root: lmatch runs, and python3-libmatch finds
    libmatch0's library, whose installed path it records."""
    packages, _ = debs
    root = tmp_path / "root"
    for name in PACKAGE_FILES:
        run(["dpkg", "-x", packages[name], str(root)], "/")
    libdir = os.path.dirname(glob.glob(str(root / "usr/lib/*/libmatch.so.0"))[0])
    env = clean_env(LD_LIBRARY_PATH=libdir,
                    PYTHONPATH=str(root / "usr/lib/python3/dist-packages"))
    assert run([str(root / "usr/bin/lmatch"), "--version"], "/", env).stdout.startswith("lmatch ")
    done = run([PYTHON, "-c", IMPORT], "/", env)
    assert done.stdout.split()[2].startswith(str(root)), done.stdout
    with open(root / "usr/lib/python3/dist-packages/libmatch/_install_paths.py") as f:
        recorded = re.search(r'LIBRARY_PATHS = \["([^"]+)"\]', f.read()).group(1)
    assert recorded == libdir[len(str(root)):] + "/libmatch.so.0", recorded
