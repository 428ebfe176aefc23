"""Many files → per-report JSON, warehouse tables and a manifest; resumable.

Planning (in the calling process) walks the inputs, hashes and sniffs every
file and sets aside what an earlier run already converted.  Each remaining
input goes to `convert_one`, the one per-file function every engine runs: it
writes the report's JSON, then a completion record, and returns a small
manifest row; it never raises.  The warehouse is then built from the JSON.

Resume: `OUT/.state/<sha256>-<path digest>.json` says "these bytes, at this
relative path, were converted by jixiao <version>", with the manifest row; it
is written (atomically) only after the JSON, so a run killed at any moment
leaves every input either recorded with its JSON in place or not recorded at
all.  Failed inputs are not recorded: the next run tries them again.  The
same bytes under two paths are two inputs: each gets its own JSON (whose
`source.path` names it) and its own rows in the tables.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from typing import Protocol

import pandas as pd

from jixiao import __version__
from jixiao.extract import ReadError, reported_format, sniff
from jixiao.extract.pdf import OCR_TIME_PER_PAGE, scanned_pages
from jixiao.extract.sniff import HTML, MHT, OLE, PDF, RTF
from jixiao.normalize import NotAReport
from jixiao.normalize.records import Report
from jixiao.pipeline import extract_file, sha256_of
from jixiao.writers import TEMP_SUFFIX, atomic_write, write_frame, write_report

MANIFEST_COLUMNS = {
    "path": "string", "input": "string", "format": "string", "status": "string", "error": "string",
    "report_id": "string", "sha256": "string", "projects": "Int64", "indicators": "Int64", "goals": "Int64",
    "measures": "Int64", "warnings": "Int64", "seconds": "Float64", "output": "string",
}  # fmt: skip
CONVERTED = ("ok", "warnings")
STATE_DIR = ".state"
# Kinds that LibreOffice turns into .docx before reading: at most one soffice per worker.
SOFFICE_KINDS = frozenset({OLE, RTF, HTML, MHT})


@dataclass(frozen=True)
class Job:
    input: str  # the file as given, absolute
    relative: str  # its path under its input root: names the outputs
    sha256: str
    kind: str  # what extract.sniff says the bytes are
    scanned_pages: int = 0  # pages that need OCR: each adds BatchOptions.ocr_page_timeout to the timeout


@dataclass(frozen=True)
class BatchOptions:
    engine: str = "local"  # "local" (process pool) or "dask"
    workers: int | None = None  # None: all cores
    timeout: float = 120.0  # seconds per file
    ocr_page_timeout: float = OCR_TIME_PER_PAGE  # seconds more per scanned page
    max_tasks_per_worker: int = 1000  # a worker is replaced after this many files (0: never)
    memory_limit_mb: int | None = None  # address-space limit per worker
    scheduler: str | None = None  # dask: tcp://HOST:8786; None starts a LocalCluster
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    force: bool = False  # convert again what an earlier run converted
    duckdb: Path | None = None


class Reporter(Protocol):
    def start(self, total: int) -> None: ...
    def update(self, row: dict) -> None: ...


class BatchError(Exception):
    """The batch as a whole cannot run (not one file's problem)."""


def find_inputs(
    inputs: list[Path], include: tuple[str, ...] = (), exclude: tuple[str, ...] = (), out_dir: Path | None = None
) -> Iterator[tuple[Path, str]]:
    """(file, path relative to its root) for every input: a file given is its own root, a folder is walked.

    In folders, hidden files and folders, expected-output sidecars and anything
    under out_dir are left out, and --include/--exclude patterns select by the
    file's name or its relative path.  A file named explicitly is always taken.
    """
    out_resolved = out_dir.resolve() if out_dir else None
    for given in map(Path, inputs):
        if not given.is_dir():
            yield given, given.name
            continue
        root = given.resolve()
        out_inside = out_resolved is not None and out_resolved.is_relative_to(root)
        for path in sorted(given.rglob("*")):
            relative = path.relative_to(given).as_posix()
            if not path.is_file() or _is_hidden_or_sidecar(relative) or not _selected(relative, include, exclude):
                continue
            if out_inside and path.resolve().is_relative_to(out_resolved):
                continue
            yield path, relative


def make_job(path: Path, relative: str) -> Job:
    """Read the file once to hash it and once (its head) to sniff it; OSError when it cannot be read."""
    kind = sniff(path)
    scanned = scanned_pages(path) if kind == PDF else 0
    return Job(str(path.resolve()), relative, sha256_of(path), kind, scanned)


def job_timeout(job: Job, options: BatchOptions) -> float:
    """The file's time limit: the per-file timeout, and more for each page OCR reads."""
    return options.timeout + job.scanned_pages * options.ocr_page_timeout


def _is_hidden_or_sidecar(relative: str) -> bool:
    """Expected outputs and hidden files that live beside sample inputs are not inputs."""
    parts = relative.split("/")
    return any(part.startswith(".") for part in parts) or parts[-1].endswith((".expected.json", ".truth.json"))


def _selected(relative: str, include: tuple[str, ...], exclude: tuple[str, ...]) -> bool:
    name = relative.rsplit("/", 1)[-1]

    def matches(pattern: str) -> bool:
        return fnmatch(relative, pattern) or fnmatch(name, pattern)

    return (not include or any(map(matches, include))) and not any(map(matches, exclude))


def json_target(out_dir: Path, relative: str) -> Path:
    return out_dir / "json" / f"{relative}.json"


def state_record(out_dir: Path, job: Job) -> Path:
    path_digest = hashlib.sha256(job.relative.encode()).hexdigest()[:16]
    return out_dir / STATE_DIR / f"{job.sha256}-{path_digest}.json"


def convert_one(job: Job, out_dir: Path) -> dict:
    """Convert one file: write its JSON, then its completion record; return its manifest row (never raises)."""
    started = time.perf_counter()
    out_dir = Path(out_dir)
    target = json_target(out_dir, job.relative)
    try:
        report = extract_file(job.input, job.relative, job.sha256)
        write_report(report, target)
    except (ReadError, NotAReport) as exc:
        row = failed_row(job, str(exc))
    except MemoryError:
        row = failed_row(job, "exceeded memory limit")
    except OSError as exc:
        row = failed_row(job, f"cannot read or write a file: {exc.strerror or exc} ({exc.filename})")
    except Exception as exc:  # noqa: BLE001 — a reader bug must cost one file, not the batch
        row = failed_row(job, f"internal error ({type(exc).__name__}: {exc})")
    else:
        row = _input_row(job) | _report_counts(report)
        row["status"] = "warnings" if report.warnings else "ok"
        if report.warnings:
            row["error"] = "; ".join(sorted({w.code for w in report.warnings}))
        row["output"] = target.relative_to(out_dir).as_posix()
    row["seconds"] = round(time.perf_counter() - started, 4)
    if row["status"] in CONVERTED:
        record = {"jixiao": __version__, "row": row}
        atomic_write(state_record(out_dir, job), lambda temp: temp.write_text(json.dumps(record)))
    return row


def failed_row(job: Job, reason: str) -> dict:
    return _input_row(job) | {"status": "failed", "error": f"{job.relative}: {reason}"}


def _input_row(job: Job) -> dict:
    return {
        "path": job.relative,
        "input": job.input,
        "format": reported_format(Path(job.input), job.kind),
        "sha256": job.sha256,
    }


def _report_counts(report: Report) -> dict:
    return {
        "format": report.source.format,
        "report_id": report.report_id,
        "projects": len(report.projects),
        "indicators": sum(len(p.indicators) for p in report.projects) + len(report.department_indicators),
        "goals": len(report.department_goals) + sum(len(p.goals) for p in report.projects),
        "measures": len(report.measures),
        "warnings": len(report.warnings),
    }


def earlier_conversion(out_dir: Path, job: Job) -> dict | None:
    """The row of an earlier conversion of this input by this jixiao version, if its JSON is still there."""
    try:
        record = json.loads(state_record(out_dir, job).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    row = record.get("row") or {}
    if record.get("jixiao") != __version__ or not (out_dir / row.get("output", "\0")).is_file():
        return None
    return row


def skipped_row(job: Job, earlier: dict) -> dict:
    """This input's row when an earlier run converted it: that report's id, counts and JSON."""
    reason = f"{job.relative}: converted by an earlier run"
    return earlier | _input_row(job) | {"status": "skipped", "error": reason, "seconds": 0.0}


def run(
    inputs: list[Path], out_dir: Path, options: BatchOptions = BatchOptions(), reporter: Reporter | None = None
) -> pd.DataFrame:
    """Convert every input into out_dir; write the manifest and the warehouse; return the manifest."""
    from jixiao.engines import ENGINES
    from jixiao.warehouse import write_warehouse

    out_dir = Path(out_dir)
    if options.engine not in ENGINES:
        raise BatchError(f"unknown engine {options.engine!r} (choose from {', '.join(ENGINES)})")
    with _exclusive(out_dir):
        _remove_temps(out_dir)
        rows: dict[str, dict] = {}
        record = _recorder(rows, reporter)
        order, jobs = _plan(inputs, out_dir, options, record, reporter)
        ENGINES[options.engine](jobs, out_dir, options, record)
        manifest = typed_manifest([rows[relative] for relative in order])
        write_warehouse(manifest, out_dir, options.duckdb)
        write_frame(manifest, out_dir / "manifest")
    return manifest


def _recorder(rows: dict[str, dict], reporter: Reporter | None) -> Callable[[dict], None]:
    def record(row: dict) -> None:
        rows[row["path"]] = row
        if reporter:
            reporter.update(row)

    return record


def _plan(
    inputs: list[Path], out_dir: Path, options: BatchOptions, record: Callable[[dict], None], reporter: Reporter | None
) -> tuple[list[str], list[Job]]:
    """Every input's relative path in order, and the jobs to convert (the rest are recorded already)."""
    found = list(find_inputs(inputs, options.include, options.exclude, out_dir))
    if reporter:
        reporter.start(len(found))
    order: dict[str, None] = {}  # an ordered set
    jobs: list[Job] = []
    for path, relative in found:
        if relative in order:  # a second root with the same relative path: a row of its own, no output
            relative, reason = str(path), f"another input already has the relative path {relative}"
            order[relative] = None
            record(_unplanned_row(path, relative, reason))
            continue
        order[relative] = None
        try:
            job = make_job(path, relative)
        except OSError as exc:
            record(_unplanned_row(path, relative, f"cannot read the file: {exc.strerror or exc}"))
            continue
        earlier = None if options.force else earlier_conversion(out_dir, job)
        if earlier:
            record(skipped_row(job, earlier))
        else:
            jobs.append(job)
    return list(order), jobs


def _unplanned_row(path: Path, relative: str, reason: str) -> dict:
    """The failed row of an input that could not even be planned (so has no Job)."""
    fmt = path.suffix.lower().lstrip(".")
    return {"path": relative, "input": str(path), "format": fmt, "status": "failed", "error": f"{relative}: {reason}"}


def typed_manifest(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(MANIFEST_COLUMNS)).astype(MANIFEST_COLUMNS)


@contextmanager
def _exclusive(out_dir: Path) -> Iterator[None]:
    """One run at a time per output folder (so a run may remove the temps a killed one left)."""
    lock_path = out_dir / STATE_DIR / "lock"
    try:
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        lock = open(lock_path, "w")  # held (and locked) for the whole run
    except OSError as exc:
        raise BatchError(f"cannot write into {out_dir}: {exc.strerror or exc}") from None
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BatchError(f"another jixiao run is writing into {out_dir}") from None
        yield


def _remove_temps(out_dir: Path) -> None:
    """Temp files and folders a killed run left behind (every temp is a hidden name ending in TEMP_SUFFIX)."""
    for temp in sorted(out_dir.rglob(f".*{TEMP_SUFFIX}"), reverse=True):
        if temp.is_dir():
            shutil.rmtree(temp, ignore_errors=True)
        else:
            temp.unlink(missing_ok=True)
