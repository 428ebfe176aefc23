"""Label cells: folding, matching against the vocabulary, and the values beside them.

Shared by every layout. A label is matched exactly (after folding), then by
the vocabulary's patterns, then fuzzily by character bigrams; a fuzzy match
carries its confidence so the layout can warn (`fuzzy_label`) naming the label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from jixiao.normalize.text import clean, compact
from jixiao.normalize.values import to_halfwidth
from jixiao.normalize.vocabulary import PATTERNS, SPELLINGS

_UNIT_SUFFIX = re.compile(r"\((?P<unit>万元|元|千元|亿元)\)$")
_PERCENT_SUFFIX = re.compile(r"\(%\)$")
# A weight after a level-1 name or a label: 产出指标(50分), 效益指标（30分）, 满意度指标 (10 分) (spaced as
# a scan's OCR reads it, or as a report may print it).
_WEIGHT = re.compile(r"\(\s*\d+(?:\.\d+)?\s*分\s*\)$")
# A label and its amount in one cell: 年度资金总额:16, 其中：财政拨款:12.5.  The amount is
# `[\d,]*` then `.digits` or one last digit: `[\d,]*\.?\d+` backtracked quadratically on long digit runs.
_LABEL_AMOUNT = re.compile(r"^(?P<label>\D{2,16}?):(?P<amount>-?[\d,]*(?:\.\d++|\d)$)")
# Codes split off an organisation: [015001]名称, 【905】名称, 219-名称, 219001 名称.
_CODE = re.compile(r"^(?:\[(?P<b>[\dA-Za-z_-]{1,20})\]|(?P<d>\d[\d_-]{0,19})(?:[-－—]|\s+))(?P<name>\D.*)$")

FUZZY_THRESHOLD = 0.6


@dataclass(frozen=True)
class Folded:
    """A label as matched: `text` folded, `unit` an amount unit it printed (万元)."""

    text: str
    unit: str | None = None


@lru_cache(maxsize=8192)
def fold(text: str) -> Folded:
    """`其中：当年财政拨款（万元）：` → Folded('当年财政拨款', '万元')."""
    label = compact(to_halfwidth(text)).replace("*", "").rstrip(":")
    if label.startswith("其中"):
        label = label[2:].lstrip(":,，")
    label = _PERCENT_SUFFIX.sub("", label)
    unit = _UNIT_SUFFIX.search(label)
    if unit:
        label = label[: unit.start()]
    return Folded(label.rstrip(":"), unit.group("unit") if unit else None)


@dataclass(frozen=True)
class Match:
    field: str  # `group.field` of vocabulary.SPELLINGS
    how: str  # exact | pattern | fuzzy
    confidence: float


def match(text: str, group: str, fuzzy: bool = True) -> Match | None:
    """The vocabulary field of `group` (`project`, `indicator`, …) a label cell names, if any.

    `fuzzy=False`: exact and pattern matches only, without scoring bigrams.
    """
    label = fold(text).text
    return _match(label, group) if fuzzy else _named(label, group)


@dataclass(frozen=True)
class _Group:
    """One group's vocabulary, indexed once: what `_match` would otherwise rebuild for every label."""

    exact: dict[str, str]  # folded spelling → its first field
    patterns: tuple[tuple[str, re.Pattern[str]], ...]
    spellings: tuple[tuple[str, frozenset[str]], ...]  # (field, bigrams) in vocabulary order
    by_bigram: dict[str, tuple[int, ...]]  # bigram → positions in `spellings` that hold it


@lru_cache(maxsize=16)  # one per group, built on first use so importing stays light
def _group(group: str) -> _Group | None:
    prefix = group + "."
    if not any(field.startswith(prefix) for field in (*SPELLINGS, *PATTERNS)):
        return None
    exact: dict[str, str] = {}
    spellings: list[tuple[str, frozenset[str]]] = []
    by_bigram: dict[str, list[int]] = {}
    for field, printed in SPELLINGS.items():
        if field.startswith(prefix):
            for spelling in printed:
                exact.setdefault(spelling, field)
                for gram in _bigrams(spelling):
                    by_bigram.setdefault(gram, []).append(len(spellings))
                spellings.append((field, _bigrams(spelling)))
    patterns = tuple(
        (field, re.compile(pattern))
        for field, printed in PATTERNS.items()
        if field.startswith(prefix)
        for pattern in printed
    )
    return _Group(exact, patterns, tuple(spellings), {gram: tuple(at) for gram, at in by_bigram.items()})


def _bigrams(text: str) -> frozenset[str]:
    return frozenset(text[i : i + 2] for i in range(len(text) - 1)) or frozenset([text])


@lru_cache(maxsize=16384)
def _named(label: str, group: str) -> Match | None:
    """The field a folded label names exactly or by a pattern."""
    vocabulary = _group(group)
    if vocabulary is None or not label or len(label) > 16:
        return None  # a sentence is no label
    field = vocabulary.exact.get(label)
    if field is not None:
        return Match(field, "exact", 1.0)
    for field, pattern in vocabulary.patterns:
        if pattern.search(label):
            return Match(field, "pattern", 0.9)
    return None


@lru_cache(maxsize=16384)
def _match(label: str, group: str) -> Match | None:
    named = _named(label, group)
    vocabulary = _group(group)
    if named is not None or vocabulary is None or not label or len(label) > 16:
        return named
    # Only spellings sharing a bigram can reach the threshold; they are scored
    # in vocabulary order, so ties go to the same field as a full scan.
    best: Match | None = None
    grams = _bigrams(label)
    candidates = sorted({at for gram in grams for at in vocabulary.by_bigram.get(gram, ())})
    for at in candidates:
        field, spelling = vocabulary.spellings[at]
        score = 2 * len(grams & spelling) / (len(grams) + len(spelling))
        if score >= FUZZY_THRESHOLD and (best is None or score > best.confidence):
            best = Match(field, "fuzzy", round(score, 2))
    return best


@lru_cache(maxsize=1024)  # every indicator row prints one of a family's few level-1 names
def strip_weight(text: str | None) -> str | None:
    """`产出指标(50分)` → `产出指标`; other text unchanged."""
    if text is None:
        return None
    halfwidth = to_halfwidth(text)
    return (_WEIGHT.sub("", halfwidth).strip() or None) if _WEIGHT.search(halfwidth) else text


def label_and_amount(text: str) -> tuple[str, str] | None:
    """`年度资金总额:16` → ('年度资金总额', '16'): a label with its amount in one cell."""
    found = _LABEL_AMOUNT.match(compact(to_halfwidth(text)))
    return (found.group("label"), found.group("amount")) if found else None


def split_code(text: str | None) -> tuple[str | None, str | None]:
    """`[015001]武汉市青山区教育局` → ('015001', '武汉市青山区教育局'); no code → (None, text)."""
    printed = clean(text)
    if not printed:
        return None, None
    found = _CODE.match(to_halfwidth(printed).replace("【", "[").replace("】", "]"))
    if not found:
        return None, printed
    return found.group("b") or found.group("d"), clean(found.group("name"))
