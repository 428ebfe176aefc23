"""The batch engines: a mixed batch equals single-file runs, timeouts, crashes, memory limits, Dask = local."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest
from jixiao.normalize.records import TABLE_COLUMNS

from jixiao import JixiaoError, extract_file
from jixiao.batch import BatchOptions, job_timeout, make_job, run
from jixiao.engines import Sandbox, _kill_tree, default_memory_limit_mb
from jixiao.pipeline import sha256_of
from tests.conftest import ROOT, SAMPLES
from tools.bench_batch import add_broken, make_batch

SAMPLE_FORMATS = sorted({p.suffix.lstrip(".") for p in (SAMPLES / "hebei").iterdir() if p.suffix != ".json"})
JIXIAO = [sys.executable, "-m", "jixiao.cli"]
DASK_HARD_LIMIT = 180  # seconds: the Dask run is killed (cluster and all) rather than hang CI


def huge_report(folder: Path) -> Path:
    """A legitimate report that takes seconds to read: one sample's tables repeated hundreds of times."""
    text = (SAMPLES / "hebei" / "wenlv_2020.txt").read_text(encoding="utf-8")
    path = folder / "huge.txt"
    path.write_text(text * 600, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """Every sample format, four distinct copies of each sample, plus ~5% broken files; converted once locally."""
    folder = tmp_path_factory.mktemp("mixed")
    inputs = folder / "in"
    make_batch(inputs, 4 * len(list((SAMPLES / "hebei").glob("*.txt"))) * len(SAMPLE_FORMATS), SAMPLE_FORMATS)
    add_broken(inputs / "broken", 4)
    shutil.copyfile(SAMPLES / "hebei" / "yibao_2023.docx", inputs / "wrong-suffix.txt")  # a good file, misnamed
    out = folder / "local"
    manifest = run([inputs], out, BatchOptions(workers=2))
    return inputs, out, manifest


def single_file_json(path: Path, relative: str) -> str | None:
    """What converting this one file alone writes; None when it is not a readable report."""
    try:
        return extract_file(path, relative, sha256_of(path)).to_json().decode("utf-8")
    except JixiaoError:
        return None


def test_every_good_file_equals_its_single_file_run_and_every_input_is_listed(mixed):
    inputs, out, manifest = mixed
    files = sorted(p for p in inputs.rglob("*") if p.is_file())
    assert sorted(manifest["path"]) == sorted(p.relative_to(inputs).as_posix() for p in files)
    rows = manifest.set_index("path")
    converted = 0
    for path in files:
        relative = path.relative_to(inputs).as_posix()
        expected = single_file_json(path, relative)
        written = out / "json" / f"{relative}.json"
        if expected is None:
            assert rows.loc[relative, "status"] == "failed", relative
            assert rows.loc[relative, "error"].startswith(f"{relative}: ")
            assert not written.exists()
        else:
            assert rows.loc[relative, "status"] in ("ok", "warnings", "partial"), rows.loc[relative, "error"]
            assert written.read_text(encoding="utf-8") == expected, relative
            converted += 1
    assert converted >= 4 * 5  # the .txt samples at least
    broken = rows[rows.index.str.startswith("broken/")]
    assert len(broken) == 4 and set(broken["status"]) == {"failed"}
    assert rows.loc["wrong-suffix.txt", "status"] in ("ok", "warnings", "partial")
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")]


def test_the_tables_hold_every_converted_report_and_the_warehouse_is_partitioned_by_fiscal_year(mixed):
    _, out, manifest = mixed
    converted = manifest[manifest["status"].isin(["ok", "warnings", "partial"])]
    assert converted["report_id"].nunique() < len(converted)  # .doc copies are the same bytes: one report each
    converted = converted.drop_duplicates("report_id")  # each from its first path
    reports = pd.read_parquet(out / "tables" / "reports.parquet")
    assert list(reports["source_path"]) == list(converted["path"])
    indicators = pd.read_parquet(out / "tables" / "indicators.parquet")
    assert len(indicators) == converted["indicators"].sum()
    years = dict(zip(reports["report_id"], reports["fiscal_year"], strict=True))
    for name in TABLE_COLUMNS:
        flat = pd.read_parquet(out / "tables" / f"{name}.parquet")
        partitioned = pd.read_parquet(out / "warehouse" / name)
        assert len(partitioned) == len(flat), name
        if len(flat):
            assert sorted(map(int, partitioned["fiscal_year"].astype(str))) == sorted(flat["report_id"].map(years))
    assert {p.name for p in (out / "warehouse" / "projects").iterdir()} == {
        f"fiscal_year={y}" for y in set(years.values())
    }
    umask = os.umask(0)
    os.umask(umask)
    for written in [out / "warehouse", out / "tables" / "reports.parquet", out / "json" / "txt"]:
        assert stat.S_IMODE(written.stat().st_mode) == (0o777 if written.is_dir() else 0o666) & ~umask, written


def extract_with_dask(inputs: Path, out: Path, *options: str) -> tuple[int, str]:
    """Run `jixiao extract --engine dask` (a LocalCluster of 2), killed with its cluster if it hangs."""
    command = [*JIXIAO, "extract", str(inputs), "-o", str(out), "--engine", "dask", "--workers", "2", "-q", *options]
    process = subprocess.Popen(command, cwd=ROOT, start_new_session=True, stderr=subprocess.PIPE, text=True)
    try:
        _, stderr = process.communicate(timeout=DASK_HARD_LIMIT)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return process.returncode, stderr


def test_the_dask_engine_writes_what_the_local_engine_writes(mixed, tmp_path):
    inputs, local, _ = mixed
    out = tmp_path / "dask"
    returncode, stderr = extract_with_dask(inputs, out)
    assert returncode == 1, stderr  # the broken files
    assert "Traceback" not in stderr
    local_json = sorted(p.relative_to(local) for p in (local / "json").rglob("*.json"))
    assert sorted(p.relative_to(out) for p in (out / "json").rglob("*.json")) == local_json
    for relative in local_json:
        assert (out / relative).read_bytes() == (local / relative).read_bytes(), relative
    for table in [f"tables/{name}.parquet" for name in TABLE_COLUMNS]:
        pd.testing.assert_frame_equal(pd.read_parquet(out / table), pd.read_parquet(local / table))
    timings = ["seconds", "input"]  # how long each took; the local run's inputs were read in place, as here
    pd.testing.assert_frame_equal(
        pd.read_parquet(out / "manifest.parquet").drop(columns=timings),
        pd.read_parquet(local / "manifest.parquet").drop(columns=timings),
    )


def test_a_file_over_the_time_limit_fails_and_the_rest_convert(tmp_path, monkeypatch):
    inputs, temp = tmp_path / "in", tmp_path / "temp"
    inputs.mkdir()
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))  # where the workers' temp folders go
    huge_report(inputs)
    for name in ("jiaoyu_2019.txt", "nongye_2021.txt", "yibao_2023.txt"):
        shutil.copyfile(SAMPLES / "hebei" / name, inputs / name)
    started = time.monotonic()
    manifest = run([inputs], tmp_path / "out", BatchOptions(workers=2, timeout=0.5)).set_index("path")
    assert time.monotonic() - started < 30
    assert manifest.loc["huge.txt", "status"] == "failed"
    assert manifest.loc["huge.txt", "error"] == "huge.txt: took longer than 0.5 s"
    assert not (tmp_path / "out" / "json" / "huge.txt.json").exists()
    assert set(manifest.drop("huge.txt")["status"]) <= {"ok", "warnings", "partial"}
    assert list(temp.iterdir()) == []  # the killed worker's included


