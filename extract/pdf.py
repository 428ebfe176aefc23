"""Text PDF → document model, with pdfplumber.

Pages are read one at a time into light text lines and table fragments and
released at once, so memory follows the text, not the page count.  A quick
pypdfium2 look at each page counts its characters first: a page without
text is not parsed at all (an image page gets a note), and a page with more
characters than a report page could hold is read by pypdfium2 as plain text
(with a note) instead of being laid out glyph by glyph.  Tables are looked
for only on pages that draw lines, and not on a page whose lines make a
mesh too big to search (with a note).  A page that cannot be parsed is
noted and skipped; a file over its time limit fails.  Once all pages are read:
- running headers/footers (text repeated at one position across pages) and
  page numbers in the top/bottom margin are dropped;
- fragments that continue a table on the next page are stitched into one
  table (see pdf_tables);
- the remaining lines become headings and whole paragraphs.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
import pypdfium2
from jixiao.extract.model import Document, Heading, Paragraph, ReadError
from jixiao.extract.pdf_tables import Fragment, TableStitcher, build_fragment, find_page_tables
from jixiao.extract.pdf_text import ITEM_MARKER, TextLine, ended_early, group_lines, join_wrapped
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import PDFException
from pdfminer.psexceptions import PSException
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import PdfminerException

DEFAULT_TIME_LIMIT = 60.0  # seconds per file
MAX_CHARS_PER_PAGE = 20_000  # a dense report page holds ~3,000

_MARGIN_BAND = 0.12  # top/bottom fraction of the page where headers, footers, page numbers live
_SAME_HEIGHT = 3.0  # points: a running header may shift this much from page to page
_PAGE_NUMBER = re.compile(
    r"^(?:[-–—~]\s*)?\d{1,5}(?:\s*[-–—~])?$"
    r"|^第\s*\d{1,5}\s*页(?:\s*[,，/]?\s*共\s*\d{1,5}\s*页)?$"
    r"|^共\s*\d{1,5}\s*页\s*[,，]?\s*第\s*\d{1,5}\s*页$"
    r"|^\d{1,5}\s*/\s*\d{1,5}$"
    r"|^page\s*\d{1,5}(?:\s*(?:of|/)\s*\d{1,5})?$",
    re.IGNORECASE,
)
_TOC_ENTRY = re.compile(r"(?:\.{3,}|…{2,}|·{3,}|－{3,})\s*\d{1,4}\s*$")
_TOC_TITLE = re.compile(r"^(?:目\s*录|contents)$", re.IGNORECASE)
_HEADING_MARKER = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}、|第[一二三四五六七八九十\d]{1,3}部分|\d{1,3}、.*绩效目标表$)"
)
_TABLE_OBJECTS = ("line", "rect", "curve")
# A report page's rules cross at a few hundred points; finding tables grows faster than
# linearly with the crossings (a 21,000-cell mesh takes 14 s), so a page past this is read as text.
MAX_GRID_CROSSINGS = 10_000


@dataclass
class _Page:
    number: int
    height: float
    items: list[TextLine | Fragment] = field(default_factory=list)  # top to bottom


def read_pdf(
    path: Path, *, time_limit: float = DEFAULT_TIME_LIMIT, max_chars_per_page: int = MAX_CHARS_PER_PAGE
) -> Document:
    """Read a text PDF; raises ReadError for an encrypted, broken, image-only or too slow file."""
    deadline = time.monotonic() + time_limit
    notes: list[tuple[str, str]] = []
    pages: list[_Page] = []
    quick = _open_pdfium(path)
    try:
        with _PlumberPages(path) as plumber:
            total = len(quick)
            for index, page in enumerate(plumber):
                if time.monotonic() > deadline:
                    raise ReadError(f"gave up after {index} of {total} pages: over the {time_limit:g} s time limit")
                pages.append(_read_page(plumber.pdf, page, quick, index, max_chars_per_page, notes))
    finally:
        quick.close()
    if total and not any(page.items for page in pages):
        unreadable = [message for code, message in notes if code == "pdf_page_unreadable"]
        if unreadable:
            raise ReadError(f"no page could be read: {unreadable[0]}")
        raise ReadError("no text layer: scanned PDF; OCR not supported yet")
    try:
        _drop_running_lines(pages)
        blocks = _Assembler(pages).blocks()
    # every page was read; a layout this reader cannot put together still fails as a ReadError
    except (ValueError, IndexError, KeyError, TypeError, ZeroDivisionError) as exc:
        raise ReadError(f"could not put the PDF's pages together: {type(exc).__name__}: {exc}") from exc
    return Document(blocks=blocks, format="pdf", pages=total, notes=notes)


def _open_pdfium(path: Path) -> pypdfium2.PdfDocument:
    """pypdfium2's view of the file, for the quick pass; it also tells an encrypted or broken file early."""
    try:
        return pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ReadError("encrypted PDF: it needs a password") from exc
        raise ReadError(f"not a readable PDF: {exc}") from exc


