"""Document model → canonical report, whatever format the document came from.

Every table is judged on its own: each layout scores its labels and the best
reads it; a table none claims is kept whole in `unrecognised_tables`. The
report's prose, identity, year and checks are the same for every layout.
"""

from __future__ import annotations

from collections import Counter

from jixiao.extract.model import Document, Table
from jixiao.normalize.checks import check_report
from jixiao.normalize.labels import match, split_code
from jixiao.normalize.layouts import LAYOUTS
from jixiao.normalize.layouts.signature import signature
from jixiao.normalize.prose import fiscal_year, read_prose, title_before, units_before_tables
from jixiao.normalize.records import Report, ReportInfo, ReportWarning, Source, UnrecognisedTable
from jixiao.normalize.rows import Reading
from jixiao.normalize.text import clean

from jixiao.errors import NotAReport

__all__ = ["NotAReport", "normalize"]


def normalize(document: Document, source: Source) -> Report:
    if not document.tables:
        raise NotAReport("no table in it: not a performance-goal report")
    report = Report(source=source, report=ReportInfo(report_id=source.sha256[:16]))
    report.warnings.extend(ReportWarning(code, message) for code, message in document.notes)
    read_prose(document, report)
    units = units_before_tables(document)
    departments: list[str] = []
    read_by: list[str] = []
    for table in document.tables:
        layout = _judge(table, report)
        if layout is None:
            report.unrecognised_tables.append(_unrecognised(document, table))
            departments.extend(_printed_departments(table))
            continue
        reading = Reading(report, table, units.get(table.index))
        layout.read(reading)
        departments.extend(reading.departments)
        read_by.append(layout.NAME)
    info = report.report
    if read_by:
        counts = Counter(read_by)
        info.layout = max(counts, key=lambda name: (counts[name], name == read_by[0]))
    else:
        report.warnings.append(
            ReportWarning(
                "unknown_layout", f"{len(document.tables)}个表格都不属于已支持的版式，未读入。", "report.layout"
            )
        )
    if info.department_name is None and departments:
        info.department_code, info.department_name = split_code(departments[0])
    info.fiscal_year = fiscal_year(document)
    check_report(report)
    info.content_id = report.content_digest()
    return report


def _judge(table: Table, report: Report):
    features = signature(table)
    scored = [(layout.score(features), position, layout) for position, layout in enumerate(LAYOUTS)]
    best = max(score for score, _, _ in scored)
    if best <= 0:
        return None
    tied = [layout for score, _, layout in scored if score == best]
    if len(tied) > 1:
        report.warnings.append(
            ReportWarning(
                "ambiguous_layout",
                f"第{table.index}个表格同样符合{'、'.join(layout.NAME for layout in tied)}版式，按{tied[0].NAME}读入。",
                None,
            )
        )
    return tied[0]


def _unrecognised(document: Document, table: Table) -> UnrecognisedTable:
    """The table as a grid of strings: a merged cell repeated over every position it covers."""
    width = max([table.n_cols] + [cell.col + cell.colspan for cell in table.cells])
    height = max([table.n_rows] + [cell.row + cell.rowspan for cell in table.cells])
    rows = [[""] * width for _ in range(height)]
    for cell in table.cells:
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                rows[r][c] = clean(cell.text)
    pages = [cell.page for cell in table.cells if cell.page is not None]
    return UnrecognisedTable(
        table=table.index, page=min(pages) if pages else None, title=title_before(document, table), rows=rows
    )


def _printed_departments(table: Table) -> list[str]:
    """The cells after a 主管部门 label: whose report an unread table is."""
    found = []
    for row in table.rows():
        for label, value in zip(row, row[1:], strict=False):
            named = match(label.text, "project", fuzzy=False)
            if named and named.field == "project.department" and clean(value.text):
                found.append(clean(value.text))
    return found
