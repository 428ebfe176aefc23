"""The PDF reader's layout rules, on small PDFs drawn for each case."""

from __future__ import annotations

from fixtures.pdf.pdfwriter import PageDrawing, pdf_bytes, wrap
from jixiao.extract.model import Heading, Paragraph
from jixiao.extract.pdf import read_pdf

SIZE = 10.5
LEFT, RIGHT = 90.0, 505.0
PAD = 3.0


def read(tmp_path, pages):
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf_bytes(pages))
    return read_pdf(path)


def fill_cell(page: PageDrawing, x0: float, x1: float, top: float, text: str) -> None:
    """Write `text` into a cell, wrapped to its width, each `\\n` starting a new line."""
    line_top = top + PAD
    for paragraph in text.split("\n"):
        for line in wrap(paragraph, x1 - x0 - 2 * PAD, SIZE):
            page.text(x0 + PAD, line_top, line, SIZE)
            line_top += SIZE * 1.4


def draw_table(page: PageDrawing, xs: list[float], ys: list[float], cells: dict, merged=()) -> None:
    """`cells` maps (row, col) of a cell's top-left corner to its text; `merged` as in PageDrawing.grid."""
    page.grid(xs, ys, merged)
    for (row, col), text in cells.items():
        last_col = next((c1 for r0, c0, _r1, c1 in merged if (r0, c0) == (row, col)), col)
        fill_cell(page, xs[col], xs[last_col + 1], ys[row], text)


def blocks_of(document, kind):
    return [b for b in document.blocks if isinstance(b, kind)]


def test_wrapped_cjk_paragraph_is_joined_without_spaces(tmp_path):
    first = "保障职工工资、福利正常发放，提高工作积极性、确保事务局各项工作正常运转。加强县直行政机关国有资产管理，维护国有资产安全和完整。"
    second = "2、保障必要的办公条件，提高工作效率，确保机关工作正常开展，促进业务工作效率。"
    page = PageDrawing()
    top = page.paragraph(LEFT, 100, first, RIGHT - LEFT, SIZE, indent=2 * SIZE)
    page.paragraph(LEFT, top, second, RIGHT - LEFT, SIZE)
    document = read(tmp_path, [page])
    assert [b.text for b in blocks_of(document, Paragraph)] == [first, second]


def test_latin_words_keep_their_space_across_a_wrap(tmp_path):
    text = "项目资金 Annual budget of the county office for the years 2020 and 2021, spent on the vehicle service platform 保障运转"
    page = PageDrawing()
    top = page.paragraph(LEFT, 100, text, RIGHT - LEFT)
    page.paragraph(
        LEFT, top + 10, "第二段：正文内容延续到这一行的最右边，直到文本框的右边缘为止，没有留下空位。", RIGHT - LEFT
    )
    document = read(tmp_path, [page])
    assert len(wrap(text, RIGHT - LEFT, SIZE)) > 1
    assert blocks_of(document, Paragraph)[0].text == text


def test_headings_by_size_boldness_and_centring(tmp_path):
    page = PageDrawing()
    page.text(250, 80, "第一部分", size=18, bold=True)
    page.text(LEFT, 120, "一、总体绩效目标", size=15, bold=True)
    page.paragraph(
        LEFT,
        150,
        "正文内容，足够长的一段文字，用来确定正文的字号和文本框的左右边缘，并且会换行到下一行继续。",
        RIGHT - LEFT,
    )
    page.text(LEFT, 200, "1、公务用车服务平台运行绩效目标表")
    document = read(tmp_path, [page])
    assert [b.text for b in blocks_of(document, Heading)] == [
        "第一部分",
        "一、总体绩效目标",
        "1、公务用车服务平台运行绩效目标表",
    ]
    assert len(blocks_of(document, Paragraph)) == 1


