""".docx (OOXML WordprocessingML package) → document model.

The package is opened with zipfile (or, for Word's single-file "Word XML
Document", read from its ``pkg:package`` flat OPC form) and its parts parsed
with a hardened lxml parser; :mod:`extract.word_xml` walks the main document
part.  Defences: every member's uncompressed size and compression ratio are
checked before it is opened, and its bytes counted while it inflates (zip
bomb); the main part is parsed as a stream, each top-level paragraph or
table walked and then freed, so memory follows the largest table, not the
part; a part with a DOCTYPE is refused (entity expansion, external
entities), and entities are never resolved nor anything fetched.
"""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from jixiao.extract.model import Document, ReadError
from jixiao.extract.word_ns import W
from jixiao.extract.word_numbering import Numbering
from jixiao.extract.word_xml import TRANSPARENT, Styles, WordWalker
from lxml import etree

# Far above any real report (the seed's document.xml is 0.3 MB).
MAX_PART_BYTES = 200 * 1024 * 1024
# Styles, numbering and relationships are parsed whole; a real one is under 1 MB.
MAX_SIDE_PART_BYTES = 32 * 1024 * 1024
# A flat OPC file holds every part inline and is parsed whole (no streaming): its tree takes about ten times
# its size, so it is held lower than a .docx part (Word 2003 XML reports are a few MB).
MAX_FLAT_BYTES = 64 * 1024 * 1024
# Word's XML deflates 10–35× (the samples); long runs of one repeated row reach ~100×. Past
# MAX_RATIO a member of over RATIO_FLOOR bytes is a bomb, refused before it is inflated.
MAX_RATIO = 200
RATIO_FLOOR = 8 * 1024 * 1024

_PKG_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_FLAT = "{http://schemas.microsoft.com/office/2006/xmlPackage}"
_STRICT = "{http://purl.oclc.org/ooxml/"
_OFFICE_DOCUMENT = "/officeDocument"
_STYLES = "/styles"
_NUMBERING = "/numbering"
_BODY, _P, _TBL, _ALT_CHUNK = W + "body", W + "p", W + "tbl", W + "altChunk"
# What zipfile inflates (stored, deflate, bzip2, LZMA), and the names of methods it does not (APPNOTE 4.4.5).
_INFLATABLE = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_METHODS = {6: "Implode", 9: "Deflate64", 10: "PKWARE DCL Implode", 93: "Zstandard", 98: "PPMd", 99: "WinZip AES"}


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _refuse_doctype(tree: etree._ElementTree, name: str) -> None:
    info = tree.docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise ReadError(f"{name} declares a DOCTYPE, which Word never writes; refused as unsafe")


def parse_part(data: bytes, name: str) -> etree._Element:
    """Parse one XML part; refuse a DOCTYPE (the door to entity tricks)."""
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise ReadError(f"{name} is not well-formed XML: {exc}") from exc
    _refuse_doctype(root.getroottree(), name)
    return root


class _Package:
    """Parts by name, and the relationships between them."""

    def xml(self, name: str) -> etree._Element | None:
        raise NotImplementedError

    def body_blocks(self, name: str, walker: WordWalker) -> Iterator[etree._Element] | None:
        """The top-level paragraphs and tables of part ``name``'s ``w:body``; None without the part."""
        root = self.xml(name)
        if root is None:
            return None
        return walker.block_elements(_body(root, name))

    def related(self, source: str, relation: str) -> str | None:
        """The part a relationship of ``source`` (``""`` = the package) points to."""
        folder, base = posixpath.split(source)
        rels = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        if rels is None:
            return None
        for rel in rels.iter(_PKG_RELS + "Relationship"):
            if rel.get("Type", "").endswith(relation) and rel.get("TargetMode") != "External":
                target = rel.get("Target", "")
                if target.startswith("/"):
                    return target.lstrip("/")
                return posixpath.normpath(posixpath.join(folder, target))
        return None


def _body(root: etree._Element, name: str) -> etree._Element:
    body = root.find(_BODY)
    if body is None and root.tag.startswith(_STRICT):
        raise ReadError("a Strict Open XML .docx, which this reader does not read; Word saves it as an ordinary .docx")
    if body is None:
        raise ReadError(f"{name} has no w:body: not a WordprocessingML document")
    return body


class _Limited:
    """A zip member's stream that refuses to inflate past ``limit`` bytes (a lying size header)."""

    def __init__(self, member: IO[bytes], name: str, limit: int) -> None:
        self.member, self.name, self.limit, self.count = member, name, limit, 0

    def read(self, size: int = -1) -> bytes:
        data = _inflate(self.name, lambda: self.member.read(size))
        self.count += len(data)
        if self.count > self.limit:
            raise ReadError(f"{self.name} inflates past {self.limit:,} bytes: refused as a zip bomb")
        return data


def _inflate(name: str, read):
    try:
        return read()
    except RuntimeError as exc:  # zipfile's word for a member encrypted with a zip password
        raise ReadError(f"password-protected zip member {name}: cannot be read ({exc})") from exc
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError, OSError, EOFError) as exc:
        raise ReadError(f"corrupt .docx: cannot inflate {name} ({exc})") from exc


