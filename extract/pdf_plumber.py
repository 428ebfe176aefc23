"""pdfplumber (pdfminer) as a page source: PDF pages → `page.PageContent`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pdfplumber
from jixiao.extract.model import ReadError
from jixiao.extract.page import Glyph, PageContent, Segment
from jixiao.extract.page_text import is_bold_font
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfpage import PDFPage
from pdfminer.pdftypes import PDFException
from pdfminer.psexceptions import PSException
from pdfplumber.page import Page
from pdfplumber.utils.exceptions import PdfminerException


class PlumberPages:
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

    def __enter__(self) -> PlumberPages:
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

    def content(self, page_object: PDFPage, number: int) -> PageContent:
        """The page's glyphs and ruling segments; raises whatever pdfminer raises on a damaged page."""
        page = Page(self.pdf, page_object, page_number=number, initial_doctop=0)
        try:
            glyphs = [
                Glyph(c["text"], c["x0"], c["top"], c["x1"], c["bottom"], c["size"], is_bold_font(c["fontname"]))
                for c in page.chars
            ]
            segments = [Segment(e["x0"], e["top"], e["x1"], e["bottom"]) for e in page.edges if e["orientation"]]
            return PageContent(number, float(page.width), float(page.height), glyphs, segments)
        finally:
            page.close()  # flushes the page's parsed objects
