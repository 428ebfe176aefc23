"""The indicator grid: a header row maps grid columns to fields; each row below becomes an Indicator.

Shared by every layout. Columns are found by the header's grid position, so a
text export (no spans, merged cells empty), a .docx (spans) and a PDF (the
ruling grid) give the same records; level1/level2 left empty are filled from
the row above (a merged-down cell).
"""

from __future__ import annotations

from collections.abc import Callable

from jixiao.extract.model import Cell, Table
from jixiao.normalize.labels import match, strip_weight
from jixiao.normalize.records import CellSource, Indicator
from jixiao.normalize.text import clean
from jixiao.normalize.values import parse_indicator_value

_FILLED_DOWN = ("level1", "level2")
_NO_COLUMN = (None, "")

Warn = Callable[[str, str], None]


def is_header(row: list[Cell]) -> bool:
    """A row naming the level-1 column (一级指标, 一级绩效指标, …)."""
    return any((m := match(cell.text, "indicator")) and m.field == "indicator.level1" for cell in row)


def label_text(text: str) -> str:
    """A printed label as an `extra` key: white space folded, a trailing colon dropped."""
    return clean(text).rstrip("：:").strip()


class IndicatorGrid:
    def __init__(self, header: list[Cell], warn: Warn):
        self.columns: dict[int, tuple[str, str]] = {}  # grid column → (field or "extra", printed header)
        # A block label (绩效指标) merged down beside the header names no column.
        header = [cell for cell in header if not match(cell.text, "block", fuzzy=False)]
        matches = [(cell, match(cell.text, "indicator")) for cell in header]
        has_level3 = any(m and m.field == "indicator.level3" for _, m in matches)
        taken: set[str] = set()
        for cell, found in matches:
            printed = label_text(cell.text)
            if not printed:
                continue
            field = found.field.split(".", 1)[1] if found else "extra"
            if field == "name_or_description":
                field = "description" if has_level3 else "level3"
            if found is None:
                warn("unknown_label", f"指标表头“{printed}”不在词表中，其内容保留在extra中。")
            elif found.how == "fuzzy":
                warn("fuzzy_label", f"指标表头“{printed}”按近似匹配读作{field}（相似度{found.confidence}）。")
            if field in taken:
                field = "extra"  # a second column for the same field keeps its cells under its header
            taken.add(field)
            for column in range(cell.col, cell.col + cell.colspan):
                self.columns.setdefault(column, (field, printed))
        self.first_column = min(self.columns, default=0)
        self.previous: dict[str, str | None] = {}

    def _cells(self, row: list[Cell]) -> tuple[dict[str, str | None], dict[str, str]]:
        values: dict[str, str | None] = {}
        extra: dict[str, str] = {}
        for cell in row:  # a row of Table.rows(): left to right
            field, printed = self.columns.get(cell.col, _NO_COLUMN)
            if field is None:
                continue  # a column no header names
            text = clean(cell.text) or None
            if field == "extra":
                if text:
                    extra.setdefault(printed, text)
            elif field not in values:
                values[field] = text
        for field in _FILLED_DOWN:
            if not values.get(field):
                values[field] = self.previous.get(field)
        self.previous = values
        return values, extra

    def indicator(self, row: list[Cell], index: int, table: Table, seq: int) -> Indicator:
        values, extra = self._cells(row)
        printed_level1 = values.get("level1")
        level1 = strip_weight(printed_level1)
        if printed_level1 and level1 != printed_level1:
            level1_header = next(printed for field, printed in self.columns.values() if field == "level1")
            extra = {level1_header: printed_level1, **extra}
        raw = values.get("value_raw")
        parsed = parse_indicator_value(raw or "")
        return Indicator(
            seq=seq,
            level1=level1,
            level2=values.get("level2"),
            level3=values.get("level3"),
            description=values.get("description"),
            value_raw=raw,
            operator=parsed.operator,
            value=parsed.value,
            unit=parsed.unit,
            basis=values.get("basis"),
            source=CellSource(page=row_page(row, index), table=table.index, row=index + 1),
            extra=extra,
        )

    def summary(self, row: list[Cell]) -> str:
        """A row kept whole (a long-term block): its non-empty cells in column order, merged levels filled."""
        values, extra = self._cells(row)
        by_column: dict[int, str] = {}
        for cell in row:
            field, printed = self.columns.get(cell.col, (None, ""))
            if field is None:
                continue
            text = values.get(field) if field != "extra" else extra.get(printed)
            if text:
                by_column[cell.col] = text
        for field in _FILLED_DOWN:
            column = next((c for c, (f, _) in self.columns.items() if f == field), None)
            if column is not None and values.get(field) and column not in by_column:
                by_column[column] = values[field]
        return " | ".join(text for _, text in sorted(by_column.items()))


def row_page(row: list[Cell], index: int) -> int | None:
    """The page a row starts on: that of a cell beginning in it, not one merged down from above."""
    own = [cell.page for cell in row if cell.row == index and cell.page is not None]
    return min(own) if own else None
