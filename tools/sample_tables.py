"""The families read from tables — `national`, `dept_overall`, `mixed`, `unknown` — and their expected JSON.

A report is a list of parts in document order (`Prose`: a hebei Part 1;
`DeptTable`: a 部门整体支出绩效目标表; `ProjectTable`: a 项目支出绩效目标表 in one
of the provincial forms; `RawTable`: a table no layout reads), each stated
by hand in ``tools/sample_specs_*.py``. Every part renders to paragraphs and
one grid (`tools/sample_render.py` writes them as .txt and .docx), and gives
its share of the expected JSON by the rules of docs/layouts.md, from the
spec: what is printed where is decided here, what it means is stated in the
spec (`Org` splits, `Amount` values, `VALUES` for indicator values), so the
truth never comes from a parser.

Warnings in the expected JSON are only those docs/layouts.md implies:
`budget_mismatch` (a project whose 财政拨款 + 其他资金 ≠ its total, made so on
purpose and said so in its spec) and `unknown_layout` (no table read). Their
messages are this generator's own wording; tests compare code and where.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from contract import complete
from sample_render import CENTER, Block, Cell, Grid, Para, PdfText, docx_bytes, norm, txt_text
from sample_specs import VALUES, Amount

PAGE_WIDTH = 8600  # twips inside the margins of python-docx's default page


@dataclass(frozen=True)
class Org:
    """A department or unit cell: as printed, and the code and name it splits into (docs/layouts.md)."""

    printed: str
    code: str | None
    name: str


@dataclass(frozen=True)
class Ind:
    """One indicator row as printed; `more` are its other columns (printed header → cell)."""

    level1: str
    level2: str
    name: str
    value: str
    more: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        assert self.value in VALUES, self.value


@dataclass(frozen=True)
class Task:
    name: str
    content: str
    total: Amount
    fiscal: Amount
    other: Amount


# ---------------------------------------------------------------------------
# Parts
# ---------------------------------------------------------------------------

CN = "零一二三四五六七八九十"


@dataclass
class Prose:
    """A hebei Part 1: 总体绩效目标, 分项绩效目标 (numbered goals), 工作保障措施 (titled measures)."""

    intro: str  # the lead-in under 总体绩效目标, ending with a colon (no goal)
    overall: list[str]
    sub: list[str]
    measures: list[tuple[str, str]]

    def blocks(self) -> list[Block]:
        heading = {"bold": True, "size": 32, "align": CENTER, "font": "黑体"}
        section = {"bold": True, "size": 28, "font": "黑体"}
        out: list[Block] = [Para("第一部分", **heading), Para("部门整体绩效目标", **heading)]
        out += [Para("一、总体绩效目标", tc="总体绩效目标", **section), Para(self.intro)]
        out += [Para(f"{i}、{g}") for i, g in enumerate(self.overall, 1)]
        out.append(Para("二、分项绩效目标", tc="分项绩效目标", **section))
        out += [Para(f"（{CN[i]}）{g}") for i, g in enumerate(self.sub, 1)]
        out.append(Para("三、工作保障措施", tc="工作保障措施", **section))
        for i, (title, text) in enumerate(self.measures, 1):
            out += [Para(f"{CN[i]}、{title}", bold=True), Para(text)]
        out += [Para(""), Para("第二部分", **heading), Para("预算项目绩效目标", **heading)]
        return out

    def goals(self) -> list[dict]:
        return [{"section": "总体绩效目标", "seq": i, "text": norm(g)} for i, g in enumerate(self.overall, 1)] + [
            {"section": "分项绩效目标", "seq": i, "text": norm(g)} for i, g in enumerate(self.sub, 1)
        ]


def title_paras(lines: list[str], page_break: bool = False) -> list[Para]:
    """The lines above a table: a bold centred title, then year / unit lines (a unit line right-aligned)."""
    out = [Para(lines[0], bold=True, size=32, align=CENTER, font="黑体", page_break=page_break)]
    out += [Para(line, align="right" if line.startswith("单位") else CENTER) for line in lines[1:]]
    return out


@dataclass
class ProjectTable:
    """A 项目支出绩效目标表 (layout `national`) in one of the forms below (`form`).

    Labels are given as printed; every label must be a spelling docs/layouts.md
    maps to the slot it fills (asserted in `__post_init__`).
    """

    form: str  # "r02" (湖北, long-term | annual columns), "t01" (湖南, 指标内容, two blocks), "88" (财预〔2015〕88号, R01, R03)
    title: list[str]
    name: str
    department: tuple[str, Org]  # (label, cell)
    unit: tuple[str, Org] | None
    money_label: str  # the money block's label, e.g. 项目资金（万元）
    total: tuple[str, Amount]
    fiscal: tuple[str, Amount] | None
    other: tuple[str, Amount] | None
    goals: tuple[str, list[str]]  # the annual goals' label and items
    indicators: list[Ind]
    header: list[str]  # the indicator block's column headers
    amount_unit: str = "万元"
    money_more: list[tuple[str, Amount]] = field(default_factory=list)  # money rows with no contract field
    info: list[tuple[str, str]] = field(default_factory=list)  # identity rows with no contract field
    purpose: tuple[str, str] | None = None
    goal_more: list[tuple[str, str]] = field(default_factory=list)  # long-term goals beside the annual ones
    long_block: tuple[str, list[Ind]] | None = None  # a long-term indicator block before the annual one
    block_label: str | None = None  # the annual indicator block's label column (绩效指标, 年度绩效指标)
    name_label: str = "项目名称"  # 二级项目名称 in R03, whose 一级项目名称 is the first of `info`
    money_per_row: int = 1  # label | amount pairs per row of the money block
    money_combined: bool = False  # each amount in one cell with its label: 年度资金总额:16 (R01)
    widths: list[int] | None = None  # grid column shares (default: equal)
    new_page: bool = False  # the table's title starts a new page
    mismatch: bool = False  # the spec makes the total not add up on purpose: a budget_mismatch warning

    layout = "national"

    def __post_init__(self) -> None:
        assert self.department[0] in DEPARTMENT_LABELS, self.department[0]
        assert self.unit is None or self.unit[0] in UNIT_LABELS, self.unit
        assert self.total[0] in TOTAL_LABELS and self.goals[0] in GOAL_LABELS, (self.total, self.goals[0])
        assert self.fiscal is None or self.fiscal[0] in FISCAL_LABELS, self.fiscal
        assert self.other is None or self.other[0] in OTHER_LABELS, self.other
        assert all(label in EXTRA_LABELS for label, _ in self.info + self.money_more + self.goal_more)
        assert self.purpose is None or self.purpose[0] in PURPOSE_LABELS
        total, fiscal, other = self.total[1].value, _value(self.fiscal), _value(self.other)
        adds_up = total is None or fiscal is None or abs(fiscal + (other or 0.0) - total) < 0.005
        assert adds_up != self.mismatch, (self.name, total, fiscal, other)
        printed = [self.money_label] + [pair[1].printed for pair in (self.total, self.fiscal, self.other) if pair]
        assert any(self.amount_unit in text for text in printed), (self.name, "where is the unit printed?")

    def grid(self) -> tuple[Grid, dict[int, int]]:
        return FORMS[self.form](self)

    def expected(self, seq: int, table: int, rows: dict[int, int], page_of: dict) -> dict:
        extra: dict[str, str] = {}
        for label, org in [self.department] + ([self.unit] if self.unit else []):
            if org.code is not None:
                extra[norm(label)] = norm(org.printed)
        extra.update((norm(label), norm(text)) for label, text in self.info + self.goal_more)
        extra.update((norm(label), norm(amount.printed)) for label, amount in self.money_more)
        if self.long_block:
            label, inds = self.long_block
            for n, ind in enumerate(inds, 1):
                cells = [cell_text(ind, header) for header in self.header]
                extra[f"{norm(label)}[{n}]"] = " | ".join(norm(c) for c in cells if norm(c))
        return {
            "seq": seq,
            "code": None,
            "name": norm(self.name),
            "department": self.department[1].name,
            "implementing_unit": self.unit[1].name if self.unit else None,
            "amount_unit": self.amount_unit,
            "budget_total": self.total[1].value,
            "budget_fiscal": _value(self.fiscal),
            "budget_other": _value(self.other),
            "purpose": norm(self.purpose[1]) if self.purpose else None,
            "spending_plan": [],
            "goals": [{"seq": i, "text": norm(g)} for i, g in enumerate(self.goals[1], 1)],
            "indicators": [
                indicator_json(ind, i, table, rows[i - 1], page_of) for i, ind in enumerate(self.indicators, 1)
            ],
            "extra": extra,
        }


@dataclass
class DeptTable:
    """A 部门整体支出绩效目标表 / 申报表 (layout `dept_overall`)."""

    title: list[str]
    name_label: str  # 部门名称, 单位名称, 部门（单位）名称 …
    org: Org
    budget_label: str  # 年度预算申请（万元）
    budget: tuple[Amount, Amount, Amount]  # 资金总额, 财政拨款, 其他资金
    budget_form: str  # "pairs": label | amount in one row; "rows": a label row over an amount row
    tasks: list[Task]
    goals: list[str]
    goal_style: str  # "lines" 1.…  one paragraph each; "runon" （一）…（二）… in one paragraph; "target" 目标1：
    indicators: list[Ind]
    task_total: bool = False  # a 金额合计 row under the tasks (no task)
    new_page = False
    amount_unit: str = "万元"

    layout = "dept_overall"

    def __post_init__(self) -> None:
        assert self.name_label in ("部门名称", "单位名称", "预算单位", "部门（单位）名称", "部门(单位)名称")
        total, fiscal, other = (a.value for a in self.budget)
        assert abs(fiscal + (other or 0.0) - total) < 0.005
        for t in self.tasks:
            assert abs(t.fiscal.value + (t.other.value or 0.0) - t.total.value) < 0.005, t.name

    def goals_text(self) -> str:
        if self.goal_style == "lines":
            return "\n".join(f"{i}.{g}" for i, g in enumerate(self.goals, 1))
        if self.goal_style == "runon":
            return "".join(f"（{CN[i]}）{g}" for i, g in enumerate(self.goals, 1))
        assert self.goal_style == "target"
        return "  ".join(f"目标{i}：{g}" for i, g in enumerate(self.goals, 1))

    def grid(self) -> tuple[Grid, dict[int, int]]:
        grid = Grid([1200, 1300, 1300, 1600, 1100, 1100, 1000])
        grid.add(label(self.name_label), Cell(self.org.printed, 6))
        total, fiscal, other = (a.printed for a in self.budget)
        if self.budget_form == "pairs":
            pair_row(grid, [("资金总额", total), ("财政拨款", fiscal), ("其他资金", other)], label(self.budget_label))
        else:
            assert self.budget_form == "rows"
            grid.add(label(self.budget_label, "restart"), label("资金总额", span=2), label("财政拨款", span=2), label("其他资金", span=2))  # fmt: skip
            grid.add(label(merge="continue"), Cell(total, 2), Cell(fiscal, 2), Cell(other, 2))
        grid.add(
            label("年度主要任务", "restart"),
            label("任务名称", "restart"),
            label("主要内容", "restart", 2),
            label("预算金额（万元）", span=3),
        )
        grid.add(label(merge="continue"), label(merge="continue"), label(merge="continue", span=2), label("总额"), label("财政拨款"), label("其他资金"))  # fmt: skip
        for t in self.tasks:
            grid.add(label(merge="continue"), Cell(t.name), Cell(t.content, 2, align="left"), Cell(t.total.printed), Cell(t.fiscal.printed), Cell(t.other.printed))  # fmt: skip
        if self.task_total:
            sums = [sum(getattr(t, part).value or 0.0 for t in self.tasks) for part in ("total", "fiscal", "other")]
            grid.add(label(merge="continue"), label("金额合计"), Cell("", 2), *(Cell(f"{s:.2f}") for s in sums))
        grid.add(label("年度总体目标"), Cell(self.goals_text(), 6, align="left"))
        rows = indicator_block(grid, "年度绩效指标", ["一级指标", "二级指标", "三级指标", "指标值"], [1, 1, 2, 2], self.indicators)  # fmt: skip
        return grid, rows


@dataclass
class RawTable:
    """A table no layout reads (a 绩效自评表): kept whole in unrecognised_tables, the grid as the spec draws it."""

    title: list[str]
    grid_spec: Grid
    new_page = False
    department: Org | None = None  # the first 主管部门 it prints (the report's department when nothing is read)
    expected_title: str | None = None  # the nearest line above that is not a year or unit line

    layout = None

    def grid(self) -> tuple[Grid, dict[int, int]]:
        return self.grid_spec, {}


Part = Prose | ProjectTable | DeptTable | RawTable


@dataclass
class TableReport:
    name: str  # file stem under samples/<family>/, unique over all families
    encoding: str
    newline: str
    year: int  # the fiscal year its year lines print
    doc_title: str  # the .docx core-properties title
    parts: list[Part]
    formats: tuple[str, ...] = ("txt", "docx", "doc", "pdf")

    def tables(self) -> list[Part]:
        return [p for p in self.parts if not isinstance(p, Prose)]


# ---------------------------------------------------------------------------
# Label spellings each slot may print (docs/layouts.md's tables)
# ---------------------------------------------------------------------------

DEPARTMENT_LABELS = ("主管部门", "项目主管部门", "主管部门及代码", "主管部门及编码", "县级主管部门")
UNIT_LABELS = ("实施单位", "项目实施单位", "项目执行单位", "项目单位", "组织实施单位", "承担单位")
TOTAL_LABELS = ("年度资金总额", "当年资金总额", "资金总额", "项目总投资", "预算数")
FISCAL_LABELS = ("其中：财政拨款", "财政拨款", "其中：当年财政拨款", "当年财政拨款", "财政资金", "本年财政拨款")
OTHER_LABELS = ("其他资金", "当年其他资金")
PURPOSE_LABELS = ("资金用途", "项目概况", "项目实施内容")
GOAL_LABELS = ("年度绩效目标", "年度目标", "本年度目标", "项目绩效目标", "绩效目标", "总体目标")
EXTRA_LABELS = (
    "项目属性", "项目类型", "项目类别", "项目期", "项目起止时间", "项目开始日期", "项目完成日期", "项目负责人",
    "联系电话", "一级项目名称", "中期资金总额", "中期目标", "长期目标", "中央补助安排", "省级财政安排", "上级资金",
)  # fmt: skip
NAME_HEADERS = ("三级指标", "三级指标(年度)", "指标内容", "指标名称", "具体指标")
VALUE_HEADERS = ("指标值", "指标值(年度)", "指标目标值", "年度指标值", "目标值", "当年预期实现值")
LEVEL2_HEADERS = ("二级指标", "二级指标(年度)")
DESCRIPTION_HEADERS = ("指标说明", "指标解释", "绩效指标描述")
BASIS_HEADERS = ("指标值确定依据", "确定依据", "依据")
_WEIGHT = re.compile(r"^(?P<name>.+?)[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]$")


def _value(pair: tuple[str, Amount] | None) -> float | None:
    return None if pair is None else pair[1].value


# ---------------------------------------------------------------------------
# Grid building
# ---------------------------------------------------------------------------


def label(text: str = "", merge: str | None = None, span: int = 1) -> Cell:
    return Cell(text, span, merge, bold=True)


def pair_row(grid: Grid, pairs: list[tuple[str, str]], first: Cell | None = None) -> int:
    """label | value pairs filling the grid's width; the values take the spare columns."""
    cells = [first] if first else []
    free = len(grid.widths) - len(cells) - 2 * len(pairs)
    for k, (name, value) in enumerate(pairs):
        extra = free // len(pairs) + (1 if k < free % len(pairs) else 0)
        cells += [label(name), Cell(value, 1 + extra)]
    return grid.add(*cells)


