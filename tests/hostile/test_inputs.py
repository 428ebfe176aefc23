"""Hostile inputs to a batch (issue 11.2, 11.4, 11.5): special files, links that loop, names that are not UTF-8.

Each case runs the real command line with a time bound and asserts the rows
and the reasons, that no traceback reaches stderr and that inputs are not
changed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pandas as pd
import pytest

import jixiao
from tests.conftest import ROOT, SAMPLES

JIXIAO = [sys.executable, "-m", "jixiao.cli"]
SAMPLE = SAMPLES / "hebei" / "wenlv_2020.txt"
NOT_UTF8 = os.fsdecode(b"bad\xff\xfe.txt")  # a GBK-era name read on a UTF-8 system


def extract(*args, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*JIXIAO, "extract", *map(str, args)], cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


def manifest(out) -> pd.DataFrame:
    return pd.read_csv(out / "manifest.csv", keep_default_na=False, encoding="utf-8-sig").set_index("path")


@pytest.fixture()
def hostile_folder(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(SAMPLE, folder / "good.txt")
    os.mkfifo(folder / "pipe.txt")  # opening it would block for ever
    (folder / "loop").symlink_to("loop")
    (folder / "dangling.doc").symlink_to(tmp_path / "nowhere.doc")
    (folder / "tty.txt").symlink_to("/dev/zero")  # a character device that never ends
    shutil.copyfile(SAMPLE, os.path.join(os.fsencode(folder), os.fsencode(NOT_UTF8)))
    return folder


def test_special_files_and_link_loops_in_a_folder_are_skipped_rows_with_their_reason(hostile_folder, tmp_path):
    before = {p.name: p.read_bytes() for p in hostile_folder.iterdir() if p.is_file() and p.name != "tty.txt"}
    result = extract(hostile_folder, "-o", tmp_path / "out", timeout=60)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    rows = manifest(tmp_path / "out")
    assert rows.loc["pipe.txt", ["status", "error"]].tolist() == [
        "skipped",
        "pipe.txt: not a regular file: a FIFO (named pipe)",
    ]
    assert rows.loc["loop", "error"] == "loop: not a regular file: a symbolic link loop"
    assert rows.loc["dangling.doc", "error"] == "dangling.doc: not a regular file: a broken symbolic link"
    assert rows.loc["tty.txt", "error"] == "tty.txt: not a regular file: a character device"
    assert rows.loc["good.txt", "status"] == "ok"
    after = {p.name: p.read_bytes() for p in hostile_folder.iterdir() if p.is_file() and p.name != "tty.txt"}
    assert after == before


def test_a_special_file_named_on_the_command_line_fails_with_its_reason(tmp_path):
    os.mkfifo(tmp_path / "pipe.doc")
    result = extract(tmp_path / "pipe.doc", "-o", tmp_path / "out", timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert manifest(tmp_path / "out").loc["pipe.doc", "error"] == "pipe.doc: not a regular file: a FIFO (named pipe)"


def test_a_name_that_is_not_utf8_converts_under_an_escaped_name(hostile_folder, tmp_path):
    out = tmp_path / "out"
    assert extract(hostile_folder, "-o", out).returncode == 0
    escaped = r"bad\xff\xfe.txt"
    row = manifest(out).loc[escaped]
    assert row["status"] == "ok" and row["input"].endswith(escaped)
    assert (out / row["output"]).is_file()
    assert pd.read_parquet(out / "tables" / "reports.parquet")["source_path"].str.contains(r"\xff", regex=False).any()
    again = extract(hostile_folder, "-o", out, "--prune")  # found again: resumed, not pruned as gone
    assert again.returncode == 0, again.stderr
    assert bool(manifest(out).loc[escaped, "resumed"]) is True


def test_the_api_refuses_a_fifo_instead_of_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    with pytest.raises(jixiao.ReadError, match="not a regular file: a FIFO"):
        jixiao.extract_file(tmp_path / "pipe.txt")


def test_a_name_at_the_file_system_limit_gets_a_shortened_json_named_in_the_manifest(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    long_name = "绩效目标" * 20 + "x" * 9 + ".txt"  # 253 bytes: with ".json" over the 255 a name may have
    assert len(os.fsencode(long_name)) == 253
    shutil.copyfile(SAMPLE, folder / long_name)
    result = extract(folder, "-o", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    row = manifest(tmp_path / "out").loc[long_name]
    assert row["status"] == "ok"
    output = tmp_path / "out" / row["output"]
    assert output.is_file() and len(os.fsencode(output.name)) <= 255 and output.name.startswith("绩效目标")
    assert json.loads(output.read_text(encoding="utf-8"))["source"]["path"] == long_name
