"""libmatch: mixed, equal-role project groups of newcomers and residents.

    import libmatch
    with libmatch.Pool.generate(200, seed=3) as pool:
        result = pool.form_groups(seed=5)
    print(result.total, len(result.groups), result.unassigned[:1])
    frame = result.to_dataframe()      # one row per member (pandas)

The low-level layer (`libmatch.api`, the module _ctypes_generated) is
generated from the public header libmatch.h at build time by
bindings/python/gen_ctypes.py; everything else is a thin layer over it.

Loading the shared library (the first that exists wins):
  1. the LIBMATCH_LIBRARY environment variable, the path of the library file
     (when set it must load: there is no silent fallback);
  2. libmatch.so* next to the package: in its folder, or in
     .libmatch.mesonpy.libs beside it (a wheel of `pip install .`);
  3. the build tree the package was built in (recorded by meson);
  4. the system: the library `meson install` put beside this package's
     install (recorded by meson), then ctypes.util.find_library('match').
The library's lm_version_number() must equal the LM_VERSION_NUMBER of the
header the bindings were generated from, else the import raises
libmatch.LibraryError (an ImportError).

Errors raise libmatch.Error, with one subclass per status code (NoMemory,
InvalidArgument, ParseError, IOError, Infeasible, NotFound, Cancelled,
TooLarge, CryptoError, FormatError, DuplicateId) carrying the library's
message (`str(error)`, `error.message`) and its code (`error.code`).
"""
from ._lib import LibraryError, api, lib, path as LIBRARY_PATH, text as _text
from .errors import (Cancelled, CryptoError, DuplicateId, Error, FormatError, Infeasible,
                     InvalidArgument, IOError, NoMemory, NotFound, ParseError, TooLarge)
from .keys import Key
from .partition import PartitionResult, partition
from .pool import Pool
from .results import Group, Result, Unassigned, Violation

__version__ = _text(lib.lm_version_string())
VERSION_NUMBER = lib.lm_version_number()

#: The weekly slot labels, by slot index ("mon-morning" ... "sun-evening").
SLOTS = tuple(_text(lib.lm_slot_label(i)) for i in range(lib.lm_slot_count()))
#: The language codes, by language index.
LANGUAGES = tuple(_text(lib.lm_language_code(i)) for i in range(lib.lm_language_count()))

__all__ = [
    "Pool", "Result", "Group", "Unassigned", "Violation", "partition", "PartitionResult",
    "Key", "Error", "NoMemory", "InvalidArgument", "ParseError", "IOError", "Infeasible",
    "NotFound", "Cancelled", "TooLarge", "CryptoError", "FormatError", "DuplicateId",
    "LibraryError", "api", "LIBRARY_PATH", "SLOTS", "LANGUAGES",
]
