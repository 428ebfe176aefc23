"""Table cell rectangles → grid cells with spans, stitched across page breaks.

The table finder (`page_grid`) gives the cell rectangles of a ruled table; the grid is the union
of their edges, so a rectangle covering several grid rows or columns is a
merged cell with that span.  Text is assigned to the cell under each
glyph's centre and reflowed with the cell's inner width.

A table cut by a page break arrives as one fragment per page.  A fragment
that opens a page continues the table that closed the previous one when
nothing stands between them and their outer edges line up.  Then:
- rows the new page repeats from the table's top (Word's "repeat header
  rows") are dropped;
- the first remaining row is joined to the previous page's last row when it
  is that row's remainder (`TableStitcher._is_remainder`), e.g. a purpose
  cell whose text runs on over the break;
- otherwise, a left-column label cut between two rows is joined to its
  start (`TableStitcher._join_cut_label`).
An empty cell at the top of the new page under a vertical merge is left
empty, as the text export shows it; the normaliser fills it from above.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from jixiao.extract.model import Cell, Table
from jixiao.extract.page import Glyph
from jixiao.extract.page_grid import Box, cluster
from jixiao.extract.page_text import ITEM_MARKER, TextLine, ended_early, group_lines, join_wrapped

_ALIGN_TOLERANCE = 5.0  # points: outer edges of two fragments of one table
_EDGE_TOLERANCE = 1.5  # points: one column's edges on two pages (a scan's rules move by a pixel or two)


@dataclass(slots=True)
class GridCell:
    x0: float
    x1: float
    top: float
    bottom: float
    row: int  # within its table (fragment-local until stitched)
    rowspan: int
    page: int
    left_limit: float = 0.0  # where text may start: the left edge plus the padding
    right_limit: float = 0.0  # where text must end: the right edge less the padding
    slack: float = 0.0  # how far above the bottom edge text may end and still touch it
    lines: list[TextLine] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.lines

    def reaches_bottom(self) -> bool:
        return bool(self.lines) and self.bottom - self.lines[-1].bottom <= self.slack


@dataclass
class Fragment:
    """The part of one table drawn on one page."""

    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    n_rows: int
    cells: list[GridCell]

    def row(self, index: int) -> list[GridCell]:
        return sorted((c for c in self.cells if c.row <= index < c.row + c.rowspan), key=lambda c: c.x0)


def _index(edges: list[float], value: float) -> int:
    """Index of the grid line nearest `value`."""
    position = bisect_right(edges, value)
    if position == 0:
        return 0
    if position == len(edges) or value - edges[position - 1] <= edges[position] - value:
        return position - 1
    return position


def build_fragment(bboxes: list[Box], box: Box, chars: list[Glyph], page: int) -> tuple[Fragment, list[Glyph]]:
    """Cell rectangles of a table drawn over `box` and the page's glyphs → fragment, plus the glyphs left
    to the page: those outside the box in their order, then those inside it in no cell."""
    xs = cluster([b[0] for b in bboxes] + [b[2] for b in bboxes])
    ys = cluster([b[1] for b in bboxes] + [b[3] for b in bboxes])
    owner: dict[tuple[int, int], int] = {}
    spans = []
    for number, (x0, top, x1, bottom) in enumerate(bboxes):
        col, row = _index(xs, x0), _index(ys, top)
        col_end, row_end = max(_index(xs, x1), col + 1), max(_index(ys, bottom), row + 1)
        spans.append((row, row_end))
        for r in range(row, row_end):
            for c in range(col, col_end):
                owner.setdefault((r, c), number)
    glyphs: dict[int, list[Glyph]] = {}
    outside, stray = [], []
    left, top, right, bottom = box
    for char in chars:
        mid_x, mid_y = (char.x0 + char.x1) / 2, (char.top + char.bottom) / 2  # a glyph is where its centre is
        if not (left <= mid_x <= right and top <= mid_y <= bottom):
            outside.append(char)
            continue
        number = owner.get((bisect_right(ys, mid_y) - 1, bisect_right(xs, mid_x) - 1))
        if number is None:
            stray.append(char)
        elif number in glyphs:
            glyphs[number].append(char)
        else:
            glyphs[number] = [char]
    cells = []
    for number, (x0, top, x1, bottom) in enumerate(bboxes):
        row, row_end = spans[number]
        lines = group_lines(glyphs.get(number, []), page)
        cells.append(
            GridCell(
                x0=xs[_index(xs, x0)],
                x1=xs[_index(xs, x1)],
                top=top,
                bottom=bottom,
                row=row,
                rowspan=row_end - row,
                page=page,
                lines=lines,
            )
        )
    _set_padding(cells)
    fragment = Fragment(page=page, x0=xs[0], x1=xs[-1], top=ys[0], bottom=ys[-1], n_rows=len(ys) - 1, cells=cells)
    return fragment, outside + stray


def _set_padding(cells: list[GridCell]) -> None:
    """Cell padding is the smallest gap between any text and its cell's left / top edge."""
    filled = [cell for cell in cells if cell.lines]
    left = min((line.x0 - cell.x0 for cell in filled for line in cell.lines), default=0.0)
    top = min((cell.lines[0].top - cell.top for cell in filled), default=0.0)
    left, top = min(max(left, 0.0), 10.0), min(max(top, 0.0), 10.0)
    for cell in cells:
        cell.left_limit, cell.right_limit = cell.x0 + left, cell.x1 - left
        cell.slack = top + 0.6 * (cell.lines[0].size if cell.lines else 0.0)


