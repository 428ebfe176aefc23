"""Word's text export → document model: encodings, line endings, cells, TC codes."""

import pytest
from jixiao.extract import Heading, Paragraph, ReadError, Table, read_document
from jixiao.extract.fields import parse_tc, split_tc
from jixiao.extract.model import TCEntry
from jixiao.extract.text import parse_text

SMALL = "标题 TC 标题 \\f A \\l 1 \n正文一段。\n\tA1\n\tB1\n\n\t\n\tB2\n第二行\n\n\n段落\n"


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
     ("gb18030", b""), ("gbk", b"")],
)  # fmt: skip
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_encoding_and_line_ending_reads_the_same(tmp_path, encoding, bom, newline):
    path = tmp_path / "r.txt"
    path.write_bytes(bom + (SMALL * 20).replace("\n", newline).encode(encoding))
    document = read_document(path)
    assert [type(b).__name__ for b in document.blocks[:5]] == ["Heading", "Paragraph", "Table", "Paragraph", "Heading"]
    assert document.blocks[0].text == "标题"
    assert document.tables[0].rows()[1][1].text == "B2\n第二行"


def test_cells_rows_merges_and_continuations():
    document = parse_text(SMALL)
    table = document.tables[0]
    assert (table.index, table.n_rows, table.n_cols) == (1, 2, 2)
    assert [[c.text for c in row] for row in table.rows()] == [["A1", "B1"], ["", "B2\n第二行"]]
    assert [(c.row, c.col) for c in table.cells] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert isinstance(document.blocks[3], Paragraph) and document.blocks[3].text == "段落"


def test_tables_are_numbered_in_document_order():
    document = parse_text("\ta\n\n段\n\tb\n\n段\n\tc\n")
    assert [t.index for t in document.tables] == [1, 2, 3]


def test_an_empty_paragraph_inside_a_cell_does_not_end_the_table():
    document = parse_text("\t绩效目标\n\t1、甲\n2、乙\n\n\n\t一级指标\n")
    assert len(document.tables) == 1
    assert document.tables[0].n_rows == 2


@pytest.mark.parametrize(
    ("line", "visible", "entry"),
    [
        ("一、总体绩效目标 TC 总体绩效目标 \\f A \\l 1 ", "一、总体绩效目标", TCEntry("总体绩效目标", "A", 1)),
        ('1、甲绩效目标表 TC "1、甲绩效目标表" \\f C \\l 1', "1、甲绩效目标表", TCEntry("1、甲绩效目标表", "C", 1)),
        ('标题 { TC "多 词" \\l 2 }', "标题", TCEntry("多 词", None, 2)),
        ("标题 TC 标题", "标题", TCEntry("标题", None, None)),
        ("TCP 协议的说明", "TCP 协议的说明", None),
    ],
)
def test_tc_field_codes_are_split_off(line, visible, entry):
    assert split_tc(line) == (visible, entry)


def test_tc_code_never_leaks_into_heading_text():
    document = parse_text("二、分项绩效目标 TC 分项绩效目标 \\f A \\l 1 \n")
    heading = document.blocks[0]
    assert isinstance(heading, Heading)
    assert heading.text == "二、分项绩效目标" and "TC" not in heading.text and heading.level == 1


def test_parse_tc_of_instruction_text():
    assert parse_tc(' TC "甲" \\f C \\l 1 ') == TCEntry("甲", "C", 1)
    assert parse_tc(' TOC \\o "1-3" ') is None


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "empty"), (b"\r\n\r\n", "empty"), (bytes(range(256)) * 40, "not text")],
)
def test_unreadable_text_files_say_why(tmp_path, content, reason):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(ReadError, match=reason):
        read_document(path)


def test_row_view_repeats_a_spanning_cell_in_every_row_it_covers():
    from jixiao.extract import Cell

    table = Table(index=1, n_rows=3, n_cols=2)
    table.cells = [Cell("产出指标", 0, 0, rowspan=3), Cell("a", 0, 1), Cell("b", 1, 1), Cell("c", 2, 1)]
    assert [[c.text for c in row] for row in table.rows()] == [["产出指标", "a"], ["产出指标", "b"], ["产出指标", "c"]]
