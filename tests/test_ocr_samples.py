"""Each sample's text PDF, scanned: its pages rendered to images at 200 dpi read as the PDF reads.

The scan is scored against the sample's expected JSON with tools/score.py's
functions (the same field F1 and lost indicator rows as the seed's scan);
the text PDF itself matches that JSON exactly (tests/test_samples.py), so
every field the scan misses is OCR's or the page stage's.  Each sample also
gets one degradation, rotating through the kinds of tests/test_ocr_degraded.py,
on its last pages (where the indicator tables are); its other pages are the
clean scan's, whose OCR is shared (`OcrMemo`), so each case pays only for its
degraded pages.
"""

from __future__ import annotations

import json

import pytest
from fixtures.scans import DEGRADATIONS, OcrMemo, render, save_page
from jixiao.extract import page_ocr
from jixiao.extract.image import read_image_pages
from jixiao.normalize import normalize
from jixiao.normalize.records import Source
from PIL import Image

from tests.conftest import SAMPLES
from tools.score import score_file, tally

PDFS = sorted(SAMPLES.rglob("*.pdf"))
KINDS = list(DEGRADATIONS)
DEGRADED_PAGES = 4  # the last four pages (all of a shorter sample) get the sample's degradation
KIND_OF = {pdf: KINDS[index % len(KINDS)] for index, pdf in enumerate(PDFS)}


def _name(pdf) -> str:
    return pdf.relative_to(SAMPLES).as_posix()


@pytest.fixture(scope="module")
def scans(tmp_path_factory):
    """A sample PDF → its clean page images and their PNG files, made once for the module."""
    made = {}

    def scan(pdf):
        if pdf not in made:
            import pypdfium2

            folder = tmp_path_factory.mktemp(pdf.stem)
            count = len(pypdfium2.PdfDocument(str(pdf)))
            pages = [render(pdf, index) for index in range(count)]
            paths = [save_page(Image.fromarray(p), folder / f"{n:02}.png") for n, p in enumerate(pages, 1)]
            made[pdf] = pages, paths
        return made[pdf]

    return scan


def _read_and_score(pdf, paths) -> tuple[float, int, list]:
    """The page images read as one report and scored against the PDF's expected JSON: F1, lost rows, notes."""
    document = read_image_pages(paths)
    report = normalize(document, Source(path=_name(pdf), format="image", sha256="0" * 64, pages=document.pages))
    expected = json.loads(pdf.with_name(pdf.name + ".expected.json").read_text(encoding="utf-8"))
    score = score_file(expected, report.to_dict(), {"path": _name(pdf), "format": "image"})
    return tally([score]).f1, score.lost_rows, document.notes


@pytest.mark.slow
@pytest.mark.parametrize("pdf", PDFS, ids=_name)
def test_a_sample_scan_scores_as_its_text_pdf(pdf, scans, monkeypatch):
    monkeypatch.setenv(page_ocr.THREADS_VARIABLE, "2")
    OcrMemo(monkeypatch)  # the degraded case reads the same clean pages
    _, paths = scans(pdf)
    f1, lost, _ = _read_and_score(pdf, paths)
    print(f"{_name(pdf)} scan, {len(paths)} pages: field F1 {f1:.4f}, lost rows {lost}")
    assert lost == 0
    assert f1 >= 0.99


@pytest.mark.slow
@pytest.mark.parametrize("pdf", PDFS, ids=lambda pdf: f"{_name(pdf)}-{KIND_OF[pdf]}")
def test_a_degraded_sample_scan_scores_as_the_clean_one(pdf, scans, tmp_path, monkeypatch):
    monkeypatch.setenv(page_ocr.THREADS_VARIABLE, "2")
    memo = OcrMemo(monkeypatch)
    pages, paths = scans(pdf)
    kind = KIND_OF[pdf]
    degrade, suffix = DEGRADATIONS[kind]
    degraded = range(max(len(pages) - DEGRADED_PAGES, 0), len(pages))
    paths = list(paths)
    for index in degraded:
        paths[index] = save_page(degrade(pages[index]), tmp_path / f"{index + 1:02}{suffix}")
    f1, lost, notes = _read_and_score(pdf, paths)
    numbers = [index + 1 for index in degraded]
    print(f"{_name(pdf)} {kind} on pages {numbers}: field F1 {f1:.4f}, lost rows {lost}, {memo.misses} pages OCR'd")
    turned = {message for code, message in notes if code == "ocr_page_turned"}
    if kind in ("upside-down", "sideways"):
        degrees = 180 if kind == "upside-down" else 90
        assert turned == {f"page {n} was scanned turned {degrees}° clockwise; read upright" for n in numbers}
    else:
        assert turned == set()
    assert lost == 0
    assert f1 >= 0.97


@pytest.mark.parametrize(
    ("sample", "page", "rows", "printed"),
    [
        ("dept_overall/linxi_2024.pdf", 2, (185, 245), "≤5‰"),  # PP-OCR alone reads ≤5% (its box leaves out the o)
        ("dept_overall/ningjin_2023.pdf", 1, (1540, 1600), "≧98%"),  # PP-OCR alone reads ≥98%
        ("dept_overall/ningjin_2023.pdf", 1, (1348, 1404), "≥95%"),  # one bar stays ≥
        ("dept_overall/ningjin_2023.pdf", 1, (380, 435), "130528 宁晋县水利局"),  # the recogniser's space is kept
        ("unknown/ningjin_ziping_2022.pdf", 1, (705, 755), "—"),  # a cell's lone dash: PP-OCR detects no line
    ],
)
def test_signs_ocr_misreads_are_read_from_the_pixels(sample, page, rows, printed):
    """A band of a sample's page (its table rules cut off): the signs read as printed, the space between code and name,
    a lone dash."""
    band = render(SAMPLES / sample, page - 1)[rows[0] : rows[1], 700:]
    content = page_ocr.ocr_page(band, page, 200, threads=2)
    assert printed in "".join(glyph.text for glyph in content.glyphs)
