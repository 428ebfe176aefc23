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
import re
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
# Seal ink: hue within 12 of red (OpenCV's hue runs 0–180), red 40 levels over green and blue (its
# pink edges included), not dark; solid seal ink is saturated
_RED_HUE, _RED_CHROMA, _RED_VALUE, _SOLID_SATURATION = 12, 40, 90, 150
_SEAL_PIXELS = 9  # a patch of red ink this big (a 3 × 3 block's worth) is a seal's stroke, not a scan's noise
# Blank: ink is 40 % darker than the paper; specks under 2 pt² are dust; under 40 pt² of ink (about
# five printed characters) is no page worth reading
_BLANK_DARKER, _SPECK_POINTS2, _BLANK_INK_POINTS2 = 0.6, 2.0, 40.0
# Dust OCR is spared: dark specks of at most 0.3 pt² (two pixels at 200 dpi) standing alone; nothing
# printed is that small (a full stop of 9-point text is about a pt², eight pixels)
_DUST_POINTS2 = 0.3
# Text lines needed to tell a page's orientation (PP-OCR's detector finds few of an upside-down page's lines:
# two of the five on ningxiang_2019's last page, which the classifier calls turned, each at 1.00); lines the
# classifier is asked
_MIN_LINES, _CLS_LINES = 2, 12
# A lone em dash, as body-line heights: a bar from half a line to a line wide (an em is about 0.8 of
# a line; a hyphen is a third), at most a seventh of a line thick, four times as wide as thick
_DASH_WIDTH, _DASH_THICKNESS, _DASH_ASPECT = (0.5, 1.2), 0.15, 4


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


def ocr_page(
    image: np.ndarray, number: int, dpi: float, threads: int | None = None, notes: list | None = None
) -> PageContent | None:
    """One page image (greyscale or RGB) → its glyphs and ruling segments in points; None for a blank page.

    Red seal ink is taken out, a page that is not print on paper (mostly
    dark: a photograph) is not read, the page is deskewed and read, and when
    its text lines run sideways or upside down it is turned upright and read
    again.  What was done to the page is added to `notes` as (code, message).
    """
    notes = [] if notes is None else notes
    grey = page_grey(image)
    if is_blank(grey, dpi):
        return None
    scale = 72.0 / dpi
    height, width = grey.shape
    if ink_share(grey) > _MAX_INK:
        notes.append(("ocr_page_not_print", f"page {number} is mostly dark, not print on paper (a photograph?)"))
        return PageContent(number, width * scale, height * scale)
    threads = threads or ocr_threads()
    grey = deskew(without_dust(grey, dpi))
    result = _recognise(grey, threads)
    turns = upright_turns(grey, result.boxes, threads)
    if turns:
        grey = np.ascontiguousarray(np.rot90(grey, turns))
        degrees = turns * 90  # clockwise, as the page was fed in (it is turned back counter-clockwise)
        notes.append(("ocr_page_turned", f"page {number} was scanned turned {degrees}° clockwise; read upright"))
        result = _recognise(grey, threads)
        height, width = grey.shape
    content = PageContent(number, width * scale, height * scale, rotation=(4 - turns) % 4 * 90)
    content.segments = _strokes_left_out(ruling_segments(grey, scale), result.boxes, scale)
    content.glyphs = glyphs_of(result, scale, grey, threads)
    return content


def _recognise(grey: np.ndarray, threads: int):
    """Text lines with a box per character.  The steps are named on every call: RapidOCR keeps those of the last."""
    return _engine(threads)(grey, use_det=True, use_cls=False, use_rec=True, return_word_box=True)


