"""Layout hebei on hand-made documents: each test pins one rule of the family."""

import pytest
from jixiao.extract.model import Cell, Document, Paragraph, Table
from jixiao.extract.text import parse_text
from jixiao.normalize import NotAReport, normalize
from jixiao.normalize.records import Source
from jixiao.normalize.text import is_page_residue, split_numbered

SOURCE = Source(path="x.txt", format="txt", sha256="0" * 64)

HEADER = "\t一级指标\n\t二级指标\n\t三级指标\n\t绩效指标描述\n\t指标值\n\t指标值确定依据\n\n"


def project_table(
    code="111-0001-ABC-0001",
    name="甲项目",
    total="10.00",
    fiscal="10.00",
    other="",
    periods=("3月底", "6月底", "10月底", "12月底"),
    pcts=("25.00", "50.00", "75.00", "100.00"),
    goals="1、目标甲。\n2、目标乙。",
    indicators=(("产出指标", "数量指标", "数量", "描述", "≥95%", "依据"),),
    purpose="用途说明。",
):
    rows = [
        ["123456某某县某某局", "单位：万元"],
        ["项目编码", code, "项目名称", name],
        ["预算规模及资金用途", "预算数", total, "其中：财政资金", fiscal, "其他资金", other],
        ["", purpose],
        ["资金支出计划（%）", *periods],
        ["", *pcts],
        ["绩效目标", goals],
    ]
    text = "".join("".join(f"\t{cell}\n" for cell in row) + "\n" for row in rows) + HEADER
    text += "".join("".join(f"\t{cell}\n" for cell in row) + "\n" for row in indicators)
    return text


def report(text: str):
    return normalize(parse_text(text), SOURCE)


def test_goals_numbered_in_chinese_or_parentheses_lose_their_numbering():
    for numbering in (["目标一：", "目标二："], ["（一）", "（二）"], ["1.", "2."]):
        text = f"一、总体绩效目标\n{numbering[0]}甲。   {numbering[1]}乙。\n" + project_table()
        goals = report(text).department_goals
        assert [(g.section, g.seq, g.text) for g in goals] == [("总体绩效目标", 1, "甲。"), ("总体绩效目标", 2, "乙。")]


def test_sections_are_found_by_text_without_tc_codes():
    text = "一、总体绩效目标\n目标1：甲\n二、分项绩效目标\n1、乙\n三、工作保障措施\n一、标题一\n正文一。\n二、标题二\n正文二。\n"
    result = report(text + project_table())
    assert [(g.section, g.text) for g in result.department_goals] == [("总体绩效目标", "甲"), ("分项绩效目标", "乙")]
    assert [(m.title, m.text) for m in result.measures] == [("标题一", "正文一。"), ("标题二", "正文二。")]


def test_page_residue_and_toc_lines_never_become_content():
    text = (
        "目录\n一、总体绩效目标\t1\n1\n一、总体绩效目标\n目标1：甲\n- 2 -\n第3页\n目标2：乙\n"
        + project_table()
        + "\n\n4\n"
    )
    result = report(text)
    assert [g.text for g in result.department_goals] == ["甲", "乙"]
    assert not [w for w in result.warnings if w.code == "unplaced_text"]
    assert all(is_page_residue(s) for s in ("1", "- 2 -", "第3页", "第 1 页 共 12 页", "总体绩效目标……3"))


@pytest.mark.parametrize(
    ("total", "fiscal", "other", "expected"),
    [("1,234.50", "１２３４.５", "", (1234.5, 1234.5, None)), ("100", "60", "40", (100.0, 60.0, 40.0))],
)
def test_budget_spellings(total, fiscal, other, expected):
    project = report(project_table(total=total, fiscal=fiscal, other=other)).projects[0]
    assert (project.budget_total, project.budget_fiscal, project.budget_other) == expected


def test_budget_that_does_not_add_up_is_a_warning_not_a_correction():
    result = report(project_table(total="100", fiscal="60", other="30"))
    assert result.projects[0].budget_total == 100.0
    assert [(w.code, w.where) for w in result.warnings] == [("budget_mismatch", "projects[0]")]


def test_quarters_and_half_years_in_the_spending_plan():
    project = report(project_table(periods=("一季度", "二季度", "三季度", "四季度"))).projects[0]
    assert [(p.period, p.month, p.cumulative_pct) for p in project.spending_plan] == [
        ("一季度", 3, 25.0), ("二季度", 6, 50.0), ("三季度", 9, 75.0), ("四季度", 12, 100.0)
    ]  # fmt: skip
    project = report(project_table(periods=("上半年", "全年"), pcts=("40%", "100%"))).projects[0]
    assert [(p.month, p.cumulative_pct) for p in project.spending_plan] == [(6, 40.0), (12, 100.0)]


@pytest.mark.parametrize(
    ("pcts", "code"),
    [(("30", "20", "60", "100"), "spending_plan_not_rising"), (("25", "50", "75", "90"), "spending_plan_not_100")],
)
def test_spending_plan_warnings(pcts, code):
    result = report(project_table(pcts=pcts))
    assert [(w.code, w.where) for w in result.warnings] == [(code, "projects[0].spending_plan")]


