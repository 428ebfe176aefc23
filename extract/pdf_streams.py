"""How far a PDF page's streams inflate, measured before pdfium decodes them.

pdfium inflates the streams a page needs (its content, its forms', its
fonts' and CMaps') whole into memory when it loads the page, with no limit
of its own: a 2 GB flate bomb would take 4 GB.  So each page is measured
first: pdfminer's object layer (pdfminer is already the fallback parser)
finds the page's streams and hands over their raw bytes without decoding
them, and zlib inflates each in steps, counting and discarding, until the
page's bound.  Each stream is measured once per file, however many pages
share it (a font); a stream whose filters are not deflate is taken at its
raw size, as ASCII and run-length filters do not grow a bomb's size past it
by much and images are not decoded to read text.

Deflate inflates a byte to at most 1032 (a 258-byte match in two bits), so
a file too small to reach the bound even so is not measured at all; nor is a
file whose streams, all inflated in one pass over its bytes, stay under the
bound together (`_all_streams_within`): a page uses some of them, so none can
pass it.  That pass takes a millisecond or two where measuring the seed's 12
pages one by one took twelve.
"""

from __future__ import annotations

import mmap
import re
import zlib
from pathlib import Path

MAX_INFLATED = 256 << 20  # bytes a page's streams may inflate to: a report page needs well under a megabyte
_STEP = 1 << 20
_PIECE = 1 << 16  # bytes of the file fed to the inflater at a time
_MAX_RESOLVE = 32  # references to references; pdfminer's own resolve1 follows a cycle forever
_MAX_DEPTH = 12  # forms inside forms, fonts inside Type 3 fonts
_FONT_FILES = ("FontFile", "FontFile2", "FontFile3")
_MAX_DEFLATE_RATIO = 1032
# where a stream's data may begin: the keyword, then the end of its line (`endstream`'s tail is left out
# after the match: a look-behind in the pattern would cost the search its literal prefix, 40 times slower)
_STREAM_START = re.compile(rb"stream[ \t\f\0]*(?:\r\n|\r|\n)?")


class StreamMeter:
    """Measures the pages of one PDF in order; pdfminer is opened on the first page asked for."""

    def __init__(self, path: Path, limit: int = MAX_INFLATED) -> None:
        self.path = path
        self.limit = limit
        self._handle = None
        self._pages = None
        self._position = -1
        self._page = None
        self._sizes: dict[int, int] = {}
        # a page's streams are bytes of the file, each counted once: this small, no page can reach the bound
        size = path.stat().st_size
        self._harmless = size * _MAX_DEFLATE_RATIO <= limit or _all_streams_within(path, limit - size)

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()

    def refuse(self, index: int) -> str | None:
        """Why page `index` (0-based) must not be loaded, or None; a page pdfminer cannot find is not refused."""
        if self._harmless:
            return None
        try:
            page = self._page_at(index)
            if page is None:
                return None
            total = self._measure(page.attrs, 0, set())
        # pdfminer raises anything on a damaged file; pdfium, the reader, is the judge of damage
        except Exception:  # noqa: BLE001
            return None
        if total > self.limit:
            return f"its streams inflate to more than {self.limit >> 20} MB (a decompression bomb?)"
        return None

    def _page_at(self, index: int):
        from pdfminer.pdfdocument import PDFDocument
        from pdfminer.pdfpage import PDFPage
        from pdfminer.pdfparser import PDFParser

        if self._pages is None:
            self._handle = open(self.path, "rb")  # closed by close()
            self._pages = PDFPage.create_pages(PDFDocument(PDFParser(self._handle)))
        while self._position < index:
            self._page = next(self._pages, None)
            self._position += 1
            if self._page is None:
                return None
        return self._page

    def _measure(self, attrs: dict, depth: int, seen: set[int]) -> int:
        """Inflated bytes of the streams a page (or a form, a font) uses, up to just past the limit."""
        total = sum(self._stream(item, seen) for item in _list(attrs.get("Contents")))
        if depth >= _MAX_DEPTH or total > self.limit:
            return total
        resources = _resolve(attrs.get("Resources"))
        if not isinstance(resources, dict):
            return total
        for kind in ("XObject", "Font"):
            named = _resolve(resources.get(kind))
            for value in named.values() if isinstance(named, dict) else ():
                total += self._resource(value, depth, seen)
                if total > self.limit:
                    return total
        return total

    def _resource(self, value, depth: int, seen: set[int]) -> int:
        """A form XObject or a font: its own streams and those of what it uses in turn."""
        objid = getattr(value, "objid", None)
        if objid is not None:
            if objid in seen:
                return 0
            seen.add(objid)
        item = _resolve(value)
        attrs = getattr(item, "attrs", item)
        if not isinstance(attrs, dict):
            return 0
        subtype = _name(attrs.get("Subtype"))
        if subtype == "Form":
            own = self._size(objid, item)
            return own + self._measure({"Resources": attrs.get("Resources")}, depth + 1, seen)
        if subtype == "Image":
            return 0  # decoded only to render the page, for OCR
        total = self._stream(attrs.get("ToUnicode"), seen)
        for font in [attrs, *(_resolve(f) for f in _list(attrs.get("DescendantFonts")))]:
            descriptor = _resolve(font.get("FontDescriptor")) if isinstance(font, dict) else None
            if isinstance(descriptor, dict):
                total += sum(self._stream(descriptor.get(key), seen) for key in _FONT_FILES)
        procs = _resolve(attrs.get("CharProcs"))
        if isinstance(procs, dict):
            total += sum(self._stream(proc, seen) for proc in procs.values())
        return total + self._measure({"Resources": attrs.get("Resources")}, depth + 1, seen)

    def _stream(self, value, seen: set[int]) -> int:
        """One stream's inflated size, counted once per page (0 for what is not a stream)."""
        objid = getattr(value, "objid", None)
        if objid is not None:
            if objid in seen:
                return 0
            seen.add(objid)
        return self._size(objid, _resolve(value))

    def _size(self, objid: int | None, stream) -> int:
        """A stream's inflated size, measured once per file."""
        if objid in self._sizes:
            return self._sizes[objid]
        raw = getattr(stream, "rawdata", None)
        size = _inflated_size(raw, _filters(stream.attrs), self.limit) if raw is not None else 0
        if objid is not None:
            self._sizes[objid] = size
        return size


