"""The neutral document model every format reader produces.

A reader knows file formats and nothing of report layouts; a layout (in
``normalize/``) knows report layouts and nothing of file formats.  This module
is the only thing the two share.

Text conventions every reader keeps:
- ``\\n`` inside a cell or paragraph is a real break (a paragraph, soft line
  break or list item the author made); line wraps that only fit text to the
  page are already undone by the reader.
- Field codes (Word TC entries) never appear in ``text``; a heading's TC entry
  is parsed into :class:`TCEntry`.
- White space is otherwise kept as read; the normaliser folds it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter

from jixiao import errors


@dataclass(frozen=True)
class TCEntry:
    """A Word table-of-contents entry field: ``TC "text" \\f C \\l 1``."""

    text: str
    type: str | None = None  # the \f switch: which list the entry belongs to
    level: int | None = None  # the \l switch


@dataclass
class Paragraph:
    text: str
    page: int | None = None  # 1-based, for paged formats


@dataclass
class Heading:
    """A paragraph the document marks as structure (TC entry, style, outline)."""

    text: str
    level: int | None = None
    tc: TCEntry | None = None
    page: int | None = None


@dataclass
class Cell:
    """One cell of a table grid, placed at its top-left grid position.

    A merged region is one cell with a span; the positions it covers hold no
    other cell.  Readers that cannot see spans (the text export) give every
    cell a span of one and leave a merged-down position as an empty cell.
    """

    text: str
    row: int  # 0-based grid row of the top edge
    col: int  # 0-based grid column of the left edge
    rowspan: int = 1
    colspan: int = 1
    page: int | None = None  # 1-based page the cell starts on


@dataclass
class Table:
    index: int  # 1-based, in document order
    cells: list[Cell] = field(default_factory=list)
    n_rows: int = 0
    n_cols: int = 0

    def rows(self) -> list[list[Cell]]:
        """Every grid row as the cells covering it, left to right.

        A cell spanning several rows appears in each of them, so the view a
        layout reads is the same whether a reader saw the merge (docx, PDF)
        or only an empty cell below it (text export, filled by the layout).
        """
        height = self.n_rows
        grid: list[list[Cell]] = [[] for _ in range(height)]
        for cell in self.cells:
            if cell.rowspan == 1 and 0 <= cell.row < height:  # most cells: skip building a range
                grid[cell.row].append(cell)
                continue
            for r in range(cell.row, min(cell.row + cell.rowspan, height)):
                grid[r].append(cell)
        for row in grid:
            row.sort(key=_COLUMN_THEN_ROW)  # cells sharing a column: the upper first
        return grid


_COLUMN_THEN_ROW = attrgetter("col", "row")

Block = Paragraph | Heading | Table


@dataclass
class Document:
    blocks: list[Block] = field(default_factory=list)
    format: str = ""  # txt, docx, doc, pdf
    pages: int | None = None
    # what the reader noticed but could not settle (code, message); the
    # normaliser passes these on as report warnings
    notes: list[tuple[str, str]] = field(default_factory=list)

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


ReadError = errors.ReadError  # a file that cannot be read as a report; the message says why
