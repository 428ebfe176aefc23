"""One file → one canonical Report: read (extract), then normalise."""

from __future__ import annotations

import hashlib
from pathlib import Path

from jixiao.extract import read_document
from jixiao.normalize import normalize
from jixiao.normalize.records import Report, Source


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def extract_file(path: str | Path, relative_path: str | None = None, sha256: str | None = None) -> Report:
    """Read one report file. `relative_path` is what `source.path` says (default: the file name).

    Raises extract.ReadError or normalize.NotAReport with the reason when the
    file cannot be read as a report.
    """
    path = Path(path)
    document = read_document(path)
    source = Source(
        path=relative_path or path.name,
        format=document.format,
        sha256=sha256 or sha256_of(path),
        pages=document.pages,
    )
    return normalize(document, source)