def page_grey(image: np.ndarray) -> np.ndarray:
    """The page in greyscale, red ink (an official seal stamped over the print) turned to paper.

    Seal ink is red in hue (the two ends of OpenCV's hue circle) and clearly
    redder than it is green or blue; print under it stays dark, so only the
    seal goes.  Strokes of it, not single pixels of a colour scan's noise,
    count: connected patches of red too small for a stroke are left out (an
    opening would also leave out the seal's thin lines and strokes, which
    OCR read as | and F-).
    """
    cv2 = _cv2()
    if image.dtype == bool:  # a bilevel page as numpy gives it from Pillow's mode "1"
        return image.astype(np.uint8) * 255
    if image.ndim == 2:
        return image
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    hsv = cv2.cvtColor(image, cv2.COLOR_RGB2HSV)
    hue, saturation, value = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    channels = image.astype(np.int16)
    chroma = channels[..., 0] - np.maximum(channels[..., 1], channels[..., 2])
    red = ((hue <= _RED_HUE) | (hue >= 180 - _RED_HUE)) & (chroma >= _RED_CHROMA) & (value >= _RED_VALUE)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(red.astype(np.uint8), connectivity=8)
    strokes = stats[:, cv2.CC_STAT_AREA] >= _SEAL_PIXELS
    strokes[0] = False  # what is not red
    red = strokes[labels]
    if red.any():
        # in the red channel seal ink is nearly as bright as paper: scaled so that it is paper, and
        # print under it (dark red) keeps its share of darkness; the mask grows by two pixels to
        # take the seal's faint pink fringe, which OCR would still read as ghost characters
        solid = red & (saturation >= _SOLID_SATURATION)  # the seal's own ink, not its fringe
        level = max(float(np.median(image[..., 0][solid if solid.any() else red])), 1.0)
        red = cv2.dilate(red.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
        lifted = np.minimum(image[..., 0][red].astype(np.float32) * (255 / level), 255)
        grey[red] = np.maximum(grey[red], lifted.astype(np.uint8))
    return grey


def ink_share(grey: np.ndarray) -> float:
    """The share of the page that Otsu's threshold calls ink (dark)."""
    return float(ink_mask(grey).mean()) / 255


def ink_mask(grey: np.ndarray) -> np.ndarray:
    """The page's dark pixels (255) by Otsu's threshold between paper and print, whatever the scan's brightness.

    The threshold is found on the page with specks taken out (a 3-pixel
    median): salt-and-pepper noise would pull it towards black and thin a
    rule to one pixel, which one speck of dropout then cuts.
    """
    cv2 = _cv2()
    threshold, _ = cv2.threshold(cv2.medianBlur(grey, 3), 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    _, ink = cv2.threshold(grey, threshold, 255, cv2.THRESH_BINARY_INV)
    return ink


def without_dust(grey: np.ndarray, dpi: float) -> np.ndarray:
    """The page with its dust (specks of dark pixels standing alone) turned to the paper around them.

    PP-OCR reads a speckled page worse (一级指标 read 级指标: the 一 lost
    among specks); a median filter of the whole page would erase thin
    strokes and rules too, so only the specks take their neighbourhood's
    median.
    """
    cv2 = _cv2()
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink_mask(grey), connectivity=8)
    dust = stats[:, cv2.CC_STAT_AREA] <= _DUST_POINTS2 * (dpi / 72) ** 2
    dust[0] = False  # the paper
    if not dust.any():
        return grey
    specks = dust[labels]
    cleaned = grey.copy()
    cleaned[specks] = cv2.medianBlur(grey, 3)[specks]
    return cleaned


def is_blank(grey: np.ndarray, dpi: float) -> bool:
    """No print on the page: fewer dark pixels than a few characters hold, once specks and the scanner's dark edges
    (narrow bands along the border) are left out."""
    cv2 = _cv2()
    paper = float(np.percentile(grey, 90))  # the brightest tenth: paper, however much print or noise
    ink = (grey < paper * _BLANK_DARKER).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    height, width = grey.shape
    x, y, w, h, area = (stats[1:count, i] for i in range(5))
    edge = ((x == 0) | (y == 0) | (x + w == width) | (y + h == height)) & ((w < width / 8) | (h < height / 8))
    speck = area < _SPECK_POINTS2 * (dpi / 72) ** 2
    return int(area[~edge & ~speck].sum()) < _BLANK_INK_POINTS2 * (dpi / 72) ** 2


def upright_turns(grey: np.ndarray, boxes: np.ndarray | None, threads: int) -> int:
    """Quarter turns counter-clockwise (as `np.rot90` counts) that set the page upright, from OCR's text lines.

    Lines that are taller than wide run sideways; RapidOCR's text-direction
    classifier, asked on the longest lines (each turned to run across when
    the page is sideways), tells upright from upside down.
    """
    if boxes is None:
        return 0
    widths = np.linalg.norm(boxes[:, 1] - boxes[:, 0], axis=1)
    heights = np.linalg.norm(boxes[:, 3] - boxes[:, 0], axis=1)
    long = np.maximum(widths, heights) >= 2 * np.minimum(widths, heights)  # a line, not one character
    if long.sum() < _MIN_LINES:
        return 0
    sideways = bool((heights[long] > widths[long]).mean() > 0.5)
    engine = _engine(threads)
    flipped = total = 0.0
    for index in np.argsort(-np.maximum(widths, heights) * long)[: min(_CLS_LINES, int(long.sum()))]:
        xs, ys = boxes[index][:, 0], boxes[index][:, 1]
        crop = grey[max(int(ys.min()), 0) : int(ys.max()) + 1, max(int(xs.min()), 0) : int(xs.max()) + 1]
        if sideways:
            crop = np.rot90(crop)  # a line that ran down the page (fed in turned clockwise) now runs across
        label, score = engine(np.ascontiguousarray(crop), use_det=False, use_cls=True, use_rec=False).cls_res[0]
        flipped += score if label == "180" else 0.0
        total += score
    upside_down = flipped > total / 2
    if sideways:
        return 3 if upside_down else 1
    return 2 if upside_down else 0


def skew_angle(grey: np.ndarray) -> float:
    """The page's skew in degrees (counter-clockwise positive), from the slope of its long horizontal rules.

    A scan is fed in at up to a few degrees; a short horizontal kernel still
    finds the pieces of a slanted rule, and a line fitted through each long
    piece gives its slope.  0 when the page draws no rules.
    """
    cv2 = _cv2()
    ink = ink_mask(grey)
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
    ink = ink_mask(grey)
    if ink.mean() > _MAX_INK * 255:  # a photo or a flat grey page, not printed text on paper
        return []
    length = max(round(_MIN_RULE_POINTS / scale), 5)
    segments = []
    for horizontal in (True, False):
        kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1) if horizontal else (1, length))
        # a one-pixel dropout (a speck) that cuts a thin rule is bridged before its length counts
        along = cv2.getStructuringElement(cv2.MORPH_RECT, (2, 1) if horizontal else (1, 2))
        runs = cv2.morphologyEx(cv2.morphologyEx(ink, cv2.MORPH_CLOSE, along), cv2.MORPH_OPEN, kernel)
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


