"""Word timings for tools/bench.py: jixiao's readers against the bare passes they are built on.

.docx: jixiao's reader (zip + one lxml pass) against a bare python-docx walk
of every table cell.  .doc: jixiao's conversion + reading against a bare
``soffice --convert-to docx`` of the same files, one soffice start each way,
both with a warmed private profile.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import docx as python_docx
from jixiao.extract import conversion_kind, convert_to_docx, read_document
from jixiao.extract.convert import soffice_binary
from jixiao.extract.docx import read_docx


def bench_docx_bare(path: Path) -> int:
    """The bare python-docx walk: every cell's text of every table; returns the cell count."""
    cells = 0
    for table in python_docx.Document(str(path)).tables:
        for row in table.rows:
            for cell in row.cells:
                cell.text  # noqa: B018 - reading the text is the work being timed
                cells += 1
    return cells


def bench_docx_jixiao(path: Path) -> int:
    return len(read_document(path).blocks)


def convert_bare(paths: list[Path], profile: Path) -> float:
    """Seconds for one bare ``soffice --convert-to docx`` of ``paths`` (outputs discarded)."""
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as out:
        started = time.perf_counter()
        subprocess.run(
            [soffice_binary(), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "docx",
             "--outdir", out, *map(str, paths)],
            check=True, capture_output=True,
        )  # fmt: skip
        return time.perf_counter() - started


def convert_jixiao(paths: list[Path]) -> float:
    """Seconds for jixiao to convert ``paths`` in one soffice start and read every result."""
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as work:
        started = time.perf_counter()
        kinds = {path: conversion_kind(path) for path in paths}
        for result in convert_to_docx(paths, Path(work), kinds=kinds).values():
            read_docx(result)
        return time.perf_counter() - started


def docx_ratio(files: list[Path], passes: int = 20) -> tuple[float, float]:
    """(jixiao s/file, bare s/file) for .docx, best of ``passes`` after a warm-up."""
    return _best(bench_docx_jixiao, files, passes), _best(bench_docx_bare, files, passes)


def doc_ratio(files: list[Path], rounds: int = 3) -> tuple[float, float]:
    """(jixiao s, bare s) for converting ``files`` in one soffice start, best of ``rounds``."""
    profile = Path(tempfile.mkdtemp(prefix="jixiao-bench-profile-"))
    try:
        convert_bare(files[:1], profile)  # profile creation is start-up, not conversion
        convert_jixiao(files[:1])
        bare = min(convert_bare(files, profile) for _ in range(rounds))
        ours = min(convert_jixiao(files) for _ in range(rounds))
        return ours, bare
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def _best(function, files: list[Path], passes: int) -> float:
    for path in files:
        function(path)
    best = float("inf")
    for _ in range(passes):
        started = time.perf_counter()
        for path in files:
            function(path)
        best = min(best, (time.perf_counter() - started) / len(files))
    return best


def report_lines(seed_dir: Path, samples_dir: Path) -> list[str]:
    """The Word section of a bench report: .docx per file, .doc per group of eight in one soffice start."""
    docx_files = [seed_dir / "seed.docx", *sorted(samples_dir.rglob("*.docx"))]
    ours, bare = docx_ratio(docx_files)
    lines = [
        f".docx read ({len(docx_files)} files)  jixiao {ours * 1000:7.1f} ms/file   "
        f"bare python-docx cell walk {bare * 1000:7.1f} ms/file   ratio {ours / bare:5.2f}×"
    ]
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as folder:
        group = []
        for number in range(8):
            group.append(Path(folder) / f"report{number}.doc")
            shutil.copyfile(seed_dir / "seed.doc", group[-1])
        ours, bare = doc_ratio(group)
    lines.append(
        f".doc convert+read (8 files)  jixiao {ours:7.2f} s/group    "
        f"bare soffice --convert-to docx {bare:7.2f} s/group   ratio {ours / bare:5.2f}×"
    )
    return lines
