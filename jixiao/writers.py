"""Outputs, each written atomically: a temp file beside the target, flushed to disk (fsync), then rename.

The fsync before the rename is what makes the rename safe against a power
loss: without it the new name can point at data still in the page cache.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: a worker writing JSON needs no records
    from jixiao.normalize.records import Report

TEMP_SUFFIX = ".part"
CSV_ENCODING = "utf-8-sig"  # with a BOM: Excel and WPS on Windows read it as UTF-8, not as the ANSI code page
_UMASK = os.umask(0)
os.umask(_UMASK)


def make_public(temp: Path) -> None:
    """The mode a plain create gives (umask applied): mkstemp and mkdtemp make their temps private."""
    os.chmod(temp, (0o777 if temp.is_dir() else 0o666) & ~_UMASK)


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temp path beside target to write into; moved onto target in one step when the block succeeds.

    Temps are hidden files ending in TEMP_SUFFIX, so a run killed midway leaves
    only those behind, and the next run into the same folder removes them.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=TEMP_SUFFIX)
    os.close(handle)
    temp_path = Path(temp)
    make_public(temp_path)
    try:
        yield temp_path
        sync(temp_path)
        os.replace(temp_path, target)
    finally:
        temp_path.unlink(missing_ok=True)


def sync(path: Path) -> None:
    """Flush a written file (or every file under a folder) to disk."""
    for file in sorted(path.rglob("*")) + [path] if path.is_dir() else [path]:
        if file.is_file():
            descriptor = os.open(file, os.O_RDONLY)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)


def atomic_write(target: Path, write: Callable[[Path], None]) -> None:
    """Call write(temp_path), then move the finished file onto target in one step."""
    with atomic_path(target) as temp:
        write(temp)


def write_report(report: Report, target: Path) -> None:
    data = report.to_json()
    atomic_write(target, lambda temp: temp.write_bytes(data))
