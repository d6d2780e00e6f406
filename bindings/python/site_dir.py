"""Prints the folder `meson install` puts the libmatch package in (meson.build):
meson's choice (argv[2], printed as given) when this interpreter searches it,
else the first site folder of this interpreter under the prefix (argv[1]),
else meson's choice (then PYTHONPATH must name it)."""
import os
import site
import sys

prefix, chosen = os.path.normpath(sys.argv[1]), sys.argv[2]
sites = [os.path.normpath(path) for path in site.getsitepackages()]
if os.path.normpath(chosen) in sites:
    print(chosen)
else:
    print(next((path for path in sites if path.startswith(prefix.rstrip("/") + "/")), chosen))
