"""Word's plain-text export (.txt) → document model.

What Word writes, and how it is read back:
- a table cell is a line that starts with a TAB; a cell merged downward is an
  empty TAB line; a line without a TAB right after a cell continues that cell
  (a second paragraph or a soft break inside it);
- rows are separated by one blank line; the table ends at the next line that
  is neither a cell nor a continuation, i.e. a heading or paragraph;
- a heading carries its TC field code after its visible text.
"""

from __future__ import annotations

from pathlib import Path

from charset_normalizer import from_bytes
from jixiao.extract.fields import split_tc
from jixiao.extract.model import Cell, Document, Heading, Paragraph, ReadError, Table

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


# A UTF-8 export with a few damaged bytes is still UTF-8 (one bad byte inside
# a character costs up to 4 replacements): past this many bad sequences the
# file is taken for another encoding (GB18030 read as UTF-8 is mostly
# invalid) and handed to the detector.
_MAX_BAD_BYTES = 16
_MAX_BAD_SHARE = 0.001
# When no encoding reads the bytes whole, UTF-8 with up to this share of bad bytes is still a
# report with a damaged stretch (a run of garbage pasted in); random binary data is ~50 % bad.
_MAX_BAD_FALLBACK = 0.1


def decode(data: bytes) -> tuple[str, list[tuple[str, str]]]:
    """Bytes → (text, notes): a BOM decides; otherwise UTF-8, otherwise the detector.

    Bytes that are not valid in the chosen encoding become U+FFFD and a note
    says how many and where the first is, so one damaged byte does not cost
    the whole report.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_marking(data[len(bom) :], encoding, len(bom))
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    text, notes = _decode_marking(data, "utf-8", 0)
    if text.count("\ufffd") <= max(_MAX_BAD_BYTES, len(data) * _MAX_BAD_SHARE):
        return text, notes
    best = from_bytes(data).best()
    if best is None and text.count("\ufffd") <= len(data) * _MAX_BAD_FALLBACK:
        return text, notes  # no encoding reads it whole: UTF-8 text with a damaged stretch, marked
    if best is None:
        # the detector gives up on GB18030 with one bad byte; a few marks cost less than the report
        text, notes = _decode_marking(data, "gb18030", 0)
        if text.count("\ufffd") <= max(_MAX_BAD_BYTES, len(data) * _MAX_BAD_SHARE):
            return text, notes
        raise ReadError("not text in any encoding Word writes (binary data?)")
    encoding = best.encoding
    # GBK and GB2312 guesses are read as GB18030, their superset.
    if encoding.replace("_", "").lower() in {"gbk", "gb2312", "cp936", "hz"}:
        encoding = "gb18030"
    return _decode_marking(data, encoding, 0)


def _decode_marking(data: bytes, encoding: str, offset: int) -> tuple[str, list[tuple[str, str]]]:
    try:
        return data.decode(encoding), []
    except UnicodeDecodeError as exc:
        first = exc.start + offset
    text = data.decode(encoding, errors="replace")
    bad = text.count("\ufffd")
    return text, [
        (
            "undecodable_bytes",
            f"{bad} byte sequence(s) not valid {encoding} (first at byte {first}) were replaced by U+FFFD",
        )
    ]


def read_text(path: Path) -> Document:
    data = path.read_bytes()
    if not data.strip(b"\x00\r\n\t \xef\xbb\xbf\xff\xfe"):
        raise ReadError("the file is empty")
    text, notes = decode(data)
    if "\x00" in text:
        raise ReadError("text holds NUL characters: not a text export")
    document = parse_text(text)
    document.notes.extend(notes)
    return document


def parse_text(text: str) -> Document:
    # One loop with its state in locals: a report is thousands of cell lines, and a method call per line
    # was most of the reader's time.
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n").split("\n")
    lines.append("")  # the blank line that ends the last row, so a row ends in one place
    blocks: list = []
    table: Table | None = None
    row: list[Cell] = []
    cell: Cell | None = None  # the cell a non-TAB line would continue
    tables = 0
    for line in lines:
        if line[:1] == "\t":
            if table is None:
                tables += 1
                table = Table(index=tables)
                blocks.append(table)
            cell = Cell(line[1:], table.n_rows, len(row))
            row.append(cell)
        elif not line or line.isspace():
            cell = None
            if row:  # a row only ever exists inside a table
                table.cells.extend(row)
                table.n_rows += 1
                table.n_cols = max(table.n_cols, len(row))
                row = []
        elif cell is not None:
            cell.text += "\n" + line
        else:  # only after a blank line (or at the start), so no row is open
            table = None
            blocks.append(_text_line(line))
    return Document(blocks=blocks, format="txt")


def _text_line(line: str) -> Heading | Paragraph:
    visible, entry = split_tc(line)
    if entry is not None:
        return Heading(text=visible.strip(), level=entry.level, tc=entry)
    return Paragraph(text=line)
