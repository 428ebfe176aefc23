"""The pdfium page source: rotated pages read as displayed, text pdfium cannot place read by pdfminer."""

from __future__ import annotations

from pathlib import Path

import pypdfium2
import pytest
from fixtures.pdf.pdfwriter import PageDrawing, pdf_bytes
from jixiao.extract.pdf import read_pdf

from jixiao import extract_file
from tests.conftest import SEED

# A page's content turned so that /Rotate shows it upright again: (x, y) of the
# original page → the rotated page, as a PDF matrix, given the original width and height.
_TURNS = {
    90: lambda width, height: ((0, 1, -1, 0, height, 0), (height, width)),
    180: lambda width, height: ((-1, 0, 0, -1, width, height), (width, height)),
    270: lambda width, height: ((0, -1, 1, 0, 0, width), (height, width)),
}


def rotated_copy(source: Path, target: Path, rotation: int) -> Path:
    """Every page of `source` drawn turned on a page whose /Rotate shows it as before (a landscape print)."""
    original = pypdfium2.PdfDocument(str(source))
    turned = pypdfium2.PdfDocument.new()
    try:
        for index in range(len(original)):
            matrix, size = _TURNS[rotation](*original[index].get_size())
            form = original.page_as_xobject(index, turned).as_pageobject()
            form.transform(pypdfium2.PdfMatrix(*matrix))
            page = turned.new_page(*size)
            page.insert_obj(form)
            page.gen_content()
            page.set_rotation(rotation)
        turned.save(str(target))
    finally:
        turned.close()
        original.close()
    return target


@pytest.fixture(scope="module")
def seed_report():
    return extract_file(SEED / "seed.pdf").to_dict()


@pytest.mark.parametrize("rotation", [90, 180, 270])
def test_a_rotated_page_is_read_as_displayed(tmp_path, seed_report, rotation):
    path = rotated_copy(SEED / "seed.pdf", tmp_path / f"seed-{rotation}.pdf", rotation)
    document = pypdfium2.PdfDocument(str(path))
    assert document[3].get_rotation() == rotation
    document.close()
    report = extract_file(path).to_dict()
    assert len(report["projects"]) == len(seed_report["projects"]) > 0
    assert report["projects"] == seed_report["projects"]
    assert report["warnings"] == seed_report["warnings"]


def test_a_single_glyph_in_a_font_pdfium_lacks_is_read_by_pdfminer(tmp_path):
    """STSong-Light is not embedded: without a CJK font on the machine pdfium gives a run of one glyph no box."""
    page = PageDrawing()
    page.text(90, 100, "项目名称：维修")
    page.text(90, 130, "是")
    path = tmp_path / "single.pdf"
    path.write_bytes(pdf_bytes([page]))
    document = read_pdf(path)
    assert [block.text for block in document.blocks] == ["项目名称：维修", "是"]
    pdf = pypdfium2.PdfDocument(str(path))
    placed = "是" in pdf[0].get_textpage().get_text_range()
    pdf.close()
    if placed:  # a machine with a CJK font pdfium finds
        assert document.notes == []
    else:
        assert document.notes == [
            (
                "pdf_page_read_by_pdfminer",
                "page 1: 1 of its text runs are in a font that is not embedded and that pdfium lacks; read by pdfminer",
            )
        ]


@pytest.mark.parametrize(
    ("lines", "code"),
    [(["a\U00020000中b"], 0xD840), (["exam-", "ple"], 2)],
    ids=["beyond the BMP", "hyphen ending a line"],
)
def test_characters_the_page_text_gives_otherwise_are_read_one_by_one(lines, code):
    """pdfium's page text (one call) stands for each character's Unicode only where the two agree:
    a character beyond the BMP is two characters on the text page but one in the text, and a hyphen
    ending a line is code 2 on the text page but U+FFFE in the text."""
    from jixiao.extract.pdf_pdfium import PdfiumPage

    page = PageDrawing()
    for number, line in enumerate(lines):
        page.text(72, 72 + 20 * number, line)
    document = pypdfium2.PdfDocument(pdf_bytes([page]))
    source = PdfiumPage(document[0], 1)
    try:
        text_page = source.text_page.raw
        codes = [
            pypdfium2.raw.FPDFText_GetUnicode(text_page, index)
            for index in range(source.text_page.count_chars())
            if pypdfium2.raw.FPDFText_GetTextObject(text_page, index)
        ]
        assert code in codes
        assert [glyph.text for glyph in source.content().content.glyphs] == [chr(code) for code in codes]
    finally:
        source.close()
        document.close()
