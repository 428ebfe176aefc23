"""Outputs, each written atomically: a temp file beside the target, then rename."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from normalize.records import Report


def atomic_write(target: Path, write: Callable[[Path], None]) -> None:
    """Call write(temp_path), then move the finished file onto target in one step."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(handle)
    temp_path = Path(temp)
    try:
        write(temp_path)
        os.replace(temp_path, target)
    finally:
        temp_path.unlink(missing_ok=True)


def report_json(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"


def write_report(report: Report, target: Path) -> None:
    text = report_json(report)
    atomic_write(target, lambda temp: temp.write_text(text, encoding="utf-8"))


def write_frame(frame: pd.DataFrame, base: Path) -> None:
    """`base`.csv (UTF-8) and `base`.parquet (typed)."""
    atomic_write(base.with_suffix(".csv"), lambda temp: frame.to_csv(temp, index=False, encoding="utf-8"))
    atomic_write(base.with_suffix(".parquet"), lambda temp: frame.to_parquet(temp, index=False))
