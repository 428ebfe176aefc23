"""The .docx reader against each quirk real Word files carry; one test per quirk, named after it."""

from __future__ import annotations

import docx as python_docx
import pytest
from jixiao.extract import read_document
from jixiao.extract.model import Heading, Paragraph, Table

from tests.fixtures.word.builders import docx_bytes, field, p, r, tbl, tc, tr


def read_body(tmp_path, body: str, **kwargs):
    path = tmp_path / "t.docx"
    path.write_bytes(docx_bytes(body, **kwargs))
    return read_document(path)


def texts(document) -> list[str]:
    return [block.text for block in document.blocks if not isinstance(block, Table)]


def grid(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row] for row in table.rows()]


# --- tables ------------------------------------------------------------------


def test_vmerge_restart_and_continue_make_one_cell_with_rowspan(tmp_path):
    body = tbl(
        2,
        tr(tc("产出指标", '<w:vMerge w:val="restart"/>'), tc("数量")),
        tr(tc("", "<w:vMerge/>"), tc("质量")),
        tr(tc("", '<w:vMerge w:val="continue"/>'), tc("时效")),
        tr(tc("效益指标"), tc("社会")),
    )
    table = read_body(tmp_path, body).tables[0]
    merged = [c for c in table.cells if c.text == "产出指标"]
    assert len(merged) == 1 and (merged[0].row, merged[0].col, merged[0].rowspan) == (0, 0, 3)
    assert grid(table) == [["产出指标", "数量"], ["产出指标", "质量"], ["产出指标", "时效"], ["效益指标", "社会"]]
    assert (table.n_rows, table.n_cols) == (4, 2)


def test_gridspan_makes_one_cell_with_colspan(tmp_path):
    body = tbl(3, tr(tc("项目名称"), tc("公务用车", '<w:gridSpan w:val="2"/>')), tr(tc("a"), tc("b"), tc("c")))
    table = read_body(tmp_path, body).tables[0]
    name = next(c for c in table.cells if c.text == "公务用车")
    assert (name.col, name.colspan) == (1, 2)
    assert grid(table) == [["项目名称", "公务用车"], ["a", "b", "c"]]


def test_python_docx_row_cells_trap_merged_cell_is_not_repeated(tmp_path):
    """python-docx #344: row.cells repeats a merged cell per grid column and merged row."""
    body = tbl(
        3,
        tr(tc("合并", '<w:gridSpan w:val="2"/><w:vMerge w:val="restart"/>'), tc("x")),
        tr(tc("", '<w:gridSpan w:val="2"/><w:vMerge/>'), tc("y")),
    )
    path = tmp_path / "t.docx"
    path.write_bytes(docx_bytes(body))
    bare = [c.text for row in python_docx.Document(str(path)).tables[0].rows for c in row.cells]
    assert bare.count("合并") == 4  # the trap
    table = read_document(path).tables[0]
    assert [c.text for c in table.cells].count("合并") == 1
    assert grid(table) == [["合并", "x"], ["合并", "y"]]


def test_grid_before_and_grid_after_become_empty_cells(tmp_path):
    body = tbl(
        4,
        tr(tc("a"), tc("b"), tc("c"), tc("d")),
        tr(tc("f"), tc("g"), trpr='<w:gridBefore w:val="1"/><w:gridAfter w:val="1"/>'),
    )
    table = read_body(tmp_path, body).tables[0]
    assert grid(table) == [["a", "b", "c", "d"], ["", "f", "g", ""]]
    assert [(c.col, c.colspan) for c in table.rows()[1]] == [(0, 1), (1, 1), (2, 1), (3, 1)]


def test_hmerge_legacy_wps_merges_cells(tmp_path):
    body = tbl(
        3,
        tr(tc("预算数", '<w:hMerge w:val="restart"/>'), tc("", "<w:hMerge/>"), tc("12.00")),
        tr(tc("a"), tc("b"), tc("c")),
    )
    table = read_body(tmp_path, body).tables[0]
    budget = next(c for c in table.cells if c.text == "预算数")
    assert (budget.col, budget.colspan) == (0, 2)
    assert grid(table) == [["预算数", "12.00"], ["a", "b", "c"]]


