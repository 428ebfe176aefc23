"""OCR as a page source: a page image → `page.PageContent`, as the text layer would give it.

A scanned page holds pixels only, so both halves of what the assembly needs
are read from the image:
- ruling lines by morphology (OpenCV): the dark pixels of the binarised page
  opened with a long thin kernel keep only straight runs, horizontal and
  vertical apart, and each run becomes one `Segment`, exactly horizontal or
  vertical, as the table finder wants;
- text by RapidOCR (PP-OCR models shipped inside the wheel, run by
  onnxruntime; nothing is downloaded).  Each text line comes with one box per
  character, and each character becomes a `Glyph` with the line's top and
  bottom (the em box a text layer gives), so a line that OCR read across a
  cell border is still split between the cells by the glyphs' centres.
Pixel coordinates are turned into points with the render resolution.
"""

from __future__ import annotations

import os
from functools import lru_cache

import numpy as np
from jixiao.extract.model import ReadError
from jixiao.extract.page import Glyph, PageContent, Segment

DEFAULT_DPI = 200  # an A4 page is 1654 × 2339 pixels: enough for 9-point text, quick to OCR
INSTALL_HINT = "pip install 'rapidocr>=3.4' 'onnxruntime>=1.18' 'opencv-python-headless>=4.8'"
_MIN_SCORE = 0.5  # RapidOCR's own threshold for keeping a text line
_SAME_SIZE = 0.2  # line heights within this fraction of the page's median are one font size
# A ruling run is longer than a character's strokes (a 12-point character is 12 points high)
# and shorter than the lowest cell (one line of text plus padding, about 16 points).
_MIN_RULE_POINTS = 14.0
_MAX_INK = 0.5  # a printed page is mostly paper
_MIN_SKEW, _MAX_SKEW = 0.1, 5.0  # degrees: below, rules stay within a pixel row; above, not a skewed scan


@lru_cache(maxsize=2)
def _engine(threads: int):
    """One RapidOCR engine per process and thread count: loading the models takes about a second."""
    try:
        from rapidocr import RapidOCR
    except ImportError as exc:
        raise ReadError(f"scanned pages need OCR, which is not installed: {INSTALL_HINT}") from exc
    params = {
        "Global.log_level": "critical",
        "Global.use_cls": False,  # orientation is settled for the whole page before OCR
        "EngineConfig.onnxruntime.intra_op_num_threads": threads,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    }
    return RapidOCR(params=params)


# The CLI's --ocr-dpi and --ocr-threads reach the batch's worker processes as these variables.
DPI_VARIABLE, THREADS_VARIABLE = "JIXIAO_OCR_DPI", "JIXIAO_OCR_THREADS"


def ocr_threads() -> int:
    """Threads for one OCR call: JIXIAO_OCR_THREADS, else 1 (a batch already runs one worker per core)."""
    value = os.environ.get(THREADS_VARIABLE, "")
    return int(value) if value.isdigit() and int(value) > 0 else 1


def ocr_dpi() -> float:
    """Render resolution for scanned PDF pages: JIXIAO_OCR_DPI, else DEFAULT_DPI."""
    value = os.environ.get(DPI_VARIABLE, "")
    return float(value) if value.isdigit() and 72 <= int(value) <= 600 else DEFAULT_DPI


def _cv2():
    try:
        import cv2
    except ImportError as exc:
        raise ReadError(f"scanned pages need OpenCV, which is not installed: {INSTALL_HINT}") from exc
    return cv2


def ocr_page(image: np.ndarray, number: int, dpi: float, threads: int | None = None) -> PageContent:
    """One page image (greyscale or RGB, upright) → its glyphs and ruling segments in points."""
    cv2 = _cv2()
    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    grey = deskew(grey)
    scale = 72.0 / dpi
    height, width = grey.shape
    content = PageContent(number, width * scale, height * scale)
    content.segments = ruling_segments(grey, scale)
    content.glyphs = read_glyphs(grey, scale, threads or ocr_threads())
    return content


