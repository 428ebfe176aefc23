"""Page images (JPEG, PNG, TIFF): sniffed from their bytes, read as scanned pages by the same OCR page source."""

from __future__ import annotations

import struct
import subprocess
import sys
import time
import zlib

import numpy as np
import pytest
from fixtures.pdf.pdfwriter import PageDrawing, pdf_bytes
from fixtures.scans import DPI, OcrMemo, render, save_page, sealed
from jixiao.extract import image, page_ocr, read_document, reported_format
from jixiao.extract.model import ReadError
from jixiao.extract.sniff import sniff_bytes
from jixiao.normalize import normalize
from jixiao.normalize.records import Source
from PIL import Image

from jixiao import NotAReport, extract_file
from tests.conftest import ROOT, SEED, assert_same_report, schema_errors

A4 = (1654, 2339)  # pixels at 200 dpi


@pytest.fixture
def no_ocr(monkeypatch):
    """OCR that fails the test when it is asked to read anything."""

    def refuse(*args, **kwargs):
        raise AssertionError("OCR was run")

    monkeypatch.setattr(page_ocr, "_engine", refuse)


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims a size in its header, with almost no pixel data behind it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def blank_scan(seed: int = 3) -> np.ndarray:
    """A scanned blank sheet: off-white paper with sensor noise, dust specks and the scanner lid's dark edge."""
    rng = np.random.default_rng(seed)
    page = rng.normal(240, 6, (A4[1], A4[0])).clip(0, 255).astype(np.uint8)
    page[:, :25] = 40  # the dark band beyond the paper's edge
    ys, xs = rng.integers(30, A4[1] - 30, 200), rng.integers(30, A4[0] - 30, 200)
    page[ys, xs] = 30
    return page


@pytest.mark.parametrize(
    ("head", "kind"), [(b"II+\x00\x08\x00", "tiff"), (b"MM\x00+\x00\x08", "tiff"), (b"\xff\xd8\xff\xdb", "jpeg")]
)
def test_sniff_page_images(head, kind):
    assert sniff_bytes(head) == kind


def test_reported_format_of_a_page_image_is_image(tmp_path):
    assert [reported_format(tmp_path / name, kind) for name, kind in [("a.tif", "tiff"), ("a", "png")]] == [
        "image",
        "image",
    ]


def test_a_gif_is_no_page_scan_format(tmp_path):
    path = tmp_path / "scan.gif"
    Image.new("L", (50, 50), 255).save(path)
    with pytest.raises(ReadError, match=r"not a page scan jixiao reads \(a GIF image; scans are read as JPEG, PNG"):
        read_document(path)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00garbage" * 50, "not a readable image"),
        (png_header(400, 300)[:-12], "could not be decoded"),  # the pixel data cut short
        (b"II*\x00" + b"\xff" * 200, "not a readable image"),
    ],
    ids=["png-garbage", "png-truncated", "tiff-garbage"],
)
def test_a_damaged_image_fails_with_the_reason(tmp_path, data, reason, no_ocr):
    path = tmp_path / "scan.png"
    path.write_bytes(data)
    with pytest.raises(ReadError, match=reason):
        read_document(path)


