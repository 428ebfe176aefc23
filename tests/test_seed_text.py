"""The seed's Word text export, in every encoding, against its hand-checked truth."""

import json
import subprocess
import sys

import pytest

from jixiao import extract_file
from tests.conftest import ROOT, SEED, SEED_TXT, assert_same_report, first_difference, schema_errors


def test_cli_writes_the_seed_truth_field_by_field(tmp_path, seed_truth):
    jixiao = ROOT / ".venv" / "bin" / "jixiao"
    command = [str(jixiao)] if jixiao.exists() else [sys.executable, "-m", "jixiao.cli"]
    subprocess.run([*command, "extract", str(SEED_TXT), "-o", str(tmp_path)], check=True, capture_output=True)
    written = json.loads((tmp_path / "json" / f"{SEED_TXT.name}.json").read_text(encoding="utf-8"))
    assert schema_errors(written) == []
    assert_same_report(written, seed_truth)


@pytest.mark.parametrize("name", ["seed.gb18030.txt", "seed.utf16.txt"])
def test_other_encodings_give_the_same_report(name, seed_truth):
    report = extract_file(SEED / name).to_dict()
    assert report["source"]["format"] == "txt"
    assert_same_report(report, seed_truth, ignore_source=True)


def test_report_id_is_the_sha256_prefix():
    report = extract_file(SEED_TXT)
    assert report.report_id == report.source.sha256[:16]
    assert report.source.path == SEED_TXT.name


def test_first_difference_names_the_field(seed_truth):
    changed = json.loads(json.dumps(seed_truth))
    changed["projects"][2]["indicators"][4]["unit"] = "人"
    assert first_difference(changed, seed_truth) == "$.projects[2].indicators[4].unit: '人' != '%'"
    assert first_difference(seed_truth, seed_truth) is None
