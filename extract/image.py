"""Page images → the document model: JPEG, PNG and TIFF (any number of pages), read as scanned PDF pages are.

Pillow opens the image (only its header at first) and decodes one frame, a
page, at a time.  Each page is brought to the OCR resolution (`--ocr-dpi`,
as a scanned PDF page is rendered at it): the image's own resolution is read
from its header (JFIF, EXIF, pHYs, TIFF tags); when it has none, or one
that makes no paper size, the page is taken to be A4 on its long side.  A
JPEG is decoded straight at a reduced scale (Pillow's `draft`), and other
images are reduced before they are resampled, so a 600-dpi page is never
held in memory at full size more than once.  Then `page_ocr.ocr_page` reads
the page (seal ink, orientation, deskew, blank pages) and the same assembly
as for a PDF lays it out (`page_assembly.lay_out`) and puts the pages
together (`assemble`).

Bounds: a page of more than `MAX_PIXELS` is refused before it is decoded
(Pillow's decompression-bomb check stops bigger ones at the header); the
time limit grows by `OCR_TIME_PER_PAGE` for each page read, as for a
scanned PDF.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
from jixiao.extract.model import Document, ReadError
from jixiao.extract.page import DEFAULT_TIME_LIMIT, OCR_TIME_PER_PAGE
from jixiao.extract.page_assembly import PageItems, assemble, lay_out
from jixiao.extract.page_ocr import ocr_dpi as default_ocr_dpi
from jixiao.extract.page_ocr import ocr_page

# An A3 page at 600 dpi is 7016 × 9921 = 69.6 million pixels; a scanner's margin on top.
MAX_PIXELS = 80_000_000
_A4_LONG_SIDE = 11.69  # inches
_PAGE_INCHES = (4.0, 24.0)  # a long side between A6 and A2: a resolution that makes one is believed
_SAME_DPI = 0.01  # within 1 % of the OCR resolution a page is read as it is, not resampled


def read_image(path: Path, **options) -> Document:
    """Read a page image (a multi-page TIFF: every page); raises ReadError naming what is wrong with it.

    Options as for `read_image_pages`.
    """
    return read_image_pages([path], **options)


def read_image_pages(
    paths: Sequence[Path],
    *,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    ocr_dpi: float | None = None,
    ocr_time_per_page: float = OCR_TIME_PER_PAGE,
) -> Document:
    """One report scanned into several image files (a page each, or a few): their pages in the order given.

    `time_limit` (None: none) grows by `ocr_time_per_page` for each page
    read; `ocr_dpi` is the resolution pages are read at (default:
    `page_ocr.ocr_dpi()`).
    """
    dpi = ocr_dpi or default_ocr_dpi()
    started = time.monotonic()
    limit = time_limit
    notes: list[tuple[str, str]] = []
    pages: list[PageItems] = []
    blank = 0
    for number, (page, page_dpi) in enumerate(page_images(paths, dpi), start=1):
        if limit is not None and time.monotonic() - started > limit:
            raise ReadError(f"gave up after {number - 1} pages: over the {limit:g} s time limit")
        height = page.shape[0] * 72.0 / page_dpi
        noted = len(notes)
        content = ocr_page(page, number, page_dpi, notes=notes)
        del page  # released before the next page is decoded
        if content is None:
            blank += 1
            pages.append(PageItems(number=number, height=height))
            continue
        if limit is not None:
            limit += ocr_time_per_page
        if not content.glyphs and len(notes) == noted:  # (a page that is no print was noted as such)
            notes.append(("image_page_no_text", f"page {number} is an image in which OCR found no text"))
        pages.append(lay_out(content, notes))
    if not any(page.items for page in pages):
        raise ReadError(_why_nothing(len(pages), blank, notes))
    try:
        blocks = assemble(pages)
    # every page was read; a layout the assembly cannot put together still fails as a ReadError
    except (ValueError, IndexError, KeyError, TypeError, ZeroDivisionError) as exc:
        raise ReadError(f"could not put the image's pages together: {type(exc).__name__}: {exc}") from exc
    return Document(blocks=blocks, format="image", pages=len(pages), notes=notes)


def count_pages(path: Path) -> int:
    """How many pages (frames) the image holds, from its header; 0 when it cannot be opened."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                return int(getattr(image, "n_frames", 1))
    except (OSError, ValueError, Image.DecompressionBombError):
        return 0


