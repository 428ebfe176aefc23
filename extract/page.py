"""One page as a page source sees it: positioned text and ruling lines.

This is the whole interface between a page source (the PDF text layer read
by pdfium or pdfplumber; OCR of a page image) and the format-neutral
assembly that turns pages into a `Document` (`page_assembly`): the one table
finder (`page_grid`), line and wrap rules (`page_text`), table stitching
(`page_tables`), running headers and reading order.  It holds plain numbers
and strings only, no parser's types, so any source can fill it.

Coordinates are PDF points (1/72 inch) from the top-left corner of the page
as it is displayed: x grows to the right, `top` < `bottom` grow downwards.
A source that reads a rotated page (`/Rotate`, or a scan turned sideways)
turns its coordinates first, so the assembly never sees a rotation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import msgspec

DEFAULT_TIME_LIMIT = 120.0  # seconds per file a reader allows itself, as the batch's default --timeout
OCR_TIME_PER_PAGE = 60.0  # seconds more per scanned page: OCR takes 3–10 s a page on one core


class Glyph(msgspec.Struct, gc=False):
    """A piece of text at its place: one character of a text layer, or a word or line that OCR read.

    The box spans the text's line height (the font's em box), not its ink, so
    that glyphs on one line share their top and bottom whatever their shape.
    A msgspec struct: built in C, and kept out of the collector's lists (it
    holds no containers), as a page makes one per character.
    """

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float  # font size in points (an OCR source: the line height)
    bold: bool = False


@dataclass(slots=True)
class Segment:
    """A straight ruling line; a rectangle is given as its four sides.

    Only horizontal (`top == bottom`) and vertical (`x0 == x1`) segments make
    table grids; others are ignored by the table finder.
    """

    x0: float
    top: float
    x1: float
    bottom: float


@dataclass
class PageContent:
    number: int  # 1-based
    width: float
    height: float
    glyphs: list[Glyph] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    rotation: int = 0  # clockwise degrees the source turned the page to display it (0, 90, 180, 270)
    # the page's text without positions, when the source could not lay it out (too many glyphs);
    # then `glyphs` and `segments` are empty
    plain_text: str | None = None
