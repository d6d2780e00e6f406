"""Finds and loads the shared library, checks its version and binds the
generated declarations to it.

Order (the first that exists wins):
  1. the LIBMATCH_LIBRARY environment variable: the path of the library
     file (an error when it is set but cannot be loaded: no silent fallback);
  2. a copy of the library next to the package: libmatch.so* in the package
     folder (as an application that bundles it would ship it), or in
     .libmatch.mesonpy.libs beside it (where a wheel built by meson-python,
     `pip install .`, puts it);
  3. the build tree the package was built in (recorded by meson in
     _build_paths.py);
  4. the system: the library `meson install` put in PREFIX/LIBDIR (recorded
     in _install_paths.py, installed with the package), then
     ctypes.util.find_library('match') (ldconfig, LD_LIBRARY_PATH and the
     usual library folders).
"""
import ctypes
import ctypes.util
import glob
import importlib
import os
import sys

try:
    from . import _ctypes_generated as api
except ImportError as error:  # the source tree holds no generated module
    raise ImportError(
        "libmatch: the generated ctypes module (_ctypes_generated.py) is missing. Import "
        "the package from the build tree (PYTHONPATH=BUILD/bindings/python) after "
        "`ninja -C BUILD`, or generate it with bindings/python/gen_ctypes.py") from error


class LibraryError(ImportError):
    """The shared library cannot be found, loaded, or does not match the
    header the bindings were generated from."""

    __module__ = "libmatch"


def _package_candidates():
    here = os.path.dirname(os.path.abspath(__file__))
    # meson-python names the folder after the project: .PROJECT.mesonpy.libs
    wheel_libs = os.path.join(os.path.dirname(here), ".libmatch.mesonpy.libs")
    patterns = {"darwin": ["libmatch*.dylib"], "win32": ["match*.dll", "libmatch*.dll"]}
    found = []
    for folder in (here, wheel_libs):
        for pattern in patterns.get(sys.platform, ["libmatch.so", "libmatch.so.*"]):
            found += sorted(glob.glob(os.path.join(folder, pattern)))
    return found


def _recorded_candidates(module):
    """The existing paths that meson wrote into _build_paths.py (the build
    tree) or _install_paths.py (installed with the package)."""
    try:
        paths = importlib.import_module("." + module, __package__).LIBRARY_PATHS
    except ImportError:
        return []
    return [p for p in paths if os.path.exists(p)]


def _build_tree_candidates():
    return _recorded_candidates("_build_paths")


def candidates():
    """(where, path) in the order the loader tries them."""
    env = os.environ.get("LIBMATCH_LIBRARY")
    if env:
        return [("LIBMATCH_LIBRARY", env)]
    result = [("package folder", p) for p in _package_candidates()]
    result += [("build tree", p) for p in _build_tree_candidates()]
    result += [("system", p) for p in _recorded_candidates("_install_paths")]
    system = ctypes.util.find_library("match")
    if system:
        result.append(("system", system))
    return result


def check_version(lib, path, expected=None):
    """Raises LibraryError unless lib's lm_version_number() is the version of
    the header the bindings were generated from."""
    expected = api.LM_VERSION_NUMBER if expected is None else expected
    function = lib.lm_version_number
    function.restype = ctypes.c_int
    function.argtypes = ()
    actual = function()
    if actual != expected:
        def text(n):
            return "%d.%d.%d" % (n // 10000, n // 100 % 100, n % 100)
        raise LibraryError(
            "libmatch: the library %s is version %s, but these bindings were generated from "
            "the header of version %s; set LIBMATCH_LIBRARY to a matching library or rebuild "
            "the bindings" % (path, text(actual), text(expected)))


def load():
    """The loaded and bound library and its path."""
    tried = []
    for where, path in candidates():
        try:
            lib = ctypes.CDLL(path)
        except OSError as error:
            if where == "LIBMATCH_LIBRARY":
                raise LibraryError("libmatch: LIBMATCH_LIBRARY=%s cannot be loaded: %s"
                                   % (path, error)) from error
            tried.append("%s (%s): %s" % (path, where, error))
            continue
        check_version(lib, path)
        missing = api.bind(lib)
        if missing:
            raise LibraryError("libmatch: the library %s lacks functions of the header: %s"
                               % (path, ", ".join(missing)))
        return lib, path
    raise LibraryError(
        "libmatch: the shared library was not found. Set LIBMATCH_LIBRARY to the path of "
        "libmatch.so, put it in the package folder, or install it on the system%s"
        % ("; tried " + "; ".join(tried) if tried else ""))


lib, path = load()


def text(pointer):
    """A returned const char * (bytes or None) as str or None."""
    return None if pointer is None else pointer.decode("utf-8", "replace")


def c_string(value, what="string"):
    """A str (or bytes) argument as NUL-terminated UTF-8."""
    if isinstance(value, bytes):
        data = value
    elif isinstance(value, str):
        data = value.encode("utf-8")
    else:
        raise TypeError("%s must be a str, not %s" % (what, type(value).__name__))
    if b"\0" in data:
        raise ValueError("%s must not contain NUL characters" % what)
    return data


def c_path(value):
    """A file path argument (str, bytes or os.PathLike) as bytes."""
    data = os.fsencode(value)
    if b"\0" in data:
        raise ValueError("a path must not contain NUL characters")
    return data