def test_running_headers_footers_and_page_numbers_are_dropped(tmp_path):
    text = "本项目资金主要用于机关大院内的日常维修、大型机组维修、房屋设施维修、部分办公家具设备的购置。" * 6
    lines = wrap(text, RIGHT - LEFT, SIZE)
    pages = []
    for number, chunk in enumerate((lines[:4], lines[4:8], lines[8:]), start=1):
        page = PageDrawing()
        page.text(LEFT, 40 + number * 0.7, f"临西县机关事务管理局2020年部门预算 共3页之{number}", size=9)
        for i, line in enumerate(chunk):
            page.text(LEFT, 100 + i * 16, line)
        footer = {1: "- 1 -", 2: "第 2 页 共 3 页", 3: "3"}[number]
        page.text(290, 800, footer, size=9)
        pages.append(page)
    document = read(tmp_path, pages)
    assert [b.text for b in document.blocks] == [text]
    assert document.blocks[0].page == 1
    assert document.pages == 3


def test_merged_cells_are_one_cell_with_their_span(tmp_path):
    page = PageDrawing()
    xs, ys = [LEFT, 190, 290, 390, RIGHT], [100, 120, 140, 160]
    cells = {
        (0, 0): "项目编码",
        (0, 1): "430-0402-JBN-N4TP",
        (0, 3): "单位",
        (1, 0): "产出指标",
        (1, 1): "数量指标",
        (1, 2): "覆盖率",
        (1, 3): "≥95%",
        (2, 1): "时效指标",
        (2, 2): "完成率",
        (2, 3): "≥90%",
    }
    draw_table(page, xs, ys, cells, merged=((0, 1, 0, 2), (1, 0, 2, 0)))
    (table,) = read(tmp_path, [page]).tables
    by_text = {c.text: c for c in table.cells}
    assert (by_text["430-0402-JBN-N4TP"].colspan, by_text["430-0402-JBN-N4TP"].rowspan) == (2, 1)
    assert (by_text["产出指标"].row, by_text["产出指标"].rowspan) == (1, 2)
    assert [[c.text for c in row] for row in table.rows()] == [
        ["项目编码", "430-0402-JBN-N4TP", "单位"],
        ["产出指标", "数量指标", "覆盖率", "≥95%"],
        ["产出指标", "时效指标", "完成率", "≥90%"],
    ]


def test_cell_text_keeps_item_breaks_and_undoes_wraps(tmp_path):
    goals = "1、规范管理，合理使用，保障房屋安全；加强产权产籍管理和县直住房改革保障管理。\n2、加强县直行政机关国有资产管理，维护国有资产安全和完整。"
    page = PageDrawing()
    draw_table(page, [LEFT, 150, RIGHT], [100, 160], {(0, 0): "绩效目标", (0, 1): goals})
    (table,) = read(tmp_path, [page]).tables
    assert [c.text for c in table.cells] == ["绩效目标", goals]


INDICATOR_XS = [LEFT, 150, 210, 270, 400, 450, RIGHT]
HEADER = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]


def indicator_row(page: PageDrawing, top: float, values: list[str], height: float = 30) -> float:
    """One ruled row of the indicator table; returns its bottom."""
    page.grid(INDICATOR_XS, [top, top + height])
    for col, text in enumerate(values):
        if text:
            fill_cell(page, INDICATOR_XS[col], INDICATOR_XS[col + 1], top, text)
    return top + height


def test_table_continued_with_a_repeated_header_is_one_table(tmp_path):
    first, second = PageDrawing(), PageDrawing()
    first.text(LEFT, 60, "1、项目绩效目标表", bold=True)
    top = indicator_row(first, 80, HEADER, 35)
    for n in range(21):
        top = indicator_row(first, top, ["产出指标", "数量指标", f"指标{n}", "描述", "≥95%", "文件"])
    assert top > 740  # the table fills the page
    top = indicator_row(second, 72, HEADER, 35)
    for n in range(21, 25):
        top = indicator_row(second, top, ["效果指标", "社会效益指标", f"指标{n}", "描述", "≥90%", "文件"])
    second.text(LEFT, top + 30, "其后的正文段落。")
    document = read(tmp_path, [first, second])
    (table,) = document.tables
    rows = [[c.text for c in row] for row in table.rows()]
    assert rows[0] == HEADER
    assert [row[2] for row in rows[1:]] == [f"指标{n}" for n in range(25)]
    assert table.rows()[-1][0].page == 2
    assert isinstance(document.blocks[-1], Paragraph)


