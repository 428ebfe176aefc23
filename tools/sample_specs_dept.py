"""Specs of the `dept_overall` samples: 部门整体支出绩效目标表 / 申报表 (财预〔2015〕88号's template, R06 and provincial variants).

One department table each: 部门（单位）名称, 年度预算申请 (资金总额 / 财政拨款 / 其他资金),
年度主要任务 (任务名称 | 主要内容 | 预算金额 总额 / 财政拨款 / 其他资金), 年度总体目标 (numbered),
年度绩效指标; two are followed by national project tables, judged on their own.

- ezhou_2021 (湖北 鄂州, R06): budget as a label row over an amount row, four
  tasks and their 金额合计 row, goals `1.` one per line. GB18030. Warnings: none.
- ningjin_2023 (河北 宁晋): `130528 宁晋县水利局` (code before a space), budget as
  label | amount pairs, goals `（一）` run on in one paragraph; then one project
  table: one table of each layout, so the tie goes to the first table's,
  `dept_overall`. UTF-8. Warnings: none.
- linxi_2024 (河北 临西): 单位名称 `[430004]…`, five tasks and 金额合计, goals
  `目标1：`, 14 indicators (`≤15/10万`, `不超过12.5千克标准煤/平方米`); then three
  project tables, so `report.layout` is `national` (most tables). UTF-8 with
  BOM, CRLF. Warnings: none.
"""

from __future__ import annotations

from sample_specs import EMPTY, amt
from sample_tables import DeptTable, Ind, Org, ProjectTable, TableReport, Task

PLAIN_HEADER = ["一级指标", "二级指标", "三级指标", "指标值"]


def i(level1: str, level2: str, name: str, value: str, remark: str = "") -> Ind:
    return Ind(level1, level2, name, value, (("备注", remark),) if remark else ())


def task(name: str, content: str, total: float, fiscal: float, other: float | None) -> Task:
    return Task(name, content, amt(total), amt(fiscal), EMPTY if other is None else amt(other))


EZHOU_2021 = TableReport(
    name="ezhou_2021",
    encoding="gb18030",
    newline="\n",
    year=2021,
    doc_title="鄂州市民政局2021年度部门整体支出绩效目标申报表",
    parts=[
        DeptTable(
            title=["部门整体支出绩效目标申报表", "（2021年度）"],
            name_label="部门（单位）名称",
            org=Org("鄂州市民政局", None, "鄂州市民政局"),
            budget_label="年度预算申请（万元）",
            budget=(amt(3650.8), amt(3420.8), amt(230)),
            budget_form="rows",
            tasks=[
                task("城乡最低生活保障", "保障城乡低保对象基本生活，按月足额发放低保金", 2100, 2000, 100),
                task("特困人员救助供养", "落实特困人员救助供养政策，提升集中供养服务能力", 860, 860, None),
                task("养老服务体系建设", "推进社区居家养老服务中心建设，按时发放高龄津贴", 520, 430, 90),
                task("殡葬改革", "推进公益性公墓建设，落实惠民殡葬政策", 170.8, 130.8, 40),
            ],
            task_total=True,
            goals=[
                "城乡低保、特困供养等社会救助政策落实到位，困难群众基本生活得到保障。",
                "建成社区居家养老服务中心10个，养老服务质量稳步提升。",
                "惠民殡葬政策全覆盖，公益性公墓建设有序推进。",
                "加强基层政权和社区治理，社区服务能力明显增强。",
            ],
            goal_style="lines",
            indicators=[
                i("产出指标", "数量指标", "低保对象保障人数", "≥500人"),
                i("产出指标", "数量指标", "新建社区居家养老服务中心", "≥10个"),
                i("产出指标", "质量指标", "低保资金社会化发放率", "100%"),
                i("产出指标", "时效指标", "救助资金发放及时率", "≥95%"),
                i("效益指标", "社会效益指标", "困难群众基本生活保障水平", "稳步提高"),
                i("效益指标", "社会效益指标", "惠民殡葬政策覆盖率", "=100%"),
                i("效益指标", "可持续影响指标", "养老服务体系建设", "持续改善"),
                i("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥90%"),
            ],
        )
    ],
)


NINGJIN_WATER = Org("宁晋县水利局", None, "宁晋县水利局")