def test_nested_table_is_flattened_into_its_cell(tmp_path):
    inner = tbl(2, tr(tc("3月底"), tc("25%")), tr(tc("6月底"), tc("50%")))
    body = tbl(2, tr(tc("资金支出计划"), tc(p(r("计划如下")) + inner))) + tbl(1, tr(tc("second")))
    document = read_body(tmp_path, body)
    assert [t.index for t in document.tables] == [1, 2]
    assert grid(document.tables[0]) == [["资金支出计划", "计划如下\n3月底\t25%\n6月底\t50%"]]
    assert document.notes and document.notes[0][0] == "nested_table"


def test_cell_with_several_paragraphs_and_soft_breaks(tmp_path):
    cell = tc(p(r("目标1：保障"), "<w:r><w:br/></w:r>", r("目标2：提高")) + p(r("目标3：完善")))
    table = read_body(tmp_path, tbl(1, tr(cell))).tables[0]
    assert grid(table) == [["目标1：保障\n目标2：提高\n目标3：完善"]]


def test_tracked_row_deletion_drops_the_row(tmp_path):
    body = tbl(1, tr(tc("kept")), tr(tc("gone"), trpr='<w:del w:id="1" w:author="a"/>'), tr(tc("also kept")))
    assert grid(read_body(tmp_path, body).tables[0]) == [["kept"], ["also kept"]]


# --- wrappers around runs, cells, rows, tables -----------------------------------


def test_runs_split_in_the_middle_of_a_word_join(tmp_path):
    document = read_body(tmp_path, p(r("430-04"), r("02-JB", '<w:lang w:val="en-US"/>'), r("N-N4TP")))
    assert texts(document) == ["430-0402-JBN-N4TP"]


def test_proof_err_and_bookmarks_between_runs(tmp_path):
    body = p(
        r("机关"),
        '<w:proofErr w:type="spellStart"/>',
        r("大院"),
        '<w:bookmarkStart w:id="0" w:name="_GoBack"/><w:bookmarkEnd w:id="0"/>',
        '<w:proofErr w:type="spellEnd"/>',
        r("维修"),
    )
    assert texts(read_body(tmp_path, body)) == ["机关大院维修"]


def test_smart_tag_and_hyperlink_wrapping_runs(tmp_path):
    smart = (
        '<w:smartTag w:uri="urn:schemas-microsoft-com:office:smarttags" w:element="chmetcnv">'
        '<w:smartTagPr><w:attr w:name="SourceValue" w:val="55.3"/></w:smartTagPr>' + r("55.3") + "</w:smartTag>"
    )
    link = '<w:hyperlink w:anchor="_Toc31560011">' + r("临机编[2012]153号") + "</w:hyperlink>"
    assert texts(read_body(tmp_path, p(r("评审资金"), smart, r("万元，"), link))) == [
        "评审资金55.3万元，临机编[2012]153号"
    ]


def test_sdt_run_content_control_is_read(tmp_path):
    sdt = '<w:sdt><w:sdtPr><w:alias w:val="编码"/></w:sdtPr><w:sdtContent>' + r("430-0402") + "</w:sdtContent></w:sdt>"
    assert texts(read_body(tmp_path, p(r("编码："), sdt))) == ["编码：430-0402"]


def test_sdt_cell_does_not_shift_the_row(tmp_path):
    """python-docx #1017: a cell inside w:sdt disappears and the row shifts left."""
    wrapped = "<w:sdt><w:sdtPr/><w:sdtContent>" + tc("12.00") + "</w:sdtContent></w:sdt>"
    table = read_body(tmp_path, tbl(3, tr(tc("预算数"), wrapped, tc("其他资金")))).tables[0]
    assert grid(table) == [["预算数", "12.00", "其他资金"]]
    assert [c.col for c in table.cells] == [0, 1, 2]


def test_sdt_row_is_read(tmp_path):
    row = "<w:sdt><w:sdtPr/><w:sdtContent>" + tr(tc("满意度"), tc("≥95%")) + "</w:sdtContent></w:sdt>"
    table = read_body(tmp_path, tbl(2, tr(tc("指标"), tc("值")), row)).tables[0]
    assert grid(table) == [["指标", "值"], ["满意度", "≥95%"]]


