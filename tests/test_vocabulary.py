"""Every label of real-vocabulary.md §3 that names a contract field maps to it; unknown wording never silently."""

import pytest
from jixiao.normalize.labels import fold, label_and_amount, match, split_code, strip_weight

# (printed label, group, field): §3 of shared/reference/real-vocabulary.md, the
# labels that name a contract field, as printed (spaces, 其中, units included).
REAL_LABELS = [
    ("项目名称", "project", "project.name"),
    ("二级项目名称", "project", "project.name"),
    ("项目主管部门", "project", "project.department"),
    ("主管部门编码", "project", "project.department"),
    ("主管部门", "project", "project.department"),
    ("县级主管部门", "project", "project.department"),
    ("中央主管部门", "project", "project.department"),
    ("地方主管部门", "project", "project.department"),
    ("项目执行单位", "project", "project.implementing_unit"),
    ("项目实施单位", "project", "project.implementing_unit"),
    ("组织实施单位", "project", "project.implementing_unit"),
    ("实施单位", "project", "project.implementing_unit"),
    ("项目单位", "project", "project.implementing_unit"),
    ("承担单位", "project", "project.implementing_unit"),
    ("资金用途", "project", "project.purpose"),
    ("项目概况", "project", "project.purpose"),
    ("项目实施内容", "project", "project.purpose"),
    ("项目编码", "project", "project.code"),
    ("预算规模及资金用途", "project", "project.purpose"),
    ("年度资金总额", "project", "project.budget_total"),
    ("当年资金总额", "project", "project.budget_total"),
    ("资金总额", "project", "project.budget_total"),
    ("项目总投资", "project", "project.budget_total"),
    ("预算数", "project", "project.budget_total"),
    ("当年财政拨款", "project", "project.budget_fiscal"),
    ("其中：财政拨款", "project", "project.budget_fiscal"),
    ("本年财政拨款", "project", "project.budget_fiscal"),
    ("年度财政资金总额", "project", "project.budget_fiscal"),
    ("财政资金", "project", "project.budget_fiscal"),
    ("当年其他资金", "project", "project.budget_other"),
    ("其他资金", "project", "project.budget_other"),
    ("年度绩效目标", "project", "project.goals"),
    ("年度目标", "project", "project.goals"),
    ("本年度目标", "project", "project.goals"),
    ("项目绩效目标", "project", "project.goals"),
    ("绩效目标", "project", "project.goals"),
    ("总体目标", "project", "project.overall_goals"),
    ("中期目标", "project", "project.long_goals"),
    ("长期目标", "project", "project.long_goals"),
    ("总目标", "project", "project.long_goals"),
    ("一级指标", "indicator", "indicator.level1"),
    ("二级指标", "indicator", "indicator.level2"),
    ("二级指标(年度)", "indicator", "indicator.level2"),
    ("三级指标", "indicator", "indicator.level3"),
    ("三级指标(年度)", "indicator", "indicator.level3"),
    ("指标内容", "indicator", "indicator.name_or_description"),
    ("指标名称", "indicator", "indicator.name_or_description"),
    ("具体指标", "indicator", "indicator.name_or_description"),
    ("指标说明", "indicator", "indicator.description"),
    ("绩效指标描述", "indicator", "indicator.description"),
    ("指标值", "indicator", "indicator.value_raw"),
    ("指标值(年度)", "indicator", "indicator.value_raw"),
    ("指标目标值", "indicator", "indicator.value_raw"),
    ("年度指标值", "indicator", "indicator.value_raw"),
    ("年度指标 值", "indicator", "indicator.value_raw"),
    ("目标值", "indicator", "indicator.value_raw"),
    ("当年预期实现值", "indicator", "indicator.value_raw"),
    ("指标值确定依据", "indicator", "indicator.basis"),
    ("指标值(长期)", "indicator", "indicator.extra"),
    ("分值", "indicator", "indicator.extra"),
    ("备注", "indicator", "indicator.extra"),
    ("单位名称", "department", "department.name"),
    ("部门(单位) 名称", "department", "department.name"),
    ("部门（单位）名称", "department", "department.name"),
    ("年度总体目标", "block", "block.department_goals"),
    ("年度主要任务", "block", "block.tasks"),
    ("长期绩效指标", "block", "block.long_indicators"),
    ("年度绩效指标", "block", "block.indicators"),
    ("本年度绩效指标", "block", "block.indicators"),
    ("项目资金（万元）", "block", "block.money"),
    ("资金情况(万元)", "block", "block.money"),
]


@pytest.mark.parametrize(("printed", "group", "field"), REAL_LABELS)
def test_real_label_maps_to_its_field(printed, group, field):
    found = match(printed, group)
    assert found is not None and found.field == field
    assert found.how in ("exact", "pattern")


@pytest.mark.parametrize(
    ("printed", "group", "field"),
    [("项目完成H期", "project", "project.extra"), ("项目实旋单位", "project", "project.implementing_unit")],
)
def test_damaged_wording_matches_only_fuzzily_with_its_confidence(printed, group, field):
    found = match(printed, group)
    assert found is not None and (found.field, found.how) == (field, "fuzzy")
    assert 0.6 <= found.confidence < 1.0


@pytest.mark.parametrize("printed", ["实际完成值", "偏差原因分析及改进措施", "得分", "投标人名称", "样品编号"])
def test_wording_of_other_tables_maps_to_no_indicator_field(printed):
    found = match(printed, "indicator")
    assert found is None or found.how == "fuzzy"


def test_a_sentence_is_no_label():
    assert match("完成全镇8个行政村生活垃圾收运和村庄清洁行动，农村人居环境明显改善。", "project") is None


def test_fold_takes_the_unit_and_drops_framing():
    assert fold("其中：当年财政拨款（万元）：") == fold("当年财政拨款(万元)")
    assert (fold("项目资金（万元）").text, fold("项目资金（万元）").unit) == ("项目资金", "万元")


@pytest.mark.parametrize(
    ("printed", "code", "name"),
    [
        ("[015001]武汉市青山区教育局", "015001", "武汉市青山区教育局"),
        ("【905】宁乡市农业农村局", "905", "宁乡市农业农村局"),
        ("219-池州市贵池区棠溪镇人民政府", "219", "池州市贵池区棠溪镇人民政府"),
        ("219001-池州市贵池区棠溪镇人民政府", "219001", "池州市贵池区棠溪镇人民政府"),
        ("临西县卫生健康局", None, "临西县卫生健康局"),
        ("202001-202012", None, "202001-202012"),
    ],
)
def test_codes_split_off_organisations_but_never_off_dates(printed, code, name):
    assert split_code(printed) == (code, name)


def test_label_and_amount_in_one_cell():
    assert label_and_amount("年度资金总额:16") == ("年度资金总额", "16")
    assert label_and_amount("其中：财政拨款:12.5") == ("其中:财政拨款", "12.5")
    assert label_and_amount("完成率:90%") is None


def test_weight_is_cut_from_level_one():
    assert strip_weight("产出指标(50分)") == "产出指标"
    assert strip_weight("效益指标（30分）") == "效益指标"
    assert strip_weight("满意度指标 (10 分)") == "满意度指标"  # spaced: OCR reads the gap a proportional digit leaves
    assert strip_weight("产出指标") == "产出指标"
