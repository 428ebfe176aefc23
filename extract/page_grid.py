"""The one table finder: ruling segments → the cell rectangles of each table on a page.

The geometry is pdfplumber's (`pdfplumber.table`: edges snapped and joined,
their intersections, the smallest rectangles between intersections, cells
grouped into tables by shared corners), fed from `page.Segment`s, so a text
layer's rules and the lines OCR finds in a scan go through the same code.
Its cell step runs here as `smallest_cells`, the same search over an index:
pdfplumber's `intersections_to_cells` scans every later point for each
point and evaluates a typing annotation on each edge test, which made it a
fifth of a text PDF page's time (tests pin the two to the same cells).
On top of it, two cases the plain grid misses:
- a grid whose horizontal rules run past its outer vertical lines lacks its
  outer border, and is found again with the frame closed at the rules' ends;
- horizontal rules stacked outside any grid (tables drawn without vertical
  lines) become rows, and columns are the gaps free of text in every row.
Tables drawn with no lines at all are left as text.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property

from jixiao.extract.page import Glyph, Segment
from pdfplumber.table import cells_to_tables, edges_to_intersections, merge_edges
from pdfplumber.utils import filter_edges, obj_to_bbox

_EDGE_TOLERANCE = 2.0  # points: edges closer than this are the same grid line
_MIN_RULE = 30.0  # points: a shorter horizontal line is an underline or a tick, not a table rule
# pdfplumber's defaults (TableSettings), which the readers' tables were tuned with
_SNAP = _JOIN = _INTERSECTION = 3
_MIN_EDGE = 3
# A report page's rules cross at a few hundred points; finding tables grows faster than
# linearly with the crossings (a 21,000-cell mesh takes 14 s), so a page past this is read as text.
MAX_GRID_CROSSINGS = 10_000

Box = tuple[float, float, float, float]  # x0, top, x1, bottom


@dataclass
class FoundTable:
    cells: list[Box]  # one rectangle per cell; a merged cell is one rectangle over several grid rows/columns

    @cached_property
    def bbox(self) -> Box:  # asked for again by every rule and table compared with it
        return (
            min(c[0] for c in self.cells),
            min(c[1] for c in self.cells),
            max(c[2] for c in self.cells),
            max(c[3] for c in self.cells),
        )


def grid_crossings(segments: list[Segment]) -> int:
    """How many points the segments' horizontal and vertical positions (to 3 pt) make: an upper bound on a grid."""
    rows, columns = set(), set()
    for segment in segments:
        rows.update((round(segment.top / 3), round(segment.bottom / 3)))
        columns.update((round(segment.x0 / 3), round(segment.x1 / 3)))
    return len(rows) * len(columns)


def find_tables(segments: list[Segment], glyphs: list[Glyph], width: float, height: float) -> list[FoundTable]:
    """The tables the page's ruling segments draw, top to bottom; `glyphs` place columns between bare rules."""
    edges = [edge for segment in segments if (edge := _edge(segment)) is not None]
    rules = [e for e in edges if e["orientation"] == "h" and e["x1"] - e["x0"] >= _MIN_RULE]
    tables = []
    for table in _grid_tables(edges):
        x0, top, x1, bottom = table.bbox
        ends = [(e["x0"], e["x1"]) for e in rules if _holds(table.bbox, e)]
        left, right = min((e[0] for e in ends), default=x0), max((e[1] for e in ends), default=x1)
        if left < x0 - _EDGE_TOLERANCE or right > x1 + _EDGE_TOLERANCE:
            frame = [_edge(Segment(x, top, x, bottom)) for x in (left, right)]
            table = _largest(_grid_tables(edges + frame)) or table
        tables.append(table)
    loose_rules = [e for e in rules if not any(_holds(t.bbox, e) for t in tables)]
    for stack in _rule_stacks(loose_rules):
        lines = _columns_between_rules(stack, glyphs)
        if lines:
            xs, ys = lines
            tables.extend(
                _grid_tables(
                    [_edge(Segment(x, 0, x, height)) for x in xs] + [_edge(Segment(0, y, width, y)) for y in ys]
                )
            )
    return tables


def _edge(segment: Segment) -> dict | None:
    """A segment as a pdfplumber edge; None for a slanted one, which no grid is made of."""
    x0, top, x1, bottom = segment.x0, segment.top, segment.x1, segment.bottom
    if top == bottom:
        orientation = "h"
    elif x0 == x1:
        orientation = "v"
    else:
        return None
    x0, x1 = min(x0, x1), max(x0, x1)
    top, bottom = min(top, bottom), max(top, bottom)
    return {"x0": x0, "x1": x1, "top": top, "bottom": bottom, "width": x1 - x0, "height": bottom - top,
            "orientation": orientation}  # fmt: skip


def _grid_tables(edges: list[dict]) -> list[FoundTable]:
    """pdfplumber's `TableFinder` with its default settings, on these edges."""
    return [FoundTable(cells) for cells in cells_to_tables(smallest_cells(grid_intersections(edges)))]


