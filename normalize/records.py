"""The canonical model, defined once: the contract JSON, its JSON Schema and the warehouse tables all come from here.

Field names follow docs/contract.md and never change; new fields are added.
The records are msgspec Structs: `Report.to_dict()` is the per-report JSON,
`Report.from_dict()` reads one back (tolerating fields a later version
added), `report_json_schema()` is what `schemas/report.schema.json` holds
(a test keeps the file equal to it), and `TABLE_COLUMNS` / `Report.to_rows()`
are the flat tables, derived from the same fields.
"""

from __future__ import annotations

import hashlib
import re
import types
import typing
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta, field

SCHEMA_VERSION = "1"

Seq = Annotated[int, Meta(ge=1)]
OptionalText = str | None
Amount = float | None
# printed label → printed text, for what a record holds that the contract has no field for
Extra = dict[str, str]


class _Record(msgspec.Struct):
    """Unknown fields are ignored on reading: the contract only ever adds fields."""


class Source(_Record):
    path: str
    format: Literal["txt", "docx", "doc", "pdf", "image"]
    sha256: Annotated[str, Meta(pattern="^[0-9a-f]{64}$")]
    pages: Annotated[int, Meta(ge=0)] | None = None


class ReportInfo(_Record):
    report_id: Annotated[str, Meta(pattern="^[0-9a-f]{16}$")]
    # the same report in any format (when the readers agree): see Report.content_digest
    content_id: Annotated[str, Meta(pattern="^[0-9a-f]{16}$")] | None = None
    department_code: OptionalText = None
    department_name: OptionalText = None
    fiscal_year: Annotated[int, Meta(ge=1949)] | None = None
    layout: OptionalText = None
    amount_unit: OptionalText = None
    budget_total: Amount = None
    budget_fiscal: Amount = None
    budget_other: Amount = None


class DepartmentGoal(_Record):
    section: str
    seq: Seq
    text: str


class Goal(_Record):
    seq: Seq
    text: str


class Measure(_Record):
    seq: Seq
    title: OptionalText
    text: OptionalText


class Task(_Record):
    seq: Seq
    name: OptionalText
    content: OptionalText
    budget_total: Amount = None
    budget_fiscal: Amount = None
    budget_other: Amount = None
    extra: Extra = field(default_factory=dict)


class SpendingPoint(_Record):
    period: str
    month: Annotated[int, Meta(ge=1, le=12)] | None
    cumulative_pct: float | None


class CellSource(_Record):
    page: Annotated[int, Meta(ge=1)] | None
    table: Annotated[int, Meta(ge=1)] | None
    row: Annotated[int, Meta(ge=1)] | None


class Indicator(_Record):
    seq: Seq
    level1: OptionalText
    level2: OptionalText
    level3: OptionalText
    description: OptionalText
    value_raw: OptionalText
    operator: Literal[">=", "<=", ">", "<", "="] | None
    value: float | None
    unit: OptionalText
    basis: OptionalText
    source: CellSource
    extra: Extra = field(default_factory=dict)


class Project(_Record):
    seq: Seq
    code: OptionalText = None
    name: OptionalText = None
    department: OptionalText = None
    implementing_unit: OptionalText = None
    amount_unit: OptionalText = None
    budget_total: Amount = None
    budget_fiscal: Amount = None
    budget_other: Amount = None
    purpose: OptionalText = None
    spending_plan: list[SpendingPoint] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    extra: Extra = field(default_factory=dict)


class ReportWarning(_Record):
    code: Annotated[str, Meta(pattern="^[a-z0-9_]+$")]
    message: str
    where: OptionalText = None


class UnrecognisedTable(_Record):
    """A table no layout could read, kept whole: one string per grid position, a merged cell repeated."""

    table: Seq
    page: Annotated[int, Meta(ge=1)] | None
    title: OptionalText
    rows: list[list[str]]


