#!/usr/bin/python3
"""Generates the ctypes layer of the libmatch Python package from the public
header, so that the Python declarations can never drift from the C API.

The header is run through the C preprocessor (with LM_NO_ATTRIBUTES, and
minimal stddef/stdint/stdbool headers of our own so that no system header
reaches the parser), parsed with pycparser, and written out as a module:

  - the object-like LM_* macros whose value is a constant (the version);
  - every enum as an enum.IntEnum class and as plain int constants;
  - every struct as a ctypes.Structure (opaque ones without fields), used
    through distinct POINTER types so that a pool cannot be passed where a
    result is expected;
  - every function pointer typedef as a ctypes.CFUNCTYPE;
  - every function with its restype and argtypes in FUNCTIONS, and bind(lib)
    that sets them on a loaded library.

The output depends only on the header (no paths, no dates), so the test suite
regenerates it and compares it with the built module byte for byte.

Usage: gen_ctypes.py --header libmatch.h -I DIR... [--cc CC] [-o OUT.py]
                     [--depfile OUT.d]
"""
import argparse
import ast
import os
import re
import shlex
import subprocess
import sys
import tempfile

from pycparser import c_ast, c_generator, c_parser

# Stand-ins for the three standard headers libmatch.h includes. Keeping the
# system headers out means pycparser never sees compiler extensions, and the
# typedef names (size_t, int64_t, ...) survive into the AST where we map them
# to their exact ctypes counterparts.
FAKE_HEADERS = {
    "stddef.h": "typedef unsigned long size_t;\ntypedef long ptrdiff_t;\n"
                "#define NULL ((void *)0)\n",
    "stdint.h": "".join("typedef %s %s;\n" % pair for pair in (
        ("signed char", "int8_t"), ("unsigned char", "uint8_t"),
        ("short", "int16_t"), ("unsigned short", "uint16_t"),
        ("int", "int32_t"), ("unsigned int", "uint32_t"),
        ("long", "int64_t"), ("unsigned long", "uint64_t"),
        ("long", "intptr_t"), ("unsigned long", "uintptr_t"))),
    "stdbool.h": "#define bool _Bool\n#define true 1\n#define false 0\n",
}

# C type names (as pycparser spells them, specifiers sorted) -> ctypes.
BASIC_TYPES = {
    "char": "ctypes.c_char",
    "char signed": "ctypes.c_byte",
    "char unsigned": "ctypes.c_ubyte",
    "short": "ctypes.c_short",
    "int short": "ctypes.c_short",
    "short unsigned": "ctypes.c_ushort",
    "int short unsigned": "ctypes.c_ushort",
    "int": "ctypes.c_int",
    "signed": "ctypes.c_int",
    "int signed": "ctypes.c_int",
    "unsigned": "ctypes.c_uint",
    "int unsigned": "ctypes.c_uint",
    "long": "ctypes.c_long",
    "int long": "ctypes.c_long",
    "long unsigned": "ctypes.c_ulong",
    "int long unsigned": "ctypes.c_ulong",
    "long long": "ctypes.c_longlong",
    "int long long": "ctypes.c_longlong",
    "long long unsigned": "ctypes.c_ulonglong",
    "int long long unsigned": "ctypes.c_ulonglong",
    "float": "ctypes.c_float",
    "double": "ctypes.c_double",
    "double long": "ctypes.c_longdouble",
    "_Bool": "ctypes.c_bool",
    "size_t": "ctypes.c_size_t",
    "ptrdiff_t": "ctypes.c_ssize_t",
    "intptr_t": "ctypes.c_ssize_t",
    "uintptr_t": "ctypes.c_size_t",
    "int8_t": "ctypes.c_int8",
    "uint8_t": "ctypes.c_uint8",
    "int16_t": "ctypes.c_int16",
    "uint16_t": "ctypes.c_uint16",
    "int32_t": "ctypes.c_int32",
    "uint32_t": "ctypes.c_uint32",
    "int64_t": "ctypes.c_int64",
    "uint64_t": "ctypes.c_uint64",
}
STANDARD_TYPEDEFS = {"size_t", "ptrdiff_t", "intptr_t", "uintptr_t", "int8_t", "uint8_t",
                     "int16_t", "uint16_t", "int32_t", "uint32_t", "int64_t", "uint64_t"}


# Defined on the preprocessor's command line, so not part of the header.
OWN_DEFINES = {"LM_NO_ATTRIBUTES"}


class GenerateError(Exception):
    pass


# ---- preprocessing -------------------------------------------------------------------

