"""The normaliser's fast paths give exactly what the plain definitions they replace give (issue 10.5)."""

import random
import re
import sys
import unicodedata

from jixiao.normalize.labels import FUZZY_THRESHOLD, Match, _match, fold, match
from jixiao.normalize.prose import GOAL_SECTIONS, MEASURE_SECTIONS, UNIT_LINE, YEAR_LINE, _section_of, is_framing
from jixiao.normalize.text import (
    _MARKER_STARTS,
    _STYLES,
    clean,
    compact,
    is_page_residue,
    leading_marker,
    strip_numbering,
)
from jixiao.normalize.values import chinese_numeral, to_halfwidth
from jixiao.normalize.vocabulary import PATTERNS, SPELLINGS

_WS = re.compile(r"[\s\u3000\u00a0]+")  # the white space clean/compact fold, as a regular expression


def brute_force_match(label: str, group: str) -> Match | None:
    """labels._match as a scan of the whole vocabulary: exact, pattern, then every spelling's Dice score."""
    if not label or len(label) > 16:
        return None
    prefix = group + "."
    for field, spellings in SPELLINGS.items():
        if field.startswith(prefix) and label in spellings:
            return Match(field, "exact", 1.0)
    for field, patterns in PATTERNS.items():
        if field.startswith(prefix) and any(re.search(pattern, label) for pattern in patterns):
            return Match(field, "pattern", 0.9)

    def grams(text: str) -> frozenset[str]:
        return frozenset(text[i : i + 2] for i in range(len(text) - 1)) or frozenset([text])

    best = None
    for field, spellings in SPELLINGS.items():
        if field.startswith(prefix):
            for spelling in spellings:
                a, b = grams(label), grams(spelling)
                score = 2 * len(a & b) / (len(a) + len(b))
                if score >= FUZZY_THRESHOLD and (best is None or score > best.confidence):
                    best = Match(field, "fuzzy", round(score, 2))
    return best


def test_indexed_matching_equals_a_scan_of_the_vocabulary():
    rng = random.Random(7)
    spellings = sorted({s for printed in SPELLINGS.values() for s in printed})
    alphabet = sorted(set("".join(spellings))) + list("的和及其中年度x1")
    labels = set(spellings)
    for spelling in spellings:  # near misses: a character dropped, changed or added
        for _ in range(3):
            at = rng.randrange(len(spelling))
            labels.add(spelling[:at] + spelling[at + 1 :])
            labels.add(spelling[:at] + rng.choice(alphabet) + spelling[at + 1 :])
            labels.add(spelling[:at] + rng.choice(alphabet) + spelling[at:])
    labels |= {"".join(rng.choices(alphabet, k=rng.randint(1, 18))) for _ in range(500)}
    groups = ("project", "indicator", "department", "task", "block", "nothing")
    checked = fuzzy = 0
    for label in sorted(labels):
        for group in groups:
            expected = brute_force_match(label, group)
            assert _match(label, group) == expected, (label, group)
            if fold(label).text == label:  # match() folds first: only a folded label is its own folding
                named = expected if expected and expected.how != "fuzzy" else None
                assert match(label, group, fuzzy=False) == named, (label, group)
            checked += 1
            fuzzy += bool(expected and expected.how == "fuzzy")
    assert checked > 5000 and fuzzy > 300  # the near misses do exercise the fuzzy scores


def test_clean_and_compact_fold_exactly_the_white_space_of_the_regular_expression():
    spaces = [chr(c) for c in range(sys.maxunicode + 1) if _WS.fullmatch(chr(c)) or chr(c).isspace()]
    assert "\u3000" in spaces and "\u00a0" in spaces and "\x1c" in spaces
    rng = random.Random(3)
    pieces = spaces + list("中文ab1，：")
    for _ in range(5000):
        text = "".join(rng.choices(pieces, k=rng.randint(0, 12)))
        assert clean(text) == _WS.sub(" ", text).strip()
        assert compact(text) == _WS.sub("", text)
    assert clean(None) == "" and compact(None) == ""


