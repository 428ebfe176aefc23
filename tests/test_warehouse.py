"""OUT as a warehouse: keys that join, runs that accumulate, a DuckDB file that is never clobbered, files any tool reads."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from jixiao.normalize.records import TABLE_COLUMNS

from jixiao import writers
from jixiao.batch import BatchOptions, run
from jixiao.errors import BatchError
from tests.conftest import ROOT, SAMPLES

HEBEI_TXT = sorted((SAMPLES / "hebei").glob("*.txt"))
COPIES = 10


def expected(sample: Path) -> dict:
    return json.loads(sample.with_name(sample.name + ".expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def copies(tmp_path_factory):
    """Ten copies of each hebei .txt sample (same bytes, ten paths), converted into a DuckDB database."""
    folder = tmp_path_factory.mktemp("copies")
    for number in range(COPIES):
        for sample in HEBEI_TXT:
            (folder / "in" / f"copy{number}").mkdir(parents=True, exist_ok=True)
            shutil.copyfile(sample, folder / "in" / f"copy{number}" / sample.name)
    out = folder / "out"
    manifest = run([folder / "in"], out, BatchOptions(workers=2, duckdb=out / "jixiao.duckdb"))
    return out, manifest


def test_identical_bytes_at_ten_paths_are_one_report_and_joins_do_not_multiply(copies):
    out, manifest = copies
    assert len(manifest) == COPIES * len(HEBEI_TXT) and set(manifest["status"]) <= {"ok", "warnings"}
    assert manifest.groupby("report_id")["path"].nunique().eq(COPIES).all()  # every path listed with its report
    reports = pd.read_parquet(out / "tables" / "reports.parquet")
    assert reports["report_id"].is_unique and len(reports) == len(HEBEI_TXT)
    projects = pd.read_parquet(out / "tables" / "projects.parquet")
    assert len(projects) == sum(len(expected(s)["projects"]) for s in HEBEI_TXT)
    with duckdb.connect(str(out / "jixiao.duckdb"), read_only=True) as db:
        joined = db.execute("SELECT count(*) FROM projects JOIN reports USING (report_id)").fetchone()[0]
        assert joined == len(projects)
        indicators = db.execute(
            "SELECT count(*) FROM indicators i JOIN projects p USING (report_id, project_seq) "
            "JOIN reports r USING (report_id)"
        ).fetchone()[0]
        assert indicators == sum(len(p["indicators"]) for s in HEBEI_TXT for p in expected(s)["projects"])
        listed = db.execute("SELECT count(*) FROM manifest JOIN reports USING (report_id)").fetchone()[0]
        assert listed == COPIES * len(HEBEI_TXT)


def test_duckdb_declares_primary_and_foreign_keys(copies, tmp_path):
    out, _ = copies
    with duckdb.connect(str(out / "jixiao.duckdb"), read_only=True) as db:
        constraints = db.execute(
            "SELECT table_name, constraint_type, constraint_column_names, referenced_table FROM duckdb_constraints() "
            "WHERE constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY')"
        ).fetchall()
        primary = {table: columns for table, kind, columns, _ in constraints if kind == "PRIMARY KEY"}
        foreign = {table: (columns, parent) for table, kind, columns, parent in constraints if kind == "FOREIGN KEY"}
        assert set(primary) == {*TABLE_COLUMNS, "manifest"}
        assert primary["warnings"] == ["report_id", "seq"] and primary["manifest"] == ["input"]
        assert foreign["spending_plan"] == (["report_id", "project_seq"], "projects")
        assert {name for name, (_, parent) in foreign.items() if parent == "reports"} == {
            *TABLE_COLUMNS,
            "manifest",
        } - {"reports", "spending_plan"}
    writable = tmp_path / "copy.duckdb"
    shutil.copyfile(out / "jixiao.duckdb", writable)
    with duckdb.connect(str(writable)) as db:  # DuckDB enforces them
        with pytest.raises(duckdb.ConstraintException, match="foreign key"):
            db.execute("INSERT INTO projects (report_id, project_seq) VALUES ('0000000000000000', 1)")
        with pytest.raises(duckdb.ConstraintException, match="primary key|PRIMARY KEY|Duplicate key"):
            db.execute("INSERT INTO reports (report_id) SELECT report_id FROM reports LIMIT 1")


def test_warnings_join_their_project_and_indicator(copies):
    out, _ = copies
    with duckdb.connect(str(out / "jixiao.duckdb"), read_only=True) as db:
        located = db.execute("SELECT count(*) FROM warnings WHERE indicator_seq IS NOT NULL").fetchone()[0]
        joined = db.execute(
            "SELECT count(*) FROM warnings w JOIN indicators i "
            "ON i.report_id = w.report_id AND i.project_seq = w.project_seq AND i.seq = w.indicator_seq "
            "AND i.scope = 'project'"
        ).fetchone()[0]
    assert located > 0 and joined == located


def test_the_readme_sql_example_gives_the_numbers_it_shows(copies):
    out, _ = copies
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- sql-example -->")[1].split("<!-- /sql-example -->")[0]
    sql = re.search(r"```sql\n(.*?)```", block, re.S).group(1)
    shown = [line.strip("|").split("|") for line in block.splitlines() if line.startswith("| ") and "---" not in line]
    header, *table = [[cell.strip() for cell in row] for row in shown]
    with duckdb.connect(str(out / "jixiao.duckdb"), read_only=True) as db:
        result = db.execute(sql)
        assert [column[0] for column in result.description] == header
        rows = [[str(value) for value in row] for row in result.fetchall()]
    assert rows == table
    truth = sorted(  # the same figures from the samples' expected JSON, which the specs made
        [
            e["report"]["department_name"],
            str(e["report"]["fiscal_year"]),
            e["projects"][0]["amount_unit"],
            str(len(e["projects"])),
            str(round(sum(p["budget_total"] for p in e["projects"]), 1)),
        ]
        for e in map(expected, HEBEI_TXT)
    )
    assert sorted(rows) == truth


def test_a_second_run_with_other_inputs_keeps_the_first_runs_rows(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, samples in ((first, HEBEI_TXT[:2]), (second, HEBEI_TXT[2:])):
        folder.mkdir()
        for sample in samples:
            shutil.copyfile(sample, folder / sample.name)
    out = tmp_path / "out"
    options = BatchOptions(workers=2, duckdb=out / "jixiao.duckdb")
    run([first], out, options)
    this_run = run([second], out, options)
    assert sorted(this_run["path"]) == sorted(s.name for s in HEBEI_TXT[2:])
    assert this_run.attrs["stored"] == len(HEBEI_TXT)
    manifest = pd.read_parquet(out / "manifest.parquet")
    assert sorted(manifest["path"]) == sorted(s.name for s in HEBEI_TXT)
    assert sorted(manifest["input"]) == sorted(str(f / name) for f in (first, second) for name in os.listdir(f))
    reports = pd.read_parquet(out / "tables" / "reports.parquet")
    assert sorted(reports["source_path"]) == sorted(s.name for s in HEBEI_TXT)
    with duckdb.connect(str(out / "jixiao.duckdb"), read_only=True) as db:
        assert db.execute("SELECT count(*) FROM reports").fetchone()[0] == len(HEBEI_TXT)
        assert db.execute("SELECT count(*) FROM manifest").fetchone()[0] == len(HEBEI_TXT)
    # the first folder again: its rows are resumed, keeping their status and warning codes
    again = run([first], out, options).set_index("path")
    stored = manifest.set_index("path").loc[again.index]
    assert again["resumed"].all()
    pd.testing.assert_series_equal(again["status"], stored["status"])
    pd.testing.assert_series_equal(again["error"], stored["error"])


def test_prune_removes_inputs_that_no_longer_exist_and_says_so(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for sample in HEBEI_TXT[:3]:
        shutil.copyfile(sample, inputs / sample.name)
    out = tmp_path / "out"
    run([inputs], out, BatchOptions(workers=2))
    gone = inputs / HEBEI_TXT[0].name
    gone.unlink()
    kept = run([inputs], out, BatchOptions(workers=2))
    assert kept.attrs["gone"] == [str(gone)] and kept.attrs["pruned"] == []
    assert str(gone) in set(pd.read_parquet(out / "manifest.parquet")["input"])
    pruned = run([inputs], out, BatchOptions(workers=2, prune=True))
    assert pruned.attrs["pruned"] == [str(gone)] and pruned.attrs["gone"] == []
    manifest = pd.read_parquet(out / "manifest.parquet")
    assert sorted(manifest["path"]) == sorted(s.name for s in HEBEI_TXT[1:3])
    assert not (out / "json" / f"{gone.name}.json").exists()
    assert sorted(pd.read_parquet(out / "tables" / "reports.parquet")["source_path"]) == sorted(manifest["path"])


def test_a_users_own_duckdb_tables_survive_and_a_bad_database_file_is_left_alone(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copyfile(HEBEI_TXT[0], inputs / HEBEI_TXT[0].name)
    database = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(database)) as db:
        db.execute("CREATE TABLE budgets_checked AS SELECT 42 AS answer")
        db.execute(
            "CREATE SCHEMA finance; CREATE TABLE finance.notes (note VARCHAR); INSERT INTO finance.notes VALUES ('keep')"
        )
    for _ in range(2):  # the second run replaces jixiao's tables only
        run([inputs], tmp_path / "out", BatchOptions(workers=1, duckdb=database))
    with duckdb.connect(str(database), read_only=True) as db:
        assert db.execute("SELECT answer FROM budgets_checked").fetchall() == [(42,)]
        assert db.execute("SELECT note FROM finance.notes").fetchall() == [("keep",)]
        assert db.execute("SELECT count(*) FROM reports").fetchone()[0] == 1
    not_a_database = tmp_path / "notes.duckdb"
    not_a_database.write_text("my notes\n")
    with pytest.raises(BatchError, match=f"cannot write the DuckDB database {not_a_database}"):
        run([inputs], tmp_path / "out", BatchOptions(workers=1, duckdb=not_a_database))
    assert not_a_database.read_text() == "my notes\n"


def test_empty_tables_are_written_with_their_columns_and_read_in_duckdb_and_pyarrow(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copyfile(SAMPLES / "hebei" / "yibao_2023.txt", inputs / "yibao.txt")  # no tasks, no unrecognised tables
    out = tmp_path / "out"
    run([inputs], out, BatchOptions(workers=1, duckdb=out / "jixiao.duckdb"))
    empty = [name for name in TABLE_COLUMNS if not pq.read_metadata(out / "tables" / f"{name}.parquet").num_rows]
    assert {"tasks", "unrecognised_cells"} <= set(empty)
    with duckdb.connect() as db:
        for name in empty:
            columns = list(TABLE_COLUMNS[name])
            assert pd.read_csv(out / "tables" / f"{name}.csv").columns.tolist() == columns
            assert pq.read_schema(out / "tables" / f"{name}.parquet").names == columns
            pattern = str(out / "warehouse" / name / "*" / "*.parquet")
            result = db.execute("SELECT * FROM read_parquet(?, hive_partitioning = true)", [pattern])
            assert result.fetchall() == [] and set(columns) | {"fiscal_year"} == {d[0] for d in result.description}
            dataset = ds.dataset(out / "warehouse" / name, partitioning="hive").to_table()
            assert dataset.num_rows == 0 and set(columns) <= set(dataset.column_names)
            assert pd.read_parquet(out / "warehouse" / name).empty
    with duckdb.connect(str(out / "jixiao.duckdb"), read_only=True) as db:
        assert db.execute("SELECT count(*) FROM tasks").fetchone()[0] == 0


def test_csv_files_start_with_a_utf8_bom_for_excel(copies):
    out, _ = copies
    for csv in [out / "manifest.csv", *(out / "tables" / f"{name}.csv" for name in TABLE_COLUMNS)]:
        data = csv.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\xef\xbb\xbf") == 1, csv
    reports = pd.read_csv(out / "tables" / "reports.csv", encoding="utf-8-sig")
    assert reports.columns[0] == "report_id" and "阜城县医疗保障局" in set(reports["department_name"])


def test_every_output_is_flushed_to_disk_before_it_is_renamed_into_place(tmp_path, monkeypatch):
    synced: set[str] = set()
    renamed_unsynced: list[str] = []
    fsync, replace = os.fsync, os.replace

    def recording_fsync(descriptor: int) -> None:
        synced.add(os.readlink(f"/proc/self/fd/{descriptor}"))
        fsync(descriptor)

    def checking_replace(source, target) -> None:
        source = str(source)
        if Path(source).is_file() and source not in synced:
            renamed_unsynced.append(source)
        if Path(source).is_dir():
            renamed_unsynced.extend(str(p) for p in Path(source).rglob("*") if p.is_file() and str(p) not in synced)
        replace(source, target)

    monkeypatch.setattr(writers.os, "fsync", recording_fsync)
    monkeypatch.setattr(writers.os, "replace", checking_replace)
    monkeypatch.setattr("jixiao.warehouse.os.replace", checking_replace)
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copyfile(HEBEI_TXT[0], inputs / HEBEI_TXT[0].name)
    run([inputs], tmp_path / "out", BatchOptions(workers=1))
    assert len(synced) > 2 * len(TABLE_COLUMNS) and renamed_unsynced == []


def test_docs_tables_md_is_generated_from_the_records_and_up_to_date():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "make_tables_doc.py"), "--check"], capture_output=True
    )
    assert result.returncode == 0, result.stderr.decode()
    text = (ROOT / "docs" / "tables.md").read_text(encoding="utf-8")
    for name, columns in TABLE_COLUMNS.items():
        section = text.split(f"\n## {name}\n")[1].split("\n## ")[0]
        assert [line.split("`")[1] for line in section.splitlines() if line.startswith("| `")] == list(columns)


def test_a_json_removed_by_hand_is_forgotten_and_a_damaged_one_is_named(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for sample in HEBEI_TXT[:2]:
        shutil.copyfile(sample, inputs / sample.name)
    out = tmp_path / "out"
    run([inputs / HEBEI_TXT[0].name], out, BatchOptions(workers=1))
    (out / "json" / f"{HEBEI_TXT[0].name}.json").unlink()
    run([inputs / HEBEI_TXT[1].name], out, BatchOptions(workers=1))
    assert list(pd.read_parquet(out / "manifest.parquet")["path"]) == [HEBEI_TXT[1].name]
    damaged = out / "json" / f"{HEBEI_TXT[1].name}.json"
    damaged.write_text('{"report": ', encoding="utf-8")
    with pytest.raises(BatchError, match=f"cannot read {damaged} to build the tables"):
        run([inputs / HEBEI_TXT[0].name], out, BatchOptions(workers=1))
