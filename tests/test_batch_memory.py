"""The main process's memory barely grows with the batch (issue 10): what it holds per input is compact."""

from __future__ import annotations

import tracemalloc

import jixiao.warehouse  # noqa: F401 — imported before measuring: its import is no per-input cost
from jixiao.batch import BatchOptions, failed_row, run_batch
from jixiao.engines import ENGINES

PER_INPUT = 1_500  # bytes; Found with Paths and manifest rows as dicts held about 3,300


def every_file_fails(jobs, out_dir, options, record, started) -> None:
    """An engine without workers: a row per file, as a real engine records them (the planning is real)."""
    for job in jobs:
        record(failed_row(job, "cannot read it: a test"))


def peak_bytes(tmp_path, count: int, monkeypatch) -> int:
    inputs = tmp_path / f"in{count}" / "reports"
    inputs.mkdir(parents=True)
    for number in range(count):
        (inputs / f"department_{number:05}_report.txt").write_text(f"report {number}")
    monkeypatch.setitem(ENGINES, "local", every_file_fails)
    tracemalloc.start()
    try:
        outcome = run_batch([inputs.parent], tmp_path / f"out{count}", BatchOptions(workers=1))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(outcome.rows) == count and {row["status"] for row in outcome.rows} == {"failed"}
    return peak


def test_planning_converting_and_writing_the_manifest_hold_little_per_input(tmp_path, monkeypatch):
    peak_bytes(tmp_path, 5, monkeypatch)  # what the first batch imports and caches is no per-input cost either
    small, large = peak_bytes(tmp_path, 500, monkeypatch), peak_bytes(tmp_path, 5_000, monkeypatch)
    assert (large - small) / 4_500 < PER_INPUT, (small, large)
