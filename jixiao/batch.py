"""Many files → per-report JSON, warehouse tables and a manifest; resumable; OUT accumulates.

Planning (in the calling process) walks the inputs, names each one (its path
under its root; see `name_inputs`), hashes and sniffs every file and sets
aside what an earlier run already converted.  Each remaining input goes to
`convert_one`, the one per-file function every engine runs: it writes the
report's JSON, then a completion record, and returns a small manifest row; it
never raises.  The warehouse is then built from the JSON.

OUT is a store: `OUT/manifest.*` holds the latest row of every input ever
converted into OUT (keyed by the input's absolute path), whatever this run was
given, and the tables are built from all of it; `--prune` drops the rows (and
JSON) of inputs that no longer exist under the roots given.

Resume: `OUT/.state/<path digest>.json` says "these bytes (SHA-256), at this
relative path, were converted by jixiao <version>", with the manifest row; it
is written (atomically) only after the JSON, so a run killed at any moment
leaves every input either recorded with its JSON in place or not recorded at
all.  Failed inputs are not recorded: the next run tries them again.  The same
bytes under two paths are one report (one report_id) with a JSON per path.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fnmatch import fnmatch
from pathlib import Path
from typing import Protocol

import pandas as pd

from jixiao.errors import BatchError, NoInputs, NotAReport, ReadError
from jixiao.extract import reported_format, sniff
from jixiao.extract.pdf import OCR_TIME_PER_PAGE, scanned_pages
from jixiao.extract.sniff import HTML, MHT, OLE, PDF, RTF, WORDML
from jixiao.normalize.records import Report
from jixiao.pipeline import READER_VERSION, extract_file, report_status, sha256_of
from jixiao.writers import TEMP_SUFFIX, atomic_write, write_frame, write_report

MANIFEST_COLUMNS = {
    "path": "string", "input": "string", "format": "string", "status": "string", "error": "string",
    "report_id": "string", "sha256": "string", "projects": "Int64", "indicators": "Int64", "goals": "Int64",
    "measures": "Int64", "warnings": "Int64", "unrecognised_tables": "Int64", "seconds": "Float64", "output": "string", "resumed": "boolean",
}  # fmt: skip
CONVERTED = ("ok", "warnings", "partial")
STATE_DIR = ".state"
# Kinds that LibreOffice turns into .docx before reading: at most one soffice per worker.
SOFFICE_KINDS = frozenset({OLE, RTF, HTML, MHT})
# Suffixes a report is archived under.  In a folder, a file with another suffix (说明.md, data.xlsx, photo.jpg)
# that turns out not to be a report is `skipped`, not `failed`: archives hold such files beside the reports.
REPORT_SUFFIXES = frozenset(
    {
        ".txt",
        ".doc",
        ".docx",
        ".docm",
        ".dot",
        ".dotx",
        ".wps",
        ".rtf",
        ".htm",
        ".html",
        ".mht",
        ".mhtml",
        ".xml",
        ".pdf",
    }
)
# Files operating systems and Office leave in folders: skipped without being read (unless named explicitly).
OS_FILES = {"thumbs.db": "Windows thumbnail cache", "ehthumbs.db": "Windows thumbnail cache",
            "desktop.ini": "Windows folder settings", ".ds_store": "macOS folder settings",
            ".localized": "macOS folder settings"}  # fmt: skip
OS_PREFIXES = {"._": "macOS resource fork", "~$": "Office lock file"}


@dataclass(frozen=True)
class Job:
    input: str  # the file as given, absolute
    relative: str  # its name in OUT (its path under its input root, led by the root's name on a collision)
    sha256: str
    kind: str  # what extract.sniff says the bytes are
    optional: bool = False  # found in a folder under a suffix reports do not have: not being a report skips it
    scanned_pages: int = 0  # pages that need OCR: each adds BatchOptions.ocr_page_timeout to the timeout


@dataclass(frozen=True)
class Found:
    """One input file: its absolute path, its path under its root, and that root."""

    path: Path
    relative: str
    root: Path  # the folder given, or a file's own folder
    explicit: bool  # named on the command line (never skipped as junk)


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
    prune: bool = False  # drop what OUT holds of inputs that no longer exist under the roots given


class Reporter(Protocol):
    def start(self, total: int) -> None: ...
    def update(self, row: dict) -> None: ...


def find_inputs(
    inputs: list[Path], include: tuple[str, ...] = (), exclude: tuple[str, ...] = (), out_dir: Path | None = None
) -> Iterator[Found]:
    """Every input file: a file given is taken as it is, a folder is walked.

    In folders, hidden files and folders, expected-output sidecars and anything
    under out_dir are left out, and --include/--exclude patterns select by the
    file's name or its relative path.  A file named explicitly is always taken.
    A file found twice (a folder and a file in it both given) is taken once.
    """
    out_resolved = out_dir.resolve() if out_dir else None
    seen: set[Path] = set()
    for given in map(Path, inputs):
        if not given.is_dir():
            found = [Found(given.resolve(), given.name, given.resolve().parent, True)]
        else:
            root = given.resolve()
            out_inside = out_resolved is not None and out_resolved.is_relative_to(root)
            found = []
            for path in sorted(given.rglob("*")):
                relative = path.relative_to(given).as_posix()
                if not path.is_file() or _is_hidden_or_sidecar(relative) or not _selected(relative, include, exclude):
                    continue
                if out_inside and path.resolve().is_relative_to(out_resolved):
                    continue
                found.append(Found(path.resolve(), relative, root, False))
        for item in found:
            if item.path not in seen:
                seen.add(item.path)
                yield item


def make_job(path: Path, relative: str, optional: bool = False) -> Job:
    """Read the file once to hash it and once (its head) to sniff it; OSError when it cannot be read."""
    kind = sniff(path)
    scanned = scanned_pages(path) if kind == PDF else 0
    return Job(str(path.resolve()), relative, sha256_of(path), kind, optional, scanned)


def job_timeout(job: Job, options: BatchOptions) -> float:
    """The file's time limit: the per-file timeout, and more for each page OCR reads."""
    return options.timeout + job.scanned_pages * options.ocr_page_timeout


