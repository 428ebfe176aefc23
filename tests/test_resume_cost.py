"""Resume costs what changed (issue 10.4): unchanged tables stay, new reports are appended, the key has the reader."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from jixiao.normalize.records import TABLE_COLUMNS

from jixiao.batch import STATE_DIR, BatchOptions, run
from jixiao.warehouse import TABLE_KEYS
from tests.conftest import SAMPLES

SAMPLE_TXT = sorted((SAMPLES / "hebei").glob("*.txt"))


def table_files(out) -> dict:
    files = [*(out / "tables").iterdir(), *(out / "warehouse").rglob("*.parquet")]
    return {path.relative_to(out): (path.stat().st_ino, path.stat().st_mtime_ns) for path in files}


def sorted_table(out, name: str) -> pd.DataFrame:
    frame = pd.read_parquet(out / "tables" / f"{name}.parquet")
    keys = [key for key in ("source_path", *TABLE_KEYS[name]) if key in frame.columns]
    return frame.sort_values(keys, na_position="first").reset_index(drop=True)


@pytest.fixture()
def converted(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for sample in SAMPLE_TXT[1:]:
        shutil.copyfile(sample, inputs / sample.name)
    run([inputs], tmp_path / "out", BatchOptions(workers=1))
    return inputs, tmp_path / "out"


def test_a_rerun_where_nothing_changed_rewrites_no_table(converted):
    inputs, out = converted
    before = table_files(out)
    manifest = run([inputs], out, BatchOptions(workers=1))
    assert manifest["resumed"].all()
    assert table_files(out) == before


def test_new_reports_are_appended_and_the_tables_hold_what_a_fresh_run_holds(converted, tmp_path):
    inputs, out = converted
    old = {name: pd.read_parquet(out / "tables" / f"{name}.parquet") for name in TABLE_COLUMNS}
    old_csv = {name: (out / "tables" / f"{name}.csv").read_bytes() for name in TABLE_COLUMNS}
    shutil.copyfile(SAMPLE_TXT[0], inputs / SAMPLE_TXT[0].name)  # sorts first: a fresh run puts it first
    manifest = run([inputs], out, BatchOptions(workers=1)).set_index("path")
    assert manifest.loc[SAMPLE_TXT[0].name, "status"] in ("ok", "warnings")
    reference = tmp_path / "reference"
    run([inputs], reference, BatchOptions(workers=1))
    for name in TABLE_COLUMNS:
        appended = pd.read_parquet(out / "tables" / f"{name}.parquet")
        pd.testing.assert_frame_equal(appended.head(len(old[name])), old[name])  # the old rows first, untouched
        assert (out / "tables" / f"{name}.csv").read_bytes().startswith(old_csv[name])
        pd.testing.assert_frame_equal(sorted_table(out, name), sorted_table(reference, name))
    years = {path.parent.name for path in (out / "warehouse" / "projects").rglob("*.parquet")}
    assert years == {path.parent.name for path in (reference / "warehouse" / "projects").rglob("*.parquet")}
    pd.testing.assert_frame_equal(
        pd.read_parquet(out / "warehouse" / "projects").sort_values(["report_id", "project_seq"], ignore_index=True),
        pd.read_parquet(reference / "warehouse" / "projects").sort_values(
            ["report_id", "project_seq"], ignore_index=True
        ),
    )


def test_a_report_converted_again_rebuilds_the_tables_as_a_fresh_run(converted, tmp_path):
    inputs, out = converted
    shutil.copyfile(SAMPLE_TXT[0], inputs / SAMPLE_TXT[0].name)
    run([inputs], out, BatchOptions(workers=1))  # appended: not in a fresh run's order
    run([inputs], out, BatchOptions(workers=1, force=True))  # every JSON rewritten
    reference = tmp_path / "reference"
    run([inputs], reference, BatchOptions(workers=1))
    for name in TABLE_COLUMNS:
        assert (out / "tables" / f"{name}.csv").read_bytes() == (reference / "tables" / f"{name}.csv").read_bytes()


def test_a_record_made_by_other_reading_code_is_converted_again(converted):
    inputs, out = converted
    records = [path for path in (out / STATE_DIR).glob("*.json") if path.name != "tables.json"]
    assert len(records) == len(SAMPLE_TXT) - 1
    for record_path in records:
        record = json.loads(record_path.read_text())
        record_path.write_text(json.dumps(record | {"jixiao": record["jixiao"] + "-older"}))
    manifest = run([inputs], out, BatchOptions(workers=1))
    assert set(manifest["status"]) <= {"ok", "warnings"} and not manifest["resumed"].any()


def test_added_reports_go_to_new_files_of_the_dataset_until_a_partition_has_max_parts(converted, monkeypatch):
    inputs, out = converted
    old_parts = {p: p.stat().st_mtime_ns for p in (out / "warehouse").rglob("*.parquet")}

    def add(name: str, number: int) -> None:  # the first sample (a year no other has), with bytes of its own
        (inputs / name).write_bytes(SAMPLE_TXT[0].read_bytes() + b"\n" + b" " * number + b"\n")
        run([inputs], out, BatchOptions(workers=1))

    add("first.txt", 1)
    parts = {p: p.stat().st_mtime_ns for p in (out / "warehouse").rglob("*.parquet")}
    assert {p: parts[p] for p in old_parts} == old_parts  # the old files untouched
    year = next(p.parent.name for p in set(parts) - set(old_parts) if p.parts[-3] == "reports")
    add("second.txt", 2)  # the same year: a second file in its partition
    assert sorted(p.name for p in (out / "warehouse" / "reports" / year).iterdir()) == [
        "part-0.parquet",
        "part-1.parquet",
    ]
    reports = pd.read_parquet(out / "warehouse" / "reports")
    assert reports["report_id"].is_unique and len(reports) == len(SAMPLE_TXT) + 1
    monkeypatch.setattr("jixiao.warehouse.MAX_PARTS", 2)  # that partition is full: the next add rebuilds
    add("third.txt", 3)
    assert {p.name for p in (out / "warehouse").rglob("*.parquet")} == {"part-0.parquet"}
    assert len(pd.read_parquet(out / "warehouse" / "reports")) == len(SAMPLE_TXT) + 2
