"""Bad and hostile PDFs: each fails with a clear ReadError or reads in bounded time and memory."""

from __future__ import annotations

import random
import time
import tracemalloc
from pathlib import Path

import pytest
from fixtures.pdf.pdfwriter import PageDrawing, pdf_bytes
from jixiao.extract import read_document
from jixiao.extract.model import ReadError
from jixiao.extract.pdf import read_pdf

from jixiao import extract_file
from tests.conftest import SEED

SEED_PDF = SEED / "seed.pdf"


def one_line_page(text: str) -> PageDrawing:
    page = PageDrawing()
    page.text(90, 100, text)
    return page


def paragraph_page(number: int) -> PageDrawing:
    page = PageDrawing()
    page.paragraph(
        90,
        100,
        f"第{number}页：本项目资金主要用于机关大院内的日常维修、大型机组维修、房屋设施维修、部分办公家具设备的购置。"
        * 2,
        415,
    )
    return page


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_encrypted_pdf_needs_a_password(tmp_path):
    path = write(tmp_path, "locked.pdf", pdf_bytes([one_line_page("机密")], encrypted=True))
    with pytest.raises(ReadError, match="encrypted"):
        read_document(path)


@pytest.mark.parametrize("kept", [0.05, 0.5, 0.95])
def test_truncated_pdf_fails_clearly_or_reads(tmp_path, kept):
    data = SEED_PDF.read_bytes()
    path = write(tmp_path, "cut.pdf", data[: int(len(data) * kept)])
    try:
        document = read_document(path)
    except ReadError as error:
        assert "PDF" in str(error)
    else:
        assert document.format == "pdf"


def test_pdf_header_over_garbage_fails_clearly(tmp_path):
    path = write(tmp_path, "junk.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 40)
    with pytest.raises(ReadError, match="not a readable PDF"):
        read_document(path)


def test_html_named_pdf_fails_clearly(tmp_path):
    path = write(
        tmp_path,
        "report.pdf",
        b"<!DOCTYPE html><html><body><table><tr><td>\xe9\xa1\xb9\xe7\x9b\xae</td></tr></table></body></html>",
    )
    with pytest.raises(ReadError, match="html"):
        read_document(path)


@pytest.fixture(scope="module")
def two_thousand_pages(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("long") / "long.pdf"
    path.write_bytes(pdf_bytes([paragraph_page(n) for n in range(2000)]))
    return path


def test_two_thousand_pages_read_within_the_time_limit(two_thousand_pages):
    started = time.monotonic()
    document = read_document(two_thousand_pages)
    assert time.monotonic() - started < 60
    assert document.pages == 2000
    assert document.blocks[-1].page == 2000


def test_a_file_over_the_time_limit_fails_clearly(two_thousand_pages):
    with pytest.raises(ReadError, match="time limit"):
        read_pdf(two_thousand_pages, time_limit=0.2)


def test_the_pdf_time_limit_is_the_callers_timeout(two_thousand_pages):
    with pytest.raises(ReadError, match="over the 0.2 s time limit"):
        extract_file(two_thousand_pages, timeout=0.2)


def test_memory_follows_the_text_kept_not_the_pages_parsed(tmp_path):
    """Parsed pages are released: the peak stays within a small multiple of the document read.

    (Before pages were released, 2,000 one-line pages peaked at 14 MB for a 0.3 MB document.)
    """
    path = write(tmp_path, "long.pdf", pdf_bytes([paragraph_page(n) for n in range(300)]))
    read_pdf(write(tmp_path, "warm.pdf", pdf_bytes([paragraph_page(1)])))  # pdfminer caches its font maps for good
    tracemalloc.start()
    try:
        document = read_pdf(path)
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(document.blocks) == 300
    assert peak < 5 * kept + 1_000_000


def test_page_with_100k_characters_is_read_in_bounded_time(tmp_path):
    page = PageDrawing()
    glyphs = [chr(0x4E00 + n) for n in range(2000)]
    for row in range(440):
        page.text(2, 2 + row * 1.9, "".join(glyphs[(row * 390 + n) % 2000] for n in range(390)), size=1.5)
    path = write(tmp_path, "dense.pdf", pdf_bytes([page]))
    started = time.monotonic()
    document = read_pdf(path, max_chars_per_page=20_000)
    assert time.monotonic() - started < 10
    assert [code for code, _ in document.notes] == ["pdf_page_too_dense"]
    assert 0 < len(document.blocks[0].text) <= 20_000 + 1_000  # the cap, plus its line breaks


def test_image_page_without_text_among_text_pages_is_blank(tmp_path):
    scanned = PageDrawing()
    scanned.image(0, 0, scanned.width, scanned.height)  # one flat grey pixel: a page with nothing on it
    path = write(tmp_path, "mixed.pdf", pdf_bytes([paragraph_page(1), scanned, paragraph_page(3)]))
    document = read_pdf(path)
    assert [b.page for b in document.blocks] == [1, 3]
    assert document.notes == []


def test_image_only_pdf_of_blank_pages_fails_clearly(tmp_path):
    scanned = PageDrawing()
    scanned.image(0, 0, scanned.width, scanned.height)
    with pytest.raises(ReadError, match="no text: every page is blank"):
        read_document(write(tmp_path, "scan.pdf", pdf_bytes([scanned, scanned])))


@pytest.mark.parametrize("seed", range(12))
def test_corrupted_bytes_give_a_document_or_a_read_error(tmp_path, seed):
    """Random byte damage (in the page tree, a media box, a content stream) never escapes as another exception."""
    data = bytearray(SEED_PDF.read_bytes())
    rng = random.Random(seed)
    for _ in range(rng.choice([1, 5, 50])):
        data[rng.randrange(len(data))] = rng.randrange(256)
    path = write(tmp_path, "damaged.pdf", bytes(data))
    try:
        document = read_document(path)
    except ReadError:
        return
    assert document.format == "pdf"


def test_a_damaged_page_is_noted_and_the_others_read(tmp_path):
    data = SEED_PDF.read_bytes()
    damaged = data.replace(b"/Type/Page/", b"/Type/Pagx/", 1)  # same length: the xref stays valid
    document = read_document(write(tmp_path, "bad-page.pdf", damaged))
    assert len(document.tables) == 8
    assert [code for code, _ in document.notes] == ["pdf_page_unreadable"]


def test_a_damaged_media_box_is_read_all_the_same(tmp_path):
    data = SEED_PDF.read_bytes()
    box = data.index(b"/MediaBox[") + len(b"/MediaBox[")
    damaged = data[:box] + b"0 0 595.3 /X" + data[box + len(b"0 0 595.3 84") :]  # same length: the xref stays valid
    document = read_document(write(tmp_path, "bad-box.pdf", damaged))
    assert len(document.tables) == 8
    assert document.notes == []


def test_page_with_a_mesh_of_lines_is_read_in_bounded_time(tmp_path):
    """A 21,000-cell mesh took pdfplumber 14 s to turn into a table; past the cap it is not tried."""
    page = PageDrawing()
    for n in range(173):
        page.line(20, 30 + n * 4.5, 575, 30 + n * 4.5)
    for n in range(123):
        page.line(20 + n * 4.5, 30, 20 + n * 4.5, 810)
    page.text(90, 10, "网格页面的正文。")
    path = write(tmp_path, "mesh.pdf", pdf_bytes([page]))
    started = time.monotonic()
    document = read_pdf(path)
    assert time.monotonic() - started < 5
    assert [b.text for b in document.blocks] == ["网格页面的正文。"]
    assert [code for code, _ in document.notes] == ["pdf_page_too_many_lines"]
