"""The documented loading order and the version check."""
import ctypes
import os
import shutil
import subprocess
import sys

import pytest

import libmatch
from libmatch import _lib

PACKAGE = os.path.dirname(os.path.abspath(libmatch.__file__))


def python(code, env_changes, pythonpath):
    env = dict(os.environ)
    env.pop("LIBMATCH_LIBRARY", None)
    env.update(env_changes)
    env["PYTHONPATH"] = pythonpath
    return subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, env=env)


def test_environment_variable_comes_first():
    assert os.environ.get("LIBMATCH_LIBRARY"), "meson test sets LIBMATCH_LIBRARY"
    assert libmatch.LIBRARY_PATH == os.environ["LIBMATCH_LIBRARY"]
    assert _lib.candidates() == [("LIBMATCH_LIBRARY", os.environ["LIBMATCH_LIBRARY"])]


def test_build_tree_without_the_variable():
    from libmatch._build_paths import LIBRARY_PATHS
    done = python("import libmatch; print(libmatch.LIBRARY_PATH)", {},
                  os.path.dirname(PACKAGE))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == LIBRARY_PATHS[0]
    assert os.path.samefile(LIBRARY_PATHS[0], os.environ["LIBMATCH_LIBRARY"])


def test_package_folder_before_the_build_tree(tmp_path):
    copy = tmp_path / "libmatch"
    shutil.copytree(PACKAGE, copy)
    shutil.copy(os.environ["LIBMATCH_LIBRARY"], copy / "libmatch.so")
    done = python("import libmatch; print(libmatch.LIBRARY_PATH); "
                  "print(len(libmatch.Pool.sample()))", {}, str(tmp_path))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.split()
    assert lines[0] == str(copy / "libmatch.so")
    assert int(lines[1]) > 0


def test_system_last(tmp_path):
    # Without the variable, a packaged copy or a build tree, only the system
    # remains: the candidates end with find_library's answer (if any).
    copy = tmp_path / "libmatch"
    shutil.copytree(PACKAGE, copy)
    (copy / "_build_paths.py").write_text("LIBRARY_PATHS = ['/nonexistent/libmatch.so']\n")
    done = python("from libmatch import _lib; print(_lib.candidates())", {}, str(tmp_path))
    import ctypes.util
    system = ctypes.util.find_library("match")
    if system is None:
        assert done.returncode != 0
        assert "libmatch: the shared library was not found" in done.stderr
        assert "LIBMATCH_LIBRARY" in done.stderr
    else:
        assert done.stdout.strip().endswith("('system', %r)]" % system)


def test_a_wrong_variable_is_an_error():
    done = python("import libmatch", {"LIBMATCH_LIBRARY": "/nonexistent/libmatch.so"},
                  os.path.dirname(PACKAGE))
    assert done.returncode != 0
    assert "libmatch.LibraryError: libmatch: LIBMATCH_LIBRARY=/nonexistent/libmatch.so " \
           "cannot be loaded" in done.stderr


def test_version_mismatch_is_refused():
    lib = ctypes.CDLL(os.environ["LIBMATCH_LIBRARY"])
    _lib.check_version(lib, "x.so")  # the real one matches
    with pytest.raises(libmatch.LibraryError) as caught:
        _lib.check_version(lib, "/some/libmatch.so", expected=libmatch.VERSION_NUMBER + 10102)
    assert isinstance(caught.value, ImportError)
    actual = libmatch.__version__
    n = libmatch.VERSION_NUMBER + 10102
    wanted = "%d.%d.%d" % (n // 10000, n // 100 % 100, n % 100)
    assert str(caught.value) == (
        "libmatch: the library /some/libmatch.so is version %s, but these bindings were "
        "generated from the header of version %s; set LIBMATCH_LIBRARY to a matching library "
        "or rebuild the bindings" % (actual, wanted))


def test_public_names():
    assert libmatch.SLOTS[0] == "mon-morning" and libmatch.SLOTS[-1] == "sun-evening"
    assert len(libmatch.SLOTS) == 21
    assert "nl" in libmatch.LANGUAGES and "ti" in libmatch.LANGUAGES
    for name in libmatch.__all__:
        assert hasattr(libmatch, name), name
