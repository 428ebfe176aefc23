"""Layout `national`: the Ministry of Finance's 项目支出绩效目标表 and its provincial variants.

One table per project: label/value rows (项目名称, 主管部门, 实施单位, …), a
money block (项目资金（万元） over 年度资金总额 / 其中：财政拨款 / 其他资金), goals
(年度目标, or 中期目标 | 年度目标 sub-columns), then one or two indicator blocks
(长期绩效指标 kept in `extra`, 年度 ones as indicators). No spending plan.
"""

from __future__ import annotations

from jixiao.extract.model import Cell
from jixiao.normalize import grid
from jixiao.normalize.labels import fold, match, split_code
from jixiao.normalize.layouts.signature import Signature
from jixiao.normalize.records import Goal, Project
from jixiao.normalize.rows import Pair, Reading, amount, is_label, own_cells, pairs
from jixiao.normalize.text import clean_or_none as _clean
from jixiao.normalize.text import split_numbered

NAME = "national"
_GOAL_FIELDS = ("project.goals", "project.overall_goals", "project.long_goals")


def score(signature: Signature) -> int:
    if not signature.has("project.name") or signature.hebei or signature.self_evaluation:
        return 0
    if not (signature.indicator_header or signature.has("project.goals", "project.overall_goals")):
        return 0
    return 1 + signature.indicator_header + signature.money + signature.has("project.goals", "project.overall_goals")


def read(reading: Reading) -> None:
    _ProjectTable(reading).read()


def split_goals(text: str | None) -> list[Goal]:
    lead, items = split_numbered(text or "")
    return [Goal(seq, t) for seq, t in enumerate(([lead] if lead else []) + items, 1) if t]


class _ProjectTable:
    def __init__(self, reading: Reading):
        self.reading = reading
        self.report = reading.report
        self.project: Project | None = None
        self.unit = reading.unit
        self.grid: grid.IndicatorGrid | None = None
        self.long_block = False  # the grid is a long-term block: its rows go to extra
        self.pending_long = False
        self.pending_long_label: str | None = None
        self.long_label: str | None = None
        self.long_rows = 0
        self.sub_header: dict[int, Pair] = {}
        self.overall_goals: str | None = None

    def where(self) -> str | None:
        return f"projects[{self.project.seq - 1}]" if self.project else None

    def read(self) -> None:
        for index, row in enumerate(self.reading.table.rows()):
            cells = own_cells(row, index)
            if cells:
                self._row(index, row, cells)
        self._finish()

    def _start(self) -> Project:
        self._finish()
        self.project = Project(seq=len(self.report.projects) + 1, amount_unit=self.unit)
        self.report.projects.append(self.project)
        self.grid, self.long_block, self.overall_goals = None, False, None
        return self.project

    def _finish(self) -> None:
        project = self.project
        if project is None:
            return
        if not project.goals and self.overall_goals:
            project.goals = split_goals(self.overall_goals)
        if self.grid is None:
            self.reading.warn(
                "incomplete_table", f"第{self.reading.table.index}个表格没有绩效指标部分，可能被截断。", self.where()
            )

    def _project(self) -> Project:
        return self.project if self.project is not None else self._start()

    def _leaves_grid(self, cells: list[Cell]) -> bool:
        for cell in cells:
            found = match(cell.text, "project")
            if found and found.field in ("project.name", "project.code") and found.how != "fuzzy":
                return True
            if cell.col < self.grid.first_column and (is_label(cell, "block", fuzzy=False) or found):
                return True
        return False

    def _row(self, index: int, row: list[Cell], cells: list[Cell]) -> None:
        if grid.is_header(row):
            self._grid_header(row)
            return
        if self.grid is not None and not self._leaves_grid(cells):
            self._indicator_row(index, row)
            return
        blocks = [c for c in cells if is_label(c, "block", fuzzy=False)]
        for cell in blocks:
            found = match(cell.text, "block")
            self.pending_long = found.field == "block.long_indicators"
            self.pending_long_label = _clean(cell.text)
            self.unit = fold(cell.text).unit or self.unit
            if self.project is not None and self.project.amount_unit is None:
                self.project.amount_unit = self.unit
        rest = [c for c in cells if c not in blocks]
        if not rest:
            return
        if self.sub_header and not any(is_label(c, "project", fuzzy=False) for c in rest):
            self._sub_header_values(rest)
            return
        found_pairs, leftover = pairs(rest, "project")
        if leftover or not found_pairs:
            self.reading.unplaced(index, row, self.where())
            return
        if len(found_pairs) >= 2 and all(p.value is None for p in found_pairs):
            self.sub_header = {c: p for p in found_pairs for c in range(p.cell.col, p.cell.col + p.cell.colspan)}
            return
        for pair in found_pairs:
            self._assign(pair, pair.value)

    def _sub_header_values(self, cells: list[Cell]) -> None:
        header, self.sub_header = self.sub_header, {}
        for cell in cells:
            pair = header.get(cell.col)
            if pair is not None:
                self._assign(pair, cell.text)

    def _assign(self, pair: Pair, value: str | None) -> None:
        field = pair.found.field
        if pair.found.how == "fuzzy":
            self.reading.warn(
                "fuzzy_label",
                f"标签“{pair.label}”按近似匹配读作{field}（相似度{pair.found.confidence}）。",
                self.where(),
            )
        if field == "project.name" and self.project is not None and self.project.name:
            self._start()  # a second project in the same table
        project = self._project()
        text = _clean(value)
        if field in ("project.name", "project.code", "project.purpose"):
            setattr(project, field.split(".")[1], text)
        elif field in ("project.department", "project.implementing_unit"):
            code, name = split_code(text)
            setattr(project, field.split(".")[1], name)
            if code is not None:
                project.extra[pair.label] = text
            if field == "project.department" and text:
                self.reading.departments.append(text)
        elif field.startswith("project.budget_"):
            self._amount(project, field.split(".")[1], pair.label, text)
        elif field == "project.goals":
            project.goals = split_goals(text)
        elif field == "project.overall_goals":
            self.overall_goals = text
        elif text:
            project.extra[pair.label] = text

    def _amount(self, project: Project, attribute: str, label: str, text: str | None) -> None:
        try:
            value, unit = amount(text)
        except ValueError:
            self.reading.warn("unparsed_amount", f"“{label}”的金额“{text}”不是数字，记为空。", self.where())
            return
        setattr(project, attribute, value)
        if unit and project.amount_unit is None:
            project.amount_unit = unit

    def _grid_header(self, row: list[Cell]) -> None:
        self._project()
        labels = [
            c.text for c in row if (m := is_label(c, "block", fuzzy=False)) and m.field == "block.long_indicators"
        ]
        self.long_label = _clean(labels[0]) if labels else (self.pending_long_label if self.pending_long else None)
        self.long_block = self.long_label is not None
        self.pending_long = False
        self.grid = grid.IndicatorGrid(row, lambda code, message: self.reading.warn(code, message, self.where()))
        self.long_rows = 0

    def _indicator_row(self, index: int, row: list[Cell]) -> None:
        project = self._project()
        if self.long_block:
            self.long_rows += 1
            project.extra[f"{self.long_label}[{self.long_rows}]"] = self.grid.summary(row)
            return
        project.indicators.append(self.grid.indicator(row, index, self.reading.table, len(project.indicators) + 1))
