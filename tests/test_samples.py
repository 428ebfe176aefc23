"""Every sample report against its expected JSON, derived from the generator's spec, not from a parser."""

import json
from collections import defaultdict

import pytest

from jixiao import extract_file
from tests.conftest import SAMPLES, assert_same_report, schema_errors
from tools.contract import content_id

EXPECTED = sorted(SAMPLES.rglob("*.expected.json"))
FAMILIES = ("hebei", "national", "dept_overall", "mixed", "unknown")


def _comparable(report: dict) -> dict:
    # The generator words only the seed's suspicious_operator message exactly;
    # for the others the code and the place are the contract. The content_id
    # hashes the messages too, so it is checked on its own (below).
    return {
        **report,
        "report": {**report["report"], "content_id": None},
        "warnings": [(w["code"], w["where"]) for w in report["warnings"]],
    }


def _source(expected_path):
    return expected_path.with_name(expected_path.name.removesuffix(".expected.json"))


def _stem(path) -> str:
    return path.name.split(".")[0]


@pytest.mark.parametrize("expected_path", EXPECTED, ids=lambda p: p.relative_to(SAMPLES).as_posix())
def test_sample_converts_to_its_expected_json(expected_path):
    source = _source(expected_path)
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    actual = extract_file(source, source.relative_to(SAMPLES).as_posix()).to_dict()
    assert schema_errors(actual) == []
    assert_same_report(_comparable(actual), _comparable(expected))
    assert actual["report"]["content_id"] == content_id(actual)


@pytest.mark.parametrize("stem", sorted({_stem(p) for p in EXPECTED}))
def test_formats_whose_truth_agrees_give_one_content_id(stem):
    """The same report in every format is one content_id, but where the truth itself differs.

    It differs only for unrecognised tables in a text export, which shows no
    merged cells (docs/layouts.md): that .txt is then a content of its own.
    """
    groups = defaultdict(list)
    for path in (p for p in EXPECTED if _stem(p) == stem):
        truth = json.loads(path.read_text(encoding="utf-8"))
        groups[truth["report"]["content_id"]].append((_source(path), truth))
    largest = max(groups.values(), key=len)
    assert len(largest) >= 3, "a sample's Word and PDF renders share one truth"
    for members in groups.values():
        if members is not largest:
            assert [(s.suffix, bool(t["unrecognised_tables"])) for s, t in members] == [(".txt", True)]
        ids = {source.name: extract_file(source).report.content_id for source, _ in members}
        assert len(set(ids.values())) == 1, ids


def _family(name: str) -> list[dict]:
    """The family's reports, one each (their .txt truth), with the text export's bytes."""
    reports = []
    for path in sorted((SAMPLES / name).glob("*.txt.expected.json")):
        report = json.loads(path.read_text(encoding="utf-8"))
        report["txt_bytes"] = _source(path).read_bytes()
        report["txt"] = _decode(report["txt_bytes"])
        reports.append(report)
    return reports


def _decode(data: bytes) -> str:
    """A text export as its spec encodes it (UTF-16 LE or UTF-8 with a BOM, else UTF-8, else GB18030)."""
    if data.startswith(b"\xff\xfe"):
        return data[2:].decode("utf-16-le")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def _indicators(report: dict) -> list[dict]:
    return report["department_indicators"] + [i for p in report["projects"] for i in p["indicators"]]


def _pdf_truth(name: str) -> list[dict]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted((SAMPLES / name).glob("*.pdf.expected.json"))]


def test_every_family_has_samples_in_every_format():
    for name in FAMILIES:
        stems = {_stem(p) for p in (SAMPLES / name).glob("*.expected.json")}
        assert stems, name
        for stem in stems:
            assert {p.suffix for p in (SAMPLES / name).glob(f"{stem}.*") if p.suffix != ".json"} == {
                ".txt",
                ".docx",
                ".doc",
                ".pdf",
            }, stem


def test_samples_cover_the_family_variety():
    reports = _family("hebei")
    assert len(reports) >= 3
    projects = [len(r["projects"]) for r in reports]
    indicators = [len(p["indicators"]) for r in reports for p in r["projects"]]
    assert min(projects) == 1 and max(projects) >= 20
    assert min(indicators) <= 3 and max(indicators) >= 30
    assert len({r["report"]["fiscal_year"] for r in reports}) >= 3
    assert any(p["budget_other"] is not None for r in reports for p in r["projects"])