def _is_hidden_or_sidecar(relative: str) -> bool:
    """Expected outputs and hidden files that live beside sample inputs are not inputs (OS files are listed)."""
    parts = relative.split("/")
    if parts[-1].lower() in OS_FILES or parts[-1].startswith("._"):
        parts = parts[:-1]
    return any(part.startswith(".") for part in parts) or relative.endswith((".expected.json", ".truth.json"))


def os_file(name: str) -> str | None:
    """What kind of operating-system or Office file this name is, or None."""
    if name.lower() in OS_FILES:
        return OS_FILES[name.lower()]
    return next((kind for prefix, kind in OS_PREFIXES.items() if name.startswith(prefix)), None)


def _selected(relative: str, include: tuple[str, ...], exclude: tuple[str, ...]) -> bool:
    name = relative.rsplit("/", 1)[-1]

    def matches(pattern: str) -> bool:
        return fnmatch(relative, pattern) or fnmatch(name, pattern)

    return (not include or any(map(matches, include))) and not any(map(matches, exclude))


def name_inputs(found: list[Found], store: dict[str, dict]) -> dict[Path, str]:
    """Each input's name in OUT: the name it already has there, else its path under its root.

    When that path is taken (by another root's file in this run, or by another
    input OUT holds), every new file of each root involved is named with the
    root's folder name leading (`batch01/a.doc`, `batch02/a.doc`; more of the
    folder's path when the names are equal too).  Names OUT holds never
    change, so re-runs resume and the store keeps one name per input.
    """
    names = {f.path: store[str(f.path)]["path"] for f in found if str(f.path) in store}
    holders: dict[str, set[str]] = {}
    for input_path, row in store.items():
        holders.setdefault(row["path"], set()).add(input_path)
    new = [f for f in found if f.path not in names]
    for f in new:
        holders.setdefault(f.relative, set()).add(str(f.path))
    clashing = sorted({f.root for f in new if len(holders[f.relative]) > 1})
    labels = _root_labels(clashing)
    for f in new:
        names[f.path] = f"{labels[f.root]}/{f.relative}" if f.root in labels else f.relative
    return names