def test_only_dan_and_wei_fold_to_dan_and_wei():
    """hebei reads a 单位：万元 cell only where 单位 is printed: nothing else may NFKC-fold to 单 or 位."""
    folding = [chr(c) for c in range(sys.maxunicode + 1) if set("单位") & set(unicodedata.normalize("NFKC", chr(c)))]
    assert folding == ["位", "单"]


def test_page_residue_and_markers_unchanged_by_their_quick_rejections():
    toc = re.compile(r"(?:\.{3,}|…{2,}|·{3,}|\t)\s*[0-9０-９]{1,4}\s*$")
    lines = [
        "一、总体绩效目标……3",
        "目标2：保障运转",
        "（三）完成",
        "12、",
        "第3页",
        "- 2 -",
        "正文\t12 ",
        "正文12。",
        "·",
        "",
    ]
    for line in lines:
        page = re.match(
            r"^[-—–\s]*(?:第\s*)?[0-9０-９]{1,4}\s*(?:页)?(?:\s*/\s*[0-9]+|\s*共\s*[0-9]+\s*页)?[-—–\s]*$", line.strip()
        )
        assert is_page_residue(line) == bool(page or toc.search(line)), line
    assert [bool(leading_marker(line)) for line in lines[:5]] == [True, True, True, True, False]


def test_only_the_marker_starts_can_start_a_list_marker():
    """leading_marker rejects a line by its first character: no other character starts any style's match."""
    # each style's canonical marker with its first character replaced: what that first position accepts
    tails = {"target": "标1：", "paren": "1）", "dun": "、", "dot": "."}
    starting = {
        chr(c)
        for c in range(sys.maxunicode + 1)
        if any(_STYLES[style].match(chr(c) + tail) for style, tail in tails.items())
    }
    assert starting == _MARKER_STARTS


def test_leading_marker_is_the_first_style_whose_match_has_a_numeral():
    def plain(text: str):
        stripped = text.lstrip()
        for style, pattern in _STYLES.items():
            found = pattern.match(stripped)
            if found and chinese_numeral(found.group("n")) is not None:
                return style, chinese_numeral(found.group("n")), len(text) - len(stripped) + found.end()
        return None

    rng = random.Random(5)
    pieces = list("目标（()）一二三十两1２0、.．:：) x中") + ["目标", "  ", "\u3000"]
    no_numeral = 0  # lines whose first matching style has no numeral (三三、): the later styles are tried
    for _ in range(20000):
        text = "".join(rng.choices(pieces, k=rng.randint(0, 8)))
        marker = leading_marker(text)
        assert ((marker.style, marker.number, marker.end) if marker else None) == plain(text), text
        first = next((p.match(text.lstrip()) for p in _STYLES.values() if p.match(text.lstrip())), None)
        no_numeral += bool(first and chinese_numeral(first.group("n")) is None)
    assert no_numeral > 20


def test_section_headings_and_framing_lines_unchanged_by_their_quick_tests():
    framing = re.compile(
        r"^(第[一二三四五六七八九十]+部分|部门整体绩效目标|预算项目绩效目标|项目绩效目标"
        r"|.*(?:绩效目标表|申报表|自评表|绩效目标))$"
    )
    names = GOAL_SECTIONS + MEASURE_SECTIONS

    def plain_section(text: str) -> str | None:
        name = compact(strip_numbering(text)).rstrip("：:")
        return name if name in names else None

    rng = random.Random(13)
    markers = ["目标十二：", "目标 1 ", "（十二）、", "(3).", "十二、", "12.", "1)", "一 、", "第三部分", ""]
    pieces = list(names) + markers + ["：", ":", " ", "\u3000", "表", "年", "2020", "单位：万元", "申报表", "x"]
    sections = framed = 0
    for _ in range(20000):
        text = "".join(rng.choices(pieces, k=rng.randint(0, 5)))
        assert _section_of(text) == plain_section(text), text
        sections += plain_section(text) is not None
        line = compact(to_halfwidth(text))
        framed += bool(framing.match(line))
        assert is_framing(text) == bool(framing.match(line) or YEAR_LINE.match(line) or UNIT_LINE.match(line)), text
    assert sections > 500 and framed > 2000