def test_row_cut_by_the_page_break_is_joined_back(tmp_path):
    purpose = "公车服务平台发挥监督管理和协调能力，保障全县公车的正常运行；公务用车监管工作平稳运行，规范公务用车的使用，为全县各单位提供快捷高效的公务出行。本项目资金主要用于公务用车运行费用。"
    lines = wrap(purpose, 415 - 2 * PAD - 60, SIZE)
    first, second = PageDrawing(), PageDrawing()
    xs = [LEFT, 150, RIGHT]
    first.grid(xs, [700, 720, 752])  # the cut row is full: its text runs to the bottom
    fill_cell(first, LEFT, 150, 700, "项目名称")
    fill_cell(first, 150, RIGHT, 700, "公务用车服务平台运行")
    fill_cell(first, LEFT, 150, 720, "资金用途")
    fill_cell(first, 150, RIGHT, 720, "".join(lines[:2]))
    second.grid(xs, [72, 100, 120])
    fill_cell(second, 150, RIGHT, 72, "".join(lines[2:]))
    fill_cell(second, LEFT, 150, 100, "绩效目标")
    fill_cell(second, 150, RIGHT, 100, "1、做好车辆监督工作。")
    (table,) = read(tmp_path, [first, second]).tables
    assert [[c.text for c in row] for row in table.rows()] == [
        ["项目名称", "公务用车服务平台运行"],
        ["资金用途", purpose],
        ["绩效目标", "1、做好车辆监督工作。"],
    ]
    assert table.rows()[1][1].page == 1


def test_new_row_under_a_merge_continuing_on_the_next_page_is_not_joined(tmp_path):
    first, second = PageDrawing(), PageDrawing()
    ys = [702, 732, 762]
    first.grid(INDICATOR_XS, ys, merged=((0, 0, 1, 0),))
    fill_cell(first, INDICATOR_XS[0], INDICATOR_XS[1], 702, "产出指标")
    for row, name in enumerate(["覆盖率", "完成率"]):
        for col, text in enumerate(["数量指标", name, "描述", "≥95%", "文件"], start=1):
            fill_cell(first, INDICATOR_XS[col], INDICATOR_XS[col + 1], ys[row], text)
    indicator_row(second, 72, ["", "时效指标", "及时率", "描述", "≥90%", "文件"])
    (table,) = read(tmp_path, [first, second]).tables
    assert [[c.text for c in row][1:3] for row in table.rows()] == [
        ["数量指标", "覆盖率"],
        ["数量指标", "完成率"],
        ["时效指标", "及时率"],
    ]


def test_tables_separated_by_a_heading_stay_apart(tmp_path):
    first, second = PageDrawing(), PageDrawing()
    indicator_row(first, 700, HEADER, 62)
    second.text(LEFT, 72, "2、机关后勤运行保障绩效目标表", bold=True)
    indicator_row(second, 100, HEADER, 35)
    document = read(tmp_path, [first, second])
    assert [t.index for t in document.tables] == [1, 2]


def test_fake_bold_doubled_glyphs_are_read_once(tmp_path):
    page = PageDrawing()
    page.text(LEFT, 100, "部门整体绩效目标", size=16)
    page.text(LEFT + 0.3, 100.2, "部门整体绩效目标", size=16)
    page.paragraph(
        LEFT,
        140,
        "正文内容，足够长的一段文字，用来确定正文的字号和文本框的左右边缘，并且会换行到下一行继续。",
        RIGHT - LEFT,
    )
    document = read(tmp_path, [page])
    assert document.blocks[0].text == "部门整体绩效目标"


