"""Scanned pages: OCR fills the same PageContent as the text layer, so the assembly reads a scan as the text PDF."""

from __future__ import annotations

import re
import sys

import numpy as np
import pypdfium2
import pytest
from fixtures.scans import DPI, SCORER, OcrMemo, field_scores, render
from jixiao.extract import page_ocr, read_document
from jixiao.extract.model import ReadError
from jixiao.extract.page import Segment
from jixiao.extract.page_assembly import lay_out
from jixiao.extract.page_grid import find_tables
from jixiao.extract.page_tables import Fragment
from jixiao.extract.pdf_pdfium import PdfiumPage
from PIL import Image

from jixiao import extract_file
from jixiao.batch import BatchOptions, job_timeout, make_job
from jixiao.pipeline import report_status
from tests.conftest import SAMPLES, SEED


@pytest.mark.parametrize("degrees", [0.0, 0.7, -1.5, 2.0])
def test_skew_is_measured_from_the_rules(degrees):
    image = render(SEED / "seed.pdf", 4)
    assert abs(page_ocr.skew_angle(skewed(image, degrees)) - degrees) < 0.1


def test_ruling_lines_of_a_drawn_grid_make_its_cells():
    import cv2

    image = np.full((600, 800), 255, np.uint8)
    for y in (100, 160, 220, 400):
        cv2.line(image, (100, y), (700, y), 0, 2)
    for x in (100, 300, 700):
        cv2.line(image, (x, 100), (x, 400), 0, 2)
    cv2.line(image, (500, 160), (500, 400), 0, 2)  # the top row is one cell over two columns
    cv2.putText(image, "T", (150, 140), cv2.FONT_HERSHEY_SIMPLEX, 1, 0, 2)  # a letter's strokes are no rule
    segments = page_ocr.ruling_segments(image, 72 / DPI)
    [table] = find_tables(segments, [], 800 * 72 / DPI, 600 * 72 / DPI)
    assert len(table.cells) == 2 + 3 + 3


def test_strokes_of_a_large_character_inside_a_text_line_make_no_table():
    """目 in a title draws a box with bars across it, a little grid; the detector's box around the
    title's line holds every stroke, while a table's rules run outside the lines of text."""
    strokes = [Segment(100.0, y, 120.0, y) for y in (50.0, 57.0, 64.0)]
    strokes += [Segment(x, 50.0, x, 64.0) for x in (100.0, 120.0)]
    title = np.array([[[95.0, 46.0], [300.0, 46.0], [300.0, 68.0], [95.0, 68.0]]])
    assert find_tables(strokes, [], 600.0, 800.0)  # what the strokes alone would make
    assert page_ocr._strokes_left_out(strokes, title, 1.0) == []
    rules = [Segment(90.0, 40.0, 310.0, 40.0), Segment(90.0, 72.0, 310.0, 72.0), Segment(90.0, 40.0, 90.0, 72.0)]
    assert page_ocr._strokes_left_out(rules, title, 1.0) == rules


def test_dust_is_taken_out_and_print_is_left():
    """Specks of the speckle degradation go (dark ones of one or two pixels); the rendered page's own ink stays."""
    from fixtures.scans import speckled

    page = render(SAMPLES / "dept_overall" / "linxi_2024.pdf", 0)
    assert page_ocr.without_dust(page, DPI) is page  # a clean page has no dust: OCR reads it unchanged
    noisy = np.asarray(speckled(page))
    cleaned = page_ocr.without_dust(noisy, DPI)
    assert (cleaned[noisy < page] >= 128).mean() > 0.8  # most dark specks are paper again (some touch print)
    assert (cleaned[(noisy == page) & (page < 128)] < 128).all()  # print is not lightened


def cell_texts(fragments: list[Fragment]) -> list[str]:
    return [re.sub(r"\s+", "", " ".join(line.text for line in cell.lines)) for f in fragments for cell in f.cells]


def skewed(image: np.ndarray, degrees: float = 1.0) -> np.ndarray:
    import cv2

    height, width = image.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    return cv2.warpAffine(image, matrix, (width, height), borderValue=255)


@pytest.mark.parametrize("degrade", [None, skewed], ids=["clean", "skew-1deg"])
def test_a_rendered_table_page_reads_as_its_text_layer(degrade):
    """Page 5 of seed.pdf (a whole project table): OCR of its image gives every cell the text layer gives it."""
    image = render(SEED / "seed.pdf", 4)
    if degrade is not None:
        image = degrade(image)
    scanned = lay_out(page_ocr.ocr_page(image, 5, DPI, threads=2), [])
    document = pypdfium2.PdfDocument(str(SEED / "seed.pdf"))
    source = PdfiumPage(document[4], 5)
    try:
        text = lay_out(source.content().content, [])
    finally:
        source.close()
        document.close()
    ocr_cells = cell_texts([i for i in scanned.items if isinstance(i, Fragment)])
    text_cells = cell_texts([i for i in text.items if isinstance(i, Fragment)])
    assert len(ocr_cells) == len(text_cells) > 30
    # full-width and half-width brackets and colons look alike in print
    fold = str.maketrans("（）：，；", "():,;")
    differ = [(o, t) for o, t in zip(ocr_cells, text_cells, strict=True) if o.translate(fold) != t.translate(fold)]
    assert len(differ) <= 1, differ


@pytest.mark.slow
def test_seed_scan_scores_as_the_text_pdf(tmp_path, monkeypatch):
    """seed.scan.pdf is a raster of seed.pdf: the same field F1 (0.9951 is the exact maximum), no row lost."""
    if not SCORER.exists():
        pytest.skip(f"the scorer {SCORER} is not beside this checkout")
    monkeypatch.setenv(page_ocr.THREADS_VARIABLE, "2")
    OcrMemo(monkeypatch)  # the PNG and TIFF test reads the same pages
    scan = extract_file(SEED / "seed.scan.pdf")
    total = field_scores(scan.to_json(), tmp_path, "seed.scan.pdf")
    print(f"seed.scan.pdf: field F1 {total['f1']:.4f}, lost rows {total['lost_rows']}")
    assert total["lost_rows"] == 0
    assert total["f1"] >= 0.98
    # the title's 目 on page 2 once made a 1×2 table of its strokes, kept as an unrecognised table
    assert report_status(scan) == report_status(extract_file(SEED / "seed.pdf"))


def test_without_ocr_a_scan_fails_with_the_install_hint(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "rapidocr", None)  # import rapidocr now raises ImportError
    page_ocr._engine.cache_clear()
    path = tmp_path / "scan.pdf"
    Image.fromarray(render(SEED / "seed.pdf", 4)).save(path, resolution=DPI)  # a scanned page with print on it
    try:
        with pytest.raises(ReadError, match=re.escape(page_ocr.INSTALL_HINT)):
            read_document(path)
    finally:
        page_ocr._engine.cache_clear()


def test_a_scanned_file_gets_more_time_per_scanned_page():
    options = BatchOptions(timeout=120, ocr_page_timeout=60)
    scan, text = make_job(SEED / "seed.scan.pdf", "scan.pdf"), make_job(SEED / "seed.pdf", "text.pdf")
    assert (scan.scanned_pages, text.scanned_pages) == (12, 0)
    assert (job_timeout(scan, options), job_timeout(text, options)) == (120 + 12 * 60, 120)
