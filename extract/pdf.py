"""PDF → document model: a page source per page, then the format-neutral assembly.

pdfium (pypdfium2) reads the pages, one at a time, into
`page.PageContent` (`pdf_pdfium`); each is laid out at once into light text
lines and table fragments and released (`page_assembly.lay_out`), so memory
follows the text, not the page count.  Per page, what pdfium finds decides:
a page without text is not laid out (an image page is rendered and read by
OCR, `page_ocr`; a page without an image, or whose image is of a blank
sheet, is blank), a page whose text layer
is mostly unmapped glyphs (a font without ToUnicode) is read by OCR too, and
a page with more characters than a report page could hold is read as plain
text (with a note).  Tables are looked for only on pages that draw lines,
and not on a page whose lines make a mesh too big to search (with a note).
Before pdfium loads a page, `pdf_streams` measures how far its streams
inflate, and a page past the bound is noted and not read.  pdfminer
(`pdf_plumber`) reads a page only when pdfium's text page leaves out some
of its text (a font that is not embedded and that pdfium lacks); that is
noted.  A page pdfium cannot load is noted and skipped; a file over its
time limit fails.  Once all
pages are read, `page_assembly.assemble` puts them together.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pypdfium2
from jixiao.extract.model import Document, ReadError
from jixiao.extract.page import DEFAULT_TIME_LIMIT, OCR_TIME_PER_PAGE, PageContent
from jixiao.extract.page_assembly import PageItems, assemble, lay_out
from jixiao.extract.page_ocr import ocr_dpi as page_ocr_dpi
from jixiao.extract.page_ocr import ocr_page
from jixiao.extract.pdf_pdfium import PdfiumPage
from jixiao.extract.pdf_streams import StreamMeter

MAX_CHARS_PER_PAGE = 20_000  # a dense report page holds ~3,000


def read_pdf(
    path: Path,
    *,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    max_chars_per_page: int = MAX_CHARS_PER_PAGE,
    ocr_dpi: float | None = None,
    ocr_time_per_page: float = OCR_TIME_PER_PAGE,
) -> Document:
    """Read a PDF, scanned pages by OCR; raises ReadError for an encrypted, broken, empty or too slow file.

    `time_limit` (None: none; a batch kills its worker at the file's timeout
    instead) grows by `ocr_time_per_page` for each page that needs OCR;
    `ocr_dpi` is the render resolution of those pages (default: `page_ocr.ocr_dpi()`).
    """
    ocr_dpi = ocr_dpi or page_ocr_dpi()
    started = time.monotonic()
    limit = time_limit
    notes: list[tuple[str, str]] = []
    pages: list[PageItems] = []
    document = _open_pdfium(path)
    fallback = _PdfminerPages(path)
    meter = StreamMeter(path)
    scanned = 0
    try:
        total = len(document)
        for index in range(total):
            if limit is not None and time.monotonic() - started > limit:
                raise ReadError(f"gave up after {index} of {total} pages: over the {limit:g} s time limit")
            items, ocr = _read_page(document, index, meter, fallback, max_chars_per_page, ocr_dpi, notes)
            pages.append(items)
            if ocr:
                scanned += 1
                if limit is not None:
                    limit += ocr_time_per_page
    finally:
        meter.close()
        fallback.close()
        document.close()
    if total and not any(page.items for page in pages):
        unreadable = [message for code, message in notes if code == "pdf_page_unreadable"]
        if unreadable:
            raise ReadError(f"no page could be read: {unreadable[0]}")
        if scanned:
            raise ReadError(f"no text found: OCR read nothing on its {scanned} scanned pages")
        raise ReadError("no text: every page is blank")
    try:
        blocks = assemble(pages)
    # every page was read; a layout this reader cannot put together still fails as a ReadError
    except (ValueError, IndexError, KeyError, TypeError, ZeroDivisionError) as exc:
        raise ReadError(f"could not put the PDF's pages together: {type(exc).__name__}: {exc}") from exc
    return Document(blocks=blocks, format="pdf", pages=total, notes=notes)


def scanned_pages(path: Path) -> int:
    """How many pages are images without text (OCR reads them), by a quick pdfium look; 0 for a broken file."""
    try:
        document = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError:
        return 0
    meter = StreamMeter(path)
    try:
        count = 0
        for index in range(len(document)):
            if meter.refuse(index):
                continue
            try:
                source = PdfiumPage(document[index], index + 1)
            except pypdfium2.PdfiumError:
                continue
            try:
                facts = source.facts()
                count += facts.chars == 0 and facts.has_image
            finally:
                source.close()
        return count
    finally:
        meter.close()
        document.close()


def _open_pdfium(path: Path) -> pypdfium2.PdfDocument:
    """pdfium's view of the file; it also tells an encrypted or broken file early."""
    try:
        return pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ReadError("encrypted PDF: it needs a password") from exc
        raise ReadError(f"not a readable PDF: {exc}") from exc