def indicator_block(
    grid: Grid, block_label: str | None, header: list[str], spans: list[int], inds: list[Ind]
) -> dict[int, int]:
    """The header row and one row per indicator; level 1 (and level 2 under the same level 1) merged down.

    Each column's cell comes from the field its header names (`cell_text`).
    Returns indicator index (0-based) → grid row.
    """
    first = [label(block_label, "restart")] if block_label else []
    grid.add(*first, *(label(h, span=s) for h, s in zip(header, spans, strict=True)))
    for ind in inds:
        assert {h for h, _ in ind.more} <= set(header), (ind.name, ind.more)
    rows = {}
    for k, ind in enumerate(inds):
        cells = []
        for h, span in zip(header, spans, strict=True):
            text, key, merge = cell_text(ind, h), _merge_key(h), None
            if key is not None:
                above = k > 0 and key(inds[k - 1]) == key(ind)
                below = k + 1 < len(inds) and key(inds[k + 1]) == key(ind)
                merge = "continue" if above else "restart" if below else None
            cells.append(Cell(text, span, merge, align="left" if len(text) > 12 else CENTER))
        rows[k] = grid.add(*([label(merge="continue")] if block_label else []), *cells)
    return rows


def _merge_key(header: str):
    """What equal consecutive cells of this column must share to be merged down (None: never merged)."""
    if header == "一级指标":
        return lambda i: i.level1
    if header in LEVEL2_HEADERS:
        return lambda i: (i.level1, i.level2)
    return None


