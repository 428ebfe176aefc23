"""The table finder's cell step: `smallest_cells` must find exactly the cells pdfplumber's own
`intersections_to_cells` finds, in the same order, on every kind of grid (it is the same search, indexed)."""

from __future__ import annotations

import pypdfium2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jixiao.extract.page import Segment
from jixiao.extract.page_grid import _edge, grid_intersections, smallest_cells
from jixiao.extract.pdf_pdfium import PdfiumPage
from pdfplumber.table import intersections_to_cells

from tests.conftest import SAMPLES, SEED


def intersections_of(segments: list[Segment]) -> dict:
    return grid_intersections([edge for segment in segments if (edge := _edge(segment)) is not None])


def report_pages():
    for path in [SEED / "seed.pdf", *sorted(SAMPLES.rglob("*.pdf"))]:
        document = pypdfium2.PdfDocument(str(path))
        for index in range(len(document)):
            page = PdfiumPage(document[index], index + 1)
            yield f"{path.stem}-p{index + 1}", page.content().content.segments
            page.close()
        document.close()


def test_every_report_page_gives_pdfplumbers_cells():
    compared = 0
    for name, segments in report_pages():
        intersections = intersections_of(segments)
        assert smallest_cells(intersections) == intersections_to_cells(intersections), name
        compared += bool(intersections)
    assert compared >= 40  # the seed's and the samples' ruled pages


@st.composite
def ruled_grids(draw) -> list[Segment]:
    """A grid with merged cells (sides left out), rules drawn in pieces or past the frame, a few points
    off the line (within the snap tolerance), a stray tick, and a second table beside the first."""
    segments = []
    for left in (50.0, 400.0)[: draw(st.integers(1, 2))]:
        xs = sorted(draw(st.sets(st.integers(0, 60), min_size=2, max_size=7)))
        ys = sorted(draw(st.sets(st.integers(0, 80), min_size=2, max_size=9)))
        xs = [left + 5.0 * x for x in xs]
        ys = [40.0 + 8.0 * y for y in ys]
        jitter = st.sampled_from([0.0, 0.0, 0.0, 0.4, -1.2, 2.5])
        for row, y in enumerate(ys):
            for column in range(len(xs) - 1):
                if 0 < row < len(ys) - 1 and draw(st.integers(0, 4)) == 0:
                    continue  # cells merged across this side
                y_at = y + draw(jitter)
                segments.append(Segment(xs[column], y_at, xs[column + 1], y_at))
        for column, x in enumerate(xs):
            for row in range(len(ys) - 1):
                if 0 < column < len(xs) - 1 and draw(st.integers(0, 4)) == 0:
                    continue
                x_at = x + draw(jitter)
                segments.append(Segment(x_at, ys[row], x_at, ys[row + 1]))
        if draw(st.booleans()):
            segments.append(Segment(xs[0] - 20.0, ys[-1], xs[-1] + 20.0, ys[-1]))  # a rule past the frame
        if draw(st.booleans()):
            x = draw(st.sampled_from(xs))
            segments.append(Segment(x, ys[0] - 6.0, x, ys[0] + 2.0))  # a tick through the top rule
    return segments


@settings(max_examples=300, deadline=None)
@given(ruled_grids())
def test_any_grid_gives_pdfplumbers_cells(segments):
    intersections = intersections_of(segments)
    assert smallest_cells(intersections) == intersections_to_cells(intersections)


@pytest.mark.parametrize("count", [0, 1])
def test_no_or_one_point_makes_no_cell(count):
    segments = [Segment(10.0, 10.0, 100.0, 10.0), Segment(50.0, 0.0, 50.0, 60.0)][: count * 2]
    assert smallest_cells(intersections_of(segments)) == []
