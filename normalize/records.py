"""The canonical model: one report as records, as contract JSON, as dataframes.

Field names follow ../shared/CONTRACT.md and never change; `to_dict` is the
per-report JSON, `to_frames` the warehouse tables.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

import pandas as pd

SCHEMA_VERSION = "1"


@dataclass
class Source:
    path: str
    format: str
    sha256: str
    pages: int | None = None


@dataclass
class ReportInfo:
    report_id: str
    department_code: str | None = None
    department_name: str | None = None
    fiscal_year: int | None = None
    layout: str | None = None
    amount_unit: str | None = None
    budget_total: float | None = None
    budget_fiscal: float | None = None
    budget_other: float | None = None


@dataclass
class DepartmentGoal:
    section: str
    seq: int
    text: str


@dataclass
class Goal:
    seq: int
    text: str


@dataclass
class Measure:
    seq: int
    title: str | None
    text: str | None


@dataclass
class Task:
    seq: int
    name: str | None
    content: str | None
    budget_total: float | None = None
    budget_fiscal: float | None = None
    budget_other: float | None = None


@dataclass
class SpendingPoint:
    period: str
    month: int | None
    cumulative_pct: float | None


@dataclass
class CellSource:
    page: int | None
    table: int | None
    row: int | None


@dataclass
class Indicator:
    seq: int
    level1: str | None
    level2: str | None
    level3: str | None
    description: str | None
    value_raw: str | None
    operator: str | None
    value: float | None
    unit: str | None
    basis: str | None
    source: CellSource


@dataclass
class Project:
    seq: int
    code: str | None = None
    name: str | None = None
    department: str | None = None
    implementing_unit: str | None = None
    amount_unit: str | None = None
    budget_total: float | None = None
    budget_fiscal: float | None = None
    budget_other: float | None = None
    purpose: str | None = None
    spending_plan: list[SpendingPoint] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)


@dataclass
class ReportWarning:
    code: str
    message: str
    where: str | None = None


@dataclass
class Report:
    source: Source
    report: ReportInfo
    department_goals: list[DepartmentGoal] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    department_indicators: list[Indicator] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    warnings: list[ReportWarning] = field(default_factory=list)

    @property
    def report_id(self) -> str:
        return self.report.report_id

    def to_dict(self) -> dict[str, Any]:
        return {"schema_version": SCHEMA_VERSION, **asdict(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        def indicator(d: dict) -> Indicator:
            return Indicator(**{**d, "source": CellSource(**d["source"])})

        return cls(
            source=Source(**data["source"]),
            report=ReportInfo(**data["report"]),
            department_goals=[DepartmentGoal(**d) for d in data["department_goals"]],
            measures=[Measure(**d) for d in data["measures"]],
            department_indicators=[indicator(d) for d in data["department_indicators"]],
            tasks=[Task(**d) for d in data["tasks"]],
            projects=[
                Project(
                    **{
                        **p,
                        "spending_plan": [SpendingPoint(**s) for s in p["spending_plan"]],
                        "goals": [Goal(**g) for g in p["goals"]],
                        "indicators": [indicator(i) for i in p["indicators"]],
                    }
                )
                for p in data["projects"]
            ],
            warnings=[ReportWarning(**w) for w in data["warnings"]],
        )

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """The warehouse tables for this report, typed as TABLE_COLUMNS says."""
        rid = self.report_id
        rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLE_COLUMNS}
        rows["reports"].append(
            {
                "report_id": rid,
                **{k: v for k, v in asdict(self.report).items() if k != "report_id"},
                "source_path": self.source.path,
                "source_format": self.source.format,
                "source_sha256": self.source.sha256,
                "source_pages": self.source.pages,
            }
        )
        for goal in self.department_goals:
            rows["goals"].append({"report_id": rid, "scope": "department", "project_seq": None, **asdict(goal)})
        for measure in self.measures:
            rows["measures"].append({"report_id": rid, **asdict(measure)})
        for task in self.tasks:
            rows["tasks"].append({"report_id": rid, **asdict(task)})
        for indicator in self.department_indicators:
            rows["indicators"].append(_indicator_row(rid, "department", None, indicator))
        for project in self.projects:
            scalars = {f.name: getattr(project, f.name) for f in fields(project)}
            for nested in ("spending_plan", "goals", "indicators"):
                scalars.pop(nested)
            rows["projects"].append({"report_id": rid, "project_seq": scalars.pop("seq"), **scalars})
            for seq, point in enumerate(project.spending_plan, 1):
                rows["spending_plan"].append(
                    {"report_id": rid, "project_seq": project.seq, "seq": seq, **asdict(point)}
                )
            for goal in project.goals:
                rows["goals"].append(
                    {"report_id": rid, "scope": "project", "project_seq": project.seq, "section": None, **asdict(goal)}
                )
            for indicator in project.indicators:
                rows["indicators"].append(_indicator_row(rid, "project", project.seq, indicator))
        for seq, warning in enumerate(self.warnings, 1):
            rows["warnings"].append({"report_id": rid, "seq": seq, **asdict(warning)})
        return {name: typed_frame(name, table_rows) for name, table_rows in rows.items()}


def _indicator_row(rid: str, scope: str, project_seq: int | None, indicator: Indicator) -> dict[str, Any]:
    row = asdict(indicator)
    source = row.pop("source")
    return {
        "report_id": rid,
        "scope": scope,
        "project_seq": project_seq,
        **row,
        "page": source["page"],
        "table": source["table"],
        "row": source["row"],
    }


_S, _I, _F = "string", "Int64", "Float64"
TABLE_COLUMNS: dict[str, dict[str, str]] = {
    "reports": {
        "report_id": _S, "department_code": _S, "department_name": _S, "fiscal_year": _I, "layout": _S,
        "amount_unit": _S, "budget_total": _F, "budget_fiscal": _F, "budget_other": _F,
        "source_path": _S, "source_format": _S, "source_sha256": _S, "source_pages": _I,
    },
    "projects": {
        "report_id": _S, "project_seq": _I, "code": _S, "name": _S, "department": _S, "implementing_unit": _S,
        "amount_unit": _S, "budget_total": _F, "budget_fiscal": _F, "budget_other": _F, "purpose": _S,
    },
    "spending_plan": {
        "report_id": _S, "project_seq": _I, "seq": _I, "period": _S, "month": _I, "cumulative_pct": _F,
    },
    "goals": {"report_id": _S, "scope": _S, "project_seq": _I, "section": _S, "seq": _I, "text": _S},
    "measures": {"report_id": _S, "seq": _I, "title": _S, "text": _S},
    "tasks": {
        "report_id": _S, "seq": _I, "name": _S, "content": _S,
        "budget_total": _F, "budget_fiscal": _F, "budget_other": _F,
    },
    "indicators": {
        "report_id": _S, "scope": _S, "project_seq": _I, "seq": _I, "level1": _S, "level2": _S, "level3": _S,
        "description": _S, "value_raw": _S, "operator": _S, "value": _F, "unit": _S, "basis": _S,
        "page": _I, "table": _I, "row": _I,
    },
    "warnings": {"report_id": _S, "seq": _I, "code": _S, "message": _S, "where": _S},
}  # fmt: skip


def typed_frame(name: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    columns = TABLE_COLUMNS[name]
    frame = pd.DataFrame(rows, columns=list(columns))
    return frame.astype(columns)
