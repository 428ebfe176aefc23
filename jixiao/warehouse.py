"""The batch's tables, built streaming from the per-report JSON so memory does not grow with the batch.

- `OUT/tables/<name>.csv|.parquet`: each table over the whole batch, flat.
- `OUT/warehouse/<name>/fiscal_year=<year>/part-0.parquet`: the same rows as
  a Parquet dataset partitioned (Hive style) by the report's fiscal year,
  joined from `reports` by report_id; a report without one is under
  `fiscal_year=__HIVE_DEFAULT_PARTITION__`.
- optionally a DuckDB database holding the tables with primary keys.  The
  same bytes under two paths are one report_id: the flat tables hold both
  copies (one per input), the database holds the report once (its first path).

Every file is built under a temp name and renamed into place.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from contextlib import ExitStack
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from jixiao.batch import BatchError
from jixiao.normalize.records import MAP, TABLE_COLUMNS, Report, typed_frame
from jixiao.writers import TEMP_SUFFIX, atomic_path, make_public

FLUSH_ROWS = 10_000  # rows of one table held before they are written out (bounds memory)

# DuckDB primary keys.  Key columns cannot be null, so department-scope rows
# (no project) are stored with project_seq 0 — projects count from 1 — and
# project goals (which stand under no section) with section ''.
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "reports": ("report_id",),
    "projects": ("report_id", "project_seq"),
    "spending_plan": ("report_id", "project_seq", "seq"),
    "goals": ("report_id", "scope", "project_seq", "section", "seq"),
    "measures": ("report_id", "seq"),
    "tasks": ("report_id", "seq"),
    "indicators": ("report_id", "scope", "project_seq", "seq"),
    "warnings": ("report_id", "seq"),
    "unrecognised_cells": ("report_id", "table", "row", "col"),
}
_KEY_FILL = {"project_seq": "0", "section": "''"}
_DUCKDB_TYPES = {"string": "VARCHAR", "Int64": "BIGINT", "Float64": "DOUBLE", MAP: "MAP(VARCHAR, VARCHAR)"}
_ARROW_TYPES = {
    "string": pa.string(),
    "Int64": pa.int64(),
    "Float64": pa.float64(),
    MAP: pa.map_(pa.string(), pa.string()),
}


def write_warehouse(manifest: pd.DataFrame, out_dir: Path, duckdb_path: Path | None = None) -> None:
    """Tables of every report the manifest lists as converted or skipped (each JSON once)."""
    outputs = manifest.loc[manifest["status"].isin(["ok", "warnings", "skipped"]), "output"].dropna().unique()
    write_tables([out_dir / output for output in outputs], out_dir / "tables")
    write_partitioned(out_dir / "tables", out_dir / "warehouse")
    if duckdb_path:
        write_duckdb(out_dir / "tables", Path(duckdb_path))


def table_schema(name: str) -> pa.Schema:
    """The table's Arrow schema, with pandas' metadata so read_parquet gives back the nullable dtypes."""
    schema = pa.Schema.from_pandas(typed_frame(name, []), preserve_index=False)
    for index, (column, kind) in enumerate(TABLE_COLUMNS[name].items()):
        schema = schema.set(index, pa.field(column, _ARROW_TYPES[kind]))
    return schema


def _csv_frame(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """An Extra column as JSON objects in CSV (Parquet keeps it a map)."""
    for column, kind in TABLE_COLUMNS[name].items():
        if kind == MAP:
            frame = frame.assign(**{column: [json.dumps(v or {}, ensure_ascii=False) for v in frame[column]]})
    return frame


def write_tables(report_files: list[Path], tables_dir: Path) -> None:
    """tables_dir/<name>.csv and .parquet for every table, appending report by report."""
    schemas = {name: table_schema(name) for name in TABLE_COLUMNS}
    held: dict[str, list[dict]] = {name: [] for name in TABLE_COLUMNS}
    with ExitStack() as stack:
        parquet, csv = {}, {}
        for name in TABLE_COLUMNS:
            parquet_path = stack.enter_context(atomic_path(tables_dir / f"{name}.parquet"))
            parquet[name] = pq.ParquetWriter(parquet_path, schemas[name])
            stack.callback(parquet[name].close)  # closed before the rename (callbacks run last-in first-out)
            csv_path = stack.enter_context(atomic_path(tables_dir / f"{name}.csv"))
            csv[name] = stack.enter_context(open(csv_path, "w", encoding="utf-8", newline=""))
            typed_frame(name, []).to_csv(csv[name], index=False)

        def flush(name: str) -> None:
            frame = typed_frame(name, held[name])
            held[name].clear()
            parquet[name].write_table(pa.Table.from_pandas(frame, schema=schemas[name], preserve_index=False))
            _csv_frame(name, frame).to_csv(csv[name], index=False, header=False)

        for path in report_files:
            report = Report.from_dict(json.loads(path.read_text(encoding="utf-8")))
            for name, rows in report.to_rows().items():
                held[name].extend(rows)
                if len(held[name]) >= FLUSH_ROWS:
                    flush(name)
        for name in TABLE_COLUMNS:
            if held[name]:
                flush(name)


def write_partitioned(tables_dir: Path, warehouse_dir: Path) -> None:
    """warehouse_dir/<name>/fiscal_year=<year>/part-0.parquet from the flat tables, batch by batch.

    One ParquetWriter per partition, fed batch by batch: pyarrow's write_dataset
    would queue the whole input ahead of its writers, so its memory grows with
    the batch.
    """
    reports = pq.read_table(tables_dir / "reports.parquet", columns=["report_id", "fiscal_year"]).combine_chunks()
    building = Path(tempfile.mkdtemp(dir=warehouse_dir.parent, prefix=f".{warehouse_dir.name}.", suffix=TEMP_SUFFIX))
    make_public(building)
    try:
        for name in TABLE_COLUMNS:
            source = pq.ParquetFile(tables_dir / f"{name}.parquet")
            schema = source.schema_arrow.remove_metadata()
            if "fiscal_year" in schema.names:
                schema = schema.remove(schema.get_field_index("fiscal_year"))
            (building / name).mkdir()  # an empty table is an empty folder
            writers: dict[str, pq.ParquetWriter] = {}
            try:
                for batch in source.iter_batches(batch_size=FLUSH_ROWS):
                    years = _fiscal_years(batch, reports)
                    for year in pc.unique(years).to_pylist():
                        rows = pc.is_null(years) if year is None else pc.equal(years, year)
                        part = "__HIVE_DEFAULT_PARTITION__" if year is None else str(year)
                        if part not in writers:
                            folder = building / name / f"fiscal_year={part}"
                            folder.mkdir()
                            writers[part] = pq.ParquetWriter(folder / "part-0.parquet", schema)
                        part_rows = batch.filter(rows).select(schema.names).cast(schema)
                        writers[part].write_table(
                            pa.Table.from_batches([part_rows])
                        )  # a row group each: write_batch would buffer up to a million rows
            finally:
                for writer in writers.values():
                    writer.close()
        _replace_folder(building, warehouse_dir)
    finally:
        shutil.rmtree(building, ignore_errors=True)


def _fiscal_years(batch: pa.RecordBatch, reports: pa.Table) -> pa.Array:
    """Each row's report's fiscal year (joined by report_id)."""
    if "fiscal_year" in batch.schema.names:
        return batch["fiscal_year"]
    where = pc.index_in(batch["report_id"], value_set=reports["report_id"].chunk(0))
    return reports["fiscal_year"].chunk(0).take(where)


def _replace_folder(new: Path, target: Path) -> None:
    """Put new in target's place: at no moment is there a half-written target, only briefly none."""
    old = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=TEMP_SUFFIX))
    try:
        if target.exists():
            os.replace(target, old / target.name)
        os.replace(new, target)
    finally:
        shutil.rmtree(old, ignore_errors=True)