def preprocess(cc, header, include_dirs, extra_flags=()):
    """The preprocessed header text and the -dM macro dump."""
    with tempfile.TemporaryDirectory(prefix="lm-gen-") as fake:
        for name, text in FAKE_HEADERS.items():
            with open(os.path.join(fake, name), "w") as f:
                f.write(text)
        # -isystem: the stand-ins stay out of the dependency file (-MMD), as
        # they vanish with the temporary folder.
        base = shlex.split(cc) + ["-E", "-nostdinc", "-DLM_NO_ATTRIBUTES", "-isystem", fake]
        for d in include_dirs:
            base += ["-I", d]
        code = run(base + list(extra_flags) + ["-P", header])
        macros = run(base + ["-dM", header])
    return code, macros


def run(command):
    try:
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, check=False)
    except OSError as error:
        raise GenerateError("cannot run %s: %s" % (command[0], error)) from error
    if done.returncode != 0:
        raise GenerateError("%s failed:\n%s" % (" ".join(command), done.stderr))
    return done.stdout


# ---- constant expressions (enum values, macros) -------------------------------------

_ALLOWED_BINARY = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b,
                   ast.Mult: lambda a, b: a * b, ast.LShift: lambda a, b: a << b,
                   ast.RShift: lambda a, b: a >> b, ast.BitOr: lambda a, b: a | b,
                   ast.BitAnd: lambda a, b: a & b, ast.BitXor: lambda a, b: a ^ b,
                   ast.Mod: lambda a, b: a % b}


def _c_division(a, b):
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def eval_python_constant(text, names):
    """Evaluates a C constant expression written in Python syntax: integers,
    strings, + - * / % << >> | & ^ ~, parentheses and known names."""
    tree = ast.parse(text.strip(), mode="eval")

    def value(node):
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float, str)):
            return node.value
        if isinstance(node, ast.Name) and node.id in names:
            return names[node.id]
        if isinstance(node, ast.UnaryOp):
            operand = value(node.operand)
            if isinstance(node.op, ast.USub):
                return -operand
            if isinstance(node.op, ast.UAdd):
                return operand
            if isinstance(node.op, ast.Invert):
                return ~operand
        if isinstance(node, ast.BinOp):
            left, right = value(node.left), value(node.right)
            if isinstance(node.op, (ast.Div, ast.FloorDiv)) and isinstance(left, int):
                return _c_division(left, right)
            if type(node.op) in _ALLOWED_BINARY:
                return _ALLOWED_BINARY[type(node.op)](left, right)
        raise ValueError("not a constant expression")

    return value(tree.body)


def c_to_python_expression(text):
    """Makes a C constant expression readable by eval_python_constant."""
    text = re.sub(r"\b(0[xX][0-9a-fA-F]+|\d+)[uUlL]+\b", r"\1", text)
    text = re.sub(r"\b0([0-7]+)\b", r"0o\1", text)
    text = text.replace("&&", " and ").replace("||", " or ")
    return text


def macro_constants(dump):
    """The object-like LM_* macros with a constant value, in name order."""
    raw = {}
    for line in dump.splitlines():
        m = re.match(r"#define\s+([A-Za-z_]\w*)(\(?)\s*(.*)$", line)
        if not m or m.group(2) == "(":
            continue
        raw[m.group(1)] = m.group(3).strip()
    values = {}

    def resolve(name, seen=()):
        if name in values:
            return values[name]
        if name in seen or name not in raw or not raw[name]:
            raise ValueError(name)
        text = c_to_python_expression(raw[name])
        names = {}
        for ident in re.findall(r"[A-Za-z_]\w*", re.sub(r'"[^"]*"', "", text)):
            if ident not in ("and", "or"):
                names[ident] = resolve(ident, seen + (name,))
        values[name] = eval_python_constant(text, names)
        return values[name]

    result = {}
    for name in sorted(raw):
        if not name.startswith("LM_") or name in OWN_DEFINES:
            continue
        try:
            result[name] = resolve(name)
        except (ValueError, SyntaxError, TypeError, ZeroDivisionError):
            continue  # empty (LM_API) or not a constant
    return result


# ---- the AST walk ---------------------------------------------------------------------

