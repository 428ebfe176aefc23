"""Pages → blocks in reading order: the format-neutral half of reading a paged document.

A page source (the PDF text layer, OCR of a scan) gives each page as a
`page.PageContent`.  `lay_out` turns one page into light items at once, so
the page's glyphs can be released: tables found by the table finder
(`page_grid`) become fragments (`page_tables`), the glyphs outside them text
lines (`page_text`).  Once all pages are laid out, `assemble`:
- drops running headers/footers (text repeated at one position across
  pages) and page numbers in the top/bottom margin;
- stitches fragments that continue a table on the next page into one table;
- turns the remaining lines into headings and whole paragraphs.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from jixiao.extract.model import Block, Heading, Paragraph
from jixiao.extract.page import PageContent
from jixiao.extract.page_grid import MAX_GRID_CROSSINGS, find_tables, grid_crossings
from jixiao.extract.page_tables import Fragment, TableStitcher, build_fragment
from jixiao.extract.page_text import ITEM_MARKER, TextLine, ended_early, group_lines, join_wrapped

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


@dataclass
class PageItems:
    """A page laid out: its text lines and table fragments, top to bottom."""

    number: int
    height: float
    items: list[TextLine | Fragment] = field(default_factory=list)


def lay_out(page: PageContent, notes: list[tuple[str, str]]) -> PageItems:
    """One page's tables and text lines; what the page source could not lay out is noted."""
    laid_out = PageItems(number=page.number, height=page.height)
    if page.plain_text is not None:
        laid_out.items.append(
            TextLine(text=page.plain_text, x0=0, x1=0, top=0, bottom=0, size=0, bold=False, page=page.number)
        )
        return laid_out
    crossings = grid_crossings(page.segments)
    if crossings > MAX_GRID_CROSSINGS:
        message = f"page {page.number} draws a mesh of {crossings} line crossings; its text read without tables"
        notes.append(("pdf_page_too_many_lines", message))
    tables = (
        find_tables(page.segments, page.glyphs, page.width, page.height) if 0 < crossings <= MAX_GRID_CROSSINGS else []
    )
    loose = page.glyphs
    for table in tables:
        if not table.cells:
            continue
        fragment, loose = build_fragment(table.cells, table.bbox, loose, page.number)
        laid_out.items.append(fragment)
    laid_out.items.extend(group_lines(loose, page.number))
    laid_out.items.sort(key=lambda item: item.top)
    return laid_out


def assemble(pages: list[PageItems]) -> list[Block]:
    """Laid-out pages → blocks: running lines dropped, tables stitched, paragraphs whole."""
    _drop_running_lines(pages)
    return _Assembler(pages).blocks()


def _drop_running_lines(pages: list[PageItems]) -> None:
    """Remove page numbers, and text repeated at one height in the margins of several pages.

    Repeated text is compared with its digits blanked, so "第3页" and "第4页"
    or a dated header count as the same line.
    """

    def in_margin(line: TextLine, page: PageItems) -> bool:
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

    def __init__(self, pages: list[PageItems]) -> None:
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
