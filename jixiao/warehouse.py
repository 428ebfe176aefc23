"""The batch's tables, built streaming from the per-report JSON so memory does not grow with the batch.

- `OUT/tables/<name>.csv|.parquet`: each table over the whole batch, flat.
- `OUT/warehouse/<name>/fiscal_year=<year>/part-<n>.parquet`: the same rows as
  a Parquet dataset partitioned (Hive style) by the report's fiscal year (part-0
  from the run that built it, part-1… with reports later runs added),
  joined from `reports` by report_id; a report without one is under
  `fiscal_year=__HIVE_DEFAULT_PARTITION__`.
- optionally a DuckDB database holding the tables with primary and foreign
  keys, and the manifest.

The same bytes under two paths are one report (one report_id): every table
holds it once, from its first path; the manifest lists every path with its
report_id.  Every table is written even when empty, with its columns.  Every
file is built under a temp name, flushed and renamed into place; the DuckDB
tables are replaced in one transaction.

A re-run costs what changed (`OUT/.state/tables.json`, see `_tables_plan`):
when the reports are the ones the tables were built from, nothing is
rebuilt; when reports were only added, their rows are appended to the flat
tables (the old rows are copied as they are, not read back from JSON), so
their rows follow the old ones rather than the inputs' order, and go to the
partitioned dataset as new files.  The tables are written by pyarrow and the
csv module, with pandas' metadata, so a run imports no pandas.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from functools import cache
from importlib.metadata import version
from itertools import islice
from pathlib import Path
from typing import IO

import msgspec

# Arrow's own allocator (mimalloc) keeps what it freed, and more the more row groups a run reads and writes
# (15-30 MB at 5,000 reports).  pyarrow's set_memory_pool (below) covers what pyarrow allocates; what Arrow's C++
# allocates itself (the Parquet reader's and writer's buffers) comes from the allocator this variable names,
# read once, when pyarrow loads.
os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json
import pyarrow.parquet as pq

from jixiao.batch import CONVERTED, MANIFEST_CHUNK, MANIFEST_COLUMNS, STATE_DIR, BatchError, Rows
from jixiao.normalize.records import MAP, TABLE_COLUMNS, Report
from jixiao.pipeline import READER_VERSION
from jixiao.writers import CSV_ENCODING, TEMP_SUFFIX, atomic_path, atomic_write, make_public, sync

FLUSH_ROWS = 10_000  # rows of all tables held before the biggest is written out (bounds memory)
# pyarrow's default allocator (mimalloc) keeps what it freed: 50-70 MB more resident at the table build's peak
# (the variable above chooses it too, unless pyarrow was loaded before).
pa.set_memory_pool(pa.system_memory_pool())
# the reading code and how the tables are written (this module): tables.json counts only for the same
_TABLES_VERSION = f"{READER_VERSION}/{hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]}"

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
# Foreign keys: (columns, parent table).  Department-scope rows have project_seq 0, which no project has,
# so only the spending plan (always a project's) references projects.
TABLE_REFERENCES: dict[str, tuple[tuple[str, ...], str]] = {
    "spending_plan": (("report_id", "project_seq"), "projects"),
    **{name: (("report_id",), "reports") for name in TABLE_COLUMNS if name not in ("reports", "spending_plan")},
}
MANIFEST_TABLE, MANIFEST_KEY = "manifest", ("input",)
_KEY_FILL = {"project_seq": "0", "section": "''"}
_DUCKDB_TYPES = {
    "string": "VARCHAR", "Int64": "BIGINT", "Float64": "DOUBLE", "boolean": "BOOLEAN", MAP: "MAP(VARCHAR, VARCHAR)"
}  # fmt: skip
_ARROW_TYPES = {
    "string": pa.string(),
    "Int64": pa.int64(),
    "Float64": pa.float64(),
    "boolean": pa.bool_(),
    MAP: pa.map_(pa.string(), pa.string()),
}
# What pandas' metadata in a Parquet file names for each column type (pandas_type, numpy_type): with it,
# pandas.read_parquet gives back the nullable dtypes.  The tables are written by pyarrow and the standard
# library's csv, so a run imports no pandas; tests/test_warehouse.py checks these against pandas' own.
_PANDAS_TYPES = {
    "string": ("object", "string"), "Int64": ("int64", "Int64"), "Float64": ("float64", "Float64"),
    "boolean": ("bool", "boolean"), MAP: ("empty", "object"),
}  # fmt: skip


def write_warehouse(manifest: Rows, out_dir: Path, duckdb_path: Path | None = None) -> None:
    """Tables of every report the manifest's rows list as converted, each report_id once (its first path)."""
    index_path = out_dir / STATE_DIR / "tables.json"
    built, current = _tables_plan(out_dir, _report_outputs(manifest), index_path)
    new = [output for output in current if output not in (built or ())]
    tables, warehouse = out_dir / "tables", out_dir / "warehouse"
    held = None
    if built is None or new:
        if built is not None:  # rows are appended: the dataset may take only them
            held = {name: pq.ParquetFile(tables / f"{name}.parquet").metadata.num_rows for name in TABLE_COLUMNS}
        write_tables((out_dir / output for output in new), tables, append=built is not None)
        index_path.unlink(missing_ok=True)  # the partitioned dataset is stale until it is written below
    if built is None or new or not warehouse.is_dir():
        if not (held and warehouse.is_dir() and append_partitioned(tables, warehouse, held)):
            write_partitioned(tables, warehouse)
        atomic_write(index_path, lambda temp: _write_index(temp, [*(built or ()), *new], current))
    if duckdb_path:
        write_duckdb(out_dir / "tables", manifest, Path(duckdb_path))


