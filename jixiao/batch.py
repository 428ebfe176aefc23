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

import errno
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from fnmatch import fnmatch
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import msgspec

from jixiao.errors import BatchError, DiskFull, Interrupted, NoInputs, NotAReport, ReadError
from jixiao.extract import conversion_kind, convert_to_docx, reported_format, sniff
from jixiao.extract.page import OCR_TIME_PER_PAGE
from jixiao.extract.sniff import HTML, MHT, OLE, PAGE_IMAGES, PDF, RTF, WORDML
from jixiao.pipeline import READER_VERSION, extract_file, not_a_regular_file, report_status, sha256_of
from jixiao.writers import TEMP_SUFFIX, atomic_write, write_report

if TYPE_CHECKING:
    import pandas as pd

    from jixiao.engines import Sandbox
    from jixiao.normalize.records import Report

MANIFEST_COLUMNS = {
    "path": "string", "input": "string", "format": "string", "status": "string", "error": "string",
    "report_id": "string", "sha256": "string", "projects": "Int64", "indicators": "Int64", "goals": "Int64",
    "measures": "Int64", "warnings": "Int64", "unrecognised_tables": "Int64", "seconds": "Float64", "output": "string", "resumed": "boolean",
}  # fmt: skip
CONVERTED = ("ok", "warnings", "partial")
# jixiao.extract.page_ocr's settings, named here: importing it (numpy) would delay the workers' start
OCR_DPI_VARIABLE, OCR_THREADS_VARIABLE = "JIXIAO_OCR_DPI", "JIXIAO_OCR_THREADS"
MANIFEST_CHUNK = 1_000  # manifest rows unpacked at once where all of them are written (a Parquet row group each)
STATE_DIR = ".state"
# OUT/.state/manifest.index: the manifest's rows and which resume records this reading code checked (see Store)
STORE_INDEX = "manifest.index"
# Kinds that LibreOffice turns into .docx before reading: at most one soffice per worker, many files per start.
SOFFICE_KINDS = frozenset({OLE, RTF, HTML, MHT, WORDML})
DISK_FULL = "disk full: no space left to write OUT"
_NO_SPACE = (errno.ENOSPC, errno.EDQUOT)
GROUP_MAX = 16  # files per soffice start: a start costs about as much as converting a few files
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


@dataclass(frozen=True, slots=True)
class Job:
    input: str  # the file as given, absolute
    relative: str  # its name in OUT (its path under its input root, led by the root's name on a collision)
    sha256: str
    kind: str  # what extract.sniff says the bytes are
    optional: bool = False  # found in a folder under a suffix reports do not have: not being a report skips it
    scanned_pages: int = 0  # pages that need OCR: each adds BatchOptions.ocr_page_timeout to the timeout


@dataclass(frozen=True, slots=True)
class Found:
    """One input file: its absolute path, its path under its root, and that root (strings, not Paths: the list
    of them is most of what a batch holds per input while it plans)."""

    path: str
    relative: str
    root: Path  # the folder given, or a file's own folder
    explicit: bool  # named on the command line (never skipped as junk)
    refused: str | None = None  # why it is not read at all (a FIFO, a device, a symbolic link loop)
    key: str = field(init=False)  # its `input` in the manifest (asked several times per input)

    def __post_init__(self) -> None:
        key = input_key(self.path)
        object.__setattr__(self, "key", self.path if key == self.path else key)  # one string unless escaped


@dataclass(frozen=True)
class BatchOptions:
    engine: str = "local"  # "local" (process pool) or "dask"
    workers: int | None = None  # None: all cores
    timeout: float = 120.0  # seconds per file
    ocr_page_timeout: float = OCR_TIME_PER_PAGE  # seconds more per scanned page
    max_tasks_per_worker: int = 1000  # a worker is replaced after this many files (0: never)
    memory_limit_mb: int | None = None  # resident memory per worker; None: engines.default_memory_limit_mb
    scheduler: str | None = None  # dask: tcp://HOST:8786; None starts a LocalCluster
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    force: bool = False  # convert again what an earlier run converted
    duckdb: Path | None = None
    prune: bool = False  # drop what OUT holds of inputs that no longer exist under the roots given
    # threads per OCR call in each worker; None: the cores the run's workers leave idle, shared among them
    # (a single scan on 2 cores gets 2), unless JIXIAO_OCR_THREADS says otherwise
    ocr_threads: int | None = None