class Collector:
    """Collects enums, structs, callbacks and functions in header order."""

    def __init__(self):
        self.enums = []          # (name, [(constant, value)])
        self.enum_names = set()  # typedef and tag names of enums
        self.structs = []        # (name, fields or None)
        self.struct_names = {}   # typedef or tag name -> emitted class name
        self.callbacks = []      # (name, restype, argtypes)
        self.callback_names = set()
        self.functions = []      # (name, restype, argtypes, argnames, declaration)
        self.constants = {}      # enumerator -> value, to evaluate later enumerators
        self.generator = c_generator.CGenerator()

    # -- types --

    def basic(self, names):
        key = " ".join(sorted(n for n in names if n != "const" and n != "volatile"))
        if key in BASIC_TYPES:
            return BASIC_TYPES[key]
        single = names[-1] if len(names) == 1 else None
        if single in self.struct_names:
            return self.struct_names[single]
        if single in self.enum_names:
            return "ctypes.c_int"
        if single in self.callback_names:
            return single
        raise GenerateError("unknown type %r" % " ".join(names))

    def ctype(self, node, for_return=False):
        """The ctypes expression for a type node, or None for void."""
        if isinstance(node, c_ast.Typename) or isinstance(node, c_ast.Decl):
            return self.ctype(node.type, for_return)
        if isinstance(node, c_ast.TypeDecl):
            inner = node.type
            if isinstance(inner, c_ast.IdentifierType):
                if inner.names == ["void"]:
                    return None
                return self.basic(inner.names)
            if isinstance(inner, c_ast.Enum):
                self.enum(inner, inner.name)
                return "ctypes.c_int"
            if isinstance(inner, c_ast.Struct):
                return self.struct(inner, inner.name)
            raise GenerateError("unsupported type %s" % type(inner).__name__)
        if isinstance(node, (c_ast.PtrDecl, c_ast.ArrayDecl)):
            target = node.type
            if isinstance(target, c_ast.FuncDecl):
                return self.funcptr(target)
            if isinstance(target, c_ast.TypeDecl) and isinstance(target.type, c_ast.IdentifierType):
                names = target.type.names
                if names == ["void"]:
                    return "ctypes.c_void_p"
                if names == ["char"]:
                    return "ctypes.c_char_p" if "const" in target.quals else \
                        "ctypes.POINTER(ctypes.c_char)"
            inner = self.ctype(target)
            if inner is None:
                return "ctypes.c_void_p"
            return "ctypes.POINTER(%s)" % inner
        raise GenerateError("unsupported declarator %s" % type(node).__name__)

    def funcptr(self, func):
        restype = self.ctype(func.type, for_return=True)
        args = self.params(func)[0]
        return "ctypes.CFUNCTYPE(%s)" % ", ".join([restype or "None"] + args)

    def params(self, func):
        types, names = [], []
        if func.args is None:
            return types, names
        for i, p in enumerate(func.args.params):
            if isinstance(p, c_ast.EllipsisParam):
                raise GenerateError("variadic functions cannot be declared with ctypes")
            t = self.ctype(p)
            if t is None:  # (void)
                continue
            types.append(t)
            names.append(p.name or "arg%d" % i)
        return types, names

    # -- declarations --

    def enum(self, node, name):
        if node.values is None or name in self.enum_names:
            return
        self.enum_names.add(name)
        members, next_value = [], 0
        for e in node.values.enumerators:
            if e.value is not None:
                text = c_to_python_expression(self.generator.visit(e.value))
                next_value = eval_python_constant(text, self.constants)
            members.append((e.name, next_value))
            self.constants[e.name] = next_value
            next_value += 1
        self.enums.append((name, members))

    def struct(self, node, name):
        if name is None:
            raise GenerateError("anonymous structs are not supported")
        if name not in self.struct_names:
            self.struct_names[name] = name
            self.structs.append([name, None])
        if node.decls is not None:
            fields = [(d.name, self.ctype(d.type)) for d in node.decls]
            for entry in self.structs:
                if entry[0] == self.struct_names[name]:
                    entry[1] = fields
        return self.struct_names[name]

    def typedef(self, node):
        t = node.type
        if isinstance(t, c_ast.TypeDecl) and isinstance(t.type, c_ast.Enum):
            self.enum(t.type, node.name)
            if t.type.name:
                self.enum_names.add(t.type.name)
            self.enum_names.add(node.name)
        elif isinstance(t, c_ast.TypeDecl) and isinstance(t.type, c_ast.Struct):
            tag = t.type.name or node.name
            cls = self.struct(t.type, tag)
            self.struct_names[node.name] = cls
        elif isinstance(t, c_ast.PtrDecl) and isinstance(t.type, c_ast.FuncDecl):
            restype = self.ctype(t.type.type, for_return=True)
            args = self.params(t.type)[0]
            self.callbacks.append((node.name, restype, args))
            self.callback_names.add(node.name)
        elif node.name in STANDARD_TYPEDEFS:
            pass  # from our stand-in headers; mapped by name
        else:
            raise GenerateError("unsupported typedef %s" % node.name)

    def function(self, decl):
        func = decl.type
        restype = self.ctype(func.type, for_return=True)
        args, names = self.params(func)
        text = self.generator.visit(decl)
        self.functions.append((decl.name, restype, args, names, " ".join(text.split())))

    def visit(self, ast_root):
        for node in ast_root.ext:
            if isinstance(node, c_ast.Typedef):
                self.typedef(node)
            elif isinstance(node, c_ast.Decl) and isinstance(node.type, c_ast.FuncDecl):
                self.function(node)
            elif isinstance(node, c_ast.Decl) and isinstance(node.type, c_ast.Enum):
                self.enum(node.type, node.type.name)
            elif isinstance(node, c_ast.Decl) and isinstance(node.type, c_ast.Struct):
                self.struct(node.type, node.type.name)
            else:
                raise GenerateError("unsupported top-level declaration %s" %
                                    self.generator.visit(node))


