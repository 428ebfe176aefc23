"""Run one hostile input through ``jixiao.extract_file`` in a fresh process and report what happened.

A subprocess, so that peak RSS is the case's own and a runaway case cannot take
the test run down with it.  Peak RSS is ``VmHWM``, the high-water mark of this
process's own memory: ``ru_maxrss`` survives ``exec`` and so reports the forking
pytest parent's size whenever that is larger.  ``python -m
tests.hostile.harness FILE`` prints one JSON line: outcome (``report``,
``ReadError``, ``NotAReport`` or ``unexpected``), the message, seconds, and
peak RSS in MB.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What a hostile input may end in: a report, or one of the documented errors.
DOCUMENTED = {"report", "ReadError", "NotAReport"}
RSS_LIMIT_MB = 1500


@dataclass
class Outcome:
    outcome: str
    message: str
    seconds: float
    rss_mb: float


def run(path: Path, timeout: float = 120) -> Outcome:
    """``extract_file(path)`` in a child process; its result, wall time and peak RSS.

    Asserts what every hostile case must leave behind: the input's bytes
    unchanged and nothing in the child's temporary folder.
    """
    before = hashlib.sha256(path.read_bytes()).digest()
    with tempfile.TemporaryDirectory() as scratch:
        started = time.monotonic()
        completed = subprocess.run(
            [sys.executable, "-m", "tests.hostile.harness", str(path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=os.environ | {"TMPDIR": scratch},
        )
        assert not os.listdir(scratch), f"{path.name} left {os.listdir(scratch)} in the temporary folder"
    assert hashlib.sha256(path.read_bytes()).digest() == before, f"{path.name} was changed"
    lines = completed.stdout.strip().splitlines()
    if completed.returncode != 0 or not lines:
        return Outcome("crashed", completed.stderr[-2000:], time.monotonic() - started, 0.0)
    return Outcome(**json.loads(lines[-1]))


def _main(path: str) -> None:
    import traceback

    import jixiao

    started = time.monotonic()
    try:
        report = jixiao.extract_file(path)
        outcome, message = "report", f"{len(report.projects)} projects, {len(report.warnings)} warnings"
    except (jixiao.ReadError, jixiao.NotAReport) as error:
        outcome, message = type(error).__name__, str(error)
    except BaseException as error:  # noqa: BLE001 - the point is to report it, not to die of it
        outcome, message = "unexpected", "".join(traceback.format_exception(error))[-2000:]
    seconds = time.monotonic() - started
    rss_mb = peak_rss_mb()
    print(json.dumps({"outcome": outcome, "message": message, "seconds": seconds, "rss_mb": rss_mb}))


def peak_rss_mb() -> float:
    """This process's peak resident memory: ``VmHWM``, which starts afresh at ``exec``."""
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024


if __name__ == "__main__":
    _main(sys.argv[1])


def _cpu_seconds(call) -> float:
    """CPU time of one call with the cyclic garbage collector paused.

    Collections of the objects a large document keeps alive cost more the more
    of them there are, which made a linear reader look superlinear (a 4×
    input took 5.5× the time with the collector, 3.6× without).  Paused, not run
    first: a full collection of pytest's heap costs more than most calls measured.
    """
    gc.disable()
    try:
        started = time.process_time()
        call()
        return time.process_time() - started
    finally:
        gc.enable()


def assert_linear(small, large, scale: int = 4, slack: float = 0.05) -> None:
    """``large`` does ``scale`` times the work of ``small``: its time must grow like it, not its square.

    Linear is ``scale``×, quadratic ``scale``²×; the bound is 1.75 × ``scale``
    (7× for 4×), plus ``slack`` seconds for timer noise on tiny inputs.
    """
    small_seconds = large_seconds = float("inf")
    for _ in range(3):  # best of three, taken in turns so that a burst of load on the machine hits both
        small_seconds = min(small_seconds, _cpu_seconds(small))
        large_seconds = min(large_seconds, _cpu_seconds(large))
    assert large_seconds <= 1.75 * scale * small_seconds + slack, (
        f"{scale}× the input took {large_seconds / max(small_seconds, 1e-9):.1f}× the time "
        f"({small_seconds:.3f} s → {large_seconds:.3f} s)"
    )