class _PlumberPages:
    """pdfplumber pages, built one at a time and kept by nobody.

    `PDF.pages` would build (and `PDF.close` would then build) every page
    up front and keep them all, and pdfminer caches every object it parses,
    page content included; both make memory grow with the page count.
    pdfminer's cache is therefore emptied after each page: objects a page
    resolves more than once (colour spaces, resources) stay cached while it
    is read, and fonts stay built in the resource manager's own cache.
    """

    def __init__(self, path: Path) -> None:
        self.stream = open(path, "rb")  # closed by __exit__
        try:
            self.pdf = pdfplumber.PDF(self.stream, stream_is_external=True)
        except PdfminerException as exc:
            self.stream.close()
            cause = exc.args[0] if exc.args else exc
            if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
                raise ReadError("encrypted PDF: it needs a password") from exc
            raise ReadError(f"not a readable PDF: {cause}") from exc

    def __enter__(self) -> _PlumberPages:
        return self

    def __exit__(self, *exc_info) -> None:
        self.stream.close()

    def __iter__(self) -> Iterator[PDFPage]:
        pages = PDFPage.create_pages(self.pdf.doc)
        number = 0
        while True:
            try:
                page = next(pages)
            except StopIteration:
                return
            except (PSException, PDFException, ValueError, KeyError, TypeError) as exc:
                raise ReadError(f"not a readable PDF: its page tree is damaged after page {number} ({exc})") from exc
            number += 1
            yield page
            # pdfminer has no public way to empty its object cache; `caching=False` would
            # parse an object again each time a page refers to it, 15% slower
            getattr(self.pdf.doc, "_cached_objs", {}).clear()


def _read_page(
    pdf: pdfplumber.PDF, page_object: PDFPage, quick: pypdfium2.PdfDocument, index: int, max_chars: int, notes: list
) -> _Page:
    number = index + 1
    result = _Page(number=number, height=0.0)
    look = _quick_look(quick, index, max_chars)
    if look is not None:
        result.height = look.height
        if look.chars == 0:
            if look.has_image:
                notes.append(
                    ("pdf_page_no_text", f"page {number} is an image without a text layer; OCR not supported yet")
                )
            return result
        if look.capped_text is not None:
            notes.append(
                (
                    "pdf_page_too_dense",
                    f"page {number} holds {look.chars} characters; read as plain text without layout",
                )
            )
            plain = TextLine(text=look.capped_text, x0=0, x1=0, top=0, bottom=0, size=0, bold=False, page=number)
            result.items.append(plain)
            return result
    # pdfminer raises anything from a damaged page; one bad page must not lose the file
    try:
        page = Page(pdf, page_object, page_number=number, initial_doctop=0)
        try:
            result.height = float(page.height)
            result.items = _page_items(page, number, notes)
        finally:
            page.close()  # flushes the page's parsed objects
    except Exception as exc:
        notes.append(("pdf_page_unreadable", f"page {number} could not be read: {type(exc).__name__}: {exc}"))
    return result


