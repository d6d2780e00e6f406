"""Exceptions: one class per lm_status code, all subclasses of Error.

Each carries the library's detailed message (lm_errmsg() of the object that
failed, or lm_strerror() when the library gave none) and the status code.
Where a built-in exception means the same, the class derives from it too, so
`except OSError` catches a file that cannot be read and `except ValueError`
catches malformed input."""
import builtins

from ._lib import api, lib, text


class Error(Exception):
    """A libmatch call failed. `code` is the negative lm_status value,
    `status` the same as an lm_status enum member, `message` the detail."""

    code = None

    def __init__(self, message, code=None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    @property
    def status(self):
        return api.lm_status(self.code) if self.code is not None else None


class NoMemory(Error, builtins.MemoryError):
    code = api.LM_E_NOMEM


class InvalidArgument(Error, builtins.ValueError):
    code = api.LM_E_INVALID


class ParseError(Error, builtins.ValueError):
    code = api.LM_E_PARSE


class IOError(Error, builtins.OSError):  # noqa: A001 - the library's name for LM_E_IO
    code = api.LM_E_IO

    def __init__(self, message, code=None):
        # OSError's own constructor would read (errno, strerror) from args.
        Error.__init__(self, message, code)

    def __str__(self):
        return self.message


class Infeasible(Error):
    code = api.LM_E_INFEASIBLE


class NotFound(Error, builtins.LookupError):
    code = api.LM_E_NOTFOUND


class Cancelled(Error):
    code = api.LM_E_CANCELLED


class TooLarge(Error):
    code = api.LM_E_TOO_LARGE


class CryptoError(Error):
    code = api.LM_E_CRYPTO


class FormatError(Error):
    code = api.LM_E_FORMAT


class DuplicateId(Error):
    code = api.LM_E_DUPLICATE


ERRORS = (NoMemory, InvalidArgument, ParseError, IOError, Infeasible, NotFound, Cancelled,
          TooLarge, CryptoError, FormatError, DuplicateId)
_BY_CODE = {cls.code: cls for cls in ERRORS}
# Tracebacks say libmatch.ParseError, where users catch it.
for _cls in (Error,) + ERRORS:
    _cls.__module__ = "libmatch"


def error_for(code, message=None):
    """The exception for a status code (Error itself for an unknown code)."""
    if not message:
        message = text(lib.lm_strerror(code))
    cls = _BY_CODE.get(code)
    return cls(message) if cls else Error(message, code)


def check(status, *handles):
    """Raises the exception for a failed status, with the lm_errmsg() of the
    first handle that has one (the failing call may report on any of its
    objects: the pool, the parameters or the result)."""
    if status == api.LM_OK:
        return
    message = None
    for handle in handles:
        if handle:
            message = text(lib.lm_errmsg(handle))
            if message:
                break
    raise error_for(status, message)