NINGJIN_2023 = TableReport(
    name="ningjin_2023",
    encoding="utf-8",
    newline="\n",
    year=2023,
    doc_title="宁晋县水利局2023年部门整体支出绩效目标表",
    parts=[
        DeptTable(
            title=["部门整体支出绩效目标表", "（2023年度）"],
            name_label="部门名称",
            org=Org("130528 宁晋县水利局", "130528", "宁晋县水利局"),
            budget_label="年度预算申请（万元）",
            budget=(amt(2650), amt(2500), amt(150)),
            budget_form="pairs",
            tasks=[
                task("农村饮水安全巩固提升", "维修改造农村供水管网，保障农村居民饮水安全", 1200, 1150, 50),
                task("地下水超采综合治理", "实施河湖地下水回补和农业节水灌溉", 980, 880, 100),
                task("防汛抗旱", "储备防汛物资，开展汛前检查和应急演练", 470, 470, None),
            ],
            goals=[
                "巩固提升农村饮水安全水平，农村自来水普及率保持在98%以上。",
                "压减地下水开采量，地下水位持续回升。",
                "确保安全度汛，不发生因洪涝灾害造成的人员伤亡。",
            ],
            goal_style="runon",
            indicators=[
                i("产出指标", "数量指标", "维修改造供水管网", "15.6公里"),
                i("产出指标", "数量指标", "节水灌溉面积", "≥3万亩"),
                i("产出指标", "数量指标", "防汛应急演练", "≥2次"),
                i("产出指标", "质量指标", "农村供水水质达标率", "≥95%"),
                i("产出指标", "时效指标", "汛前检查完成时间", "12月底前"),
                i("成本指标", "经济成本指标", "防汛物资采购成本", "≤90万元"),
                i("效益指标", "社会效益指标", "农村自来水普及率", "≧98%"),
                i("效益指标", "生态效益指标", "地下水位回升", "明显改善"),
                i("效益指标", "可持续影响指标", "水利工程长效运行", "长期"),
                i("满意度指标", "服务对象满意度指标", "农村居民满意度", "≥90%"),
            ],
        ),
        ProjectTable(
            form="88",
            title=["项目支出绩效目标表", "（2023年度）"],
            name="农村饮水安全巩固提升工程",
            department=("主管部门", NINGJIN_WATER),
            unit=("项目实施单位", Org("宁晋县水务服务中心", None, "宁晋县水务服务中心")),
            money_label="项目资金（万元）",
            total=("资金总额", amt(1200)),
            fiscal=("财政资金", amt(1150)),
            other=("其他资金", amt(50)),
            goals=("年度绩效目标", ["完成12个村供水管网维修改造。", "农村供水保证率和水质达标率稳步提高。"]),
            header=PLAIN_HEADER,
            block_label="绩效指标",
            widths=[11, 13, 16, 22, 14],
            indicators=[
                i("产出指标", "数量指标", "维修改造供水管网长度", "15.6公里"),
                i("产出指标", "数量指标", "受益村数量", "≥10个"),
                i("产出指标", "质量指标", "工程验收合格率", "100%"),
                i("效益指标", "社会效益指标", "农村供水保证率", "≥95%"),
                i("满意度指标", "服务对象满意度指标", "受益群众满意度", "≥90%"),
            ],
        ),
    ],
)


LINXI_HEALTH = Org("临西县卫生健康局", None, "临西县卫生健康局")
LINXI_HEADER = ["一级指标", "二级指标", "三级指标", "指标值", "备注"]


def _linxi_project(name: str, unit: str, money: tuple, goals: list[str], inds: list[Ind]) -> ProjectTable:
    total, fiscal, other = money
    return ProjectTable(
        form="88",
        title=[f"{name}项目支出绩效目标表", "（2024年度）"],
        name=name,
        department=("主管部门", LINXI_HEALTH),
        unit=("实施单位", Org(unit, None, unit)),
        money_label="项目资金（万元）",
        money_per_row=2,
        total=("年度资金总额", total),
        fiscal=("财政拨款", fiscal),
        other=("其他资金", other),
        goals=("年度目标", goals),
        header=LINXI_HEADER,
        widths=[13, 15, 20, 13, 16],
        indicators=inds,
    )


