"""Shared test helpers: where the seed is, field-by-field comparison, schema validation.

`make test` sets JIXIAO_NO_SKIPS=1: a skipped test then fails the run, so CI
cannot pass with the seed, LibreOffice or OCR tests quietly left out.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest
from jixiao.schemas import REPORT_SCHEMA
from jsonschema import Draft202012Validator

from tools.contract import complete

ROOT = Path(__file__).resolve().parents[1]
# The seed in every format with its truth, copied from shared/corpus/seed so a clone runs its tests alone.
SEED = ROOT / "tests" / "data" / "seed"
SEED_TXT = SEED / "000_2a14905d4782611b.txt"
SEED_TRUTH = SEED / "000_2a14905d4782611b.truth.json"
SAMPLES = ROOT / "samples"

_VALIDATOR = Draft202012Validator(json.loads(REPORT_SCHEMA.read_text(encoding="utf-8")))


def first_difference(actual, expected, path: str = "$") -> str | None:
    """The path of the first field where actual differs from expected, with both values; None if equal."""
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in list(expected) + [k for k in actual if k not in expected]:
            if key not in actual:
                return f"{path}.{key}: missing (expected {expected[key]!r})"
            if key not in expected:
                return f"{path}.{key}: unexpected field ({actual[key]!r})"
            found = first_difference(actual[key], expected[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(expected, list) and isinstance(actual, list):
        for index, (a, e) in enumerate(zip(actual, expected, strict=False)):
            found = first_difference(a, e, f"{path}[{index}]")
            if found:
                return found
        if len(actual) != len(expected):
            return f"{path}: {len(actual)} items, expected {len(expected)}"
        return None
    if isinstance(expected, float) and isinstance(actual, (int, float)) and not isinstance(actual, bool):
        return None if math.isclose(actual, expected, abs_tol=1e-9) else f"{path}: {actual!r} != {expected!r}"
    return None if actual == expected and type(actual) is type(expected) else f"{path}: {actual!r} != {expected!r}"


def assert_same_report(actual: dict, expected: dict, ignore_source: bool = False) -> None:
    if ignore_source:
        actual = {**actual, "source": None}
        expected = {**expected, "source": None}
        actual["report"] = {**actual["report"], "report_id": None}
        expected["report"] = {**expected["report"], "report_id": None}
    difference = first_difference(actual, expected)
    assert difference is None, f"first field that differs: {difference}"


def schema_errors(document: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _VALIDATOR.iter_errors(document)]


@pytest.fixture(scope="session")
def seed_txt_document():
    """The seed's text export as a document: what every other reader's document is compared with."""
    from jixiao.extract import read_document

    return read_document(SEED_TXT)


@pytest.fixture(scope="session")
def seed_truth() -> dict:
    """The seed's truth with the contract's additions (content_id, extra, unrecognised_tables) filled in."""
    return complete(json.loads(SEED_TRUTH.read_text(encoding="utf-8")))


_SKIPPED: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped and not hasattr(report, "wasxfail"):
        _SKIPPED.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if _SKIPPED and os.environ.get("JIXIAO_NO_SKIPS") == "1":
        print(f"\nJIXIAO_NO_SKIPS=1 but {len(_SKIPPED)} tests were skipped: {', '.join(_SKIPPED[:5])}")
        session.exitstatus = 1
