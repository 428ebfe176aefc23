"""Layout `hebei`: the seed's family of 部门预算绩效目标表.

Part 1 is prose under section headings, read for every layout by
`normalize/prose.py`; what is this layout's own is part 2, one table per
project (项目编码, 预算规模及资金用途, 资金支出计划, 绩效目标, then the indicator
grid of `normalize/grid.py`).

Everything here works from text and grid positions, never from which reader
made the document: TC codes and heading styles help nobody, because PDFs have
neither, and an empty cell under a label is read as the label merged down.
"""

from __future__ import annotations

import re

from jixiao.extract.model import Cell, Table
from jixiao.normalize import grid
from jixiao.normalize.labels import fold
from jixiao.normalize.layouts.signature import Signature
from jixiao.normalize.records import Goal, Project, Report, ReportWarning, SpendingPoint
from jixiao.normalize.rows import Reading
from jixiao.normalize.text import clean, clean_or_none, split_numbered
from jixiao.normalize.values import parse_number, parse_percent, period_month, to_halfwidth

NAME = "hebei"

_DEPT_ROW = re.compile(r"^(?P<code>\d{3,}+)\s*+[-_－—]?\s*+(?P<name>[^\d年月日%\s.].*)$")
_UNIT = re.compile(r"^(?:金额)?单位\s*[：:]\s*(?P<unit>\S{1,6})$")
# Row labels match a whole cell (white space, a leading 其中 and a trailing
# colon or (%) ignored), so prose that mentions them is never taken for them.
_BUDGET_LABELS = {
    "预算数": "budget_total", "年度资金总额": "budget_total", "资金总额": "budget_total",
    "预算资金": "budget_total", "财政资金": "budget_fiscal", "财政拨款": "budget_fiscal",
    "其他资金": "budget_other",
}  # fmt: skip
_PLAN_LABELS = frozenset(("资金支出计划", "支出计划", "资金支出进度", "预算支出计划"))
_GOAL_LABELS = frozenset(("绩效目标", "年度绩效目标", "项目绩效目标"))
_PURPOSE_LABELS = frozenset(("预算规模及资金用途", "资金用途", "项目资金用途"))
_IDENTITY_LABELS = frozenset(("项目编码", "项目代码", "项目名称"))
# Inside the indicator grid every row is an indicator, until the next header or project.
_GRID_ENDS = frozenset(("一级指标", "项目编码", "项目名称"))


def score(signature: Signature) -> int:
    """Its project table: an identity with a spending plan or 预算规模及资金用途 (even if cut off early)."""
    if not signature.has("project.name", "project.code") or not signature.hebei or signature.self_evaluation:
        return 0
    return 2 + signature.indicator_header + signature.money + signature.has("project.code")


def read(reading: Reading) -> None:
    _TableReader(reading.table, reading.report).read()


# --- part 2: project tables ------------------------------------------------


def _label(cell: Cell) -> str:
    return fold(cell.text).text


