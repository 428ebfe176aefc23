"""Faults around a batch (issue 11.4): Ctrl-C, SIGTERM, a full disk, OUT over its inputs, --duckdb a folder.

Each ends with the exit status that says what happened, a message and no
traceback, every complete file kept, no worker temp folder left, and the same
command resuming.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest

from jixiao.batch import STATE_DIR
from jixiao.engines import WORKER_TEMP_PREFIX
from tests.conftest import ROOT, SAMPLES

JIXIAO = [sys.executable, "-m", "jixiao.cli"]
SAMPLE = SAMPLES / "hebei" / "yibao_2023.txt"  # a small report: a run of RUN_LENGTH takes seconds
# Long enough that a run is still converting when the test interrupts it after its fifth record.
RUN_LENGTH = 200


def many_reports(folder: Path, count: int) -> Path:
    folder.mkdir()
    text = SAMPLE.read_text(encoding="utf-8")
    for number in range(count):
        (folder / f"r{number:04}.txt").write_text(f"{text}\n{number}\n", encoding="utf-8")
    return folder


def worker_temps(pid: int) -> list[Path]:
    return list(Path(tempfile.gettempdir()).glob(f"{WORKER_TEMP_PREFIX}{pid}-*"))


def start(*args) -> subprocess.Popen:
    return subprocess.Popen(
        [*JIXIAO, "extract", *map(str, args)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def wait_for_records(out: Path, count: int, process: subprocess.Popen) -> None:
    """Until `count` conversions are recorded (the run is mid-way), failing if it ended first."""
    deadline = time.monotonic() + 60
    while len(list((out / STATE_DIR).glob("*.json"))) < count:
        assert process.poll() is None, "the run ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.02)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_an_interrupted_run_keeps_what_finished_says_how_to_resume_and_leaves_no_temp(tmp_path, signum):
    inputs, out = many_reports(tmp_path / "in", RUN_LENGTH), tmp_path / "out"
    process = start(inputs, "-o", out, "--workers", "2", "-q")
    wait_for_records(out, 5, process)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr
    assert "interrupted" in stderr and "run the same command again" in stderr
    assert worker_temps(process.pid) == []
    finished = pd.read_csv(out / "manifest.csv", keep_default_na=False, encoding="utf-8-sig")
    assert 5 <= len(finished) < RUN_LENGTH and set(finished["status"]) == {"ok"}
    again = subprocess.run(
        [*JIXIAO, "extract", inputs, "-o", out, "-q"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert again.returncode == 0, again.stderr
    resumed = pd.read_csv(out / "manifest.csv", keep_default_na=False, encoding="utf-8-sig")
    assert len(resumed) == RUN_LENGTH and resumed["resumed"].astype(str).eq("True").sum() >= len(finished)


def test_worker_temp_folders_of_a_run_killed_with_sigkill_are_removed_by_the_next(tmp_path):
    inputs, out = many_reports(tmp_path / "in", RUN_LENGTH), tmp_path / "out"
    process = start(inputs, "-o", out, "--workers", "2", "-q")
    wait_for_records(out, 5, process)
    workers = psutil.Process(process.pid).children(recursive=True)
    process.kill()
    process.communicate(timeout=60)
    _, alive = psutil.wait_procs(workers, timeout=30)  # they die with their parent (PR_SET_PDEATHSIG)
    assert not alive
    assert worker_temps(process.pid)  # nothing could tidy them
    again = subprocess.run([*JIXIAO, "extract", inputs, "-o", out, "-q"], cwd=ROOT, capture_output=True, timeout=300)
    assert again.returncode == 0
    assert worker_temps(process.pid) == []


@pytest.fixture()
def small_disk(tmp_path):
    """A 300 KB file system (tmpfs), as a full disk is met in the field."""
    mount = tmp_path / "disk"
    mount.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(mount)], capture_output=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {result.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_ends_the_run_with_exit_2_and_keeps_every_complete_file(tmp_path, small_disk):
    inputs = many_reports(tmp_path / "in", 20)  # about 95 KB of JSON each: the disk holds three
    result = subprocess.run(
        [*JIXIAO, "extract", inputs, "-o", small_disk / "out", "--workers", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2, result.stderr
    assert "disk full" in result.stderr and "Traceback" not in result.stderr
    written = list((small_disk / "out" / "json").glob("*.json"))
    assert written
    for path in written:
        assert path.read_text(encoding="utf-8").rstrip().endswith("}")  # complete, never a torn file
    assert not list((small_disk / "out").rglob("*.part"))


def test_an_out_that_is_the_input_folder_is_refused_before_anything_is_written(tmp_path):
    inputs = many_reports(tmp_path / "in", 2)
    before = sorted(p.name for p in inputs.iterdir())
    for out in (inputs, tmp_path):  # OUT is the input folder; the input folder is inside OUT
        result = subprocess.run(
            [*JIXIAO, "extract", inputs, "-o", out], cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 2 and "is OUT" in result.stderr, result.stderr
    assert sorted(p.name for p in inputs.iterdir()) == before


def test_a_duckdb_path_that_is_a_folder_is_refused_before_converting(tmp_path):
    inputs = many_reports(tmp_path / "in", 1)
    (tmp_path / "db").mkdir()
    result = subprocess.run(
        [*JIXIAO, "extract", inputs, "-o", tmp_path / "out", "--duckdb", tmp_path / "db"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2 and "is a folder" in result.stderr, result.stderr
    assert not (tmp_path / "out" / "json").exists()


def test_out_inside_an_input_folder_still_works(tmp_path):
    inputs = many_reports(tmp_path / "in", 2)
    result = subprocess.run(
        [*JIXIAO, "extract", inputs, "-o", inputs / "out", "-q"], cwd=ROOT, capture_output=True, timeout=120
    )
    assert result.returncode == 0
    assert len(pd.read_csv(inputs / "out" / "manifest.csv")) == 2  # OUT's own files are not inputs
