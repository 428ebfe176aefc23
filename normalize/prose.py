"""The report's text outside tables: Part 1 prose, framing lines, the fiscal year and the amount unit.

Read the same way whichever layouts read the tables: a hebei Part 1 before
national project tables gives its department goals and measures too.
"""

from __future__ import annotations

import re
from functools import lru_cache

from jixiao.extract.model import Document, Heading, Table
from jixiao.normalize.records import DepartmentGoal, Measure, Report, ReportWarning
from jixiao.normalize.text import (
    clean,
    clean_or_none,
    compact,
    is_page_residue,
    leading_marker,
    split_numbered,
    strip_numbering,
)
from jixiao.normalize.values import to_halfwidth

GOAL_SECTIONS = ("总体绩效目标", "分项绩效目标", "年度总体目标", "年度绩效目标", "部门整体绩效目标", "绩效目标")
MEASURE_SECTIONS = ("工作保障措施", "保障措施")
# Lines that only frame the document: part titles, table titles (部门整体绩效目标, 预算项目绩效目标,
# 项目绩效目标 and every …绩效目标表 end so: tested as endings, not by a `.*` that backtracks over the
# whole line), year lines, unit lines.
_PART_TITLE = re.compile(r"^第[一二三四五六七八九十]+部分$")
_FRAMING_ENDS = ("绩效目标表", "申报表", "自评表", "绩效目标")
YEAR_LINE = re.compile(r"^[(（]?((?:19|20)\d{2})年度?[)）]?$")
UNIT_LINE = re.compile(r"^(?:金额)?单位[：:](?P<unit>万元|元|千元|亿元)$")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
# The budget year as a title or lead-in states it: 2020年度部门预算, 2020年收支预算.
_BUDGET_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年度?[^，。；\d]{0,8}预算")


@lru_cache(maxsize=1024)
def folded_line(text: str) -> str:
    """A paragraph as its framing rules see it: half-width, no white space (read by several passes)."""
    return compact(to_halfwidth(text))


def is_framing(text: str) -> bool:
    line = folded_line(text)
    return line.endswith(_FRAMING_ENDS) or bool(
        _PART_TITLE.match(line) or YEAR_LINE.match(line) or UNIT_LINE.match(line)
    )


# A section heading is its name after a list marker of at most 6 characters besides white space
# (目标十二：, （十二）、): a longer line, most paragraphs, is rejected before its numbering is parsed.
_LONGEST_HEADING = 6 + max(map(len, GOAL_SECTIONS + MEASURE_SECTIONS))


def _section_of(text: str) -> str | None:
    if len(compact(text).rstrip("：:")) > _LONGEST_HEADING:
        return None
    name = compact(strip_numbering(text)).rstrip("：:")
    if name in GOAL_SECTIONS or name in MEASURE_SECTIONS:
        return name
    return None


def read_prose(document: Document, report: Report) -> None:
    section: str | None = None
    lines: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    seen_table = False
    for block in document.blocks:
        if isinstance(block, Table):
            section, seen_table = None, True
            continue
        text = block.text
        name = _section_of(text) or (_section_of(block.tc.text) if isinstance(block, Heading) and block.tc else None)
        if name:
            section, lines = name, []
            sections.append((section, lines))
        elif is_page_residue(text) or not text.strip():
            continue
        elif is_framing(text):
            section = None
        elif section is not None:
            lines.append(text)
        elif seen_table:
            report.warnings.append(
                ReportWarning("unplaced_text", f"正文“{clean(text)[:60]}”不属于任何可识别的部分，未读入。", None)
            )
    for name, section_lines in sections:
        if name in MEASURE_SECTIONS:
            report.measures.extend(_measures(section_lines))
        else:
            lead, items = split_numbered("\n".join(section_lines))
            if lead and not lead.endswith(("：", ":")):
                items.insert(0, lead)  # unnumbered prose before the list is a goal too
            report.department_goals.extend(
                DepartmentGoal(section=name, seq=seq, text=text) for seq, text in enumerate(items, 1) if text
            )


def _measures(lines: list[str]) -> list[Measure]:
    """Titled measures: a numbered line is a title, the lines after it its text."""
    style = None
    entries: list[tuple[str, list[str]]] = []
    for line in lines:
        marker = leading_marker(line)
        if marker and (style is None or marker.style == style) and marker.number == len(entries) + 1:
            style = marker.style
            entries.append((clean(line[marker.end :]), []))
        elif entries:
            entries[-1][1].append(line)
        else:
            entries.append(("", [line]))
    return [
        Measure(seq=seq, title=title or None, text=clean_or_none(" ".join(body)))
        for seq, (title, body) in enumerate(entries, 1)
    ]


def fiscal_year(document: Document) -> int | None:
    """The year line under a title (（2021年度）); else the budget year the text states; else its first year."""
    for block in document.blocks:
        found = None if isinstance(block, Table) else YEAR_LINE.match(folded_line(block.text))
        if found:
            return int(found.group(1))
    # One pass, stopping at the first budget year: the first year of all is kept in case none is.
    first_year = None
    for block in document.blocks:
        for text in [c.text for c in block.cells] if isinstance(block, Table) else [block.text]:
            halfwidth = to_halfwidth(text)
            found = _BUDGET_YEAR.search(halfwidth)
            if found:
                return int(found.group(1))
            if first_year is None and (found := _YEAR.search(halfwidth)):
                first_year = int(found.group(1))
    return first_year


def units_before_tables(document: Document) -> dict[int, str]:
    """table index → the amount unit a `单位：万元` line between it and the previous table states."""
    units: dict[int, str] = {}
    unit = None
    for block in document.blocks:
        if isinstance(block, Table):
            if unit:
                units[block.index] = unit
            unit = None
        else:
            found = UNIT_LINE.match(folded_line(block.text))
            unit = found.group("unit") if found else unit
    return units


def title_before(document: Document, table: Table) -> str | None:
    """The nearest heading or line above a table that is no year or unit line, stopping at the table before."""
    title = None
    for block in document.blocks:
        if block is table:
            return title
        if isinstance(block, Table):
            title = None
            continue
        line = folded_line(block.text)
        if line and not (YEAR_LINE.match(line) or UNIT_LINE.match(line) or is_page_residue(block.text)):
            title = clean(block.text)
    return None
