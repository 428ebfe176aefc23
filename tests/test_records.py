"""The records are the one definition: schema file, reading back, table columns, content_id."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

from jixiao.normalize.records import TABLE_COLUMNS, Report, warning_keys

from jixiao.pipeline import extract_file
from tests.conftest import ROOT, SEED, SEED_TXT, schema_errors


def test_the_committed_schema_is_the_one_the_records_define():
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "make_schema.py"), "--check"], capture_output=True)
    assert result.returncode == 0, result.stderr.decode()


def test_a_report_reads_back_even_with_fields_a_later_version_added():
    data = extract_file(SEED_TXT).to_dict()
    data["added_later"] = {"x": 1}
    data["report"]["added_later"] = 1
    data["projects"][0]["indicators"][0]["added_later"] = [1]
    again = Report.from_dict(data)
    assert again.to_dict() == extract_file(SEED_TXT).to_dict()


def test_written_json_is_valid_against_the_schema_and_parses_back():
    report = extract_file(SEED_TXT)
    text = report.to_json().decode("utf-8")
    assert not schema_errors(json.loads(text))
    assert Report.from_json(text) == report


def test_content_id_is_the_same_for_the_seed_as_text_and_as_docx_but_report_id_is_not():
    text, docx = extract_file(SEED_TXT), extract_file(SEED / "seed.docx")
    assert text.report.content_id == docx.report.content_id
    assert text.report.report_id != docx.report.report_id
    assert text.report.content_id == text.content_digest()


def test_content_id_changes_with_the_content():
    report = extract_file(SEED_TXT)
    before = report.content_digest()
    report.projects[0].indicators[0].value_raw = "≥96%"
    assert report.content_digest() != before


def test_content_id_is_the_digest_of_sorted_compact_json_with_numbers_as_the_report_json_has_them():
    report = extract_file(SEED_TXT)
    indicator = report.projects[0].indicators[0]
    indicator.extra = {"备注": 'a "quoted" \\ tab\t line\u2028 𠀀', "B": "\x01", "a": "", "分值": "10"}

    def digest(canonical: str) -> str:
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]

    def canonical_dict() -> dict:
        data = report.to_dict()
        del data["source"]
        del data["report"]["report_id"], data["report"]["content_id"]
        for item in data["department_indicators"] + [i for p in data["projects"] for i in p["indicators"]]:
            del item["source"]
        for table in data["unrecognised_tables"]:
            del table["page"]
        return data

    # strings and ordinary numbers: exactly the json.dumps form content_id had before issue 10.5
    assert report.content_digest() == digest(json.dumps(canonical_dict(), ensure_ascii=False, sort_keys=True,
                                                        separators=(",", ":")))  # fmt: skip
    indicator.value = 0.00001
    text = json.dumps(canonical_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert report.content_digest() == digest(text.replace('"value":1e-05', '"value":0.00001'))
    assert b'"value": 0.00001' in report.to_json()


def test_warning_keys_are_the_one_based_seqs_of_what_where_points_at():
    assert warning_keys("projects[4].indicators[2]") == (5, 3)
    assert warning_keys("projects[0].spending_plan") == (1, None)
    assert warning_keys("department_indicators[0]") == (None, 1)
    assert warning_keys("report.layout") == (None, None)
    assert warning_keys(None) == (None, None)


def test_every_table_row_has_exactly_the_table_columns():
    rows = extract_file(SEED_TXT).to_rows()
    for name, table_rows in rows.items():
        for row in table_rows:
            assert list(row) == list(TABLE_COLUMNS[name]), name