def test_sdt_table_is_read(tmp_path):
    wrapped = "<w:sdt><w:sdtPr/><w:sdtContent>" + tbl(1, tr(tc("inside"))) + "</w:sdtContent></w:sdt>"
    document = read_body(tmp_path, p(r("before")) + wrapped)
    assert [t.index for t in document.tables] == [1]
    assert grid(document.tables[0]) == [["inside"]]


# --- revisions and hidden text --------------------------------------------


def test_tracked_insertion_counts(tmp_path):
    """python-docx #1123: paragraph text drops runs inside w:ins."""
    body = p(r("机关大院内管"), '<w:ins w:id="1" w:author="a">' + r("道、电线") + "</w:ins>", r("的改造"))
    assert texts(read_body(tmp_path, body)) == ["机关大院内管道、电线的改造"]


def test_tracked_deletion_does_not_count(tmp_path):
    deleted = '<w:del w:id="1" w:author="a"><w:r><w:delText>≥80%</w:delText></w:r></w:del>'
    inserted = '<w:ins w:id="2" w:author="a">' + r("≥90%") + "</w:ins>"
    assert texts(read_body(tmp_path, p(deleted, inserted))) == ["≥90%"]


def test_move_from_does_not_count_move_to_does(tmp_path):
    body = p(
        '<w:moveFrom w:id="1" w:author="a">' + r("moved ") + "</w:moveFrom>",
        r("stays "),
        '<w:moveTo w:id="2" w:author="a">' + r("moved") + "</w:moveTo>",
    )
    assert texts(read_body(tmp_path, body)) == ["stays moved"]


def test_deleted_paragraph_mark_joins_the_next_paragraph(tmp_path):
    body = p(r("第一段"), ppr='<w:rPr><w:del w:id="1" w:author="a"/></w:rPr>') + p(r("接着"))
    assert texts(read_body(tmp_path, body)) == ["第一段接着"]


def test_vanish_hidden_text_does_not_count(tmp_path):
    body = p(
        r("visible"),
        r(" hidden", "<w:vanish/>"),
        r(" by style", '<w:rStyle w:val="secret"/>'),
        r("!", '<w:vanish w:val="0"/>'),
    )
    assert texts(read_body(tmp_path, body)) == ["visible!"]


# --- fields -----------------------------------------------------------------


def test_tc_entry_in_complex_field_with_instr_text_over_several_runs(tmp_path):
    body = p(r("一、总体绩效目标"), field([' TC "', "总体绩", '效目标" \\f A \\l 1 '], rpr="<w:vanish/>"))
    (heading,) = read_body(tmp_path, body).blocks
    assert isinstance(heading, Heading)
    assert heading.text == "一、总体绩效目标"
    assert (heading.tc.text, heading.tc.type, heading.tc.level, heading.level) == ("总体绩效目标", "A", 1, 1)


def test_tc_entry_in_fld_simple(tmp_path):
    body = p(r("二、分项绩效目标"), '<w:fldSimple w:instr=" TC &quot;分项绩效目标&quot; \\f A \\l 1 "/>')
    (heading,) = read_body(tmp_path, body).blocks
    assert isinstance(heading, Heading) and heading.tc.text == "分项绩效目标" and heading.text == "二、分项绩效目标"


def test_tc_entry_unquoted(tmp_path):
    body = p(r("3、机关运行经费绩效目标表"), field([" TC 3、机关运行经费绩效目标表 \\f C \\l 1 "]))
    (heading,) = read_body(tmp_path, body).blocks
    assert heading.tc.text == "3、机关运行经费绩效目标表" and heading.tc.type == "C"


def test_tc_entry_with_an_empty_result_as_libreoffice_writes_it(tmp_path):
    body = p(r("一、总体绩效目标"), field([' TC "总体绩效目标" \\l 2 '], result="<w:r/>"))
    (heading,) = read_body(tmp_path, body).blocks
    assert heading.tc is not None and (heading.tc.text, heading.tc.level) == ("总体绩效目标", 2)


def test_tc_field_code_never_in_text(tmp_path):
    body = p(r("标题"), field([" TC 标题 \\f C \\l 1 "])) + tbl(1, tr(tc(p(r("cell"), field([" TC x \\l 2 "])))))
    document = read_body(tmp_path, body)
    everything = texts(document) + [c.text for t in document.tables for c in t.cells]
    assert everything == ["标题", "cell"]


