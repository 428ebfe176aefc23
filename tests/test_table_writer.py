"""The tables and the manifest are written by pyarrow and the csv module (no pandas in a run): the same CSV bytes
and the same Parquet (data, types and pandas' metadata) as pandas writes from typed frames."""

from __future__ import annotations

import io
import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from jixiao.normalize.records import MAP, TABLE_COLUMNS, Report, typed_frame

from jixiao import warehouse
from jixiao.batch import MANIFEST_COLUMNS, typed_manifest
from tests.conftest import SAMPLES

EXPECTED = sorted(SAMPLES.rglob("*.expected.json"))


def pandas_csv(frame: pd.DataFrame, columns: dict[str, str]) -> str:
    """The CSV as jixiao wrote it with pandas: an Extra column as JSON objects."""
    for column, kind in columns.items():
        if kind == MAP:
            frame = frame.assign(**{column: [json.dumps(v or {}, ensure_ascii=False) for v in frame[column]]})
    text = io.StringIO()
    frame.to_csv(text, index=False)
    return text.getvalue()


def written(tmp_path, rows: list[dict], columns: dict[str, str], schema: pa.Schema) -> tuple[str, pa.Table]:
    warehouse.write_rows(rows, columns, schema, tmp_path / "table")
    return (tmp_path / "table.csv").read_text(encoding="utf-8-sig"), pq.read_table(tmp_path / "table.parquet")


def test_every_samples_tables_are_written_as_pandas_writes_them(tmp_path):
    rows: dict[str, list[dict]] = {name: [] for name in TABLE_COLUMNS}
    for path in EXPECTED:
        for name, table_rows in Report.from_json(path.read_bytes()).to_rows().items():
            rows[name].extend(table_rows)
    assert all(rows[name] for name in ("reports", "projects", "indicators", "goals", "unrecognised_cells"))
    for name, columns in TABLE_COLUMNS.items():
        frame = typed_frame(name, rows[name])
        schema = warehouse.table_schema(name)
        pandas_schema = pa.Schema.from_pandas(typed_frame(name, []), preserve_index=False)
        assert schema.metadata == pandas_schema.metadata, name
        csv_text, table = written(tmp_path, rows[name], columns, schema)
        assert csv_text == pandas_csv(frame, columns), name
        assert table.equals(pa.Table.from_pandas(frame, schema=schema, preserve_index=False)), name


def test_the_manifest_is_written_as_pandas_writes_it(tmp_path):
    rows = [
        {"path": 'a,"b"\nc.txt', "input": "/in/a", "format": "txt", "status": "ok", "report_id": "1a", "sha256": "f",
         "projects": 3, "indicators": 0, "seconds": 0.1 + 0.2, "output": "json/a.json", "resumed": True},
        {"path": "b.pdf", "input": "/in/b", "format": "pdf", "status": "failed", "error": "b.pdf: 空", "seconds": 1e16,
         "resumed": False},
        {"path": "c", "input": "/in/c", "status": "skipped", "seconds": 5.0},
    ]  # fmt: skip
    frame = typed_manifest(rows)
    csv_text, table = written(tmp_path, rows, MANIFEST_COLUMNS, warehouse.manifest_schema())
    assert csv_text == pandas_csv(frame, MANIFEST_COLUMNS)
    assert table.equals(pa.Table.from_pandas(frame, preserve_index=False))
    assert table.schema.metadata == pa.Schema.from_pandas(frame, preserve_index=False).metadata
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "table.parquet"), frame)