class _TableReader:
    """Walks one table's rows; each row is recognised by its labels."""

    def __init__(self, table: Table, report: Report):
        self.table = table
        self.report = report
        self.project: Project | None = None
        self.unit: str | None = None
        self.grid: grid.IndicatorGrid | None = None
        self.plan_periods: list[Cell] = []
        self.after_budget = False

    def read(self) -> None:
        rows = self.table.rows()
        for index, row in enumerate(rows):
            if any(cell.text.strip() for cell in row):
                self._row(index, row)
        if self.project is not None and self.grid is None:
            self._warn(
                "incomplete_table",
                f"第{self.table.index}个表格在指标部分之前结束，可能被截断。",
            )

    def _warn(self, code: str, message: str) -> None:
        where = f"projects[{len(self.report.projects) - 1}]" if self.project is not None else None
        self.report.warnings.append(ReportWarning(code, message, where))

    def _start_project(self) -> Project:
        project = Project(seq=len(self.report.projects) + 1, amount_unit=self.unit)
        self.report.projects.append(project)
        self.project, self.grid, self.plan_periods, self.after_budget = project, None, [], False
        return project

    def _row(self, index: int, row: list[Cell]) -> None:
        # A label merged down from a row above (a docx vMerge, a PDF span) says
        # what that row was, not this one: the text export shows it empty here.
        labels = {fold(cell.text).text for cell in row if cell.row == index}  # _label, inlined: every row's cells
        if self.grid is not None and labels.isdisjoint(_GRID_ENDS):
            self._indicator(index, row)
            return
        if "一级指标" in labels:
            self._indicator_header(row)
        elif not labels.isdisjoint(_IDENTITY_LABELS):
            self._identity(row)
        elif not labels.isdisjoint(_BUDGET_LABELS):
            self._budget(row)
        elif not labels.isdisjoint(_PLAN_LABELS):
            self.plan_periods = [c for c in row if _label(c) not in _PLAN_LABELS and _label(c)]
        elif self.plan_periods and not self._project().spending_plan:
            self._plan_values(index, row)
        elif not labels.isdisjoint(_GOAL_LABELS):
            text = "\n".join(c.text for c in row if _label(c) not in _GOAL_LABELS)
            lead, items = split_numbered(text)
            self._project().goals = [Goal(seq, t) for seq, t in enumerate(([lead] if lead else []) + items, 1) if t]
        elif self._department_row(row):
            pass
        elif self.after_budget and not self._project().purpose:
            self._project().purpose = clean_or_none(" ".join(c.text for c in row if _label(c) not in _PURPOSE_LABELS))
        else:
            self._warn(
                "unplaced_row",
                f"第{self.table.index}个表格第{index + 1}行无法归类，未读入：{' | '.join(clean(c.text) for c in row)[:120]}",
            )

    def _project(self) -> Project:
        return self.project if self.project is not None else self._start_project()

    def _department_row(self, row: list[Cell]) -> bool:
        found = False
        for cell in row:
            # No character but 单 and 位 themselves folds to them: the rest skip the fold.
            unit = _UNIT.search(clean(to_halfwidth(cell.text))) if "单位" in cell.text else None
            if unit:
                self.unit = unit.group("unit")
                if self.project is not None and self.project.amount_unit is None:
                    self.project.amount_unit = self.unit
                found = True
                continue
            dept = _DEPT_ROW.match(clean(cell.text)) if self.project is None or not self.project.code else None
            info = self.report.report
            if dept and info.department_code is None:
                info.department_code = dept.group("code")
                info.department_name = clean(dept.group("name"))
                found = True
            elif dept and dept.group("code") == info.department_code:
                found = True
        return found

    def _pairs(self, row: list[Cell]) -> dict[str, Cell | None]:
        """label → the cell right after it (None when the row ends there)."""
        pairs: dict[str, Cell | None] = {}
        for position, cell in enumerate(row):
            following = row[position + 1] if position + 1 < len(row) else None
            pairs.setdefault(_label(cell), following)
        return pairs

    def _identity(self, row: list[Cell]) -> None:
        pairs = self._pairs(row)
        code = pairs.get("项目编码") or pairs.get("项目代码")
        if self.project is not None and (self.project.code or self.project.name):
            self._start_project()  # a second project inside the same table
        project = self._project()
        if code is not None:
            project.code = clean_or_none(code.text)
        if pairs.get("项目名称") is not None:
            project.name = clean_or_none(pairs["项目名称"].text)
        for label, attribute in (("主管部门", "department"), ("实施单位", "implementing_unit")):
            cell = next((c for key, c in pairs.items() if key.startswith(label)), None)
            if cell is not None:
                setattr(project, attribute, clean_or_none(cell.text))

    def _budget(self, row: list[Cell]) -> None:
        project = self._project()
        for label, cell in self._pairs(row).items():
            if label in _BUDGET_LABELS:
                setattr(project, _BUDGET_LABELS[label], self._amount(cell, label))
        self.after_budget = True

    def _amount(self, cell: Cell | None, label: str) -> float | None:
        if cell is None:
            return None
        try:
            return parse_number(cell.text)
        except ValueError:
            self._warn("unparsed_amount", f"“{label}”的金额“{clean(cell.text)}”不是数字，记为空。")
            return None

    def _plan_values(self, index: int, row: list[Cell]) -> None:
        project = self._project()
        by_column = {cell.col: cell for cell in row}
        for position, period in enumerate(self.plan_periods):
            cell = by_column.get(period.col)
            if cell is None or cell is period:
                values = [c for c in row if _label(c) not in _PLAN_LABELS and _label(c)]
                cell = values[position] if position < len(values) else None
            try:
                pct = parse_percent(cell.text) if cell is not None else None
            except ValueError:
                pct = None
                self._warn(
                    "unparsed_percent", f"资金支出计划“{clean(period.text)}”的比例“{clean(cell.text)}”不是数字。"
                )
            label = clean(period.text)
            project.spending_plan.append(SpendingPoint(period=label, month=period_month(label), cumulative_pct=pct))

    def _indicator_header(self, row: list[Cell]) -> None:
        self._project()
        self.grid = grid.IndicatorGrid(row, self._warn)

    def _indicator(self, index: int, row: list[Cell]) -> None:
        project = self._project()
        project.indicators.append(self.grid.indicator(row, index, self.table, len(project.indicators) + 1))