@dataclass
class _QuickLook:
    height: float
    chars: int
    has_image: bool
    capped_text: str | None  # the page's first characters as plain text, when it holds too many to lay out


def _quick_look(quick: pypdfium2.PdfDocument, index: int, max_chars: int) -> _QuickLook | None:
    """pypdfium2's count of a page's characters; None when it cannot load the page (pdfplumber may still)."""
    if index >= len(quick):  # the two parsers disagree on a damaged page tree
        return None
    try:
        page = quick[index]
    except pypdfium2.PdfiumError:
        return None
    text_page = page.get_textpage()
    try:
        count = text_page.count_chars()
        _width, height = page.get_size()
        has_image = count == 0 and any(page.get_objects(filter=(pypdfium2.raw.FPDF_PAGEOBJ_IMAGE,), max_depth=1))
        capped = text_page.get_text_range(0, max_chars).replace("\r\n", "\n") if count > max_chars else None
        return _QuickLook(height=height, chars=count, has_image=has_image, capped_text=capped)
    finally:
        text_page.close()
        page.close()


def _page_items(page: Page, number: int, notes: list) -> list[TextLine | Fragment]:
    chars = page.chars
    crossings = _grid_crossings(page)
    if crossings > MAX_GRID_CROSSINGS:
        message = f"page {number} draws a mesh of {crossings} line crossings; its text read without tables"
        notes.append(("pdf_page_too_many_lines", message))
    tables = find_page_tables(page, chars) if 0 < crossings <= MAX_GRID_CROSSINGS else []
    items: list[TextLine | Fragment] = []
    loose = chars
    for table in tables:
        if not table.cells:
            continue
        x0, top, x1, bottom = table.bbox
        inside, outside = [], []
        for char in loose:
            mid_x, mid_y = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
            (inside if x0 <= mid_x <= x1 and top <= mid_y <= bottom else outside).append(char)
        fragment, stray = build_fragment(table.cells, inside, number)
        items.append(fragment)
        loose = outside + stray
    items.extend(group_lines(loose, number))
    items.sort(key=lambda item: item.top)
    return items


def _grid_crossings(page: Page) -> int:
    """How many points the page's horizontal and vertical rule positions (to 3 pt) make: an upper bound on a grid."""
    rows, columns = set(), set()
    for kind in _TABLE_OBJECTS:
        for shape in page.objects.get(kind, ()):
            rows.update((round(shape["top"] / 3), round(shape["bottom"] / 3)))
            columns.update((round(shape["x0"] / 3), round(shape["x1"] / 3)))
    return len(rows) * len(columns)


def _drop_running_lines(pages: list[_Page]) -> None:
    """Remove page numbers, and text repeated at one height in the margins of several pages.

    Repeated text is compared with its digits blanked, so "第3页" and "第4页"
    or a dated header count as the same line.
    """

    def in_margin(line: TextLine, page: _Page) -> bool:
        return line.bottom < page.height * _MARGIN_BAND or line.top > page.height * (1 - _MARGIN_BAND)

    def shape(line: TextLine) -> str:
        return re.sub(r"\d+", "#", line.text)

    heights: dict[str, list[tuple[float, int]]] = {}
    for page in pages:
        for item in page.items:
            if isinstance(item, TextLine) and in_margin(item, page):
                heights.setdefault(shape(item), []).append((item.top, page.number))
    repeated_at_least = max(2, len(pages) * 0.3)

    verdicts: dict[tuple[str, int], bool] = {}  # a running header asks the same question on every page

    def running(line: TextLine) -> bool:
        key = (shape(line), round(line.top))
        if key not in verdicts:
            near = {number for top, number in heights[key[0]] if abs(top - line.top) <= _SAME_HEIGHT}
            verdicts[key] = len(near) >= repeated_at_least
        return verdicts[key]

    for page in pages:
        page.items = [
            item
            for item in page.items
            if not (
                isinstance(item, TextLine)
                and in_margin(item, page)
                and (_PAGE_NUMBER.match(item.text) or running(item))
            )
        ]