@pytest.mark.parametrize(
    ("size", "reason"),
    [((9000, 9000), "a page of 9000 × 9000 pixels is more than a page scan holds"), ((40000, 40000), "too large")],
)
def test_an_image_too_large_for_a_page_is_refused_before_it_is_decoded(tmp_path, size, reason, no_ocr):
    path = tmp_path / "bomb.png"
    path.write_bytes(png_header(*size))
    started = time.monotonic()
    with pytest.raises(ReadError, match=reason):
        read_document(path)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize(
    ("size", "dpi", "suffix"),
    [
        ((2480, 3508), (300, 300), ".png"),  # downscaled by its header's resolution
        ((2480, 3508), None, ".png"),  # no resolution: the long side taken as A4's
        ((2480, 3508), (72, 72), ".jpg"),  # 72 dpi would make a 49-inch page: not believed
        ((1240, 1754), (150, 150), ".tif"),  # a 150-dpi scan is brought up to the OCR resolution
        ((1654, 2339), (200, 200), ".png"),  # at the OCR resolution: as it is
    ],
)
def test_pages_are_brought_to_the_ocr_resolution(tmp_path, size, dpi, suffix):
    path = tmp_path / f"page{suffix}"
    Image.new("L", size, 255).save(path, **({"dpi": dpi} if dpi else {}))
    [(page, page_dpi)] = image.page_images([path], DPI)
    assert page_dpi == DPI
    assert abs(page.shape[1] - A4[0]) <= 2 and abs(page.shape[0] - A4[1]) <= 2


def test_exif_orientation_turns_a_photographed_page(tmp_path):
    path = tmp_path / "photo.jpg"
    upright = np.full((A4[1], A4[0]), 255, np.uint8)
    upright[:100, :] = 0  # a dark band along the top of the page
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera held sideways: the stored pixels must be turned a quarter clockwise
    Image.fromarray(np.rot90(upright)).save(path, dpi=(200, 200), exif=exif)
    [(page, _)] = image.page_images([path], DPI)
    assert page.shape == upright.shape
    assert page[:100].mean() < 50 and page[200:].mean() > 200


def test_an_a3_page_at_600_dpi_is_read_at_the_ocr_resolution_in_bounded_memory(tmp_path):
    """7016 × 9921 pixels (70 million): decoded a frame at a time, downscaled to 200 dpi; a blank one is blank."""
    a3 = (7016, 9921)
    results = {}
    for suffix in (".png", ".jpg", ".tif"):
        path = tmp_path / f"a3{suffix}"
        Image.new("L", a3, 250).save(path, dpi=(600, 600))
        [(page, page_dpi)] = image.page_images([path], DPI)
        assert page_dpi == DPI and page.shape == (3307, 2339)
        code = (
            "import sys, time\n"
            "from jixiao.extract import read_document\n"
            "from tests.hostile.harness import peak_rss_mb\n"
            "started = time.monotonic()\n"
            "try:\n    read_document(sys.argv[1])\n"
            "except Exception as error:\n    print(type(error).__name__, error)\n"
            "print(int(peak_rss_mb()), time.monotonic() - started)\n"
        )
        run = subprocess.run([sys.executable, "-c", code, path], cwd=ROOT, capture_output=True, text=True, timeout=120)
        message, usage = run.stdout.strip().splitlines()
        results[suffix] = usage
        assert message == "ReadError no text: every page is blank"
        peak_mb, seconds = usage.split()
        assert int(peak_mb) < 400 and float(seconds) < 30, (suffix, usage)
    print("A3 600 dpi, peak MB and seconds:", results)


def test_a_blank_scan_is_a_blank_page_not_read_by_ocr(tmp_path, no_ocr):
    png = save_page(Image.fromarray(blank_scan()), tmp_path / "blank.png")
    with pytest.raises(ReadError, match="no text: every page is blank"):
        read_document(png)
    pdf = tmp_path / "blank.pdf"  # the same sheet in a scanned PDF
    Image.fromarray(blank_scan()).save(pdf, resolution=DPI)
    with pytest.raises(ReadError, match="no text: every page is blank"):
        read_document(pdf)


def test_a_scanned_blank_page_among_text_pages_is_blank(tmp_path, no_ocr):
    scanned = PageDrawing()
    scanned.image(0, 0, scanned.width, scanned.height)  # one grey pixel over the page: nothing on it
    first, last = PageDrawing(), PageDrawing()
    first.text(72, 72, "第一页：项目支出绩效目标表", 12)
    last.text(72, 72, "第三页：部门整体支出绩效目标表", 12)
    path = tmp_path / "mixed.pdf"
    path.write_bytes(pdf_bytes([first, scanned, last]))
    document = read_document(path)
    assert [block.page for block in document.blocks] == [1, 3] and document.notes == []


