"""Rendering shared by every sample family: a document as paragraphs and grids → Word's text export, .docx, PDF, .doc.

A sample document is a list of blocks: `Para` (a paragraph, optionally
with a hidden TC field after its text) and `Grid` (a table: rows of `Cell`
on a fixed column grid, with real horizontal spans and vertical merges).
`txt_text` writes it as Word's plain-text export does (a cell is a TAB line,
a cell merged down an empty TAB line, a row ends with a blank line);
`docx_bytes` builds it with python-docx (reproducible bytes);
`render_with_libreoffice` saves that .docx as PDF or Word 97 .doc; and
`PdfText` is the rendered PDF's text, for locating on which page a row
was drawn.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FONT = "宋体"
FIXED_TIME = dt.datetime(2020, 1, 10, 9, 0, 0)  # only the time of day; the year is the report's
CENTER = "center"


def norm(text: str) -> str:
    """Text-field normal form: trimmed, runs of white space folded to one space."""
    return " ".join(text.split())


def dump_json(doc: dict) -> bytes:
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def encode_txt(text: str, encoding: str, newline: str) -> bytes:
    """A text export in its encoding: "utf-8", "utf-8-sig" (BOM), "gb18030" or "utf-16" (LE with BOM)."""
    text = text.replace("\n", newline)
    if encoding == "utf-16":
        return b"\xff\xfe" + text.encode("utf-16-le")
    return text.encode(encoding)


# ---------------------------------------------------------------------------
# The document
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Para:
    text: str
    bold: bool = False
    size: int = 24  # half-points
    align: str | None = None
    tc: str | None = None  # a TC entry's text, written as a hidden field after the visible text
    font: str = FONT
    page_break: bool = False  # starts a new page (w:pageBreakBefore: nothing in the text export)


@dataclass(frozen=True)
class Cell:
    """One cell: its paragraphs ("\\n"), how many grid columns it spans, and its vertical merge."""

    text: str = ""
    span: int = 1
    merge: str | None = None  # "restart" (the top of a vertical merge) or "continue" (covered by the one above)
    bold: bool = False
    align: str = CENTER


@dataclass
class Grid:
    widths: list[int]  # twips per grid column
    rows: list[list[Cell]] = field(default_factory=list)

    def add(self, *cells: Cell) -> int:
        """Append a row; its 0-based index."""
        assert sum(c.span for c in cells) == len(self.widths), [c.text for c in cells]
        self.rows.append(list(cells))
        return len(self.rows) - 1

    def positions(self) -> list[list[str]]:
        """Every row as one string per grid column, a merged cell repeated over every position it covers."""
        out: list[list[str]] = []
        for r, row in enumerate(self.rows):
            texts: list[str] = []
            for cell in row:
                text = cell.text
                if cell.merge == "continue":
                    col = len(texts)
                    text = next(
                        _grid_text(self.rows[k], col) for k in range(r - 1, -1, -1) if _starts_at(self.rows[k], col)
                    )
                texts += [text] * cell.span
            out.append(texts)
        return out


def _grid_text(row: list[Cell], col: int) -> str:
    start = 0
    for cell in row:
        if start == col:
            return cell.text
        start += cell.span
    raise ValueError(col)


def _starts_at(row: list[Cell], col: int) -> bool:
    start = 0
    for cell in row:
        if start == col:
            return cell.merge != "continue"
        start += cell.span
    return False


Block = Para | Grid


# ---------------------------------------------------------------------------
# Word text export
# ---------------------------------------------------------------------------


def txt_cells(cells: list[str]) -> list[str]:
    """One table row as the text export writes it: each cell a TAB line (later paragraphs on plain lines), then a blank line."""
    out: list[str] = []
    for cell in cells:
        paras = cell.split("\n")
        out.append("\t" + paras[0])
        out.extend(paras[1:])
    out.append("")
    return out


def tc_suffix(text: str) -> str:
    return f" TC {text} \\f {'C' if text[0].isdigit() else 'A'} \\l 1 "


def txt_text(blocks: list[Block]) -> str:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Para):
            out.append(block.text + (tc_suffix(block.tc) if block.tc else ""))
        else:
            for row in block.rows:
                out += txt_cells(["" if c.merge == "continue" else c.text for c in row])
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------
# .docx
# ---------------------------------------------------------------------------


def rpr(bold: bool = False, size: int = 18, hidden: bool = False, font: str = FONT) -> str:
    return (
        f'<w:rPr><w:rFonts w:ascii="{font}" w:eastAsia="{font}" w:hAnsi="{font}"/>'
        + ("<w:b/><w:bCs/>" if bold else "")
        + ("<w:vanish/>" if hidden else "")
        + f'<w:sz w:val="{size}"/><w:szCs w:val="{size}"/></w:rPr>'
    )


def _cell_xml(cell: Cell, width: int) -> str:
    tcpr = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if cell.span > 1:
        tcpr += f'<w:gridSpan w:val="{cell.span}"/>'
    if cell.merge == "restart":
        tcpr += '<w:vMerge w:val="restart"/>'
    elif cell.merge == "continue":
        tcpr += "<w:vMerge/>"
    tcpr += '<w:vAlign w:val="center"/>'
    body = ""
    for text in cell.text.split("\n"):
        run = f'<w:r>{rpr(cell.bold)}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>' if text else ""
        body += f'<w:p><w:pPr><w:jc w:val="{cell.align}"/>{rpr(cell.bold)}</w:pPr>{run}</w:p>'
    return f"<w:tc><w:tcPr>{tcpr}</w:tcPr>{body}</w:tc>"


def grid_xml(grid: Grid) -> str:
    """A bordered, fixed-layout table; rows never split across pages (w:cantSplit)."""
    cols = "".join(f'<w:gridCol w:w="{w}"/>' for w in grid.widths)
    border = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="auto"/>'
    borders = "".join(border.format(b) for b in ("top", "left", "bottom", "right", "insideH", "insideV"))
    xml = (
        f'<w:tbl xmlns:w="{W_NS}"><w:tblPr><w:tblW w:w="{sum(grid.widths)}" w:type="dxa"/>'
        f'<w:jc w:val="center"/><w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:left w:w="108" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar>'
        f"</w:tblPr><w:tblGrid>{cols}</w:tblGrid>"
    )
    for row in grid.rows:
        xml += '<w:tr><w:trPr><w:cantSplit/><w:jc w:val="center"/></w:trPr>'
        col = 0
        for cell in row:
            xml += _cell_xml(cell, sum(grid.widths[col : col + cell.span]))
            col += cell.span
        assert col == len(grid.widths), col
        xml += "</w:tr>"
    return xml + "</w:tbl>"


def _para_xml(p: Para) -> str:
    runs = (
        f'<w:r>{rpr(p.bold, p.size, font=p.font)}<w:t xml:space="preserve">{escape(p.text)}</w:t></w:r>'
        if p.text
        else ""
    )
    if p.tc is not None:
        h = rpr(p.bold, p.size, hidden=True, font=p.font)
        runs += (
            f'<w:r>{h}<w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r>{h}<w:instrText xml:space="preserve"> TC "{escape(p.tc)}" </w:instrText></w:r>'
            f'<w:r>{h}<w:instrText xml:space="preserve">\\f {"C" if p.tc[0].isdigit() else "A"} \\l 1 </w:instrText></w:r>'
            f'<w:r>{h}<w:fldChar w:fldCharType="end"/></w:r>'
        )
    jc = f'<w:jc w:val="{p.align}"/>' if p.align else ""
    brk = "<w:pageBreakBefore/>" if p.page_break else ""
    return f'<w:p xmlns:w="{W_NS}"><w:pPr>{brk}<w:spacing w:line="360" w:lineRule="auto"/>{jc}</w:pPr>{runs}</w:p>'


def docx_bytes(blocks: list[Block], title: str, year: int) -> bytes:
    """The document as a .docx with a centred page number, written before its fiscal year, with fixed zip dates."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import parse_xml
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(12)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONT)
    sect = doc.element.body[-1]
    for block in blocks:
        sect.addprevious(parse_xml(_para_xml(block) if isinstance(block, Para) else grid_xml(block)))

    footer = doc.sections[0].footer
    fp = footer.paragraphs[0]
    fp.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fp._p.append(parse_xml(f'<w:fldSimple xmlns:w="{W_NS}" w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'))

    cp = doc.core_properties
    cp.author = "Administrator"
    cp.last_modified_by = "Administrator"
    cp.title = title
    stamp = FIXED_TIME.replace(year=year - 1, month=12, day=20)  # written before the fiscal year
    cp.created = stamp
    cp.modified = stamp
    cp.last_printed = stamp
    cp.revision = 1
    cp.comments = ""

    buf = io.BytesIO()
    doc.save(buf)
    return _fixed_zip(buf.getvalue())


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed entry dates so that the bytes are reproducible."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


