"""The `hebei` family (the seed's): Part 1 prose, then one project table each, as Word writes it.

Specs in ``tools/sample_specs.py``. The text export mimics the seed
``000_2a14905d4782611b.txt`` line for line (TAB cells, one blank line between
rows, empty TAB lines for cells merged downward, TC field codes after
headings, goals that run on in one line, a trailing page number); the .docx
has the same content with real merges and TC entries as hidden fields.

Warnings in the expected JSON: ``suspicious_operator`` messages follow the
seed's truth file exactly; the messages of ``budget_mismatch``,
``spending_plan_not_rising`` and ``spending_plan_not_100`` are this
generator's own wording (tests compare only their ``code`` and ``where``).
Warnings are listed per project in this order: budget_mismatch,
spending_plan_not_rising, spending_plan_not_100, then suspicious_operator per
indicator.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from contract import complete
from sample_render import CENTER, Cell, Grid, Para, PdfText, docx_bytes, norm, txt_cells
from sample_specs import PERIOD_MONTH, VALUES, Indicator, Project, Report

NAME = "hebei"

CN_NUM = "零一二三四五六七八九十"


def cn(n: int) -> str:
    if n <= 10:
        return CN_NUM[n]
    if n < 20:
        return "十" + CN_NUM[n - 10]
    return CN_NUM[n // 10] + "十" + (CN_NUM[n % 10] if n % 10 else "")


# ---------------------------------------------------------------------------
# Layout shared by txt and docx
# ---------------------------------------------------------------------------

# separators between goals that run on in one line (as in the seed: big runs of
# spaces, sometimes none at all)
_RUN_ON = [" " * 28, " " * 6, "", " " * 32]


def goal_prefix(style: str, n: int) -> str:
    if style == "arabic":
        return f"目标{n}："
    if style == "cn":
        return f"目标{cn(n)}："
    if style == "paren":
        return f"（{cn(n)}）"
    if style == "dun":
        return f"{n}、"
    raise ValueError(style)


def goal_lines(report: Report, goals: list[str], layout: list[int], style: str, indent_after_first: bool) -> list[str]:
    assert sum(layout) == len(goals), (layout, len(goals))
    lines = []
    k = 0
    for li, size in enumerate(layout):
        parts = [goal_prefix(style, k + j + 1) + goals[k + j] for j in range(size)]
        line = ""
        for j, part in enumerate(parts):
            if j:
                line += _RUN_ON[(li + j + len(report.name)) % len(_RUN_ON)]
            line += part
        if indent_after_first and li:
            line = "    " + line
        lines.append(line)
        k += size
    lines[-1] += "  "
    return lines


def measure_title(report: Report, n: int, title: str) -> str:
    return (f"（{cn(n)}）" if report.measure_num == "paren" else f"{cn(n)}、") + title


def measure_style(i: int, last: bool) -> str:
    if last:
        return "blank"
    return ["blank", "blank", "indent", "indent_tight"][i % 4]


def dept_heading(n: int, title: str) -> str:
    return f"{cn(n)}、{title} TC {title} \\f A \\l 1 "


def project_heading(n: int, name: str) -> tuple[str, str]:
    visible = f"{n}、{name}绩效目标表"
    return visible, f"{visible} TC {visible} \\f C \\l 1 "


HEADER = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]


def indicator_cells(project: Project, merge_level2: bool) -> list[tuple[list[str], bool, bool]]:
    """Per indicator row: (6 cell texts with merged ones empty, level1 continued, level2 continued)."""
    rows = []
    prev: Indicator | None = None
    for item in project.indicators:
        l1_cont = prev is not None and prev.level1 == item.level1
        l2_cont = merge_level2 and l1_cont and prev is not None and prev.level2 == item.level2
        cells = [
            "" if l1_cont else item.level1,
            "" if l2_cont else item.level2,
            item.level3,
            item.description,
            item.value_raw,
            item.basis,
        ]
        rows.append((cells, l1_cont, l2_cont))
        prev = item
    return rows


# ---------------------------------------------------------------------------
# Word text export
# ---------------------------------------------------------------------------


def render_txt(report: Report) -> str:
    out: list[str] = [" 第一部分", "部门整体绩效目标", dept_heading(1, "总体绩效目标"), report.intro, ""]
    for line in goal_lines(report, report.overall_goals, report.overall_layout, report.goal_style, False):
        out += [line, ""]
    out.append(dept_heading(2, "分项绩效目标"))
    for line in goal_lines(report, report.sub_goals, report.sub_layout, "dun", True):
        out += [line, ""]
    out.append(dept_heading(3, "工作保障措施"))
    for i, (title, text) in enumerate(report.measures):
        last = i == len(report.measures) - 1
        style = measure_style(i, last)
        if i == 0 and report.name.startswith("jiaoyu"):
            text = text + "\u00a0 "  # as the seed: a no-break space and a space end the paragraph
        out.append(measure_title(report, i + 1, title))
        if style == "blank":
            out += ["", text, ""]
        elif style == "indent":
            out += ["    " + text, ""]
        else:  # indent_tight: the next title follows without a blank line
            out += ["    " + text]
    out += ["", "第二部分", "预算项目绩效目标"]

    def row(cells: list[str]) -> None:
        out.extend(txt_cells(cells))

    for pi, p in enumerate(report.projects):
        _, heading = project_heading(pi + 1, p.name)
        out.append(heading)
        row([report.dept_code + report.dept_name, "单位：万元"])
        row(["项目编码", p.code, "项目名称", p.name])
        row(
            [
                "预算规模及资金用途",
                "预算数",
                p.total.printed,
                "其中：财政资金",
                p.fiscal.printed,
                "其他资金",
                p.other.printed,
            ]
        )
        row(["", p.purpose])
        row(["资金支出计划（%）", *p.periods])
        row(["", *p.pcts])
        row(["绩效目标", "\n".join(f"{i + 1}、{g}" for i, g in enumerate(p.goals))])
        out.append("")
        row(HEADER)
        for cells, _, _ in indicator_cells(p, report.merge_level2):
            row(cells)
        out.append("")
    out += ["1", ""]
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------
# Expected canonical JSON (from the spec)
# ---------------------------------------------------------------------------


def _num(printed_value: float | None) -> float | None:
    return None if printed_value is None else float(printed_value)


def warnings_for(report: Report) -> list[dict]:
    warnings = []
    for pi, p in enumerate(report.projects):
        total, fiscal, other = p.total.value, p.fiscal.value, p.other.value
        if total is not None and fiscal is not None and round(fiscal + (other or 0.0) - total, 6) != 0:
            warnings.append(
                {
                    "code": "budget_mismatch",
                    "message": f"项目“{p.name}”的财政资金（{p.fiscal.printed}）与其他资金（{p.other.printed or '空'}）之和不等于预算数（{p.total.printed}）。",
                    "where": f"projects[{pi}]",
                }
            )
        pcts = [float(x) for x in p.pcts]
        if any(b < a for a, b in zip(pcts, pcts[1:], strict=False)):
            warnings.append(
                {
                    "code": "spending_plan_not_rising",
                    "message": f"项目“{p.name}”的资金支出计划累计比例出现下降：{'、'.join(p.pcts)}。",
                    "where": f"projects[{pi}].spending_plan",
                }
            )
        if pcts and pcts[-1] != 100.0:
            warnings.append(
                {
                    "code": "spending_plan_not_100",
                    "message": f"项目“{p.name}”的资金支出计划最后一期为{p.pcts[-1]}%，未达到100%。",
                    "where": f"projects[{pi}].spending_plan",
                }
            )
        for j, item in enumerate(p.indicators):
            op, _, _, printed = VALUES[item.value_raw]
            kind = item.level1 in ("效果指标", "满意度指标") or "满意度" in item.level2 or "满意度" in item.level3
            if kind and op in ("<", "<="):
                warnings.append(
                    {
                        "code": "suspicious_operator",
                        "message": f"{item.level1}“{item.level3}”的指标值为“{item.value_raw}”：“{printed}”与此类指标应达到的方向相反，按原文保留。",
                        "where": f"projects[{pi}].indicators[{j}]",
                    }
                )
    return warnings


def expected_json(
    report: Report,
    rel_path: str,
    fmt: str,
    data: bytes,
    pages: int | None = None,
    page_of: dict[tuple[int, int], int | None] | None = None,
) -> dict:
    sha = hashlib.sha256(data).hexdigest()
    goals = [{"section": "总体绩效目标", "seq": i + 1, "text": norm(g)} for i, g in enumerate(report.overall_goals)]
    goals += [{"section": "分项绩效目标", "seq": i + 1, "text": norm(g)} for i, g in enumerate(report.sub_goals)]
    projects = []
    for pi, p in enumerate(report.projects):
        indicators = []
        for j, item in enumerate(p.indicators):
            op, value, unit, _ = VALUES[item.value_raw]
            indicators.append(
                {
                    "seq": j + 1,
                    "level1": item.level1,
                    "level2": item.level2,
                    "level3": norm(item.level3),
                    "description": norm(item.description),
                    "value_raw": item.value_raw.strip(),
                    "operator": op,
                    "value": value,
                    "unit": unit,
                    "basis": norm(item.basis),
                    "source": {"page": (page_of or {}).get((pi, j)), "table": pi + 1, "row": 9 + j},
                }
            )
        projects.append(
            {
                "seq": pi + 1,
                "code": p.code,
                "name": norm(p.name),
                "department": None,
                "implementing_unit": None,
                "amount_unit": "万元",
                "budget_total": _num(p.total.value),
                "budget_fiscal": _num(p.fiscal.value),
                "budget_other": _num(p.other.value),
                "purpose": norm(p.purpose),
                "spending_plan": [
                    {"period": period, "month": PERIOD_MONTH[period], "cumulative_pct": float(pct)}
                    for period, pct in zip(p.periods, p.pcts, strict=True)
                ],
                "goals": [{"seq": i + 1, "text": norm(g)} for i, g in enumerate(p.goals)],
                "indicators": indicators,
            }
        )
    return complete(
        {
            "schema_version": "1",
            "source": {"path": rel_path, "format": fmt, "sha256": sha, "pages": pages},
            "report": {
                "report_id": sha[:16],
                "department_code": report.dept_code,
                "department_name": report.dept_name,
                "fiscal_year": report.year,
                "layout": NAME,
                "amount_unit": None,
                "budget_total": None,
                "budget_fiscal": None,
                "budget_other": None,
            },
            "department_goals": goals,
            "measures": [{"seq": i + 1, "title": norm(t), "text": norm(x)} for i, (t, x) in enumerate(report.measures)],
            "department_indicators": [],
            "tasks": [],
            "projects": projects,
            "warnings": warnings_for(report),
        }
    )


# ---------------------------------------------------------------------------
# .docx
# ---------------------------------------------------------------------------

GRID_FIRST = 1106
GRID_COL = 600  # 12 data columns


def project_grid(report: Report, p: Project) -> Grid:
    """One project table on a 13-column grid (1 label column + 12 data columns)."""
    grid = Grid([GRID_FIRST] + [GRID_COL] * 12)
    bold = {"bold": True}
    grid.add(Cell(report.dept_code + report.dept_name, 8, align="left"), Cell("单位：万元", 5, align="right"))
    grid.add(Cell("项目编码", **bold), Cell(p.code, 4), Cell("项目名称", 2, **bold), Cell(p.name, 6))
    grid.add(
        Cell("预算规模及资金用途", merge="restart", **bold),
        Cell("预算数", 2),
        Cell(p.total.printed, 2),
        Cell("其中：财政资金", 2),
        Cell(p.fiscal.printed, 2),
        Cell("其他资金", 2),
        Cell(p.other.printed, 2),
    )
    grid.add(Cell(merge="continue", **bold), Cell(p.purpose, 12, align="both"))
    n = len(p.periods)
    assert 12 % n == 0, p.periods
    grid.add(Cell("资金支出计划（%）", merge="restart", **bold), *(Cell(x, 12 // n) for x in p.periods))
    grid.add(Cell(merge="continue", **bold), *(Cell(x, 12 // n) for x in p.pcts))
    grid.add(
        Cell("绩效目标", **bold), Cell("\n".join(f"{i + 1}、{g}" for i, g in enumerate(p.goals)), 12, align="left")
    )
    spans = [1, 2, 2, 3, 2, 3]
    grid.add(*(Cell(h, s, **bold) for h, s in zip(HEADER, spans, strict=True)))
    cells = indicator_cells(p, report.merge_level2)
    for k, (texts, l1_cont, l2_cont) in enumerate(cells):
        nxt = cells[k + 1] if k + 1 < len(cells) else None
        l1 = "continue" if l1_cont else ("restart" if nxt and nxt[1] else None)
        l2 = "continue" if l2_cont else ("restart" if nxt and nxt[2] else None)
        merges = [l1, l2, None, None, None, None]
        aligns = [CENTER, CENTER, CENTER, "left", CENTER, "left"]
        grid.add(*(Cell(t, s, m, False, a) for t, s, m, a in zip(texts, spans, merges, aligns, strict=True)))
    return grid


def render_docx(report: Report) -> bytes:
    def title(text: str, size: int = 32, **kw) -> Para:
        return Para(text, bold=True, size=size, font="黑体", **kw)

    blocks: list = [title("第一部分", align="center"), title("部门整体绩效目标", align="center")]
    blocks.append(title("一、总体绩效目标", 28, tc="总体绩效目标"))
    blocks.append(Para(report.intro))
    for line in goal_lines(report, report.overall_goals, report.overall_layout, report.goal_style, False):
        blocks.append(Para(line.rstrip()))
    blocks.append(title("二、分项绩效目标", 28, tc="分项绩效目标"))
    for line in goal_lines(report, report.sub_goals, report.sub_layout, "dun", True):
        blocks.append(Para(line.rstrip()))
    blocks.append(title("三、工作保障措施", 28, tc="工作保障措施"))
    for i, (heading, text) in enumerate(report.measures):
        blocks += [Para(measure_title(report, i + 1, heading), bold=True), Para(text)]
    blocks += [Para(""), title("第二部分", align="center"), title("预算项目绩效目标", align="center")]
    for pi, p in enumerate(report.projects):
        visible, _ = project_heading(pi + 1, p.name)
        blocks += [title(visible, 28, tc=visible), project_grid(report, p), Para("")]
    return docx_bytes(blocks, f"{report.dept_name}{report.year}年部门预算绩效目标", report.year)


# ---------------------------------------------------------------------------
# .pdf
# ---------------------------------------------------------------------------


def pdf_pages(report: Report, pdf_path: Path) -> tuple[int, dict[tuple[int, int], int | None], list[str]]:
    """Page count, and the 1-based page each indicator row starts on.

    Each row's description is located in document order: first the project's
    heading, then, for each indicator in turn, the first characters of its
    description after the previous hit.  Rows never split across pages
    (w:cantSplit), so the description's first line is on the row's page.
    """
    pdf = PdfText(pdf_path)
    problems = []
    page_of: dict[tuple[int, int], int | None] = {}
    cursor = pdf.find("第二部分", 0)
    for pi, p in enumerate(report.projects):
        visible, _ = project_heading(pi + 1, p.name)
        hit = pdf.find(visible, cursor)
        if hit < 0:
            problems.append(f"{pdf.name}: heading of table {pi + 1} not found")
        else:
            cursor = hit + len("".join(visible.split()))
        hit = pdf.find("指标值确定依据", cursor)
        if hit >= 0:
            cursor = hit
        for j, item in enumerate(p.indicators):
            key = "".join(item.description.split())[:6]
            hit = pdf.find(key, cursor)
            if hit < 0:
                page_of[(pi, j)] = None
                problems.append(f"{pdf.name}: table {pi + 1} row {9 + j}: description not found")
                continue
            page = pdf.page_at[hit]
            page_of[(pi, j)] = page
            cursor = hit + len(key)
            # sanity: the row's value and the start of its level3 are on that page too
            for probe in ("".join(item.value_raw.split())[:3], "".join(item.level3.split())[:4]):
                if not pdf.on_page(probe, page):
                    problems.append(f"{pdf.name}: table {pi + 1} row {9 + j}: {probe!r} not on page {page}")
    return pdf.pages, page_of, problems
