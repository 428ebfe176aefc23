"""WordprocessingML (the XML inside a .docx) → document model, in one lxml pass.

python-docx is not used here: its ``row.cells`` repeats a merged cell once per
grid column and merged row, its paragraph text drops runs inside ``w:ins``, a
cell inside ``w:sdt`` vanishes and shifts its row, and it never shows field
codes.  So the walker reads the XML itself, with these rules:

- Wrappers are transparent: ``w:sdt``/``w:sdtContent`` (around runs, cells,
  rows or whole tables), ``w:customXml``, ``w:smartTag``, ``w:hyperlink``,
  ``w:ins``, ``w:moveTo``, ``w:fldSimple``, ``w:dir``/``w:bdo``; Office Math
  is read down to its ``m:t`` text.  A run-level content control still
  showing its placeholder prompt has no content.
- Not read: text boxes and shapes (``w:drawing``, ``w:pict``), headers,
  footers, footnotes and comments: a report's data is in the body.  An
  embedded document (``w:altChunk``) is not read either, and a note says so.
- What Word does not show is not text: ``w:del``/``w:delText``,
  ``w:moveFrom``, hidden runs (``w:vanish`` directly or by character style),
  deleted table rows, and field codes (``w:instrText``, ``fldSimple/@instr``).
- Fields are tracked across paragraphs with a stack (``fldChar`` begin /
  separate / end).  A TC field's code is parsed into ``Heading.tc``; the
  cached result of a TOC/INDEX field, and of every field nested in it, is a
  generated copy of the document and is skipped; other results (page numbers,
  REF, MERGEFIELD, …) are what the reader sees and count.
- ``w:tab``/``w:ptab`` → ``\\t``; ``w:br``/``w:cr`` → ``\\n``;
  ``w:noBreakHyphen`` → ``-``; ``w:softHyphen`` → nothing (it only shows at a
  line end); ``w:sym`` → its character, Symbol-font code points mapped to
  Unicode.
- Tables are placed on their grid: ``gridSpan`` and the legacy ``hMerge`` (as
  WPS writes it) widen a cell, ``vMerge`` continuations lengthen the cell above,
  ``gridBefore``/``gridAfter`` become one empty cell each so every row covers
  the whole grid (that is how the row looked before its empty cell was dropped).
- A nested table is flattened into the cell that holds it: one line per nested
  row, its cells separated by ``\\t``; a note says so.  Its text stays where the
  author put it, and table numbering (``Table.index``) counts top-level tables
  only, as a layout expects.
- A paragraph whose mark is a tracked deletion joins the next paragraph.
- Headings: a TC entry, a heading style (``heading 1``…, ``标题 1``…), an
  outline level (in the paragraph or inherited from its style), or a ``_Toc``
  bookmark (Word bookmarks exactly the paragraphs a table of contents lists;
  this is what survives of a TC entry once a report went through HTML).
  ``level`` is the outline level (1-based) where the document has one, else
  the TC ``\\l``.
- A table of contents that is no longer a field (unlinked by the author, or
  flattened by an HTML round trip) is still skipped: a body paragraph in a TOC
  style (``toc 1``, ``Contents 1``, ``目录 1``), or one whose text is all links
  to ``_Toc`` bookmarks and ends with its page number.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from jixiao.extract.fields import parse_tc
from jixiao.extract.model import Cell, Document, Heading, Paragraph, ReadError, Table, TCEntry
from jixiao.extract.word_ns import VAL as _VAL
from jixiao.extract.word_ns import W as _W
from jixiao.extract.word_ns import is_on, to_int
from jixiao.extract.word_numbering import Numbering
from lxml import etree

_M = "{http://schemas.openxmlformats.org/officeDocument/2006/math}"

_P, _R, _T, _TBL, _TR, _TC = _W + "p", _W + "r", _W + "t", _W + "tbl", _W + "tr", _W + "tc"
_PPR, _RPR, _TCPR, _TRPR = _W + "pPr", _W + "rPr", _W + "tcPr", _W + "trPr"

# Elements whose children are read as if they stood in the parent's place.
TRANSPARENT = {
    _W + name
    for name in ("sdt", "sdtContent", "customXml", "smartTag", "hyperlink", "ins", "moveTo", "dir", "bdo", "fldSimple")
}
# Elements whose content is never text (the deleted, and properties).
_SKIPPED = {
    _W + name
    for name in ("del", "moveFrom", "sdtPr", "sdtEndPr", "customXmlPr", "smartTagPr", "pPr", "rPr", "tblPr", "tblGrid")
}
_RESULT_HIDDEN_FIELDS = {"TOC", "INDEX", "TOA"}

# Word allows 63 columns; a span or a grid beyond these is damage or an attack (a gridSpan of
# 10⁹, or thousands of rows merged under a wide cell), refused before any grid is built from it.
MAX_TABLE_COLUMNS = 1000
MAX_TABLE_GRID = 1_000_000  # rows × columns of one table

# Word's Symbol font (w:sym w:font="Symbol" w:char="F0B3") → Unicode, for the
# characters reports use; the rest of the Symbol range is Greek and arrows.
_SYMBOL_FONT = {
    0xA3: "≤", 0xB3: "≥", 0xB1: "±", 0xB4: "×", 0xB8: "÷", 0xB9: "≠", 0xBB: "≈", 0xB0: "°",
    0xA5: "∞", 0xD6: "√", 0xAE: "→", 0xAC: "←", 0xAD: "↑", 0xAF: "↓", 0xB7: "•", 0xD7: "·",
}  # fmt: skip

_Value = TypeVar("_Value")

_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)
_TOC_STYLE = re.compile(r"^(?:toc|contents|目录)\s*\d$", re.IGNORECASE)
# Word names TOC targets _Toc…; LibreOffice keeps them as __RefHeading__ + _Toc….
_TOC_BOOKMARK = re.compile(r"^(?:__RefHeading__)?_Toc")


@dataclass
class _Style:
    name: str = ""
    based_on: str | None = None
    outline: int | None = None  # 0-based w:outlineLvl, 9 = body text
    hidden: bool = False  # a character style with w:vanish
    numbering: tuple[str, int] | None = None  # (numId, ilvl) a list style gives its paragraphs


@dataclass
class Styles:
    """What the walker needs from styles.xml: heading levels, TOC and list styles, hidden character styles."""

    by_id: dict[str, _Style] = field(default_factory=dict)

    @classmethod
    def from_xml(cls, root: etree._Element | None) -> Styles:
        styles = cls()
        if root is None:
            return styles
        for element in root.iter(_W + "style"):
            style = _Style()
            name = element.find(_W + "name")
            style.name = name.get(_VAL, "") if name is not None else ""
            based = element.find(_W + "basedOn")
            style.based_on = based.get(_VAL) if based is not None else None
            outline = to_int(_attr(element.find(f"{_PPR}/{_W}outlineLvl")), -1)
            if outline >= 0:
                style.outline = outline
            style.hidden = is_on(element.find(f"{_RPR}/{_W}vanish"))
            num_pr = element.find(f"{_PPR}/{_W}numPr")
            if num_pr is not None:
                style.numbering = _num_pr(num_pr)
            styles.by_id[element.get(_W + "styleId", "")] = style
        return styles

    def heading_level(self, style_id: str | None) -> int | None:
        """1-based outline level a paragraph style gives, following basedOn (outline level 9 = body text)."""
        level = self._inherited(style_id, _style_level)
        return level or None

    def numbering(self, style_id: str | None) -> tuple[str, int] | None:
        """(numId, ilvl) of the list a paragraph style numbers its paragraphs in, following basedOn."""
        return self._inherited(style_id, lambda style: style.numbering)

    def is_toc_entry(self, style_id: str | None) -> bool:
        style = self.by_id.get(style_id or "")
        return style is not None and bool(_TOC_STYLE.match(style.name.strip()))

    def is_hidden(self, style_id: str | None) -> bool:
        return bool(self._inherited(style_id, lambda style: True if style.hidden else None))

    def _inherited(self, style_id: str | None, pick: Callable[[_Style], _Value | None]) -> _Value | None:
        """The first value ``pick`` finds on the style or on the styles it is based on."""
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            style = self.by_id.get(style_id)
            if style is None:
                return None
            value = pick(style)
            if value is not None:
                return value
            style_id = style.based_on
        return None


def _style_level(style: _Style) -> int | None:
    """A heading style's level; 0 when the style says body text (stops the basedOn walk); None to ask its base."""
    match = _HEADING_STYLE.match(style.name.strip())
    if match and match.group(1) != "0":
        return int(match.group(1))
    if style.outline is not None:
        return style.outline + 1 if style.outline < 9 else 0
    return None


