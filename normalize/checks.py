"""The checks every layout's records get: each finding is a warning, never a correction."""

from __future__ import annotations

import re
from collections import Counter

from jixiao.normalize.records import Indicator, Report, ReportWarning

_OPPOSED_KINDS = ("效果指标", "满意度指标")
# Letters OCR reads for digits (O for 0, l/I for 1, Z for 2, S for 5) next to a digit: `9O%`, `1OO%`.
_DIGIT_LOOKALIKE = re.compile(r"\d[OoIlZS]|[OoIlZS]\d")
# Digits split by a space (`2 90%`): reports group thousands with commas, so the first is likely a misread sign.
_SPLIT_NUMBER = re.compile(r"\d[ \t\u3000]+\d")
_TOLERANCE = 0.005


def check_report(report: Report) -> None:
    warnings = report.warnings
    info = report.report
    _check_budget(info.budget_total, info.budget_fiscal, info.budget_other, "部门预算", "report", warnings)
    for index, task in enumerate(report.tasks):
        _check_budget(
            task.budget_total, task.budget_fiscal, task.budget_other, f"任务“{task.name}”", f"tasks[{index}]", warnings
        )
    task_totals = [task.budget_total for task in report.tasks]
    if info.budget_total is not None and task_totals and None not in task_totals:
        if abs(sum(task_totals) - info.budget_total) > _TOLERANCE:
            warnings.append(
                ReportWarning(
                    "tasks_total_mismatch",
                    f"年度主要任务的预算合计{sum(task_totals):g}不等于资金总额{info.budget_total:g}。",
                    "tasks",
                )
            )
    _check_indicators(report.department_indicators, "department_indicators", warnings)
    _check_project_codes([project.code for project in report.projects], warnings)
    for index, project in enumerate(report.projects):
        where = f"projects[{index}]"
        name = f"项目“{project.name or project.code or index + 1}”"
        _check_budget(project.budget_total, project.budget_fiscal, project.budget_other, name, where, warnings)
        _check_spending_plan([p.cumulative_pct for p in project.spending_plan], f"{where}.spending_plan", warnings)
        _check_indicators(project.indicators, f"{where}.indicators", warnings)


def _check_budget(total, fiscal, other, what: str, where: str, warnings: list[ReportWarning]) -> None:
    if total is None or fiscal is None:
        return
    if abs(fiscal + (other or 0.0) - total) > _TOLERANCE:
        warnings.append(
            ReportWarning(
                "budget_mismatch", f"{what}的财政资金{fiscal:g}加其他资金{other or 0:g}不等于资金总额{total:g}。", where
            )
        )


def _check_project_codes(codes: list[str | None], warnings: list[ReportWarning]) -> None:
    """A project code that breaks the pattern most of the report's codes share (`130-2001-JBN-8SDX`: the same
    segment lengths, digits where most have digits) — an OCR `O` for `0`, a code cut or joined."""
    segmented = {index: code.split("-") for index, code in enumerate(codes) if code}
    if len(segmented) < 3:
        return
    shapes = Counter(tuple(map(len, segments)) for segments in segmented.values())
    shape, count = shapes.most_common(1)[0]
    if count * 2 <= len(segmented):
        return
    usual = [segments for segments in segmented.values() if tuple(map(len, segments)) == shape]
    numeric = [i for i in range(len(shape)) if sum(segments[i].isdigit() for segments in usual) * 2 > len(usual)]
    for index, segments in segmented.items():
        if tuple(map(len, segments)) != shape or not all(segments[i].isdigit() for i in numeric):
            warnings.append(
                ReportWarning(
                    "project_code_pattern",
                    f"项目编码“{codes[index]}”与本报告其他项目编码的格式不同。",
                    f"projects[{index}].code",
                )
            )


def _check_spending_plan(pcts: list[float | None], where: str, warnings: list[ReportWarning]) -> None:
    known = [pct for pct in pcts if pct is not None]
    if any(later < earlier for earlier, later in zip(known, known[1:], strict=False)):
        warnings.append(ReportWarning("spending_plan_not_rising", "资金支出计划的累计比例出现下降。", where))
    if known and abs(known[-1] - 100.0) > 1e-6:
        warnings.append(
            ReportWarning("spending_plan_not_100", f"资金支出计划最终累计{known[-1]:g}%，未达到100%。", where)
        )


def _check_indicators(indicators: list[Indicator], where: str, warnings: list[ReportWarning]) -> None:
    for index, indicator in enumerate(indicators):
        raw = indicator.value_raw or ""
        page = f"（第{indicator.source.page}页）" if indicator.source.page else ""
        if indicator.value is None and _DIGIT_LOOKALIKE.search(raw):
            warnings.append(
                ReportWarning(
                    "value_lookalike",
                    f"指标“{indicator.level3}”{page}的指标值“{raw}”像数字却无法解析（字母可能是误读的数字），按原文保留。",
                    f"{where}[{index}]",
                )
            )
        if _SPLIT_NUMBER.search(raw):
            warnings.append(
                ReportWarning(
                    "value_digits_split",
                    f"指标“{indicator.level3}”{page}的指标值“{raw}”中数字被空格隔开，首位可能是误读的符号，按原文保留。",
                    f"{where}[{index}]",
                )
            )
        if indicator.unit == "%" and indicator.value is not None and indicator.value > 100:
            warnings.append(
                ReportWarning(
                    "implausible_value",
                    f"指标“{indicator.level3}”{page}的指标值“{indicator.value_raw}”超过100%，"
                    "可能是符号被误读为数字（如≥读作2），按原文保留。",
                    f"{where}[{index}]",
                )
            )
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
                    f"{where}[{index}]",
                )
            )


def _printed_operator(raw: str) -> str:
    """The operator as the cell prints it: the symbol or words before/after the number."""
    match = re.match(r"^\s*([^\d０-９.]+)", raw)
    if match and match.group(1).strip():
        return match.group(1).strip()
    match = re.search(r"(以内|以下|及以下|之内)\s*$", raw)
    return match.group(1) if match else raw
