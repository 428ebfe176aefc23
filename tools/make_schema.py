"""Write schemas/report.schema.json from the records (jixiao.normalize.records); --check: exit 1 if stale."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from jixiao.normalize.records import report_json_schema
from jixiao.schemas import REPORT_SCHEMA


def schema_text() -> str:
    return json.dumps(report_json_schema(), ensure_ascii=False, indent=2) + "\n"


def main(argv: list[str]) -> int:
    text = schema_text()
    if "--check" in argv:
        if REPORT_SCHEMA.read_text(encoding="utf-8") != text:
            print(f"{REPORT_SCHEMA} is stale: run tools/make_schema.py", file=sys.stderr)
            return 1
        return 0
    Path(REPORT_SCHEMA).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
