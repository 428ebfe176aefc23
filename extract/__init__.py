"""Format readers: any supported file → the neutral document model."""

from __future__ import annotations

from pathlib import Path

from extract.model import Cell, Document, Heading, Paragraph, ReadError, Table, TCEntry
from extract.pdf import read_pdf
from extract.sniff import PDF, TEXT, UNKNOWN, sniff
from extract.text import read_text

__all__ = ["Cell", "Document", "Heading", "Paragraph", "ReadError", "Table", "TCEntry", "read_document", "sniff"]

_REPORTED_FORMATS = {"txt", "docx", "doc", "pdf"}


def read_document(path: Path) -> Document:
    """Read any supported file; raises ReadError naming what is wrong with it."""
    path = Path(path)
    kind = sniff(path)
    if kind == TEXT:
        document = read_text(path)
    elif kind == PDF:
        document = read_pdf(path)
    elif kind == UNKNOWN:
        raise ReadError("not text, Word or PDF: unrecognised binary data")
    else:
        raise ReadError(f"not a supported document (its bytes are {kind})")
    document.format = reported_format(path, kind)
    return document


def reported_format(path: Path, kind: str) -> str:
    """The contract's `format`: the suffix it was archived under, else what the bytes are."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix in _REPORTED_FORMATS:
        return suffix
    return {TEXT: "txt"}.get(kind, kind)