def test_merged_level_cells_are_filled_down_and_values_parsed():
    rows = (
        ("产出指标", "数量指标", "甲", "d1", "≥500人", "b"),
        ("", "", "乙", "d2", "不低于90%", "b"),
        ("", "质量指标", "丙", "d3", "优良", ""),
        ("满意度指标", "服务对象满意度指标", "丁", "d4", "<90%", "b"),
    )
    result = report(project_table(indicators=rows))
    got = [(i.level1, i.level2, i.level3, i.operator, i.value, i.unit, i.basis) for i in result.projects[0].indicators]
    assert got == [
        ("产出指标", "数量指标", "甲", ">=", 500.0, "人", "b"),
        ("产出指标", "数量指标", "乙", ">=", 90.0, "%", "b"),
        ("产出指标", "质量指标", "丙", None, None, None, None),
        ("满意度指标", "服务对象满意度指标", "丁", "<", 90.0, "%", "b"),
    ]
    assert [(i.source.table, i.source.row) for i in result.projects[0].indicators] == [
        (1, 9),
        (1, 10),
        (1, 11),
        (1, 12),
    ]
    warning = result.warnings[0]
    assert (warning.code, warning.where) == ("suspicious_operator", "projects[0].indicators[3]")
    assert warning.message == "满意度指标“丁”的指标值为“<90%”：“<”与此类指标应达到的方向相反，按原文保留。"


def test_a_low_target_on_an_output_indicator_is_not_suspicious():
    rows = (("产出指标", "质量指标", "事故率", "d", "<5%", "b"),)
    assert report(project_table(indicators=rows)).warnings == []


def test_prose_that_mentions_labels_is_not_taken_for_them():
    purpose = "资金由财政资金和其他资金共同承担，支出计划按季度执行，单位：万元。"
    project = report(project_table(purpose=purpose, total="10", fiscal="10")).projects[0]
    assert project.purpose == purpose
    assert (project.budget_total, project.budget_fiscal) == (10.0, 10.0)


def test_a_row_the_layout_cannot_place_is_a_warning():
    text = project_table().replace("\t绩效目标\n", "\t神秘标签\n\t内容\n\n\t绩效目标\n", 1)
    result = report(text)
    assert [w.code for w in result.warnings] == ["unplaced_row"]
    assert "神秘标签" in result.warnings[0].message


def test_many_projects_each_from_its_own_table():
    text = "\n".join(
        f"{n}、项目{n}绩效目标表 TC {n}、项目{n}绩效目标表 \\f C \\l 1 \n"
        + project_table(code=f"C-{n}", name=f"项目{n}")
        for n in range(1, 21)
    )
    result = report(text)
    assert [p.code for p in result.projects] == [f"C-{n}" for n in range(1, 21)]
    assert [i.source.table for p in result.projects for i in p.indicators] == list(range(1, 21))


def test_spans_from_a_word_table_read_like_the_text_exports_empties():
    table = Table(index=1, n_rows=3, n_cols=6)
    table.cells = [
        Cell("项目编码", 0, 0), Cell("C-1", 0, 1), Cell("项目名称", 0, 2), Cell("甲", 0, 3, colspan=3),
        *[Cell(t, 1, c) for c, t in enumerate(["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"])],
        Cell("产出指标", 2, 0, rowspan=1), Cell("数量指标", 2, 1), Cell("x", 2, 2), Cell("d", 2, 3, page=2),
        Cell("≥1个", 2, 4), Cell("", 2, 5),
    ]  # fmt: skip
    project = normalize(Document(blocks=[table], format="docx"), SOURCE).projects[0]
    assert (project.name, project.indicators[0].unit, project.indicators[0].source.page) == ("甲", "个", 2)


def test_a_document_without_tables_is_not_a_report():
    with pytest.raises(NotAReport):
        normalize(Document(blocks=[Paragraph("通知")], format="txt"), SOURCE)


def test_unknown_table_layout_is_null_plus_a_warning():
    result = normalize(parse_text("\t姓名\n\t年龄\n\n\t张三\n\t30\n"), SOURCE)
    assert result.report.layout is None
    assert [w.code for w in result.warnings] == ["unknown_layout"]


def test_split_numbered_keeps_numbers_inside_sentences():
    assert split_numbered("1、提高2、3倍的效率。 2、第二项") == ("", ["提高2、3倍的效率。", "第二项"])


def test_fiscal_year_prefers_the_budget_year_over_earlier_mentions():
    text = "根据2018年印发的文件要求\n临西县某局2021年度部门预算绩效目标\n" + project_table()
    assert report(text).report.fiscal_year == 2021
    assert report("依据2019年文件\n" + project_table()).report.fiscal_year == 2019


def test_a_report_cut_off_in_its_first_table_is_still_recognised():
    text = project_table()
    result = report(text[: text.index("\t绩效目标")])
    assert result.report.layout == "hebei"
    assert [w.code for w in result.warnings] == ["incomplete_table"]


def test_a_label_merged_down_into_the_next_row_does_not_classify_that_row():
    rows = [
        ["项目编码", "C-1", "项目名称", "甲"],
        ["预算规模及资金用途", "预算数", "10", "其中：财政资金", "10", "其他资金", ""],
        [None, "用途说明。"],
        ["资金支出计划（%）", "3月底", "12月底"],
        [None, "40.00", "100.00"],
        ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"],
        ["产出指标", "数量指标", "x", "d", "≥1个", "b"],
    ]
    table = Table(index=1, n_rows=len(rows), n_cols=7)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text is not None:
                merged_down = r + 1 < len(rows) and len(rows[r + 1]) > c and rows[r + 1][c] is None
                table.cells.append(Cell(text, r, c, rowspan=2 if merged_down else 1))
    result = normalize(Document(blocks=[table], format="docx"), SOURCE)
    project = result.projects[0]
    assert project.purpose == "用途说明。"
    assert [(p.month, p.cumulative_pct) for p in project.spending_plan] == [(3, 40.0), (12, 100.0)]
    assert result.warnings == []