def worker_count(options: BatchOptions) -> int:
    return options.workers or os.cpu_count() or 1


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
    seen: set[str] = set()
    for given in map(Path, inputs):
        if not given.is_dir():
            resolved = given.resolve()
            found = [Found(str(resolved), printable(given.name), resolved.parent, True, not_a_regular_file(given))]
        else:
            root = given.resolve()
            out_inside = out_resolved is not None and out_resolved.is_relative_to(root)
            found = []
            for relative, refused in _files_under(root):
                if _is_hidden_or_sidecar(relative) or not _selected(relative, include, exclude):
                    continue
                path = os.path.join(root, relative)
                if out_inside and not refused and Path(path).resolve().is_relative_to(out_resolved):
                    continue
                found.append(Found(path, printable(relative), root, False, refused))
        for item in found:
            if item.path not in seen:
                seen.add(item.path)
                yield item


def _files_under(folder: Path) -> list[tuple[str, str | None]]:
    """(path relative to folder, why it is refused or None) of every entry but folders, in Path order.

    Symlinked folders are not followed (as rglob).  FIFOs, devices, sockets and
    broken or looping links are listed with the reason, so that they become
    `skipped` rows rather than silently absent (or a hang when opened).  One
    scandir per folder: on a resume, walking is a good part of the run.
    """
    found, folders = [], [""]
    while folders:
        prefix = folders.pop()
        with os.scandir(folder / prefix) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(f"{prefix}{entry.name}/")
                    continue
                try:
                    regular = entry.is_file()
                except OSError:  # a symbolic link loop
                    regular = False
                if not regular and entry.is_symlink() and os.path.isdir(entry.path):
                    continue  # a link to a folder: not followed
                found.append((prefix + entry.name, None if regular else not_a_regular_file(entry.path)))
    return sorted(found, key=lambda item: item[0].split("/"))


def make_job(path: str | Path, relative: str, optional: bool = False, sha256: str | None = None) -> Job:
    """Hash the file (unless given) and sniff its head; OSError when it cannot be read."""
    kind = sniff(path)
    if kind == PDF:  # the PDF reader's libraries only for PDFs
        from jixiao.extract.pdf import scanned_pages

        scanned = scanned_pages(Path(path))
    elif kind in PAGE_IMAGES:  # every frame of a page image is read by OCR
        from jixiao.extract.image import count_pages

        scanned = count_pages(Path(path))
    else:
        scanned = 0
    resolved = os.path.realpath(path)
    resolved = path if resolved == path else resolved  # one string per input where they are the same
    return Job(resolved, relative, sha256 or sha256_of(path), kind, optional, scanned)


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


def printable(text: str) -> str:
    """A path as the manifest, the JSON and the tables write it: a name whose bytes are not UTF-8 (Python
    holds them as surrogate escapes, which no UTF-8 file can store) gets `\\xff` escapes in their place."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def input_key(path: Path | str) -> str:
    """The manifest's `input`: the absolute path, printable."""
    return printable(str(path))


_encode_row = msgspec.json.Encoder().encode
_decode_row = msgspec.json.Decoder(list).decode


def pack(row: dict) -> bytes:
    """A manifest row as the parent holds it until the manifest is written, and as the index stores it: its values
    in MANIFEST_COLUMNS' order, as JSON (a sixth of a dict's memory: a batch's memory grows little with its size)."""
    return _encode_row([row.get(column) for column in MANIFEST_COLUMNS])


def unpack(packed: bytes) -> dict:
    return dict(zip(MANIFEST_COLUMNS, _decode_row(packed), strict=True))


class Rows:
    """Packed manifest rows, unpacked one at a time as they are read: `for row in rows` gives dicts."""

    def __init__(self, packed: list[bytes]):
        self.packed = packed

    def __iter__(self) -> Iterator[dict]:
        return map(unpack, self.packed)

    def __len__(self) -> int:
        return len(self.packed)