def _report_outputs(manifest: Rows) -> Iterator[str]:
    """The JSON of each report the tables hold, in the manifest's order: converted, each report_id once."""
    seen = set()
    for row in manifest:
        if row.get("status") in CONVERTED and row.get("output") and row.get("report_id") not in seen:
            seen.add(row.get("report_id"))
            yield row["output"]


def _tables_plan(
    out_dir: Path, outputs: Iterable[str], index_path: Path
) -> tuple[dict[str, tuple[int, int]] | None, dict[str, tuple[int, int]]]:
    """(the reports the tables hold and may keep, or None to rebuild; every report's JSON's (size, mtime)).

    The index lists each report's JSON as (path, size, mtime) in table order,
    with the reading code and this module's digest: rows are appended only
    onto tables made by the same code from JSON that has not changed since.
    """
    current = {}
    for output in outputs:
        stat = os.stat(os.path.join(out_dir, output))
        current[output] = (stat.st_size, stat.st_mtime_ns)
    try:
        index = json.loads(index_path.read_text(encoding="utf-8"))
        built = (
            {output: tuple(stat) for output, *stat in index["reports"]} if index["version"] == _TABLES_VERSION else None
        )
    except (OSError, ValueError, KeyError, TypeError):
        built = None
    tables = [out_dir / "tables" / f"{name}.{kind}" for name in TABLE_COLUMNS for kind in ("csv", "parquet")]
    if built is None or any(current.get(o) != stat for o, stat in built.items()) or not all(map(Path.is_file, tables)):
        built = None  # a report removed or rewritten, or tables missing: rebuild, in the manifest's order
    return built, current


def _write_index(temp: Path, outputs: list[str], stats: dict[str, tuple[int, int]]) -> None:
    """OUT/.state/tables.json, report by report (json.dumps' layout): not built whole in memory."""
    with open(temp, "w", encoding="utf-8") as handle:
        handle.write(f'{{"version": {json.dumps(_TABLES_VERSION)}, "reports": [')
        for number, output in enumerate(outputs):
            handle.write(", " * bool(number) + json.dumps([output, *stats[output]]))
        handle.write("]}")


def table_schema(name: str) -> pa.Schema:
    """The table's Arrow schema, with pandas' metadata so read_parquet gives back the nullable dtypes."""
    return arrow_schema(TABLE_COLUMNS[name], pa.string())


def manifest_schema() -> pa.Schema:
    """The manifest's: its text as large strings, as pandas' string dtype writes them."""
    return arrow_schema(MANIFEST_COLUMNS, pa.large_string())


def write_manifest(rows: Rows, base: Path) -> None:
    """`base`.csv and .parquet: the manifest's rows, typed."""
    write_rows(rows, MANIFEST_COLUMNS, manifest_schema(), base)