class Report(_Record, kw_only=True):
    """One converted report, as docs/contract.md defines it: what `jixiao.extract_file` returns.

    `projects` hold their budgets, spending plans, goals and indicators;
    department-level goals, measures, indicators and tasks sit beside them;
    `warnings` say what the reader could not place or check, and
    `unrecognised_tables` keep as cells the tables no layout read.
    `to_json()` is the file written to OUT/json; `from_dict`/`from_json` read
    one back, ignoring fields a later version added.
    """

    schema_version: Literal["1"] = SCHEMA_VERSION
    source: Source
    report: ReportInfo
    department_goals: list[DepartmentGoal] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    department_indicators: list[Indicator] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    warnings: list[ReportWarning] = field(default_factory=list)
    unrecognised_tables: list[UnrecognisedTable] = field(default_factory=list)

    @property
    def report_id(self) -> str:
        return self.report.report_id

    def to_dict(self) -> dict[str, Any]:
        """The contract JSON as Python objects."""
        return msgspec.to_builtins(self)

    def to_json(self) -> bytes:
        """The contract JSON as written to OUT/json: UTF-8, indented, keys in contract order."""
        return msgspec.json.format(msgspec.json.encode(self), indent=2) + b"\n"

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        """A report from its contract JSON; fields this version does not know are ignored."""
        return msgspec.convert(data, cls)

    @classmethod
    def from_json(cls, data: bytes | str) -> Report:
        """A report from the JSON text or bytes of OUT/json; fields this version does not know are ignored."""
        return msgspec.json.decode(data, type=cls)

    def content_digest(self) -> str:
        """16 hex digits of the canonical JSON without what depends on the file (docs/contract.md, content_id)."""
        data = self.to_dict()
        del data["source"]
        data["report"] = {k: v for k, v in data["report"].items() if k not in ("report_id", "content_id")}
        for indicator in _indicators(data):
            del indicator["source"]
        for table in data["unrecognised_tables"]:
            del table["page"]
        # msgspec: the bytes json.dumps(ensure_ascii=False, sort_keys=True, compact) gave, in a sixth of the time
        # (it was a quarter of the normaliser's); numbers as to_json writes them (0.00001, not 1e-05)
        return hashlib.sha256(msgspec.json.encode(data, order="sorted")).hexdigest()[:16]

    def to_frames(self):
        """The warehouse tables for this report as pandas DataFrames, typed as TABLE_COLUMNS says."""
        return {name: typed_frame(name, table_rows) for name, table_rows in self.to_rows().items()}

    def to_rows(self) -> dict[str, list[dict[str, Any]]]:
        """The warehouse tables' rows for this report, as plain dicts (cheap to gather over many reports)."""
        rid = self.report_id
        rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLE_COLUMNS}
        source = {f"source_{key}": value for key, value in _scalars(self.source).items()}
        rows["reports"].append({**_scalars(self.report), **source})
        for goal in self.department_goals:
            rows["goals"].append({"report_id": rid, "scope": "department", "project_seq": None, **_scalars(goal)})
        for measure in self.measures:
            rows["measures"].append({"report_id": rid, **_scalars(measure)})
        for task in self.tasks:
            rows["tasks"].append({"report_id": rid, **_scalars(task)})
        for indicator in self.department_indicators:
            rows["indicators"].append(_indicator_row(rid, "department", None, indicator))
        for project in self.projects:
            scalars = _scalars(project)
            rows["projects"].append({"report_id": rid, "project_seq": scalars.pop("seq"), **scalars})
            for seq, point in enumerate(project.spending_plan, 1):
                rows["spending_plan"].append(
                    {"report_id": rid, "project_seq": project.seq, "seq": seq, **_scalars(point)}
                )
            for goal in project.goals:
                rows["goals"].append(
                    {
                        "report_id": rid,
                        "scope": "project",
                        "project_seq": project.seq,
                        "section": None,
                        **_scalars(goal),
                    }
                )
            for indicator in project.indicators:
                rows["indicators"].append(_indicator_row(rid, "project", project.seq, indicator))
        for seq, warning in enumerate(self.warnings, 1):
            project_seq, indicator_seq = warning_keys(warning.where)
            rows["warnings"].append(
                {"report_id": rid, "seq": seq, **_scalars(warning), "project_seq": project_seq,
                 "indicator_seq": indicator_seq}
            )  # fmt: skip
        for table in self.unrecognised_tables:
            for row_number, cells in enumerate(table.rows, 1):
                for col_number, text in enumerate(cells, 1):
                    rows["unrecognised_cells"].append(
                        {"report_id": rid, "table": table.table, "page": table.page, "title": table.title,
                         "row": row_number, "col": col_number, "text": text}
                    )  # fmt: skip
        return rows


def _indicators(data: dict[str, Any]) -> list[dict[str, Any]]:
    return data["department_indicators"] + [i for p in data["projects"] for i in p["indicators"]]


def _scalars(record: msgspec.Struct) -> dict[str, Any]:
    """A record's fields that are not lists of records (no copies made)."""
    return {
        name: getattr(record, name)
        for name in record.__struct_fields__
        if not isinstance(getattr(record, name), list | msgspec.Struct)
    }


