"""Rows of label cells: what a layout reads a table with, shared by every layout.

A row is walked as label → value pairs: a cell the vocabulary names is a label
and the cell after it its value (unless that cell is itself a label); a cell
printing a label and its amount together (`年度资金总额:16`) is a pair of its
own. A row of labels with no values is a sub-header: the next row's values
belong to them by grid column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from jixiao.extract.model import Cell, Table
from jixiao.normalize.labels import Match, fold, label_and_amount, match
from jixiao.normalize.records import Report, ReportWarning
from jixiao.normalize.text import clean
from jixiao.normalize.values import parse_number, to_halfwidth

_AMOUNT_UNIT = re.compile(r"(?P<unit>万元|千元|亿元|元)$")


@dataclass
class Reading:
    """What a layout reads one table into, and what it knows from around the table."""

    report: Report
    table: Table
    unit: str | None = None  # from a `单位：万元` line above the table
    departments: list[str] = field(default_factory=list)  # printed 主管部门 cells, in reading order

    def warn(self, code: str, message: str, where: str | None = None) -> None:
        self.report.warnings.append(ReportWarning(code, message, where))

    def unplaced(self, index: int, row: list[Cell], where: str | None = None) -> None:
        text = " | ".join(clean(c.text) for c in row if clean(c.text))
        self.warn("unplaced_row", f"第{self.table.index}个表格第{index + 1}行无法归类，未读入：{text[:120]}", where)


@dataclass
class Pair:
    cell: Cell  # the label cell
    label: str  # the printed label, cleaned (an `extra` key)
    found: Match
    value: str | None  # the value's printed text, cleaned; None when no value follows
    unit: str | None  # an amount unit the label printed: 项目资金（万元）


def own_cells(row: list[Cell], index: int) -> list[Cell]:
    """The row's non-empty cells that begin in it (not merged down from above), left to right."""
    return sorted((c for c in row if c.row == index and clean(c.text)), key=lambda c: c.col)


def printed_label(text: str) -> str:
    return clean(text).rstrip("：:").strip()


def is_label(cell: Cell, group: str, fuzzy: bool = True) -> Match | None:
    return match(cell.text, group, fuzzy)


def pairs(cells: list[Cell], group: str) -> tuple[list[Pair], list[Cell]]:
    """The row's label → value pairs of `group`, and the cells that are neither."""
    found_pairs: list[Pair] = []
    rest: list[Cell] = []
    position = 0
    while position < len(cells):
        cell = cells[position]
        together = label_and_amount(cell.text)
        found = match(together[0], group) if together else None
        if together and found:
            found_pairs.append(Pair(cell, together[0], found, together[1], None))
            position += 1
            continue
        found = is_label(cell, group)
        if found is None:
            rest.append(cell)
            position += 1
            continue
        following = cells[position + 1] if position + 1 < len(cells) else None
        takes_value = following is not None and not is_label(following, group, fuzzy=False)
        takes_value = takes_value and not label_and_amount(following.text)
        value = clean(following.text) if takes_value else None
        found_pairs.append(Pair(cell, printed_label(cell.text), found, value, fold(cell.text).unit))
        position += 2 if takes_value else 1
    return found_pairs, rest


def amount(text: str | None) -> tuple[float | None, str | None]:
    """`10000万元` → (10000.0, '万元'); `850.50` → (850.5, None); '' → (None, None); else ValueError."""
    printed = to_halfwidth(clean(text)).replace(" ", "")
    unit = _AMOUNT_UNIT.search(printed)
    if unit:
        printed = printed[: unit.start()]
    return parse_number(printed), unit.group("unit") if unit else None
