"""The `jixiao extract` command line: selection, exit status, output folder safety, progress, DuckDB."""

from __future__ import annotations

import fcntl
import json
import shutil
import subprocess
import sys

import duckdb
import pandas as pd
import pytest

from jixiao.batch import STATE_DIR
from jixiao.pipeline import sha256_of
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


def test_two_roots_with_the_same_relative_paths_convert_each_under_its_root_name(tmp_path):
    for root, sample in (("batch01", "jiaoyu_2019.txt"), ("batch02", "yibao_2023.txt")):
        (tmp_path / root / "sub").mkdir(parents=True)
        shutil.copyfile(SAMPLES / "hebei" / sample, tmp_path / root / "sub" / "a.txt")
    out = tmp_path / "out"
    result = extract(tmp_path / "batch01", tmp_path / "batch02", "-o", out, "-q")
    assert result.returncode == 0, result.stderr
    manifest = pd.read_csv(out / "manifest.csv").set_index("path")
    assert list(manifest.index) == ["batch01/sub/a.txt", "batch02/sub/a.txt"]
    assert set(manifest["status"]) <= {"ok", "warnings", "partial"}
    for name, sample in (("batch01", "jiaoyu_2019.txt"), ("batch02", "yibao_2023.txt")):
        report = json.loads((out / "json" / name / "sub" / "a.txt.json").read_text(encoding="utf-8"))
        assert report["source"]["path"] == f"{name}/sub/a.txt"
        assert report["report"]["report_id"] == manifest.loc[f"{name}/sub/a.txt", "report_id"]
        assert report["source"]["sha256"] == sha256_of(SAMPLES / "hebei" / sample)
    # a later run of one of the roots keeps the names OUT gave (and so resumes)
    again = extract(tmp_path / "batch02", "-o", out, "-q")
    assert again.returncode == 0, again.stderr
    manifest = pd.read_csv(out / "manifest.csv").set_index("path")
    assert list(manifest.index) == ["batch01/sub/a.txt", "batch02/sub/a.txt"]
    assert manifest.loc["batch02/sub/a.txt", "resumed"]


def test_a_root_whose_paths_are_taken_in_out_by_another_input_is_led_by_its_name(tmp_path):
    for root in ("first", "second"):
        (tmp_path / root).mkdir()
        shutil.copyfile(SAMPLES / "hebei" / "jiaoyu_2019.txt", tmp_path / root / "a.txt")
    out = tmp_path / "out"
    assert extract(tmp_path / "first", "-o", out, "-q").returncode == 0
    assert extract(tmp_path / "second", "-o", out, "-q").returncode == 0
    manifest = pd.read_csv(out / "manifest.csv").set_index("path")
    assert dict(manifest["input"]) == {"a.txt": str(tmp_path / "first" / "a.txt"),
                                       "second/a.txt": str(tmp_path / "second" / "a.txt")}  # fmt: skip
    assert (out / "json" / "a.txt.json").is_file() and (out / "json" / "second" / "a.txt.json").is_file()


def test_operating_system_files_and_documents_that_are_not_reports_are_skipped_rows(inputs, tmp_path):
    (inputs / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))
    (inputs / "2020" / "desktop.ini").write_text("[.ShellClassInfo]\n", encoding="utf-16")
    (inputs / "2020" / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1" + bytes(100))
    (inputs / "说明.md").write_text("# 说明\n本文件夹存放2020年各部门的绩效目标表。\n", encoding="utf-8")
    (inputs / "~$jiaoyu.docx").write_bytes(b"\x05owner" + bytes(150))
    out = tmp_path / "out"
    result = extract(inputs, "-o", out, "-q")
    assert result.returncode == 0, result.stderr
    manifest = pd.read_csv(out / "manifest.csv").set_index("path")
    skipped = manifest.loc[manifest["status"] == "skipped", "error"].to_dict()
    assert skipped == {
        "2020/.DS_Store": "2020/.DS_Store: macOS folder settings, not a document",
        "2020/desktop.ini": "2020/desktop.ini: Windows folder settings, not a document",
        "Thumbs.db": "Thumbs.db: Windows thumbnail cache, not a document",
        "~$jiaoyu.docx": "~$jiaoyu.docx: Office lock file, not a document",
        "说明.md": "说明.md: not a report (no table in it: not a performance-goal report)",
    }
    assert set(manifest.drop(list(skipped))["status"]) <= {"ok", "warnings", "partial"}
    assert not (out / "json" / "说明.md.json").exists()
    # named explicitly, the same files are inputs that fail
    named = extract(inputs / "Thumbs.db", inputs / "说明.md", "-o", tmp_path / "named", "-q")
    assert named.returncode == 1
    assert "failed: 说明.md: no table in it" in named.stderr and "failed: Thumbs.db: " in named.stderr


def test_an_input_without_files_or_an_include_matching_nothing_says_so_and_exits_1(inputs, tmp_path):
    (tmp_path / "empty").mkdir()
    result = extract(tmp_path / "empty", "-o", tmp_path / "out")
    assert result.returncode == 1
    assert result.stderr == f"jixiao: no input files in {tmp_path / 'empty'}\n"
    result = extract(inputs, "-o", tmp_path / "out", "--include", "*.pdf")
    assert result.returncode == 1
    assert result.stderr == f"jixiao: no input files matching --include/--exclude in {inputs}\n"
    assert not (tmp_path / "out").exists()


def test_a_usage_error_shows_the_subcommand_usage(tmp_path):
    for args in (["missing", "-o", "out"], ["samples"], ["samples", "-o", "out", "--workers", "x"]):
        result = subprocess.run([*JIXIAO, "extract", *args], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 2
        assert result.stderr.startswith("usage: jixiao extract [-h] -o OUT"), result.stderr


def test_verbose_prints_a_line_per_file(inputs, tmp_path):
    (inputs / "empty.txt").write_bytes(b"")
    result = extract(inputs, "-o", tmp_path / "out", "-v")
    assert result.returncode == 1
    lines = sorted(line for line in result.stderr.splitlines() if not line.startswith("  failed:"))
    manifest = pd.read_csv(tmp_path / "out" / "manifest.csv", keep_default_na=False)
    assert len(manifest) == 4 and "failed" in set(manifest["status"])
    expected = [f"{r.status:8} {r.path}" + (f"  {r.error}" if r.error else "") for r in manifest.itertuples()]
    assert lines == sorted(expected)


def test_libreoffice_is_looked_up_once_per_run_and_its_absence_fails_only_the_files_needing_it(tmp_path, monkeypatch):
    from jixiao.extract import convert

    from jixiao.batch import BatchOptions, run
    from jixiao.errors import ReadError

    looked_up = []

    def missing() -> str:
        looked_up.append(1)
        raise ReadError("LibreOffice is needed to read this Word format and is not installed: apt-get install …")

    monkeypatch.setattr(convert, "soffice_binary", missing)
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("jiaoyu_2019.doc", "yibao_2023.doc", "wenlv_2020.txt"):
        shutil.copyfile(SAMPLES / "hebei" / name, inputs / name)
    manifest = run([inputs], tmp_path / "out", BatchOptions(workers=1)).set_index("path")
    assert looked_up == [1]
    for name in ("jiaoyu_2019.doc", "yibao_2023.doc"):
        assert manifest.loc[name, "status"] == "failed"
        assert manifest.loc[name, "error"].startswith(f"{name}: LibreOffice is needed")
    assert manifest.loc["wenlv_2020.txt", "status"] in ("ok", "warnings", "partial")