def _root_labels(roots: list[Path]) -> dict[Path, str]:
    """The shortest tails of the roots' paths that tell them apart (`batch01`; `2023/batch` vs `2024/batch`)."""
    for depth in range(1, max((len(r.parts) for r in roots), default=1) + 1):
        labels = {root: "/".join(root.parts[-depth:]).lstrip("/") or "root" for root in roots}
        if len(set(labels.values())) == len(labels):
            return labels
    return {root: root.as_posix().lstrip("/") for root in roots}


def json_target(out_dir: Path, relative: str) -> Path:
    return out_dir / "json" / f"{relative}.json"


def state_record(out_dir: Path, relative: str) -> Path:
    """One record per name in OUT: the latest conversion of the input of that name."""
    return out_dir / STATE_DIR / f"{hashlib.sha256(relative.encode()).hexdigest()[:32]}.json"


def convert_one(job: Job, out_dir: Path) -> dict:
    """Convert one file: write its JSON, then its completion record; return its manifest row (never raises)."""
    started = time.perf_counter()
    out_dir = Path(out_dir)
    target = json_target(out_dir, job.relative)
    try:
        # no limit of the reader's own: the engine kills the worker at the job's timeout, the only limit a user sets
        report = extract_file(job.input, job.relative, job.sha256, timeout=None)
        write_report(report, target)
    except (ReadError, NotAReport) as exc:
        row = not_a_report_row(job, str(exc)) if job.optional else failed_row(job, str(exc))
    except MemoryError:
        row = failed_row(job, "exceeded memory limit")
    except OSError as exc:
        row = failed_row(job, f"cannot read or write a file: {exc.strerror or exc} ({exc.filename})")
    except Exception as exc:  # noqa: BLE001 — a reader bug must cost one file, not the batch
        row = failed_row(job, f"internal error ({type(exc).__name__}: {exc})")
    else:
        row = _input_row(job) | _report_counts(report)
        row["status"] = report_status(report)
        if report.warnings:
            row["error"] = "; ".join(sorted({w.code for w in report.warnings}))
        row["output"] = target.relative_to(out_dir).as_posix()
    row["seconds"] = round(time.perf_counter() - started, 4)
    if row["status"] in CONVERTED:
        record = {"jixiao": READER_VERSION, "row": row}
        atomic_write(state_record(out_dir, job.relative), lambda temp: temp.write_text(json.dumps(record)))
    return row


def failed_row(job: Job, reason: str) -> dict:
    return _input_row(job) | {"status": "failed", "error": f"{job.relative}: {reason}"}


def not_a_report_row(job: Job, reason: str) -> dict:
    return _input_row(job) | {"status": "skipped", "error": f"{job.relative}: not a report ({reason})"}


def _input_row(job: Job) -> dict:
    return {
        "path": job.relative,
        "input": job.input,
        "format": reported_format(Path(job.input), job.kind),
        "sha256": job.sha256,
        "resumed": False,
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
        "unrecognised_tables": len(report.unrecognised_tables),
    }


