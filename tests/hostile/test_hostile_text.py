"""Damaged text exports through the whole API (issue 11.5): the report survives, the damage is a warning."""

from __future__ import annotations

import os

import pytest

import jixiao
from tests.conftest import SEED, SEED_TXT

SEED_PROJECTS = len(jixiao.extract_file(SEED_TXT).projects)


def _warning_codes(report) -> set[str]:
    return {warning.code for warning in report.warnings}


@pytest.mark.parametrize("share", [i / 50 for i in range(50)])
def test_one_invalid_byte_anywhere_in_the_seed_is_a_warning(share):
    data = SEED_TXT.read_bytes()
    position = int(len(data) * share)
    report = jixiao.extract_file(data[:position] + b"\xff" + data[position:], name="seed.txt")
    assert "undecodable_bytes" in _warning_codes(report)
    assert len(report.projects) == SEED_PROJECTS


def test_a_pasted_run_of_garbage_is_marked_not_fatal():
    """400 bytes no encoding reads, in the middle of the seed: the rest is still the report."""
    data = SEED_TXT.read_bytes()
    middle = len(data) // 2
    report = jixiao.extract_file(data[:middle] + b"\xff\xfe\x80" * 133 + data[middle:], name="seed.txt")
    assert "undecodable_bytes" in _warning_codes(report)
    assert len(report.projects) >= SEED_PROJECTS - 1  # the garbage may land inside one project's table


@pytest.mark.parametrize(("name", "bad"), [("seed.gb18030.txt", b"\xff"), ("seed.utf16.txt", b"\x00\xd8")])
def test_other_encodings_with_a_bad_sequence_keep_the_report(name, bad):
    data = (SEED / name).read_bytes()
    middle = len(data) // 2 & ~1  # keep UTF-16 code units aligned
    report = jixiao.extract_file(data[:middle] + bad + data[middle:], name=name)
    assert len(report.projects) == SEED_PROJECTS


def test_random_binary_is_still_refused_with_the_reason():
    with pytest.raises(jixiao.ReadError, match="binary data"):
        jixiao.extract_file(bytes(range(128, 256)) * 200 + os.urandom(2000), name="blob.txt")
