"""Glyphs → text lines, and text lines → text with real breaks only.

A page source gives positioned glyphs, not text (`page.Glyph`): words, lines, wraps and paragraphs
are all inferred here from geometry.  The rules:
- a line is the glyphs sharing a vertical band, left to right;
- a space is a space glyph, or a gap too wide to be letter spacing;
- a line break is a wrap (undone) unless the next line starts a list item
  or the line ended early: the next line's first unbreakable piece would
  have fitted on it, so the author broke the line, not the page width.
  Undoing a wrap inserts no space, except between two Latin words/numbers.
"""

from __future__ import annotations

import re
from operator import attrgetter

import msgspec
from jixiao.extract.page import Glyph

# A literal space is kept; a gap wider than this (in font sizes) is read as one.
_GAP_SPACE_LATIN = 0.25
_GAP_SPACE_CJK = 0.9  # CJK text is often justified with visible letter spacing
_DUPLICATE_TOLERANCE = 1.0  # fake bold prints the same glyph again this close

# List items and numbered paragraphs: 1、 1. 1） (1) （一） 一、 ① 目标1： 第一条
ITEM_MARKER = re.compile(
    r"^\s*(?:"
    r"\d{1,3}\s*[、.．)）](?!\d)"
    r"|[（(]\s*[\d一二三四五六七八九十]{1,3}\s*[)）]"
    r"|[一二三四五六七八九十]{1,3}\s*[、.．]"
    r"|[①-⑳]"
    r"|目标\s*\d{1,3}\s*[：:、.]"
    r"|第[一二三四五六七八九十\d]{1,3}[条项部章节]"
    r")"
)

# Glyphs a line may not start with / end with (Chinese and Latin line-breaking rules).
_NO_LINE_START = set("，。、；：？！）》」』】〕〉”’%％‰℃·…—,.;:?!)]}>")
_NO_LINE_END = set("（《「『【〔〈“‘([{<")


def is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x3000 <= code <= 0x303F  # CJK punctuation
        or 0xFF00 <= code <= 0xFFEF  # full-width forms
        or 0x2E80 <= code <= 0x2FDF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x2FA1F
    )


class TextLine(msgspec.Struct, gc=False):
    """A line of text on a page (a msgspec struct, as `page.Glyph`: a page makes a hundred)."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # the dominant font size
    bold: bool
    page: int
    # width of the first piece the line could not be broken inside, for the wrap test
    first_piece_width: float = 0.0


def is_bold_font(name: str) -> bool:
    """What page sources call bold: a font named so (PDFs rarely say it any other way)."""
    lower = name.lower()
    return "bold" in lower or "black" in lower or "heavy" in lower


def group_lines(chars: list[Glyph], page: int) -> list[TextLine]:
    """Glyphs → lines, top to bottom."""
    if not chars:
        return []
    ordered = sorted(chars, key=_TOP_THEN_X0)
    bands: list[list[Glyph]] = []
    band_bottom = band_mid = None
    band: list[Glyph] = []
    for char in ordered:
        top, bottom = char.top, char.bottom
        mid = (top + bottom) / 2
        # a glyph belongs to the band its middle falls into
        if band and mid < band_bottom and abs(mid - band_mid) < (bottom - top) * 0.6:
            band.append(char)
            if bottom > band_bottom:
                band_bottom = bottom
        else:
            band = [char]
            bands.append(band)
            band_bottom, band_mid = bottom, mid
    return [line for band in bands if (line := _make_line(band, page)) is not None]


_TOP_THEN_X0 = attrgetter("top", "x0")
_X0 = attrgetter("x0")


def _make_line(band: list[Glyph], page: int) -> TextLine | None:
    # One pass for duplicates, spacing and the line's extent: a page has a few hundred lines.
    parts: list[str] = []
    visible: list[Glyph] = []
    previous, previous_space = None, True
    x1 = top = bottom = 0.0
    bold = 0
    for char in sorted(band, key=_X0):
        text = char.text
        if (
            previous is not None
            and text == previous.text
            and abs(char.x0 - previous.x0) < _DUPLICATE_TOLERANCE
            and abs(char.top - previous.top) < _DUPLICATE_TOLERANCE
        ):
            continue
        space = text.isspace()
        if not space:
            if not previous_space:
                gap = char.x0 - previous.x1
                # most glyphs touch: only a gap is measured against the size, and the script looked at
                # only for a gap that could be a space
                if gap > 0.0:
                    size = max(char.size, 1.0)
                    if gap > _GAP_SPACE_LATIN * size and (
                        gap > _GAP_SPACE_CJK * size
                        or not (is_cjk(text[:1] or " ") or is_cjk(previous.text[-1:] or " "))
                    ):
                        parts.append(" ")
            if not visible:
                x1, top, bottom = char.x1, char.top, char.bottom
            else:  # as max() and min() would
                if char.x1 > x1:
                    x1 = char.x1
                if char.top < top:
                    top = char.top
                if char.bottom > bottom:
                    bottom = char.bottom
            bold += char.bold
            visible.append(char)
        parts.append(text)
        previous, previous_space = char, space
    if not visible:
        return None
    sizes = sorted([c.size for c in visible])
    return TextLine(
        text="".join(parts).strip(),
        x0=visible[0].x0,
        x1=x1,
        top=top,
        bottom=bottom,
        size=sizes[len(sizes) // 2],
        bold=bold * 2 > len(visible),
        page=page,
        first_piece_width=_first_piece_width(visible),
    )


def _first_piece_width(visible: list[Glyph]) -> float:
    """Width of the line's first piece that a line break may not split."""
    end = 0
    if visible[0].text in _NO_LINE_END and len(visible) > 1:
        end = 1
    while end + 1 < len(visible):
        current, following = visible[end].text, visible[end + 1].text
        latin_word = current.isascii() and following.isascii() and visible[end + 1].x0 - visible[end].x1 < 1.0
        if following in _NO_LINE_START or latin_word:
            end += 1
        else:
            break
    return visible[end].x1 - visible[0].x0


def ended_early(line: TextLine, following: TextLine, right_limit: float, left_limit: float | None = None) -> bool:
    """True when `following`'s first piece would have fitted on `line`: the author broke the line.

    In running text only the room on the right counts, so an indented first
    line is judged by where it ends.  In a table cell (`left_limit` given)
    text is often centred, so the room is the cell's inner width less the
    line's own.
    """
    if left_limit is None:
        room = right_limit - line.x1
    else:
        room = (right_limit - left_limit) - (line.x1 - line.x0)
    return following.first_piece_width < room - 0.5 * line.size


def join_wrapped(lines: list[TextLine], right_limit: float, left_limit: float | None = None) -> str:
    """Lines of one cell or text block → text, `\\n` only where the author broke the line."""
    if not lines:
        return ""
    parts = [lines[0].text]
    for previous, line in zip(lines, lines[1:], strict=False):
        if ITEM_MARKER.match(line.text) or ended_early(previous, line, right_limit, left_limit):
            parts.append("\n")
        elif _needs_space(parts[-1], line.text):
            parts.append(" ")
        parts.append(line.text)
    return "".join(parts)


def _needs_space(before: str, after: str) -> bool:
    """A wrap between two Latin words or numbers keeps its space; CJK joins directly."""
    last, first = before[-1:], after[:1]
    return bool(last and first) and last.isascii() and first.isascii() and last.isalnum() and first.isalnum()
