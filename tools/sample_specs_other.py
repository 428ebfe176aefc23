"""Specs of the `mixed` and `unknown` samples.

- mixed/chengde_2022 (河北 承德, R11's 部门预算绩效文本): a hebei Part 1 (总体绩效目标,
  分项绩效目标, 工作保障措施, TC-coded headings) followed by national-style project
  tables (主管部门及代码 `[326001]…`, 项目执行单位). Every table is national, so
  `report.layout` is `national`; the prose still gives department goals and
  measures. GB18030, CRLF. Warnings: none.
- unknown/ningjin_ziping_2022 (R07's 项目支出绩效自评表): two self-evaluation
  tables (年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分; 年度指标值 |
  实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施; cells merged across rows and
  columns). No layout reads them: `layout` null, one `unknown_layout` warning,
  both tables in `unrecognised_tables`; the department is the first 主管部门
  printed (`305-宁晋县农业农村局`), the year its year lines'. UTF-16 LE, CRLF.
"""

from __future__ import annotations

from sample_render import Cell, Grid
from sample_specs import EMPTY, amt
from sample_tables import Ind, Org, ProjectTable, Prose, RawTable, TableReport, label, widths

# ---------------------------------------------------------------------------
# mixed
# ---------------------------------------------------------------------------

CHENGDE = Org("[326001]承德县民政局", "326001", "承德县民政局")


def _chengde(n: int, name: str, money: tuple, goals: list[str], inds: list[Ind]) -> ProjectTable:
    total, fiscal, other = money
    return ProjectTable(
        form="88",
        title=[f"{n}、{name}项目支出绩效目标表", "（2022年度）"],
        name=name,
        department=("主管部门及代码", CHENGDE),
        unit=("项目执行单位", Org("承德县民政局", None, "承德县民政局")),
        money_label="项目资金（万元）",
        total=("年度资金总额", total),
        fiscal=("其中：财政拨款", fiscal),
        other=("其他资金", other),
        goals=("年度目标", goals),
        header=["一级指标", "二级指标", "三级指标", "指标值"],
        block_label="绩效指标",
        widths=[11, 13, 15, 24, 14],
        indicators=inds,
        new_page=True,
    )


CHENGDE_2022 = TableReport(
    name="chengde_2022",
    encoding="gb18030",
    newline="\r\n",
    year=2022,
    doc_title="承德县民政局2022年部门预算绩效文本",
    parts=[
        Prose(
            intro="2022年部门预算收支范围内，确保完成以下整体目标：",
            overall=[
                "兜牢民生底线，城乡低保、特困供养等救助资金按时足额发放。",
                "完善养老服务体系，提升农村互助幸福院运营水平。",
                "推进殡葬改革，落实惠民殡葬政策。",
            ],
            sub=[
                "社会救助：全年保障城乡低保对象和特困人员基本生活，应保尽保。",
                "养老服务：新建农村互助幸福院4所，改善老年人生活条件。",
            ],
            measures=[
                (
                    "加强组织领导。",
                    "成立由局长任组长的预算绩效管理领导小组，各股室按职责分工抓好项目实施，确保目标任务落到实处。",
                ),
                (
                    "强化资金监管。",
                    "严格执行专项资金管理办法，救助资金实行社会化发放，定期开展专项检查，确保资金安全。",
                ),
                ("做好绩效监控。", "对项目执行进度和绩效目标实现情况开展跟踪监控，发现问题及时整改。"),
            ],
        ),
        _chengde(
            1,
            "城乡居民最低生活保障",
            (amt(3260), amt(3260), EMPTY),
            ["按时足额发放城乡低保金，保障低保对象基本生活。", "低保对象动态管理，做到应保尽保、应退尽退。"],
            [
                Ind("产出指标", "数量指标", "城乡低保保障人数", "≥500人"),
                Ind("产出指标", "质量指标", "低保金社会化发放率", "100%"),
                Ind("产出指标", "时效指标", "低保金按月发放", "按时完成"),
                Ind("效益指标", "社会效益指标", "困难群众基本生活保障", "效果明显"),
                Ind("满意度指标", "服务对象满意度指标", "低保对象满意度", "≥90%"),
            ],
        ),
        _chengde(
            2,
            "农村互助幸福院建设",
            (amt(96), amt(80), amt(16)),
            ["新建农村互助幸福院4所并投入运营。"],
            [
                Ind("产出指标", "数量指标", "新建互助幸福院", "4所"),
                Ind("产出指标", "质量指标", "工程验收合格率", "100%"),
                Ind("效益指标", "可持续影响指标", "农村养老服务能力", "稳步提高"),
                Ind("满意度指标", "服务对象满意度指标", "入住老人满意度", "≥95%"),
            ],
        ),
    ],
)

MIXED_REPORTS: list[TableReport] = [CHENGDE_2022]


# ---------------------------------------------------------------------------
# unknown: a 项目支出绩效自评表 (R07), drawn cell by cell: its truth is the grid itself
# ---------------------------------------------------------------------------

NINGJIN_AGRI = Org("305-宁晋县农业农村局", "305", "宁晋县农业农村局")
_C = "continue"


