"""Word's automatic numbering is rendered as the text export prints it."""

from __future__ import annotations

import pytest
from jixiao.extract import read_document
from jixiao.extract.model import Heading, Table
from jixiao.extract.word_numbering import format_number

from tests.fixtures.word.builders import W_NS, docx_bytes, p, r, tbl, tc, tr


def _lvl(ilvl: int, fmt: str, text: str, suffix: str = "nothing", start: int = 1) -> str:
    return (
        f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:suff w:val="{suffix}"/></w:lvl>'
    )


NUMBERING = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="{W_NS}">
<w:abstractNum w:abstractNumId="0">{_lvl(0, "chineseCounting", "%1、")}{_lvl(1, "chineseCounting", "（%2）")}</w:abstractNum>
<w:abstractNum w:abstractNumId="1">{_lvl(0, "decimal", "%1.", "space")}{_lvl(1, "decimal", "%1.%2", "tab")}</w:abstractNum>
<w:abstractNum w:abstractNumId="2">{_lvl(0, "bullet", "")}</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="1"/></w:num>
<w:num w:numId="4"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>
<w:num w:numId="5"><w:abstractNumId w:val="2"/></w:num>
</w:numbering>"""


def _numbered(num_id: int, ilvl: int = 0) -> str:
    return f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'


def _read(tmp_path, body: str):
    path = tmp_path / "n.docx"
    path.write_bytes(docx_bytes(body, parts={"word/numbering.xml": NUMBERING}))
    return read_document(path)


def _texts(document) -> list[str]:
    return [b.text for b in document.blocks if not isinstance(b, Table)]


def test_numbered_heading_style_shows_its_chinese_number(tmp_path):
    style = '<w:pStyle w:val="numbered"/>'
    body = p(r("总体绩效目标"), ppr=style) + p(r("正文")) + p(r("分项绩效目标"), ppr=style)
    document = _read(tmp_path, body)
    assert _texts(document) == ["一、总体绩效目标", "正文", "二、分项绩效目标"]
    assert all(isinstance(b, Heading) for b in document.blocks[::2])


def test_deeper_level_restarts_under_each_new_parent(tmp_path):
    body = "".join(
        p(r(text), ppr=_numbered(1, level))
        for text, level in [("甲", 0), ("子一", 1), ("子二", 1), ("乙", 0), ("子三", 1)]
    )
    assert _texts(_read(tmp_path, body)) == ["一、甲", "（一）子一", "（二）子二", "二、乙", "（一）子三"]


def test_lists_sharing_an_abstract_list_continue_and_start_override_restarts(tmp_path):
    body = (
        p(r("a"), ppr=_numbered(2)) + p(r("b"), ppr=_numbered(3)) + p(r("c"), ppr=_numbered(4))
        + p(r("d"), ppr=_numbered(4)) + p(r("d.1"), ppr=_numbered(4, 1))
    )  # fmt: skip
    assert _texts(_read(tmp_path, body)) == ["1. a", "2. b", "1. c", "2. d", "2.1\td.1"]


def test_numbered_goals_inside_a_cell(tmp_path):
    cell = tc(p(r("保障工资"), ppr=_numbered(2)) + p(r("提高效率"), ppr=_numbered(2)))
    table = _read(tmp_path, tbl(1, tr(cell))).tables[0]
    assert table.cells[0].text == "1. 保障工资\n2. 提高效率"


def test_bullets_and_num_id_zero_render_no_number(tmp_path):
    body = p(r("要点"), ppr=_numbered(5)) + p(r("不编号"), ppr='<w:pStyle w:val="numbered"/>' + _numbered(0))
    assert _texts(_read(tmp_path, body)) == ["要点", "不编号"]


@pytest.mark.parametrize(
    ("value", "fmt", "shown"),
    [
        (1, "chineseCounting", "一"),
        (10, "chineseCounting", "十"),
        (11, "chineseCountingThousand", "十一"),
        (20, "chineseCounting", "二十"),
        (105, "chineseCountingThousand", "一百零五"),
        (3, "chineseLegalSimplified", "叁"),
        (3, "ideographTraditional", "丙"),
        (2, "decimalEnclosedCircle", "②"),
        (2, "decimalEnclosedParen", "⑵"),
        (12, "decimalFullWidth", "１２"),
        (4, "upperRoman", "IV"),
        (28, "lowerLetter", "bb"),
        (7, "decimal", "7"),
    ],
)
def test_number_formats(value, fmt, shown):
    assert format_number(value, fmt) == shown