@cache
def _pandas_version() -> str:
    return version("pandas")


def arrow_schema(columns: dict[str, str], strings: pa.DataType) -> pa.Schema:
    """The schema pandas would write for a frame of these column types (pyarrow's metadata format)."""
    fields = [pa.field(column, strings if kind == "string" else _ARROW_TYPES[kind]) for column, kind in columns.items()]
    described = [
        {"name": c, "field_name": c, "pandas_type": _PANDAS_TYPES[k][0], "numpy_type": _PANDAS_TYPES[k][1],
         "metadata": None}
        for c, k in columns.items()
    ]  # fmt: skip
    metadata = {"index_columns": [], "column_indexes": [], "columns": described, "attributes": {},
                "creator": {"library": "pyarrow", "version": pa.__version__}, "pandas_version": _pandas_version()}  # fmt: skip
    return pa.schema(fields, metadata={b"pandas": json.dumps(metadata).encode()})


# A map column as JSON: a list of {key, value} entries (pyarrow's JSON reader reads no map), then made a map.
_ENTRIES = pa.list_(pa.struct([pa.field("key", pa.string(), nullable=False), pa.field("value", pa.string())]))


def arrow_table(rows: list[dict], columns: dict[str, str], schema: pa.Schema) -> pa.Table:
    """The rows as an Arrow table of schema, through pyarrow's JSON reader.

    Not `pa.Table.from_pylist`: every conversion of Python objects in pyarrow
    first imports pandas (to see whether they are pandas objects), which would
    be most of a short run's time.
    """
    if not rows:
        return pa.Table.from_batches([], schema)
    maps = [column for column, kind in columns.items() if kind == MAP]
    if maps:
        rows = [
            row | {c: [{"key": k, "value": v} for k, v in row[c].items()] for c in maps if row.get(c) is not None}
            for row in rows
        ]
    read_as = pa.schema([pa.field(f.name, _ENTRIES) if f.name in maps else f for f in schema])
    data = b"\n".join(map(_encode, rows))
    options = pa_json.ParseOptions(explicit_schema=read_as, unexpected_field_behavior="error")
    # one thread: at most FLUSH_ROWS rows, and each thread of the reader's pool allocates in a glibc arena of its
    # own, which keeps what it freed more the more flushes a run makes (+5 MB at 5,000 reports)
    read = pa_json.ReadOptions(use_threads=False)
    table = pa_json.read_json(pa.BufferReader(data), read_options=read, parse_options=options).combine_chunks()
    for column in maps:
        entries = table.column(column).chunk(0)
        flat = entries.flatten()
        made = pa.MapArray.from_arrays(
            entries.offsets, flat.field("key"), flat.field("value"), type=_ARROW_TYPES[MAP], mask=entries.is_null()
        )
        table = table.set_column(table.schema.get_field_index(column), schema.field(column), made)
    return table.replace_schema_metadata(schema.metadata)


_encode = msgspec.json.Encoder().encode


def csv_rows(columns: dict[str, str], rows: list[dict]) -> list[list]:
    """Rows as pandas' to_csv writes them: missing values empty, floats as floats, an Extra map as a JSON object."""
    names = list(columns)
    maps = [index for index, kind in enumerate(columns.values()) if kind == MAP]
    floats = [index for index, kind in enumerate(columns.values()) if kind == "Float64"]
    lines = []
    for row in rows:
        line = [row.get(name) for name in names]
        for index in floats:
            if line[index].__class__ is int:  # 500 in a float column is written 500.0
                line[index] = float(line[index])
        for index in maps:
            line[index] = json.dumps(line[index], ensure_ascii=False) if line[index] else "{}"
        lines.append(line)
    return lines


def csv_writer(handle: IO[str]):
    return csv.writer(handle, lineterminator="\n")  # pandas' to_csv: the csv module, QUOTE_MINIMAL, "\n"