def self_evaluation(
    name: str, unit: str, money: list[list[str]], goal: tuple[str, str], inds: list[list[str]], total: tuple[str, str]
) -> Grid:
    """项目名称 …, 项目资金 (6 figures per money row), 年度总体目标, 绩效指标 (8 columns), 总分."""
    grid = Grid(widths(8600, [11, 11, 11, 12, 10, 10, 7, 7, 14]))
    grid.add(label("项目名称"), Cell(name, 8))
    grid.add(label("主管部门"), Cell(NINGJIN_AGRI.printed, 3), label("实施单位"), Cell(unit, 4))
    grid.add(label("项目资金（万元）", "restart"), Cell("", 2), *(label(h) for h in ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")))  # fmt: skip
    for figures in money:
        grid.add(label(merge=_C), Cell(figures[0], 2), *(Cell(f) for f in figures[1:]))
    grid.add(label("年度总体目标", "restart"), label("预期目标", span=4), label("实际完成情况", span=4))
    grid.add(label(merge=_C), Cell(goal[0], 4, align="left"), Cell(goal[1], 4, align="left"))
    header = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施")
    grid.add(label("绩效指标", "restart"), *(label(h) for h in header))
    for k, row in enumerate(inds):
        first = k == 0 or inds[k - 1][0] != row[0]
        merge1 = _C if not first else ("restart" if k + 1 < len(inds) and inds[k + 1][0] == row[0] else None)
        cells = [Cell("" if merge1 == _C else row[0], merge=merge1)] + [Cell(t) for t in row[1:]]
        grid.add(label(merge=_C), *cells)
    grid.add(label("总分", span=6), Cell(total[0]), Cell(total[1]), Cell(""))
    return grid


NINGJIN_ZIPING_2022 = TableReport(
    name="ningjin_ziping_2022",
    encoding="utf-16",
    newline="\r\n",
    year=2022,
    doc_title="宁晋县农业农村局2022年度项目支出绩效自评表",
    parts=[
        RawTable(
            title=["农村人居环境整治项目支出绩效自评表", "（2022年度）"],
            expected_title="农村人居环境整治项目支出绩效自评表",
            department=NINGJIN_AGRI,
            grid_spec=self_evaluation(
                "农村人居环境整治",
                "305002-宁晋县农村社会事业促进中心",
                [
                    ["年度资金总额", "120", "120", "114", "10", "95%", "9.5"],
                    ["其中：本年财政拨款", "100", "100", "96", "—", "96%", "—"],
                    ["上年结转资金", "20", "20", "18", "—", "90%", "—"],
                    ["其他资金", "0", "0", "0", "—", "—", "—"],
                ],
                (
                    "完成20个村生活垃圾治理和户厕改造，村庄环境干净整洁。",
                    "完成20个村生活垃圾治理，改造户厕1,200户，村庄环境明显改善。",
                ),
                [
                    ["产出指标(50分)", "数量指标", "整治村庄数量", "≥20个", "20个", "20", "20", ""],
                    ["产出指标(50分)", "数量指标", "户厕改造数量", "1,200户", "1,200户", "15", "15", ""],
                    ["产出指标(50分)", "质量指标", "改厕验收合格率", "≥95%", "96%", "15", "15", ""],
                    ["效益指标(30分)", "社会效益指标", "村容村貌", "效果明显", "达成预期指标", "15", "15", ""],
                    [
                        "效益指标(30分)",
                        "生态效益指标",
                        "生活垃圾无害化处理率",
                        "≥90%",
                        "88%",
                        "15",
                        "13",
                        "部分偏远村转运不及时，下年增加转运车辆",
                    ],  # fmt: skip
                    ["满意度指标(10分)", "服务对象满意度指标", "村民满意度", "≥90%", "93%", "10", "10", ""],
                ],
                ("100", "97.5"),
            ),
        ),
        RawTable(
            title=["高标准农田建设项目支出绩效自评表", "（2022年度）", "单位：万元"],
            expected_title="高标准农田建设项目支出绩效自评表",
            grid_spec=self_evaluation(
                "高标准农田建设",
                "305003-宁晋县农田建设服务中心",
                [
                    ["年度资金总额", "1500", "1500", "1380", "10", "92%", "9.2"],
                    ["其中：本年财政拨款", "1500", "1500", "1380", "—", "92%", "—"],
                    ["其他资金", "0", "0", "0", "—", "—", "—"],
                ],
                ("新建高标准农田2万亩，配套灌溉排水设施。", "新建高标准农田2万亩，工程全部通过验收。"),
                [
                    ["产出指标(50分)", "数量指标", "新建高标准农田面积", "≥2万亩", "2万亩", "20", "20", ""],
                    ["产出指标(50分)", "质量指标", "工程验收合格率", "100%", "100%", "15", "15", ""],
                    [
                        "产出指标(50分)",
                        "时效指标",
                        "项目完成及时率",
                        "100%",
                        "90%",
                        "15",
                        "12",
                        "受降雨影响工期推迟，已督促施工单位加快进度",
                    ],  # fmt: skip
                    ["效益指标(30分)", "经济效益指标", "亩均节本增效", "≥100元", "120元", "15", "15", ""],
                    ["效益指标(30分)", "可持续影响指标", "耕地质量等级", "稳步提高", "达成预期指标", "15", "15", ""],
                    ["满意度指标(10分)", "服务对象满意度指标", "项目区农户满意度", "≥90%", "95%", "10", "10", ""],
                ],
                ("100", "96.2"),
            ),
        ),
    ],
)

UNKNOWN_REPORTS: list[TableReport] = [NINGJIN_ZIPING_2022]