def _all_streams_within(path: Path, budget: int) -> bool:
    """Whether everything that inflates from the file's stream keywords stays within `budget` bytes.

    A stream whose data is not deflate counts as bytes of the file (which
    the caller has taken off the budget); one that inflates is counted from
    its keyword to the end of its deflate data, past its /Length if that is
    shorter, so the sum is never less than what pdfium inflates.  An
    encrypted file's streams do not inflate before pdfium decrypts them,
    so it is never judged so.
    """
    if budget <= 0:
        return False
    try:
        with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            if data.find(b"/Encrypt") != -1:
                return False
            total = 0
            for found in _STREAM_START.finditer(data):
                if data[max(found.start() - 3, 0) : found.start()] == b"end":
                    continue
                total += _inflated_from(data, found.end(), budget - total)
                if total > budget:
                    return False
    except (OSError, ValueError):  # a file system that cannot map files, a file emptied meanwhile: measure pages
        return False
    return True


def _inflated_from(data: bytes | mmap.mmap, start: int, limit: int) -> int:
    """What deflate data from `start` inflates to, fed a piece at a time (a mapped file is not read
    whole) and counted in steps, up to just past `limit`; 0 where no deflate data begins."""
    inflater = zlib.decompressobj()
    total, position = 0, start
    try:
        while position < len(data) and not inflater.eof and total <= limit:
            pending = data[position : position + _PIECE]
            position += len(pending)
            while pending and not inflater.eof and total <= limit:
                total += len(inflater.decompress(pending, _STEP))
                pending = inflater.unconsumed_tail
    except zlib.error:
        pass  # not deflate, or damaged where pdfium too stops inflating
    return total


def _inflated_size(raw: bytes, filters: list[str], limit: int) -> int:
    """The size deflate would give, counted in steps and stopped just past `limit`; raw size for other filters."""
    if not filters or filters[0] not in ("FlateDecode", "Fl"):
        return len(raw)
    return _inflated_from(raw, 0, limit)


def _resolve(value):
    for _ in range(_MAX_RESOLVE):
        if not hasattr(value, "resolve"):
            return value
        value = value.resolve()
    return None


def _list(value) -> list:
    value = _resolve(value)
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _name(value) -> str:
    return str(getattr(_resolve(value), "name", ""))


def _filters(attrs: dict) -> list[str]:
    value = _resolve(attrs.get("Filter") or attrs.get("F"))
    return [_name(item) for item in (value if isinstance(value, list) else [value]) if item is not None]
