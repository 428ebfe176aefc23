"""The PDF reader against the seed: same logical content as the text export."""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest
from jixiao.extract import read_document
from jixiao.extract.model import Heading, Paragraph, Table
from jixiao.extract.page_text import is_cjk

from tests.conftest import SEED

SEED_PDF = SEED / "seed.pdf"


# LibreOffice's export of the seed drops a full-width mark hanging past the right margin
# (让领导满意。→ 让领导满意 at a line end); the text export has it.  Nothing else may differ.
HANGING_PUNCTUATION = set("。，；、")


def fold(text: str) -> str:
    """White space folded the way the comparison needs: none next to CJK, one space elsewhere."""
    text = re.sub(r"\s+", " ", text).strip()
    return "".join(ch for i, ch in enumerate(text) if not (ch == " " and (is_cjk(text[i - 1]) or is_cjk(text[i + 1]))))


def text_between_tables(document) -> list[str]:
    """The non-table text of the document, one string per run between tables, white space removed."""
    runs, current = [], []
    for block in document.blocks:
        if isinstance(block, Table):
            runs.append("".join(current))
            current = []
        else:
            current.append(re.sub(r"\s+", "", block.text))
    runs.append("".join(current))
    return runs


@pytest.fixture(scope="module")
def seed_pdf():
    return read_document(SEED_PDF)


def test_seed_pdf_is_read_as_pdf_with_its_pages(seed_pdf):
    assert seed_pdf.format == "pdf"
    assert seed_pdf.pages == 12


def test_seed_tables_are_whole_across_page_breaks(seed_pdf, seed_txt_document):
    assert len(seed_pdf.tables) == len(seed_txt_document.tables) == 8
    assert [t.index for t in seed_pdf.tables] == list(range(1, 9))
    assert [len(t.rows()) for t in seed_pdf.tables] == [len(t.rows()) for t in seed_txt_document.tables]


def test_seed_table_rows_match_the_text_export(seed_pdf, seed_txt_document):
    for pdf_table, txt_table in zip(seed_pdf.tables, seed_txt_document.tables, strict=True):
        for number, (pdf_row, txt_row) in enumerate(zip(pdf_table.rows(), txt_table.rows(), strict=True)):
            assert len(pdf_row) == len(txt_row), (pdf_table.index, number)
            for pdf_cell, txt_cell in zip(pdf_row, txt_row, strict=True):
                if txt_cell.text.strip() == "" and pdf_cell.row < number:
                    continue  # the export leaves a merged-down cell empty; the PDF shows the merge
                assert fold(pdf_cell.text) == fold(txt_cell.text), (pdf_table.index, number)


def test_seed_text_outside_tables_matches_the_text_export(seed_pdf, seed_txt_document):
    pdf_runs, txt_runs = text_between_tables(seed_pdf), text_between_tables(seed_txt_document)
    assert len(pdf_runs) == len(txt_runs)
    for pdf_run, txt_run in zip(pdf_runs, txt_runs, strict=True):
        matcher = difflib.SequenceMatcher(None, pdf_run, txt_run, autojunk=False)
        differences = [(op, txt_run[j0:j1]) for op, _i0, _i1, j0, j1 in matcher.get_opcodes() if op != "equal"]
        assert all(op == "insert" and text in HANGING_PUNCTUATION for op, text in differences), differences


def test_seed_headings_and_whole_paragraphs(seed_pdf):
    headings = [b.text for b in seed_pdf.blocks if isinstance(b, Heading)]
    assert "一、总体绩效目标" in headings
    assert "1、公务用车服务平台运行绩效目标表" in headings
    paragraphs = [b.text for b in seed_pdf.blocks if isinstance(b, Paragraph)]
    # a paragraph wrapped over four lines, and one running over a page break, are one paragraph each
    assert any(
        p.startswith("目标3：") and p.endswith("对既有建筑制定节能改造计划。") and "\n" not in p for p in paragraphs
    )
    assert any(p.startswith("5、推进全县") and p.endswith("提高财政资金使用效益") for p in paragraphs)


def test_seed_margins_and_contents_are_not_content(seed_pdf):
    texts = [b.text for b in seed_pdf.blocks if not isinstance(b, Table)]
    assert not any(re.fullmatch(r"\d+", t) and t != "1" for t in texts), "page numbers leaked"
    assert not any("....." in t for t in texts), "table of contents leaked"
    assert seed_pdf.notes == []  # nothing the reader could not settle
    # the lone "1" under the last table is content (the export has it too), not a page number
    assert texts[-1] == "1"


def test_seed_cell_breaks_are_real_breaks_only(seed_pdf):
    goals = seed_pdf.tables[2].rows()[6][1].text
    assert (
        goals
        == "1、机关大院事故原因停水、电、通信故障率不超5%。\n2、固定电话、互联网、会议信号传输、专网使用等故障率不超5%"
    )
    basis = seed_pdf.tables[1].rows()[8][5].text
    # the PDF draws two spaces; pdfium's text page keeps one of a run (the JSON folds white space anyway)
    assert basis == "临西县机构编制委员会文件 临机编[2012]153号"


def test_seed_provenance_pages(seed_pdf):
    first = seed_pdf.tables[0]
    assert first.cells[0].page == 4
    # table 3's 效果指标 row starts on page 6 and runs onto page 7: it records page 6
    effect_row = first_row_starting_with(seed_pdf.tables[2], "效果指标")
    assert {c.page for c in effect_row if c.text} == {6}
    assert all(b.page is not None for b in seed_pdf.blocks if not isinstance(b, Table))
    assert all(c.page is not None for t in seed_pdf.tables for c in t.cells)


def first_row_starting_with(table: Table, label: str):
    return next(row for row in table.rows() if row[0].text == label)


SAMPLES = Path(__file__).resolve().parents[1] / "samples"
SAMPLE_PDFS = sorted(SAMPLES.glob("*/*.pdf"))


@pytest.mark.parametrize("pdf", SAMPLE_PDFS, ids=[p.name for p in SAMPLE_PDFS])
def test_sample_pdf_tables_match_its_text_export(pdf):
    """The generated samples' PDFs (tables crossing pages, labels cut by breaks) read as their text exports."""
    text_export = pdf.with_suffix(".txt")
    if not text_export.exists():
        pytest.skip("no text export beside it")
    pdf_document, txt_document = read_document(pdf), read_document(text_export)
    assert len(pdf_document.tables) == len(txt_document.tables)
    for pdf_table, txt_table in zip(pdf_document.tables, txt_document.tables, strict=True):
        assert len(pdf_table.rows()) == len(txt_table.rows()), pdf_table.index
        for number, (pdf_row, txt_row) in enumerate(zip(pdf_table.rows(), txt_table.rows(), strict=True)):
            assert len(pdf_row) == len(txt_row), (pdf_table.index, number)
            pdf_texts = [fold(c.text) for c in pdf_row]
            txt_texts = [
                fold(t.text) if t.text.strip() or p.row == number else fold(p.text)
                for p, t in zip(pdf_row, txt_row, strict=True)
            ]
            assert pdf_texts == txt_texts, (pdf_table.index, number)