def cell_text(ind: Ind, header: str) -> str:
    if header == "一级指标":
        return ind.level1
    if header in LEVEL2_HEADERS:
        return ind.level2
    if header in NAME_HEADERS:
        return ind.name
    if header in VALUE_HEADERS:
        return ind.value
    return dict(ind.more).get(header, "")


def widths(total: int, shares: list[int]) -> list[int]:
    out = [total * s // sum(shares) for s in shares]
    out[-1] += total - sum(out)
    return out


def _money_rows(grid: Grid, p: ProjectTable, per_row: int) -> None:
    """The money block: its label merged down beside label | amount pairs, per_row pairs a row."""
    pairs = [p.total] + [x for x in (p.fiscal, p.other) if x] + p.money_more
    chunks = [pairs[k : k + per_row] for k in range(0, len(pairs), per_row)]
    for k, chunk in enumerate(chunks):
        merge = None if len(chunks) == 1 else "restart" if k == 0 else "continue"
        first = label(p.money_label if k == 0 else "", merge)
        pair_row(grid, [(name, amount.printed) for name, amount in chunk], first)


def form_r02(p: ProjectTable) -> tuple[Grid, dict[int, int]]:
    """湖北 (R02): 主管部门及代码, 项目属性 / 项目起止时间, amounts with their unit, 中期目标 | 年度目标, 长期 | 年度 columns."""
    grid = Grid(widths(PAGE_WIDTH, [9, 10, 11, 12, 10, 11, 12, 10]))
    grid.add(label("项目名称"), Cell(p.name, 7))
    pair_row(grid, [(p.department[0], p.department[1].printed), (p.unit[0], p.unit[1].printed)])
    for k in range(0, len(p.info), 2):
        pair_row(grid, p.info[k : k + 2])
    _money_rows(grid, p, 1)
    (mid_label, mid_text), = p.goal_more  # fmt: skip
    grid.add(label("总体目标", "restart"), label(mid_label, span=3), label(p.goals[0], span=4))
    annual = "\n".join(f"{i}、{g}" for i, g in enumerate(p.goals[1], 1))
    grid.add(label(merge="continue"), Cell(mid_text, 3, align="left"), Cell(annual, 4, align="left"))
    rows = indicator_block(grid, p.block_label, p.header, [1] * 7, p.indicators)
    return grid, rows


def form_t01(p: ProjectTable) -> tuple[Grid, dict[int, int]]:
    """湖南 (R05, T01): 指标内容 names the indicator; 长期目标 | 年度目标; a 长期绩效指标 block, then 年度绩效指标."""
    grid = Grid(widths(PAGE_WIDTH, p.widths or [13, 13, 15, 21, 13, 11]))
    grid.add(label(p.name_label), Cell(p.name, 5))
    pair_row(grid, [(p.department[0], p.department[1].printed), (p.unit[0], p.unit[1].printed)])
    for k in range(0, len(p.info), 2):
        pair_row(grid, p.info[k : k + 2])
    _money_rows(grid, p, p.money_per_row)
    grid.add(label(p.purpose[0]), Cell(p.purpose[1], 5, align="left"))
    (long_label, long_text), = p.goal_more  # fmt: skip
    grid.add(label("项目绩效目标", "restart"), label(long_label, span=2), label(p.goals[0], span=3))
    annual = "\n".join(f"{i}.{g}" for i, g in enumerate(p.goals[1], 1))
    grid.add(label(merge="continue"), Cell(long_text, 2, align="left"), Cell(annual, 3, align="left"))
    spans = [1] * len(p.header)
    indicator_block(grid, p.long_block[0], p.header, spans, p.long_block[1])
    rows = indicator_block(grid, p.block_label, p.header, spans, p.indicators)
    return grid, rows


def form_88(p: ProjectTable) -> tuple[Grid, dict[int, int]]:
    """财预〔2015〕88号 and its variants (R01, R03): identity pairs, the money block, one goal cell, the indicators."""
    n = len(p.header) + (1 if p.block_label else 0)
    grid = Grid(widths(PAGE_WIDTH, p.widths or [1] * n))
    info = list(p.info)
    if p.name_label == "二级项目名称":  # R03: 一级项目名称 | … | 二级项目名称 | …
        pair_row(grid, [info.pop(0), (p.name_label, p.name)])
    else:
        grid.add(label(p.name_label), Cell(p.name, n - 1))
    pairs = [(p.department[0], p.department[1].printed)] + ([(p.unit[0], p.unit[1].printed)] if p.unit else [])
    pair_row(grid, pairs)
    for k in range(0, len(info), 2):
        pair_row(grid, info[k : k + 2])
    if p.money_combined:
        amounts = [p.total] + [x for x in (p.fiscal, p.other) if x]
        spans = [(n - 1) // len(amounts) + (1 if k < (n - 1) % len(amounts) else 0) for k in range(len(amounts))]
        grid.add(label(p.money_label), *(Cell(f"{name}:{a.printed}", s) for (name, a), s in zip(amounts, spans, strict=True)))  # fmt: skip
    else:
        _money_rows(grid, p, p.money_per_row)
    if p.purpose:
        grid.add(label(p.purpose[0]), Cell(p.purpose[1], n - 1, align="left"))
    goals = "\n".join(f"{i}、{g}" for i, g in enumerate(p.goals[1], 1)) if len(p.goals[1]) > 1 else p.goals[1][0]
    grid.add(label(p.goals[0]), Cell(goals, n - 1, align="left"))
    spans = [1] * len(p.header)
    return grid, indicator_block(grid, p.block_label, p.header, spans, p.indicators)


FORMS = {"r02": form_r02, "t01": form_t01, "88": form_88}


# ---------------------------------------------------------------------------
# Expected JSON
# ---------------------------------------------------------------------------


def indicator_json(ind: Ind, seq: int, table: int, row: int, page_of: dict) -> dict:
    op, value, unit, _ = VALUES[ind.value]
    extra: dict[str, str] = {}
    weighted = _WEIGHT.match(ind.level1)
    if weighted:
        extra["一级指标"] = norm(ind.level1)
    description = basis = None
    for header, text in ind.more:
        if header in DESCRIPTION_HEADERS:
            description = norm(text) or None
        elif header in BASIS_HEADERS:
            basis = norm(text) or None
        elif norm(text):
            extra[norm(header)] = norm(text)
    return {
        "seq": seq,
        "level1": weighted.group("name") if weighted else norm(ind.level1),
        "level2": norm(ind.level2),
        "level3": norm(ind.name),
        "description": description,
        "value_raw": ind.value.strip(),
        "operator": op,
        "value": value,
        "unit": unit,
        "basis": basis,
        "source": {"page": page_of.get(("row", table, row)), "table": table, "row": row + 1},
        "extra": extra,
    }


def expected_json(
    report: TableReport, rel_path: str, fmt: str, data: bytes, pages: int | None = None, page_of: dict | None = None
) -> dict:
    sha = hashlib.sha256(data).hexdigest()
    page_of = page_of or {}
    goals: list[dict] = []
    measures: list[dict] = []
    dept_indicators: list[dict] = []
    tasks: list[dict] = []
    projects: list[dict] = []
    warnings: list[dict] = []
    unrecognised: list[dict] = []
    info = {"amount_unit": None, "budget_total": None, "budget_fiscal": None, "budget_other": None}
    org: Org | None = None
    table = 0
    for part in report.parts:
        if isinstance(part, Prose):
            goals += part.goals()
            measures += [{"seq": i, "title": norm(t), "text": norm(x)} for i, (t, x) in enumerate(part.measures, 1)]
            continue
        table += 1
        grid, rows = part.grid()
        if isinstance(part, DeptTable):
            org = part.org
            total, fiscal, other = (a.value for a in part.budget)
            info = {
                "amount_unit": part.amount_unit,
                "budget_total": total,
                "budget_fiscal": fiscal,
                "budget_other": other,
            }
            goals += [{"section": "年度总体目标", "seq": i, "text": norm(g)} for i, g in enumerate(part.goals, 1)]
            tasks += [
                {"seq": i, "name": norm(t.name), "content": norm(t.content), "budget_total": t.total.value,
                 "budget_fiscal": t.fiscal.value, "budget_other": t.other.value, "extra": {}}
                for i, t in enumerate(part.tasks, 1)
            ]  # fmt: skip
            dept_indicators += [
                indicator_json(ind, i, table, rows[i - 1], page_of) for i, ind in enumerate(part.indicators, 1)
            ]
        elif isinstance(part, ProjectTable):
            projects.append(part.expected(len(projects) + 1, table, rows, page_of))
            if part.mismatch:
                warnings.append(
                    {
                        "code": "budget_mismatch",
                        "message": f"项目“{part.name}”的财政拨款与其他资金之和不等于资金总额。",
                        "where": f"projects[{len(projects) - 1}]",
                    }
                )
        else:
            cells = txt_positions(grid) if fmt == "txt" else grid.positions()
            unrecognised.append(
                {
                    "table": table,
                    "page": page_of.get(("table", table)),
                    "title": part.expected_title,
                    "rows": [[norm(text) for text in row] for row in cells],
                }
            )
    layout = report_layout(report)
    if org is None:
        org = next((p.department[1] for p in report.parts if isinstance(p, ProjectTable)), None)
    if org is None:
        org = next((p.department for p in report.parts if isinstance(p, RawTable) and p.department), None)
    if layout is None:
        warnings.append(
            {
                "code": "unknown_layout",
                "message": f"{table}个表格都不属于已支持的版式，未读入。",
                "where": "report.layout",
            }
        )
    assert len(warnings) <= 1, warnings  # one at most, so no order between warnings is assumed
    return complete(
        {
            "schema_version": "1",
            "source": {"path": rel_path, "format": fmt, "sha256": sha, "pages": pages},
            "report": {
                "report_id": sha[:16],
                "department_code": org.code if org else None,
                "department_name": org.name if org else None,
                "fiscal_year": report.year,
                "layout": layout,
                **info,
            },
            "department_goals": goals,
            "measures": measures,
            "department_indicators": dept_indicators,
            "tasks": tasks,
            "projects": projects,
            "warnings": warnings,
            "unrecognised_tables": unrecognised,
        }
    )


def report_layout(report: TableReport) -> str | None:
    """The layout of most of the report's tables; a tie goes to the first table's (docs/layouts.md)."""
    layouts = [t.layout for t in report.tables() if t.layout is not None]
    if not layouts:
        return None
    most = max(layouts.count(name) for name in layouts)
    return next(name for name in layouts if layouts.count(name) == most)


def txt_positions(grid: Grid) -> list[list[str]]:
    """A grid as the text export shows it: no merges (a merged-down cell empty), rows padded to the widest."""
    rows = [["" if c.merge == "continue" else c.text for c in row] for row in grid.rows]
    width = max(len(row) for row in rows)
    return [row + [""] * (width - len(row)) for row in rows]


# ---------------------------------------------------------------------------
# Renders
# ---------------------------------------------------------------------------


def blocks(report: TableReport) -> list[Block]:
    out: list[Block] = []
    for part in report.parts:
        if isinstance(part, Prose):
            out += part.blocks()
        else:
            out += [*title_paras(part.title, part.new_page), part.grid()[0], Para("")]
    return out


def render_txt(report: TableReport) -> str:
    return txt_text(blocks(report))


def render_docx(report: TableReport) -> bytes:
    return docx_bytes(blocks(report), report.doc_title, report.year)


def pdf_pages(report: TableReport, pdf_path: Path) -> tuple[int, dict, list[str]]:
    """Page count; the page each table starts on and each indicator row is drawn on.

    Located in document order: a table's title, then its first row's widest cell, then
    the annual indicator block's header, then each indicator row by the first characters of its name (rows never split
    across pages: w:cantSplit); the row's value must be on that page too.
    """
    pdf = PdfText(pdf_path)
    problems: list[str] = []
    page_of: dict = {}
    cursor, table = 0, 0
    for part in report.parts:
        if isinstance(part, Prose):
            continue
        table += 1
        grid, rows = part.grid()
        hit = pdf.find(part.title[0], cursor)
        if hit < 0:
            problems.append(f"{pdf.name}: title of table {table} not found")
        else:
            cursor = hit
        widest = max(grid.rows[0], key=lambda c: c.span).text  # labels wrap in their narrow column
        hit = pdf.find("".join(widest.split())[:4], cursor)
        if hit < 0:
            problems.append(f"{pdf.name}: table {table} not found")
            continue
        page_of[("table", table)] = pdf.page_at[hit]
        cursor = hit
        inds = part.indicators if isinstance(part, (ProjectTable, DeptTable)) else []
        # past every indicator header row up to the annual block, so that goals and long-term rows are not taken
        headers = sum(any(c.text == "一级指标" for c in row) for row in grid.rows[: rows[0]]) if inds else 0
        for _ in range(headers):
            cursor = pdf.find("一级指标", cursor) + len("一级指标")
        for k, ind in enumerate(inds):
            key = "".join(ind.name.split())[:4]
            hit = pdf.find(key, cursor)
            if hit < 0:
                problems.append(f"{pdf.name}: table {table} row {rows[k] + 1}: {key!r} not found")
                continue
            page = pdf.page_at[hit]
            page_of[("row", table, rows[k])] = page
            cursor = hit + len(key)
            if not pdf.on_page("".join(ind.value.split())[:3], page):
                problems.append(f"{pdf.name}: table {table} row {rows[k] + 1}: value not on page {page}")
    return pdf.pages, page_of, problems
