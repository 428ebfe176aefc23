"""What a file really is, from its first bytes, whatever its suffix says."""

from __future__ import annotations

import zipfile
from pathlib import Path

# Kinds a reader exists for, or that LibreOffice converts to .docx first.
PDF, DOCX, OLE, RTF, HTML, MHT, TEXT, UNKNOWN = "pdf", "docx", "ole", "rtf", "html", "mht", "text", "unknown"
# A zip that is not a Word package (or not a readable zip at all).
ZIP = "zip"
# Word 2003 XML ("WordprocessingML 2003") and Word 2007+ flat OPC ("Word XML Document"):
# one XML file each, often saved as .doc.
WORDML, FLAT_OPC = "wordml", "flat_opc"
# Images by what they are, for messages: a page scan, or an image archived under a document's name.
IMAGES = {
    "jpeg": "JPEG image",
    "png": "PNG image",
    "gif": "GIF image",
    "tiff": "TIFF image",
}
# Images a scanner or copier saves pages as: read by OCR (extract/image.py).
PAGE_IMAGES = ("jpeg", "png", "tiff")
_IMAGE_MAGIC = (
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"II+\x00", "tiff"),  # BigTIFF
    (b"MM\x00+", "tiff"),
)

_HEAD = 4096


def sniff(path: Path) -> str:
    with open(path, "rb") as handle:
        head = handle.read(_HEAD)
    return sniff_bytes(head, path)


def sniff_bytes(head: bytes, path: Path | None = None) -> str:
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return OLE
    if head.startswith(b"PK\x03\x04"):
        if path is not None and _is_ooxml_word(path):
            return DOCX
        return ZIP
    for magic, kind in _IMAGE_MAGIC:
        if head.startswith(magic):
            return kind
    if stripped.startswith(b"{\\rtf"):
        return RTF
    lower = stripped[:1024].lower()
    if lower.startswith(b"<?xml") and b"<pkg:package" in lower:
        return FLAT_OPC
    if lower.startswith(b"<?xml") and (b'progid="word.document"' in lower or b"<w:worddocument" in lower):
        return WORDML
    if lower.startswith(b"mime-version:") or b"multipart/related" in lower:
        return MHT
    if lower.startswith((b"<!doctype html", b"<html", b"<?xml")) and b"<html" in head.lower():
        return HTML
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_textual(head):
        return TEXT
    return UNKNOWN


def _is_ooxml_word(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def _looks_textual(head: bytes) -> bool:
    """No NUL and few control bytes: worth handing to the encoding detector."""
    if not head:
        return True
    if b"\x00" in head:
        return False
    controls = len(head) - len(head.translate(None, _CONTROLS))
    return controls <= len(head) // 100


_CONTROLS = bytes(byte for byte in range(0x20) if byte not in b"\t\n\r\x0c")
