"""Layout `dept_overall`: the 部门整体支出绩效目标表 / 申报表.

One table per report: 部门(单位)名称, 年度预算申请 (label-amount pairs, or a
label row over an amount row), 年度主要任务 (任务名称 | 主要内容 | 预算金额 over
总额 | 财政拨款 | 其他资金), 年度总体目标 (numbered text) and 年度绩效指标.
Tasks are never projects; project tables after it are judged on their own.
"""

from __future__ import annotations

from jixiao.extract.model import Cell
from jixiao.normalize import grid
from jixiao.normalize.labels import fold, match, split_code
from jixiao.normalize.layouts.signature import Signature
from jixiao.normalize.records import DepartmentGoal, Task
from jixiao.normalize.rows import Pair, Reading, amount, is_label, own_cells, pairs
from jixiao.normalize.text import clean_or_none, split_numbered
from jixiao.normalize.vocabulary import SPELLINGS

NAME = "dept_overall"


def score(signature: Signature) -> int:
    if not signature.has("department.name") or signature.self_evaluation:
        return 0
    blocks = ("block.tasks", "block.department_goals", "block.department_budget")
    found = sum(signature.has(b) for b in blocks)
    return 1 + found + signature.indicator_header if found else 0


def read(reading: Reading) -> None:
    _DepartmentTable(reading).read()


class _DepartmentTable:
    def __init__(self, reading: Reading):
        self.reading = reading
        self.report = reading.report
        self.block: str | None = None
        self.grid: grid.IndicatorGrid | None = None
        self.sub_header: dict[int, Pair] = {}
        self.task_columns: dict[int, str] = {}
        self.unit = reading.unit

    def read(self) -> None:
        for index, row in enumerate(self.reading.table.rows()):
            cells = own_cells(row, index)
            if cells:
                self._row(index, row, cells)

    def _row(self, index: int, row: list[Cell], cells: list[Cell]) -> None:
        if grid.is_header(row):
            self.block = "indicators"
            self.grid = grid.IndicatorGrid(row, lambda code, message: self.reading.warn(code, message))
            return
        first = cells[0]
        block = is_label(first, "block", fuzzy=False)
        department = is_label(first, "department", fuzzy=False)
        if block is None and department is None and self.block == "indicators":
            indicators = self.report.department_indicators
            indicators.append(self.grid.indicator(row, index, self.reading.table, len(indicators) + 1))
            return
        if block is None and department is None and self.block == "tasks":
            self._task_row(cells)
            return
        if department is not None:
            found_pairs, _ = pairs(cells, "department")
            code, name = split_code(found_pairs[0].value if found_pairs else None)
            self.report.report.department_code, self.report.report.department_name = code, name
            return
        if block is None:
            self._budget_values(index, row, cells)
            return
        field = block.field
        self.unit = fold(first.text).unit or self.unit
        if field == "block.department_budget":
            self.block = "budget"
            self.report.report.amount_unit = self.unit
            self._budget_pairs(index, row, cells[1:])
        elif field == "block.tasks":
            self.block = "tasks"
            self._task_header(cells[1:])
        elif field == "block.department_goals":
            self.block = "goals"
            lead, items = split_numbered("\n".join(c.text for c in cells[1:]))
            section = fold(first.text).text
            self.report.department_goals.extend(
                DepartmentGoal(section=section, seq=seq, text=text)
                for seq, text in enumerate(([lead] if lead else []) + items, 1)
                if text
            )
        else:
            self.block = field
            if len(cells) > 1:
                self.reading.unplaced(index, row)

    def _budget_pairs(self, index: int, row: list[Cell], cells: list[Cell]) -> None:
        found_pairs, rest = pairs(cells, "project")
        if rest:
            self.reading.unplaced(index, row)
        if found_pairs and all(p.value is None for p in found_pairs):
            self.sub_header = {c: p for p in found_pairs for c in range(p.cell.col, p.cell.col + p.cell.colspan)}
            return
        for pair in found_pairs:
            self._budget(pair, pair.value)

    def _budget_values(self, index: int, row: list[Cell], cells: list[Cell]) -> None:
        if self.block == "budget" and self.sub_header:
            header, self.sub_header = self.sub_header, {}
            for cell in cells:
                if cell.col in header:
                    self._budget(header[cell.col], cell.text)
        elif self.block == "budget":
            self._budget_pairs(index, row, cells)
        else:
            self.reading.unplaced(index, row)

    def _budget(self, pair: Pair, text: str | None) -> None:
        if not pair.found.field.startswith("project.budget_"):
            return
        try:
            value, unit = amount(text)
        except ValueError:
            self.reading.warn(
                "unparsed_amount", f"“{pair.label}”的金额“{clean_or_none(text)}”不是数字，记为空。", "report"
            )
            return
        setattr(self.report.report, pair.found.field.split(".")[1], value)
        if unit and self.report.report.amount_unit is None:
            self.report.report.amount_unit = unit

    def _task_header(self, cells: list[Cell]) -> None:
        for cell in cells:
            found = match(cell.text, "task")
            if found is None:
                continue
            for column in range(cell.col, cell.col + cell.colspan):
                self.task_columns[column] = found.field
            self.unit = fold(cell.text).unit or self.unit

    def _task_row(self, cells: list[Cell]) -> None:
        found = [(cell, match(cell.text, "task")) for cell in cells]
        if all(m and m.field.startswith("task.budget_") or (m and m.field == "task.total_row") for _, m in found):
            if any(m.field != "task.total_row" for _, m in found):
                for cell, m in found:  # the row under 预算金额: 总额 | 财政拨款 | 其他资金
                    self.task_columns[cell.col] = m.field
                return
        values = {self.task_columns.get(cell.col): cell.text for cell in cells}
        name = clean_or_none(values.get("task.name"))
        if name is None and not values.get("task.content") or (name and name in SPELLINGS["task.total_row"]):
            return  # 金额合计: the tasks' sum, no task
        task = Task(seq=len(self.report.tasks) + 1, name=name, content=clean_or_none(values.get("task.content")))
        if "task.budget_total" not in values:
            values["task.budget_total"] = values.get("task.budget")  # 预算金额 with no 总额 | 财政拨款 under it
        for field in ("budget_total", "budget_fiscal", "budget_other"):
            try:
                setattr(task, field, amount(values.get(f"task.{field}"))[0])
            except ValueError:
                self.reading.warn("unparsed_amount", f"任务“{name}”的金额不是数字，记为空。", f"tasks[{task.seq - 1}]")
        self.report.tasks.append(task)