def test_under_dask_too_a_file_over_the_time_limit_fails_and_the_rest_convert(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    huge_report(inputs)
    shutil.copyfile(SAMPLES / "hebei" / "yibao_2023.txt", inputs / "yibao_2023.txt")
    returncode, stderr = extract_with_dask(inputs, tmp_path / "out", "--timeout", "0.5")
    assert returncode == 1
    assert stderr.splitlines() == ["  failed: huge.txt: took longer than 0.5 s"]
    manifest = pd.read_csv(tmp_path / "out" / "manifest.csv").set_index("path")
    assert manifest.loc["yibao_2023.txt", "status"] in ("ok", "warnings", "partial")


def test_a_worker_that_crashes_costs_its_file_only(tmp_path):
    huge_job = make_job(huge_report(tmp_path), "huge.txt")
    sample_job = make_job(SAMPLES / "hebei" / "yibao_2023.txt", "yibao_2023.txt")
    sandbox = Sandbox(tmp_path / "out", BatchOptions(timeout=60))
    try:
        sandbox.send([huge_job])
        while not sandbox.ready:  # once started, the next thing it does is convert
            assert sandbox.read() == ([], [])
        time.sleep(0.2)
        os.kill(sandbox.process.pid, signal.SIGSEGV)
        rows = []
        while not rows:
            rows, handed_back = sandbox.read()
            assert handed_back == []
        (after,) = sandbox.run([sample_job])  # in a new worker
    finally:
        sandbox.stop()
    (crashed,) = rows
    assert (crashed["status"], crashed["error"]) == ("failed", "huge.txt: the worker crashed (SIGSEGV)")
    assert after["status"] == "ok" and after["report_id"]


def test_a_file_over_the_memory_limit_fails_and_a_fresh_worker_takes_the_next(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    text = (SAMPLES / "hebei" / "wenlv_2020.txt").read_text(encoding="utf-8")
    (inputs / "huge.txt").write_text(text * 600, encoding="utf-8")  # ~23 MB: its reading stays far over 120 MB
    (inputs / "small.txt").write_text(text, encoding="utf-8")
    manifest = run([inputs], tmp_path / "out", BatchOptions(workers=1, memory_limit_mb=120)).set_index("path")
    assert manifest.loc["huge.txt", "error"] == "huge.txt: exceeded the memory limit (120 MB)"
    assert manifest.loc["small.txt", "status"] == "ok"


def test_killing_a_worker_also_ends_what_it_started_in_a_session_of_its_own():
    """As extract/convert.py starts soffice: a worker's own group kill would not reach it."""
    starts_a_helper = (
        "import subprocess, time; subprocess.Popen(['sleep', '60'], start_new_session=True); time.sleep(60)"
    )
    worker = subprocess.Popen([sys.executable, "-c", starts_a_helper], start_new_session=True)
    try:
        deadline = time.monotonic() + 10
        while not (helpers := psutil.Process(worker.pid).children()):
            assert time.monotonic() < deadline
            time.sleep(0.02)
        _kill_tree(worker.pid)
        worker.wait()
        deadline = time.monotonic() + 5
        while any(h.is_running() and h.status() != psutil.STATUS_ZOMBIE for h in helpers):  # no init reaps here
            assert time.monotonic() < deadline, "the helper outlived its worker"
            time.sleep(0.02)
    finally:
        worker.kill()


def test_workers_are_replaced_after_their_share_of_files(tmp_path, monkeypatch):
    spawned = []
    spawn = Sandbox._spawn
    monkeypatch.setattr(Sandbox, "_spawn", lambda sandbox: spawned.append(1) or spawn(sandbox))
    inputs = SAMPLES / "hebei"
    manifest = run([inputs], tmp_path / "out", BatchOptions(workers=2, max_tasks_per_worker=2, include=("*.txt",)))
    assert set(manifest["status"]) <= {"ok", "warnings", "partial"} and len(manifest) == 5
    assert len(spawned) == 3  # 5 files, 2 each: two workers, then one more


def test_every_batch_has_a_memory_ceiling_by_default_from_the_machine():
    share_mb = int(psutil.virtual_memory().total * 0.7 / 2) >> 20
    assert default_memory_limit_mb(2) == max(1024, min(4096, share_mb))
    assert default_memory_limit_mb(10_000) == 1024  # never below what a real report needs
    assert Sandbox(Path("out"), BatchOptions(workers=2)).memory_limit_mb == default_memory_limit_mb(2)
    assert Sandbox(Path("out"), BatchOptions(memory_limit_mb=300)).memory_limit_mb == 300


def test_a_page_image_gets_the_ocr_time_of_each_of_its_frames(tmp_path):
    from PIL import Image

    pages = [Image.new("L", (800, 1100), 255) for _ in range(3)]
    pages[0].save(tmp_path / "scan.tif", save_all=True, append_images=pages[1:])
    pages[0].save(tmp_path / "page.png")
    options = BatchOptions(timeout=100, ocr_page_timeout=60)
    assert job_timeout(make_job(tmp_path / "scan.tif", "scan.tif"), options) == 100 + 3 * 60
    assert job_timeout(make_job(tmp_path / "page.png", "page.png"), options) == 100 + 60


def _engine_noting(seen: list):
    """An engine that converts nothing: it notes the options and the environment of the worker started early."""

    def engine(jobs, out_dir, options, record, started):
        for sandbox in started:
            environ = Path(f"/proc/{sandbox.process.pid}/environ").read_bytes().split(b"\0")
            seen.append((options, dict(item.decode().partition("=")[::2] for item in environ if item)))
            sandbox.stop()

    return engine


@pytest.mark.parametrize(
    ("files", "workers", "expected"),
    [(1, None, os.cpu_count()), (5, 1, os.cpu_count()), (5, None, 1), (1, 4, os.cpu_count())],
    ids=["one-scan", "one-worker", "a-worker-per-core", "fewer-files-than-workers"],
)
def test_ocr_threads_by_default_are_the_cores_the_workers_leave_idle(tmp_path, monkeypatch, files, workers, expected):
    from jixiao.batch import OCR_THREADS_VARIABLE, run_batch
    from jixiao.engines import ENGINES

    monkeypatch.delenv(OCR_THREADS_VARIABLE, raising=False)
    seen = []
    monkeypatch.setitem(ENGINES, "local", _engine_noting(seen))
    for number in range(files):
        shutil.copyfile(SAMPLES / "hebei" / "yibao_2023.txt", tmp_path / f"r{number}.txt")
    run_batch([tmp_path], tmp_path / "out", BatchOptions(workers=workers))
    (options, environ), *_ = seen
    assert options.ocr_threads == expected
    assert environ[OCR_THREADS_VARIABLE] == str(expected)


def test_ocr_threads_given_or_in_the_environment_are_kept(tmp_path, monkeypatch):
    from jixiao.batch import OCR_THREADS_VARIABLE, run_batch
    from jixiao.engines import ENGINES

    seen = []
    monkeypatch.setitem(ENGINES, "local", _engine_noting(seen))
    shutil.copyfile(SAMPLES / "hebei" / "yibao_2023.txt", tmp_path / "r.txt")
    run_batch([tmp_path / "r.txt"], tmp_path / "out1", BatchOptions(ocr_threads=3))
    monkeypatch.setenv(OCR_THREADS_VARIABLE, "1")
    run_batch([tmp_path / "r.txt"], tmp_path / "out2", BatchOptions())
    assert [(options.ocr_threads, environ[OCR_THREADS_VARIABLE]) for options, environ in seen] == [
        (3, "3"),
        (None, "1"),
    ]
