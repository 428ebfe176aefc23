"""The format-neutral half of the PDF reader fed by hand: what any page source (OCR too) gives it.

Pages are built as `PageContent` directly, with word-sized glyphs as an OCR
engine gives them and ruling segments as image morphology finds them; no
PDF and no PDF parser is involved.
"""

from __future__ import annotations

from jixiao.extract.model import Paragraph, Table
from jixiao.extract.page import Glyph, PageContent, Segment
from jixiao.extract.page_assembly import assemble, lay_out

SIZE = 10.0


def word(text: str, x0: float, top: float) -> Glyph:
    return Glyph(text, x0, top, x0 + SIZE * len(text), top + SIZE, SIZE)


def grid(xs: list[float], ys: list[float], skip_vertical: set[tuple[int, int]] = frozenset()) -> list[Segment]:
    """Rules of a grid; `skip_vertical` holds (row, column line) pairs left out, which merges two cells."""
    segments = [Segment(xs[0], y, xs[-1], y) for y in ys]
    for c, x in enumerate(xs):
        for r in range(len(ys) - 1):
            if (r, c) not in skip_vertical:
                segments.append(Segment(x, ys[r], x, ys[r + 1]))
    return segments


def page(number: int, glyphs: list[Glyph], segments: list[Segment]) -> PageContent:
    return PageContent(number=number, width=595, height=842, glyphs=glyphs, segments=segments)


def read(pages: list[PageContent]) -> tuple[list, list]:
    notes: list = []
    return assemble([lay_out(p, notes) for p in pages]), notes


def test_words_in_a_ruled_grid_become_cells_with_their_spans():
    xs, ys = [100, 200, 300, 400], [300, 330, 360]
    glyphs = [
        word("项目名称", 105, 310),
        word("公务用车服务", 205, 310),  # the merged cell over columns 1 and 2
        word("预算数", 105, 340),
        word("12.00", 205, 340),
        word("万元", 305, 340),
        word("说明文字在表格之外。", 100, 400),
    ]
    blocks, notes = read([page(1, glyphs, grid(xs, ys, skip_vertical={(0, 2)}))])
    assert notes == []
    table, paragraph = blocks
    assert isinstance(table, Table) and (table.n_rows, table.n_cols) == (2, 3)
    assert [(c.text, c.row, c.col, c.colspan) for c in table.cells] == [
        ("项目名称", 0, 0, 1),
        ("公务用车服务", 0, 1, 2),
        ("预算数", 1, 0, 1),
        ("12.00", 1, 1, 1),
        ("万元", 1, 2, 1),
    ]
    assert isinstance(paragraph, Paragraph) and paragraph.text == "说明文字在表格之外。"


def test_a_table_continued_on_the_next_page_is_stitched_and_running_headers_dropped():
    xs = [100, 200, 400]
    header = word("临西县机关事务管理局", 100, 40)
    first = page(1, [header, word("指标", 105, 310), word("数量指标", 205, 310)], grid(xs, [300, 330]))
    second = page(2, [header, word("指标", 105, 110), word("质量指标", 205, 110)], grid(xs, [100, 130]))
    blocks, _ = read([first, second])
    assert len(blocks) == 1
    table = blocks[0]
    assert [[c.text for c in row] for row in table.rows()] == [["指标", "数量指标"], ["指标", "质量指标"]]
    assert [c.page for c in table.cells] == [1, 1, 2, 2]


def test_a_page_given_as_plain_text_is_one_paragraph():
    blocks, _ = read([PageContent(number=1, width=595, height=842, plain_text="第一行\n第二行")])
    assert [b.text for b in blocks] == ["第一行\n第二行"]