@dataclass
class _Field:
    outer_showing: bool  # whether text showed where the field began (all enclosing fields in a shown result)
    code: list[str] = field(default_factory=list)
    in_result: bool = False
    hides_result: bool = False

    def showing(self) -> bool:
        """Whether text at this point of the field shows; O(1), so thousands of open fields stay linear."""
        return self.outer_showing and self.in_result and not self.hides_result


@dataclass
class _ParagraphText:
    parts: list[str] = field(default_factory=list)
    tc: TCEntry | None = None
    toc_link_depth: int = 0  # inside a hyperlink to a _Toc bookmark
    unlinked_text: bool = False  # some visible text stands outside such links

    def add(self, text: str) -> None:
        self.parts.append(text)
        if not self.toc_link_depth and text.strip():
            self.unlinked_text = True

    def text(self) -> str:
        return "".join(self.parts)


class WordWalker:
    """Walks one ``w:body`` into blocks; one instance per document (field state spans paragraphs)."""

    def __init__(self, styles: Styles | None = None, numbering: Numbering | None = None) -> None:
        self.styles = styles or Styles()
        self.numbering = numbering or Numbering()
        self.fields: list[_Field] = []
        self.notes: list[tuple[str, str]] = []
        self.table_count = 0

    # -- blocks -----------------------------------------------------------

    def document(self, elements: Iterable[etree._Element]) -> Document:
        """The document of a body's block elements, as :meth:`block_elements` gives them (or a stream does)."""
        blocks = list(self._body_blocks(elements))
        if self.fields:
            self.notes.append(("unterminated_field", "a field never ends; the text after it was read as its result"))
        return Document(blocks=blocks, format="docx", notes=self.notes)

    def block_elements(self, container: etree._Element):
        """Paragraphs and tables of a body or cell, through sdt/customXml wrappers."""
        for child in container:
            tag = child.tag
            if tag == _P or tag == _TBL:
                yield child
            elif tag in TRANSPARENT:
                yield from self.block_elements(child)
            elif tag == _W + "altChunk":
                self.alt_chunk()

    def alt_chunk(self) -> None:
        self.notes.append(("alt_chunk", "an embedded document (w:altChunk, e.g. pasted HTML) was not read"))

    def _body_blocks(self, elements: Iterable[etree._Element]):
        carried: list[str] = []  # text of paragraphs whose mark was deleted
        for element in elements:
            if element.tag == _TBL:
                if carried:  # a deleted paragraph mark cannot join a table
                    yield Paragraph(text="".join(carried))
                    carried = []
                self.table_count += 1
                yield self._table(element, self.table_count)
                continue
            paragraph = self._paragraph(element)
            if _mark_deleted(element):
                carried.append(paragraph.text())
                continue
            text = "".join(carried) + paragraph.text()
            carried = []
            if self._is_static_toc_line(element, text, paragraph):
                continue
            block = self._paragraph_block(element, text, paragraph.tc)
            if block is not None:
                yield block

    def _is_static_toc_line(self, element: etree._Element, text: str, paragraph: _ParagraphText) -> bool:
        if self.styles.is_toc_entry(_attr(element.find(f"{_PPR}/{_W}pStyle"))):
            return True
        return not paragraph.unlinked_text and text.rstrip()[-1:].isdigit()

    def _paragraph_block(self, element: etree._Element, text: str, tc: TCEntry | None):
        if not text.strip() and tc is None:
            return None  # an empty paragraph only spaces the page
        level = self._outline_level(element)
        if tc is not None or level is not None or _is_toc_target(element):
            return Heading(text=text.strip(), level=level if level is not None or tc is None else tc.level, tc=tc)
        return Paragraph(text=text)

    def _outline_level(self, paragraph: etree._Element) -> int | None:
        ppr = paragraph.find(_PPR)
        if ppr is None:
            return None
        value = to_int(_attr(ppr.find(_W + "outlineLvl")), -1)
        if value >= 0:
            return value + 1 if value < 9 else None
        style = ppr.find(_W + "pStyle")
        return self.styles.heading_level(style.get(_VAL)) if style is not None else None

    # -- tables -----------------------------------------------------------

    def _table(self, tbl: etree._Element, index: int) -> Table:
        grid = tbl.find(_W + "tblGrid")
        n_cols = len(grid.findall(_W + "gridCol")) if grid is not None else 0
        if n_cols > MAX_TABLE_COLUMNS:
            raise ReadError(f"table {index} declares {n_cols:,} grid columns (limit {MAX_TABLE_COLUMNS:,}): refused")
        table = Table(index=index)
        open_down: dict[int, Cell] = {}  # grid column → cell a vMerge continuation extends
        row_index = 0
        for tr in self._row_elements(tbl):
            trpr = tr.find(_TRPR)
            if trpr is not None and trpr.find(_W + "del") is not None:
                continue  # a tracked row deletion
            col = 0
            row_cells: list[Cell] = []
            before = _int_val(trpr, "gridBefore")
            _check_width(index, row_index, before)
            if before:
                row_cells.append(Cell(text="", row=row_index, col=0, colspan=before))
                col = before
            for tc in self._cell_elements(tr):
                tcpr = tc.find(_TCPR)
                span = max(_int_val(tcpr, "gridSpan"), 1)
                _check_width(index, row_index, col + span)
                h_merge = _merge_val(tcpr, "hMerge")
                v_merge = _merge_val(tcpr, "vMerge")
                if h_merge == "continue" and row_cells and row_cells[-1].row == row_index:
                    row_cells[-1].colspan += span
                    col += span
                    continue
                above = open_down.get(col)
                if v_merge == "continue" and above is not None and above.colspan == span:
                    above.rowspan = row_index - above.row + 1
                    row_cells.append(above)
                    # no walk (it would advance lists); text repeating the cell above loses nothing
                    hidden = "".join(text.text or "" for text in tc.iter(_T)).split()
                    if hidden and hidden != above.text.split():
                        self.notes.append(
                            ("merged_cell_text", f"table {index}, row {row_index + 1}, column {col + 1}: text in a "
                             "cell merged into the one above is not shown by Word and was not read")
                        )  # fmt: skip
                else:
                    cell = Cell(text=self._cell_text(tc, index, row_index, col), row=row_index, col=col, colspan=span)
                    row_cells.append(cell)
                col += span
            after = _int_val(trpr, "gridAfter")
            _check_width(index, row_index, col + after)
            if after:
                row_cells.append(Cell(text="", row=row_index, col=col, colspan=after))
                col += after
            open_down = {cell.col: cell for cell in row_cells}
            table.cells.extend(cell for cell in row_cells if cell.row == row_index)
            n_cols = max(n_cols, col)
            row_index += 1
            if row_index * n_cols > MAX_TABLE_GRID:
                raise ReadError(
                    f"table {index} would span {row_index:,} rows × {n_cols:,} columns "
                    f"(over {MAX_TABLE_GRID:,} grid positions): refused as damaged"
                )
        table.n_rows = row_index
        table.n_cols = n_cols
        return table

    def _row_elements(self, tbl: etree._Element):
        for child in tbl:
            if child.tag == _TR:
                yield child
            elif child.tag in TRANSPARENT:
                yield from self._row_elements(child)

    def _cell_elements(self, tr: etree._Element):
        for child in tr:
            if child.tag == _TC:
                tcpr = child.find(_TCPR)
                if tcpr is None or tcpr.find(_W + "cellDel") is None:
                    yield child
            elif child.tag in TRANSPARENT:
                yield from self._cell_elements(child)

    def _cell_text(self, tc: etree._Element, table_index: int, row: int, col: int) -> str:
        lines: list[str] = []
        carried = ""
        for element in self.block_elements(tc):
            if element.tag == _TBL:
                lines.append(self._nested_table_text(element))
                self.notes.append(
                    ("nested_table", f"table {table_index}, row {row + 1}, column {col + 1} holds a nested table; "
                     "its text was flattened into the cell")
                )  # fmt: skip
                continue
            text = carried + self._paragraph(element).text()
            if _mark_deleted(element):
                carried = text
                continue
            carried = ""
            lines.append(text)
        if carried:
            lines.append(carried)
        return "\n".join(lines)

    def _nested_table_text(self, tbl: etree._Element) -> str:
        nested = self._table(tbl, index=0)
        return "\n".join("\t".join(cell.text for cell in row) for row in nested.rows())

    # -- runs -------------------------------------------------------------

    def _paragraph(self, p: etree._Element) -> _ParagraphText:
        out = _ParagraphText()
        label = self._list_label(p)
        if label:
            out.parts.append(label)
        self._inline(p, out)
        # A field code does not cross a paragraph mark in the files Word writes; one left open
        # here is damaged and is closed, so it cannot swallow the rest of the document.
        while self.fields and not self.fields[-1].in_result:
            self._field_char("end", out)
        return out

    def _list_label(self, p: etree._Element) -> str:
        """The automatic number Word shows before the paragraph (numPr direct or from its style)."""
        ppr = p.find(_PPR)
        if ppr is None:
            return ""
        num_pr = ppr.find(_W + "numPr")
        numbered = _num_pr(num_pr) if num_pr is not None else self.styles.numbering(_attr(ppr.find(_W + "pStyle")))
        if numbered is None or numbered[0] == "0":  # numId 0 switches a style's numbering off
            return ""
        return self.numbering.label(*numbered)

    def _inline(self, container: etree._Element, out: _ParagraphText) -> None:
        for child in container:
            tag = child.tag
            if tag == _R:
                self._run(child, out)
            elif tag in _SKIPPED:
                continue
            elif tag == _W + "fldSimple":
                self._simple_field(child, out)
            elif tag == _W + "hyperlink" and _TOC_BOOKMARK.match(child.get(_W + "anchor", "")):
                out.toc_link_depth += 1
                self._inline(child, out)
                out.toc_link_depth -= 1
            elif tag == _W + "sdt" and child.find(f"{_W}sdtPr/{_W}showingPlcHdr") is not None:
                continue  # an empty content control showing its prompt ("单击此处输入文字"), not content
            elif tag == _M + "t":
                if self._showing():
                    out.add(child.text or "")
            elif tag in TRANSPARENT or (isinstance(tag, str) and tag.startswith(_M)):
                self._inline(child, out)  # wrappers, and Office Math down to its m:t

    def _simple_field(self, element: etree._Element, out: _ParagraphText) -> None:
        code = element.get(_W + "instr", "")
        self._field_code_done(code, out, showing=self._showing())
        if _field_name(code) not in _RESULT_HIDDEN_FIELDS:
            self._inline(element, out)

    def _field_code_done(self, code: str, out: _ParagraphText, showing: bool) -> None:
        """A field's code is complete; a TC entry counts unless the field sits in a hidden result."""
        entry = parse_tc(code)
        if entry is not None and showing:
            out.tc = entry

    def _showing(self) -> bool:
        """Whether run text at this point is displayed: outside field codes and hidden results."""
        return not self.fields or self.fields[-1].showing()

    def _run(self, run: etree._Element, out: _ParagraphText) -> None:
        rpr = run.find(_RPR)
        hidden = rpr is not None and (
            is_on(rpr.find(_W + "vanish")) or self.styles.is_hidden(_attr(rpr.find(_W + "rStyle")))
        )
        for child in run:
            tag = child.tag
            if tag == _W + "fldChar":
                self._field_char(child.get(_W + "fldCharType"), out)
                continue
            if tag == _W + "instrText":
                if self.fields and not self.fields[-1].in_result:
                    self.fields[-1].code.append(child.text or "")
                continue
            if hidden or not self._showing():
                continue
            if tag == _T:
                out.add(child.text or "")
            elif tag in (_W + "tab", _W + "ptab"):
                out.add("\t")
            elif tag in (_W + "br", _W + "cr"):
                out.add("\n")
            elif tag == _W + "noBreakHyphen":
                out.add("-")
            elif tag == _W + "sym":
                out.add(self._symbol(child))

    def _field_char(self, kind: str | None, out: _ParagraphText) -> None:
        if kind == "begin":
            hides = bool(self.fields) and (self.fields[-1].hides_result or not self.fields[-1].in_result)
            self.fields.append(_Field(outer_showing=self._showing(), hides_result=hides))
        elif kind == "separate" and self.fields and not self.fields[-1].in_result:
            current = self.fields[-1]
            current.in_result = True
            code = "".join(current.code)
            if _field_name(code) in _RESULT_HIDDEN_FIELDS:
                current.hides_result = True
            self._field_code_done(code, out, showing=current.outer_showing)
        elif kind == "end" and self.fields:
            current = self.fields.pop()
            if not current.in_result:  # a field without a result (TC, XE) ends its code here
                self._field_code_done("".join(current.code), out, showing=self._showing())

    def _symbol(self, sym: etree._Element) -> str:
        try:
            code = int(sym.get(_W + "char", ""), 16)
        except ValueError:
            return ""
        if code > 0x10FFFF:
            return ""
        if 0xF000 <= code <= 0xF0FF:  # a symbol font's private-use range
            font = sym.get(_W + "font", "")
            if font.lower() == "symbol" and code - 0xF000 in _SYMBOL_FONT:
                return _SYMBOL_FONT[code - 0xF000]
            self.notes.append(("unmapped_symbol", f"symbol U+{code:04X} in font {font!r} kept as is"))
        return chr(code)