def test_a_red_seal_alone_is_taken_out_and_leaves_a_blank_page(tmp_path, no_ocr):
    """Seal ink is removed before OCR, in a page image and in a scanned PDF (rendered in colour for it)."""
    stamped = sealed(np.full((A4[1], A4[0]), 255, np.uint8), stamp=render(SEED / "seed.pdf", 1)[300:340, 200:1100])
    assert np.asarray(stamped)[..., 1].min() < 100  # there is red ink on it
    for path in (tmp_path / "seal.png", tmp_path / "seal.pdf"):
        stamped.save(path, **({"resolution": DPI} if path.suffix == ".pdf" else {"dpi": (DPI, DPI)}))
        with pytest.raises(ReadError, match="no text: every page is blank"):
            read_document(path)


def test_a_photo_fails_as_no_page_scan(tmp_path, no_ocr):
    """A photograph (sky over dark ground, in colour) is not print on paper: it fails with that reason, unread."""
    rng = np.random.default_rng(5)
    height, width = 1500, 2000
    photo = np.zeros((height, width, 3), np.float32)
    photo[: height // 3] = np.linspace((120, 170, 230), (200, 220, 250), height // 3)[:, None, :]
    photo[height // 3 :] = (60, 80, 40)
    photo += rng.normal(0, 20, photo.shape)
    path = tmp_path / "IMG_0001.jpg"
    Image.fromarray(photo.clip(0, 255).astype(np.uint8)).save(path, quality=85)
    with pytest.raises(ReadError, match=r"not a page scan: the image is mostly dark, not print on paper"):
        extract_file(path)


def test_an_image_of_text_that_is_no_report_is_not_a_report(tmp_path):
    import cv2

    page = np.full((400, 1200), 255, np.uint8)
    cv2.putText(page, "Minutes of the meeting, 2020", (40, 200), cv2.FONT_HERSHEY_SIMPLEX, 1.6, 0, 3)
    path = save_page(Image.fromarray(page), tmp_path / "note.png")
    with pytest.raises(NotAReport, match="no table in it"):
        extract_file(path)


@pytest.mark.slow
def test_the_seed_scan_as_png_pages_and_as_one_tiff_gives_the_scanned_pdf_json(tmp_path, monkeypatch):
    """Rendered from seed.scan.pdf as the PDF reader renders it for OCR; OCR is shared by exact pixels."""
    monkeypatch.setenv(page_ocr.THREADS_VARIABLE, "2")
    memo = OcrMemo(monkeypatch)
    scanned = extract_file(SEED / "seed.scan.pdf").to_dict()
    pages = [render(SEED / "seed.scan.pdf", index) for index in range(12)]
    pngs = [save_page(Image.fromarray(page), tmp_path / f"seed.scan.{n:02}.png") for n, page in enumerate(pages, 1)]
    tiff = tmp_path / "seed.scan.tif"
    first, *rest = (Image.fromarray(page) for page in pages)  # (images saved once keep their encoder settings)
    first.save(tiff, save_all=True, append_images=rest, dpi=(DPI, DPI), compression="tiff_lzw")
    del pages, first, rest
    hits = memo.hits
    document = image.read_image_pages(pngs)
    source = Source(path="seed.scan/", format="image", sha256="0" * 64, pages=document.pages)
    from_pngs = normalize(document, source).to_dict()
    assert memo.hits - hits == 12, "a PNG page reached OCR with other pixels than the PDF's page"
    from_tiff = extract_file(tiff).to_dict()
    assert memo.hits - hits == 24, "a TIFF page reached OCR with other pixels than the PDF's page"
    for report in (from_pngs, from_tiff):
        assert report["source"]["format"] == "image" and report["source"]["pages"] == 12
        assert schema_errors(report) == []
        assert_same_report(report, scanned, ignore_source=True)
