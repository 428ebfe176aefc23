"""Hostile .docx (issue 11.1, 11.2): absurd spans, grids, fields, list numbers and zip bombs.

Every input is made here; each case must end in a report or a ReadError that
says why, within its time bound, and the big ones under the RSS limit.
"""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from jixiao.extract import read_document
from jixiao.extract.docx import MAX_FLAT_BYTES, MAX_PART_BYTES, MAX_RATIO, read_flat_opc
from jixiao.extract.model import ReadError
from jixiao.extract.word_numbering import Numbering
from jixiao.extract.word_xml import MAX_TABLE_GRID

from tests.fixtures.word.builders import W_NS, docx_bytes, p, r, tbl, tc, tr
from tests.hostile.harness import RSS_LIMIT_MB, assert_linear, run


def _read(tmp_path, data: bytes, bound: float = 5.0):
    path = tmp_path / "hostile.docx"
    path.write_bytes(data)
    started = time.monotonic()
    try:
        return read_document(path)
    finally:
        assert time.monotonic() - started < bound
        assert path.read_bytes() == data  # the input is never changed


def _refused(tmp_path, data: bytes, reason: str, bound: float = 5.0) -> str:
    with pytest.raises(ReadError, match=reason) as caught:
        _read(tmp_path, data, bound)
    return str(caught.value)


@pytest.mark.parametrize(
    "tcpr",
    [
        '<w:gridSpan w:val="1000000000"/>',
        '<w:gridSpan w:val="' + "7" * 5000 + '"/>',  # past Python's 4,300-digit int() limit
        '<w:gridSpan w:val="1001"/>',
    ],
)
def test_absurd_grid_span_is_refused_with_the_span(tmp_path, tcpr):
    message = _refused(tmp_path, docx_bytes(tbl(2, tr(tc("甲", tcpr), tc("乙")))), r"grid columns \(limit 1,000\)")
    assert "table 1, row 1" in message


def test_absurd_grid_before_and_after_are_refused(tmp_path):
    row = tr(tc("甲"), trpr='<w:gridBefore w:val="40"/><w:gridAfter w:val="2000000000"/>')
    _refused(tmp_path, docx_bytes(tbl(1, row)), "grid columns")


def test_a_declared_grid_of_thousands_of_columns_is_refused(tmp_path):
    _refused(tmp_path, docx_bytes(tbl(5000, tr(tc("甲")))), "declares 5,000 grid columns")


def test_rows_merged_under_a_wide_cell_cannot_build_an_absurd_grid(tmp_path):
    """900 columns × 1,200 merged rows: each row is small XML, the grid would be a million positions."""
    rows = [tr(tc("头", '<w:gridSpan w:val="900"/><w:vMerge w:val="restart"/>'))]
    rows += [tr(tc("", '<w:gridSpan w:val="900"/><w:vMerge/>'))] * 1200
    message = _refused(tmp_path, docx_bytes(tbl(900, *rows)), "grid positions")
    assert f"{MAX_TABLE_GRID:,}" in message


def test_a_wide_merge_within_the_limits_still_reads(tmp_path):
    rows = [tr(tc("合并", '<w:gridSpan w:val="40"/><w:vMerge w:val="restart"/>'))]
    rows += [tr(tc("", '<w:gridSpan w:val="40"/><w:vMerge/>'))] * 300
    (table,) = _read(tmp_path, docx_bytes(tbl(40, *rows))).tables
    assert (table.n_rows, table.n_cols) == (301, 40)
    assert [(c.text, c.rowspan, c.colspan) for c in table.cells] == [("合并", 301, 40)]


def test_over_long_digit_strings_elsewhere_are_not_a_traceback(tmp_path):
    digits = "9" * 5000
    body = p(
        r("标题"),
        ppr=f'<w:outlineLvl w:val="{digits}"/><w:numPr><w:ilvl w:val="{digits}"/><w:numId w:val="{digits}"/></w:numPr>',
    )
    document = _read(tmp_path, docx_bytes(body))
    assert [block.text for block in document.blocks] == ["标题"]


def _open_fields(count: int) -> bytes:
    begin = '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>'
    separate = '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    return docx_bytes("".join(p(begin + separate, r(f"第{i}段")) for i in range(count)))


def test_forty_thousand_open_fields_read_in_linear_time(tmp_path):
    """fldChar begin/separate never ended (46 s once): each result is shown text, the field stack O(1) per run."""
    document = _read(tmp_path, _open_fields(40_000), bound=30)
    assert len(document.blocks) == 40_000 and document.blocks[-1].text == "第39999段"
    assert "unterminated_field" in {code for code, _ in document.notes}
    small, large = tmp_path / "small.docx", tmp_path / "large.docx"
    small.write_bytes(_open_fields(2_500))
    large.write_bytes(_open_fields(10_000))
    assert_linear(lambda: read_document(small), lambda: read_document(large))


def _numbering(start: str, fmt: str) -> str:
    return (
        f'<w:numbering xmlns:w="{W_NS}"><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0">'
        f'<w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="%1."/><w:suff w:val="nothing"/>'
        '</w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num></w:numbering>'
    )


