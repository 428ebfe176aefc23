"""Resume: a run killed with kill -9 midway, then run again, ends as an uninterrupted run; finished files stay."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest
from jixiao.normalize.records import TABLE_COLUMNS

from jixiao.batch import STATE_DIR, BatchOptions, run
from tests.conftest import ROOT, SAMPLES
from tools.bench_batch import make_batch

JIXIAO = [sys.executable, "-m", "jixiao.cli"]


def extract(inputs: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*JIXIAO, "extract", str(inputs), "-o", str(out), "--workers", "2", "-q", *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def recorded_paths(out: Path) -> set[str]:
    return {json.loads(p.read_text())["row"]["path"] for p in (out / STATE_DIR).glob("*.json")}


def assert_same_outputs(out: Path, reference: Path) -> None:
    written = sorted(p.relative_to(out) for p in (out / "json").rglob("*.json"))
    assert written == sorted(p.relative_to(reference) for p in (reference / "json").rglob("*.json"))
    for relative in written:
        assert (out / relative).read_bytes() == (reference / relative).read_bytes(), relative
    for name in TABLE_COLUMNS:
        assert (out / "tables" / f"{name}.csv").read_bytes() == (reference / "tables" / f"{name}.csv").read_bytes()
        pd.testing.assert_frame_equal(
            pd.read_parquet(out / "tables" / f"{name}.parquet"),
            pd.read_parquet(reference / "tables" / f"{name}.parquet"),
        )


def test_a_run_killed_midway_then_rerun_ends_as_an_uninterrupted_run(tmp_path):
    inputs, out = tmp_path / "in", tmp_path / "out"
    make_batch(inputs, 500, ["txt"])
    command = [*JIXIAO, "extract", str(inputs), "-o", str(out), "--workers", "2", "-q"]
    process = subprocess.Popen(command, cwd=ROOT, start_new_session=True)
    workers = []
    try:
        deadline = time.monotonic() + 60
        while len(list((out / STATE_DIR).glob("*.json"))) < 40 and process.poll() is None:
            assert time.monotonic() < deadline, "the run converted nothing in 60 s"
            time.sleep(0.02)
        workers = psutil.Process(process.pid).children(recursive=True)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert not (out / "manifest.csv").exists(), "the run finished before it was killed: make the batch bigger"
    _, alive = psutil.wait_procs(workers, timeout=30)  # they die with it: nothing writes once they are gone
    assert not alive
    finished = recorded_paths(out)
    assert 40 <= len(finished) < 500
    before = {path: os.stat(out / "json" / f"{path}.json") for path in finished}

    rerun = extract(inputs, out)
    assert rerun.returncode == 0, rerun.stderr
    manifest = pd.read_csv(out / "manifest.csv", keep_default_na=False).set_index("path")
    assert set(manifest.index[manifest["resumed"]]) == finished
    assert set(manifest["status"]) <= {"ok", "warnings", "partial"}
    for path, stat in before.items():
        after = os.stat(out / "json" / f"{path}.json")
        assert (after.st_ino, after.st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns), path
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")]

    reference = tmp_path / "reference"
    assert extract(inputs, reference).returncode == 0
    assert_same_outputs(out, reference)


@pytest.fixture()
def converted(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for sample in sorted((SAMPLES / "hebei").glob("*.txt")):
        shutil.copyfile(sample, inputs / sample.name)
    (inputs / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    return inputs, out, run([inputs], out, BatchOptions(workers=2))


def test_a_rerun_skips_what_was_converted_and_carries_its_rows_over(converted):
    inputs, out, first = converted
    mtimes = {p: p.stat().st_mtime_ns for p in (out / "json").rglob("*.json")}
    tables = pd.read_parquet(out / "tables" / "indicators.parquet")
    again = run([inputs], out, BatchOptions(workers=2)).set_index("path")
    first = first.set_index("path")
    good = first.index[first["status"] != "failed"]
    assert set(again.loc[good, "resumed"]) == {True} and not again.loc["empty.txt", "resumed"]
    assert again.loc["empty.txt", "status"] == "failed"  # failures are tried again
    # a resumed row keeps what its conversion said: status, warning codes, counts, JSON
    kept = ["status", "error", "report_id", "format", "projects", "indicators", "goals", "measures", "warnings",
            "output", "sha256"]  # fmt: skip
    pd.testing.assert_frame_equal(again.loc[good, kept], first.loc[good, kept])
    assert "warnings" in set(first.loc[good, "status"]) and again.loc[good, "error"].notna().any()
    assert {p: p.stat().st_mtime_ns for p in (out / "json").rglob("*.json")} == mtimes
    pd.testing.assert_frame_equal(pd.read_parquet(out / "tables" / "indicators.parquet"), tables)


def test_force_converts_again_and_a_changed_file_is_converted_again(converted):
    inputs, out, _ = converted
    forced = run([inputs], out, BatchOptions(workers=2, force=True))
    assert not forced["resumed"].any()
    with open(inputs / "yibao_2023.txt", "a", encoding="utf-8") as handle:
        handle.write("\n")
    again = run([inputs], out, BatchOptions(workers=2)).set_index("path")
    assert again.loc["yibao_2023.txt", "status"] == "ok" and not again.loc["yibao_2023.txt", "resumed"]
    assert set(again.drop(["yibao_2023.txt", "empty.txt"])["resumed"]) == {True}
