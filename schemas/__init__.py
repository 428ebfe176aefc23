"""JSON Schema of the output contract (shared/CONTRACT.md)."""

from pathlib import Path

REPORT_SCHEMA = Path(__file__).with_name("report.schema.json")
