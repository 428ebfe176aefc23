"""PDF section of `make bench`: jixiao's PDF reader against bare pdfplumber and bare pypdfium2.

All read the same pages in the same run: jixiao's `read_pdf` (text, tables,
stitching, paragraphs) against `page.extract_tables()` on every page, which
is the least pdfplumber does to get tables out, and against pypdfium2's
plain text of every page, the least pdfium does.  Rounds alternate and the
fastest round of each counts, so a noisy neighbour does not favour any.
Targets (issue 10): jixiao ≤ 0.3× pdfplumber's time and ≤ 5× pypdfium2's.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pypdfium2

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SEED = ROOT / "tests" / "data" / "seed"
SAMPLES = ROOT / "samples"


def pdf_files() -> list[Path]:
    return [p for p in [SEED / "seed.pdf", *sorted(SAMPLES.rglob("*.pdf"))] if p.exists()]


def page_count(files: list[Path]) -> int:
    total = 0
    for path in files:
        document = pypdfium2.PdfDocument(str(path))
        total += len(document)
        document.close()
    return total


def jixiao_pass(path: Path) -> None:
    from jixiao.extract.pdf import read_pdf

    read_pdf(path)


def bare_tables_pass(path: Path) -> None:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_tables()
            page.close()


def pdfium_text_pass(path: Path) -> None:
    document = pypdfium2.PdfDocument(str(path))
    for page in document:
        text_page = page.get_textpage()
        text_page.get_text_range()
        text_page.close()
        page.close()
    document.close()


def fastest_rounds(passes: dict[str, Callable[[Path], None]], files: list[Path], rounds: int = 5) -> dict[str, float]:
    """The fastest whole-corpus time of each pass, rounds interleaved, after one warm-up round."""
    best = dict.fromkeys(passes, float("inf"))
    for round_number in range(rounds + 1):
        for name, function in passes.items():
            started = time.perf_counter()
            for path in files:
                function(path)
            elapsed = time.perf_counter() - started
            if round_number:  # the first round warms caches and imports
                best[name] = min(best[name], elapsed)
    return best


def bench_pdf(rounds: int = 5) -> list[str]:
    files = pdf_files()
    if not files:
        return ["pdf: no PDF files found (tests/data/seed, samples/)"]
    pages = page_count(files)
    times = fastest_rounds({"jixiao": jixiao_pass, "bare": bare_tables_pass, "pdfium": pdfium_text_pass}, files, rounds)
    rate = {name: pages / seconds for name, seconds in times.items()}
    label = f".pdf reader ({len(files)} files, {pages} pages)"
    ms = {name: seconds * 1000 / pages for name, seconds in times.items()}
    return [
        f"{label:<40} {rate['jixiao']:8.1f} pages/s ({ms['jixiao']:.1f} ms/page)",
        f"{'':<40} pdfplumber extract_tables {rate['bare']:8.1f} pages/s   ratio {times['jixiao'] / times['bare']:5.2f}×"
        " (target ≤ 0.3×)",
        f"{'':<40} pypdfium2 text only       {rate['pdfium']:8.1f} pages/s   ratio {times['jixiao'] / times['pdfium']:5.2f}×"
        " (target ≤ 5×)",
    ]


if __name__ == "__main__":
    print("\n".join(bench_pdf()))
