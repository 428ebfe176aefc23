"""The `jixiao extract` command line: selection, exit status, output folder safety, progress, DuckDB."""

from __future__ import annotations

import fcntl
import shutil
import subprocess
import sys

import duckdb
import pandas as pd
import pytest

from jixiao.batch import STATE_DIR
from tests.conftest import ROOT, SAMPLES

JIXIAO = [sys.executable, "-m", "jixiao.cli"]


def extract(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*JIXIAO, "extract", *map(str, args)], cwd=ROOT, capture_output=True, text=True)


@pytest.fixture()
def inputs(tmp_path):
    folder = tmp_path / "in"
    (folder / "2020").mkdir(parents=True)
    (folder / ".git").mkdir()
    for sample, target in [
        ("wenlv_2020.txt", "2020/wenlv.txt"),
        ("jiaoyu_2019.txt", "jiaoyu.txt"),
        ("yibao_2023.txt", "yibao.doc.txt"),
        ("nongye_2021.txt", ".hidden.txt"),
        ("nongye_2021.txt", ".git/config.txt"),
        ("nongye_2021.txt.expected.json", "nongye.txt.expected.json"),
    ]:
        shutil.copyfile(SAMPLES / "hebei" / sample, folder / target)
    return folder


def manifest_paths(out) -> list[str]:
    return list(pd.read_csv(out / "manifest.csv")["path"])


def test_folders_are_walked_leaving_out_hidden_files_and_sidecars(inputs, tmp_path):
    result = extract(inputs, "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert manifest_paths(tmp_path / "out") == ["2020/wenlv.txt", "jiaoyu.txt", "yibao.doc.txt"]
    assert "3 files in" in result.stdout and "2 ok, 1 warnings" in result.stdout and "txt 3" in result.stdout
    assert result.stderr == ""  # no progress bar and no log line: not a terminal, and quicker than LOG_EVERY


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        (["--include", "*.txt", "--exclude", "2020/*"], ["jiaoyu.txt", "yibao.doc.txt"]),
        (["--include", "2020/*", "--include", "jiaoyu*"], ["2020/wenlv.txt", "jiaoyu.txt"]),
        (["--exclude", "*.doc.*"], ["2020/wenlv.txt", "jiaoyu.txt"]),
    ],
)
def test_include_and_exclude_select_by_name_or_relative_path(inputs, tmp_path, selection, expected):
    assert extract(inputs, "-o", tmp_path / "out", "-q", *selection).returncode == 0
    assert manifest_paths(tmp_path / "out") == expected


def test_an_output_folder_inside_the_input_folder_is_not_read_as_input(inputs):
    for _ in range(2):
        result = extract(inputs, "-o", inputs / "out", "-q")
        assert result.returncode == 0, result.stderr
        assert manifest_paths(inputs / "out") == ["2020/wenlv.txt", "jiaoyu.txt", "yibao.doc.txt"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing-folder", "-o", "out"], "no such file or folder: missing-folder"),
        (["samples", "-o", "out", "--workers", "0"], "must be more than 0"),
        (["samples", "-o", "out", "--timeout", "-1"], "must be more than 0"),
        (["samples", "-o", "out", "--max-tasks-per-worker", "-1"], "must be 0 or more"),
        ([".", "-o", "out", "--scheduler", "tcp://localhost:8786"], "--scheduler needs --engine dask"),
        (["samples", "-o", "out", "--engine", "spark"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2_with_the_reason(args, message, tmp_path):
    result = subprocess.run([*JIXIAO, "extract", *args], cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_the_help_documents_the_exit_status():
    result = subprocess.run([*JIXIAO, "extract", "--help"], capture_output=True, text=True)
    assert "Exit status: 0 when every input converted" in result.stdout and "1 when any input failed" in result.stdout


def test_an_output_folder_another_run_is_writing_into_is_refused(inputs, tmp_path):
    out = tmp_path / "out"
    (out / STATE_DIR).mkdir(parents=True)
    with open(out / STATE_DIR / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        result = extract(inputs, "-o", out)
    assert result.returncode == 2
    assert f"another jixiao run is writing into {out}" in result.stderr and "Traceback" not in result.stderr


def test_quiet_prints_nothing_but_failures(inputs, tmp_path):
    (inputs / "empty.txt").write_bytes(b"")
    result = extract(inputs, "-o", tmp_path / "out", "--quiet")
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == ["  failed: empty.txt: the file is empty"]


def test_duckdb_holds_the_tables_with_their_keys(tmp_path):
    out = tmp_path / "out"
    result = extract(SAMPLES / "hebei", "-o", out, "--duckdb", out / "jixiao.duckdb", "--include", "*.txt")
    assert result.returncode == 0, result.stderr
    with duckdb.connect(str(out / "jixiao.duckdb"), read_only=True) as db:
        keys = dict(
            db.sql(
                "SELECT table_name, constraint_column_names FROM duckdb_constraints() WHERE constraint_type = 'PRIMARY KEY'"
            ).fetchall()
        )
        assert keys["indicators"] == ["report_id", "scope", "project_seq", "seq"]
        assert keys["reports"] == ["report_id"]
        assert db.execute("SELECT count(*) FROM reports").fetchone()[0] == 5
        indicators = db.execute(
            "SELECT count(*) FROM indicators JOIN projects USING (report_id, project_seq)"
        ).fetchone()[0]
        assert indicators == len(pd.read_parquet(out / "tables" / "indicators.parquet"))
        department = db.execute("SELECT DISTINCT project_seq FROM goals WHERE scope = 'department'").fetchall()
        assert department == [(0,)]
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".") and p.name != STATE_DIR) == []


def test_two_roots_with_the_same_relative_path_do_not_overwrite_each_other(tmp_path):
    for root in ("a", "b"):
        (tmp_path / root).mkdir()
        shutil.copyfile(SAMPLES / "hebei" / "jiaoyu_2019.txt", tmp_path / root / "report.txt")
    result = extract(tmp_path / "a", tmp_path / "b", "-o", tmp_path / "out", "-q")
    assert result.returncode == 1
    manifest = pd.read_csv(tmp_path / "out" / "manifest.csv").set_index("path")
    assert manifest.loc["report.txt", "status"] == "warnings"
    second = str(tmp_path / "b" / "report.txt")
    assert manifest.loc[second, "error"] == f"{second}: another input already has the relative path report.txt"
