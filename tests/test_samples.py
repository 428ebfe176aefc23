"""Every sample report against its expected JSON, derived from the generator's spec, not from a parser."""

import json

import pytest

from jixiao import extract_file
from tests.conftest import SAMPLES, assert_same_report, schema_errors
from tools.contract import content_id

EXPECTED = sorted(SAMPLES.rglob("*.expected.json"))


def _comparable(report: dict) -> dict:
    # The generator words only the seed's suspicious_operator message exactly;
    # for the others the code and the place are the contract. The content_id
    # hashes the messages too, so it is checked on its own (below).
    return {
        **report,
        "report": {**report["report"], "content_id": None},
        "warnings": [(w["code"], w["where"]) for w in report["warnings"]],
    }


@pytest.mark.parametrize("expected_path", EXPECTED, ids=lambda p: p.relative_to(SAMPLES).as_posix())
def test_sample_converts_to_its_expected_json(expected_path):
    source = expected_path.with_name(expected_path.name.removesuffix(".expected.json"))
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    actual = extract_file(source, source.relative_to(SAMPLES).as_posix()).to_dict()
    assert schema_errors(actual) == []
    assert_same_report(_comparable(actual), _comparable(expected))
    assert actual["report"]["content_id"] == content_id(actual)


@pytest.mark.parametrize("stem", sorted({p.name.split(".")[0] for p in EXPECTED}))
def test_every_format_of_a_sample_gives_one_content_id(stem):
    sources = [p.with_name(p.name.removesuffix(".expected.json")) for p in EXPECTED if p.name.split(".")[0] == stem]
    ids = {source.name: extract_file(source).report.content_id for source in sources}
    assert len(sources) >= 2 and len(set(ids.values())) == 1, ids


def test_samples_cover_the_family_variety():
    reports = [json.loads(p.read_text(encoding="utf-8")) for p in EXPECTED if p.name.endswith(".txt.expected.json")]
    assert len(reports) >= 3
    projects = [len(r["projects"]) for r in reports]
    indicators = [len(p["indicators"]) for r in reports for p in r["projects"]]
    assert min(projects) == 1 and max(projects) >= 20
    assert min(indicators) <= 3 and max(indicators) >= 30
    assert len({r["report"]["fiscal_year"] for r in reports}) >= 3
    assert any(p["budget_other"] is not None for r in reports for p in r["projects"])


def test_samples_are_up_to_date_with_their_generator():
    import subprocess
    import sys

    from tests.conftest import ROOT

    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "make_samples.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