def write_rows(rows: Iterable[dict], columns: dict[str, str], schema: pa.Schema, base: Path) -> None:
    """`base`.csv (UTF-8 with BOM) and `base`.parquet of rows, as pandas writes a typed frame of them.

    Rows (read twice) are taken MANIFEST_CHUNK at a time, a Parquet row group each: memory stays flat.
    """

    def write_csv(temp: Path) -> None:
        with open(temp, "w", encoding=CSV_ENCODING, newline="") as handle:
            writer = csv_writer(handle)
            writer.writerow(columns)
            for chunk in _chunks(rows):
                writer.writerows(csv_rows(columns, chunk))

    def write_parquet(temp: Path) -> None:
        with pq.ParquetWriter(temp, schema) as writer:
            for chunk in _chunks(rows):
                writer.write_table(arrow_table(chunk, columns, schema))

    atomic_write(base.with_suffix(".csv"), write_csv)
    atomic_write(base.with_suffix(".parquet"), write_parquet)


def _chunks(rows: Iterable[dict]) -> Iterator[list[dict]]:
    rows = iter(rows)
    while chunk := list(islice(rows, MANIFEST_CHUNK)):
        yield chunk


def write_tables(report_files: Iterable[Path], tables_dir: Path, append: bool = False) -> None:
    """tables_dir/<name>.csv and .parquet for every table, report by report; append: after the rows they hold."""
    schemas = {name: table_schema(name) for name in TABLE_COLUMNS}
    held: dict[str, list[dict]] = {name: [] for name in TABLE_COLUMNS}
    with ExitStack() as stack:
        parquet, csv = {}, {}
        for name in TABLE_COLUMNS:
            parquet_path = stack.enter_context(atomic_path(tables_dir / f"{name}.parquet"))
            parquet[name] = pq.ParquetWriter(parquet_path, schemas[name])
            stack.callback(parquet[name].close)  # closed before the rename (callbacks run last-in first-out)
            csv_path = stack.enter_context(atomic_path(tables_dir / f"{name}.csv"))
            if append:  # the old rows as they are: Parquet row groups and CSV bytes (with their BOM), no parsing
                csv[name] = stack.enter_context(open(csv_path, "w", encoding="utf-8", newline=""))
                old = pq.ParquetFile(tables_dir / f"{name}.parquet")
                for group in range(old.num_row_groups):
                    parquet[name].write_table(old.read_row_group(group))
                with open(tables_dir / f"{name}.csv", "rb") as old_csv:
                    shutil.copyfileobj(old_csv, csv[name].buffer)
            else:
                csv[name] = stack.enter_context(open(csv_path, "w", encoding=CSV_ENCODING, newline=""))
                csv_writer(csv[name]).writerow(TABLE_COLUMNS[name])

        def flush(name: str) -> None:
            parquet[name].write_table(arrow_table(held[name], TABLE_COLUMNS[name], schemas[name]))
            csv_writer(csv[name]).writerows(csv_rows(TABLE_COLUMNS[name], held[name]))
            held[name].clear()

        for path in report_files:
            try:
                report = Report.from_json(path.read_bytes())
            except (OSError, msgspec.DecodeError) as exc:  # changed or removed by hand since it was written
                raise BatchError(f"cannot read {path} to build the tables ({exc}): remove it and run again") from None
            for name, rows in report.to_rows().items():
                held[name].extend(rows)
            if sum(map(len, held.values())) >= FLUSH_ROWS:  # however many tables: memory stays flat
                flush(max(held, key=lambda name: len(held[name])))
        for name in TABLE_COLUMNS:
            if held[name]:
                flush(name)