class TableStitcher:
    """Collects fragments in document order into whole tables."""

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self.fragments: list[Fragment] = []  # the table being built, one fragment per page
        self.cells: list[GridCell] = []  # rows numbered within the whole table
        self.n_rows = 0

    def continues(self, fragment: Fragment) -> bool:
        last = self.fragments[-1] if self.fragments else None
        return (
            last is not None
            and fragment.page == last.page + 1
            and abs(fragment.x0 - last.x0) <= _ALIGN_TOLERANCE
            and abs(fragment.x1 - last.x1) <= _ALIGN_TOLERANCE
        )

    def add(self, fragment: Fragment) -> None:
        """Append a fragment: the table's first, or one that `continues` it."""
        if self.fragments:
            _drop_repeated_header(fragment, [self.row(r) for r in range(self.n_rows)])
            if fragment.n_rows and self._is_remainder(fragment):
                _join_first_row(fragment, self.row(self.n_rows - 1))
            elif fragment.n_rows:
                self._join_cut_label(fragment)
        for cell in fragment.cells:
            cell.row += self.n_rows
        self.cells.extend(fragment.cells)
        self.n_rows += fragment.n_rows
        self.fragments.append(fragment)

    def row(self, index: int) -> list[GridCell]:
        return sorted((c for c in self.cells if c.row <= index < c.row + c.rowspan), key=lambda c: c.x0)

    def _is_remainder(self, fragment: Fragment) -> bool:
        """Is the fragment's first row the rest of the table's last row, cut by the page break?

        Both rows must have the same cells, and every cell filled in both must
        run to the bottom of the page above, as text that overflowed does.
        Then one more sign is needed, since a new row looks the same when
        every cell happens to fill its row: a cell filled above and empty
        below, in a column where nothing spans rows (an empty cell under a
        vertical merge is the merge going on); or a cell filled in both that
        already had two lines above (a one-line row is never split).
        """
        above, below = self.row(self.n_rows - 1), fragment.row(0)
        if not _same_columns(above, below):
            return False
        spanning = [(c.x0, c.x1) for c in (*self.cells, *fragment.cells) if c.rowspan > 1]
        finished_above = overflowed_lines = False
        for upper, lower in zip(above, below, strict=True):
            if upper.empty:
                continue
            if lower.empty:
                merged_column = any(x0 <= upper.x0 + 1 and upper.x1 <= x1 + 1 for x0, x1 in spanning)
                finished_above = finished_above or not merged_column
            elif upper.reaches_bottom():
                overflowed_lines = overflowed_lines or len(upper.lines) > 1
            else:
                return False
        return finished_above or overflowed_lines

    def _join_cut_label(self, fragment: Fragment) -> None:
        """Join the left-column label of the fragment's first row to the label above, when it is that label's tail.

        A label merged down over two rows, with the page break between them,
        leaves its first lines in the last row above and its tail in the first
        row below (预算规模及资金用 | 途).  The tail is recognised as a single
        short line under a label that already wrapped and whose last line is
        full, so the break between them is a wrap.  A label of its own below a
        one-line label, or below one that ended early, stays apart.
        """
        above, below = self.row(self.n_rows - 1), fragment.row(0)
        if not above or not below:
            return
        upper, lower = above[0], below[0]
        if upper.empty or lower.empty or not _same_columns([upper], [lower]):
            return
        tail = lower.lines[0]
        short_tail = len(lower.lines) == 1 and tail.x1 - tail.x0 <= lower.right_limit - lower.left_limit - tail.size
        if len(upper.lines) < 2 or not short_tail or ITEM_MARKER.match(tail.text):
            return
        if ended_early(upper.lines[-1], tail, upper.right_limit, upper.left_limit):
            return
        upper.lines.append(tail)
        upper.rowspan += lower.rowspan
        fragment.cells.remove(lower)

    def finish(self, index: int) -> Table:
        """The table built so far as a model table numbered `index`; the stitcher starts afresh."""
        xs = cluster([x for c in self.cells for x in (c.x0, c.x1)])
        table = Table(index=index, n_rows=self.n_rows, n_cols=len(xs) - 1)
        for cell in self.cells:
            col = _index(xs, cell.x0)
            table.cells.append(
                Cell(
                    text=join_wrapped(cell.lines, cell.right_limit, cell.left_limit),
                    row=cell.row,
                    col=col,
                    rowspan=cell.rowspan,
                    colspan=max(_index(xs, cell.x1) - col, 1),
                    page=cell.page,
                )
            )
        table.cells.sort(key=lambda c: (c.row, c.col))
        self._reset()
        return table


