"""Bad input never stops a batch: each bad file is one manifest row naming it and what was wrong."""

import json
import os
import subprocess
import sys

import pandas as pd
import pytest

from tests.conftest import ROOT, SEED_TXT, schema_errors

JIXIAO = [str(ROOT / ".venv" / "bin" / "jixiao")] if (ROOT / ".venv" / "bin" / "jixiao").exists() else [
    sys.executable, "-m", "jixiao.cli"
]  # fmt: skip


def _cut_off(text: str) -> str:
    """The seed cut in the middle of its third project table."""
    third = text.index("3、机关运行经费")
    return text[: text.index("资金支出计划", third)]


@pytest.fixture()
def batch(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    seed = SEED_TXT.read_text(encoding="utf-8")
    (inputs / "good.txt").write_text(seed, encoding="utf-8")
    (inputs / "empty.txt").write_bytes(b"")
    (inputs / "noise.txt").write_bytes(os.urandom(4096))
    (inputs / "letter.txt").write_text("关于召开年度工作会议的通知\n\n各科室：定于下周一召开会议。\n", encoding="utf-8")
    (inputs / "cut.txt").write_text(_cut_off(seed), encoding="utf-8")
    (inputs / "sub").mkdir()
    (inputs / "sub" / "also-good.txt").write_text(seed, encoding="utf-8")
    out = tmp_path / "out"
    result = subprocess.run([*JIXIAO, "extract", str(inputs), "-o", str(out)], capture_output=True, text=True)
    manifest = pd.read_csv(out / "manifest.csv", keep_default_na=False).set_index("path")
    return result, manifest, out


def test_every_good_file_converts_and_every_bad_one_is_a_failed_row(batch):
    result, manifest, out = batch
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert set(manifest.index) == {"good.txt", "empty.txt", "noise.txt", "letter.txt", "cut.txt", "sub/also-good.txt"}
    assert manifest.loc["good.txt", "status"] == "warnings"  # the seed's own suspicious_operator
    assert manifest.loc["sub/also-good.txt", "status"] == "warnings"
    assert (out / "json" / "sub" / "also-good.txt.json").exists()
    for name, reason in [
        ("empty.txt", "empty"),
        ("noise.txt", "binary"),
        ("letter.txt", "not a performance-goal report"),
    ]:
        assert manifest.loc[name, "status"] == "failed"
        assert manifest.loc[name, "error"].startswith(f"{name}: ")
        assert reason in manifest.loc[name, "error"]
        assert not (out / "json" / f"{name}.json").exists()
        assert name in result.stderr


def test_a_report_cut_off_mid_table_keeps_what_it_has_and_says_so(batch):
    _, manifest, out = batch
    assert manifest.loc["cut.txt", "status"] == "warnings"
    assert "incomplete_table" in manifest.loc["cut.txt", "error"]
    report = json.loads((out / "json" / "cut.txt.json").read_text(encoding="utf-8"))
    assert [p["code"] for p in report["projects"]] == ["430-0402-JBN-N4TP", "430-0602-JBN-41BE", "430-0602-JBN-3K0Y"]
    assert len(report["projects"][1]["indicators"]) == 6
    assert report["projects"][2]["indicators"] == []
    warning = next(w for w in report["warnings"] if w["code"] == "incomplete_table")
    assert warning["where"] == "projects[2]"


def test_every_json_written_validates_and_no_temp_file_is_left(batch):
    _, _, out = batch
    written = sorted((out / "json").rglob("*.json"))
    assert len(written) == 3
    for path in written:
        assert schema_errors(json.loads(path.read_text(encoding="utf-8"))) == [], path
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")]


def test_tables_hold_the_converted_reports_only(batch):
    _, manifest, out = batch
    converted = manifest[manifest["status"] != "failed"]
    # good.txt and sub/also-good.txt hold the same bytes: one report, from its first path
    assert converted.loc["good.txt", "report_id"] == converted.loc["sub/also-good.txt", "report_id"]
    converted = converted.drop_duplicates("report_id")
    reports = pd.read_parquet(out / "tables" / "reports.parquet")
    assert sorted(reports["source_path"]) == sorted(converted.index) == ["cut.txt", "good.txt"]
    indicators = pd.read_parquet(out / "tables" / "indicators.parquet")
    assert len(indicators) == converted["indicators"].astype(int).sum() == 48 + 12
    assert str(indicators["value"].dtype) == "Float64"