def test_toc_field_result_is_not_content_nor_its_nested_fields(tmp_path):
    entry = r("总体绩效目标") + "<w:r><w:tab/></w:r>" + field([" PAGEREF _Toc1 \\h "], r("2"))
    body = (
        p(r("目  录"))
        + p(
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> TOC \\o "1-3" </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r>',
            entry,
            ppr='<w:pStyle w:val="11"/>',
        )  # fmt: skip
        + p(r("分项绩效目标2"))
        + p('<w:r><w:fldChar w:fldCharType="end"/></w:r>')
        + p(r("正文"))
    )
    assert texts(read_body(tmp_path, body)) == ["目  录", "正文"]


def test_other_field_results_count(tmp_path):
    body = p(r("第"), field([" PAGE "], r("3")), r("页，共"), field([" NUMPAGES "], r("12")), r("页"))
    assert texts(read_body(tmp_path, body)) == ["第3页，共12页"]


def test_unlinked_toc_lines_are_skipped(tmp_path):
    link = (
        '<w:hyperlink w:anchor="_Toc31560001">' + r("总体绩效目标") + "<w:r><w:tab/></w:r>" + r("2") + "</w:hyperlink>"
    )
    lo_link = '<w:hyperlink w:anchor="__RefHeading___Toc31560002">' + r("分项绩效目标 3") + "</w:hyperlink>"
    body = (
        p(link)
        + p(lo_link)
        + p(
            r(
                "目录页",
            ),
            ppr='<w:pStyle w:val="11"/>',
        )
        + p(r("正文2"))
    )
    assert texts(read_body(tmp_path, body)) == ["正文2"]


# --- characters -------------------------------------------------------------


def test_tab_is_a_tab_character(tmp_path):
    assert texts(read_body(tmp_path, p(r("单位："), "<w:r><w:tab/></w:r>", r("万元")))) == ["单位：\t万元"]


def test_no_break_hyphen_and_soft_hyphen(tmp_path):
    body = p(r("430"), "<w:r><w:noBreakHyphen/></w:r>", r("0402"), "<w:r><w:softHyphen/></w:r>", r("JBN"))
    assert texts(read_body(tmp_path, body)) == ["430-0402JBN"]


def test_sym_symbol_font_maps_to_unicode(tmp_path):
    body = p(
        '<w:r><w:sym w:font="Symbol" w:char="F0B3"/></w:r>',
        r("95%"),
        '<w:r><w:sym w:font="SimSun" w:char="2264"/></w:r>',
    )
    assert texts(read_body(tmp_path, body)) == ["≥95%≤"]


def test_empty_paragraphs_are_not_blocks(tmp_path):
    assert texts(read_body(tmp_path, p() + p(r("  ")) + p(r("text")))) == ["text"]


# --- headings -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("ppr", "level"),
    [
        ('<w:pStyle w:val="1"/>', 1),  # heading 1
        ('<w:pStyle w:val="zh2"/>', 2),  # 标题 2
        ('<w:pStyle w:val="outline3"/>', 3),  # outline level in the style
        ('<w:pStyle w:val="inherits"/>', 3),  # outline level inherited through basedOn
        ('<w:outlineLvl w:val="1"/>', 2),  # outline level on the paragraph
    ],
    ids=[
        "heading_style",
        "chinese_heading_style",
        "style_outline_level",
        "based_on_outline_level",
        "paragraph_outline_level",
    ],
)
def test_heading_by_style_or_outline_level(tmp_path, ppr, level):
    (block,) = read_body(tmp_path, p(r(" 第一部分 "), ppr=ppr)).blocks
    assert isinstance(block, Heading) and block.text == "第一部分" and block.level == level and block.tc is None


def test_body_text_outline_level_is_not_a_heading(tmp_path):
    (block,) = read_body(tmp_path, p(r("正文"), ppr='<w:outlineLvl w:val="9"/>')).blocks
    assert isinstance(block, Paragraph)


