"""A batch converts its .doc files in groups, one soffice start each, and one bad file costs only itself (issue 10.1)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from jixiao.extract import convert_to_docx
from jixiao.extract.model import ReadError

from jixiao.batch import BatchOptions, Job, make_job, work_units
from jixiao.engines import Sandbox
from tests.conftest import ROOT, SAMPLES, SEED

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")

JIXIAO = [sys.executable, "-m", "jixiao.cli"]
# A stand-in soffice: converts its .rtf arguments in order by copying the seed's .docx; hangs on a file
# holding HANG, dies of a segfault on one holding CRASH, waits on one holding WAITGO until a file `go` is
# beside its outputs; logs every start.
FAKE_SOFFICE = """#!/bin/sh
echo start >> {log}
out=""; previous=""
for arg in "$@"; do [ "$previous" = "--outdir" ] && out="$arg"; previous="$arg"; done
for arg in "$@"; do case "$arg" in *.rtf)
  grep -q HANG "$arg" && sleep 300
  grep -q CRASH "$arg" && kill -SEGV $$
  grep -q WAITGO "$arg" && while [ ! -e "$out/go" ]; do sleep 0.05; done
  name=$(basename "$arg"); cp {docx} "$out/${{name%.rtf}}.docx";;
esac; done
"""


def fake_soffice(tmp_path: Path, monkeypatch) -> Path:
    """Put the stand-in first on PATH (workers inherit it); returns its start log."""
    folder, log = tmp_path / "bin", tmp_path / "starts.log"
    folder.mkdir()
    (folder / "soffice").write_text(FAKE_SOFFICE.format(log=log, docx=SEED / "seed.docx"))
    (folder / "soffice").chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return log


def counting_soffice(tmp_path: Path, monkeypatch) -> Path:
    """The real soffice behind a wrapper that logs every start."""
    real = shutil.which("soffice")
    folder, log = tmp_path / "bin", tmp_path / "starts.log"
    folder.mkdir()
    (folder / "soffice").write_text(f'#!/bin/sh\necho start >> {log}\nexec {real} "$@"\n')
    (folder / "soffice").chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return log


def starts(log: Path) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


def extract(inputs: Path, out: Path, *extra: str) -> pd.DataFrame:
    result = subprocess.run(
        [*JIXIAO, "extract", str(inputs), "-o", str(out), "-q", *extra], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode in (0, 1), result.stderr
    return pd.read_csv(out / "manifest.csv", keep_default_na=False).set_index("path")


def test_a_folder_of_doc_is_one_soffice_start_and_a_broken_one_fails_alone(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    good = sorted((SAMPLES / "hebei").glob("*.doc"))[:3]
    for source in good:
        shutil.copyfile(source, folder / source.name)
    # a Word file whose streams are overwritten (its OLE directory intact, so only LibreOffice can tell)
    damaged = bytearray(good[0].read_bytes())
    damaged[1024 : len(damaged) // 2] = b"\xff" * (len(damaged) // 2 - 1024)
    (folder / "lost_half.doc").write_bytes(damaged)  # sorts between the good ones
    log = counting_soffice(tmp_path, monkeypatch)
    manifest = extract(folder, tmp_path / "out", "--workers", "1")
    assert set(manifest.loc[[p.name for p in good], "status"]) <= {"ok", "warnings"}
    assert manifest.loc["lost_half.doc", "status"] == "failed"
    assert manifest.loc["lost_half.doc", "error"].startswith("lost_half.doc: LibreOffice could not convert it")
    # one start for the group, and at most one more for the broken file retried alone (never one per file)
    assert 1 <= starts(log) <= 2


def test_a_doc_soffice_hangs_on_fails_alone_at_the_timeout_and_its_group_converts(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a", "b", "c", "d"):
        (folder / f"{name}.doc").write_text(r"{\rtf1 " + ("HANG" if name == "b" else f"fine {name}") + "}")
    log = fake_soffice(tmp_path, monkeypatch)
    manifest = extract(folder, tmp_path / "out", "--workers", "1", "--timeout", "3")
    assert list(manifest.loc[["a.doc", "c.doc", "d.doc"], "status"]) == ["warnings"] * 3  # the seed's own warning
    assert manifest.loc["b.doc", "status"] == "failed"
    assert manifest.loc["b.doc", "error"] == "b.doc: LibreOffice did not finish converting within 3 s (killed)"
    assert starts(log) == 2  # the group, then the files after the one it hung on


def test_a_doc_soffice_crashes_on_is_retried_alone_and_the_rest_convert(tmp_path, monkeypatch):
    log = fake_soffice(tmp_path, monkeypatch)
    inputs = [tmp_path / f"{name}.doc" for name in ("a", "b", "c")]
    for path in inputs:
        path.write_text(r"{\rtf1 " + ("CRASH" if path.name == "b.doc" else "fine") + "}")
    results = convert_to_docx(inputs, tmp_path / "work", timeout=30, kinds=dict.fromkeys(inputs, "rtf"))
    assert isinstance(results[inputs[0]], Path) and isinstance(results[inputs[2]], Path)
    assert isinstance(results[inputs[1]], ReadError) and str(results[inputs[1]]).startswith("LibreOffice failed")
    assert starts(log) == 3  # the group (dies at b), b alone (dies again), then c


def test_a_converted_file_is_handed_over_while_soffice_converts_the_next(tmp_path, monkeypatch):
    """soffice waits on c until the caller has been handed a: only a file handed over mid-run lets it go on
    (read on the other core while soffice converts the rest, not after it has converted them all)."""
    fake_soffice(tmp_path, monkeypatch)
    inputs = [tmp_path / f"{name}.doc" for name in ("a", "b", "c")]
    for path in inputs:
        path.write_text(r"{\rtf1 " + ("WAITGO" if path.name == "c.doc" else "fine") + "}")
    handed = []

    def ready(path: Path, docx: Path) -> None:
        handed.append(path)
        (docx.parent / "go").touch()

    results = convert_to_docx(inputs, tmp_path / "work", timeout=10, kinds=dict.fromkeys(inputs, "rtf"), ready=ready)
    assert all(isinstance(results[path], Path) for path in inputs), results
    assert handed == inputs  # each once, in order


def test_work_units_group_libreoffice_files_evenly_and_leave_the_rest_alone():
    def jobs(kind: str, count: int) -> list[Job]:
        return [Job(f"/{kind}{n}", f"{kind}{n}", "0" * 64, kind) for n in range(count)]

    units = work_units(jobs("ole", 48) + jobs("text", 3) + jobs("rtf", 2), workers=2)
    groups, singles = units[:4], units[4:]
    assert [len(group) for group in groups] == [13, 13, 13, 11]
    assert {job.kind for group in groups for job in group} == {"ole", "rtf"}
    assert [[job.kind] for job in map(lambda unit: unit[0], singles)] == [["text"]] * 3
    assert [len(unit) for unit in work_units(jobs("ole", 10), workers=1)] == [10]
    assert [len(unit) for unit in work_units(jobs("ole", 1), workers=2)] == [1]


def test_a_worker_that_dies_in_a_group_hands_back_its_files_and_they_convert_alone(tmp_path):
    """Nobody knows which file of a group killed its worker: none fails for it, each is converted again alone."""
    jobs = [make_job(path, path.name) for path in sorted((SAMPLES / "hebei").glob("*.txt"))[:3]]
    sandbox = Sandbox(tmp_path / "out", BatchOptions(timeout=60))
    try:
        sandbox.send(jobs)
        while not sandbox.ready:
            assert sandbox.read() == ([], [])
        os.kill(sandbox.process.pid, signal.SIGKILL)  # before it answers for any of them
        handed_back: list[Job] = []
        while not handed_back:
            rows, handed_back = sandbox.read()
            assert rows == []
        assert handed_back == jobs
        rows = sandbox.run(jobs)  # run() converts what a dead worker hands back one by one
    finally:
        sandbox.stop()
    assert [row["path"] for row in rows] == [job.relative for job in jobs]
    assert {row["status"] for row in rows} <= {"ok", "warnings"}