def _drop_repeated_header(fragment: Fragment, table_rows: list[list[GridCell]]) -> None:
    """Remove the leading rows of `fragment` that repeat the table's first rows."""

    def texts(row: list[GridCell]) -> list[str]:
        return ["".join(line.text for line in c.lines) for c in row]

    repeated = 0
    while (
        repeated < fragment.n_rows - 1
        and repeated < len(table_rows)
        and all(c.rowspan == 1 for c in fragment.row(repeated))
        and _same_columns(fragment.row(repeated), table_rows[repeated])
        and texts(fragment.row(repeated)) == texts(table_rows[repeated])
    ):
        repeated += 1
    if repeated:
        fragment.cells = [c for c in fragment.cells if c.row >= repeated]
        for cell in fragment.cells:
            cell.row -= repeated
        fragment.n_rows -= repeated


def _same_columns(above: list[GridCell], below: list[GridCell]) -> bool:
    """The two rows have the same cells, edge for edge."""
    return len(above) == len(below) and all(
        abs(a.x0 - b.x0) <= _EDGE_TOLERANCE and abs(a.x1 - b.x1) <= _EDGE_TOLERANCE
        for a, b in zip(above, below, strict=True)
    )


def _join_first_row(fragment: Fragment, last_row: list[GridCell]) -> None:
    """Append the fragment's first row, the remainder of a row cut by the page break, to `last_row`."""
    for upper, lower in zip(last_row, fragment.row(0), strict=True):
        upper.lines.extend(lower.lines)
        if lower.rowspan > 1:
            # a cell spanning on from the remainder keeps the rows below it
            upper.rowspan += lower.rowspan - 1
    fragment.cells = [c for c in fragment.cells if c.row > 0]
    for cell in fragment.cells:
        cell.row -= 1
    fragment.n_rows -= 1
