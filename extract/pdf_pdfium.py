"""pdfium (pypdfium2) as a page source: one PDF page → `page.PageContent`, as displayed.

Glyphs come from pdfium's text page: each character's text, its origin on
the baseline, its font size and its advance (the font's /W or /Widths), so
its box is an em box as pdfminer's: one advance wide, one font size high,
0.12 of it below the baseline (`_DESCENT`).  Ruling segments come from the page's
path objects, form XObjects included, each subpath's points transformed by
its object's matrix and joined point to point, as pdfplumber makes edges.
Everything is turned into the displayed, top-left coordinates of
`page.PageContent`, `/Rotate` applied.

A page may not hold more than `MAX_PAGE_OBJECTS` objects or
`MAX_PATH_POINTS` path points before its rules are ignored (its text is
still read): pdfium has parsed them already, but turning them into
segments and searching them for tables would not end in time.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field

import pypdfium2
import pypdfium2.raw as pdfium_c
from jixiao.extract.page import Glyph, PageContent, Segment
from jixiao.extract.page_text import is_bold_font

MAX_PAGE_OBJECTS = 50_000  # a dense report page draws a few thousand
MAX_PATH_POINTS = 50_000
_MAX_FORM_DEPTH = 12  # forms inside forms; pdfium stops a form that contains itself
# The em box reaches this far below the baseline, in font sizes: a CJK font's ideographic em box (0.88 above,
# 0.12 below); fonts' own /Descent is not used, as LibreOffice writes 0 and pdfium then guesses from a glyph.
_DESCENT = 0.12
_STRAIGHT = 1e-3  # points: a segment closer than this to horizontal or vertical is exactly so


@dataclass
class PageRead:
    content: PageContent
    unmapped: int  # glyphs whose font gives no Unicode (pdfminer would say `(cid:N)`)
    unplaced: int  # text objects lost from pdfium's text page (see `PdfiumPage._left_out`)
    refused: str | None  # why the page's rules were ignored, when they were


@dataclass
class _Walk:
    segments: list[Segment] = field(default_factory=list)
    unplaced: int = 0
    spaces: list[Glyph] = field(default_factory=list)
    budget: list[int] = field(default_factory=lambda: [MAX_PAGE_OBJECTS, MAX_PATH_POINTS])


@dataclass
class PageFacts:
    """What a look at a pdfium page tells before its glyphs are read."""

    chars: int  # characters in its text layer (pdfium's own spaces and line breaks included)
    has_image: bool
    width: float  # as displayed
    height: float


class PdfiumPage:
    """One loaded page and its text page; close() frees both."""

    def __init__(self, page: pypdfium2.PdfPage, number: int) -> None:
        self.page = page
        self.number = number
        self.text_page = page.get_textpage()
        self.rotation = page.get_rotation() % 360
        left, bottom, right, top = page.get_cropbox()
        self._box = (left, bottom, right, top)
        width, height = right - left, top - bottom
        self.width, self.height = (height, width) if self.rotation in (90, 270) else (width, height)
        self.objects = pdfium_c.FPDFPage_CountObjects(page.raw)

    def close(self) -> None:
        self.text_page.close()
        self.page.close()

    def facts(self) -> PageFacts:
        chars = self.text_page.count_chars()
        has_image = chars == 0 and self._has_image()
        return PageFacts(chars=chars, has_image=has_image, width=self.width, height=self.height)

    def plain_text(self, limit: int) -> str:
        return self.text_page.get_text_range(0, limit).replace("\r\n", "\n")

    def _has_image(self) -> bool:
        return any(
            pdfium_c.FPDFPageObj_GetType(pdfium_c.FPDFPage_GetObject(self.page.raw, index))
            == pdfium_c.FPDF_PAGEOBJ_IMAGE
            for index in range(min(self.objects, MAX_PAGE_OBJECTS))
        )

    def _display(self, x: float, y: float) -> tuple[float, float]:
        """A point of PDF user space → displayed coordinates from the top-left corner."""
        left, bottom, right, top = self._box
        rotation = self.rotation
        if rotation == 90:
            return y - bottom, x - left
        if rotation == 180:
            return right - x, y - bottom
        if rotation == 270:
            return top - y, right - x
        return x - left, top - y

    def content(self) -> PageRead:
        """The page's glyphs and segments, and what pdfium could not read of it."""
        glyphs, unmapped, placed = self._glyphs()
        walk = _Walk()
        refused = self._walk(walk, placed)
        glyphs.extend(walk.spaces)
        content = PageContent(self.number, self.width, self.height, glyphs, walk.segments, rotation=self.rotation)
        return PageRead(content, unmapped, walk.unplaced, refused)

    def _glyphs(self) -> tuple[list[Glyph], int, set[int]]:
        """The text page's glyphs, how many have no Unicode, and the text objects they come from."""
        raw = ctypes.cast(self.text_page.raw, ctypes.c_void_p).value
        count = pdfium_c.FPDFText_CountChars(self.text_page.raw)
        codes = self._codes(raw, count)
        glyphs: list[Glyph] = []
        append = glyphs.append
        unmapped = 0
        text_page = _handle(raw)  # as the per-character calls take it
        origin_x, origin_y = ctypes.c_double(), ctypes.c_double()
        at_x, at_y = ctypes.byref(origin_x), ctypes.byref(origin_y)
        width = ctypes.c_float()
        matrix = (ctypes.c_float * 6)()  # FS_MATRIX's a, b, c, d, e, f, read as one slice
        matrix_at = ctypes.byref(matrix)
        run_object = None
        placed: set[int] = set()
        runs: dict[tuple, tuple] = {}
        widths: dict[int, dict[int, float]] = {}
        fonts: dict[int, bool] = {}
        upright = self.rotation == 0  # most pages: `_display` inlined
        display = self._display
        box_left, box_top = self._box[0], self._box[3]
        get_object, map_error, get_origin, generated = _TEXT_OBJECT, _MAP_ERROR, _ORIGIN, _GENERATED
        for index in range(count):
            text_object = get_object(text_page, index)
            if not text_object:
                continue  # a line break pdfium inferred
            code = codes[index]
            if code == 0x20 and generated(text_page, index):
                continue  # a space pdfium inferred (the only kind it places in a text object); the assembly infers its own
            if text_object != run_object:
                run_object = text_object
                placed.add(text_object)
                _MATRIX(text_page, index, matrix_at)
                key = (*matrix[:4], _FONT_SIZE(text_page, index), _FONT(text_object) or 0)
                run = runs.get(key)
                if run is None:
                    run = runs[key] = self._run(key, fonts)
                font, scale, size, bold, low_x, low_y, along_x, along_y, h_min_x, h_min_y, h_max_x, h_max_y = run
                # most runs: an upright page's left-to-right line, whose boxes are the origin shifted
                level = upright and along_y == 0.0 and along_x > 0.0
                advances = widths.get(font)
                if advances is None:
                    advances = widths[font] = {}
            if map_error(text_page, index):
                unmapped += 1
                text = "\ufffd"
            else:
                text = chr(code) if code < 0x110000 else "\ufffd"
            advance = advances.get(code)
            if advance is None:
                _GLYPH_WIDTH(font, code, 1.0, ctypes.addressof(width))
                advance = advances[code] = width.value
            advance *= scale
            get_origin(text_page, index, at_x, at_y)
            if level and advance >= 0.0:  # the general case below without its zero terms (the same sums)
                left, top = origin_x.value - box_left - low_x, box_top - origin_y.value - low_y
                append(
                    Glyph(
                        text,
                        left + h_min_x,
                        top + h_min_y,
                        left + along_x * advance + h_max_x,
                        top + h_max_y,
                        size,
                        bold,
                    )
                )
                continue
            x, y = origin_x.value, origin_y.value
            left, top = (x - box_left, box_top - y) if upright else display(x, y)
            left, top = left - low_x, top - low_y  # the em box's bottom
            ax, ay = along_x * advance, along_y * advance
            append(
                Glyph(
                    text,
                    left + (ax if ax < 0.0 else 0.0) + h_min_x,
                    top + (ay if ay < 0.0 else 0.0) + h_min_y,
                    left + (ax if ax > 0.0 else 0.0) + h_max_x,
                    top + (ay if ay > 0.0 else 0.0) + h_max_y,
                    size,
                    bold,
                )
            )
        return glyphs, unmapped, placed

    def _codes(self, raw: int, count: int) -> list[int]:
        """Each character's Unicode, from the page's text in one call when it lines up with the characters.

        It does unless pdfium leaves a character out of the text (a control
        character) or a pair of characters decodes as one (a surrogate pair):
        then the text is shorter and each is asked for.  The text holds U+FFFE
        for a character without Unicode and for a hyphen that ends a line
        (pdfium's code 2 there); those are asked for too.
        """
        text = self.text_page.get_text_range(0, count)
        if len(text) != count:
            return [_UNICODE(raw, index) for index in range(count)]
        codes = [ord(char) for char in text]
        if "\ufffe" in text:
            for index, code in enumerate(codes):
                if code == 0xFFFE:
                    codes[index] = _UNICODE(raw, index)
        return codes

    def _run(self, key: tuple, fonts: dict[int, bool]) -> tuple:
        """What the characters of text objects with one matrix (a, b, c, d), font size and font share: font,
        advance scale, size, bold, and their em box as displayed (the offset to its bottom, the run's
        direction, the box's reach from the baseline)."""
        a, b, c, d, font_size, font = key
        along = (a**2 + b**2) ** 0.5 or 1.0
        up = (c**2 + d**2) ** 0.5 or 1.0
        bold = fonts.get(font)
        if bold is None:
            bold = fonts[font] = is_bold_font(_font_name(ctypes.cast(font, pdfium_c.FPDF_FONT)))
        size = font_size * up
        ux, uy = a / along, b / along
        vx, vy = c / up, d / up
        # the run's directions as displayed (`_display` less its shift), and its em box's height
        display = self._display
        origin_shown = display(0.0, 0.0)
        along_x, along_y = (shown - origin for shown, origin in zip(display(ux, uy), origin_shown, strict=True))
        up_x, up_y = (shown - origin for shown, origin in zip(display(vx, vy), origin_shown, strict=True))
        hx, hy = up_x * size, up_y * size
        return (
            font,
            font_size * along,
            size,
            bold,
            hx * _DESCENT,
            hy * _DESCENT,
            along_x,
            along_y,
            min(0.0, hx),
            min(0.0, hy),
            max(0.0, hx),
            max(0.0, hy),
        )

    def _walk(self, walk: _Walk, placed: set[int]) -> str | None:
        """Collect every path's segments and count unplaced text (of the text objects not in `placed`,
        those the text page holds); the reason when the page draws too much."""
        if self.objects > MAX_PAGE_OBJECTS:
            return f"draws {self.objects} objects (more than {MAX_PAGE_OBJECTS})"
        identity = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
        stack = [(ctypes.cast(self.page.raw, ctypes.c_void_p).value, identity, 0, True)]
        matrix = (ctypes.c_float * 6)()  # FS_MATRIX's a, b, c, d, e, f
        matrix_at = ctypes.addressof(matrix)
        bounds = (ctypes.c_float * 4)()
        path, text, form = pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_TEXT, pdfium_c.FPDF_PAGEOBJ_FORM
        object_type = _OBJECT_TYPE
        while stack:
            holder, outer, depth, is_page = stack.pop()
            count = _PAGE_OBJECTS(holder) if is_page else _FORM_OBJECTS(holder)
            walk.budget[0] -= count
            if walk.budget[0] < 0:
                walk.segments.clear()
                return f"draws more than {MAX_PAGE_OBJECTS} objects, counting those inside its forms"
            get_object = _PAGE_OBJECT if is_page else _FORM_OBJECT
            for index in range(count):
                item = get_object(holder, index)
                if item in placed:
                    continue  # most of a page's objects: text the glyph walk has read
                kind = object_type(item)
                if kind != text and kind != path and kind != form:
                    continue
                if not _OBJECT_MATRIX(item, matrix_at):
                    continue
                own = _compose(tuple(matrix), outer)
                if kind == text:
                    self._left_out(item, own, bounds, walk)
                    continue
                if kind == form:
                    if depth < _MAX_FORM_DEPTH:
                        stack.append((item, own, depth + 1, False))
                    continue
                if not self._path(item, own, walk):
                    walk.segments.clear()
                    return f"draws more than {MAX_PATH_POINTS} path points"
        return None

    def _left_out(self, text_object, matrix: tuple, bounds, walk: _Walk) -> None:
        """A text object pdfium's text page leaves out: a space to add, or text lost (counted in `unplaced`).

        pdfium drops a text object whose box has no width.  In an embedded
        font that is a run of spaces (a glyph without ink), which the
        assembly needs where it parts two words with no gap (局 河北省);
        it comes back as one space.  A font that is not embedded is replaced
        by one of pdfium's, which may lack the glyphs (CJK on a machine
        without CJK fonts) and give them no box: a run of one character, or
        a column of them, is then lost.
        """
        at, step = ctypes.addressof(bounds), ctypes.sizeof(ctypes.c_float)
        if not _BOUNDS(text_object, at, at + step, at + 2 * step, at + 3 * step):
            return
        left, right = bounds[0], bounds[2]
        if right - left >= 0.01:
            return
        font = _FONT(text_object)
        if not _EMBEDDED(font):
            walk.unplaced += 1
            return
        font_size, advance = ctypes.c_float(), ctypes.c_float()
        _TEXT_SIZE(text_object, ctypes.addressof(font_size))
        _GLYPH_WIDTH(font, 0x20, 1.0, ctypes.addressof(advance))
        a, b, c, d, e, f = matrix
        along, up = (a * a + b * b) ** 0.5, (c * c + d * d) ** 0.5
        if not along or not up:
            return
        size, width = font_size.value * up, advance.value * font_size.value
        heights = (-_DESCENT * font_size.value, (1 - _DESCENT) * font_size.value)
        corners = [self._display(e + a * dx + c * dy, f + b * dx + d * dy) for dx in (0, width) for dy in heights]
        xs, ys = [p[0] for p in corners], [p[1] for p in corners]
        walk.spaces.append(Glyph(" ", min(xs), min(ys), max(xs), max(ys), size))

    def _path(self, path, matrix: tuple, walk: _Walk) -> bool:
        """Append one path object's segments; False when the page's point budget is spent."""
        count = _SEGMENTS(path)
        walk.budget[1] -= max(count, 0)
        if walk.budget[1] < 0:
            return False
        a, b, c, d, e, f = matrix
        x, y = ctypes.c_float(), ctypes.c_float()
        x_at, y_at = ctypes.addressof(x), ctypes.addressof(y)
        subpaths: list[list[tuple[float, float]]] = []
        curve_points = 0
        for index in range(count):
            segment = _SEGMENT(path, index)
            kind = _SEGMENT_TYPE(segment)
            _SEGMENT_POINT(segment, x_at, y_at)
            point = self._display(a * x.value + c * y.value + e, b * x.value + d * y.value + f)
            if kind == pdfium_c.FPDF_SEGMENT_MOVETO or not subpaths:
                subpaths.append([point])
            elif kind == pdfium_c.FPDF_SEGMENT_BEZIERTO:
                curve_points += 1
                if curve_points % 3 == 0:  # a curve's end point; its two control points make no edge
                    subpaths[-1].append(point)
            else:
                subpaths[-1].append(point)
            if _SEGMENT_CLOSES(segment) and subpaths[-1][-1] != subpaths[-1][0]:
                subpaths[-1].append(subpaths[-1][0])
        for points in subpaths:
            if len(points) == 3 and points[2] == points[0]:
                points.pop()  # a line closed on itself is one line
            for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
                if abs(y1 - y0) < _STRAIGHT:
                    y1 = y0
                if abs(x1 - x0) < _STRAIGHT:
                    x1 = x0
                walk.segments.append(Segment(x0, y0, x1, y1))
        return True