class _Assembler:
    """Page items in order → blocks: tables stitched, lines grouped into headings and paragraphs."""

    def __init__(self, pages: list[_Page]) -> None:
        self.pages = pages
        lines = [item for page in pages for item in page.items if isinstance(item, TextLine) and item.size]
        self.body_size = _most_common_size(lines)
        self.body_left, self.body_right = _body_edges(lines)
        self.out: list = []
        self.stitcher = TableStitcher()
        self.tables = 0
        self.paragraph: list[TextLine] = []

    def blocks(self) -> list:
        previous: TextLine | Fragment | None = None
        for page in self.pages:
            for item in page.items:
                if isinstance(item, Fragment):
                    self._flush_paragraph()
                    if not (isinstance(previous, Fragment) and self.stitcher.continues(item)):
                        self._flush_table()
                    self.stitcher.add(item)
                else:
                    self._flush_table()
                    self._line(item)
                previous = item
        self._flush_paragraph()
        self._flush_table()
        return self.out

    def _flush_table(self) -> None:
        if self.stitcher.fragments:
            self.tables += 1
            self.out.append(self.stitcher.finish(self.tables))

    def _line(self, line: TextLine) -> None:
        # a table of contents repeats the headings with page numbers; the text export has none
        if _TOC_ENTRY.search(line.text):
            if self.paragraph and _TOC_TITLE.match(self.paragraph[-1].text):
                self.paragraph.pop()
            return
        if self.paragraph and self._starts_block(self.paragraph[-1], line):
            self._flush_paragraph()
        self.paragraph.append(line)

    def _starts_block(self, previous: TextLine, line: TextLine) -> bool:
        if self._is_heading_style(previous) != self._is_heading_style(line) or abs(previous.size - line.size) > 0.5:
            return True
        if ITEM_MARKER.match(line.text) or _HEADING_MARKER.match(line.text):
            return True
        if line.x0 - self.body_left > 1.5 * line.size:  # a first-line indent or a centred line
            return True
        if previous.page == line.page and line.top - previous.bottom > 0.8 * line.size:
            return True
        return ended_early(previous, line, self.body_right)

    def _is_heading_style(self, line: TextLine) -> bool:
        return line.size >= self.body_size + 1 or line.bold

    def _flush_paragraph(self) -> None:
        if not self.paragraph:
            return
        lines, self.paragraph = self.paragraph, []
        text = join_wrapped(lines, self.body_right)
        first = lines[0]
        standalone_number = (
            len(lines) == 1 and _HEADING_MARKER.match(first.text) and not first.text.endswith(("。", "；", "，"))
        )
        if self._is_heading_style(first) or self._is_centred(first) or standalone_number:
            self.out.append(Heading(text=text, page=first.page))
        else:
            self.out.append(Paragraph(text=text, page=first.page))

    def _is_centred(self, line: TextLine) -> bool:
        left, right = line.x0 - self.body_left, self.body_right - line.x1
        return left > 2 * line.size and abs(left - right) < line.size


def _most_common_size(lines: list[TextLine]) -> float:
    weights = Counter()
    for line in lines:
        weights[round(line.size, 1)] += len(line.text)
    return weights.most_common(1)[0][0] if weights else 0.0


def _body_edges(lines: list[TextLine]) -> tuple[float, float]:
    """The text block's left edge (the most common line start) and right edge (where full lines end)."""
    if not lines:
        return 0.0, 0.0
    left = Counter(round(line.x0) for line in lines).most_common(1)[0][0]
    ends = sorted(line.x1 for line in lines)
    return float(left), ends[int(len(ends) * 0.95)]
