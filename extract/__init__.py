"""Format readers: any supported file → the neutral document model.

Each reader (and its library: lxml, pdfplumber, charset-normalizer) is
imported when a file of its format is read, so sniffing and planning a batch
stay light and a worker loads only the readers its files need.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from jixiao.extract.convert import convert_to_docx
from jixiao.extract.model import Cell, Document, Heading, Paragraph, ReadError, Table, TCEntry
from jixiao.extract.ole import ENCRYPTED, EXCEL, POWERPOINT, classify_ole
from jixiao.extract.page import DEFAULT_TIME_LIMIT
from jixiao.extract.sniff import (
    DOCX,
    FLAT_OPC,
    HTML,
    IMAGES,
    MHT,
    OLE,
    PAGE_IMAGES,
    PDF,
    RTF,
    TEXT,
    UNKNOWN,
    WORDML,
    ZIP,
    sniff,
)

__all__ = [
    "Cell",
    "Document",
    "Heading",
    "Paragraph",
    "ReadError",
    "Table",
    "TCEntry",
    "conversion_kind",
    "convert_to_docx",
    "read_document",
    "sniff",
]

_REPORTED_FORMATS = {"txt", "docx", "doc", "pdf"}
_WORD_SUFFIXES = {".doc", ".docx", ".txt"}
# What LibreOffice turns into .docx before the .docx reader sees it.
_CONVERTED = {OLE, RTF, HTML, MHT, WORDML}
_OTHER_OFFICE = {EXCEL: "Excel workbook", POWERPOINT: "PowerPoint presentation"}


def read_document(
    path: Path, converted: Path | ReadError | None = None, *, time_limit: float | None = DEFAULT_TIME_LIMIT
) -> Document:
    """Read any supported file; raises ReadError naming what is wrong with it.

    ``converted`` is what :func:`convert_to_docx` gave a batch for ``path``
    (one soffice start for many files): the .docx, or the ReadError saying
    why LibreOffice could not convert it, raised here after the checks no
    conversion can help (an encrypted file fails as encrypted).  Without it a
    file that needs LibreOffice is converted here, in a temporary directory.
    ``time_limit`` bounds reading a PDF or a page image (None: no bound of the reader's own,
    for a caller that enforces its timeout itself).
    """
    path = Path(path)
    kind = sniff(path)
    _refuse_false_pdf(path, kind)
    if kind == TEXT:
        from jixiao.extract.text import read_text

        document = read_text(path)
    elif kind == PDF:
        from jixiao.extract.pdf import read_pdf

        document = read_pdf(path, time_limit=time_limit)
    elif kind in (DOCX, ZIP):
        from jixiao.extract.docx import read_docx

        document = read_docx(path)
    elif kind == FLAT_OPC:
        from jixiao.extract.docx import read_flat_opc

        document = read_flat_opc(path)
    elif kind in PAGE_IMAGES and not _named_as_word(path):
        from jixiao.extract.image import read_image

        document = read_image(path, time_limit=time_limit)
    elif conversion_kind(path, kind) is not None:
        if isinstance(converted, ReadError):
            raise converted
        from jixiao.extract.docx import read_docx

        document = read_docx(converted) if converted is not None else _convert_and_read(path, kind)
    elif kind == UNKNOWN:
        raise ReadError("not text, Word or PDF: unrecognised binary data")
    else:
        raise ReadError(f"not a supported document (its bytes are {kind})")
    document.format = reported_format(path, kind)
    return document


def conversion_kind(path: Path, kind: str | None = None) -> str | None:
    """The sniffed kind when ``path`` must go through LibreOffice, else None.

    Raises ReadError for what no conversion can help: an image under a Word
    name, a password-protected or non-Word OLE file.
    """
    kind = kind or sniff(path)
    _refuse_false_pdf(path, kind)
    if kind in IMAGES and _named_as_word(path):
        raise ReadError(f"not a Word document ({IMAGES[kind]})")
    if kind in IMAGES and kind not in PAGE_IMAGES:
        raise ReadError(f"not a page scan jixiao reads (a {IMAGES[kind]}; scans are read as JPEG, PNG or TIFF)")
    if kind == OLE:
        content = classify_ole(path)
        if content == ENCRYPTED:
            raise ReadError("password-protected Word file: it cannot be read without its password")
        if content in _OTHER_OFFICE:
            raise ReadError(f"not a Word document ({_OTHER_OFFICE[content]})")
    if kind == WORDML and b"<!doctype" in _head(path).lower():
        # LibreOffice's XSLT import would resolve its entities; Word never writes one
        raise ReadError("Word XML that declares a DOCTYPE, which Word never writes; refused as unsafe")
    return kind if kind in _CONVERTED else None


def _refuse_false_pdf(path: Path, kind: str) -> None:
    """A file named .pdf that is not one is an error page or a mislabelled download: not worth converting."""
    if path.suffix.lower() == ".pdf" and kind != PDF:
        raise ReadError(f"named .pdf but not a PDF (its bytes are {kind})")


def _named_as_word(path: Path) -> bool:
    """An image under a Word or text name is a mislabelled file, refused as such (as a non-PDF named .pdf is)."""
    return path.suffix.lower() in _WORD_SUFFIXES


def _head(path: Path, size: int = 65536) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(size)


def _convert_and_read(path: Path, kind: str) -> Document:
    from jixiao.extract.docx import read_docx

    with tempfile.TemporaryDirectory(prefix="jixiao-convert-") as workdir:
        result = convert_to_docx([path], Path(workdir), kinds={path: kind})[path]
        if isinstance(result, ReadError):
            raise result
        return read_docx(result)


def reported_format(path: Path, kind: str) -> str:
    """The contract's `format`: the suffix it was archived under, else what the bytes are."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix in _REPORTED_FORMATS:
        return suffix
    if kind in _CONVERTED:
        return "doc"
    if kind in PAGE_IMAGES:
        return "image"
    return {TEXT: "txt", ZIP: "docx", FLAT_OPC: "docx"}.get(kind, kind)
