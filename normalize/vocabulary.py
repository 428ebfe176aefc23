"""The one vocabulary: every contract field → the labels real reports print for it.

Data only, in one place (docs/layouts.md explains the rules). Spellings are
compared after `labels.fold` (no white space, half-width, no leading 其中, no
trailing colon, no `(万元)`); a spelling is the folded label. `PATTERNS` catch
wordings the lists do not name (`…项目实施单位`, `县级主管部门`); what neither
reaches may still match fuzzily, with a `fuzzy_label` warning (labels.match).

Keys are `group.field`: `project.*` label cells of a project table,
`indicator.*` indicator column headers, `department.*` the 部门整体 table,
`task.*` its 年度主要任务 columns, `block.*` merged-down labels that name a
block of rows and are no field themselves. `*.extra` fields are kept under the
printed label in the record's `extra`.
"""

from __future__ import annotations

SPELLINGS: dict[str, tuple[str, ...]] = {
    # --- project tables ------------------------------------------------------
    "project.name": ("项目名称", "二级项目名称", "项目(课题)名称"),
    "project.code": ("项目编码", "项目代码", "项目编号"),
    "project.department": (
        "主管部门", "项目主管部门", "主管部门及代码", "主管部门及编码", "主管部门编码",
        "县级主管部门", "中央主管部门", "地方主管部门", "主管单位",
    ),
    "project.implementing_unit": (
        "实施单位", "项目实施单位", "项目执行单位", "项目单位", "组织实施单位", "承担单位",
        "执行单位", "项目承担单位", "实施单位及代码",
    ),
    "project.budget_total": (
        "年度资金总额", "当年资金总额", "资金总额", "项目总投资", "预算数", "年度预算数",
        "预算资金", "项目资金总额", "年度资金", "全年预算数", "预算申报数",
    ),
    "project.budget_fiscal": (
        "财政拨款", "当年财政拨款", "财政资金", "本年财政拨款", "年度财政资金总额", "财政拨款资金",
    ),
    "project.budget_other": ("其他资金", "当年其他资金", "其它资金"),
    "project.purpose": ("资金用途", "项目概况", "项目实施内容", "预算规模及资金用途", "项目资金用途", "项目内容"),
    "project.goals": ("年度绩效目标", "年度目标", "本年度目标", "项目绩效目标", "绩效目标", "项目年度绩效目标"),
    # 总体目标 is the goal only when no 年度 one is printed beside it.
    "project.overall_goals": ("总体目标", "项目总体目标"),
    "project.long_goals": ("中期目标", "长期目标", "总目标", "中长期目标"),
    "project.extra": (
        "项目属性", "项目类型", "项目类别", "项目分类", "项目性质", "项目期", "项目起止时间",
        "项目开始日期", "项目完成日期", "开始时间", "完成时间", "一级项目名称", "项目负责人",
        "负责人及电话", "联系电话", "联系人", "中期资金总额", "上级资金", "上级财政资金",
        "中央补助安排", "省级财政安排", "本级财政", "市财政资金", "自有资金", "上年结转资金",
        "事业收入", "经营性收入", "资金性质", "立项依据", "监督管理单位",
    ),
    # --- indicator columns ---------------------------------------------------
    "indicator.level1": ("一级指标",),
    "indicator.level2": ("二级指标", "二级指标(年度)"),
    "indicator.level3": ("三级指标", "三级指标(年度)"),
    # The name when no 三级指标 column exists; else a description.
    "indicator.name_or_description": ("指标内容", "指标名称", "具体指标", "指标内容/计算公式"),
    "indicator.description": ("绩效指标描述", "指标描述", "指标解释", "指标说明"),
    "indicator.value_raw": (
        "指标值", "指标值(年度)", "指标目标值", "年度指标值", "目标值", "当年预期实现值", "绩效指标值",
        "年度目标值",
    ),
    "indicator.basis": ("指标值确定依据", "确定依据", "依据"),
    "indicator.extra": (
        "分值", "权重", "备注", "绩效标准", "计算公式", "二级指标(长期)", "三级指标(长期)", "指标值(长期)",
        "二级指标(中期)", "三级指标(中期)", "指标值(中期)", "指标性质", "度量单位", "计量单位",
    ),
    # --- the 部门整体 table ----------------------------------------------------
    "department.name": ("部门名称", "单位名称", "预算单位", "部门(单位)名称", "部门单位名称", "预算部门"),
    "task.name": ("任务名称", "主要任务"),
    "task.content": ("主要内容", "任务内容"),
    "task.budget": ("预算金额", "预算数", "资金安排"),
    "task.budget_total": ("总额", "合计", "资金总额"),
    "task.budget_fiscal": ("财政拨款", "财政资金"),
    "task.budget_other": ("其他资金", "其它资金"),
    "task.total_row": ("金额合计", "合计", "小计", "总计"),
    # --- block labels --------------------------------------------------------
    "block.money": ("项目资金", "资金情况", "项目预算", "项目资金申请", "资金来源", "项目资金情况"),
    "block.department_budget": ("年度预算申请", "年度收支预算", "部门预算", "年度预算"),
    "block.tasks": ("年度主要任务", "主要任务"),
    "block.department_goals": ("年度总体目标", "部门年度总体目标", "整体绩效目标"),
    "block.indicators": ("绩效指标", "年度绩效指标", "本年度绩效指标", "项目绩效指标", "产出和效益指标"),
    "block.long_indicators": ("长期绩效指标", "总目标绩效指标", "中期绩效指标", "中长期绩效指标"),
}  # fmt: skip

# Regular expressions over folded labels, for wordings the lists above miss.
PATTERNS: dict[str, tuple[str, ...]] = {
    "project.name": (r"^[^项]{0,6}项目名称$",),
    "project.department": (r"^.{0,4}主管(?:部门|单位)(?:及(?:代码|编码))?$",),
    "project.implementing_unit": (r"^(?:项目)?.{0,2}(?:实施|执行|承担)单位(?:及(?:代码|编码))?$",),
    "project.budget_total": (r"^(?:年度|当年|本年)?(?:预算)?资金总(?:额|计)$",),
    "project.budget_fiscal": (r"^(?:年度|当年|本年)?财政(?:拨款|资金)$",),
    "project.budget_other": (r"^(?:年度|当年|本年)?其[他它](?:资金|来源)$",),
    "indicator.level1": (r"^一级(?:绩效)?指标$",),
    "indicator.level2": (r"^二级(?:绩效)?指标$",),
    "indicator.level3": (r"^三级(?:绩效)?指标$",),
    "indicator.value_raw": (r"^(?:年度|本年度?)?(?:绩效)?指标(?:目标)?值$",),
    "department.name": (r"^(?:部门|单位|预算)[(（]?(?:单位|部门)?[)）]?名称$",),
}