def write_partitioned(tables_dir: Path, warehouse_dir: Path) -> None:
    """warehouse_dir/<name>/fiscal_year=<year>/part-0.parquet from the flat tables, batch by batch (a rebuild).

    One ParquetWriter per partition, fed batch by batch: pyarrow's write_dataset
    would queue the whole input ahead of its writers, so its memory grows with
    the batch.
    """
    reports = pq.ParquetFile(tables_dir / "reports.parquet").read(columns=["report_id", "fiscal_year"]).combine_chunks()
    building = Path(tempfile.mkdtemp(dir=warehouse_dir.parent, prefix=f".{warehouse_dir.name}.", suffix=TEMP_SUFFIX))
    make_public(building)
    try:
        for name in TABLE_COLUMNS:
            source = pq.ParquetFile(tables_dir / f"{name}.parquet")
            schema = _partition_schema(source)
            (building / name).mkdir()
            writers: dict[str, pq.ParquetWriter] = {}
            try:
                if not source.metadata.num_rows:
                    _write_empty(building / name, schema)
                for batch in _row_groups(source):
                    years = _fiscal_years(batch, reports)
                    for year in pc.unique(years):
                        rows = pc.equal(years, year) if year.is_valid else pc.is_null(years)
                        part = _part(year)
                        if part not in writers:
                            writers[part] = _partition_writer(building / name, part, schema)
                        part_rows = batch.filter(rows).select(schema.names).cast(schema)
                        writers[part].write_table(
                            pa.Table.from_batches([part_rows])
                        )  # a row group each: write_batch would buffer up to a million rows
            finally:
                for writer in writers.values():
                    writer.close()
        sync(building)
        _replace_folder(building, warehouse_dir)
    finally:
        shutil.rmtree(building, ignore_errors=True)


_NO_YEAR = "__HIVE_DEFAULT_PARTITION__"
MAX_PARTS = 8  # files in a partition before appending gives way to rebuilding the dataset


def append_partitioned(tables_dir: Path, warehouse_dir: Path, held: dict[str, int]) -> bool:
    """Add the rows appended to the flat tables (those after `held` rows) to the dataset, as a new file
    (`part-<n>.parquet`) in each partition they fall in, so adding reports costs what they hold.

    False, with nothing written, where that cannot be done: a table that had no rows (its empty file
    would stay beside them), new rows not in row groups of their own, a partition with MAX_PARTS files.
    """
    reports = pq.ParquetFile(tables_dir / "reports.parquet").read(columns=["report_id", "fiscal_year"]).combine_chunks()
    plans = {}
    for name in TABLE_COLUMNS:
        source = pq.ParquetFile(tables_dir / f"{name}.parquet")
        if source.metadata.num_rows == held[name]:
            continue
        groups, rows = [], 0
        for group in range(source.num_row_groups):
            if rows >= held[name]:
                groups.append(group)
            rows += source.metadata.row_group(group).num_rows
        first_new = source.metadata.num_rows - sum(source.metadata.row_group(g).num_rows for g in groups)
        if not held[name] or first_new != held[name] or not (warehouse_dir / name).is_dir():
            return False
        parts = set()
        for batch in source.iter_batches(batch_size=FLUSH_ROWS, row_groups=groups, columns=["report_id"]):
            parts.update(_part(year) for year in pc.unique(_fiscal_years(batch, reports)))
        counts = {part: len(list((warehouse_dir / name / f"fiscal_year={part}").glob("*.parquet"))) for part in parts}
        if max(counts.values(), default=0) >= MAX_PARTS:
            return False
        plans[name] = (source, groups, counts)
    for name, (source, groups, counts) in plans.items():
        schema = _partition_schema(source)
        with ExitStack() as stack:
            writers: dict[str, pq.ParquetWriter] = {}
            for batch in source.iter_batches(batch_size=FLUSH_ROWS, row_groups=groups):
                years = _fiscal_years(batch, reports)
                for year in pc.unique(years):
                    part = _part(year)
                    if part not in writers:
                        folder = warehouse_dir / name / f"fiscal_year={part}"
                        path = stack.enter_context(atomic_path(folder / f"part-{counts[part]}.parquet"))
                        writers[part] = pq.ParquetWriter(path, schema)
                        stack.callback(writers[part].close)  # closed before the rename
                    rows = pc.equal(years, year) if year.is_valid else pc.is_null(years)
                    writers[part].write_table(
                        pa.Table.from_batches([batch.filter(rows).select(schema.names).cast(schema)])
                    )
    return True


def _row_groups(source: pq.ParquetFile) -> Iterator[pa.RecordBatch]:
    """The file's rows, a row group at a time (iter_batches reads ahead across row groups: its memory grows with
    the file), each decoded on this thread (as the JSON reader: a thread's glibc arena keeps what it freed)."""
    for group in range(source.num_row_groups):
        yield from source.read_row_group(group, use_threads=False).to_batches()