def earlier_conversion(out_dir: Path, job: Job) -> dict | None:
    """The row of an earlier conversion of these bytes at this name by this jixiao version, if its JSON is there."""
    try:
        record = json.loads(state_record(out_dir, job.relative).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    row = record.get("row") or {}
    if record.get("jixiao") != READER_VERSION or row.get("sha256") != job.sha256:
        return None
    if row.get("path") != job.relative or not (out_dir / row.get("output", "\0")).is_file():
        return None
    return row


def resumed_row(job: Job, earlier: dict) -> dict:
    """This input's row when an earlier run converted it: that run's status, warning codes, counts and JSON."""
    return earlier | _input_row(job) | {"resumed": True}


def run(
    inputs: list[Path], out_dir: Path, options: BatchOptions = BatchOptions(), reporter: Reporter | None = None
) -> pd.DataFrame:
    """Convert every input into out_dir, then write the manifest and the warehouse of all OUT holds.

    Returns this run's rows (one per input found); `attrs` says how many
    inputs OUT holds in all (`stored`), which inputs `--prune` removed
    (`pruned`) and which stored inputs are gone but were kept (`gone`).
    """
    from jixiao.engines import ENGINES
    from jixiao.warehouse import write_warehouse

    out_dir = Path(out_dir)
    if options.engine not in ENGINES:
        raise BatchError(f"unknown engine {options.engine!r} (choose from {', '.join(ENGINES)})")
    found = list(find_inputs(inputs, options.include, options.exclude, out_dir))
    if not found:
        selection = " matching --include/--exclude" if options.include or options.exclude else ""
        raise NoInputs(f"no input files{selection} in {', '.join(map(str, inputs))}")
    with _exclusive(out_dir):
        _remove_temps(out_dir)
        store = load_store(out_dir)
        gone = _gone(store, inputs)
        if options.prune:
            _prune(store, gone, out_dir)
        rows: dict[str, dict] = {}
        record = Recorder(rows, reporter)
        jobs = _plan(found, store, out_dir, options, record, reporter)
        stopped = None
        try:
            ENGINES[options.engine](jobs, out_dir, options, record)
        except BatchError as exc:  # the engine cannot go on (a cluster without workers): keep what finished,
            for job in jobs:  # including conversions whose row was lost with a worker but whose record is written
                earlier = None if job.input in rows else earlier_conversion(out_dir, job)
                if earlier:
                    rows[job.input] = earlier
            stopped = BatchError(f"{exc}; {len(rows)} of {len(found)} inputs finished, listed in the manifest")
        this_run = typed_manifest([rows[str(f.path)] for f in found if str(f.path) in rows])
        store.update(rows)
        manifest = store_manifest(store)
        write_warehouse(manifest, out_dir, options.duckdb)
        write_frame(manifest, out_dir / "manifest")
    if stopped:
        raise stopped
    this_run.attrs.update(
        stored=len(manifest), pruned=gone if options.prune else [], gone=[] if options.prune else gone
    )
    return this_run


def load_store(out_dir: Path) -> dict[str, dict]:
    """What OUT holds, by input: the last manifest, updated by conversions a killed run recorded after it."""
    manifest_file = out_dir / "manifest.parquet"
    store: dict[str, dict] = {}
    written = 0
    if manifest_file.is_file():
        try:
            frame = pd.read_parquet(manifest_file).reindex(columns=list(MANIFEST_COLUMNS))
        except (OSError, ValueError) as exc:
            raise BatchError(f"cannot read {manifest_file} (remove it to start OUT afresh): {exc}") from None
        for row in frame.astype(object).where(frame.notna(), None).to_dict("records"):
            if row["output"] and row["status"] == "skipped":  # manifests of jixiao before OUT accumulated: resumed
                row["status"] = "warnings" if row["warnings"] else "ok"
            if row["status"] not in CONVERTED or (out_dir / row["output"]).is_file():  # a JSON removed: forgotten
                store[row["input"]] = row
        written = manifest_file.stat().st_mtime_ns
    for state in (out_dir / STATE_DIR).glob("*.json"):
        try:
            if state.stat().st_mtime_ns > written:
                record = json.loads(state.read_text(encoding="utf-8"))
                if record.get("jixiao") == READER_VERSION and (out_dir / record["row"]["output"]).is_file():
                    store[record["row"]["input"]] = record["row"]
        except (OSError, ValueError, KeyError):
            continue  # a record it cannot use: that input is converted again when next given
    return store


def store_manifest(store: dict[str, dict]) -> pd.DataFrame:
    """The manifest of everything OUT holds, in the order of the inputs' names."""
    rows = sorted(store.values(), key=lambda row: (row["path"].split("/"), row["input"]))
    return typed_manifest(rows)


def _gone(store: dict[str, dict], inputs: list[Path]) -> list[str]:
    """Stored inputs under the roots given (or given themselves) that no longer exist."""
    roots = [Path(p).resolve() for p in inputs]
    return sorted(
        name for name in store if any(Path(name).is_relative_to(root) for root in roots) and not os.path.lexists(name)
    )


def _prune(store: dict[str, dict], gone: list[str], out_dir: Path) -> None:
    """Forget inputs that are gone: their rows, their JSON and their resume records."""
    for name in gone:
        row = store.pop(name)
        if row.get("output"):
            (out_dir / row["output"]).unlink(missing_ok=True)
        state_record(out_dir, row["path"]).unlink(missing_ok=True)


class Recorder:
    """What engines report to: `record(row)` for each finished input, `record.note(text)` for what to show."""

    def __init__(self, rows: dict[str, dict], reporter: Reporter | None):
        self.rows, self.reporter = rows, reporter

    def __call__(self, row: dict) -> None:
        self.rows[row["input"]] = row
        if self.reporter:
            self.reporter.update(row)

    def note(self, text: str) -> None:
        if self.reporter and hasattr(self.reporter, "note"):
            self.reporter.note(text)


def _plan(
    found: list[Found],
    store: dict[str, dict],
    out_dir: Path,
    options: BatchOptions,
    record: Callable[[dict], None],
    reporter: Reporter | None,
) -> list[Job]:
    """The jobs to convert; every other input (junk, unreadable, converted earlier) is recorded at once."""
    if reporter:
        reporter.start(len(found))
    names = name_inputs(found, store)
    jobs: list[Job] = []
    for f in found:
        relative = names[f.path]
        junk = None if f.explicit else os_file(f.path.name)
        if junk:
            record(_unplanned_row(f.path, relative, "skipped", f"{junk}, not a document"))
            continue
        try:
            job = make_job(f.path, relative, optional=not f.explicit and f.path.suffix.lower() not in REPORT_SUFFIXES)
        except OSError as exc:
            record(_unplanned_row(f.path, relative, "failed", f"cannot read the file: {exc.strerror or exc}"))
            continue
        earlier = None if options.force else earlier_conversion(out_dir, job)
        if earlier:
            record(resumed_row(job, earlier))
        else:
            jobs.append(job)
    return _without_soffice(jobs, record)


def _without_soffice(jobs: list[Job], record: Callable[[dict], None]) -> list[Job]:
    """The jobs left when LibreOffice is missing: files that need it fail at once (looked up once per run)."""
    from jixiao.extract.convert import soffice_binary

    if not any(job.kind in SOFFICE_KINDS | {WORDML} for job in jobs):
        return jobs
    try:
        soffice_binary()
    except ReadError as exc:
        for job in jobs:
            if job.kind in SOFFICE_KINDS | {WORDML}:
                record(not_a_report_row(job, str(exc)) if job.optional else failed_row(job, str(exc)))
        return [job for job in jobs if job.kind not in SOFFICE_KINDS | {WORDML}]
    return jobs


def _unplanned_row(path: Path, relative: str, status: str, reason: str) -> dict:
    """The row of an input that is not converted at all (so has no Job)."""
    fmt = path.suffix.lower().lstrip(".")
    return {"path": relative, "input": str(path), "format": fmt, "status": status, "error": f"{relative}: {reason}",
            "resumed": False}  # fmt: skip


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