def label_split_pages(upper_label: list[str], lower_label: str) -> list[PageDrawing]:
    """A two-row block whose left label is cut by the page break: its first lines above, `lower_label` below."""
    first, second = PageDrawing(), PageDrawing()
    xs = [LEFT, LEFT + 4 * SIZE + 2 * PAD, 300, RIGHT]
    first.grid(xs, [720, 720 + len(upper_label) * SIZE * 1.4 + 2 * PAD])
    for number, line in enumerate(upper_label):
        first.text(LEFT + PAD, 720 + PAD + number * SIZE * 1.4, line)
    fill_cell(first, xs[1], xs[2], 720, "预算数")
    fill_cell(first, xs[2], xs[3], 720, "12.00")
    second.grid([xs[0], xs[1], xs[3]], [72, 100])
    fill_cell(second, xs[0], xs[1], 72, lower_label)
    fill_cell(second, xs[1], xs[3], 72, "保障全县公车的正常运行。")
    return [first, second]


def test_label_cut_by_the_page_break_is_joined_to_its_start(tmp_path):
    (table,) = read(tmp_path, label_split_pages(["预算规模", "及资金用"], "途")).tables
    assert [[c.text for c in row] for row in table.rows()] == [
        ["预算规模及资金用途", "预算数", "12.00"],
        ["预算规模及资金用途", "保障全县公车的正常运行。"],
    ]


def test_label_of_its_own_below_a_finished_label_stays_apart(tmp_path):
    (table,) = read(tmp_path, label_split_pages(["满意度指", "标"], "合计")).tables
    assert [row[0].text for row in table.rows()] == ["满意度指标", "合计"]


TASKS = [
    ["任务名称", "主要内容", "预算金额"],
    ["机关运行", "保障机关正常运转", "120.00"],
    ["公务用车", "公车服务平台运行维护", "12.00"],
]


def test_table_drawn_with_horizontal_rules_only(tmp_path):
    page = PageDrawing()
    page.paragraph(
        LEFT,
        80,
        "正文内容，足够长的一段文字，用来确定正文的字号和文本框的左右边缘，并且会换行到下一行继续。",
        RIGHT - LEFT,
    )
    for number, row in enumerate(TASKS):
        top = 130 + number * 20
        page.line(LEFT, top, RIGHT, top)
        for x, text in zip((95, 200, 400), row, strict=True):
            page.text(x, top + 4, text)
    page.line(LEFT, 190, RIGHT, 190)
    page.text(LEFT, 210, "表后正文。")
    document = read(tmp_path, [page])
    (table,) = document.tables
    assert [[c.text for c in row] for row in table.rows()] == TASKS
    assert [b.text for b in document.blocks[-1:]] == ["表后正文。"]


def test_grid_without_its_outer_border_keeps_its_outer_columns(tmp_path):
    page = PageDrawing()
    xs = [LEFT, 190, 390, RIGHT]
    for number, row in enumerate(TASKS):
        top = 130 + number * 20
        page.line(LEFT, top, RIGHT, top)
        for col, text in enumerate(row):
            fill_cell(page, xs[col], xs[col + 1], top, text)
    page.line(LEFT, 190, RIGHT, 190)
    for x in xs[1:-1]:  # inner column lines only
        page.line(x, 130, x, 190)
    (table,) = read(tmp_path, [page]).tables
    assert [[c.text for c in row] for row in table.rows()] == TASKS