def write_duckdb(tables_dir: Path, target: Path) -> None:
    """A DuckDB database file with every table and its primary key (TABLE_KEYS), built aside then renamed."""
    try:
        _build_duckdb(tables_dir, target)
    except duckdb.Error as exc:
        raise BatchError(f"cannot build the DuckDB database {target}: {exc}") from None


def _build_duckdb(tables_dir: Path, target: Path) -> None:
    with atomic_path(target) as building:
        building.unlink()  # DuckDB creates its own file
        with duckdb.connect(str(building)) as db:
            for name, columns in TABLE_COLUMNS.items():
                keys = TABLE_KEYS[name]
                definitions = [
                    f'"{c}" {_DUCKDB_TYPES[t]}{" NOT NULL" if c in keys else ""}' for c, t in columns.items()
                ]
                key = ", ".join(f'"{k}"' for k in keys)  # quoted: table and row are SQL keywords
                db.execute(f"CREATE TABLE {name} ({', '.join(definitions)}, PRIMARY KEY ({key}))")
                select = [
                    f'COALESCE("{c}", {_KEY_FILL[c]})' if c in keys and c in _KEY_FILL else f'"{c}"' for c in columns
                ]
                parquet = str(tables_dir / f"{name}.parquet")
                db.execute(f"INSERT INTO {name} {_one_copy(name, select)}", [parquet])


def _one_copy(name: str, select: list[str]) -> str:
    """A SELECT over the table's Parquet keeping one copy of a report that several inputs hold.

    Copies of a report's rows are identical except the report's source_path, so
    DISTINCT drops them, and a key that is still duplicated is a real error.
    """
    if name == "reports":
        first = "QUALIFY row_number() OVER (PARTITION BY report_id ORDER BY source_path) = 1"
        return f"SELECT {', '.join(select)} FROM read_parquet(?) {first}"
    return f"SELECT DISTINCT {', '.join(select)} FROM read_parquet(?)"