def name_inputs(found: list[Found], store: dict[str, bytes]) -> dict[str, str]:
    """Each input's name in OUT (by its `key`): the name it already has there, else its path under its root.

    When that path is taken (by another root's file in this run, or by another
    input OUT holds), every new file of each root involved is named with the
    root's folder name leading (`batch01/a.doc`, `batch02/a.doc`; more of the
    folder's path when the names are equal too).  Names OUT holds never
    change, so re-runs resume and the store keeps one name per input.
    """
    stored = {key: unpack(packed)["path"] for key, packed in store.items()}
    names = {f.key: stored[f.key] for f in found if f.key in stored}
    holders: dict[str, set[str]] = {}
    for input_path, path in stored.items():
        holders.setdefault(path, set()).add(input_path)
    new = [f for f in found if f.key not in names]
    for f in new:
        holders.setdefault(f.relative, set()).add(f.key)
    clashing = sorted({f.root for f in new if len(holders[f.relative]) > 1})
    labels = _root_labels(clashing)
    for f in new:
        names[f.key] = f"{labels[f.root]}/{f.relative}" if f.root in labels else f.relative
    return names


def _root_labels(roots: list[Path]) -> dict[Path, str]:
    """The shortest tails of the roots' paths that tell them apart (`batch01`; `2023/batch` vs `2024/batch`)."""
    for depth in range(1, max((len(r.parts) for r in roots), default=1) + 1):
        labels = {root: "/".join(root.parts[-depth:]).lstrip("/") or "root" for root in roots}
        if len(set(labels.values())) == len(labels):
            return labels
    return {root: root.as_posix().lstrip("/") for root in roots}


# Bytes in one file name (255 on ext4, xfs, tmpfs), less what the atomic write's temp name adds (`.<name>.<8>.part`).
NAME_MAX = 255 - len(".") - len(".12345678") - len(TEMP_SUFFIX)


def json_target(out_dir: Path, relative: str) -> Path:
    """OUT/json/<relative>.json, each name too long for the file system shortened (the manifest's `output` says
    which file holds which input): its head, then a digest of the whole name, so names stay apart."""
    *folders, name = f"{relative}.json".split("/")
    parts = [_fitting(part, "") for part in folders] + [_fitting(name, ".json")]
    return out_dir.joinpath("json", *parts)


def _fitting(name: str, suffix: str) -> str:
    if len(os.fsencode(name)) <= NAME_MAX:
        return name
    tail = f"~{hashlib.sha256(name.encode('utf-8', 'surrogateescape')).hexdigest()[:16]}{suffix}"
    head = os.fsencode(name)[: NAME_MAX - len(tail)].decode("utf-8", "ignore")  # whole characters only
    return head + tail


def state_record(out_dir: Path, relative: str) -> str:
    """One record per name in OUT: the latest conversion of the input of that name (a plain string rather than
    a Path: a resume looks one up for every input)."""
    return os.path.join(out_dir, STATE_DIR, state_name(relative))


def state_name(relative: str) -> str:
    return f"{hashlib.sha256(relative.encode()).hexdigest()[:32]}.json"


def convert_one(job: Job, out_dir: Path, converted: Path | ReadError | None = None) -> dict:
    """Convert one file: write its JSON, then its completion record; return its manifest row (never raises).

    ``converted`` is what LibreOffice made of it in a group (:func:`convert_group`).
    """
    started = time.perf_counter()
    out_dir = Path(out_dir)
    target = json_target(out_dir, job.relative)
    try:
        # no limit of the reader's own: the engine kills the worker at the job's timeout, the only limit a user sets
        report = extract_file(job.input, job.relative, job.sha256, converted=converted, timeout=None)
        write_report(report, target)
    except (ReadError, NotAReport) as exc:
        row = not_a_report_row(job, str(exc)) if job.optional else failed_row(job, str(exc))
    except MemoryError:  # an allocation the machine refused, under the engine's limit
        row = failed_row(job, "exceeded the memory limit (the machine had no more)")
    except OSError as exc:
        reason = DISK_FULL if exc.errno in _NO_SPACE else f"cannot read or write a file: {exc.strerror or exc}"
        row = failed_row(job, f"{reason} ({exc.filename})")
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
        atomic_write(Path(state_record(out_dir, job.relative)), lambda temp: temp.write_text(json.dumps(record)))
    return row