def _strokes_left_out(segments: list[Segment], boxes: np.ndarray | None, scale: float) -> list[Segment]:
    """The straight runs that do not lie wholly inside a line of text the detector found: those that do
    are strokes of a large character (目 in a title draws a little grid), not rules, which run between lines."""
    if boxes is None or not len(boxes):
        return segments
    lines = np.asarray(boxes, dtype=float) * scale  # each a quadrilateral of (x, y) corners
    left, right = lines[:, :, 0].min(axis=1), lines[:, :, 0].max(axis=1)
    top, bottom = lines[:, :, 1].min(axis=1), lines[:, :, 1].max(axis=1)
    return [s for s in segments if not ((left <= s.x0) & (s.x1 <= right) & (top <= s.top) & (s.bottom <= bottom)).any()]


def glyphs_of(result, scale: float, grey: np.ndarray | None = None, threads: int = 1) -> list[Glyph]:
    """RapidOCR's reading of the page: one glyph per character, on its line's band.

    With the page image, signs PP-OCR reads as others are read from the
    pixels (`_read_signs`) and dashes it does not detect are added
    (`_lone_dashes`); the recogniser's spaces (its character boxes leave
    them out) become space glyphs, as a text layer has them.
    """
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
        pieces = [(word[0], np.asarray(word[2], dtype=float)) for word in words if word[0].strip()]
        if not pieces:  # no character boxes: spread the line's text evenly over its box
            x0, x1 = float(box[:, 0].min()), float(box[:, 0].max())
            step = (x1 - x0) / len(text)
            pieces = [(char, np.array([[x0 + i * step, 0], [x0 + (i + 1) * step, 0]])) for i, char in enumerate(text)]
        if grey is not None:
            pieces = _read_signs(grey, box, text, pieces, threads)
        # OCR boxes of one font size differ by a few pixels; the assembly reads a change of
        # size as a new paragraph or a heading, so body-sized lines all get the body size
        height = body if abs(bottom - top - body) <= _SAME_SIZE * body else bottom - top
        middle = (top + bottom) / 2
        top, bottom = (middle - height / 2) * scale, (middle + height / 2) * scale
        size = bottom - top
        position, previous = 0, None
        for piece, corners in pieces:
            x0, x1 = float(corners[:, 0].min()) * scale, float(corners[:, 0].max()) * scale
            found = text.find(piece, position)
            if previous is not None and found > position and text[position:found].isspace():
                glyphs.append(Glyph(" ", previous, top, max(x0, previous), bottom, size))
            position = found + len(piece) if found >= 0 else position
            glyphs.append(Glyph(piece, x0, top, x1, bottom, size))
            previous = x1
    if grey is not None and body:
        glyphs.extend(_lone_dashes(grey, result.boxes, body, scale))
    return glyphs


