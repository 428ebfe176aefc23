"""Layout recognition: each table judged on its own, by its labels; nothing read from what is no report."""

import pytest
from jixiao.extract.text import parse_text
from jixiao.normalize import normalize
from jixiao.normalize.layouts import LAYOUTS
from jixiao.normalize.layouts.signature import signature
from jixiao.normalize.records import Source

from jixiao import extract_file
from tests.conftest import SAMPLES, SEED_TXT

SOURCE = Source(path="x.txt", format="txt", sha256="0" * 64)


def _table(rows: list[list[str]]) -> str:
    return "".join("".join(f"\t{cell}\n" for cell in row) + "\n" for row in rows) + "\n"


def _report(text: str):
    return normalize(parse_text(text), SOURCE)


@pytest.mark.parametrize("family", ["hebei", "national", "dept_overall"])
def test_each_sample_table_is_claimed_only_by_its_own_layout(family):
    from jixiao.extract import read_document

    own = {"national": "national", "hebei": "hebei", "dept_overall": "dept_overall"}[family]
    for path in sorted((SAMPLES / family).glob("*.txt")):
        for table in read_document(path).tables:
            scores = {layout.NAME: layout.score(signature(table)) for layout in LAYOUTS}
            claimed = {name for name, score in scores.items() if score > 0}
            # dept_overall reports carry national project tables after the department table
            assert len(claimed) == 1, (path.name, table.index, scores)
            assert claimed == {own} or (family == "dept_overall" and claimed == {"national"}), (path.name, scores)


def test_the_seed_is_hebei_in_every_table():
    from jixiao.extract import read_document

    for table in read_document(SEED_TXT).tables:
        scores = {layout.NAME: layout.score(signature(table)) for layout in LAYOUTS}
        assert [name for name, score in scores.items() if score > 0] == ["hebei"], scores


NOT_REPORTS = {
    "tender": [
        ["项目名称", "办公设备采购项目", "项目编号", "ZB-2021-015"],
        ["采购单位", "某县财政局", "预算金额", "120万元"],
        ["投标截止时间", "2021年5月10日", "开标地点", "县公共资源交易中心"],
    ],
    "financial statement": [
        ["项目", "行次", "本年累计数", "上年累计数"],
        ["一、财政拨款收入", "1", "3,650.80", "3,420.00"],
        ["其他资金", "2", "230.00", "210.00"],
        ["资金总额", "3", "3,880.80", "3,630.00"],
    ],
    "lab results": [
        ["检测项目", "检测结果", "标准值", "单位"],
        ["总氮", "0.82", "≤1.0", "mg/L"],
        ["氨氮", "0.31", "≤0.5", "mg/L"],
    ],
    "english": [
        ["Name", "Budget", "Target"],
        ["Road repair", "100", ">=95%"],
    ],
}


@pytest.mark.parametrize("kind", sorted(NOT_REPORTS))
def test_documents_that_are_no_performance_report_give_nothing_invented(kind):
    result = _report("某某文件\n" + _table(NOT_REPORTS[kind]))
    assert result.projects == [] and result.tasks == [] and result.department_indicators == []
    assert result.report.layout is None and result.report.budget_total is None
    assert [w.code for w in result.warnings] == ["unknown_layout"]
    assert [row[0] for row in result.unrecognised_tables[0].rows] == [row[0] for row in NOT_REPORTS[kind]]


NATIONAL = [
    ["项目名称", "甲项目"],
    ["主管部门及代码", "[015001]某市教育局", "实施单位", "某市某中心"],
    ["项目资金（万元）", "年度资金总额:16", "其中：财政拨款:12", "其他资金:4"],
    ["年度目标", "1、目标甲。2、目标乙。"],
    ["一级指标", "二级指标", "指标内容", "指标值", "分值", "核查方式"],
    ["产出指标(50分)", "数量指标", "甲数量", "≥10个", "20", "现场"],
    ["", "", "乙数量", "8,000份", "30", ""],
]


