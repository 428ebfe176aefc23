"""Text clean-up shared by layouts: white space, list numbering, numbered items."""

from __future__ import annotations

import re
from dataclasses import dataclass

from jixiao.normalize.values import chinese_numeral

# White space is what str.split() splits on (str.isspace: U+3000 and U+00A0
# included), several times faster than a regular expression on every cell.


def clean(text: str | None) -> str:
    """Trim both ends and fold every run of white space (line breaks too) to one space."""
    return " ".join(text.split()) if text else ""


def clean_or_none(text: str | None) -> str | None:
    return clean(text) or None


def compact(text: str | None) -> str:
    """Text with no white space at all: for matching labels whatever the spacing."""
    return "".join(text.split()) if text else ""


_NUM = r"[0-9０-９]{1,2}|[一二三四五六七八九十]{1,3}"
# Each numbering style: its pattern (group `n` the numeral) and whether it may
# also start an item in the middle of a line (run-on items).
_STYLES = {
    "target": re.compile(rf"目标\s*(?P<n>{_NUM})\s*[：:、.．]?\s*"),
    "paren": re.compile(rf"[（(]\s*(?P<n>{_NUM})\s*[)）]\s*[、.．]?\s*"),
    "dun": re.compile(rf"(?P<n>{_NUM})\s*[、．](?![0-9０-９])\s*"),
    "dot": re.compile(r"(?P<n>[0-9０-９]{1,2})\s*[.)）](?![0-9０-９])\s*"),
}
# A run-on item starts after white space or a sentence end, never mid-phrase
# (`提高2、3倍` is not item 2).
_STYLE_ORDER = list(_STYLES)
# The styles in one alternation: its first matching branch is the first style that matches, in one call.
_FIRST_STYLE = re.compile("|".join(f"(?P<{style}>{pattern.pattern.replace('(?P<n>', f'(?P<{style}_n>')})"
                                   for style, pattern in _STYLES.items()))  # fmt: skip
# What every style's match starts with: a line starting with anything else is rejected without a regex.
_MARKER_STARTS = frozenset("目（(0123456789０１２３４５６７８９一二三四五六七八九十")
_RUN_ON = {
    style: re.compile(r"(?:(?<=[\s。；;！!？?，,：:])|^)" + pattern.pattern) for style, pattern in _STYLES.items()
}


@dataclass
class Marker:
    style: str
    number: int
    end: int  # where the item's own text starts


def leading_marker(text: str) -> Marker | None:
    """The list numbering at the start of `text` (`目标1：`, `（一）`, `1、`, `一、`), if any."""
    stripped = text.lstrip()
    if stripped[:1] not in _MARKER_STARTS:
        return None
    offset = len(text) - len(stripped)
    found = _FIRST_STYLE.match(stripped)
    if found is None:
        return None
    style = found.lastgroup
    number = chinese_numeral(found.group(f"{style}_n"))
    if number is not None:
        return Marker(style, number, offset + found.end())
    # its numeral is none (三三、): the styles after it may still match
    for later in _STYLE_ORDER[_STYLE_ORDER.index(style) + 1 :]:
        match = _STYLES[later].match(stripped)
        if match and (number := chinese_numeral(match.group("n"))) is not None:
            return Marker(later, number, offset + match.end())
    return None


def strip_numbering(text: str) -> str:
    marker = leading_marker(text)
    return clean(text[marker.end :] if marker else text)


def split_numbered(text: str) -> tuple[str, list[str]]:
    """Split text into its numbered items: (lead-in before the first item, items).

    Items may run on in one line (`…运转。      目标2：…`); only the next number
    in the same style starts a new item, so numbers inside a sentence stay.
    """
    lines = [line for line in text.split("\n") if line.strip()]
    first = None
    for index, line in enumerate(lines):
        first = leading_marker(line)
        if first:
            lead, rest = "\n".join(lines[:index]), "\n".join(lines[index:])
            break
    if first is None:
        return "", [clean(line) for line in lines]
    pattern = _RUN_ON[first.style]
    rest = rest.lstrip()
    items: list[str] = []
    start, number = leading_marker(rest).end, first.number
    position = start
    while True:
        following = _find_number(pattern, rest, position, number + 1)
        if following is None:
            items.append(clean(rest[start:]))
            return clean(lead), items
        items.append(clean(rest[start : following.start()]))
        start, position, number = following.end(), following.end(), number + 1


def _find_number(pattern: re.Pattern[str], text: str, position: int, wanted: int) -> re.Match[str] | None:
    for match in pattern.finditer(text, position):
        if chinese_numeral(match.group("n")) == wanted:
            return match
    return None


# Possessive `\s*+`: each white-space run is taken once; with plain `\s*` a page number followed by
# a long run of spaces and one letter backtracked quadratically.
_PAGE_NUMBER = re.compile(
    r"^[-—–\s]*+(?:第\s*+)?[0-9０-９]{1,4}\s*+(?:页\s*+)?(?:/\s*+[0-9]++|共\s*+[0-9]++\s*+页)?[-—–\s]*+$"
)
_DIGITS = "0123456789０１２３４５６７８９"
_TOC_LEADERS = ("...", "……", "···")


def is_page_residue(text: str) -> bool:
    """A lone page number (`1`, `- 2 -`, `第3页`, `3/12`) or a TOC line ending in a page number."""
    stripped = text.strip()
    return bool(_PAGE_NUMBER.match(stripped)) or _is_toc_line(text)


def _is_toc_line(text: str) -> bool:
    """Leader dots (or a TAB), then a page number of 1–4 digits, at the line's end.

    Read from the end, not searched: a search for the leaders tried every dot
    of a long dotted line and rescanned the rest of it from each.
    """
    stripped = text.rstrip()
    body = stripped.rstrip(_DIGITS)
    if not 1 <= len(stripped) - len(body) <= 4:
        return False
    lead = body.rstrip()
    return "\t" in body[len(lead) :] or lead.endswith(_TOC_LEADERS)