def _why_nothing(total: int, blank: int, notes: list[tuple[str, str]]) -> str:
    if total == 0:
        return "the image holds no page"
    if blank == total:
        return "no text: every page is blank"
    pictures = sum(code == "ocr_page_not_print" for code, _ in notes)
    if pictures + blank == total:
        return "not a page scan: the image is mostly dark, not print on paper (a photograph?)"
    return f"no text found: OCR read nothing on its {total - blank} pages"


def page_images(paths: Sequence[Path], ocr_dpi: float) -> Iterator[tuple[np.ndarray, float]]:
    """Every page of every file in turn, as an array at (about) `ocr_dpi`, with its resolution."""
    from PIL import Image, UnidentifiedImageError

    for path in paths:
        try:
            # Pillow warns of damaged metadata and of a big image (refused below with its size; its own
            # error stops what is far bigger): the reason is the ReadError's, if any
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                image = Image.open(path)
        except Image.DecompressionBombError as exc:
            raise ReadError(f"an image too large to be a page scan: {exc}") from exc
        except (UnidentifiedImageError, OSError, ValueError) as exc:
            raise ReadError(f"not a readable image: {exc}") from exc
        with image:
            for index in range(int(getattr(image, "n_frames", 1))):
                try:
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        image.seek(index)
                        page = _page(image, ocr_dpi)
                except (OSError, ValueError, SyntaxError) as exc:  # Pillow's decoders raise these on bad data
                    raise ReadError(f"page {index + 1} of the image could not be decoded: {exc}") from exc
                yield page
                del page


def _page(frame, ocr_dpi: float) -> tuple[np.ndarray, float]:
    """One frame decoded, greyscale (or RGB when in colour, for seal ink), upright by its EXIF, at ~`ocr_dpi`."""
    from PIL import Image, ImageOps

    width, height = frame.size
    if width * height > MAX_PIXELS:
        raise ReadError(
            f"a page of {width} × {height} pixels is more than a page scan holds "
            f"(an A3 page at 600 dpi is 7016 × 9921); refused"
        )
    dpi = _resolution(frame)
    scale = ocr_dpi / dpi
    colour = frame.mode not in ("1", "L", "LA", "I", "I;16", "I;16B", "I;16L", "I;16N", "F")
    if frame.format == "JPEG" and scale < 1:
        frame.draft("RGB" if colour else "L", (round(width * scale), round(height * scale)))
    image = _eight_bit(frame, colour)
    orientation = frame.getexif().get(0x0112, 1)  # EXIF Orientation: a camera's or phone's photo of a page
    if orientation != 1:
        image = ImageOps.exif_transpose(image)
        if orientation in (5, 6, 7, 8):  # turned a quarter: the resolution's axes swap, the page's long side stays
            width, height = height, width
    # the draft may have decoded a JPEG at a half, a quarter or an eighth of its size
    dpi *= image.size[0] / width
    scale = ocr_dpi / dpi
    if abs(scale - 1) > _SAME_DPI:
        size = (max(round(image.size[0] * scale), 1), max(round(image.size[1] * scale), 1))
        image = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)
        dpi = ocr_dpi
    else:
        dpi = ocr_dpi if abs(dpi - ocr_dpi) <= _SAME_DPI * ocr_dpi else dpi
    return np.asarray(image), dpi


def _eight_bit(frame, colour: bool):
    """The frame as Pillow "L" or "RGB": bilevel and 16-bit grey to 8-bit grey, transparency on white paper."""
    from PIL import Image

    if frame.mode.startswith("I;16") or frame.mode == "I":
        values = np.asarray(frame, dtype=np.float32)  # its brightest value is the paper's
        return Image.fromarray((values * (255 / max(float(values.max()), 1.0))).astype(np.uint8))
    if "A" in frame.mode or "transparency" in frame.info:
        rgba = frame.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(paper, rgba).convert("RGB" if colour else "L")
    target = "RGB" if colour else "L"
    return frame if frame.mode == target else frame.convert(target)  # no copy of a page that is ready


def _resolution(frame) -> float:
    """Dots per inch: the header's when it makes a page of paper size, else the long side as A4's."""
    width, height = frame.size
    long_side = max(width, height)
    dpi = frame.info.get("dpi")
    if dpi:
        try:
            value = float(dpi[0])
        except (TypeError, ValueError, IndexError):
            value = 0.0
        if value > 0 and _PAGE_INCHES[0] <= long_side / value <= _PAGE_INCHES[1]:
            return value
    return long_side / _A4_LONG_SIDE