LINXI_2024 = TableReport(
    name="linxi_2024",
    encoding="utf-8-sig",
    newline="\r\n",
    year=2024,
    doc_title="临西县卫生健康局2024年部门整体支出绩效目标申报表",
    parts=[
        DeptTable(
            title=["部门整体支出绩效目标申报表", "（2024年度）"],
            name_label="单位名称",
            org=Org("[430004]临西县卫生健康局", "430004", "临西县卫生健康局"),
            budget_label="年度预算申请（万元）",
            budget=(amt(5280.6), amt(4980.6), amt(300)),
            budget_form="rows",
            tasks=[
                task("基本公共卫生服务", "为城乡居民免费提供国家基本公共卫生服务项目", 1850, 1850, None),
                task("基层医疗机构运转", "保障乡镇卫生院和村卫生室正常运转", 1620.6, 1500.6, 120),
                task("疾病预防控制", "开展重大传染病防控和免疫规划工作", 980, 900, 80),
                task("妇幼健康服务", "实施孕产妇和儿童健康管理，开展两癌筛查", 560, 480, 80),
                task("计划生育奖励扶助", "落实计划生育家庭奖励扶助和特别扶助政策", 270, 250, 20),
            ],
            task_total=True,
            goals=[
                "基本公共卫生服务项目全面落实，居民健康档案电子建档率达到90%以上。",
                "重大传染病得到有效控制，适龄儿童免疫规划疫苗接种率保持在95%以上。",
                "孕产妇死亡率、婴儿死亡率控制在全省平均水平以下。",
                "公共机构节能降耗，单位建筑面积能耗持续下降。",
            ],
            goal_style="target",
            indicators=[
                i("产出指标", "数量指标", "65岁以上老年人健康管理人数", "≥1200人"),
                i("产出指标", "数量指标", "两癌筛查人数", "≥500人"),
                i("产出指标", "数量指标", "家庭医生签约服务团队", "≥50个"),
                i("产出指标", "数量指标", "健康教育宣传资料", "8,000份"),
                i("产出指标", "质量指标", "居民电子健康档案建档率", "≥90%"),
                i("产出指标", "质量指标", "适龄儿童免疫规划疫苗接种率", "≥95%"),
                i("产出指标", "质量指标", "孕产妇死亡率", "≤15/10万"),
                i("产出指标", "质量指标", "婴儿死亡率", "≤5‰"),
                i("产出指标", "时效指标", "奖励扶助资金发放及时率", "100%"),
                i("成本指标", "经济成本指标", "单位建筑面积能耗", "不超过12.5千克标准煤/平方米"),
                i("效益指标", "社会效益指标", "甲乙类传染病报告发病率", "≤5‰"),
                i("效益指标", "社会效益指标", "居民健康素养水平", "稳步提高"),
                i("效益指标", "可持续影响指标", "基层医疗服务能力", "持续改善"),
                i("满意度指标", "服务对象满意度指标", "城乡居民满意度", "≥90%"),
            ],
        ),
        _linxi_project(
            "基本公共卫生服务",
            "临西县疾病预防控制中心",
            (amt(1850), amt(1850), EMPTY),
            ["为辖区居民免费提供12类国家基本公共卫生服务。", "重点人群健康管理率达到国家标准。"],
            [
                i("产出指标", "数量指标", "老年人健康体检人数", "≥1200人", "65岁及以上"),
                i("产出指标", "质量指标", "高血压患者规范管理率", "≥70%"),
                i("产出指标", "质量指标", "糖尿病患者规范管理率", "≥70%"),
                i("效益指标", "社会效益指标", "居民健康水平", "稳步提高"),
                i("满意度指标", "服务对象满意度指标", "居民满意度", "≥90%", "第三方调查"),
            ],
        ),
        _linxi_project(
            "妇幼健康服务",
            "临西县妇幼保健院",
            (amt(560), amt(480), amt(80)),
            ["完成农村适龄妇女两癌筛查，孕产妇系统管理率达到90%以上。"],
            [
                i("产出指标", "数量指标", "两癌筛查人数", "≥500人"),
                i("产出指标", "质量指标", "孕产妇系统管理率", "≥90%"),
                i("产出指标", "质量指标", "孕产妇死亡率", "≤15/10万"),
                i("满意度指标", "服务对象满意度指标", "服务对象满意度", "≥95%"),
            ],
        ),
        _linxi_project(
            "医疗设备购置",
            "临西县人民医院",
            (amt(320), amt(300), amt(20)),
            ["购置CT、彩超等医疗设备，提升县域医疗服务能力。"],
            [
                i("产出指标", "数量指标", "购置医疗设备", "36台（套）"),
                i("产出指标", "质量指标", "设备验收合格率", "100%"),
                i("成本指标", "经济成本指标", "设备采购成本", "≤90万元", "单台"),
                i("效益指标", "社会效益指标", "县域内就诊率", "≥90%"),
                i("满意度指标", "服务对象满意度指标", "患者满意度", "≥90%"),
            ],
        ),
    ],
)

REPORTS: list[TableReport] = [EZHOU_2021, NINGJIN_2023, LINXI_2024]
