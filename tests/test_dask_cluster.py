"""A Dask cluster without workers, or one losing them all, ends the batch: exit 2 within 60 s, manifest written."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from jixiao.batch import STATE_DIR
from tests.conftest import ROOT, SAMPLES

DASK = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
BOUND = 60  # seconds the issue allows from losing the workers to the end of the run


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture()
def scheduler(tmp_path):
    """A Dask scheduler of its own (no workers), ended with its process group."""
    address = f"tcp://127.0.0.1:{free_port()}"
    process = subprocess.Popen(
        [*DASK, "--host", "127.0.0.1", "--port", address.rsplit(":", 1)[1], "--no-dashboard"],
        start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_for_port(address)
        yield address
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _wait_for_port(address: str) -> None:
    host, port = address.removeprefix("tcp://").rsplit(":", 1)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex((host, int(port))) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"no Dask scheduler at {address}")


def start_extract(inputs: Path, out: Path, address: str) -> subprocess.Popen:
    command = [*map(str, [sys.executable, "-m", "jixiao.cli", "extract", inputs, "-o", out]), "--engine", "dask",
               "--scheduler", address]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)  # fmt: skip


def finish(process: subprocess.Popen, limit: float) -> tuple[int, str, str]:
    try:
        stdout, stderr = process.communicate(timeout=limit)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise AssertionError(f"the run did not end within {limit:g} s") from None
    return process.returncode, stdout, stderr


def test_a_cluster_without_workers_ends_the_batch_with_exit_2(scheduler, tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copyfile(SAMPLES / "hebei" / "yibao_2023.txt", inputs / "yibao.txt")
    started = time.monotonic()
    returncode, _, stderr = finish(start_extract(inputs, tmp_path / "out", scheduler), BOUND)
    assert returncode == 2 and time.monotonic() - started < BOUND
    assert f"the Dask cluster {scheduler} has no workers" in stderr and "Traceback" not in stderr
    assert (tmp_path / "out" / "manifest.csv").is_file()


def test_killing_every_worker_ends_the_batch_with_exit_2_and_a_manifest_of_what_finished(scheduler, tmp_path):
    inputs = tmp_path / "in"
    for number in range(400):  # enough that the worker is still busy when killed
        (inputs / f"{number // 100}").mkdir(parents=True, exist_ok=True)
        data = (SAMPLES / "hebei" / "wenlv_2020.txt").read_bytes() + b"\n" + b" " * number
        (inputs / f"{number // 100}" / f"wenlv_{number}.txt").write_bytes(data)
    out = tmp_path / "out"
    worker = subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_worker", scheduler, "--nthreads", "1", "--no-nanny",
         "--no-dashboard"],
        start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    run = start_extract(inputs, out, scheduler)
    try:
        deadline = time.monotonic() + 120
        while len(list((out / STATE_DIR).glob("*.json"))) < 20:
            assert time.monotonic() < deadline and run.poll() is None, "the run converted nothing"
            time.sleep(0.05)
    finally:
        os.killpg(worker.pid, signal.SIGKILL)  # the worker and the sandbox it started
        worker.wait()
    killed = time.monotonic()
    returncode, stdout, stderr = finish(run, BOUND + 30)
    assert returncode == 2, stderr
    assert time.monotonic() - killed < BOUND
    assert "lost all its workers" in stderr and "inputs finished, listed in the manifest" in stderr
    assert "Dask dashboard: " in stderr and "Traceback" not in stderr
    manifest = pd.read_csv(out / "manifest.csv")
    assert 20 <= len(manifest) < 400
    assert set(manifest["status"]) <= {"ok", "warnings", "failed"}
    converted = manifest[manifest["status"].isin(["ok", "warnings"])]
    assert all((out / output).is_file() for output in converted["output"])


def test_units_ask_for_the_resources_they_need_and_only_those_some_worker_declares():
    from jixiao.batch import Job
    from jixiao.engines import _resources

    doc = Job("/a.doc", "a.doc", "0" * 64, "ole")
    scan = Job("/s.pdf", "s.pdf", "1" * 64, "pdf", scanned_pages=3)
    text = Job("/t.txt", "t.txt", "2" * 64, "text")
    assert _resources([doc], {"soffice", "ocr"}) == {"soffice": 1}
    assert _resources([scan], {"soffice", "ocr"}) == {"ocr": 1}
    assert _resources([text], {"soffice", "ocr"}) is None
    assert _resources([scan], {"soffice"}) is None  # nobody declares ocr: a constrained task would wait forever
