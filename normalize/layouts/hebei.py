"""Layout `hebei`: the seed's family of 部门预算绩效目标表.

Part 1 is prose under section headings (总体绩效目标, 分项绩效目标,
工作保障措施); part 2 is one table per project (项目编码, 预算规模及资金用途,
资金支出计划, 绩效目标, then 一级/二级/三级指标 rows).

Everything here works from text and grid positions, never from which reader
made the document: TC codes and heading styles help nobody, because PDFs have
neither, and an empty cell under a label is read as the label merged down.
"""

from __future__ import annotations

import re

from jixiao.extract.model import Cell, Document, Heading, Table
from jixiao.normalize.labels import fold
from jixiao.normalize.records import (
    CellSource,
    DepartmentGoal,
    Goal,
    Indicator,
    Measure,
    Project,
    Report,
    ReportWarning,
    SpendingPoint,
)
from jixiao.normalize.text import (
    clean,
    clean_or_none,
    compact,
    is_page_residue,
    leading_marker,
    split_numbered,
    strip_numbering,
)
from jixiao.normalize.values import parse_indicator_value, parse_number, parse_percent, period_month, to_halfwidth

NAME = "hebei"

GOAL_SECTIONS = ("总体绩效目标", "分项绩效目标", "年度总体目标", "年度绩效目标", "部门整体绩效目标", "绩效目标")
MEASURE_SECTIONS = ("工作保障措施", "保障措施")
# Lines that only frame the document (part titles); they hold no data.
FRAMING = re.compile(r"^(第[一二三四五六七八九十]+部分|部门整体绩效目标|预算项目绩效目标|项目绩效目标|.*绩效目标表)$")

_DEPT_ROW = re.compile(r"^(?P<code>\d{3,})\s*[-_－—]?\s*(?P<name>[^\d年月日%\s.].*)$")
_UNIT = re.compile(r"^(?:金额)?单位\s*[：:]\s*(?P<unit>\S{1,6})$")
# Row labels match a whole cell (white space, a leading 其中 and a trailing
# colon or (%) ignored), so prose that mentions them is never taken for them.
_BUDGET_LABELS = {
    "预算数": "budget_total", "年度资金总额": "budget_total", "资金总额": "budget_total",
    "预算资金": "budget_total", "财政资金": "budget_fiscal", "财政拨款": "budget_fiscal",
    "其他资金": "budget_other",
}  # fmt: skip
_PLAN_LABELS = ("资金支出计划", "支出计划", "资金支出进度", "预算支出计划")
_GOAL_LABELS = ("绩效目标", "年度绩效目标", "项目绩效目标")
_PURPOSE_LABELS = ("预算规模及资金用途", "资金用途", "项目资金用途")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
# The budget year as a title or lead-in states it: 2020年度部门预算, 2020年收支预算.
_BUDGET_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年度?[^，。；\d]{0,8}预算")

# Column headers of the indicator table → Indicator fields.
_INDICATOR_HEADERS = [
    ("level1", ("一级指标",)),
    ("level2", ("二级指标",)),
    ("level3", ("三级指标",)),
    ("description", ("绩效指标描述", "指标描述", "指标内容", "指标解释", "指标说明")),
    ("basis", ("指标值确定依据", "确定依据", "依据", "备注")),
    ("value_raw", ("指标值", "目标值", "绩效指标值", "年度指标值")),
]
_FILLED_DOWN = ("level1", "level2")
_OPPOSED_KINDS = ("效果指标", "满意度指标")


def detect(document: Document) -> bool:
    """A document is `hebei` when a table carries its project-table labels (even if cut off early)."""
    for table in document.tables:
        labels = {_label(cell) for cell in table.cells}
        identity = any(label in labels for label in ("项目编码", "项目名称"))
        if identity and any(label in labels for label in ("一级指标", *_PLAN_LABELS, *_PURPOSE_LABELS)):
            return True
    return False


def normalize(document: Document, report: Report) -> None:
    """Fill `report` (its source and id already set) from the document."""
    report.report.layout = NAME
    _read_prose(document, report)
    for table in document.tables:
        _TableReader(table, report).read()
    report.report.fiscal_year = _fiscal_year(document)
    for index, project in enumerate(report.projects):
        _check_project(project, f"projects[{index}]", report.warnings)


# --- part 1: prose ---------------------------------------------------------


def _section_of(text: str) -> str | None:
    name = compact(strip_numbering(text)).rstrip("：:")
    if name in GOAL_SECTIONS or name in MEASURE_SECTIONS:
        return name
    return None


def _read_prose(document: Document, report: Report) -> None:
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
        elif FRAMING.match(compact(text)):
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


