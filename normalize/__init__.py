"""Document model → canonical report, whatever format the document came from."""

from __future__ import annotations

from jixiao.extract.model import Document
from jixiao.normalize.layouts import LAYOUTS
from jixiao.normalize.records import Report, ReportInfo, ReportWarning, Source


class NotAReport(Exception):
    """A readable document that holds nothing of a performance-goal report."""


def normalize(document: Document, source: Source) -> Report:
    report = Report(source=source, report=ReportInfo(report_id=source.sha256[:16]))
    report.warnings.extend(ReportWarning(code, message) for code, message in document.notes)
    layout = next((module for module in LAYOUTS if module.detect(document)), None)
    if layout is None:
        if not document.tables:
            raise NotAReport("no table in it: not a performance-goal report")
        report.warnings.append(
            ReportWarning("unknown_layout", f"{len(document.tables)}个表格都不属于已支持的版式，未读入。")
        )
    else:
        layout.normalize(document, report)
    report.report.content_id = report.content_digest()
    return report