# ---- output ---------------------------------------------------------------------------

def render(collector, macros, header_name):
    out = []
    w = out.append
    w('"""ctypes declarations of %s.\n\nGenerated by bindings/python/gen_ctypes.py at build '
      'time: do not edit.\n"""' % header_name)
    w("import ctypes")
    w("import enum")
    w("")
    w("# ---- constant macros " + "-" * 60)
    for name, value in macros.items():
        w("%s = %r" % (name, value))
    w("MACROS = {")
    for name in macros:
        w("    %r: %s," % (name, name))
    w("}")
    w("")
    w("# ---- enumerations " + "-" * 63)
    for name, members in collector.enums:
        w("")
        w("")
        w("class %s(enum.IntEnum):" % name)
        for constant, value in members:
            w("    %s = %d" % (constant, value))
    w("")
    w("")
    for name, members in collector.enums:
        for constant, value in members:
            w("%s = %d" % (constant, value))
    w("")
    w("ENUMS = {")
    for name, _ in collector.enums:
        w("    %r: %s," % (name, name))
    w("}")
    w("")
    w("# ---- structs (opaque handles have no fields) " + "-" * 36)
    for name, fields in collector.structs:
        w("")
        w("")
        w("class %s(ctypes.Structure):" % name)
        w('    """struct %s%s."""' % (name, "" if fields else " (opaque)"))
    w("")
    w("")
    for name, fields in collector.structs:
        if fields:
            w("%s._fields_ = [" % name)
            for fname, ftype in fields:
                w("    (%r, %s)," % (fname, ftype))
            w("]")
    w("STRUCTS = (%s)" % "".join("%s, " % name for name, _ in collector.structs))
    w("")
    w("# ---- callback types " + "-" * 61)
    for name, restype, args in collector.callbacks:
        w("%s = ctypes.CFUNCTYPE(%s)" % (name, ", ".join([restype or "None"] + args)))
    w("CALLBACKS = {")
    for name, _, _ in collector.callbacks:
        w("    %r: %s," % (name, name))
    w("}")
    w("")
    w("# ---- functions: (name, restype, argtypes, argument names) " + "-" * 23)
    w("FUNCTIONS = (")
    for name, restype, args, names, text in collector.functions:
        w("    # %s" % text)
        w("    (%r, %s, (%s), %r)," % (name, restype or "None",
                                      "".join("%s, " % a for a in args), tuple(names)))
    w(")")
    w("")
    w("")
    w("def bind(lib):")
    w('    """Sets restype and argtypes of every function on a loaded library.')
    w("")
    w("    Returns the names the library does not export (empty when it matches")
    w('    the header)."""')
    w("    missing = []")
    w("    for name, restype, argtypes, _ in FUNCTIONS:")
    w("        try:")
    w("            function = getattr(lib, name)")
    w("        except AttributeError:")
    w("            missing.append(name)")
    w("            continue")
    w("        function.restype = restype")
    w("        function.argtypes = argtypes")
    w("    return missing")
    return "\n".join(out) + "\n"


def generate(header, include_dirs, cc="cc", depfile=None, target=None):
    """The generated module's text for header."""
    extra = []
    if depfile:
        extra = ["-MMD", "-MF", depfile, "-MT", target or "generated"]
    code, dump = preprocess(cc, header, include_dirs, extra)
    try:
        tree = c_parser.CParser().parse(code, os.path.basename(header))
    except Exception as error:  # pycparser raises its own ParseError
        raise GenerateError("pycparser: %s" % error) from error
    collector = Collector()
    collector.visit(tree)
    return render(collector, macro_constants(dump), os.path.basename(header))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--header", required=True)
    parser.add_argument("-I", dest="include", action="append", default=[])
    parser.add_argument("--cc", default=os.environ.get("CC", "cc"))
    parser.add_argument("-o", "--output", default="-")
    parser.add_argument("--depfile")
    options = parser.parse_args(argv)
    try:
        text = generate(options.header, options.include, options.cc, options.depfile,
                        options.output)
    except GenerateError as error:
        print("gen_ctypes: %s" % error, file=sys.stderr)
        return 1
    if options.output == "-":
        sys.stdout.write(text)
    else:
        # Written in one go, so a failed run never leaves half a module behind.
        partial = options.output + ".tmp"
        with open(partial, "w") as f:
            f.write(text)
        os.replace(partial, options.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