def skew_angle(grey: np.ndarray) -> float:
    """The page's skew in degrees (counter-clockwise positive), from the slope of its long horizontal rules.

    A scan is fed in at up to a few degrees; a short horizontal kernel still
    finds the pieces of a slanted rule, and a line fitted through each long
    piece gives its slope.  0 when the page draws no rules.
    """
    cv2 = _cv2()
    _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    if ink.mean() > _MAX_INK * 255:
        return 0.0
    width = ink.shape[1]
    runs = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (max(width // 60, 5), 1)))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
    angles, weights = [], []
    for label in range(1, count):
        x, y, w, h, _area = stats[label]
        if w < width // 8 or h > w // 10:  # long and thin: a rule, not a word
            continue
        ys, xs = np.nonzero(labels[y : y + h, x : x + w] == label)
        slope = np.polyfit(xs, ys, 1)[0]
        angles.append(np.degrees(np.arctan(slope)))
        weights.append(w)
    if not angles:
        return 0.0
    order = np.argsort(angles)
    cumulative = np.cumsum(np.asarray(weights)[order])
    return -float(np.asarray(angles)[order][np.searchsorted(cumulative, cumulative[-1] / 2)])  # weighted median


def deskew(grey: np.ndarray) -> np.ndarray:
    """The page turned level when it is skewed by more than a tenth of a degree."""
    cv2 = _cv2()
    angle = skew_angle(grey)
    if abs(angle) < _MIN_SKEW or abs(angle) > _MAX_SKEW:
        return grey
    height, width = grey.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), -angle, 1.0)
    return cv2.warpAffine(grey, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=255)


def ruling_segments(grey: np.ndarray, scale: float) -> list[Segment]:
    """Straight dark runs of the page as segments: table rules, in points."""
    cv2 = _cv2()
    # Otsu's threshold separates ink from paper whatever the scan's brightness
    _, ink = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    if ink.mean() > _MAX_INK * 255:  # a photo or a flat grey page, not printed text on paper
        return []
    length = max(round(_MIN_RULE_POINTS / scale), 5)
    segments = []
    for horizontal in (True, False):
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if horizontal else (1, length))
        runs = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
        # a rule broken by a scan's dropout or a character touching it is closed again
        runs = cv2.dilate(runs, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 3) if horizontal else (3, 5)))
        count, _, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
        for x, y, w, h, _area in stats[1:count]:
            if horizontal:
                middle = (y + h / 2) * scale
                segments.append(Segment(x * scale, middle, (x + w) * scale, middle))
            else:
                middle = (x + w / 2) * scale
                segments.append(Segment(middle, y * scale, middle, (y + h) * scale))
    return segments


def read_glyphs(grey: np.ndarray, scale: float, threads: int) -> list[Glyph]:
    """OCR of the page: one glyph per character, on its line's band."""
    result = _engine(threads)(grey, return_word_box=True)
    if result.boxes is None:
        return []
    lines = [
        (box, text, words)
        for box, text, score, words in zip(result.boxes, result.txts, result.scores, result.word_results, strict=False)
        if score >= _MIN_SCORE and text.strip()
    ]
    heights = sorted(float(box[:, 1].max() - box[:, 1].min()) for box, _, _ in lines)
    body = heights[len(heights) // 2] if heights else 0.0
    glyphs = []
    for box, text, words in lines:
        top, bottom = float(box[:, 1].min()), float(box[:, 1].max())
        # OCR boxes of one font size differ by a few pixels; the assembly reads a change of
        # size as a new paragraph or a heading, so body-sized lines all get the body size
        height = body if abs(bottom - top - body) <= _SAME_SIZE * body else bottom - top
        middle = (top + bottom) / 2
        top, bottom = (middle - height / 2) * scale, (middle + height / 2) * scale
        size = bottom - top
        pieces = [(word[0], np.asarray(word[2], dtype=float)) for word in words if word[0].strip()]
        if not pieces:  # no character boxes: spread the line's text evenly over its box
            x0, x1 = float(box[:, 0].min()), float(box[:, 0].max())
            step = (x1 - x0) / len(text)
            pieces = [(char, np.array([[x0 + i * step, 0], [x0 + (i + 1) * step, 0]])) for i, char in enumerate(text)]
        for piece, corners in pieces:
            glyphs.append(
                Glyph(piece, float(corners[:, 0].min()) * scale, top, float(corners[:, 0].max()) * scale, bottom, size)
            )
    return glyphs
