"""The contract's additions (docs/contract.md), written independently of the reader.

Truth files and the sample generator state a report in the v1 fields;
`complete(doc)` adds what the additions define: `report.content_id` by its
formula, `extra: {}` on every project, indicator and task that has none, and
`unrecognised_tables: []` when absent. Tests compare the reader's output with
truth completed here, so the content_id formula is checked against a second
implementation rather than against itself.
"""

from __future__ import annotations

import copy
import hashlib

import msgspec


def content_id(doc: dict) -> str:
    """16 hex digits of the SHA-256 of the canonical JSON without what depends on the file."""
    data = copy.deepcopy(doc)
    data.pop("source", None)
    for key in ("report_id", "content_id"):
        data["report"].pop(key, None)
    for indicator in data["department_indicators"] + [i for p in data["projects"] for i in p["indicators"]]:
        indicator.pop("source", None)
    for table in data["unrecognised_tables"]:
        table.pop("page", None)
    canonical = msgspec.json.encode(data, order="sorted")  # compact UTF-8, numbers as the report's JSON has them
    return hashlib.sha256(canonical).hexdigest()[:16]


def complete(doc: dict) -> dict:
    """A copy of doc with the contract's additions filled in (content_id computed last)."""
    doc = copy.deepcopy(doc)
    records = doc["tasks"] + doc["projects"] + doc["department_indicators"]
    records += [i for p in doc["projects"] for i in p["indicators"]]
    for record in records:
        record.setdefault("extra", {})
    doc.setdefault("unrecognised_tables", [])
    report = doc["report"]
    items = list(report.items())
    report.clear()
    report.update(items[:1])
    report["content_id"] = None
    report.update((k, v) for k, v in items[1:] if k != "content_id")
    report["content_id"] = content_id(doc)
    return doc