@pytest.mark.parametrize(
    ("start", "fmt", "labels"),
    [
        ("2100000000", "upperLetter", ["2100000000.", "2100000001."]),  # 10⁸ letters otherwise
        ("2600000000", "decimal", ["2147483647.", "2147483648."]),  # saturated at 32 bits
        ("2100000000", "chineseCounting", ["2100000000.", "2100000001."]),
        ("9" * 5000, "lowerRoman", ["2147483647.", "2147483648."]),  # saturated at Word's 32-bit maximum
        ("27", "upperLetter", ["AA.", "BB."]),  # Word's own doubling, below the cap
    ],
)
def test_absurd_list_start_gives_a_short_label_fast(tmp_path, start, fmt, labels):
    numbered = '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>'
    data = docx_bytes(p(r("项目"), ppr=numbered) * 2, parts={"word/numbering.xml": _numbering(start, fmt)})
    document = _read(tmp_path, data, bound=3)
    assert [block.text for block in document.blocks] == [label + "项目" for label in labels]


def test_a_huge_level_text_is_cut_so_labels_stay_small():
    from lxml import etree

    xml = _numbering("1", "decimal").replace('w:val="%1."', f'w:val="{"%1" * 100_000}"')
    numbering = Numbering(etree.fromstring(xml.encode()))
    assert len(numbering.label("1", 0)) < 300


def _bomb(path, size: int, compressible: bool) -> None:
    """A .docx whose document.xml inflates to ``size`` bytes, of one repeated row or of varied markup."""
    base = docx_bytes(p(r("x")))
    with (
        zipfile.ZipFile(io.BytesIO(base)) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=None if compressible else 1) as out,
    ):
        for name in source.namelist():
            if name != "word/document.xml":
                out.writestr(name, source.read(name))
        with out.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(f'<w:document xmlns:w="{W_NS}"><w:body>'.encode())
            written, i = 0, 0
            while written < size:
                if compressible:
                    chunk = ("<w:p><w:r><w:t>" + "正文" * 20 + "</w:t></w:r></w:p>").encode() * 5000
                else:  # bookmarks the walker never reads: what costs memory is the tree, not the text
                    chunk = "".join(
                        f'<w:bookmarkStart w:id="{j}" w:name="b{j * 7919 % 100003}"/>' for j in range(i, i + 10_000)
                    ).encode()
                    i += 10_000
                member.write(chunk)
                written += len(chunk)
            member.write(b"<w:p><w:r><w:t>end</w:t></w:r></w:p></w:body></w:document>")


def test_a_bomb_just_under_the_size_limit_is_refused_by_its_ratio(tmp_path):
    """190 MB of one repeated paragraph (~250-fold): 4.5 GB RSS once; now refused before inflating."""
    path = tmp_path / "bomb.docx"
    _bomb(path, 190 * 1024 * 1024, compressible=True)
    assert path.stat().st_size < 2_000_000 and 190 * 1024 * 1024 < MAX_PART_BYTES
    outcome = run(path)
    assert outcome.outcome == "ReadError", outcome
    assert "zip bomb" in outcome.message and f"limit {MAX_RATIO}-fold" in outcome.message
    assert outcome.seconds < 10 and outcome.rss_mb < 300, outcome


def test_a_large_part_under_the_ratio_is_streamed_in_bounded_memory(tmp_path):
    """60 MB of varied body markup (~6-fold): a whole-tree parse took ~800 MB; the stream frees it as it goes."""
    path = tmp_path / "large.docx"
    _bomb(path, 60 * 1024 * 1024, compressible=False)
    outcome = run(path)
    assert outcome.outcome == "NotAReport", outcome  # one paragraph, no table: read, then not a report
    assert outcome.seconds < 60 and outcome.rss_mb < 300, outcome
    assert outcome.rss_mb < RSS_LIMIT_MB


def test_deflate64_member_says_so(tmp_path):
    data = bytearray(docx_bytes(p(r("正文"))))
    for marker in (b"PK\x03\x04", b"PK\x01\x02"):  # set every member's method to 9 (Deflate64)
        offset = 8 if marker == b"PK\x03\x04" else 10
        start = 0
        while (start := data.find(marker, start)) >= 0:
            data[start + offset : start + offset + 2] = (9).to_bytes(2, "little")
            start += 4
    message = _refused(tmp_path, bytes(data), "Deflate64 compression is not supported")
    assert "password" not in message


def test_a_flat_word_xml_over_its_limit_is_refused_before_it_is_parsed(tmp_path):
    """Flat OPC is parsed whole (its tree ~10x its size), so it has a lower limit than a streamed .docx part."""
    path = tmp_path / "huge.xml"
    with open(path, "wb") as handle:  # sparse: the size is what counts, no bytes are written
        handle.write(b'<?xml version="1.0"?><?mso-application progid="Word.Document"?><pkg:package ')
        handle.truncate(MAX_FLAT_BYTES + 1)
    started = time.perf_counter()
    with pytest.raises(ReadError, match="Word XML file of .* bytes .*refused"):
        read_flat_opc(path)
    assert time.perf_counter() - started < 1