def _fiscal_year(document: Document) -> int | None:
    """The budget year the text states; failing that, the first year it mentions."""
    texts = [
        to_halfwidth(text)
        for block in document.blocks
        for text in ([c.text for c in block.cells] if isinstance(block, Table) else [block.text])
    ]
    for pattern in (_BUDGET_YEAR, _YEAR):
        match = next((m for m in map(pattern.search, texts) if m), None)
        if match:
            return int(match.group(1))
    return None


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
        self.indicator_columns: dict[int, str] | None = None
        self.plan_periods: list[Cell] = []
        self.after_budget = False
        self.last_indicator: dict[str, str | None] = {}

    def read(self) -> None:
        rows = self.table.rows()
        for index, row in enumerate(rows):
            if any(compact(cell.text) for cell in row):
                self._row(index, row)
        if self.project is not None and self.indicator_columns is None:
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
        self.project, self.indicator_columns, self.plan_periods, self.after_budget = project, None, [], False
        self.last_indicator = {}
        return project

    def _row(self, index: int, row: list[Cell]) -> None:
        # A label merged down from a row above (a docx vMerge, a PDF span) says
        # what that row was, not this one: the text export shows it empty here.
        labels = [_label(cell) for cell in row if cell.row == index]
        if self.indicator_columns is not None and not any(label == "一级指标" for label in labels):
            if "项目编码" not in labels and "项目名称" not in labels:
                self._indicator(index, row)
                return
        if "一级指标" in labels:
            self._indicator_header(row)
        elif any(label in ("项目编码", "项目代码", "项目名称") for label in labels):
            self._identity(row)
        elif any(label in _BUDGET_LABELS for label in labels):
            self._budget(row)
        elif any(label in _PLAN_LABELS for label in labels):
            self.plan_periods = [c for c in row if _label(c) not in _PLAN_LABELS and _label(c)]
        elif self.plan_periods and not self._project().spending_plan:
            self._plan_values(index, row)
        elif any(label in _GOAL_LABELS for label in labels):
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
            text = clean(to_halfwidth(cell.text))
            unit = _UNIT.search(text)
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
        self.indicator_columns = {}
        for cell in row:
            label = _label(cell)
            for attribute, names in _INDICATOR_HEADERS:
                if any(label == name or label.startswith(name) for name in names):
                    for column in range(cell.col, cell.col + cell.colspan):
                        self.indicator_columns[column] = attribute
                    break

    def _indicator(self, index: int, row: list[Cell]) -> None:
        values: dict[str, str | None] = {}
        for cell in row:
            attribute = self.indicator_columns.get(cell.col)
            if attribute is not None and attribute not in values:
                values[attribute] = clean_or_none(cell.text)
        for attribute in _FILLED_DOWN:
            if not values.get(attribute):
                values[attribute] = self.last_indicator.get(attribute)
        self.last_indicator = values
        raw = values.get("value_raw")
        parsed = parse_indicator_value(raw or "")
        project = self._project()
        project.indicators.append(
            Indicator(
                seq=len(project.indicators) + 1,
                level1=values.get("level1"),
                level2=values.get("level2"),
                level3=values.get("level3"),
                description=values.get("description"),
                value_raw=raw,
                operator=parsed.operator,
                value=parsed.value,
                unit=parsed.unit,
                basis=values.get("basis"),
                source=CellSource(page=_row_page(row, index), table=self.table.index, row=index + 1),
            )
        )


def _row_page(row: list[Cell], index: int) -> int | None:
    """The page a row starts on: that of a cell beginning in it, not one merged down from above."""
    own = [cell.page for cell in row if cell.row == index and cell.page is not None]
    return min(own) if own else None


# --- checks ----------------------------------------------------------------


def _check_project(project: Project, where: str, warnings: list[ReportWarning]) -> None:
    if project.budget_total is not None and project.budget_fiscal is not None:
        parts = project.budget_fiscal + (project.budget_other or 0.0)
        if abs(parts - project.budget_total) > 0.005:
            warnings.append(
                ReportWarning(
                    "budget_mismatch",
                    f"财政资金{project.budget_fiscal:g}加其他资金{project.budget_other or 0:g}"
                    f"不等于预算数{project.budget_total:g}。",
                    where,
                )
            )
    pcts = [point.cumulative_pct for point in project.spending_plan if point.cumulative_pct is not None]
    if any(later < earlier for earlier, later in zip(pcts, pcts[1:], strict=False)):
        warnings.append(
            ReportWarning("spending_plan_not_rising", "资金支出计划的累计比例出现下降。", f"{where}.spending_plan")
        )
    if pcts and abs(pcts[-1] - 100.0) > 1e-6:
        warnings.append(
            ReportWarning(
                "spending_plan_not_100", f"资金支出计划最终累计{pcts[-1]:g}%，未达到100%。", f"{where}.spending_plan"
            )
        )
    for index, indicator in enumerate(project.indicators):
        opposed = indicator.level1 in _OPPOSED_KINDS or any(
            "满意度" in (level or "") for level in (indicator.level2, indicator.level3)
        )
        if opposed and indicator.operator in ("<", "<="):
            symbol = _printed_operator(indicator.value_raw or "")
            warnings.append(
                ReportWarning(
                    "suspicious_operator",
                    f"{indicator.level1}“{indicator.level3}”的指标值为“{indicator.value_raw}”："
                    f"“{symbol}”与此类指标应达到的方向相反，按原文保留。",
                    f"{where}.indicators[{index}]",
                )
            )


def _printed_operator(raw: str) -> str:
    """The operator as the cell prints it: the symbol or words before/after the number."""
    match = re.match(r"^\s*([^\d０-９.]+)", raw)
    if match and match.group(1).strip():
        return match.group(1).strip()
    match = re.search(r"(以内|以下|及以下|之内)\s*$", raw)
    return match.group(1) if match else raw
