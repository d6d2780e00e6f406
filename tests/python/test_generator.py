"""The generated ctypes module agrees with the public header.

Two independent checks: the generator run again on the header gives the
built module byte for byte, and a plain reading of the header (regular
expressions, no pycparser) finds the same functions, types and enum values."""
import ctypes
import difflib
import importlib.util
import os
import re
import shutil
import subprocess
import sys

import pytest

import libmatch
from libmatch import api

HERE = os.path.dirname(os.path.abspath(__file__))
GENERATOR = os.path.join(HERE, "..", "..", "bindings", "python", "gen_ctypes.py")


def generator_inputs():
    header = os.environ.get("LIBMATCH_HEADER")
    includes = os.environ.get("LIBMATCH_INCLUDE_DIRS")
    if not header or not includes:
        pytest.skip("LIBMATCH_HEADER and LIBMATCH_INCLUDE_DIRS are set by meson test")
    return header, includes.split(":"), os.environ.get("LIBMATCH_CC", "cc")


def load_generator():
    spec = importlib.util.spec_from_file_location("gen_ctypes", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def read_header(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return re.sub(r"/\*.*?\*/", " ", text, flags=re.S)


def test_generated_matches_header():
    header, includes, cc = generator_inputs()
    fresh = load_generator().generate(header, includes, cc)
    with open(api.__file__, encoding="utf-8") as f:
        built = f.read()
    if fresh != built:
        diff = "".join(difflib.unified_diff(built.splitlines(True), fresh.splitlines(True),
                                            "built " + api.__file__, "regenerated", n=1))
        pytest.fail("the built ctypes module differs from the header (rebuild):\n" + diff[:4000])
    # Every function the header declares (found by a plain regex) is bound.
    names = re.findall(r"^\s*LM_API\b[^;(]*?\b(lm_\w+)\s*\(", read_header(header), re.M)
    assert len(names) == len(set(names)) > 100
    generated = [entry[0] for entry in api.FUNCTIONS]
    assert sorted(names) == sorted(generated)
    for name in names:
        function = getattr(libmatch.lib, name)
        assert function.argtypes is not None, name


def _header_types(text):
    enums = set(re.findall(r"typedef\s+enum\s+\w*\s*\{[^}]*\}\s*(\w+)\s*;", text))
    structs = set(re.findall(r"typedef\s+struct\s+\w+\s+(\w+)\s*;", text))
    callbacks = set(re.findall(r"typedef\s+[^;]*?\(\s*\*\s*(\w+)\s*\)\s*\(", text))
    return enums, structs, callbacks


BASE = {"size_t": ctypes.c_size_t, "int64_t": ctypes.c_int64, "uint64_t": ctypes.c_uint64,
        "bool": ctypes.c_bool, "double": ctypes.c_double, "int": ctypes.c_int,
        "unsigned": ctypes.c_uint, "char": ctypes.c_char}


def _expected(declaration, types, has_name):
    """The ctypes type a header declaration needs, read without a parser."""
    enums, structs, callbacks = types
    const = re.search(r"\bconst\b", declaration) is not None
    # \b: "const" inside a name (lm_constraints) is not a qualifier
    words = re.sub(r"\bconst\b", " ", declaration).replace("*", " ").split()
    stars = declaration.count("*")
    if has_name and words != ["void"]:
        words = words[:-1]
    base = " ".join(words)
    if stars == 0 and base == "void":
        return None
    if stars == 1 and base == "char":
        return ctypes.c_char_p if const else ctypes.POINTER(ctypes.c_char)
    if stars == 1 and base == "void":
        return ctypes.c_void_p
    if base in BASE:
        kind = BASE[base]
    elif base in enums:
        kind = ctypes.c_int
    elif base in structs or base in callbacks:
        kind = getattr(api, base)
    else:
        raise AssertionError("unexpected type %r" % declaration)
    for _ in range(stars):
        kind = ctypes.POINTER(kind)
    return kind


def test_signatures_match_a_plain_reading_of_the_header():
    header, _, _ = generator_inputs()
    text = read_header(header)
    types = _header_types(text)
    table = {name: (restype, argtypes) for name, restype, argtypes, _ in api.FUNCTIONS}
    declarations = re.findall(r"^\s*LM_API\s+(?:LM_NODISCARD\s+)?([^;(]*?)\b(lm_\w+)\s*"
                              r"\(([^;]*?)\)\s*;", text, re.M)
    assert len(declarations) == len(table)
    checked = 0
    for return_text, name, params_text in declarations:
        params = [p.strip() for p in " ".join(params_text.split()).split(",")]
        expected_args = [] if params == ["void"] else [_expected(p, types, True) for p in params]
        restype, argtypes = table[name]
        assert restype is _expected(return_text, types, False), name
        assert list(argtypes) == expected_args, name
        assert getattr(libmatch.lib, name).restype is restype
        checked += 1
    assert checked == len(table)
    # The callback type, and the enum values.
    enums, structs, callbacks = types
    assert callbacks == set(api.CALLBACKS)
    assert api.lm_progress_fn._restype_ is ctypes.c_int
    assert api.lm_progress_fn._argtypes_ == (ctypes.c_void_p,) + (ctypes.c_double,) * 3
    assert structs == {cls.__name__ for cls in api.STRUCTS}
    assert enums == set(api.ENUMS)
    values = re.findall(r"^\s*(LM_[A-Z0-9_]+)\s*=\s*(-?\d+)\s*,?\s*$", text, re.M)
    assert len(values) > 60
    for constant, value in values:
        assert getattr(api, constant) == int(value), constant
        owner = [e for e in api.ENUMS.values() if constant in e.__members__]
        assert len(owner) == 1 and owner[0][constant] == int(value)


def test_version_macros_match_the_library():
    assert api.LM_VERSION_STRING == libmatch.lib.lm_version_string().decode()
    assert api.LM_VERSION_NUMBER == libmatch.lib.lm_version_number()
    assert api.LM_VERSION_NUMBER == (api.LM_VERSION_MAJOR * 10000 + api.LM_VERSION_MINOR * 100
                                     + api.LM_VERSION_PATCH)
    assert api.LM_PSEUDONYM_SIZE == libmatch.lib.lm_pseudonym_size()
    assert "LM_NO_ATTRIBUTES" not in api.MACROS


def test_a_changed_header_makes_the_check_fail(tmp_path):
    header, includes, cc = generator_inputs()
    with open(header, encoding="utf-8") as f:
        text = f.read()
    changed = text.replace(
        "#ifdef __cplusplus\n}",
        "LM_API size_t lm_brand_new(const lm_pool *pool, uint64_t mask, bool flag);\n"
        "typedef enum lm_extra { LM_EXTRA_A = 3, LM_EXTRA_B } lm_extra;\n"
        "#ifdef __cplusplus\n}", 1)
    assert changed != text
    copy = tmp_path / "libmatch.h"
    copy.write_text(changed, encoding="utf-8")
    fresh = load_generator().generate(str(copy), includes, cc)
    with open(api.__file__, encoding="utf-8") as f:
        assert fresh != f.read()
    assert ("('lm_brand_new', ctypes.c_size_t, (ctypes.POINTER(lm_pool), ctypes.c_uint64, "
            "ctypes.c_bool, ), ('pool', 'mask', 'flag'))") in fresh
    assert "    LM_EXTRA_A = 3\n    LM_EXTRA_B = 4\n" in fresh


def test_generator_reports_a_broken_header(tmp_path):
    header, includes, cc = generator_inputs()
    broken = tmp_path / "libmatch.h"
    broken.write_text("LM_API int lm_oops(int x;\n", encoding="utf-8")
    done = subprocess.run([sys.executable, GENERATOR, "--header", str(broken), "--cc", cc,
                           "-o", str(tmp_path / "out.py")] + sum((["-I", d] for d in includes),
                                                                  []),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert done.returncode == 1
    assert done.stderr.startswith("gen_ctypes: pycparser:")
    assert not (tmp_path / "out.py").exists()


def test_generator_is_deterministic(tmp_path):
    header, includes, cc = generator_inputs()
    out = tmp_path / "gen.py"
    args = [sys.executable, GENERATOR, "--header", header, "--cc", cc, "-o", str(out)]
    for d in includes:
        args += ["-I", d]
    subprocess.run(args, check=True)
    with open(api.__file__, encoding="utf-8") as f:
        assert out.read_text(encoding="utf-8") == f.read()
    # The output never names the folders it was generated in.
    assert os.path.dirname(header) not in out.read_text(encoding="utf-8")
    shutil.rmtree(tmp_path)
