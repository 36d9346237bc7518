"""bench/run.py's bookkeeping (no server, no timings): every check-in that writes has an employee of its own, and
the new measures are in the table with their targets."""

from __future__ import annotations

import importlib
import os

import pytest


def _import_run():
    """bench/run.py points its environment at the benchmark's database when imported: keep this process's."""
    saved = dict(os.environ)
    try:
        return importlib.import_module("bench.run")
    finally:
        os.environ.clear()
        os.environ.update(saved)


run = _import_run()


@pytest.mark.parametrize("n", [597, 5_997, 59_997, 299_997])
def test_the_writing_stages_never_share_an_employee(n):
    slices = run.token_slices(n)
    per_run = slices["per_run"][0]
    order = [slices[name] for name in ("app", "write_floor", "fixed", "peak", "bare")]
    assert order[0][0] == 0 and order[-1][1] == n
    for (_lo, hi), (lo2, _hi2) in zip(order, order[1:], strict=False):
        assert hi == lo2  # consecutive, disjoint
    assert slices["app"][1] - slices["app"][0] == slices["write_floor"][1] - slices["write_floor"][0]
    assert slices["app"][1] == run.CHECKIN_RUNS * per_run
    assert slices["peak"][1] - slices["peak"][0] == min(run.FIXED_RATE * run.PEAK_SECONDS, n // 11)


def test_the_new_measures_have_their_targets():
    targets = {key: (op, bound) for key, op, bound in run.TARGETS}
    assert targets["checkin_vs_write_floor"] == (">=", 0.8)
    assert targets["checkin_p99_ms_during_report"] == ("<=", 150)
    assert targets["checkin_errors_during_report"] == ("==", 0)
    assert targets["pages_p95_ms_max"] == ("<=", 300)
    assert targets["hr_dashboard_busy_day_max_ms"] == ("<=", 300)
    assert "not measured" in run.table({"employees": 600})
