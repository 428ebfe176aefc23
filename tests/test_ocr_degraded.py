"""Scans as archives hold them: the seed's scan with pages degraded still reads as the seed's report.

Each degradation is applied to two pages of seed.scan.pdf's page images
(made at test time, deterministically); the other ten stay clean, so their
OCR is shared with the clean scan's tests (`OcrMemo`) and each case pays
only for its own pages.  The report is scored against the seed's truth with
tools/score.py, as the clean scan is (0.9951 there).
"""

from __future__ import annotations

import time

import pytest
from fixtures.scans import DEGRADATIONS, SCORER, OcrMemo, field_scores, render, save_page
from jixiao.extract import page_ocr
from jixiao.extract.image import read_image_pages
from jixiao.normalize import normalize
from jixiao.normalize.records import Source
from PIL import Image

from tests.conftest import SEED

PAGES = 12
# Pages (1-based) each degradation is applied to: all but the table of contents get one, and each case
# holds a page of indicator rows; the seal goes over a table.
DEGRADED_PAGES = {
    "skew": (4, 5),
    "speckle": (6, 7),
    "jpeg30": (8, 9),
    "seal": (10, 11),
    "upside-down": (12, 2),
    "sideways": (3, 5),
    "bilevel": (6, 9),
}


@pytest.fixture(scope="module")
def clean_pages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("seed-scan-pages")
    pages = [render(SEED / "seed.scan.pdf", index) for index in range(PAGES)]
    paths = [save_page(Image.fromarray(page), folder / f"{number:02}.png") for number, page in enumerate(pages, 1)]
    return pages, paths


@pytest.mark.slow
@pytest.mark.parametrize("name", list(DEGRADED_PAGES))
def test_a_degraded_scan_scores_as_the_clean_one(name, clean_pages, tmp_path, monkeypatch):
    if not SCORER.exists():
        pytest.skip(f"the scorer {SCORER} is not beside this checkout")
    monkeypatch.setenv(page_ocr.THREADS_VARIABLE, "2")
    memo = OcrMemo(monkeypatch)
    pages, paths = clean_pages
    degrade, suffix = DEGRADATIONS[name]
    paths = list(paths)
    for number in DEGRADED_PAGES[name]:
        paths[number - 1] = save_page(degrade(pages[number - 1]), tmp_path / f"{number:02}{suffix}")
    started = time.monotonic()
    document = read_image_pages(paths)
    seconds = time.monotonic() - started
    report = normalize(document, Source(path=name, format="image", sha256="0" * 64, pages=document.pages))
    total = field_scores(report.to_json(), tmp_path, name)
    print(
        f"{name} on pages {DEGRADED_PAGES[name]}: field F1 {total['f1']:.4f}, lost rows {total['lost_rows']}, "
        f"{memo.misses} pages OCR'd in {seconds:.0f} s"
    )
    turned = {message for code, message in document.notes if code == "ocr_page_turned"}
    if name in ("upside-down", "sideways"):
        degrees = 180 if name == "upside-down" else 90
        assert turned == {
            f"page {n} was scanned turned {degrees}° clockwise; read upright" for n in DEGRADED_PAGES[name]
        }
    else:
        assert turned == set()
    assert total["lost_rows"] == 0
    assert total["f1"] >= 0.97
