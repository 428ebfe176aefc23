"""The main process's memory barely grows with the batch (issue 10): what it holds per input is compact.

Measured in an interpreter of its own, as a batch's main process is: inside a
long test session the garbage collector's oldest generation runs rarely, so
what a run leaves for it piles up there (1.9 KB an input in the whole suite,
0.9 KB alone).
"""

from __future__ import annotations

import json
import subprocess
import sys

PER_INPUT = 1_500  # bytes; Found with Paths and manifest rows as dicts held about 3,300

MEASURE = """
import json, sys, tracemalloc
from pathlib import Path

import jixiao.warehouse  # imported before measuring: its import is no per-input cost
from jixiao.batch import BatchOptions, failed_row, run_batch
from jixiao.engines import ENGINES


def every_file_fails(jobs, out_dir, options, record, started):
    # an engine without workers: a row per file, as a real engine records them (the planning is real)
    for job in jobs:
        record(failed_row(job, "cannot read it: a test"))


ENGINES["local"] = every_file_fails
peaks = {}
for count in map(int, sys.argv[2:]):
    inputs = Path(sys.argv[1]) / f"in{count}" / "reports"
    inputs.mkdir(parents=True)
    for number in range(count):
        (inputs / f"department_{number:05}_report.txt").write_text(f"report {number}")
    tracemalloc.start()
    outcome = run_batch([inputs.parent], Path(sys.argv[1]) / f"out{count}", BatchOptions(workers=1))
    peaks[count] = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(outcome.rows) == count and {row["status"] for row in outcome.rows} == {"failed"}
print(json.dumps(peaks))
"""


def test_planning_converting_and_writing_the_manifest_hold_little_per_input(tmp_path):
    # a small batch first: what the first batch imports and caches is no per-input cost either
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(tmp_path), "5", "500", "5000"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    peaks = json.loads(done.stdout)
    small, large = peaks["500"], peaks["5000"]
    assert (large - small) / 4_500 < PER_INPUT, (small, large)