def test_rules_around_a_paragraph_are_not_a_table(tmp_path):
    page = PageDrawing()
    page.line(LEFT, 100, RIGHT, 100)
    page.paragraph(
        LEFT,
        105,
        "说明：本表所列项目均为年度预算项目，资金来源为一般公共预算拨款，执行中如有调整另行报批。",
        RIGHT - LEFT,
    )
    page.line(LEFT, 140, RIGHT, 140)
    page.text(LEFT, 145, "以上为说明。")
    page.line(LEFT, 160, RIGHT, 160)
    document = read(tmp_path, [page])
    assert document.tables == []
    assert len(blocks_of(document, Paragraph)) == 2


def test_purpose_cut_under_a_merged_label_is_joined_back(tmp_path):
    purpose = "在局党组的领导下，在相关业务科室的具体指导下，以开展实践活动为契机，坚定信念、强化意识，提高自觉性，进一步强化服务意识，转变工作作风。本项目资金主要用于日常零星开支、公务接待及培训费。"
    xs = [LEFT, 150, 250, RIGHT]
    lines = wrap(purpose, RIGHT - 150 - 2 * PAD, SIZE)
    first, second = PageDrawing(), PageDrawing()
    above = 2 * SIZE * 1.4 + 2 * PAD  # two lines, full: the rest goes over the break
    first.grid(xs, [700, 720, 720 + above], merged=((0, 0, 1, 0), (1, 1, 1, 2)))
    fill_cell(first, xs[0], xs[1], 700, "预算规模及资金用途")
    fill_cell(first, xs[1], xs[2], 700, "预算数")
    fill_cell(first, xs[2], xs[3], 700, "65.00")
    fill_cell(first, xs[1], xs[3], 720, "".join(lines[:2]))
    rest = 72 + (len(lines) - 2) * SIZE * 1.4 + 2 * PAD
    second.grid([xs[0], xs[1], xs[3]], [72, rest, rest + 20])
    fill_cell(second, xs[1], xs[3], 72, "".join(lines[2:]))
    fill_cell(second, xs[0], xs[1], rest, "绩效目标")
    fill_cell(second, xs[1], xs[3], rest, "1、推进工作。")
    (table,) = read(tmp_path, [first, second]).tables
    assert [[c.text for c in row] for row in table.rows()] == [
        ["预算规模及资金用途", "预算数", "65.00"],
        ["预算规模及资金用途", purpose],
        ["绩效目标", "1、推进工作。"],
    ]


def test_one_line_rows_under_a_merge_are_never_joined(tmp_path):
    first, second = PageDrawing(), PageDrawing()
    height = SIZE * 1.4 + 2 * PAD  # every cell fills its row
    ys = [760 - 2 * height, 760 - height, 760]
    first.grid(INDICATOR_XS, ys, merged=((0, 0, 1, 0),))
    fill_cell(first, INDICATOR_XS[0], INDICATOR_XS[1], ys[0], "产出指标")
    for row, name in enumerate(["覆盖率", "完成率"]):
        for col, text in enumerate(["数量指标", name, "描述", "≥95%", "文件"], start=1):
            fill_cell(first, INDICATOR_XS[col], INDICATOR_XS[col + 1], ys[row], text)
    indicator_row(second, 72, ["", "时效指标", "及时率", "描述", "≥90%", "文件"], height)
    (table,) = read(tmp_path, [first, second]).tables
    assert [row[2].text for row in table.rows()] == ["覆盖率", "完成率", "及时率"]


def test_spaces_come_from_gaps_only_where_they_are_word_gaps(tmp_path):
    """Justified CJK has wide letter spacing but no spaces; Latin words drawn without space glyphs keep theirs."""
    page = PageDrawing()
    x = LEFT
    for glyph in "保障全县公车的正常运行":
        x = page.text(x, 100, glyph) + 3.0  # justified: 3 pt between glyphs
    x = LEFT
    for word in ("Annual", "budget", "2020"):
        x = page.text(x, 130, word) + 3.0  # a word gap with no space glyph
    document = read(tmp_path, [page])
    assert [b.text for b in document.blocks] == ["保障全县公车的正常运行", "Annual budget 2020"]