def _part(year: pa.Scalar) -> str:
    """A partition's name (Arrow scalars: comparing with a Python one would have pyarrow import pandas)."""
    return str(year.as_py()) if year.is_valid else _NO_YEAR


def _partition_schema(source: pq.ParquetFile) -> pa.Schema:
    """A flat table's schema in the dataset: fiscal_year is the partition's name, not a column."""
    schema = source.schema_arrow.remove_metadata()
    if "fiscal_year" in schema.names:
        schema = schema.remove(schema.get_field_index("fiscal_year"))
    return schema


def _partition_writer(table_dir: Path, part: str, schema: pa.Schema) -> pq.ParquetWriter:
    folder = table_dir / f"fiscal_year={part}"
    folder.mkdir()
    return pq.ParquetWriter(folder / "part-0.parquet", schema)


def _write_empty(table_dir: Path, schema: pa.Schema) -> None:
    """An empty table as one file with its columns, fiscal_year included, in a folder that is no partition.

    A `fiscal_year=…` folder with no rows would leave pyarrow's Hive
    partitioning nothing to infer the key's type from; `no_rows/` is ignored
    as a partition by pyarrow, pandas and DuckDB, and `*/*.parquet` finds it.
    """
    (table_dir / "no_rows").mkdir()
    empty = pa.Table.from_batches([], schema.append(pa.field("fiscal_year", pa.int64())))
    pq.write_table(empty, table_dir / "no_rows" / "part-0.parquet")


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


def write_duckdb(tables_dir: Path, manifest: Rows, target: Path) -> None:
    """jixiao's tables (TABLE_COLUMNS and the manifest) in a DuckDB database, with their keys.

    jixiao owns exactly these tables in the database's main schema: they are
    dropped and rebuilt in one transaction, so a reader sees the old ones or
    the new ones, a run killed midway changes nothing, and every other table
    in the file stays as it is.
    """
    import duckdb  # only with --duckdb

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with duckdb.connect(str(target)) as db:
            db.execute("BEGIN TRANSACTION")
            for name in [MANIFEST_TABLE, *reversed(TABLE_COLUMNS)]:  # children before the tables they reference
                db.execute(f'DROP TABLE IF EXISTS "{name}"')
            for name, columns in TABLE_COLUMNS.items():
                db.execute(_create_table(name, columns, TABLE_KEYS[name], TABLE_REFERENCES.get(name)))
                keys = TABLE_KEYS[name]
                select = [
                    f'COALESCE("{c}", {_KEY_FILL[c]})' if c in keys and c in _KEY_FILL else f'"{c}"' for c in columns
                ]
                parquet = str(tables_dir / f"{name}.parquet")
                db.execute(f'INSERT INTO "{name}" SELECT {", ".join(select)} FROM read_parquet(?)', [parquet])
            reference = (("report_id",), "reports")
            db.execute(_create_table(MANIFEST_TABLE, MANIFEST_COLUMNS, MANIFEST_KEY, reference))
            for chunk in _chunks(manifest):
                db.register("jixiao_manifest", arrow_table(chunk, MANIFEST_COLUMNS, manifest_schema()))
                db.execute(f'INSERT INTO "{MANIFEST_TABLE}" SELECT * FROM jixiao_manifest')
                db.unregister("jixiao_manifest")
            db.execute("COMMIT")
    except (duckdb.Error, OSError) as exc:
        raise BatchError(f"cannot write the DuckDB database {target}: {exc}") from None


def _create_table(
    name: str, columns: dict[str, str], keys: tuple[str, ...], reference: tuple[tuple[str, ...], str] | None
) -> str:
    def quoted(names: tuple[str, ...]) -> str:
        return ", ".join(f'"{n}"' for n in names)  # quoted: table and row are SQL keywords

    definitions = [f'"{c}" {_DUCKDB_TYPES[t]}{" NOT NULL" if c in keys else ""}' for c, t in columns.items()]
    definitions.append(f"PRIMARY KEY ({quoted(keys)})")
    if reference:
        (own, parent) = reference
        definitions.append(f"FOREIGN KEY ({quoted(own)}) REFERENCES {parent} ({quoted(TABLE_KEYS[parent])})")
    return f'CREATE TABLE "{name}" ({", ".join(definitions)})'
