"""Ownership of C handles: freed exactly once, deterministically.

A long-lived handle (a pool, a key) belongs to a Python object that frees it
on close(), at the end of a `with` block, or, failing both, through
weakref.finalize when the object is collected (or at interpreter exit).
Handles that live for one call (parameters, results, groupings) are created
by `owned()` and freed when the call returns, even when it raises."""
import contextlib
import ctypes
import weakref

from .errors import InvalidArgument, check


class Handle:
    """Base of the Python objects that own one C handle."""

    _kind = "handle"

    def __init__(self, pointer, free):
        self._pointer = pointer
        self._finalizer = weakref.finalize(self, free, pointer)

    @property
    def closed(self):
        return self._pointer is None

    def close(self):
        """Frees the C object now; later calls raise. Closing twice is fine."""
        self._finalizer()
        self._pointer = None

    def _handle(self):
        if self._pointer is None:
            raise InvalidArgument("the %s is closed" % self._kind)
        return self._pointer

    def __enter__(self):
        self._handle()
        return self

    def __exit__(self, *exc):
        self.close()
        return False


@contextlib.contextmanager
def owned(new, free, pointer_type, *args):
    """A fresh handle from new(*args, &out), freed when the block ends."""
    pointer = pointer_type()
    check(new(*args, ctypes.byref(pointer)))
    try:
        yield pointer
    finally:
        free(pointer)