def grid_intersections(edges: list[dict]) -> dict:
    """The points where the edges, snapped and joined, cross: pdfplumber's intersections, whose cells
    `smallest_cells` finds."""
    vertical = filter_edges(edges, "v", min_length=1)
    horizontal = filter_edges(edges, "h", min_length=1)
    merged = merge_edges(vertical + horizontal, _SNAP, _SNAP, _JOIN, _JOIN)
    return edges_to_intersections(filter_edges(merged, min_length=_MIN_EDGE), _INTERSECTION, _INTERSECTION)


def smallest_cells(intersections: dict) -> list[Box]:
    """pdfplumber's `intersections_to_cells`, indexed: for each intersection in (x, top) order, the
    smallest rectangle to its lower right whose four sides are drawn, the same cells in the same order.

    The points below one lie next to it in that order (same x); those to its
    right are the later points of its row (same top); two points connect
    when they share an edge of their column or row.
    """
    points = sorted(intersections)
    vertical = {point: set(map(obj_to_bbox, found["v"])) for point, found in intersections.items()}
    horizontal = {point: set(map(obj_to_bbox, found["h"])) for point, found in intersections.items()}
    rows: dict[float, list[tuple[float, float]]] = {}
    for point in points:
        rows.setdefault(point[1], []).append(point)
    place_in_row = {point: position for row in rows.values() for position, point in enumerate(row)}

    def connects(first: tuple[float, float], second: tuple[float, float]) -> bool:
        return (first[0] == second[0] and not vertical[first].isdisjoint(vertical[second])) or (
            first[1] == second[1] and not horizontal[first].isdisjoint(horizontal[second])
        )

    cells = []
    for index, point in enumerate(points):
        below = []
        for later in points[index + 1 :]:
            if later[0] != point[0]:
                break
            below.append(later)
        right = rows[point[1]][place_in_row[point] + 1 :]
        cell = _smallest_cell(point, below, right, intersections, connects)
        if cell is not None:
            cells.append(cell)
    return cells


def _smallest_cell(point, below: list, right: list, intersections: dict, connects) -> Box | None:
    for below_point in below:
        if not connects(point, below_point):
            continue
        for right_point in right:
            if not connects(point, right_point):
                continue
            corner = (right_point[0], below_point[1])
            if corner in intersections and connects(corner, right_point) and connects(corner, below_point):
                return (point[0], point[1], corner[0], corner[1])
    return None


def _largest(tables: list[FoundTable]) -> FoundTable | None:
    return max(tables, key=lambda t: (t.bbox[2] - t.bbox[0]) * (t.bbox[3] - t.bbox[1]), default=None)


def _holds(bbox: Box, edge: dict) -> bool:
    x0, top, x1, bottom = bbox
    return top - 1 <= edge["top"] <= bottom + 1 and edge["x1"] > x0 and edge["x0"] < x1


def _rule_stacks(rules: list[dict]) -> list[list[dict]]:
    """Horizontal rules grouped into stacks of at least three that share their horizontal extent."""
    stacks: list[list[dict]] = []
    for rule in sorted(rules, key=lambda e: e["top"]):
        for stack in stacks:
            first = stack[0]
            overlap = min(first["x1"], rule["x1"]) - max(first["x0"], rule["x0"])
            if overlap >= 0.8 * max(first["x1"] - first["x0"], rule["x1"] - rule["x0"]):
                stack.append(rule)
                break
        else:
            stacks.append([rule])
    return [stack for stack in stacks if len(cluster([e["top"] for e in stack])) >= 3]


def _columns_between_rules(stack: list[dict], glyphs: list[Glyph]) -> tuple[list[float], list[float]] | None:
    """Column and row lines of a table of rows between `stack`'s rules, columns at the gaps
    every row leaves free; None when no such gap exists (a boxed paragraph, not a table)."""
    ys = cluster([e["top"] for e in stack])
    x0, x1 = min(e["x0"] for e in stack), max(e["x1"] for e in stack)
    rows: list[list[tuple[float, float]]] = [[] for _ in ys[1:]]
    sizes = []
    for glyph in glyphs:
        mid_x, mid_y = (glyph.x0 + glyph.x1) / 2, (glyph.top + glyph.bottom) / 2
        if glyph.text.isspace() or not (x0 <= mid_x <= x1 and ys[0] <= mid_y <= ys[-1]):
            continue
        rows[bisect_right(ys, mid_y) - 1].append((glyph.x0, glyph.x1))
        sizes.append(glyph.size)
    filled = [row for row in rows if row]
    if len(filled) < 2:
        return None
    size = sorted(sizes)[len(sizes) // 2]
    occupied = sorted(span for row in filled for span in row)
    separators = []
    reach = x0
    for start, end in occupied:
        if start - reach >= 0.8 * size and reach > x0:
            separators.append((reach + start) / 2)
        reach = max(reach, end)
    if not separators:
        return None
    return [x0, *separators, x1], ys


def cluster(values: list[float]) -> list[float]:
    """Sorted values with those within the edge tolerance of the previous kept one dropped."""
    edges: list[float] = []
    for value in sorted(values):
        if not edges or value - edges[-1] > _EDGE_TOLERANCE:
            edges.append(value)
    return edges