# ---------------------------------------------------------------------------
# .pdf and .doc
# ---------------------------------------------------------------------------


def render_with_libreoffice(docx_path: Path, target: Path, convert_to: str) -> None:
    """Save the .docx through LibreOffice as target (`pdf`, or `doc:MS Word 97`)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("soffice (LibreOffice) is needed to render the PDF and .doc samples")
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp) / "profile"
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                convert_to,
                "--outdir",
                tmp,
                str(docx_path),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=300,
        )
        shutil.move(str(Path(tmp) / (docx_path.stem + target.suffix)), target)


class PdfText:
    """A rendered PDF's text with all white space removed, each character knowing its 1-based page.

    pdfplumber's page text, not jixiao's reader: the pages found here are
    independent truth for the reader's `source.page`.
    """

    def __init__(self, pdf_path: Path):
        import pdfplumber

        self.name = pdf_path.name
        self.stream = ""
        self.page_at: list[int] = []
        self.page_text: list[str] = []
        with pdfplumber.open(pdf_path) as pdf:
            self.pages = len(pdf.pages)
            for number, page in enumerate(pdf.pages, 1):
                text = "".join((page.extract_text() or "").split())
                self.page_text.append(text)
                self.stream += text
                self.page_at += [number] * len(text)

    def find(self, text: str, cursor: int) -> int:
        """Where the text (white space ignored) first occurs at or after cursor; -1 if nowhere."""
        return self.stream.find("".join(text.split()), cursor)

    def on_page(self, text: str, page: int) -> bool:
        return "".join(text.split()) in self.page_text[page - 1]
