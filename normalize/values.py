"""Cell values → typed values, exactly as CONTRACT.md specifies.

Every function takes the text as printed and never "corrects" it: an
unparseable value stays raw, with no invented number.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Symbols first, longest first, so `>=` is not read as `>` then `=`.
_SYMBOLS = [
    (">=", ">="), ("≥", ">="), ("≧", ">="), ("⩾", ">="),
    ("<=", "<="), ("≤", "<="), ("≦", "<="), ("⩽", "<="),
    (">", ">"), ("<", "<"), ("=", "="),
]  # fmt: skip
# Word operators before the number, longest first.
_PREFIX_WORDS = [
    ("大于或等于", ">="), ("大于等于", ">="), ("高于或等于", ">="), ("高于等于", ">="),
    ("小于或等于", "<="), ("小于等于", "<="), ("低于或等于", "<="), ("低于等于", "<="),
    ("不低于", ">="), ("不少于", ">="), ("不小于", ">="), ("至少", ">="), ("达到", ">="),
    ("不超过", "<="), ("不高于", "<="), ("不大于", "<="), ("不多于", "<="), ("最多", "<="),
    ("大于", ">"), ("高于", ">"), ("超过", ">"), ("多于", ">"),
    ("小于", "<"), ("低于", "<"), ("少于", "<"), ("等于", "="),
]  # fmt: skip
# Word operators after the number (and its unit).
_SUFFIX_WORDS = [
    ("及以上", ">="), ("以上", ">="), ("及以下", "<="), ("以下", "<="), ("以内", "<="), ("之内", "<="),
]  # fmt: skip

# One alternation in list order (words, then symbols): the first that starts the text wins, as a loop would.
_PREFIX = re.compile("|".join(re.escape(word) for word, _ in _PREFIX_WORDS + _SYMBOLS))
_OPERATOR_OF = dict(_SYMBOLS) | dict(_PREFIX_WORDS)
_SPACE = re.compile(r"\s+")

_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+")
# A unit is a short run of letters/CJK or a percent sign; anything that makes
# the value a date or a phrase (`12月底前`, `3年内完成`) leaves it qualitative.
# Any unit a report prints: letters, CJK, `/`, `·`, powers, a bracketed
# qualifier (`台(套)`, `万头(只)`) or a per-quantity (`/10万`); never a clause.
_UNIT = re.compile(
    r"^(?:%|‰|百分比|(?:[A-Za-z\u4e00-\u9fff·²³]|/\d*)(?:[A-Za-z\u4e00-\u9fff/·²³]|\([^()\d]{1,4}\)){0,11})$"
)
# Words that stand between an operator word and its number: 达到预计值2100.
_FILLER = re.compile(r"^(?:预计值|预期值|目标值|计划值|标准值)")
_DATE_LIKE = re.compile(r"^(?:年|月|日|号)?(?:底|初|末|前|后|中旬|上旬|下旬|内)|^[年月]份|^月\d|^年\d")


@dataclass(frozen=True)
class IndicatorValue:
    operator: str | None
    value: float | None
    unit: str | None


QUALITATIVE = IndicatorValue(None, None, None)


def to_halfwidth(text: str) -> str:
    """Full-width digits, letters and symbols → ASCII; CJK text is untouched."""
    return unicodedata.normalize("NFKC", text)


def parse_number(text: str) -> float | None:
    """`1,234.50`, `１２３４.５`, ` 12.00 ` → float; empty → None; anything else → ValueError."""
    cleaned = to_halfwidth(text).strip().replace(" ", "")
    if not cleaned:
        return None
    if not _NUMBER.fullmatch(cleaned):
        raise ValueError(f"not a number: {text!r}")
    return float(cleaned.replace(",", ""))


@lru_cache(maxsize=4096)  # values repeat across reports (100%, ≥95%, 是); the result is frozen
def parse_indicator_value(raw: str) -> IndicatorValue:
    """`≥95%` → (">=", 95.0, "%"); `不超过5%` → ("<=", 5.0, "%"); `优良` → all None."""
    text = _SPACE.sub("", to_halfwidth(raw))
    operator, text = _take_prefix(text)
    if operator is not None:
        text = _FILLER.sub("", text)
    match = _NUMBER.match(text)
    if not match:
        return QUALITATIVE
    value = float(match.group().replace(",", ""))
    rest = text[match.end() :]
    for word, suffix_operator in _SUFFIX_WORDS:
        if rest.endswith(word):
            if operator is not None and operator != suffix_operator:
                return QUALITATIVE  # contradictory words: keep it raw
            operator, rest = suffix_operator, rest[: -len(word)]
            break
    if rest and (_DATE_LIKE.match(rest) or not _UNIT.match(rest)):
        return QUALITATIVE
    return IndicatorValue(operator or "=", value, rest or None)


def _take_prefix(text: str) -> tuple[str | None, str]:
    found = _PREFIX.match(text)
    if found is None:
        return None, text
    return _OPERATOR_OF[found.group()], text[found.end() :]


_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def chinese_numeral(text: str) -> int | None:
    """`十二` → 12, `二十` → 20, `三` → 3, `7` → 7 (up to 99); None if not a numeral."""
    text = to_halfwidth(text)
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _CN_DIGITS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return _CN_DIGITS[text] if len(text) == 1 else None
    tens, _, units = text.partition("十")
    if len(tens) > 1 or len(units) > 1 or units == "十":  # 十十 is no numeral
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


_MONTH = re.compile(r"(\d{1,2}|[一二三四五六七八九十]{1,3})月")
_QUARTER = re.compile(r"(?:第)?([一二三四1-4])季度")
_HALF = {"上半年": 6, "下半年": 12, "全年": 12, "年底": 12, "年末": 12}


@lru_cache(maxsize=1024)  # a family's reports print the same few periods (1-3月, 二季度) for every project
def period_month(period: str) -> int | None:
    """The month a spending-plan period ends in: `3月底` → 3, `二季度` → 6, `上半年` → 6."""
    text = _SPACE.sub("", to_halfwidth(period))
    match = _MONTH.search(text)
    if match:
        month = chinese_numeral(match.group(1))
        return month if month and 1 <= month <= 12 else None
    match = _QUARTER.search(text)
    if match:
        return 3 * chinese_numeral(match.group(1))
    for word, month in _HALF.items():
        if word in text:
            return month
    return None


def parse_percent(text: str) -> float | None:
    """A spending-plan cell: `25.00` or `25%` → 25.0; empty → None; else ValueError."""
    return parse_number(to_halfwidth(text).strip().rstrip("%").rstrip())
