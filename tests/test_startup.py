"""A light start-up (issue 10.3): the CLI and the workers load only what their work needs."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT, SEED, SEED_TXT

HEAVY = ("pandas", "pyarrow", "duckdb", "dask", "distributed", "pdfplumber", "pdfminer", "pypdfium2", "lxml")


def loaded_after(code: str) -> set[str]:
    """The heavy top-level modules a fresh interpreter holds after running code."""
    script = f"{code}\nimport json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}})))"
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.splitlines()[-1])) & set(HEAVY)


def test_the_cli_imports_no_reader_and_no_table_library():
    assert loaded_after("import jixiao.cli") == set()


def test_the_cli_parent_plans_a_batch_without_the_readers(tmp_path):
    """Walking, hashing and sniffing inputs (what the parent does before its workers start) needs no reader.

    PDFs are left out: planning counts their scanned pages (for the time limit) with pypdfium2.
    """
    code = (
        "from pathlib import Path\n"
        "from jixiao.batch import find_inputs, make_job\n"
        f"found = [f for f in find_inputs([Path({str(SEED)!r})]) if not f.path.endswith('.pdf')]\n"
        "jobs = [make_job(f.path, f.relative) for f in found]\n"
        "assert {j.kind for j in jobs} >= {'text', 'docx', 'ole'}, jobs\n"
    )
    assert loaded_after(code) == set()


def test_a_worker_reading_a_text_export_loads_no_pdf_word_or_table_library(tmp_path):
    code = (
        "from pathlib import Path\n"
        "from jixiao.batch import convert_one, make_job\n"
        f"row = convert_one(make_job(Path({str(SEED_TXT)!r}), 'seed.txt'), Path({str(tmp_path)!r}))\n"
        "assert row['status'] in ('ok', 'warnings'), row\n"
    )
    assert loaded_after(code) == set()


def test_a_worker_reading_a_pdf_loads_the_pdf_reader_only():
    code = f"from jixiao import extract_file\nextract_file({str(SEED / 'seed.pdf')!r})\n"
    assert loaded_after(code) == {"pdfplumber", "pdfminer", "pypdfium2"}


def test_a_one_file_run_writes_its_tables_without_pandas_and_a_rerun_loads_no_table_library(tmp_path):
    out = tmp_path / "out"
    code = f"from jixiao.cli import main\nassert main(['extract', {str(SEED_TXT)!r}, '-o', {str(out)!r}, '-q']) == 0\n"
    assert loaded_after(code) == {"pyarrow"}  # the Parquet files; pandas is not needed to write them
    assert (out / "tables" / "indicators.parquet").stat().st_size and (out / "manifest.csv").stat().st_size
    assert loaded_after(code) == {"pyarrow"}  # the manifest says it was resumed
    assert loaded_after(code) == set()  # nothing changed: nothing is rewritten