def test_national_samples_cover_the_provincial_variants():
    reports = _family("national")
    assert len(reports) >= 3 and {r["report"]["layout"] for r in reports} == {"national"}
    assert all(len(r["projects"]) >= 1 for r in reports) and max(len(r["projects"]) for r in reports) >= 4
    indicators = [i for r in reports for i in _indicators(r)]
    extras = {key for i in indicators for key in i["extra"]}
    assert {"二级指标(长期)", "三级指标(长期)", "指标值(长期)", "一级指标", "备注"} <= extras
    assert any(key.startswith("长期绩效指标[") for r in reports for p in r["projects"] for key in p["extra"])
    # 指标内容 names the indicator where there is no 三级指标 column
    assert any("\t指标内容" in r["txt"] and "三级指标" not in r["txt"] for r in reports)
    assert {"成本指标", "效益指标", "产出指标", "满意度指标"} <= {i["level1"] for i in indicators}
    assert {"015001", "219"} <= {r["report"]["department_code"] for r in reports}
    printed = {i["value_raw"] for i in indicators}
    assert {"100%", "=300天", "=100百分比", "≥50个", "≤90万元", ">92%", "36台（套）", "8,000份"} <= printed
    assert {"稳步提高", "效果明显"} <= printed
    extra_values = {v for r in reports for p in r["projects"] for v in p["extra"].values()}
    assert {"202001-202012", "新增项目□ 延续项目√"} <= extra_values
    assert any(w["code"] == "budget_mismatch" for r in reports for w in r["warnings"])


def test_dept_overall_samples_hold_tasks_budget_goals_and_project_tables():
    reports = _family("dept_overall")
    assert len(reports) >= 3
    for report in reports:
        assert report["tasks"] and report["department_indicators"]
        assert report["report"]["budget_total"] is not None and report["report"]["amount_unit"] == "万元"
        assert {g["section"] for g in report["department_goals"]} == {"年度总体目标"}
    assert any(r["projects"] for r in reports) and any(not r["projects"] for r in reports)
    assert {r["report"]["layout"] for r in reports} == {"dept_overall", "national"}  # most tables decide


def test_mixed_sample_reads_prose_and_project_tables():
    (report,) = _family("mixed")
    assert report["report"]["layout"] == "national"
    assert {g["section"] for g in report["department_goals"]} == {"总体绩效目标", "分项绩效目标"}
    assert report["measures"] and report["projects"] and not report["tasks"]


def test_unknown_sample_keeps_every_table_and_invents_nothing():
    (report,) = _family("unknown")
    assert report["report"]["layout"] is None
    assert [(w["code"], w["where"]) for w in report["warnings"]] == [("unknown_layout", "report.layout")]
    assert not (report["projects"] or report["tasks"] or report["department_goals"] or _indicators(report))
    assert len(report["unrecognised_tables"]) >= 2
    (pdf,) = _pdf_truth("unknown")
    merged = [row for t in pdf["unrecognised_tables"] for row in t["rows"] if len(set(row)) < len(row)]
    assert merged, "cells merged across rows and columns are repeated over what they cover"
    assert all(t["page"] is not None for t in pdf["unrecognised_tables"])


def test_samples_vary_in_encoding_size_year_and_pages():
    reports = [r for name in FAMILIES[1:] for r in _family(name)]
    starts = {r["txt_bytes"][:3] for r in reports}
    assert b"\xef\xbb\xbf" in starts and any(s.startswith(b"\xff\xfe") for s in starts)
    assert any(_decodes_only_as_gb18030(r["txt_bytes"]) for r in reports)
    assert {r["report"]["fiscal_year"] for r in reports} == set(range(2019, 2025))
    sizes = [len(p["indicators"]) for r in reports for p in r["projects"]]
    assert min(sizes) <= 3 and max(sizes) >= 25
    assert max(len(r["projects"]) for r in reports) >= 5
    pages = defaultdict(set)
    for index, report in enumerate(p for name in FAMILIES[1:] for p in _pdf_truth(name)):
        for indicator in _indicators(report):
            pages[(index, indicator["source"]["table"])].add(indicator["source"]["page"])
    assert None not in set().union(*pages.values())
    assert sum(len(found) > 1 for found in pages.values()) >= 3, "tables run over PDF page breaks"


def _decodes_only_as_gb18030(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030") is not None
    return False


def test_samples_are_up_to_date_with_their_generator():
    import subprocess
    import sys

    from tests.conftest import ROOT

    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "make_samples.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
