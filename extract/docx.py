""".docx (OOXML WordprocessingML package) → document model.

The package is opened with zipfile (or, for Word's single-file "Word XML
Document", read from its ``pkg:package`` flat OPC form) and its parts parsed
with a hardened lxml parser; :mod:`extract.word_xml` walks the main document
part.  Defences: every member's uncompressed size is checked before it is
read (zip bomb), a part with a DOCTYPE is refused (entity expansion, external
entities), and entities are never resolved nor anything fetched.
"""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from pathlib import Path

from jixiao.extract.model import Document, ReadError
from jixiao.extract.word_ns import W_NS
from jixiao.extract.word_numbering import Numbering
from jixiao.extract.word_xml import Styles, WordWalker
from lxml import etree

# Far above any real report (the seed's document.xml is 0.3 MB).
MAX_PART_BYTES = 200 * 1024 * 1024

_PKG_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_FLAT = "{http://schemas.microsoft.com/office/2006/xmlPackage}"
_OFFICE_DOCUMENT = "/officeDocument"
_STYLES = "/styles"
_NUMBERING = "/numbering"


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def parse_part(data: bytes, name: str) -> etree._Element:
    """Parse one XML part; refuse a DOCTYPE (the door to entity tricks)."""
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise ReadError(f"{name} is not well-formed XML: {exc}") from exc
    info = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        raise ReadError(f"{name} declares a DOCTYPE, which Word never writes; refused as unsafe")
    return root


class _Package:
    """Parts by name, and the relationships between them."""

    def xml(self, name: str) -> etree._Element | None:
        raise NotImplementedError

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

    def read(self, name: str) -> bytes | None:
        info = self.members.get(name)
        if info is None:
            return None
        if info.file_size > self.max_part_bytes:
            raise ReadError(
                f"{name} would inflate to {info.file_size:,} bytes (limit {self.max_part_bytes:,}): refused as a zip bomb"
            )
        try:
            with self.archive.open(info) as member:
                # read one byte past the limit: a lying size header cannot slip through
                data = member.read(self.max_part_bytes + 1)
        except RuntimeError as exc:  # zipfile's word for a member encrypted with a zip password
            raise ReadError(f"password-protected zip member {name}: cannot be read ({exc})") from exc
        except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, NotImplementedError, OSError, EOFError) as exc:
            raise ReadError(f"corrupt .docx: cannot inflate {name} ({exc})") from exc
        if len(data) > self.max_part_bytes:
            raise ReadError(f"{name} inflates past {self.max_part_bytes:,} bytes: refused as a zip bomb")
        return data

    def xml(self, name: str) -> etree._Element | None:
        data = self.read(name)
        return None if data is None else parse_part(data, name)


class _FlatPackage(_Package):
    """Word's flat OPC: every part inline as ``pkg:part/pkg:xmlData``, in one XML file."""

    def __init__(self, path: Path, max_part_bytes: int) -> None:
        if path.stat().st_size > max_part_bytes:
            raise ReadError(f"Word XML file of {path.stat().st_size:,} bytes (limit {max_part_bytes:,}): refused")
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
    root = package.xml(main)
    if root is None:
        raise ReadError("not a Word document: the package has no main document part")
    styles_part = package.related(main, _STYLES)
    styles = Styles.from_xml(package.xml(styles_part) if styles_part else None)
    numbering_part = package.related(main, _NUMBERING)
    numbering = Numbering(package.xml(numbering_part) if numbering_part else None)
    body = root.find(f"{{{W_NS}}}body")
    if body is None and root.tag.startswith("{http://purl.oclc.org/ooxml/"):
        raise ReadError("a Strict Open XML .docx, which this reader does not read; Word saves it as an ordinary .docx")
    if body is None:
        raise ReadError(f"{main} has no w:body: not a WordprocessingML document")
    return WordWalker(styles, numbering).document(body)
