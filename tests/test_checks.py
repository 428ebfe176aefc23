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


def values_warned(raws: dict[int, str]) -> dict[str, list[str]]:
    """The seed with some indicator values replaced (as a misreading scan would give them): codes by where."""
    from jixiao.normalize.values import parse_indicator_value

    report = extract_file(SEED_TXT)
    indicators = list(report.projects[0].indicators)
    for index, raw in raws.items():
        parsed = parse_indicator_value(raw)
        indicators[index] = msgspec.structs.replace(
            indicators[index], value_raw=raw, operator=parsed.operator, value=parsed.value, unit=parsed.unit
        )
    projects = [msgspec.structs.replace(report.projects[0], indicators=indicators), *report.projects[1:]]
    report = msgspec.structs.replace(report, projects=projects, warnings=[])
    check_report(report)
    found: dict[str, list[str]] = {}
    for warning in report.warnings:
        found.setdefault(warning.where, []).append(warning.code)
    return found


def test_values_an_ocr_may_have_misread_are_warned_and_kept_as_printed():
    found = values_warned({0: "9O%", 1: "2 90%", 2: "≥ 95%", 3: "1OO%"})
    assert found.get("projects[0].indicators[0]") == ["value_lookalike"]
    assert found.get("projects[0].indicators[1]") == ["value_digits_split", "implausible_value"]
    assert "projects[0].indicators[2]" not in found  # a space after the sign is how reports print it
    assert found.get("projects[0].indicators[3]") == ["value_lookalike"]
    assert not any(where.startswith("projects[0]") for where in values_warned({}))  # the seed's own values pass
