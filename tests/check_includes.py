#!/usr/bin/python3
"""Checks that libmatch/ keeps its architecture: every #include in
libmatch/** names a header that exists, and a folder only includes the
private headers of the folders it may depend on.

    /usr/bin/python3 tests/check_includes.py [--root CHECKOUT]

Prints one line per violation, "FILE:LINE: rule: detail", and exits 1 when
there is any (0 when the tree is clean, 2 on a bad command line). meson runs
it as the test `includes` (suite `house`); tests/python/test_check_includes.py
plants bad includes in a copy of the tree to show that it fails.

An include is resolved the way the compiler resolves it: a quoted name first
beside the including file, then in the build's include folders (include/,
include/libmatch/ and libmatch/, see libmatch/meson.build). What it resolves
to decides what it depends on:
  - include/libmatch/ (the public header and the generated version header)
    is always fine;
  - libmatch/FOLDER/ is fine when FOLDER is in ALLOWED for the includer;
  - anything else in the checkout (tools/, bench/, tests/, ...) is not;
  - a quoted name that resolves nowhere is an error; an <angle> name that
    resolves nowhere is a system header and fine.
A private header is also named by its folder ("model/model_internal.h"),
so the #include line itself shows the dependency.
"""
import argparse
import os
import re
import sys

# folder -> the folders whose private headers it may include (itself too).
ALLOWED = {
    "common": {"common"},
    "model": {"common", "model"},
    "engine": {"common", "model", "engine"},
    "groups": {"common", "model", "engine", "groups"},
    "pairs": {"common", "model", "engine", "pairs"},
    "partition": {"common", "model", "engine", "partition"},
    "io": {"common", "model", "privacy", "io"},
    "privacy": {"common", "model", "privacy"},
    "rounds": {"common", "model", "engine", "rounds"},
}

# Headers the build generates: they exist in the build tree, not the checkout.
GENERATED = {os.path.join("include", "libmatch", "libmatch_version.h")}

INCLUDE = re.compile(r'^\s*#\s*include\s*(?:"([^"]*)"|<([^>]*)>)')
SOURCE_SUFFIXES = (".c", ".h", ".inc")


def include_dirs(root):
    """The -I folders of libmatch/meson.build, in order."""
    return [os.path.join(root, "include"), os.path.join(root, "include", "libmatch"),
            os.path.join(root, "libmatch")]


def resolve(root, includer, name, quoted):
    """The checkout-relative path an include resolves to, or None."""
    candidates = [os.path.dirname(includer)] if quoted else []
    for folder in candidates + include_dirs(root):
        path = os.path.normpath(os.path.join(folder, name))
        relative = os.path.relpath(path, root)
        if os.path.isfile(path) or relative in GENERATED:
            return relative
    return None


def folder_of(relative):
    """'libmatch/model/tags.c' -> 'model'; None outside libmatch/FOLDER/."""
    parts = relative.split(os.sep)
    if len(parts) >= 3 and parts[0] == "libmatch":
        return parts[1]
    return None


def check_line(root, includer, folder, name, quoted):
    """The violations of one #include line, as (rule, detail) pairs."""
    target = resolve(root, includer, name, quoted)
    shown = ('"%s"' if quoted else "<%s>") % name
    if target is None:
        return [("missing header", "%s does not exist" % shown)] if quoted else []
    if target.startswith(os.path.join("include", "libmatch") + os.sep):
        return []
    if target.split(os.sep)[0] in ("tools", "bench"):
        return [("tools/bench", "%s is %s: the library never includes tools/ or bench/"
                 % (shown, target))]
    target_folder = folder_of(target)
    if target_folder is None or target_folder not in ALLOWED:
        return [("outside the library", "%s is %s, not a header of a libmatch/ folder"
                 % (shown, target))]
    problems = []
    if target_folder not in ALLOWED[folder]:
        problems.append(("dependency", "%s: %s may not depend on %s (it may use: %s)" % (
            shown, folder, target_folder, ", ".join(sorted(ALLOWED[folder])))))
    expected = "/".join(target.split(os.sep)[1:])
    if name != expected:
        problems.append(("folder-qualified name", "%s names %s; write \"%s\"" % (
            shown, target, expected)))
    return problems


def check_tree(root):
    """All violations under root/libmatch, as 'FILE:LINE: rule: detail' lines."""
    root = os.path.abspath(root)
    library = os.path.join(root, "libmatch")
    if not os.path.isdir(library):
        return ["%s: no libmatch/ folder here" % root]
    violations = []
    for directory, subdirs, names in os.walk(library):
        subdirs.sort()
        for file_name in sorted(names):
            if not file_name.endswith(SOURCE_SUFFIXES):
                continue
            path = os.path.join(directory, file_name)
            relative = os.path.relpath(path, root)
            folder = folder_of(relative)
            if folder not in ALLOWED:
                violations.append("%s:1: unknown folder: libmatch/ files live in one of %s"
                                  " (add a new folder to ALLOWED in %s)" % (
                                      relative, ", ".join(sorted(ALLOWED)),
                                      os.path.basename(__file__)))
                continue
            with open(path, encoding="utf-8", errors="replace") as f:
                for number, line in enumerate(f, 1):
                    match = INCLUDE.match(line)
                    if not match:
                        continue
                    quoted = match.group(1) is not None
                    name = match.group(1) if quoted else match.group(2)
                    for rule, detail in check_line(root, path, folder, name, quoted):
                        violations.append("%s:%d: %s: %s" % (relative, number, rule, detail))
    return violations


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=os.path.join(os.path.dirname(
        os.path.abspath(__file__)), ".."), help="the checkout (default: this file's ../)")
    args = parser.parse_args(argv)
    violations = check_tree(args.root)
    for line in violations:
        print(line)
    if violations:
        print("%d include violation(s) in libmatch/" % len(violations), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