def _read_page(
    document: pypdfium2.PdfDocument,
    index: int,
    meter: StreamMeter,
    fallback: _PdfminerPages,
    max_chars: int,
    dpi: float,
    notes: list,
) -> tuple[PageItems, bool]:
    """The page laid out, and whether it was read by OCR."""
    number = index + 1
    refused = meter.refuse(index)
    if refused:
        notes.append(("pdf_page_unreadable", f"page {number} was not read: {refused}"))
        return PageItems(number=number, height=0.0), False
    try:
        source = PdfiumPage(document[index], number)
    except pypdfium2.PdfiumError as exc:
        # pdfminer is not asked: a page tree pdfium cannot follow numbers its pages differently there
        notes.append(("pdf_page_unreadable", f"page {number} could not be read: {exc}"))
        return PageItems(number=number, height=0.0), False
    try:
        facts = source.facts()
        if facts.chars == 0:
            if facts.has_image:
                noted = len(notes)
                content = _ocr(source, dpi, notes)
                if content is None:  # the scan of a blank sheet
                    return PageItems(number=number, height=facts.height), False
                if not content.glyphs and len(notes) == noted:
                    notes.append(("pdf_page_no_text", f"page {number} is an image in which OCR found no text"))
                return lay_out(content, notes), True
            return PageItems(number=number, height=facts.height), False  # a blank page
        if facts.chars > max_chars:
            notes.append(
                (
                    "pdf_page_too_dense",
                    f"page {number} holds {facts.chars} characters; read as plain text without layout",
                )
            )
            content = PageContent(number, facts.width, facts.height, plain_text=source.plain_text(max_chars))
            return lay_out(content, notes), False
        read = source.content()
        if read.unplaced:
            reason = f"{read.unplaced} of its text runs are in a font that is not embedded and that pdfium lacks"
            return fallback.lay_out(index, read.content, reason, notes), False
        if read.refused:
            message = f"page {number} {read.refused}; its text read without tables"
            notes.append(("pdf_page_too_many_lines", message))
        if read.unmapped and read.unmapped * 2 > sum(not glyph.text.isspace() for glyph in read.content.glyphs):
            content = _ocr(source, dpi, notes)
            if content is None:
                return PageItems(number=number, height=facts.height), False
            return lay_out(content, notes), True
        return lay_out(read.content, notes), False
    finally:
        source.close()


class _PdfminerPages:
    """pdfminer, opened only when a page needs it; pages are asked for in order."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.plumber = None
        self.pages = None
        self.position = -1
        self.page = None

    def lay_out(self, index: int, pdfium: PageContent, reason: str, notes: list) -> PageItems:
        """The page read by pdfminer, noted with why; when pdfminer cannot read it either, what pdfium read."""
        from jixiao.extract.pdf_plumber import PlumberPages

        number = index + 1
        try:
            if self.plumber is None:
                self.plumber = PlumberPages(self.path)
                self.pages = iter(self.plumber)
            while self.position < index:
                self.page = next(self.pages)
                self.position += 1
            content = self.plumber.content(self.page, number)
            problem = None
            if pdfium.rotation or abs(content.width - pdfium.width) > 1 or abs(content.height - pdfium.height) > 1:
                problem = "its page there is another (the parsers disagree on the page tree or its rotation)"
            elif _is_garbage(content):
                problem = "no Unicode for its glyphs either"
        # pdfminer raises anything from a damaged page; one bad page must not lose the file
        except Exception as exc:
            problem = "it has no such page" if isinstance(exc, StopIteration) else f"{type(exc).__name__}: {exc}"
        if problem is not None:
            notes.append(("pdf_page_text_lost", f"page {number}: {reason}; pdfminer could not help: {problem}"))
            return lay_out(pdfium, notes)
        notes.append(("pdf_page_read_by_pdfminer", f"page {number}: {reason}; read by pdfminer"))
        return lay_out(content, notes)

    def close(self) -> None:
        if self.plumber is not None:
            self.plumber.__exit__()


def _is_garbage(content: PageContent) -> bool:
    """A text layer without ToUnicode: pdfminer gives `(cid:N)` for most glyphs; the page is read as a scan."""
    visible = [g.text for g in content.glyphs if not g.text.isspace()]
    unmapped = sum(text.startswith("(cid:") or text == "\ufffd" for text in visible)
    return bool(visible) and unmapped * 2 > len(visible)


def _ocr(source: PdfiumPage, dpi: float, notes: list) -> PageContent | None:
    """The page rendered as displayed (`/Rotate` applied), in colour so that seal ink can be told from print,
    then read by OCR (None: a blank page); the bitmap is freed at once."""
    bitmap = source.page.render(scale=dpi / 72)
    image = np.array(bitmap.to_pil().convert("RGB"))
    bitmap.close()
    return ocr_page(image, source.number, dpi, notes=notes)
