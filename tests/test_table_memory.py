"""The table build's memory barely grows with the batch (issue 10): 10× the reports, about the same peak.

Each build runs in an interpreter of its own, as a batch's main process builds the tables, and reports its
own peak (ru_maxrss).  Arrow's allocator (mimalloc) and the readers' threads (a glibc arena each) kept what
they freed more the more row groups were read and written: 300 → 3,000 reports cost 13-14 MB more; now 8,
most of it what grows with the rows by the files' nature (each row group's metadata, held by its writer
until the file is closed; the list of report files).
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import SAMPLES

GROWTH_MB = 10  # the peak over 3,000 reports less that over 300

BUILD = """
import json, resource, sys
from pathlib import Path

from jixiao import warehouse

out = Path(sys.argv[1])
warehouse.write_tables(sorted((out / "json").iterdir()), out / "tables")
warehouse.write_partitioned(out / "tables", out / "warehouse")
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss >> 10)
"""


def reports_json(out, count):
    """count report JSON files: the sample reports' in turn, each under a report_id of its own."""
    samples = [path.read_bytes() for path in sorted(SAMPLES.rglob("*.txt.expected.json"))]
    (out / "json").mkdir(parents=True)
    for number in range(count):
        data = samples[number % len(samples)]
        report_id = json.loads(data)["report"]["report_id"].encode()
        (out / "json" / f"{number:05}.json").write_bytes(data.replace(report_id, b"%016x" % number))


def peak_mb(out):
    done = subprocess.run([sys.executable, "-c", BUILD, str(out)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return int(done.stdout)


def test_the_tables_of_ten_times_the_reports_peak_about_as_high(tmp_path):
    for count in (300, 3000):
        reports_json(tmp_path / str(count), count)
    small, large = peak_mb(tmp_path / "300"), peak_mb(tmp_path / "3000")
    assert large - small <= GROWTH_MB, (small, large)
