"""Word's automatic numbering (numbering.xml): the "一、" or "1." Word shows but never stores as text.

A report's headings and goals are often numbered by a list style; the text
export prints those numbers, so the .docx reader must render them too.
Counters are kept per abstract list, as Word continues a list across the
``w:num`` instances that share it; a ``startOverride`` restarts it the first
time its instance is used.  Bullets are not numbers and render as nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from jixiao.extract.word_ns import VAL as _VAL
from jixiao.extract.word_ns import W as _W
from jixiao.extract.word_ns import is_on
from jixiao.extract.word_ns import to_int as _int
from lxml import etree

_CHINESE_DIGITS = "零一二三四五六七八九"
_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"
# Word's letter numbering repeats the letter (AA, BBB…) and stops at 780 (30 Z's); past it a
# damaged start value (10⁹) would build a label of millions of letters: the number is shown instead.
_MAX_LETTERS = 780
# Word's level text holds at most a few placeholders and punctuation; a longer one is cut so a
# label rendered on every paragraph stays small.
_MAX_LEVEL_TEXT = 255


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    suffix: str = "\t"
    hidden: bool = False


class Numbering:
    def __init__(self, root: etree._Element | None = None) -> None:
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.instances: dict[str, tuple[str, dict[int, int]]] = {}  # numId → (abstractNumId, start overrides)
        self.counters: dict[str, list[int | None]] = {}
        self.started: set[str] = set()
        if root is None:
            return
        for abstract in root.iter(_W + "abstractNum"):
            levels = {}
            for lvl in abstract.iter(_W + "lvl"):
                levels[_int(lvl.get(_W + "ilvl"), 0)] = _level(lvl)
            self.abstract[abstract.get(_W + "abstractNumId", "")] = levels
        for num in root.iter(_W + "num"):
            abstract_id = num.find(_W + "abstractNumId")
            overrides = {}
            for override in num.iter(_W + "lvlOverride"):
                start = override.find(_W + "startOverride")
                if start is not None:
                    overrides[_int(override.get(_W + "ilvl"), 0)] = _int(start.get(_VAL), 1)
            if abstract_id is not None:
                self.instances[num.get(_W + "numId", "")] = (abstract_id.get(_VAL, ""), overrides)

    def label(self, num_id: str, ilvl: int) -> str:
        """The number a paragraph in list ``num_id`` at level ``ilvl`` shows, with its suffix; advances the list."""
        if num_id not in self.instances:
            return ""
        abstract_id, overrides = self.instances[num_id]
        levels = self.abstract.get(abstract_id, {})
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(abstract_id, [None] * 9)
        if num_id not in self.started:
            self.started.add(num_id)
            for level, start in overrides.items():
                if 0 <= level < 9:
                    counters[level] = start - 1
        ilvl = min(max(ilvl, 0), 8)
        current = counters[ilvl]
        counters[ilvl] = levels[ilvl].start if current is None else current + 1
        for deeper in range(ilvl + 1, 9):
            counters[deeper] = None
        level = levels[ilvl]
        if level.hidden or level.fmt in ("bullet", "none"):
            return ""

        def placeholder(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            value = (
                counters[index] if 0 <= index < 9 and counters[index] is not None else levels.get(index, _Level()).start
            )
            return format_number(value, levels.get(index, level).fmt)

        return re.sub(r"%([1-9])", placeholder, level.text) + level.suffix


def _level(lvl: etree._Element) -> _Level:
    level = _Level()
    start = lvl.find(_W + "start")
    if start is not None:
        level.start = _int(start.get(_VAL), 1)
    fmt = lvl.find(_W + "numFmt")
    if fmt is not None:
        level.fmt = fmt.get(_VAL, "decimal")
    text = lvl.find(_W + "lvlText")
    if text is not None:
        level.text = text.get(_VAL, "")[:_MAX_LEVEL_TEXT]
    suffix = lvl.find(_W + "suff")
    if suffix is not None:
        level.suffix = {"space": " ", "nothing": ""}.get(suffix.get(_VAL, "tab"), "\t")
    level.hidden = is_on(lvl.find(f"{_W}rPr/{_W}vanish"))
    return level


def format_number(value: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "japaneseCounting", "chineseCountingThousand", "taiwaneseCounting"):
        return _chinese(value, _CHINESE_DIGITS, "十百千")
    if fmt in ("chineseLegalSimplified", "ideographLegalTraditional", "taiwaneseCountingThousand"):
        return _chinese(value, _LEGAL_DIGITS, "拾佰仟")
    if fmt in ("ideographTraditional",) and 1 <= value <= 10:
        return _TIANGAN[value - 1]
    if fmt in ("ideographZodiac",) and 1 <= value <= 12:
        return _DIZHI[value - 1]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese", "ideographEnclosedCircle") and 1 <= value <= 20:
        return chr(0x2460 + value - 1)
    if fmt == "decimalEnclosedParen" and 1 <= value <= 20:
        return chr(0x2474 + value - 1)
    if fmt == "decimalEnclosedFullstop" and 1 <= value <= 20:
        return chr(0x2488 + value - 1)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(d) + 0xFEE0) for d in str(value))
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt in ("upperLetter", "lowerLetter") and 1 <= value <= _MAX_LETTERS:
        letter = chr(ord("A") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter if fmt == "upperLetter" else letter.lower()
    if fmt in ("upperRoman", "lowerRoman") and 1 <= value < 4000:
        roman = _roman(value)
        return roman if fmt == "upperRoman" else roman.lower()
    return str(value)


def _chinese(value: int, digits: str, units: str) -> str:
    """1–9999 the way Word counts in Chinese: 十, 十一, 二十, 一百零五."""
    if value <= 0 or value > 9999:
        return str(value)
    if 10 <= value < 20 and digits is _CHINESE_DIGITS:
        return units[0] + (digits[value - 10] if value > 10 else "")
    parts, zero = [], False
    for power, unit in ((1000, units[2]), (100, units[1]), (10, units[0]), (1, "")):
        digit, value = divmod(value, power)
        if digit:
            if zero and parts:
                parts.append(digits[0])
            parts.append(digits[digit] + unit)
            zero = False
        else:
            zero = bool(parts)
    return "".join(parts)


def _roman(value: int) -> str:
    out = []
    for number, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                            (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):  # fmt: skip
        count, value = divmod(value, number)
        out.append(letters * count)
    return "".join(out)
