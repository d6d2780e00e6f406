"""The progress callback: reports, cancels, and carries exceptions out."""
import gc
import io
import sys
import types

import pytest

import libmatch
from libmatch import _params


def test_callback_sees_the_run_and_does_not_change_it(city):
    pool_csv, _ = city
    calls = []

    def watch(best, elapsed, fraction):
        gc.collect()  # the C callback object must survive a collection mid-call
        calls.append((best, elapsed, fraction))
        return False

    with libmatch.Pool.from_csv(pool_csv) as pool:
        watched = pool.form_groups(seed=5, progress=watch)
        plain = pool.form_groups(seed=5)
    assert watched.to_json_dict() == plain.to_json_dict()
    assert len(calls) >= 1  # at least when the search ends (and every 0.1 s before)
    assert all(isinstance(b, float) and e >= 0.0 and 0.0 <= f <= 1.0 for b, e, f in calls)
    fractions = [f for _, _, f in calls]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


def test_returning_true_cancels(city):
    pool_csv, _ = city
    calls = []

    def stop_at_once(best, elapsed, fraction):
        calls.append(fraction)
        return True

    with libmatch.Pool.from_csv(pool_csv) as pool:
        with pytest.raises(libmatch.Cancelled):
            pool.form_groups(seed=5, progress=stop_at_once)
        assert len(calls) == 1
        with pytest.raises(libmatch.Cancelled):
            pool.match_pairs(progress=stop_at_once)
        # The pool is fine afterwards.
        assert pool.form_groups(seed=5).total == pool.form_groups(seed=5).total


def test_an_exception_in_the_callback_is_raised_by_the_call(tiny):
    def broken(best, elapsed, fraction):
        return 1 / 0

    with pytest.raises(ZeroDivisionError) as caught:
        tiny.form_groups(progress=broken)
    assert isinstance(caught.value.__cause__, libmatch.Cancelled)

    def interrupted(best, elapsed, fraction):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        tiny.form_groups(progress=interrupted)


def test_partition_progress():
    # A search long enough to report (every 0.1 s): stopped at the second call.
    n = 80
    weights = [[0.0 if i == j else ((i * 31 + j * 31) % 17) / 17.0 for j in range(n)]
               for i in range(n)]
    seen = []

    def second_call_stops(best, elapsed, fraction):
        seen.append((best, elapsed, fraction))
        return len(seen) >= 2

    with pytest.raises(libmatch.Cancelled) as caught:
        libmatch.partition(weights, [(8, 8)] * 10, effort=100000, progress=second_call_stops)
    assert str(caught.value).startswith("partition: cancelled by the progress callback")
    assert len(seen) == 2 and all(0.0 <= f <= 1.0 and e >= 0.1 for _, e, f in seen)


def test_line_reporter():
    out = io.StringIO()
    line = _params._LineReporter(out)
    assert line.update(5.0, 0.5, 0.1) is False
    assert out.getvalue() == ""  # nothing in the first second
    line.update(-3.25, 1.2, 0.5)
    line.update(-3.0, 1.5, 0.6)  # too soon after the last line
    line.update(-2.5, 1.75, 0.75)
    line.close()
    assert out.getvalue() == ("\rlibmatch: best total -3.25 after 1.2 s ( 50%)   "
                              "\rlibmatch: best total -2.5 after 1.8 s ( 75%)   \n")
    quiet = io.StringIO()
    _params._LineReporter(quiet).close()
    assert quiet.getvalue() == ""


def test_progress_true_uses_tqdm_when_installed(tiny, monkeypatch):
    bars = []

    class FakeBar:
        def __init__(self, total, **options):
            self.total, self.n, self.closed, self.postfix = total, 0, False, None
            bars.append(self)

        def update(self, n):
            self.n += n

        def set_postfix_str(self, text, refresh=True):
            self.postfix = text

        def close(self):
            self.closed = True

    monkeypatch.setitem(sys.modules, "tqdm", types.SimpleNamespace(tqdm=FakeBar))
    result = tiny.form_groups(progress=True)
    assert len(bars) == 1 and bars[0].closed and bars[0].total == 100
    assert bars[0].n == 100
    assert bars[0].postfix.startswith("best total ")
    assert result.total == tiny.form_groups().total


def test_progress_true_without_tqdm(tiny, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm now fails
    reporter = _params._default_reporter()
    assert isinstance(reporter, _params._LineReporter)
    tiny.form_groups(progress=True)
    assert capsys.readouterr().err == ""  # a fast run prints nothing


def test_bad_progress_argument(tiny):
    with pytest.raises(TypeError, match="progress must be None, True or a callable"):
        tiny.form_groups(progress="yes")


CHILD = """
import signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started ignoring it
import libmatch
pool = libmatch.Pool.generate(2000, seed=1)
print("ready", flush=True)
start = time.monotonic()
try:
    pool.form_groups(effort=1000000)
    print("finished")
except KeyboardInterrupt as error:
    print("interrupted", type(error.__cause__).__name__, time.monotonic() - start)
print(len(pool.form_groups(effort=1).groups) > 0)
"""


def test_ctrl_c_stops_a_long_search():
    import signal
    import subprocess
    import time
    child = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline() == "ready\n"
        time.sleep(1.0)
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    lines = out.split("\n")
    assert lines[0].startswith("interrupted Cancelled "), out + err
    assert float(lines[0].split()[2]) < 10.0  # stopped at a report, not at the end
    assert lines[1] == "True"  # the pool works afterwards
    assert err == ""  # nothing "ignored" in a ctypes callback


@pytest.mark.parametrize("venues", [0, 48])
def test_best_total_never_falls(venues):
    """Several regions (with venues, regions of 3,000; without, the seam
    phase resumes them): the total reported is the whole pool's as it
    stands, so it never goes down, and the last one reported is at most the
    final total (the later phases only add)."""
    calls = []

    def watch(best, elapsed, fraction):
        calls.append(best)
        return False

    with libmatch.Pool.generate(7000 if venues else 13000, seed=3, venues=venues) as pool:
        result = pool.form_groups(seed=2, progress=watch, threads=2)
        final = result.total
    assert len(calls) >= 3
    assert all(b >= a - 1e-6 for a, b in zip(calls, calls[1:])), calls
    assert calls[-1] <= final + 1e-6
