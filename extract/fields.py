"""Word field codes as they surface in text: TC entries on headings.

Word's text export writes a heading's TC field right after its visible text
(``一、总体绩效目标 TC 总体绩效目标 \\f A \\l 1``); .docx keeps the same code in
``w:instrText``.  Both readers parse it here so the code never leaks into text.

The grammar: ``TC``, white space, the entry text (``"quoted"``, or bare up to
the first switch), then switches (``\\f C``, ``\\l "1"``) to the end of the
code, an optional ``}``.  A regular expression for it backtracks: a line
holding thousands of ``TC``-like tokens took minutes (each candidate rescanned
the rest of the line).  So it is scanned by hand, once: each switch tail is
parsed once and its verdict kept, which makes a line linear in its length.
"""

from __future__ import annotations

import bisect
import re

from jixiao.extract.model import TCEntry

_CANDIDATE = re.compile(r"(?:^|(?<=[\s{]))TC\s")
_SPACE = re.compile(r"\s*")
_VALUE = re.compile(r"[^\s\\}]*")
_QUOTE = re.compile('"')
_SPECIAL = re.compile(r'["\\]')
_MAX_LEVEL_DIGITS = 4  # \l 9999 is already absurd; a longer number is no level


def parse_tc(code: str) -> TCEntry | None:
    """Parse a field code that starts with ``TC``; None for any other field."""
    start = len(code) - len(code.lstrip("{ \t\r\n\f\v"))
    if not _CANDIDATE.match(code, start):
        return None
    return _Line(code).entry_at(start)


def split_tc(line: str) -> tuple[str, TCEntry | None]:
    """Split ``visible text TC "entry" \\f C \\l 1`` into the visible text and its entry."""
    if "TC" not in line:
        return line, None
    scanner = _Line(line)
    for match in _CANDIDATE.finditer(line):
        entry = scanner.entry_at(match.start())
        if entry is not None:
            return line[: match.start()].rstrip(" \t{"), entry
    return line, None


class _Line:
    """One line or field code, with what every TC candidate in it shares: quote positions, tail verdicts."""

    def __init__(self, text: str) -> None:
        self.text = text
        # found by the regex engine, not a Python loop over every character: most lines hold none or two
        self.quotes = [found.start() for found in _QUOTE.finditer(text)]
        self.specials = [found.start() for found in _SPECIAL.finditer(text)]
        self.last = len(text.rstrip()) - 1  # the last non-space character
        self.tail_ok: dict[int, bool] = {}  # switch-tail start → whether it parses to the end

    def entry_at(self, start: int) -> TCEntry | None:
        text = self.text
        position = _SPACE.match(text, start + 2).end()
        if position < len(text) and text[position] == '"':
            close = self._next(self.quotes, position + 1)
            if close is None or not self._tail(close + 1):
                return None
            return self._entry(text[position + 1 : close], close + 1)
        special = self._next(self.specials, position)
        if special is None:  # no switch: the entry runs to the end, less a closing brace
            bare = text[position:].rstrip()
            return TCEntry(text=(bare[:-1] if bare.endswith("}") else bare).strip())
        if text[special] == '"' or not self._tail(special):
            return None
        return self._entry(text[position:special], special)

    def _next(self, positions: list[int], start: int) -> int | None:
        index = bisect.bisect_left(positions, start)
        return positions[index] if index < len(positions) else None

    def _switch(self, start: int) -> tuple[str, str, int] | None:
        """``\\x value`` at ``start``: (name, value, where the next switch may start), else None."""
        text = self.text
        if start + 1 >= len(text) or text[start] != "\\" or not "a" <= text[start + 1] <= "z":
            return None
        position = _SPACE.match(text, start + 2).end()
        if position < len(text) and text[position] == '"':
            close = self._next(self.quotes, position + 1)
            # a quoted value ends the switch; glued to more text it was a bare one that holds quotes
            if close is not None and (close + 1 == len(text) or text[close + 1] in " \t\r\n\\}"):
                return text[start + 1], text[position + 1 : close], close + 1
        end = _VALUE.match(text, position).end()
        return text[start + 1], text[position:end], end

    def _tail(self, start: int) -> bool:
        """Whether switches, then an optional ``}``, run from ``start`` to the end; each position judged once."""
        chain = []
        position = start
        while True:
            position = _SPACE.match(self.text, position).end()
            if position in self.tail_ok:
                verdict = self.tail_ok[position]
                break
            chain.append(position)
            if position == len(self.text) or (self.text[position] == "}" and position == self.last):
                verdict = True
                break
            switch = self._switch(position)
            if switch is None:
                verdict = False
                break
            position = switch[2]
        for seen in chain:
            self.tail_ok[seen] = verdict
        return verdict

    def _entry(self, text: str, tail: int) -> TCEntry:
        kind = level = None
        position = _SPACE.match(self.text, tail).end()
        while (switch := self._switch(position)) is not None:
            name, value, position = switch
            if name == "f":
                kind = value or None
            elif name == "l" and value.isascii() and value.isdigit() and len(value) <= _MAX_LEVEL_DIGITS:
                level = int(value)
            position = _SPACE.match(self.text, position).end()
        return TCEntry(text=text.strip(), type=kind, level=level)
