"""One file → one canonical Report: read (extract), then normalise; many files → the tables as DataFrames."""

from __future__ import annotations

import errno
import hashlib
import importlib.util
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING

import jixiao
from jixiao import errors
from jixiao.extract import read_document
from jixiao.extract.page import DEFAULT_TIME_LIMIT

if TYPE_CHECKING:  # the layouts load when a file is read: a batch's parent starts its workers without them
    from jixiao.normalize.records import Report

Input = str | os.PathLike | bytes | IO[bytes]


def _code_digest() -> str:
    """The jixiao version and a digest of the readers' and layouts' code: what decides the output."""
    digest = hashlib.sha256()
    for package in ("jixiao.extract", "jixiao.normalize"):  # found, not imported
        for source in sorted(Path(importlib.util.find_spec(package).origin).parent.rglob("*.py")):
            digest.update(source.read_bytes())
    return f"{jixiao.__version__}+{digest.hexdigest()[:12]}"


# Resume re-converts a file when this changes: a new version, or a changed reader or layout.
READER_VERSION = _code_digest()


def report_status(report: Report) -> str:
    """`partial` when tables were left unread (kept in unrecognised_tables), `warnings`, or `ok`."""
    if report.unrecognised_tables:
        return "partial"
    return "warnings" if report.warnings else "ok"


_SPECIAL_FILES = {
    stat.S_IFIFO: "a FIFO (named pipe)",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFSOCK: "a socket",
    stat.S_IFDIR: "a folder",
}


def not_a_regular_file(path: str | os.PathLike) -> str | None:
    """Why path is no file to read (a FIFO, a device, a symbolic link loop…), or None for a regular file.

    Asked before a file is opened: opening a FIFO or a terminal blocks forever.
    """
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "not a regular file: a symbolic link loop"
        if exc.errno == errno.ENOENT and os.path.islink(path):
            return "not a regular file: a broken symbolic link"
        return f"cannot read the file: {exc.strerror or exc}"
    if stat.S_ISREG(mode):
        return None
    return f"not a regular file: {_SPECIAL_FILES.get(stat.S_IFMT(mode), 'a special file')}"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    # O_NONBLOCK: a file swapped for a FIFO after it was checked cannot hang the open
    with os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def extract_file(
    source: Input,
    relative_path: str | None = None,
    sha256: str | None = None,
    *,
    name: str | None = None,
    converted: Path | errors.ReadError | None = None,
    timeout: float | None = DEFAULT_TIME_LIMIT,
) -> Report:
    """Read one report: a path, its bytes, or a binary file object (open(..., "rb"), io.BytesIO, an upload).

    The format is sniffed from the bytes; `name` (default: the path's or the
    file object's name, else "report") is the file name the report was
    archived under, whose suffix decides the contract's `format` where the
    bytes leave it open (a .doc that is RTF inside is "doc").
    `relative_path` is what `source.path` says (default: the name).
    `converted` is what a batch's LibreOffice group made of a path (see `read_document`).
    `timeout` is how many seconds reading a PDF may take (more for each
    scanned page; None: no limit).

    Raises jixiao.ReadError (the file cannot be read) or jixiao.NotAReport
    (it holds no report), both jixiao.JixiaoError, with the reason.
    """
    if isinstance(source, str | os.PathLike):
        return _extract_path(Path(source), relative_path or name or Path(source).name, sha256, timeout, converted)
    data = bytes(source) if isinstance(source, bytes | bytearray | memoryview) else source.read()
    if not isinstance(data, bytes):
        raise TypeError("extract_file needs a path, bytes or a file object opened in binary mode")
    name = Path(name or getattr(source, "name", None) or "report").name
    with tempfile.TemporaryDirectory(prefix="jixiao-input-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        return _extract_path(path, relative_path or name, sha256 or hashlib.sha256(data).hexdigest(), timeout)


def _extract_path(
    path: Path,
    relative_path: str,
    sha256: str | None,
    timeout: float | None,
    converted: Path | errors.ReadError | None = None,
) -> Report:
    refused = not_a_regular_file(path)
    if refused:
        raise errors.ReadError(refused)
    from jixiao.normalize import normalize
    from jixiao.normalize.records import Source

    document = read_document(path, converted, time_limit=timeout)
    source = Source(path=relative_path, format=document.format, sha256=sha256 or sha256_of(path), pages=document.pages)
    return normalize(document, source)  # raises jixiao.errors.NotAReport when it holds no report


def extract_many(paths: Iterable[str | os.PathLike]) -> dict:
    """Files and folders (walked as `jixiao extract` walks them) → {table name: pandas DataFrame}, for notebooks.

    The tables are those of OUT/tables (docs/tables.md), each report once
    however many paths hold its bytes, plus `files`: one row per file with
    its `path`, `status` ("ok", "warnings", "partial", "failed" or "skipped"),
    `error` (the reason, or the warning codes) and `report_id`.  Files are
    read one after the other in this process; for thousands, use the
    `jixiao extract` command, which runs them in parallel and resumes.
    """
    import pandas as pd

    from jixiao.batch import find_inputs, os_file
    from jixiao.normalize.records import TABLE_COLUMNS, typed_frame

    rows: dict[str, list[dict]] = {name: [] for name in TABLE_COLUMNS}
    files, seen = [], set()
    for found in find_inputs([Path(p) for p in paths]):
        path = Path(found.path)
        row = {"path": path.as_posix(), "status": "ok", "error": None, "report_id": None}
        junk = None if found.explicit else os_file(path.name)
        if junk:
            files.append(row | {"status": "skipped", "error": f"{junk}, not a document"})
            continue
        try:
            report = extract_file(path, found.relative)
        except errors.JixiaoError as exc:
            files.append(row | {"status": "failed", "error": str(exc)})
            continue
        codes = sorted({w.code for w in report.warnings})
        files.append(row | {"status": report_status(report), "error": "; ".join(codes) or None,
                            "report_id": report.report_id})  # fmt: skip
        if report.report_id not in seen:
            seen.add(report.report_id)
            for table, table_rows in report.to_rows().items():
                rows[table].extend(table_rows)
    frames = {name: typed_frame(name, table_rows) for name, table_rows in rows.items()}
    frames["files"] = pd.DataFrame(files, columns=["path", "status", "error", "report_id"]).astype("string")
    return frames