def _indicator_row(rid: str, scope: str, project_seq: int | None, indicator: Indicator) -> dict[str, Any]:
    scalars = _scalars(indicator)
    extra = scalars.pop("extra")
    source = indicator.source
    return {
        "report_id": rid,
        "scope": scope,
        "project_seq": project_seq,
        **scalars,
        "page": source.page,
        "table": source.table,
        "row": source.row,
        "extra": extra,
    }


_WHERE = re.compile(r"^(?:projects\[(?P<project>\d+)\])?\.?(?:(?:department_)?indicators\[(?P<indicator>\d+)\])?")


def warning_keys(where: str | None) -> tuple[int | None, int | None]:
    """(project_seq, indicator seq) a warning's `where` points at; `where` indexes lists from 0, seqs count from 1."""
    match = _WHERE.match(where or "")
    project, indicator = match.group("project"), match.group("indicator")
    return (int(project) + 1 if project else None, int(indicator) + 1 if indicator else None)


# --- the flat tables, derived from the records ------------------------------

STRING, INT, FLOAT, MAP = "string", "Int64", "Float64", "map"  # pandas dtypes; MAP is Extra


def _column_type(annotation: Any) -> str:
    kinds = {a for a in _leaves(annotation) if a is not type(None)}
    if kinds <= {str} or all(isinstance(a, str) for a in kinds):  # str, or a Literal of strings
        return STRING
    if kinds == {int}:
        return INT
    if kinds == {float}:
        return FLOAT
    if kinds == {dict}:
        return MAP
    raise TypeError(f"no table column type for {annotation!r}")


def _leaves(annotation: Any):
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        yield from _leaves(typing.get_args(annotation)[0])
    elif origin is Literal:
        yield from typing.get_args(annotation)
    elif origin is dict:
        yield dict
    elif origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            yield from _leaves(arg)
    else:
        yield annotation


def _record_columns(record: type[msgspec.Struct], prefix: str = "", skip: tuple[str, ...] = ()) -> dict[str, str]:
    hints = typing.get_type_hints(record, include_extras=True)
    columns = {}
    for name in record.__struct_fields__:
        origin = typing.get_origin(hints[name])
        if (
            name in skip
            or origin is list
            or (isinstance(hints[name], type) and issubclass(hints[name], msgspec.Struct))
        ):
            continue
        columns[prefix + name] = _column_type(hints[name])
    return columns


_RID = {"report_id": STRING}
TABLE_COLUMNS: dict[str, dict[str, str]] = {
    "reports": {**_record_columns(ReportInfo), **_record_columns(Source, prefix="source_")},
    "projects": {**_RID, "project_seq": INT, **_record_columns(Project, skip=("seq",))},
    "spending_plan": {**_RID, "project_seq": INT, "seq": INT, **_record_columns(SpendingPoint)},
    "goals": {**_RID, "scope": STRING, "project_seq": INT, **_record_columns(DepartmentGoal)},
    "measures": {**_RID, **_record_columns(Measure)},
    "tasks": {**_RID, **_record_columns(Task)},
    "indicators": {
        **_RID, "scope": STRING, "project_seq": INT, **_record_columns(Indicator, skip=("extra",)),
        **_record_columns(CellSource), "extra": MAP,
    },
    "warnings": {**_RID, "seq": INT, **_record_columns(ReportWarning), "project_seq": INT, "indicator_seq": INT},
    "unrecognised_cells": {
        **_RID, **_record_columns(UnrecognisedTable), "row": INT, "col": INT, "text": STRING
    },
}  # fmt: skip


def typed_frame(name: str, rows: list[dict[str, Any]]):
    """A pandas DataFrame of one table's rows with the table's column types (an Extra column stays dicts)."""
    import pandas as pd  # only the tables need pandas: the readers do not

    columns = TABLE_COLUMNS[name]
    frame = pd.DataFrame(rows, columns=list(columns))
    return frame.astype({column: kind for column, kind in columns.items() if kind != MAP})


def report_json_schema() -> dict[str, Any]:
    """The JSON Schema of one report's JSON, from the records (schemas/report.schema.json holds it)."""
    schema = msgspec.json.schema(Report)
    for definition in schema["$defs"].values():
        definition["required"] = list(definition["properties"])  # every field is always written
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://jixiao.local/schemas/report.schema.json",
        "title": "jixiao report (output contract v1)",
        "description": "One JSON document per input file; see docs/contract.md. Fields may be added, never renamed.",
        **schema,
    }
