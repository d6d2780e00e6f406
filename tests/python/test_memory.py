"""10,000 calls in a loop leave memory flat: every handle a call creates is
freed. The resident set size (from /proc/self/statm) is compared before and
after, after a warm-up that fills Python's and malloc's caches; a control
run that leaks one C result per call shows the measure would see a leak."""
import ctypes
import os

import pytest

import libmatch
from libmatch import api
from libmatch._handles import owned

SLACK = 1024 * 1024  # bytes


def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def growth(call, times, warmup=500):
    for _ in range(warmup):
        call()
    before = rss()
    for _ in range(times):
        call()
    return rss() - before


pytestmark = pytest.mark.skipif(not os.path.exists("/proc/self/statm"),
                                reason="needs /proc/self/statm (Linux)")

HAND = [["n1", "n2", "r1", "r2"], ["n3", "n4", "r3", "r4"]]


def test_form_groups_in_a_loop(tiny):
    expected = tiny.form_groups(seed=1).total
    totals = set()
    grew = growth(lambda: totals.add(tiny.form_groups(seed=1, progress=lambda *a: False).total),
                  10000)
    assert totals == {expected}
    assert grew < SLACK, "form_groups: RSS grew by %d bytes over 10,000 calls" % grew


def test_evaluate_in_a_loop(tiny):
    grew = growth(lambda: tiny.evaluate(HAND), 10000)
    assert grew < SLACK, "evaluate: RSS grew by %d bytes over 10,000 calls" % grew


def test_failures_in_a_loop(tiny):
    def fail():
        try:
            tiny.form_groups(min_size=5, max_size=4)
        except libmatch.Infeasible:
            pass
        try:
            tiny.evaluate([["n1", "nobody"]])
        except libmatch.NotFound:
            pass
        try:
            libmatch.Pool.from_records([{"id": "a", "role": "teacher"}])
        except libmatch.ParseError:
            pass
    grew = growth(fail, 2000, warmup=200)
    assert grew < SLACK, "failures: RSS grew by %d bytes over 2,000 rounds" % grew


def test_pools_in_a_loop():
    from conftest import TINY

    def make():
        with libmatch.Pool.from_records(TINY) as pool:
            pool.form_groups()
    grew = growth(make, 1000, warmup=100)
    assert grew < SLACK, "pools: RSS grew by %d bytes over 1,000 pools" % grew


def test_the_measure_sees_a_leak(tiny):
    handle = tiny._handle()
    with owned(libmatch.lib.lm_params_new, libmatch.lib.lm_params_free,
               ctypes.POINTER(api.lm_params)) as params:
        def leak():
            result = ctypes.POINTER(api.lm_result)()
            assert libmatch.lib.lm_result_new(ctypes.byref(result)) == 0
            assert libmatch.lib.lm_groups_form(handle, params, result) == 0
            # deliberately never freed
        grew = growth(leak, 10000, warmup=0)
    assert grew > SLACK, "a leak of one result per call grew RSS by only %d bytes" % grew