def convert_group(jobs: list[Job], out_dir: Path, timeout: float) -> Iterator[dict]:
    """Convert files LibreOffice must turn into .docx first, in one soffice start; yield each one's row.

    ``timeout`` is per file.  A file no conversion can help (encrypted, an
    image) is not handed to LibreOffice; convert_one says why it fails.
    """
    if len(jobs) == 1:  # read_document converts it alone
        yield convert_one(jobs[0], out_dir)
        return
    with tempfile.TemporaryDirectory(prefix="jixiao-convert-") as workdir:
        kinds = {}
        for job in jobs:
            with suppress(ReadError, OSError):
                if conversion_kind(Path(job.input), job.kind):
                    kinds[Path(job.input)] = job.kind
        by_input = {Path(job.input): job for job in jobs}
        done: dict[Path, dict] = {}

        def ready(path: Path, docx: Path) -> None:  # read while soffice converts the next ones
            done[path] = convert_one(by_input[path], out_dir, docx)

        converted = convert_to_docx(list(kinds), Path(workdir), timeout, kinds, ready)
        for job in jobs:
            path = Path(job.input)
            yield done.pop(path) if path in done else convert_one(job, out_dir, converted.get(path))


def work_units(jobs: list[Job], workers: int) -> list[list[Job]]:
    """The jobs as units a worker takes at once: LibreOffice's kinds in groups, first (the longest), the rest alone.

    Groups are as even as the workers allow, at most GROUP_MAX files each.
    """
    grouped = [job for job in jobs if job.kind in SOFFICE_KINDS]
    units = [[job] for job in jobs if job.kind not in SOFFICE_KINDS]
    if not grouped:
        return units
    count = -(-len(grouped) // (GROUP_MAX * workers)) * workers  # a multiple of the workers
    size = -(-len(grouped) // count)
    return [grouped[start : start + size] for start in range(0, len(grouped), size)] + units


def failed_row(job: Job, reason: str) -> dict:
    return _input_row(job) | {"status": "failed", "error": f"{job.relative}: {reason}"}


def not_a_report_row(job: Job, reason: str) -> dict:
    return _input_row(job) | {"status": "skipped", "error": f"{job.relative}: not a report ({reason})"}


def _input_row(job: Job) -> dict:
    return {
        "path": job.relative,
        "input": input_key(job.input),
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


def earlier_conversion(out_dir: Path, relative: str, sha256: str) -> dict | None:
    """The row of an earlier conversion of these bytes at this name by this reading code, if its JSON is there."""
    try:
        with open(state_record(out_dir, relative), "rb") as handle:
            record = json.loads(handle.read())
    except (OSError, ValueError):
        return None
    row = record.get("row") or {}
    if record.get("jixiao") != READER_VERSION or row.get("sha256") != sha256:
        return None
    if row.get("path") != relative or not os.path.isfile(os.path.join(out_dir, row.get("output", "\0"))):
        return None
    return row


def resumed_row(path: str, relative: str, earlier: dict) -> dict:
    """This input's row when an earlier run converted it: that run's status, warning codes, counts and JSON."""
    return earlier | {"path": relative, "input": input_key(path), "resumed": True}


@dataclass
class Outcome:
    """What a run did: this run's manifest rows (one per input found), and what OUT holds beyond them."""

    rows: Rows
    stored: int  # inputs OUT holds in all
    pruned: list[str]  # inputs --prune removed
    gone: list[str]  # stored inputs that no longer exist, kept (no --prune)


def run(
    inputs: list[Path], out_dir: Path, options: BatchOptions = BatchOptions(), reporter: Reporter | None = None
) -> pd.DataFrame:
    """Convert every input into out_dir, then write the manifest and the warehouse of all OUT holds.

    Returns this run's rows (one per input found); `attrs` says how many
    inputs OUT holds in all (`stored`), which inputs `--prune` removed
    (`pruned`) and which stored inputs are gone but were kept (`gone`).
    """
    outcome = run_batch(inputs, out_dir, options, reporter)
    this_run = typed_manifest(list(outcome.rows))
    this_run.attrs.update(stored=outcome.stored, pruned=outcome.pruned, gone=outcome.gone)
    return this_run


def run_batch(
    inputs: list[Path], out_dir: Path, options: BatchOptions = BatchOptions(), reporter: Reporter | None = None
) -> Outcome:
    """`run` without pandas: the command line's, which a short run or a resume would spend most of its time importing."""
    from jixiao.engines import ENGINES, Sandbox

    out_dir = Path(out_dir)
    if options.engine not in ENGINES:
        raise BatchError(f"unknown engine {options.engine!r} (choose from {', '.join(ENGINES)})")
    _check_places(inputs, out_dir, options.duckdb)
    found = list(find_inputs(inputs, options.include, options.exclude, out_dir))
    if not found:
        selection = " matching --include/--exclude" if options.include or options.exclude else ""
        raise NoInputs(f"no input files{selection} in {', '.join(map(str, inputs))}")
    if options.engine == "local" and options.ocr_threads is None and OCR_THREADS_VARIABLE not in os.environ:
        # known before the first worker starts: at most one worker per input is started
        workers = min(worker_count(options), len(found))
        options = replace(options, ocr_threads=max(1, (os.cpu_count() or 1) // workers))
    started: list[Sandbox] = []

    def first_job() -> None:
        # A worker's start and pyarrow, which only the tables need, are most of a short run's time: they begin
        # as soon as there is a file to convert, while the rest is planned (this process only waits later).
        threading.Thread(target=_load_table_writers, daemon=True).start()
        if options.engine == "local":
            started.append(Sandbox(out_dir, options))
            started[0].start()

    with _exclusive(out_dir):
        _remove_temps(out_dir)
        store = Store.load(out_dir)
        gone = _gone(store.rows, inputs, {f.key for f in found})
        if options.prune:
            _prune(store.rows, gone, out_dir)
        rows: dict[str, bytes] = {}  # this run's, packed
        record = Recorder(rows, reporter)
        try:
            jobs = _plan(found, store, out_dir, options, record, reporter, first_job)
        except BaseException:
            for sandbox in started:
                sandbox.stop()
            raise
        stopped = None
        try:
            ENGINES[options.engine](jobs, out_dir, options, record, started)
        except (BatchError, KeyboardInterrupt) as exc:  # the engine cannot go on: keep what finished, including
            for job in jobs:  # conversions whose row was lost with a worker but whose record is written
                earlier = (
                    None if input_key(job.input) in rows else earlier_conversion(out_dir, job.relative, job.sha256)
                )
                if earlier:
                    rows[input_key(job.input)] = pack(earlier)
            finished = f"{len(rows)} of {len(found)} inputs finished, listed in the manifest"
            if isinstance(exc, KeyboardInterrupt):
                stopped = Interrupted(f"interrupted; {finished}: run the same command again to convert the rest")
            else:
                stopped = type(exc)(f"{exc}; {finished}")
        this_run = Rows([rows[f.key] for f in found if f.key in rows])
        del found, jobs  # what is held per input from here on: the packed rows
        store.rows.update(rows)
        recorded = list(rows.values())
        del rows, record  # and while the tables are built, no dict of them, nor their keys
        manifest = store.manifest()
        store.rows.clear()
        try:
            changed = store.changed(manifest, recorded)
            if changed or options.duckdb:  # unchanged tables still fill a database given now
                from jixiao.warehouse import write_manifest, write_warehouse

                write_warehouse(Rows(manifest), out_dir, options.duckdb)
                if changed:
                    write_manifest(Rows(manifest), out_dir / "manifest")
                    store.save(manifest, recorded)
        except OSError as exc:
            if exc.errno not in _NO_SPACE:
                raise BatchError(f"cannot write into {out_dir}: {exc.strerror or exc} ({exc.filename})") from None
            raise DiskFull(
                f"{DISK_FULL} ({out_dir}); every report JSON written is complete, the manifest and tables may "
                "still be the last run's: free space and run the same command again"
            ) from None
    if stopped:
        raise stopped
    return Outcome(this_run, len(manifest), gone if options.prune else [], [] if options.prune else gone)


def _check_places(inputs: list[Path], out_dir: Path, duckdb: Path | None) -> None:
    """Refuse, before converting anything, an OUT that would hide the inputs or a DuckDB path that is a folder."""
    out_resolved = out_dir.resolve()
    for given in map(Path, inputs):
        if given.is_dir() and given.resolve().is_relative_to(out_resolved):
            raise BatchError(
                f"the input folder {given} is OUT ({out_dir}) or inside it, where jixiao writes: give an OUT "
                "outside the inputs (OUT may be inside an input folder: it is left out of the walk)"
            )
    if duckdb is not None and Path(duckdb).is_dir():
        raise BatchError(
            f"--duckdb {duckdb} is a folder: give the database's file name, e.g. {Path(duckdb) / 'jixiao.duckdb'}"
        )


def _load_table_writers() -> None:
    with suppress(Exception):  # a failed import fails again, and is reported, where the tables are written
        import jixiao.warehouse  # noqa: F401


def _record_stats(out_dir: Path) -> dict[str, tuple[int, int]]:
    """Every resume record's file name → (size, mtime_ns), in one listing of OUT/.state."""
    stats = {}
    with suppress(OSError), os.scandir(out_dir / STATE_DIR) as entries:
        for entry in entries:
            if entry.name.endswith(".json"):
                with suppress(OSError):
                    stat = entry.stat()
                    stats[entry.name] = (stat.st_size, stat.st_mtime_ns)
    return stats


class Store:
    """What OUT holds, by input: the last manifest, updated by conversions a killed run recorded after it.

    Rows are held packed (`pack`).  `OUT/.state/manifest.index` keeps the manifest's rows, packed (read without
    Parquet, so a resume needs neither pyarrow nor pandas) and, for the rows this reading code converted or
    resumed, their resume record's (size, mtime_ns): while a record is unchanged its input resumes from its row,
    unread.  The index counts only while the manifest is the one it was written with; else the manifest is read
    and every record is checked (`earlier_conversion`).
    """

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.rows: dict[str, bytes] = {}
        self.records = _record_stats(out_dir)  # every record now
        self.checked: dict[str, tuple[int, int]] = {}  # records known to be this reading code's, as they were
        self.indexed: list[bytes] | None = None  # the manifest's rows, as the index has them

    @classmethod
    def load(cls, out_dir: Path) -> Store:
        store = cls(out_dir)
        manifest_file = out_dir / "manifest.parquet"
        written = 0
        if manifest_file.is_file():
            stat = manifest_file.stat()
            written = stat.st_mtime_ns
            packed_rows = store._read_index(stat)
            if packed_rows is None:
                packed_rows = [pack(row) for row in _read_manifest(manifest_file)]
            for packed in packed_rows:
                row = unpack(packed)
                if row["output"] and row["status"] == "skipped":  # manifests of jixiao before OUT accumulated
                    row["status"] = "warnings" if row["warnings"] else "ok"
                    packed = pack(row)
                if row["status"] not in CONVERTED or _json_kept(out_dir, row):
                    store.rows[row["input"]] = packed  # a JSON removed: forgotten
        for name, (_, mtime) in store.records.items():
            if mtime > written:
                try:
                    record = json.loads((out_dir / STATE_DIR / name).read_bytes())
                    if record.get("jixiao") == READER_VERSION and (out_dir / record["row"]["output"]).is_file():
                        store.rows[record["row"]["input"]] = pack(record["row"])
                except (OSError, ValueError, KeyError, TypeError, AttributeError):
                    continue  # a record it cannot use: that input is converted again when next given
        return store

    def _read_index(self, manifest: os.stat_result) -> list[bytes] | None:
        try:
            index = msgspec.json.decode((self.out_dir / STATE_DIR / STORE_INDEX).read_bytes(), type=_Index)
        except (OSError, msgspec.DecodeError):
            return None
        rows = [bytes(row) for row in index.rows]
        if index.manifest != [manifest.st_size, manifest.st_mtime_ns] or not all(row[:1] == b"[" for row in rows):
            return None  # another manifest's, or an older jixiao's (rows as objects)
        if index.version == READER_VERSION:
            self.checked = index.checked
        self.indexed = rows
        return rows

    def resumes(self, key: str, relative: str, sha256: str) -> dict | None:
        """The stored row of this input when its unchanged record says these bytes at this name were converted."""
        row = unpack(self.rows[key]) if key in self.rows else None
        if not row or row["path"] != relative or row["sha256"] != sha256 or row["status"] not in CONVERTED:
            return None
        name = state_name(relative)
        if self.checked.get(name) is None or self.checked[name] != self.records.get(name):
            return None
        return row if _json_kept(self.out_dir, row) else None

    def manifest(self) -> list[bytes]:
        """The manifest of everything OUT holds, packed, in the order of the inputs' names."""
        return sorted(self.rows.values(), key=_manifest_order)

    def changed(self, manifest: list[bytes], recorded: list[bytes]) -> bool:
        """Whether the manifest (and so perhaps the tables) differ from what OUT holds, or a file is missing."""
        from jixiao.normalize.records import TABLE_COLUMNS

        files = [self.out_dir / f"manifest.{kind}" for kind in ("csv", "parquet")]
        files += [self.out_dir / "tables" / f"{name}.{kind}" for name in TABLE_COLUMNS for kind in ("csv", "parquet")]
        files.append(self.out_dir / STATE_DIR / "tables.json")
        unchecked = any(
            row["status"] in CONVERTED and state_name(row["path"]) not in self.checked for row in map(unpack, recorded)
        )
        missing = not all(map(Path.is_file, files)) or not (self.out_dir / "warehouse").is_dir()
        return manifest != self.indexed or unchecked or missing

    def save(self, manifest: list[bytes], recorded: list[bytes]) -> None:
        """The index of the manifest just written: its rows, and the records this run (`recorded`) wrote or checked."""
        records = _record_stats(self.out_dir)
        checked = {name: stat for name, stat in self.checked.items() if records.get(name) == stat}
        for row in map(unpack, recorded):
            name = state_name(row["path"])
            if row["status"] in CONVERTED and name in records:
                checked[name] = records[name]
        stat = (self.out_dir / "manifest.parquet").stat()
        head = msgspec.json.encode({"version": READER_VERSION, "manifest": [stat.st_size, stat.st_mtime_ns],
                                    "checked": checked})  # fmt: skip

        def write(temp: Path) -> None:  # row by row: the rows are not copied into one string
            with open(temp, "wb") as handle:
                handle.write(head[:-1] + b',"rows":[')
                for number, packed in enumerate(manifest):
                    handle.write(b"," + packed if number else packed)
                handle.write(b"]}")

        atomic_write(self.out_dir / STATE_DIR / STORE_INDEX, write)


class _Index(msgspec.Struct):
    """OUT/.state/manifest.index: the manifest's (size, mtime_ns), the reading code, its checked records, its rows."""

    version: str
    manifest: list[int]
    checked: dict[str, tuple[int, int]]
    rows: list[msgspec.Raw]  # each kept as the bytes it is, packed


def _manifest_order(packed: bytes) -> tuple[list[str], str]:
    row = unpack(packed)
    return row["path"].split("/"), row["input"]


def _json_kept(out_dir: Path, row: dict) -> bool:
    """Whether the report JSON a manifest row names is still in OUT (plain strings: asked once per input)."""
    return os.path.isfile(os.path.join(out_dir, row.get("output") or "\0"))


def _read_manifest(manifest_file: Path) -> list[dict]:
    import pyarrow.parquet as pq  # a manifest without its index (written by an older jixiao, or a run killed)

    try:
        table = pq.ParquetFile(manifest_file).read()
    except (OSError, ValueError) as exc:
        raise BatchError(f"cannot read {manifest_file} (remove it to start OUT afresh): {exc}") from None
    rows = table.to_pylist()
    return [{column: row.get(column) for column in MANIFEST_COLUMNS} for row in rows]


def _gone(store: dict[str, bytes], inputs: list[Path], found: set[str]) -> list[str]:
    """Stored inputs under the roots given (or given themselves) that this run did not find and that do not exist."""
    roots = [Path(p).resolve() for p in inputs]
    return sorted(
        name
        for name in store
        if name not in found and any(Path(name).is_relative_to(root) for root in roots) and not os.path.lexists(name)
    )


def _prune(store: dict[str, bytes], gone: list[str], out_dir: Path) -> None:
    """Forget inputs that are gone: their rows, their JSON and their resume records."""
    for name in gone:
        row = unpack(store.pop(name))
        if row.get("output"):
            (out_dir / row["output"]).unlink(missing_ok=True)
        Path(state_record(out_dir, row["path"])).unlink(missing_ok=True)


class Recorder:
    """What engines report to: `record(row)` for each finished input, `record.note(text)` for what to show."""

    def __init__(self, rows: dict[str, bytes], reporter: Reporter | None):
        self.rows, self.reporter = rows, reporter

    def __call__(self, row: dict) -> None:
        self.rows[row["input"]] = pack(row)
        if self.reporter:
            self.reporter.update(row)
        if DISK_FULL in (row.get("error") or ""):  # every next file would fail the same way
            raise DiskFull(f"{DISK_FULL} ({row['path']} could not be written)")

    def note(self, text: str) -> None:
        if self.reporter and hasattr(self.reporter, "note"):
            self.reporter.note(text)


def _plan(
    found: list[Found],
    store: Store,
    out_dir: Path,
    options: BatchOptions,
    record: Callable[[dict], None],
    reporter: Reporter | None,
    first_job: Callable[[], None] = lambda: None,
) -> list[Job]:
    """The jobs to convert; every other input (junk, unreadable, converted earlier) is recorded at once.

    first_job is called when the first job is known (workers can start while the rest is planned).
    """
    if reporter:
        reporter.start(len(found))
    names = name_inputs(found, store.rows)
    jobs: list[Job] = []
    for f in found:
        relative, path = names[f.key], f.path
        if f.refused:
            record(_unplanned_row(path, relative, "failed" if f.explicit else "skipped", f.refused))
            continue
        junk = None if f.explicit else os_file(os.path.basename(path))
        if junk:
            record(_unplanned_row(path, relative, "skipped", f"{junk}, not a document"))
            continue
        try:
            sha256 = sha256_of(path)
            earlier = None
            if not options.force:  # the record unchanged since it was checked, else read
                earlier = store.resumes(f.key, relative, sha256) or earlier_conversion(out_dir, relative, sha256)
            if earlier:  # neither sniffed nor read again: the record says what it was
                record(resumed_row(path, relative, earlier))
                continue
            optional = not f.explicit and os.path.splitext(path)[1].lower() not in REPORT_SUFFIXES
            jobs.append(make_job(path, relative, optional, sha256))
            if len(jobs) == 1:
                first_job()
        except OSError as exc:
            record(_unplanned_row(path, relative, "failed", f"cannot read the file: {exc.strerror or exc}"))
    return _without_soffice(jobs, record)


def _without_soffice(jobs: list[Job], record: Callable[[dict], None]) -> list[Job]:
    """The jobs left when LibreOffice is missing: files that need it fail at once (looked up once per run)."""
    from jixiao.extract.convert import soffice_binary

    if not any(job.kind in SOFFICE_KINDS for job in jobs):
        return jobs
    try:
        soffice_binary()
    except ReadError as exc:
        for job in jobs:
            if job.kind in SOFFICE_KINDS:
                record(not_a_report_row(job, str(exc)) if job.optional else failed_row(job, str(exc)))
        return [job for job in jobs if job.kind not in SOFFICE_KINDS]
    return jobs


def _unplanned_row(path: str, relative: str, status: str, reason: str) -> dict:
    """The row of an input that is not converted at all (so has no Job)."""
    fmt = os.path.splitext(path)[1].lower().lstrip(".")
    return {"path": relative, "input": input_key(path), "format": fmt, "status": status, "error": f"{relative}: {reason}",
            "resumed": False}  # fmt: skip


def typed_manifest(rows: list[dict]) -> pd.DataFrame:
    import pandas as pd  # here, not at the top: workers import this module and need no pandas

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