class _ZipPackage(_Package):
    def __init__(self, path: Path, max_part_bytes: int) -> None:
        self.max_part_bytes = max_part_bytes
        try:
            self.archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
            raise ReadError(f"corrupt .docx: not a readable zip archive ({exc})") from exc
        self.members = {info.filename: info for info in self.archive.infolist()}

    def __enter__(self) -> _ZipPackage:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.archive.close()

    def _open(self, name: str, limit: int) -> _Limited | None:
        """The member's inflating stream, after the checks its directory entry allows; None if absent."""
        info = self.members.get(name)
        if info is None:
            return None
        if info.compress_type not in _INFLATABLE:
            method = _METHODS.get(info.compress_type, f"method {info.compress_type}")
            raise ReadError(f"{name}: {method} compression is not supported (save the file again from Word)")
        if info.file_size > limit:
            raise ReadError(
                f"{name} would inflate to {info.file_size:,} bytes (limit {limit:,}): refused as a zip bomb"
            )
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise ReadError(
                f"{name} would inflate {info.file_size // max(info.compress_size, 1):,}-fold to "
                f"{info.file_size:,} bytes (limit {MAX_RATIO}-fold): refused as a zip bomb"
            )
        if info.flag_bits & 0x1:  # zipfile would ask for the password only when reading
            raise ReadError(f"password-protected zip member {name}: cannot be read")
        return _Limited(_inflate(name, lambda: self.archive.open(info)), name, limit)

    def xml(self, name: str) -> etree._Element | None:
        limit = min(self.max_part_bytes, MAX_SIDE_PART_BYTES)
        stream = self._open(name, limit)
        if stream is None:
            return None
        with stream.member:
            return parse_part(stream.read(limit + 1), name)

    def body_blocks(self, name: str, walker: WordWalker) -> Iterator[etree._Element] | None:
        stream = self._open(name, self.max_part_bytes)
        return None if stream is None else _stream_blocks(stream, name, walker)


def _stream_blocks(stream: _Limited, name: str, walker: WordWalker) -> Iterator[etree._Element]:
    """Each paragraph and table of the body (through transparent wrappers), complete, then freed.

    Everything else outside a paragraph or table (section properties, unknown
    elements) is freed as soon as it ends, so no part of the tree outlives
    the block that holds it.
    """
    events = etree.iterparse(
        stream, events=("start", "end"), resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    open_blocks = 0  # paragraphs and tables open around the current element
    root = body_seen = False
    with stream.member:
        try:
            for event, element in events:
                tag = element.tag
                if event == "start":  # kept cheap: it runs for every element
                    if tag == _P or tag == _TBL:
                        open_blocks += 1
                    elif not root:  # the prolog is parsed by now
                        root = True
                        _refuse_doctype(element.getroottree(), name)
                        if tag.startswith(_STRICT):
                            _body(element, name)  # raises the Strict message
                    elif tag == _BODY:
                        body_seen = True
                    continue
                if tag == _P or tag == _TBL:
                    open_blocks -= 1
                    if open_blocks:
                        continue  # inside a table: walked with it
                    if _in_body(element):
                        yield element
                elif open_blocks or tag == _BODY or tag in TRANSPARENT:
                    continue
                elif tag == _ALT_CHUNK and _in_body(element):
                    walker.alt_chunk()
                parent = element.getparent()
                if parent is not None:  # what is walked, or never read, is freed with what came before it
                    element.clear()
                    while element.getprevious() is not None:
                        del parent[0]
        except etree.XMLSyntaxError as exc:
            raise ReadError(f"{name} is not well-formed XML: {exc}") from exc
    if not body_seen:
        raise ReadError(f"{name} has no w:body: not a WordprocessingML document")


def _in_body(element: etree._Element) -> bool:
    """A block of the body itself, not of a cell: only transparent wrappers stand between it and w:body."""
    parent = element.getparent()
    while parent is not None and parent.tag in TRANSPARENT:
        parent = parent.getparent()
    return parent is not None and parent.tag == _BODY


class _FlatPackage(_Package):
    """Word's flat OPC: every part inline as ``pkg:part/pkg:xmlData``, in one XML file."""

    def __init__(self, path: Path, max_part_bytes: int) -> None:
        limit = min(max_part_bytes, MAX_FLAT_BYTES)
        if path.stat().st_size > limit:
            raise ReadError(f"Word XML file of {path.stat().st_size:,} bytes (limit {limit:,}): refused")
        root = parse_part(path.read_bytes(), path.name)
        self.parts = {
            part.get(_FLAT + "name", "").lstrip("/"): part.find(_FLAT + "xmlData") for part in root.iter(_FLAT + "part")
        }

    def xml(self, name: str) -> etree._Element | None:
        data = self.parts.get(name)
        if data is None:
            return None
        return next((child for child in data if isinstance(child.tag, str)), None)  # past comments


def read_docx(path: Path, max_part_bytes: int = MAX_PART_BYTES) -> Document:
    """Read a .docx package (zip)."""
    with _ZipPackage(Path(path), max_part_bytes) as package:
        return _read_package(package)


def read_flat_opc(path: Path, max_part_bytes: int = MAX_PART_BYTES) -> Document:
    """Read Word's single-file XML document (flat OPC, ``pkg:package``)."""
    return _read_package(_FlatPackage(Path(path), max_part_bytes))


def _read_package(package: _Package) -> Document:
    main = package.related("", _OFFICE_DOCUMENT) or "word/document.xml"
    styles_part = package.related(main, _STYLES)
    styles = Styles.from_xml(package.xml(styles_part) if styles_part else None)
    numbering_part = package.related(main, _NUMBERING)
    numbering = Numbering(package.xml(numbering_part) if numbering_part else None)
    walker = WordWalker(styles, numbering)
    blocks = package.body_blocks(main, walker)
    if blocks is None:
        raise ReadError("not a Word document: the package has no main document part")
    return walker.document(blocks)
