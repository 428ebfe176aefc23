"""PDF → document model: a page source per page, then the format-neutral assembly.

Pages are read one at a time by a page source (`pdf_plumber` for a text
layer, `page_ocr` for a scanned page) into
`page.PageContent`, laid out at once into light text lines and table
fragments and released (`page_assembly.lay_out`), so memory follows the
text, not the page count.  A quick
pypdfium2 look at each page counts its characters first: a page without
text is not parsed (an image page is rendered and read by OCR, a page
without an image is blank), a page whose text layer is mostly `(cid:N)`
glyphs is read by OCR too, and a page with more
characters than a report page could hold is read by pypdfium2 as plain text
(with a note) instead of being laid out glyph by glyph.  Tables are looked
for only on pages that draw lines, and not on a page whose lines make a
mesh too big to search (with a note).  A page that cannot be parsed is
noted and skipped; a file over its time limit fails.  Once all pages are
read, `page_assembly.assemble` puts them together.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2
from jixiao.extract.model import Document, ReadError
from jixiao.extract.page import OCR_TIME_PER_PAGE, PageContent
from jixiao.extract.page_assembly import PageItems, assemble, lay_out
from jixiao.extract.page_ocr import ocr_dpi as page_ocr_dpi
from jixiao.extract.page_ocr import ocr_page
from jixiao.extract.pdf_plumber import PlumberPages
from pdfminer.pdfpage import PDFPage

DEFAULT_TIME_LIMIT = 60.0  # seconds per file
MAX_CHARS_PER_PAGE = 20_000  # a dense report page holds ~3,000


def read_pdf(
    path: Path,
    *,
    time_limit: float = DEFAULT_TIME_LIMIT,
    max_chars_per_page: int = MAX_CHARS_PER_PAGE,
    ocr_dpi: float | None = None,
    ocr_time_per_page: float = OCR_TIME_PER_PAGE,
) -> Document:
    """Read a PDF, scanned pages by OCR; raises ReadError for an encrypted, broken, empty or too slow file.

    The time limit grows by `ocr_time_per_page` for each page that needs OCR;
    `ocr_dpi` is the render resolution of those pages (default: `page_ocr.ocr_dpi()`).
    """
    ocr_dpi = ocr_dpi or page_ocr_dpi()
    deadline = time.monotonic() + time_limit
    limit = time_limit
    notes: list[tuple[str, str]] = []
    pages: list[PageItems] = []
    quick = _open_pdfium(path)
    scanned = 0
    try:
        with PlumberPages(path) as plumber:
            total = len(quick)
            for index, page in enumerate(plumber):
                if time.monotonic() > deadline:
                    raise ReadError(f"gave up after {index} of {total} pages: over the {limit:g} s time limit")
                items, ocr = _read_page(plumber, page, quick, index, max_chars_per_page, ocr_dpi, notes)
                pages.append(items)
                if ocr:
                    scanned += 1
                    deadline += ocr_time_per_page
                    limit += ocr_time_per_page
    finally:
        quick.close()
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
    """How many pages are images without text (OCR reads them), by a quick pypdfium2 look; 0 for a broken file."""
    try:
        document = pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError:
        return 0
    try:
        count = 0
        for index in range(len(document)):
            look = _quick_look(document, index, MAX_CHARS_PER_PAGE)
            count += look is not None and look.chars == 0 and look.has_image
        return count
    finally:
        document.close()


def _open_pdfium(path: Path) -> pypdfium2.PdfDocument:
    """pypdfium2's view of the file, for the quick pass; it also tells an encrypted or broken file early."""
    try:
        return pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise ReadError("encrypted PDF: it needs a password") from exc
        raise ReadError(f"not a readable PDF: {exc}") from exc


def _read_page(
    plumber: PlumberPages,
    page_object: PDFPage,
    quick: pypdfium2.PdfDocument,
    index: int,
    max_chars: int,
    dpi: float,
    notes: list,
) -> tuple[PageItems, bool]:
    """The page laid out, and whether it was read by OCR."""
    number = index + 1
    look = _quick_look(quick, index, max_chars)
    if look is not None:
        if look.chars == 0:
            if look.has_image:
                content = _ocr(quick, index, dpi)
                if not content.glyphs:
                    notes.append(("pdf_page_no_text", f"page {number} is an image in which OCR found no text"))
                return lay_out(content, notes), True
            return PageItems(number=number, height=look.height), False  # a blank page
        if look.capped_text is not None:
            notes.append(
                (
                    "pdf_page_too_dense",
                    f"page {number} holds {look.chars} characters; read as plain text without layout",
                )
            )
            content = PageContent(number, look.width, look.height, plain_text=look.capped_text)
            return lay_out(content, notes), False
    # pdfminer raises anything from a damaged page; one bad page must not lose the file
    try:
        content = plumber.content(page_object, number)
    except Exception as exc:
        notes.append(("pdf_page_unreadable", f"page {number} could not be read: {type(exc).__name__}: {exc}"))
        return PageItems(number=number, height=look.height if look is not None else 0.0), False
    if look is not None and _is_garbage(content):
        return lay_out(_ocr(quick, index, dpi), notes), True
    return lay_out(content, notes), False


def _is_garbage(content: PageContent) -> bool:
    """A text layer without ToUnicode: pdfminer gives `(cid:N)` for most glyphs; the page is read as a scan."""
    visible = [g.text for g in content.glyphs if not g.text.isspace()]
    unmapped = sum(text.startswith("(cid:") or text == "\ufffd" for text in visible)
    return bool(visible) and unmapped * 2 > len(visible)


def _ocr(quick: pypdfium2.PdfDocument, index: int, dpi: float) -> PageContent:
    """The page rendered as displayed (`/Rotate` applied) in greyscale, then read by OCR; the bitmap is freed at once."""
    page = quick[index]
    try:
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        image = np.array(bitmap.to_pil().convert("L"))
        bitmap.close()
    finally:
        page.close()
    return ocr_page(image, index + 1, dpi)


@dataclass
class _QuickLook:
    width: float
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
        width, height = page.get_size()
        has_image = count == 0 and any(page.get_objects(filter=(pypdfium2.raw.FPDF_PAGEOBJ_IMAGE,), max_depth=1))
        capped = text_page.get_text_range(0, max_chars).replace("\r\n", "\n") if count > max_chars else None
        return _QuickLook(width=width, height=height, chars=count, has_image=has_image, capped_text=capped)
    finally:
        text_page.close()
        page.close()