def _lone_dashes(grey: np.ndarray, boxes: np.ndarray, body: float, scale: float) -> list[Glyph]:
    """Em dashes standing alone (a table cell's `—`), in which PP-OCR's detector finds no text line.

    A dash is a bar of ink of a dash's size outside every line detected,
    with no other mark (a stroke of 二 or 三, a character beside it; not a
    speck, not a table's rules) within half a line beside it or a line above
    or below, and no ink along its rows within half a line (a piece of a
    rule); each becomes a glyph on a body-sized line through it.
    """
    cv2 = _cv2()
    ink = ink_mask(grey)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    x, y, w, h, area = (stats[1:count, i] for i in range(5))
    bar = (w >= _DASH_WIDTH[0] * body) & (w <= _DASH_WIDTH[1] * body) & (h <= _DASH_THICKNESS * body)
    bar &= w >= _DASH_ASPECT * h
    mark = (w < 2 * body) & (h < 2 * body) & (area >= (_DASH_THICKNESS * body) ** 2 / 2)
    dashes = []
    for index in np.flatnonzero(bar):
        left, top, right, bottom = x[index], y[index], x[index] + w[index], y[index] + h[index]
        near = (
            mark & (x <= right + body / 2) & (x + w >= left - body / 2) & (y <= bottom + body) & (y + h >= top - body)
        )
        near[index] = False
        # a piece of a table rule that a scan's dropout cut: the rule goes on beside it
        rows = ink[max(top - 1, 0) : bottom + 1]
        ruled = rows[:, max(int(left - body / 2), 0) : left].any() or rows[:, right : int(right + body / 2)].any()
        mid_x, mid_y = (left + right) / 2, (top + bottom) / 2
        inside = (boxes[:, :, 0].min(axis=1) <= mid_x) & (mid_x <= boxes[:, :, 0].max(axis=1))
        inside &= (boxes[:, :, 1].min(axis=1) <= mid_y) & (mid_y <= boxes[:, :, 1].max(axis=1))
        if not (near.any() or ruled or inside.any()):
            line_top, line_bottom = (mid_y - body / 2) * scale, (mid_y + body / 2) * scale
            dashes.append(Glyph("—", left * scale, line_top, right * scale, line_bottom, body * scale))
    return dashes


# PP-OCR reads ‰ as % and a small o (or 0), and its detector's box often leaves the o out
_PERMILLE = re.compile(r"%[oO0°](?![0-9A-Za-z])")


def _read_signs(grey: np.ndarray, box: np.ndarray, text: str, pieces: list, threads: int) -> list:
    """A line's pieces with the signs PP-OCR misreads read again from the pixels.

    ‰: a line ending in % is recognised again with its box widened by half
    its height to the right; % then a small o there is ‰.  ≧ and ≦ (two
    bars under the chevron, a variant some reports print) are read as ≥ and
    ≤: the operator's column of the line is looked at for a second bar.
    """
    pieces = [(_PERMILLE.sub("‰", piece), corners) for piece, corners in pieces]
    top, bottom = int(box[:, 1].min()), int(box[:, 1].max()) + 1
    left, right = int(box[:, 0].min()), int(box[:, 0].max()) + 1
    height = bottom - top
    if text.rstrip().endswith("%") and pieces[-1][0].endswith("%"):
        crop = grey[max(top - 3, 0) : bottom + 3, max(left - 3, 0) : right + height // 2]
        reading = _engine(threads)(np.ascontiguousarray(crop), use_det=False, use_cls=False, use_rec=True).txts
        if reading and _PERMILLE.search(reading[0].rstrip()[-2:]):
            piece, corners = pieces[-1]
            pieces[-1] = (piece[:-1] + "‰", corners)
    for index, (piece, corners) in enumerate(pieces):
        if piece[:1] in "≥≤":
            # a character box can start inside its glyph: the glyph is the first run of inked columns
            # from a little before it (not before the previous piece)
            x0 = float(corners[:, 0].min())
            start = max(x0 - 0.3 * height, float(pieces[index - 1][1][:, 0].max()) if index else left - 3)
            glyph = _first_glyph(grey[top:bottom, max(int(start), 0) : int(x0 + 0.6 * height)], height)
            if glyph is not None and _bars_under(glyph) == 2:
                pieces[index] = ("≧≦"["≥≤".index(piece[0])] + piece[1:], corners)
    return pieces


def _first_glyph(band: np.ndarray, height: int) -> np.ndarray | None:
    """The ink of the band's first glyph: its first run of inked columns as wide as a sign (a rule is thinner);
    a table rule across the band (the line's box can reach its cell's border) is left out."""
    ink = band < 128
    ink[ink.mean(axis=1) >= 0.9] = False
    inked = ink.any(axis=0)
    edges = np.flatnonzero(np.diff(np.concatenate(([False], inked, [False])).astype(np.int8)))
    for begin, end in zip(edges[::2], edges[1::2], strict=True):
        if 0.25 * height <= end - begin <= 0.8 * height:
            return ink[:, begin:end]
    return None


def _bars_under(ink: np.ndarray) -> int:
    """Horizontal bars in the lower half of a glyph: runs of rows inked across most of its width."""
    bar = ink.mean(axis=1) >= 0.7
    bar[: len(bar) // 2] = False
    return int(np.count_nonzero(bar[1:] & ~bar[:-1]) + bar[0])
