"""Word field codes as they surface in text: TC entries on headings.

Word's text export writes a heading's TC field right after its visible text
(``一、总体绩效目标 TC 总体绩效目标 \\f A \\l 1``); .docx keeps the same code in
``w:instrText``.  Both readers parse it here so the code never leaks into text.
"""

from __future__ import annotations

import re

from jixiao.extract.model import TCEntry

# TC, then the entry text (quoted, or bare up to the first switch), then switches.
_TC = re.compile(
    r"""[{\s]*\bTC\s+(?:"(?P<quoted>[^"]*)"|(?P<bare>[^\\"]*?))\s*(?P<switches>(?:\\[a-z]\s*(?:"[^"]*"|[^\s\\}]*)\s*)*)}?\s*$""",
)
_TC_START = re.compile(r"(?:^|(?<=[\s{]))TC\s")
_SWITCH = re.compile(r"""\\(?P<name>[a-z])\s*(?:"(?P<quoted>[^"]*)"|(?P<bare>[^\s\\}]*))""")


def parse_tc(code: str) -> TCEntry | None:
    """Parse a field code that starts with ``TC``; None for any other field."""
    match = _TC.match(code)
    if not match:
        return None
    return _entry(match)


def split_tc(line: str) -> tuple[str, TCEntry | None]:
    """Split ``visible text TC "entry" \\f C \\l 1`` into the visible text and its entry."""
    if "TC" not in line:
        return line, None  # nearly every line: no field code
    for match in _TC_START.finditer(line):
        tail = _TC.match(line, match.start())
        if tail:
            return line[: match.start()].rstrip(" \t{"), _entry(tail)
    return line, None


def _entry(match: re.Match[str]) -> TCEntry:
    text = match.group("quoted") if match.group("quoted") is not None else match.group("bare")
    kind = level = None
    for switch in _SWITCH.finditer(match.group("switches") or ""):
        value = switch.group("quoted") if switch.group("quoted") is not None else switch.group("bare")
        if switch.group("name") == "f":
            kind = value or None
        elif switch.group("name") == "l" and value.isdigit():
            level = int(value)
    return TCEntry(text=text.strip(), type=kind, level=level)