def test_a_national_table_with_its_label_amount_cells_weights_and_name_column():
    result = _report("项目支出绩效目标表\n（2021年度）\n" + _table(NATIONAL))
    (project,) = result.projects
    assert (project.name, project.department, project.implementing_unit) == ("甲项目", "某市教育局", "某市某中心")
    assert project.extra["主管部门及代码"] == "[015001]某市教育局" and "实施单位" not in project.extra
    assert (project.budget_total, project.budget_fiscal, project.budget_other, project.amount_unit) == (
        16,
        12,
        4,
        "万元",
    )
    assert [g.text for g in project.goals] == ["目标甲。", "目标乙。"]
    first, second = project.indicators
    assert (first.level1, first.level3, first.description, first.operator, first.value) == (
        "产出指标",
        "甲数量",
        None,
        ">=",
        10,
    )
    assert first.extra == {"一级指标": "产出指标(50分)", "分值": "20", "核查方式": "现场"}
    assert (second.level1, second.level2, second.value, second.unit) == ("产出指标", "数量指标", 8000, "份")
    assert (result.report.department_code, result.report.fiscal_year, result.report.layout) == (
        "015001",
        2021,
        "national",
    )
    # a header the vocabulary does not know is kept, and said so
    assert [w.code for w in result.warnings] == ["unknown_label"]


def test_a_row_no_rule_places_is_a_warning_with_its_text():
    rows = [*NATIONAL[:4], ["神秘标签", "某内容"], *NATIONAL[4:]]
    result = _report(_table(rows))
    codes = [w.code for w in result.warnings]
    assert "unplaced_row" in codes and any("神秘标签" in w.message for w in result.warnings)


def test_a_report_mixing_layouts_is_named_by_most_of_its_tables():
    dept = [
        ["部门名称", "130528 某县水利局"],
        ["年度预算申请（万元）", "资金总额", "100", "财政拨款", "100", "其他资金", ""],
        ["年度总体目标", "（一）甲。（二）乙。"],
        ["年度绩效指标", "一级指标", "二级指标", "三级指标", "指标值"],
        ["", "产出指标", "数量指标", "丙", "≥1个"],
    ]
    title = "项目支出绩效目标表\n"
    result = _report(_table(dept) + title + _table(NATIONAL) + title + _table(NATIONAL))
    assert result.report.layout == "national" and len(result.projects) == 2
    assert (result.report.department_code, result.report.department_name) == ("130528", "某县水利局")
    assert [g.text for g in result.department_goals] == ["甲。", "乙。"]
    assert [i.level3 for i in result.department_indicators] == ["丙"]
    assert (result.report.budget_total, result.report.amount_unit) == (100, "万元")
    only_dept = _report(_table(dept) + title + _table(NATIONAL))
    assert only_dept.report.layout == "dept_overall"  # a tie: the first table's


def test_a_table_two_layouts_claim_equally_is_read_by_the_first_with_a_warning():
    both = [["部门名称", "某局"], ["年度预算申请（万元）", "资金总额", "16"], ["年度总体目标", "甲。"], *NATIONAL]
    result = _report(_table(both))
    assert result.warnings[0].code == "ambiguous_layout" and result.report.layout == "national"


def test_a_self_evaluation_is_kept_as_cells_not_read_as_goals():
    (truth_path,) = (SAMPLES / "unknown").glob("*.txt")
    result = extract_file(truth_path)
    assert result.report.layout is None and not result.projects
    assert all(t.title and t.title.endswith("自评表") for t in result.unrecognised_tables)


def test_a_report_with_unread_tables_is_partial_in_the_manifest(tmp_path):
    import jixiao

    (unknown,) = (SAMPLES / "unknown").glob("*.txt")
    files = jixiao.extract_many([unknown, SAMPLES / "hebei" / "yibao_2023.txt"])["files"].set_index("path")
    assert files.loc[str(unknown), "status"] == "partial"
    assert files.loc[str(SAMPLES / "hebei" / "yibao_2023.txt"), "status"] in ("ok", "warnings")


def test_resume_key_follows_the_code_that_decides_the_output():
    from jixiao import __version__
    from jixiao.pipeline import READER_VERSION

    assert READER_VERSION.startswith(__version__ + "+") and len(READER_VERSION) > len(__version__) + 8


def test_a_percentage_over_100_is_reported_never_corrected():
    rows = [*NATIONAL[:5], ["产出指标(50分)", "质量指标", "合格率", "292%", "20", "现场"]]
    result = _report(_table(rows))
    (indicator,) = result.projects[0].indicators
    assert (indicator.value, indicator.value_raw) == (292, "292%")
    (warning,) = [w for w in result.warnings if w.code == "implausible_value"]
    assert warning.where == "projects[0].indicators[0]" and "合格率" in warning.message
