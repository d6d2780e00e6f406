"""Solver parameters from keyword arguments, and the progress callback."""
import contextlib
import ctypes
import signal
import sys
import threading

from ._handles import owned
from ._lib import api, lib
from .errors import InvalidArgument, check

# Both the objective's names and the Greek letters of DESIGN.md, as the CLI's
# --weights accepts them.
WEIGHTS = {
    "theme": api.LM_PARAM_ALPHA, "alpha": api.LM_PARAM_ALPHA,
    "shared": api.LM_PARAM_BETA, "beta": api.LM_PARAM_BETA,
    "exchange": api.LM_PARAM_GAMMA, "gamma": api.LM_PARAM_GAMMA,
    "cohost": api.LM_PARAM_ETA, "eta": api.LM_PARAM_ETA,
    "balance": api.LM_PARAM_LAMBDA, "lambda": api.LM_PARAM_LAMBDA,
    "unassigned": api.LM_PARAM_MU, "mu": api.LM_PARAM_MU,
    "repeat": api.LM_PARAM_REPEAT, "rho": api.LM_PARAM_REPEAT,
}

_INTS = {
    "min_size": api.LM_PARAM_MIN_SIZE,
    "max_size": api.LM_PARAM_MAX_SIZE,
    "min_per_role": api.LM_PARAM_MIN_PER_ROLE,
    "threads": api.LM_PARAM_THREADS,
    "effort": api.LM_PARAM_EFFORT,
    "candidates": api.LM_PARAM_CANDIDATES,
}
_DOUBLES = {
    "time_limit": api.LM_PARAM_TIME_LIMIT,
    "max_km": api.LM_PARAM_DEFAULT_MAX_KM,
    "history_decay": api.LM_PARAM_REPEAT_DECAY,
}


def _integer(name, value):
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise InvalidArgument("%s must be a whole number, not %r" % (name, value))
    return value.__index__()


def _set_int(params, key, value):
    check(lib.lm_params_set_int(params, key, value), params)


def _set_double(params, key, value):
    check(lib.lm_params_set_double(params, key, float(value)), params)


def configure(params, seed=None, language=None, weights=None, **options):
    """Applies keyword options (None = the library's default) to params."""
    if seed is not None:
        seed = _integer("seed", seed)
        if not 0 <= seed < 2 ** 64:
            raise InvalidArgument("seed must be in [0, 2**64), not %d" % seed)
        # The parameter is an int64_t; seeds above 2**63 wrap as in the CLI.
        _set_int(params, api.LM_PARAM_SEED, seed - 2 ** 64 if seed >= 2 ** 63 else seed)
    if language is not None:
        _set_int(params, api.LM_PARAM_LANGUAGE, 1 if language else 0)
    for name, value in options.items():
        if value is None:
            continue
        if name in _INTS:
            _set_int(params, _INTS[name], _integer(name, value))
        elif name in _DOUBLES:
            _set_double(params, _DOUBLES[name], value)
        else:
            raise TypeError("unknown parameter %r" % name)
    for name, value in (weights or {}).items():
        if name not in WEIGHTS:
            raise InvalidArgument("unknown weight %r (theme, shared, exchange, cohost, balance, "
                                  "unassigned or alpha, beta, gamma, eta, lambda, mu)" % name)
        _set_double(params, WEIGHTS[name], value)
    check(lib.lm_params_check(params), params)


@contextlib.contextmanager
def parameters(progress=None, **options):
    """An lm_params for one call, with the progress callback attached. After
    the call, raises the callback's own exception if it raised one, and
    KeyboardInterrupt if Ctrl-C cancelled the search."""
    with owned(lib.lm_params_new, lib.lm_params_free, ctypes.POINTER(api.lm_params)) as params:
        configure(params, **options)
        watcher = Progress(progress)
        try:
            check(lib.lm_params_set_progress(params, watcher.c_callback, None), params)
            with _interrupts_cancel(watcher):
                yield params
        except BaseException as error:
            if watcher.error is not None:
                raise watcher.error from error
            if watcher.interrupted:
                raise KeyboardInterrupt from error
            raise
        finally:
            watcher.finish()
        if watcher.error is not None:
            raise watcher.error
        if watcher.interrupted:
            raise KeyboardInterrupt


@contextlib.contextmanager
def _interrupts_cancel(watcher):
    """Ctrl-C during the call sets a flag that the next progress report turns
    into a cancel. Python's own handler would raise KeyboardInterrupt on
    entry to the callback, where ctypes can only print and drop it."""
    if (threading.current_thread() is not threading.main_thread()
            or signal.getsignal(signal.SIGINT) is not signal.default_int_handler):
        yield
        return

    def interrupted(signum, frame):
        watcher.interrupted = True

    previous = signal.signal(signal.SIGINT, interrupted)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class Progress:
    """The C progress callback around a Python callable.

    progress is None/False (no report), True (a tqdm bar when tqdm is
    installed, else a line on stderr) or a callable (best_total, elapsed,
    fraction) -> bool that returns True to cancel. The callback is installed
    even without a report so that Ctrl-C (KeyboardInterrupt) cancels a long
    search instead of waiting for it. An exception raised by the callable
    cancels the search and is raised again by the call."""

    def __init__(self, progress):
        self.error = None
        self.interrupted = False
        self.reporter = None
        if progress is True:
            self.reporter = _default_reporter()
            self.function = self.reporter.update
        elif progress is None or progress is False:
            self.function = None
        elif callable(progress):
            self.function = progress
        else:
            raise TypeError("progress must be None, True or a callable, not %r" % (progress,))
        # Kept on self: the C library holds only the raw pointer, so this
        # object must outlive the call.
        self.c_callback = api.lm_progress_fn(self._call)

    def _call(self, user, best_total, elapsed, fraction):
        if self.error is not None or self.interrupted:
            return 1
        try:
            if self.function is not None and self.function(best_total, elapsed, fraction):
                return 1
        except BaseException as error:  # noqa: B902 - KeyboardInterrupt cancels too
            self.error = error
            return 1
        return 0

    def finish(self):
        if self.reporter is not None:
            self.reporter.close()
            self.reporter = None


def _default_reporter():
    try:
        import tqdm
    except ImportError:
        return _LineReporter()
    return _TqdmReporter(tqdm.tqdm)


class _TqdmReporter:
    def __init__(self, tqdm_class):
        self.bar = tqdm_class(total=100, desc="libmatch", unit="%",
                              bar_format="{desc}: {percentage:3.0f}%|{bar}| {postfix}")
        self.done = 0

    def update(self, best_total, elapsed, fraction):
        percent = int(max(0.0, min(1.0, fraction)) * 100)
        if percent > self.done:
            self.bar.update(percent - self.done)
            self.done = percent
        self.bar.set_postfix_str("best total %.6g" % best_total, refresh=False)
        return False

    def close(self):
        self.bar.close()


class _LineReporter:
    """The CLI's progress line: after a second, at most twice a second."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self.last = 0.0
        self.printed = False

    def update(self, best_total, elapsed, fraction):
        if elapsed < 1.0 or elapsed - self.last < 0.5:
            return False
        self.last = elapsed
        self.printed = True
        self.stream.write("\rlibmatch: best total %.15g after %.1f s (%3.0f%%)   "
                          % (best_total, elapsed, 100.0 * fraction))
        self.stream.flush()
        return False

    def close(self):
        if self.printed:
            self.stream.write("\n")
            self.stream.flush()