def _plain(function, restype, *argtypes):
    """A pdfium function that takes and gives plain integers for pointers: pypdfium2's typed
    pointers cost a conversion on every call, and a page makes several calls per character.
    It keeps the GIL (PYFUNCTYPE): releasing and taking it again cost more than the call itself."""
    return ctypes.PYFUNCTYPE(restype, *argtypes)(ctypes.cast(function, ctypes.c_void_p).value)


_P, _I = ctypes.c_void_p, ctypes.c_int
_UNICODE = _plain(pdfium_c.FPDFText_GetUnicode, ctypes.c_uint, _P, _I)


def _per_character(function, restype):
    """A pdfium function called for every character, without argument types: ctypes then converts
    nothing (a third of a call's cost), so it must be given `_handle`s and byrefs for pointers and an
    int index.  It keeps the GIL, as `_plain` does."""
    return ctypes.PYFUNCTYPE(restype)(ctypes.cast(function, ctypes.c_void_p).value)


def _handle(address: int):
    """A pointer argument ctypes passes as it is: a byref whose target lies at `address` (a c_void_p
    holding it is converted again on every call, a fifth of a per-character call's cost)."""
    return ctypes.byref(ctypes.c_char.from_address(address))


_TEXT_OBJECT = _per_character(pdfium_c.FPDFText_GetTextObject, _P)
_MAP_ERROR = _per_character(pdfium_c.FPDFText_HasUnicodeMapError, _I)
_GENERATED = _per_character(pdfium_c.FPDFText_IsGenerated, _I)
_ORIGIN = _per_character(pdfium_c.FPDFText_GetCharOrigin, _I)
_MATRIX = _per_character(pdfium_c.FPDFText_GetMatrix, _I)
_FONT_SIZE = _per_character(pdfium_c.FPDFText_GetFontSize, ctypes.c_double)
_FONT = _plain(pdfium_c.FPDFTextObj_GetFont, _P, _P)
_GLYPH_WIDTH = _plain(pdfium_c.FPDFFont_GetGlyphWidth, _I, _P, ctypes.c_uint32, ctypes.c_float, _P)
_EMBEDDED = _plain(pdfium_c.FPDFFont_GetIsEmbedded, _I, _P)
_TEXT_SIZE = _plain(pdfium_c.FPDFTextObj_GetFontSize, _I, _P, _P)
_PAGE_OBJECTS = _plain(pdfium_c.FPDFPage_CountObjects, _I, _P)
_FORM_OBJECTS = _plain(pdfium_c.FPDFFormObj_CountObjects, _I, _P)
_PAGE_OBJECT = _plain(pdfium_c.FPDFPage_GetObject, _P, _P, _I)
_FORM_OBJECT = _plain(pdfium_c.FPDFFormObj_GetObject, _P, _P, ctypes.c_ulong)
_OBJECT_TYPE = _plain(pdfium_c.FPDFPageObj_GetType, _I, _P)
_OBJECT_MATRIX = _plain(pdfium_c.FPDFPageObj_GetMatrix, _I, _P, _P)
_BOUNDS = _plain(pdfium_c.FPDFPageObj_GetBounds, _I, _P, _P, _P, _P, _P)
_SEGMENTS = _plain(pdfium_c.FPDFPath_CountSegments, _I, _P)
_SEGMENT = _plain(pdfium_c.FPDFPath_GetPathSegment, _P, _P, _I)
_SEGMENT_TYPE = _plain(pdfium_c.FPDFPathSegment_GetType, _I, _P)
_SEGMENT_POINT = _plain(pdfium_c.FPDFPathSegment_GetPoint, _I, _P, _P, _P)
_SEGMENT_CLOSES = _plain(pdfium_c.FPDFPathSegment_GetClose, _I, _P)


def _compose(inner: tuple, outer: tuple) -> tuple:
    """The matrix that applies `inner`, then `outer` (PDF matrices as a, b, c, d, e, f)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _font_name(font) -> str:
    size = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
    if size <= 0:
        return ""
    buffer = ctypes.create_string_buffer(size)
    pdfium_c.FPDFFont_GetBaseFontName(font, buffer, size)
    return buffer.value.decode("utf-8", "replace")