def test_toc_bookmark_target_is_a_heading(tmp_path):
    body = p('<w:bookmarkStart w:id="3" w:name="__RefHeading___Toc31560004"/>', r("1、公务用车服务平台运行绩效目标表"))
    (block,) = read_body(tmp_path, body).blocks
    assert isinstance(block, Heading) and block.text == "1、公务用车服务平台运行绩效目标表"


def test_nonsense_spans_and_merges_still_give_a_grid(tmp_path):
    body = tbl(
        2,
        tr(tc("a", "<w:vMerge/>"), tc("b")),  # continuations with nothing to continue
        tr(tc("c", "<w:hMerge/>"), tc("d", '<w:gridSpan w:val="-3"/>')),
        tr(tc("e", '<w:gridSpan w:val="x"/>'), '<w:tc><w:p><w:r><w:sym w:char="FFFFFFF"/></w:r></w:p></w:tc>'),
    )
    assert grid(read_body(tmp_path, body).tables[0]) == [["a", "b"], ["c", "d"], ["e", ""]]


def test_xml_comments_and_processing_instructions_are_ignored(tmp_path):
    body = "<!-- generator note -->" + p(r("机关"), "<!-- between runs -->", "<?mso-application progid?>", r("事务"))
    assert texts(read_body(tmp_path, body)) == ["机关事务"]


def test_sdt_showing_placeholder_is_not_content(tmp_path):
    placeholder = (
        "<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent>"
        + r("单击此处输入文字。")
        + "</w:sdtContent></w:sdt>"
    )
    assert texts(read_body(tmp_path, p(r("备注："), placeholder))) == ["备注："]


def test_office_math_text_is_read(tmp_path):
    math = (
        '<m:oMath xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math">'
        "<m:r><m:t>x≥95%</m:t></m:r></m:oMath>"
    )
    assert texts(read_body(tmp_path, p(r("目标值"), math))) == ["目标值x≥95%"]


def test_text_left_in_a_vmerge_continuation_is_noted_not_read(tmp_path):
    body = tbl(1, tr(tc("产出指标", '<w:vMerge w:val="restart"/>')), tr(tc("stray", "<w:vMerge/>")))
    document = read_body(tmp_path, body)
    assert grid(document.tables[0]) == [["产出指标"], ["产出指标"]]
    assert [code for code, _ in document.notes] == ["merged_cell_text"]


def test_field_code_left_open_does_not_swallow_the_document(tmp_path):
    body = p(r("标题"), '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> TC 标题 </w:instrText></w:r>')
    document = read_body(tmp_path, body + p(r("正文")) + tbl(1, tr(tc("cell"))))
    assert texts(document) == ["标题", "正文"]
    assert document.blocks[0].tc is not None and grid(document.tables[0]) == [["cell"]]


def test_field_result_never_ended_is_noted(tmp_path):
    body = p('<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
             '<w:r><w:fldChar w:fldCharType="separate"/></w:r>', r("3")) + p(r("正文"))  # fmt: skip
    document = read_body(tmp_path, body)
    assert texts(document) == ["3", "正文"]
    assert [code for code, _ in document.notes] == ["unterminated_field"]


def test_deleted_paragraph_mark_before_a_table_keeps_its_text(tmp_path):
    body = p(r("表前"), ppr='<w:rPr><w:del w:id="1" w:author="a"/></w:rPr>') + tbl(1, tr(tc("cell")))
    document = read_body(tmp_path, body)
    assert texts(document) == ["表前"] and len(document.tables) == 1


def test_last_rendered_page_break_inside_a_run_is_not_text(tmp_path):
    body = p("<w:r><w:t>本项目资金</w:t><w:lastRenderedPageBreak/><w:t>主要用于</w:t></w:r>")
    assert texts(read_body(tmp_path, body)) == ["本项目资金主要用于"]


def test_full_width_spaces_are_kept_as_printed(tmp_path):
    table = read_body(tmp_path, tbl(1, tr(tc("\u300012.00\u3000")))).tables[0]
    assert table.cells[0].text == "\u300012.00\u3000"


def test_alt_chunk_is_noted_not_silently_dropped(tmp_path):
    body = '<w:altChunk xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="c1"/>'
    document = read_body(tmp_path, body + p(r("after")))
    assert texts(document) == ["after"]
    assert [code for code, _ in document.notes] == ["alt_chunk"]