def _num_pr(num_pr: etree._Element) -> tuple[str, int] | None:
    num_id = _attr(num_pr.find(_W + "numId"))
    if num_id is None:
        return None
    return num_id, _int_val(num_pr, "ilvl")


def _field_name(code: str) -> str:
    words = code.split()
    return words[0].upper() if words else ""


def _is_toc_target(p: etree._Element) -> bool:
    return any(_TOC_BOOKMARK.match(mark.get(_W + "name", "")) for mark in p.iter(_W + "bookmarkStart"))


def _mark_deleted(p: etree._Element) -> bool:
    return p.find(f"{_PPR}/{_RPR}/{_W}del") is not None


def _attr(element: etree._Element | None) -> str | None:
    return element.get(_VAL) if element is not None else None


def _check_width(table: int, row: int, width: int) -> None:
    if width > MAX_TABLE_COLUMNS:
        raise ReadError(
            f"table {table}, row {row + 1} spans {width:,} grid columns (limit {MAX_TABLE_COLUMNS:,}): refused as damaged"
        )


def _int_val(props: etree._Element | None, name: str) -> int:
    """A count property (gridSpan, gridBefore…); 0 when absent or nonsense."""
    element = props.find(_W + name) if props is not None else None
    return max(to_int(element.get(_VAL) if element is not None else None, 0), 0)


def _merge_val(tcpr: etree._Element | None, name: str) -> str | None:
    """``restart``, ``continue`` (the default when the element has no value) or None."""
    if tcpr is None:
        return None
    element = tcpr.find(_W + name)
    if element is None:
        return None
    return element.get(_VAL, "continue")
