"""Catastrophic backtracking (issue 11.3): every parser that runs on document text stays linear.

Each function is fed a pathological shape (a short unit repeated, between a
prefix and a tail that makes the match fail late) at n and 4n characters;
4× the input may cost at most 7× the time (quadratic would be 16×).  The
shapes that were super-linear once are listed; hypothesis draws more from
the characters the patterns react to, with a fixed seed and budget.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jixiao.extract.fields import parse_tc, split_tc
from jixiao.extract.text import parse_text
from jixiao.normalize import labels, text, values

from tests.hostile.harness import assert_linear


def _quietly(function):
    def call(argument):
        try:
            function(argument)
        except ValueError:  # parse_number's documented answer to text that is no number
            pass

    return call


def _labels(argument: str) -> None:
    labels.fold(argument)
    labels.match(argument, "project")
    labels.strip_weight(argument)
    labels.label_and_amount(argument)
    labels.split_code(argument)


def _text(argument: str) -> None:
    text.clean(argument)
    text.leading_marker(argument)
    text.strip_numbering(argument)
    text.split_numbered(argument)
    text.is_page_residue(argument)


def _values(argument: str) -> None:
    values.parse_indicator_value(argument)
    values.period_month(argument)
    _quietly(values.parse_number)(argument)
    _quietly(values.parse_percent)(argument)


def _layout_patterns() -> list[re.Pattern]:
    """Every module-level pattern of normalize/ (layouts, rows, grid, prose…): each runs on cell or line text."""
    import jixiao.normalize

    found = []
    for module_info in pkgutil.walk_packages(jixiao.normalize.__path__, "jixiao.normalize."):
        module = importlib.import_module(module_info.name)
        found += [value for value in vars(module).values() if isinstance(value, re.Pattern)]
    return found


_LAYOUT_PATTERNS = _layout_patterns()


def _layouts(argument: str) -> None:
    for pattern in _LAYOUT_PATTERNS:
        pattern.search(argument)


PARSERS = {
    "split_tc": split_tc,
    "parse_tc": parse_tc,
    "parse_text": parse_text,
    "labels": _labels,
    "text": _text,
    "values": _values,
    "layout_patterns": _layouts,
}

# (prefix, unit, tail): each was quadratic in one of the parsers before the audit.
KNOWN_SHAPES = [
    ("", "TC ", "\\1"),  # the TC parser rescanned the line from every TC (60 s on a real line)
    ("", "TC \\f ", "\\1"),
    ("一、目标", " TC a \\f  \\l  ", '"'),
    ("", ".", ""),  # a TOC leader search from every dot
    ("1", " ", "x"),  # a page number, spaces, a letter
    ("ab:", "1", "x"),  # label:amount with a long digit run
    ("目标1", " ", "x"),
    ("", "\t", "x"),
    ("123", " ", ""),  # hebei's department row: code, spaces, no name
]


def _shape(prefix: str, unit: str, tail: str, length: int) -> str:
    return prefix + unit * (length // len(unit)) + tail


@pytest.mark.parametrize("name", list(PARSERS))
@pytest.mark.parametrize(("prefix", "unit", "tail"), KNOWN_SHAPES)
def test_known_pathological_shapes_are_linear(name, prefix, unit, tail):
    parse = PARSERS[name]
    small, large = _shape(prefix, unit, tail, 4_000), _shape(prefix, unit, tail, 16_000)
    assert_linear(lambda: parse(small), lambda: parse(large))


# The characters the patterns react to: TC codes, switches, quotes, digits and separators,
# numbering, leaders, units, operators.
_TOKENS = st.sampled_from(
    ["TC", " ", "\t", "\\f", "\\l", '"', "{", "}", "1", "12", ",", ".", ":", "：", "-", "(", ")", "（", "）", "、",
     "目标", "一", "十", "第", "页", "共", "/", "…", "·", "%", "≥", "以上", "年", "月", "万元", "分", "a", "\n"]
)  # fmt: skip


@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)
@given(
    prefix=st.lists(_TOKENS, max_size=4).map("".join),
    unit=st.lists(_TOKENS, min_size=1, max_size=4).map("".join),
    tail=st.lists(_TOKENS, max_size=2).map("".join),
)
def test_drawn_shapes_are_linear_in_every_parser(prefix, unit, tail):
    small, large = _shape(prefix, unit, tail, 2_000), _shape(prefix, unit, tail, 8_000)
    for parse in PARSERS.values():
        assert_linear(lambda parse=parse: parse(small), lambda parse=parse: parse(large))
