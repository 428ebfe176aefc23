"""The domain checks (normalize/checks.py): each finding a warning naming where, never a correction."""

from __future__ import annotations

import msgspec
from jixiao.normalize.checks import check_report

from jixiao.pipeline import extract_file
from tests.conftest import SEED_TXT


def codes_warned(codes: list[str]) -> list[str]:
    report = extract_file(SEED_TXT)
    projects = [
        msgspec.structs.replace(project, code=code) for project, code in zip(report.projects, codes, strict=False)
    ]
    report = msgspec.structs.replace(report, projects=projects, warnings=[])
    check_report(report)
    return [w.where for w in report.warnings if w.code == "project_code_pattern"]


def test_a_project_code_that_breaks_the_reports_pattern_is_warned_and_kept():
    seed_codes = [project.code for project in extract_file(SEED_TXT).projects]
    assert codes_warned(seed_codes) == []  # the seed's codes (130-2001-JBN-8SDX…) share one pattern
    ocr_o = seed_codes.copy()
    ocr_o[2] = ocr_o[2].replace("0", "O", 1)  # OCR read the digit 0 as the letter O
    cut = seed_codes.copy()
    cut[5] = cut[5][:-1]
    assert codes_warned(ocr_o) == ["projects[2].code"]
    assert codes_warned(cut) == ["projects[5].code"]


def test_codes_without_a_common_pattern_are_not_judged():
    assert codes_warned(["A1", "130-2001", "X-Y-Z", "77"]) == []
