"""The seed as .docx: the same content as its text export, every quirk it carries, its truth."""

from __future__ import annotations

import json
import re
import zipfile

import pytest
from jixiao.extract import read_document
from jixiao.extract.fields import parse_tc
from jixiao.extract.model import Heading, ReadError, Table

from jixiao import extract_file
from tests.conftest import SEED, assert_same_report
from tests.fixtures.word.builders import flat_opc
from tests.fixtures.word.compare import content_differences, folded, table_differences

SEED_DOCX = SEED / "seed.docx"


@pytest.fixture(scope="module")
def seed_docx():
    return read_document(SEED_DOCX)


def _catalogue() -> list[dict]:
    with zipfile.ZipFile(SEED_DOCX) as archive:
        xml = archive.read("word/document.xml").decode("utf-8")
    return json.loads(re.search(r"<!-- jixiao-quirks (.*?) -->", xml, re.S).group(1))["quirks"]


def test_seed_docx_says_what_its_text_export_says(seed_docx, seed_txt_document):
    assert seed_docx.format == "docx"
    assert content_differences(seed_docx, seed_txt_document) == []


def test_seed_as_flat_opc_word_xml_named_doc_says_the_same(tmp_path, seed_txt_document):
    path = tmp_path / "seed.doc"
    path.write_text(flat_opc(SEED_DOCX.read_bytes()), encoding="utf-8")
    document = read_document(path)
    assert document.format == "doc"
    assert content_differences(document, seed_txt_document) == []


def test_flat_opc_with_a_doctype_is_refused(tmp_path):
    text = flat_opc(SEED_DOCX.read_bytes()).replace(
        "?>\n<pkg:package", '?>\n<!DOCTYPE p [<!ENTITY e "x">]>\n<pkg:package', 1
    )
    path = tmp_path / "seed.doc"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ReadError, match="DOCTYPE"):
        read_document(path)


def test_seed_docx_every_row_covers_the_whole_grid(seed_docx):
    for table in seed_docx.tables:
        for row in table.rows():
            assert sum(cell.colspan for cell in row) == table.n_cols


@pytest.mark.parametrize("quirk", _catalogue(), ids=lambda q: f"{q['quirk']}@{q['where']}")
def test_seed_docx_quirk(quirk, seed_docx, seed_txt_document):
    where = quirk["where"]
    project = re.match(r"projects\[(\d+)\]", where)
    if project:
        index = int(project.group(1))
        table = seed_docx.tables[index]
        cells = [folded(c.text) for c in table.cells]
        assert table_differences(table, seed_txt_document.tables[index]) == []
        if where.endswith(".heading"):
            heading = _heading_before(seed_docx, table)
            assert heading.tc is not None and heading.tc.text == heading.text
    else:
        heading = next(
            b for b in seed_docx.blocks if isinstance(b, Heading) and b.tc and b.tc.text == where.split(":")[1]
        )
        cells = []
        assert "TC" not in heading.text
    every_text = [b.text for b in seed_docx.blocks if not isinstance(b, Table)] + [
        c.text for t in seed_docx.tables for c in t.cells
    ]
    if "deleted" in quirk:
        assert not any(quirk["deleted"] in text for text in every_text)
    if "inserted" in quirk:
        assert any(quirk["inserted"] in cell for cell in cells)
    if "runs" in quirk:
        assert "".join(quirk["runs"]) in cells
    if "wrapped" in quirk:
        assert any(quirk["wrapped"] in cell for cell in cells)
    if "printed" in quirk:
        assert quirk["printed"] in [c.text for c in table.cells]
    if "lines" in quirk:
        assert any(len([line for line in c.text.split("\n") if line.strip()]) == quirk["lines"] for c in table.cells)
    if "instr" in quirk:
        assert heading.tc == parse_tc(quirk["instr"])


def _heading_before(document, table) -> Heading:
    position = document.blocks.index(table)
    return next(b for b in reversed(document.blocks[:position]) if isinstance(b, Heading))


def test_seed_docx_gives_the_seed_truth(seed_truth):
    report = extract_file(SEED_DOCX).to_dict()
    assert report["source"]["format"] == "docx"
    assert_same_report(report, seed_truth, ignore_source=True)
